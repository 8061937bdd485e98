/*
 * json.c - the one place that uses cJSON: reports as JSON.
 *
 * Absent string fields are null.  Keys are the field names from report.c,
 * so the JSON, the accessors and the Python binding agree by construction.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "error.h"
#include "record.h"

static cJSON *str_or_null(const char *s)
{
	return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static cJSON *strlist(const bw_strlist *l)
{
	cJSON *a = cJSON_CreateArray();
	size_t i;

	for (i = 0; a && i < l->n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(l->v[i]));
	return a;
}

static cJSON *kvobject(const bw_kvlist *l)
{
	cJSON *o = cJSON_CreateObject();
	size_t i;

	for (i = 0; o && i < l->n; i++) {
		/* Repeated names (several X-Mailer...) keep the first value. */
		if (!cJSON_GetObjectItemCaseSensitive(o, l->name[i]))
			cJSON_AddItemToObject(o, l->name[i], cJSON_CreateString(l->value[i]));
	}
	return o;
}

static cJSON *recipient_json(const bw_recipient *rc, unsigned int flags)
{
	cJSON *o = cJSON_CreateObject();
	int f;

	if (!o)
		return NULL;
	for (f = 0; f < BW_RCPT_FIELD_COUNT; f++) {
		cJSON_AddItemToObject(o, bw_recipient_field_name((bw_recipient_field)f), str_or_null(rc->f[f]));
		if (f == BW_RCPT_REASON) {
			cJSON_AddBoolToObject(o, "permanent", rc->permanent > 0);
			cJSON_AddBoolToObject(o, "hard_bounce", rc->hard_bounce > 0);
		}
		if (f == BW_RCPT_DECIDED_BY)
			cJSON_AddNumberToObject(o, "confidence", rc->confidence);
	}
	cJSON_AddItemToObject(o, "remedies", strlist(&rc->remedies));
	cJSON_AddItemToObject(o, "references", strlist(&rc->references));
	if (rc->extras.n)
		cJSON_AddItemToObject(o, "extras", kvobject(&rc->extras));
	if (flags & BW_JSON_EVIDENCE)
		cJSON_AddItemToObject(o, "evidence", strlist(&rc->evidence));
	return o;
}

static int emit(char **out, cJSON *root, unsigned int flags)
{
	char *text;

	if (!root)
		return bw_error__set(BW_ENOMEM, "out of memory");
	text = (flags & BW_JSON_PRETTY) ? cJSON_Print(root) : cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (!text)
		return bw_error__set(BW_ENOMEM, "out of memory");
	/* cJSON allocates with malloc by default, so bw_free() can release it. */
	*out = text;
	return BW_OK;
}

int bw_report_to_json(char **out, const bw_report *r, const char *source, unsigned int flags)
{
	cJSON *root, *rcpts;
	size_t i;
	int f;

	if (!out || !r)
		return bw_error__set(BW_EINVALID, "bw_report_to_json: out and report are required");
	*out = NULL;
	if (!(root = cJSON_CreateObject()))
		return bw_error__set(BW_ENOMEM, "out of memory");
	if (source)
		cJSON_AddStringToObject(root, "source", source);
	cJSON_AddStringToObject(root, "kind", bw_kind_name(r->kind));
	for (f = 0; f < BW_REPORT_FIELD_COUNT; f++)
		cJSON_AddItemToObject(root, bw_report_field_name((bw_report_field)f), str_or_null(r->f[f]));
	cJSON_AddItemToObject(root, "original_headers", kvobject(&r->original_headers));
	if (r->extras.n)
		cJSON_AddItemToObject(root, "extras", kvobject(&r->extras));
	cJSON_AddItemToObject(root, "warnings", strlist(&r->warnings));
	rcpts = cJSON_AddArrayToObject(root, "recipients");
	for (i = 0; rcpts && i < r->n_rcpt; i++)
		cJSON_AddItemToArray(rcpts, recipient_json(r->rcpt[i], flags));
	return emit(out, root, flags);
}

int bw_error_to_json(char **out, const char *source, int code, const char *message, unsigned int flags)
{
	cJSON *root;

	if (!out)
		return bw_error__set(BW_EINVALID, "bw_error_to_json: out is NULL");
	*out = NULL;
	if (!(root = cJSON_CreateObject()))
		return bw_error__set(BW_ENOMEM, "out of memory");
	if (source)
		cJSON_AddStringToObject(root, "source", source);
	cJSON_AddStringToObject(root, "kind", "error");
	cJSON_AddStringToObject(root, "error", message ? message : "");
	cJSON_AddStringToObject(root, "error_code", bw_error_code_name(code));
	cJSON_AddArrayToObject(root, "recipients");
	return emit(out, root, flags);
}
