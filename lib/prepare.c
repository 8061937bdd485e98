/*
 * prepare.c - bounding the raw octets before GMime reads them.
 *
 * GMime builds its whole tree before we can count anything, and grows its
 * header buffer in small steps, so limits applied to the tree come too late
 * (a 10 MB header line cost minutes; 5 MB of empty parts 9 s and 1.3 GB).
 * One pass over the lines, before GMime, does three things:
 *
 *  - blank or white-space-only lines before the first header are dropped
 *    (saved messages and some tools write them);
 *  - in header blocks (the message's, each part's after a boundary line,
 *    and each attached message's) a field longer than max_line, counting
 *    its folded lines, is cut at a UTF-8 boundary;
 *  - the input ends before the boundary line that would open the part
 *    beyond max_parts (attached messages count as parts too).
 *
 * Boundaries are the ones declared by Content-Type fields read so far; a
 * line "--" + boundary opens a part unless it closes one ("--b--").
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "prepare.h"
#include "util.h"

#define MAX_BOUNDARIES 256
#define MAX_BOUNDARY_LEN 200

typedef struct prep {
	const char *in;
	size_t len;
	bw_buf out;
	size_t from;          /* input copied up to here when changed */
	bool changed;
	/* boundaries declared so far (all of them: nesting is not tracked) */
	char *bound[MAX_BOUNDARIES];
	size_t bound_len[MAX_BOUNDARIES];
	size_t n_bound;
	bool too_many_bounds; /* then any "--x" line counts as a boundary */
	/* the field being read in a header block */
	bool ct_field;        /* it is Content-Type */
	bw_buf ct;            /* its text (kept part) */
	bool block_is_message;/* the block declared message/rfc822 and kin */
	/* offsets of the lines starting with "--" (bw_prepared.dash) */
	size_t *dash;
	size_t n_dash, dash_cap;
	bool dash_oom;
} prep;

/* Notes a line starting with "--" at offset at. */
static void note_dash(prep *p, size_t at)
{
	if (p->dash_oom)
		return;
	if (bw_grow((void **)&p->dash, &p->dash_cap, p->n_dash, sizeof(*p->dash), 64) < 0) {
		p->dash_oom = true;   /* mimecut.c then scans for itself */
		return;
	}
	p->dash[p->n_dash++] = at;
}

/* Copies input [from, upto) to the output and skips to `resume`. */
static void splice(prep *p, size_t upto, size_t resume)
{
	bw_buf__put(&p->out, p->in + p->from, upto - p->from);
	p->from = resume;
	p->changed = true;
}

static size_t utf8_floor(const char *s, size_t n)
{
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

static void add_boundary(prep *p, const char *b, size_t n)
{
	size_t i;

	if (!n || n > MAX_BOUNDARY_LEN)
		return;
	for (i = 0; i < p->n_bound; i++)
		if (p->bound_len[i] == n && memcmp(p->bound[i], b, n) == 0)
			return;
	if (p->n_bound == MAX_BOUNDARIES) {
		p->too_many_bounds = true;
		return;
	}
	if (!(p->bound[p->n_bound] = bw_strndup(b, n))) {
		p->too_many_bounds = true;   /* out of memory: count more, never fewer */
		return;
	}
	p->bound_len[p->n_bound++] = n;
}

/* At the end of a Content-Type field: its boundary and whether it is a
 * message GMime will open (message/rfc822, rfc2822, global, news). */
static void end_field(prep *p)
{
	const char *v, *b;
	size_t n;

	if (!p->ct_field)
		return;
	p->ct_field = false;
	bw_buf__putc(&p->ct, '\0');
	if (p->ct.oom) {
		p->too_many_bounds = true;
		p->ct.len = 0;
		return;
	}
	v = p->ct.p;
	while (*v == ' ' || *v == '\t')
		v++;
	if (bw_startswith_ci(v, "message/rfc822") || bw_startswith_ci(v, "message/rfc2822") ||
	    bw_startswith_ci(v, "message/global") || bw_startswith_ci(v, "message/news"))
		p->block_is_message = true;
	for (b = v; (b = bw_strcasestr(b, "boundary")); ) {
		b += 8;
		while (*b == ' ' || *b == '\t')
			b++;
		if (*b != '=')
			continue;
		b++;
		while (*b == ' ' || *b == '\t')
			b++;
		if (*b == '"') {
			b++;
			n = strcspn(b, "\"");
		} else {
			n = strcspn(b, "; \t");
		}
		add_boundary(p, b, n);
	}
	p->ct.len = 0;
}

/* 1 for a line opening a part, 2 for one closing a multipart, else 0. */
static int delimiter(const prep *p, const char *line, size_t ll)
{
	size_t i, n;

	while (ll && (line[ll - 1] == ' ' || line[ll - 1] == '\t'))
		ll--;
	if (ll < 3 || line[0] != '-' || line[1] != '-')
		return 0;
	line += 2;
	ll -= 2;
	for (i = 0; i < p->n_bound; i++) {
		n = p->bound_len[i];
		if (ll >= n && memcmp(line, p->bound[i], n) == 0)
			return ll >= n + 2 && line[n] == '-' && line[n + 1] == '-' ? 2 : 1;
	}
	if (p->too_many_bounds)
		return ll >= 2 && line[ll - 1] == '-' && line[ll - 2] == '-' ? 2 : 1;
	return 0;
}

static bool push_off(size_t **v, size_t *n, size_t *cap, size_t at)
{
	if (bw_grow((void **)v, cap, *n, sizeof(**v), 64) < 0)
		return false;
	(*v)[(*n)++] = at;
	return true;
}

/* One byte of interest at buf[i] (a CR, '-', ';' or '='): noted in x.
 * False when the scan stops (a CR, or memory ran out). */
static bool scan_hit(bw_scanidx *x, const char *buf, size_t len, size_t i)
{
	const char *p = buf + i, *end = buf + len, *q;

	switch (*p) {
	case '\r':
		x->has_cr = true;
		return false;
	case '-':
		/* bw_next_dash_line()'s dash line: "--" at a line start */
		if (end - p >= 2 && p[1] == '-' && (i == 0 || p[-1] == '\n'))
			return push_off(&x->dash, &x->n_dash, &x->cap_dash, i);
		return true;
	case ';':
		for (q = p + 1; q < end && (*q == ' ' || *q == '\t'); q++)
			;
		if (q < end && *q == '\n')
			return push_off(&x->semi, &x->n_semi, &x->cap_semi, i);
		return true;
	case '=':
		if (i >= 8 && bw_strncasecmp(p - 8, "boundary", 8) == 0)
			return push_off(&x->bnd, &x->n_bnd, &x->cap_bnd, i - 8);
		return true;
	default:
		return true;
	}
}

/* The scan proper: 64 bytes a step where the CPU has AVX2 (the bytes of
 * interest are rare in encoded bodies: most steps find none), else 16
 * with SSE2, else one; each hit goes to scan_hit() in order.  Returns
 * false when it stopped. */
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
__attribute__((target("avx2")))
static bool scan_avx2(bw_scanidx *x, const char *buf, size_t len, size_t *done)
{
	const __m256i cr = _mm256_set1_epi8('\r'), da = _mm256_set1_epi8('-');
	const __m256i se = _mm256_set1_epi8(';'), eq = _mm256_set1_epi8('=');
	size_t i;

	for (i = 0; len - i >= 64; i += 64) {
		__m256i a = _mm256_loadu_si256((const __m256i *)(buf + i));
		__m256i b = _mm256_loadu_si256((const __m256i *)(buf + i + 32));
		__m256i ma = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(a, cr), _mm256_cmpeq_epi8(a, da)),
		                             _mm256_or_si256(_mm256_cmpeq_epi8(a, se), _mm256_cmpeq_epi8(a, eq)));
		__m256i mb = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(b, cr), _mm256_cmpeq_epi8(b, da)),
		                             _mm256_or_si256(_mm256_cmpeq_epi8(b, se), _mm256_cmpeq_epi8(b, eq)));
		uint64_t m;

		if (_mm256_testz_si256(_mm256_or_si256(ma, mb), _mm256_or_si256(ma, mb)))
			continue;
		m = (uint64_t)(uint32_t)_mm256_movemask_epi8(ma) |
		    (uint64_t)(uint32_t)_mm256_movemask_epi8(mb) << 32;
		for (; m; m &= m - 1)
			if (!scan_hit(x, buf, len, i + (size_t)__builtin_ctzll(m)))
				return false;
	}
	*done = i;
	return true;
}
#endif

void bw_scanidx__build(bw_scanidx *x, const char *buf, size_t len)
{
	size_t i = 0;
	bool go = true;

	memset(x, 0, sizeof(*x));
#if defined(__x86_64__) && defined(__GNUC__)
	/* (a load and a test: libgcc reads the CPU's features before main) */
	if (__builtin_cpu_supports("avx2"))
		go = scan_avx2(x, buf, len, &i);
	else
#endif
#ifdef __SSE2__
	{
		const __m128i cr = _mm_set1_epi8('\r'), da = _mm_set1_epi8('-');
		const __m128i se = _mm_set1_epi8(';'), eq = _mm_set1_epi8('=');

		for (; go && len - i >= 16; i += 16) {
			__m128i a = _mm_loadu_si128((const __m128i *)(buf + i));
			unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
				_mm_or_si128(_mm_cmpeq_epi8(a, cr), _mm_cmpeq_epi8(a, da)),
				_mm_or_si128(_mm_cmpeq_epi8(a, se), _mm_cmpeq_epi8(a, eq))));

			for (; go && m; m &= m - 1)
				go = scan_hit(x, buf, len, i + (size_t)__builtin_ctz(m));
		}
	}
#endif
	for (; go && i < len; i++)
		if (buf[i] == '\r' || buf[i] == '-' || buf[i] == ';' || buf[i] == '=')
			go = scan_hit(x, buf, len, i);
	if (go)
		return;
	if (x->has_cr) {
		/* the caller normalises the line ends and scans again */
		bw_scanidx__free(x);
		x->has_cr = true;
	} else {
		x->oom = true;
	}
}

void bw_scanidx__free(bw_scanidx *x)
{
	free(x->dash);
	free(x->semi);
	free(x->bnd);
	memset(x, 0, sizeof(*x));
}

/* The first of v[0..n) at or after `from` (n when none). */
static size_t first_at(const size_t *v, size_t n, size_t from)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid] < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int bw_prepare__input(bw_prepared *out, const char *in, size_t len, size_t max_line, unsigned max_parts)
{
	return bw_prepare__input_indexed(out, in, len, max_line, max_parts, NULL, 0);
}

int bw_prepare__input_indexed(bw_prepared *out, const char *in, size_t len, size_t max_line,
                              unsigned max_parts, const bw_scanidx *x, size_t base)
{
	prep p;
	size_t i = 0, field_len = 0, k;
	bool header = true;      /* in a header block */
	int rc = BW_OK;
	size_t xd = 0;           /* x->dash[xd] is the next dash line to look at */

	memset(out, 0, sizeof(*out));
	memset(&p, 0, sizeof(p));
	p.in = in;
	p.len = len;
	if (x && (x->has_cr || x->oom))
		x = NULL;

	/* Blank or white-space-only lines before the first header. */
	for (k = 0; k < len; k++) {
		if (in[k] == '\n')
			i = k + 1;
		else if (in[k] != ' ' && in[k] != '\t' && in[k] != '\r')
			break;
	}
	if (i && k < len) {
		out->leading_skipped = i;
		p.from = i;
		p.changed = true;
	} else {
		i = 0;
	}

	while (i < len) {
		const char *line = in + i;
		const char *nl = memchr(line, '\n', len - i);
		size_t ll = nl ? (size_t)(nl - line) : len - i;
		size_t next = i + ll + (nl ? 1 : 0);
		int d = delimiter(&p, line, ll);

		if (ll >= 2 && line[0] == '-' && line[1] == '-')
			note_dash(&p, i);

		if (d) {
			end_field(&p);
			if (d == 1 && ++out->parts > max_parts) {
				splice(&p, i, len);
				out->parts_cut = true;
				break;
			}
			header = d == 1;      /* a part's header block follows */
			p.block_is_message = false;
			field_len = 0;
			i = next;
			continue;
		}
		if (!header) {
			/* In a body only a boundary line counts: the next line
			 * that starts with "--" (a large attachment crossed at
			 * memchr's speed, not line by line). */
			const char *dash;

			if (x) {
				/* in + next follows a '\n': the index's dash lines
				 * are bw_next_dash_line()'s there */
				while (xd < x->n_dash && x->dash[xd] < base + next)
					xd++;
				i = xd < x->n_dash && x->dash[xd] < base + len ? x->dash[xd] - base : len;
				continue;
			}
			dash = next < len ? bw_next_dash_line(in + next, in + len, in + next) : NULL;
			i = dash ? (size_t)(dash - in) : len;
			continue;
		}
		if (ll == 0) {
			/* The header block ends; an attached message's follows. */
			end_field(&p);
			header = p.block_is_message;
			if (header && ++out->parts > max_parts) {
				splice(&p, i, len);
				out->parts_cut = true;
				break;
			}
			p.block_is_message = false;
			field_len = 0;
			i = next;
			continue;
		}
		if (line[0] != ' ' && line[0] != '\t') {
			end_field(&p);
			field_len = 0;
			p.ct_field = ll > 13 && bw_strncasecmp(line, "Content-Type:", 13) == 0;
		}
		/* Keep at most max_line bytes of the field, folded lines included. */
		k = ll;
		if (field_len + ll > max_line) {
			k = field_len < max_line ? utf8_floor(line, max_line - field_len) : 0;
			splice(&p, i + k, i + ll);
			out->lines_cut++;
			if (k == 0 && (line[0] == ' ' || line[0] == '\t')) {
				/* nothing left of this folded line: drop it and its LF */
				p.from = next;
			}
		}
		field_len += ll;
		if (p.ct_field && k) {
			size_t name = line[0] == ' ' || line[0] == '\t' ? 0 : 13;   /* "Content-Type:" */
			if (k > name)
				bw_buf__put(&p.ct, line + name, k - name);
		}
		i = next;
	}
	if (p.changed && p.from < len && !out->parts_cut)
		bw_buf__put(&p.out, in + p.from, len - p.from);
	for (k = 0; k < p.n_bound; k++)
		free(p.bound[k]);
	bw_buf__free(&p.ct);
	if (p.changed) {
		if (p.out.oom) {
			rc = BW_ENOMEM;
		} else {
			out->len = p.out.len;
			/* an empty result still needs a buffer */
			bw_buf__put(&p.out, "", 0);
			if (!(out->buf = bw_buf__detach(&p.out)))
				rc = BW_ENOMEM;
		}
	}
	bw_buf__free(&p.out);
	if (rc == BW_OK && !out->buf)
		out->len = len;
	if (rc == BW_OK && !p.changed && !p.dash_oom) {
		out->dash = p.dash;
		out->n_dash = p.n_dash;
	} else {
		free(p.dash);
	}
	if (rc == BW_OK && !p.changed && x) {
		size_t at = first_at(x->semi, x->n_semi, base);

		out->semi = x->semi ? x->semi + at : NULL;
		out->n_semi = first_at(x->semi, x->n_semi, base + len) - at;
		at = first_at(x->bnd, x->n_bnd, base);
		out->bnd = x->bnd ? x->bnd + at : NULL;
		out->n_bnd = first_at(x->bnd, x->n_bnd, base + len) - at;
		out->base = base;
		out->indexed = true;
	}
	return rc;
}

void bw_prepare__clear(bw_prepared *p)
{
	free(p->buf);
	free(p->dash);
	p->buf = NULL;
	p->dash = NULL;
	p->n_dash = 0;
	p->indexed = false;     /* the index's lists belong to the caller */
	p->semi = p->bnd = NULL;
	p->n_semi = p->n_bnd = 0;
}
