/*
 * jsonw.c - the one JSON writer (jsonw.h): separators and layout per
 * open object or array, cJSON's string escaping and number format.
 */
#include <float.h>
#include <locale.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bouncewhy.h"
#include "error.h"
#include "jsonw.h"

/* Text handed to the sink once this much is buffered. */
#define FLUSH_AT 65536

void bw_jsonw__init(bw_jsonw *w, bw_jsonw_layout layout, bw_jsonw_sink sink, void *payload)
{
	memset(w, 0, offsetof(bw_jsonw, inline_buf));
	w->layout = layout;
	w->sink = sink;
	w->payload = payload;
	if (sink) {
		w->p = w->inline_buf;
		w->cap = sizeof(w->inline_buf);
	}
}

static void flush(bw_jsonw *w)
{
	if (w->err || !w->sink || !w->len)
		return;
	if (w->sink(w->p, w->len, w->payload) != 0)
		w->err = BW_EIO;
	w->len = 0;
}

/* w->p moved to a heap block of cap bytes, the text kept (the inline
 * buffer is copied out, a heap block reallocated); NULL when out of
 * memory, w->p unchanged. */
static char *grow_to(bw_jsonw *w, size_t cap)
{
	char *p;

	if (w->p != w->inline_buf)
		return realloc(w->p, cap);
	p = malloc(cap);
	if (p)
		memcpy(p, w->p, w->len);
	return p;
}

/* reserve() when the buffer may have to flush or grow. */
static bool reserve_more(bw_jsonw *w, size_t n)
{
	size_t cap;
	char *p;

	if (w->err)
		return false;
	if (w->sink && w->len >= FLUSH_AT) {
		flush(w);
		if (w->err)
			return false;
	}
	if (w->len + n < w->cap)
		return true;
	cap = w->cap ? w->cap : 256;
	while (cap <= w->len + n) {
		if (cap > ((size_t)-1) / 2) {
			w->err = BW_ENOMEM;
			return false;
		}
		cap *= 2;
	}
	if (!(p = grow_to(w, cap))) {
		w->err = BW_ENOMEM;
		return false;
	}
	w->p = p;
	w->cap = cap;
	return true;
}

/* Room for n more bytes (and a NUL) at w->p + w->len, or false with
 * w->err set.  With a sink, what is buffered goes out first once it is
 * FLUSH_AT long.  Inline: most calls find the room there. */
static inline bool reserve(bw_jsonw *w, size_t n)
{
	if (!w->err && w->len + n < w->cap && !(w->sink && w->len >= FLUSH_AT))
		return true;
	return reserve_more(w, n);
}

static inline void put(bw_jsonw *w, const char *s, size_t n)
{
	if (!reserve(w, n))
		return;
	memcpy(w->p + w->len, s, n);
	w->len += n;
}

static void puts_(bw_jsonw *w, const char *s)
{
	put(w, s, strlen(s));
}

static void indent(bw_jsonw *w, char c, int n)
{
	static const char tabs[] = "\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t";
	static const char spaces[] = "                                ";

	put(w, c == '\t' ? tabs : spaces, (size_t)n);
}

/* Before a value: the separator and blanks an array puts between its
 * elements (an object's were written with the key). */
static void before_value(bw_jsonw *w, bool container)
{
	size_t *count;

	if (w->depth == 0 || !w->level[w->depth - 1].array)
		return;
	count = &w->level[w->depth - 1].count;
	switch (w->layout) {
	case BW_JSONW_COMPACT:
		if (*count)
			put(w, ",", 1);
		break;
	case BW_JSONW_TABS:
		if (*count)
			put(w, ", ", 2);
		break;
	case BW_JSONW_SPACES:
	case BW_JSONW_SPACES_FLAT:
		if (!container) {
			if (*count)
				put(w, ", ", 2);
			break;
		}
		if (*count)
			put(w, ",", 1);
		w->level[w->depth - 1].nested = true;
		if (w->layout == BW_JSONW_SPACES) {
			put(w, "\n", 1);
			indent(w, ' ', 2 * w->depth);
		}
		break;
	}
	(*count)++;
}

static void open_level(bw_jsonw *w, bool array)
{
	if (w->depth == BW_JSONW_MAX_DEPTH) {
		if (!w->err)
			w->err = BW_EINVALID;
		return;
	}
	w->level[w->depth].array = array;
	w->level[w->depth].nested = false;
	w->level[w->depth].count = 0;
	w->depth++;
}

void bw_jsonw__begin_object(bw_jsonw *w)
{
	if (w->err)
		return;
	before_value(w, true);
	put(w, w->layout == BW_JSONW_TABS ? "{\n" : "{", w->layout == BW_JSONW_TABS ? 2 : 1);
	open_level(w, false);
}

void bw_jsonw__end_object(bw_jsonw *w)
{
	size_t count;

	if (w->err || w->depth == 0)
		return;
	count = w->level[w->depth - 1].count;
	if (w->layout == BW_JSONW_TABS) {
		if (count)
			put(w, "\n", 1);
		indent(w, '\t', w->depth - 1);
	} else if (w->layout == BW_JSONW_SPACES && count) {
		put(w, "\n", 1);
		indent(w, ' ', 2 * (w->depth - 1));
	}
	put(w, "}", 1);
	w->depth--;
}

void bw_jsonw__begin_array(bw_jsonw *w)
{
	if (w->err)
		return;
	before_value(w, true);
	put(w, "[", 1);
	open_level(w, true);
}

void bw_jsonw__end_array(bw_jsonw *w)
{
	if (w->err || w->depth == 0)
		return;
	if (w->layout == BW_JSONW_SPACES && w->level[w->depth - 1].nested) {
		put(w, "\n", 1);
		indent(w, ' ', 2 * (w->depth - 1));
	}
	put(w, "]", 1);
	w->depth--;
}

/* The bytes cJSON's print_string_ptr escapes: 1 for its short escapes
 * (\", \\, \b, \f, \n, \r, \t), 2 for \u00xx. */
static const unsigned char escaped[256] = {
	2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 2, 1, 1, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
};

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* Does any of the 8 bytes in x need an escape: below 0x20, '"' or '\\'?
 * (Each test is exact about whether some byte matches, which is all that
 * is asked.) */
static bool word_escaped(uint64_t x)
{
	uint64_t q = x ^ (ONES * '"'), b = x ^ (ONES * '\\');

	return (((x - ONES * 0x20) & ~x) | ((q - ONES) & ~q) | ((b - ONES) & ~b)) & HIGHS;
}

/* One byte of a string: as it is, or its escape; returns the new end. */
static char *escape_byte(char *d, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";

	if (!escaped[c]) {
		*d++ = (char)c;
		return d;
	}
	*d++ = '\\';
	switch (c) {
	case '"': *d++ = '"'; break;
	case '\\': *d++ = '\\'; break;
	case '\b': *d++ = 'b'; break;
	case '\f': *d++ = 'f'; break;
	case '\n': *d++ = 'n'; break;
	case '\r': *d++ = 'r'; break;
	case '\t': *d++ = 't'; break;
	default:
		*d++ = 'u';
		*d++ = '0';
		*d++ = '0';
		*d++ = hex[c >> 4];
		*d++ = hex[c & 15];
		break;
	}
	return d;
}

/* A string between quotes, escaped as cJSON's print_string_ptr does;
 * copied and scanned in one pass, 8 bytes at a time where none needs an
 * escape.  Room is reserved for the rest of the string at each step, 6
 * bytes for every byte of the word or byte at hand. */
static void quoted(bw_jsonw *w, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	char *d;

	if (!reserve(w, n + 2))
		return;
	d = w->p + w->len;
	*d++ = '"';
	while (p < end) {
		uint64_t x;
		size_t i, k = (size_t)(end - p) < 8 ? (size_t)(end - p) : 8;

		if (k == 8) {
			memcpy(&x, p, 8);
			if (!word_escaped(x)) {
				memcpy(d, p, 8);
				d += 8;
				p += 8;
				continue;
			}
		} else {
			/* the last bytes: as they are, unless one needs an escape */
			for (i = 0; i < k && !escaped[p[i]]; i++)
				;
			if (i == k) {
				memcpy(d, p, k);
				d += k;
				break;
			}
		}
		/* up to 8 bytes one by one, each up to 6 written */
		w->len = (size_t)(d - w->p);
		if (!reserve(w, 6 * k + (size_t)(end - p) + 1))
			return;
		d = w->p + w->len;
		for (i = 0; i < k; i++)
			d = escape_byte(d, *p++);
	}
	*d++ = '"';
	w->len = (size_t)(d - w->p);
}

void bw_jsonw__key(bw_jsonw *w, const char *key)
{
	bw_jsonw__key_len(w, key, strlen(key));
}

void bw_jsonw__key_len(bw_jsonw *w, const char *key, size_t len)
{
	size_t *count;

	if (w->err)
		return;
	if (w->depth == 0 || w->level[w->depth - 1].array) {
		w->err = BW_EINVALID;
		return;
	}
	count = &w->level[w->depth - 1].count;
	switch (w->layout) {
	case BW_JSONW_COMPACT:
	case BW_JSONW_SPACES_FLAT:
		if (*count)
			put(w, ",", 1);
		quoted(w, key, len);
		put(w, ":", 1);
		break;
	case BW_JSONW_TABS:
		if (*count)
			put(w, ",\n", 2);
		indent(w, '\t', w->depth);
		quoted(w, key, len);
		put(w, ":\t", 2);
		break;
	case BW_JSONW_SPACES:
		put(w, *count ? ",\n" : "\n", *count ? 2 : 1);
		indent(w, ' ', 2 * w->depth);
		quoted(w, key, len);
		put(w, ": ", 2);
		break;
	}
	(*count)++;
}

void bw_jsonw__string(bw_jsonw *w, const char *s)
{
	if (s)
		bw_jsonw__string_len(w, s, strlen(s));
	else
		bw_jsonw__null(w);
}

void bw_jsonw__string_len(bw_jsonw *w, const char *s, size_t len)
{
	if (w->err)
		return;
	before_value(w, false);
	quoted(w, s, len);
}

void bw_jsonw__null(bw_jsonw *w)
{
	if (w->err)
		return;
	before_value(w, false);
	put(w, "null", 4);
}

void bw_jsonw__bool(bw_jsonw *w, bool v)
{
	if (w->err)
		return;
	before_value(w, false);
	puts_(w, v ? "true" : "false");
}

/* The decimal digits of v at the end of tmp[0..32); returns where they
 * start (the text %llu makes). */
static char *digits(char tmp[32], unsigned long long v)
{
	char *p = tmp + 32;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return p;
}

void bw_jsonw__int(bw_jsonw *w, long long v)
{
	char tmp[32], *p;

	if (w->err)
		return;
	before_value(w, false);
	/* the magnitude as unsigned: -LLONG_MIN does not fit a long long */
	p = digits(tmp, v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v);
	if (v < 0)
		*--p = '-';
	put(w, p, (size_t)(tmp + 32 - p));
}

void bw_jsonw__uint(bw_jsonw *w, unsigned long long v)
{
	char tmp[32], *p;

	if (w->err)
		return;
	before_value(w, false);
	p = digits(tmp, v);
	put(w, p, (size_t)(tmp + 32 - p));
}

/* cJSON's compare_double: equal within the precision of the larger. */
static bool close_enough(double a, double b)
{
	double max = fabs(a) > fabs(b) ? fabs(a) : fabs(b);

	return fabs(a - b) <= max * DBL_EPSILON;
}

/* cJSON's print_number (1.7.15): null for NaN and infinities, otherwise
 * 15 significant digits, or 17 when 15 do not read back ("-0" for minus
 * zero, "1e+15" from a quadrillion); the locale's decimal point written
 * as '.'. */
void bw_jsonw__number(bw_jsonw *w, double d)
{
	char tmp[64];
	int n;
	double back = 0.0;
	const struct lconv *lc;
	char point;

	if (w->err)
		return;
	before_value(w, false);
	if (isnan(d) || isinf(d)) {
		put(w, "null", 4);
		return;
	}
	n = snprintf(tmp, sizeof(tmp), "%1.15g", d);
	if (sscanf(tmp, "%lg", &back) != 1 || !close_enough(back, d))
		n = snprintf(tmp, sizeof(tmp), "%1.17g", d);
	lc = localeconv();
	point = lc && lc->decimal_point ? lc->decimal_point[0] : '.';
	if (point != '.') {
		char *dp = strchr(tmp, point);
		if (dp)
			*dp = '.';
	}
	put(w, tmp, (size_t)n);
}

void bw_jsonw__raw(bw_jsonw *w, const char *text)
{
	if (!w->err)
		puts_(w, text);
}

int bw_jsonw__finish(bw_jsonw *w, char **out)
{
	int err;

	if (out)
		*out = NULL;
	flush(w);
	if (!w->sink && reserve(w, 0)) {
		w->p[w->len] = '\0';
		if (out) {
			*out = w->p;
			w->p = NULL;
		}
	}
	err = w->err;
	if (w->p != w->inline_buf)
		free(w->p);
	w->p = NULL;
	w->len = w->cap = 0;
	switch (err) {
	case 0:
		return BW_OK;
	case BW_ENOMEM:
		return bw_error__set(BW_ENOMEM, "out of memory");
	case BW_EIO:
		return bw_error__set(BW_EIO, "the JSON text could not be written");
	default:
		return bw_error__set(err, "JSON nested too deeply or a key outside an object");
	}
}
