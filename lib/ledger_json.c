/*
 * ledger_json.c - the ledger's reports (status, suppressed, alerts, stats)
 * in text, CSV, JSON and Postfix form, and reading the CLI's NDJSON records
 * back in.  The ledger's only user of cJSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "error.h"
#include "ledger.h"
#include "util.h"

/* ------------------------------------------------------------------ */
/* NDJSON in                                                            */
/* ------------------------------------------------------------------ */

static const char *jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : "";
}

int bw_ledger_add_json(bw_ledger *l, const char *json, size_t len, size_t *added)
{
	cJSON *root, *rcpts, *hdrs, *r, *h;
	bw_ledger_view v;
	size_t i = 0;
	int rc;

	if (added)
		*added = 0;
	if (!l || !json)
		return bw_error__set(BW_EINVALID, "bw_ledger_add_json: NULL argument");
	root = cJSON_ParseWithLength(json, len);
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return bw_error__set(BW_EPARSE, "not a JSON object");
	}
	memset(&v, 0, sizeof(v));
	v.kind = jstr(root, "kind");
	if (!*v.kind || !strcmp(v.kind, "error")) {
		cJSON_Delete(root);
		return BW_OK;
	}
	v.date = jstr(root, "date");
	v.from = jstr(root, "from");
	v.subject = jstr(root, "subject");
	v.arrival = jstr(root, "arrival_date");
	v.message_id = "";
	v.orig_message_id = jstr(root, "original_message_id");
	v.source = jstr(root, "source");
	hdrs = cJSON_GetObjectItemCaseSensitive(root, "original_headers");
	if (l->policy.subscriber_header[0] && cJSON_IsObject(hdrs))
		cJSON_ArrayForEach(h, hdrs)
			if (h->string && bw_strcasecmp(h->string, l->policy.subscriber_header) == 0 &&
			    cJSON_IsString(h))
				v.subscriber_header = h->valuestring;
	rcpts = cJSON_GetObjectItemCaseSensitive(root, "recipients");
	v.n_rcpt = cJSON_IsArray(rcpts) ? (size_t)cJSON_GetArraySize(rcpts) : 0;
	if (v.n_rcpt && !(v.rcpt = calloc(v.n_rcpt, sizeof(*v.rcpt)))) {
		cJSON_Delete(root);
		return bw_error__set(BW_ENOMEM, "out of memory");
	}
	if (v.n_rcpt)
		cJSON_ArrayForEach(r, rcpts) {
			bw_ledger_rcpt_view *x = &v.rcpt[i++];
			x->recipient = jstr(r, "recipient");
			x->original_recipient = jstr(r, "original_recipient");
			x->action = jstr(r, "action");
			x->status = jstr(r, "status");
			x->reason = jstr(r, "reason");
			x->fault = jstr(r, "fault");
			x->provider = jstr(r, "provider");
			x->provider_code = jstr(r, "provider_code");
			x->last_attempt = jstr(r, "last_attempt_date");
			x->feedback_type = jstr(r, "feedback_type");
			if (!*x->feedback_type)
				x->feedback_type = jstr(root, "feedback_type");
			x->hard = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "hard_bounce"));
			x->confidence = cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(r, "confidence"))
				? cJSON_GetObjectItemCaseSensitive(r, "confidence")->valuedouble : -1.0;
		}
	rc = bw_ledger__add_view(l, &v, added);
	free(v.rcpt);
	cJSON_Delete(root);
	return rc;
}

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

static int finish_json(char **out, cJSON *root)
{
	char *s = cJSON_PrintUnformatted(root), *res;
	size_t n;

	cJSON_Delete(root);
	if (!s)
		return bw_error__set(BW_ENOMEM, "out of memory");
	n = strlen(s);
	res = malloc(n + 2);
	if (res) {
		memcpy(res, s, n);
		res[n] = '\n';
		res[n + 1] = '\0';
	}
	cJSON_free(s);
	*out = res;
	return res ? BW_OK : bw_error__set(BW_ENOMEM, "out of memory");
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

static void add_str(cJSON *o, const char *key, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

static void add_time(cJSON *o, const char *key, const char *v)
{
	char buf[40];

	if (!v) {
		cJSON_AddNullToObject(o, key);
		return;
	}
	fmt_time(buf, sizeof(buf), strtoll(v, NULL, 10));
	cJSON_AddStringToObject(o, key, buf);
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
	cJSON *arr;
	bw_buf *b;
	long n;
} rows_ctx;

static int transition_cb(void *payload, int ncol, const char *const *v)
{
	rows_ctx *c = payload;
	char t[40];

	(void)ncol;
	if (c->format == BW_LEDGER_JSON) {
		cJSON *o = cJSON_CreateObject();
		add_time(o, "time", v[0]);
		add_str(o, "from", v[1]);
		add_str(o, "to", v[2]);
		add_str(o, "rule", v[3]);
		cJSON_AddItemToArray(c->arr, o);
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
		cJSON *o = cJSON_CreateObject();
		add_time(o, "time", v[0]);
		add_str(o, "event", v[1]);
		add_str(o, "reason", v[2]);
		add_str(o, "fault", v[3]);
		add_str(o, "provider", v[4]);
		add_str(o, "provider_code", v[5]);
		add_str(o, "status", v[6]);
		if (v[7])
			cJSON_AddBoolToObject(o, "hard", atoi(v[7]) != 0);
		else
			cJSON_AddNullToObject(o, "hard");
		if (v[8])
			cJSON_AddNumberToObject(o, "confidence", strtod(v[8], NULL));
		else
			cJSON_AddNullToObject(o, "confidence");
		add_str(o, "report_id", v[9]);
		add_str(o, "original_id", v[10]);
		add_str(o, "recipient", v[11]);
		add_str(o, "source", v[12]);
		cJSON_AddBoolToObject(o, "counts", v[13] && atoi(v[13]) != 0);
		cJSON_AddItemToArray(c->arr, o);
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
	cJSON *root = NULL;
	rows_ctx c = { format, NULL, &b, 0 };
	char t[40];
	int rc;

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
		root = cJSON_CreateObject();
		cJSON_AddStringToObject(root, "address", a);
		cJSON_AddStringToObject(root, "state", si.state ? si.state : "active");
		add_str(root, "rule", si.rule && si.rule[0] ? si.rule : NULL);
		add_time(root, "since", si.since);
		add_str(root, "reason", si.reason);
		cJSON_AddBoolToObject(root, "known", si.found);
		c.arr = cJSON_AddArrayToObject(root, "changes");
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
	if (format == BW_LEDGER_JSON)
		c.arr = cJSON_AddArrayToObject(root, "entries");
	else if (si.found)
		bw_buf__puts(&b, "entries:\n");
	rc = bw_ledger__exec(l, sql_events, p, 1, event_cb, &c, NULL);
out:
	free(a);
	free(si.state);
	free(si.rule);
	free(si.since);
	free(si.reason);
	if (format == BW_LEDGER_JSON) {
		bw_buf__free(&b);
		if (rc < 0) {
			cJSON_Delete(root);
			return rc;
		}
		return finish_json(out, root);
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
		cJSON *o = cJSON_CreateObject();
		add_str(o, "address", v[0]);
		add_str(o, "state", v[1]);
		add_str(o, "rule", v[2]);
		add_time(o, "since", v[3]);
		add_str(o, "reason", v[4]);
		cJSON_AddItemToArray(c->arr, o);
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
	rows_ctx c = { format, NULL, &b, 0 };
	cJSON *root = NULL;
	int rc;

	if (!out || !l)
		return bw_error__set(BW_EINVALID, "bw_ledger_suppressed: NULL argument");
	*out = NULL;
	if ((rc = check_format(format, true, "suppressed")) < 0)
		return rc;
	if (format == BW_LEDGER_CSV)
		bw_buf__puts(&b, "address,state,rule,since,reason\n");
	if (format == BW_LEDGER_JSON)
		c.arr = root = cJSON_CreateArray();
	rc = bw_ledger__exec(l, sql, NULL, 0, suppressed_cb, &c, NULL);
	if (format == BW_LEDGER_JSON) {
		bw_buf__free(&b);
		if (rc < 0) {
			cJSON_Delete(root);
			return rc;
		}
		return finish_json(out, root);
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
		cJSON *o = cJSON_CreateObject();
		add_str(o, "provider", v[0]);
		add_str(o, "reason", v[1]);
		cJSON_AddNumberToObject(o, "count", strtod(v[2], NULL));
		add_time(o, "first", v[3]);
		add_time(o, "last", v[4]);
		add_str(o, "provider_code", v[5]);
		cJSON_AddItemToArray(c->arr, o);
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
		cJSON *o = cJSON_CreateObject();
		add_str(o, "domain", v[0]);
		cJSON_AddNumberToObject(o, "held", strtod(v[1], NULL));
		add_time(o, "first", v[2]);
		add_time(o, "last", v[3]);
		cJSON_AddItemToArray(c->arr, o);
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
	rows_ctx c = { format, NULL, &b, 0 };
	cJSON *root = NULL;
	int i, n = 0, rc;

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
		root = cJSON_CreateObject();
		c.arr = cJSON_AddArrayToObject(root, "sender");
	} else {
		bw_buf__printf(&b, "sender-side failures in the last %ld days (fix these; the addresses are kept):\n",
		               l->policy.alert_days);
	}
	rc = bw_ledger__exec(l, sql.p, p, n, alert_cb, &c, NULL);
	bw_buf__free(&sql);
	if (format == BW_LEDGER_JSON) {
		c.arr = cJSON_AddArrayToObject(root, "outages");
	} else {
		if (c.n == 0)
			bw_buf__puts(&b, "  none\n");
		bw_buf__puts(&b, "suspected receiver outages (addresses held, not suppressed):\n");
		c.n = 0;
	}
	if (rc == BW_OK)
		rc = bw_ledger__exec(l, sql_outage, NULL, 0, outage_cb, &c, NULL);
	if (format == BW_LEDGER_JSON) {
		bw_buf__free(&b);
		if (rc < 0) {
			cJSON_Delete(root);
			return rc;
		}
		return finish_json(out, root);
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
	cJSON *obj;
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
		cJSON_AddNumberToObject(c->obj, k, strtod(v[1], NULL));
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
	cJSON *root = NULL;
	stats_ctx c = { format, NULL, &b, false };
	size_t i;
	int rc = BW_OK;

	if (!out || !l)
		return bw_error__set(BW_EINVALID, "bw_ledger_stats: NULL argument");
	*out = NULL;
	if ((rc = check_format(format, false, "stats")) < 0)
		return rc;
	if (format == BW_LEDGER_JSON)
		root = cJSON_CreateObject();
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]) && rc == BW_OK; i++) {
		if (format == BW_LEDGER_JSON)
			c.obj = cJSON_AddObjectToObject(root, parts[i].name);
		else
			bw_buf__printf(&b, "%s%s:\n", i ? "\n" : "", parts[i].name);
		c.day = parts[i].day;
		rc = bw_ledger__exec(l, parts[i].sql, NULL, 0, stats_cb, &c, NULL);
	}
	if (format == BW_LEDGER_JSON) {
		bw_buf__free(&b);
		if (rc < 0) {
			cJSON_Delete(root);
			return rc;
		}
		return finish_json(out, root);
	}
	return finish_buf(out, &b, rc);
}
