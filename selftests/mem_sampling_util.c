// SPDX-License-Identifier: GPL-2.0
/*
 * The helper library of the mem_sampling kselftests: see
 * mem_sampling_util.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "../kselftest.h"
#include "mem_sampling_util.h"

/* ------------------------------------------------ files */

int ms_write_bytes(const char *path, const void *buf, size_t len)
{
	ssize_t done;
	int fd, err = 0;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	done = write(fd, buf, len);
	if (done < 0)
		err = -errno;
	else if ((size_t)done != len)
		err = -EIO;
	close(fd);
	return err;
}

int ms_write(const char *path, const char *text)
{
	return ms_write_bytes(path, text, strlen(text));
}

int ms_write_long(const char *path, long long value)
{
	char text[32];

	snprintf(text, sizeof(text), "%lld", value);
	return ms_write(path, text);
}

int ms_read(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n = 0;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	/* Files like the trace come a chunk per read. */
	while (len < size - 1) {
		n = read(fd, buf + len, size - 1 - len);
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	if (n < 0)
		return -errno;
	buf[len] = '\0';
	while (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	return 0;
}

long long ms_read_long(const char *path)
{
	char buf[64];
	int err = ms_read(path, buf, sizeof(buf));

	return err ? err : strtoll(buf, NULL, 0);
}

int ms_settings_save(struct ms_settings *saved, const char * const *paths)
{
	saved->nr = 0;
	for (; *paths; paths++) {
		if (access(*paths, F_OK))
			continue;
		if (saved->nr == MS_SETTINGS_MAX)
			return -EINVAL;
		saved->file[saved->nr].path = *paths;
		if (ms_read(*paths, saved->file[saved->nr].value,
			    sizeof(saved->file[0].value)))
			continue;
		saved->nr++;
	}
	return 0;
}

int ms_settings_restore(const struct ms_settings *saved)
{
	char now[sizeof(saved->file[0].value)];
	int i, differ = 0;

	/* Sampling off first, so the others apply without it. */
	for (i = 0; i < saved->nr; i++)
		if (!strcmp(saved->file[i].path, MS_SYSCTL))
			ms_write(MS_SYSCTL, "0");
	for (i = saved->nr - 1; i >= 0; i--)
		ms_write(saved->file[i].path, saved->file[i].value);
	for (i = 0; i < saved->nr; i++) {
		if (!ms_read(saved->file[i].path, now, sizeof(now)) &&
		    !strcmp(now, saved->file[i].value))
			continue;
		ksft_print_msg("%s is %s, was %s\n", saved->file[i].path, now,
			       saved->file[i].value);
		differ++;
	}
	return differ;
}

/* ------------------------------------------------ vmstat counters */

long long ms_vmstat(const char *name)
{
	char key[128];
	long long value;
	long long found = -1;
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		return -1;
	while (fscanf(f, "%127s %lld", key, &value) == 2) {
		if (!strcmp(key, name)) {
			found = value;
			break;
		}
	}
	fclose(f);
	return found;
}

/* mm->numa_scan_seq of this process (/proc/self/sched), or -errno. */
long long ms_numa_scan_seq(void)
{
	static const char key[] = "mm->numa_scan_seq";
	char buf[8192], *line;
	int err;

	err = ms_read("/proc/self/sched", buf, sizeof(buf));
	if (err)
		return err;
	line = strstr(buf, key);
	if (!line || !strchr(line, ':'))
		return -ENOENT;
	return strtoll(strchr(line, ':') + 1, NULL, 10);
}

int ms_wait_numa_first_pass(void)
{
	struct timespec start, now;
	long long seq;

	clock_gettime(CLOCK_MONOTONIC, &start);
	/* Run, not sleep: the pass comes from a tick of this task. */
	while ((seq = ms_numa_scan_seq()) == 0) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > MS_NUMA_FIRST_PASS_S) {
			ksft_print_msg("no first balancing pass within %d s\n",
				       MS_NUMA_FIRST_PASS_S);
			return -ETIMEDOUT;
		}
	}
	if (seq < 0)
		ksft_print_msg("mm->numa_scan_seq: %s\n", strerror(-seq));
	return seq < 0 ? seq : 0;
}

const char * const ms_counter_names[VM_NR_COUNTERS] = {
	[VM_SAMPLES]		= "mem_sampling_samples",
	[VM_DROPPED]		= "mem_sampling_dropped",
	[VM_TRUNCATED]		= "mem_sampling_truncated",
	[VM_TRACE_HANDLED]	= "mem_sampling_trace_handled",
	[VM_QUEUED]		= "numa_sampling_samples_queued",
	[VM_NUMA_DROPPED]	= "numa_sampling_samples_dropped",
	[VM_USED]		= "numa_sampling_samples_used",
	[VM_LOCAL]		= "numa_sampling_samples_local",
	[VM_MIGRATED]		= "numa_sampling_pages_migrated",
	[VM_THP]		= "numa_sampling_thp_migrated",
	[VM_FAILED]		= "numa_sampling_migrate_failed",
	[VM_SKIP_INVALID]	= "numa_sampling_skip_invalid",
	[VM_SKIP_STALE]		= "numa_sampling_skip_stale",
	[VM_SKIP_LOCKED]	= "numa_sampling_skip_locked",
	[VM_SKIP_UNMAPPED]	= "numa_sampling_skip_unmapped",
	[VM_SKIP_VMA]		= "numa_sampling_skip_vma",
	[VM_SKIP_FOLIO]		= "numa_sampling_skip_folio",
	[VM_SKIP_PADDR]		= "numa_sampling_skip_paddr",
	[VM_SKIP_HINTED]	= "numa_sampling_skip_hinted",
	[VM_SKIP_NEW]		= "numa_sampling_skip_new",
	[VM_SCANS_REPLACED]	= "numa_sampling_scans_replaced",
	[VM_AROUND]		= "numa_sampling_pages_migrated_around",
	[VM_PROMOTED]		= "numa_sampling_pages_promoted",
	[VM_PROMOTE_FIRST]	= "numa_sampling_promote_first",
	[VM_PROMOTE_COLD]	= "numa_sampling_promote_cold",
	[VM_PROMOTE_REFUSED]	= "numa_sampling_promote_refused",
	[VM_PROMOTE_LOWMEM]	= "numa_sampling_promote_lowmem",
	[VM_PINGPONG]		= "pgdemote_pingpong",
	[VM_HINT_FAULTS]	= "numa_hint_faults",
	[VM_PTE_UPDATES]	= "numa_pte_updates",
};

int ms_counters_read(struct ms_counters *counters)
{
	char name[64];
	long long value;
	int i, found = 0;
	FILE *f;

	memset(counters, 0xff, sizeof(*counters));
	f = fopen("/proc/vmstat", "r");
	if (!f)
		return -errno;
	while (fscanf(f, "%63s %lld", name, &value) == 2) {
		for (i = 0; i < VM_NR_COUNTERS; i++) {
			if (!strcmp(name, ms_counter_names[i])) {
				counters->v[i] = value;
				found++;
			}
		}
	}
	fclose(f);
	return found == VM_NR_COUNTERS ? 0 : -ENOENT;
}

long long ms_counters_delta(const struct ms_counters *before,
			    enum ms_counter which)
{
	struct ms_counters now;

	ms_counters_read(&now);
	return now.v[which] - before->v[which];
}

bool ms_counters_moved_exactly(const struct ms_counters *before, ...)
{
	long long expect[VM_NR_COUNTERS] = { 0 };
	struct ms_counters after;
	bool ok = true;
	va_list ap;
	int i;

	va_start(ap, before);
	for (;;) {
		int which = va_arg(ap, int);

		if (which < 0 || which >= VM_NR_COUNTERS)
			break;
		expect[which] = va_arg(ap, long long);
	}
	va_end(ap);
	if (ms_counters_read(&after)) {
		ksft_print_msg("cannot read the /proc/vmstat counters\n");
		return false;
	}
	for (i = 0; i < VM_NR_COUNTERS; i++) {
		long long delta = after.v[i] - before->v[i];

		if (i == VM_SCANS_REPLACED || delta == expect[i])
			continue;
		ksft_print_msg("%s moved by %lld, expected %lld\n",
			       ms_counter_names[i], delta, expect[i]);
		ok = false;
	}
	return ok;
}

void ms_counters_log_moved(const struct ms_counters *before)
{
	struct ms_counters now;
	int i;

	ms_counters_read(&now);
	for (i = 0; i < VM_NR_COUNTERS; i++)
		if (now.v[i] != before->v[i])
			ksft_print_msg("  %s +%lld\n", ms_counter_names[i],
				       now.v[i] - before->v[i]);
}

/* ------------------------------------------------ processes */

int ms_set_mode(unsigned long mode)
{
	return prctl(PR_SET_MEM_SAMPLING, mode, 0, 0, 0) ? -errno : 0;
}

int ms_get_mode(void)
{
	int mode = prctl(PR_GET_MEM_SAMPLING, 0, 0, 0, 0);

	return mode < 0 ? -errno : mode;
}

int ms_become_nobody(void)
{
	if (setgroups(0, NULL) ||
	    setresgid(NOBODY_UID, NOBODY_UID, NOBODY_UID) ||
	    setresuid(NOBODY_UID, NOBODY_UID, NOBODY_UID))
		return -errno;
	return 0;
}

int ms_run_as_nobody(int (*fn)(void *arg), void *arg)
{
	int status, i;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		if (ms_become_nobody())
			_exit(MS_NOBODY_SETUP);
		if (geteuid() != NOBODY_UID || !access("/root", W_OK))
			_exit(MS_NOBODY_SETUP + 1);
		_exit(fn(arg));
	}
	for (i = 0; i < 3000; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

int ms_pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

int ms_this_node(void)
{
	unsigned int cpu, node;

	if (syscall(__NR_getcpu, &cpu, &node, NULL))
		return -errno;
	return node;
}

double ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void ms_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int ms_inject(const char *fmt, ...)
{
	char text[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return ms_write(MS_INJECT, text);
}

/* ------------------------------------------------ memory */

int ms_move_to_node(void *buf, int nr, int node)
{
	long page = sysconf(_SC_PAGESIZE);
	void *pages[nr];
	int nodes[nr], status[nr], i;

	for (i = 0; i < nr; i++) {
		pages[i] = (char *)buf + (long)i * page;
		nodes[i] = node;
	}
	if (syscall(__NR_move_pages, 0, nr, pages, nodes, status, 0))
		return -errno;
	for (i = 0; i < nr; i++)
		if (status[i] != node)
			return status[i] < 0 ? status[i] : -EBUSY;
	return 0;
}

int ms_pages_on_node(void *buf, int nr, int node)
{
	long page = sysconf(_SC_PAGESIZE);
	void *pages[nr];
	int status[nr], i, n = 0;

	for (i = 0; i < nr; i++)
		pages[i] = (char *)buf + (long)i * page;
	if (syscall(__NR_move_pages, 0, nr, pages, NULL, status, 0))
		return -errno;
	for (i = 0; i < nr; i++)
		n += status[i] == node;
	return n;
}

int ms_node_of(pid_t pid, void *addr)
{
	int status = -1;

	if (syscall(__NR_move_pages, pid, 1, &addr, NULL, &status, 0))
		return -errno;
	return status;
}

int ms_pagemap_of(pid_t pid, unsigned long base, size_t size,
		  unsigned long long *pfns)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t i, n = size / page, len = n * sizeof(*pfns);
	char path[64];
	int fd;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/pagemap");
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	/* The entries of the whole range at once, decoded in place. */
	if (pread(fd, pfns, len, base / page * sizeof(*pfns)) != (ssize_t)len)
		memset(pfns, 0, len);
	close(fd);
	for (i = 0; i < n; i++)
		/* Bit 63: present; bits 0-54: the frame number. */
		pfns[i] = (pfns[i] >> 63) ? pfns[i] & ((1ULL << 55) - 1) : 0;
	return 0;
}

int ms_pagemap(unsigned long base, size_t size, unsigned long long *pfns)
{
	return ms_pagemap_of(0, base, size, pfns);
}

unsigned long long ms_pfn_of(const void *addr)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned long long pfn = 0;

	ms_pagemap((unsigned long)addr & ~(page - 1), page, &pfn);
	return pfn;
}

unsigned long long ms_paddr_of(const void *addr)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned long long pfn = ms_pfn_of(addr);

	return pfn ? pfn * page + ((unsigned long)addr & (page - 1)) : 0;
}

void ms_lru_drain(void *addr, size_t len)
{
	if (!mlock(addr, len))
		munlock(addr, len);
}

/* ------------------------------------------------ tracing, kernel log */

int ms_trace_on(bool on)
{
	return ms_write(MS_TRACING "tracing_on", on ? "1" : "0");
}

int ms_trace_only(const char *event_dir)
{
	char enable[256];
	int err;

	snprintf(enable, sizeof(enable), "%senable", event_dir);
	err = ms_trace_on(false);
	if (!err)
		err = ms_write(MS_TRACING "events/enable", "0");
	if (!err)
		err = ms_trace_clear();
	if (!err)
		err = ms_write(enable, "1");
	return err;
}

int ms_trace_clear(void)
{
	int fd = open(MS_TRACING "trace", O_WRONLY | O_TRUNC);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

int ms_trace_count(const char *text)
{
	static char trace[1 << 20];
	const char *p = trace;
	int err, n = 0;

	err = ms_read(MS_TRACING "trace", trace, sizeof(trace));
	if (err)
		return err;
	while ((p = strstr(p, text))) {
		n++;
		p += strlen(text);
	}
	return n;
}

long ms_trace_visit_records(void (*fn)(const struct ms_trace_record *record, void *arg),
			    void *arg)
{
	FILE *f = fopen(MS_TRACING "trace", "r");
	char line[512];
	long n = 0;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		struct ms_trace_record r;
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

struct records_of {
	pid_t pid;
	long n;
};

static void count_records_of(const struct ms_trace_record *record, void *arg)
{
	struct records_of *c = arg;

	c->n += record->pid == c->pid;
}

long ms_trace_records_of(pid_t pid)
{
	struct records_of c = { .pid = pid };

	ms_trace_visit_records(count_records_of, &c);
	return c.n;
}

int ms_kernel_splats(void)
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
	if (!buf)
		return 0;
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
