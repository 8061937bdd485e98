/*
 * mimeflat.c - a flat multipart bounce read without GMime (mimeflat.h).
 *
 * Strict on purpose: whatever GMime might read differently, or warn about,
 * answers "not flat" and mime.c lets GMime parse the message.
 */
#include <stdint.h>
#include <string.h>

#include "mimecut.h"
#include "mimeflat.h"
#include "util.h"

#define MAX_PART_HEADERS 32

/* Letters, digits and !#$%&'+-.^_`|~ (a bit per byte); no '*': RFC 2231. */
static bool token_char(unsigned char c)
{
	static const uint32_t tchar[8] = { 0x00000000u, 0x03ff68fau, 0xc7fffffeu, 0x57ffffffu };

	return (tchar[c >> 5] >> (c & 31)) & 1;
}

static const char *skip_ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\n'))
		p++;
	return p;
}

static const char *token_end(const char *p, const char *e)
{
	while (p < e && token_char((unsigned char)*p))
		p++;
	return p;
}

bool bw_mimeflat__content_type(const char *v, size_t n, bw_mimeflat_type *out)
{
	const char *p = v, *e = v + n, *t;
	unsigned i;

	memset(out, 0, sizeof(*out));
	p = skip_ws(p, e);
	t = token_end(p, e);
	if (t == p || t == e || *t != '/')
		return false;
	out->type = p;
	out->type_len = (size_t)(t - p);
	p = t + 1;
	t = token_end(p, e);
	if (t == p)
		return false;
	out->subtype = p;
	out->subtype_len = (size_t)(t - p);
	p = skip_ws(t, e);
	while (p < e) {
		const char *name, *val;
		size_t nl, vl;

		if (*p++ != ';')
			return false;
		p = skip_ws(p, e);
		if (p == e)
			break;                       /* a trailing ';' */
		name = p;
		p = token_end(p, e);
		nl = (size_t)(p - name);
		p = skip_ws(p, e);
		if (!nl || p == e || *p++ != '=')
			return false;
		p = skip_ws(p, e);
		if (p < e && *p == '"') {
			val = ++p;
			while (p < e && *p != '"') {
				if (*p == '\\' || *p == '\n' || (unsigned char)*p < 0x20 ||
				    (unsigned char)*p >= 0x7f)
					return false;
				p++;
			}
			if (p == e)
				return false;
			vl = (size_t)(p - val);
			p++;
		} else {
			val = p;
			p = token_end(p, e);
			vl = (size_t)(p - val);
		}
		if (!vl || out->n_param == BW_MIMEFLAT_MAX_PARAMS)
			return false;
		for (i = 0; i + 1 < vl; i++)
			if (val[i] == '=' && val[i + 1] == '?')
				return false;        /* an RFC 2047 word GMime may decode */
		for (i = 0; i < out->n_param; i++)
			if (out->param[i].name_len == nl &&
			    bw_strncasecmp(out->param[i].name, name, nl) == 0)
				return false;
		out->param[out->n_param].name = name;
		out->param[out->n_param].name_len = nl;
		out->param[out->n_param].value = val;
		out->param[out->n_param].value_len = vl;
		out->n_param++;
		p = skip_ws(p, e);
	}
	return true;
}

const char *bw_mimeflat__param(const bw_mimeflat_type *t, const char *name, size_t *len)
{
	size_t nl = strlen(name);
	unsigned i;

	for (i = 0; i < t->n_param; i++)
		if (t->param[i].name_len == nl && bw_strncasecmp(t->param[i].name, name, nl) == 0) {
			*len = t->param[i].value_len;
			return t->param[i].value;
		}
	*len = 0;
	return NULL;
}

bool bw_mimeflat__is(const bw_mimeflat_type *t, const char *type, const char *subtype)
{
	return t->type_len == strlen(type) && bw_strncasecmp(t->type, type, t->type_len) == 0 &&
	       t->subtype_len == strlen(subtype) &&
	       bw_strncasecmp(t->subtype, subtype, t->subtype_len) == 0;
}

bw_mimeflat_encoding bw_mimeflat__encoding(const char *v, size_t n)
{
	static const struct { const char *name; bw_mimeflat_encoding e; } names[] = {
		{ "7bit", BW_MIMEFLAT_IDENTITY }, { "8bit", BW_MIMEFLAT_IDENTITY },
		{ "binary", BW_MIMEFLAT_IDENTITY }, { "quoted-printable", BW_MIMEFLAT_QP },
		{ "base64", BW_MIMEFLAT_BASE64 },
	};
	const char *e = v + n;
	size_t i;

	while (v < e && (*v == ' ' || *v == '\t' || *v == '\n'))
		v++;
	while (e > v && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n'))
		e--;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((size_t)(e - v) == strlen(names[i].name) &&
		    bw_strncasecmp(v, names[i].name, (size_t)(e - v)) == 0)
			return names[i].e;
	return BW_MIMEFLAT_OTHER;
}

static bool name_is(const bw_mimecut_header *h, const char *name)
{
	return h->name_len == strlen(name) && bw_strncasecmp(h->name, name, h->name_len) == 0;
}

/* Is line p (up to its '\n' or end) "--b" (1), "--b--" (2), another line
 * starting with "--b" (-1: GMime's reading is not ours to guess), or
 * none of these (0)? */
static int boundary_kind(const char *p, const char *end, const char *b, size_t bl)
{
	const char *eol = memchr(p, '\n', (size_t)(end - p));
	size_t ll = eol ? (size_t)(eol - p) : (size_t)(end - p);

	if (ll < bl + 2 || memcmp(p + 2, b, bl) != 0)
		return 0;
	if (ll == bl + 2)
		return 1;
	if (ll == bl + 4 && p[bl + 2] == '-' && p[bl + 3] == '-')
		return 2;
	return -1;
}

#define MAX_NESTING 3      /* multiparts inside the top-level one */

static bool read_parts(const char *from, const char *end, const char *b, size_t bl,
                       bw_mimeflat_end how, bw_mimeflat_part *parts, unsigned max, unsigned *n,
                       bool *to_end, bw_mimeflat *nest, unsigned level);

/* Reads the part whose header block starts at `start` and whose body ends
 * at `stop` (the '\n' before the next boundary line, or `to` for the cut
 * last part, whose body is then empty: `open`).  A multipart part's own
 * parts go to nest->child, `level` multiparts deep (MAX_NESTING at most);
 * nest NULL: no multipart. */
static bool read_part(const char *start, const char *stop, bool open, bw_mimeflat_part *out,
                      bw_mimeflat *nest, unsigned level)
{
	bw_mimecut_header h[MAX_PART_HEADERS];
	const char *body, *ib;
	size_t ibl;
	int n, i, j;
	bool typed = false;

	out->encoding = BW_MIMEFLAT_IDENTITY;
	out->child = out->n_child = 0;
	n = bw_mimecut__headers(start, (size_t)(stop - start), h, MAX_PART_HEADERS);
	if (n < 0)
		return false;
	body = n ? h[n - 1].value + h[n - 1].value_len + 1 : start;
	if (body >= stop || *body != '\n')
		return false;
	body++;
	if (open ? body != stop : body >= stop)
		return false;
	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++)
			if (h[i].name_len == h[j].name_len &&
			    bw_strncasecmp(h[i].name, h[j].name, h[i].name_len) == 0)
				return false;
		if (name_is(&h[i], "Content-Type")) {
			if (!bw_mimeflat__content_type(h[i].value, h[i].value_len, &out->type))
				return false;
			typed = true;
		} else if (name_is(&h[i], "Content-Transfer-Encoding")) {
			out->encoding = bw_mimeflat__encoding(h[i].value, h[i].value_len);
			if (out->encoding == BW_MIMEFLAT_OTHER)
				return false;
		}
	}
	if (!typed && !bw_mimeflat__content_type("text/plain", 10, &out->type))
		return false;
	out->body = body;
	out->body_len = (size_t)(stop - body);
	if (out->type.type_len != 9 || bw_strncasecmp(out->type.type, "multipart", 9) != 0)
		return true;
	/* A multipart/alternative, related or mixed, closed; its parts are
	 * kept together: those of a multipart among them come after. */
	if (!nest || open || level > MAX_NESTING || out->encoding != BW_MIMEFLAT_IDENTITY ||
	    !(bw_mimeflat__is(&out->type, "multipart", "alternative") ||
	      bw_mimeflat__is(&out->type, "multipart", "related") ||
	      bw_mimeflat__is(&out->type, "multipart", "mixed")) ||
	    !(ib = bw_mimeflat__param(&out->type, "boundary", &ibl)) || ibl > 200)
		return false;
	return read_parts(body, stop, ib, ibl, BW_MIMEFLAT_CLOSED, NULL, 0, &out->n_child, NULL, nest,
	                  level + 1) &&
	       (out->child = nest->last_first, true);
}

/* The parts of the region [from, end) delimited by boundary b, as
 * bw_mimeflat__read() says: into parts[0..max), or (parts NULL) into
 * nest->child, next to each other (nest->last_first: the first); *n of
 * them.  The regions first, then each part (a multipart's own parts are
 * put after its siblings). */
static bool read_parts(const char *from, const char *end, const char *b, size_t bl,
                       bw_mimeflat_end how, bw_mimeflat_part *parts, unsigned max, unsigned *n,
                       bool *to_end, bw_mimeflat *nest, unsigned level)
{
	struct { const char *start, *stop; } region[BW_MIMEFLAT_MAX_PARTS];
	const char *p = from, *start = NULL;
	bool open_last = how == BW_MIMEFLAT_CUT, closed = false, last_to_end = false;
	unsigned k, nr = 0, first;
	int kind;

	/* The prologue, then the parts' regions. */
	while ((p = bw_next_dash_line(p, end, from))) {
		kind = boundary_kind(p, end, b, bl);
		if (kind < 0)
			return false;
		if (kind == 0) {
			p += 2;
			continue;
		}
		if (start) {
			/* the part before ends at the '\n' before this line */
			if (nr == BW_MIMEFLAT_MAX_PARTS || p - 1 < start)
				return false;
			region[nr].start = start;
			region[nr++].stop = p - 1;
		}
		if (kind == 2) {
			if (open_last || !nr)
				return false;
			closed = true;
			break;
		}
		p = memchr(p, '\n', (size_t)(end - p));
		if (!p)
			return false;
		start = ++p;
	}
	if (!closed) {
		if (how == BW_MIMEFLAT_CLOSED || !start || nr == BW_MIMEFLAT_MAX_PARTS)
			return false;
		region[nr].start = start;
		region[nr++].stop = end;
		last_to_end = !open_last;
	}
	if (!parts) {
		if (nr > BW_MIMEFLAT_MAX_CHILDREN - nest->n_child)
			return false;
		parts = nest->child + nest->n_child;
		first = nest->n_child;
		nest->n_child += nr;
	} else {
		if (nr > max)
			return false;
		first = 0;
	}
	for (k = 0; k < nr; k++)
		if (!read_part(region[k].start, region[k].stop, open_last && k + 1 == nr, &parts[k],
		               open_last && k + 1 == nr ? NULL : nest, level))
			return false;
	*n = nr;
	if (to_end)
		*to_end = last_to_end;
	nest->last_first = first;
	return true;
}

bool bw_mimeflat__read(const char *buf, size_t from, size_t to, const char *b, size_t bl,
                       bw_mimeflat_end how, bw_mimeflat *out)
{
	out->n = out->n_child = 0;
	out->to_end = false;
	return read_parts(buf + from, buf + to, b, bl, how, out->part, BW_MIMEFLAT_MAX_PARTS,
	                  &out->n, &out->to_end, out, 1);
}
