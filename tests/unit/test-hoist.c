/*
 * The \b and lookbehind hoisting of lib/rules/rules_hoist.c: what it rewrites, what it
 * leaves alone, and that every pattern of the rules database matches every
 * rule example the same way (same result, same match, same named captures)
 * written and rewritten, as well as every example with 4 bytes cut off
 * each end and a Latin-1 copy (invalid UTF-8).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "examples.h"
#include "rules/rules_hoist.h"

#define FLAGS (PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF)

static void check_rewrite(const char *pattern, const char *want)
{
	char *got = bw_rules__hoist(pattern);

	if (!want)
		CHECK(got == NULL);
	else
		CHECK_STR(got ? got : "(none)", want);
	free(got);
}

static pcre2_code *compile(const char *p)
{
	int err;
	PCRE2_SIZE off;

	return pcre2_compile((PCRE2_SPTR)p, PCRE2_ZERO_TERMINATED, FLAGS, &err, &off, NULL);
}

/* The capture called name, or "" (none, or unset). */
static void capture(pcre2_match_data *md, const char *name, char *out, size_t size)
{
	PCRE2_SIZE len = size;

	if (pcre2_substring_copy_byname(md, (PCRE2_SPTR)name, (PCRE2_UCHAR *)out, &len) != 0)
		out[0] = '\0';
}

/* Both codes on text: the same result, match and named captures. */
static bool same(pcre2_code *a, pcre2_code *b, const char *text, size_t len, pcre2_match_data *ma,
                pcre2_match_data *mb)
{
	int ra = pcre2_match(a, (PCRE2_SPTR)text, len, 0, 0, ma, NULL);
	int rb = pcre2_match(b, (PCRE2_SPTR)text, len, 0, 0, mb, NULL);
	PCRE2_SIZE *oa = pcre2_get_ovector_pointer(ma), *ob = pcre2_get_ovector_pointer(mb);
	char ca[256], cb[256];

	if ((ra >= 0) != (rb >= 0))
		return false;
	if (ra < 0)
		return true;
	if (oa[0] != ob[0] || oa[1] != ob[1])
		return false;
	capture(ma, "code", ca, sizeof(ca));
	capture(mb, "code", cb, sizeof(cb));
	if (strcmp(ca, cb) != 0)
		return false;
	capture(ma, "tag", ca, sizeof(ca));
	capture(mb, "tag", cb, sizeof(cb));
	return strcmp(ca, cb) == 0;
}

struct pair {
	pcre2_code *written, *rewritten;
	pcre2_match_data *ma, *mb;
};

static bool same_on(const char *text, size_t len, void *arg)
{
	const struct pair *p = arg;

	return same(p->written, p->rewritten, text, len, p->ma, p->mb);
}

/* Every pattern of the database against every example in each of its forms
 * (examples.h); returns how many patterns were rewritten. */
static int check_database(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *pats = NULL;
	struct pair p = { NULL, NULL, pcre2_match_data_create(32, NULL),
	                  pcre2_match_data_create(32, NULL) };
	examples ex;
	int rewritten = 0;

	CHECK(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
	CHECK(examples_load(&ex, db));
	CHECK(ex.n > 100);
	CHECK(sqlite3_prepare_v2(db, "SELECT id, text FROM rule WHERE text IS NOT NULL", -1, &pats, NULL) == SQLITE_OK);
	while (pats && sqlite3_step(pats) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(pats, 0);
		const char *text = (const char *)sqlite3_column_text(pats, 1);
		char *fast = bw_rules__hoist(text);
		bool ok;

		if (!fast)
			continue;
		rewritten++;
		p.written = compile(text);
		p.rewritten = compile(fast);
		CHECK(p.written && p.rewritten);
		ok = p.written && p.rewritten && examples_all_forms(&ex, same_on, &p);
		if (!ok)
			fprintf(stderr, "rule %s: the rewritten pattern matches differently\n", id);
		CHECK(ok);
		pcre2_code_free(p.written);
		pcre2_code_free(p.rewritten);
		free(fast);
	}
	sqlite3_finalize(pats);
	sqlite3_close(db);
	examples_free(&ex);
	pcre2_match_data_free(p.ma);
	pcre2_match_data_free(p.mb);
	return rewritten;
}

int main(void)
{
	const char *db = getenv("BOUNCEWHY_RULES");

	check_rewrite("\\bfoo\\b|\\bbar\\b|baz", "\\b(?:foo\\b|bar\\b)|baz");
	check_rewrite("baz|\\bfoo|\\bbar", "baz|\\b(?:foo|bar)");
	check_rewrite("(?:\\ba\\s+b|\\bc)\\b", "(?:\\b(?:a\\s+b|c))\\b");
	check_rewrite("x(?<code>\\b5\\d\\d|\\b4\\d\\d)", "x(?<code>\\b(?:5\\d\\d|4\\d\\d))");
	check_rewrite("\\ba|[|(]|\\bb", "\\b(?:a)|[|(]|\\b(?:b)");
	/* nothing to hoist, or syntax it does not read */
	check_rewrite("foo|bar", NULL);
	check_rewrite("(?<=\\ba|\\bb)c", NULL);
	check_rewrite("(?i)\\ba|\\bb", NULL);
	check_rewrite("\\Q\\b|\\E|\\bb", NULL);
	check_rewrite("[[:alpha:]]|\\ba|\\bb", NULL);
	check_rewrite("(*UCP)\\ba|\\bb", NULL);
	check_rewrite("(?|\\ba|\\bb)", NULL);
	check_rewrite("\\ba|\\bb(", NULL);
	/* a quantified \b is not a boundary to hoist */
	check_rewrite("\\b?a|\\bb", "\\b?a|\\b(?:b)");
	/* a lookbehind that two or more alternatives of a group begin with
	 * (the lexicon's word edges in a frame), when it captures nothing */
	check_rewrite("x(?:(?<!x)foo|(?<!x)bar|baz)", "x(?:(?<!x)(?:foo|bar)|baz)");
	check_rewrite("((?:(?<![\\w\\p{M}])a|(?<![\\w\\p{M}])b))c",
	              "((?:(?<![\\w\\p{M}])(?:a|b)))c");
	check_rewrite("(?:\\ba|\\bb|(?<=x)c|(?<=x)d|e)f", "(?:\\b(?:a|b)|(?<=x)(?:c|d)|e)f");
	check_rewrite("y(?:(?<!(?<=a)b)c|(?<!(?<=a)b)d)", "y(?:(?<!(?<=a)b)(?:c|d))");
	check_rewrite("y(?:(?<!x)a|(?<!y)b|(?<!x)c)", NULL);     /* none twice in a row */
	check_rewrite("y(?:(?<=(x))a|(?<=(x))b)", NULL);         /* captures: numbers would change */
	check_rewrite("y(?:(?<=(?<n>x))a|(?<=(?<n>x))b)", NULL);
	check_rewrite("y(?:(?<!x)?a|(?<!x)?b)", NULL);
	/* not in the pattern's own alternation, or that of a "(?:...)" that
	 * is all of it: matched an alternative at a time (rules_match.c) */
	check_rewrite("(?<!x)a|(?<!x)b", NULL);
	check_rewrite("(?:(?<!x)a|(?<!x)b)", NULL);
	check_rewrite("(?:(?<!x)a|(?<!x)b)c", "(?:(?<!x)(?:a|b))c");
	check_rewrite("(?:(?:(?<!x)a|(?<!x)b))", "(?:(?:(?<!x)(?:a|b)))");
	if (db)
		CHECK(check_database(db) > 50);
	return check_done();
}
