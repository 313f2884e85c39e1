// SPDX-License-Identifier: GPL-2.0
/*
 * End to end through the test provider: records written to
 * /sys/kernel/debug/mem_sampling/inject take the providers' path through
 * the core and must reach the mem_sampling:mem_sampling_record tracepoint
 * and the /proc/vmstat counters, attributed to the right process; a
 * process that opted out, or sampling switched off, produces none; the
 * tunables filter as hardware would; malformed input changes nothing.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "mem_sampling_util.h"

#define TRACE_MAX	(1024 * 1024)

/* Records in the trace buffer for @pid with @vaddr (0: any); -1 on error. */
static int trace_count(pid_t pid, unsigned long long vaddr, char *match,
		       size_t match_size)
{
	static char buf[TRACE_MAX];
	char needle[128], *line, *save;
	int n = 0;

	if (ms_read(MS_TRACING "trace", buf, sizeof(buf)))
		return -1;
	snprintf(needle, sizeof(needle), "mem_sampling_record: pid=%d tid=%d ",
		 pid, pid);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *event = strstr(line, needle);
		char want[64];

		if (!event)
			continue;
		snprintf(want, sizeof(want), " vaddr=0x%llx ", vaddr);
		if (vaddr && !strstr(event, want))
			continue;
		if (match && !n)
			snprintf(match, match_size, "%s", event);
		n++;
	}
	return n;
}

/* A child that waits to be killed, in the given prctl mode. */
static pid_t spawn_sleeper(int mode)
{
	int pipefd[2];
	char c;
	pid_t pid;

	if (pipe(pipefd))
		return -1;
	pid = fork();
	if (!pid) {
		close(pipefd[0]);
		if (mode >= 0 && ms_set_mode(mode))
			_exit(1);
		if (write(pipefd[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(pipefd[1]);
	if (pid > 0 && read(pipefd[0], &c, 1) != 1) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		pid = -1;
	}
	close(pipefd[0]);
	return pid;
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* What the fixture changes, restored after each test. */
static const char * const inject_settings[] = {
	MS_SYSCTL, MS_ACTIVE, MS_EVENT "enable", MS_SYSFS "min_latency",
	MS_SYSFS "op_filter", MS_SYSFS "event_filter", MS_SYSFS "paddr",
	MS_SYSFS "opt_in", NULL,
};

FIXTURE(inject) {
	struct ms_settings saved;
};

FIXTURE_SETUP(inject)
{
	if (access(MS_INJECT, F_OK))
		SKIP(return, "no %s: CONFIG_MEM_SAMPLING_TEST_PROVIDER off", MS_INJECT);
	if (access(MS_EVENT "enable", F_OK))
		SKIP(return, "no tracefs event %s", MS_EVENT);
	ASSERT_EQ(0, ms_settings_save(&self->saved, inject_settings));
	/* The test provider takes over from a real one for the test. */
	ASSERT_EQ(0, ms_write(MS_ACTIVE, "1"));
	ASSERT_EQ(0, ms_write(MS_SYSCTL, "1"));
	ASSERT_EQ(0, ms_write(MS_EVENT "enable", "1"));
	ASSERT_EQ(0, ms_trace_clear());
	ASSERT_EQ(0, ms_set_mode(PR_MEM_SAMPLING_DEFAULT));
	ASSERT_GE(ms_vmstat("mem_sampling_samples"), 0);
}

FIXTURE_TEARDOWN(inject)
{
	EXPECT_EQ(0, ms_settings_restore(&self->saved));
}

static const char full_addresses[] = "vaddr=0x7f001000 paddr=0x402000 pc=0x4123";
static const char full_rest[] = "op=load latency=123 data_source=5 events=0x16 count=5";
/* Valid bits VADDR | PADDR | PC | TOTAL_LAT | DATA_SOURCE = 0x127. */
static const char full_event[] =
	" paddr=0x402000 pc=0x4123 flags=0x127 events=0x16 latency=123 data_source=0x5 op=load";

TEST_F(inject, reaches_tracepoint_and_vmstat)
{
	struct ms_counters before;
	char event[512];
	pid_t me = getpid();

	ms_counters_read(&before);
	ASSERT_EQ(0, ms_inject("pid=%d %s %s\n", me, full_addresses, full_rest));
	EXPECT_EQ(5, ms_counters_delta(&before, VM_SAMPLES));
	EXPECT_EQ(5, ms_counters_delta(&before, VM_TRACE_HANDLED));
	EXPECT_EQ(0, ms_counters_delta(&before, VM_DROPPED));
	ASSERT_EQ(5, trace_count(me, 0x7f001000ULL, event, sizeof(event)));
	/* Every field made it. */
	EXPECT_NE(NULL, strstr(event, full_event))
		TH_LOG("event: %s", event);
}

static const char two_processes[] =
	"pid=%d vaddr=0x1000 op=store count=3\nvaddr=0x2000 op=load count=2\n# comment\n\n";

TEST_F(inject, pid_attribution)
{
	pid_t child = spawn_sleeper(-1);
	struct ms_counters before;

	ASSERT_GT(child, 0);
	ms_counters_read(&before);
	/* Two processes in one write: each record goes to its own. */
	ASSERT_EQ(0, ms_inject(two_processes, child));
	EXPECT_EQ(3, trace_count(child, 0x1000, NULL, 0));
	EXPECT_EQ(0, trace_count(child, 0x2000, NULL, 0));
	EXPECT_EQ(2, trace_count(getpid(), 0x2000, NULL, 0));
	EXPECT_EQ(0, trace_count(getpid(), 0x1000, NULL, 0));
	EXPECT_EQ(5, ms_counters_delta(&before, VM_SAMPLES));
	reap(child);
}

TEST_F(inject, opted_out_process_produces_none)
{
	pid_t disabled = spawn_sleeper(PR_MEM_SAMPLING_DISABLE);
	struct ms_counters before;

	ASSERT_GT(disabled, 0);
	ms_counters_read(&before);
	ASSERT_EQ(0, ms_inject("pid=%d vaddr=0x3000 op=load count=4\n", disabled));
	ASSERT_EQ(0, ms_set_mode(PR_MEM_SAMPLING_DISABLE));
	ASSERT_EQ(0, ms_inject("vaddr=0x3000 op=load count=4\n"));
	EXPECT_EQ(0, trace_count(disabled, 0, NULL, 0));
	EXPECT_EQ(0, trace_count(getpid(), 0, NULL, 0));
	EXPECT_EQ(0, ms_counters_delta(&before, VM_SAMPLES));
	/* Opting back in works at once. */
	ASSERT_EQ(0, ms_set_mode(PR_MEM_SAMPLING_DEFAULT));
	ASSERT_EQ(0, ms_inject("vaddr=0x3000 op=load\n"));
	EXPECT_EQ(1, trace_count(getpid(), 0x3000, NULL, 0));
	reap(disabled);
}

TEST_F(inject, opt_in_mode)
{
	pid_t enabled = spawn_sleeper(PR_MEM_SAMPLING_ENABLE);
	pid_t plain = spawn_sleeper(-1);

	ASSERT_GT(enabled, 0);
	ASSERT_GT(plain, 0);
	ASSERT_EQ(0, ms_write(MS_SYSFS "opt_in", "1"));
	ASSERT_EQ(0, ms_inject("pid=%d vaddr=0x4000\npid=%d vaddr=0x4000\n",
			       enabled, plain));
	ASSERT_EQ(0, ms_write(MS_SYSFS "opt_in", "0"));
	EXPECT_EQ(1, trace_count(enabled, 0x4000, NULL, 0));
	EXPECT_EQ(0, trace_count(plain, 0x4000, NULL, 0));
	reap(enabled);
	reap(plain);
}

TEST_F(inject, disabled_globally_produces_none)
{
	struct ms_counters before;

	ASSERT_EQ(0, ms_write(MS_SYSCTL, "0"));
	ms_counters_read(&before);
	ASSERT_EQ(0, ms_inject("vaddr=0x5000 op=load count=3\n"));
	EXPECT_EQ(0, ms_counters_delta(&before, VM_SAMPLES));
	EXPECT_EQ(0, trace_count(getpid(), 0, NULL, 0));
}

TEST_F(inject, malformed_lines)
{
	static const char * const bad[] = {
		"vaddr=zz\n", "bogus=1\n", "op=fly\n", "count=0\n",
		"count=100000\n", "pid=-1\n", "vaddr\n", "=5\n", "vaddr=\n",
		"vaddr=1 vaddr=2\n", "latency=70000\n",
		/* One bad line spoils the whole write. */
		"vaddr=0x6000\nvaddr=0x6000 what=1\n",
	};
	struct ms_counters before;
	int i;

	ms_counters_read(&before);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_EQ(-EINVAL, ms_write(MS_INJECT, bad[i]))
			TH_LOG("bad input #%d", i);
	/* No such process. */
	EXPECT_EQ(-ESRCH, ms_inject("pid=%d vaddr=0x6000\n", 0x3ffffff0));
	EXPECT_EQ(0, ms_counters_delta(&before, VM_SAMPLES));
	EXPECT_EQ(0, trace_count(getpid(), 0x6000, NULL, 0));
}

static int inject_one(void *arg)
{
	return -ms_inject("vaddr=0x7000\n") & 0xff;
}

TEST_F(inject, root_only)
{
	struct ms_counters before;
	int status;

	ms_counters_read(&before);
	status = ms_run_as_nobody(inject_one, NULL);
	EXPECT_TRUE(status == EACCES || status == EPERM)
		TH_LOG("status %d", status);
	EXPECT_EQ(0, ms_counters_delta(&before, VM_SAMPLES));
}

TEST_F(inject, hardware_filters)
{
	char event[512];

	ASSERT_EQ(0, ms_write(MS_SYSFS "min_latency", "50"));
	ASSERT_EQ(0, ms_inject("vaddr=0x8000 latency=10\n"
			       "vaddr=0x8001 latency=100\n"
			       "vaddr=0x8002\n"));
	EXPECT_EQ(0, trace_count(getpid(), 0x8000, NULL, 0));
	EXPECT_EQ(1, trace_count(getpid(), 0x8001, NULL, 0));
	EXPECT_EQ(0, trace_count(getpid(), 0x8002, NULL, 0));
	ASSERT_EQ(0, ms_write(MS_SYSFS "min_latency", "0"));

	ASSERT_EQ(0, ms_write(MS_SYSFS "op_filter", "load"));
	ASSERT_EQ(0, ms_inject("vaddr=0x9000 op=store\n"
			    "vaddr=0x9001 op=load\n"
			    "vaddr=0x9002 op=branch\n"));
	EXPECT_EQ(0, trace_count(getpid(), 0x9000, NULL, 0));
	EXPECT_EQ(1, trace_count(getpid(), 0x9001, NULL, 0));
	EXPECT_EQ(0, trace_count(getpid(), 0x9002, NULL, 0));
	ASSERT_EQ(0, ms_write(MS_SYSFS "op_filter", "all"));

	/* Every event asked for (L1D miss 0x4, remote access 0x80). */
	ASSERT_EQ(0, ms_write(MS_SYSFS "event_filter", "l1d_miss,remote_access"));
	ASSERT_EQ(0, ms_read(MS_SYSFS "event_filter", event, sizeof(event)));
	EXPECT_STREQ("l1d_miss,remote_access", event);
	ASSERT_EQ(0, ms_inject("vaddr=0xb000 events=0x4\n"
			       "vaddr=0xb001 events=0x84\n"
			       "vaddr=0xb002 events=0x87\n"
			       "vaddr=0xb003 events=0x80\n"));
	EXPECT_EQ(0, trace_count(getpid(), 0xb000, NULL, 0));
	EXPECT_EQ(1, trace_count(getpid(), 0xb001, NULL, 0));
	EXPECT_EQ(1, trace_count(getpid(), 0xb002, NULL, 0));
	EXPECT_EQ(0, trace_count(getpid(), 0xb003, NULL, 0));
	ASSERT_EQ(0, ms_write(MS_SYSFS "event_filter", "none"));
	ASSERT_EQ(0, ms_read(MS_SYSFS "event_filter", event, sizeof(event)));
	EXPECT_STREQ("none", event);

	ASSERT_EQ(0, ms_write(MS_SYSFS "paddr", "0"));
	ASSERT_EQ(0, ms_inject("vaddr=0xa000 paddr=0x1234000\n"));
	ASSERT_EQ(1, trace_count(getpid(), 0xa000, event, sizeof(event)));
	EXPECT_NE(NULL, strstr(event, " paddr=0x0 ")) TH_LOG("event: %s", event);
	EXPECT_NE(NULL, strstr(event, " flags=0x1 ")) TH_LOG("event: %s", event);
}

TEST_F(inject, truncated_counted)
{
	struct ms_counters before;
	char event[512];

	ms_counters_read(&before);
	ASSERT_EQ(0, ms_inject("vaddr=0xb000 truncated=1 count=2\n"));
	EXPECT_EQ(2, ms_counters_delta(&before, VM_TRUNCATED));
	EXPECT_EQ(2, ms_counters_delta(&before, VM_SAMPLES));
	ASSERT_EQ(2, trace_count(getpid(), 0xb000, event, sizeof(event)));
	/* VADDR_VALID | TRUNCATED */
	EXPECT_NE(NULL, strstr(event, " flags=0x401 ")) TH_LOG("event: %s", event);
}

TEST_F(inject, many_records_in_batches)
{
	struct ms_counters before;

	ms_counters_read(&before);
	ASSERT_EQ(0, ms_inject("vaddr=0xc000 op=load count=1000\n"
			       "vaddr=0xc001 op=store count=1000\n"));
	EXPECT_EQ(2000, ms_counters_delta(&before, VM_SAMPLES));
	EXPECT_EQ(2000, ms_counters_delta(&before, VM_TRACE_HANDLED));
	EXPECT_EQ(1000, trace_count(getpid(), 0xc000, NULL, 0));
	EXPECT_EQ(1000, trace_count(getpid(), 0xc001, NULL, 0));
}

TEST_HARNESS_MAIN
