/*
 * addrline.c - the addresses on one line of a report (addrline.h).
 */
#include <stdlib.h>
#include <string.h>

#include "../text.h"
#include "../util.h"
#include "addrline.h"

char *bw_addrline__next(const char *l, size_t n, size_t *pos, size_t *start)
{
	size_t i;

	for (i = *pos; i < n; i++) {
		size_t a, b;
		char *addr;

		if (l[i] != '@')
			continue;
		for (a = i; a > *pos && l[a - 1] != ' ' && l[a - 1] != '\t' && l[a - 1] != '<' &&
		     l[a - 1] != '"' && l[a - 1] != '\'' && l[a - 1] != '(' && l[a - 1] != ',' &&
		     l[a - 1] != ';' && l[a - 1] != '[' && l[a - 1] != ':'; a--)
			;
		for (b = i + 1; b < n && l[b] != ' ' && l[b] != '\t' && l[b] != '>' && l[b] != '"' &&
		     l[b] != '\'' && l[b] != ')' && l[b] != ',' && l[b] != ';' && l[b] != ']' &&
		     !(l[b] == ':' && (b + 1 == n || l[b + 1] == ' ')); b++)
			;
		if ((addr = bw_text__first_address(l + a, b - a))) {
			const char *at = strrchr(addr, '@');
			size_t ll = at ? (size_t)(at - addr) : 0;

			/* where the address starts: after any text run into it
			 * ("お問い合わせ：x@y" has no space before x) */
			*start = addr[0] != '"' && ll && ll <= i - a ? i - ll : a;
			*pos = b;
			return addr;
		}
	}
	*pos = n;
	return NULL;
}

size_t bw_addrline__indent(const char *l, size_t n)
{
	size_t i, w = 0;

	for (i = 0; i < n && (l[i] == ' ' || l[i] == '\t'); i++)
		w += l[i] == '\t' ? 8 : 1;
	return w;
}

const char *bw_addrline__after_bullet(const char *l, size_t n, size_t *out_len)
{
	size_t i = 0, d;

	l = bw_text__trim(l, n, &n);
	while (i < n && i < 4 && l[i] && strchr("-*=+~#", l[i]))
		i++;
	if (i && i < n && l[i] != ' ')
		i = 0;   /* no bullet: a word that starts with one of them */
	if (!i && n > 3 && memcmp(l, "\xe2\x80\xa2", 3) == 0)
		i = 3;
	if (!i) {
		for (d = 0; d < n && d < 3 && bw_isdigit((unsigned char)l[d]); d++)
			;
		if (d && d + 1 < n && (l[d] == '.' || l[d] == ')') && l[d + 1] == ' ')
			i = d + 1;
	}
	return bw_text__trim(l + i, n - i, out_len);
}

char *bw_addrline__lone(const char *l, size_t n)
{
	size_t tl, i;
	const char *t = bw_addrline__after_bullet(l, n, &tl);

	if (!tl || !memchr(t, '@', tl))
		return NULL;
	/* Exchange's "x@y<mailto:x@y>": the address, its link dropped */
	{
		const char *mt = bw_memcasemem(t, tl, "<mailto:");
		if (mt && mt > t && memchr(t, '@', (size_t)(mt - t)) && t[tl - 1] == '>')
			tl = (size_t)(mt - t);
	}
	/* "Name <address>" */
	if (t[tl - 1] == '>' && memchr(t, '<', tl)) {
		const char *lt = t + tl - 1;
		while (lt > t && *lt != '<')
			lt--;
		if (memchr(lt, '@', (size_t)(t + tl - lt)) && !memchr(t, '@', (size_t)(lt - t)))
			return bw_text__first_address(lt, (size_t)(t + tl - lt));
	}
	for (i = 0; i < tl; i++)
		if (bw_isspace((unsigned char)t[i]))
			return NULL;
	return bw_text__first_address(t, tl);
}

bool bw_addrline__starts_with_address(const char *l, size_t n)
{
	size_t tl, i;
	const char *t = bw_addrline__after_bullet(l, n, &tl);
	const char *at = memchr(t, '@', tl);

	if (!at)
		return false;
	for (i = 0; t + i < at; i++)
		if (bw_isspace((unsigned char)t[i]))
			break;
	if (t + i >= at)
		return true;   /* the first word holds the '@' */
	/* "Name Surname <x@y>": only the name's words before the bracket */
	for (i = 0; t + i < at; i++)
		if (t[i] == '<' || t[i] == '(')
			return !memchr(t, ',', i) && !memchr(t, ':', i) && i < 64;
	return false;
}

const char *bw_addrline__label_value(const char *l, size_t n, const char *const *labels,
                                     size_t nl, size_t *out_len)
{
	size_t tl, i, k;
	const char *t = bw_addrline__after_bullet(l, n, &tl);
	/* a JSON member's key in quotes ("email": "x@y", an event mailed as
	 * text) */
	size_t q = tl > 1 && t[0] == '"';

	for (i = 0; i < nl; i++) {
		size_t ll = strlen(labels[i]);
		if (tl <= ll + q || bw_strncasecmp(t + q, labels[i], ll) != 0)
			continue;
		k = ll + q;
		if (q && t[k++] != '"')
			continue;
		for (; k < tl && (t[k] == ' ' || t[k] == '\t'); k++)
			;
		if (k < tl && t[k] == ':')
			k++;
		else if (k + 3 <= tl && memcmp(t + k, "\xef\xbc\x9a", 3) == 0)
			k += 3;
		else
			continue;
		while (k < tl && (t[k] == ' ' || t[k] == '\t'))
			k++;
		*out_len = tl - k;
		return t + k;
	}
	return NULL;
}

char *bw_addrline__labelled(const char *l, size_t n, const char *const *labels, size_t nl)
{
	size_t vl = 0;
	const char *v = bw_addrline__label_value(l, n, labels, nl, &vl);

	return v ? bw_text__first_address(v, vl) : NULL;
}
