#include <stdio.h>

#include "check.h"

int check_passed, check_failed;

void check_fail(const char *file, int line, const char *what, const char *detail)
{
	check_failed++;
	fprintf(stderr, "%s:%d: check failed: %s%s%s\n", file, line, what,
	        detail ? "; got: " : "", detail ? detail : "");
}

int check_done(void)
{
	printf("%d passed, %d failed\n", check_passed, check_failed);
	return check_failed ? 1 : 0;
}
