// SPDX-License-Identifier: GPL-2.0
/*
 * numa-threads: threads the scheduler places, shaped like
 * autonuma-benchmark's numa01 and numa02, with plain stores (memset()
 * clears with DC ZVA, which SPE never samples).
 *
 *   numa01  two processes, each with two threads that rewrite the whole
 *           of their process's buffer (-s MiB each)
 *   numa02  one process with a thread per CPU, each rewriting its own
 *           chunk of one buffer (-s MiB in all)
 *
 * The memory starts on the node given with -n (first touched there) and
 * no thread is pinned: where threads and memory end up is the balancing's
 * work.  With "-n local" (the benchmark's ideal placement) numa01's
 * process i runs on CPU i with its buffer on that CPU's node, and numa02's
 * thread i on CPU i with its chunk there.  -c is taken and ignored, for
 * the benchmark's command line.
 *
 * Report lines are numa-workload's: page_local is the share of each
 * thread's pages (numa01: its process's buffer; numa02: its chunk) on the
 * node of the CPU the thread ran on last, averaged over the threads;
 * weighted_local is the same (every page is rewritten as often); stime
 * and utime are the processes' own; ops counts 4 KiB pages rewritten.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/mempolicy.h>

#include "numa_util.h"

#define PAGE_SIZE_4K	4096UL
#define LINE		64
/* move_pages(2) is asked about at most this many pages per thread. */
#define MAX_QUERY	4096
#define MAX_THREADS	16

/* What a worker thread shares with the reporting parent. */
struct slot {
	char *start;		/* its pages, in its process */
	unsigned long nr_pages;
	pid_t pid;		/* its process */
	int cpu;		/* where it ran last */
	uint64_t ops;		/* pages rewritten */
};

struct shared {
	int nr;
	int ready;
	int go;
	int done;
	struct slot slot[MAX_THREADS];
};

struct options {
	int numa02;
	struct numa_run run;
};

static struct shared *sh;
static struct options o;

/* Rewrite every cache line of the slot's pages, one plain store each. */
static void *worker(void *arg)
{
	struct slot *s = arg;
	uint64_t value = 1;
	unsigned long p, l;

	while (!__atomic_load_n(&sh->go, __ATOMIC_ACQUIRE))
		usleep(1000);
	while (!__atomic_load_n(&sh->done, __ATOMIC_ACQUIRE)) {
		for (p = 0; p < s->nr_pages; p++) {
			volatile uint64_t *page =
				(uint64_t *)(s->start + p * PAGE_SIZE_4K);

			for (l = 0; l < PAGE_SIZE_4K / LINE; l++)
				page[l * LINE / sizeof(*page)] = value;
			__atomic_fetch_add(&s->ops, 1, __ATOMIC_RELAXED);
			if (!(p % 64)) {
				__atomic_store_n(&s->cpu, sched_getcpu(),
						 __ATOMIC_RELAXED);
				if (__atomic_load_n(&sh->done, __ATOMIC_ACQUIRE))
					break;
			}
		}
		value++;
	}
	return NULL;
}

/*
 * One process: @nr threads from slot @first on; numa01 gives each the
 * whole buffer, numa02 a chunk.  @cpu >= 0: the ideal placement.
 */
static void process(int first, int nr, int cpu)
{
	unsigned long nr_pages = o.run.size / PAGE_SIZE_4K, chunk = nr_pages / nr;
	pthread_t threads[MAX_THREADS];
	char *buf;
	int i;

	buf = mmap(NULL, o.run.size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		perror("numa-threads: mmap");
		exit(1);
	}
	madvise(buf, o.run.size, MADV_NOHUGEPAGE);
	for (i = 0; i < nr; i++) {
		struct slot *s = &sh->slot[first + i];
		int c = o.numa02 ? i : cpu;

		s->pid = getpid();
		s->start = o.numa02 ? buf + i * chunk * PAGE_SIZE_4K : buf;
		s->nr_pages = o.numa02 ? chunk : nr_pages;
		if (o.run.mem_node != LOCAL_NODE)
			continue;
		/* The ideal placement: each thread and its pages on one node. */
		pin_to_cpu(c);
		if (o.numa02 || !i)
			first_touch(s->start, s->nr_pages * PAGE_SIZE_4K,
				    node_of_cpu(c));
	}
	if (o.run.mem_node != LOCAL_NODE)
		first_touch(buf, o.run.size, o.run.mem_node);
	for (i = 0; i < nr; i++) {
		cpu_set_t set;

		if (pthread_create(&threads[i], NULL, worker, &sh->slot[first + i])) {
			fprintf(stderr, "numa-threads: pthread_create failed\n");
			exit(1);
		}
		if (o.run.mem_node != LOCAL_NODE)
			continue;
		CPU_ZERO(&set);
		CPU_SET(o.numa02 ? i : cpu, &set);
		pthread_setaffinity_np(threads[i], sizeof(set), &set);
	}
	__atomic_fetch_add(&sh->ready, nr, __ATOMIC_RELEASE);
	for (i = 0; i < nr; i++)
		pthread_join(threads[i], NULL);
	exit(0);
}

/* Share of @s's pages (a spread of at most MAX_QUERY) on @node; -1 if none known. */
static double share_on(const struct slot *s, int node)
{
	static void *pages[MAX_QUERY];
	static int status[MAX_QUERY];
	unsigned long n = s->nr_pages < MAX_QUERY ? s->nr_pages : MAX_QUERY;
	unsigned long step = s->nr_pages / n, i, known = 0, on = 0;

	for (i = 0; i < n; i++)
		pages[i] = s->start + i * step * PAGE_SIZE_4K;
	if (syscall(__NR_move_pages, s->pid, n, pages, NULL, status, 0))
		return -1;
	for (i = 0; i < n; i++) {
		if (status[i] < 0)
			continue;
		known++;
		on += status[i] == node;
	}
	return known ? 100.0 * on / known : -1;
}

/* User and system seconds of process @pid, from /proc/PID/stat. */
static void cpu_times(pid_t pid, double *utime, double *stime)
{
	unsigned long ut = 0, st = 0;
	char path[64], line[1024], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return;
	/* Fields 14 and 15, after the parenthesised command name. */
	if (fgets(line, sizeof(line), f) && (p = strrchr(line, ')')))
		sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
		       &ut, &st);
	fclose(f);
	*utime += (double)ut / sysconf(_SC_CLK_TCK);
	*stime += (double)st / sysconf(_SC_CLK_TCK);
}

static void report(double elapsed, double ops_per_s, uint64_t ops,
		   const pid_t *pids, int nr_procs)
{
	double local = 0, utime = 0, stime = 0, share;
	int i, known = 0;

	for (i = 0; i < sh->nr; i++) {
		const struct slot *s = &sh->slot[i];

		share = share_on(s, node_of_cpu(__atomic_load_n(&s->cpu,
							 __ATOMIC_RELAXED)));
		if (share < 0)
			continue;
		local += share;
		known++;
	}
	for (i = 0; i < nr_procs; i++)
		cpu_times(pids[i], &utime, &stime);
	local = known ? local / known : 0;
	printf("%s elapsed=%.2f ops_per_s=%.0f page_local=%.1f weighted_local=%.1f stime=%.3f utime=%.3f ops=%llu\n",
	       o.run.label, elapsed, ops_per_s, local, local, stime, utime,
	       (unsigned long long)ops);
	fflush(stdout);
}

static uint64_t total_ops(void)
{
	uint64_t ops = 0;
	int i;

	for (i = 0; i < sh->nr; i++)
		ops += __atomic_load_n(&sh->slot[i].ops, __ATOMIC_RELAXED);
	return ops;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: numa-threads [-m numa01|numa02] [-s MiB] [-n MEM_NODE|local]\n"
		"                    [-t SECONDS] [-i INTERVAL] [-l LABEL] [-c IGNORED]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int nr_cpus = sysconf(_SC_NPROCESSORS_ONLN), nr_procs, per_proc, i, c;
	double start, last, t;
	uint64_t ops, last_ops = 0;
	pid_t pids[2];

	o.run = (struct numa_run){ .size = 64UL << 20, .mem_node = 1,
				   .seconds = 10, .interval = 1,
				   .label = "numa-threads" };
	while ((c = getopt(argc, argv, "m:s:c:n:t:i:l:")) != -1) {
		if (numa_run_option(&o.run, c, optarg))
			continue;
		switch (c) {
		case 'm':
			if (!strcmp(optarg, "numa01"))
				o.numa02 = 0;
			else if (!strcmp(optarg, "numa02"))
				o.numa02 = 1;
			else
				usage();
			break;
		case 'c':
			break;
		default:
			usage();
		}
	}
	if (!o.run.size || o.run.size % (1UL << 20) || o.run.seconds <= 0 || o.run.interval <= 0 ||
	    nr_cpus < 2)
		usage();
	nr_procs = o.numa02 ? 1 : 2;
	per_proc = o.numa02 ? (nr_cpus < MAX_THREADS ? nr_cpus : MAX_THREADS) : 2;
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("numa-threads: mmap");
		return 1;
	}
	sh->nr = nr_procs * per_proc;
	for (i = 0; i < nr_procs; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("numa-threads: fork");
			return 1;
		}
		if (!pids[i])
			process(i * per_proc, per_proc, i);
	}
	while (__atomic_load_n(&sh->ready, __ATOMIC_ACQUIRE) < sh->nr)
		usleep(1000);
	start = last = now();
	__atomic_store_n(&sh->go, 1, __ATOMIC_RELEASE);
	for (;;) {
		usleep(10000);
		t = now();
		if (t - last < o.run.interval && t - start < o.run.seconds)
			continue;
		ops = total_ops();
		report(t - start, (ops - last_ops) / (t - last), ops, pids,
		       nr_procs);
		last_ops = ops;
		last = t;
		if (t - start >= o.run.seconds)
			break;
	}
	__atomic_store_n(&sh->done, 1, __ATOMIC_RELEASE);
	for (i = 0; i < nr_procs; i++)
		waitpid(pids[i], NULL, 0);
	return 0;
}
