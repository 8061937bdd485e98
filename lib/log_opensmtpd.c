/*
 * log_opensmtpd.c - OpenSMTPD delivery lines:
 *
 *   smtpd[123]: 2b7d9c8a1d3a2f10 mta delivery evpid=a1b2c3d4e5f60718
 *     from=<alice@example.org> to=<bob@example.net> rcpt=<-> source="203.0.113.25"
 *     relay="192.0.2.5 (mx.example.net)" delay=1s result="PermFail"
 *     stat="550 5.1.1 <bob@example.net>: user unknown"
 *   smtpd[123]: 2b7d9c8a1d3a2f10 mda delivery evpid=... to=<...> user=bob
 *     delay=0s result="Ok" stat="Delivered"
 *
 * result Ok is sent, TempFail deferred, PermFail and Loop bounced.  The
 * message id is the first 8 hex digits of the envelope id.
 */
#include <string.h>

#include "log.h"

int bw_log__opensmtpd(const bw_log_head *h, bw_log_attempt *a)
{
	const char *m = h->msg, *p, *v, *status;
	size_t len;

	if (h->prog && !bw_log__prog_is(h, "smtpd"))
		return 0;
	if (!(p = strstr(m, " delivery evpid=")) || !(v = bw_log__kv(p, "result", &len)))
		return 0;
	if (len == 2 && strncmp(v, "Ok", 2) == 0)
		status = BW_LOG_SENT;
	else if (len == 8 && strncmp(v, "TempFail", 8) == 0)
		status = BW_LOG_DEFERRED;
	else if ((len == 8 && strncmp(v, "PermFail", 8) == 0) || (len == 4 && strncmp(v, "Loop", 4) == 0))
		status = BW_LOG_BOUNCED;
	else
		return 0;
	bw_log_attempt__set(a, BW_LOG_MTA, "opensmtpd", 9);
	bw_log_attempt__set(a, BW_LOG_STATUS, status, strlen(status));
	if ((v = bw_log__kv(p, "evpid", &len)))
		bw_log_attempt__set(a, BW_LOG_QUEUE_ID, v, len > 8 ? 8 : len);
	if ((v = bw_log__kv(p, "to", &len)))
		bw_log_attempt__set(a, BW_LOG_RECIPIENT, v, len);
	if ((v = bw_log__kv(p, "rcpt", &len)) && !(len == 1 && *v == '-'))
		bw_log_attempt__set(a, BW_LOG_ORIG_RECIPIENT, v, len);
	if ((v = bw_log__kv(p, "relay", &len)))
		bw_log__set_relay(a, v, len);
	if ((v = bw_log__kv(p, "delay", &len)))
		bw_log_attempt__set(a, BW_LOG_DELAY, v, len);
	if ((v = strstr(p, " stat=\""))) {        /* the last field: to the last quote */
		const char *e;
		v += 7;
		e = v + strlen(v);
		if (e > v && e[-1] == '"')
			e--;
		bw_log_attempt__set(a, BW_LOG_REPLY, v, (size_t)(e - v));
	}
	return 1;
}
