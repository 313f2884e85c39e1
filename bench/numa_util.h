/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the NUMA workloads (numa_workload.c, numa_threads.c) share: time,
 * CPU and node placement, first touch, and the options of a run.  Errors name
 * the program (program_invocation_short_name: include with _GNU_SOURCE)
 * and exit.
 */
#ifndef BENCH_NUMA_UTIL_H
#define BENCH_NUMA_UTIL_H

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/mempolicy.h>

/* -n local: each worker's memory on its own node. */
#define LOCAL_NODE	-1

static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline int set_policy(int mode, int node)
{
	unsigned long mask = 1UL << node;

	if (mode == MPOL_DEFAULT)
		return syscall(__NR_set_mempolicy, MPOL_DEFAULT, NULL, 0);
	return syscall(__NR_set_mempolicy, mode, &mask, sizeof(mask) * 8);
}

static inline void pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		fprintf(stderr, "%s: cannot run on cpu %d: %s\n",
			program_invocation_short_name, cpu, strerror(errno));
		exit(1);
	}
}

/* The node of @cpu, or exit: a placement on no node would mean nothing. */
static inline int node_of_cpu(int cpu)
{
	char path[80];
	int node;

	for (node = 0; node < 64; node++) {
		snprintf(path, sizeof(path),
			 "/sys/devices/system/node/node%d/cpu%d", node, cpu);
		if (access(path, F_OK) == 0)
			return node;
	}
	fprintf(stderr, "%s: cpu %d is on no NUMA node\n",
		program_invocation_short_name, cpu);
	exit(1);
}

/*
 * First touch from the memory node's point of view: bind the task policy,
 * touch every page, then drop the policy so NUMA balancing may move them.
 */
static inline void first_touch(char *start, unsigned long len, int node)
{
	if (set_policy(MPOL_BIND, node)) {
		fprintf(stderr, "%s: set_mempolicy(MPOL_BIND, %d): %s\n",
			program_invocation_short_name, node, strerror(errno));
		exit(1);
	}
	memset(start, 0x5a, len);
	set_policy(MPOL_DEFAULT, 0);
}

/* -n: a node number, or "local" (LOCAL_NODE). */
static inline int parse_node(const char *arg)
{
	char *end;
	long node;

	if (!strcmp(arg, "local"))
		return LOCAL_NODE;
	errno = 0;
	node = strtol(arg, &end, 10);
	if (errno || end == arg || *end || node < 0 || node >= 64) {
		fprintf(stderr, "%s: -n %s: give a node number (0-63) or \"local\"\n",
			program_invocation_short_name, arg);
		exit(2);
	}
	return node;
}

/* What a run is, in both workloads: -s, -n, -t, -i and -l. */
struct numa_run {
	unsigned long size;		/* bytes */
	int mem_node;			/* node the memory starts on, or LOCAL_NODE */
	double seconds;
	double interval;		/* between reports */
	const char *label;		/* first word of each report line */
};

/* Take option @c with @arg into @run; 0 if it is not one of them. */
static inline int numa_run_option(struct numa_run *run, int c, const char *arg)
{
	switch (c) {
	case 's':
		run->size = strtoul(arg, NULL, 0) << 20;
		return 1;
	case 'n':
		run->mem_node = parse_node(arg);
		return 1;
	case 't':
		run->seconds = atof(arg);
		return 1;
	case 'i':
		run->interval = atof(arg);
		return 1;
	case 'l':
		run->label = arg;
		return 1;
	}
	return 0;
}

#endif /* BENCH_NUMA_UTIL_H */
