/*
 * smtp.c - the one recogniser of SMTP facts in text (see smtp.h).
 *
 * Hand-written scanners rather than patterns: they run on every recipient
 * and need no shared state.
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "smtp.h"
#include "util.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* t[i], or 0 past the end. */
static int at(const char *t, size_t len, size_t i)
{
	return i < len ? (unsigned char)t[i] : 0;
}

static bool is_class(int c)
{
	return c == '2' || c == '4' || c == '5';
}

/* 1*3digit without leading zeros ("0", "7", "10", "999"; not "01", "0000"). */
static size_t subcode(const char *s, size_t len, size_t i)
{
	size_t n = 0;

	while (i + n < len && bw_isdigit((unsigned char)s[i + n]))
		n++;
	if (n == 0 || n > 3 || (n > 1 && s[i] == '0'))
		return 0;
	return n;
}

bool bw_smtp__status_valid(const char *s, size_t len)
{
	size_t a, b;

	if (len < 5 || !is_class((unsigned char)s[0]) || s[1] != '.')
		return false;
	if (!(a = subcode(s, len, 2)) || 2 + a >= len || s[2 + a] != '.')
		return false;
	b = subcode(s, len, 3 + a);
	return b && 3 + a + b == len;
}

size_t bw_smtp__status_at(const char *t, size_t len, size_t i)
{
	size_t n = 0;

	if (!is_class(at(t, len, i)))
		return 0;
	if (i > 0) {
		int b = (unsigned char)t[i - 1];
		if (bw_isalnum(b) || b == '.' || b == '/' || b == '_' || b == '@' || b == ':' || b == '=')
			return 0;
		if (b == '-' && i > 1 && bw_isalpha((unsigned char)t[i - 2]))
			return 0;   /* "Exim-4.94.2", but "550-5.1.1" */
	}
	while (n < 10 && (bw_isdigit(at(t, len, i + n)) || at(t, len, i + n) == '.'))
		n++;
	while (n && t[i + n - 1] == '.')
		n--;
	if (bw_isalnum(at(t, len, i + n)))
		return 0;
	return bw_smtp__status_valid(t + i, n) ? n : 0;
}

static bool preceded_by(const char *t, size_t i, const char *word)
{
	size_t n = strlen(word);

	while (i > 0 && (t[i - 1] == ' ' || t[i - 1] == '\t' || t[i - 1] == '\n'))
		i--;
	return i >= n && bw_strncasecmp(t + i - n, word, n) == 0;
}

/* "expect" in w[0..n), not as "unexpected" */
static bool awaited(const char *w, size_t n)
{
	const char *p = w, *e = w + n;

	while (p < e && (p = bw_memcasemem(p, (size_t)(e - p), "expect"))) {
		if (p - w < 2 || bw_strncasecmp(p - 2, "un", 2) != 0)
			return true;
		p += 6;
	}
	return false;
}

/* Is the word after position i (a number and a space) a unit that makes
 * the number a quantity ("limit: 500 lines", "550 users max", "451 messages
 * per hour")? */
static bool unit_follows(const char *t, size_t len, size_t i)
{
	static const char *const units[] = {
		"lines", "messages", "mails", "emails", "e-mails", "recipients", "users", "members",
		"bytes", "characters", "chars", "posts", "topics", "connections", "addresses",
		"items", "seconds", "minutes", "hours", "days", "times", "KB", "MB", "per",
	};
	size_t b = i, e, k;

	while (b < len && t[b] == ' ')
		b++;
	for (e = b; e < len && (bw_isalnum((unsigned char)t[e]) || t[e] == '-'); e++)
		;
	for (k = 0; k < sizeof(units) / sizeof(units[0]); k++)
		if (bw_word_is_ci(t + b, e - b, units[k]))
			return true;
	return false;
}

bool bw_smtp__reply_at(const char *t, size_t len, size_t i)
{
	int c0 = at(t, len, i), c1 = at(t, len, i + 1), c2 = at(t, len, i + 2);
	int c3 = at(t, len, i + 3);

	if (!is_class(c0) || !bw_isdigit(c1) || c1 > '5' || !bw_isdigit(c2))
		return false;
	if (i > 0) {
		int b = (unsigned char)t[i - 1];
		if (bw_isalnum(b) || b == '.' || b == '-' || b == '/' || b == '+' || b == '_' || b == '@' ||
		    b == ':' || b == '$' || b == ',' || b == '%' || b == '=')
			return false;
	}
	/* A success code is only taken as a reply with text after it ("250 OK",
	 * "250 2.1.5 Ok"), not a bare number such as a program's exit status,
	 * and only one that answers a mail transaction's command (250-252,
	 * RFC 5321 4.2.2): a greeting's 220 or a number in prose ("message
	 * no. 220 of the list") says nothing about a recipient. */
	if (c0 == '2' && (c1 != '5' || c2 > '2' || !((c3 == ' ' || c3 == '-') && bw_isalnum(at(t, len, i + 4)))))
		return false;
	/* the success a client waited for and did not get ("Expected response
	 * code 250 but got an empty response") is no reply either; one it got
	 * and did not want ("unexpected reply 250 OK") is */
	if (c0 == '2' && i > 0 && awaited(t + (i > 40 ? i - 40 : 0), i > 40 ? 40 : i))
		return false;
	/* a process's or file's number ("WANTED gid 502", "pid 451", "port 587",
	 * "line 550") is no reply */
	if (i > 0 && t[i - 1] == ' ' &&
	    (preceded_by(t, i, " gid") || preceded_by(t, i, " uid") || preceded_by(t, i, " pid") ||
	     preceded_by(t, i, " port") || preceded_by(t, i, " line")))
		return false;
	/* a count, "(500 of 500, 100%)", is not a reply: neither number */
	if (i >= 3 && t[i - 1] == ' ' && t[i - 2] == 'f' && t[i - 3] == 'o' &&
	    (i == 3 || !bw_isalnum((unsigned char)t[i - 4])))
		return false;
	switch (c3) {
	case ' ':
		return !(at(t, len, i + 4) == 'o' && at(t, len, i + 5) == 'f' && at(t, len, i + 6) == ' ' &&
		         bw_isdigit(at(t, len, i + 7))) &&
		       !unit_follows(t, len, i + 4);
	case '\0': case '\t': case '\n': case '\r': case '-': case ')': case ']': case ',':
	case ';': case '"':
		return true;
	case '.':
		return !bw_isdigit(at(t, len, i + 4));
	case ':':
		/* "SMTP error 552: mailbox full", "code 550: ..." */
		return (at(t, len, i + 4) == ' ' || at(t, len, i + 4) == '\0') &&
		       (preceded_by(t, i, "error") || preceded_by(t, i, "code") || preceded_by(t, i, "reply"));
	default:
		return false;
	}
}

bool bw_smtp__starts_with_reply(const char *s, size_t len)
{
	int c3 = at(s, len, 3);

	return s && (c3 == ' ' || c3 == '-' || c3 == '\0') && bw_smtp__reply_at(s, len, 0);
}

bool bw_smtp__has_failure_code(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] != '4' && s[i] != '5')
			continue;
		if (bw_smtp__reply_at(s, len, i) || bw_smtp__status_at(s, len, i))
			return true;
	}
	return false;
}

bool bw_smtp__status_pattern_valid(const char *w, size_t len)
{
	if (len == 3 && is_class((unsigned char)w[0]) && w[1] == '.' && w[2] == '*')
		return true;                                    /* 5.* */
	if (len >= 5 && w[len - 1] == '*' && w[len - 2] == '.')   /* 5.7.* */
		return is_class((unsigned char)w[0]) && w[1] == '.' && subcode(w, len - 2, 2) == len - 4;
	return bw_smtp__status_valid(w, len);
}

bool bw_smtp__reply_pattern_valid(const char *w, size_t len)
{
	if (len < 2 || len > 3 || !is_class((unsigned char)w[0]))
		return false;
	if (len == 2)
		return w[1] == '*';
	return bw_isdigit((unsigned char)w[1]) && (w[2] == '*' || bw_isdigit((unsigned char)w[2]));
}

const char *const bw_smtp__stages[] = {
	"CONN", "HELO", "MAIL", "RCPT", "DATA", "STARTTLS", "AUTH", NULL
};

bool bw_smtp__stage_known(const char *w, size_t len)
{
	size_t i;

	for (i = 0; bw_smtp__stages[i]; i++)
		if (strlen(bw_smtp__stages[i]) == len && memcmp(bw_smtp__stages[i], w, len) == 0)
			return true;
	return false;
}

const char *bw_smtp__stage_of_command(const char *w, size_t len)
{
	static const struct { const char *word, *stage; } map[] = {
		{ "HELO", "HELO" }, { "EHLO", "HELO" }, { "LHLO", "HELO" }, { "MAIL", "MAIL" },
		{ "RCPT", "RCPT" }, { "DATA", "DATA" }, { "BDAT", "DATA" }, { ".", "DATA" },
		{ "STARTTLS", "STARTTLS" }, { "AUTH", "AUTH" }, { "CONN", "CONN" },
	};
	size_t i, n = 0;

	while (len && (*w == ' ' || *w == '\t'))
		w++, len--;
	while (n < len && !bw_isspace((unsigned char)w[n]) && w[n] != ':')
		n++;
	for (i = 0; i < COUNT(map); i++)
		if (bw_word_is_ci(w, n, map[i].word))
			return map[i].stage;
	return NULL;
}

/* The phrases of reply texts that name the command answered. */
static const struct { const char *phrase; const char *stage; } reply_phrases[] = {
	{ "in reply to rcpt to", "RCPT" }, { "after rcpt to", "RCPT" }, { "in reply to rcpt", "RCPT" },
	{ "rcpt to:<", "RCPT" }, { "rcpt to: <", "RCPT" },
	/* a client's own account of the command that failed ("RCPT TO <x>
	 * failed: ...", "DATA command failed: ...") */
	{ "rcpt to <", "RCPT" }, { "rcpt to command", "RCPT" }, { "rcpt command failed", "RCPT" },
	{ "mail from <", "MAIL" }, { "mail command failed", "MAIL" },
	{ "data command failed", "DATA" },
	{ "in reply to mail from", "MAIL" }, { "after mail from", "MAIL" }, { "mail from:<", "MAIL" },
	{ "in reply to end of data", "DATA" }, { "after end of data", "DATA" },
	{ "in reply to data", "DATA" }, { "after data", "DATA" }, { "end of data", "DATA" },
	{ "in reply to helo", "HELO" }, { "in reply to ehlo", "HELO" }, { "after helo", "HELO" },
	{ "after ehlo", "HELO" }, { "in reply to starttls", "STARTTLS" },
	{ "after starttls", "STARTTLS" }, { "in reply to auth", "AUTH" },
	{ "after initial connection", "CONN" }, { "in reply to initial greeting", "CONN" },
	{ "during the smtp greeting", "CONN" }, { "after pipelined", "DATA" },
	/* Postfix's notice localised into Japanese: "(RCPT TO コマンドへの応答)" */
	{ "rcpt to コマンド", "RCPT" }, { "mail from コマンド", "MAIL" },
	{ "end of data コマンド", "DATA" }, { "data コマンド", "DATA" },
	/* qmail-remote */
	{ "does not like recipient", "RCPT" }, { "does not like sender", "MAIL" },
	{ "but sender was rejected", "MAIL" }, { "failed on data command", "DATA" },
	{ "failed after i sent the message", "DATA" },
	/* a reporter saying the other server refused the address itself */
	{ "rejected the address", "RCPT" }, { "rejected address", "RCPT" },
	{ "rejected the recipient", "RCPT" }, { "refused the address", "RCPT" },
	{ "refused the recipient", "RCPT" }, { "not accept the address", "RCPT" },
	{ "not accept the recipient", "RCPT" }, { "n't accept the address", "RCPT" },
	{ "n't accept the recipient", "RCPT" },
};

const char *bw_smtp__stage_of_reply(const char *text)
{
	/* Most phrases begin so: a text without these lacks them all. */
	static const char *const leads[] = { "in reply to ", "after " };
	const char *best = NULL, *stage = NULL;
	bool lead_in[COUNT(leads)];
	size_t i, k, len;

	if (!text)
		return NULL;
	len = strlen(text);
	for (k = 0; k < COUNT(leads); k++)
		lead_in[k] = bw_memcasemem(text, len, leads[k]) != NULL;
	for (i = 0; i < COUNT(reply_phrases); i++) {
		const char *p;

		for (k = 0; k < COUNT(leads); k++)
			if (!lead_in[k] && strncmp(reply_phrases[i].phrase, leads[k], strlen(leads[k])) == 0)
				break;
		if (k < COUNT(leads))
			continue;
		p = bw_memcasemem(text, len, reply_phrases[i].phrase);
		if (p && (!best || p < best)) {
			best = p;
			stage = reply_phrases[i].stage;
		}
	}
	return stage;
}

/* Words naming a command outside the reply text; the first in this order wins. */
static const struct { const char *word, *stage; } named[] = {
	{ "[RCPT_TO]", "RCPT" }, { "[MAIL_FROM]", "MAIL" }, { "[DATA]", "DATA" },
	{ "[CONNECT]", "CONN" }, { "[EHLO]", "HELO" }, { "[HELO]", "HELO" },
	{ "RCPT command", "RCPT" }, { "MAIL command", "MAIL" }, { "TEXT command", "DATA" },
	{ "DATA command", "DATA" }, { "RCPT TO", "RCPT" }, { "MAIL FROM", "MAIL" },
};

const char *bw_smtp__stage_named(const char *line, size_t len)
{
	size_t i;

	for (i = 0; i < COUNT(named); i++)
		if (bw_memcasemem(line, len, named[i].word))
			return named[i].stage;
	return NULL;
}

bool bw_smtp__status_generic(const char *s, size_t len)
{
	return len == 5 && s[1] == '.' && s[2] == '0' && s[3] == '.' && s[4] == '0';
}

/* A reply code's or status code's first digit: a refusal (4 or 5)? */
static bool failing(char c)
{
	return c == '4' || c == '5';
}

static void scan_codes(const char *t, size_t len, bw_smtp_evidence *ev)
{
	static const char *const lead_ins[] = {
		"said:", "<<<", ";", "reply:", "response:", "error:", "]:",
	};
	size_t i, best_status_len = 0;
	int best_reply = 0, best_status = 0;
	const char *reply = NULL, *status = NULL;

	for (i = 0; i < len; i++) {
		size_t n, k;
		int score;

		if (!bw_isdigit((unsigned char)t[i]))
			continue;
		if (bw_smtp__reply_at(t, len, i)) {
			size_t j = i + 3;
			score = 1;
			while (t[j] == ' ' || t[j] == '-')
				j++;
			if ((n = bw_smtp__status_at(t, len, j)) && t[j] == t[i])
				score = 4;
			/* "554 5.0.0 <mx.example #5.0.0 smtp; 550 5.7.1 ...>": a
			 * relay's own code, then the remote reply it quotes after
			 * the RFC 3464 diagnostic type */
			if (preceded_by(t, i, "smtp;"))
				score = 5;
			for (k = 0; score == 1 && k < COUNT(lead_ins); k++)
				if (i == 0 || preceded_by(t, i, lead_ins[k]))
					score = 3;
			if (score == 1) {
				k = i;
				while (k > 0 && (t[k - 1] == ' ' || t[k - 1] == '\t'))
					k--;
				if (k == 0 || t[k - 1] == '\n' || t[k - 1] == '(' || t[k - 1] == '"' || t[k - 1] == '>')
					score = 2;
			}
			/* replies run together ("250 2.1.5 Ok 554 5.0.0 Delivery
			 * failed", a transcript's "250 ... 354 ... 552 ..."): a
			 * refusal displaces the successes before it and no success
			 * after it displaces a refusal; among refusals the best
			 * placed wins as before */
			if (reply && failing(reply[0]) != failing(t[i]) ? failing(t[i]) && score >= 2
			                                                 : score > best_reply) {
				best_reply = score;
				reply = t + i;
			}
		}
		if ((n = bw_smtp__status_at(t, len, i))) {
			k = i;
			score = 1;
			/* "550 5.1.1", "550-5.1.1", "550-'5.2.2", "550 #5.1.1" */
			while (k > 0 && i - k < 3 && strchr(" -'\"#", t[k - 1]))
				k--;
			if (k >= 3 && k < i && bw_smtp__reply_at(t, len, k - 3) && t[k - 3] == t[i])
				score = preceded_by(t, k - 3, "smtp;") ? 4 : 3;
			else if (i > 0 && (t[i - 1] == '#' || t[i - 1] == '('))
				score = 2;
			if (status && failing(status[0]) != failing(t[i]) ? failing(t[i]) && score >= 2
			                                                   : score > best_status) {
				best_status = score;
				ev->status_paired = score >= 3;
				status = t + i;
				best_status_len = n;
			} else if (status && t[i] == status[0] && bw_smtp__status_generic(status, best_status_len) &&
			           !bw_smtp__status_generic(t + i, n) && (size_t)(t + i - (status + best_status_len)) <= 40) {
				/* "550 5.0.0 #5.1.0 Address rejected", "550 5.0.0
				 * [GW02] 5.1.1 ...": a relay's generic code, then
				 * the detail of the server it quotes */
				status = t + i;
				best_status_len = n;
			}
			i += n - 1;
		}
	}
	if (reply)
		memcpy(ev->reply_code, reply, 3), ev->reply_code[3] = '\0';
	/* a success code beside the refusal kept is another reply's */
	if (status && reply && failing(reply[0]) && !failing(status[0]))
		status = NULL;
	if (status && best_status_len < sizeof(ev->status))
		memcpy(ev->status, status, best_status_len), ev->status[best_status_len] = '\0';
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

/* "NAME[IP]", "NAME [IP]" or "NAME (IP)" starting at t: fills host (and ip
 * when there is one) and returns true. */
static bool host_ip_at(const char *t, char *host, size_t hsize, char *ip, size_t isize)
{
	static const char v6[] = "IPv6:";
	size_t n = 0, s, k;

	while (n < hsize - 1 && host_char((unsigned char)t[n]))
		n++;
	if (n < 3 || !memchr(t, '.', n))
		return false;
	s = n;
	while (t[s] == ' ')
		s++;
	if (t[s] == '[' || (t[s] == '(' && bw_isdigit((unsigned char)t[s + 1]))) {
		char close = t[s] == '[' ? ']' : ')';
		for (k = s + 1; t[k] && t[k] != close && ip_char((unsigned char)t[k]) && k - s < isize - 1; k++)
			;
		if (t[k] == close && k > s + 1) {
			const char *a = t + s + 1;
			size_t alen = k - s - 1;
			if (alen > BW_LITERAL_LEN(v6) && bw_strncasecmp(a, v6, BW_LITERAL_LEN(v6)) == 0)
				a += BW_LITERAL_LEN(v6), alen -= BW_LITERAL_LEN(v6);
			memcpy(ip, a, alen);
			ip[alen] = '\0';
		}
	}
	while (n > 0 && t[n - 1] == '.')
		n--;
	memcpy(host, t, n);
	host[n] = '\0';
	return true;
}

/* A character of a DNS name as URLs and brackets write it. */
static bool dns_char(int c)
{
	return bw_isalnum(c) || c == '-' || c == '.';
}

bool bw_smtp__next_named_host(const char *text, size_t *pos, char *host, size_t size)
{
	const char *p = text + *pos;

	while (*p) {
		const char *h = NULL, *e, *next;
		size_t n;

		if (p[0] == ':' && p[1] == '/' && p[2] == '/')
			h = p + 3;
		else if (p[0] == '[' && bw_isalpha((unsigned char)p[1]))
			h = p + 1;
		if (!h) {
			p++;
			continue;
		}
		for (e = h; dns_char((unsigned char)*e); e++)
			;
		n = (size_t)(e - h);
		next = e > p ? e : p + 1;
		if (n && n < size && memchr(h, '.', n)) {
			memcpy(host, h, n);
			host[n] = '\0';
			*pos = (size_t)(next - text);
			return true;
		}
		p = next;
	}
	*pos = (size_t)(p - text);
	return false;
}

void bw_smtp__host_ip(const char *t, char *host, size_t hsize, char *ip, size_t isize)
{
	static const char *const lead[] = { "host ", "host: ", "connect to ", "remote host ", "mx " };
	size_t i;

	host[0] = ip[0] = '\0';
	if (!t)
		return;
	for (i = 0; i < COUNT(lead); i++) {
		const char *p = t;
		while ((p = bw_strcasestr(p, lead[i]))) {
			p += strlen(lead[i]);
			if (host_ip_at(p, host, hsize, ip, isize) && ip[0])
				return;
			host[0] = ip[0] = '\0';
		}
	}
}

void bw_smtp__scan(const char *text, bw_smtp_evidence *ev)
{
	const char *stage;

	memset(ev, 0, sizeof(*ev));
	if (!text)
		return;
	scan_codes(text, strlen(text), ev);
	if ((stage = bw_smtp__stage_of_reply(text)))
		strcpy(ev->command, stage);
	bw_smtp__host_ip(text, ev->host, sizeof(ev->host), ev->ip, sizeof(ev->ip));
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

char *bw_smtp__unfold_reply(const char *text)
{
	size_t i, n, first = (size_t)-1, slen, o = 0;
	char code[4], status[12] = "", *out = NULL;

	if (!text)
		return NULL;
	n = strlen(text);
	for (i = 0; i + 3 < n && first == (size_t)-1; i++)
		if ((i == 0 || bw_isspace((unsigned char)text[i - 1])) && bw_smtp__reply_at(text, n, i) &&
		    (text[i + 3] == '-' || text[i + 3] == ' '))
			first = i;
	if (first == (size_t)-1)
		return NULL;
	memcpy(code, text + first, 3);
	code[3] = '\0';
	slen = bw_smtp__status_at(text, n, first + 4);
	if (slen >= sizeof(status))
		slen = 0;
	memcpy(status, text + first + 4, slen);
	status[slen] = '\0';
	for (i = first + 4; i < n; i++) {
		size_t skip = repeated_prefix(text, i, code, status, slen);

		if (skip && !out) {
			if (!(out = malloc(n + 1))) {
				bw_error__oom();
				return NULL;
			}
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
