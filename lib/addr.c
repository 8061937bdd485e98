/*
 * addr.c - address normalisation.
 */
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "util.h"

static bool addr_char(int c)
{
	return c > 32 && c < 127 && !strchr("<>()[],;:\"\\", c);
}

bool bw_addr__plausible(const char *s, size_t len)
{
	const char *at = NULL;
	size_t i;
	bool dot = false;

	for (i = 0; i < len; i++) {
		if (s[i] == '@') {
			if (at)
				return false;
			at = s + i;
		} else if (!addr_char((unsigned char)s[i]) && (unsigned char)s[i] < 0x80) {
			return false;
		} else if (at && s[i] == '.') {
			dot = true;
		}
	}
	return at && at > s && at < s + len - 1 && dot && s[len - 1] != '.';
}

const char *bw_addr__domain(const char *addr)
{
	const char *at = strrchr(addr, '@');

	return at ? at + 1 : "";
}

char *bw_addr__normalize(const char *in, size_t len)
{
	const char *s = in, *e = in + len, *lt, *semi;
	char *out, *at, *p;

	while (s < e && bw_isspace((unsigned char)*s))
		s++;
	/* "rfc822; x@y" */
	semi = memchr(s, ';', (size_t)(e - s));
	if (semi && !memchr(s, '@', (size_t)(semi - s)) && !memchr(s, '<', (size_t)(semi - s)))
		s = semi + 1;
	/* "Name <x@y>" */
	lt = memchr(s, '<', (size_t)(e - s));
	if (lt) {
		const char *gt = memchr(lt, '>', (size_t)(e - lt));
		if (gt && memchr(lt, '@', (size_t)(gt - lt))) {
			s = lt + 1;
			e = gt;
		}
	}
	while (s < e && (bw_isspace((unsigned char)*s) || *s == '<' || *s == '"' || *s == '\'' || *s == '('))
		s++;
	while (e > s && (bw_isspace((unsigned char)e[-1]) || strchr(">\"'.,;:)", e[-1])))
		e--;
	if (s >= e)
		return NULL;
	/* "x@y (comment)" or "x@y extra words" */
	for (p = (char *)s; p < e; p++)
		if (bw_isspace((unsigned char)*p))
			break;
	if (p < e && memchr(s, '@', (size_t)(p - s)))
		e = p;
	if (!(out = bw_strndup(s, (size_t)(e - s))))
		return NULL;
	/* A quoted local part "a b"@x keeps its quotes; drop a stray one. */
	if ((at = strrchr(out, '@')))
		for (p = at + 1; *p; p++)
			*p = (char)bw_lower((unsigned char)*p);
	return out;
}
