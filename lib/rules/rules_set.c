/*
 * rules_set.c - building and validating a bw_rset (see rules_set.h).
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <string.h>

#include "rules_set.h"
#include "../error.h"
#include "../reason.h"
#include "../rules.h"
#include "../decoders/decoder.h"
#include "../smtp.h"
#include "../util.h"

int bw_rstrv__push(bw_rstrv *l, const char *s)
{
	char *copy;

	if (bw_grow((void **)&l->v, &l->cap, l->n, sizeof(*l->v), 4) < 0)
		return bw_error__set(BW_ENOMEM, "out of memory");
	copy = bw_strdup(s);
	if (!copy)
		return bw_error__set(BW_ENOMEM, "out of memory");
	l->v[l->n++] = copy;
	return BW_OK;
}

void bw_rstrv__clear(bw_rstrv *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

void bw_rset__free(bw_rset *s)
{
	size_t i;

	if (s->image) {
		/* strings and lists all point into the image (rules_db.c) */
		munmap(s->image, s->image_len);
		free(s->image_ptrs);
		free(s->prov);
		free(s->rule);
		free(s->shared);
		memset(s, 0, sizeof(*s));
		return;
	}
	for (i = 0; i < s->n_prov; i++) {
		bw_rset_provider *p = &s->prov[i];

		free(p->id); free(p->name); free(p->url); free(p->file);
		bw_rstrv__clear(&p->domains);
		bw_rstrv__clear(&p->hosts);
		bw_rstrv__clear(&p->marks);
	}
	for (i = 0; i < s->n_rule; i++) {
		bw_rset_rule *r = &s->rule[i];

		free(r->id); free(r->file);
		free(r->provider); free(r->text); free(r->status); free(r->reply);
		free(r->command); free(r->format); free(r->action);
		free(r->reason); free(r->fault); free(r->explain);
		bw_rstrv__clear(&r->remedies);
		bw_rstrv__clear(&r->refs);
		bw_rstrv__clear(&r->examples);
		free(r->advice);
		free(r->literals);
		free(r->alt_literals);
	}
	for (i = 0; i < s->n_shared; i++) {
		bw_rset_shared *x = &s->shared[i];

		free(x->id); free(x->file); free(x->text); free(x->words); free(x->explain);
		bw_rstrv__clear(&x->remedies);
		bw_rstrv__clear(&x->refs);
	}
	free(s->prov);
	free(s->rule);
	free(s->shared);
	memset(s, 0, sizeof(*s));
}

bw_rset_provider *bw_rset__add_provider(bw_rset *s)
{
	if (bw_grow((void **)&s->prov, &s->cap_prov, s->n_prov, sizeof(*s->prov), 8) < 0)
		return NULL;
	memset(&s->prov[s->n_prov], 0, sizeof(s->prov[0]));
	return &s->prov[s->n_prov++];
}

bw_rset_shared *bw_rset__add_shared(bw_rset *s)
{
	bw_rset_shared *x;

	if (bw_grow((void **)&s->shared, &s->cap_shared, s->n_shared, sizeof(*s->shared), 16) < 0)
		return NULL;
	x = &s->shared[s->n_shared++];
	memset(x, 0, sizeof(*x));
	return x;
}

bw_rset_rule *bw_rset__add_rule(bw_rset *s)
{
	bw_rset_rule *r;

	if (bw_grow((void **)&s->rule, &s->cap_rule, s->n_rule, sizeof(*s->rule), 32) < 0)
		return NULL;
	r = &s->rule[s->n_rule++];
	memset(r, 0, sizeof(*r));
	r->permanent = r->hard = -1;
	return r;
}

int bw_rset__tier(const bw_rset_rule *r)
{
	if (r->provider)
		return BW_TIER_PROVIDER;
	if (r->text)
		return BW_TIER_TEXT;
	if (r->status)
		return BW_TIER_STATUS;
	return BW_TIER_OTHER;
}

/* ---- lexicon cues ----------------------------------------------------- */

/* Whether a phrase that begins or ends with the byte sequence at `p` gets a
 * word boundary there: letters of alphabetic scripts do; ideographs, kana,
 * hangul and Thai or Lao (scripts written without spaces between words) do
 * not. */
static int bounded(const unsigned char *p)
{
	if (*p < 0x80)
		return bw_isalnum(*p);
	/* Thai and Lao: U+0E00-U+0EFF */
	if (p[0] == 0xE0 && p[1] >= 0xB8 && p[1] <= 0xBB)
		return 0;
	/* A lead byte below 0xE3 starts a code point below U+3000. */
	return *p < 0xE3;
}

/* Word edges for a cue that begins or ends with a letter outside ASCII.  A
 * combining mark (a Devanagari vowel sign, a Hebrew point) is part of its
 * word, but PCRE2's \w does not include it, so \b would find no edge after
 * a cue ending in one ("ब्लॉक सूची") and would find one inside a word before
 * a letter that follows a mark. */
#define OTHER_START "(?<![\\w\\p{M}])"
#define OTHER_END "(?![\\w\\p{M}])"
/* Word edges for a cue that begins or ends with an ASCII letter or digit:
 * no letter or digit of an alphabetic script next to it, but an
 * ideograph, kana or hangul may be ("KISA RBLに", "IP가 차단", "送信元IP"):
 * those scripts glue words together, and a Latin term inside them is
 * still a word. */
#define CJK "\\p{Han}\\p{Hiragana}\\p{Katakana}\\p{Hangul}"
#define ASCII_START "(?<![^\\W" CJK "])"
#define ASCII_END "(?![^\\W" CJK "])"

static const unsigned char *last_char(const unsigned char *b, const unsigned char *e)
{
	const unsigned char *p = e - 1;

	while (p > b && (*p & 0xC0) == 0x80)
		p--;
	return p;
}

/* One cue, b[0..e), as a pattern alternative into out (its '*' already
 * removed: star). */
static void put_cue(bw_buf *out, const char *b, const char *e, int star)
{
	const char *start = b;

	if (bounded((const unsigned char *)b))
		bw_buf__puts(out, *b & 0x80 ? OTHER_START : ASCII_START);
	for (; b < e; b++) {
		if (bw_isspace((unsigned char)*b)) {
			while (b + 1 < e && bw_isspace((unsigned char)b[1]))
				b++;
			bw_buf__puts(out, "\\s+");
		} else if (strchr("\\^$.[]|()?*+{}-#", *b)) {
			bw_buf__printf(out, "\\%c", *b);
		} else {
			bw_buf__printf(out, "%c", *b);
		}
	}
	if (star)
		bw_buf__puts(out, "\\w*");
	else if (bounded(last_char((const unsigned char *)start, (const unsigned char *)e))) {
		/* an English plural of the last word ("rate limit" reads "rate
		 * limits"): a cue ending in a lower-case ASCII letter other
		 * than s or y (whose plural is not one added s) */
		if (e[-1] >= 'a' && e[-1] <= 'z' && e[-1] != 's' && e[-1] != 'y')
			bw_buf__puts(out, "s?");
		bw_buf__puts(out, e[-1] & 0x80 ? OTHER_END : ASCII_END);
	}
}

/* The next phrase of a `cues` list at *p, trimmed, into [*b, *e); false
 * at the end of the list. */
static bool next_cue(const char **p, const char **b, const char **e)
{
	const char *q = *p;

	if (!*q)
		return false;
	*b = q;
	while (*q && *q != '|')
		q++;
	*e = q;
	*p = *q ? q + 1 : q;
	while (*b < *e && bw_isspace((unsigned char)**b))
		(*b)++;
	while (*e > *b && bw_isspace((unsigned char)(*e)[-1]))
		(*e)--;
	return true;
}

char *bw_rset__cues_pattern(const char *cues)
{
	bw_buf out = BW_BUF_INIT;
	const char *p = cues, *b, *e;
	int n = 0;

	bw_buf__puts(&out, "(?:");
	while (next_cue(&p, &b, &e)) {
		int star = 0, k;

		if (e > b && e[-1] == '*') {
			star = 1;
			e--;
		}
		if (e == b) {
			bw_buf__free(&out);
			return NULL;
		}
		/* the cue as written, then its plain spellings (umlauts as the
		 * vowel, then as the vowel and an e) when they differ: a cue
		 * is written once, with its marks, and the lexicon's patterns
		 * keep plain literals for the prefilter (rules_fold.c) */
		if (n++)
			bw_buf__puts(&out, "|");
		put_cue(&out, b, e, star);
		for (k = 0; k < 2; k++) {
			char *v;

			if (k && !bw_rset__has_umlaut(b, (size_t)(e - b)))
				break;
			if (!(v = bw_rset__plain_spelling(b, (size_t)(e - b), k))) {
				out.oom = true;
				break;
			}
			if (strlen(v) != (size_t)(e - b) || memcmp(v, b, (size_t)(e - b)) != 0) {
				bw_buf__puts(&out, "|");
				put_cue(&out, v, v + strlen(v), star);
			}
			free(v);
		}
	}
	bw_buf__puts(&out, ")");
	if (!n || out.oom) {
		bw_buf__free(&out);
		return NULL;
	}
	return bw_buf__detach(&out);
}

/* A frame's gap: up to FRAME_GAP words of the same clause between its
 * subject and its state (no '.', ';', ':', '!' or '?' ending a sentence or
 * a clause between them: a dot inside a word, as in a name or "5.7.1",
 * is part of the word). */
#define FRAME_GAP "8"
#define FRAME_SEP "[\\s,\"()\\[\\]/<>]+"
#define FRAME_WORD "(?:[^\\s.;:!?,\"()\\[\\]/<>]|\\.(?=[^\\s.]))+"
#define FRAME_BETWEEN "(?:" FRAME_SEP FRAME_WORD "){0," FRAME_GAP "}?" FRAME_SEP

/* A `|` list with its phrases longest first, for the caller to free (NULL
 * when the memory runs out): the first alternative that matches is taken,
 * and a frame's parts should be as long as the text allows. */
static char *longest_first(const char *list)
{
	const char *p = list, *b, *e, *cue[512];
	size_t len[512], n = 0, i, j;
	bw_buf out = BW_BUF_INIT;

	while (n < 512 && next_cue(&p, &b, &e)) {
		if (e == b)   /* an empty phrase: the list as written, for its error */
			return bw_strdup(list);
		for (i = n; i > 0 && len[i - 1] < (size_t)(e - b); i--) {
			cue[i] = cue[i - 1];
			len[i] = len[i - 1];
		}
		cue[i] = b;
		len[i] = (size_t)(e - b);
		n++;
	}
	for (j = 0; j < n; j++)
		bw_buf__printf(&out, "%s%.*s", j ? "|" : "", (int)len[j], cue[j]);
	if (*p)   /* more than 512: the rest as written */
		bw_buf__printf(&out, "|%s", p);
	return bw_buf__detach(&out);
}

char *bw_rset__frame_pattern(const char *subject, const char *state, bool either_order)
{
	char *ls = longest_first(subject), *lt = longest_first(state);
	char *s = ls ? bw_rset__cues_pattern(ls) : NULL, *t = lt ? bw_rset__cues_pattern(lt) : NULL;
	char *out = NULL;
	bw_buf b = BW_BUF_INIT;

	free(ls);
	free(lt);

	if (s && t) {
		/* groups 1 and 2: subject, state; 3 and 4: state, subject (in
		 * a lookahead: the match ends with the state, so the subject
		 * may start the next match's gap) */
		bw_buf__printf(&b, "(?:(%s)" FRAME_BETWEEN "(%s)", s, t);
		if (either_order)
			bw_buf__printf(&b, "|(%s)(?=" FRAME_BETWEEN "(%s))", t, s);
		bw_buf__puts(&b, ")");
		out = bw_buf__detach(&b);
	}
	free(s);
	free(t);
	return out;
}

bool bw_rset__is_frame(const char *text)
{
	return text && strncmp(text, "(?:((?:", 7) == 0 && strstr(text, FRAME_BETWEEN "((?:");
}

const char *bw_rset__cue_repeated(const char *cues, size_t *len)
{
	const char *p = cues, *b, *e;

	while (next_cue(&p, &b, &e)) {
		const char *q = p, *b2, *e2;

		while (next_cue(&q, &b2, &e2))
			if (e2 - b2 == e - b && e > b && bw_strncasecmp(b, b2, (size_t)(e - b)) == 0) {
				*len = (size_t)(e - b);
				return b;
			}
	}
	return NULL;
}

/* ---- value checks ---------------------------------------------------- */

static int is_word_in(const char *w, size_t len, const char *const *set)
{
	for (; *set; set++)
		if (strlen(*set) == len && memcmp(*set, w, len) == 0)
			return 1;
	return 0;
}

/* "none" in a status, reply or command list: the evidence has no value. */
static int is_none(const char *w, size_t len)
{
	return len == 4 && bw_strncasecmp(w, "none", 4) == 0;
}

/* 5.1.1, 5.1.*, 5.* (smtp.c's grammar) */
static int status_word_ok(const char *w, size_t len)
{
	if (len > 1 && *w == '!')	/* "!5.7.27": any status but this one */
		w++, len--;
	return is_none(w, len) || bw_smtp__status_pattern_valid(w, len);
}

/* 550, 55*, 5*, or "!550" to exclude one */
static int reply_word_ok(const char *w, size_t len)
{
	if (len > 1 && *w == '!')
		w++, len--;
	return is_none(w, len) || bw_smtp__reply_pattern_valid(w, len);
}

/* CONN HELO MAIL RCPT DATA STARTTLS AUTH (smtp.c's stages) or NONE */
static int command_word_ok(const char *w, size_t len)
{
	return (len == 4 && memcmp(w, "NONE", 4) == 0) || bw_smtp__stage_known(w, len);
}

static int name_word_ok(const char *w, size_t len);

/* A decoder name, or "!name" to exclude one. */
static int format_word_ok(const char *w, size_t len)
{
	if (len && *w == '!') {
		w++;
		len--;
	}
	return name_word_ok(w, len) && bw_decoders__known_format(w, len);
}

static int name_word_ok(const char *w, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!bw_isalnum((unsigned char)w[i]) && w[i] != '-' && w[i] != '_' && w[i] != '.')
			return 0;
	return len > 0;
}

/* A mark: a name, or two joined by a ':' (AOL's "RTR:BB"), or the start
 * of one followed by '*' (a code's shape: "OFR*", "RTR:*"). */
static int mark_word_ok(const char *w, size_t len)
{
	const char *colon;
	size_t head;

	if (len > 1 && w[len - 1] == '*')
		len--;
	if (!(colon = memchr(w, ':', len)) || colon == w)
		return name_word_ok(w, len);
	head = (size_t)(colon - w);
	return name_word_ok(w, head) && (head + 1 == len || name_word_ok(colon + 1, len - head - 1));
}

static const char *const actions[] = {
	"failed", "delayed", "delivered", "relayed", "expanded", NULL
};

/* Applies `ok` to every space-separated word; NULL if all pass. */
static const char *check_words(const char *value, int (*ok)(const char *, size_t),
                               const char *const *set, const char *msg)
{
	const char *p = value;
	int any = 0;

	while (*p) {
		const char *e;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		e = p;
		while (*e && *e != ' ')
			e++;
		if (ok ? !ok(p, (size_t)(e - p)) : !is_word_in(p, (size_t)(e - p), set))
			return msg;
		any = 1;
		p = e;
	}
	return any ? NULL : "empty value";
}

/* One check per key (bw_rset__check_value()): the value is not NULL. */
typedef const char *(*value_check)(const char *value);

static const char *check_reason(const char *value)
{
	return bw_reason__known(value) ? NULL : "unknown reason (see the reason vocabulary)";
}

static const char *check_fault(const char *value)
{
	return (strcmp(value, "recipient") == 0 || strcmp(value, "sender") == 0 ||
	        strcmp(value, "receiver") == 0 || strcmp(value, "transit") == 0)
	       ? NULL : "fault must be recipient, sender, receiver or transit";
}

static const char *check_yes_no(const char *value)
{
	return (strcmp(value, "yes") == 0 || strcmp(value, "no") == 0)
	       ? NULL : "value must be yes or no";
}

static const char *check_weight(const char *value)
{
	return (value[0] >= '1' && value[0] <= '9' && !value[1])
	       ? NULL : "weight must be a digit from 1 to 9";
}

static const char *check_priority(const char *value)
{
	const char *p = value;

	if (*p == '-' || *p == '+')
		p++;
	if (!*p || strlen(p) > 6)
		return "priority must be an integer between -999999 and 999999";
	for (; *p; p++)
		if (!bw_isdigit((unsigned char)*p))
			return "priority must be an integer between -999999 and 999999";
	return NULL;
}

static const char *check_status(const char *value)
{
	return check_words(value, status_word_ok, NULL,
	                   "status must be codes like 5.1.1, 5.7.* or 4.*, or none, each optionally !code to exclude it");
}

static const char *check_reply(const char *value)
{
	return check_words(value, reply_word_ok, NULL,
	                   "reply must be codes like 550, 55* or 5*, or none, each optionally !code to exclude it");
}

static const char *check_command(const char *value)
{
	return check_words(value, command_word_ok, NULL,
	                   "command must be among CONN HELO MAIL RCPT DATA STARTTLS AUTH NONE");
}

/* A DSN action, or "!action" to exclude it. */
static int action_word_ok(const char *w, size_t len)
{
	if (len && *w == '!') {
		w++;
		len--;
	}
	return is_word_in(w, len, actions);
}

static const char *check_action(const char *value)
{
	return check_words(value, action_word_ok, NULL,
	                   "action must be among failed delayed delivered relayed expanded, "
	                   "each optionally !action to exclude it");
}

static const char *check_format(const char *value)
{
	return check_words(value, format_word_ok, NULL,
	                   "expected decoder names (see lib/decoders/registry.c) or reply, or !name to exclude one");
}

static const char *check_marks(const char *value)
{
	return check_words(value, mark_word_ok, NULL,
	                   "expected names made of letters, digits, '.', '-' and '_' (two joined by a ':'), "
	                   "each optionally ending in '*'");
}

static const char *check_names(const char *value)
{
	return check_words(value, name_word_ok, NULL,
	                   "expected names made of letters, digits, '.', '-' and '_'");
}

/* provider, id */
static const char *check_one_name(const char *value)
{
	return strchr(value, ' ') ? "one name expected" : check_names(value);
}

/* url, ref */
static const char *check_url(const char *value)
{
	return (BW_HAS_PREFIX(value, "https://") || BW_HAS_PREFIX(value, "http://"))
	       ? NULL : "expected an http:// or https:// URL";
}

static const char *check_other(const char *value)
{
	return *value ? NULL : "empty value";
}

static const struct {
	const char *key;
	value_check check;
} value_checks[] = {
	{ "reason", check_reason }, { "fault", check_fault },
	{ "permanent", check_yes_no }, { "hard", check_yes_no },
	{ "specific", check_yes_no }, { "generic", check_yes_no }, { "lexicon", check_yes_no }, { "patterns", check_yes_no },
	{ "weight", check_weight }, { "priority", check_priority },
	{ "status", check_status }, { "reply", check_reply },
	{ "command", check_command }, { "action", check_action },
	{ "provider", check_one_name }, { "id", check_one_name },
	{ "format", check_format }, { "marks", check_marks },
	{ "domains", check_names }, { "hosts", check_names },
	{ "url", check_url }, { "ref", check_url },
};

/* A value checked with `check`; "missing value" when there is none. */
static const char *checked(value_check check, const char *value)
{
	return value ? check(value) : "missing value";
}

const char *bw_rset__check_value(const char *key, const char *value)
{
	size_t i;

	for (i = 0; i < sizeof(value_checks) / sizeof(value_checks[0]); i++)
		if (strcmp(key, value_checks[i].key) == 0)
			return checked(value_checks[i].check, value);
	return checked(check_other, value);
}

/* ---- whole-set validation -------------------------------------------- */

static const bw_rset_provider *find_provider(const bw_rset *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->n_prov; i++)
		if (strcmp(s->prov[i].id, id) == 0)
			return &s->prov[i];
	return NULL;
}

static int rule_error(const bw_rset_rule *r, const char *key, const char *msg)
{
	return bw_error__set(BW_ERULES, "%s:%u: rule %s: %s%s%s", r->file, r->line,
	                     r->id, key ? key : "", key ? ": " : "", msg);
}

static int check_rule(const bw_rset *s, const bw_rset_rule *r,
                      const bw_rset *const *extra, size_t n_extra)
{
	/* each key's check called directly: every rule is validated when
	 * the rules are opened */
	static const char *const keys[] = {
		"provider", "status", "reply", "command", "format", "action", "fault",
	};
	static const value_check checks[] = {
		check_one_name, check_status, check_reply, check_command, check_format,
		check_action, check_fault,
	};
	const char *vals[] = {
		r->provider, r->status, r->reply, r->command, r->format, r->action, r->fault,
	};
	const char *msg;
	char buf[256];
	size_t i;

	if ((msg = checked(check_one_name, r->id)))
		return rule_error(r, "id", msg);
	if (!r->reason)
		return rule_error(r, NULL, "missing reason");
	if ((msg = check_reason(r->reason)))
		return bw_error__set(BW_ERULES, "%s:%u: rule %s: unknown reason '%s'",
		                     r->file, r->line, r->id, r->reason);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (vals[i] && (msg = checks[i](vals[i])))
			return rule_error(r, keys[i], msg);
	for (i = 0; i < r->refs.n; i++)
		if ((msg = checked(check_url, r->refs.v[i])))
			return rule_error(r, "ref", msg);
	if (!r->provider && !r->text && !r->status && !r->reply && !r->command &&
	    !r->format && !r->action)
		return rule_error(r, NULL, "a rule needs at least one condition");
	if (r->text && !s->patterns_compiled_later &&
	    (msg = bw_rset__pattern_error(r->text, buf, sizeof(buf))))
		return rule_error(r, "text", msg);
	if (r->provider && !find_provider(s, r->provider)) {
		for (i = 0; i < n_extra; i++)
			if (extra[i] && find_provider(extra[i], r->provider))
				break;
		if (i == n_extra)
			return bw_error__set(BW_ERULES, "%s:%u: rule %s: unknown provider '%s'",
			                     r->file, r->line, r->id, r->provider);
	}
	return BW_OK;
}

static int check_provider(const bw_rset_provider *p)
{
	const char *msg = NULL, *key = NULL;
	size_t i;

	if ((msg = checked(check_one_name, p->id)))
		key = "id";
	else if (!p->name || !*p->name)
		key = "name", msg = "missing name";
	else if (p->url && *p->url && (msg = check_url(p->url)))
		key = "url";
	for (i = 0; !msg && i < p->domains.n; i++)
		if ((msg = checked(check_names, p->domains.v[i])))
			key = "domains";
	for (i = 0; !msg && i < p->hosts.n; i++)
		if ((msg = checked(check_names, p->hosts.v[i])))
			key = "hosts";
	for (i = 0; !msg && i < p->marks.n; i++)
		if ((msg = checked(check_marks, p->marks.v[i])))
			key = "marks";
	if (msg)
		return bw_error__set(BW_ERULES, "%s:%u: provider %s: %s: %s",
		                     p->file, p->line, p->id, key, msg);
	return BW_OK;
}

static int cmp_str_ptr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Whether two of the n strings at `base` + k * `stride` (each a char *)
 * are equal, by sorting copies of the pointers: the validation below then
 * compares every pair only when the answer is yes (to name the first
 * duplicate as before), not for every set of 500 rules opened.  True when
 * unsure (a NULL id, no memory). */
static bool may_have_duplicates(const void *base, size_t n, size_t stride)
{
	const char **v;
	size_t i;
	bool dup = false;

	if (n < 2)
		return false;
	if (!(v = malloc(n * sizeof(*v))))
		return true;
	for (i = 0; i < n; i++)
		if (!(v[i] = *(const char *const *)((const char *)base + i * stride))) {
			free(v);
			return true;
		}
	qsort(v, n, sizeof(*v), cmp_str_ptr);
	for (i = 1; i < n && !dup; i++)
		dup = strcmp(v[i - 1], v[i]) == 0;
	free(v);
	return dup;
}

int bw_rset__validate(bw_rset *s, const bw_rset *const *extra, size_t n_extra)
{
	size_t i, j;
	int rc;
	bool dup_prov = may_have_duplicates(s->prov ? &s->prov[0].id : NULL, s->n_prov,
	                                    sizeof(*s->prov));
	bool dup_rule = may_have_duplicates(s->rule ? &s->rule[0].id : NULL, s->n_rule,
	                                    sizeof(*s->rule));

	for (i = 0; i < s->n_prov; i++) {
		if ((rc = check_provider(&s->prov[i])) < 0)
			return rc;
		for (j = 0; dup_prov && j < i; j++)
			if (strcmp(s->prov[i].id, s->prov[j].id) == 0)
				return bw_error__set(BW_ERULES,
					"%s:%u: provider %s is already defined at %s:%u",
					s->prov[i].file, s->prov[i].line, s->prov[i].id,
					s->prov[j].file, s->prov[j].line);
	}
	for (i = 0; i < s->n_rule; i++) {
		bw_rset_rule *r = &s->rule[i];

		if ((rc = check_rule(s, r, extra, n_extra)) < 0)
			return rc;
		for (j = 0; dup_rule && j < i; j++)
			if (strcmp(r->id, s->rule[j].id) == 0)
				return bw_error__set(BW_ERULES,
					"%s:%u: rule %s is already defined at %s:%u",
					r->file, r->line, r->id, s->rule[j].file, s->rule[j].line);
		/* A text rule stored as a provider, lexicon or generic rule
		 * (`specific`, `cues` or `generic` in its source) stays one; so
		 * does a status rule marked `generic` (a code class that names
		 * no cause, which the lexicon should overrule). */
		if (!(bw_rset__tier(r) == BW_TIER_TEXT &&
		      (r->tier == BW_TIER_PROVIDER || r->tier == BW_TIER_LEXICON ||
		       r->tier == BW_TIER_GENERIC)) &&
		    !(bw_rset__tier(r) == BW_TIER_STATUS && r->tier == BW_TIER_GENERIC))
			r->tier = bw_rset__tier(r);
		/* A provider's own wording counts as a provider rule even when it
		 * does not require the provider's host (its text is unique to
		 * it): a rule that captures a provider code, or that lives in a
		 * file defining a provider. */
		if (r->tier == BW_TIER_TEXT && strstr(r->text, "(?<code>"))
			r->tier = BW_TIER_PROVIDER;
		for (j = 0; r->tier == BW_TIER_TEXT && j < s->n_prov; j++)
			if (s->prov[j].file && r->file && strcmp(s->prov[j].file, r->file) == 0)
				r->tier = BW_TIER_PROVIDER;
	}
	return BW_OK;
}
