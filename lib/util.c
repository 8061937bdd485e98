/*
 * util.c - small string helpers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textindex.h"
#include "util.h"

static bool buf_grow(bw_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (b->oom)
		return false;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return true;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void bw_buf__put(bw_buf *b, const char *s, size_t len)
{
	if (!buf_grow(b, len))
		return;
	memcpy(b->p + b->len, s, len);
	b->len += len;
	b->p[b->len] = '\0';
}

void bw_buf__puts(bw_buf *b, const char *s)
{
	bw_buf__put(b, s, strlen(s));
}

void bw_buf__putc(bw_buf *b, char c)
{
	bw_buf__put(b, &c, 1);
}

void bw_buf__printf(bw_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !buf_grow(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *bw_buf__detach(bw_buf *b)
{
	char *p;

	if (b->oom) {
		bw_buf__free(b);
		return NULL;
	}
	p = b->p ? b->p : calloc(1, 1);
	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}

void bw_buf__free(bw_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
	b->oom = false;
}

char *bw_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *bw_strdup(const char *s)
{
	return bw_strndup(s, strlen(s));
}

int bw_strcasecmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		int d = bw_lower((unsigned char)*a) - bw_lower((unsigned char)*b);
		if (d || !*a)
			return d;
	}
}

int bw_strncasecmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		int d = bw_lower((unsigned char)*a) - bw_lower((unsigned char)*b);
		if (d || !*a)
			return d;
	}
	return 0;
}

/* Next occurrence of byte c in [p, end), or end. */
static const char *next_byte(const char *p, const char *end, int c)
{
	const char *q = p < end ? memchr(p, c, (size_t)(end - p)) : NULL;

	return q ? q : end;
}

const char *bw_memcasemem(const char *hay, size_t hay_len, const char *needle)
{
	size_t n = strlen(needle);
	const char *end, *lo_at, *up_at;
	int lo, up, second;

	if (n == 0)
		return hay;
	if (n > hay_len)
		return NULL;
	/* A phrase the body being decoded surely lacks (textindex.h). */
	if (!bw_textindex__may_occur(hay, hay_len, needle, n))
		return NULL;
	/* Candidates are found with memchr on both cases of the first byte
	 * (decoders scan whole bodies for many markers: a byte-by-byte loop
	 * made a 65 MB body take 40 s). */
	lo = bw_lower((unsigned char)needle[0]);
	up = lo >= 'a' && lo <= 'z' ? lo - 32 : lo;
	second = n > 1 ? bw_lower((unsigned char)needle[1]) : 0;
	end = hay + (hay_len - n) + 1;       /* candidate starts are < end */
	lo_at = next_byte(hay, end, lo);
	up_at = up != lo ? next_byte(hay, end, up) : end;
	for (;;) {
		const char *c = lo_at < up_at ? lo_at : up_at;
		if (c >= end)
			return NULL;
		/* The second byte inline first: most candidates fail there. */
		if (n == 1 || (bw_lower((unsigned char)c[1]) == second &&
		               bw_strncasecmp(c + 2, needle + 2, n - 2) == 0))
			return c;
		if (lo_at == c)
			lo_at = next_byte(c + 1, end, lo);
		if (up_at == c)
			up_at = up != lo ? next_byte(c + 1, end, up) : end;
	}
}

const char *bw_strcasestr(const char *hay, const char *needle)
{
	return bw_memcasemem(hay, strlen(hay), needle);
}

bool bw_startswith_ci(const char *s, const char *prefix)
{
	return bw_strncasecmp(s, prefix, strlen(prefix)) == 0;
}

char *bw_squeeze(char *s)
{
	char *r = s, *w = s;
	bool space = false;

	while (*r && bw_isspace((unsigned char)*r))
		r++;
	for (; *r; r++) {
		if (bw_isspace((unsigned char)*r)) {
			space = true;
			continue;
		}
		if (space && w != s)
			*w++ = ' ';
		space = false;
		*w++ = *r;
	}
	*w = '\0';
	return s;
}

char *bw_trim(char *s)
{
	char *e;

	while (*s && bw_isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && bw_isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

char *bw_squeeze_dup(const char *s, size_t len)
{
	char *p = bw_strndup(s, len);

	return p ? bw_squeeze(p) : NULL;
}

size_t bw_text__normalize_eol(char *s, size_t len)
{
	size_t r, w = 0;

	for (r = 0; r < len; r++) {
		if (s[r] == '\r') {
			s[w++] = '\n';
			if (r + 1 < len && s[r + 1] == '\n')
				r++;
		} else {
			s[w++] = s[r];
		}
	}
	if (w < len)
		s[w] = '\0';
	return w;
}

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t utf8_seq(const unsigned char *s, size_t left)
{
	size_t n, i;
	unsigned cp;

	if (s[0] < 0x80)
		return s[0] ? 1 : 0;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		n = 2, cp = s[0] & 0x1F;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		n = 3, cp = s[0] & 0x0F;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n > left)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return n;
}

bool bw_text__valid_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		if (p[i] < 0x80 && p[i]) {
			i++;
			continue;
		}
		if (!(n = utf8_seq(p + i, len - i)))
			return false;
		i += n;
	}
	return true;
}

char *bw_text__latin1_to_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	bw_buf b = BW_BUF_INIT;
	size_t i = 0, n;

	while (i < len) {
		if (!p[i]) {
			i++;
		} else if ((n = utf8_seq(p + i, len - i))) {
			bw_buf__put(&b, s + i, n);
			i += n;
		} else {
			char two[2] = { (char)(0xC0 | (p[i] >> 6)), (char)(0x80 | (p[i] & 0x3F)) };
			bw_buf__put(&b, two, 2);
			i++;
		}
	}
	return bw_buf__detach(&b);
}
