/*
 * test-wrapper.c - where the cause clause after a generic head starts
 * (lib/rules/rules_wrapper.c, rules/vocabulary/wrappers.vocab), and that
 * heads giving the clause its subject are no wrappers.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "rules/rules_impl.h"

static const bw_rules *rules;

/* The clause found in `reply` starts with `clause` (NULL: no wrapper). */
static void clause_is(const char *reply, const char *clause)
{
	size_t at = bw_rules__clause_start(rules, reply, strlen(reply));

	if (!clause) {
		CHECK(at == 0);
		return;
	}
	CHECK(at > 0 && strncmp(reply + at, clause, strlen(clause)) == 0);
	if (!(at > 0 && strncmp(reply + at, clause, strlen(clause)) == 0))
		fprintf(stderr, "clause of '%s': '%s'\n", reply, reply + at);
}

int main(void)
{
	bw_rules *r = NULL;

	if (bw_rules_open(&r, NULL) < 0) {
		fprintf(stderr, "rules: %s\n", bw_error_message());
		return 1;
	}
	rules = r;
	clause_is("450 4.7.1 Client host rejected: zu viele Nachrichten", "zu viele");
	clause_is("550 5.1.1 <a@example.org>: Recipient address rejected: quota exceeded", "quota");
	clause_is("550 5.7.1 Blocked by policy: hosts without rDNS may not send", "hosts without");
	clause_is("550 rejected RCPT <a@example.org>: account disabled", "account disabled");
	clause_is("550 5.7.1 Delivery not authorized, message refused: data policy", "data policy");
	/* heads that give the clause its subject, and no head at all */
	clause_is("550 5.1.0 <b@example.net>: Sender address rejected: Domain not found", NULL);
	clause_is("550 Message blocked by the virus scanner: Trojan.Example", NULL);
	clause_is("550 5.1.1 User unknown", NULL);
	clause_is("450 4.7.1 Client host rejected:", NULL);   /* nothing after the head */
	bw_rules_free(r);
	return check_done();
}
