/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Arm SPE record decoder: packets -> struct mem_sampling_record.
 *
 * A record is the run of packets SPE writes for one sampled operation; it
 * ends with an End or a Timestamp packet.  The decoder never reads past
 * its input, allocates nothing, uses no floating point and does work
 * linear in the input length.  See Documentation/arch/arm64/spe-decoder.rst.
 */
#ifndef _SPE_DECODER_H
#define _SPE_DECODER_H

#include <linux/types.h>
#include <linux/mem_sampling.h>

#include "spe-pkt-decoder.h"

/**
 * struct spe_decoder - a cursor over one buffer of SPE records.
 * @buf:		the bytes to decode.
 * @len:		how many.
 * @pos:		offset of the next byte to decode.
 * @record_start:	offset of the first packet of the last record returned.
 * @records:		records returned, truncated ones included.
 * @truncated:		records returned with MEM_SAMPLING_RECORD_TRUNCATED.
 * @dropped:		records dropped because a packet header was invalid.
 * @skipped_bytes:	bytes skipped to resynchronise after an invalid header.
 * @unknown_packets:	reserved packets skipped by their declared size.
 */
struct spe_decoder {
	const u8 *buf;
	size_t len;
	size_t pos;
	size_t record_start;
	unsigned long records;
	unsigned long truncated;
	unsigned long dropped;
	unsigned long skipped_bytes;
	unsigned long unknown_packets;
};

void spe_decoder_init(struct spe_decoder *dec, const void *buf, size_t len);

/*
 * Decode the next record.  Returns 1 with *rec filled (rec->flags has
 * MEM_SAMPLING_RECORD_TRUNCATED if the input ended inside it), 0 when the
 * input holds no further record.  Never reads past buf + len.
 */
int spe_decoder_next_record(struct spe_decoder *dec,
			    struct mem_sampling_record *rec);

/* MEM_SAMPLING_EVENT_* bits for an SPE events packet payload. */
u32 spe_events_to_mem_sampling(u64 payload);

#endif /* _SPE_DECODER_H */
