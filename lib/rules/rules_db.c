/*
 * rules_db.c - reads and writes the compiled rule database (SQLite).
 *
 * The schema is rules/schema.sql, embedded at build time as
 * BW_RULES_SCHEMA_SQL.  Writing is deterministic: a fresh file, one
 * transaction, rows in source order, no time or host in it; the same
 * sources give the same bytes (with the same SQLite library).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "rules_set.h"
#include "rules/rules_schema.h"
#include "../error.h"
#include "../util.h"

static const char sqlite_magic[16] = "SQLite format 3";

int bw_rset__is_db(const char *path)
{
	char head[16];
	FILE *f = fopen(path, "rb");
	size_t got;

	if (!f)
		return bw_error__set(BW_EIO, "%s: %s", path, strerror(errno));
	got = fread(head, 1, sizeof(head), f);
	fclose(f);
	return got == sizeof(head) && memcmp(head, sqlite_magic, sizeof(head)) == 0;
}

/* ---- reading --------------------------------------------------------- */

static int db_error(sqlite3 *db, const char *path)
{
	return bw_error__set(BW_ERULES, "%s: unusable rule database: %s", path,
	                     db ? sqlite3_errmsg(db) : "out of memory");
}

/* A copy of column i, or NULL when it is NULL.  *oom set on failure. */
static char *col(sqlite3_stmt *st, int i, int *oom)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	char *c;

	if (!t)
		return NULL;
	c = bw_strdup((const char *)t);
	if (!c)
		*oom = 1;
	return c;
}

static int read_list(sqlite3 *db, const char *path, const char *sql,
                     const char *key, bw_rstrv *out)
{
	sqlite3_stmt *st = NULL;
	int rc = BW_OK, step;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_error(db, path);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	while (rc == BW_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);

		rc = bw_rstrv__push(out, t ? (const char *)t : "");
	}
	if (rc == BW_OK && step != SQLITE_DONE)
		rc = db_error(db, path);
	sqlite3_finalize(st);
	return rc;
}

static int read_meta(sqlite3 *db, const char *path, bw_rset *s)
{
	sqlite3_stmt *st = NULL;
	int rc = BW_OK, step, have_version = 0;

	if (sqlite3_prepare_v2(db, "SELECT key, value FROM meta", -1, &st, NULL) != SQLITE_OK)
		return bw_error__set(BW_ERULES, "%s: not a bouncewhy rule database (%s)",
		                     path, sqlite3_errmsg(db));
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		const char *v = (const char *)sqlite3_column_text(st, 1);

		if (!k || !v)
			continue;
		if (strcmp(k, "schema_version") == 0) {
			s->schema_version = atoi(v);
			have_version = 1;
		} else if (strcmp(k, "source_hash") == 0) {
			snprintf(s->source_hash, sizeof(s->source_hash), "%s", v);
		}
	}
	if (step != SQLITE_DONE)
		rc = db_error(db, path);
	else if (!have_version)
		rc = bw_error__set(BW_ERULES, "%s: not a bouncewhy rule database (no schema_version)", path);
	else if (s->schema_version > BW_RULES_SCHEMA_VERSION)
		rc = bw_error__set(BW_ERULES,
			"%s: rule database schema version %d is newer than this library's (%d); "
			"upgrade bouncewhy or recompile the rules", path, s->schema_version,
			BW_RULES_SCHEMA_VERSION);
	else if (s->schema_version != BW_RULES_SCHEMA_VERSION)
		rc = bw_error__set(BW_ERULES,
			"%s: rule database schema version %d is not this library's (%d); "
			"recompile the rules", path, s->schema_version, BW_RULES_SCHEMA_VERSION);
	sqlite3_finalize(st);
	return rc;
}

static int read_providers(sqlite3 *db, const char *path, bw_rset *s)
{
	sqlite3_stmt *st = NULL;
	int rc = BW_OK, step, oom = 0;

	if (sqlite3_prepare_v2(db, "SELECT id, name, url, file, line FROM provider ORDER BY seq",
	                       -1, &st, NULL) != SQLITE_OK)
		return db_error(db, path);
	while (rc == BW_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		bw_rset_provider *p = bw_rset__add_provider(s);

		if (!p) {
			rc = bw_error__set(BW_ENOMEM, "out of memory");
			break;
		}
		p->id = col(st, 0, &oom);
		p->name = col(st, 1, &oom);
		p->url = col(st, 2, &oom);
		p->file = col(st, 3, &oom);
		p->line = (unsigned int)sqlite3_column_int(st, 4);
		if (oom)
			rc = bw_error__set(BW_ENOMEM, "out of memory");
		else if (!p->id || !p->name || !p->file)
			rc = bw_error__set(BW_ERULES, "%s: corrupt provider row", path);
		else if (!p->url && !(p->url = bw_strdup("")))
			rc = bw_error__set(BW_ENOMEM, "out of memory");
		if (rc == BW_OK)
			rc = read_list(db, path, "SELECT domain FROM provider_domain WHERE provider = ?1 ORDER BY seq",
			               p->id, &p->domains);
		if (rc == BW_OK)
			rc = read_list(db, path, "SELECT host FROM provider_host WHERE provider = ?1 ORDER BY seq",
			               p->id, &p->hosts);
		if (rc == BW_OK)
			rc = read_list(db, path, "SELECT mark FROM provider_mark WHERE provider = ?1 ORDER BY seq",
			               p->id, &p->marks);
	}
	if (rc == BW_OK && step != SQLITE_DONE)
		rc = db_error(db, path);
	sqlite3_finalize(st);
	return rc;
}

static int tristate(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return -1;
	return sqlite3_column_int(st, i) != 0;
}

static int read_rules(sqlite3 *db, const char *path, bw_rset *s)
{
	sqlite3_stmt *st = NULL;
	int rc = BW_OK, step, oom = 0;

	if (sqlite3_prepare_v2(db,
		"SELECT id, file, line, tier, priority, provider, text, status, reply, command,"
		" format, action, reason, fault, permanent, hard, explain FROM rule ORDER BY seq",
		-1, &st, NULL) != SQLITE_OK)
		return db_error(db, path);
	while (rc == BW_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		bw_rset_rule *r = bw_rset__add_rule(s);

		if (!r) {
			rc = bw_error__set(BW_ENOMEM, "out of memory");
			break;
		}
		r->id = col(st, 0, &oom);
		r->file = col(st, 1, &oom);
		r->line = (unsigned int)sqlite3_column_int(st, 2);
		r->tier = sqlite3_column_int(st, 3);
		r->priority = sqlite3_column_int(st, 4);
		r->provider = col(st, 5, &oom);
		r->text = col(st, 6, &oom);
		r->status = col(st, 7, &oom);
		r->reply = col(st, 8, &oom);
		r->command = col(st, 9, &oom);
		r->format = col(st, 10, &oom);
		r->action = col(st, 11, &oom);
		r->reason = col(st, 12, &oom);
		r->fault = col(st, 13, &oom);
		r->permanent = tristate(st, 14);
		r->hard = tristate(st, 15);
		r->explain = col(st, 16, &oom);
		if (oom)
			rc = bw_error__set(BW_ENOMEM, "out of memory");
		else if (!r->id || !r->file)
			rc = bw_error__set(BW_ERULES, "%s: corrupt rule row", path);
		if (rc == BW_OK)
			rc = read_list(db, path, "SELECT text FROM rule_remedy WHERE rule = ?1 ORDER BY seq",
			               r->id, &r->remedies);
		if (rc == BW_OK)
			rc = read_list(db, path, "SELECT url FROM rule_ref WHERE rule = ?1 ORDER BY seq",
			               r->id, &r->refs);
		if (rc == BW_OK)
			rc = read_list(db, path, "SELECT text FROM rule_example WHERE rule = ?1 ORDER BY seq",
			               r->id, &r->examples);
	}
	if (rc == BW_OK && step != SQLITE_DONE)
		rc = db_error(db, path);
	sqlite3_finalize(st);
	return rc;
}

int bw_rset__read_db(bw_rset *s, const char *path)
{
	sqlite3 *db = NULL;
	struct stat stbuf;
	int rc;

	if (stat(path, &stbuf) != 0)
		return bw_error__set(BW_ERULES, "%s: rule database not found: %s", path, strerror(errno));
	if (!S_ISREG(stbuf.st_mode))
		return bw_error__set(BW_ERULES, "%s: rule database is not a regular file", path);
	rc = bw_rset__is_db(path);
	if (rc < 0)
		return bw_error__set(BW_ERULES, "%s: cannot read the rule database", path);
	if (rc == 0)
		return bw_error__set(BW_ERULES, "%s: not a SQLite database", path);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		rc = db_error(db, path);
		sqlite3_close(db);
		return rc;
	}
	rc = read_meta(db, path, s);
	if (rc == BW_OK)
		rc = read_providers(db, path, s);
	if (rc == BW_OK)
		rc = read_rules(db, path, s);
	sqlite3_close(db);
	return rc;
}

/* ---- writing --------------------------------------------------------- */

static int bind_opt(sqlite3_stmt *st, int i, const char *v)
{
	return v ? sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

static int bind_tri(sqlite3_stmt *st, int i, int v)
{
	return v < 0 ? sqlite3_bind_null(st, i) : sqlite3_bind_int(st, i, v);
}

/* Runs a prepared insert and resets it. */
static int run(sqlite3_stmt *st)
{
	int step = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return step == SQLITE_DONE ? SQLITE_OK : step;
}

static int insert_list(sqlite3_stmt *st, const char *key, const bw_rstrv *l)
{
	size_t i;
	int rc = SQLITE_OK;

	for (i = 0; i < l->n && rc == SQLITE_OK; i++) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
		sqlite3_bind_text(st, 3, l->v[i], -1, SQLITE_STATIC);
		rc = run(st);
	}
	return rc;
}

enum { S_META, S_PROV, S_PDOM, S_PHOST, S_PMARK, S_RULE, S_REM, S_REF, S_EX, S_COUNT };

static int write_all(sqlite3 *db, const bw_rset *s)
{
	static const char *const sql[S_COUNT] = {
		"INSERT INTO meta (key, value) VALUES (?1, ?2)",
		"INSERT INTO provider (seq, id, name, url, file, line) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
		"INSERT INTO provider_domain (provider, seq, domain) VALUES (?1, ?2, ?3)",
		"INSERT INTO provider_host (provider, seq, host) VALUES (?1, ?2, ?3)",
		"INSERT INTO provider_mark (provider, seq, mark) VALUES (?1, ?2, ?3)",
		"INSERT INTO rule (seq, id, file, line, tier, priority, provider, text, status, reply,"
		" command, format, action, reason, fault, permanent, hard, explain) VALUES"
		" (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
		"INSERT INTO rule_remedy (rule, seq, text) VALUES (?1, ?2, ?3)",
		"INSERT INTO rule_ref (rule, seq, url) VALUES (?1, ?2, ?3)",
		"INSERT INTO rule_example (rule, seq, text) VALUES (?1, ?2, ?3)",
	};
	sqlite3_stmt *st[S_COUNT] = { 0 };
	char version[16];
	size_t i;
	int rc = SQLITE_OK;

	for (i = 0; i < S_COUNT && rc == SQLITE_OK; i++)
		rc = sqlite3_prepare_v2(db, sql[i], -1, &st[i], NULL);

	snprintf(version, sizeof(version), "%d", BW_RULES_SCHEMA_VERSION);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st[S_META], 1, "schema_version", -1, SQLITE_STATIC);
		sqlite3_bind_text(st[S_META], 2, version, -1, SQLITE_STATIC);
		rc = run(st[S_META]);
	}
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st[S_META], 1, "source_hash", -1, SQLITE_STATIC);
		sqlite3_bind_text(st[S_META], 2, s->source_hash, -1, SQLITE_STATIC);
		rc = run(st[S_META]);
	}
	for (i = 0; i < s->n_prov && rc == SQLITE_OK; i++) {
		const bw_rset_provider *p = &s->prov[i];

		sqlite3_bind_int64(st[S_PROV], 1, (sqlite3_int64)i + 1);
		sqlite3_bind_text(st[S_PROV], 2, p->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st[S_PROV], 3, p->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st[S_PROV], 4, p->url ? p->url : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(st[S_PROV], 5, p->file, -1, SQLITE_STATIC);
		sqlite3_bind_int(st[S_PROV], 6, (int)p->line);
		rc = run(st[S_PROV]);
		if (rc == SQLITE_OK)
			rc = insert_list(st[S_PDOM], p->id, &p->domains);
		if (rc == SQLITE_OK)
			rc = insert_list(st[S_PHOST], p->id, &p->hosts);
		if (rc == SQLITE_OK)
			rc = insert_list(st[S_PMARK], p->id, &p->marks);
	}
	for (i = 0; i < s->n_rule && rc == SQLITE_OK; i++) {
		const bw_rset_rule *r = &s->rule[i];
		sqlite3_stmt *q = st[S_RULE];

		sqlite3_bind_int64(q, 1, (sqlite3_int64)i + 1);
		sqlite3_bind_text(q, 2, r->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 3, r->file, -1, SQLITE_STATIC);
		sqlite3_bind_int(q, 4, (int)r->line);
		sqlite3_bind_int(q, 5, r->tier);
		sqlite3_bind_int(q, 6, r->priority);
		bind_opt(q, 7, r->provider);
		bind_opt(q, 8, r->text);
		bind_opt(q, 9, r->status);
		bind_opt(q, 10, r->reply);
		bind_opt(q, 11, r->command);
		bind_opt(q, 12, r->format);
		bind_opt(q, 13, r->action);
		bind_opt(q, 14, r->reason);
		bind_opt(q, 15, r->fault);
		bind_tri(q, 16, r->permanent);
		bind_tri(q, 17, r->hard);
		bind_opt(q, 18, r->explain);
		rc = run(q);
		if (rc == SQLITE_OK)
			rc = insert_list(st[S_REM], r->id, &r->remedies);
		if (rc == SQLITE_OK)
			rc = insert_list(st[S_REF], r->id, &r->refs);
		if (rc == SQLITE_OK)
			rc = insert_list(st[S_EX], r->id, &r->examples);
	}
	for (i = 0; i < S_COUNT; i++)
		sqlite3_finalize(st[i]);
	return rc;
}

int bw_rset__write_db(const bw_rset *s, const char *path)
{
	bw_buf tmp = BW_BUF_INIT;
	sqlite3 *db = NULL;
	int rc;

	bw_buf__printf(&tmp, "%s.tmp", path);
	if (tmp.oom)
		return bw_error__set(BW_ENOMEM, "out of memory");
	if (unlink(tmp.p) != 0 && errno != ENOENT) {
		rc = bw_error__set(BW_EIO, "%s: %s", tmp.p, strerror(errno));
		bw_buf__free(&tmp);
		return rc;
	}
	rc = sqlite3_open_v2(tmp.p, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "PRAGMA page_size = 4096; PRAGMA journal_mode = OFF;"
		                      " PRAGMA synchronous = OFF; BEGIN;", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, BW_RULES_SCHEMA_SQL, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = write_all(db, s);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "COMMIT;", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		rc = bw_error__set(BW_EIO, "%s: cannot write the rule database: %s", path,
		                   db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		unlink(tmp.p);
		bw_buf__free(&tmp);
		return rc;
	}
	sqlite3_close(db);
	if (rename(tmp.p, path) != 0) {
		rc = bw_error__set(BW_EIO, "%s: %s", path, strerror(errno));
		unlink(tmp.p);
	} else {
		rc = BW_OK;
	}
	bw_buf__free(&tmp);
	return rc;
}
