// SPDX-License-Identifier: GPL-2.0
/*
 * Calibration of the QEMU memory cost model (-machine virt,numa-cost=on),
 * measured in the guest: on CPU 0, a dependent-load chase (latency bound:
 * every step a random cache line of a 32 MiB buffer) and a streaming sum
 * (bandwidth bound: every word in order) over a buffer bound to each
 * memory node in turn, alternated REPS times.  Prints one line per node
 * with the median time per step and per word, their ratio to node 0's,
 * and the SLIT distance from node 0 read from sysfs, as key=value pairs.
 *
 * usage: numa-cost [REPS]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define BUF_LEN		(32UL << 20)
#define LINE		64
#define LINES		(BUF_LEN / LINE)
#define CHASE_STEPS	(1UL << 20)
#define STREAM_PASSES	4
#define MAX_NODES	8
#define MAX_REPS	31
#define MPOL_BIND	2

struct node_buf {
	int node;
	int distance;		/* from node 0, sysfs */
	uint64_t *buf;
	double chase_ns[MAX_REPS];	/* per step */
	double stream_ns[MAX_REPS];	/* per word */
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Memory nodes (with or without CPUs), from sysfs. */
static int memory_nodes(int *nodes)
{
	char path[64];
	int n = 0, i;

	for (i = 0; i < MAX_NODES; i++) {
		snprintf(path, sizeof(path),
			 "/sys/devices/system/node/node%d/meminfo", i);
		if (access(path, R_OK) == 0)
			nodes[n++] = i;
	}
	return n;
}

static int node_distance(int from, int to)
{
	char path[64];
	int d = -1, i;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/distance",
		 from);
	f = fopen(path, "r");
	if (!f)
		return -1;
	for (i = 0; i <= to; i++)
		if (fscanf(f, "%d", &d) != 1) {
			d = -1;
			break;
		}
	fclose(f);
	return d;
}

/*
 * LEN bytes bound to @node and faulted in there; each cache line's first
 * word links to the next line of one random cycle through all of them.
 */
static uint64_t *alloc_on_node(int node)
{
	unsigned long mask = 1UL << node;
	uint64_t *buf;
	uint32_t *order;
	size_t i;

	buf = mmap(NULL, BUF_LEN, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return NULL;
	/* 4 KiB pages, as the workloads use: no THP. */
	madvise(buf, BUF_LEN, MADV_NOHUGEPAGE);
	if (syscall(__NR_mbind, buf, BUF_LEN, MPOL_BIND, &mask,
		    sizeof(mask) * 8, 0)) {
		perror("numa-cost: mbind");
		return NULL;
	}
	order = malloc(LINES * sizeof(*order));
	if (!order)
		return NULL;
	for (i = 0; i < LINES; i++)
		order[i] = i;
	for (i = LINES - 1; i > 0; i--) {
		size_t j = (size_t)rand() % (i + 1);
		uint32_t t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	memset(buf, 1, BUF_LEN);
	for (i = 0; i < LINES; i++)
		buf[(size_t)order[i] * (LINE / 8)] =
			(size_t)order[(i + 1) % LINES] * (LINE / 8);
	free(order);
	return buf;
}

static double __attribute__((noinline)) chase(const uint64_t *buf)
{
	double start = now_ns();
	uint64_t i = 0;
	size_t n;

	for (n = 0; n < CHASE_STEPS; n++)
		i = buf[i];
	/* Keep the chain live. */
	__asm__ volatile("" : : "r"(i));
	return (now_ns() - start) / CHASE_STEPS;
}

static double __attribute__((noinline)) stream(const uint64_t *buf)
{
	const size_t words = BUF_LEN / sizeof(*buf);
	double start = now_ns();
	uint64_t sum = 0;
	size_t i;
	int pass;

	for (pass = 0; pass < STREAM_PASSES; pass++)
		for (i = 0; i < words; i++)
			sum += buf[i];
	__asm__ volatile("" : : "r"(sum));
	return (now_ns() - start) / (STREAM_PASSES * words);
}

int main(int argc, char **argv)
{
	int reps = argc > 1 ? atoi(argv[1]) : 5;
	struct node_buf nb[MAX_NODES];
	int nodes[MAX_NODES], n, i, r;
	double chase0 = 0, stream0 = 0;
	cpu_set_t set;

	if (reps < 1 || reps > MAX_REPS) {
		fprintf(stderr, "numa-cost: REPS must be 1-%d\n", MAX_REPS);
		return 2;
	}
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("numa-cost: sched_setaffinity");
		return 1;
	}
	n = memory_nodes(nodes);
	if (n < 2) {
		fprintf(stderr, "numa-cost: needs two memory nodes, found %d\n", n);
		return 1;
	}
	for (i = 0; i < n; i++) {
		nb[i].node = nodes[i];
		nb[i].distance = node_distance(0, nodes[i]);
		nb[i].buf = alloc_on_node(nodes[i]);
		if (!nb[i].buf) {
			fprintf(stderr, "numa-cost: no 32 MiB on node %d\n",
				nodes[i]);
			return 1;
		}
	}
	for (r = 0; r < reps; r++)
		for (i = 0; i < n; i++) {
			nb[i].chase_ns[r] = chase(nb[i].buf);
			nb[i].stream_ns[r] = stream(nb[i].buf);
		}
	for (i = 0; i < n; i++) {
		double c = median(nb[i].chase_ns, reps);
		double s = median(nb[i].stream_ns, reps);

		if (i == 0) {
			chase0 = c;
			stream0 = s;
		}
		printf("numa_cost: node=%d distance=%d chase_ns=%.1f stream_ns=%.2f",
		       nb[i].node, nb[i].distance, c, s);
		printf(" chase_ratio=%.2f stream_ratio=%.2f reps=%d\n",
		       c / chase0, s / stream0, reps);
	}
	return 0;
}
