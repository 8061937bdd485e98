/* The literal prefilter of the rule engine: what a pattern cannot match
 * without, derived conservatively. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "rules/rules_prefilter.h"

/* The derived set, joined with '|', or "" when there is none. */
static const char *set_of(const char *pattern)
{
	static char buf[512];
	char **l = NULL;
	int n = bw_rules__literals(pattern, &l), i;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		char *p;

		if (i)
			strcat(buf, "|");
		strcat(buf, l[i]);
		for (p = buf; (p = strchr(p, BW_LITERAL_AND)); )
			*p = '&';  /* parts that must all occur */
		for (p = buf; (p = strchr(p, BW_LITERAL_8BIT)); )
			*p = '8';  /* some 8-bit byte */
		for (p = buf; (p = strchr(p, BW_LITERAL_SPACED)); )
			*p = '~';  /* words in order, white space between */
	}
	bw_rules__literals_free(l);
	return buf;
}

/* "(?:p00|p01|...)", n strings of prefix p and two digits. */
static const char *group_of(char p, int n)
{
	static char buf[2][1024];
	static int which;
	char *b = buf[which ^= 1];
	int i;

	strcpy(b, "(?:");
	for (i = 0; i < n; i++)
		sprintf(b + strlen(b), "%s%c%02d", i ? "|" : "", p, i);
	strcat(b, ")");
	return b;
}

int main(void)
{
	char pattern[2200], want[1024];

	CHECK_STR(set_of("\\buser\\s+unknown\\b|\\bno\\s+such\\s+user\\b"),
	          "user&unknown&~user unknown|such&user&~no such user");
	CHECK_STR(set_of("\\b(?:SPF|DKIM)\\b"), "spf|dkim");
	CHECK_STR(set_of("Mailbox\\s+(?:is\\s+)?full"), "mailbox&full");
	CHECK_STR(set_of("colou?red"), "colo&red");
	CHECK_STR(set_of("a(?:bc)?defg"), "defg");
	CHECK_STR(set_of("(?=foo)barx"), "barx");
	CHECK_STR(set_of("RESOLVER\\.ADR\\.RecipientNotFound"), "resolver.adr.recipientnotfound");
	CHECK_STR(set_of("\\b(?<code>TSS04)\\b"), "tss04");
	CHECK_STR(set_of("ab+cdef"), "cdef");
	/* nothing it can vouch for: always tried */
	CHECK_STR(set_of("^\\s*(?:6[4-9]|7[0-8]|255)\\s*$"), "");
	CHECK_STR(set_of("x{2}yz"), "");
	/* characters without case (CJK, kana, Hangul) are literals; others,
	 * such as Cyrillic or accented Latin, are a mark, and then, as more
	 * parts of the same strings, in runs with every letter written as the
	 * smallest of its case class (rules_casefold.h) */
	CHECK_STR(set_of("宛先不明|unknown"), "宛先不明|unknown");
	CHECK_STR(set_of("ユーザー?不明"), "ユーザ&不明");
	CHECK_STR(set_of("спам|unknown"), "8&СПАМ|unknown");
	CHECK_STR(set_of("Empfänger|unknown"), "empf&nger&8&empfÄnger|unknown");
	CHECK_STR(set_of("zu\\s+groß"), "gro&8&~zu gro&groß");
	CHECK_STR(set_of("спам"), "8&СПАМ");
	CHECK_STR(set_of("СПАМ\\s+фильтр"), "8&СПАМ&ФИЛЬТР");
	CHECK_STR(set_of("λόγος"), "8&ΛΌΓΟΣ");           /* final sigma: Σ */
	CHECK_STR(set_of("שגיאה"), "8&שגיאה");            /* no case: as it is */
	CHECK_STR(set_of("ошибк[аи]"), "8&ОШИБК");
	CHECK_STR(set_of("спамм?"), "8&СПАМ");             /* optional: not required */
	CHECK_STR(set_of("спа+м"), "8&СПА");               /* repeated: the run ends */
	CHECK_STR(set_of("(?:ошибка|сбой)\\s+сети"), "8&8&ОШИБКА&СЕТИ|8&8&СБОЙ&СЕТИ");
	/* 'k' and 's' also match the Kelvin sign and the long s: a run
	 * of cased letters ends there (runs are counted in bytes) */
	CHECK_STR(set_of("kvóta"), "8&vÓta");
	CHECK_STR(set_of("smí"), "8&mÍ");
	CHECK_STR(set_of("ší"), "8&ŠÍ");
	CHECK_STR(set_of("sž"), "8");
	CHECK_STR(set_of("\\bı\\b"), "");               /* dotless i matches 'I' */
	/* a run that the plain runs already hold adds nothing */
	CHECK_STR(set_of("ab–cd"), "8&ab–cd");
	CHECK_STR(set_of("ab|zu\\s+groß"), "");     /* "ab" vouches for nothing */
	CHECK_STR(set_of("Empfä?nger"), "empf&nger");   /* the optional character is not required */
	CHECK_STR(set_of("\\bſ\\b"), "");               /* long s matches 's' caselessly */
	CHECK_STR(set_of("(?:foo|ab)"), "");
	CHECK_STR(set_of("(?x) foo bar"), "");
	CHECK_STR(set_of("(?:abc)*defg|xyz"), "defg|xyz");
	CHECK_STR(set_of("[abc]{3}"), "");
	/* and one string of each compulsory group */
	CHECK_STR(set_of("\\bclient\\s+host\\s+(?:rejected|blocked)\\b"),
	          "client&host&rejected&~client host|client&host&blocked&~client host");
	CHECK_STR(set_of("(?:mail\\s*box|inbox)\\s+(?:is\\s+)?(?:full|over\\s*quota)"),
	          "mail&box&full|mail&box&over&quota|inbox&full|inbox&over&quota");
	CHECK_STR(set_of("(?:is|was)\\s+full"), "full");   /* "is" vouches for nothing */
	/* every run of an alternative must occur; short runs are not required */
	CHECK_STR(set_of("\\bhost\\s+(?:or\\s+domain\\s+)?not\\s+found\\b"), "host&not&found&~not found");
	CHECK_STR(set_of("\\bno\\s+MX\\s+record"), "record&~no mx record");
	/* words separated by white space (\\s, \\s+, a space), \\b between:
	 * a spaced part, which only adds to the strings */
	CHECK_STR(set_of("rate\\s+limit\\b\\s*exceeded"), "rate&limit&exceeded&~rate limit");
	CHECK_STR(set_of("too\\s+many  connections"), "too&many  connections&~too many connections");
	CHECK_STR(set_of("user unknown"), "user unknown");          /* no \\s: the plain run */
	CHECK_STR(set_of("no\\s+such\\s?user"), "such&user&~no such");
	CHECK_STR(set_of("the\\s+box\\s+is\\s+full+"), "the&box&full&~the box is full");
	CHECK_STR(set_of("sorry\\s+(?:no|not)\\s+mailbox"), "sorry&mailbox");
	/* a whole pattern of one alternative without a plain run long
	 * enough: its spaced and cased runs alone, else always tried */
	CHECK_STR(set_of("\\bMX\\s+0\\s+[\"“]\\.[\"”]"), "~mx 0");
	CHECK_STR(set_of("ab\\s+cd"), "~ab cd");
	CHECK_STR(set_of("мы\\s+не"), "8&МЫ&НЕ");           /* (a mark: not bare) */
	CHECK_STR(set_of("ab\\s+cd|efgh"), "");           /* beside another alternative */
	CHECK_STR(set_of("(?:ab\\s+cd)"), "");            /* in a group */
	CHECK_STR(set_of("ab\\s+c(?:d|e)"), "~ab c");
	/* groups too large to multiply in, and nothing else: the smallest
	 * group's strings alone */
	snprintf(pattern, sizeof(pattern), "%s\\s+%s", group_of('y', 70), group_of('x', 66));
	strcpy(want, group_of('x', 66) + 3);
	want[strlen(want) - 1] = '\0';
	CHECK_STR(set_of(pattern), want);
	snprintf(pattern, sizeof(pattern), "%s\\s+%s", group_of('y', 129), group_of('x', 130));
	CHECK_STR(set_of(pattern), "");     /* more than MAX_ALONE */
	return check_done();
}
