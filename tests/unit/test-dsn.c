/* RFC 3464 field groups: folding, splitting, defaults, status validation. */
#include <string.h>

#include "check.h"
#include "dsn.h"
#include "record.h"

static bw_report *parse(const char *text)
{
	bw_report *r = bw_report__new(100);
	bw_dsn__parse_fields(r, text, strlen(text));
	return r;
}

int main(void)
{
	bw_report *r;
	const bw_recipient *rc;

	r = parse("Reporting-MTA: dns; mx.example.org\n"
	          "X-Postfix-Queue-ID: ABC123\n"
	          "Arrival-Date: Thu, 29 Apr 2010 23:45:41 +0900\n"
	          "\n"
	          "Final-Recipient: rfc822; User@Example.ORG\n"
	          "Original-Recipient: rfc822;alias@example.org\n"
	          "Action: failed\n"
	          "Status: 5.1.1\n"
	          "Remote-MTA: dns; mx2.example.org [192.0.2.7]\n"
	          "Diagnostic-Code: smtp; 550 5.1.1 <user@example.org>:\n"
	          "    Recipient address rejected: User unknown\n"
	          "X-Custom: kept\n"
	          "\n"
	          "Final-Recipient: rfc822; second@example.net\n"
	          "Action: delayed\n"
	          "Status: 4.4.1 (connection timed out)\n");
	CHECK(bw_report_recipient_count(r) == 2);
	CHECK_STR(bw_report_get(r, BW_REPORT_REPORTING_MTA), "mx.example.org");
	CHECK_STR(bw_report_get(r, BW_REPORT_ARRIVAL_DATE), "Thu, 29 Apr 2010 23:45:41 +0900");
	CHECK(bw_report_extra_count(r) == 1);
	rc = bw_report_recipient(r, 0);
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_RECIPIENT), "User@example.org");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_ORIGINAL_RECIPIENT), "alias@example.org");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_ACTION), "failed");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_STATUS), "5.1.1");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_REMOTE_MTA), "mx2.example.org");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_REMOTE_IP), "192.0.2.7");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_DIAGNOSTIC_TYPE), "smtp");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_DIAGNOSTIC),
	          "550 5.1.1 <user@example.org>: Recipient address rejected: User unknown");
	CHECK(bw_recipient_extra_count(rc) == 1);
	rc = bw_report_recipient(r, 1);
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_STATUS), "4.4.1");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_ACTION), "delayed");
	bw_report_free(r);

	/* Groups without blank lines, Action/Status given once for all. */
	r = parse("Reporting-MTA: dns; gw.example.com\n"
	          "Action: failed\n"
	          "Status: 5.0.0\n"
	          "Final-Recipient: rfc822; a@example.com\n"
	          "Final-Recipient: rfc822; <b@example.com>\n"
	          "Diagnostic-Code: smtp; 552 mailbox full\n");
	CHECK(bw_report_recipient_count(r) == 2);
	rc = bw_report_recipient(r, 0);
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_RECIPIENT), "a@example.com");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_ACTION), "failed");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_STATUS), "5.0.0");
	rc = bw_report_recipient(r, 1);
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_RECIPIENT), "b@example.com");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_DIAGNOSTIC), "552 mailbox full");
	bw_report_free(r);

	/* Recipient groups whose Action and Status come before the recipient
	 * line (Sun Messaging Server): each keeps its own; fields in the
	 * per-message group stay defaults for all. */
	r = parse("Reporting-MTA: dns;mail.example.org\n"
	          "Action: failed\n"
	          "\n"
	          "Status: 5.0.0 (remote server rejected address)\n"
	          "Diagnostic-code: smtp;550 5.1.1 unknown alias\n"
	          "Original-recipient: rfc822;c@example.edu\n"
	          "Final-recipient: rfc822;c@example.edu\n"
	          "\n"
	          "Status: 5.1.2 (illegal host/domain name found)\n"
	          "Original-recipient: rfc822;d@example.edu\n"
	          "Final-recipient: rfc822;d@example.edu\n");
	CHECK(bw_report_recipient_count(r) == 2);
	rc = bw_report_recipient(r, 0);
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_RECIPIENT), "c@example.edu");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_STATUS), "5.0.0");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_DIAGNOSTIC), "550 5.1.1 unknown alias");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_ACTION), "failed");
	rc = bw_report_recipient(r, 1);
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_RECIPIENT), "d@example.edu");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_STATUS), "5.1.2");
	/* the status's comment is its only diagnostic, not c's reply */
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_DIAGNOSTIC), "illegal host/domain name found");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_ACTION), "failed");
	bw_report_free(r);

	/* Original-Recipient only, an invalid status, RFC 2047 in a field. */
	r = parse("Original-Recipient: rfc822; only@example.com\n"
	          "Action: failure\n"
	          "Status: 5.1\n"
	          "Diagnostic-Code: smtp; =?utf-8?q?550_Benutzer_unbekannt?=\n");
	CHECK(bw_report_recipient_count(r) == 1);
	rc = bw_report_recipient(r, 0);
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_RECIPIENT), "only@example.com");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_ACTION), "failed");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_STATUS), "");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_DIAGNOSTIC), "550 Benutzer unbekannt");
	bw_report_free(r);

	/* A group with no address at all adds nobody. */
	r = parse("Reporting-MTA: dns; x.example\n\nAction: failed\nStatus: 5.1.1\n");
	CHECK(bw_report_recipient_count(r) == 0);
	bw_report_free(r);

	return check_done();
}
