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

#define MAX_DEPTH 64

static bool word_byte(char c)
{
	return bw_isalnum((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80;
}

/* Index past the class starting at p[i] ('['). */
static size_t class_end(const char *p, size_t i)
{
	i++;
	if (p[i] == '^')
		i++;
	if (p[i] == ']')
		i++;
	while (p[i] && p[i] != ']') {
		if (p[i] == '\\' && p[i + 1])
			i++;
		else if (p[i] == '[' && p[i + 1] == ':') {
			const char *close = strstr(p + i, ":]");

			if (close)
				i = (size_t)(close - p) + 1;
		}
		i++;
	}
	return p[i] ? i + 1 : i;
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
	bool behind[MAX_DEPTH];
	int depth = 0, behind_n = 0;
	size_t i = 0, wl = strlen(words);

	while (p[i]) {
		size_t n;

		/* a whole word, whose last letter no quantifier follows
		 * ("messages?" is "message" and an optional s) */
		if (!behind_n && wl && strncmp(p + i, words, wl) == 0 && !word_byte(p[i + wl]) &&
		    !strchr("?*+{", p[i + wl] ? p[i + wl] : 'x') && at_word_start(&out)) {
			bw_buf__puts(&out, "(?:");
			bw_buf__put(&out, p + i, wl);
			bw_buf__putc(&out, '|');
			bw_buf__puts(&out, also);
			bw_buf__putc(&out, ')');
			i += wl;
			continue;
		}
		if (p[i] == '\\') {
			n = p[i + 1] ? 2 : 1;
			if (p[i + 1] == 'Q') {
				const char *e = strstr(p + i, "\\E");

				n = e ? (size_t)(e - (p + i)) + 2 : strlen(p + i);
			}
			bw_buf__put(&out, p + i, n);
			i += n;
			continue;
		}
		if (p[i] == '[') {
			n = class_end(p, i);
			bw_buf__put(&out, p + i, n - i);
			i = n;
			continue;
		}
		if (p[i] == '(') {
			bool lb = p[i + 1] == '?' && p[i + 2] == '<' && (p[i + 3] == '=' || p[i + 3] == '!');

			if (depth < MAX_DEPTH)
				behind[depth] = lb;
			depth++;
			behind_n += lb;
		} else if (p[i] == ')' && depth > 0) {
			depth--;
			if (depth < MAX_DEPTH && behind[depth])
				behind_n--;
		}
		bw_buf__putc(&out, p[i]);
		i++;
	}
	if (out.oom) {
		bw_buf__free(&out);
		return NULL;
	}
	return out.p ? bw_buf__detach(&out) : bw_strdup("");
}
