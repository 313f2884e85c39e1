// SPDX-License-Identifier: GPL-2.0
/*
 * The context switch path, watched through the test provider's op counts
 * (/sys/kernel/debug/mem_sampling/stats): two processes ping-ponging on
 * one CPU make the core retarget the provider at every switch and drain
 * the outgoing one first; processes that opted out, or sampling switched
 * off, make it do nothing at all.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "mem_sampling_util.h"

#define ROUNDS		500

struct stats {
	long configures, starts, stops, drains;
};

static int read_stats(struct stats *s)
{
	char buf[256];
	int err = ms_read(MS_STATS, buf, sizeof(buf));

	if (err)
		return err;
	if (sscanf(buf, "configures %ld starts %ld stops %ld drains %ld",
		   &s->configures, &s->starts, &s->stops, &s->drains) != 4)
		return -EINVAL;
	return 0;
}

/*
 * Two processes in @mode on CPU 0 pass a byte back and forth @ROUNDS
 * times: every round is two context switches between them.  0 or -errno.
 */
static int rounds = ROUNDS;

static int ping_pong(int mode)
{
	int to_child[2], to_parent[2], status, i;
	char c = 0;
	pid_t pid;

	if (pipe(to_child) || pipe(to_parent))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		if (ms_pin_to_cpu(0) || (mode >= 0 && ms_set_mode(mode)))
			_exit(1);
		for (i = 0; i < rounds; i++)
			if (read(to_child[0], &c, 1) != 1 ||
			    write(to_parent[1], &c, 1) != 1)
				_exit(2);
		_exit(0);
	}
	if (ms_pin_to_cpu(0) || (mode >= 0 && ms_set_mode(mode)))
		return -errno;
	for (i = 0; i < rounds; i++)
		if (write(to_child[1], &c, 1) != 1 ||
		    read(to_parent[0], &c, 1) != 1)
			return -EIO;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return -ECHILD;
	close(to_child[0]);
	close(to_child[1]);
	close(to_parent[0]);
	close(to_parent[1]);
	return 0;
}

/* Run ping_pong() in a child, so the test process keeps its own mode. */
static int run_ping_pong(int mode)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (!pid)
		_exit(-ping_pong(mode) & 0xff);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -ECHILD;
	return -WEXITSTATUS(status);
}

static const char * const sched_settings[] = { MS_SYSCTL, MS_ACTIVE, NULL };

FIXTURE(sched) {
	struct ms_settings saved;
};

FIXTURE_SETUP(sched)
{
	if (access(MS_STATS, F_OK))
		SKIP(return, "no %s: CONFIG_MEM_SAMPLING_TEST_PROVIDER off", MS_STATS);
	ASSERT_EQ(0, ms_settings_save(&self->saved, sched_settings));
	ASSERT_EQ(0, ms_write(MS_ACTIVE, "1"));
	ASSERT_EQ(0, ms_write(MS_SYSCTL, "1"));
}

FIXTURE_TEARDOWN(sched)
{
	EXPECT_EQ(0, ms_settings_restore(&self->saved));
}

TEST_F(sched, retargets_at_every_switch)
{
	struct stats before, after;

	ASSERT_EQ(0, read_stats(&before));
	ASSERT_EQ(0, run_ping_pong(-1));
	ASSERT_EQ(0, read_stats(&after));
	/* 2 * ROUNDS switches between two sampled tasks, each a retarget. */
	EXPECT_GE(after.starts - before.starts, 2 * ROUNDS)
		TH_LOG("starts %ld", after.starts - before.starts);
	/* ... and each preceded by a drain of the outgoing task. */
	EXPECT_GE(after.drains - before.drains, 2 * ROUNDS)
		TH_LOG("drains %ld", after.drains - before.drains);
	EXPECT_EQ(before.configures, after.configures);
}

TEST_F(sched, opted_out_tasks_cost_nothing)
{
	struct stats before, after;

	ASSERT_EQ(0, read_stats(&before));
	ASSERT_EQ(0, run_ping_pong(PR_MEM_SAMPLING_DISABLE));
	ASSERT_EQ(0, read_stats(&after));
	/*
	 * Only the few switches into this test's own (sampled) processes
	 * start the provider; the 1000 between opted-out ones do not.
	 */
	EXPECT_LT(after.starts - before.starts, ROUNDS / 10)
		TH_LOG("starts %ld", after.starts - before.starts);
	EXPECT_LT(after.drains - before.drains, ROUNDS / 10)
		TH_LOG("drains %ld", after.drains - before.drains);
}

TEST_F(sched, off_means_off)
{
	struct stats before, after;

	ASSERT_EQ(0, ms_write(MS_SYSCTL, "0"));
	ASSERT_EQ(0, read_stats(&before));
	ASSERT_EQ(0, run_ping_pong(-1));
	ASSERT_EQ(0, read_stats(&after));
	EXPECT_EQ(before.starts, after.starts);
	EXPECT_EQ(before.stops, after.stops);
	EXPECT_EQ(before.drains, after.drains);
}

TEST_F(sched, disable_stops_every_cpu)
{
	struct stats before, after;

	/* This process is sampled and running: its CPU has the provider on. */
	ASSERT_EQ(0, read_stats(&before));
	ASSERT_EQ(0, ms_write(MS_SYSCTL, "0"));
	ASSERT_EQ(0, read_stats(&after));
	EXPECT_GE(after.stops - before.stops, 1);
	ASSERT_EQ(0, ms_write(MS_SYSCTL, "1"));
	/* Re-enabling starts it again at once for the running process. */
	ASSERT_EQ(0, read_stats(&before));
	EXPECT_GE(before.starts - after.starts, 1);
}

/* Nanoseconds per round trip (two context switches) of ping_pong(). */
static long long round_trip_ns(int mode)
{
	double start = ms_now();

	if (run_ping_pong(mode))
		return -1;
	return (ms_now() - start) * 1e9 / rounds;
}

/*
 * A measurement, logged for the record: what a context switch costs with
 * sampling off, on, and on for processes that opted out.  It fails only
 * if the ping-pong does; emulated timings are too noisy to assert on.
 * 5000 round trips a mode take 1.7 s in all on the plain kernel and
 * several times that on the debug kernel (make test-debug): hence the
 * timeout above the harness's default 30 s.
 */
TEST_F_TIMEOUT(sched, switch_cost, 180)
{
	long long off, on, opted_out;

	rounds = 5000;
	ASSERT_EQ(0, ms_write(MS_SYSCTL, "0"));
	off = round_trip_ns(-1);
	ASSERT_EQ(0, ms_write(MS_SYSCTL, "1"));
	on = round_trip_ns(-1);
	opted_out = round_trip_ns(PR_MEM_SAMPLING_DISABLE);
	rounds = ROUNDS;
	ASSERT_GT(off, 0);
	ASSERT_GT(on, 0);
	ASSERT_GT(opted_out, 0);
	TH_LOG("round trip (2 switches): off %lld ns, on %lld ns, opted out %lld ns",
	       off, on, opted_out);
}

TEST_HARNESS_MAIN
