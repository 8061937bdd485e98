/*
 * log_summary.c - failed delivery attempts grouped for a person: by
 * provider (or recipient domain), reason and provider code, with counts,
 * times, whether it still goes on, the latest reply and the remedies.
 * Rendered as text (bw_log_summary_to_text) and JSON (_to_json), in the
 * same order: sender-side problems first.
 *
 * Memory is bounded: MAX_GROUPS groups, MAX_DISTINCT hashes per set of
 * messages/recipients/domains, MAX_SENT providers remembered for "a later
 * delivery succeeded".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error.h"
#include "log.h"
#include "reason.h"
#include "record.h"
#include "rules.h"

#define MAX_GROUPS 200
#define MAX_DISTINCT 4096
#define MAX_DOMAIN_NAMES 8
#define MAX_SENT 65536
#define PROVIDER_CACHE 4096
#define WRAP 78

/* A set of 64-bit hashes (open addressing; 0 is the empty slot). */
typedef struct hset {
	uint64_t *v;
	size_t n, cap;
	bool full;              /* MAX_DISTINCT reached: counts are lower bounds */
} hset;

typedef struct group {
	char *provider;         /* provider name, or the recipient domain */
	bool by_domain;
	uint64_t pkey;
	char *reason, *code, *fault, *explanation, *rule;
	int confidence;                     /* of the group's first verdict */
	unsigned long attempts, deferred, bounced, expired, hard;
	hset messages, recipients, domains;
	bw_strlist domain_names;
	long long first, last;              /* -1 unknown */
	unsigned long long first_seq, last_seq;
	char *reply, *relay, *ip, *rcpt;    /* of the latest attempt */
	long long reply_time;
	bw_strlist remedies, references;
} group;

typedef struct sent_entry {
	uint64_t key;
	long long time;
	unsigned long long seq;
} sent_entry;

struct bw_log_summary {
	const bw_rules *rules;
	group **g;
	size_t n, cap;
	unsigned long long seq;
	unsigned long long attempts, sent, deferred, bounced, expired, ungrouped;
	unsigned long long lines, skipped, cut, bytes;
	bool have_stats;
	sent_entry *sent_tab;
	size_t sent_n, sent_cap;
	struct { uint64_t key; const char *name; } pcache[PROVIDER_CACHE];
};

static uint64_t hash_str(uint64_t h, const char *s, bool fold)
{
	for (; *s; s++) {
		h ^= (unsigned char)(fold ? bw_lower((unsigned char)*s) : *s);
		h *= 1099511628211ULL;
	}
	h ^= 0xff;
	h *= 1099511628211ULL;
	return h ? h : 1;
}
#define HASH0 1469598103934665603ULL

static void hset_add(hset *s, uint64_t h)
{
	size_t i;

	if (s->n * 2 >= s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 16, j;
		uint64_t *nv;

		if (s->n >= MAX_DISTINCT || !(nv = calloc(ncap, sizeof(*nv)))) {
			for (i = h & (s->cap - 1); s->cap && s->v[i]; i = (i + 1) & (s->cap - 1))
				if (s->v[i] == h)
					return;
			s->full = true;
			return;
		}
		for (j = 0; j < s->cap; j++)
			if (s->v[j]) {
				for (i = s->v[j] & (ncap - 1); nv[i]; i = (i + 1) & (ncap - 1))
					;
				nv[i] = s->v[j];
			}
		free(s->v);
		s->v = nv;
		s->cap = ncap;
	}
	for (i = h & (s->cap - 1); s->v[i]; i = (i + 1) & (s->cap - 1))
		if (s->v[i] == h)
			return;
	s->v[i] = h;
	s->n++;
}

static void group_free(group *g)
{
	if (!g)
		return;
	free(g->provider);
	free(g->reason);
	free(g->code);
	free(g->fault);
	free(g->explanation);
	free(g->rule);
	free(g->messages.v);
	free(g->recipients.v);
	free(g->domains.v);
	bw_strlist__clear(&g->domain_names);
	free(g->reply);
	free(g->relay);
	free(g->ip);
	free(g->rcpt);
	bw_strlist__clear(&g->remedies);
	bw_strlist__clear(&g->references);
	free(g);
}

int bw_log_summary_new(bw_log_summary **out, const bw_rules *rules)
{
	if (!out)
		return bw_error__set(BW_EINVALID, "bw_log_summary_new: out is NULL");
	if (!(*out = calloc(1, sizeof(**out))))
		return bw_error__set(BW_ENOMEM, "out of memory");
	(*out)->rules = rules;
	return BW_OK;
}

void bw_log_summary_free(bw_log_summary *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++)
		group_free(s->g[i]);
	free(s->g);
	free(s->sent_tab);
	free(s);
}

void bw_log_summary_add_stats(bw_log_summary *s, const bw_log *log)
{
	if (!s || !log)
		return;
	s->have_stats = true;
	s->lines += bw_log_stat_get(log, BW_LOG_STAT_LINES);
	s->skipped += bw_log_stat_get(log, BW_LOG_STAT_SKIPPED);
	s->cut += bw_log_stat_get(log, BW_LOG_STAT_CUT_LINES);
	s->bytes += bw_log_stat_get(log, BW_LOG_STAT_BYTES);
}

static const char *domain_of(const char *addr)
{
	const char *at = strrchr(addr, '@');

	return at ? at + 1 : "";
}

/* The provider a successful attempt went to (cached: mail goes to few relays). */
static const char *sent_provider(bw_log_summary *s, const char *relay, const char *rcpt)
{
	uint64_t key = hash_str(hash_str(HASH0, relay, true), domain_of(rcpt), true);
	size_t slot = key & (PROVIDER_CACHE - 1);
	bw_match_input in;
	bw_match_result res;

	if (s->pcache[slot].key == key)
		return s->pcache[slot].name;
	memset(&in, 0, sizeof(in));
	memset(&res, 0, sizeof(res));
	in.remote_mta = strchr(relay, '.') ? relay : NULL;
	in.recipient = rcpt;
	in.status = "2.0.0";
	in.reply_code = "250";
	in.action = "delivered";
	res.permanent = res.hard_bounce = -1;
	if (!s->rules || bw_rules__match(s->rules, &in, &res) < 0)
		res.provider = NULL;
	s->pcache[slot].key = key;
	s->pcache[slot].name = res.provider;
	return res.provider;
}

static uint64_t provider_key(const char *provider, const char *rcpt)
{
	return provider && *provider ? hash_str(HASH0 ^ 1, provider, false)
	                             : hash_str(HASH0 ^ 2, domain_of(rcpt), true);
}

static sent_entry *sent_find(bw_log_summary *s, uint64_t key, bool add)
{
	size_t i;

	if (add && (s->sent_n + 1) * 2 > s->sent_cap && s->sent_n < MAX_SENT) {
		size_t ncap = s->sent_cap ? s->sent_cap * 2 : 64, j;
		sent_entry *nt = calloc(ncap, sizeof(*nt));
		if (nt) {
			for (j = 0; j < s->sent_cap; j++)
				if (s->sent_tab[j].key) {
					for (i = s->sent_tab[j].key & (ncap - 1); nt[i].key; i = (i + 1) & (ncap - 1))
						;
					nt[i] = s->sent_tab[j];
				}
			free(s->sent_tab);
			s->sent_tab = nt;
			s->sent_cap = ncap;
		}
	}
	if (!s->sent_cap)
		return NULL;
	for (i = key & (s->sent_cap - 1); s->sent_tab[i].key; i = (i + 1) & (s->sent_cap - 1))
		if (s->sent_tab[i].key == key)
			return &s->sent_tab[i];
	if (!add || (s->sent_n + 1) * 2 > s->sent_cap)
		return NULL;
	s->sent_tab[i].key = key;
	s->sent_tab[i].time = -1;
	s->sent_n++;
	return &s->sent_tab[i];
}

static void set_str(char **dst, const char *v)
{
	char *c = bw_strdup(v ? v : "");

	if (c) {
		free(*dst);
		*dst = c;
	}
}

static group *find_group(bw_log_summary *s, const char *provider, bool by_domain,
                         const char *reason, const char *code)
{
	group *g;
	size_t i;

	for (i = 0; i < s->n; i++) {
		g = s->g[i];
		if (g->by_domain == by_domain && bw_strcasecmp(g->provider, provider) == 0 &&
		    strcmp(g->reason, reason) == 0 && strcmp(g->code, code) == 0)
			return g;
	}
	if (s->n >= MAX_GROUPS)
		return NULL;
	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 8;
		group **ng = realloc(s->g, ncap * sizeof(*ng));
		if (!ng)
			return NULL;
		s->g = ng;
		s->cap = ncap;
	}
	if (!(g = calloc(1, sizeof(*g))))
		return NULL;
	set_str(&g->provider, provider);
	set_str(&g->reason, reason);
	set_str(&g->code, code);
	if (!g->provider || !g->reason || !g->code) {
		group_free(g);
		return NULL;
	}
	g->by_domain = by_domain;
	g->first = g->last = g->reply_time = -1;
	s->g[s->n++] = g;
	return g;
}

int bw_log_summary_add(bw_log_summary *s, const bw_log_attempt *a)
{
	const char *status, *rcpt, *provider, *reason, *code;
	const bw_recipient *rc;
	long long t;
	group *g;
	size_t i;

	if (!s || !a)
		return bw_error__set(BW_EINVALID, "bw_log_summary_add: s and a are required");
	status = bw_log_attempt__get(a, BW_LOG_STATUS);
	rcpt = bw_log_attempt__get(a, BW_LOG_RECIPIENT);
	t = a->time;
	s->seq++;
	s->attempts++;
	if (strcmp(status, BW_LOG_SENT) == 0) {
		sent_entry *e;
		s->sent++;
		provider = sent_provider(s, bw_log_attempt__get(a, BW_LOG_RELAY), rcpt);
		if ((e = sent_find(s, provider_key(provider, rcpt), true))) {
			if (t > e->time)
				e->time = t;
			e->seq = s->seq;
		}
		return BW_OK;
	}
	if (strcmp(status, BW_LOG_DEFERRED) == 0)
		s->deferred++;
	else if (strcmp(status, BW_LOG_EXPIRED) == 0)
		s->expired++;
	else
		s->bounced++;
	if (!a->report || !(rc = bw_report_recipient(a->report, 0))) {
		s->ungrouped++;
		return BW_OK;
	}
	provider = bw_recipient_get(rc, BW_RCPT_PROVIDER);
	reason = bw_recipient_get(rc, BW_RCPT_REASON);
	code = bw_recipient_get(rc, BW_RCPT_PROVIDER_CODE);
	g = *provider ? find_group(s, provider, false, reason, code)
	              : find_group(s, domain_of(rcpt), true, reason, code);
	if (!g) {
		s->ungrouped++;
		return BW_OK;
	}
	if (!g->attempts) {
		g->pkey = provider_key(provider, rcpt);
		set_str(&g->fault, bw_recipient_get(rc, BW_RCPT_FAULT));
		set_str(&g->explanation, bw_recipient_get(rc, BW_RCPT_EXPLANATION));
		set_str(&g->rule, bw_recipient_get(rc, BW_RCPT_RULE));
		g->confidence = bw_recipient_confidence(rc);
		for (i = 0; i < bw_recipient_remedy_count(rc); i++)
			bw_strlist__push(&g->remedies, bw_recipient_remedy(rc, i));
		for (i = 0; i < bw_recipient_reference_count(rc); i++)
			bw_strlist__push(&g->references, bw_recipient_reference(rc, i));
		g->first_seq = s->seq;
	}
	g->attempts++;
	if (strcmp(status, BW_LOG_DEFERRED) == 0)
		g->deferred++;
	else if (strcmp(status, BW_LOG_EXPIRED) == 0)
		g->expired++;
	else
		g->bounced++;
	if (bw_recipient_hard_bounce(rc))
		g->hard++;
	hset_add(&g->messages, hash_str(hash_str(HASH0, bw_log_attempt__get(a, BW_LOG_MTA), false),
	                                bw_log_attempt__get(a, BW_LOG_QUEUE_ID), false));
	if (*rcpt)
		hset_add(&g->recipients, hash_str(HASH0, rcpt, true));
	if (*domain_of(rcpt)) {
		size_t before = g->domains.n;
		hset_add(&g->domains, hash_str(HASH0, domain_of(rcpt), true));
		if (g->domains.n > before && g->domain_names.n < MAX_DOMAIN_NAMES)
			bw_strlist__push(&g->domain_names, domain_of(rcpt));
	}
	if (t >= 0 && (g->first < 0 || t < g->first))
		g->first = t;
	if (t >= 0 && t > g->last)
		g->last = t;
	g->last_seq = s->seq;
	if (t >= g->reply_time || t < 0) {
		g->reply_time = t;
		set_str(&g->reply, bw_recipient_get(rc, BW_RCPT_DIAGNOSTIC));
		set_str(&g->relay, bw_log_attempt__get(a, BW_LOG_RELAY));
		set_str(&g->ip, bw_log_attempt__get(a, BW_LOG_RELAY_IP));
		set_str(&g->rcpt, rcpt);
	}
	return BW_OK;
}

size_t bw_log_summary_group_count(const bw_log_summary *s)
{
	return s ? s->n : 0;
}

int bw_log_summary_has_fault(const bw_log_summary *s, const char *fault)
{
	size_t i;

	if (!s || !fault)
		return 0;
	for (i = 0; i < s->n; i++)
		if (strcmp(fault, "any") == 0 || (s->g[i]->fault && strcmp(s->g[i]->fault, fault) == 0))
			return 1;
	return 0;
}

/* ---- rendering ---------------------------------------------------------- */

/* A problem of the recipient's address or mailbox is not ended by mail to
 * other addresses getting through: "still happening" is not told for it. */
static bool per_address(const group *g)
{
	return g->fault && strcmp(g->fault, "recipient") == 0;
}

/* The later successful delivery to the same provider that ends the group,
 * or NULL when there is none (then it is still happening). */
static const sent_entry *ended_by(const bw_log_summary *s, const group *g)
{
	const sent_entry *e = sent_find((bw_log_summary *)s, g->pkey, false);

	if (!e)
		return NULL;
	if (e->time >= 0 && g->last >= 0)
		return e->time >= g->last ? e : NULL;
	return e->seq > g->last_seq ? e : NULL;
}

static unsigned long messages(const group *g) { return (unsigned long)g->messages.n; }

static int order(const void *pa, const void *pb)
{
	const group *a = *(const group *const *)pa, *b = *(const group *const *)pb;
	int sa = a->fault && strcmp(a->fault, "sender") == 0;
	int sb = b->fault && strcmp(b->fault, "sender") == 0;

	if (sa != sb)
		return sb - sa;
	if (messages(a) != messages(b))
		return messages(a) < messages(b) ? 1 : -1;
	if (a->attempts != b->attempts)
		return a->attempts < b->attempts ? 1 : -1;
	return a->first_seq < b->first_seq ? -1 : a->first_seq > b->first_seq;
}

/* The groups in presentation order (a sorted copy of the pointers). */
static group **sorted(const bw_log_summary *s)
{
	group **v = malloc((s->n ? s->n : 1) * sizeof(*v));

	if (!v)
		return NULL;
	if (s->n)
		memcpy(v, s->g, s->n * sizeof(*v));
	qsort(v, s->n, sizeof(*v), order);
	return v;
}

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

static const char *fault_sentence(const group *g)
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

static void text_group(bw_buf *b, const bw_log_summary *s, const group *g, size_t no)
{
	const bw_reason_info *info = bw_reason__find(g->reason);
	const sent_entry *end = ended_by(s, g);
	char t1[64], t2[64], line[1024];
	size_t i;

	snprintf(line, sizeof(line), "%zu. %s%s: %s%s%s%s", no, g->by_domain ? "mail for " : "",
	         *g->provider ? g->provider : "(no recipient domain)",
	         info ? info->headline : g->reason, *g->code ? " (" : "", g->code, *g->code ? ")" : "");
	wrap(b, line, 3, 0);
	local_stamp(g->first, t1, sizeof(t1));
	local_stamp(g->last, t2, sizeof(t2));
	if (per_address(g)) {
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
	count_line(b, "message", messages(g), g->messages.full);
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
	group **v;
	size_t i, senders = 0, ongoing = 0;

	(void)flags;
	if (!out || !s)
		return bw_error__set(BW_EINVALID, "bw_log_summary_to_text: out and s are required");
	*out = NULL;
	if (!(v = sorted(s)))
		return bw_error__set(BW_ENOMEM, "out of memory");
	for (i = 0; i < s->n; i++) {
		senders += v[i]->fault && strcmp(v[i]->fault, "sender") == 0;
		ongoing += !per_address(v[i]) && ended_by(s, v[i]) == NULL;
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

static void json_group(bw_buf *b, const bw_log_summary *s, const group *g, int ind)
{
	const bw_reason_info *info = bw_reason__find(g->reason);
	const sent_entry *end = per_address(g) ? NULL : ended_by(s, g);
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
	KEY("ongoing"); bw_buf__puts(b, per_address(g) ? "null" : end ? "false" : "true");
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
	group **v;
	size_t i;

	if (!out || !s)
		return bw_error__set(BW_EINVALID, "bw_log_summary_to_json: out and s are required");
	*out = NULL;
	if (!(v = sorted(s)))
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
