/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the mem_sampling kselftests: reading and writing the
 * control files, vmstat counters, the prctl numbers, the test provider's
 * inject file, dropping to the unprivileged user and placing pages on a
 * NUMA node.
 */
#ifndef MEM_SAMPLING_UTIL_H
#define MEM_SAMPLING_UTIL_H

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <grp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/prctl.h>

#ifndef PR_SET_MEM_SAMPLING
#define PR_SET_MEM_SAMPLING		0x4d534d53
#define PR_GET_MEM_SAMPLING		0x4d534d47
#define PR_MEM_SAMPLING_DEFAULT		0
#define PR_MEM_SAMPLING_ENABLE		1
#define PR_MEM_SAMPLING_DISABLE		2
#endif

#define MS_SYSCTL	"/proc/sys/kernel/mem_sampling_enable"
/* NUMA balancing's sample mode and its tunables. */
#define MS_NUMA_SYSCTL	"/proc/sys/kernel/numa_balancing_mem_sampling"
#define MS_ADAPT_SYSCTL	MS_NUMA_SYSCTL "_adapt"
#define MS_REGION_SYSCTL	MS_NUMA_SYSCTL "_region_order"
#define MS_SYSFS	"/sys/kernel/mm/mem_sampling/"
#define MS_DEBUGFS	"/sys/kernel/debug/mem_sampling/"
#define MS_INJECT	MS_DEBUGFS "inject"
#define MS_ACTIVE	MS_DEBUGFS "active"
#define MS_TRACING	"/sys/kernel/tracing/"
#define MS_EVENT	MS_TRACING "events/mem_sampling/mem_sampling_record/"

#define NOBODY_UID	1000

/*
 * Write the @len bytes at @buf (NULs included) to @path in one write();
 * 0, -errno, or -EIO if the file took only part of them.
 */
static inline int ms_write_bytes(const char *path, const void *buf, size_t len)
{
	ssize_t done;
	int fd, err = 0;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	done = write(fd, buf, len);
	if (done < 0)
		err = -errno;
	else if ((size_t)done != len)
		err = -EIO;
	close(fd);
	return err;
}

/* Write @text to @path in one write(); 0 or -errno. */
static inline int ms_write(const char *path, const char *text)
{
	return ms_write_bytes(path, text, strlen(text));
}

/* Read @path into @buf (NUL-terminated, trailing newline removed). */
static inline int ms_read(const char *path, char *buf, size_t size)
{
	ssize_t len;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	len = read(fd, buf, size - 1);
	close(fd);
	if (len < 0)
		return -errno;
	buf[len] = '\0';
	while (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	return 0;
}

static inline long ms_read_long(const char *path)
{
	char buf[64];
	int err = ms_read(path, buf, sizeof(buf));

	return err ? err : strtol(buf, NULL, 0);
}

/* A /proc/vmstat counter, or -1 if it is not there. */
static inline long long ms_vmstat(const char *name)
{
	char key[128];
	long long value;
	long long found = -1;
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		return -1;
	while (fscanf(f, "%127s %lld", key, &value) == 2) {
		if (!strcmp(key, name)) {
			found = value;
			break;
		}
	}
	fclose(f);
	return found;
}

static inline int ms_set_mode(unsigned long mode)
{
	return prctl(PR_SET_MEM_SAMPLING, mode, 0, 0, 0) ? -errno : 0;
}

static inline int ms_get_mode(void)
{
	int mode = prctl(PR_GET_MEM_SAMPLING, 0, 0, 0, 0);

	return mode < 0 ? -errno : mode;
}

/*
 * Become the unprivileged user NOBODY_UID for good: no supplementary
 * groups, real, effective and saved ids all changed, so every capability
 * is gone.  0 or -errno.
 */
static inline int ms_become_nobody(void)
{
	if (setgroups(0, NULL) ||
	    setresgid(NOBODY_UID, NOBODY_UID, NOBODY_UID) ||
	    setresuid(NOBODY_UID, NOBODY_UID, NOBODY_UID))
		return -errno;
	return 0;
}

/* Write one formatted line of records to the test provider's inject file. */
static inline int __attribute__((format(printf, 1, 2)))
inject(const char *fmt, ...)
{
	char text[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return ms_write(MS_INJECT, text);
}

/*
 * Move the @nr pages at @buf (faulted in) to @node with move_pages(2),
 * which leaves no memory policy behind: NUMA balancing may move them back.
 * 0, or -errno / -EBUSY if a page did not move.
 */
static inline int ms_move_to_node(void *buf, int nr, int node)
{
	long page = sysconf(_SC_PAGESIZE);
	void *pages[nr];
	int nodes[nr], status[nr], i;

	for (i = 0; i < nr; i++) {
		pages[i] = (char *)buf + i * page;
		nodes[i] = node;
	}
	if (syscall(__NR_move_pages, 0, nr, pages, nodes, status, 0))
		return -errno;
	for (i = 0; i < nr; i++)
		if (status[i] != node)
			return status[i] < 0 ? status[i] : -EBUSY;
	return 0;
}

/* How many of the @nr pages at @buf are on @node (-errno on failure). */
static inline int ms_pages_on_node(void *buf, int nr, int node)
{
	long page = sysconf(_SC_PAGESIZE);
	void *pages[nr];
	int status[nr], i, n = 0;

	for (i = 0; i < nr; i++)
		pages[i] = (char *)buf + i * page;
	if (syscall(__NR_move_pages, 0, nr, pages, NULL, status, 0))
		return -errno;
	for (i = 0; i < nr; i++)
		n += status[i] == node;
	return n;
}

/* Physical address of the byte at @addr of this process, 0 if unknown. */
static inline unsigned long long ms_paddr_of(const void *addr)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned long long entry = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return 0;
	if (pread(fd, &entry, sizeof(entry),
		  (unsigned long)addr / page * sizeof(entry)) != sizeof(entry))
		entry = 0;
	close(fd);
	/* Bit 63: present; bits 0-54: the frame number. */
	if (!(entry >> 63))
		return 0;
	return (entry & ((1ULL << 55) - 1)) * page +
	       ((unsigned long)addr & (page - 1));
}

#endif /* MEM_SAMPLING_UTIL_H */
