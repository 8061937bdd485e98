/*
 * rules_text.c - reads .rules text files into a bw_rset.
 *
 * The syntax is in doc/rules-format.md.  rules_syntax.c groups the lines
 * into sections of entries (key, value, line); here each section is applied
 * to a provider, a rule, shared advice or a fragment.  Every error names
 * file:line.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rules_set.h"
#include "rules_syntax.h"
#include "../error.h"
#include "../rules.h"
#include "../util.h"

static const char *const provider_keys[] = { "name", "domains", "hosts", "marks", "url", NULL };
static const char *const rule_keys[] = {
	"provider", "text", "status", "reply", "command", "format", "action",
	"reason", "fault", "permanent", "hard", "explain", "remedy", "ref",
	"example", "priority", "specific", "generic", "cues", "subject", "state", "order", "weight", "advice", NULL
};
static const char *const advice_keys[] = { "explain", "remedy", "ref", NULL };
static const char *const fragment_keys[] = { "text", NULL };
static const char *const synonym_keys[] = { "words", "also", "lexicon", "patterns", NULL };
static const char *const kind_names[] = { "provider", "rule", "advice", "fragment", "synonym", NULL };
enum { KIND_PROVIDER, KIND_RULE, KIND_ADVICE, KIND_FRAGMENT, KIND_SYNONYM };
static const char *const *const kind_keys[] = { provider_keys, rule_keys, advice_keys, fragment_keys,
                                                synonym_keys };
static const char *const repeatable_keys[] = { "remedy", "ref", "example", NULL };

/* Replaces *field with a copy of v. */
static int set_str(char **field, const char *v)
{
	char *c = bw_strdup(v);

	if (!c)
		return bw_error__set(BW_ENOMEM, "out of memory");
	free(*field);
	*field = c;
	return BW_OK;
}

static void case_words(char *s, int upper)
{
	for (; *s; s++) {
		if (upper && *s >= 'a' && *s <= 'z')
			*s = (char)(*s - 32);
		else if (!upper)
			*s = (char)bw_lower((unsigned char)*s);
	}
}

/* Splits a word list into `l`, lower-cased, trailing dots removed. */
static int push_words(bw_rstrv *l, const char *v)
{
	char *copy = bw_strdup(v), *p, *save = NULL;
	int rc = BW_OK;

	if (!copy)
		return bw_error__set(BW_ENOMEM, "out of memory");
	case_words(copy, 0);
	for (p = strtok_r(copy, " ", &save); p && rc == BW_OK; p = strtok_r(NULL, " ", &save)) {
		size_t len = strlen(p);

		while (len && p[len - 1] == '.')
			p[--len] = '\0';
		if (len)
			rc = bw_rstrv__push(l, p);
	}
	free(copy);
	return rc;
}

static int apply_provider(bw_rset *s, const char *file, const bw_rsyn_section *sec)
{
	bw_rset_provider *p = bw_rset__add_provider(s);
	size_t i;
	int rc = BW_OK;

	if (!p)
		return bw_error__set(BW_ENOMEM, "out of memory");
	p->line = sec->line;
	if (set_str(&p->id, sec->id) < 0 || set_str(&p->file, file) < 0 || set_str(&p->url, "") < 0)
		return BW_ENOMEM;
	for (i = 0; i < sec->n && rc == BW_OK; i++) {
		const bw_rsyn_entry *e = &sec->e[i];
		const char *v = e->value.p ? e->value.p : "";
		const char *msg = bw_rset__check_value(e->key, v);

		if (msg)
			return bw_error__set(BW_ERULES, "%s:%u: provider %s: %s: %s",
			                     file, e->line, sec->id, e->key, msg);
		if (strcmp(e->key, "name") == 0)
			rc = set_str(&p->name, v);
		else if (strcmp(e->key, "url") == 0)
			rc = set_str(&p->url, v);
		else if (strcmp(e->key, "domains") == 0)
			rc = push_words(&p->domains, v);
		else if (strcmp(e->key, "marks") == 0)
			rc = push_words(&p->marks, v);
		else
			rc = push_words(&p->hosts, v);
	}
	if (rc == BW_OK && !p->name)
		return bw_error__set(BW_ERULES, "%s:%u: provider %s: missing name",
		                     file, sec->line, sec->id);
	return rc;
}

static int apply_rule(bw_rset *s, const char *file, const bw_rsyn_section *sec)
{
	bw_rset_rule *r = bw_rset__add_rule(s);
	char buf[256];
	size_t i;
	int rc = BW_OK;
	bool specific = false, generic = false;
	const char *cues = NULL, *subject = NULL, *state = NULL, *order = NULL;
	int weight = 0;

	if (!r)
		return bw_error__set(BW_ENOMEM, "out of memory");
	r->line = sec->line;
	if (set_str(&r->id, sec->id) < 0 || set_str(&r->file, file) < 0)
		return BW_ENOMEM;
	for (i = 0; i < sec->n && rc == BW_OK; i++) {
		const bw_rsyn_entry *e = &sec->e[i];
		char *v = e->value.p ? e->value.p : (char *)"";
		const char *msg;
		char **field = NULL;

		if (strcmp(e->key, "command") == 0)
			case_words(v, 1);
		else if (strcmp(e->key, "action") == 0 || strcmp(e->key, "format") == 0 ||
		         strcmp(e->key, "provider") == 0)
			case_words(v, 0);
		msg = bw_rset__check_value(e->key, v);
		if (!msg && strcmp(e->key, "text") == 0 && !strstr(v, "%{"))
			msg = bw_rset__pattern_error(v, buf, sizeof(buf));
		if (msg && strcmp(e->key, "reason") == 0)
			return bw_error__set(BW_ERULES, "%s:%u: rule %s: unknown reason '%s'",
			                     file, e->line, sec->id, v);
		if (msg)
			return bw_error__set(BW_ERULES, "%s:%u: rule %s: %s: %s",
			                     file, e->line, sec->id, e->key, msg);
		if (strcmp(e->key, "provider") == 0) field = &r->provider;
		else if (strcmp(e->key, "text") == 0) field = &r->text;
		else if (strcmp(e->key, "status") == 0) field = &r->status;
		else if (strcmp(e->key, "reply") == 0) field = &r->reply;
		else if (strcmp(e->key, "command") == 0) field = &r->command;
		else if (strcmp(e->key, "format") == 0) field = &r->format;
		else if (strcmp(e->key, "action") == 0) field = &r->action;
		else if (strcmp(e->key, "reason") == 0) field = &r->reason;
		else if (strcmp(e->key, "fault") == 0) field = &r->fault;
		else if (strcmp(e->key, "explain") == 0) field = &r->explain;
		else if (strcmp(e->key, "advice") == 0) field = &r->advice;
		if (field)
			rc = set_str(field, v);
		else if (strcmp(e->key, "permanent") == 0)
			r->permanent = strcmp(v, "yes") == 0;
		else if (strcmp(e->key, "hard") == 0)
			r->hard = strcmp(v, "yes") == 0;
		else if (strcmp(e->key, "priority") == 0)
			r->priority = atoi(v);
		else if (strcmp(e->key, "specific") == 0)
			specific = strcmp(v, "yes") == 0;
		else if (strcmp(e->key, "generic") == 0)
			generic = strcmp(v, "yes") == 0;
		else if (strcmp(e->key, "cues") == 0)
			cues = v;
		else if (strcmp(e->key, "subject") == 0)
			subject = v;
		else if (strcmp(e->key, "state") == 0)
			state = v;
		else if (strcmp(e->key, "order") == 0)
			order = v;
		else if (strcmp(e->key, "weight") == 0)
			weight = v[0] - '0';
		else if (strcmp(e->key, "remedy") == 0)
			rc = bw_rstrv__push(&r->remedies, v);
		else if (strcmp(e->key, "ref") == 0)
			rc = bw_rstrv__push(&r->refs, v);
		else
			rc = bw_rstrv__push(&r->examples, v);
	}
	if (rc == BW_OK && !r->reason)
		return bw_error__set(BW_ERULES, "%s:%u: rule %s: missing reason",
		                     file, sec->line, sec->id);
	if (rc == BW_OK && (subject || state || order) && (cues || !subject || !state))
		return bw_error__set(BW_ERULES, "%s:%u: rule %s: a frame has `subject` and `state` "
		                     "and no `cues`", file, sec->line, sec->id);
	if (rc == BW_OK && order && strcmp(order, "either") != 0 && strcmp(order, "subject-first") != 0)
		return bw_error__set(BW_ERULES, "%s:%u: rule %s: order: expected either or "
		                     "subject-first", file, sec->line, sec->id);
	if (rc == BW_OK && (cues || subject || weight) &&
	    (!(cues || subject) || r->text || r->provider || specific || generic || r->priority))
		return bw_error__set(BW_ERULES, "%s:%u: rule %s: a lexicon rule has `cues` (or "
		                     "`subject` and `state`) and `weight` and none of text, provider, "
		                     "specific, generic, priority", file, sec->line, sec->id);
	if (rc == BW_OK && (cues || subject)) {
		const char *twice = NULL, *list = cues ? cues : subject;
		size_t tlen;

		if ((twice = bw_rset__cue_repeated(list, &tlen)) ||
		    (state && (twice = bw_rset__cue_repeated(state, &tlen))))
			return bw_error__set(BW_ERULES, "%s:%u: rule %s: cue '%.*s' given twice",
			                     file, sec->line, sec->id, (int)tlen, twice);
		r->text = cues ? bw_rset__cues_pattern(cues) : bw_rset__frame_pattern(subject, state,
		                                                             !order || strcmp(order, "either") == 0);
		if (!r->text)
			return bw_error__set(BW_ERULES, "%s:%u: rule %s: %s: expected phrases "
			                     "separated by '|'", file, sec->line, sec->id,
			                     cues ? "cues" : "subject or state");
		r->priority = weight ? weight : 1;
	}
	if (rc == BW_OK && !r->provider && !r->text && !r->status && !r->reply &&
	    !r->command && !r->format && !r->action)
		return bw_error__set(BW_ERULES, "%s:%u: rule %s: a rule needs at least one condition",
		                     file, sec->line, sec->id);
	r->tier = bw_rset__tier(r);
	if (specific && r->tier == BW_TIER_TEXT)
		r->tier = BW_TIER_PROVIDER;
	else if (generic && (r->tier == BW_TIER_TEXT || r->tier == BW_TIER_STATUS))
		r->tier = BW_TIER_GENERIC;
	else if (cues || subject)
		r->tier = BW_TIER_LEXICON;
	return rc;
}

/* [advice ID], [fragment ID] and [synonym ID]: kept aside until every
 * source is read. */
static int apply_shared(bw_rset *s, const char *file, const bw_rsyn_section *sec)
{
	bw_rset_shared *x = bw_rset__add_shared(s);
	char buf[256];
	size_t i;
	int rc = BW_OK;

	if (!x)
		return bw_error__set(BW_ENOMEM, "out of memory");
	x->kind = sec->kind == KIND_FRAGMENT ? BW_SHARED_FRAGMENT
	          : sec->kind == KIND_SYNONYM ? BW_SHARED_SYNONYM : BW_SHARED_ADVICE;
	x->line = sec->line;
	if (set_str(&x->id, sec->id) < 0 || set_str(&x->file, file) < 0)
		return BW_ENOMEM;
	for (i = 0; i < sec->n && rc == BW_OK; i++) {
		const bw_rsyn_entry *e = &sec->e[i];
		const char *v = e->value.p ? e->value.p : "";
		const char *msg = bw_rset__check_value(e->key, v);

		if (!msg && (strcmp(e->key, "text") == 0 || strcmp(e->key, "words") == 0 ||
		             strcmp(e->key, "also") == 0))
			msg = bw_rset__pattern_error(v, buf, sizeof(buf));
		if (msg)
			return bw_error__set(BW_ERULES, "%s:%u: %s %s: %s: %s", file, e->line,
			                     kind_names[sec->kind], sec->id, e->key, msg);
		if (strcmp(e->key, "text") == 0 || strcmp(e->key, "also") == 0)
			rc = set_str(&x->text, v);
		else if (strcmp(e->key, "words") == 0)
			rc = set_str(&x->words, v);
		else if (strcmp(e->key, "lexicon") == 0)
			x->not_lexicon = strcmp(v, "no") == 0;
		else if (strcmp(e->key, "patterns") == 0)
			x->not_patterns = strcmp(v, "no") == 0;
		else if (strcmp(e->key, "explain") == 0)
			rc = set_str(&x->explain, v);
		else if (strcmp(e->key, "remedy") == 0)
			rc = bw_rstrv__push(&x->remedies, v);
		else
			rc = bw_rstrv__push(&x->refs, v);
	}
	if (rc == BW_OK && x->kind == BW_SHARED_FRAGMENT && !x->text)
		return bw_error__set(BW_ERULES, "%s:%u: fragment %s: missing text", file, sec->line, sec->id);
	if (rc == BW_OK && x->kind == BW_SHARED_SYNONYM && (!x->text || !x->words))
		return bw_error__set(BW_ERULES, "%s:%u: synonym %s: needs words and also", file, sec->line,
		                     sec->id);
	for (i = 0; rc == BW_OK && i + 1 < s->n_shared; i++)
		if (s->shared[i].kind == x->kind && strcmp(s->shared[i].id, x->id) == 0)
			return bw_error__set(BW_ERULES, "%s:%u: %s %s is already defined at %s:%u", file,
			                     sec->line, kind_names[sec->kind], x->id, s->shared[i].file,
			                     s->shared[i].line);
	return rc;
}

static int apply_section(void *ctx, const char *file, const bw_rsyn_section *sec)
{
	bw_rset *s = ctx;

	if (sec->kind == KIND_PROVIDER)
		return apply_provider(s, file, sec);
	if (sec->kind == KIND_RULE)
		return apply_rule(s, file, sec);
	return apply_shared(s, file, sec);
}

static const char *check_id(const char *id)
{
	return bw_rset__check_value("id", id);
}

int bw_rset__parse_text(bw_rset *s, const char *file, const char *buf, size_t len)
{
	const bw_rsyn_grammar g = {
		kind_names, kind_keys, repeatable_keys, check_id, apply_section, s
	};

	return bw_rsyn__parse(&g, file, buf, len);
}

/* ---- scanning sources ------------------------------------------------ */

typedef struct pair { char *real, *name; } pair;

static int pair_cmp(const void *a, const void *b)
{
	return strcmp(((const pair *)a)->name, ((const pair *)b)->name);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int walk(bw_rstrv *real, bw_rstrv *names, bw_rstrv *dirs,
                const char *dir, const char *name, int depth)
{
	DIR *d;
	struct dirent *de;
	int rc = BW_OK;

	if (depth > 32)
		return bw_error__set(BW_EIO, "%s: directories nested too deep", dir);
	if (dirs && (rc = bw_rstrv__push(dirs, dir)) < 0)
		return rc;
	d = opendir(dir);
	if (!d)
		return bw_error__set(BW_EIO, "%s: %s", dir, strerror(errno));
	while (rc == BW_OK && (de = readdir(d))) {
		bw_buf full = BW_BUF_INIT, nm = BW_BUF_INIT;
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		bw_buf__printf(&full, "%s/%s", dir, de->d_name);
		bw_buf__printf(&nm, "%s%s%s", name, *name ? "/" : "", de->d_name);
		if (full.oom || nm.oom)
			rc = bw_error__set(BW_ENOMEM, "out of memory");
		else if (stat(full.p, &st) != 0)
			rc = bw_error__set(BW_EIO, "%s: %s", full.p, strerror(errno));
		else if (S_ISDIR(st.st_mode))
			rc = walk(real, names, dirs, full.p, nm.p, depth + 1);
		else if (S_ISREG(st.st_mode) && ends_with(de->d_name, ".rules")) {
			rc = bw_rstrv__push(real, full.p);
			if (rc == BW_OK)
				rc = bw_rstrv__push(names, nm.p);
		}
		bw_buf__free(&full);
		bw_buf__free(&nm);
	}
	closedir(d);
	return rc;
}

/* basename of the canonical directory path ("rules" for "../rules/"). */
static char *dir_label(const char *dir)
{
	char *rp = realpath(dir, NULL), *slash;
	char *label;

	if (!rp)
		return bw_strdup("");
	slash = strrchr(rp, '/');
	label = bw_strdup(slash ? slash + 1 : rp);
	free(rp);
	return label;
}

int bw_rset__scan(bw_rstrv *real, bw_rstrv *names, bw_rstrv *dirs,
                  const char *const *sources, size_t n)
{
	bw_rstrv r = { 0 }, nm = { 0 };
	pair *pairs = NULL;
	size_t i;
	int rc = BW_OK;

	for (i = 0; i < n && rc == BW_OK; i++) {
		struct stat st;

		if (!sources[i] || stat(sources[i], &st) != 0) {
			rc = bw_error__set(BW_EIO, "%s: %s", sources[i] ? sources[i] : "(null)",
			                   strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			char *label = dir_label(sources[i]);

			rc = label ? walk(&r, &nm, dirs, sources[i], label, 0)
			           : bw_error__set(BW_ENOMEM, "out of memory");
			free(label);
		} else {
			rc = bw_rstrv__push(&r, sources[i]);
			if (rc == BW_OK)
				rc = bw_rstrv__push(&nm, sources[i]);
		}
	}
	if (rc == BW_OK && r.n) {
		pairs = malloc(r.n * sizeof(*pairs));
		if (!pairs)
			rc = bw_error__set(BW_ENOMEM, "out of memory");
	}
	if (rc == BW_OK && r.n) {
		for (i = 0; i < r.n; i++)
			pairs[i].real = r.v[i], pairs[i].name = nm.v[i];
		qsort(pairs, r.n, sizeof(*pairs), pair_cmp);
		for (i = 0; i < r.n && rc == BW_OK; i++) {
			if (i && strcmp(pairs[i].name, pairs[i - 1].name) == 0)
				rc = bw_error__set(BW_EINVALID, "%s: the same rules file is given twice",
				                   pairs[i].name);
			if (rc == BW_OK)
				rc = bw_rstrv__push(real, pairs[i].real);
			if (rc == BW_OK)
				rc = bw_rstrv__push(names, pairs[i].name);
		}
	}
	free(pairs);
	bw_rstrv__clear(&r);
	bw_rstrv__clear(&nm);
	return rc;
}

static const bw_rset_shared *find_shared(const bw_rset *s, bw_rset_shared_kind kind, const char *id,
                                         size_t len)
{
	size_t i;

	for (i = 0; i < s->n_shared; i++)
		if (s->shared[i].kind == kind && strlen(s->shared[i].id) == len &&
		    memcmp(s->shared[i].id, id, len) == 0)
			return &s->shared[i];
	return NULL;
}

/* `text` with every %{ID} replaced by (?:the fragment's pattern). */
static int expand_fragments(const bw_rset *s, bw_rset_rule *r)
{
	bw_buf out = BW_BUF_INIT;
	const char *p = r->text, *open;
	char buf[256];
	const char *msg;

	while ((open = strstr(p, "%{"))) {
		const char *close = strchr(open + 2, '}');
		const bw_rset_shared *f =
			close ? find_shared(s, BW_SHARED_FRAGMENT, open + 2, (size_t)(close - open - 2)) : NULL;

		if (!f) {
			bw_buf__free(&out);
			return bw_error__set(BW_ERULES, "%s:%u: rule %s: text: unknown fragment %.*s",
			                     r->file, r->line, r->id,
			                     close ? (int)(close - open + 1) : 2, open);
		}
		bw_buf__put(&out, p, (size_t)(open - p));
		bw_buf__puts(&out, "(?:");
		bw_buf__puts(&out, f->text);
		bw_buf__puts(&out, ")");
		p = close + 1;
	}
	bw_buf__puts(&out, p);
	if (out.oom) {
		bw_buf__free(&out);
		return bw_error__set(BW_ENOMEM, "out of memory");
	}
	free(r->text);
	r->text = bw_buf__detach(&out);
	if ((msg = bw_rset__pattern_error(r->text, buf, sizeof(buf))))
		return bw_error__set(BW_ERULES, "%s:%u: rule %s: text: %s", r->file, r->line, r->id, msg);
	return BW_OK;
}

/* The rule's pattern replaced by `wide` (a widening of it, malloc'd;
 * NULL when out of memory), which must still compile: `what` names the
 * widening in the error. */
static int widened(bw_rset_rule *r, char *wide, const char *what)
{
	char buf[256];
	const char *msg;

	if (!wide)
		return bw_error__set(BW_ENOMEM, "out of memory");
	free(r->text);
	r->text = wide;
	if ((msg = bw_rset__pattern_error(r->text, buf, sizeof(buf))))
		return bw_error__set(BW_ERULES, "%s:%u: rule %s: text %s: %s", r->file, r->line, r->id,
		                     what, msg);
	return BW_OK;
}

/* The rule's pattern widened when the rules are read: letters with
 * diacritics also match their plain spellings (rules_fold.c; not the
 * lexicon's cues, which carry their plain spellings already:
 * bw_rset__cues_pattern), negations match written long or contracted
 * (rules_contraction.c), and the words of each [synonym] match its other
 * words (rules_synonym.c; the lexicon's cues too unless `lexicon = no`,
 * only they with `patterns = no`). */
static int widen(const bw_rset *s, bw_rset_rule *r)
{
	size_t i;
	int rc = BW_OK;

	if (r->tier != BW_TIER_LEXICON)
		rc = widened(r, bw_rset__fold_pattern(r->text), "without diacritics");
	if (rc == BW_OK)
		rc = widened(r, bw_rset__widen_contractions(r->text), "with contractions");
	for (i = 0; rc == BW_OK && i < s->n_shared; i++) {
		const bw_rset_shared *x = &s->shared[i];

		if (x->kind == BW_SHARED_SYNONYM && strstr(r->text, x->words) &&
		    !(x->not_lexicon && r->tier == BW_TIER_LEXICON) &&
		    !(x->not_patterns && r->tier != BW_TIER_LEXICON))
			rc = widened(r, bw_rset__widen_synonym(r->text, x->words, x->text), "with synonyms");
	}
	return rc;
}

/* A list made of `first`'s items, then `l`'s own. */
static int prepend(bw_rstrv *l, const bw_rstrv *first)
{
	bw_rstrv out = { 0 };
	size_t i;
	int rc = BW_OK;

	for (i = 0; rc == BW_OK && i < first->n; i++)
		rc = bw_rstrv__push(&out, first->v[i]);
	for (i = 0; rc == BW_OK && i < l->n; i++)
		rc = bw_rstrv__push(&out, l->v[i]);
	if (rc != BW_OK) {
		bw_rstrv__clear(&out);
		return rc;
	}
	bw_rstrv__clear(l);
	*l = out;
	return BW_OK;
}

/* Fragments into patterns, advice into outputs: a rule's own explanation
 * wins, the advice's remedies and references come before its own. */
static int resolve_shared(bw_rset *s)
{
	size_t i;
	int rc = BW_OK;

	for (i = 0; rc == BW_OK && i < s->n_rule; i++) {
		bw_rset_rule *r = &s->rule[i];
		const bw_rset_shared *a;

		if (r->text && strstr(r->text, "%{") && (rc = expand_fragments(s, r)) < 0)
			break;
		if (r->text && (rc = widen(s, r)) < 0)
			break;
		if (!r->advice)
			continue;
		if (!(a = find_shared(s, BW_SHARED_ADVICE, r->advice, strlen(r->advice))))
			return bw_error__set(BW_ERULES, "%s:%u: rule %s: advice: unknown advice %s",
			                     r->file, r->line, r->id, r->advice);
		if (!r->explain && a->explain && set_str(&r->explain, a->explain) < 0)
			return BW_ENOMEM;
		if ((rc = prepend(&r->remedies, &a->remedies)) == BW_OK)
			rc = prepend(&r->refs, &a->refs);
		free(r->advice);
		r->advice = NULL;
	}
	return rc;
}

int bw_rset__load_text(bw_rset *s, const char *const *sources, size_t n,
                       const bw_rset *const *extra, size_t n_extra)
{
	bw_rstrv real = { 0 }, names = { 0 };
	bw_sha256 sha;
	size_t i;
	int rc;

	bw_sha256__init(&sha);
	rc = bw_rset__scan(&real, &names, NULL, sources, n);
	for (i = 0; rc == BW_OK && i < real.n; i++) {
		char *buf;
		size_t len = 0;
		unsigned char lenbuf[8];
		int k;

		if ((rc = bw_read_file(real.v[i], &buf, &len)) < 0)
			break;
		for (k = 0; k < 8; k++)
			lenbuf[k] = (unsigned char)((uint64_t)len >> (56 - 8 * k));
		bw_sha256__update(&sha, names.v[i], strlen(names.v[i]) + 1);
		bw_sha256__update(&sha, lenbuf, sizeof(lenbuf));
		bw_sha256__update(&sha, buf, len);
		rc = bw_rset__parse_text(s, names.v[i], buf, len);
		free(buf);
	}
	if (rc == BW_OK)
		rc = resolve_shared(s);
	if (rc == BW_OK) {
		bw_sha256__hex(&sha, s->source_hash);
		s->schema_version = BW_RULES_SCHEMA_VERSION;
		rc = bw_rset__validate(s, extra, n_extra);
	}
	bw_rstrv__clear(&real);
	bw_rstrv__clear(&names);
	return rc;
}
