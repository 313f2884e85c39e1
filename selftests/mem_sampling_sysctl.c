// SPDX-License-Identifier: GPL-2.0
/*
 * The global controls of mem_sampling: the sysctl kernel.mem_sampling_enable
 * (values, bad values, who may write it, no provider) and the tunables in
 * /sys/kernel/mm/mem_sampling/ (checked against the provider's caps).
 */
#define _GNU_SOURCE
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>

#include "../kselftest_harness.h"
#include "mem_sampling_util.h"

/* Run @fn in a child as uid @uid (or root without CAP_SYS_ADMIN: -1). */
static int run_as(int uid, int (*fn)(void))
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (!pid) {
		if (uid >= 0) {
			if (setgid(uid) || setuid(uid))
				_exit(200);
		} else {
			struct __user_cap_header_struct hdr = {
				.version = _LINUX_CAPABILITY_VERSION_3,
			};
			struct __user_cap_data_struct data[2] = {};

			if (syscall(SYS_capget, &hdr, data))
				_exit(201);
			data[CAP_SYS_ADMIN / 32].effective &=
				~(1U << (CAP_SYS_ADMIN % 32));
			if (syscall(SYS_capset, &hdr, data))
				_exit(202);
		}
		_exit(-fn() & 0xff);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -ECHILD;
	return -WEXITSTATUS(status);
}

static int write_enable_1(void)
{
	return ms_write(MS_SYSCTL, "1");
}

static int write_enable_0(void)
{
	return ms_write(MS_SYSCTL, "0");
}

static int write_interval(void)
{
	return ms_write(MS_SYSFS "interval", "4096");
}

static const char * const sysctl_settings[] = { MS_SYSCTL, MS_ACTIVE, NULL };

FIXTURE(sysctl) {
	struct ms_settings saved;
	long saved_enable;
	long saved_active;
	char provider[64];
};

FIXTURE_SETUP(sysctl)
{
	if (access(MS_SYSCTL, F_OK))
		SKIP(return, "no %s: CONFIG_MEM_SAMPLING off", MS_SYSCTL);
	self->saved_enable = ms_read_long(MS_SYSCTL);
	ASSERT_GE(self->saved_enable, 0);
	self->saved_active = access(MS_ACTIVE, F_OK) ? -1 :
			     ms_read_long(MS_ACTIVE);
	ASSERT_EQ(0, ms_read(MS_SYSFS "provider", self->provider,
			     sizeof(self->provider)));
	ASSERT_EQ(0, ms_settings_save(&self->saved, sysctl_settings));
}

FIXTURE_TEARDOWN(sysctl)
{
	EXPECT_EQ(0, ms_settings_restore(&self->saved));
}

/* Off by default; mem_sampling=on|off on the command line sets it. */
TEST_F(sysctl, boot_value)
{
	char cmdline[4096];

	ASSERT_EQ(0, ms_read("/proc/cmdline", cmdline, sizeof(cmdline)));
	EXPECT_EQ(strstr(cmdline, "mem_sampling=on") ? 1 : 0, self->saved_enable);
}

TEST_F(sysctl, enable_disable)
{
	if (!strcmp(self->provider, "none"))
		SKIP(return, "no provider registered");
	ASSERT_EQ(0, ms_write(MS_SYSCTL, "1"));
	EXPECT_EQ(1, ms_read_long(MS_SYSCTL));
	ASSERT_EQ(0, ms_write(MS_SYSCTL, "0"));
	EXPECT_EQ(0, ms_read_long(MS_SYSCTL));
	ASSERT_EQ(0, ms_write(MS_SYSCTL, "1\n"));
	EXPECT_EQ(1, ms_read_long(MS_SYSCTL));
}

TEST_F(sysctl, bad_values)
{
	static const char * const bad[] = { "2", "-1", "256", "on", "x1" };
	long before;
	int i;

	if (strcmp(self->provider, "none"))
		ASSERT_EQ(0, ms_write(MS_SYSCTL, "1"));
	before = ms_read_long(MS_SYSCTL);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		int err = ms_write(MS_SYSCTL, bad[i]);

		/* An empty write is no write at all. */
		EXPECT_EQ(-EINVAL, err) TH_LOG("bad value #%d", i);
		EXPECT_EQ(before, ms_read_long(MS_SYSCTL));
	}
}

TEST_F(sysctl, non_root)
{
	long before = ms_read_long(MS_SYSCTL);
	int err;

	/* Not even the owner: the file is 0644 root, open fails first. */
	err = run_as(NOBODY_UID, before ? write_enable_0 : write_enable_1);
	EXPECT_TRUE(err == -EACCES || err == -EPERM) TH_LOG("err %d", err);
	EXPECT_EQ(before, ms_read_long(MS_SYSCTL));
	/* Root without CAP_SYS_ADMIN gets past open, not the handler. */
	err = run_as(-1, before ? write_enable_0 : write_enable_1);
	EXPECT_EQ(-EPERM, err);
	EXPECT_EQ(before, ms_read_long(MS_SYSCTL));
	/* Everyone may read. */
	EXPECT_EQ(0, access(MS_SYSCTL, R_OK));
}

TEST_F(sysctl, no_provider)
{
	char provider[64];

	if (self->saved_active != 1)
		SKIP(return, "the test provider is not the active provider");
	ASSERT_EQ(0, ms_write(MS_SYSCTL, "0"));
	ASSERT_EQ(0, ms_write(MS_ACTIVE, "0"));
	ASSERT_EQ(0, ms_read(MS_SYSFS "provider", provider, sizeof(provider)));
	if (strcmp(provider, "none"))
		SKIP(return, "provider %s remains", provider);
	EXPECT_EQ(-ENODEV, ms_write(MS_SYSCTL, "1"));
	EXPECT_EQ(0, ms_read_long(MS_SYSCTL));
	ASSERT_EQ(0, ms_write(MS_ACTIVE, "1"));
	EXPECT_EQ(0, ms_write(MS_SYSCTL, "1"));
}

static const char * const tunables_settings[] = {
	MS_SYSFS "interval", MS_SYSFS "min_latency", MS_SYSFS "op_filter",
	MS_SYSFS "event_filter", MS_SYSFS "buffer_size", MS_SYSFS "paddr", NULL,
};

FIXTURE(tunables) {
	struct ms_settings saved;
	long min_interval, max_interval, max_latency;
};

FIXTURE_SETUP(tunables)
{
	char provider[64];

	if (access(MS_SYSFS "interval", F_OK))
		SKIP(return, "no %s", MS_SYSFS);
	ASSERT_EQ(0, ms_read(MS_SYSFS "provider", provider, sizeof(provider)));
	if (!strcmp(provider, "none"))
		SKIP(return, "no provider: nothing to check against");
	ASSERT_EQ(0, ms_settings_save(&self->saved, tunables_settings));
	self->min_interval = ms_read_long(MS_SYSFS "caps/min_interval");
	self->max_interval = ms_read_long(MS_SYSFS "caps/max_interval");
	self->max_latency = ms_read_long(MS_SYSFS "caps/max_latency_filter");
	ASSERT_GT(self->min_interval, 0);
	ASSERT_GE(self->max_interval, self->min_interval);
}

FIXTURE_TEARDOWN(tunables)
{
	EXPECT_EQ(0, ms_settings_restore(&self->saved));
}

TEST_F(tunables, interval)
{
	char value[32];

	snprintf(value, sizeof(value), "%ld", self->max_interval);
	ASSERT_EQ(0, ms_write(MS_SYSFS "interval", value));
	EXPECT_EQ(self->max_interval, ms_read_long(MS_SYSFS "interval"));
	snprintf(value, sizeof(value), "%ld", self->max_interval + 1);
	EXPECT_EQ(-EINVAL, ms_write(MS_SYSFS "interval", value));
	if (self->min_interval > 1) {
		snprintf(value, sizeof(value), "%ld", self->min_interval - 1);
		EXPECT_EQ(-EINVAL, ms_write(MS_SYSFS "interval", value));
	}
	EXPECT_EQ(-EINVAL, ms_write(MS_SYSFS "interval", "0"));
	EXPECT_EQ(-EINVAL, ms_write(MS_SYSFS "interval", "many"));
	EXPECT_EQ(self->max_interval, ms_read_long(MS_SYSFS "interval"));
}

TEST_F(tunables, filters)
{
	char caps[128], events[128], value[32];

	ASSERT_EQ(0, ms_read(MS_SYSFS "caps/flags", caps, sizeof(caps)));
	if (strstr(caps, "latency")) {
		snprintf(value, sizeof(value), "%ld", self->max_latency);
		EXPECT_EQ(0, ms_write(MS_SYSFS "min_latency", value));
		snprintf(value, sizeof(value), "%ld", self->max_latency + 1);
		EXPECT_EQ(-EINVAL, ms_write(MS_SYSFS "min_latency", value));
		EXPECT_EQ(self->max_latency, ms_read_long(MS_SYSFS "min_latency"));
	} else {
		EXPECT_EQ(-EINVAL, ms_write(MS_SYSFS "min_latency", "1"));
	}
	if (strstr(caps, "filter_op")) {
		EXPECT_EQ(0, ms_write(MS_SYSFS "op_filter", "store"));
		ASSERT_EQ(0, ms_read(MS_SYSFS "op_filter", value, sizeof(value)));
		EXPECT_STREQ("store", value);
		EXPECT_EQ(0, ms_write(MS_SYSFS "op_filter", "load,store"));
	}
	EXPECT_EQ(-EINVAL, ms_write(MS_SYSFS "op_filter", "branch"));
	/* An event filter the provider has is taken, one it lacks refused. */
	ASSERT_EQ(0, ms_read(MS_SYSFS "caps/filter_events", events,
			     sizeof(events)));
	EXPECT_EQ(strstr(events, "tlb_walk") ? 0 : -EINVAL,
		  ms_write(MS_SYSFS "event_filter", "tlb_walk"));
	EXPECT_EQ(strstr(events, "llc_miss") ? 0 : -EINVAL,
		  ms_write(MS_SYSFS "event_filter", "llc_miss"));
	EXPECT_EQ(0, ms_write(MS_SYSFS "event_filter", "none"));
	ASSERT_EQ(0, ms_read(MS_SYSFS "event_filter", value, sizeof(value)));
	EXPECT_STREQ("none", value);
	EXPECT_EQ(0, ms_write(MS_SYSFS "op_filter", "all"));
	ASSERT_EQ(0, ms_read(MS_SYSFS "op_filter", value, sizeof(value)));
	EXPECT_STREQ("all", value);
	if (!strstr(caps, "paddr"))
		EXPECT_EQ(-EINVAL, ms_write(MS_SYSFS "paddr", "1"));
	EXPECT_EQ(-EINVAL, ms_write(MS_SYSFS "paddr", "maybe"));
}

TEST_F(tunables, buffer_size)
{
	long min = ms_read_long(MS_SYSFS "caps/min_buffer_size");
	long max = ms_read_long(MS_SYSFS "caps/max_buffer_size");
	char value[32];

	ASSERT_GT(min, 0);
	snprintf(value, sizeof(value), "%ld", min);
	EXPECT_EQ(0, ms_write(MS_SYSFS "buffer_size", value));
	EXPECT_EQ(min, ms_read_long(MS_SYSFS "buffer_size"));
	snprintf(value, sizeof(value), "%ld", max + 1);
	EXPECT_EQ(-EINVAL, ms_write(MS_SYSFS "buffer_size", value));
	EXPECT_EQ(min, ms_read_long(MS_SYSFS "buffer_size"));
}

TEST_F(tunables, root_only)
{
	int err = run_as(NOBODY_UID, write_interval);

	EXPECT_TRUE(err == -EACCES || err == -EPERM) TH_LOG("err %d", err);
}

TEST_HARNESS_MAIN
