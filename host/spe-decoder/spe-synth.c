// SPDX-License-Identifier: GPL-2.0
/*
 * Synthetic SPE records: 70% loads and stores (PC, latencies, events, op
 * type, data VA and PA, data source, context, timestamp), 20% branches
 * (PC, target, events, op type, timestamp) and 10% other operations.
 * User-space addresses (EL0, NS), as the mem_sampling driver samples.
 */
#include <string.h>

#include "spe-synth.h"

u64 spe_synth_rand(u64 *state)
{
	u64 x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

static u8 *put(u8 *p, u8 header, u64 payload, unsigned int size)
{
	unsigned int i;

	*p++ = header;
	for (i = 0; i < size; i++)
		*p++ = payload >> (8 * i);
	return p;
}

static u8 *put_addr(u8 *p, unsigned int index, u64 addr, u8 top)
{
	return put(p, 0xb0 | index, (addr & ((1ULL << 56) - 1)) |
		   ((u64)top << 56), 8);
}

size_t spe_synth_fill(u8 *buf, size_t len, u64 seed)
{
	u64 state = seed | 1, ts = 1000000, r;
	size_t n = 0, off = 0;

	while (off + SPE_SYNTH_RECORD_SIZE <= len) {
		u8 *p = buf + off, *end = p + SPE_SYNTH_RECORD_SIZE;
		u64 pc = 0x400000 + (spe_synth_rand(&state) & 0xffffc);
		unsigned int kind;

		r = spe_synth_rand(&state);
		kind = r % 10;
		/* PC: EL0, NS=1 -> top byte 0x80. */
		p = put_addr(p, 0, pc, 0x80);
		if (kind < 7) {
			u64 va = 0xffff00000000ULL + (r & 0xfffffff8);
			u64 pa = 0x80000000ULL + ((r >> 8) & 0x3ffffff8);
			bool store = (r >> 40) & 1;

			p = put(p, 0x99, 5 + ((r >> 20) & 0x3f), 2);
			p = put(p, 0x98, 20 + ((r >> 26) & 0x1ff), 2);
			/* retired, L1D access, TLB access, some misses */
			p = put(p, 0x52, 0x16 | ((r >> 33) & 1 ? 0x108 : 0) |
				((r >> 34) & 1 ? 0x20 : 0), 2);
			p = put(p, 0x49, store ? 0x01 : 0x00, 1);
			p = put_addr(p, 2, va, (r >> 48) & 0xff);
			p = put(p, 0x9a, (r >> 35) & 0x1f, 2);
			p = put_addr(p, 3, pa, 0x80);
			p = put(p, 0x43, (r >> 50) & 0xf, 1);
		} else if (kind < 9) {
			p = put(p, 0x98, 2 + ((r >> 26) & 0xf), 2);
			p = put(p, 0x52, 0x2 | ((r >> 33) & 1 ? 0x40 : 0) |
				((r >> 34) & 1 ? 0x80 : 0), 2);
			p = put(p, 0x4a, 0x1, 1);
			p = put_addr(p, 1, pc + 0x40 + (r & 0xff0), 0x80);
		} else {
			p = put(p, 0x98, 1 + ((r >> 26) & 0xf), 2);
			p = put(p, 0x52, 0x2, 2);
			p = put(p, 0x48, 0x0, 1);
		}
		p = put(p, 0x65, 1000 + (r & 0x7), 4);
		ts += 1 + (r & 0xff);
		p = put(p, 0x71, ts, 8);
		memset(p, 0, end - p);
		off += SPE_SYNTH_RECORD_SIZE;
		n++;
	}
	memset(buf + off, 0, len - off);
	return n;
}
