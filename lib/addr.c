/*
 * addr.c - address normalisation.
 */
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "error.h"
#include "util.h"

static bool addr_char(int c)
{
	return c > 32 && c < 127 && !strchr("<>()[],;:\"\\", c);
}

/* The shape of an address in s[0..len): one '@' with something on both
 * sides, address characters only (a quoted local part may hold any
 * printable ones).  The '@' into *at, whether the domain holds a dot into
 * *dot. */
static bool address_shape(const char *s, size_t len, const char **at, bool *dot)
{
	size_t i = 0;

	*at = NULL;
	*dot = false;
	/* A quoted local part ("jean claude"@x, RFC 5321 4.1.2): any
	 * printable characters but a quote or a backslash between the quotes. */
	if (len > 2 && s[0] == '"') {
		for (i = 1; i < len && s[i] != '"'; i++)
			if ((unsigned char)s[i] < 32 || s[i] == '\\' || s[i] == 127)
				return false;
		if (i < 2 || i + 1 >= len || s[i + 1] != '@')
			return false;
		i++;
	}
	for (; i < len; i++) {
		if (s[i] == '@') {
			if (*at)
				return false;
			*at = s + i;
		} else if (!addr_char((unsigned char)s[i]) && (unsigned char)s[i] < 0x80) {
			return false;
		} else if (*at && s[i] == '.') {
			*dot = true;
		}
	}
	return *at && *at > s && *at < s + len - 1;
}

bool bw_addr__plausible(const char *s, size_t len)
{
	const char *at;
	bool dot;

	return address_shape(s, len, &at, &dot) && dot && s[len - 1] != '.';
}

bool bw_addr__single_label(const char *s, size_t len)
{
	const char *at;
	size_t i, dl;
	bool dot, letter = false;

	if (!address_shape(s, len, &at, &dot) || dot)
		return false;
	dl = len - (size_t)(at - s) - 1;
	if (dl < 2 || dl > 63 || at[1] == '-' || s[len - 1] == '-')
		return false;
	for (i = 1; i <= dl; i++) {
		unsigned char c = (unsigned char)at[i];

		if (!(bw_isalnum(c) || c == '-'))
			return false;
		letter = letter || bw_isalpha(c);
	}
	return letter;
}

char *bw_addr__verp_subscriber(const char *ext, size_t len)
{
	const char *eq, *sympa = bw_memcasemem(ext, len, "==a==");

	/* Sympa's form, "jane==a==example.org==listname" */
	if (sympa) {
		const char *dom = sympa + 5, *end = ext + len, *next = dom;

		while (next + 1 < end && !(next[0] == '=' && next[1] == '='))
			next++;
		if (next + 1 < end)
			end = next;
		if (sympa > ext && end > dom && memchr(dom, '.', (size_t)(end - dom)))
			return bw_addr__join(ext, (size_t)(sympa - ext), dom, (size_t)(end - dom));
		return NULL;
	}

	for (eq = ext + len; eq > ext && eq[-1] != '='; eq--)
		;
	if (eq <= ext + 1 || eq >= ext + len || !memchr(eq, '.', (size_t)(ext + len - eq)))
		return NULL;
	return bw_addr__join(ext, (size_t)(eq - 1 - ext), eq, (size_t)(ext + len - eq));
}

/* The X.400 form of an RFC 822 address: "(a)" for '@', and the other
 * characters X.400 cannot carry written as "(p)" for '%', "(b)" for '!'
 * and "(q)" for '"' (RFC 2156 4.3.1). */
static char *x400_address(const char *s, size_t len)
{
	static const struct { char code, c; } map[] = {
		{ 'a', '@' }, { 'p', '%' }, { 'b', '!' }, { 'q', '"' }, { 'u', '_' }, { 'l', '(' },
		{ 'r', ')' },
	};
	char *out = malloc(len + 1), *o = out, *at;
	size_t i, k;

	if (!out) {
		bw_error__oom();
		return NULL;
	}
	for (i = 0; i < len; i++) {
		if (s[i] == '(' && i + 2 < len && s[i + 2] == ')') {
			for (k = 0; k < sizeof(map) / sizeof(map[0]); k++)
				if (bw_lower((unsigned char)s[i + 1]) == map[k].code)
					break;
			if (k < sizeof(map) / sizeof(map[0])) {
				*o++ = map[k].c;
				i += 2;
				continue;
			}
		}
		*o++ = s[i];
	}
	*o = '\0';
	if (!(at = strrchr(out, '@')) || !bw_addr__plausible(out, strlen(out))) {
		free(out);
		return NULL;
	}
	for (at++; *at; at++)
		*at = (char)bw_lower((unsigned char)*at);
	return out;
}

static bool word_char(int c)
{
	return c > 32 && c != 127 && !strchr("<>()[],;:\"\\@", c);
}

/* The address-like word around `at` in s[0..e): characters of an address
 * on both sides, normalised again (it may carry a "smtp=" prefix); NULL
 * when it is no plausible address. */
static char *around_at(const char *s, const char *e, const char *at)
{
	const char *a = at, *b = at + 1;

	while (a > s && word_char((unsigned char)a[-1]))
		a--;
	while (b < e && word_char((unsigned char)*b))
		b++;
	while (b > at + 1 && (b[-1] == '.' || b[-1] == '-'))
		b--;
	if (!bw_addr__plausible(a, (size_t)(b - a)) && !(bw_startswith_ci(a, "smtp=") && b - a > 5))
		return NULL;
	return bw_addr__normalize(a, (size_t)(b - a));
}

/* Is s[0..n) a dot-atom (RFC 5322 3.2.3): atext runs joined by single
 * dots, none at either end? */
static bool dot_atom(const char *s, size_t n)
{
	size_t i;

	if (!n || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.' ? s[i + 1] == '.' : !(bw_isalnum(c) || strchr("!#$%&'*+-/=?^_`{|}~", c)))
			return false;
	}
	return true;
}

/* Exchange's encapsulation of an SMTP address in another address space
 * ("IMCEASMTP-grace+40remote+2Eexample+2Eorg@example.com": the address
 * with '+' and two hex digits for each character the local part may not
 * hold): the encapsulated address, or NULL when `a` is no such form. */
static char *imcea_smtp(const char *a)
{
	const char *at = strrchr(a, '@'), *p;
	bw_buf b = BW_BUF_INIT;

	if (!at || !bw_startswith_ci(a, "imceasmtp-"))
		return NULL;
	for (p = a + BW_LITERAL_LEN("imceasmtp-"); p < at; p++) {
		int c = bw_hex_escape_at(p, (size_t)(at - p), 0, '+');

		if (c >= 0) {
			bw_buf__putc(&b, (char)c);
			p += 2;
		} else {
			bw_buf__putc(&b, *p);
		}
	}
	if (b.oom || !b.len || !bw_addr__plausible(b.p, b.len)) {
		bw_buf__free(&b);
		return NULL;
	}
	return bw_buf__detach(&b);
}

char *bw_addr__normalize(const char *in, size_t len)
{
	const char *s = in, *e = in + len, *lt, *semi;
	char *out, *at, *p;

	while (s < e && bw_isspace((unsigned char)*s))
		s++;
	/* X.400: "/c=us/.../rfc-822=user(a)example.com/" */
	{
		const char *x = bw_memcasemem(s, (size_t)(e - s), "rfc-822=");

		if (x) {
			const char *slash;

			s = x + 8;
			/* the next attribute: "/o=x/" or "C=gb;...;RFC-822=x;" */
			if ((slash = memchr(s, '/', (size_t)(e - s))))
				e = slash;
			if ((slash = memchr(s, ';', (size_t)(e - s))))
				e = slash;
			while (e > s && bw_isspace((unsigned char)e[-1]))
				e--;
			return x400_address(s, (size_t)(e - s));
		}
	}
	/* "rfc822; x@y" */
	semi = memchr(s, ';', (size_t)(e - s));
	if (semi && !memchr(s, '@', (size_t)(semi - s)) && !memchr(s, '<', (size_t)(semi - s)))
		s = semi + 1;
	while (s < e && bw_isspace((unsigned char)*s))
		s++;
	/* A quoted local part ("a b"@x, "x..y"@z, RFC 5321 4.1.2) keeps its
	 * quotes. */
	{
		const char *qa = NULL, *q0, *d, *c;

		for (c = s; c + 1 < e; c++)
			if (c[0] == '"' && c[1] == '@')
				qa = c;
		if (qa) {
			for (q0 = qa - 1; q0 >= s && *q0 != '"'; q0--)
				;
			for (d = qa + 2; d < e && (bw_isalnum((unsigned char)*d) || *d == '.' || *d == '-'); d++)
				;
			while (d > qa + 2 && (d[-1] == '.' || d[-1] == '-'))
				d--;
			if (q0 >= s && q0 + 1 < qa && d > qa + 2 && memchr(qa + 2, '.', (size_t)(d - qa - 2))) {
				char *q;

				/* quotes around what needs none ("jo.ann"@x is
				 * jo.ann@x, RFC 5322 3.4.1): dropped */
				if (dot_atom(q0 + 1, (size_t)(qa - q0 - 1))) {
					q = bw_addr__join(q0 + 1, (size_t)(qa - q0 - 1), qa + 2,
					                  (size_t)(d - qa - 2));
					for (at = q ? strrchr(q, '@') : NULL; at && *at; at++)
						*at = (char)bw_lower((unsigned char)*at);
					return q;
				}
				q = bw_strndup(q0, (size_t)(d - q0));

				for (at = q ? q + (qa - q0) + 1 : NULL; at && *at; at++)
					*at = (char)bw_lower((unsigned char)*at);
				return q;
			}
		}
	}
	while (s < e && (*s == '[' || *s == '(' || *s == '"' || *s == '\''))
		s++;
	/* "smtp=x@y", "SMTP:x@y" (Exchange proxy addresses), "mailto:x@y" */
	if (e - s > 5 && BW_HAS_PREFIX_CI(s, "smtp") && (s[4] == '=' || s[4] == ':'))
		s += 5;
	else if (e - s > (ptrdiff_t)BW_LITERAL_LEN("mailto:"))
		BW_SKIP_PREFIX_CI(s, "mailto:");
	/* "Name <x@y>" */
	lt = memchr(s, '<', (size_t)(e - s));
	if (lt) {
		const char *gt = memchr(lt, '>', (size_t)(e - lt));
		if (gt && memchr(lt, '@', (size_t)(gt - lt))) {
			s = lt + 1;
			e = gt;
		}
	}
	while (s < e && (bw_isspace((unsigned char)*s) || *s == '<' || *s == '"' || *s == '\'' || *s == '(' || *s == '['))
		s++;
	/* An RFC 821 source route "<@relay1,@relay2:x@y>": the relays only
	 * carried it. */
	if (s < e && *s == '@') {
		const char *colon = s;
		const char *c;

		for (c = s; c < e; c++)
			if (*c == ':')
				colon = c;
		if (colon > s)
			s = colon + 1;
	}
	while (e > s && (bw_isspace((unsigned char)e[-1]) || strchr(">\"'.,;:)]", e[-1])))
		e--;
	if (s >= e)
		return NULL;
	/* "x@y (comment)" or "x@y extra words" */
	for (p = (char *)s; p < e; p++)
		if (bw_isspace((unsigned char)*p))
			break;
	if (p < e && memchr(s, '@', (size_t)(p - s)))
		e = p;
	/* Wrapped in more than the forms above ("c=US;...;dda:SMTP=x@y;"):
	 * the address-like word around the '@'. */
	if ((p = memchr(s, '@', (size_t)(e - s))) && !bw_addr__plausible(s, (size_t)(e - s)))
		return around_at(s, e, p);
	if (!(out = bw_strndup(s, (size_t)(e - s))))
		return NULL;
	/* "user%host@relay" (the percent hack, RFC 1123 5.2.16): the address
	 * is user@host, the relay only carried it. */
	if ((at = strrchr(out, '@')) && (p = memchr(out, '%', (size_t)(at - out))) &&
	    !memchr(out, '"', (size_t)(at - out)) && memchr(p + 1, '.', (size_t)(at - p - 1)) &&
	    !memchr(out, '@', (size_t)(at - out))) {
		char *last = p;

		while ((p = memchr(last + 1, '%', (size_t)(at - last - 1))))
			last = p;
		*last = '@';
		*at = '\0';
	}
	/* "IMCEASMTP-x+40y@z": the encapsulated x@y */
	if ((p = imcea_smtp(out))) {
		free(out);
		out = p;
	}
	/* A quoted local part "a b"@x keeps its quotes; drop a stray one. */
	if ((at = strrchr(out, '@')))
		for (p = at + 1; *p; p++)
			*p = (char)bw_lower((unsigned char)*p);
	return out;
}

char *bw_addr__embedded_unicode(const char *s, size_t len)
{
	bw_buf b = BW_BUF_INIT;
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		unsigned long cp = 0;
		size_t k = i + 3, digits = 0;
		int h;

		if (len - i < 5 || memcmp(s + i, "\\x{", 3) != 0) {
			bw_buf__putc(&b, s[i]);
			continue;
		}
		for (; k < len && digits < 7 && (h = bw_hex_value((unsigned char)s[k])) >= 0; k++, digits++)
			cp = cp * 16 + (unsigned long)h;
		/* RFC 6533 3: two to six hex digits, no surrogate, not above
		 * U+10FFFF; anything else stays as written */
		if (k >= len || s[k] != '}' || digits < 2 || digits > 6 || cp > 0x10FFFF ||
		    (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0) {
			bw_buf__putc(&b, s[i]);
			continue;
		}
		bw_buf__put_codepoint(&b, cp);
		n++;
		i = k;
	}
	if (!n || b.oom) {
		bw_buf__free(&b);
		return NULL;
	}
	return bw_buf__detach(&b);
}

char *bw_addr__join(const char *local, size_t ll, const char *domain, size_t dl)
{
	char *a = malloc(ll + dl + 2);

	if (!a) {
		bw_error__oom();
		return NULL;
	}
	memcpy(a, local, ll);
	a[ll] = '@';
	memcpy(a + ll + 1, domain, dl);
	a[ll + 1 + dl] = '\0';
	return a;
}
