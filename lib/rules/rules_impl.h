/*
 * rules_impl.h - the compiled, immutable rule set behind bw_rules.
 *
 * rules.c builds it (layers), rules_match.c compiles and matches,
 * rules_info.c exposes rules one by one, rules_check.c self-tests.
 * Nothing in a bw_rules changes after bw_rules_open() returns, except each
 * pattern's run count and, once it has run often enough, the JIT-compiled
 * copy published beside it (rules_match.c).
 */
#ifndef BW_RULES_IMPL_H
#define BW_RULES_IMPL_H

#include <stdatomic.h>
#include <stdbool.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "rules_set.h"
#include "../rules.h"

/* A pattern compiled on its first run (most never run in a short
 * process) and JIT-compiled once it has run often enough to pay for that
 * (bw_rules__code_of()): `re` published once with an atomic
 * compare-and-swap, `jit` once by the thread that counted the run that
 * decides; NULL until then.  bw_rules__lazy_init() / bw_rules__lazy_free(). */
struct bw_lazy_code {
	_Atomic(pcre2_code *) re;
	atomic_uint runs;           /* times `re` was run */
	_Atomic(pcre2_code *) jit;
};

/* A section of rules/vocabulary/negation.vocab, ready to run. */
struct bw_negation {
	struct bw_lazy_code code;
	/* [0] its causes, [1] its negating words: a text with none of either
	 * cannot match (NULL when not made: the pattern always runs) */
	struct bw_prefilter *pf[2];
};

struct bw_rule {
	const bw_rset_rule *src;    /* borrowed from the layer that defined it */
	size_t layer;               /* 0 base, 1.. overlays in the order given */
	size_t seq;                 /* source order inside its layer */
	int tier;                   /* 0 for overlay rules, else src->tier */
	/* The compiled `text` (nothing without one) and its JIT-compiled
	 * copy; for a text that begins with a negative lookahead
	 * (rules_guard.c), what follows the lookahead, the lookahead's own
	 * pattern in guard_text ("\G(?:...)", anchored where it is tried) and
	 * `guard`; guard_text NULL for other texts. */
	struct bw_lazy_code code;
	size_t guard_len;
	char *guard_text;
	struct bw_lazy_code guard;
	/* The conditions in words, "provider x; text /.../; status 5.7.*"
	 * (bw_rules__evidence()): made the first time they are asked for
	 * (each copies its pattern, most are never shown), published once;
	 * NULL until then. */
	_Atomic(char *) evidence;
	const char *provider_name;  /* display name of src->provider, or "" */
	/* A rule without a provider condition that lives in a file defining
	 * exactly one provider: that provider (else NULL).  When the rule
	 * captures a provider code and the remote host named no provider, the
	 * code itself identifies the provider. */
	const bw_rset_provider *file_provider;
	/* Lower-case literals the text pattern cannot match without (one of
	 * them must occur, each part of it), NULL-terminated
	 * (rules_prefilter.c): made at compile only for a rule whose
	 * literals the rule compiler did not store; stored ones
	 * (src->literals) are read in place.  has_pf: the rule has literals
	 * (else its pattern is always tried).  `pf` is the same set ready to
	 * test (rules_match.c), built the first time the rule is a candidate
	 * (most never are in a short process), published once; NULL until
	 * then. */
	char **literals;
	/* For a rule without literals of its own whose alternatives have
	 * theirs (src->alt_literals): their strings one after the other, an
	 * empty one (always passes) for an alternative without, joined by
	 * '\n' as stored literals are (bw_rules__alt_strings()); else
	 * NULL. */
	char *alt_strings;
	bool has_pf;
	bool frame;                 /* a lexicon frame (bw_rset__is_frame()) */
	_Atomic(struct bw_prefilter *) pf;
	/* A pattern with many top-level alternatives matched one alternative
	 * at a time, each behind its own prefilter (rules_match.c): built on
	 * the rule's first run, published once; NULL until then. */
	_Atomic(struct bw_split *) split;
};

/* The literal prefilter turned around (rules_match.c): the alternatives
 * alt[k], k in start[b] .. start[b + 1], are filed under triple bit b (one
 * that few others have), each with the rule it belongs to, its place among the
 * rule's alternatives and some more of its triple bits; bit always[i] is
 * set for a rule whose prefilter has an alternative without one.  A
 * text's triples then name the only rules with an alternative whose bits
 * are there, the only ones whose prefilter may pass.  start NULL: not
 * built (out of memory), every prefilter runs. */
struct bw_pf_index {
	uint32_t *start;
	struct bw_pf_alt *alt;
	uint64_t *always;
	/* Bit i for a rule that bw_rules__match() reads whatever the text's
	 * candidates: one without a prefilter, or of the lexicon tier
	 * (scored as a block).  With the candidates it names the only rules
	 * to read. */
	uint64_t *visit;
};

struct bw_rules {
	char *path;                 /* base database opened, "" for none */
	bw_rset *layers;            /* [0] base (maybe empty), then overlays */
	size_t n_layers;
	struct bw_rule *rules;      /* in precedence order */
	size_t n_rules;
	const bw_rset_provider **prov;  /* merged: a later layer replaces an id */
	size_t n_prov;
	pcre2_match_context *mctx;  /* limits; only read while matching */
	int jit;                    /* JIT-compile patterns that run often */
	/* The literal prefilter turned around (struct bw_pf_index), made
	 * on the first match; NULL until then. */
	_Atomic(struct bw_pf_index *) index;
	/* The providers' hosts and domains (rules_suffix.h); NULL when not
	 * built (out of memory): every provider's list is scanned. */
	struct bw_suffix_table *host_suffix, *domain_suffix;
	/* One per section of the negation vocabulary (rules_negation.c): its
	 * pattern, compiled on first use and JIT-compiled once it has run
	 * often enough, like a rule's text, and its literal prefilters; NULL
	 * when not made (out of memory): no reply is then read as denying. */
	struct bw_negation *neg;
	size_t n_neg;
	/* The wrapper pattern (rules_wrapper.c), and its alternatives, each
	 * matched behind its own prefilter (bw_rules__find()). */
	struct bw_lazy_code wrap;
	_Atomic(struct bw_split *) wrap_split;
	char meta_rules[24], meta_providers[24], meta_schema[16];
};

/* rules_match.c */
int bw_rules__compile(bw_rules *rules, const bw_rules_options *opts);
void bw_rules__release_compiled(bw_rules *rules);
/* The provider for a remote host, else the recipient's domain, else what
 * the reply text names (a mark, or a provider host in a URL or in
 * brackets); NULL when none. */
const bw_rset_provider *bw_rules__provider(const bw_rules *rules, const char *remote_host,
                                           const char *recipient, const char *text);
const bw_rset_provider *bw_rules__provider_by_id(const bw_rules *rules, const char *id);
/* Rule r's conditions in words; NULL when out of memory. */
const char *bw_rules__evidence(const struct bw_rule *r);
/* The code to run pattern `text` with, compiled (and later JIT-compiled)
 * into *lc on first use; NULL when it does not compile. */
const pcre2_code *bw_rules__code_of(const bw_rules *rules, const char *text,
                                    struct bw_lazy_code *lc);
/* pcre2_match() of `pattern` on text[0..len) from its start, the match in
 * *mdp (made larger when the pattern has more groups than it has room
 * for): a pattern of many top-level alternatives an alternative at a time,
 * each behind the prefilter of its literals, split into *split on first
 * use (NULL until then); else compiled whole into *lc. */
int bw_rules__find(const bw_rules *rules, const char *pattern, struct bw_lazy_code *lc,
                   _Atomic(struct bw_split *) *split, const char *text, size_t len,
                   pcre2_match_data **mdp);
/* *lc with nothing compiled yet / its compiled copies freed (and reset). */
void bw_rules__lazy_init(struct bw_lazy_code *lc);
void bw_rules__lazy_free(struct bw_lazy_code *lc);

/* pcre2_match() of `code` on diag[0..dlen) from `off`, the match in *mdp,
 * made larger first when the pattern has more groups than it has room
 * for. */
int bw_rules__run_code(const bw_rules *rules, const pcre2_code *code, const char *diag,
                       size_t dlen, size_t off, pcre2_match_data **mdp);

/* How many rules the matcher's per-text candidate lists hold: with more,
 * every reply tests every alternative of every rule (correct, but several
 * times slower); `rules check` reports a set that is larger. */
size_t bw_rules__candidate_capacity(void);

/* rules_guard.c */
/* The length of the negative lookahead "(?!...)" `pattern` begins with,
 * when it captures nothing and guards all the rest (no '|' follows at the
 * top level, no \G, \K, verb or branch reset anywhere); else 0. */
size_t bw_rules__guard_len(const char *pattern);
/* pcre2_match() of "(?!L)R" on diag[0..dlen) from `off`, the match in
 * *mdp: R's matches (`rest`) in turn, the first where L ("\G(?:L)",
 * `guard`) does not match.  The same match and groups as the whole
 * pattern's; PCRE2_ERROR_NOMATCH when a code is NULL (it did not
 * compile). */
int bw_rules__guarded_match(const bw_rules *rules, const pcre2_code *rest,
                            const pcre2_code *guard, const char *diag, size_t dlen, size_t off,
                            pcre2_match_data **mdp);

/* rules_wrapper.c */
/* Where the clause after a generic head ("Client host rejected: ...",
 * rules/vocabulary/wrappers.vocab) starts in text[0..len), past the head's
 * end and blanks; 0 when there is no head or nothing after it. */
size_t bw_rules__clause_start(const bw_rules *rules, const char *text, size_t len);
/* The SMTP stage ("HELO", "CONN"...) the wrapper head text[0..at) names
 * (rules/vocabulary/wrappers.vocab's `stage` and `marks`), or NULL. */
const char *bw_rules__head_stage(const char *text, size_t at);
/* Whether text[0..len) holds anything a head can end with (a colon or
 * " - "): the cheap test before the heads' pattern. */
bool bw_rules__may_end_head(const char *text, size_t len);

/* rules_negation.c */
/* text[0..len) with the words servers spell several ways written one way
 * ("mail box" -> "mailbox ", rules_respell.c), in `out` (a copy of the text,
 * NUL-terminated, made when `out` is NULL) and in `lower` (the text
 * lower-cased, same length).  Returns `out`: NULL when nothing was
 * respelled and none was given (or on ENOMEM: the text is then read as it
 * is). */
char *bw_rules__respell(const char *text, size_t len, char *out, char *lower);

/* The sections of the negation vocabulary (rules/vocabulary/negation.vocab). */
size_t bw_rules__negation_sections(void);
/* The literals of section `section`, NULL-terminated: which 0 its causes,
 * 1 its negating words (lower-case; parts joined by BW_LITERAL_AND); a
 * text its pattern matches holds one of each. */
const char *const *bw_rules__negation_literals(size_t section, int which);
/* The causes that section `section` finds denied in text[0..len) ("not a
 * block list issue", "your IP is not listed") overwritten by spaces in
 * `out` (a copy of the text, NUL-terminated, made when `out` is NULL) and
 * in `lower` (the text lower-cased, same length; may be NULL).  Returns
 * `out`: NULL when nothing was denied and none was given (or on ENOMEM:
 * the text is then read as it is). */
char *bw_rules__mask_negated(const bw_rules *rules, size_t section, const char *text,
                             size_t len, char *out, char *lower);

#endif
