/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sharing a CPU's Statistical Profiling Extension between its users.
 *
 * When CONFIG_ARM_SPE_MEM_SAMPLING is set, drivers/arm/spe owns the SPE
 * device (probe, buffer management interrupt, per-CPU hardware) and
 * samples for mem_sampling in the background.  The perf driver
 * (drivers/perf/arm_spe_pmu.c) takes a CPU's SPE from it for as long as a
 * perf SPE event is scheduled there: mem_sampling pauses on that CPU and
 * resumes by itself when perf lets go.  Without the option these calls are
 * what perf always did.
 */
#ifndef __LINUX_PERF_ARM_SPE_HW_H
#define __LINUX_PERF_ARM_SPE_HW_H

#include <linux/interrupt.h>

#if IS_ENABLED(CONFIG_ARM_SPE_MEM_SAMPLING)
/*
 * Request the per-CPU buffer management interrupt.  If @irq is the one the
 * SPE owner holds, @handler is called for it on the CPUs perf has
 * acquired; otherwise this is request_percpu_irq().
 */
int arm_spe_hw_request_irq(unsigned int irq, irq_handler_t handler,
			   const char *devname, void __percpu *percpu_dev_id);
void arm_spe_hw_free_irq(unsigned int irq, void __percpu *percpu_dev_id);

/*
 * Take this CPU's SPE for perf (pmu::add) and give it back (pmu::del).
 * Called with interrupts disabled; after arm_spe_hw_acquire() the SPE
 * registers and the buffer interrupt are perf's alone, in the state a
 * kernel without mem_sampling leaves them: sampling and buffer disabled,
 * PMBSR_EL1 clear.
 */
void arm_spe_hw_acquire(void);
void arm_spe_hw_release(void);
#else
static inline int arm_spe_hw_request_irq(unsigned int irq,
					 irq_handler_t handler,
					 const char *devname,
					 void __percpu *percpu_dev_id)
{
	return request_percpu_irq(irq, handler, devname, percpu_dev_id);
}

static inline void arm_spe_hw_free_irq(unsigned int irq,
				       void __percpu *percpu_dev_id)
{
	free_percpu_irq(irq, percpu_dev_id);
}

static inline void arm_spe_hw_acquire(void) { }
static inline void arm_spe_hw_release(void) { }
#endif

#endif /* __LINUX_PERF_ARM_SPE_HW_H */
