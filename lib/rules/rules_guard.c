/*
 * rules_guard.c - a pattern that begins with a negative lookahead, matched
 * as the rest of it, with the lookahead tried only where the rest matches.
 *
 * "(?![^\n]{0,80}?(?:from\s+IP|policy...))(?:connection\s+refused|...)"
 * says: the rest, where the next eighty characters do not hold a phrase
 * that makes it something else.  PCRE2 tries the lookahead first, at every
 * position of the text (ninety-five hundredths of such a rule's time);
 * bw_rules__guarded_match() finds where the rest matches and tries the
 * lookahead there alone.  The first position where the rest matches and
 * the lookahead does not is the first where the whole pattern matches, and
 * the rest's match there is the whole pattern's: a lookahead neither
 * consumes nor (when it captures nothing) numbers a group.
 */
#include <string.h>

#include "rules_impl.h"
#include "rules_casefold.h"

/* Whether the group p[i..e) (p[i] == '(') holds a capturing group: a
 * '(' not followed by '?', or a named group. */
static bool captures(const char *p, size_t i, size_t e)
{
	size_t j;

	for (j = i + 1; j < e; j = bw_rpat__token_end(p, j))
		if (p[j] == '(' && (p[j + 1] != '?' || p[j + 2] == '\'' || p[j + 2] == 'P' ||
		                    (p[j + 2] == '<' && p[j + 3] != '=' && p[j + 3] != '!')))
			return true;
	return false;
}

/* Where p[i..] first has `stop` ('|' or ')') outside the groups it opens,
 * classes and escapes (a ')' closing an enclosing group, for ')'); the
 * pattern's end if nowhere. */
static size_t top_level(const char *p, size_t i, char stop)
{
	size_t depth = 0;

	for (; p[i]; i = bw_rpat__token_end(p, i)) {
		if (!depth && p[i] == stop)
			return i;
		if (p[i] == '(')
			depth++;
		else if (p[i] == ')' && depth)
			depth--;
	}
	return i;
}

size_t bw_rules__guard_len(const char *pattern)
{
	const char *p = pattern;
	size_t i;

	if (strncmp(p, "(?!", 3) != 0 || strstr(p, "\\G") || strstr(p, "(*") || strstr(p, "\\K") ||
	    strstr(p, "(?|"))
		return 0;
	i = top_level(p, 1, ')');
	/* the lookahead ends at p[i]: something must follow, not a
	 * quantifier of it, and all of it under the lookahead (no '|' at the
	 * top level) */
	if (!p[i] || !p[i + 1] || strchr("?*+{|", p[i + 1]) || captures(p, 0, i) ||
	    p[top_level(p, i + 1, '|')])
		return 0;
	return i + 1;
}

int bw_rules__guarded_match(const bw_rules *rules, const pcre2_code *rest,
                            const pcre2_code *guard, const char *diag, size_t dlen, size_t off,
                            pcre2_match_data **mdp)
{
	pcre2_match_data *gmd;
	int rc;

	if (!rest || !guard)
		return PCRE2_ERROR_NOMATCH;   /* as a pattern that does not compile */
	if (!(gmd = pcre2_match_data_create(1, NULL)))
		return PCRE2_ERROR_NOMEMORY;
	for (;;) {
		size_t at, n;
		uint32_t cp;
		int g;

		rc = bw_rules__run_code(rules, rest, diag, dlen, off, mdp);
		if (rc < 0)
			break;
		at = pcre2_get_ovector_pointer(*mdp)[0];
		/* the lookahead at the match's start: matches there, the
		 * pattern does not (guard is "\G(?:...)": anchored there) */
		g = pcre2_match(guard, (PCRE2_SPTR)diag, dlen, at, 0, gmd, rules->mctx);
		if (g == PCRE2_ERROR_NOMATCH)
			break;
		if (g < 0) {           /* a limit: as the whole pattern's */
			rc = g;
			break;
		}
		/* on from the next character (a byte not valid UTF-8 is one) */
		if (at >= dlen) {
			rc = PCRE2_ERROR_NOMATCH;
			break;
		}
		n = bw_casefold__char_at(diag + at, dlen - at, &cp);
		off = at + (n ? n : 1);
	}
	pcre2_match_data_free(gmd);
	return rc;
}
