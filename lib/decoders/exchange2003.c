/*
 * exchange2003.c - Microsoft Exchange 5.5 / 2000 / 2003 non-delivery reports
 * (the Internet Mail Service / Internet Mail Connector prose):
 *
 *     Your message ... did not reach the following recipient(s):
 *
 *     user@example.com on 29 Apr 2010 00:00:00 -0000
 *         The recipient name is not recognized
 *         MSEXCH:IMS:ORG:SITE:SERVER 0 (000C05A6) Unknown Recipient
 *
 * A mailbox of the sender's own organisation is named by its display name
 * ("Boyd, Marcus on ..."); the returned original's To or Cc gives its address.
 *
 * Each failed recipient starts a line "ADDRESS on DATE" (the word "on" is
 * localised: "am", "le", "el", "il", "op", "em"...); the lines indented
 * below it are the explanation and the MSEXCH code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../addr.h"
#include "../util.h"
#include "common.h"


/* The phrases the sniff looks for in the body (markers.h): the
 * introductions of the report, and the MTS's error prefix. */
enum {
	M_INTRO,
	M_MSEXCH = M_INTRO + 7,
	N_MARKERS
};
#define N_INTRO (M_MSEXCH - M_INTRO)
static const char *const body_markers[N_MARKERS] = {
	[M_INTRO] = "did not reach the following recipient",
	"could not be reached:",
	"hat folgende Empf", /* "... Empfänger nicht erreicht" */
	"n'a pas pu atteindre",
	"no ha llegado a los siguientes destinatarios",
	"non ha raggiunto",
	"heeft de volgende ontvanger",
	[M_MSEXCH] = "MSEXCH:",
};
static const char *const *const intro = body_markers + M_INTRO;

static int sniff(const bw_msg *m, const bw_found *f)
{
	bool ims = bw_sniff__header_has(m, "X-Mailer", "Internet Mail Service") ||
	           bw_sniff__header_has(m, "X-Mailer", "Microsoft Exchange") ||
	           bw_msg__header(m, "X-MS-Embedded-Report") != NULL;
	bool body = bw_found__in(f, M_MSEXCH);
	size_t n = bw_text__report_length(m);

	if (!bw_found__first(f, M_INTRO, N_INTRO, n, NULL))
		return body ? BW_SNIFF_HINT : 0;
	return ims || body ? BW_SNIFF_SIGNED : BW_SNIFF_SOME;
}

/* "addr on date": the address that starts the line, when a date follows. */
static char *recipient_line(const char *line, size_t len)
{
	size_t i = 0, a;

	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	a = i;
	while (i < len && !bw_isspace((unsigned char)line[i]))
		i++;
	if (i == a || i >= len || !memchr(line + a, '@', i - a))
		return NULL;
	/* a date: some digit after the address */
	{
		size_t k;
		bool digit = false;
		for (k = i; k < len; k++)
			if (bw_isdigit((unsigned char)line[k]))
				digit = true;
		if (!digit)
			return NULL;
	}
	return bw_text__address_line(line + a, i - a);
}

/* The value of X.400 attribute `key` ("s" for the surname) in an O/R
 * address written with ';' or '/' between its attributes
 * ("c=GB;a=ATTMAIL;p=EXAMPLE;o=HQ;s=Doe;g=Jane;", "/G=Jane/S=Doe/..."),
 * as a pointer into it and *vl bytes; NULL when it has none. */
static const char *x400_attr(const char *t, size_t n, char key, size_t *vl)
{
	size_t i, e;

	for (i = 0; i + 2 <= n; i++)
		if ((i == 0 || t[i - 1] == ';' || t[i - 1] == '/') && bw_lower((unsigned char)t[i]) == key &&
		    t[i + 1] == '=') {
			for (e = i + 2; e < n && t[e] != ';' && t[e] != '/'; e++)
				;
			*vl = e - i - 2;
			return *vl ? t + i + 2 : NULL;
		}
	return NULL;
}

/* A recipient the report names by its X.400 O/R address
 * ("c=GB;a=ATTMAIL;p=EXAMPLE;o=HQ;s=Doe;g=Jane; on DATE"): the returned
 * original's address that carries the same surname ("/G=Jane/S=Doe/..."
 * @gateway), else the O/R address as written; NULL when name[0..len) is
 * no O/R address (it needs a country and a surname). */
static char *x400_recipient(const bw_msg *m, const char *name, size_t len)
{
	static const char *const fields[] = { "To", "Cc" };
	const char *sur, *pos, *end, *v;
	size_t sl, cl, f, wl;
	char *a, want[80];

	while (len && bw_isspace((unsigned char)name[len - 1]))
		len--;
	if (memchr(name, '@', len) || !x400_attr(name, len, 'c', &cl) || !(sur = x400_attr(name, len, 's', &sl)) ||
	    sl + 3 > sizeof(want))
		return NULL;
	/* one that carries its RFC 822 form ("/rfc-822=user(a)example.com/") */
	if (bw_memcasemem(name, len, "rfc-822="))
		return bw_addr__normalize(name, len);
	wl = (size_t)snprintf(want, sizeof(want), "s=%.*s", (int)sl, sur);
	for (f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
		if (!(v = bw_kvlist__get(&m->orig_headers, fields[f])))
			continue;
		/* item by item (an O/R address has no comma) */
		for (pos = v; *pos; pos = *end ? end + 1 : end) {
			size_t k, il;

			end = strchr(pos, ',');
			if (!end)
				end = pos + strlen(pos);
			il = (size_t)(end - pos);
			for (k = 1; k + wl <= il; k++)
				if ((pos[k - 1] == '/' || pos[k - 1] == ';') && bw_strncasecmp(pos + k, want, wl) == 0 &&
				    memchr(pos, '@', il) && (a = bw_addr__normalize(pos, il)))
					return a;
		}
	}
	return bw_strndup(name, len);
}

/* "Boyd, Marcus on DATE": a recipient the report names by display name only
 * (local Exchange mailboxes), at the left margin; its address is the one the
 * returned original's To or Cc gives for that name, else NULL.  The word
 * before the date is localised as in the address lines. */
static char *name_line(const bw_msg *m, const char *line, size_t len)
{
	static const char *const on[] = { " on ", " am ", " le ", " el ", " il ", " op ", " em ", " den " };
	size_t i, k, w;

	if (!len || bw_isspace((unsigned char)line[0]) || !m->has_original)
		return NULL;
	for (i = 1; i < len; i++) {
		for (w = 0; w < sizeof(on) / sizeof(on[0]); w++) {
			size_t ol = strlen(on[w]);
			char *a;
			if (i + ol > len || bw_strncasecmp(line + i, on[w], ol) != 0)
				continue;
			for (k = i + ol; k < len && !bw_isdigit((unsigned char)line[k]); k++)
				;
			if (k == len)
				continue;
			if ((a = bw_decoders__address_of_name(m, line, i)) || (a = x400_recipient(m, line, i)))
				return a;
		}
	}
	return NULL;
}

static int decode(const bw_msg *m, bw_report *r)
{
	size_t n = bw_text__report_length(m), which = 0, first = r->n_rcpt, len;
	const char *at = bw_text__find_any(m->body, n, intro, N_INTRO, &which);
	const char *line;
	bw_recipient *cur = NULL;
	bw_lines it;
	int blank = 0;
	bool in_mtsid = false;

	if (!at)
		return 0;
	bw_lines__init(&it, at, n - (size_t)(at - m->body));
	bw_lines__next(&it, &line, &len); /* the intro itself */
	while (bw_lines__next(&it, &line, &len)) {
		size_t tl;
		const char *t = bw_text__trim(line, len, &tl);
		char *addr;

		if (!tl) {
			if (cur && ++blank >= 2)
				break;
			continue;
		}
		blank = 0;
		if ((addr = recipient_line(line, len)) || (addr = name_line(m, line, len))) {
			cur = bw_decoders__add(r, addr, NULL, 0);
			free(addr);
			if (!cur)
				return BW_ENOMEM;
			continue;
		}
		if (!cur)
			continue;
		/* the X.400 MTS identifier of the original, and its tail when
		 * wrapped onto a line of its own at the left margin */
		if (bw_memcasemem(t, tl, "MTS-ID")) {
			in_mtsid = true;
			continue;
		}
		if (in_mtsid && t == line && bw_memcasemem(t, tl, ";l=")) {
			in_mtsid = false;
			continue;
		}
		in_mtsid = false;
		bw_decoders__append_diag(cur, t, tl);
	}
	return (int)(r->n_rcpt - first);
}

const bw_decoder bw_decoder_exchange2003 = { "exchange2003", sniff, decode, false, body_markers, sizeof(body_markers) / sizeof(body_markers[0]) };
