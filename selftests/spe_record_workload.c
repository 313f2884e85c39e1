// SPDX-License-Identifier: GPL-2.0
/*
 * The workload of spe_record_test.sh: a buffer whose pages are placed on
 * known nodes, described on stdout, then read in a loop so that a hardware
 * sampler has loads to sample in it.
 *
 * usage: spe_record_workload SECONDS [PAGES]
 *
 * Prints "pid PID", "buffer START END", one "page VADDR PADDR NODE" line
 * per page (PADDR from /proc/self/pagemap, NODE from move_pages(2)), then
 * "ready", and reads the buffer until SECONDS have passed or SIGTERM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define MPOL_BIND	2
/* /proc/PID/pagemap entries: bits 0-54 the PFN, bit 63 page present. */
#define PAGEMAP_PFN	0x007fffffffffffffULL
#define PAGEMAP_PRESENT	0x8000000000000000ULL

static int stop;

static void on_signal(int signo)
{
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
}

static int nr_nodes(void)
{
	char path[64];
	int node;

	for (node = 0; node < 64; node++) {
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d", node);
		if (access(path, F_OK))
			break;
	}
	return node ? node : 1;
}

int main(int argc, char **argv)
{
	long page_size = sysconf(_SC_PAGESIZE);
	unsigned long pages = argc > 2 ? strtoul(argv[2], NULL, 0) : 16;
	int seconds = argc > 1 ? atoi(argv[1]) : 10;
	int nodes = nr_nodes(), pagemap, i;
	unsigned long long *words, sum = 0;
	struct timespec start, now;
	char *buffer;

	if (seconds <= 0 || !pages || pages > 65536) {
		fprintf(stderr, "usage: %s SECONDS [PAGES]\n", argv[0]);
		return 2;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);

	buffer = mmap(NULL, pages * page_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buffer == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	/* First half on node 0, second half on node 1: both kinds of access. */
	if (nodes > 1) {
		unsigned long half = pages / 2 * page_size;
		unsigned long node0 = 1, node1 = 2;

		if (syscall(__NR_mbind, buffer, half, MPOL_BIND, &node0, 64, 0) ||
		    syscall(__NR_mbind, buffer + half, pages * page_size - half,
			    MPOL_BIND, &node1, 64, 0))
			fprintf(stderr, "mbind: %s (pages stay where they fall)\n",
				strerror(errno));
	}
	memset(buffer, 0x5a, pages * page_size);

	pagemap = open("/proc/self/pagemap", O_RDONLY);
	printf("pid %d\n", getpid());
	printf("buffer 0x%lx 0x%lx\n", (unsigned long)buffer,
	       (unsigned long)buffer + pages * page_size);
	for (i = 0; i < (int)pages; i++) {
		void *page = buffer + i * page_size;
		unsigned long long entry = 0, paddr = 0;
		int status = -1;

		if (pagemap >= 0 &&
		    pread(pagemap, &entry, sizeof(entry),
			  (unsigned long)page / page_size * sizeof(entry)) == sizeof(entry) &&
		    (entry & PAGEMAP_PRESENT))
			paddr = (entry & PAGEMAP_PFN) * page_size;
		if (syscall(__NR_move_pages, 0, 1UL, &page, NULL, &status, 0))
			status = -1;
		printf("page 0x%lx 0x%llx %d\n", (unsigned long)page,
		       (unsigned long long)paddr, status);
	}
	printf("ready\n");
	fflush(stdout);

	/* Loads only, one per cache line, nothing else touched in the loop. */
	words = (unsigned long long *)buffer;
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		unsigned long j;

		for (j = 0; j < pages * page_size / sizeof(*words); j += 8) {
			sum += words[j];
			/* Keep every load: the compiler may not merge them. */
			asm volatile("" : : : "memory");
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec >= seconds)
			break;
	}
	return sum == 1 ? 3 : 0;
}
