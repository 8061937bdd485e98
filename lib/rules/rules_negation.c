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
/* A section of the vocabulary as the build writes it (negation_table.h). */
struct negation_section {
	const char *name;
	const char *pattern;
	const char *const *negators, *const *causes;
};

#include "negation_table.h"

size_t bw_rules__negation_sections(void)
{
	return NEGATION_SECTIONS;
}

const char *const *bw_rules__negation_literals(size_t section, int which)
{
	return which ? negation_sections[section].negators : negation_sections[section].causes;
}

char *bw_rules__mask_negated(const bw_rules *rules, size_t section, const char *text,
                             size_t len, char *out, char *lower)
{
	struct bw_negation *n = &rules->neg[section];   /* its lazily compiled pattern only */
	const pcre2_code *re;
	pcre2_match_data *md;
	PCRE2_SIZE off = 0;

	if (!len)
		return out;
	re = bw_rules__code_of(rules, negation_sections[section].pattern, &n->code);
	if (!re || !(md = pcre2_match_data_create(1, NULL)))
		return out;
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
		if (lower)
			memset(lower + ov[0], ' ', ov[1] - ov[0]);
		off = ov[1];
	}
	pcre2_match_data_free(md);
	return out;
}
