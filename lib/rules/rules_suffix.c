/*
 * rules_suffix.c - provider suffixes in a hash table (see rules_suffix.h).
 *
 * Open addressing over a power-of-two array, keyed by the ASCII-lower-cased
 * entry; an entry listed by several providers keeps the first.  A name is
 * looked up as itself, then as what follows each of its dots, longest
 * first (from the longest entry's length on): the first hit is the
 * longest entry it ends with.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules_suffix.h"
#include "../util.h"

struct slot {
	const char *s;              /* NULL: empty */
	size_t len;
	uint32_t hash;
	const bw_rset_provider *p;
};

struct bw_suffix_table {
	struct slot *slot;
	size_t mask;
	size_t longest;             /* the longest entry's length */
};

static uint32_t hash_ci(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (uint32_t)bw_lower((unsigned char)s[i])) * 16777619u;
	return h;
}

static const struct slot *find(const bw_suffix_table *t, const char *s, size_t n, uint32_t h)
{
	size_t i = h & t->mask;

	for (; t->slot[i].s; i = (i + 1) & t->mask)
		if (t->slot[i].hash == h && t->slot[i].len == n &&
		    bw_strncasecmp(t->slot[i].s, s, n) == 0)
			return &t->slot[i];
	return &t->slot[i];
}

bw_suffix_table *bw_suffix__build(const bw_rset_provider *const *prov, size_t n, int hosts)
{
	bw_suffix_table *t = calloc(1, sizeof(*t));
	size_t total = 0, cap = 16, i, j;

	if (!t)
		return NULL;
	for (i = 0; i < n; i++)
		total += hosts ? prov[i]->hosts.n : prov[i]->domains.n;
	while (cap < total * 2)
		cap *= 2;
	if (!(t->slot = calloc(cap, sizeof(*t->slot)))) {
		free(t);
		return NULL;
	}
	t->mask = cap - 1;
	for (i = 0; i < n; i++) {
		const bw_rstrv *l = hosts ? &prov[i]->hosts : &prov[i]->domains;

		for (j = 0; j < l->n; j++) {
			size_t len = strlen(l->v[j]);
			uint32_t h = hash_ci(l->v[j], len);
			struct slot *s = (struct slot *)find(t, l->v[j], len, h);

			if (!len || s->s)
				continue;   /* never matches, or listed before */
			s->s = l->v[j];
			s->len = len;
			if (len > t->longest)
				t->longest = len;
			s->hash = h;
			s->p = prov[i];
		}
	}
	return t;
}

void bw_suffix__free(bw_suffix_table *t)
{
	if (!t)
		return;
	free(t->slot);
	free(t);
}

const bw_rset_provider *bw_suffix__best(const bw_suffix_table *t, const char *name, size_t len)
{
	size_t at;

	/* only the ends no longer than the longest entry: a name of many
	 * labels costs no more than a short one */
	for (at = len > t->longest ? len - t->longest : 0; at < len; at++) {
		if (at == 0 || name[at - 1] == '.') {
			const struct slot *s = find(t, name + at, len - at, hash_ci(name + at, len - at));

			if (s->s)
				return s->p;
		}
	}
	return NULL;
}
