/*
 * rules_syntax.h - the line syntax shared by rule files and vocabularies.
 *
 * A file is a list of sections: "[kind ID]" then "key = value" entries;
 * a line that starts with white space continues the value above it; blank
 * lines end a value; "#" starts a comment line.  This module only groups
 * lines into sections and checks what a grammar allows (section kinds,
 * keys, which keys repeat); what a section means is its reader's business
 * (rules_text.c for .rules files, tools/gen-vocab.c for the reason
 * vocabulary).  Every error names file:line.
 */
#ifndef BW_RULES_SYNTAX_H
#define BW_RULES_SYNTAX_H

#include <stddef.h>

#include "../util.h"

typedef struct bw_rsyn_entry {
	char *key;
	bw_buf value;             /* continuation lines joined with one space */
	unsigned int line;
} bw_rsyn_entry;

typedef struct bw_rsyn_section {
	int kind;                 /* index into the grammar's kinds, from 0 */
	char *id;
	unsigned int line;
	bw_rsyn_entry *e;
	size_t n, cap;
} bw_rsyn_section;

typedef struct bw_rsyn_grammar {
	const char *const *kinds;              /* section names, NULL-terminated */
	const char *const *const *keys;        /* per kind: its keys, NULL-terminated */
	const char *const *repeatable;         /* keys that may repeat, NULL-terminated */
	/* Checks a section id; returns NULL or what is wrong with it. */
	const char *(*check_id)(const char *id);
	/* Called with each complete section; returns BW_OK or an error code
	 * (having set the message). */
	int (*section)(void *ctx, const char *file, const bw_rsyn_section *sec);
	void *ctx;
} bw_rsyn_grammar;

/* Reads `len` bytes of `file` (its name, for messages) by `g`.  Returns
 * BW_OK, or BW_ERULES / BW_ENOMEM / the section callback's code with the
 * message set. */
int bw_rsyn__parse(const bw_rsyn_grammar *g, const char *file, const char *buf, size_t len);

#endif
