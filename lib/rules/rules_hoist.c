/*
 * rules_hoist.c - hoists the \b that begins consecutive alternatives out of
 * them (see rules_hoist.h).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "rules_hoist.h"
#include "../util.h"

/* Index just past the class that starts at p[i] ('['); *bad for a class
 * without end or with a POSIX class inside. */
static size_t class_end(const char *p, size_t i, bool *bad)
{
	size_t j = i + 1;

	if (p[j] == '^')
		j++;
	if (p[j] == ']')
		j++;
	while (p[j] && p[j] != ']') {
		if (p[j] == '\\') {
			if (!p[j + 1]) {
				*bad = true;
				return j + 1;
			}
			j += 2;
			continue;
		}
		if (p[j] == '[' && (p[j + 1] == ':' || p[j + 1] == '.' || p[j + 1] == '=')) {
			*bad = true;
			return j;
		}
		j++;
	}
	if (!p[j]) {
		*bad = true;
		return j;
	}
	return j + 1;
}

/* Index just past the item that starts at p[i]: an escape, a class, a
 * group (with what it holds), or one character; *bad for syntax not read
 * here. */
static size_t item_end(const char *p, size_t i, bool *bad)
{
	size_t j;

	switch (p[i]) {
	case '\\':
		if (!p[i + 1] || strchr("QEc", p[i + 1])) {
			*bad = true;
			return i + 1;
		}
		return i + 2;
	case '[':
		return class_end(p, i, bad);
	case '(':
		for (j = i + 1; p[j] && p[j] != ')' && !*bad;)
			j = item_end(p, j, bad);
		if (!p[j])
			*bad = true;
		return j + 1;
	case ')':
		*bad = true;
		return i + 1;
	default:
		return i + 1;
	}
}

/* What to hoist: wb, runs of alternatives that begin with \b; always,
 * runs of two or more that begin with the same lookbehind, but in the
 * pattern's own alternation (hoist_alternation()). */
typedef struct hoisting {
	bool wb;
} hoisting;

static bool hoist_alternation(const hoisting *h, const char *p, size_t i, size_t end, bool outer,
                              bw_buf *b);

/* Does p[i..] start a group name ("name>" of "(?<name>")? */
static bool name_start(char c)
{
	return bw_isalpha((unsigned char)c) || c == '_';
}

#define BAD ((size_t)-1)

/* Copies the alternative that starts at p[i] to b, up to the '|' that ends
 * it or `end`, rewriting the alternations of the groups it holds (outer:
 * the alternative is one of the pattern's own, hoist_alternation()).
 * Returns where it stopped, BAD for syntax not read here. */
static size_t copy_alternative(const hoisting *h, const char *p, size_t i, size_t end, bool outer,
                               bw_buf *b)
{
	size_t first = i;
	size_t run = i;       /* items not yet copied, up to a group */

	while (i < end && p[i] != '|') {
		bool bad = false;
		size_t e = item_end(p, i, &bad), open;

		if (bad || e > end)
			return BAD;
		if (p[i] != '(') {
			i = e;
			continue;
		}
		/* e - 1 is the group's ')' */
		if (p[i + 1] != '?' && p[i + 1] != '*')
			open = i + 1;                                  /* ( */
		else if (p[i + 1] == '?' && p[i + 2] == ':')
			open = i + 3;                                  /* (?: */
		else if (p[i + 1] == '?' && (p[i + 2] == '=' || p[i + 2] == '!' || p[i + 2] == '>' ||
		         (p[i + 2] == '<' && (p[i + 3] == '=' || p[i + 3] == '!')))) {
			i = e;                                         /* lookaround, atomic: as is */
			continue;
		} else if (p[i + 1] == '?' && (p[i + 2] == '<' || (p[i + 2] == 'P' && p[i + 3] == '<'))) {
			const char *gt;

			open = i + (p[i + 2] == '<' ? 3 : 4);          /* (?<name> (?P<name> */
			if (!name_start(p[open]) || !(gt = memchr(p + open, '>', e - open)))
				return BAD;
			open = (size_t)(gt - p) + 1;
		} else {
			return BAD;                                    /* (*VERB) (?| (?# (?( (?i) ... */
		}
		bw_buf__put(b, p + run, open - run);
		/* a "(?:...)" that is the whole pattern: its alternation is
		 * the outer one */
		if (!hoist_alternation(h, p, open, e - 1,
		                       outer && first == 0 && i == 0 && e == end && open == 3, b))
			return BAD;
		bw_buf__putc(b, ')');
		i = run = e;
	}
	bw_buf__put(b, p + run, i - run);
	return i;
}

/* Whether the group p[i..e) holds no capturing group (every '(' outside
 * escapes and classes starts "(?" other than a named group). */
static bool captures_nothing(const char *p, size_t i, size_t e)
{
	bool bad = false;

	for (i++; i < e - 1;) {
		size_t next = item_end(p, i, &bad);

		if (bad)
			return false;
		if (p[i] == '(') {
			if (p[i + 1] != '?' || p[i + 2] == '\'' || p[i + 2] == 'P' ||
			    (p[i + 2] == '<' && p[i + 3] != '=' && p[i + 3] != '!'))
				return false;
			if (!captures_nothing(p, i, next))
				return false;
		}
		i = next;
	}
	return true;
}

/* The length of the assertion the alternative at p[i] (the alternation
 * ending at `end`) begins with, when it is one that can be hoisted and
 * nothing quantifies it: a \b, or a lookbehind that holds no capturing
 * group (the lexicon's word edges, "(?<![\w\p{M}])"); else 0. */
static size_t leading_assertion(const char *p, size_t i, size_t end)
{
	size_t e = i;
	bool bad = false;

	if (i + 2 <= end && p[i] == '\\' && p[i + 1] == 'b')
		e = i + 2;
	else if (i + 4 <= end && p[i] == '(' && p[i + 1] == '?' && p[i + 2] == '<' &&
	         (p[i + 3] == '=' || p[i + 3] == '!')) {
		e = item_end(p, i, &bad);
		if (bad || e > end || !captures_nothing(p, i, e))
			return 0;
	}
	if (e == i || (e < end && strchr("*+?{", p[e])))
		return 0;
	return e - i;
}

/* Whether the alternative after the one at p[i] (the alternation ending
 * at `end`) begins with the n bytes at p[i] too (leading_assertion()). */
static bool next_begins_alike(const char *p, size_t i, size_t n, size_t end)
{
	bool bad = false;
	size_t j = i;

	while (j < end && p[j] != '|' && !bad)
		j = item_end(p, j, &bad);
	return !bad && j < end && leading_assertion(p, j + 1, end) == n &&
	       memcmp(p + i, p + j + 1, n) == 0;
}

/* Copies the alternation p[i..end) (a group's content, or the pattern) to
 * b, each run of alternatives that begin with the same assertion
 * (leading_assertion(), written the same) as one "assertion(?:...)": a
 * \b even alone, a lookbehind when two or more begin with it, but not in
 * the outer alternation (the pattern's, or that of a "(?:...)" that is
 * all of it): the rules match a pattern of many alternatives there one
 * alternative at a time (rules_match.c), each compiled on its own, and the
 * lexicon's cue lists, thousands of such alternatives, are not to be
 * rewritten and checked whole for nothing. */
static bool hoist_alternation(const hoisting *h, const char *p, size_t i, size_t end, bool outer,
                              bw_buf *b)
{
	bool first = true, in_run = false;
	const char *lead = NULL;
	size_t lead_len = 0;

	for (;;) {
		size_t n = leading_assertion(p, i, end), e;

		if (in_run && (n != lead_len || memcmp(p + i, lead, n) != 0)) {
			bw_buf__putc(b, ')');
			in_run = false;
		}
		if (!first)
			bw_buf__putc(b, '|');
		if (n && !in_run && (p[i] == '\\' ? h->wb : !outer && next_begins_alike(p, i, n, end))) {
			bw_buf__put(b, p + i, n);
			bw_buf__puts(b, "(?:");
			in_run = true;
			lead = p + i;
			lead_len = n;
		}
		if ((e = copy_alternative(h, p, in_run ? i + n : i, end, outer, b)) == BAD)
			return false;
		first = false;
		if (e >= end)
			break;
		i = e + 1;
	}
	if (in_run)
		bw_buf__putc(b, ')');
	return true;
}

char *bw_rules__hoist(const char *pattern)
{
	bw_buf b = BW_BUF_INIT;
	size_t len = strlen(pattern);
	hoisting h = { strstr(pattern, "|\\b") != NULL };

	/* nothing to gain without two alternatives beginning with an
	 * assertion */
	if ((!h.wb && !strstr(pattern, "|(?<")) ||
	    !hoist_alternation(&h, pattern, 0, len, true, &b) || b.oom ||
	    (b.len == len && memcmp(b.p, pattern, len) == 0)) {
		bw_buf__free(&b);
		return NULL;
	}
	return bw_buf__detach(&b);
}
