// SPDX-License-Identifier: GPL-2.0
/*
 * Arm SPE record decoder: packets -> struct mem_sampling_record.
 *
 * The loop below is the hot path of the SPE interrupt handler: every
 * header is classified with one lookup in spe_packet_header_info[] and,
 * away from the end of the buffer, every payload is one unaligned 64-bit
 * load and a mask.  Only extended headers (two bytes) and invalid headers
 * take the general spe_packet_decode() path.
 *
 * Invalid input: a reserved header with a size field is skipped by that
 * size; a header with no defined size drops the record being assembled
 * and the decoder resumes after the next End or Timestamp packet, the two
 * packets that end a record.  Input that ends inside a record yields that
 * record with MEM_SAMPLING_RECORD_TRUNCATED.
 */
#include <linux/types.h>
#include <linux/bits.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include <linux/mem_sampling.h>

#include "spe-decoder.h"

/* Payload mask by total packet length (one-byte header + payload). */
static const u64 spe_payload_mask[10] = {
	[2] = GENMASK_ULL(7, 0),
	[3] = GENMASK_ULL(15, 0),
	[5] = GENMASK_ULL(31, 0),
	[9] = GENMASK_ULL(63, 0),
};

/**
 * spe_decoder_init() - start decoding a buffer.
 * @dec:	the decoder.
 * @buf:	SPE records, as the hardware wrote them.
 * @len:	bytes in @buf.
 */
void spe_decoder_init(struct spe_decoder *dec, const void *buf, size_t len)
{
	memset(dec, 0, sizeof(*dec));
	dec->buf = buf;
	dec->len = len;
}

static inline u32 spe_events_map(u64 payload)
{
	u32 p = (u32)payload;

	/* SPE bit n -> MEM_SAMPLING_EVENT_*; see spe-pkt-decoder.h. */
	return ((p >> 1) & 0x7) |	/* RETIRED, L1D_ACCESS, L1D_REFILL */
	       ((p >> 5) & 0x18) |	/* LLC_ACCESS, LLC_MISS */
	       ((p << 1) & 0x60) |	/* TLB_ACCESS, TLB_WALK */
	       ((p >> 3) & 0x80) |	/* REMOTE_ACCESS */
	       ((p << 1) & 0x100) |	/* MISPREDICTED */
	       ((p << 3) & 0x200);	/* NOT_TAKEN */
}

/**
 * spe_events_to_mem_sampling() - translate an SPE events payload.
 * @payload: the payload of an events packet.
 *
 * Return: the MEM_SAMPLING_EVENT_* bits for the SPE events in @payload.
 */
u32 spe_events_to_mem_sampling(u64 payload)
{
	return spe_events_map(payload);
}

/*
 * Skip from the invalid header at @pos to just after the next End or
 * Timestamp packet.  Returns the new position.
 */
static size_t spe_decoder_resync(struct spe_decoder *dec, size_t pos)
{
	const u8 *buf = dec->buf;
	size_t len = dec->len, q;

	dec->dropped++;
	for (q = pos + 1; q < len; q++) {
		if (buf[q] == SPE_HDR_END) {
			dec->skipped_bytes += q - pos;
			return q + 1;
		}
		if (buf[q] == SPE_HDR_TIMESTAMP && len - q >= 9) {
			dec->skipped_bytes += q - pos;
			return q + 9;
		}
	}
	dec->skipped_bytes += len - pos;
	return len;
}

int spe_decoder_next_record(struct spe_decoder *dec,
			    struct mem_sampling_record *rec)
{
	const u8 *buf = dec->buf;
	size_t len = dec->len, pos = dec->pos;
	bool started = false;
	u64 payload;

	memset(rec, 0, sizeof(*rec));

	while (pos < len) {
		unsigned int header = buf[pos];
		unsigned int info = spe_packet_header_info[header];
		unsigned int type = SPE_HDR_INFO_TYPE(info);
		unsigned int plen = SPE_HDR_INFO_LEN(info);
		unsigned int index = header & 0x7;
		size_t avail = len - pos;

		if (type == SPE_PACKET_PAD) {
			pos++;
			continue;
		}

		if (likely(avail >= 9 && plen)) {
			payload = get_unaligned_le64(buf + pos + 1) &
				  spe_payload_mask[plen];
		} else if (plen) {
			unsigned int i;

			if (avail < plen)
				goto truncated;
			payload = 0;
			for (i = 1; i < plen; i++)
				payload |= (u64)buf[pos + i] << (8 * (i - 1));
		} else {
			struct spe_packet packet;
			int ret = spe_packet_decode(buf, len, pos, &packet);

			if (ret == -ENODATA)
				goto truncated;
			if (ret < 0) {
				pos = spe_decoder_resync(dec, pos);
				memset(rec, 0, sizeof(*rec));
				started = false;
				continue;
			}
			if (packet.type == SPE_PACKET_ALIGNMENT) {
				pos += ret;
				continue;
			}
			type = packet.type;
			index = packet.index;
			payload = packet.payload;
			plen = ret;
		}
		if (!started) {
			started = true;
			dec->record_start = pos;
		}
		pos += plen;

		switch (type) {
		case SPE_PACKET_END:
			goto done;
		case SPE_PACKET_TIMESTAMP:
			rec->timestamp = payload;
			rec->flags |= MEM_SAMPLING_RECORD_TIMESTAMP_VALID;
			goto done;
		case SPE_PACKET_ADDRESS:
			switch (index) {
			case SPE_ADDR_PC:
				rec->pc = spe_addr_canonical(payload);
				rec->flags |= MEM_SAMPLING_RECORD_PC_VALID;
				break;
			case SPE_ADDR_DATA_VIRT:
				rec->vaddr = spe_addr_canonical(payload);
				rec->vaddr_tag = payload >> SPE_ADDR_TAG_SHIFT;
				rec->flags |= MEM_SAMPLING_RECORD_VADDR_VALID;
				break;
			case SPE_ADDR_DATA_PHYS:
				rec->paddr = payload & SPE_ADDR_MASK;
				rec->flags |= MEM_SAMPLING_RECORD_PADDR_VALID;
				if (payload & SPE_ADDR_NS)
					rec->flags |= MEM_SAMPLING_RECORD_PADDR_NS;
				break;
			default:
				/* Branch targets: not part of a memory record. */
				break;
			}
			break;
		case SPE_PACKET_COUNTER:
			switch (index) {
			case SPE_COUNTER_TOTAL_LAT:
				rec->total_latency = payload;
				rec->flags |= MEM_SAMPLING_RECORD_TOTAL_LAT_VALID;
				break;
			case SPE_COUNTER_ISSUE_LAT:
				rec->issue_latency = payload;
				rec->flags |= MEM_SAMPLING_RECORD_ISSUE_LAT_VALID;
				break;
			case SPE_COUNTER_XLAT_LAT:
				rec->translation_latency = payload;
				rec->flags |= MEM_SAMPLING_RECORD_XLAT_LAT_VALID;
				break;
			default:
				break;
			}
			break;
		case SPE_PACKET_EVENTS:
			rec->events |= spe_events_map(payload);
			break;
		case SPE_PACKET_DATA_SOURCE:
			rec->data_source = payload;
			rec->flags |= MEM_SAMPLING_RECORD_DATA_SOURCE_VALID;
			break;
		case SPE_PACKET_CONTEXT:
			if ((index & 0x3) <= SPE_CONTEXT_EL2) {
				rec->context_id = payload;
				rec->flags |= MEM_SAMPLING_RECORD_CONTEXT_VALID;
			} else {
				dec->unknown_packets++;
			}
			break;
		case SPE_PACKET_OP_TYPE:
			rec->op_subclass = payload;
			switch (index & 0x3) {
			case SPE_OP_CLASS_LDST:
				rec->op = (payload & SPE_OP_LDST_ST) ?
					  MEM_SAMPLING_OP_STORE :
					  MEM_SAMPLING_OP_LOAD;
				break;
			case SPE_OP_CLASS_BRANCH:
				rec->op = MEM_SAMPLING_OP_BRANCH;
				break;
			case SPE_OP_CLASS_OTHER:
				rec->op = MEM_SAMPLING_OP_OTHER;
				break;
			default:
				rec->op_subclass = 0;
				dec->unknown_packets++;
				break;
			}
			break;
		case SPE_PACKET_UNKNOWN:
			dec->unknown_packets++;
			break;
		default:
			break;
		}
	}

	dec->pos = pos;
	if (!started)
		return 0;
	goto truncated_tail;

truncated:
	if (!started)
		dec->record_start = pos;
	dec->pos = len;
truncated_tail:
	rec->flags |= MEM_SAMPLING_RECORD_TRUNCATED;
	dec->truncated++;
	dec->records++;
	return 1;

done:
	dec->pos = pos;
	dec->records++;
	return 1;
}
