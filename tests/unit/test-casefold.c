/* The case classes of the literal prefilter (lib/rules/rules_casefold.c,
 * rules_case_table.h) against PCRE2 itself, compiled as the rules are
 * (caseless, UTF, UCP): every character PCRE2 matches with a character a
 * literal may hold is one the text fold writes as that same character,
 * and no other character of the whole code space matches one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "check.h"
#include "rules/rules_casefold.h"
#include "rules/rules_case_table.h"
#include "util.h"

#define FLAGS (PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF)
#define N_CASE_PAIRS (sizeof(case_pairs) / sizeof(case_pairs[0]))

/* A string of code points, each once, as UTF-8. */
typedef struct hay {
	char *p;
	size_t len, cap;
} hay;

static void hay_add(hay *h, uint32_t cp)
{
	if (h->len + 4 > h->cap) {
		h->cap = h->cap ? 2 * h->cap : 4096;
		h->p = realloc(h->p, h->cap);
		if (!h->p)
			abort();
	}
	h->len += bw_casefold__put(cp, h->p + h->len);
}

/* The index of cp in case_pairs (sorted: checked below), or
 * N_CASE_PAIRS. */
static size_t pair_index(uint32_t cp)
{
	size_t lo = 0, hi = N_CASE_PAIRS;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (case_pairs[mid].cp == cp)
			return mid;
		if (case_pairs[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return N_CASE_PAIRS;
}

static bool in_pairs(uint32_t cp)
{
	return pair_index(cp) < N_CASE_PAIRS;
}

static bool in_kin(uint32_t cp)
{
	size_t k;

	for (k = 0; k < sizeof(case_ascii_kin) / sizeof(case_ascii_kin[0]); k++)
		if (case_ascii_kin[k] == cp)
			return true;
	return false;
}

static uint32_t rep_of(uint32_t cp)
{
	size_t k = pair_index(cp);

	return k < N_CASE_PAIRS ? case_pairs[k].rep : 0;
}

/* A pattern compiled as the rules compile theirs, JIT-compiled (the code
 * spaces below are megabytes). */
static pcre2_code *compile(const char *pattern)
{
	int err;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, FLAGS, &err,
	                               &off, NULL);

	if (!re) {
		fprintf(stderr, "does not compile: %s\n", pattern);
		abort();
	}
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

/* Calls found(cp, arg) for the code point at the start of every match of
 * re in h (each match is one character); returns how many there were. */
static size_t each_match(pcre2_code *re, const hay *h, void (*found)(uint32_t, void *),
                         void *arg)
{
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	size_t off = 0, n = 0;

	while (off < h->len && pcre2_match(re, (PCRE2_SPTR)h->p, h->len, off, 0, md, NULL) >= 0) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		uint32_t cp = 0;
		size_t len = bw_casefold__char_at(h->p + ov[0], h->len - ov[0], &cp);

		n++;
		if (found)
			found(cp, arg);
		off = ov[0] + (len ? len : 1);
	}
	pcre2_match_data_free(md);
	return n;
}

static int bad_class;

/* A match of a pattern character whose class's smallest member is
 * *(uint32_t *)arg. */
static void same_class(uint32_t cp, void *arg)
{
	if (rep_of(cp) != *(uint32_t *)arg) {
		if (bad_class++ < 10)
			fprintf(stderr, "U+%04X matches in another class (U+%04X)\n", (unsigned)cp,
			        (unsigned)*(uint32_t *)arg);
	}
}

static void report(uint32_t cp, void *arg)
{
	static int shown;

	if (shown++ < 10)
		fprintf(stderr, "%s: U+%04X\n", (const char *)arg, (unsigned)cp);
}

/* "(?i)[...]" of the code points for which keep(cp) holds among
 * lo..hi, as ranges. */
static char *class_of(uint32_t lo, uint32_t hi, bool (*keep)(uint32_t))
{
	bw_buf b = BW_BUF_INIT;
	uint32_t cp, start = 0;
	bool open = false;

	bw_buf__puts(&b, "[");
	for (cp = lo; cp <= hi + 1; cp++) {
		bool k = cp <= hi && !(cp >= 0xD800 && cp <= 0xDFFF) && keep(cp);

		if (k && !open) {
			start = cp;
			open = true;
		} else if (!k && open) {
			bw_buf__printf(&b, "\\x{%X}-\\x{%X}", (unsigned)start, (unsigned)(cp - 1));
			open = false;
		}
	}
	bw_buf__puts(&b, "]");
	return bw_buf__detach(&b);
}

static bool is_pair(uint32_t cp) { return in_pairs(cp); }

static uint32_t range_lo, range_hi;
static bool in_range_uncased(uint32_t cp)
{
	return cp >= range_lo && cp <= range_hi && !in_pairs(cp);
}

/* The caseless ranges of rules_casefold.c, read back through the API:
 * literal_char() keeps cp itself. */
static bool kept_as_itself(uint32_t cp)
{
	uint32_t out;

	return cp >= 0x80 && !in_pairs(cp) && bw_casefold__literal_char(cp, &out) && out == cp;
}

int main(void)
{
	hay classes = { NULL, 0, 0 }, rest = { NULL, 0, 0 };
	uint32_t cp, out, lo;
	size_t k;
	char pat[64], *cls;
	pcre2_code *re;
	int bad = 0;

	/* The haystack of the classes: printable ASCII, every member. */
	for (cp = 0x20; cp < 0x7F; cp++)
		hay_add(&classes, cp);
	for (k = 0; k < N_CASE_PAIRS; k++)
		hay_add(&classes, case_pairs[k].cp);
	for (k = 0; k < sizeof(case_ascii_kin) / sizeof(case_ascii_kin[0]); k++)
		hay_add(&classes, case_ascii_kin[k]);
	/* ... and of everything else: every other character. */
	for (cp = 0x80; cp <= 0x10FFFF; cp++)
		if (!(cp >= 0xD800 && cp <= 0xDFFF) && !in_pairs(cp) && !in_kin(cp))
			hay_add(&rest, cp);

	/* Each member of a class matches only members of its class, and
	 * the table is sorted, its smallest member its own. */
	for (k = 0; k < N_CASE_PAIRS; k++) {
		uint32_t rep = case_pairs[k].rep;

		CHECK(!k || case_pairs[k - 1].cp < case_pairs[k].cp);
		CHECK(rep <= case_pairs[k].cp && rep_of(rep) == rep && rep >= 0x80);
		snprintf(pat, sizeof(pat), "\\x{%X}", (unsigned)case_pairs[k].cp);
		re = compile(pat);
		CHECK(each_match(re, &classes, same_class, &rep) >= 1);
		pcre2_code_free(re);
		CHECK(bw_casefold__literal_char(case_pairs[k].cp, &out) && out == rep);
	}
	CHECK(bad_class == 0);

	/* No character outside the table matches a member: one class of
	 * every member over the whole code space. */
	cls = class_of(0x80, 0x10FFFF, is_pair);
	re = compile(cls);
	CHECK(each_match(re, &rest, report, "a class member matches") == 0);
	pcre2_code_free(re);
	free(cls);

	/* ASCII letters but k and s match only their two cases (k and s
	 * also match the Kelvin sign and the long s: no literal holds them
	 * with other characters); the kin of ASCII letters are no literal's. */
	for (cp = 'a'; cp <= 'z'; cp++) {
		char up[2] = { (char)(cp - 32), 0 }, low[2] = { (char)cp, 0 };
		size_t n;

		snprintf(pat, sizeof(pat), "%c", (char)cp);
		re = compile(pat);
		n = each_match(re, &classes, NULL, NULL);
		pcre2_code_free(re);
		if (cp == 'k' || cp == 's') {
			CHECK(n == 3);
			CHECK(!bw_casefold__literal_char(cp, &out));
			CHECK(!bw_casefold__literal_char(cp - 32, &out));
		} else {
			CHECK(n == 2);
			CHECK(bw_casefold__literal_char(cp, &out) && out == cp);
			CHECK(bw_casefold__literal_char(cp - 32, &out) && out == cp);
		}
		(void)up;
		(void)low;
	}
	re = compile("[a-jl-rt-z]");
	CHECK(each_match(re, &rest, report, "an ASCII letter matches") == 0);
	pcre2_code_free(re);
	for (k = 0; k < sizeof(case_ascii_kin) / sizeof(case_ascii_kin[0]); k++)
		CHECK(!bw_casefold__literal_char(case_ascii_kin[k], &out));

	/* The characters a literal holds as they are: each range of them
	 * (read back through the API) matches nothing outside itself, and
	 * in a range of fewer than 2,000 each only itself.  (The CJK and
	 * Hangul ranges are checked against the rest of the code space.) */
	for (lo = 0x80; lo <= 0x10FFFF; lo++) {
		uint32_t hi = lo;
		hay inside = { NULL, 0, 0 }, outside = { NULL, 0, 0 };

		if (!kept_as_itself(lo))
			continue;
		while (hi < 0x10FFFF && (kept_as_itself(hi + 1) || in_pairs(hi + 1)))
			hi++;
		range_lo = lo;
		range_hi = hi;
		for (cp = 0x20; cp <= 0x10FFFF; cp++) {
			if ((cp >= 0xD800 && cp <= 0xDFFF) || cp == 0x7F)
				continue;
			if (in_range_uncased(cp))
				hay_add(&inside, cp);
			else
				hay_add(&outside, cp);
		}
		cls = class_of(lo, hi, in_range_uncased);
		re = compile(cls);
		if (each_match(re, &outside, report, "a caseless character matches") != 0)
			bad++;
		pcre2_code_free(re);
		free(cls);
		if (hi - lo < 2000)
			for (cp = lo; cp <= hi; cp++) {
				if (!in_range_uncased(cp))
					continue;
				snprintf(pat, sizeof(pat), "\\x{%X}", (unsigned)cp);
				re = compile(pat);
				if (each_match(re, &inside, NULL, NULL) != 1)
					bad++;
				pcre2_code_free(re);
			}
		free(inside.p);
		free(outside.p);
		lo = hi;
	}
	CHECK(bad == 0);
	/* scripts with case other than the table's are no literal's */
	CHECK(!bw_casefold__literal_char(0x212A, &out));    /* Kelvin sign */
	CHECK(!bw_casefold__literal_char(0x017F, &out));    /* long s */
	CHECK(!bw_casefold__literal_char(0x0131, &out));    /* dotless i */
	CHECK(!bw_casefold__literal_char(0x0130, &out));    /* dotted I */
	CHECK(bw_casefold__literal_char(0x0436, &out) && out == 0x0416);   /* ж: Ж */
	CHECK(bw_casefold__literal_char(0x05D0, &out) && out == 0x05D0);   /* alef */
	CHECK(!bw_casefold__literal_char(0x1F600, &out));   /* not known to be caseless */

	/* The text fold: one spelling per class, the rest as it is. */
	{
		static const struct {
			const char *in, *same_as;
		} same[] = {
			{ "СПАМ", "спам" },
			{ "ΣΟΦΊΑ", "σοφία" },
			{ "λόγος", "ΛΌΓΟΣ" },         /* final sigma */
			{ "ᲀ", "в" },                 /* old Cyrillic ve */
			{ "straße ẞ", "straße ß" },
			{ "µ", "μ" },                 /* micro sign, Greek mu */
			{ "Ω", "ω" },                 /* ohm sign */
			{ "ÅngstrÖm Å", "ångström å" },   /* (ASCII is lower-cased before) */
		};
		char a[64], b[64], *big;
		size_t la, lb, i;

		for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
			la = bw_casefold__text(same[i].in, strlen(same[i].in), a);
			lb = bw_casefold__text(same[i].same_as, strlen(same[i].same_as), b);
			CHECK(la == lb && memcmp(a, b, la) == 0);
			CHECK(la <= strlen(same[i].in) && lb <= strlen(same[i].same_as));
		}
		/* ASCII, caseless scripts, the ASCII letters' kin and stray
		 * bytes are copied */
		la = bw_casefold__text("k\xe2\x84\xaa \xd7\x90 \xc5\xbf\xff\xd0", 11, a);
		CHECK(la == 11 && memcmp(a, "k\xe2\x84\xaa \xd7\x90 \xc5\xbf\xff\xd0", 11) == 0);
		/* every member of every class comes out as its class's smallest */
		big = malloc(classes.len);
		la = bw_casefold__text(classes.p, classes.len, big);
		CHECK(la <= classes.len);
		for (i = 0, k = 0; i < la; k++) {
			uint32_t c, want;
			size_t n = bw_casefold__char_at(big + i, la - i, &c);

			want = k < 0x5F ? k + 0x20 : k < 0x5F + N_CASE_PAIRS
			       ? case_pairs[k - 0x5F].rep : case_ascii_kin[k - 0x5F - N_CASE_PAIRS];
			if (!n || c != want)
				break;
			i += n;
		}
		CHECK(i == la && k == 0x5F + N_CASE_PAIRS + sizeof(case_ascii_kin) / sizeof(case_ascii_kin[0]));
		free(big);
	}
	/* UTF-8 decoding: overlong forms, surrogates and truncation are not
	 * characters */
	CHECK(bw_casefold__char_at("\xc0\x80", 2, &cp) == 0);
	CHECK(bw_casefold__char_at("\xed\xa0\x80", 3, &cp) == 0);
	CHECK(bw_casefold__char_at("\xd0\xb0", 1, &cp) == 0);
	CHECK(bw_casefold__char_at("\xf4\x90\x80\x80", 4, &cp) == 0);
	CHECK(bw_casefold__char_at("\xf0\x9f\x98\x80", 4, &cp) == 4 && cp == 0x1F600);
	free(classes.p);
	free(rest.p);
	return check_done();
}
