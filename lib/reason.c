/*
 * reason.c - the reason vocabulary (doc: ../shared/docs/reasons.md, README).
 */
#include <string.h>

#include "reason.h"
#include "rules.h"

/* name, hard (1 yes, 0 no, -1 when permanent), a one-line meaning. */
static const bw_reason_info reasons[] = {
	{ "userunknown", 1, "the recipient address does not exist at the destination" },
	{ "hostunknown", 1, "the recipient's domain does not exist or has no usable mail host" },
	{ "hasmoved", 1, "the recipient has moved to another address" },
	{ "mailboxfull", 0, "the recipient's mailbox is full" },
	{ "suspend", 0, "the recipient's mailbox exists but is disabled or suspended" },
	{ "exceedlimit", 0, "the message exceeds the recipient's own size limit" },
	{ "mesgtoobig", 0, "the message exceeds the receiving system's size limit" },
	{ "filtered", 0, "the recipient or their settings refused this sender or message" },
	{ "rejected", 0, "the envelope sender was refused" },
	{ "blocked", 0, "the sending IP address or network is refused" },
	{ "badreputation", 0, "the sending IP or domain has a poor reputation at the receiver" },
	{ "requireptr", 0, "the sending IP has no or a mismatching reverse DNS (PTR) record" },
	{ "authfailure", 0, "SPF, DKIM or DMARC failed or is missing where required" },
	{ "speeding", 0, "the receiver rate-limits the sender" },
	{ "toomanyconn", 0, "too many connections or recipients in one transaction" },
	{ "spamdetected", 0, "the content was judged to be spam" },
	{ "virusdetected", 0, "the content carried malware" },
	{ "policyviolation", 0, "the message breaks a site policy other than spam or virus" },
	{ "contenterror", 0, "the message content or headers are not accepted" },
	{ "notcompliantrfc", 0, "the message does not follow RFC 5322" },
	{ "securityerror", 0, "an authentication or security requirement was not met" },
	{ "failedstarttls", 0, "STARTTLS failed or TLS was required and not available" },
	{ "norelaying", 0, "the server refused to relay" },
	{ "notaccept", -1, "the destination accepts no mail at all" },
	{ "networkerror", 0, "DNS, connection or routing failure on the way" },
	{ "expired", 0, "the sending server gave up after its queue lifetime" },
	{ "systemerror", 0, "the remote system failed" },
	{ "systemfull", 0, "the remote system is out of disk or resources" },
	{ "mailererror", 0, "the local delivery program failed" },
	{ "syntaxerror", 0, "an SMTP command was refused as a syntax error" },
	{ "suppressed", 0, "the sending service did not try: the address is on its suppression list" },
	{ "onhold", 0, "a bounce whose reason cannot be decided from what it says" },
	{ "undefined", 0, "not enough information to decide anything" },
	{ "vacation", 0, "an automatic reply, not a failure" },
	{ "feedback", 0, "an abuse or feedback-loop report, not a failure" },
	{ "delivered", 0, "the message was delivered" },
};

const bw_reason_info *bw_reason__find(const char *name)
{
	size_t i;

	if (!name)
		return NULL;
	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (strcmp(reasons[i].name, name) == 0)
			return &reasons[i];
	return NULL;
}

const bw_reason_info *bw_reason__at(size_t i)
{
	return i < sizeof(reasons) / sizeof(reasons[0]) ? &reasons[i] : NULL;
}

int bw_reason__known(const char *name)
{
	return bw_reason__find(name) != NULL;
}

int bw_reason__hard(const char *name)
{
	const bw_reason_info *r = bw_reason__find(name);

	return r ? r->hard : 0;
}
