/*
 * arf.c - RFC 5965 feedback reports (abuse complaints, feedback loops).
 */
#include <stdlib.h>
#include <string.h>

#include "../addr.h"
#include "../util.h"
#include "decoder.h"

static int sniff(const bw_msg *m)
{
	if (m->feedback)
		return 90;
	return 0;
}

static bool add(bw_report *r, const char *address, const char *type)
{
	char *a = bw_addr__normalize(address, strlen(address));
	bw_recipient *rc;

	if (!a)
		return false;
	if ((rc = bw_report__add_recipient(r))) {
		bw_recipient__set(rc, BW_RCPT_RECIPIENT, a);
		bw_recipient__set(rc, BW_RCPT_REASON, "feedback");
		bw_recipient__set(rc, BW_RCPT_FEEDBACK_TYPE, type);
		bw_recipient__set(rc, BW_RCPT_ACTION, NULL);
		bw_recipient__evidence(rc, "feedback report, Feedback-Type %s", type ? type : "(none)");
		rc->permanent = 0;
		rc->hard_bounce = 0;
	}
	free(a);
	return rc != NULL;
}

static int decode(const bw_msg *m, bw_report *r)
{
	bw_kvlist f = { 0 };
	const char *type, *to;
	size_t i;
	int n = 0;
	char lower[32];

	bw_headers__parse(m->feedback, strlen(m->feedback), &f);
	type = bw_kvlist__get(&f, "Feedback-Type");
	if (type) {
		for (i = 0; type[i] && i < sizeof(lower) - 1 && !bw_isspace((unsigned char)type[i]); i++)
			lower[i] = (char)bw_lower((unsigned char)type[i]);
		lower[i] = '\0';
		type = lower;
	}
	bw_report__set(r, BW_REPORT_FEEDBACK_TYPE, type);
	bw_report__set(r, BW_REPORT_USER_AGENT, bw_kvlist__get(&f, "User-Agent"));
	bw_report__set(r, BW_REPORT_SOURCE_IP, bw_kvlist__get(&f, "Source-IP"));
	if (bw_kvlist__get(&f, "Reporting-MTA"))
		bw_report__set(r, BW_REPORT_REPORTING_MTA, bw_kvlist__get(&f, "Reporting-MTA"));
	if (bw_kvlist__get(&f, "Arrival-Date"))
		bw_report__set(r, BW_REPORT_ARRIVAL_DATE, bw_kvlist__get(&f, "Arrival-Date"));
	for (i = 0; i < f.n; i++) {
		if (bw_strcasecmp(f.name[i], "Original-Rcpt-To") == 0 ||
		    bw_strcasecmp(f.name[i], "Removal-Recipient") == 0)
			n += add(r, f.value[i], type);
		else if (bw_strcasecmp(f.name[i], "Feedback-Type") && bw_strcasecmp(f.name[i], "User-Agent") &&
		         bw_strcasecmp(f.name[i], "Version"))
			bw_kvlist__push(&r->extras, f.name[i], f.value[i]);
	}
	/* No Original-Rcpt-To: the complaining address is the original's To. */
	if (n == 0 && (to = bw_kvlist__get(&m->orig_headers, "To")))
		n += add(r, to, type);
	if (n == 0)
		n += add(r, "", type) ? 1 : 0;
	bw_kvlist__clear(&f);
	if (n > 0) {
		r->kind = BW_KIND_FEEDBACK;
		r->kind_set = true;
	}
	return n;
}

const bw_decoder bw_decoder_arf = { "arf", sniff, decode };
