/*
 * rules_prefilter.h - literals a pattern cannot match without.
 */
#ifndef BW_RULES_PREFILTER_H
#define BW_RULES_PREFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Separates the literals of one alternative that must all occur. */
#define BW_LITERAL_AND '\x01'
/* A part that stands for "some byte >= 0x80": the alternative has a
 * character (Cyrillic, accented Latin, CJK...) no ASCII text matches. */
#define BW_LITERAL_8BIT '\x02'

/* Marks a part that is words to be found in that order, each after the
 * one before and white space ("no such user" of "no\s+such\s+user":
 * "\x03no such user"), bw_rules__spaced_in().  Its words hold ASCII
 * characters only, 'k' and 's' among them: the Kelvin sign and the long s
 * match those caselessly, and a text with either is read without such
 * parts. */
#define BW_LITERAL_SPACED '\x03'

/* The length of the white space character at p[0..avail) (one that
 * PCRE2's \s matches with PCRE2_UCP), 0 when none is there. */
size_t bw_rules__space_at(const char *p, size_t avail);

/* Whether the words of a spaced part, words[0..len) (without its mark;
 * single spaces between them), occur in text[0..text_len): the first,
 * then for each next one or more white space characters and the word. */
bool bw_rules__spaced_in(const char *text, size_t text_len, const char *words, size_t len);

/* A set of lower-case strings (ASCII, and characters without case variants
 * such as CJK ideographs and kana) such that `pattern` (compiled
 * case-insensitively, without the x flag) can only match a subject that
 * contains, ignoring ASCII case, all the BW_LITERAL_AND-separated parts of
 * at least one of them.  One string per top-level alternative: its runs of
 * at least 3 plain characters outside any group (or, when it has none, the
 * strings of one of its compulsory groups); then, as more parts of the
 * same strings, its runs that hold letters of other cased scripts, written
 * as bw_casefold__literal_char() gives them: those are to be looked for in
 * the subject folded by bw_casefold__text() (where the plain parts are
 * found exactly when they are in the subject lower-cased), and its runs
 * of words separated by white space (BW_LITERAL_SPACED).  `*out` is a NULL-terminated array the caller frees with
 * bw_rules__literals_free().  Returns the number of strings, 0 when no
 * such set can be derived (an alternative without a run of 3 plain
 * characters, extended mode, \Q...\E): the pattern must always be tried
 * then.  Negative on ENOMEM. */
int bw_rules__literals(const char *pattern, char ***out);
void bw_rules__literals_free(char **lits);

/* The top-level alternatives of `pattern` (or of the "(?:...)" group that
 * is the whole pattern), copied into a NULL-terminated array freed with
 * bw_rules__literals_free(), such that the pattern matches at a position
 * exactly when one of them does there, the first of them in order that
 * does giving the match.  Returns their number, 0 when the pattern has
 * fewer than two or uses syntax that ties them together (option settings,
 * back-references, verbs, \K...), negative on ENOMEM. */
int bw_rules__alternatives(const char *pattern, char ***out);
/* The same alternatives as places in `pattern`, not copies: alternative k
 * is the (*out)[2k + 1] bytes at pattern + (*out)[2k]; *out is freed with
 * free().  Same return values. */
int bw_rules__alternative_spans(const char *pattern, size_t **out);

/* A pattern's strings made from the literals of its alternatives (`alts`,
 * as the rule compiler stores them: an alternative's strings joined by
 * '\n', the alternatives by '\x1e'): theirs one after the other, an empty
 * string for an alternative without any or with a '_' in one, joined by
 * '\n'.  The pattern cannot match a text without one of them, as it cannot
 * without one of its alternatives (an empty string always passes): the
 * prefilter of a rule bw_rules__literals() finds none for, a long list of
 * cues in one group (the lexicon's, whose strings are too many for one
 * group's set).  Owned by the caller (free()); NULL when there are fewer
 * than two alternatives, none has literals, or memory ran out. */
char *bw_rules__alt_strings(const char *alts);

/* How many bits the prefilter hashes a text's byte triples to. */
#define BW_RULES_TRIPLE_BITS 4096

/* How many texts have each triple bit (bw_rules__count_triples()), zeroed
 * before the first. */
typedef struct bw_triple_count {
	uint32_t seen[BW_RULES_TRIPLE_BITS];  /* texts with the bit */
	uint32_t last[BW_RULES_TRIPLE_BITS];  /* the last of them (from 1) */
	uint32_t texts;
} bw_triple_count;

/* Counts `text` in c: 1 more in seen[b] for each triple bit b of the text
 * lower-cased, once however often it comes. */
void bw_rules__count_triples(bw_triple_count *c, const char *text);

/* Which triples of each string of `literals` (a rule's prefilter strings
 * joined by '\n', as rule_prefilter stores them) the prefilter's index
 * files the string under and tests: a line per string (same order) of its
 * picked triples, three bytes each, the rarest first, then BW_LITERAL_8BIT
 * when one of its parts is that; lines joined by '\n'.  Rarest by `seen`
 * when not NULL (how many of the rules' examples have each triple bit,
 * bw_rules__count_triples()), then by the rarity of their bytes.  Chosen
 * by rules_match.c (alt_picks), stored by the rule compiler in rule_image.
 * Owned by the caller (free()); NULL on ENOMEM. */
char *bw_rules__index_picks(const char *literals, const uint32_t *seen);

#endif
