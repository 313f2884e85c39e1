/* SPDX-License-Identifier: GPL-2.0 */
/* Host shim: little-endian loads from any address, as linux/unaligned.h. */
#ifndef _HOST_LINUX_UNALIGNED_H
#define _HOST_LINUX_UNALIGNED_H

#include <string.h>
#include <linux/types.h>

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define __host_le16(x)	(x)
#define __host_le32(x)	(x)
#define __host_le64(x)	(x)
#else
#define __host_le16(x)	__builtin_bswap16(x)
#define __host_le32(x)	__builtin_bswap32(x)
#define __host_le64(x)	__builtin_bswap64(x)
#endif

static inline u16 get_unaligned_le16(const void *p)
{
	u16 v;

	memcpy(&v, p, sizeof(v));
	return __host_le16(v);
}

static inline u32 get_unaligned_le32(const void *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return __host_le32(v);
}

static inline u64 get_unaligned_le64(const void *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));
	return __host_le64(v);
}

#endif
