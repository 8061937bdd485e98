/*
 * ledger_policy.c - the ledger's policy as data: the defaults, the policy
 * file ("key = value" lines, "#" comments; lists separated by spaces or
 * commas) and its printed form.  One table describes every key: its name,
 * its kind, where it lives in bw_policy, its default and its comment.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "ledger.h"
#include "util.h"

typedef enum { K_BOOL, K_LONG, K_LIST, K_STRING } key_kind;

typedef struct policy_key {
	const char *name;
	key_kind kind;
	size_t offset;
	const char *def;
	const char *doc;
} policy_key;

#define F(field) offsetof(bw_policy, field)

static const policy_key keys[] = {
	{ "hard_suppress", K_BOOL, F(hard_suppress), "yes",
	  "A hard bounce whose fault is one of hard_faults suppresses the address at once." },
	{ "hard_faults", K_LIST, F(hard_faults), "recipient",
	  "Faults for which a hard bounce counts (the address itself is bad)." },
	{ "soft_count", K_LONG, F(soft_count), "3",
	  "Soft bounces suppress after soft_count of them ..." },
	{ "soft_days", K_LONG, F(soft_days), "14",
	  "... spread over at least soft_days days, with no success in between." },
	{ "count_delays", K_BOOL, F(count_delays), "no",
	  "Delay notices count as soft bounces." },
	{ "sender_faults", K_LIST, F(sender_faults), "sender",
	  "Faults that never count against the address (block lists, reputation,\n"
	  "# authentication, rate limits); they raise a sender alert per provider." },
	{ "alert_days", K_LONG, F(alert_days), "7",
	  "Sender alerts cover the last alert_days days." },
	{ "outage_reasons", K_LIST, F(outage_reasons), "userunknown hostunknown",
	  "Hard bounces with these reasons may be a receiver's outage ..." },
	{ "outage_threshold", K_LONG, F(outage_threshold), "10",
	  "... when at least outage_threshold addresses at one domain bounce so ..." },
	{ "outage_minutes", K_LONG, F(outage_minutes), "60",
	  "... within outage_minutes of each other: they are held, not suppressed." },
	{ "complaint_unsubscribes", K_BOOL, F(complaint_unsubscribes), "yes",
	  "An ARF complaint unsubscribes the complaining address." },
	{ "verp_prefix", K_STRING, F(verp_prefix), "",
	  "VERP: the local-part prefix of the list's bounce address (\"list-bounces\"\n"
	  "# for list-bounces+user=example.com@lists.example.org; \"*\": any).  Empty: off." },
	{ "verp_separator", K_STRING, F(verp_separator), "+",
	  "VERP: the character between the prefix and the encoded address." },
	{ "subscriber_header", K_STRING, F(subscriber_header), "",
	  "A header of the returned original naming the subscriber (X-Subscriber).  Empty: off." },
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static void list_clear(bw_policy_list *l)
{
	int i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	l->n = 0;
}

static int list_set(bw_policy_list *l, const char *value)
{
	char *copy = bw_strdup(value), *tok, *save = NULL;

	if (!copy)
		return BW_ENOMEM;
	list_clear(l);
	for (tok = strtok_r(copy, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save)) {
		if (l->n == BW_POLICY_MAX_LIST) {
			free(copy);
			return BW_ELIMIT;
		}
		l->v[l->n++] = bw_strdup(tok);
	}
	free(copy);
	return BW_OK;
}

bool bw_policy__has(const bw_policy_list *l, const char *s)
{
	int i;

	if (!s)
		return false;
	for (i = 0; i < l->n; i++)
		if (bw_strcasecmp(l->v[i], s) == 0)
			return true;
	return false;
}

/* Sets one key from its text; BW_EINVALID when the value does not fit. */
static int set_key(bw_policy *p, const policy_key *k, const char *value)
{
	char *at = (char *)p + k->offset, *end;
	long v;

	switch (k->kind) {
	case K_BOOL:
		if (!bw_strcasecmp(value, "yes") || !bw_strcasecmp(value, "true") || !strcmp(value, "1"))
			*(bool *)at = true;
		else if (!bw_strcasecmp(value, "no") || !bw_strcasecmp(value, "false") || !strcmp(value, "0"))
			*(bool *)at = false;
		else
			return BW_EINVALID;
		return BW_OK;
	case K_LONG:
		errno = 0;
		v = strtol(value, &end, 10);
		if (end == value || *end || errno || v < 0)
			return BW_EINVALID;
		*(long *)at = v;
		return BW_OK;
	case K_LIST:
		return list_set((bw_policy_list *)at, value);
	case K_STRING: {
		char *copy = bw_strdup(value);
		if (!copy)
			return BW_ENOMEM;
		free(*(char **)at);
		*(char **)at = copy;
		return BW_OK;
	}
	}
	return BW_EINVALID;
}

void bw_policy__defaults(bw_policy *p)
{
	size_t i;

	memset(p, 0, sizeof(*p));
	p->source = bw_strdup("");
	for (i = 0; i < NKEYS; i++)
		set_key(p, &keys[i], keys[i].def);
}

void bw_policy__clear(bw_policy *p)
{
	size_t i;

	for (i = 0; i < NKEYS; i++) {
		char *at = (char *)p + keys[i].offset;
		if (keys[i].kind == K_LIST)
			list_clear((bw_policy_list *)at);
		else if (keys[i].kind == K_STRING)
			free(*(char **)at);
	}
	free(p->source);
	memset(p, 0, sizeof(*p));
}

int bw_policy__load(bw_policy *p, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024], *name, *value, *eq;
	unsigned lineno = 0;
	size_t i;
	int rc;

	if (!f)
		return bw_error__set(BW_EIO, "policy %s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if ((eq = strchr(line, '#')))
			*eq = '\0';
		name = bw_trim(line);
		if (!*name)
			continue;
		if (!(eq = strchr(name, '='))) {
			fclose(f);
			return bw_error__set(BW_EINVALID, "policy %s:%u: expected key = value", path, lineno);
		}
		*eq = '\0';
		name = bw_trim(name);
		value = bw_trim(eq + 1);
		for (i = 0; i < NKEYS; i++)
			if (strcmp(keys[i].name, name) == 0)
				break;
		if (i == NKEYS) {
			fclose(f);
			return bw_error__set(BW_EINVALID, "policy %s:%u: unknown key '%s'", path, lineno, name);
		}
		if ((rc = set_key(p, &keys[i], value)) < 0) {
			fclose(f);
			return bw_error__set(rc == BW_ENOMEM ? BW_ENOMEM : BW_EINVALID,
			                     "policy %s:%u: bad value for %s: '%s'", path, lineno, name, value);
		}
	}
	fclose(f);
	if (p->soft_count < 1 || p->outage_threshold < 1)
		return bw_error__set(BW_EINVALID, "policy %s: soft_count and outage_threshold must be at least 1", path);
	free(p->source);
	p->source = bw_strdup(path);
	return BW_OK;
}

/* The current value of a key, as text in `b`. */
static void put_value(bw_buf *b, const bw_policy *p, const policy_key *k)
{
	const char *at = (const char *)p + k->offset;
	const bw_policy_list *l;
	int i;

	switch (k->kind) {
	case K_BOOL: bw_buf__puts(b, *(const bool *)at ? "yes" : "no"); break;
	case K_LONG: bw_buf__printf(b, "%ld", *(const long *)at); break;
	case K_STRING: bw_buf__puts(b, *(char *const *)at ? *(char *const *)at : ""); break;
	case K_LIST:
		l = (const bw_policy_list *)at;
		for (i = 0; i < l->n; i++)
			bw_buf__printf(b, "%s%s", i ? " " : "", l->v[i]);
		break;
	}
}

static void put_json_string(bw_buf *b, const char *s)
{
	bw_buf__putc(b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			bw_buf__printf(b, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			bw_buf__printf(b, "\\u%04x", *s);
		else
			bw_buf__putc(b, *s);
	}
	bw_buf__putc(b, '"');
}

int bw_policy__render(char **out, const bw_policy *p, bw_ledger_format format)
{
	bw_buf b = BW_BUF_INIT, v = BW_BUF_INIT;
	size_t i;
	int j;

	if (format == BW_LEDGER_JSON) {
		bw_buf__puts(&b, "{\"source\":");
		put_json_string(&b, p->source);
		for (i = 0; i < NKEYS; i++) {
			const char *at = (const char *)p + keys[i].offset;
			bw_buf__printf(&b, ",\"%s\":", keys[i].name);
			if (keys[i].kind == K_BOOL) {
				bw_buf__puts(&b, *(const bool *)at ? "true" : "false");
			} else if (keys[i].kind == K_LONG) {
				bw_buf__printf(&b, "%ld", *(const long *)at);
			} else if (keys[i].kind == K_STRING) {
				put_json_string(&b, *(char *const *)at);
			} else {
				const bw_policy_list *l = (const bw_policy_list *)at;
				bw_buf__putc(&b, '[');
				for (j = 0; j < l->n; j++) {
					if (j)
						bw_buf__putc(&b, ',');
					put_json_string(&b, l->v[j]);
				}
				bw_buf__putc(&b, ']');
			}
		}
		bw_buf__puts(&b, "}\n");
	} else {
		bw_buf__printf(&b, "# bouncewhy ledger policy (%s)\n",
		               p->source[0] ? p->source : "built-in defaults");
		for (i = 0; i < NKEYS; i++) {
			v.len = 0;
			if (v.p)
				v.p[0] = '\0';
			put_value(&v, p, &keys[i]);
			bw_buf__printf(&b, "\n# %s\n%s = %s\n", keys[i].doc, keys[i].name, v.p ? v.p : "");
		}
	}
	bw_buf__free(&v);
	if (b.oom) {
		bw_buf__free(&b);
		return bw_error__set(BW_ENOMEM, "out of memory");
	}
	*out = bw_buf__detach(&b);
	return *out ? BW_OK : bw_error__set(BW_ENOMEM, "out of memory");
}
