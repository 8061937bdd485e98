/*
 * json.c - reports and error records as JSON, written member by member
 * through the JSON writer (jsonw.c), into a string or to a callback: no
 * tree, so a report with 100,000 recipients needs no more memory than the
 * report.  The text is cJSON's (compact, or cJSON_Print's layout for
 * BW_JSON_PRETTY).
 *
 * Absent string fields are null.  Keys are the field names from report.c,
 * so the JSON, the accessors and the Python binding agree by construction.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "jsonw.h"
#include "record.h"
#include "text.h"
#include "util.h"

/* JSON is UTF-8, always: a string that is not (an 8-bit header name, a file
 * name in another encoding, bytes given to explain) is read as Latin-1
 * where it is not UTF-8, as the MIME reader does with bodies.  Returns s or
 * a copy in *tmp (free it). */
static const char *utf8(const char *s, char **tmp)
{
	*tmp = NULL;
	if (!s || bw_text__valid_utf8(s, strlen(s)))
		return s;
	*tmp = bw_text__latin1_to_utf8(s, strlen(s));
	return *tmp ? *tmp : "";
}

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

/* A string value made valid UTF-8, as utf8() does (most values are ASCII,
 * and checked for that first); NULL is null. */
static void str(bw_jsonw *w, const char *s)
{
	size_t n;
	char *tmp;

	if (!s) {
		bw_jsonw__null(w);
		return;
	}
	n = strlen(s);
	if (ascii(s, n) || bw_text__valid_utf8(s, n)) {
		bw_jsonw__string_len(w, s, n);
		return;
	}
	tmp = bw_text__latin1_to_utf8(s, n);
	bw_jsonw__string(w, tmp ? tmp : "");
	free(tmp);
}

static void strlist(bw_jsonw *w, const bw_strlist *l)
{
	size_t i;

	bw_jsonw__begin_array(w);
	for (i = 0; i < l->n; i++)
		if (l->v[i])
			str(w, l->v[i]);
	bw_jsonw__end_array(w);
}

/* Was name (made UTF-8) the name of an entry before i? */
static bool named_before(const bw_kvlist *l, size_t i, const char *name)
{
	size_t j;

	for (j = 0; j < i; j++) {
		char *tmp;
		bool same;

		if (!l->name[j] || !l->value[j])
			continue;
		same = strcmp(utf8(l->name[j], &tmp), name) == 0;
		free(tmp);
		if (same)
			return true;
	}
	return false;
}

static void kvobject(bw_jsonw *w, const bw_kvlist *l)
{
	size_t i;

	bw_jsonw__begin_object(w);
	for (i = 0; i < l->n; i++) {
		char *tmp;
		const char *name;

		if (!l->name[i] || !l->value[i])
			continue;
		name = utf8(l->name[i], &tmp);
		/* Repeated names (several X-Mailer...) keep the first value. */
		if (!named_before(l, i, name)) {
			bw_jsonw__key(w, name);
			str(w, l->value[i]);
		}
		free(tmp);
	}
	bw_jsonw__end_object(w);
}

static void recipient(bw_jsonw *w, const bw_recipient *rc, unsigned int flags)
{
	int f;

	bw_jsonw__begin_object(w);
	for (f = 0; f < BW_RCPT_FIELD_COUNT; f++) {
		if (f == BW_RCPT_PROVIDER_ID)
			continue;   /* beside the provider's name */
		bw_jsonw__key(w, bw_recipient_field_name((bw_recipient_field)f));
		str(w, rc->f[f]);
		if (f == BW_RCPT_PROVIDER) {
			bw_jsonw__key(w, "provider_id");
			str(w, rc->f[BW_RCPT_PROVIDER_ID]);
		}
		if (f == BW_RCPT_REASON) {
			bw_jsonw__key(w, "permanent");
			bw_jsonw__bool(w, rc->permanent > 0);
			bw_jsonw__key(w, "hard_bounce");
			bw_jsonw__bool(w, rc->hard_bounce > 0);
		}
		if (f == BW_RCPT_DECIDED_BY) {
			bw_jsonw__key(w, "confidence");
			bw_jsonw__number(w, rc->confidence);
		}
	}
	bw_jsonw__key(w, "remedies");
	strlist(w, &rc->remedies);
	bw_jsonw__key(w, "references");
	strlist(w, &rc->references);
	if (rc->extras.n) {
		bw_jsonw__key(w, "extras");
		kvobject(w, &rc->extras);
	}
	if (flags & BW_JSON_EVIDENCE) {
		bw_jsonw__key(w, "evidence");
		strlist(w, &rc->evidence);
	}
	bw_jsonw__end_object(w);
}

static void report(bw_jsonw *w, const bw_report *r, const char *source, unsigned int flags)
{
	size_t i;
	int f;

	bw_jsonw__begin_object(w);
	bw_jsonw__key(w, "schema_version");
	bw_jsonw__number(w, BW_JSON_SCHEMA_VERSION);
	if (source) {
		bw_jsonw__key(w, "source");
		str(w, source);
	}
	bw_jsonw__key(w, "kind");
	bw_jsonw__string(w, bw_kind_name(r->kind));
	for (f = 0; f < BW_REPORT_FIELD_COUNT; f++) {
		bw_jsonw__key(w, bw_report_field_name((bw_report_field)f));
		str(w, r->f[f]);
	}
	bw_jsonw__key(w, "original_headers");
	kvobject(w, &r->original_headers);
	if (r->extras.n) {
		bw_jsonw__key(w, "extras");
		kvobject(w, &r->extras);
	}
	bw_jsonw__key(w, "warnings");
	strlist(w, &r->warnings);
	bw_jsonw__key(w, "recipients");
	bw_jsonw__begin_array(w);
	for (i = 0; i < r->n_rcpt; i++)
		recipient(w, r->rcpt[i], flags);
	bw_jsonw__end_array(w);
	bw_jsonw__end_object(w);
}

static void error_record(bw_jsonw *w, const char *source, int code, const char *message)
{
	bw_jsonw__begin_object(w);
	bw_jsonw__key(w, "schema_version");
	bw_jsonw__number(w, BW_JSON_SCHEMA_VERSION);
	if (source) {
		bw_jsonw__key(w, "source");
		str(w, source);
	}
	bw_jsonw__key(w, "kind");
	bw_jsonw__string(w, "error");
	bw_jsonw__key(w, "error");
	str(w, message ? message : "");
	bw_jsonw__key(w, "error_code");
	bw_jsonw__string(w, bw_error_code_name(code));
	bw_jsonw__key(w, "recipients");
	bw_jsonw__begin_array(w);
	bw_jsonw__end_array(w);
	bw_jsonw__end_object(w);
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
