/*
 * common.c - helpers shared by the format decoders.
 */
#include <stdlib.h>
#include <string.h>

#include "../addr.h"
#include "../util.h"
#include "common.h"

void bw_lines__init(bw_lines *it, const char *text, size_t len)
{
	it->p = text;
	it->end = text + len;
}

bool bw_lines__next(bw_lines *it, const char **line, size_t *len)
{
	const char *nl;

	if (it->p >= it->end)
		return false;
	nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
	*line = it->p;
	*len = nl ? (size_t)(nl - it->p) : (size_t)(it->end - it->p);
	it->p = nl ? nl + 1 : it->end;
	return true;
}

const char *bw_text__find_any(const char *text, size_t len, const char *const *markers,
                              size_t n_markers, size_t *which)
{
	const char *best = NULL, *at;
	size_t i;

	for (i = 0; i < n_markers; i++) {
		at = bw_memcasemem(text, best ? (size_t)(best - text) + strlen(markers[i]) : len, markers[i]);
		if (at && (!best || at < best)) {
			best = at;
			if (which)
				*which = i;
		}
	}
	return best;
}

size_t bw_text__report_length(const bw_msg *m)
{
	static const char *const markers[] = {
		"------ This is a copy of the message",
		"------ This is a copy of your message",
		"--- Below this line is a copy of the message",
		"----- Original message -----",
		"-----Original Message-----",
		"----- The following addresses had permanent fatal errors",
		"------- Returned Message --------",
		"----- Transcript of session follows -----\n\n\nReturn-Path:",
		"Original message follows",
		"Original message headers:",
		"----- Message header follows -----",
		"The original message was",
		"--- The header of the original message is following. ---",
	};
	const char *at = bw_text__find_any(m->body, m->body_len, markers,
	                                   sizeof(markers) / sizeof(markers[0]), NULL);

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

char *bw_text__first_address(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		size_t a, b;
		if (s[i] != '@')
			continue;
		for (a = i; a > 0 && local_char((unsigned char)s[a - 1]); a--)
			;
		for (b = i + 1; b < len && domain_char((unsigned char)s[b]); b++)
			;
		while (b > i + 1 && (s[b - 1] == '.' || s[b - 1] == '-'))
			b--;
		if (a < i && bw_addr__plausible(s + a, b - a))
			return bw_addr__normalize(s + a, b - a);
	}
	return NULL;
}

bw_recipient *bw_decoders__add(bw_report *r, const char *address, const char *diag, size_t diag_len)
{
	bw_recipient *rc;
	char *d;

	if (!(rc = bw_report__add_recipient(r)))
		return NULL;
	bw_recipient__set(rc, BW_RCPT_RECIPIENT, address);
	if (diag && diag_len && (d = bw_squeeze_dup(diag, diag_len))) {
		bw_recipient__set(rc, BW_RCPT_DIAGNOSTIC, d);
		free(d);
	}
	return rc;
}

void bw_decoders__append_diag(bw_recipient *rc, const char *text, size_t len)
{
	const char *old = bw_recipient__get(rc, BW_RCPT_DIAGNOSTIC);
	bw_buf b = BW_BUF_INIT;
	char *joined;

	if (old) {
		bw_buf__puts(&b, old);
		bw_buf__putc(&b, ' ');
	}
	bw_buf__put(&b, text, len);
	if ((joined = bw_buf__detach(&b))) {
		bw_recipient__set(rc, BW_RCPT_DIAGNOSTIC, bw_squeeze(joined));
		free(joined);
	}
}

bw_recipient *bw_decoders__find(bw_report *r, size_t first, const char *address)
{
	size_t i;

	for (i = first; address && i < r->n_rcpt; i++) {
		const char *a = bw_recipient__get(r->rcpt[i], BW_RCPT_RECIPIENT);
		if (a && bw_strcasecmp(a, address) == 0)
			return r->rcpt[i];
	}
	return NULL;
}

bool bw_sniff__header_has(const bw_msg *m, const char *name, const char *needle)
{
	const char *v = bw_msg__header(m, name);

	return v && bw_strcasestr(v, needle);
}

bool bw_sniff__subject_starts(const bw_msg *m, const char *prefix)
{
	const char *s = bw_msg__header(m, "Subject");

	if (!s)
		return false;
	for (;;) {
		while (*s == ' ')
			s++;
		if (bw_startswith_ci(s, "fwd:"))
			s += 4;
		else if (bw_startswith_ci(s, "fw:"))
			s += 3;
		else
			break;
	}
	return bw_startswith_ci(s, prefix);
}

bool bw_sniff__body_has(const bw_msg *m, const char *needle)
{
	return bw_memcasemem(m->body, m->body_len, needle) != NULL;
}
