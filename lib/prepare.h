/*
 * prepare.h - bounding the raw octets before GMime reads them (prepare.c).
 */
#ifndef BW_PREPARE_H
#define BW_PREPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "bouncewhy.h"

/* One pass over a whole message for what the steps after it would each
 * scan the message for (bw_scanidx__build()): whether it has a CR
 * (bw_parse_buffer() then normalises it), the lines starting with "--"
 * (prepare.c crosses bodies with them), the ';' that end a line but for
 * spaces and tabs (mime.c's repair of unfolded parameters) and every
 * "boundary=", ASCII case ignored (mimecut.c).  Offsets into the buffer,
 * in order. */
typedef struct bw_scanidx {
	bool has_cr;            /* then nothing else was collected */
	bool oom;               /* then nothing is used */
	size_t *dash, n_dash, cap_dash;
	size_t *semi, n_semi, cap_semi;
	size_t *bnd, n_bnd, cap_bnd;
} bw_scanidx;

void bw_scanidx__build(bw_scanidx *x, const char *buf, size_t len);
void bw_scanidx__free(bw_scanidx *x);

typedef struct bw_prepared {
	char *buf;              /* the text to parse (free it), or NULL: use the input */
	size_t len;             /* its length (the input's when buf is NULL) */
	size_t leading_skipped; /* bytes of blank lines dropped before the headers */
	size_t lines_cut;       /* header lines cut or dropped to keep max_line */
	unsigned parts;         /* parts counted (up to max_parts + 1) */
	bool parts_cut;         /* the input was cut before the part beyond max_parts */
	/* Offsets of every line of the input that starts with "--" (MIME
	 * boundary lines), in order, when buf is NULL (the input unchanged;
	 * dash is NULL otherwise, or out of memory): mimecut.c then finds
	 * the boundaries without another pass over a large body. */
	size_t *dash;
	size_t n_dash;
	/* From the bw_scanidx given (NULL without one, or when buf is not
	 * NULL): the offsets of its semi and bnd lists at or after the
	 * input's start, minus `base` (they are offsets into the scanned
	 * buffer, where the input starts at base). */
	const size_t *semi, *bnd;
	size_t n_semi, n_bnd, base;
	bool indexed;           /* semi and bnd are set */
} bw_prepared;

/* Prepares in[0..len) (LF line endings) for GMime: see prepare.c.  Returns
 * BW_OK or BW_ENOMEM (no error message is set). */
int bw_prepare__input(bw_prepared *out, const char *in, size_t len, size_t max_line, unsigned max_parts);
/* The same, given the index of the buffer `in` starts at offset `base` of
 * (x may be NULL): bodies are crossed with x's dash lines instead of a
 * search, and out->semi and out->bnd are set. */
int bw_prepare__input_indexed(bw_prepared *out, const char *in, size_t len, size_t max_line,
                              unsigned max_parts, const bw_scanidx *x, size_t base);
/* Frees what bw_prepare__input() allocated in p (buf, dash). */
void bw_prepare__clear(bw_prepared *p);

#endif
