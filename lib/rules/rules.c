/*
 * rules.c - the public life cycle of a rule set: open (base database plus
 * overlays), free, count, path, metadata, and bw_rules_compile().
 *
 * Layers: [0] is the base database (opts->path, else $BOUNCEWHY_RULES, else
 * BW_DATADIR/rules.db; "" opens no base), then each overlay in the order
 * given.  An overlay is a compiled database (recognised by the SQLite header)
 * or .rules text (a file or a directory).  A provider id defined again by a
 * later layer replaces the earlier definition.  Rule precedence is in
 * doc/rules-format.md: overlay rules first (later overlays first), then the
 * base by tier, priority and source order.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_impl.h"
#include "../error.h"
#include "../util.h"

#ifndef BW_DATADIR
#define BW_DATADIR "/usr/local/share/bouncewhy"
#endif

int bw_rules_options_init(bw_rules_options *opts, unsigned int version)
{
	bw_rules_options init = BW_RULES_OPTIONS_INIT;

	if (!opts || version != BW_RULES_OPTIONS_VERSION)
		return bw_error__set(BW_EINVALID, "bw_rules_options_init: version %u, expected %u",
		                     version, (unsigned)BW_RULES_OPTIONS_VERSION);
	*opts = init;
	return BW_OK;
}

void bw_rules_free(bw_rules *rules)
{
	size_t i;

	if (!rules)
		return;
	bw_rules__release_compiled(rules);
	for (i = 0; i < rules->n_layers; i++)
		bw_rset__free(&rules->layers[i]);
	free(rules->layers);
	free(rules->rules);
	free(rules->prov);
	free(rules->path);
	free(rules);
}

static int load_layer(bw_rules *rules, size_t k, const char *source)
{
	const bw_rset *lower[64];
	const bw_rset **extra = lower;
	size_t i;
	int rc, is_db;

	if (k > sizeof(lower) / sizeof(lower[0])) {
		extra = malloc(k * sizeof(*extra));
		if (!extra)
			return bw_error__set(BW_ENOMEM, "out of memory");
	}
	for (i = 0; i < k; i++)
		extra[i] = &rules->layers[i];
	is_db = bw_rset__is_db(source);
	if (is_db < 0) {
		char msg[512];

		snprintf(msg, sizeof(msg), "%s", bw_error_message());
		rc = bw_error__set(BW_ERULES, "rule overlay %s", msg);
	}
	else if (is_db)
		rc = bw_rset__read_db(&rules->layers[k], source);
	else
		rc = bw_rset__load_text(&rules->layers[k], &source, 1, extra, k);
	if (rc == BW_OK && is_db)
		rc = bw_rset__validate(&rules->layers[k], extra, k);
	if (extra != lower)
		free(extra);
	return rc;
}

static int merge_providers(bw_rules *rules)
{
	size_t total = 0, i, j, k;

	for (i = 0; i < rules->n_layers; i++)
		total += rules->layers[i].n_prov;
	rules->prov = calloc(total ? total : 1, sizeof(*rules->prov));
	if (!rules->prov)
		return bw_error__set(BW_ENOMEM, "out of memory");
	for (i = 0; i < rules->n_layers; i++) {
		for (j = 0; j < rules->layers[i].n_prov; j++) {
			const bw_rset_provider *p = &rules->layers[i].prov[j];

			for (k = 0; k < rules->n_prov; k++)
				if (strcmp(rules->prov[k]->id, p->id) == 0)
					break;
			rules->prov[k] = p;
			if (k == rules->n_prov)
				rules->n_prov++;
		}
	}
	return BW_OK;
}

/* Precedence order (doc/rules-format.md, "Precedence"). */
static int rule_cmp(const void *a, const void *b)
{
	const struct bw_rule *x = a, *y = b;
	/* base (layer 0) last; among overlays the later (higher layer) first;
	 * an overlay's lexicon rules vote with the base's (one lexicon tier) */
	size_t rx = x->layer && x->src->tier != BW_TIER_LEXICON ? SIZE_MAX - x->layer : SIZE_MAX;
	size_t ry = y->layer && y->src->tier != BW_TIER_LEXICON ? SIZE_MAX - y->layer : SIZE_MAX;

	if (rx != ry)
		return rx < ry ? -1 : 1;
	if (x->src->tier != y->src->tier)
		return x->src->tier < y->src->tier ? -1 : 1;
	/* Among provider rules, those that require the recipient's provider
	 * come before those whose text alone is specific. */
	if (!x->src->provider != !y->src->provider)
		return x->src->provider ? -1 : 1;
	if (x->src->priority != y->src->priority)
		return x->src->priority > y->src->priority ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return 0;
}

static int build_rules(bw_rules *rules)
{
	size_t total = 0, i, j, n = 0;

	for (i = 0; i < rules->n_layers; i++)
		total += rules->layers[i].n_rule;
	rules->rules = calloc(total ? total : 1, sizeof(*rules->rules));
	if (!rules->rules)
		return bw_error__set(BW_ENOMEM, "out of memory");
	for (i = 0; i < rules->n_layers; i++) {
		for (j = 0; j < rules->layers[i].n_rule; j++) {
			struct bw_rule *r = &rules->rules[n++];

			r->src = &rules->layers[i].rule[j];
			r->layer = i;
			r->seq = j;
			r->tier = i && r->src->tier != BW_TIER_LEXICON ? BW_TIER_OVERLAY : r->src->tier;
		}
	}
	rules->n_rules = n;
	qsort(rules->rules, n, sizeof(*rules->rules), rule_cmp);
	return BW_OK;
}

int bw_rules_open(bw_rules **out, const bw_rules_options *opts)
{
	const char *path;
	bw_rules *rules;
	size_t i, n_over;
	int rc = BW_OK;

	if (!out)
		return bw_error__set(BW_EINVALID, "bw_rules_open: out is NULL");
	*out = NULL;
	if (opts && opts->version != BW_RULES_OPTIONS_VERSION)
		return bw_error__set(BW_EINVALID, "bw_rules_open: options version %u, expected %u",
		                     opts->version, (unsigned)BW_RULES_OPTIONS_VERSION);
	n_over = opts ? opts->n_overlays : 0;
	if (n_over && !opts->overlays)
		return bw_error__set(BW_EINVALID, "bw_rules_open: n_overlays without overlays");
	path = opts && opts->path ? opts->path : getenv("BOUNCEWHY_RULES");
	if (!path || (!*path && !(opts && opts->path)))
		path = BW_DATADIR "/rules.db";

	rules = calloc(1, sizeof(*rules));
	if (!rules)
		return bw_error__set(BW_ENOMEM, "out of memory");
	rules->layers = calloc(1 + n_over, sizeof(*rules->layers));
	rules->path = bw_strdup(path);
	if (!rules->layers || !rules->path) {
		bw_rules_free(rules);
		return bw_error__set(BW_ENOMEM, "out of memory");
	}
	rules->n_layers = 1 + n_over;
	if (*path) {
		rc = bw_rset__read_db(&rules->layers[0], path);
		if (rc == BW_OK)
			rc = bw_rset__validate(&rules->layers[0], NULL, 0);
	} else {
		rules->layers[0].schema_version = BW_RULES_SCHEMA_VERSION;
	}
	for (i = 0; rc == BW_OK && i < n_over; i++) {
		if (!opts->overlays[i])
			rc = bw_error__set(BW_EINVALID, "bw_rules_open: overlay %zu is NULL", i);
		else
			rc = load_layer(rules, i + 1, opts->overlays[i]);
	}
	if (rc == BW_OK)
		rc = merge_providers(rules);
	if (rc == BW_OK)
		rc = build_rules(rules);
	if (rc == BW_OK)
		rc = bw_rules__compile(rules, opts);
	if (rc != BW_OK) {
		bw_rules_free(rules);
		return rc;
	}
	snprintf(rules->meta_rules, sizeof(rules->meta_rules), "%zu", rules->n_rules);
	snprintf(rules->meta_providers, sizeof(rules->meta_providers), "%zu", rules->n_prov);
	snprintf(rules->meta_schema, sizeof(rules->meta_schema), "%d",
	         rules->layers[0].schema_version);
	*out = rules;
	return BW_OK;
}

size_t bw_rules_count(const bw_rules *rules)
{
	return rules ? rules->n_rules : 0;
}

const char *bw_rules_path(const bw_rules *rules)
{
	return rules ? rules->path : "";
}

const char *bw_rules_meta(const bw_rules *rules, const char *key)
{
	if (!rules || !key)
		return "";
	if (strcmp(key, "schema_version") == 0)
		return rules->meta_schema;
	if (strcmp(key, "source_hash") == 0)
		return rules->layers[0].source_hash;
	if (strcmp(key, "rule_count") == 0)
		return rules->meta_rules;
	if (strcmp(key, "provider_count") == 0)
		return rules->meta_providers;
	return "";
}

int bw_rules_compile(const char *out_db, const char *const *sources, size_t n)
{
	bw_rset s;
	int rc;

	if (!out_db || !*out_db || (n && !sources))
		return bw_error__set(BW_EINVALID, "bw_rules_compile: bad arguments");
	memset(&s, 0, sizeof(s));
	rc = bw_rset__load_text(&s, sources, n, NULL, 0);
	if (rc == BW_OK)
		rc = bw_rset__write_db(&s, out_db);
	bw_rset__free(&s);
	return rc;
}
