// SPDX-License-Identifier: GPL-2.0
/*
 * perf and mem_sampling share SPE at run time.  While mem_sampling runs:
 *  - a per-task perf SPE event on this process: mem_sampling pauses on
 *    the CPU while the event is scheduled (no mem_sampling records of this
 *    process), perf's AUX data is complete (no truncation, no lost data)
 *    and mem_sampling resumes after close;
 *  - a CPU-wide perf SPE event on CPU 1 while a strider runs there: the
 *    strider's mem_sampling records stop during the event and come back
 *    after close although the strider never leaves the CPU;
 *  - in NUMA sample mode, a task on a CPU whose SPE perf holds is not
 *    sampled, so NUMA balancing scans it as before: its remote pages move
 *    through hint faults, none through samples.
 * The AUX data and what a host check needs (buffer address, page frames,
 * pid) go to $OUTBOX/spe_perf/, where check-spe-perf decodes them with
 * perf's own SPE decoder (perf-spe-dump) and checks every record.
 */
#include "spe_util.h"

#include <linux/mempolicy.h>
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#define BUF_SIZE	0x100000UL
#define PASSES		50
#define DATA_PAGES	16
#define AUX_PAGES	1024

#define NUMAB		"/proc/sys/kernel/numa_balancing"
#define NUMAB_SAMPLING	"/proc/sys/kernel/numa_balancing_mem_sampling"
#define NUMAB_DEBUGFS	"/sys/kernel/debug/sched/numa_balancing/"
#define HOLDER_PAGES	64

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

static int spe_pmu_type(void)
{
	glob_t g;
	int type = -1;

	if (!glob("/sys/bus/event_source/devices/arm_spe_*/type", 0, NULL, &g)) {
		type = read_ll(g.gl_pathv[0]);
		globfree(&g);
	}
	return type;
}

static int session_open(struct spe_session *s, int type, pid_t pid, int cpu,
			long long period)
{
	long ps = sysconf(_SC_PAGESIZE);
	struct perf_event_attr attr = {
		.size = sizeof(attr),
		.type = type,
		/* As perf record -e arm_spe/pa_enable=1,jitter=1/ */
		.config = SPE_CONFIG_PA_ENABLE | SPE_CONFIG_JITTER,
		.sample_period = period,
		.exclude_kernel = 1,
		.exclude_hv = 1,
		.disabled = 1,
	};

	memset(s, 0, sizeof(*s));
	s->fd = syscall(__NR_perf_event_open, &attr, pid, cpu, -1, 0);
	if (s->fd < 0)
		return -errno;
	s->page = mmap(NULL, (1 + DATA_PAGES) * ps, PROT_READ | PROT_WRITE,
		       MAP_SHARED, s->fd, 0);
	if (s->page == MAP_FAILED)
		return -errno;
	s->aux_size = AUX_PAGES * ps;
	s->page->aux_offset = (1 + DATA_PAGES) * ps;
	s->page->aux_size = s->aux_size;
	s->aux = mmap(NULL, s->aux_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      s->fd, s->page->aux_offset);
	if (s->aux == MAP_FAILED)
		return -errno;
	return 0;
}

/*
 * Walk the PERF_RECORD_AUX records: copy the AUX data they cover to @path
 * and return their flags ORed, the byte count in *@bytes.
 */
static unsigned long long session_save(struct spe_session *s, const char *path,
				       size_t *bytes)
{
	long ps = sysconf(_SC_PAGESIZE);
	char *data = (char *)s->page + ps;
	size_t size = DATA_PAGES * ps;
	unsigned long long head = s->page->data_head, pos = 0, flags = 0;
	FILE *out = fopen(path, "w");

	__sync_synchronize();
	*bytes = 0;
	while (pos < head) {
		struct perf_event_header *h = (void *)(data + pos % size);

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

static void session_close(struct spe_session *s)
{
	long ps = sysconf(_SC_PAGESIZE);

	munmap(s->aux, s->aux_size);
	munmap(s->page, (1 + DATA_PAGES) * ps);
	close(s->fd);
}

static void write_meta(const char *path, pid_t pid, unsigned long base)
{
	long ps = sysconf(_SC_PAGESIZE);
	static __u64 pfns[BUF_SIZE / 4096];
	FILE *f = fopen(path, "w");
	size_t i;

	if (!f)
		return;
	read_pagemap(base, BUF_SIZE, pfns);
	fprintf(f, "pid %d\nbase %#lx\nsize %lu\npage_size %ld\n", pid, base,
		BUF_SIZE, ps);
	for (i = 0; i < BUF_SIZE / ps; i++)
		fprintf(f, "pfn %zu %#llx\n", i, (unsigned long long)pfns[i]);
	fclose(f);
}

struct pid_count {
	int pid;
	long n;
};

static void count_pid(const struct trace_rec *r, void *arg)
{
	struct pid_count *c = arg;

	c->n += r->pid == c->pid;
}

static long records_of(pid_t pid)
{
	struct pid_count c = { .pid = pid };

	trace_for_each(count_pid, &c);
	return c.n;
}

/*
 * Records wait in the SPE buffer until it fills or the task is switched
 * out: sleep a little so they reach the tracepoint before it is read.
 */
static void settle(void)
{
	usleep(20000);
}

static char outdir[PATH_MAX / 2];

static void test_task_event(int type, long long period)
{
	long long pauses = spe_read("stats/pauses");
	long long resumes = spe_read("stats/resumes");
	long long dp, dr;
	__u64 *buf = map_buffer(STRIDER_BASE, BUF_SIZE);
	long before, during, after;
	struct spe_session s;
	char path[PATH_MAX];
	unsigned long long flags;
	size_t bytes;
	int err;

	/* mem_sampling samples us... */
	trace_clear();
	trace_on(true);
	stride(buf, BUF_SIZE, PASSES);
	settle();
	trace_on(false);
	before = records_of(getpid());

	/* ...not while our perf event has the SPE... */
	err = session_open(&s, type, 0, -1, period);
	if (err) {
		ksft_test_result_fail("task event: perf_event_open/mmap: %s\n",
				      strerror(-err));
		return;
	}
	ioctl(s.fd, PERF_EVENT_IOC_ENABLE, 0);
	trace_clear();
	trace_on(true);
	stride(buf, BUF_SIZE, PASSES);
	settle();
	trace_on(false);
	ioctl(s.fd, PERF_EVENT_IOC_DISABLE, 0);
	during = records_of(getpid());

	snprintf(path, sizeof(path), "%s/task.aux", outdir);
	flags = session_save(&s, path, &bytes);
	snprintf(path, sizeof(path), "%s/task.meta", outdir);
	write_meta(path, getpid(), STRIDER_BASE);
	session_close(&s);

	/* ...and again after. */
	trace_clear();
	trace_on(true);
	stride(buf, BUF_SIZE, PASSES);
	settle();
	trace_on(false);
	after = records_of(getpid());

	dp = spe_read("stats/pauses") - pauses;
	dr = spe_read("stats/resumes") - resumes;
	ksft_print_msg("task event: recs %ld/%ld/%ld, AUX %zu B flags %#llx, %lld/%lld pauses\n",
		       before, during, after, bytes, flags, dp, dr);
	ksft_test_result(before > 0 && !during && after > 0 && bytes > 0 &&
			 !(flags & (PERF_AUX_FLAG_TRUNCATED |
				    PERF_AUX_FLAG_PARTIAL | RECORD_LOST_SEEN)) &&
			 dp >= 1 && dr == dp,
			 "task event: mem_sampling pauses for perf, perf's AUX data is complete, mem_sampling resumes\n");
	munmap(buf, BUF_SIZE);
}

static void test_cpu_event(int type, long long period)
{
	long long pauses = spe_read("stats/pauses");
	long long resumes = spe_read("stats/resumes");
	int *go = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	long before, during, after;
	unsigned long long flags;
	struct spe_session s;
	char path[PATH_MAX];
	size_t bytes;
	pid_t pid;
	int err;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		ksft_test_result_skip("cpu event: needs 2 CPUs\n");
		return;
	}
	*go = 0;
	pid = fork();
	if (!pid) {
		__u64 *buf;

		pin_to_cpu(1);
		buf = map_buffer(OTHER_BASE, BUF_SIZE);
		__atomic_store_n(go, 1, __ATOMIC_RELEASE);
		for (;;)
			stride(buf, BUF_SIZE, 1);
	}
	while (!__atomic_load_n(go, __ATOMIC_ACQUIRE))
		usleep(1000);
	usleep(100000);

	trace_clear();
	trace_on(true);
	usleep(300000);
	trace_on(false);
	before = records_of(pid);

	err = session_open(&s, type, -1, 1, period);
	if (err) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		ksft_test_result_fail("cpu event: perf_event_open/mmap: %s\n",
				      strerror(-err));
		return;
	}
	ioctl(s.fd, PERF_EVENT_IOC_ENABLE, 0);
	trace_clear();
	trace_on(true);
	usleep(300000);
	trace_on(false);
	ioctl(s.fd, PERF_EVENT_IOC_DISABLE, 0);
	during = records_of(pid);
	snprintf(path, sizeof(path), "%s/cpu.aux", outdir);
	flags = session_save(&s, path, &bytes);
	session_close(&s);

	/* The strider never left CPU 1: sampling resumed by itself. */
	trace_clear();
	trace_on(true);
	usleep(300000);
	trace_on(false);
	after = records_of(pid);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);

	ksft_print_msg("cpu event: recs %ld/%ld/%ld, AUX %zu B flags %#llx, %lld/%lld pauses\n",
		       before, during, after, bytes, flags,
		       spe_read("stats/pauses") - pauses,
		       spe_read("stats/resumes") - resumes);
	ksft_test_result(before > 0 && !during && after > 0 && bytes > 0 &&
			 spe_read("stats/pauses") - pauses >= 1 &&
			 spe_read("stats/resumes") - resumes ==
			 spe_read("stats/pauses") - pauses,
			 "cpu event: a CPU-wide perf event pauses mem_sampling there, it resumes by itself\n");
}

/* How many of the @nr pages at @buf are on @node (move_pages(2) query). */
static int pages_on_node(char *buf, int nr, int node)
{
	long ps = sysconf(_SC_PAGESIZE);
	void *pages[HOLDER_PAGES];
	int status[HOLDER_PAGES];
	int i, n = 0;

	for (i = 0; i < nr; i++)
		pages[i] = buf + i * ps;
	if (syscall(__NR_move_pages, 0, nr, pages, NULL, status, 0))
		return -1;
	for (i = 0; i < nr; i++)
		n += status[i] == node;
	return n;
}

/*
 * On CPU 1 (node 1), pages placed on node 0, touched until all are on
 * node 1 or @seconds pass.  Exit status 0: they all moved.
 */
static int remote_toucher(int seconds)
{
	long ps = sysconf(_SC_PAGESIZE);
	unsigned long node0 = 1;
	double start;
	char *buf;
	int i;

	pin_to_cpu(1);
	buf = mmap(NULL, HOLDER_PAGES * ps, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED ||
	    syscall(__NR_mbind, buf, HOLDER_PAGES * ps, MPOL_BIND, &node0,
		    sizeof(node0) * 8, 0))
		return 2;
	memset(buf, 1, HOLDER_PAGES * ps);
	if (syscall(__NR_mbind, buf, HOLDER_PAGES * ps, MPOL_DEFAULT, NULL, 0, 0) ||
	    pages_on_node(buf, HOLDER_PAGES, 0) != HOLDER_PAGES)
		return 2;
	start = now();
	while (now() - start < seconds) {
		for (i = 0; i < HOLDER_PAGES; i++)
			buf[i * ps]++;
		if (pages_on_node(buf, HOLDER_PAGES, 1) == HOLDER_PAGES)
			return 0;
	}
	return 1;
}

static void test_holder_scanned(int type, long long period)
{
	char numab[32], mode[32], delay[32], period_min[32];
	long long faults, migrated;
	struct spe_session s;
	int err, status = -1;
	pid_t pid;

	if (read_str(NUMAB_SAMPLING, mode, sizeof(mode)) ||
	    read_str(NUMAB_DEBUGFS "scan_delay_ms", delay, sizeof(delay))) {
		ksft_test_result_skip("perf holder: no NUMA sample mode or debugfs\n");
		return;
	}
	read_str(NUMAB, numab, sizeof(numab));
	read_str(NUMAB_DEBUGFS "scan_period_min_ms", period_min, sizeof(period_min));
	err = session_open(&s, type, -1, 1, period);
	if (err) {
		ksft_test_result_fail("perf holder: perf_event_open/mmap: %s\n",
				      strerror(-err));
		return;
	}
	write_str(NUMAB, "1");
	write_str(NUMAB_SAMPLING, "1");
	write_str(NUMAB_DEBUGFS "scan_delay_ms", "100");
	write_str(NUMAB_DEBUGFS "scan_period_min_ms", "100");
	ioctl(s.fd, PERF_EVENT_IOC_ENABLE, 0);
	faults = vmstat_read("numa_hint_faults");
	migrated = vmstat_read("numa_sampling_pages_migrated");

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(remote_toucher(60));
	if (pid > 0)
		waitpid(pid, &status, 0);
	faults = vmstat_read("numa_hint_faults") - faults;
	migrated = vmstat_read("numa_sampling_pages_migrated") - migrated;

	ioctl(s.fd, PERF_EVENT_IOC_DISABLE, 0);
	session_close(&s);
	write_str(NUMAB_DEBUGFS "scan_delay_ms", delay);
	write_str(NUMAB_DEBUGFS "scan_period_min_ms", period_min);
	write_str(NUMAB_SAMPLING, mode);
	write_str(NUMAB, numab);

	ksft_print_msg("perf holder: status %d, hint faults +%lld, sample migrations +%lld\n",
		       WIFEXITED(status) ? WEXITSTATUS(status) : -1, faults,
		       migrated);
	ksft_test_result(WIFEXITED(status) && !WEXITSTATUS(status) &&
			 faults >= HOLDER_PAGES && !migrated,
			 "perf holder: in sample mode, a task where perf holds SPE is scanned as before\n");
}

int main(void)
{
	const char *why = spe_unavailable();
	const char *outbox = getenv("OUTBOX");
	struct ms_saved saved;
	long long period;
	int splats, type;

	ksft_print_header();
	if (why)
		ksft_exit_skip("%s\n", why);
	type = spe_pmu_type();
	if (type < 0)
		ksft_exit_skip("no arm_spe perf PMU (CONFIG_ARM_SPE_PMU off?)\n");
	ksft_set_plan(4);

	snprintf(outdir, sizeof(outdir), "%s/spe_perf", outbox ? outbox : "/tmp");
	mkdir(outdir, 0755);
	pin_to_cpu(0);
	ms_save(&saved);
	period = spe_read("caps/min_interval");
	period = period > 4096 ? period : 4096;
	if (trace_setup(16384) || ms_write("interval", period) ||
	    ms_enable(true))
		ksft_exit_fail_msg("cannot set up mem_sampling and its tracepoint\n");
	splats = kernel_splats();

	test_task_event(type, period);
	test_cpu_event(type, period);
	test_holder_scanned(type, period);

	ms_restore(&saved);
	write_str(MS_EVENT "/enable", "0");
	ksft_test_result(kernel_splats() == splats,
			 "log: no warning, bug or buffer fault logged\n");
	ksft_finished();
}
