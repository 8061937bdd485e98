/*
 * rules_casefold.c - one spelling per case class (see rules_casefold.h).
 */
#include <string.h>

#include "rules_casefold.h"
#include "rules_case_table.h"
#include "../util.h"

/* Scripts and symbols without case (none of their characters is in a case
 * class, tests/unit/test-casefold.c checks): a literal holds their
 * characters as they are. */
static const struct {
	uint32_t lo, hi;
} caseless[] = {
	{ 0x00A0, 0x00BF },   /* Latin-1 punctuation and signs (U+00B5 is in a class) */
	{ 0x00D7, 0x00D7 },
	{ 0x00F7, 0x00F7 },
	{ 0x0300, 0x036F },   /* combining marks (U+0345 is in a class) */
	{ 0x0590, 0x08FF },   /* Hebrew, Arabic, Syriac, Thaana, N'Ko... */
	{ 0x0900, 0x0DFF },   /* the Indic scripts */
	{ 0x0E00, 0x0FFF },   /* Thai, Lao, Tibetan */
	{ 0x1000, 0x109F },   /* Myanmar */
	{ 0x1100, 0x11FF },   /* Hangul Jamo */
	{ 0x1200, 0x139F },   /* Ethiopic */
	{ 0x1780, 0x17FF },   /* Khmer */
	{ 0x2000, 0x206F },   /* general punctuation */
	{ 0x20A0, 0x20CF },   /* currency signs */
	{ 0x3000, 0x9FFF },   /* CJK symbols, kana, ideographs */
	{ 0xAC00, 0xD7FF },   /* Hangul syllables */
	{ 0xFB1D, 0xFDFF },   /* Hebrew and Arabic presentation forms */
	{ 0xFE30, 0xFE4F },
	{ 0xFE70, 0xFEFF },
	{ 0xFF00, 0xFFEF },   /* full and half width forms (their letters are in classes) */
};

size_t bw_casefold__char_at(const char *p, size_t avail, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)p;
	uint32_t c;
	size_t n, k;

	if (!avail)
		return 0;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if (u[0] >= 0xC2 && u[0] <= 0xDF) {
		n = 2;
		c = u[0] & 0x1F;
	} else if (u[0] >= 0xE0 && u[0] <= 0xEF) {
		n = 3;
		c = u[0] & 0x0F;
	} else if (u[0] >= 0xF0 && u[0] <= 0xF4) {
		n = 4;
		c = u[0] & 0x07;
	} else {
		return 0;
	}
	if (n > avail)
		return 0;
	for (k = 1; k < n; k++) {
		if ((u[k] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (u[k] & 0x3F);
	}
	if ((n == 3 && (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF))) ||
	    (n == 4 && (c < 0x10000 || c > 0x10FFFF)))
		return 0;
	*cp = c;
	return n;
}

size_t bw_casefold__put(uint32_t cp, char *out)
{
	unsigned char *u = (unsigned char *)out;

	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		u[0] = (unsigned char)(0xC0 | cp >> 6);
		u[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		u[0] = (unsigned char)(0xE0 | cp >> 12);
		u[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		u[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	u[0] = (unsigned char)(0xF0 | cp >> 18);
	u[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
	u[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
	u[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

/* The smallest member of cp's case class when cp is in one without an
 * ASCII member (case_pairs), else 0. */
static uint32_t class_rep(uint32_t cp)
{
	size_t lo = 0, hi = sizeof(case_pairs) / sizeof(case_pairs[0]);

	if ((cp >> 8) >= CASE_PAGES || !(case_pages[cp >> 14] >> (cp >> 8 & 63) & 1))
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (case_pairs[mid].cp == cp)
			return case_pairs[mid].rep;
		if (case_pairs[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Whether cp is in a case class with an ASCII member. */
static bool ascii_kin(uint32_t cp)
{
	size_t k;

	for (k = 0; k < sizeof(case_ascii_kin) / sizeof(case_ascii_kin[0]); k++)
		if (case_ascii_kin[k] == cp)
			return true;
	return false;
}

bool bw_casefold__literal_char(uint32_t cp, uint32_t *out)
{
	uint32_t rep;
	size_t k;

	if (cp < 0x80) {
		*out = (uint32_t)bw_lower((int)cp);
		return *out != 'k' && *out != 's';
	}
	if ((rep = class_rep(cp))) {
		*out = rep;
		return true;
	}
	if (ascii_kin(cp))
		return false;
	for (k = 0; k < sizeof(caseless) / sizeof(caseless[0]); k++)
		if (cp >= caseless[k].lo && cp <= caseless[k].hi) {
			*out = cp;
			return true;
		}
	return false;
}

size_t bw_casefold__text(const char *text, size_t len, char *out)
{
	size_t i = 0, o = 0, n;
	uint32_t cp, rep;

	while (i < len) {
		if ((unsigned char)text[i] < 0x80) {
			out[o++] = text[i++];
			continue;
		}
		n = bw_casefold__char_at(text + i, len - i, &cp);
		if (!n) {
			out[o++] = text[i++];
			continue;
		}
		if ((rep = class_rep(cp)))
			o += bw_casefold__put(rep, out + o);
		else {
			memmove(out + o, text + i, n);
			o += n;
		}
		i += n;
	}
	return o;
}
