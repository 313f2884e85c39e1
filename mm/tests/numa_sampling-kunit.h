/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit tests of NUMA balancing from samples, included at the end of
 * mm/numa_sampling.c so they reach its static functions.  What needs a
 * task, an mm and two nodes is tested end to end by the kselftest
 * tools/testing/selftests/mem_sampling/numa_sampling.c.
 */
#ifndef _NUMA_SAMPLING_KUNIT_TEST_H
#define _NUMA_SAMPLING_KUNIT_TEST_H

#include <kunit/test.h>

#define MIN_SAMPLES	NUMA_SAMPLING_ADAPT_MIN_SAMPLES

/* Many misplaced samples: as fast as allowed, at once. */
static void numa_sampling_test_adapt_faster(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, numa_sampling_next_shift(0, 2, 800, 100), 2);
	KUNIT_EXPECT_EQ(test, numa_sampling_next_shift(1, 2, 800, 800), 2);
	KUNIT_EXPECT_EQ(test, numa_sampling_next_shift(0, 2, 6400, 100), 2);
	KUNIT_EXPECT_EQ(test, numa_sampling_next_shift(0, 5, MIN_SAMPLES,
						       1), 5);
	/* Just under a sixty-fourth, at least a 256th: no change. */
	KUNIT_EXPECT_EQ(test, numa_sampling_next_shift(0, 2, 6400, 99), 0);
	KUNIT_EXPECT_EQ(test, numa_sampling_next_shift(1, 2, 6400, 99), 1);
	KUNIT_EXPECT_EQ(test, numa_sampling_next_shift(2, 2, 6400, 25), 2);
	KUNIT_EXPECT_EQ(test, numa_sampling_next_shift(-1, 2, 6400, 25), -1);
}

/*
 * Converged: one step a period, past the configured interval down to the
 * slowest allowed, and stay there.
 */
static void numa_sampling_test_adapt_converged(struct kunit *test)
{
	int shift = 3, periods = 0;

	while (shift > -3 && periods < 10) {
		int next = numa_sampling_next_shift(shift, 3, 6400, 24);

		KUNIT_EXPECT_EQ(test, next, shift - 1);
		shift = next;
		periods++;
	}
	KUNIT_EXPECT_EQ(test, periods, 6);
	KUNIT_EXPECT_EQ(test, numa_sampling_next_shift(-3, 3, 1000, 0), -3);
	/* Too few samples at the slow rate: stay. */
	KUNIT_EXPECT_EQ(test, numa_sampling_next_shift(-3, 3, 10, 10), -3);
	/* And as fast as allowed again when misplaced samples come back. */
	KUNIT_EXPECT_EQ(test, numa_sampling_next_shift(-3, 3, 1000, 500), 3);
	KUNIT_EXPECT_EQ(test, numa_sampling_next_shift(-1, 3, 6400, 99), -1);
}

/* Too few samples to tell, or adaptation off: nothing moves. */
static void numa_sampling_test_adapt_limits(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, numa_sampling_next_shift(1, 2, MIN_SAMPLES - 1,
						       MIN_SAMPLES - 1), 1);
	KUNIT_EXPECT_EQ(test, numa_sampling_next_shift(1, 2, MIN_SAMPLES - 1,
						       0), 1);
	KUNIT_EXPECT_EQ(test, numa_sampling_next_shift(0, 2, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, numa_sampling_next_shift(0, 0, 1000, 1000), 0);
	KUNIT_EXPECT_EQ(test, numa_sampling_next_shift(0, 0, 1000, 0), 0);
	/* The limit lowered below the shift in effect: within it. */
	KUNIT_EXPECT_EQ(test, numa_sampling_next_shift(4, 1, 10, 10), 1);
	KUNIT_EXPECT_EQ(test, numa_sampling_next_shift(-4, 1, 10, 10), -1);
	KUNIT_EXPECT_EQ(test, numa_sampling_next_shift(4, 1, 1000, 500), 1);
	KUNIT_EXPECT_EQ(test, numa_sampling_next_shift(4, 2, 1000, 0), 1);
	KUNIT_EXPECT_EQ(test, numa_sampling_next_shift(-4, 2, 1000, 0), -2);
}

/*
 * Rests: only after a quiet period spent at the slowest rate, which stays
 * the slowest; 1 s, then doubling to 8 s; anything misplaced, too few
 * samples or adaptation off and sampling goes on.
 */
static void numa_sampling_test_rest(struct kunit *test)
{
	unsigned int rest = 0, i;
	static const unsigned int expect[] = { 1000, 2000, 4000, 8000, 8000 };

	for (i = 0; i < ARRAY_SIZE(expect); i++) {
		rest = numa_sampling_next_rest(rest, -2, -2, 2, 6400, 24);
		KUNIT_EXPECT_EQ(test, rest, expect[i]);
	}
	/* Misplaced samples, even a 256th of them: sample on. */
	KUNIT_EXPECT_EQ(test, numa_sampling_next_rest(8000, -2, -2, 2, 6400, 25), 0);
	KUNIT_EXPECT_EQ(test, numa_sampling_next_rest(8000, -2, 2, 2, 1000, 500), 0);
	/* Still slowing down, or just got to the slowest: not yet. */
	KUNIT_EXPECT_EQ(test, numa_sampling_next_rest(0, -1, -2, 2, 1000, 0), 0);
	KUNIT_EXPECT_EQ(test, numa_sampling_next_rest(0, 0, -1, 2, 1000, 0), 0);
	/* Too few samples to tell. */
	KUNIT_EXPECT_EQ(test, numa_sampling_next_rest(0, -2, -2, 2, MIN_SAMPLES - 1, 0), 0);
	/* Adaptation off. */
	KUNIT_EXPECT_EQ(test, numa_sampling_next_rest(0, 0, 0, 0, 1000, 0), 0);
}

/*
 * Ping-pong: a promotion's time read back at the move down, inside and
 * outside the window, across the wrap of the field, and the "never
 * promoted" value.
 */
static void numa_sampling_test_pingpong(struct kunit *test)
{
	unsigned int period = PAGE_ACCESS_TIME_MASK + 1;
	unsigned int bucket = 1U << PAGE_ACCESS_TIME_BUCKETS;
	unsigned int starts[] = { 12345, period - 3000, 7 * period + 5 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(starts); i++) {
		unsigned int t = starts[i];
		int stamp = numa_sampling_promotion_stamp(t);
		unsigned int end = t + NUMA_SAMPLING_PINGPONG_MS;

		KUNIT_EXPECT_TRUE(test, numa_sampling_promoted_recently(stamp, t));
		KUNIT_EXPECT_TRUE(test,
				  numa_sampling_promoted_recently(stamp, end - bucket));
		KUNIT_EXPECT_FALSE(test,
				   numa_sampling_promoted_recently(stamp, end + bucket));
		KUNIT_EXPECT_FALSE(test,
				   numa_sampling_promoted_recently(stamp, t + period / 2));
	}
	KUNIT_EXPECT_FALSE(test,
			   numa_sampling_promoted_recently(-1 & LAST_CPUPID_MASK, 12345));
}

static struct kunit_case numa_sampling_test_cases[] = {
	KUNIT_CASE(numa_sampling_test_adapt_faster),
	KUNIT_CASE(numa_sampling_test_adapt_converged),
	KUNIT_CASE(numa_sampling_test_adapt_limits),
	KUNIT_CASE(numa_sampling_test_rest),
	KUNIT_CASE(numa_sampling_test_pingpong),
	{},
};

static struct kunit_suite numa_sampling_test_suite = {
	.name = "numa_sampling",
	.test_cases = numa_sampling_test_cases,
};

kunit_test_suite(numa_sampling_test_suite);

#undef MIN_SAMPLES

#endif /* _NUMA_SAMPLING_KUNIT_TEST_H */
