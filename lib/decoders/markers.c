/*
 * markers.c - one pass over a body for all the decoders' markers (see
 * markers.h): an Aho-Corasick automaton over the lower-cased phrases, its
 * transitions complete (a table per state over the byte classes the
 * phrases use; every other byte leads back to the start).
 */
#include <stdlib.h>
#include <string.h>

#include "markers.h"
#include "../util.h"

struct bw_markers {
	size_t n_pat;
	char **pat;          /* lower-cased */
	size_t *len;
	unsigned nc;         /* byte classes; 0: a byte no phrase has */
	uint8_t cls[256];
	/* delta[state * nc + class] = (next state * nc) << 1 | (does the
	 * next state end a phrase, itself or by its suffixes) */
	uint32_t *delta;
	int32_t *out;        /* the phrase a state ends (-1: none) */
	uint32_t *dict;      /* the nearest proper suffix state ending one (0: none) */
};

static void markers_free(bw_markers *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n_pat; i++)
		free(s->pat[i]);
	free(s->pat);
	free(s->len);
	free(s->delta);
	free(s->out);
	free(s->dict);
	free(s);
}

static int add_pattern(bw_markers *s, const char *phrase, size_t cap)
{
	size_t n, i;
	char *low;

	if (!phrase)
		return -1;   /* a list shorter than its count: no scanner */
	n = strlen(phrase);
	for (i = 0; i < s->n_pat; i++)
		if (s->len[i] == n && bw_strncasecmp(s->pat[i], phrase, n) == 0)
			return (int)i;
	if (s->n_pat == cap || !(low = malloc(n + 1)))
		return -1;
	for (i = 0; i < n; i++)
		low[i] = (char)bw_lower((unsigned char)phrase[i]);
	low[n] = '\0';
	s->pat[s->n_pat] = low;
	s->len[s->n_pat] = n;
	return (int)s->n_pat++;
}

static int compile(bw_markers *s)
{
	size_t total = 1, n_states = 1, i, j, head = 0, tail = 0;
	unsigned nc = 1, c;
	uint32_t *fail = NULL, *queue = NULL;
	int err = -1;

	for (i = 0; i < s->n_pat; i++) {
		total += s->len[i];
		for (j = 0; j < s->len[i]; j++) {
			unsigned char b = (unsigned char)s->pat[i][j];

			if (!s->cls[b]) {
				s->cls[b] = (uint8_t)nc;
				if (b >= 'a' && b <= 'z')
					s->cls[b - 32] = (uint8_t)nc;
				nc++;
			}
		}
	}
	if (nc > 256 || total > (UINT32_MAX >> 1) / nc)
		return -1;
	s->nc = nc;
	s->delta = calloc(total * nc, sizeof(uint32_t));
	s->out = malloc(total * sizeof(int32_t));
	s->dict = calloc(total, sizeof(uint32_t));
	fail = calloc(total, sizeof(uint32_t));
	queue = malloc(total * sizeof(uint32_t));
	if (!s->delta || !s->out || !s->dict || !fail || !queue)
		goto done;
	for (i = 0; i < total; i++)
		s->out[i] = -1;
	/* the trie (states as numbers for now; 0 = the start, and "none") */
	for (i = 0; i < s->n_pat; i++) {
		uint32_t st = 0;

		if (!s->len[i])
			continue;   /* found everywhere: bw_markers__scan */
		for (j = 0; j < s->len[i]; j++) {
			uint32_t *t = &s->delta[(size_t)st * nc + s->cls[(unsigned char)s->pat[i][j]]];

			if (!*t)
				*t = (uint32_t)n_states++;
			st = *t;
		}
		s->out[st] = (int32_t)i;
	}
	/* breadth first: failure links, completed transitions, suffix outputs */
	for (c = 0; c < nc; c++)
		if (s->delta[c])
			queue[tail++] = s->delta[c];
	while (head < tail) {
		uint32_t st = queue[head++];

		for (c = 0; c < nc; c++) {
			uint32_t *t = &s->delta[(size_t)st * nc + c];
			uint32_t via = s->delta[(size_t)fail[st] * nc + c];

			if (*t) {
				fail[*t] = via;
				s->dict[*t] = s->out[via] >= 0 ? via : s->dict[via];
				queue[tail++] = *t;
			} else {
				*t = via;
			}
		}
	}
	/* state numbers to row offsets, with the "ends a phrase" bit */
	for (i = 0; i < n_states * nc; i++) {
		uint32_t t = s->delta[i];

		s->delta[i] = (uint32_t)((t * nc) << 1) | (s->out[t] >= 0 || s->dict[t]);
	}
	err = 0;
done:
	free(fail);
	free(queue);
	return err;
}

bw_markers *bw_markers__new(const char *const *const *lists, const size_t *counts, size_t n,
                            uint16_t **ids)
{
	bw_markers *s = calloc(1, sizeof(*s));
	size_t cap = 0, k, i;

	for (k = 0; k < n; k++) {
		cap += counts[k];
		ids[k] = NULL;
	}
	if (!s || cap > UINT16_MAX || !(s->pat = calloc(cap + 1, sizeof(char *))) ||
	    !(s->len = calloc(cap + 1, sizeof(size_t))))
		goto fail;
	for (k = 0; k < n; k++) {
		if (!counts[k])
			continue;
		if (!(ids[k] = malloc(counts[k] * sizeof(uint16_t))))
			goto fail;
		for (i = 0; i < counts[k]; i++) {
			int p = add_pattern(s, lists[k][i], cap);

			if (p < 0)
				goto fail;
			ids[k][i] = (uint16_t)p;
		}
	}
	if (compile(s) < 0)
		goto fail;
	return s;
fail:
	for (k = 0; k < n; k++) {
		free(ids[k]);
		ids[k] = NULL;
	}
	markers_free(s);
	return NULL;
}

size_t bw_markers__count(const bw_markers *s)
{
	return s->n_pat;
}

const size_t *bw_markers__lengths(const bw_markers *s)
{
	return s->len;
}

void bw_markers__scan(const bw_markers *s, const char *text, size_t len, size_t *at)
{
	const unsigned char *p = (const unsigned char *)text;
	const uint32_t *delta = s->delta;
	const uint8_t *cls = s->cls;
	uint32_t v = 0;
	size_t i;

	for (i = 0; i < s->n_pat; i++)
		at[i] = s->len[i] || !text ? SIZE_MAX : 0;
	if (!text)
		return;
	for (i = 0; i < len; i++) {
		v = delta[(v >> 1) + cls[p[i]]];
		if (v & 1) {
			uint32_t st = (v >> 1) / s->nc;

			if (s->out[st] < 0)
				st = s->dict[st];
			for (; st; st = s->dict[st]) {
				size_t k = (size_t)s->out[st];

				if (at[k] == SIZE_MAX)
					at[k] = i + 1 - s->len[k];
			}
		}
	}
}

const char *bw_found__first(const bw_found *f, size_t from, size_t n, size_t len, size_t *which)
{
	size_t best = SIZE_MAX, i;

	for (i = 0; i < n; i++) {
		size_t p = f->id[from + i];

		if (f->at[p] < best && f->at[p] + f->len[p] <= len) {
			best = f->at[p];
			if (which)
				*which = i;
		}
	}
	return best == SIZE_MAX ? NULL : f->body + best;
}
