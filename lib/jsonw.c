/*
 * jsonw.c - the one JSON writer (jsonw.h): separators and layout per
 * open object or array, cJSON's string escaping and number format.
 */
#include <float.h>
#include <locale.h>
#include <math.h>
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
	memset(w, 0, sizeof(*w));
	w->layout = layout;
	w->sink = sink;
	w->payload = payload;
}

static void flush(bw_jsonw *w)
{
	if (w->buf.oom && !w->err)
		w->err = BW_ENOMEM;
	if (w->err || !w->sink || !w->buf.len)
		return;
	if (w->sink(w->payload, w->buf.p, w->buf.len) != 0)
		w->err = BW_EIO;
	w->buf.len = 0;
}

static void put(bw_jsonw *w, const char *s, size_t n)
{
	bw_buf__put(&w->buf, s, n);
	if (w->buf.len >= FLUSH_AT)
		flush(w);
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

/* A string between quotes, escaped as cJSON's print_string_ptr does. */
static void quoted(bw_jsonw *w, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	const char *run = s;
	char esc[8];

	put(w, "\"", 1);
	for (; *p; p++) {
		const char *e;

		if (*p >= 0x20 && *p != '"' && *p != '\\')
			continue;
		switch (*p) {
		case '"': e = "\\\""; break;
		case '\\': e = "\\\\"; break;
		case '\b': e = "\\b"; break;
		case '\f': e = "\\f"; break;
		case '\n': e = "\\n"; break;
		case '\r': e = "\\r"; break;
		case '\t': e = "\\t"; break;
		default:
			snprintf(esc, sizeof(esc), "\\u%04x", *p);
			e = esc;
			break;
		}
		put(w, run, (size_t)((const char *)p - run));
		puts_(w, e);
		run = (const char *)p + 1;
	}
	put(w, run, (size_t)((const char *)p - run));
	put(w, "\"", 1);
}

void bw_jsonw__key(bw_jsonw *w, const char *key)
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
		quoted(w, key);
		put(w, ":", 1);
		break;
	case BW_JSONW_TABS:
		if (*count)
			put(w, ",\n", 2);
		indent(w, '\t', w->depth);
		quoted(w, key);
		put(w, ":\t", 2);
		break;
	case BW_JSONW_SPACES:
		put(w, *count ? ",\n" : "\n", *count ? 2 : 1);
		indent(w, ' ', 2 * w->depth);
		quoted(w, key);
		put(w, ": ", 2);
		break;
	}
	(*count)++;
}

void bw_jsonw__string(bw_jsonw *w, const char *s)
{
	if (w->err)
		return;
	before_value(w, false);
	if (s)
		quoted(w, s);
	else
		put(w, "null", 4);
}

void bw_jsonw__null(bw_jsonw *w)
{
	bw_jsonw__string(w, NULL);
}

void bw_jsonw__bool(bw_jsonw *w, bool v)
{
	if (w->err)
		return;
	before_value(w, false);
	puts_(w, v ? "true" : "false");
}

void bw_jsonw__int(bw_jsonw *w, long long v)
{
	char tmp[32];

	if (w->err)
		return;
	before_value(w, false);
	put(w, tmp, (size_t)snprintf(tmp, sizeof(tmp), "%lld", v));
}

void bw_jsonw__uint(bw_jsonw *w, unsigned long long v)
{
	char tmp[32];

	if (w->err)
		return;
	before_value(w, false);
	put(w, tmp, (size_t)snprintf(tmp, sizeof(tmp), "%llu", v));
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
	err = w->err;
	if (!err && !w->sink) {
		char *text = bw_buf__detach(&w->buf);
		if (!text)
			err = BW_ENOMEM;
		else if (out)
			*out = text;
		else
			free(text);
	}
	bw_buf__free(&w->buf);
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
