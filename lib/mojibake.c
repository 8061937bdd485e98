/*
 * mojibake.c - a reply whose bytes were decoded with the wrong charset on
 * their way into a log or a notice, read back as the text it was.
 *
 * Two kinds are common and can be undone without guessing:
 *   - UTF-8 read as Windows-1252 (or Latin-1): "Ð¡Ð»Ð¸ÑˆÐºÐ¾Ð¼" for
 *     "Слишком", "æ‹’ç»" for "拒绝".  Each character maps back to one byte
 *     (cp1252's table); where those bytes form a well-formed UTF-8
 *     sequence of two to four bytes, the sequence is what was meant.
 *     Genuine Western text almost never forms one ("é" followed by "t" is
 *     no sequence), and a character that stood for a byte cp1252 lacks
 *     (printed as "?") breaks its sequence, which then stays as it is.
 *   - Windows-1251 read as Windows-1252 or Latin-1: "Âàø IP-àäðåñ
 *     çàáëîêèðîâàí" for "Ваш IP-адрес заблокирован".  A word of three
 *     letters or more made only of the letters U+00C0-U+00FF (with ¸ and
 *     ¨, cp1251's ё and Ё) is Cyrillic in a Western code page: Western
 *     words mix such letters with plain ones.  The repair needs two such
 *     words, or one of six letters or more.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mojibake.h"
#include "util.h"

/* Windows-1252's characters for the bytes 0x80-0x9F (0 where it has none). */
static const uint16_t cp1252_high[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

/* One UTF-8 character at s[0..n): its code point and length in *len (1
 * and the byte for a malformed one). */
static uint32_t next_cp(const unsigned char *s, size_t n, size_t *len)
{
	uint32_t c = s[0];
	size_t k, i;

	if (c < 0x80) {
		*len = 1;
		return c;
	}
	k = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
	if (!k || k > n) {
		*len = 1;
		return c;
	}
	c &= 0xFF >> (k + 1);
	for (i = 1; i < k; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*len = 1;
			return s[0];
		}
		c = (c << 6) | (s[i] & 0x3F);
	}
	*len = k;
	return c;
}

/* The byte cp1252 or Latin-1 writes as code point c, or -1. */
static int cp1252_byte(uint32_t c)
{
	int i;

	/* Latin-1 (0x80-0x9F are its control characters) and cp1252 agree
	 * from 0xA0 */
	if (c >= 0x80 && c <= 0xFF)
		return (int)c;
	for (i = 0; i < 32; i++)
		if (cp1252_high[i] && cp1252_high[i] == c)
			return 0x80 + i;
	return -1;
}

/* The length of the well-formed UTF-8 sequence of two to four bytes that
 * b[0..n) starts with, or 0 (no overlong forms, no surrogates). */
static size_t utf8_seq(const int *b, size_t n)
{
	size_t k, i;
	uint32_t c;

	if (n < 2 || b[0] < 0xC2 || b[0] > 0xF4)
		return 0;
	k = b[0] >= 0xF0 ? 4 : b[0] >= 0xE0 ? 3 : 2;
	if (k > n)
		return 0;
	c = (uint32_t)b[0] & (0xFF >> (k + 1));
	for (i = 1; i < k; i++) {
		if (b[i] < 0x80 || b[i] > 0xBF)
			return 0;
		c = (c << 6) | ((uint32_t)b[i] & 0x3F);
	}
	if ((k == 3 && c < 0x800) || (k == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
	    (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	return k;
}

/* UTF-8 read as cp1252: the sequences undone; NULL when there is none. */
static char *undo_utf8_as_cp1252(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, nc = 0, k, cl, fixed = 0;
	uint32_t *cps;
	int *bytes;
	size_t *lens;
	bw_buf out = BW_BUF_INIT;

	cps = malloc(n * sizeof(*cps));
	bytes = malloc(n * sizeof(*bytes));
	lens = malloc(n * sizeof(*lens));
	if (!cps || !bytes || !lens)
		goto done;
	while (i < n) {
		cps[nc] = next_cp(u + i, n - i, &cl);
		bytes[nc] = cps[nc] < 0x80 ? (int)cps[nc] : cp1252_byte(cps[nc]);
		lens[nc] = cl;
		i += cl;
		nc++;
	}
	for (i = 0, cl = 0; i < nc; ) {
		size_t j, at = cl;

		/* the candidate bytes from here while every character maps */
		for (j = i; j < nc && j < i + 4 && bytes[j] >= 0; j++)
			;
		if ((k = utf8_seq(bytes + i, j - i))) {
			unsigned char seq[4];
			size_t q;

			for (q = 0; q < k; q++) {
				seq[q] = (unsigned char)bytes[i + q];
				cl += lens[i + q];
			}
			bw_buf__put(&out, (const char *)seq, k);
			i += k;
			fixed++;
			continue;
		}
		bw_buf__put(&out, s + at, lens[i]);
		cl += lens[i];
		i++;
	}
done:
	free(cps);
	free(bytes);
	free(lens);
	if (!fixed || out.oom) {
		bw_buf__free(&out);
		return NULL;
	}
	return bw_buf__detach(&out);
}

/* Is c one of the letters cp1251 text shows in a Western code page? */
static bool cp1251_letter(uint32_t c)
{
	return (c >= 0xC0 && c <= 0xFF && c != 0xD7) || c == 0xA8 || c == 0xB8;
}

static uint32_t cp1251_cp(uint32_t c)
{
	if (c == 0xA8)
		return 0x0401;
	if (c == 0xB8)
		return 0x0451;
	return 0x0410 + (c - 0xC0);
}

/* A word (letters, '-' and ''' inside) starting at s[i]: its end, and in
 * *all_high whether every letter is a cp1251 letter, in *letters how many
 * there are. */
static size_t word_end(const char *s, size_t n, size_t i, bool *all_high, size_t *letters)
{
	size_t cl;

	*all_high = true;
	*letters = 0;
	while (i < n) {
		uint32_t c = next_cp((const unsigned char *)s + i, n - i, &cl);
		if (cp1251_letter(c))
			(*letters)++;
		else if ((c < 0x80 && bw_isalnum((int)c)) || (c >= 0x80 && c != 0xA0 && c != 0xAB &&
		                                              c != 0xBB && c != 0xB7))
			*all_high = false, (*letters)++;
		else
			break;
		i += cl;
	}
	return i;
}

/* cp1251 read as cp1252: the Cyrillic words undone; NULL when the text
 * does not look like one. */
static char *undo_cp1251_as_cp1252(const char *s, size_t n)
{
	size_t i = 0, cl, words = 0, longest = 0, letters;
	bool high;
	bw_buf out = BW_BUF_INIT;

	while (i < n) {
		size_t e = word_end(s, n, i, &high, &letters);
		if (e == i) {
			next_cp((const unsigned char *)s + i, n - i, &cl);
			i += cl;
			continue;
		}
		if (high && letters >= 3) {
			words++;
			longest = letters > longest ? letters : longest;
		}
		i = e;
	}
	if (words < 2 && longest < 6)
		return NULL;
	for (i = 0; i < n; ) {
		size_t e = word_end(s, n, i, &high, &letters);
		if (e == i) {
			next_cp((const unsigned char *)s + i, n - i, &cl);
			bw_buf__put(&out, s + i, cl);
			i += cl;
			continue;
		}
		if (!high || letters < 2) {
			bw_buf__put(&out, s + i, e - i);
			i = e;
			continue;
		}
		while (i < e) {
			uint32_t c = next_cp((const unsigned char *)s + i, e - i, &cl);
			bw_buf__put_codepoint(&out, cp1251_letter(c) ? cp1251_cp(c) : c);
			i += cl;
		}
	}
	if (out.oom) {
		bw_buf__free(&out);
		return NULL;
	}
	return bw_buf__detach(&out);
}

/* Does s hold a character of the range both kinds show? */
static bool may_hold(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	/* U+00A0-U+00FF is C2/C3 in UTF-8; cp1252's own letters are C5, C6,
	 * CB or E2 */
	for (; *u; u++)
		if (*u == 0xC2 || *u == 0xC3 || *u == 0xC5 || *u == 0xC6 || *u == 0xCB || *u == 0xE2)
			return true;
	return false;
}

char *bw_mojibake__repair(const char *s)
{
	char *a, *b;
	size_t n;

	if (!s || !may_hold(s))
		return NULL;
	n = strlen(s);
	a = undo_utf8_as_cp1252(s, n);
	b = undo_cp1251_as_cp1252(a ? a : s, a ? strlen(a) : n);
	if (!b)
		return a;
	free(a);
	return b;
}
