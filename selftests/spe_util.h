/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the Arm SPE kselftests (spe_driver.c, spe_perf.c,
 * mem_sampling_stress.c), compiled once (spe_util.c) and linked next to
 * mem_sampling_util.c: the driver's sysfs files, a load strider over a
 * buffer at a chosen address, and perf sessions on the arm_spe PMU.
 */
#ifndef SPE_UTIL_H
#define SPE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <linux/perf_event.h>
#include <linux/types.h>

#include "mem_sampling_util.h"

#define SPE_DRIVER_DIR	"/sys/bus/platform/drivers/arm_spe_mem_sampling"

/* Buffers of the processes under test live at fixed, distinct addresses. */
#define STRIDER_BASE	0x100000000000UL
#define OTHER_BASE	0x200000000000UL

/*
 * The core's tunables and switch (NULL-terminated, for
 * ms_settings_save()), to leave them as a test found them.
 */
extern const char * const spe_core_settings[];

/* The driver's device directory (caps/, stats/), or NULL. */
const char *spe_dir(void);
/* A number from the driver's device directory, -errno on failure. */
long long spe_read(const char *file);
/* Is the SPE driver the active mem_sampling provider?  Else a reason. */
const char *spe_unavailable(void);

/* A buffer of @size bytes at @base, faulted in, without huge pages. */
__u64 *map_buffer(unsigned long base, size_t size);
/* Load every cache line of the buffer, @passes times; returns a checksum. */
__u64 stride(__u64 *buf, size_t size, long passes);
/* Stride for about @seconds. */
void stride_for(__u64 *buf, size_t size, double seconds);

/* ------------------------------------------ perf's arm_spe PMU */

#define SPE_SESSION_DATA_PAGES	16
#define SPE_SESSION_AUX_PAGES	1024

/* The arm_spe PMU's format/ (see drivers/perf/arm_spe_pmu.c). */
#define SPE_CONFIG_PA_ENABLE	0x2ULL		/* config:1 */
#define SPE_CONFIG_JITTER	0x10000ULL	/* config:16 */

/* Not a PERF_AUX_FLAG_*: our mark for a PERF_RECORD_LOST seen. */
#define RECORD_LOST_SEEN	0x8000000000000000ULL

struct spe_session {
	int fd;
	struct perf_event_mmap_page *page;
	void *aux;
	size_t aux_size;
};

/* perf's type number of the arm_spe PMU, -1 without one. */
int spe_pmu_type(void);
/*
 * Can the SPE driver and perf's arm_spe PMU (type in *@type) be tested?
 * Else a reason.
 */
const char *spe_perf_unavailable(int *type);
/*
 * An arm_spe event (as perf record -e arm_spe/pa_enable=1,jitter=1/) on
 * task @pid or CPU @cpu, disabled, with its data and AUX rings mapped.
 * 0, or -errno with nothing left open.
 */
int session_open(struct spe_session *s, int type, pid_t pid, int cpu,
		 long long period);
void session_close(struct spe_session *s);
/* A PERF_RECORD_AUX: where its data is in the AUX buffer, and its flags. */
struct spe_aux_record {
	__u64 offset, size, flags;
};

/*
 * Visit the records of the data ring at @pc (@data_size bytes after its
 * control page) from data_tail to data_head, each copied out of the ring
 * so that one wrapping around its end reads whole: @fn gets every
 * PERF_RECORD_AUX; *@lost (if not NULL) is set when a PERF_RECORD_LOST
 * is seen.  Returns the number of PERF_RECORD_AUX.
 */
int spe_aux_records_visit(struct perf_event_mmap_page *pc, size_t data_size,
			  void (*fn)(const struct spe_aux_record *rec,
				     void *arg),
			  void *arg, bool *lost);
/*
 * Walk the PERF_RECORD_AUX records: copy the AUX data they cover to @path
 * (none if NULL) and return their flags ORed, the byte count in *@bytes.
 */
unsigned long long session_save(struct spe_session *s, const char *path,
				size_t *bytes);
/*
 * What the host check (scripts/check-spe-perf.py) needs to match the
 * records of a session with a buffer: the pid, the buffer and its frames.
 */
void write_meta(const char *path, pid_t pid, unsigned long base, size_t size);

#endif /* SPE_UTIL_H */
