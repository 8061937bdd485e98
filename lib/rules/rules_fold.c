/*
 * rules_fold.c - a rule pattern widened to match its words written without
 * diacritics.
 *
 * SMTP replies were ASCII for decades, and many servers still write their
 * own language without its marks: "Kullanici bulunamadi", "Uzivatel
 * neexistuje", "Empfaenger unbekannt", "nao existe", "ALICI BULUNAMADI"
 * (an upper-case I has no dot).  A rule is written once, with the marks;
 * every letter with a diacritic outside a character class becomes a class
 * of the letter and its plain form ("ü" -> "[üu]"), an umlaut also accepts
 * the German vowel-and-e spelling ("(?:ü|ue?)"), a letter spelled with two
 * (ß, æ, œ) a group ("(?:ß|ss)").  Inside a class the plain letter is added
 * unless the class is negated; inside a lookbehind, whose branches must
 * keep a fixed length, only one-letter forms are used.  The letters and
 * their plain forms are rules_fold_table.h (tools/gen-fold-table.py).
 *
 * The rewrite only widens: whatever matched before still matches, so a
 * rule's examples and its place in the stack are unchanged.
 *
 * The lexicon's cues are phrases, not patterns: each is written out again
 * in its plain spellings (bw_rset__plain_spelling()), which keeps the
 * literal prefilter of every cue as selective as the cue itself; classes
 * and groups in the many short cues would weaken it for every reply.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules_set.h"
#include "../util.h"

#include "rules_fold_table.h"

static const struct fold_letter *lookup(uint32_t cp)
{
	size_t lo = 0, hi = sizeof(fold_letters) / sizeof(fold_letters[0]);

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (fold_letters[mid].cp == cp)
			return &fold_letters[mid];
		if (fold_letters[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Length of the UTF-8 sequence at p (1 for a stray byte); *cp its code
 * point, or 0 where it is not one. */
static size_t utf8_at(const unsigned char *p, uint32_t *cp)
{
	size_t n, i;

	*cp = 0;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	n = (p[0] & 0xE0) == 0xC0 ? 2 : (p[0] & 0xF0) == 0xE0 ? 3 : (p[0] & 0xF8) == 0xF0 ? 4 : 1;
	if (n == 1)
		return 1;
	for (i = 1; i < n; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 1;
	*cp = p[0] & (0x7F >> n);
	for (i = 1; i < n; i++)
		*cp = (*cp << 6) | (p[i] & 0x3F);
	return n;
}

/* The class that starts at p[i] ('['), widened into out; returns the
 * index past it. */
static size_t put_class(bw_buf *out, const char *p, size_t i)
{
	bw_buf add = BW_BUF_INIT;
	bool negated = false;
	size_t start = i;

	i++;
	if (p[i] == '^') {
		negated = true;
		i++;
	}
	if (p[i] == ']')
		i++;
	while (p[i] && p[i] != ']') {
		uint32_t cp;
		size_t n = bw_rpat__class_skip(p, i);

		if (n != i) {
			i = n;
			continue;
		}
		n = utf8_at((const unsigned char *)p + i, &cp);
		/* a letter that is not the end of a range ("à-ÿ") */
		if (!negated && cp >= 0x80 && p[i + n] != '-' && !(i > start + 1 && p[i - 1] == '-')) {
			const struct fold_letter *f = lookup(cp);

			if (f && strlen(f->plain) == 1)
				bw_buf__puts(&add, f->plain);
		}
		i += n;
	}
	bw_buf__put(out, p + start, i - start);
	if (add.len)
		bw_buf__put(out, add.p, add.len);
	out->oom |= add.oom;
	bw_buf__free(&add);
	if (p[i] == ']') {
		bw_buf__putc(out, ']');
		i++;
	}
	return i;
}

char *bw_rset__fold_pattern(const char *p)
{
	bw_buf out = BW_BUF_INIT;
	bw_rpat_groups g = { .depth = 0 };
	size_t i = 0;

	while (p[i]) {
		const struct fold_letter *f;
		uint32_t cp;
		size_t n;

		if (p[i] == '\\') {
			n = bw_rpat__escape_end(p, i);
			bw_buf__put(&out, p + i, n - i);
			i = n;
			continue;
		}
		if (p[i] == '[') {
			i = put_class(&out, p, i);
			continue;
		}
		bw_rpat__group(&g, p, i);
		n = utf8_at((const unsigned char *)p + i, &cp);
		if (cp < 0x80 || !(f = lookup(cp))) {
			bw_buf__put(&out, p + i, n);
		} else if (strlen(f->plain) == 1 && (g.behind_n || !f->umlaut)) {
			bw_buf__putc(&out, '[');
			bw_buf__put(&out, p + i, n);
			bw_buf__puts(&out, f->plain);
			bw_buf__putc(&out, ']');
		} else if (g.behind_n) {
			bw_buf__put(&out, p + i, n);
		} else {
			bw_buf__puts(&out, "(?:");
			bw_buf__put(&out, p + i, n);
			bw_buf__putc(&out, '|');
			bw_buf__puts(&out, f->plain);
			bw_buf__puts(&out, f->umlaut ? "e?)" : ")");
		}
		i += n;
	}
	if (out.oom) {
		bw_buf__free(&out);
		return NULL;
	}
	return out.p ? bw_buf__detach(&out) : bw_strdup("");
}

char *bw_rset__plain_spelling(const char *s, size_t len, bool umlaut_e)
{
	bw_buf out = BW_BUF_INIT;
	size_t i = 0;

	while (i < len) {
		const struct fold_letter *f;
		uint32_t cp;
		size_t n = utf8_at((const unsigned char *)s + i, &cp);

		if (i + n > len)
			n = len - i;
		if (cp >= 0x80 && (f = lookup(cp))) {
			bw_buf__puts(&out, f->plain);
			if (f->umlaut && umlaut_e)
				bw_buf__putc(&out, 'e');
		} else {
			bw_buf__put(&out, s + i, n);
		}
		i += n;
	}
	if (out.oom) {
		bw_buf__free(&out);
		return NULL;
	}
	return out.p ? bw_buf__detach(&out) : bw_strdup("");
}

bool bw_rset__has_umlaut(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		const struct fold_letter *f;
		uint32_t cp;
		size_t n = utf8_at((const unsigned char *)s + i, &cp);

		if (cp >= 0x80 && (f = lookup(cp)) && f->umlaut)
			return true;
		i += n;
	}
	return false;
}
