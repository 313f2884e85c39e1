// SPDX-License-Identifier: GPL-2.0
/*
 * numa-workload: memory placed on one node, worked on from the other, with
 * a report every interval of how local the memory has become.
 *
 *   uniform  one thread streams over the whole buffer
 *   skewed   a hot tenth of the pages takes 90% of the accesses
 *   shared   two processes on different nodes share one mapping, each
 *            touching mostly its own half
 *   thp      uniform over THP-backed memory
 *   tiered   skewed with a hot fifth, the memory on a slow memory tier
 *            (-n SLOW_NODE): the hot fifth is what tiering should promote
 *
 * The memory starts on the node given with -n, or with "-n local" on each
 * worker's own node (the benchmark's ideal placement; shared: each half
 * on the node of the process that favours it).  Every process is bound to
 * its CPU before it touches the memory, whatever the placement.  -L puts
 * the hot pages on the worker's node and the rest on -n's (tiered's
 * ideal placement).
 *
 * Each report line is "key=value" pairs: elapsed seconds, operations per
 * second, the share of pages on the worker's node (move_pages(2) queries)
 * and the access-weighted local share: each page weighted by how often
 * the workload touched it during the interval, which it counts itself;
 * the share of the hot pages (skewed, tiered) on the worker's node; last,
 * the operations done since the start.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/mempolicy.h>

#include "numa_util.h"

#define PAGE_SIZE_4K	4096UL
#define THP_SIZE	(2UL << 20)
/* move_pages(2) is asked about at most this many pages per report. */
#define MAX_QUERY	16384

enum mode { UNIFORM, SKEWED, SHARED, THP, TIERED };

struct options {
	enum mode mode;
	struct numa_run run;
	int cpu;			/* worker CPU (its node is "local") */
	int hot_local;			/* -L: hot pages start on the worker's node */
	int hot_percent;		/* skewed: share of pages that are hot */
	int hot_share;			/* skewed: share of accesses they take */
};

struct worker {
	char *buf;
	unsigned long nr_pages;
	unsigned long first, last;	/* the pages this worker favours */
	int local_node;
	uint32_t *touches;		/* per page, this interval */
	void **query_pages;
	int *query_status;
	unsigned long *query_index;
	unsigned long nr_query;
	int hot_set;			/* [first, last] are skewed's hot pages */
	uint64_t rng;
	double end;			/* when the run stops, even mid-pass */
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static uint64_t next_random(uint64_t *state)
{
	/* xorshift64*: cheap, and good enough to pick pages. */
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 0x2545f4914f6cdd1dULL;
}

/* The hot pages of skewed and tiered, [*first, *last], in the middle. */
static void hot_range(const struct options *o, unsigned long *first,
		      unsigned long *last)
{
	unsigned long nr = o->run.size / PAGE_SIZE_4K;
	unsigned long hot = nr * o->hot_percent / 100;

	*first = (nr - hot) / 2;
	*last = *first + (hot ? hot - 1 : 0);
}

static char *place_buffer(const struct options *o, int shared)
{
	int flags = (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS;
	unsigned long len = o->run.size + (o->mode == THP ? THP_SIZE : 0);
	char *buf;

	buf = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (buf == MAP_FAILED) {
		perror("numa-workload: mmap");
		exit(1);
	}
	if (o->mode == THP) {
		buf = (char *)(((uintptr_t)buf + THP_SIZE - 1) & ~(THP_SIZE - 1));
		if (madvise(buf, o->run.size, MADV_HUGEPAGE))
			perror("numa-workload: madvise(MADV_HUGEPAGE)");
	} else {
		madvise(buf, o->run.size, MADV_NOHUGEPAGE);
	}
	if (o->hot_local) {
		unsigned long first, last;

		hot_range(o, &first, &last);
		first_touch(buf, o->run.size, o->run.mem_node);
		/* Where first touch would have put them, had they been hot first. */
		if (syscall(__NR_mbind, buf + first * PAGE_SIZE_4K,
			    (last - first + 1) * PAGE_SIZE_4K, MPOL_BIND,
			    &(unsigned long){ 1UL << node_of_cpu(o->cpu) }, 64,
			    MPOL_MF_MOVE | MPOL_MF_STRICT) ||
		    syscall(__NR_mbind, buf + first * PAGE_SIZE_4K,
			    (last - first + 1) * PAGE_SIZE_4K, MPOL_DEFAULT,
			    NULL, 0, 0)) {
			perror("numa-workload: mbind (-L)");
			exit(1);
		}
	} else if (o->run.mem_node != LOCAL_NODE) {
		first_touch(buf, o->run.size, o->run.mem_node);
	} else if (shared) {
		/* Each half where the process favouring it runs (see main()). */
		first_touch(buf, o->run.size / 2, node_of_cpu(o->cpu));
		first_touch(buf + o->run.size / 2, o->run.size / 2, node_of_cpu(!o->cpu));
	} else {
		first_touch(buf, o->run.size, node_of_cpu(o->cpu));
	}
	return buf;
}

static void worker_init(struct worker *w, char *buf, const struct options *o,
			unsigned long first, unsigned long last)
{
	unsigned long i, step;

	w->buf = buf;
	w->nr_pages = o->run.size / PAGE_SIZE_4K;
	w->first = first;
	w->last = last;
	w->hot_set = 0;
	w->local_node = node_of_cpu(o->cpu);
	w->touches = calloc(w->nr_pages, sizeof(*w->touches));
	w->nr_query = w->nr_pages < MAX_QUERY ? w->nr_pages : MAX_QUERY;
	w->query_pages = calloc(w->nr_query, sizeof(*w->query_pages));
	w->query_status = calloc(w->nr_query, sizeof(*w->query_status));
	w->query_index = calloc(w->nr_query, sizeof(*w->query_index));
	if (!w->touches || !w->query_pages || !w->query_status || !w->query_index) {
		fprintf(stderr, "numa-workload: out of memory\n");
		exit(1);
	}
	/* Query an even spread of pages when there are too many to ask. */
	step = w->nr_pages / w->nr_query;
	for (i = 0; i < w->nr_query; i++) {
		w->query_index[i] = i * step;
		w->query_pages[i] = buf + i * step * PAGE_SIZE_4K;
	}
	w->rng = 0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid();
}

/*
 * Touch one cache line of every 4 KiB page in [first, last]; one op each.
 * A pass can take seconds while NUMA balancing works on it: look at the
 * clock every 256 pages so that every run lasts the seconds asked for.
 */
static unsigned long stream(struct worker *w, unsigned long first,
			    unsigned long last)
{
	unsigned long p, line = (w->rng >> 7) & 63;

	for (p = first; p <= last && !stop; p++) {
		volatile uint64_t *word;

		if ((p & 255) == 0 && now() >= w->end)
			break;
		word = (uint64_t *)(w->buf + p * PAGE_SIZE_4K + line * 64);
		*word += 1;
		w->touches[p]++;
	}
	w->rng = next_random(&w->rng);
	return p - first;
}

/* Random pages: hot_share% of them from the favoured range. */
static unsigned long skewed(struct worker *w, const struct options *o,
			    unsigned long nr)
{
	unsigned long hot = w->last - w->first + 1, i, p;

	for (i = 0; i < nr; i++) {
		uint64_t r = next_random(&w->rng);
		volatile uint64_t *word;

		if ((int)(r % 100) < o->hot_share)
			p = w->first + (r >> 8) % hot;
		else
			p = (r >> 8) % w->nr_pages;
		word = (uint64_t *)(w->buf + p * PAGE_SIZE_4K + ((r >> 40) & 63) * 64);
		*word += 1;
		w->touches[p]++;
	}
	return nr;
}

static void report(struct worker *w, const struct options *o, double elapsed,
		   double ops_per_s, unsigned long total_ops)
{
	unsigned long i, local = 0, known = 0, hot = 0, hot_local = 0;
	uint64_t weight = 0, local_weight = 0;
	struct rusage ru;

	if (syscall(__NR_move_pages, 0, w->nr_query, w->query_pages, NULL,
		    w->query_status, 0)) {
		perror("numa-workload: move_pages");
		exit(1);
	}
	for (i = 0; i < w->nr_query; i++) {
		int node = w->query_status[i];
		unsigned long p = w->query_index[i];
		unsigned long end = i + 1 < w->nr_query ? w->query_index[i + 1] : w->nr_pages;
		uint64_t touched = 0;

		/* A queried page stands for the pages up to the next one. */
		for (; p < end; p++) {
			touched += w->touches[p];
			w->touches[p] = 0;
		}
		if (node < 0)
			continue;
		known++;
		if (w->hot_set && w->query_index[i] >= w->first &&
		    w->query_index[i] <= w->last) {
			hot++;
			hot_local += node == w->local_node;
		}
		weight += touched;
		if (node == w->local_node) {
			local++;
			local_weight += touched;
		}
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("%s elapsed=%.2f ops_per_s=%.0f page_local=%.1f weighted_local=%.1f hot_local=%.1f stime=%.3f utime=%.3f ops=%lu\n",
	       o->run.label, elapsed, ops_per_s,
	       known ? 100.0 * local / known : 0.0,
	       weight ? 100.0 * local_weight / weight : 0.0,
	       hot ? 100.0 * hot_local / hot : 0.0,
	       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6,
	       ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6, total_ops);
	fflush(stdout);
}

static void run(struct worker *w, const struct options *o)
{
	double start = now(), last = start, t;
	unsigned long ops = 0, total_ops = 0;

	pin_to_cpu(o->cpu);
	w->end = start + o->run.seconds;
	while (!stop) {
		switch (o->mode) {
		case SKEWED:
		case TIERED:
			ops += skewed(w, o, 4096);
			break;
		case SHARED:
			/* 90% of the passes over its own half, 10% over all. */
			if (next_random(&w->rng) % 10)
				ops += stream(w, w->first, w->last);
			else
				ops += stream(w, 0, w->nr_pages - 1);
			break;
		default:
			ops += stream(w, 0, w->nr_pages - 1);
		}
		t = now();
		/* The last report closes the run: every operation is counted. */
		if (t - last >= o->run.interval || t - start >= o->run.seconds) {
			total_ops += ops;
			report(w, o, t - start, ops / (t - last), total_ops);
			ops = 0;
			last = t;
		}
		if (t - start >= o->run.seconds)
			break;
	}
}

static void usage(void)
{
	fprintf(stderr,
		"usage: numa-workload [-m uniform|skewed|shared|thp|tiered] [-s MiB] [-c CPU]\n"
		"                     [-n MEM_NODE|local] [-L] [-t SECONDS] [-i INTERVAL]\n"
		"                     [-H HOT_PERCENT] [-S HOT_SHARE] [-l LABEL]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct options o = {
		.mode = UNIFORM, .cpu = 0, .hot_percent = 10, .hot_share = 90,
		.run = { .size = 64UL << 20, .mem_node = 1, .seconds = 10,
			 .interval = 1, .label = "numa-workload" },
	};
	struct worker w;
	char *buf;
	int c;

	int hot_percent = 0;

	while ((c = getopt(argc, argv, "m:s:c:n:t:i:H:S:l:L")) != -1) {
		if (numa_run_option(&o.run, c, optarg))
			continue;
		switch (c) {
		case 'm':
			if (!strcmp(optarg, "uniform"))
				o.mode = UNIFORM;
			else if (!strcmp(optarg, "skewed"))
				o.mode = SKEWED;
			else if (!strcmp(optarg, "shared"))
				o.mode = SHARED;
			else if (!strcmp(optarg, "thp"))
				o.mode = THP;
			else if (!strcmp(optarg, "tiered"))
				o.mode = TIERED;
			else
				usage();
			break;
		case 'c':
			o.cpu = atoi(optarg);
			break;
		case 'H':
			hot_percent = atoi(optarg);
			break;
		case 'L':
			o.hot_local = 1;
			break;
		case 'S':
			o.hot_share = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	/* tiered: a hot fifth unless -H says otherwise. */
	o.hot_percent = hot_percent ? hot_percent : o.mode == TIERED ? 20 : 10;
	if (o.hot_local && (o.mode != TIERED || o.run.mem_node == LOCAL_NODE))
		usage();
	if (!o.run.size || o.run.size % THP_SIZE || o.hot_percent <= 0 ||
	    o.hot_percent > 100 || o.hot_share < 0 || o.hot_share > 100 ||
	    o.run.interval <= 0 || o.run.seconds <= 0)
		usage();
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	/*
	 * On the worker's CPU before the first touch, in every placement: the
	 * benchmark compares placements, not where the setup happened to run.
	 */
	pin_to_cpu(o.cpu);

	if (o.mode == SHARED) {
		unsigned long half = o.run.size / PAGE_SIZE_4K / 2;
		pid_t child;

		buf = place_buffer(&o, 1);
		child = fork();
		if (child < 0) {
			perror("numa-workload: fork");
			return 1;
		}
		if (child == 0) {
			/* The partner: the other CPU, the other half. */
			char label[64];

			snprintf(label, sizeof(label), "%s.partner", o.run.label);
			o.run.label = strdup(label);
			o.cpu = !o.cpu;
			worker_init(&w, buf, &o, half, 2 * half - 1);
			run(&w, &o);
			return 0;
		}
		worker_init(&w, buf, &o, 0, half - 1);
		run(&w, &o);
		waitpid(child, NULL, 0);
		return 0;
	}

	buf = place_buffer(&o, 0);
	worker_init(&w, buf, &o, 0, 0);
	if (o.mode == SKEWED || o.mode == TIERED) {
		/* The hot pages sit in the middle, away from either end. */
		hot_range(&o, &w.first, &w.last);
		w.hot_set = 1;
	}
	run(&w, &o);
	return 0;
}
