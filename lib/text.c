/*
 * text.c - scanning text for the facts a report is made of: line ends and
 * UTF-8, markers, where a report ends, addresses and the paragraphs that
 * start with one, role addresses (see text.h).
 *
 * (The rendering of a report as text for people is report_text.c.)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "error.h"
#include "html.h"
#include "notices_phrases.h"
#include "text.h"
#include "util.h"

size_t bw_text__normalize_eol(char *s, size_t len)
{
	const char *cr = len ? memchr(s, '\r', len) : NULL;
	size_t r, w;

	if (!cr)
		return len;           /* nothing to change (most texts) */
	for (r = w = (size_t)(cr - s); r < len; r++) {
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
			uint64_t v;

			/* eight ASCII bytes, none NUL, at a time */
			while (i + 8 <= len) {
				memcpy(&v, p + i, 8);
				if ((v & 0x8080808080808080u) ||
				    ((v - 0x0101010101010101u) & ~v & 0x8080808080808080u))
					break;
				i += 8;
			}
			if (i < len && p[i] < 0x80 && p[i])
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

const char *bw_text__find_any(const char *text, size_t len, const char *const *markers,
                              size_t n_markers, size_t *which)
{
	const char *best = NULL, *at;
	size_t i;

	for (i = 0; i < n_markers; i++) {
		/* a match starting before the best so far, inside the text */
		size_t upto = best ? (size_t)(best - text) + strlen(markers[i]) : len;

		at = bw_memcasemem(text, upto < len ? upto : len, markers[i]);
		if (at && (!best || at < best)) {
			best = at;
			if (which)
				*which = i;
		}
	}
	return best;
}

/* Does the header block just below a marker at text[0..len) come from a
 * mail system ("From: Mail Delivery System <MAILER-DAEMON@...>")? */
static bool introduces_notice(const char *text, size_t len)
{
	static const char *const senders[] = { "mailer-daemon", "postmaster", "mail delivery" };
	size_t n = len < 400 ? len : 400, i;
	const char *l = memchr(text, '\n', n), *end = text + n;

	while (l && l + 1 < end) {
		const char *eol = memchr(l + 1, '\n', (size_t)(end - l - 1));
		size_t ll = (size_t)((eol ? eol : end) - (l + 1));

		if (ll > 5 && bw_strncasecmp(l + 1, "From:", 5) == 0) {
			for (i = 0; i < sizeof(senders) / sizeof(senders[0]); i++)
				if (bw_memcasemem(l + 1, ll, senders[i]))
					return true;
			return false;
		}
		l = eol;
	}
	return false;
}

/* Header fields a returned original carries and a notice's summary of it
 * does not; the transit ones (Received, Return-Path, DKIM-Signature) not
 * even a summary that gives the Message-ID ("Il seguente messaggio:" over
 * "Message-ID: ..."). */
typedef enum original_field { NOT_ORIGINAL, ORIGINAL_ONLY, TRANSIT } original_field;

static original_field original_field_at(const char *l, size_t n)
{
	static const struct { const char *name; original_field kind; } fields[] = {
		{ "Received:", TRANSIT }, { "Return-Path:", TRANSIT }, { "DKIM-Signature:", TRANSIT },
		{ "Message-ID:", ORIGINAL_ONLY }, { "MIME-Version:", ORIGINAL_ONLY },
		{ "Content-Type:", ORIGINAL_ONLY }, { "X-", ORIGINAL_ONLY },
	};
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (n > strlen(fields[i].name) && bw_strncasecmp(l, fields[i].name, strlen(fields[i].name)) == 0)
			return fields[i].kind;
	return NOT_ORIGINAL;
}

/* Does l[0..n) look like a header field ("Name: value", the name of
 * letters, digits and '-')? */
static bool field_line(const char *l, size_t n)
{
	size_t i = 0;

	while (i < n && (bw_isalnum((unsigned char)l[i]) || l[i] == '-'))
		i++;
	return i > 0 && i + 1 < n && l[i] == ':' && l[i + 1] == ' ';
}

/* Is l[0..n) a line of words between runs of dashes, em dashes or equals
 * signs ("------ 元のメッセージ ------", "--- Ursprüngliche Nachricht ---",
 * "===== Failed message follows: =====", "—— Original message ——")? */
static bool dashed_title(const char *l, size_t n)
{
	size_t a = 0, b = n, i;
	bool word = false;
	char c;

	while (b > 0 && (l[b - 1] == ' ' || l[b - 1] == '\t' || l[b - 1] == '\r'))
		b--;
	while (a < b && (l[a] == ' ' || l[a] == '\t'))
		a++;
	if (b - a < 8)
		return false;
	/* "—— Original message ——": runs of em dashes (U+2014) */
	if (b - a > 12 && memcmp(l + a, "\xE2\x80\x94\xE2\x80\x94", 6) == 0 &&
	    memcmp(l + b - 6, "\xE2\x80\x94\xE2\x80\x94", 6) == 0)
		return true;
	c = l[a];
	if ((c != '-' && c != '=') || l[a + 1] != c || l[a + 2] != c || l[b - 1] != c ||
	    l[b - 2] != c || l[b - 3] != c)
		return false;
	for (i = a; i < b; i++)
		if (l[i] != c && l[i] != ' ')
			word = true;
	return word;
}

/* Is l[0..n) a heading of words that ends in a colon ("Original message
 * headers:", "Исходные заголовки сообщения:", "Cabeçalhos da mensagem
 * original:"), not itself a header field? */
static bool colon_title(const char *l, size_t n)
{
	size_t a = 0, i;
	bool letter = false;

	while (n > 0 && (l[n - 1] == ' ' || l[n - 1] == '\t' || l[n - 1] == '\r'))
		n--;
	while (a < n && (l[a] == ' ' || l[a] == '\t'))
		a++;
	if (n - a < 8 || n - a > 100 || l[n - 1] != ':' || field_line(l + a, n - a))
		return false;
	for (i = a; i < n - 1; i++) {
		if (l[i] == ':' || l[i] == '<' || l[i] == '@')
			return false;
		letter = letter || bw_isalpha((unsigned char)l[i]) || (unsigned char)l[i] >= 0x80;
	}
	return letter && memchr(l + a, ' ', n - a) != NULL;
}

/* The first title, in any language, over a header block (blank lines
 * allowed between) that has a field only a returned original carries:
 * where the original starts, or NULL.  The title is a line of words
 * between dashes, or a heading that ends in a colon over a header that
 * has the original's transit fields or two of its own. */
static const char *marker_over_headers(const char *text, size_t len)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *q;
		size_t n = (size_t)((nl ? nl : end) - p);
		bool only = false, dashed = dashed_title(p, n);
		size_t own = 0;

		if (dashed || colon_title(p, n)) {
			q = nl ? nl + 1 : end;
			/* blank lines, then the header block */
			while (q < end) {
				const char *e = memchr(q, '\n', (size_t)(end - q));
				if (!bw_text__blank(q, (size_t)((e ? e : end) - q)))
					break;
				q = e ? e + 1 : end;
			}
			while (q < end) {
				const char *e = memchr(q, '\n', (size_t)(end - q));
				size_t qn = (size_t)((e ? e : end) - q);
				original_field kind;

				if (!field_line(q, qn) && !(qn && (*q == ' ' || *q == '\t')))
					break;
				kind = original_field_at(q, qn);
				only = only || kind >= (dashed ? ORIGINAL_ONLY : TRANSIT);
				/* or, under a colon heading, two fields only a message
				 * carries (Message-ID and MIME-Version: the original's
				 * header as Exchange returns it, without transit fields) */
				own += kind == ORIGINAL_ONLY;
				only = only || own >= 2;
				q = e ? e + 1 : end;
			}
			if (only)
				return p;
		}
		p = nl ? nl + 1 : end;
	}
	return NULL;
}

size_t bw_text__report_length(const bw_msg *m)
{
	static const char *const markers[] = {
		"------ This is a copy of the message",
		"------ This is a copy of your message",
		"--- Below this line is a copy of the message",
		"----- Original message -----",
		"-----Original Message-----",
		"- Returned Message -",
		"----- Transcript of session follows -----\n\n\nReturn-Path:",
		"Original message follows",
		"Original message headers:",
		"----- Message header follows -----",
		"--- The header of the original message is following. ---",
	};
	const char *at, *from = m->body;
	size_t left = m->body_len;

	if (m->report_length_known)
		return m->report_length;
	/* A person's forward ("-----Original Message-----" over "From: Mail
	 * Delivery System <Mailer-Daemon@...>") introduces the notice itself,
	 * not the returned original: the report goes on below it. */
	while ((at = bw_text__find_any(from, left, markers, sizeof(markers) / sizeof(markers[0]), NULL)) &&
	       introduces_notice(at, left - (size_t)(at - from))) {
		left -= (size_t)(at - from) + 1;
		from = at + 1;
	}
	/* a marker in words the list above lacks, found by its shape */
	{
		const char *shape = marker_over_headers(m->body, at ? (size_t)(at - m->body) : m->body_len);
		if (shape && !introduces_notice(shape, m->body_len - (size_t)(shape - m->body)))
			at = shape;
	}
	return at ? (size_t)(at - m->body) : m->body_len;
}

static bool local_char(int c)
{
	return bw_isalnum(c) || (c && strchr(".!#$%&'*+/=?^_`{|}~-", c)) || c >= 0x80;
}

static bool domain_char(int c)
{
	return bw_isalnum(c) || c == '.' || c == '-' || c >= 0x80;
}

/* Does s[0..3) encode a CJK character or a full-width punctuation mark
 * (U+3000-U+9FFF, U+FF00-U+FF5F): the text before an address ("收件人："),
 * never part of its local part? */
static bool cjk_before(const unsigned char *s)
{
	return (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 &&
	       ((s[0] >= 0xE3 && s[0] <= 0xE9) || (s[0] == 0xEF && (s[1] == 0xBC || s[1] == 0xBD)));
}

/* Does s[0..3) encode a CJK punctuation mark or full-width form (U+3000-
 * U+303F, U+FF00-U+FF5F: "。", "」", "）", "，") that ends an address
 * ("发送给 x@example.org。")? */
static bool cjk_punctuation(const unsigned char *s)
{
	return (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 &&
	       ((s[0] == 0xE3 && s[1] == 0x80) || (s[0] == 0xEF && (s[1] == 0xBC || s[1] == 0xBD)));
}

/* Does s[from..b) end with a dot and a label of ASCII letters, a top-level
 * domain ("x@example.ne.jp宛て": the CJK text after ".jp" is a sentence,
 * not more of the domain)? */
static bool ends_with_ascii_tld(const char *s, size_t from, size_t b)
{
	size_t e = b;

	while (e > from && bw_isalpha((unsigned char)s[e - 1]))
		e--;
	return b - e >= 2 && e > from && s[e - 1] == '.';
}

char *bw_text__first_address(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		size_t a, b;
		if (s[i] != '@')
			continue;
		for (a = i; a > 0 && local_char((unsigned char)s[a - 1]); a--)
			if (a >= 3 && cjk_before((const unsigned char *)s + a - 3))
				break;
		for (b = i + 1; b < len && domain_char((unsigned char)s[b]); b++)
			if (b + 3 <= len && (cjk_punctuation((const unsigned char *)s + b) ||
			                     (cjk_before((const unsigned char *)s + b) &&
			                      ends_with_ascii_tld(s, i + 1, b))))
				break;
		while (b > i + 1 && (s[b - 1] == '.' || s[b - 1] == '-'))
			b--;
		if (a < i && bw_addr__plausible(s + a, b - a))
			return bw_addr__normalize(s + a, b - a);
	}
	/* an address written URL-escaped ("anna%2Bnews%40example.com", as
	 * sending services' notices and links carry it) */
	if (bw_memcasemem(s, len, "%40")) {
		char *plain = malloc(len + 1), *r;
		size_t n = 0;
		if (!plain) {
			bw_error__oom();
			return NULL;
		}
		for (i = 0; i < len; i++) {
			int c = bw_percent_escape_at(s, len, i);
			plain[n++] = c >= 0 ? (char)c : s[i];
			if (c >= 0)
				i += 2;
		}
		r = memchr(plain, '%', n) && bw_memcasemem(plain, n, "%40") ? NULL : bw_text__first_address(plain, n);
		free(plain);
		return r;
	}
	return NULL;
}

const char *bw_text__trim(const char *s, size_t len, size_t *out_len)
{
	while (len && bw_isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len && bw_isspace((unsigned char)s[len - 1]))
		len--;
	*out_len = len;
	return s;
}

bool bw_text__starts(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && bw_strncasecmp(s, prefix, n) == 0;
}

bool bw_text__skip(const char **s, size_t *len, const char *prefix)
{
	size_t n = strlen(prefix);

	if (!bw_text__starts(*s, *len, prefix))
		return false;
	*s += n;
	*len -= n;
	return true;
}

const char *bw_text__find_word(const char *text, size_t len, const char *word,
                               const char *joins_before, const char *joins_after)
{
	const char *p = text, *e = text + len, *hit;
	size_t wl = strlen(word);

	while (wl && p < e && (hit = bw_memcasemem(p, (size_t)(e - p), word))) {
		unsigned char b = hit > text ? (unsigned char)hit[-1] : ' ';
		unsigned char a = hit + wl < e ? (unsigned char)hit[wl] : ' ';

		if (!bw_isalnum(b) && !(b && strchr(joins_before, b)) &&
		    !bw_isalnum(a) && !(a && strchr(joins_after, a)))
			return hit;
		p = hit + 1;
	}
	return NULL;
}

const char *bw_text__after(const char *hay, size_t len, const char *needle)
{
	const char *p = bw_memcasemem(hay, len, needle);

	return p ? p + strlen(needle) : NULL;
}

bool bw_text__keep_sole(char **sole, char *a)
{
	if (*sole && bw_strcasecmp(*sole, a) != 0) {
		free(a);
		free(*sole);
		*sole = NULL;
		return false;
	}
	if (*sole)
		free(a);           /* the same again: the first spelling stays */
	else
		*sole = a;
	return true;
}

char *bw_text__address_line(const char *s, size_t len)
{
	size_t i;

	s = bw_text__trim(s, len, &len);
	while (len && (s[len - 1] == ':' || s[len - 1] == ','))
		len--;
	if (len >= BW_LITERAL_LEN("mailto:") && BW_SKIP_PREFIX_CI(s, "mailto:"))
		len -= BW_LITERAL_LEN("mailto:");
	else if (len >= BW_LITERAL_LEN("rfc822;") && BW_SKIP_PREFIX_CI(s, "rfc822;"))
		len -= BW_LITERAL_LEN("rfc822;");
	s = bw_text__trim(s, len, &len);
	if (len >= 2 && ((s[0] == '<' && s[len - 1] == '>') || (s[0] == '"' && s[len - 1] == '"'))) {
		s++;
		len -= 2;
	}
	if (!len || !memchr(s, '@', len))
		return NULL;
	/* a quoted local part ("olga.nilsen"@x, "j d"@x): the quotes and what
	 * they hold, then a domain of its own */
	i = 0;
	if (s[0] == '"') {
		for (i = 1; i < len && s[i] != '"'; i++)
			;
		if (i + 1 >= len || s[i + 1] != '@' || i == 1)
			return NULL;
		i += 2;
	}
	for (; i < len; i++)
		if (bw_isspace((unsigned char)s[i]) || s[i] == '<' || s[i] == '>' || s[i] == '"')
			return NULL;
	if (s[0] == '"')
		return bw_addr__normalize(s, len);
	if (!bw_addr__plausible(s, len)) {
		char *out, *p;

		if (!bw_addr__single_label(s, len) || !(out = bw_strndup(s, len)))
			return NULL;
		for (p = strchr(out, '@') + 1; *p; p++)
			*p = (char)bw_lower((unsigned char)*p);
		return out;
	}
	return bw_addr__normalize(s, len);
}

void bw_addr_para__clear(bw_addr_para *p)
{
	free(p->address);
	free(p->original);
	memset(p, 0, sizeof(*p));
}

/* A display name before a bracketed address at the start of a line ("Pat
 * Lee <pat@example.org>: ..."): the offset of its '<', or i when the line
 * does not start that way.  The name is a few words of letters, spaces,
 * quotes, dots, commas and hyphens. */
static size_t after_display_name(const char *t, size_t i, size_t len)
{
	size_t k;

	/* a name starts at the margin with a letter or a quote */
	if (i >= len || !(bw_isalpha((unsigned char)t[i]) || (unsigned char)t[i] >= 0x80 || t[i] == '"'))
		return i;
	for (k = i; k < len && k - i < 64; k++) {
		unsigned char c = (unsigned char)t[k];
		if (c == '<')
			return k > i && t[k - 1] == ' ' ? k : i;
		if (!(bw_isalpha(c) || c >= 0x80 || c == ' ' || c == '"' || c == '\'' || c == '.' ||
		      c == ',' || c == '-'))
			return i;
	}
	return i;
}

/* An address lead at text[i..len): "<addr>" (after a display name or
 * not) or "addr", optional "(expanded from <x>)", then ':'.  Returns the
 * offset after the colon or 0. */
static size_t addr_lead(const char *t, size_t i, size_t len, char **addr, char **orig)
{
	size_t a, b, k;

	*addr = *orig = NULL;
	i = after_display_name(t, i, len);
	if (i < len && t[i] == '<') {
		a = i + 1;
		b = a;
		if (b < len && t[b] == '"') /* a quoted local part may hold spaces */
			for (b++; b < len && t[b] != '"' && t[b] != '\n'; b++)
				;
		for (; b < len && t[b] != '>' && t[b] != '\n' && t[b] != ' '; b++)
			;
		if (b >= len || t[b] != '>')
			return 0;
		k = b + 1;
	} else {
		a = i;
		for (b = a; b < len && t[b] != ':' && !bw_isspace((unsigned char)t[b]) && t[b] != '<'; b++)
			;
		k = b;
	}
	if (b - a < 3 || !memchr(t + a, '@', b - a) || !bw_addr__plausible(t + a, b - a))
		return 0;
	while (k < len && (t[k] == ' ' || t[k] == '\t'))
		k++;
	/* "(expanded from <x>)", in whatever language: a parenthesis on the
	 * line that holds an address */
	if (k < len && t[k] == '(') {
		const char *eol = memchr(t + k, '\n', len - k);
		size_t line_end = eol ? (size_t)(eol - t) : len;
		const char *close = memchr(t + k, ')', line_end - k);
		if (!close || !memchr(t + k, '@', (size_t)(close - t) - k))
			return 0;
		*orig = bw_text__first_address(t + k + 1, (size_t)(close - t) - k - 1);
		k = (size_t)(close - t) + 1;
	}
	if (k >= len || t[k] != ':' || (k + 1 < len && !bw_isspace((unsigned char)t[k + 1]))) {
		free(*orig);
		*orig = NULL;
		return 0;
	}
	if (!(*addr = bw_addr__normalize(t + a, b - a))) {
		free(*orig);
		*orig = NULL;
		return 0;
	}
	return k + 1;
}

/* The start of the text that belongs to an address line ending at or
 * before `after`: `after` itself, or, when the rest of that line and the
 * next line are blank, the first line of the next paragraph provided it is
 * no address lead of its own. */
static size_t text_after_blank(const char *text, size_t after, size_t len)
{
	size_t k = after, ls;
	char *a, *o;

	while (k < len && text[k] != '\n' && bw_isspace((unsigned char)text[k]))
		k++;
	if (k >= len || text[k] != '\n')
		return after;
	ls = k + 1;
	k = ls;
	while (k < len && text[k] != '\n' && bw_isspace((unsigned char)text[k]))
		k++;
	if (k >= len || text[k] != '\n')
		return after;        /* text on the very next line: the usual case */
	while (k < len && bw_isspace((unsigned char)text[k]))
		k++;
	while (k > ls && text[k - 1] != '\n')
		k--;
	if (k >= len || text[k] == '-')
		return after;
	if (addr_lead(text, k, len, &a, &o)) {
		free(a);
		free(o);
		return after;
	}
	return k;
}

bool bw_text__next_addr_para(const char *text, size_t len, size_t *pos, bw_addr_para *out)
{
	size_t i = *pos;

	memset(out, 0, sizeof(*out));
	while (i < len) {
		size_t eol, after, j;
		const char *nl;

		nl = memchr(text + i, '\n', len - i);
		eol = nl ? (size_t)(nl - text) : len;
		if (!(after = addr_lead(text, i, len, &out->address, &out->original))) {
			i = eol + 1;
			continue;
		}
		/* an address line with nothing after it, then a blank line: the
		 * paragraph under the blank line is its text, unless it is the
		 * next lead ("<a@x>:" / "" / "ezmlm-reject: fatal: ...") */
		after = text_after_blank(text, after, len);
		/* the paragraph: to a blank line or the next lead */
		j = after;
		for (;;) {
			const char *n2 = memchr(text + j, '\n', len - j);
			size_t ls, le, k;
			char *a2, *o2;
			if (!n2) {
				j = len;
				break;
			}
			ls = (size_t)(n2 - text) + 1;
			if (ls >= len) {
				j = len;
				break;
			}
			nl = memchr(text + ls, '\n', len - ls);
			le = nl ? (size_t)(nl - text) : len;
			for (k = ls; k < le && bw_isspace((unsigned char)text[k]); k++)
				;
			if (k == le) {
				j = ls;
				break;
			}
			if (addr_lead(text, ls, len, &a2, &o2)) {
				free(a2);
				free(o2);
				j = ls;
				break;
			}
			j = le;
		}
		out->text = text + after;
		out->len = j > after ? j - after : 0;
		*pos = j;
		return true;
	}
	*pos = len;
	return false;
}

size_t bw_text__after_line(const char *text, size_t len, const char *marker)
{
	const char *at = bw_memcasemem(text, len, marker);
	const char *nl;

	if (!at)
		return len;
	nl = memchr(at, '\n', len - (size_t)(at - text));
	return nl ? (size_t)(nl - text) + 1 : len;
}

char *bw_text__next_address(const char *text, const char *end, const char **pos)
{
	const char *p = *pos;

	while (p < end) {
		const char *at = memchr(p, '@', (size_t)(end - p)), *b, *e;
		char *a;

		if (!at)
			break;
		for (b = at; b > text && !bw_isspace((unsigned char)b[-1]) && !strchr("(<\"':", b[-1]); b--)
			;
		for (e = at; e < end && !bw_isspace((unsigned char)*e) && !strchr(")>\"',;", *e); e++)
			;
		p = e > at ? e : at + 1;
		if ((a = bw_text__first_address(b, (size_t)(e - b)))) {
			*pos = p;
			return a;
		}
	}
	*pos = end;
	return NULL;
}

bool bw_text__is_role_address(const char *addr)
{
	static const char *const roles[] = { "postmaster@", "mailer-daemon@", "mailer_daemon@",
		"abuse@", "hostmaster@", "webmaster@", "noc@", "security@" };
	size_t i;

	for (i = 0; addr && i < sizeof(roles) / sizeof(roles[0]); i++)
		if (bw_startswith_ci(addr, roles[i]))
			return true;
	return false;
}

/* Text from the message (addresses, server replies, file names) goes to a
 * terminal: control characters (C0, DEL, C1) and bytes that are not UTF-8
 * are written as \xHH by the text report and the error line, so a bounce
 * cannot clear the screen, retitle the window or forge an output line.
 * terminal_char: the length of the character at p[i] when a terminal may
 * take it, else 0 with *bad the bytes to escape (both bytes of a C1
 * control). */
static size_t terminal_char(const unsigned char *p, size_t len, size_t i, size_t *bad)
{
	size_t n = utf8_seq(p + i, len - i);

	*bad = 1;
	if (p[i] < 0x20 || p[i] == 0x7f)
		return 0;
	if (n == 2 && p[i] == 0xC2 && p[i + 1] <= 0x9F) {
		*bad = 2;   /* a C1 control such as CSI */
		return 0;
	}
	return n;
}

bool bw_text__terminal_clean(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n, bad;

	while (i < len) {
		if (!(n = terminal_char(p, len, i, &bad)))
			return false;
		i += n;
	}
	return true;
}

void bw_text__put_terminal(bw_buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n, bad;

	while (i < len) {
		if ((n = terminal_char(p, len, i, &bad))) {
			bw_buf__put(b, s + i, n);
			i += n;
		} else {
			while (bad-- && i < len)
				bw_buf__printf(b, "\\x%02x", p[i++]);
		}
	}
}

/* Is there a "%XX" escape at s[i]? */
static bool percent_at(const char *s, size_t len, size_t i)
{
	return bw_percent_escape_at(s, len, i) >= 0;
}

/* The word (a run without white space) of s[0..len) that holds s[i]:
 * its start in *b, its end in *e. */
static void word_around(const char *s, size_t len, size_t i, size_t *b, size_t *e)
{
	*b = *e = i;
	while (*b > 0 && !bw_isspace((unsigned char)s[*b - 1]))
		(*b)--;
	while (*e < len && !bw_isspace((unsigned char)s[*e]))
		(*e)++;
}

/* Is s[i] inside a word (a run without white space) that holds two "%XX"
 * escapes or more, i.e. a URL-escaped text ("550%205.1.1%20User%20unknown")
 * rather than a stray percent sign ("95% full")? */
static bool in_escaped_word(const char *s, size_t len, size_t i)
{
	size_t b, e, n = 0;

	word_around(s, len, i, &b, &e);
	for (i = b; i < e && n < 2; i++)
		if (percent_at(s, len, i))
			n++;
	return n >= 2;
}

/* The byte of a quoted-printable escape at s[i] ("=20", "=3D": '=' and two
 * upper-case hex digits, RFC 2045 6.7), or -1. */
static int qp_escape_at(const char *s, size_t len, size_t i)
{
	if (i + 2 >= len || (s[i + 1] >= 'a' && s[i + 1] <= 'f') || (s[i + 2] >= 'a' && s[i + 2] <= 'f'))
		return -1;
	return bw_hex_escape_at(s, len, i, '=');
}

/* Is s[i] inside a word (a run without white space) that a quoted-printable
 * encoding left undecoded ("550=205.1.1=20User=20unknown"): two escapes or
 * more, one of them an encoded space ("=20"), which a link's parameters
 * ("?id=AB&k=FF") do not hold? */
static bool in_qp_word(const char *s, size_t len, size_t i)
{
	size_t b, e, n = 0;
	bool space = false;

	word_around(s, len, i, &b, &e);
	for (i = b; i + 2 < e; i++)
		if (qp_escape_at(s, e, i) >= 0) {
			n++;
			space = space || (s[i + 1] == '2' && s[i + 2] == '0');
		}
	return n >= 2 && space;
}

/* s with URL escapes ("554%205.7.1%20...", in a word that holds two of
 * them or more), quoted-printable ones left undecoded (in_qp_word()) and
 * JSON escapes ("\u003c", "\n") decoded; NULL when there is nothing of the
 * kind. */
static char *unescape_codes(const char *s, size_t len)
{
	bw_buf b = BW_BUF_INIT;
	bool any = false;
	size_t i;

	for (i = 0; i < len; i++) {
		if (percent_at(s, len, i) && in_escaped_word(s, len, i)) {
			bw_buf__putc(&b, (char)bw_percent_escape_at(s, len, i));
			i += 2;
			any = true;
		} else if (qp_escape_at(s, len, i) >= 0 && in_qp_word(s, len, i)) {
			bw_buf__putc(&b, (char)qp_escape_at(s, len, i));
			i += 2;
			any = true;
		} else if (s[i] == '\\' && i + 5 < len && s[i + 1] == 'u' &&
		           bw_hex_value((unsigned char)s[i + 2]) >= 0 && bw_hex_value((unsigned char)s[i + 3]) >= 0 &&
		           bw_hex_value((unsigned char)s[i + 4]) >= 0 && bw_hex_value((unsigned char)s[i + 5]) >= 0) {
			unsigned long cp = 0;
			size_t k;
			for (k = 2; k < 6; k++)
				cp = cp * 16 + (unsigned long)bw_hex_value((unsigned char)s[i + k]);
			bw_buf__put_codepoint(&b, cp);
			i += 5;
			any = true;
		} else if (s[i] == '\\' && i + 1 < len && (s[i + 1] == 'n' || s[i + 1] == 't' || s[i + 1] == 'r')) {
			bw_buf__putc(&b, ' ');
			i++;
			any = true;
		} else if (s[i] == '\\' && i + 1 < len && (s[i + 1] == '"' || s[i + 1] == '/' || s[i + 1] == '\\')) {
			bw_buf__putc(&b, s[i + 1]);
			i++;
			any = true;
		} else {
			bw_buf__putc(&b, s[i]);
		}
	}
	if (!any) {
		bw_buf__free(&b);
		return NULL;
	}
	return bw_buf__detach(&b);
}

/* qmail's log writes a reply with its spaces as underscores
 * ("failure:_Sorry,_no_mailbox_here_by_that_name._(#5.1.1)/"): a word
 * (a run without white space) holding three underscores or more, one of
 * them after a punctuation mark as a sentence has them ("said:_",
 * "Sorry,_"; a list of filter symbols "R_SPF_FAIL,MIME_HTML" has none), no
 * run of underscores (a queue id's "_____wD3x") and no address or link, is
 * read with spaces.  A copy, or NULL when no word is written so. */
static char *underscores_as_spaces(const char *s)
{
	const char *w = s, *e;
	char *out = NULL;

	while (*w) {
		size_t under = 0, i;
		bool sentence = false;

		while (*w && bw_isspace((unsigned char)*w))
			w++;
		for (e = w; *e && !bw_isspace((unsigned char)*e); e++) {
			under += *e == '_';
			sentence = sentence || (*e == '_' && e > w && strchr(".,:;!?", e[-1]));
		}
		if (under >= 3 && sentence && !memchr(w, '@', (size_t)(e - w)) &&
		    !bw_memcasemem(w, (size_t)(e - w), "://") && !bw_memcasemem(w, (size_t)(e - w), "__")) {
			if (!out && !(out = bw_strndup(s, strlen(s))))
				return NULL;
			for (i = (size_t)(w - s); i < (size_t)(e - s); i++)
				if (out[i] == '_')
					out[i] = ' ';
		}
		w = e;
	}
	return out;
}

char *bw_text__unescape(const char *s)
{
	char *codes, *ents, *spaced = NULL;

	/* most texts hold no escape of any kind: no copy for them */
	if (!s || !strpbrk(s, "%\\&_="))
		return NULL;
	if (strchr(s, '_') && (spaced = underscores_as_spaces(s)))
		s = spaced;
	if (!strpbrk(s, "%\\&="))
		return spaced;
	codes = unescape_codes(s, strlen(s));
	ents = bw_html__decode_entities(codes ? codes : s, strlen(codes ? codes : s));
	if (!ents && !codes)
		return spaced;
	free(spaced);
	if (!ents)
		return codes;
	free(codes);
	return ents;
}

/* Does s[i..n) start a character of a script without spaces (U+3000-U+9FFF
 * or U+FF00-U+FFEF, three bytes in UTF-8)? */
static bool cjk_at(const unsigned char *s, size_t n, size_t i)
{
	if (i + 3 > n)
		return false;
	if (s[i] >= 0xE3 && s[i] <= 0xE9)
		return (s[i + 1] & 0xC0) == 0x80 && (s[i + 2] & 0xC0) == 0x80;
	return s[i] == 0xEF && s[i + 1] >= 0xBC && s[i + 1] <= 0xBF && (s[i + 2] & 0xC0) == 0x80;
}

char *bw_text__join_cjk(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n, i, o = 0;
	char *out = NULL;

	if (!s)
		return NULL;
	n = strlen(s);
	for (i = 0; i < n; i++) {
		if (bw_isspace(u[i]) && i >= 3 && cjk_at(u, n, i - 3)) {
			size_t j = i;

			while (j < n && bw_isspace(u[j]))
				j++;
			if (j < n && cjk_at(u, n, j)) {
				if (!out) {
					if (!(out = malloc(n + 1))) {
						bw_error__oom();
						return NULL;
					}
					memcpy(out, s, i);
					o = i;
				}
				i = j - 1;
				continue;
			}
		}
		if (out)
			out[o++] = s[i];
	}
	if (out)
		out[o] = '\0';
	return out;
}

void bw_text__beside_addresses(const char *s, size_t len, size_t *letters, size_t *words)
{
	size_t i = 0, nl = 0, nw = 0;

	while (i < len) {
		size_t start, ascii = 0, other = 0;
		bool addr = false;

		while (i < len && bw_isspace((unsigned char)s[i]))
			i++;
		for (start = i; i < len && !bw_isspace((unsigned char)s[i]); i++) {
			unsigned char c = (unsigned char)s[i];

			addr = addr || c == '@';
			ascii += bw_isalpha(c) != 0;
			other += c >= 0x80;
		}
		/* a word that holds an address keeps its non-ASCII letters:
		 * Chinese and Japanese write the sentence around it without
		 * spaces ("发往"a@b"的邮件无法送达") */
		if (i > start) {
			size_t k = addr ? other : ascii + other;

			nl += k;
			nw += k >= 3;
		}
	}
	if (letters)
		*letters = nl;
	if (words)
		*words = nw;
}

bool bw_text__blank(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!bw_isspace((unsigned char)s[i]))
			return false;
	return true;
}

bool bw_text__ends_with_colon(const char *s, size_t len)
{
	while (len && bw_isspace((unsigned char)s[len - 1]))
		len--;
	return (len && s[len - 1] == ':') || (len >= 3 && memcmp(s + len - 3, "\xEF\xBC\x9A", 3) == 0);
}

char *bw_text__cut_advice(const char *s)
{
	static const char *const labels[] = { "Solution:", "Solutions:", "Suggestion:", "Suggestions:",
		"Suggested solution", "解决建议", "解决方案", "解决办法", "解决方法", "处理建议", "解決建議",
		"解決方法", "対処方法", "対処法", "해결 방법", "Lösung:", "Lösungsvorschlag", "Solución:",
		"Solução:", "Soluzione:", "Oplossing:", "Rozwiązanie:" };
	const char *at;
	size_t n;

	if (!s || (n = strlen(s)) < 16)
		return NULL;
	/* the cause comes first: a label in the first few characters is the
	 * notice's only text */
	if (!(at = bw_text__find_any(s + 8, n - 8, labels, sizeof(labels) / sizeof(labels[0]), NULL)))
		return NULL;
	return bw_strndup(s, (size_t)(at - s));
}

bool bw_text__only_status_name(const char *c, size_t n)
{
	static const char *const words[] = { "unknown", "other", "undefined", "temporary", "transient",
		"permanent", "persistent", "failure", "status", "error", "success", "delivered", "ok",
		/* RFC 3463's subjects: "Other or undefined security status" */
		"or", "and", "security", "policy", "mailbox", "mail", "system", "network", "routing",
		"protocol", "media", "address", "addressing", "message", "content" };
	size_t i = 0, k;

	while (i < n) {
		size_t w;

		while (i < n && !bw_isalpha((unsigned char)c[i]))
			i++;
		for (w = i; i < n && bw_isalpha((unsigned char)c[i]); i++)
			;
		if (i == w)
			break;
		for (k = 0; k < sizeof(words) / sizeof(words[0]); k++)
			if (i - w == strlen(words[k]) && bw_strncasecmp(c + w, words[k], i - w) == 0)
				break;
		if (k == sizeof(words) / sizeof(words[0]))
			return false;
	}
	return true;
}

/* The subject's own words: after sending services' tags ("[Mailgun] ...")
 * and "Fwd:" prefixes. */
const char *bw_text__subject_words(const char *s)
{
	for (;;) {
		while (*s == ' ')
			s++;
		/* A sending service's tag ("[Mailgun] Permanent failure ..."). */
		const char *close = *s == '[' ? strchr(s, ']') : NULL;
		if (close && close - s < 40 && !memchr(s, '@', (size_t)(close - s))) {
			s = close + 1;
			continue;
		}
		if (!BW_SKIP_PREFIX_CI(s, "fwd:") && !BW_SKIP_PREFIX_CI(s, "fw:"))
			break;
	}
	return s;
}

bool bw_text__is_bounce_subject(const char *subject)
{
	static const char *const subjects[] = { BW_PHRASES_IS_BOUNCE_SUBJECT_SUBJECTS };
	const char *w;
	size_t i;

	if (!subject)
		return false;
	w = bw_text__subject_words(subject);
	for (i = 0; i < sizeof(subjects) / sizeof(subjects[0]); i++)
		if (bw_startswith_ci(w, subjects[i]))
			return true;
	return false;
}
