/*
 * rules_match.c - compiles the rule stack and finds the winning rule.
 *
 * Every `text` pattern is compiled on its first run with PCRE2_CASELESS,
 * PCRE2_UTF, PCRE2_UCP and PCRE2_MATCH_INVALID_UTF (a diagnostic that is not
 * valid UTF-8 is still matched); a pattern with several top-level
 * alternatives is compiled and run one alternative at a time (see
 * rule_match()).  A pattern is interpreted for its first
 * JIT_AFTER runs, then a JIT-compiled copy of it is made, when the platform
 * allows, and used from then on: most patterns never run, or run a few
 * times, in a short process, and a JIT compile costs more than many runs
 * of the interpreter (JIT_AFTER).  Matching only reads the bw_rules, apart from each pattern's run
 * count and that copy, published with an atomic pointer by the one thread
 * that counted the JIT_AFTER-th run: the match data is created per call,
 * and the match context (limits) is shared read-only, so threads may match
 * against one bw_rules at once.
 */
#include <limits.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "rules_impl.h"
#include "rules_casefold.h"
#include "rules_hoist.h"
#include "rules_prefilter.h"
#include "rules_suffix.h"
#include "../error.h"
#include "../reason.h"
#include "../smtp.h"
#include "../text.h"
#include "../util.h"

#define PATTERN_FLAGS (PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF)

/* Defaults when the options say 0: tight enough that one pathological
 * pattern cannot stall a parse, loose enough for any sane rule. */
#define DEFAULT_MATCH_LIMIT 1000000UL
#define DEFAULT_DEPTH_LIMIT 100000UL
#define DEFAULT_HEAP_LIMIT_KIB 65536UL

/* A rule's literal alternatives one at a time: from an array
 * (bw_rules__literals(), stored_literals()) or in place from the string
 * the rule compiler stored ('\n'-separated), which opening the rules then
 * neither splits nor copies. */
typedef struct lit_iter {
	char *const *v;             /* the array, or NULL */
	const char *p, *end;        /* what is left of the stored string */
} lit_iter;

static struct bw_prefilter *prefilter_new(lit_iter it);
static void prefilter_free(struct bw_prefilter *pf);
static void split_free(struct bw_split *sp);
static void index_free(struct bw_pf_index *ix);

/* Runs of a pattern interpreted before its JIT-compiled copy is made.
 * A JIT compile costs about as much CPU time as a hundred of the
 * interpreter's runs of a typical rule pattern (more than its instruction
 * count says: the code is written to fresh executable memory), and the
 * JIT-compiled copy saves little on most of them: on the corpus x5 the
 * fewest cycles are spent at about 50 (bench/README.md, fifteenth round). */
#define JIT_AFTER 50

static pcre2_code *compile_pattern(const char *pattern, int *err, PCRE2_SIZE *off)
{
	return pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PATTERN_FLAGS,
	                     err, off, NULL);
}

const char *bw_rset__pattern_error(const char *pattern, char *buf, size_t size)
{
	PCRE2_UCHAR msg[200];
	PCRE2_SIZE off = 0;
	int err = 0;
	pcre2_code *re = compile_pattern(pattern, &err, &off);

	if (re) {
		pcre2_code_free(re);
		return NULL;
	}
	pcre2_get_error_message(err, msg, sizeof(msg));
	snprintf(buf, size, "pattern does not compile at offset %zu: %s", (size_t)off, (char *)msg);
	return buf;
}

/* ---- providers ------------------------------------------------------- */

typedef struct triples triples;
static bool may_occur(const triples *ts, const char *s, size_t len);

/* Length of `suffix` when `name` is it or ends with ".suffix", else 0. */
static size_t label_suffix(const char *name, size_t len, const char *suffix)
{
	size_t sl = strlen(suffix);

	if (!sl || sl > len)
		return 0;
	if (bw_strncasecmp(name + len - sl, suffix, sl) != 0)
		return 0;
	if (sl == len || name[len - sl - 1] == '.')
		return sl;
	return 0;
}

static const bw_rset_provider *best_suffix(const bw_rules *rules, const char *name,
                                           int hosts)
{
	const bw_rset_provider *best = NULL;
	size_t len, best_len = 0, i, j;

	if (!name)
		return NULL;
	while (*name == '[' || *name == ' ')
		name++;
	len = strlen(name);
	while (len && (name[len - 1] == '.' || name[len - 1] == '>' || name[len - 1] == ' '))
		len--;
	if (!len)
		return NULL;
	if (hosts ? rules->host_suffix : rules->domain_suffix)
		return bw_suffix__best(hosts ? rules->host_suffix : rules->domain_suffix, name, len);
	for (i = 0; i < rules->n_prov; i++) {
		const bw_rstrv *l = hosts ? &rules->prov[i]->hosts : &rules->prov[i]->domains;

		for (j = 0; j < l->n; j++) {
			size_t m = label_suffix(name, len, l->v[j]);

			if (m > best_len) {
				best_len = m;
				best = rules->prov[i];
			}
		}
	}
	return best;
}

/* Does prefix[0..plen) (case-insensitive) start a word of text[0..len):
 * at a place not preceded by a letter or a digit? */
static bool starts_word(const char *text, size_t len, const char *prefix, size_t plen)
{
	size_t i;

	for (i = 0; i + plen <= len; i++)
		if ((i == 0 || !bw_isalnum((unsigned char)text[i - 1])) &&
		    bw_strncasecmp(text + i, prefix, plen) == 0)
			return true;
	return false;
}

/* The provider a mark names: a whole word of the text (letters, digits,
 * '-' and '.' around it do not continue it), or for a mark ending in '*'
 * (a code's shape, "OFR*") the start of one; the longest mark winning.
 * ts: the triples of the text lower-cased, or NULL: a mark with one the
 * text lacks is not looked for. */
static const bw_rset_provider *by_mark(const bw_rules *rules, const char *text,
                                       const triples *ts)
{
	const bw_rset_provider *best = NULL;
	size_t best_len = 0, tlen = strlen(text), i, j;

	for (i = 0; i < rules->n_prov; i++) {
		const bw_rstrv *l = &rules->prov[i]->marks;

		for (j = 0; j < l->n; j++) {
			size_t ml = strlen(l->v[j]);
			bool prefix = ml > 1 && l->v[j][ml - 1] == '*';

			if (ml - prefix <= best_len || (ts && !may_occur(ts, l->v[j], ml - prefix)))
				continue;
			if (prefix) {
				if (starts_word(text, tlen, l->v[j], ml - 1)) {
					best = rules->prov[i];
					best_len = ml - 1;
				}
				continue;
			}
			if (bw_text__find_word(text, tlen, l->v[j], "", "")) {
				best = rules->prov[i];
				best_len = ml;
			}
		}
	}
	return best;
}

/* The provider whose host a URL ("https://support.example.com/...") or a
 * bracketed host name ("[mx.example.com]") of the text names. */
static const bw_rset_provider *by_named_host(const bw_rules *rules, const char *text)
{
	const bw_rset_provider *found;
	char host[256];
	size_t pos = 0;

	while (bw_smtp__next_named_host(text, &pos, host, sizeof(host)))
		if ((found = best_suffix(rules, host, 1)))
			return found;
	return NULL;
}

/* bw_rules__provider(), ts: the triples of the text lower-cased, or NULL
 * (by_mark()). */
static const bw_rset_provider *provider_of(const bw_rules *rules, const char *remote_host,
                                           const char *recipient, const char *text,
                                           const triples *ts)
{
	const bw_rset_provider *p = NULL;
	const char *at;

	if (remote_host && *remote_host)
		p = best_suffix(rules, remote_host, 1);
	if (!p && recipient && (at = strrchr(recipient, '@')))
		p = best_suffix(rules, at + 1, 0);
	if (!p && text && *text && !(p = by_mark(rules, text, ts)))
		p = by_named_host(rules, text);
	return p;
}

const bw_rset_provider *bw_rules__provider(const bw_rules *rules, const char *remote_host,
                                           const char *recipient, const char *text)
{
	return provider_of(rules, remote_host, recipient, text, NULL);
}

const bw_rset_provider *bw_rules__provider_by_id(const bw_rules *rules, const char *id)
{
	size_t i;

	for (i = 0; id && i < rules->n_prov; i++)
		if (strcmp(rules->prov[i]->id, id) == 0)
			return rules->prov[i];
	return NULL;
}

/* ---- compiling ------------------------------------------------------- */

/* The rule's conditions in words (where the "/pattern/" of a text rule is
 * in them: evidence_text()). */
static char *make_evidence(const bw_rset_rule *r)
{
	static const char *const keys[] = {
		"provider", "text", "status", "reply", "command", "format", "action"
	};
	const char *vals[] = {
		r->provider, r->text, r->status, r->reply, r->command, r->format, r->action
	};
	bw_buf b = BW_BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (!vals[i])
			continue;
		/* puts, not printf: a lexicon rule's text is kilobytes long */
		if (b.len)
			bw_buf__puts(&b, "; ");
		bw_buf__puts(&b, keys[i]);
		bw_buf__putc(&b, ' ');
		if (i == 1) {
			bw_buf__putc(&b, '/');
			bw_buf__puts(&b, vals[i]);
			bw_buf__putc(&b, '/');
		} else
			bw_buf__puts(&b, vals[i]);
	}
	return bw_buf__detach(&b);
}

/* Where make_evidence() puts the "/pattern/" of a text rule: after
 * "provider x; " when there is one, and "text ". */
static void evidence_text(const bw_rset_rule *r, size_t *at, size_t *len)
{
	*at = (r->provider ? strlen("provider ") + strlen(r->provider) + strlen("; ") : 0) +
	      strlen("text ");
	*len = strlen(r->text) + 2;
}

const char *bw_rules__evidence(const struct bw_rule *r)
{
	struct bw_rule *w = (struct bw_rule *)r;
	char *ev = atomic_load_explicit(&w->evidence, memory_order_acquire), *none = NULL;

	if (ev)
		return ev;
	if (!(ev = make_evidence(r->src)))
		return NULL;
	if (!atomic_compare_exchange_strong_explicit(&w->evidence, &none, ev, memory_order_acq_rel,
	                                             memory_order_acquire)) {
		free(ev);
		ev = none;
	}
	return ev;
}

/* A rule's pattern compiled (hoisted when that is possible, rules_hoist.h: the
 * same matches, faster), or NULL when it does not compile (a database not
 * written by the rule compiler) or memory ran out.  The pattern is
 * text[0..len), or all of text for len SIZE_MAX (an alternative of a
 * split pattern is a piece of it, copied only here). */
static pcre2_code *compile_rule(const char *text, size_t len)
{
	PCRE2_SIZE off = 0;
	pcre2_code *re = NULL;
	int err = 0;
	char *fast, *copy = NULL;

	if (len != SIZE_MAX && !(text = copy = bw_strndup(text, len)))
		return NULL;
	if ((fast = bw_rules__hoist(text))) {
		re = compile_pattern(fast, &err, &off);
		free(fast);
	}
	if (!re)
		re = compile_pattern(text, &err, &off);
	free(copy);
	return re;
}

int bw_rules__compile(bw_rules *rules, const bw_rules_options *opts)
{
	const bw_rset_provider *last_provider = NULL;
	const char *last_file = NULL;
	size_t i;
	bool no_jit;

	rules->mctx = pcre2_match_context_create(NULL);
	if (!rules->mctx)
		return bw_error__set(BW_ENOMEM, "out of memory");
	pcre2_set_match_limit(rules->mctx, (uint32_t)(opts && opts->match_limit
		? (opts->match_limit > UINT32_MAX ? UINT32_MAX : opts->match_limit)
		: DEFAULT_MATCH_LIMIT));
	pcre2_set_depth_limit(rules->mctx, (uint32_t)(opts && opts->depth_limit
		? (opts->depth_limit > UINT32_MAX ? UINT32_MAX : opts->depth_limit)
		: DEFAULT_DEPTH_LIMIT));
	pcre2_set_heap_limit(rules->mctx, (uint32_t)(opts && opts->heap_limit_kib
		? (opts->heap_limit_kib > UINT32_MAX ? UINT32_MAX : opts->heap_limit_kib)
		: DEFAULT_HEAP_LIMIT_KIB));
	/* JIT unless BOUNCEWHY_NO_JIT is set (memory checkers such as valgrind
	 * cannot follow JIT code's wide reads); without JIT PCRE2 interprets
	 * the same pattern. */
	no_jit = getenv("BOUNCEWHY_NO_JIT") && *getenv("BOUNCEWHY_NO_JIT");
	rules->jit = !no_jit;
	for (i = 0; i < rules->n_rules; i++) {
		struct bw_rule *r = &rules->rules[i];
		const bw_rset_provider *p = bw_rules__provider_by_id(rules, r->src->provider);

		r->provider_name = p ? p->name : "";
		r->file_provider = NULL;
		if (!r->src->provider && last_file && strcmp(last_file, r->src->file) == 0) {
			/* rules of one file mostly come together: its answer again */
			r->file_provider = last_provider;
		} else if (!r->src->provider) {
			size_t k, found = 0;
			for (k = 0; k < rules->n_prov; k++)
				if (rules->prov[k]->file && strcmp(rules->prov[k]->file, r->src->file) == 0) {
					r->file_provider = rules->prov[k];
					found++;
				}
			if (found != 1)
				r->file_provider = NULL;
			last_file = r->src->file;
			last_provider = r->file_provider;
		}
		atomic_init(&r->evidence, NULL);   /* made when asked for */
		if (r->src->text) {
			r->frame = r->src->tier == BW_TIER_LEXICON && bw_rset__is_frame(r->src->text);
			/* stored literals are read where they are (lits_of()),
			 * the prefilter made on the rule's first candidacy */
			r->literals = NULL;
			r->alt_strings = NULL;
			if (r->src->literals)
				r->has_pf = *r->src->literals != '\0';
			else if (bw_rules__literals(r->src->text, &r->literals) < 0)
				return bw_error__set(BW_ENOMEM, "out of memory");
			else
				r->has_pf = r->literals != NULL;
			if (!r->has_pf && r->src->literals &&
			    (r->alt_strings = bw_rules__alt_strings(r->src->alt_literals)))
				r->has_pf = true;
			atomic_init(&r->pf, NULL);
			/* compiled on first use (code_for); the match data grows
			 * to the groups of the patterns that run (run_code()) */
			bw_rules__lazy_init(&r->code);
			bw_rules__lazy_init(&r->guard);
			r->guard_text = NULL;
			if ((r->guard_len = bw_rules__guard_len(r->src->text))) {
				bw_buf g = BW_BUF_INIT;

				/* "(?!L)": "\G(?:L)" */
				bw_buf__puts(&g, "\\G(?:");
				bw_buf__put(&g, r->src->text + 3, r->guard_len - 4);
				bw_buf__putc(&g, ')');
				if (!(r->guard_text = bw_buf__detach(&g)))
					return bw_error__set(BW_ENOMEM, "out of memory");
			}
			atomic_init(&r->split, NULL);
		}
	}
	bw_rules__lazy_init(&rules->wrap);   /* the wrapper pattern, on first use */
	atomic_init(&rules->wrap_split, NULL);
	/* the negation sections: patterns on first use, prefilters now */
	rules->n_neg = bw_rules__negation_sections();
	rules->neg = calloc(rules->n_neg ? rules->n_neg : 1, sizeof(*rules->neg));
	if (!rules->neg)
		rules->n_neg = 0;   /* no reply is read as denying */
	for (i = 0; i < rules->n_neg; i++) {
		struct bw_negation *n = &rules->neg[i];
		int k;

		bw_rules__lazy_init(&n->code);
		for (k = 0; k < 2; k++) {
			lit_iter it = { (char *const *)bw_rules__negation_literals(i, k), NULL, NULL };

			n->pf[k] = prefilter_new(it);   /* NULL: the pattern always runs */
		}
	}
	atomic_init(&rules->index, NULL);   /* made on the first match */
	rules->host_suffix = bw_suffix__build(rules->prov, rules->n_prov, 1);
	rules->domain_suffix = bw_suffix__build(rules->prov, rules->n_prov, 0);
	return BW_OK;
}

void bw_rules__release_compiled(bw_rules *rules)
{
	size_t i;

	bw_suffix__free(rules->host_suffix);
	bw_suffix__free(rules->domain_suffix);
	rules->host_suffix = rules->domain_suffix = NULL;
	index_free(atomic_load_explicit(&rules->index, memory_order_relaxed));
	atomic_store_explicit(&rules->index, NULL, memory_order_relaxed);

	for (i = 0; i < rules->n_rules; i++) {
		bw_rules__lazy_free(&rules->rules[i].code);
		bw_rules__lazy_free(&rules->rules[i].guard);
		free(rules->rules[i].guard_text);
		split_free(atomic_load_explicit(&rules->rules[i].split, memory_order_relaxed));
		free(atomic_load_explicit(&rules->rules[i].evidence, memory_order_relaxed));
		bw_rules__literals_free(rules->rules[i].literals);
		free(rules->rules[i].alt_strings);
		prefilter_free(atomic_load_explicit(&rules->rules[i].pf, memory_order_relaxed));
	}
	for (i = 0; i < rules->n_neg; i++) {
		prefilter_free(rules->neg[i].pf[0]);
		prefilter_free(rules->neg[i].pf[1]);
		bw_rules__lazy_free(&rules->neg[i].code);
	}
	free(rules->neg);
	rules->neg = NULL;
	rules->n_neg = 0;
	bw_rules__lazy_free(&rules->wrap);
	split_free(atomic_load_explicit(&rules->wrap_split, memory_order_relaxed));
	atomic_store_explicit(&rules->wrap_split, NULL, memory_order_relaxed);
	pcre2_match_context_free(rules->mctx);
	rules->mctx = NULL;
}

/* The code to run a pattern with: compiled the first time it is needed
 * (threads that race each compile, one copy is published, the others are
 * freed), then its JIT-compiled copy once there is one: the thread that
 * counts the JIT_AFTER-th run makes and publishes it (a failed JIT
 * publishes nothing: the interpreter goes on, same results).  NULL when the
 * pattern does not compile (pcre2_match() then fails, and the rule does
 * not apply). */
void bw_rules__lazy_init(struct bw_lazy_code *lc)
{
	atomic_init(&lc->re, NULL);
	atomic_init(&lc->runs, 0);
	atomic_init(&lc->jit, NULL);
}

void bw_rules__lazy_free(struct bw_lazy_code *lc)
{
	pcre2_code_free(atomic_load_explicit(&lc->re, memory_order_relaxed));
	pcre2_code_free(atomic_load_explicit(&lc->jit, memory_order_relaxed));
	atomic_store_explicit(&lc->re, NULL, memory_order_relaxed);
	atomic_store_explicit(&lc->jit, NULL, memory_order_relaxed);
}

/* bw_rules__code_of() of text[0..len) (compile_rule()). */
static const pcre2_code *code_of(const bw_rules *rules, const char *text, size_t len,
                                 struct bw_lazy_code *lc)
{
	_Atomic(pcre2_code *) *rep = &lc->re;
	pcre2_code *jit = atomic_load_explicit(&lc->jit, memory_order_acquire);
	pcre2_code *re;

	if (jit)
		return jit;
	re = atomic_load_explicit(rep, memory_order_acquire);
	if (!re) {
		pcre2_code *mine = compile_rule(text, len), *none = NULL;

		if (!mine)
			return NULL;
		if (atomic_compare_exchange_strong_explicit(rep, &none, mine, memory_order_acq_rel,
		                                            memory_order_acquire)) {
			re = mine;
		} else {
			pcre2_code_free(mine);
			re = none;
		}
	}
	if (rules->jit && atomic_fetch_add_explicit(&lc->runs, 1, memory_order_relaxed) == JIT_AFTER) {
		pcre2_code *copy = pcre2_code_copy(re);

		if (copy && pcre2_jit_compile(copy, PCRE2_JIT_COMPLETE) == 0) {
			atomic_store_explicit(&lc->jit, copy, memory_order_release);
			return copy;
		}
		pcre2_code_free(copy);
	}
	return re;
}

const pcre2_code *bw_rules__code_of(const bw_rules *rules, const char *text,
                                    struct bw_lazy_code *lc)
{
	return code_of(rules, text, SIZE_MAX, lc);
}

static const pcre2_code *code_for(const bw_rules *rules, const struct bw_rule *r)
{
	/* The rule array is the library's own allocation, never a const
	 * object: only the bw_rules handed to callers is const. */
	struct bw_rule *w = (struct bw_rule *)r;

	/* a guarded text: what follows its lookahead (rules_guard.c) */
	return bw_rules__code_of(rules, r->src->text + (r->guard_text ? r->guard_len : 0), &w->code);
}

/* ---- matching -------------------------------------------------------- */

/* Does `value` match one of the space-separated words of `list`?  A word
 * ending in '*' is a prefix; the word "none" matches a missing value; a
 * word "!x" excludes x (a list of exclusions alone admits everything else).
 * Comparison ignores ASCII case. */
static int in_list(const char *list, const char *value)
{
	const char *p = list;
	size_t vlen;
	int positive = 0, hit = 0;

	if (!value || !*value)
		value = "none";
	vlen = strlen(value);
	while (*p) {
		const char *e;
		size_t wl;

		while (*p == ' ')
			p++;
		e = p;
		while (*e && *e != ' ')
			e++;
		wl = (size_t)(e - p);
		if (wl > 1 && *p == '!') {
			/* "!5.7.*": a whole class excluded */
			if (p[wl - 1] == '*' ? vlen >= wl - 2 && bw_strncasecmp(value, p + 1, wl - 2) == 0
			                     : wl - 1 == vlen && bw_strncasecmp(value, p + 1, wl - 1) == 0)
				return 0;
		} else if (wl) {
			positive = 1;
			if (p[wl - 1] == '*') {
				if (vlen >= wl - 1 && bw_strncasecmp(value, p, wl - 1) == 0)
					hit = 1;
			} else if (wl == vlen && bw_strncasecmp(value, p, wl) == 0) {
				hit = 1;
			}
		}
		p = e;
	}
	return positive ? hit : 1;
}

/* The first word of the SMTP command ("MAIL" of "MAIL FROM"). */
static int command_in(const char *list, const char *cmd)
{
	char word[16];
	size_t n = 0;

	if (!cmd)
		cmd = "";
	while (*cmd == ' ')
		cmd++;
	while (cmd[n] && cmd[n] != ' ' && n + 1 < sizeof(word)) {
		word[n] = cmd[n];
		n++;
	}
	word[n] = '\0';
	return in_list(list, word);
}

static void copy_capture(pcre2_match_data *md, const char *name, char *dst, size_t size)
{
	PCRE2_SIZE len = 0;
	PCRE2_UCHAR *s = NULL;

	dst[0] = '\0';
	if (pcre2_substring_get_byname(md, (PCRE2_SPTR)name, &s, &len) != 0)
		return;
	if (len >= size)
		len = size - 1;
	memcpy(dst, s, len);
	dst[len] = '\0';
	pcre2_substring_free(s);
}

/* The byte triples of the lower-cased text, read once per match: a rule
 * literal with a triple the text lacks is rejected without a memmem (the
 * prefilter tries ~400 literals per recipient, most of them absent). */
#define TRIPLE_BITS BW_RULES_TRIPLE_BITS

struct triples {
	uint64_t w[TRIPLE_BITS / 64];
	bool eight_bit;             /* the text has a byte >= 0x80 */
	/* The text the prefilters look for their literals in: lower-cased,
	 * and with the letters of cased scripts folded when it has a byte
	 * >= 0x80 (fold_prefilter_text()). */
	const char *text;
	size_t len;
	/* It has the Kelvin sign or the long s, which 'k' and 's' match
	 * caselessly: its spaced parts (BW_LITERAL_SPACED) are not read. */
	bool kin;
};

static inline uint32_t triple_bit(uint32_t t)
{
	return (t * 2654435761u) >> 20;   /* 12 bits: TRIPLE_BITS */
}

/* Whether every triple of s[0..len), lower-cased, is among ts: only then
 * may s occur in the text, ignoring ASCII case (s shorter than a triple
 * always may). */
static bool may_occur(const triples *ts, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t k;

	for (k = 0; k + 3 <= len; k++) {
		uint32_t b = triple_bit((uint32_t)bw_lower(u[k]) << 16 |
		                        (uint32_t)bw_lower(u[k + 1]) << 8 | bw_lower(u[k + 2]));

		if (!((ts->w[b >> 6] >> (b & 63)) & 1))
			return false;
	}
	return true;
}

static void triples_build(triples *ts, const char *lower, size_t len)
{
	uint32_t t = 0;
	size_t i;

	memset(ts, 0, sizeof(*ts));
	ts->text = lower;
	ts->len = len;
	ts->kin = memmem(lower, len, "\xe2\x84\xaa", 3) || memmem(lower, len, "\xc5\xbf", 2);
	for (i = 0; i < len; i++) {
		uint32_t b;

		t = ((t << 8) | (unsigned char)lower[i]) & 0xFFFFFF;
		if ((unsigned char)lower[i] >= 0x80)
			ts->eight_bit = true;
		if (i < 2)
			continue;
		b = triple_bit(t);
		ts->w[b >> 6] |= (uint64_t)1 << (b & 63);
	}
}

/* A rule's literals ready to test: for each string, its parts, each with
 * the bits of up to MAX_PART_TRIPLES of its triples. */
#define MAX_PART_TRIPLES 8

typedef struct pf_part {       /* 32 bytes: a lexicon rule has thousands */
	const char *s;              /* inside the rule's literals; not terminated */
	uint32_t len;               /* (a literal is a piece of one rule's pattern) */
	bool eight_bit;             /* BW_LITERAL_8BIT: some byte >= 0x80 */
	bool spaced;                /* BW_LITERAL_SPACED (without the mark): its bits
	                             * are those of its first word */
	uint8_t n_bits;
	uint16_t bits[MAX_PART_TRIPLES];
} pf_part;

/* first[k] when alternative k has no triple bit to test first */
#define NO_BIT 0xFFFF

/* One allocation: the header, then parts, alt_end, no_bit and first
 * (prefilter_new()). */
struct bw_prefilter {
	pf_part *parts;
	uint32_t *alt_end;          /* alternative k is parts[alt_end[k-1] .. alt_end[k]) */
	uint16_t *first;            /* the first triple bit of alternative k, or NO_BIT */
	size_t n_alts;
	uint32_t *no_bit;           /* the alternatives whose first is NO_BIT */
	size_t n_no_bit;
};

/* Published for a rule whose prefilter could not be made (out of
 * memory): the rule is then always tried. */
static struct bw_prefilter no_prefilter;

static void prefilter_free(struct bw_prefilter *pf)
{
	if (pf != &no_prefilter)
		free(pf);
}

/* The first `max` (at most MAX_PART_TRIPLES) of the part's triple bits. */
static void part_bits(pf_part *pp, unsigned max)
{
	size_t n = pp->len - 2, k, step = n > MAX_PART_TRIPLES ? n / MAX_PART_TRIPLES : 1;

	pp->n_bits = 0;
	for (k = 0; k < n && pp->n_bits < max; k += step) {
		const unsigned char *u = (const unsigned char *)pp->s + k;

		pp->bits[pp->n_bits++] = (uint16_t)triple_bit((uint32_t)u[0] << 16 | (uint32_t)u[1] << 8 | u[2]);
	}
}

/* The literals of rule r to read with next_alt(). */
static lit_iter lits_of(const struct bw_rule *r)
{
	lit_iter it = { r->literals, NULL, NULL };

	if (r->alt_strings) {
		it.p = r->alt_strings;
		it.end = it.p + strlen(it.p);
	} else if (!r->literals && r->src->literals && *r->src->literals) {
		it.p = r->src->literals;
		it.end = it.p + strlen(it.p);
	}
	return it;
}

/* The next alternative in s[0..len) (not terminated when stored); false
 * after the last. */
static bool next_alt(lit_iter *it, const char **s, size_t *len)
{
	const char *e;

	if (it->v) {
		if (!*it->v)
			return false;
		*s = *it->v++;
		*len = strlen(*s);
		return true;
	}
	if (!it->p)
		return false;
	*s = it->p;
	e = memchr(it->p, '\n', (size_t)(it->end - it->p));
	*len = (size_t)((e ? e : it->end) - it->p);
	it->p = e ? e + 1 : NULL;
	return true;
}

/* The part of an alternative ending at `end` that starts at p: whether it
 * is BW_LITERAL_8BIT or BW_LITERAL_SPACED, with the first `max_bits` of
 * its triple bits (a spaced part's, of its first word).  Returns its
 * length in the literals. */
static size_t part_at(pf_part *pp, const char *p, const char *end, unsigned max_bits)
{
	const char *e = memchr(p, BW_LITERAL_AND, (size_t)(end - p));
	size_t raw = (size_t)((e ? e : end) - p);

	pp->spaced = raw > 1 && *p == BW_LITERAL_SPACED;
	pp->s = p + pp->spaced;
	pp->len = (uint32_t)(raw - pp->spaced);
	pp->eight_bit = pp->len == 1 && *p == BW_LITERAL_8BIT;
	pp->n_bits = 0;
	if (pp->spaced) {
		const char *sp = memchr(pp->s, ' ', pp->len);
		uint32_t len = pp->len;

		pp->len = (uint32_t)(sp - pp->s);  /* the first word's bits */
		if (pp->len >= 3)
			part_bits(pp, max_bits);
		pp->len = len;
	} else if (!pp->eight_bit && pp->len >= 3) {
		part_bits(pp, max_bits);
	}
	return raw;
}

/* How many alternatives (strings) and parts `it` has, into *n_alts and
 * *n_parts: for stored literals one pass over their bytes. */
static void count_parts(lit_iter it, size_t *n_alts, size_t *n_parts)
{
	const char *s, *c;
	size_t len;

	*n_alts = *n_parts = 0;
	if (!it.v) {
		size_t lines = 1, ands = 0;

		if (!it.p)
			return;
		for (c = it.p; (c = memchr(c, '\n', (size_t)(it.end - c))); c++)
			lines++;
		for (c = it.p; (c = memchr(c, BW_LITERAL_AND, (size_t)(it.end - c))); c++)
			ands++;
		*n_alts = lines;
		*n_parts = lines + ands;
		return;
	}
	while (next_alt(&it, &s, &len)) {
		++*n_alts;
		for (c = s, ++*n_parts; (c = memchr(c, BW_LITERAL_AND, len - (size_t)(c - s))); c++)
			++*n_parts;
	}
}

/* The literals of one rule, split and with their bits; NULL on ENOMEM (the
 * rule is then always tried).  One allocation, written whole. */
static struct bw_prefilter *prefilter_new(lit_iter it)
{
	struct bw_prefilter *pf;
	size_t n_parts, n_alts, k = 0, i, len;
	const char *s;

	count_parts(it, &n_alts, &n_parts);
	if (n_alts > UINT32_MAX || n_parts > UINT32_MAX ||
	    !(pf = malloc(sizeof(*pf) + n_parts * sizeof(*pf->parts) +
	                  n_alts * (2 * sizeof(uint32_t) + sizeof(uint16_t)))))
		return NULL;
	pf->parts = (pf_part *)(pf + 1);
	pf->alt_end = (uint32_t *)(pf->parts + n_parts);
	pf->no_bit = pf->alt_end + n_alts;
	pf->first = (uint16_t *)(pf->no_bit + n_alts);
	pf->n_alts = n_alts;
	pf->n_no_bit = 0;
	for (i = 0; next_alt(&it, &s, &len); i++) {
		const char *p = s, *end = s + len;

		pf->first[i] = NO_BIT;
		for (;;) {
			pf_part *pp = &pf->parts[k++];

			/* (not a spaced part's bit: a text with the Kelvin
			 * sign or the long s does not read those) */
			p += part_at(pp, p, end, MAX_PART_TRIPLES);
			if (pf->first[i] == NO_BIT && pp->n_bits && !pp->spaced)
				pf->first[i] = pp->bits[0];
			if (p == end)
				break;
			p++;
		}
		pf->alt_end[i] = (uint32_t)k;
		if (pf->first[i] == NO_BIT)
			pf->no_bit[pf->n_no_bit++] = (uint32_t)i;
	}
	return pf;
}

/* Rule r's prefilter, made the first time it is asked for (threads that
 * race each make one, one copy is published, the others are freed); NULL
 * when it could not be made. */
static const struct bw_prefilter *pf_for(const struct bw_rule *r)
{
	struct bw_rule *w = (struct bw_rule *)r;
	struct bw_prefilter *pf = atomic_load_explicit(&w->pf, memory_order_acquire), *none = NULL;

	if (!pf) {
		if (!(pf = prefilter_new(lits_of(r))))
			pf = &no_prefilter;
		if (!atomic_compare_exchange_strong_explicit(&w->pf, &none, pf, memory_order_acq_rel,
		                                             memory_order_acquire)) {
			prefilter_free(pf);
			pf = none;
		}
	}
	return pf == &no_prefilter ? NULL : pf;
}

/* An alternative in the bit index: its rule, its place among the rule's
 * alternatives (as prefilter_new() numbers them), and up to ALT_BITS more
 * triple bits of its parts besides the one it is filed under, all of
 * them its picks (alt_picks, file_under_least_used(); testing some of its
 * bits, not all, still names every alternative whose test may pass);
 * eight_bit when one of its parts is
 * BW_LITERAL_8BIT.  Sixteen bytes, so that the alternatives filed under
 * one bit lie together: the index is made only for at most INDEX_MAX
 * rules of at most INDEX_MAX alternatives each. */
#define ALT_BITS 5
#define INDEX_MAX UINT16_MAX
struct bw_pf_alt {
	uint16_t rule;
	uint16_t alt;
	uint16_t bits[ALT_BITS];
	uint8_t n_bits;
	bool eight_bit;
};

/* How rarely byte c comes in a lower-cased English diagnostic, in tenths
 * of a bit (about -log2 of its frequency): a fixed table, the letters'
 * frequencies in English text with the space as ~18% of the bytes; digits
 * (reply and status codes in most texts) and '.' common, other bytes rare. */
static unsigned byte_rarity(unsigned char c)
{
	/* a..z */
	static const unsigned char letter[26] = {
		39, 63, 54, 48, 33, 58, 59, 43, 41, 97, 72, 49, 56,
		42, 40, 60, 103, 43, 43, 37, 54, 69, 56, 97, 59, 108,
	};

	if (c >= 'a' && c <= 'z')
		return letter[c - 'a'];
	if (c == ' ')
		return 25;
	if ((c >= '0' && c <= '9') || c == '.')
		return 50;
	return c >= 0x80 ? 80 : 75;
}

/* The triple bit of the three bytes at u. */
static uint16_t bit_at(const char *u)
{
	const unsigned char *b = (const unsigned char *)u;

	return (uint16_t)triple_bit((uint32_t)b[0] << 16 | (uint32_t)b[1] << 8 | b[2]);
}

/* The triples the index files an alternative under and tests (its
 * "picks"): the rarest of all the triples of its parts, then the next
 * rarest, up to ALT_BITS, one per triple bit; rarest by `seen` when given
 * (the fewest of the rules' examples have it, bw_rules__count_triples()),
 * of equally rare ones by the sum of their bytes' byte_rarity(), of those
 * the earlier.  Any triple of a part will do: an alternative that
 * alt_pass() passes has every part in the text, so every triple of every
 * part. */
#define PICKS (1 + ALT_BITS)
typedef struct alt_picks {
	size_t n;
	const char *at[PICKS];      /* inside the alternative, rarest first */
	uint16_t bit[PICKS];
	uint64_t rarity[PICKS];
	bool eight_bit;             /* one of its parts is BW_LITERAL_8BIT */
} alt_picks;

/* Keeps the triple at u in ap when it is among the PICKS rarest (and its
 * bit not already kept); seen: as picks_of() has it. */
static void picks_offer(alt_picks *ap, const char *u, const uint32_t *seen)
{
	uint16_t b = bit_at(u);
	uint64_t r = byte_rarity((unsigned char)u[0]) + byte_rarity((unsigned char)u[1]) +
	             byte_rarity((unsigned char)u[2]);
	size_t j;

	if (seen)
		r |= (uint64_t)(UINT32_MAX - seen[b]) << 32;

	for (j = 0; j < ap->n; j++)
		if (ap->bit[j] == b)
			return;
	if (ap->n == PICKS && ap->rarity[PICKS - 1] >= r)
		return;
	j = ap->n < PICKS ? ap->n++ : PICKS - 1;
	for (; j > 0 && ap->rarity[j - 1] < r; j--) {
		ap->at[j] = ap->at[j - 1];
		ap->bit[j] = ap->bit[j - 1];
		ap->rarity[j] = ap->rarity[j - 1];
	}
	ap->at[j] = u;
	ap->bit[j] = b;
	ap->rarity[j] = r;
}

/* The picks of alternative s[0..len) (its parts split at BW_LITERAL_AND);
 * seen: how many of the rules' examples have each triple bit, or NULL
 * (the bytes' rarity alone). */
static void picks_of(alt_picks *ap, const char *s, size_t len, const uint32_t *seen)
{
	const char *p = s, *end = s + len;

	ap->n = 0;
	ap->eight_bit = false;
	for (;;) {
		const char *e = memchr(p, BW_LITERAL_AND, (size_t)(end - p));
		size_t n = (size_t)((e ? e : end) - p), k;

		if (n == 1 && *p == BW_LITERAL_8BIT)
			ap->eight_bit = true;
		/* not a spaced part's triples: a text with the Kelvin sign
		 * or the long s does not read those parts */
		for (k = 0; (n < 1 || *p != BW_LITERAL_SPACED) && k + 3 <= n; k++)
			picks_offer(ap, p + k, seen);
		if (!e)
			break;
		p = e + 1;
	}
}

char *bw_rules__index_picks(const char *literals, const uint32_t *seen)
{
	lit_iter it = { NULL, literals, literals + strlen(literals) };
	bw_buf b = BW_BUF_INIT;
	const char *s;
	size_t len, k, i = 0;

	bw_buf__puts(&b, "");
	while (*literals && next_alt(&it, &s, &len)) {
		alt_picks ap;

		picks_of(&ap, s, len, seen);
		if (i++)
			bw_buf__putc(&b, '\n');
		for (k = 0; k < ap.n; k++)
			bw_buf__put(&b, ap.at[k], 3);
		if (ap.eight_bit)
			bw_buf__putc(&b, BW_LITERAL_8BIT);
	}
	if (b.oom) {
		bw_buf__free(&b);
		return NULL;
	}
	return bw_buf__detach(&b);
}

/* A rule's alternatives as the index files them, one at a time: from the
 * picks the rule compiler stored (bw_rset_rule.index_picks, a line per
 * alternative: its picks' triples, then BW_LITERAL_8BIT when eight_bit)
 * or, without them, from its literals (picks_of()). */
typedef struct entry_iter {
	lit_iter lits;              /* the literals, or the stored picks */
	bool stored;
} entry_iter;

/* How many '\n' s holds. */
static size_t lines_in(const char *s)
{
	size_t n = 0;

	for (; (s = strchr(s, '\n')); s++)
		n++;
	return n;
}

static entry_iter entries_of(const struct bw_rule *r)
{
	entry_iter it = { lits_of(r), false };
	const char *picks = r->src->index_picks;

	/* the picks stored for a rule whose strings are its alternatives' are
	 * theirs when the rule compiler made them so (one line a string) */
	if (!r->literals && it.lits.p && picks &&
	    (!r->alt_strings || lines_in(picks) == lines_in(r->alt_strings))) {
		it.lits.p = picks;
		it.lits.end = picks + strlen(picks);
		it.stored = true;
	}
	return it;
}

/* The next alternative: its first pick (the rarest triple by
 * byte_rarity()) in *bit (NO_BIT for none: the rule is then always a
 * candidate) and the rest of its entry in *e (but its rule and place);
 * false after the last. */
static bool next_entry(entry_iter *it, uint16_t *bit, struct bw_pf_alt *e)
{
	const char *s;
	size_t len, k;
	alt_picks ap;

	if (!next_alt(&it->lits, &s, &len))
		return false;
	if (!it->stored) {
		picks_of(&ap, s, len, NULL);
	} else {
		ap.n = len / 3 < PICKS ? len / 3 : PICKS;
		ap.eight_bit = len % 3 == 1;
		for (k = 0; k < ap.n; k++)
			ap.bit[k] = bit_at(s + 3 * k);
	}
	*bit = ap.n ? ap.bit[0] : NO_BIT;
	e->n_bits = 0;
	e->eight_bit = ap.eight_bit;
	for (k = 1; k < ap.n; k++)
		e->bits[e->n_bits++] = ap.bit[k];
	return true;
}

/* An alternative as index_build() gathers it: its entry and the bit it is
 * filed under. */
typedef struct gathered {
	struct bw_pf_alt e;
	uint16_t bit;
} gathered;

/* The alternatives with picks of every rule with a prefilter, in *out (n
 * of them; the rules with one without any marked in `always`), and in
 * uses[b] how many of them have bit b among their picks; false on ENOMEM
 * or when there are more than the index can number. */
static bool index_gather(const bw_rules *rules, uint64_t *always, uint32_t *uses,
                         gathered **out, size_t *n)
{
	size_t i, k, j, cap = 0;
	gathered g, *v = NULL;

	*n = 0;
	for (i = 0; i < rules->n_rules; i++) {
		entry_iter it = entries_of(&rules->rules[i]);

		for (k = 0; rules->rules[i].has_pf && next_entry(&it, &g.bit, &g.e); k++) {
			if (k >= INDEX_MAX)
				goto fail;
			if (g.bit == NO_BIT) {
				always[i >> 6] |= (uint64_t)1 << (i & 63);
				continue;
			}
			if (*n == cap) {
				gathered *grown;

				cap = cap ? 2 * cap : 1024;
				if (!(grown = realloc(v, cap * sizeof(*v))))
					goto fail;
				v = grown;
			}
			g.e.rule = (uint16_t)i;
			g.e.alt = (uint16_t)k;
			v[(*n)++] = g;
			uses[g.bit]++;
			for (j = 0; j < g.e.n_bits; j++)
				uses[g.e.bits[j]]++;
		}
	}
	*out = v;
	return true;
fail:
	free(v);
	return false;
}

void bw_rules__count_triples(bw_triple_count *c, const char *text)
{
	const unsigned char *u = (const unsigned char *)text;
	uint32_t t = 0, b;
	size_t i;

	c->texts++;
	for (i = 0; u[i]; i++) {
		t = ((t << 8) | (uint32_t)bw_lower(u[i])) & 0xFFFFFF;
		if (i < 2)
			continue;
		b = triple_bit(t);
		if (c->last[b] != c->texts) {   /* once a text */
			c->last[b] = c->texts;
			c->seen[b]++;
		}
	}
}

/* How many of the rules' examples (replies as servers write them) have
 * each triple bit: which triples come in many texts. */
static void count_example_triples(const bw_rules *rules, bw_triple_count *c)
{
	size_t i, j;

	for (i = 0; i < rules->n_rules; i++)
		for (j = 0; j < rules->rules[i].src->examples.n; j++)
			bw_rules__count_triples(c, rules->rules[i].src->examples.v[j]);
}

/* Whether bit a comes in fewer texts than bit b, as far as seen (the
 * examples) and uses (the alternatives' picks) tell. */
static bool rarer(uint16_t a, uint16_t b, const uint32_t *seen, const uint32_t *uses)
{
	return seen[a] != seen[b] ? seen[a] < seen[b] : uses[a] < uses[b];
}

/* Files g under the pick whose triple the fewest of the rules' examples
 * have, of equally few the one the fewest alternatives have among their
 * picks, of equally few the rarer by byte_rarity(); its other picks stay
 * its entry's bits.  A text's bits name the alternatives filed under them,
 * and candidates() reads each: an alternative is read for every text
 * with its filing bit, and triples the examples, or many rules' literals,
 * share ("ser", "ail", "ion") come in many texts, which the bytes' rarity
 * alone does not tell.  Entries read per text, rarity / picks' uses /
 * examples first: shared corpus 1654 / 1012 / 548, tests/corpus 1831 /
 * 908 / 509, blind100 2273 / 1355 / 731. */
static void file_under_least_used(gathered *g, const uint32_t *seen, const uint32_t *uses)
{
	size_t j, best = g->e.n_bits;
	uint16_t b = g->bit;

	for (j = 0; j < g->e.n_bits; j++)
		if (rarer(g->e.bits[j], b, seen, uses)) {
			b = g->e.bits[j];
			best = j;
		}
	if (best == g->e.n_bits)
		return;
	g->e.bits[best] = g->bit;
	g->bit = b;
}

/* The rules' index (struct bw_pf_index, rules_impl.h) into ix, read from
 * their literals (no prefilter is made for them); ix's fields left NULL
 * when an allocation fails. */
static void index_build(const bw_rules *rules, struct bw_pf_index *ix)
{
	size_t words = (rules->n_rules + 63) / 64, i, t, n = 0;
	uint32_t *start = calloc(TRIPLE_BITS + 1, sizeof(*start)), *at = NULL;
	uint32_t *uses = calloc(TRIPLE_BITS, sizeof(*uses));
	bw_triple_count *ex = calloc(1, sizeof(*ex));
	struct bw_pf_alt *list = NULL;
	gathered *g = NULL;
	uint64_t *always = calloc(words ? words : 1, sizeof(*always));
	uint64_t *visit = calloc(words ? words : 1, sizeof(*visit));

	if (!start || !uses || !ex || !always || !visit || rules->n_rules > INDEX_MAX ||
	    !index_gather(rules, always, uses, &g, &n))
		goto fail;
	count_example_triples(rules, ex);
	for (i = 0; i < rules->n_rules; i++)
		if (!rules->rules[i].has_pf || rules->rules[i].tier == BW_TIER_LEXICON)
			visit[i >> 6] |= (uint64_t)1 << (i & 63);
	/* counts: alternatives per index bit */
	for (i = 0; i < n; i++) {
		file_under_least_used(&g[i], ex->seen, uses);
		start[g[i].bit + 1]++;
	}
	for (t = 0; t < TRIPLE_BITS; t++)
		start[t + 1] += start[t];
	if (!(list = malloc((n ? n : 1) * sizeof(*list))) ||
	    !(at = malloc(TRIPLE_BITS * sizeof(*at))))
		goto fail;
	memcpy(at, start, TRIPLE_BITS * sizeof(*at));
	for (i = 0; i < n; i++)
		list[at[g[i].bit]++] = g[i].e;
	free(at);
	free(g);
	free(uses);
	free(ex);
	ix->start = start;
	ix->alt = list;
	ix->always = always;
	ix->visit = visit;
	return;
fail:
	free(at);
	free(g);
	free(uses);
	free(ex);
	free(list);
	free(start);
	free(always);
	free(visit);
}

/* Published when not even the index's header could be allocated: no
 * index (every prefilter runs). */
static struct bw_pf_index no_index;

static void index_free(struct bw_pf_index *ix)
{
	if (!ix || ix == &no_index)
		return;
	free(ix->start);
	free(ix->alt);
	free(ix->always);
	free(ix->visit);
	free(ix);
}

/* The rules' index, made the first time it is asked for (threads that
 * race each make one, one copy is published, the others are freed): a
 * process that opens the rules and matches nothing never makes it. */
static const struct bw_pf_index *index_for(const bw_rules *rules)
{
	bw_rules *w = (bw_rules *)rules;
	struct bw_pf_index *ix = atomic_load_explicit(&w->index, memory_order_acquire), *none = NULL;

	if (!ix) {
		if ((ix = calloc(1, sizeof(*ix))))
			index_build(rules, ix);
		else
			ix = &no_index;
		if (!atomic_compare_exchange_strong_explicit(&w->index, &none, ix, memory_order_acq_rel,
		                                             memory_order_acquire)) {
			index_free(ix);
			ix = none;
		}
	}
	return ix;
}

#define CAND_WORDS 128

/* The alternatives that the bit index let through for one text, listed
 * per rule (candidates()): a rule's prefilter then tests those and its
 * alternatives without bits, not every alternative it has (the others
 * lack one of the triples the index tested, so one of their parts is not
 * in the text, and prefilter_pass() fails them too).  `listed` has bit i when
 * rule i has hits, the first in head[i]; each hit names the next of its
 * rule (NO_HIT ends).  complete is false when more than MAX_HITS came or
 * there are more than HITS_RULES rules (then a rule's prefilter tests
 * every alternative, as without hits).  About 20 KB, on the stack of
 * bw_rules__match(). */
#define MAX_HITS 2048
#define HITS_RULES 4096
#define NO_HIT UINT16_MAX

typedef struct pf_hits {
	bool complete;
	size_t n;
	uint64_t listed[HITS_RULES / 64];
	uint16_t head[HITS_RULES];
	struct { uint16_t alt, next; } hit[MAX_HITS];
} pf_hits;

size_t bw_rules__candidate_capacity(void)
{
	return HITS_RULES;
}

/* Adds alternative `alt` of rule `rule` to h. */
static void hits_add(pf_hits *h, uint16_t rule, uint16_t alt)
{
	uint64_t bit = (uint64_t)1 << (rule & 63);

	if (!h->complete)
		return;
	if (h->n == MAX_HITS) {
		h->complete = false;
		return;
	}
	if (!(h->listed[rule >> 6] & bit)) {
		h->listed[rule >> 6] |= bit;
		h->head[rule] = NO_HIT;
	}
	h->hit[h->n].alt = alt;
	h->hit[h->n].next = h->head[rule];
	h->head[rule] = (uint16_t)h->n++;
}

/* Whether index entry e's bits (those after its first) are all in the
 * text, and its byte >= 0x80 when it needs one. */
static bool entry_may(const struct bw_pf_alt *e, const triples *ts)
{
	bool may = !e->eight_bit || ts->eight_bit;
	unsigned j;

	for (j = 0; may && j < e->n_bits; j++)
		may = (ts->w[e->bits[j] >> 6] >> (e->bits[j] & 63)) & 1;
	return may;
}

/* The rules whose prefilter may pass on a text with triples ts (a bit per
 * rule, in cand[0 .. (n_rules + 63) / 64)): those with an alternative
 * whose indexed triple bits (up to 1 + ALT_BITS) are all in the text (and
 * that has a byte >= 0x80 when the alternative needs one), listed in
 * *hits, and those with an alternative without bits.  A superset of the
 * rules prefilter_pass() passes, which still decides.  False when the
 * index is not there or cand too small: then every prefilter is to run
 * whole. */
static bool candidates(const bw_rules *rules, const struct bw_pf_index *ix, const triples *ts,
                       uint64_t *cand, pf_hits *hits)
{
	size_t words = (rules->n_rules + 63) / 64, w;

	if (!ix->start || words > CAND_WORDS)
		return false;
	memcpy(cand, ix->always, words * sizeof(*cand));
	hits->n = 0;
	hits->complete = rules->n_rules <= HITS_RULES;
	if (hits->complete)
		memset(hits->listed, 0, words * sizeof(hits->listed[0]));
	for (w = 0; w < TRIPLE_BITS / 64; w++) {
		uint64_t x = ts->w[w];

		while (x) {
			size_t b = w * 64 + (size_t)__builtin_ctzll(x);
			uint32_t k;

			for (k = ix->start[b]; k < ix->start[b + 1]; k++) {
				const struct bw_pf_alt *e = &ix->alt[k];

				if (!entry_may(e, ts))
					continue;
				cand[e->rule >> 6] |= (uint64_t)1 << (e->rule & 63);
				hits_add(hits, e->rule, e->alt);
			}
			x &= x - 1;
		}
	}
	return true;
}

/* May alternative k of pf match the text (ts->text)?  First the triple
 * bits of every part, then memmem for the parts. */
static inline bool alt_pass(const struct bw_prefilter *pf, size_t k, const triples *ts)
{
	size_t from, i, j;
	bool may = true;
	uint16_t b = pf->first[k];

	/* most alternatives fail on their first bit: that test alone
	 * (reading only `first`, not where the alternative's parts are) */
	if (b != NO_BIT && !((ts->w[b >> 6] >> (b & 63)) & 1))
		return false;
	from = k ? pf->alt_end[k - 1] : 0;

	for (i = from; may && i < pf->alt_end[k]; i++) {
		const pf_part *pp = &pf->parts[i];

		if (pp->eight_bit) {
			may = ts->eight_bit;
			continue;
		}
		if (pp->spaced && ts->kin)
			continue;
		for (j = 0; may && j < pp->n_bits; j++)
			may = (ts->w[pp->bits[j] >> 6] >> (pp->bits[j] & 63)) & 1;
	}
	for (i = from; may && i < pf->alt_end[k]; i++) {
		const pf_part *pp = &pf->parts[i];

		if (pp->spaced)
			may = ts->kin || bw_rules__spaced_in(ts->text, ts->len, pp->s, pp->len);
		else
			may = pp->eight_bit || memmem(ts->text, ts->len, pp->s, pp->len) != NULL;
	}
	return may;
}

/* May the pattern match the text?  Whether one of its alternatives may. */
static bool prefilter_pass(const struct bw_prefilter *pf, const triples *ts)
{
	size_t k;

	for (k = 0; k < pf->n_alts; k++)
		if (alt_pass(pf, k, ts))
			return true;
	return false;
}

/* ---- which alternatives of a split rule may match -------------------- */

/* The alternatives of a rule's prefilter that passed, bit k for its k-th
 * string (valid: made by rule_prefilter_pass()).  When a split rule's
 * alternatives have as their strings the rule's own, in order
 * (bw_split.same_literals), rule_match() reads these bits instead of
 * testing each alternative's prefilter again: the rule's strings are
 * tested once, not once for the rule and once for its alternatives.
 * MARK_WORDS bounds the strings a rule may have for it (2048; the
 * longest list, filtered.recipient-refuses's, has 1,238, the lexicon's
 * up to 384). */
#define MARK_WORDS 32

typedef struct alt_marks {
	bool valid;
	uint64_t w[MARK_WORDS];
} alt_marks;

/* prefilter_pass(), every alternative tested: bit k of w (zeroed by the
 * caller) set for each one that passes. */
static bool prefilter_mark(const struct bw_prefilter *pf, const triples *ts, uint64_t *w)
{
	size_t k;
	bool any = false;

	for (k = 0; k < pf->n_alts; k++) {
		if (alt_pass(pf, k, ts)) {
			w[k >> 6] |= (uint64_t)1 << (k & 63);
			any = true;
		}
	}
	return any;
}

/* prefilter_pass() or prefilter_mark() (w not NULL) testing only the
 * alternatives in rule i's hits and those without bits: the same answer
 * (pf_hits). */
static bool prefilter_hits(const struct bw_prefilter *pf, const pf_hits *hits, size_t i,
                           const triples *ts, uint64_t *w)
{
	size_t n, k;
	uint16_t h = (hits->listed[i >> 6] >> (i & 63)) & 1 ? hits->head[i] : NO_HIT;
	bool any = false;

	for (; h != NO_HIT; h = hits->hit[h].next) {
		k = hits->hit[h].alt;
		if (k < pf->n_alts && alt_pass(pf, k, ts)) {
			if (!w)
				return true;
			w[k >> 6] |= (uint64_t)1 << (k & 63);
			any = true;
		}
	}
	for (n = 0; n < pf->n_no_bit; n++) {
		k = pf->no_bit[n];
		if (alt_pass(pf, k, ts)) {
			if (!w)
				return true;
			w[k >> 6] |= (uint64_t)1 << (k & 63);
			any = true;
		}
	}
	return any;
}

static bool split_reads_marks(const struct bw_split *sp);

/* prefilter_pass() with the prefilter of rule r (rules->rules[i]); true
 * when it has none.  hits: what candidates() found for the text, or NULL.
 * Into *marks (when not NULL) which of its strings passed, when the rule
 * is matched one alternative at a time with the same strings, or may be
 * (split_reads_marks()); else marks->valid is false. */
static bool rule_prefilter_pass(const struct bw_rule *r, size_t i, const triples *ts,
                                const pf_hits *hits, alt_marks *marks)
{
	const struct bw_prefilter *pf = pf_for(r);
	const struct bw_split *sp = atomic_load_explicit(&r->split, memory_order_acquire);
	uint64_t *w = NULL;

	if (marks)
		marks->valid = false;
	if (!pf)
		return true;
	if (marks && split_reads_marks(sp) && pf->n_alts <= MARK_WORDS * 64) {
		memset(marks->w, 0, (pf->n_alts + 63) / 64 * sizeof(marks->w[0]));
		marks->valid = true;
		w = marks->w;
	}
	if (hits && hits->complete)
		return prefilter_hits(pf, hits, i, ts, w);
	return w ? prefilter_mark(pf, ts, w) : prefilter_pass(pf, ts);
}

/* ---- patterns matched one alternative at a time ---------------------- */

/* A rule whose pattern has at least SPLIT_MIN top-level alternatives (the
 * lexicon's cue lists, the long phrase lists of some text rules) is matched
 * one alternative at a time: each alternative behind its own prefilter, so
 * that only those whose literals the text has are compiled and run, and
 * each small enough to compile and JIT-compile cheaply.  The matches are
 * the pattern's: from a start offset, the pattern's match begins at the
 * leftmost position where some alternative matches, and is the first such
 * alternative's (bw_rules__alternatives() splits only patterns where that
 * holds).  Only a match, depth or heap limit can differ: each alternative
 * runs under the limits on its own. */
#define SPLIT_MIN 4

struct split_alt {
	const char *text;           /* text[0..len), a piece of the pattern */
	size_t len;
	/* its literals: the rule compiler's, read in place, or `made` */
	lit_iter lits;
	char **made;
	bool always;                /* none to test (or one with '_'): always tried */
	/* its own prefilter, made only when the rule's cannot stand for it
	 * (!bw_split.same_literals); NULL then too when always */
	struct bw_prefilter *pf;
	/* its literals are the rule's strings [lit_from, lit_to) (when
	 * bw_split.same_literals) */
	size_t lit_from, lit_to;
	struct bw_lazy_code code;
};

struct bw_split {
	size_t n;
	struct split_alt *alt;
	/* the alternatives' literals, in order, are the strings of the
	 * rule's prefilter `pf`: alt_marks, or pf's strings [lit_from,
	 * lit_to), stand for an alternative's prefilter, and the
	 * alternatives have none of their own (most of them never run:
	 * making one for each cost more than the runs saved).  Then, for the
	 * rule's n_lits strings, alt_of[j] is the alternative whose string j
	 * is, and `always` has the bit of the first string of each
	 * alternative always tried. */
	bool same_literals;
	const struct bw_prefilter *pf;
	size_t n_lits;
	uint16_t *alt_of;
	uint64_t *always;
};

/* Published for a rule whose pattern is matched whole. */
static struct bw_split no_split;

/* Whether rule_match() may read the marks for the rule whose split is sp:
 * when its alternatives have the rule's strings, or before its first run
 * (NULL: the split is not made yet; next_may() then reads the marks only
 * if the split it makes has the same strings). */
static bool split_reads_marks(const struct bw_split *sp)
{
	return !sp || (sp != &no_split && sp->same_literals);
}

/* Whether the alternatives' literals, one after the other, are the
 * strings of `rule_lits` (the rule's literals), an alternative without a
 * prefilter standing for one empty string of them when they have it there
 * (bw_rules__alt_strings()); sets each alternative's lit_from and lit_to.
 * False when an alternative has none otherwise (the rule then has no
 * prefilter either). */
static bool same_literals(struct split_alt *alt, size_t n, lit_iter rule_lits)
{
	size_t k, at = 0, len, own_len;
	const char *s, *own;

	for (k = 0; k < n; k++) {
		lit_iter peek = rule_lits, it = alt[k].lits;

		alt[k].lit_from = at;
		if (alt[k].always && next_alt(&peek, &s, &len) && !len) {
			/* an alternative always tried: the empty string the
			 * rule has for it (bw_rules__alt_strings()) */
			rule_lits = peek;
			alt[k].lit_to = ++at;
			continue;
		}
		for (; next_alt(&it, &own, &own_len); at++)
			if (!next_alt(&rule_lits, &s, &len) || len != own_len ||
			    memcmp(s, own, len) != 0)
				return false;
		if (at == alt[k].lit_from)
			return false;
		alt[k].lit_to = at;
	}
	return !next_alt(&rule_lits, &s, &len);
}

static void split_free(struct bw_split *sp)
{
	size_t k;

	if (!sp || sp == &no_split)
		return;
	for (k = 0; k < sp->n; k++) {
		bw_rules__lazy_free(&sp->alt[k].code);
		bw_rules__literals_free(sp->alt[k].made);
		prefilter_free(sp->alt[k].pf);
	}
	free(sp->alt);
	free(sp->alt_of);
	free(sp->always);
	free(sp);
}

/* sp->n_lits, alt_of and always, from the alternatives' lit_from and
 * lit_to; false when they cannot be made (more strings than alt_marks
 * holds, too many alternatives, out of memory). */
static bool strings_to_alts(struct bw_split *sp)
{
	size_t n = sp->alt[sp->n - 1].lit_to, k, j;

	if (n > MARK_WORDS * 64 || sp->n >= UINT16_MAX ||
	    !(sp->alt_of = malloc(n * sizeof(*sp->alt_of))) ||
	    !(sp->always = calloc((n + 63) / 64, sizeof(*sp->always))))
		return false;
	sp->n_lits = n;
	for (k = 0; k < sp->n; k++) {
		for (j = sp->alt[k].lit_from; j < sp->alt[k].lit_to; j++)
			sp->alt_of[j] = (uint16_t)k;
		if (sp->alt[k].always)
			sp->always[sp->alt[k].lit_from >> 6] |= (uint64_t)1 << (sp->alt[k].lit_from & 63);
	}
	return true;
}

/* Whether the strings of `it` are none, or one has a '_' (the lexicon
 * matches a copy with names masked by '_': such a literal might be found
 * only there). */
static bool no_usable_literal(lit_iter it)
{
	const char *s;
	size_t len, n = 0;

	for (; next_alt(&it, &s, &len); n++)
		if (memchr(s, '_', len))
			return true;
	return n == 0;
}

/* The literals of the split's alternative a: the piece of `stored` (the
 * rule compiler's, an alternative's strings joined by '\n', the
 * alternatives by '\x1e') that starts at *stored, past which *stored is
 * moved; without `stored`, made from its text.  False on ENOMEM. */
static bool alt_literals(struct split_alt *a, const char **stored)
{
	char *copy;
	int rc;

	if (*stored) {
		const char *e = strchr(*stored, '\x1e');
		size_t len = e ? (size_t)(e - *stored) : strlen(*stored);

		a->lits = (lit_iter){ NULL, len ? *stored : NULL, *stored + len };
		*stored += len + (e ? 1 : 0);
		return true;
	}
	if (!(copy = bw_strndup(a->text, a->len)))
		return false;
	rc = bw_rules__literals(copy, &a->made);
	free(copy);
	a->lits = (lit_iter){ a->made, NULL, NULL };
	return rc >= 0;
}

/* The alternatives of `text` ready to match, or &no_split (too few, not
 * separable, or out of memory: the pattern is then matched whole).
 * `stored`: their literals as the rule compiler stored them, or NULL;
 * `rule_lits`: the rule's own, the strings of its prefilter `rule_pf`
 * (NULL for none; same_literals()). */
static struct bw_split *split_new(const char *text, const char *stored, lit_iter rule_lits,
                                  const struct bw_prefilter *rule_pf)
{
	struct bw_split *sp;
	size_t *at = NULL;
	int n = bw_rules__alternative_spans(text, &at);
	size_t k, n_stored = 1;
	const char *c;

	/* the literals the rule compiler stored, when they are for as many
	 * alternatives */
	for (c = stored; c && (c = strchr(c, '\x1e')); c++)
		n_stored++;
	if (stored && n_stored != (size_t)n)
		stored = NULL;

	if (n < SPLIT_MIN || !(sp = calloc(1, sizeof(*sp)))) {
		free(at);
		return &no_split;
	}
	if (!(sp->alt = calloc((size_t)n, sizeof(*sp->alt)))) {
		free(sp);
		free(at);
		return &no_split;
	}
	sp->n = (size_t)n;
	for (k = 0; k < sp->n; k++) {
		struct split_alt *a = &sp->alt[k];

		a->text = text + at[2 * k];
		a->len = at[2 * k + 1];
		bw_rules__lazy_init(&a->code);
		if (!alt_literals(a, &stored)) {
			free(at);
			split_free(sp);
			return &no_split;
		}
		a->always = no_usable_literal(a->lits);
	}
	free(at);
	sp->pf = rule_pf;
	sp->same_literals = rule_pf && same_literals(sp->alt, sp->n, rule_lits) &&
	                    strings_to_alts(sp);
	for (k = 0; !sp->same_literals && k < sp->n; k++)
		if (!sp->alt[k].always)
			sp->alt[k].pf = prefilter_new(sp->alt[k].lits);
	return sp;
}

/* The split of `text` in *slot, made the first time it is asked for
 * (threads that race each make one, one copy is published, the others are
 * freed); split_new()'s arguments. */
static const struct bw_split *split_in(_Atomic(struct bw_split *) *slot, const char *text,
                                       const char *stored, lit_iter rule_lits,
                                       const struct bw_prefilter *rule_pf)
{
	struct bw_split *sp = atomic_load_explicit(slot, memory_order_acquire), *none = NULL;

	if (sp)
		return sp;
	sp = split_new(text, stored, rule_lits, rule_pf);
	if (!atomic_compare_exchange_strong_explicit(slot, &none, sp, memory_order_acq_rel,
	                                             memory_order_acquire)) {
		split_free(sp);
		sp = none;
	}
	return sp;
}

static const struct bw_split *split_for(const struct bw_rule *r)
{
	struct bw_rule *w = (struct bw_rule *)r;
	const struct bw_split *sp = atomic_load_explicit(&w->split, memory_order_acquire);

	if (sp)
		return sp;
	return split_in(&w->split, r->src->text, r->src->alt_literals, lits_of(r),
	                r->has_pf ? pf_for(r) : NULL);
}

/* The match data a match starts with: room for this many groups (it
 * grows for a pattern with more, run_code()). */
#define MATCH_PAIRS 32

/* pcre2_match() of `code` on diag[0..dlen) from `off`, the match in *mdp,
 * made larger first when the pattern has more groups than it has room
 * for.  (Sized by the patterns that run rather than by a bound over all
 * of them: counting the groups of every pattern at open read 850 KB of
 * patterns.)  A larger ovector than the pattern needs gives the same
 * result. */
static int run_code(const bw_rules *rules, const pcre2_code *code, const char *diag,
                    size_t dlen, size_t off, pcre2_match_data **mdp)
{
	uint32_t groups = 0;

	if (code && pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &groups) == 0 &&
	    pcre2_get_ovector_count(*mdp) < groups + 1) {
		pcre2_match_data *larger = pcre2_match_data_create(groups + 1, NULL);

		if (!larger)
			return PCRE2_ERROR_NOMEMORY;
		pcre2_match_data_free(*mdp);
		*mdp = larger;
	}
	return pcre2_match(code, (PCRE2_SPTR)diag, dlen, off, 0, *mdp, rules->mctx);
}

int bw_rules__run_code(const bw_rules *rules, const pcre2_code *code, const char *diag,
                       size_t dlen, size_t off, pcre2_match_data **mdp)
{
	return run_code(rules, code, diag, dlen, off, mdp);
}

/* May alternative k of sp match the text of ts?  When it is always
 * tried, or one of its strings passes: in the rule's prefilter
 * (same_literals), else in its own. */
static bool alt_may(const struct bw_split *sp, size_t k, const triples *ts)
{
	const struct split_alt *a = &sp->alt[k];
	size_t j;

	if (a->always)
		return true;
	if (!sp->same_literals)
		return !a->pf || prefilter_pass(a->pf, ts);
	for (j = a->lit_from; j < a->lit_to; j++)
		if (alt_pass(sp->pf, j, ts))
			return true;
	return false;
}

/* The first alternative of sp after `after` (SIZE_MAX: from the first)
 * that may match (alt_may()), or sp->n, read from marks when they are
 * valid for it (rule_prefilter_pass(): then only the strings that passed
 * are visited). */
static size_t next_may(const struct bw_split *sp, size_t after, const alt_marks *marks,
                       const triples *ts)
{
	size_t k = after == SIZE_MAX ? 0 : after + 1, j, w;

	if (!marks || !marks->valid || !sp->same_literals) {
		for (; k < sp->n; k++)
			if (alt_may(sp, k, ts))
				return k;
		return sp->n;
	}
	if (k >= sp->n)
		return sp->n;
	j = sp->alt[k].lit_from;
	for (w = j >> 6; w < (sp->n_lits + 63) / 64; w++) {
		uint64_t x = marks->w[w] | sp->always[w];

		if (w == j >> 6)
			x &= ~(uint64_t)0 << (j & 63);
		if (x)
			return sp->alt_of[w * 64 + (size_t)__builtin_ctzll(x)];
	}
	return sp->n;
}

/* pcre2_match() of the pattern split into sp on diag[0..dlen) from `off`,
 * an alternative at a time (ts: the prefilters' text and its triples;
 * marks: what rule_prefilter_pass() found on it, or NULL), the match in
 * *mdp (run_code()). */
static int split_match(const bw_rules *rules, const struct bw_split *sp, const char *diag,
                       size_t dlen, size_t off, const triples *ts, const alt_marks *marks,
                       pcre2_match_data **mdp)
{
	size_t k, won = 0, last = 0, best = SIZE_MAX;
	int rc, won_rc = PCRE2_ERROR_NOMATCH, fail = PCRE2_ERROR_NOMATCH;

	for (k = next_may(sp, SIZE_MAX, marks, ts); k < sp->n; k = next_may(sp, k, marks, ts)) {
		struct split_alt *a = &sp->alt[k];

		rc = run_code(rules, code_of(rules, a->text, a->len, &a->code), diag, dlen, off,
		              mdp);
		last = k;
		if (rc < 0) {
			if (rc != PCRE2_ERROR_NOMATCH)
				fail = rc;
			continue;
		}
		if (pcre2_get_ovector_pointer(*mdp)[0] < best) {
			best = pcre2_get_ovector_pointer(*mdp)[0];
			won = k;
			won_rc = rc;
			if (best == off)
				break;  /* no later alternative can start before */
		}
	}
	if (best == SIZE_MAX)
		return fail;
	if (won != last) {
		struct split_alt *a = &sp->alt[won];

		won_rc = run_code(rules, code_of(rules, a->text, a->len, &a->code), diag, dlen, off,
		                  mdp);
	}
	return won_rc;
}

/* pcre2_match() of `r`'s pattern on diag[0..dlen) from `off` (ts: the
 * prefilters' text and its triples; marks: what rule_prefilter_pass()
 * found on it, or NULL), the match in *mdp (run_code()). */
static int rule_match(const bw_rules *rules, const struct bw_rule *r, const char *diag,
                      size_t dlen, size_t off, const triples *ts, const alt_marks *marks,
                      pcre2_match_data **mdp)
{
	const struct bw_split *sp = split_for(r);

	if (sp == &no_split && r->guard_text) {
		struct bw_rule *w = (struct bw_rule *)r;   /* the lazy code only */

		return bw_rules__guarded_match(rules, code_for(rules, r),
		                               bw_rules__code_of(rules, r->guard_text, &w->guard),
		                               diag, dlen, off, mdp);
	}
	if (sp == &no_split)
		return run_code(rules, code_for(rules, r), diag, dlen, off, mdp);
	return split_match(rules, sp, diag, dlen, off, ts, marks, mdp);
}

/* rule_match() from the start of a rule (rules->rules[i]) that matched
 * before, for that match again: its marks made anew (hits: what
 * candidates() found, or NULL), so that its split reads them rather than
 * testing every alternative's strings. */
static int rematch(const bw_rules *rules, size_t i, const char *diag, size_t dlen,
                   const triples *ts, const pf_hits *hits, pcre2_match_data **mdp)
{
	const struct bw_rule *r = &rules->rules[i];
	alt_marks marks, *mp = NULL;

	if (r->has_pf && rule_prefilter_pass(r, i, ts, hits, &marks))
		mp = &marks;
	return rule_match(rules, r, diag, dlen, 0, ts, mp, mdp);
}

/* Folds the letters of cased scripts in the text of ts (lower-cased, with
 * a byte >= 0x80) as rules_prefilter.c writes them in literals
 * (bw_casefold__text()), into buf (room for `size` bytes) or, for a
 * longer text, a copy malloc'd into *owned, and makes ts that text's
 * triples; its eight_bit stays what it was.  False on ENOMEM (ts
 * unchanged). */
static bool fold_prefilter_text(triples *ts, char *buf, size_t size, char **owned)
{
	bool eight_bit = ts->eight_bit;
	char *out = ts->len < size ? buf : (*owned = malloc(ts->len + 1));
	size_t len;

	if (!out)
		return false;
	len = bw_casefold__text(ts->text, ts->len, out);
	out[len] = '\0';
	triples_build(ts, out, len);
	ts->eight_bit = eight_bit;
	return true;
}

int bw_rules__find(const bw_rules *rules, const char *pattern, struct bw_lazy_code *lc,
                   _Atomic(struct bw_split *) *slot, const char *text, size_t len,
                   pcre2_match_data **mdp)
{
	static const lit_iter none = { NULL, NULL, NULL };
	const struct bw_split *sp = split_in(slot, pattern, NULL, none, NULL);
	char lower_buf[2048], fold_buf[2048], *lower, *folded = NULL;
	triples ts;
	size_t i;
	int rc;

	if (sp == &no_split)
		return run_code(rules, bw_rules__code_of(rules, pattern, lc), text, len, 0, mdp);
	lower = len < sizeof(lower_buf) ? lower_buf : malloc(len + 1);
	if (!lower)
		return PCRE2_ERROR_NOMEMORY;
	for (i = 0; i < len; i++)
		lower[i] = (char)bw_lower((unsigned char)text[i]);
	lower[len] = '\0';
	triples_build(&ts, lower, len);
	if (ts.eight_bit && !fold_prefilter_text(&ts, fold_buf, sizeof(fold_buf), &folded))
		rc = PCRE2_ERROR_NOMEMORY;
	else
		rc = split_match(rules, sp, text, len, 0, &ts, NULL, mdp);
	free(folded);
	if (lower != lower_buf)
		free(lower);
	return rc;
}

/* Whether the non-text conditions of `r` hold. */
static bool rule_applies(const struct bw_rule *r, const bw_match_input *in,
                         const bw_rset_provider *prov)
{
	const bw_rset_rule *s = r->src;

	if (s->provider && (!prov || strcmp(prov->id, s->provider) != 0))
		return false;
	if (s->status && !in_list(s->status, in->status))
		return false;
	if (s->reply && !in_list(s->reply, in->reply_code))
		return false;
	if (s->command && !command_in(s->command, in->smtp_command))
		return false;
	if (s->format && !in_list(s->format, in->format))
		return false;
	if (s->action && !in_list(s->action, in->action))
		return false;
	return true;
}

/* Most times one cue rule counts in one text (a reply that repeats a word
 * is not more certain of it). */
#define LEXICON_MAX_HITS 2


/* ---- links ------------------------------------------------------------ */

/* Where the link that starts at text[i] ("http://", "https://" or "www."
 * at the start of a word) ends, or i when none starts there.  A link runs
 * to white space, a quote or a bracket; trailing punctuation is the
 * sentence's. */
static size_t link_end(const char *text, size_t len, size_t i)
{
	size_t e;

	if (i > 0 && (bw_isalnum((unsigned char)text[i - 1]) || text[i - 1] == '.' ||
	              text[i - 1] == '/' || text[i - 1] == '@'))
		return i;
	/* text is terminated: the prefix tests stop at its end */
	if (!(BW_HAS_PREFIX_CI(text + i, "http://") || BW_HAS_PREFIX_CI(text + i, "https://") ||
	      BW_HAS_PREFIX_CI(text + i, "www.")))
		return i;
	for (e = i; e < len && !bw_isspace((unsigned char)text[e]) && !strchr("<>\"'()[]{}", text[e]);
	     e++)
		;
	while (e > i && strchr(".,;:!?", text[e - 1]))
		e--;
	return e;
}

/* The paths of a reply's links: help pages and delisting forms, whose words
 * ("/blocklist-removal", "/help/dmarc") name whatever the page is about, not
 * the cause of this refusal (the host before them may name a block list
 * service and is not part of it).  At most LINKS_MAX are kept. */
#define LINKS_MAX 8
typedef struct { size_t n; size_t b[LINKS_MAX], e[LINKS_MAX]; } links;

static void links_find(links *l, const char *text, size_t len)
{
	size_t i = 0, e;

	l->n = 0;
	while (i < len && l->n < LINKS_MAX) {
		if ((text[i] | 0x20) != 'h' && (text[i] | 0x20) != 'w') {
			i++;
			continue;
		}
		e = link_end(text, len, i);
		if (e == i) {
			i++;
			continue;
		}
		/* the host stays: it may name a block list service */
		if ((text[i] | 0x20) == 'h')
			i += BW_LITERAL_LEN("http://") + ((text[i + 4] | 0x20) == 's');
		while (i < e && text[i] != '/' && text[i] != '?' && text[i] != '#')
			i++;
		if (i < e) {
			l->b[l->n] = i;
			l->e[l->n++] = e;
		}
		i = e;
	}
}

static bool in_link(const links *l, size_t off)
{
	size_t k;

	for (k = 0; k < l->n; k++)
		if (off >= l->b[k] && off < l->e[k])
			return true;
	return false;
}

static bool host_char(unsigned char c)
{
	return bw_isalnum(c) || c == '.' || c == '-' || c == '_' || c == '@' || c == '%' || c == '+';
}

/* Overwrites the letters and digits of text[b..e) with '_' in *out, a copy
 * of text[0..len) made on first use.  False when the copy could not be
 * made (*out is then NULL; the parse reports it). */
static bool blank_span(char **out, const char *text, size_t len, size_t b, size_t e)
{
	size_t j;

	if (!*out) {
		if (!(*out = malloc(len + 1))) {
			bw_error__oom();
			return false;
		}
		memcpy(*out, text, len);
		(*out)[len] = '\0';
	}
	for (j = b; j < e; j++)
		if (bw_isalnum((unsigned char)text[j]))
			(*out)[j] = '_';
	return true;
}

/* A letter, digit, '_' or '-': a character of a field's name. */
static bool field_char(unsigned char c)
{
	return bw_isalnum(c) || c == '_' || c == '-';
}

/* The names of a mail log's transport fields (Postfix, Sendmail, Exim's
 * key=value lines): "relay=" is no request to relay.  Fields that carry a
 * cause in their own names ("reason=", "p=reject", "spamscore=") stay. */
static bool log_field(const char *w, size_t n)
{
	static const char *const fields[] = {
		"relay", "delay", "delays", "dsn", "mailer", "pri", "ctladdr", "conn_use", "proto",
		"nrcpt", "nrcpts", "size", "msgid", "orig_to", "daemon", "class", "tls", "xdelay",
	};
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (bw_word_is_ci(w, n, fields[i]))
			return true;
	return false;
}

/*
 * The text with every address and host name ("kim@example.org",
 * "relay.example.invalid") overwritten by '_' (a word character, so that no
 * cue matches inside one): a cue names the cause in words, not in the
 * labels of a name ("invalid", "relay", "spam").  A run of name characters
 * is a name when it has an '@', or dots between labels ending in an
 * alphabetic label of two letters or more (not "5.7.1", not "e.g.").
 * So are the paths of its links `l` (links_find() of the same text), and
 * the names of fields ("relay=" of a log, "\"event\":" of JSON).
 * Returns NULL (nothing to hide, or no memory: the text is used as it is)
 * or a copy of `len` bytes for the caller to free.
 */
static char *mask_names(const char *text, size_t len, const links *l)
{
	char *out = NULL;
	size_t i = 0, k;

	/* a link's path is no cue either ("/help/blocklist-removal"; its host
	 * is a name, below) */
	for (k = 0; k < l->n; k++)
		if (!blank_span(&out, text, len, l->b[k], l->e[k]))
			return NULL;

	/* the names of a record's fields are no cue either: "relay=" of a
	 * log line, "\"bounceType\":" of a JSON record */
	for (i = 0; i < len; i++) {
		size_t b = i, e;

		if (!bw_isalpha((unsigned char)text[i]) || (i && field_char((unsigned char)text[i - 1])))
			continue;
		for (e = i; e < len && field_char((unsigned char)text[e]); e++)
			;
		i = e;
		if (!(e < len && text[e] == '=' && log_field(text + b, e - b)) &&
		    !(b && text[b - 1] == '"' && e + 1 < len && text[e] == '"' && text[e + 1] == ':'))
			continue;
		if (!blank_span(&out, text, len, b, e))
			return NULL;
	}
	i = 0;
	while (i < len) {
		size_t b = i, e, last;
		bool at = false, dot = false, alpha_tld = true;

		if (!host_char((unsigned char)text[i])) {
			i++;
			continue;
		}
		while (i < len && host_char((unsigned char)text[i]))
			i++;
		e = i;
		while (e > b && (text[e - 1] == '.' || text[e - 1] == '-'))
			e--;
		for (k = b; k < e; k++) {
			if (text[k] == '@')
				at = true;
			else if (text[k] == '.' && k > b && bw_isalnum((unsigned char)text[k - 1]) &&
			         k + 1 < e && bw_isalnum((unsigned char)text[k + 1]))
				dot = true;
		}
		last = e;
		while (last > b && text[last - 1] != '.' && text[last - 1] != '@')
			last--;
		if (e - last < 2)
			alpha_tld = false;
		for (k = last; k < e && alpha_tld; k++)
			if (!bw_isalpha((unsigned char)text[k]))
				alpha_tld = false;
		if (!at && !(dot && alpha_tld))
			continue;
		if (!blank_span(&out, text, len, b, e))
			return NULL;
	}
	return out;
}

/* The prefilters' text and triples for text[0..len), a copy of the text
 * of ts with names masked (mask_names()), into *out: lower-cased, folded
 * as ts's text is (fold_prefilter_text()), in buf (room for `size` bytes)
 * or a copy malloc'd into *owned; eight_bit as in ts.  False on ENOMEM. */
static bool masked_text_of(const char *text, size_t len, const triples *ts, triples *out,
                           char *buf, size_t size, char **owned)
{
	char *lower = len < size ? buf : (*owned = malloc(len + 1));
	size_t i;

	if (!lower)
		return false;
	for (i = 0; i < len; i++)
		lower[i] = (char)bw_lower((unsigned char)text[i]);
	lower[len] = '\0';
	if (ts->eight_bit)
		lower[len = bw_casefold__text(lower, len, lower)] = '\0';
	triples_build(out, lower, len);
	out->eight_bit = ts->eight_bit;
	return true;
}

/* One lexicon rule's cue matches in a reply: where each is, and the points
 * they are worth once the ones another cause's longer cue covers are gone.
 * A frame's match runs from its first part to its last, subject and state
 * in either order; sb..se and tb..te are its subject and its state (a
 * cue's state is the whole match, its subject empty). */
struct lexicon_hit {
	const struct bw_rule *r;
	int hits, points;
	size_t at[LEXICON_MAX_HITS], end[LEXICON_MAX_HITS];   /* end[hits - 1]: the last */
	size_t sb[LEXICON_MAX_HITS], se[LEXICON_MAX_HITS];
	size_t tb[LEXICON_MAX_HITS], te[LEXICON_MAX_HITS];
};

/* Whether [b, e) lies inside [ib, ie) and is not all of it (strict) or
 * may be all of it. */
static bool span_in(size_t b, size_t e, size_t ib, size_t ie, bool strict)
{
	return ib <= b && ie >= e && (!strict || ie - ib > e - b);
}

/* Whether [b, e) and [ob, oe) share a byte. */
static bool spans_meet(size_t b, size_t e, size_t ob, size_t oe)
{
	return b < oe && e > ob;
}

/* The words between a frame's subject and its state, in bytes. */
static size_t frame_gap(const struct lexicon_hit *h, int k)
{
	return h->sb[k] < h->tb[k] ? h->tb[k] - h->se[k] : h->sb[k] - h->te[k];
}

/* Whether match k of hit i is part of match m of hit j, a rule with
 * another reason.  A cue inside a longer cue is part of that phrase
 * ("закончилось место" in "у адресата закончилось место"); for a frame j
 * only its subject and its state are phrases (the words between are not
 * read), and a cue that is one of them, or runs from one into the other,
 * is part of the frame ("no space left" of "the spool has no space left").
 * Of two frames that say the same state of different subjects, the one
 * whose subject is nearer is read ("recipient domain nonexistent" says it
 * of the domain). */
static bool part_of(const struct lexicon_hit *hi, int k, const struct lexicon_hit *hj, int m)
{
	size_t b = hi->at[k], e = hi->end[k];

	if (hi->r->frame && hj->r->frame)
		return spans_meet(hi->tb[k], hi->te[k], hj->tb[m], hj->te[m]) &&
		       frame_gap(hj, m) < frame_gap(hi, k);
	if (!hj->r->frame)
		return span_in(b, e, hj->at[m], hj->end[m], true);
	if (!span_in(b, e, hj->at[m], hj->end[m], false))
		return false;
	return spans_meet(b, e, hj->sb[m], hj->se[m]) || spans_meet(b, e, hj->tb[m], hj->te[m]);
}

/* Which of h[i]'s matches stand on their own, as bits (bit k for match k),
 * in three passes over the hits.  FRAMES_NEAR: a frame's match that another
 * reason's frame reads with a nearer subject does not (part_of()).  CUES: a
 * cue's match that is part of a longer cue of another reason, or of a
 * standing frame's subject or state, does not.  FRAMES: a frame's match
 * stands when it stood in the first pass and no standing cue of its own
 * reason says its state (the cue counts it).  alive: the bits of every hit
 * so far. */
enum { FRAMES_NEAR, CUES, FRAMES };

static unsigned standing(const struct lexicon_hit *h, size_t n, size_t i, const unsigned *alive,
                         int pass)
{
	int k, m;
	size_t j;
	unsigned out = 0;

	for (k = 0; k < h[i].hits; k++) {
		bool inside = pass == FRAMES && !(alive[i] >> k & 1u);

		for (j = 0; j < n && !inside; j++) {
			bool same;

			if (j == i || (pass == FRAMES_NEAR && !h[j].r->frame) ||
			    (pass == FRAMES && h[j].r->frame))
				continue;
			same = strcmp(h[j].r->src->reason, h[i].r->src->reason) == 0;
			for (m = 0; m < h[j].hits && !inside; m++) {
				if (pass == FRAMES)
					inside = same && (alive[j] >> m & 1u) &&
					         spans_meet(h[j].at[m], h[j].end[m], h[i].tb[k], h[i].te[k]);
				else if (!same && (pass == FRAMES_NEAR || !h[j].r->frame ||
				                   (alive[j] >> m & 1u)))
					inside = part_of(&h[i], k, &h[j], m);
			}
		}
		if (!inside)
			out |= 1u << k;
	}
	return out;
}

/*
 * The lexicon tier, rules[from..to): every cue rule whose conditions hold
 * and whose reason fits the enhanced status code adds weight x hits to its
 * reason.  The reason with the highest sum wins (ties: the one whose cue
 * comes last in the text, as the cause usually follows the wrapper); its
 * strongest rule is returned, with the winning sum in *score.  NULL when no
 * cue matched.  ts: the prefilters' text and its triples; cand and found:
 * what candidates() found for the text, or NULL; lk: the text's links.
 */
static const struct bw_rule *score_lexicon(const bw_rules *rules, size_t from, size_t to,
                                           const bw_match_input *in, const char *diag,
                                           size_t dlen, const triples *ts,
                                           const uint64_t *cand, const pf_hits *found,
                                           const links *lk, const bw_rset_provider *prov,
                                           pcre2_match_data **mdp, int *score, bool *matched)
{
	struct lexicon_hit best_rule[64];
	unsigned alive[64];
	const struct bw_rule *won = NULL;
	size_t n = 0, i, j, won_last = 0;
	int won_sum = 0;
	char *masked, masked_buf[2048], *masked_pf = NULL;
	triples masked_ts;

	if (!dlen)
		return NULL;
	masked = mask_names(diag, dlen, lk);
	if (masked) {
		diag = masked;
		/* the cues are looked for in the text with names masked, and
		 * so are their literals (one found there is in the text
		 * itself: a literal with a '_' is none, bw_rules__alt_strings();
		 * without the memory, in the text itself) */
		if (masked_text_of(diag, dlen, ts, &masked_ts, masked_buf, sizeof(masked_buf),
		                   &masked_pf))
			ts = &masked_ts;
	}
	for (i = from; i < to && n < sizeof(best_rule) / sizeof(best_rule[0]); i++) {
		const struct bw_rule *r = &rules->rules[i];
		PCRE2_SIZE off = 0, *ov;
		int hits = 0, rc;
		alt_marks marks;

		/* the candidate bit first (a rule with a prefilter has a text):
		 * it rules most of them out without reading the rule */
		if ((r->has_pf && cand && !((cand[i >> 6] >> (i & 63)) & 1)) || !r->src->text)
			continue;
		if (!rule_applies(r, in, prov) ||
		    !bw_reason__fits_status(r->src->reason, in->status) ||
		    !bw_reason__fits_stage(r->src->reason, in->smtp_command) ||
		    !bw_reason__fits_reply(r->src->reason, in->reply_code, in->status))
			continue;
		if (r->has_pf && !rule_prefilter_pass(r, i, ts, found, &marks))
			continue;
		while (hits < LEXICON_MAX_HITS && off <= dlen &&
		       (rc = rule_match(rules, r, diag, dlen, off, ts, r->has_pf ? &marks : NULL,
		                        mdp)) > 0) {
			struct lexicon_hit *h = &best_rule[n];

			ov = pcre2_get_ovector_pointer(*mdp);
			h->at[hits] = h->tb[hits] = ov[0];
			h->end[hits] = h->te[hits] = ov[1];
			h->sb[hits] = h->se[hits] = ov[0];
			if (r->frame && rc == 3) {          /* groups 1-2: subject, state */
				h->sb[hits] = ov[2];
				h->se[hits] = ov[3];
				h->tb[hits] = ov[4];
				h->te[hits] = ov[5];
			} else if (r->frame && rc == 5) {   /* groups 3-4: state, subject */
				h->tb[hits] = ov[6];
				h->te[hits] = ov[7];
				h->sb[hits] = ov[8];
				h->se[hits] = ov[9];
				h->end[hits] = ov[9];
			}
			hits++;
			off = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
		}
		if (!hits)
			continue;
		best_rule[n].r = r;
		best_rule[n].hits = hits;
		n++;
	}
	/* frames against frames, then cues, then frames again (which defer
	 * to a standing cue of their reason): standing() */
	for (i = 0; i < n; i++)
		alive[i] = best_rule[i].r->frame ? standing(best_rule, n, i, alive, FRAMES_NEAR)
		                                 : ~0u;
	for (i = 0; i < n; i++)
		if (!best_rule[i].r->frame)
			alive[i] = standing(best_rule, n, i, alive, CUES);
	for (i = 0; i < n; i++)
		if (best_rule[i].r->frame)
			alive[i] = standing(best_rule, n, i, alive, FRAMES);
	for (i = 0; i < n; i++)
		best_rule[i].points = __builtin_popcount(alive[i]) * best_rule[i].r->src->priority;
	for (i = 0; i < n; i++) {
		int sum = 0;
		size_t last = 0;
		const struct bw_rule *top = NULL;
		int top_points = 0;

		for (j = 0; j < n; j++) {
			if (strcmp(best_rule[j].r->src->reason, best_rule[i].r->src->reason) != 0)
				continue;
			sum += best_rule[j].points;
			if (best_rule[j].end[best_rule[j].hits - 1] > last)
				last = best_rule[j].end[best_rule[j].hits - 1];
			if (best_rule[j].points > top_points) {
				top_points = best_rule[j].points;
				top = best_rule[j].r;
			}
		}
		if (sum > won_sum || (sum == won_sum && last > won_last)) {
			won_sum = sum;
			won_last = last;
			won = top;
		}
	}
	*score = won_sum;
	if (won)  /* its first match, for the evidence */
		*matched = rematch(rules, (size_t)(won - rules->rules), diag, dlen, ts, found,
		                   mdp) >= 0;
	free(masked);
	free(masked_pf);
	return won;
}

static void set_provider(bw_match_result *res, const bw_rset_provider *p)
{
	res->provider = p ? p->name : NULL;
	res->provider_id = p ? p->id : NULL;
}

/* res->evidence with the text the pattern matched in place of the pattern
 * ('text "no such user"'), cut at MATCHED_MAX bytes with "...". */
#define MATCHED_MAX 200
static void matched_evidence(bw_match_result *res, const struct bw_rule *r, const char *diag,
                             pcre2_match_data *md)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	size_t at, text_len, n = ov[1] > ov[0] ? ov[1] - ov[0] : 0;
	const char *cut = "", *ev = bw_rules__evidence(r);

	if (!r->src->text || !n || !ev)
		return;
	evidence_text(r->src, &at, &text_len);
	if (n > MATCHED_MAX) {
		n = MATCHED_MAX;
		while (n > 0 && ((unsigned char)diag[ov[0] + n] & 0xC0) == 0x80)
			n--;
		cut = "...";
	}
	snprintf(res->evidence_buf, sizeof(res->evidence_buf), "%.*s\"%.*s%s\"%s", (int)at, ev,
	         (int)n, diag + ov[0], cut, ev + at + text_len);
	res->evidence = res->evidence_buf;
}

/* May section i of the negation vocabulary find a denied cause in the
 * reply (rules_negation.c)?  Only when it holds one of the section's
 * causes and one of its negating words. */
static bool may_deny(const bw_rules *rules, size_t i, const triples *ts)
{
	int k;

	for (k = 0; k < 2; k++)
		if (rules->neg[i].pf[k] && !prefilter_pass(rules->neg[i].pf[k], ts))
			return false;
	return ts->len > 0;
}

/* The first rule from `from` on that bw_rules__match() reads, or n_rules:
 * a candidate for the text (cand, candidates()) or one it reads whatever
 * the candidates (ix->visit); every rule when cand is NULL.  A word of
 * bits at a time: most rules are neither. */
static size_t next_rule(const bw_rules *rules, const struct bw_pf_index *ix, const uint64_t *cand,
                        size_t from)
{
	size_t w = from >> 6, words = (rules->n_rules + 63) / 64;
	uint64_t x;

	if (!cand || from >= rules->n_rules)
		return from;
	x = (cand[w] | ix->visit[w]) & (~(uint64_t)0 << (from & 63));
	while (!x) {
		if (++w == words)
			return rules->n_rules;
		x = cand[w] | ix->visit[w];
	}
	w = w * 64 + (size_t)__builtin_ctzll(x);
	return w < rules->n_rules ? w : rules->n_rules;
}

/* The lexicon's sum of weights that outranks a phrase found only in a
 * link's path: words that name the cause on their own (weight 3,
 * rules/lexicon/README.md).  A decisive status code outranks the link too.
 * Measured on the noisy-reply set (heldout65) and heldout23's "See
 * .../policy#RBL (policy block)". */
#define LINK_LEXICON_MIN 3

/* Fills res with the verdict of rule r (md: its text match, when it has a
 * text; lexicon_match: the lexicon's evidence is in md); *won_end: where
 * the text match ends. */
static void take(bw_match_result *res, const struct bw_rule *r, const bw_rset_provider *prov,
                 const char *reply, pcre2_match_data *md, bool lexicon_match, size_t *won_end)
{
	const bw_rset_rule *s = r->src;
	int score = res->lexicon_score;

	memset(res, 0, sizeof(*res));
	res->lexicon_score = r->tier == BW_TIER_LEXICON ? score : 0;
	res->tier = r->tier;
	res->rule_id = s->id;
	res->reason = s->reason;
	res->fault = s->fault;
	res->permanent = s->permanent;
	res->hard_bounce = s->hard;
	set_provider(res, prov);
	res->explanation = s->explain;
	res->remedies = (const char *const *)s->remedies.v;
	res->n_remedies = s->remedies.n;
	res->references = (const char *const *)s->refs.v;
	res->n_references = s->refs.n;
	res->evidence = bw_rules__evidence(r);
	if (s->text && r->tier != BW_TIER_LEXICON) {
		copy_capture(md, "code", res->provider_code, sizeof(res->provider_code));
		copy_capture(md, "tag", res->server_tag, sizeof(res->server_tag));
		if (!prov && res->provider_code[0] && r->file_provider)
			set_provider(res, r->file_provider);
		matched_evidence(res, r, reply, md);
		*won_end = pcre2_get_ovector_pointer(md)[1];
	} else if (lexicon_match) {
		matched_evidence(res, r, reply, md);
	}
}

/* bw_rules__match() on the diagnostic as given; *won_end: where the
 * deciding rule's text match ends in it, 0 when the verdict came from no
 * text match (a code, the lexicon, nothing). */
static int match_text(const bw_rules *rules, const bw_match_input *in, bw_match_result *res,
                      size_t *won_end)
{
	const bw_rset_provider *prov;
	pcre2_match_data *md = NULL;
	const char *diag, *reply, *limit_rule = NULL;
	char lower_buf[2048], fold_buf[2048], *lower, *masked, *folded = NULL;
	triples ts;
	uint64_t cand_buf[CAND_WORDS];
	const uint64_t *cand = NULL;
	const struct bw_pf_index *ix;
	pf_hits hits;
	links lk;
	size_t i, dlen, deferred = SIZE_MAX;
	int result = 0;
	bool lexicon_match = false;

	*won_end = 0;
	diag = in->diagnostic ? in->diagnostic : "";
	dlen = strlen(diag);
	/* The text lower-cased once, for the literal prefilter (and its
	 * triples, for the providers' marks first). */
	lower = dlen < sizeof(lower_buf) ? lower_buf : malloc(dlen + 1);
	if (!lower)
		return bw_error__set(BW_ENOMEM, "out of memory");
	for (i = 0; i < dlen; i++)
		lower[i] = (char)bw_lower((unsigned char)diag[i]);
	lower[dlen] = '\0';
	triples_build(&ts, lower, dlen);
	/* Only a remote server's own reply (it has a reply code) names the
	 * receiving provider; a sending service's notice names itself. */
	prov = provider_of(rules, in->remote_mta, in->recipient,
	                   in->reply_code && *in->reply_code ? diag : NULL, &ts);
	/* The rules read the reply respelled ("mail box" as "mailbox ") and
	 * without the causes it denies (blanked in both copies; the triples
	 * may keep a few of their bytes, which only lets a prefilter pass);
	 * evidence quotes the reply itself (same offsets). */
	if ((masked = bw_rules__respell(diag, dlen, NULL, lower)))
		triples_build(&ts, lower, dlen);
	reply = diag;
	for (i = 0; i < rules->n_neg; i++)
		if (may_deny(rules, i, &ts))
			masked = bw_rules__mask_negated(rules, i, reply, dlen, masked, lower);
	if (masked)
		diag = masked;
	/* the links of the text the rules read, once for the deferral below
	 * and the lexicon's masking */
	links_find(&lk, lower, dlen);
	/* a text with letters of other scripts than ASCII: the prefilters
	 * read it with them folded, as their literals are */
	if (ts.eight_bit && !fold_prefilter_text(&ts, fold_buf, sizeof(fold_buf), &folded)) {
		if (lower != lower_buf)
			free(lower);
		free(masked);
		return bw_error__set(BW_ENOMEM, "out of memory");
	}
	ix = index_for(rules);
	if (candidates(rules, ix, &ts, cand_buf, &hits))
		cand = cand_buf;
	for (i = next_rule(rules, ix, cand, 0); i < rules->n_rules; i = next_rule(rules, ix, cand, i + 1)) {
		const struct bw_rule *r = &rules->rules[i];
		const bw_rset_rule *s = r->src;
		alt_marks marks;
		int rc;

		if (r->tier == BW_TIER_LEXICON) {
			/* The whole lexicon tier is scored at once. */
			size_t end = i;
			const struct bw_rule *won;

			while (end < rules->n_rules && rules->rules[end].tier == BW_TIER_LEXICON)
				end++;
			if (!md && !(md = pcre2_match_data_create(MATCH_PAIRS + 1, NULL))) {
				result = bw_error__set(BW_ENOMEM, "out of memory");
				break;
			}
			won = score_lexicon(rules, i, end, in, diag, dlen, &ts, cand,
			                    cand ? &hits : NULL, &lk, prov, &md,
			                    &res->lexicon_score, &lexicon_match);
			i = end - 1;
			if (!won)
				continue;
			r = won;
			s = r->src;
		} else {
			/* next_rule() has left out the rules with a prefilter
			 * that the candidates rule out, without reading them */
			if (r->src->text && !dlen)
				continue;
			if (!rule_applies(r, in, prov))
				continue;
		}
		if (r->src->text && r->tier != BW_TIER_LEXICON) {
			if (!dlen || (r->has_pf && ((cand && !((cand[i >> 6] >> (i & 63)) & 1)) ||
			                            !rule_prefilter_pass(r, i, &ts, cand ? &hits : NULL,
			                                                 &marks))))
				continue;
			if (!md) {
				md = pcre2_match_data_create(MATCH_PAIRS + 1, NULL);
				if (!md) {
					result = bw_error__set(BW_ENOMEM, "out of memory");
					break;
				}
			}
			rc = rule_match(rules, r, diag, dlen, 0, &ts, r->has_pf ? &marks : NULL, &md);
			if (rc < 0) {  /* no match, or a limit hit: this rule does not apply */
				if (!limit_rule && rc != PCRE2_ERROR_NOMATCH && rc != PCRE2_ERROR_PARTIAL)
					limit_rule = s->id;   /* said in a warning (classify.c) */
				continue;
			}
			/* words found only in a link ("see .../faq/rbl-listed.html")
			 * wait: words of the reply itself at the same tier win */
			if (r->tier >= BW_TIER_TEXT && in_link(&lk, pcre2_get_ovector_pointer(md)[0])) {
				if (deferred == SIZE_MAX)
					deferred = i;
				continue;
			}
		}
		if (deferred != SIZE_MAX && r->tier > rules->rules[deferred].tier &&
		    (r->tier > BW_TIER_LEXICON ||
		     (r->tier == BW_TIER_LEXICON && res->lexicon_score < LINK_LEXICON_MIN))) {
			/* the reply's own words name no cause at least as
			 * plainly as a link's path: the link it is */
			r = &rules->rules[deferred];
			s = r->src;
			if (rematch(rules, deferred, diag, dlen, &ts, cand ? &hits : NULL, &md) < 0)
				break;	/* cannot happen: it matched above */
		}
		take(res, r, prov, reply, md, lexicon_match, won_end);
		result = 1;
		break;
	}
	if (result == 0 && deferred != SIZE_MAX && md &&
	    rematch(rules, deferred, diag, dlen, &ts, cand ? &hits : NULL, &md) >= 0) {
		take(res, &rules->rules[deferred], prov, reply, md, false, won_end);
		result = 1;
	}
	pcre2_match_data_free(md);
	if (lower != lower_buf)
		free(lower);
	free(folded);
	free(masked);
	if (result == 0) {
		res->rule_id = NULL;
		set_provider(res, prov);
	}
	if (result >= 0)
		res->limit_rule = limit_rule;
	return result;
}

/* The lexicon's sum of weights that lets a clause read on its own overrule
 * the head it stands behind: at least a strong hint (weight 2,
 * rules/lexicon/README.md).  Measured: 2 and 1 gave the same, 3 two rows
 * fewer on the wrapper set (heldout40). */
#define CLAUSE_LEXICON_MIN 2

int bw_rules__match(const bw_rules *rules, const bw_match_input *in, bw_match_result *res)
{
	bw_match_input clause_in;
	bw_match_result clause;
	size_t won_end, clause_end, at, len;
	int rc, rc2;

	if (!rules || !in || !res)
		return bw_error__set(BW_EINVALID, "bw_rules__match: NULL argument");
	rc = match_text(rules, in, res, &won_end);
	if (rc < 0 || !in->diagnostic)
		return rc;
	/* "Client host rejected: <cause>": when the verdict came from the
	 * head's own words, or from none, the clause after the head is read
	 * alone; a phrase rule found there (or, unless a status code decided,
	 * strong lexicon cues) names the cause the head only wraps. */
	len = strlen(in->diagnostic);
	/* a head ends after the words that decided (most heads with a colon
	 * or " - " there; RFC 5321's "Requested action not taken: mailbox
	 * unavailable" ends with its words, its colon before them) */
	if (won_end >= len)
		return rc;
	at = bw_rules__clause_start(rules, in->diagnostic, len);
	if (!at || (rc > 0 && won_end > at))
		return rc;
	clause_in = *in;
	clause_in.diagnostic = in->diagnostic + at;
	rc2 = match_text(rules, &clause_in, &clause, &clause_end);
	if (rc2 <= 0)
		return rc2 < 0 ? rc2 : rc;
	/* a head that names the greeting or the client ("Helo command
	 * rejected:", "Client host rejected:") gives its clause that subject:
	 * "the domain does not exist" there is the HELO name's, not a
	 * recipient's */
	if (rc > 0 && !bw_reason__fits_stage(clause.reason, bw_rules__head_stage(in->diagnostic, at)))
		return rc;
	/* the clause's own status code outranks a head's generic words
	 * ("Transport rule 'Leavers': ..." under 5.1.1) */
	if (!(clause.tier <= BW_TIER_TEXT ||
	      (clause.tier == BW_TIER_STATUS && rc > 0 && res->tier == BW_TIER_TEXT) ||
	      (clause.tier == BW_TIER_LEXICON && clause.lexicon_score >= CLAUSE_LEXICON_MIN &&
	       (rc == 0 || res->tier != BW_TIER_STATUS))))
		return rc;
	*res = clause;
	if (clause.evidence == clause.evidence_buf)
		res->evidence = res->evidence_buf;
	return rc2;
}
