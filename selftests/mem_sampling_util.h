/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the mem_sampling kselftests: reading and writing the
 * control files, vmstat counters, the prctl numbers and the test
 * provider's inject file.
 */
#ifndef MEM_SAMPLING_UTIL_H
#define MEM_SAMPLING_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <linux/prctl.h>

#ifndef PR_SET_MEM_SAMPLING
#define PR_SET_MEM_SAMPLING		0x4d534d53
#define PR_GET_MEM_SAMPLING		0x4d534d47
#define PR_MEM_SAMPLING_DEFAULT		0
#define PR_MEM_SAMPLING_ENABLE		1
#define PR_MEM_SAMPLING_DISABLE		2
#endif

#define MS_SYSCTL	"/proc/sys/kernel/mem_sampling_enable"
#define MS_SYSFS	"/sys/kernel/mm/mem_sampling/"
#define MS_DEBUGFS	"/sys/kernel/debug/mem_sampling/"
#define MS_INJECT	MS_DEBUGFS "inject"
#define MS_ACTIVE	MS_DEBUGFS "active"
#define MS_TRACING	"/sys/kernel/tracing/"
#define MS_EVENT	MS_TRACING "events/mem_sampling/mem_sampling_record/"

#define NOBODY_UID	1000

/* Write @text to @path in one write(); 0 or -errno. */
static inline int ms_write(const char *path, const char *text)
{
	ssize_t len = strlen(text), done;
	int fd, err = 0;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	done = write(fd, text, len);
	if (done < 0)
		err = -errno;
	else if (done != len)
		err = -EIO;
	close(fd);
	return err;
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

#endif /* MEM_SAMPLING_UTIL_H */
