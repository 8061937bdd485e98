/*
 * mimeflat.h - the common shape of a bounce read without GMime: a
 * multipart whose direct parts are all leaves (the report text, the
 * delivery-status fields, the returned headers), each with a plain header
 * block and an unencoded body, delimited by exact boundary lines.
 *
 * GMime builds an object per part (header lists, content types, data
 * wrappers, streams) and frees them again; for this shape the parts' bytes
 * are all the view needs.  Anything else ("not flat": a nested multipart,
 * an encoded body, a parameter GMime might read otherwise, an odd boundary
 * line) is left to GMime; mime.c decides, and falls back on any doubt.
 */
#ifndef BW_MIMEFLAT_H
#define BW_MIMEFLAT_H

#include <stdbool.h>
#include <stddef.h>

#define BW_MIMEFLAT_MAX_PARAMS 8
#define BW_MIMEFLAT_MAX_PARTS 16
#define BW_MIMEFLAT_MAX_CHILDREN 32

/* A Content-Type value read strictly (bw_mimeflat__content_type()). */
typedef struct bw_mimeflat_type {
	const char *type, *subtype;
	size_t type_len, subtype_len;
	struct {
		const char *name, *value;   /* value without its quotes */
		size_t name_len, value_len;
	} param[BW_MIMEFLAT_MAX_PARAMS];
	unsigned n_param;
} bw_mimeflat_type;

/* Reads v[0..n) as `type/subtype` followed by `; name=value` parameters
 * (tokens, or quoted strings without backslashes), white space and folding
 * allowed around the separators.  False (not flat) for anything else:
 * comments, RFC 2231 names (with '*'), RFC 2047 words, a repeated
 * parameter, 8-bit bytes, more than BW_MIMEFLAT_MAX_PARAMS parameters. */
bool bw_mimeflat__content_type(const char *v, size_t n, bw_mimeflat_type *out);

/* The value of parameter `name` (ASCII case ignored), or NULL; *len set. */
const char *bw_mimeflat__param(const bw_mimeflat_type *t, const char *name, size_t *len);

/* Does t have this type and subtype (ASCII case ignored)? */
bool bw_mimeflat__is(const bw_mimeflat_type *t, const char *type, const char *subtype);

/* A Content-Transfer-Encoding read (bw_mimeflat__encoding()). */
typedef enum bw_mimeflat_encoding {
	BW_MIMEFLAT_IDENTITY,       /* none, 7bit, 8bit, binary */
	BW_MIMEFLAT_QP,             /* quoted-printable */
	BW_MIMEFLAT_BASE64,
	BW_MIMEFLAT_OTHER           /* anything else: not flat */
} bw_mimeflat_encoding;

/* The encoding named by v[0..n) (white space around it allowed, ASCII case
 * ignored). */
bw_mimeflat_encoding bw_mimeflat__encoding(const char *v, size_t n);

/* One direct part. */
/* A multipart/alternative's plain part shorter than this (its encoded
 * bytes) beside an HTML one only points to it ("Your mail client cannot
 * display this message", "view it in HTML"): the HTML is the text read. */
#define BW_MIME_STUB_PLAIN 200

typedef struct bw_mimeflat_part {
	bw_mimeflat_type type;      /* text/plain when the part has no Content-Type */
	bw_mimeflat_encoding encoding;  /* never BW_MIMEFLAT_OTHER */
	const char *body;           /* its content, without the line end before the boundary */
	size_t body_len;
	/* A multipart part: its own parts are bw_mimeflat.child[child ..
	 * child + n_child); n_child 0: a leaf. */
	unsigned child, n_child;
} bw_mimeflat_part;

typedef struct bw_mimeflat {
	bw_mimeflat_part part[BW_MIMEFLAT_MAX_PARTS];
	unsigned n;
	bw_mimeflat_part child[BW_MIMEFLAT_MAX_CHILDREN];
	unsigned n_child;
	unsigned last_first;      /* (while reading) */
	bool to_end;        /* never closed: the last part runs to the end */
} bw_mimeflat;

/* How the region of parts ends (bw_mimeflat__read()). */
typedef enum bw_mimeflat_end {
	BW_MIMEFLAT_CLOSED,     /* at the line "--b--" (the rest is the epilogue) */
	BW_MIMEFLAT_CUT,        /* at `to`, just after the last part's header block */
	BW_MIMEFLAT_CLOSED_OR_END /* closed, or else the last part runs to `to` */
} bw_mimeflat_end;

/* Reads the parts of a multipart body buf[from..to) with boundary b:
 * the lines "--b" open parts (anything before the first is the prologue,
 * not read), and the region ends as `how` says (BW_MIMEFLAT_CUT: the last
 * part's body is not read; mimecut.c found where; BW_MIMEFLAT_CLOSED_OR_END:
 * out->to_end says which).  Each part has
 * a plain header block (bw_mimecut__headers()) ended by an empty line,
 * is a leaf or a closed multipart/alternative, related or mixed (three
 * deep at most), unencoded, read the same way,
 * no header repeated, a Content-Type (if any) that
 * bw_mimeflat__content_type() reads, a Content-Transfer-Encoding (if any)
 * that bw_mimeflat__encoding() knows, and a non-empty body.  False (not flat) otherwise, or
 * when a line "--b..." is not exactly a boundary line. */
bool bw_mimeflat__read(const char *buf, size_t from, size_t to, const char *b, size_t bl,
                       bw_mimeflat_end how, bw_mimeflat *out);

#endif
