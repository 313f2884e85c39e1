// SPDX-License-Identifier: GPL-2.0
/*
 * Differential test: our SPE decoder against perf's, both run on the same
 * byte streams in one process.  perf's arm-spe-pkt-decoder.c is compiled
 * from the pristine kernel tree into this translation unit (so that its
 * static arm_spe_do_get_packet() is reachable without perf's merging of
 * padding runs); perf's record decoder arm-spe-decoder.c is linked in.
 *
 * Packets: streams are walked the way perf walks them, packet by packet
 * (one byte on a bad header), and at every position both decoders must
 * agree on kind, length, index and payload, and our field extractors must
 * agree with perf's macros.  Deliberate differences are counted, not
 * failed (Documentation/arch/arm64/spe-decoder.rst, "Differences from
 * perf"):
 *   reserved-sized   reserved header with an SZ field: perf says bad, we
 *                    skip it by its declared size (SPE_PACKET_UNKNOWN)
 *   ext-at-end       extended header in the last byte: perf says bad, we
 *                    say truncated
 *   align-at-end     alignment packet near the end: perf wants the whole
 *                    alignment in the buffer, we only the padding
 *
 * Records: on synthetic realistic streams, random streams of valid
 * packets and the perf documentation sample, every record perf's
 * arm_spe_decode() produces must match ours (timestamp, PC, data VA/PA,
 * context, total latency, data source, load/store, events); addresses
 * may differ only above bit 55 (canonical-address).  perf drops a last
 * record cut by the end of the data; ours returns it truncated.
 *
 * --emit DIR writes crafted.bin (every one- and two-byte header on which
 * both decoders agree), synth.bin, valid.bin (random valid packets) and
 * the perf sample for the JSON level
 * comparison of spe-decode --packets with perf-spe-dump.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include PERF_SPE_PKT_DECODER_C
#include "arm-spe-decoder.h"

#include "spe-decoder.h"
#include "spe-synth.h"
#include "spe-decoder-test-vectors.h"
#include "spe-perf-compare.h"
#include "tap-result.h"

/* perf-glue.c */
extern int verbose;

/* A failed case prints first what spe-perf-compare.h found different. */
static void compare_detail(void)
{
	if (compare_why[0])
		printf("not ok %s\n", compare_why);
	compare_why[0] = 0;
}

static u8 *alloc_stream(size_t len)
{
	/* Page aligned: perf counts alignment from the address. */
	u8 *buf = aligned_alloc(4096, (len + 4095) & ~4095UL);

	if (!buf) {
		perror("aligned_alloc");
		exit(2);
	}
	return buf;
}

/* Every one-byte header and every extended two-byte header. */
static size_t fill_crafted(u8 *buf, u64 seed, int only_agreeing)
{
	u64 state = seed;
	size_t off = 0;
	unsigned int h, s, i;

	for (h = 0; h < 256 + 4 * 256; h++) {
		u8 pkt[12];
		unsigned int n = 0;

		if (h < 256) {
			pkt[n++] = h;
		} else {
			pkt[n++] = SPE_HDR_EXTENDED | ((h - 256) >> 8);
			pkt[n++] = (h - 256) & 0xff;
		}
		for (i = 0; i < 10; i++)
			pkt[n + i] = spe_synth_rand(&state);
		s = n + 10;
		if (only_agreeing) {
			struct spe_packet ours;
			struct arm_spe_pkt perf;
			int pr, or;

			/* at an aligned offset, with room after it */
			off = (off + 15) & ~15UL;
			memcpy(buf + off, pkt, 12);
			memset(buf + off + 12, 0, 20);
			pr = arm_spe_do_get_packet(buf + off, 32, &perf);
			or = spe_packet_decode(buf, off + 32, off, &ours);
			if ((pr < 0) != (or < 0) || (pr > 0 && pr != or))
				continue;
			/* exactly the packet: no random bytes after it */
			s = pr > 0 ? pr : 1;
		}
		memcpy(buf + off, pkt, s);
		off += s;
		/* zeros: padding until the next crafted header */
		memset(buf + off, 0, 24);
		off += 24;
	}
	return off;
}

/* Random packets: any header byte, then 0 to 10 random bytes. */
static size_t fill_packetised(u8 *buf, size_t len, u64 seed)
{
	u64 state = seed;
	size_t off = 0;

	while (off + 12 <= len) {
		u64 r = spe_synth_rand(&state);
		unsigned int n = r % 11, i;

		buf[off++] = r >> 8;
		for (i = 0; i < n; i++)
			buf[off++] = spe_synth_rand(&state);
	}
	memset(buf + off, 0, len - off);
	return len;
}

/*
 * Random streams of valid packets only (no reserved header, index or
 * class), on which perf's record decoder and ours must agree record by
 * record: every packet kind, short and extended headers, alignment,
 * padding runs, all payload sizes, random payloads.  At most one
 * operation type packet per record, as SPE writes them: with several,
 * perf ORs their bits and we keep the last.
 */
static size_t fill_valid_random(u8 *buf, size_t len, u64 seed)
{
	u64 state = seed;
	size_t off = 0;
	bool op_seen = false;

	while (off + 32 <= len) {
		u64 r = spe_synth_rand(&state), payload = spe_synth_rand(&state);
		unsigned int kind = r % 16, size = 0, i, align;

		switch (kind) {
		case 0:
			memset(buf + off, 0, 1 + (r >> 8) % 20);
			off += 1 + (r >> 8) % 20;
			continue;
		case 1:
			buf[off++] = SPE_HDR_END;
			op_seen = false;
			continue;
		case 2:
			buf[off++] = SPE_HDR_TIMESTAMP;
			op_seen = false;
			size = 8;
			break;
		case 3:
			buf[off++] = SPE_HDR_EVENTS | ((r >> 8) & 0x30);
			size = 1 << ((r >> 12) & 3);
			break;
		case 4:
			buf[off++] = SPE_HDR_DATA_SOURCE | ((r >> 8) & 0x30);
			size = 1 << ((r >> 12) & 3);
			break;
		case 5:
			buf[off++] = SPE_HDR_CONTEXT | ((r >> 8) & 1);
			size = 4;
			break;
		case 6:
			if (op_seen)
				continue;
			op_seen = true;
			buf[off++] = SPE_HDR_OP_TYPE | (r >> 8) % 3;
			size = 1;
			break;
		case 7:
		case 8:
		case 9:
			buf[off++] = SPE_HDR_ADDRESS | ((r >> 8) & 7);
			size = 8;
			break;
		case 10:
			buf[off++] = SPE_HDR_EXTENDED | ((r >> 8) & 3);
			buf[off++] = SPE_HDR_ADDRESS | ((r >> 10) & 7);
			size = 8;
			break;
		case 11:
		case 12:
			buf[off++] = SPE_HDR_COUNTER | ((r >> 8) & 7);
			size = 2;
			break;
		case 13:
			buf[off++] = SPE_HDR_EXTENDED | ((r >> 8) & 3);
			buf[off++] = SPE_HDR_COUNTER | ((r >> 10) & 7);
			size = 2;
			break;
		case 14:
			/* alignment: header, then zeros up to the boundary */
			align = 2U << ((r >> 8) & 3);
			buf[off] = SPE_HDR_EXTENDED | ((r >> 8) & 3);
			buf[off + 1] = SPE_HDR_ALIGNMENT;
			i = align - (off & (align - 1));
			if (i < 2)
				i += align;
			memset(buf + off + 2, 0, i - 2);
			off += i;
			continue;
		default:
			/* a kernel or user PC with its EL and NS bits */
			buf[off++] = SPE_HDR_ADDRESS | SPE_ADDR_PC;
			payload = (payload & 0x00ffffffffffffffULL) |
				  ((r >> 16) & 1 ? 0xff00000000000000ULL : 0);
			size = 8;
			break;
		}
		for (i = 0; i < size; i++)
			buf[off++] = payload >> (8 * i);
	}
	memset(buf + off, 0, len - off);
	return len;
}

struct perf_feed {
	const u8 *buf;
	size_t len;
	int given;
};

static int perf_get_trace(struct arm_spe_buffer *b, void *data)
{
	struct perf_feed *feed = data;

	if (feed->given) {
		b->len = 0;
		return 0;
	}
	feed->given = 1;
	b->buf = feed->buf;
	b->len = feed->len;
	return 0;
}

static u32 perf_events_to_ours(u32 type)
{
	u32 e = 0;

	if (type & ARM_SPE_L1D_ACCESS)
		e |= MEM_SAMPLING_EVENT_L1D_ACCESS;
	if (type & ARM_SPE_L1D_MISS)
		e |= MEM_SAMPLING_EVENT_L1D_MISS;
	if (type & ARM_SPE_LLC_ACCESS)
		e |= MEM_SAMPLING_EVENT_LLC_ACCESS;
	if (type & ARM_SPE_LLC_MISS)
		e |= MEM_SAMPLING_EVENT_LLC_MISS;
	if (type & ARM_SPE_TLB_ACCESS)
		e |= MEM_SAMPLING_EVENT_TLB_ACCESS;
	if (type & ARM_SPE_TLB_MISS)
		e |= MEM_SAMPLING_EVENT_TLB_WALK;
	if (type & ARM_SPE_BRANCH_MISS)
		e |= MEM_SAMPLING_EVENT_MISPREDICT;
	if (type & ARM_SPE_REMOTE_ACCESS)
		e |= MEM_SAMPLING_EVENT_REMOTE_ACCESS;
	return e;
}

/* The events perf's record decoder reports (it drops retired, not-taken). */
#define PERF_VISIBLE_EVENTS						\
	(MEM_SAMPLING_EVENT_L1D_ACCESS | MEM_SAMPLING_EVENT_L1D_MISS |	\
	 MEM_SAMPLING_EVENT_LLC_ACCESS | MEM_SAMPLING_EVENT_LLC_MISS |	\
	 MEM_SAMPLING_EVENT_TLB_ACCESS | MEM_SAMPLING_EVENT_TLB_WALK |	\
	 MEM_SAMPLING_EVENT_MISPREDICT | MEM_SAMPLING_EVENT_REMOTE_ACCESS)

/*
 * perf fills the top byte of a PC only for NS EL1/EL2 and of a data VA
 * only when bits [55:52] are all ones; we sign-extend bit 55 (a canonical
 * address).  Both keep bits [55:0].
 */
static unsigned long diff_canonical;

static int same_address(u64 perf, u64 ours)
{
	if (perf == ours)
		return 1;
	if ((perf & SPE_ADDR_MASK) == (ours & SPE_ADDR_MASK)) {
		diff_canonical++;
		return 1;
	}
	return 0;
}

static int compare_records(const u8 *buf, size_t len, const char *name,
			   unsigned long *count)
{
	struct perf_feed feed = { .buf = buf, .len = len };
	struct arm_spe_params params = {
		.get_trace = perf_get_trace, .data = &feed,
	};
	struct arm_spe_decoder *perf = arm_spe_decoder_new(&params);
	struct mem_sampling_record rec;
	struct spe_decoder dec;
	unsigned long n = 0;
	const char *why = NULL;

	spe_decoder_init(&dec, buf, len);
	while (arm_spe_decode(perf) > 0) {
		const struct arm_spe_record *p = &perf->record;
		u32 f;

		if (spe_decoder_next_record(&dec, &rec) != 1) {
			why = "we have fewer records";
			break;
		}
		f = rec.flags;
		if (p->timestamp != rec.timestamp)
			why = "timestamp";
		else if (!same_address(p->from_ip,
				       f & MEM_SAMPLING_RECORD_PC_VALID ? rec.pc : 0))
			why = "pc";
		else if (!same_address(p->virt_addr, rec.vaddr))
			why = "vaddr";
		else if (p->phys_addr != rec.paddr)
			why = "paddr";
		else if (p->context_id != (f & MEM_SAMPLING_RECORD_CONTEXT_VALID ?
					   rec.context_id : (u64)-1))
			why = "context_id";
		else if (p->latency != rec.total_latency)
			why = "total latency";
		else if (p->source != rec.data_source)
			why = "data source";
		else if (!!(p->op & ARM_SPE_OP_LDST) !=
			 (rec.op == MEM_SAMPLING_OP_LOAD ||
			  rec.op == MEM_SAMPLING_OP_STORE) ||
			 (!!(p->op & ARM_SPE_OP_ST) &&
			  rec.op != MEM_SAMPLING_OP_STORE))
			why = "op";
		else if (perf_events_to_ours(p->type) !=
			 (rec.events & PERF_VISIBLE_EVENTS))
			why = "events";
		if (why)
			break;
		n++;
	}
	/* perf drops a record the buffer cuts; we return it, truncated */
	if (!why && spe_decoder_next_record(&dec, &rec) == 1 &&
	    (!(rec.flags & MEM_SAMPLING_RECORD_TRUNCATED) ||
	     spe_decoder_next_record(&dec, &rec) == 1))
		why = "we have more records";
	arm_spe_decoder_free(perf);
	*count = n;
	result(!why, "records %s: %lu records agree with perf%s%s", name, n,
	       why ? ", first difference: " : "", why ? why : "");
	return !why;
}

static int write_file(const char *dir, const char *name, const u8 *buf,
		      size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		perror(path);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const size_t synth_len = 4 << 20, random_len = 1 << 20;
	u8 *buf = alloc_stream(synth_len);
	unsigned long nrec;
	size_t len;
	unsigned int seed;
	char name[64];

	result_detail = compare_detail;
	/* perf warns once per unsupported address index; not a failure */
	verbose = -1;
	if (argc == 3 && !strcmp(argv[1], "--emit")) {
		int err = 0;

		len = fill_crafted(buf, 1, 1);
		err |= write_file(argv[2], "crafted.bin", buf, len);
		spe_synth_fill(buf, 1 << 16, 7);
		err |= write_file(argv[2], "synth.bin", buf, 1 << 16);
		fill_valid_random(buf, 1 << 16, 5);
		err |= write_file(argv[2], "valid.bin", buf, 1 << 16);
		err |= write_file(argv[2], "perf-sample.bin",
				  spe_record_vectors[0].bytes,
				  spe_record_vectors[0].len);
		return err;
	}

	len = fill_crafted(buf, 1, 0);
	result(compare_stream(buf, len, "crafted"),
	       "packets crafted: every 1- and 2-byte header");
	for (seed = 1; seed <= 4; seed++) {
		u64 state = seed * 0x9e3779b97f4a7c15ULL;
		size_t i;

		for (i = 0; i < random_len; i++)
			buf[i] = spe_synth_rand(&state);
		snprintf(name, sizeof(name), "random bytes seed %u", seed);
		result(compare_stream(buf, random_len, name), "packets %s", name);
		fill_packetised(buf, random_len, seed);
		snprintf(name, sizeof(name), "random packets seed %u", seed);
		result(compare_stream(buf, random_len, name), "packets %s", name);
	}
	for (seed = 1; seed <= 4; seed++) {
		unsigned long before = diff_align_end;

		fill_valid_random(buf, random_len, seed);
		snprintf(name, sizeof(name), "random valid packets seed %u", seed);
		result(compare_stream(buf, random_len, name) &&
		       diff_align_end == before, "packets %s", name);
		compare_records(buf, random_len, name, &nrec);
		result(nrec > 10000, "records %s: %lu compared", name, nrec);
	}

	/* The documented differences at the end of a buffer. */
	memcpy(buf, (const u8[]){ 0x49, 0x00, 0x20 }, 3);
	result(compare_stream(buf, 3, "ext-at-end") && diff_ext_end == 1,
	       "packets extended header in the last byte");
	memcpy(buf, (const u8[]){ 0x20, 0xa2, 0x01 }, 3);
	result(compare_stream(buf, 3, "ext-reserved-at-end"),
	       "packets extended reserved header cut by the end");
	memcpy(buf, (const u8[]){ 0x23, 0x00, 0, 0, 0, 0 }, 6);
	result(compare_stream(buf, 6, "align-at-end") && diff_align_end == 0,
	       "packets alignment 16 with 6 bytes left is truncated for both");
	memcpy(buf, (const u8[]){ 0x48, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
				  0x00, 0x00, 0x00, 0x22, 0x00, 0, 0, 0, 0 },
	       16);
	result(compare_stream(buf, 16, "align-at-end") && diff_align_end == 1,
	       "packets alignment 8 at offset 10 with 6 bytes left");
	spe_synth_fill(buf, synth_len, 3);
	result(compare_stream(buf, synth_len, "synthetic"),
	       "packets synthetic records");

	compare_records(buf, synth_len, "synthetic", &nrec);
	result(nrec == synth_len / SPE_SYNTH_RECORD_SIZE,
	       "records synthetic: all %zu records seen",
	       synth_len / SPE_SYNTH_RECORD_SIZE);
	memcpy(buf, spe_record_vectors[0].bytes, spe_record_vectors[0].len);
	compare_records(buf, spe_record_vectors[0].len, "perf sample", &nrec);
	result(nrec == 1, "records perf sample: one record");

	printf("# positions agreed %lu; deliberate differences: reserved-sized %lu, ext-at-end %lu, align-at-end %lu, canonical-address %lu\n",
	       agreed, diff_reserved, diff_ext_end, diff_align_end,
	       diff_canonical);
	result(agreed > 1000000 && diff_reserved > 0,
	       "differential covered %lu positions", agreed);
	free(buf);
	return failures ? 1 : 0;
}
