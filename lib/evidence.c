/*
 * evidence.c - pulling SMTP facts out of diagnostic text.
 *
 * Hand-written scanners rather than patterns: they run on every recipient
 * and need no shared state.
 */
#include <stdlib.h>
#include <string.h>

#include "evidence.h"
#include "dsn.h"
#include "util.h"

static bool reply_code_at(const char *t, size_t i)
{
	const unsigned char *p = (const unsigned char *)t + i;

	if ((p[0] != '2' && p[0] != '4' && p[0] != '5') || !bw_isdigit(p[1]) || p[1] > '5' ||
	    !bw_isdigit(p[2]))
		return false;
	if (i > 0) {
		unsigned char b = (unsigned char)t[i - 1];
		if (bw_isalnum(b) || b == '.' || b == '-' || b == '/' || b == '+' || b == '_' || b == '@' ||
		    b == ':' || b == '$' || b == ',' || b == '%')
			return false;
	}
	/* A success code is only taken as a reply with text after it ("250 OK",
	 * "250 2.1.5 Ok"),
	 * not a bare number such as a program's exit status. */
	if (p[0] == '2' && !((p[3] == ' ' || p[3] == '-') && bw_isalnum(p[4])))
		return false;
	switch (p[3]) {
	case '\0': case ' ': case '\t': case '\n': case '-': case ')': case ']': case ',':
	case ';': case '"':
		return true;
	case '.':
		return !bw_isdigit(p[4]);
	default:
		return false;
	}
}

/* Length of an enhanced status code at t+i, or 0. */
static size_t status_at(const char *t, size_t i)
{
	size_t n = 0;

	if (t[i] != '2' && t[i] != '4' && t[i] != '5')
		return 0;
	if (i > 0) {
		unsigned char b = (unsigned char)t[i - 1];
		if (bw_isalnum(b) || b == '.' || b == '/' || b == '_' || b == '@' || b == ':')
			return 0;
	}
	while (t[i + n] && (bw_isdigit((unsigned char)t[i + n]) || t[i + n] == '.') && n < 10)
		n++;
	while (n && t[i + n - 1] == '.')
		n--;
	if (bw_isalnum((unsigned char)t[i + n]))
		return 0;
	return bw_status__valid(t + i, n) ? n : 0;
}

static bool preceded_by(const char *t, size_t i, const char *word)
{
	size_t n = strlen(word);

	while (i > 0 && (t[i - 1] == ' ' || t[i - 1] == '\t' || t[i - 1] == '\n'))
		i--;
	return i >= n && bw_strncasecmp(t + i - n, word, n) == 0;
}

static void scan_codes(const char *t, bw_smtp_evidence *ev)
{
	size_t i, best_status_len = 0;
	int best_reply = 0, best_status = 0;
	const char *reply = NULL, *status = NULL;

	for (i = 0; t[i]; i++) {
		size_t n;
		int score;

		if (!bw_isdigit((unsigned char)t[i]))
			continue;
		if (reply_code_at(t, i)) {
			size_t j = i + 3;
			score = 1;
			while (t[j] == ' ' || t[j] == '-')
				j++;
			if ((n = status_at(t, j)) && t[j] == t[i])
				score = 4;
			else if (i == 0 || preceded_by(t, i, "said:") || preceded_by(t, i, "<<<") ||
			         preceded_by(t, i, ";") || preceded_by(t, i, "reply:") ||
			         preceded_by(t, i, "response:") || preceded_by(t, i, "error:") ||
			         preceded_by(t, i, "]:"))
				score = 3;
			else {
				size_t k = i;
				while (k > 0 && (t[k - 1] == ' ' || t[k - 1] == '\t'))
					k--;
				if (k == 0 || t[k - 1] == '\n' || t[k - 1] == '(' || t[k - 1] == '"')
					score = 2;
			}
			if (score > best_reply) {
				best_reply = score;
				reply = t + i;
			}
		}
		if ((n = status_at(t, i))) {
			size_t k = i;
			score = 1;
			/* "550 5.1.1", "550-5.1.1", "550-'5.2.2", "550 #5.1.1" */
			while (k > 0 && i - k < 3 && strchr(" -'\"#", t[k - 1]))
				k--;
			if (k >= 3 && k < i && reply_code_at(t, k - 3) && t[k - 3] == t[i])
				score = 3;
			else if (i > 0 && (t[i - 1] == '#' || t[i - 1] == '('))
				score = 2;
			if (score > best_status) {
				best_status = score;
				ev->status_paired = score >= 3;
				status = t + i;
				best_status_len = n;
			}
			i += n - 1;
		}
	}
	if (reply)
		memcpy(ev->reply_code, reply, 3), ev->reply_code[3] = '\0';
	if (status && best_status_len < sizeof(ev->status))
		memcpy(ev->status, status, best_status_len), ev->status[best_status_len] = '\0';
}

static const struct { const char *phrase; const char *command; } commands[] = {
	{ "in reply to rcpt to", "RCPT" }, { "after rcpt to", "RCPT" }, { "in reply to rcpt", "RCPT" },
	{ "rcpt to:<", "RCPT" }, { "rcpt to: <", "RCPT" },
	{ "in reply to mail from", "MAIL" }, { "after mail from", "MAIL" }, { "mail from:<", "MAIL" },
	{ "in reply to end of data", "DATA" }, { "after end of data", "DATA" },
	{ "in reply to data", "DATA" }, { "after data", "DATA" }, { "end of data", "DATA" },
	{ "in reply to helo", "HELO" }, { "in reply to ehlo", "HELO" }, { "after helo", "HELO" },
	{ "after ehlo", "HELO" }, { "in reply to starttls", "STARTTLS" },
	{ "after starttls", "STARTTLS" }, { "in reply to auth", "AUTH" },
	{ "after initial connection", "CONN" }, { "in reply to initial greeting", "CONN" },
	{ "during the smtp greeting", "CONN" }, { "after pipelined", "DATA" },
	/* qmail-remote */
	{ "does not like recipient", "RCPT" }, { "does not like sender", "MAIL" },
	{ "but sender was rejected", "MAIL" }, { "failed on data command", "DATA" },
	{ "failed after i sent the message", "DATA" },
};

static void scan_command(const char *t, bw_smtp_evidence *ev)
{
	size_t i;
	const char *best = NULL;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		const char *at = bw_strcasestr(t, commands[i].phrase);
		if (at && (!best || at < best)) {
			best = at;
			strcpy(ev->command, commands[i].command);
		}
	}
}

static bool host_char(int c)
{
	return bw_isalnum(c) || c == '.' || c == '-' || c == '_';
}

static bool ip_char(int c)
{
	return bw_isdigit(c) || c == '.' || c == ':' || (bw_lower(c) >= 'a' && bw_lower(c) <= 'f') ||
	       c == 'v' || c == 'V' || c == 'I' || c == 'P' || c == 'p' || c == 'i';
}

/* "NAME[IP]" or "NAME [IP]" starting at t: fills ev and returns true. */
static bool host_ip_at(const char *t, bw_smtp_evidence *ev)
{
	size_t n = 0, s, k;

	while (n < sizeof(ev->host) - 1 && host_char((unsigned char)t[n]))
		n++;
	if (n < 3 || !memchr(t, '.', n))
		return false;
	s = n;
	while (t[s] == ' ')
		s++;
	/* "name[ip]", "name [ip]", or "name (ip)" */
	if (t[s] == '[' || (t[s] == '(' && bw_isdigit((unsigned char)t[s + 1]))) {
		char close = t[s] == '[' ? ']' : ')';
		for (k = s + 1; t[k] && t[k] != close && ip_char((unsigned char)t[k]) && k - s < sizeof(ev->ip) - 1; k++)
			;
		if (t[k] == close && k > s + 1) {
			const char *ip = t + s + 1;
			size_t iplen = k - s - 1;
			if (iplen > 5 && bw_strncasecmp(ip, "IPv6:", 5) == 0)
				ip += 5, iplen -= 5;
			memcpy(ev->ip, ip, iplen);
			ev->ip[iplen] = '\0';
		}
	}
	while (n > 0 && t[n - 1] == '.')
		n--;
	memcpy(ev->host, t, n);
	ev->host[n] = '\0';
	return true;
}

static void scan_host(const char *t, bw_smtp_evidence *ev)
{
	static const char *const lead[] = { "host ", "host: ", "connect to ", "remote host ", "mx " };
	size_t i;

	for (i = 0; i < sizeof(lead) / sizeof(lead[0]); i++) {
		const char *p = t;
		while ((p = bw_strcasestr(p, lead[i]))) {
			p += strlen(lead[i]);
			if (host_ip_at(p, ev) && ev->ip[0])
				return;
			ev->host[0] = ev->ip[0] = '\0';
		}
	}
}

void bw_evidence__scan(const char *text, bw_smtp_evidence *ev)
{
	memset(ev, 0, sizeof(*ev));
	if (!text)
		return;
	scan_codes(text, ev);
	scan_command(text, ev);
	scan_host(text, ev);
}

static bool generic_status(const char *s)
{
	size_t n = strlen(s);

	return n >= 5 && strcmp(s + 1, ".0.0") == 0;
}

void bw_evidence__complete(bw_recipient *rc)
{
	const char *diag = bw_recipient__get(rc, BW_RCPT_DIAGNOSTIC);
	const char *status = bw_recipient__get(rc, BW_RCPT_STATUS);
	bw_smtp_evidence ev;

	if (!diag)
		return;
	bw_evidence__scan(diag, &ev);
	if (ev.reply_code[0] && !bw_recipient__get(rc, BW_RCPT_REPLY_CODE))
		bw_recipient__set(rc, BW_RCPT_REPLY_CODE, ev.reply_code);
	if (ev.status[0]) {
		if (!status) {
			bw_recipient__set(rc, BW_RCPT_STATUS, ev.status);
			bw_recipient__evidence(rc, "status %s from the diagnostic text", ev.status);
		} else if (strcmp(status, ev.status) != 0 &&
		           ((ev.status_paired && !generic_status(ev.status)) ||
		            (generic_status(status) && !generic_status(ev.status) && ev.status[0] == status[0]))) {
			bw_recipient__evidence(rc, "status %s from the remote server's reply replaces %s", ev.status, status);
			bw_recipient__set(rc, BW_RCPT_STATUS, ev.status);
		}
	}
	if (ev.command[0] && !bw_recipient__get(rc, BW_RCPT_SMTP_COMMAND))
		bw_recipient__set(rc, BW_RCPT_SMTP_COMMAND, ev.command);
	if (ev.host[0] && !bw_recipient__get(rc, BW_RCPT_REMOTE_MTA))
		bw_recipient__set(rc, BW_RCPT_REMOTE_MTA, ev.host);
	if (ev.ip[0] && !bw_recipient__get(rc, BW_RCPT_REMOTE_IP))
		bw_recipient__set(rc, BW_RCPT_REMOTE_IP, ev.ip);
}

/* Length of a repeated line prefix ("550-5.7.1 ", "550 ") at text+i, or 0:
 * the first reply's code, then its status when it had one.  "550 other
 * text" after a "550 5.7.1" reply is not a prefix. */
static size_t repeated_prefix(const char *text, size_t i, const char *code,
                              const char *status, size_t slen)
{
	size_t skip = 4;

	if (i == 0 || !bw_isspace((unsigned char)text[i - 1]) || strncmp(text + i, code, 3) != 0 ||
	    (text[i + 3] != '-' && text[i + 3] != ' '))
		return 0;
	if (slen && strncmp(text + i + 4, status, slen) == 0 &&
	    (text[i + 4 + slen] == ' ' || text[i + 4 + slen] == '\0'))
		return skip + slen + (text[i + 4 + slen] == ' ');
	return text[i + 3] == ' ' && slen ? 0 : skip;
}

char *bw_evidence__unfold_reply(const char *text)
{
	size_t i, n, first = (size_t)-1, slen, o = 0;
	char code[4], status[12] = "", *out = NULL;

	if (!text)
		return NULL;
	n = strlen(text);
	for (i = 0; i + 3 < n && first == (size_t)-1; i++)
		if ((i == 0 || bw_isspace((unsigned char)text[i - 1])) && reply_code_at(text, i) &&
		    (text[i + 3] == '-' || text[i + 3] == ' '))
			first = i;
	if (first == (size_t)-1)
		return NULL;
	memcpy(code, text + first, 3);
	code[3] = '\0';
	slen = status_at(text, first + 4);
	if (slen >= sizeof(status))
		slen = 0;
	memcpy(status, text + first + 4, slen);
	status[slen] = '\0';
	for (i = first + 4; i < n; i++) {
		size_t skip = repeated_prefix(text, i, code, status, slen);

		if (skip && !out) {
			if (!(out = malloc(n + 1)))
				return NULL;
			memcpy(out, text, i);
			o = i;
		}
		if (skip)
			i += skip - 1;
		else if (out)
			out[o++] = text[i];
	}
	if (out)
		out[o] = '\0';
	return out;
}
