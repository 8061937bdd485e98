/*
 * walk.c - the one description of a record's structure: which members a
 * report, a recipient and an error record have, in which order, and when
 * the optional ones appear (bw_report_walk, bw_error_walk).  The JSON
 * writer (json.c) and the Python binding's dicts are both built by walking
 * it, so they cannot disagree on a member or its place.
 */
#include <string.h>

#include "bouncewhy.h"
#include "error.h"
#include "record.h"

typedef struct walker {
	const bw_record_visitor *v;
	void *ctx;
	int stop;          /* a callback asked to stop */
} walker;

#define CALL(wk, fn, ...) \
	do { if (!(wk)->stop && (wk)->v->fn((wk)->ctx, __VA_ARGS__) != 0) (wk)->stop = 1; } while (0)
#define CALL0(wk, fn) \
	do { if (!(wk)->stop && (wk)->v->fn((wk)->ctx) != 0) (wk)->stop = 1; } while (0)

static void member_string(walker *wk, const char *key, const char *value)
{
	CALL(wk, key, key);
	CALL(wk, string, value);
}

static void strlist(walker *wk, const char *key, const bw_strlist *l)
{
	size_t i;

	CALL(wk, key, key);
	CALL0(wk, begin_array);
	for (i = 0; i < l->n; i++)
		if (l->v[i])
			CALL(wk, string, l->v[i]);
	CALL0(wk, end_array);
}

/* Name/value pairs as an object; a repeated name (several X-Mailer...)
 * keeps its first value. */
static void kvobject(walker *wk, const char *key, const bw_kvlist *l)
{
	size_t i, j;

	CALL(wk, key, key);
	CALL0(wk, begin_object);
	for (i = 0; i < l->n; i++) {
		if (!l->name[i] || !l->value[i])
			continue;
		for (j = 0; j < i; j++)
			if (l->name[j] && l->value[j] && strcmp(l->name[j], l->name[i]) == 0)
				break;
		if (j == i)
			member_string(wk, l->name[i], l->value[i]);
	}
	CALL0(wk, end_object);
}

static void recipient(walker *wk, const bw_recipient *rc, unsigned int flags)
{
	int f;

	CALL0(wk, begin_object);
	for (f = 0; f < BW_RCPT_FIELD_COUNT; f++) {
		if (f == BW_RCPT_PROVIDER_ID)
			continue;   /* beside the provider's name */
		member_string(wk, bw_recipient_field_name((bw_recipient_field)f), rc->f[f]);
		if (f == BW_RCPT_PROVIDER)
			member_string(wk, "provider_id", rc->f[BW_RCPT_PROVIDER_ID]);
		if (f == BW_RCPT_REASON) {
			CALL(wk, key, "permanent");
			CALL(wk, boolean, rc->permanent > 0);
			CALL(wk, key, "hard_bounce");
			CALL(wk, boolean, rc->hard_bounce > 0);
		}
		if (f == BW_RCPT_DECIDED_BY) {
			CALL(wk, key, "confidence");
			CALL(wk, integer, rc->confidence);
		}
	}
	strlist(wk, "remedies", &rc->remedies);
	strlist(wk, "references", &rc->references);
	if (rc->extras.n)
		kvobject(wk, "extras", &rc->extras);
	if (flags & BW_JSON_EVIDENCE)
		strlist(wk, "evidence", &rc->evidence);
	CALL0(wk, end_object);
}

/* mbox_index (when >= 0), schema_version, source (when given). */
static void head(walker *wk, const char *source, long mbox_index)
{
	CALL0(wk, begin_object);
	if (mbox_index >= 0) {
		CALL(wk, key, "mbox_index");
		CALL(wk, integer, mbox_index);
	}
	CALL(wk, key, "schema_version");
	CALL(wk, integer, BW_JSON_SCHEMA_VERSION);
	if (source)
		member_string(wk, "source", source);
}

static int check(const bw_record_visitor *v)
{
	return v && v->begin_object && v->end_object && v->begin_array && v->end_array &&
	       v->key && v->string && v->integer && v->boolean;
}

int bw_report_walk(const bw_report *r, const char *source, long mbox_index, unsigned int flags,
                   const bw_record_visitor *v, void *ctx)
{
	walker wk = { v, ctx, 0 };
	size_t i;
	int f;

	if (!r || !check(v))
		return bw_error__set(BW_EINVALID, "bw_report_walk: a report and every callback are required");
	head(&wk, source, mbox_index);
	CALL(&wk, key, "kind");
	CALL(&wk, string, bw_kind_name(r->kind));
	for (f = 0; f < BW_REPORT_FIELD_COUNT; f++)
		member_string(&wk, bw_report_field_name((bw_report_field)f), r->f[f]);
	kvobject(&wk, "original_headers", &r->original_headers);
	if (r->extras.n)
		kvobject(&wk, "extras", &r->extras);
	strlist(&wk, "warnings", &r->warnings);
	CALL(&wk, key, "recipients");
	CALL0(&wk, begin_array);
	for (i = 0; i < r->n_rcpt && !wk.stop; i++)
		recipient(&wk, r->rcpt[i], flags);
	CALL0(&wk, end_array);
	CALL0(&wk, end_object);
	return wk.stop ? bw_error__set(BW_EIO, "bw_report_walk: stopped by the visitor") : BW_OK;
}

int bw_error_walk(const char *source, long mbox_index, int code, const char *message,
                  const bw_record_visitor *v, void *ctx)
{
	walker wk = { v, ctx, 0 };

	if (!check(v))
		return bw_error__set(BW_EINVALID, "bw_error_walk: every callback is required");
	head(&wk, source, mbox_index);
	member_string(&wk, "kind", "error");
	member_string(&wk, "error", message ? message : "");
	member_string(&wk, "error_code", bw_error_code_name(code));
	CALL(&wk, key, "recipients");
	CALL0(&wk, begin_array);
	CALL0(&wk, end_array);
	CALL0(&wk, end_object);
	return wk.stop ? bw_error__set(BW_EIO, "bw_error_walk: stopped by the visitor") : BW_OK;
}
