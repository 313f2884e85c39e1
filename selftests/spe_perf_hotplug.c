// SPDX-License-Identifier: GPL-2.0
/*
 * A CPU-wide arm_spe session cut by CPU hotplug: open the upstream perf
 * driver's PMU on CPU 1 with an AUX buffer, keep a child loading memory
 * there, take CPU 1 offline while the session runs, and check what perf
 * reported.  Every PERF_RECORD_AUX must describe bytes inside the AUX
 * buffer: nothing reads the buffer, so its head never wraps, and neither
 * aux_offset + aux_size nor the final aux_head may exceed its size.
 *
 * Then the other way: sessions opened on CPU 1 while it comes back
 * online, as early as perf lets them, which sometimes start before the
 * driver's own CPU startup callback has run.
 *
 * Linux 6.12's arm_spe_pmu reset PMBPTR_EL1 in its CPU hotplug callbacks
 * under a running event: going down before perf's own teardown stopped
 * the event (every session cut by an offline), coming up after perf
 * could start one (half the early sessions in QEMU).  The event then
 * reported 0 - base, a wrapped-around size, as its last AUX record.
 * CPU 1 is put back online whatever happens.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <linux/types.h>

#include "../kselftest.h"
#include "spe_util.h"

#define HOTPLUG_CPU	1
#define CYCLES		20		/* sessions, each cut by an offline */
#define ONLINE_CYCLES	100		/* sessions opened while CPU 1 comes up */
#define INTERVAL	4096		/* sampling interval (operations) */
#define DATA_PAGES	8		/* perf data ring (records) */
#define AUX_PAGES	256		/* 1 MiB AUX ring: never full here */
#define RUN_MS		50		/* sampling before the offline */
#define LOAD_BYTES	(64 << 10)	/* the child's working set */

static long page_size;

static int write_cpu1_online(int online)
{
	int fd = open(CPU1_ONLINE, O_WRONLY);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, online ? "1" : "0", 1) != 1)
		ret = -errno;
	close(fd);
	return ret;
}

static int cpu1_online(void)
{
	char c = 0;
	int fd = open(CPU1_ONLINE, O_RDONLY);

	if (fd < 0)
		return -errno;
	if (read(fd, &c, 1) != 1)
		c = 0;
	close(fd);
	return c == '1';
}

/* Whatever ends the test, CPU 1 must not stay offline. */
static void restore_cpu1(void)
{
	if (cpu1_online() == 0)
		write_cpu1_online(1);
}

static void on_fatal_signal(int sig)
{
	restore_cpu1();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* One load the compiler can neither drop nor merge. */
static inline __u64 load(const __u64 *p)
{
	__u64 val;

	asm volatile("ldr %0, [%1]" : "=r"(val) : "r"(p) : "memory");
	return val;
}

/* A child pinned to CPU 1 loading its working set until killed. */
static pid_t start_loader(void)
{
	cpu_set_t cpus;
	__u64 sum = 0;
	__u64 *buf;
	pid_t pid;
	size_t i;

	pid = fork();
	if (pid)
		return pid;
	CPU_ZERO(&cpus);
	CPU_SET(HOTPLUG_CPU, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus))
		_exit(1);
	buf = mmap(NULL, LOAD_BYTES, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		_exit(1);
	for (;;)
		for (i = 0; i < LOAD_BYTES / sizeof(*buf); i += 8)
			sum += load(&buf[i]);
}

struct aux_scan {
	int records;		/* PERF_RECORD_AUX seen */
	int truncated;		/* of which flagged truncated */
	int outside;		/* of which not inside the AUX buffer */
	__u64 worst_offset;	/* the first one outside */
	__u64 worst_size;
	__u64 aux_len;		/* the AUX buffer's size */
};

static void scan_one(const struct spe_aux_record *rec, void *arg)
{
	struct aux_scan *scan = arg;

	if (rec->flags & PERF_AUX_FLAG_TRUNCATED)
		scan->truncated++;
	if (rec->size > scan->aux_len || rec->offset > scan->aux_len ||
	    rec->offset + rec->size > scan->aux_len) {
		if (!scan->outside++) {
			scan->worst_offset = rec->offset;
			scan->worst_size = rec->size;
		}
	}
}

static void scan_records(struct perf_event_mmap_page *pc, __u64 aux_len,
			 struct aux_scan *scan)
{
	memset(scan, 0, sizeof(*scan));
	scan->aux_len = aux_len;
	scan->records = spe_aux_records_visit(pc, DATA_PAGES * page_size,
					      scan_one, scan, NULL);
}

struct session {
	int fd;
	struct perf_event_mmap_page *pc;
	size_t ring_len;
	void *aux;
	__u64 aux_len;
};

/* A disabled CPU-wide arm_spe session on CPU 1 with its buffers: 0 or -errno. */
static int hotplug_session_open(struct session *s, int type)
{
	struct perf_event_attr attr;
	int ret;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = type;
	attr.sample_period = INTERVAL;
	attr.disabled = 1;
	attr.exclude_kernel = 1;
	attr.exclude_hv = 1;
	s->fd = syscall(__NR_perf_event_open, &attr, -1, HOTPLUG_CPU, -1, 0);
	if (s->fd < 0)
		return -errno;
	s->ring_len = (1 + DATA_PAGES) * page_size;
	s->pc = mmap(NULL, s->ring_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		     s->fd, 0);
	if (s->pc == MAP_FAILED)
		goto out_close;
	s->aux_len = (__u64)AUX_PAGES * page_size;
	s->pc->aux_offset = s->ring_len;
	s->pc->aux_size = s->aux_len;
	s->aux = mmap(NULL, s->aux_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		      s->fd, s->pc->aux_offset);
	if (s->aux == MAP_FAILED)
		goto out_unmap;
	return 0;

out_unmap:
	munmap(s->pc, s->ring_len);
out_close:
	ret = -errno;
	close(s->fd);
	return ret;
}

static void hotplug_session_close(struct session *s)
{
	munmap(s->aux, s->aux_len);
	munmap(s->pc, s->ring_len);
	close(s->fd);
}

#define OUTSIDE_FORMAT \
	"%s %d: %d records outside the buffer, first aux_offset %llu aux_size %llu (%#llx)\n"

/*
 * Whether every AUX record of @s lies inside its buffer; says what it
 * found, prefixed by @what, when not.
 */
static int hotplug_session_check(struct session *s, const char *what,
				 int cycle, struct aux_scan *scan,
				 __u64 *aux_head)
{
	*aux_head = __atomic_load_n(&s->pc->aux_head, __ATOMIC_ACQUIRE);
	scan_records(s->pc, s->aux_len, scan);
	if (scan->outside)
		ksft_print_msg(OUTSIDE_FORMAT, what, cycle, scan->outside,
			       (unsigned long long)scan->worst_offset,
			       (unsigned long long)scan->worst_size,
			       (unsigned long long)scan->worst_size);
	return scan->outside == 0 && *aux_head <= s->aux_len;
}

static void stop_loader(pid_t loader)
{
	int status;

	kill(loader, SIGKILL);
	waitpid(loader, &status, 0);
}

/*
 * One session on CPU 1 cut by its offline.  Returns 1 if every AUX record
 * lies inside the buffer, 0 if not, -errno if the session could not run.
 */
static int offline_cycle(int type, int cycle)
{
	struct aux_scan scan;
	struct session s;
	__u64 aux_head;
	pid_t loader;
	int ret;

	ret = write_cpu1_online(1);
	if (ret && cpu1_online() != 1)
		return ret;
	ret = hotplug_session_open(&s, type);
	if (ret)
		return ret;
	loader = start_loader();
	if (loader < 0) {
		ret = -errno;
		goto out_close;
	}
	if (ioctl(s.fd, PERF_EVENT_IOC_ENABLE, 0)) {
		ret = -errno;
		goto out_kill;
	}
	ms_sleep_ms(RUN_MS);
	/* perf removes the event from the dying CPU: the session ends here. */
	ret = write_cpu1_online(0);
	ioctl(s.fd, PERF_EVENT_IOC_DISABLE, 0);
	if (ret)
		goto out_kill;

	ret = hotplug_session_check(&s, "offline", cycle, &scan, &aux_head) &&
	      scan.records > 0;
	ksft_test_result(ret,
			 "offline %d: %d AUX records (%d truncated), aux_head %llu of %llu\n",
			 cycle, scan.records, scan.truncated,
			 (unsigned long long)aux_head,
			 (unsigned long long)s.aux_len);
out_kill:
	stop_loader(loader);
out_close:
	hotplug_session_close(&s);
	return ret;
}

/* Opens a session on CPU 1 as soon as perf accepts it, and enables it. */
struct early_opener {
	int type;
	int stop;		/* give up: CPU 1 did not come online */
	int online_done;	/* the online write has returned */
	int opened;		/* 1 when @session is open and enabled */
	int early;		/* enabled before the online write returned */
	struct session session;
};

static void *early_open(void *arg)
{
	struct early_opener *o = arg;
	cpu_set_t cpus;

	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
	while (!__atomic_load_n(&o->stop, __ATOMIC_ACQUIRE)) {
		int done = __atomic_load_n(&o->online_done, __ATOMIC_ACQUIRE);

		if (hotplug_session_open(&o->session, o->type)) {
			/* Failing with CPU 1 online: not for want of it. */
			if (done)
				break;
			continue;
		}
		ioctl(o->session.fd, PERF_EVENT_IOC_ENABLE, 0);
		o->early = !__atomic_load_n(&o->online_done, __ATOMIC_ACQUIRE);
		o->opened = 1;
		break;
	}
	return NULL;
}

/*
 * A session opened while CPU 1 comes online.  Returns 1 if every AUX
 * record lies inside the buffer, 0 if not, -errno if the cycle could not
 * run; counts in @early the sessions enabled before the online returned.
 */
static int online_cycle(int type, int cycle, int *early)
{
	struct early_opener o = { .type = type };
	struct aux_scan scan;
	__u64 aux_head;
	pthread_t thread;
	pid_t loader;
	int ret;

	ret = write_cpu1_online(0);
	if (ret && cpu1_online() != 0)
		return ret;
	ret = -pthread_create(&thread, NULL, early_open, &o);
	if (ret)
		return ret;
	/* Let the opener spin on -ENODEV before CPU 1 comes up. */
	ms_sleep_ms(1);
	ret = write_cpu1_online(1);
	__atomic_store_n(&o.online_done, 1, __ATOMIC_RELEASE);
	/* Once CPU 1 is online any open succeeds: wait for it. */
	if (ret)
		__atomic_store_n(&o.stop, 1, __ATOMIC_RELEASE);
	pthread_join(thread, NULL);
	if (ret)
		return ret;
	if (!o.opened)
		return -ENODEV;
	*early += o.early;

	loader = start_loader();
	if (loader < 0) {
		ret = -errno;
		goto out_close;
	}
	ms_sleep_ms(RUN_MS / 2);
	ioctl(o.session.fd, PERF_EVENT_IOC_DISABLE, 0);
	ret = hotplug_session_check(&o.session, "online", cycle, &scan, &aux_head);
	stop_loader(loader);
out_close:
	hotplug_session_close(&o.session);
	return ret;
}

int main(void)
{
	int type, i, ret, early = 0, wrapped = 0, errors = 0;

	ksft_print_header();
	page_size = sysconf(_SC_PAGESIZE);
	if (geteuid())
		ksft_exit_skip("needs root (CPU-wide perf events, CPU hotplug)\n");
	type = spe_pmu_type();
	if (type < 0)
		ksft_exit_skip("no arm_spe_0 PMU (SPE absent or driver not probed)\n");
	if (access(CPU1_ONLINE, W_OK))
		ksft_exit_skip("CPU 1 cannot be taken offline (%s)\n",
			       strerror(errno));

	atexit(restore_cpu1);
	signal(SIGTERM, on_fatal_signal);
	signal(SIGINT, on_fatal_signal);
	signal(SIGHUP, on_fatal_signal);
	ksft_set_plan(CYCLES + 1);

	for (i = 0; i < CYCLES; i++) {
		ret = offline_cycle(type, i);
		if (ret < 0)
			ksft_test_result_error("offline %d: %s\n", i,
					       strerror(-ret));
	}

	/* Only some cycles hit the window: one result for all of them. */
	for (i = 0; i < ONLINE_CYCLES; i++) {
		ret = online_cycle(type, i, &early);
		if (ret < 0) {
			ksft_print_msg("online %d: %s\n", i, strerror(-ret));
			errors++;
		} else if (!ret) {
			wrapped++;
		}
	}
	ksft_test_result(!wrapped && !errors,
			 "online: %d sessions opened while CPU 1 came up (%d before the online returned), %d with AUX records outside the buffer, %d errors\n",
			 ONLINE_CYCLES, early, wrapped, errors);
	restore_cpu1();
	if (cpu1_online() != 1)
		ksft_exit_fail_msg("CPU 1 did not come back online\n");
	ksft_finished();
}
