// SPDX-License-Identifier: GPL-2.0
/*
 * Shared by the kselftests of NUMA balancing driven by access samples:
 * see numa_sampling_util.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <linux/mempolicy.h>

#include "../kselftest.h"
#include "numa_sampling_util.h"

long page_size;

static void __attribute__((constructor)) init_page_size(void)
{
	page_size = sysconf(_SC_PAGESIZE);
}

/*
 * Everything the tests change, kernel.mem_sampling_enable first so that it
 * is restored last.
 */
static const char * const numa_sampling_settings[] = {
	MS_SYSCTL, MS_ACTIVE, NUMAB_SYSCTL, MS_NUMA_SYSCTL, MS_ADAPT_SYSCTL,
	MS_REGION_SYSCTL, MS_SYSFS "min_latency", MS_SYSFS "op_filter",
	MS_SYSFS "paddr", MS_SYSFS "opt_in", MS_SYSFS "interval",
	MS_SYSFS "budget", NUMAB_DEBUGFS "scan_delay_ms", NUMAB_DEBUGFS "scan_period_min_ms",
	MS_EVENT "enable", NUMA_MIGRATE_EVENT "enable",
	NUMA_INTERVAL_EVENT "enable",
	MS_TRACING "events/sched/sched_numa_balance_start/enable",
	MS_TRACING "events/sched/sched_numa_balance_end/enable",
	MS_TRACING "tracing_on", NULL,
};

const char *numa_sampling_unavailable(void)
{
	if (geteuid())
		return "needs root";
	if (access(MS_NUMA_SYSCTL, F_OK))
		return "no kernel.numa_balancing_mem_sampling";
	if (access(MS_INJECT, F_OK))
		return "no test provider (CONFIG_MEM_SAMPLING_TEST_PROVIDER)";
	if (access(NODE1_DIR, F_OK))
		return "needs two NUMA nodes";
	return NULL;
}

int numa_sampling_prepare(struct ms_settings *saved)
{
	static const char * const assumed[][2] = {
		/* No moment of scan mode, whatever the settings were. */
		{ NUMAB_SYSCTL, "0" },
		{ MS_ACTIVE, "1" },
		{ MS_SYSFS "min_latency", "0" },
		{ MS_SYSFS "op_filter", "all" },
		{ MS_SYSFS "paddr", "1" },
		{ MS_SYSFS "opt_in", "0" },
		/*
		 * Intervals exactly as configured and adapted: the budget
		 * governor has its own test (mem_sampling_budget).
		 */
		{ MS_SYSFS "budget", "0" },
		/* One page per sample, so the counts are exact. */
		{ MS_REGION_SYSCTL, "0" },
		/* A new process's first pass at its first tick. */
		{ NUMAB_DEBUGFS "scan_delay_ms", "0" },
		{ MS_SYSCTL, "1" },
		{ MS_NUMA_SYSCTL, "1" },
		{ NUMAB_SYSCTL, "1" },
	};
	unsigned int i;
	int err;

	err = ms_settings_save(saved, numa_sampling_settings);
	if (err)
		return err;
	for (i = 0; i < ARRAY_SIZE(assumed); i++) {
		err = ms_write(assumed[i][0], assumed[i][1]);
		if (err) {
			ksft_print_msg("%s <- %s: %s\n", assumed[i][0],
				       assumed[i][1], strerror(-err));
			break;
		}
	}
	if (!err)
		err = ms_pin_to_cpu(0);
	if (!err)
		err = ms_wait_numa_first_pass();
	if (!err && ms_this_node() != 0) {
		ksft_print_msg("CPU 0 is not on node 0\n");
		err = -EINVAL;
	}
	if (err)
		ms_settings_restore(saved);
	return err;
}

int numa_sampling_mode(bool on)
{
	if (on)
		return ms_write(MS_NUMA_SYSCTL, "1") ?: ms_write(NUMAB_SYSCTL, "1");
	return ms_write(NUMAB_SYSCTL, "0") ?: ms_write(MS_NUMA_SYSCTL, "0");
}

const char *numa_sampling_use_hardware(void)
{
	static char why[96];
	char provider[64] = "";

	if (ms_write(MS_SYSCTL, "0") || ms_write(MS_ACTIVE, "0"))
		return "cannot set the test provider aside";
	ms_read(MS_SYSFS "provider", provider, sizeof(provider));
	if (!provider[0] || !strcmp(provider, "test") ||
	    !strcmp(provider, "none") || ms_write(MS_SYSCTL, "1")) {
		snprintf(why, sizeof(why), "no hardware provider (%s)",
			 provider[0] ? provider : "none");
		return why;
	}
	return NULL;
}

long set_task_policy(int mode, int node)
{
	unsigned long mask = 1UL << node;

	if (mode == MPOL_DEFAULT)
		return syscall(__NR_set_mempolicy, MPOL_DEFAULT, NULL, 0);
	return syscall(__NR_set_mempolicy, mode, &mask, sizeof(mask) * 8);
}

char *alloc_on_node(int nr, int node)
{
	char *buf = mmap(NULL, nr * page_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (buf == MAP_FAILED)
		return NULL;
	if (set_task_policy(MPOL_BIND, node)) {
		munmap(buf, nr * page_size);
		return NULL;
	}
	memset(buf, 0x5a, nr * page_size);
	/*
	 * A sampled task's samples of the memset may still sit in the PMU's
	 * buffer, drained only at the next context switch: sleep, so that
	 * they are drained and acted on now, under the binding, rather than
	 * migrate the pages once the policy is back to the default.
	 */
	usleep(1000);
	set_task_policy(MPOL_DEFAULT, 0);
	ms_lru_drain(buf, nr * page_size);
	if (ms_pages_on_node(buf, nr, node) != nr) {
		ksft_print_msg("could not place %d pages on node %d\n", nr, node);
		munmap(buf, nr * page_size);
		return NULL;
	}
	return buf;
}

int inject_access(pid_t pid, void *addr, bool with_pa)
{
	char line[160], *p = line;
	int err;

	if (pid)
		p += sprintf(p, "pid=%d ", pid);
	p += sprintf(p, "vaddr=0x%lx op=load", (unsigned long)addr);
	if (with_pa)
		p += sprintf(p, " paddr=0x%llx", ms_paddr_of(addr));
	sprintf(p, "\n");
	err = ms_write(MS_INJECT, line);
	if (err)
		ksft_print_msg("inject \"%.*s\": %s\n", (int)strlen(line) - 1,
			       line, strerror(-err));
	return err;
}

char *alloc_thp_on_node(int node, char **raw)
{
	int nr = HPAGE_SIZE / page_size;
	char *buf;

	*raw = mmap(NULL, 2 * HPAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (*raw == MAP_FAILED)
		return NULL;
	buf = (char *)(((unsigned long)*raw + HPAGE_SIZE - 1) & ~(HPAGE_SIZE - 1));
	if (madvise(buf, HPAGE_SIZE, MADV_HUGEPAGE) ||
	    set_task_policy(MPOL_BIND, node))
		goto fail;
	memset(buf, 7, HPAGE_SIZE);
	set_task_policy(MPOL_DEFAULT, 0);
	/* One huge page: on @node, and physically contiguous. */
	if (ms_pages_on_node(buf, nr, node) == nr &&
	    ms_pfn_of(buf) + nr - 1 == ms_pfn_of(buf + HPAGE_SIZE - page_size))
		return buf;
fail:
	munmap(*raw, 2 * HPAGE_SIZE);
	return NULL;
}
