/*
 * rfc2047.c - RFC 2047 encoded words.
 *
 * GMime's own decoder joins the base64 text of adjacent words before
 * decoding, which loses the second word when the first ends in padding
 * ("...KOaXpQ==?= =?utf-8?B?5pys...?="); we join decoded bytes instead.
 * Charsets are converted with iconv from the C library.
 */
#include <errno.h>
#include <stdbool.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "error.h"
#include "rfc2047.h"
#include "text.h"
#include "util.h"

static int b64_value(int c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '+') return 62;
	if (c == '/') return 63;
	return -1;
}

static void decode_b(const char *s, size_t n, bw_buf *out)
{
	unsigned acc = 0;
	int bits = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		int v = b64_value((unsigned char)s[i]);
		if (v < 0)
			continue;          /* padding, white space */
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			bw_buf__putc(out, (char)((acc >> bits) & 0xFF));
		}
	}
}

static void decode_q(const char *s, size_t n, bw_buf *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '_') {
			bw_buf__putc(out, ' ');
		} else if (s[i] == '=' && i + 2 < n && bw_hex_value((unsigned char)s[i + 1]) >= 0 &&
		           bw_hex_value((unsigned char)s[i + 2]) >= 0) {
			bw_buf__putc(out, (char)(bw_hex_value((unsigned char)s[i + 1]) * 16 + bw_hex_value((unsigned char)s[i + 2])));
			i += 2;
		} else {
			bw_buf__putc(out, s[i]);
		}
	}
}

/* Converts bytes in `charset` to UTF-8 and appends them. */
static void convert(bw_buf *out, const char *charset, const char *bytes, size_t n)
{
	iconv_t cd;
	char *in = (char *)bytes, *o, *obuf;
	size_t inleft = n, cap = n * 4 + 16, oleft = cap;
	char *fallback;
	bool utf8;

	if (!n)
		return;
	utf8 = bw_strcasecmp(charset, "utf-8") == 0 || bw_strcasecmp(charset, "us-ascii") == 0;
	if (!utf8)
		bw_charset__pin(charset, strlen(charset), false);
	if (utf8) {
		if (bw_text__valid_utf8(bytes, n)) {
			bw_buf__put(out, bytes, n);
			return;
		}
	} else if ((cd = iconv_open("UTF-8", charset)) != (iconv_t)-1) {
		obuf = o = malloc(cap);
		if (obuf) {
			while (inleft) {
				if (iconv(cd, &in, &inleft, &o, &oleft) != (size_t)-1)
					break;
				if (errno == EILSEQ || errno == EINVAL) {
					/* skip the bad byte and go on */
					in++, inleft--;
					continue;
				}
				break;          /* E2BIG cannot happen with 4x room */
			}
			iconv(cd, NULL, NULL, &o, &oleft);   /* flush shift state */
			bw_buf__put(out, obuf, cap - oleft);
			free(obuf);
			iconv_close(cd);
			return;
		}
		iconv_close(cd);
		/* no room to convert: the text is lost, not read as Latin-1 */
		bw_error__oom();
		out->oom = true;
		return;
	}
	fallback = bw_text__latin1_to_utf8(bytes, n);
	if (fallback) {
		bw_buf__puts(out, fallback);
		free(fallback);
	}
}

/* Parses an encoded word at s; fills charset/encoding/text and returns its
 * length, or 0 when s does not start one. */
static size_t encoded_word(const char *s, char *charset, size_t cs_size, char *enc,
                           const char **text, size_t *text_len)
{
	const char *p = s + 2, *q, *end;
	size_t n;

	if (s[0] != '=' || s[1] != '?')
		return 0;
	q = strchr(p, '?');
	if (!q || q == p || (size_t)(q - p) >= cs_size || !q[1] || q[2] != '?')
		return 0;
	n = (size_t)(q - p);
	memcpy(charset, p, n);
	charset[n] = '\0';
	if ((p = strchr(charset, '*')))      /* RFC 2231 language suffix */
		*(char *)p = '\0';
	*enc = (char)bw_lower((unsigned char)q[1]);
	if (*enc != 'b' && *enc != 'q')
		return 0;
	*text = q + 3;
	end = strstr(*text, "?=");
	if (!end || memchr(*text, ' ', (size_t)(end - *text)))
		return 0;
	*text_len = (size_t)(end - *text);
	return (size_t)(end + 2 - s);
}

char *bw_rfc2047__decode(const char *value)
{
	bw_buf out = BW_BUF_INIT, bytes = BW_BUF_INIT;
	char charset[64], run_charset[64] = "";
	const char *p = value;

	while (*p) {
		char enc;
		const char *text;
		size_t tl, n = encoded_word(p, charset, sizeof(charset), &enc, &text, &tl);

		if (n) {
			if (bytes.len && bw_strcasecmp(charset, run_charset) != 0) {
				convert(&out, run_charset, bytes.p, bytes.len);
				bytes.len = 0;
			}
			strcpy(run_charset, charset);
			if (enc == 'b')
				decode_b(text, tl, &bytes);
			else
				decode_q(text, tl, &bytes);
			p += n;
			/* white space up to the next encoded word is dropped */
			{
				const char *w = p;
				while (*w == ' ' || *w == '\t' || *w == '\r' || *w == '\n')
					w++;
				if (w[0] == '=' && w[1] == '?' && encoded_word(w, charset, sizeof(charset), &enc, &text, &tl))
					p = w;
			}
			continue;
		}
		if (bytes.len) {
			convert(&out, run_charset, bytes.p, bytes.len);
			bytes.len = 0;
		}
		bw_buf__putc(&out, *p++);
	}
	if (bytes.len)
		convert(&out, run_charset, bytes.p, bytes.len);
	bw_buf__free(&bytes);
	if (!out.p && !out.oom)
		return bw_strdup("");
	return bw_buf__detach(&out);
}
