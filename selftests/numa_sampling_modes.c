// SPDX-License-Identifier: GPL-2.0
/*
 * NUMA balancing's two modes end to end: in sample mode remote memory
 * moves on samples without a hint fault and the scan is skipped, in scan
 * mode (the control) it moves through hint faults; the mode switches at
 * run time; a process not sampled keeps the scan; samples make the
 * memory's node the task's preferred node; and the same with the SPE
 * driver as the provider where there is one.
 *
 * Every test here counts NUMA hint faults, so each runs its workload in a
 * child that execs this program again: a forked child would share its
 * parent's page tables, and a parent scanned while scan mode was on (or
 * while providers changed) leaves PROT_NONE entries that the child would
 * fault on, counted as hint faults it did not cause.  After exec the
 * child's mm is its own.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <linux/mempolicy.h>

#include "../kselftest_harness.h"
#include "numa_sampling_util.h"

#define WORK_PAGES	64

/* One line of what a run did, for the log: the measured numbers. */
#define REPORT_FORMAT \
	"%s: %s after %.2f s; hint faults +%lld, PTE updates +%lld, scans replaced +%lld, pages migrated by samples +%lld, samples used +%lld\n"

static void report(const char *what, double seconds,
		   const struct ms_counters *before)
{
	ksft_print_msg(REPORT_FORMAT, what,
		       seconds < 0 ? "did not converge" : "converged", seconds,
		       ms_counters_delta(before, VM_HINT_FAULTS),
		       ms_counters_delta(before, VM_PTE_UPDATES),
		       ms_counters_delta(before, VM_SCANS_REPLACED),
		       ms_counters_delta(before, VM_MIGRATED),
		       ms_counters_delta(before, VM_USED));
}

/*
 * A workload of its own: touch @nr pages on node 1 from node 0 for up to
 * @seconds, optionally injecting a sample of every page touched (what a
 * PMU would see), until all pages are on node 0.  Returns the seconds it
 * took, or -1 if it did not converge.
 */
static double converge(char *buf, int nr, int seconds, bool inject_samples)
{
	double start = ms_now(), elapsed;
	int round = 0;

	for (;;) {
		int i;

		for (i = 0; i < nr; i++) {
			buf[(long)i * page_size + (round & 63)]++;
			if (inject_samples && (round % 8) == 0)
				inject_access(0, buf + (long)i * page_size, true);
		}
		round++;
		elapsed = ms_now() - start;
		if ((round % 16) == 0 && ms_pages_on_node(buf, nr, 0) == nr)
			return elapsed;
		if (elapsed > seconds)
			return -1;
	}
}

/* Touch @nr pages at @buf for @seconds. */
static void spin(char *buf, int nr, int seconds)
{
	double end = ms_now() + seconds;
	int i;

	while (ms_now() < end)
		for (i = 0; i < nr; i++)
			buf[(long)i * page_size]++;
}

/* Scan faster than the defaults so both modes show in seconds. */
static int numab_fast_scan(void)
{
	return ms_write(NUMAB_DEBUGFS "scan_delay_ms", "100") ?:
	       ms_write(NUMAB_DEBUGFS "scan_period_min_ms", "100");
}

/*
 * Its first balancing pass, in sample mode, lets its samples be used; its
 * short run time after it keeps the next task_numa_work() away (a scan
 * period of CPU time), so a scan during the short spell in scan mode
 * cannot make the counters move.
 */
static int mode_switch_child(void)
{
	struct ms_counters before;
	bool ok = true;
	char *buf;

	buf = alloc_on_node(2, 1);
	if (!buf || ms_wait_numa_first_pass() || ms_counters_read(&before))
		return 2;
	ok &= !ms_write(MS_NUMA_SYSCTL, "0");
	ok &= !inject_access(0, buf, true);
	ok &= ms_node_of(0, buf) == 1;
	ok &= ms_counters_moved_exactly(&before, VM_SAMPLES, 1LL, -1);
	ok &= !ms_write(MS_NUMA_SYSCTL, "1");
	ok &= !inject_access(0, buf + page_size, true);
	ok &= ms_node_of(0, buf + page_size) == 0 && ms_node_of(0, buf) == 1;
	ok &= ms_counters_moved_exactly(&before, VM_SAMPLES, 2LL,
					VM_QUEUED, 1LL, VM_USED, 1LL,
					VM_MIGRATED, 1LL, -1);
	return ok ? 0 : 1;
}

static int sample_mode_child(void)
{
	struct ms_counters before;
	char *buf = alloc_on_node(WORK_PAGES, 1);
	double t;

	if (!buf || ms_counters_read(&before))
		return 2;
	t = converge(buf, WORK_PAGES, 30, true);
	if (t < 0) {
		ksft_print_msg("sample mode: did not converge in 30 s\n");
		return 1;
	}
	/* Keep running long enough for task_numa_work to come by. */
	spin(buf, WORK_PAGES, 2);
	report("sample mode (2 s after convergence)", t, &before);
	if (ms_counters_delta(&before, VM_HINT_FAULTS) ||
	    ms_counters_delta(&before, VM_PTE_UPDATES) ||
	    ms_counters_delta(&before, VM_MIGRATED) != WORK_PAGES)
		return 1;
	if (ms_counters_delta(&before, VM_SCANS_REPLACED) <= 0) {
		ksft_print_msg("task_numa_work never ran: scanning not shown skipped\n");
		return 1;
	}
	return 0;
}

/* Remote memory moves through hint faults, none through samples. */
static int scan_child(const char *what)
{
	struct ms_counters before;
	char *buf;
	double t;

	/*
	 * Counted from before the memory exists: with the fast scan the
	 * first pass may mark it as soon as it is faulted in.
	 */
	if (ms_counters_read(&before))
		return 2;
	buf = alloc_on_node(WORK_PAGES, 1);
	if (!buf)
		return 2;
	t = converge(buf, WORK_PAGES, 60, false);
	report(what, t, &before);
	if (t < 0 || ms_counters_delta(&before, VM_MIGRATED))
		return 1;
	return ms_counters_delta(&before, VM_HINT_FAULTS) > 0 &&
	       ms_counters_delta(&before, VM_PTE_UPDATES) > 0 ? 0 : 1;
}

static int scan_mode_child(void)
{
	return scan_child("scan mode");
}

/*
 * Sample mode on, but this process opted out: it is not sampled, so it
 * must keep the classic scan and converge through hint faults.
 */
static int opted_out_scan_child(void)
{
	if (ms_set_mode(PR_MEM_SAMPLING_DISABLE))
		return 2;
	return scan_child("opted out, in sample mode");
}

/* numa_preferred_nid of the calling task, from /proc/self/sched. */
static int preferred_nid(void)
{
	char line[256];
	int nid = -2;
	FILE *f = fopen("/proc/self/sched", "r");

	if (!f)
		return -2;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "numa_preferred_nid %*[ :] %d", &nid) == 1)
			break;
	fclose(f);
	return nid;
}

/*
 * Memory that must stay on node 1 (MPOL_BIND with MPOL_F_NUMA_BALANCING:
 * balancing may move the task, not the pages), the task started on node
 * 0 and free to run on both: its samples, fed to task_numa_fault(), must
 * make node 1 its preferred node and the scheduler move it there.
 */
static int placement_child(void)
{
	unsigned long mask = 1UL << 1;
	struct ms_counters before;
	double start = ms_now();
	cpu_set_t both;
	char *buf;
	int i, node = 0;

	buf = mmap(NULL, WORK_PAGES * page_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED ||
	    syscall(__NR_set_mempolicy, MPOL_BIND | MPOL_F_NUMA_BALANCING,
		    &mask, sizeof(mask) * 8))
		return 4;
	memset(buf, 1, WORK_PAGES * page_size);
	ms_lru_drain(buf, WORK_PAGES * page_size);
	if (ms_pages_on_node(buf, WORK_PAGES, 1) != WORK_PAGES ||
	    ms_counters_read(&before))
		return 2;
	CPU_ZERO(&both);
	CPU_SET(0, &both);
	CPU_SET(1, &both);
	if (sched_setaffinity(0, sizeof(both), &both))
		return 2;
	do {
		for (i = 0; i < WORK_PAGES; i++) {
			buf[(long)i * page_size]++;
			inject_access(0, buf + (long)i * page_size, true);
		}
		node = ms_this_node();
	} while (node != 1 && ms_now() - start < 20);
	ksft_print_msg("placement: on node %d, numa_preferred_nid %d, %d/%d pages on node 1\n",
		       node, preferred_nid(),
		       ms_pages_on_node(buf, WORK_PAGES, 1), WORK_PAGES);
	report("placement", node == 1 ? ms_now() - start : -1, &before);
	/*
	 * The preferred node is what samples decide; whether the scheduler
	 * then finds room on node 1 at once depends on what else runs, so
	 * a task still on node 0 is reported, not failed.
	 */
	if (preferred_nid() != 1 ||
	    ms_pages_on_node(buf, WORK_PAGES, 1) != WORK_PAGES ||
	    ms_counters_delta(&before, VM_HINT_FAULTS) ||
	    ms_counters_delta(&before, VM_PTE_UPDATES))
		return 1;
	if (node != 1)
		ksft_print_msg("placement: the scheduler had not moved the task in 20 s\n");
	return 0;
}

static int spe_child(void)
{
	struct ms_counters before;
	char *buf = alloc_on_node(WORK_PAGES, 1);
	double t;

	if (!buf || ms_counters_read(&before))
		return 2;
	t = converge(buf, WORK_PAGES, 120, false);
	report("SPE sample mode", t, &before);
	if (t < 0 || ms_counters_delta(&before, VM_PTE_UPDATES) ||
	    ms_counters_delta(&before, VM_HINT_FAULTS)) {
		ksft_print_msg("%d/%d pages on node 0, on CPU %d; counters:\n",
			       ms_pages_on_node(buf, WORK_PAGES, 0), WORK_PAGES,
			       sched_getcpu());
		ms_counters_log_moved(&before);
		return 1;
	}
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(void);
} children[] = {
#define CHILD(fn) { #fn, fn }
	CHILD(mode_switch_child),
	CHILD(sample_mode_child),
	CHILD(scan_mode_child),
	CHILD(opted_out_scan_child),
	CHILD(placement_child),
	CHILD(spe_child),
#undef CHILD
};

/* Run the child @fn in a fresh process, return its exit status. */
#define in_child(fn) run_in_child(#fn)

static int run_in_child(const char *name)
{
	int status;
	pid_t child;

	fflush(stdout);
	child = fork();
	if (child == 0) {
		execl("/proc/self/exe", "numa_sampling_modes", "--child", name,
		      NULL);
		_exit(3);
	}
	if (child < 0 || waitpid(child, &status, 0) != child ||
	    !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

TEST_F(numa_sampling, mode_switch)
{
	EXPECT_EQ(0, in_child(mode_switch_child));
}

/* Memory moves, numa_hint_faults and numa_pte_updates unchanged. */
TEST_F_TIMEOUT(numa_sampling, sample_mode_end_to_end, 180)
{
	ASSERT_EQ(0, numab_fast_scan());
	EXPECT_EQ(0, in_child(sample_mode_child));
}

/* The control: remote memory moves through hint faults in scan mode. */
TEST_F_TIMEOUT(numa_sampling, scan_mode_control, 240)
{
	ASSERT_EQ(0, numab_fast_scan());
	ASSERT_EQ(0, ms_write(MS_NUMA_SYSCTL, "0"));
	EXPECT_EQ(0, in_child(scan_mode_child));
}

/* Sample mode: a process not sampled keeps scan mode. */
TEST_F_TIMEOUT(numa_sampling, opted_out_keeps_scanning, 240)
{
	ASSERT_EQ(0, numab_fast_scan());
	EXPECT_EQ(0, in_child(opted_out_scan_child));
}

/* Sample mode: samples make the memory's node the task's preferred node. */
TEST_F_TIMEOUT(numa_sampling, task_placement, 120)
{
	ASSERT_EQ(0, numab_fast_scan());
	EXPECT_EQ(0, in_child(placement_child));
}

/*
 * With a real provider (the SPE driver) instead of the test provider:
 * remote memory moves in sample mode without hint faults.
 */
TEST_F_TIMEOUT(numa_sampling, spe_end_to_end, 300)
{
	const char *why = numa_sampling_use_hardware();

	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, numab_fast_scan());
	EXPECT_EQ(0, in_child(spe_child));
}

int main(int argc, char **argv)
{
	unsigned int i;

	if (argc == 3 && !strcmp(argv[1], "--child")) {
		for (i = 0; i < ARRAY_SIZE(children); i++)
			if (!strcmp(children[i].name, argv[2]))
				return children[i].fn();
		ksft_print_msg("no child named %s\n", argv[2]);
		return 3;
	}
	return test_harness_run(argc, argv);
}
