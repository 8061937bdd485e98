/*
 * error.h - the thread-local last error behind bw_error_message().
 */
#ifndef BW_ERROR_H
#define BW_ERROR_H

/* Records `code` and a printf-style message for the calling thread and
 * returns `code`, so callers can write `return bw_error__set(...)`. */
int bw_error__set(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
