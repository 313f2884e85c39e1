// SPDX-License-Identifier: GPL-2.0
/*
 * NUMA balancing from access samples with a region order above 0
 * (kernel.numa_balancing_mem_sampling_region_order): one sample of a
 * misplaced page moves the misplaced private pages of its aligned block,
 * but not a page still shared copy-on-write, nor a neighbour last
 * accessed from the other node; when the whole block moves, the block
 * twice as large, and so on up to 2 MiB within the VMA, unless the
 * sampled page was last accessed from the other node.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/mempolicy.h>

#include "../kselftest_harness.h"
#include "numa_sampling_util.h"

/* Is page @i of the block at @start on node @want?  Says so if not. */
static bool block_page_on(char *start, long i, int want)
{
	int got = ms_node_of(0, start + i * page_size);

	if (got == want)
		return true;
	ksft_print_msg("page %ld of the block on node %d, expected %d\n",
		       i, got, want);
	return false;
}

/*
 * Region order 4: one sample of a misplaced page takes the misplaced
 * private pages of its aligned 16-page block (64 KiB) along.  A page of
 * the block still shared copy-on-write with a child stays, and so do the
 * pages outside the block; the sampled page is the only one
 * task_numa_fault() hears of (samples used: 1).
 */
TEST_F(numa_sampling, migrate_around)
{
	const int nr = 48, shared = 5, sampled = 9;
	int to_child[2], to_parent[2], status, i;
	long block = 16 * page_size;
	struct ms_counters before;
	char *buf, *start;
	pid_t child;
	char c = 0;

	buf = alloc_on_node(nr, 1);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, pipe(to_child));
	ASSERT_EQ(0, pipe(to_parent));
	start = (char *)(((unsigned long)buf + block - 1) & ~(block - 1));
	child = fork();
	ASSERT_GE(child, 0);
	if (child == 0) {
		/* Copy every page but one: ours are private again after. */
		for (i = 0; i < nr; i++)
			if (buf + (long)i * page_size != start + shared * page_size)
				buf[(long)i * page_size] = 1;
		if (write(to_parent[1], &c, 1) != 1)
			_exit(2);
		_exit(read(to_child[0], &c, 1) == 1 ? 0 : 2);
	}
	ASSERT_EQ(1, read(to_parent[0], &c, 1));
	/* The fork started this process's wait for its first pass again. */
	ASSERT_EQ(0, ms_wait_numa_first_pass());
	ASSERT_EQ(0, ms_write(MS_REGION_SYSCTL, "4"));
	ASSERT_EQ(0, ms_counters_read(&before));
	EXPECT_EQ(0, inject_access(0, start + sampled * page_size + 8, true));
	for (i = 0; i < nr; i++) {
		char *page = buf + (long)i * page_size;
		bool in_block = page >= start && page < start + block;
		int want = in_block && page != start + shared * page_size ? 0 : 1;

		EXPECT_TRUE(block_page_on(start, (page - start) / page_size,
					  want));
	}
	EXPECT_TRUE(ms_counters_moved_exactly(&before, VM_SAMPLES, 1LL,
					      VM_QUEUED, 1LL, VM_USED, 1LL,
					      VM_MIGRATED, 15LL,
					      VM_AROUND, 14LL, -1));
	EXPECT_EQ(1, write(to_child[1], &c, 1));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	munmap(buf, nr * page_size);
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
TEST_F(numa_sampling, around_last_access)
{
	const int nr = 32, sampled = 9, theirs[] = { 2, 3 };
	long block = 16 * page_size;
	struct ms_counters before;
	char *buf, *start;
	int i;

	buf = alloc_on_node(nr, 1);
	ASSERT_NE(NULL, buf);
	start = (char *)(((unsigned long)buf + block - 1) & ~(block - 1));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, ms_move_to_node(start + theirs[i] * page_size, 1, 0));
	ms_lru_drain(buf, nr * page_size);
	ASSERT_EQ(0, ms_counters_read(&before));
	ASSERT_EQ(0, ms_pin_to_cpu(1));
	ASSERT_EQ(1, ms_this_node());
	for (i = 0; i < 2; i++)
		EXPECT_EQ(0, inject_access(0, start + theirs[i] * page_size + 8,
					   true));
	ASSERT_EQ(0, ms_pin_to_cpu(0));
	ASSERT_EQ(0, ms_this_node());
	EXPECT_EQ(16, ms_pages_on_node(start, 16, 1));
	ASSERT_EQ(0, ms_write(MS_REGION_SYSCTL, "4"));
	EXPECT_EQ(0, inject_access(0, start + sampled * page_size + 8, true));
	for (i = 0; i < 16; i++)
		EXPECT_TRUE(block_page_on(start, i,
					  i == theirs[0] || i == theirs[1]));
	EXPECT_EQ(nr - 14, ms_pages_on_node(buf, nr, 1));
	EXPECT_TRUE(ms_counters_moved_exactly(&before, VM_SAMPLES, 3LL,
					      VM_QUEUED, 3LL, VM_USED, 3LL,
					      VM_MIGRATED, 16LL,
					      VM_AROUND, 13LL, -1));
	munmap(buf, nr * page_size);
}

/*
 * A 2 MiB-aligned mapping of 2 MiB of small pages, all on node 1, at
 * *@buf; the whole mapping (for munmap) at the return value, or NULL.
 */
static char *pmd_of_small_pages(char **buf)
{
	char *raw = mmap(NULL, 2 * HPAGE_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (raw == MAP_FAILED)
		return NULL;
	*buf = (char *)(((unsigned long)raw + HPAGE_SIZE - 1) & ~(HPAGE_SIZE - 1));
	if (madvise(*buf, HPAGE_SIZE, MADV_NOHUGEPAGE) ||
	    set_task_policy(MPOL_BIND, 1)) {
		munmap(raw, 2 * HPAGE_SIZE);
		return NULL;
	}
	memset(*buf, 3, HPAGE_SIZE);
	set_task_policy(MPOL_DEFAULT, 0);
	ms_lru_drain(*buf, HPAGE_SIZE);
	return raw;
}

/*
 * Growth: 512 small pages on node 1, split into three VMAs by binding
 * page 40 to node 1.  One sample of page 9 with region order 4: its block
 * [0, 16) goes whole, so [16, 32), then [32, 40) (the rest of the 64-page
 * block, clipped to the VMA), and nothing beyond the VMA.  One sample of
 * page 100: everything from 41 to 511, up to the PMD's worth.  Page 40
 * stays.
 */
TEST_F(numa_sampling, around_grows)
{
	const int nr = HPAGE_SIZE / page_size, bound = 40;
	unsigned long mask = 1UL << 1;
	struct ms_counters before;
	char *raw, *buf;
	int i;

	raw = pmd_of_small_pages(&buf);
	ASSERT_NE(NULL, raw);
	ASSERT_EQ(0, syscall(__NR_mbind, buf + bound * page_size, page_size,
			     MPOL_BIND, &mask, sizeof(mask) * 8, 0));
	ASSERT_EQ(nr, ms_pages_on_node(buf, nr, 1));
	ASSERT_EQ(0, ms_write(MS_REGION_SYSCTL, "4"));
	ASSERT_EQ(0, ms_counters_read(&before));
	EXPECT_EQ(0, inject_access(0, buf + 9 * page_size + 8, true));
	EXPECT_EQ(bound, ms_pages_on_node(buf, bound, 0));
	EXPECT_EQ(nr - bound, ms_pages_on_node(buf + bound * page_size,
					       nr - bound, 1));
	EXPECT_EQ(0, inject_access(0, buf + 100 * page_size + 8, true));
	for (i = 0; i < nr; i++)
		EXPECT_TRUE(block_page_on(buf, i, i == bound));
	EXPECT_TRUE(ms_counters_moved_exactly(&before, VM_SAMPLES, 2LL,
					      VM_QUEUED, 2LL, VM_USED, 2LL,
					      VM_MIGRATED, nr - 1LL,
					      VM_AROUND, nr - 3LL, -1));
	munmap(raw, 2 * HPAGE_SIZE);
}

/*
 * No growth on a page last accessed from the other node: the sampled
 * page moves on the exemption should_numa_migrate_memory() gives a young
 * task's own pages, its 16-page block with it, and nothing more.  Of 512
 * pages on node 1, page 9 is moved to node 0 and sampled from node 1,
 * which brings it back and records the access there; then sampled from
 * node 0.
 */
TEST_F(numa_sampling, around_no_growth_after_other_node)
{
	const int nr = HPAGE_SIZE / page_size, sampled = 9;
	char *raw, *buf, *page;
	struct ms_counters before;
	long long seq;

	raw = pmd_of_small_pages(&buf);
	ASSERT_NE(NULL, raw);
	page = buf + sampled * page_size;
	ASSERT_EQ(0, ms_move_to_node(page, 1, 0));
	ms_lru_drain(buf, HPAGE_SIZE);
	ASSERT_EQ(nr - 1, ms_pages_on_node(buf, nr, 1));
	ASSERT_EQ(0, ms_write(MS_REGION_SYSCTL, "4"));
	seq = ms_numa_scan_seq();
	if (seq > 4)
		SKIP(goto out, "numa_scan_seq %lld: past the exemption", seq);
	ASSERT_EQ(0, ms_counters_read(&before));
	ASSERT_EQ(0, ms_pin_to_cpu(1));
	ASSERT_EQ(1, ms_this_node());
	EXPECT_EQ(0, inject_access(0, page + 8, true));
	/*
	 * Back on node 1, the page can be isolated again only once it is on
	 * an LRU list: drain this CPU's batch.
	 */
	ms_lru_drain(buf, HPAGE_SIZE);
	ASSERT_EQ(0, ms_pin_to_cpu(0));
	EXPECT_EQ(nr, ms_pages_on_node(buf, nr, 1));
	EXPECT_EQ(0, inject_access(0, page + 8, true));
	EXPECT_EQ(16, ms_pages_on_node(buf, 16, 0));
	EXPECT_EQ(nr - 16, ms_pages_on_node(buf + 16 * page_size, nr - 16, 1));
	EXPECT_TRUE(ms_counters_moved_exactly(&before, VM_SAMPLES, 2LL,
					      VM_QUEUED, 2LL, VM_USED, 2LL,
					      VM_MIGRATED, 17LL,
					      VM_AROUND, 15LL, -1));
out:
	munmap(raw, 2 * HPAGE_SIZE);
}

TEST_HARNESS_MAIN
