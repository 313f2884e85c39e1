// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the SPE decoder (clang -fsanitize=fuzzer,address,
 * undefined).  The input is the buffer itself, so ASan catches any read
 * past its end.  Besides "no crash", it checks invariants:
 *  - spe_packet_decode() returns -ENODATA, -EBADMSG or a length that fits
 *    in what is left, and packet.len agrees;
 *  - spe_decoder_next_record() always moves forward, ends at the end of
 *    the input, sets only defined flags, and its counters stay in bounds;
 *  - on input without invalid headers, it returns one record per End or
 *    Timestamp packet, plus one truncated record if packets follow the
 *    last of them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "spe-decoder.h"

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "check failed: %s (line %d)\n",	\
				#cond, __LINE__);			\
			abort();					\
		}							\
	} while (0)

#define DEFINED_FLAGS	GENMASK(10, 0)
#define DEFINED_EVENTS	GENMASK(9, 0)

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	unsigned long ends = 0, bad = 0, records = 0, truncated = 0;
	struct mem_sampling_record rec;
	struct spe_packet packet;
	struct spe_decoder dec;
	bool tail = false;
	size_t pos = 0, last;
	int ret;

	while (pos < size) {
		ret = spe_packet_decode(data, size, pos, &packet);
		if (ret == -ENODATA) {
			tail = true;
			break;
		}
		if (ret == -EBADMSG) {
			CHECK(packet.type == SPE_PACKET_BAD && packet.len == 1);
			bad++;
			pos++;
			continue;
		}
		CHECK(ret > 0 && (size_t)ret <= size - pos);
		CHECK(packet.len == ret && packet.type < SPE_PACKET_EXTENDED);
		CHECK(packet.header == data[pos]);
		if (packet.type == SPE_PACKET_END ||
		    packet.type == SPE_PACKET_TIMESTAMP) {
			ends++;
			tail = false;
		} else if (packet.type != SPE_PACKET_PAD &&
			   packet.type != SPE_PACKET_ALIGNMENT) {
			tail = true;
		}
		pos += ret;
	}

	spe_decoder_init(&dec, data, size);
	last = 0;
	while ((ret = spe_decoder_next_record(&dec, &rec)) == 1) {
		CHECK(dec.pos > last && dec.pos <= size);
		CHECK(dec.record_start >= last && dec.record_start < dec.pos);
		CHECK(!(rec.flags & ~DEFINED_FLAGS));
		CHECK(!(rec.events & ~DEFINED_EVENTS));
		CHECK(rec.op <= MEM_SAMPLING_OP_BRANCH);
		records++;
		if (rec.flags & MEM_SAMPLING_RECORD_TRUNCATED) {
			truncated++;
			CHECK(dec.pos == size);
		}
		last = dec.pos;
	}
	CHECK(ret == 0 && dec.pos == size);
	CHECK(spe_decoder_next_record(&dec, &rec) == 0);
	CHECK(dec.records == records && dec.truncated == truncated);
	CHECK(truncated <= 1 && dec.skipped_bytes <= size);
	CHECK(dec.records + dec.dropped <= size);
	if (!bad) {
		CHECK(dec.dropped == 0 && dec.skipped_bytes == 0);
		CHECK(records == ends + (tail ? 1 : 0));
		CHECK(truncated == (tail ? 1U : 0U));
	}
	return 0;
}
