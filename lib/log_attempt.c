/*
 * log_attempt.c - one delivery attempt read from a log: fields, copies, JSON.
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "jsonw.h"
#include "log.h"
#include "record.h"

static const char *const field_names[BW_LOG_FIELD_COUNT] = {
	[BW_LOG_TIME] = "time",
	[BW_LOG_HOST] = "host",
	[BW_LOG_PROGRAM] = "program",
	[BW_LOG_MTA] = "mta",
	[BW_LOG_QUEUE_ID] = "queue_id",
	[BW_LOG_RECIPIENT] = "recipient",
	[BW_LOG_ORIG_RECIPIENT] = "original_recipient",
	[BW_LOG_RELAY] = "relay",
	[BW_LOG_RELAY_IP] = "relay_ip",
	[BW_LOG_DELAY] = "delay",
	[BW_LOG_DSN] = "dsn",
	[BW_LOG_STATUS] = "status",
	[BW_LOG_REPLY] = "reply",
};

const char *bw_log_field_name(bw_log_field field)
{
	return (unsigned)field < BW_LOG_FIELD_COUNT ? field_names[field] : "";
}

void bw_log_attempt__reset(bw_log_attempt *a)
{
	bw_report_free(a->report);
	a->report = NULL;
	memset(a->off, 0, sizeof(a->off));
	a->arena.len = 0;
	bw_buf__putc(&a->arena, '\0');
	a->time = -1;
}

void bw_log_attempt__clear(bw_log_attempt *a)
{
	bw_report_free(a->report);
	bw_buf__free(&a->arena);
	memset(a, 0, sizeof(*a));
}

void bw_log_attempt__set(bw_log_attempt *a, bw_log_field f, const char *s, size_t len)
{
	while (len && bw_isspace((unsigned char)*s))
		s++, len--;
	while (len && bw_isspace((unsigned char)s[len - 1]))
		len--;
	if (!len) {
		a->off[f] = 0;
		return;
	}
	if (!a->arena.len)
		bw_buf__putc(&a->arena, '\0');
	if (a->arena.p && s >= a->arena.p && s < a->arena.p + a->arena.len) {
		/* a value taken from the arena itself: growing it would move the source */
		size_t from = (size_t)(s - a->arena.p), i;
		a->off[f] = a->arena.len;
		for (i = 0; i < len && !a->arena.oom; i++)
			bw_buf__putc(&a->arena, a->arena.p[from + i]);
	} else {
		a->off[f] = a->arena.len;
		bw_buf__put(&a->arena, s, len);
	}
	bw_buf__putc(&a->arena, '\0');
	if (a->arena.oom)
		a->off[f] = 0;
}

const char *bw_log_attempt_get(const bw_log_attempt *a, bw_log_field field)
{
	if (!a || (unsigned)field >= BW_LOG_FIELD_COUNT)
		return "";
	return bw_log_attempt__get(a, field);
}

long long bw_log_attempt_time(const bw_log_attempt *a)
{
	return a ? a->time : -1;
}

unsigned long long bw_log_attempt_line(const bw_log_attempt *a)
{
	return a ? a->line : 0;
}

int bw_log_attempt_failed(const bw_log_attempt *a)
{
	return a && strcmp(bw_log_attempt__get(a, BW_LOG_STATUS), BW_LOG_SENT) != 0;
}

const bw_report *bw_log_attempt_report(const bw_log_attempt *a)
{
	return a ? a->report : NULL;
}

/* A deep copy of a report with one recipient (what the reader makes). */
static bw_report *copy_report(const bw_report *src)
{
	bw_report *r = bw_report__new(1);
	const bw_recipient *s;
	bw_recipient *d;
	size_t i;
	int f;

	if (!r)
		return NULL;
	r->kind = src->kind;
	r->kind_set = true;
	for (f = 0; f < BW_REPORT_FIELD_COUNT; f++)
		bw_report__set(r, (bw_report_field)f, src->f[f]);
	if (src->n_rcpt == 0)
		return r;
	s = src->rcpt[0];
	if (!(d = bw_report__add_recipient(r))) {
		bw_report_free(r);
		return NULL;
	}
	for (f = 0; f < BW_RCPT_FIELD_COUNT; f++)
		bw_recipient__set(d, (bw_recipient_field)f, s->f[f]);
	d->permanent = s->permanent;
	d->hard_bounce = s->hard_bounce;
	d->confidence = s->confidence;
	for (i = 0; i < s->remedies.n; i++)
		bw_strlist__push(&d->remedies, s->remedies.v[i]);
	for (i = 0; i < s->references.n; i++)
		bw_strlist__push(&d->references, s->references.v[i]);
	for (i = 0; i < s->evidence.n; i++)
		bw_strlist__push(&d->evidence, s->evidence.v[i]);
	return r;
}

int bw_log_attempt_dup(bw_log_attempt **out, const bw_log_attempt *a)
{
	bw_log_attempt *c;

	if (!out || !a)
		return bw_error__set(BW_EINVALID, "bw_log_attempt_dup: out and a are required");
	*out = NULL;
	if (!(c = calloc(1, sizeof(*c))))
		return bw_error__set(BW_ENOMEM, "out of memory");
	*c = *a;
	memset(&c->arena, 0, sizeof(c->arena));
	c->report = NULL;
	bw_buf__put(&c->arena, a->arena.p, a->arena.len);
	if (c->arena.oom || (a->report && !(c->report = copy_report(a->report)))) {
		bw_log_attempt__clear(c);
		free(c);
		return bw_error__set(BW_ENOMEM, "out of memory");
	}
	*out = c;
	return BW_OK;
}

void bw_log_attempt_free(bw_log_attempt *a)
{
	if (!a)
		return;
	bw_log_attempt__clear(a);
	free(a);
}

int bw_log_attempt_to_json(char **out, const bw_log_attempt *a, const char *source,
                           unsigned int flags)
{
	bw_jsonw w;
	int f;

	if (!out || !a)
		return bw_error__set(BW_EINVALID, "bw_log_attempt_to_json: out and a are required");
	bw_jsonw__init(&w, BW_JSONW_COMPACT, NULL, NULL);
	bw_jsonw__begin_object(&w);
	if (source) {
		bw_jsonw__key(&w, "source");
		bw_jsonw__string(&w, source);
	}
	bw_jsonw__key(&w, "line");
	bw_jsonw__uint(&w, a->line);
	bw_jsonw__key(&w, "timestamp");
	if (a->time >= 0)
		bw_jsonw__int(&w, a->time);
	else
		bw_jsonw__null(&w);
	for (f = 0; f < BW_LOG_FIELD_COUNT; f++) {
		const char *v = bw_log_attempt__get(a, (bw_log_field)f);
		bw_jsonw__key(&w, field_names[f]);
		bw_jsonw__string(&w, *v ? v : NULL);
	}
	bw_jsonw__key(&w, "diagnosis");
	if (a->report && bw_report_recipient_count(a->report))
		bw_log__json_recipient(&w, bw_report_recipient(a->report, 0), flags);
	else
		bw_jsonw__null(&w);
	bw_jsonw__end_object(&w);
	return bw_jsonw__finish(&w, out);
}
