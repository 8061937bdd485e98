/*
 * The spaced parts of the literal prefilter (lib/rules/rules_prefilter.c,
 * BW_LITERAL_SPACED): the white space they read is what PCRE2's \s
 * matches with PCRE2_UCP, over the whole code space; the words are found
 * in order with white space between; and a pattern's spaced part is found
 * in every text the pattern matches (words and separators written out in
 * every way \s allows).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "check.h"
#include "rules/rules_casefold.h"
#include "rules/rules_prefilter.h"

#define FLAGS (PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF)

static pcre2_code *compile(const char *p)
{
	int err;
	PCRE2_SIZE off;

	return pcre2_compile((PCRE2_SPTR)p, PCRE2_ZERO_TERMINATED, FLAGS, &err, &off, NULL);
}

/* The spaced part of pattern's literals (one string expected), without
 * its mark, into out; false when there is none. */
static bool spaced_part(const char *pattern, char *out, size_t size)
{
	char **l = NULL;
	const char *m;
	bool found = false;

	if (bw_rules__literals(pattern, &l) == 1 && (m = strchr(l[0], BW_LITERAL_SPACED))) {
		size_t n = strcspn(m + 1, "\x01");

		if (n < size) {
			memcpy(out, m + 1, n);
			out[n] = '\0';
			found = true;
		}
	}
	bw_rules__literals_free(l);
	return found;
}

int main(void)
{
	pcre2_code *ws = compile("\\s");
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	uint32_t cp;
	size_t n_space = 0, bad = 0;

	/* \s over the whole code space, one character at a time */
	for (cp = 0; cp <= 0x10FFFF; cp++) {
		char u[4];
		size_t len;
		bool pcre_space;

		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		len = bw_casefold__put(cp, u);
		pcre_space = pcre2_match(ws, (PCRE2_SPTR)u, len, 0, 0, md, NULL) >= 0;
		n_space += pcre_space;
		if (pcre_space != (bw_rules__space_at(u, len) == len) ||
		    (!pcre_space && bw_rules__space_at(u, len))) {
			if (bad++ < 10)
				fprintf(stderr, "U+%04X: \\s %d, space_at %zu\n", (unsigned)cp, pcre_space,
				        bw_rules__space_at(u, len));
		}
	}
	CHECK(bad == 0);
	CHECK(n_space >= 20);
	/* cut sequences are none */
	CHECK(bw_rules__space_at("\xe3\x80", 2) == 0);
	CHECK(bw_rules__space_at("\xc2", 1) == 0);
	CHECK(bw_rules__space_at("", 0) == 0);

	/* words in order, white space between */
	CHECK(bw_rules__spaced_in("no such user here", 17, "no such user", 12));
	CHECK(bw_rules__spaced_in("x no \t\r\n such\xe3\x80\x80user", 20, "no such user", 12));
	CHECK(!bw_rules__spaced_in("no suchuser", 11, "no such user", 12));
	CHECK(!bw_rules__spaced_in("no such use", 11, "no such user", 12));
	CHECK(!bw_rules__spaced_in("such no user", 12, "no such user", 12));
	CHECK(bw_rules__spaced_in("nono no such user", 17, "no such user", 12));   /* a later start */
	CHECK(bw_rules__spaced_in("a b", 3, "a b", 3));

	/* a pattern's spaced part is in every text it matches */
	{
		static const struct {
			const char *pattern, *part;
			const char *texts[4];
		} cases[] = {
			{ "\\bno\\s+such\\s+user\\b", "no such user",
			  { "550 no such user", "No\xc2\xa0Such \t User!", "NO\xe2\x80\x83SUCH\nuser", NULL } },
			{ "mailbox\\s+is\\s+full", "mailbox is full",
			  { "Mailbox   is\x0b full", "mailbox\xe2\x80\xa8is\xe2\x80\xa9""full", NULL, NULL } },
			{ "user\\s+unknown|x", NULL, { NULL, NULL, NULL, NULL } },
		};
		size_t i, j;

		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			char part[256];
			pcre2_code *re = compile(cases[i].pattern);
			bool has = spaced_part(cases[i].pattern, part, sizeof(part));

			CHECK(has == (cases[i].part != NULL));
			if (has)
				CHECK_STR(part, cases[i].part);
			for (j = 0; has && cases[i].texts[j]; j++) {
				const char *t = cases[i].texts[j];
				char lower[256];
				size_t k, len = strlen(t);

				CHECK(pcre2_match(re, (PCRE2_SPTR)t, len, 0, 0, md, NULL) >= 0);
				for (k = 0; k <= len; k++)
					lower[k] = (char)(t[k] >= 'A' && t[k] <= 'Z' ? t[k] + 32 : t[k]);
				CHECK(bw_rules__spaced_in(lower, len, part, strlen(part)));
			}
			pcre2_code_free(re);
		}
	}
	pcre2_match_data_free(md);
	pcre2_code_free(ws);
	return check_done();
}
