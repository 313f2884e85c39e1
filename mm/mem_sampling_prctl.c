// SPDX-License-Identifier: GPL-2.0
/*
 * prctl(PR_SET_MEM_SAMPLING) and prctl(PR_GET_MEM_SAMPLING): a process
 * chooses whether it is sampled (PR_MEM_SAMPLING_ENABLE, _DISABLE) or
 * follows the system setting (PR_MEM_SAMPLING_DEFAULT, which sysfs
 * opt_in decides).  The choice lives in the mm (mem_sampling_mm_init()),
 * where the core's context switch path reads it.
 */

#include <linux/irqflags.h>
#include <linux/mm_types.h>
#include <linux/prctl.h>
#include <linux/sched.h>

#include "mem_sampling_internal.h"

/*
 * Re-evaluate current after its process changed mode, as a context switch
 * to it would: start or stop its sampling on this CPU now.
 */
static void mem_sampling_update_current(void)
{
	unsigned long flags;

	local_irq_save(flags);
	mem_sampling_switch_target(current);
	local_irq_restore(flags);
}

/* PR_SET_MEM_SAMPLING: any process may choose its own mode. */
int mem_sampling_prctl_set(unsigned long mode, unsigned long arg3,
			   unsigned long arg4, unsigned long arg5)
{
	struct mm_struct *mm = current->mm;

	if (arg3 || arg4 || arg5)
		return -EINVAL;
	if (mode != PR_MEM_SAMPLING_DEFAULT && mode != PR_MEM_SAMPLING_ENABLE &&
	    mode != PR_MEM_SAMPLING_DISABLE)
		return -EINVAL;
	if (!mm || (current->flags & PF_KTHREAD))
		return -EINVAL;
	WRITE_ONCE(mm->mem_sampling_mode, mode);
	/* This thread at once; the others at their next context switch. */
	mem_sampling_update_current();
	return 0;
}

/* PR_GET_MEM_SAMPLING: returns the mode. */
int mem_sampling_prctl_get(unsigned long arg2, unsigned long arg3,
			   unsigned long arg4, unsigned long arg5)
{
	struct mm_struct *mm = current->mm;

	if (arg2 || arg3 || arg4 || arg5)
		return -EINVAL;
	if (!mm || (current->flags & PF_KTHREAD))
		return -EINVAL;
	return READ_ONCE(mm->mem_sampling_mode);
}
