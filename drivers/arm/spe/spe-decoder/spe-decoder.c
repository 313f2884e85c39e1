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
			return q + SPE_HDR_LEN;
		}
		if (buf[q] == SPE_HDR_TIMESTAMP &&
		    len - q >= SPE_TIMESTAMP_LEN) {
			dec->skipped_bytes += q - pos;
			return q + SPE_TIMESTAMP_LEN;
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

/**
 * struct spe_record_build - a record being assembled.
 * @dec:	the decoder, for its counters.
 * @rec:	the record.
 * @flags:	MEM_SAMPLING_RECORD_* flags so far.
 * @events:	MEM_SAMPLING_EVENT_* bits so far.
 */
struct spe_record_build {
	struct spe_decoder *dec;
	struct mem_sampling_record *rec;
	u32 flags;
	u32 events;
};

/*
 * Add one packet to the record being assembled: the one place where a
 * field of the record is written.  @index is the packet's address,
 * counter or context index or its operation class.  Returns true if the
 * packet ends the record.
 */
static __always_inline bool spe_record_add(struct spe_record_build *b,
					   unsigned int type,
					   unsigned int index, u64 payload)
{
	struct mem_sampling_record *rec = b->rec;

	switch (type) {
	case SPE_PACKET_END:
		return true;
	case SPE_PACKET_TIMESTAMP:
		rec->timestamp = payload;
		b->flags |= MEM_SAMPLING_RECORD_TIMESTAMP_VALID;
		return true;
	case SPE_PACKET_ADDRESS:
		switch (index) {
		case SPE_ADDR_PC:
			rec->pc = spe_addr_canonical(payload);
			b->flags |= MEM_SAMPLING_RECORD_PC_VALID;
			break;
		case SPE_ADDR_DATA_VIRT:
			rec->vaddr = spe_addr_canonical(payload);
			rec->vaddr_tag = payload >> SPE_ADDR_TAG_SHIFT;
			b->flags |= MEM_SAMPLING_RECORD_VADDR_VALID;
			break;
		case SPE_ADDR_DATA_PHYS:
			rec->paddr = payload & SPE_ADDR_MASK;
			b->flags |= MEM_SAMPLING_RECORD_PADDR_VALID;
			if (payload & SPE_ADDR_NS)
				b->flags |= MEM_SAMPLING_RECORD_PADDR_NS;
			break;
		}
		break;
	case SPE_PACKET_COUNTER:
		switch (index) {
		case SPE_COUNTER_TOTAL_LAT:
			rec->total_latency = payload;
			b->flags |= MEM_SAMPLING_RECORD_TOTAL_LAT_VALID;
			break;
		case SPE_COUNTER_ISSUE_LAT:
			rec->issue_latency = payload;
			b->flags |= MEM_SAMPLING_RECORD_ISSUE_LAT_VALID;
			break;
		case SPE_COUNTER_XLAT_LAT:
			rec->translation_latency = payload;
			b->flags |= MEM_SAMPLING_RECORD_XLAT_LAT_VALID;
			break;
		}
		break;
	case SPE_PACKET_EVENTS:
		b->events |= spe_events_map(payload);
		break;
	case SPE_PACKET_DATA_SOURCE:
		rec->data_source = payload;
		b->flags |= MEM_SAMPLING_RECORD_DATA_SOURCE_VALID;
		break;
	case SPE_PACKET_CONTEXT:
		if (index <= SPE_CONTEXT_EL2) {
			rec->context_id = payload;
			b->flags |= MEM_SAMPLING_RECORD_CONTEXT_VALID;
		} else {
			b->dec->unknown_packets++;
		}
		break;
	case SPE_PACKET_OP_TYPE:
		switch (index) {
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
			b->dec->unknown_packets++;
			return false;
		}
		rec->op_subclass = payload;
		break;
	case SPE_PACKET_UNKNOWN:
		b->dec->unknown_packets++;
		break;
	default:
		/* Padding and alignment. */
		break;
	}
	return false;
}

/* What spe_record_add_fast() did with a packet. */
enum spe_fast_result {
	SPE_FAST_ADDED,		/* added, the record goes on */
	SPE_FAST_COMPLETE,	/* added, it ended the record */
	SPE_FAST_GENERAL,	/* not a packet for the fast path */
};

/*
 * spe_record_add() for the packet at *@pos, of short header @header and
 * the given @type and @index; @word holds the bytes after the header.
 * Moves *@pos past the packet.
 */
static __always_inline enum spe_fast_result
spe_add_short(struct spe_record_build *b, size_t *pos, u64 word,
	      unsigned int header, unsigned int type, unsigned int index)
{
	unsigned int size = SPE_PAYLOAD_LEN(header);

	*pos += SPE_HDR_LEN + size;
	if (size < SPE_PAYLOAD_MAX_LEN)
		word &= BIT_ULL(8 * size) - 1;
	if (spe_record_add(b, type, index, word))
		return SPE_FAST_COMPLETE;
	return SPE_FAST_ADDED;
}

/*
 * The fast path: add the packet whose short header is @header, for the
 * packets SPE writes for every sample.  @word holds the 8 bytes after the
 * header.  Every case passes constants, so that each folds down to the
 * lines of spe_record_add() for its packet: no table lookup, no payload
 * size computation, no second switch.
 *
 * Moves *@pos past the packets it adds.
 */
static __always_inline enum spe_fast_result
spe_record_add_fast(struct spe_record_build *b, size_t *pos,
		    unsigned int header, u64 word)
{
	switch (header) {
	case SPE_HDR_END:
		*pos += SPE_HDR_LEN;
		spe_record_add(b, SPE_PACKET_END, 0, 0);
		return SPE_FAST_COMPLETE;
	case SPE_HDR_TIMESTAMP:
		return spe_add_short(b, pos, word, SPE_HDR_TIMESTAMP,
				     SPE_PACKET_TIMESTAMP, 0);
	case SPE_HDR_ADDRESS | SPE_ADDR_PC:
		return spe_add_short(b, pos, word,
				     SPE_HDR_ADDRESS | SPE_ADDR_PC,
				     SPE_PACKET_ADDRESS, SPE_ADDR_PC);
	case SPE_HDR_ADDRESS | SPE_ADDR_DATA_VIRT:
		return spe_add_short(b, pos, word,
				     SPE_HDR_ADDRESS | SPE_ADDR_DATA_VIRT,
				     SPE_PACKET_ADDRESS, SPE_ADDR_DATA_VIRT);
	case SPE_HDR_ADDRESS | SPE_ADDR_DATA_PHYS:
		return spe_add_short(b, pos, word,
				     SPE_HDR_ADDRESS | SPE_ADDR_DATA_PHYS,
				     SPE_PACKET_ADDRESS, SPE_ADDR_DATA_PHYS);
	case SPE_HDR_ADDRESS | SPE_ADDR_BRANCH_TARGET:
	case SPE_HDR_ADDRESS | SPE_ADDR_PREV_BRANCH_TARGET ...
	     SPE_HDR_ADDRESS | 0x7:
		/* Not part of a memory record. */
		*pos += SPE_HDR_LEN + SPE_PAYLOAD_LEN(SPE_HDR_ADDRESS);
		return SPE_FAST_ADDED;
	case SPE_HDR_COUNTER | SPE_COUNTER_TOTAL_LAT:
		return spe_add_short(b, pos, word,
				     SPE_HDR_COUNTER | SPE_COUNTER_TOTAL_LAT,
				     SPE_PACKET_COUNTER, SPE_COUNTER_TOTAL_LAT);
	case SPE_HDR_COUNTER | SPE_COUNTER_ISSUE_LAT:
		return spe_add_short(b, pos, word,
				     SPE_HDR_COUNTER | SPE_COUNTER_ISSUE_LAT,
				     SPE_PACKET_COUNTER, SPE_COUNTER_ISSUE_LAT);
	case SPE_HDR_COUNTER | SPE_COUNTER_XLAT_LAT:
		return spe_add_short(b, pos, word,
				     SPE_HDR_COUNTER | SPE_COUNTER_XLAT_LAT,
				     SPE_PACKET_COUNTER, SPE_COUNTER_XLAT_LAT);
	case SPE_HDR_COUNTER | 0x3 ... SPE_HDR_COUNTER | 0x7:
		/* Not part of a memory record either. */
		*pos += SPE_HDR_LEN + SPE_PAYLOAD_LEN(SPE_HDR_COUNTER);
		return SPE_FAST_ADDED;
	case SPE_HDR_EVENTS | SPE_HDR_SZ_1:
		return spe_add_short(b, pos, word,
				     SPE_HDR_EVENTS | SPE_HDR_SZ_1,
				     SPE_PACKET_EVENTS, 0);
	case SPE_HDR_EVENTS | SPE_HDR_SZ_2:
		return spe_add_short(b, pos, word,
				     SPE_HDR_EVENTS | SPE_HDR_SZ_2,
				     SPE_PACKET_EVENTS, 0);
	case SPE_HDR_EVENTS | SPE_HDR_SZ_4:
		return spe_add_short(b, pos, word,
				     SPE_HDR_EVENTS | SPE_HDR_SZ_4,
				     SPE_PACKET_EVENTS, 0);
	case SPE_HDR_EVENTS | SPE_HDR_SZ_8:
		return spe_add_short(b, pos, word,
				     SPE_HDR_EVENTS | SPE_HDR_SZ_8,
				     SPE_PACKET_EVENTS, 0);
	case SPE_HDR_DATA_SOURCE | SPE_HDR_SZ_1:
		return spe_add_short(b, pos, word,
				     SPE_HDR_DATA_SOURCE | SPE_HDR_SZ_1,
				     SPE_PACKET_DATA_SOURCE, 0);
	case SPE_HDR_DATA_SOURCE | SPE_HDR_SZ_2:
		return spe_add_short(b, pos, word,
				     SPE_HDR_DATA_SOURCE | SPE_HDR_SZ_2,
				     SPE_PACKET_DATA_SOURCE, 0);
	case SPE_HDR_CONTEXT | SPE_CONTEXT_EL1:
		return spe_add_short(b, pos, word,
				     SPE_HDR_CONTEXT | SPE_CONTEXT_EL1,
				     SPE_PACKET_CONTEXT, SPE_CONTEXT_EL1);
	case SPE_HDR_CONTEXT | SPE_CONTEXT_EL2:
		return spe_add_short(b, pos, word,
				     SPE_HDR_CONTEXT | SPE_CONTEXT_EL2,
				     SPE_PACKET_CONTEXT, SPE_CONTEXT_EL2);
	case SPE_HDR_OP_TYPE | SPE_OP_CLASS_OTHER:
		return spe_add_short(b, pos, word,
				     SPE_HDR_OP_TYPE | SPE_OP_CLASS_OTHER,
				     SPE_PACKET_OP_TYPE, SPE_OP_CLASS_OTHER);
	case SPE_HDR_OP_TYPE | SPE_OP_CLASS_LDST:
		return spe_add_short(b, pos, word,
				     SPE_HDR_OP_TYPE | SPE_OP_CLASS_LDST,
				     SPE_PACKET_OP_TYPE, SPE_OP_CLASS_LDST);
	case SPE_HDR_OP_TYPE | SPE_OP_CLASS_BRANCH:
		return spe_add_short(b, pos, word,
				     SPE_HDR_OP_TYPE | SPE_OP_CLASS_BRANCH,
				     SPE_PACKET_OP_TYPE, SPE_OP_CLASS_BRANCH);
	default:
		return SPE_FAST_GENERAL;
	}
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
 * While at least SPE_SHORT_PACKET_MAX_LEN bytes are left, the packets SPE
 * writes for every sample take spe_record_add_fast(), which reads their
 * payload with one unaligned 64-bit load.  Everything else (extended
 * headers, reserved headers, the last bytes of the buffer) goes through
 * spe_packet_decode(), which the unit and fuzz tests hold to the same
 * results.  Both add their packets with spe_record_add().
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
	struct spe_record_build b = { .dec = dec, .rec = rec };
	struct spe_packet packet;
	int ret;

restart:
	memset(rec, 0, sizeof(*rec));
	b.flags = 0;
	b.events = 0;
	pos = spe_skip_padding(buf, len, pos);
	/* Offset of the record's first packet that is not padding. */
	first = pos;

	while (pos < len) {
		unsigned int header = buf[pos];

		if (likely(len - pos >= SPE_SHORT_PACKET_MAX_LEN)) {
			u64 word = get_unaligned_le64(buf + pos + SPE_HDR_LEN);

			switch (spe_record_add_fast(&b, &pos, header, word)) {
			case SPE_FAST_ADDED:
				continue;
			case SPE_FAST_COMPLETE:
				goto done;
			case SPE_FAST_GENERAL:
				break;
			}
		}

		if (header == SPE_HDR_PADDING) {
			next = spe_skip_padding(buf, len, pos + SPE_HDR_LEN);
			if (first == pos)
				first = next;
			pos = next;
			continue;
		}

		ret = spe_packet_decode(buf, len, pos, &packet);
		if (ret == -ENODATA)
			goto truncated;
		if (ret < 0) {
			pos = spe_decoder_resync(dec, pos);
			goto restart;
		}
		if (packet.type == SPE_PACKET_ALIGNMENT) {
			next = spe_skip_padding(buf, len, pos + ret);
			if (first == pos)
				first = next;
			pos = next;
			continue;
		}
		pos += ret;
		if (spe_record_add(&b, packet.type, packet.index,
				   packet.payload))
			goto done;
	}

truncated:
	if (first >= len) {
		dec->pos = len;
		return 0;	/* nothing but padding */
	}
	pos = len;
	b.flags |= MEM_SAMPLING_RECORD_TRUNCATED;
	dec->truncated++;
done:
	dec->record_start = first;
	dec->pos = pos;
	rec->flags = b.flags;
	rec->events = b.events;
	dec->records++;
	return 1;
}
