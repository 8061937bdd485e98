/* Rule patterns widened to match the other words for a word
 * (rules_synonym.c): whole words only, never in a class or a lookbehind. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rules/rules_set.h"

static const char *widen(const char *pattern, const char *words, const char *also)
{
	static char buf[4][512];
	static int which;
	char *b = buf[which = (which + 1) % 4], *w = bw_rset__widen_synonym(pattern, words, also);

	strcpy(b, w ? w : "(null)");
	free(w);
	return b;
}

int main(void)
{
	CHECK_STR(widen("\\bmailbox\\s+full\\b", "mailbox", "inbox"), "\\b(?:mailbox|inbox)\\s+full\\b");
	CHECK_STR(widen("(?:mailbox|account)", "mailbox", "inbox"), "(?:(?:mailbox|inbox)|account)");
	CHECK_STR(widen("mailbox(?:es)?", "mailbox", "inbox"), "(?:mailbox|inbox)(?:es)?");
	/* not inside another word, a class or a lookbehind */
	CHECK_STR(widen("\\bmailboxes\\b", "mailbox", "inbox"), "\\bmailboxes\\b");
	CHECK_STR(widen("\\bmymailbox\\b", "mailbox", "inbox"), "\\bmymailbox\\b");
	CHECK_STR(widen("[mailbox]", "mailbox", "inbox"), "[mailbox]");
	CHECK_STR(widen("(?<!mailbox\\s)full", "mailbox", "inbox"), "(?<!mailbox\\s)full");
	/* spellings with escapes are matched as rules write them */
	CHECK_STR(widen("\\btoo\\s+many\\s+connections\\b", "too\\s+many", "excessive"),
	          "\\b(?:too\\s+many|excessive)\\s+connections\\b");
	CHECK_STR(widen("\\btoo\\S+many\\b", "too\\s+many", "excessive"), "\\btoo\\S+many\\b");
	CHECK_STR(widen("", "mailbox", "inbox"), "");
	/* a quantified last letter belongs to the word's other spelling */
	CHECK_STR(widen("\\bmessages?\\s+per\\b", "messages", "e-?mails"), "\\bmessages?\\s+per\\b");
	return check_done();
}
