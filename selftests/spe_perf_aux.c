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

#define PMU_DIR		"/sys/bus/event_source/devices/arm_spe_0"
#define NR_PAGES	64		/* data buffer: half on each node */
#define STRIDE		64		/* bytes between two loads */
#define ITERATIONS	1048576UL	/* loads in the measured loop */
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

static int read_sysfs(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -errno;
	ok = !!fgets(buf, len, f);
	fclose(f);
	return ok ? 0 : -EIO;
}

/* Bit position of a one-bit "config:N" format field of the PMU. */
static int format_bit(const char *name)
{
	char path[256], buf[64];
	int bit;

	snprintf(path, sizeof(path), PMU_DIR "/format/%s", name);
	if (read_sysfs(path, buf, sizeof(buf)) ||
	    sscanf(buf, "config:%d", &bit) != 1 || bit < 0 || bit > 63)
		return -1;
	return bit;
}

/*
 * The measured loop: one load per iteration and nothing else that touches
 * memory, so the operations SPE counts are the ITERATIONS loads.  The
 * buffer is volatile because each of those loads must really be made.
 */
static __u64 __attribute__((noinline))
stride_loads(const volatile __u64 *buf, size_t words, size_t iterations)
{
	const size_t step = STRIDE / sizeof(*buf);
	__u64 sum = 0;
	size_t i, j = 0;

	for (i = 0; i < iterations; i++) {
		sum += buf[j];
		j += step;
		if (j >= words)
			j = 0;
	}
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

/* Count PERF_RECORD_AUX records and those flagged truncated. */
static void scan_records(struct perf_event_mmap_page *pc, int *aux,
			 int *truncated)
{
	char *ring = (char *)pc + page_size;
	__u64 size = (__u64)DATA_PAGES * page_size;
	__u64 head = __atomic_load_n(&pc->data_head, __ATOMIC_ACQUIRE);
	__u64 pos = pc->data_tail;

	*aux = *truncated = 0;
	while (pos + sizeof(struct perf_event_header) <= head) {
		struct perf_event_header hdr;
		struct {
			struct perf_event_header hdr;
			__u64 offset, size, flags;
		} rec;
		size_t i;

		for (i = 0; i < sizeof(hdr); i++)
			((char *)&hdr)[i] = ring[(pos + i) % size];
		if (hdr.size == 0)
			break;
		if (hdr.type == PERF_RECORD_AUX && hdr.size >= sizeof(rec)) {
			for (i = 0; i < sizeof(rec); i++)
				((char *)&rec)[i] = ring[(pos + i) % size];
			(*aux)++;
			if (rec.flags & PERF_AUX_FLAG_TRUNCATED)
				(*truncated)++;
		}
		pos += hdr.size;
	}
}

int main(void)
{
	const size_t buf_len = NR_PAGES * 4096UL;
	struct perf_event_mmap_page *pc;
	struct perf_event_attr attr;
	char outdir[256], buf[320];
	int pa_bit, ts_bit, jitter_bit, type, fd, pagemap, i, n;
	int node[NR_PAGES], aux_records, truncated;
	__u64 pfn[NR_PAGES], aux_head, sum;
	void *pages[NR_PAGES];
	const char *outbox;
	cpu_set_t cpus;
	__u64 *data;
	void *aux;
	size_t off;
	FILE *f;

	ksft_print_header();
	page_size = sysconf(_SC_PAGESIZE);
	if (read_sysfs(PMU_DIR "/type", buf, sizeof(buf)))
		ksft_exit_skip("no arm_spe_0 PMU (SPE absent or driver not probed)\n");
	type = atoi(buf);
	ksft_set_plan(6);

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

	pa_bit = format_bit("pa_enable");
	ts_bit = format_bit("ts_enable");
	jitter_bit = format_bit("jitter");
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = type;
	attr.sample_period = INTERVAL;
	attr.config = (pa_bit >= 0 ? 1ULL << pa_bit : 0) |
		      (ts_bit >= 0 ? 1ULL << ts_bit : 0);
	(void)jitter_bit;	/* jitter stays off: the count is exact */
	attr.disabled = 1;
	attr.exclude_kernel = 1;
	attr.exclude_hv = 1;
	attr.aux_watermark = AUX_WATERMARK;
	fd = syscall(__NR_perf_event_open, &attr, 0, -1, -1, 0);
	ksft_test_result(fd >= 0 && pa_bit >= 0,
			 "perf_event_open arm_spe (type %d, period %d, pa_enable): %s\n",
			 type, INTERVAL, fd >= 0 ? "ok" : strerror(errno));
	if (fd < 0)
		ksft_exit_fail();

	pc = mmap(NULL, (1 + DATA_PAGES) * page_size, PROT_READ | PROT_WRITE,
		  MAP_SHARED, fd, 0);
	if (pc == MAP_FAILED)
		ksft_exit_fail_msg("mmap data ring: %s\n", strerror(errno));
	pc->aux_offset = (1 + DATA_PAGES) * page_size;
	pc->aux_size = (__u64)AUX_PAGES * page_size;
	aux = mmap(NULL, pc->aux_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   pc->aux_offset);
	ksft_test_result(aux != MAP_FAILED, "mmap AUX buffer (%d pages)\n",
			 AUX_PAGES);
	if (aux == MAP_FAILED)
		ksft_exit_fail();

	if (ioctl(fd, PERF_EVENT_IOC_ENABLE, 0))
		ksft_exit_fail_msg("enable: %s\n", strerror(errno));
	sum = stride_loads(data, buf_len / sizeof(*data), ITERATIONS);
	ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);

	aux_head = __atomic_load_n(&pc->aux_head, __ATOMIC_ACQUIRE);
	scan_records(pc, &aux_records, &truncated);
	/* More than one AUX record: buffer-full interrupts were taken. */
	ksft_test_result(aux_head > AUX_WATERMARK && aux_head < pc->aux_size &&
			 aux_records > 1 && truncated == 0,
			 "AUX data: %llu bytes in %d AUX records, %d truncated\n",
			 (unsigned long long)aux_head, aux_records, truncated);

	/* Hand everything to the host check. */
	outbox = getenv("OUTBOX");
	snprintf(outdir, sizeof(outdir), "%s/spe_perf_aux",
		 outbox ? outbox : "/tmp");
	mkdir(outdir, 0755);
	n = write_file(outdir, "aux.bin", aux, aux_head);
	snprintf(buf, sizeof(buf), "%s/info.txt", outdir);
	f = fopen(buf, "w");
	if (!f)
		n = -errno;
	if (f) {
		fprintf(f, "buf_start=0x%llx\nbuf_len=%zu\npage_size=%ld\n",
			(unsigned long long)(uintptr_t)data, buf_len,
			page_size);
		fprintf(f, "operations=%lu\ninterval=%d\ncpu=%d\ncpu_node=0\n",
			ITERATIONS, INTERVAL, SAMPLING_CPU);
		fprintf(f, "aux_bytes=%llu\nloop=0x%llx\nsum=%llu\n",
			(unsigned long long)aux_head,
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

	munmap(aux, pc->aux_size);
	munmap(pc, (1 + DATA_PAGES) * page_size);
	close(fd);
	ksft_finished();
}
