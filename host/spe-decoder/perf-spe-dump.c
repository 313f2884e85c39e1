// SPDX-License-Identifier: GPL-2.0
/*
 * perf-spe-dump: print the packets of a raw Arm SPE buffer as decoded by
 * perf's packet decoder, in exactly the JSON lines of `spe-decode --packets`.
 *
 * perf's arm-spe-pkt-decoder.c is compiled from the pristine kernel tree
 * (PERF_SPE_PKT_DECODER_C, set by mk/decoder.mk) into this translation
 * unit, so that its static arm_spe_do_get_packet() is called directly: the
 * exported arm_spe_get_packet() merges runs of padding for its text dump,
 * which would hide packet boundaries.  Mapping of perf's packets:
 *   ARM_SPE_PAD at a 0x00 byte      -> "pad" (runs are merged, as ours)
 *   ARM_SPE_PAD at an extended hdr  -> "alignment"
 *   ARM_SPE_BAD_PACKET              -> "bad", len 1
 *   ARM_SPE_NEED_MORE_BYTES         -> "truncated", up to the end
 *   others                          -> same name, index, payload
 * Events packets: perf stores the payload size in .index; it is reported
 * as 0, like ours (the size is already in "len").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include PERF_SPE_PKT_DECODER_C

/* Ours after perf's: our headers use the kernel's names, not perf's. */
#include "spe-json.h"

#include "spe-perf-types.h"

int main(int argc, char **argv)
{
	size_t len, pos = 0, pad_start = 0, pad_len = 0;
	struct arm_spe_pkt pkt;
	struct spe_packet packet;
	u8 *buf;
	int ret;

	if (argc > 2 || (argc == 2 && !strcmp(argv[1], "--help"))) {
		fprintf(stderr, "usage: perf-spe-dump [FILE|-]\n"
			"  perf's SPE packet decoder, JSON lines as spe-decode --packets\n");
		return 2;
	}
	ret = spe_read_input(argc == 2 ? argv[1] : NULL, &buf, &len);
	if (ret) {
		fprintf(stderr, "perf-spe-dump: %s\n", strerror(-ret));
		return 1;
	}
	while (pos < len) {
		ret = arm_spe_do_get_packet(buf + pos, len - pos, &pkt);
		if (ret > 0 && pkt.type == ARM_SPE_PAD && buf[pos] == 0) {
			if (!pad_len)
				pad_start = pos;
			pad_len += ret;
			pos += ret;
			continue;
		}
		if (pad_len) {
			spe_json_pad_run(stdout, pad_start, pad_len);
			pad_len = 0;
		}
		if (ret == ARM_SPE_NEED_MORE_BYTES) {
			printf("{\"offset\":%zu,\"len\":%zu,\"type\":\"truncated\"}\n",
			       pos, len - pos);
			break;
		}
		memset(&packet, 0, sizeof(packet));
		packet.header = buf[pos];
		if (ret < 0) {
			packet.type = SPE_PACKET_BAD;
			packet.len = 1;
			ret = 1;
		} else if (pkt.type == ARM_SPE_PAD) {
			packet.type = SPE_PACKET_ALIGNMENT;
			packet.index = (buf[pos] & 0x3) + 1;
			packet.len = ret;
		} else {
			packet.type = perf_to_spe_type[pkt.type];
			packet.index = pkt.type == ARM_SPE_EVENTS ? 0 : pkt.index;
			packet.payload = pkt.payload;
			packet.len = ret;
		}
		spe_json_packet(stdout, pos, &packet);
		pos += ret;
	}
	if (pad_len)
		spe_json_pad_run(stdout, pad_start, pad_len);
	free(buf);
	return fflush(stdout) ? 1 : 0;
}
