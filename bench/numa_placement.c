// SPDX-License-Identifier: GPL-2.0
/*
 * Task placement: does NUMA balancing move a task to its memory's node?
 *
 * One thread streams through -s MiB whose pages are bound to node -n
 * (MPOL_BIND | MPOL_F_NUMA_BALANCING on the range: NUMA balancing looks at
 * the memory, by hint faults or samples, but cannot move it, so the only
 * way to local accesses is to move the task).  It starts pinned to a
 * CPU of another node, then may run anywhere.  Every 10 ms it looks at the
 * CPU it runs on.  Once on the memory's node it runs -k seconds more and
 * reports the share of those looks that found it there (whether it
 * stayed), or gives up after -t seconds.  One line:
 *
 *   placement moved_s=S stayed=P
 *
 * moved_s: seconds from unpinning until first seen on the memory's node
 * ("never" if not within -t); stayed: percent of the looks after that on
 * the memory's node (0 if it never got there).
 */
#define _GNU_SOURCE
#include <sys/mman.h>

#include "numa_util.h"

#define LOOK_SECONDS	0.01

/* A CPU of a node other than @node, or exit. */
static int cpu_off_node(int node)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int cpu;

	for (cpu = 0; cpu < cpus; cpu++)
		if (node_of_cpu(cpu) != node)
			return cpu;
	fprintf(stderr, "%s: every CPU is on node %d: nowhere to start from\n",
		program_invocation_short_name, node);
	exit(1);
}

static void unpin(void)
{
	cpu_set_t set;
	long cpu, cpus = sysconf(_SC_NPROCESSORS_ONLN);

	CPU_ZERO(&set);
	for (cpu = 0; cpu < cpus; cpu++)
		CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("sched_setaffinity");
		exit(1);
	}
}

/* Stream once through @len bytes of @mem, a load and a store a line. */
static void stream(volatile char *mem, unsigned long len)
{
	unsigned long i;

	for (i = 0; i < len; i += 64)
		mem[i]++;
}

int main(int argc, char **argv)
{
	struct numa_run run = { .size = 64UL << 20, .mem_node = 1,
				.seconds = 8 };
	double keep = 1, start, moved = -1, next;
	unsigned long looks = 0, there = 0, mask;
	unsigned long chunk = 1UL << 20, off = 0;
	char *mem;
	int c;

	while ((c = getopt(argc, argv, "s:n:t:k:")) != -1) {
		if (numa_run_option(&run, c, optarg))
			continue;
		if (c == 'k') {
			keep = atof(optarg);
			continue;
		}
		fprintf(stderr, "usage: %s [-s MiB] [-n NODE] [-t SECONDS] [-k SECONDS]\n",
			program_invocation_short_name);
		return 2;
	}
	if (run.mem_node < 0 || run.size < chunk || run.seconds <= 0 || keep <= 0) {
		fprintf(stderr, "%s: give -n a node number, -s at least 1 MiB, -t and -k above 0\n",
			program_invocation_short_name);
		return 2;
	}
	mem = mmap(NULL, run.size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	madvise(mem, run.size, MADV_NOHUGEPAGE);
	mask = 1UL << run.mem_node;
	if (syscall(__NR_mbind, mem, run.size,
		    MPOL_BIND | MPOL_F_NUMA_BALANCING, &mask,
		    sizeof(mask) * 8, 0)) {
		fprintf(stderr, "%s: mbind(MPOL_BIND | MPOL_F_NUMA_BALANCING, %d): %s\n",
			program_invocation_short_name, run.mem_node,
			strerror(errno));
		return 1;
	}
	pin_to_cpu(cpu_off_node(run.mem_node));
	memset(mem, 0x5a, run.size);
	unpin();

	start = now();
	next = start;
	for (;;) {
		double t = now();

		stream(mem + off, chunk);
		off = (off + chunk) % run.size;
		if (t < next)
			continue;
		next = t + LOOK_SECONDS;
		if (node_of_cpu(sched_getcpu()) == run.mem_node) {
			if (moved < 0)
				moved = t - start;
			there++;
		}
		if (moved >= 0) {
			looks++;
			if (t - start >= moved + keep)
				break;
		} else if (t - start >= run.seconds) {
			break;
		}
	}
	if (moved < 0)
		printf("placement moved_s=never stayed=0\n");
	else
		printf("placement moved_s=%.2f stayed=%.0f\n", moved,
		       100.0 * there / looks);
	return 0;
}
