/* Rule patterns widened to match negations written long or contracted
 * (rules_contraction.c): the rewrite itself, and that the widened pattern
 * matches both spellings and nothing the words do not say. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rules/rules_set.h"

static const char *widen(const char *pattern)
{
	static char buf[4][512];
	static int which;
	char *b = buf[which = (which + 1) % 4], *w = bw_rset__widen_contractions(pattern);

	strcpy(b, w ? w : "(null)");
	free(w);
	return b;
}

/* Does the widened `pattern` compile, and match `text` (caseless, UTF, as
 * the rules run)? */
static bool matches(const char *pattern, const char *text)
{
	char *w = bw_rset__widen_contractions(pattern);
	int err;
	PCRE2_SIZE off;
	pcre2_code *re = w ? pcre2_compile((PCRE2_SPTR)w, PCRE2_ZERO_TERMINATED,
	                                   PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP, &err, &off, NULL) : NULL;
	pcre2_match_data *md;
	int rc = -1;

	if (re && (md = pcre2_match_data_create_from_pattern(re, NULL))) {
		rc = pcre2_match(re, (PCRE2_SPTR)text, strlen(text), 0, 0, md, NULL);
		pcre2_match_data_free(md);
	}
	pcre2_code_free(re);
	free(w);
	return rc >= 0;
}

int main(void)
{
	/* nothing to widen: unchanged */
	CHECK_STR(widen("\\buser\\s+unknown\\b"), "\\buser\\s+unknown\\b");
	CHECK_STR(widen(""), "");
	CHECK_STR(widen("\\bnothing\\b|notice"), "\\bnothing\\b|notice");
	/* an auxiliary and "not": also the contraction */
	CHECK_STR(widen("\\bis\\s+not\\b"), "\\bis(?:\\s+not|n['\xE2\x80\x99]t)\\b");
	CHECK_STR(widen("(?:is|are)\\s+not"), "(?:is|are)(?:\\s+not|n['\xE2\x80\x99]t)");
	CHECK_STR(widen("cannot"), "can(?:not|['\xE2\x80\x99]t)");
	CHECK_STR(widen("\\bwill\\s+not\\b"), "\\b(?:will\\s+not|won['\xE2\x80\x99]t)\\b");
	/* a contraction written in the rule: also the long form */
	CHECK_STR(widen("doesn't"), "does(?:n['\xE2\x80\x99]t|\\s+not)");
	/* a "not" after no verb: any contracted verb in its place */
	CHECK_STR(widen("\\bnot\\s+found"), "(?:\\bnot|(?:\\b[a-z]{2,6})?n['\xE2\x80\x99]t)\\s+found");
	/* an apostrophe also accepts the curly one; a negated class is kept */
	CHECK_STR(widen("recipient's"), "recipient['\xE2\x80\x99]s");
	CHECK_STR(widen("[\\w']+"), "[\\w'\xE2\x80\x99]+");
	CHECK_STR(widen("[^']"), "[^']");
	/* lookbehinds keep their fixed lengths */
	CHECK_STR(widen("(?<!is\\s)not\\b"), "(?<!is\\s)(?:not|(?:\\b[a-z]{2,6})?n['\xE2\x80\x99]t)\\b");
	CHECK_STR(widen("(?<!is\\snot\\s)x"), "(?<!is\\snot\\s)x");
	/* a word that only ends like an auxiliary is not one */
	CHECK_STR(widen("\\bthis\\s+not"), "\\bthis\\s+(?:not|(?:\\b[a-z]{2,6})?n['\xE2\x80\x99]t)");
	CHECK_STR(widen("\\bmailbox\\s+not"), "\\bmailbox\\s+(?:not|(?:\\b[a-z]{2,6})?n['\xE2\x80\x99]t)");

	CHECK(matches("\\bdoes\\s+not\\s+exist\\b", "550 The account doesn't exist"));
	CHECK(matches("\\bdoes\\s+not\\s+exist\\b", "550 The account doesn\xE2\x80\x99t exist"));
	CHECK(matches("\\bdoes\\s+not\\s+exist\\b", "550 The account does not exist"));
	CHECK(matches("\\bdoesn't\\s+exist\\b", "550 The account does not exist"));
	CHECK(matches("\\b(?:was|were)\\s+not\\s+sent\\b", "messages from 192.0.2.1 weren't sent"));
	CHECK(matches("\\bcan\\s*not\\s+be\\s+delivered\\b", "the message can't be delivered"));
	CHECK(matches("\\bcannot\\s+relay\\b", "we can't relay for you"));
	CHECK(matches("\\bwill\\s+not\\s+accept\\b", "this server won't accept it"));
	CHECK(matches("\\s(?:(?:is|are)\\s+)?not\\s+accepted\\b", "mail from example.com isn't accepted"));
	CHECK(matches("\\b(?:are|is)\\s+(?:not\\s+(?:allowed|permitted)|blocked)\\b", ".js files aren't allowed"));
	CHECK(matches("\\b(?:are|is)\\s+(?:not\\s+(?:allowed|permitted)|blocked)\\b", ".js files are blocked"));
	CHECK(!matches("\\b(?:are|is)\\s+(?:not\\s+(?:allowed|permitted)|blocked)\\b", ".js files are allowed"));
	CHECK(!matches("\\bis\\s+not\\s+valid\\b", "this is valid"));
	CHECK(!matches("\\bdoes\\s+not\\s+exist\\b", "the account does exist"));
	CHECK(!matches("\\bnot\\s+found\\b", "the nt found"));
	return check_done();
}
