// SPDX-License-Identifier: GPL-2.0
/*
 * The built-in mem_sampling consumer: one mem_sampling:mem_sampling_record
 * tracepoint event per record, for perf, ftrace and BPF (samples/bpf/spe).
 *
 * It is an ordinary consumer of include/linux/mem_sampling.h with one
 * extra duty: while the event has users, who asked for records, it refuses
 * a consumer's mem_sampling_pause().
 */

#include <linux/init.h>
#include <linux/mem_sampling.h>
#include <linux/mm.h>
#include <linux/smp.h>
#include <linux/vmstat.h>

#define CREATE_TRACE_POINTS
#include <trace/events/mem_sampling.h>

static void mem_sampling_trace_batch(struct task_struct *task,
				     const struct mem_sampling_record *records,
				     unsigned int nr)
{
	int cpu = smp_processor_id();
	unsigned int i;

	if (!trace_mem_sampling_record_enabled())
		return;
	for (i = 0; i < nr; i++)
		trace_mem_sampling_record(task, cpu, &records[i]);
	count_vm_events(MEM_SAMPLING_TRACE_HANDLED, nr);
}

static bool mem_sampling_trace_needs_samples(void)
{
	return trace_mem_sampling_record_enabled();
}

static struct mem_sampling_consumer mem_sampling_trace_consumer = {
	.name		= "trace",
	.handle_batch	= mem_sampling_trace_batch,
	.needs_samples	= mem_sampling_trace_needs_samples,
};

static int __init mem_sampling_trace_init(void)
{
	return mem_sampling_register_consumer(&mem_sampling_trace_consumer);
}
subsys_initcall(mem_sampling_trace_init);
