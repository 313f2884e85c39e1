/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NUMA balancing from access samples (mm/numa_sampling.c), a consumer of
 * mem_sampling: its own system, as its counters are its own.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM numa_sampling

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

/*
 * The sampling interval changed (kernel.numa_balancing_mem_sampling_adapt):
 * samples @used and @misplaced in the period that decided, the interval
 * shift from @old_shift to @new_shift, and the @interval now in effect.
 */
TRACE_EVENT(numa_sampling_interval,
	    TP_PROTO(unsigned long used, unsigned long misplaced,
		     int old_shift, int new_shift, unsigned int interval),
	    TP_ARGS(used, misplaced, old_shift, new_shift, interval),
	    TP_STRUCT__entry(__field(unsigned long, used)
			     __field(unsigned long, misplaced)
			     __field(int, old_shift)
			     __field(int, new_shift)
			     __field(unsigned int, interval)),
	    TP_fast_assign(__entry->used = used;
			   __entry->misplaced = misplaced;
			   __entry->old_shift = old_shift;
			   __entry->new_shift = new_shift;
			   __entry->interval = interval;),
	    TP_printk("used=%lu misplaced=%lu shift=%d->%d interval=%u",
		      __entry->used, __entry->misplaced, __entry->old_shift,
		      __entry->new_shift, __entry->interval)
);

#endif /* _TRACE_NUMA_SAMPLING_H */

/* This part must be outside protection */
#include <trace/define_trace.h>
