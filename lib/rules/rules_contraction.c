/*
 * rules_contraction.c - a rule pattern widened to match a negation written
 * either way: "is not" and "isn't".
 *
 * Servers write "The email account doesn't exist", "mailbox isn't
 * available", "messages weren't sent", "we can't accept", "the server
 * won't relay", and as often the long forms.  A rule is written with one
 * of them; when the rules are read, an auxiliary verb followed by "not"
 * ("is\s+not", "(?:is|are)\s+not", "can\s*not", "cannot", "will\s+not")
 * also accepts the contracted form ("isn't", "can't", "won't", with a
 * straight or a curly apostrophe), and a contracted form written in a rule
 * ("doesn't", "don['’]t") also accepts the long one.
 *
 * Only whole words are widened: the verb must stand alone before "not"
 * (after a non-letter, an escape such as \b or \s, or as the only
 * alternatives of a group), and "not" must end its word ("nothing" is left
 * alone); a "not" after no verb of the pattern ("\bnot\s+accepted") also
 * accepts any contracted verb in its place ("isn't accepted").
 * Lookbehinds, whose branches must keep their lengths, are left alone.  An
 * apostrophe, alone or in a class, also accepts the curly one (U+2019).
 * The rewrite only widens: what matched before still matches.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "rules_set.h"
#include "../util.h"

#define APOS "['\xE2\x80\x99]"   /* ' or U+2019 */

static const char *const aux_words[] = {
	"is", "are", "was", "were", "do", "does", "did", "has", "have", "had",
	"could", "would", "should", "must", "need", NULL
};

enum aux { AUX_NONE, AUX_PLAIN, AUX_CAN, AUX_WILL };

static bool is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static enum aux word_kind(const char *w, size_t n)
{
	char low[8];
	size_t i;

	if (n == 0 || n >= sizeof(low))
		return AUX_NONE;
	for (i = 0; i < n; i++)
		low[i] = (char)bw_lower((unsigned char)w[i]);
	low[n] = '\0';
	if (strcmp(low, "can") == 0)
		return AUX_CAN;
	if (strcmp(low, "will") == 0)
		return AUX_WILL;
	for (i = 0; aux_words[i]; i++)
		if (strcmp(low, aux_words[i]) == 0)
			return AUX_PLAIN;
	return AUX_NONE;
}

/* The word the output ends with: its start in *at; the letter after a
 * backslash (\b, \s) is the escape's, not the word's. */
static size_t tail_word(const bw_buf *out, size_t *at)
{
	size_t k = out->len;

	while (k > 0 && is_letter(out->p[k - 1]))
		k--;
	if (k < out->len && k > 0 && out->p[k - 1] == '\\')
		k++;
	*at = k;
	return out->len - k;
}

/* What the output ends with before a "not": an auxiliary on its own, or a
 * group whose alternatives are all plain auxiliaries ("(?:is|are)"). */
static enum aux tail_aux(const bw_buf *out, size_t *word_at)
{
	size_t at, n, k, depth = 0;
	const char *g, *end;

	*word_at = out->len;
	if (!out->len)
		return AUX_NONE;
	if (out->p[out->len - 1] != ')') {
		n = tail_word(out, &at);
		if (!n)
			return AUX_NONE;
		*word_at = at;
		return word_kind(out->p + at, n);
	}
	/* the group's opening parenthesis */
	for (k = out->len; k > 0; k--) {
		char c = out->p[k - 1];

		if (k >= 2 && out->p[k - 2] == '\\')
			continue;
		if (c == ')')
			depth++;
		else if (c == '(' && --depth == 0)
			break;
	}
	if (!k)
		return AUX_NONE;
	g = out->p + k;                 /* after '(' */
	end = out->p + out->len - 1;    /* the ')' */
	if (end - g >= 2 && g[0] == '?' && g[1] == ':')
		g += 2;
	else if (g < end && g[0] == '?')
		return AUX_NONE;
	if (g >= end)
		return AUX_NONE;
	while (g < end) {
		const char *e = g;

		while (e < end && *e != '|')
			e++;
		if (e == g)
			return AUX_NONE;
		for (const char *c = g; c < e; c++)
			if (!is_letter(*c))
				return AUX_NONE;
		if (word_kind(g, (size_t)(e - g)) != AUX_PLAIN)
			return AUX_NONE;
		g = e < end ? e + 1 : e;
	}
	return AUX_PLAIN;
}

/* Length of the "not" spelled at p: "\s+not", "\s*not", " not" or "not"
 * (after "can"), followed by no letter; 0 if none. */
static size_t not_at(const char *p, bool bare)
{
	size_t n = 0;

	if (strncmp(p, "\\s+", 3) == 0 || strncmp(p, "\\s*", 3) == 0)
		n = 3;
	else if (p[0] == ' ')
		n = 1;
	else if (!bare)
		return 0;
	if (strncmp(p + n, "not", 3) != 0 || is_letter(p[n + 3]))
		return 0;
	return n + 3;
}

/* Length of a "not" at p that starts a word by itself: "\\bnot", or "not"
 * after anything but a letter of the pattern ("\\s+not", "(?:not",
 * "|not", ")?not"), followed by no letter; 0 if none. */
static size_t lone_not_at(const char *p, const bw_buf *out)
{
	size_t n = 0, len = out->len;
	char last = len ? out->p[len - 1] : '(';

	if (strncmp(p, "\\b", 2) == 0)
		n = 2;
	else if ((is_letter(last) && !(len >= 2 && out->p[len - 2] == '\\')) ||
	         (last >= '0' && last <= '9') || last == '_' || last == '\'' ||
	         (unsigned char)last >= 0x80)
		return 0;
	if (strncmp(p + n, "not", 3) != 0 || is_letter(p[n + 3]))
		return 0;
	return n + 3;
}

/* Is p "\s+" or "\s*" before a group whose first alternative starts with
 * the word "not" ("\s+(?:not\s+allowed|blocked)", "\s+(?:(?:not|..."? */
static bool group_not_at(const char *p)
{
	if (strncmp(p, "\\s+(?:", 6) != 0 && strncmp(p, "\\s*(?:", 6) != 0)
		return false;
	p += 6;
	if (strncmp(p, "(?:", 3) == 0)
		p += 3;
	return strncmp(p, "not", 3) == 0 && !is_letter(p[3]);
}

/* Length of a contraction spelled at p ("n't", "n['’]t", "n’t"...),
 * followed by no letter; 0 if none. */
static size_t nt_at(const char *p)
{
	static const char *const forms[] = {
		"n't", "n\xE2\x80\x99t", "n['\xE2\x80\x99]t", "n[\xE2\x80\x99']t",
		"n['`\xE2\x80\x99]t", "n['`]t", "n['\xC2\xB4\xE2\x80\x99]t", NULL
	};
	size_t i, n;

	for (i = 0; forms[i]; i++) {
		n = strlen(forms[i]);
		if (strncmp(p, forms[i], n) == 0 && !is_letter(p[n]) && p[n] != '?')
			return n;
	}
	return 0;
}

/* The class c[0..n) into out; a class that accepts a straight apostrophe
 * and is not negated also accepts the curly one. */
static void put_class(bw_buf *out, const char *c, size_t n)
{
	bool apos = false, curly = false;
	size_t i;

	for (i = 1; i + 1 < n; i++) {
		if (c[i] == '\\') {
			i++;
			continue;
		}
		apos |= c[i] == '\'';
		curly |= strncmp(c + i, "\xE2\x80\x99", 3) == 0;
	}
	if (!apos || curly || c[1] == '^' || c[n - 1] != ']') {
		bw_buf__put(out, c, n);
		return;
	}
	bw_buf__put(out, c, n - 1);
	bw_buf__puts(out, "\xE2\x80\x99]");
}

char *bw_rset__widen_contractions(const char *p)
{
	bw_buf out = BW_BUF_INIT;
	bw_rpat_groups g = { .depth = 0 };
	size_t i = 0;

	while (p[i]) {
		size_t n, at;
		enum aux k;

		if (!g.behind_n && (p[i] == '\\' || p[i] == ' ' || p[i] == 'n')) {
			k = tail_aux(&out, &at);
			if (k != AUX_NONE && (n = not_at(p + i, k == AUX_CAN && p[i] == 'n'))) {
				if (k == AUX_WILL) {
					/* "will not" -> "(?:will not|won't)" */
					char *w = bw_strndup(out.p + at, out.len - at);

					if (!w) {
						out.oom = true;
						break;
					}
					out.len = at;
					bw_buf__puts(&out, "(?:");
					bw_buf__puts(&out, w);
					bw_buf__put(&out, p + i, n);
					bw_buf__puts(&out, "|won" APOS "t)");
					free(w);
				} else {
					bw_buf__puts(&out, "(?:");
					bw_buf__put(&out, p + i, n);
					bw_buf__puts(&out, k == AUX_CAN ? "|" APOS "t)" : "|n" APOS "t)");
				}
				i += n;
				continue;
			}
			if (k == AUX_PLAIN && group_not_at(p + i)) {
				/* "(?:is|are)\s+(?:not\s+allowed|...)": the space
				 * may be the contraction's ("aren't allowed") */
				bw_buf__puts(&out, "(?:");
				bw_buf__put(&out, p + i, 3);
				bw_buf__puts(&out, "|(?=n" APOS "t))");
				i += 3;
				continue;
			}
			if (p[i] == 'n' && k == AUX_PLAIN && (n = nt_at(p + i))) {
				/* "doesn't" -> "does(?:n't|\s+not)" */
				bw_buf__puts(&out, "(?:n" APOS "t|\\s+not)");
				i += n;
				continue;
			}
		}
		/* a "not" starting a word of its own ("\bnot\s+accepted",
		 * "(?:not\s+found|...)") also reads the end of a contraction:
		 * "isn't accepted" */
		if (!g.behind_n && (n = lone_not_at(p + i, &out))) {
			bw_buf__puts(&out, "(?:");
			bw_buf__put(&out, p + i, n);
			bw_buf__puts(&out, "|(?:\\b[a-z]{2,6})?n" APOS "t)");
			i += n;
			continue;
		}
		if (p[i] == '[') {
			n = bw_rpat__class_end(p, i);
			put_class(&out, p + i, n - i);
			i = n;
			continue;
		}
		if (p[i] == '\'') {
			bw_buf__puts(&out, APOS);
			i++;
			continue;
		}
		i = bw_rpat__copy(&out, p, i, &g);
	}
	if (out.oom) {
		bw_buf__free(&out);
		return NULL;
	}
	return out.p ? bw_buf__detach(&out) : bw_strdup("");
}
