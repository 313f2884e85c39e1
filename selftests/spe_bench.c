// SPDX-License-Identifier: GPL-2.0
/*
 * Cost of the QEMU SPE model, measured in the guest: the same memory-bound
 * loop with no SPE session and with an arm_spe perf session at the PMU's
 * minimum interval, alternated REPS times; prints the fastest time of each
 * (the run least disturbed by other load on the host) and their ratio as
 * one line of key=value pairs.  Not a kselftest: `make
 * bench-qemu` runs it in its own guest plan.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <linux/types.h>

#define PMU_DIR		"/sys/bus/event_source/devices/arm_spe_0"
#define BUF_LEN		(16UL << 20)
#define PASSES		8
#define REPS		11
#define AUX_PAGES	8192	/* 32 MiB: every record of every run fits */

static int read_long(const char *path, long *value)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -1;
	ok = fscanf(f, "%ld", value) == 1;
	fclose(f);
	return ok ? 0 : -1;
}

/*
 * A load, a store and the loop's branch per iteration, over the whole
 * buffer a cache line apart.
 */
static __u64 __attribute__((noinline)) workload(__u64 *buf)
{
	const size_t words = BUF_LEN / sizeof(*buf);
	__u64 sum = 0;
	size_t i;
	int pass;

	for (pass = 0; pass < PASSES; pass++) {
		for (i = 0; i < words; i += 8) {
			sum += buf[i];
			buf[i + 1] = sum;
		}
	}
	return sum;
}

static double run_once(__u64 *buf, __u64 *sink)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	*sink += workload(buf);
	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE), type, min_interval;
	double off[REPS], on[REPS];
	struct perf_event_mmap_page *pc;
	struct perf_event_attr attr;
	__u64 *buf, sink = 0;
	cpu_set_t cpus;
	void *aux;
	int fd, i;

	buf = mmap(NULL, BUF_LEN, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (buf == MAP_FAILED)
		return 1;
	if (read_long(PMU_DIR "/type", &type) ||
	    read_long(PMU_DIR "/caps/min_interval", &min_interval)) {
		/* No SPE (e.g. a stock QEMU): time the loop alone, for comparison. */
		run_once(buf, &sink);
		for (i = 0; i < REPS; i++)
			off[i] = run_once(buf, &sink);
		qsort(off, REPS, sizeof(double), cmp_double);
		printf("spe_bench: interval=none spe_off_ms=%.1f sink=%llu\n",
		       off[0], (unsigned long long)sink);
		return 0;
	}
	/* An interval may be given to separate per-operation from per-sample cost. */
	if (argc > 1)
		min_interval = strtol(argv[1], NULL, 0);
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = type;
	attr.sample_period = min_interval;
	attr.config = 1ULL << 1;	/* pa_enable */
	attr.disabled = 1;
	attr.exclude_kernel = 1;
	attr.exclude_hv = 1;
	fd = syscall(__NR_perf_event_open, &attr, 0, -1, -1, 0);
	if (fd < 0) {
		printf("spe_bench: error=perf_event_open-%d\n", errno);
		return 1;
	}
	pc = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (pc == MAP_FAILED)
		return 1;
	pc->aux_offset = 2 * page;
	pc->aux_size = (__u64)AUX_PAGES * page;
	/*
	 * Writable AUX mapping: aux_head counts every byte written, and the
	 * buffer is large enough that sampling never stops for lack of room.
	 */
	aux = mmap(NULL, pc->aux_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   pc->aux_offset);
	if (aux == MAP_FAILED)
		return 1;

	run_once(buf, &sink);		/* warm up: translation, TLB */
	for (i = 0; i < REPS; i++) {
		off[i] = run_once(buf, &sink);
		ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
		on[i] = run_once(buf, &sink);
		ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
	}
	qsort(off, REPS, sizeof(double), cmp_double);
	qsort(on, REPS, sizeof(double), cmp_double);
	/* One line: make bench-qemu greps for it. */
	printf("spe_bench: interval=%ld iterations=%lu ",
	       min_interval, PASSES * (BUF_LEN / 64));
	printf("spe_off_ms=%.1f spe_on_ms=%.1f ratio=%.2f ",
	       off[0], on[0], on[0] / off[0]);
	printf("aux_bytes=%llu sink=%llu\n",
	       (unsigned long long)pc->aux_head, (unsigned long long)sink);
	return 0;
}
