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
#include <stdarg.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "mem_sampling_util.h"

#define TRACE_MAX	(1024 * 1024)

struct counters {
	long long samples, dropped, truncated, trace_handled;
};

static void read_counters(struct counters *c)
{
	c->samples = ms_vmstat("mem_sampling_samples");
	c->dropped = ms_vmstat("mem_sampling_dropped");
	c->truncated = ms_vmstat("mem_sampling_truncated");
	c->trace_handled = ms_vmstat("mem_sampling_trace_handled");
}

/* Records in the trace buffer for @pid with @vaddr (0: any); -1 on error. */
static int trace_count(pid_t pid, unsigned long long vaddr, char *match,
		       size_t match_size)
{
	static char buf[TRACE_MAX];
	char needle[128], *line, *save;
	ssize_t len, total = 0;
	int fd, n = 0;

	fd = open(MS_TRACING "trace", O_RDONLY);
	if (fd < 0)
		return -1;
	while ((len = read(fd, buf + total, sizeof(buf) - 1 - total)) > 0)
		total += len;
	close(fd);
	buf[total] = '\0';
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

static int trace_clear(void)
{
	return ms_write(MS_TRACING "trace", "");
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

FIXTURE(inject) {
	long saved_enable, saved_active;
	char saved_event_enable[8];
	char min_latency[32], op_filter[32], paddr[8];
};

FIXTURE_SETUP(inject)
{
	if (access(MS_INJECT, F_OK))
		SKIP(return, "no %s: CONFIG_MEM_SAMPLING_TEST_PROVIDER off", MS_INJECT);
	if (access(MS_EVENT "enable", F_OK))
		SKIP(return, "no tracefs event %s", MS_EVENT);
	self->saved_enable = ms_read_long(MS_SYSCTL);
	self->saved_active = ms_read_long(MS_ACTIVE);
	ASSERT_EQ(0, ms_read(MS_EVENT "enable", self->saved_event_enable, 8));
	ASSERT_EQ(0, ms_read(MS_SYSFS "min_latency", self->min_latency, 32));
	ASSERT_EQ(0, ms_read(MS_SYSFS "op_filter", self->op_filter, 32));
	ASSERT_EQ(0, ms_read(MS_SYSFS "paddr", self->paddr, 8));
	/* The test provider takes over from a real one for the test. */
	ASSERT_EQ(0, ms_write(MS_ACTIVE, "1"));
	ASSERT_EQ(0, ms_write(MS_SYSCTL, "1"));
	ASSERT_EQ(0, ms_write(MS_EVENT "enable", "1"));
	ASSERT_EQ(0, trace_clear());
	ASSERT_EQ(0, ms_set_mode(PR_MEM_SAMPLING_DEFAULT));
	ASSERT_GE(ms_vmstat("mem_sampling_samples"), 0);
}

FIXTURE_TEARDOWN(inject)
{
	char value[8];

	ms_write(MS_EVENT "enable", self->saved_event_enable);
	ms_write(MS_SYSFS "min_latency", self->min_latency);
	ms_write(MS_SYSFS "op_filter", self->op_filter);
	ms_write(MS_SYSFS "paddr", self->paddr);
	ms_write(MS_SYSFS "opt_in", "0");
	snprintf(value, sizeof(value), "%ld", self->saved_enable);
	ms_write(MS_SYSCTL, value);
	ms_write(MS_ACTIVE, self->saved_active == 1 ? "1" : "0");
}

static const char full_addresses[] = "vaddr=0x7f001000 paddr=0x402000 pc=0x4123";
static const char full_rest[] = "op=load latency=123 data_source=5 events=0x16 count=5";
/* Valid bits VADDR | PADDR | PC | TOTAL_LAT | DATA_SOURCE = 0x127. */
static const char full_event[] =
	" paddr=0x402000 pc=0x4123 flags=0x127 events=0x16 latency=123 data_source=0x5 op=load";

TEST_F(inject, reaches_tracepoint_and_vmstat)
{
	struct counters before, after;
	char event[512];
	pid_t me = getpid();

	read_counters(&before);
	ASSERT_EQ(0, inject("pid=%d %s %s\n", me, full_addresses, full_rest));
	read_counters(&after);
	EXPECT_EQ(5, after.samples - before.samples);
	EXPECT_EQ(5, after.trace_handled - before.trace_handled);
	EXPECT_EQ(0, after.dropped - before.dropped);
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
	struct counters before, after;

	ASSERT_GT(child, 0);
	read_counters(&before);
	/* Two processes in one write: each record goes to its own. */
	ASSERT_EQ(0, inject(two_processes, child));
	read_counters(&after);
	EXPECT_EQ(3, trace_count(child, 0x1000, NULL, 0));
	EXPECT_EQ(0, trace_count(child, 0x2000, NULL, 0));
	EXPECT_EQ(2, trace_count(getpid(), 0x2000, NULL, 0));
	EXPECT_EQ(0, trace_count(getpid(), 0x1000, NULL, 0));
	EXPECT_EQ(5, after.samples - before.samples);
	reap(child);
}

TEST_F(inject, opted_out_process_produces_none)
{
	pid_t disabled = spawn_sleeper(PR_MEM_SAMPLING_DISABLE);
	struct counters before, after;

	ASSERT_GT(disabled, 0);
	read_counters(&before);
	ASSERT_EQ(0, inject("pid=%d vaddr=0x3000 op=load count=4\n", disabled));
	ASSERT_EQ(0, ms_set_mode(PR_MEM_SAMPLING_DISABLE));
	ASSERT_EQ(0, inject("vaddr=0x3000 op=load count=4\n"));
	read_counters(&after);
	EXPECT_EQ(0, trace_count(disabled, 0, NULL, 0));
	EXPECT_EQ(0, trace_count(getpid(), 0, NULL, 0));
	EXPECT_EQ(0, after.samples - before.samples);
	/* Opting back in works at once. */
	ASSERT_EQ(0, ms_set_mode(PR_MEM_SAMPLING_DEFAULT));
	ASSERT_EQ(0, inject("vaddr=0x3000 op=load\n"));
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
	ASSERT_EQ(0, inject("pid=%d vaddr=0x4000\npid=%d vaddr=0x4000\n",
			    enabled, plain));
	ASSERT_EQ(0, ms_write(MS_SYSFS "opt_in", "0"));
	EXPECT_EQ(1, trace_count(enabled, 0x4000, NULL, 0));
	EXPECT_EQ(0, trace_count(plain, 0x4000, NULL, 0));
	reap(enabled);
	reap(plain);
}

TEST_F(inject, disabled_globally_produces_none)
{
	struct counters before, after;

	ASSERT_EQ(0, ms_write(MS_SYSCTL, "0"));
	read_counters(&before);
	ASSERT_EQ(0, inject("vaddr=0x5000 op=load count=3\n"));
	read_counters(&after);
	EXPECT_EQ(0, after.samples - before.samples);
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
	struct counters before, after;
	int i;

	read_counters(&before);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_EQ(-EINVAL, ms_write(MS_INJECT, bad[i]))
			TH_LOG("bad input #%d", i);
	/* No such process. */
	EXPECT_EQ(-ESRCH, inject("pid=%d vaddr=0x6000\n", 0x3ffffff0));
	read_counters(&after);
	EXPECT_EQ(0, after.samples - before.samples);
	EXPECT_EQ(0, trace_count(getpid(), 0x6000, NULL, 0));
}

TEST_F(inject, root_only)
{
	int status;
	pid_t pid = fork();

	ASSERT_GE(pid, 0);
	if (!pid) {
		if (ms_become_nobody())
			_exit(10);
		_exit(-inject("vaddr=0x7000\n") & 0xff);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_TRUE(WEXITSTATUS(status) == EACCES || WEXITSTATUS(status) == EPERM)
		TH_LOG("status %d", WEXITSTATUS(status));
	EXPECT_EQ(0, trace_count(pid, 0, NULL, 0));
}

TEST_F(inject, hardware_filters)
{
	char event[512];

	ASSERT_EQ(0, ms_write(MS_SYSFS "min_latency", "50"));
	ASSERT_EQ(0, inject("vaddr=0x8000 latency=10\nvaddr=0x8001 latency=100\nvaddr=0x8002\n"));
	EXPECT_EQ(0, trace_count(getpid(), 0x8000, NULL, 0));
	EXPECT_EQ(1, trace_count(getpid(), 0x8001, NULL, 0));
	EXPECT_EQ(0, trace_count(getpid(), 0x8002, NULL, 0));
	ASSERT_EQ(0, ms_write(MS_SYSFS "min_latency", "0"));

	ASSERT_EQ(0, ms_write(MS_SYSFS "op_filter", "load"));
	ASSERT_EQ(0, inject("vaddr=0x9000 op=store\n"
			    "vaddr=0x9001 op=load\n"
			    "vaddr=0x9002 op=branch\n"));
	EXPECT_EQ(0, trace_count(getpid(), 0x9000, NULL, 0));
	EXPECT_EQ(1, trace_count(getpid(), 0x9001, NULL, 0));
	EXPECT_EQ(0, trace_count(getpid(), 0x9002, NULL, 0));
	ASSERT_EQ(0, ms_write(MS_SYSFS "op_filter", "all"));

	ASSERT_EQ(0, ms_write(MS_SYSFS "paddr", "0"));
	ASSERT_EQ(0, inject("vaddr=0xa000 paddr=0x1234000\n"));
	ASSERT_EQ(1, trace_count(getpid(), 0xa000, event, sizeof(event)));
	EXPECT_NE(NULL, strstr(event, " paddr=0x0 ")) TH_LOG("event: %s", event);
	EXPECT_NE(NULL, strstr(event, " flags=0x1 ")) TH_LOG("event: %s", event);
}

TEST_F(inject, truncated_counted)
{
	struct counters before, after;
	char event[512];

	read_counters(&before);
	ASSERT_EQ(0, inject("vaddr=0xb000 truncated=1 count=2\n"));
	read_counters(&after);
	EXPECT_EQ(2, after.truncated - before.truncated);
	EXPECT_EQ(2, after.samples - before.samples);
	ASSERT_EQ(2, trace_count(getpid(), 0xb000, event, sizeof(event)));
	/* VADDR_VALID | TRUNCATED */
	EXPECT_NE(NULL, strstr(event, " flags=0x401 ")) TH_LOG("event: %s", event);
}

TEST_F(inject, many_records_in_batches)
{
	struct counters before, after;

	read_counters(&before);
	ASSERT_EQ(0, inject("vaddr=0xc000 op=load count=1000\nvaddr=0xc001 op=store count=1000\n"));
	read_counters(&after);
	EXPECT_EQ(2000, after.samples - before.samples);
	EXPECT_EQ(2000, after.trace_handled - before.trace_handled);
	EXPECT_EQ(1000, trace_count(getpid(), 0xc000, NULL, 0));
	EXPECT_EQ(1000, trace_count(getpid(), 0xc001, NULL, 0));
}

TEST_HARNESS_MAIN
