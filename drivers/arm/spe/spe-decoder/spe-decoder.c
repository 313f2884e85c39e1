// SPDX-License-Identifier: GPL-2.0
/*
 * Arm SPE record decoder: packets -> struct mem_sampling_record.
 *
 * The loop below is the hot path of the SPE interrupt handler: it switches
 * on the header byte of the packets SPE writes for every sample and, away
 * from the end of the buffer, reads every payload with one unaligned
 * 64-bit load.  Extended headers (two bytes), reserved headers and the
 * last bytes of the buffer take the general spe_packet_decode() path.
 *
 * Invalid input: a reserved header with a size field is skipped by that
 * size; a header with no defined size drops the record being assembled
 * and the decoder resumes after the next End or Timestamp packet, the two
 * packets that end a record.  Input that ends inside a record yields that
 * record with MEM_SAMPLING_RECORD_TRUNCATED.
 */
#include <linux/types.h>
#include <linux/bits.h>
#include <linux/bitops.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include <linux/mem_sampling.h>

#include "spe-decoder.h"

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

/*
 * The offset of the first non-zero byte at or after @pos (or @len): runs
 * of padding are skipped eight bytes at a time.
 */
static inline size_t spe_skip_padding(const u8 *buf, size_t len, size_t pos)
{
	while (len - pos >= 8) {
		u64 word = get_unaligned_le64(buf + pos);

		if (word)
			return pos + (__ffs64(word) >> 3);
		pos += 8;
	}
	while (pos < len && !buf[pos])
		pos++;
	return pos;
}

/*
 * Add one packet to the record being assembled: the general path, for
 * extended headers and the last bytes of the input.  Returns true if the
 * packet ends the record.
 */
static __always_inline bool
spe_record_add(struct spe_decoder *dec, struct mem_sampling_record *rec,
	       u32 *flags, u32 *events, const struct spe_packet *packet)
{
	u64 payload = packet->payload;

	switch (packet->type) {
	case SPE_PACKET_END:
		return true;
	case SPE_PACKET_TIMESTAMP:
		rec->timestamp = payload;
		*flags |= MEM_SAMPLING_RECORD_TIMESTAMP_VALID;
		return true;
	case SPE_PACKET_ADDRESS:
		switch (packet->index) {
		case SPE_ADDR_PC:
			rec->pc = spe_addr_canonical(payload);
			*flags |= MEM_SAMPLING_RECORD_PC_VALID;
			break;
		case SPE_ADDR_DATA_VIRT:
			rec->vaddr = spe_addr_canonical(payload);
			rec->vaddr_tag = payload >> SPE_ADDR_TAG_SHIFT;
			*flags |= MEM_SAMPLING_RECORD_VADDR_VALID;
			break;
		case SPE_ADDR_DATA_PHYS:
			rec->paddr = payload & SPE_ADDR_MASK;
			*flags |= MEM_SAMPLING_RECORD_PADDR_VALID;
			if (payload & SPE_ADDR_NS)
				*flags |= MEM_SAMPLING_RECORD_PADDR_NS;
			break;
		}
		break;
	case SPE_PACKET_COUNTER:
		switch (packet->index) {
		case SPE_COUNTER_TOTAL_LAT:
			rec->total_latency = payload;
			*flags |= MEM_SAMPLING_RECORD_TOTAL_LAT_VALID;
			break;
		case SPE_COUNTER_ISSUE_LAT:
			rec->issue_latency = payload;
			*flags |= MEM_SAMPLING_RECORD_ISSUE_LAT_VALID;
			break;
		case SPE_COUNTER_XLAT_LAT:
			rec->translation_latency = payload;
			*flags |= MEM_SAMPLING_RECORD_XLAT_LAT_VALID;
			break;
		}
		break;
	case SPE_PACKET_EVENTS:
		*events |= spe_events_map(payload);
		break;
	case SPE_PACKET_DATA_SOURCE:
		rec->data_source = payload;
		*flags |= MEM_SAMPLING_RECORD_DATA_SOURCE_VALID;
		break;
	case SPE_PACKET_CONTEXT:
		if (packet->index <= SPE_CONTEXT_EL2) {
			rec->context_id = payload;
			*flags |= MEM_SAMPLING_RECORD_CONTEXT_VALID;
		} else {
			dec->unknown_packets++;
		}
		break;
	case SPE_PACKET_OP_TYPE:
		switch (packet->index) {
		case SPE_OP_CLASS_LDST:
			rec->op = (payload & SPE_OP_LDST_ST) ?
				  MEM_SAMPLING_OP_STORE : MEM_SAMPLING_OP_LOAD;
			break;
		case SPE_OP_CLASS_BRANCH:
			rec->op = MEM_SAMPLING_OP_BRANCH;
			break;
		case SPE_OP_CLASS_OTHER:
			rec->op = MEM_SAMPLING_OP_OTHER;
			break;
		default:
			dec->unknown_packets++;
			return false;
		}
		rec->op_subclass = payload;
		break;
	case SPE_PACKET_UNKNOWN:
		dec->unknown_packets++;
		break;
	default:
		/* Padding and alignment. */
		break;
	}
	return false;
}

/**
 * spe_decoder_next_record() - decode the next record of the buffer.
 * @dec:	the decoder, set up by spe_decoder_init().
 * @rec:	filled with the record; fields the record does not have are
 *		zero and their MEM_SAMPLING_RECORD_*_VALID flags clear.
 *
 * Never reads outside the buffer given to spe_decoder_init().  On return,
 * @dec->record_start and @dec->pos delimit the record.
 *
 * The hot loop switches on the header byte itself, so that the packets SPE
 * writes for every sample (short headers) need no table lookup, no payload
 * size computation and no second switch on the index; the payload is one
 * unaligned 64-bit load while at least 9 bytes are left.  Everything else
 * (extended headers, reserved headers, the last 8 bytes) goes through
 * spe_packet_decode() and spe_record_add(), which the unit and fuzz tests
 * hold to the same results.
 *
 * Return: 1 with @rec filled (MEM_SAMPLING_RECORD_TRUNCATED in @rec->flags
 * if the buffer ended inside it), 0 when the buffer holds no further
 * record.
 */
int spe_decoder_next_record(struct spe_decoder *dec,
			    struct mem_sampling_record *rec)
{
	const u8 *buf = dec->buf;
	size_t len = dec->len, pos = dec->pos, first, next;
	struct spe_packet packet;
	u32 flags, events;
	int ret;

restart:
	memset(rec, 0, sizeof(*rec));
	flags = 0;
	events = 0;
	pos = spe_skip_padding(buf, len, pos);
	/* Offset of the record's first packet that is not padding. */
	first = pos;

	while (pos < len) {
		unsigned int header = buf[pos];

		if (likely(len - pos >= 9)) {
			u64 word = get_unaligned_le64(buf + pos + 1);

			switch (header) {
			case SPE_HDR_PADDING:
				next = spe_skip_padding(buf, len, pos + 1);
				if (first == pos)
					first = next;
				pos = next;
				continue;
			case SPE_HDR_END:
				pos += 1;
				goto done;
			case SPE_HDR_TIMESTAMP:
				rec->timestamp = word;
				flags |= MEM_SAMPLING_RECORD_TIMESTAMP_VALID;
				pos += 9;
				goto done;
			case SPE_HDR_ADDRESS | SPE_ADDR_PC:
				rec->pc = spe_addr_canonical(word);
				flags |= MEM_SAMPLING_RECORD_PC_VALID;
				pos += 9;
				continue;
			case SPE_HDR_ADDRESS | SPE_ADDR_DATA_VIRT:
				rec->vaddr = spe_addr_canonical(word);
				rec->vaddr_tag = word >> SPE_ADDR_TAG_SHIFT;
				flags |= MEM_SAMPLING_RECORD_VADDR_VALID;
				pos += 9;
				continue;
			case SPE_HDR_ADDRESS | SPE_ADDR_DATA_PHYS:
				rec->paddr = word & SPE_ADDR_MASK;
				flags |= MEM_SAMPLING_RECORD_PADDR_VALID;
				if (word & SPE_ADDR_NS)
					flags |= MEM_SAMPLING_RECORD_PADDR_NS;
				pos += 9;
				continue;
			case SPE_HDR_ADDRESS | SPE_ADDR_BRANCH_TARGET:
			case SPE_HDR_ADDRESS | SPE_ADDR_PREV_BRANCH_TARGET ...
			     SPE_HDR_ADDRESS | 0x7:
				pos += 9;
				continue;
			case SPE_HDR_COUNTER | SPE_COUNTER_TOTAL_LAT:
				rec->total_latency = word;
				flags |= MEM_SAMPLING_RECORD_TOTAL_LAT_VALID;
				pos += 3;
				continue;
			case SPE_HDR_COUNTER | SPE_COUNTER_ISSUE_LAT:
				rec->issue_latency = word;
				flags |= MEM_SAMPLING_RECORD_ISSUE_LAT_VALID;
				pos += 3;
				continue;
			case SPE_HDR_COUNTER | SPE_COUNTER_XLAT_LAT:
				rec->translation_latency = word;
				flags |= MEM_SAMPLING_RECORD_XLAT_LAT_VALID;
				pos += 3;
				continue;
			case SPE_HDR_COUNTER | 0x3 ... SPE_HDR_COUNTER | 0x7:
				pos += 3;
				continue;
			case SPE_HDR_EVENTS:
				events |= spe_events_map(word & 0xff);
				pos += 2;
				continue;
			case SPE_HDR_EVENTS | 0x10:
				events |= spe_events_map(word & 0xffff);
				pos += 3;
				continue;
			case SPE_HDR_EVENTS | 0x20:
				events |= spe_events_map(word & 0xffffffff);
				pos += 5;
				continue;
			case SPE_HDR_EVENTS | 0x30:
				events |= spe_events_map(word);
				pos += 9;
				continue;
			case SPE_HDR_DATA_SOURCE:
				rec->data_source = word & 0xff;
				flags |= MEM_SAMPLING_RECORD_DATA_SOURCE_VALID;
				pos += 2;
				continue;
			case SPE_HDR_DATA_SOURCE | 0x10:
				rec->data_source = word;
				flags |= MEM_SAMPLING_RECORD_DATA_SOURCE_VALID;
				pos += 3;
				continue;
			case SPE_HDR_CONTEXT | SPE_CONTEXT_EL1:
			case SPE_HDR_CONTEXT | SPE_CONTEXT_EL2:
				rec->context_id = word & 0xffffffff;
				flags |= MEM_SAMPLING_RECORD_CONTEXT_VALID;
				pos += 5;
				continue;
			case SPE_HDR_OP_TYPE | SPE_OP_CLASS_OTHER:
				rec->op = MEM_SAMPLING_OP_OTHER;
				rec->op_subclass = word;
				pos += 2;
				continue;
			case SPE_HDR_OP_TYPE | SPE_OP_CLASS_LDST:
				rec->op = (word & SPE_OP_LDST_ST) ?
					  MEM_SAMPLING_OP_STORE :
					  MEM_SAMPLING_OP_LOAD;
				rec->op_subclass = word;
				pos += 2;
				continue;
			case SPE_HDR_OP_TYPE | SPE_OP_CLASS_BRANCH:
				rec->op = MEM_SAMPLING_OP_BRANCH;
				rec->op_subclass = word;
				pos += 2;
				continue;
			default:
				break;
			}
		}

		ret = spe_packet_decode(buf, len, pos, &packet);
		if (ret == -ENODATA)
			goto truncated;
		if (ret < 0) {
			pos = spe_decoder_resync(dec, pos);
			goto restart;
		}
		if (packet.type == SPE_PACKET_PAD ||
		    packet.type == SPE_PACKET_ALIGNMENT) {
			next = spe_skip_padding(buf, len, pos + ret);
			if (first == pos)
				first = next;
			pos = next;
			continue;
		}
		pos += ret;
		if (spe_record_add(dec, rec, &flags, &events, &packet))
			goto done;
	}

truncated:
	dec->pos = len;
	if (first >= len)
		return 0;	/* nothing but padding */
	dec->record_start = first;
	rec->flags = flags | MEM_SAMPLING_RECORD_TRUNCATED;
	rec->events = events;
	dec->truncated++;
	dec->records++;
	return 1;

done:
	dec->record_start = first;
	dec->pos = pos;
	rec->flags = flags;
	rec->events = events;
	dec->records++;
	return 1;
}
