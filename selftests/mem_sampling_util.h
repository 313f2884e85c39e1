/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The helper library of the mem_sampling kselftests, compiled once
 * (mem_sampling_util.c) and linked into every test: the paths of the
 * controls, reading and writing them, saving and restoring a set of them,
 * the vmstat counters, the prctl numbers, the test provider's inject
 * file, dropping to the unprivileged user, placing pages on a NUMA node,
 * the trace buffer and the kernel log.
 *
 * Every function that can fail returns 0 (or a value >= 0) on success and
 * a negative errno on failure, unless its comment says otherwise.
 */
#ifndef MEM_SAMPLING_UTIL_H
#define MEM_SAMPLING_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <linux/prctl.h>

#ifndef PR_SET_MEM_SAMPLING
#define PR_SET_MEM_SAMPLING		0x4d534d53
#define PR_GET_MEM_SAMPLING		0x4d534d47
#define PR_MEM_SAMPLING_DEFAULT		0
#define PR_MEM_SAMPLING_ENABLE		1
#define PR_MEM_SAMPLING_DISABLE		2
#endif

/* The core's switch and NUMA balancing's sample mode with its tunables. */
#define MS_SYSCTL		"/proc/sys/kernel/mem_sampling_enable"
#define MS_NUMA_SYSCTL		"/proc/sys/kernel/numa_balancing_mem_sampling"
#define MS_ADAPT_SYSCTL		MS_NUMA_SYSCTL "_adapt"
#define MS_REGION_SYSCTL	MS_NUMA_SYSCTL "_region_order"
#define NUMAB_SYSCTL		"/proc/sys/kernel/numa_balancing"
#define NUMAB_DEBUGFS		"/sys/kernel/debug/sched/numa_balancing/"

/* The core's tunables, and the test provider's debugfs files. */
#define MS_SYSFS		"/sys/kernel/mm/mem_sampling/"
#define MS_DEBUGFS		"/sys/kernel/debug/mem_sampling/"
#define MS_INJECT		MS_DEBUGFS "inject"
#define MS_ACTIVE		MS_DEBUGFS "active"
#define MS_STATS		MS_DEBUGFS "stats"

/* tracefs and the events of the core and of the NUMA consumer. */
#define MS_TRACING		"/sys/kernel/tracing/"
#define MS_EVENT		MS_TRACING "events/mem_sampling/mem_sampling_record/"
#define NUMA_MIGRATE_EVENT	MS_TRACING "events/numa_sampling/numa_sampling_migrate/"
#define NUMA_INTERVAL_EVENT	MS_TRACING "events/numa_sampling/numa_sampling_interval/"

#define NODE1_DIR		"/sys/devices/system/node/node1"
#define CPU1_ONLINE		"/sys/devices/system/cpu/cpu1/online"

#define NOBODY_UID		1000

/* ------------------------------------------------ files */

/* Write the @len bytes at @buf (NULs included) to @path in one write(). */
int ms_write_bytes(const char *path, const void *buf, size_t len);
/* Write @text to @path in one write(). */
int ms_write(const char *path, const char *text);
int ms_write_long(const char *path, long long value);
/*
 * Read all of @path (up to @size - 1 bytes) into @buf, NUL-terminated,
 * trailing newlines removed.
 */
int ms_read(const char *path, char *buf, size_t size);
/* The number in @path, or -errno. */
long long ms_read_long(const char *path);

/*
 * A set of files saved to be put back as they were: what a fixture saves
 * in its setup and restores in its teardown.
 */
#define MS_SETTINGS_MAX	24

struct ms_settings {
	int nr;
	struct {
		const char *path;
		char value[64];
	} file[MS_SETTINGS_MAX];
};

/*
 * Save the files of the NULL-terminated @paths that exist.  -EINVAL if
 * there are more than MS_SETTINGS_MAX.
 */
int ms_settings_save(struct ms_settings *saved, const char * const *paths);
/*
 * Put them back, kernel.mem_sampling_enable off first and the others in
 * the reverse order of @paths (so list it first, to have it restored
 * last).  Returns how many files do not read as saved afterwards, each
 * logged.
 */
int ms_settings_restore(const struct ms_settings *saved);

/* ------------------------------------------------ vmstat counters */

/* A /proc/vmstat counter, or -1 if it is not there. */
long long ms_vmstat(const char *name);

/*
 * Sample mode uses a process's samples from its first NUMA balancing pass
 * on, as the scan starts with it then (numa_sampling_skip_new); a fork by
 * a single-threaded process starts its wait again, as upstream's
 * init_numa_balancing() does for the scan.  With scan_delay_ms 0 the pass
 * comes at the process's next tick: spin until it has come, at most
 * MS_NUMA_FIRST_PASS_S seconds.  0 or -errno.
 */
#define MS_NUMA_FIRST_PASS_S	10
int ms_wait_numa_first_pass(void);
/* This process's mm->numa_scan_seq (/proc/self/sched), or -errno. */
long long ms_numa_scan_seq(void);

/* The counters the tests check, read from /proc/vmstat together. */
enum ms_counter {
	VM_SAMPLES, VM_DROPPED, VM_TRUNCATED, VM_TRACE_HANDLED,
	VM_QUEUED, VM_NUMA_DROPPED, VM_USED, VM_LOCAL, VM_MIGRATED, VM_THP,
	VM_FAILED, VM_SKIP_INVALID, VM_SKIP_STALE, VM_SKIP_LOCKED,
	VM_SKIP_UNMAPPED, VM_SKIP_VMA, VM_SKIP_FOLIO, VM_SKIP_PADDR,
	VM_SKIP_HINTED, VM_SKIP_NEW, VM_SCANS_REPLACED, VM_AROUND, VM_PROMOTED,
	VM_PROMOTE_FIRST, VM_PROMOTE_COLD, VM_PROMOTE_REFUSED, VM_PROMOTE_LOWMEM, VM_PINGPONG,
	VM_HINT_FAULTS, VM_PTE_UPDATES, VM_NR_COUNTERS
};

extern const char * const ms_counter_names[VM_NR_COUNTERS];

struct ms_counters {
	long long v[VM_NR_COUNTERS];
};

/*
 * All of them from one read; -ENOENT if the kernel lacks one (which then
 * reads -1).
 */
int ms_counters_read(struct ms_counters *counters);
/* How far @which moved since @before (a fresh read). */
long long ms_counters_delta(const struct ms_counters *before,
			    enum ms_counter which);
/*
 * Did every counter move since @before by exactly the (enum ms_counter,
 * long long delta) pairs given, ending with -1, and every other not at
 * all?  numa_sampling_scans_replaced follows the scheduler's tick and is
 * not checked.  Logs what differs.
 */
bool ms_counters_moved_exactly(const struct ms_counters *before, ...);
/* Log every counter that moved since @before, to tell why a run failed. */
void ms_counters_log_moved(const struct ms_counters *before);

/* ------------------------------------------------ processes */

int ms_set_mode(unsigned long mode);
/* This process's prctl mode. */
int ms_get_mode(void);
/*
 * Become the unprivileged user NOBODY_UID for good: no supplementary
 * groups, real, effective and saved ids all changed, so every capability
 * is gone.
 */
int ms_become_nobody(void);
/*
 * Run @fn(@arg) in a child that became NOBODY_UID; its result is the
 * child's exit status (0 is success): MS_NOBODY_SETUP if it could not drop
 * its privileges, -1 if it did not exit within 30 s (it is killed).
 */
#define MS_NOBODY_SETUP	100
int ms_run_as_nobody(int (*fn)(void *arg), void *arg);
int ms_pin_to_cpu(int cpu);
/* The node this task runs on. */
int ms_this_node(void);
/* CLOCK_MONOTONIC in seconds. */
double ms_now(void);
/* Sleep @ms milliseconds, all of them even if a signal comes. */
void ms_sleep_ms(long ms);

/* Write one formatted text of records to the test provider's inject file. */
int ms_inject(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ------------------------------------------------ memory */

/*
 * Move the @nr pages at @buf (faulted in) to @node with move_pages(2),
 * which leaves no memory policy behind: NUMA balancing may move them back.
 * -EBUSY if a page did not move.
 */
int ms_move_to_node(void *buf, int nr, int node);
/* How many of the @nr pages at @buf are on @node. */
int ms_pages_on_node(void *buf, int nr, int node);
/* Node of the page at @addr in process @pid (0: this one). */
int ms_node_of(pid_t pid, void *addr);
/* Frame numbers of the pages of [@base, @base + @size); 0 where unknown. */
int ms_pagemap(unsigned long base, size_t size, unsigned long long *pfns);
/* The same for process @pid (0: this one). */
int ms_pagemap_of(pid_t pid, unsigned long base, size_t size,
		  unsigned long long *pfns);
/* Frame of the page at @addr, 0 if unknown. */
unsigned long long ms_pfn_of(const void *addr);
/* Physical address of the byte at @addr, 0 if unknown. */
unsigned long long ms_paddr_of(const void *addr);
/*
 * New pages wait in a per-CPU batch before they reach the LRU, and a
 * folio not on the LRU cannot be isolated for migration.  mlock() and
 * munlock() drain this CPU's batches.
 */
void ms_lru_drain(void *addr, size_t len);

/* ------------------------------------------------ tracing, kernel log */

int ms_trace_on(bool on);
/*
 * Tracing off, every event off and the buffer empty, then the event whose
 * tracefs directory is @event_dir on: the next ms_trace_on(true) records
 * only that event.
 */
int ms_trace_only(const char *event_dir);
/* Empty the trace buffer (opening "trace" with O_TRUNC does). */
int ms_trace_clear(void);
/* How often @text occurs in the trace buffer, -errno if unreadable. */
int ms_trace_count(const char *text);

/* One mem_sampling:mem_sampling_record event from the trace. */
struct ms_trace_record {
	int pid, tid, cpu;
	unsigned long long vaddr, paddr, pc;
	unsigned int flags, events;
};

/* mem_sampling_record.flags bits, from include/linux/mem_sampling.h. */
#define REC_VADDR_VALID		0x1
#define REC_PADDR_VALID		0x2

/* Call @fn for every record in the trace buffer; returns how many. */
long ms_trace_visit_records(void (*fn)(const struct ms_trace_record *record, void *arg),
			    void *arg);

/* How many records of process @pid the trace buffer holds. */
long ms_trace_records_of(pid_t pid);

/*
 * Number of kernel log lines that show a kernel problem.  Tests compare
 * it before and after: a splat anywhere in between fails them.
 */
int ms_kernel_splats(void);

#endif /* MEM_SAMPLING_UTIL_H */
