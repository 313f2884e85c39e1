// SPDX-License-Identifier: GPL-2.0
/*
 * The machine every other test relies on: two NUMA nodes with one CPU and
 * memory each (and, on the tiered machine, CPU-less nodes after them),
 * where memory placed by policy on a node really lands there (as
 * move_pages(2) reports it) and can be moved between the nodes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/mempolicy.h>

#include "../kselftest.h"

#define NR_PAGES 64

static long mbind_node(void *addr, unsigned long len, int node)
{
	unsigned long mask = 1UL << node;

	return syscall(__NR_mbind, addr, len, MPOL_BIND, &mask,
		       sizeof(mask) * 8, MPOL_MF_MOVE | MPOL_MF_STRICT);
}

/* Node of each page per move_pages(2) query mode; -errno on failure. */
static int page_nodes(char *buf, long page, int *status)
{
	void *pages[NR_PAGES];
	int i;

	for (i = 0; i < NR_PAGES; i++)
		pages[i] = buf + i * page;
	return syscall(__NR_move_pages, 0, NR_PAGES, pages, NULL, status, 0);
}

static int count_on(const int *status, int node)
{
	int i, n = 0;

	for (i = 0; i < NR_PAGES; i++)
		n += status[i] == node;
	return n;
}

static int read_int(const char *path)
{
	FILE *f = fopen(path, "r");
	int v = -1;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* Nodes @first and up (until the first missing one) have no CPU. */
static bool cpuless_from(int first)
{
	char path[64], cpus[64];
	int node;

	for (node = first; ; node++) {
		FILE *f;
		bool empty;

		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/cpulist",
			 node);
		f = fopen(path, "r");
		if (!f)
			return true;
		empty = !fgets(cpus, sizeof(cpus), f) || cpus[0] == '\n';
		fclose(f);
		if (!empty)
			return false;
	}
}

int main(void)
{
	long page = sysconf(_SC_PAGESIZE);
	int status[NR_PAGES];
	char path[64];
	char *buf;
	int node;

	ksft_print_header();
	ksft_set_plan(4);

	ksft_test_result(access("/sys/devices/system/node/node0", F_OK) == 0 &&
			 access("/sys/devices/system/node/node1", F_OK) == 0 &&
			 cpuless_from(2),
			 "two NUMA nodes with CPUs, any further one CPU-less\n");

	for (node = 0; node < 2; node++) {
		snprintf(path, sizeof(path),
			 "/sys/devices/system/node/node%d/cpu%d", node, node);
		if (access(path, F_OK))
			break;
	}
	ksft_test_result(node == 2, "cpu N belongs to node N\n");

	buf = mmap(NULL, NR_PAGES * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));

	if (mbind_node(buf, NR_PAGES * page, 1))
		ksft_exit_fail_msg("mbind node 1: %s\n", strerror(errno));
	memset(buf, 1, NR_PAGES * page);
	if (page_nodes(buf, page, status))
		ksft_exit_fail_msg("move_pages: %s\n", strerror(errno));
	ksft_test_result(count_on(status, 1) == NR_PAGES,
			 "pages bound to node 1 are on node 1 (%d/%d)\n",
			 count_on(status, 1), NR_PAGES);

	/* MPOL_MF_MOVE migrates what is already there. */
	if (mbind_node(buf, NR_PAGES * page, 0))
		ksft_exit_fail_msg("mbind node 0: %s\n", strerror(errno));
	if (page_nodes(buf, page, status))
		ksft_exit_fail_msg("move_pages: %s\n", strerror(errno));
	ksft_test_result(count_on(status, 0) == NR_PAGES &&
			 read_int("/proc/sys/kernel/numa_balancing") >= 0,
			 "rebinding to node 0 migrates them (%d/%d)\n",
			 count_on(status, 0), NR_PAGES);

	munmap(buf, NR_PAGES * page);
	ksft_finished();
}
