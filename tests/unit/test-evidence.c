/* Reply codes, enhanced codes, commands and hosts found in free text. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "evidence.h"
#include "record.h"

static void scan(const char *text, bw_smtp_evidence *ev)
{
	bw_smtp__scan(text, ev);
}

int main(void)
{
	bw_smtp_evidence ev;
	bw_report *r;
	bw_recipient *rc;

	scan("host mx2.hotmail.com[65.54.188.72] said: 550 SC-001 (BAY004-MC1F7) Unfortunately, "
	     "messages from 192.0.2.1 weren't sent. (in reply to MAIL FROM command)", &ev);
	CHECK_STR(ev.reply_code, "550");
	CHECK_STR(ev.status, "");
	CHECK_STR(ev.command, "MAIL");
	CHECK_STR(ev.host, "mx2.hotmail.com");
	CHECK_STR(ev.ip, "65.54.188.72");

	scan("SMTP error from remote mail server after RCPT TO:<a@example.com>: "
	     "host mx.example.com [192.0.2.9]: 550-5.1.1 The email account that you tried to reach does not exist.", &ev);
	CHECK_STR(ev.reply_code, "550");
	CHECK_STR(ev.status, "5.1.1");
	CHECK_STR(ev.command, "RCPT");
	CHECK_STR(ev.host, "mx.example.com");
	CHECK_STR(ev.ip, "192.0.2.9");

	/* qmail-remote names the stage in words */
	scan("192.0.2.3 does not like recipient. Remote host said: 550 5.2.1 <a@example.jp>... User Unknown", &ev);
	CHECK_STR(ev.command, "RCPT");
	scan("Connected to 192.0.2.3 but sender was rejected. Remote host said: 553 sorry", &ev);
	CHECK_STR(ev.command, "MAIL");
	scan("192.0.2.3 failed after I sent the message. Remote host said: 554 content rejected", &ev);
	CHECK_STR(ev.command, "DATA");

	/* IP addresses, times and sizes are not codes. */
	scan("connect to 192.168.250.1 at 12:45:32: timed out after 421.5 seconds, size 5500000", &ev);
	CHECK_STR(ev.reply_code, "");
	CHECK_STR(ev.status, "");

	scan("#5.1.1 smtp;550 user unknown", &ev);
	CHECK_STR(ev.reply_code, "550");
	CHECK_STR(ev.status, "5.1.1");

	scan("421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred", &ev);
	CHECK_STR(ev.reply_code, "421");
	CHECK_STR(ev.status, "4.7.0");

	scan("SMTP error from remote server for TEXT command, host: smtp-in.example.fr (192.0.2.65) reason: 550 5.2.0 Mail rejected", &ev);
	CHECK_STR(ev.host, "smtp-in.example.fr");
	CHECK_STR(ev.ip, "192.0.2.65");
	CHECK_STR(ev.reply_code, "550");

	scan("in reply to end of DATA command", &ev);
	CHECK_STR(ev.command, "DATA");

	/* A generic DSN status gives way to the specific one in the text. */
	r = bw_report__new(10);
	rc = bw_report__add_recipient(r);
	bw_recipient__set(rc, BW_RCPT_STATUS, "5.0.0");
	bw_recipient__set(rc, BW_RCPT_DIAGNOSTIC, "550 5.2.2 Mailbox full");
	bw_evidence__complete(rc);
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_STATUS), "5.2.2");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_REPLY_CODE), "550");
	CHECK(bw_recipient_evidence_count(rc) == 1);
	/* The remote server's own code, given with its reply, wins over the
	 * reporting MTA's mapping... */
	rc = bw_report__add_recipient(r);
	bw_recipient__set(rc, BW_RCPT_STATUS, "5.1.1");
	bw_recipient__set(rc, BW_RCPT_DIAGNOSTIC, "550 5.7.1 denied");
	bw_evidence__complete(rc);
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_STATUS), "5.7.1");
	rc = bw_report__add_recipient(r);
	bw_recipient__set(rc, BW_RCPT_STATUS, "5.1.0");
	bw_recipient__set(rc, BW_RCPT_DIAGNOSTIC, "5.1.0 - Unknown address error 550-'5.2.2 <a@example.jp>... Mailbox Full'");
	bw_evidence__complete(rc);
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_STATUS), "5.2.2");
	/* ... but a code merely mentioned in the text does not. */
	rc = bw_report__add_recipient(r);
	bw_recipient__set(rc, BW_RCPT_STATUS, "5.1.1");
	bw_recipient__set(rc, BW_RCPT_DIAGNOSTIC, "user unknown (see 5.7.1 in our policy)");
	bw_evidence__complete(rc);
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_STATUS), "5.1.1");
	/* An evidence line is kept whole, however long. */
	{
		char longtext[2001];
		memset(longtext, 'x', sizeof(longtext) - 1);
		longtext[sizeof(longtext) - 1] = '\0';
		CHECK(bw_recipient__evidence(rc, "rule r: text \"%s\"", longtext) == 0);
		CHECK(strlen(bw_recipient_evidence(rc, bw_recipient_evidence_count(rc) - 1)) ==
		      strlen("rule r: text \"\"") + 2000);
	}
	bw_report_free(r);

	/* A multi-line reply joined into one line reads without its repeated
	 * line prefixes; other text is left alone. */
	{
		char *u = bw_smtp__unfold_reply("550-5.7.1 [192.0.2.1 13] Messages with multiple 550 5.7.1 "
		                                    "addresses in From: header are not accepted.");
		CHECK_STR(u, "550-5.7.1 [192.0.2.1 13] Messages with multiple addresses in From: header "
		             "are not accepted.");
		free(u);
		u = bw_smtp__unfold_reply("host mx.example.com said: 550-5.1.1 The email account 550-5.1.1 "
		                              "does not exist. 550 5.1.1 https://support.example.com");
		CHECK_STR(u, "host mx.example.com said: 550-5.1.1 The email account does not exist. "
		             "https://support.example.com");
		free(u);
		u = bw_smtp__unfold_reply("421-mx.example.org busy 421-please 421 try later");
		CHECK_STR(u, "421-mx.example.org busy please try later");
		free(u);
		/* nothing repeated, no reply code, "550 other text" after a coded reply */
		CHECK(bw_smtp__unfold_reply("550 5.1.1 User unknown") == NULL);
		CHECK(bw_smtp__unfold_reply("User unknown") == NULL);
		CHECK(bw_smtp__unfold_reply("550 5.7.1 denied; error 550 from the filter") == NULL);
		CHECK(bw_smtp__unfold_reply(NULL) == NULL);
	}
	return check_done();
}
