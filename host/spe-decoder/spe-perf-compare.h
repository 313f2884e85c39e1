/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Packet-level comparison of our SPE decoder with perf's, shared by the
 * differential test and the differential fuzz target.  Include it after
 * perf's arm-spe-pkt-decoder.c (for arm_spe_do_get_packet()) and our
 * spe-pkt-decoder.h.
 *
 * The walk follows perf: packet by packet, one byte after a bad header.
 * At every position both decoders must agree on kind, length, index and
 * payload, and our field extractors must agree with perf's macros, except
 * for the deliberate differences counted below (see
 * Documentation/arch/arm64/spe-decoder.rst, "Differences from perf").
 * The buffer must be page aligned: perf counts alignment packets from the
 * address, we from the start of the buffer.
 */
#ifndef _SPE_PERF_COMPARE_H
#define _SPE_PERF_COMPARE_H

#include <stdio.h>

static unsigned long agreed, diff_reserved, diff_ext_end, diff_align_end;
/* The first mismatch compare_stream() found, for the caller to print. */
static char compare_why[512];

#include "spe-perf-types.h"

/* Our field extractors against perf's macros, for one packet. */
static const char *compare_fields(const struct spe_packet *ours,
				  const struct arm_spe_pkt *perf)
{
	u64 p = perf->payload;

	if (ours->type == SPE_PACKET_ADDRESS) {
		if (spe_addr_packet_ns(ours) != SPE_ADDR_PKT_GET_NS(p) ||
		    spe_addr_packet_el(ours) != SPE_ADDR_PKT_GET_EL(p) ||
		    spe_addr_packet_ch(ours) != SPE_ADDR_PKT_GET_CH(p) ||
		    spe_addr_packet_pat(ours) != SPE_ADDR_PKT_GET_PAT(p) ||
		    spe_addr_packet_address(ours) !=
		    SPE_ADDR_PKT_ADDR_GET_BYTES_0_6(p))
			return "address fields";
	}
	if (ours->type == SPE_PACKET_OP_TYPE) {
		if (!!SPE_OP_OTHER_IS_SVE(p) != !!SPE_OP_PKT_IS_OTHER_SVE_OP(p) ||
		    !!SPE_OP_LDST_IS_ATOMIC(p) != !!SPE_OP_PKT_IS_LDST_ATOMIC(p) ||
		    !!SPE_OP_LDST_IS_SVE(p) != !!SPE_OP_PKT_IS_LDST_SVE(p) ||
		    SPE_OP_SVE_EVL(p) != (unsigned int)SPE_OP_PKG_SVE_EVL(p) ||
		    (SPE_OP_LDST_SUBCLASS(p) == SPE_OP_LDST_SIMD_FP) !=
		    !!SPE_OP_PKT_LDST_SUBCLASS_SIMD_FP(p) ||
		    (SPE_OP_LDST_SUBCLASS(p) == SPE_OP_LDST_GP_REG) !=
		    !!SPE_OP_PKT_LDST_SUBCLASS_GP_REG(p) ||
		    (SPE_OP_LDST_SUBCLASS(p) == SPE_OP_LDST_MTE_TAG) !=
		    !!SPE_OP_PKT_LDST_SUBCLASS_MTE_TAG(p) ||
		    (SPE_OP_LDST_SUBCLASS(p) == SPE_OP_LDST_NV_SYSREG) !=
		    !!SPE_OP_PKT_LDST_SUBCLASS_NV_SYSREG(p) ||
		    (SPE_OP_BR_CR(p) == SPE_OP_BR_CR_BL) != !!SPE_OP_PKT_CR_BL(p) ||
		    (SPE_OP_BR_CR(p) == SPE_OP_BR_CR_RET) != !!SPE_OP_PKT_CR_RET(p))
			return "op_type fields";
	}
	return NULL;
}

/* Is the packet at @pos a reserved one with a size field (short or extended)? */
static int reserved_sized(const u8 *buf, size_t len, size_t pos)
{
	unsigned int plen, class = spe_packet_header_class(buf[pos], &plen);

	if (class == SPE_PACKET_UNKNOWN)
		return 1;
	if (class != SPE_PACKET_EXTENDED || len - pos < 2)
		return 0;
	class = spe_packet_header_class(buf[pos + 1], &plen);
	return (buf[pos + 1] >> 6) == 2 && class != SPE_PACKET_ADDRESS &&
	       class != SPE_PACKET_COUNTER;
}

/*
 * Walk @buf as perf does and compare at every position.  Returns 1 if all
 * positions agree or differ only deliberately; else describes the first
 * mismatch in compare_why and returns 0.
 */
static int compare_stream(const u8 *buf, size_t len, const char *name)
{
	size_t pos = 0;

	while (pos < len) {
		struct spe_packet ours;
		struct arm_spe_pkt perf;
		int pr, or;
		const char *why = NULL;

		pr = arm_spe_do_get_packet(buf + pos, len - pos, &perf);
		or = spe_packet_decode(buf, len, pos, &ours);

		if (pr == ARM_SPE_NEED_MORE_BYTES) {
			if (or == -ENODATA) {
				agreed++;
			} else if (or > 0 && ours.type == SPE_PACKET_ALIGNMENT) {
				diff_align_end++;
			} else {
				why = "perf needs more bytes, we do not";
			}
			if (why)
				goto mismatch;
			return 1;
		}
		if (pr < 0) {
			if (or == -EBADMSG)
				agreed++;
			else if ((or > 0 && ours.type == SPE_PACKET_UNKNOWN) ||
				 (or == -ENODATA && reserved_sized(buf, len, pos)))
				diff_reserved++;
			else if (or == -ENODATA && len - pos == 1 &&
				 (buf[pos] & SPE_HDR_MASK_CONTEXT) == SPE_HDR_EXTENDED)
				diff_ext_end++;
			else
				why = "perf says bad, we do not";
			if (why)
				goto mismatch;
			pos++;
			continue;
		}
		if (or != pr) {
			why = "lengths differ";
			goto mismatch;
		}
		if (perf.type == ARM_SPE_PAD) {
			if (ours.type != (buf[pos] ? SPE_PACKET_ALIGNMENT :
				    SPE_PACKET_PAD))
				why = "pad/alignment kind differs";
		} else if (ours.type != perf_to_spe_type[perf.type]) {
			why = "kinds differ";
		} else if (ours.payload != perf.payload) {
			why = "payloads differ";
		} else if (perf.type != ARM_SPE_EVENTS &&
			   ours.index != perf.index) {
			why = "indexes differ";
		} else {
			why = compare_fields(&ours, &perf);
		}
		if (why)
			goto mismatch;
		agreed++;
		pos += pr;
		continue;
mismatch:
		snprintf(compare_why, sizeof(compare_why),
			 "%s: offset %zu header 0x%02x: %s (perf %d type %d index %u payload 0x%llx; ours %d type %u index %u payload 0x%llx)",
			 name, pos, buf[pos], why, pr, pr > 0 ? perf.type : -1,
			 perf.index, (unsigned long long)perf.payload, or,
			 ours.type, ours.index,
			 (unsigned long long)ours.payload);
		return 0;
	}
	return 1;
}

#endif /* _SPE_PERF_COMPARE_H */
