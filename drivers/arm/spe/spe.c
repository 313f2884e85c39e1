// SPDX-License-Identifier: GPL-2.0
/*
 * Arm Statistical Profiling Extension (SPE) as a mem_sampling provider.
 *
 * The driver owns the SPE device firmware describes (the device tree node
 * "arm,statistical-profiling-extension-v1", or the "arm,spe-v1" platform
 * device made from the ACPI MADT): it reads the capabilities, takes the
 * buffer management interrupt and owns each CPU's SPE registers.  When
 * the core (mm/mem_sampling.c) asks, it samples the user-space operations
 * of the task running on a CPU into a node-local profiling buffer,
 * decodes the records (spe-decoder/) and hands them to the core.
 *
 * perf keeps working on the same hardware: the driver makes a child
 * device for the perf driver (drivers/perf/arm_spe_pmu.c) to bind,
 * forwards the buffer interrupt to perf on the CPUs where a perf SPE event
 * is scheduled, and pauses there until perf lets go
 * (include/linux/perf/arm_spe_hw.h).
 *
 * A CPU's state is only touched on that CPU with interrupts disabled: by
 * the core's start/stop/drain (context switch or IPI), the buffer
 * interrupt, perf's add/del, and the hotplug and configuration callbacks
 * (which disable interrupts locally).  The sampling path takes no lock.
 *
 * See Documentation/admin-guide/mm/mem_sampling.rst, "The Arm SPE driver".
 */

#define DRVNAME		"arm_spe_mem_sampling"
#define pr_fmt(fmt)	DRVNAME ": " fmt

#include <linux/bitfield.h>
#include <linux/cpu.h>
#include <linux/cpu_pm.h>
#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include <linux/device.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/mem_sampling.h>
#include <linux/mod_devicetable.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/percpu.h>
#include <linux/perf/arm_pmu.h>
#include <linux/perf/arm_spe_hw.h>
#include <linux/platform_device.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/sizes.h>
#include <linux/smp.h>
#include <linux/sysfs.h>
#include <linux/vmalloc.h>

#include <asm/barrier.h>
#include <asm/mmu.h>
#include <asm/sysreg.h>

#include "spe-decoder/spe-decoder.h"

/*
 * The largest buffer bounds the work of one interrupt: it decodes at most
 * one buffer of records.
 */
#define SPE_MIN_BUFFER_SIZE	(2 * PAGE_SIZE)
#define SPE_MAX_BUFFER_SIZE	SZ_1M

/* A CPU whose buffer faults this often is no longer sampled. */
#define SPE_MAX_FAULTS		16

/* The name of the perf driver the child device is made for. */
#define SPE_PERF_DRVNAME	"arm_spe_pmu"

/* The features that change how a CPU is programmed or what it reports. */
#define SPE_FEAT_USED		(ARM_SPE_FEAT_FILT_EVT | ARM_SPE_FEAT_FILT_TYP | \
				 ARM_SPE_FEAT_FILT_LAT | ARM_SPE_FEAT_LDS | \
				 ARM_SPE_FEAT_INV_FILT_EVT)

/*
 * The events PMSEVFR_EL1 filters on in every SPE version (the Arm ARM's
 * E[1], E[3], E[5] and E[7]), by their mem_sampling names; the provider's
 * filter_events is their union.  Later versions add others that do not
 * help placement; LLC miss and remote access (E[9], E[10]) stay RES0 up
 * to FEAT_SPEv1p2.
 */
static const struct {
	u32 event;	/* MEM_SAMPLING_EVENT_* */
	u8 bit;		/* its E[bit] in PMSEVFR_EL1 */
} spe_filter_events[] = {
	{ MEM_SAMPLING_EVENT_RETIRED,		1 },
	{ MEM_SAMPLING_EVENT_L1D_MISS,		3 },
	{ MEM_SAMPLING_EVENT_TLB_WALK,		5 },
	{ MEM_SAMPLING_EVENT_MISPREDICT,	7 },
};

/* The sampling controls of one configuration, as register values. */
struct spe_regs {
	u64 pmscr;
	u64 pmsirr;
	u64 pmsfcr;
	u64 pmsevfr;
	u64 pmslatfr;
};

/*
 * Per-CPU counters, summed in sysfs (stats/).  Only their CPU writes
 * them, with interrupts disabled.
 */
struct spe_stats {
	unsigned long records;		/* records handed to the core */
	unsigned long interrupts;	/* buffer management events handled */
	unsigned long buffer_full;	/* ... of which buffer full */
	unsigned long faults;		/* ... of which faults and errors */
	unsigned long collisions;	/* PMBSR.COLL: samples lost */
	unsigned long data_loss;	/* PMBSR.DL: records lost */
	unsigned long truncated;	/* records cut short, not handed on */
	unsigned long dropped;		/* records the decoder could not parse */
	unsigned long foreign;		/* records without a pid, not handed on */
	unsigned long resets;		/* buffer found reset by perf's callbacks */
	unsigned long pauses;		/* hand-overs to perf */
	unsigned long resumes;		/* hand-backs from perf */
};

/**
 * struct spe_cpu - one CPU's sampling state.
 * @buf:	the profiling buffer (page aligned, node-local).
 * @next_buf:	a buffer being swapped in or out by a configuration change.
 * @buf_size:	its size, a multiple of PAGE_SIZE.
 * @consumed:	bytes at the start of @buf already decoded.
 * @regs:	the sampling controls of the current configuration.
 * @pmsicr:	the interval counter to load, saved across a perf hand-over.
 * @target_pid:	pid of the task the core last started sampling for.
 * @pending:	records added to the core since the last flush.
 * @perf_owners: perf events holding this CPU's SPE (at most one).
 * @wanted:	the core wants the current task sampled.
 * @sampling:	PMSCR_EL1 has sampling enabled.
 * @programmed:	buffer and controls are in the hardware; PMSCR aside,
 *		the hardware is in the state this struct describes.
 * @online:	the CPU is between our hotplug callbacks.
 * @usable:	its SPE is usable and compatible with the probed one.
 * @stats:	counters.
 */
struct spe_cpu {
	void *buf;
	void *next_buf;
	u32 buf_size;
	u32 consumed;
	struct spe_regs regs;
	u64 pmsicr;
	pid_t target_pid;
	unsigned int pending;
	unsigned int perf_owners;
	bool wanted;
	bool sampling;
	bool programmed;
	bool online;
	bool usable;
	struct spe_stats stats;
};

static DEFINE_PER_CPU(struct spe_cpu, spe_cpus);

/**
 * struct spe_device - the one SPE device this driver drives.
 * @pdev:		the firmware's device.
 * @perf_pdev:		the child made for the perf driver, or NULL.
 * @supported_cpus:	the CPUs the buffer interrupt (a PPI) covers.
 * @irq:		the buffer management interrupt.
 * @hp_state:		our dynamic hotplug state.
 * @caps:		the capabilities probed on the first CPU.
 * @provider:		what the core knows of us.
 * @buffer_size:	the current per-CPU buffer size.
 */
struct spe_device {
	struct platform_device *pdev;
	struct platform_device *perf_pdev;
	cpumask_t supported_cpus;
	int irq;
	enum cpuhp_state hp_state;
	struct arm_spe_hw_caps caps;
	struct mem_sampling_provider provider;
	u32 buffer_size;
};

/* Set once at probe, never freed (the driver is built in). */
static struct spe_device *spe_dev;

/* Serialises configuration changes. */
static DEFINE_MUTEX(spe_config_lock);

/* The perf driver's handler for the CPUs it holds, see spe_perf_irq(). */
struct spe_perf_client {
	irq_handler_t handler;
	void __percpu *dev_id;
};

static struct spe_perf_client spe_perf_client_data;
static struct spe_perf_client __rcu *spe_perf_client;
static DEFINE_MUTEX(spe_perf_lock);

/* Records carry CONTEXTIDR_EL1, the pid, only if the kernel writes it. */
static const bool spe_context_is_pid = IS_ENABLED(CONFIG_PID_IN_CONTEXTIDR);

/* ------------------------------------------------------------------ */
/* Register programming, in the order the architecture requires.      */

/* Stop sampling and the profiling buffer, with every record written. */
static void spe_hw_disable(void)
{
	/* No new sample is taken once this write takes effect... */
	write_sysreg_s(0, SYS_PMSCR_EL1);
	isb();

	/* ...records of operations sampled before it are pushed out... */
	psb_csync();
	/* ...and their writes to the buffer complete before we go on. */
	dsb(nsh);

	write_sysreg_s(0, SYS_PMBLIMITR_EL1);
	isb();
}

/* Disabled, with no pointer and no status left: what perf starts from. */
static void spe_hw_reset(void)
{
	spe_hw_disable();

	write_sysreg_s(0, SYS_PMBPTR_EL1);
	isb();

	write_sysreg_s(0, SYS_PMBSR_EL1);
	isb();
}

/*
 * Make every record sampled so far, and the PMBPTR_EL1 and PMBSR_EL1 the
 * hardware updated, visible to this CPU.
 */
static void spe_hw_sync(void)
{
	/* Push out records still in flight... */
	psb_csync();
	/* ...wait until they are written... */
	dsb(nsh);
	/* ...and read the buffer registers only after that. */
	isb();
}

static void spe_hw_start_sampling(struct spe_cpu *spe)
{
	/*
	 * Sampling is at EL0 only, so nothing is sampled before the exception
	 * return to user space, which synchronises the write: no isb here.
	 */
	write_sysreg_s(spe->regs.pmscr, SYS_PMSCR_EL1);
	spe->sampling = true;
}

static void spe_hw_stop_sampling(struct spe_cpu *spe)
{
	/* As above: the kernel is not sampled, the next eret synchronises. */
	write_sysreg_s(0, SYS_PMSCR_EL1);
	spe->sampling = false;
}

/*
 * Program a disabled SPE (PMSCR_EL1 and PMBLIMITR_EL1.E clear) from
 * scratch and start sampling if the core wants it.
 */
static void spe_hw_program(struct spe_cpu *spe)
{
	u64 base = (u64)spe->buf;

	/* A status left set would keep the buffer stopped. */
	write_sysreg_s(0, SYS_PMBSR_EL1);
	write_sysreg_s(base, SYS_PMBPTR_EL1);
	/* base and size are page multiples, as PMBLIMITR_EL1.LIMIT needs. */
	write_sysreg_s((base + spe->buf_size) | PMBLIMITR_EL1_E,
		       SYS_PMBLIMITR_EL1);
	spe->consumed = 0;

	write_sysreg_s(spe->regs.pmsfcr, SYS_PMSFCR_EL1);
	write_sysreg_s(spe->regs.pmsevfr, SYS_PMSEVFR_EL1);
	if (spe_dev->caps.features & ARM_SPE_FEAT_INV_FILT_EVT)
		write_sysreg_s(0, SYS_PMSNEVFR_EL1);
	write_sysreg_s(spe->regs.pmslatfr, SYS_PMSLATFR_EL1);
	write_sysreg_s(spe->regs.pmsirr, SYS_PMSIRR_EL1);
	/* The interval must be in effect before the counter is loaded. */
	isb();
	write_sysreg_s(spe->pmsicr, SYS_PMSICR_EL1);
	/* Buffer, filters and counter are in effect before sampling is. */
	isb();

	spe->programmed = true;
	if (spe->wanted)
		spe_hw_start_sampling(spe);
}

static bool spe_can_sample(struct spe_cpu *spe)
{
	return spe->online && spe->usable && spe->buf && !spe->perf_owners;
}

/* ------------------------------------------------------------------ */
/* Records: decode what the hardware wrote and hand it to the core.    */

static void spe_flush(struct spe_cpu *spe)
{
	if (spe->pending) {
		mem_sampling_records_flush();
		spe->pending = 0;
	}
}

/*
 * Decode the records between what we decoded last and PMBPTR_EL1 into the
 * core's batch.  Called with the hardware synchronised (spe_hw_sync() or
 * spe_hw_disable()).
 */
static void spe_collect(struct spe_cpu *spe)
{
	u64 base = (u64)spe->buf;
	u64 ptr = read_sysreg_s(SYS_PMBPTR_EL1);
	unsigned int truncated = 0, foreign = 0, added = 0;
	struct mem_sampling_record rec;
	struct spe_decoder dec;
	u64 end;

	if (ptr < base + spe->consumed || ptr > base + spe->buf_size) {
		/*
		 * Somebody reset the hardware behind our back: the perf
		 * driver's probe or hotplug callbacks do on their CPUs.
		 * What the buffer held is lost; program it afresh next time.
		 */
		spe->stats.resets++;
		spe->programmed = false;
		spe->sampling = false;
		return;
	}

	end = ptr - base;
	if (end == spe->consumed)
		return;

	spe_decoder_init(&dec, spe->buf + spe->consumed, end - spe->consumed);
	while (spe_decoder_next_record(&dec, &rec) > 0) {
		if (rec.flags & MEM_SAMPLING_RECORD_TRUNCATED) {
			truncated++;
			continue;
		}
		/*
		 * With CONTEXTIDR_EL1 in the records (PMSCR_EL1.CX), each
		 * carries the pid of its task and the core attributes it by
		 * that (MEM_SAMPLING_CAP_CONTEXT): one without is never
		 * handed on.  Without, the core drains a task's records
		 * before the next task runs and only EL0 is sampled, so
		 * every record here was made by the target.
		 */
		if (spe_context_is_pid &&
		    !(rec.flags & MEM_SAMPLING_RECORD_CONTEXT_VALID)) {
			foreign++;
			continue;
		}
		mem_sampling_records_add(&rec, 1);
		added++;
	}
	spe->consumed = end;

	spe->pending += added;
	spe->stats.records += added;
	spe->stats.truncated += truncated;
	spe->stats.foreign += foreign;
	spe->stats.dropped += dec.dropped;
	if (truncated || foreign || dec.dropped)
		mem_sampling_count_lost(truncated, foreign + dec.dropped);
}

/*
 * Act on a pending buffer management event, as PMBSR_EL1 describes it.
 * Returns false if there is none.  Completed records are collected first;
 * on buffer full the buffer restarts from its base if @restart; on a fault
 * the hardware is disabled and programmed afresh on the next start.
 * Called with the hardware synchronised.
 */
static bool spe_handle_event(struct spe_cpu *spe, bool restart)
{
	u64 pmbsr = read_sysreg_s(SYS_PMBSR_EL1);
	const char *err = NULL;
	unsigned int lost = 0;

	if (!FIELD_GET(PMBSR_EL1_S, pmbsr))
		return false;

	spe->stats.interrupts++;

	/* A sample was taken while the previous one was in flight. */
	if (FIELD_GET(PMBSR_EL1_COLL, pmbsr)) {
		spe->stats.collisions++;
		lost++;
	}
	/* At least one record was lost or only partly written. */
	if (FIELD_GET(PMBSR_EL1_DL, pmbsr)) {
		spe->stats.data_loss++;
		lost++;
	}

	switch (FIELD_GET(PMBSR_EL1_EC, pmbsr)) {
	case PMBSR_EL1_EC_BUF:
		if (FIELD_GET(PMBSR_EL1_BUF_BSC_MASK, pmbsr) ==
		    PMBSR_EL1_BUF_BSC_FULL)
			spe->stats.buffer_full++;
		else
			err = "unknown buffer status code";
		break;
	case PMBSR_EL1_EC_FAULT_S1:
	case PMBSR_EL1_EC_FAULT_S2:
	case PMBSR_EL1_EC_FAULT_GPC:
		err = "buffer fault";
		break;
	default:
		err = "unknown error code";
	}
	if (!err && FIELD_GET(PMBSR_EL1_EA, pmbsr))
		err = "external abort on the buffer";

	if (lost)
		mem_sampling_count_lost(0, lost);

	if (spe->programmed)
		spe_collect(spe);

	if (err) {
		spe->stats.faults++;
		pr_err_ratelimited("%s on CPU %d [PMBSR=0x%016llx, PMBPTR=0x%016llx, PMBLIMITR=0x%016llx]\n",
				   err, smp_processor_id(), pmbsr,
				   read_sysreg_s(SYS_PMBPTR_EL1),
				   read_sysreg_s(SYS_PMBLIMITR_EL1));
		/* A faulting buffer left enabled only faults again. */
		spe_hw_disable();
		spe->programmed = false;
		spe->sampling = false;
		if (spe->stats.faults == SPE_MAX_FAULTS) {
			spe->usable = false;
			pr_err("CPU %d: %d buffer errors, no longer sampled\n",
			       smp_processor_id(), SPE_MAX_FAULTS);
		}
	} else if (restart && spe->programmed) {
		/* Everything in the buffer is decoded: start it over. */
		write_sysreg_s((u64)spe->buf, SYS_PMBPTR_EL1);
		spe->consumed = 0;
		/* The new pointer is in effect before the buffer restarts. */
		isb();
	}

	/* Clearing the status ends the event; the buffer resumes if enabled. */
	write_sysreg_s(0, SYS_PMBSR_EL1);
	return true;
}

static irqreturn_t spe_perf_irq(int irq)
{
	struct spe_perf_client *client = rcu_dereference_sched(spe_perf_client);

	if (!client)
		return IRQ_NONE;
	return client->handler(irq, this_cpu_ptr(client->dev_id));
}

static irqreturn_t spe_irq_handler(int irq, void *dev_id)
{
	struct spe_cpu *spe = dev_id;
	u64 start;

	/* While perf holds this CPU, the interrupt is perf's. */
	if (spe->perf_owners)
		return spe_perf_irq(irq);

	start = local_clock();
	spe_hw_sync();
	if (!spe_handle_event(spe, true))
		return IRQ_NONE;

	spe_flush(spe);
	/* Decoding and the consumers' share of it: the CPU budget's. */
	mem_sampling_account(local_clock() - start);
	return IRQ_HANDLED;
}

/* ------------------------------------------------------------------ */
/* Provider ops: called on their CPU with interrupts disabled.         */

static void spe_start(struct task_struct *task)
{
	struct spe_cpu *spe = this_cpu_ptr(&spe_cpus);

	spe->target_pid = task_pid_nr(task);
	spe->wanted = true;

	if (!spe_can_sample(spe))
		return;
	if (!spe->programmed)
		spe_hw_program(spe);
	else if (!spe->sampling)
		spe_hw_start_sampling(spe);
	/* Already sampling: a retarget needs no register write. */
}

static void spe_stop(void)
{
	struct spe_cpu *spe = this_cpu_ptr(&spe_cpus);

	spe->wanted = false;
	if (spe->sampling && !spe->perf_owners)
		spe_hw_stop_sampling(spe);
}

static void spe_drain(void)
{
	struct spe_cpu *spe = this_cpu_ptr(&spe_cpus);

	if (spe->perf_owners || !spe->programmed)
		return;

	spe_hw_sync();
	if (!spe_handle_event(spe, true))
		spe_collect(spe);
	spe_flush(spe);
}

/*
 * Take the hardware out of service on this CPU: disable it, save the
 * interval counter, hand every completed record to the core and leave
 * no buffer status behind.
 */
static void spe_hw_quiesce(struct spe_cpu *spe)
{
	if (!spe->programmed)
		return;

	spe_hw_disable();
	spe->pmsicr = read_sysreg_s(SYS_PMSICR_EL1);
	if (!spe_handle_event(spe, false))
		spe_collect(spe);
	spe_flush(spe);
	write_sysreg_s(0, SYS_PMBSR_EL1);
	isb();
	spe->programmed = false;
	spe->sampling = false;
}

/* ------------------------------------------------------------------ */
/* Configuration.                                                      */

struct spe_config_change {
	struct spe_regs regs;
	u32 buffer_size;
	bool new_buffers;
};

static int spe_config_to_regs(const struct mem_sampling_config *cfg,
			      struct spe_regs *regs)
{
	const struct arm_spe_hw_caps *caps = &spe_dev->caps;
	/* PMSIRR_EL1.INTERVAL holds bits [31:8] of the interval. */
	u32 interval = cfg->interval & PMSIRR_EL1_INTERVAL_MASK;
	u32 max_latency = caps->counter_size == 16 ? 0xffff : 0xfff;
	unsigned int i;

	if (interval < caps->min_interval)
		return -EINVAL;
	if (cfg->op_filter & ~(MEM_SAMPLING_FILTER_LOAD |
			       MEM_SAMPLING_FILTER_STORE))
		return -EINVAL;
	if (cfg->op_filter && !(caps->features & ARM_SPE_FEAT_FILT_TYP))
		return -EINVAL;
	if (cfg->min_latency && (!(caps->features & ARM_SPE_FEAT_FILT_LAT) ||
				 cfg->min_latency > max_latency))
		return -EINVAL;
	if (cfg->event_filter & ~spe_dev->provider.caps.filter_events)
		return -EINVAL;
	if (cfg->buffer_size < SPE_MIN_BUFFER_SIZE ||
	    cfg->buffer_size > SPE_MAX_BUFFER_SIZE)
		return -EINVAL;

	/* User space only; the pid in each record if the kernel writes it. */
	regs->pmscr = PMSCR_EL1_E0SPE;
	if (spe_context_is_pid)
		regs->pmscr |= PMSCR_EL1_CX;
	if (cfg->paddr)
		regs->pmscr |= PMSCR_EL1_PA;

	/* Random jitter keeps the interval from aliasing with loops. */
	regs->pmsirr = interval | PMSIRR_EL1_RND;

	regs->pmsfcr = 0;
	if (cfg->op_filter) {
		regs->pmsfcr |= PMSFCR_EL1_FT;
		if (cfg->op_filter & MEM_SAMPLING_FILTER_LOAD)
			regs->pmsfcr |= PMSFCR_EL1_LD;
		if (cfg->op_filter & MEM_SAMPLING_FILTER_STORE)
			regs->pmsfcr |= PMSFCR_EL1_ST;
	}
	if (cfg->min_latency)
		regs->pmsfcr |= PMSFCR_EL1_FL;
	regs->pmslatfr = FIELD_PREP(PMSLATFR_EL1_MINLAT, cfg->min_latency);
	regs->pmsevfr = 0;
	for (i = 0; i < ARRAY_SIZE(spe_filter_events); i++)
		if (cfg->event_filter & spe_filter_events[i].event)
			regs->pmsevfr |= BIT_ULL(spe_filter_events[i].bit);
	if (regs->pmsevfr)
		regs->pmsfcr |= PMSFCR_EL1_FE;
	return 0;
}

/* Apply a change to one CPU: on it with interrupts disabled, or offline. */
static void spe_config_change_cpu(struct spe_cpu *spe,
				  const struct spe_config_change *change)
{
	if (!spe->perf_owners)
		spe_hw_quiesce(spe);

	if (change->new_buffers)
		swap(spe->buf, spe->next_buf);
	spe->buf_size = change->buffer_size;
	spe->consumed = 0;
	spe->regs = change->regs;
	/* The first sample comes one full interval after the start. */
	spe->pmsicr = change->regs.pmsirr & PMSIRR_EL1_INTERVAL_MASK;

	if (spe->wanted && spe_can_sample(spe))
		spe_hw_program(spe);
}

static void spe_config_change_local(void *info)
{
	spe_config_change_cpu(this_cpu_ptr(&spe_cpus), info);
}

static void spe_free_next_buffers(void)
{
	int cpu;

	for_each_cpu(cpu, &spe_dev->supported_cpus) {
		struct spe_cpu *spe = per_cpu_ptr(&spe_cpus, cpu);

		vfree(spe->next_buf);
		spe->next_buf = NULL;
	}
}

static int spe_apply_config(const struct spe_regs *regs, u32 buffer_size)
{
	struct spe_config_change change = {
		.regs = *regs,
		.buffer_size = buffer_size,
		.new_buffers = buffer_size != spe_dev->buffer_size,
	};
	int cpu;

	lockdep_assert_held(&spe_config_lock);
	cpus_read_lock();

	if (change.new_buffers) {
		/* All or nothing: allocate every new buffer first. */
		for_each_cpu(cpu, &spe_dev->supported_cpus) {
			struct spe_cpu *spe = per_cpu_ptr(&spe_cpus, cpu);

			spe->next_buf = vmalloc_node(buffer_size,
						     cpu_to_node(cpu));
			if (!spe->next_buf) {
				spe_free_next_buffers();
				cpus_read_unlock();
				return -ENOMEM;
			}
		}
	}

	/* Online CPUs change their own state; nobody runs on the others. */
	on_each_cpu_mask(&spe_dev->supported_cpus, spe_config_change_local,
			 &change, true);
	for_each_cpu(cpu, &spe_dev->supported_cpus) {
		if (!cpu_online(cpu))
			spe_config_change_cpu(per_cpu_ptr(&spe_cpus, cpu),
					      &change);
	}

	/* The old buffers, out of every CPU's hardware now. */
	if (change.new_buffers)
		spe_free_next_buffers();
	spe_dev->buffer_size = buffer_size;

	cpus_read_unlock();
	return 0;
}

static int spe_configure(const struct mem_sampling_config *cfg)
{
	struct spe_regs regs;
	int ret;

	ret = spe_config_to_regs(cfg, &regs);
	if (ret)
		return ret;

	mutex_lock(&spe_config_lock);
	ret = spe_apply_config(&regs, PAGE_ALIGN(cfg->buffer_size));
	mutex_unlock(&spe_config_lock);
	return ret;
}

static const struct mem_sampling_provider_ops spe_provider_ops = {
	.configure	= spe_configure,
	.start		= spe_start,
	.stop		= spe_stop,
	.drain		= spe_drain,
};

/* ------------------------------------------------------------------ */
/* Sharing with perf: include/linux/perf/arm_spe_hw.h.                 */

void arm_spe_hw_acquire(void)
{
	struct spe_cpu *spe = this_cpu_ptr(&spe_cpus);

	lockdep_assert_irqs_disabled();

	if (spe->perf_owners++)
		return;
	if (!spe_dev)
		return;

	/* Save our state, drain our records, leave perf a clean SPE. */
	spe->stats.pauses++;
	spe_hw_quiesce(spe);
	mem_sampling_provider_lent(&spe_dev->provider, true);
}
EXPORT_SYMBOL_GPL(arm_spe_hw_acquire);

void arm_spe_hw_release(void)
{
	struct spe_cpu *spe = this_cpu_ptr(&spe_cpus);

	lockdep_assert_irqs_disabled();

	if (WARN_ON_ONCE(!spe->perf_owners))
		return;
	if (--spe->perf_owners)
		return;
	if (!spe_dev)
		return;

	spe->stats.resumes++;
	mem_sampling_provider_lent(&spe_dev->provider, false);
	if (spe->wanted && spe_can_sample(spe)) {
		/* perf stopped its session; make sure nothing of it runs. */
		spe_hw_disable();
		spe_hw_program(spe);
	}
}
EXPORT_SYMBOL_GPL(arm_spe_hw_release);

int arm_spe_hw_request_irq(unsigned int irq, irq_handler_t handler,
			   const char *devname, void __percpu *percpu_dev_id)
{
	int ret = 0;

	mutex_lock(&spe_perf_lock);
	if (spe_dev && irq == spe_dev->irq) {
		if (rcu_access_pointer(spe_perf_client)) {
			ret = -EBUSY;
		} else {
			spe_perf_client_data.handler = handler;
			spe_perf_client_data.dev_id = percpu_dev_id;
			rcu_assign_pointer(spe_perf_client,
					   &spe_perf_client_data);
		}
	} else {
		ret = request_percpu_irq(irq, handler, devname, percpu_dev_id);
	}
	mutex_unlock(&spe_perf_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(arm_spe_hw_request_irq);

/*
 * perf's hotplug teardown, run for each CPU when its driver goes away,
 * masked the interrupt and reset the hardware: take both back.
 */
static void spe_reclaim_local(void *unused)
{
	struct spe_cpu *spe = this_cpu_ptr(&spe_cpus);

	if (!spe->online)
		return;
	enable_percpu_irq(spe_dev->irq, IRQ_TYPE_NONE);
	if (spe->perf_owners)
		return;
	spe->programmed = false;
	spe->sampling = false;
	if (spe->wanted && spe_can_sample(spe))
		spe_hw_program(spe);
}

void arm_spe_hw_free_irq(unsigned int irq, void __percpu *percpu_dev_id)
{
	mutex_lock(&spe_perf_lock);
	if (spe_dev && irq == spe_dev->irq &&
	    rcu_access_pointer(spe_perf_client) &&
	    spe_perf_client_data.dev_id == percpu_dev_id) {
		RCU_INIT_POINTER(spe_perf_client, NULL);
		/* Interrupt handlers are RCU readers: none uses it now. */
		synchronize_rcu();
		cpus_read_lock();
		on_each_cpu_mask(&spe_dev->supported_cpus, spe_reclaim_local,
				 NULL, true);
		cpus_read_unlock();
	} else {
		free_percpu_irq(irq, percpu_dev_id);
	}
	mutex_unlock(&spe_perf_lock);
}
EXPORT_SYMBOL_GPL(arm_spe_hw_free_irq);

/*
 * A child of our device, for the perf driver alone to bind (by driver
 * override): perf keeps its PMU, and its requests for the interrupt and
 * the hardware come to us.
 */
static void spe_create_perf_device(struct spe_device *sd)
{
	struct device *dev = &sd->pdev->dev;
	struct resource irq_res = DEFINE_RES_IRQ(sd->irq);
	struct platform_device *child;
	int ret;

	if (!IS_ENABLED(CONFIG_ARM_SPE_PMU))
		return;

	child = platform_device_alloc(ARMV8_SPE_PDEV_NAME, PLATFORM_DEVID_AUTO);
	if (!child) {
		ret = -ENOMEM;
		goto err;
	}
	child->dev.parent = dev;
	ret = platform_device_add_resources(child, &irq_res, 1);
	if (!ret)
		ret = device_set_driver_override(&child->dev, SPE_PERF_DRVNAME);
	if (!ret)
		ret = platform_device_add(child);
	if (ret) {
		platform_device_put(child);
		goto err;
	}
	sd->perf_pdev = child;
	return;
err:
	dev_warn(dev, "no device for perf's SPE driver (%d): perf has no SPE\n",
		 ret);
}

/* ------------------------------------------------------------------ */
/* Probe: capabilities, interrupt, hotplug.                            */

struct spe_caps_probe {
	struct device *dev;
	struct arm_spe_hw_caps caps;
	int ret;
};

static void spe_read_caps_local(void *info)
{
	struct spe_caps_probe *probe = info;

	probe->ret = arm_spe_hw_read_caps(probe->dev, &probe->caps);
}

/* Can this CPU run the configuration made for the probed one? */
static bool spe_caps_compatible(const struct arm_spe_hw_caps *caps)
{
	const struct arm_spe_hw_caps *ref = &spe_dev->caps;

	return (caps->features & SPE_FEAT_USED) ==
			(ref->features & SPE_FEAT_USED) &&
	       caps->min_interval <= ref->min_interval &&
	       caps->max_record_size <= ref->max_record_size &&
	       caps->counter_size == ref->counter_size;
}

static int spe_cpu_online(unsigned int cpu)
{
	struct spe_cpu *spe = per_cpu_ptr(&spe_cpus, cpu);
	struct arm_spe_hw_caps caps;
	bool usable;

	if (!cpumask_test_cpu(cpu, &spe_dev->supported_cpus))
		return 0;

	local_irq_disable();
	usable = !arm_spe_hw_read_caps(&spe_dev->pdev->dev, &caps);
	if (usable && !spe_caps_compatible(&caps)) {
		pr_err("CPU %d: SPE differs from the probed CPU's, not sampled\n",
		       cpu);
		usable = false;
	}
	spe->usable = usable && spe->stats.faults < SPE_MAX_FAULTS;
	spe->online = true;
	if (!spe->perf_owners)
		spe_hw_reset();
	spe->programmed = false;
	spe->sampling = false;
	local_irq_enable();

	enable_percpu_irq(spe_dev->irq, IRQ_TYPE_NONE);
	return 0;
}

static int spe_cpu_offline(unsigned int cpu)
{
	struct spe_cpu *spe = per_cpu_ptr(&spe_cpus, cpu);

	if (!cpumask_test_cpu(cpu, &spe_dev->supported_cpus))
		return 0;

	disable_percpu_irq(spe_dev->irq);

	local_irq_disable();
	spe->online = false;
	if (!spe->perf_owners) {
		spe_hw_quiesce(spe);
		spe_hw_reset();
	}
	spe->programmed = false;
	spe->sampling = false;
	local_irq_enable();
	return 0;
}

/*
 * A deep idle state may lose the SPE registers: take the hardware out of
 * service before it, and the next start programs it afresh.  The core
 * stopped and drained this CPU when it switched to the idle task, so no
 * record is lost.  Interrupts are disabled.
 */
static int spe_cpu_pm_notify(struct notifier_block *nb, unsigned long action,
			     void *unused)
{
	struct spe_cpu *spe = this_cpu_ptr(&spe_cpus);

	if (action == CPU_PM_ENTER && !spe->perf_owners)
		spe_hw_quiesce(spe);
	return NOTIFY_OK;
}

static struct notifier_block spe_cpu_pm_nb = {
	.notifier_call = spe_cpu_pm_notify,
};

static void spe_fill_provider(struct spe_device *sd)
{
	const struct arm_spe_hw_caps *caps = &sd->caps;
	struct mem_sampling_provider_caps *pc = &sd->provider.caps;
	unsigned int i;

	sd->provider.name = "arm_spe";
	sd->provider.ops = &spe_provider_ops;

	pc->flags = MEM_SAMPLING_CAP_PADDR;
	if (spe_context_is_pid)
		pc->flags |= MEM_SAMPLING_CAP_CONTEXT;
	if (caps->features & ARM_SPE_FEAT_FILT_LAT)
		pc->flags |= MEM_SAMPLING_CAP_LATENCY;
	if (caps->features & ARM_SPE_FEAT_LDS)
		pc->flags |= MEM_SAMPLING_CAP_DATA_SOURCE;
	if (caps->features & ARM_SPE_FEAT_FILT_TYP)
		pc->flags |= MEM_SAMPLING_CAP_FILTER_OP;
	if (caps->features & ARM_SPE_FEAT_FILT_EVT)
		for (i = 0; i < ARRAY_SIZE(spe_filter_events); i++)
			pc->filter_events |= spe_filter_events[i].event;
	pc->min_interval = caps->min_interval;
	pc->max_interval = PMSIRR_EL1_INTERVAL_MASK;
	if (caps->features & ARM_SPE_FEAT_FILT_LAT)
		pc->max_latency_filter = caps->counter_size == 16 ? 0xffff : 0xfff;
	pc->min_buffer_size = SPE_MIN_BUFFER_SIZE;
	pc->max_buffer_size = SPE_MAX_BUFFER_SIZE;
}

static void spe_free_buffers(struct spe_device *sd)
{
	int cpu;

	for_each_cpu(cpu, &sd->supported_cpus) {
		struct spe_cpu *spe = per_cpu_ptr(&spe_cpus, cpu);

		vfree(spe->buf);
		spe->buf = NULL;
	}
}

static int spe_device_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct spe_caps_probe probe;
	struct spe_device *sd;
	int ret;

	if (spe_dev) {
		dev_info(dev, "%s is the mem_sampling provider already; this one is left to perf\n",
			 dev_name(&spe_dev->pdev->dev));
		return -EBUSY;
	}

	/*
	 * SPE writes the buffer through the kernel's mapping while user
	 * space runs; with the kernel unmapped at EL0 every write faults.
	 */
	if (arm64_kernel_unmapped_at_el0()) {
		dev_warn(dev, "profiling buffer unreachable with kpti: boot with \"kpti=off\" (or without CONFIG_UNMAP_KERNEL_AT_EL0) for mem_sampling on SPE\n");
		return -EPERM;
	}

	sd = devm_kzalloc(dev, sizeof(*sd), GFP_KERNEL);
	if (!sd)
		return -ENOMEM;
	sd->pdev = pdev;

	ret = arm_spe_hw_irq_probe(pdev, &sd->supported_cpus);
	if (ret < 0)
		return ret;
	sd->irq = ret;

	probe.dev = dev;
	ret = smp_call_function_any(&sd->supported_cpus, spe_read_caps_local,
				    &probe, 1);
	if (ret)
		return -ENXIO;
	if (probe.ret)
		return probe.ret;
	sd->caps = probe.caps;
	spe_fill_provider(sd);

	mutex_lock(&spe_perf_lock);
	spe_dev = sd;
	mutex_unlock(&spe_perf_lock);

	/* The interrupt stays disabled until the hotplug callback. */
	ret = request_percpu_irq(sd->irq, spe_irq_handler, DRVNAME, &spe_cpus);
	if (ret)
		goto err_clear;

	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "arm/spe/mem_sampling:online",
				spe_cpu_online, spe_cpu_offline);
	if (ret < 0)
		goto err_free_irq;
	sd->hp_state = ret;

	ret = cpu_pm_register_notifier(&spe_cpu_pm_nb);
	if (ret)
		goto err_hotplug;

	/* The core configures us (buffers, registers) before it returns. */
	ret = mem_sampling_register_provider(&sd->provider);
	if (ret) {
		dev_err(dev, "mem_sampling refused the provider (%d)\n", ret);
		goto err_cpu_pm;
	}

	platform_set_drvdata(pdev, sd);
	spe_create_perf_device(sd);

	dev_info(dev, "SPEv1.%d on CPUs %*pbl is the mem_sampling provider [min interval %u, max record %u, align %u, features 0x%llx]\n",
		 sd->caps.pmsver - 1, cpumask_pr_args(&sd->supported_cpus),
		 sd->caps.min_interval, sd->caps.max_record_size,
		 sd->caps.align, sd->caps.features);
	if (!spe_context_is_pid)
		dev_info(dev, "CONFIG_PID_IN_CONTEXTIDR is off: records carry no pid to check\n");
	return 0;

err_cpu_pm:
	cpu_pm_unregister_notifier(&spe_cpu_pm_nb);
err_hotplug:
	cpuhp_remove_state(sd->hp_state);
	spe_free_buffers(sd);
err_free_irq:
	free_percpu_irq(sd->irq, &spe_cpus);
err_clear:
	mutex_lock(&spe_perf_lock);
	spe_dev = NULL;
	mutex_unlock(&spe_perf_lock);
	return ret;
}

/* ------------------------------------------------------------------ */
/* sysfs: caps/ (fixed at probe) and stats/ (summed over CPUs).        */

static ssize_t cpumask_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct spe_device *sd = dev_get_drvdata(dev);

	return cpumap_print_to_pagebuf(true, buf, &sd->supported_cpus);
}
static DEVICE_ATTR_RO(cpumask);

static struct attribute *spe_attrs[] = {
	&dev_attr_cpumask.attr,
	NULL,
};

static const struct attribute_group spe_group = {
	.attrs = spe_attrs,
};

enum spe_cap {
	SPE_CAP_MIN_INTERVAL,
	SPE_CAP_MAX_RECORD_SIZE,
	SPE_CAP_ALIGN,
	SPE_CAP_COUNTER_SIZE,
	SPE_CAP_FEATURES,
	SPE_CAP_PMSVER,
};

static ssize_t spe_cap_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct dev_ext_attribute *ea = container_of(attr,
						    struct dev_ext_attribute,
						    attr);
	const struct arm_spe_hw_caps *caps = &spe_dev->caps;

	switch ((unsigned long)ea->var) {
	case SPE_CAP_MIN_INTERVAL:
		return sysfs_emit(buf, "%u\n", caps->min_interval);
	case SPE_CAP_MAX_RECORD_SIZE:
		return sysfs_emit(buf, "%u\n", caps->max_record_size);
	case SPE_CAP_ALIGN:
		return sysfs_emit(buf, "%u\n", caps->align);
	case SPE_CAP_COUNTER_SIZE:
		return sysfs_emit(buf, "%u\n", caps->counter_size);
	case SPE_CAP_FEATURES:
		return sysfs_emit(buf, "0x%llx\n", caps->features);
	case SPE_CAP_PMSVER:
		return sysfs_emit(buf, "%u\n", caps->pmsver);
	}
	return -EINVAL;
}

/* A read-only attribute whose show() gets @_var, as perf's SPE driver does. */
#define SPE_EXT_ATTR(_name, _show, _var)				\
	(&((struct dev_ext_attribute[]) {				\
		{ __ATTR(_name, 0444, _show, NULL), (void *)(_var) }	\
	})[0].attr.attr)

static struct attribute *spe_caps_attrs[] = {
	SPE_EXT_ATTR(min_interval, spe_cap_show, SPE_CAP_MIN_INTERVAL),
	SPE_EXT_ATTR(max_record_size, spe_cap_show, SPE_CAP_MAX_RECORD_SIZE),
	SPE_EXT_ATTR(align, spe_cap_show, SPE_CAP_ALIGN),
	SPE_EXT_ATTR(counter_size, spe_cap_show, SPE_CAP_COUNTER_SIZE),
	SPE_EXT_ATTR(features, spe_cap_show, SPE_CAP_FEATURES),
	SPE_EXT_ATTR(pmsver, spe_cap_show, SPE_CAP_PMSVER),
	NULL,
};

static const struct attribute_group spe_caps_group = {
	.name = "caps",
	.attrs = spe_caps_attrs,
};

/* The sum over CPUs of the struct spe_stats field at offset ea->var. */
static ssize_t spe_stat_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct dev_ext_attribute *ea = container_of(attr,
						    struct dev_ext_attribute,
						    attr);
	size_t offset = (unsigned long)ea->var;
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct spe_stats *stats = &per_cpu_ptr(&spe_cpus, cpu)->stats;

		sum += READ_ONCE(*(unsigned long *)((char *)stats + offset));
	}
	return sysfs_emit(buf, "%lu\n", sum);
}

#define SPE_STAT_ATTR(_name, _field)					\
	SPE_EXT_ATTR(_name, spe_stat_show, offsetof(struct spe_stats, _field))

static struct attribute *spe_stats_attrs[] = {
	SPE_STAT_ATTR(records, records),
	SPE_STAT_ATTR(interrupts, interrupts),
	SPE_STAT_ATTR(buffer_full, buffer_full),
	SPE_STAT_ATTR(faults, faults),
	SPE_STAT_ATTR(collisions, collisions),
	SPE_STAT_ATTR(data_loss, data_loss),
	SPE_STAT_ATTR(truncated, truncated),
	SPE_STAT_ATTR(dropped, dropped),
	SPE_STAT_ATTR(foreign, foreign),
	SPE_STAT_ATTR(resets, resets),
	SPE_STAT_ATTR(pauses, pauses),
	SPE_STAT_ATTR(resumes, resumes),
	NULL,
};

static const struct attribute_group spe_stats_group = {
	.name = "stats",
	.attrs = spe_stats_attrs,
};

static const struct attribute_group *spe_groups[] = {
	&spe_group,
	&spe_caps_group,
	&spe_stats_group,
	NULL,
};

static const struct of_device_id spe_of_match[] = {
	{ .compatible = "arm,statistical-profiling-extension-v1" },
	{ /* sentinel */ },
};

static const struct platform_device_id spe_id_match[] = {
	{ ARMV8_SPE_PDEV_NAME, 0 },
	{ /* sentinel */ },
};

static struct platform_driver spe_driver = {
	.id_table = spe_id_match,
	.driver = {
		.name = DRVNAME,
		.of_match_table = spe_of_match,
		.dev_groups = spe_groups,
		/* Built in, never unbound: sampling state has no teardown. */
		.suppress_bind_attrs = true,
	},
	.probe = spe_device_probe,
};
builtin_platform_driver(spe_driver);
