/*
 * reason.h - the reason vocabulary.
 */
#ifndef BW_REASON_H
#define BW_REASON_H

#include <stddef.h>

typedef struct bw_reason_info {
	const char *name;
	int hard;              /* 1, 0, or -1: hard only when permanent */
	const char *meaning;
	const char *headline;  /* "the address does not exist" */
} bw_reason_info;

/* The entry for `name`, or NULL. */
const bw_reason_info *bw_reason__find(const char *name);
/* The i-th entry, or NULL past the end (for listings and tests). */
const bw_reason_info *bw_reason__at(size_t i);

#endif
