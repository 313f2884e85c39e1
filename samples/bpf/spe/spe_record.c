// SPDX-License-Identifier: GPL-2.0
/*
 * spe-record: print every memory access sample of the mem_sampling core
 * as it happens, with the NUMA node of the physical address, and a
 * summary on exit.
 *
 * The samples come from the mem_sampling:mem_sampling_record tracepoint
 * through a BPF program (spe_record.bpf.c) and a BPF ring buffer.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdnoreturn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "spe_record.h"
#include "spe_record.skel.h"

#define PROGRAM			"spe-record"
#define EVENT_SYSTEM		"mem_sampling"
#define EVENT_NAME		"mem_sampling_record"
#define TRACEPOINT		EVENT_SYSTEM ":" EVENT_NAME
#define ENABLE_SYSCTL		"/proc/sys/kernel/mem_sampling_enable"
#define NODE_UNKNOWN		(-1)
#define MAX_NODES		1024

#define ARRAY_SIZE(array)	(sizeof(array) / sizeof((array)[0]))

static struct options {
	int pid;
	double duration;
	unsigned long long count;
	int json;
	int force;
	int verbose;
} options;

/* Set by the signal handler and the event callback, read by the loop. */
static int exiting;

static void set_exiting(int value)
{
	__atomic_store_n(&exiting, value, __ATOMIC_RELAXED);
}

static int is_exiting(void)
{
	return __atomic_load_n(&exiting, __ATOMIC_RELAXED);
}

static const char *const op_names[] = {
	[SPE_RECORD_OP_OTHER] = "other",
	[SPE_RECORD_OP_LOAD] = "load",
	[SPE_RECORD_OP_STORE] = "store",
	[SPE_RECORD_OP_BRANCH] = "branch",
};

static noreturn void fail(const char *fmt, ...)
{
	va_list args;

	fprintf(stderr, PROGRAM ": ");
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fputc('\n', stderr);
	exit(1);
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: " PROGRAM " [-p PID] [-d SECONDS] [-c COUNT] [--json] [-f] [-v]\n"
		"Print every memory access sample of mem_sampling (Arm SPE or another\n"
		"provider) as it is taken, then a summary.\n"
		"\n"
		"  -p, --pid PID         only the samples of process PID (filtered in the kernel)\n"
		"  -d, --duration SECS   stop after SECS seconds (fractions allowed)\n"
		"  -c, --count COUNT     stop after COUNT samples\n"
		"  -j, --json            one JSON object per sample and one for the summary\n"
		"  -f, --force           record even if kernel.mem_sampling_enable is 0\n"
		"                        (tasks sampled through prctl still produce samples)\n"
		"  -v, --verbose         show libbpf's messages\n"
		"  -h, --help            this text\n"
		"\n"
		"Columns: TIME (seconds since start), COMM, PID, TID, CPU, OP, LATENCY\n"
		"(cycles), VADDR, PADDR, NODE (NUMA node of PADDR). '-' means not reported.\n"
		"Ctrl-C stops recording and prints the summary.\n");
}

static int parse_args(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "duration", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "force", no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	char *end;
	long value;
	int opt;

	while ((opt = getopt_long(argc, argv, "p:d:c:jfvh", long_options, NULL)) != -1) {
		switch (opt) {
		case 'p':
			errno = 0;
			value = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || value <= 0 || value > INT_MAX)
				fail("invalid PID '%s'", optarg);
			options.pid = value;
			break;
		case 'd':
			errno = 0;
			options.duration = strtod(optarg, &end);
			if (errno || *end || end == optarg || !(options.duration > 0) ||
			    options.duration > 1e9)
				fail("invalid duration '%s' (seconds, > 0)", optarg);
			break;
		case 'c':
			errno = 0;
			options.count = strtoull(optarg, &end, 10);
			if (errno || *end || end == optarg || optarg[0] == '-' || !options.count)
				fail("invalid count '%s' (> 0)", optarg);
			break;
		case 'j':
			options.json = 1;
			break;
		case 'f':
			options.force = 1;
			break;
		case 'v':
			options.verbose = 1;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(2);
		}
	}
	if (optind < argc) {
		fprintf(stderr, PROGRAM ": unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		exit(2);
	}
	return 0;
}

static int read_file(const char *path, char *buf, size_t size)
{
	FILE *file = fopen(path, "r");
	size_t len;

	if (!file)
		return -errno;
	len = fread(buf, 1, size - 1, file);
	buf[len] = '\0';
	fclose(file);
	return len;
}

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Find tracefs; mount it where the kernel expects it if nobody did. */
static const char *find_tracefs(void)
{
	static const char *const candidates[] = {
		"/sys/kernel/tracing",
		"/sys/kernel/debug/tracing",
	};
	unsigned int i;
	char path[PATH_MAX];

	for (i = 0; i < ARRAY_SIZE(candidates); i++) {
		snprintf(path, sizeof(path), "%s/events", candidates[i]);
		if (is_dir(path))
			return candidates[i];
	}
	if (is_dir(candidates[0]) &&
	    mount("nodev", candidates[0], "tracefs", 0, NULL) == 0 &&
	    is_dir("/sys/kernel/tracing/events"))
		return candidates[0];
	return NULL;
}

#define NOT_BUILT \
	"tracepoint mem_sampling:mem_sampling_record not found: mem_sampling is not built into this kernel (CONFIG_MEM_SAMPLING=y needed)"
#define TRACING_INCOMPLETE \
	"tracepoint %s not found in %s/events although mem_sampling is built: is the kernel's tracing complete?"

/*
 * Refuse early, with the reason, when the kernel cannot give samples: the
 * feature not built, the tracepoint not available, or sampling off.
 */
static void check_feature(const char *tracefs, char *event_dir, size_t size)
{
	int have_sysctl = access(ENABLE_SYSCTL, F_OK) == 0;
	char value[32];

	if (!tracefs) {
		if (!have_sysctl)
			fail("%s", NOT_BUILT);
		fail("%s",
		     "tracefs is not available at /sys/kernel/tracing: the kernel needs CONFIG_FTRACE with event tracing (e.g. CONFIG_UPROBE_EVENTS=y)");
	}

	snprintf(event_dir, size, "%s/events/" EVENT_SYSTEM "/" EVENT_NAME, tracefs);
	if (!is_dir(event_dir)) {
		if (!have_sysctl)
			fail("%s", NOT_BUILT);
		fail(TRACING_INCOMPLETE, TRACEPOINT, tracefs);
	}

	if (!have_sysctl) {
		if (!options.force)
			fail("%s",
			     "kernel.mem_sampling_enable not found: kernel built without the mem_sampling sysctl? (-f records anyway)");
		return;
	}
	if (read_file(ENABLE_SYSCTL, value, sizeof(value)) < 0)
		fail("cannot read %s: %s", ENABLE_SYSCTL, strerror(errno));
	if (strtol(value, NULL, 0) == 0 && !options.force)
		fail("%s",
		     "mem_sampling is disabled: enable it with 'sysctl kernel.mem_sampling_enable=1' (or -f to record tasks sampled through prctl only)");
}

#define FORMAT_MISMATCH \
	"tracepoint format mismatch in %s: field '%s' is at offset %lu, size %lu in the kernel, but spe-record was built for offset %zu, size %zu; %s"

/* What spe_record.h believes the tracepoint looks like. */
#define CTX_OFFSET(field)	offsetof(struct mem_sampling_record_ctx, field)
static const struct mem_sampling_record_ctx ctx;
static const struct expected_field {
	const char *name;
	size_t offset;
	size_t size;
} expected_fields[] = {
	{ "common_type", CTX_OFFSET(common_type), sizeof(ctx.common_type) },
	{ "common_flags", CTX_OFFSET(common_flags), sizeof(ctx.common_flags) },
	{ "common_preempt_count", CTX_OFFSET(common_preempt_count),
	  sizeof(ctx.common_preempt_count) },
	{ "common_pid", CTX_OFFSET(common_pid), sizeof(ctx.common_pid) },
	{ "pid", CTX_OFFSET(pid), sizeof(ctx.pid) },
	{ "tid", CTX_OFFSET(tid), sizeof(ctx.tid) },
	{ "cpu", CTX_OFFSET(cpu), sizeof(ctx.cpu) },
	{ "vaddr", CTX_OFFSET(vaddr), sizeof(ctx.vaddr) },
	{ "paddr", CTX_OFFSET(paddr), sizeof(ctx.paddr) },
	{ "pc", CTX_OFFSET(pc), sizeof(ctx.pc) },
	{ "flags", CTX_OFFSET(flags), sizeof(ctx.flags) },
	{ "events", CTX_OFFSET(events), sizeof(ctx.events) },
	{ "latency", CTX_OFFSET(latency), sizeof(ctx.latency) },
	{ "data_source", CTX_OFFSET(data_source), sizeof(ctx.data_source) },
	{ "op", CTX_OFFSET(op), sizeof(ctx.op) },
};

#define NR_EXPECTED ARRAY_SIZE(expected_fields)

/*
 * The kernel has no BTF to relocate against: compare the layout this
 * program was built for with the event's format file, field by field.
 * A format line reads: "field:u64 vaddr;<tab>offset:24;<tab>size:8;...".
 */
static void check_format(const char *event_dir)
{
	static const char rebuild[] =
		"rebuild spe-record for this kernel's include/trace/events/mem_sampling.h";
	int found[NR_EXPECTED] = { 0 };
	char path[PATH_MAX], line[512], name[128];
	unsigned int i;
	FILE *file;

	snprintf(path, sizeof(path), "%s/format", event_dir);
	file = fopen(path, "r");
	if (!file)
		fail("cannot open %s: %s", path, strerror(errno));

	while (fgets(line, sizeof(line), file)) {
		char *field = strstr(line, "field:");
		char *semicolon, *start, *end, *offset_str, *size_str;
		unsigned long offset, size;

		if (!field)
			continue;
		field += strlen("field:");
		semicolon = strchr(field, ';');
		offset_str = strstr(line, "offset:");
		size_str = strstr(line, "size:");
		if (!semicolon || !offset_str || !size_str)
			continue;

		/* The name is the last identifier of the declaration. */
		end = semicolon;
		if (memchr(field, '[', semicolon - field))
			end = memchr(field, '[', semicolon - field);
		while (end > field && isspace((unsigned char)end[-1]))
			end--;
		start = end;
		while (start > field && (isalnum((unsigned char)start[-1]) || start[-1] == '_'))
			start--;
		if (end == start || (size_t)(end - start) >= sizeof(name))
			continue;
		memcpy(name, start, end - start);
		name[end - start] = '\0';
		offset = strtoul(offset_str + strlen("offset:"), NULL, 10);
		size = strtoul(size_str + strlen("size:"), NULL, 10);

		for (i = 0; i < NR_EXPECTED; i++) {
			if (strcmp(name, expected_fields[i].name))
				continue;
			found[i] = 1;
			if (offset != expected_fields[i].offset || size != expected_fields[i].size)
				fail(FORMAT_MISMATCH,
				     path, name, offset, size,
				     expected_fields[i].offset, expected_fields[i].size, rebuild);
		}
	}
	fclose(file);

	for (i = 0; i < NR_EXPECTED; i++)
		if (!found[i])
			fail("tracepoint format mismatch in %s: field '%s' is missing; %s",
			     path, expected_fields[i].name, rebuild);
}

static void check_bpf(void)
{
	int err;

	/* The bpf() syscall and this sysctl come with CONFIG_BPF_SYSCALL. */
	if (access("/proc/sys/kernel/unprivileged_bpf_disabled", F_OK))
		fail("%s", "BPF is not supported by this kernel (CONFIG_BPF_SYSCALL=y needed)");
	if (access("/proc/sys/kernel/perf_event_paranoid", F_OK))
		fail("%s",
		     "perf events are not supported by this kernel (CONFIG_PERF_EVENTS=y needed)");
	err = libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_TRACEPOINT, NULL);
	/* uid 0 without its capabilities gets here: say what is missing. */
	if (err == -EPERM || err == -EACCES)
		fail("%s",
		     "not permitted to load BPF programs (CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN, needed)");
	if (err != 1)
		fail("%s",
		     "BPF tracepoint programs are not supported by this kernel (CONFIG_BPF_EVENTS=y needed, which needs CONFIG_PERF_EVENTS and CONFIG_UPROBE_EVENTS or CONFIG_KPROBE_EVENTS)");
	if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) != 1)
		fail("%s",
		     "BPF ring buffers are not supported by this kernel (Linux 5.8 or later needed)");
}

/* --- NUMA topology: node of a physical address, node of a CPU --- */

struct node_range {
	unsigned long long start, end;	/* [start, end) */
	int node;
};

static struct node_range *node_ranges;
static unsigned int nr_node_ranges;
static int *cpu_nodes;
static int nr_cpu_nodes;
static const char *node_source = "none";

static void add_node_range(unsigned long long start, unsigned long long end, int node)
{
	struct node_range *last = nr_node_ranges ? &node_ranges[nr_node_ranges - 1] : NULL;

	if (last && last->node == node && last->end == start) {
		last->end = end;
		return;
	}
	node_ranges = realloc(node_ranges, (nr_node_ranges + 1) * sizeof(*node_ranges));
	if (!node_ranges)
		fail("out of memory");
	node_ranges[nr_node_ranges++] = (struct node_range){ start, end, node };
}

static int compare_ranges(const void *a, const void *b)
{
	const struct node_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/*
 * Memory blocks (CONFIG_MEMORY_HOTPLUG): every
 * /sys/devices/system/memory/memoryN covers block_size_bytes from
 * N * block_size_bytes and links to its node.
 */
static int load_memory_blocks(void)
{
	const char *base = "/sys/devices/system/memory";
	unsigned long long block_size;
	char path[PATH_MAX], buf[64];
	struct dirent *entry;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/block_size_bytes", base);
	if (read_file(path, buf, sizeof(buf)) <= 0)
		return 0;
	block_size = strtoull(buf, NULL, 16);
	dir = opendir(base);
	if (!block_size || !dir) {
		if (dir)
			closedir(dir);
		return 0;
	}

	while ((entry = readdir(dir))) {
		unsigned long long index;
		struct dirent *link;
		DIR *block;
		char *end;

		if (strncmp(entry->d_name, "memory", 6) ||
		    !isdigit((unsigned char)entry->d_name[6]))
			continue;
		index = strtoull(entry->d_name + 6, &end, 10);
		if (*end)
			continue;
		snprintf(path, sizeof(path), "%s/%s", base, entry->d_name);
		block = opendir(path);
		if (!block)
			continue;
		while ((link = readdir(block))) {
			if (!strncmp(link->d_name, "node", 4) &&
			    isdigit((unsigned char)link->d_name[4])) {
				add_node_range(index * block_size, (index + 1) * block_size,
					       atoi(link->d_name + 4));
				break;
			}
		}
		closedir(block);
	}
	closedir(dir);
	return nr_node_ranges;
}

/* Without memory blocks: the span of every zone of every node. */
static int load_zoneinfo(void)
{
	unsigned long long spanned = 0, start_pfn = 0, page_size = sysconf(_SC_PAGESIZE);
	int node = -1, have_spanned = 0;
	FILE *file = fopen("/proc/zoneinfo", "r");
	char line[256];

	if (!file)
		return 0;
	while (fgets(line, sizeof(line), file)) {
		const char *text = line;

		while (isspace((unsigned char)*text))
			text++;
		if (sscanf(text, "Node %d,", &node) == 1) {
			have_spanned = 0;
		} else if (sscanf(text, "spanned %llu", &spanned) == 1) {
			have_spanned = 1;
		} else if (node >= 0 && have_spanned &&
			   sscanf(text, "start_pfn: %llu", &start_pfn) == 1) {
			if (spanned)
				add_node_range(start_pfn * page_size,
					       (start_pfn + spanned) * page_size, node);
			have_spanned = 0;
		}
	}
	fclose(file);
	return nr_node_ranges;
}

/* Parse a cpulist such as "0-3,8,10-11", calling back for every CPU. */
static void parse_cpulist(const char *list, int node)
{
	const char *p = list;

	while (*p && *p != '\n') {
		char *end;
		long first = strtol(p, &end, 10), last = first, cpu;

		if (end == p)
			break;
		if (*end == '-')
			last = strtol(end + 1, &end, 10);
		for (cpu = first; cpu <= last && cpu < 65536; cpu++) {
			if (cpu >= nr_cpu_nodes) {
				int old = nr_cpu_nodes, i;

				nr_cpu_nodes = cpu + 64;
				cpu_nodes = realloc(cpu_nodes, nr_cpu_nodes * sizeof(*cpu_nodes));
				if (!cpu_nodes)
					fail("out of memory");
				for (i = old; i < nr_cpu_nodes; i++)
					cpu_nodes[i] = NODE_UNKNOWN;
			}
			cpu_nodes[cpu] = node;
		}
		p = *end == ',' ? end + 1 : end;
	}
}

static void load_topology(void)
{
	const char *base = "/sys/devices/system/node";
	char path[PATH_MAX], list[4096];
	struct dirent *entry;
	DIR *dir;

	if (load_memory_blocks())
		node_source = "memory blocks";
	else if (load_zoneinfo())
		node_source = "zoneinfo";
	if (nr_node_ranges)
		qsort(node_ranges, nr_node_ranges, sizeof(*node_ranges), compare_ranges);

	dir = opendir(base);
	if (!dir) {
		/* No NUMA: every CPU is on node 0. */
		parse_cpulist("0-65535", 0);
		return;
	}
	while ((entry = readdir(dir))) {
		if (strncmp(entry->d_name, "node", 4) || !isdigit((unsigned char)entry->d_name[4]))
			continue;
		snprintf(path, sizeof(path), "%s/%s/cpulist", base, entry->d_name);
		if (read_file(path, list, sizeof(list)) > 0)
			parse_cpulist(list, atoi(entry->d_name + 4));
	}
	closedir(dir);
}

static int paddr_node(unsigned long long paddr)
{
	unsigned int low = 0, high = nr_node_ranges;

	while (low < high) {
		unsigned int mid = (low + high) / 2;

		if (paddr < node_ranges[mid].start)
			high = mid;
		else if (paddr >= node_ranges[mid].end)
			low = mid + 1;
		else
			return node_ranges[mid].node;
	}
	return NODE_UNKNOWN;
}

static int cpu_node(int cpu)
{
	return cpu >= 0 && cpu < nr_cpu_nodes ? cpu_nodes[cpu] : NODE_UNKNOWN;
}

/* --- Names of tasks that were not current when their record was traced --- */

struct comm_entry {
	int tid;
	char comm[SPE_RECORD_COMM_LEN];
};

static struct comm_entry *comm_cache;
static unsigned int comm_cache_size, comm_cache_used;

static struct comm_entry *comm_slot(int tid)
{
	unsigned int i = (unsigned int)tid * 2654435761U;

	for (;; i++) {
		struct comm_entry *entry = &comm_cache[i & (comm_cache_size - 1)];

		if (!entry->tid || entry->tid == tid)
			return entry;
	}
}

static const char *task_comm(int tid, const char *traced_comm, int traced_valid)
{
	struct comm_entry *entry;

	if (comm_cache_used * 2 >= comm_cache_size) {
		struct comm_entry *old = comm_cache;
		unsigned int old_size = comm_cache_size, i;

		comm_cache_size = old_size ? old_size * 2 : 256;
		comm_cache = calloc(comm_cache_size, sizeof(*comm_cache));
		if (!comm_cache)
			fail("out of memory");
		for (i = 0; i < old_size; i++)
			if (old[i].tid)
				*comm_slot(old[i].tid) = old[i];
		free(old);
	}

	entry = comm_slot(tid);
	if (traced_valid) {
		/* The task may have renamed itself: the traced name wins. */
		if (!entry->tid)
			comm_cache_used++;
		entry->tid = tid;
		memcpy(entry->comm, traced_comm, SPE_RECORD_COMM_LEN);
		entry->comm[SPE_RECORD_COMM_LEN - 1] = '\0';
	} else if (!entry->tid) {
		char path[64];
		int len;

		snprintf(path, sizeof(path), "/proc/%d/comm", tid);
		len = read_file(path, entry->comm, sizeof(entry->comm));
		if (len <= 0)
			snprintf(entry->comm, sizeof(entry->comm), "?");
		else if (entry->comm[len - 1] == '\n')
			entry->comm[len - 1] = '\0';
		entry->tid = tid;
		comm_cache_used++;
	}
	return entry->comm;
}

/* --- Statistics for the summary --- */

struct pid_stat {
	int pid;
	unsigned long long samples;
	char comm[SPE_RECORD_COMM_LEN];
};

static struct {
	unsigned long long samples;
	unsigned long long node_samples[MAX_NODES];
	unsigned long long unknown_node;
	unsigned long long local, remote, unknown_locality;
	struct pid_stat *pids;
	unsigned int nr_pids;
	int max_node;
} stats = { .max_node = -1 };

static struct timespec start_time;
static unsigned long long start_ns;
static unsigned long long end_ns;	/* end of the -d window, 0 without -d */
static int draining;			/* detached: empty the ring buffer */

static void account(const struct spe_record_event *event, const char *comm,
		    int node, int local_node)
{
	struct pid_stat *pid_stat = NULL;
	unsigned int i;

	stats.samples++;
	if (node >= 0 && node < MAX_NODES) {
		stats.node_samples[node]++;
		if (node > stats.max_node)
			stats.max_node = node;
	} else {
		stats.unknown_node++;
	}
	if (node < 0 || local_node < 0)
		stats.unknown_locality++;
	else if (node == local_node)
		stats.local++;
	else
		stats.remote++;

	for (i = 0; i < stats.nr_pids; i++) {
		if (stats.pids[i].pid == event->pid) {
			pid_stat = &stats.pids[i];
			break;
		}
	}
	if (!pid_stat) {
		stats.pids = realloc(stats.pids, (stats.nr_pids + 1) * sizeof(*stats.pids));
		if (!stats.pids)
			fail("out of memory");
		pid_stat = &stats.pids[stats.nr_pids++];
		memset(pid_stat, 0, sizeof(*pid_stat));
		pid_stat->pid = event->pid;
		snprintf(pid_stat->comm, sizeof(pid_stat->comm), "%s",
			 event->pid == event->tid ? comm : task_comm(event->pid, NULL, 0));
	}
	pid_stat->samples++;
}

static void json_string(const char *text)
{
	putchar('"');
	for (; *text; text++) {
		unsigned char c = *text;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void print_header(void)
{
	if (options.json)
		return;
	printf("%-12s %-16s %7s %7s %3s %-6s %7s %-18s %-18s %4s\n",
	       "TIME(s)", "COMM", "PID", "TID", "CPU", "OP", "LATENCY",
	       "VADDR", "PADDR", "NODE");
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct spe_record_event *event = data;
	int paddr_valid, node, local_node;
	char latency[16], vaddr[24], paddr[24], node_text[12];
	const char *comm, *op;
	double time;

	if (size < sizeof(*event))
		return 0;
	/*
	 * Samples taken after the -d window or beyond -c are not ours.  Stop
	 * consuming then (a negative value ends ring_buffer__poll(), which
	 * would otherwise not return while samples keep coming), except when
	 * emptying the ring after detaching.
	 */
	if ((end_ns && event->time_ns > end_ns) ||
	    (options.count && stats.samples >= options.count)) {
		set_exiting(1);
		return draining ? 0 : -ECANCELED;
	}

	comm = task_comm(event->tid, event->comm, event->comm_valid);
	op = event->op < ARRAY_SIZE(op_names) ? op_names[event->op] : "?";
	paddr_valid = event->flags & SPE_RECORD_PADDR_VALID;
	node = paddr_valid ? paddr_node(event->paddr) : NODE_UNKNOWN;
	local_node = cpu_node(event->cpu);
	time = event->time_ns >= start_ns ? (event->time_ns - start_ns) / 1e9 : 0;
	account(event, comm, node, local_node);

	if (options.json) {
		printf("{\"time\":%.6f,\"time_ns\":%llu,\"comm\":", time,
		       (unsigned long long)event->time_ns);
		json_string(comm);
		printf(",\"pid\":%d,\"tid\":%d,\"cpu\":%d,\"cpu_node\":%d,\"op\":\"%s\"",
		       event->pid, event->tid, event->cpu, local_node, op);
		if (event->flags & SPE_RECORD_TOTAL_LAT_VALID)
			printf(",\"latency\":%u", event->latency);
		else
			printf(",\"latency\":null");
		if (event->flags & SPE_RECORD_VADDR_VALID)
			printf(",\"vaddr\":\"0x%llx\"", (unsigned long long)event->vaddr);
		else
			printf(",\"vaddr\":null");
		if (paddr_valid)
			printf(",\"paddr\":\"0x%llx\"", (unsigned long long)event->paddr);
		else
			printf(",\"paddr\":null");
		if (node >= 0)
			printf(",\"node\":%d", node);
		else
			printf(",\"node\":null");
		if (event->flags & SPE_RECORD_PC_VALID)
			printf(",\"pc\":\"0x%llx\"", (unsigned long long)event->pc);
		else
			printf(",\"pc\":null");
		printf(",\"flags\":%u,\"events\":%u,\"data_source\":%u}\n",
		       event->flags, event->events, event->data_source);
	} else {
		snprintf(latency, sizeof(latency), "-");
		snprintf(vaddr, sizeof(vaddr), "-");
		snprintf(paddr, sizeof(paddr), "-");
		snprintf(node_text, sizeof(node_text), "-");
		if (event->flags & SPE_RECORD_TOTAL_LAT_VALID)
			snprintf(latency, sizeof(latency), "%u", event->latency);
		if (event->flags & SPE_RECORD_VADDR_VALID)
			snprintf(vaddr, sizeof(vaddr), "0x%016llx",
				 (unsigned long long)event->vaddr);
		if (paddr_valid)
			snprintf(paddr, sizeof(paddr), "0x%016llx",
				 (unsigned long long)event->paddr);
		if (node >= 0)
			snprintf(node_text, sizeof(node_text), "%d", node);
		printf("%-12.6f %-16s %7d %7d %3d %-6s %7s %-18s %-18s %4s\n",
		       time, comm, event->pid, event->tid, event->cpu, op, latency,
		       vaddr, paddr, node_text);
	}

	/*
	 * Ctrl-C: this sample was ours, so it is printed before the poll
	 * ends (libbpf drops the sample a callback fails on); the rest are
	 * read after detaching.
	 */
	return is_exiting() && !draining ? -ECANCELED : 0;
}

static int compare_pid_stats(const void *a, const void *b)
{
	const struct pid_stat *x = a, *y = b;

	if (x->samples != y->samples)
		return x->samples > y->samples ? -1 : 1;
	return x->pid - y->pid;
}

static void read_counters(struct spe_record_bpf *skel, unsigned long long *seen,
			  unsigned long long *lost)
{
	int nr_cpus = libbpf_num_possible_cpus(), fd = bpf_map__fd(skel->maps.counters);
	unsigned long long totals[SPE_RECORD_NR_COUNTERS] = { 0 };
	__u64 *values;
	__u32 key;
	int cpu;

	*seen = *lost = 0;
	if (nr_cpus <= 0)
		return;
	values = calloc(nr_cpus, sizeof(*values));
	if (!values)
		return;
	for (key = 0; key < SPE_RECORD_NR_COUNTERS; key++) {
		if (bpf_map_lookup_elem(fd, &key, values))
			continue;
		for (cpu = 0; cpu < nr_cpus; cpu++)
			totals[key] += values[cpu];
	}
	free(values);
	*seen = totals[SPE_RECORD_COUNTER_SEEN];
	*lost = totals[SPE_RECORD_COUNTER_LOST];
}

static double percent(unsigned long long part, unsigned long long whole)
{
	return whole ? 100.0 * part / whole : 0.0;
}

static void print_summary(struct spe_record_bpf *skel, double elapsed)
{
	unsigned long long seen, lost, located = stats.local + stats.remote;
	unsigned int i;
	int node;

	read_counters(skel, &seen, &lost);
	qsort(stats.pids, stats.nr_pids, sizeof(*stats.pids), compare_pid_stats);

	if (options.json) {
		printf("{\"summary\":{\"samples\":%llu,\"lost\":%llu,\"seen\":%llu,",
		       stats.samples, lost, seen);
		printf("\"duration\":%.3f,\"pids\":[", elapsed);
		for (i = 0; i < stats.nr_pids; i++) {
			printf("%s{\"pid\":%d,\"comm\":", i ? "," : "", stats.pids[i].pid);
			json_string(stats.pids[i].comm);
			printf(",\"samples\":%llu}", stats.pids[i].samples);
		}
		printf("],\"nodes\":[");
		for (node = 0, i = 0; node <= stats.max_node; node++) {
			if (!stats.node_samples[node])
				continue;
			printf("%s{\"node\":%d,\"samples\":%llu}", i++ ? "," : "", node,
			       stats.node_samples[node]);
		}
		printf("],\"unknown_node\":%llu,\"local\":%llu,\"remote\":%llu,",
		       stats.unknown_node, stats.local, stats.remote);
		printf("\"unknown_locality\":%llu}}\n", stats.unknown_locality);
		fflush(stdout);
		return;
	}

	printf("\nSummary: %llu samples in %.2f s", stats.samples, elapsed);
	printf(" (%llu tracepoint hits%s, %llu lost to a full buffer)\n", seen,
	       options.pid ? " before the pid filter" : "", lost);
	printf("%-10s %-16s %10s\n", "PID", "COMM", "SAMPLES");
	for (i = 0; i < stats.nr_pids; i++)
		printf("%-10d %-16s %10llu\n", stats.pids[i].pid, stats.pids[i].comm,
		       stats.pids[i].samples);
	printf("%-10s %10s\n", "NODE", "SAMPLES");
	for (node = 0; node <= stats.max_node; node++)
		if (stats.node_samples[node])
			printf("%-10d %10llu\n", node, stats.node_samples[node]);
	if (stats.unknown_node)
		printf("%-10s %10llu\n", "unknown", stats.unknown_node);
	printf("Local %llu (%.1f%%), remote %llu (%.1f%%) of %llu samples with a known node;",
	       stats.local, percent(stats.local, located), stats.remote,
	       percent(stats.remote, located), located);
	printf(" %llu without\n", stats.unknown_locality);
	fflush(stdout);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (!options.verbose && level != LIBBPF_WARN)
		return 0;
	return vfprintf(stderr, fmt, args);
}

static void on_signal(int signo)
{
	set_exiting(1);
}

static double seconds_since(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - since->tv_sec) + (now.tv_nsec - since->tv_nsec) / 1e9;
}

static int read_event_id(const char *event_dir)
{
	char path[PATH_MAX], buf[32];

	snprintf(path, sizeof(path), "%s/id", event_dir);
	if (read_file(path, buf, sizeof(buf)) <= 0)
		fail("cannot read %s: %s", path, strerror(errno));
	return atoi(buf);
}

/*
 * A BPF program attached to a tracepoint through any one perf event runs
 * for the hits on every CPU: one event on CPU 0 is enough.
 */
static struct bpf_link *attach_program(struct spe_record_bpf *skel, int event_id)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_TRACEPOINT,
		.size = sizeof(attr),
		.config = event_id,
		.sample_period = 1,
		.wakeup_events = 1,
	};
	struct bpf_link *link;
	int fd, cpu, err;

	for (cpu = 0; cpu < nr_cpu_nodes || cpu == 0; cpu++) {
		fd = syscall(__NR_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
		if (fd >= 0 || errno != ENODEV)
			break;	/* ENODEV: offline CPU, try the next one */
	}
	if (fd < 0)
		fail("cannot open the tracepoint as a perf event: %s", strerror(errno));
	link = bpf_program__attach_perf_event(skel->progs.spe_record, fd);
	err = libbpf_get_error(link);
	if (err) {
		close(fd);
		if (err == -EACCES)
			fail("%s",
			     "the kernel refused the BPF program for this tracepoint (EACCES): the event is smaller than spe-record expects; rebuild spe-record for this kernel");
		fail("cannot attach the BPF program to the tracepoint: %s", strerror(-err));
	}
	return link;
}

int main(int argc, char **argv)
{
	char event_dir[256];
	struct spe_record_bpf *skel;
	struct ring_buffer *ring;
	struct bpf_link *link;
	struct sigaction action = { .sa_handler = on_signal };
	struct spe_record_settings settings = { 0 };
	int err, event_id, failed = 0;
	__u32 zero = 0;
	double elapsed;

	parse_args(argc, argv);
	if (geteuid() != 0)
		fail("must be run as root (it loads a BPF program and reads tracefs)");

	check_feature(find_tracefs(), event_dir, sizeof(event_dir));
	check_format(event_dir);
	event_id = read_event_id(event_dir);
	libbpf_set_print(libbpf_print);
	check_bpf();
	load_topology();

	skel = spe_record_bpf__open();
	if (!skel)
		fail("cannot open the BPF object: %s", strerror(errno));
	err = spe_record_bpf__load(skel);
	if (err) {
		if (err == -EPERM)
			fail("%s",
			     "the kernel refused to load the BPF program (EPERM): root without CAP_BPF/CAP_SYS_ADMIN, or a locked-down kernel");
		fail("cannot load the BPF program: %s (-v shows the verifier's log)",
		     strerror(-err));
	}
	settings.pid = options.pid;
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.settings), &zero, &settings, BPF_ANY))
		fail("cannot set the pid filter: %s", strerror(errno));

	ring = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_event, NULL, NULL);
	if (!ring)
		fail("cannot set up the ring buffer: %s", strerror(errno));

	sigaction(SIGINT, &action, NULL);
	sigaction(SIGTERM, &action, NULL);

	clock_gettime(CLOCK_MONOTONIC, &start_time);
	start_ns = start_time.tv_sec * 1000000000ULL + start_time.tv_nsec;
	if (options.duration)
		end_ns = start_ns + (unsigned long long)(options.duration * 1e9);
	link = attach_program(skel, event_id);

	if (options.verbose)
		fprintf(stderr, PROGRAM ": %u physical ranges from %s, pid filter %d\n",
			nr_node_ranges, node_source, options.pid);
	/* Both say recording has begun: scripts may wait for either. */
	print_header();
	fflush(stdout);
	fprintf(stderr, PROGRAM ": recording, Ctrl-C to stop\n");

	while (!is_exiting()) {
		int timeout = 100;

		if (options.duration) {
			double left = options.duration - seconds_since(&start_time);

			if (left <= 0)
				break;
			if (left * 1000 < timeout)
				timeout = left * 1000 + 1;
		}
		err = ring_buffer__poll(ring, timeout);
		if (err < 0 && err != -EINTR && err != -ECANCELED) {
			fprintf(stderr, PROGRAM ": reading the ring buffer: %s\n", strerror(-err));
			failed = 1;
			break;
		}
		fflush(stdout);
	}

	/* Stop the source first, then print what it had already produced. */
	elapsed = seconds_since(&start_time);
	if (options.duration && elapsed > options.duration)
		elapsed = options.duration;	/* later samples were dropped */
	bpf_link__destroy(link);
	set_exiting(0);
	draining = 1;
	ring_buffer__consume(ring);
	print_summary(skel, elapsed);

	ring_buffer__free(ring);
	spe_record_bpf__destroy(skel);
	return failed;
}
