/*
 * log_summary_json.c - bw_log_summary_to_json(): the summary as data, in
 * the order of the text (log_summary_text.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "jsonw.h"
#include "log_summary.h"
#include "reason.h"

static void json_time(bw_jsonw *w, long long t)
{
	char iso[32];

	if (t < 0) {
		bw_jsonw__null(w);
		return;
	}
	bw_log__iso(t, iso);
	bw_jsonw__string(w, iso);
}

static void json_list(bw_jsonw *w, const bw_strlist *l)
{
	size_t i;

	bw_jsonw__begin_array(w);
	for (i = 0; i < l->n; i++)
		bw_jsonw__string(w, l->v[i]);
	bw_jsonw__end_array(w);
}

static void json_group(bw_jsonw *w, const bw_log_summary *s, const bw_log_group *g)
{
	const bw_reason_info *info = bw_reason__find(g->reason);
	const bw_log_sent *end = bw_log__per_address(g) ? NULL : bw_log__ended_by(s, g);

#define KEY(k) bw_jsonw__key(w, k)
#define NULLABLE(v) bw_jsonw__string(w, (v) && *(v) ? (v) : NULL)
	bw_jsonw__begin_object(w);
	KEY("provider"); NULLABLE(g->by_domain ? NULL : g->provider);
	KEY("domain"); NULLABLE(g->by_domain ? g->provider : NULL);
	KEY("reason"); bw_jsonw__string(w, g->reason);
	KEY("provider_code"); NULLABLE(g->code);
	KEY("fault"); NULLABLE(g->fault);
	KEY("headline"); NULLABLE(info ? info->headline : NULL);
	KEY("explanation"); NULLABLE(g->explanation);
	KEY("rule"); NULLABLE(g->rule);
	KEY("confidence"); bw_jsonw__int(w, g->confidence);
	KEY("attempts"); bw_jsonw__uint(w, g->attempts);
	KEY("deferred"); bw_jsonw__uint(w, g->deferred);
	KEY("bounced"); bw_jsonw__uint(w, g->bounced);
	KEY("expired"); bw_jsonw__uint(w, g->expired);
	KEY("messages"); bw_jsonw__uint(w, g->messages.n);
	KEY("recipients"); bw_jsonw__uint(w, g->recipients.n);
	KEY("counts_are_lower_bounds"); bw_jsonw__bool(w, g->messages.full || g->recipients.full);
	KEY("hard_bounces"); bw_jsonw__uint(w, g->hard);
	KEY("domain_count"); bw_jsonw__uint(w, g->domains.n);
	KEY("domains"); json_list(w, &g->domain_names);
	KEY("first_seen"); json_time(w, g->first);
	KEY("last_seen"); json_time(w, g->last);
	KEY("ongoing");
	if (bw_log__per_address(g))
		bw_jsonw__null(w);
	else
		bw_jsonw__bool(w, !end);
	KEY("ended_by_delivery_at"); json_time(w, end ? end->time : -1);
	KEY("latest_reply"); NULLABLE(g->reply);
	KEY("latest_reply_at"); json_time(w, g->reply_time);
	KEY("latest_relay"); NULLABLE(g->relay);
	KEY("latest_relay_ip"); NULLABLE(g->ip);
	KEY("latest_recipient"); NULLABLE(g->rcpt);
	KEY("remedies"); json_list(w, &g->remedies);
	KEY("references"); json_list(w, &g->references);
	bw_jsonw__end_object(w);
#undef KEY
#undef NULLABLE
}

/* Pretty: two spaces a level, each group on its own lines, lists on one
 * line "[a, b]", a newline at the end; otherwise one line (lists still
 * "[a, b]"). */
int bw_log_summary_to_json(char **out, const bw_log_summary *s, unsigned int flags)
{
	bool pretty = flags & BW_JSON_PRETTY;
	bw_jsonw w;
	bw_log_group **v;
	size_t i;

	if (!out || !s)
		return bw_error__set(BW_EINVALID, "bw_log_summary_to_json: out and s are required");
	*out = NULL;
	if (!(v = bw_log__sorted(s)))
		return bw_error__set(BW_ENOMEM, "out of memory");
	bw_jsonw__init(&w, pretty ? BW_JSONW_SPACES : BW_JSONW_SPACES_FLAT, NULL, NULL);
	bw_jsonw__begin_object(&w);
	bw_jsonw__key(&w, "totals");
	bw_jsonw__begin_object(&w);
#define NUM(k, v) do { bw_jsonw__key(&w, k); bw_jsonw__uint(&w, (unsigned long long)(v)); } while (0)
	NUM("attempts", s->attempts);
	NUM("sent", s->sent);
	NUM("deferred", s->deferred);
	NUM("bounced", s->bounced);
	NUM("expired", s->expired);
	NUM("groups", s->n);
	NUM("failures_not_grouped", s->ungrouped);
	if (s->have_stats) {
		NUM("lines", s->lines);
		NUM("skipped_lines", s->skipped);
		NUM("cut_lines", s->cut);
		NUM("bytes", s->bytes);
	}
#undef NUM
	bw_jsonw__end_object(&w);
	bw_jsonw__key(&w, "groups");
	bw_jsonw__begin_array(&w);
	for (i = 0; i < s->n; i++)
		json_group(&w, s, v[i]);
	bw_jsonw__end_array(&w);
	bw_jsonw__end_object(&w);
	if (pretty)
		bw_jsonw__raw(&w, "\n");
	free(v);
	return bw_jsonw__finish(&w, out);
}
