/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "ok NAME" / "not ok NAME" lines for the host decoder tests, and the
 * count of failures main() turns into the exit status.  A test that can
 * say why a case failed points result_detail at a function returning
 * that text (or "" for nothing more), printed on its own line first.
 */
#ifndef _SPE_TAP_RESULT_H
#define _SPE_TAP_RESULT_H

#include <stdarg.h>
#include <stdio.h>

static int failures;
static const char *(*result_detail)(void);

static void __attribute__((format(printf, 2, 3)))
result(int ok, const char *fmt, ...)
{
	va_list ap;

	if (!ok && result_detail) {
		const char *why = result_detail();

		if (why[0])
			printf("not ok %s\n", why);
	}
	printf("%s", ok ? "ok " : "not ok ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok)
		failures++;
}

#endif /* _SPE_TAP_RESULT_H */
