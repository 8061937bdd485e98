/*
 * rules_pattern.c - walking a rule pattern's source as the widenings that
 * rewrite it when the rules are read need to (rules_fold.c,
 * rules_contraction.c, rules_synonym.c): where an escape or a character
 * class ends, and whether a position lies inside a lookbehind, whose
 * branches must keep a fixed length.
 */
#include <string.h>

#include "rules_set.h"
#include "../util.h"

/* Length of the UTF-8 sequence at p (1 for a stray byte). */
static size_t utf8_len(const unsigned char *p)
{
	size_t n, i;

	if (p[0] < 0x80)
		return 1;
	n = (p[0] & 0xE0) == 0xC0 ? 2 : (p[0] & 0xF0) == 0xE0 ? 3 : (p[0] & 0xF8) == 0xF0 ? 4 : 1;
	for (i = 1; i < n; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 1;
	return n;
}

size_t bw_rpat__escape_end(const char *p, size_t i)
{
	i++;
	if (!p[i])
		return i;
	if ((p[i] == 'p' || p[i] == 'P' || p[i] == 'x' || p[i] == 'o' || p[i] == 'g' ||
	     p[i] == 'k' || p[i] == 'N') && p[i + 1] == '{') {
		const char *close = strchr(p + i, '}');
		return close ? (size_t)(close - p) + 1 : strlen(p);
	}
	if (p[i] == 'Q') {
		const char *end = strstr(p + i, "\\E");
		return end ? (size_t)(end - p) + 2 : strlen(p);
	}
	return i + utf8_len((const unsigned char *)p + i);
}

size_t bw_rpat__class_skip(const char *p, size_t i)
{
	if (p[i] == '\\')
		return bw_rpat__escape_end(p, i);
	if (p[i] == '[' && p[i + 1] == ':') {
		const char *close = strstr(p + i, ":]");

		return close ? (size_t)(close - p) + 2 : strlen(p);
	}
	return i;
}

size_t bw_rpat__class_end(const char *p, size_t i)
{
	i++;
	if (p[i] == '^')
		i++;
	if (p[i] == ']')
		i++;
	while (p[i] && p[i] != ']') {
		size_t j = bw_rpat__class_skip(p, i);

		i = j != i ? j : i + 1;
	}
	return p[i] ? i + 1 : i;
}

void bw_rpat__group(bw_rpat_groups *g, const char *p, size_t i)
{
	if (p[i] == '(') {
		bool lb = p[i + 1] == '?' && p[i + 2] == '<' && (p[i + 3] == '=' || p[i + 3] == '!');

		if (g->depth < BW_RPAT_MAX_DEPTH)
			g->behind[g->depth] = lb;
		g->depth++;
		g->behind_n += lb;
	} else if (p[i] == ')' && g->depth > 0) {
		g->depth--;
		if (g->depth < BW_RPAT_MAX_DEPTH && g->behind[g->depth])
			g->behind_n--;
	}
}

size_t bw_rpat__token_end(const char *p, size_t i)
{
	if (p[i] == '\\')
		return bw_rpat__escape_end(p, i);
	if (p[i] == '[')
		return bw_rpat__class_end(p, i);
	return i + 1;
}

size_t bw_rpat__copy(bw_buf *out, const char *p, size_t i, bw_rpat_groups *g)
{
	size_t n = bw_rpat__token_end(p, i);

	if (p[i] != '\\' && p[i] != '[')
		bw_rpat__group(g, p, i);
	bw_buf__put(out, p + i, n - i);
	return n;
}
