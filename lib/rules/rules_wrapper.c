/*
 * rules_wrapper.c - where the clause that names the cause starts, after a
 * generic head ("Client host rejected:", "Blocked by policy:", "rejected
 * RCPT <a@b>:").
 *
 * The heads are data (rules/vocabulary/wrappers.vocab), joined into one
 * pattern at build time (tools/gen-vocab.c --wrappers, wrapper_table.h).
 * bw_rules__match() reads the clause on its own when the verdict on the
 * whole reply came from the head's words or from no words at all.
 */
#include <stdbool.h>
#include <string.h>

#include "rules_impl.h"
#include "../util.h"
#include "rules_prefilter.h"
#include "wrapper_table.h"

/* Does text[0..len) hold every part of need `w` (its words joined by
 * BW_LITERAL_AND: "not\x01taken")? */
static bool holds_need(const char *text, size_t len, const char *w)
{
	char part[64];

	for (;;) {
		const char *e = strchr(w, BW_LITERAL_AND);
		size_t n = e ? (size_t)(e - w) : strlen(w);

		if (n >= sizeof(part))
			n = sizeof(part) - 1;
		memcpy(part, w, n);
		part[n] = '\0';
		if (n && !bw_memcasemem(text, len, part))
			return false;
		if (!e)
			return true;
		w = e + 1;
	}
}

/* Does text[0..len) hold one of the words every head holds? */
static bool may_wrap(const char *text, size_t len)
{
	const char *const *w;

	for (w = wrapper_needs; *w; w++)
		if (holds_need(text, len, *w))
			return true;
	return false;
}

/* Does text[0..len) hold anything a head can end with (a colon or
 * " - ")? */
bool bw_rules__may_end_head(const char *text, size_t len)
{
	return memchr(text, ':', len) || bw_memcasemem(text, len, " - ");
}

size_t bw_rules__clause_start(const bw_rules *rules, const char *text, size_t len)
{
	struct bw_rules *w = (struct bw_rules *)rules;   /* the lazily compiled pattern only */
	pcre2_match_data *md;
	size_t at = 0;

	/* every head ends in a colon or " - " */
	if (!len || !wrapper_pattern[0] || !bw_rules__may_end_head(text, len) || !may_wrap(text, len))
		return 0;
	if (!(md = pcre2_match_data_create(1, NULL)))
		return 0;
	/* a head at a time, each behind its literals: as one pattern, with
	 * no character every head starts with, PCRE2 tried all of them at
	 * every position of the text (a tenth of the corpus's instructions) */
	if (bw_rules__find(rules, wrapper_pattern, &w->wrap, &w->wrap_split, text, len, &md) >= 0) {
		at = pcre2_get_ovector_pointer(md)[1];
		while (at < len && (text[at] == ' ' || text[at] == '\t'))
			at++;
		if (at >= len)
			at = 0;   /* a head with nothing after it */
	}
	pcre2_match_data_free(md);
	return at;
}

const char *bw_rules__head_stage(const char *text, size_t at)
{
	const struct wrapper_stage *w;

	for (w = wrapper_stages; w->stage; w++)
		if (bw_memcasemem(text, at, w->mark))
			return w->stage;
	return NULL;
}
