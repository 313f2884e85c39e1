// SPDX-License-Identifier: GPL-2.0
/*
 * How often NUMA balancing's sample mode samples: the interval adapts
 * (kernel.numa_balancing_mem_sampling_adapt), faster while samples find
 * misplaced memory and back when it has converged, and sampling rests
 * once converged at the slowest rate.
 */
#define _GNU_SOURCE
#include <sys/mman.h>

#include "../kselftest_harness.h"
#include "numa_sampling_util.h"

#define ADAPT_PAGES	256
#define EFFECTIVE	MS_SYSFS "effective_interval"
#define PAUSED		MS_SYSFS "paused"

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
	err = ms_write(MS_INJECT, text);
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
		if (ms_read_long(path) == want)
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
	ksft_print_msg("effective interval %lld, expected %ld\n",
		       ms_read_long(EFFECTIVE), want);
	return false;
}

/*
 * kernel.numa_balancing_mem_sampling_adapt=2 with interval 4096: sample
 * mode starts at 1024; samples of local memory slow it down one step a
 * period (2048, 4096, 8192) to 16384, samples of remote memory bring it
 * to 1024 at once, and turning the adaptation off restores 4096.  Every
 * change shows in the numa_sampling:numa_sampling_interval event.
 */
TEST_F_TIMEOUT(numa_sampling, adaptive_interval, 120)
{
	long long adapt = ms_read_long(MS_ADAPT_SYSCTL), faster, slower;
	struct ms_counters before;
	char *local, *remote;

	ASSERT_LE(0, adapt);
	EXPECT_EQ(-EINVAL, ms_write(MS_ADAPT_SYSCTL, "9\n"));
	EXPECT_EQ(-EINVAL, ms_write(MS_ADAPT_SYSCTL, "-1\n"));
	EXPECT_EQ(adapt, ms_read_long(MS_ADAPT_SYSCTL));
	local = alloc_on_node(ADAPT_PAGES, 0);
	remote = alloc_on_node(ADAPT_PAGES, 1);
	ASSERT_NE(NULL, local);
	ASSERT_NE(NULL, remote);
	ASSERT_EQ(0, ms_write(MS_ADAPT_SYSCTL, "2"));
	ASSERT_EQ(0, numa_sampling_mode(false));
	ASSERT_EQ(0, ms_write(MS_SYSFS "interval", "4096\n"));
	ASSERT_EQ(0, ms_counters_read(&before));
	EXPECT_EQ(4096, ms_read_long(EFFECTIVE));
	faster = ms_vmstat("numa_sampling_interval_faster");
	slower = ms_vmstat("numa_sampling_interval_slower");
	ASSERT_EQ(0, ms_trace_only(NUMA_INTERVAL_EVENT));
	ASSERT_EQ(0, ms_trace_on(true));
	ASSERT_EQ(0, numa_sampling_mode(true));
	EXPECT_EQ(1024, ms_read_long(EFFECTIVE));
	EXPECT_TRUE(effective_becomes(16384, local, ADAPT_PAGES, 10));
	EXPECT_TRUE(effective_becomes(1024, remote, ADAPT_PAGES, 10));
	EXPECT_EQ(0, ms_write(MS_ADAPT_SYSCTL, "0"));
	EXPECT_EQ(4096, ms_read_long(EFFECTIVE));
	faster = ms_vmstat("numa_sampling_interval_faster") - faster;
	slower = ms_vmstat("numa_sampling_interval_slower") - slower;
	ksft_print_msg("adaptive interval: %lld times faster, %lld times slower\n",
		       faster, slower);
	EXPECT_EQ(2, faster);
	EXPECT_EQ(5, slower);
	ms_trace_on(false);
	EXPECT_EQ(1, ms_trace_count("misplaced=0 shift=2->1 interval=2048"));
	EXPECT_EQ(1, ms_trace_count("misplaced=0 shift=1->0 interval=4096"));
	EXPECT_EQ(1, ms_trace_count("misplaced=0 shift=-1->-2 interval=16384"));
	/* Mode on (0->2), then remote samples (-2->2): 1024 twice. */
	EXPECT_EQ(1, ms_trace_count("shift=0->2 interval=1024"));
	EXPECT_EQ(1, ms_trace_count("shift=-2->2 interval=1024"));
	EXPECT_EQ(0, ms_counters_delta(&before, VM_HINT_FAULTS));
	munmap(local, ADAPT_PAGES * page_size);
	munmap(remote, ADAPT_PAGES * page_size);
}

/*
 * Converged at the slowest rate, sample mode rests: sampling pauses
 * (sysfs paused, numa_sampling_rests) and resumes a second later; tasks
 * stay sampled meanwhile, so no hint faults.  With the mem_sampling_record
 * event on, whoever enabled it wants records: no rest.
 */
TEST_F_TIMEOUT(numa_sampling, rest, 120)
{
	struct ms_counters before;
	long long rests;
	char *local;

	ASSERT_EQ(0, access(PAUSED, F_OK));
	local = alloc_on_node(ADAPT_PAGES, 0);
	ASSERT_NE(NULL, local);
	ASSERT_EQ(0, ms_write(MS_ADAPT_SYSCTL, "2"));
	ASSERT_EQ(0, numa_sampling_mode(false));
	ASSERT_EQ(0, numa_sampling_mode(true));
	ASSERT_EQ(0, ms_counters_read(&before));
	rests = ms_vmstat("numa_sampling_rests");
	/* 2 -> -2 takes 4 periods of 500 ms, then one quiet period. */
	EXPECT_TRUE(value_becomes(PAUSED, 1, local, ADAPT_PAGES, 10))
		TH_LOG("did not rest within 10 s of local samples");
	EXPECT_TRUE(value_becomes(PAUSED, 0, NULL, 0, 3))
		TH_LOG("still resting 3 s later");
	/*
	 * paused reads 1 before the worker that paused counts the rest; it
	 * ends the rest only after counting it.
	 */
	EXPECT_EQ(rests + 1, ms_vmstat("numa_sampling_rests"));
	EXPECT_EQ(0, ms_counters_delta(&before, VM_HINT_FAULTS));

	/* Someone wants the records: converged, but no rest. */
	ASSERT_EQ(0, ms_write(MS_EVENT "enable", "1"));
	ASSERT_EQ(0, numa_sampling_mode(false));
	ASSERT_EQ(0, numa_sampling_mode(true));
	rests = ms_vmstat("numa_sampling_rests");
	EXPECT_FALSE(value_becomes(PAUSED, 1, local, ADAPT_PAGES, 5))
		TH_LOG("rested with the record event enabled");
	EXPECT_EQ(rests, ms_vmstat("numa_sampling_rests"));
	munmap(local, ADAPT_PAGES * page_size);
}

TEST_HARNESS_MAIN
