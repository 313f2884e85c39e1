/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit tests of the sampled operations sets, included at the end of
 * mm/damon/sampled.c so they reach its static functions: the region
 * accounting and the per-CPU buffers.  What needs a provider, a process
 * and DAMON's sysfs interface is tested end to end by the kselftest
 * tools/testing/selftests/mem_sampling/damon_sampled.c.
 */
#ifdef CONFIG_DAMON_SAMPLED_KUNIT_TEST

#ifndef _DAMON_SAMPLED_KUNIT_TEST_H
#define _DAMON_SAMPLED_KUNIT_TEST_H

#include <kunit/test.h>

#define PG(n)	((unsigned long)(n) * PAGE_SIZE)

/* A key as the sample path makes it: target @t, the page of @addr. */
static u64 damon_sampled_test_key(unsigned int t, unsigned long addr)
{
	return ((u64)t << DAMON_SAMPLED_TARGET_SHIFT) | (addr >> PAGE_SHIFT);
}

/* A context of @nr_targets targets, each with regions [0,4) [4,8) [10,16). */
static struct damon_ctx *damon_sampled_test_ctx(struct kunit *test,
						int nr_targets)
{
	static const unsigned long bounds[][2] = { {0, 4}, {4, 8}, {10, 16} };
	struct damon_ctx *ctx = damon_new_ctx();
	int i, j;

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	for (i = 0; i < nr_targets; i++) {
		struct damon_target *t = damon_new_target();

		KUNIT_ASSERT_NOT_NULL(test, t);
		damon_add_target(ctx, t);
		for (j = 0; j < ARRAY_SIZE(bounds); j++) {
			struct damon_region *r;

			r = damon_new_region(PG(bounds[j][0]), PG(bounds[j][1]));
			KUNIT_ASSERT_NOT_NULL(test, r);
			damon_add_region(r, t);
		}
	}
	return ctx;
}

/* The nr_accesses of @t's regions, in order, into @out. */
static void damon_sampled_test_accesses(struct damon_target *t,
					unsigned int *out)
{
	struct damon_region *r;
	int i = 0;

	damon_for_each_region(r, t)
		out[i++] = r->nr_accesses;
}

/*
 * A region is accessed when a sample fell in it, once however many did; a
 * sample on a region's end belongs to the next; samples in a gap or
 * beyond the last region count for nothing; the order does not matter.
 */
static void damon_sampled_test_account_regions(struct kunit *test)
{
	struct damon_ctx *ctx = damon_sampled_test_ctx(test, 1);
	struct damon_target *t = list_first_entry(&ctx->adaptive_targets,
						  struct damon_target, list);
	unsigned int acc[3];
	u64 keys[] = {
		damon_sampled_test_key(0, PG(13) + 5),
		damon_sampled_test_key(0, PG(1)),
		damon_sampled_test_key(0, PG(9)),	/* gap */
		damon_sampled_test_key(0, PG(12)),
		damon_sampled_test_key(0, PG(20)),	/* beyond */
		damon_sampled_test_key(0, PG(1)),
	};

	KUNIT_EXPECT_EQ(test, damon_sampled_account(ctx, keys,
						    ARRAY_SIZE(keys)), 1);
	damon_sampled_test_accesses(t, acc);
	KUNIT_EXPECT_EQ(test, acc[0], 1);
	KUNIT_EXPECT_EQ(test, acc[1], 0);
	KUNIT_EXPECT_EQ(test, acc[2], 1);

	/* Page 4 is the first region's end: the second region's start. */
	keys[0] = damon_sampled_test_key(0, PG(4));
	KUNIT_EXPECT_EQ(test, damon_sampled_account(ctx, keys, 1), 1);
	damon_sampled_test_accesses(t, acc);
	KUNIT_EXPECT_EQ(test, acc[0], 1);
	KUNIT_EXPECT_EQ(test, acc[1], 1);
	KUNIT_EXPECT_EQ(test, acc[2], 1);

	/* A third interval with page 0 only: the first region leads. */
	keys[0] = damon_sampled_test_key(0, 0);
	KUNIT_EXPECT_EQ(test, damon_sampled_account(ctx, keys, 1), 2);

	/* No sample at all: nothing is accessed, nothing fails. */
	KUNIT_EXPECT_EQ(test, damon_sampled_account(ctx, NULL, 0), 2);
	damon_sampled_test_accesses(t, acc);
	KUNIT_EXPECT_EQ(test, acc[0], 2);
	KUNIT_EXPECT_EQ(test, acc[1], 1);
	KUNIT_EXPECT_EQ(test, acc[2], 1);
	damon_destroy_ctx(ctx);
}

/* Samples count for the target whose process made them, and only for it. */
static void damon_sampled_test_account_targets(struct kunit *test)
{
	struct damon_ctx *ctx = damon_sampled_test_ctx(test, 3);
	struct damon_target *t;
	unsigned int acc[3][3];
	int i = 0;
	u64 keys[] = {
		damon_sampled_test_key(2, PG(0)),
		damon_sampled_test_key(1, PG(5)),
		damon_sampled_test_key(2, PG(15)),
	};

	KUNIT_EXPECT_EQ(test, damon_sampled_account(ctx, keys,
						    ARRAY_SIZE(keys)), 1);
	damon_for_each_target(t, ctx)
		damon_sampled_test_accesses(t, acc[i++]);
	KUNIT_EXPECT_EQ(test, acc[0][0] + acc[0][1] + acc[0][2], 0);
	KUNIT_EXPECT_EQ(test, acc[1][0], 0);
	KUNIT_EXPECT_EQ(test, acc[1][1], 1);
	KUNIT_EXPECT_EQ(test, acc[1][2], 0);
	KUNIT_EXPECT_EQ(test, acc[2][0], 1);
	KUNIT_EXPECT_EQ(test, acc[2][1], 0);
	KUNIT_EXPECT_EQ(test, acc[2][2], 1);
	damon_destroy_ctx(ctx);
}

/*
 * The sample path keeps records with the address it counts, attributed to
 * the target of their process; a repeat of the previous page is kept once;
 * a full buffer drops the rest.
 */
static void damon_sampled_test_queue(struct kunit *test)
{
	struct damon_sampled_ctx *sctx = damon_sampled_alloc(NULL, true);
	struct mem_sampling_record rec[4] = {
		{ .paddr = PG(7) + 8, .flags = MEM_SAMPLING_RECORD_PADDR_VALID },
		{ .paddr = PG(7) + 64, .flags = MEM_SAMPLING_RECORD_PADDR_VALID },
		{ .vaddr = PG(9), .flags = MEM_SAMPLING_RECORD_VADDR_VALID },
		{ .paddr = PG(3), .flags = MEM_SAMPLING_RECORD_PADDR_VALID },
	};
	unsigned int nr, i;

	KUNIT_ASSERT_NOT_NULL(test, sctx);
	local_irq_disable();
	damon_sampled_queue(sctx, current, rec, ARRAY_SIZE(rec));
	local_irq_enable();
	nr = damon_sampled_collect(sctx, false);
	KUNIT_ASSERT_EQ(test, nr, 2);
	KUNIT_EXPECT_EQ(test, sctx->keys[0], damon_sampled_test_key(0, PG(7)));
	KUNIT_EXPECT_EQ(test, sctx->keys[1], damon_sampled_test_key(0, PG(3)));
	KUNIT_EXPECT_EQ(test, damon_sampled_collect(sctx, false), 0);

	/* Fill one CPU's buffer and one more. */
	local_irq_disable();
	for (i = 0; i <= DAMON_SAMPLED_BUF_KEYS; i++) {
		rec[0].paddr = PG(i);
		damon_sampled_queue(sctx, current, rec, 1);
	}
	local_irq_enable();
	KUNIT_EXPECT_EQ(test, damon_sampled_collect(sctx, false),
			DAMON_SAMPLED_BUF_KEYS);
	damon_sampled_free(sctx);
}

/*
 * vaddr-sampled: a record counts for the target whose process made it, and
 * not at all for a process that is no target.
 */
static void damon_sampled_test_queue_vaddr(struct kunit *test)
{
	struct damon_sampled_ctx *sctx = damon_sampled_alloc(NULL, false);
	struct mem_sampling_record rec = {
		.vaddr = PG(5) + 3, .flags = MEM_SAMPLING_RECORD_VADDR_VALID,
	};
	/* Stand-ins: only their addresses are compared. */
	static char mm_a, mm_b, mm_c;
	struct damon_sampled_mms *mms;
	struct task_struct *task;

	KUNIT_ASSERT_NOT_NULL(test, sctx);
	task = kunit_kzalloc(test, sizeof(*task), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, task);
	task->mm = (struct mm_struct *)&mm_b;

	/* Without targets nothing is kept. */
	rcu_read_lock();
	local_irq_disable();
	damon_sampled_queue(sctx, task, &rec, 1);
	local_irq_enable();
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, damon_sampled_collect(sctx, false), 0);

	mms = kzalloc(struct_size(mms, mm, 2), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, mms);
	mms->nr = 2;
	mms->mm[0] = (struct mm_struct *)&mm_a;
	mms->mm[1] = (struct mm_struct *)&mm_b;
	rcu_assign_pointer(sctx->mms, mms);
	rcu_read_lock();
	local_irq_disable();
	damon_sampled_queue(sctx, task, &rec, 1);
	task->mm = (struct mm_struct *)&mm_c;
	damon_sampled_queue(sctx, task, &rec, 1);
	local_irq_enable();
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, damon_sampled_collect(sctx, false), 1);
	KUNIT_EXPECT_EQ(test, sctx->keys[0], damon_sampled_test_key(1, PG(5)));

	/* Not grabbed: not for damon_sampled_free() to drop. */
	RCU_INIT_POINTER(sctx->mms, NULL);
	kfree(mms);
	damon_sampled_free(sctx);
}

static struct kunit_case damon_sampled_test_cases[] = {
	KUNIT_CASE(damon_sampled_test_account_regions),
	KUNIT_CASE(damon_sampled_test_account_targets),
	KUNIT_CASE(damon_sampled_test_queue),
	KUNIT_CASE(damon_sampled_test_queue_vaddr),
	{},
};

static struct kunit_suite damon_sampled_test_suite = {
	.name = "damon-sampled",
	.test_cases = damon_sampled_test_cases,
};

kunit_test_suite(damon_sampled_test_suite);

#undef PG

#endif /* _DAMON_SAMPLED_KUNIT_TEST_H */

#endif /* CONFIG_DAMON_SAMPLED_KUNIT_TEST */
