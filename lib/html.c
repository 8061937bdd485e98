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
};

static void put_codepoint(bw_buf *b, unsigned long cp)
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

/* Decodes the entity at s (after '&'); returns the bytes consumed, 0 if none. */
static size_t entity(bw_buf *b, const char *s, size_t left)
{
	size_t i, n;

	if (left > 1 && s[0] == '#') {
		unsigned long cp = 0;
		int base = 10;
		i = 1;
		if (i < left && (s[i] == 'x' || s[i] == 'X'))
			base = 16, i++;
		for (n = i; i < left && i < n + 8; i++) {
			int c = (unsigned char)s[i], d;
			if (bw_isdigit(c))
				d = c - '0';
			else if (base == 16 && bw_lower(c) >= 'a' && bw_lower(c) <= 'f')
				d = bw_lower(c) - 'a' + 10;
			else
				break;
			cp = cp * (unsigned long)base + (unsigned long)d;
		}
		if (i == n)
			return 0;
		put_codepoint(b, cp);
		return (i < left && s[i] == ';') ? i + 1 : i;
	}
	for (i = 0; i < sizeof(entities) / sizeof(entities[0]); i++) {
		n = strlen(entities[i].name);
		if (n < left && bw_strncasecmp(s, entities[i].name, n) == 0 && s[n] == ';') {
			bw_buf__puts(b, entities[i].text);
			return n + 1;
		}
	}
	return 0;
}

static bool tag_is(const char *tag, size_t len, const char *name)
{
	size_t n = strlen(name);

	return len >= n && bw_strncasecmp(tag, name, n) == 0 &&
	       (len == n || !bw_isalnum((unsigned char)tag[n]));
}

char *bw_html__to_text(const char *html, size_t len)
{
	static const char *const blocks[] = { "br", "p", "div", "tr", "li", "table", "h1", "h2",
		"h3", "h4", "h5", "h6", "blockquote", "pre", "hr", "dt", "dd", "ul", "ol", "td", "th" };
	bw_buf b = BW_BUF_INIT;
	size_t i = 0, k;

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
