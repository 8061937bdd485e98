/*
 * log_exim.c - Exim main log delivery lines (after the time stamp):
 *
 *   1tGZ9A-0001Qx-7b => bob@example.net R=dnslookup T=remote_smtp
 *       H=mx.example.net [192.0.2.5] X=TLS1.3:... C="250 2.0.0 OK" DT=1.2s
 *   1tGZ9A-0001Qx-7b -> carol@example.net <list@example.org> R=... (another address, same delivery)
 *   1tGZ9A-0001Qx-7b == bob@hotmail.com R=dnslookup T=remote_smtp defer (-44)
 *       H=mx2.hotmail.com [65.54.188.72]: SMTP error from remote mail server
 *       after RCPT TO:<bob@hotmail.com>: 421 RP-001 (...) ...
 *   1tGZ9A-0001Qx-7b ** bob@example.net R=... H=mx [ip]: SMTP error from
 *       remote mail server after RCPT TO:<bob@example.net>: 550 5.1.1 ...
 *   1tGZ9A-0001Qx-7b ** bob@example.net: Unrouteable address
 *
 * "=>" and "->" are deliveries, "==" deferrals, "**" failures.  Arrivals
 * ("<="), "Completed" and everything else are other lines.
 */
#include <string.h>

#include "log.h"

int bw_log__exim(const bw_log_head *h, bw_log_attempt *a)
{
	const char *m = h->msg, *p, *mark, *addr, *e, *v, *text;
	const char *status;
	bool sent;
	int dashes = 0;
	size_t len;

	if (h->prog && !bw_log__prog_is(h, "exim") && !bw_log__prog_is(h, "exim4"))
		return 0;
	/* message id: "1tGZ9A-0001Qx-7b" (two dashes, letters and digits) */
	for (p = m; bw_isalnum((unsigned char)*p) || *p == '-'; p++)
		dashes += *p == '-';
	if (p == m || dashes != 2 || *p != ' ')
		return 0;
	mark = p + 1;
	if (strncmp(mark, "=> ", 3) == 0 || strncmp(mark, "-> ", 3) == 0)
		status = BW_LOG_SENT;
	else if (strncmp(mark, "== ", 3) == 0)
		status = BW_LOG_DEFERRED;
	else if (strncmp(mark, "** ", 3) == 0)
		status = BW_LOG_BOUNCED;
	else
		return 0;
	sent = status[0] == 's';
	bw_log_attempt__set(a, BW_LOG_MTA, "exim", 4);
	bw_log_attempt__set(a, BW_LOG_QUEUE_ID, m, (size_t)(p - m));
	bw_log_attempt__set(a, BW_LOG_STATUS, status, strlen(status));
	/* the address, ending at a space or at ": " (a failure without fields) */
	addr = mark + 3;
	for (e = addr; *e && *e != ' ' && !(e[0] == ':' && (e[1] == ' ' || !e[1])); e++)
		;
	if (e == addr)
		return 0;
	bw_log_attempt__set(a, BW_LOG_RECIPIENT, addr, (size_t)(e - addr));
	p = e;
	if (p[0] == ' ' && p[1] == '<' && (v = strchr(p + 2, '>'))) {
		bw_log_attempt__set(a, BW_LOG_ORIG_RECIPIENT, p + 2, (size_t)(v - p - 2));
		p = v + 1;
	}
	/* the text of a failure: after the first ": " past the address (the
	 * fields before it contain none) */
	text = NULL;
	if (!sent && (v = strstr(p, ": ")))
		text = v + 2;
	else if (!sent && p[0] == ':')
		text = p + 1;
	if ((v = strstr(p, " H=")) && (!text || v < text)) {
		v += 3;
		for (e = v; *e && *e != ' ' && *e != ':'; e++)
			;
		bw_log_attempt__set(a, BW_LOG_RELAY, v, (size_t)(e - v));
		if (e[0] == ' ' && e[1] == '(')       /* H=name (helo) [ip] */
			while (*e && *e != ')')
				e++;
		if ((e = strchr(e, '[')) && (!text || e < text) && (v = strchr(e, ']')))
			bw_log_attempt__set(a, BW_LOG_RELAY_IP, e + 1, (size_t)(v - e - 1));
	} else if ((v = strstr(p, " T=")) && (!text || v < text)) {
		for (e = v + 3; *e && *e != ' ' && *e != ':'; e++)
			;
		bw_log_attempt__set(a, BW_LOG_RELAY, v + 3, (size_t)(e - v - 3));  /* local transport */
	}
	if ((v = strstr(p, " DT=")) && (!text || v < text)) {
		for (e = v + 4; *e && *e != ' '; e++)
			;
		bw_log_attempt__set(a, BW_LOG_DELAY, v + 4, (size_t)(e - v - 4));
	}
	if (sent && (v = bw_log__kv(p, "C", &len)))
		bw_log_attempt__set(a, BW_LOG_REPLY, v, len);
	else if (text)
		bw_log_attempt__set(a, BW_LOG_REPLY, text, strlen(text));
	return 1;
}
