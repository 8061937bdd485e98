/*
 * error.h - the thread-local last error behind bw_error_message().
 */
#ifndef BW_ERROR_H
#define BW_ERROR_H

#include <stdbool.h>

/* Records `code` and a printf-style message for the calling thread and
 * returns `code`, so callers can write `return bw_error__set(...)`. */
int bw_error__set(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Forgets the last error of the calling thread. */
void bw_error__clear(void);

/* The allocation-failure latch: an allocation helper that fails calls
 * bw_error__oom(); bw_parse_* clear the latch before a parse and report
 * BW_ENOMEM when it was set, so a failed allocation deep in a decoder is
 * never a silently missing field. */
void bw_error__oom(void);
bool bw_error__oom_take(void);   /* was it set?  Clears it. */

#endif
