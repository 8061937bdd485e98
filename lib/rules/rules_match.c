/*
 * rules_match.c - compiles the rule stack and finds the winning rule.
 *
 * Every `text` pattern is compiled once at open time with PCRE2_CASELESS,
 * PCRE2_UTF, PCRE2_UCP and PCRE2_MATCH_INVALID_UTF (a diagnostic that is not
 * valid UTF-8 is still matched), then JIT-compiled when the platform allows.
 * Matching only reads the bw_rules: the match data is created per call, and
 * the match context (limits) is shared read-only, so threads may match
 * against one bw_rules at once.
 */
#include <limits.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "rules_impl.h"
#include "rules_prefilter.h"
#include "../error.h"
#include "../util.h"

#define PATTERN_FLAGS (PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF)

/* Defaults when the options say 0: tight enough that one pathological
 * pattern cannot stall a parse, loose enough for any sane rule. */
#define DEFAULT_MATCH_LIMIT 1000000UL
#define DEFAULT_DEPTH_LIMIT 100000UL
#define DEFAULT_HEAP_LIMIT_KIB 65536UL

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

static bool host_char(int c)
{
	return bw_isalnum(c) || c == '-' || c == '.';
}

/* The provider a mark names: a whole word of the text (letters, digits,
 * '-' and '.' around it do not continue it), the longest mark winning. */
static const bw_rset_provider *by_mark(const bw_rules *rules, const char *text)
{
	const bw_rset_provider *best = NULL;
	size_t best_len = 0, tlen = strlen(text), i, j;

	for (i = 0; i < rules->n_prov; i++) {
		const bw_rstrv *l = &rules->prov[i]->marks;

		for (j = 0; j < l->n; j++) {
			size_t ml = strlen(l->v[j]), from = 0;
			const char *hit;

			if (ml <= best_len)
				continue;
			while (from < tlen && (hit = bw_memcasemem(text + from, tlen - from, l->v[j]))) {
				size_t off = (size_t)(hit - text);
				bool left = off == 0 || !bw_isalnum((unsigned char)text[off - 1]);
				bool right = off + ml == tlen || !bw_isalnum((unsigned char)text[off + ml]);

				if (left && right) {
					best = rules->prov[i];
					best_len = ml;
					break;
				}
				from = off + 1;
			}
		}
	}
	return best;
}

/* The provider whose host a URL ("https://support.example.com/...") or a
 * bracketed host name ("[mx.example.com]") of the text names. */
static const bw_rset_provider *by_named_host(const bw_rules *rules, const char *text)
{
	const char *p = text;

	while (*p) {
		const char *h = NULL, *e;

		if (p[0] == ':' && p[1] == '/' && p[2] == '/')
			h = p + 3;
		else if (p[0] == '[' && bw_isalpha((unsigned char)p[1]))
			h = p + 1;
		if (h) {
			char host[256];
			size_t n;
			const bw_rset_provider *found;

			for (e = h; host_char((unsigned char)*e); e++)
				;
			n = (size_t)(e - h);
			if (n && n < sizeof(host) && memchr(h, '.', n)) {
				memcpy(host, h, n);
				host[n] = '\0';
				if ((found = best_suffix(rules, host, 1)))
					return found;
			}
			p = e > p ? e : p + 1;
			continue;
		}
		p++;
	}
	return NULL;
}

const bw_rset_provider *bw_rules__provider(const bw_rules *rules, const char *remote_host,
                                           const char *recipient, const char *text)
{
	const bw_rset_provider *p = NULL;
	const char *at;

	if (remote_host && *remote_host)
		p = best_suffix(rules, remote_host, 1);
	if (!p && recipient && (at = strrchr(recipient, '@')))
		p = best_suffix(rules, at + 1, 0);
	if (!p && text && *text && !(p = by_mark(rules, text)))
		p = by_named_host(rules, text);
	return p;
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
		if (i == 1)
			bw_buf__printf(&b, "%stext /%s/", b.len ? "; " : "", vals[i]);
		else
			bw_buf__printf(&b, "%s%s %s", b.len ? "; " : "", keys[i], vals[i]);
	}
	return bw_buf__detach(&b);
}

int bw_rules__compile(bw_rules *rules, const bw_rules_options *opts)
{
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
	rules->max_pairs = 1;
	no_jit = getenv("BOUNCEWHY_NO_JIT") && *getenv("BOUNCEWHY_NO_JIT");
	for (i = 0; i < rules->n_rules; i++) {
		struct bw_rule *r = &rules->rules[i];
		const bw_rset_provider *p = bw_rules__provider_by_id(rules, r->src->provider);

		r->provider_name = p ? p->name : "";
		r->file_provider_name = NULL;
		if (!r->src->provider) {
			size_t k, found = 0;
			for (k = 0; k < rules->n_prov; k++)
				if (rules->prov[k]->file && strcmp(rules->prov[k]->file, r->src->file) == 0) {
					r->file_provider_name = rules->prov[k]->name;
					found++;
				}
			if (found != 1)
				r->file_provider_name = NULL;
		}
		r->evidence = make_evidence(r->src);
		if (!r->evidence)
			return bw_error__set(BW_ENOMEM, "out of memory");
		if (r->src->text) {
			PCRE2_UCHAR msg[200];
			PCRE2_SIZE off = 0;
			uint32_t pairs = 0;
			int err = 0;

			if (bw_rules__literals(r->src->text, &r->literals) < 0)
				return bw_error__set(BW_ENOMEM, "out of memory");
			r->re = compile_pattern(r->src->text, &err, &off);
			if (!r->re) {
				pcre2_get_error_message(err, msg, sizeof(msg));
				return bw_error__set(BW_ERULES,
					"%s:%u: rule %s: text: pattern does not compile at offset %zu: %s",
					r->src->file, r->src->line, r->src->id, (size_t)off, (char *)msg);
			}
			/* JIT unless BOUNCEWHY_NO_JIT is set (memory checkers such as
			 * valgrind cannot follow JIT code's wide reads); without JIT
			 * PCRE2 interprets the same pattern. */
			if (!no_jit)
				(void)pcre2_jit_compile(r->re, PCRE2_JIT_COMPLETE);
			pcre2_pattern_info(r->re, PCRE2_INFO_CAPTURECOUNT, &pairs);
			if (pairs + 1 > rules->max_pairs)
				rules->max_pairs = pairs + 1;
		}
	}
	return BW_OK;
}

void bw_rules__release_compiled(bw_rules *rules)
{
	size_t i;

	for (i = 0; i < rules->n_rules; i++) {
		pcre2_code_free(rules->rules[i].re);
		free(rules->rules[i].evidence);
		bw_rules__literals_free(rules->rules[i].literals);
	}
	pcre2_match_context_free(rules->mctx);
	rules->mctx = NULL;
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
			if (wl - 1 == vlen && bw_strncasecmp(value, p + 1, wl - 1) == 0)
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

static bool any_literal(const char *text, size_t len, char *const *lits)
{
	for (; *lits; lits++)
		if (memmem(text, len, *lits, strlen(*lits)))
			return true;
	return false;
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

/*
 * The lexicon tier, rules[from..to): every cue rule whose conditions hold
 * and whose reason fits the enhanced status code adds weight x hits to its
 * reason.  The reason with the highest sum wins (ties: the one whose cue
 * comes last in the text, as the cause usually follows the wrapper); its
 * strongest rule is returned, with the winning sum in *score.  NULL when no
 * cue matched.
 */
static const struct bw_rule *score_lexicon(const bw_rules *rules, size_t from, size_t to,
                                           const bw_match_input *in, const char *diag,
                                           size_t dlen, const char *lower,
                                           const bw_rset_provider *prov,
                                           pcre2_match_data *md, int *score)
{
	struct cand { const struct bw_rule *r; int points; size_t last; } best_rule[64];
	const struct bw_rule *won = NULL;
	size_t n = 0, i, j, won_last = 0;
	int won_sum = 0;

	if (!dlen)
		return NULL;
	for (i = from; i < to && n < sizeof(best_rule) / sizeof(best_rule[0]); i++) {
		const struct bw_rule *r = &rules->rules[i];
		PCRE2_SIZE off = 0, *ov;
		int hits = 0;
		size_t last = 0;

		if (!r->re || !rule_applies(r, in, prov) ||
		    !bw_reason__fits_status(r->src->reason, in->status) ||
		    !bw_reason__fits_stage(r->src->reason, in->smtp_command))
			continue;
		if (r->literals && !any_literal(lower, dlen, r->literals))
			continue;
		while (hits < LEXICON_MAX_HITS && off <= dlen &&
		       pcre2_match(r->re, (PCRE2_SPTR)diag, dlen, off, 0, md, rules->mctx) > 0) {
			ov = pcre2_get_ovector_pointer(md);
			hits++;
			last = ov[1];
			off = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
		}
		if (!hits)
			continue;
		best_rule[n].r = r;
		best_rule[n].points = hits * r->src->priority;
		best_rule[n].last = last;
		n++;
	}
	for (i = 0; i < n; i++) {
		int sum = 0;
		size_t last = 0;
		const struct bw_rule *top = NULL;
		int top_points = 0;

		for (j = 0; j < n; j++) {
			if (strcmp(best_rule[j].r->src->reason, best_rule[i].r->src->reason) != 0)
				continue;
			sum += best_rule[j].points;
			if (best_rule[j].last > last)
				last = best_rule[j].last;
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
	return won;
}

int bw_rules__match(const bw_rules *rules, const bw_match_input *in, bw_match_result *res)
{
	const bw_rset_provider *prov;
	pcre2_match_data *md = NULL;
	const char *diag;
	char lower_buf[2048], *lower;
	size_t i, dlen;
	int result = 0;

	if (!rules || !in || !res)
		return bw_error__set(BW_EINVALID, "bw_rules__match: NULL argument");
	diag = in->diagnostic ? in->diagnostic : "";
	/* Only a remote server's own reply (it has a reply code) names the
	 * receiving provider; a sending service's notice names itself. */
	prov = bw_rules__provider(rules, in->remote_mta, in->recipient,
	                          in->reply_code && *in->reply_code ? diag : NULL);
	dlen = strlen(diag);
	/* The text lower-cased once, for the literal prefilter. */
	lower = dlen < sizeof(lower_buf) ? lower_buf : malloc(dlen + 1);
	if (!lower)
		return bw_error__set(BW_ENOMEM, "out of memory");
	for (i = 0; i < dlen; i++)
		lower[i] = (char)bw_lower((unsigned char)diag[i]);
	lower[dlen] = '\0';
	for (i = 0; i < rules->n_rules; i++) {
		const struct bw_rule *r = &rules->rules[i];
		const bw_rset_rule *s = r->src;
		int rc;

		if (r->tier == BW_TIER_LEXICON) {
			/* The whole lexicon tier is scored at once. */
			size_t end = i;
			const struct bw_rule *won;

			while (end < rules->n_rules && rules->rules[end].tier == BW_TIER_LEXICON)
				end++;
			if (!md && !(md = pcre2_match_data_create(rules->max_pairs, NULL))) {
				result = bw_error__set(BW_ENOMEM, "out of memory");
				break;
			}
			won = score_lexicon(rules, i, end, in, diag, dlen, lower, prov, md,
			                    &res->lexicon_score);
			i = end - 1;
			if (!won)
				continue;
			r = won;
			s = r->src;
		} else {
			if (!rule_applies(r, in, prov))
				continue;
		}
		if (r->re && r->tier != BW_TIER_LEXICON) {
			if (!dlen || (r->literals && !any_literal(lower, dlen, r->literals)))
				continue;
			if (!md) {
				md = pcre2_match_data_create(rules->max_pairs, NULL);
				if (!md) {
					result = bw_error__set(BW_ENOMEM, "out of memory");
					break;
				}
			}
			rc = pcre2_match(r->re, (PCRE2_SPTR)diag, dlen, 0, 0, md, rules->mctx);
			if (rc < 0)  /* no match, or a limit hit: this rule does not apply */
				continue;
		}
		{
			int score = res->lexicon_score;

			memset(res, 0, sizeof(*res));
			res->lexicon_score = r->tier == BW_TIER_LEXICON ? score : 0;
		}
		res->tier = r->tier;
		res->rule_id = s->id;
		res->reason = s->reason;
		res->fault = s->fault;
		res->permanent = s->permanent;
		res->hard_bounce = s->hard;
		res->provider = prov ? prov->name : NULL;
		res->explanation = s->explain;
		res->remedies = (const char *const *)s->remedies.v;
		res->n_remedies = s->remedies.n;
		res->references = (const char *const *)s->refs.v;
		res->n_references = s->refs.n;
		res->evidence = r->evidence;
		if (r->re && r->tier != BW_TIER_LEXICON) {
			copy_capture(md, "code", res->provider_code, sizeof(res->provider_code));
			copy_capture(md, "tag", res->server_tag, sizeof(res->server_tag));
			if (!prov && res->provider_code[0] && r->file_provider_name)
				res->provider = r->file_provider_name;
		}
		result = 1;
		break;
	}
	pcre2_match_data_free(md);
	if (lower != lower_buf)
		free(lower);
	if (result == 0) {
		res->rule_id = NULL;
		res->provider = prov ? prov->name : NULL;
	}
	return result;
}
