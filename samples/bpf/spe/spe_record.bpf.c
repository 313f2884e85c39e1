// SPDX-License-Identifier: GPL-2.0
/*
 * spe-record, kernel side: pass every mem_sampling_record tracepoint hit
 * of the selected process to user space through a ring buffer.
 *
 * Plain tracepoint program reading its context directly: no CO-RE, so it
 * loads on kernels built without BTF.  The perf layer refuses to attach
 * it if it reads beyond the end of the event, which backs up the format
 * check done in user space.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "spe_record.h"

/* Written by user space before attaching; see struct spe_record_settings. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct spe_record_settings);
} settings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SPE_RECORD_NR_COUNTERS);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

static __always_inline void count(__u32 counter)
{
	__u64 *value = bpf_map_lookup_elem(&counters, &counter);

	if (value)
		*value += 1;
}

SEC("tp/mem_sampling/mem_sampling_record")
int spe_record(struct mem_sampling_record_ctx *ctx)
{
	struct spe_record_settings *filter;
	struct spe_record_event *event;
	__s32 pid = ctx->pid;
	__u32 zero = 0;

	count(SPE_RECORD_COUNTER_SEEN);
	filter = bpf_map_lookup_elem(&settings, &zero);
	if (!filter || (filter->pid && pid != filter->pid))
		return 0;

	event = bpf_ringbuf_reserve(&events, sizeof(*event), 0);
	if (!event) {
		count(SPE_RECORD_COUNTER_LOST);
		return 0;
	}

	event->time_ns = bpf_ktime_get_ns();
	event->vaddr = ctx->vaddr;
	event->paddr = ctx->paddr;
	event->pc = ctx->pc;
	event->pid = pid;
	event->tid = ctx->tid;
	event->cpu = ctx->cpu;
	event->flags = ctx->flags;
	event->events = ctx->events;
	event->latency = ctx->latency;
	event->data_source = ctx->data_source;
	event->op = ctx->op;
	event->pad[0] = 0;
	event->pad[1] = 0;

	/*
	 * Records may be handed over after the sampled task left the CPU,
	 * or injected by another task: take the name from current only when
	 * current is the sampled thread, user space looks it up otherwise.
	 */
	if ((__u32)bpf_get_current_pid_tgid() == (__u32)ctx->tid) {
		event->comm_valid = 1;
		bpf_get_current_comm(event->comm, sizeof(event->comm));
	} else {
		event->comm_valid = 0;
		__builtin_memset(event->comm, 0, sizeof(event->comm));
	}

	bpf_ringbuf_submit(event, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
