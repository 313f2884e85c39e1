/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JSON lines for SPE packets and records, shared by spe-decode and
 * perf-spe-dump so that their outputs compare byte for byte.  Field names
 * are documented in Documentation/arch/arm64/spe-decoder.rst.
 */
#ifndef _SPE_JSON_H
#define _SPE_JSON_H

#include <stdio.h>
#include <linux/types.h>
#include <linux/mem_sampling.h>

#include "spe-pkt-decoder.h"

void spe_json_packet(FILE *out, size_t offset, const struct spe_packet *packet);
void spe_json_pad_run(FILE *out, size_t offset, size_t len);
void spe_json_record(FILE *out, size_t offset, size_t len,
		     const struct mem_sampling_record *rec);

/*
 * Reads all of @path ("-" or NULL: stdin) into a malloc'ed buffer whose
 * start is 4096-byte aligned (alignment packets count from it).
 */
int spe_read_input(const char *path, u8 **buf, size_t *len);

#endif
