// SPDX-License-Identifier: GPL-2.0
/*
 * Arm SPE packet decoder: bytes -> typed packets.
 *
 * Header encodings, from the Arm ARM (DDI 0487, "Statistical Profiling
 * Extension sample record specification"):
 *
 *   0b0000_0000 Padding            0b0000_0001 End
 *   0b0111_0001 Timestamp (8)      0b01SZ_0010 Events (1 << SZ)
 *   0b01SZ_0011 Data source        0b0110_01ii Context (4)
 *   0b0100_10cc Operation type (1) 0b1011_0iii Address (8)
 *   0b1001_1iii Counter (2)        0b0010_00ii Extended header: the next
 *                                  byte is an Address or Counter header and
 *                                  ii are index bits [4:3]
 *
 * Every other header with bits [7:6] of 0b01 or 0b10 is reserved but still
 * has the SZ field, so its packet is skipped by its declared size
 * (SPE_PACKET_UNKNOWN); a reserved header in 0b00 or 0b11 space has no
 * size the decoder can trust and is reported as -EBADMSG.
 *
 * An extended header whose second byte is 0 is an Alignment packet: the
 * bytes up to the next (2 << ii)-byte boundary are padding.  The boundary
 * is counted from the start of the buffer, which the SPE driver keeps page
 * aligned; perf's decoder counts it from the virtual address of the byte.
 */
#include <linux/types.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/unaligned.h>

#include "spe-pkt-decoder.h"

/**
 * spe_packet_header_class() - what a first header byte announces.
 * @header:	the first byte of a packet.
 * @len:	set to the packet's length, headers included, for the types
 *		whose length the first byte determines; 0 otherwise.
 *
 * Return: an enum spe_packet_type: SPE_PACKET_EXTENDED when the second
 * byte decides, SPE_PACKET_BAD when the header has no defined size.
 */
unsigned int spe_packet_header_class(unsigned int header, unsigned int *len)
{
	unsigned int sized = SPE_HDR_LEN + SPE_PAYLOAD_LEN(header);

	*len = 0;
	if (header == SPE_HDR_PADDING || header == SPE_HDR_END) {
		*len = SPE_HDR_LEN;
		return header == SPE_HDR_END ? SPE_PACKET_END : SPE_PACKET_PAD;
	}
	if ((header & SPE_HDR_MASK_CONTEXT) == SPE_HDR_EXTENDED)
		return SPE_PACKET_EXTENDED;
	switch (SPE_HDR_SPACE(header)) {
	case SPE_HDR_SPACE_01:
		*len = sized;
		if (header == SPE_HDR_TIMESTAMP)
			return SPE_PACKET_TIMESTAMP;
		if ((header & SPE_HDR_MASK_EVENTS) == SPE_HDR_EVENTS)
			return SPE_PACKET_EVENTS;
		if ((header & SPE_HDR_MASK_EVENTS) == SPE_HDR_DATA_SOURCE)
			return SPE_PACKET_DATA_SOURCE;
		if ((header & SPE_HDR_MASK_CONTEXT) == SPE_HDR_CONTEXT)
			return SPE_PACKET_CONTEXT;
		if ((header & SPE_HDR_MASK_CONTEXT) == SPE_HDR_OP_TYPE)
			return SPE_PACKET_OP_TYPE;
		return SPE_PACKET_UNKNOWN;
	case SPE_HDR_SPACE_10:
		*len = sized;
		if ((header & SPE_HDR_MASK_ADDRESS) == SPE_HDR_ADDRESS)
			return SPE_PACKET_ADDRESS;
		if ((header & SPE_HDR_MASK_ADDRESS) == SPE_HDR_COUNTER)
			return SPE_PACKET_COUNTER;
		return SPE_PACKET_UNKNOWN;
	default:
		return SPE_PACKET_BAD;
	}
}

static const char * const spe_packet_type_names[SPE_PACKET_NR_TYPES] = {
	[SPE_PACKET_BAD]		= "bad",
	[SPE_PACKET_PAD]		= "pad",
	[SPE_PACKET_END]		= "end",
	[SPE_PACKET_TIMESTAMP]		= "timestamp",
	[SPE_PACKET_EVENTS]		= "events",
	[SPE_PACKET_DATA_SOURCE]	= "data_source",
	[SPE_PACKET_CONTEXT]		= "context",
	[SPE_PACKET_OP_TYPE]		= "op_type",
	[SPE_PACKET_ADDRESS]		= "address",
	[SPE_PACKET_COUNTER]		= "counter",
	[SPE_PACKET_ALIGNMENT]		= "alignment",
	[SPE_PACKET_UNKNOWN]		= "unknown",
	[SPE_PACKET_EXTENDED]		= "extended",
};

/**
 * spe_packet_type_name() - the name of a packet type, as spe-decode prints it.
 * @type: enum spe_packet_type.
 *
 * Return: a static string, "bad" for an out of range @type.
 */
const char *spe_packet_type_name(unsigned int type)
{
	if (type >= SPE_PACKET_NR_TYPES)
		return "bad";
	return spe_packet_type_names[type];
}

static u64 spe_read_payload(const u8 *p, unsigned int size)
{
	switch (size) {
	case 1:
		return *p;
	case 2:
		return get_unaligned_le16(p);
	case 4:
		return get_unaligned_le32(p);
	default:
		return get_unaligned_le64(p);
	}
}

/**
 * spe_packet_decode() - decode the packet at @buf[@pos].
 * @buf:	the profiling buffer (alignment packets count from its start).
 * @len:	bytes in @buf.
 * @pos:	offset of the packet's first header byte.
 * @packet:	filled with the packet; on -EBADMSG, type SPE_PACKET_BAD,
 *		len 1 and the offending header; on -ENODATA, type
 *		SPE_PACKET_BAD and len 0.
 *
 * Reads only @buf[@pos] to @buf[@len - 1].
 *
 * Return: the packet's length in bytes (> 0), -ENODATA if @buf ends inside
 * the packet, -EBADMSG if the header is reserved and has no defined size.
 */
int spe_packet_decode(const u8 *buf, size_t len, size_t pos,
		      struct spe_packet *packet)
{
	unsigned int type, plen, hlen = SPE_HDR_LEN, header;
	size_t avail;

	packet->payload = 0;
	packet->index = 0;
	packet->type = SPE_PACKET_BAD;
	packet->len = 0;
	if (pos >= len)
		return -ENODATA;
	avail = len - pos;
	buf += pos;
	header = buf[0];
	type = spe_packet_header_class(header, &plen);
	packet->header = header;

	switch (type) {
	case SPE_PACKET_BAD:
		packet->type = SPE_PACKET_BAD;
		packet->len = SPE_HDR_LEN;
		return -EBADMSG;
	case SPE_PACKET_EXTENDED: {
		unsigned int second, align;

		if (avail < SPE_EXT_HDR_LEN)
			return -ENODATA;
		second = buf[1];
		if (second == SPE_HDR_ALIGNMENT) {
			packet->index = SPE_HDR_INDEX_EXT_HIGH(header) + 1;
			align = 1U << packet->index;
			plen = align - (pos & (align - 1));
			if (avail < plen)
				return -ENODATA;
			packet->type = SPE_PACKET_ALIGNMENT;
			packet->len = plen;
			return plen;
		}
		type = spe_packet_header_class(second, &plen);
		if (type == SPE_PACKET_ADDRESS || type == SPE_PACKET_COUNTER) {
			packet->index = SPE_HDR_INDEX_EXT(header, second);
		} else if (SPE_HDR_SPACE(second) == SPE_HDR_SPACE_10) {
			/* reserved, but sized like the address/counter space */
			type = SPE_PACKET_UNKNOWN;
		} else {
			packet->type = SPE_PACKET_BAD;
			packet->len = SPE_HDR_LEN;
			return -EBADMSG;
		}
		hlen = SPE_EXT_HDR_LEN;
		plen = hlen + SPE_PAYLOAD_LEN(second);
		break;
	}
	case SPE_PACKET_ADDRESS:
	case SPE_PACKET_COUNTER:
		packet->index = SPE_HDR_INDEX_SHORT(header);
		break;
	case SPE_PACKET_CONTEXT:
	case SPE_PACKET_OP_TYPE:
		packet->index = SPE_HDR_INDEX_CLASS(header);
		break;
	default:
		break;
	}

	if (avail < plen)
		return -ENODATA;
	packet->type = type;
	packet->len = plen;
	if (plen > hlen)
		packet->payload = spe_read_payload(buf + hlen, plen - hlen);
	return plen;
}
