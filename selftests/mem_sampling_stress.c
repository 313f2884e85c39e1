// SPDX-License-Identifier: GPL-2.0
/*
 * Everything at once, for a bounded time (STRESS_SECONDS, default 90 s):
 * processes on node 0 touch memory on node 1 so samples are in flight and
 * pages migrate, while, in parallel,
 *  - kernel.mem_sampling_enable, kernel.numa_balancing_mem_sampling and
 *    kernel.numa_balancing (0, 1, 2) are toggled,
 *  - CPU 1 goes offline and online,
 *  - perf arm_spe events open and close, per task and per CPU,
 *  - short-lived children fork, exec and exit while sampled,
 *  - the tunables of /sys/kernel/mm/mem_sampling/ change,
 *  - a process flips its own prctl mode.
 * Then: every process came to an end within a deadline (no hang), the
 * vmstat counters never went down and their relations hold, the SPE
 * driver's counters agree with the core's, the settings are restored, a
 * fresh process in sample mode gets its remote pages migrated without one
 * hint fault, and a perf SPE session still produces complete AUX data
 * (left in $OUTBOX/mem_sampling_stress/ for the host check that decodes
 * it with perf's decoder).  Splats are caught by the harness's dmesg
 * scan, leaks by make test-debug's kmemleak scan.
 *
 * STRESS_SECONDS in the environment sets the duration; on the guest's
 * kernel command line (GUEST_APPEND="STRESS_SECONDS=30") the kernel hands
 * it to init, and so to every test, as an environment variable.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdarg.h>

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
#include <sys/syscall.h>
#include <sys/wait.h>

#include "../kselftest.h"
#include "spe_util.h"

#define DEFAULT_SECONDS	90
/* Generous: a debug kernel (KASAN, lockdep) is many times slower. */
#define STALL_SECONDS	60	/* an actor silent this long is stuck */
#define REAP_SECONDS	60	/* after the stop, to come to an end */
#define CHILD_SECONDS	30	/* for a short-lived child to be reaped */
#define WORK_PAGES	64
#define STRIDE_SIZE	0x100000UL

/* Report lines: the measured numbers. */
#define FRESH_FORMAT \
	"fresh process: %d/%d pages on node 0 after %.2f s; migrated by samples +%lld, hint faults +%lld, PTE updates +%lld, samples used +%lld\n"
#define PERF_FORMAT \
	"perf afterwards: task session %zu B flags %#llx, CPU session %zu B flags %#llx\n"
#define DRIVER_FORMAT \
	"driver %lld records (%lld truncated, %lld undecodable), %lld hand-overs to perf; core %lld samples, %lld dropped, %lld truncated\n"
#define NUMA_FORMAT \
	"NUMA: %lld queued, %lld dropped, %lld used (%lld local), %lld pages migrated by samples, %lld failed, %lld skipped, %lld invalid; %lld hint faults, %lld pages migrated by them\n"
#define TOGGLES_FORMAT \
	"toggles: %ld mem_sampling_enable, %ld numa_balancing_mem_sampling, %ld numa_balancing; CPU 1 %ld times offline, %ld online\n"
#define ACTIONS_FORMAT \
	"perf: %ld task and %ld CPU sessions (%ld refused while CPU 1 was offline), %llu AUX bytes; %ld forks, %ld execs; %ld tunable writes\n"
#define WORKLOADS_FORMAT \
	"workloads: %ld rounds of %d pages on node 1, %ld all brought home, %ld pages home\n"

/* ------------------------------------------------------------ actors */

enum actor {
	PINNED_WORKLOAD, ROAMING_WORKLOAD, TOGGLER, HOTPLUG, PERF, FORKER,
	TUNER, PRCTL, NR_ACTORS
};

static const char * const actor_names[NR_ACTORS] = {
	"workload on CPU 0", "workload on both CPUs", "sysctl toggler",
	"CPU 1 hotplug", "perf sessions", "fork/exec/exit", "tunables",
	"prctl flips",
};

/* Shared by the actors (children) and the monitor. */
struct shared {
	int stop;
	double beat[NR_ACTORS];		/* last sign of life */
	double slowest[NR_ACTORS];	/* longest single operation, s */
	long cycles[NR_ACTORS];
	long errors[NR_ACTORS];
	long enable_toggles, numa_toggles, numab_toggles;
	long offline, online;
	long task_sessions, cpu_sessions, cpu_offline_refused;
	unsigned long long aux_bytes;
	long forks, execs, children_hung;
	long tunable_writes;
	long rounds, converged, pages_home;
	char first_error[NR_ACTORS][128];
};

static struct shared *sh;
static char self_path[PATH_MAX];
static long page_size;

static bool stopping(void)
{
	return __atomic_load_n(&sh->stop, __ATOMIC_ACQUIRE);
}

static void beat(enum actor a)
{
	sh->beat[a] = ms_now();
}

static void failed(enum actor a, const char *fmt, ...)
{
	va_list ap;

	if (!sh->errors[a]++) {
		va_start(ap, fmt);
		vsnprintf(sh->first_error[a], sizeof(sh->first_error[a]), fmt, ap);
		va_end(ap);
	}
}

/* Write, timing it: the longest write of each actor is reported. */
static int timed_write(enum actor a, const char *path, const char *value)
{
	double t = ms_now();
	int err = ms_write(path, value);

	t = ms_now() - t;
	if (t > sh->slowest[a])
		sh->slowest[a] = t;
	if (err)
		failed(a, "%s <- %s: %s", path, value, strerror(-err));
	return err;
}

/*
 * Touch WORK_PAGES pages moved to node 1, from wherever we run, until
 * NUMA balancing has brought them all to our node (or 2 s); again with
 * fresh pages.
 */
static void workload(enum actor a, int cpu)
{
	while (!stopping()) {
		char *buf = mmap(NULL, WORK_PAGES * page_size,
				 PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		double end = ms_now() + 2;
		int i, round = 0, home = 0, node;

		if (buf == MAP_FAILED) {
			failed(a, "mmap: %s", strerror(errno));
			return;
		}
		madvise(buf, WORK_PAGES * page_size, MADV_NOHUGEPAGE);
		memset(buf, 1, WORK_PAGES * page_size);
		if (ms_move_to_node(buf, WORK_PAGES, 1))
			failed(a, "move_pages to node 1");
		while (ms_now() < end && !stopping()) {
			for (i = 0; i < WORK_PAGES; i++)
				buf[(long)i * page_size + (round & 63) * 64]++;
			if (++round % 64)
				continue;
			beat(a);
			node = cpu < 0 ? -1 : 0;
			if (node < 0) {
				unsigned int c, n;

				if (syscall(__NR_getcpu, &c, &n, NULL))
					break;
				node = n;
			}
			home = ms_pages_on_node(buf, WORK_PAGES, node);
			if (home == WORK_PAGES)
				break;
		}
		__atomic_fetch_add(&sh->rounds, 1, __ATOMIC_RELAXED);
		if (home == WORK_PAGES)
			__atomic_fetch_add(&sh->converged, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&sh->pages_home, home > 0 ? home : 0,
				   __ATOMIC_RELAXED);
		munmap(buf, WORK_PAGES * page_size);
		sh->cycles[a]++;
		beat(a);
	}
}

static void toggler(void)
{
	static const char * const numab[] = { "1", "2", "0", "1", "3" };
	long i;

	for (i = 0; !stopping(); i++) {
		timed_write(TOGGLER, MS_SYSCTL, i % 2 ? "1" : "0");
		sh->enable_toggles++;
		if (i % 3 == 0) {
			timed_write(TOGGLER, MS_NUMA_SYSCTL, i % 2 ? "0" : "1");
			sh->numa_toggles++;
		}
		if (i % 5 == 0) {
			/* 3 (normal and tiering) where the kernel has it. */
			if (!ms_write(NUMAB_SYSCTL, numab[(i / 5) % 5]))
				sh->numab_toggles++;
		}
		ms_sleep_ms(15);
		sh->cycles[TOGGLER]++;
		beat(TOGGLER);
	}
	ms_write(MS_SYSCTL, "1");
	ms_write(MS_NUMA_SYSCTL, "1");
	ms_write(NUMAB_SYSCTL, "1");
}

static void hotplug(void)
{
	while (!stopping()) {
		if (!timed_write(HOTPLUG, CPU1_ONLINE, "0"))
			sh->offline++;
		beat(HOTPLUG);
		ms_sleep_ms(250);
		if (!timed_write(HOTPLUG, CPU1_ONLINE, "1"))
			sh->online++;
		sh->cycles[HOTPLUG]++;
		beat(HOTPLUG);
		ms_sleep_ms(400);
	}
	ms_write(CPU1_ONLINE, "1");
}

static void perf_sessions(int type, long long period)
{
	__u64 *buf = map_buffer(OTHER_BASE, STRIDE_SIZE);
	long i;

	for (i = 0; !stopping(); i++) {
		unsigned long long flags;
		struct spe_session s;
		size_t bytes;
		double t = ms_now();
		int err, cpu = i % 2;

		/* On this task, while it strides. */
		err = session_open(&s, type, 0, -1, period);
		if (err) {
			failed(PERF, "task session: %s", strerror(-err));
		} else {
			ioctl(s.fd, PERF_EVENT_IOC_ENABLE, 0);
			stride(buf, STRIDE_SIZE, 4);
			ioctl(s.fd, PERF_EVENT_IOC_DISABLE, 0);
			flags = session_save(&s, NULL, &bytes);
			if (bytes > s.aux_size)
				failed(PERF, "task session: %zu AUX bytes > %zu, flags %#llx",
				       bytes, s.aux_size, flags);
			else
				sh->aux_bytes += bytes;
			session_close(&s);
			sh->task_sessions++;
		}
		/* On a CPU, while the workloads run there. */
		err = session_open(&s, type, -1, cpu, period);
		if (err == -ENODEV || err == -EINVAL || err == -ENOENT) {
			/* CPU 1 is offline just now. */
			sh->cpu_offline_refused++;
		} else if (err) {
			failed(PERF, "CPU %d session: %s", cpu, strerror(-err));
		} else {
			ioctl(s.fd, PERF_EVENT_IOC_ENABLE, 0);
			ms_sleep_ms(30);
			ioctl(s.fd, PERF_EVENT_IOC_DISABLE, 0);
			flags = session_save(&s, NULL, &bytes);
			/*
			 * Also across a hotplug of CPU 1: arm_spe_pmu's hotplug
			 * callbacks no longer reset the buffer under a running
			 * event (the first patch of the series).
			 */
			if (bytes > s.aux_size)
				failed(PERF, "CPU %d session: %zu AUX bytes > %zu, flags %#llx",
				       cpu, bytes, s.aux_size, flags);
			else
				sh->aux_bytes += bytes;
			session_close(&s);
			sh->cpu_sessions++;
		}
		t = ms_now() - t;
		if (t > sh->slowest[PERF])
			sh->slowest[PERF] = t;
		sh->cycles[PERF]++;
		beat(PERF);
	}
}

/* A short-lived sampled child: stride a little in some mode, exit. */
static void short_life(long i)
{
	__u64 *buf;

	ms_set_mode(i % 3);
	buf = mmap(NULL, 256 << 10, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		_exit(1);
	memset(buf, 1, 256 << 10);
	stride_for(buf, 256 << 10, 0.01);
	_exit(0);
}

static void forker(void)
{
	long i;

	for (i = 0; !stopping(); i++) {
		double deadline;
		int status;
		pid_t pid = fork();

		if (pid < 0) {
			failed(FORKER, "fork: %s", strerror(errno));
			ms_sleep_ms(10);
			continue;
		}
		if (!pid) {
			if (i % 4 == 0) {
				char arg[32];

				snprintf(arg, sizeof(arg), "%ld", i);
				execl(self_path, self_path, "--short-life", arg,
				      (char *)NULL);
				_exit(2);
			}
			short_life(i);
		}
		sh->forks++;
		if (i % 4 == 0)
			sh->execs++;
		deadline = ms_now() + CHILD_SECONDS;
		while (waitpid(pid, &status, WNOHANG) != pid) {
			if (ms_now() > deadline) {
				sh->children_hung++;
				failed(FORKER, "child %d not done in %d s", pid,
				       CHILD_SECONDS);
				kill(pid, SIGKILL);
				waitpid(pid, &status, 0);
				break;
			}
			ms_sleep_ms(1);
		}
		if (WIFEXITED(status) && WEXITSTATUS(status))
			failed(FORKER, "child exited %d", WEXITSTATUS(status));
		sh->cycles[FORKER]++;
		beat(FORKER);
	}
}

static void tuner(long long min_interval, bool latency, bool filter_op)
{
	static const char * const filters[] = {
		"all", "load", "store", "load,store",
	};
	char interval[4][32];
	long i;

	snprintf(interval[0], 32, "%lld", min_interval);
	snprintf(interval[1], 32, "%lld", min_interval * 4);
	snprintf(interval[2], 32, "%lld", min_interval * 2);
	snprintf(interval[3], 32, "%d", 8192);
	for (i = 0; !stopping(); i++) {
		switch (i % 6) {
		case 0:
			timed_write(TUNER, MS_SYSFS "interval", interval[i / 6 % 4]);
			break;
		case 1:
			timed_write(TUNER, MS_SYSFS "buffer_size",
				    i / 6 % 2 ? "65536" : "8192");
			break;
		case 2:
			if (filter_op)
				timed_write(TUNER, MS_SYSFS "op_filter",
					    filters[i / 6 % 4]);
			break;
		case 3:
			if (latency)
				timed_write(TUNER, MS_SYSFS "min_latency",
					    i / 6 % 2 ? "16" : "0");
			break;
		case 4:
			timed_write(TUNER, MS_SYSFS "paddr", i / 6 % 2 ? "0" : "1");
			break;
		default:
			timed_write(TUNER, MS_SYSFS "opt_in", i / 6 % 4 ? "0" : "1");
			break;
		}
		sh->tunable_writes++;
		ms_sleep_ms(20);
		sh->cycles[TUNER]++;
		beat(TUNER);
	}
}

static void *prctl_strider(void *arg)
{
	__u64 *buf = arg;

	while (!stopping())
		stride(buf, STRIDE_SIZE, 1);
	return NULL;
}

/* Flip our own mode while a thread of ours strides. */
static void prctl_flips(void)
{
	__u64 *buf = map_buffer(STRIDER_BASE, STRIDE_SIZE);
	pthread_t thread;
	long i;

	if (pthread_create(&thread, NULL, prctl_strider, buf)) {
		failed(PRCTL, "pthread_create");
		return;
	}
	for (i = 0; !stopping(); i++) {
		int mode = i % 3;

		if (ms_set_mode(mode) || ms_get_mode() != mode)
			failed(PRCTL, "mode %d did not stick", mode);
		stride(buf, 64 << 10, 1);
		sh->cycles[PRCTL]++;
		beat(PRCTL);
	}
	pthread_join(thread, NULL);
}

static pid_t start_actor(enum actor a, int type, long long min_interval,
			 const char *flags)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	beat(a);
	switch (a) {
	case PINNED_WORKLOAD:
		ms_pin_to_cpu(0);
		workload(a, 0);
		break;
	case ROAMING_WORKLOAD:
		workload(a, -1);
		break;
	case TOGGLER:
		toggler();
		break;
	case HOTPLUG:
		hotplug();
		break;
	case PERF:
		perf_sessions(type, min_interval > 4096 ? min_interval : 4096);
		break;
	case FORKER:
		forker();
		break;
	case TUNER:
		tuner(min_interval, strstr(flags, "latency"),
		      strstr(flags, "filter_op"));
		break;
	default:
		prctl_flips();
		break;
	}
	_exit(0);
}

/* ------------------------------------------------------------ counters */

static long long delta(const struct ms_counters *a,
		       const struct ms_counters *b, enum ms_counter i)
{
	return b->v[i] - a->v[i];
}

/* The driver's counters this test follows. */
enum spe_counter {
	RECORDS, FAULTS, FOREIGN, PAUSES, RESUMES, SPE_TRUNCATED, SPE_DROPPED,
	NR_SPE
};

static const char * const spe_names[NR_SPE] = {
	"stats/records", "stats/faults", "stats/foreign", "stats/pauses",
	"stats/resumes", "stats/truncated", "stats/dropped",
};

static void read_spe(long long *v)
{
	int i;

	for (i = 0; i < NR_SPE; i++)
		v[i] = spe_read(spe_names[i]);
}

/* ------------------------------------------------------------ settings */

static const char * const saved_paths[] = {
	MS_SYSCTL, MS_NUMA_SYSCTL, NUMAB_SYSCTL, MS_SYSFS "interval",
	MS_SYSFS "buffer_size", MS_SYSFS "min_latency", MS_SYSFS "op_filter",
	MS_SYSFS "paddr", MS_SYSFS "opt_in", CPU1_ONLINE,
	NUMAB_DEBUGFS "scan_delay_ms", NUMAB_DEBUGFS "scan_period_min_ms",
	NULL,
};

static struct ms_settings saved;

/* Put back what the test found; false if a value did not come back. */
static bool restore_settings(void)
{
	ms_write(CPU1_ONLINE, "1");
	return !ms_settings_restore(&saved);
}

/* Sample mode as the demo uses it, scanning fast so both modes show. */
static int sample_mode(void)
{
	int err = 0;

	err |= ms_write(MS_SYSFS "buffer_size", "8192");
	err |= ms_write(MS_SYSFS "paddr", "1");
	err |= ms_write(MS_SYSFS "opt_in", "0");
	err |= ms_write(MS_SYSFS "min_latency", "0");
	ms_write(MS_SYSFS "op_filter", "load,store");
	err |= ms_write(NUMAB_SYSCTL, "1");
	err |= ms_write(MS_SYSCTL, "1");
	err |= ms_write(MS_NUMA_SYSCTL, "1");
	ms_write(NUMAB_DEBUGFS "scan_delay_ms", "100");
	ms_write(NUMAB_DEBUGFS "scan_period_min_ms", "100");
	return err;
}

/* ------------------------------------------------------------ afterwards */

/*
 * A fresh process on CPU 0 with WORK_PAGES pages on node 1: sampled, its
 * pages must come to node 0 without a hint fault.  Exit status 0 if so.
 */
static int fresh_process(void)
{
	struct ms_counters before, after;
	double start, took = -1;
	char *buf;
	int i, round = 0, home = 0;

	ms_pin_to_cpu(0);
	buf = mmap(NULL, WORK_PAGES * page_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return 2;
	madvise(buf, WORK_PAGES * page_size, MADV_NOHUGEPAGE);
	memset(buf, 1, WORK_PAGES * page_size);
	if (ms_move_to_node(buf, WORK_PAGES, 1) || ms_counters_read(&before))
		return 2;
	start = ms_now();
	while (ms_now() - start < 30) {
		for (i = 0; i < WORK_PAGES; i++)
			buf[(long)i * page_size + (round & 63) * 64]++;
		if (++round % 16)
			continue;
		home = ms_pages_on_node(buf, WORK_PAGES, 0);
		if (home == WORK_PAGES) {
			took = ms_now() - start;
			break;
		}
	}
	ms_counters_read(&after);
	ksft_print_msg(FRESH_FORMAT,
		       home, WORK_PAGES, took < 0 ? ms_now() - start : took,
		       delta(&before, &after, VM_MIGRATED),
		       delta(&before, &after, VM_HINT_FAULTS),
		       delta(&before, &after, VM_PTE_UPDATES),
		       delta(&before, &after, VM_USED));
	return home == WORK_PAGES && delta(&before, &after, VM_MIGRATED) > 0 &&
	       !delta(&before, &after, VM_HINT_FAULTS) &&
	       !delta(&before, &after, VM_PTE_UPDATES) ? 0 : 1;
}

/*
 * The fresh process is exec'ed: a forked one would inherit PTEs a scan
 * of ours marked for a hint fault while we were not sampled.
 */
static bool works_afterwards(void)
{
	int status;
	pid_t pid;

	if (sample_mode())
		return false;
	fflush(stdout);
	pid = fork();
	if (!pid) {
		execl(self_path, self_path, "--fresh-process", (char *)NULL);
		_exit(3);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/*
 * perf's SPE still works: a per-task session on a strider and a CPU-wide
 * one, complete AUX data, saved for the host check as spe_perf does.
 */
static bool perf_works(int type, long long period, const char *outdir)
{
	__u64 *buf = map_buffer(STRIDER_BASE + 0x10000000UL, STRIDE_SIZE);
	unsigned long long task_flags = ~0ULL, cpu_flags = ~0ULL;
	size_t task_bytes = 0, cpu_bytes = 0;
	struct spe_session s;
	char path[PATH_MAX];
	pid_t strider;

	ms_pin_to_cpu(0);
	if (!session_open(&s, type, 0, -1, period)) {
		ioctl(s.fd, PERF_EVENT_IOC_ENABLE, 0);
		stride(buf, STRIDE_SIZE, 50);
		ioctl(s.fd, PERF_EVENT_IOC_DISABLE, 0);
		snprintf(path, sizeof(path), "%s/task.aux", outdir);
		task_flags = session_save(&s, path, &task_bytes);
		snprintf(path, sizeof(path), "%s/task.meta", outdir);
		write_meta(path, getpid(), STRIDER_BASE + 0x10000000UL,
			   STRIDE_SIZE);
		session_close(&s);
	}
	fflush(stdout);
	strider = fork();
	if (!strider) {
		ms_pin_to_cpu(1);
		for (;;)
			stride(buf, STRIDE_SIZE, 1);
	}
	if (!session_open(&s, type, -1, 1, period)) {
		ioctl(s.fd, PERF_EVENT_IOC_ENABLE, 0);
		usleep(300000);
		ioctl(s.fd, PERF_EVENT_IOC_DISABLE, 0);
		snprintf(path, sizeof(path), "%s/cpu.aux", outdir);
		cpu_flags = session_save(&s, path, &cpu_bytes);
		session_close(&s);
	}
	kill(strider, SIGKILL);
	waitpid(strider, NULL, 0);
	munmap(buf, STRIDE_SIZE);
	ksft_print_msg(PERF_FORMAT,
		       task_bytes, task_flags, cpu_bytes, cpu_flags);
	return task_bytes && cpu_bytes &&
	       !((task_flags | cpu_flags) & (PERF_AUX_FLAG_TRUNCATED |
					     PERF_AUX_FLAG_PARTIAL |
					     RECORD_LOST_SEEN));
}

/* ------------------------------------------------------------ main */

static bool check_relations(const struct ms_counters *a,
			    const struct ms_counters *b,
			    const long long *spe_a, const long long *spe_b,
			    long long pages_migrated)
{
	long long skips = 0, records = spe_b[RECORDS] - spe_a[RECORDS];
	bool ok = true;
	int i;

	for (i = VM_SKIP_STALE; i <= VM_SKIP_HINTED; i++)
		skips += delta(a, b, i);
#define RELATION(cond) do {						\
		if (!(cond)) {						\
			ksft_print_msg("relation broken: %s\n", #cond);	\
			ok = false;					\
		}							\
	} while (0)
	/* Samples did move pages while everything else went on. */
	RELATION(delta(a, b, VM_MIGRATED) > 0);
	/* Every queued sample is used or skipped at most once. */
	RELATION(delta(a, b, VM_USED) + skips <= delta(a, b, VM_QUEUED));
	RELATION(delta(a, b, VM_LOCAL) <= delta(a, b, VM_USED));
	RELATION(delta(a, b, VM_FAILED) <= delta(a, b, VM_USED));
	RELATION(delta(a, b, VM_THP) * 512 <= delta(a, b, VM_MIGRATED));
	RELATION(delta(a, b, VM_MIGRATED) <= delta(a, b, VM_USED) * 512);
	/* Consumers see only what the core dispatched. */
	RELATION(delta(a, b, VM_QUEUED) + delta(a, b, VM_SKIP_INVALID) +
		 delta(a, b, VM_NUMA_DROPPED) <= delta(a, b, VM_SAMPLES));
	RELATION(delta(a, b, VM_TRACE_HANDLED) <= delta(a, b, VM_SAMPLES));
	/* The driver's records are dispatched or dropped by the core. */
	RELATION(delta(a, b, VM_SAMPLES) <= records);
	RELATION(records <= delta(a, b, VM_SAMPLES) + delta(a, b, VM_DROPPED));
	RELATION(spe_b[PAUSES] == spe_b[RESUMES]);
	RELATION(spe_b[FAULTS] == spe_a[FAULTS]);
	RELATION(spe_b[FOREIGN] == spe_a[FOREIGN]);
#undef RELATION
	ksft_print_msg(DRIVER_FORMAT,
		       records, spe_b[SPE_TRUNCATED] - spe_a[SPE_TRUNCATED],
		       spe_b[SPE_DROPPED] - spe_a[SPE_DROPPED],
		       spe_b[PAUSES] - spe_a[PAUSES], delta(a, b, VM_SAMPLES),
		       delta(a, b, VM_DROPPED), delta(a, b, VM_TRUNCATED));
	ksft_print_msg(NUMA_FORMAT,
		       delta(a, b, VM_QUEUED), delta(a, b, VM_NUMA_DROPPED),
		       delta(a, b, VM_USED), delta(a, b, VM_LOCAL),
		       delta(a, b, VM_MIGRATED), delta(a, b, VM_FAILED), skips,
		       delta(a, b, VM_SKIP_INVALID), delta(a, b, VM_HINT_FAULTS),
		       pages_migrated);
	return ok;
}

int main(int argc, char **argv)
{
	struct ms_counters start, last, cur;
	long long spe_start[NR_SPE], spe_end[NR_SPE], min_interval;
	long long pages_migrated;
	const char *why, *outbox = getenv("OUTBOX");
	double seconds = DEFAULT_SECONDS, t0, deadline;
	int a, type, alive, stalled = 0, hung = 0, reads = 0, went_down = 0;
	pid_t pids[NR_ACTORS];
	char flags[128] = "", outdir[PATH_MAX / 2];
	long errors = 0;
	bool ok;

	page_size = sysconf(_SC_PAGESIZE);
	if (argc == 3 && !strcmp(argv[1], "--short-life"))
		short_life(atol(argv[2]));
	if (argc == 2 && !strcmp(argv[1], "--fresh-process"))
		return fresh_process();
	setvbuf(stdout, NULL, _IOLBF, 0);
	ksft_print_header();
	why = spe_perf_unavailable(&type);
	if (why)
		ksft_exit_skip("%s\n", why);
	if (access(MS_NUMA_SYSCTL, F_OK) || access(CPU1_ONLINE, W_OK) ||
	    access(NODE1_DIR, F_OK))
		ksft_exit_skip("needs NUMA balancing from samples, 2 nodes, CPU 1 hotplug\n");
	if (getenv("STRESS_SECONDS"))
		seconds = atof(getenv("STRESS_SECONDS"));
	if (readlink("/proc/self/exe", self_path, sizeof(self_path) - 1) < 0)
		ksft_exit_fail_msg("readlink /proc/self/exe\n");
	snprintf(outdir, sizeof(outdir), "%s/mem_sampling_stress",
		 outbox ? outbox : "/tmp");
	mkdir(outdir, 0755);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
	ksft_set_plan(7);

	ms_settings_save(&saved, saved_paths);
	min_interval = spe_read("caps/min_interval");
	ms_read(MS_SYSFS "caps/flags", flags, sizeof(flags));
	/*
	 * Both ends are read quiet (sampling off: every record decoded is
	 * dispatched); a driver record decoded but not yet dispatched at
	 * the start would count as a core sample without a driver record.
	 */
	ms_write(MS_SYSCTL, "0");
	if (ms_counters_read(&start))
		ksft_exit_fail_msg("missing /proc/vmstat counters\n");
	read_spe(spe_start);
	pages_migrated = ms_vmstat("numa_pages_migrated");
	last = start;
	if (sample_mode())
		ksft_exit_fail_msg("cannot switch to sample mode\n");

	t0 = ms_now();
	for (a = 0; a < NR_ACTORS; a++)
		pids[a] = start_actor(a, type, min_interval, flags);
	while (ms_now() - t0 < seconds) {
		usleep(500000);
		if (!ms_counters_read(&cur)) {
			int i;

			reads++;
			for (i = 0; i < VM_NR_COUNTERS; i++)
				if (cur.v[i] < last.v[i]) {
					ksft_print_msg("%s went down: %lld -> %lld\n",
						       ms_counter_names[i],
						       last.v[i], cur.v[i]);
					went_down++;
				}
			last = cur;
		}
		for (a = 0; a < NR_ACTORS; a++)
			if (ms_now() - sh->beat[a] > STALL_SECONDS) {
				ksft_print_msg("%s: no progress for %d s\n",
					       actor_names[a], STALL_SECONDS);
				sh->beat[a] = ms_now();
				stalled++;
			}
	}
	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELEASE);
	deadline = ms_now() + REAP_SECONDS;
	do {
		alive = 0;
		for (a = 0; a < NR_ACTORS; a++) {
			if (!pids[a])
				continue;
			if (waitpid(pids[a], NULL, WNOHANG) == pids[a])
				pids[a] = 0;
			else
				alive++;
		}
		if (alive)
			usleep(20000);
	} while (alive && ms_now() < deadline);
	for (a = 0; a < NR_ACTORS; a++) {
		if (!pids[a])
			continue;
		ksft_print_msg("%s did not end within %d s of the stop\n",
			       actor_names[a], REAP_SECONDS);
		hung++;
		kill(pids[a], SIGKILL);
	}
	for (a = 0; a < NR_ACTORS; a++)
		if (pids[a] && waitpid(pids[a], NULL, 0) != pids[a])
			hung++;
	ksft_print_msg("%.0f s of stress, actors ended %.1f s after the stop\n",
		       seconds, ms_now() - t0 - seconds);
	for (a = 0; a < NR_ACTORS; a++) {
		ksft_print_msg("%-22s %6ld cycles, %ld errors, slowest %.3f s%s%s\n",
			       actor_names[a], sh->cycles[a], sh->errors[a],
			       sh->slowest[a], sh->errors[a] ? ": " : "",
			       sh->first_error[a]);
		errors += sh->errors[a];
	}
	ksft_print_msg(TOGGLES_FORMAT,
		       sh->enable_toggles, sh->numa_toggles, sh->numab_toggles,
		       sh->offline, sh->online);
	ksft_print_msg(ACTIONS_FORMAT,
		       sh->task_sessions, sh->cpu_sessions,
		       sh->cpu_offline_refused, sh->aux_bytes, sh->forks,
		       sh->execs, sh->tunable_writes);
	ksft_print_msg(WORKLOADS_FORMAT,
		       sh->rounds, WORK_PAGES, sh->converged, sh->pages_home);
	ok = !stalled && !hung && !sh->children_hung && !errors &&
	     sh->offline > 0 && sh->task_sessions > 0 && sh->cpu_sessions > 0 &&
	     sh->forks > 0 && sh->aux_bytes > 0 && sh->converged > 0;
	ksft_test_result(ok, "stress: every actor progressed without error, none hung\n");
	ksft_test_result(!went_down && reads > 0,
			 "vmstat: no counter went down in %d reads\n", reads);

	/* Quiet: everything dispatched, every queue processed or gone. */
	ms_write(MS_NUMA_SYSCTL, "0");
	ms_write(MS_SYSCTL, "0");
	ms_write(CPU1_ONLINE, "1");
	ms_counters_read(&cur);
	read_spe(spe_end);
	pages_migrated = ms_vmstat("numa_pages_migrated") - pages_migrated;
	ksft_test_result(check_relations(&start, &cur, spe_start, spe_end,
					 pages_migrated),
			 "counters: the core's, NUMA balancing's and the driver's agree\n");
	ksft_test_result(restore_settings(), "settings: all restored\n");

	ksft_test_result(works_afterwards(),
			 "afterwards: a fresh process's remote pages migrate in sample mode, no hint fault\n");
	/* perf's own check, with mem_sampling on but no page moving. */
	ms_write(MS_NUMA_SYSCTL, "0");
	ms_write(NUMAB_SYSCTL, "0");
	ok = perf_works(type, min_interval > 4096 ? min_interval : 4096, outdir);
	ksft_test_result(ok, "afterwards: perf SPE sessions give complete AUX data\n");
	ksft_test_result(restore_settings(), "settings: restored again at the end\n");
	ksft_finished();
}
