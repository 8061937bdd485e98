/*
 * log_postfix.c - Postfix delivery lines:
 *
 *   postfix/smtp[123]: 3F2A1C0D2E: to=<bob@example.net>, orig_to=<bob@alias>,
 *     relay=mx.example.net[192.0.2.5]:25, delay=1.2, delays=0.1/0/0.5/0.6,
 *     dsn=5.1.1, status=bounced (host mx.example.net[192.0.2.5] said: 550
 *     5.1.1 <bob@example.net>: user unknown (in reply to RCPT TO command))
 *   postfix/qmgr[45]: 3F2A1C0D2E: from=<alice@example.org>, status=expired,
 *     returned to sender
 *
 * from the delivery agents smtp, lmtp, local, virtual, error, pipe, discard
 * and retry (and qmgr for "expired").  Address verification probes
 * (status=deliverable/undeliverable) are not deliveries.
 */
#include <string.h>

#include "log.h"

static bool agent(const bw_log_head *h)
{
	static const char *const agents[] = { "smtp", "lmtp", "local", "virtual", "error",
		"pipe", "discard", "retry", "qmgr" };
	size_t i;

	if (!h->prog)
		return true;        /* journalctl -o cat: the content decides */
	if (!memchr(h->prog, '/', h->prog_len))
		return false;       /* postfix always logs as "postfix/agent" (or "name/agent") */
	for (i = 0; i < sizeof(agents) / sizeof(agents[0]); i++)
		if (bw_log__prog_is(h, agents[i]))
			return true;
	return false;
}

int bw_log__postfix(const bw_log_head *h, bw_log_attempt *a)
{
	const char *m = h->msg, *p, *st, *v;
	size_t n, len;

	if (!agent(h))
		return 0;
	/* the queue id, then ": to=<" or ": from=<" */
	for (p = m; bw_isalnum((unsigned char)*p); p++)
		;
	if (p == m || p[0] != ':' || p[1] != ' ')
		return 0;
	n = (size_t)(p - m);
	p += 2;
	if (strncmp(p, "to=<", 4) != 0 && strncmp(p, "from=<", 6) != 0)
		return 0;
	if (!(st = strstr(p, "status=")))
		return 0;
	st += 7;
	if (strncmp(st, "sent", 4) == 0 && !bw_isalnum((unsigned char)st[4]))
		bw_log_attempt__set(a, BW_LOG_STATUS, BW_LOG_SENT, 4);
	else if (strncmp(st, "deferred", 8) == 0)
		bw_log_attempt__set(a, BW_LOG_STATUS, BW_LOG_DEFERRED, 8);
	else if (strncmp(st, "bounced", 7) == 0)
		bw_log_attempt__set(a, BW_LOG_STATUS, BW_LOG_BOUNCED, 7);
	else if (strncmp(st, "expired", 7) == 0)
		bw_log_attempt__set(a, BW_LOG_STATUS, BW_LOG_EXPIRED, 7);
	else
		return 0;
	if (*p == 't' && (v = bw_log__kv(p, "to", &len)))
		bw_log_attempt__set(a, BW_LOG_RECIPIENT, v, len);
	else if (strncmp(st, "expired", 7) != 0)
		return 0;
	bw_log_attempt__set(a, BW_LOG_MTA, "postfix", 7);
	bw_log_attempt__set(a, BW_LOG_QUEUE_ID, m, n);
	if ((v = bw_log__kv(p, "orig_to", &len)))
		bw_log_attempt__set(a, BW_LOG_ORIG_RECIPIENT, v, len);
	if ((v = bw_log__kv(p, "relay", &len)))
		bw_log__set_relay(a, v, len);
	if ((v = bw_log__kv(p, "delay", &len)))
		bw_log_attempt__set(a, BW_LOG_DELAY, v, len);
	if ((v = bw_log__kv(p, "dsn", &len)))
		bw_log_attempt__set(a, BW_LOG_DSN, v, len);
	/* the text: "(...)" after the status word, to the last ")" (it nests);
	 * without one the line was cut: the rest */
	for (v = st; bw_isalpha((unsigned char)*v); v++)
		;
	while (*v == ' ' || *v == ',')
		v++;
	if (*v == '(') {
		const char *e = v + strlen(v);
		v++;
		while (e > v && (e[-1] == ' ' || e[-1] == '\n'))
			e--;
		if (e > v && e[-1] == ')')
			e--;
		bw_log_attempt__set(a, BW_LOG_REPLY, v, (size_t)(e - v));
	} else if (*v) {
		bw_log_attempt__set(a, BW_LOG_REPLY, v, strlen(v));   /* "returned to sender" */
	}
	return 1;
}
