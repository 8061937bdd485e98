/*
 * json.c - reports and error records as JSON, written member by member
 * through the JSON writer (jsonw.c), into a string or to a callback: no
 * tree, so a report with 100,000 recipients needs no more memory than the
 * report.  The text is cJSON's (compact, or cJSON_Print's layout for
 * BW_JSON_PRETTY).
 *
 * The members and their order are walk.c's (bw_report_walk), as for the
 * Python binding's dicts; this file only writes them as JSON text.  Absent
 * string fields are null; text that is not UTF-8 is read as Latin-1.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "jsonw.h"
#include "record.h"
#include "text.h"
#include "util.h"

/* Is s[0..n) ASCII?  8 bytes at a time. */
static bool ascii(const char *s, size_t n)
{
	uint64_t x, any = 0;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&x, s + i, 8);
		any |= x;
	}
	for (; i < n; i++)
		any |= (unsigned char)s[i];
	return !(any & 0x8080808080808080ull);
}

/* JSON is UTF-8, always: a string that is not (an 8-bit header name, a file
 * name in another encoding, bytes given to explain) is read as Latin-1
 * where it is not UTF-8, as the MIME reader does with bodies.  Returns s
 * (most strings are ASCII, and checked for that first) or a copy in *tmp
 * (free it); its length in *len (s[0..*len) on the way in). */
static const char *utf8(const char *s, size_t *len, char **tmp)
{
	*tmp = NULL;
	if (ascii(s, *len) || bw_text__valid_utf8(s, *len))
		return s;
	*tmp = bw_text__latin1_to_utf8(s, *len);
	s = *tmp ? *tmp : "";
	*len = strlen(s);
	return s;
}

/* A string value made valid UTF-8 (utf8()); NULL is null. */
static void str(bw_jsonw *w, const char *s)
{
	size_t n;
	char *tmp;

	if (!s) {
		bw_jsonw__null(w);
		return;
	}
	n = strlen(s);
	s = utf8(s, &n, &tmp);
	bw_jsonw__string_len(w, s, n);
	free(tmp);
}

/* The record's walk (walk.c) written through the JSON writer. */
static int v_begin_object(void *w) { bw_jsonw__begin_object(w); return 0; }
static int v_end_object(void *w) { bw_jsonw__end_object(w); return 0; }
static int v_begin_array(void *w) { bw_jsonw__begin_array(w); return 0; }
static int v_end_array(void *w) { bw_jsonw__end_array(w); return 0; }
static int v_string(void *w, const char *s) { str(w, s); return 0; }
/* An integer as cJSON prints it (a double): its digits below 10^15 in
 * magnitude (bw_jsonw__int, without the float formatting and read-back);
 * the double's text beyond. */
static int v_integer(void *w, long n)
{
	if (n > -1000000000000000L && n < 1000000000000000L)
		bw_jsonw__int(w, n);
	else
		bw_jsonw__number(w, (double)n);
	return 0;
}
static int v_boolean(void *w, int b) { bw_jsonw__bool(w, b != 0); return 0; }

static int v_key(void *w, const char *name)
{
	size_t n = strlen(name);
	char *tmp;

	name = utf8(name, &n, &tmp);
	bw_jsonw__key_len(w, name, n);
	free(tmp);
	return 0;
}

static const bw_record_visitor to_json = {
	v_begin_object, v_end_object, v_begin_array, v_end_array,
	v_key, v_string, v_integer, v_boolean,
};

static void report(bw_jsonw *w, const bw_report *r, const char *source, unsigned int flags)
{
	bw_report_walk(r, source, -1, flags & BW_JSON_EVIDENCE, &to_json, w);
}

static void error_record(bw_jsonw *w, const char *source, int code, const char *message)
{
	bw_error_walk(source, -1, code, message, &to_json, w);
}

static bw_jsonw_layout layout(unsigned int flags)
{
	return (flags & BW_JSON_PRETTY) ? BW_JSONW_TABS : BW_JSONW_COMPACT;
}

int bw_report_to_json(char **out, const bw_report *r, const char *source, unsigned int flags)
{
	bw_jsonw w;

	if (!out || !r)
		return bw_error__set(BW_EINVALID, "bw_report_to_json: out and report are required");
	bw_jsonw__init(&w, layout(flags), NULL, NULL);
	report(&w, r, source, flags);
	/* the text is malloc'd, so bw_free() releases it */
	return bw_jsonw__finish(&w, out);
}

int bw_report_write_json(const bw_report *r, const char *source, unsigned int flags,
                         bw_write_cb write, void *payload)
{
	bw_jsonw w;

	if (!r || !write)
		return bw_error__set(BW_EINVALID, "bw_report_write_json: report and write are required");
	bw_jsonw__init(&w, layout(flags), write, payload);
	report(&w, r, source, flags);
	return bw_jsonw__finish(&w, NULL);
}

int bw_error_to_json(char **out, const char *source, int code, const char *message, unsigned int flags)
{
	bw_jsonw w;

	if (!out)
		return bw_error__set(BW_EINVALID, "bw_error_to_json: out is NULL");
	bw_jsonw__init(&w, layout(flags), NULL, NULL);
	error_record(&w, source, code, message);
	return bw_jsonw__finish(&w, out);
}

int bw_error_write_json(const char *source, int code, const char *message, unsigned int flags,
                        bw_write_cb write, void *payload)
{
	bw_jsonw w;

	if (!write)
		return bw_error__set(BW_EINVALID, "bw_error_write_json: write is NULL");
	bw_jsonw__init(&w, layout(flags), write, payload);
	error_record(&w, source, code, message);
	return bw_jsonw__finish(&w, NULL);
}
