/*
 * record.c - building reports and recipients (see record.h).
 *
 * Every setter that fails for want of memory also sets the allocation
 * latch (error.h), so the parse that called it returns BW_ENOMEM even when
 * the caller ignored the setter's result.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "record.h"
#include "util.h"

static int grow(void **v, size_t *cap, size_t n, size_t size)
{
	if (bw_grow(v, cap, n, size, 4) == BW_OK)
		return BW_OK;
	bw_error__oom();   /* reported by the parse: see error.h */
	return BW_ENOMEM;
}

int bw_strlist__push_len(bw_strlist *l, const char *s, size_t len)
{
	char *copy;

	if (grow((void **)&l->v, &l->cap, l->n, sizeof(char *)) < 0)
		return BW_ENOMEM;
	if (!(copy = bw_strndup(s, len)))
		return BW_ENOMEM;
	l->v[l->n++] = copy;
	return BW_OK;
}

int bw_strlist__push(bw_strlist *l, const char *s)
{
	return bw_strlist__push_len(l, s, strlen(s));
}

void bw_strlist__clear(bw_strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Bytes of a bw_kvlist's block for cap entries: its three arrays (name,
 * value, key) in one allocation, so that a list grows (and is freed) with
 * one call to the allocator, not three (a message's header lists are the
 * most common; each grows three or four times). */
#define KV_ENTRY (2 * sizeof(char *) + sizeof(uint32_t))

/* Room for one more entry in l: its block doubled (from 4 entries, as
 * grow() does), the entries copied over.  BW_OK or BW_ENOMEM. */
static int kv_grow(bw_kvlist *l)
{
	size_t cap = l->cap ? l->cap * 2 : 4;
	char *block;

	if (l->n < l->cap)
		return BW_OK;
	if (cap > SIZE_MAX / KV_ENTRY || !(block = malloc(cap * KV_ENTRY))) {
		bw_error__oom();   /* reported by the parse: see error.h */
		return BW_ENOMEM;
	}
	if (l->n) {
		memcpy(block, l->name, l->n * sizeof(char *));
		memcpy(block + cap * sizeof(char *), l->value, l->n * sizeof(char *));
		memcpy(block + 2 * cap * sizeof(char *), l->key, l->n * sizeof(uint32_t));
	}
	free(l->name);
	l->name = (char **)(void *)block;
	l->value = (char **)(void *)(block + cap * sizeof(char *));
	l->key = (uint32_t *)(void *)(block + 2 * cap * sizeof(char *));
	l->cap = cap;
	return BW_OK;
}

int bw_kvlist__push_take(bw_kvlist *l, char *name, char *value)
{
	if (!name || !value || kv_grow(l) < 0) {
		free(name);
		free(value);
		return BW_ENOMEM;
	}
	l->name[l->n] = name;
	l->value[l->n] = value;
	l->key[l->n] = bw_kvlist__key(name);
	l->n++;
	return BW_OK;
}

int bw_kvlist__push(bw_kvlist *l, const char *name, const char *value)
{
	return bw_kvlist__push_take(l, bw_strdup(name), bw_strdup(value ? value : ""));
}

const char *bw_kvlist__get(const bw_kvlist *l, const char *name)
{
	size_t i;

	uint32_t key;

	if (!name)
		return NULL;
	key = bw_kvlist__key(name);
	for (i = 0; i < l->n; i++)
		if (l->key[i] == key && bw_strcasecmp(l->name[i], name) == 0)
			return l->value[i];
	return NULL;
}

void bw_kvlist__truncate(bw_kvlist *l, size_t n)
{
	while (l->n > n) {
		l->n--;
		free(l->name[l->n]);
		free(l->value[l->n]);
	}
}

void bw_kvlist__clear(bw_kvlist *l)
{
	bw_kvlist__truncate(l, 0);
	free(l->name);      /* the block: value and key are inside it */
	memset(l, 0, sizeof(*l));
}

bw_report *bw_report__new(size_t max_rcpt)
{
	bw_report *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->kind = BW_KIND_NOT_A_BOUNCE;
	r->max_rcpt = max_rcpt;
	return r;
}

void bw_recipient__free(bw_recipient *rc)
{
	size_t i;

	if (!rc)
		return;
	for (i = 0; i < BW_RCPT_FIELD_COUNT; i++)
		free(rc->f[i]);
	bw_strlist__clear(&rc->remedies);
	bw_strlist__clear(&rc->references);
	bw_strlist__clear(&rc->evidence);
	bw_kvlist__clear(&rc->extras);
	free(rc->limit_rule);
	free(rc->notice);
	free(rc);
}

int bw_recipient__set_notice(bw_recipient *rc, const char *text, size_t len)
{
	char *copy;

	if (len > BW_NOTICE_MAX) {
		size_t cut = BW_NOTICE_MAX;

		while (cut > 0 && text[cut - 1] != '\n')
			cut--;
		len = cut ? cut : BW_NOTICE_MAX;
	}
	/* one line, as diagnostics are */
	if (!(copy = bw_squeeze_dup(text, len)))
		return BW_ENOMEM;
	free(rc->notice);
	rc->notice = copy;
	return BW_OK;
}

bw_recipient *bw_report__add_recipient(bw_report *r)
{
	bw_recipient *rc;

	if (r->max_rcpt && r->n_rcpt >= r->max_rcpt) {
		if (!r->rcpt_dropped)
			bw_report__warn(r, "more than %zu recipients: the rest were not kept", r->max_rcpt);
		r->rcpt_dropped = true;
		return NULL;
	}
	if (grow((void **)&r->rcpt, &r->cap_rcpt, r->n_rcpt, sizeof(*r->rcpt)) < 0)
		return NULL;
	if (!(rc = calloc(1, sizeof(*rc)))) {
		bw_error__oom();
		return NULL;
	}
	rc->permanent = -1;
	rc->hard_bounce = -1;
	r->rcpt[r->n_rcpt++] = rc;
	return rc;
}

void bw_report__remove_recipient(bw_report *r, size_t i)
{
	if (i >= r->n_rcpt)
		return;
	bw_recipient__free(r->rcpt[i]);
	memmove(&r->rcpt[i], &r->rcpt[i + 1], (r->n_rcpt - i - 1) * sizeof(*r->rcpt));
	r->n_rcpt--;
}

static int set_field(char **slot, const char *value, size_t len)
{
	char *copy = NULL;

	if (value && len) {
		if (!(copy = bw_strndup(value, len)))
			return BW_ENOMEM;
	}
	free(*slot);
	*slot = copy;
	return BW_OK;
}

int bw_report__set(bw_report *r, bw_report_field f, const char *value)
{
	return set_field(&r->f[f], value, value ? strlen(value) : 0);
}

int bw_report__warn(bw_report *r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (r->warnings.n >= 64)
		return BW_OK;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (i = 0; i < r->warnings.n; i++)
		if (strcmp(r->warnings.v[i], msg) == 0)
			return BW_OK;     /* each warning once */
	return bw_strlist__push(&r->warnings, msg);
}

int bw_recipient__set_len(bw_recipient *rc, bw_recipient_field f, const char *value, size_t len)
{
	return set_field(&rc->f[f], value, len);
}

int bw_recipient__set(bw_recipient *rc, bw_recipient_field f, const char *value)
{
	return set_field(&rc->f[f], value, value ? strlen(value) : 0);
}

int bw_recipient__evidence(bw_recipient *rc, const char *fmt, ...)
{
	char small[256], *msg = small;
	va_list ap;
	int n, err;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return BW_EINVALID;
	if ((size_t)n >= sizeof(small)) {   /* whole, however long */
		if (!(msg = malloc((size_t)n + 1)))
			return BW_ENOMEM;
		va_start(ap, fmt);
		vsnprintf(msg, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	err = bw_strlist__push(&rc->evidence, msg);
	if (msg != small)
		free(msg);
	return err;
}
