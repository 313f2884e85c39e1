// SPDX-License-Identifier: GPL-2.0
/*
 * spe-decode: print the records (default) or packets (--packets) of a raw
 * Arm SPE buffer as JSON lines.  See Documentation/arch/arm64/spe-decoder.rst.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spe-decoder.h"
#include "spe-json.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: spe-decode [--packets] [--stats] [FILE|-]\n"
		"  Decodes a raw Arm SPE buffer (FILE or stdin) into JSON lines:\n"
		"  one per record (default) or per packet (--packets).\n"
		"  --stats  print decoder counters as one JSON line on stderr\n");
}

static void dump_packets(const u8 *buf, size_t len)
{
	size_t pos = 0, pad_start = 0, pad_len = 0;
	struct spe_packet packet;
	int ret;

	while (pos < len) {
		ret = spe_packet_decode(buf, len, pos, &packet);
		if (ret > 0 && packet.type == SPE_PACKET_PAD) {
			if (!pad_len)
				pad_start = pos;
			pad_len++;
			pos++;
			continue;
		}
		if (pad_len) {
			spe_json_pad_run(stdout, pad_start, pad_len);
			pad_len = 0;
		}
		if (ret == -ENODATA) {
			printf("{\"offset\":%zu,\"len\":%zu,\"type\":\"truncated\"}\n",
			       pos, len - pos);
			return;
		}
		spe_json_packet(stdout, pos, &packet);
		pos += ret > 0 ? (size_t)ret : 1;
	}
	if (pad_len)
		spe_json_pad_run(stdout, pad_start, pad_len);
}

static void dump_records(struct spe_decoder *dec)
{
	struct mem_sampling_record rec;

	while (spe_decoder_next_record(dec, &rec) > 0)
		spe_json_record(stdout, dec->record_start,
				dec->pos - dec->record_start, &rec);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "packets", no_argument, NULL, 'p' },
		{ "stats", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	int packets = 0, stats = 0, c, ret;
	struct spe_decoder dec;
	size_t len;
	u8 *buf;

	while ((c = getopt_long(argc, argv, "psh", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			packets = 1;
			break;
		case 's':
			stats = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind > 1) {
		usage(stderr);
		return 2;
	}
	ret = spe_read_input(optind < argc ? argv[optind] : NULL, &buf, &len);
	if (ret) {
		fprintf(stderr, "spe-decode: %s: %s\n",
			optind < argc ? argv[optind] : "stdin", strerror(-ret));
		return 1;
	}
	spe_decoder_init(&dec, buf, len);
	if (packets)
		dump_packets(buf, len);
	else
		dump_records(&dec);
	fflush(stdout);
	if (stats)
		fprintf(stderr,
			"{\"bytes\":%zu,\"records\":%lu,\"truncated\":%lu,\"dropped\":%lu,\"skipped_bytes\":%lu,\"unknown_packets\":%lu}\n",
			len, dec.records, dec.truncated, dec.dropped,
			dec.skipped_bytes, dec.unknown_packets);
	free(buf);
	if (fflush(stdout) || ferror(stdout))
		return 1;
	return 0;
}
