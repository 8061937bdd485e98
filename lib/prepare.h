/*
 * prepare.h - bounding the raw octets before GMime reads them (prepare.c).
 */
#ifndef BW_PREPARE_H
#define BW_PREPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "bouncewhy.h"

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
} bw_prepared;

/* Prepares in[0..len) (LF line endings) for GMime: see prepare.c.  Returns
 * BW_OK or BW_ENOMEM (no error message is set). */
int bw_prepare__input(bw_prepared *out, const char *in, size_t len, size_t max_line, unsigned max_parts);
/* Frees what bw_prepare__input() allocated in p (buf, dash). */
void bw_prepare__clear(bw_prepared *p);

#endif
