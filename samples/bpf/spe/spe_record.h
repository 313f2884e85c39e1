/* SPDX-License-Identifier: GPL-2.0 */
/*
 * spe-record: what the BPF program and the user program share.
 *
 * The kernel of the target is built without BTF, so the layout of the
 * mem_sampling:mem_sampling_record tracepoint cannot be relocated with
 * CO-RE.  It is written out here instead, and the user program checks it
 * against the tracepoint's format file before loading anything.
 */
#ifndef SPE_RECORD_H
#define SPE_RECORD_H

/* Copies of the contract's values (include/linux/mem_sampling.h). */
#define SPE_RECORD_OP_OTHER		0
#define SPE_RECORD_OP_LOAD		1
#define SPE_RECORD_OP_STORE		2
#define SPE_RECORD_OP_BRANCH		3

/* MEM_SAMPLING_RECORD_*_VALID: bits 0, 1, 2, 5 and 8 of the flags. */
#define SPE_RECORD_VADDR_VALID		0x001U
#define SPE_RECORD_PADDR_VALID		0x002U
#define SPE_RECORD_PC_VALID		0x004U
#define SPE_RECORD_TOTAL_LAT_VALID	0x020U
#define SPE_RECORD_DATA_SOURCE_VALID	0x100U

#define SPE_RECORD_COMM_LEN		16

/*
 * The tracepoint's context as perf hands it to the program: the common
 * header of every trace event, then the TP_STRUCT__entry fields of
 * include/trace/events/mem_sampling.h with their natural alignment.
 */
struct mem_sampling_record_ctx {
	__u16 common_type;
	__u8 common_flags;
	__u8 common_preempt_count;
	__s32 common_pid;

	__s32 pid;
	__s32 tid;
	__s32 cpu;
	__u64 vaddr;
	__u64 paddr;
	__u64 pc;
	__u32 flags;
	__u32 events;
	__u16 latency;
	__u16 data_source;
	__u8 op;
};

/* One sample as the BPF program passes it through the ring buffer. */
struct spe_record_event {
	__u64 time_ns;		/* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u64 vaddr;
	__u64 paddr;
	__u64 pc;
	__s32 pid;
	__s32 tid;
	__s32 cpu;
	__u32 flags;
	__u32 events;
	__u16 latency;
	__u16 data_source;
	__u8 op;
	__u8 comm_valid;	/* comm is the sampled task's (it was current) */
	__u8 pad[2];
	char comm[SPE_RECORD_COMM_LEN];
};

/* What user space tells the BPF program, in the one entry of "settings". */
struct spe_record_settings {
	__s32 pid;		/* process (thread group) to record, 0: all */
};

/* Indexes of the per-CPU counter array. */
enum spe_record_counter {
	SPE_RECORD_COUNTER_SEEN,	/* tracepoint hits, before the filter */
	SPE_RECORD_COUNTER_LOST,	/* ring buffer full */
	SPE_RECORD_NR_COUNTERS,
};

#endif /* SPE_RECORD_H */
