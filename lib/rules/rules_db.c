/*
 * rules_db.c - reads and writes the compiled rule database (SQLite).
 *
 * The schema is rules/schema.sql, embedded at build time as
 * BW_RULES_SCHEMA_SQL.  Writing is deterministic: a fresh file, one
 * transaction, rows in source order, no time or host in it; the same
 * sources give the same bytes (with the same SQLite library).
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "rules_set.h"
#include "rules_prefilter.h"
#include "rules/rules_schema.h"
#include "../error.h"
#include "../util.h"

static const char sqlite_magic[16] = "SQLite format 3";

/* The image's memory is asked for in huge pages (2 MiB) where the system
 * has them: on a virtual machine with shadow page tables the first write to
 * each 4 KiB page of fresh memory costs a trap to the host, and copying the
 * 12.7 MB image took 17-25 ms that way against 1.5 ms in huge pages. */
#define IMAGE_HUGE ((size_t)2 << 20)

/* Maps len bytes of fresh memory for the image, aligned to IMAGE_HUGE and
 * advised to be backed by huge pages (MADV_HUGEPAGE, where there is one);
 * *maplen gets the mapping's length for munmap(). An image smaller than one
 * huge page (a user's overlay) is mapped plainly: a huge page would cost it
 * 2 MiB of memory.  NULL when out of memory. */
static char *image_map(size_t len, size_t *maplen)
{
	size_t full, head, tail;
	char *raw, *p;

	if (len < IMAGE_HUGE) {
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return NULL;
		*maplen = len;
		return p;
	}
	if (len > SIZE_MAX - 2 * IMAGE_HUGE)
		return NULL;
	full = (len + IMAGE_HUGE - 1) / IMAGE_HUGE * IMAGE_HUGE;
	raw = mmap(NULL, full + IMAGE_HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	           -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	p = (char *)(((uintptr_t)raw + IMAGE_HUGE - 1) & ~(uintptr_t)(IMAGE_HUGE - 1));
	head = (size_t)(p - raw);
	tail = IMAGE_HUGE - head;
	if (head)
		munmap(raw, head);
	if (tail)
		munmap(p + full, tail);
#ifdef MADV_HUGEPAGE
	madvise(p, full, MADV_HUGEPAGE);    /* advice only: without it, 4 KiB pages */
#endif
	*maplen = full;
	return p;
}

/* A NULL string in rule_image (see "the image" below). */
#define IMAGE_NULL 0xFFFFFFFFu

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

/* Prepares "SELECT cols... FROM rest": the column list is written once, in
 * the caller's table of names, and read back by the enum that indexes it. */
static int prepare_select(sqlite3 *db, const char *const *cols, size_t n, const char *rest,
                          sqlite3_stmt **st)
{
	bw_buf sql = BW_BUF_INIT;
	size_t i;
	int rc;

	bw_buf__puts(&sql, "SELECT ");
	for (i = 0; i < n; i++)
		bw_buf__printf(&sql, "%s%s", i ? ", " : "", cols[i]);
	bw_buf__printf(&sql, " FROM %s", rest);
	rc = sql.oom ? SQLITE_NOMEM : sqlite3_prepare_v2(db, sql.p, -1, st, NULL);
	bw_buf__free(&sql);
	return rc;
}

/* Reads the list of `key` with `st`, a statement prepared once per
 * database ("SELECT value FROM table WHERE owner = ?1 ORDER BY seq") and
 * reset here for the next key. */
static int read_list(sqlite3 *db, const char *path, sqlite3_stmt *st,
                     const char *key, bw_rstrv *out)
{
	int rc = BW_OK, step;

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	while (rc == BW_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);

		rc = bw_rstrv__push(out, t ? (const char *)t : "");
	}
	if (rc == BW_OK && step != SQLITE_DONE)
		rc = db_error(db, path);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

/* Prepares the n statements of `sql` (all NULL on failure). */
static int prepare_all(sqlite3 *db, const char *path, const char *const *sql,
                       sqlite3_stmt **st, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		st[i] = NULL;
	for (i = 0; i < n; i++) {
		if (sqlite3_prepare_v2(db, sql[i], -1, &st[i], NULL) != SQLITE_OK) {
			int rc = db_error(db, path);

			while (i > 0)
				sqlite3_finalize(st[--i]);
			return rc;
		}
	}
	return BW_OK;
}

static void finalize_all(sqlite3_stmt **st, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sqlite3_finalize(st[i]);
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
		} else if (strcmp(k, "prefilter_version") == 0) {
			s->prefilter_stored = strcmp(v, BW_RULES_PREFILTER_VERSION) == 0;
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
	static const char *const list_sql[] = {
		"SELECT domain FROM provider_domain WHERE provider = ?1 ORDER BY seq",
		"SELECT host FROM provider_host WHERE provider = ?1 ORDER BY seq",
		"SELECT mark FROM provider_mark WHERE provider = ?1 ORDER BY seq",
	};
	sqlite3_stmt *st = NULL, *lst[3];
	int rc = BW_OK, step, oom = 0;

	enum { P_ID, P_NAME, P_URL, P_FILE, P_LINE, P_COUNT };
	static const char *const cols[P_COUNT] = {
		[P_ID] = "id", [P_NAME] = "name", [P_URL] = "url", [P_FILE] = "file", [P_LINE] = "line",
	};

	if (prepare_select(db, cols, P_COUNT, "provider ORDER BY seq", &st) != SQLITE_OK)
		return db_error(db, path);
	if ((rc = prepare_all(db, path, list_sql, lst, 3)) < 0) {
		sqlite3_finalize(st);
		return rc;
	}
	while (rc == BW_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		bw_rset_provider *p = bw_rset__add_provider(s);

		if (!p) {
			rc = bw_error__set(BW_ENOMEM, "out of memory");
			break;
		}
		p->id = col(st, P_ID, &oom);
		p->name = col(st, P_NAME, &oom);
		p->url = col(st, P_URL, &oom);
		p->file = col(st, P_FILE, &oom);
		p->line = (unsigned int)sqlite3_column_int(st, P_LINE);
		if (oom)
			rc = bw_error__set(BW_ENOMEM, "out of memory");
		else if (!p->id || !p->name || !p->file)
			rc = bw_error__set(BW_ERULES, "%s: corrupt provider row", path);
		else if (!p->url && !(p->url = bw_strdup("")))
			rc = bw_error__set(BW_ENOMEM, "out of memory");
		if (rc == BW_OK)
			rc = read_list(db, path, lst[0], p->id, &p->domains);
		if (rc == BW_OK)
			rc = read_list(db, path, lst[1], p->id, &p->hosts);
		if (rc == BW_OK)
			rc = read_list(db, path, lst[2], p->id, &p->marks);
	}
	if (rc == BW_OK && step != SQLITE_DONE)
		rc = db_error(db, path);
	sqlite3_finalize(st);
	finalize_all(lst, 3);
	return rc;
}

static int tristate(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return -1;
	return sqlite3_column_int(st, i) != 0;
}

static int cmp_rule_id(const void *a, const void *b)
{
	return strcmp((*(bw_rset_rule *const *)a)->id, (*(bw_rset_rule *const *)b)->id);
}

/* Reads one list table, `sql` giving (rule, value) rows ordered by rule
 * (SQLite's BINARY order, strcmp's) and seq, into the list at byte offset
 * `list` of the rules by[0..n), sorted by id: one scan of the table, not a
 * query per rule. */
static int read_rule_lists(sqlite3 *db, const char *path, const char *sql, bw_rset_rule **by,
                           size_t n, size_t list)
{
	sqlite3_stmt *st = NULL;
	size_t k = 0;
	int rc = BW_OK, step;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_error(db, path);
	while (rc == BW_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *owner = (const char *)sqlite3_column_text(st, 0);
		const unsigned char *t = sqlite3_column_text(st, 1);
		int c = 1;

		if (!owner)
			continue;
		while (k < n && (c = strcmp(by[k]->id, owner)) < 0)
			k++;
		if (k < n && c == 0)
			rc = bw_rstrv__push((bw_rstrv *)((char *)by[k] + list), t ? (const char *)t : "");
	}
	if (rc == BW_OK && step != SQLITE_DONE)
		rc = db_error(db, path);
	sqlite3_finalize(st);
	return rc;
}

/* The stored prefilter literals of the rules s->rule[first..] (rule_prefilter,
 * keyed by the rule's seq, 1-based in the database's order). */
static int read_prefilter(sqlite3 *db, const char *path, bw_rset *s, size_t first)
{
	sqlite3_stmt *st = NULL;
	int rc = BW_OK, step;

	if (sqlite3_prepare_v2(db, "SELECT rule, literals, alternatives FROM rule_prefilter"
	                       " ORDER BY rule", -1, &st, NULL) != SQLITE_OK)
		return db_error(db, path);
	while (rc == BW_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite3_int64 seq = sqlite3_column_int64(st, 0);
		const unsigned char *t = sqlite3_column_text(st, 1);
		bw_rset_rule *r;

		if (seq < 1 || (size_t)seq > s->n_rule - first || !t)
			continue;
		r = &s->rule[first + (size_t)seq - 1];
		if (!r->text || r->literals)
			continue;
		if (!(r->literals = bw_strdup((const char *)t)))
			rc = bw_error__set(BW_ENOMEM, "out of memory");
		else if ((t = sqlite3_column_text(st, 2)) &&
		         !(r->alt_literals = bw_strdup((const char *)t)))
			rc = bw_error__set(BW_ENOMEM, "out of memory");
	}
	if (rc == BW_OK && step != SQLITE_DONE)
		rc = db_error(db, path);
	sqlite3_finalize(st);
	return rc;
}

static int read_rules(sqlite3 *db, const char *path, bw_rset *s)
{
	static const struct { const char *sql; size_t list; } lists[] = {
		{ "SELECT rule, text FROM rule_remedy ORDER BY rule, seq", offsetof(bw_rset_rule, remedies) },
		{ "SELECT rule, url FROM rule_ref ORDER BY rule, seq", offsetof(bw_rset_rule, refs) },
		{ "SELECT rule, text FROM rule_example ORDER BY rule, seq", offsetof(bw_rset_rule, examples) },
	};
	sqlite3_stmt *st = NULL;
	bw_rset_rule **by;
	size_t first = s->n_rule, i;
	int rc = BW_OK, step, oom = 0;

	enum {
		R_ID, R_FILE, R_LINE, R_TIER, R_PRIORITY, R_PROVIDER, R_TEXT, R_STATUS, R_REPLY,
		R_COMMAND, R_FORMAT, R_ACTION, R_REASON, R_FAULT, R_PERMANENT, R_HARD, R_EXPLAIN,
		R_COUNT
	};
	static const char *const cols[R_COUNT] = {
		[R_ID] = "id", [R_FILE] = "file", [R_LINE] = "line", [R_TIER] = "tier",
		[R_PRIORITY] = "priority", [R_PROVIDER] = "provider", [R_TEXT] = "text",
		[R_STATUS] = "status", [R_REPLY] = "reply", [R_COMMAND] = "command",
		[R_FORMAT] = "format", [R_ACTION] = "action", [R_REASON] = "reason",
		[R_FAULT] = "fault", [R_PERMANENT] = "permanent", [R_HARD] = "hard",
		[R_EXPLAIN] = "explain",
	};

	if (prepare_select(db, cols, R_COUNT, "rule ORDER BY seq", &st) != SQLITE_OK)
		return db_error(db, path);
	while (rc == BW_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		bw_rset_rule *r = bw_rset__add_rule(s);

		if (!r) {
			rc = bw_error__set(BW_ENOMEM, "out of memory");
			break;
		}
		r->id = col(st, R_ID, &oom);
		r->file = col(st, R_FILE, &oom);
		r->line = (unsigned int)sqlite3_column_int(st, R_LINE);
		r->tier = sqlite3_column_int(st, R_TIER);
		r->priority = sqlite3_column_int(st, R_PRIORITY);
		r->provider = col(st, R_PROVIDER, &oom);
		r->text = col(st, R_TEXT, &oom);
		r->status = col(st, R_STATUS, &oom);
		r->reply = col(st, R_REPLY, &oom);
		r->command = col(st, R_COMMAND, &oom);
		r->format = col(st, R_FORMAT, &oom);
		r->action = col(st, R_ACTION, &oom);
		r->reason = col(st, R_REASON, &oom);
		r->fault = col(st, R_FAULT, &oom);
		r->permanent = tristate(st, R_PERMANENT);
		r->hard = tristate(st, R_HARD);
		r->explain = col(st, R_EXPLAIN, &oom);
		if (oom)
			rc = bw_error__set(BW_ENOMEM, "out of memory");
		else if (!r->id || !r->file)
			rc = bw_error__set(BW_ERULES, "%s: corrupt rule row", path);
	}
	if (rc == BW_OK && step != SQLITE_DONE)
		rc = db_error(db, path);
	sqlite3_finalize(st);
	/* Their remedies, references and examples, each table read once. */
	if (rc == BW_OK && s->n_rule > first) {
		if (!(by = malloc((s->n_rule - first) * sizeof(*by))))
			return bw_error__set(BW_ENOMEM, "out of memory");
		for (i = first; i < s->n_rule; i++)
			by[i - first] = &s->rule[i];
		qsort(by, s->n_rule - first, sizeof(*by), cmp_rule_id);
		for (i = 0; rc == BW_OK && i < sizeof(lists) / sizeof(lists[0]); i++)
			rc = read_rule_lists(db, path, lists[i].sql, by, s->n_rule - first, lists[i].list);
		free(by);
	}
	if (rc == BW_OK && s->prefilter_stored)
		rc = read_prefilter(db, path, s, first);
	return rc;
}

/* Reading the image: a cursor over the copy, every step bounds-checked. */
typedef struct image_cur {
	char *p, *end;
	char **ptrs, **ptrs_end;
	bool bad;
} image_cur;

static uint32_t cur_u32(image_cur *c)
{
	const unsigned char *u = (const unsigned char *)c->p;

	if (c->bad || c->end - c->p < 4) {
		c->bad = true;
		return 0;
	}
	c->p += 4;
	return (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 | (uint32_t)u[3] << 24;
}

static char *cur_str(image_cur *c)
{
	uint32_t n = cur_u32(c);
	char *s;

	if (c->bad || n == IMAGE_NULL)
		return NULL;
	if ((size_t)(c->end - c->p) <= n || c->p[n] != '\0') {
		c->bad = true;
		return NULL;
	}
	s = c->p;
	c->p += (size_t)n + 1;
	return s;
}

/* A list: its array taken from the pointer block (cap 0: not growable). */
static void cur_list(image_cur *c, bw_rstrv *l)
{
	uint32_t n = cur_u32(c), i;

	if (c->bad)
		return;
	if ((size_t)(c->ptrs_end - c->ptrs) < n) {
		c->bad = true;
		return;
	}
	l->v = n ? c->ptrs : NULL;
	l->n = n;
	l->cap = 0;
	for (i = 0; i < n && !c->bad; i++)
		if (!(*c->ptrs++ = cur_str(c)))
			c->bad = true;
}

/* Reads the set from rule_image when it is there in this library's version
 * (and the prefilter literals in it are this library's): 1 read, 0 not
 * there (read the tables), negative on error. */
static int read_image(sqlite3 *db, const char *path, bw_rset *s)
{
	sqlite3_stmt *st = NULL;
	sqlite3_blob *blob = NULL;
	image_cur c = { 0 };
	sqlite3_int64 row;
	uint32_t n_prov, n_rule, n_items, i;
	int n, step;

	if (!s->prefilter_stored ||
	    sqlite3_prepare_v2(db, "SELECT rowid FROM rule_image WHERE version = ?1", -1, &st,
	                       NULL) != SQLITE_OK)
		return 0;     /* an older database: no such table */
	sqlite3_bind_text(st, 1, BW_RULES_IMAGE_VERSION, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	row = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (step == SQLITE_DONE)
		return 0;
	/* Read straight into our copy (sqlite3_blob_read), through the
	 * file mapped (PRAGMA mmap_size, set by the caller): no page cache
	 * and no assembled copy of the overflow pages on the way. */
	if (step != SQLITE_ROW ||
	    sqlite3_blob_open(db, "main", "rule_image", "data", row, 0, &blob) != SQLITE_OK) {
		n = db_error(db, path);
		sqlite3_blob_close(blob);
		return n;
	}
	n = sqlite3_blob_bytes(blob);
	if (n < 12) {
		sqlite3_blob_close(blob);
		return bw_error__set(BW_ERULES, "%s: corrupt rule image", path);
	}
	s->image = image_map((size_t)n, &s->image_len);
	if (!s->image) {
		sqlite3_blob_close(blob);
		return bw_error__set(BW_ENOMEM, "out of memory");
	}
	if (sqlite3_blob_read(blob, s->image, n, 0) != SQLITE_OK) {
		int rc = db_error(db, path);

		sqlite3_blob_close(blob);
		return rc;
	}
	sqlite3_blob_close(blob);
	c.p = s->image;
	c.end = s->image + n;
	n_prov = cur_u32(&c);
	n_rule = cur_u32(&c);
	n_items = cur_u32(&c);
	/* every count is bounded by the blob's size (4 bytes or more each) */
	if (n_prov > (uint32_t)n / 4 || n_rule > (uint32_t)n / 4 || n_items > (uint32_t)n / 4)
		return bw_error__set(BW_ERULES, "%s: corrupt rule image", path);
	s->image_ptrs = malloc((n_items ? n_items : 1) * sizeof(*s->image_ptrs));
	s->prov = calloc(n_prov ? n_prov : 1, sizeof(*s->prov));
	s->rule = calloc(n_rule ? n_rule : 1, sizeof(*s->rule));
	if (!s->image_ptrs || !s->prov || !s->rule)
		return bw_error__set(BW_ENOMEM, "out of memory");
	s->cap_prov = n_prov;
	s->cap_rule = n_rule;
	c.ptrs = s->image_ptrs;
	c.ptrs_end = s->image_ptrs + n_items;
	for (i = 0; i < n_prov && !c.bad; i++) {
		bw_rset_provider *p = &s->prov[s->n_prov++];

		p->id = cur_str(&c);
		p->name = cur_str(&c);
		p->url = cur_str(&c);
		p->file = cur_str(&c);
		p->line = cur_u32(&c);
		cur_list(&c, &p->domains);
		cur_list(&c, &p->hosts);
		cur_list(&c, &p->marks);
		if (!p->id || !p->name || !p->file || !p->url)
			c.bad = true;
	}
	for (i = 0; i < n_rule && !c.bad; i++) {
		bw_rset_rule *r = &s->rule[s->n_rule++];

		r->id = cur_str(&c);
		r->file = cur_str(&c);
		r->line = cur_u32(&c);
		r->tier = (int)cur_u32(&c);
		r->priority = (int)cur_u32(&c);
		r->provider = cur_str(&c);
		r->text = cur_str(&c);
		r->status = cur_str(&c);
		r->reply = cur_str(&c);
		r->command = cur_str(&c);
		r->format = cur_str(&c);
		r->action = cur_str(&c);
		r->reason = cur_str(&c);
		r->fault = cur_str(&c);
		r->explain = cur_str(&c);
		r->permanent = (int)cur_u32(&c);
		r->hard = (int)cur_u32(&c);
		cur_list(&c, &r->remedies);
		cur_list(&c, &r->refs);
		cur_list(&c, &r->examples);
		r->literals = cur_str(&c);
		r->alt_literals = cur_str(&c);
		r->index_picks = cur_str(&c);
		if (!r->id || !r->file || (r->text && !r->literals) ||
		    r->permanent < -1 || r->permanent > 1 || r->hard < -1 || r->hard > 1)
			c.bad = true;
	}
	if (c.bad || c.p != c.end || c.ptrs != c.ptrs_end)
		return bw_error__set(BW_ERULES, "%s: corrupt rule image", path);
	return 1;
}

/* Opens the database read-only and immutable (a URI with mode=ro and
 * immutable=1): SQLite then takes no locks and creates no -wal, -shm or
 * journal file beside it, even for a database left in WAL mode. */
static int open_immutable(const char *path, sqlite3 **db)
{
	bw_buf uri = BW_BUF_INIT;
	const unsigned char *p;
	int rc;

	bw_buf__puts(&uri, "file:");
	for (p = (const unsigned char *)path; *p; p++) {
		if (*p == '%' || *p == '?' || *p == '#' || *p <= ' ' || *p >= 0x7f)
			bw_buf__printf(&uri, "%%%02X", *p);
		else
			bw_buf__putc(&uri, (char)*p);
	}
	bw_buf__puts(&uri, "?mode=ro&immutable=1");
	if (uri.oom) {
		bw_buf__free(&uri);
		*db = NULL;
		return SQLITE_NOMEM;
	}
	rc = sqlite3_open_v2(uri.p, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
	bw_buf__free(&uri);
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
	if ((rc = open_immutable(path, &db)) != SQLITE_OK) {
		if (rc == SQLITE_NOMEM) {
			sqlite3_close(db);
			return bw_error__set(BW_ENOMEM, "out of memory");
		}
		rc = db_error(db, path);
		sqlite3_close(db);
		return rc;
	}
	/* mapped: the image is read through the mapping (read_image()) */
	sqlite3_exec(db, "PRAGMA mmap_size = 268435456", NULL, NULL, NULL);
	rc = read_meta(db, path, s);
	if (rc == BW_OK && s->n_prov == 0 && s->n_rule == 0 &&
	    (rc = read_image(db, path, s)) != 0) {
		sqlite3_close(db);
		return rc < 0 ? rc : BW_OK;
	}
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

enum { S_META, S_PROV, S_PDOM, S_PHOST, S_PMARK, S_RULE, S_REM, S_REF, S_EX, S_PF, S_IMAGE,
       S_COUNT };

/* ---- the image ---------------------------------------------------------
 * rule_image.data: what read_rules() and read_providers() read from the
 * tables, in one blob, so that bw_rset__read_db() makes one query, one copy
 * and one array of list pointers instead of a row step and an allocation
 * per string.  Integers are 4 bytes little-endian; a string is its length
 * (0xFFFFFFFF for NULL) then its bytes and a NUL, so that it is used in
 * place; a list is its count then its strings.
 *
 *   n_prov n_rule n_list_items
 *   per provider: id name url file line domains hosts marks
 *   per rule: id file line tier priority provider text status reply
 *             command format action reason fault explain permanent hard
 *             remedies refs examples literals alternatives index_picks
 *
 * (permanent and hard as -1/0/1; literals and alternatives as
 * rule_prefilter holds them, index_picks bw_rules__index_picks() of the
 * literals, or of bw_rules__alt_strings() of the alternatives when the
 * literals are "", all three NULL for a rule without a text.) */
static void image_u32(bw_buf *b, uint32_t v)
{
	char c[4] = { (char)(v & 0xFF), (char)((v >> 8) & 0xFF), (char)((v >> 16) & 0xFF),
	              (char)((v >> 24) & 0xFF) };

	bw_buf__put(b, c, 4);
}

static void image_str(bw_buf *b, const char *v)
{
	size_t n = v ? strlen(v) : 0;

	if (!v || n >= IMAGE_NULL) {
		image_u32(b, IMAGE_NULL);
		return;
	}
	image_u32(b, (uint32_t)n);
	bw_buf__put(b, v, n + 1);
}

static void image_list(bw_buf *b, const bw_rstrv *l, uint32_t *items)
{
	size_t i;

	image_u32(b, (uint32_t)l->n);
	for (i = 0; i < l->n; i++)
		image_str(b, l->v[i]);
	*items += (uint32_t)l->n;
}

/* The prefilter literals of `text` joined by '\n' ("" when none can be
 * derived), for rule_prefilter; NULL on ENOMEM. */
static char *joined_literals(const char *text)
{
	bw_buf b = BW_BUF_INIT;
	char **lits = NULL;
	size_t i;

	if (bw_rules__literals(text, &lits) < 0)
		return NULL;
	bw_buf__puts(&b, "");
	for (i = 0; lits && lits[i]; i++)
		bw_buf__printf(&b, "%s%s", i ? "\n" : "", lits[i]);
	bw_rules__literals_free(lits);
	if (b.oom) {
		bw_buf__free(&b);
		return NULL;
	}
	return bw_buf__detach(&b);
}

/* The literals of each top-level alternative of `text` (joined_literals()),
 * separated by '\x1e', in *out; *out NULL when the pattern has no
 * alternatives to match one by one.  Negative on ENOMEM. */
static int alternative_literals(const char *text, char **out)
{
	bw_buf b = BW_BUF_INIT;
	char **alts = NULL;
	int n = bw_rules__alternatives(text, &alts), k;

	*out = NULL;
	if (n <= 0)
		return n;
	for (k = 0; k < n; k++) {
		char *lits = joined_literals(alts[k]);

		if (!lits) {
			b.oom = true;
			break;
		}
		if (k)
			bw_buf__putc(&b, '\x1e');
		bw_buf__puts(&b, lits);
		free(lits);
	}
	bw_rules__literals_free(alts);
	if (b.oom) {
		bw_buf__free(&b);
		return -1;
	}
	*out = bw_buf__detach(&b);
	return *out ? 1 : -1;
}

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
		"INSERT INTO rule_prefilter (rule, literals, alternatives) VALUES (?1, ?2, ?3)",
		"INSERT INTO rule_image (version, data) VALUES (?1, ?2)",
	};
	sqlite3_stmt *st[S_COUNT] = { 0 };
	bw_buf image = BW_BUF_INIT;
	uint32_t items = 0;
	bw_triple_count *ex = calloc(1, sizeof(*ex));
	char version[16];
	size_t i, j;
	int rc = ex ? SQLITE_OK : SQLITE_NOMEM;

	for (i = 0; i < S_COUNT && rc == SQLITE_OK; i++)
		rc = sqlite3_prepare_v2(db, sql[i], -1, &st[i], NULL);
	/* which triples the examples (replies as servers write them) have:
	 * the index picks the rarest (bw_rules__index_picks()) */
	for (i = 0; ex && i < s->n_rule; i++)
		for (j = 0; j < s->rule[i].examples.n; j++)
			bw_rules__count_triples(ex, s->rule[i].examples.v[j]);

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
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st[S_META], 1, "prefilter_version", -1, SQLITE_STATIC);
		sqlite3_bind_text(st[S_META], 2, BW_RULES_PREFILTER_VERSION, -1, SQLITE_STATIC);
		rc = run(st[S_META]);
	}
	image_u32(&image, (uint32_t)s->n_prov);
	image_u32(&image, (uint32_t)s->n_rule);
	image_u32(&image, 0);      /* n_list_items, filled in at the end */
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
		image_str(&image, p->id);
		image_str(&image, p->name);
		image_str(&image, p->url ? p->url : "");
		image_str(&image, p->file);
		image_u32(&image, p->line);
		image_list(&image, &p->domains, &items);
		image_list(&image, &p->hosts, &items);
		image_list(&image, &p->marks, &items);
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
		image_str(&image, r->id);
		image_str(&image, r->file);
		image_u32(&image, r->line);
		image_u32(&image, (uint32_t)r->tier);
		image_u32(&image, (uint32_t)r->priority);
		image_str(&image, r->provider);
		image_str(&image, r->text);
		image_str(&image, r->status);
		image_str(&image, r->reply);
		image_str(&image, r->command);
		image_str(&image, r->format);
		image_str(&image, r->action);
		image_str(&image, r->reason);
		image_str(&image, r->fault);
		image_str(&image, r->explain);
		image_u32(&image, (uint32_t)r->permanent);
		image_u32(&image, (uint32_t)r->hard);
		image_list(&image, &r->remedies, &items);
		image_list(&image, &r->refs, &items);
		image_list(&image, &r->examples, &items);
		if (rc == SQLITE_OK && r->text) {
			char *lits = joined_literals(r->text), *alts = NULL, *alt_strings, *picks;

			if (!lits || alternative_literals(r->text, &alts) < 0) {
				free(lits);
				rc = SQLITE_NOMEM;
				break;
			}
			sqlite3_bind_int64(st[S_PF], 1, (sqlite3_int64)i + 1);
			sqlite3_bind_text(st[S_PF], 2, lits, -1, SQLITE_TRANSIENT);
			bind_opt(st[S_PF], 3, alts);
			rc = run(st[S_PF]);
			/* for a rule that has no literals of its own, the
			 * index files its alternatives' (rules_match.c) */
			alt_strings = *lits ? NULL : bw_rules__alt_strings(alts);
			picks = bw_rules__index_picks(alt_strings ? alt_strings : lits, ex->seen);
			free(alt_strings);
			image_str(&image, lits);
			image_str(&image, alts);
			image_str(&image, picks);
			free(lits);
			free(alts);
			if (!picks) {
				rc = SQLITE_NOMEM;
				break;
			}
			free(picks);
		} else {
			image_str(&image, NULL);
			image_str(&image, NULL);
			image_str(&image, NULL);
		}
	}
	if (rc == SQLITE_OK && image.oom)
		rc = SQLITE_NOMEM;
	if (rc == SQLITE_OK && image.len > INT_MAX)
		rc = SQLITE_TOOBIG;
	if (rc == SQLITE_OK) {
		image.p[8] = (char)(items & 0xFF);
		image.p[9] = (char)((items >> 8) & 0xFF);
		image.p[10] = (char)((items >> 16) & 0xFF);
		image.p[11] = (char)((items >> 24) & 0xFF);
		sqlite3_bind_text(st[S_IMAGE], 1, BW_RULES_IMAGE_VERSION, -1, SQLITE_STATIC);
		sqlite3_bind_blob(st[S_IMAGE], 2, image.p, (int)image.len, SQLITE_STATIC);
		rc = run(st[S_IMAGE]);
	}
	bw_buf__free(&image);
	free(ex);
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
