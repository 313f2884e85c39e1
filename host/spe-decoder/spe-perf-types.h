/* SPDX-License-Identifier: GPL-2.0 */
/*
 * perf's packet kinds in our names, for the host programs that run perf's
 * packet decoder beside ours.  Include it after perf's
 * arm-spe-pkt-decoder.c and our spe-pkt-decoder.h.
 */
#ifndef _SPE_PERF_TYPES_H
#define _SPE_PERF_TYPES_H

static const u8 perf_to_spe_type[] = {
	[ARM_SPE_BAD]		= SPE_PACKET_BAD,
	[ARM_SPE_PAD]		= SPE_PACKET_PAD,
	[ARM_SPE_END]		= SPE_PACKET_END,
	[ARM_SPE_TIMESTAMP]	= SPE_PACKET_TIMESTAMP,
	[ARM_SPE_ADDRESS]	= SPE_PACKET_ADDRESS,
	[ARM_SPE_COUNTER]	= SPE_PACKET_COUNTER,
	[ARM_SPE_CONTEXT]	= SPE_PACKET_CONTEXT,
	[ARM_SPE_OP_TYPE]	= SPE_PACKET_OP_TYPE,
	[ARM_SPE_EVENTS]	= SPE_PACKET_EVENTS,
	[ARM_SPE_DATA_SOURCE]	= SPE_PACKET_DATA_SOURCE,
};

#endif /* _SPE_PERF_TYPES_H */
