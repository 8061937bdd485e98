/*
 * jsonw.h - the one JSON writer: values written in order, as they come,
 * into a growing buffer or through a sink callback in bounded memory.
 *
 * No tree is built.  A caller opens objects and arrays, writes a key before
 * each member of an object, and the writer puts the separators and the
 * layout's blanks.  Strings are escaped as cJSON escapes them (", \, \b,
 * \f, \n, \r, \t; other bytes below 0x20 as \u00xx; every other byte as
 * it is: the caller hands over UTF-8) and numbers are printed as cJSON
 * prints them, so BW_JSONW_COMPACT and BW_JSONW_TABS give exactly
 * cJSON_PrintUnformatted's and cJSON_Print's text (tests/unit/test-jsonw.c
 * compares them).
 *
 * Errors are sticky: after an allocation or the sink fails, every call is
 * a no-op and bw_jsonw__finish() reports the first failure.
 */
#ifndef BW_JSONW_H
#define BW_JSONW_H

#include <stdbool.h>
#include <stddef.h>


typedef enum bw_jsonw_layout {
	/* One line, no blanks (cJSON_PrintUnformatted). */
	BW_JSONW_COMPACT,
	/* cJSON_Print: "{" and each member on its own line, indented by one
	 * tab per open object or array, "key":<tab>value; arrays on one line,
	 * "[a, b]", an object inside one opening right after "[" or ", ". */
	BW_JSONW_TABS,
	/* Two spaces per level, "key": value; each object or array inside an
	 * array on its own line, scalars in an array on one line "[a, b]" (the
	 * mail log summary's layout). */
	BW_JSONW_SPACES,
	/* BW_JSONW_SPACES on one line: no line breaks or indentation, but
	 * still "[a, b]" between scalars in an array. */
	BW_JSONW_SPACES_FLAT,
} bw_jsonw_layout;

/* Receives the text in pieces; returns 0 to go on, anything else to stop
 * (bw_jsonw__finish() then returns BW_EIO). */
typedef int (*bw_jsonw_sink)(const char *data, size_t len, void *payload);

#define BW_JSONW_MAX_DEPTH 16

/* With a sink, the text is first buffered in the writer itself (so in
 * the caller's frame): a document this long or shorter is written
 * without an allocation. */
#define BW_JSONW_INLINE 8192

typedef struct bw_jsonw {
	char *p;                    /* text not yet given to the sink: inline or
	                             * on the heap (the writer's either way) */
	size_t len, cap;
	bw_jsonw_sink sink;         /* NULL: everything stays in p */
	void *payload;
	bw_jsonw_layout layout;
	int depth;                  /* open objects and arrays */
	int err;                    /* the first failure, or 0 */
	struct {
		bool array;
		bool nested;            /* an array that holds an object or array */
		size_t count;           /* members or elements written */
	} level[BW_JSONW_MAX_DEPTH];
	char inline_buf[BW_JSONW_INLINE];   /* p's first buffer with a sink; last,
	                                     * so that init does not clear it */
} bw_jsonw;

/* Starts a document.  With a sink, the text goes to it whenever some
 * kilobytes are buffered, and at bw_jsonw__finish() (buffered in
 * w->inline_buf up to BW_JSONW_INLINE bytes, then on the heap); without
 * one, it is all kept on the heap for bw_jsonw__finish() to hand over. */
void bw_jsonw__init(bw_jsonw *w, bw_jsonw_layout layout, bw_jsonw_sink sink, void *payload);

void bw_jsonw__begin_object(bw_jsonw *w);
void bw_jsonw__end_object(bw_jsonw *w);
void bw_jsonw__begin_array(bw_jsonw *w);
void bw_jsonw__end_array(bw_jsonw *w);

/* The name of the next member of the open object. */
void bw_jsonw__key(bw_jsonw *w, const char *key);
void bw_jsonw__key_len(bw_jsonw *w, const char *key, size_t len);   /* key has no NUL */

/* Values: a member's after its key, an element of the open array, or the
 * document itself. */
void bw_jsonw__string(bw_jsonw *w, const char *s);   /* NULL writes null */
void bw_jsonw__string_len(bw_jsonw *w, const char *s, size_t len);   /* s has no NUL */
void bw_jsonw__null(bw_jsonw *w);
void bw_jsonw__bool(bw_jsonw *w, bool v);
/* Every digit (%lld, %llu): the same text as bw_jsonw__number() below
 * 10^15 in magnitude. */
void bw_jsonw__int(bw_jsonw *w, long long v);
void bw_jsonw__uint(bw_jsonw *w, unsigned long long v);
/* As cJSON prints a number: null for NaN and infinities, 15 significant
 * digits or 17 when 15 do not read back ("1e+15", "0.1", "-0"). */
void bw_jsonw__number(bw_jsonw *w, double v);

/* Text as it is, outside the JSON grammar (a closing newline). */
void bw_jsonw__raw(bw_jsonw *w, const char *text);

/* Ends the document: gives the rest to the sink, or the whole text to *out
 * (NUL-terminated, free() it; out may be NULL with a sink).  Returns BW_OK,
 * BW_ENOMEM, BW_EIO (the sink stopped) or BW_EINVALID (a key outside an
 * object, nesting deeper than BW_JSONW_MAX_DEPTH), with the error message
 * set; the buffer is released either way. */
int bw_jsonw__finish(bw_jsonw *w, char **out);

#endif
