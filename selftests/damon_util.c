// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON's sysfs interface and tracepoint for the DAMON-from-samples test
 * and benchmark: see damon_util.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "damon_util.h"

int damon_write(const char *dir, const char *file, const char *value)
{
	char path[256];

	snprintf(path, sizeof(path), "%s%s", dir, file);
	return ms_write(path, value);
}

int damon_write_long(const char *dir, const char *file, unsigned long value)
{
	char text[32];

	snprintf(text, sizeof(text), "%lu", value);
	return damon_write(dir, file, text);
}

void damon_reset(void)
{
	ms_write(KDAMOND "state", "off");
	ms_write(DAMON_KDAMONDS "nr_kdamonds", "0");
}

int damon_setup(const char *ops, pid_t pid, unsigned long start,
		unsigned long end, unsigned int sample_us, unsigned int aggr_us)
{
	int err;

	damon_reset();
	err = ms_write(DAMON_KDAMONDS "nr_kdamonds", "1") ?:
	      ms_write(KDAMOND "contexts/nr_contexts", "1") ?:
	      damon_write(DAMON_CTX, "operations", ops) ?:
	      damon_write_long(DAMON_ATTRS, "intervals/sample_us", sample_us) ?:
	      damon_write_long(DAMON_ATTRS, "intervals/aggr_us", aggr_us) ?:
	      damon_write(DAMON_ATTRS, "intervals/update_us", "1000000000") ?:
	      damon_write(DAMON_ATTRS, "nr_regions/min", "10") ?:
	      damon_write(DAMON_ATTRS, "nr_regions/max", "1000") ?:
	      damon_write(DAMON_CTX, "targets/nr_targets", "1");
	if (!err && pid)
		err = damon_write_long(DAMON_TARGET, "pid_target", pid);
	return err ?:
	       damon_write(DAMON_TARGET, "regions/nr_regions", "1") ?:
	       damon_write_long(DAMON_TARGET, "regions/0/start", start) ?:
	       damon_write_long(DAMON_TARGET, "regions/0/end", end);
}

int damon_split_target(unsigned long start, unsigned long end, int nr,
		       unsigned long align)
{
	unsigned long step = (end - start) / nr / align * align;
	char dir[96];
	int i, err;

	if (!step)
		return -EINVAL;
	err = damon_write_long(DAMON_TARGET, "regions/nr_regions", nr);
	for (i = 0; !err && i < nr; i++) {
		snprintf(dir, sizeof(dir), DAMON_TARGET "regions/%d/", i);
		err = damon_write_long(dir, "start", start + i * step) ?:
		      damon_write_long(dir, "end", i == nr - 1 ? end :
					start + (i + 1) * step);
	}
	return err;
}

bool damon_on(void)
{
	char state[16] = "";

	ms_read(KDAMOND "state", state, sizeof(state));
	return !strncmp(state, "on", 2);
}

bool damon_wait_off(double seconds)
{
	double deadline = ms_now() + seconds;

	while (damon_on() && ms_now() < deadline)
		ms_sleep_ms(20);
	return !damon_on();
}

long long damon_kdamond_cpu_ns(void)
{
	unsigned long long utime, stime;
	long long pid = ms_read_long(KDAMOND "pid");
	char path[64], text[4096], *p;
	double ms;

	if (pid <= 0)
		return -1;
	/* To the nanosecond where the scheduler's debug file is there. */
	snprintf(path, sizeof(path), "/proc/%lld/sched", pid);
	if (!ms_read(path, text, sizeof(text))) {
		p = strstr(text, "se.sum_exec_runtime");
		if (p && sscanf(p, "se.sum_exec_runtime : %lf", &ms) == 1)
			return ms * 1e6;
	}
	snprintf(path, sizeof(path), "/proc/%lld/stat", pid);
	if (ms_read(path, text, sizeof(text)) < 0)
		return -1;
	/* The fields after the command, which may hold blanks: 14 and 15. */
	p = strrchr(text, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
			 &utime, &stime) != 2)
		return -1;
	return (utime + stime) * (1000000000LL / sysconf(_SC_CLK_TCK));
}

int damon_read_snapshot(struct damon_snapshot *snap)
{
	static struct damon_snapshot cur;
	unsigned int expected = 0;
	char *line = NULL;
	size_t cap = 0;
	FILE *f;

	snap->nr = 0;
	cur.nr = 0;
	f = fopen(MS_TRACING "trace", "r");
	if (!f)
		return 0;
	while (getline(&line, &cap, f) > 0) {
		unsigned long target, start, end;
		unsigned int nr_regions, nr, age;
		char *p = strstr(line, "damon_aggregated: ");

		if (!p || sscanf(p, "damon_aggregated: target_id=%lu nr_regions=%u %lu-%lu: %u %u",
				 &target, &nr_regions, &start, &end, &nr,
				 &age) != 6 || target)
			continue;
		/* Regions come in address order: a lower start begins anew. */
		if (!cur.nr || start <= cur.r[cur.nr - 1].start ||
		    cur.nr == DAMON_MAX_REGIONS) {
			cur.nr = 0;
			expected = nr_regions;
		}
		cur.r[cur.nr++] = (struct damon_region){ start, end, nr };
		if (cur.nr == expected)
			*snap = cur;
	}
	free(line);
	fclose(f);
	ms_trace_clear();
	return snap->nr;
}

struct damon_verdict damon_judge(const struct damon_snapshot *snap,
				 unsigned long hot_start, unsigned long hot_end)
{
	struct damon_verdict v = { 0 };
	int i;

	for (i = 0; i < snap->nr; i++) {
		const struct damon_region *r = &snap->r[i];
		unsigned long lo, hi, in = 0;

		if (!r->nr_accesses)
			continue;
		lo = r->start > hot_start ? r->start : hot_start;
		hi = r->end < hot_end ? r->end : hot_end;
		if (hi > lo)
			in = hi - lo;
		v.covered += in;
		v.cold += r->end - r->start - in;
	}
	return v;
}

bool damon_found(struct damon_verdict v, unsigned long hot_size)
{
	return v.covered * 10 >= hot_size * 9 && v.cold <= hot_size;
}
