/*
 * rules_suffix.h - the providers' host names or mail domains in a hash
 * table, for the provider of a name without a scan of every provider.
 */
#ifndef BW_RULES_SUFFIX_H
#define BW_RULES_SUFFIX_H

#include <stddef.h>

#include "rules_set.h"

typedef struct bw_suffix_table bw_suffix_table;

/* A table of every provider's hosts (hosts != 0) or domains, prov[0..n)
 * in precedence order; NULL when out of memory.  The strings stay the
 * providers' own: the table must not outlive them. */
bw_suffix_table *bw_suffix__build(const bw_rset_provider *const *prov, size_t n, int hosts);
void bw_suffix__free(bw_suffix_table *t);

/* The provider with the longest entry that name[0..len) is, or ends with
 * after a '.' (ASCII case ignored); of providers listing that same entry,
 * the first.  NULL when none. */
const bw_rset_provider *bw_suffix__best(const bw_suffix_table *t, const char *name, size_t len);

#endif
