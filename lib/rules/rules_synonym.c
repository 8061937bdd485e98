/*
 * rules_synonym.c - a rule pattern widened to match the other words servers
 * use for one of its words: "too many" also "an excessive number of",
 * "mailbox" also "inbox".
 *
 * The synonyms are data: [synonym ID] sections of the rule sources
 * (rules/reasons/synonyms.rules), each with `words`, the spelling as rules
 * write it ("too\s+many"), and `also`, a pattern of the other spellings.
 * When the rules are read, every whole-word occurrence of `words` in a
 * pattern (outside character classes and lookbehinds, whose branches keep
 * fixed lengths) becomes "(?:WORDS|ALSO)".  The rewrite only widens: what
 * matched before still matches.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "rules_set.h"
#include "../util.h"


static bool word_byte(char c)
{
	return bw_isalnum((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80;
}

/* Does the pattern output so far end where a word may start: nothing, a
 * non-word character, or an escape such as \b or \s? */
static bool at_word_start(const bw_buf *out)
{
	size_t n = out->len;

	if (!n || !word_byte(out->p[n - 1]))
		return true;
	return n >= 2 && out->p[n - 2] == '\\' && !(n >= 3 && out->p[n - 3] == '\\');
}

char *bw_rset__widen_synonym(const char *p, const char *words, const char *also)
{
	bw_buf out = BW_BUF_INIT;
	bw_rpat_groups g = { .depth = 0 };
	size_t i = 0, wl = strlen(words);

	while (p[i]) {
		/* a whole word, whose last letter no quantifier follows
		 * ("messages?" is "message" and an optional s) */
		if (!g.behind_n && wl && strncmp(p + i, words, wl) == 0 && !word_byte(p[i + wl]) &&
		    !strchr("?*+{", p[i + wl] ? p[i + wl] : 'x') && at_word_start(&out)) {
			bw_buf__puts(&out, "(?:");
			bw_buf__put(&out, p + i, wl);
			bw_buf__putc(&out, '|');
			bw_buf__puts(&out, also);
			bw_buf__putc(&out, ')');
			i += wl;
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
