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

static bool hoist_alternation(const char *p, size_t i, size_t end, bw_buf *b);

/* Does p[i..] start a group name ("name>" of "(?<name>")? */
static bool name_start(char c)
{
	return bw_isalpha((unsigned char)c) || c == '_';
}

#define BAD ((size_t)-1)

/* Copies the alternative that starts at p[i] to b, up to the '|' that ends
 * it or `end`, rewriting the alternations of the groups it holds.  Returns
 * where it stopped, BAD for syntax not read here. */
static size_t copy_alternative(const char *p, size_t i, size_t end, bw_buf *b)
{
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
		if (!hoist_alternation(p, open, e - 1, b))
			return BAD;
		bw_buf__putc(b, ')');
		i = run = e;
	}
	bw_buf__put(b, p + run, i - run);
	return i;
}

/* Does the alternative at p[i] (the alternation ending at `end`) begin
 * with a \b that nothing quantifies? */
static bool begins_with_boundary(const char *p, size_t i, size_t end)
{
	return i + 2 <= end && p[i] == '\\' && p[i + 1] == 'b' &&
	       (i + 2 == end || !strchr("*+?{", p[i + 2]));
}

/* Copies the alternation p[i..end) (a group's content, or the pattern) to
 * b, each run of alternatives that begin with \b as one "\b(?:...)". */
static bool hoist_alternation(const char *p, size_t i, size_t end, bw_buf *b)
{
	bool first = true, in_run = false;

	for (;;) {
		bool wb = begins_with_boundary(p, i, end);
		size_t e;

		if (wb && !in_run) {
			if (!first)
				bw_buf__putc(b, '|');
			bw_buf__puts(b, "\\b(?:");
			in_run = true;
		} else if (wb) {
			bw_buf__putc(b, '|');
		} else {
			if (in_run)
				bw_buf__putc(b, ')');
			in_run = false;
			if (!first)
				bw_buf__putc(b, '|');
		}
		if ((e = copy_alternative(p, wb ? i + 2 : i, end, b)) == BAD)
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

	/* nothing to gain without two alternatives beginning with \b */
	if (!strstr(pattern, "|\\b") || !hoist_alternation(pattern, 0, len, &b) || b.oom ||
	    (b.len == len && memcmp(b.p, pattern, len) == 0)) {
		bw_buf__free(&b);
		return NULL;
	}
	return bw_buf__detach(&b);
}
