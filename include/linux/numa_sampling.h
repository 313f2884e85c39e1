/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NUMA balancing driven by memory access samples: the scheduler's side.
 *
 * With kernel.numa_balancing_mem_sampling=1, a task that mem_sampling
 * samples is balanced from its samples (mm/numa_sampling.c) and
 * task_numa_work() does not scan its page tables.  See
 * Documentation/mm/numa-sampling.rst.
 */
#ifndef _LINUX_NUMA_SAMPLING_H
#define _LINUX_NUMA_SAMPLING_H

#include <linux/jump_label.h>
#include <linux/types.h>

struct folio;
struct task_struct;

#ifdef CONFIG_NUMA_BALANCING_MEM_SAMPLING
/* On while kernel.numa_balancing_mem_sampling is 1. */
DECLARE_STATIC_KEY_FALSE(numa_sampling_mode_key);

bool __numa_sampling_replaces_scan(struct task_struct *p);

/**
 * numa_sampling_replaces_scan - should task_numa_work() skip its scan?
 * @p: current, in task_numa_work().
 *
 * Also makes sure @p has a sample queue.
 *
 * Return: true in sample mode when @p is sampled: its samples drive NUMA
 * balancing instead.
 */
static inline bool numa_sampling_replaces_scan(struct task_struct *p)
{
	if (!static_branch_unlikely(&numa_sampling_mode_key))
		return false;
	return __numa_sampling_replaces_scan(p);
}

/*
 * From task_numa_work(), once numa_sampling_replaces_scan() has started a
 * pass: samples of @p's process are wanted from now on.
 */
void numa_sampling_pass_started(struct task_struct *p);

/* From init_numa_balancing(): @p starts without a queue. */
void numa_sampling_task_init(struct task_struct *p);
/* From task_numa_free(), final: free @p's queue. */
void numa_sampling_task_free(struct task_struct *p);
/* From folio_migrate_flags() in tiering mode: @folio changes tier. */
int numa_sampling_tier_change(struct folio *folio, int cpupid, bool promotion);
#else
static inline bool numa_sampling_replaces_scan(struct task_struct *p)
{
	return false;
}

static inline void numa_sampling_pass_started(struct task_struct *p)
{
}

static inline void numa_sampling_task_init(struct task_struct *p)
{
}

static inline void numa_sampling_task_free(struct task_struct *p)
{
}

static inline int numa_sampling_tier_change(struct folio *folio, int cpupid,
					    bool promotion)
{
	return -1;
}
#endif

#endif /* _LINUX_NUMA_SAMPLING_H */
