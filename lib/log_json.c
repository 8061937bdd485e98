/*
 * log_json.c - the small JSON writer behind bw_log_attempt_to_json() and
 * bw_log_summary_to_json().  (json.c, with cJSON, serialises bounce
 * reports; a log has millions of attempts and needs no tree.)  Strings
 * given here are UTF-8 already (the reader converts lines that are not).
 */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "record.h"

void bw_log__json_str(bw_buf *b, const char *s)
{
	const unsigned char *p;
	const char *run;

	if (!s) {
		bw_buf__puts(b, "null");
		return;
	}
	bw_buf__putc(b, '"');
	for (run = s, p = (const unsigned char *)s; *p; p++) {
		if (*p >= 0x20 && *p != '"' && *p != '\\')
			continue;
		bw_buf__put(b, run, (size_t)((const char *)p - run));
		switch (*p) {
		case '"': bw_buf__puts(b, "\\\""); break;
		case '\\': bw_buf__puts(b, "\\\\"); break;
		case '\n': bw_buf__puts(b, "\\n"); break;
		case '\t': bw_buf__puts(b, "\\t"); break;
		case '\r': bw_buf__puts(b, "\\r"); break;
		default: bw_buf__printf(b, "\\u%04x", *p); break;
		}
		run = (const char *)p + 1;
	}
	bw_buf__put(b, run, (size_t)((const char *)p - run));
	bw_buf__putc(b, '"');
}

void bw_log__json_key(bw_buf *b, const char *key, int indent, bool *first)
{
	if (!*first)
		bw_buf__putc(b, ',');
	*first = false;
	if (indent >= 0)
		bw_buf__printf(b, "\n%*s", indent, "");
	bw_log__json_str(b, key);
	bw_buf__puts(b, indent >= 0 ? ": " : ":");
}

static void str_list(bw_buf *b, size_t n, const char *(*at)(const bw_recipient *, size_t),
                     const bw_recipient *rc)
{
	size_t i;

	bw_buf__putc(b, '[');
	for (i = 0; i < n; i++) {
		if (i)
			bw_buf__putc(b, ',');
		bw_log__json_str(b, at(rc, i));
	}
	bw_buf__putc(b, ']');
}

void bw_log__json_recipient(bw_buf *b, const bw_recipient *rc, unsigned int flags)
{
	bool first = true;
	int f;

	bw_buf__putc(b, '{');
	/* the keys in the order of the bounce JSON (json.c) */
	for (f = 0; f < BW_RCPT_FIELD_COUNT; f++) {
		const char *v = bw_recipient_get(rc, (bw_recipient_field)f);

		if (f == BW_RCPT_PROVIDER_ID)
			continue;   /* beside the provider's name, as json.c writes it */
		bw_log__json_key(b, bw_recipient_field_name((bw_recipient_field)f), -1, &first);
		bw_log__json_str(b, *v ? v : NULL);
		if (f == BW_RCPT_PROVIDER) {
			v = bw_recipient_get(rc, BW_RCPT_PROVIDER_ID);
			bw_log__json_key(b, "provider_id", -1, &first);
			bw_log__json_str(b, *v ? v : NULL);
		}
		if (f == BW_RCPT_REASON) {
			bw_log__json_key(b, "permanent", -1, &first);
			bw_buf__puts(b, bw_recipient_permanent(rc) ? "true" : "false");
			bw_log__json_key(b, "hard_bounce", -1, &first);
			bw_buf__puts(b, bw_recipient_hard_bounce(rc) ? "true" : "false");
		}
		if (f == BW_RCPT_DECIDED_BY) {
			bw_log__json_key(b, "confidence", -1, &first);
			bw_buf__printf(b, "%d", bw_recipient_confidence(rc));
		}
	}
	bw_log__json_key(b, "remedies", -1, &first);
	str_list(b, bw_recipient_remedy_count(rc), bw_recipient_remedy, rc);
	bw_log__json_key(b, "references", -1, &first);
	str_list(b, bw_recipient_reference_count(rc), bw_recipient_reference, rc);
	if (flags & BW_JSON_EVIDENCE) {
		bw_log__json_key(b, "evidence", -1, &first);
		str_list(b, bw_recipient_evidence_count(rc), bw_recipient_evidence, rc);
	}
	bw_buf__putc(b, '}');
}
