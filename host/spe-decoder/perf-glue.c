// SPDX-License-Identifier: GPL-2.0
/*
 * The few symbols perf's arm-spe-decoder.c needs from the rest of perf,
 * so that it builds on the host straight from the pristine kernel tree:
 * its debug printing (pr_debug() and friends expand to eprintf()) and
 * zalloc() from tools/lib.  Messages go to stderr only when verbose.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

int verbose;

int eprintf(int level, int var, const char *fmt, ...);
void *zalloc(size_t size);

int eprintf(int level, int var, const char *fmt, ...)
{
	va_list args;
	int ret = 0;

	if (var >= level) {
		va_start(args, fmt);
		ret = vfprintf(stderr, fmt, args);
		va_end(args);
	}
	return ret;
}

void *zalloc(size_t size)
{
	return calloc(1, size);
}
