/*
 * log_summary_text.c - bw_log_summary_to_text(): the summary for a person,
 * word-wrapped at 78 columns, times in local time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error.h"
#include "log_summary.h"
#include "reason.h"

#define WRAP 78

static void local_stamp(long long t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t < 0) {
		snprintf(buf, size, "(time unknown)");
		return;
	}
	localtime_r(&tt, &tm);
	strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
}

/* Appends `text` word-wrapped at WRAP columns, every line indented by `indent`. */
static void wrap(bw_buf *b, const char *text, int indent, int first_indent)
{
	const char *p = text;
	int col = first_indent;

	bw_buf__printf(b, "%*s", first_indent, "");
	while (*p) {
		size_t n = 0;
		while (p[n] && p[n] != ' ')
			n++;
		if (col > indent && col + 1 + (int)n > WRAP) {
			bw_buf__printf(b, "\n%*s", indent, "");
			col = indent;
		} else if (col > first_indent || (col > indent && col == first_indent && p != text)) {
			bw_buf__putc(b, ' ');
			col++;
		}
		bw_buf__put(b, p, n);
		col += (int)n;
		p += n;
		while (*p == ' ')
			p++;
	}
	bw_buf__putc(b, '\n');
}

static const char *fault_sentence(const bw_log_group *g)
{
	const char *f = g->fault ? g->fault : "";

	if (strcmp(f, "sender") == 0)
		return "The cause is on the sending side (your server, its IP address or domain, or what it "
		       "sends): the recipients are not at fault, keep their addresses. It affects every "
		       "recipient at this provider.";
	if (strcmp(f, "recipient") == 0)
		return g->hard ? "The cause is the recipient's address: remove the addresses that bounced "
		                 "permanently from your lists."
		               : "The cause is on the recipient's side (mailbox or account): keep the addresses for now.";
	if (strcmp(f, "receiver") == 0)
		return "The cause is on the receiving server's side: nothing to change on yours; it should pass.";
	if (strcmp(f, "transit") == 0)
		return "The cause is in transit (network, DNS, TLS or a message that waited too long).";
	return "The cause is not known.";
}

static void count_line(bw_buf *b, const char *what, unsigned long n, bool lower_bound)
{
	bw_buf__printf(b, "%lu%s %s%s", n, lower_bound ? "+" : "", what, n == 1 ? "" : "s");
}

static void text_group(bw_buf *b, const bw_log_summary *s, const bw_log_group *g, size_t no)
{
	const bw_reason_info *info = bw_reason__find(g->reason);
	const bw_log_sent *end = bw_log__ended_by(s, g);
	char t1[64], t2[64], line[1024];
	size_t i;

	snprintf(line, sizeof(line), "%zu. %s%s: %s%s%s%s", no, g->by_domain ? "mail for " : "",
	         *g->provider ? g->provider : "(no recipient domain)",
	         info ? info->headline : g->reason, *g->code ? " (" : "", g->code, *g->code ? ")" : "");
	wrap(b, line, 3, 0);
	local_stamp(g->first, t1, sizeof(t1));
	local_stamp(g->last, t2, sizeof(t2));
	if (bw_log__per_address(g)) {
		bw_buf__printf(b, "   Seen from %s to %s.\n", t1, t2);
	} else if (end) {
		char t3[64];
		local_stamp(end->time, t3, sizeof(t3));
		bw_buf__printf(b, "   Ended: from %s to %s; a later delivery to the same provider succeeded (%s).\n",
		               t1, t2, t3);
	} else {
		bw_buf__printf(b, "   Still happening: since %s, last seen %s.\n", t1, t2);
	}
	bw_buf__puts(b, "   ");
	count_line(b, "message", bw_log__messages(g), g->messages.full);
	bw_buf__puts(b, ", ");
	count_line(b, "recipient", (unsigned long)g->recipients.n, g->recipients.full);
	bw_buf__puts(b, ", ");
	count_line(b, "attempt", g->attempts, false);
	bw_buf__printf(b, " (%lu deferred, %lu bounced", g->deferred, g->bounced);
	if (g->expired)
		bw_buf__printf(b, ", %lu expired", g->expired);
	bw_buf__puts(b, ")");
	if (g->domain_names.n) {
		bw_buf__puts(b, "\n   Domains: ");
		for (i = 0; i < g->domain_names.n; i++)
			bw_buf__printf(b, "%s%s", i ? ", " : "", g->domain_names.v[i]);
		if (g->domains.n > g->domain_names.n)
			bw_buf__printf(b, " and %zu more", g->domains.n - g->domain_names.n);
	}
	bw_buf__putc(b, '\n');
	snprintf(line, sizeof(line), "Reason %s. %s", g->reason, fault_sentence(g));
	wrap(b, line, 3, 3);
	if (g->explanation && *g->explanation)
		wrap(b, g->explanation, 3, 3);
	if (g->remedies.n) {
		bw_buf__puts(b, "   What to do:\n");
		for (i = 0; i < g->remedies.n; i++) {
			snprintf(line, sizeof(line), "%zu. %s", i + 1, g->remedies.v[i]);
			wrap(b, line, 8, 5);
		}
	}
	if (g->reply && *g->reply) {
		local_stamp(g->reply_time, t1, sizeof(t1));
		bw_buf__printf(b, "   Latest reply (%s", t1);
		if (g->relay && *g->relay)
			bw_buf__printf(b, ", %s", g->relay);
		if (g->ip && *g->ip)
			bw_buf__printf(b, " %s", g->ip);
		if (g->rcpt && *g->rcpt)
			bw_buf__printf(b, ", for %s", g->rcpt);
		bw_buf__puts(b, "):\n");
		wrap(b, g->reply, 5, 5);
	}
	for (i = 0; i < g->references.n; i++)
		bw_buf__printf(b, "   See: %s\n", g->references.v[i]);
	bw_buf__putc(b, '\n');
}

int bw_log_summary_to_text(char **out, const bw_log_summary *s, unsigned int flags)
{
	bw_buf b = BW_BUF_INIT;
	bw_log_group **v;
	size_t i, senders = 0, ongoing = 0;

	(void)flags;
	if (!out || !s)
		return bw_error__set(BW_EINVALID, "bw_log_summary_to_text: out and s are required");
	*out = NULL;
	if (!(v = bw_log__sorted(s)))
		return bw_error__set(BW_ENOMEM, "out of memory");
	for (i = 0; i < s->n; i++) {
		senders += v[i]->fault && strcmp(v[i]->fault, "sender") == 0;
		ongoing += !bw_log__per_address(v[i]) && bw_log__ended_by(s, v[i]) == NULL;
	}
	if (s->n == 0)
		bw_buf__puts(&b, "No delivery problems found.\n");
	else
		bw_buf__printf(&b, "%zu delivery problem%s (%zu still happening), %zu on the sending side.\n",
		               s->n, s->n == 1 ? "" : "s", ongoing, senders);
	bw_buf__printf(&b, "%llu delivery attempts: %llu sent, %llu deferred, %llu bounced, %llu expired",
	               s->attempts, s->sent, s->deferred, s->bounced, s->expired);
	if (s->have_stats)
		bw_buf__printf(&b, "; %llu lines read, %llu other lines skipped", s->lines, s->skipped);
	if (s->cut)
		bw_buf__printf(&b, ", %llu too long (cut)", s->cut);
	bw_buf__puts(&b, ".\n");
	if (s->ungrouped)
		bw_buf__printf(&b, "(%llu failures not grouped: too many groups)\n", s->ungrouped);
	bw_buf__putc(&b, '\n');
	for (i = 0; i < s->n; i++)
		text_group(&b, s, v[i], i + 1);
	free(v);
	if (b.oom) {
		bw_buf__free(&b);
		return bw_error__set(BW_ENOMEM, "out of memory");
	}
	*out = bw_buf__detach(&b);
	return *out ? BW_OK : bw_error__set(BW_ENOMEM, "out of memory");
}

