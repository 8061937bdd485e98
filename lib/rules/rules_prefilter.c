/*
 * rules_prefilter.c - a cheap test that rules out most patterns before
 * PCRE2 runs them.
 *
 * Each rule's text pattern is tried in precedence order for every
 * recipient, and most do not match.  A pattern such as
 * "\buser\s+unknown\b|\bno\s+such\s+user\b" cannot match unless the text
 * contains "user" and "unknown", or "such" and "user"; looking for those
 * in the lower-cased text is much cheaper than a regex run.  The derivation is
 * conservative: whatever it cannot read (groups, classes, escapes other
 * than escaped punctuation, quantified characters) only shortens the
 * literal runs, and a pattern it cannot vouch for gets no prefilter.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules_prefilter.h"
#include "rules_casefold.h"
#include "../util.h"

#define MIN_LITERAL 3

void bw_rules__literals_free(char **lits)
{
	size_t i;

	for (i = 0; lits && lits[i]; i++)
		free(lits[i]);
	free(lits);
}

/* Index just past the group or class that starts at p[i]. */
static size_t skip_group(const char *p, size_t i)
{
	int depth = 0;
	bool in_class = false;

	for (; p[i]; i++) {
		if (p[i] == '\\' && p[i + 1]) {
			i++;
			continue;
		}
		if (in_class) {
			if (p[i] == ']')
				in_class = false;
			continue;
		}
		if (p[i] == '[') {
			in_class = true;
			/* "[]abc]" and "[^]abc]": a leading ] is a member */
			if (p[i + 1] == '^')
				i++;
			if (p[i + 1] == ']')
				i++;
			continue;
		}
		if (p[i] == '(')
			depth++;
		else if (p[i] == ')' && --depth == 0)
			return i + 1;
	}
	return i;
}

static size_t skip_class(const char *p, size_t i)
{
	i++;
	if (p[i] == '^')
		i++;
	if (p[i] == ']')
		i++;
	for (; p[i] && p[i] != ']'; i++)
		if (p[i] == '\\' && p[i + 1])
			i++;
	return p[i] ? i + 1 : i;
}

static bool escaped_literal(char c)
{
	return c && strchr(".-/\\:@#()[]{}*+?|^$ '\"=,;<>!&%_~`", c) != NULL;
}

typedef struct strv {
	char **v;
	size_t n;
} strv;

static void strv_free(strv *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static bool strv_push(strv *l, const char *s, size_t len)
{
	char **grown = realloc(l->v, (l->n + 2) * sizeof(*l->v));
	char *copy;

	if (!grown)
		return false;
	l->v = grown;
	if (!(copy = bw_strndup(s, len)))
		return false;
	l->v[l->n++] = copy;
	l->v[l->n] = NULL;
	return true;
}

/* Where a group's content starts when the group must match something of
 * its own (capturing, "(?:", "(?<name>", atomic "(?>"), else 0: lookarounds,
 * option settings, comments and conditionals say nothing. */
static size_t group_body(const char *p, size_t i)
{
	if (p[i + 1] != '?')
		return i + 1;
	if (p[i + 2] == ':' || p[i + 2] == '>' || p[i + 2] == '|')
		return p[i + 2] == '|' ? 0 : i + 3;
	if ((p[i + 2] == '<' && p[i + 3] != '=' && p[i + 3] != '!') ||
	    (p[i + 2] == 'P' && p[i + 3] == '<') || p[i + 2] == '\'') {
		const char *close = strchr(p + i + 3, p[i + 2] == '\'' ? '\'' : '>');
		return close ? (size_t)(close - p) + 1 : 0;
	}
	return 0;
}

static bool literal_set(const char *p, size_t start, size_t end, strv *out);

/* Length of the UTF-8 character at p when it has no case variants (CJK
 * symbols, kana and ideographs U+3000-U+9FFF, Hangul syllables), so that
 * matching it caselessly is matching its bytes; else 0. */
static size_t caseless_char(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;

	if (u[0] < 0xE3 || u[0] > 0xED || (u[1] & 0xC0) != 0x80 || (u[2] & 0xC0) != 0x80)
		return 0;
	if (u[0] == 0xEA && u[1] < 0xB0)     /* U+A000-U+ABFF: has cased letters */
		return 0;
	if (u[0] == 0xED && u[1] > 0x9E)     /* past the Hangul syllables */
		return 0;
	return 3;
}

/* Length of the non-ASCII UTF-8 character at p when no ASCII character
 * matches it caselessly (Latin-1 letters, Greek, Cyrillic, Armenian,
 * Hebrew, Arabic, Syriac, Thaana, N'Ko: U+0340-U+03FF and U+0400-U+07FF,
 * whose case partners, where they have any, are in the same blocks or
 * outside ASCII; any 3- or 4-byte character but the Kelvin and Angstrom
 * signs): a subject without any 8-bit byte cannot match it.  0 when unsure
 * (the long s and the dotted and dotless i fold to ASCII letters; the
 * rest of Latin Extended-A is taken below).  (Hebrew and Arabic were left out until the ninth speed round:
 * their lexicon alternatives had no prefilter and were run on every
 * candidate text, ~9,000 pcre2 runs a pass over the corpus, all but a
 * dozen without a match.) */
static size_t non_ascii_char(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;

	if ((u[0] == 0xC3 || (u[0] >= 0xCD && u[0] <= 0xDF)) && (u[1] & 0xC0) == 0x80)
		return 2;
	/* Latin Extended-A (Polish, Czech, Turkish...) but U+0130 (lower
	 * case 'i'), U+0131 (upper case 'I') and U+017F (upper case 'S') */
	if ((u[0] == 0xC4 || u[0] == 0xC5) && (u[1] & 0xC0) == 0x80 &&
	    !(u[0] == 0xC4 && (u[1] == 0xB0 || u[1] == 0xB1)) && !(u[0] == 0xC5 && u[1] == 0xBF))
		return 2;
	if (u[0] >= 0xE0 && u[0] <= 0xEF && (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80)
		return u[0] == 0xE2 && u[1] == 0x84 && (u[2] == 0xAA || u[2] == 0xAB) ? 0 : 3;
	if (u[0] >= 0xF0 && u[0] <= 0xF4 && (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80 &&
	    (u[3] & 0xC0) == 0x80)
		return 4;
	return 0;
}

/* Drops the last character of a run (an optional or counted atom). */
static void drop_last_char(bw_buf *run)
{
	while (run->len && ((unsigned char)run->p[run->len - 1] & 0xC0) == 0x80)
		run->len--;
	if (run->len)
		run->len--;
}

#define MAX_GROUPS 8     /* compulsory groups of an alternative looked at */
#define MAX_DNF 64       /* strings one alternative may expand to */
#define MAX_ALONE 128    /* strings of a group taken alone (smallest_group()) */

/* Every string of `dnf` joined (BW_LITERAL_AND) with every string of `g`;
 * false on ENOMEM. */
static bool dnf_times(strv *dnf, const strv *g)
{
	strv prod = { NULL, 0 };
	bw_buf b = BW_BUF_INIT;
	size_t i, j;
	bool ok = true;

	for (i = 0; ok && i < dnf->n; i++)
		for (j = 0; ok && j < g->n; j++) {
			b.len = 0;
			bw_buf__puts(&b, dnf->v[i]);
			if (b.len)
				bw_buf__putc(&b, BW_LITERAL_AND);
			bw_buf__puts(&b, g->v[j]);
			ok = !b.oom && strv_push(&prod, b.p, b.len);
		}
	bw_buf__free(&b);
	strv_free(dnf);
	*dnf = prod;
	return ok;
}

/* The group of groups[0..ng) with the fewest strings, at most MAX_ALONE
 * of them, or ng when none has so few. */
static size_t smallest_group(const strv *groups, size_t ng)
{
	size_t k, best = ng;

	for (k = 0; k < ng; k++)
		if (groups[k].n <= MAX_ALONE && (best == ng || groups[k].n < groups[best].n))
			best = k;
	return best;
}

/* Whether run[0..len) (a cased run of alternative_set()) holds a character
 * that a run of plain characters cannot: one neither ASCII nor without
 * case variants (caseless_char()). */
static bool has_cased(const char *run, size_t len)
{
	size_t i = 0;

	while (i < len) {
		if ((unsigned char)run[i] < 0x80)
			i++;
		else if (i + 3 <= len && caseless_char(run + i))
			i += 3;
		else
			return true;
	}
	return false;
}

/* Ends a spaced run of alternative_set() (its words and single spaces):
 * one with a space that stands for \s between two words is a part of
 * `more`, BW_LITERAL_SPACED first. */
static void break_spaced(bw_buf *spaced, bool *from_s, bw_buf *more)
{
	while (spaced->len && spaced->p[spaced->len - 1] == ' ')
		spaced->len--;
	if (*from_s && spaced->len >= MIN_LITERAL && memchr(spaced->p, ' ', spaced->len)) {
		if (more->len)
			bw_buf__putc(more, BW_LITERAL_AND);
		bw_buf__putc(more, BW_LITERAL_SPACED);
		bw_buf__put(more, spaced->p, spaced->len);
	}
	spaced->len = 0;
	*from_s = false;
}

/* Appends a space (one or more white space characters) to a spaced run,
 * but at its start or after another. */
static void spaced_space(bw_buf *spaced)
{
	if (spaced->len && spaced->p[spaced->len - 1] != ' ')
		bw_buf__putc(spaced, ' ');
}

/* Appends `part` to every string of dnf (BW_LITERAL_AND between); false on
 * ENOMEM. */
static bool dnf_and(strv *dnf, const bw_buf *part)
{
	bw_buf b = BW_BUF_INIT;
	size_t i;
	bool ok = true;

	for (i = 0; ok && i < dnf->n; i++) {
		char *joined;

		b.len = 0;
		bw_buf__puts(&b, dnf->v[i]);
		bw_buf__putc(&b, BW_LITERAL_AND);
		bw_buf__put(&b, part->p, part->len);
		if (b.oom || !(joined = bw_strndup(b.p, b.len))) {
			ok = false;
			break;
		}
		free(dnf->v[i]);
		dnf->v[i] = joined;
	}
	bw_buf__free(&b);
	return ok;
}

/* What one alternative p[start..end) cannot match without, as strings of
 * parts that must all occur (BW_LITERAL_AND), one of which must hold: all
 * its runs of plain characters outside groups, a mark when it has a
 * character no ASCII text matches, and one string of each compulsory
 * group's own set (expanded while that stays within MAX_DNF strings);
 * then, on each string, its runs that hold characters of cased scripts
 * (as bw_casefold__literal_char() writes them: the text is looked at
 * folded the same way, bw_casefold__text()) and its runs of words
 * separated by white space ("no\s+such\s+user": BW_LITERAL_SPACED).
 * Those come last and decide nothing else: the strings are the ones the
 * plain runs give, each with more parts. */
static bool alternative_set(const char *p, size_t start, size_t end, strv *out, bw_buf *bare)
{
	bw_buf run = BW_BUF_INIT, all = BW_BUF_INIT, cased = BW_BUF_INIT, more = BW_BUF_INIT;
	bw_buf spaced = BW_BUF_INIT;
	strv groups[MAX_GROUPS], dnf = { NULL, 0 };
	size_t i = start, l8, ng = 0, k;
	bool ok, needs_8bit = false, from_s = false;

	/* run: the plain characters since the last break (ASCII, and
	 * characters without case variants), a part of `all` when long
	 * enough.  cased: the same characters and those of cased scripts
	 * that a literal may hold, broken where it may not hold one; a part
	 * of `more` when long enough and holding one run cannot.  spaced:
	 * the ASCII characters, a single space for each run of \s, spaces
	 * and \b (which matches none), broken by anything else
	 * (break_spaced()). */
#define BREAK_CASED() do { \
		if (cased.len >= MIN_LITERAL && has_cased(cased.p, cased.len)) { \
			if (more.len) \
				bw_buf__putc(&more, BW_LITERAL_AND); \
			bw_buf__put(&more, cased.p, cased.len); \
		} \
		cased.len = 0; \
	} while (0)
#define BREAK_PLAIN() do { \
		if (run.len >= MIN_LITERAL) { \
			if (all.len) \
				bw_buf__putc(&all, BW_LITERAL_AND); \
			bw_buf__put(&all, run.p, run.len); \
		} \
		run.len = 0; \
	} while (0)
#define BREAK_RUN() do { \
		BREAK_PLAIN(); \
		BREAK_CASED(); \
		break_spaced(&spaced, &from_s, &more); \
	} while (0)
	while (i < end) {
		char c = p[i];
		uint32_t cp, lit;
		size_t n;

		if (c == '(') {
			size_t close = skip_group(p, i), body = group_body(p, i);
			bool optional = close < end && (p[close] == '?' || p[close] == '*' ||
			                 (p[close] == '{' && p[close + 1] == '0'));
			BREAK_RUN();
			if (body && !optional && close > body && ng < MAX_GROUPS) {
				strv inner = { NULL, 0 };
				if (literal_set(p, body, close - 1, &inner) && inner.n)
					groups[ng++] = inner;
				else
					strv_free(&inner);
			}
			i = close;
			continue;
		}
		if (c == '[') {
			BREAK_RUN();
			i = skip_class(p, i);
			continue;
		}
		if (c == '?' || c == '*' || c == '{') {
			/* the atom before is optional (or counted): drop it */
			drop_last_char(&run);
			drop_last_char(&cased);
			drop_last_char(&spaced);
			BREAK_RUN();
			if (c == '{')
				while (i < end && p[i] != '}')
					i++;
			i++;
			if (i < end && (p[i] == '?' || p[i] == '+'))
				i++;            /* lazy or possessive */
			continue;
		}
		if (c == '+') {
			BREAK_RUN();
			i++;
			if (i < end && (p[i] == '?' || p[i] == '+'))
				i++;
			continue;
		}
		if (c == '.' || c == '^' || c == '$' || c == '|') {
			BREAK_RUN();
			i++;
			continue;
		}
		if (c == '\\') {
			char e = p[i + 1];
			bool quantified = i + 2 < end && strchr("?*{", p[i + 2]);

			if (escaped_literal(e)) {
				/* the escaped character may itself be quantified */
				if (quantified) {
					BREAK_RUN();
					i += 2;
					continue;
				}
				bw_buf__putc(&run, e);
				bw_buf__putc(&cased, e);
				if (e == ' ')
					spaced_space(&spaced);
				else
					bw_buf__putc(&spaced, e);
				i += 2;
				continue;
			}
			if ((e == 's' || e == 'b') && !quantified) {
				/* white space, or none (\b): the spaced run goes on */
				BREAK_PLAIN();
				BREAK_CASED();
				i += 2;
				if (e == 's') {
					spaced_space(&spaced);
					from_s = true;
					if (i < end && p[i] == '+') {
						i++;
						if (i < end && (p[i] == '?' || p[i] == '+'))
							i++;
					}
				}
				continue;
			}
			BREAK_RUN();
			i += e ? 2 : 1;
			continue;
		}
		if ((unsigned char)c >= 0x80 && i + 3 <= end && caseless_char(p + i)) {
			bw_buf__put(&run, p + i, 3);
			bw_buf__put(&cased, p + i, 3);
			break_spaced(&spaced, &from_s, &more);
			i += 3;
			continue;
		}
		if ((unsigned char)c < 0x80 && c >= 0x20) {
			bw_buf__putc(&run, (char)bw_lower((unsigned char)c));
			if (bw_casefold__literal_char((unsigned char)c, &lit))
				bw_buf__putc(&cased, (char)lit);
			else
				BREAK_CASED();
			if (c == ' ')
				spaced_space(&spaced);
			else
				bw_buf__putc(&spaced, (char)bw_lower((unsigned char)c));
			i++;
			continue;
		}
		/* any other character breaks the plain and spaced runs; a cased
		 * run goes on through one a literal may hold */
		BREAK_PLAIN();
		break_spaced(&spaced, &from_s, &more);
		n = (unsigned char)c >= 0x80 ? bw_casefold__char_at(p + i, end - i, &cp) : 0;
		if (n && bw_casefold__literal_char(cp, &lit)) {
			char folded[4];

			bw_buf__put(&cased, folded, bw_casefold__put(lit, folded));
		} else {
			BREAK_CASED();
		}
		if ((unsigned char)c >= 0x80 && i + 1 < end && (l8 = non_ascii_char(p + i)) &&
		    i + l8 <= end) {
			/* a compulsory character no ASCII text can match */
			if (i + l8 == end || !strchr("?*{", p[i + l8]))
				needs_8bit = true;
			i += l8;
			continue;
		}
		i += n ? n : 1;
	}
	BREAK_RUN();
#undef BREAK_RUN
#undef BREAK_PLAIN
#undef BREAK_CASED
	if (needs_8bit) {
		if (all.len)
			bw_buf__putc(&all, BW_LITERAL_AND);
		bw_buf__putc(&all, BW_LITERAL_8BIT);
	}
	ok = !all.oom && !more.oom && !spaced.oom && strv_push(&dnf, all.len ? all.p : "", all.len);
	for (k = 0; k < ng; k++)
		if (ok && dnf.n * groups[k].n <= MAX_DNF)
			ok = dnf_times(&dnf, &groups[k]);
	/* Nothing else to vouch for it (no literal outside groups, every
	 * group's set too large to multiply in): the smallest set alone. */
	if (ok && dnf.n == 1 && !dnf.v[0][0] && (k = smallest_group(groups, ng)) < ng)
		ok = dnf_times(&dnf, &groups[k]);
	for (k = 0; k < ng; k++)
		strv_free(&groups[k]);
	/* An empty string would vouch for nothing: the alternative had no
	 * literal at all (but the runs of cased scripts or spaced words it
	 * may have, into *bare when given: bw_rules__literals()). */
	for (k = 0; ok && k < dnf.n; k++)
		if (dnf.v[k][0] == '\0') {
			ok = false;
			if (bare && !all.oom && !more.oom && !spaced.oom)
				bw_buf__put(bare, more.p, more.len);
		}
	if (ok && more.len)
		ok = dnf_and(&dnf, &more);
	for (k = 0; ok && k < dnf.n; k++)
		ok = strv_push(out, dnf.v[k], strlen(dnf.v[k]));
	strv_free(&dnf);
	bw_buf__free(&run);
	bw_buf__free(&all);
	bw_buf__free(&cased);
	bw_buf__free(&spaced);
	bw_buf__free(&more);
	return ok;
}

/* The end of the top-level alternative of p[..end) that starts at i: the
 * next '|' outside groups, classes and escapes, or end. */
static size_t alternative_end(const char *p, size_t i, size_t end)
{
	for (; i < end && p[i] != '|'; i++) {
		if (p[i] == '\\' && i + 1 < end)
			i++;
		else if (p[i] == '[')
			i = skip_class(p, i) - 1;
		else if (p[i] == '(')
			i = skip_group(p, i) - 1;
	}
	return i < end ? i : end;
}

/* The union over the alternatives of p[start..end) split at depth 0. */
static bool literal_set(const char *p, size_t start, size_t end, strv *out)
{
	size_t alt = start, e;

	for (;;) {
		e = alternative_end(p, alt, end);
		if (!alternative_set(p, alt, e, out, NULL))
			return false;
		if (e >= end)
			return true;
		alt = e + 1;
	}
}

size_t bw_rules__space_at(const char *p, size_t avail)
{
	const unsigned char *u = (const unsigned char *)p;

	if (!avail)
		return 0;
	if (u[0] == ' ' || (u[0] >= '\t' && u[0] <= '\r'))
		return 1;
	if (u[0] == 0xC2 && avail >= 2 && (u[1] == 0x85 || u[1] == 0xA0))
		return 2;                          /* U+0085, U+00A0 */
	if (avail < 3 || (u[0] != 0xE1 && u[0] != 0xE2 && u[0] != 0xE3))
		return 0;
	if ((u[0] == 0xE1 && u[1] == 0x9A && u[2] == 0x80) ||            /* U+1680 */
	    (u[0] == 0xE1 && u[1] == 0xA0 && u[2] == 0x8E) ||            /* U+180E */
	    (u[0] == 0xE2 && u[1] == 0x80 && (u[2] <= 0x8A || u[2] == 0xA8 || u[2] == 0xA9 ||
	                                      u[2] == 0xAF)) ||           /* U+2000-200A, 2028, 2029, 202F */
	    (u[0] == 0xE2 && u[1] == 0x81 && u[2] == 0x9F) ||            /* U+205F */
	    (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80))              /* U+3000 */
		return u[2] >= 0x80 && u[2] <= 0xBF ? 3 : 0;
	return 0;
}

bool bw_rules__spaced_in(const char *text, size_t text_len, const char *words, size_t len)
{
	const char *sp = memchr(words, ' ', len), *at = text, *end = text + text_len;
	size_t first = sp ? (size_t)(sp - words) : len;

	while ((at = memmem(at, (size_t)(end - at), words, first))) {
		const char *t = at + first, *w = words + first, *wend = words + len;

		while (w < wend) {
			const char *next;
			size_t n, wl, spaces = 0;

			w++;                       /* the space */
			while ((n = bw_rules__space_at(t, (size_t)(end - t)))) {
				t += n;
				spaces++;
			}
			next = memchr(w, ' ', (size_t)(wend - w));
			wl = (size_t)((next ? next : wend) - w);
			if (!spaces || (size_t)(end - t) < wl || memcmp(t, w, wl) != 0)
				break;
			t += wl;
			w += wl;
		}
		if (w >= wend)
			return true;
		at++;
	}
	return false;
}

int bw_rules__literals(const char *p, char ***out)
{
	strv l = { NULL, 0 };

	size_t len = strlen(p);
	bw_buf bare = BW_BUF_INIT;

	*out = NULL;
	if (strstr(p, "(?x") || strstr(p, "\\Q") || strstr(p, "(?-i") || strstr(p, "(?|"))
		return 0;
	if (literal_set(p, 0, len, &l) && l.n) {
		*out = l.v;
		return (int)l.n;
	}
	strv_free(&l);
	/* A pattern of one alternative without a plain run long enough (it
	 * would always be tried) that has runs of cased scripts or spaced
	 * words: those alone (\bMX\s+0\s+..., \bt[êe]n\s+mi[ềe]n...).  Each is
	 * required where the pattern matches (a spaced part is not read in a
	 * text with the Kelvin sign or the long s: there it is as always
	 * tried).  Only for a whole pattern: in a group, or beside other
	 * alternatives, a set that vouched for nothing before would change
	 * what the others' sets are. */
	if (alternative_end(p, 0, len) == len && (alternative_set(p, 0, len, &l, &bare), bare.len) &&
	    !bare.oom) {
		strv_free(&l);
		if (!strv_push(&l, bare.p, bare.len)) {
			strv_free(&l);
			bw_buf__free(&bare);
			return -1;
		}
		bw_buf__free(&bare);
		*out = l.v;
		return 1;
	}
	strv_free(&l);
	bw_buf__free(&bare);
	return 0;
}

/* Whether the "(?" or "(*" at p ties a pattern's top-level alternatives
 * together: option settings and other "(?" forms than groups and
 * lookarounds, verbs, subroutine calls. */
static bool tying_group(const char *p)
{
	if (p[1] == '*')
		return true;
	if (p[1] != '?')
		return false;
	if (!strchr(":=!<>", p[2]))
		return true;
	return p[2] == '<' && p[3] != '=' && p[3] != '!' && !bw_isalpha((unsigned char)p[3]) &&
	       p[3] != '_';
}

/* Whether the escape "\\e" ties them: back-references, \K, \G, \Q...\E,
 * \c. */
static bool tying_escape(char e)
{
	switch (e) {
	case 'g': case 'k': case 'K': case 'G': case 'Q': case 'E': case 'c':
		return true;
	default:
		return e >= '1' && e <= '9';
	}
}

/* One pass over a pattern: whether it ties its top-level alternatives
 * together (tying_group(), tying_escape(), looked for inside classes too),
 * where the group that starts it closes (SIZE_MAX: it does not, or none
 * starts it), and the places of the '|' outside classes at depth 0 and at
 * depth 1 (a ')' at depth 0 is a plain character), pushed into bars[0]
 * and bars[1].  False on ENOMEM. */
typedef struct bar_list {
	size_t *v, n, cap;
} bar_list;

static bool push_bar(bar_list *l, size_t at)
{
	if (l->n == l->cap) {
		size_t *grown = realloc(l->v, (l->cap = l->cap ? 2 * l->cap : 64) * sizeof(*l->v));

		if (!grown)
			return false;
		l->v = grown;
	}
	l->v[l->n++] = at;
	return true;
}

static bool scan_bars(const char *p, bool *ties, size_t *first_close, bar_list bars[2])
{
	/* the bytes the loop below reads; it skips the others at once (the
	 * lexicon's patterns are kilobytes long) */
	static const bool special[256] = {
		['\0'] = true, ['\\'] = true, ['('] = true, [')'] = true,
		['['] = true, [']'] = true, ['|'] = true,
	};
	size_t i, depth = 0;
	bool in_class = false;

	*ties = false;
	*first_close = SIZE_MAX;
	for (i = 0;; i++) {
		char c;

		while (!special[(unsigned char)p[i]])
			i++;
		if (!(c = p[i]))
			break;
		if (c == '\\' && p[i + 1]) {
			if (tying_escape(p[++i]))
				*ties = true;
			continue;
		}
		if (c == '(' && tying_group(p + i))
			*ties = true;
		if (in_class) {
			in_class = c != ']';
			continue;
		}
		if (c == '[') {
			in_class = true;
			/* "[]abc]" and "[^]abc]": a leading ] is a member */
			if (p[i + 1] == '^')
				i++;
			if (p[i + 1] == ']')
				i++;
		} else if (c == '(') {
			depth++;
		} else if (c == ')' && depth) {
			if (--depth == 0 && *first_close == SIZE_MAX && p[0] == '(')
				*first_close = i;
		} else if (c == '|' && depth < 2 && !push_bar(&bars[depth], i)) {
			return false;
		}
	}
	return true;
}

int bw_rules__alternative_spans(const char *p, size_t **out)
{
	size_t len = strlen(p), start = 0, end = len, first_close, n = 0, k, *at;
	bar_list bars[2] = { { NULL, 0, 0 }, { NULL, 0, 0 } }, *use = &bars[0];
	bool ties;

	*out = NULL;
	if (!scan_bars(p, &ties, &first_close, bars)) {
		free(bars[0].v);
		free(bars[1].v);
		return -1;
	}
	/* the whole pattern one "(?:...)" group (closed by its last byte, or
	 * never): its alternatives */
	if (strncmp(p, "(?:", 3) == 0 && (first_close == len - 1 || first_close == SIZE_MAX) &&
	    len >= 4 && p[len - 1] == ')') {
		start = 3;
		end = len - 1;
		use = &bars[1];
	}
	for (k = 0; k < use->n; k++)
		n += use->v[k] >= start && use->v[k] < end;
	if (ties || n + 1 < 2 || n + 1 > INT_MAX || !(at = malloc(2 * (n + 1) * sizeof(*at)))) {
		free(bars[0].v);
		free(bars[1].v);
		return ties || n + 1 < 2 || n + 1 > INT_MAX ? 0 : -1;
	}
	for (k = 0, n = 0; k < use->n; k++) {
		if (use->v[k] < start || use->v[k] >= end)
			continue;
		at[2 * n] = start;
		at[2 * n++ + 1] = use->v[k] - start;
		start = use->v[k] + 1;
	}
	at[2 * n] = start;
	at[2 * n++ + 1] = end - start;
	free(bars[0].v);
	free(bars[1].v);
	*out = at;
	return (int)n;
}

int bw_rules__alternatives(const char *p, char ***out)
{
	strv l = { NULL, 0 };
	size_t *at;
	int n = bw_rules__alternative_spans(p, &at), k;

	*out = NULL;
	for (k = 0; k < n; k++)
		if (!strv_push(&l, p + at[2 * k], at[2 * k + 1])) {
			strv_free(&l);
			free(at);
			return -1;
		}
	free(at);
	if (n <= 0)
		return n;
	*out = l.v;
	return n;
}

char *bw_rules__alt_strings(const char *alts)
{
	size_t n = 1, len, real = 0;
	const char *a, *e;
	char *out, *w;

	if (!alts)
		return NULL;
	for (a = alts; (a = strchr(a, '\x1e')); a++)
		n++;
	len = strlen(alts);
	if (n < 2 || !(out = malloc(len + 1)))
		return NULL;
	for (a = alts, w = out;; a = e + 1) {
		e = strchr(a, '\x1e');
		len = e ? (size_t)(e - a) : strlen(a);
		if (a != alts)
			*w++ = '\n';
		/* the lexicon matches a copy with names masked by '_': such a
		 * literal may be found only there */
		if (len && !memchr(a, '_', len)) {
			memcpy(w, a, len);
			w += len;
			real++;
		}
		if (!e)
			break;
	}
	*w = '\0';
	if (!real) {
		free(out);
		return NULL;
	}
	return out;
}
