// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON with page table Accessed bits against DAMON from samples, on one
 * workload in one boot (make bench-damon; not a test).
 *
 * A child process maps -m MiB and then works on its hot part only (-h MiB
 * a quarter of the way in, random cache lines of random pages), for the
 * whole run.  For each repetition and each operations set of -o, in an
 * order rotated each repetition, a fresh kdamond monitors the mapping at
 * DAMON's default intervals (-S, -A to change them), with mem_sampling on
 * for the sampled sets only: -t seconds with its regions traced
 * (damon:damon_aggregated), to see when and how well it finds the hot
 * range, then -c seconds untraced, to measure what monitoring alone costs.
 * One line per run:
 *
 *   damon: ops=O rep=R found_s=F covered_pct=C cold_kib=K aggregations=A
 *	    kdamond_ms=M kdamond_pct=P cost_ms=S cost_pct=Q samples=N
 *
 * found_s: seconds from "on" to the first aggregation read that found the
 * hot range (at least 90% of it in regions seen accessed, no more cold
 * memory than its size with it), "never" if none did; covered_pct and
 * cold_kib: medians over the aggregations read in the traced part's second
 * half; kdamond_ms and kdamond_pct: the kdamond's CPU time in the untraced
 * part, and as a share of one CPU; cost_ms and cost_pct: what mem_sampling
 * charged to its CPU budget meanwhile (the samples' interrupts and
 * decoding, kdamond's check), summed over the CPUs; samples: samples that
 * reached the context then.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "damon_util.h"

#define MAX_OPS		4
#define MAX_READS	4096

struct options {
	const char *ops[MAX_OPS];
	int nr_ops, reps, seconds, cost_seconds;
	unsigned long area_mib, hot_mib;
	unsigned int sample_us, aggr_us;
};

static void bad_usage(const char *name)
{
	fprintf(stderr,
		"usage: %s [-o OPS,OPS] [-r REPS] [-t SECONDS] [-c SECONDS] [-m AREA_MIB] [-h HOT_MIB] [-S SAMPLE_US] [-A AGGR_US]\n",
		name);
	exit(2);
}

static void parse(int argc, char **argv, struct options *o)
{
	char *list = NULL, *tok;
	int c;

	*o = (struct options){ .reps = 3, .seconds = 20, .cost_seconds = 10,
			       .area_mib = 256,
			       .hot_mib = 16, .sample_us = 5000,
			       .aggr_us = 100000 };
	while ((c = getopt(argc, argv, "o:r:t:c:m:h:S:A:")) != -1) {
		switch (c) {
		case 'o':
			list = optarg;
			break;
		case 'r':
			o->reps = atoi(optarg);
			break;
		case 't':
			o->seconds = atoi(optarg);
			break;
		case 'c':
			o->cost_seconds = atoi(optarg);
			break;
		case 'm':
			o->area_mib = strtoul(optarg, NULL, 10);
			break;
		case 'h':
			o->hot_mib = strtoul(optarg, NULL, 10);
			break;
		case 'S':
			o->sample_us = strtoul(optarg, NULL, 10);
			break;
		case 'A':
			o->aggr_us = strtoul(optarg, NULL, 10);
			break;
		default:
			bad_usage(argv[0]);
		}
	}
	for (tok = strtok(list ? list : strdup("vaddr,vaddr-sampled"), ",");
	     tok && o->nr_ops < MAX_OPS; tok = strtok(NULL, ","))
		o->ops[o->nr_ops++] = tok;
	if (o->reps < 1 || o->seconds < 1 || o->cost_seconds < 1 ||
	    !o->nr_ops || !o->hot_mib ||
	    o->area_mib < 4 * o->hot_mib || !o->sample_us ||
	    o->aggr_us < o->sample_us)
		bad_usage(argv[0]);
}

/*
 * The workload: map @area bytes, touch them all, report ready on @ready,
 * then work on [@hot_off, @hot_off + @hot) only, until killed.
 */
static void work(char *area, size_t size, size_t hot_off, size_t hot,
		 int ready)
{
	unsigned int seed = getpid();
	char *p = area + hot_off;
	size_t lines = hot / 64;

	memset(area, 1, size);
	if (write(ready, "r", 1) != 1)
		_exit(1);
	for (;;)
		p[(rand_r(&seed) % lines) * 64]++;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One run of operations set @ops on the child's mapping; one line. */
static int run(const struct options *o, const char *ops, int rep, pid_t child,
	       unsigned long area, unsigned long hot_start)
{
	static double covered[MAX_READS], cold[MAX_READS];
	static struct damon_snapshot snap;
	unsigned long hot_size = o->hot_mib << 20;
	long long cost, samples, cpu_ns;
	double start, found_s = -1, now;
	int nr = 0, err;
	bool sampled = strstr(ops, "sampled");

	err = ms_write(MS_SYSCTL, sampled ? "1" : "0") ?:
	      damon_setup(ops, child, area, area + (o->area_mib << 20),
			  o->sample_us, o->aggr_us);
	if (err) {
		printf("damon: ops=%s rep=%d failed=%d\n", ops, rep, err);
		return err;
	}
	ms_trace_clear();
	err = ms_write(DAMON_AGGREGATED "enable", "1") ?: ms_trace_on(true) ?:
	      ms_write(KDAMOND "state", "on");
	if (err) {
		printf("damon: ops=%s rep=%d failed=%d\n", ops, rep, err);
		return err;
	}
	start = ms_now();
	while ((now = ms_now()) - start < o->seconds) {
		struct damon_verdict v;

		ms_sleep_ms(200);
		if (!damon_read_snapshot(&snap))
			continue;
		v = damon_judge(&snap, hot_start, hot_start + hot_size);
		if (found_s < 0 && damon_found(v, hot_size))
			found_s = ms_now() - start;
		if (now - start >= o->seconds / 2.0 && nr < MAX_READS) {
			covered[nr] = 100.0 * v.covered / hot_size;
			cold[nr++] = v.cold >> 10;
		}
	}
	/* What monitoring costs, without the trace events read above. */
	ms_write(DAMON_AGGREGATED "enable", "0");
	ms_trace_on(false);
	cost = ms_vmstat("mem_sampling_cost_ns");
	samples = ms_vmstat("damon_sampled_samples");
	cpu_ns = damon_kdamond_cpu_ns();
	start = ms_now();
	ms_sleep_ms(o->cost_seconds * 1000L);
	cpu_ns = damon_kdamond_cpu_ns() - cpu_ns;
	cost = ms_vmstat("mem_sampling_cost_ns") - cost;
	samples = ms_vmstat("damon_sampled_samples") - samples;
	now = ms_now();
	ms_write(KDAMOND "state", "off");
	printf("damon: ops=%s rep=%d found_s=", ops, rep);
	if (found_s < 0)
		printf("never");
	else
		printf("%.2f", found_s);
	printf(" covered_pct=%.1f cold_kib=%.0f aggregations=%d",
	       median(covered, nr), median(cold, nr), nr);
	printf(" kdamond_ms=%.1f kdamond_pct=%.3f", cpu_ns / 1e6,
	       100.0 * cpu_ns / ((now - start) * 1e9));
	printf(" cost_ms=%.1f cost_pct=%.3f samples=%lld\n", cost / 1e6,
	       100.0 * cost / ((now - start) * 1e9), samples);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	struct options o;
	size_t size, hot_off;
	int ready[2], rep, i;
	pid_t child;
	char *area, c;

	setvbuf(stdout, NULL, _IOLBF, 0);
	parse(argc, argv, &o);
	size = o.area_mib << 20;
	hot_off = size / 4;
	area = mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED || pipe(ready)) {
		perror("damon_bench: mmap or pipe");
		return 1;
	}
	/* The hot range starts on a page boundary: DAMON's regions do. */
	child = fork();
	if (child < 0) {
		perror("damon_bench: fork");
		return 1;
	}
	if (!child)
		work(area, size, hot_off, o.hot_mib << 20, ready[1]);
	if (read(ready[0], &c, 1) != 1) {
		fprintf(stderr, "damon_bench: the workload did not start\n");
		return 1;
	}
	if (ms_write(NUMAB_SYSCTL, "0") || ms_trace_only(DAMON_AGGREGATED)) {
		fprintf(stderr, "damon_bench: cannot set NUMA balancing off or trace %s\n",
			DAMON_AGGREGATED);
		return 1;
	}
	for (rep = 1; rep <= o.reps; rep++)
		for (i = 0; i < o.nr_ops; i++)
			run(&o, o.ops[(i + rep - 1) % o.nr_ops], rep, child,
			    (unsigned long)area, (unsigned long)area + hot_off);
	damon_reset();
	ms_trace_on(false);
	ms_write(MS_SYSCTL, "0");
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return 0;
}
