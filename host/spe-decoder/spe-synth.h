/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Synthetic SPE buffers of realistic records, shaped like what a Neoverse
 * N1/V1 writes: 64-byte records padded with PAD bytes, each ending with a
 * timestamp.  Deterministic for a given seed.
 */
#ifndef _SPE_SYNTH_H
#define _SPE_SYNTH_H

#include <linux/types.h>

#define SPE_SYNTH_RECORD_SIZE	64

/* Fills @len bytes of @buf; returns the number of records written. */
size_t spe_synth_fill(u8 *buf, size_t len, u64 seed);
u64 spe_synth_rand(u64 *state);

#endif
