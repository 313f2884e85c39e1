// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile input to every control of mem_sampling, as root: out of range
 * and malformed values (negative, huge, 2^64, not a number, empty,
 * trailing garbage, embedded NULs, over-long, unknown names) written to
 * the sysctls kernel.mem_sampling_enable and
 * kernel.numa_balancing_mem_sampling, to every file of
 * /sys/kernel/mm/mem_sampling/ and to the test provider's debugfs files,
 * and prctl() calls with unknown modes and non-zero unused arguments.
 * Each must fail with EINVAL (EACCES for a read-only file) and leave the
 * value, and the provider's configuration, as they were.
 *
 * Records the inject file does take but that describe nothing the
 * process may migrate (kernel or unmapped addresses, the physical address
 * of a frame that does not exist or of another page, no address at all,
 * a zombie's or a kernel thread's pid, a flood) must be dropped by NUMA
 * balancing and counted, and must move no page.
 *
 * mem_sampling_sysctl, mem_sampling_prctl and mem_sampling_inject have the
 * first bad values of each control; these are the rest.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "mem_sampling_util.h"

/* A bad value: its bytes, NULs included. */
struct bad {
	const char *text;
	size_t len;
};

#define BAD(s)	{ s, sizeof(s) - 1 }

/* Bad as any number, whatever the range: each control refuses these. */
static const struct bad bad_numbers[] = {
	BAD("\n"), BAD(" "), BAD("\t\n"), BAD("-1"), BAD("-4294967295"),
	BAD("4294967296"), BAD("4294967297"), BAD("18446744073709551615"),
	BAD("18446744073709551616"), BAD("-18446744073709551616"),
	BAD("99999999999999999999999999999999999999"), BAD("abc"),
	BAD("1x"), BAD("1 x"), BAD("1 2"), BAD("1\n2"), BAD("0x"),
	BAD("1.0"), BAD("1e3"), BAD("--1"), BAD("+-1"), BAD("\x01"),
	BAD("\xff\xfe"), BAD("1\0002"), BAD("\0001"),
};

/* Bad for a 0/1 switch, on top of bad_numbers. */
static const struct bad bad_switches[] = {
	BAD("2"), BAD("3"), BAD("256"), BAD("65537"), BAD("1 1"), BAD("0 1"),
	BAD("1,"), BAD("0xg"),
};

/* Bad for the sysfs switches: words kstrtobool() would take, and more. */
static const struct bad bad_sysfs_switches[] = {
	BAD("y"), BAD("n"), BAD("yes"), BAD("no"), BAD("on"), BAD("off"),
	BAD("true"), BAD("Y"), BAD("1garbage"), BAD("0garbage"), BAD("nope"),
	BAD("2"), BAD("-0x1"),
};

static const struct bad bad_op_filters[] = {
	BAD(""), BAD("\n"), BAD("LOAD"), BAD("Load"), BAD("load,"), BAD(",load"),
	BAD("load,,store"), BAD("store,load"), BAD("load store"),
	BAD("load,store,load"), BAD("loads"), BAD("al"), BAD("allx"),
	BAD(" all"), BAD("all\0"), BAD("all\0load"), BAD("load\nstore"),
	BAD("1"), BAD("-1"), BAD("other"), BAD("\xff"),
};

static const struct bad bad_event_filters[] = {
	BAD(""), BAD("\n"), BAD("L1D_MISS"), BAD("l1d_miss,"), BAD(",l1d_miss"),
	BAD("l1d_miss,,tlb_walk"), BAD("l1d_miss tlb_walk"),
	BAD("l1d_miss,l1d_miss"), BAD("none,l1d_miss"), BAD("nonex"),
	BAD(" none"), BAD("none\0"), BAD("l1d_miss\0tlb_walk"),
	BAD("l1d_miss\ntlb_walk"), BAD("0x4"), BAD("4"), BAD("-1"),
	BAD("cache_miss"), BAD("\xff"),
	BAD("retired,l1d_miss,tlb_walk,mispredict,retired"),
};

/* A value printable in a log line. */
static const char *show(const struct bad *bad)
{
	static char out[64];
	size_t i, n = 0;

	for (i = 0; i < bad->len && n < sizeof(out) - 8; i++) {
		unsigned char c = bad->text[i];

		if (isprint(c) && c != '\\')
			out[n++] = c;
		else
			n += snprintf(out + n, sizeof(out) - n, "\\x%02x", c);
	}
	if (i < bad->len)
		n += snprintf(out + n, sizeof(out) - n, "...");
	out[n] = '\0';
	return out;
}

/* Configure calls of the test provider so far (-1 if unknown). */
static long provider_configures(void)
{
	char text[256], *p;

	if (ms_read(MS_STATS, text, sizeof(text)))
		return -1;
	p = strstr(text, "configures ");
	return p ? strtol(p + 11, NULL, 10) : -1;
}

/*
 * Write each bad value to @path: each must fail with @err, and leave the
 * file reading as before and the provider not reconfigured.  An empty
 * write (no byte at all) is no write: it may also succeed, doing nothing.
 */
static int expect_refused(struct __test_metadata *_metadata, const char *path,
			  const struct bad *bad, int nr, int err)
{
	char before[128], after[128];
	long configured = provider_configures();
	int i, ret;

	ASSERT_EQ(0, ms_read(path, before, sizeof(before)));
	for (i = 0; i < nr; i++) {
		ret = ms_write_bytes(path, bad[i].text, bad[i].len);
		if (!(ret == -err || (!bad[i].len && !ret)))
			EXPECT_EQ(-err, ret)
				TH_LOG("%s: \"%s\" gave %d", path, show(&bad[i]), ret);
		ASSERT_EQ(0, ms_read(path, after, sizeof(after)));
		if (!strcmp(before, after))
			continue;
		EXPECT_STREQ(before, after)
			TH_LOG("%s: \"%s\" changed the value", path, show(&bad[i]));
		/* Start again from the same value for the next one. */
		ms_write(path, before);
	}
	EXPECT_EQ(configured, provider_configures())
		TH_LOG("%s: a refused value reconfigured the provider", path);
	return nr;
}

/* Over-long values, a page and more, built at run time. */
static int expect_long_refused(struct __test_metadata *_metadata,
			       const char *path, int err)
{
	static char text[3 * 4096];
	struct bad bad[3];

	memset(text, '9', sizeof(text));
	bad[0].text = text;			/* a number that overflows */
	bad[0].len = 4096 + 100;
	memset(text + 4096, 'a', 100);
	bad[1].text = text + 4096;		/* not a number at all */
	bad[1].len = 2 * 4096;
	bad[2].text = text;			/* digits, then garbage */
	bad[2].len = sizeof(text);
	return expect_refused(_metadata, path, bad, 3, err);
}

static void set(struct __test_metadata *_metadata, const char *path,
		const char *value)
{
	ASSERT_EQ(0, ms_write(path, value)) TH_LOG("%s <- %s", path, value);
}

/* What the hostile fixture changes, restored after each test. */
static const char * const hostile_settings[] = {
	MS_SYSCTL, MS_ACTIVE, MS_NUMA_SYSCTL, NUMAB_SYSCTL, MS_SYSFS "interval",
	MS_SYSFS "min_latency", MS_SYSFS "op_filter", MS_SYSFS "event_filter",
	MS_SYSFS "buffer_size",
	MS_SYSFS "paddr", MS_SYSFS "opt_in", MS_SYSFS "budget", NULL,
};

FIXTURE(hostile) {
	struct ms_settings saved;
	int mode;
	int tried;
};

FIXTURE_SETUP(hostile)
{
	if (geteuid())
		SKIP(return, "needs root");
	if (access(MS_SYSCTL, F_OK))
		SKIP(return, "no %s: CONFIG_MEM_SAMPLING off", MS_SYSCTL);
	if (access(MS_ACTIVE, F_OK))
		SKIP(return, "no %s: CONFIG_MEM_SAMPLING_TEST_PROVIDER off",
		     MS_ACTIVE);
	self->mode = ms_get_mode();
	ASSERT_EQ(0, ms_settings_save(&self->saved, hostile_settings));
	/* The test provider: its caps are known and it counts configures. */
	set(_metadata, MS_ACTIVE, "1");
	ASSERT_GE(provider_configures(), 0);
}

FIXTURE_TEARDOWN(hostile)
{
	if (self->mode >= 0)
		ms_set_mode(self->mode);
	EXPECT_EQ(0, ms_settings_restore(&self->saved));
	if (self->tried)
		ksft_print_msg("%d bad values refused\n", self->tried);
}

/* Both sysctls of the feature, from either value. */
TEST_F(hostile, sysctls)
{
	static const char * const paths[] = { MS_SYSCTL, MS_NUMA_SYSCTL };
	static const char * const values[] = { "0", "1" };
	int p, v;

	for (p = 0; p < ARRAY_SIZE(paths); p++) {
		if (access(paths[p], F_OK))
			continue;
		for (v = 0; v < ARRAY_SIZE(values); v++) {
			set(_metadata, paths[p], values[v]);
			self->tried += expect_refused(_metadata, paths[p],
						      bad_numbers,
						      ARRAY_SIZE(bad_numbers),
						      EINVAL);
			self->tried += expect_refused(_metadata, paths[p],
						      bad_switches,
						      ARRAY_SIZE(bad_switches),
						      EINVAL);
			self->tried += expect_long_refused(_metadata, paths[p],
							   EINVAL);
		}
	}
}

/*
 * The numeric sysctls of sample mode, 0..max each: bad_numbers, values
 * past the maximum and trailing garbage, from a valid @start.
 */
static int refuse_number_sysctl(struct __test_metadata *_metadata,
				const char *path, const char *start,
				const struct bad *beyond, int nr)
{
	char saved[16];
	int tried = 0;

	ASSERT_EQ(0, ms_read(path, saved, sizeof(saved)));
	set(_metadata, path, start);
	tried += expect_refused(_metadata, path, bad_numbers,
				ARRAY_SIZE(bad_numbers), EINVAL);
	tried += expect_refused(_metadata, path, beyond, nr, EINVAL);
	tried += expect_long_refused(_metadata, path, EINVAL);
	ms_write(path, saved);
	return tried;
}

/* kernel.numa_balancing_mem_sampling_adapt: 0..8. */
static const struct bad bad_adapt[] = {
	BAD("9"), BAD("16"), BAD("256"), BAD("2 2"), BAD("2,"), BAD("0x"),
};

TEST_F(hostile, adapt_sysctl)
{
	if (access(MS_ADAPT_SYSCTL, F_OK))
		SKIP(return, "no %s", MS_ADAPT_SYSCTL);
	self->tried += refuse_number_sysctl(_metadata, MS_ADAPT_SYSCTL, "2",
					    bad_adapt, ARRAY_SIZE(bad_adapt));
}

/* kernel.numa_balancing_mem_sampling_region_order: 0..9 (4 KiB pages). */
static const struct bad bad_region_order[] = {
	BAD("10"), BAD("13"), BAD("64"), BAD("4 4"), BAD("4,"), BAD("0x"),
};

TEST_F(hostile, region_order_sysctl)
{
	if (access(MS_REGION_SYSCTL, F_OK))
		SKIP(return, "no %s", MS_REGION_SYSCTL);
	if (sysconf(_SC_PAGESIZE) != 4096)
		SKIP(return, "the limits below are for 4 KiB pages");
	self->tried += refuse_number_sysctl(_metadata, MS_REGION_SYSCTL, "4",
					    bad_region_order,
					    ARRAY_SIZE(bad_region_order));
}

/*
 * interval, min_latency, buffer_size: u32 values within the test
 * provider's caps (interval 1..2^24, min_latency ..4095, buffer_size
 * 4096..1 MiB).  Beyond the caps, and u32 wrap-arounds of a valid value.
 */
static const struct bad bad_intervals[] = {
	BAD("0"), BAD("16777217"), BAD("4294967295"), BAD("4294970296"),
	BAD("0x100000bb8"), BAD("-3000"), BAD("3000 3000"),
};

static const struct bad bad_min_latencies[] = {
	BAD("4096"), BAD("65536"), BAD("4294967295"), BAD("4294967303"),
	BAD("-7"), BAD("7 7"),
};

static const struct bad bad_buffer_sizes[] = {
	BAD("0"), BAD("4095"), BAD("1048577"), BAD("4294967295"),
	BAD("4294975488"), BAD("-8192"), BAD("8192 8192"),
};

/* budget: basis points, 0..10000, in decimal. */
static const struct bad bad_budgets[] = {
	BAD("10001"), BAD("65536"), BAD("4294967295"), BAD("4294977296"),
	BAD("-100"), BAD("100 100"), BAD("0x64"), BAD("1%"),
};

TEST_F(hostile, sysfs_numbers)
{
	static const struct {
		const char *file, *start;
		const struct bad *beyond;
		int nr;
	} numbers[] = {
		{ "interval", "3000", bad_intervals,
		  ARRAY_SIZE(bad_intervals) },
		{ "min_latency", "7", bad_min_latencies,
		  ARRAY_SIZE(bad_min_latencies) },
		{ "buffer_size", "8192", bad_buffer_sizes,
		  ARRAY_SIZE(bad_buffer_sizes) },
		{ "budget", "250", bad_budgets, ARRAY_SIZE(bad_budgets) },
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(numbers); i++) {
		char path[128];

		snprintf(path, sizeof(path), MS_SYSFS "%s", numbers[i].file);
		set(_metadata, path, numbers[i].start);
		self->tried += expect_refused(_metadata, path, bad_numbers,
					      ARRAY_SIZE(bad_numbers), EINVAL);
		self->tried += expect_refused(_metadata, path,
					      numbers[i].beyond, numbers[i].nr,
					      EINVAL);
		self->tried += expect_long_refused(_metadata, path, EINVAL);
	}
}

TEST_F(hostile, sysfs_op_filter)
{
	static const char * const starts[] = { "store", "all" };
	int i;

	for (i = 0; i < ARRAY_SIZE(starts); i++) {
		set(_metadata, MS_SYSFS "op_filter", starts[i]);
		self->tried += expect_refused(_metadata, MS_SYSFS "op_filter",
					      bad_op_filters,
					      ARRAY_SIZE(bad_op_filters),
					      EINVAL);
		self->tried += expect_long_refused(_metadata,
						   MS_SYSFS "op_filter",
						   EINVAL);
	}
}

TEST_F(hostile, sysfs_event_filter)
{
	static const char * const starts[] = { "l1d_miss", "none" };
	int i;

	for (i = 0; i < ARRAY_SIZE(starts); i++) {
		set(_metadata, MS_SYSFS "event_filter", starts[i]);
		self->tried += expect_refused(_metadata, MS_SYSFS "event_filter",
					      bad_event_filters,
					      ARRAY_SIZE(bad_event_filters),
					      EINVAL);
		self->tried += expect_long_refused(_metadata,
						   MS_SYSFS "event_filter",
						   EINVAL);
	}
}

/* paddr and opt_in take 0 and 1, nothing else. */
TEST_F(hostile, sysfs_switches)
{
	static const char * const files[] = {
		MS_SYSFS "paddr", MS_SYSFS "opt_in",
	};
	static const char * const values[] = { "0", "1" };
	int f, v;

	for (f = 0; f < ARRAY_SIZE(files); f++) {
		for (v = 0; v < ARRAY_SIZE(values); v++) {
			set(_metadata, files[f], values[v]);
			self->tried += expect_refused(_metadata, files[f],
						      bad_numbers,
						      ARRAY_SIZE(bad_numbers),
						      EINVAL);
			self->tried += expect_refused(_metadata, files[f],
						      bad_sysfs_switches,
						      ARRAY_SIZE(bad_sysfs_switches),
						      EINVAL);
			self->tried += expect_long_refused(_metadata, files[f],
							   EINVAL);
		}
		/* The plain values with a newline stay accepted. */
		set(_metadata, files[f], "1\n");
		set(_metadata, files[f], "0\n");
	}
}

/* The read-only files refuse any write, even root's. */
TEST_F(hostile, sysfs_read_only)
{
	static const char * const files[] = {
		"provider", "caps/flags", "caps/filter_events", "caps/min_interval",
		"caps/max_interval", "caps/max_latency_filter",
		"caps/min_buffer_size", "caps/max_buffer_size",
	};
	static const struct bad some[] = {
		BAD("0"), BAD("1"), BAD("test"), BAD("none"), BAD("\n"),
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		char path[128];

		snprintf(path, sizeof(path), MS_SYSFS "%s", files[i]);
		self->tried += expect_refused(_metadata, path, some,
					      ARRAY_SIZE(some), EACCES);
	}
}

/* debugfs mem_sampling/active: 0 or 1. */
TEST_F(hostile, debugfs_active)
{
	static const struct bad bad[] = {
		BAD("2"), BAD("-1"), BAD("abc"), BAD("1x"), BAD("\n"),
		BAD("18446744073709551616"), BAD("0x100000001"),
	};

	self->tried += expect_refused(_metadata, MS_ACTIVE, bad,
				      ARRAY_SIZE(bad), EINVAL);
}

/* Unknown modes, including ones that are valid modes in their low bits. */
TEST_F(hostile, prctl_set)
{
	static const unsigned long modes[] = {
		3, 4, 0x7fffffffUL, 0x80000000UL, 1UL << 32, (1UL << 32) | 1,
		(1UL << 32) | 2, 1UL << 63, (1UL << 63) | 1, -2UL,
		PR_MEM_SAMPLING_DISABLE + 0x100,
	};
	static const unsigned long args[][3] = {
		{ 0, 1, 0 }, { -1UL, 0, 0 }, { 0, 0, 1UL << 63 },
		{ 1UL << 32, 0, 0 }, { 0, -1UL, -1UL },
	};
	static const int starts[] = {
		PR_MEM_SAMPLING_ENABLE, PR_MEM_SAMPLING_DISABLE,
		PR_MEM_SAMPLING_DEFAULT,
	};
	int s, i;

	for (s = 0; s < ARRAY_SIZE(starts); s++) {
		ASSERT_EQ(0, ms_set_mode(starts[s]));
		for (i = 0; i < ARRAY_SIZE(modes); i++) {
			EXPECT_EQ(-EINVAL, ms_set_mode(modes[i]))
				TH_LOG("mode %#lx", modes[i]);
			EXPECT_EQ(starts[s], ms_get_mode());
			self->tried++;
		}
		for (i = 0; i < ARRAY_SIZE(args); i++) {
			int other = starts[s] == PR_MEM_SAMPLING_ENABLE ?
				    PR_MEM_SAMPLING_DISABLE :
				    PR_MEM_SAMPLING_ENABLE;

			EXPECT_EQ(-1, prctl(PR_SET_MEM_SAMPLING, other,
					    args[i][0], args[i][1], args[i][2]));
			EXPECT_EQ(EINVAL, errno) TH_LOG("args #%d", i);
			EXPECT_EQ(starts[s], ms_get_mode());
			self->tried++;
		}
	}
}

TEST_F(hostile, prctl_get)
{
	static const unsigned long args[][4] = {
		{ 0, 1, 0, 0 }, { 0, 0, 0, 1 }, { -1UL, 0, 0, 0 },
		{ PR_MEM_SAMPLING_ENABLE, 0, 0, 0 }, { 0, 0, 1UL << 63, 0 },
	};
	int i;

	ASSERT_EQ(0, ms_set_mode(PR_MEM_SAMPLING_ENABLE));
	for (i = 0; i < ARRAY_SIZE(args); i++) {
		EXPECT_EQ(-1, prctl(PR_GET_MEM_SAMPLING, args[i][0], args[i][1],
				    args[i][2], args[i][3]));
		EXPECT_EQ(EINVAL, errno) TH_LOG("args #%d", i);
		self->tried++;
	}
	EXPECT_EQ(PR_MEM_SAMPLING_ENABLE, ms_get_mode());
}

/* ------------------------------------------------ the inject file */

/* What the inject fixture changes, restored after each test. */
static const char * const inject_settings[] = {
	MS_SYSCTL, MS_ACTIVE, MS_NUMA_SYSCTL, NUMAB_SYSCTL, MS_SYSFS "paddr",
	MS_SYSFS "opt_in", MS_SYSFS "op_filter", MS_SYSFS "min_latency",
	NUMAB_DEBUGFS "scan_delay_ms", NULL,
};

FIXTURE(inject) {
	struct ms_settings saved;
	char *victim;
	unsigned long long victim_pa;
	long page;
};

FIXTURE_SETUP(inject)
{
	if (geteuid())
		SKIP(return, "needs root");
	if (access(MS_INJECT, F_OK))
		SKIP(return, "no %s: CONFIG_MEM_SAMPLING_TEST_PROVIDER off",
		     MS_INJECT);
	if (access(MS_NUMA_SYSCTL, F_OK) ||
	    access(NODE1_DIR, F_OK))
		SKIP(return, "needs NUMA balancing from samples and 2 nodes");
	self->page = sysconf(_SC_PAGESIZE);
	ASSERT_EQ(0, ms_settings_save(&self->saved, inject_settings));
	/* Everything on: a good sample of the victim would migrate it. */
	set(_metadata, MS_ACTIVE, "1");
	set(_metadata, MS_SYSFS "paddr", "1");
	set(_metadata, MS_SYSFS "opt_in", "0");
	set(_metadata, MS_SYSFS "op_filter", "all");
	set(_metadata, MS_SYSFS "min_latency", "0");
	set(_metadata, NUMAB_SYSCTL, "1");
	set(_metadata, MS_SYSCTL, "1");
	set(_metadata, MS_NUMA_SYSCTL, "1");
	set(_metadata, NUMAB_DEBUGFS "scan_delay_ms", "0");
	ASSERT_EQ(0, ms_set_mode(PR_MEM_SAMPLING_DEFAULT));
	/* On node 0, so that pages on node 1 are misplaced. */
	ASSERT_EQ(0, ms_pin_to_cpu(0));
	ASSERT_EQ(0, ms_wait_numa_first_pass());
	self->victim = mmap(NULL, self->page, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->victim);
	memset(self->victim, 0x5a, self->page);
	ASSERT_EQ(0, ms_move_to_node(self->victim, 1, 1));
	self->victim_pa = ms_paddr_of(self->victim);
	ASSERT_NE(0, self->victim_pa);
}

FIXTURE_TEARDOWN(inject)
{
	EXPECT_EQ(0, ms_settings_restore(&self->saved));
}

/* Malformed writes: refused whole, nothing injected, nothing counted. */
TEST_F(inject, malformed)
{
	static const struct bad bad[] = {
		BAD("v"), BAD("vaddr=0x1000\0op=load\n"),
		BAD("vaddr=0x1000\n\0vaddr=0x2000\n"), BAD("\0"),
		BAD("op=5\n"), BAD("op=LOAD\n"), BAD("op=load,store\n"),
		BAD("op=\n"), BAD("vaddr=18446744073709551616\n"),
		BAD("vaddr=-1\n"), BAD("vaddr=0x1000=5\n"),
		BAD("pid=4294967296\n"), BAD("pid=0x80000000\n"),
		BAD("pid=1x\n"), BAD("latency=-1\n"), BAD("latency=65536\n"),
		BAD("data_source=65536\n"), BAD("events=0x100000000\n"),
		BAD("truncated=2\n"), BAD("truncated=yes\n"),
		BAD("truncated=1x\n"), BAD("count=4096\ncount=1\n"),
		BAD("count=-1\n"), BAD("count=4294967297\n"),
		BAD("vaddr=0x1000 \xff\xfe\n"), BAD("vaddr=0x1000,op=load\n"),
		BAD("VADDR=0x1000\n"), BAD("vaddr==0x1000\n"),
	};
	static char big[64 * 1024 + 2];
	struct ms_counters before;
	struct bad oversized = { big, sizeof(big) - 1 };
	int i;

	ms_counters_read(&before);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_EQ(-EINVAL, ms_write_bytes(MS_INJECT, bad[i].text,
						  bad[i].len))
			TH_LOG("\"%s\" accepted", show(&bad[i]));
	/* One byte over the 64 KiB limit, in comments that inject nothing. */
	memset(big, '#', sizeof(big) - 2);
	big[sizeof(big) - 2] = '\n';
	EXPECT_EQ(-EINVAL, ms_write_bytes(MS_INJECT, oversized.text,
					  oversized.len));
	/* At the limit it is taken, and injects nothing. */
	EXPECT_EQ(0, ms_write_bytes(MS_INJECT, big + 1, sizeof(big) - 2));
	EXPECT_TRUE(ms_counters_moved_exactly(&before, -1))
		TH_LOG("malformed");
	EXPECT_EQ(1, ms_pages_on_node(self->victim, 1, 1));
}

/* A zombie and a kernel thread have no mm: nothing is recorded. */
TEST_F(inject, no_mm)
{
	struct ms_counters before;
	pid_t zombie = fork();
	siginfo_t info;

	ASSERT_GE(zombie, 0);
	if (!zombie)
		_exit(0);
	/* Wait for the exit without reaping. */
	ASSERT_EQ(0, waitid(P_PID, zombie, &info, WEXITED | WNOWAIT));
	ms_counters_read(&before);
	EXPECT_EQ(0, ms_inject("pid=%d vaddr=0x%lx paddr=0x%llx op=load count=8\n",
			       zombie, (unsigned long)self->victim,
			       self->victim_pa));
	/* kthreadd */
	EXPECT_EQ(0, ms_inject("pid=2 vaddr=0x%lx paddr=0x%llx op=load count=8\n",
			       (unsigned long)self->victim, self->victim_pa));
	EXPECT_TRUE(ms_counters_moved_exactly(&before, -1))
		TH_LOG("no mm");
	waitpid(zombie, NULL, 0);
	EXPECT_EQ(-ESRCH, ms_inject("pid=%d vaddr=0x1000\n", zombie));
	EXPECT_EQ(1, ms_pages_on_node(self->victim, 1, 1));
}

/*
 * Taken, but nothing NUMA balancing may act on: each dropped and counted
 * for what it is, the victim page stays on node 1.
 */
TEST_F(inject, dropped_and_counted)
{
	char *local = mmap(NULL, self->page, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long victim = (unsigned long)self->victim;
	unsigned long long pa = self->victim_pa;
	struct ms_counters before;

	ASSERT_NE(MAP_FAILED, local);
	memset(local, 1, self->page);
	ASSERT_EQ(0, ms_move_to_node(local, 1, 0));

	ms_counters_read(&before);
	/* Kernel addresses: no VMA. */
	EXPECT_EQ(0, ms_inject("vaddr=0xffff800080000000 paddr=0x%llx op=load\n", pa));
	EXPECT_EQ(0, ms_inject("vaddr=0xffffffffffffffff paddr=0x%llx op=store\n", pa));
	EXPECT_TRUE(ms_counters_moved_exactly(&before, VM_SAMPLES, 2LL,
					      VM_QUEUED, 2LL, VM_SKIP_UNMAPPED, 2LL, -1))
		TH_LOG("kernel addresses");

	ms_counters_read(&before);
	/* Unmapped user addresses: the zero page and a hole. */
	EXPECT_EQ(0, ms_inject("vaddr=0x0 op=load\nvaddr=0x10000 paddr=0x%llx op=load\n", pa));
	EXPECT_TRUE(ms_counters_moved_exactly(&before, VM_SAMPLES, 2LL,
					      VM_QUEUED, 2LL, VM_SKIP_UNMAPPED, 2LL, -1))
		TH_LOG("unmapped");

	ms_counters_read(&before);
	/* The victim with the PA of no frame, of another page, of the kernel. */
	EXPECT_EQ(0, ms_inject("vaddr=0x%lx paddr=0x800000000000 op=load\n", victim));
	EXPECT_EQ(0, ms_inject("vaddr=0x%lx paddr=0xffffffffffffffff op=load\n", victim));
	EXPECT_EQ(0, ms_inject("vaddr=0x%lx paddr=0x%llx op=load\n", victim,
			       ms_paddr_of(local)));
	EXPECT_EQ(0, ms_inject("vaddr=0x%lx paddr=0x0 op=load\n", victim));
	EXPECT_TRUE(ms_counters_moved_exactly(&before, VM_SAMPLES, 4LL,
					      VM_QUEUED, 4LL, VM_SKIP_PADDR, 4LL, -1))
		TH_LOG("wrong PA");

	ms_counters_read(&before);
	/* A branch target and a record with no data address. */
	EXPECT_EQ(0, ms_inject("vaddr=0x%lx paddr=0x%llx op=branch\n", victim, pa));
	EXPECT_EQ(0, ms_inject("paddr=0x%llx op=load\npc=0x%lx op=load\n", pa, victim));
	EXPECT_TRUE(ms_counters_moved_exactly(&before,
					      VM_SAMPLES, 3LL, VM_SKIP_INVALID, 3LL, -1))
		TH_LOG("no data address");
	EXPECT_EQ(1, ms_pages_on_node(self->victim, 1, 1));

	/* The good sample, to show the victim could move all along. */
	ms_counters_read(&before);
	EXPECT_EQ(0, ms_inject("vaddr=0x%lx paddr=0x%llx op=load\n", victim, pa));
	EXPECT_TRUE(ms_counters_moved_exactly(&before, VM_SAMPLES, 1LL,
					      VM_QUEUED, 1LL, VM_USED, 1LL, VM_MIGRATED, 1LL, -1))
		TH_LOG("good sample");
	EXPECT_EQ(1, ms_pages_on_node(self->victim, 1, 0));
	munmap(local, self->page);
}

/*
 * The most one write may carry, all of it for a kernel address: the
 * task's queue takes what it can hold, the rest is dropped and counted.
 */
TEST_F(inject, flood)
{
	struct ms_counters before, after;
	long long queued;

	ms_counters_read(&before);
	EXPECT_EQ(0, ms_inject("vaddr=0xffff800080000000 paddr=0x%llx op=load count=4096\n",
			       self->victim_pa));
	ms_counters_read(&after);
	queued = after.v[VM_QUEUED] - before.v[VM_QUEUED];
	ksft_print_msg("flood of 4096: %lld queued, %lld dropped by NUMA balancing\n",
		       queued, after.v[VM_NUMA_DROPPED] - before.v[VM_NUMA_DROPPED]);
	EXPECT_GT(queued, 0);
	EXPECT_TRUE(ms_counters_moved_exactly(&before, VM_SAMPLES, 4096LL,
					      VM_QUEUED, queued, VM_SKIP_UNMAPPED, queued,
					      VM_NUMA_DROPPED, 4096 - queued, -1))
		TH_LOG("flood");
	EXPECT_EQ(1, ms_pages_on_node(self->victim, 1, 1));
}

TEST_HARNESS_MAIN
