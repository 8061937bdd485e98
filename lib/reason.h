/*
 * reason.h - the reason vocabulary.
 *
 * The table is data: rules/vocabulary/reasons.vocab, turned into C at build
 * time by tools/gen-vocab.py.  Nothing else writes a reason's properties.
 */
#ifndef BW_REASON_H
#define BW_REASON_H

#include <stddef.h>

typedef struct bw_reason_info {
	const char *name;
	int hard;              /* 1, 0, or -1: hard only when permanent */
	const char *fault;     /* default fault, or NULL (not a failure, undecided) */
	int failure;           /* 0 for reports that are not delivery failures */
	const char *subjects;  /* status subjects ("127") the reason fits; NULL any */
	const char *meaning;
	const char *headline;  /* "the address does not exist" */
	const char *const *remedies;  /* default advice, NULL-terminated */
	size_t n_remedies;
	/* While the sender still retries (action delayed), or NULL: the same
	 * cause reads differently before the server gives up. */
	const char *delayed_meaning;
	const char *delayed_headline;
	const char *const *delayed_remedies;
	size_t n_delayed_remedies;
} bw_reason_info;

/* The entry for `name`, or NULL. */
const bw_reason_info *bw_reason__find(const char *name);
/* The i-th entry, or NULL past the end (for listings and tests). */
const bw_reason_info *bw_reason__at(size_t i);

#endif
