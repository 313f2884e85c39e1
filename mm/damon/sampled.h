/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sampled operations sets (sampled.c) as the rest of DAMON sees them:
 * the base sets register them, damon_select_ops() asks whether they can
 * be used now.
 */
#ifndef _MM_DAMON_SAMPLED_H
#define _MM_DAMON_SAMPLED_H

#include <linux/damon.h>

#ifdef CONFIG_DAMON_SAMPLED
int damon_sampled_register(const struct damon_operations *base,
			   enum damon_ops_id id);
int damon_sampled_check(enum damon_ops_id id);
#else
static inline int damon_sampled_register(const struct damon_operations *base,
					 enum damon_ops_id id)
{
	return 0;
}

static inline int damon_sampled_check(enum damon_ops_id id)
{
	return 0;
}
#endif

#endif /* _MM_DAMON_SAMPLED_H */
