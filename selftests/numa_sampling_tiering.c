// SPDX-License-Identifier: GPL-2.0
/*
 * Memory tiering from access samples (kernel.numa_balancing=2 with
 * kernel.numa_balancing_mem_sampling=1), on a machine whose firmware puts
 * a CPU-less node in a lower memory tier (make test TOPOLOGY=tiered):
 * a slow-tier page is promoted when it (or with region_order, its block)
 * is sampled twice within the hot threshold, and no other, the block's
 * pages with it; a THP is promoted whole; upstream's promotion
 * rate limit holds; a top tier below its high watermark refuses and, once
 * demotion is on, kswapd makes room and promotion goes on; a page moved
 * back down soon after its promotion counts as ping-pong.  Fed by the
 * test provider, so the counts are exact; no hint fault is taken.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <sys/mman.h>
#include <linux/mempolicy.h>

#include "../kselftest_harness.h"
#include "numa_sampling_util.h"

#define TIERS_DIR	"/sys/devices/virtual/memory_tiering/"
#define RATE_LIMIT	"/proc/sys/kernel/numa_balancing_promote_rate_limit_MBps"
#define HOT_THRESHOLD	NUMAB_DEBUGFS "hot_threshold_ms"
#define DEMOTION	"/sys/kernel/mm/numa/demotion_enabled"
#define STAT_REFRESH	"/proc/sys/vm/stat_refresh"
/* What the rate limit, watermark and SPE tests measured, for the log. */
#define WATERMARK_REPORT \
	"with demotion: %d/%d promoted, %lld pages demoted by kswapd, %lld refusals for memory\n"
#define RATE_REPORT \
	"rate limit 1 MB/s: %lld promoted, %lld refused (%lld candidates) in %.2f s\n"
#define SPE_REPORT \
	"SPE tiering: %d/%d pages promoted in %.2f s; promoted +%lld, first samples +%lld, refused +%lld, hint faults +%lld\n"
/* Lines per write to the inject file: well inside a task's sample queue. */
#define INJECT_BATCH	64

/* Is @node in the node list @list ("0-1,3")? */
static bool nodelist_has(const char *list, int node)
{
	const char *p = list;

	while (*p) {
		char *end;
		long lo = strtol(p, &end, 10), hi = lo;

		if (end == p)
			return false;
		if (*end == '-')
			hi = strtol(end + 1, &end, 10);
		if (node >= lo && node <= hi)
			return true;
		p = *end == ',' ? end + 1 : end;
		if (*p == '\n')
			break;
	}
	return false;
}

/* The memory tier of @node (its memory_tierN), or -1. */
static int tier_of(int node)
{
	struct dirent *d;
	int tier = -1;
	DIR *dir;

	dir = opendir(TIERS_DIR);
	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		char path[300], list[64];
		int id;

		if (sscanf(d->d_name, "memory_tier%d", &id) != 1)
			continue;
		snprintf(path, sizeof(path), TIERS_DIR "%s/nodelist", d->d_name);
		if (ms_read(path, list, sizeof(list)) >= 0 &&
		    nodelist_has(list, node))
			tier = id;
	}
	closedir(dir);
	return tier;
}

/* A node in a lower tier than node 0's (a larger tier number), or -1. */
static int slow_node(void)
{
	int top = tier_of(0), node;

	for (node = 1; top >= 0 && node < 8; node++)
		if (tier_of(node) > top)
			return node;
	return -1;
}

/* A node counter of /proc/vmstat, folded first so that it is exact. */
static long long node_stat(const char *name)
{
	ms_write(STAT_REFRESH, "1");
	return ms_vmstat(name);
}

/* One load sample with its physical address for each of @nr pages. */
static int inject_pages(char *buf, int nr)
{
	char lines[INJECT_BATCH * 64];
	int i = 0;

	while (i < nr) {
		int len = 0, n, err;

		for (n = 0; n < INJECT_BATCH && i < nr; n++, i++) {
			char *page = buf + (long)i * page_size;

			len += snprintf(lines + len, sizeof(lines) - len,
					"vaddr=0x%lx paddr=0x%llx op=load\n",
					(unsigned long)page, ms_paddr_of(page));
		}
		err = ms_write_bytes(MS_INJECT, lines, len);
		if (err)
			return err;
	}
	return 0;
}

FIXTURE(tiering) {
	struct ms_settings saved;
	struct ms_settings saved_tiering;
	int slow;
};

FIXTURE_SETUP(tiering)
{
	static const char * const settings[] = {
		RATE_LIMIT, HOT_THRESHOLD, DEMOTION, NULL,
	};
	const char *why = numa_sampling_unavailable();

	if (why)
		SKIP(return, "%s", why);
	self->slow = slow_node();
	if (self->slow < 0)
		SKIP(return,
		     "no node in a lower memory tier than node 0 (make test TOPOLOGY=tiered)");
	ASSERT_EQ(0, numa_sampling_prepare(&self->saved));
	ASSERT_EQ(0, ms_settings_save(&self->saved_tiering, settings));
	/*
	 * Tiering only; a minute of hot threshold, so that the emulator's
	 * speed cannot make a test page cold between its two samples.
	 */
	ASSERT_EQ(0, ms_write(NUMAB_SYSCTL, "2"));
	ASSERT_EQ(0, ms_write(HOT_THRESHOLD, "60000"));
	ASSERT_EQ(0, ms_write(RATE_LIMIT, "65536"));
	ASSERT_EQ(0, ms_write(DEMOTION, "0"));
}

FIXTURE_TEARDOWN_PARENT(tiering)
{
	EXPECT_EQ(0, ms_settings_restore(&self->saved_tiering));
	EXPECT_EQ(0, ms_settings_restore(&self->saved));
}

/*
 * Eight pages on the slow node: the first sample of pages 0-3 starts
 * their clock, the second promotes them; pages 4-7, sampled once, stay.
 */
TEST_F(tiering, promote_exact)
{
	long long success = node_stat("pgpromote_success");
	struct ms_counters before;
	char *buf;
	int i;

	buf = alloc_on_node(8, self->slow);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, ms_counters_read(&before));
	ASSERT_EQ(0, inject_pages(buf, 8));
	EXPECT_EQ(8, ms_pages_on_node(buf, 8, self->slow));
	EXPECT_TRUE(ms_counters_moved_exactly(&before, VM_SAMPLES, 8LL,
					      VM_QUEUED, 8LL, VM_USED, 8LL,
					      VM_PROMOTE_FIRST, 8LL, -1));
	ASSERT_EQ(0, ms_counters_read(&before));
	ASSERT_EQ(0, inject_pages(buf, 4));
	for (i = 0; i < 8; i++)
		EXPECT_EQ(i < 4 ? 0 : self->slow, ms_node_of(0, buf + i * page_size))
			TH_LOG("page %d", i);
	EXPECT_TRUE(ms_counters_moved_exactly(&before, VM_SAMPLES, 4LL,
					      VM_QUEUED, 4LL, VM_USED, 4LL,
					      VM_MIGRATED, 4LL,
					      VM_PROMOTED, 4LL, -1));
	EXPECT_EQ(4, node_stat("pgpromote_success") - success);
	/* On the top tier now: further samples are not about promotion. */
	ASSERT_EQ(0, ms_counters_read(&before));
	ASSERT_EQ(0, inject_pages(buf, 1));
	EXPECT_TRUE(ms_counters_moved_exactly(&before, VM_SAMPLES, 1LL,
					      VM_QUEUED, 1LL,
					      VM_SKIP_FOLIO, 1LL, -1));
	munmap(buf, 8 * page_size);
}

/*
 * kernel.numa_balancing=3 (tiering and NUMA placement): slow-tier pages
 * are promoted the same way, and a sample of top-tier memory local to the
 * task is placement's business (local, nothing moves).
 */
TEST_F(tiering, promote_mode3)
{
	struct ms_counters before;
	char *buf, *top;

	ASSERT_EQ(0, ms_write(NUMAB_SYSCTL, "3"));
	buf = alloc_on_node(2, self->slow);
	top = alloc_on_node(1, 0);
	ASSERT_NE(NULL, buf);
	ASSERT_NE(NULL, top);
	ASSERT_EQ(0, ms_counters_read(&before));
	ASSERT_EQ(0, inject_pages(buf, 2));
	ASSERT_EQ(0, inject_pages(buf, 2));
	ASSERT_EQ(0, inject_pages(top, 1));
	EXPECT_EQ(2, ms_pages_on_node(buf, 2, 0));
	EXPECT_EQ(0, ms_node_of(0, top));
	EXPECT_TRUE(ms_counters_moved_exactly(&before, VM_SAMPLES, 5LL,
					      VM_QUEUED, 5LL, VM_USED, 5LL,
					      VM_LOCAL, 1LL,
					      VM_PROMOTE_FIRST, 2LL,
					      VM_MIGRATED, 2LL,
					      VM_PROMOTED, 2LL, -1));
	munmap(buf, 2 * page_size);
	munmap(top, page_size);
}

/*
 * With kernel.numa_balancing_mem_sampling_region_order=4 a sample is hot
 * when its 64 KiB block was sampled within the threshold, and the block's
 * slow-tier pages go up with it: a sample of page 0 starts the block's
 * clock, a sample of page 5 promotes all 16 pages; a first sample of the
 * next block promotes nothing.
 */
TEST_F(tiering, promote_block)
{
	struct ms_counters before;
	char *raw, *buf;

	raw = mmap(NULL, 48 * page_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, raw);
	buf = (char *)(((unsigned long)raw + 16 * page_size - 1) &
		       ~(16 * page_size - 1));
	ASSERT_EQ(0, madvise(buf, 32 * page_size, MADV_NOHUGEPAGE));
	ASSERT_EQ(0, set_task_policy(MPOL_BIND, self->slow));
	memset(buf, 1, 32 * page_size);
	ASSERT_EQ(0, set_task_policy(MPOL_DEFAULT, 0));
	ASSERT_EQ(32, ms_pages_on_node(buf, 32, self->slow));
	ASSERT_EQ(0, ms_write(MS_REGION_SYSCTL, "4"));

	ASSERT_EQ(0, ms_counters_read(&before));
	ASSERT_EQ(0, inject_pages(buf, 1));
	ASSERT_EQ(0, inject_pages(buf + 5 * page_size, 1));
	EXPECT_EQ(16, ms_pages_on_node(buf, 16, 0));
	EXPECT_TRUE(ms_counters_moved_exactly(&before, VM_SAMPLES, 2LL,
					      VM_QUEUED, 2LL, VM_USED, 2LL,
					      VM_PROMOTE_FIRST, 1LL,
					      VM_MIGRATED, 16LL, VM_AROUND, 15LL,
					      VM_PROMOTED, 16LL, -1));

	/* The next block: its first sample starts its clock, no more. */
	ASSERT_EQ(0, ms_counters_read(&before));
	ASSERT_EQ(0, inject_pages(buf + 20 * page_size, 1));
	EXPECT_EQ(16, ms_pages_on_node(buf + 16 * page_size, 16, self->slow));
	EXPECT_TRUE(ms_counters_moved_exactly(&before, VM_SAMPLES, 1LL,
					      VM_QUEUED, 1LL, VM_USED, 1LL,
					      VM_PROMOTE_FIRST, 1LL, -1));
	munmap(raw, 48 * page_size);
}

/* A THP on the slow node is promoted whole on its second sample. */
TEST_F(tiering, promote_thp)
{
	int nr = HPAGE_SIZE / page_size;
	struct ms_counters before;
	char *raw, *buf;

	buf = alloc_thp_on_node(self->slow, &raw);
	if (!buf)
		SKIP(return, "no huge page on the slow node to start with");
	ASSERT_EQ(0, ms_counters_read(&before));
	ASSERT_EQ(0, inject_pages(buf + 5 * page_size, 1));
	ASSERT_EQ(0, inject_pages(buf + 9 * page_size, 1));
	EXPECT_EQ(nr, ms_pages_on_node(buf, nr, 0));
	EXPECT_TRUE(ms_counters_moved_exactly(&before, VM_SAMPLES, 2LL,
					      VM_QUEUED, 2LL, VM_USED, 2LL,
					      VM_PROMOTE_FIRST, 1LL,
					      VM_MIGRATED, (long long)nr,
					      VM_THP, 1LL,
					      VM_PROMOTED, (long long)nr, -1));
	munmap(raw, 2 * HPAGE_SIZE);
}

/* Free pages, min and high watermarks of node 0's zones, summed. */
static int node0_watermarks(long long *free, long long *min, long long *high)
{
	char key[64], line[256];
	bool in_node0 = false;
	long long v;
	FILE *f;

	*free = *min = *high = 0;
	ms_write(STAT_REFRESH, "1");
	f = fopen("/proc/zoneinfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		int node;

		if (sscanf(line, "Node %d, zone", &node) == 1)
			in_node0 = node == 0;
		else if (!in_node0)
			continue;
		else if (sscanf(line, " pages free %lld", &v) == 1)
			*free += v;
		else if (sscanf(line, " %63s %lld", key, &v) != 2)
			continue;
		else if (!strcmp(key, "min"))
			*min += v;
		else if (!strcmp(key, "high"))
			*high += v;
	}
	fclose(f);
	return 0;
}

/*
 * kernel.numa_balancing_promote_rate_limit_MBps=1 lets 256 pages a
 * second be promotion candidates.  2048 hot pages sampled as fast as the
 * machine goes: promotions stay within 256 per started second, the rest
 * are refused, and a second later promotion goes on.
 */
TEST_F_TIMEOUT(tiering, rate_limit, 120)
{
	long long promoted, refused, limit, free, min, high, candidates;
	struct ms_counters before;
	int nr = 2048;
	double start;
	char *buf;

	ASSERT_EQ(0, node0_watermarks(&free, &min, &high));
	if (free > (1LL << 30) / page_size)
		SKIP(return,
		     "more than 1 GiB free on the top tier: upstream promotes without a rate limit");
	buf = alloc_on_node(nr, self->slow);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, inject_pages(buf, nr));
	ASSERT_EQ(0, ms_write(RATE_LIMIT, "1"));
	/* A window of the limit of its own: earlier tests' are a second old. */
	ms_sleep_ms(1100);
	ASSERT_EQ(0, ms_counters_read(&before));
	candidates = node_stat("pgpromote_candidate");
	start = ms_now();
	ASSERT_EQ(0, inject_pages(buf, nr));
	limit = 256 * ((long long)(ms_now() - start) + 2);
	promoted = ms_counters_delta(&before, VM_PROMOTED);
	refused = ms_counters_delta(&before, VM_PROMOTE_REFUSED);
	candidates = node_stat("pgpromote_candidate") - candidates;
	ksft_print_msg(RATE_REPORT,
		       promoted, refused, candidates, ms_now() - start);
	EXPECT_LT(0, promoted);
	EXPECT_GE(limit, promoted);
	EXPECT_EQ(nr, promoted + refused);
	EXPECT_EQ(promoted, nr - ms_pages_on_node(buf, nr, self->slow));
	ms_sleep_ms(1100);
	ASSERT_EQ(0, ms_counters_read(&before));
	ASSERT_EQ(0, inject_pages(buf, nr));
	EXPECT_LT(0, ms_counters_delta(&before, VM_PROMOTED))
		TH_LOG("no promotion a second after the limit was reached");
	munmap(buf, nr * page_size);
}

/*
 * Fill node 0 with anonymous memory until it is below its high watermark
 * and above its minimum: with no swap and demotion off nothing can free
 * it.  Returns the memory (and its size in @len), or NULL.
 */
static char *fill_node0(size_t *len)
{
	long long free, min, high;
	size_t size, done = 0;
	char *buf;

	if (node0_watermarks(&free, &min, &high) || high <= min)
		return NULL;
	size = (free + 1024) * page_size;
	buf = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (buf == MAP_FAILED || set_task_policy(MPOL_BIND, 0))
		return NULL;
	while (done < size) {
		long long step;

		node0_watermarks(&free, &min, &high);
		if (free < min + 64)
			break;
		if (free < high - 16) {
			/* Per-CPU lists and kswapd may give a little back. */
			ms_sleep_ms(200);
			node0_watermarks(&free, &min, &high);
			if (free < high - 16)
				break;
			continue;
		}
		/* Big steps while far, a few pages near the mark. */
		step = free - high > 1024 ? (free - high) / 2 : 16;
		memset(buf + done, 1, step * page_size);
		done += step * page_size;
	}
	set_task_policy(MPOL_DEFAULT, 0);
	node0_watermarks(&free, &min, &high);
	ksft_print_msg("node 0: %lld pages free, min %lld, high %lld, %zu MiB filled\n",
		       free, min, high, done >> 20);
	*len = size;
	if (free >= high || free <= min) {
		munmap(buf, size);
		return NULL;
	}
	return buf;
}

/*
 * Seed 001's failure: the top tier sits between its watermarks (above low,
 * so allocations do not wake kswapd; below high, so migration refuses to
 * promote), and promotion fails for as long as that lasts.  Upstream
 * wakes kswapd on the refusal, which in tiering mode demotes cold
 * top-tier memory to the slow tier until the promotion watermark is met:
 * the hot pages are refused first (numa_sampling_promote_lowmem), then
 * promoted.  How much kswapd demoted is logged, not checked: pages freed
 * elsewhere on node 0 meanwhile make room as well.
 *
 * Not tested, because it would last the rest of the boot: with demotion
 * off, kswapd woken by refusals reclaims nothing, and after 16 such runs
 * (MAX_RECLAIM_RETRIES) it gives node 0 up; turning demotion on does not
 * wake it again, and promotion stays refused until a direct reclaim on
 * node 0 succeeds (Documentation/mm/numa-sampling.rst).
 */
TEST_F_TIMEOUT(tiering, top_tier_watermark, 180)
{
	long long demoted = node_stat("pgdemote_kswapd");
	struct ms_counters before;
	char *buf, *fill;
	double deadline;
	size_t len;
	int nr = 16;

	ASSERT_EQ(0, ms_write(DEMOTION, "1"));
	buf = alloc_on_node(nr, self->slow);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, inject_pages(buf, nr));
	fill = fill_node0(&len);
	if (!fill)
		SKIP(return, "could not bring node 0 between its watermarks");
	ASSERT_EQ(0, ms_counters_read(&before));
	deadline = ms_now() + 60;
	while (ms_pages_on_node(buf, nr, 0) < nr && ms_now() < deadline) {
		ASSERT_EQ(0, inject_pages(buf, nr));
		ms_sleep_ms(100);
	}
	ksft_print_msg(WATERMARK_REPORT, ms_pages_on_node(buf, nr, 0), nr,
		       node_stat("pgdemote_kswapd") - demoted,
		       ms_counters_delta(&before, VM_PROMOTE_LOWMEM));
	EXPECT_EQ(nr, ms_pages_on_node(buf, nr, 0));
	EXPECT_LE(1, ms_counters_delta(&before, VM_PROMOTE_LOWMEM));
	munmap(fill, len);
	munmap(buf, nr * page_size);
}

/*
 * Pages promoted by samples and moved back down at once are ping-pong;
 * pages moved down that were never promoted are not.
 */
TEST_F(tiering, pingpong)
{
	struct ms_counters before;
	char *buf, *top;

	buf = alloc_on_node(4, self->slow);
	top = alloc_on_node(4, 0);
	ASSERT_NE(NULL, buf);
	ASSERT_NE(NULL, top);
	ASSERT_EQ(0, inject_pages(buf, 4));
	ASSERT_EQ(0, inject_pages(buf, 4));
	ASSERT_EQ(4, ms_pages_on_node(buf, 4, 0));
	ASSERT_EQ(0, ms_counters_read(&before));
	ASSERT_EQ(0, ms_move_to_node(top, 4, self->slow));
	EXPECT_TRUE(ms_counters_moved_exactly(&before, -1));
	ASSERT_EQ(0, ms_move_to_node(buf, 4, self->slow));
	EXPECT_TRUE(ms_counters_moved_exactly(&before, VM_PINGPONG, 4LL, -1));
	munmap(buf, 4 * page_size);
	munmap(top, 4 * page_size);
}

/*
 * With the SPE driver as the provider: a program looping over its memory
 * on the slow node gets all of it promoted, without a hint fault.
 */
TEST_F_TIMEOUT(tiering, spe_end_to_end, 300)
{
	const char *why = numa_sampling_use_hardware();
	struct ms_counters before;
	int nr = 64, round = 0, i;
	double start, deadline;
	char *buf;

	if (why)
		SKIP(return, "%s", why);
	buf = alloc_on_node(nr, self->slow);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, ms_counters_read(&before));
	start = ms_now();
	deadline = start + 120;
	while (ms_pages_on_node(buf, nr, 0) < nr && ms_now() < deadline)
		for (round++, i = 0; i < nr * 64; i++)
			buf[(long)(i % nr) * page_size + (round & 63)]++;
	ksft_print_msg(SPE_REPORT, ms_pages_on_node(buf, nr, 0), nr, ms_now() - start,
		       ms_counters_delta(&before, VM_PROMOTED),
		       ms_counters_delta(&before, VM_PROMOTE_FIRST),
		       ms_counters_delta(&before, VM_PROMOTE_REFUSED),
		       ms_counters_delta(&before, VM_HINT_FAULTS));
	EXPECT_EQ(nr, ms_pages_on_node(buf, nr, 0));
	EXPECT_LE(nr, ms_counters_delta(&before, VM_PROMOTED));
	EXPECT_EQ(0, ms_counters_delta(&before, VM_HINT_FAULTS));
	munmap(buf, nr * page_size);
}

TEST_HARNESS_MAIN
