// SPDX-License-Identifier: GPL-2.0
/*
 * Memory going offline under samples.
 *
 * A memory block in ZONE_MOVABLE that holds a test's pages is taken
 * offline: its pages migrate to other frames and its frames leave the
 * kernel (on a DEBUG_VM kernel their struct pages are poisoned, so a
 * later touch is reported).  arm64 never offlines memory that was there
 * at boot (the write fails with EPERM), so the tests need hot-plugged
 * memory, onlined movable, on the node they place their pages on; they
 * skip, saying so, where there is none.  A sample taken before carries the physical
 * address of a frame that is now offline.  The NUMA consumer never turns
 * a sampled physical address into a struct page: it goes from the
 * sample's virtual address through the page table and only compares
 * frame numbers, so such a sample is counted as stale
 * (numa_sampling_skip_paddr) and nothing moves.
 *
 * stale_sample_of_offline_frame checks that exactly, with the test
 * provider; offline_cycles_with_spe takes the blocks of a sampled
 * workload's memory offline and online again and again while the SPE
 * driver samples it and sample mode migrates it: its data must survive,
 * and the kernel must stay silent (make test-debug).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "numa_sampling_util.h"

#define MEMORY_DIR	"/sys/devices/system/memory/"
/* offline_cycles_with_spe: the workload, in pages, and the cycles. */
#define WORK_PAGES	4096
#define CYCLES		8
/* Blocks a test may take offline, to be put back by the teardown. */
#define MAX_OFFLINE	CYCLES

static unsigned long long block_bytes;

/* Memory block of frame @pfn. */
static long block_of(unsigned long long pfn)
{
	return pfn * page_size / block_bytes;
}

static int block_read(long block, const char *file, char *buf, size_t size)
{
	char path[96];

	snprintf(path, sizeof(path), MEMORY_DIR "memory%ld/%s", block, file);
	return ms_read(path, buf, size);
}

static bool block_is(long block, const char *state)
{
	char buf[32];

	return !block_read(block, "state", buf, sizeof(buf)) &&
	       !strcmp(buf, state);
}

/* Online and all in ZONE_MOVABLE, so offlining can empty it. */
static bool block_movable(long block)
{
	char buf[64];

	return block_is(block, "online") &&
	       !block_read(block, "valid_zones", buf, sizeof(buf)) &&
	       !strcmp(buf, "Movable");
}

static int block_set(long block, const char *state)
{
	char path[96];

	snprintf(path, sizeof(path), MEMORY_DIR "memory%ld/state", block);
	return ms_write(path, state);
}

/*
 * Offlining fails with EBUSY while a page of the block is pinned or
 * isolated for a moment (the NUMA consumer migrating it): try again a
 * few times.
 */
static int block_offline(long block)
{
	int err = 0, try;

	for (try = 0; try < 10; try++) {
		err = block_set(block, "offline");
		if (err != -EBUSY && err != -EAGAIN)
			break;
		ms_sleep_ms(100);
	}
	return err;
}

FIXTURE(offline) {
	struct ms_settings saved;
	long offline[MAX_OFFLINE];	/* blocks taken offline, or -1 */
};

FIXTURE_SETUP(offline)
{
	const char *why = numa_sampling_unavailable();
	char buf[32];
	int i;

	if (why)
		SKIP(return, "%s", why);
	if (ms_read(MEMORY_DIR "block_size_bytes", buf, sizeof(buf)))
		SKIP(return, "no %s (CONFIG_MEMORY_HOTREMOVE off?)", MEMORY_DIR);
	block_bytes = strtoull(buf, NULL, 16);
	ASSERT_NE(0, block_bytes);
	for (i = 0; i < MAX_OFFLINE; i++)
		self->offline[i] = -1;
	ASSERT_EQ(0, numa_sampling_prepare(&self->saved));
}

/* In the parent, so that a crashed test still gives its blocks back. */
FIXTURE_TEARDOWN_PARENT(offline)
{
	int i;

	for (i = 0; i < MAX_OFFLINE; i++)
		if (self->offline[i] >= 0 && block_is(self->offline[i], "offline"))
			EXPECT_EQ(0, block_set(self->offline[i], "online_movable"));
	EXPECT_EQ(0, ms_settings_restore(&self->saved));
}

/* Take @block offline, remembered in @slot for the teardown. */
static int take_offline(long *slot, long block)
{
	*slot = block;
	return block_offline(block);
}

/*
 * Samples whose physical address lies in a block taken offline since
 * (their pages moved out of it) are stale: each is counted once and
 * nothing moves.  Once the block is back, the pages are sampled and
 * moved as usual.
 */
TEST_F(offline, stale_sample_of_offline_frame)
{
	unsigned long long old_pa[64];
	struct ms_counters before;
	int i, n = 0, nr = 64, err;
	char *buf;
	long block;

	buf = alloc_on_node(nr, 1);
	ASSERT_NE(NULL, buf);
	block = block_of(ms_pfn_of(buf));
	if (!block_movable(block))
		SKIP(return, "block %ld of node 1's memory is not in ZONE_MOVABLE",
		     block);
	for (i = 0; i < nr; i++) {
		old_pa[i] = ms_paddr_of(buf + i * page_size);
		if (block_of(old_pa[i] / page_size) == block)
			n++;
		else
			old_pa[i] = 0;
	}
	err = take_offline(&self->offline[0], block);
	if (err == -EPERM)
		SKIP(return, "block %ld is boot memory, which arm64 keeps online",
		     block);
	ASSERT_EQ(0, err);
	ASSERT_TRUE(block_is(block, "offline"));

	/* The pages moved out, with their data. */
	for (i = 0; i < nr; i++) {
		if (!old_pa[i])
			continue;
		EXPECT_EQ(0x5a, buf[i * page_size]);
		EXPECT_NE(block, block_of(ms_pfn_of(buf + i * page_size)));
	}

	ASSERT_EQ(0, ms_counters_read(&before));
	for (i = 0; i < nr; i++)
		if (old_pa[i])
			ASSERT_EQ(0, ms_inject("vaddr=0x%lx paddr=0x%llx op=load\n",
					       (unsigned long)(buf + i * page_size),
					       old_pa[i]));
	EXPECT_TRUE(ms_counters_moved_exactly(&before, VM_SAMPLES, (long long)n,
					      VM_QUEUED, (long long)n,
					      VM_SKIP_PADDR, (long long)n, -1));

	ASSERT_EQ(0, block_set(block, "online_movable"));
	ASSERT_TRUE(block_is(block, "online"));
	/* A fresh sample of the first page moves it to the sampler's node. */
	if (ms_node_of(0, buf) == 1) {
		ASSERT_EQ(0, ms_counters_read(&before));
		EXPECT_EQ(0, inject_access(0, buf, true));
		EXPECT_EQ(0, ms_node_of(0, buf));
		EXPECT_EQ(1, ms_counters_delta(&before, VM_MIGRATED));
	}
	munmap(buf, nr * page_size);
}

/*
 * The workload: @nr pages on node 1, worked on from CPU 0 pass after
 * pass; every pass checks each page's first word holds what the last
 * pass wrote.  Sends its buffer's address down @fd; returns 0 once *@stop
 * is set, 2 if a word was wrong.
 */
static int workload(int fd, int nr, const int *stop)
{
	long *buf = (long *)alloc_on_node(nr, 1);
	long words = page_size / sizeof(long);
	long pass, i;

	if (!buf)
		return 1;
	for (i = 0; i < nr; i++)
		buf[i * words] = i;
	if (write(fd, &buf, sizeof(buf)) != sizeof(buf))
		return 1;
	for (pass = 1; !__atomic_load_n(stop, __ATOMIC_RELAXED); pass++) {
		for (i = 0; i < nr; i++) {
			long *page = buf + i * words;

			if (page[0] != (pass - 1) * nr + i)
				return 2;
			page[0] = pass * nr + i;
			page[words / 2]++;
		}
	}
	return 0;
}

/*
 * A movable block holding one of the @nr pages at @addr of process @pid,
 * or -1.  Each block is looked at once.
 */
static long workload_block(pid_t pid, unsigned long addr, int nr, int cycle)
{
	static unsigned long long pfns[WORK_PAGES];
	long seen[64];
	int i, j, nr_seen = 0;

	if (nr > WORK_PAGES || ms_pagemap_of(pid, addr, nr * page_size, pfns))
		return -1;
	/* Start at a different page each cycle, to vary the block. */
	for (i = 0; i < nr; i++) {
		unsigned long long pfn = pfns[(i + cycle * nr / CYCLES) % nr];
		long block;

		if (!pfn)
			continue;
		block = block_of(pfn);
		for (j = 0; j < nr_seen && seen[j] != block; j++)
			;
		if (j < nr_seen)
			continue;
		if (block_movable(block))
			return block;
		if (nr_seen < (int)ARRAY_SIZE(seen))
			seen[nr_seen++] = block;
	}
	return -1;
}

/*
 * A sampled workload's blocks go offline and online again while SPE
 * samples it and sample mode moves its pages to node 0.
 */
TEST_F_TIMEOUT(offline, offline_cycles_with_spe, 300)
{
	int fds[2], status, cycle, done = 0, boot = 0, found = 0;
	struct ms_counters before;
	char provider[64] = "";
	unsigned long addr;
	int *stop;
	pid_t pid;

	ASSERT_EQ(0, ms_write(MS_SYSCTL, "0"));
	ASSERT_EQ(0, ms_write(MS_ACTIVE, "0"));
	ms_read(MS_SYSFS "provider", provider, sizeof(provider));
	if (strcmp(provider, "arm_spe") || ms_write(MS_SYSCTL, "1"))
		SKIP(return, "no SPE provider (%s)", provider[0] ? provider : "none");

	stop = mmap(NULL, sizeof(*stop), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, stop);
	ASSERT_EQ(0, ms_counters_read(&before));
	ASSERT_EQ(0, pipe(fds));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(fds[0]);
		_exit(workload(fds[1], WORK_PAGES, stop));
	}
	close(fds[1]);
	ASSERT_EQ(sizeof(addr), read(fds[0], &addr, sizeof(addr)));

	for (cycle = 0; cycle < CYCLES; cycle++) {
		long block = workload_block(pid, addr, WORK_PAGES, cycle);
		int err;

		ms_sleep_ms(500);
		if (block < 0)
			continue;
		found++;
		err = take_offline(&self->offline[cycle], block);
		boot += err == -EPERM;
		if (err) {
			TH_LOG("cycle %d: block %ld: offline: %s", cycle, block,
			       strerror(-err));
			continue;
		}
		done++;
		ms_sleep_ms(200);
		EXPECT_EQ(0, block_set(block, "online_movable"));
	}
	__atomic_store_n(stop, 1, __ATOMIC_RELAXED);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("workload status %#x (exit 2: its data changed)", status);

	TH_LOG("%d of %d blocks offlined; samples %lld, migrated %lld, stale physical address %lld",
	       done, CYCLES, ms_counters_delta(&before, VM_SAMPLES),
	       ms_counters_delta(&before, VM_MIGRATED),
	       ms_counters_delta(&before, VM_SKIP_PADDR));
	if (!found)
		SKIP(return, "no block of the workload's memory is in ZONE_MOVABLE");
	if (!done && boot == found)
		SKIP(return, "the workload's blocks are boot memory, which arm64 keeps online");
	EXPECT_LE(CYCLES / 2, done);
	EXPECT_LT(0, ms_counters_delta(&before, VM_SAMPLES));
	EXPECT_LT(0, ms_counters_delta(&before, VM_MIGRATED));
}

TEST_HARNESS_MAIN
