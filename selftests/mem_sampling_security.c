// SPDX-License-Identifier: GPL-2.0
/*
 * What an unprivileged user can do with mem_sampling, one result per rule.
 * Run as root; each check forks a child that drops to uid NOBODY_UID with
 * setresuid() (so it has no capability left) after taking what it needs,
 * and tries:
 *  - to switch sampling on or off globally (sysctls), even through a file
 *    descriptor root opened for it;
 *  - to change any file of /sys/kernel/mm/mem_sampling/;
 *  - to read the samples: tracefs, the tracepoint through perf, debugfs;
 *  - to run spe-record, and to run it as uid 0 without capabilities;
 *  - to see a physical address: a perf SPE event with pa_enable=1, and
 *    any of our files it can read;
 *  - to opt another process in or out;
 *  - to be sampled against the administrator's policy.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <linux/capability.h>
#include <linux/perf_event.h>
#include <linux/securebits.h>

#include "../kselftest.h"
#include "mem_sampling_util.h"

#define SPE_PMU		"/sys/bus/event_source/devices/arm_spe_0/"
#define SPE_DRIVER	"/sys/bus/platform/drivers/arm_spe_mem_sampling/"

/* Open @path for writing: fails with EACCES or EPERM, as it should? */
static bool cannot_open(const char *path, int flags)
{
	int fd = open(path, flags);

	if (fd >= 0) {
		ksft_print_msg("uid %d opened %s\n", NOBODY_UID, path);
		close(fd);
		return false;
	}
	if (errno != EACCES && errno != EPERM) {
		ksft_print_msg("%s: %s, expected EACCES\n", path,
			       strerror(errno));
		return false;
	}
	return true;
}

/* ------------------------------------------------ global switches */

struct sysctl_try {
	const char *path;
	int root_fd;		/* opened by root for writing */
	const char *value;	/* the other value */
};

static int try_sysctl(void *arg)
{
	struct sysctl_try *t = arg;
	ssize_t n;

	if (!cannot_open(t->path, O_WRONLY))
		return 1;
	/* The handler checks the writer, not who opened the file. */
	n = write(t->root_fd, t->value, strlen(t->value));
	if (n >= 0 || errno != EPERM) {
		ksft_print_msg("%s through root's fd: %zd (%s), expected EPERM\n",
			       t->path, n, n < 0 ? strerror(errno) : "written");
		return 2;
	}
	return 0;
}

static void test_sysctls(void)
{
	static const char * const paths[] = {
		MS_SYSCTL, MS_NUMA_SYSCTL, MS_ADAPT_SYSCTL, MS_REGION_SYSCTL,
	};
	bool ok = true;
	char text[24];
	int i, start;

	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		long saved = ms_read_long(paths[i]);

		if (saved < 0) {
			ksft_print_msg("no %s\n", paths[i]);
			continue;
		}
		for (start = 0; start <= 1; start++) {
			struct sysctl_try t = {
				.path = paths[i],
				.value = start ? "0\n" : "1\n",
			};
			int rc;

			if (ms_write(paths[i], start ? "1" : "0")) {
				ksft_print_msg("cannot set %s to %d\n",
					       paths[i], start);
				ok = false;
				continue;
			}
			t.root_fd = open(paths[i], O_WRONLY);
			rc = ms_run_as_nobody(try_sysctl, &t);
			close(t.root_fd);
			if (rc || ms_read_long(paths[i]) != start) {
				ksft_print_msg("%s from %d: child %d, now %lld\n",
					       paths[i], start, rc,
					       ms_read_long(paths[i]));
				ok = false;
			}
		}
		snprintf(text, sizeof(text), "%ld", saved);
		ms_write(paths[i], text);
	}
	ksft_test_result(ok,
			 "sysctls: uid %d cannot change sampling, not even with root's fd\n",
			 NOBODY_UID);
}

/* ------------------------------------------------ sysfs tunables */

#define MAX_FILES	32

struct file_list {
	char path[MAX_FILES][512];
	char value[MAX_FILES][128];
	int nr;
};

static void list_files(struct file_list *list, const char *dir)
{
	struct dirent *d;
	DIR *dp = opendir(dir);

	if (!dp)
		return;
	while ((d = readdir(dp)) && list->nr < MAX_FILES) {
		char path[512];
		struct stat st;

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s%s", dir, d->d_name);
		if (lstat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			snprintf(path, sizeof(path), "%s%s/", dir, d->d_name);
			list_files(list, path);
		} else if (S_ISREG(st.st_mode)) {
			memcpy(list->path[list->nr], path, sizeof(path));
			ms_read(path, list->value[list->nr], 128);
			list->nr++;
		}
	}
	closedir(dp);
}

static int try_sysfs(void *arg)
{
	struct file_list *list = arg;
	int i, bad = 0;

	for (i = 0; i < list->nr; i++) {
		bad += !cannot_open(list->path[i], O_WRONLY);
		bad += !cannot_open(list->path[i], O_RDWR | O_TRUNC);
		/* Reading is fine: nothing there is secret. */
		if (access(list->path[i], R_OK)) {
			ksft_print_msg("%s not readable\n", list->path[i]);
			bad++;
		}
	}
	return bad ? 1 : 0;
}

static void test_sysfs(void)
{
	static struct file_list list, after;
	bool ok;
	int i, rc;

	list.nr = 0;
	after.nr = 0;
	list_files(&list, MS_SYSFS);
	rc = ms_run_as_nobody(try_sysfs, &list);
	list_files(&after, MS_SYSFS);
	ok = !rc && list.nr >= 7 && after.nr == list.nr;
	for (i = 0; ok && i < list.nr; i++) {
		if (strcmp(list.value[i], after.value[i])) {
			ksft_print_msg("%s changed: %s -> %s\n", list.path[i],
				       list.value[i], after.value[i]);
			ok = false;
		}
	}
	ksft_test_result(ok,
			 "sysfs: uid %d can write none of the %d files of %s\n",
			 NOBODY_UID, list.nr, MS_SYSFS);
}

/* ------------------------------------------------ reading samples */

static long tracepoint_id = -1;

static int try_read_samples(void *arg)
{
	static const char * const reads[] = {
		MS_TRACING "trace", MS_TRACING "trace_pipe",
		MS_TRACING "per_cpu/cpu0/trace_pipe_raw", MS_EVENT "format",
		MS_EVENT "id", MS_EVENT "hist", MS_DEBUGFS "stats",
	};
	static const char * const writes[] = {
		MS_EVENT "enable", MS_EVENT "filter", MS_EVENT "trigger",
		MS_TRACING "events/enable", MS_TRACING "tracing_on",
		MS_TRACING "set_event", MS_INJECT, MS_ACTIVE,
	};
	struct perf_event_attr attr = {
		.size = sizeof(attr),
		.type = PERF_TYPE_TRACEPOINT,
		.config = tracepoint_id,
		.sample_period = 1,
		.sample_type = PERF_SAMPLE_RAW,
		.exclude_kernel = 1,
		.exclude_hv = 1,
	};
	int i, bad = 0, fd;

	for (i = 0; i < ARRAY_SIZE(reads); i++)
		bad += !cannot_open(reads[i], O_RDONLY | O_NONBLOCK);
	for (i = 0; i < ARRAY_SIZE(writes); i++)
		bad += !cannot_open(writes[i], O_WRONLY);
	/* The event's raw fields through perf, for this very process. */
	if (tracepoint_id >= 0) {
		fd = syscall(__NR_perf_event_open, &attr, 0, -1, -1, 0);
		if (fd >= 0 || (errno != EACCES && errno != EPERM)) {
			ksft_print_msg("perf tracepoint %ld with raw samples: %s\n",
				       tracepoint_id, fd >= 0 ? "opened" :
				       strerror(errno));
			bad++;
		}
	}
	return bad ? 1 : 0;
}

static void test_read_samples(void)
{
	int rc;

	if (access(MS_EVENT "id", R_OK)) {
		ksft_test_result_skip("samples: no tracefs event %s\n", MS_EVENT);
		return;
	}
	tracepoint_id = ms_read_long(MS_EVENT "id");
	rc = ms_run_as_nobody(try_read_samples, NULL);
	ksft_test_result(rc == 0,
			 "samples: uid %d can read neither tracefs nor debugfs nor the tracepoint through perf (id %ld)\n",
			 NOBODY_UID, tracepoint_id);
}

/* ------------------------------------------------ spe-record */

/*
 * Run spe-record -d 1 (its stderr into @err): as nobody, or as uid 0
 * stripped of every capability for good (SECBIT_NOROOT, so exec gives
 * none back).  Returns its exit status, -1 if it did not exit.
 */
static int run_spe_record(bool as_root_without_caps, char *err, size_t len)
{
	int pipefd[2], status = -1, i;
	ssize_t n, done = 0;
	pid_t pid;

	if (pipe(pipefd))
		return -1;
	pid = fork();
	if (!pid) {
		dup2(pipefd[1], 2);
		dup2(pipefd[1], 1);
		close(pipefd[0]);
		if (as_root_without_caps) {
			struct __user_cap_header_struct hdr = {
				.version = _LINUX_CAPABILITY_VERSION_3,
			};
			struct __user_cap_data_struct data[2] = {};

			if (prctl(PR_SET_SECUREBITS, SECBIT_NOROOT |
				  SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
				  SECBIT_NO_SETUID_FIXUP_LOCKED, 0, 0, 0) ||
			    syscall(__NR_capset, &hdr, data))
				_exit(MS_NOBODY_SETUP);
		} else if (ms_become_nobody()) {
			_exit(MS_NOBODY_SETUP);
		}
		execlp("spe-record", "spe-record", "-d", "1", (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	for (i = 0; i < 200 && done < (ssize_t)len - 1; i++) {
		struct pollfd p = { .fd = pipefd[0], .events = POLLIN };

		if (poll(&p, 1, 100) <= 0)
			continue;
		n = read(pipefd[0], err + done, len - 1 - done);
		if (n <= 0)
			break;
		done += n;
	}
	err[done] = '\0';
	close(pipefd[0]);
	for (i = 0; i < 1000; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

static void test_spe_record(void)
{
	char out[2048], out_root[2048];
	long saved = ms_read_long(MS_SYSCTL);
	int rc, rc_root;
	bool ok;

	/* Sampling on: the tool refuses for lack of rights, not of samples. */
	ms_write(MS_SYSCTL, "1");
	rc = run_spe_record(false, out, sizeof(out));
	rc_root = run_spe_record(true, out_root, sizeof(out_root));
	ms_write(MS_SYSCTL, saved == 1 ? "1" : "0");
	if (rc == 127) {
		ksft_test_result_skip("spe-record: not in PATH\n");
		return;
	}
	ksft_print_msg("spe-record as uid %d: exit %d: %s", NOBODY_UID, rc, out);
	ksft_print_msg("spe-record as uid 0 without capabilities: exit %d: %s",
		       rc_root, out_root);
	ok = rc > 0 && rc != MS_NOBODY_SETUP && strstr(out, "must be run as root");
	/* The kernel, not the tool, refuses the capability-less root. */
	ok &= rc_root > 0 && rc_root != MS_NOBODY_SETUP && rc_root != 127 &&
	      strstr(out_root, "spe-record:") && !strstr(out_root, "vaddr");
	ksft_test_result(ok, "spe-record: refused to uid %d and to uid 0 without capabilities\n",
			 NOBODY_UID);
}

/* ------------------------------------------------ physical addresses */

static int spe_type = -1, pa_enable_bit = -1;

static int open_spe(bool pa)
{
	struct perf_event_attr attr = {
		.size = sizeof(attr),
		.type = spe_type,
		.sample_period = 4096,
		.exclude_kernel = 1,
		.exclude_hv = 1,
		.disabled = 1,
	};

	if (pa)
		attr.config |= 1ULL << pa_enable_bit;
	return syscall(__NR_perf_event_open, &attr, 0, -1, -1, 0);
}

#define BUF_PAGES	16

struct pa_try {
	unsigned long long pfn[BUF_PAGES];
	char *buf;
};

/* Does @text hold a number (decimal or 0x hex) in one of @t's frames? */
static bool holds_pa(const char *text, const struct pa_try *t, long page)
{
	const char *p = text;

	while (*p) {
		unsigned long long v;
		char *end;
		int i;

		if (!isxdigit((unsigned char)*p)) {
			p++;
			continue;
		}
		v = strtoull(p, &end, 0);
		for (i = 0; i < BUF_PAGES; i++)
			if (t->pfn[i] && v / page == t->pfn[i])
				return true;
		p = end > p ? end : p + 1;
	}
	return false;
}

static int scan_for_pa(const char *dir, const struct pa_try *t, long page)
{
	static struct file_list list;
	int i, found = 0;

	list.nr = 0;
	list_files(&list, dir);
	for (i = 0; i < list.nr; i++) {
		if (holds_pa(list.value[i], t, page)) {
			ksft_print_msg("%s holds a physical address: %s\n",
				       list.path[i], list.value[i]);
			found++;
		}
	}
	return found;
}

static int try_pa(void *arg)
{
	struct pa_try *t = arg;
	long page = sysconf(_SC_PAGESIZE);
	int bad = 0, fd;

	if (spe_type >= 0) {
		fd = open_spe(true);
		if (fd >= 0 || errno != EACCES) {
			ksft_print_msg("arm_spe pa_enable=1: %s, expected EACCES\n",
				       fd >= 0 ? "opened" : strerror(errno));
			bad++;
		}
		if (fd >= 0)
			close(fd);
		/* The same event without physical addresses is allowed. */
		fd = open_spe(false);
		if (fd < 0) {
			ksft_print_msg("arm_spe pa_enable=0: %s, expected to open\n",
				       strerror(errno));
			bad++;
		} else {
			close(fd);
		}
	}
	/* The kernel hides frame numbers from users (pagemap) ... */
	if (ms_paddr_of(t->buf) >= (unsigned long long)page) {
		ksft_print_msg("pagemap shows uid %d a frame\n", NOBODY_UID);
		bad++;
	}
	/* ... and none of our files shows one, sampled as they are. */
	bad += scan_for_pa(MS_SYSFS, t, page);
	bad += scan_for_pa(SPE_DRIVER, t, page);
	return bad ? 1 : 0;
}

static void test_paddr(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char type[32], format[64];
	static struct pa_try t;
	long saved = ms_read_long(MS_SYSCTL);
	int i, rc;

	if (!ms_read(SPE_PMU "type", type, sizeof(type)) &&
	    !ms_read(SPE_PMU "format/pa_enable", format, sizeof(format)) &&
	    sscanf(format, "config:%d", &pa_enable_bit) == 1)
		spe_type = atoi(type);
	else
		ksft_print_msg("no arm_spe PMU: physical addresses through perf not checked\n");
	t.buf = mmap(NULL, BUF_PAGES * page, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (t.buf == MAP_FAILED) {
		ksft_test_result_fail("paddr: mmap\n");
		return;
	}
	memset(t.buf, 1, BUF_PAGES * page);
	for (i = 0; i < BUF_PAGES; i++)
		t.pfn[i] = ms_paddr_of(t.buf + i * page) / page;
	/* Root sees the frames; the child, whose buffer it is too, must not. */
	ms_write(MS_SYSCTL, "1");
	rc = ms_run_as_nobody(try_pa, &t);
	ms_write(MS_SYSCTL, saved == 1 ? "1" : "0");
	munmap(t.buf, BUF_PAGES * page);
	ksft_test_result(rc == 0 && t.pfn[0],
			 "paddr: uid %d gets no physical address (perf SPE pa_enable=1 refused, none in pagemap or our files)\n",
			 NOBODY_UID);
}

/* ------------------------------------------------ other processes */

/*
 * A process that, for each byte it reads, sets mode byte - 1 (0: keeps
 * its mode) and reports its mode.
 */
static pid_t spawn_reporter(int mode, int *to, int *from, bool nobody)
{
	int in[2], out[2];
	pid_t pid;

	if (pipe(in) || pipe(out))
		return -1;
	pid = fork();
	if (!pid) {
		char c;

		close(in[1]);
		close(out[0]);
		if ((nobody && ms_become_nobody()) || ms_set_mode(mode))
			_exit(MS_NOBODY_SETUP);
		while (read(in[0], &c, 1) == 1) {
			if (c && ms_set_mode(c - 1))
				c = -1;
			else
				c = ms_get_mode();
			if (write(out[1], &c, 1) != 1)
				break;
		}
		_exit(0);
	}
	close(in[0]);
	close(out[1]);
	*to = in[1];
	*from = out[0];
	return pid;
}

static int mode_of(int to, int from)
{
	char c = 0;

	if (write(to, &c, 1) != 1 || read(from, &c, 1) != 1)
		return -1;
	return c;
}

struct others {
	pid_t same_user, root;
};

static int try_others(void *arg)
{
	struct others *o = arg;
	int bad = 0;

	/* No prctl takes a target: a pid in the unused arguments fails. */
	if (prctl(PR_SET_MEM_SAMPLING, PR_MEM_SAMPLING_ENABLE, o->same_user,
		  0, 0) != -1 || errno != EINVAL)
		bad++;
	if (prctl(PR_SET_MEM_SAMPLING, PR_MEM_SAMPLING_DISABLE, 0, o->root,
		  0) != -1 || errno != EINVAL)
		bad++;
	/* Choosing for itself leaves the others alone (checked by root). */
	if (ms_set_mode(PR_MEM_SAMPLING_ENABLE))
		bad++;
	/* Records for another pid can only come from root's debugfs. */
	bad += !cannot_open(MS_INJECT, O_WRONLY);
	return bad ? 1 : 0;
}

static void test_other_processes(void)
{
	int to_user, from_user, to_root, from_root, rc;
	struct others o;
	bool ok;

	o.same_user = spawn_reporter(PR_MEM_SAMPLING_DISABLE, &to_user,
				     &from_user, true);
	o.root = spawn_reporter(PR_MEM_SAMPLING_DEFAULT, &to_root, &from_root,
				false);
	if (o.same_user < 0 || o.root < 0) {
		ksft_test_result_fail("other processes: fork\n");
		return;
	}
	ok = mode_of(to_user, from_user) == PR_MEM_SAMPLING_DISABLE &&
	     mode_of(to_root, from_root) == PR_MEM_SAMPLING_DEFAULT;
	rc = ms_run_as_nobody(try_others, &o);
	ok &= rc == 0;
	ok &= mode_of(to_user, from_user) == PR_MEM_SAMPLING_DISABLE;
	ok &= mode_of(to_root, from_root) == PR_MEM_SAMPLING_DEFAULT;
	kill(o.same_user, SIGKILL);
	kill(o.root, SIGKILL);
	waitpid(o.same_user, NULL, 0);
	waitpid(o.root, NULL, 0);
	close(to_user);
	close(to_root);
	close(from_user);
	close(from_root);
	ksft_test_result(ok,
			 "other processes: uid %d cannot set another's mode, its own user's or root's (%d)\n",
			 NOBODY_UID, rc);
}

/* ------------------------------------------------ the admin's policy */

/*
 * The unprivileged process chooses its mode (always allowed); root then
 * injects records attributed to it through the test provider: are they
 * recorded?  The answer must follow the administrator's settings.
 */
static void test_policy(void)
{
	static const struct {
		const char *enable, *opt_in;
		int mode;
		bool sampled;
	} policies[] = {
		{ "0", "0", PR_MEM_SAMPLING_ENABLE, false },
		{ "0", "1", PR_MEM_SAMPLING_ENABLE, false },
		{ "1", "1", PR_MEM_SAMPLING_DEFAULT, false },
		{ "1", "1", PR_MEM_SAMPLING_ENABLE, true },
		{ "1", "0", PR_MEM_SAMPLING_DISABLE, false },
		{ "1", "0", PR_MEM_SAMPLING_DEFAULT, true },
		{ "1", "0", PR_MEM_SAMPLING_ENABLE, true },
		{ "1", "1", PR_MEM_SAMPLING_DISABLE, false },
	};
	char saved_enable[8], saved_opt_in[8], saved_active[8], line[128];
	int to, from, i, bad = 0;
	pid_t pid;

	if (access(MS_INJECT, F_OK)) {
		ksft_test_result_skip("policy: no test provider\n");
		return;
	}
	ms_read(MS_SYSCTL, saved_enable, sizeof(saved_enable));
	ms_read(MS_SYSFS "opt_in", saved_opt_in, sizeof(saved_opt_in));
	ms_read(MS_ACTIVE, saved_active, sizeof(saved_active));
	if (ms_write(MS_ACTIVE, "1")) {
		ksft_test_result_fail("policy: cannot activate the test provider\n");
		return;
	}
	pid = spawn_reporter(PR_MEM_SAMPLING_DEFAULT, &to, &from, true);
	if (pid < 0 || mode_of(to, from) != PR_MEM_SAMPLING_DEFAULT) {
		ksft_test_result_fail("policy: child\n");
		return;
	}
	snprintf(line, sizeof(line), "pid=%d vaddr=0x1000 op=load count=3\n", pid);
	for (i = 0; i < ARRAY_SIZE(policies); i++) {
		long long before;
		char c = policies[i].mode + 1;
		int got;

		ms_write(MS_SYSCTL, policies[i].enable);
		ms_write(MS_SYSFS "opt_in", policies[i].opt_in);
		/* mode + 1: set that mode, then report it. */
		if (write(to, &c, 1) != 1 || read(from, &c, 1) != 1 ||
		    c != policies[i].mode) {
			ksft_print_msg("case %d: the child could not choose mode %d\n",
				       i, policies[i].mode);
			bad++;
			continue;
		}
		before = ms_vmstat("mem_sampling_samples");
		if (ms_write(MS_INJECT, line))
			bad++;
		got = ms_vmstat("mem_sampling_samples") - before;
		if (got != (policies[i].sampled ? 3 : 0)) {
			ksft_print_msg("enable=%s opt_in=%s mode %d: %d samples\n",
				       policies[i].enable, policies[i].opt_in,
				       policies[i].mode, got);
			bad++;
		}
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(to);
	close(from);
	ms_write(MS_SYSFS "opt_in", saved_opt_in);
	ms_write(MS_SYSCTL, "0");
	ms_write(MS_ACTIVE, saved_active);
	ms_write(MS_SYSCTL, saved_enable);
	ksft_test_result(!bad,
			 "policy: uid %d is sampled only as the administrator allows (%d cases)\n",
			 NOBODY_UID, (int)ARRAY_SIZE(policies));
}

int main(void)
{
	/* Children fork with our buffer: flush every line at once. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	ksft_print_header();
	if (geteuid())
		ksft_exit_skip("must run as root (it drops to uid %d itself)\n",
			       NOBODY_UID);
	if (access(MS_SYSCTL, F_OK))
		ksft_exit_skip("no %s: CONFIG_MEM_SAMPLING off\n", MS_SYSCTL);
	ksft_set_plan(7);
	test_sysctls();
	test_sysfs();
	test_read_samples();
	test_spe_record();
	test_paddr();
	test_other_processes();
	test_policy();
	ksft_finished();
}
