/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hand-made SPE test vectors, shared by the KUnit suite
 * (spe-decoder-kunit.c) and the host unit test (host/spe-decoder/).
 * Bytes are written from the packet formats of the Arm ARM (DDI 0487,
 * "Statistical Profiling Extension sample record specification"); the
 * record "perf documentation sample" is the first record of the
 * `perf report --dump-raw-trace` example in the commit that added perf's
 * SPE support (ffd3d18c20b8, "perf tools: Add ARM Statistical Profiling
 * Extensions (SPE) support"), decoded there as LD, VA, PA ns=1, LAT 0
 * XLAT, EV RETIRED L1D-ACCESS TLB-ACCESS, PC el3 ns=1, LAT 0 TOT, TS.
 */
#ifndef _SPE_DECODER_TEST_VECTORS_H
#define _SPE_DECODER_TEST_VECTORS_H

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/mem_sampling.h>

#include "spe-pkt-decoder.h"

struct spe_packet_vector {
	const char *name;
	u8 bytes[20];
	u8 len;		/* bytes given to the decoder */
	u8 pos;		/* where the packet starts */
	int ret;	/* expected return: length or -errno */
	u8 type;
	u8 index;
	u64 payload;
};

static const struct spe_packet_vector spe_packet_vectors[] = {
	{ "pad", { 0x00 }, 1, 0, 1, SPE_PACKET_PAD, 0, 0 },
	{ "end", { 0x01 }, 1, 0, 1, SPE_PACKET_END, 0, 0 },
	{ "timestamp", { 0x71, 0x36, 0x6c, 0x21, 0x2c, 0x09, 0, 0, 0 }, 9, 0,
	  9, SPE_PACKET_TIMESTAMP, 0, 39395093558ULL },
	{ "events/1", { 0x42, 0x16 }, 2, 0, 2, SPE_PACKET_EVENTS, 0, 0x16 },
	{ "events/2", { 0x52, 0x16, 0x07 }, 3, 0, 3, SPE_PACKET_EVENTS, 0,
	  0x716 },
	{ "events/4", { 0x62, 0x02, 0x00, 0x06, 0x00 }, 5, 0, 5,
	  SPE_PACKET_EVENTS, 0, 0x60002 },
	{ "events/8", { 0x72, 1, 2, 3, 4, 5, 6, 7, 0x80 }, 9, 0, 9,
	  SPE_PACKET_EVENTS, 0, 0x8007060504030201ULL },
	{ "data_source/1", { 0x43, 0x0e }, 2, 0, 2, SPE_PACKET_DATA_SOURCE, 0,
	  0x0e },
	{ "data_source/2", { 0x53, 0x34, 0x12 }, 3, 0, 3,
	  SPE_PACKET_DATA_SOURCE, 0, 0x1234 },
	{ "context/el1", { 0x64, 0xd2, 0x04, 0x00, 0x00 }, 5, 0, 5,
	  SPE_PACKET_CONTEXT, 0, 1234 },
	{ "context/el2", { 0x65, 0x78, 0x56, 0x34, 0x12 }, 5, 0, 5,
	  SPE_PACKET_CONTEXT, 1, 0x12345678 },
	{ "op_type/other", { 0x48, 0x00 }, 2, 0, 2, SPE_PACKET_OP_TYPE, 0, 0 },
	{ "op_type/other-sve", { 0x48, 0x2e }, 2, 0, 2, SPE_PACKET_OP_TYPE, 0,
	  0x2e },
	{ "op_type/load", { 0x49, 0x00 }, 2, 0, 2, SPE_PACKET_OP_TYPE, 1, 0 },
	{ "op_type/store-atomic", { 0x49, 0x1f }, 2, 0, 2, SPE_PACKET_OP_TYPE,
	  1, 0x1f },
	{ "op_type/branch", { 0x4a, 0x0b }, 2, 0, 2, SPE_PACKET_OP_TYPE, 2,
	  0x0b },
	{ "op_type/reserved-class", { 0x4b, 0x00 }, 2, 0, 2,
	  SPE_PACKET_OP_TYPE, 3, 0 },
	{ "address/pc", { 0xb0, 0x00, 0xc4, 0x15, 0x08, 0x00, 0x00, 0xff,
	  0xff }, 9, 0, 9, SPE_PACKET_ADDRESS, 0, 0xffff00000815c400ULL },
	{ "address/branch-target", { 0xb1, 0x10, 0x20, 0x40, 0, 0, 0, 0,
	  0x80 }, 9, 0, 9, SPE_PACKET_ADDRESS, 1, 0x8000000000402010ULL },
	{ "address/data-va", { 0xb2, 0xc0, 0x3b, 0x29, 0x0f, 0x00, 0x00, 0xff,
	  0xff }, 9, 0, 9, SPE_PACKET_ADDRESS, 2, 0xffff00000f293bc0ULL },
	{ "address/data-pa", { 0xb3, 0xc0, 0xeb, 0x24, 0xfb, 0x00, 0x00, 0x00,
	  0xc5 }, 9, 0, 9, SPE_PACKET_ADDRESS, 3, 0xc5000000fb24ebc0ULL },
	{ "address/prev-branch-target", { 0xb4, 1, 0, 0, 0, 0, 0, 0, 0x20 },
	  9, 0, 9, SPE_PACKET_ADDRESS, 4, 0x2000000000000001ULL },
	{ "counter/total", { 0x98, 0x00, 0x01 }, 3, 0, 3, SPE_PACKET_COUNTER,
	  0, 0x100 },
	{ "counter/issue", { 0x99, 0x2a, 0x00 }, 3, 0, 3, SPE_PACKET_COUNTER,
	  1, 42 },
	{ "counter/translation", { 0x9a, 0xff, 0x0f }, 3, 0, 3,
	  SPE_PACKET_COUNTER, 2, 0xfff },
	{ "extended/address-index-10", { 0x21, 0xb2, 8, 7, 6, 5, 4, 3, 2, 1 },
	  10, 0, 10, SPE_PACKET_ADDRESS, 10, 0x0102030405060708ULL },
	{ "extended/address-index-31", { 0x23, 0xb7, 1, 0, 0, 0, 0, 0, 0, 0 },
	  10, 0, 10, SPE_PACKET_ADDRESS, 31, 1 },
	{ "extended/counter-index-17", { 0x22, 0x99, 0x34, 0x12 }, 4, 0, 4,
	  SPE_PACKET_COUNTER, 17, 0x1234 },
	{ "alignment/2-at-0", { 0x20, 0x00 }, 2, 0, 2, SPE_PACKET_ALIGNMENT,
	  1, 0 },
	{ "alignment/16-at-0", { 0x23, 0x00 }, 16, 0, 16, SPE_PACKET_ALIGNMENT,
	  4, 0 },
	{ "alignment/8-at-6", { 0, 0, 0, 0, 0, 0, 0x22, 0x00 }, 8, 6, 2,
	  SPE_PACKET_ALIGNMENT, 3, 0 },
	{ "alignment/16-at-4", { 0, 0, 0, 0, 0x23, 0x00 }, 16, 4, 12,
	  SPE_PACKET_ALIGNMENT, 4, 0 },
	{ "unknown/0x41-sz0", { 0x41, 0xaa }, 2, 0, 2, SPE_PACKET_UNKNOWN, 0,
	  0xaa },
	{ "unknown/0x6c-sz2", { 0x6c, 1, 2, 3, 4 }, 5, 0, 5,
	  SPE_PACKET_UNKNOWN, 0, 0x04030201 },
	{ "unknown/0x80-sz0", { 0x80, 0x55 }, 2, 0, 2, SPE_PACKET_UNKNOWN, 0,
	  0x55 },
	{ "unknown/0xb8-sz3", { 0xb8, 1, 0, 0, 0, 0, 0, 0, 0 }, 9, 0, 9,
	  SPE_PACKET_UNKNOWN, 0, 1 },
	{ "unknown/extended-0x80", { 0x20, 0x80, 0x11 }, 3, 0, 3,
	  SPE_PACKET_UNKNOWN, 0, 0x11 },
	{ "bad/0x02", { 0x02 }, 1, 0, -EBADMSG, SPE_PACKET_BAD, 0, 0 },
	{ "bad/0x3f", { 0x3f, 0x00 }, 2, 0, -EBADMSG, SPE_PACKET_BAD, 0, 0 },
	{ "bad/0xc0", { 0xc0, 0x00 }, 2, 0, -EBADMSG, SPE_PACKET_BAD, 0, 0 },
	{ "bad/0xff", { 0xff }, 1, 0, -EBADMSG, SPE_PACKET_BAD, 0, 0 },
	{ "bad/extended-events", { 0x20, 0x42, 0x00 }, 3, 0, -EBADMSG,
	  SPE_PACKET_BAD, 0, 0 },
	{ "bad/extended-end", { 0x21, 0x01 }, 2, 0, -EBADMSG, SPE_PACKET_BAD,
	  0, 0 },
	{ "truncated/empty", { 0 }, 0, 0, -ENODATA, 0, 0, 0 },
	{ "truncated/timestamp", { 0x71, 0x00, 0x00 }, 3, 0, -ENODATA, 0, 0,
	  0 },
	{ "truncated/address", { 0xb0 }, 1, 0, -ENODATA, 0, 0, 0 },
	{ "truncated/events", { 0x52, 0x16 }, 2, 0, -ENODATA, 0, 0, 0 },
	{ "truncated/extended-header", { 0x20 }, 1, 0, -ENODATA, 0, 0, 0 },
	{ "truncated/extended-counter", { 0x20, 0x98, 0x01 }, 3, 0, -ENODATA,
	  0, 0, 0 },
	{ "truncated/alignment", { 0x23, 0x00, 0, 0, 0, 0, 0, 0 }, 8, 0,
	  -ENODATA, 0, 0, 0 },
};

#define SPE_RECORD_VECTOR_MAX_BYTES	160
#define SPE_RECORD_VECTOR_MAX_RECORDS	3

struct spe_record_vector {
	const char *name;
	u8 bytes[SPE_RECORD_VECTOR_MAX_BYTES];
	u8 len;
	u8 nr_records;
	struct mem_sampling_record records[SPE_RECORD_VECTOR_MAX_RECORDS];
	unsigned long dropped;
	unsigned long skipped_bytes;
	unsigned long unknown_packets;
};

static const struct spe_record_vector spe_record_vectors[] = {
	{
		.name = "perf documentation sample",
		.bytes = { 0x49, 0x00,
			   0xb2, 0xc0, 0x3b, 0x29, 0x0f, 0x00, 0x00, 0xff, 0xff,
			   0xb3, 0xc0, 0xeb, 0x24, 0xfb, 0x00, 0x00, 0x00, 0x80,
			   0x9a, 0x00, 0x00,
			   0x42, 0x16,
			   0xb0, 0x00, 0xc4, 0x15, 0x08, 0x00, 0x00, 0xff, 0xff,
			   0x98, 0x00, 0x00,
			   0x71, 0x36, 0x6c, 0x21, 0x2c, 0x09, 0x00, 0x00,
			   0x00 },
		.len = 46,
		.nr_records = 1,
		.records = { {
			.vaddr = 0xffff00000f293bc0ULL, .paddr = 0xfb24ebc0ULL,
			.pc = 0xffff00000815c400ULL, .timestamp = 39395093558ULL,
			.events = MEM_SAMPLING_EVENT_RETIRED |
				  MEM_SAMPLING_EVENT_L1D_ACCESS |
				  MEM_SAMPLING_EVENT_TLB_ACCESS,
			.flags = MEM_SAMPLING_RECORD_VADDR_VALID |
				 MEM_SAMPLING_RECORD_PADDR_VALID |
				 MEM_SAMPLING_RECORD_PADDR_NS |
				 MEM_SAMPLING_RECORD_PC_VALID |
				 MEM_SAMPLING_RECORD_TIMESTAMP_VALID |
				 MEM_SAMPLING_RECORD_TOTAL_LAT_VALID |
				 MEM_SAMPLING_RECORD_XLAT_LAT_VALID,
			.op = MEM_SAMPLING_OP_LOAD, .vaddr_tag = 0xff,
		} },
	},
	{
		.name = "user load ending with timestamp",
		/*
		 * pc 0x401240 el0 ns; issue 7; total 300; events retired
		 * l1d tlb llc remote; load; va 0xffff10203008 tag 0x0a;
		 * xlat 17; pa 0x81023008 ns; source 14; context (el2) 1001
		 */
		.bytes = { 0xb0, 0x40, 0x12, 0x40, 0x00, 0x00, 0x00, 0x00, 0x80,
			   0x99, 0x07, 0x00,
			   0x98, 0x2c, 0x01,
			   0x52, 0x16, 0x05,
			   0x49, 0x00,
			   0xb2, 0x08, 0x30, 0x20, 0x10, 0xff, 0xff, 0x00, 0x0a,
			   0x9a, 0x11, 0x00,
			   0xb3, 0x08, 0x30, 0x02, 0x81, 0x00, 0x00, 0x00, 0x80,
			   0x43, 0x0e,
			   0x65, 0xe9, 0x03, 0x00, 0x00,
			   0x71, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 },
		.len = 57,
		.nr_records = 1,
		.records = { {
			.vaddr = 0xffff10203008ULL, .paddr = 0x81023008ULL,
			.pc = 0x401240, .timestamp = 0x1000, .context_id = 1001,
			.events = MEM_SAMPLING_EVENT_RETIRED |
				  MEM_SAMPLING_EVENT_L1D_ACCESS |
				  MEM_SAMPLING_EVENT_TLB_ACCESS |
				  MEM_SAMPLING_EVENT_LLC_ACCESS |
				  MEM_SAMPLING_EVENT_REMOTE_ACCESS,
			.flags = MEM_SAMPLING_RECORD_VADDR_VALID |
				 MEM_SAMPLING_RECORD_PADDR_VALID |
				 MEM_SAMPLING_RECORD_PC_VALID |
				 MEM_SAMPLING_RECORD_CONTEXT_VALID |
				 MEM_SAMPLING_RECORD_TOTAL_LAT_VALID |
				 MEM_SAMPLING_RECORD_ISSUE_LAT_VALID |
				 MEM_SAMPLING_RECORD_XLAT_LAT_VALID |
				 MEM_SAMPLING_RECORD_DATA_SOURCE_VALID |
				 MEM_SAMPLING_RECORD_PADDR_NS |
				 MEM_SAMPLING_RECORD_TIMESTAMP_VALID,
			.total_latency = 300, .issue_latency = 7,
			.translation_latency = 17, .data_source = 14,
			.op = MEM_SAMPLING_OP_LOAD, .vaddr_tag = 0x0a,
		} },
	},
	{
		.name = "user load ending with end, padded",
		.bytes = { 0, 0,
			   0xb0, 0x40, 0x12, 0x40, 0x00, 0x00, 0x00, 0x00, 0x80,
			   0x99, 0x07, 0x00,
			   0x98, 0x2c, 0x01,
			   0x52, 0x16, 0x05,
			   0x49, 0x00,
			   0xb2, 0x08, 0x30, 0x20, 0x10, 0xff, 0xff, 0x00, 0x0a,
			   0x9a, 0x11, 0x00,
			   0xb3, 0x08, 0x30, 0x02, 0x81, 0x00, 0x00, 0x00, 0x80,
			   0x43, 0x0e,
			   0x65, 0xe9, 0x03, 0x00, 0x00,
			   0x01, 0, 0, 0 },
		.len = 54,
		.nr_records = 1,
		.records = { {
			.vaddr = 0xffff10203008ULL, .paddr = 0x81023008ULL,
			.pc = 0x401240, .timestamp = 0, .context_id = 1001,
			.events = MEM_SAMPLING_EVENT_RETIRED |
				  MEM_SAMPLING_EVENT_L1D_ACCESS |
				  MEM_SAMPLING_EVENT_TLB_ACCESS |
				  MEM_SAMPLING_EVENT_LLC_ACCESS |
				  MEM_SAMPLING_EVENT_REMOTE_ACCESS,
			.flags = MEM_SAMPLING_RECORD_VADDR_VALID |
				 MEM_SAMPLING_RECORD_PADDR_VALID |
				 MEM_SAMPLING_RECORD_PC_VALID |
				 MEM_SAMPLING_RECORD_CONTEXT_VALID |
				 MEM_SAMPLING_RECORD_TOTAL_LAT_VALID |
				 MEM_SAMPLING_RECORD_ISSUE_LAT_VALID |
				 MEM_SAMPLING_RECORD_XLAT_LAT_VALID |
				 MEM_SAMPLING_RECORD_DATA_SOURCE_VALID |
				 MEM_SAMPLING_RECORD_PADDR_NS,
			.total_latency = 300, .issue_latency = 7,
			.translation_latency = 17, .data_source = 14,
			.op = MEM_SAMPLING_OP_LOAD, .vaddr_tag = 0x0a,
		} },
	},
	{
		.name = "three records: store, branch, other",
		.bytes = { 0x49, 0x01, 0xb2, 0x00, 0x10, 0, 0, 0, 0, 0, 0,
			   0x42, 0x0e, 0x01,
			   0x4a, 0x19, 0x52, 0xc2, 0x00, 0x01,
			   0, 0, 0x48, 0x08, 0x42, 0x01, 0x01 },
		.len = 27,
		.nr_records = 3,
		.records = {
			{ .vaddr = 0x1000, .op = MEM_SAMPLING_OP_STORE,
			  .op_subclass = 0x01,
			  .flags = MEM_SAMPLING_RECORD_VADDR_VALID,
			  .events = MEM_SAMPLING_EVENT_RETIRED |
				    MEM_SAMPLING_EVENT_L1D_ACCESS |
				    MEM_SAMPLING_EVENT_L1D_MISS },
			{ .op = MEM_SAMPLING_OP_BRANCH, .op_subclass = 0x19,
			  .events = MEM_SAMPLING_EVENT_RETIRED |
				    MEM_SAMPLING_EVENT_NOT_TAKEN |
				    MEM_SAMPLING_EVENT_MISPREDICT },
			{ .op = MEM_SAMPLING_OP_OTHER, .op_subclass = 0x08 },
		},
	},
	{
		.name = "every event bit",
		.bytes = { 0x62, 0xff, 0xff, 0xff, 0xff, 0x01 },
		.len = 6,
		.nr_records = 1,
		.records = { { .events = GENMASK(9, 0) } },
	},
	{
		.name = "kernel pc and va sign-extended, el1 context",
		.bytes = { 0xb0, 0x00, 0x10, 0x00, 0x80, 0xff, 0xff, 0xff, 0xa0,
			   0x64, 0x2a, 0, 0, 0,
			   0xb2, 0x00, 0x20, 0, 0, 0, 0x80, 0xff, 0x3c, 0x01 },
		.len = 24,
		.nr_records = 1,
		.records = { {
			.pc = 0xffffffff80001000ULL,
			.vaddr = 0xffff800000002000ULL, .vaddr_tag = 0x3c,
			.context_id = 42,
			.flags = MEM_SAMPLING_RECORD_PC_VALID |
				 MEM_SAMPLING_RECORD_VADDR_VALID |
				 MEM_SAMPLING_RECORD_CONTEXT_VALID,
		} },
	},
	{
		.name = "extended address and counter, alignment inside",
		.bytes = { 0x20, 0xb2, 0x00, 0x30, 0, 0, 0, 0, 0, 0,
			   0x20, 0x98, 0x05, 0x00,
			   0x21, 0x00, 0, 0, 0x01 },
		.len = 19,
		.nr_records = 1,
		.records = { {
			.vaddr = 0x3000, .total_latency = 5,
			.flags = MEM_SAMPLING_RECORD_VADDR_VALID |
				 MEM_SAMPLING_RECORD_TOTAL_LAT_VALID,
		} },
	},
	{
		.name = "unknown sized packets skipped",
		.bytes = { 0x41, 0x00, 0x49, 0x00, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8,
			   0x01, 0x20, 0x80, 0x33, 0x99, 0x09, 0x00, 0x01 },
		.len = 21,
		.nr_records = 2,
		.records = {
			{ .op = MEM_SAMPLING_OP_LOAD },
			{ .issue_latency = 9,
			  .flags = MEM_SAMPLING_RECORD_ISSUE_LAT_VALID },
		},
		.unknown_packets = 3,
	},
	{
		.name = "reserved indexes ignored",
		.bytes = { 0x66, 1, 0, 0, 0, 0x4b, 0x07, 0xb5, 1, 0, 0, 0, 0, 0,
			   0, 0, 0x9b, 1, 0, 0x01 },
		.len = 20,
		.nr_records = 1,
		.records = { { .op = MEM_SAMPLING_OP_OTHER } },
		.unknown_packets = 2,
	},
	{
		.name = "garbage resynchronises at end",
		.bytes = { 0x49, 0x00, 0x01,
			   0x49, 0x01, 0xc5, 0x12, 0x49, 0x01,
			   0x49, 0x00, 0x01 },
		.len = 12,
		.nr_records = 2,
		.records = {
			{ .op = MEM_SAMPLING_OP_LOAD },
			{ .op = MEM_SAMPLING_OP_LOAD },
		},
		.dropped = 1,
		.skipped_bytes = 3,
	},
	{
		.name = "garbage resynchronises at timestamp",
		.bytes = { 0xff, 0xee, 0x71, 1, 0, 0, 0, 0, 0, 0, 0,
			   0x49, 0x01, 0x71, 2, 0, 0, 0, 0, 0, 0, 0 },
		.len = 22,
		.nr_records = 1,
		.records = { {
			.op = MEM_SAMPLING_OP_STORE, .op_subclass = 1,
			.timestamp = 2,
			.flags = MEM_SAMPLING_RECORD_TIMESTAMP_VALID,
		} },
		.dropped = 1,
		.skipped_bytes = 2,
	},
	{
		.name = "garbage to the end",
		.bytes = { 0x49, 0x00, 0x01, 0xd0, 0x02, 0x03 },
		.len = 6,
		.nr_records = 1,
		.records = { { .op = MEM_SAMPLING_OP_LOAD } },
		.dropped = 1,
		.skipped_bytes = 3,
	},
	{
		.name = "truncated inside a packet",
		.bytes = { 0x71, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
			   0x49, 0x01, 0xb2, 0x00, 0x10, 0x00 },
		.len = 15,
		.nr_records = 2,
		.records = {
			{ .timestamp = 0x1000,
			  .flags = MEM_SAMPLING_RECORD_TIMESTAMP_VALID },
			{ .op = MEM_SAMPLING_OP_STORE, .op_subclass = 1,
			  .flags = MEM_SAMPLING_RECORD_TRUNCATED },
		},
	},
	{
		.name = "truncated between packets",
		.bytes = { 0x49, 0x00, 0x99, 0x03, 0x00, 0, 0 },
		.len = 7,
		.nr_records = 1,
		.records = { {
			.op = MEM_SAMPLING_OP_LOAD, .issue_latency = 3,
			.flags = MEM_SAMPLING_RECORD_ISSUE_LAT_VALID |
				 MEM_SAMPLING_RECORD_TRUNCATED,
		} },
	},
	{
		.name = "truncated extended header",
		.bytes = { 0x01, 0x20 },
		.len = 2,
		.nr_records = 2,
		.records = { { 0 },
			     { .flags = MEM_SAMPLING_RECORD_TRUNCATED } },
	},
	{
		.name = "only padding",
		.bytes = { 0, 0, 0, 0, 0, 0, 0, 0 },
		.len = 8,
		.nr_records = 0,
	},
	{
		.name = "empty",
		.len = 0,
		.nr_records = 0,
	},
};

/*
 * Returns the name of the first field of @got that differs from @want, or
 * NULL if they are equal.
 */
static inline const char *
spe_record_mismatch(const struct mem_sampling_record *got,
		    const struct mem_sampling_record *want)
{
	if (got->vaddr != want->vaddr)
		return "vaddr";
	if (got->paddr != want->paddr)
		return "paddr";
	if (got->pc != want->pc)
		return "pc";
	if (got->timestamp != want->timestamp)
		return "timestamp";
	if (got->context_id != want->context_id)
		return "context_id";
	if (got->events != want->events)
		return "events";
	if (got->flags != want->flags)
		return "flags";
	if (got->total_latency != want->total_latency)
		return "total_latency";
	if (got->issue_latency != want->issue_latency)
		return "issue_latency";
	if (got->translation_latency != want->translation_latency)
		return "translation_latency";
	if (got->data_source != want->data_source)
		return "data_source";
	if (got->op != want->op)
		return "op";
	if (got->op_subclass != want->op_subclass)
		return "op_subclass";
	if (got->vaddr_tag != want->vaddr_tag)
		return "vaddr_tag";
	return NULL;
}

#endif /* _SPE_DECODER_TEST_VECTORS_H */
