/*
 * ledger_json.c - the ledger's reports (status, suppressed, alerts, stats)
 * in text, CSV, JSON and Postfix form.  JSON is written through the one
 * JSON writer (jsonw.c), row by row as the queries give them, one line
 * ending in a newline.  (Reading NDJSON back in: ledger_ndjson.c.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error.h"
#include "jsonw.h"
#include "ledger.h"
#include "util.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                              */
/* ------------------------------------------------------------------ */

static void fmt_time(char *buf, size_t n, long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm))
		strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
	else
		snprintf(buf, n, "%lld", t);
}

/* Ends a JSON report: the text and a newline in *out, or nothing when rc
 * (the queries' result) is a failure. */
static int finish_json(char **out, bw_jsonw *w, int rc)
{
	if (rc < 0) {
		bw_jsonw__finish(w, NULL);
		return rc;
	}
	bw_jsonw__raw(w, "\n");
	return bw_jsonw__finish(w, out);
}

static int finish_buf(char **out, bw_buf *b, int rc)
{
	if (rc < 0) {
		bw_buf__free(b);
		return rc;
	}
	if (b->oom) {
		bw_buf__free(b);
		return bw_error__set(BW_ENOMEM, "out of memory");
	}
	if (!b->p)
		bw_buf__puts(b, "");
	*out = bw_buf__detach(b);
	return *out ? BW_OK : bw_error__set(BW_ENOMEM, "out of memory");
}

static void add_str(bw_jsonw *w, const char *key, const char *v)
{
	bw_jsonw__key(w, key);
	bw_jsonw__string(w, v);
}

/* A time stamp (seconds, as text) as ISO 8601, or null. */
static void add_time(bw_jsonw *w, const char *key, const char *v)
{
	char buf[40];

	bw_jsonw__key(w, key);
	if (!v) {
		bw_jsonw__null(w);
		return;
	}
	fmt_time(buf, sizeof(buf), strtoll(v, NULL, 10));
	bw_jsonw__string(w, buf);
}

/* A count or other number given as text. */
static void add_num(bw_jsonw *w, const char *key, const char *v)
{
	bw_jsonw__key(w, key);
	bw_jsonw__number(w, strtod(v, NULL));
}

static int check_format(bw_ledger_format f, bool csv_ok, const char *what)
{
	if (f == BW_LEDGER_TEXT || f == BW_LEDGER_JSON || (csv_ok && (f == BW_LEDGER_CSV || f == BW_LEDGER_POSTFIX)))
		return BW_OK;
	return bw_error__set(BW_EINVALID, "%s: unsupported format", what);
}

/* ------------------------------------------------------------------ */
/* status ADDRESS                                                       */
/* ------------------------------------------------------------------ */

typedef struct rows_ctx {
	bw_ledger_format format;
	bw_jsonw *w;        /* JSON: the open array the rows go to */
	bw_buf *b;
	long n;
} rows_ctx;

static int transition_cb(void *payload, int ncol, const char *const *v)
{
	rows_ctx *c = payload;
	char t[40];

	(void)ncol;
	if (c->format == BW_LEDGER_JSON) {
		bw_jsonw__begin_object(c->w);
		add_time(c->w, "time", v[0]);
		add_str(c->w, "from", v[1]);
		add_str(c->w, "to", v[2]);
		add_str(c->w, "rule", v[3]);
		bw_jsonw__end_object(c->w);
	} else {
		fmt_time(t, sizeof(t), strtoll(v[0], NULL, 10));
		bw_buf__printf(c->b, "  %s  %s -> %s  (rule %s)\n", t, v[1], v[2], v[3]);
	}
	return 0;
}

static int event_cb(void *payload, int ncol, const char *const *v)
{
	rows_ctx *c = payload;
	char t[40];

	(void)ncol;
	if (c->format == BW_LEDGER_JSON) {
		bw_jsonw *w = c->w;

		bw_jsonw__begin_object(w);
		add_time(w, "time", v[0]);
		add_str(w, "event", v[1]);
		add_str(w, "reason", v[2]);
		add_str(w, "fault", v[3]);
		add_str(w, "provider", v[4]);
		add_str(w, "provider_code", v[5]);
		add_str(w, "status", v[6]);
		bw_jsonw__key(w, "hard");
		if (v[7])
			bw_jsonw__bool(w, atoi(v[7]) != 0);
		else
			bw_jsonw__null(w);
		if (v[8])
			add_num(w, "confidence", v[8]);
		else
			add_str(w, "confidence", NULL);
		add_str(w, "report_id", v[9]);
		add_str(w, "original_id", v[10]);
		add_str(w, "recipient", v[11]);
		add_str(w, "source", v[12]);
		bw_jsonw__key(w, "counts");
		bw_jsonw__bool(w, v[13] && atoi(v[13]) != 0);
		bw_jsonw__end_object(w);
	} else {
		fmt_time(t, sizeof(t), strtoll(v[0], NULL, 10));
		bw_buf__printf(c->b, "  %s  %-9s %s%s%s%s%s%s%s\n", t, v[1],
		               v[2] ? v[2] : "", v[3] ? " fault " : "", v[3] ? v[3] : "",
		               v[7] ? (atoi(v[7]) ? " hard" : " soft") : "",
		               v[4] ? " at " : "", v[4] ? v[4] : "",
		               v[13] && atoi(v[13]) ? "" : " (before forget)");
	}
	return 0;
}

typedef struct sub_info {
	bool found;
	char *state, *rule, *since, *reason;
} sub_info;

static int info_cb(void *payload, int ncol, const char *const *v)
{
	sub_info *s = payload;

	(void)ncol;
	s->found = true;
	s->state = bw_strdup(v[0] ? v[0] : "active");
	s->rule = bw_strdup(v[1] ? v[1] : "");
	s->since = v[2] ? bw_strdup(v[2]) : NULL;
	s->reason = v[3] ? bw_strdup(v[3]) : NULL;
	return 1;
}

int bw_ledger_status(char **out, bw_ledger *l, const char *address, bw_ledger_format format)
{
	static const char sql_info[] =
		"SELECT state, rule, since, reason FROM bw_subscriber WHERE address = ?";
	static const char sql_trans[] =
		"SELECT ts, old_state, new_state, rule FROM bw_transition WHERE address = ? ORDER BY seq";
	static const char sql_events[] =
		"SELECT e.ts, e.event, e.reason, e.fault, e.provider, e.provider_code, e.status, e.hard,"
		" e.confidence, e.report_id, e.original_id, e.recipient, e.source,"
		" CASE WHEN e.seq > COALESCE(s.forgot_seq, 0) THEN 1 ELSE 0 END"
		" FROM bw_event e LEFT JOIN bw_subscriber s ON s.address = e.address"
		" WHERE e.address = ? ORDER BY e.ts, e.seq";
	bw_ledger_val p[1];
	sub_info si = { false, NULL, NULL, NULL, NULL };
	char *a;
	bw_buf b = BW_BUF_INIT;
	bw_jsonw w;
	rows_ctx c = { format, &w, &b, 0 };
	char t[40];
	int rc;

	bw_jsonw__init(&w, BW_JSONW_COMPACT, NULL, NULL);
	if (!out || !l)
		return bw_error__set(BW_EINVALID, "bw_ledger_status: NULL argument");
	*out = NULL;
	if ((rc = check_format(format, false, "status")) < 0)
		return rc;
	if (!(a = bw_ledger__norm_address(address)))
		return bw_error__set(BW_EINVALID, "'%s' is not an address", address ? address : "(null)");
	p[0] = LV_TEXT(a);
	if ((rc = bw_ledger__exec(l, sql_info, p, 1, info_cb, &si, NULL)) < 0)
		goto out;
	if (format == BW_LEDGER_JSON) {
		bw_jsonw__begin_object(&w);
		add_str(&w, "address", a);
		add_str(&w, "state", si.state ? si.state : "active");
		add_str(&w, "rule", si.rule && si.rule[0] ? si.rule : NULL);
		add_time(&w, "since", si.since);
		add_str(&w, "reason", si.reason);
		bw_jsonw__key(&w, "known");
		bw_jsonw__bool(&w, si.found);
		bw_jsonw__key(&w, "changes");
		bw_jsonw__begin_array(&w);
	} else {
		bw_buf__printf(&b, "%s: %s", a, si.state ? si.state : "active (unknown to the ledger)");
		if (si.rule && si.rule[0]) {
			fmt_time(t, sizeof(t), si.since ? strtoll(si.since, NULL, 10) : 0);
			bw_buf__printf(&b, " by rule %s since %s%s%s", si.rule, t,
			               si.reason ? ", reason " : "", si.reason ? si.reason : "");
		}
		bw_buf__puts(&b, "\n");
		if (si.found)
			bw_buf__puts(&b, "changes:\n");
	}
	if ((rc = bw_ledger__exec(l, sql_trans, p, 1, transition_cb, &c, NULL)) < 0)
		goto out;
	if (format == BW_LEDGER_JSON) {
		bw_jsonw__end_array(&w);
		bw_jsonw__key(&w, "entries");
		bw_jsonw__begin_array(&w);
	} else if (si.found)
		bw_buf__puts(&b, "entries:\n");
	rc = bw_ledger__exec(l, sql_events, p, 1, event_cb, &c, NULL);
	if (format == BW_LEDGER_JSON) {
		bw_jsonw__end_array(&w);
		bw_jsonw__end_object(&w);
	}
out:
	free(a);
	free(si.state);
	free(si.rule);
	free(si.since);
	free(si.reason);
	if (format == BW_LEDGER_JSON) {
		bw_buf__free(&b);
		return finish_json(out, &w, rc);
	}
	return finish_buf(out, &b, rc);
}

/* ------------------------------------------------------------------ */
/* suppressed                                                           */
/* ------------------------------------------------------------------ */

static void csv_field(bw_buf *b, const char *s)
{
	if (!s)
		s = "";
	if (!strpbrk(s, ",\"\n\r")) {
		bw_buf__puts(b, s);
		return;
	}
	bw_buf__putc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			bw_buf__putc(b, '"');
		bw_buf__putc(b, *s);
	}
	bw_buf__putc(b, '"');
}

static int suppressed_cb(void *payload, int ncol, const char *const *v)
{
	rows_ctx *c = payload;
	char t[40];

	(void)ncol;
	c->n++;
	fmt_time(t, sizeof(t), v[3] ? strtoll(v[3], NULL, 10) : 0);
	switch (c->format) {
	case BW_LEDGER_TEXT:
		bw_buf__printf(c->b, "%s\n", v[0]);
		break;
	case BW_LEDGER_CSV:
		csv_field(c->b, v[0]);
		bw_buf__putc(c->b, ',');
		csv_field(c->b, v[1]);
		bw_buf__putc(c->b, ',');
		csv_field(c->b, v[2]);
		bw_buf__printf(c->b, ",%s,", t);
		csv_field(c->b, v[4]);
		bw_buf__putc(c->b, '\n');
		break;
	case BW_LEDGER_POSTFIX:
		bw_buf__printf(c->b, "%s REJECT 5.1.1 %s by bouncewhy ledger rule %s\n", v[0],
		               v[1], v[2]);
		break;
	case BW_LEDGER_JSON: {
		bw_jsonw__begin_object(c->w);
		add_str(c->w, "address", v[0]);
		add_str(c->w, "state", v[1]);
		add_str(c->w, "rule", v[2]);
		add_time(c->w, "since", v[3]);
		add_str(c->w, "reason", v[4]);
		bw_jsonw__end_object(c->w);
		break;
	}
	}
	return 0;
}

int bw_ledger_suppressed(char **out, bw_ledger *l, bw_ledger_format format)
{
	static const char sql[] =
		"SELECT address, state, rule, since, reason FROM bw_subscriber"
		" WHERE state IN ('suppressed', 'unsubscribed') ORDER BY address";
	bw_buf b = BW_BUF_INIT;
	bw_jsonw w;
	rows_ctx c = { format, &w, &b, 0 };
	int rc;

	bw_jsonw__init(&w, BW_JSONW_COMPACT, NULL, NULL);
	if (!out || !l)
		return bw_error__set(BW_EINVALID, "bw_ledger_suppressed: NULL argument");
	*out = NULL;
	if ((rc = check_format(format, true, "suppressed")) < 0)
		return rc;
	if (format == BW_LEDGER_CSV)
		bw_buf__puts(&b, "address,state,rule,since,reason\n");
	if (format == BW_LEDGER_JSON)
		bw_jsonw__begin_array(&w);
	rc = bw_ledger__exec(l, sql, NULL, 0, suppressed_cb, &c, NULL);
	if (format == BW_LEDGER_JSON) {
		bw_jsonw__end_array(&w);
		bw_buf__free(&b);
		return finish_json(out, &w, rc);
	}
	return finish_buf(out, &b, rc);
}

/* ------------------------------------------------------------------ */
/* alerts                                                               */
/* ------------------------------------------------------------------ */

static int alert_cb(void *payload, int ncol, const char *const *v)
{
	rows_ctx *c = payload;
	char t0[40], t1[40];

	(void)ncol;
	c->n++;
	if (c->format == BW_LEDGER_JSON) {
		bw_jsonw__begin_object(c->w);
		add_str(c->w, "provider", v[0]);
		add_str(c->w, "reason", v[1]);
		add_num(c->w, "count", v[2]);
		add_time(c->w, "first", v[3]);
		add_time(c->w, "last", v[4]);
		add_str(c->w, "provider_code", v[5]);
		bw_jsonw__end_object(c->w);
	} else {
		fmt_time(t0, sizeof(t0), strtoll(v[3], NULL, 10));
		fmt_time(t1, sizeof(t1), strtoll(v[4], NULL, 10));
		bw_buf__printf(c->b, "  sender: %s: %s x%s%s%s%s (%s .. %s)\n", v[0], v[1] ? v[1] : "?", v[2],
		               v[5] ? " [" : "", v[5] ? v[5] : "", v[5] ? "]" : "", t0, t1);
	}
	return 0;
}

static int outage_cb(void *payload, int ncol, const char *const *v)
{
	rows_ctx *c = payload;
	char t0[40], t1[40];

	(void)ncol;
	c->n++;
	if (c->format == BW_LEDGER_JSON) {
		bw_jsonw__begin_object(c->w);
		add_str(c->w, "domain", v[0]);
		add_num(c->w, "held", v[1]);
		add_time(c->w, "first", v[2]);
		add_time(c->w, "last", v[3]);
		bw_jsonw__end_object(c->w);
	} else {
		fmt_time(t0, sizeof(t0), strtoll(v[2], NULL, 10));
		fmt_time(t1, sizeof(t1), strtoll(v[3], NULL, 10));
		bw_buf__printf(c->b, "  outage: %s: %s addresses held (%s .. %s)\n", v[0], v[1], t0, t1);
	}
	return 0;
}

int bw_ledger_alerts(char **out, bw_ledger *l, bw_ledger_format format)
{
	/* The fault list comes from the policy: up to BW_POLICY_MAX_LIST "?". */
	static const char sql_outage[] =
		"SELECT domain, COUNT(*), MIN(since), MAX(since) FROM bw_subscriber"
		" WHERE state = 'held' GROUP BY domain ORDER BY COUNT(*) DESC, domain";
	bw_ledger_val p[1 + BW_POLICY_MAX_LIST];
	bw_buf b = BW_BUF_INIT, sql = BW_BUF_INIT;
	bw_jsonw w;
	rows_ctx c = { format, &w, &b, 0 };
	int i, n = 0, rc;

	bw_jsonw__init(&w, BW_JSONW_COMPACT, NULL, NULL);
	if (!out || !l)
		return bw_error__set(BW_EINVALID, "bw_ledger_alerts: NULL argument");
	*out = NULL;
	if ((rc = check_format(format, false, "alerts")) < 0)
		return rc;
	bw_buf__puts(&sql, "SELECT COALESCE(provider, domain), reason, COUNT(*), MIN(ts), MAX(ts),"
	             " MAX(provider_code) FROM bw_event WHERE event = 'bounce' AND ts >= ? AND fault IN (''");
	p[n++] = LV_INT(bw_ledger__now(l) - (long long)l->policy.alert_days * 86400);
	for (i = 0; i < l->policy.sender_faults.n; i++) {
		bw_buf__puts(&sql, ", ?");
		p[n++] = LV_TEXT(l->policy.sender_faults.v[i]);
	}
	bw_buf__puts(&sql, ") GROUP BY COALESCE(provider, domain), reason"
	             " ORDER BY COUNT(*) DESC, COALESCE(provider, domain), reason");
	if (sql.oom) {
		bw_buf__free(&sql);
		return bw_error__set(BW_ENOMEM, "out of memory");
	}
	if (format == BW_LEDGER_JSON) {
		bw_jsonw__begin_object(&w);
		bw_jsonw__key(&w, "sender");
		bw_jsonw__begin_array(&w);
	} else {
		bw_buf__printf(&b, "sender-side failures in the last %ld days (fix these; the addresses are kept):\n",
		               l->policy.alert_days);
	}
	rc = bw_ledger__exec(l, sql.p, p, n, alert_cb, &c, NULL);
	bw_buf__free(&sql);
	if (format == BW_LEDGER_JSON) {
		bw_jsonw__end_array(&w);
		bw_jsonw__key(&w, "outages");
		bw_jsonw__begin_array(&w);
	} else {
		if (c.n == 0)
			bw_buf__puts(&b, "  none\n");
		bw_buf__puts(&b, "suspected receiver outages (addresses held, not suppressed):\n");
		c.n = 0;
	}
	if (rc == BW_OK)
		rc = bw_ledger__exec(l, sql_outage, NULL, 0, outage_cb, &c, NULL);
	if (format == BW_LEDGER_JSON) {
		bw_jsonw__end_array(&w);
		bw_jsonw__end_object(&w);
		bw_buf__free(&b);
		return finish_json(out, &w, rc);
	}
	if (c.n == 0)
		bw_buf__puts(&b, "  none\n");
	return finish_buf(out, &b, rc);
}

/* ------------------------------------------------------------------ */
/* stats                                                                */
/* ------------------------------------------------------------------ */

typedef struct stats_ctx {
	bw_ledger_format format;
	bw_jsonw *w;        /* JSON: the open object the counts go to */
	bw_buf *b;
	bool day;
} stats_ctx;

static int stats_cb(void *payload, int ncol, const char *const *v)
{
	stats_ctx *c = payload;
	char key[40];
	const char *k = v[0] ? v[0] : "(none)";

	(void)ncol;
	if (c->day) {
		time_t tt = (time_t)(strtoll(k, NULL, 10) * 86400);
		struct tm tm;
		gmtime_r(&tt, &tm);
		strftime(key, sizeof(key), "%Y-%m-%d", &tm);
		k = key;
	}
	if (c->format == BW_LEDGER_JSON)
		add_num(c->w, k, v[1]);
	else
		bw_buf__printf(c->b, "  %10s  %s\n", v[1], k);
	return 0;
}

int bw_ledger_stats(char **out, bw_ledger *l, bw_ledger_format format)
{
	static const struct { const char *name, *sql; bool day; } parts[] = {
		{ "states", "SELECT state, COUNT(*) FROM bw_subscriber GROUP BY state ORDER BY COUNT(*) DESC, state", false },
		{ "events", "SELECT event, COUNT(*) FROM bw_event GROUP BY event ORDER BY COUNT(*) DESC, event", false },
		{ "reasons", "SELECT reason, COUNT(*) FROM bw_event WHERE event = 'bounce'"
		  " GROUP BY reason ORDER BY COUNT(*) DESC, reason", false },
		{ "faults", "SELECT fault, COUNT(*) FROM bw_event WHERE event = 'bounce'"
		  " GROUP BY fault ORDER BY COUNT(*) DESC, fault", false },
		{ "providers", "SELECT provider, COUNT(*) FROM bw_event WHERE event = 'bounce'"
		  " GROUP BY provider ORDER BY COUNT(*) DESC, provider LIMIT 50", false },
		{ "domains", "SELECT domain, COUNT(*) FROM bw_event WHERE event = 'bounce'"
		  " GROUP BY domain ORDER BY COUNT(*) DESC, domain LIMIT 50", false },
		{ "days", "SELECT ts / 86400, COUNT(*) FROM bw_event WHERE event = 'bounce'"
		  " GROUP BY ts / 86400 ORDER BY ts / 86400 DESC LIMIT 60", true },
	};
	bw_buf b = BW_BUF_INIT;
	bw_jsonw w;
	stats_ctx c = { format, &w, &b, false };
	size_t i;
	int rc = BW_OK;

	if (!out || !l)
		return bw_error__set(BW_EINVALID, "bw_ledger_stats: NULL argument");
	*out = NULL;
	if ((rc = check_format(format, false, "stats")) < 0)
		return rc;
	bw_jsonw__init(&w, BW_JSONW_COMPACT, NULL, NULL);
	if (format == BW_LEDGER_JSON)
		bw_jsonw__begin_object(&w);
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]) && rc == BW_OK; i++) {
		if (format == BW_LEDGER_JSON) {
			bw_jsonw__key(&w, parts[i].name);
			bw_jsonw__begin_object(&w);
		} else {
			bw_buf__printf(&b, "%s%s:\n", i ? "\n" : "", parts[i].name);
		}
		c.day = parts[i].day;
		rc = bw_ledger__exec(l, parts[i].sql, NULL, 0, stats_cb, &c, NULL);
		if (format == BW_LEDGER_JSON)
			bw_jsonw__end_object(&w);
	}
	if (format == BW_LEDGER_JSON) {
		bw_jsonw__end_object(&w);
		bw_buf__free(&b);
		return finish_json(out, &w, rc);
	}
	return finish_buf(out, &b, rc);
}
