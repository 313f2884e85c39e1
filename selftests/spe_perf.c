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
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "../kselftest.h"
#include "spe_util.h"

#define BUF_SIZE	0x100000UL
#define PASSES		50

#define HOLDER_PAGES	64

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
	ms_trace_clear();
	ms_trace_on(true);
	stride(buf, BUF_SIZE, PASSES);
	settle();
	ms_trace_on(false);
	before = ms_trace_records_of(getpid());

	/* ...not while our perf event has the SPE... */
	err = session_open(&s, type, 0, -1, period);
	if (err) {
		ksft_test_result_fail("task event: perf_event_open/mmap: %s\n",
				      strerror(-err));
		return;
	}
	ioctl(s.fd, PERF_EVENT_IOC_ENABLE, 0);
	ms_trace_clear();
	ms_trace_on(true);
	stride(buf, BUF_SIZE, PASSES);
	settle();
	ms_trace_on(false);
	ioctl(s.fd, PERF_EVENT_IOC_DISABLE, 0);
	during = ms_trace_records_of(getpid());

	snprintf(path, sizeof(path), "%s/task.aux", outdir);
	flags = session_save(&s, path, &bytes);
	snprintf(path, sizeof(path), "%s/task.meta", outdir);
	write_meta(path, getpid(), STRIDER_BASE, BUF_SIZE);
	session_close(&s);

	/* ...and again after. */
	ms_trace_clear();
	ms_trace_on(true);
	stride(buf, BUF_SIZE, PASSES);
	settle();
	ms_trace_on(false);
	after = ms_trace_records_of(getpid());

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

		ms_pin_to_cpu(1);
		buf = map_buffer(OTHER_BASE, BUF_SIZE);
		__atomic_store_n(go, 1, __ATOMIC_RELEASE);
		for (;;)
			stride(buf, BUF_SIZE, 1);
	}
	while (!__atomic_load_n(go, __ATOMIC_ACQUIRE))
		usleep(1000);
	usleep(100000);

	ms_trace_clear();
	ms_trace_on(true);
	usleep(300000);
	ms_trace_on(false);
	before = ms_trace_records_of(pid);

	err = session_open(&s, type, -1, 1, period);
	if (err) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		ksft_test_result_fail("cpu event: perf_event_open/mmap: %s\n",
				      strerror(-err));
		return;
	}
	ioctl(s.fd, PERF_EVENT_IOC_ENABLE, 0);
	ms_trace_clear();
	ms_trace_on(true);
	usleep(300000);
	ms_trace_on(false);
	ioctl(s.fd, PERF_EVENT_IOC_DISABLE, 0);
	during = ms_trace_records_of(pid);
	snprintf(path, sizeof(path), "%s/cpu.aux", outdir);
	flags = session_save(&s, path, &bytes);
	session_close(&s);

	/* The strider never left CPU 1: sampling resumed by itself. */
	ms_trace_clear();
	ms_trace_on(true);
	usleep(300000);
	ms_trace_on(false);
	after = ms_trace_records_of(pid);
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

/*
 * On CPU 1 (node 1), pages placed on node 0, touched until all are on
 * node 1 or @seconds pass.  Exit status 0: they all moved.
 */
static int remote_toucher(int seconds)
{
	long ps = sysconf(_SC_PAGESIZE);
	double start;
	char *buf;
	int i;

	ms_pin_to_cpu(1);
	buf = mmap(NULL, HOLDER_PAGES * ps, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return 2;
	memset(buf, 1, HOLDER_PAGES * ps);
	if (ms_move_to_node(buf, HOLDER_PAGES, 0))
		return 2;
	start = ms_now();
	while (ms_now() - start < seconds) {
		for (i = 0; i < HOLDER_PAGES; i++)
			buf[i * ps]++;
		if (ms_pages_on_node(buf, HOLDER_PAGES, 1) == HOLDER_PAGES)
			return 0;
	}
	return 1;
}

/* Migrations by samples of @pid's pages in the trace buffer. */
static long sample_migrations_of(pid_t pid)
{
	char want[64];

	snprintf(want, sizeof(want), "numa_sampling_migrate: pid=%d ", pid);
	return ms_trace_count(want);
}

static void test_holder_scanned(int type, long long period)
{
	char numab[32], mode[32], delay[32], period_min[32];
	long long faults, migrated;
	struct spe_session s;
	int err, status = -1;
	long moved = -1;
	bool traced;
	pid_t pid;

	if (ms_read(MS_NUMA_SYSCTL, mode, sizeof(mode)) ||
	    ms_read(NUMAB_DEBUGFS "scan_delay_ms", delay, sizeof(delay))) {
		ksft_test_result_skip("perf holder: no NUMA sample mode or debugfs\n");
		return;
	}
	ms_read(NUMAB_SYSCTL, numab, sizeof(numab));
	ms_read(NUMAB_DEBUGFS "scan_period_min_ms", period_min, sizeof(period_min));
	err = session_open(&s, type, -1, 1, period);
	if (err) {
		ksft_test_result_fail("perf holder: perf_event_open/mmap: %s\n",
				      strerror(-err));
		return;
	}
	ms_write(NUMAB_SYSCTL, "1");
	ms_write(MS_NUMA_SYSCTL, "1");
	ms_write(NUMAB_DEBUGFS "scan_delay_ms", "100");
	ms_write(NUMAB_DEBUGFS "scan_period_min_ms", "100");
	/* Which pages samples moved, by pid: other tasks are sampled. */
	ms_write(MS_EVENT "enable", "0");
	traced = !ms_write(NUMA_MIGRATE_EVENT "enable", "1");
	ms_trace_clear();
	ms_trace_on(true);
	ioctl(s.fd, PERF_EVENT_IOC_ENABLE, 0);
	faults = ms_vmstat("numa_hint_faults");
	migrated = ms_vmstat("numa_sampling_pages_migrated");

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(remote_toucher(60));
	if (pid > 0 && waitpid(pid, &status, 0) == pid)
		moved = sample_migrations_of(pid);
	faults = ms_vmstat("numa_hint_faults") - faults;
	migrated = ms_vmstat("numa_sampling_pages_migrated") - migrated;
	ms_trace_on(false);
	ms_write(NUMA_MIGRATE_EVENT "enable", "0");
	ms_write(MS_EVENT "enable", "1");

	ioctl(s.fd, PERF_EVENT_IOC_DISABLE, 0);
	session_close(&s);
	ms_write(NUMAB_DEBUGFS "scan_delay_ms", delay);
	ms_write(NUMAB_DEBUGFS "scan_period_min_ms", period_min);
	ms_write(MS_NUMA_SYSCTL, mode);
	ms_write(NUMAB_SYSCTL, numab);

	if (!traced)
		ksft_print_msg("perf holder: no %s\n", NUMA_MIGRATE_EVENT);
	ksft_print_msg("perf holder: status %d, hint faults +%lld, by samples %ld, others +%lld\n",
		       WIFEXITED(status) ? WEXITSTATUS(status) : -1, faults,
		       moved, migrated - moved);
	ksft_test_result(WIFEXITED(status) && !WEXITSTATUS(status) &&
			 faults >= HOLDER_PAGES && traced && !moved,
			 "perf holder: in sample mode, a task where perf holds SPE is scanned as before\n");
}

int main(void)
{
	const char *why;
	const char *outbox = getenv("OUTBOX");
	struct ms_settings saved;
	long long period;
	int splats, type;

	ksft_print_header();
	why = spe_perf_unavailable(&type);
	if (why)
		ksft_exit_skip("%s\n", why);
	ksft_set_plan(4);

	snprintf(outdir, sizeof(outdir), "%s/spe_perf", outbox ? outbox : "/tmp");
	mkdir(outdir, 0755);
	if (ms_pin_to_cpu(0))
		ksft_exit_fail_msg("cannot run on CPU 0\n");
	ms_settings_save(&saved, spe_core_settings);
	period = spe_read("caps/min_interval");
	period = period > 4096 ? period : 4096;
	if (ms_write(MS_TRACING "buffer_size_kb", "16384") ||
	    ms_trace_only(MS_EVENT) ||
	    ms_write_long(MS_SYSFS "interval", period) ||
	    ms_write(MS_SYSFS "budget", "0") ||
	    ms_write(MS_SYSCTL, "1"))
		ksft_exit_fail_msg("cannot set up mem_sampling and its tracepoint\n");
	splats = ms_kernel_splats();

	test_task_event(type, period);
	test_cpu_event(type, period);
	test_holder_scanned(type, period);

	ms_settings_restore(&saved);
	ksft_test_result(ms_kernel_splats() == splats,
			 "log: no warning, bug or buffer fault logged\n");
	ksft_finished();
}
