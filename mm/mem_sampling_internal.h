/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the mem_sampling core shares with its own user interfaces
 * (mem_sampling_sysfs.c, mem_sampling_prctl.c) and its test provider.
 * Not for providers or consumers: their contract is
 * include/linux/mem_sampling.h.
 */
#ifndef _MM_MEM_SAMPLING_INTERNAL_H
#define _MM_MEM_SAMPLING_INTERNAL_H

#include <linux/mem_sampling.h>

/* Longest provider name shown in sysfs, with its NUL. */
#define MEM_SAMPLING_NAME_LEN	32

void mem_sampling_get_config(struct mem_sampling_config *cfg);

/**
 * mem_sampling_update_config - change the settings under the core's lock.
 * @update:	changes the settings in *@cfg, a copy of the current ones;
 *		called with the core's lock held, so it must not sleep long
 *		or call into the core.
 * @arg:	passed to @update.
 *
 * Read, change and write back in one: two writers changing different
 * fields (two sysfs files) cannot lose each other's change, as a
 * mem_sampling_get_config() followed by a write back could.  The result
 * is validated against the active provider's caps and applied, with
 * sampling stopped everywhere while the provider is reconfigured.
 *
 * Return: 0; -EINVAL if the result is not valid for the provider; or the
 * error of the provider's ops->configure.  On error nothing changes.
 */
int mem_sampling_update_config(void (*update)(struct mem_sampling_config *cfg,
					      void *arg),
			       void *arg);

/* The budget's unit: basis points, this many being all of a CPU's time. */
#define MEM_SAMPLING_BUDGET_MAX		10000
/* The budget governor slows sampling down 2^16 times at most. */
#define MEM_SAMPLING_MAX_BUDGET_SHIFT	16U

/* The budget (mem_sampling_budget.c); budget in basis points, 0: none. */
u32 mem_sampling_get_budget(void);
int mem_sampling_set_budget(u32 budget);
/* Everything charged to @cpu so far, in ns. */
u64 mem_sampling_cost_ns(int cpu);
unsigned int mem_sampling_budget_next_shift(unsigned int shift, u64 cost_ns,
					    u64 period_ns, u32 budget);
void mem_sampling_budget_start(u32 budget);
void mem_sampling_budget_stop(void);
bool mem_sampling_budget_window(u64 cost_ns, u64 period_ns, u32 *budget);

/*
 * The interval the provider runs at (after any consumer's shift and the
 * budget governor's), or 0.
 */
u32 mem_sampling_get_effective_interval(void);
/* Whether a consumer paused sampling (mem_sampling_pause()). */
bool mem_sampling_get_paused(void);
bool mem_sampling_get_opt_in(void);
/* Takes effect at each CPU's next context switch. */
void mem_sampling_set_opt_in(bool opt_in);
/* Copies the active provider's name and caps; false when there is none. */
bool mem_sampling_get_provider(char *name, size_t len,
			       struct mem_sampling_provider_caps *caps);

/*
 * Make @task the owner of the records this CPU's provider produces from
 * now on, exactly as a context switch to @task would: the previous owner's
 * buffered records are drained and dispatched first, and the provider is
 * started for @task if @task is sampled, stopped otherwise.  Returns the
 * previous owner, to be passed back here afterwards.  Interrupts must be
 * disabled across the pair; @task must not exit meanwhile.  The test
 * provider uses this to attribute injected records to any task.
 */
struct task_struct *mem_sampling_switch_target(struct task_struct *task);

/*
 * Register @provider in place of the active one while samples flow: stop
 * everywhere, wait, swap.  The provider set aside stays registered and
 * becomes active again when @provider unregisters.  -EBUSY if one is set
 * aside already.  For the test provider, which must be usable on a machine
 * whose real PMU driver registered first.
 */
int mem_sampling_override_provider(struct mem_sampling_provider *provider);

#endif /* _MM_MEM_SAMPLING_INTERNAL_H */
