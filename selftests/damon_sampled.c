// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON from memory access samples, through DAMON's own sysfs interface:
 * the vaddr-sampled and paddr-sampled operations sets find a workload's
 * hot region (fed exactly by the test provider, then by SPE), a
 * migrate_hot scheme promotes it on the tiered machine, and what cannot
 * work is refused with the reason.  Regions and their access counts are
 * read from the damon:damon_aggregated tracepoint.
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
#include "damon_util.h"
#include "numa_sampling_util.h"

#define VM_DAMON_SAMPLES	"damon_sampled_samples"
#define VM_DAMON_DROPPED	"damon_sampled_dropped"
#define FOUND_REPORT \
	"%s: hot region found in %.2f s: %.0f%% of it in accessed regions, %lu KiB of cold memory with it\n"

#define ULONG_MAX_TEXT	"18446744073709551615"
#define UINT_MAX_TEXT	"4294967295"

/* DAMON samples every 10 ms, aggregates every 100 ms. */
#define SAMPLE_US	10000
#define AGGR_US		100000

/* The workload: a mapping of AREA_PAGES, hot in HOT_PAGES from HOT_FIRST. */
#define AREA_PAGES	4096
#define HOT_FIRST	1024
#define HOT_PAGES	512

static const char * const damon_settings[] = {
	MS_SYSCTL, MS_ACTIVE, NUMAB_SYSCTL, MS_SYSFS "paddr",
	MS_SYSFS "budget", MS_EVENT "enable", DAMON_AGGREGATED "enable",
	MS_TRACING "tracing_on", NULL,
};

/*
 * Wait up to @timeout seconds for an aggregation that found
 * [@hot_start, @hot_end), calling @feed (if any) in between; the seconds
 * it took, or -1 (the last verdict in *@last).
 */
static double wait_found(unsigned long hot_start, unsigned long hot_end,
			 double timeout, void (*feed)(void *arg), void *arg,
			 struct damon_verdict *last)
{
	static struct damon_snapshot snap;
	double start = ms_now(), next_read = start;

	memset(last, 0, sizeof(*last));
	while (ms_now() - start < timeout) {
		if (feed)
			feed(arg);
		else
			ms_sleep_ms(100);
		if (ms_now() < next_read)
			continue;
		next_read = ms_now() + 0.2;
		if (!damon_read_snapshot(&snap))
			continue;
		*last = damon_judge(&snap, hot_start, hot_end);
		if (damon_found(*last, hot_end - hot_start))
			return ms_now() - start;
	}
	return -1;
}

/* What the test provider feeds: samples of random hot pages of a process. */
struct feed {
	pid_t pid;
	char *hot;		/* its hot pages, at the same address here */
	bool paddr;		/* with the physical address of each page */
	unsigned long long pa[HOT_PAGES];
};

/* 32 samples of random hot pages, then 2 ms: a few per sampling interval. */
static void feed_hot(void *arg)
{
	struct feed *feed = arg;
	char lines[32 * 96];
	int len = 0, i;

	for (i = 0; i < 32; i++) {
		int page = rand() % HOT_PAGES;
		unsigned long va = (unsigned long)feed->hot + page * page_size;

		if (feed->paddr)
			len += snprintf(lines + len, sizeof(lines) - len,
					"pid=%d vaddr=0x%lx paddr=0x%llx op=load\n",
					feed->pid, va, feed->pa[page]);
		else
			len += snprintf(lines + len, sizeof(lines) - len,
					"pid=%d vaddr=0x%lx op=load\n",
					feed->pid, va);
	}
	ms_write_bytes(MS_INJECT, lines, len);
	ms_sleep_ms(2);
}

/* A child that maps and touches the workload's area, then waits; NULL if not. */
static char *spawn_area(pid_t *child, bool busy)
{
	char *area;

	area = mmap(NULL, AREA_PAGES * page_size, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		return NULL;
	memset(area, 1, AREA_PAGES * page_size);
	*child = fork();
	if (*child < 0)
		return NULL;
	if (!*child) {
		unsigned int seed = 1;
		char *hot = area + HOT_FIRST * page_size;

		/* Only the hot pages, only while busy. */
		for (;;) {
			if (!busy) {
				pause();
				continue;
			}
			hot[(rand_r(&seed) % HOT_PAGES) * page_size +
			    (rand_r(&seed) % 64) * 64]++;
		}
	}
	return area;
}

static void reap(pid_t child)
{
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}

FIXTURE(damon_sets) {
	struct ms_settings saved;
};

FIXTURE_SETUP(damon_sets)
{
	const char *why = numa_sampling_unavailable();

	if (why)
		SKIP(return, "%s", why);
	if (access(DAMON_KDAMONDS, F_OK))
		SKIP(return, "no DAMON sysfs interface (CONFIG_DAMON_SYSFS)");
	if (access(DAMON_AGGREGATED, F_OK))
		SKIP(return, "no damon:damon_aggregated event");
	ASSERT_EQ(0, ms_settings_save(&self->saved, damon_settings));
	ASSERT_EQ(0, ms_write(NUMAB_SYSCTL, "0"));
	ASSERT_EQ(0, ms_write(MS_ACTIVE, "1"));
	ASSERT_EQ(0, ms_write(MS_SYSFS "paddr", "1"));
	ASSERT_EQ(0, ms_write(MS_SYSFS "budget", "0"));
	ASSERT_EQ(0, ms_write(MS_SYSCTL, "1"));
	ASSERT_EQ(0, ms_trace_only(DAMON_AGGREGATED));
	ASSERT_EQ(0, ms_trace_on(true));
}

FIXTURE_TEARDOWN_PARENT(damon_sets)
{
	damon_reset();
	ms_trace_on(false);
	ms_trace_clear();
	EXPECT_EQ(0, ms_settings_restore(&self->saved));
}

/* Both sets are offered next to DAMON's own, which are unchanged. */
TEST_F(damon_sets, avail_operations)
{
	char avail[256] = "";

	ASSERT_EQ(0, damon_setup("vaddr", getpid(), 0x10000, 0x20000,
				 SAMPLE_US, AGGR_US));
	ASSERT_EQ(0, ms_read(DAMON_CTX "avail_operations", avail, sizeof(avail)));
	EXPECT_STREQ("vaddr\nfvaddr\npaddr\nvaddr-sampled\npaddr-sampled", avail);
	EXPECT_EQ(-EINVAL, damon_write(DAMON_CTX, "operations", "vaddr-sample"));
	/* DAMON's own vaddr starts and stops with sampling off. */
	ASSERT_EQ(0, ms_write(MS_SYSCTL, "0"));
	EXPECT_EQ(0, ms_write(KDAMOND "state", "on"));
	EXPECT_TRUE(damon_on());
	EXPECT_EQ(0, ms_write(KDAMOND "state", "off"));
}

/* Commit operations set @ops to the running context: did that stop it? */
static bool commit_stops(const char *ops)
{
	return !damon_write(DAMON_CTX, "operations", ops) &&
	       !ms_write(KDAMOND "state", "commit") && damon_wait_off(10);
}

/*
 * A DAMOS scheme of @action for regions seen accessed in at least
 * @min_accesses sampling intervals of an aggregation, any size and age.
 */
static int add_scheme(const char *action, unsigned int min_accesses)
{
	return damon_write(DAMON_CTX, "schemes/nr_schemes", "1") ?:
	       damon_write(DAMON_SCHEME, "action", action) ?:
	       damon_write(DAMON_SCHEME, "access_pattern/sz/max", ULONG_MAX_TEXT) ?:
	       damon_write_long(DAMON_SCHEME, "access_pattern/nr_accesses/min",
				min_accesses) ?:
	       damon_write(DAMON_SCHEME, "access_pattern/nr_accesses/max",
			   UINT_MAX_TEXT) ?:
	       damon_write(DAMON_SCHEME, "access_pattern/age/max", UINT_MAX_TEXT);
}

/* The scheme's statistic @name ("sz_tried"...), brought up to date. */
static unsigned long long scheme_stat(const char *name)
{
	char path[160], value[32] = "";

	if (ms_write(KDAMOND "state", "update_schemes_stats"))
		return 0;
	snprintf(path, sizeof(path), DAMON_SCHEME "stats/%s", name);
	ms_read(path, value, sizeof(value));
	return strtoull(value, NULL, 10);
}

/*
 * Refused, with nothing started: sampling off (-ENODEV), physical
 * addresses not collected for paddr-sampled (-EOPNOTSUPP), two targets of
 * paddr-sampled (-EINVAL); a commit that switches a running context to or
 * from a sampled set stops it, as invalid commit input does.
 */
TEST_F(damon_sets, refused)
{
	ASSERT_EQ(0, damon_setup("vaddr-sampled", getpid(), 0x10000, 0x20000,
				 SAMPLE_US, AGGR_US));
	ASSERT_EQ(0, ms_write(MS_SYSCTL, "0"));
	EXPECT_EQ(-ENODEV, ms_write(KDAMOND "state", "on"));
	EXPECT_FALSE(damon_on());

	ASSERT_EQ(0, ms_write(MS_SYSCTL, "1"));
	ASSERT_EQ(0, ms_write(MS_SYSFS "paddr", "0"));
	ASSERT_EQ(0, damon_setup("paddr-sampled", 0, 0x40000000, 0x40100000,
				 SAMPLE_US, AGGR_US));
	EXPECT_EQ(-EOPNOTSUPP, ms_write(KDAMOND "state", "on"));
	EXPECT_FALSE(damon_on());
	/* vaddr-sampled needs no physical address. */
	ASSERT_EQ(0, damon_setup("vaddr-sampled", getpid(), 0x10000, 0x20000,
				 SAMPLE_US, AGGR_US));
	EXPECT_EQ(0, ms_write(KDAMOND "state", "on"));
	EXPECT_TRUE(damon_on());
	/*
	 * Switching a running context from or to a sampled set is invalid
	 * commit input, which stops the kdamond (DAMON's rule for any).
	 */
	EXPECT_TRUE(commit_stops("vaddr"));
	ASSERT_EQ(0, ms_write(KDAMOND "state", "on"));
	ASSERT_TRUE(damon_on());
	EXPECT_TRUE(commit_stops("vaddr-sampled"));
	/* A commit within the set is fine. */
	ASSERT_EQ(0, ms_write(KDAMOND "state", "on"));
	ASSERT_TRUE(damon_on());
	ASSERT_EQ(0, damon_write(DAMON_ATTRS, "intervals/aggr_us", "200000"));
	EXPECT_EQ(0, ms_write(KDAMOND "state", "commit"));
	EXPECT_FALSE(damon_wait_off(1));
	ASSERT_EQ(0, ms_write(KDAMOND "state", "off"));

	ASSERT_EQ(0, ms_write(MS_SYSFS "paddr", "1"));
	ASSERT_EQ(0, damon_setup("paddr-sampled", 0, 0x40000000, 0x40100000,
				 SAMPLE_US, AGGR_US));
	ASSERT_EQ(0, damon_write(DAMON_CTX, "targets/nr_targets", "2"));
	EXPECT_EQ(-EINVAL, ms_write(KDAMOND "state", "on"));
	EXPECT_FALSE(damon_on());
}

/* Sampling switched off under a running context stops it. */
TEST_F(damon_sets, stops_with_sampling)
{
	ASSERT_EQ(0, damon_setup("vaddr-sampled", getpid(), 0x10000, 0x20000,
				 SAMPLE_US, AGGR_US));
	ASSERT_EQ(0, ms_write(KDAMOND "state", "on"));
	ASSERT_TRUE(damon_on());
	ASSERT_EQ(0, ms_write(MS_SYSCTL, "0"));
	EXPECT_TRUE(damon_wait_off(10));
}

/*
 * vaddr-sampled with exact samples of a child's hot range (512 of 4096
 * pages): found, with no access counted anywhere else than where the
 * regions straddle its edges; the samples are counted, and a stat scheme
 * for accessed regions tries at least the hot range.
 */
TEST_F(damon_sets, vaddr_exact)
{
	long long samples = ms_vmstat(VM_DAMON_SAMPLES);
	struct feed feed = { 0 };
	unsigned long hot;
	struct damon_verdict v;
	double took;
	char *area;

	area = spawn_area(&feed.pid, false);
	ASSERT_NE(NULL, area);
	feed.hot = area + HOT_FIRST * page_size;
	hot = (unsigned long)feed.hot;
	ASSERT_EQ(0, damon_setup("vaddr-sampled", feed.pid, (unsigned long)area,
				 (unsigned long)area + AREA_PAGES * page_size,
				 SAMPLE_US, AGGR_US));
	ASSERT_EQ(0, add_scheme("stat", 1));
	ASSERT_EQ(0, ms_write(KDAMOND "state", "on"));
	took = wait_found(hot, hot + HOT_PAGES * page_size, 30, feed_hot,
			  &feed, &v);
	ksft_print_msg(FOUND_REPORT, "vaddr-sampled, test provider", took,
		       100.0 * v.covered / (HOT_PAGES * page_size),
		       v.cold >> 10);
	EXPECT_LE(0, took);
	EXPECT_LT(0, ms_vmstat(VM_DAMON_SAMPLES) - samples);
	/* DAMOS acts on what the samples showed. */
	EXPECT_LE(HOT_PAGES * page_size, scheme_stat("sz_tried"));
	reap(feed.pid);
	munmap(area, AREA_PAGES * page_size);
}

/*
 * A process that is not the target is not counted: the same samples,
 * attributed to the test itself, find nothing, and a stat scheme for
 * accessed regions tries none.
 */
TEST_F(damon_sets, vaddr_other_process)
{
	struct feed feed = { 0 };
	static struct damon_snapshot snap;
	pid_t child;
	char *area;
	int i;

	area = spawn_area(&child, false);
	ASSERT_NE(NULL, area);
	feed.pid = getpid();
	feed.hot = area + HOT_FIRST * page_size;
	ASSERT_EQ(0, damon_setup("vaddr-sampled", child, (unsigned long)area,
				 (unsigned long)area + AREA_PAGES * page_size,
				 SAMPLE_US, AGGR_US));
	ASSERT_EQ(0, add_scheme("stat", 1));
	ASSERT_EQ(0, ms_write(KDAMOND "state", "on"));
	for (i = 0; i < 500; i++)
		feed_hot(&feed);
	ASSERT_LT(0, damon_read_snapshot(&snap));
	EXPECT_EQ(0, damon_judge(&snap, 0, 0).cold);
	EXPECT_EQ(0, scheme_stat("nr_tried"));
	reap(child);
	munmap(area, AREA_PAGES * page_size);
}

/*
 * More distinct pages than a CPU's buffer holds between two checks (one a
 * second here): the rest are dropped and counted.
 */
TEST_F(damon_sets, drops_counted)
{
	long long samples = ms_vmstat(VM_DAMON_SAMPLES);
	long long dropped = ms_vmstat(VM_DAMON_DROPPED);
	char *lines = malloc(64 * 1024);
	pid_t child;
	char *area;
	int i, len;

	ASSERT_NE(NULL, lines);
	area = spawn_area(&child, false);
	ASSERT_NE(NULL, area);
	ASSERT_EQ(0, damon_setup("vaddr-sampled", child, (unsigned long)area,
				 (unsigned long)area + AREA_PAGES * page_size,
				 SAMPLE_US, AGGR_US));
	ASSERT_EQ(0, damon_write(DAMON_ATTRS, "intervals/sample_us", "1000000"));
	ASSERT_EQ(0, damon_write(DAMON_ATTRS, "intervals/aggr_us", "2000000"));
	ASSERT_EQ(0, ms_write(KDAMOND "state", "on"));
	ASSERT_EQ(0, ms_pin_to_cpu(0));
	/* 3000 distinct pages in a few writes: at most one check between. */
	for (i = 0; i < 3000; ) {
		for (len = 0; len < 60 * 1024 && i < 3000; i++)
			len += snprintf(lines + len, 64 * 1024 - len,
					"pid=%d vaddr=0x%lx op=load\n", child,
					(unsigned long)area + (i % AREA_PAGES) * page_size);
		ASSERT_EQ(0, ms_write_bytes(MS_INJECT, lines, len));
	}
	EXPECT_EQ(3000, ms_vmstat(VM_DAMON_SAMPLES) - samples);
	EXPECT_LE(3000 - 2 * 1024, ms_vmstat(VM_DAMON_DROPPED) - dropped);
	free(lines);
	reap(child);
	munmap(area, AREA_PAGES * page_size);
}

/*
 * paddr-sampled with exact samples of a transparent huge page (2 MiB of
 * contiguous physical memory) in the 32 MiB around it: found.
 */
TEST_F(damon_sets, paddr_exact)
{
	struct feed feed = { .paddr = true };
	unsigned long long pa;
	struct damon_verdict v;
	char *raw, *thp;
	double took;
	int i;

	thp = alloc_thp_on_node(0, &raw);
	if (!thp)
		SKIP(return, "no transparent huge page on node 0");
	pa = ms_paddr_of(thp);
	ASSERT_NE(0, pa);
	feed.pid = getpid();
	feed.hot = thp;
	for (i = 0; i < HOT_PAGES; i++)
		feed.pa[i] = pa + (i % (HPAGE_SIZE / page_size)) * page_size;
	ASSERT_EQ(0, damon_setup("paddr-sampled", 0, pa - 15 * HPAGE_SIZE,
				 pa + 16 * HPAGE_SIZE,
				 SAMPLE_US, AGGR_US));
	ASSERT_EQ(0, ms_write(KDAMOND "state", "on"));
	took = wait_found(pa, pa + HPAGE_SIZE, 30, feed_hot, &feed, &v);
	ksft_print_msg(FOUND_REPORT, "paddr-sampled, test provider", took,
		       100.0 * v.covered / HPAGE_SIZE, v.cold >> 10);
	EXPECT_LE(0, took);
	munmap(raw, 2 * HPAGE_SIZE);
}

/*
 * vaddr-sampled from SPE: a child that works on its hot pages only is
 * found from the samples the hardware (the QEMU model) takes.
 */
TEST_F_TIMEOUT(damon_sets, vaddr_spe, 120)
{
	const char *why = numa_sampling_use_hardware();
	unsigned long hot;
	struct damon_verdict v;
	double took;
	pid_t child;
	char *area;

	if (why)
		SKIP(return, "%s", why);
	area = spawn_area(&child, true);
	ASSERT_NE(NULL, area);
	hot = (unsigned long)area + HOT_FIRST * page_size;
	ASSERT_EQ(0, damon_setup("vaddr-sampled", child, (unsigned long)area,
				 (unsigned long)area + AREA_PAGES * page_size,
				 SAMPLE_US, AGGR_US));
	ASSERT_EQ(0, ms_write(KDAMOND "state", "on"));
	took = wait_found(hot, hot + HOT_PAGES * page_size, 60, NULL, NULL, &v);
	ksft_print_msg(FOUND_REPORT, "vaddr-sampled, SPE", took,
		       100.0 * v.covered / (HOT_PAGES * page_size),
		       v.cold >> 10);
	EXPECT_LE(0, took);
	reap(child);
	munmap(area, AREA_PAGES * page_size);
}

/* A node with memory and no CPU (the tiered machine's slow node), or -1. */
static int cpuless_node(void)
{
	int node;

	for (node = 1; node < 8; node++) {
		char path[96], cpus[64] = "";

		snprintf(path, sizeof(path),
			 "/sys/devices/system/node/node%d/cpulist", node);
		if (ms_read(path, cpus, sizeof(cpus)) < 0)
			continue;
		if (cpus[0] == '\n' || !cpus[0])
			return node;
	}
	return -1;
}

/*
 * On the tiered machine, a migrate_hot scheme on paddr-sampled promotes a
 * hot transparent huge page from the slow node to node 0 from exact
 * samples of it; the cold pages, in regions of their own, stay.
 */
TEST_F_TIMEOUT(damon_sets, migrate_hot, 120)
{
	struct feed feed = { .paddr = true };
	unsigned long long pa, lo, hi;
	int slow = cpuless_node(), i, cold_left;
	const int nr_cold = 1024;
	unsigned long long applied;
	char *raw, *thp, *cold;
	double start;

	if (slow < 0)
		SKIP(return, "no CPU-less node (make test TOPOLOGY=tiered)");
	thp = alloc_thp_on_node(slow, &raw);
	if (!thp)
		SKIP(return, "no transparent huge page on node %d", slow);
	cold = alloc_on_node(nr_cold, slow);
	ASSERT_NE(NULL, cold);
	ASSERT_EQ(nr_cold, ms_pages_on_node(cold, nr_cold, slow));
	pa = ms_paddr_of(thp);
	ASSERT_NE(0, pa);
	lo = pa;
	hi = pa + HPAGE_SIZE;
	for (i = 0; i < nr_cold; i++) {
		unsigned long long p = ms_paddr_of(cold + i * page_size);

		ASSERT_NE(0, p);
		lo = p < lo ? p : lo;
		hi = p + page_size > hi ? p + page_size : hi;
	}
	ksft_print_msg("migrate_hot: THP at 0x%llx, cold pages in 0x%llx-0x%llx\n",
		       pa, lo, hi);
	feed.pid = getpid();
	feed.hot = thp;
	for (i = 0; i < HOT_PAGES; i++)
		feed.pa[i] = pa + (i % (HPAGE_SIZE / page_size)) * page_size;
	/*
	 * One region per 2 MiB from the start, as the THP is: a paddr
	 * target given as one region is split only as aggregations pass, and
	 * the first ones would promote all of it.
	 */
	lo &= ~(HPAGE_SIZE - 1);
	hi = (hi + HPAGE_SIZE - 1) & ~(HPAGE_SIZE - 1);
	ASSERT_GE(1000, (hi - lo) / HPAGE_SIZE);
	ASSERT_EQ(0, damon_setup("paddr-sampled", 0, lo, hi,
				 SAMPLE_US, AGGR_US));
	ASSERT_EQ(0, damon_split_target(lo, hi, (hi - lo) / HPAGE_SIZE,
					HPAGE_SIZE));
	ASSERT_EQ(0, add_scheme("migrate_hot", 1));
	ASSERT_EQ(0, damon_write_long(DAMON_SCHEME, "target_nid", 0));
	ASSERT_EQ(0, ms_write(KDAMOND "state", "on"));
	start = ms_now();
	while (ms_node_of(0, thp) != 0 && ms_now() - start < 60)
		feed_hot(&feed);
	ksft_print_msg("migrate_hot: THP on node %d after %.2f s\n",
		       ms_node_of(0, thp), ms_now() - start);
	EXPECT_EQ(0, ms_node_of(0, thp));
	applied = scheme_stat("sz_applied");
	EXPECT_LE(HPAGE_SIZE, applied);
	ASSERT_EQ(0, ms_write(KDAMOND "state", "off"));
	cold_left = ms_pages_on_node(cold, nr_cold, slow);
	ksft_print_msg("migrate_hot: %d of %d cold pages left on node %d, %llu bytes applied\n",
		       cold_left, nr_cold, slow, applied);
	EXPECT_EQ(nr_cold, cold_left);
	munmap(raw, 2 * HPAGE_SIZE);
	munmap(cold, nr_cold * page_size);
}

TEST_HARNESS_MAIN
