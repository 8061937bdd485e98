/*
 * mimecut.h - where a bounce can be cut so that GMime never parses the
 * returned original's body (nobody reads it).
 *
 * The shape recognised: a top-level multipart whose last direct part is an
 * unencoded message/rfc822 (or message/global) original.  Cutting the
 * message just after the original's header block and closing the
 * multipart there gives GMime everything the view reads: the report parts,
 * the original's headers.  Not cut: an original that may itself hold the
 * report (no delivery-status part at the top but "delivery-status" inside
 * the original); mime.c also parses the whole message when the cut parse
 * does not have the structure found here, or when the bounce turns out to
 * be forwarded (the report is then the original).
 */
#ifndef BW_MIMECUT_H
#define BW_MIMECUT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct bw_mimecut {
	size_t orig;             /* where the original's header block starts */
	size_t cut;              /* bytes to keep: up to the original's blank line */
	char boundary[201];      /* the top-level boundary, to close the multipart */
	size_t boundary_len;
	/* When the original is itself a multipart: its boundary, to give it
	 * an empty but well-formed body ("" otherwise). */
	char inner_boundary[201];
	size_t inner_boundary_len;
	unsigned n_parts;        /* direct parts of the top-level multipart */
} bw_mimecut;

/* True, with `out` filled, when buf[0..len) has that shape. */
bool bw_mimecut__find(const char *buf, size_t len, bw_mimecut *out);

/* The same, given the offsets of every line of buf that starts with "--",
 * in order (bw_prepared.dash): the boundary lines are then looked up
 * there instead of found by scanning the body again.  dash NULL: scan. */
bool bw_mimecut__find_with(const char *buf, size_t len, const size_t *dash, size_t n_dash,
                           bw_mimecut *out);

/* The same, given also (have_bnd) where all of buf's "boundary=" are
 * (ASCII case ignored), in order: at bnd[k] - bnd_base, for k < n_bnd
 * (bw_prepared.bnd): the returned original's body is then not searched
 * for them. */
bool bw_mimecut__find_indexed(const char *buf, size_t len, const size_t *dash, size_t n_dash,
                              bool have_bnd, const size_t *bnd, size_t n_bnd, size_t bnd_base,
                              bw_mimecut *out);

/* One header of a plain header block: name and raw value (after the colon,
 * folding kept), pointing into the block. */
typedef struct bw_mimecut_header {
	const char *name, *value;
	size_t name_len, value_len;
} bw_mimecut_header;

/* Reads the header block p[0..len) (up to its blank line) into out[0..max)
 * when it is plain: every line a "Name:" header with a token name, or a
 * folded continuation; no 8-bit or control byte; at most max headers.
 * Returns the number of headers, or -1 when the block is not plain (GMime
 * might then read or warn about it differently: let it parse the block). */
int bw_mimecut__headers(const char *p, size_t len, bw_mimecut_header *out, size_t max);

/* The original's header block (cut->orig .. cut->cut) read as above, when
 * GMime would read it the same way and have nothing to say about it: plain,
 * no header repeated but Received (GMime warns about conflicting ones), a
 * Content-Type that is a plain type/subtype and not multipart/report (a
 * forwarded bounce).  -1 otherwise. */
int bw_mimecut__plain_original(const char *buf, const bw_mimecut *cut,
                               bw_mimecut_header *out, size_t max);

#endif
