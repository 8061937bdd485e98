/*
 * rules_syntax.c - groups the lines of a rule or vocabulary file into
 * sections (rules_syntax.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_syntax.h"
#include "../error.h"
#include "bouncewhy.h"

static void section_reset(bw_rsyn_section *sec)
{
	size_t i;

	for (i = 0; i < sec->n; i++) {
		free(sec->e[i].key);
		bw_buf__free(&sec->e[i].value);
	}
	free(sec->e);
	free(sec->id);
	memset(sec, 0, sizeof(*sec));
	sec->kind = -1;
}

static int in_list(const char *const *list, const char *word)
{
	for (; list && *list; list++)
		if (strcmp(*list, word) == 0)
			return 1;
	return 0;
}

/* "[provider], [rule], [advice] or [fragment]", each name followed by
 * `suffix` inside its brackets. */
static void kind_list(const bw_rsyn_grammar *g, const char *suffix, char *out, size_t size)
{
	size_t i, n = 0, used = 0;

	while (g->kinds[n])
		n++;
	out[0] = '\0';
	for (i = 0; i < n && used < size; i++)
		used += (size_t)snprintf(out + used, size - used, "%s[%s%s]",
		                         i == 0 ? "" : i + 1 == n ? " or " : ", ", g->kinds[i], suffix);
}

static int finish_section(const bw_rsyn_grammar *g, const char *file, bw_rsyn_section *sec)
{
	int rc = sec->kind >= 0 ? g->section(g->ctx, file, sec) : BW_OK;

	section_reset(sec);
	return rc;
}

static int start_section(const bw_rsyn_grammar *g, bw_rsyn_section *sec, const char *file,
                         unsigned int lineno, char *line)
{
	char *end = strrchr(line, ']'), *inner, *sp, *id, kinds[160];
	const char *msg;
	int k;

	if (!end || bw_trim(end + 1)[0] != '\0')
		return bw_error__set(BW_ERULES, "%s:%u: section header must end with ']'", file, lineno);
	*end = '\0';
	inner = bw_trim(line + 1);
	sp = inner;
	while (*sp && !bw_isspace((unsigned char)*sp))
		sp++;
	if (!*sp) {
		kind_list(g, " ID", kinds, sizeof(kinds));
		return bw_error__set(BW_ERULES, "%s:%u: expected %s", file, lineno, kinds);
	}
	*sp = '\0';
	id = bw_trim(sp + 1);
	for (k = 0; g->kinds[k] && strcmp(g->kinds[k], inner) != 0; k++)
		;
	if (!g->kinds[k]) {
		kind_list(g, "", kinds, sizeof(kinds));
		return bw_error__set(BW_ERULES, "%s:%u: unknown section '%s' (expected %s)",
		                     file, lineno, inner, kinds);
	}
	if ((msg = g->check_id(id)) || strchr(id, ' '))
		return bw_error__set(BW_ERULES, "%s:%u: bad %s id '%s': %s", file, lineno, inner, id,
		                     msg ? msg : "one word expected");
	sec->kind = k;
	sec->line = lineno;
	sec->id = bw_strdup(id);
	return sec->id ? BW_OK : bw_error__set(BW_ENOMEM, "out of memory");
}

static int add_entry(const bw_rsyn_grammar *g, bw_rsyn_section *sec, const char *file,
                     unsigned int lineno, char *line)
{
	char *eq = strchr(line, '='), *key, *val, kinds[160];
	bw_rsyn_entry *e;
	size_t i;

	if (!eq)
		return bw_error__set(BW_ERULES, "%s:%u: expected 'key = value'", file, lineno);
	*eq = '\0';
	key = bw_trim(line);
	val = bw_trim(eq + 1);
	if (sec->kind < 0) {
		kind_list(g, "", kinds, sizeof(kinds));
		return bw_error__set(BW_ERULES, "%s:%u: '%s' outside a %s section",
		                     file, lineno, key, kinds);
	}
	if (!in_list(g->keys[sec->kind], key))
		return bw_error__set(BW_ERULES, "%s:%u: unknown key '%s' in a %s section",
		                     file, lineno, key, g->kinds[sec->kind]);
	if (!in_list(g->repeatable, key))
		for (i = 0; i < sec->n; i++)
			if (strcmp(sec->e[i].key, key) == 0)
				return bw_error__set(BW_ERULES, "%s:%u: '%s' given twice (first at line %u)",
				                     file, lineno, key, sec->e[i].line);
	if (!*val)
		return bw_error__set(BW_ERULES, "%s:%u: '%s' has an empty value", file, lineno, key);
	if (bw_grow((void **)&sec->e, &sec->cap, sec->n, sizeof(*sec->e), 16) < 0)
		return bw_error__set(BW_ENOMEM, "out of memory");
	e = &sec->e[sec->n];
	memset(e, 0, sizeof(*e));
	e->key = bw_strdup(key);
	e->line = lineno;
	if (!e->key)
		return bw_error__set(BW_ENOMEM, "out of memory");
	sec->n++;
	bw_buf__puts(&e->value, val);
	return e->value.oom ? bw_error__set(BW_ENOMEM, "out of memory") : BW_OK;
}

int bw_rsyn__parse(const bw_rsyn_grammar *g, const char *file, const char *buf, size_t len)
{
	bw_rsyn_section sec;
	const char *p = buf, *end = buf + len;
	unsigned int lineno = 0;
	bw_rsyn_entry *open_entry = NULL;
	int rc = BW_OK;

	memset(&sec, 0, sizeof(sec));
	sec.kind = -1;
	if (len >= BW_LITERAL_LEN("\xEF\xBB\xBF"))
		BW_SKIP_PREFIX(p, "\xEF\xBB\xBF");    /* a UTF-8 byte order mark */
	while (p < end && rc == BW_OK) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (nl ? nl : end) - p;
		char *line = bw_strndup(p, n), *t;

		p = nl ? nl + 1 : end;
		lineno++;
		if (!line) {
			rc = bw_error__set(BW_ENOMEM, "out of memory");
			break;
		}
		if (memchr(line, '\0', n)) {
			rc = bw_error__set(BW_ERULES, "%s:%u: NUL byte in the file", file, lineno);
		} else if (line[0] == '#') {
			/* comment: keeps an open entry open */
		} else if (bw_trim(line)[0] == '\0') {
			open_entry = NULL;
		} else if (line[0] == ' ' || line[0] == '\t') {
			if (!open_entry) {
				rc = bw_error__set(BW_ERULES, "%s:%u: continuation line without a key above it",
				                   file, lineno);
			} else {
				t = bw_trim(line);
				bw_buf__putc(&open_entry->value, ' ');
				bw_buf__puts(&open_entry->value, t);
				if (open_entry->value.oom)
					rc = bw_error__set(BW_ENOMEM, "out of memory");
			}
		} else if (line[0] == '[') {
			open_entry = NULL;
			rc = finish_section(g, file, &sec);
			if (rc == BW_OK)
				rc = start_section(g, &sec, file, lineno, bw_trim(line));
		} else {
			rc = add_entry(g, &sec, file, lineno, line);
			open_entry = rc == BW_OK ? &sec.e[sec.n - 1] : NULL;
		}
		free(line);
	}
	if (rc == BW_OK)
		rc = finish_section(g, file, &sec);
	section_reset(&sec);
	return rc;
}
