/*
 * textindex.c - which byte triples occur in a text (see textindex.h).
 */
#include <string.h>

#include "textindex.h"
#include "util.h"

static _Thread_local const bw_textindex *current;

static inline uint32_t triple_hash(uint32_t t)
{
	return (t * 2654435761u) >> 16;   /* 16 bits: BW_TEXTINDEX_BITS */
}

void bw_textindex__build(bw_textindex *ix, const char *text, size_t len)
{
	const unsigned char *p = (const unsigned char *)text;
	uint32_t t = 0;
	size_t i;

	memset(ix->bits, 0, sizeof(ix->bits));
	ix->text = text;
	ix->len = len;
	for (i = 0; i < len; i++) {
		uint32_t h;

		t = ((t << 8) | (uint32_t)bw_lower(p[i])) & 0xFFFFFF;
		if (i < 2)
			continue;
		h = triple_hash(t);
		ix->bits[h >> 6] |= (uint64_t)1 << (h & 63);
	}
}

const bw_textindex *bw_textindex__use(const bw_textindex *ix)
{
	const bw_textindex *prev = current;

	current = ix;
	return prev;
}

bool bw_textindex__may_occur(const char *hay, size_t hay_len, const char *needle, size_t n)
{
	const bw_textindex *ix = current;
	const unsigned char *p = (const unsigned char *)needle;
	uintptr_t h0 = (uintptr_t)hay, t0;
	uint32_t t = 0;
	size_t i;

	if (!ix || n < 3)
		return true;
	t0 = (uintptr_t)ix->text;
	if (h0 < t0 || h0 + hay_len > t0 + ix->len)
		return true;
	for (i = 0; i < n; i++) {
		uint32_t h;

		t = ((t << 8) | (uint32_t)bw_lower(p[i])) & 0xFFFFFF;
		if (i < 2)
			continue;
		h = triple_hash(t);
		if (!(ix->bits[h >> 6] & ((uint64_t)1 << (h & 63))))
			return false;
	}
	return true;
}
