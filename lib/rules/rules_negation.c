/*
 * rules_negation.c - causes a reply names only to deny them, hidden before
 * the rules read it.
 *
 * "550 5.1.1 User unknown. This is not a block list issue", "Your IP is
 * not listed; the message was scored as spam": the denied cause must not
 * decide.  rules/vocabulary/negation.vocab lists, per language, the
 * negating words, the causes they deny and the words between; the build
 * turns it into one PCRE2 pattern (tools/gen-vocab.c --negation,
 * negation_table.h).  bw_rules__match() reads the diagnostic with every
 * stretch that pattern matches overwritten by spaces, so that no rule,
 * cue or lexicon word sees a denied cause, and the rest of the reply
 * decides.
 */
#include <stdlib.h>
#include <string.h>

#include "rules_impl.h"
#include "../error.h"
#include "negation_table.h"

char *bw_rules__mask_negated(const bw_rules *rules, const char *text, size_t len)
{
	struct bw_rules *w = (struct bw_rules *)rules;   /* the lazily compiled pattern only */
	const pcre2_code *re;
	pcre2_match_data *md;
	PCRE2_SIZE off = 0;
	char *out = NULL;

	if (!len || !negation_pattern[0])
		return NULL;
	re = bw_rules__code_of(rules, negation_pattern, &w->neg_re, &w->neg_runs, &w->neg_jit);
	if (!re || !(md = pcre2_match_data_create(1, NULL)))
		return NULL;
	while (off < len &&
	       pcre2_match(re, (PCRE2_SPTR)text, len, off, 0, md, rules->mctx) >= 0) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);

		if (ov[1] <= ov[0]) {   /* an empty match: look on */
			off = ov[0] + 1;
			continue;
		}
		if (!out) {
			if (!(out = malloc(len + 1))) {
				bw_error__oom();   /* the parse reports it */
				break;
			}
			memcpy(out, text, len);
			out[len] = '\0';
		}
		memset(out + ov[0], ' ', ov[1] - ov[0]);
		off = ov[1];
	}
	pcre2_match_data_free(md);
	return out;
}
