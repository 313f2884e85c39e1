// SPDX-License-Identifier: GPL-2.0
/*
 * NUMA balancing from access samples (kernel.numa_balancing_mem_sampling):
 * which samples move which pages.  Samples of misplaced pages move exactly
 * those pages and no others; samples of unmapped or remapped addresses,
 * of another mm, of memory bound by MPOL_BIND or of a process that opted
 * out move nothing; a THP moves as one huge page; each migration shows in
 * the numa_sampling:numa_sampling_migrate event and the scheduler's
 * per-batch events.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/mempolicy.h>

#include "../kselftest_harness.h"
#include "numa_sampling_util.h"

#define KPF_THP		22

TEST_F(numa_sampling, sysctl_values)
{
	static const char * const bad[] = {
		"2\n", "-1\n", "abc\n", "4294967297\n",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, ms_write(MS_NUMA_SYSCTL, bad[i]))
			TH_LOG("writing %.*s", (int)strlen(bad[i]) - 1, bad[i]);
		EXPECT_EQ(1, ms_read_long(MS_NUMA_SYSCTL))
			TH_LOG("a rejected write changed the mode");
	}
	EXPECT_EQ(0, ms_write(MS_NUMA_SYSCTL, "0\n"));
	EXPECT_EQ(0, ms_read_long(MS_NUMA_SYSCTL));
	EXPECT_EQ(0, ms_write(MS_NUMA_SYSCTL, "1\n"));
	EXPECT_EQ(1, ms_read_long(MS_NUMA_SYSCTL));
}

/*
 * Eight pages on node 1: samples with a physical address for pages 0-3,
 * without for pages 4-5, none for 6-7: 6 pages move and no hint fault is
 * taken; then page 0 again, now local.
 */
TEST_F(numa_sampling, exact_migrations)
{
	struct ms_counters before;
	char *buf;
	int i;

	buf = alloc_on_node(8, 1);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, ms_counters_read(&before));
	for (i = 0; i < 6; i++)
		EXPECT_EQ(0, inject_access(0, buf + i * page_size + 64, i < 4));
	for (i = 0; i < 8; i++)
		EXPECT_EQ(i < 6 ? 0 : 1, ms_node_of(0, buf + i * page_size))
			TH_LOG("page %d", i);
	EXPECT_TRUE(ms_counters_moved_exactly(&before, VM_SAMPLES, 6LL,
					      VM_QUEUED, 6LL, VM_USED, 6LL,
					      VM_MIGRATED, 6LL, -1));
	ASSERT_EQ(0, ms_counters_read(&before));
	EXPECT_EQ(0, inject_access(0, buf, true));
	EXPECT_EQ(0, ms_node_of(0, buf));
	EXPECT_TRUE(ms_counters_moved_exactly(&before, VM_SAMPLES, 1LL,
					      VM_QUEUED, 1LL, VM_USED, 1LL,
					      VM_LOCAL, 1LL, -1));
	munmap(buf, 8 * page_size);
}

/* Samples of unmapped and remapped addresses change nothing. */
TEST_F(numa_sampling, unmapped_and_remapped)
{
	unsigned long long old_paddr;
	struct ms_counters before;
	char *buf, *again, *other;

	buf = alloc_on_node(2, 1);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, ms_counters_read(&before));
	/* Page 1 unmapped: its sample finds no VMA. */
	munmap(buf + page_size, page_size);
	EXPECT_EQ(0, inject_access(0, buf + page_size, false));
	/* Page 0 replaced by another page (on node 1 too) moved onto it. */
	old_paddr = ms_paddr_of(buf);
	other = alloc_on_node(1, 1);
	ASSERT_NE(NULL, other);
	again = mremap(other, page_size, page_size,
		       MREMAP_MAYMOVE | MREMAP_FIXED, buf);
	ASSERT_EQ(buf, again);
	ASSERT_NE(old_paddr, ms_paddr_of(buf));
	EXPECT_EQ(0, ms_inject("vaddr=0x%lx paddr=0x%llx op=store\n",
			       (unsigned long)buf, old_paddr));
	EXPECT_EQ(1, ms_node_of(0, buf));
	EXPECT_TRUE(ms_counters_moved_exactly(&before, VM_SAMPLES, 2LL,
					      VM_QUEUED, 2LL,
					      VM_SKIP_UNMAPPED, 1LL,
					      VM_SKIP_PADDR, 1LL, -1));
	munmap(buf, page_size);
}

/*
 * A child process with a page of its own on node 1 at @page, which waits
 * for the parent: each byte the parent sends lets it return to user space
 * (and so run the task work that processes samples queued for it) and is
 * answered; 'q' ends it, its exit status 0 if the page is still on node 1.
 */
struct page_child {
	pid_t pid;
	int to_child[2], to_parent[2];
	char *page;
};

/* Start @pc; with @first_pass its samples count from the start. */
static int page_child_start(struct page_child *pc, bool first_pass)
{
	char c;

	if (pipe(pc->to_child) || pipe(pc->to_parent))
		return -errno;
	pc->pid = fork();
	if (pc->pid < 0)
		return -errno;
	if (pc->pid == 0) {
		char *buf = alloc_on_node(1, 1);

		if (!buf || (first_pass && ms_wait_numa_first_pass()) ||
		    write(pc->to_parent[1], &buf, sizeof(buf)) != sizeof(buf))
			_exit(2);
		while (read(pc->to_child[0], &c, 1) == 1 && c != 'q') {
			if (c == 'p' && ms_wait_numa_first_pass())
				_exit(2);
			if (write(pc->to_parent[1], &c, 1) != 1)
				_exit(2);
		}
		_exit(ms_node_of(0, buf) == 1 ? 0 : 1);
	}
	if (read(pc->to_parent[0], &pc->page, sizeof(pc->page)) !=
	    sizeof(pc->page))
		return -EIO;
	return 0;
}

/*
 * Send @c to @pc and wait for its answer: 's' lets it return to user space
 * once (its queued samples are processed), 'p' runs it until its first
 * balancing pass first.
 */
static int page_child_send(struct page_child *pc, char c)
{
	if (write(pc->to_child[1], &c, 1) != 1 ||
	    read(pc->to_parent[0], &c, 1) != 1)
		return -EIO;
	return 0;
}

static int page_child_sync(struct page_child *pc)
{
	return page_child_send(pc, 's');
}

/* End @pc: its exit status, 0 if its page stayed on node 1. */
static int page_child_end(struct page_child *pc)
{
	int status;
	char c = 'q';

	if (write(pc->to_child[1], &c, 1) != 1 ||
	    waitpid(pc->pid, &status, 0) != pc->pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * A child with its own page on node 1 at the address where the parent has
 * nothing; the parent has its page on node 1 elsewhere.  Records
 * attributed to the child with the parent's address, and with the child's
 * address but the parent's physical address, must move nothing.
 */
TEST_F(numa_sampling, other_mm)
{
	struct ms_counters before;
	struct page_child child;
	char *mine;

	ASSERT_EQ(0, page_child_start(&child, true));
	/* Fresh mappings after fork may land at the same address: avoid it. */
	mine = alloc_on_node(1, 1);
	if (mine == child.page)
		mine = alloc_on_node(1, 1);
	ASSERT_NE(NULL, mine);
	ASSERT_NE(child.page, mine);
	ASSERT_EQ(0, ms_counters_read(&before));
	/* Our page, attributed to the child: not mapped there. */
	EXPECT_EQ(0, inject_access(child.pid, mine, true));
	/* The child's address with our physical address: not the same page. */
	EXPECT_EQ(0, ms_inject("pid=%d vaddr=0x%lx paddr=0x%llx op=load\n",
			       child.pid, (unsigned long)child.page,
			       ms_paddr_of(mine)));
	EXPECT_EQ(0, page_child_sync(&child));
	EXPECT_EQ(1, ms_node_of(child.pid, child.page));
	EXPECT_EQ(1, ms_node_of(0, mine));
	EXPECT_EQ(0, page_child_end(&child));
	EXPECT_TRUE(ms_counters_moved_exactly(&before, VM_SAMPLES, 2LL,
					      VM_QUEUED, 2LL,
					      VM_SKIP_UNMAPPED, 1LL,
					      VM_SKIP_PADDR, 1LL, -1));
	munmap(mine, page_size);
}

/*
 * A new process is balanced from its samples when the scan would start
 * with it, at its first balancing pass (scan_delay_ms of its run time):
 * until then its first samples are counted and dropped, and it is not
 * sampled again until the pass (mem_sampling_defer_mm()), so a second
 * access records nothing.  From the pass on its samples are used, and its
 * page moves.
 */
TEST_F(numa_sampling, new_process_deferred)
{
	struct ms_counters before;
	struct page_child child;

	/* The child's first pass a second into its run time. */
	ASSERT_EQ(0, ms_write(NUMAB_DEBUGFS "scan_delay_ms", "1000"));
	ASSERT_EQ(0, page_child_start(&child, false));
	ASSERT_EQ(0, ms_counters_read(&before));
	EXPECT_EQ(0, inject_access(child.pid, child.page, true));
	EXPECT_EQ(0, inject_access(child.pid, child.page, true));
	EXPECT_EQ(0, page_child_sync(&child));
	EXPECT_EQ(1, ms_node_of(child.pid, child.page))
		TH_LOG("the new process's page moved before its first pass");
	EXPECT_TRUE(ms_counters_moved_exactly(&before, VM_SAMPLES, 1LL,
					      VM_SKIP_NEW, 1LL, -1));
	ASSERT_EQ(0, page_child_send(&child, 'p'));
	ASSERT_EQ(0, ms_counters_read(&before));
	/* The parent's physical address would not be the child's. */
	EXPECT_EQ(0, inject_access(child.pid, child.page, false));
	EXPECT_EQ(0, page_child_sync(&child));
	EXPECT_EQ(1, page_child_end(&child)) TH_LOG("the page stayed on node 1");
	EXPECT_EQ(1, ms_counters_delta(&before, VM_SAMPLES));
	EXPECT_EQ(1, ms_counters_delta(&before, VM_USED));
	EXPECT_EQ(0, ms_counters_delta(&before, VM_SKIP_NEW));
	if (_metadata->exit_code != KSFT_PASS)
		ms_counters_log_moved(&before);
}

/*
 * While the record event has users a new process is sampled all the
 * same: its samples go to the event, NUMA balancing still drops them.
 */
TEST_F(numa_sampling, new_process_traced)
{
	struct ms_counters before;
	struct page_child child;

	ASSERT_EQ(0, ms_write(NUMAB_DEBUGFS "scan_delay_ms", "60000"));
	ASSERT_EQ(0, ms_write(MS_EVENT "enable", "1"));
	ASSERT_EQ(0, page_child_start(&child, false));
	ASSERT_EQ(0, ms_counters_read(&before));
	EXPECT_EQ(0, inject_access(child.pid, child.page, true));
	EXPECT_EQ(0, inject_access(child.pid, child.page, true));
	EXPECT_EQ(0, page_child_end(&child)) TH_LOG("the new process's page moved");
	EXPECT_TRUE(ms_counters_moved_exactly(&before, VM_SAMPLES, 2LL,
					      VM_SKIP_NEW, 2LL,
					      VM_TRACE_HANDLED, 2LL, -1));
}

/* Memory bound to node 1 by MPOL_BIND stays there. */
TEST_F(numa_sampling, mpol_bind)
{
	unsigned long mask = 1UL << 1;
	struct ms_counters before;
	char *buf;

	buf = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, buf);
	ASSERT_EQ(0, syscall(__NR_mbind, buf, 2 * page_size, MPOL_BIND, &mask,
			     sizeof(mask) * 8, 0));
	memset(buf, 1, 2 * page_size);
	ASSERT_EQ(2, ms_pages_on_node(buf, 2, 1));
	ASSERT_EQ(0, ms_counters_read(&before));
	EXPECT_EQ(0, inject_access(0, buf, true));
	EXPECT_EQ(0, inject_access(0, buf + page_size, false));
	EXPECT_EQ(2, ms_pages_on_node(buf, 2, 1));
	/* Like task_numa_work(), leave VMAs whose policy says no (!MPOL_F_MOF). */
	EXPECT_TRUE(ms_counters_moved_exactly(&before, VM_SAMPLES, 2LL,
					      VM_QUEUED, 2LL, VM_SKIP_VMA, 2LL,
					      -1));
	munmap(buf, 2 * page_size);
}

/* A process opted out by prctl is not touched. */
TEST_F(numa_sampling, prctl_opt_out)
{
	struct ms_counters before;
	int status;
	pid_t child;

	/*
	 * Opted out, the child is scanned: keep its first scan (at once with
	 * the fixture's scan_delay_ms of 0) out of the counters.
	 */
	ASSERT_EQ(0, ms_write(NUMAB_DEBUGFS "scan_delay_ms", "60000"));
	ASSERT_EQ(0, ms_counters_read(&before));
	child = fork();
	ASSERT_GE(child, 0);
	if (child == 0) {
		char *buf = alloc_on_node(1, 1);

		if (!buf || ms_set_mode(PR_MEM_SAMPLING_DISABLE))
			_exit(2);
		if (inject_access(0, buf, true))
			_exit(3);
		_exit(ms_node_of(0, buf) == 1 ? 0 : 1);
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("the opted-out child");
	EXPECT_TRUE(ms_counters_moved_exactly(&before, -1));
}

static unsigned long long page_flags_of(unsigned long long pfn)
{
	unsigned long long flags = 0;
	int fd = open("/proc/kpageflags", O_RDONLY);

	if (fd < 0)
		return 0;
	if (pread(fd, &flags, sizeof(flags), pfn * sizeof(flags)) !=
	    sizeof(flags))
		flags = 0;
	close(fd);
	return flags;
}

/* A THP migrates as one huge page on one sample. */
TEST_F(numa_sampling, thp)
{
	int nr = HPAGE_SIZE / page_size;
	unsigned long long pfn, flags;
	struct ms_counters before;
	char *raw, *buf;

	buf = alloc_thp_on_node(1, &raw);
	if (!buf)
		SKIP(return, "no huge page on node 1 to start with");
	pfn = ms_pfn_of(buf);
	if (!(page_flags_of(pfn) & (1ULL << KPF_THP))) {
		munmap(raw, 2 * HPAGE_SIZE);
		SKIP(return, "no huge page on node 1 to start with");
	}
	ASSERT_EQ(0, ms_counters_read(&before));
	EXPECT_EQ(0, inject_access(0, buf + 5 * page_size + 8, true));
	EXPECT_EQ(nr, ms_pages_on_node(buf, nr, 0));
	pfn = ms_pfn_of(buf);
	flags = page_flags_of(pfn);
	EXPECT_TRUE(flags & (1ULL << KPF_THP))
		TH_LOG("not a huge page after the migration (flags 0x%llx)",
		       flags);
	EXPECT_EQ(pfn + nr - 1, ms_pfn_of(buf + HPAGE_SIZE - page_size));
	EXPECT_TRUE(ms_counters_moved_exactly(&before, VM_SAMPLES, 1LL,
					      VM_QUEUED, 1LL, VM_USED, 1LL,
					      VM_MIGRATED, (long long)nr,
					      VM_THP, 1LL, -1));
	munmap(raw, 2 * HPAGE_SIZE);
}

/* numa_sampling_migrate, and sched_numa_balance_start/end per batch. */
TEST_F(numa_sampling, tracepoints)
{
	char want[128], comm[32];
	char *buf;

	if (access(MS_TRACING "events", F_OK))
		SKIP(return, "no tracefs");
	buf = alloc_on_node(1, 1);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, ms_read("/proc/self/comm", comm, sizeof(comm)));
	/* Only our events, in an empty buffer: other tests may have left theirs on. */
	ASSERT_EQ(0, ms_trace_only(NUMA_MIGRATE_EVENT));
	ASSERT_EQ(0, ms_write(MS_TRACING "events/sched/sched_numa_balance_start/enable", "1"));
	ASSERT_EQ(0, ms_write(MS_TRACING "events/sched/sched_numa_balance_end/enable", "1"));
	ASSERT_EQ(0, ms_trace_on(true));
	EXPECT_EQ(0, inject_access(0, buf, true));
	ms_trace_on(false);
	snprintf(want, sizeof(want),
		 "numa_sampling_migrate: pid=%d vaddr=0x%lx order=0 src_nid=1 dst_nid=0 result=0",
		 getpid(), (unsigned long)buf);
	EXPECT_EQ(1, ms_trace_count(want)) TH_LOG("no \"%s\" in the trace", want);
	snprintf(want, sizeof(want), "sched_numa_balance_start: comm=%s", comm);
	EXPECT_LT(0, ms_trace_count(want)) TH_LOG("no \"%s\" in the trace", want);
	snprintf(want, sizeof(want), "pid=%d tgid=%d", getpid(), getpid());
	EXPECT_LT(0, ms_trace_count(want)) TH_LOG("no \"%s\" in the trace", want);
	EXPECT_LT(0, ms_trace_count("scanned=1 migrated=1"));
	munmap(buf, page_size);
}

TEST_HARNESS_MAIN
