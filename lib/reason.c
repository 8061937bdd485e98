/*
 * reason.c - the reason vocabulary (doc: ../shared/docs/reasons.md, README).
 */
#include <string.h>

#include "reason.h"
#include "rules.h"

/* name, hard (1 yes, 0 no, -1 when permanent), a one-line meaning, and the
 * headline the text rendering prints for it (plain words for the reader). */
static const bw_reason_info reasons[] = {
	{ "userunknown", 1, "the recipient address does not exist at the destination",
	  "the address does not exist" },
	{ "hostunknown", 1, "the recipient's domain does not exist or has no usable mail host",
	  "the domain does not exist or cannot receive mail" },
	{ "hasmoved", 1, "the recipient has moved to another address",
	  "the person has moved to another address" },
	{ "mailboxfull", 0, "the recipient's mailbox is full",
	  "the mailbox is full" },
	{ "suspend", 0, "the recipient's mailbox exists but is disabled or suspended",
	  "the mailbox is disabled or suspended" },
	{ "exceedlimit", 0, "the message exceeds the recipient's own size limit",
	  "the message is larger than this mailbox accepts" },
	{ "mesgtoobig", 0, "the message exceeds the receiving system's size limit",
	  "the message is larger than the receiving server accepts" },
	{ "filtered", 0, "the recipient or their settings refused this sender or message",
	  "the recipient's filters refused the message" },
	{ "rejected", 0, "the envelope sender was refused",
	  "the receiving server refused the sender address" },
	{ "blocked", 0, "the sending IP address or network is refused",
	  "the receiving server refuses mail from the sending server's IP address" },
	{ "badreputation", 0, "the sending IP or domain has a poor reputation at the receiver",
	  "the sending IP or domain has a poor reputation there" },
	{ "requireptr", 0, "the sending IP has no or a mismatching reverse DNS (PTR) record",
	  "the sending server's IP has no proper reverse DNS name" },
	{ "authfailure", 0, "SPF, DKIM or DMARC failed or is missing where required",
	  "SPF, DKIM or DMARC checks failed" },
	{ "speeding", 0, "the receiver rate-limits the sender",
	  "the sender is sending too fast for this provider" },
	{ "toomanyconn", 0, "too many connections or recipients in one transaction",
	  "too many connections or recipients at once" },
	{ "spamdetected", 0, "the content was judged to be spam",
	  "the message was judged to be spam" },
	{ "virusdetected", 0, "the content carried malware",
	  "the message carried malware" },
	{ "policyviolation", 0, "the message breaks a site policy other than spam or virus",
	  "the message breaks the receiver's policy" },
	{ "contenterror", 0, "the message content or headers are not accepted",
	  "the message content was not accepted" },
	{ "notcompliantrfc", 0, "the message does not follow RFC 5322",
	  "the message is not properly formatted" },
	{ "securityerror", 0, "an authentication or security requirement was not met",
	  "a security or authentication requirement was not met" },
	{ "failedstarttls", 0, "STARTTLS failed or TLS was required and not available",
	  "an encrypted connection could not be set up" },
	{ "norelaying", 0, "the server refused to relay",
	  "the server refused to relay the message" },
	{ "notaccept", -1, "the destination accepts no mail at all",
	  "the destination does not accept mail" },
	{ "networkerror", 0, "DNS, connection or routing failure on the way",
	  "the receiving server could not be reached" },
	{ "expired", 0, "the sending server gave up after its queue lifetime",
	  "the sending server gave up after retrying for too long" },
	{ "systemerror", 0, "the remote system failed",
	  "the receiving system had an error" },
	{ "systemfull", 0, "the remote system is out of disk or resources",
	  "the receiving system is out of space" },
	{ "mailererror", 0, "the local delivery program failed",
	  "the local delivery program failed" },
	{ "syntaxerror", 0, "an SMTP command was refused as a syntax error",
	  "a command in the mail conversation was refused" },
	{ "suppressed", 0, "the sending service did not try: the address is on its suppression list",
	  "the sending service skipped this address (suppression list)" },
	{ "onhold", 0, "a bounce whose reason cannot be decided from what it says",
	  "it failed, but the bounce does not say clearly why" },
	{ "undefined", 0, "not enough information to decide anything",
	  "the bounce does not say enough to tell" },
	{ "vacation", 0, "an automatic reply, not a failure",
	  "an automatic reply (out of office), not a failure" },
	{ "feedback", 0, "an abuse or feedback-loop report, not a failure",
	  "a spam complaint or feedback report about your message" },
	{ "delivered", 0, "the message was delivered",
	  "the message was delivered" },
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
