/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the two drivers of the Arm Statistical Profiling Extension share:
 * the perf driver (drivers/perf/arm_spe_pmu.c) and the mem_sampling
 * driver (drivers/arm/spe).
 *
 * Probing: the feature bits, the capabilities read from the ID registers
 * and the buffer management interrupt, for both drivers alike.  These are
 * inline so that the perf driver, which may be a module and is built
 * without CONFIG_ARM_SPE_MEM_SAMPLING too, needs nothing else.
 *
 * The hardware: when CONFIG_ARM_SPE_MEM_SAMPLING is set, drivers/arm/spe
 * owns the SPE device (probe, buffer management interrupt, per-CPU
 * hardware) and samples for mem_sampling in the background.  The perf
 * driver takes a CPU's SPE from it for as long as a perf SPE event is
 * scheduled there: mem_sampling pauses on that CPU and resumes by itself
 * when perf lets go.  Without the option these calls are what perf always
 * did.
 */
#ifndef __LINUX_PERF_ARM_SPE_HW_H
#define __LINUX_PERF_ARM_SPE_HW_H

#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/cpumask.h>
#include <linux/device.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/platform_device.h>
#include <linux/sizes.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/types.h>

#include <asm/cputype.h>
#include <asm/sysreg.h>

/* ID_AA64DFR0_EL1.PMSVer: the SPE version, 0 without SPE. */
#define ARM_SPE_DFR0_PMSVER		GENMASK_ULL(35, 32)

/* PMSIDR_EL1 feature bits, as struct arm_spe_hw_caps.features. */
#define ARM_SPE_FEAT_FILT_EVT		BIT(0)	/* FE: event filter */
#define ARM_SPE_FEAT_FILT_TYP		BIT(1)	/* FT: op type filter */
#define ARM_SPE_FEAT_FILT_LAT		BIT(2)	/* FL: latency filter */
#define ARM_SPE_FEAT_ARCH_INST		BIT(3)	/* ARCHINST */
#define ARM_SPE_FEAT_LDS		BIT(4)	/* LDS: data source */
#define ARM_SPE_FEAT_ERND		BIT(5)	/* ERND: random jitter */
#define ARM_SPE_FEAT_INV_FILT_EVT	BIT(6)	/* FnE: inverted filter */

/**
 * struct arm_spe_hw_caps - what one CPU's SPE implements.
 * @features:		ARM_SPE_FEAT_* bits from PMSIDR_EL1; the bits above
 *			them are the caller's to use.
 * @pmsver:		ID_AA64DFR0_EL1.PMSVer.
 * @min_interval:	PMSIDR_EL1.Interval, decoded.
 * @max_record_size:	PMSIDR_EL1.MaxSize, decoded.
 * @align:		PMBIDR_EL1.Align, decoded.
 * @counter_size:	PMSIDR_EL1.CountSize, in bits.
 */
struct arm_spe_hw_caps {
	u64 features;
	u16 pmsver;
	u16 min_interval;
	u16 max_record_size;
	u16 align;
	u16 counter_size;
};

/**
 * arm_spe_hw_read_caps() - read this CPU's SPE capabilities.
 * @dev:	the SPE device, for messages.
 * @caps:	filled with the capabilities.
 *
 * Call on the CPU to read, with preemption disabled.  An unknown interval
 * or counter size is reported and taken as the largest one (4096, 12 bits).
 *
 * Return: 0, -ENODEV if the CPU has no SPE, -EPERM if a higher exception
 * level owns the profiling buffer, -EINVAL for an alignment or maximum
 * record size out of range; the error is reported on @dev.
 */
static inline int arm_spe_hw_read_caps(struct device *dev,
				       struct arm_spe_hw_caps *caps)
{
	int fld;
	u64 reg;

	memset(caps, 0, sizeof(*caps));

	fld = FIELD_GET(ARM_SPE_DFR0_PMSVER, read_cpuid(ID_AA64DFR0_EL1));
	if (!fld) {
		dev_err(dev,
			"unsupported ID_AA64DFR0_EL1.PMSVer [%d] on CPU %d\n",
			fld, smp_processor_id());
		return -ENODEV;
	}
	caps->pmsver = (u16)fld;

	/* Read PMBIDR first to determine whether or not we have access */
	reg = read_sysreg_s(SYS_PMBIDR_EL1);
	if (FIELD_GET(PMBIDR_EL1_P, reg)) {
		dev_err(dev,
			"profiling buffer owned by higher exception level\n");
		return -EPERM;
	}

	/* Minimum alignment. If it's out-of-range, then fail the probe */
	fld = FIELD_GET(PMBIDR_EL1_ALIGN, reg);
	caps->align = 1 << fld;
	if (caps->align > SZ_2K) {
		dev_err(dev, "unsupported PMBIDR.Align [%d] on CPU %d\n",
			fld, smp_processor_id());
		return -EINVAL;
	}

	/* It's now safe to read PMSIDR and figure out what we've got */
	reg = read_sysreg_s(SYS_PMSIDR_EL1);
	if (FIELD_GET(PMSIDR_EL1_FE, reg))
		caps->features |= ARM_SPE_FEAT_FILT_EVT;
	if (FIELD_GET(PMSIDR_EL1_FnE, reg))
		caps->features |= ARM_SPE_FEAT_INV_FILT_EVT;
	if (FIELD_GET(PMSIDR_EL1_FT, reg))
		caps->features |= ARM_SPE_FEAT_FILT_TYP;
	if (FIELD_GET(PMSIDR_EL1_FL, reg))
		caps->features |= ARM_SPE_FEAT_FILT_LAT;
	if (FIELD_GET(PMSIDR_EL1_ARCHINST, reg))
		caps->features |= ARM_SPE_FEAT_ARCH_INST;
	if (FIELD_GET(PMSIDR_EL1_LDS, reg))
		caps->features |= ARM_SPE_FEAT_LDS;
	if (FIELD_GET(PMSIDR_EL1_ERND, reg))
		caps->features |= ARM_SPE_FEAT_ERND;

	/* This field has a spaced out encoding, so just use a look-up */
	fld = FIELD_GET(PMSIDR_EL1_INTERVAL, reg);
	switch (fld) {
	case PMSIDR_EL1_INTERVAL_256:
		caps->min_interval = 256;
		break;
	case PMSIDR_EL1_INTERVAL_512:
		caps->min_interval = 512;
		break;
	case PMSIDR_EL1_INTERVAL_768:
		caps->min_interval = 768;
		break;
	case PMSIDR_EL1_INTERVAL_1024:
		caps->min_interval = 1024;
		break;
	case PMSIDR_EL1_INTERVAL_1536:
		caps->min_interval = 1536;
		break;
	case PMSIDR_EL1_INTERVAL_2048:
		caps->min_interval = 2048;
		break;
	case PMSIDR_EL1_INTERVAL_3072:
		caps->min_interval = 3072;
		break;
	default:
		dev_warn(dev, "unknown PMSIDR_EL1.Interval [%d]; assuming 8\n",
			 fld);
		fallthrough;
	case PMSIDR_EL1_INTERVAL_4096:
		caps->min_interval = 4096;
	}

	/* Maximum record size. If it's out-of-range, then fail the probe */
	fld = FIELD_GET(PMSIDR_EL1_MAXSIZE, reg);
	caps->max_record_size = 1 << fld;
	if (caps->max_record_size > SZ_2K || caps->max_record_size < 16) {
		dev_err(dev, "unsupported PMSIDR_EL1.MaxSize [%d] on CPU %d\n",
			fld, smp_processor_id());
		return -EINVAL;
	}

	fld = FIELD_GET(PMSIDR_EL1_COUNTSIZE, reg);
	switch (fld) {
	default:
		dev_warn(dev, "unknown PMSIDR_EL1.CountSize [%d]; assuming 2\n",
			 fld);
		fallthrough;
	case PMSIDR_EL1_COUNTSIZE_12_BIT_SAT:
		caps->counter_size = 12;
		break;
	case PMSIDR_EL1_COUNTSIZE_16_BIT_SAT:
		caps->counter_size = 16;
	}
	return 0;
}

/**
 * arm_spe_hw_irq_probe() - the buffer management interrupt of an SPE device.
 * @pdev:	the SPE platform device.
 * @cpus:	set to the CPUs the interrupt, a PPI, covers.
 *
 * Return: the interrupt, -ENXIO if the device has none, -EINVAL if it is
 * not a per-CPU interrupt with a partition.
 */
static inline int arm_spe_hw_irq_probe(struct platform_device *pdev,
				       cpumask_t *cpus)
{
	int irq = platform_get_irq(pdev, 0);

	if (irq < 0)
		return -ENXIO;

	if (!irq_is_percpu(irq)) {
		dev_err(&pdev->dev, "expected PPI but got SPI (%d)\n", irq);
		return -EINVAL;
	}

	if (irq_get_percpu_devid_partition(irq, cpus)) {
		dev_err(&pdev->dev, "failed to get PPI partition (%d)\n", irq);
		return -EINVAL;
	}

	return irq;
}

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
