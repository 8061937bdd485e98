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
#include <stdlib.h>
#include <string.h>

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

int bw_prepare__input(bw_prepared *out, const char *in, size_t len, size_t max_line, unsigned max_parts)
{
	prep p;
	size_t i = 0, field_len = 0, k;
	bool header = true;      /* in a header block */
	int rc = BW_OK;

	memset(out, 0, sizeof(*out));
	memset(&p, 0, sizeof(p));
	p.in = in;
	p.len = len;

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
			const char *dash = next < len ? bw_next_dash_line(in + next, in + len, in + next) : NULL;
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
	return rc;
}

void bw_prepare__clear(bw_prepared *p)
{
	free(p->buf);
	free(p->dash);
	p->buf = NULL;
	p->dash = NULL;
	p->n_dash = 0;
}
