/*
 * error.c - thread-local error state.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "bouncewhy.h"
#include "error.h"

static _Thread_local char last_message[512];
static _Thread_local int last_code;
static _Thread_local bool oom_seen;

void bw_error__oom(void)
{
	oom_seen = true;
}

bool bw_error__oom_take(void)
{
	bool seen = oom_seen;

	oom_seen = false;
	return seen;
}

int bw_error__set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_message, sizeof(last_message), fmt, ap);
	va_end(ap);
	last_code = code;
	return code;
}

void bw_error__clear(void)
{
	last_message[0] = '\0';
	last_code = BW_OK;
}

const char *bw_error_message(void)
{
	return last_message;
}

int bw_error_code_last(void)
{
	return last_code;
}

const char *bw_error_code_name(int code)
{
	switch (code) {
	case BW_OK: return "BW_OK";
	case BW_ERROR: return "BW_ERROR";
	case BW_ENOMEM: return "BW_ENOMEM";
	case BW_EINVALID: return "BW_EINVALID";
	case BW_EIO: return "BW_EIO";
	case BW_EPARSE: return "BW_EPARSE";
	case BW_ELIMIT: return "BW_ELIMIT";
	case BW_ERULES: return "BW_ERULES";
	case BW_ENOTFOUND: return "BW_ENOTFOUND";
	case BW_ELEDGER: return "BW_ELEDGER";
	default: return "BW_UNKNOWN";
	}
}
