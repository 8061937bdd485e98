/*
 * mimecut.c - where a bounce can be cut so that the returned original's
 * body is never parsed (see mimecut.h).
 *
 * A plain scan of the raw octets, no MIME library: the top-level header
 * block, its multipart boundary, the boundary lines, each direct part's
 * Content-Type and Content-Transfer-Encoding.  Anything unusual (folded
 * lines too long, a repeated header, an encoded original, parts after the
 * original) answers "do not cut"; mime.c checks the cut parse's structure
 * against this scan and parses the whole message when they disagree.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mimecut.h"
#include "util.h"

#define MAX_VALUE 998      /* longest unfolded header value looked at */
#define MAX_BOUNDARY 200

/* End of the line starting at p (the '\n', or end). */
static const char *line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? nl : end;
}

static bool blank_line(const char *p, const char *eol)
{
	return p == eol || (eol - p == 1 && *p == '\r');
}

/* Offset just past the blank line that ends the header block starting at
 * `from`, or 0 when the block has no end before `end`. */
static size_t header_end(const char *buf, size_t from, size_t end)
{
	const char *p = buf + from, *e = buf + end;

	while (p < e) {
		const char *eol = line_end(p, e);

		if (eol == e)
			return 0;
		if (blank_line(p, eol))
			return (size_t)(eol + 1 - buf);
		p = eol + 1;
	}
	return 0;
}

/* The unfolded value of header `name` in the block [p, end), in `out`
 * (NUL-terminated, at most `size` - 1 bytes).  Returns 1 when found once,
 * 0 when absent, -1 when repeated or too long (do not cut). */
static int header_value(const char *p, const char *end, const char *name,
                        char *out, size_t size)
{
	size_t nl = strlen(name), w = 0;
	int found = 0;

	while (p < end) {
		const char *eol = line_end(p, end);
		const char *q = p;

		if (blank_line(p, eol))
			break;
		if ((size_t)(eol - p) > nl && bw_strncasecmp(p, name, nl) == 0) {
			q = p + nl;
			while (q < eol && (*q == ' ' || *q == '\t'))
				q++;
			if (q < eol && *q == ':') {
				if (found++)
					return -1;
				for (q++;;) {
					for (; q < eol; q++) {
						if (*q == '\r' && q + 1 == eol)
							break;
						if (w + 1 >= size)
							return -1;
						out[w++] = *q == '\t' ? ' ' : *q;
					}
					if (eol + 1 >= end || (eol[1] != ' ' && eol[1] != '\t'))
						break;
					q = eol + 1;
					eol = line_end(q, end);
				}
			}
		}
		if (eol == end)
			break;
		p = eol + 1;
	}
	out[w] = '\0';
	return found;
}

/* Does the value start with type/subtype (ASCII case ignored, white space
 * around the slash allowed)?  subtype NULL: any subtype. */
static bool type_is(const char *v, const char *type, const char *subtype)
{
	size_t tl = strlen(type);

	while (*v == ' ')
		v++;
	if (bw_strncasecmp(v, type, tl) != 0)
		return false;
	v += tl;
	while (*v == ' ')
		v++;
	if (*v++ != '/')
		return false;
	while (*v == ' ')
		v++;
	if (!subtype)
		return true;
	tl = strlen(subtype);
	return bw_strncasecmp(v, subtype, tl) == 0 &&
	       (v[tl] == '\0' || v[tl] == ';' || v[tl] == ' ');
}

static bool subtype_is(const char *v, const char *subtype)
{
	const char *slash = strchr(v, '/');
	size_t tl = strlen(subtype);

	if (!slash)
		return false;
	for (slash++; *slash == ' '; slash++)
		;
	return bw_strncasecmp(slash, subtype, tl) == 0 &&
	       (slash[tl] == '\0' || slash[tl] == ';' || slash[tl] == ' ');
}

/* The boundary parameter of a Content-Type value; false when absent,
 * repeated, RFC 2231-encoded or odd. */
static bool boundary_param(const char *v, char *out, size_t size)
{
	const char *p = v, *at = NULL;
	size_t n = 0;

	while ((p = bw_strcasestr(p, "boundary"))) {
		const char *q = p + 8;

		if (p > v && p[-1] != ';' && p[-1] != ' ') {
			p = q;
			continue;
		}
		while (*q == ' ')
			q++;
		if (*q == '*')
			return false;
		if (*q == '=') {
			if (at)
				return false;
			at = q + 1;
		}
		p = q;
	}
	if (!at)
		return false;
	while (*at == ' ')
		at++;
	if (*at == '"') {
		for (at++; at[n] && at[n] != '"'; n++)
			if (at[n] == '\\')
				return false;
		if (at[n] != '"')
			return false;
	} else {
		while (at[n] && at[n] != ';' && at[n] != ' ')
			n++;
	}
	if (!n || n >= size)
		return false;
	memcpy(out, at, n);
	out[n] = '\0';
	return true;
}

static bool identity_encoding(const char *v)
{
	while (*v == ' ')
		v++;
	return !*v || bw_strncasecmp(v, "7bit", 4) == 0 || bw_strncasecmp(v, "8bit", 4) == 0 ||
	       bw_strncasecmp(v, "binary", 6) == 0;
}

/* Is the line at p (a line start) "--B" or "--B--" followed only by white
 * space?  *closing is set for "--B--". */
static bool boundary_line(const char *p, const char *end, const char *b, size_t bl,
                          bool *closing)
{
	const char *q;

	if ((size_t)(end - p) < bl + 2 || p[0] != '-' || p[1] != '-' || memcmp(p + 2, b, bl) != 0)
		return false;
	q = p + 2 + bl;
	*closing = end - q >= 2 && q[0] == '-' && q[1] == '-';
	if (*closing)
		q += 2;
	for (; q < end && *q != '\n'; q++)
		if (*q != ' ' && *q != '\t' && *q != '\r')
			return false;
	return true;
}

/* Where the lines starting with "--" are: found by scanning, or listed
 * (bw_mimecut__find_with()). */
typedef struct dash_lines {
	const char *buf;
	const size_t *at;       /* NULL: scan */
	size_t n;
	/* where the "boundary=" are (bw_mimecut__find_indexed()) */
	bool have_bnd;
	const size_t *bnd;      /* buf + bnd[k] - bnd_base */
	size_t n_bnd, bnd_base;
} dash_lines;

/* The next line at or after p that starts with "--", before end, or NULL.
 * `first` is a line start (the scan's bw_next_dash_line() counts it as
 * one; every position the callers pass is one). */
static const char *next_dash(const dash_lines *d, const char *p, const char *end,
                             const char *first)
{
	size_t lo = 0, hi, off;

	if (!d->at)
		return bw_next_dash_line(p, end, first);
	if (p >= end)
		return NULL;
	off = (size_t)(p - d->buf);
	hi = d->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (d->at[mid] < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < d->n && d->buf + d->at[lo] < end ? d->buf + d->at[lo] : NULL;
}

/* The next boundary line of `b` at or after `from`, or NULL. */
static const char *next_boundary(const dash_lines *d, const char *from, const char *end,
                                 const char *b, size_t bl, const char *first, bool *closing)
{
	const char *p = from;

	while ((p = next_dash(d, p, end, first))) {
		if (boundary_line(p, end, b, bl, closing))
			return p;
		p += 2;
	}
	return NULL;
}

/* The first occurrence of `needle` (ASCII case ignored) in [p, end),
 * found through its byte at index k, which must be a byte rare in encoded
 * bodies ('-', '='): base64 is full of every letter, so a search keyed on
 * the first letter would stop everywhere in a large attachment. */
static const char *find_ci_by(const char *p, const char *end, const char *needle, size_t k)
{
	size_t n = strlen(needle);
	const char *q;

	if (end - p <= (ptrdiff_t)k)
		return NULL;
	q = p + k;
	while (q < end && (q = memchr(q, needle[k], (size_t)(end - q)))) {
		const char *at = q - k;

		if ((size_t)(end - at) >= n && bw_strncasecmp(at, needle, n) == 0)
			return at;
		q++;
	}
	return NULL;
}

#define MAX_INNER 16

/* Does every boundary declared inside [p, end) have its closing line
 * ("--B--") there?  A returned original is often truncated; GMime then
 * reports a malformed multipart, and a cut parse would not: parse those
 * whole so that the warnings stay what they were.  One pass for the
 * declarations, one for the "--" lines. */
static bool all_multiparts_closed(const dash_lines *d, const char *p, const char *end)
{
	struct { const char *b; size_t n; bool closed; } decl[MAX_INNER];
	const char *start = p, *line;
	size_t nd = 0, open, i, kb = 0;

	/* "boundary=" (no space before '=': RFC 2045 allows none there, and
	 * the search is keyed on the '='); listed, when the caller has them,
	 * as find_ci_by() would find them one after the other */
	if (d->have_bnd)
		while (kb < d->n_bnd && d->bnd[kb] - d->bnd_base < (size_t)(p - d->buf))
			kb++;
	while ((p = d->have_bnd
	        ? (kb < d->n_bnd && d->bnd[kb] - d->bnd_base + 9 <= (size_t)(end - d->buf)
	           ? d->buf + (d->bnd[kb++] - d->bnd_base) : NULL)
	        : find_ci_by(p, end, "boundary=", 8))) {
		const char *q = p + 9;
		size_t n = 0;
		bool quoted;

		p = q;
		for (; q < end && (*q == ' ' || *q == '\t'); q++)
			;
		quoted = q < end && *q == '"';
		q += quoted;
		while (q + n < end && n < MAX_BOUNDARY &&
		       (quoted ? q[n] != '"' && q[n] != '\n'
		               : q[n] != ';' && q[n] != ' ' && q[n] != '\t' && q[n] != '\r' && q[n] != '\n'))
			n++;
		if (!n || n == MAX_BOUNDARY || nd == MAX_INNER)
			return false;
		decl[nd].b = q;
		decl[nd].n = n;
		decl[nd].closed = false;
		nd++;
	}
	open = nd;
	for (line = start; open && (line = next_dash(d, line, end, start)); line += 2) {
		for (i = 0; i < nd; i++) {
			bool closing;

			if (!decl[i].closed && boundary_line(line, end, decl[i].b, decl[i].n, &closing) &&
			    closing) {
				decl[i].closed = true;
				open--;
			}
		}
	}
	return open == 0;
}

bool bw_mimecut__find(const char *buf, size_t len, bw_mimecut *out)
{
	return bw_mimecut__find_with(buf, len, NULL, 0, out);
}

bool bw_mimecut__find_with(const char *buf, size_t len, const size_t *dash, size_t n_dash,
                           bw_mimecut *out)
{
	return bw_mimecut__find_indexed(buf, len, dash, n_dash, false, NULL, 0, 0, out);
}

bool bw_mimecut__find_indexed(const char *buf, size_t len, const size_t *dash, size_t n_dash,
                              bool have_bnd, const size_t *bnd, size_t n_bnd, size_t bnd_base,
                              bw_mimecut *out)
{
	const dash_lines d = { buf, dash, n_dash, have_bnd, bnd, n_bnd, bnd_base };
	char ct[MAX_VALUE + 1], cte[MAX_VALUE + 1];
	const char *end = buf + len, *p, *line, *orig = NULL, *orig_end = NULL;
	size_t top_end, part_head_end;
	bool closing = false, has_dsn = false;
	unsigned n_parts = 0;

	memset(out, 0, sizeof(*out));
	top_end = header_end(buf, 0, len);
	if (!top_end || header_value(buf, buf + top_end, "Content-Type", ct, sizeof(ct)) != 1 ||
	    !type_is(ct, "multipart", NULL) || !boundary_param(ct, out->boundary, sizeof(out->boundary)))
		return false;
	out->boundary_len = strlen(out->boundary);

	/* The direct parts, in order. */
	line = next_boundary(&d, buf + top_end, end, out->boundary, out->boundary_len, buf + top_end,
	                     &closing);
	while (line && !closing) {
		const char *start = line_end(line, end);
		const char *next;
		bool next_closing = false;

		if (start == end)
			return false;
		start++;
		next = next_boundary(&d, start, end, out->boundary, out->boundary_len, start,
		                     &next_closing);
		n_parts++;
		orig = NULL;
		part_head_end = header_end(buf, (size_t)(start - buf), next ? (size_t)(next - buf) : len);
		p = part_head_end ? buf + part_head_end : NULL;
		if (p && header_value(start, p, "Content-Type", ct, sizeof(ct)) >= 0) {
			if (subtype_is(ct, "delivery-status") || subtype_is(ct, "global-delivery-status"))
				has_dsn = true;
			if ((type_is(ct, "message", "rfc822") || type_is(ct, "message", "global")) &&
			    header_value(start, p, "Content-Transfer-Encoding", cte, sizeof(cte)) >= 0 &&
			    identity_encoding(cte)) {
				orig = p;
				orig_end = next;
			}
		}
		line = next;
		closing = next_closing;
	}
	/* The original must be the last part, closed by the closing boundary
	 * (GMime warns about a multipart left open, and the warning would come
	 * from past the cut), and its own header block must end before its
	 * body does. */
	if (!orig || !orig_end || !closing)
		return false;
	out->orig = (size_t)(orig - buf);
	out->cut = header_end(buf, (size_t)(orig - buf), (size_t)(orig_end - buf));
	if (!out->cut || buf + out->cut >= orig_end)
		return false;
	switch (header_value(orig, buf + out->cut, "Content-Type", ct, sizeof(ct))) {
	case 1:
		if (!type_is(ct, "multipart", NULL))
			break;
		if (!boundary_param(ct, out->inner_boundary, sizeof(out->inner_boundary)))
			return false;
		out->inner_boundary_len = strlen(out->inner_boundary);
		break;
	case 0:
		break;
	default:
		return false;
	}
	/* A report inside the original is read when the bounce itself has none
	 * (bounces of bounces): keep those whole. */
	if (!has_dsn && find_ci_by(buf + out->cut, orig_end, "delivery-status", 8))
		return false;
	if (!all_multiparts_closed(&d, orig, orig_end))
		return false;
	out->n_parts = n_parts;
	return true;
}

/* RFC 7230's tchar: letters, digits and !#$%&'*+-.^_`|~ (a bit per byte). */
static bool token_char(unsigned char c)
{
	static const uint32_t tchar[8] = { 0x00000000u, 0x03ff6cfau, 0xc7fffffeu, 0x57ffffffu };

	return (tchar[c >> 5] >> (c & 31)) & 1;
}

/* Does [p, e) hold an 8-bit byte or a control byte other than a tab?
 * Eight bytes at a time while none is below 0x20 or above 0x7f. */
static bool unplain_bytes(const char *p, const char *e)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;

	for (; e - p >= 8; p += 8) {
		uint64_t x;
		memcpy(&x, p, 8);
		if (((x - ones * 0x20) | x) & highs)
			break;
	}
	for (; p < e; p++)
		if ((unsigned char)*p >= 0x80 || ((unsigned char)*p < 0x20 && *p != '\t'))
			return true;
	return false;
}

int bw_mimecut__headers(const char *p, size_t len, bw_mimecut_header *out, size_t max)
{
	const char *end = p + len;
	size_t n = 0;

	while (p < end) {
		const char *eol = line_end(p, end), *q;

		if (blank_line(p, eol))
			return (int)n;
		if (unplain_bytes(p, eol))
			return -1;
		if (*p == ' ' || *p == '\t') {          /* a folded line */
			if (!n)
				return -1;
			out[n - 1].value_len = (size_t)(eol - out[n - 1].value);
		} else {
			for (q = p; q < eol && token_char((unsigned char)*q); q++)
				;
			if (q == p || q == eol || *q != ':' || n == max)
				return -1;
			out[n].name = p;
			out[n].name_len = (size_t)(q - p);
			out[n].value = q + 1;
			out[n].value_len = (size_t)(eol - (q + 1));
			n++;
		}
		if (eol == end)
			return -1;                        /* no blank line */
		p = eol + 1;
	}
	return -1;
}

static bool name_is(const bw_mimecut_header *h, const char *name)
{
	return h->name_len == strlen(name) && bw_strncasecmp(h->name, name, h->name_len) == 0;
}

/* "type/subtype" made of tokens, then the end or ';'. */
static bool plain_type(const char *v, size_t len)
{
	const char *e = v + len;
	int part;

	for (part = 0; part < 2; part++) {
		const char *t;

		while (v < e && (*v == ' ' || *v == '\t' || *v == '\n'))
			v++;
		for (t = v; v < e && token_char((unsigned char)*v) && *v != '/'; v++)
			;
		if (v == t)
			return false;
		while (v < e && (*v == ' ' || *v == '\t' || *v == '\n'))
			v++;
		if (part == 0 && (v == e || *v++ != '/'))
			return false;
	}
	return v == e || *v == ';';
}

int bw_mimecut__plain_original(const char *buf, const bw_mimecut *cut,
                               bw_mimecut_header *out, size_t max)
{
	int n = bw_mimecut__headers(buf + cut->orig, cut->cut - cut->orig, out, max), i, j;
	char v[MAX_VALUE + 1];

	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++)
			if (out[i].name_len == out[j].name_len &&
			    bw_strncasecmp(out[i].name, out[j].name, out[i].name_len) == 0 &&
			    !name_is(&out[i], "Received"))
				return -1;
		if (name_is(&out[i], "Content-Type")) {
			if (!plain_type(out[i].value, out[i].value_len) ||
			    out[i].value_len > MAX_VALUE)
				return -1;
			memcpy(v, out[i].value, out[i].value_len);
			v[out[i].value_len] = '\0';
			for (j = 0; v[j]; j++)
				if (v[j] == '\n' || v[j] == '\t')
					v[j] = ' ';
			if (type_is(v, "multipart", "report"))
				return -1;
		}
	}
	return n;
}
