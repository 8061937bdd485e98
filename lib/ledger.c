/*
 * ledger.c - the bounce ledger: opening (schema creation and migration),
 * recording entries once, and the policy engine that decides the state of
 * an address from its entries.
 *
 * The state of an address is always recomputed from its entries (those
 * after its last "forget"), in time order, so feeding bounces out of order
 * or twice gives the same answer.  Each change of state is written to
 * bw_transition with the policy rule that made it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error.h"
#include "ledger.h"
#include "util.h"

/* ------------------------------------------------------------------ */
/* Schema                                                               */
/* ------------------------------------------------------------------ */

/* Version 1: the first schema.  "%PK%" is the backend's auto-numbered key. */
static const char schema_v1[] =
	"CREATE TABLE bw_event ("
	" seq %PK%,"
	" identity TEXT NOT NULL UNIQUE,"
	" address TEXT NOT NULL,"
	" domain TEXT NOT NULL,"
	" ts BIGINT NOT NULL,"
	" event TEXT NOT NULL,"
	" reason TEXT, fault TEXT, provider TEXT, provider_code TEXT, status TEXT,"
	" hard INTEGER,"
	" report_id TEXT, original_id TEXT, recipient TEXT, source TEXT,"
	" recorded BIGINT NOT NULL);"
	"CREATE INDEX bw_event_address ON bw_event(address, ts);"
	"CREATE INDEX bw_event_domain ON bw_event(domain, reason, ts);"
	"CREATE INDEX bw_event_fault ON bw_event(fault, ts);"
	"CREATE TABLE bw_subscriber ("
	" address TEXT PRIMARY KEY,"
	" domain TEXT NOT NULL,"
	" state TEXT NOT NULL,"
	" rule TEXT NOT NULL,"
	" since BIGINT NOT NULL,"
	" reason TEXT,"
	" forgot_seq BIGINT NOT NULL DEFAULT 0);"
	"CREATE INDEX bw_subscriber_state ON bw_subscriber(state, address);"
	"CREATE INDEX bw_subscriber_domain ON bw_subscriber(domain, state, since);"
	"CREATE TABLE bw_transition ("
	" seq %PK%,"
	" address TEXT NOT NULL,"
	" ts BIGINT NOT NULL,"
	" old_state TEXT NOT NULL,"
	" new_state TEXT NOT NULL,"
	" rule TEXT NOT NULL,"
	" event_seq BIGINT);"
	"CREATE INDEX bw_transition_address ON bw_transition(address, seq);"
	"INSERT INTO bw_meta(key, value) VALUES ('schema_version', '1');";

/* Migrations: migrations[i] takes schema i+1 to i+2. */
static const char *const migrations[] = {
	/* 1 -> 2: a diagnosis may carry a confidence (NULL when it has none). */
	"ALTER TABLE bw_event ADD COLUMN confidence DOUBLE PRECISION;"
	"UPDATE bw_meta SET value = '2' WHERE key = 'schema_version';",
};

_Static_assert(sizeof(migrations) / sizeof(migrations[0]) == BW_LEDGER_SCHEMA_VERSION - 1,
               "one migration per schema version");

static int text_cb(void *payload, int ncol, const char *const *vals)
{
	char **out = payload;

	free(*out);
	*out = ncol > 0 && vals[0] ? bw_strdup(vals[0]) : NULL;
	return 1;
}

/* The schema version (0 for a new database). */
static int read_version(bw_ledger_store *s, long *out)
{
	char *v = NULL;
	int rc = s->ops->exec(s, "SELECT value FROM bw_meta WHERE key = 'schema_version'",
	                      NULL, 0, text_cb, &v, NULL);

	*out = v ? strtol(v, NULL, 10) : 0;
	free(v);
	return rc;
}

/* Creates schema version 1 (exposed for the migration test). */
int bw_ledger__create_v1(bw_ledger_store *s);
int bw_ledger__create_v1(bw_ledger_store *s)
{
	bw_buf b = BW_BUF_INIT;
	const char *p = schema_v1, *mark;
	int rc;

	while ((mark = strstr(p, "%PK%"))) {
		bw_buf__put(&b, p, (size_t)(mark - p));
		bw_buf__puts(&b, s->ops->serial_pk);
		p = mark + 4;
	}
	bw_buf__puts(&b, p);
	if (b.oom) {
		bw_buf__free(&b);
		return bw_error__set(BW_ENOMEM, "out of memory");
	}
	rc = s->ops->script(s, b.p);
	bw_buf__free(&b);
	return rc;
}

/* Brings the schema to BW_LEDGER_SCHEMA_VERSION, in one transaction that
 * excludes other writers (two processes opening a new ledger at once). */
static int prepare_schema(bw_ledger_store *s, const char *location)
{
	long version = 0;
	int rc;

	/* The common case, without a lock: an up-to-date ledger.  (A new
	 * database has no bw_meta yet: that error is expected.) */
	if (read_version(s, &version) == BW_OK && version == BW_LEDGER_SCHEMA_VERSION)
		return BW_OK;
	bw_error__clear();
	if (version > BW_LEDGER_SCHEMA_VERSION)
		goto too_new;
	/* Creation and migration under the writer lock: PostgreSQL's CREATE
	 * TABLE IF NOT EXISTS is not safe against a concurrent one. */
	if ((rc = s->ops->begin(s)) < 0)
		return rc;
	if ((rc = s->ops->script(s, "CREATE TABLE IF NOT EXISTS bw_meta"
	                         " (key TEXT PRIMARY KEY, value TEXT NOT NULL)")) < 0 ||
	    (rc = read_version(s, &version)) < 0)
		goto fail;
	if (version > BW_LEDGER_SCHEMA_VERSION) {
		s->ops->rollback(s);
		goto too_new;
	}
	if (version == 0) {
		if ((rc = bw_ledger__create_v1(s)) < 0)
			goto fail;
		version = 1;
	}
	for (; version < BW_LEDGER_SCHEMA_VERSION; version++)
		if ((rc = s->ops->script(s, migrations[version - 1])) < 0)
			goto fail;
	return s->ops->commit(s);
fail:
	s->ops->rollback(s);
	return rc;
too_new:
	return bw_error__set(BW_ELEDGER, "ledger %s has schema version %ld, newer than the %d "
	                     "this bouncewhy (%s) knows: use a newer bouncewhy",
	                     location, version, BW_LEDGER_SCHEMA_VERSION, bw_version());
}

/* ------------------------------------------------------------------ */
/* Open, close, small things                                            */
/* ------------------------------------------------------------------ */

int bw_ledger_options_init(bw_ledger_options *opts, unsigned int version)
{
	bw_ledger_options init = BW_LEDGER_OPTIONS_INIT;

	if (!opts || version != BW_LEDGER_OPTIONS_VERSION)
		return bw_error__set(BW_EINVALID, "bw_ledger_options_init: unsupported version %u", version);
	*opts = init;
	return BW_OK;
}

static bool is_pg_uri(const char *s)
{
	return strncmp(s, "postgresql://", 13) == 0 || strncmp(s, "postgres://", 11) == 0;
}

/* SQL whose IN list comes from the policy, built once per ledger. */
typedef struct ledger_sql {
	char *burst;        /* distinct addresses with outage bounces near a time */
	char *burst_addrs;  /* the hard-bounce-suppressed ones among them */
} ledger_sql;

typedef struct ledger_impl {
	bw_ledger pub;
	ledger_sql sql;
} ledger_impl;

static char *in_list_sql(const char *head, const bw_policy_list *l, const char *tail)
{
	bw_buf b = BW_BUF_INIT;
	int i;

	bw_buf__puts(&b, head);
	bw_buf__puts(&b, " IN ('')");   /* never matches; keeps the SQL valid for an empty list */
	if (l->n) {
		b.len -= 3;
		for (i = 0; i < l->n; i++)
			bw_buf__printf(&b, "%s?", i ? ", " : "");
		bw_buf__puts(&b, ")");
	}
	bw_buf__puts(&b, tail);
	return bw_buf__detach(&b);
}

int bw_ledger_open(bw_ledger **out, const char *location, const bw_ledger_options *opts)
{
	bw_ledger_options defaults = BW_LEDGER_OPTIONS_INIT;
	ledger_impl *li;
	bw_ledger *l;
	const char *policy;
	int rc;

	if (!out || !location || !*location)
		return bw_error__set(BW_EINVALID, "bw_ledger_open: no ledger named");
	*out = NULL;
	if (!opts)
		opts = &defaults;
	if (opts->version != BW_LEDGER_OPTIONS_VERSION)
		return bw_error__set(BW_EINVALID, "bw_ledger_open: unsupported options version %u", opts->version);
	if (!(li = calloc(1, sizeof(*li))))
		return bw_error__set(BW_ENOMEM, "out of memory");
	l = &li->pub;
	l->now = opts->now;
	bw_policy__defaults(&l->policy);
	policy = opts->policy_path ? opts->policy_path : getenv("BOUNCEWHY_LEDGER_POLICY");
	if (policy && *policy && (rc = bw_policy__load(&l->policy, policy)) < 0)
		goto fail;
	/* Both stay cheap inside a huge burst: the count stops at the
	 * threshold (the last parameter), and the addresses to hold come from
	 * bw_subscriber, where only those not yet held remain. */
	li->sql.burst = in_list_sql("SELECT COUNT(*) FROM (SELECT DISTINCT address FROM bw_event"
		" WHERE domain = ? AND ts BETWEEN ? AND ? AND event = 'bounce' AND hard = 1 AND reason",
		&l->policy.outage_reasons, " LIMIT ?) AS burst");
	li->sql.burst_addrs = in_list_sql("SELECT address FROM bw_subscriber"
		" WHERE domain = ? AND since BETWEEN ? AND ? AND state = 'suppressed'"
		" AND rule = 'hard-bounce' AND reason", &l->policy.outage_reasons, "");
	if (!li->sql.burst || !li->sql.burst_addrs) {
		rc = bw_error__set(BW_ENOMEM, "out of memory");
		goto fail;
	}
	if (is_pg_uri(location))
		rc = bw_ledger__pg_open(&l->store, location, opts->busy_timeout_ms ? opts->busy_timeout_ms : 30000);
	else
		rc = bw_ledger__sqlite_open(&l->store, location, opts->busy_timeout_ms ? opts->busy_timeout_ms : 30000);
	if (rc < 0)
		goto fail;
	if ((rc = prepare_schema(l->store, location)) < 0)
		goto fail;
	*out = l;
	return BW_OK;
fail:
	bw_ledger_free(l);
	return rc;
}

void bw_ledger_free(bw_ledger *l)
{
	ledger_impl *li = (ledger_impl *)l;

	if (!l)
		return;
	if (l->store) {
		if (l->in_batch)
			l->store->ops->rollback(l->store);
		l->store->ops->close(l->store);
	}
	bw_policy__clear(&l->policy);
	free(li->sql.burst);
	free(li->sql.burst_addrs);
	free(li);
}

const char *bw_ledger_backend(const bw_ledger *l)
{
	return l && l->store ? l->store->ops->name : "";
}

void bw_ledger_set_now(bw_ledger *l, long long now)
{
	if (l)
		l->now = now;
}

long long bw_ledger__now(const bw_ledger *l)
{
	return l->now ? l->now : (long long)time(NULL);
}

const char *bw_ledger_event_name(bw_ledger_event e)
{
	static const char *const names[] = { "bounce", "delay", "success", "complaint" };

	return (unsigned)e < 4 ? names[e] : "";
}

const char *bw_ledger_state_name(bw_ledger_state s)
{
	static const char *const names[] = { "active", "suppressed", "unsubscribed", "held" };

	return (unsigned)s < 4 ? names[s] : "";
}

static bw_ledger_state state_from_name(const char *s)
{
	int i;

	for (i = 0; i < 4; i++)
		if (s && strcmp(s, bw_ledger_state_name((bw_ledger_state)i)) == 0)
			return (bw_ledger_state)i;
	return BW_LEDGER_ACTIVE;
}

int bw_ledger__exec(bw_ledger *l, const char *sql, const bw_ledger_val *params, int n,
                    bw_ledger_row_fn fn, void *payload, long long *changes)
{
	return l->store->ops->exec(l->store, sql, params, n, fn, payload, changes);
}

/* Runs `body` in a write transaction unless a batch is open. */
static int tx_begin(bw_ledger *l)
{
	return l->in_batch ? BW_OK : l->store->ops->begin(l->store);
}

static int tx_end(bw_ledger *l, int rc)
{
	if (l->in_batch)
		return rc;
	if (rc < 0) {
		l->store->ops->rollback(l->store);
		return rc;
	}
	return l->store->ops->commit(l->store);
}

int bw_ledger_begin(bw_ledger *l)
{
	int rc;

	if (!l)
		return bw_error__set(BW_EINVALID, "bw_ledger_begin: NULL ledger");
	if (l->in_batch)
		return BW_OK;
	if ((rc = l->store->ops->begin(l->store)) == BW_OK)
		l->in_batch = true;
	return rc;
}

int bw_ledger_commit(bw_ledger *l)
{
	if (!l || !l->in_batch)
		return BW_OK;
	l->in_batch = false;
	return l->store->ops->commit(l->store);
}

int bw_ledger_rollback(bw_ledger *l)
{
	if (!l || !l->in_batch)
		return BW_OK;
	l->in_batch = false;
	return l->store->ops->rollback(l->store);
}

/* ------------------------------------------------------------------ */
/* The policy engine                                                    */
/* ------------------------------------------------------------------ */

typedef struct ev_row {
	long long seq, ts;
	char event[12];
	char *reason, *fault, *domain;
	int hard;
} ev_row;

typedef struct ev_list {
	ev_row *v;
	size_t n, cap;
	bool oom;
} ev_list;

static int ev_cb(void *payload, int ncol, const char *const *vals)
{
	ev_list *l = payload;
	ev_row *r;

	if (bw_grow((void **)&l->v, &l->cap, l->n, sizeof(*l->v), 16) < 0) {
		l->oom = true;
		return 1;
	}
	r = &l->v[l->n++];
	memset(r, 0, sizeof(*r));
	r->seq = strtoll(vals[0], NULL, 10);
	r->ts = strtoll(vals[1], NULL, 10);
	snprintf(r->event, sizeof(r->event), "%s", vals[2] ? vals[2] : "");
	r->reason = vals[3] ? bw_strdup(vals[3]) : NULL;
	r->fault = vals[4] ? bw_strdup(vals[4]) : NULL;
	r->hard = vals[5] ? atoi(vals[5]) : -1;
	r->domain = vals[6] ? bw_strdup(vals[6]) : NULL;
	(void)ncol;
	return 0;
}

static void ev_list_free(ev_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].reason);
		free(l->v[i].fault);
		free(l->v[i].domain);
	}
	free(l->v);
}

typedef struct sub_row {
	bool found;
	bw_ledger_state state;
	char rule[32];
	long long forgot_seq;
} sub_row;

static int sub_cb(void *payload, int ncol, const char *const *vals)
{
	sub_row *s = payload;

	s->found = true;
	s->state = state_from_name(vals[0]);
	snprintf(s->rule, sizeof(s->rule), "%s", vals[1] ? vals[1] : "");
	s->forgot_seq = vals[2] ? strtoll(vals[2], NULL, 10) : 0;
	(void)ncol;
	return 0;
}

static int count_cb(void *payload, int ncol, const char *const *vals)
{
	*(long long *)payload = ncol > 0 && vals[0] ? strtoll(vals[0], NULL, 10) : 0;
	return 1;
}

/* Parameters of the burst queries: domain, t0, t1, then the reasons. */
static int burst_params(const bw_ledger *l, bw_ledger_val *p, const char *domain, long long ts)
{
	long long w = (long long)l->policy.outage_minutes * 60;
	int i, n = 0;

	p[n++] = LV_TEXT(domain);
	p[n++] = LV_INT(ts - w);
	p[n++] = LV_INT(ts + w);
	for (i = 0; i < l->policy.outage_reasons.n; i++)
		p[n++] = LV_TEXT(l->policy.outage_reasons.v[i]);
	return n;
}

/* Is the bounce at `domain`, time `ts`, part of a burst (a suspected
 * receiver outage)? */
static int in_burst(bw_ledger *l, const char *domain, long long ts, bool *out)
{
	ledger_impl *li = (ledger_impl *)l;
	bw_ledger_val p[4 + BW_POLICY_MAX_LIST];
	long long n = 0;
	int np = burst_params(l, p, domain, ts), rc;

	p[np++] = LV_INT(l->policy.outage_threshold);
	rc = bw_ledger__exec(l, li->sql.burst, p, np, count_cb, &n, NULL);

	*out = n >= l->policy.outage_threshold;
	return rc;
}

typedef struct verdict {
	bw_ledger_state state;
	const char *rule;
	const ev_row *by;    /* the entry that decided it, or NULL */
} verdict;

static void set_verdict(verdict *v, bw_ledger_state s, const char *rule, const ev_row *by)
{
	v->state = s;
	v->rule = rule;
	v->by = by;
}

/* Walks an address's entries in time order and applies the policy. */
static int decide(bw_ledger *l, const ev_list *evs, verdict *v)
{
	const bw_policy *p = &l->policy;
	long run_n = 0;
	long long run_first = 0;
	size_t i;
	int rc;

	set_verdict(v, BW_LEDGER_ACTIVE, "", NULL);
	for (i = 0; i < evs->n; i++) {
		const ev_row *e = &evs->v[i];
		bool soft = false, burst;

		if (!strcmp(e->event, "complaint")) {
			if (p->complaint_unsubscribes)
				set_verdict(v, BW_LEDGER_UNSUBSCRIBED, "complaint", e);
			continue;
		}
		if (v->state == BW_LEDGER_UNSUBSCRIBED)
			continue;
		if (!strcmp(e->event, "success")) {
			run_n = 0;
			if (v->state == BW_LEDGER_HELD)
				set_verdict(v, BW_LEDGER_ACTIVE, "success", e);
			continue;
		}
		if (!strcmp(e->event, "delay")) {
			if (!p->count_delays)
				continue;
			soft = true;
		} else if (bw_policy__has(&p->sender_faults, e->fault)) {
			continue;     /* the sender's problem: see the alerts */
		} else if (e->hard == 1 && p->hard_suppress && bw_policy__has(&p->hard_faults, e->fault)) {
			if (v->state == BW_LEDGER_SUPPRESSED)
				continue;
			if (bw_policy__has(&p->outage_reasons, e->reason)) {
				if ((rc = in_burst(l, e->domain, e->ts, &burst)) < 0)
					return rc;
				if (burst) {
					set_verdict(v, BW_LEDGER_HELD, "outage-hold", e);
					continue;
				}
			}
			set_verdict(v, BW_LEDGER_SUPPRESSED, "hard-bounce", e);
			continue;
		} else {
			soft = true;
		}
		if (soft && v->state != BW_LEDGER_SUPPRESSED) {
			if (run_n++ == 0)
				run_first = e->ts;
			if (run_n >= p->soft_count && e->ts - run_first >= (long long)p->soft_days * 86400)
				set_verdict(v, BW_LEDGER_SUPPRESSED, "soft-bounces", e);
		}
	}
	return BW_OK;
}

static const char sql_sub_get[] =
	"SELECT state, rule, forgot_seq FROM bw_subscriber WHERE address = ?";
static const char sql_events_of[] =
	"SELECT seq, ts, event, reason, fault, hard, domain FROM bw_event"
	" WHERE address = ? AND seq > ? ORDER BY ts, seq";
static const char sql_sub_upsert[] =
	"INSERT INTO bw_subscriber (address, domain, state, rule, since, reason, forgot_seq)"
	" VALUES (?, ?, ?, ?, ?, ?, 0)"
	" ON CONFLICT (address) DO UPDATE SET state = excluded.state, rule = excluded.rule,"
	" since = excluded.since, reason = excluded.reason";
static const char sql_transition[] =
	"INSERT INTO bw_transition (address, ts, old_state, new_state, rule, event_seq)"
	" VALUES (?, ?, ?, ?, ?, ?)";

static const char *domain_of(const char *address)
{
	const char *at = strrchr(address, '@');

	return at ? at + 1 : "";
}

/* Recomputes the state of `address` and records a change. */
static int evaluate(bw_ledger *l, const char *address, long long first_ts)
{
	bw_ledger_val p[7];
	sub_row sub = { false, BW_LEDGER_ACTIVE, "", 0 };
	ev_list evs = { NULL, 0, 0, false };
	verdict v;
	int rc;

	p[0] = LV_TEXT(address);
	if ((rc = bw_ledger__exec(l, sql_sub_get, p, 1, sub_cb, &sub, NULL)) < 0)
		return rc;
	p[1] = LV_INT(sub.forgot_seq);
	if ((rc = bw_ledger__exec(l, sql_events_of, p, 2, ev_cb, &evs, NULL)) < 0)
		goto out;
	if (evs.oom) {
		rc = bw_error__set(BW_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = decide(l, &evs, &v)) < 0)
		goto out;
	if (sub.found && v.state == sub.state)
		goto out;    /* no change (the rule that set the state stays) */
	if (!sub.found && v.state == BW_LEDGER_ACTIVE) {
		/* first sight: known, active */
		p[1] = LV_TEXT(domain_of(address));
		p[2] = LV_TEXT("active");
		p[3] = LV_TEXT("");
		p[4] = LV_INT(first_ts);
		p[5] = LV_NULL;
		rc = bw_ledger__exec(l, sql_sub_upsert, p, 6, NULL, NULL, NULL);
		goto out;
	}
	p[1] = LV_TEXT(domain_of(address));
	p[2] = LV_TEXT(bw_ledger_state_name(v.state));
	p[3] = LV_TEXT(v.rule);
	p[4] = LV_INT(v.by ? v.by->ts : bw_ledger__now(l));
	p[5] = LV_TEXT(v.by ? v.by->reason : NULL);
	if ((rc = bw_ledger__exec(l, sql_sub_upsert, p, 6, NULL, NULL, NULL)) < 0)
		goto out;
	p[1] = LV_INT(v.by ? v.by->ts : bw_ledger__now(l));
	p[2] = LV_TEXT(bw_ledger_state_name(sub.state));
	p[3] = LV_TEXT(bw_ledger_state_name(v.state));
	p[4] = LV_TEXT(v.rule[0] ? v.rule : "none");
	p[5] = v.by ? LV_INT(v.by->seq) : LV_NULL;
	rc = bw_ledger__exec(l, sql_transition, p, 6, NULL, NULL, NULL);
out:
	ev_list_free(&evs);
	return rc;
}

typedef struct str_list {
	char **v;
	size_t n, cap;
} str_list;

static int str_cb(void *payload, int ncol, const char *const *vals)
{
	str_list *l = payload;

	if (bw_grow((void **)&l->v, &l->cap, l->n, sizeof(*l->v), 16) < 0)
		return 1;
	if (vals[0] && (l->v[l->n] = bw_strdup(vals[0])))
		l->n++;
	(void)ncol;
	return 0;
}

/* A new outage-reason bounce may complete a burst: the addresses already
 * suppressed by a hard bounce in it are evaluated again (and held). */
static int recheck_burst(bw_ledger *l, const char *domain, long long ts)
{
	ledger_impl *li = (ledger_impl *)l;
	bw_ledger_val p[3 + BW_POLICY_MAX_LIST];
	str_list addrs = { NULL, 0, 0 };
	bool burst;
	size_t i;
	int rc;

	if ((rc = in_burst(l, domain, ts, &burst)) < 0 || !burst)
		return rc;
	rc = bw_ledger__exec(l, li->sql.burst_addrs, p, burst_params(l, p, domain, ts), str_cb, &addrs, NULL);
	for (i = 0; i < addrs.n; i++) {
		if (rc == BW_OK)
			rc = evaluate(l, addrs.v[i], ts);
		free(addrs.v[i]);
	}
	free(addrs.v);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Recording                                                            */
/* ------------------------------------------------------------------ */

static const char sql_insert_event[] =
	"INSERT INTO bw_event (identity, address, domain, ts, event, reason, fault, provider,"
	" provider_code, status, hard, confidence, report_id, original_id, recipient, source, recorded)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	" ON CONFLICT (identity) DO NOTHING";

int bw_ledger_record(bw_ledger *l, const bw_ledger_entry *e, int *added)
{
	bw_ledger_val p[17];
	bw_buf id = BW_BUF_INIT;
	char *address;
	long long ts, changes = 0;
	int rc;

	if (added)
		*added = 0;
	if (!l || !e || e->version != BW_LEDGER_ENTRY_VERSION || (unsigned)e->event > BW_LEDGER_COMPLAINT)
		return bw_error__set(BW_EINVALID, "bw_ledger_record: bad arguments");
	if (!(address = bw_ledger__norm_address(e->address)))
		return bw_error__set(BW_EINVALID, "bw_ledger_record: '%s' is not an address",
		                     e->address ? e->address : "(null)");
	ts = e->time ? e->time : bw_ledger__now(l);
	bw_buf__printf(&id, "%s|", bw_ledger_event_name(e->event));
	if (e->report_id || e->original_id || e->recipient)
		bw_buf__printf(&id, "%s|%s|%s", e->report_id ? e->report_id : "",
		               e->original_id ? e->original_id : "", e->recipient ? e->recipient : address);
	else
		bw_buf__printf(&id, "%s|%lld|%s|%s", address, ts, e->reason ? e->reason : "",
		               e->status ? e->status : "");
	if (id.oom) {
		free(address);
		bw_buf__free(&id);
		return bw_error__set(BW_ENOMEM, "out of memory");
	}
	p[0] = LV_TEXT(id.p);
	p[1] = LV_TEXT(address);
	p[2] = LV_TEXT(domain_of(address));
	p[3] = LV_INT(ts);
	p[4] = LV_TEXT(bw_ledger_event_name(e->event));
	p[5] = LV_TEXT(e->reason);
	p[6] = LV_TEXT(e->fault);
	p[7] = LV_TEXT(e->provider);
	p[8] = LV_TEXT(e->provider_code);
	p[9] = LV_TEXT(e->status);
	p[10] = e->hard < 0 ? LV_NULL : LV_INT(e->hard ? 1 : 0);
	p[11] = e->confidence < 0 ? LV_NULL : LV_REAL(e->confidence);
	p[12] = LV_TEXT(e->report_id);
	p[13] = LV_TEXT(e->original_id);
	p[14] = LV_TEXT(e->recipient);
	p[15] = LV_TEXT(e->source);
	p[16] = LV_INT(bw_ledger__now(l));
	if ((rc = tx_begin(l)) < 0)
		goto out;
	rc = bw_ledger__exec(l, sql_insert_event, p, 17, NULL, NULL, &changes);
	if (rc == BW_OK && changes > 0) {
		rc = evaluate(l, address, ts);
		if (rc == BW_OK && e->event == BW_LEDGER_BOUNCE && e->hard == 1 &&
		    bw_policy__has(&l->policy.outage_reasons, e->reason))
			rc = recheck_burst(l, domain_of(address), ts);
	}
	rc = tx_end(l, rc);
	if (rc == BW_OK && added)
		*added = changes > 0;
out:
	free(address);
	bw_buf__free(&id);
	return rc;
}

int bw_ledger_forget(bw_ledger *l, const char *address)
{
	static const char sql_forget[] =
		"UPDATE bw_subscriber SET state = 'active', rule = 'forget', since = ?, reason = NULL,"
		" forgot_seq = (SELECT COALESCE(MAX(seq), 0) FROM bw_event WHERE address = ?)"
		" WHERE address = ?";
	bw_ledger_val p[6];
	sub_row sub = { false, BW_LEDGER_ACTIVE, "", 0 };
	char *a = bw_ledger__norm_address(address);
	long long changes = 0;
	int rc;

	if (!l || !a) {
		free(a);
		return bw_error__set(BW_EINVALID, "bw_ledger_forget: '%s' is not an address",
		                     address ? address : "(null)");
	}
	if ((rc = tx_begin(l)) < 0)
		goto out;
	p[0] = LV_TEXT(a);
	rc = bw_ledger__exec(l, sql_sub_get, p, 1, sub_cb, &sub, NULL);
	p[0] = LV_INT(bw_ledger__now(l));
	p[1] = LV_TEXT(a);
	p[2] = LV_TEXT(a);
	if (rc == BW_OK)
		rc = bw_ledger__exec(l, sql_forget, p, 3, NULL, NULL, &changes);
	if (rc == BW_OK && changes == 0)
		rc = bw_error__set(BW_ENOTFOUND, "the ledger does not know %s", a);
	if (rc == BW_OK) {
		p[0] = LV_TEXT(a);
		p[1] = LV_INT(bw_ledger__now(l));
		p[2] = LV_TEXT(bw_ledger_state_name(sub.state));
		p[3] = LV_TEXT("active");
		p[4] = LV_TEXT("forget");
		p[5] = LV_NULL;
		rc = bw_ledger__exec(l, sql_transition, p, 6, NULL, NULL, NULL);
	}
	rc = tx_end(l, rc);
out:
	free(a);
	return rc;
}

int bw_ledger_state_of(bw_ledger *l, const char *address, bw_ledger_state *out, char **rule)
{
	bw_ledger_val p[1];
	sub_row sub = { false, BW_LEDGER_ACTIVE, "", 0 };
	char *a = bw_ledger__norm_address(address);
	int rc;

	if (rule)
		*rule = NULL;
	if (!l || !out || !a) {
		free(a);
		return bw_error__set(BW_EINVALID, "bw_ledger_state_of: bad arguments");
	}
	p[0] = LV_TEXT(a);
	rc = bw_ledger__exec(l, sql_sub_get, p, 1, sub_cb, &sub, NULL);
	free(a);
	if (rc < 0)
		return rc;
	*out = sub.state;
	if (rule && !(*rule = bw_strdup(sub.rule)))
		return bw_error__set(BW_ENOMEM, "out of memory");
	return BW_OK;
}

int bw_ledger_policy(char **out, const bw_ledger *l, bw_ledger_format format)
{
	if (!out || !l)
		return bw_error__set(BW_EINVALID, "bw_ledger_policy: NULL argument");
	return bw_policy__render(out, &l->policy, format);
}
