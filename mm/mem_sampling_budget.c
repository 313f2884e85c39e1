// SPDX-License-Identifier: GPL-2.0
/*
 * mem_sampling CPU budget: what sampling costs each CPU, and the governor
 * that keeps it under a share of the CPU's time.
 *
 * A sampling interval means different things on different machines: one
 * operation in 1024 is a few thousand samples a second under emulation and
 * millions on a server core.  What an administrator can reason about is
 * what sampling takes from the workload, so that is the control: the
 * budget (sysfs "budget", in basis points of each CPU's time).
 *
 * Every path that works on samples charges its time to the CPU it ran on:
 * the core's context switch hooks and IPIs (draining and starting the
 * provider, dispatching to consumers), the provider's interrupt handler
 * (decoding) and what consumers spend learning from the samples later
 * (NUMA balancing's page table walks and decisions, not the migrations
 * they lead to), all through mem_sampling_account().  Once a period the
 * governor compares the busiest CPU's cost with the budget and asks the
 * core for a slower or faster rate (mem_sampling_budget_window()); a CPU
 * that uses up a period's budget early runs the governor at once, so a
 * rate far too fast for the machine lasts milliseconds, not a period.
 *
 * The governor only ever slows sampling down from what the administrator
 * (interval) and the consumers (mem_sampling_set_interval_shift()) ask
 * for; the interval is the ceiling of the rate.
 */

#define pr_fmt(fmt) "mem_sampling: " fmt

#include <linux/cpumask.h>
#include <linux/irq_work.h>
#include <linux/math64.h>
#include <linux/mem_sampling.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/sched/clock.h>
#include <linux/timekeeping.h>
#include <linux/vmstat.h>
#include <linux/workqueue.h>
#include <asm/local64.h>

#include "mem_sampling_internal.h"

/**
 * struct mem_sampling_cost - what sampling cost one CPU.
 * @ns:		every nanosecond charged so far; added to on this CPU only,
 *		read from any.
 * @mark:	@ns when the current period began.  Written by the governor,
 *		read by this CPU (a torn read on a 32-bit machine can only
 *		make the early check below fire late or spuriously).
 * @kicked:	this CPU ran the governor early in the current period.
 */
struct mem_sampling_cost {
	local64_t ns;
	u64 mark;
	bool kicked;
};

static DEFINE_PER_CPU(struct mem_sampling_cost, mem_sampling_cost);

/*
 * The governor's period: long enough that the cost of a period is many
 * interrupts and switches, short enough that a rate too fast is corrected
 * within a second.
 */
#define MEM_SAMPLING_BUDGET_PERIOD_MS	1000

/**
 * struct mem_sampling_governor - the governor's bookkeeping.
 * @start:	when the current period began (ktime_get_ns()).
 * @limit_ns:	what a CPU may be charged in a whole period; a CPU that
 *		reaches it early runs the governor at once.  0: no budget.
 *		Written by the governor, read locklessly.
 *
 * Written by the governor's work item and by
 * mem_sampling_budget_start(); should the two meet, one period is
 * measured a little short or long, nothing worse.
 */
struct mem_sampling_governor {
	u64 start;
	u64 limit_ns;
};

static struct mem_sampling_governor mem_sampling_governor;

static void mem_sampling_budget_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(mem_sampling_budget_work, mem_sampling_budget_fn);

/*
 * The early run is queued from an irq_work: mem_sampling_account() may be
 * called from the context switch path, under the runqueue lock, where
 * waking a worker could deadlock.
 */
static void mem_sampling_budget_kick(struct irq_work *work)
{
	mod_delayed_work(system_wq, &mem_sampling_budget_work, 0);
}

static struct irq_work mem_sampling_budget_irq_work =
	IRQ_WORK_INIT(mem_sampling_budget_kick);

/**
 * mem_sampling_account - charge time spent on samples to this CPU.
 * @ns: nanoseconds, from local_clock() before and after the work.
 *
 * Any context.  For a provider's interrupt handler and a consumer's
 * deferred work; the core charges its own hooks.  Time spent inside a
 * path that is charged already (a consumer's handle_batch() called from a
 * provider's interrupt) must not be charged again.
 */
void mem_sampling_account(u64 ns)
{
	struct mem_sampling_cost *cost = raw_cpu_ptr(&mem_sampling_cost);
	u64 limit = READ_ONCE(mem_sampling_governor.limit_ns);
	u64 now;

	/* local64_add_return(): safe against interrupts on this CPU. */
	now = local64_add_return(ns, &cost->ns);
	count_vm_events(MEM_SAMPLING_COST_NS, ns);
	if (limit && now - READ_ONCE(cost->mark) > limit &&
	    !READ_ONCE(cost->kicked)) {
		WRITE_ONCE(cost->kicked, true);
		irq_work_queue(&mem_sampling_budget_irq_work);
	}
}
EXPORT_SYMBOL_GPL(mem_sampling_account);

u64 mem_sampling_cost_ns(int cpu)
{
	return local64_read(per_cpu_ptr(&mem_sampling_cost.ns, cpu));
}

/**
 * mem_sampling_budget_next_shift - the governor's decision.
 * @shift:	how many times 2 slower than asked sampling runs now.
 * @cost_ns:	the busiest CPU's cost over the last period.
 * @period_ns:	the length of that period.
 * @budget:	the budget in basis points of a CPU's time; 0: none.
 *
 * The cost of sampling is nearly all per sample (an interrupt's decoding
 * and the consumers' work grow with the number of records), so halving the
 * rate about halves it.  Over budget, slow down at once by as many factors
 * of two as the cost is over; well under it (doubling the rate would stay
 * under three quarters of the budget) go one factor of two faster, back
 * towards the rate asked for; in between keep the rate, so the governor
 * does not oscillate around the budget.  A pure function, for KUnit.
 *
 * Return: the next shift, from 0 to MEM_SAMPLING_MAX_BUDGET_SHIFT.
 */
unsigned int mem_sampling_budget_next_shift(unsigned int shift, u64 cost_ns,
					    u64 period_ns, u32 budget)
{
	u64 allowed;
	unsigned int step = 1;

	if (!budget)
		return 0;
	shift = min(shift, MEM_SAMPLING_MAX_BUDGET_SHIFT);
	if (!period_ns)
		return shift;
	allowed = div_u64(period_ns * budget, MEM_SAMPLING_BUDGET_MAX);
	allowed = max(allowed, 1ULL);
	if (cost_ns > allowed) {
		while (step < MEM_SAMPLING_MAX_BUDGET_SHIFT &&
		       (allowed << step) < cost_ns)
			step++;
		return min(shift + step, MEM_SAMPLING_MAX_BUDGET_SHIFT);
	}
	if (shift && cost_ns * 8 < allowed * 3)
		return shift - 1;
	return shift;
}

/*
 * Start a period at @now: mark every CPU's cost and the time, and run the
 * governor at its end.
 */
static void mem_sampling_budget_next_period(u64 now, u32 budget)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct mem_sampling_cost *cost = per_cpu_ptr(&mem_sampling_cost,
							     cpu);

		WRITE_ONCE(cost->mark, local64_read(&cost->ns));
		WRITE_ONCE(cost->kicked, false);
	}
	mem_sampling_governor.start = now;
	WRITE_ONCE(mem_sampling_governor.limit_ns,
		   div_u64((u64)MEM_SAMPLING_BUDGET_PERIOD_MS * NSEC_PER_MSEC *
			   budget, MEM_SAMPLING_BUDGET_MAX));
	schedule_delayed_work(&mem_sampling_budget_work,
			      msecs_to_jiffies(MEM_SAMPLING_BUDGET_PERIOD_MS));
}

/* The largest cost any online CPU was charged since its mark. */
static u64 mem_sampling_budget_busiest(void)
{
	u64 busiest = 0;
	int cpu;

	for_each_online_cpu(cpu) {
		struct mem_sampling_cost *cost = per_cpu_ptr(&mem_sampling_cost,
							     cpu);

		busiest = max(busiest,
			      local64_read(&cost->ns) - READ_ONCE(cost->mark));
	}
	return busiest;
}

static void mem_sampling_budget_fn(struct work_struct *work)
{
	u64 now = ktime_get_ns();
	u32 budget;

	/*
	 * Run early, the period is short and the share it measured high:
	 * the governor then overshoots towards slower, on the safe side,
	 * and comes back a step a period.
	 */
	if (!mem_sampling_budget_window(mem_sampling_budget_busiest(),
					now - mem_sampling_governor.start,
					&budget)) {
		WRITE_ONCE(mem_sampling_governor.limit_ns, 0);
		return;
	}
	mem_sampling_budget_next_period(now, budget);
}

/**
 * mem_sampling_budget_start - run the governor while sampling is on.
 * @budget: the budget now, for the first period.
 *
 * Called by the core whenever sampling starts or the budget changes; the
 * governor stops by itself once sampling is off
 * (mem_sampling_budget_window() says so).  Any context but hard
 * interrupt.
 */
void mem_sampling_budget_start(u32 budget)
{
	if (delayed_work_pending(&mem_sampling_budget_work))
		return;
	mem_sampling_budget_next_period(ktime_get_ns(), budget);
}

/*
 * Stop the governor and wait until it has stopped: for the KUnit tests,
 * which swap the core's state under it.  Not with the core's lock held:
 * the governor takes it.  mem_sampling_budget_start() runs it again.
 */
void mem_sampling_budget_stop(void)
{
	WRITE_ONCE(mem_sampling_governor.limit_ns, 0);
	irq_work_sync(&mem_sampling_budget_irq_work);
	cancel_delayed_work_sync(&mem_sampling_budget_work);
}
