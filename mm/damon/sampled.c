// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON operations sets that check accesses with memory access samples.
 *
 * vaddr-sampled and paddr-sampled are DAMON's vaddr and paddr operations
 * sets with the access check replaced: instead of clearing page table
 * Accessed bits and reading them back one sampling interval later, a
 * region is accessed in an interval when a sample of mem_sampling (Arm SPE,
 * or any other provider) fell in it.  vaddr-sampled counts the samples its
 * target processes made at their virtual addresses; paddr-sampled counts
 * every sampled process's accesses at their physical addresses.  Region
 * setup, updates, schemes and their scores are the base set's own, so
 * DAMOS actions work unchanged.
 *
 * Samples reach a context through a fixed buffer per CPU (no allocation on
 * the sample path, which runs with interrupts disabled); a full buffer
 * drops, and counts, what does not fit.  Each sampling interval the
 * context's kdamond empties the buffers, sorts the sampled pages and walks
 * its regions once.
 *
 * Design: Documentation/mm/mem_sampling.rst; use: the DAMON section of
 * Documentation/admin-guide/mm/mem_sampling.rst.
 */

#define pr_fmt(fmt) "damon-sampled: " fmt

#include <linux/damon.h>
#include <linux/mem_sampling.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rculist.h>
#include <linux/sched/clock.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/vmstat.h>

#include "sampled.h"

/* Sampled pages one CPU keeps for a context between two access checks. */
#define DAMON_SAMPLED_BUF_KEYS		1024

/*
 * A sampled access is kept as one key: the target's index in the context
 * above DAMON_SAMPLED_TARGET_SHIFT, the accessed page's number below, so
 * that sorting the keys sorts by target, then address.  Regions of the
 * vaddr and paddr sets start and end on page boundaries, so the page number
 * places a sample in its region exactly.
 */
#define DAMON_SAMPLED_TARGET_SHIFT	48
#define DAMON_SAMPLED_MAX_TARGETS	(1U << (64 - DAMON_SAMPLED_TARGET_SHIFT))
#define DAMON_SAMPLED_PAGE_MASK		(BIT_ULL(DAMON_SAMPLED_TARGET_SHIFT) - 1)

/**
 * struct damon_sampled_buf - one CPU's sampled pages for one context.
 * @lock:	the sample path takes it on its own CPU, interrupts disabled;
 *		the access check that empties the buffer takes it from any.
 * @nr:		keys in @keys.
 * @keys:	sampled accesses, in the order they were made.
 */
struct damon_sampled_buf {
	raw_spinlock_t lock;
	unsigned int nr;
	u64 keys[DAMON_SAMPLED_BUF_KEYS];
};

/**
 * struct damon_sampled_mms - the processes a vaddr-sampled context watches.
 * @nr:		entries in @mm.
 * @mm:		target i's mm at index i, NULL if it had none; each held
 *		with mmgrab(), so no other mm can take its address.
 */
struct damon_sampled_mms {
	unsigned int nr;
	struct mm_struct *mm[] __counted_by(nr);
};

/**
 * struct damon_sampled_ctx - what this file keeps for a running context.
 * @node:	on damon_sampled_ctxs: changed under damon_sampled_lock, walked
 *		under RCU by the sample path.
 * @ctx:	the DAMON context; the sample path never dereferences it.
 * @paddr:	counts physical addresses (paddr-sampled), else virtual ones.
 * @mms:	vaddr-sampled: the targets' processes.  Replaced only by the
 *		context's kdamond; read under RCU by the sample path.
 * @bufs:	one buffer per possible CPU.
 * @keys:	where the access check gathers every CPU's keys to sort them:
 *		room for every CPU's full buffer.
 */
struct damon_sampled_ctx {
	struct list_head node;
	struct damon_ctx *ctx;
	bool paddr;
	struct damon_sampled_mms __rcu *mms;
	struct damon_sampled_buf **bufs;
	u64 *keys;
};

/*
 * Serialises changes of damon_sampled_ctxs and the consumer's registration
 * (taken before the core's own lock, never inside it).
 */
static DEFINE_MUTEX(damon_sampled_lock);
static LIST_HEAD(damon_sampled_ctxs);
static unsigned int damon_sampled_nr_ctxs;

/* The base sets (vaddr, paddr), indexed by id - DAMON_OPS_VADDR_SAMPLED. */
static struct damon_operations damon_sampled_base[2];

static const struct damon_operations *damon_sampled_base_of(enum damon_ops_id id)
{
	return &damon_sampled_base[id - DAMON_OPS_VADDR_SAMPLED];
}

static const char *damon_sampled_name(enum damon_ops_id id)
{
	return id == DAMON_OPS_PADDR_SAMPLED ? "paddr-sampled" : "vaddr-sampled";
}

/* ------------------------------------------------------- sample path */

/* The index of the target whose process @task belongs to, or -1. */
static int damon_sampled_target_of(struct damon_sampled_ctx *sctx,
				   struct task_struct *task)
{
	struct mm_struct *mm = READ_ONCE(task->mm);
	struct damon_sampled_mms *mms;
	unsigned int i;

	mms = rcu_dereference(sctx->mms);
	if (!mms || !mm)
		return -1;
	for (i = 0; i < mms->nr; i++)
		if (mms->mm[i] == mm)
			return i;
	return -1;
}

/*
 * Queue @task's samples for @sctx on this CPU.  A sample of the page the
 * previous one hit adds nothing to what one interval learns and is not
 * kept twice in a row.
 */
static void damon_sampled_queue(struct damon_sampled_ctx *sctx,
				struct task_struct *task,
				const struct mem_sampling_record *records,
				unsigned int nr)
{
	u32 valid = sctx->paddr ? MEM_SAMPLING_RECORD_PADDR_VALID :
				  MEM_SAMPLING_RECORD_VADDR_VALID;
	unsigned int i, used = 0, dropped = 0;
	struct damon_sampled_buf *buf;
	u64 target = 0;

	if (!sctx->paddr) {
		int index = damon_sampled_target_of(sctx, task);

		if (index < 0)
			return;
		target = (u64)index << DAMON_SAMPLED_TARGET_SHIFT;
	}
	buf = sctx->bufs[smp_processor_id()];
	raw_spin_lock(&buf->lock);
	for (i = 0; i < nr; i++) {
		const struct mem_sampling_record *rec = &records[i];
		u64 addr = sctx->paddr ? rec->paddr : rec->vaddr;
		u64 key;

		if (!(rec->flags & valid))
			continue;
		used++;
		key = target | ((addr >> PAGE_SHIFT) & DAMON_SAMPLED_PAGE_MASK);
		if (buf->nr && buf->keys[buf->nr - 1] == key)
			continue;
		if (buf->nr == DAMON_SAMPLED_BUF_KEYS) {
			dropped++;
			continue;
		}
		buf->keys[buf->nr++] = key;
	}
	raw_spin_unlock(&buf->lock);
	count_vm_events(DAMON_SAMPLED_SAMPLES, used);
	if (dropped)
		count_vm_events(DAMON_SAMPLED_DROPPED, dropped);
}

/* Hard interrupt or context switch path, interrupts disabled, under RCU. */
static void damon_sampled_handle_batch(struct task_struct *task,
				       const struct mem_sampling_record *records,
				       unsigned int nr)
{
	struct damon_sampled_ctx *sctx;

	list_for_each_entry_rcu(sctx, &damon_sampled_ctxs, node)
		damon_sampled_queue(sctx, task, records, nr);
}

/* While a context runs, sampling must not rest or skip new processes. */
static bool damon_sampled_needs_samples(void)
{
	return READ_ONCE(damon_sampled_nr_ctxs);
}

static struct mem_sampling_consumer damon_sampled_consumer = {
	.name		= "damon",
	.handle_batch	= damon_sampled_handle_batch,
	.needs_samples	= damon_sampled_needs_samples,
};

/* ------------------------------------------------------ access check */

/*
 * Move every CPU's keys to @sctx->keys; returns how many.  With @discard,
 * count them as dropped instead (their target indices are stale).
 */
static unsigned int damon_sampled_collect(struct damon_sampled_ctx *sctx,
					  bool discard)
{
	unsigned int nr = 0, dropped = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct damon_sampled_buf *buf = sctx->bufs[cpu];
		unsigned long flags;

		raw_spin_lock_irqsave(&buf->lock, flags);
		if (discard) {
			dropped += buf->nr;
		} else {
			memcpy(sctx->keys + nr, buf->keys,
			       buf->nr * sizeof(*buf->keys));
			nr += buf->nr;
		}
		buf->nr = 0;
		raw_spin_unlock_irqrestore(&buf->lock, flags);
	}
	if (dropped)
		count_vm_events(DAMON_SAMPLED_DROPPED, dropped);
	return nr;
}

static int damon_sampled_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/**
 * damon_sampled_account - one sampling interval's access check.
 * @ctx:	the context; its targets and their regions.
 * @keys:	the interval's sampled accesses, in any order (sorted here).
 * @nr:		entries in @keys.
 *
 * A region is accessed in the interval if a sample of its target fell in
 * it; every region's access rate is updated accordingly.
 *
 * Return: the largest nr_accesses of any region, as ops.check_accesses.
 */
static unsigned int damon_sampled_account(struct damon_ctx *ctx, u64 *keys,
					  unsigned int nr)
{
	unsigned int max_nr_accesses = 0, i = 0;
	struct damon_target *t;
	struct damon_region *r;
	u64 target = 0;

	sort(keys, nr, sizeof(*keys), damon_sampled_cmp, NULL);
	damon_for_each_target(t, ctx) {
		damon_for_each_region(r, t) {
			u64 start = target | (r->ar.start >> PAGE_SHIFT);
			u64 end = target | (r->ar.end >> PAGE_SHIFT);

			while (i < nr && keys[i] < start)
				i++;
			damon_update_region_access_rate(r, i < nr &&
							keys[i] < end,
							&ctx->attrs);
			max_nr_accesses = max(max_nr_accesses, r->nr_accesses);
		}
		target += 1ULL << DAMON_SAMPLED_TARGET_SHIFT;
	}
	return max_nr_accesses;
}

/* ------------------------------------------------ contexts' lifetime */

/*
 * The state of @ctx, or NULL.  Other contexts come and go meanwhile; this
 * one's state is freed only by its own kdamond, which is the caller (or
 * holds damon_sampled_lock to free it).
 */
static struct damon_sampled_ctx *damon_sampled_find(struct damon_ctx *ctx)
{
	struct damon_sampled_ctx *sctx, *found = NULL;

	rcu_read_lock();
	list_for_each_entry_rcu(sctx, &damon_sampled_ctxs, node) {
		if (sctx->ctx == ctx) {
			found = sctx;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

static void damon_sampled_mms_free(struct damon_sampled_mms *mms)
{
	unsigned int i;

	if (!mms)
		return;
	for (i = 0; i < mms->nr; i++)
		if (mms->mm[i])
			mmdrop(mms->mm[i]);
	kfree(mms);
}

static void damon_sampled_free(struct damon_sampled_ctx *sctx)
{
	int cpu;

	damon_sampled_mms_free(rcu_dereference_protected(sctx->mms, true));
	if (sctx->bufs)
		for_each_possible_cpu(cpu)
			kfree(sctx->bufs[cpu]);
	kfree(sctx->bufs);
	kvfree(sctx->keys);
	kfree(sctx);
}

static struct damon_sampled_ctx *damon_sampled_alloc(struct damon_ctx *ctx,
						     bool paddr)
{
	struct damon_sampled_ctx *sctx;
	int cpu;

	sctx = kzalloc(sizeof(*sctx), GFP_KERNEL);
	if (!sctx)
		return NULL;
	sctx->ctx = ctx;
	sctx->paddr = paddr;
	sctx->bufs = kcalloc(nr_cpu_ids, sizeof(*sctx->bufs), GFP_KERNEL);
	sctx->keys = kvmalloc_array(num_possible_cpus() * DAMON_SAMPLED_BUF_KEYS,
				    sizeof(*sctx->keys), GFP_KERNEL);
	if (!sctx->bufs || !sctx->keys)
		goto fail;
	for_each_possible_cpu(cpu) {
		sctx->bufs[cpu] = kzalloc_node(sizeof(*sctx->bufs[cpu]),
					       GFP_KERNEL, cpu_to_node(cpu));
		if (!sctx->bufs[cpu])
			goto fail;
		raw_spin_lock_init(&sctx->bufs[cpu]->lock);
	}
	return sctx;
fail:
	damon_sampled_free(sctx);
	return NULL;
}

/* ops.init: the base set's setup, then samples start to flow to @ctx. */
static void damon_sampled_init(struct damon_ctx *ctx)
{
	const struct damon_operations *base = damon_sampled_base_of(ctx->ops.id);
	struct damon_sampled_ctx *sctx;
	int err = 0;

	if (base->init)
		base->init(ctx);
	sctx = damon_sampled_alloc(ctx, ctx->ops.id == DAMON_OPS_PADDR_SAMPLED);
	if (!sctx) {
		pr_warn("%s: no memory for the sample buffers: no access will be seen\n",
			damon_sampled_name(ctx->ops.id));
		return;
	}
	mutex_lock(&damon_sampled_lock);
	if (!damon_sampled_nr_ctxs)
		err = mem_sampling_register_consumer(&damon_sampled_consumer);
	if (!err) {
		list_add_tail_rcu(&sctx->node, &damon_sampled_ctxs);
		WRITE_ONCE(damon_sampled_nr_ctxs, damon_sampled_nr_ctxs + 1);
	}
	mutex_unlock(&damon_sampled_lock);
	if (err) {
		pr_warn("%s: cannot receive samples (%d)\n",
			damon_sampled_name(ctx->ops.id), err);
		damon_sampled_free(sctx);
	}
}

/*
 * Samples stop flowing to @ctx and its state goes.  The last context
 * unregisters the consumer under damon_sampled_lock, so that a context
 * starting meanwhile finds it registered or registers it anew.
 */
static void damon_sampled_stop(struct damon_ctx *ctx)
{
	struct damon_sampled_ctx *sctx;

	mutex_lock(&damon_sampled_lock);
	sctx = damon_sampled_find(ctx);
	if (sctx) {
		list_del_rcu(&sctx->node);
		WRITE_ONCE(damon_sampled_nr_ctxs, damon_sampled_nr_ctxs - 1);
		if (!damon_sampled_nr_ctxs)
			mem_sampling_unregister_consumer(&damon_sampled_consumer);
	}
	mutex_unlock(&damon_sampled_lock);
	if (!sctx)
		return;
	/* No sample path is queueing to it any more. */
	synchronize_rcu();
	damon_sampled_free(sctx);
}

/*
 * ops.cleanup.  In this kernel it runs at the end of kdamond_fn() and, from
 * damon_destroy_targets(), in place of destroying the context's targets:
 * so it does that too, as damon_destroy_targets() would have.
 */
static void damon_sampled_cleanup(struct damon_ctx *ctx)
{
	struct damon_target *t, *next;

	damon_sampled_stop(ctx);
	damon_for_each_target_safe(t, next, ctx)
		damon_destroy_target(t);
}

/* @t's process's mm with a reference (mmput() it), or NULL. */
static struct mm_struct *damon_sampled_get_mm(struct damon_target *t)
{
	struct task_struct *task;
	struct mm_struct *mm;

	task = get_pid_task(t->pid, PIDTYPE_PID);
	if (!task)
		return NULL;
	mm = get_task_mm(task);
	put_task_struct(task);
	return mm;
}

/*
 * Do @mms name the processes of @ctx's targets, in order (the first
 * DAMON_SAMPLED_MAX_TARGETS, which are all a set holds)?
 */
static bool damon_sampled_mms_current(struct damon_ctx *ctx,
				      struct damon_sampled_mms *mms)
{
	struct damon_target *t;
	unsigned int i = 0;
	bool same;

	damon_for_each_target(t, ctx) {
		struct mm_struct *mm;

		if (i == DAMON_SAMPLED_MAX_TARGETS)
			break;
		if (!mms || i >= mms->nr)
			return false;
		mm = damon_sampled_get_mm(t);
		same = mms->mm[i++] == mm;
		if (mm)
			mmput(mm);
		if (!same)
			return false;
	}
	return mms && i == mms->nr;
}

/*
 * Point the sample path at the processes of @ctx's targets if they
 * changed (a target exited, or the targets were committed anew).  Samples
 * buffered until then carry the old indices and are dropped.
 */
static void damon_sampled_update_mms(struct damon_sampled_ctx *sctx,
				     struct damon_ctx *ctx)
{
	struct damon_sampled_mms *old, *mms;
	struct damon_target *t;
	unsigned int nr = 0;

	old = rcu_dereference_protected(sctx->mms, true);
	if (damon_sampled_mms_current(ctx, old))
		return;
	damon_for_each_target(t, ctx)
		nr++;
	nr = min(nr, DAMON_SAMPLED_MAX_TARGETS);
	mms = kzalloc(struct_size(mms, mm, nr), GFP_KERNEL);
	if (!mms)
		return;
	mms->nr = nr;
	nr = 0;
	damon_for_each_target(t, ctx) {
		struct mm_struct *mm;

		if (nr == mms->nr)
			break;
		mm = damon_sampled_get_mm(t);
		if (mm) {
			mmgrab(mm);
			mms->mm[nr] = mm;
			mmput(mm);
		}
		nr++;
	}
	rcu_assign_pointer(sctx->mms, mms);
	synchronize_rcu();
	damon_sampled_collect(sctx, true);
	damon_sampled_mms_free(old);
}

static void damon_sampled_prepare_access_checks(struct damon_ctx *ctx)
{
	struct damon_sampled_ctx *sctx = damon_sampled_find(ctx);

	if (sctx && !sctx->paddr)
		damon_sampled_update_mms(sctx, ctx);
}

static unsigned int damon_sampled_check_accesses(struct damon_ctx *ctx)
{
	struct damon_sampled_ctx *sctx = damon_sampled_find(ctx);
	u64 start = local_clock();
	unsigned int nr = 0, max_nr_accesses;

	if (sctx)
		nr = damon_sampled_collect(sctx, false);
	max_nr_accesses = damon_sampled_account(ctx, sctx ? sctx->keys : NULL,
						nr);
	mem_sampling_account(local_clock() - start);
	return max_nr_accesses;
}

/* ---------------------------------------------------- registration */

static int damon_sampled_available(enum damon_ops_id id)
{
	return mem_sampling_available(id == DAMON_OPS_PADDR_SAMPLED ?
				      MEM_SAMPLING_CAP_PADDR : 0);
}

/*
 * A context stops by itself when its samples stop for good: sampling
 * switched off, the provider gone, physical addresses no longer collected.
 */
static bool damon_sampled_va_target_valid(struct damon_target *t)
{
	const struct damon_operations *base;

	base = damon_sampled_base_of(DAMON_OPS_VADDR_SAMPLED);
	return !damon_sampled_available(DAMON_OPS_VADDR_SAMPLED) &&
	       (!base->target_valid || base->target_valid(t));
}

static bool damon_sampled_pa_target_valid(struct damon_target *t)
{
	const struct damon_operations *base;

	base = damon_sampled_base_of(DAMON_OPS_PADDR_SAMPLED);
	return !damon_sampled_available(DAMON_OPS_PADDR_SAMPLED) &&
	       (!base->target_valid || base->target_valid(t));
}

/**
 * damon_sampled_check - can a context use operations set @id now?
 * @id: any operations set id.
 *
 * For damon_select_ops(): a sampled set needs mem_sampling on, with a
 * provider, and paddr-sampled needs physical addresses.
 *
 * Return: 0, or -ENODEV or -EOPNOTSUPP (mem_sampling_available()) with
 * the reason in the kernel log.
 */
int damon_sampled_check(enum damon_ops_id id)
{
	int err;

	if (!damon_ops_sampled(id))
		return 0;
	err = damon_sampled_available(id);
	if (err == -ENODEV)
		pr_warn_ratelimited("%s: no samples: kernel.mem_sampling_enable is 0 or no sampling provider is registered\n",
				    damon_sampled_name(id));
	else if (err)
		pr_warn_ratelimited("%s: the samples carry no physical addresses (provider, or /sys/kernel/mm/mem_sampling/paddr)\n",
				    damon_sampled_name(id));
	return err;
}

/**
 * damon_sampled_register - register the sampled variant of a base set.
 * @base:	the vaddr or paddr operations set, as registered.
 * @id:		DAMON_OPS_VADDR_SAMPLED or DAMON_OPS_PADDR_SAMPLED.
 *
 * Called by the base set's initcall.
 *
 * Return: what damon_register_ops() returns.
 */
int damon_sampled_register(const struct damon_operations *base,
			   enum damon_ops_id id)
{
	struct damon_operations ops = *base;

	if (!damon_ops_sampled(id))
		return -EINVAL;
	damon_sampled_base[id - DAMON_OPS_VADDR_SAMPLED] = *base;
	ops.id = id;
	ops.init = damon_sampled_init;
	ops.prepare_access_checks = damon_sampled_prepare_access_checks;
	ops.check_accesses = damon_sampled_check_accesses;
	ops.target_valid = id == DAMON_OPS_PADDR_SAMPLED ?
			   damon_sampled_pa_target_valid :
			   damon_sampled_va_target_valid;
	ops.cleanup = damon_sampled_cleanup;
	return damon_register_ops(&ops);
}

#include "tests/sampled-kunit.h"
