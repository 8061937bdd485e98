/*
 * log_summary_json.c - bw_log_summary_to_json(): the summary as data, in
 * the order of the text (log_summary_text.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "log_summary.h"
#include "reason.h"

static void json_time(bw_buf *b, long long t)
{
	char iso[32];

	if (t < 0) {
		bw_buf__puts(b, "null");
		return;
	}
	bw_log__iso(t, iso);
	bw_log__json_str(b, iso);
}

static void json_list(bw_buf *b, const bw_strlist *l)
{
	size_t i;

	bw_buf__putc(b, '[');
	for (i = 0; i < l->n; i++) {
		if (i)
			bw_buf__puts(b, ", ");
		bw_log__json_str(b, l->v[i]);
	}
	bw_buf__putc(b, ']');
}

static void json_group(bw_buf *b, const bw_log_summary *s, const bw_log_group *g, int ind)
{
	const bw_reason_info *info = bw_reason__find(g->reason);
	const bw_log_sent *end = bw_log__per_address(g) ? NULL : bw_log__ended_by(s, g);
	bool first = true;

#define KEY(k) bw_log__json_key(b, k, ind, &first)
#define NULLABLE(v) bw_log__json_str(b, (v) && *(v) ? (v) : NULL)
	bw_buf__putc(b, '{');
	KEY("provider"); NULLABLE(g->by_domain ? NULL : g->provider);
	KEY("domain"); NULLABLE(g->by_domain ? g->provider : NULL);
	KEY("reason"); bw_log__json_str(b, g->reason);
	KEY("provider_code"); NULLABLE(g->code);
	KEY("fault"); NULLABLE(g->fault);
	KEY("headline"); NULLABLE(info ? info->headline : NULL);
	KEY("explanation"); NULLABLE(g->explanation);
	KEY("rule"); NULLABLE(g->rule);
	KEY("confidence"); bw_buf__printf(b, "%d", g->confidence);
	KEY("attempts"); bw_buf__printf(b, "%lu", g->attempts);
	KEY("deferred"); bw_buf__printf(b, "%lu", g->deferred);
	KEY("bounced"); bw_buf__printf(b, "%lu", g->bounced);
	KEY("expired"); bw_buf__printf(b, "%lu", g->expired);
	KEY("messages"); bw_buf__printf(b, "%zu", g->messages.n);
	KEY("recipients"); bw_buf__printf(b, "%zu", g->recipients.n);
	KEY("counts_are_lower_bounds");
	bw_buf__puts(b, g->messages.full || g->recipients.full ? "true" : "false");
	KEY("hard_bounces"); bw_buf__printf(b, "%lu", g->hard);
	KEY("domain_count"); bw_buf__printf(b, "%zu", g->domains.n);
	KEY("domains"); json_list(b, &g->domain_names);
	KEY("first_seen"); json_time(b, g->first);
	KEY("last_seen"); json_time(b, g->last);
	KEY("ongoing"); bw_buf__puts(b, bw_log__per_address(g) ? "null" : end ? "false" : "true");
	KEY("ended_by_delivery_at"); json_time(b, end ? end->time : -1);
	KEY("latest_reply"); NULLABLE(g->reply);
	KEY("latest_reply_at"); json_time(b, g->reply_time);
	KEY("latest_relay"); NULLABLE(g->relay);
	KEY("latest_relay_ip"); NULLABLE(g->ip);
	KEY("latest_recipient"); NULLABLE(g->rcpt);
	KEY("remedies"); json_list(b, &g->remedies);
	KEY("references"); json_list(b, &g->references);
	if (ind >= 0)
		bw_buf__printf(b, "\n%*s", ind - 2, "");
	bw_buf__putc(b, '}');
#undef KEY
#undef NULLABLE
}

int bw_log_summary_to_json(char **out, const bw_log_summary *s, unsigned int flags)
{
	bw_buf b = BW_BUF_INIT;
	bool pretty = flags & BW_JSON_PRETTY, first = true;
	int i1 = pretty ? 2 : -1, i2 = pretty ? 4 : -1, i3 = pretty ? 6 : -1;
	bw_log_group **v;
	size_t i;

	if (!out || !s)
		return bw_error__set(BW_EINVALID, "bw_log_summary_to_json: out and s are required");
	*out = NULL;
	if (!(v = bw_log__sorted(s)))
		return bw_error__set(BW_ENOMEM, "out of memory");
	bw_buf__putc(&b, '{');
	bw_log__json_key(&b, "totals", i1, &first);
	{
		bool f2 = true;
		bw_buf__putc(&b, '{');
#define NUM(k, v) do { bw_log__json_key(&b, k, i2, &f2); bw_buf__printf(&b, "%llu", (unsigned long long)(v)); } while (0)
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
		if (pretty)
			bw_buf__puts(&b, "\n  ");
		bw_buf__putc(&b, '}');
	}
	bw_log__json_key(&b, "groups", i1, &first);
	bw_buf__putc(&b, '[');
	for (i = 0; i < s->n; i++) {
		if (i)
			bw_buf__putc(&b, ',');
		if (pretty)
			bw_buf__puts(&b, "\n    ");
		json_group(&b, s, v[i], i3);
	}
	if (pretty && s->n)
		bw_buf__puts(&b, "\n  ");
	bw_buf__putc(&b, ']');
	bw_buf__puts(&b, pretty ? "\n}\n" : "}");
	free(v);
	if (b.oom) {
		bw_buf__free(&b);
		return bw_error__set(BW_ENOMEM, "out of memory");
	}
	*out = bw_buf__detach(&b);
	return *out ? BW_OK : bw_error__set(BW_ENOMEM, "out of memory");
}
