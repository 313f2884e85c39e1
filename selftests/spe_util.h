/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the Arm SPE driver kselftests (spe_driver.c, spe_perf.c,
 * mem_sampling_stress.c): the driver's and the core's sysfs files, the
 * mem_sampling tracepoint, a load strider over a buffer at a chosen
 * address, /proc/self/pagemap, the kernel log and perf sessions on the
 * arm_spe PMU.
 *
 * It can be included after mem_sampling_util.h, whose ms_read(),
 * ms_write(), MS_SYSFS and MS_EVENT then take the place of the ones here
 * (paths built on them here work with either).
 */
#ifndef SPE_UTIL_H
#define SPE_UTIL_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <linux/types.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#include "../kselftest.h"

#define MS_ENABLE	"/proc/sys/kernel/mem_sampling_enable"
#define SPE_DRIVER_DIR	"/sys/bus/platform/drivers/arm_spe_mem_sampling"
#define TRACEFS		"/sys/kernel/tracing"
#ifndef MEM_SAMPLING_UTIL_H
#define MS_SYSFS	"/sys/kernel/mm/mem_sampling"
#define MS_EVENT	TRACEFS "/events/mem_sampling/mem_sampling_record"
#endif

/* mem_sampling_record.flags bits, from include/linux/mem_sampling.h. */
#define REC_VADDR_VALID		0x1
#define REC_PADDR_VALID		0x2

/* /proc/pid/pagemap: bits 0-54 of an entry are the page frame number. */
#define PAGEMAP_PFN_MASK	0x7fffffffffffffULL

/* Buffers of the processes under test live at fixed, distinct addresses. */
#define STRIDER_BASE	0x100000000000UL
#define OTHER_BASE	0x200000000000UL

static inline int read_str(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = 0;
	return 0;
}

/* Returns 0 or -errno of the open or the write. */
static inline int write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	ssize_t n;
	int err = 0;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	if (n < 0)
		err = -errno;
	close(fd);
	return err;
}

static inline long long read_ll(const char *path)
{
	char buf[64];

	if (read_str(path, buf, sizeof(buf)))
		return -1;
	return strtoll(buf, NULL, 0);
}

static inline int write_ll(const char *path, long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", v);
	return write_str(path, buf);
}

/* The driver's device directory (caps/, stats/), or NULL. */
static inline const char *spe_dir(void)
{
	static char dir[PATH_MAX];
	glob_t g;

	if (dir[0])
		return dir;
	if (glob(SPE_DRIVER_DIR "/*/stats", 0, NULL, &g) || !g.gl_pathc)
		return NULL;
	snprintf(dir, sizeof(dir), "%s", g.gl_pathv[0]);
	globfree(&g);
	*strrchr(dir, '/') = 0;
	return dir;
}

static inline long long spe_read(const char *file)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", spe_dir(), file);
	return read_ll(path);
}

#ifndef MEM_SAMPLING_UTIL_H
static inline long long ms_read(const char *file)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), MS_SYSFS "/%s", file);
	return read_ll(path);
}

static inline int ms_write(const char *file, long long v)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), MS_SYSFS "/%s", file);
	return write_ll(path, v);
}
#endif

static inline long long vmstat_read(const char *name)
{
	char line[256];
	long long v = -1;
	size_t n = strlen(name);
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, name, n) && line[n] == ' ') {
			v = strtoll(line + n + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

/* The core's tunables and switch, to leave them as the test found them. */
struct ms_saved {
	char interval[32], buffer_size[32], min_latency[32], op_filter[32];
	char paddr[32], enable[32];
};

static inline void ms_save(struct ms_saved *m)
{
	read_str(MS_SYSFS "/interval", m->interval, sizeof(m->interval));
	read_str(MS_SYSFS "/buffer_size", m->buffer_size, sizeof(m->buffer_size));
	read_str(MS_SYSFS "/min_latency", m->min_latency, sizeof(m->min_latency));
	read_str(MS_SYSFS "/op_filter", m->op_filter, sizeof(m->op_filter));
	read_str(MS_SYSFS "/paddr", m->paddr, sizeof(m->paddr));
	read_str(MS_ENABLE, m->enable, sizeof(m->enable));
}

static inline void ms_restore(const struct ms_saved *m)
{
	write_str(MS_ENABLE, "0");
	write_str(MS_SYSFS "/interval", m->interval);
	write_str(MS_SYSFS "/buffer_size", m->buffer_size);
	write_str(MS_SYSFS "/min_latency", m->min_latency);
	write_str(MS_SYSFS "/op_filter", m->op_filter);
	write_str(MS_SYSFS "/paddr", m->paddr);
	write_str(MS_ENABLE, m->enable);
}

/* Is the SPE driver the active mem_sampling provider?  Else a reason. */
static inline const char *spe_unavailable(void)
{
	char buf[64];

	if (geteuid())
		return "needs root";
	if (read_str(MS_SYSFS "/provider", buf, sizeof(buf)))
		return "no " MS_SYSFS " (CONFIG_MEM_SAMPLING off?)";
	if (!spe_dir())
		return "arm_spe_mem_sampling not bound (no SPE, kpti on, or perf bound it)";
	if (strcmp(buf, "arm_spe"))
		return "arm_spe is not the active provider";
	return NULL;
}

static inline int ms_enable(bool on)
{
	return write_str(MS_ENABLE, on ? "1" : "0");
}

static inline void pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		ksft_exit_fail_msg("sched_setaffinity(%d): %s\n", cpu,
				   strerror(errno));
}

static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A buffer of @size bytes at @base, faulted in, without huge pages. */
static inline __u64 *map_buffer(unsigned long base, size_t size)
{
	void *p = mmap((void *)base, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
		       -1, 0);

	if (p == MAP_FAILED || p != (void *)base)
		ksft_exit_fail_msg("mmap at %#lx: %s\n", base, strerror(errno));
	madvise(p, size, MADV_NOHUGEPAGE);
	memset(p, 0x5a, size);
	return p;
}

/* Load every cache line of the buffer, @passes times; returns a checksum. */
static inline __u64 stride(__u64 *buf, size_t size, long passes)
{
	size_t n = size / sizeof(*buf), i;
	__u64 sum = 0;
	long p;

	for (p = 0; p < passes; p++)
		for (i = 0; i < n; i += 8) {
			sum += buf[i];
			/* Keep every load: the compiler cannot see through. */
			asm volatile("" : "+r" (sum));
		}
	return sum;
}

/* Stride for about @seconds. */
static inline void stride_for(__u64 *buf, size_t size, double seconds)
{
	double end = now() + seconds;

	while (now() < end)
		stride(buf, size, 1);
}

/* Frame numbers of the pages of [base, base + size); 0 where unknown. */
static inline void read_pagemap(unsigned long base, size_t size, __u64 *pfns)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t i, n = size / page;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		ksft_exit_fail_msg("pagemap: %s\n", strerror(errno));
	for (i = 0; i < n; i++) {
		__u64 e = 0;

		if (pread(fd, &e, 8, (base / page + i) * 8) != 8)
			e = 0;
		/* Bit 63: present; bits 0-54: the frame number. */
		pfns[i] = (e >> 63) ? (e & PAGEMAP_PFN_MASK) : 0;
	}
	close(fd);
}

/* One mem_sampling:mem_sampling_record event from the trace. */
struct trace_rec {
	int pid, tid, cpu;
	unsigned long long vaddr, paddr, pc;
	unsigned int flags, events;
};

static inline int trace_setup(unsigned int buffer_kb)
{
	char buf[32];
	int err;

	snprintf(buf, sizeof(buf), "%u", buffer_kb);
	err = write_str(TRACEFS "/tracing_on", "0");
	if (!err)
		err = write_str(TRACEFS "/buffer_size_kb", buf);
	if (!err)
		err = write_str(MS_EVENT "/enable", "1");
	if (!err)
		err = write_str(TRACEFS "/trace", "");
	return err;
}

static inline void trace_on(bool on)
{
	write_str(TRACEFS "/tracing_on", on ? "1" : "0");
}

static inline void trace_clear(void)
{
	write_str(TRACEFS "/trace", "");
}

/* Calls @fn for every record in the trace buffer; returns how many. */
static inline long trace_for_each(void (*fn)(const struct trace_rec *r,
					     void *arg),
				  void *arg)
{
	FILE *f = fopen(TRACEFS "/trace", "r");
	char line[512];
	long n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		struct trace_rec r;
		char *p = strstr(line, "mem_sampling_record: ");

		if (!p)
			continue;
		if (sscanf(p,
			   "mem_sampling_record: pid=%d tid=%d cpu=%d vaddr=%llx paddr=%llx pc=%llx flags=%x events=%x",
			   &r.pid, &r.tid, &r.cpu, &r.vaddr, &r.paddr, &r.pc,
			   &r.flags, &r.events) != 8)
			continue;
		fn(&r, arg);
		n++;
	}
	fclose(f);
	return n;
}

/*
 * Number of kernel log lines that show a kernel problem.  Tests compare
 * it before and after: a splat anywhere in between fails them.
 */
static inline int kernel_splats(void)
{
	static const char * const bad[] = {
		"WARNING:", "BUG:", "Oops", "Unable to handle", "Call trace:",
		"rcu_sched self-detected", "INFO: task", "lockdep",
		"arm_spe_mem_sampling: buffer fault",
	};
	int len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *buf, *line, *save;
	int n, count = 0;
	size_t i;

	if (len <= 0)
		return 0;
	buf = malloc(len + 1);
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, len);
	if (n < 0) {
		free(buf);
		return 0;
	}
	buf[n] = 0;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		for (i = 0; i < ARRAY_SIZE(bad); i++)
			if (strstr(line, bad[i])) {
				count++;
				break;
			}
	free(buf);
	return count;
}

/* ------------------------------------------ perf's arm_spe PMU */

#define SPE_SESSION_DATA_PAGES	16
#define SPE_SESSION_AUX_PAGES	1024

/* The arm_spe PMU's format/ (see drivers/perf/arm_spe_pmu.c). */
#define SPE_CONFIG_PA_ENABLE	0x2ULL		/* config:1 */
#define SPE_CONFIG_JITTER	0x10000ULL	/* config:16 */

/* Not a PERF_AUX_FLAG_*: our mark for a PERF_RECORD_LOST seen. */
#define RECORD_LOST_SEEN	0x8000000000000000ULL

struct spe_session {
	int fd;
	struct perf_event_mmap_page *page;
	void *aux;
	size_t aux_size;
};

/* perf's type number of the arm_spe PMU, -1 without one. */
static inline int spe_pmu_type(void)
{
	glob_t g;
	int type = -1;

	if (!glob("/sys/bus/event_source/devices/arm_spe_*/type", 0, NULL, &g)) {
		type = read_ll(g.gl_pathv[0]);
		globfree(&g);
	}
	return type;
}

static inline void session_close(struct spe_session *s)
{
	long ps = sysconf(_SC_PAGESIZE);

	if (s->aux && s->aux != MAP_FAILED)
		munmap(s->aux, s->aux_size);
	if (s->page && s->page != MAP_FAILED)
		munmap(s->page, (1 + SPE_SESSION_DATA_PAGES) * ps);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->page = NULL;
	s->aux = NULL;
}

/*
 * An arm_spe event (as perf record -e arm_spe/pa_enable=1,jitter=1/) on
 * task @pid or CPU @cpu, disabled, with its data and AUX rings mapped.
 * 0, or -errno with nothing left open.
 */
static inline int session_open(struct spe_session *s, int type, pid_t pid,
			       int cpu, long long period)
{
	long ps = sysconf(_SC_PAGESIZE);
	struct perf_event_attr attr = {
		.size = sizeof(attr),
		.type = type,
		.config = SPE_CONFIG_PA_ENABLE | SPE_CONFIG_JITTER,
		.sample_period = period,
		.exclude_kernel = 1,
		.exclude_hv = 1,
		.disabled = 1,
	};
	int err;

	memset(s, 0, sizeof(*s));
	s->fd = syscall(__NR_perf_event_open, &attr, pid, cpu, -1, 0);
	if (s->fd < 0)
		return -errno;
	s->page = mmap(NULL, (1 + SPE_SESSION_DATA_PAGES) * ps,
		       PROT_READ | PROT_WRITE, MAP_SHARED, s->fd, 0);
	if (s->page == MAP_FAILED)
		goto fail;
	s->aux_size = SPE_SESSION_AUX_PAGES * ps;
	s->page->aux_offset = (1 + SPE_SESSION_DATA_PAGES) * ps;
	s->page->aux_size = s->aux_size;
	s->aux = mmap(NULL, s->aux_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      s->fd, s->page->aux_offset);
	if (s->aux == MAP_FAILED)
		goto fail;
	return 0;
fail:
	err = -errno;
	session_close(s);
	return err;
}

/*
 * Walk the PERF_RECORD_AUX records: copy the AUX data they cover to @path
 * (none if NULL) and return their flags ORed, the byte count in *@bytes.
 */
static inline unsigned long long session_save(struct spe_session *s,
					      const char *path, size_t *bytes)
{
	long ps = sysconf(_SC_PAGESIZE);
	char *data = (char *)s->page + ps;
	size_t size = SPE_SESSION_DATA_PAGES * ps;
	unsigned long long head = s->page->data_head, pos = 0, flags = 0;
	FILE *out = path ? fopen(path, "w") : NULL;

	__sync_synchronize();
	*bytes = 0;
	while (pos < head) {
		struct perf_event_header *h = (void *)(data + pos % size);

		if (!h->size)
			break;
		if (h->type == PERF_RECORD_AUX) {
			struct {
				struct perf_event_header h;
				__u64 offset, size, flags;
			} *aux = (void *)h;

			flags |= aux->flags;
			if (out && aux->size)
				fwrite((char *)s->aux + aux->offset % s->aux_size,
				       1, aux->size, out);
			*bytes += aux->size;
		} else if (h->type == PERF_RECORD_LOST) {
			flags |= RECORD_LOST_SEEN;
		}
		pos += h->size;
	}
	if (out)
		fclose(out);
	return flags;
}

/*
 * What the host check (scripts/check-spe-perf.py) needs to match the
 * records of a session with a buffer: the pid, the buffer and its frames.
 */
static inline void write_meta(const char *path, pid_t pid, unsigned long base,
			      size_t size)
{
	long ps = sysconf(_SC_PAGESIZE);
	__u64 *pfns = calloc(size / ps, sizeof(*pfns));
	FILE *f = fopen(path, "w");
	size_t i;

	if (f && pfns) {
		read_pagemap(base, size, pfns);
		fprintf(f, "pid %d\nbase %#lx\nsize %zu\npage_size %ld\n", pid,
			base, size, ps);
		for (i = 0; i < size / ps; i++)
			fprintf(f, "pfn %zu %#llx\n", i,
				(unsigned long long)pfns[i]);
	}
	if (f)
		fclose(f);
	free(pfns);
}

#endif /* SPE_UTIL_H */
