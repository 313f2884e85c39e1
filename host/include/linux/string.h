/* SPDX-License-Identifier: GPL-2.0 */
/* Host shim: memset/memcpy come from the C library. */
#ifndef _HOST_LINUX_STRING_H
#define _HOST_LINUX_STRING_H

#include <string.h>

#endif
