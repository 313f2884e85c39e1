// SPDX-License-Identifier: GPL-2.0
/*
 * Differential libFuzzer target: every input is decoded packet by packet
 * by perf's decoder (arm-spe-pkt-decoder.c from the pristine tree,
 * compiled into this translation unit) and by ours, and any difference
 * other than the documented ones aborts (spe-perf-compare.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include PERF_SPE_PKT_DECODER_C

#include "spe-pkt-decoder.h"
#include "spe-perf-compare.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static u8 *buf;

	/* page aligned, so that both count alignment from the same base */
	if (!buf) {
		buf = aligned_alloc(4096, 65536);
		if (!buf)
			abort();
	}
	if (size > 65536)
		size = 65536;
	memcpy(buf, data, size);
	if (!compare_stream(buf, size, "input")) {
		fprintf(stderr, "decoders differ: %s\n", compare_why);
		abort();
	}
	return 0;
}
