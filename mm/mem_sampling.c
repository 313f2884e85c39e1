// SPDX-License-Identifier: GPL-2.0
/*
 * mem_sampling core: hardware memory access samples for the kernel's own use.
 *
 * One provider (a PMU driver) at a time samples the user space loads and
 * stores of the task running on each CPU.  The core decides, at every
 * context switch, whether the incoming task is sampled and starts, retargets
 * or stops the provider accordingly; it keeps, per CPU, the task the
 * provider was last started for (the "target") and attributes every record
 * the provider hands over to it.  Records are collected in a fixed per-CPU
 * batch (no allocation, interrupts disabled) and dispatched to the
 * registered consumers, under RCU, when the provider flushes, when the batch
 * is full and before the target changes.
 *
 * Locking:
 *  - The global state is struct mem_sampling_state, whose comment names
 *    the lock of each field; mem_sampling_lock (a mutex) serialises every
 *    change of it.
 *  - The per-CPU state (struct mem_sampling_cpu) is only touched on its
 *    CPU with interrupts disabled: from the context switch path, from the
 *    provider's interrupt, or from an IPI sent by a state change.
 *  - Changing the provider or its configuration while samples flow first
 *    stops sampling everywhere (mem_sampling_quiesce()): clear
 *    mem_sampling_state.running, stop each CPU from an IPI, then wait for
 *    an RCU grace period, which covers every interrupts-disabled section
 *    that could still be using the old provider or a consumer.  Every such
 *    change goes through mem_sampling_commit().
 *
 * The user interfaces are separate files: mem_sampling_sysfs.c (the
 * tunables), mem_sampling_prctl.c (a process's mode); so is the built-in
 * tracepoint consumer, mem_sampling_trace.c.  Design and locking:
 * Documentation/mm/mem_sampling.rst.
 */

#define pr_fmt(fmt) "mem_sampling: " fmt

#include <linux/capability.h>
#include <linux/init.h>
#include <linux/irq_work.h>
#include <linux/jiffies.h>
#include <linux/jump_label.h>
#include <linux/mem_sampling.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/prctl.h>
#include <linux/rculist.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/sysctl.h>
#include <linux/vmstat.h>

#include "mem_sampling_internal.h"

/*
 * Records dispatched to consumers in one call.  A full batch is dispatched
 * at once, so a provider interrupt costs at most its own record count in
 * work, and the per-CPU memory is fixed (64 records of 64 bytes).
 */
#define MEM_SAMPLING_BATCH	64

/* Defaults before any provider is known; fitted to its caps on register. */
#define MEM_SAMPLING_DEFAULT_INTERVAL		1024
#define MEM_SAMPLING_DEFAULT_BUFFER_SIZE	(64 * 1024)
/*
 * 3% of each CPU's time, a cap reached only while sampling converges: the
 * cap Memtis puts on its PEBS sampler, within the 0.2-3.3% that SPE
 * periods of 3000-4000 cost on Neoverse N1 (the NMO profiler's
 * measurements).  See the admin guide for the figures behind it.
 */
#define MEM_SAMPLING_DEFAULT_BUDGET		300

/**
 * struct mem_sampling_cpu - what the core keeps per CPU.
 * @target:	the task the provider was last started for on this CPU, or
 *		NULL when it is stopped.  Every record belongs to it.  It is
 *		the current task (or, during a context switch, the outgoing
 *		one) or a task the test provider holds a reference on.
 * @owner:	the task the records in @batch belong to: @target, or with
 *		MEM_SAMPLING_CAP_CONTEXT the task whose pid they carry, found
 *		under RCU and dispatched to before interrupts are enabled.
 * @lent_by:	the provider that lent this CPU's hardware to perf, or NULL.
 * @nr:		records in @batch.
 * @batch:	records of @owner not yet dispatched.
 */
struct mem_sampling_cpu {
	struct task_struct *target;
	struct task_struct *owner;
	struct mem_sampling_provider *lent_by;
	unsigned int nr;
	struct mem_sampling_record batch[MEM_SAMPLING_BATCH];
};

static DEFINE_PER_CPU(struct mem_sampling_cpu, mem_sampling_cpu);

DEFINE_STATIC_KEY_FALSE(mem_sampling_key);

/*
 * Serialises every change of struct mem_sampling_state.  Not a member:
 * the KUnit tests copy the state while holding it.
 */
static DEFINE_MUTEX(mem_sampling_lock);

/**
 * struct mem_sampling_state - the core's global state.
 * @provider:	  the active provider, or NULL.  Changed under
 *		  mem_sampling_lock with sampling stopped everywhere; read
 *		  under mem_sampling_lock, or with interrupts disabled on a CPU
 *		  that has a target (an RCU-sched read side), or only compared
 *		  (rcu_access_pointer()).
 * @displaced:	  a registered provider set aside by
 *		  mem_sampling_override_provider(), active again when the
 *		  provider that displaced it unregisters.  mem_sampling_lock.
 * @consumers:	  the registered consumers, in registration order.  Changed
 *		  under mem_sampling_lock; walked under RCU by the records
 *		  path.
 * @config:	  the administrator's settings (sysfs), fitted to @provider.
 *		  mem_sampling_lock.
 * @interval_shift: a consumer's request to sample 2^shift times more
 *		  (> 0) or less (< 0) often than @config.interval
 *		  (mem_sampling_set_interval_shift()).  mem_sampling_lock.
 * @budget:	  the CPU budget in basis points of each CPU's time, 0 for
 *		  none (sysfs budget, mem_sampling_budget.c).
 *		  mem_sampling_lock.
 * @budget_shift: the budget governor's slow-down: sampling runs 2^shift
 *		  times less often than @config.interval and @interval_shift
 *		  ask.  mem_sampling_lock.
 * @enabled:	  the administrator's switch: sysctl
 *		  kernel.mem_sampling_enable, boot parameter mem_sampling=.
 *		  Written under mem_sampling_lock (or before any provider can
 *		  register, at early boot), read locklessly.
 * @paused:	  a consumer paused sampling (mem_sampling_pause()).
 *		  Written under mem_sampling_lock, read locklessly.
 * @running:	  @enabled, not @paused, a @provider, and no change under
 *		  way: CPUs may start the provider.  Written under
 *		  mem_sampling_lock, set only while mem_sampling_key is on;
 *		  read with interrupts disabled.
 * @opt_in:	  only processes that asked (PR_MEM_SAMPLING_ENABLE) are
 *		  sampled.  One flag, written with WRITE_ONCE() without a lock
 *		  (it takes effect at each CPU's next context switch), read
 *		  locklessly.
 */
struct mem_sampling_state {
	struct mem_sampling_provider __rcu *provider;
	struct mem_sampling_provider *displaced;
	struct list_head consumers;
	struct mem_sampling_config config;
	int interval_shift;
	u32 budget;
	unsigned int budget_shift;
	bool enabled;
	bool paused;
	bool running;
	bool opt_in;
};

#define MEM_SAMPLING_DEFAULT_CONFIG {					\
	.interval	= MEM_SAMPLING_DEFAULT_INTERVAL,		\
	.min_latency	= 0,						\
	.op_filter	= 0,						\
	.buffer_size	= MEM_SAMPLING_DEFAULT_BUFFER_SIZE,		\
	.paddr		= true,						\
}

static struct mem_sampling_state mem_sampling_state = {
	.consumers	= LIST_HEAD_INIT(mem_sampling_state.consumers),
	.config		= MEM_SAMPLING_DEFAULT_CONFIG,
	.budget		= MEM_SAMPLING_DEFAULT_BUDGET,
};

/* The active provider; mem_sampling_lock is held. */
static struct mem_sampling_provider *mem_sampling_provider_locked(void)
{
	return rcu_dereference_protected(mem_sampling_state.provider,
					 lockdep_is_held(&mem_sampling_lock));
}

/* ------------------------------------------------------------ policy */

/* Would @task be sampled if sampling runs?  Reads @task's mm only once. */
static bool mem_sampling_task_wanted(struct task_struct *task)
{
	struct mm_struct *mm;

	/* Kernel threads and io_uring-style workers run no user code. */
	if (task->flags & (PF_KTHREAD | PF_USER_WORKER))
		return false;
	mm = READ_ONCE(task->mm);
	if (!mm)
		return false;
	switch (READ_ONCE(mm->mem_sampling_mode)) {
	case PR_MEM_SAMPLING_ENABLE:
		return true;
	case PR_MEM_SAMPLING_DISABLE:
		return false;
	default:
		return !READ_ONCE(mem_sampling_state.opt_in);
	}
}

/*
 * Does a registered consumer need every sample it can get?  Any context:
 * under mem_sampling_lock, or interrupts disabled (an RCU read side).
 */
static bool mem_sampling_samples_needed(void)
{
	struct mem_sampling_consumer *consumer;

	list_for_each_entry_rcu(consumer, &mem_sampling_state.consumers, node,
				lockdep_is_held(&mem_sampling_lock))
		if (consumer->needs_samples && consumer->needs_samples())
			return true;
	return false;
}

/*
 * Has a consumer deferred @task's process (mem_sampling_defer_mm()), with
 * no other consumer needing its samples?  Interrupts disabled.
 */
static bool mem_sampling_task_deferred(struct task_struct *task)
{
	struct mm_struct *mm = READ_ONCE(task->mm);
	unsigned long until;

	if (!mm)
		return false;
	until = READ_ONCE(mm->mem_sampling_defer_until);
	if (likely(!until) || !time_before(jiffies, until))
		return false;
	return !mem_sampling_samples_needed();
}

/*
 * Should the provider run for @task on this CPU now: sampling running,
 * @task wanted and not deferred?  Interrupts disabled.
 */
static bool mem_sampling_task_starts(struct task_struct *task)
{
	return READ_ONCE(mem_sampling_state.running) &&
	       mem_sampling_task_wanted(task) &&
	       !mem_sampling_task_deferred(task);
}

/**
 * mem_sampling_task_sampled - is @task sampled now?
 * @task: current, or a task that cannot exit under the caller (a consumer's
 *	  @task argument qualifies).
 *
 * Return: true when sampling is on (enabled and a provider registered) and
 * @task is a user task whose process did not opt out (or opted in, in
 * opt-in mode); for current, also that the provider has not lent this
 * CPU's hardware to perf.  A caller that may be preempted gets the answer
 * for the CPU it was on, which is as good as any for a heuristic.
 *
 * The moments in which a configuration change stops sampling everywhere
 * (mem_sampling_quiesce(), e.g. at each step of NUMA balancing's adaptive
 * interval) do not count: a task asking then would take a full page table
 * scan for a pause of milliseconds.
 */
bool mem_sampling_task_sampled(struct task_struct *task)
{
	struct mem_sampling_provider *active;

	active = rcu_access_pointer(mem_sampling_state.provider);
	if (!READ_ONCE(mem_sampling_state.enabled) || !active)
		return false;
	if (task == current && this_cpu_read(mem_sampling_cpu.lent_by) == active)
		return false;
	return mem_sampling_task_wanted(task);
}
EXPORT_SYMBOL_GPL(mem_sampling_task_sampled);

int mem_sampling_available(unsigned long caps)
{
	struct mem_sampling_provider *provider;
	int err = 0;

	if (!READ_ONCE(mem_sampling_state.enabled))
		return -ENODEV;
	rcu_read_lock();
	provider = rcu_dereference(mem_sampling_state.provider);
	if (!provider)
		err = -ENODEV;
	else if ((provider->caps.flags & caps) != caps)
		err = -EOPNOTSUPP;
	else if ((caps & MEM_SAMPLING_CAP_PADDR) &&
		 !READ_ONCE(mem_sampling_state.config.paddr))
		err = -EOPNOTSUPP;
	rcu_read_unlock();
	return err;
}
EXPORT_SYMBOL_GPL(mem_sampling_available);

/**
 * mem_sampling_provider_lent - this CPU's hardware is lent out, or back.
 * @provider: the provider lending it, active or not.
 * @lent: true while another user (perf) programs the hardware.
 *
 * Called by the provider on the CPU, interrupts disabled.  Only what
 * mem_sampling_task_sampled() answers for current depends on it, and only
 * while @provider is the active one: the provider itself keeps track of
 * what it must not touch.
 */
void mem_sampling_provider_lent(struct mem_sampling_provider *provider,
				bool lent)
{
	lockdep_assert_irqs_disabled();
	__this_cpu_write(mem_sampling_cpu.lent_by, lent ? provider : NULL);
}
EXPORT_SYMBOL_GPL(mem_sampling_provider_lent);

/* ------------------------------------------------------- records path */

/**
 * mem_sampling_records_flush - dispatch this CPU's batch to the consumers.
 *
 * Interrupts disabled.  Consumers run in registration order, each seeing
 * the records in the order they were added.
 */
void mem_sampling_records_flush(void)
{
	struct mem_sampling_cpu *cpu = this_cpu_ptr(&mem_sampling_cpu);
	struct mem_sampling_consumer *consumer;
	unsigned int nr = cpu->nr;

	lockdep_assert_irqs_disabled();
	if (!nr)
		return;
	count_vm_events(MEM_SAMPLING_SAMPLES, nr);
	rcu_read_lock();
	list_for_each_entry_rcu(consumer, &mem_sampling_state.consumers, node)
		consumer->handle_batch(cpu->owner, cpu->batch, nr);
	rcu_read_unlock();
	cpu->nr = 0;
}
EXPORT_SYMBOL_GPL(mem_sampling_records_flush);

/*
 * The task @rec belongs to, with MEM_SAMPLING_CAP_CONTEXT: the one whose
 * pid it carries, usually this CPU's target or the previous owner.  NULL
 * if that task is gone (or the record has no pid).  The caller has
 * interrupts disabled, which keeps the task_struct from being freed until
 * they are enabled again.
 */
static struct task_struct *mem_sampling_owner_of(struct mem_sampling_cpu *cpu,
						 const struct mem_sampling_record *rec)
{
	struct task_struct *task;
	pid_t pid = rec->context_id;

	if (!(rec->flags & MEM_SAMPLING_RECORD_CONTEXT_VALID))
		return NULL;
	if (cpu->nr && task_pid_nr(cpu->owner) == pid)
		return cpu->owner;
	if (cpu->target && task_pid_nr(cpu->target) == pid)
		return cpu->target;
	rcu_read_lock();
	task = find_task_by_pid_ns(pid, &init_pid_ns);
	rcu_read_unlock();
	return task;
}

/**
 * mem_sampling_records_add - queue records of this CPU's tasks.
 * @records:	decoded samples, in the order they were taken.
 * @nr:		how many.
 *
 * Interrupts disabled, on the CPU that took the samples.  The records are
 * copied; a full batch, or one whose records belong to another task than
 * the next record, is dispatched on the spot.  Records that belong to
 * nobody are counted as dropped: without MEM_SAMPLING_CAP_CONTEXT those
 * arriving while the provider is not started for any task (after a stop,
 * before a start), with it those whose task is gone.
 */
void mem_sampling_records_add(const struct mem_sampling_record *records,
			      unsigned int nr)
{
	struct mem_sampling_cpu *cpu = this_cpu_ptr(&mem_sampling_cpu);
	const struct mem_sampling_provider *provider;
	struct task_struct *owner = cpu->target;
	unsigned int i, dropped = 0;
	bool by_context;

	lockdep_assert_irqs_disabled();
	provider = rcu_dereference_sched(mem_sampling_state.provider);
	by_context = provider &&
		     (provider->caps.flags & MEM_SAMPLING_CAP_CONTEXT);
	for (i = 0; i < nr; i++) {
		if (by_context)
			owner = mem_sampling_owner_of(cpu, &records[i]);
		if (unlikely(!owner)) {
			dropped++;
			continue;
		}
		if (cpu->nr && owner != cpu->owner)
			mem_sampling_records_flush();
		cpu->owner = owner;
		cpu->batch[cpu->nr++] = records[i];
		if (cpu->nr == MEM_SAMPLING_BATCH)
			mem_sampling_records_flush();
	}
	if (dropped)
		count_vm_events(MEM_SAMPLING_DROPPED, dropped);
}
EXPORT_SYMBOL_GPL(mem_sampling_records_add);

/**
 * mem_sampling_count_lost - account for samples a provider lost.
 * @truncated:	records cut short (delivered flagged or discarded).
 * @dropped:	records lost entirely (buffer overrun, decode error).
 *
 * Any context.  The core never counts a record twice: it counts as
 * truncated only what providers report here.
 */
void mem_sampling_count_lost(unsigned int truncated, unsigned int dropped)
{
	if (truncated)
		count_vm_events(MEM_SAMPLING_TRUNCATED, truncated);
	if (dropped)
		count_vm_events(MEM_SAMPLING_DROPPED, dropped);
}
EXPORT_SYMBOL_GPL(mem_sampling_count_lost);

/* ----------------------------------------------------- per-CPU control */

/*
 * Make @next (NULL: nobody) the target of this CPU.  The previous target's
 * records are drained from the provider and dispatched first, so they are
 * attributed to the task that made them.  Interrupts disabled.  While a
 * CPU has a target the provider cannot go away: unregistering first stops
 * every CPU from an IPI, which waits for this interrupts-off section.
 */
static void mem_sampling_retarget(struct task_struct *next)
{
	struct mem_sampling_cpu *cpu = this_cpu_ptr(&mem_sampling_cpu);
	const struct mem_sampling_provider *provider;

	if (cpu->target == next)
		return;
	provider = rcu_dereference_sched(mem_sampling_state.provider);
	if (WARN_ON_ONCE(!provider)) {
		cpu->nr = 0;
		cpu->target = NULL;
		return;
	}
	if (cpu->target) {
		/* Stop first: nothing may be sampled between drain and stop. */
		if (!next)
			provider->ops->stop();
		provider->ops->drain();
		mem_sampling_records_flush();
	}
	cpu->target = next;
	if (next)
		provider->ops->start(next);
}

struct task_struct *mem_sampling_switch_target(struct task_struct *task)
{
	struct task_struct *previous = this_cpu_read(mem_sampling_cpu.target);

	lockdep_assert_irqs_disabled();
	if (task && !mem_sampling_task_starts(task))
		task = NULL;
	mem_sampling_retarget(task);
	return previous;
}

/* Retarget, charging the time to the CPU budget. */
static void mem_sampling_retarget_charged(struct task_struct *next)
{
	u64 start = local_clock();

	mem_sampling_retarget(next);
	mem_sampling_account(local_clock() - start);
}

/*
 * prepare_task_switch(), interrupts disabled, @prev still current: drain
 * @prev's buffered records so they are dispatched as @prev's.  Stop the
 * provider unless @next will be sampled, in which case
 * __mem_sampling_sched_in() retargets it; providers sample user space only,
 * so nothing is taken in between.  A provider whose records carry their
 * pid (MEM_SAMPLING_CAP_CONTEXT) is not drained between two sampled tasks:
 * their records are attributed when the buffer fills or sampling stops on
 * this CPU, and the switch costs nothing but the retarget.  An exiting
 * task's records are drained while it can still be found.
 */
void __mem_sampling_sched_out(struct task_struct *prev,
			      struct task_struct *next)
{
	const struct mem_sampling_provider *provider;
	u64 start;

	if (likely(!this_cpu_read(mem_sampling_cpu.target)))
		return;
	if (!mem_sampling_task_starts(next)) {
		mem_sampling_retarget_charged(NULL);
		return;
	}
	provider = rcu_dereference_sched(mem_sampling_state.provider);
	if ((provider->caps.flags & MEM_SAMPLING_CAP_CONTEXT) &&
	    !(prev->flags & PF_EXITING))
		return;
	start = local_clock();
	provider->ops->drain();
	mem_sampling_records_flush();
	mem_sampling_account(local_clock() - start);
}

/* finish_task_switch(), interrupts disabled, @next is current. */
void __mem_sampling_sched_in(struct task_struct *prev,
			     struct task_struct *next)
{
	struct mem_sampling_cpu *cpu = this_cpu_ptr(&mem_sampling_cpu);
	const struct mem_sampling_provider *provider;
	struct task_struct *target;

	/*
	 * Not running: a state change is stopping every CPU, stop here now
	 * rather than let @next's records be taken for @prev.  Not wanted:
	 * @next's process may have opted out since sched_out looked.
	 */
	target = mem_sampling_task_starts(next) ? next : NULL;
	if (cpu->target == target)
		return;
	if (!target || !cpu->target) {
		mem_sampling_retarget_charged(target);
		return;
	}
	/*
	 * Drained by __mem_sampling_sched_out(), or the records carry their
	 * pid: retarget only, which a provider does without touching the
	 * hardware, too cheap to be worth timing.
	 */
	provider = rcu_dereference_sched(mem_sampling_state.provider);
	cpu->target = next;
	provider->ops->start(next);
}

static void mem_sampling_stop_cpu(void *unused)
{
	mem_sampling_retarget_charged(NULL);
}

/*
 * Start at once for a sampled current task rather than at its next
 * switch, or stop for one no longer sampled.  Interrupts disabled: from an
 * IPI or mem_sampling_recheck_work.
 */
static void mem_sampling_start_cpu(void *unused)
{
	mem_sampling_retarget_charged(mem_sampling_task_starts(current) ?
				      current : NULL);
}

static void mem_sampling_recheck_fn(struct irq_work *work)
{
	mem_sampling_start_cpu(NULL);
}

/*
 * Queued by a consumer's mem_sampling_defer_mm() from the records path,
 * where the provider cannot be stopped: runs once its interrupt is over.
 */
static DEFINE_PER_CPU(struct irq_work, mem_sampling_recheck_work) =
	IRQ_WORK_INIT_HARD(mem_sampling_recheck_fn);

/*
 * Stop sampling everywhere and wait until nothing uses the provider or the
 * consumers any more.  The order matters: once mem_sampling_state.running is
 * clear no CPU starts the provider again, the IPI stops each CPU after any
 * context switch under way there, and the grace period waits for provider
 * interrupts and dispatches still running.
 */
static void mem_sampling_quiesce(void)
{
	lockdep_assert_held(&mem_sampling_lock);
	if (!mem_sampling_state.running)
		return;
	WRITE_ONCE(mem_sampling_state.running, false);
	on_each_cpu(mem_sampling_stop_cpu, NULL, 1);
	static_branch_disable(&mem_sampling_key);
	synchronize_rcu();
}

static void mem_sampling_resume(void)
{
	lockdep_assert_held(&mem_sampling_lock);
	if (mem_sampling_state.running || !mem_sampling_state.enabled ||
	    mem_sampling_state.paused ||
	    !rcu_access_pointer(mem_sampling_state.provider))
		return;
	static_branch_enable(&mem_sampling_key);
	WRITE_ONCE(mem_sampling_state.running, true);
	on_each_cpu(mem_sampling_start_cpu, NULL, 1);
	if (mem_sampling_state.budget)
		mem_sampling_budget_start(mem_sampling_state.budget);
}

/* ------------------------------------------------------- configuration */

/* Bring @cfg within what a new provider can do. */
static void mem_sampling_fit_config(struct mem_sampling_config *cfg,
				    const struct mem_sampling_provider_caps *caps)
{
	cfg->interval = clamp(cfg->interval, caps->min_interval,
			      caps->max_interval);
	if (caps->flags & MEM_SAMPLING_CAP_LATENCY)
		cfg->min_latency = min(cfg->min_latency,
				       caps->max_latency_filter);
	else
		cfg->min_latency = 0;
	if (!(caps->flags & MEM_SAMPLING_CAP_FILTER_OP))
		cfg->op_filter = 0;
	cfg->event_filter &= caps->filter_events;
	cfg->buffer_size = clamp(cfg->buffer_size, caps->min_buffer_size,
				 caps->max_buffer_size);
	if (!(caps->flags & MEM_SAMPLING_CAP_PADDR))
		cfg->paddr = false;
}

/*
 * What a provider with @caps is configured with: @cfg, the administrator's
 * settings, with the interval scaled by a consumer's @shift and slowed
 * down by the budget governor's @budget_shift, within what the provider
 * can do.
 */
static struct mem_sampling_config
mem_sampling_effective(const struct mem_sampling_config *cfg, int shift,
		       unsigned int budget_shift,
		       const struct mem_sampling_provider_caps *caps)
{
	struct mem_sampling_config effective = *cfg;
	u64 interval = cfg->interval;

	shift -= min(budget_shift, MEM_SAMPLING_MAX_BUDGET_SHIFT);

	if (shift >= 0)
		interval >>= shift;
	else
		interval <<= -shift;
	effective.interval = clamp_t(u64, interval,
				     min(caps->min_interval, cfg->interval),
				     max(caps->max_interval, cfg->interval));
	return effective;
}

static bool mem_sampling_config_equal(const struct mem_sampling_config *a,
				      const struct mem_sampling_config *b)
{
	return a->interval == b->interval &&
	       a->min_latency == b->min_latency &&
	       a->op_filter == b->op_filter &&
	       a->event_filter == b->event_filter &&
	       a->buffer_size == b->buffer_size &&
	       a->paddr == b->paddr;
}

/* Is @cfg valid, and within @caps when there is a provider? */
static int mem_sampling_check_config(const struct mem_sampling_config *cfg,
				     const struct mem_sampling_provider_caps *caps)
{
	if (!cfg->interval || !cfg->buffer_size ||
	    cfg->op_filter & ~(MEM_SAMPLING_FILTER_LOAD |
			       MEM_SAMPLING_FILTER_STORE) ||
	    cfg->event_filter & ~MEM_SAMPLING_EVENT_ALL)
		return -EINVAL;
	if (!caps)
		return 0;
	if (cfg->interval < caps->min_interval ||
	    cfg->interval > caps->max_interval)
		return -EINVAL;
	if (cfg->min_latency &&
	    (!(caps->flags & MEM_SAMPLING_CAP_LATENCY) ||
	     cfg->min_latency > caps->max_latency_filter))
		return -EINVAL;
	if (cfg->op_filter && !(caps->flags & MEM_SAMPLING_CAP_FILTER_OP))
		return -EINVAL;
	if (cfg->event_filter & ~caps->filter_events)
		return -EINVAL;
	if (cfg->buffer_size < caps->min_buffer_size ||
	    cfg->buffer_size > caps->max_buffer_size)
		return -EINVAL;
	if (cfg->paddr && !(caps->flags & MEM_SAMPLING_CAP_PADDR))
		return -EINVAL;
	return 0;
}

/**
 * mem_sampling_commit - make @provider active, running @cfg with its
 * interval scaled by @shift and @budget_shift.
 * @provider:	the active provider, a provider to put in its place, or NULL
 *		for none.
 * @cfg:	settings within @provider's caps (checked or fitted).
 * @shift:	see mem_sampling_set_interval_shift().
 * @budget_shift: see mem_sampling_budget_window().
 *
 * The one place that configures a provider or changes which one is
 * active; mem_sampling_lock is held.  Sampling is stopped everywhere
 * first: a PMU cannot change its interval or buffer under a running
 * session, and no record taken under the old settings is mixed with the
 * new ones.  Nothing is stopped when the active provider would run with
 * what it runs with already.
 *
 * If @provider refuses, nothing changes: the active provider is given
 * back the settings it ran with when it is the one that refused, and was
 * never touched when it is not.  Either way sampling starts again where it
 * may (mem_sampling_resume()).
 *
 * Return: 0, or the error of @provider's ops->configure.
 */
static int mem_sampling_commit(struct mem_sampling_provider *provider,
			       const struct mem_sampling_config *cfg, int shift,
			       unsigned int budget_shift)
{
	struct mem_sampling_state *state = &mem_sampling_state;
	struct mem_sampling_provider *active = mem_sampling_provider_locked();
	struct mem_sampling_config effective, previous;
	int err = 0;

	lockdep_assert_held(&mem_sampling_lock);
	if (provider) {
		effective = mem_sampling_effective(cfg, shift, budget_shift,
						   &provider->caps);
		previous = mem_sampling_effective(&state->config,
						  state->interval_shift,
						  state->budget_shift,
						  &provider->caps);
		if (provider != active ||
		    !mem_sampling_config_equal(&effective, &previous)) {
			mem_sampling_quiesce();
			err = provider->ops->configure(&effective);
		}
	} else {
		mem_sampling_quiesce();
	}

	if (err) {
		if (provider == active)
			WARN_ON_ONCE(provider->ops->configure(&previous));
	} else {
		state->config = *cfg;
		state->interval_shift = shift;
		state->budget_shift = budget_shift;
		if (provider != active) {
			rcu_assign_pointer(state->provider, provider);
			if (provider)
				pr_info("provider %s active\n", provider->name);
		}
	}
	mem_sampling_resume();
	return err;
}

/* Check @cfg against the active provider and apply it. */
static int mem_sampling_apply_config(const struct mem_sampling_config *cfg)
{
	struct mem_sampling_provider *provider = mem_sampling_provider_locked();
	int err;

	err = mem_sampling_check_config(cfg, provider ? &provider->caps : NULL);
	if (err)
		return err;
	return mem_sampling_commit(provider, cfg,
				   mem_sampling_state.interval_shift,
				   mem_sampling_state.budget_shift);
}

void mem_sampling_get_config(struct mem_sampling_config *cfg)
{
	mutex_lock(&mem_sampling_lock);
	*cfg = mem_sampling_state.config;
	mutex_unlock(&mem_sampling_lock);
}

int mem_sampling_update_config(void (*update)(struct mem_sampling_config *cfg,
					      void *arg),
			       void *arg)
{
	struct mem_sampling_config cfg;
	int err;

	mutex_lock(&mem_sampling_lock);
	cfg = mem_sampling_state.config;
	update(&cfg, arg);
	err = mem_sampling_apply_config(&cfg);
	mutex_unlock(&mem_sampling_lock);
	return err;
}

/* The interval the provider runs at; 0 without a provider. */
static u32 mem_sampling_effective_interval_locked(void)
{
	struct mem_sampling_provider *provider = mem_sampling_provider_locked();

	if (!provider)
		return 0;
	return mem_sampling_effective(&mem_sampling_state.config,
				      mem_sampling_state.interval_shift,
				      mem_sampling_state.budget_shift,
				      &provider->caps).interval;
}

/**
 * mem_sampling_set_interval_shift - sample faster or slower than configured.
 * @shift: sample 2^@shift times more often than the configured interval
 *	   when positive, 2^-@shift times less often when negative, within
 *	   the provider's limits; 0 goes back to the configured interval.
 *
 * Process context, may sleep.  For a consumer whose need for samples
 * changes (NUMA balancing: many while samples are misplaced, few once
 * converged).  The configured interval (sysfs ``interval``) is left as it
 * is.  When the interval the provider runs at changes, sampling stops
 * everywhere for the reconfiguration as for a sysfs write.  One consumer
 * should use this; the last request wins.
 *
 * Return: the interval in effect (the configured one without a provider),
 * -EINVAL if |@shift| exceeds MEM_SAMPLING_MAX_INTERVAL_SHIFT, or the
 * error of the provider's ops->configure (the old interval stays).
 */
int mem_sampling_set_interval_shift(int shift)
{
	struct mem_sampling_provider *provider;
	int ret;

	if (abs(shift) > MEM_SAMPLING_MAX_INTERVAL_SHIFT)
		return -EINVAL;
	mutex_lock(&mem_sampling_lock);
	provider = mem_sampling_provider_locked();
	ret = mem_sampling_commit(provider, &mem_sampling_state.config, shift,
				  mem_sampling_state.budget_shift);
	if (!ret)
		ret = provider ? mem_sampling_effective_interval_locked() :
				 mem_sampling_state.config.interval;
	mutex_unlock(&mem_sampling_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(mem_sampling_set_interval_shift);

/**
 * mem_sampling_budget_window - the budget governor's period is over.
 * @cost_ns:	the busiest CPU's cost in the period.
 * @period_ns:	the period's length.
 * @budget:	set to the budget for the next period.
 *
 * Process context (the governor's work), may sleep.  Slows sampling down
 * or speeds it up again as mem_sampling_budget_next_shift() decides; a
 * change of the interval the provider runs at stops sampling everywhere
 * for the reconfiguration, as a consumer's mem_sampling_set_interval_shift()
 * does.
 *
 * Return: whether the governor should go on: sampling is enabled with a
 * provider (running or paused) and there is a budget.
 */
bool mem_sampling_budget_window(u64 cost_ns, u64 period_ns, u32 *budget)
{
	struct mem_sampling_state *state = &mem_sampling_state;
	struct mem_sampling_provider *provider;
	unsigned int shift, next;
	bool on;

	mutex_lock(&mem_sampling_lock);
	provider = mem_sampling_provider_locked();
	on = state->enabled && provider && state->budget;
	*budget = state->budget;
	shift = state->budget_shift;
	next = on ? mem_sampling_budget_next_shift(shift, cost_ns, period_ns,
						   state->budget) : 0;
	if (next != shift &&
	    !mem_sampling_commit(provider, &state->config,
				 state->interval_shift, next))
		count_vm_event(next > shift ? MEM_SAMPLING_BUDGET_SLOWER :
					      MEM_SAMPLING_BUDGET_FASTER);
	mutex_unlock(&mem_sampling_lock);
	return on;
}

u32 mem_sampling_get_budget(void)
{
	return READ_ONCE(mem_sampling_state.budget);
}

int mem_sampling_set_budget(u32 budget)
{
	struct mem_sampling_state *state = &mem_sampling_state;

	if (budget > MEM_SAMPLING_BUDGET_MAX)
		return -EINVAL;
	mutex_lock(&mem_sampling_lock);
	WRITE_ONCE(state->budget, budget);
	/* No budget, no slow-down: the interval asked for, at once. */
	if (!budget && state->budget_shift)
		mem_sampling_commit(mem_sampling_provider_locked(),
				    &state->config, state->interval_shift, 0);
	if (budget && state->running)
		mem_sampling_budget_start(budget);
	mutex_unlock(&mem_sampling_lock);
	return 0;
}

/**
 * mem_sampling_pause - stop sampling everywhere for a while, or go on.
 * @pause: true to stop the provider on every CPU, false to start again.
 *
 * Process context, may sleep.  For a consumer that has learnt what it
 * needs for now (NUMA balancing once converged, as scan mode lengthens its
 * scan period): unlike kernel.mem_sampling_enable=0, tasks stay sampled as
 * far as mem_sampling_task_sampled() is concerned, so nothing falls back to
 * another way of learning; no record is taken until the pause ends.  A
 * pause is refused while another consumer needs samples (its
 * needs_samples() says so: the mem_sampling_record event has users, who
 * asked for records).  One consumer should use this; the last request
 * wins.
 *
 * Return: 0, or -EBUSY if a pause was refused.
 */
int mem_sampling_pause(bool pause)
{
	int err = 0;

	mutex_lock(&mem_sampling_lock);
	if (pause == mem_sampling_state.paused)
		goto out;
	if (pause && mem_sampling_samples_needed()) {
		err = -EBUSY;
		goto out;
	}
	WRITE_ONCE(mem_sampling_state.paused, pause);
	if (pause)
		mem_sampling_quiesce();
	else
		mem_sampling_resume();
out:
	mutex_unlock(&mem_sampling_lock);
	return err;
}
EXPORT_SYMBOL_GPL(mem_sampling_pause);

bool mem_sampling_get_paused(void)
{
	return READ_ONCE(mem_sampling_state.paused);
}

u32 mem_sampling_get_effective_interval(void)
{
	u32 interval;

	mutex_lock(&mem_sampling_lock);
	interval = mem_sampling_effective_interval_locked();
	mutex_unlock(&mem_sampling_lock);
	return interval;
}

bool mem_sampling_get_opt_in(void)
{
	return READ_ONCE(mem_sampling_state.opt_in);
}

void mem_sampling_set_opt_in(bool opt_in)
{
	WRITE_ONCE(mem_sampling_state.opt_in, opt_in);
}

bool mem_sampling_get_provider(char *name, size_t len,
			       struct mem_sampling_provider_caps *caps)
{
	struct mem_sampling_provider *provider;

	mutex_lock(&mem_sampling_lock);
	provider = mem_sampling_provider_locked();
	if (provider) {
		strscpy(name, provider->name, len);
		*caps = provider->caps;
	}
	mutex_unlock(&mem_sampling_lock);
	return provider;
}

/* ------------------------------------------------------------ providers */

static bool mem_sampling_provider_valid(const struct mem_sampling_provider *p)
{
	const struct mem_sampling_provider_caps *caps = &p->caps;

	return p->name && p->ops && p->ops->configure && p->ops->start &&
	       p->ops->stop && p->ops->drain && caps->min_interval &&
	       caps->min_interval <= caps->max_interval &&
	       caps->min_buffer_size &&
	       caps->min_buffer_size <= caps->max_buffer_size;
}

/* Make @provider active with the current settings fitted to its caps. */
static int mem_sampling_activate(struct mem_sampling_provider *provider)
{
	struct mem_sampling_config cfg = mem_sampling_state.config;

	mem_sampling_fit_config(&cfg, &provider->caps);
	return mem_sampling_commit(provider, &cfg,
				   mem_sampling_state.interval_shift,
				   mem_sampling_state.budget_shift);
}

/**
 * mem_sampling_register_provider - make @provider the source of samples.
 * @provider: stays registered (and must stay in memory) until
 *	      mem_sampling_unregister_provider().
 *
 * Process context.  The current settings are fitted to @provider's caps
 * and applied with ops->configure; if sampling is enabled it starts at
 * once.
 *
 * Return: 0, -EBUSY if another provider is registered, -EINVAL for an
 * incomplete provider, or what ops->configure returned.
 */
int mem_sampling_register_provider(struct mem_sampling_provider *provider)
{
	int err;

	if (!provider || !mem_sampling_provider_valid(provider))
		return -EINVAL;
	mutex_lock(&mem_sampling_lock);
	if (mem_sampling_provider_locked())
		err = -EBUSY;
	else
		err = mem_sampling_activate(provider);
	mutex_unlock(&mem_sampling_lock);
	return err;
}
EXPORT_SYMBOL_GPL(mem_sampling_register_provider);

int mem_sampling_override_provider(struct mem_sampling_provider *provider)
{
	struct mem_sampling_provider *active;
	int err;

	if (!provider || !mem_sampling_provider_valid(provider))
		return -EINVAL;
	mutex_lock(&mem_sampling_lock);
	active = mem_sampling_provider_locked();
	if (active == provider || mem_sampling_state.displaced) {
		err = -EBUSY;
		goto out;
	}
	err = mem_sampling_activate(provider);
	if (!err)
		mem_sampling_state.displaced = active;
out:
	mutex_unlock(&mem_sampling_lock);
	return err;
}

/**
 * mem_sampling_unregister_provider - stop using @provider.
 * @provider: the registered provider.
 *
 * Process context, may sleep.  When this returns no CPU runs @provider's
 * ops any more and every record it handed over has been dispatched.  The
 * provider must have stopped its interrupts from calling into the core
 * before freeing anything those use.  The enable switch keeps its value:
 * sampling resumes when a provider registers again.
 */
void mem_sampling_unregister_provider(struct mem_sampling_provider *provider)
{
	struct mem_sampling_state *state = &mem_sampling_state;
	struct mem_sampling_provider *displaced;

	mutex_lock(&mem_sampling_lock);
	if (provider && provider == state->displaced) {
		state->displaced = NULL;
		goto out;
	}
	if (WARN_ON(!provider || mem_sampling_provider_locked() != provider))
		goto out;
	mem_sampling_commit(NULL, &state->config, state->interval_shift,
			    state->budget_shift);
	synchronize_rcu();
	pr_info("provider %s unregistered\n", provider->name);
	displaced = state->displaced;
	state->displaced = NULL;
	if (displaced && mem_sampling_activate(displaced))
		pr_err("provider %s could not be reactivated\n",
		       displaced->name);
out:
	mutex_unlock(&mem_sampling_lock);
}
EXPORT_SYMBOL_GPL(mem_sampling_unregister_provider);

/* ------------------------------------------------------------ consumers */

/**
 * mem_sampling_register_consumer - receive every dispatched batch.
 * @consumer: with @handle_batch set; see struct mem_sampling_consumer for
 *	      the context it runs in.
 *
 * Process context.  Consumers are called in registration order.
 *
 * Return: 0, -EINVAL without a callback, -EBUSY if @consumer is already
 * registered.
 */
int mem_sampling_register_consumer(struct mem_sampling_consumer *consumer)
{
	struct mem_sampling_consumer *registered;
	int err = 0;

	if (!consumer || !consumer->handle_batch)
		return -EINVAL;
	mutex_lock(&mem_sampling_lock);
	list_for_each_entry(registered, &mem_sampling_state.consumers, node) {
		if (registered == consumer) {
			err = -EBUSY;
			goto out;
		}
	}
	list_add_tail_rcu(&consumer->node, &mem_sampling_state.consumers);
out:
	mutex_unlock(&mem_sampling_lock);
	return err;
}
EXPORT_SYMBOL_GPL(mem_sampling_register_consumer);

/**
 * mem_sampling_unregister_consumer - stop receiving batches.
 * @consumer: a registered consumer.
 *
 * Process context, sleeps: when this returns no call of @consumer's
 * callback is running or will start.
 */
void mem_sampling_unregister_consumer(struct mem_sampling_consumer *consumer)
{
	mutex_lock(&mem_sampling_lock);
	list_del_rcu(&consumer->node);
	mutex_unlock(&mem_sampling_lock);
	synchronize_rcu();
}
EXPORT_SYMBOL_GPL(mem_sampling_unregister_consumer);

/* ------------------------------------------------- enable, sysctl, boot */

/* Set the admin's switch; enabling needs a provider. */
static int mem_sampling_set_enabled(bool enable)
{
	int err = 0;

	mutex_lock(&mem_sampling_lock);
	if (enable && !rcu_access_pointer(mem_sampling_state.provider)) {
		pr_warn_once("cannot enable: no provider registered (no SPE or other sampling PMU driver?)\n");
		err = -ENODEV;
		goto out;
	}
	WRITE_ONCE(mem_sampling_state.enabled, enable);
	if (enable)
		mem_sampling_resume();
	else
		mem_sampling_quiesce();
out:
	mutex_unlock(&mem_sampling_lock);
	return err;
}

/*
 * Built on proc_dointvec_minmax() because it reports in *@lenp what it
 * left unread, which proc_douintvec_minmax() does not: that is how text
 * after the number is caught.
 */
int mem_sampling_proc_int(const struct ctl_table *table, int write,
			  void *buffer, size_t *lenp, loff_t *ppos, int *val)
{
	struct ctl_table tmp = *table;
	size_t len = *lenp;
	int copy = *val, err;

	if (write && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (write && len >= PAGE_SIZE)
		return -EINVAL;
	tmp.data = &copy;
	err = proc_dointvec_minmax(&tmp, write, buffer, lenp, ppos);
	if (!err && write && *lenp != len)
		err = -EINVAL;
	if (!err && write)
		*val = copy;
	return err;
}

static int mem_sampling_enable_handler(const struct ctl_table *table,
				       int write, void *buffer, size_t *lenp,
				       loff_t *ppos)
{
	int value = READ_ONCE(mem_sampling_state.enabled);
	int err;

	err = mem_sampling_proc_int(table, write, buffer, lenp, ppos, &value);
	if (err || !write)
		return err;
	return mem_sampling_set_enabled(value);
}

static struct ctl_table mem_sampling_sysctls[] = {
	{
		.procname	= "mem_sampling_enable",
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= mem_sampling_enable_handler,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_ONE,
	},
};

/* mem_sampling=on|off: the initial value of kernel.mem_sampling_enable. */
static int __init mem_sampling_setup(char *str)
{
	bool enable;

	if (!str || kstrtobool(str, &enable)) {
		pr_warn("ignoring mem_sampling=%s: use on or off\n", str);
		return -EINVAL;
	}
	WRITE_ONCE(mem_sampling_state.enabled, enable);
	return 0;
}
early_param("mem_sampling", mem_sampling_setup);

/* ------------------------------------------------------- process mode */

/*
 * The mode lives in the mm: every thread of a process shares it, fork
 * copies it (a new mm starts from its parent's) and so does exec (the new
 * mm starts from the old one), so a launcher can opt a program in or out.
 * PR_SET_MEM_SAMPLING sets it (mm/mem_sampling_prctl.c).
 */
void mem_sampling_mm_init(struct mm_struct *mm)
{
	struct mm_struct *parent = current->mm;

	mm->mem_sampling_mode = parent ? READ_ONCE(parent->mem_sampling_mode) :
					 PR_MEM_SAMPLING_DEFAULT;
	mm->mem_sampling_defer_until = 0;
}

/**
 * mem_sampling_defer_mm - a consumer has no use for @mm's samples yet.
 * @mm: the process, the owner of the records just dispatched.
 * @msecs: how long not to sample it.
 *
 * For a consumer that would only drop the samples for a while, as NUMA
 * balancing does before a new process's first balancing pass: the provider
 * is not started for @mm's tasks until @msecs have passed or
 * mem_sampling_undefer_mm(), unless a consumer needs samples
 * (needs_samples()), so the samples cost nothing, not even the CPU budget.
 * Any context; from a consumer's handle_batch() the provider stops on this
 * CPU once the interrupt is over, on other CPUs at their next context
 * switch.  Advisory: the consumer still checks what it receives.
 */
void mem_sampling_defer_mm(struct mm_struct *mm, unsigned int msecs)
{
	unsigned long flags;

	/* 0 means not deferred: step over it when jiffies wrap. */
	WRITE_ONCE(mm->mem_sampling_defer_until,
		   (jiffies + msecs_to_jiffies(msecs)) ?: 1);
	if (current->mm != mm)
		return;
	local_irq_save(flags);
	if (this_cpu_read(mem_sampling_cpu.target) == current)
		irq_work_queue(this_cpu_ptr(&mem_sampling_recheck_work));
	local_irq_restore(flags);
}
EXPORT_SYMBOL_GPL(mem_sampling_defer_mm);

/**
 * mem_sampling_undefer_mm - end mem_sampling_defer_mm() early.
 * @mm: the process.
 *
 * Process context.  Sampling starts at once for @mm's tasks running now,
 * which might otherwise run for long without a context switch.
 */
void mem_sampling_undefer_mm(struct mm_struct *mm)
{
	if (!READ_ONCE(mm->mem_sampling_defer_until))
		return;
	WRITE_ONCE(mm->mem_sampling_defer_until, 0);
	if (atomic_read(&mm->mm_users) > 1) {
		on_each_cpu(mem_sampling_start_cpu, NULL, 0);
	} else if (current->mm == mm) {
		unsigned long flags;

		local_irq_save(flags);
		mem_sampling_start_cpu(NULL);
		local_irq_restore(flags);
	}
}
EXPORT_SYMBOL_GPL(mem_sampling_undefer_mm);

/* -------------------------------------------------------------- init */

static int __init mem_sampling_init(void)
{
	register_sysctl_init("kernel", mem_sampling_sysctls);
	return 0;
}
subsys_initcall(mem_sampling_init);

#ifdef CONFIG_MEM_SAMPLING_KUNIT_TEST
#include "tests/mem_sampling-kunit.h"
#endif
