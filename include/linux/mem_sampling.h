/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mem_sampling: hardware memory access sampling for the kernel's own use.
 *
 * A provider (a PMU driver such as Arm SPE; AMD IBS or Intel PEBS could be
 * others) samples the loads and stores of user tasks and hands the decoded
 * samples to the core as struct mem_sampling_record, in per-CPU batches.
 * The core attributes every batch to the task that made the accesses and
 * passes it to the registered consumers (NUMA balancing, the
 * mem_sampling:mem_sampling_record tracepoint).
 *
 * This header is the whole contract between providers, the core and
 * consumers.  Design and locking: Documentation/mm/mem_sampling.rst; use:
 * Documentation/admin-guide/mm/mem_sampling.rst.
 */
#ifndef _LINUX_MEM_SAMPLING_H
#define _LINUX_MEM_SAMPLING_H

#include <linux/types.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/list.h>

/* What kind of operation the sampled instruction was. */
enum mem_sampling_op {
	MEM_SAMPLING_OP_OTHER,
	MEM_SAMPLING_OP_LOAD,
	MEM_SAMPLING_OP_STORE,
	MEM_SAMPLING_OP_BRANCH,
};

/* Bits of mem_sampling_record.events: what the sampled operation did. */
#define MEM_SAMPLING_EVENT_RETIRED		BIT(0)
#define MEM_SAMPLING_EVENT_L1D_ACCESS		BIT(1)
#define MEM_SAMPLING_EVENT_L1D_MISS		BIT(2)
#define MEM_SAMPLING_EVENT_LLC_ACCESS		BIT(3)
#define MEM_SAMPLING_EVENT_LLC_MISS		BIT(4)
#define MEM_SAMPLING_EVENT_TLB_ACCESS		BIT(5)
#define MEM_SAMPLING_EVENT_TLB_WALK		BIT(6)
#define MEM_SAMPLING_EVENT_REMOTE_ACCESS	BIT(7)
#define MEM_SAMPLING_EVENT_MISPREDICT		BIT(8)
#define MEM_SAMPLING_EVENT_NOT_TAKEN		BIT(9)
#define MEM_SAMPLING_EVENT_ALL			GENMASK(9, 0)

/* Bits of mem_sampling_record.flags: which fields hold a value. */
#define MEM_SAMPLING_RECORD_VADDR_VALID		BIT(0)
#define MEM_SAMPLING_RECORD_PADDR_VALID		BIT(1)
#define MEM_SAMPLING_RECORD_PC_VALID		BIT(2)
#define MEM_SAMPLING_RECORD_CONTEXT_VALID	BIT(3)
#define MEM_SAMPLING_RECORD_TIMESTAMP_VALID	BIT(4)
#define MEM_SAMPLING_RECORD_TOTAL_LAT_VALID	BIT(5)
#define MEM_SAMPLING_RECORD_ISSUE_LAT_VALID	BIT(6)
#define MEM_SAMPLING_RECORD_XLAT_LAT_VALID	BIT(7)
#define MEM_SAMPLING_RECORD_DATA_SOURCE_VALID	BIT(8)
/* The physical address was reported as non-secure (Arm: NS bit). */
#define MEM_SAMPLING_RECORD_PADDR_NS		BIT(9)
/* The record was cut short (end of buffer); fields may be missing. */
#define MEM_SAMPLING_RECORD_TRUNCATED		BIT(10)

/**
 * struct mem_sampling_record - one sampled memory access, decoded.
 * @vaddr:		data virtual address (tag byte removed).
 * @paddr:		data physical address.
 * @pc:			address of the sampled instruction.
 * @timestamp:		provider timestamp (Arm: generic timer or PMU count).
 * @context_id:		hardware context id (Arm: CONTEXTIDR_EL1, the pid).
 * @events:		MEM_SAMPLING_EVENT_* bits.
 * @flags:		MEM_SAMPLING_RECORD_* bits: which fields are valid.
 * @total_latency:	cycles from dispatch to completion.
 * @issue_latency:	cycles from dispatch to issue.
 * @translation_latency: cycles spent in address translation.
 * @data_source:	provider-specific data source code.
 * @op:			enum mem_sampling_op.
 * @op_subclass:	provider-specific subclass of @op (Arm: LDST subclass).
 * @vaddr_tag:		top byte of the data virtual address (Arm: TBI tag).
 * @reserved:		zero.
 *
 * Producers fill only what the hardware reported and say so in @flags.
 */
struct mem_sampling_record {
	u64 vaddr;
	u64 paddr;
	u64 pc;
	u64 timestamp;
	u64 context_id;
	u32 events;
	u32 flags;
	u16 total_latency;
	u16 issue_latency;
	u16 translation_latency;
	u16 data_source;
	u8 op;
	u8 op_subclass;
	u8 vaddr_tag;
	u8 reserved;
};

struct task_struct;
struct mm_struct;
struct ctl_table;

/* Bits of mem_sampling_provider_caps.flags. */
#define MEM_SAMPLING_CAP_PADDR		BIT(0)	/* reports physical addresses */
#define MEM_SAMPLING_CAP_LATENCY	BIT(1)	/* reports latencies, filters on them */
#define MEM_SAMPLING_CAP_DATA_SOURCE	BIT(2)	/* reports where data came from */
#define MEM_SAMPLING_CAP_FILTER_OP	BIT(3)	/* can sample only loads or stores */
/*
 * Every record carries in context_id the pid (in the initial pid namespace)
 * of the task that made it: the core attributes records by it and need not
 * drain the provider when one sampled task follows another on a CPU.
 */
#define MEM_SAMPLING_CAP_CONTEXT	BIT(4)

/**
 * struct mem_sampling_provider_caps - what a provider can do, fixed at probe.
 * @flags:		MEM_SAMPLING_CAP_* bits.
 * @min_interval:	smallest sampling interval, in operations.
 * @max_interval:	largest sampling interval, in operations.
 * @max_latency_filter:	largest minimum-latency filter value, in cycles.
 * @filter_events:	MEM_SAMPLING_EVENT_* bits the provider can filter on.
 * @min_buffer_size:	smallest per-CPU buffer, in bytes.
 * @max_buffer_size:	largest per-CPU buffer, in bytes.
 */
struct mem_sampling_provider_caps {
	unsigned long flags;
	u32 min_interval;
	u32 max_interval;
	u32 max_latency_filter;
	u32 filter_events;
	u32 min_buffer_size;
	u32 max_buffer_size;
};

/* Bits of mem_sampling_config.op_filter; 0 samples every operation. */
#define MEM_SAMPLING_FILTER_LOAD	BIT(0)
#define MEM_SAMPLING_FILTER_STORE	BIT(1)

/**
 * struct mem_sampling_config - the tunables, validated by the core against
 * the provider's capabilities before the provider sees them.
 * @interval:		sample one operation in @interval.
 * @min_latency:	only sample operations at least this many cycles long.
 * @op_filter:		MEM_SAMPLING_FILTER_* bits.
 * @event_filter:	only sample operations with all of these
 *			MEM_SAMPLING_EVENT_* bits; 0 for any.
 * @buffer_size:	per-CPU buffer size in bytes.
 * @paddr:		collect physical addresses.
 */
struct mem_sampling_config {
	u32 interval;
	u32 min_latency;
	u32 op_filter;
	u32 event_filter;
	u32 buffer_size;
	bool paddr;
};

/* Largest |shift| of mem_sampling_set_interval_shift(): 256 times. */
#define MEM_SAMPLING_MAX_INTERVAL_SHIFT	8

/**
 * struct mem_sampling_provider_ops - what the core asks of a provider.
 *
 * @start, @stop and @drain run on the CPU they act on, with interrupts
 * disabled (from the scheduler's context switch path or an IPI); they must
 * not sleep and should do nothing when nothing changes.
 *
 * @configure:	apply @cfg to every CPU.  Process context, may sleep; the
 *		core has stopped sampling everywhere before calling it.
 * @start:	start or retarget sampling on this CPU for @task (user space
 *		only).  Records taken from now on belong to @task (with
 *		MEM_SAMPLING_CAP_CONTEXT, records of the previous task may
 *		still be buffered: they carry its pid).
 * @stop:	stop sampling on this CPU.  Buffered records stay buffered.
 * @drain:	hand every completed record buffered on this CPU to the core
 *		(mem_sampling_records_add()) now.
 */
struct mem_sampling_provider_ops {
	int (*configure)(const struct mem_sampling_config *cfg);
	void (*start)(struct task_struct *task);
	void (*stop)(void);
	void (*drain)(void);
};

/**
 * struct mem_sampling_provider - a registered source of samples.
 * @name:	shown in sysfs and the kernel log.
 * @ops:	see struct mem_sampling_provider_ops.
 * @caps:	see struct mem_sampling_provider_caps.
 */
struct mem_sampling_provider {
	const char *name;
	const struct mem_sampling_provider_ops *ops;
	struct mem_sampling_provider_caps caps;
};

/**
 * struct mem_sampling_consumer - a user of samples.
 * @name:		for counters and messages.
 * @handle_batch:	called for each batch of records made by @task on this
 *			CPU.  Hard interrupt context or the scheduler's
 *			context switch path, interrupts disabled, under RCU:
 *			must not sleep or allocate with anything but
 *			GFP_ATOMIC (better: not at all).  @task may be dying;
 *			it is valid for the duration of the call only.
 * @needs_samples:	optional: true while this consumer must not miss
 *			samples, which refuses another consumer's
 *			mem_sampling_pause() and overrides its
 *			mem_sampling_defer_mm().  Any context, interrupts
 *			possibly disabled, under the core's lock or RCU: must
 *			not sleep or call into the core.
 * @node:		core's list linkage.
 */
struct mem_sampling_consumer {
	const char *name;
	void (*handle_batch)(struct task_struct *task,
			     const struct mem_sampling_record *records,
			     unsigned int nr);
	bool (*needs_samples)(void);
	struct list_head node;
};

#ifdef CONFIG_MEM_SAMPLING
/* Only here: the decoder's host build shares this header, not jump labels. */
#include <linux/jump_label.h>

int mem_sampling_register_provider(struct mem_sampling_provider *provider);
void mem_sampling_unregister_provider(struct mem_sampling_provider *provider);
int mem_sampling_register_consumer(struct mem_sampling_consumer *consumer);
void mem_sampling_unregister_consumer(struct mem_sampling_consumer *consumer);

/*
 * Providers call these on the CPU that took the samples, interrupts
 * disabled: add records one by one, then flush before interrupts are
 * enabled again (once per interrupt or drain).  Records are attributed to
 * the task the provider was last started for on this CPU, or with
 * MEM_SAMPLING_CAP_CONTEXT to the task whose pid they carry.
 */
void mem_sampling_records_add(const struct mem_sampling_record *records,
			      unsigned int nr);
void mem_sampling_records_flush(void);
/* Providers count what the hardware or the decoder lost. */
void mem_sampling_count_lost(unsigned int truncated, unsigned int dropped);
/*
 * Providers and consumers charge the CPU time they spend on samples outside
 * the core's hooks (an interrupt handler, deferred work) to the CPU budget:
 * mem_sampling_account(local_clock() - start).  Any context.
 */
void mem_sampling_account(u64 ns);
/*
 * A provider lends this CPU's hardware to another user (perf) and takes
 * it back; interrupts disabled, on that CPU.  Tasks running here while it
 * is lent are not sampled, so NUMA balancing scans them as before.
 */
void mem_sampling_provider_lent(struct mem_sampling_provider *provider,
				bool lent);

/*
 * Consumers: sample 2^shift times more (shift > 0) or less (shift < 0)
 * often than the configured interval, within the provider's limits (0: as
 * configured).  Process context.
 */
int mem_sampling_set_interval_shift(int shift);

/*
 * Consumers: stop sampling everywhere for a while (true) or go on (false);
 * tasks stay sampled for mem_sampling_task_sampled().  -EBUSY while a
 * consumer needs samples (needs_samples(): the mem_sampling_record event
 * has users).  Process context.
 */
int mem_sampling_pause(bool pause);

/*
 * Is this task sampled now (global switch, its prctl, a provider, and for
 * current, the hardware of its CPU not lent to perf)?
 */
bool mem_sampling_task_sampled(struct task_struct *task);

/*
 * Can a consumer get samples with the MEM_SAMPLING_CAP_* bits @caps now?
 * 0; -ENODEV if sampling is off or has no provider; -EOPNOTSUPP if the
 * provider lacks one of @caps, or physical addresses are asked for and not
 * collected.  Any context; for a consumer to refuse to start with a clear
 * error.
 */
int mem_sampling_available(unsigned long caps);

/**
 * mem_sampling_proc_int - a strict proc_dointvec_minmax() on *@val.
 * @table:	the sysctl; its extra1 and extra2 bound the value, its data
 *		is not used.
 * @write:	@buffer is to be parsed into *@val rather than filled.
 * @buffer:	as for proc_dointvec_minmax().
 * @lenp:	as for proc_dointvec_minmax().
 * @ppos:	as for proc_dointvec_minmax().
 * @val:	the value, read or written; changes only on success.
 *
 * For the sysctls of the core and its consumers (NUMA balancing), which
 * keep their value where they choose and apply it under their own lock.
 * Writing takes CAP_SYS_ADMIN, and a write must be one number in range and
 * nothing else: "1 2" or "1 x" fail with -EINVAL where
 * proc_dointvec_minmax() alone would take the 1.
 *
 * Return: 0 or a negative error.
 */
int mem_sampling_proc_int(const struct ctl_table *table, int write,
			  void *buffer, size_t *lenp, loff_t *ppos, int *val);

/*
 * Hooks for the rest of the kernel (scheduler, prctl, mm setup); providers
 * and consumers never call these.  The static key is on only while
 * sampling runs (enabled, with a provider), so a context switch costs one
 * patched-out branch when it is off.
 */
DECLARE_STATIC_KEY_FALSE(mem_sampling_key);
void __mem_sampling_sched_out(struct task_struct *prev,
			      struct task_struct *next);
void __mem_sampling_sched_in(struct task_struct *prev,
			     struct task_struct *next);

/* From prepare_task_switch(): hand @prev's buffered records to consumers. */
static inline void mem_sampling_sched_out(struct task_struct *prev,
					  struct task_struct *next)
{
	if (static_branch_unlikely(&mem_sampling_key))
		__mem_sampling_sched_out(prev, next);
}

/* From finish_task_switch(): start or retarget sampling for @next. */
static inline void mem_sampling_sched_in(struct task_struct *prev,
					 struct task_struct *next)
{
	if (static_branch_unlikely(&mem_sampling_key))
		__mem_sampling_sched_in(prev, next);
}

int mem_sampling_prctl_set(unsigned long mode, unsigned long arg3,
			   unsigned long arg4, unsigned long arg5);
int mem_sampling_prctl_get(unsigned long arg2, unsigned long arg3,
			   unsigned long arg4, unsigned long arg5);
/* From mm_init(): a new mm (fork or exec) inherits current's mode. */
void mem_sampling_mm_init(struct mm_struct *mm);
/* A consumer has no use for a process's samples for a while. */
void mem_sampling_defer_mm(struct mm_struct *mm, unsigned int msecs);
void mem_sampling_undefer_mm(struct mm_struct *mm);
#else
static inline void mem_sampling_account(u64 ns)
{
}

static inline int mem_sampling_set_interval_shift(int shift)
{
	return -EINVAL;
}

static inline int mem_sampling_pause(bool pause)
{
	return 0;
}

static inline bool mem_sampling_task_sampled(struct task_struct *task)
{
	return false;
}

static inline int mem_sampling_available(unsigned long caps)
{
	return -ENODEV;
}

static inline void mem_sampling_sched_out(struct task_struct *prev,
					  struct task_struct *next)
{
}

static inline void mem_sampling_sched_in(struct task_struct *prev,
					 struct task_struct *next)
{
}

static inline int mem_sampling_prctl_set(unsigned long mode,
					 unsigned long arg3,
					 unsigned long arg4,
					 unsigned long arg5)
{
	return -EINVAL;
}

static inline int mem_sampling_prctl_get(unsigned long arg2,
					 unsigned long arg3,
					 unsigned long arg4,
					 unsigned long arg5)
{
	return -EINVAL;
}

static inline void mem_sampling_mm_init(struct mm_struct *mm)
{
}

static inline void mem_sampling_defer_mm(struct mm_struct *mm,
					 unsigned int msecs)
{
}

static inline void mem_sampling_undefer_mm(struct mm_struct *mm)
{
}
#endif

#endif /* _LINUX_MEM_SAMPLING_H */
