/*
 * log_sendmail.c - Sendmail delivery lines:
 *
 *   sm-mta[123]: 4B25VbXk001234: to=<bob@example.net>,<carol@example.net>,
 *     delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=120345,
 *     relay=mx.example.net. [192.0.2.5], dsn=5.1.1, stat=User unknown
 *
 * stat= is the last field and may contain ", ".  The dsn= class decides
 * the status (2 sent, 4 deferred, 5 bounced); without one, stat= does
 * ("Sent", "Deferred: ...").
 */
#include <string.h>

#include "log.h"

int bw_log__sendmail(const bw_log_head *h, bw_log_attempt *a)
{
	const char *m = h->msg, *p, *v, *stat;
	const char *status;
	size_t len, n;

	if (h->prog && !bw_log__prog_is(h, "sendmail") && !bw_log__prog_is(h, "sm-mta") &&
	    !bw_log__prog_is(h, "sm-msp-queue"))
		return 0;
	for (p = m; bw_isalnum((unsigned char)*p); p++)
		;
	if (p == m || p[0] != ':' || p[1] != ' ' || strncmp(p + 2, "to=", 3) != 0)
		return 0;
	n = (size_t)(p - m);
	p += 2;
	if (!(stat = strstr(p, ", stat=")))
		return 0;
	stat += 7;
	v = bw_log__kv(p, "dsn", &len);
	if (v && len && *v == '2')
		status = BW_LOG_SENT;
	else if (v && len && *v == '4')
		status = BW_LOG_DEFERRED;
	else if (v && len && *v == '5')
		status = BW_LOG_BOUNCED;
	else if (strncmp(stat, "Sent", 4) == 0)
		status = BW_LOG_SENT;
	else if (strncmp(stat, "Deferred", 8) == 0)
		status = BW_LOG_DEFERRED;
	else
		status = BW_LOG_BOUNCED;
	if (v)
		bw_log_attempt__set(a, BW_LOG_DSN, v, len);
	bw_log_attempt__set(a, BW_LOG_MTA, "sendmail", 8);
	bw_log_attempt__set(a, BW_LOG_QUEUE_ID, m, n);
	bw_log_attempt__set(a, BW_LOG_STATUS, status, strlen(status));
	/* to=<a>,<b>, : the list up to ", " (the reader splits it) */
	v = p + 3;
	len = (size_t)((strstr(v, ", ") ? strstr(v, ", ") : v + strlen(v)) - v);
	bw_log_attempt__set(a, BW_LOG_RECIPIENT, v, len);
	if ((v = strstr(p, ", relay=")) && v < stat) {    /* "host. [ip]" has a space */
		const char *e = strstr(v + 8, ", ");
		v += 8;
		bw_log__set_relay(a, v, (size_t)((e ? e : v + strlen(v)) - v));
	}
	if ((v = bw_log__kv(p, "delay", &len)))
		bw_log_attempt__set(a, BW_LOG_DELAY, v, len);
	/* "Deferred: 421 4.7.0 ..." keeps only what the server said */
	if (strncmp(stat, "Deferred: ", 10) == 0)
		stat += 10;
	if ((v = bw_log__kv(p, "reply", &len)) && v < stat)   /* newer Sendmail */
		bw_log_attempt__set(a, BW_LOG_REPLY, v, len);
	else
		bw_log_attempt__set(a, BW_LOG_REPLY, stat, strlen(stat));
	return 1;
}
