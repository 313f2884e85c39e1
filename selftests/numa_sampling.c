// SPDX-License-Identifier: GPL-2.0
/*
 * NUMA balancing driven by access samples (kernel.numa_balancing_mem_sampling),
 * on the 2-node guest, fed by the mem_sampling test provider: records
 * written to /sys/kernel/debug/mem_sampling/inject are attributed to a task
 * exactly as a PMU's would be, and the task processes them on its way back
 * to user space, so by the time write(2) returns the migrations are done
 * and the counts are exact.
 *
 * The process runs on CPU 0 (node 0); its memory is placed on node 1 by a
 * task policy that is dropped again, so the default policy (migrate
 * towards the accessing node) applies to it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/mempolicy.h>
#include <linux/types.h>

#include "../kselftest.h"

#ifndef PR_SET_MEM_SAMPLING
#define PR_SET_MEM_SAMPLING		0x4d534d53
#define PR_MEM_SAMPLING_DISABLE		2
#endif

#define SYSCTL_MODE	"/proc/sys/kernel/numa_balancing_mem_sampling"
#define SYSCTL_NUMAB	"/proc/sys/kernel/numa_balancing"
#define SYSCTL_ENABLE	"/proc/sys/kernel/mem_sampling_enable"
#define SYSCTL_ADAPT	"/proc/sys/kernel/numa_balancing_mem_sampling_adapt"
#define SYSCTL_REGION	"/proc/sys/kernel/numa_balancing_mem_sampling_region_order"
#define INTERVAL	"/sys/kernel/mm/mem_sampling/interval"
#define EFFECTIVE	"/sys/kernel/mm/mem_sampling/effective_interval"
#define PAUSED		"/sys/kernel/mm/mem_sampling/paused"
#define INJECT		"/sys/kernel/debug/mem_sampling/inject"
#define TEST_ACTIVE	"/sys/kernel/debug/mem_sampling/active"
#define PROVIDER	"/sys/kernel/mm/mem_sampling/provider"
#define NUMAB_DEBUGFS	"/sys/kernel/debug/sched/numa_balancing/"
#define TRACEFS		"/sys/kernel/tracing/"

#define HPAGE_SIZE	(2UL << 20)
#define KPF_THP		22

static long page_size;

/* ------------------------------------------------------------ helpers */

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;
	int err = 0;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	if (n < 0)
		err = -errno;
	else if ((size_t)n != strlen(text))
		err = -EIO;
	close(fd);
	return err;
}

static long read_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static int read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	size_t done = 0;
	ssize_t n = 0;

	if (fd < 0)
		return -errno;
	/* Files like the trace come a chunk per read. */
	while (done < len - 1) {
		n = read(fd, buf + done, len - 1 - done);
		if (n <= 0)
			break;
		done += n;
	}
	close(fd);
	if (n < 0)
		return -errno;
	buf[done] = '\0';
	return 0;
}

static int set_long(const char *path, long v)
{
	char text[32];

	snprintf(text, sizeof(text), "%ld\n", v);
	return write_file(path, text);
}

/* The counters these tests look at, read from /proc/vmstat together. */
enum counter {
	QUEUED, DROPPED, USED, LOCAL, MIGRATED, THP, FAILED, SKIP_INVALID,
	SKIP_STALE, SKIP_LOCKED, SKIP_UNMAPPED, SKIP_VMA, SKIP_FOLIO,
	SKIP_PADDR, SKIP_HINTED, SCANS_REPLACED, HINT_FAULTS, PTE_UPDATES,
	AROUND, NR_COUNTERS
};

static const char * const counter_names[NR_COUNTERS] = {
	"numa_sampling_samples_queued", "numa_sampling_samples_dropped",
	"numa_sampling_samples_used", "numa_sampling_samples_local",
	"numa_sampling_pages_migrated", "numa_sampling_thp_migrated",
	"numa_sampling_migrate_failed", "numa_sampling_skip_invalid",
	"numa_sampling_skip_stale", "numa_sampling_skip_locked",
	"numa_sampling_skip_unmapped", "numa_sampling_skip_vma",
	"numa_sampling_skip_folio", "numa_sampling_skip_paddr",
	"numa_sampling_skip_hinted", "numa_sampling_scans_replaced",
	"numa_hint_faults", "numa_pte_updates",
	"numa_sampling_pages_migrated_around",
};

struct counters {
	long v[NR_COUNTERS];
};

static int read_counters(struct counters *c)
{
	char name[64];
	long value;
	FILE *f;
	int i, found = 0;

	memset(c, 0xff, sizeof(*c));
	f = fopen("/proc/vmstat", "r");
	if (!f)
		return -errno;
	while (fscanf(f, "%63s %ld", name, &value) == 2) {
		for (i = 0; i < NR_COUNTERS; i++) {
			if (!strcmp(name, counter_names[i])) {
				c->v[i] = value;
				found++;
			}
		}
	}
	fclose(f);
	return found == NR_COUNTERS ? 0 : -ENOENT;
}

/*
 * Compare the change of every counter since @before with @expect, where
 * @expect lists (counter, delta) pairs ending with -1; every counter not
 * listed must not have moved (except scans replaced, which follows the
 * scheduler's tick).  Prints what differs.
 */
static bool counters_moved_exactly(const struct counters *before, ...)
{
	long expect[NR_COUNTERS] = { 0 };
	struct counters after;
	bool ok = true;
	va_list ap;
	int i;

	va_start(ap, before);
	for (;;) {
		int which = va_arg(ap, int);

		if (which < 0)
			break;
		expect[which] = va_arg(ap, long);
	}
	va_end(ap);
	if (read_counters(&after)) {
		ksft_print_msg("cannot read /proc/vmstat counters\n");
		return false;
	}
	for (i = 0; i < NR_COUNTERS; i++) {
		long delta = after.v[i] - before->v[i];

		if (i == SCANS_REPLACED)
			continue;
		if (delta != expect[i]) {
			ksft_print_msg("%s moved by %ld, expected %ld\n",
				       counter_names[i], delta, expect[i]);
			ok = false;
		}
	}
	return ok;
}

static long delta_of(const struct counters *before, enum counter which)
{
	struct counters now;

	if (read_counters(&now))
		return -1;
	return now.v[which] - before->v[which];
}

/* One line of what a run did, for the log: the measured numbers. */
#define REPORT_FORMAT \
	"%s: %s after %.2f s; hint faults +%ld, PTE updates +%ld, scans replaced +%ld, pages migrated by samples +%ld, samples used +%ld\n"

static void report(const char *what, double seconds,
		   const struct counters *before)
{
	ksft_print_msg(REPORT_FORMAT, what,
		       seconds < 0 ? "did not converge" : "converged", seconds,
		       delta_of(before, HINT_FAULTS), delta_of(before, PTE_UPDATES),
		       delta_of(before, SCANS_REPLACED), delta_of(before, MIGRATED),
		       delta_of(before, USED));
}

/* Every counter that moved, to tell why a run failed. */
static void report_deltas(const struct counters *before)
{
	struct counters now;
	int i;

	if (read_counters(&now))
		return;
	for (i = 0; i < NR_COUNTERS; i++)
		if (now.v[i] != before->v[i])
			ksft_print_msg("  %s +%ld\n", counter_names[i],
				       now.v[i] - before->v[i]);
}

static int pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return syscall(__NR_sched_setaffinity, 0, sizeof(set), &set);
}

static int this_node(void)
{
	unsigned int cpu, node;

	if (syscall(__NR_getcpu, &cpu, &node, NULL))
		return -1;
	return node;
}

static long task_policy(int mode, int node)
{
	unsigned long mask = 1UL << node;

	if (mode == MPOL_DEFAULT)
		return syscall(__NR_set_mempolicy, MPOL_DEFAULT, NULL, 0);
	return syscall(__NR_set_mempolicy, mode, &mask, sizeof(mask) * 8);
}

/* Node of the page at @addr in process @pid (0: self), -errno if none. */
static int node_of_pid(int pid, void *addr)
{
	int status = -1;

	if (syscall(__NR_move_pages, pid, 1, &addr, NULL, &status, 0))
		return -errno;
	return status;
}

static int node_of(void *addr)
{
	return node_of_pid(0, addr);
}

/* Migrate the page at @addr to @node with move_pages(2); 0 or -1. */
static int move_page_to(void *addr, int node)
{
	int status = -1;

	if (syscall(__NR_move_pages, 0, 1, &addr, &node, &status, 0))
		return -1;
	return status == node ? 0 : -1;
}

/* How many of the @nr pages at @buf are on @node. */
static int pages_on(char *buf, int nr, int node)
{
	int i, n = 0;

	for (i = 0; i < nr; i++)
		n += node_of(buf + (long)i * page_size) == node;
	return n;
}

/* Physical frame of the page at @addr, 0 if not present. */
static __u64 pfn_of(void *addr)
{
	__u64 entry = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return 0;
	if (pread(fd, &entry, sizeof(entry),
		  (uintptr_t)addr / page_size * sizeof(entry)) != sizeof(entry))
		entry = 0;
	close(fd);
	if (!(entry >> 63))
		return 0;
	return entry & ((1ULL << 55) - 1);
}

static __u64 paddr_of(void *addr)
{
	return pfn_of(addr) * page_size + ((uintptr_t)addr & (page_size - 1));
}

static __u64 page_flags_of(__u64 pfn)
{
	__u64 flags = 0;
	int fd = open("/proc/kpageflags", O_RDONLY);

	if (fd < 0)
		return 0;
	if (pread(fd, &flags, sizeof(flags), pfn * sizeof(flags)) !=
	    sizeof(flags))
		flags = 0;
	close(fd);
	return flags;
}

static int inject_text(const char *text)
{
	int err = write_file(INJECT, text);

	if (err)
		ksft_print_msg("inject \"%s\": %s\n", text, strerror(-err));
	return err;
}

/* One load sample of @addr by @pid (0: current), with its PA if @with_pa. */
static int inject(int pid, void *addr, bool with_pa)
{
	char line[160], *p = line;

	if (pid)
		p += sprintf(p, "pid=%d ", pid);
	p += sprintf(p, "vaddr=0x%lx op=load", (unsigned long)addr);
	if (with_pa)
		p += sprintf(p, " paddr=0x%llx", (unsigned long long)paddr_of(addr));
	sprintf(p, "\n");
	return inject_text(line);
}

/*
 * New pages wait in a per-CPU batch before they reach the LRU, and a
 * folio not on the LRU cannot be isolated for migration (a hint fault
 * would fail the same way).  mlock() and munlock() drain this CPU's
 * batches.
 */
static void lru_drain(void *addr, size_t len)
{
	if (!mlock(addr, len))
		munlock(addr, len);
}

/* @nr pages of anonymous memory, faulted in on @node. */
static char *alloc_on(int nr, int node)
{
	char *buf = mmap(NULL, nr * page_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (buf == MAP_FAILED)
		return NULL;
	if (task_policy(MPOL_BIND, node)) {
		munmap(buf, nr * page_size);
		return NULL;
	}
	memset(buf, 0x5a, nr * page_size);
	/*
	 * A sampled task's samples of the memset may still sit in the PMU's
	 * buffer, drained only at the next context switch: sleep, so that
	 * they are drained and acted on now, under the binding, rather than
	 * migrate the pages once the policy is back to the default.
	 */
	usleep(1000);
	task_policy(MPOL_DEFAULT, 0);
	lru_drain(buf, nr * page_size);
	if (pages_on(buf, nr, node) != nr) {
		ksft_print_msg("could not place %d pages on node %d\n", nr, node);
		munmap(buf, nr * page_size);
		return NULL;
	}
	return buf;
}

static int set_mode(int mode)
{
	return set_long(SYSCTL_MODE, mode);
}

/* ------------------------------------------------------------- tests */

static void test_sysctl_values(void)
{
	static const char * const bad[] = { "2\n", "-1\n", "abc\n", "4294967297\n" };
	bool ok = true;
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		err = write_file(SYSCTL_MODE, bad[i]);
		if (err != -EINVAL) {
			ksft_print_msg("writing %.*s gave %d, expected -EINVAL\n",
				       (int)strlen(bad[i]) - 1, bad[i], err);
			ok = false;
		}
		if (read_long(SYSCTL_MODE) != 1) {
			ksft_print_msg("a rejected write changed the mode\n");
			ok = false;
		}
	}
	ok &= !set_mode(0) && read_long(SYSCTL_MODE) == 0;
	ok &= !set_mode(1) && read_long(SYSCTL_MODE) == 1;
	ksft_test_result(ok, "sysctl accepts 0 and 1, rejects other values with EINVAL\n");
}

/*
 * Eight pages on node 1: samples with a physical address for pages 0-3,
 * without for pages 4-5, none for 6-7; then page 0 again, now local.
 */
static void test_exact_migrations(void)
{
	struct counters before;
	bool ok = true;
	char *buf;
	int i;

	buf = alloc_on(8, 1);
	if (!buf || read_counters(&before)) {
		ksft_test_result_fail("exact migrations: setup\n");
		return;
	}
	for (i = 0; i < 6; i++)
		if (inject(0, buf + i * page_size + 64, i < 4))
			ok = false;
	for (i = 0; i < 8; i++) {
		int want = i < 6 ? 0 : 1, got = node_of(buf + i * page_size);

		if (got != want) {
			ksft_print_msg("page %d on node %d, expected %d\n", i, got, want);
			ok = false;
		}
	}
	ok &= counters_moved_exactly(&before, QUEUED, 6L, USED, 6L,
				     MIGRATED, 6L, -1);
	if (read_counters(&before))
		ok = false;
	ok &= !inject(0, buf, true);
	ok &= node_of(buf) == 0;
	ok &= counters_moved_exactly(&before, QUEUED, 1L, USED, 1L, LOCAL, 1L, -1);
	munmap(buf, 8 * page_size);
	ksft_test_result(ok, "6 samples of misplaced pages migrate 6 pages, no hint faults\n");
}

static void test_unmapped_and_remapped(void)
{
	struct counters before;
	char *buf, *again, *other;
	__u64 old_paddr;
	bool ok = true;
	char line[160];

	buf = alloc_on(2, 1);
	if (!buf || read_counters(&before)) {
		ksft_test_result_fail("unmapped and remapped: setup\n");
		return;
	}
	/* Page 1 unmapped: its sample finds no VMA. */
	munmap(buf + page_size, page_size);
	ok &= !inject(0, buf + page_size, false);
	/* Page 0 replaced by another page (on node 1 too) moved onto it. */
	old_paddr = paddr_of(buf);
	other = alloc_on(1, 1);
	if (!other) {
		ksft_test_result_fail("unmapped and remapped: second page\n");
		return;
	}
	again = mremap(other, page_size, page_size, MREMAP_MAYMOVE | MREMAP_FIXED, buf);
	if (again != buf || paddr_of(buf) == old_paddr) {
		ksft_test_result_fail("unmapped and remapped: mremap\n");
		return;
	}
	snprintf(line, sizeof(line), "vaddr=0x%lx paddr=0x%llx op=store\n",
		 (unsigned long)buf, (unsigned long long)old_paddr);
	ok &= !inject_text(line);
	ok &= node_of(buf) == 1;
	ok &= counters_moved_exactly(&before, QUEUED, 2L, SKIP_UNMAPPED, 1L,
				     SKIP_PADDR, 1L, -1);
	munmap(buf, page_size);
	ksft_test_result(ok, "samples of unmapped and remapped addresses change nothing\n");
}

/*
 * A child with its own page on node 1 at the address where the parent has
 * nothing; the parent has its page on node 1 elsewhere.  Records
 * attributed to the child with the parent's address, and with the child's
 * address but the parent's physical address, must move nothing.
 */
static void test_other_mm(void)
{
	int to_child[2], to_parent[2], status;
	char *mine, *theirs = NULL;
	struct counters before;
	bool ok = true;
	char line[160];
	pid_t child;
	char c = 0;

	if (pipe(to_child) || pipe(to_parent)) {
		ksft_test_result_fail("another mm: pipes\n");
		return;
	}
	child = fork();
	if (child == 0) {
		char *buf = alloc_on(1, 1);

		if (write(to_parent[1], &buf, sizeof(buf)) != sizeof(buf))
			_exit(2);
		/* The records queued for us are processed when read returns. */
		if (read(to_child[0], &c, 1) != 1)
			_exit(2);
		if (write(to_parent[1], &c, 1) != 1)
			_exit(2);
		if (read(to_child[0], &c, 1) != 1)
			_exit(2);
		_exit(node_of(buf) == 1 ? 0 : 1);
	}
	if (read(to_parent[0], &theirs, sizeof(theirs)) != sizeof(theirs) ||
	    !theirs) {
		ksft_test_result_fail("another mm: child setup\n");
		return;
	}
	/* Fresh mappings after fork may land at the same address: avoid it. */
	mine = alloc_on(1, 1);
	if (mine == theirs)
		mine = alloc_on(1, 1);
	if (!mine || mine == theirs || read_counters(&before)) {
		ksft_test_result_fail("another mm: setup\n");
		return;
	}
	/* Our page, attributed to the child: not mapped there. */
	ok &= !inject(child, mine, true);
	/* The child's address with our physical address: not the same page. */
	snprintf(line, sizeof(line), "pid=%d vaddr=0x%lx paddr=0x%llx op=load\n",
		 child, (unsigned long)theirs, (unsigned long long)paddr_of(mine));
	ok &= !inject_text(line);
	/* Let the child run through its task work, then check both pages. */
	ok &= write(to_child[1], &c, 1) == 1;
	ok &= read(to_parent[0], &c, 1) == 1;
	ok &= node_of_pid(child, theirs) == 1;
	ok &= node_of(mine) == 1;
	ok &= write(to_child[1], &c, 1) == 1;
	ok &= waitpid(child, &status, 0) == child && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0;
	ok &= counters_moved_exactly(&before, QUEUED, 2L, SKIP_UNMAPPED, 1L,
				     SKIP_PADDR, 1L, -1);
	munmap(mine, page_size);
	close(to_child[0]);
	close(to_child[1]);
	close(to_parent[0]);
	close(to_parent[1]);
	ksft_test_result(ok, "samples attributed to another mm change nothing\n");
}

/* Is page @i of the block at @start on node @want?  Says so if not. */
static bool block_page_on(char *start, long i, int want)
{
	int got = node_of(start + i * page_size);

	if (got == want)
		return true;
	ksft_print_msg("page %ld of the block on node %d, expected %d\n",
		       i, got, want);
	return false;
}

/*
 * Region order 4: one sample of a misplaced page takes the misplaced
 * private pages of its aligned 16-page block along.  A page of the block
 * still shared copy-on-write with a child stays, and so do the pages
 * outside the block; the sampled page is the only one task_numa_fault()
 * hears of (samples used: 1).
 */
static void test_migrate_around(void)
{
	const int nr = 48, shared = 5, sampled = 9;
	int to_child[2], to_parent[2], status, i;
	long block = 16 * page_size;
	struct counters before;
	char *buf, *start;
	bool ok = true;
	pid_t child;
	char c = 0;

	buf = alloc_on(nr, 1);
	if (!buf || pipe(to_child) || pipe(to_parent)) {
		ksft_test_result_fail("migrate around: setup\n");
		return;
	}
	start = (char *)(((uintptr_t)buf + block - 1) & ~(block - 1));
	child = fork();
	if (child == 0) {
		/* Copy every page but one: ours are private again after. */
		for (i = 0; i < nr; i++)
			if (buf + (long)i * page_size != start + shared * page_size)
				buf[(long)i * page_size] = 1;
		if (write(to_parent[1], &c, 1) != 1)
			_exit(2);
		_exit(read(to_child[0], &c, 1) == 1 ? 0 : 2);
	}
	ok &= read(to_parent[0], &c, 1) == 1;
	ok &= !set_long(SYSCTL_REGION, 4);
	if (!ok || read_counters(&before)) {
		ksft_test_result_fail("migrate around: child setup\n");
		return;
	}
	ok &= !inject(0, start + sampled * page_size + 8, true);
	for (i = 0; i < nr; i++) {
		char *page = buf + (long)i * page_size;
		bool in_block = page >= start && page < start + block;
		int want = in_block && page != start + shared * page_size ? 0 : 1;

		ok &= block_page_on(start, (page - start) / page_size, want);
	}
	ok &= counters_moved_exactly(&before, QUEUED, 1L, USED, 1L,
				     MIGRATED, 15L, AROUND, 14L, -1);
	set_long(SYSCTL_REGION, 0);
	ok &= write(to_child[1], &c, 1) == 1;
	ok &= waitpid(child, &status, 0) == child && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0;
	munmap(buf, nr * page_size);
	close(to_child[0]);
	close(to_child[1]);
	close(to_parent[0]);
	close(to_parent[1]);
	ksft_test_result(ok,
			 "region order 4: one sample moves the 15 private pages of its 64 KiB block\n");
}

/*
 * A neighbour whose last recorded access came from the other node stays:
 * moving it on the strength of another page's sample would take memory
 * from where it is used.  The policy records an access only when it
 * considers moving the page, so: two pages of a block on node 1 go to
 * node 0 (move_pages(2)), samples taken on node 1 bring them back one by
 * one (region order 0), which records node 1 in their last_cpupid; then
 * one sample on node 0, region order 4: the sampled page and its 13
 * other neighbours move, the two stay.
 */
static void test_around_last_access(void)
{
	const int nr = 32, sampled = 9, theirs[] = { 2, 3 };
	long block = 16 * page_size;
	struct counters before;
	char *buf, *start;
	bool ok = true;
	int i;

	buf = alloc_on(nr, 1);
	if (!buf) {
		ksft_test_result_fail("around, last access: setup\n");
		return;
	}
	start = (char *)(((uintptr_t)buf + block - 1) & ~(block - 1));
	for (i = 0; i < 2; i++)
		ok &= !move_page_to(start + theirs[i] * page_size, 0);
	lru_drain(buf, nr * page_size);
	if (!ok || set_long(SYSCTL_REGION, 0) || read_counters(&before)) {
		ksft_test_result_fail("around, last access: setup\n");
		goto out;
	}
	ok &= !pin_to_cpu(1) && this_node() == 1;
	for (i = 0; i < 2; i++)
		ok &= !inject(0, start + theirs[i] * page_size + 8, true);
	ok &= !pin_to_cpu(0) && this_node() == 0;
	ok &= pages_on(start, 16, 1) == 16;
	ok &= !set_long(SYSCTL_REGION, 4);
	ok &= !inject(0, start + sampled * page_size + 8, true);
	for (i = 0; i < 16; i++)
		ok &= block_page_on(start, i, i == theirs[0] || i == theirs[1]);
	ok &= pages_on(buf, nr, 1) == nr - 14;
	ok &= counters_moved_exactly(&before, QUEUED, 3L, USED, 3L,
				     MIGRATED, 16L, AROUND, 13L, -1);
out:
	set_long(SYSCTL_REGION, 0);
	munmap(buf, nr * page_size);
	ksft_test_result(ok,
			 "region order 4: neighbours last accessed from the other node stay\n");
}

static void test_mpol_bind(void)
{
	unsigned long mask = 1UL << 1;
	struct counters before;
	bool ok = true;
	char *buf;

	buf = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED ||
	    syscall(__NR_mbind, buf, 2 * page_size, MPOL_BIND, &mask,
		    sizeof(mask) * 8, 0)) {
		ksft_test_result_fail("MPOL_BIND: mbind\n");
		return;
	}
	memset(buf, 1, 2 * page_size);
	if (pages_on(buf, 2, 1) != 2 || read_counters(&before)) {
		ksft_test_result_fail("MPOL_BIND: setup\n");
		return;
	}
	ok &= !inject(0, buf, true);
	ok &= !inject(0, buf + page_size, false);
	ok &= pages_on(buf, 2, 1) == 2;
	/* Like task_numa_work(), leave VMAs whose policy says no (!MPOL_F_MOF). */
	ok &= counters_moved_exactly(&before, QUEUED, 2L, SKIP_VMA, 2L, -1);
	munmap(buf, 2 * page_size);
	ksft_test_result(ok, "memory bound to node 1 by MPOL_BIND stays there\n");
}

static void test_prctl_opt_out(void)
{
	struct counters before;
	int status;
	pid_t child;

	if (read_counters(&before)) {
		ksft_test_result_fail("prctl opt-out: counters\n");
		return;
	}
	child = fork();
	if (child == 0) {
		char *buf = alloc_on(1, 1);

		if (!buf || prctl(PR_SET_MEM_SAMPLING, PR_MEM_SAMPLING_DISABLE, 0, 0, 0))
			_exit(2);
		if (inject(0, buf, true))
			_exit(3);
		_exit(node_of(buf) == 1 ? 0 : 1);
	}
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status)) {
		ksft_test_result_fail("prctl opt-out: child\n");
		return;
	}
	if (WEXITSTATUS(status))
		ksft_print_msg("opted-out child exited with %d\n", WEXITSTATUS(status));
	ksft_test_result(WEXITSTATUS(status) == 0 &&
			 counters_moved_exactly(&before, -1),
			 "a process opted out by prctl is not touched\n");
}

static void test_thp(void)
{
	struct counters before;
	__u64 pfn, flags;
	char *raw, *buf;
	bool ok = true;
	int nr = HPAGE_SIZE / page_size;

	raw = mmap(NULL, 2 * HPAGE_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED) {
		ksft_test_result_fail("THP: mmap\n");
		return;
	}
	buf = (char *)(((uintptr_t)raw + HPAGE_SIZE - 1) & ~(HPAGE_SIZE - 1));
	if (madvise(buf, HPAGE_SIZE, MADV_HUGEPAGE) || task_policy(MPOL_BIND, 1)) {
		ksft_test_result_skip("THP: madvise(MADV_HUGEPAGE)\n");
		goto out;
	}
	memset(buf, 7, HPAGE_SIZE);
	task_policy(MPOL_DEFAULT, 0);
	pfn = pfn_of(buf);
	if (!(page_flags_of(pfn) & (1ULL << KPF_THP)) || pages_on(buf, nr, 1) != nr) {
		ksft_test_result_skip("THP: no huge page on node 1 to start with\n");
		goto out;
	}
	if (read_counters(&before)) {
		ksft_test_result_fail("THP: counters\n");
		goto out;
	}
	ok &= !inject(0, buf + 5 * page_size + 8, true);
	ok &= pages_on(buf, nr, 0) == nr;
	pfn = pfn_of(buf);
	flags = page_flags_of(pfn);
	if (!(flags & (1ULL << KPF_THP)) || pfn_of(buf + HPAGE_SIZE - page_size) !=
	    pfn + nr - 1) {
		ksft_print_msg("not a huge page after the migration (flags 0x%llx)\n",
			       (unsigned long long)flags);
		ok = false;
	}
	ok &= counters_moved_exactly(&before, QUEUED, 1L, USED, 1L,
				     MIGRATED, (long)nr, THP, 1L, -1);
	ksft_test_result(ok, "a THP migrates as one huge page on one sample\n");
out:
	munmap(raw, 2 * HPAGE_SIZE);
}

/*
 * In a fresh child: its short run time keeps task_numa_work() away (the
 * default scan delay is a second of CPU time), so a scan during the short
 * spell in scan mode cannot make the counters move.
 */
static int mode_switch_child(void)
{
	struct counters before;
	bool ok = true;
	char *buf;

	buf = alloc_on(2, 1);
	if (!buf || read_counters(&before))
		return 2;
	ok &= !set_mode(0);
	ok &= !inject(0, buf, true);
	ok &= node_of(buf) == 1;
	ok &= counters_moved_exactly(&before, -1);
	ok &= !set_mode(1);
	ok &= !inject(0, buf + page_size, true);
	ok &= node_of(buf + page_size) == 0 && node_of(buf) == 1;
	ok &= counters_moved_exactly(&before, QUEUED, 1L, USED, 1L,
				     MIGRATED, 1L, -1);
	return ok ? 0 : 1;
}

static int run_in_child(const char *name);
#define in_child(fn) run_in_child(#fn)

static void test_mode_switch(void)
{
	int rc = in_child(mode_switch_child);

	set_mode(1);
	ksft_test_result(rc == 0, "switching the mode off and on at run time\n");
}

static bool trace_has(const char *event_text)
{
	static char trace[1 << 20];

	if (read_text(TRACEFS "trace", trace, sizeof(trace)))
		return false;
	return !!strstr(trace, event_text);
}

/* Empty the trace buffer (opening "trace" for writing with O_TRUNC does). */
static int trace_clear(void)
{
	int fd = open(TRACEFS "trace", O_WRONLY | O_TRUNC);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static void test_tracepoints(void)
{
	char want[128];
	bool ok = true;
	char *buf;

	if (access(TRACEFS "events/mem_sampling/numa_sampling_migrate", F_OK)) {
		ksft_test_result_skip("tracepoints: no tracefs\n");
		return;
	}
	buf = alloc_on(1, 1);
	if (!buf) {
		ksft_test_result_fail("tracepoints: setup\n");
		return;
	}
	/* Only our events, in an empty buffer: other tests may have left theirs on. */
	ok &= !write_file(TRACEFS "events/enable", "0");
	ok &= !trace_clear();
	ok &= !write_file(TRACEFS "events/mem_sampling/numa_sampling_migrate/enable", "1");
	ok &= !write_file(TRACEFS "events/sched/sched_numa_balance_start/enable", "1");
	ok &= !write_file(TRACEFS "events/sched/sched_numa_balance_end/enable", "1");
	ok &= !write_file(TRACEFS "tracing_on", "1");
	ok &= !inject(0, buf, true);
	write_file(TRACEFS "tracing_on", "0");
	snprintf(want, sizeof(want), "pid=%d vaddr=0x%lx order=0 src_nid=1 dst_nid=0 result=0",
		 getpid(), (unsigned long)buf);
	if (!trace_has(want)) {
		ksft_print_msg("no \"%s\" in the trace\n", want);
		ok = false;
	}
	snprintf(want, sizeof(want), "pid=%d tgid=%d", getpid(), getpid());
	ok &= trace_has("sched_numa_balance_start: comm=numa_sampling") &&
	      trace_has(want) && trace_has("scanned=1 migrated=1");
	write_file(TRACEFS "events/mem_sampling/numa_sampling_migrate/enable", "0");
	write_file(TRACEFS "events/sched/sched_numa_balance_start/enable", "0");
	write_file(TRACEFS "events/sched/sched_numa_balance_end/enable", "0");
	munmap(buf, page_size);
	ksft_test_result(ok, "numa_sampling_migrate, sched_numa_balance_start/end per batch\n");
}

/* One load sample of each of @nr pages at @buf, in one write. */
static int inject_pages(char *buf, int nr)
{
	size_t len = (size_t)nr * 48 + 1, used = 0;
	char *text = malloc(len);
	int i, err;

	if (!text)
		return -ENOMEM;
	for (i = 0; i < nr; i++)
		used += snprintf(text + used, len - used, "vaddr=0x%lx op=load\n",
				 (unsigned long)(buf + (long)i * page_size));
	err = inject_text(text);
	free(text);
	return err;
}

/*
 * Wait up to @seconds for the number in @path to become @want, feeding a
 * sample of each of @nr pages at @buf every 200 ms (none if @nr is 0).
 */
static bool value_becomes(const char *path, long want, char *buf, int nr,
			  int seconds)
{
	int round;

	for (round = 0; round < seconds * 5; round++) {
		if (read_long(path) == want)
			return true;
		if (nr && inject_pages(buf, nr))
			return false;
		usleep(200 * 1000);
	}
	return false;
}

static bool effective_becomes(long want, char *buf, int nr, int seconds)
{
	if (value_becomes(EFFECTIVE, want, buf, nr, seconds))
		return true;
	ksft_print_msg("effective interval %ld, expected %ld\n",
		       read_long(EFFECTIVE), want);
	return false;
}

#define ADAPT_PAGES 256
#define INTERVAL_EVENT TRACEFS "events/mem_sampling/numa_sampling_interval"

/* A /proc/vmstat counter, -1 if the kernel has none of that name. */
static long vmstat_value(const char *name)
{
	char key[64];
	long value;
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", key, &value) == 2) {
		if (!strcmp(key, name)) {
			fclose(f);
			return value;
		}
	}
	fclose(f);
	return -1;
}

/* How often @text occurs in the trace buffer. */
static int trace_count(const char *text)
{
	static char trace[1 << 20];
	const char *p = trace;
	int n = 0;

	if (read_text(TRACEFS "trace", trace, sizeof(trace)))
		return -1;
	while ((p = strstr(p, text))) {
		n++;
		p += strlen(text);
	}
	return n;
}

/*
 * kernel.numa_balancing_mem_sampling_adapt=2 with interval 4096: sample
 * mode starts at 1024; samples of local memory slow it down one step a
 * period (2048, 4096, 8192) to 16384, samples of remote memory bring it
 * to 1024 at once, and turning the adaptation off restores 4096.
 */
static void test_adaptive_interval(void)
{
	bool ok = true, traced = false;
	long saved_adapt = read_long(SYSCTL_ADAPT), faster, slower;
	char saved_interval[32] = "";
	char *local = NULL, *remote = NULL;
	struct counters before;

	if (saved_adapt < 0 || read_text(INTERVAL, saved_interval,
					 sizeof(saved_interval))) {
		ksft_test_result_fail("adaptive interval: no sysctl or sysfs file\n");
		return;
	}
	ok &= write_file(SYSCTL_ADAPT, "9\n") == -EINVAL;
	ok &= write_file(SYSCTL_ADAPT, "-1\n") == -EINVAL;
	ok &= read_long(SYSCTL_ADAPT) == saved_adapt;
	local = alloc_on(ADAPT_PAGES, 0);
	remote = alloc_on(ADAPT_PAGES, 1);
	if (!ok || !local || !remote || set_long(SYSCTL_ADAPT, 2) ||
	    set_mode(0) || write_file(INTERVAL, "4096\n") ||
	    read_counters(&before)) {
		ksft_test_result_fail("adaptive interval: setup\n");
		goto out;
	}
	ok &= read_long(EFFECTIVE) == 4096;
	faster = vmstat_value("numa_sampling_interval_faster");
	slower = vmstat_value("numa_sampling_interval_slower");
	if (!access(INTERVAL_EVENT, F_OK)) {
		traced = !write_file(TRACEFS "events/enable", "0") &&
			 !trace_clear() &&
			 !write_file(INTERVAL_EVENT "/enable", "1") &&
			 !write_file(TRACEFS "tracing_on", "1");
	}
	ok &= !set_mode(1);
	ok &= read_long(EFFECTIVE) == 1024;
	ok &= effective_becomes(16384, local, ADAPT_PAGES, 10);
	ok &= effective_becomes(1024, remote, ADAPT_PAGES, 10);
	ok &= !set_long(SYSCTL_ADAPT, 0) && read_long(EFFECTIVE) == 4096;
	faster = vmstat_value("numa_sampling_interval_faster") - faster;
	slower = vmstat_value("numa_sampling_interval_slower") - slower;
	ksft_print_msg("adaptive interval: %ld times faster, %ld times slower\n",
		       faster, slower);
	ok &= faster == 2 && slower == 5;
	if (traced) {
		write_file(TRACEFS "tracing_on", "0");
		write_file(INTERVAL_EVENT "/enable", "0");
		/* Mode on (0->2), then remote samples (-2->2): 1024 twice. */
		if (trace_count("misplaced=0 shift=2->1 interval=2048") != 1 ||
		    trace_count("misplaced=0 shift=1->0 interval=4096") != 1 ||
		    trace_count("misplaced=0 shift=-1->-2 interval=16384") != 1 ||
		    trace_count("shift=0->2 interval=1024") != 1 ||
		    trace_count("shift=-2->2 interval=1024") != 1) {
			ksft_print_msg("numa_sampling_interval events not as expected\n");
			ok = false;
		}
	}
	ok &= delta_of(&before, HINT_FAULTS) == 0;
	ksft_test_result(ok, "adaptive interval: faster when misplaced, back when converged\n");
out:
	set_long(SYSCTL_ADAPT, saved_adapt);
	write_file(INTERVAL, saved_interval);
	if (local)
		munmap(local, ADAPT_PAGES * page_size);
	if (remote)
		munmap(remote, ADAPT_PAGES * page_size);
}

/*
 * Converged at the slowest rate, sample mode rests: sampling pauses
 * (sysfs paused, numa_sampling_rests) and resumes a second later; tasks
 * stay sampled meanwhile, so no hint faults.  With the mem_sampling_record
 * event on, whoever enabled it wants records: no rest.
 */
static void test_rest(void)
{
	long saved_adapt = read_long(SYSCTL_ADAPT), rests;
	struct counters before;
	char *local;
	bool ok = true;

	local = alloc_on(ADAPT_PAGES, 0);
	if (!local || saved_adapt < 0 || access(PAUSED, F_OK) ||
	    set_long(SYSCTL_ADAPT, 2) || set_mode(0) || set_mode(1) ||
	    read_counters(&before)) {
		ksft_test_result_fail("rest: setup\n");
		goto out;
	}
	rests = vmstat_value("numa_sampling_rests");
	/* 2 -> -2 takes 4 periods of 500 ms, then one quiet period. */
	if (!value_becomes(PAUSED, 1, local, ADAPT_PAGES, 10)) {
		ksft_print_msg("did not rest within 10 s of local samples\n");
		ok = false;
	}
	ok &= vmstat_value("numa_sampling_rests") == rests + 1;
	if (!value_becomes(PAUSED, 0, NULL, 0, 3)) {
		ksft_print_msg("still resting 3 s later\n");
		ok = false;
	}
	ok &= delta_of(&before, HINT_FAULTS) == 0;

	/* Someone wants the records: converged, but no rest. */
	ok &= !write_file(TRACEFS "events/mem_sampling/mem_sampling_record/enable", "1");
	ok &= !set_mode(0) && !set_mode(1);
	rests = vmstat_value("numa_sampling_rests");
	if (value_becomes(PAUSED, 1, local, ADAPT_PAGES, 5)) {
		ksft_print_msg("rested with the record event enabled\n");
		ok = false;
	}
	ok &= vmstat_value("numa_sampling_rests") == rests;
	write_file(TRACEFS "events/mem_sampling/mem_sampling_record/enable", "0");
	ksft_test_result(ok,
			 "converged: sampling rests, resumes, and not while the record event is on\n");
out:
	set_long(SYSCTL_ADAPT, saved_adapt);
	if (local)
		munmap(local, ADAPT_PAGES * page_size);
}

/*
 * A workload of its own: touch @nr pages on node 1 from node 0 for up to
 * @seconds, optionally injecting a sample of every page touched (what a
 * PMU would see), until all pages are on node 0.  Returns the seconds it
 * took, or -1 if it did not converge.
 */
static double converge(char *buf, int nr, int seconds, bool inject_samples)
{
	struct timespec start, now;
	double elapsed;
	int round = 0;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		int i;

		for (i = 0; i < nr; i++) {
			buf[(long)i * page_size + (round & 63)]++;
			if (inject_samples && (round % 8) == 0)
				inject(0, buf + (long)i * page_size, true);
		}
		round++;
		clock_gettime(CLOCK_MONOTONIC, &now);
		elapsed = now.tv_sec - start.tv_sec +
			  (now.tv_nsec - start.tv_nsec) / 1e9;
		if ((round % 16) == 0 && pages_on(buf, nr, 0) == nr)
			return elapsed;
		if (elapsed > seconds)
			return -1;
	}
}

static long saved_scan_delay = -1, saved_scan_period_min = -1;

/* Touch @nr pages at @buf for @seconds. */
static void spin(char *buf, int nr, int seconds)
{
	struct timespec start, now;
	int i;

	clock_gettime(CLOCK_MONOTONIC, &start);
	do {
		for (i = 0; i < nr; i++)
			buf[(long)i * page_size]++;
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (now.tv_sec - start.tv_sec < seconds);
}

/* Scan faster than the defaults so both modes show in seconds. */
static void numab_fast_scan(void)
{
	if (saved_scan_delay < 0) {
		saved_scan_delay = read_long(NUMAB_DEBUGFS "scan_delay_ms");
		saved_scan_period_min = read_long(NUMAB_DEBUGFS "scan_period_min_ms");
	}
	write_file(NUMAB_DEBUGFS "scan_delay_ms", "100");
	write_file(NUMAB_DEBUGFS "scan_period_min_ms", "100");
}

#define WORK_PAGES 64

static int sample_mode_child(void)
{
	struct counters before;
	char *buf = alloc_on(WORK_PAGES, 1);
	double t;

	if (!buf || read_counters(&before))
		return 2;
	t = converge(buf, WORK_PAGES, 30, true);
	if (t < 0) {
		ksft_print_msg("sample mode: did not converge in 30 s\n");
		return 1;
	}
	/* Keep running long enough for task_numa_work to come by. */
	spin(buf, WORK_PAGES, 2);
	report("sample mode (2 s after convergence)", t, &before);
	if (delta_of(&before, HINT_FAULTS) || delta_of(&before, PTE_UPDATES) ||
	    delta_of(&before, MIGRATED) != WORK_PAGES)
		return 1;
	return delta_of(&before, SCANS_REPLACED) > 0 ? 0 : 3;
}

static void test_sample_mode_end_to_end(void)
{
	int rc;

	numab_fast_scan();
	rc = in_child(sample_mode_child);
	if (rc == 3)
		ksft_print_msg("task_numa_work never ran: scanning not shown skipped\n");
	ksft_test_result(rc == 0,
			 "sample mode: memory moves, numa_hint_faults/pte_updates unchanged\n");
}

static int scan_mode_child(void)
{
	struct counters before;
	char *buf = alloc_on(WORK_PAGES, 1);
	double t;

	if (!buf || read_counters(&before))
		return 2;
	t = converge(buf, WORK_PAGES, 60, false);
	report("scan mode", t, &before);
	if (t < 0 || delta_of(&before, MIGRATED))
		return 1;
	return delta_of(&before, HINT_FAULTS) > 0 && delta_of(&before, PTE_UPDATES) > 0 ? 0 : 1;
}

static void test_scan_mode_control(void)
{
	int rc;

	numab_fast_scan();
	set_mode(0);
	rc = in_child(scan_mode_child);
	set_mode(1);
	ksft_test_result(rc == 0, "scan mode (control): remote memory moves through hint faults\n");
}

/*
 * Sample mode on, but this process opted out: it is not sampled, so it
 * must keep the classic scan and converge through hint faults.
 */
static int opted_out_scan_child(void)
{
	struct counters before;
	char *buf;
	double t;

	if (prctl(PR_SET_MEM_SAMPLING, PR_MEM_SAMPLING_DISABLE, 0, 0, 0))
		return 2;
	buf = alloc_on(WORK_PAGES, 1);
	if (!buf || read_counters(&before))
		return 2;
	t = converge(buf, WORK_PAGES, 60, false);
	report("opted out, in sample mode", t, &before);
	if (t < 0 || delta_of(&before, MIGRATED))
		return 1;
	return delta_of(&before, HINT_FAULTS) > 0 && delta_of(&before, PTE_UPDATES) > 0 ? 0 : 1;
}

static void test_opted_out_keeps_scanning(void)
{
	int rc;

	numab_fast_scan();
	rc = in_child(opted_out_scan_child);
	ksft_test_result(rc == 0, "sample mode: a process not sampled keeps scan mode\n");
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
	struct timespec start, now;
	struct counters before;
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
	lru_drain(buf, WORK_PAGES * page_size);
	if (pages_on(buf, WORK_PAGES, 1) != WORK_PAGES || read_counters(&before))
		return 2;
	CPU_ZERO(&both);
	CPU_SET(0, &both);
	CPU_SET(1, &both);
	if (syscall(__NR_sched_setaffinity, 0, sizeof(both), &both))
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &start);
	do {
		for (i = 0; i < WORK_PAGES; i++) {
			buf[(long)i * page_size]++;
			inject(0, buf + (long)i * page_size, true);
		}
		node = this_node();
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (node != 1 && now.tv_sec - start.tv_sec < 20);
	ksft_print_msg("placement: on node %d, numa_preferred_nid %d, %d/%d pages on node 1\n",
		       node, preferred_nid(), pages_on(buf, WORK_PAGES, 1),
		       WORK_PAGES);
	report("placement", node == 1 ? now.tv_sec - start.tv_sec +
	       (now.tv_nsec - start.tv_nsec) / 1e9 : -1, &before);
	/*
	 * The preferred node is what samples decide; whether the scheduler
	 * then finds room on node 1 at once depends on what else runs, so
	 * a task still on node 0 is reported, not failed.
	 */
	if (preferred_nid() != 1 || pages_on(buf, WORK_PAGES, 1) != WORK_PAGES ||
	    delta_of(&before, HINT_FAULTS) || delta_of(&before, PTE_UPDATES))
		return 1;
	if (node != 1)
		ksft_print_msg("placement: the scheduler had not moved the task in 20 s\n");
	return 0;
}

static void test_task_placement(void)
{
	int rc;

	numab_fast_scan();
	rc = in_child(placement_child);
	ksft_test_result(rc == 0,
			 "sample mode: samples make the memory's node the task's preferred node\n");
}

static int spe_child(void)
{
	struct counters before;
	char *buf = alloc_on(WORK_PAGES, 1);
	double t;

	if (!buf || read_counters(&before))
		return 2;
	t = converge(buf, WORK_PAGES, 120, false);
	report("SPE sample mode", t, &before);
	if (t < 0 || delta_of(&before, PTE_UPDATES) || delta_of(&before, HINT_FAULTS)) {
		ksft_print_msg("%d/%d pages on node 0, on CPU %d; counters:\n",
			       pages_on(buf, WORK_PAGES, 0), WORK_PAGES,
			       sched_getcpu());
		report_deltas(&before);
		return 1;
	}
	return 0;
}

/* With a real provider (the SPE driver) instead of the test provider. */
static void test_spe_end_to_end(void)
{
	char provider[64] = "";
	int rc;

	write_file(TEST_ACTIVE, "0");
	read_text(PROVIDER, provider, sizeof(provider));
	if (!strncmp(provider, "test", 4) || !provider[0] ||
	    !strncmp(provider, "none", 4) ||
	    set_long(SYSCTL_ENABLE, 1)) {
		ksft_test_result_skip("SPE end to end: no hardware provider (%s)\n",
				      provider[0] ? strtok(provider, "\n") : "none");
		write_file(TEST_ACTIVE, "1");
		return;
	}
	numab_fast_scan();
	rc = in_child(spe_child);
	write_file(TEST_ACTIVE, "1");
	ksft_test_result(rc == 0,
			 "SPE end to end: remote memory moves in sample mode without hint faults\n");
}

/* ---------------------------------------------------- fresh children */

/*
 * Tests that count NUMA hint faults run in a child that execs this
 * program again: a forked child would share its parent's page tables, and
 * a parent scanned while scan mode was on (or while providers changed)
 * leaves PROT_NONE entries that the child would fault on, counted as hint
 * faults it did not cause.  After exec the child's mm is its own.
 */
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

/* Run the child named @name in a fresh process, return its exit status. */
static int run_in_child(const char *name)
{
	int status;
	pid_t child;

	fflush(stdout);
	child = fork();
	if (child == 0) {
		execl("/proc/self/exe", "numa_sampling", "--child", name, NULL);
		_exit(3);
	}
	if (child < 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int child_main(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(children); i++)
		if (!strcmp(children[i].name, name))
			return children[i].fn();
	ksft_print_msg("no child named %s\n", name);
	return 3;
}

/* ----------------------------------------------------------- main */

static long saved_numab = -1, saved_enable = -1;

/*
 * The sampling tunables these tests assume (other tests may have left
 * them otherwise): every operation, no latency filter, physical
 * addresses on, every process sampled unless it opts out.
 */
static struct {
	const char *path;
	const char *value;
	char saved[64];
} tunables[] = {
	{ .path = "/sys/kernel/mm/mem_sampling/min_latency", .value = "0\n" },
	{ .path = "/sys/kernel/mm/mem_sampling/op_filter", .value = "all\n" },
	{ .path = "/sys/kernel/mm/mem_sampling/paddr", .value = "1\n" },
	{ .path = "/sys/kernel/mm/mem_sampling/opt_in", .value = "0\n" },
	/* One page per sample, so the counts below are exact. */
	{ .path = SYSCTL_REGION, .value = "0\n" },
};

static int set_tunables(void)
{
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(tunables); i++) {
		if (read_text(tunables[i].path, tunables[i].saved,
			      sizeof(tunables[i].saved)))
			tunables[i].saved[0] = '\0';
		err = write_file(tunables[i].path, tunables[i].value);
		if (err) {
			ksft_print_msg("%s: %s\n", tunables[i].path, strerror(-err));
			return err;
		}
	}
	return 0;
}

static void restore(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tunables); i++)
		if (tunables[i].saved[0])
			write_file(tunables[i].path, tunables[i].saved);
	set_mode(0);
	if (saved_enable >= 0)
		set_long(SYSCTL_ENABLE, saved_enable);
	if (saved_numab >= 0)
		set_long(SYSCTL_NUMAB, saved_numab);
	write_file(TEST_ACTIVE, "0");
	if (saved_scan_delay >= 0)
		set_long(NUMAB_DEBUGFS "scan_delay_ms", saved_scan_delay);
	if (saved_scan_period_min >= 0)
		set_long(NUMAB_DEBUGFS "scan_period_min_ms", saved_scan_period_min);
}

int main(int argc, char **argv)
{
	page_size = sysconf(_SC_PAGESIZE);
	if (argc == 3 && !strcmp(argv[1], "--child"))
		return child_main(argv[2]);
	ksft_print_header();

	if (geteuid())
		ksft_exit_skip("needs root\n");
	if (access(SYSCTL_MODE, F_OK))
		ksft_exit_skip("no kernel.numa_balancing_mem_sampling\n");
	if (access(INJECT, F_OK))
		ksft_exit_skip("no test provider (CONFIG_MEM_SAMPLING_TEST_PROVIDER)\n");
	if (access("/sys/devices/system/node/node1", F_OK))
		ksft_exit_skip("needs two NUMA nodes\n");

	ksft_set_plan(18);

	saved_numab = read_long(SYSCTL_NUMAB);
	saved_enable = read_long(SYSCTL_ENABLE);
	if (write_file(TEST_ACTIVE, "1") || set_tunables() || set_long(SYSCTL_NUMAB, 1) ||
	    set_long(SYSCTL_ENABLE, 1) || set_mode(1) || pin_to_cpu(0) ||
	    this_node() != 0) {
		restore();
		ksft_exit_fail_msg("setup: test provider, sysctls, CPU 0 on node 0\n");
	}

	test_sysctl_values();
	test_exact_migrations();
	test_unmapped_and_remapped();
	test_other_mm();
	test_migrate_around();
	test_around_last_access();
	test_mpol_bind();
	test_prctl_opt_out();
	test_thp();
	test_mode_switch();
	test_tracepoints();
	test_adaptive_interval();
	test_rest();
	test_sample_mode_end_to_end();
	test_scan_mode_control();
	test_opted_out_keeps_scanning();
	test_task_placement();
	test_spe_end_to_end();

	restore();
	ksft_finished();
}
