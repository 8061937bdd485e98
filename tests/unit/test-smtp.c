/* smtp.c: the one recogniser of reply codes, status codes, stages, hosts. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "smtp.h"

static bool valid(const char *s)
{
	return bw_smtp__status_valid(s, strlen(s));
}

/* The status code standing at the first occurrence of `at` in `text`, as
 * a string ("" when none stands there). */
static const char *status_in(const char *text, const char *at)
{
	static char buf[16];
	const char *p = strstr(text, at);
	size_t n = p ? bw_smtp__status_at(text, strlen(text), (size_t)(p - text)) : 0;

	memcpy(buf, p ? p : "", n);
	buf[n] = '\0';
	return buf;
}

static bool reply_in(const char *text, const char *at)
{
	const char *p = strstr(text, at);

	return p && bw_smtp__reply_at(text, strlen(text), (size_t)(p - text));
}

/* The reply and status a whole-text scan keeps. */
static void scan(const char *text, char reply[4], char status[12])
{
	bw_smtp_evidence ev;

	bw_smtp__scan(text, &ev);
	strcpy(reply, ev.reply_code);
	strcpy(status, ev.status);
}

int main(void)
{
	char reply[4], status[12], host[64], ip[32];
	char *u;

	/* RFC 3463 §2: class 2/4/5, subject and detail 1*3digit, no leading zeros */
	CHECK(valid("5.1.1"));
	CHECK(valid("2.0.0"));
	CHECK(valid("4.7.650"));
	CHECK(valid("5.7.134"));
	CHECK(valid("5.999.999"));
	CHECK(valid("5.10.0"));
	CHECK(!valid("3.1.1"));
	CHECK(!valid("1.2.3"));
	CHECK(!valid("6.1.1"));
	CHECK(!valid("5.1"));
	CHECK(!valid("5.1."));
	CHECK(!valid("5.1.1234"));
	CHECK(!valid("5.1000.1"));
	CHECK(!valid("5..1"));
	CHECK(!valid("5.01.1"));
	CHECK(!valid("5.1.01"));
	CHECK(!valid("5.00.0"));
	CHECK(!valid("5.1.000"));
	CHECK(!valid("5.1.1 "));
	CHECK(!valid(" 5.1.1"));
	CHECK(!valid("5.1.1.1"));
	CHECK(!valid("5.1.a"));
	CHECK(!valid("55.1.1"));
	CHECK(!bw_smtp__status_valid("5.1.1", 4));    /* the length is honoured */

	/* a status code in running text */
	CHECK_STR(status_in("550 5.1.1 user unknown", "5.1.1"), "5.1.1");
	CHECK_STR(status_in("550-5.1.1 The email account", "5.1.1"), "5.1.1");
	CHECK_STR(status_in("Status: 4.2.2. Over quota", "4.2.2"), "4.2.2");
	CHECK_STR(status_in("(#5.1.1)", "5.1.1"), "5.1.1");
	CHECK_STR(status_in("from 5.1.1.1 port 25", "5.1.1"), "");          /* an IP address */
	CHECK_STR(status_in("host 10.5.1.1 refused", "5.1.1"), "");         /* ends an IP address */
	CHECK_STR(status_in("agent v5.1.1 says", "5.1.1"), "");             /* a version */
	CHECK_STR(status_in("Exim-4.94.2 relay", "4.94.2"), "");            /* a version after a name */
	CHECK_STR(status_in("libfoo 5.1.1a", "5.1.1"), "");
	CHECK_STR(status_in("on 5.12.2024 at noon", "5.12.2024"), "");      /* a date */
	CHECK_STR(status_in("on 12.05.2024", "2.05.2024"), "");
	CHECK_STR(status_in("https://example.com/5.7.1/help", "5.7.1"), "");   /* a URL */
	CHECK_STR(status_in("see https://x.example/?code=5.7.1", "5.7.1"), "");
	CHECK_STR(status_in("mailbox@5.1.1 here", "5.1.1"), "");
	CHECK_STR(status_in("code:5.1.1", "5.1.1"), "");
	CHECK_STR(status_in("5.1.01 bad", "5.1.01"), "");
	CHECK_STR(status_in("5.1.1", "5.1.1"), "5.1.1");                    /* the whole text */
	CHECK_STR(status_in("5.7.1", "7.1"), "");                           /* not mid-code */

	/* a reply code in running text */
	CHECK(reply_in("550 user unknown", "550"));
	CHECK(reply_in("550-5.1.1 The email account", "550"));
	CHECK(reply_in("said: 550", "550"));
	CHECK(reply_in("(550) denied", "550"));
	/* the success a client expected and did not get is no reply */
	CHECK(!reply_in("Expected response code 250 but got an empty response", "250"));
	CHECK(reply_in("Expected response code 250 but got code \"550\", with message \"550 5.1.1 User unknown\"", "550 5.1.1"));
	/* one it got and did not want is */
	CHECK(reply_in("Unexpected reply 250 2.0.0 OK to DATA", "250"));
	CHECK(!reply_in("unexpected EOF; expected 250 after DATA", "250"));
	CHECK(reply_in("error 550. Try again", "550"));
	CHECK(reply_in("421\r\n", "421"));
	CHECK(!reply_in("5501 user unknown", "550"));
	CHECK(!reply_in("x550 user unknown", "550"));
	CHECK(!reply_in("error550 user unknown", "550"));
	CHECK(!reply_in("size 550.5 KB", "550"));
	CHECK(!reply_in("from 192.0.2.550 port", "550"));
	CHECK(!reply_in("port:550 closed", "550"));
	CHECK(!reply_in("https://example.com/550 help", "550"));
	CHECK(!reply_in("https://example.com/?e=550 help", "550"));
	CHECK(!reply_in("550abc", "550"));
	CHECK(!reply_in("560 not a reply", "560"));          /* second digit 0-5 */
	CHECK(!reply_in("350 not a failure", "350"));
	CHECK(!reply_in("exit status 250", "250"));           /* bare success code */
	CHECK(reply_in("250 2.1.5 Ok", "250"));
	CHECK(!reply_in("2024-05-12", "2024"));
	/* a process's or a file's number is no reply */
	CHECK(!reply_in("Failure to exec script. WANTED gid 502, GOT gid 30928.", "502"));
	CHECK(!reply_in("connect to mx.example.org port 587, timed out", "587"));
	CHECK(reply_in("Remote host said: 502 5.5.2 Command not implemented", "502"));
	/* a number with a unit after it is a quantity */
	CHECK(!reply_in("Your post is too long (limit: 500 lines)", "500"));
	CHECK(!reply_in("at most 450 messages per hour", "450"));
	CHECK(!reply_in("Sorry: 550 users max per list", "550"));
	CHECK(!reply_in("quota of 421 MB reached", "421"));
	CHECK(reply_in("550 user unknown", "550"));
	CHECK(reply_in("said: 452 mailbox full", "452"));
	CHECK(bw_smtp__starts_with_reply("550 5.1.1 x", 11));
	CHECK(bw_smtp__starts_with_reply("421", 3));
	CHECK(!bw_smtp__starts_with_reply("550) x", 6));
	CHECK(!bw_smtp__starts_with_reply("5501", 4));
	CHECK(!bw_smtp__starts_with_reply("55", 2));          /* never reads past len */
	CHECK(bw_smtp__has_failure_code("mailbox full 452 later", 22));
	CHECK(bw_smtp__has_failure_code("(#5.2.2)", 8));
	CHECK(!bw_smtp__has_failure_code("version 5.1.1.1 at 12:45", 24));
	CHECK(!bw_smtp__has_failure_code("250 2.0.0 Ok", 12));

	/* the scan keeps the reply paired with a status of its class */
	scan("host mx.example.com[192.0.2.1] said: 550-5.1.1 The email account 550-5.1.1 "
	     "that you tried to reach does not exist", reply, status);
	CHECK_STR(reply, "550");
	CHECK_STR(status, "5.1.1");
	/* a relay's own code, then the remote reply it quotes after "smtp;"
	 * (Exchange: "<host #5.0.0 smtp; 550 ...>"): the remote reply */
	scan("554 5.0.0 <mx.example.net #5.0.0 smtp; 550-5.7.1 Messages with multiple "
	     "addresses in From: header are 550-5.7.1 not accepted>", reply, status);
	CHECK_STR(reply, "550");
	CHECK_STR(status, "5.7.1");
	scan("554 5.7.0 < #5.7.133 smtp;550 5.7.133 RESOLVER.RST.SenderNotAuthenticatedForGroup",
	     reply, status);
	CHECK_STR(reply, "550");
	CHECK_STR(status, "5.7.133");
	scan("connect to 5.1.1.1 port 25: 451 4.4.1 try later", reply, status);
	CHECK_STR(reply, "451");
	CHECK_STR(status, "4.4.1");
	scan("Postfix 3.5.13 on 12.05.2024: timeout after 300 seconds", reply, status);
	CHECK_STR(reply, "");
	CHECK_STR(status, "");
	scan("see https://support.example.com/550/5.7.1 for help", reply, status);
	CHECK_STR(reply, "");
	CHECK_STR(status, "");
	/* "error 552:" names a reply; a time of day does not */
	scan("SMTP error 552: mailbox full", reply, status);
	CHECK_STR(reply, "552");
	scan("Error code 550: user unknown", reply, status);
	CHECK_STR(reply, "550");
	scan("failed at 14:52: host unreachable", reply, status);
	CHECK_STR(reply, "");
	/* replies run together: the refusal, not the greeting or the Ok
	 * before it, nor a reset after it */
	scan("250 2.1.5 Ok 554 5.0.0 Delivery failed", reply, status);
	CHECK_STR(reply, "554");
	CHECK_STR(status, "5.0.0");
	scan("250-mx.example.com 250-SIZE 10240000 250 8BITMIME 354 End data with <CR><LF>.<CR><LF> "
	     "552 5.3.4 Message too big", reply, status);
	CHECK_STR(reply, "552");
	CHECK_STR(status, "5.3.4");
	scan("RCPT TO:<b@example.net> 550 No such user 250 2.0.0 Reset state", reply, status);
	CHECK_STR(reply, "550");
	CHECK_STR(status, "");
	scan("MAIL FROM:<a@example.com> 250 OK RCPT TO:<b@example.net> 450 try later", reply, status);
	CHECK_STR(reply, "450");
	scan("250 2.0.0 Ok: queued as 4BqT1x0Zz9", reply, status);
	CHECK_STR(reply, "250");
	CHECK_STR(status, "2.0.0");
	scan(NULL, reply, status);
	CHECK_STR(reply, "");

	/* rule values */
	CHECK(bw_smtp__status_pattern_valid("5.1.1", 5));
	CHECK(bw_smtp__status_pattern_valid("5.7.*", 5));
	CHECK(bw_smtp__status_pattern_valid("5.*", 3));
	CHECK(bw_smtp__status_pattern_valid("4.123.*", 7));
	CHECK(!bw_smtp__status_pattern_valid("5.01.*", 6));
	CHECK(!bw_smtp__status_pattern_valid("3.*", 3));
	CHECK(!bw_smtp__status_pattern_valid("5.1.1.*", 7));
	CHECK(!bw_smtp__status_pattern_valid("*", 1));
	CHECK(bw_smtp__reply_pattern_valid("550", 3));
	CHECK(bw_smtp__reply_pattern_valid("55*", 3));
	CHECK(bw_smtp__reply_pattern_valid("5*", 2));
	CHECK(!bw_smtp__reply_pattern_valid("5", 1));
	CHECK(!bw_smtp__reply_pattern_valid("5500", 4));
	CHECK(!bw_smtp__reply_pattern_valid("650", 3));

	/* stages */
	CHECK(bw_smtp__stage_known("RCPT", 4));
	CHECK(bw_smtp__stage_known("STARTTLS", 8));
	CHECK(!bw_smtp__stage_known("RCP", 3));
	CHECK(!bw_smtp__stage_known("rcpt", 4));
	CHECK_STR(bw_smtp__stage_of_reply("550 no such user (in reply to RCPT TO command)"), "RCPT");
	CHECK_STR(bw_smtp__stage_of_reply("554 rejected (in reply to end of DATA command)"), "DATA");
	/* Postfix's notice localised into Japanese */
	CHECK_STR(bw_smtp__stage_of_reply("550 5.1.1 <a@example.jp>: Unknown user (RCPT TO コマンドへの応答)"), "RCPT");
	CHECK_STR(bw_smtp__stage_of_reply("550 Unknown user (end of DATA コマンドへの応答)"), "DATA");
	CHECK_STR(bw_smtp__stage_of_reply("after EHLO: 421 go away; after RCPT TO: 550"), "HELO");
	/* a client's own account of the command that failed */
	CHECK_STR(bw_smtp__stage_of_reply("RCPT TO <bob@example.com> failed: mailbox unavailable"), "RCPT");
	CHECK_STR(bw_smtp__stage_of_reply("DATA command failed: Transaction failed"), "DATA");
	CHECK_STR(bw_smtp__stage_of_reply("MAIL command failed: 553 sender rejected"), "MAIL");
	CHECK(bw_smtp__stage_of_reply("550 user unknown") == NULL);
	/* phrases without the common lead-ins, alone and before one with it */
	CHECK_STR(bw_smtp__stage_of_reply("Remote host said: 550 unknown (RCPT TO:<a@b>)"), "RCPT");
	CHECK_STR(bw_smtp__stage_of_reply("mail from:<x@y> refused, after DATA too"), "MAIL");
	CHECK_STR(bw_smtp__stage_of_reply("qmail: does not like recipient"), "RCPT");
	CHECK_STR(bw_smtp__stage_of_reply("IN REPLY TO STARTTLS"), "STARTTLS");
	/* a reporter saying the other server refused the address itself */
	CHECK_STR(bw_smtp__stage_of_reply("Remote SMTP server has rejected address: 550 No such user"), "RCPT");
	CHECK_STR(bw_smtp__stage_of_reply("the remote server did not accept the address: 550 unknown"), "RCPT");
	CHECK_STR(bw_smtp__stage_of_reply("mx.example.net refused the recipient (550 no such user)"), "RCPT");
	CHECK_STR(bw_smtp__stage_of_reply("The server didn't accept the recipient: 550 unknown user"), "RCPT");
	/* a wrapper about the address, not a reporter's account of a refusal */
	CHECK(bw_smtp__stage_of_reply("550 5.1.1 <a@b>: Recipient address rejected: unknown") == NULL);
	CHECK_STR(bw_smtp__stage_of_command("RCPT TO:<a@example.com>", 23), "RCPT");
	CHECK_STR(bw_smtp__stage_of_command("  mail from:<>", 14), "MAIL");
	CHECK_STR(bw_smtp__stage_of_command("ehlo mx.example.com", 19), "HELO");
	CHECK_STR(bw_smtp__stage_of_command("LHLO x", 6), "HELO");
	CHECK_STR(bw_smtp__stage_of_command(".", 1), "DATA");
	CHECK_STR(bw_smtp__stage_of_command("BDAT 1000 LAST", 14), "DATA");
	CHECK_STR(bw_smtp__stage_of_command("conn", 4), "CONN");
	CHECK(bw_smtp__stage_of_command("RCPTX", 5) == NULL);
	CHECK(bw_smtp__stage_of_command("QUIT", 4) == NULL);
	CHECK(bw_smtp__stage_of_command("RCPT", 3) == NULL);           /* length honoured */
	CHECK_STR(bw_smtp__stage_named("Error [RCPT_TO] 550", 19), "RCPT");
	CHECK_STR(bw_smtp__stage_named("for TEXT command", 16), "DATA");
	CHECK(bw_smtp__stage_named("for TEXT command", 8) == NULL);    /* length honoured */

	/* host and address */
	bw_smtp__host_ip("host mx2.hotmail.com[65.54.188.72] said: 550", host, sizeof(host), ip, sizeof(ip));
	CHECK_STR(host, "mx2.hotmail.com");
	CHECK_STR(ip, "65.54.188.72");
	bw_smtp__host_ip("connect to mx.example.net [IPv6:2001:db8::1]: timed out", host, sizeof(host), ip, sizeof(ip));
	CHECK_STR(host, "mx.example.net");
	CHECK_STR(ip, "2001:db8::1");
	bw_smtp__host_ip("host: smtp.example.fr (192.0.2.65) reason: 550", host, sizeof(host), ip, sizeof(ip));
	CHECK_STR(host, "smtp.example.fr");
	CHECK_STR(ip, "192.0.2.65");
	bw_smtp__host_ip("the host example.com said no", host, sizeof(host), ip, sizeof(ip));
	CHECK_STR(host, "");       /* no address: no host */
	bw_smtp__host_ip("host averyveryverylongname.example.com[192.0.2.1]", host, 8, ip, sizeof(ip));
	CHECK(strlen(host) < 8);

	/* hosts named in URLs and brackets, one after the other */
	{
		const char *t = "see https://support.example.com/550 or [localhost] or [mx1.example.net]:25 "
		                "or [192.0.2.1] or ftp://files.example.org";
		size_t pos = 0;

		CHECK(bw_smtp__next_named_host(t, &pos, host, sizeof(host)));
		CHECK_STR(host, "support.example.com");
		CHECK(bw_smtp__next_named_host(t, &pos, host, sizeof(host)));
		CHECK_STR(host, "mx1.example.net");                   /* [localhost] has no dot */
		CHECK(bw_smtp__next_named_host(t, &pos, host, sizeof(host)));
		CHECK_STR(host, "files.example.org");                 /* [192.0.2.1] is no name */
		CHECK(!bw_smtp__next_named_host(t, &pos, host, sizeof(host)));
		pos = 0;
		CHECK(!bw_smtp__next_named_host("[averyveryverylong.example.com]", &pos, host, 8));
	}

	/* unfolding "550-5.1.1" continuations */
	u = bw_smtp__unfold_reply("550-5.1.1 The email account 550-5.1.1 that you tried 550 5.1.1 to reach");
	CHECK_STR(u, "550-5.1.1 The email account that you tried to reach");
	free(u);
	u = bw_smtp__unfold_reply("421-mx.example.org busy 421-please 421 try later");
	CHECK_STR(u, "421-mx.example.org busy please try later");
	free(u);
	CHECK(bw_smtp__unfold_reply("550 5.1.1 User unknown") == NULL);
	CHECK(bw_smtp__unfold_reply("550 5.7.1 denied; error 550 from the filter") == NULL);
	CHECK(bw_smtp__unfold_reply("version 5.1.1.1 550-") == NULL);
	CHECK(bw_smtp__unfold_reply(NULL) == NULL);
	return check_done();
}
