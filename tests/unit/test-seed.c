/* The three replies bouncewhy exists for (../shared/docs/seed-replies.md),
 * through the library's bare-reply classifier, as a mail server meets them. */
#include <stdio.h>
#include <string.h>

#include "bouncewhy.h"
#include "check.h"

static const char *sc001 =
	"host mx2.hotmail.com[65.54.188.72] said: 550 SC-001 (BAY004-MC1F7) Unfortunately, messages "
	"from 192.0.2.1 weren't sent. Please contact your Internet service provider since part of their "
	"network is on our block list. You can also refer your provider to "
	"http://mail.live.com/mail/troubleshooting.aspx#errors. (in reply to MAIL FROM command)";
static const char *sc001_col =
	"550 SC-001 (COL004-MC2F22) Unfortunately, messages from 192.0.2.1 weren't sent. Please contact "
	"your Internet service provider since part of their network is on our block list.";
static const char *rp001 =
	"421 RP-001 (BLU004-MC1F5) Unfortunately, some messages from 192.0.2.1 weren't sent. Please try "
	"again. We have limits for how many messages can be sent per hour and per day. You can also refer "
	"to http://mail.live.com/mail/troubleshooting.aspx#errors.";

static int any_remedy(const bw_recipient *rc, const char *needle)
{
	size_t i;

	for (i = 0; i < bw_recipient_remedy_count(rc); i++)
		if (strstr(bw_recipient_remedy(rc, i), needle))
			return 1;
	return 0;
}

static void check_sc001(const bw_rules *rules, const char *reply, const char *host, const char *tag)
{
	bw_report *r = NULL;
	const bw_recipient *rc;

	CHECK(bw_classify_reply(&r, rules, reply, host, NULL) == BW_OK);
	if (!r)
		return;
	rc = bw_report_recipient(r, 0);
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_REASON), "blocked");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_FAULT), "sender");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_PROVIDER_CODE), "SC-001");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_SERVER_TAG), tag);
	CHECK(strstr(bw_recipient_get(rc, BW_RCPT_PROVIDER), "Microsoft") != NULL);
	CHECK(bw_recipient_permanent(rc) == 1);
	CHECK(bw_recipient_hard_bounce(rc) == 0);
	CHECK(any_remedy(rc, "sender support") || any_remedy(rc, "delist"));
	CHECK(any_remedy(rc, "SNDS"));
	CHECK(any_remedy(rc, "JMRP"));
	CHECK(any_remedy(rc, "smarthost"));
	CHECK(any_remedy(rc, "SPF") && any_remedy(rc, "DKIM") && any_remedy(rc, "DMARC"));
	CHECK(any_remedy(rc, "PTR") || any_remedy(rc, "reverse DNS"));
	CHECK(*bw_recipient_get(rc, BW_RCPT_RULE) != '\0');
	bw_report_free(r);
}

int main(void)
{
	bw_rules *rules = NULL;
	bw_report *r = NULL;
	const bw_recipient *rc;

	if (bw_rules_open(&rules, NULL) != BW_OK) {
		fprintf(stderr, "cannot open rules: %s\n", bw_error_message());
		CHECK(0);
		return check_done();
	}
	check_sc001(rules, sc001, NULL, "BAY004-MC1F7");
	check_sc001(rules, sc001_col, "mx4.hotmail.com", "COL004-MC2F22");

	CHECK(bw_classify_reply(&r, rules, sc001, NULL, NULL) == BW_OK);
	rc = bw_report_recipient(r, 0);
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_SMTP_COMMAND), "MAIL");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_REMOTE_MTA), "mx2.hotmail.com");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_REMOTE_IP), "65.54.188.72");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_REPLY_CODE), "550");
	bw_report_free(r);

	CHECK(bw_classify_reply(&r, rules, rp001, "mx1.hotmail.com", "MAIL") == BW_OK);
	rc = bw_report_recipient(r, 0);
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_REASON), "speeding");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_FAULT), "sender");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_PROVIDER_CODE), "RP-001");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_SERVER_TAG), "BLU004-MC1F5");
	CHECK(strstr(bw_recipient_get(rc, BW_RCPT_PROVIDER), "Microsoft") != NULL);
	CHECK(bw_recipient_permanent(rc) == 0);
	CHECK(bw_recipient_hard_bounce(rc) == 0);
	CHECK(any_remedy(rc, "hour") || any_remedy(rc, "throttl"));
	CHECK(any_remedy(rc, "reputation"));
	bw_report_free(r);

	/* The code alone, as a user types it. */
	CHECK(bw_classify_reply(&r, rules, "SC-001", NULL, NULL) == BW_OK);
	rc = bw_report_recipient(r, 0);
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_REASON), "blocked");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_PROVIDER_CODE), "SC-001");
	CHECK(strstr(bw_recipient_get(rc, BW_RCPT_PROVIDER), "Microsoft") != NULL);
	bw_report_free(r);

	bw_rules_free(rules);
	return check_done();
}
