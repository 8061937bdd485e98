/*
 * check.h - a very small test harness: CHECK() records a failure with its
 * location and goes on; check_done() prints "N passed, M failed" and gives
 * the exit status.
 */
#ifndef BW_CHECK_H
#define BW_CHECK_H

#include <string.h>

extern int check_passed, check_failed;
void check_fail(const char *file, int line, const char *what, const char *detail);

#define CHECK(cond) do { if (cond) check_passed++; else check_fail(__FILE__, __LINE__, #cond, NULL); } while (0)
#define CHECK_STR(got, want) do { const char *g_ = (got), *w_ = (want); \
	if (g_ && w_ && strcmp(g_, w_) == 0) check_passed++; \
	else check_fail(__FILE__, __LINE__, #got " == " #want, g_ ? g_ : "(null)"); } while (0)

int check_done(void);

#endif
