/*
 * rules_prefilter.h - literals a pattern cannot match without.
 */
#ifndef BW_RULES_PREFILTER_H
#define BW_RULES_PREFILTER_H

#include <stddef.h>

/* A set of lower-case ASCII strings such that `pattern` (compiled
 * case-insensitively, without the x flag) can only match a subject that
 * contains at least one of them, ignoring ASCII case.  One string per
 * top-level alternative: its longest run of plain characters outside any
 * group.  `*out` is a NULL-terminated array the caller frees with
 * bw_rules__literals_free().  Returns the number of strings, 0 when no
 * such set can be derived (an alternative without a run of 3 plain
 * characters, extended mode, \Q...\E): the pattern must always be tried
 * then.  Negative on ENOMEM. */
int bw_rules__literals(const char *pattern, char ***out);
void bw_rules__literals_free(char **lits);

#endif
