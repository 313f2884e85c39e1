// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end test of SPE through the upstream perf driver: open the
 * arm_spe PMU with an AUX buffer for this task, pinned to CPU 0, while it
 * strides over its own buffer whose first half lives on node 0 and second
 * half on node 1.  The raw AUX data, the buffer range, the pagemap frame
 * and the node of each page go to $OUTBOX/spe_perf_aux/, where the host
 * check (check-spe-perf-aux) decodes the records with perf's own decoder
 * and compares them with the pages.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/mempolicy.h>
#include <linux/perf_event.h>
#include <linux/types.h>

#include "../kselftest.h"
#include "spe_util.h"

#define PMU_DIR		"/sys/bus/event_source/devices/arm_spe_0"
#define NR_PAGES	64		/* data buffer: half on each node */
#define STRIDE		64		/* bytes between two loads */
#define ITERATIONS	1048576UL	/* iterations of the measured loop */
#define INTERVAL	1024		/* sampling interval (operations) */
#define DATA_PAGES	8		/* perf data ring (records) */
#define AUX_PAGES	256		/* 1 MiB AUX ring: room for every record */
#define SAMPLING_CPU	0
/*
 * A small wakeup watermark makes the driver program PMBLIMITR_EL1 a few
 * pages ahead, so the run goes through several buffer-full interrupts.
 */
#define AUX_WATERMARK	(8 * 1024)

static long page_size;
static sigjmp_buf sigill_jmp;

static void on_sigill(int sig)
{
	siglongjmp(sigill_jmp, 1);
}

/* SPE registers are not accessible at EL0: reading PMSCR_EL1 is UNDEFINED. */
static int el0_read_pmscr_undefined(void)
{
	struct sigaction sa = { .sa_handler = on_sigill }, old;
	int undefined = 0;
	__u64 v;

	sigaction(SIGILL, &sa, &old);
	if (sigsetjmp(sigill_jmp, 1) == 0)
		asm volatile("mrs %0, s3_0_c9_c9_0" : "=r"(v));
	else
		undefined = 1;
	sigaction(SIGILL, &old, NULL);
	return undefined;
}

static long mbind_node(void *addr, unsigned long len, int node)
{
	unsigned long mask = 1UL << node;

	return syscall(__NR_mbind, addr, len, MPOL_BIND, &mask,
		       sizeof(mask) * 8, MPOL_MF_MOVE | MPOL_MF_STRICT);
}

/*
 * Where the PMU's format field @name lives: which config word (0 for
 * "config", N for "configN") and its lowest bit.  -1 if absent.
 */
static int format_field(const char *name, int *word)
{
	char path[256], buf[64];
	int lo;

	snprintf(path, sizeof(path), PMU_DIR "/format/%s", name);
	if (ms_read(path, buf, sizeof(buf)))
		return -1;
	*word = 0;
	if (sscanf(buf, "config:%d", &lo) != 1 &&
	    sscanf(buf, "config%d:%d", word, &lo) != 2)
		return -1;
	return lo >= 0 && lo < 64 && *word >= 0 && *word <= 2 ? lo : -1;
}

/* Set @value into format field @name of @attr; false if it has none. */
static int set_format(struct perf_event_attr *attr, const char *name,
		      __u64 value)
{
	int word, lo = format_field(name, &word);
	__u64 *cfg[] = { &attr->config, &attr->config1, &attr->config2 };

	if (lo < 0)
		return 0;
	*cfg[word] |= value << lo;
	return 1;
}

/*
 * The measured loop, in assembly so that each iteration is exactly two
 * loads and one conditional branch: the operations SPE counts are
 * 3 * ITERATIONS (plus a handful around the loop).  Three operations per
 * iteration against an interval that is a multiple of 256 (so not of 3)
 * make the sampled operation rotate through all three.
 */
static __u64 __attribute__((noinline))
stride_loads(const __u64 *buf, size_t words, size_t iterations)
{
	const size_t bytes = words * sizeof(*buf);
	__u64 sum = 0, val, val2, off = 0;
	const __u64 *p;

	if (!iterations)
		return 0;
	asm volatile("1:	add	%[p], %[buf], %[off]\n"
		     "	ldr	%[val], [%[p]]\n"
		     "	ldr	%[val2], [%[p], #8]\n"
		     "	add	%[off], %[off], %[step]\n"
		     "	cmp	%[off], %[bytes]\n"
		     "	csel	%[off], %[off], xzr, lo\n"
		     "	add	%[sum], %[sum], %[val]\n"
		     "	add	%[sum], %[sum], %[val2]\n"
		     "	subs	%[n], %[n], #1\n"
		     "	b.ne	1b\n"
		     : [val] "=&r"(val), [val2] "=&r"(val2), [p] "=&r"(p),
		       [off] "+r"(off), [sum] "+r"(sum), [n] "+r"(iterations)
		     : [buf] "r"(buf), [step] "I"(STRIDE), [bytes] "r"(bytes)
		     : "cc", "memory");
	return sum;
}

static int write_file(const char *dir, const char *name, const void *data,
		      size_t len)
{
	char path[512];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	n = fwrite(data, 1, len, f);
	if (fclose(f) || n != len)
		return -EIO;
	return 0;
}

static void count_truncated(const struct spe_aux_record *rec, void *arg)
{
	if (rec->flags & PERF_AUX_FLAG_TRUNCATED)
		(*(int *)arg)++;
}

/*
 * One perf session over the measured loop: arm_spe with the given format
 * fields set (NULL-terminated name/value pairs after pa_enable and
 * ts_enable), the AUX data saved as @file in @outdir.  Returns the AUX
 * bytes, or -1 with errno set; @aux_records and @truncated count the
 * PERF_RECORD_AUX records and those flagged truncated.
 */
static long run_session(int type, const char *const *fields,
			const __u64 *values, const __u64 *data,
			size_t words, __u64 *sum, const char *outdir,
			const char *file, int *aux_records, int *truncated)
{
	struct perf_event_mmap_page *pc;
	struct perf_event_attr attr;
	long ret = -1;
	__u64 head;
	void *aux;
	int fd, i;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = type;
	attr.sample_period = INTERVAL;
	if (!set_format(&attr, "pa_enable", 1) ||
	    !set_format(&attr, "ts_enable", 1)) {
		errno = ENOENT;
		return -1;
	}
	for (i = 0; fields && fields[i]; i++) {
		if (!set_format(&attr, fields[i], values[i])) {
			errno = ENOENT;
			return -1;
		}
	}
	attr.disabled = 1;
	attr.exclude_kernel = 1;
	attr.exclude_hv = 1;
	attr.aux_watermark = AUX_WATERMARK;
	fd = syscall(__NR_perf_event_open, &attr, 0, -1, -1, 0);
	if (fd < 0)
		return -1;
	pc = mmap(NULL, (1 + DATA_PAGES) * page_size, PROT_READ | PROT_WRITE,
		  MAP_SHARED, fd, 0);
	if (pc == MAP_FAILED)
		goto out_close;
	pc->aux_offset = (1 + DATA_PAGES) * page_size;
	pc->aux_size = (__u64)AUX_PAGES * page_size;
	aux = mmap(NULL, pc->aux_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   pc->aux_offset);
	if (aux == MAP_FAILED)
		goto out_unmap;

	if (ioctl(fd, PERF_EVENT_IOC_ENABLE, 0))
		goto out_unmap_aux;
	*sum += stride_loads(data, words, ITERATIONS);
	ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);

	head = __atomic_load_n(&pc->aux_head, __ATOMIC_ACQUIRE);
	*truncated = 0;
	*aux_records = spe_aux_records_visit(pc, DATA_PAGES * page_size,
					     count_truncated, truncated, NULL);
	if (head >= pc->aux_size) {
		errno = ENOSPC;
		goto out_unmap_aux;
	}
	if (write_file(outdir, file, aux, head) == 0)
		ret = head;
out_unmap_aux:
	munmap(aux, pc->aux_size);
out_unmap:
	munmap(pc, (1 + DATA_PAGES) * page_size);
out_close:
	close(fd);
	return ret;
}

int main(void)
{
	const size_t buf_len = NR_PAGES * 4096UL;
	const size_t words = buf_len / sizeof(__u64);
	/*
	 * L1D refill (event 3) and a 12-cycle latency: remote accesses only
	 * (the model's totals are 8 cycles local, 16 at distance 20).
	 */
	static const struct {
		const char *name, *field;
		__u64 value;
	} variants[] = {
		{ "jitter", "jitter", 1 },
		{ "store", "store_filter", 1 },
		{ "event", "event_filter", 1ULL << 3 },
		{ "latency", "min_latency", 12 },
	};
	int type, pagemap, i, n, aux_records, truncated, node[NR_PAGES];
	char outdir[256], buf[320];
	__u64 pfn[NR_PAGES], sum = 0;
	void *pages[NR_PAGES];
	const char *outbox;
	cpu_set_t cpus;
	__u64 *data;
	size_t off;
	long len;
	FILE *f;

	ksft_print_header();
	page_size = sysconf(_SC_PAGESIZE);
	type = spe_pmu_type();
	if (type < 0)
		ksft_exit_skip("no arm_spe_0 PMU (SPE absent or driver not probed)\n");
	ksft_set_plan(8);

	/* Pin to the sampling CPU (node 0), so pages of node 1 are remote. */
	CPU_ZERO(&cpus);
	CPU_SET(SAMPLING_CPU, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus))
		ksft_exit_fail_msg("sched_setaffinity: %s\n", strerror(errno));

	data = mmap(NULL, buf_len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (data == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
	if (mbind_node(data, buf_len / 2, 0) ||
	    mbind_node((char *)data + buf_len / 2, buf_len / 2, 1))
		ksft_exit_fail_msg("mbind: %s\n", strerror(errno));
	for (off = 0; off < buf_len / sizeof(*data); off++)
		data[off] = off;

	/* Where each page is: node by move_pages(2), frame by pagemap. */
	for (i = 0; i < NR_PAGES; i++)
		pages[i] = (char *)data + (size_t)i * page_size;
	if (syscall(__NR_move_pages, 0, NR_PAGES, pages, NULL, node, 0))
		ksft_exit_fail_msg("move_pages: %s\n", strerror(errno));
	pagemap = open("/proc/self/pagemap", O_RDONLY);
	if (pagemap < 0)
		ksft_exit_fail_msg("pagemap: %s\n", strerror(errno));
	for (i = 0; i < NR_PAGES; i++) {
		__u64 entry = 0;

		if (pread(pagemap, &entry, sizeof(entry),
			  ((uintptr_t)pages[i] / page_size) * 8) != 8)
			ksft_exit_fail_msg("pagemap read: %s\n", strerror(errno));
		pfn[i] = (entry >> 63) ? (entry & ((1ULL << 55) - 1)) : 0;
	}
	close(pagemap);
	n = 0;
	for (i = 0; i < NR_PAGES; i++)
		n += pfn[i] != 0 && node[i] == (i < NR_PAGES / 2 ? 0 : 1);
	ksft_test_result(n == NR_PAGES,
			 "buffer pages present, half on each node (%d/%d)\n",
			 n, NR_PAGES);

	outbox = getenv("OUTBOX");
	snprintf(outdir, sizeof(outdir), "%s/spe_perf_aux",
		 outbox ? outbox : "/tmp");
	mkdir(outdir, 0755);

	/* The plain session: every sample, no filter, no jitter. */
	len = run_session(type, NULL, NULL, data, words, &sum, outdir,
			  "aux.bin", &aux_records, &truncated);
	/* More than one AUX record: buffer-full interrupts were taken. */
	ksft_test_result(len > AUX_WATERMARK && aux_records > 1 &&
			 truncated == 0,
			 "arm_spe (type %d, period %d, pa_enable, ts_enable): %ld bytes in %d AUX records, %d truncated%s%s\n",
			 type, INTERVAL, len, aux_records, truncated,
			 len < 0 ? ": " : "", len < 0 ? strerror(errno) : "");

	/* The same loop with jitter and each filter, for the host check. */
	for (i = 0; i < (int)ARRAY_SIZE(variants); i++) {
		const char *const fields[] = { variants[i].field, NULL };
		char file[64];

		snprintf(file, sizeof(file), "aux-%s.bin", variants[i].name);
		len = run_session(type, fields, &variants[i].value, data, words,
				  &sum, outdir, file, &aux_records, &truncated);
		ksft_test_result(len >= 0 && truncated == 0,
				 "arm_spe %s=0x%llx: %ld bytes%s%s\n",
				 variants[i].field,
				 (unsigned long long)variants[i].value, len,
				 len < 0 ? ": " : "",
				 len < 0 ? strerror(errno) : "");
	}

	/* Hand the buffer's layout to the host check. */
	n = 0;
	snprintf(buf, sizeof(buf), "%s/info.txt", outdir);
	f = fopen(buf, "w");
	if (!f)
		n = -errno;
	if (f) {
		fprintf(f, "buf_start=0x%llx\nbuf_len=%zu\npage_size=%ld\n",
			(unsigned long long)(uintptr_t)data, buf_len,
			page_size);
		fprintf(f, "operations=%lu\nloads=%lu\nbranches=%lu\n",
			3 * ITERATIONS, 2 * ITERATIONS, ITERATIONS);
		fprintf(f, "interval=%d\ncpu=%d\ncpu_node=0\n", INTERVAL,
			SAMPLING_CPU);
		fprintf(f, "loop=0x%llx\nsum=%llu\n",
			(unsigned long long)(uintptr_t)stride_loads,
			(unsigned long long)sum);
		if (fclose(f))
			n = -EIO;
	}
	snprintf(buf, sizeof(buf), "%s/pages.txt", outdir);
	f = fopen(buf, "w");
	if (!f)
		n = -errno;
	for (i = 0; f && i < NR_PAGES; i++)
		fprintf(f, "%d 0x%llx 0x%llx %d\n", i,
			(unsigned long long)(uintptr_t)pages[i],
			(unsigned long long)pfn[i], node[i]);
	if (f && fclose(f))
		n = -EIO;
	ksft_test_result(n == 0, "wrote %s\n", outdir);

	ksft_test_result(el0_read_pmscr_undefined(),
			 "PMSCR_EL1 is UNDEFINED at EL0\n");

	ksft_finished();
}
