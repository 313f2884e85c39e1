/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the mem_sampling core shares with its own user interface
 * (mem_sampling_sysfs.c) and its test provider.  Not for providers or
 * consumers: their contract is include/linux/mem_sampling.h.
 */
#ifndef _MM_MEM_SAMPLING_INTERNAL_H
#define _MM_MEM_SAMPLING_INTERNAL_H

#include <linux/mem_sampling.h>
#include <linux/sysctl.h>

/* Longest provider name shown in sysfs, with its NUL. */
#define MEM_SAMPLING_NAME_LEN	32

void mem_sampling_get_config(struct mem_sampling_config *cfg);
int mem_sampling_set_config(const struct mem_sampling_config *cfg);
/* The interval the provider runs at (after any consumer's shift), or 0. */
u32 mem_sampling_get_effective_interval(void);
bool mem_sampling_get_paused(void);

/*
 * proc_dointvec_minmax() on *@val, strictly (writing takes CAP_SYS_ADMIN,
 * one number in range and nothing else); for the core's sysctl and NUMA
 * balancing's.  *@val changes only on success.
 */
int mem_sampling_proc_int(const struct ctl_table *table, int write,
			  void *buffer, size_t *lenp, loff_t *ppos, int *val);
bool mem_sampling_get_opt_in(void);
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
 * Register @provider in place of the active one, which is set aside and
 * comes back when @provider unregisters.  -EBUSY if one is set aside.
 */
int mem_sampling_override_provider(struct mem_sampling_provider *provider);

#ifdef CONFIG_SYSFS
int mem_sampling_sysfs_init(void);
#else
static inline int mem_sampling_sysfs_init(void)
{
	return 0;
}
#endif

#endif /* _MM_MEM_SAMPLING_INTERNAL_H */
