/*
 * Patterns that begin with a negative lookahead (lib/rules/rules_guard.c):
 * which are read that way, and that the rest's matches with the lookahead
 * tried where they start give the whole pattern's result, match and groups:
 * from every start offset on texts written for it, and, with the rules
 * database, for every such pattern of it over every rule example (from
 * the start and the middle).
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "examples.h"
#include "rules/rules_impl.h"

#define FLAGS (PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF)

static pcre2_code *compile(const char *p, size_t len)
{
	int err;
	PCRE2_SIZE off;

	return pcre2_compile((PCRE2_SPTR)p, len, FLAGS, &err, &off, NULL);
}

/* Whether the guarded match of `pattern` agrees with PCRE2's on text, from
 * every start offset (all), or from its start and its middle. */
static bool agrees(const bw_rules *rules, const char *pattern, const char *text, size_t len,
                   bool all)
{
	size_t g = bw_rules__guard_len(pattern), off;
	char guard[8192];
	pcre2_code *whole, *rest, *lookahead;
	pcre2_match_data *mw = pcre2_match_data_create(1, NULL), *mg = pcre2_match_data_create(1, NULL);
	bool ok = true;

	if (!g || g - 4 + 8 > sizeof(guard))
		return false;
	snprintf(guard, sizeof(guard), "\\G(?:%.*s)", (int)(g - 4), pattern + 3);
	whole = compile(pattern, PCRE2_ZERO_TERMINATED);
	rest = compile(pattern + g, PCRE2_ZERO_TERMINATED);
	lookahead = compile(guard, PCRE2_ZERO_TERMINATED);
	if (!whole || !rest || !lookahead)
		ok = false;
	for (off = 0; ok && off <= len; off = all ? off + 1 : off < len / 2 ? len / 2 : len + 1) {
		int a, b, k;
		PCRE2_SIZE *oa, *ob;

		/* the whole pattern's match data, sized as the rules size it */
		a = bw_rules__run_code(rules, whole, text, len, off, &mw);
		b = bw_rules__guarded_match(rules, rest, lookahead, text, len, off, &mg);
		if (a != b) {
			ok = false;
			break;
		}
		oa = pcre2_get_ovector_pointer(mw);
		ob = pcre2_get_ovector_pointer(mg);
		for (k = 0; a > 0 && k < 2 * a; k++)
			if (oa[k] != ob[k])
				ok = false;
	}
	if (!ok)
		fprintf(stderr, "differs: /%s/ on \"%.*s\"\n", pattern, (int)len, text);
	pcre2_code_free(whole);
	pcre2_code_free(rest);
	pcre2_code_free(lookahead);
	pcre2_match_data_free(mw);
	pcre2_match_data_free(mg);
	return ok;
}

struct guarded {
	const bw_rules *rules;
	const char *pattern;
};

static bool agrees_on(const char *text, size_t len, void *arg)
{
	const struct guarded *g = arg;

	return agrees(g->rules, g->pattern, text, len, false);
}

/* Every pattern of the database with a leading negative lookahead over
 * every rule example in each of its forms (examples.h); returns how many
 * patterns there were. */
static int check_database(const bw_rules *rules, const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *pats = NULL;
	examples ex;
	int n = 0;

	CHECK(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
	CHECK(examples_load(&ex, db));
	CHECK(sqlite3_prepare_v2(db, "SELECT text FROM rule WHERE text LIKE '(?!%'", -1, &pats,
	                         NULL) == SQLITE_OK);
	while (pats && sqlite3_step(pats) == SQLITE_ROW) {
		struct guarded g = { rules, (const char *)sqlite3_column_text(pats, 0) };

		if (!bw_rules__guard_len(g.pattern))
			continue;
		n++;
		CHECK(examples_all_forms(&ex, agrees_on, &g));
	}
	sqlite3_finalize(pats);
	sqlite3_close(db);
	examples_free(&ex);
	return n;
}

int main(void)
{
	static const char *const patterns[] = {
		"(?![^\\n]{0,20}?\\bfrom\\s+\\d+\\.\\d+)(?:connection\\s+(?:refused|lost)|timed\\s+out)",
		"(?!x)\\w+",
		"(?!(?:ab|c))[a-c]+",
		"(?![^.]*policy)(?:\\b(?<tag>denied)\\b|блок\\w*)",
		"(?!.{0,3}é)\\w",
	};
	static const char *const texts[] = {
		"connection refused",
		"connection refused from 192.0.2.1",
		"timed out from 192.0.2.1; connection lost later",
		"abcabc cab ba",
		"xxxy denied by policy. denied!",
		"доступ блокирован",
		"aé bé cccé d",
		"",
		"x",
		"\xe9\xff connection lost \xc3",
	};
	bw_rules rules;
	const char *db = getenv("BOUNCEWHY_RULES");
	size_t i, j;

	/* which patterns are read as guarded */
	CHECK(bw_rules__guard_len("(?!x)abc") == 5);
	CHECK(bw_rules__guard_len("(?!(?:x|y))(?:a|b)") == 11);
	CHECK(bw_rules__guard_len("(?![)(]\\))a") == 10);   /* classes, escapes */
	CHECK(bw_rules__guard_len("(?!x)") == 0);           /* nothing after */
	CHECK(bw_rules__guard_len("(?!x)?a") == 0);         /* quantified */
	CHECK(bw_rules__guard_len("(?!x)a|b") == 0);        /* b is not guarded */
	CHECK(bw_rules__guard_len("(?!(x))a") == 0);        /* a group number */
	CHECK(bw_rules__guard_len("(?!(?<n>x))a") == 0);
	CHECK(bw_rules__guard_len("(?!x)\\Ga") == 0);
	CHECK(bw_rules__guard_len("(?!x)a(*SKIP)b") == 0);
	CHECK(bw_rules__guard_len("a(?!x)b") == 0);

	memset(&rules, 0, sizeof(rules));
	rules.mctx = pcre2_match_context_create(NULL);
	for (i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++)
		for (j = 0; j < sizeof(texts) / sizeof(texts[0]); j++)
			CHECK(agrees(&rules, patterns[i], texts[j], strlen(texts[j]), true));
	if (db)
		CHECK(check_database(&rules, db) >= 1);
	pcre2_match_context_free(rules.mctx);
	return check_done();
}
