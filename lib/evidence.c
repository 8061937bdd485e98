/*
 * evidence.c - a recipient's SMTP facts from its diagnostic text (the
 * recognising itself is smtp.c's).
 */
#include <stdlib.h>
#include <string.h>

#include "evidence.h"
#include "mojibake.h"
#include "text.h"
#include "util.h"

static bool generic_status(const char *s)
{
	return bw_smtp__status_generic(s, strlen(s));
}

static void fill_route(bw_recipient *rc, const bw_smtp_evidence *ev)
{
	if (ev->command[0] && !bw_recipient__get(rc, BW_RCPT_SMTP_COMMAND))
		bw_recipient__set(rc, BW_RCPT_SMTP_COMMAND, ev->command);
	if (ev->host[0] && !bw_recipient__get(rc, BW_RCPT_REMOTE_MTA))
		bw_recipient__set(rc, BW_RCPT_REMOTE_MTA, ev->host);
	if (ev->ip[0] && !bw_recipient__get(rc, BW_RCPT_REMOTE_IP))
		bw_recipient__set(rc, BW_RCPT_REMOTE_IP, ev->ip);
}

/* Is `status` X.4.7 (delivery time expired) under the recipient's Action
 * `action`? */
static bool x47_under(const bw_recipient *rc, const char *status, const char *action)
{
	const char *a = bw_recipient__get(rc, BW_RCPT_ACTION);

	return status && status[0] && strcmp(status + 1, ".4.7") == 0 && a && bw_strcasecmp(a, action) == 0;
}

/* A delay report's own verdict on a recipient it still retries (Status
 * 4.4.7 under Action: delayed): the reply of an earlier attempt quoted
 * with it gives the cause, not the recipient's status. */
static bool delay_verdict(const bw_recipient *rc, const char *status)
{
	return x47_under(rc, status, "delayed");
}

/* Is `status` the reporting MTA's own verdict on the message's time, which
 * a remote reply quoted with it does not replace: X.4.7 under Action:
 * delayed (still retrying) or failed (it gave up when the time ran out)?
 * (The Sendmail decoder prefers the remote status even so: the shared
 * corpus labels Sendmail's expiries that way.) */
static bool mta_verdict(const bw_recipient *rc, const char *status)
{
	return delay_verdict(rc, status) || x47_under(rc, status, "failed");
}

/* Is the reply code in `ev` the reporting server's own, printed with one of
 * Exchange's codes for a delivery it could not even attempt (X.4.3nn:
 * 5.4.310 DNS domain does not exist, 4.4.312 DNS query failed, 4.4.316
 * connection refused or timed out; "441 4.4.1", no connection to the host,
 * 441 being no reply code of RFC 5321)?  No remote server answered. */
static bool own_reply_code(const bw_smtp_evidence *ev)
{
	const char *s = ev->status;

	return (s[0] && s[1] == '.' && s[2] == '4' && s[3] == '.' && s[4] == '3' &&
	        bw_isdigit((unsigned char)s[5]) && bw_isdigit((unsigned char)s[6]) && !s[7]) ||
	       (strcmp(ev->reply_code, "441") == 0 && strcmp(s, "4.4.1") == 0);
}

/* Would `status` say the opposite of the recipient's Action: a permanent
 * class for a recipient still being retried ("Action: delayed", "Status:
 * 4.7.8" quoting "535 5.7.8" from a relay host that the MTA retries)? */
static bool contradicts_action(const bw_recipient *rc, const char *status)
{
	const char *a = bw_recipient__get(rc, BW_RCPT_ACTION);

	return a && bw_strcasecmp(a, "delayed") == 0 && status[0] != '4';
}

void bw_evidence__complete(bw_recipient *rc)
{
	const char *diag = bw_recipient__get(rc, BW_RCPT_DIAGNOSTIC);
	const char *status = bw_recipient__get(rc, BW_RCPT_STATUS);
	bw_smtp_evidence ev;
	char *plain;

	if (!diag)
		return;
	/* a reply as another program stored it ("d&eacute;lai", "550%205.1.1",
	 * "\u003c"): the record keeps what it says */
	if ((plain = bw_text__unescape(diag))) {
		char *sq = bw_squeeze_dup(plain, strlen(plain));
		free(plain);
		if (sq) {
			bw_recipient__set(rc, BW_RCPT_DIAGNOSTIC, sq);
			free(sq);
			diag = bw_recipient__get(rc, BW_RCPT_DIAGNOSTIC);
		}
	}
	/* ... or as a program decoded it with the wrong charset ("Ð¡Ð»Ð¸ÑˆÐºÐ¾Ð¼") */
	if ((plain = bw_mojibake__repair(diag))) {
		bw_recipient__evidence(rc, "the diagnostic was shown in the wrong charset; read as: %s", plain);
		bw_recipient__set(rc, BW_RCPT_DIAGNOSTIC, plain);
		free(plain);
		diag = bw_recipient__get(rc, BW_RCPT_DIAGNOSTIC);
	}
	bw_smtp__scan(diag, &ev);
	if (ev.reply_code[0] && !bw_recipient__get(rc, BW_RCPT_REPLY_CODE) && !own_reply_code(&ev))
		bw_recipient__set(rc, BW_RCPT_REPLY_CODE, ev.reply_code);
	if (ev.status[0]) {
		if (!status) {
			bw_recipient__set(rc, BW_RCPT_STATUS, ev.status);
			bw_recipient__evidence(rc, "status %s from the diagnostic text", ev.status);
		} else if (strcmp(status, ev.status) != 0 && !mta_verdict(rc, status) &&
		           !contradicts_action(rc, ev.status) &&
		           ((ev.status_paired && !generic_status(ev.status)) ||
		            (generic_status(status) && !generic_status(ev.status) && ev.status[0] == status[0]))) {
			bw_recipient__evidence(rc, "status %s from the remote server's reply replaces %s", ev.status, status);
			bw_recipient__set(rc, BW_RCPT_STATUS, ev.status);
		}
	}
	fill_route(rc, &ev);
}

const char *bw_evidence__cause_status(const bw_recipient *rc, char out[12])
{
	const char *status = bw_recipient__get(rc, BW_RCPT_STATUS);
	bw_smtp_evidence ev;

	if (!status || !delay_verdict(rc, status))
		return status;
	bw_smtp__scan(bw_recipient__get(rc, BW_RCPT_DIAGNOSTIC), &ev);
	if (!ev.status_paired || !ev.status[0] || generic_status(ev.status))
		return status;
	memcpy(out, ev.status, sizeof(ev.status));
	return out;
}

void bw_evidence__route_from_text(bw_recipient *rc, const char *text)
{
	bw_smtp_evidence ev;

	bw_smtp__scan(text, &ev);
	fill_route(rc, &ev);
}
