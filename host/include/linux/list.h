/* SPDX-License-Identifier: GPL-2.0 */
/* Host shim: only the type linux/mem_sampling.h needs. */
#ifndef _HOST_LINUX_LIST_H
#define _HOST_LINUX_LIST_H

struct list_head {
	struct list_head *next, *prev;
};

#endif
