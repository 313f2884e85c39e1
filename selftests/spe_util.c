// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers of the Arm SPE kselftests: see spe_util.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "../kselftest.h"
#include "spe_util.h"

const char * const spe_core_settings[] = {
	MS_SYSCTL, MS_SYSFS "interval", MS_SYSFS "buffer_size",
	MS_SYSFS "min_latency", MS_SYSFS "op_filter", MS_SYSFS "event_filter",
	MS_SYSFS "paddr", MS_SYSFS "budget", MS_EVENT "enable",
	MS_TRACING "tracing_on", NULL,
};

const char *spe_dir(void)
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

long long spe_read(const char *file)
{
	char path[PATH_MAX + 64];

	if (!spe_dir())
		return -ENODEV;
	snprintf(path, sizeof(path), "%s/%s", spe_dir(), file);
	return ms_read_long(path);
}

const char *spe_unavailable(void)
{
	char buf[64];

	if (geteuid())
		return "needs root";
	if (ms_read(MS_SYSFS "provider", buf, sizeof(buf)))
		return "no " MS_SYSFS " (CONFIG_MEM_SAMPLING off?)";
	if (!spe_dir())
		return "arm_spe_mem_sampling not bound (no SPE, kpti on, or perf bound it)";
	if (strcmp(buf, "arm_spe"))
		return "arm_spe is not the active provider";
	return NULL;
}

__u64 *map_buffer(unsigned long base, size_t size)
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

__u64 stride(__u64 *buf, size_t size, long passes)
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

void stride_for(__u64 *buf, size_t size, double seconds)
{
	double end = ms_now() + seconds;

	while (ms_now() < end)
		stride(buf, size, 1);
}

/* ------------------------------------------ perf's arm_spe PMU */

int spe_pmu_type(void)
{
	glob_t g;
	int type = -1;

	if (!glob("/sys/bus/event_source/devices/arm_spe_*/type", 0, NULL, &g)) {
		type = ms_read_long(g.gl_pathv[0]);
		globfree(&g);
	}
	return type;
}

const char *spe_perf_unavailable(int *type)
{
	const char *why = spe_unavailable();

	if (why)
		return why;
	*type = spe_pmu_type();
	if (*type < 0)
		return "no arm_spe perf PMU (CONFIG_ARM_SPE_PMU off?)";
	return NULL;
}

void session_close(struct spe_session *s)
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

int session_open(struct spe_session *s, int type, pid_t pid, int cpu,
		 long long period)
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

/* @len bytes at @pos of the ring @ring of @size bytes, wrapping around. */
static void ring_copy(void *to, const char *ring, __u64 size, __u64 pos,
		      size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		((char *)to)[i] = ring[(pos + i) % size];
}

int spe_aux_records_visit(struct perf_event_mmap_page *pc, size_t data_size,
			  void (*fn)(const struct spe_aux_record *rec,
				     void *arg),
			  void *arg, bool *lost)
{
	const char *ring = (const char *)pc + sysconf(_SC_PAGESIZE);
	__u64 head = __atomic_load_n(&pc->data_head, __ATOMIC_ACQUIRE);
	__u64 pos = pc->data_tail;
	int records = 0;

	while (pos + sizeof(struct perf_event_header) <= head) {
		struct perf_event_header hdr;
		struct {
			struct perf_event_header hdr;
			struct spe_aux_record aux;
		} rec;

		ring_copy(&hdr, ring, data_size, pos, sizeof(hdr));
		if (hdr.size == 0)
			break;
		if (hdr.type == PERF_RECORD_AUX && hdr.size >= sizeof(rec)) {
			ring_copy(&rec, ring, data_size, pos, sizeof(rec));
			fn(&rec.aux, arg);
			records++;
		} else if (hdr.type == PERF_RECORD_LOST && lost) {
			*lost = true;
		}
		pos += hdr.size;
	}
	return records;
}

struct session_save_state {
	struct spe_session *s;
	FILE *out;
	unsigned long long flags;
	size_t bytes;
};

static void session_save_one(const struct spe_aux_record *rec, void *arg)
{
	struct session_save_state *st = arg;

	st->flags |= rec->flags;
	if (st->out && rec->size)
		fwrite((char *)st->s->aux + rec->offset % st->s->aux_size, 1,
		       rec->size, st->out);
	st->bytes += rec->size;
}

unsigned long long session_save(struct spe_session *s, const char *path,
				size_t *bytes)
{
	struct session_save_state st = {
		.s = s,
		.out = path ? fopen(path, "w") : NULL,
	};
	bool lost = false;

	spe_aux_records_visit(s->page, SPE_SESSION_DATA_PAGES *
			      sysconf(_SC_PAGESIZE), session_save_one, &st,
			      &lost);
	if (st.out)
		fclose(st.out);
	*bytes = st.bytes;
	return st.flags | (lost ? RECORD_LOST_SEEN : 0);
}

void write_meta(const char *path, pid_t pid, unsigned long base, size_t size)
{
	long ps = sysconf(_SC_PAGESIZE);
	unsigned long long *pfns = calloc(size / ps, sizeof(*pfns));
	FILE *f = fopen(path, "w");
	size_t i;

	if (f && pfns) {
		ms_pagemap(base, size, pfns);
		fprintf(f, "pid %d\nbase %#lx\nsize %zu\npage_size %ld\n", pid,
			base, size, ps);
		for (i = 0; i < size / ps; i++)
			fprintf(f, "pfn %zu %#llx\n", i, pfns[i]);
	}
	if (f)
		fclose(f);
	free(pfns);
}
