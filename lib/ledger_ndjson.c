/*
 * ledger_ndjson.c - reading the CLI's NDJSON records back into the ledger
 * (bw_ledger_add_json).  The library's one user of cJSON, which only
 * parses here; every JSON text the library writes goes through jsonw.c.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "error.h"
#include "ledger.h"
#include "util.h"

static const char *jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : "";
}

int bw_ledger_add_json(bw_ledger *l, const char *json, size_t len, size_t *added)
{
	cJSON *root, *rcpts, *hdrs, *r, *h;
	bw_ledger_view v;
	size_t i = 0;
	int rc;

	if (added)
		*added = 0;
	if (!l || !json)
		return bw_error__set(BW_EINVALID, "bw_ledger_add_json: NULL argument");
	root = cJSON_ParseWithLength(json, len);
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return bw_error__set(BW_EPARSE, "not a JSON object");
	}
	memset(&v, 0, sizeof(v));
	v.kind = jstr(root, "kind");
	if (!*v.kind || !strcmp(v.kind, "error")) {
		cJSON_Delete(root);
		return BW_OK;
	}
	v.date = jstr(root, "date");
	v.from = jstr(root, "from");
	v.subject = jstr(root, "subject");
	v.arrival = jstr(root, "arrival_date");
	v.message_id = "";
	v.orig_message_id = jstr(root, "original_message_id");
	v.source = jstr(root, "source");
	hdrs = cJSON_GetObjectItemCaseSensitive(root, "original_headers");
	if (l->policy.subscriber_header[0] && cJSON_IsObject(hdrs))
		cJSON_ArrayForEach(h, hdrs)
			if (h->string && bw_strcasecmp(h->string, l->policy.subscriber_header) == 0 &&
			    cJSON_IsString(h))
				v.subscriber_header = h->valuestring;
	rcpts = cJSON_GetObjectItemCaseSensitive(root, "recipients");
	v.n_rcpt = cJSON_IsArray(rcpts) ? (size_t)cJSON_GetArraySize(rcpts) : 0;
	if (v.n_rcpt && !(v.rcpt = calloc(v.n_rcpt, sizeof(*v.rcpt)))) {
		cJSON_Delete(root);
		return bw_error__set(BW_ENOMEM, "out of memory");
	}
	if (v.n_rcpt)
		cJSON_ArrayForEach(r, rcpts) {
			bw_ledger_rcpt_view *x = &v.rcpt[i++];
			x->recipient = jstr(r, "recipient");
			x->original_recipient = jstr(r, "original_recipient");
			x->action = jstr(r, "action");
			x->status = jstr(r, "status");
			x->reason = jstr(r, "reason");
			x->fault = jstr(r, "fault");
			x->provider = jstr(r, "provider");
			x->provider_code = jstr(r, "provider_code");
			x->last_attempt = jstr(r, "last_attempt_date");
			x->feedback_type = jstr(r, "feedback_type");
			if (!*x->feedback_type)
				x->feedback_type = jstr(root, "feedback_type");
			x->hard = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "hard_bounce"));
			x->confidence = cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(r, "confidence"))
				? cJSON_GetObjectItemCaseSensitive(r, "confidence")->valuedouble : -1.0;
		}
	rc = bw_ledger__add_view(l, &v, added);
	free(v.rcpt);
	cJSON_Delete(root);
	return rc;
}
