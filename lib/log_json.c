/*
 * log_json.c - the diagnosis of a log attempt as JSON, for
 * bw_log_attempt_to_json(): the recipient object of the bounce JSON
 * (json.c), written through the one JSON writer (jsonw.c).  Strings given
 * here are UTF-8 already (the reader converts lines that are not).
 */
#include <stdio.h>
#include <string.h>

#include "jsonw.h"
#include "log.h"
#include "record.h"

/* An absent ("") value is null. */
static void nullable(bw_jsonw *w, const char *v)
{
	bw_jsonw__string(w, *v ? v : NULL);
}

static void str_list(bw_jsonw *w, size_t n, const char *(*at)(const bw_recipient *, size_t),
                     const bw_recipient *rc)
{
	size_t i;

	bw_jsonw__begin_array(w);
	for (i = 0; i < n; i++)
		bw_jsonw__string(w, at(rc, i));
	bw_jsonw__end_array(w);
}

void bw_log__json_recipient(bw_jsonw *w, const bw_recipient *rc, unsigned int flags)
{
	int f;

	bw_jsonw__begin_object(w);
	/* the keys in the order of the bounce JSON (json.c) */
	for (f = 0; f < BW_RCPT_FIELD_COUNT; f++) {
		if (f == BW_RCPT_PROVIDER_ID)
			continue;   /* beside the provider's name, as json.c writes it */
		bw_jsonw__key(w, bw_recipient_field_name((bw_recipient_field)f));
		nullable(w, bw_recipient_get(rc, (bw_recipient_field)f));
		if (f == BW_RCPT_PROVIDER) {
			bw_jsonw__key(w, "provider_id");
			nullable(w, bw_recipient_get(rc, BW_RCPT_PROVIDER_ID));
		}
		if (f == BW_RCPT_REASON) {
			bw_jsonw__key(w, "permanent");
			bw_jsonw__bool(w, bw_recipient_permanent(rc));
			bw_jsonw__key(w, "hard_bounce");
			bw_jsonw__bool(w, bw_recipient_hard_bounce(rc));
		}
		if (f == BW_RCPT_DECIDED_BY) {
			bw_jsonw__key(w, "confidence");
			bw_jsonw__int(w, bw_recipient_confidence(rc));
		}
	}
	bw_jsonw__key(w, "remedies");
	str_list(w, bw_recipient_remedy_count(rc), bw_recipient_remedy, rc);
	bw_jsonw__key(w, "references");
	str_list(w, bw_recipient_reference_count(rc), bw_recipient_reference, rc);
	if (flags & BW_JSON_EVIDENCE) {
		bw_jsonw__key(w, "evidence");
		str_list(w, bw_recipient_evidence_count(rc), bw_recipient_evidence, rc);
	}
	bw_jsonw__end_object(w);
}
