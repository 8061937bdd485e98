/*
 * log_summary.c - failed delivery attempts grouped for a person: by
 * provider (or recipient domain), reason and provider code, with counts,
 * times, whether it still goes on, the latest reply and the remedies.
 * Rendered as text (log_summary_text.c) and JSON (log_summary_json.c), in
 * the same order: sender-side problems first.
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
#include "log_summary.h"
#include "rules.h"
#include "util.h"

#define MAX_GROUPS 200
#define MAX_DISTINCT 4096
#define MAX_DOMAIN_NAMES 8
#define MAX_SENT 65536

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

static void hset_add(bw_log_hset *s, uint64_t h)
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

static void group_free(bw_log_group *g)
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

bw_log_sent *bw_log__sent_find(bw_log_summary *s, uint64_t key, bool add)
{
	size_t i;

	if (add && (s->sent_n + 1) * 2 > s->sent_cap && s->sent_n < MAX_SENT) {
		size_t ncap = s->sent_cap ? s->sent_cap * 2 : 64, j;
		bw_log_sent *nt = calloc(ncap, sizeof(*nt));
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

static bw_log_group *find_group(bw_log_summary *s, const char *provider, bool by_domain,
                         const char *reason, const char *code)
{
	bw_log_group *g;
	size_t i;

	for (i = 0; i < s->n; i++) {
		g = s->g[i];
		if (g->by_domain == by_domain && bw_strcasecmp(g->provider, provider) == 0 &&
		    strcmp(g->reason, reason) == 0 && strcmp(g->code, code) == 0)
			return g;
	}
	if (s->n >= MAX_GROUPS)
		return NULL;
	if (bw_grow((void **)&s->g, &s->cap, s->n, sizeof(*s->g), 8) < 0)
		return NULL;
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
	bw_log_group *g;
	size_t i;

	if (!s || !a)
		return bw_error__set(BW_EINVALID, "bw_log_summary_add: s and a are required");
	status = bw_log_attempt__get(a, BW_LOG_STATUS);
	rcpt = bw_log_attempt__get(a, BW_LOG_RECIPIENT);
	t = a->time;
	s->seq++;
	s->attempts++;
	if (strcmp(status, BW_LOG_SENT) == 0) {
		bw_log_sent *e;
		s->sent++;
		provider = sent_provider(s, bw_log_attempt__get(a, BW_LOG_RELAY), rcpt);
		if ((e = bw_log__sent_find(s, provider_key(provider, rcpt), true))) {
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

/* ---- for the renderers ---------------------------------------------------- */

/* A problem of the recipient's address or mailbox is not ended by mail to
 * other addresses getting through: "still happening" is not told for it. */
bool bw_log__per_address(const bw_log_group *g)
{
	return g->fault && strcmp(g->fault, "recipient") == 0;
}

/* The later successful delivery to the same provider that ends the group,
 * or NULL when there is none (then it is still happening). */
const bw_log_sent *bw_log__ended_by(const bw_log_summary *s, const bw_log_group *g)
{
	const bw_log_sent *e = bw_log__sent_find((bw_log_summary *)s, g->pkey, false);

	if (!e)
		return NULL;
	if (e->time >= 0 && g->last >= 0)
		return e->time >= g->last ? e : NULL;
	return e->seq > g->last_seq ? e : NULL;
}

unsigned long bw_log__messages(const bw_log_group *g) { return (unsigned long)g->messages.n; }

static int order(const void *pa, const void *pb)
{
	const bw_log_group *a = *(const bw_log_group *const *)pa, *b = *(const bw_log_group *const *)pb;
	int sa = a->fault && strcmp(a->fault, "sender") == 0;
	int sb = b->fault && strcmp(b->fault, "sender") == 0;

	if (sa != sb)
		return sb - sa;
	if (bw_log__messages(a) != bw_log__messages(b))
		return bw_log__messages(a) < bw_log__messages(b) ? 1 : -1;
	if (a->attempts != b->attempts)
		return a->attempts < b->attempts ? 1 : -1;
	return a->first_seq < b->first_seq ? -1 : a->first_seq > b->first_seq;
}

/* The groups in presentation order (a sorted copy of the pointers). */
bw_log_group **bw_log__sorted(const bw_log_summary *s)
{
	bw_log_group **v = malloc((s->n ? s->n : 1) * sizeof(*v));

	if (!v)
		return NULL;
	if (s->n)
		memcpy(v, s->g, s->n * sizeof(*v));
	qsort(v, s->n, sizeof(*v), order);
	return v;
}

