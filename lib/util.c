/*
 * util.c - small string helpers.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "bouncewhy.h"

#include "error.h"
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
		bw_error__oom();
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
	if (len)    /* s may be NULL then (an empty piece): memcpy must not see it */
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

int bw_grow(void **v, size_t *cap, size_t n, size_t size, size_t first)
{
	size_t c;
	void *p;

	if (n < *cap)
		return BW_OK;
	c = *cap ? *cap * 2 : first;
	if (c <= n || c > SIZE_MAX / size || !(p = realloc(*v, c * size)))
		return BW_ENOMEM;
	*v = p;
	*cap = c;
	return BW_OK;
}

void bw_buf__vprintf(bw_buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0 || !buf_grow(b, (size_t)n))
		return;
	va_copy(aq, ap);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, aq);
	va_end(aq);
	b->len += (size_t)n;
}

void bw_buf__printf(bw_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	bw_buf__vprintf(b, fmt, ap);
	va_end(ap);
}

char *bw_buf__detach(bw_buf *b)
{
	char *p;

	if (b->oom) {
		bw_buf__free(b);
		return NULL;
	}
	p = b->p ? b->p : calloc(1, 1);
	if (!p)
		bw_error__oom();
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

	if (!p) {
		bw_error__oom();
		return NULL;
	}
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *bw_strdup(const char *s)
{
	return bw_strndup(s, strlen(s));
}

/* The comparisons and searches accept NULL (a field whose copy failed for
 * want of memory): NULL sorts first and matches nothing.  The parse then
 * reports BW_ENOMEM (error.h); it must not crash on the way there. */
int bw_strcasecmp(const char *a, const char *b)
{
	if (!a || !b)
		return a == b ? 0 : a ? 1 : -1;
	for (;; a++, b++) {
		int d = bw_lower((unsigned char)*a) - bw_lower((unsigned char)*b);
		if (d || !*a)
			return d;
	}
}

int bw_strncasecmp(const char *a, const char *b, size_t n)
{
	if (!a || !b)
		return a == b ? 0 : a ? 1 : -1;
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

#ifdef __SSE2__
/* The candidate starts hay + i .. hay + i + 15 for casemem_sse2(), a bit
 * each: those whose first and last bytes match the needle's (f_want and
 * l_want, the needle's bytes lower-cased; f_fold and l_fold 0x20 for a
 * letter, whose byte with 0x20 set is the lower-case letter, else 0). */
static unsigned casemem_block(const char *hay, size_t i, size_t n, __m128i f_want,
                              __m128i f_fold, __m128i l_want, __m128i l_fold)
{
	__m128i f = _mm_loadu_si128((const __m128i *)(const void *)(hay + i));
	__m128i l = _mm_loadu_si128((const __m128i *)(const void *)(hay + i + n - 1));

	return (unsigned)_mm_movemask_epi8(
		_mm_and_si128(_mm_cmpeq_epi8(_mm_or_si128(f, f_fold), f_want),
		              _mm_cmpeq_epi8(_mm_or_si128(l, l_fold), l_want)));
}

/* The first of the candidates in `mask` (casemem_block() at hay + i) that
 * matches the needle of n bytes whole, or NULL. */
static const char *casemem_confirm(const char *hay, size_t i, unsigned mask, const char *needle,
                                   size_t n)
{
	while (mask) {
		const char *c = hay + i + (size_t)__builtin_ctz(mask);

		if (n == 2 || bw_strncasecmp(c + 1, needle + 1, n - 2) == 0)
			return c;
		mask &= mask - 1;
	}
	return NULL;
}

/* bw_memcasemem() for a needle of n >= 2 bytes (n <= hay_len): sixteen
 * candidate starts at a time (casemem_block()), each then compared whole;
 * the starts after the last whole sixteen in one more block that ends at
 * the last start (overlapping the one before, whose starts it leaves
 * out), or, in a hay too short for a block, one at a time.  The first
 * match, as the memchr loop below finds it. */
static const char *casemem_sse2(const char *hay, size_t hay_len, const char *needle, size_t n)
{
	int first = bw_lower((unsigned char)needle[0]), last = bw_lower((unsigned char)needle[n - 1]);
	const __m128i f_want = _mm_set1_epi8((char)first), l_want = _mm_set1_epi8((char)last);
	const __m128i f_fold = _mm_set1_epi8(bw_isalpha(first) ? 0x20 : 0);
	const __m128i l_fold = _mm_set1_epi8(bw_isalpha(last) ? 0x20 : 0);
	size_t i = 0, starts = hay_len - n + 1;   /* candidate starts are < starts */
	const char *c;

	for (; i + 16 <= starts; i += 16)
		if ((c = casemem_confirm(hay, i, casemem_block(hay, i, n, f_want, f_fold, l_want, l_fold),
		                         needle, n)))
			return c;
	if (i < starts && starts >= 16) {
		size_t j = starts - 16;     /* j < i: starts j .. i - 1 were read */

		return casemem_confirm(hay, j, casemem_block(hay, j, n, f_want, f_fold, l_want, l_fold) &
		                                   ~((1u << (i - j)) - 1), needle, n);
	}
	for (; i < starts; i++) {
		c = hay + i;
		if (bw_lower((unsigned char)c[0]) == first &&
		    bw_lower((unsigned char)c[n - 1]) == last &&
		    (n == 2 || bw_strncasecmp(c + 1, needle + 1, n - 2) == 0))
			return c;
	}
	return NULL;
}
#endif

const char *bw_memcasemem(const char *hay, size_t hay_len, const char *needle)
{
	size_t n;
	const char *end, *lo_at, *up_at;
	int lo, up, second;

	if (!hay || !needle)
		return NULL;
	n = strlen(needle);
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
#ifdef __SSE2__
	if (n >= 2)
		return casemem_sse2(hay, hay_len, needle, n);
#endif
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
	return hay ? bw_memcasemem(hay, strlen(hay), needle) : NULL;
}

const char *bw_next_dash_line(const char *p, const char *end, const char *first)
{
	while (p < end && (p = memchr(p, '-', (size_t)(end - p)))) {
		if (end - p >= 2 && p[1] == '-' && (p == first || p[-1] == '\n'))
			return p;
		p += 1 + (end - p >= 2 && p[1] != '-');
	}
	return NULL;
}

bool bw_startswith_ci(const char *s, const char *prefix)
{
	return s && bw_strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* How many of the eight bytes in x (read from memory) come before the
 * first below 0x21 (a space or a control byte): 8 when none is.  (The
 * lowest flagged byte of the test is exact: a borrow leaves only a byte
 * that is itself flagged.  Where bytes are not read little-endian, only
 * the answer 8 is used.) */
static size_t visible_run8(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	uint64_t m = (x - ones * 0x21) & ~x & highs;

	if (!m)
		return 8;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (size_t)__builtin_ctzll(m) / 8;
#else
	return 0;
#endif
}

/* bw_squeeze() of s[0..n) (s[n] is its NUL).  Runs of visible bytes
 * (none a space or a control byte) are moved up to eight at a time
 * (header values are mostly words and long runs: signatures, Received
 * paths); the bytes between them one at a time. */
static char *squeeze_n(char *s, size_t n)
{
	char *r = s, *w = s, *end = s + n;
	bool space = false;

	while (r < end && bw_isspace((unsigned char)*r))
		r++;
	while (r < end) {
		if (end - r >= 8) {
			uint64_t x;
			size_t k, j;

			memcpy(&x, r, 8);
			k = visible_run8(x);
			if (k) {
				if (space && w != s)
					*w++ = ' ';
				space = false;
				if (k == 8)
					memcpy(w, &x, 8);
				else
					for (j = 0; j < k; j++)
						w[j] = r[j];
				w += k;
				r += k;
				continue;
			}
		}
		if (bw_isspace((unsigned char)*r)) {
			space = true;
		} else {
			if (space && w != s)
				*w++ = ' ';
			space = false;
			*w++ = *r;
		}
		r++;
	}
	*w = '\0';
	return s;
}

char *bw_squeeze(char *s)
{
	return squeeze_n(s, strlen(s));
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
	const char *nul = p ? memchr(p, '\0', len) : NULL;

	return p ? squeeze_n(p, nul ? (size_t)(nul - p) : len) : NULL;
}

/* *out from b (its length in *len), or BW_ENOMEM. */
static int detach_read(bw_buf *b, char **out, size_t *len)
{
	*len = b->len;
	if (!(*out = bw_buf__detach(b)))
		return bw_error__set(BW_ENOMEM, "out of memory");
	return BW_OK;
}

int bw_read_fd(int fd, const char *head, size_t head_len, size_t limit, char **out, size_t *len)
{
	bw_buf b = BW_BUF_INIT;
	char chunk[65536];
	ssize_t got;

	*out = NULL;
	*len = 0;
	if (head_len > limit)
		return bw_error__set(BW_ELIMIT, "message exceeds the limit of %zu bytes", limit);
	if (head_len)
		bw_buf__put(&b, head, head_len);
	for (;;) {
		got = read(fd, chunk, sizeof(chunk));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			bw_buf__free(&b);
			return bw_error__set(BW_EIO, "read failed: %s", strerror(errno));
		}
		if (got == 0)
			break;
		if (b.len + (size_t)got > limit) {
			bw_buf__free(&b);
			return bw_error__set(BW_ELIMIT, "message exceeds the limit of %zu bytes", limit);
		}
		bw_buf__put(&b, chunk, (size_t)got);
		if (b.oom) {
			bw_buf__free(&b);
			return bw_error__set(BW_ENOMEM, "out of memory");
		}
	}
	return detach_read(&b, out, len);
}

int bw_read_file(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	bw_buf b = BW_BUF_INIT;
	char chunk[8192];
	size_t got;

	*out = NULL;
	*len = 0;
	if (!f)
		return bw_error__set(BW_EIO, "%s: %s", path, strerror(errno));
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		bw_buf__put(&b, chunk, got);
	if (ferror(f)) {
		fclose(f);
		bw_buf__free(&b);
		return bw_error__set(BW_EIO, "%s: read error", path);
	}
	fclose(f);
	return detach_read(&b, out, len);
}

void bw_buf__put_codepoint(bw_buf *b, unsigned long cp)
{
	char u[4];

	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	if (cp < 0x80) {
		bw_buf__putc(b, (char)cp);
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		bw_buf__put(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		bw_buf__put(b, u, 3);
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		bw_buf__put(b, u, 4);
	}
}

int bw_hex_value(int c)
{
	if (bw_isdigit(c))
		return c - '0';
	c = bw_lower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int bw_hex_escape_at(const char *s, size_t len, size_t i, char intro)
{
	int hi, lo;

	if (s[i] != intro || i + 2 >= len || (hi = bw_hex_value((unsigned char)s[i + 1])) < 0 ||
	    (lo = bw_hex_value((unsigned char)s[i + 2])) < 0)
		return -1;
	return hi * 16 + lo;
}

int bw_percent_escape_at(const char *s, size_t len, size_t i)
{
	return bw_hex_escape_at(s, len, i, '%');
}
