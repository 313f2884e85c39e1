/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mem_sampling tracepoints: one event per sampled memory access, fired by
 * the core for every record it hands to consumers.  The field list is an
 * ABI of sorts: spe-record (samples/bpf/spe) reads it by name and order.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM mem_sampling

#if !defined(_TRACE_MEM_SAMPLING_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_MEM_SAMPLING_H

#include <linux/sched.h>
#include <linux/tracepoint.h>
#include <linux/mem_sampling.h>

/* Let user space tools resolve the op names in the print format. */
TRACE_DEFINE_ENUM(MEM_SAMPLING_OP_OTHER);
TRACE_DEFINE_ENUM(MEM_SAMPLING_OP_LOAD);
TRACE_DEFINE_ENUM(MEM_SAMPLING_OP_STORE);
TRACE_DEFINE_ENUM(MEM_SAMPLING_OP_BRANCH);

TRACE_EVENT(mem_sampling_record,
	    TP_PROTO(struct task_struct *task, int cpu,
		     const struct mem_sampling_record *record),
	    TP_ARGS(task, cpu, record),
	    TP_STRUCT__entry(__field(pid_t, pid)
			     __field(pid_t, tid)
			     __field(int, cpu)
			     __field(u64, vaddr)
			     __field(u64, paddr)
			     __field(u64, pc)
			     __field(u32, flags)
			     __field(u32, events)
			     __field(u16, latency)
			     __field(u16, data_source)
			     __field(u8, op)),
	    TP_fast_assign(__entry->pid = task_tgid_nr(task);
			   __entry->tid = task_pid_nr(task);
			   __entry->cpu = cpu;
			   __entry->vaddr = record->vaddr;
			   __entry->paddr = record->paddr;
			   __entry->pc = record->pc;
			   __entry->flags = record->flags;
			   __entry->events = record->events;
			   __entry->latency = record->total_latency;
			   __entry->data_source = record->data_source;
			   __entry->op = record->op;),
	    TP_printk("pid=%d tid=%d cpu=%d vaddr=0x%llx paddr=0x%llx pc=0x%llx flags=0x%x events=0x%x latency=%u data_source=0x%x op=%s",
		      __entry->pid, __entry->tid, __entry->cpu,
		      __entry->vaddr, __entry->paddr, __entry->pc,
		      __entry->flags, __entry->events, __entry->latency,
		      __entry->data_source,
		      __print_symbolic(__entry->op,
				       { MEM_SAMPLING_OP_OTHER, "other" },
				       { MEM_SAMPLING_OP_LOAD, "load" },
				       { MEM_SAMPLING_OP_STORE, "store" },
				       { MEM_SAMPLING_OP_BRANCH, "branch" }))
);

#endif /* _TRACE_MEM_SAMPLING_H */

/* This part must be outside protection */
#include <trace/define_trace.h>
