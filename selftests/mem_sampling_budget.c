// SPDX-License-Identifier: GPL-2.0
/*
 * The CPU budget of mem_sampling with the Arm SPE driver: the budget file
 * takes basis points from 0 to 10000 and refuses anything else; every CPU's
 * cost shows in cost_ns and sums to mem_sampling_cost_ns in /proc/vmstat;
 * with a budget far under what sampling costs unbounded, the governor slows
 * sampling down until the busiest CPU's measured share is within the budget
 * (plus the tolerance below), and sampling goes on at the lower rate.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "spe_util.h"

#define BUDGET		MS_SYSFS "budget"
#define COST_NS		MS_SYSFS "cost_ns"
#define EFFECTIVE	MS_SYSFS "effective_interval"
#define MAX_CPUS	64
#define WORK_SIZE	(16UL << 20)
#define WORK_BASE	0x300000000000UL
/* The tiny budget: 0.05% of a CPU. */
#define TINY_BUDGET	5
/*
 * What the measured share may exceed the budget by: the governor decides
 * once a second on the second that passed, and a context switch costs
 * what it costs at any rate.
 */
#define TOLERANCE	1.5

static const char * const budget_settings[] = {
	MS_SYSCTL, BUDGET, MS_SYSFS "interval", NULL,
};

/* Each CPU's cost so far; returns how many CPUs, or -errno. */
static int read_costs(unsigned long long *cost)
{
	char buf[MAX_CPUS * 24], *p = buf, *end;
	int n = 0, err;

	err = ms_read(COST_NS, buf, sizeof(buf));
	if (err)
		return err;
	while (n < MAX_CPUS) {
		cost[n] = strtoull(p, &end, 10);
		if (end == p)
			break;
		n++;
		p = end;
	}
	return n;
}

/* A strider on each CPU until killed. */
static int start_workers(pid_t *pids, int nr)
{
	int cpu;

	for (cpu = 0; cpu < nr; cpu++) {
		pids[cpu] = fork();
		if (pids[cpu] < 0)
			return -errno;
		if (!pids[cpu]) {
			__u64 *buf;

			if (ms_pin_to_cpu(cpu))
				_exit(1);
			buf = map_buffer(WORK_BASE + cpu * WORK_SIZE,
					 WORK_SIZE);
			for (;;)
				stride(buf, WORK_SIZE, 1);
		}
	}
	return 0;
}

static void stop_workers(pid_t *pids, int nr)
{
	int cpu;

	for (cpu = 0; cpu < nr; cpu++) {
		if (pids[cpu] <= 0)
			continue;
		kill(pids[cpu], SIGKILL);
		waitpid(pids[cpu], NULL, 0);
	}
}

struct window {
	double share;		/* the busiest CPU's, in basis points */
	double samples_per_s;
};

/* Measure the cost share and the sample rate over @seconds. */
static int measure(double seconds, int nr, struct window *w)
{
	unsigned long long before[MAX_CPUS], after[MAX_CPUS];
	long long samples = ms_vmstat("mem_sampling_samples");
	double start = ms_now(), elapsed, share;
	int cpu;

	if (read_costs(before) < nr)
		return -EINVAL;
	ms_sleep_ms(seconds * 1000);
	if (read_costs(after) < nr)
		return -EINVAL;
	elapsed = ms_now() - start;
	w->share = 0;
	for (cpu = 0; cpu < nr; cpu++) {
		share = (after[cpu] - before[cpu]) / (elapsed * 1e9) * 1e4;
		if (share > w->share)
			w->share = share;
	}
	w->samples_per_s = (ms_vmstat("mem_sampling_samples") - samples) /
			   elapsed;
	return 0;
}

FIXTURE(budget) {
	struct ms_settings saved;
	pid_t pids[MAX_CPUS];
	int nr;
};

FIXTURE_SETUP(budget)
{
	const char *why = spe_unavailable();

	if (why)
		SKIP(return, "%s", why);
	self->nr = sysconf(_SC_NPROCESSORS_ONLN);
	ASSERT_GT(self->nr, 0);
	ASSERT_LE(self->nr, MAX_CPUS);
	ASSERT_EQ(0, ms_settings_save(&self->saved, budget_settings));
	memset(self->pids, 0, sizeof(self->pids));
}

FIXTURE_TEARDOWN(budget)
{
	stop_workers(self->pids, self->nr);
	ms_settings_restore(&self->saved);
}

/* 0-10000, one number; anything else is refused and changes nothing. */
TEST_F(budget, file)
{
	static const char * const bad[] = {
		"10001", "-1", "1x", "\n", "1 2", "0x10", "4294967296", " 5",
	};
	unsigned int i;

	ASSERT_EQ(0, ms_write(BUDGET, "250"));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, ms_write(BUDGET, bad[i]))
			TH_LOG("budget <- \"%s\"", bad[i]);
		EXPECT_EQ(250, ms_read_long(BUDGET));
	}
	EXPECT_EQ(0, ms_write(BUDGET, "10000\n"));
	EXPECT_EQ(10000, ms_read_long(BUDGET));
	EXPECT_EQ(0, ms_write(BUDGET, "0"));
	EXPECT_EQ(0, ms_read_long(BUDGET));
	/* What was spent cannot be written away. */
	EXPECT_EQ(-EACCES, ms_write(COST_NS, "0"));
}

/* Every CPU that samples is charged, and vmstat has the sum. */
TEST_F(budget, cost_per_cpu)
{
	unsigned long long before[MAX_CPUS], after[MAX_CPUS], sum = 0;
	long long vm_before, vm_after;
	int cpu, n;

	ASSERT_EQ(0, ms_write(MS_SYSCTL, "1"));
	n = read_costs(before);
	ASSERT_EQ(sysconf(_SC_NPROCESSORS_CONF), n);
	vm_before = ms_vmstat("mem_sampling_cost_ns");
	ASSERT_EQ(0, start_workers(self->pids, self->nr));
	ms_sleep_ms(2000);
	vm_after = ms_vmstat("mem_sampling_cost_ns");
	ASSERT_EQ(n, read_costs(after));
	for (cpu = 0; cpu < self->nr; cpu++) {
		EXPECT_LT(before[cpu], after[cpu]) TH_LOG("CPU %d", cpu);
		sum += after[cpu] - before[cpu];
	}
	/* vmstat was read inside the per-CPU window. */
	EXPECT_LT(0, vm_after - vm_before);
	EXPECT_LE(vm_after - vm_before, (long long)sum);
}

/*
 * Unbounded first, to know what sampling costs here; then a budget many
 * times smaller: after two periods for the governor to settle, the
 * busiest CPU stays within it and samples keep coming, fewer of them.
 */
TEST_F_TIMEOUT(budget, tiny_budget, 60)
{
	long long interval, slower = ms_vmstat("mem_sampling_budget_slower");
	struct window free_run, budgeted;

	interval = ms_read_long(MS_SYSFS "interval");
	ASSERT_EQ(0, ms_write(BUDGET, "0"));
	ASSERT_EQ(0, ms_write(MS_SYSCTL, "1"));
	ASSERT_EQ(0, start_workers(self->pids, self->nr));
	ms_sleep_ms(500);
	ASSERT_EQ(0, measure(3, self->nr, &free_run));
	ksft_print_msg("no budget: %.1f bp of the busiest CPU, %.0f samples/s\n",
		       free_run.share, free_run.samples_per_s);
	if (free_run.share < 4 * TINY_BUDGET)
		SKIP(return, "sampling costs %.1f bp here, too little to test a %d bp budget",
		     free_run.share, TINY_BUDGET);

	ASSERT_EQ(0, ms_write_long(BUDGET, TINY_BUDGET));
	ms_sleep_ms(2500);
	ASSERT_EQ(0, measure(4, self->nr, &budgeted));
	ksft_print_msg("budget %d bp: %.1f bp, %.0f samples/s, interval %lld (configured %lld)\n",
		       TINY_BUDGET, budgeted.share, budgeted.samples_per_s,
		       ms_read_long(EFFECTIVE), interval);
	EXPECT_LE(budgeted.share, TINY_BUDGET * TOLERANCE);
	EXPECT_LT(0, budgeted.samples_per_s);
	EXPECT_LT(budgeted.samples_per_s, free_run.samples_per_s / 2);
	EXPECT_LT(interval, ms_read_long(EFFECTIVE));
	EXPECT_LT(slower, ms_vmstat("mem_sampling_budget_slower"));

	/* No budget: back to the configured rate, within a few periods. */
	ASSERT_EQ(0, ms_write(BUDGET, "0"));
	EXPECT_EQ(interval, ms_read_long(EFFECTIVE));
}

TEST_HARNESS_MAIN
