/*
 * mime.c - the one place that talks to GMime: raw octets -> bw_msg.
 *
 * GMime returns message/delivery-status and message/feedback-report bodies
 * as plain leaf parts, and text/rfc822-headers as a text part; we collect
 * their decoded bodies and parse them ourselves (dsn.c, headers.c).  GMime's
 * message foreach does not descend into attached messages, so the walk is
 * our own.  GMime is given the message only up to the end of the returned
 * original's header block when mimecut.c finds that nothing after it is
 * read (the original's body can be megabytes); otherwise the whole.  When
 * the bounce's own header block is plain, GMime is given only the headers
 * that make the structure (read_top()) and the view reads the block itself.
 * The common layouts (mimeflat.h: leaf parts with plain headers, a returned
 * original cut or simple) build no GMime objects at all (flat_view()): the
 * view takes the parts' bytes, decoded and converted by GMime's own
 * encoders and charset filter, and only an original whose header block is
 * not plain is parsed by GMime, alone.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "error.h"
#include "gmime_load.h"
#include "html.h"
#include "mimecut.h"
#include "mimeflat.h"
#include "msg.h"
#include "notices_phrases.h"
#include "prepare.h"
#include "rfc2047.h"
#include "text.h"
#include "util.h"

#define DEFAULT_MAX_DEPTH 32
#define DEFAULT_MAX_PARTS 2000
#define MAX_ORIG_HEADERS 500

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;
static bool gmime_ready;       /* GMime loaded and initialised */

bool bw_msg__flat_off;

/* GMime is loaded by the first parse, not with the process
 * (gmime_load.h).  Its initialisation (through gpgme) sets SIGPIPE to
 * ignored for the whole process; the library puts back what the program
 * had. */
static void gmime_init_once(void)
{
	struct sigaction old;
	bool saved;

	if (bw_gmime__load() != BW_OK)
		return;
	saved = sigaction(SIGPIPE, NULL, &old) == 0;
	g_mime_init();
	if (saved)
		sigaction(SIGPIPE, &old, NULL);
	gmime_ready = true;
}

typedef struct walk_ctx {
	bw_msg *m;
	unsigned max_depth, max_parts, parts;
	bw_buf body;          /* plain text at message depth 0 */
	bw_buf html;          /* html turned into text, used if no plain text */
	int dsn_depth;        /* message depth of the DSN parts kept so far, -1 none */
	bool limit_hit;
	size_t max_line;      /* longest header or field line kept */
	bool line_cut;        /* a line was cut to max_line (warned once) */
	/* The returned original, when GMime was given none of it (see
	 * construct_cut()): the message part standing for it and its headers,
	 * read by mimecut.c. */
	const GMimeObject *plain_part;
	const struct plain_original *plain;
} walk_ctx;

/* The original's headers read without GMime (mimecut.h). */
typedef struct plain_original {
	bw_mimecut_header h[MAX_ORIG_HEADERS];
	int n;
} plain_original;

/* The bounce's own header block read without GMime (read_top()): GMime is
 * given only the headers it needs to build the structure, and the view
 * takes the block from here.  Creating a header object per header (each
 * value decoded once to validate it, address and date headers parsed)
 * was about a fifth of the work per message. */
typedef struct top_block {
	plain_original all;       /* all.n is -1 when GMime reads the whole block */
	char *from;               /* its From as GMime decodes it (g_free), or NULL */
	size_t blank;             /* offset of the blank line that ends the block */
	bw_buf kept;              /* the headers GMime is given, in order */
	/* The pieces of what GMime is given: kept.buf[seg[k].at ...] comes
	 * from buf[seg[k].from ...]; the last piece is the rest of the
	 * message from the blank line on.  Puts its warnings' offsets back. */
	struct { size_t at, from; } seg[MAX_ORIG_HEADERS + 1];
	size_t n_seg;
} top_block;

/* Where to cut s to at most max bytes without splitting a UTF-8 sequence. */
static size_t utf8_cut(const char *s, size_t max)
{
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return max;
}

static void warn_line_cut(walk_ctx *c)
{
	char msg[128];

	if (c->line_cut)
		return;
	c->line_cut = true;
	snprintf(msg, sizeof(msg), "a header or field line longer than %zu bytes was cut", c->max_line);
	bw_strlist__push(&c->m->warnings, msg);
}

/* Cuts every line of text (in place) to c->max_line bytes; returns the new
 * length.  Header blocks and delivery-status fields are read line by line,
 * so this bounds every value they give (max_line_length). */
static size_t clip_lines(walk_ctx *c, char *text, size_t len)
{
	size_t r = 0, w = 0;

	while (r < len) {
		const char *nl = memchr(text + r, '\n', len - r);
		size_t ll = nl ? (size_t)(nl - (text + r)) : len - r;
		size_t keep = ll;
		if (ll > c->max_line) {
			keep = utf8_cut(text + r, c->max_line);
			warn_line_cut(c);
		}
		memmove(text + w, text + r, keep);
		w += keep;
		r += ll;
		if (nl) {
			text[w++] = '\n';
			r++;
		}
	}
	if (w < len)
		text[w] = '\0';
	return w;
}


static void walk(walk_ctx *c, GMimeObject *obj, unsigned depth, int msg_depth);
static void walk_multipart(walk_ctx *c, GMimeMultipart *mp, unsigned depth, int msg_depth);

static char *content_bytes(GMimePart *part, size_t *len)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeStream *mem;
	GByteArray *arr;
	char *out;

	*len = 0;
	if (!w)
		return bw_strdup("");
	mem = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(w, mem);
	arr = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	/* An empty part has no data array at all (data == NULL). */
	out = arr->len ? bw_strndup((const char *)arr->data, arr->len) : bw_strdup("");
	if (out) {
		*len = arr->len;
		/* Line endings inside encoded bodies may still be CRLF. */
		*len = bw_text__normalize_eol(out, *len);
	}
	g_object_unref(mem);
	return out;
}

/* Can the decoded bytes of a text part be taken as its text, without
 * GMime's charset conversion (g_mime_text_part_get_text())?  Returns true
 * and the bytes when:
 *  - the part is labelled with a 7-bit charset (ISO-2022-JP, US-ASCII) but
 *    its bytes are 8-bit UTF-8: it was re-encoded on the way (a relay
 *    converted it and kept the label), and converting it "from
 *    ISO-2022-JP" would destroy it;
 *  - the conversion would give the same bytes: no charset (GMime converts
 *    nothing), US-ASCII bytes labelled US-ASCII, valid UTF-8 labelled
 *    UTF-8 (and no NUL byte, where GMime's text would end).
 * The second case only saves the conversion's cost. */
static bool bytes_are_text(GMimePart *part, char **out, size_t *len)
{
	const char *cs = g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset");
	bool seven = cs && (bw_startswith_ci(cs, "iso-2022-") || bw_strcasecmp(cs, "us-ascii") == 0);
	bool ascii_label = cs && bw_strcasecmp(cs, "us-ascii") == 0;
	bool utf8_label = cs && (bw_strcasecmp(cs, "utf-8") == 0 || bw_strcasecmp(cs, "utf8") == 0);
	char *bytes;
	size_t n, i;

	if (cs && !seven && !utf8_label)
		return false;
	if (!(bytes = content_bytes(part, &n)))
		return false;
	for (i = 0; i < n && !((unsigned char)bytes[i] & 0x80); i++)
		;
	if (memchr(bytes, '\0', n) ||
	    (seven && !(i == n ? ascii_label : bw_text__valid_utf8(bytes, n))) ||
	    (utf8_label && !bw_text__valid_utf8(bytes, n))) {
		free(bytes);
		return false;
	}
	*out = bytes;
	*len = n;
	return true;
}

/* Decoded, charset-converted text of a text part, valid UTF-8. */
static char *part_text(GMimePart *part, size_t *len)
{
	char *raw, *text;
	size_t n;

	*len = 0;  /* also for the early return of an empty text part */
	if (GMIME_IS_TEXT_PART(part) && bytes_are_text(part, &text, &n)) {
		/* the bytes as they are */
	} else if (GMIME_IS_TEXT_PART(part)) {
		const char *cs = g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset");

		if (cs)
			bw_charset__pin(cs, strlen(cs), true);
		raw = g_mime_text_part_get_text(GMIME_TEXT_PART(part));
		if (!raw)
			return bw_strdup("");
		n = strlen(raw);
		text = bw_strndup(raw, n);
		g_free(raw);
		if (!text)
			return NULL;
		n = bw_text__normalize_eol(text, n);
	} else {
		text = content_bytes(part, &n);
		if (!text)
			return NULL;
	}
	if (!bw_text__valid_utf8(text, n)) {
		char *conv = bw_text__latin1_to_utf8(text, n);
		free(text);
		text = conv;
		if (!text)
			return NULL;
		n = strlen(text);
	}
	*len = n;
	return text;
}

/* Keeps one header: our own RFC 2047 decoding (rfc2047.c) of the unfolded
 * raw value, valid UTF-8, cut to max_line; `name` is taken.  False on
 * ENOMEM. */
static bool keep_header(walk_ctx *c, char *name, const char *value, size_t vlen,
                        bw_kvlist *out)
{
	char *raw, *v;
	size_t len;

	if (!name || !(raw = bw_squeeze_dup(value ? value : "", value ? vlen : 0))) {
		free(name);
		return false;
	}
	v = strstr(raw, "=?") ? bw_rfc2047__decode(raw) : raw;
	if (v != raw)
		free(raw);
	if (!v) {
		free(name);
		return false;
	}
	len = strlen(v);
	if (!bw_text__valid_utf8(v, len)) {
		char *conv = bw_text__latin1_to_utf8(v, len);
		free(v);
		if (!(v = conv)) {
			free(name);
			return false;
		}
		len = strlen(v);
	}
	if (len > c->max_line) {
		v[utf8_cut(v, c->max_line)] = '\0';
		warn_line_cut(c);
	}
	return bw_kvlist__push_take(out, name, v) == BW_OK;
}

static void copy_headers(walk_ctx *c, GMimeObject *obj, bw_kvlist *out, size_t max)
{
	GMimeHeaderList *list = g_mime_object_get_header_list(obj);
	int i, n;

	if (!list)
		return;
	n = g_mime_header_list_get_count(list);
	for (i = 0; i < n && out->n < max; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(list, i);
		const char *name = g_mime_header_get_name(h);
		const char *value = g_mime_header_get_raw_value(h);

		if (!name)
			continue;
		if (!keep_header(c, bw_strdup(name), value, value ? strlen(value) : 0, out))
			return;
	}
}

/* GMime's test for the headers of a message that belong to its MIME part
 * (a message object holds none of them). */
static bool content_header(const bw_mimecut_header *h)
{
	return h->name_len >= 8 && bw_strncasecmp(h->name, "Content-", 8) == 0;
}

/* The same for headers read by mimecut.c; a message's own headers
 * (`message`) without its Content-* ones, as GMime's message object. */
static void copy_plain_headers(walk_ctx *c, const plain_original *po, bool message,
                               bw_kvlist *out, size_t max)
{
	int i;

	for (i = 0; i < po->n && out->n < max; i++) {
		char *name;
		bool ok;

		if (message && content_header(&po->h[i]))
			continue;
		name = bw_strndup(po->h[i].name, po->h[i].name_len);
		ok = keep_header(c, name, po->h[i].value, po->h[i].value_len, out);
		if (!ok)
			return;
	}
}

static void append_text(bw_buf *b, const char *text, size_t len)
{
	if (!len)
		return;
	if (b->len)
		bw_buf__puts(b, "\n\n");
	bw_buf__put(b, text, len);
}

static bool type_is(GMimeContentType *ct, const char *type, const char *subtype)
{
	return ct && g_mime_content_type_is_type(ct, type, subtype);
}

static void take_original_headers(walk_ctx *c, char *text, size_t len)
{
	if (c->m->has_original)
		return;
	len = clip_lines(c, text, len);
	bw_headers__parse(text, len, &c->m->orig_headers);
	c->m->has_original = true;
}

/* What the view does with a leaf part, by its type. */
typedef enum leaf_kind {
	LEAF_DSN,          /* any type ending in delivery-status: its fields */
	LEAF_FEEDBACK,     /* message/feedback-report */
	LEAF_ORIGINAL,     /* returned headers, or a returned message kept a leaf */
	LEAF_TEXT,         /* text/plain, text/enriched, other prose text/x-*: the body */
	LEAF_HTML,         /* text/html: the body made text */
	LEAF_OTHER         /* not read */
} leaf_kind;

/* The kind of a leaf of type/subtype (ASCII case ignored). */
static leaf_kind leaf_kind_of(const char *type, size_t tl, const char *subtype, size_t sl)
{
	static const struct { const char *type, *subtype; leaf_kind kind; } kinds[] = {
		{ "message", "feedback-report", LEAF_FEEDBACK },
		{ "text", "rfc822-headers", LEAF_ORIGINAL }, { "text", "rfc822-header", LEAF_ORIGINAL },
		{ "message", "rfc822-headers", LEAF_ORIGINAL }, { "message", "global-headers", LEAF_ORIGINAL },
		{ "message", "rfc822", LEAF_ORIGINAL }, { "message", "global", LEAF_ORIGINAL },
		{ "text", "plain", LEAF_TEXT }, { "text", "enriched", LEAF_TEXT },
		{ "text", "html", LEAF_HTML },
	};
	size_t i;

	if ((sl == 15 && bw_strncasecmp(subtype, "delivery-status", 15) == 0) ||
	    (sl == 22 && bw_strncasecmp(subtype, "global-delivery-status", 22) == 0))
		return LEAF_DSN;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (tl == strlen(kinds[i].type) && bw_strncasecmp(type, kinds[i].type, tl) == 0 &&
		    sl == strlen(kinds[i].subtype) && bw_strncasecmp(subtype, kinds[i].subtype, sl) == 0)
			return kinds[i].kind;
	/* Another text subtype ("text/x-notice", "text/x-log") is read as
	 * text too, unless it is data rather than prose. */
	if (tl == 4 && bw_strncasecmp(type, "text", 4) == 0) {
		static const char *const data[] = { "calendar", "vcard", "x-vcard", "csv", "css",
			"javascript", "xml", "directory", "tab-separated-values" };
		for (i = 0; i < sizeof(data) / sizeof(data[0]); i++)
			if (sl == strlen(data[i]) && bw_strncasecmp(subtype, data[i], sl) == 0)
				return LEAF_OTHER;
		return LEAF_TEXT;
	}
	return LEAF_OTHER;
}

/* Does the view read the text of a leaf of this kind at msg_depth? */
static bool leaf_wanted(const walk_ctx *c, leaf_kind k, int msg_depth)
{
	switch (k) {
	case LEAF_DSN:
		return !(c->dsn_depth >= 0 && msg_depth > c->dsn_depth);
	case LEAF_FEEDBACK:
		return !c->m->feedback && msg_depth == 0;
	case LEAF_ORIGINAL:
	case LEAF_TEXT:
	case LEAF_HTML:
		return msg_depth == 0;
	default:
		return false;
	}
}

/* Takes the text of a leaf that leaf_wanted() (part_text(), or the same
 * made without GMime: mimeflat.c); NULL when out of memory. */
static void take_leaf(walk_ctx *c, leaf_kind k, int msg_depth, char *text, size_t len)
{
	if (k == LEAF_DSN) {
		/* the outermost report's parts only */
		if (c->dsn_depth >= 0 && msg_depth < c->dsn_depth)
			bw_strlist__clear(&c->m->dsn);
		c->dsn_depth = msg_depth;
	}
	if (!text)
		return;
	switch (k) {
	case LEAF_DSN:
		len = clip_lines(c, text, len);
		bw_strlist__push_len(&c->m->dsn, text, len);
		break;
	case LEAF_FEEDBACK:
		c->m->feedback = text;
		clip_lines(c, text, len);
		return;
	case LEAF_ORIGINAL:
		take_original_headers(c, text, len);
		break;
	case LEAF_TEXT:
		append_text(&c->body, text, len);
		break;
	case LEAF_HTML: {
		char *plain = bw_html__to_text(text, len);
		if (plain) {
			append_text(&c->html, plain, strlen(plain));
			free(plain);
		}
		break;
	}
	default:
		break;
	}
	free(text);
}

/* A delivery-status part written without the blank line after its
 * Content-Type (RFC 3249's examples print it so): its fields end up among
 * the part's headers and its body is empty.  Those fields as the part's
 * text ("Name: value" lines, the Content-* and MIME-Version ones left out),
 * or NULL when none is a delivery-status field. */
static char *dsn_fields_in_headers(GMimeObject *obj, size_t *len)
{
	GMimeHeaderList *list = g_mime_object_get_header_list(obj);
	bw_buf b = BW_BUF_INIT;
	bool dsn = false;
	int i, n;

	if (!list)
		return NULL;
	n = g_mime_header_list_get_count(list);
	for (i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(list, i);
		const char *name = g_mime_header_get_name(h);
		const char *value = g_mime_header_get_raw_value(h);

		if (!name || bw_strncasecmp(name, "Content-", 8) == 0 ||
		    bw_strcasecmp(name, "MIME-Version") == 0)
			continue;
		if (bw_strcasecmp(name, "Final-Recipient") == 0 || bw_strcasecmp(name, "Reporting-MTA") == 0 ||
		    bw_strcasecmp(name, "Action") == 0 || bw_strcasecmp(name, "Status") == 0)
			dsn = true;
		bw_buf__puts(&b, name);
		bw_buf__puts(&b, ": ");
		bw_buf__puts(&b, value ? value : "");
		bw_buf__putc(&b, '\n');
	}
	if (!dsn) {
		bw_buf__free(&b);
		return NULL;
	}
	{
		size_t blen = b.len;
		char *out = bw_buf__detach(&b);   /* NULL when out of memory */

		if (out)
			*len = blen;
		return out;
	}
}

/* Does file name `name` end in the extension of a program or an archive
 * (".exe", ".scr", ".pif", ".zip", ...: rules/vocabulary/notices.vocab)? */
static bool program_file_name(const char *name)
{
	static const char *const ext[] = { BW_PHRASES_PROGRAM_ATTACHMENT_ENDINGS };
	size_t i, n = strlen(name);

	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		size_t el = strlen(ext[i]);
		if (n > el && bw_strcasecmp(name + n - el, ext[i]) == 0)
			return true;
	}
	return false;
}

static void walk_leaf(walk_ctx *c, GMimePart *part, int msg_depth)
{
	GMimeContentType *ct = g_mime_object_get_content_type(GMIME_OBJECT(part));
	const char *type, *subtype, *name;
	leaf_kind k;
	size_t len;

	if (!ct)
		return;
	type = g_mime_content_type_get_media_type(ct);
	subtype = g_mime_content_type_get_media_subtype(ct);
	if (msg_depth == 0 && !c->m->program_attachment && type && bw_strcasecmp(type, "application") == 0 &&
	    (name = g_mime_part_get_filename(part)) && program_file_name(name))
		c->m->program_attachment = bw_strdup(name);
	k = leaf_kind_of(type ? type : "", type ? strlen(type) : 0,
	                 subtype ? subtype : "", subtype ? strlen(subtype) : 0);
	if (leaf_wanted(c, k, msg_depth)) {
		char *text = part_text(part, &len);

		if (k == LEAF_DSN && text && bw_text__blank(text, len)) {
			size_t flen = 0;
			char *fields = dsn_fields_in_headers(GMIME_OBJECT(part), &flen);

			if (fields) {
				free(text);
				text = fields;
				len = flen;
			}
		}
		take_leaf(c, k, msg_depth, text, len);
	}
}

/* A multipart whose declared boundary never occurs (some MTAs write one
 * boundary in the header and another in the body) comes back from GMime
 * with no parts and everything in its prologue.  When the prologue has a
 * line "--token", reparse it with that token as the boundary.  Returns
 * whether it did. */
static bool reparse_misdeclared(walk_ctx *c, GMimeMultipart *mp, unsigned depth, int msg_depth)
{
	const char *pro = g_mime_multipart_get_prologue(mp);
	GMimeContentType *ct = g_mime_object_get_content_type(GMIME_OBJECT(mp));
	const char *p, *eol;
	bw_buf b = BW_BUF_INIT;
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeObject *obj;
	char *text;
	size_t tl;

	if (!pro || !ct)
		return false;
	for (p = pro; *p; p = eol + 1) {
		eol = strchr(p, '\n');
		if (!eol)
			eol = p + strlen(p);
		if (p[0] == '-' && p[1] == '-' && eol - p > 3 && !memchr(p + 2, ' ', (size_t)(eol - p - 2)))
			break;
		if (!*eol)
			return false;
	}
	if (!*p)
		return false;
	tl = (size_t)(eol - p - 2);
	while (tl && (p[2 + tl - 1] == '\r' || p[2 + tl - 1] == '-'))
		tl--;
	if (!tl)
		return false;
	bw_buf__printf(&b, "Content-Type: %s/%s; boundary=\"", g_mime_content_type_get_media_type(ct),
	               g_mime_content_type_get_media_subtype(ct));
	bw_buf__put(&b, p + 2, tl);
	bw_buf__puts(&b, "\"\n\n");
	bw_buf__puts(&b, pro);
	bw_buf__puts(&b, "\n");
	if (!(text = bw_buf__detach(&b)))
		return false;
	stream = g_mime_stream_mem_new_with_buffer(text, strlen(text));
	parser = g_mime_parser_new_with_stream(stream);
	g_object_unref(stream);
	obj = g_mime_parser_construct_part(parser, NULL);
	g_object_unref(parser);
	free(text);
	if (!obj)
		return false;
	if (!GMIME_IS_MULTIPART(obj) || g_mime_multipart_get_count(GMIME_MULTIPART(obj)) == 0) {
		g_object_unref(obj);
		return false;
	}
	bw_strlist__push(&c->m->warnings, "the multipart boundary in the header does not occur in the body: read with the one the body uses");
	walk_multipart(c, GMIME_MULTIPART(obj), depth, msg_depth);
	g_object_unref(obj);
	return true;
}

/* The length of a leaf part's content as it is stored (encoded, as the
 * flat path measures it: BW_MIME_STUB_PLAIN), or (size_t)-1 when
 * unknown; nothing is decoded. */
static size_t part_length(GMimeObject *obj)
{
	GMimeDataWrapper *dw;
	GMimeStream *s;
	gint64 n;

	if (!GMIME_IS_PART(obj) || !(dw = g_mime_part_get_content(GMIME_PART(obj))) ||
	    !(s = g_mime_data_wrapper_get_stream(dw)) || (n = g_mime_stream_length(s)) < 0)
		return (size_t)-1;
	return (size_t)n;
}

static void walk_multipart(walk_ctx *c, GMimeMultipart *mp, unsigned depth, int msg_depth)
{
	GMimeContentType *ct = g_mime_object_get_content_type(GMIME_OBJECT(mp));
	int i, n = g_mime_multipart_get_count(mp);

	if (n == 0) {
		const char *pro;
		if (reparse_misdeclared(c, mp, depth, msg_depth))
			return;
		/* No boundary line at all: the whole body sits in the prologue;
		 * read it as text (decoders find inline reports there). */
		pro = g_mime_multipart_get_prologue(mp);
		if (msg_depth == 0 && pro && *pro) {
			append_text(&c->body, pro, strlen(pro));
			bw_strlist__push(&c->m->warnings, "a multipart without any boundary line: read as plain text");
		}
		return;
	}
	if (type_is(ct, "multipart", "alternative")) {
		/* One representation: the plain one when there is one, unless
		 * it only points to the HTML one (BW_MIME_STUB_PLAIN); a report
		 * (multipart/report) over any, as when an archiver wrapped a
		 * bounce as one alternative beside a text summary. */
		GMimeObject *pick = NULL, *html = NULL, *report = NULL;
		bool plain = false;
		for (i = 0; i < n; i++) {
			GMimeObject *child = g_mime_multipart_get_part(mp, i);
			GMimeContentType *cct = g_mime_object_get_content_type(child);
			if (type_is(cct, "multipart", "report") && !report)
				report = child;
			if (type_is(cct, "text", "html") && !html)
				html = child;
			if (type_is(cct, "text", "plain") && !plain) {
				pick = child;
				plain = true;
			}
			if (!pick)
				pick = child;
		}
		if (plain && html && part_length(pick) < BW_MIME_STUB_PLAIN)
			pick = html;
		if (report)
			pick = report;
		if (pick)
			walk(c, pick, depth + 1, msg_depth);
		return;
	}
	for (i = 0; i < n; i++)
		walk(c, g_mime_multipart_get_part(mp, i), depth + 1, msg_depth);
}

static void walk(walk_ctx *c, GMimeObject *obj, unsigned depth, int msg_depth)
{
	if (!obj || c->limit_hit)
		return;
	if (depth > c->max_depth || ++c->parts > c->max_parts) {
		bw_strlist__push(&c->m->warnings, depth > c->max_depth
		                 ? "MIME structure nested too deeply: the deeper parts were not read"
		                 : "too many MIME parts: the rest were not read");
		c->limit_hit = true;
		return;
	}
	if (GMIME_IS_MULTIPART(obj)) {
		walk_multipart(c, GMIME_MULTIPART(obj), depth, msg_depth);
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		if (c->plain && obj == c->plain_part) {
			/* the original GMime did not see: its headers only */
			if (msg_depth == 0 && !c->m->has_original) {
				copy_plain_headers(c, c->plain, false, &c->m->orig_headers, MAX_ORIG_HEADERS);
				c->m->has_original = true;
			}
			return;
		}
		if (!inner)
			return;
		if (msg_depth == 0 && !c->m->has_original) {
			copy_headers(c, GMIME_OBJECT(inner), &c->m->orig_headers, MAX_ORIG_HEADERS);
			c->m->has_original = true;
		}
		/* Only a report nested in an attached message interests us
		 * below this point (forwarded bounces, bounces of bounces). */
		walk(c, g_mime_message_get_mime_part(inner), depth + 1, msg_depth + 1);
	} else if (GMIME_IS_PART(obj)) {
		walk_leaf(c, GMIME_PART(obj), msg_depth);
	}
}

/* Where parser warnings go.  A cut parse (mimecut.h) drops those at or past
 * the cut: they are about bytes we made up, or about the original's body,
 * which is not read. */
typedef struct warn_ctx {
	bw_msg *m;
	gint64 limit;           /* -1: none */
	const top_block *top;   /* GMime was given part of the header block */
	gint64 base;            /* GMime was given the message from this offset on */
} warn_ctx;

/* Where GMime's offset `off` is in the message (its offsets count what it
 * was given: read_top()). */
static gint64 message_offset(const top_block *t, gint64 off)
{
	size_t k;

	if (!t || t->all.n < 0 || off < 0)
		return off;
	for (k = t->n_seg; k-- > 0;)
		if ((size_t)off >= t->seg[k].at)
			return (gint64)(t->seg[k].from + ((size_t)off - t->seg[k].at));
	return off;
}

static void parser_warning(gint64 offset, GMimeParserWarning errcode, const gchar *item, gpointer user_data)
{
	static const struct { GMimeParserWarning code; const char *what; } known[] = {
		{ GMIME_CRIT_NESTING_OVERFLOW, "MIME parts nested too deeply" },
		{ GMIME_WARN_PART_WITHOUT_CONTENT, "a MIME part without content" },
		{ GMIME_WARN_MALFORMED_MULTIPART, "a malformed multipart" },
		{ GMIME_WARN_UNENCODED_8BIT_HEADER, "8-bit bytes in a header" },
		{ GMIME_WARN_INVALID_CONTENT_TYPE, "an invalid Content-Type" },
		{ GMIME_CRIT_INVALID_HEADER_NAME, "lines that are not valid headers (folding broken?)" },
		{ GMIME_CRIT_CONFLICTING_HEADER, "conflicting headers" },
	};
	const warn_ctx *w = user_data;
	bw_msg *m = w->m;
	char msg[160];
	size_t i, k;

	(void)item;
	offset = w->base + message_offset(w->top, offset);
	if (w->limit >= 0 && offset >= w->limit)
		return;
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (known[i].code != errcode)
			continue;
		snprintf(msg, sizeof(msg), "MIME: %s (first at byte %lld)", known[i].what, (long long)offset);
		/* One warning per kind of problem. */
		for (k = 0; k < m->warnings.n; k++)
			if (strncmp(m->warnings.v[k], msg, strlen("MIME: ") + strlen(known[i].what)) == 0)
				return;
		if (m->warnings.n < 16)
			bw_strlist__push(&m->warnings, msg);
		return;
	}
}

static char *lower_dup(const char *s)
{
	char *p = bw_strdup(s ? s : ""), *q;

	if (p)
		for (q = p; *q; q++)
			*q = (char)bw_lower((unsigned char)*q);
	return p;
}

static bool looks_like_daemon(const char *from)
{
	static const char *const who[] = { "mailer-daemon", "postmaster", "mail delivery",
		"mail administrator", "mdaemon", "mailer_daemon", "mail-daemon" };
	size_t i;

	if (!from)
		return false;
	for (i = 0; i < sizeof(who) / sizeof(who[0]); i++)
		if (bw_strcasestr(from, who[i]))
			return true;
	return false;
}

/* What GMime built: a message, or, when it was given only the Content-*
 * headers of the header block (read_top()), the top-level part alone. */
static GMimeObject *top_part(GMimeObject *root)
{
	return GMIME_IS_MESSAGE(root) ? g_mime_message_get_mime_part(GMIME_MESSAGE(root)) : root;
}

/* The From of root as GMime decodes it; `from`, decoded by
 * read_top(), when GMime did not see the header block. */
static const char *from_of(GMimeObject *root, const char *from)
{
	return GMIME_IS_MESSAGE(root) ? g_mime_object_get_header(root, "From") : from;
}

/* The one message attached to a multipart that is not a report (a
 * report's own attached message is what it reports on: a complaint's spam,
 * a notice's returned original, even when that looks like a bounce). */
/* A message saved as a file and attached as one ("Undelivered Mail
 * Returned to Sender.eml", application/octet-stream): the part of mp at i
 * is replaced by a message/rfc822 part holding it, so that it is read as
 * the attached message it is.  Nothing changes when the part is not named
 * *.eml or holds no header block. */
static void promote_eml_attachment(GMimeMultipart *mp, int i)
{
	GMimeObject *child = g_mime_multipart_get_part(mp, i), *old;
	const char *name = GMIME_IS_PART(child) ? g_mime_part_get_filename(GMIME_PART(child)) : NULL;
	size_t nl = name ? strlen(name) : 0;
	GMimeDataWrapper *w;
	GMimeStream *mem;
	GMimeParser *parser;
	GMimeMessage *msg;
	GMimeMessagePart *mpart;

	if (nl < 5 || bw_strcasecmp(name + nl - 4, ".eml") != 0 ||
	    !(w = g_mime_part_get_content(GMIME_PART(child))))
		return;
	mem = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(w, mem);
	g_mime_stream_reset(mem);
	parser = g_mime_parser_new_with_stream(mem);
	g_object_unref(mem);
	msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	if (!msg)
		return;
	if (!g_mime_object_get_header(GMIME_OBJECT(msg), "From") &&
	    !g_mime_object_get_header(GMIME_OBJECT(msg), "Subject")) {
		g_object_unref(msg);
		return;
	}
	mpart = g_mime_message_part_new_with_message("rfc822", msg);
	g_object_unref(msg);
	old = g_mime_multipart_replace(mp, i, GMIME_OBJECT(mpart));
	g_object_unref(mpart);
	if (old)
		g_object_unref(old);
}

static GMimeMessage *only_attached_message(GMimeObject *top)
{
	GMimeMessage *inner = NULL;
	int i, n, found = 0;

	if (!top || !GMIME_IS_MULTIPART(top))
		return NULL;
	if (type_is(g_mime_object_get_content_type(top), "multipart", "report"))
		return NULL;
	n = g_mime_multipart_get_count(GMIME_MULTIPART(top));
	for (i = 0; i < n; i++) {
		GMimeObject *child;

		promote_eml_attachment(GMIME_MULTIPART(top), i);
		child = g_mime_multipart_get_part(GMIME_MULTIPART(top), i);
		if (GMIME_IS_MESSAGE_PART(child)) {
			inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(child));
			found++;
		}
	}
	return found == 1 ? inner : NULL;
}

/* Does an Auto-Submitted value (al bytes; NULL: no such field) say the
 * message is an automatic reply (RFC 3834)? */
static bool auto_replied(const char *auto_submitted, size_t al)
{
	return auto_submitted && bw_memcasemem(auto_submitted, al, "auto-replied");
}

/* Does a Return-Path value (rl bytes; NULL: no such field) name the null
 * reverse path ("<>")? */
static bool null_return_path(const char *rp, size_t rl)
{
	while (rl && (*rp == ' ' || *rp == '\t'))
		rp++, rl--;
	return rl >= 2 && rp[0] == '<' && rp[1] == '>';
}

/* A bounce forwarded by a person: the real report is the attached message.
 * A mail system's notice: from a daemon's address, a report, or delivered
 * with the null reverse path (RFC 5321 4.5.5) under a failure's subject
 * (auto-replies and help desks' acknowledgements come with it too). */
static bool is_bounce(GMimeMessage *inner)
{
	GMimeObject *top;
	const char *rp;

	if (looks_like_daemon(g_mime_object_get_header(GMIME_OBJECT(inner), "From")))
		return true;
	rp = g_mime_object_get_header(GMIME_OBJECT(inner), "Return-Path");
	if (null_return_path(rp, rp ? strlen(rp) : 0) &&
	    bw_text__is_bounce_subject(g_mime_object_get_header(GMIME_OBJECT(inner), "Subject")))
		return true;
	top = g_mime_message_get_mime_part(inner);
	return top && type_is(g_mime_object_get_content_type(top), "multipart", "report");
}

/* The value of the first field `name` of a header block read without
 * GMime, *vl its length; NULL if there is none. */
static const char *plain_header(const plain_original *p, const char *name, size_t *vl)
{
	size_t nl = strlen(name);
	int i;

	for (i = 0; i < p->n; i++)
		if (p->h[i].name_len == nl && bw_strncasecmp(p->h[i].name, name, nl) == 0) {
			*vl = p->h[i].value_len;
			return p->h[i].value;
		}
	*vl = 0;
	return NULL;
}

/* Is a message a list's administrative mail (X-List-Administrivia, or
 * Precedence: bulk, list or junk)?  Its fields from `top` when read_top()
 * read its header block (top->n >= 0; GMime was then given only some of
 * them), else from root as GMime built it. */
static bool list_administrivia(GMimeObject *root, const plain_original *top)
{
	static const char *const bulk[] = { "bulk", "list", "junk" };
	const char *prec = NULL;
	size_t pl = 0, xl, i;
	bool admin = false;

	if (top && top->n >= 0) {
		prec = plain_header(top, "Precedence", &pl);
		admin = plain_header(top, "X-List-Administrivia", &xl) != NULL;
	} else if (root && GMIME_IS_MESSAGE(root)) {
		prec = g_mime_object_get_header(root, "Precedence");
		pl = prec ? strlen(prec) : 0;
		admin = g_mime_object_get_header(root, "X-List-Administrivia") != NULL;
	}
	for (i = 0; !admin && prec && i < sizeof(bulk) / sizeof(bulk[0]); i++)
		admin = bw_memcasemem(prec, pl, bulk[i]) != NULL;
	return admin;
}

/* An automatic reply that a list manager passed on to the list's owners as
 * a bounce it could not read (Mailman's "Uncaught bounce notification"):
 * the wrapper is the list's administrative mail and the attached message
 * says by its own Auto-Submitted field that it is an automatic reply.
 * root and top as list_administrivia() takes them; inner as GMime built it. */
static bool relayed_autoreply(GMimeObject *root, const plain_original *top, GMimeMessage *inner)
{
	const char *as = g_mime_object_get_header(GMIME_OBJECT(inner), "Auto-Submitted");

	return auto_replied(as, as ? strlen(as) : 0) && list_administrivia(root, top);
}

/* relayed_autoreply() of header blocks read without GMime: the message's
 * own (top) and its attached message's (orig). */
static bool plain_relays_autoreply(const plain_original *top, const plain_original *orig)
{
	size_t al;
	const char *as = plain_header(orig, "Auto-Submitted", &al);

	return auto_replied(as, al) && list_administrivia(NULL, top);
}

/* The attached message that is the report of root: a bounce a person
 * forwarded, or an automatic reply a list manager relayed; NULL if none.
 * `top`: root's own header block as read_top() read it, or NULL. */
static GMimeMessage *attached_report(GMimeObject *root, const plain_original *top)
{
	GMimeMessage *inner = only_attached_message(top_part(root));

	return inner && (is_bounce(inner) || relayed_autoreply(root, top, inner)) ? inner : NULL;
}

static void view_init(walk_ctx *c, bw_msg *m, const bw_parse_options *opts)
{
	memset(c, 0, sizeof(*c));
	c->m = m;
	c->dsn_depth = -1;
	c->max_depth = opts && opts->max_mime_depth ? opts->max_mime_depth : DEFAULT_MAX_DEPTH;
	c->max_parts = opts && opts->max_parts ? opts->max_parts : DEFAULT_MAX_PARTS;
	c->max_line = opts && opts->max_line_length ? opts->max_line_length : BW_DEFAULT_MAX_LINE;
}

/* The body of the view: the plain text, or else the HTML made text. */
static int view_done(walk_ctx *c)
{
	bw_msg *m = c->m;

	if (!c->body.len && c->html.len) {
		bw_buf__free(&c->body);
		c->body = c->html;
		c->html = (bw_buf)BW_BUF_INIT;
	}
	bw_buf__free(&c->html);
	m->body_len = c->body.len;
	m->body = bw_buf__detach(&c->body);
	if (!m->body || !m->content_type || !m->report_type)
		return bw_error__set(BW_ENOMEM, "out of memory");
	return BW_OK;
}

/* The view of root (a message, or a top part: top_part()); its own
 * headers from top_headers when GMime was not given them (read_top()). */
static int build_view(bw_msg *m, GMimeObject *root, const bw_parse_options *opts,
                      const plain_original *plain, const plain_original *top_headers)
{
	walk_ctx c;
	GMimeObject *top = top_part(root);
	GMimeContentType *ct = top ? g_mime_object_get_content_type(top) : NULL;
	char *mime_type;

	view_init(&c, m, opts);
	if (plain && top && GMIME_IS_MULTIPART(top)) {
		int n = g_mime_multipart_get_count(GMIME_MULTIPART(top));

		c.plain = plain;
		c.plain_part = n > 0 ? g_mime_multipart_get_part(GMIME_MULTIPART(top), n - 1) : NULL;
	}

	if (top_headers)
		copy_plain_headers(&c, top_headers, true, &m->headers, MAX_ORIG_HEADERS);
	else
		copy_headers(&c, root, &m->headers, MAX_ORIG_HEADERS);
	mime_type = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
	m->content_type = lower_dup(mime_type ? mime_type : "text/plain");
	g_free(mime_type);
	m->report_type = lower_dup(ct ? g_mime_content_type_get_parameter(ct, "report-type") : "");

	walk(&c, top, 0, 0);
	return view_done(&c);
}

/* The view of a message that is plain text (plain_text_body()): its
 * headers from top_headers, its body `text` (taken). */
static int build_text_view(bw_msg *m, const bw_parse_options *opts,
                           const plain_original *top_headers, char *text, size_t len)
{
	walk_ctx c;

	view_init(&c, m, opts);
	copy_plain_headers(&c, top_headers, true, &m->headers, MAX_ORIG_HEADERS);
	m->content_type = lower_dup("text/plain");
	m->report_type = lower_dup("");
	c.parts = 1;         /* walk() of the one leaf */
	append_text(&c.body, text, len);
	free(text);
	return view_done(&c);
}

/* Is line[0..n) a Content-Type parameter that lost its folding white space
 * ("boundary=\"x\"" at the start of a line)? */
static bool bare_parameter(const char *line, size_t n)
{
	static const char *const names[] = { "boundary=", "charset=", "report-type=", "name=", "type=" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (n > strlen(names[i]) && bw_strncasecmp(line, names[i], strlen(names[i])) == 0)
			return true;
	return false;
}

/* Some servers break a Content-Type header across lines without indenting
 * the continuation, so the boundary is lost and the multipart unreadable.
 * Returns a repaired copy (continuations indented), or NULL when nothing
 * needed repair.  Only a line that follows a line ending in ';' and starts
 * with a known parameter name is touched. */
static char *repair_unfolded_parameters(const char *buf, size_t len, size_t *out_len,
                                        const bw_prepared *prep)
{
	const char *end = buf + len, *p;
	bw_buf b = BW_BUF_INIT;
	size_t from = 0, k = 0;
	bool changed = false;

	/* Keyed on ';' (rare in encoded bodies) rather than on every line:
	 * a line qualifies when its last byte before spaces, tabs and the
	 * '\n' is ';'.  The prepared input lists those (prepare.h), when it
	 * was given the message's index: then no search. */
	for (p = buf; p < end; p++) {
		const char *q;
		size_t next;

		if (prep->indexed) {
			if (k == prep->n_semi)
				break;
			p = buf + (prep->semi[k++] - prep->base);
		} else if (!(p = memchr(p, ';', (size_t)(end - p)))) {
			break;
		}
		q = p + 1;
		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		if (q == end || *q != '\n')
			continue;
		next = (size_t)(q - buf) + 1;
		if (next < len && bare_parameter(buf + next, len - next)) {
			bw_buf__put(&b, buf + from, next - from);
			bw_buf__putc(&b, '\t');
			from = next;
			changed = true;
		}
		p = q;
	}
	if (!changed) {
		bw_buf__free(&b);
		return NULL;
	}
	bw_buf__put(&b, buf + from, len - from);
	*out_len = b.len;
	return bw_buf__detach(&b);
}

/* A header block that runs straight into the body, with no blank line
 * ("Content-Transfer-Encoding: 8bit" then "<html>..."): the first line
 * that is neither a header field nor its continuation starts the body.
 * Returns a repaired copy (the blank line put in) or NULL when the block
 * ends as it should, or holds fewer than three fields. */
static char *repair_unended_header_block(const char *buf, size_t len, size_t *out_len)
{
	size_t at = 0, fields = 0;
	char *out;

	while (at < len) {
		const char *l = buf + at, *nl = memchr(l, '\n', len - at);
		size_t n = nl ? (size_t)(nl - l) : len - at, i;

		if (!n)
			return NULL;                 /* a blank line: the block ends well */
		if (l[0] != ' ' && l[0] != '\t') {
			for (i = 0; i < n && l[i] != ':' && l[i] > ' ' && l[i] < 127; i++)
				;
			if (i == n || l[i] != ':' || i == 0) {
				if (fields < 3 || (n >= 5 && memcmp(l, "From ", 5) == 0))
					return NULL;
				break;
			}
			fields++;
		}
		if (!nl)
			return NULL;
		at += n + 1;
	}
	if (at >= len)
		return NULL;
	if (!(out = malloc(len + 2))) {
		bw_error__oom();    /* reported by the parse */
		return NULL;
	}
	memcpy(out, buf, at);
	out[at] = '\n';
	memcpy(out + at + 1, buf + at, len - at);
	out[len + 1] = '\0';
	*out_len = len + 1;
	return out;
}

/* A message from stream, or (part) its top-level part alone: GMime then
 * builds no message object (address lists, dates) for headers it is not
 * given (read_top()). */
static GMimeObject *construct(GMimeStream *stream, GMimeParserOptions *po, bool part)
{
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	GMimeObject *root;

	g_object_unref(stream);
	root = part ? g_mime_parser_construct_part(parser, po)
	            : GMIME_OBJECT(g_mime_parser_construct_message(parser, po));
	g_object_unref(parser);
	return root;
}

/* What the original's From (read by mimecut.c) says: nothing against
 * reading it as plain (FROM_PLAIN: no From, or not a mail system's), that
 * it is encoded (FROM_ENCODED: GMime would decode it before we look), or,
 * unencoded, that the original was a bounce itself (FROM_DAEMON: then GMime,
 * which gives that value unfolded, says so too).  FROM_ENCODED when out
 * of memory (GMime is then asked, as for an encoded one). */
typedef enum { FROM_PLAIN, FROM_ENCODED, FROM_DAEMON } plain_from;

static plain_from plain_from_of(const plain_original *plain)
{
	int i;

	for (i = 0; i < plain->n; i++) {
		const bw_mimecut_header *h = &plain->h[i];
		plain_from kind;
		char *v;

		if (h->name_len != 4 || bw_strncasecmp(h->name, "From", 4) != 0)
			continue;
		if (!(v = bw_strndup(h->value, h->value_len)))
			return FROM_ENCODED;
		kind = strstr(v, "=?") ? FROM_ENCODED : looks_like_daemon(v) ? FROM_DAEMON : FROM_PLAIN;
		free(v);
		return kind;
	}
	return FROM_PLAIN;
}

/* Does the original's From say it was a bounce itself, or is it encoded? */
static bool plain_from_daemon(const plain_original *plain)
{
	return plain_from_of(plain) != FROM_PLAIN;
}

/* is_bounce()'s null reverse path of a header block read without GMime:
 * delivered with Return-Path <> under a failure's subject (unencoded; an
 * encoded one goes to GMime anyway). */
static bool plain_null_notice(const plain_original *plain)
{
	size_t rl, sl;
	const char *rp = plain_header(plain, "Return-Path", &rl);
	const char *subject = plain_header(plain, "Subject", &sl);
	char buf[256];

	if (!null_return_path(rp, rl) || !subject || sl >= sizeof(buf))
		return false;
	memcpy(buf, subject, sl);
	buf[sl] = '\0';
	return bw_text__is_bounce_subject(buf);
}

/* Is h one of the headers RFC 5322 allows once (GMime warns when one is
 * repeated with another value)? */
static bool single_header(const bw_mimecut_header *h)
{
	static const char *const once[] = { "Bcc", "Cc", "Date", "From", "In-Reply-To",
		"Message-ID", "References", "Reply-To", "Sender", "Subject", "To" };
	size_t i;

	for (i = 0; i < sizeof(once) / sizeof(once[0]); i++)
		if (h->name_len == strlen(once[i]) && bw_strncasecmp(h->name, once[i], h->name_len) == 0)
			return true;
	return false;
}

static bool same_name(const bw_mimecut_header *a, const bw_mimecut_header *b)
{
	return a->name_len == b->name_len && bw_strncasecmp(a->name, b->name, a->name_len) == 0;
}

/* The value of header h as GMime gives it (unfolded, RFC 2047 words
 * decoded with po), g_malloc'd; NULL when out of memory. */
static char *gmime_value(const bw_mimecut_header *h, GMimeParserOptions *po)
{
	char *raw = bw_strndup(h->value, h->value_len), *unfolded, *v;

	if (!raw)
		return NULL;
	unfolded = g_mime_utils_header_unfold(raw);
	free(raw);
	v = g_mime_utils_header_decode_text(po, unfolded);
	g_free(unfolded);
	return v;
}

/* Reads the message's header block into t->all when GMime would read it
 * the same way and have nothing to say about it (plain, as mimecut.h says,
 * ended by an empty line, no once-only header repeated), and puts into
 * t->kept what GMime still needs of it: the Content-* headers (they make
 * the structure; GMime then builds the top part alone, no message object).
 * t->from is the From that GMime would have given (the forwarded-bounce
 * test reads it).  False, with t->all.n -1, when GMime is to read the
 * whole block. */
static bool read_top(top_block *t, const char *buf, size_t len, GMimeParserOptions *po)
{
	int n, i, j;
	size_t end;

	t->all.n = -1;
	t->n_seg = 0;
	t->from = NULL;
	if (len > G_MAXUINT / 2)
		return false;
	n = bw_mimecut__headers(buf, len, t->all.h, MAX_ORIG_HEADERS);
	if (n <= 0)
		return false;
	end = (size_t)(t->all.h[n - 1].value + t->all.h[n - 1].value_len - buf);
	if (end + 1 >= len || buf[end] != '\n' || buf[end + 1] != '\n')
		return false;
	for (i = 0; i < n; i++)
		if (single_header(&t->all.h[i]))
			for (j = 0; j < i; j++)
				if (same_name(&t->all.h[i], &t->all.h[j]))
					return false;
	t->blank = end + 1;
	t->kept = (bw_buf)BW_BUF_INIT;
	for (i = 0; i < n; i++) {
		const bw_mimecut_header *h = &t->all.h[i];
		size_t from = (size_t)(h->name - buf), to = (size_t)(h->value + h->value_len - buf) + 1;

		if (h->name_len == 4 && bw_strncasecmp(h->name, "From", 4) == 0 &&
		    !(t->from = gmime_value(h, po)))
			break;     /* out of memory: given up below */
		if (!content_header(h))
			continue;
		t->seg[t->n_seg].at = t->kept.len;
		t->seg[t->n_seg++].from = from;
		bw_buf__put(&t->kept, buf + from, to - from);
	}
	t->seg[t->n_seg].at = t->kept.len;
	t->seg[t->n_seg++].from = t->blank;
	if (t->kept.oom || i < n) {
		bw_buf__free(&t->kept);
		g_free(t->from);
		t->from = NULL;
		t->n_seg = 0;
		return false;
	}
	t->all.n = n;
	return true;
}

/* Is the Content-Type value h a plain "text/plain", alone or with a
 * charset=us-ascii or UTF-8 parameter (quoted or not)?  *utf8 and *ascii
 * say which label it has. */
static bool text_plain_type(const bw_mimecut_header *h, bool *ascii, bool *utf8)
{
	char v[128], cs[16];
	size_t i, n = 0, k = 0;
	const char *p;

	*ascii = *utf8 = false;
	if (h->value_len >= sizeof(v))
		return false;
	for (i = 0; i < h->value_len; i++)
		v[i] = h->value[i] == '\n' || h->value[i] == '\t' ? ' ' : h->value[i];
	v[i] = '\0';
	for (p = v; *p == ' '; p++)
		;
	if (bw_strncasecmp(p, "text/plain", 10) != 0)
		return false;
	for (p += 10; *p == ' '; p++)
		;
	if (!*p)
		return true;
	if (*p++ != ';')
		return false;
	while (*p == ' ')
		p++;
	if (bw_strncasecmp(p, "charset=", 8) != 0)
		return false;
	p += 8;
	if (*p == '"')
		p++, n = 1;
	while (k + 1 < sizeof(cs) && (bw_isalnum((unsigned char)*p) || *p == '-'))
		cs[k++] = *p++;
	cs[k] = '\0';
	if (n && *p++ != '"')
		return false;
	while (*p == ' ')
		p++;
	if (*p)
		return false;
	*ascii = bw_strcasecmp(cs, "us-ascii") == 0;
	*utf8 = bw_strcasecmp(cs, "utf-8") == 0 || bw_strcasecmp(cs, "utf8") == 0;
	return *ascii || *utf8;
}

/* Is the Content-Transfer-Encoding value h "7bit" or "8bit" (nothing to
 * decode)? */
static bool unencoded(const bw_mimecut_header *h)
{
	const char *p = h->value, *e = h->value + h->value_len;

	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	return e - p == 4 && (bw_strncasecmp(p, "7bit", 4) == 0 || bw_strncasecmp(p, "8bit", 4) == 0);
}

/* The text of a message whose header block read_top() read, when it is
 * plain text that GMime would give as it is: no Content-* header but one
 * plain text/plain Content-Type (text_plain_type()) and one 7bit or 8bit
 * Content-Transfer-Encoding, and a body that needs no charset conversion
 * from GMime (no NUL byte; valid UTF-8 when labelled).  The text is what
 * part_text() makes of GMime's text part: LF line ends, Latin-1 made UTF-8
 * when not valid UTF-8.  NULL, when GMime is to read the message (or out
 * of memory). */
static char *plain_text_body(const top_block *t, const char *buf, size_t len, size_t *out_len)
{
	bool type = false, cte = false, ascii = false, utf8 = false, valid;
	size_t n, i;
	char *text;
	int k;

	for (k = 0; k < t->all.n; k++) {
		const bw_mimecut_header *h = &t->all.h[k];

		if (!content_header(h))
			continue;
		if (!type && h->name_len == 12 && bw_strncasecmp(h->name, "Content-Type", 12) == 0)
			type = true;
		else if (!cte && h->name_len == 25 &&
		         bw_strncasecmp(h->name, "Content-Transfer-Encoding", 25) == 0)
			cte = true;
		else
			return NULL;
		if (type && h->name_len == 12 && !text_plain_type(h, &ascii, &utf8))
			return NULL;
		if (h->name_len == 25 && !unencoded(h))
			return NULL;
	}
	n = len - (t->blank + 1);
	if (!(text = n ? bw_strndup(buf + t->blank + 1, n) : bw_strdup("")))
		return NULL;
	n = bw_text__normalize_eol(text, n);
	for (i = 0; i < n && !((unsigned char)text[i] & 0x80); i++)
		;
	valid = i == n || bw_text__valid_utf8(text, n);
	if (memchr(text, '\0', n) || ((ascii || utf8) && !valid)) {
		free(text);
		return NULL;
	}
	if (!valid) {
		char *conv = bw_text__latin1_to_utf8(text, n);

		free(text);
		if (!(text = conv))
			return NULL;
		n = strlen(text);
	}
	*out_len = n;
	return text;
}

/* g_mime_text_part_get_text() of a text part whose decoded bytes are
 * raw[0..n) and whose charset parameter is cs (NULL: none): the bytes
 * through GMime's charset filter to UTF-8, when it has one for cs, then a
 * NUL.  g_malloc'd, cut at its first NUL as that function's caller reads
 * it. */
static char *flat_converted(const char *raw, size_t n, const char *cs, size_t csl)
{
	GMimeStream *stream = g_mime_stream_mem_new();
	GMimeStream *filtered = g_mime_stream_filter_new(stream);
	GByteArray *arr;
	GMimeFilter *f;
	char *text;

	if (cs) {
		char *name = g_strndup(cs, csl);
		bw_charset__pin(cs, csl, true);
		if ((f = g_mime_filter_charset_new(name, "utf-8"))) {
			g_mime_stream_filter_add(GMIME_STREAM_FILTER(filtered), f);
			g_object_unref(f);
		}
		g_free(name);
	}
	if (n)
		g_mime_stream_write(filtered, raw, n);
	g_mime_stream_flush(filtered);
	g_object_unref(filtered);
	g_mime_stream_write(stream, "", 1);
	arr = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream));
	text = g_strdup((const char *)arr->data);
	g_object_unref(stream);
	return text;
}

/* The text of a flat part (mimeflat.h) as part_text() makes it of the
 * part GMime would build: a text part's bytes when bytes_are_text() would
 * take them, else what GMime's charset conversion makes of them
 * (flat_converted()); any other part's bytes; then valid UTF-8.  False
 * when out of memory. */
static bool flat_text(const bw_mimeflat_part *p, char **out, size_t *len)
{
	size_t csl, n, i;
	const char *cs = bw_mimeflat__param(&p->type, "charset", &csl);
	bool text = p->type.type_len == 4 && bw_strncasecmp(p->type.type, "text", 4) == 0;
	bool seven = false, ascii_label = false, utf8_label = false, as_is = true;
	char *raw, *bytes;
	size_t rn;

	if (text && cs) {
		ascii_label = csl == 8 && bw_strncasecmp(cs, "us-ascii", 8) == 0;
		seven = ascii_label || (csl >= 9 && bw_strncasecmp(cs, "iso-2022-", 9) == 0);
		utf8_label = (csl == 5 && bw_strncasecmp(cs, "utf-8", 5) == 0) ||
		             (csl == 4 && bw_strncasecmp(cs, "utf8", 4) == 0);
		as_is = seven || utf8_label;
	}
	if (p->encoding == BW_MIMEFLAT_IDENTITY) {
		raw = (char *)p->body;
		rn = p->body_len;
	} else {
		/* GMime's own decoder, as its data wrapper would run it */
		GMimeEncoding enc;

		g_mime_encoding_init_decode(&enc, p->encoding == BW_MIMEFLAT_QP
		                                  ? GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE
		                                  : GMIME_CONTENT_ENCODING_BASE64);
		if (!(raw = malloc(g_mime_encoding_outlen(&enc, p->body_len) + 16))) {
			bw_error__oom();
			return false;
		}
		rn = g_mime_encoding_step(&enc, p->body, p->body_len, raw);
		rn += g_mime_encoding_flush(&enc, "", 0, raw + rn);
	}
	bytes = as_is ? bw_strndup(raw, rn) : NULL;
	n = bytes ? bw_text__normalize_eol(bytes, rn) : 0;
	if (bytes && text) {
		for (i = 0; i < n && !((unsigned char)bytes[i] & 0x80); i++)
			;
		if (memchr(bytes, '\0', n) ||
		    (seven && !(i == n ? ascii_label : bw_text__valid_utf8(bytes, n))) ||
		    (utf8_label && !bw_text__valid_utf8(bytes, n))) {
			free(bytes);
			bytes = NULL;
			as_is = false;
		}
	}
	if (!as_is) {
		/* part_text()'s g_mime_text_part_get_text() */
		char *conv = flat_converted(raw, rn, cs, csl);
		n = strlen(conv);
		bytes = bw_strndup(conv, n);
		g_free(conv);
		if (bytes)
			n = bw_text__normalize_eol(bytes, n);
	}
	if (raw != p->body)
		free(raw);
	if (!bytes)
		return false;
	if (!bw_text__valid_utf8(bytes, n)) {
		char *conv = bw_text__latin1_to_utf8(bytes, n);
		free(bytes);
		if (!(bytes = conv))
			return false;
		n = strlen(bytes);
	}
	*out = bytes;
	*len = n;
	return true;
}

/* May a flat part of this type be read without GMime?  Not a multipart
 * (GMime would read its parts), not an application/ file (its name may
 * matter), not a returned message (GMime parses it)
 * nor another message/ type GMime builds an object of its own for. */
static bool flat_leaf_type(const bw_mimeflat_type *t)
{
	static const char *const message_ok[] = { "delivery-status", "global-delivery-status",
		"feedback-report", "rfc822-headers", "global-headers" };
	size_t i;

	if (t->type_len == 9 && bw_strncasecmp(t->type, "multipart", 9) == 0)
		return false;
	/* an attached file: GMime reads its name (walk_leaf()) */
	if (t->type_len == 11 && bw_strncasecmp(t->type, "application", 11) == 0)
		return false;
	if (t->type_len != 7 || bw_strncasecmp(t->type, "message", 7) != 0)
		return true;
	for (i = 0; i < sizeof(message_ok) / sizeof(message_ok[0]); i++)
		if (bw_mimeflat__is(t, "message", message_ok[i]))
			return true;
	return false;
}

/* A multipart never closed whose last part is the returned original,
 * running to the end of the message (truncated bounces): GMime reads it
 * as a message to the end and, when it is simple, has nothing to warn
 * about.  Simple: unencoded message/rfc822 or message/global, its header
 * block plain (bw_mimecut__plain_original(), into *plain) with a From that
 * is not a mail system's, its type neither a multipart nor a message nor a
 * report (nothing below it is read), and no line of its body starting
 * with "--" (no boundary GMime could take for one). */
static bool open_to_end(const char *buf, size_t len, const bw_mimeflat *flat, bw_mimecut *cut,
                        plain_original *plain)
{
	const bw_mimeflat_part *last = &flat->part[flat->n - 1];
	const char *orig = last->body, *end = buf + len;
	int n, i;

	if ((!bw_mimeflat__is(&last->type, "message", "rfc822") &&
	     !bw_mimeflat__is(&last->type, "message", "global")) ||
	    last->encoding != BW_MIMEFLAT_IDENTITY)
		return false;
	memset(cut, 0, sizeof(*cut));
	cut->orig = (size_t)(orig - buf);
	n = bw_mimecut__headers(orig, (size_t)(end - orig), plain->h, MAX_ORIG_HEADERS);
	if (n <= 0)
		return false;
	cut->cut = (size_t)(plain->h[n - 1].value + plain->h[n - 1].value_len - buf) + 2;
	if (cut->cut > len || buf[cut->cut - 1] != '\n' || buf[cut->cut - 2] != '\n' ||
	    bw_next_dash_line(buf + cut->cut, end, buf + cut->cut))
		return false;
	plain->n = bw_mimecut__plain_original(buf, cut, plain->h, MAX_ORIG_HEADERS);
	if (plain->n < 0 || plain_from_daemon(plain))
		return false;
	for (i = 0; i < plain->n; i++) {
		bw_mimeflat_type t;
		if (plain->h[i].name_len != 12 || bw_strncasecmp(plain->h[i].name, "Content-Type", 12) != 0)
			continue;
		if (!bw_mimeflat__content_type(plain->h[i].value, plain->h[i].value_len, &t) ||
		    (t.type_len == 9 && bw_strncasecmp(t.type, "multipart", 9) == 0) ||
		    (t.type_len == 7 && bw_strncasecmp(t.type, "message", 7) == 0) ||
		    leaf_kind_of(t.type, t.type_len, t.subtype, t.subtype_len) == LEAF_DSN)
			return false;
	}
	return true;
}

/* The leaves walk() would visit under part p (at `level`), in order: of
 * a multipart/alternative only its plain text part (else its first; a
 * multipart/report over either);
 * *walked counts every part visited, *depth the deepest level. */
static void flat_leaves(const bw_mimeflat *flat, const bw_mimeflat_part *p, unsigned level,
                        const bw_mimeflat_part **leaf, unsigned *n_leaf, unsigned *walked,
                        unsigned *depth)
{
	unsigned j, pick = 0;

	++*walked;
	if (level > *depth)
		*depth = level;
	if (!p->n_child) {
		leaf[(*n_leaf)++] = p;
		return;
	}
	if (bw_mimeflat__is(&p->type, "multipart", "alternative")) {
		unsigned html = p->n_child, report = p->n_child;
		/* backwards: each kind's first part is the one kept */
		for (j = p->n_child; j-- > 0;) {
			if (bw_mimeflat__is(&flat->child[p->child + j].type, "text", "plain"))
				pick = j;
			else if (bw_mimeflat__is(&flat->child[p->child + j].type, "text", "html"))
				html = j;
			else if (bw_mimeflat__is(&flat->child[p->child + j].type, "multipart", "report"))
				report = j;
		}
		if (html < p->n_child && bw_mimeflat__is(&flat->child[p->child + pick].type, "text", "plain") &&
		    flat->child[p->child + pick].body_len < BW_MIME_STUB_PLAIN)
			pick = html;
		if (report < p->n_child)
			pick = report;
		flat_leaves(flat, &flat->child[p->child + pick], level + 1, leaf, n_leaf, walked, depth);
		return;
	}
	for (j = 0; j < p->n_child; j++)
		flat_leaves(flat, &flat->child[p->child + j], level + 1, leaf, n_leaf, walked, depth);
}

/* The returned original whose header block mimecut.c found but could not
 * read as plain (8-bit or encoded words, repeated or odd headers): GMime
 * parses that block alone, given what the cut parse gives it of the
 * original (construct_cut()), its warnings counted from the block's
 * offset and those past the cut dropped as there.  NULL, with no warning
 * left, when GMime would take the message for a forwarded bounce (the
 * original from a mail system, or a report itself), or fails. */
static GMimeMessage *original_by_gmime(const char *buf, const bw_mimecut *cut,
                                       GMimeParserOptions *po, warn_ctx *w)
{
	size_t n_warnings = w->m->warnings.n;
	const top_block *top = w->top;
	GMimeObject *part;
	GMimeMessage *orig;
	GByteArray *arr;

	if (cut->cut - cut->orig > G_MAXUINT / 2)
		return NULL;
	arr = g_byte_array_sized_new((guint)(cut->cut - cut->orig + cut->inner_boundary_len + 8));
	g_byte_array_append(arr, (const guint8 *)buf + cut->orig, (guint)(cut->cut - cut->orig));
	if (cut->inner_boundary_len) {
		g_byte_array_append(arr, (const guint8 *)"--", 2);
		g_byte_array_append(arr, (const guint8 *)cut->inner_boundary, (guint)cut->inner_boundary_len);
		g_byte_array_append(arr, (const guint8 *)"--\n", 3);
	}
	w->top = NULL;
	w->base = (gint64)cut->orig;
	w->limit = (gint64)cut->cut;
	orig = GMIME_MESSAGE(construct(g_mime_stream_mem_new_with_byte_array(arr), po, false));
	w->top = top;
	w->base = 0;
	w->limit = -1;
	if (orig && !looks_like_daemon(g_mime_object_get_header(GMIME_OBJECT(orig), "From")) &&
	    !((part = g_mime_message_get_mime_part(orig)) &&
	      type_is(g_mime_object_get_content_type(part), "multipart", "report")))
		return orig;
	if (orig)
		g_object_unref(orig);
	while (w->m->warnings.n > n_warnings)
		free(w->m->warnings.v[--w->m->warnings.n]);
	return NULL;
}

/* The view of a flat multipart/report or multipart/mixed (mimeflat.h)
 * whose header block read_top() read, built without GMime: what
 * build_view() builds from GMime's parts, for messages where GMime would
 * have nothing to warn about.  The returned original, when there is one,
 * is the last part, cut by mimecut.c and read as plain (plain->n >= 0), or,
 * when gmime_original, by GMime alone (original_by_gmime()).
 * False, with nothing changed in m, when the message is not that. */
static bool flat_view(bw_mimeflat *flat, bw_msg *m, const char *buf, size_t len,
                      const bw_prepared *prep, const bw_parse_options *opts,
                      plain_original *plain, const top_block *t, GMimeParserOptions *po,
                      warn_ctx *w, bool gmime_original, int *rc)
{
	GMimeMessage *orig = NULL;     /* the original, when GMime reads it */
	plain_from from;
	bool orig_by_gmime = false;
	bw_mimeflat_type type;
	const bw_mimecut_header *ct = NULL;
	const char *b, *rt;
	size_t bl, rtl, to = len, lens[BW_MIMEFLAT_MAX_PARTS + BW_MIMEFLAT_MAX_CHILDREN];
	char *texts[BW_MIMEFLAT_MAX_PARTS + BW_MIMEFLAT_MAX_CHILDREN] = { NULL }, *mime_type;
	leaf_kind kinds[BW_MIMEFLAT_MAX_PARTS + BW_MIMEFLAT_MAX_CHILDREN];
	const bw_mimeflat_part *leaf[BW_MIMEFLAT_MAX_PARTS + BW_MIMEFLAT_MAX_CHILDREN];
	unsigned n_leaf = 0, walked = 1, depth = 1, cte_seen = 0;
	bw_mimeflat_encoding top_enc = BW_MIMEFLAT_IDENTITY;
	bool open_last = false, ok = true;
	bw_mimecut cut;
	walk_ctx c;
	unsigned i, n;
	int k;

	plain->n = -1;
	for (k = 0; k < t->all.n; k++) {
		const bw_mimecut_header *h = &t->all.h[k];
		if (h->name_len == 12 && bw_strncasecmp(h->name, "Content-Type", 12) == 0) {
			if (ct)
				return false;
			ct = h;
		} else if (h->name_len == 25 && bw_strncasecmp(h->name, "Content-Transfer-Encoding", 25) == 0) {
			if (cte_seen++ || (top_enc = bw_mimeflat__encoding(h->value, h->value_len)) == BW_MIMEFLAT_OTHER)
				return false;
		}
	}
	if (ct ? !bw_mimeflat__content_type(ct->value, ct->value_len, &type)
	       : !bw_mimeflat__content_type("text/plain", 10, &type))
		return false;
	if (type.type_len != 9 || bw_strncasecmp(type.type, "multipart", 9) != 0) {
		/* A single leaf (plain_text_body() did not take it): its body
		 * is the rest of the message. */
		if (!flat_leaf_type(&type) || t->blank + 1 >= len)
			return false;
		memset(flat, 0, sizeof(flat->part[0]));
		flat->part[0].type = type;
		flat->part[0].encoding = top_enc;
		flat->part[0].body = buf + t->blank + 1;
		flat->part[0].body_len = len - (t->blank + 1);
		flat->n = 1;
		flat->n_child = 0;
		flat->to_end = false;
		leaf[n_leaf++] = &flat->part[0];
		goto leaves;
	}
	if (top_enc != BW_MIMEFLAT_IDENTITY ||
	    !(bw_mimeflat__is(&type, "multipart", "report") || bw_mimeflat__is(&type, "multipart", "mixed")) ||
	    !(b = bw_mimeflat__param(&type, "boundary", &bl)) || bl > 200)
		return false;
	if (bw_mimecut__find_indexed(buf, len, prep->dash, prep->n_dash, prep->indexed,
	                             prep->bnd, prep->n_bnd, prep->base, &cut)) {
		if (cut.boundary_len != bl || memcmp(cut.boundary, b, bl) != 0)
			return false;
		plain->n = bw_mimecut__plain_original(buf, &cut, plain->h,
		                                      sizeof(plain->h) / sizeof(plain->h[0]));
		from = plain->n >= 0 ? plain_from_of(plain) : FROM_ENCODED;
		/* the attached message is the report (attached_report()) */
		if (plain->n >= 0 && plain_relays_autoreply(&t->all, plain))
			goto not_flat;
		/* An unencoded From of a mail system: original_by_gmime()
		 * would parse the block only to find that From and give up
		 * (a bounce of a bounce), so GMime reads the whole at once. */
		if (from == FROM_DAEMON || (plain->n >= 0 && plain_null_notice(plain)))
			goto not_flat;
		if (from == FROM_ENCODED) {
			if (!gmime_original)
				goto not_flat;
			plain->n = -1;
			orig_by_gmime = true;      /* original_by_gmime(), last */
		}
		open_last = true;
		to = cut.orig;
	}
	if (!bw_mimeflat__read(buf, t->blank + 1, to, b, bl,
	                       open_last ? BW_MIMEFLAT_CUT : BW_MIMEFLAT_CLOSED_OR_END, flat) ||
	    (flat->to_end && !open_to_end(buf, len, flat, &cut, plain)))
		goto not_flat;
	open_last = open_last || flat->to_end;
	n = flat->n - open_last;
	if (open_last && !bw_mimeflat__is(&flat->part[n].type, "message", "rfc822") &&
	    !bw_mimeflat__is(&flat->part[n].type, "message", "global"))
		goto not_flat;
	for (i = 0; i < n; i++)
		flat_leaves(flat, &flat->part[i], 1, leaf, &n_leaf, &walked, &depth);
leaves:
	view_init(&c, m, opts);
	/* GMime's parse walks the original's own part too when it runs to
	 * the end: one more part, one level deeper */
	if (walked + open_last + flat->to_end > c.max_parts ||
	    c.max_depth < (flat->to_end && depth < 2 ? 2u : depth))
		goto not_flat;
	/* Every text first: a part GMime would convert sends it all to GMime. */
	for (i = 0; i < n_leaf && ok; i++) {
		const bw_mimeflat_type *pt = &leaf[i]->type;
		kinds[i] = leaf_kind_of(pt->type, pt->type_len, pt->subtype, pt->subtype_len);
		ok = flat_leaf_type(pt) &&
		     (kinds[i] == LEAF_OTHER || flat_text(leaf[i], &texts[i], &lens[i]));
	}
	if (ok && orig_by_gmime && !(orig = original_by_gmime(buf, &cut, po, w)))
		ok = false;
	if (!ok) {
		while (i-- > 0)
			free(texts[i]);
		goto not_flat;
	}
	copy_plain_headers(&c, &t->all, true, &m->headers, MAX_ORIG_HEADERS);
	mime_type = g_strdup_printf("%.*s/%.*s", (int)type.type_len, type.type,
	                            (int)type.subtype_len, type.subtype);
	m->content_type = lower_dup(mime_type);
	g_free(mime_type);
	rt = bw_mimeflat__param(&type, "report-type", &rtl);
	m->report_type = rt ? bw_strndup(rt, rtl) : bw_strdup("");
	if (m->report_type)
		for (mime_type = m->report_type; *mime_type; mime_type++)
			*mime_type = (char)bw_lower((unsigned char)*mime_type);
	c.parts = walked + open_last;   /* walk() of the multipart and its parts */
	for (i = 0; i < n_leaf; i++) {
		if (texts[i] && leaf_wanted(&c, kinds[i], 0))
			take_leaf(&c, kinds[i], 0, texts[i], lens[i]);
		else
			free(texts[i]);
	}
	if (orig) {
		/* walk() of the message part */
		if (!m->has_original) {
			copy_headers(&c, GMIME_OBJECT(orig), &m->orig_headers, MAX_ORIG_HEADERS);
			m->has_original = true;
		}
		walk(&c, g_mime_message_get_mime_part(orig), 2, 1);
		g_object_unref(orig);
	} else if (open_last && !m->has_original) {
		/* run to the end, GMime's message object would hold the
		 * original's headers but its Content-* ones; cut, the cut
		 * parse's view (construct_cut()) holds them all */
		copy_plain_headers(&c, plain, flat->to_end, &m->orig_headers, MAX_ORIG_HEADERS);
		m->has_original = true;
	}
	m->flat = true;
	*rc = view_done(&c);
	return true;
not_flat:
	plain->n = -1;
	return false;
}

/* What GMime is given of buf[0..keep): all of it, or the kept headers of
 * the top block and the rest from its blank line on. */
static GByteArray *gmime_input(const char *buf, size_t keep, const top_block *top, size_t extra)
{
	GByteArray *arr;

	if (!top || top->all.n < 0 || keep <= top->blank) {
		arr = g_byte_array_sized_new((guint)(keep + extra));
		g_byte_array_append(arr, (const guint8 *)buf, (guint)keep);
		return arr;
	}
	arr = g_byte_array_sized_new((guint)(top->kept.len + keep - top->blank + extra));
	if (top->kept.len)
		g_byte_array_append(arr, (const guint8 *)top->kept.p, (guint)top->kept.len);
	g_byte_array_append(arr, (const guint8 *)buf + top->blank, (guint)(keep - top->blank));
	return arr;
}

/* Parses only up to the start of the returned original's header block
 * when the message allows it and the block is plain (its headers are then
 * read by mimecut.c into *plain), or else up to the block's end (mimecut.h);
 * NULL when neither, and then no trace of the attempt is left in w->m.
 * plain->n is -1 unless the first way was taken. */
static GMimeObject *construct_cut(const char *buf, size_t len, const bw_prepared *prep,
                                  GMimeParserOptions *po, warn_ctx *w, plain_original *plain,
                                  const top_block *tb)
{
	static const char dashes[] = "\n--";
	size_t n_warnings = w->m->warnings.n, keep;
	GMimeObject *msg, *top;
	GByteArray *arr;
	bw_mimecut cut;
	int n;

	plain->n = -1;
	if (len > G_MAXUINT / 2 || !bw_mimecut__find_indexed(buf, len, prep->dash, prep->n_dash, prep->indexed,
	                             prep->bnd, prep->n_bnd, prep->base, &cut))
		return NULL;
	keep = cut.cut;
	plain->n = bw_mimecut__plain_original(buf, &cut, plain->h,
	                                      sizeof(plain->h) / sizeof(plain->h[0]));
	if (plain->n >= 0 && (plain_from_daemon(plain) || plain_null_notice(plain) ||
	                      plain_relays_autoreply(&tb->all, plain)))
		plain->n = -1;
	if (plain->n >= 0) {
		keep = cut.orig;
		cut.inner_boundary_len = 0;
	}
	if (tb->all.n >= 0 && keep <= tb->blank)
		goto undo;
	arr = gmime_input(buf, keep, tb, cut.boundary_len + cut.inner_boundary_len + 16);
	if (cut.inner_boundary_len) {
		g_byte_array_append(arr, (const guint8 *)dashes + 1, 2);
		g_byte_array_append(arr, (const guint8 *)cut.inner_boundary, (guint)cut.inner_boundary_len);
		g_byte_array_append(arr, (const guint8 *)"--\n", 3);
	}
	/* After a plain original's part headers, the closing boundary comes
	 * at once: GMime then builds no (empty) message for the part. */
	if (plain->n >= 0)
		g_byte_array_append(arr, (const guint8 *)dashes + 1, 2);
	else
		g_byte_array_append(arr, (const guint8 *)dashes, 3);
	g_byte_array_append(arr, (const guint8 *)cut.boundary, (guint)cut.boundary_len);
	g_byte_array_append(arr, (const guint8 *)"--\n", 3);
	w->limit = (gint64)keep;
	msg = construct(g_mime_stream_mem_new_with_byte_array(arr), po, tb->all.n >= 0);
	w->limit = -1;
	if (!msg)
		goto undo;
	/* GMime must see the structure the scan saw; and a forwarded bounce
	 * needs the original's body. */
	top = top_part(msg);
	n = top && GMIME_IS_MULTIPART(top) ? g_mime_multipart_get_count(GMIME_MULTIPART(top)) : -1;
	if (n == (int)cut.n_parts &&
	    GMIME_IS_MESSAGE_PART(g_mime_multipart_get_part(GMIME_MULTIPART(top), n - 1)) &&
	    g_strcmp0(g_mime_multipart_get_boundary(GMIME_MULTIPART(top)), cut.boundary) == 0 &&
	    !(attached_report(msg, &tb->all) && !looks_like_daemon(from_of(msg, tb->from))))
		return msg;
	g_object_unref(msg);
undo:
	while (w->m->warnings.n > n_warnings)
		free(w->m->warnings.v[--w->m->warnings.n]);
	plain->n = -1;
	return NULL;
}

int bw_msg__parse(bw_msg *out, const char *buf, size_t len, const bw_parse_options *opts)
{
	return bw_msg__parse_indexed(out, buf, len, opts, NULL, 0);
}

/* bw_msg__parse_indexed(); when plain_only, only along the ways that
 * build no GMime message (plain_text_body(), flat_view() without
 * original_by_gmime()) and only for input that prepare.c and the repair of
 * unfolded parameters leave as it is: BW_MSG_NEEDS_GMIME, with *out
 * empty, when the message is not read that way. */
static int parse(bw_msg *out, const char *buf, size_t len, const bw_parse_options *opts,
                 const bw_scanidx *x, size_t base, bool plain_only)
{
	char *repaired = NULL;
	const char *repair_warning = NULL;
	size_t rlen = 0;
	bw_prepared prep;
	GMimeParserOptions *po;
	GMimeObject *msg;
	GMimeMessage *inner;
	struct { plain_original plain; top_block top; bw_mimeflat flat; } *aux;
	char *text;
	size_t tlen = 0;
	plain_original *plain = NULL;
	top_block *top = NULL;
	warn_ctx w;
	int rc;

	memset(out, 0, sizeof(*out));
	pthread_once(&gmime_once, gmime_init_once);
	if (!gmime_ready)
		return bw_gmime__load();   /* its error, for this thread */

	/* The line and part budgets, applied before GMime builds anything. */
	if (bw_prepare__input_indexed(&prep, buf, len,
	                      opts && opts->max_line_length ? opts->max_line_length : BW_DEFAULT_MAX_LINE,
	                      opts && opts->max_parts ? opts->max_parts : DEFAULT_MAX_PARTS, x, base) < 0)
		return bw_error__set(BW_ENOMEM, "out of memory");
	if (plain_only && (prep.buf || prep.leading_skipped || prep.lines_cut || prep.parts_cut)) {
		bw_prepare__clear(&prep);
		return BW_MSG_NEEDS_GMIME;
	}
	if (prep.buf) {
		buf = prep.buf;
		len = prep.len;
	}
	if (prep.lines_cut) {
		char cut[128];
		snprintf(cut, sizeof(cut), "a header or field line longer than %zu bytes was cut",
		         opts && opts->max_line_length ? opts->max_line_length : BW_DEFAULT_MAX_LINE);
		bw_strlist__push(&out->warnings, cut);
	}
	if (prep.parts_cut)
		bw_strlist__push(&out->warnings, "too many MIME parts: the rest were not read");

	/* One repair of the raw text at most, and what it says it did. */
	if ((repaired = repair_unended_header_block(buf, len, &rlen)))
		repair_warning = "the header block ran into the body without a blank line: the first line that is no header starts the body";
	else if ((repaired = repair_unfolded_parameters(buf, len, &rlen, &prep)))
		repair_warning = "a Content-Type parameter on an unindented line: read as a continuation";
	if (repaired) {
		if (plain_only) {
			free(repaired);
			bw_prepare__clear(&prep);
			return BW_MSG_NEEDS_GMIME;
		}
		bw_prepare__clear(&prep);   /* its line offsets are the input's */
		buf = repaired;
		len = rlen;
		bw_strlist__push(&out->warnings, repair_warning);
	}
	w.m = out;
	w.limit = -1;
	w.top = NULL;
	w.base = 0;
	po = g_mime_parser_options_new();
	g_mime_parser_options_set_rfc2047_compliance_mode(po, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_address_compliance_mode(po, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_parameter_compliance_mode(po, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_warning_callback(po, parser_warning, &w);
	if ((aux = malloc(sizeof(*aux)))) {
		plain = &aux->plain;
		top = &aux->top;
		if (read_top(top, buf, len, po))
			w.top = top;
	}
	/* Plain text that GMime would give as it is: no GMime at all. */
	if (w.top && (text = plain_text_body(top, buf, len, &tlen))) {
		bw_buf__free(&top->kept);
		rc = build_text_view(out, opts, &top->all, text, tlen);
		goto done;
	}
	/* A flat multipart: no GMime objects. */
	if (w.top && !bw_msg__flat_off &&
	    flat_view(&aux->flat, out, buf, len, &prep, opts, plain, top, po, &w, !plain_only, &rc)) {
		bw_buf__free(&top->kept);
		goto done;
	}
	if (plain_only) {
		if (w.top) {
			bw_buf__free(&top->kept);
			g_free(top->from);
		}
		g_mime_parser_options_free(po);
		free(aux);
		bw_prepare__clear(&prep);
		return BW_MSG_NEEDS_GMIME;
	}
	msg = aux ? construct_cut(buf, len, &prep, po, &w, plain, top) : NULL;
	if (!msg && w.top)
		msg = construct(g_mime_stream_mem_new_with_byte_array(gmime_input(buf, len, top, 0)), po, true);
	else if (!msg)
		msg = construct(g_mime_stream_mem_new_with_buffer(buf, len), po, false);
	if (w.top)
		bw_buf__free(&top->kept);
	if (!msg) {
		if (w.top)
			g_free(top->from);
		g_mime_parser_options_free(po);
		free(aux);
		free(repaired);
		bw_prepare__clear(&prep);
		return bw_error__set(BW_EPARSE, "not an email message: no header block found");
	}
	inner = attached_report(msg, w.top ? &top->all : NULL);
	if (inner && !looks_like_daemon(from_of(msg, w.top ? top->from : NULL))) {
		out->nested = true;
		rc = build_view(out, GMIME_OBJECT(inner), opts, NULL, NULL);
	} else {
		rc = build_view(out, msg, opts, plain && plain->n >= 0 ? plain : NULL,
		                w.top ? &top->all : NULL);
	}
	g_object_unref(msg);
done:
	if (w.top)
		g_free(top->from);
	g_mime_parser_options_free(po);
	free(aux);          /* its headers point into buf: freed after the view */
	free(repaired);
	bw_prepare__clear(&prep);
	if (rc == BW_OK && out->headers.n == 0 && out->body_len == 0)
		rc = bw_error__set(BW_EPARSE, "not an email message: no headers and no body");
	return rc;
}

int bw_msg__parse_indexed(bw_msg *out, const char *buf, size_t len, const bw_parse_options *opts,
                          const bw_scanidx *x, size_t base)
{
	return parse(out, buf, len, opts, x, base, false);
}

int bw_msg__parse_plain(bw_msg *out, const char *buf, size_t len, const bw_parse_options *opts,
                        const bw_scanidx *x, size_t base)
{
	return parse(out, buf, len, opts, x, base, true);
}

void bw_msg__clear(bw_msg *m)
{
	bw_kvlist__clear(&m->headers);
	bw_kvlist__clear(&m->orig_headers);
	bw_strlist__clear(&m->dsn);
	bw_strlist__clear(&m->warnings);
	free(m->content_type);
	free(m->report_type);
	free(m->body);
	free(m->feedback);
	free(m->program_attachment);
	memset(m, 0, sizeof(*m));
}

