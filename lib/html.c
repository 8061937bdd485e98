/*
 * html.c - a small, forgiving HTML-to-text converter.
 */
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "util.h"

static const struct { const char *name; const char *text; } entities[] = {
	{ "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" }, { "apos", "'" },
	{ "nbsp", " " }, { "copy", "\xC2\xA9" }, { "reg", "\xC2\xAE" }, { "mdash", "\xE2\x80\x94" },
	{ "ndash", "\xE2\x80\x93" }, { "hellip", "\xE2\x80\xA6" }, { "rsquo", "\xE2\x80\x99" },
	{ "lsquo", "\xE2\x80\x98" }, { "rdquo", "\xE2\x80\x9D" }, { "ldquo", "\xE2\x80\x9C" },
	/* the letters of the languages replies arrive in */
	{ "aacute", "\xC3\xA1" }, { "agrave", "\xC3\xA0" }, { "acirc", "\xC3\xA2" },
	{ "auml", "\xC3\xA4" }, { "atilde", "\xC3\xA3" }, { "aring", "\xC3\xA5" },
	{ "eacute", "\xC3\xA9" }, { "egrave", "\xC3\xA8" }, { "ecirc", "\xC3\xAA" },
	{ "euml", "\xC3\xAB" }, { "etilde", "\xE1\xBA\xBD" }, { "ecedil", "\xC8\xA9" },
	{ "iacute", "\xC3\xAD" }, { "igrave", "\xC3\xAC" }, { "icirc", "\xC3\xAE" },
	{ "iuml", "\xC3\xAF" }, { "itilde", "\xC4\xA9" }, { "oacute", "\xC3\xB3" },
	{ "ograve", "\xC3\xB2" }, { "ocirc", "\xC3\xB4" }, { "ouml", "\xC3\xB6" },
	{ "otilde", "\xC3\xB5" }, { "uacute", "\xC3\xBA" }, { "ugrave", "\xC3\xB9" },
	{ "ucirc", "\xC3\xBB" }, { "uuml", "\xC3\xBC" }, { "utilde", "\xC5\xA9" },
	{ "uring", "\xC5\xAF" }, { "yacute", "\xC3\xBD" }, { "ygrave", "\xE1\xBB\xB3" },
	{ "ycirc", "\xC5\xB7" }, { "yuml", "\xC3\xBF" }, { "ytilde", "\xE1\xBB\xB9" },
	{ "yring", "\xE1\xBA\x99" }, { "Aacute", "\xC3\x81" }, { "Agrave", "\xC3\x80" },
	{ "Acirc", "\xC3\x82" }, { "Auml", "\xC3\x84" }, { "Atilde", "\xC3\x83" },
	{ "Aring", "\xC3\x85" }, { "Eacute", "\xC3\x89" }, { "Egrave", "\xC3\x88" },
	{ "Ecirc", "\xC3\x8A" }, { "Euml", "\xC3\x8B" }, { "Etilde", "\xE1\xBA\xBC" },
	{ "Ecedil", "\xC8\xA8" }, { "Iacute", "\xC3\x8D" }, { "Igrave", "\xC3\x8C" },
	{ "Icirc", "\xC3\x8E" }, { "Iuml", "\xC3\x8F" }, { "Itilde", "\xC4\xA8" },
	{ "Oacute", "\xC3\x93" }, { "Ograve", "\xC3\x92" }, { "Ocirc", "\xC3\x94" },
	{ "Ouml", "\xC3\x96" }, { "Otilde", "\xC3\x95" }, { "Uacute", "\xC3\x9A" },
	{ "Ugrave", "\xC3\x99" }, { "Ucirc", "\xC3\x9B" }, { "Uuml", "\xC3\x9C" },
	{ "Utilde", "\xC5\xA8" }, { "Uring", "\xC5\xAE" }, { "Yacute", "\xC3\x9D" },
	{ "Ygrave", "\xE1\xBB\xB2" }, { "Ycirc", "\xC5\xB6" }, { "Yuml", "\xC5\xB8" },
	{ "Ytilde", "\xE1\xBB\xB8" }, { "nacute", "\xC5\x84" }, { "ngrave", "\xC7\xB9" },
	{ "ntilde", "\xC3\xB1" }, { "ncedil", "\xC5\x86" }, { "cacute", "\xC4\x87" },
	{ "ccirc", "\xC4\x89" }, { "ccedil", "\xC3\xA7" }, { "Nacute", "\xC5\x83" },
	{ "Ngrave", "\xC7\xB8" }, { "Ntilde", "\xC3\x91" }, { "Ncedil", "\xC5\x85" },
	{ "Cacute", "\xC4\x86" }, { "Ccirc", "\xC4\x88" }, { "Ccedil", "\xC3\x87" },
	{ "szlig", "\xC3\x9F" }, { "aelig", "\xC3\xA6" }, { "AElig", "\xC3\x86" },
	{ "oslash", "\xC3\xB8" }, { "Oslash", "\xC3\x98" }, { "laquo", "\xC2\xAB" },
	{ "raquo", "\xC2\xBB" }, { "euro", "\xE2\x82\xAC" }, { "iexcl", "\xC2\xA1" },
	{ "iquest", "\xC2\xBF" }, { "deg", "\xC2\xB0" }, { "middot", "\xC2\xB7" },
	{ "times", "\xC3\x97" },
};

/* Decodes the entity at s (after '&'); returns the bytes consumed, 0 if none. */
static size_t entity(bw_buf *b, const char *s, size_t left)
{
	size_t i, n;
	int pass;

	if (left > 1 && s[0] == '#') {
		unsigned long cp = 0;
		int base = 10;
		i = 1;
		if (i < left && (s[i] == 'x' || s[i] == 'X'))
			base = 16, i++;
		for (n = i; i < left && i < n + 8; i++) {
			int d = bw_hex_value((unsigned char)s[i]);
			if (d < 0 || d >= base)
				break;
			cp = cp * (unsigned long)base + (unsigned long)d;
		}
		if (i == n)
			return 0;
		bw_buf__put_codepoint(b, cp);
		return (i < left && s[i] == ';') ? i + 1 : i;
	}
	/* names are case-sensitive ("Eacute" is not "eacute"); a name in
	 * another case ("&AMP;") is taken when no name matches exactly */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < sizeof(entities) / sizeof(entities[0]); i++) {
			n = strlen(entities[i].name);
			if (n < left && s[n] == ';' &&
			    (pass ? bw_strncasecmp(s, entities[i].name, n) : strncmp(s, entities[i].name, n)) == 0) {
				bw_buf__puts(b, entities[i].text);
				return n + 1;
			}
		}
	return 0;
}

char *bw_html__decode_entities(const char *s, size_t len)
{
	bw_buf b = BW_BUF_INIT;
	size_t i, n;
	bool any = false;

	for (i = 0; i < len; i++) {
		if (s[i] == '&' && (n = entity(&b, s + i + 1, len - i - 1))) {
			i += n;
			any = true;
			continue;
		}
		bw_buf__putc(&b, s[i]);
	}
	if (!any) {
		bw_buf__free(&b);
		return NULL;
	}
	return bw_buf__detach(&b);
}

static bool tag_is(const char *tag, size_t len, const char *name)
{
	size_t n = strlen(name);

	return len >= n && bw_strncasecmp(tag, name, n) == 0 &&
	       (len == n || !bw_isalnum((unsigned char)tag[n]));
}

/* The address of an <a> tag's href="mailto:..." (percent escapes
 * undone, a "Name <address>" form reduced to the address) copied into
 * out[cap]: its length, 0 when the tag has none. */
static size_t mailto_address(const char *tag, size_t tlen, char *out, size_t cap)
{
	const char *v = bw_memcasemem(tag, tlen, "mailto:"), *end = tag + tlen, *lt, *gt;
	size_t n = 0;

	if (!v)
		return 0;
	for (v += 7; v < end && *v != '"' && *v != '\'' && *v != '?' && *v != ' ' && n + 1 < cap; v++) {
		int c = bw_percent_escape_at(v, (size_t)(end - v), 0);
		out[n++] = c >= 0 ? (char)c : *v;
		if (c >= 0)
			v += 2;
	}
	out[n] = '\0';
	if ((lt = memchr(out, '<', n)) && (gt = memchr(lt, '>', n - (size_t)(lt - out)))) {
		n = (size_t)(gt - lt - 1);
		memmove(out, lt + 1, n);
		out[n] = '\0';
	}
	return memchr(out, '@', n) && !memchr(out, '<', n) && !memchr(out, '>', n) ? n : 0;
}

/* A blank of preformatted text while the text is built: the clean-up
 * keeps it (a control character no HTML text holds). */
#define PRE_BLANK '\x1f'

/* Does the text so far end (blanks aside) where a row's first cell
 * already ends its label (':'), or where no label stands (a line break)? */
static bool row_label_ends(const bw_buf *b)
{
	size_t n = b->len;

	while (n && b->p[n - 1] == ' ')
		n--;
	return !n || b->p[n - 1] == ':' || b->p[n - 1] == '\n';
}

char *bw_html__to_text(const char *html, size_t len)
{
	static const char *const blocks[] = { "br", "p", "div", "tr", "li", "table", "h1", "h2",
		"h3", "h4", "h5", "h6", "blockquote", "pre", "hr", "dt", "dd", "ul", "ol", "td", "th" };
	bw_buf b = BW_BUF_INIT;
	size_t i = 0, k, cells = 0;
	bool in_cell = false, in_pre = false;
	char mailto[256];
	size_t mailto_len = 0, anchor_at = 0;

	while (i < len) {
		char c = html[i];

		if (c == '<') {
			const char *end = memchr(html + i, '>', len - i);
			const char *tag = html + i + 1;
			size_t tlen;
			bool closing;

			if (!end)
				break;
			tlen = (size_t)(end - tag);
			if (tlen >= 3 && BW_HAS_PREFIX(tag, "!--")) {
				const char *ce = bw_memcasemem(tag, len - (size_t)(tag - html), "-->");
				i = ce ? (size_t)(ce - html) + 3 : len;
				continue;
			}
			closing = tlen && tag[0] == '/';
			if (closing)
				tag++, tlen--;
			if (!closing && (tag_is(tag, tlen, "script") || tag_is(tag, tlen, "style") ||
			                 tag_is(tag, tlen, "head") || tag_is(tag, tlen, "title"))) {
				char close[16];
				const char *ce;
				size_t n = 0;
				while (n < tlen && n < 8 && bw_isalpha((unsigned char)tag[n]))
					n++;
				close[0] = '<';
				close[1] = '/';
				memcpy(close + 2, tag, n);
				close[n + 2] = '\0';
				ce = bw_memcasemem(end, len - (size_t)(end - html), close);
				if (ce) {
					const char *gt = memchr(ce, '>', len - (size_t)(ce - html));
					i = gt ? (size_t)(gt - html) + 1 : len;
				} else {
					i = (size_t)(end - html) + 1;
				}
				continue;
			}
			if (tag_is(tag, tlen, "pre"))
				in_pre = !closing;
			/* a link's mailto: address, when the link's own text
			 * shows none ("<a href="mailto:x%40y">Xavier</a>") */
			if (tag_is(tag, tlen, "a")) {
				if (!closing) {
					mailto_len = mailto_address(tag, tlen, mailto, sizeof(mailto));
					anchor_at = b.len;
				} else if (mailto_len) {
					if (anchor_at > b.len || b.len == anchor_at ||
					    !memchr(b.p + anchor_at, '@', b.len - anchor_at)) {
						bw_buf__puts(&b, " <");
						bw_buf__put(&b, mailto, mailto_len);
						bw_buf__putc(&b, '>');
					}
					mailto_len = 0;
				}
			}
			if (tag_is(tag, tlen, "tr") || tag_is(tag, tlen, "table"))
				cells = 0, in_cell = false;
			if (tag_is(tag, tlen, "td") || tag_is(tag, tlen, "th"))
				in_cell = !closing;
			/* a line break inside a cell keeps the row one line ("a@b: host
			 * x<br>550 5.1.1 ...") */
			if (in_cell && tag_is(tag, tlen, "br")) {
				bw_buf__putc(&b, ' ');
				i = (size_t)(end - html) + 1;
				continue;
			}
			/* a row's first cell labels the rest ("Recipient | a@b", "a@b |
			 * 550 ...") the way a notice's own "Label: value" does */
			if (!closing && (tag_is(tag, tlen, "td") || tag_is(tag, tlen, "th")) && ++cells == 2 &&
			    b.len && !row_label_ends(&b)) {
				while (b.len && b.p[b.len - 1] == ' ')
					b.p[--b.len] = '\0';
				bw_buf__puts(&b, ": ");
				i = (size_t)(end - html) + 1;
				continue;
			}
			for (k = 0; k < sizeof(blocks) / sizeof(blocks[0]); k++) {
				if (tag_is(tag, tlen, blocks[k])) {
					bw_buf__putc(&b, (k >= sizeof(blocks) / sizeof(blocks[0]) - 2) ? ' ' : '\n');
					break;
				}
			}
			i = (size_t)(end - html) + 1;
		} else if (c == '&') {
			size_t n = entity(&b, html + i + 1, len - i - 1);
			if (n)
				i += n + 1;
			else
				bw_buf__putc(&b, c), i++;
		} else if (in_pre && (c == '\n' || c == ' ' || c == '\t')) {
			/* preformatted text keeps its lines and indentation (a
			 * notice's list pasted into <pre>) */
			bw_buf__putc(&b, c == '\n' ? '\n' : PRE_BLANK);
			i++;
		} else if (c == '\n' || c == '\t') {
			bw_buf__putc(&b, ' ');
			i++;
		} else {
			bw_buf__putc(&b, c);
			i++;
		}
	}
	/* Trim the spaces around the line breaks. */
	if (b.p) {
		char *r = b.p, *w = b.p;
		bool at_line_start = true;
		size_t nl = 0;
		for (; *r; r++) {
			if (*r == '\n') {
				while (w > b.p && w[-1] == ' ')
					w--;
				if (nl < 2)
					*w++ = '\n';
				nl++;
				at_line_start = true;
			} else if (*r == ' ' && (at_line_start || (w > b.p && w[-1] == ' '))) {
				continue;
			} else if (*r == PRE_BLANK) {
				*w++ = ' ';    /* kept: preformatted */
			} else {
				*w++ = *r;
				at_line_start = false;
				nl = 0;
			}
		}
		*w = '\0';
		b.len = (size_t)(w - b.p);
	}
	return bw_buf__detach(&b);
}
