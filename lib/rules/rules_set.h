/*
 * rules_set.h - a rule set as plain data, before compilation.
 *
 * One bw_rset is what one source gives: a group of .rules text files
 * (rules_text.c) or a compiled database (rules_db.c).  It owns every string
 * in it.  rules.c stacks several of them (base, overlays) and rules_match.c
 * compiles the stack into the immutable bw_rules.
 *
 * Only the files in lib/rules/ include this header.
 */
#ifndef BW_RULES_SET_H
#define BW_RULES_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bouncewhy.h"

/* Version of rules/schema.sql this library writes and reads. */
#define BW_RULES_SCHEMA_VERSION 2

/* Version of the prefilter derivation (rules_prefilter.c) whose literals a
 * database stores in rule_prefilter: change it whenever bw_rules__literals()
 * gives other strings for the same pattern, so that databases written
 * before are derived again when opened. */
#define BW_RULES_PREFILTER_VERSION "4"

/* Version of the layout of rule_image (rules_db.c): a database whose image
 * has another version is read from its tables. */
#define BW_RULES_IMAGE_VERSION "2"

/* A growable list of owned strings. */
typedef struct bw_rstrv {
	char **v;
	size_t n, cap;
} bw_rstrv;

int bw_rstrv__push(bw_rstrv *l, const char *s);   /* BW_OK or BW_ENOMEM */
void bw_rstrv__clear(bw_rstrv *l);

typedef struct bw_rset_provider {
	char *id;
	char *name;
	char *url;          /* "" when absent */
	char *file;         /* source file as recorded ("rules/providers/x.rules") */
	unsigned int line;  /* line of the [provider] header */
	bw_rstrv domains;
	bw_rstrv hosts;
	bw_rstrv marks;     /* words or hosts that name it inside a reply */
} bw_rset_provider;

typedef struct bw_rset_rule {
	char *id;
	char *file;
	unsigned int line;  /* line of the [rule] header */
	int tier;           /* BW_TIER_PROVIDER..BW_TIER_OTHER, see bw_rset__tier() */
	int priority;
	/* Conditions; NULL when absent.  List conditions hold their words
	 * separated by single spaces. */
	char *provider, *text, *status, *reply, *command, *format, *action;
	/* Outputs. */
	char *reason;
	char *fault;        /* NULL when absent */
	char *explain;      /* NULL when absent */
	int permanent;      /* -1 not said, 0, 1 */
	int hard;           /* -1 not said, 0, 1 */
	bw_rstrv remedies, refs, examples;
	char *advice;       /* [advice ID] named by the source; resolved (NULL) after loading */
	/* The text's prefilter literals as the rule compiler derived them
	 * (rules_db.c: joined by '\n', "" for none), or NULL when the source
	 * did not store them (then they are derived when compiling). */
	char *literals;
	/* The same for each top-level alternative of the text, separated by
	 * '\x1e' (bw_rules__alternatives()); NULL when not stored. */
	char *alt_literals;
	/* Which triples of each of `literals`' strings the prefilter's index
	 * files it under and tests (rules_match.c, bw_rules__index_picks()),
	 * as the rule compiler chose them; NULL when not stored (read from
	 * rule_image only: then they are chosen when the rules are opened). */
	char *index_picks;
} bw_rset_rule;

/* What text sources share between rules, resolved when they are loaded
 * (bw_rset__load_text) and never stored: [advice ID] sections (an
 * explanation, remedies and references that rules name with `advice`),
 * [fragment ID] sections (a pattern that `text` includes as %{ID}) and
 * [synonym ID] sections (other spellings of words every pattern uses,
 * rules_synonym.c). */
typedef enum bw_rset_shared_kind {
	BW_SHARED_ADVICE, BW_SHARED_FRAGMENT, BW_SHARED_SYNONYM
} bw_rset_shared_kind;

typedef struct bw_rset_shared {
	bw_rset_shared_kind kind;
	char *id;
	char *file;
	unsigned int line;
	char *text;         /* fragment pattern; a synonym's `also` */
	char *words;        /* a synonym's `words` */
	bool not_lexicon;   /* a synonym's `lexicon = no`: the lexicon's cues keep their words */
	bool not_patterns;  /* a synonym's `patterns = no`: only the lexicon's cues are widened */
	char *explain;      /* advice */
	bw_rstrv remedies, refs;
} bw_rset_shared;

typedef struct bw_rset {
	bw_rset_provider *prov;
	size_t n_prov, cap_prov;
	bw_rset_rule *rule;
	size_t n_rule, cap_rule;
	bw_rset_shared *shared;
	size_t n_shared, cap_shared;
	char source_hash[65];   /* hex SHA-256 of the sources, "" if unknown */
	int prefilter_stored;   /* meta.prefilter_version is BW_RULES_PREFILTER_VERSION */
	int schema_version;
	/* Set by the caller before validation when the set is about to be
	 * compiled for matching: bw_rset__validate() then leaves the patterns
	 * to that compilation (same message), so each is compiled once. */
	int patterns_compiled_later;
	/* A set read from a database's rule_image: every string and list
	 * element points into `image` (a mapping of image_len bytes, the image
	 * and its rounding up to huge pages, see image_map() in rules_db.c),
	 * every list's array into `image_ptrs` (one allocation; lists with
	 * cap 0); bw_rset__free() frees those two and the arrays, no string
	 * one by one. */
	char *image;
	size_t image_len;
	char **image_ptrs;
} bw_rset;

/* Walking a pattern's source (rules_pattern.c), for the widenings below. */
/* Index just past the escape sequence at p[i] ('\\'): \p{..}, \x{..},
 * \Q..\E and a letter's UTF-8 sequence whole. */
size_t bw_rpat__escape_end(const char *p, size_t i);
/* Inside a character class: the index past the escape or POSIX bracket
 * ("[:alpha:]") at p[i], or i itself when p[i] is an ordinary member. */
size_t bw_rpat__class_skip(const char *p, size_t i);
/* Index just past the character class that starts at p[i] ('['). */
size_t bw_rpat__class_end(const char *p, size_t i);
/* Index just past the token at p[i]: an escape or a character class whole,
 * else one byte. */
size_t bw_rpat__token_end(const char *p, size_t i);
/* The groups open at a point of the walk: bw_rpat__group() is called at
 * every '(' and ')' outside escapes and classes; behind_n > 0 inside a
 * lookbehind. */
#define BW_RPAT_MAX_DEPTH 64
typedef struct bw_rpat_groups {
	bool behind[BW_RPAT_MAX_DEPTH];
	int depth, behind_n;
} bw_rpat_groups;
void bw_rpat__group(bw_rpat_groups *g, const char *p, size_t i);
/* Copies the token at p[i] into out as it is (an escape or a class whole,
 * else one byte, tracked with g) and returns the index past it. */
struct bw_buf;
size_t bw_rpat__copy(struct bw_buf *out, const char *p, size_t i, bw_rpat_groups *g);

/* `pattern` widened so that its letters with diacritics also match their
 * plain spellings (rules_fold.c); malloc'd, NULL when out of memory. */
char *bw_rset__fold_pattern(const char *pattern);

/* s[0..len) with every letter that has diacritics written plain ("é" ->
 * "e", "ß" -> "ss"; umlauts as the vowel, or with umlaut_e as the vowel and
 * an e); malloc'd, NULL when out of memory. */
char *bw_rset__plain_spelling(const char *s, size_t len, bool umlaut_e);

/* `pattern` widened so that a negation matches written long or contracted
 * ("is\s+not" also "isn't", "doesn't" also "does not"; rules_contraction.c);
 * malloc'd, NULL when out of memory. */
char *bw_rset__widen_contractions(const char *pattern);

/* `pattern` with every whole-word `words` (as rules write it, outside
 * classes and lookbehinds) widened to "(?:words|also)" (rules_synonym.c);
 * malloc'd, NULL when out of memory. */
char *bw_rset__widen_synonym(const char *pattern, const char *words, const char *also);

/* Does s[0..len) hold a German umlaut (ä, ö, ü)? */
bool bw_rset__has_umlaut(const char *s, size_t len);

/* rules_set.c: construction and validation. */
void bw_rset__free(bw_rset *s);   /* frees the content, not `s` */
bw_rset_provider *bw_rset__add_provider(bw_rset *s);  /* zeroed; NULL on ENOMEM */
bw_rset_rule *bw_rset__add_rule(bw_rset *s);          /* permanent=hard=-1 */
bw_rset_shared *bw_rset__add_shared(bw_rset *s);      /* zeroed; NULL on ENOMEM */
/* The precedence tier of a rule from its conditions alone (a `specific`,
 * `generic` or `cues` rule keeps the tier its source gave it). */
int bw_rset__tier(const bw_rset_rule *r);
/* The PCRE2 pattern for a lexicon rule's `cues` ("no such user | unknown
 * recipient*"): each phrase matched as words (spaces match any white space,
 * a trailing '*' any word ending), or NULL when a phrase is empty or the
 * memory runs out.  The caller frees it. */
char *bw_rset__cues_pattern(const char *cues);
/* The pattern of a lexicon frame: a phrase of `subject` and one of `state`
 * (both lists as in `cues`) in the same clause, a few words apart; the
 * subject first, or either first.  Groups 1 and 2 hold the subject and the
 * state when the subject comes first; else groups 3 and 4 hold the state
 * and the subject (the match is the state alone).  NULL as above. */
char *bw_rset__frame_pattern(const char *subject, const char *state, bool either_order);
/* Whether a rule's pattern is a frame's (bw_rset__frame_pattern()). */
bool bw_rset__is_frame(const char *text);
/* The first phrase of `cues` written twice (case ignored for ASCII letters),
 * its length in *len; NULL when each phrase is written once. */
const char *bw_rset__cue_repeated(const char *cues, size_t *len);
/* Checks one key's value.  Returns NULL when fine, else a static message. */
const char *bw_rset__check_value(const char *key, const char *value);
/* Checks a whole set: required keys, values, unique ids, known providers
 * (looked up in `s` and, if given, in `extra` too), patterns compile
 * (unless s->patterns_compiled_later).
 * Fills tiers.  Errors name file:line.  BW_OK or BW_ERULES. */
int bw_rset__validate(bw_rset *s, const bw_rset *const *extra, size_t n_extra);

/* rules_text.c: reads .rules text. */
/* Parses one text buffer; `file` is the name recorded and used in errors. */
int bw_rset__parse_text(bw_rset *s, const char *file, const char *buf, size_t len);
/* Collects the .rules files named by `sources` (files, or directories
 * scanned recursively for *.rules), sorted by recorded name.  `real` gets
 * the paths to open, `names` the names to record (for a directory D:
 * basename(D)/relative/path; for a file: the path as given), `dirs` every
 * directory scanned (for build dependency files; may be NULL). */
int bw_rset__scan(bw_rstrv *real, bw_rstrv *names, bw_rstrv *dirs,
                  const char *const *sources, size_t n);
/* Scans, reads and parses all sources into `s`, computes the source hash,
 * validates.  Does not check providers against other sets when
 * `extra` is NULL. */
int bw_rset__load_text(bw_rset *s, const char *const *sources, size_t n,
                       const bw_rset *const *extra, size_t n_extra);

/* rules_db.c: the SQLite side. */
/* 1 when the file starts with the SQLite header, 0 if not, <0 if unreadable. */
int bw_rset__is_db(const char *path);
int bw_rset__read_db(bw_rset *s, const char *path);
/* Writes `s` to a new database at `path` (replaced atomically). */
int bw_rset__write_db(const bw_rset *s, const char *path);

/* rules_pattern.c: compiles a pattern the way the matcher does.
 * Returns NULL when it compiles, else a message in `buf`. */
const char *bw_rset__pattern_error(const char *pattern, char *buf, size_t size);

/* rules_sha256.c */
typedef struct bw_sha256 {
	uint32_t h[8];
	uint64_t len;
	unsigned char block[64];
	size_t fill;
} bw_sha256;
void bw_sha256__init(bw_sha256 *c);
void bw_sha256__update(bw_sha256 *c, const void *data, size_t len);
void bw_sha256__hex(bw_sha256 *c, char out[65]);

#endif
