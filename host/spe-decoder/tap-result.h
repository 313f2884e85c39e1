/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "ok NAME" / "not ok NAME" lines for the host decoder tests, and the
 * count of failures main() turns into the exit status.  A test that can
 * say why a case failed points result_detail at a function that prints
 * it, called before the case's own line.
 */
#ifndef _SPE_TAP_RESULT_H
#define _SPE_TAP_RESULT_H

#include <stdarg.h>
#include <stdio.h>

static int failures;
static void (*result_detail)(void);

static void __attribute__((format(printf, 2, 3)))
result(int ok, const char *fmt, ...)
{
	va_list ap;

	if (!ok && result_detail)
		result_detail();
	printf("%s", ok ? "ok " : "not ok ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok)
		failures++;
}

#endif /* _SPE_TAP_RESULT_H */
