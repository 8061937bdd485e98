/*
 * report.c - the public accessors of bw_report and bw_recipient.
 */
#include <stdlib.h>

#include "bouncewhy.h"
#include "record.h"

static const char *const report_field_names[BW_REPORT_FIELD_COUNT] = {
	[BW_REPORT_FORMAT] = "format",
	[BW_REPORT_REPORTING_MTA] = "reporting_mta",
	[BW_REPORT_ARRIVAL_DATE] = "arrival_date",
	[BW_REPORT_RECEIVED_FROM_MTA] = "received_from_mta",
	[BW_REPORT_SUBJECT] = "subject",
	[BW_REPORT_FROM] = "from",
	[BW_REPORT_DATE] = "date",
	[BW_REPORT_ORIG_MESSAGE_ID] = "original_message_id",
	[BW_REPORT_ORIG_FROM] = "original_from",
	[BW_REPORT_ORIG_TO] = "original_to",
	[BW_REPORT_ORIG_SUBJECT] = "original_subject",
	[BW_REPORT_ORIG_DATE] = "original_date",
	[BW_REPORT_ORIG_LIST_ID] = "original_list_id",
	[BW_REPORT_FEEDBACK_TYPE] = "feedback_type",
	[BW_REPORT_USER_AGENT] = "user_agent",
	[BW_REPORT_SOURCE_IP] = "source_ip",
	[BW_REPORT_SUBSCRIBER] = "subscriber",
};

static const char *const recipient_field_names[BW_RCPT_FIELD_COUNT] = {
	[BW_RCPT_RECIPIENT] = "recipient",
	[BW_RCPT_ORIGINAL_RECIPIENT] = "original_recipient",
	[BW_RCPT_ACTION] = "action",
	[BW_RCPT_STATUS] = "status",
	[BW_RCPT_REPLY_CODE] = "reply_code",
	[BW_RCPT_SMTP_COMMAND] = "smtp_command",
	[BW_RCPT_REMOTE_MTA] = "remote_mta",
	[BW_RCPT_REMOTE_IP] = "remote_ip",
	[BW_RCPT_DIAGNOSTIC_TYPE] = "diagnostic_type",
	[BW_RCPT_DIAGNOSTIC] = "diagnostic",
	[BW_RCPT_LAST_ATTEMPT_DATE] = "last_attempt_date",
	[BW_RCPT_WILL_RETRY_UNTIL] = "will_retry_until",
	[BW_RCPT_REASON] = "reason",
	[BW_RCPT_FAULT] = "fault",
	[BW_RCPT_FORMAT] = "format",
	[BW_RCPT_RULE] = "rule",
	[BW_RCPT_PROVIDER] = "provider",
	[BW_RCPT_PROVIDER_CODE] = "provider_code",
	[BW_RCPT_SERVER_TAG] = "server_tag",
	[BW_RCPT_EXPLANATION] = "explanation",
	[BW_RCPT_FEEDBACK_TYPE] = "feedback_type",
	[BW_RCPT_DECIDED_BY] = "decided_by",
	[BW_RCPT_PROVIDER_ID] = "provider_id",
};

static const char *const kind_names[] = {
	[BW_KIND_BOUNCE] = "bounce",
	[BW_KIND_DELAY] = "delay",
	[BW_KIND_DELIVERED] = "delivered",
	[BW_KIND_FEEDBACK] = "feedback",
	[BW_KIND_AUTOREPLY] = "autoreply",
	[BW_KIND_NOT_A_BOUNCE] = "not-a-bounce",
	[BW_KIND_REPLY] = "reply",
};

const char *bw_version(void)
{
	return BW_VERSION_STRING;
}

void bw_free(void *ptr)
{
	free(ptr);
}

const char *bw_kind_name(bw_kind kind)
{
	if ((unsigned)kind < sizeof(kind_names) / sizeof(kind_names[0]))
		return kind_names[kind];
	return "";
}

bw_kind bw_report_kind(const bw_report *r)
{
	return r ? r->kind : BW_KIND_NOT_A_BOUNCE;
}

const char *bw_report_field_name(bw_report_field f)
{
	return (unsigned)f < BW_REPORT_FIELD_COUNT ? report_field_names[f] : "";
}

const char *bw_recipient_field_name(bw_recipient_field f)
{
	return (unsigned)f < BW_RCPT_FIELD_COUNT ? recipient_field_names[f] : "";
}

const char *bw_report_get(const bw_report *r, bw_report_field f)
{
	if (!r || (unsigned)f >= BW_REPORT_FIELD_COUNT || !r->f[f])
		return "";
	return r->f[f];
}

static int kv_at(const bw_kvlist *l, size_t i, const char **name, const char **value)
{
	if (i >= l->n)
		return BW_ENOTFOUND;
	if (name)
		*name = l->name[i];
	if (value)
		*value = l->value[i];
	return BW_OK;
}

size_t bw_report_original_header_count(const bw_report *r)
{
	return r ? r->original_headers.n : 0;
}

int bw_report_original_header(const bw_report *r, size_t i, const char **name, const char **value)
{
	return r ? kv_at(&r->original_headers, i, name, value) : BW_EINVALID;
}

const char *bw_report_message_header(const bw_report *r, const char *name)
{
	const char *v = r && name ? bw_kvlist__get(&r->envelope, name) : NULL;

	return v ? v : "";
}

size_t bw_report_extra_count(const bw_report *r)
{
	return r ? r->extras.n : 0;
}

int bw_report_extra(const bw_report *r, size_t i, const char **name, const char **value)
{
	return r ? kv_at(&r->extras, i, name, value) : BW_EINVALID;
}

size_t bw_report_warning_count(const bw_report *r)
{
	return r ? r->warnings.n : 0;
}

static const char *list_at(const bw_strlist *l, size_t i)
{
	return i < l->n ? l->v[i] : "";
}

const char *bw_report_warning(const bw_report *r, size_t i)
{
	return r ? list_at(&r->warnings, i) : "";
}

size_t bw_report_recipient_count(const bw_report *r)
{
	return r ? r->n_rcpt : 0;
}

const bw_recipient *bw_report_recipient(const bw_report *r, size_t i)
{
	return r && i < r->n_rcpt ? r->rcpt[i] : NULL;
}

const char *bw_recipient_get(const bw_recipient *rc, bw_recipient_field f)
{
	if (!rc || (unsigned)f >= BW_RCPT_FIELD_COUNT || !rc->f[f])
		return "";
	return rc->f[f];
}

int bw_recipient_permanent(const bw_recipient *rc)
{
	return rc && rc->permanent > 0;
}

int bw_recipient_confidence(const bw_recipient *rc)
{
	return rc && rc->confidence > 0 ? rc->confidence : 0;
}

int bw_recipient_hard_bounce(const bw_recipient *rc)
{
	return rc && rc->hard_bounce > 0;
}

size_t bw_recipient_remedy_count(const bw_recipient *rc)
{
	return rc ? rc->remedies.n : 0;
}

const char *bw_recipient_remedy(const bw_recipient *rc, size_t i)
{
	return rc ? list_at(&rc->remedies, i) : "";
}

size_t bw_recipient_reference_count(const bw_recipient *rc)
{
	return rc ? rc->references.n : 0;
}

const char *bw_recipient_reference(const bw_recipient *rc, size_t i)
{
	return rc ? list_at(&rc->references, i) : "";
}

size_t bw_recipient_evidence_count(const bw_recipient *rc)
{
	return rc ? rc->evidence.n : 0;
}

const char *bw_recipient_evidence(const bw_recipient *rc, size_t i)
{
	return rc ? list_at(&rc->evidence, i) : "";
}

size_t bw_recipient_extra_count(const bw_recipient *rc)
{
	return rc ? rc->extras.n : 0;
}

int bw_recipient_extra(const bw_recipient *rc, size_t i, const char **name, const char **value)
{
	return rc ? kv_at(&rc->extras, i, name, value) : BW_EINVALID;
}

void bw_report_free(bw_report *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < BW_REPORT_FIELD_COUNT; i++)
		free(r->f[i]);
	for (i = 0; i < r->n_rcpt; i++)
		bw_recipient__free(r->rcpt[i]);
	free(r->rcpt);
	bw_kvlist__clear(&r->original_headers);
	bw_kvlist__clear(&r->envelope);
	bw_kvlist__clear(&r->extras);
	bw_strlist__clear(&r->warnings);
	free(r);
}
