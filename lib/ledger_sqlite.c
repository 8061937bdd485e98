/*
 * ledger_sqlite.c - the SQLite backend of the ledger: one file in WAL mode,
 * a busy timeout, and write transactions taken with BEGIN IMMEDIATE so
 * that concurrent writers wait for each other instead of failing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "error.h"
#include "ledger.h"

typedef struct sqlite_store {
	bw_ledger_store base;
	sqlite3 *db;
	/* A small cache of prepared statements, keyed by the SQL text's address
	 * (the ledger's statements are string literals). */
	struct { const char *sql; sqlite3_stmt *st; } cache[48];
	int n_cache;
} sqlite_store;

static int fail(sqlite_store *s, const char *what)
{
	return bw_error__set(BW_ELEDGER, "ledger (sqlite): %s: %s", what, sqlite3_errmsg(s->db));
}

static sqlite3_stmt *prepare(sqlite_store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int i;

	for (i = 0; i < s->n_cache; i++)
		if (s->cache[i].sql == sql && strcmp(sqlite3_sql(s->cache[i].st), sql) == 0)
			return s->cache[i].st;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	for (i = 0; i < s->n_cache; i++)
		if (s->cache[i].sql == sql)
			break;       /* same address, other text: replace that entry */
	if (i < s->n_cache) {
		sqlite3_finalize(s->cache[i].st);
		s->cache[i].st = st;
	} else if (s->n_cache < (int)(sizeof(s->cache) / sizeof(s->cache[0]))) {
		s->cache[s->n_cache].sql = sql;
		s->cache[s->n_cache].st = st;
		s->n_cache++;
	}
	return st;
}

static void release(sqlite_store *s, sqlite3_stmt *st)
{
	int i;

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	for (i = 0; i < s->n_cache; i++)
		if (s->cache[i].st == st)
			return;
	sqlite3_finalize(st);
}

static int sq_exec(bw_ledger_store *bs, const char *sql, const bw_ledger_val *params,
                   int nparams, bw_ledger_row_fn fn, void *payload, long long *changes)
{
	sqlite_store *s = (sqlite_store *)bs;
	sqlite3_stmt *st = prepare(s, sql);
	const char *vals[64];
	int i, rc, ncol;

	if (!st)
		return fail(s, "prepare");
	for (i = 0; i < nparams; i++) {
		switch (params[i].type) {
		case BW_LV_NULL: rc = sqlite3_bind_null(st, i + 1); break;
		case BW_LV_TEXT: rc = sqlite3_bind_text(st, i + 1, params[i].s, -1, SQLITE_STATIC); break;
		case BW_LV_INT: rc = sqlite3_bind_int64(st, i + 1, params[i].i); break;
		default: rc = sqlite3_bind_double(st, i + 1, params[i].d); break;
		}
		if (rc != SQLITE_OK) {
			rc = fail(s, "bind");
			release(s, st);
			return rc;
		}
	}
	ncol = sqlite3_column_count(st);
	if (ncol > 64)
		ncol = 64;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!fn)
			continue;
		for (i = 0; i < ncol; i++)
			vals[i] = (const char *)sqlite3_column_text(st, i);
		if (fn(payload, ncol, vals))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		rc = fail(s, "step");
		release(s, st);
		return rc;
	}
	if (changes)
		*changes = sqlite3_changes(s->db);
	release(s, st);
	return BW_OK;
}

static int sq_script(bw_ledger_store *bs, const char *sql)
{
	sqlite_store *s = (sqlite_store *)bs;

	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return fail(s, "script");
	return BW_OK;
}

static int sq_begin(bw_ledger_store *bs)
{
	return sq_script(bs, "BEGIN IMMEDIATE");
}

static int sq_commit(bw_ledger_store *bs)
{
	return sq_script(bs, "COMMIT");
}

static int sq_rollback(bw_ledger_store *bs)
{
	sqlite_store *s = (sqlite_store *)bs;

	if (sqlite3_get_autocommit(s->db))
		return BW_OK;
	return sq_script(bs, "ROLLBACK");
}

static void sq_close(bw_ledger_store *bs)
{
	sqlite_store *s = (sqlite_store *)bs;
	int i;

	if (!s)
		return;
	for (i = 0; i < s->n_cache; i++)
		sqlite3_finalize(s->cache[i].st);
	sqlite3_close(s->db);
	free(s);
}

static const bw_ledger_store_ops sqlite_ops = {
	.name = "sqlite",
	.serial_pk = "INTEGER PRIMARY KEY",
	.exec = sq_exec,
	.script = sq_script,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.close = sq_close,
};

int bw_ledger__sqlite_open(bw_ledger_store **out, const char *path, unsigned busy_ms)
{
	sqlite_store *s = calloc(1, sizeof(*s));
	unsigned waited;
	int rc;

	*out = NULL;
	if (!s)
		return bw_error__set(BW_ENOMEM, "out of memory");
	s->base.ops = &sqlite_ops;
	rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	                     SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		bw_error__set(BW_ELEDGER, "ledger %s: cannot open: %s", path,
		              s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		sq_close(&s->base);
		return BW_ELEDGER;
	}
	sqlite3_busy_timeout(s->db, (int)busy_ms);
	/* WAL lets readers run beside one writer; NORMAL sync is durable
	 * against process crashes (the kill test) and fast.  Two processes
	 * opening a new ledger at once both switch it to WAL, and SQLite may
	 * answer one of them "database is locked" at once, without waiting
	 * (its lock escalation avoids a deadlock): that switch is retried for
	 * the busy timeout. */
	for (waited = 0;; waited += 10) {
		rc = sqlite3_exec(s->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
		                  "PRAGMA foreign_keys=OFF;", NULL, NULL, NULL);
		if ((rc & 0xff) != SQLITE_BUSY || waited >= busy_ms)
			break;
		sqlite3_sleep(10);
	}
	if (rc != SQLITE_OK) {
		bw_error__set(BW_ELEDGER, "ledger %s: %s", path, sqlite3_errmsg(s->db));
		sq_close(&s->base);
		return BW_ELEDGER;
	}
	*out = &s->base;
	return BW_OK;
}
