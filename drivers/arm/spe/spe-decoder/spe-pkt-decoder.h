/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Arm SPE packet decoder: bytes of a profiling buffer -> typed packets.
 *
 * The packet formats are those of the Statistical Profiling Extension
 * chapter of the Arm Architecture Reference Manual (DDI 0487), section
 * "Statistical Profiling Extension sample record specification".  The
 * same source builds in the kernel and on the host (see host/include/).
 *
 * A packet is a header byte (or a two byte extended header) followed by a
 * little-endian payload of 0, 1, 2, 4 or 8 bytes.  For the packet classes
 * with a size field, header bits [5:4] (SZ) give the payload size 1 << SZ.
 */
#ifndef _SPE_PKT_DECODER_H
#define _SPE_PKT_DECODER_H

#include <linux/types.h>
#include <linux/bits.h>

/* Header byte values and masks, as the Arm ARM names the packets. */
#define SPE_HDR_PADDING			0x00
#define SPE_HDR_END			0x01
#define SPE_HDR_TIMESTAMP		0x71	/* 0b0111_0001, 8 byte payload */
#define SPE_HDR_MASK_EVENTS		(GENMASK(7, 6) | GENMASK(3, 0))
#define SPE_HDR_EVENTS			0x42	/* 0b01SZ_0010 */
#define SPE_HDR_DATA_SOURCE		0x43	/* 0b01SZ_0011 */
#define SPE_HDR_MASK_CONTEXT		GENMASK(7, 2)
#define SPE_HDR_CONTEXT			0x64	/* 0b0110_01ii, 4 byte payload */
#define SPE_HDR_OP_TYPE			0x48	/* 0b0100_10cc, 1 byte payload */
#define SPE_HDR_EXTENDED		0x20	/* 0b0010_00ii, then a short header */
#define SPE_HDR_MASK_ADDRESS		GENMASK(7, 3)
#define SPE_HDR_ADDRESS			0xb0	/* 0b1011_0iii, 8 byte payload */
#define SPE_HDR_COUNTER			0x98	/* 0b1001_1iii, 2 byte payload */
#define SPE_HDR_ALIGNMENT		0x00	/* second byte after 0b0010_00AA */

/*
 * Header bits [7:6]: the 0b01 and 0b10 spaces hold the sized packets
 * (every header there has an SZ field, reserved ones included).
 */
#define SPE_HDR_SPACE(h)		((h) >> 6)
#define SPE_HDR_SPACE_01		0x1
#define SPE_HDR_SPACE_10		0x2

/* Header bits [5:4] (SZ): the payload is 1 << SZ bytes. */
#define SPE_HDR_SZ(h)			(((h) >> 4) & 0x3)
#define SPE_HDR_SZ_1			0x00	/* SZ values, in place */
#define SPE_HDR_SZ_2			0x10
#define SPE_HDR_SZ_4			0x20
#define SPE_HDR_SZ_8			0x30

/* Index fields: bits [2:0] of a short header, [1:0] of an extended one. */
#define SPE_HDR_INDEX_SHORT(h)		((h) & 0x7)
#define SPE_HDR_INDEX_EXT_HIGH(h0)	((h0) & 0x3)
#define SPE_HDR_INDEX_EXT(h0, h1)	((SPE_HDR_INDEX_EXT_HIGH(h0) << 3) | \
					 SPE_HDR_INDEX_SHORT(h1))
/* Context packet index and operation type class: bits [1:0]. */
#define SPE_HDR_INDEX_CLASS(h)		((h) & 0x3)

/* Packet lengths in bytes. */
#define SPE_HDR_LEN			1	/* short header */
#define SPE_EXT_HDR_LEN			2	/* extended header + short header */
#define SPE_PAYLOAD_LEN(h)		(1U << SPE_HDR_SZ(h))
#define SPE_PAYLOAD_MAX_LEN		8
#define SPE_TIMESTAMP_LEN		(SPE_HDR_LEN + SPE_PAYLOAD_MAX_LEN)
/* The longest packet with a short header, and the longest of all. */
#define SPE_SHORT_PACKET_MAX_LEN	(SPE_HDR_LEN + SPE_PAYLOAD_MAX_LEN)
#define SPE_PACKET_MAX_LEN		(SPE_EXT_HDR_LEN + SPE_PAYLOAD_MAX_LEN)

/* Address packet indexes. */
#define SPE_ADDR_PC			0x0	/* PC of the sampled operation */
#define SPE_ADDR_BRANCH_TARGET		0x1
#define SPE_ADDR_DATA_VIRT		0x2
#define SPE_ADDR_DATA_PHYS		0x3
#define SPE_ADDR_PREV_BRANCH_TARGET	0x4	/* FEAT_SPE_PBT */

/* Address packet payload fields. */
#define SPE_ADDR_MASK			GENMASK_ULL(55, 0)
#define SPE_ADDR_NS			BIT_ULL(63)	/* PC, targets, PA */
#define SPE_ADDR_EL_SHIFT		61		/* PC and targets */
#define SPE_ADDR_EL_MASK		0x3
#define SPE_ADDR_CH			BIT_ULL(62)	/* PA: checked (MTE) */
#define SPE_ADDR_PAT_SHIFT		56		/* PA: physical tag */
#define SPE_ADDR_PAT_MASK		0xf
#define SPE_ADDR_TAG_SHIFT		56		/* VA: top byte */

/* Counter packet indexes. */
#define SPE_COUNTER_TOTAL_LAT		0x0
#define SPE_COUNTER_ISSUE_LAT		0x1
#define SPE_COUNTER_XLAT_LAT		0x2

/* Context packet indexes. */
#define SPE_CONTEXT_EL1			0x0	/* CONTEXTIDR_EL1 */
#define SPE_CONTEXT_EL2			0x1	/* CONTEXTIDR_EL2 */

/* Operation type packet classes (header bits [1:0]). */
#define SPE_OP_CLASS_OTHER		0x0
#define SPE_OP_CLASS_LDST		0x1	/* load, store or atomic */
#define SPE_OP_CLASS_BRANCH		0x2	/* branch or exception return */

/* Operation type payload, class OTHER. */
#define SPE_OP_OTHER_COND		BIT(0)	/* conditional select/compare */
#define SPE_OP_OTHER_IS_SVE(p)		(((p) & (BIT(7) | BIT(3) | BIT(0))) == 0x8)
#define SPE_OP_OTHER_SVE_FP		BIT(1)
#define SPE_OP_OTHER_SVE_PRED		BIT(2)

/* Operation type payload, class LDST. */
#define SPE_OP_LDST_ST			BIT(0)
#define SPE_OP_LDST_SUBCLASS(p)		((p) & GENMASK(7, 1))
#define SPE_OP_LDST_GP_REG		0x00
#define SPE_OP_LDST_SIMD_FP		0x04
#define SPE_OP_LDST_UNSPEC_REG		0x10
#define SPE_OP_LDST_MTE_TAG		0x14
#define SPE_OP_LDST_MEMCPY		0x20
#define SPE_OP_LDST_MEMSET		0x24	/* always with ST set: 0x25 */
#define SPE_OP_LDST_NV_SYSREG		0x30
#define SPE_OP_LDST_IS_ATOMIC(p)	(((p) & (GENMASK(7, 5) | BIT(1))) == 0x2)
#define SPE_OP_LDST_AT			BIT(2)
#define SPE_OP_LDST_EXCL		BIT(3)
#define SPE_OP_LDST_AR			BIT(4)
#define SPE_OP_LDST_IS_SVE(p)		(((p) & (BIT(3) | BIT(1))) == 0x8)
#define SPE_OP_SVE_PRED			BIT(2)
#define SPE_OP_SVE_SG			BIT(7)
/* SVE effective vector length in bits: 32 << payload[6:4]. */
#define SPE_OP_SVE_EVL(p)		(32U << (((p) >> 4) & 0x7))

/* Operation type payload, class BRANCH. */
#define SPE_OP_BR_COND			BIT(0)
#define SPE_OP_BR_INDIRECT		BIT(1)
#define SPE_OP_BR_GCS			BIT(2)
#define SPE_OP_BR_CR(p)			(((p) >> 3) & 0x3)	/* call/return */
#define SPE_OP_BR_CR_BL			1
#define SPE_OP_BR_CR_RET		2
#define SPE_OP_BR_CR_NON_BL_RET		3

/* Events packet payload bits. */
#define SPE_EV_EXCEPTION_GEN		0
#define SPE_EV_RETIRED			1
#define SPE_EV_L1D_ACCESS		2
#define SPE_EV_L1D_REFILL		3
#define SPE_EV_TLB_ACCESS		4
#define SPE_EV_TLB_WALK			5
#define SPE_EV_NOT_TAKEN		6
#define SPE_EV_MISPREDICTED		7
#define SPE_EV_LLC_ACCESS		8
#define SPE_EV_LLC_MISS			9
#define SPE_EV_REMOTE_ACCESS		10
#define SPE_EV_ALIGNMENT		11
#define SPE_EV_SVE_PARTIAL_PRED		17
#define SPE_EV_SVE_EMPTY_PRED		18

/**
 * enum spe_packet_type - what a packet is.
 * @SPE_PACKET_BAD:	the header is reserved and its size cannot be known;
 *			only ever reported through a -EBADMSG return.
 * @SPE_PACKET_PAD:	padding byte.
 * @SPE_PACKET_END:	end of a record that has no timestamp.
 * @SPE_PACKET_TIMESTAMP: timestamp, ends a record.
 * @SPE_PACKET_EVENTS:	events bitmap.
 * @SPE_PACKET_DATA_SOURCE: where the data came from (IMPLEMENTATION DEFINED).
 * @SPE_PACKET_CONTEXT:	CONTEXTIDR_EL1 (index 0) or CONTEXTIDR_EL2 (index 1).
 * @SPE_PACKET_OP_TYPE:	operation type; index is the class.
 * @SPE_PACKET_ADDRESS:	an address; index says which.
 * @SPE_PACKET_COUNTER:	a latency counter; index says which.
 * @SPE_PACKET_ALIGNMENT: padding up to an alignment boundary.
 * @SPE_PACKET_UNKNOWN:	a reserved header whose size field is defined; the
 *			packet is skipped by its declared size.
 * @SPE_PACKET_EXTENDED: returned by spe_packet_header_class() only: the
 *			second header byte decides.
 * @SPE_PACKET_NR_TYPES: number of types.
 */
enum spe_packet_type {
	SPE_PACKET_BAD,
	SPE_PACKET_PAD,
	SPE_PACKET_END,
	SPE_PACKET_TIMESTAMP,
	SPE_PACKET_EVENTS,
	SPE_PACKET_DATA_SOURCE,
	SPE_PACKET_CONTEXT,
	SPE_PACKET_OP_TYPE,
	SPE_PACKET_ADDRESS,
	SPE_PACKET_COUNTER,
	SPE_PACKET_ALIGNMENT,
	SPE_PACKET_UNKNOWN,
	SPE_PACKET_EXTENDED,
	SPE_PACKET_NR_TYPES,
};

/**
 * struct spe_packet - one decoded packet.
 * @payload:	the payload, little-endian decoded, zero-extended.
 * @type:	enum spe_packet_type.
 * @index:	address/counter index (0-31), context index, op-type class;
 *		for an alignment packet, log2 of the alignment.
 * @len:	bytes the packet occupies, headers included.
 * @header:	first header byte.
 */
struct spe_packet {
	u64 payload;
	u8 type;
	u8 index;
	u8 len;
	u8 header;
};

unsigned int spe_packet_header_class(unsigned int header, unsigned int *len);
int spe_packet_decode(const u8 *buf, size_t len, size_t pos,
		      struct spe_packet *packet);
const char *spe_packet_type_name(unsigned int type);

/* Field extractors for address packets. */
static inline u64 spe_addr_packet_address(const struct spe_packet *packet)
{
	return packet->payload & SPE_ADDR_MASK;
}

/* A 56-bit virtual address sign-extended from bit 55 (tag dropped). */
static inline u64 spe_addr_canonical(u64 payload)
{
	return (u64)((s64)(payload << 8) >> 8);
}

static inline unsigned int spe_addr_packet_el(const struct spe_packet *packet)
{
	return (packet->payload >> SPE_ADDR_EL_SHIFT) & SPE_ADDR_EL_MASK;
}

static inline bool spe_addr_packet_ns(const struct spe_packet *packet)
{
	return !!(packet->payload & SPE_ADDR_NS);
}

static inline bool spe_addr_packet_ch(const struct spe_packet *packet)
{
	return !!(packet->payload & SPE_ADDR_CH);
}

static inline unsigned int spe_addr_packet_pat(const struct spe_packet *packet)
{
	return (packet->payload >> SPE_ADDR_PAT_SHIFT) & SPE_ADDR_PAT_MASK;
}

static inline u8 spe_addr_packet_tag(const struct spe_packet *packet)
{
	return packet->payload >> SPE_ADDR_TAG_SHIFT;
}

#endif /* _SPE_PKT_DECODER_H */
