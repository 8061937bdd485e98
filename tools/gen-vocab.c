/*
 * gen-vocab.c - turns the vocabularies of rules/vocabulary/ into C, at build
 * time: reasons.vocab into the table lib/reason.c includes
 * (reason_table.h), negation.vocab into the patterns
 * lib/rules/rules_negation.c includes (negation_table.h), wrappers.vocab
 * into the pattern lib/rules/rules_wrapper.c includes (wrapper_table.h),
 * the phrase lists of the readers (notices.vocab, prose.vocab,
 * autoreply.vocab, lists.vocab) into the lists lib/decoders/ puts in its
 * arrays (NAME_phrases.h).
 *
 *   gen-vocab INPUT.vocab OUTPUT.h
 *   gen-vocab --negation INPUT.vocab OUTPUT.h
 *   gen-vocab --wrappers INPUT.vocab OUTPUT.h
 *   gen-vocab --phrases INPUT.vocab OUTPUT.h
 *
 * The input is read with the rule files' own syntax reader
 * (lib/rules/rules_syntax.c): [reason NAME] sections with the keys below.
 * Every error names file:line and fails the build.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bouncewhy.h"
#include "../lib/error.h"
#include "../lib/rules/rules_syntax.h"
#include "../lib/smtp.h"
#include "../lib/util.h"

static const char *const reason_keys[] = {
	"hard", "fault", "failure", "subjects", "status", "reply", "meaning", "headline",
	"remedy", "delayed-meaning", "delayed-headline", "delayed-remedy", NULL
};
static const char *const *const kind_keys[] = { reason_keys };
static const char *const kinds[] = { "reason", NULL };
static const char *const repeatable[] = { "remedy", "delayed-remedy", NULL };
static const char *const required[] = { "hard", "fault", "subjects", "meaning", "headline", NULL };

typedef struct out {
	bw_buf remedies;          /* the arrays, before the table */
	bw_buf table;             /* the rows of the table */
	bw_buf status;            /* rows of the status-detail table */
	bw_buf reply;             /* rows of the reply-code table */
	char **names;
	size_t n;
	char **codes;             /* every status detail and reply code seen */
	size_t n_codes;
} out;

static const char *value(const bw_rsyn_section *sec, const char *key)
{
	size_t i;

	for (i = 0; i < sec->n; i++)
		if (strcmp(sec->e[i].key, key) == 0)
			return sec->e[i].value.p ? sec->e[i].value.p : "";
	return NULL;
}

/* A C string literal. */
static void cstr(bw_buf *b, const char *s)
{
	if (!s) {
		bw_buf__puts(b, "NULL");
		return;
	}
	bw_buf__putc(b, '"');
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			bw_buf__putc(b, '\\');
		bw_buf__putc(b, *s);
	}
	bw_buf__putc(b, '"');
}

/* "static const char *const NAME_I[] = { "a", "b", NULL };"; returns the count. */
static size_t string_array(bw_buf *b, const char *name, size_t i, const bw_rsyn_section *sec,
                           const char *key)
{
	size_t j, n = 0;

	bw_buf__printf(b, "static const char *const %s_%zu[] = { ", name, i);
	for (j = 0; j < sec->n; j++)
		if (strcmp(sec->e[j].key, key) == 0) {
			cstr(b, sec->e[j].value.p);
			bw_buf__puts(b, ", ");
			n++;
		}
	bw_buf__puts(b, "NULL };\n");
	return n;
}

static int bad(const char *file, const bw_rsyn_section *sec, const char *what)
{
	return bw_error__set(BW_ERULES, "%s:%u: reason %s: %s", file, sec->line, sec->id, what);
}

static int subjects_ok(const char *v)
{
	if (strcmp(v, "any") == 0)
		return 1;
	for (; *v; v++)
		if (!(*v >= '0' && *v <= '9') && *v != ' ')
			return 0;
		else if (*v >= '0' && *v <= '9' && v[1] >= '0' && v[1] <= '9')
			return 0;   /* one digit per subject */
	return 1;
}

/* "1.1" or "6.10" (status), "550" (reply). */
static int code_ok(const char *w, size_t len, int status)
{
	size_t i, dot = 0, digits = 0;

	if (!status)
		return len == 3 && w[0] >= '2' && w[0] <= '5' && w[1] >= '0' && w[1] <= '9' &&
		       w[2] >= '0' && w[2] <= '9';
	for (i = 0; i < len; i++) {
		if (w[i] == '.') {
			if (dot++ || !digits)
				return 0;
			digits = 0;
		} else if (w[i] >= '0' && w[i] <= '9' && digits < 3) {
			digits++;
		} else {
			return 0;
		}
	}
	return dot == 1 && digits > 0;
}

/* Adds the codes of `v` ("1.1 1.3") to `rows` for reason `name`; each code
 * may mean one reason only. */
static int add_codes(out *o, bw_buf *rows, const char *file, const bw_rsyn_section *sec,
                     const char *v, int status)
{
	const char *p = v, *e;
	char code[16], **codes, msg[96];
	size_t i;

	for (; v && *p; p = e) {
		while (*p == ' ')
			p++;
		for (e = p; *e && *e != ' '; e++)
			;
		if (e == p)
			break;
		if (!code_ok(p, (size_t)(e - p), status) || (size_t)(e - p) >= sizeof(code)) {
			snprintf(msg, sizeof(msg), "%s: bad code '%.*s'", status ? "status" : "reply",
			         (int)(e - p), p);
			return bad(file, sec, msg);
		}
		snprintf(code, sizeof(code), "%s%.*s", status ? "s" : "r", (int)(e - p), p);
		for (i = 0; i < o->n_codes; i++)
			if (strcmp(o->codes[i], code) == 0) {
				snprintf(msg, sizeof(msg), "%s %s already means another reason",
				         status ? "status" : "reply", code + 1);
				return bad(file, sec, msg);
			}
		if (!(codes = realloc(o->codes, (o->n_codes + 1) * sizeof(*codes))) ||
		    !(codes[o->n_codes] = bw_strdup(code)))
			return bw_error__set(BW_ENOMEM, "out of memory");
		o->codes = codes;
		o->n_codes++;
		bw_buf__printf(rows, "\t{ \"%s\", \"%s\" },\n", code + 1, sec->id);
	}
	return BW_OK;
}

static int reason_section(void *ctx, const char *file, const bw_rsyn_section *sec)
{
	out *o = ctx;
	const char *hard = value(sec, "hard"), *fault = value(sec, "fault");
	const char *failure = value(sec, "failure"), *subjects = value(sec, "subjects");
	size_t i = o->n, j, n_rem, n_delayed;
	char **names;
	char digits[16];

	for (j = 0; required[j]; j++)
		if (!value(sec, required[j])) {
			char msg[64];

			snprintf(msg, sizeof(msg), "missing %s", required[j]);
			return bad(file, sec, msg);
		}
	for (j = 0; j < o->n; j++)
		if (strcmp(o->names[j], sec->id) == 0)
			return bad(file, sec, "defined twice");
	if (strcmp(hard, "yes") && strcmp(hard, "no") && strcmp(hard, "permanent"))
		return bad(file, sec, "hard must be yes, no or permanent");
	if (strcmp(fault, "none") && strcmp(fault, "recipient") && strcmp(fault, "sender") &&
	    strcmp(fault, "receiver") && strcmp(fault, "transit"))
		return bad(file, sec, "fault must be one of none, receiver, recipient, sender, transit");
	if (failure && strcmp(failure, "yes") && strcmp(failure, "no"))
		return bad(file, sec, "failure must be yes or no");
	if (!subjects_ok(subjects))
		return bad(file, sec, "subjects must be \"any\" or digits 0-9");
	if (add_codes(o, &o->status, file, sec, value(sec, "status"), 1) < 0 ||
	    add_codes(o, &o->reply, file, sec, value(sec, "reply"), 0) < 0)
		return BW_ERULES;
	if (!(names = realloc(o->names, (o->n + 1) * sizeof(*names))) ||
	    !(names[o->n] = bw_strdup(sec->id)))
		return bw_error__set(BW_ENOMEM, "out of memory");
	o->names = names;
	o->n++;
	n_rem = string_array(&o->remedies, "remedies", i, sec, "remedy");
	n_delayed = string_array(&o->remedies, "delayed_remedies", i, sec, "delayed-remedy");
	bw_buf__puts(&o->table, "\t{ ");
	cstr(&o->table, sec->id);
	bw_buf__printf(&o->table, ", %s, ", strcmp(hard, "yes") == 0 ? "1" :
	               strcmp(hard, "no") == 0 ? "0" : "-1");
	cstr(&o->table, strcmp(fault, "none") == 0 ? NULL : fault);
	bw_buf__printf(&o->table, ", %s, ", failure && strcmp(failure, "no") == 0 ? "0" : "1");
	if (strcmp(subjects, "any") == 0) {
		cstr(&o->table, NULL);
	} else {
		size_t d = 0;

		for (j = 0; subjects[j] && d + 1 < sizeof(digits); j++)
			if (subjects[j] != ' ')
				digits[d++] = subjects[j];
		digits[d] = '\0';
		cstr(&o->table, digits);
	}
	bw_buf__puts(&o->table, ", ");
	cstr(&o->table, value(sec, "meaning"));
	bw_buf__puts(&o->table, ", ");
	cstr(&o->table, value(sec, "headline"));
	bw_buf__printf(&o->table, ", remedies_%zu, %zu, ", i, n_rem);
	cstr(&o->table, value(sec, "delayed-meaning"));
	bw_buf__puts(&o->table, ", ");
	cstr(&o->table, value(sec, "delayed-headline"));
	bw_buf__printf(&o->table, ", delayed_remedies_%zu, %zu },\n", i, n_delayed);
	return (o->remedies.oom || o->table.oom) ? bw_error__set(BW_ENOMEM, "out of memory") : BW_OK;
}

static const char *check_id(const char *id)
{
	for (; *id; id++)
		if (!((*id >= 'a' && *id <= 'z') || (*id >= '0' && *id <= '9') || *id == '-'))
			return "lower-case letters, digits and '-' only";
	return NULL;
}

/* ---- negation.vocab -> one PCRE2 pattern ------------------------------ */

static const char *const negation_keys[] = {
	"before", "filler", "window", "cause", "join", "tail", "after", "spaces", NULL
};
static const char *const *const negation_kind_keys[] = { negation_keys };
static const char *const negation_kinds[] = { "negation", NULL };
static const char *const negation_repeatable[] = { NULL };

typedef struct neg_out {
	bw_buf arrays;            /* each section's literal arrays */
	bw_buf table;             /* the rows of the section table */
	size_t n;
} neg_out;

/* One list item as a pattern: spaces match any white space (`sep` where a
 * language writes no spaces), a trailing '*' any word ending, an
 * apostrophe either apostrophe, other characters themselves.  Word edges
 * are the list's (list_pattern()). */
static void item_pattern(bw_buf *b, const char *s, size_t len, const char *sep)
{
	size_t i;
	int star = len && s[len - 1] == '*';

	if (star)
		len--;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ' ') {
			while (i + 1 < len && s[i + 1] == ' ')
				i++;
			bw_buf__puts(b, sep);
		} else if (c == '\'') {
			bw_buf__puts(b, "['\xe2\x80\x99]");
		} else if (strchr("\\^$.[]|()?*+{}-", c)) {
			bw_buf__putc(b, '\\');
			bw_buf__putc(b, (char)c);
		} else {
			bw_buf__putc(b, (char)c);
		}
	}
	if (star)
		bw_buf__puts(b, "\\w*");
}

/* The next item of a list "a | b | c" at *p, without its surrounding
 * spaces, in *s and *n; false after the last.  Empty items are skipped. */
static bool next_item(const char **p, const char **s, size_t *n)
{
	while (*p && **p) {
		const char *b = *p, *e;

		while (*b == ' ')
			b++;
		for (e = b; *e && *e != '|'; e++)
			;
		*p = *e ? e + 1 : e;
		while (e > b && e[-1] == ' ')
			e--;
		if (e > b) {
			*s = b;
			*n = (size_t)(e - b);
			return true;
		}
	}
	return false;
}

/* "(?:a|b|c)" from the list "a | b | c", between word edges
 * ("(?<!\w)(?:a|b|c)(?!\w)") where the language writes spaces between
 * words (sep "\s+"). */
static void list_pattern(bw_buf *b, const char *list, const char *sep)
{
	const char *p = list, *s;
	size_t n;
	bool words = strcmp(sep, "\\s+") == 0, any = false;

	bw_buf__puts(b, words ? "(?<!\\w)(?:" : "(?:");
	while (next_item(&p, &s, &n)) {
		if (any)
			bw_buf__putc(b, '|');
		item_pattern(b, s, n, sep);
		any = true;
	}
	bw_buf__puts(b, words ? ")(?!\\w)" : ")");
}

/* Each item of `list` as a prefilter literal, once, into `b` as a C
 * string literal: its words lower-cased ("isn't" -> "isn", "black list*"
 * -> "black" and "list") joined by '\x01' (BW_LITERAL_AND: every part must
 * occur).  A text that holds no item's parts cannot match the list. */
static void list_literals(bw_buf *b, const char *list)
{
	const char *p = list, *s;
	size_t len;

	while (next_item(&p, &s, &len)) {
		const char *w, *e = s + len;
		char lit[256];
		size_t k = 0;

		lit[k++] = '"';
		for (w = s; w < e && k + 16 < sizeof(lit); ) {
			size_t n = 0, i;

			while (w < e && *w == ' ')
				w++;
			while (w + n < e && w[n] != ' ' && w[n] != '*' && w[n] != '\'' && w[n] != ',')
				n++;
			if (n && k + n * 2 + 8 < sizeof(lit)) {
				if (k > 1) {
					memcpy(lit + k, "\\x01\" \"", 7);   /* a new literal piece after \x01 */
					k += 7;
				}
				for (i = 0; i < n; i++) {
					char c = w[i];

					if (c >= 'A' && c <= 'Z')
						c = (char)(c - 'A' + 'a');
					if (c == '"' || c == '\\')
						lit[k++] = '\\';
					lit[k++] = c;
				}
			}
			while (w < e && *w != ' ')
				w++;
		}
		lit[k++] = '"';
		lit[k++] = ',';
		lit[k] = '\0';
		if (k > 3 && (!b->p || !strstr(b->p, lit))) {
			bw_buf__puts(b, lit);
			bw_buf__putc(b, ' ');
		}
	}
}

/* The causes, and up to three more joined to them ("spam or virus",
 * "SPF, DKIM and DMARC"), each joined one after at most two fillers. */
static void causes_pattern(bw_buf *b, const char *cause, const char *join, const char *filler,
                           const char *sep)
{
	list_pattern(b, cause, sep);
	if (!join || !*join)
		return;
	bw_buf__puts(b, "(?:\\s*");
	list_pattern(b, join, "\\s*");   /* punctuation too: no word edges */
	bw_buf__puts(b, "\\s*");
	if (filler && *filler) {
		bw_buf__puts(b, "(?:");
		list_pattern(b, filler, sep);
		bw_buf__printf(b, "%s){0,2}", sep);
	}
	list_pattern(b, cause, sep);
	bw_buf__puts(b, "){0,3}");
}

static int negation_bad(const char *file, const bw_rsyn_section *sec, const char *what)
{
	return bw_error__set(BW_ERULES, "%s:%u: negation %s: %s", file, sec->line, sec->id, what);
}

static int negation_section(void *ctx, const char *file, const bw_rsyn_section *sec)
{
	neg_out *o = ctx;
	const char *before = value(sec, "before"), *filler = value(sec, "filler");
	const char *cause = value(sec, "cause"), *tail = value(sec, "tail");
	const char *after = value(sec, "after"), *spaces = value(sec, "spaces");
	const char *join = value(sec, "join");
	const char *window = value(sec, "window");
	const char *sep = "\\s+";   /* between words (and lists) */
	bw_buf b = { 0 };
	long w = 3;

	if (!cause || !*cause)
		return negation_bad(file, sec, "missing cause");
	if (!(before && *before) && !(after && *after))
		return negation_bad(file, sec, "needs before or after");
	if (spaces && strcmp(spaces, "no") == 0)
		sep = "\\s*";
	else if (spaces && strcmp(spaces, "yes") != 0)
		return negation_bad(file, sec, "spaces must be yes or no");
	if (window) {
		char *end;

		w = strtol(window, &end, 10);
		if (*end || w < 0 || w > 6)
			return negation_bad(file, sec, "window must be 0-6");
	}
	if (before && *before) {
		/* NEGATOR (FILLER ){0,w} CAUSE( TAIL)? */
		bw_buf__puts(&b, "(?:");
		list_pattern(&b, before, sep);
		if (filler && *filler && w > 0) {
			bw_buf__printf(&b, "(?:%s", sep);
			list_pattern(&b, filler, sep);
			bw_buf__printf(&b, "){0,%ld}", w);
		}
		bw_buf__puts(&b, sep);
		causes_pattern(&b, cause, join, filler, sep);
		if (tail && *tail) {
			bw_buf__printf(&b, "(?:%s", sep);
			list_pattern(&b, tail, sep);
			bw_buf__puts(&b, ")?");
		}
		bw_buf__putc(&b, ')');
	}
	if (after && *after) {
		/* CAUSE, then the negation later in the same clause */
		if (before && *before)
			bw_buf__putc(&b, '|');
		bw_buf__puts(&b, "(?:");
		causes_pattern(&b, cause, join, NULL, sep);
		bw_buf__puts(&b, "[^.;:!?\xe3\x80\x82\xef\xbc\x81\xef\xbc\x9f\\n]{0,30}?");
		list_pattern(&b, after, sep);
		bw_buf__putc(&b, ')');
	}
	if (b.oom) {
		bw_buf__free(&b);
		return bw_error__set(BW_ENOMEM, "out of memory");
	}
	{
		bw_buf negs = { 0 }, causes = { 0 };

		list_literals(&negs, before);
		list_literals(&negs, after);
		list_literals(&causes, cause);
		bw_buf__printf(&o->arrays, "static const char *const negators_%zu[] = { %sNULL };\n",
		               o->n, negs.p ? negs.p : "");
		bw_buf__printf(&o->arrays, "static const char *const causes_%zu[] = { %sNULL };\n",
		               o->n, causes.p ? causes.p : "");
		bw_buf__free(&negs);
		bw_buf__free(&causes);
	}
	bw_buf__puts(&o->table, "\t{ ");
	cstr(&o->table, sec->id);
	bw_buf__puts(&o->table, ", ");
	cstr(&o->table, b.p);
	bw_buf__printf(&o->table, ", negators_%zu, causes_%zu },\n", o->n, o->n);
	o->n++;
	bw_buf__free(&b);
	return o->arrays.oom || o->table.oom ? bw_error__set(BW_ENOMEM, "out of memory") : BW_OK;
}

/* Reads `in` and hands its sections to `g`; 0, or 1 with the message
 * printed. */
static int read_vocab(const char *in, const bw_rsyn_grammar *g)
{
	char *text;
	size_t len = 0;
	int rc;

	if (bw_read_file(in, &text, &len) < 0) {
		fprintf(stderr, "gen-vocab: %s\n", bw_error_message());
		return 1;
	}
	rc = bw_rsyn__parse(g, in, text, len);
	free(text);
	if (rc < 0) {
		fprintf(stderr, "gen-vocab: %s\n", bw_error_message());
		return 1;
	}
	return 0;
}

/* Writes the generated header `body` (from rules/vocabulary/`vocab`) to
 * `outp`; 0, or 1 with the message printed. */
static int write_header(const char *outp, const char *vocab, const bw_buf *body)
{
	FILE *f = fopen(outp, "w");

	if (!f || body->oom) {
		if (f)
			fclose(f);
		perror(outp);
		return 1;
	}
	fprintf(f, "/* Generated by tools/gen-vocab.c from rules/vocabulary/%s:\n"
	        " * do not edit. */\n", vocab);
	fputs(body->p ? body->p : "", f);
	if (fclose(f) != 0) {
		perror(outp);
		return 1;
	}
	return 0;
}

static int generate_negation(const char *in, const char *outp)
{
	neg_out o = { 0 };
	bw_rsyn_grammar g = { negation_kinds, negation_kind_keys, negation_repeatable, check_id,
	                      negation_section, &o };
	bw_buf body = { 0 };
	int rc;

	if (read_vocab(in, &g))
		return 1;
	bw_buf__puts(&body, o.arrays.p ? o.arrays.p : "");
	bw_buf__puts(&body, "static const struct negation_section negation_sections[] = {\n");
	bw_buf__puts(&body, o.table.p ? o.table.p : "");
	bw_buf__printf(&body, "};\n#define NEGATION_SECTIONS %zu\n", o.n);
	rc = write_header(outp, "negation.vocab", &body);
	bw_buf__free(&body);
	bw_buf__free(&o.arrays);
	bw_buf__free(&o.table);
	return rc;
}

/* ---- wrappers.vocab -> one PCRE2 pattern ------------------------------ */

static const char *const wrapper_keys[] = { "text", "needs", "stage", "marks", NULL };

typedef struct wrap_out {
	bw_buf pattern;           /* the alternation of every head */
	bw_buf needs;             /* the literals, as C strings */
	bw_buf stages;            /* { stage, mark } rows */
} wrap_out;
static const char *const *const wrapper_kind_keys[] = { wrapper_keys };
static const char *const wrapper_kinds[] = { "wrapper", NULL };

static int wrapper_section(void *ctx, const char *file, const bw_rsyn_section *sec)
{
	wrap_out *o = ctx;
	const char *text = value(sec, "text"), *needs = value(sec, "needs");
	const char *stage = value(sec, "stage"), *marks = value(sec, "marks");

	if (!text || !*text || !needs || !*needs)
		return bw_error__set(BW_ERULES, "%s:%u: wrapper %s: needs text and needs", file,
		                     sec->line, sec->id);
	if (!stage != !marks)
		return bw_error__set(BW_ERULES, "%s:%u: wrapper %s: stage and marks go together",
		                     file, sec->line, sec->id);
	if (stage) {
		const char *p = marks, *m;
		const char *known = bw_smtp__stage_of_command(stage, strlen(stage));
		size_t n;

		/* a stage name as lib/smtp.c names the stages */
		if (!known || strcmp(known, stage) != 0)
			return bw_error__set(BW_ERULES, "%s:%u: wrapper %s: unknown stage '%s'", file,
			                     sec->line, sec->id, stage);
		while (next_item(&p, &m, &n)) {
			size_t i;

			for (i = 0; i < n; i++)
				if (!((m[i] >= 'a' && m[i] <= 'z') || (m[i] >= 'A' && m[i] <= 'Z') ||
				      m[i] == ' ' || m[i] == '-'))
					return bw_error__set(BW_ERULES, "%s:%u: wrapper %s: marks are "
					                     "words and spaces", file, sec->line, sec->id);
			bw_buf__printf(&o->stages, "\t{ \"%s\", \"%.*s\" },\n", stage, (int)n, m);
		}
	}
	if (o->pattern.p)
		bw_buf__putc(&o->pattern, '|');
	bw_buf__printf(&o->pattern, "(?:%s)", text);
	list_literals(&o->needs, needs);
	return o->pattern.oom || o->needs.oom || o->stages.oom ? bw_error__set(BW_ENOMEM, "out of memory")
	                                                       : BW_OK;
}

static int generate_wrappers(const char *in, const char *outp)
{
	wrap_out o = { { 0 }, { 0 }, { 0 } };
	bw_buf lit = { 0 }, body = { 0 };
	bw_rsyn_grammar g = { wrapper_kinds, wrapper_kind_keys, negation_repeatable, check_id,
	                      wrapper_section, &o };
	int rc;

	if (read_vocab(in, &g))
		return 1;
	cstr(&lit, o.pattern.p ? o.pattern.p : "");
	bw_buf__printf(&body, "static const char wrapper_pattern[] = %s;\n", lit.p ? lit.p : "\"\"");
	bw_buf__printf(&body, "static const char *const wrapper_needs[] = { %sNULL };\n",
	               o.needs.p ? o.needs.p : "");
	bw_buf__printf(&body, "/* the heads that name an SMTP stage: a phrase each */\n"
	                      "static const struct wrapper_stage {\n\tconst char *stage;\n"
	                      "\tconst char *mark;\n} wrapper_stages[] = {\n%s\t{ NULL, NULL }\n};\n",
	               o.stages.p ? o.stages.p : "");
	rc = write_header(outp, "wrappers.vocab", &body);
	bw_buf__free(&body);
	bw_buf__free(&lit);
	bw_buf__free(&o.pattern);
	bw_buf__free(&o.needs);
	bw_buf__free(&o.stages);
	return rc;
}

/* ---- phrase lists -> C string lists ---------------------------------- */

static const char *const phrase_keys[] = { "words", NULL };
static const char *const *const phrase_kind_keys[] = { phrase_keys };
static const char *const phrase_kinds[] = { "phrases", NULL };

typedef struct phrase_out {
	bw_buf defs;              /* one #define per section */
	const char *vocab;        /* the file's name, for the comments */
} phrase_out;

static int phrase_bad(const char *file, const bw_rsyn_section *sec, const char *what, const char *item)
{
	return bw_error__set(BW_ERULES, "%s:%u: phrases %s: %s%s%s", file, sec->line, sec->id, what,
	                     item ? ": " : "", item ? item : "");
}

/* [phrases ID] words = a | b | "c " ...: a list of literal phrases, split
 * at '|'; each is trimmed unless written in double quotes (which keep
 * spaces at its ends and a '|' inside).  Becomes
 * "#define BW_PHRASES_ID "a", "b", "c "" for the C file to put inside
 * an array's braces. */
static int phrase_section(void *ctx, const char *file, const bw_rsyn_section *sec)
{
	phrase_out *o = ctx;
	const char *words = value(sec, "words"), *p;
	char **seen = NULL;
	size_t n_seen = 0, cap = 0, i;
	int rc = BW_OK;

	if (!words || !*words)
		return phrase_bad(file, sec, "needs words", NULL);
	bw_buf__printf(&o->defs, "/* %s, [phrases %s] */\n#define BW_PHRASES_", o->vocab, sec->id);
	for (p = sec->id; *p; p++)
		bw_buf__putc(&o->defs, *p == '-' ? '_' : (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p));
	bw_buf__putc(&o->defs, ' ');
	for (p = words; rc == BW_OK && *p;) {
		const char *b, *e;
		char *item;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '"') {
			b = ++p;
			if (!(e = strchr(p, '"'))) {
				rc = phrase_bad(file, sec, "unclosed quote", b);
				break;
			}
			p = e + 1;
			while (*p == ' ' || *p == '\t')
				p++;
			if (*p && *p != '|') {
				rc = phrase_bad(file, sec, "text after a quoted phrase", b);
				break;
			}
		} else {
			b = p;
			p += strcspn(p, "|");
			e = p;
			while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
				e--;
		}
		if (*p == '|')
			p++;
		if (e == b) {
			rc = phrase_bad(file, sec, "empty phrase", NULL);
			break;
		}
		if (!(item = bw_strndup(b, (size_t)(e - b)))) {
			rc = bw_error__set(BW_ENOMEM, "out of memory");
			break;
		}
		for (i = 0; i < n_seen && strcmp(seen[i], item) != 0; i++)
			;
		if (i < n_seen) {
			rc = phrase_bad(file, sec, "phrase given twice", item);
			free(item);
			break;
		}
		if (bw_grow((void **)&seen, &cap, n_seen, sizeof(*seen), 64) != BW_OK) {
			free(item);
			rc = bw_error__set(BW_ENOMEM, "out of memory");
			break;
		}
		seen[n_seen++] = item;
		if (n_seen > 1)
			bw_buf__puts(&o->defs, ", ");
		cstr(&o->defs, item);
	}
	bw_buf__putc(&o->defs, '\n');
	for (i = 0; i < n_seen; i++)
		free(seen[i]);
	free(seen);
	if (rc == BW_OK && o->defs.oom)
		rc = bw_error__set(BW_ENOMEM, "out of memory");
	return rc;
}

static int generate_phrases(const char *in, const char *outp)
{
	const char *base = strrchr(in, '/');
	phrase_out o = { { 0 }, base ? base + 1 : in };
	bw_rsyn_grammar g = { phrase_kinds, phrase_kind_keys, negation_repeatable, check_id,
	                      phrase_section, &o };
	int rc;

	if (read_vocab(in, &g))
		return 1;
	rc = write_header(outp, o.vocab, &o.defs);
	bw_buf__free(&o.defs);
	return rc;
}

int main(int argc, char **argv)
{
	out o;
	bw_rsyn_grammar g = { kinds, kind_keys, repeatable, check_id, reason_section, &o };
	char *text;
	size_t len = 0, i;
	FILE *f;
	int rc;

	if (argc == 4 && strcmp(argv[1], "--negation") == 0)
		return generate_negation(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "--wrappers") == 0)
		return generate_wrappers(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "--phrases") == 0)
		return generate_phrases(argv[2], argv[3]);
	if (argc != 3) {
		fprintf(stderr, "usage: gen-vocab [--negation|--wrappers|--phrases] INPUT.vocab OUTPUT.h\n");
		return 2;
	}
	memset(&o, 0, sizeof(o));
	if (bw_read_file(argv[1], &text, &len) < 0) {
		fprintf(stderr, "gen-vocab: %s\n", bw_error_message());
		return 1;
	}
	rc = bw_rsyn__parse(&g, argv[1], text, len);
	free(text);
	if (rc < 0) {
		fprintf(stderr, "gen-vocab: %s\n", bw_error_message());
		return 1;
	}
	if (!(f = fopen(argv[2], "w"))) {
		perror(argv[2]);
		return 1;
	}
	fputs("/* Generated by tools/gen-vocab.c from rules/vocabulary/reasons.vocab:\n"
	      " * do not edit. */\n", f);
	fputs(o.remedies.p ? o.remedies.p : "", f);
	fputs("static const bw_reason_info reasons[] = {\n", f);
	fputs(o.table.p ? o.table.p : "", f);
	fputs("};\n", f);
	fputs("static const bw_code_reason status_details[] = {\n", f);
	fputs(o.status.p ? o.status.p : "\t{ NULL, NULL },\n", f);
	fputs("};\n", f);
	fputs("static const bw_code_reason reply_codes[] = {\n", f);
	fputs(o.reply.p ? o.reply.p : "\t{ NULL, NULL },\n", f);
	fputs("};\n", f);
	if (fclose(f) != 0) {
		perror(argv[2]);
		return 1;
	}
	for (i = 0; i < o.n; i++)
		free(o.names[i]);
	free(o.names);
	for (i = 0; i < o.n_codes; i++)
		free(o.codes[i]);
	free(o.codes);
	bw_buf__free(&o.status);
	bw_buf__free(&o.reply);
	bw_buf__free(&o.remedies);
	bw_buf__free(&o.table);
	return 0;
}
