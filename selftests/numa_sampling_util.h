/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the kselftests of NUMA balancing driven by access samples
 * (numa_sampling_*.c), compiled once (numa_sampling_util.c): the fixture
 * every one of them uses, and placing and sampling test memory.
 *
 * The tests run on the 2-node guest, fed by the mem_sampling test
 * provider: records written to /sys/kernel/debug/mem_sampling/inject are
 * attributed to a task exactly as a PMU's would be, and the task processes
 * them on its way back to user space, so by the time write(2) returns the
 * migrations are done and the counts are exact.
 *
 * The test process runs on CPU 0 (node 0); its memory is placed on node 1
 * by a task policy that is dropped again, so the default policy (migrate
 * towards the accessing node) applies to it.
 */
#ifndef NUMA_SAMPLING_UTIL_H
#define NUMA_SAMPLING_UTIL_H

#include <stdbool.h>
#include <sys/types.h>

#include "mem_sampling_util.h"

extern long page_size;

/* Why these tests cannot run here (not root, no test provider...), or NULL. */
const char *numa_sampling_unavailable(void);
/*
 * Save what the tests change into @saved, then set what they assume:
 * the test provider active, sampling and sample mode on, every operation,
 * no latency filter, physical addresses, every process sampled, one page
 * per sample, this task on CPU 0.  On failure everything is put back.
 */
int numa_sampling_prepare(struct ms_settings *saved);

/*
 * Sample mode on (and NUMA balancing with it) or both off, in the order
 * that never leaves scan mode on for a moment: a scan then would make
 * PTEs PROT_NONE, and the test's own accesses would take hint faults
 * long after.
 */
int numa_sampling_mode(bool on);

/*
 * Sampling with the hardware provider (the SPE driver) instead of the test
 * provider.  NULL, or why there is none (sampling then off), to SKIP with.
 */
const char *numa_sampling_use_hardware(void);

/* set_mempolicy(2) for this task: @mode on @node alone (or the default). */
long set_task_policy(int mode, int node);
/* @nr pages of anonymous memory, faulted in on @node; NULL on failure. */
char *alloc_on_node(int nr, int node);
#define HPAGE_SIZE	(2UL << 20)
/*
 * A transparent huge page faulted in on @node: its 2 MiB-aligned address
 * in a mapping of 2 * HPAGE_SIZE at *@raw (for munmap).  NULL, nothing
 * left mapped, if no such page could be had.
 */
char *alloc_thp_on_node(int node, char **raw);
/*
 * One load sample of @addr by @pid (0: this task), with its physical
 * address if @with_pa.
 */
int inject_access(pid_t pid, void *addr, bool with_pa);

#ifdef __KSELFTEST_HARNESS_H
/*
 * The fixture of the test files, which include kselftest_harness.h
 * first: set up and restored around every test.  The restore runs in the
 * parent of the test process, so it happens even if the test crashes.
 */
FIXTURE(numa_sampling) {
	struct ms_settings saved;
};

FIXTURE_SETUP(numa_sampling)
{
	const char *why = numa_sampling_unavailable();

	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, numa_sampling_prepare(&self->saved));
}

FIXTURE_TEARDOWN_PARENT(numa_sampling)
{
	EXPECT_EQ(0, ms_settings_restore(&self->saved));
}
#endif

#endif /* NUMA_SAMPLING_UTIL_H */
