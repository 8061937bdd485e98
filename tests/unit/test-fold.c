/* Rule patterns widened to match words written without diacritics
 * (rules_fold.c): the rewrite itself, and that the widened pattern
 * matches the plain spellings and still matches the marked ones. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rules/rules_set.h"

static const char *fold(const char *pattern)
{
	static char buf[4][512];
	static int which;
	char *b = buf[which = (which + 1) % 4], *f = bw_rset__fold_pattern(pattern);

	strcpy(b, f ? f : "(null)");
	free(f);
	return b;
}

/* Does the widened `pattern` match `text` (caseless, UTF, as the rules
 * run)? */
static bool matches(const char *pattern, const char *text)
{
	char *f = bw_rset__fold_pattern(pattern);
	int err;
	PCRE2_SIZE off;
	pcre2_code *re = f ? pcre2_compile((PCRE2_SPTR)f, PCRE2_ZERO_TERMINATED,
	                                   PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP, &err, &off, NULL) : NULL;
	pcre2_match_data *md;
	int rc = -1;

	if (re && (md = pcre2_match_data_create_from_pattern(re, NULL))) {
		rc = pcre2_match(re, (PCRE2_SPTR)text, strlen(text), 0, 0, md, NULL);
		pcre2_match_data_free(md);
	}
	pcre2_code_free(re);
	free(f);
	return rc >= 0;
}

int main(void)
{
	/* ASCII patterns are unchanged */
	CHECK_STR(fold("\\buser\\s+unknown\\b"), "\\buser\\s+unknown\\b");
	CHECK_STR(fold(""), "");
	/* a letter with marks: a class with its plain letter */
	CHECK_STR(fold("désactivé"), "d[ée]sactiv[ée]");
	CHECK_STR(fold("bulunamadı"), "bulunamad[ıi]");
	/* an umlaut: also the vowel and an e; ß, æ: two letters */
	CHECK_STR(fold("Empfänger"), "Empf(?:ä|ae?)nger");
	CHECK_STR(fold("Größe"), "Gr(?:ö|oe?)(?:ß|ss)e");
	/* in a class: the plain letter added, not to a negated class or a range */
	CHECK_STR(fold("[éè]t"), "[éèee]t");
	CHECK_STR(fold("[^é]"), "[^é]");
	CHECK_STR(fold("[à-ÿ]"), "[à-ÿ]");
	/* in a lookbehind: one letter for one, so its length stays fixed */
	CHECK_STR(fold("(?<!für\\s)x"), "(?<!f[üu]r\\s)x");
	CHECK_STR(fold("(?<!ß)ü"), "(?<!ß)(?:ü|ue?)");
	/* escapes are copied whole */
	CHECK_STR(fold("\\p{L}é\\x{e9}"), "\\p{L}[ée]\\x{e9}");
	CHECK_STR(fold("\\Qé\\E"), "\\Qé\\E");

	/* the plain spellings of a lexicon cue */
	{
		char *a = bw_rset__plain_spelling("Empfänger größe", strlen("Empfänger größe"), false);
		char *b = bw_rset__plain_spelling("Empfänger größe", strlen("Empfänger größe"), true);
		char *c = bw_rset__plain_spelling("alıcı bulunamadı", strlen("alıcı bulunamadı"), false);

		CHECK_STR(a, "Empfanger grosse");
		CHECK_STR(b, "Empfaenger groesse");
		CHECK_STR(c, "alici bulunamadi");
		CHECK(bw_rset__has_umlaut("Größe", strlen("Größe")));
		CHECK(!bw_rset__has_umlaut("désactivé", strlen("désactivé")));
		free(a);
		free(b);
		free(c);
	}

	CHECK(matches("\\bkullanıcı\\s+bulunamadı\\b", "550 KULLANICI BULUNAMADI"));
	CHECK(matches("\\bkullanıcı\\s+bulunamadı\\b", "550 kullanıcı bulunamadı"));
	CHECK(matches("\\bEmpfänger\\s+unbekannt\\b", "550 Empfaenger unbekannt"));
	CHECK(matches("\\bEmpfänger\\s+unbekannt\\b", "550 Empfanger unbekannt"));
	CHECK(matches("\\bEmpfänger\\s+unbekannt\\b", "550 Empfänger unbekannt"));
	CHECK(matches("\\bnão\\s+existe\\b", "550 nao existe"));
	CHECK(matches("\\bpełna\\b", "skrzynka jest pelna"));
	CHECK(matches("\\bGröße\\b", "die Groesse"));
	CHECK(!matches("\\bEmpfänger\\s+unbekannt\\b", "550 Empfinger unbekannt"));
	CHECK(!matches("(?<!nicht\\s)\\bzulässig\\b", "nicht zulassig"));
	return check_done();
}
