/*
 * ledger_pg.c - the PostgreSQL backend of the ledger (libpq), so that a
 * fleet of mail hosts, or a list manager already on PostgreSQL, share one
 * ledger.  The statements are the ones the SQLite backend runs; "?"
 * placeholders become $1, $2...  Write transactions take a transaction-
 * scoped advisory lock, so writers exclude each other as SQLite's BEGIN
 * IMMEDIATE does, and the policy sees a stable history.
 *
 * Built only when meson finds libpq (BW_HAVE_LIBPQ); otherwise opening a
 * postgresql:// ledger fails with BW_EINVALID.  libpq is loaded with
 * dlopen() when a postgresql:// ledger is first opened, not linked: it
 * brings a dozen libraries (TLS, Kerberos, LDAP, SASL) whose loading cost
 * every process about 15 ms of CPU at start-up, ledger or not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "ledger.h"
#include "util.h"

#ifndef BW_HAVE_LIBPQ

int bw_ledger__pg_open(bw_ledger_store **out, const char *uri, unsigned busy_ms)
{
	(void)uri;
	(void)busy_ms;
	*out = NULL;
	return bw_error__set(BW_EINVALID, "this bouncewhy was built without PostgreSQL support (libpq)");
}

#else

#include <dlfcn.h>
#include <pthread.h>
#include <libpq-fe.h>

/* The libpq functions used, resolved from the library loaded at run time;
 * the names below call through them. */
#define PQ_FUNCTIONS(X) \
	X(PQclear) X(PQcmdTuples) X(PQconnectdb) X(PQerrorMessage) X(PQexec) \
	X(PQexecParams) X(PQexecPrepared) X(PQfinish) X(PQgetisnull) X(PQgetvalue) \
	X(PQnfields) X(PQntuples) X(PQprepare) X(PQresultErrorMessage) \
	X(PQresultStatus) X(PQstatus) X(PQtransactionStatus)
#define PQ_POINTER(f) __typeof__(f) *f;
static struct { PQ_FUNCTIONS(PQ_POINTER) } pq;
static char pq_error[200];
static pthread_once_t pq_once = PTHREAD_ONCE_INIT;

static void pq_load(void)
{
	static const char *const names[] = { "libpq.so.5", "libpq.so" };
	void *h = NULL;
	size_t i;

	for (i = 0; !h && i < sizeof(names) / sizeof(names[0]); i++)
		h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(pq_error, sizeof(pq_error), "cannot load libpq: %s", dlerror());
		return;
	}
#define PQ_RESOLVE(f) \
	if (!pq_error[0] && !(*(void **)&pq.f = dlsym(h, #f))) \
		snprintf(pq_error, sizeof(pq_error), "libpq lacks %s", #f);
	PQ_FUNCTIONS(PQ_RESOLVE)
#undef PQ_RESOLVE
}

#define PQ_CALL(f) (*pq.f)
#define PQclear PQ_CALL(PQclear)
#define PQcmdTuples PQ_CALL(PQcmdTuples)
#define PQconnectdb PQ_CALL(PQconnectdb)
#define PQerrorMessage PQ_CALL(PQerrorMessage)
#define PQexec PQ_CALL(PQexec)
#define PQexecParams PQ_CALL(PQexecParams)
#define PQexecPrepared PQ_CALL(PQexecPrepared)
#define PQfinish PQ_CALL(PQfinish)
#define PQgetisnull PQ_CALL(PQgetisnull)
#define PQgetvalue PQ_CALL(PQgetvalue)
#define PQnfields PQ_CALL(PQnfields)
#define PQntuples PQ_CALL(PQntuples)
#define PQprepare PQ_CALL(PQprepare)
#define PQresultErrorMessage PQ_CALL(PQresultErrorMessage)
#define PQresultStatus PQ_CALL(PQresultStatus)
#define PQstatus PQ_CALL(PQstatus)
#define PQtransactionStatus PQ_CALL(PQtransactionStatus)

/* Any 64-bit number: the key of the ledger's writer lock. */
#define LEDGER_LOCK_KEY "7310158472634391317"

typedef struct pg_store {
	bw_ledger_store base;
	PGconn *conn;
	/* Prepared statements, keyed by their text. */
	struct { char *sql; char name[16]; } cache[64];
	int n_cache;
} pg_store;

static int fail(pg_store *s, const char *what, const PGresult *res)
{
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(s->conn);
	char buf[400];
	size_t n;

	snprintf(buf, sizeof(buf), "%s", msg ? msg : "");
	n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return bw_error__set(BW_ELEDGER, "ledger (postgresql): %s: %s", what, buf);
}

static char *number_params(const char *sql)
{
	bw_buf b = BW_BUF_INIT;
	int n = 0;

	for (; *sql; sql++) {
		if (*sql == '?')
			bw_buf__printf(&b, "$%d", ++n);
		else
			bw_buf__putc(&b, *sql);
	}
	return bw_buf__detach(&b);
}

/* The prepared statement for `sql`: its name in *name, or NULL with the
 * numbered text in *owned when the cache is full.  Statements are
 * prepared once per connection, keyed by their text; parameter types are
 * those of the first call (NULLs left for the server to infer). */
static int prepare(pg_store *s, const char *sql, int nparams, const Oid *types,
                   const char **name, char **owned)
{
	PGresult *res;
	char *text, *key;
	int i, n;

	*name = NULL;
	*owned = NULL;
	for (i = 0; i < s->n_cache; i++)
		if (strcmp(s->cache[i].sql, sql) == 0) {
			*name = s->cache[i].name;
			return BW_OK;
		}
	if (!(text = number_params(sql)))
		return bw_error__set(BW_ENOMEM, "out of memory");
	n = s->n_cache;
	if (n == (int)(sizeof(s->cache) / sizeof(s->cache[0]))) {
		*owned = text;
		return BW_OK;
	}
	if (!(key = bw_strdup(sql))) {
		free(text);
		return bw_error__set(BW_ENOMEM, "out of memory");
	}
	snprintf(s->cache[n].name, sizeof(s->cache[n].name), "bw_ledger_%d", n);
	res = PQprepare(s->conn, s->cache[n].name, text, nparams, types);
	free(text);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		int rc = fail(s, "prepare", res);
		PQclear(res);
		free(key);
		return rc;
	}
	PQclear(res);
	s->cache[n].sql = key;
	s->n_cache++;
	*name = s->cache[n].name;
	return BW_OK;
}

static int pg_exec(bw_ledger_store *bs, const char *sql, const bw_ledger_val *params,
                   int nparams, bw_ledger_row_fn fn, void *payload, long long *changes)
{
	pg_store *s = (pg_store *)bs;
	const char *values[64];
	char nums[64][32];
	Oid types[64];
	const char *vals[64];
	char *owned = NULL;
	const char *name = NULL;
	PGresult *res;
	int i, r, rows, ncol, rc = BW_OK;

	if (nparams > 64)
		nparams = 64;
	for (i = 0; i < nparams; i++) {
		switch (params[i].type) {
		case BW_LV_NULL: values[i] = NULL; types[i] = 0; break;   /* inferred */
		case BW_LV_TEXT: values[i] = params[i].s; types[i] = 25; break;
		case BW_LV_INT:
			snprintf(nums[i], sizeof(nums[i]), "%lld", params[i].i);
			values[i] = nums[i];
			types[i] = 20;
			break;
		default:
			snprintf(nums[i], sizeof(nums[i]), "%.17g", params[i].d);
			values[i] = nums[i];
			types[i] = 701;
			break;
		}
	}
	if ((rc = prepare(s, sql, nparams, types, &name, &owned)) < 0)
		return rc;
	if (name)
		res = PQexecPrepared(s->conn, name, nparams, values, NULL, NULL, 0);
	else
		res = PQexecParams(s->conn, owned, nparams, types, values, NULL, NULL, 0);
	free(owned);
	if (PQresultStatus(res) != PGRES_TUPLES_OK && PQresultStatus(res) != PGRES_COMMAND_OK) {
		rc = fail(s, "statement", res);
		PQclear(res);
		return rc;
	}
	rows = PQntuples(res);
	ncol = PQnfields(res);
	if (ncol > 64)
		ncol = 64;
	for (r = 0; fn && r < rows; r++) {
		for (i = 0; i < ncol; i++)
			vals[i] = PQgetisnull(res, r, i) ? NULL : PQgetvalue(res, r, i);
		if (fn(payload, ncol, vals))
			break;
	}
	if (changes) {
		const char *t = PQcmdTuples(res);
		*changes = t && *t ? strtoll(t, NULL, 10) : 0;
	}
	PQclear(res);
	return BW_OK;
}

static int pg_script(bw_ledger_store *bs, const char *sql)
{
	pg_store *s = (pg_store *)bs;
	PGresult *res = PQexec(s->conn, sql);
	int rc = BW_OK;

	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = fail(s, "script", res);
	PQclear(res);
	return rc;
}

static int pg_begin(bw_ledger_store *bs)
{
	int rc = pg_script(bs, "BEGIN");

	if (rc == BW_OK && (rc = pg_script(bs, "SELECT pg_advisory_xact_lock(" LEDGER_LOCK_KEY ")")) < 0)
		pg_script(bs, "ROLLBACK");
	return rc;
}

static int pg_commit(bw_ledger_store *bs)
{
	return pg_script(bs, "COMMIT");
}

static int pg_rollback(bw_ledger_store *bs)
{
	pg_store *s = (pg_store *)bs;

	if (PQtransactionStatus(s->conn) == PQTRANS_IDLE)
		return BW_OK;
	return pg_script(bs, "ROLLBACK");
}

static void pg_close(bw_ledger_store *bs)
{
	pg_store *s = (pg_store *)bs;
	int i;

	if (!s)
		return;
	for (i = 0; i < s->n_cache; i++)
		free(s->cache[i].sql);
	PQfinish(s->conn);
	free(s);
}

static const bw_ledger_store_ops pg_ops = {
	.name = "postgresql",
	.serial_pk = "BIGSERIAL PRIMARY KEY",
	.exec = pg_exec,
	.script = pg_script,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.close = pg_close,
};

int bw_ledger__pg_open(bw_ledger_store **out, const char *uri, unsigned busy_ms)
{
	pg_store *s;
	char set[80];

	*out = NULL;
	pthread_once(&pq_once, pq_load);
	if (pq_error[0])
		return bw_error__set(BW_ELEDGER, "ledger (postgresql): %s", pq_error);
	s = calloc(1, sizeof(*s));
	if (!s)
		return bw_error__set(BW_ENOMEM, "out of memory");
	s->base.ops = &pg_ops;
	s->conn = PQconnectdb(uri);
	if (!s->conn || PQstatus(s->conn) != CONNECTION_OK) {
		fail(s, "cannot connect", NULL);
		pg_close(&s->base);
		return BW_ELEDGER;
	}
	/* The busy timeout: how long to wait for the writer lock. */
	snprintf(set, sizeof(set), "SET lock_timeout = %u; SET client_min_messages = warning", busy_ms);
	if (pg_script(&s->base, set) < 0) {
		pg_close(&s->base);
		return BW_ELEDGER;
	}
	*out = &s->base;
	return BW_OK;
}

#endif
