// SPDX-License-Identifier: GPL-2.0
/*
 * Per-process control: prctl(PR_SET_MEM_SAMPLING / PR_GET_MEM_SAMPLING).
 * The mode belongs to the process (its mm): threads share it, fork and
 * exec keep it, any user may set its own, bad arguments get -EINVAL and
 * change nothing.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "mem_sampling_util.h"

/* Run as "mem_sampling_prctl --exit-mode": exit status is the mode. */
static int exec_exit_mode(const char *self_path)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (!pid) {
		execl(self_path, self_path, "--exit-mode", (char *)NULL);
		_exit(100);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -ECHILD;
	return WEXITSTATUS(status);
}

/* Fork; the child reports its mode as exit status. */
static int fork_child_mode(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (!pid)
		_exit(ms_get_mode());
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -ECHILD;
	return WEXITSTATUS(status);
}

static void *thread_set_enable(void *arg)
{
	return (void *)(long)ms_set_mode(PR_MEM_SAMPLING_ENABLE);
}

static char self_path[4096];

FIXTURE(prctl) {
	int saved;
};

FIXTURE_SETUP(prctl)
{
	self->saved = ms_get_mode();
	if (self->saved == -EINVAL && access(MS_SYSCTL, F_OK))
		SKIP(return, "no mem_sampling in this kernel");
	ASSERT_GE(self->saved, 0);
}

FIXTURE_TEARDOWN(prctl)
{
	if (self->saved >= 0)
		ms_set_mode(self->saved);
}

TEST_F(prctl, numbers)
{
	/* The four-character tags "MSMS" and "MSMG". */
	EXPECT_EQ(0x4d534d53, PR_SET_MEM_SAMPLING);
	EXPECT_EQ(0x4d534d47, PR_GET_MEM_SAMPLING);
	EXPECT_EQ(0, PR_MEM_SAMPLING_DEFAULT);
	EXPECT_EQ(1, PR_MEM_SAMPLING_ENABLE);
	EXPECT_EQ(2, PR_MEM_SAMPLING_DISABLE);
}

TEST_F(prctl, default_mode)
{
	/* The test runner never set it: a process starts in DEFAULT. */
	EXPECT_EQ(PR_MEM_SAMPLING_DEFAULT, self->saved);
}

TEST_F(prctl, set_get)
{
	ASSERT_EQ(0, ms_set_mode(PR_MEM_SAMPLING_ENABLE));
	EXPECT_EQ(PR_MEM_SAMPLING_ENABLE, ms_get_mode());
	ASSERT_EQ(0, ms_set_mode(PR_MEM_SAMPLING_DISABLE));
	EXPECT_EQ(PR_MEM_SAMPLING_DISABLE, ms_get_mode());
	ASSERT_EQ(0, ms_set_mode(PR_MEM_SAMPLING_DEFAULT));
	EXPECT_EQ(PR_MEM_SAMPLING_DEFAULT, ms_get_mode());
}

TEST_F(prctl, bad_arguments)
{
	ASSERT_EQ(0, ms_set_mode(PR_MEM_SAMPLING_DISABLE));
	EXPECT_EQ(-EINVAL, ms_set_mode(3));
	EXPECT_EQ(-EINVAL, ms_set_mode(-1UL));
	EXPECT_EQ(-1, prctl(PR_SET_MEM_SAMPLING, PR_MEM_SAMPLING_ENABLE, 1, 0, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, prctl(PR_SET_MEM_SAMPLING, PR_MEM_SAMPLING_ENABLE, 0, 0, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, prctl(PR_GET_MEM_SAMPLING, 1, 0, 0, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, prctl(PR_GET_MEM_SAMPLING, 0, 0, 1, 0));
	EXPECT_EQ(EINVAL, errno);
	/* Nothing changed. */
	EXPECT_EQ(PR_MEM_SAMPLING_DISABLE, ms_get_mode());
}

TEST_F(prctl, fork_inherits)
{
	ASSERT_EQ(0, ms_set_mode(PR_MEM_SAMPLING_DISABLE));
	EXPECT_EQ(PR_MEM_SAMPLING_DISABLE, fork_child_mode());
	ASSERT_EQ(0, ms_set_mode(PR_MEM_SAMPLING_ENABLE));
	EXPECT_EQ(PR_MEM_SAMPLING_ENABLE, fork_child_mode());
	ASSERT_EQ(0, ms_set_mode(PR_MEM_SAMPLING_DEFAULT));
	EXPECT_EQ(PR_MEM_SAMPLING_DEFAULT, fork_child_mode());
}

TEST_F(prctl, exec_keeps)
{
	ASSERT_EQ(0, ms_set_mode(PR_MEM_SAMPLING_DISABLE));
	EXPECT_EQ(PR_MEM_SAMPLING_DISABLE, exec_exit_mode(self_path));
	ASSERT_EQ(0, ms_set_mode(PR_MEM_SAMPLING_ENABLE));
	EXPECT_EQ(PR_MEM_SAMPLING_ENABLE, exec_exit_mode(self_path));
	ASSERT_EQ(0, ms_set_mode(PR_MEM_SAMPLING_DEFAULT));
	EXPECT_EQ(PR_MEM_SAMPLING_DEFAULT, exec_exit_mode(self_path));
}

TEST_F(prctl, threads_share)
{
	pthread_t thread;
	void *ret;

	ASSERT_EQ(0, ms_set_mode(PR_MEM_SAMPLING_DISABLE));
	ASSERT_EQ(0, pthread_create(&thread, NULL, thread_set_enable, NULL));
	ASSERT_EQ(0, pthread_join(thread, &ret));
	EXPECT_EQ(0, (long)ret);
	EXPECT_EQ(PR_MEM_SAMPLING_ENABLE, ms_get_mode());
}

static int opt_out_and_in(void *arg)
{
	/* Opting out and back in needs no privilege. */
	if (ms_set_mode(PR_MEM_SAMPLING_DISABLE) ||
	    ms_get_mode() != PR_MEM_SAMPLING_DISABLE)
		return 11;
	if (ms_set_mode(PR_MEM_SAMPLING_ENABLE) ||
	    ms_get_mode() != PR_MEM_SAMPLING_ENABLE)
		return 12;
	if (ms_set_mode(7) != -EINVAL)
		return 13;
	return 0;
}

TEST_F(prctl, non_root)
{
	EXPECT_EQ(0, ms_run_as_nobody(opt_out_and_in, NULL));
	/* The child's choice stayed in the child's process. */
	EXPECT_EQ(self->saved, ms_get_mode());
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--exit-mode")) {
		int mode = ms_get_mode();

		return mode < 0 ? 99 : mode;
	}
	if (readlink("/proc/self/exe", self_path, sizeof(self_path) - 1) < 0)
		snprintf(self_path, sizeof(self_path), "%s", argv[0]);
	return test_harness_run(argc, argv);
}
