// SPDX-License-Identifier: GPL-2.0
/*
 * NUMA balancing driven by memory access samples.
 *
 * Upstream NUMA balancing learns where a task's memory is used by marking
 * its PTEs PROT_NONE (task_numa_work() -> change_prot_numa()) and taking
 * the resulting hint faults (do_numa_page(), do_huge_pmd_numa_page()).
 * With kernel.numa_balancing_mem_sampling=1 the accesses come from a
 * mem_sampling provider instead (Arm SPE): this consumer queues each
 * task's samples as they arrive (interrupts off, no allocation) and the
 * task processes them itself, on its way back to user space, in chunks
 * of 16 under mmap_read_trylock().  Each sample is checked against the
 * current mapping, filtered as the hint-fault path filters, and run
 * through the same policy (mpol_misplaced() with its two-stage cpupid
 * filter and memory tiering rules); a misplaced folio, THP included, is
 * isolated, and with it the misplaced pages around it (a sample
 * stands for its neighbourhood, as one sample of a THP stands for 2 MiB).
 * Once mmap_lock is dropped they migrate to the accessing node and
 * task_numa_fault() feeds task placement exactly as a hint fault would.
 * Sampled tasks are not scanned (kernel/sched/fair.c asks
 * numa_sampling_replaces_scan()).
 *
 * Design and tuning: Documentation/mm/numa-sampling.rst.
 */

#define pr_fmt(fmt) "numa_sampling: " fmt

#include <linux/mm.h>
#include <linux/cpumask.h>
#include <linux/init.h>
#include <linux/jiffies.h>
#include <linux/llist.h>
#include <linux/mem_sampling.h>
#include <linux/memory-tiers.h>
#include <linux/mempolicy.h>
#include <linux/migrate.h>
#include <linux/mmap_lock.h>
#include <linux/mutex.h>
#include <linux/numa_sampling.h>
#include <linux/percpu.h>
#include <linux/pgtable.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/sched/numa_balancing.h>
#include <linux/sched/sysctl.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/sysctl.h>
#include <linux/task_work.h>
#include <linux/topology.h>
#include <linux/vmstat.h>
#include <linux/workqueue.h>

#include <trace/events/sched.h>
#define CREATE_TRACE_POINTS
#include <trace/events/numa_sampling.h>

#include "internal.h"

/*
 * Samples a task can have waiting, and so the most one batch processes:
 * two full dispatches of an 8 KiB SPE buffer (128 records each), which a
 * buffer-full interrupt delivers before the task gets back to user space,
 * and few enough to bound the time mmap_lock is held.  A power of two:
 * head and tail run free.
 */
#define NUMA_SAMPLING_QUEUE_LEN		256
/*
 * Samples handled under one hold of mmap_lock: copied out of the queue,
 * looked up and their folios isolated, then migrated once the lock is
 * dropped (on the stack).
 */
#define NUMA_SAMPLING_CHUNK		16

/* Bits of numa_sampling_queue.state. */
#define NUMA_SAMPLING_WORK_PENDING	0

/*
 * How often the sampling interval is reconsidered, and the fewest samples
 * a period must have used to say anything about it.
 */
#define NUMA_SAMPLING_ADAPT_PERIOD_MS	500
#define NUMA_SAMPLING_ADAPT_MIN_SAMPLES	64
/*
 * Sample as fast as allowed while at least 1/FAST_SHARE of the samples
 * used are misplaced, slow down under 1/SLOW_SHARE: see
 * numa_sampling_next_shift().
 */
#define NUMA_SAMPLING_FAST_SHARE	64
#define NUMA_SAMPLING_SLOW_SHARE	256
/* kernel.numa_balancing_mem_sampling_adapt at boot: 4 times either way. */
#define NUMA_SAMPLING_ADAPT_DEFAULT	2
/*
 * Converged at the slowest rate: rest (sampling paused) for 1 s, then
 * twice as long after every period that finds nothing to move, up to 8 s.
 */
#define NUMA_SAMPLING_REST_MIN_MS	1000
#define NUMA_SAMPLING_REST_MAX_MS	8000

/*
 * kernel.numa_balancing_mem_sampling_region_order: a misplaced sample
 * moves the misplaced pages of its naturally aligned block of
 * 2^order pages; 4 (64 KiB with 4 KiB pages, the arm64 contiguous-PTE
 * unit) at boot, at most a PMD's worth, so a block lies in one PTE table.
 */
#define NUMA_SAMPLING_REGION_ORDER_DEFAULT	4
#define NUMA_SAMPLING_REGION_ORDER_MAX		(PMD_SHIFT - PAGE_SHIFT)

/*
 * A page moved down a memory tier within this long of its promotion
 * counts as tiering ping-pong (pgdemote_pingpong).
 */
#define NUMA_SAMPLING_PINGPONG_MS	10000

/**
 * struct numa_sampling_entry - one queued sample.
 * @vaddr:	data virtual address.
 * @paddr:	data physical address, if @has_paddr.
 * @nid:	node of the CPU that made the access.
 * @has_paddr:	the provider reported @paddr.
 */
struct numa_sampling_entry {
	u64 vaddr;
	u64 paddr;
	s16 nid;
	bool has_paddr;
};

/**
 * struct numa_sampling_queue - a task's samples waiting for processing.
 * @work:	task_work that processes them, queued once per batch.
 * @orphan:	on numa_sampling_orphans while waiting to be freed.
 * @state:	NUMA_SAMPLING_WORK_PENDING while @work is queued.
 * @lock:	serializes producers (any CPU, interrupts off) and the task.
 * @mm:		the task's mm when the queued samples were taken; compared,
 *		never dereferenced.
 * @head:	next entry to fill (free running).
 * @tail:	next entry to process (free running).
 * @entries:	ring of NUMA_SAMPLING_QUEUE_LEN samples.
 */
struct numa_sampling_queue {
	struct callback_head work;
	struct llist_node orphan;
	unsigned long state;
	raw_spinlock_t lock;
	struct mm_struct *mm;
	unsigned int head;
	unsigned int tail;
	struct numa_sampling_entry entries[NUMA_SAMPLING_QUEUE_LEN];
};

/* Samples that reached the policy, and those it would move. */
struct numa_sampling_window {
	unsigned long used;
	unsigned long misplaced;
};

DEFINE_STATIC_KEY_FALSE(numa_sampling_mode_key);

/* Serialises the sysctls and the adaptation work. */
static DEFINE_MUTEX(numa_sampling_lock);

/**
 * struct numa_sampling_state - sample mode's settings and the adaptive
 * sampling interval's state.
 * @mode:	 kernel.numa_balancing_mem_sampling.  numa_sampling_lock;
 *		 numa_sampling_mode_key follows it for lockless readers.
 * @adapt_max:	 kernel.numa_balancing_mem_sampling_adapt, the largest
 *		 |interval shift|.  numa_sampling_lock.
 * @region_order: kernel.numa_balancing_mem_sampling_region_order.  One
 *		 int, any value in range is valid: written with WRITE_ONCE()
 *		 without a lock, read locklessly by the task_work.
 * @shift:	 the shift asked of mem_sampling_set_interval_shift().
 *		 numa_sampling_lock.
 * @window_last: sums of the per-CPU numa_sampling_window at the end of
 *		 the last period.  numa_sampling_lock.
 * @rest_ms:	 length of the last rest, 0 when not resting since the
 *		 rate last rose.  numa_sampling_lock.
 * @resting:	 sampling is paused for a rest.  Written under
 *		 numa_sampling_lock, read locklessly by tasks new to
 *		 sampling.
 */
struct numa_sampling_state {
	int mode;
	int adapt_max;
	int region_order;
	int shift;
	struct numa_sampling_window window_last;
	unsigned int rest_ms;
	bool resting;
};

static struct numa_sampling_state numa_sampling_state = {
	.adapt_max	= NUMA_SAMPLING_ADAPT_DEFAULT,
	.region_order	= NUMA_SAMPLING_REGION_ORDER_DEFAULT,
};

static DEFINE_PER_CPU(struct numa_sampling_window, numa_sampling_window);

static void numa_sampling_adapt_fn(struct work_struct *work);
static DECLARE_DEFERRABLE_WORK(numa_sampling_adapt_work, numa_sampling_adapt_fn);

/*
 * One ready queue per CPU, handed to a task whose first samples arrive
 * before it has a queue of its own (samples come with interrupts off,
 * where we do not allocate).  The task refills it from task context.
 */
static DEFINE_PER_CPU(struct numa_sampling_queue *, numa_sampling_spare);

/*
 * Spare queues that lost a race for a task with nowhere to go: freed
 * from task context, never with interrupts off (the context switch path
 * holds the run queue lock).
 */
static LLIST_HEAD(numa_sampling_orphans);

static void numa_sampling_work(struct callback_head *work);

/* Task context. */
static void numa_sampling_free_orphans(void)
{
	struct numa_sampling_queue *queue, *next;
	struct llist_node *orphans;

	if (llist_empty(&numa_sampling_orphans))
		return;
	orphans = llist_del_all(&numa_sampling_orphans);
	llist_for_each_entry_safe(queue, next, orphans, orphan)
		kfree(queue);
}

static struct numa_sampling_queue *numa_sampling_queue_alloc(int nid)
{
	struct numa_sampling_queue *queue;

	queue = kzalloc_node(sizeof(*queue), GFP_KERNEL | __GFP_NOWARN, nid);
	if (!queue)
		return NULL;
	init_task_work(&queue->work, numa_sampling_work);
	raw_spin_lock_init(&queue->lock);
	return queue;
}

/* Give @cpu a spare queue if it has none.  Task context. */
static void numa_sampling_refill_spare(int cpu)
{
	struct numa_sampling_queue **slot = per_cpu_ptr(&numa_sampling_spare, cpu);
	struct numa_sampling_queue *queue;

	if (READ_ONCE(*slot))
		return;
	queue = numa_sampling_queue_alloc(cpu_to_node(cpu));
	if (queue && cmpxchg(slot, NULL, queue))
		kfree(queue);
}

/* Make sure current has a queue.  Task context. */
static void numa_sampling_ensure_queue(struct task_struct *p)
{
	struct numa_sampling_queue *queue;

	if (READ_ONCE(p->numa_sampling_queue))
		return;
	queue = numa_sampling_queue_alloc(numa_node_id());
	if (queue && cmpxchg(&p->numa_sampling_queue, NULL, queue))
		kfree(queue);
}

/* Samples are acted on only while both switches are on. */
static bool numa_sampling_active(void)
{
	return static_branch_unlikely(&numa_sampling_mode_key) &&
	       READ_ONCE(sysctl_numa_balancing_mode) != NUMA_BALANCING_DISABLED;
}

/* ------------------------------------------------ scheduler hooks */

void numa_sampling_task_init(struct task_struct *p)
{
	p->numa_sampling_queue = NULL;
}

void numa_sampling_task_free(struct task_struct *p)
{
	kfree(p->numa_sampling_queue);
	p->numa_sampling_queue = NULL;
}

bool __numa_sampling_replaces_scan(struct task_struct *p)
{
	if (!mem_sampling_task_sampled(p))
		return false;
	/* A task new to sampling has everything to learn: end a rest. */
	if (!READ_ONCE(p->numa_sampling_queue) &&
	    READ_ONCE(numa_sampling_state.resting))
		mod_delayed_work(system_wq, &numa_sampling_adapt_work, 0);
	numa_sampling_ensure_queue(p);
	count_vm_numa_event(NUMA_SAMPLING_SCANS_REPLACED);
	return true;
}

void numa_sampling_pass_started(struct task_struct *p)
{
	mem_sampling_undefer_mm(p->mm);
}

/* --------------------------------------------- consumer: enqueue */

/*
 * Sampling stops for a new process until its first pass, or at least
 * this long if the pass waits on its CPU time rather than the clock.
 */
#define NUMA_SAMPLING_NEW_DEFER_MS	1000

/*
 * Stop sampling @mm, whose first balancing pass has not started, until
 * the pass is due (mm->numa_next_scan): its samples would only be dropped,
 * yet count against the CPU budget and slow sampling down for everyone.
 * __numa_sampling_replaces_scan() ends this at the pass.
 */
static void numa_sampling_defer_new(struct mm_struct *mm)
{
	unsigned long next = READ_ONCE(mm->numa_next_scan);
	unsigned int msecs = NUMA_SAMPLING_NEW_DEFER_MS;

	if (time_after(next, jiffies))
		msecs = jiffies_to_msecs(next - jiffies);
	mem_sampling_defer_mm(mm, msecs);
}

/*
 * Find @task's queue, adopting this CPU's spare if it has none yet.
 * Interrupts disabled.
 */
static struct numa_sampling_queue *numa_sampling_task_queue(struct task_struct *task)
{
	struct numa_sampling_queue *queue, *spare;

	queue = READ_ONCE(task->numa_sampling_queue);
	if (queue)
		return queue;
	spare = xchg(this_cpu_ptr(&numa_sampling_spare), NULL);
	if (!spare)
		return NULL;
	queue = cmpxchg(&task->numa_sampling_queue, NULL, spare);
	if (!queue)
		return spare;
	/* Someone attached one meanwhile: keep the spare for later. */
	if (cmpxchg(this_cpu_ptr(&numa_sampling_spare), NULL, spare))
		llist_add(&spare->orphan, &numa_sampling_orphans);
	return queue;
}

/*
 * The mem_sampling consumer callback: hard interrupt or context switch,
 * interrupts off.  Copy what can be used into @task's queue and make sure
 * the task processes it on its way back to user space.
 */
static void numa_sampling_handle_batch(struct task_struct *task,
				       const struct mem_sampling_record *records,
				       unsigned int nr)
{
	unsigned int i, queued = 0, dropped = 0, invalid = 0, stale = 0;
	struct numa_sampling_queue *queue;
	struct mm_struct *mm;
	int nid = numa_node_id();

	if (!numa_sampling_active())
		return;
	if (task->flags & (PF_EXITING | PF_KTHREAD))
		return;
	mm = READ_ONCE(task->mm);
	if (!mm)
		return;
	/*
	 * The scan leaves a new process alone for
	 * numa_balancing_scan_delay_ms of its run time, so short-lived
	 * processes cost nothing; so do its samples.  task_numa_work()
	 * starts the first pass of a sampled task's mm all the same, which
	 * numa_scan_seq counts from 0 (fork and exec).
	 */
	if (!READ_ONCE(mm->numa_scan_seq)) {
		count_vm_numa_events(NUMA_SAMPLING_SKIP_NEW, nr);
		numa_sampling_defer_new(mm);
		return;
	}

	queue = numa_sampling_task_queue(task);
	if (!queue) {
		count_vm_numa_events(NUMA_SAMPLING_SAMPLES_DROPPED, nr);
		return;
	}

	raw_spin_lock(&queue->lock);
	if (unlikely(queue->mm != mm)) {
		/* exec since: what is queued describes an mm that is gone. */
		stale = queue->head - queue->tail;
		queue->tail = queue->head;
		queue->mm = mm;
	}
	for (i = 0; i < nr; i++) {
		const struct mem_sampling_record *record = &records[i];
		struct numa_sampling_entry *entry;

		/* Branch records carry a target, not a data address. */
		if (!(record->flags & MEM_SAMPLING_RECORD_VADDR_VALID) ||
		    record->op == MEM_SAMPLING_OP_BRANCH) {
			invalid++;
			continue;
		}
		if (queue->head - queue->tail >= NUMA_SAMPLING_QUEUE_LEN) {
			dropped++;
			continue;
		}
		entry = &queue->entries[queue->head % NUMA_SAMPLING_QUEUE_LEN];
		entry->vaddr = record->vaddr;
		entry->has_paddr = record->flags & MEM_SAMPLING_RECORD_PADDR_VALID;
		entry->paddr = entry->has_paddr ? record->paddr : 0;
		entry->nid = nid;
		queue->head++;
		queued++;
	}
	raw_spin_unlock(&queue->lock);

	if (stale)
		count_vm_numa_events(NUMA_SAMPLING_SKIP_STALE, stale);
	if (invalid)
		count_vm_numa_events(NUMA_SAMPLING_SKIP_INVALID, invalid);
	if (dropped)
		count_vm_numa_events(NUMA_SAMPLING_SAMPLES_DROPPED, dropped);
	if (!queued)
		return;
	count_vm_numa_events(NUMA_SAMPLING_SAMPLES_QUEUED, queued);

	/* One task_work per batch; it clears the bit before it dequeues. */
	if (test_and_set_bit(NUMA_SAMPLING_WORK_PENDING, &queue->state))
		return;
	if (task_work_add(task, &queue->work, TWA_RESUME | TWAF_NO_ALLOC))
		clear_bit(NUMA_SAMPLING_WORK_PENDING, &queue->state);
}

static struct mem_sampling_consumer numa_sampling_consumer = {
	.name		= "numa_sampling",
	.handle_batch	= numa_sampling_handle_batch,
};

/* ------------------------------------------ task context: process */

/* Take up to @max samples; *@mm is the mm they were taken in. */
static unsigned int numa_sampling_dequeue(struct numa_sampling_queue *queue,
					  struct numa_sampling_entry *out,
					  unsigned int max,
					  struct mm_struct **mm)
{
	unsigned long flags;
	unsigned int i, nr;

	raw_spin_lock_irqsave(&queue->lock, flags);
	*mm = queue->mm;
	nr = min(queue->head - queue->tail, max);
	for (i = 0; i < nr; i++)
		out[i] = queue->entries[(queue->tail + i) % NUMA_SAMPLING_QUEUE_LEN];
	queue->tail += nr;
	raw_spin_unlock_irqrestore(&queue->lock, flags);
	return nr;
}

/* Forget what is queued; returns how many samples that was. */
static unsigned int numa_sampling_discard(struct numa_sampling_queue *queue)
{
	unsigned long flags;
	unsigned int nr;

	raw_spin_lock_irqsave(&queue->lock, flags);
	nr = queue->head - queue->tail;
	queue->tail = queue->head;
	raw_spin_unlock_irqrestore(&queue->lock, flags);
	return nr;
}

/*
 * The VMAs task_numa_work() would not scan, so that no hint fault could
 * come from them: the samples skip them too.
 */
static bool numa_sampling_vma_suitable(struct vm_area_struct *vma)
{
	if (!vma_migratable(vma) || !vma_policy_mof(vma) ||
	    is_vm_hugetlb_page(vma) || (vma->vm_flags & VM_MIXEDMAP))
		return false;
	/* Shared libraries and other read-only file mappings stay put. */
	if (vma->vm_file &&
	    (vma->vm_flags & (VM_READ | VM_WRITE)) == VM_READ)
		return false;
	return vma_is_accessible(vma);
}

/*
 * The folios change_prot_numa() leaves alone (so no hint fault could
 * migrate them), plus pinned ones, which cannot migrate anyway.  Page
 * table lock held.
 */
static bool numa_sampling_folio_suitable(struct vm_area_struct *vma,
					 struct folio *folio)
{
	if (!folio || folio_is_zone_device(folio) || folio_test_ksm(folio))
		return false;
	if (folio_maybe_dma_pinned(folio))
		return false;
	if (is_cow_mapping(vma->vm_flags) && folio_likely_mapped_shared(folio))
		return false;
	if (folio_is_file_lru(folio) && folio_test_dirty(folio))
		return false;
	/* Tiering only: top-tier memory is not balanced, only promoted to. */
	if (!(sysctl_numa_balancing_mode & NUMA_BALANCING_NORMAL) &&
	    node_is_toptier(folio_nid(folio)))
		return false;
	return true;
}

/*
 * Memory tiering (kernel.numa_balancing 2 or 3): a slow-tier folio moves
 * up by hotness.  Upstream's scan sets a slow-tier folio's access time
 * (kept in last_cpupid) and the hint fault measures the time since: under
 * the hot threshold, the folio is hot.  Here every sample sets the access
 * time of the folio sampled, and a sample is hot when the block of
 * 2^region_order pages around it (the folio itself if that order is 0 or
 * the folio is large) was sampled within the threshold: a sample is one
 * access in thousands, and two samples of one small page within a second
 * need a page thousands of times hotter than two samples of its
 * neighbourhood.  A folio never sampled, or just moved between tiers
 * (folio_migrate_flags() resets the field), has no access time.
 */
enum numa_sampling_heat {
	NUMA_SAMPLING_HEAT_FIRST,	/* no access time in the block */
	NUMA_SAMPLING_HEAT_COLD,	/* the latest older than the threshold */
	NUMA_SAMPLING_HEAT_HOT,
};

/*
 * Milliseconds from the time in @cpupid (a slow-tier folio's access time,
 * or a promotion time) to @now, modulo the field's span; UINT_MAX if
 * @cpupid holds no time.
 */
static unsigned int numa_sampling_age(int cpupid, unsigned int now)
{
	if (cpupid == (-1 & LAST_CPUPID_MASK))
		return UINT_MAX;
	return (now - (cpupid << PAGE_ACCESS_TIME_BUCKETS)) & PAGE_ACCESS_TIME_MASK;
}

/* Upstream's hot threshold, as adjusted to the promotion rate limit. */
static unsigned int numa_sampling_hot_threshold(void)
{
	unsigned int th = READ_ONCE(NODE_DATA(numa_node_id())->nbp_threshold);

	return th ?: READ_ONCE(sysctl_numa_balancing_hot_threshold);
}

static enum numa_sampling_heat numa_sampling_folio_heat(struct folio *folio,
							unsigned int now,
							unsigned int th)
{
	unsigned int age = numa_sampling_age(folio_last_cpupid(folio), now);

	if (age == UINT_MAX)
		return NUMA_SAMPLING_HEAT_FIRST;
	return age < th ? NUMA_SAMPLING_HEAT_HOT : NUMA_SAMPLING_HEAT_COLD;
}

/*
 * The naturally aligned block of 2^@order pages around @addr, clipped to
 * @vma: [*@start, *@end).  @pte maps @addr; returns the PTE of *@start.
 * The block is no larger than a PMD, so it lies in @pte's table.
 */
static pte_t *numa_sampling_block(struct vm_area_struct *vma, pte_t *pte,
				  unsigned long addr, unsigned int order,
				  unsigned long *start, unsigned long *end)
{
	unsigned long base = ALIGN_DOWN(addr, PAGE_SIZE << order);

	*start = max(base, vma->vm_start);
	*end = min(base + (PAGE_SIZE << order), vma->vm_end);
	return pte - ((addr - *start) >> PAGE_SHIFT);
}

/*
 * The heat of the block around the sampled small folio at @addr, mapped
 * by @pte (its table lock held): the hottest of the slow-tier small folios
 * mapped in it.
 */
static enum numa_sampling_heat
numa_sampling_block_heat(struct vm_area_struct *vma, pte_t *pte,
			 unsigned long addr, struct folio *sampled,
			 unsigned int now, unsigned int th)
{
	unsigned int order = READ_ONCE(numa_sampling_state.region_order);
	enum numa_sampling_heat heat;
	unsigned long start, end, a;

	heat = numa_sampling_folio_heat(sampled, now, th);
	if (!order || heat == NUMA_SAMPLING_HEAT_HOT)
		return heat;
	pte = numa_sampling_block(vma, pte, addr, order, &start, &end);
	for (a = start; a < end; a += PAGE_SIZE, pte++) {
		pte_t ptent = ptep_get(pte);
		struct folio *folio;

		if (a == addr || !pte_present(ptent) || pte_protnone(ptent))
			continue;
		folio = vm_normal_folio(vma, a, ptent);
		if (!folio || folio_test_large(folio) ||
		    !folio_use_access_time(folio))
			continue;
		heat = max(heat, numa_sampling_folio_heat(folio, now, th));
		if (heat == NUMA_SAMPLING_HEAT_HOT)
			break;
	}
	return heat;
}

/* The top-tier last_cpupid of a folio promoted at @now (ms). */
static int numa_sampling_promotion_stamp(unsigned int now)
{
	return (now >> PAGE_ACCESS_TIME_BUCKETS) & LAST_CPUPID_MASK;
}

/*
 * Was the folio whose top-tier last_cpupid is @cpupid promoted less than
 * NUMA_SAMPLING_PINGPONG_MS before @now?
 */
static bool numa_sampling_promoted_recently(int cpupid, unsigned int now)
{
	return numa_sampling_age(cpupid, now) < NUMA_SAMPLING_PINGPONG_MS;
}

/**
 * numa_sampling_tier_change - a folio is migrating to another memory tier
 * @folio:	the folio migrating (its old copy).
 * @cpupid:	its last_cpupid, taken from it.
 * @promotion:	it moves up to the top tier.
 *
 * Counts tiering ping-pong: a page moved down within
 * NUMA_SAMPLING_PINGPONG_MS of its promotion (by a sample or by a hint
 * fault) was copied twice for nothing.  In tiering-only mode nothing
 * reads a top-tier folio's last_cpupid (neither the scan nor the samples
 * look at top-tier memory), so a promotion leaves its time there and the
 * move down reads it.  In mode 3 the field is the top tier's cpupid and
 * ping-pong is not counted.  Called by folio_migrate_flags() in tiering
 * mode.
 *
 * Return: the new folio's last_cpupid.
 */
int numa_sampling_tier_change(struct folio *folio, int cpupid, bool promotion)
{
	unsigned int now = jiffies_to_msecs(jiffies);

	/* The field must hold a time well beyond the window. */
	BUILD_BUG_ON(NUMA_SAMPLING_PINGPONG_MS * 4 > PAGE_ACCESS_TIME_MASK);
	if (sysctl_numa_balancing_mode & NUMA_BALANCING_NORMAL)
		return -1;
	if (promotion)
		return numa_sampling_promotion_stamp(now);
	if (numa_sampling_promoted_recently(cpupid, now))
		count_vm_events(PGDEMOTE_PINGPONG, folio_nr_pages(folio));
	return -1;
}

/**
 * struct numa_sampling_decision - what the policy said about one sample.
 * @folio:	the folio sampled; isolated if @target_nid is set.
 * @around:	isolated neighbours of @folio, to migrate with it.
 * @addr:	address the policy was asked about (PMD-aligned for a THP).
 * @nid:	node the folio is on.
 * @target_nid:	node to migrate to, or NUMA_NO_NODE.
 * @last_cpupid: the folio's last cpupid, for task_numa_fault().
 * @flags:	TNF_* flags for task_numa_fault().
 * @nr_pages:	size of the folio.
 * @order:	order of the folio.
 * @pmd_mapped:	the folio is a PMD-mapped THP.
 * @promote:	the folio is on a lower memory tier, in tiering mode: the
 *		policy decides by hotness.
 */
struct numa_sampling_decision {
	struct folio *folio;
	struct list_head around;
	unsigned long addr;
	int nid;
	int target_nid;
	int last_cpupid;
	int flags;
	int nr_pages;
	unsigned int order;
	bool pmd_mapped;
	bool promote;
};

/* The samples of one chunk, decided under mmap_lock, acted on after it. */
struct numa_sampling_batch {
	struct numa_sampling_decision decisions[NUMA_SAMPLING_CHUNK];
	unsigned int nr;
	unsigned long isolated;
};

/*
 * Is the sample of slow-tier @decision->folio hot?  The sample becomes
 * the folio's access time either way.  @pte maps it, or is NULL for a
 * PMD-mapped THP.  Page table lock held.
 */
static bool numa_sampling_promote_hot(struct vm_area_struct *vma, pte_t *pte,
				      struct numa_sampling_decision *decision)
{
	unsigned int now = jiffies_to_msecs(jiffies);
	unsigned int th = numa_sampling_hot_threshold();
	struct folio *folio = decision->folio;
	enum numa_sampling_heat heat;

	if (pte && !folio_test_large(folio))
		heat = numa_sampling_block_heat(vma, pte, decision->addr, folio,
						now, th);
	else
		heat = numa_sampling_folio_heat(folio, now, th);
	folio_xchg_access_time(folio, now);
	if (heat == NUMA_SAMPLING_HEAT_HOT)
		return true;
	if (heat == NUMA_SAMPLING_HEAT_FIRST) {
		count_vm_numa_event(NUMA_SAMPLING_PROMOTE_FIRST);
		/* Slow-tier memory not seen yet: worth sampling faster. */
		this_cpu_inc(numa_sampling_window.misplaced);
	} else {
		count_vm_numa_event(NUMA_SAMPLING_PROMOTE_COLD);
	}
	return false;
}

/*
 * What do_numa_page() does for a hint fault under the page table lock,
 * for a sample: gather the fault flags, apply the policy and, for a
 * misplaced folio, isolate it.  @ptl is held.
 */
static void numa_sampling_decide(struct vm_area_struct *vma, pte_t *pte,
				 spinlock_t *ptl, bool writable,
				 struct numa_sampling_decision *decision)
{
	struct folio *folio = decision->folio;
	struct vm_fault vmf = {
		.vma = vma,
		.address = decision->addr,
		.ptl = ptl,
	};
	int err;

	decision->nid = folio_nid(folio);
	decision->nr_pages = folio_nr_pages(folio);
	decision->order = folio_order(folio);
	decision->flags = 0;
	INIT_LIST_HEAD(&decision->around);

	/* As numa_migrate_check(), without counting a hint fault. */
	if (!writable)
		decision->flags |= TNF_NO_GROUP;
	if (folio_likely_mapped_shared(folio) && (vma->vm_flags & VM_SHARED))
		decision->flags |= TNF_SHARED;
	if (folio_use_access_time(folio))
		decision->last_cpupid = (-1 & LAST_CPUPID_MASK);
	else
		decision->last_cpupid = folio_last_cpupid(folio);
	vma_set_access_pid_bit(vma);
	count_vm_numa_event(NUMA_SAMPLING_SAMPLES_USED);
	this_cpu_inc(numa_sampling_window.used);
	if (decision->nid == numa_node_id()) {
		count_vm_numa_event(NUMA_SAMPLING_SAMPLES_LOCAL);
		decision->flags |= TNF_FAULT_LOCAL;
	}

	decision->promote = folio_use_access_time(folio);
	if (decision->promote && !numa_sampling_promote_hot(vma, pte, decision)) {
		decision->target_nid = NUMA_NO_NODE;
		return;
	}
	/*
	 * A hot slow-tier folio: its access time is now, so what
	 * should_numa_migrate_memory() still asks is the rate limit.
	 */
	decision->target_nid = mpol_misplaced(folio, &vmf, decision->addr);
	if (decision->target_nid == NUMA_NO_NODE) {
		/* The promotion rate limit, or a memory policy. */
		if (decision->promote)
			count_vm_numa_event(NUMA_SAMPLING_PROMOTE_REFUSED);
		return;
	}
	/*
	 * Misplaced is what the policy would move, not merely remote: memory
	 * bound elsewhere, or shared memory the other node uses too, is
	 * where it belongs, and sampling faster would not change that.
	 */
	this_cpu_inc(numa_sampling_window.misplaced);
	err = migrate_misplaced_folio_prepare(folio, vma, decision->target_nid);
	if (err) {
		trace_numa_sampling_migrate(current, decision->addr,
					    decision->order, decision->nid,
					    decision->target_nid, err);
		count_vm_numa_event(NUMA_SAMPLING_MIGRATE_FAILED);
		/*
		 * The top tier below its high watermark: upstream refuses and
		 * wakes kswapd, which in tiering mode demotes to make room.
		 */
		if (decision->promote &&
		    !migrate_balanced_pgdat(NODE_DATA(decision->target_nid),
					    decision->nr_pages))
			count_vm_numa_event(NUMA_SAMPLING_PROMOTE_LOWMEM);
		decision->flags |= TNF_MIGRATE_FAIL;
		decision->target_nid = NUMA_NO_NODE;
	}
	/* Isolated: the isolation holds a reference, the folio stays. */
}

/*
 * Does what is known of the last access to a neighbour allow moving it
 * to @nid without a sample of its own?  The two-stage filter of
 * should_numa_migrate_memory() moves a page only when two accesses in a
 * row came from the destination node, and mpol_misplaced() records this
 * task's CPU as the last accessor even when it refuses.  For a neighbour
 * whose last recorded access came from another node, that record would
 * be made up, and the next sample in the block would find the filter
 * passed: a process that now and then reads the other node's half of a
 * shared mapping pulls it over neighbourhood by neighbourhood, and the
 * other process pulls it back.  So such a neighbour is not even asked;
 * one with no recorded access, or the last from @nid, is.
 */
static bool numa_sampling_neighbour_last_access(struct folio *folio, int nid)
{
	int last_cpupid = folio_last_cpupid(folio);

	return cpupid_pid_unset(last_cpupid) || cpupid_to_nid(last_cpupid) == nid;
}

/*
 * Should the page at @addr, next to a sample whose folio is isolated to
 * move, go with it?  Only a small folio on the sampled folio's node (a
 * large folio waits for its own sample) that the policy would send to the
 * same node had it been sampled itself.  For NUMA placement its last
 * recorded access must also be from where it would go; a promotion's
 * block is hot, and the neighbour is asked as if sampled now (its access
 * time set), so that the rate limit counts it.  @ptl is held.
 */
static bool numa_sampling_neighbour_goes(struct vm_area_struct *vma,
					 spinlock_t *ptl, unsigned long addr,
					 struct folio *folio,
					 const struct numa_sampling_decision *decision)
{
	struct vm_fault vmf = {
		.vma = vma,
		.address = addr,
		.ptl = ptl,
	};

	if (!numa_sampling_folio_suitable(vma, folio) || folio_test_large(folio) ||
	    folio_nid(folio) != decision->nid)
		return false;
	if (decision->promote)
		folio_xchg_access_time(folio, jiffies_to_msecs(jiffies));
	else if (!numa_sampling_neighbour_last_access(folio, decision->target_nid))
		return false;
	return mpol_misplaced(folio, &vmf, addr) == decision->target_nid;
}

/*
 * Isolate the misplaced neighbours of the sampled page in [@start, @end),
 * mapped from @pte (whose table lock @ptl is held), onto
 * @decision->around.  Returns the number isolated; *@all is cleared if a
 * page mapped there stays.
 */
static unsigned int numa_sampling_gather_range(struct vm_area_struct *vma,
					       pte_t *pte, spinlock_t *ptl,
					       unsigned long start,
					       unsigned long end,
					       struct numa_sampling_decision *decision,
					       bool *all)
{
	unsigned long addr;
	unsigned int nr = 0;

	for (addr = start; addr < end; addr += PAGE_SIZE, pte++) {
		pte_t ptent = ptep_get(pte);
		struct folio *folio;

		if (addr == decision->addr || !pte_present(ptent))
			continue;
		folio = pte_protnone(ptent) ? NULL :
			vm_normal_folio(vma, addr, ptent);
		if (!folio ||
		    !numa_sampling_neighbour_goes(vma, ptl, addr, folio,
						  decision) ||
		    migrate_misplaced_folio_prepare(folio, vma,
						    decision->target_nid)) {
			*all = false;
			continue;
		}
		list_add_tail(&folio->lru, &decision->around);
		nr++;
	}
	return nr;
}

/*
 * Isolate the misplaced neighbours of the sampled page in its aligned
 * block of 2^region_order pages (within the VMA), to migrate with it.  A
 * sample is one access in thousands: memory next to a misplaced page is
 * most often misplaced and used the same way, and waiting for a sample of
 * each page (as a hint fault is taken on each) leaves a large footprint
 * remote for a long time.  When every page mapped in the block goes, the
 * region is likely larger than the block: take the rest of the block twice
 * as large, and so on while everything goes, up to a PMD's worth (as one
 * sample of a THP moves 2 MiB).  A page that stays (used from the other
 * node, shared, not movable) stops the growth.  @pte maps @decision->addr;
 * its table lock @ptl is held.  Returns the number of pages isolated.  In
 * tiering mode the block does not grow: it stands for its hottest page,
 * not for the memory around it.
 */
static unsigned int numa_sampling_gather_around(struct vm_area_struct *vma,
						pte_t *pte, spinlock_t *ptl,
						struct numa_sampling_decision *decision)
{
	unsigned int order = READ_ONCE(numa_sampling_state.region_order), nr = 0;
	unsigned long start, end, lo, hi;
	bool all = true;
	pte_t *first;

	if (!order || decision->target_nid == NUMA_NO_NODE || decision->order)
		return 0;
	/* Tiering only: top-tier memory is only promoted to. */
	if (!decision->promote &&
	    !(sysctl_numa_balancing_mode & NUMA_BALANCING_NORMAL))
		return 0;
	first = numa_sampling_block(vma, pte, decision->addr, order, &lo, &hi);
	nr = numa_sampling_gather_range(vma, first, ptl, lo, hi, decision, &all);
	/*
	 * Grow on a first access, or on two in a row from the destination
	 * (the two-stage filter passed), not on the exemption
	 * should_numa_migrate_memory() gives a young task's own pages: a
	 * thread the scheduler moves to the other node for a while would
	 * pull its whole footprint along, and back again.
	 */
	if (!cpupid_pid_unset(decision->last_cpupid) &&
	    cpupid_to_nid(decision->last_cpupid) != decision->target_nid)
		return nr;
	while (all && !decision->promote &&
	       order < NUMA_SAMPLING_REGION_ORDER_MAX) {
		unsigned int more;

		first = numa_sampling_block(vma, pte, decision->addr, ++order,
					    &start, &end);
		if (start == lo && end == hi)
			break;
		more = numa_sampling_gather_range(vma, first, ptl, start, lo,
						  decision, &all);
		more += numa_sampling_gather_range(vma,
						   first + ((hi - start) >> PAGE_SHIFT),
						   ptl, hi, end, decision, &all);
		if (!more)
			break;
		nr += more;
		lo = start;
		hi = end;
	}
	return nr;
}

/*
 * Migrate an isolated folio to @nid, with no mmap_lock held: 6.12's
 * migrate_misplaced_folio() does not use the VMA, which may be gone.
 */
static int numa_sampling_migrate(struct folio *folio, int nid)
{
	return migrate_misplaced_folio(folio, NULL, nid);
}

/* Migrate the isolated neighbours of a sample; mmap_lock not held. */
static void numa_sampling_migrate_around(struct numa_sampling_decision *decision)
{
	struct folio *folio, *next;

	list_for_each_entry_safe(folio, next, &decision->around, lru) {
		list_del(&folio->lru);
		if (numa_sampling_migrate(folio, decision->target_nid)) {
			count_vm_numa_event(NUMA_SAMPLING_MIGRATE_FAILED);
			continue;
		}
		count_vm_numa_event(NUMA_SAMPLING_PAGES_MIGRATED);
		count_vm_numa_event(NUMA_SAMPLING_PAGES_MIGRATED_AROUND);
		if (decision->promote)
			count_vm_numa_event(NUMA_SAMPLING_PAGES_PROMOTED);
	}
}

/*
 * The rest of do_numa_page(), page table and mmap_lock dropped: migrate
 * an isolated folio and its neighbours, and account the access to the
 * task.  Isolated folios need no mmap_lock to migrate (compaction moves
 * them with none); the VMA may be gone by now and is not looked at.
 */
static void numa_sampling_act(struct numa_sampling_decision *decision)
{
	int nid = decision->nid, err;

	if (decision->target_nid != NUMA_NO_NODE) {
		err = numa_sampling_migrate(decision->folio,
					    decision->target_nid);
		trace_numa_sampling_migrate(current, decision->addr,
					    decision->order, decision->nid,
					    decision->target_nid, err);
		if (!err) {
			decision->flags |= TNF_MIGRATED;
			nid = decision->target_nid;
			count_vm_numa_events(NUMA_SAMPLING_PAGES_MIGRATED,
					     decision->nr_pages);
			if (decision->pmd_mapped)
				count_vm_numa_event(NUMA_SAMPLING_THP_MIGRATED);
			if (decision->promote)
				count_vm_numa_events(NUMA_SAMPLING_PAGES_PROMOTED,
						     decision->nr_pages);
		} else {
			decision->flags |= TNF_MIGRATE_FAIL;
			count_vm_numa_event(NUMA_SAMPLING_MIGRATE_FAILED);
		}
		numa_sampling_migrate_around(decision);
	}
	task_numa_fault(decision->last_cpupid, nid, decision->nr_pages,
			decision->flags);
}

/* The next free decision of @batch, for a sample about to be decided. */
static struct numa_sampling_decision *
numa_sampling_next_decision(struct numa_sampling_batch *batch)
{
	return &batch->decisions[batch->nr];
}

/* The decision filled in is kept, to be acted on after mmap_lock. */
static void numa_sampling_keep_decision(struct numa_sampling_batch *batch,
					unsigned int around)
{
	struct numa_sampling_decision *decision = &batch->decisions[batch->nr++];

	if (decision->target_nid != NUMA_NO_NODE)
		batch->isolated += decision->nr_pages + around;
}

#ifdef CONFIG_TRANSPARENT_HUGEPAGE
/* A sample in a PMD-mapped THP: the whole folio is the unit. */
static void numa_sampling_pmd(struct vm_area_struct *vma, pmd_t *pmd,
			      const struct numa_sampling_entry *entry,
			      struct numa_sampling_batch *batch)
{
	struct numa_sampling_decision *decision = numa_sampling_next_decision(batch);
	unsigned long haddr = entry->vaddr & HPAGE_PMD_MASK;
	spinlock_t *ptl;	/* the PMD's page table lock */
	pmd_t pmdval;

	ptl = pmd_lock(vma->vm_mm, pmd);
	pmdval = pmdp_get(pmd);
	if (!pmd_trans_huge(pmdval)) {
		/* Split or zapped since the lockless look. */
		spin_unlock(ptl);
		count_vm_numa_event(NUMA_SAMPLING_SKIP_UNMAPPED);
		return;
	}
	if (pmd_protnone(pmdval)) {
		/* Marked by a scan before the switch: its fault decides. */
		spin_unlock(ptl);
		count_vm_numa_event(NUMA_SAMPLING_SKIP_HINTED);
		return;
	}
	if (entry->has_paddr &&
	    pmd_pfn(pmdval) + ((entry->vaddr & ~HPAGE_PMD_MASK) >> PAGE_SHIFT) !=
	    PHYS_PFN(entry->paddr)) {
		spin_unlock(ptl);
		count_vm_numa_event(NUMA_SAMPLING_SKIP_PADDR);
		return;
	}
	decision->folio = vm_normal_folio_pmd(vma, haddr, pmdval);
	if (!thp_migration_supported() ||
	    !numa_sampling_folio_suitable(vma, decision->folio)) {
		spin_unlock(ptl);
		count_vm_numa_event(NUMA_SAMPLING_SKIP_FOLIO);
		return;
	}
	decision->addr = haddr;
	decision->pmd_mapped = true;
	numa_sampling_decide(vma, NULL, ptl, pmd_write(pmdval), decision);
	spin_unlock(ptl);
	numa_sampling_keep_decision(batch, 0);
}
#else
static void numa_sampling_pmd(struct vm_area_struct *vma, pmd_t *pmd,
			      const struct numa_sampling_entry *entry,
			      struct numa_sampling_batch *batch)
{
	count_vm_numa_event(NUMA_SAMPLING_SKIP_FOLIO);
}
#endif

/*
 * Is the PTE still mapping what was sampled, and a folio NUMA balancing
 * may move?  Returns 0 and fills @decision if so, else the skip counter.
 * PTE table lock held.
 */
static int numa_sampling_check_pte(struct vm_area_struct *vma, pte_t ptent,
				   const struct numa_sampling_entry *entry,
				   struct numa_sampling_decision *decision)
{
	if (!pte_present(ptent))
		return NUMA_SAMPLING_SKIP_UNMAPPED;
	if (pte_protnone(ptent))
		return NUMA_SAMPLING_SKIP_HINTED;
	/* The page sampled may have been freed and the address reused. */
	if (entry->has_paddr && pte_pfn(ptent) != PHYS_PFN(entry->paddr))
		return NUMA_SAMPLING_SKIP_PADDR;
	decision->folio = vm_normal_folio(vma, decision->addr, ptent);
	if (!numa_sampling_folio_suitable(vma, decision->folio))
		return NUMA_SAMPLING_SKIP_FOLIO;
	return 0;
}

static void numa_sampling_pte(struct vm_area_struct *vma, pmd_t *pmd,
			      const struct numa_sampling_entry *entry,
			      struct numa_sampling_batch *batch)
{
	struct numa_sampling_decision *decision = numa_sampling_next_decision(batch);
	unsigned int around = 0;
	spinlock_t *ptl;	/* the PTE table's lock */
	pte_t *pte, ptent;
	int skip;

	decision->addr = entry->vaddr & PAGE_MASK;
	decision->pmd_mapped = false;
	/*
	 * pte_offset_map_lock() without its __cond_lock() wrapper, whose
	 * conditional context sparse cannot follow past the NULL check: the
	 * table lock and the RCU read lock of the mapping (which
	 * pte_unmap_unlock() releases) are held exactly when a PTE table
	 * came back.
	 */
	pte = __pte_offset_map_lock(vma->vm_mm, pmd, decision->addr, &ptl);
	if (!pte) {
		count_vm_numa_event(NUMA_SAMPLING_SKIP_UNMAPPED);
		return;
	}
	__acquire(RCU);
	__acquire(ptl);
	ptent = ptep_get(pte);
	skip = numa_sampling_check_pte(vma, ptent, entry, decision);
	if (!skip) {
		numa_sampling_decide(vma, pte, ptl, pte_write(ptent), decision);
		around = numa_sampling_gather_around(vma, pte, ptl, decision);
	}
	pte_unmap_unlock(pte, ptl);

	if (skip)
		count_vm_numa_event(skip);
	else
		numa_sampling_keep_decision(batch, around);
}

/*
 * One sample of current's, mmap_lock held for read; @sampled_mm is the mm
 * it was taken in.  A sample that reaches the policy leaves its decision
 * in @batch.
 */
static void numa_sampling_one(struct mm_struct *mm,
			      struct mm_struct *sampled_mm,
			      const struct numa_sampling_entry *entry,
			      struct numa_sampling_batch *batch)
{
	struct vm_area_struct *vma;
	pmd_t *pmd, pmdval;

	/*
	 * From an mm replaced by exec since, or made on a node the task has
	 * left: the task's accesses now come from elsewhere.
	 */
	if (sampled_mm != mm || entry->nid != numa_node_id()) {
		count_vm_numa_event(NUMA_SAMPLING_SKIP_STALE);
		return;
	}
	vma = vma_lookup(mm, entry->vaddr);
	if (!vma) {
		count_vm_numa_event(NUMA_SAMPLING_SKIP_UNMAPPED);
		return;
	}
	if (!numa_sampling_vma_suitable(vma)) {
		count_vm_numa_event(NUMA_SAMPLING_SKIP_VMA);
		return;
	}
	pmd = mm_find_pmd(mm, entry->vaddr);
	if (!pmd) {
		count_vm_numa_event(NUMA_SAMPLING_SKIP_UNMAPPED);
		return;
	}
	pmdval = pmdp_get_lockless(pmd);
	if (pmd_trans_huge(pmdval)) {
		numa_sampling_pmd(vma, pmd, entry, batch);
		return;
	}
	if (pmd_none(pmdval) || !pmd_present(pmdval)) {
		count_vm_numa_event(NUMA_SAMPLING_SKIP_UNMAPPED);
		return;
	}
	numa_sampling_pte(vma, pmd, entry, batch);
}

/*
 * Look up and decide one chunk of samples under one mmap_read_trylock(),
 * then act on the decisions with the lock dropped.  The balance events
 * bracket the time mmap_lock is held.  Returns false if the lock was
 * contended (nothing done).
 */
static bool numa_sampling_chunk(struct mm_struct *mm,
				struct mm_struct *sampled_mm,
				const struct numa_sampling_entry *chunk,
				unsigned int nr)
{
	struct task_struct *p = current;
	struct numa_sampling_batch batch;
	u64 start = local_clock();
	unsigned int i;

	if (!mmap_read_trylock(mm))
		return false;
	trace_sched_numa_balance_start(p);
	batch.nr = 0;
	batch.isolated = 0;
	for (i = 0; i < nr; i++)
		numa_sampling_one(mm, sampled_mm, &chunk[i], &batch);
	trace_sched_numa_balance_end(p, nr, batch.isolated);
	mmap_read_unlock(mm);
	/*
	 * Learning from the samples is sampling's cost, charged to the CPU
	 * budget; the migrations decided on are the balancing itself, as
	 * scan mode's are, and are not: charged, they would slow sampling
	 * down exactly while there is most to move.
	 */
	mem_sampling_account(local_clock() - start);

	for (i = 0; i < batch.nr; i++)
		numa_sampling_act(&batch.decisions[i]);
	return true;
}

/*
 * The task_work: current processes its queued samples, at most one
 * queue's worth, a chunk at a time.
 */
static void numa_sampling_work(struct callback_head *work)
{
	struct numa_sampling_queue *queue =
		container_of(work, struct numa_sampling_queue, work);
	struct numa_sampling_entry chunk[NUMA_SAMPLING_CHUNK];
	unsigned int budget = NUMA_SAMPLING_QUEUE_LEN, nr;
	struct task_struct *p = current;
	struct mm_struct *mm = p->mm, *sampled_mm;

	/* Samples arriving from now on queue the work again. */
	clear_bit(NUMA_SAMPLING_WORK_PENDING, &queue->state);
	/*
	 * Order the clear before the dequeue: a producer that saw the bit
	 * still set has its samples in the queue by the time we lock it.
	 */
	smp_mb__after_atomic();

	if ((p->flags & PF_EXITING) || !mm) {
		numa_sampling_discard(queue);
		return;
	}
	/* The CPU that lent us its spare queue gets a new one. */
	numa_sampling_refill_spare(raw_smp_processor_id());
	numa_sampling_free_orphans();

	if (!numa_sampling_active()) {
		nr = numa_sampling_discard(queue);
		count_vm_numa_events(NUMA_SAMPLING_SKIP_STALE, nr);
		return;
	}

	while (budget) {
		nr = numa_sampling_dequeue(queue, chunk,
					   min(budget, NUMA_SAMPLING_CHUNK),
					   &sampled_mm);
		if (!nr)
			break;
		budget -= nr;
		if (!numa_sampling_chunk(mm, sampled_mm, chunk, nr)) {
			nr += numa_sampling_discard(queue);
			count_vm_numa_events(NUMA_SAMPLING_SKIP_LOCKED, nr);
			break;
		}
		cond_resched();
	}
}

/* ------------------------------------------- adaptive sampling rate */

/*
 * Scan mode adapts its scan period to what the hint faults find
 * (update_task_scan_period()); sample mode adapts the sampling interval to
 * what the samples find.  Every period the share of used samples whose
 * memory the policy would move (misplaced) decides: at least
 * 1/NUMA_SAMPLING_FAST_SHARE misplaced, sample as fast as allowed
 * (2^adapt_max times the configured rate); under
 * 1/NUMA_SAMPLING_SLOW_SHARE, one step (a factor of 2) slower, down to
 * 2^adapt_max times less often than configured once converged, as scan
 * mode's period grows towards scan_period_max; in between, or with too
 * few samples to tell, no change.  The misplaced share of the samples is
 * the share of the accesses that go to memory the policy would move, and
 * it is small even far from convergence: a task's samples also land on its
 * stack, its own bookkeeping and other memory that is local from the start
 * (on the uniform benchmark two accesses in three).  So the thresholds are
 * low: a remote access costs more than a local one, and sampling stays
 * fast until well under 1% of the accesses are to misplaced memory (98%
 * of the benchmark's buffer local), its cost capped by the CPU budget
 * meanwhile.  The rate is the provider's, so the decision is global, taken
 * on the samples of every sampled task.
 */
static int numa_sampling_next_shift(int shift, unsigned int max,
				    unsigned long used, unsigned long misplaced)
{
	shift = clamp(shift, -(int)max, (int)max);
	if (used < NUMA_SAMPLING_ADAPT_MIN_SAMPLES)
		return shift;
	if (misplaced * NUMA_SAMPLING_FAST_SHARE >= used)
		return max;
	if (misplaced * NUMA_SAMPLING_SLOW_SHARE < used && shift > -(int)max)
		return shift - 1;
	return shift;
}

static void numa_sampling_window_sum(struct numa_sampling_window *sum)
{
	int cpu;

	sum->used = 0;
	sum->misplaced = 0;
	for_each_possible_cpu(cpu) {
		struct numa_sampling_window *window;

		window = per_cpu_ptr(&numa_sampling_window, cpu);
		sum->used += READ_ONCE(window->used);
		sum->misplaced += READ_ONCE(window->misplaced);
	}
}

/* Ask the core for @shift; numa_sampling_lock is held. */
static void numa_sampling_set_shift(int shift, unsigned long used,
				    unsigned long misplaced)
{
	int interval;

	lockdep_assert_held(&numa_sampling_lock);
	if (shift == numa_sampling_state.shift)
		return;
	interval = mem_sampling_set_interval_shift(shift);
	if (interval < 0) {
		pr_warn_ratelimited("cannot change the sampling interval: %d\n",
				    interval);
		return;
	}
	trace_numa_sampling_interval(used, misplaced, numa_sampling_state.shift,
				     shift, interval);
	count_vm_numa_event(shift > numa_sampling_state.shift ?
			    NUMA_SAMPLING_INTERVAL_FASTER :
			    NUMA_SAMPLING_INTERVAL_SLOWER);
	numa_sampling_state.shift = shift;
}

/*
 * After a period at the slowest rate that found under
 * 1/NUMA_SAMPLING_SLOW_SHARE misplaced, scan mode would lengthen its period towards
 * scan_period_max; sample mode rests: sampling pauses for
 * NUMA_SAMPLING_REST_MIN_MS, then one period of samples decides again,
 * and each further quiet period doubles the rest up to
 * NUMA_SAMPLING_REST_MAX_MS.  Returns the next rest in ms, 0 to sample on
 * (which also restarts the doubling).
 */
static unsigned int numa_sampling_next_rest(unsigned int rest_ms, int shift,
					    int next, unsigned int max,
					    unsigned long used,
					    unsigned long misplaced)
{
	if (!max || shift != -(int)max || next != -(int)max ||
	    used < NUMA_SAMPLING_ADAPT_MIN_SAMPLES ||
	    misplaced * NUMA_SAMPLING_SLOW_SHARE >= used)
		return 0;
	if (!rest_ms)
		return NUMA_SAMPLING_REST_MIN_MS;
	return min(rest_ms * 2, NUMA_SAMPLING_REST_MAX_MS);
}

/* Pause or resume sampling for a rest; numa_sampling_lock is held. */
static void numa_sampling_set_resting(bool rest)
{
	lockdep_assert_held(&numa_sampling_lock);
	if (rest == numa_sampling_state.resting)
		return;
	/* Refused while the record event has users: sample on. */
	if (mem_sampling_pause(rest))
		return;
	WRITE_ONCE(numa_sampling_state.resting, rest);
	if (rest)
		count_vm_numa_event(NUMA_SAMPLING_RESTS);
}

static void numa_sampling_adapt_fn(struct work_struct *work)
{
	struct numa_sampling_state *state = &numa_sampling_state;
	unsigned long delay = NUMA_SAMPLING_ADAPT_PERIOD_MS;
	struct numa_sampling_window now;
	unsigned long used, misplaced;
	int next;

	mutex_lock(&numa_sampling_lock);
	if (!state->mode)
		goto out;
	numa_sampling_window_sum(&now);
	used = now.used - state->window_last.used;
	misplaced = now.misplaced - state->window_last.misplaced;
	state->window_last = now;
	if (state->resting) {
		/* A rest over: a period of samples decides what follows. */
		numa_sampling_set_resting(false);
		goto again;
	}
	next = numa_sampling_next_shift(state->shift, state->adapt_max,
					used, misplaced);
	state->rest_ms = numa_sampling_next_rest(state->rest_ms, state->shift,
						 next, state->adapt_max,
						 used, misplaced);
	numa_sampling_set_shift(next, used, misplaced);
	if (state->rest_ms) {
		numa_sampling_set_resting(true);
		if (state->resting)
			delay = state->rest_ms;
	}
again:
	schedule_delayed_work(&numa_sampling_adapt_work,
			      msecs_to_jiffies(delay));
out:
	mutex_unlock(&numa_sampling_lock);
}

/*
 * Sample mode on: nothing is known yet, so start as fast as allowed (as
 * scan mode starts at its shortest period) and let the samples slow it
 * down.  Off: back to the configured interval, no rest.
 * numa_sampling_lock is held.
 */
static void numa_sampling_adapt_start(bool on)
{
	lockdep_assert_held(&numa_sampling_lock);
	numa_sampling_state.rest_ms = 0;
	numa_sampling_set_resting(false);
	if (!on) {
		numa_sampling_set_shift(0, 0, 0);
		return;
	}
	numa_sampling_window_sum(&numa_sampling_state.window_last);
	numa_sampling_set_shift(numa_sampling_state.adapt_max, 0, 0);
	mod_delayed_work(system_wq, &numa_sampling_adapt_work,
			 msecs_to_jiffies(NUMA_SAMPLING_ADAPT_PERIOD_MS));
}

/* ------------------------------------------------------- sysctl */

static void numa_sampling_fill_spares(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		numa_sampling_refill_spare(cpu);
}

static int numa_sampling_mode_handler(const struct ctl_table *table, int write,
				      void *buffer, size_t *lenp, loff_t *ppos)
{
	int mode, err;

	mutex_lock(&numa_sampling_lock);
	mode = numa_sampling_state.mode;
	err = mem_sampling_proc_int(table, write, buffer, lenp, ppos, &mode);
	if (err || !write || mode == numa_sampling_state.mode)
		goto out;
	if (mode) {
		numa_sampling_fill_spares();
		static_branch_enable(&numa_sampling_mode_key);
	} else {
		static_branch_disable(&numa_sampling_mode_key);
	}
	numa_sampling_state.mode = mode;
	numa_sampling_adapt_start(mode);
out:
	mutex_unlock(&numa_sampling_lock);
	return err;
}

static int numa_sampling_adapt_handler(const struct ctl_table *table,
				       int write, void *buffer, size_t *lenp,
				       loff_t *ppos)
{
	int max, err;

	mutex_lock(&numa_sampling_lock);
	max = numa_sampling_state.adapt_max;
	err = mem_sampling_proc_int(table, write, buffer, lenp, ppos, &max);
	if (err || !write)
		goto out;
	numa_sampling_state.adapt_max = max;
	/* Within the new limits at once; the samples decide the rest. */
	if (numa_sampling_state.mode) {
		numa_sampling_set_shift(clamp(numa_sampling_state.shift,
					      -max, max), 0, 0);
		/* No adaptation, no rest. */
		if (!max) {
			numa_sampling_state.rest_ms = 0;
			numa_sampling_set_resting(false);
		}
	}
out:
	mutex_unlock(&numa_sampling_lock);
	return err;
}

/* Read locklessly by the task_work: one WRITE_ONCE() of a valid value. */
static int numa_sampling_region_handler(const struct ctl_table *table,
					int write, void *buffer, size_t *lenp,
					loff_t *ppos)
{
	int order = READ_ONCE(numa_sampling_state.region_order), err;

	err = mem_sampling_proc_int(table, write, buffer, lenp, ppos, &order);
	if (!err && write)
		WRITE_ONCE(numa_sampling_state.region_order, order);
	return err;
}

static const int numa_sampling_adapt_limit = MEM_SAMPLING_MAX_INTERVAL_SHIFT;
static const int numa_sampling_region_order_max = NUMA_SAMPLING_REGION_ORDER_MAX;

static struct ctl_table numa_sampling_sysctls[] = {
	{
		.procname	= "numa_balancing_mem_sampling",
		.data		= &numa_sampling_state.mode,
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= numa_sampling_mode_handler,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_ONE,
	},
	{
		.procname	= "numa_balancing_mem_sampling_adapt",
		.data		= &numa_sampling_state.adapt_max,
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= numa_sampling_adapt_handler,
		.extra1		= SYSCTL_ZERO,
		.extra2		= (void *)&numa_sampling_adapt_limit,
	},
	{
		.procname	= "numa_balancing_mem_sampling_region_order",
		.data		= &numa_sampling_state.region_order,
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= numa_sampling_region_handler,
		.extra1		= SYSCTL_ZERO,
		.extra2		= (void *)&numa_sampling_region_order_max,
	},
};

static int __init numa_sampling_init(void)
{
	int err;

	err = mem_sampling_register_consumer(&numa_sampling_consumer);
	if (err) {
		pr_err("cannot register the consumer: %d\n", err);
		return err;
	}
	register_sysctl_init("kernel", numa_sampling_sysctls);
	return 0;
}
late_initcall(numa_sampling_init);

#ifdef CONFIG_NUMA_BALANCING_MEM_SAMPLING_KUNIT_TEST
#include "tests/numa_sampling-kunit.h"
#endif
