/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DAMON's sysfs interface and its damon:damon_aggregated tracepoint as the
 * DAMON-from-samples test (damon_sampled) and benchmark (damon_bench) use
 * them: one kdamond with one context of one target, and the regions of
 * its last aggregation judged against a known hot range.
 */
#ifndef DAMON_UTIL_H
#define DAMON_UTIL_H

#include <stdbool.h>
#include <sys/types.h>

#include "mem_sampling_util.h"

#define DAMON_KDAMONDS	"/sys/kernel/mm/damon/admin/kdamonds/"
#define KDAMOND		DAMON_KDAMONDS "0/"
#define DAMON_CTX	KDAMOND "contexts/0/"
#define DAMON_ATTRS	DAMON_CTX "monitoring_attrs/"
#define DAMON_TARGET	DAMON_CTX "targets/0/"
#define DAMON_SCHEME	DAMON_CTX "schemes/0/"
#define DAMON_AGGREGATED MS_TRACING "events/damon/damon_aggregated/"

/* One region of one aggregation, from damon:damon_aggregated. */
struct damon_region {
	unsigned long start, end;
	unsigned int nr_accesses;
};

#define DAMON_MAX_REGIONS	1024

/* The regions of target 0 in one aggregation. */
struct damon_snapshot {
	int nr;
	struct damon_region r[DAMON_MAX_REGIONS];
};

/* How much of a hot range an aggregation saw accessed, and what else. */
struct damon_verdict {
	unsigned long covered, cold;
};

/* Write @value to the file @file of the directory @dir. */
int damon_write(const char *dir, const char *file, const char *value);
int damon_write_long(const char *dir, const char *file, unsigned long value);
/* No kdamond left (errors ignored). */
void damon_reset(void);
/*
 * One kdamond, one context of operations set @ops, one target (process
 * @pid, or 0 for physical memory) monitoring [@start, @end), sampled every
 * @sample_us, aggregated every @aggr_us, its regions never reset from the
 * process's mappings meanwhile.  Not started.
 */
int damon_setup(const char *ops, pid_t pid, unsigned long start,
		unsigned long end, unsigned int sample_us, unsigned int aggr_us);
/*
 * Give the target @nr regions of equal size, multiples of @align bytes,
 * covering [@start, @end) (both multiples of @align), instead of one.
 */
int damon_split_target(unsigned long start, unsigned long end, int nr,
		       unsigned long align);
/* Is the kdamond running? */
bool damon_on(void);
/* Wait up to @seconds for the kdamond to stop; whether it did. */
bool damon_wait_off(double seconds);
/* CPU time the running kdamond used so far, in ns; -1 if none. */
long long damon_kdamond_cpu_ns(void);
/*
 * The last complete aggregation of target 0 in the trace buffer, which is
 * emptied; the number of its regions, 0 if none was complete.
 */
int damon_read_snapshot(struct damon_snapshot *snap);
/* The bytes of [@hot_start, @hot_end) in accessed regions, and the rest. */
struct damon_verdict damon_judge(const struct damon_snapshot *snap,
				 unsigned long hot_start, unsigned long hot_end);
/*
 * Found: at least 90% of a hot range of @hot_size bytes in regions seen
 * accessed, with no more cold memory than that beside it.
 */
bool damon_found(struct damon_verdict v, unsigned long hot_size);

#endif /* DAMON_UTIL_H */
