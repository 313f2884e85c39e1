// SPDX-License-Identifier: GPL-2.0
/*
 * The Arm SPE mem_sampling driver, end to end in the guest: it probes and
 * is the provider, sampling can be enabled, a strider's records carry its
 * pid, VAs in its buffer and PAs from its page map while another process
 * on the same CPU never has its accesses attributed to it, the interval
 * sets the rate, the event filter passes only what it asks for, bad
 * tunables are refused, and processes exiting with
 * samples in flight, 1000 enable/disable cycles and CPU hotplug while
 * sampling leave no splat and consistent counters.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "../kselftest.h"
#include "spe_util.h"

#define ATTR_SIZE	(4UL << 20)
#define RATE_SIZE	0x100000UL
#define RATE_PASSES	400

/* Shared with the children of a case. */
struct shared {
	int ready;
	int go;
	__u64 pfns_before[ATTR_SIZE / 4096];
	__u64 pfns_after[ATTR_SIZE / 4096];
};

static struct shared *sh;
static long page_size;
static long long min_interval;
static bool paddr_supported;

/* A child striding its own buffer at @base on @cpu for @seconds. */
static pid_t spawn_strider(unsigned long base, size_t size, int cpu,
			   double seconds, bool pagemap)
{
	pid_t pid = fork();
	__u64 *buf;

	if (pid)
		return pid;
	if (cpu >= 0)
		ms_pin_to_cpu(cpu);
	buf = map_buffer(base, size);
	if (pagemap)
		ms_pagemap(base, size, sh->pfns_before);
	__atomic_fetch_add(&sh->ready, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&sh->go, __ATOMIC_ACQUIRE))
		usleep(1000);
	if (seconds > 0)
		stride_for(buf, size, seconds);
	else
		for (;;)
			stride(buf, size, 1);
	if (pagemap)
		ms_pagemap(base, size, sh->pfns_after);
	_exit(0);
}

static void start_children(int n)
{
	while (__atomic_load_n(&sh->ready, __ATOMIC_ACQUIRE) < n)
		usleep(1000);
	__atomic_store_n(&sh->go, 1, __ATOMIC_RELEASE);
}

static void reset_shared(void)
{
	memset(sh, 0, sizeof(*sh));
}

static void wait_child(pid_t pid)
{
	int status;

	waitpid(pid, &status, 0);
}

/* ------------------------------------------------------------- probe */

static void test_probe(void)
{
	char path[PATH_MAX], buf[256];

	snprintf(path, sizeof(path), "%s/cpumask", spe_dir());
	if (ms_read(path, buf, sizeof(buf)) || !buf[0]) {
		ksft_test_result_fail("probe: no cpumask\n");
		return;
	}
	if (spe_read("caps/min_interval") != ms_read_long(MS_SYSFS "caps/min_interval")) {
		ksft_test_result_fail("probe: core's min_interval %lld != driver's %lld\n",
				      ms_read_long(MS_SYSFS "caps/min_interval"),
				      spe_read("caps/min_interval"));
		return;
	}
	ksft_print_msg("SPE on CPUs %s, min interval %lld, max record %lld, features %#llx\n",
		       buf, min_interval, spe_read("caps/max_record_size"),
		       spe_read("caps/features"));
	ksft_test_result_pass("probe: arm_spe is the provider, caps agree\n");
}

static void test_enable(void)
{
	int err = ms_write(MS_SYSCTL, "1");

	if (err || ms_read_long(MS_SYSCTL) != 1) {
		ksft_test_result_fail("enable: %s, reads %lld\n", strerror(-err),
				      ms_read_long(MS_SYSCTL));
		return;
	}
	ksft_test_result_pass("enable: kernel.mem_sampling_enable=1\n");
}

/* ------------------------------------------------------- attribution */

struct attr_count {
	int strider, other;
	long s_total, s_va, s_in, s_in_other, s_pa_checked, s_pa_ok, s_tid;
	long o_total, o_va, o_in, o_in_strider;
};

static bool in(unsigned long long va, unsigned long base, size_t size)
{
	return va >= base && va < base + size;
}

static void count_attr(const struct ms_trace_record *r, void *arg)
{
	struct attr_count *c = arg;
	bool va = r->flags & REC_VADDR_VALID;

	if (r->pid == c->strider) {
		c->s_total++;
		c->s_tid += r->tid == c->strider;
		if (!va)
			return;
		c->s_va++;
		c->s_in_other += in(r->vaddr, OTHER_BASE, ATTR_SIZE);
		if (!in(r->vaddr, STRIDER_BASE, ATTR_SIZE))
			return;
		c->s_in++;
		if (r->flags & REC_PADDR_VALID) {
			size_t pg = (r->vaddr - STRIDER_BASE) / page_size;
			__u64 pfn = sh->pfns_before[pg];

			/* A page that moved during the run proves nothing. */
			if (!pfn || pfn != sh->pfns_after[pg])
				return;
			c->s_pa_checked++;
			c->s_pa_ok += r->paddr / page_size == pfn;
		}
	} else if (r->pid == c->other) {
		c->o_total++;
		if (!va)
			return;
		c->o_va++;
		c->o_in += in(r->vaddr, OTHER_BASE, ATTR_SIZE);
		c->o_in_strider += in(r->vaddr, STRIDER_BASE, ATTR_SIZE);
	}
}

static void test_attribution(void)
{
	struct attr_count c = { 0 };
	long long foreign = spe_read("stats/foreign");
	bool ok;

	ms_write_long(MS_SYSFS "interval", 4096 > min_interval ? 4096 : min_interval);
	reset_shared();
	ms_trace_clear();
	/* Both on CPU 0: every switch between them is a retarget. */
	c.strider = spawn_strider(STRIDER_BASE, ATTR_SIZE, 0, 2.0, true);
	c.other = spawn_strider(OTHER_BASE, ATTR_SIZE, 0, 2.0, false);
	start_children(2);
	ms_trace_on(true);
	wait_child(c.strider);
	wait_child(c.other);
	ms_trace_on(false);
	ms_trace_visit_records(count_attr, &c);

	ksft_print_msg("strider %d: %ld recs, VA %ld: %ld own %ld other's, PA %ld/%ld, tid %ld\n",
		       c.strider, c.s_total, c.s_va, c.s_in, c.s_in_other,
		       c.s_pa_ok, c.s_pa_checked, c.s_tid);
	ksft_print_msg("other %d: %ld records, VA %ld: %ld own %ld strider's; foreign %lld\n",
		       c.other, c.o_total, c.o_va, c.o_in, c.o_in_strider,
		       spe_read("stats/foreign") - foreign);

	ok = c.s_total >= 100 && c.o_total >= 100 &&
	     c.s_in * 10 >= c.s_va * 9 && c.o_in * 10 >= c.o_va * 9 &&
	     !c.s_in_other && !c.o_in_strider && c.s_tid == c.s_total;
	if (paddr_supported)
		ok = ok && c.s_pa_checked >= 50 && c.s_pa_ok == c.s_pa_checked;
	ksft_test_result(ok, "attribution: pid, VA and PA right, never another's\n");
}

/* ---------------------------------------------------------- filters */

/* mem_sampling_record.events: L1D_MISS, REMOTE_ACCESS. */
#define EV_L1D_MISS	0x4
#define EV_REMOTE	0x80

struct event_count {
	pid_t pid;
	long total, l1d_miss, remote;
};

static void count_events(const struct ms_trace_record *r, void *arg)
{
	struct event_count *c = arg;

	if (r->pid != c->pid)
		return;
	c->total++;
	c->l1d_miss += !!(r->events & EV_L1D_MISS);
	c->remote += !!(r->events & EV_REMOTE);
}

/*
 * One process strides its buffer from CPU 0, where it was placed, then
 * from CPU 1 (the other node's on a NUMA machine).
 */
static void events_of_run(struct event_count *c)
{
	__u64 *buf;

	ms_trace_clear();
	ms_trace_on(true);
	c->pid = fork();
	if (!c->pid) {
		ms_pin_to_cpu(0);
		buf = map_buffer(STRIDER_BASE, ATTR_SIZE);
		stride_for(buf, ATTR_SIZE, 1.0);
		ms_pin_to_cpu(1);
		stride_for(buf, ATTR_SIZE, 1.0);
		usleep(1000);	/* drained at this switch, tracing on */
		_exit(0);
	}
	wait_child(c->pid);
	ms_trace_on(false);
	ms_trace_visit_records(count_events, c);
}

/*
 * event_filter l1d_miss: every record carries the L1D miss event.  On the
 * QEMU model, which has no caches, only remote accesses miss: the filter
 * keeps exactly the remote samples.
 */
static void test_event_filter(void)
{
	struct event_count all = { 0 }, filtered = { 0 };
	char events[128] = "";

	ms_read(MS_SYSFS "caps/filter_events", events, sizeof(events));
	if (!strstr(events, "l1d_miss") || sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		ksft_test_result_skip("event filter: no l1d_miss filter or one CPU\n");
		return;
	}
	ms_write_long(MS_SYSFS "interval", 4096 > min_interval ? 4096 : min_interval);
	events_of_run(&all);
	if (ms_write(MS_SYSFS "event_filter", "l1d_miss")) {
		ksft_test_result_fail("event filter: l1d_miss refused\n");
		return;
	}
	events_of_run(&filtered);
	ms_write(MS_SYSFS "event_filter", "none");
	ksft_print_msg("unfiltered: %ld records, %ld L1D miss, %ld remote\n",
		       all.total, all.l1d_miss, all.remote);
	ksft_print_msg("l1d_miss: %ld records, %ld L1D miss, %ld remote\n",
		       filtered.total, filtered.l1d_miss, filtered.remote);
	ksft_test_result(all.total >= 100 && filtered.total >= 50 &&
			 filtered.l1d_miss == filtered.total,
			 "event filter: l1d_miss passes only L1D misses\n");
}

/* ------------------------------------------------------------ rate */

/* Records of a fixed amount of work at @interval. */
static long records_at(long long interval)
{
	__u64 *buf;
	pid_t pid;

	if (ms_write_long(MS_SYSFS "interval", interval))
		return -1;
	ms_trace_clear();
	ms_trace_on(true);
	pid = fork();
	if (!pid) {
		ms_pin_to_cpu(1 % sysconf(_SC_NPROCESSORS_ONLN));
		buf = map_buffer(STRIDER_BASE, RATE_SIZE);
		stride(buf, RATE_SIZE, RATE_PASSES);
		/*
		 * Sleep once before exiting: switching out drains the
		 * buffer while tracing is on.  The drain at the final
		 * switch of exit comes after the parent has been woken,
		 * and can lose the race with ms_trace_on(false) below
		 * (the debug kernel is slow enough for that).
		 */
		usleep(1000);
		_exit(0);
	}
	wait_child(pid);
	ms_trace_on(false);
	return ms_trace_records_of(pid);
}

static void test_interval_rate(void)
{
	long long lo = min_interval > 4096 ? min_interval : 4096;
	long a = records_at(lo), b = records_at(lo * 4);
	double ratio = b > 0 ? (double)a / b : 0;

	ksft_print_msg("interval %lld: %ld records, interval %lld: %ld records, ratio %.2f\n",
		       lo, a, lo * 4, b, ratio);
	ksft_test_result(b >= 100 && ratio >= 2.8 && ratio <= 5.7,
			 "interval: 4x the interval gives about 1/4 of the records\n");
}

/* -------------------------------------------------------- tunables */

static long long vmalloc_used_kb(void)
{
	char line[128];
	long long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmallocUsed: %lld", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v;
}

/* Writing @val to @file must fail with @err and change nothing. */
static bool refused(const char *file, const char *val, int err)
{
	char path[PATH_MAX], before[64], after[64];
	int ret;

	snprintf(path, sizeof(path), MS_SYSFS "%s", file);
	ms_read(path, before, sizeof(before));
	ret = ms_write(path, val);
	ms_read(path, after, sizeof(after));
	if (ret != -err || strcmp(before, after)) {
		ksft_print_msg("%s=%s: got %d (%s), wanted %d; %s -> %s\n",
			       file, val, ret, strerror(-ret), -err, before,
			       after);
		return false;
	}
	return true;
}

static void test_tunables(void)
{
	long long max_buf = ms_read_long(MS_SYSFS "caps/max_buffer_size");
	long long min_buf = ms_read_long(MS_SYSFS "caps/min_buffer_size");
	long long buffer = ms_read_long(MS_SYSFS "buffer_size");
	long long vm_before, vm_after;
	char val[32];
	bool ok = true;
	pid_t pid;
	int i, status;

	snprintf(val, sizeof(val), "%lld", min_interval - 1);
	ok &= refused("interval", val, EINVAL);
	ok &= refused("interval", "0", EINVAL);
	ok &= refused("interval", "lots", EINVAL);
	snprintf(val, sizeof(val), "%lld", max_buf + 1);
	ok &= refused("buffer_size", val, EINVAL);
	snprintf(val, sizeof(val), "%lld", min_buf - 1);
	ok &= refused("buffer_size", val, EINVAL);
	snprintf(val, sizeof(val), "%lld",
		 ms_read_long(MS_SYSFS "caps/max_latency_filter") + 1);
	ok &= refused("min_latency", val, EINVAL);
	ok &= refused("op_filter", "branches", EINVAL);

	/* Not root: the files are not writable. */
	pid = fork();
	if (!pid) {
		if (setuid(1000))
			_exit(2);
		_exit(refused("interval", "8192", EACCES) ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	ok &= WIFEXITED(status) && !WEXITSTATUS(status);

	/* A good value is taken. */
	ok &= !ms_write_long(MS_SYSFS "interval", 8192) &&
	      ms_read_long(MS_SYSFS "interval") == 8192;

	/* Resizing the per-CPU buffers leaks nothing. */
	vm_before = vmalloc_used_kb();
	for (i = 0; i < 20; i++) {
		ok &= !ms_write_long(MS_SYSFS "buffer_size", buffer * 2);
		ok &= !ms_write_long(MS_SYSFS "buffer_size", buffer);
	}
	vm_after = vmalloc_used_kb();
	ksft_print_msg("VmallocUsed %lld kB before 40 resizes, %lld kB after\n",
		       vm_before, vm_after);
	ok &= vm_after - vm_before < 2 * buffer / 1024;
	ksft_test_result(ok, "tunables: bad values refused, resizing leaks nothing\n");
}

/* -------------------------------------------------- stress and life */

static void test_exit_in_flight(void)
{
	long long foreign = spe_read("stats/foreign");
	int splats = ms_kernel_splats(), i, j;

	for (i = 0; i < 50; i++) {
		pid_t pids[4];

		for (j = 0; j < 4; j++) {
			pids[j] = fork();
			if (!pids[j]) {
				__u64 *buf =
					map_buffer(STRIDER_BASE, 256 << 10);

				stride_for(buf, 256 << 10, 0.003);
				_exit(0);
			}
		}
		for (j = 0; j < 4; j++)
			wait_child(pids[j]);
	}
	ksft_test_result(ms_kernel_splats() == splats &&
			 spe_read("stats/foreign") == foreign,
			 "exit: 200 processes exiting while sampled, no splat\n");
}

static void test_enable_cycles(void)
{
	int splats = ms_kernel_splats(), i, bad = 0;
	double t = ms_now();
	pid_t pid;

	reset_shared();
	pid = spawn_strider(STRIDER_BASE, 1 << 20, -1, 0, false);
	start_children(1);
	for (i = 0; i < 1000; i++) {
		bad += ms_write(MS_SYSCTL, "0") != 0;
		bad += ms_write(MS_SYSCTL, "1") != 0;
	}
	kill(pid, SIGKILL);
	wait_child(pid);
	ksft_print_msg("1000 disable/enable cycles in %.1f s, %d failed writes\n",
		       ms_now() - t, bad);
	ksft_test_result(!bad && ms_read_long(MS_SYSCTL) == 1 &&
			 ms_kernel_splats() == splats,
			 "cycles: 1000 enable/disable cycles while sampling\n");
}

struct cpu_count {
	int cpu;
	long n;
};

static void count_cpu(const struct ms_trace_record *r, void *arg)
{
	struct cpu_count *c = arg;

	c->n += r->cpu == c->cpu;
}

static void test_hotplug(void)
{
	const char *online = "/sys/devices/system/cpu/cpu1/online";
	int splats = ms_kernel_splats(), i, bad = 0;
	struct cpu_count c = { .cpu = 1 };
	pid_t a, b;

	if (access(online, W_OK)) {
		ksft_test_result_skip("hotplug: CPU 1 cannot go offline\n");
		return;
	}
	reset_shared();
	a = spawn_strider(STRIDER_BASE, 1 << 20, -1, 0, false);
	b = spawn_strider(OTHER_BASE, 1 << 20, -1, 0, false);
	start_children(2);
	for (i = 0; i < 10; i++) {
		bad += ms_write(online, "0") != 0;
		usleep(100000);
		bad += ms_write(online, "1") != 0;
		usleep(100000);
	}
	kill(a, SIGKILL);
	kill(b, SIGKILL);
	wait_child(a);
	wait_child(b);

	/* Sampling works again on the CPU that came back. */
	reset_shared();
	ms_trace_clear();
	ms_trace_on(true);
	a = spawn_strider(STRIDER_BASE, 1 << 20, 1, 0.5, false);
	start_children(1);
	wait_child(a);
	ms_trace_on(false);
	ms_trace_visit_records(count_cpu, &c);
	ksft_print_msg("10 offline/online cycles of CPU 1: %d failed; %ld records there after\n",
		       bad, c.n);
	ksft_test_result(!bad && c.n > 0 && ms_kernel_splats() == splats,
			 "hotplug: CPU 1 offline/online while sampling, sampled again after\n");
}

int main(void)
{
	long long records, samples, dropped, faults, foreign;
	const char *why = spe_unavailable();
	struct ms_settings saved;
	int splats;
	char flags[128] = "";

	ksft_print_header();
	if (why)
		ksft_exit_skip("%s\n", why);
	ksft_set_plan(11);

	page_size = sysconf(_SC_PAGESIZE);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
	ms_settings_save(&saved, spe_core_settings);
	/* The rates measured here are the interval's, not the governor's. */
	if (ms_write(MS_SYSFS "budget", "0"))
		ksft_exit_fail_msg("cannot turn the CPU budget off\n");
	min_interval = spe_read("caps/min_interval");
	ms_read(MS_SYSFS "caps/flags", flags, sizeof(flags));
	paddr_supported = strstr(flags, "paddr");
	if (ms_write(MS_TRACING "buffer_size_kb", "32768") ||
	    ms_trace_only(MS_EVENT))
		ksft_exit_fail_msg("cannot set up the mem_sampling tracepoint\n");

	splats = ms_kernel_splats();
	records = spe_read("stats/records");
	faults = spe_read("stats/faults");
	foreign = spe_read("stats/foreign");
	samples = ms_vmstat("mem_sampling_samples");
	dropped = ms_vmstat("mem_sampling_dropped");

	/* Loads only where the hardware can filter; PAs wanted. */
	if (strstr(flags, "filter_op"))
		ms_write(MS_SYSFS "op_filter", "load");
	if (paddr_supported)
		ms_write_long(MS_SYSFS "paddr", 1);

	test_probe();
	test_enable();
	test_attribution();
	test_event_filter();
	test_interval_rate();
	test_tunables();
	test_exit_in_flight();
	test_enable_cycles();
	test_hotplug();
	ms_settings_restore(&saved);

	records = spe_read("stats/records") - records;
	samples = ms_vmstat("mem_sampling_samples") - samples;
	dropped = ms_vmstat("mem_sampling_dropped") - dropped;
	ksft_print_msg("driver %lld recs %lld faults %lld foreign, core %lld samples %lld lost\n",
		       records, spe_read("stats/faults") - faults,
		       spe_read("stats/foreign") - foreign, samples, dropped);
	/*
	 * Every record the driver handed on is a sample the core dispatched
	 * or one it dropped (no task to give it to).
	 */
	ksft_test_result(records > 0 && samples <= records &&
			 records <= samples + dropped &&
			 spe_read("stats/faults") == faults &&
			 spe_read("stats/foreign") == foreign,
			 "counters: driver and core agree, no faults, no foreign records\n");
	ksft_test_result(ms_kernel_splats() == splats,
			 "log: no warning, bug or buffer fault logged\n");

	ksft_finished();
}
