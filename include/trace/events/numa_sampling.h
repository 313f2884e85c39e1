/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NUMA balancing from access samples (mm/numa_sampling.c).  The events
 * belong to the mem_sampling system, next to mem_sampling_record.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM mem_sampling
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE numa_sampling

#if !defined(_TRACE_NUMA_SAMPLING_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_NUMA_SAMPLING_H

#include <linux/sched.h>
#include <linux/tracepoint.h>

/*
 * One migration attempt of a misplaced folio found by a sample.
 * @result: 0 on success, else the error of
 * migrate_misplaced_folio_prepare() or migrate_misplaced_folio().
 */
TRACE_EVENT(numa_sampling_migrate,
	    TP_PROTO(struct task_struct *task, unsigned long vaddr,
		     unsigned int order, int src_nid, int dst_nid, int result),
	    TP_ARGS(task, vaddr, order, src_nid, dst_nid, result),
	    TP_STRUCT__entry(__field(pid_t, pid)
			     __field(unsigned long, vaddr)
			     __field(unsigned int, order)
			     __field(int, src_nid)
			     __field(int, dst_nid)
			     __field(int, result)),
	    TP_fast_assign(__entry->pid = task_pid_nr(task);
			   __entry->vaddr = vaddr;
			   __entry->order = order;
			   __entry->src_nid = src_nid;
			   __entry->dst_nid = dst_nid;
			   __entry->result = result;),
	    TP_printk("pid=%d vaddr=0x%lx order=%u src_nid=%d dst_nid=%d result=%d",
		      __entry->pid, __entry->vaddr, __entry->order,
		      __entry->src_nid, __entry->dst_nid, __entry->result)
);

#endif /* _TRACE_NUMA_SAMPLING_H */

/* This part must be outside protection */
#include <trace/define_trace.h>
