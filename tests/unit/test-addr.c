/*
 * test-addr.c - address normalisation (addr.c): the forms reports give.
 */
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "check.h"

static void norm(const char *in, const char *want)
{
	char *got = bw_addr__normalize(in, strlen(in));

	if (want)
		CHECK_STR(got, want);
	else
		CHECK(got == NULL);
	free(got);
}

static void verp(const char *ext, const char *want)
{
	char *got = bw_addr__verp_subscriber(ext, strlen(ext));

	if (want)
		CHECK_STR(got, want);
	else
		CHECK(got == NULL);
	free(got);
}

int main(void)
{
	/* VERP extensions: the last '=' splits local part and domain */
	verp("jane=example.org", "jane@example.org");
	verp("a=b=mail.example.net", "a=b@mail.example.net");
	verp("jane=localhost", NULL);        /* no dot: not a domain */
	verp("=example.org", NULL);
	verp("jane=", NULL);
	verp("jane.example.org", NULL);
	verp("heidi==a==alpine.example==touren", "heidi@alpine.example");   /* Sympa */
	verp("heidi==A==alpine.example", "heidi@alpine.example");
	verp("heidi==a==localhost==list", NULL);
	verp("==a==alpine.example", NULL);
	norm("rfc822; Jane@Example.COM", "Jane@example.com");
	norm("\"Jane Doe\" <jane@example.com>", "jane@example.com");
	norm("Jane Doe <jane@example.com> (the boss)", "jane@example.com");
	/* X.400 (RFC 2156): rfc-822= with (a) for @ */
	norm("/c=US/admd=ATTMAIL/prmd=EXAMPLE/o=MAIL/rfc-822=jane(a)Example.com/",
	     "jane@example.com");
	norm("rfc-822=first(u)last(a)example.org", "first_last@example.org");
	/* Exchange proxy addresses and mailto: */
	norm("smtp=jane@example.com", "jane@example.com");
	norm("SMTP:jane@example.com", "jane@example.com");
	norm("mailto:jane@example.com", "jane@example.com");
	/* The percent hack through a relay */
	norm("jane%mail.example.org@relay.example.net", "jane@mail.example.org");
	norm("<jane%mail.example.org@relay.example.net>", "jane@mail.example.org");
	/* a % that is not a host stays */
	norm("50%off@example.com", "50%off@example.com");
	/* MailEnable's "[SMTP:x]", an X.400 address with its dda:SMTP= form */
	norm("[SMTP:jane@example.com]", "jane@example.com");
	norm("c=US;a= ;p=Example Corp;o=Exchange;dda:SMTP=jane@Example.com;", "jane@example.com");
	/* an RFC 821 source route */
	norm("<@relay1.example.net,@relay2.example.net:jane@example.com>", "jane@example.com");
	/* trailing punctuation, doubled brackets */
	norm("<<jane@example.com>>.", "jane@example.com");
	norm("'jane@example.com',", "jane@example.com");
	/* a quoted local part keeps its quotes */
	norm("<\"jane..doe\"@Example.com>", "\"jane..doe\"@example.com");
	norm("\"Jane Doe\" <\"j d\"@example.com>", "\"j d\"@example.com");
	/* ... but quotes around a dot-atom are dropped (RFC 5322 3.4.1) */
	norm("<\"rsuzuki\"@Example.org>", "rsuzuki@example.org");
	norm("\"jo.ann\"@example.org", "jo.ann@example.org");
	norm("\".jo\"@example.org", "\".jo\"@example.org");
	/* Exchange's encapsulated SMTP address (IMCEASMTP-, '+' and hex) */
	norm("IMCEASMTP-grace+40remote+2Eexample+2Eorg@example.com", "grace@remote.example.org");
	norm("<imceasmtp-a+2Eb+40mail.example.net@corp.example.com>", "a.b@mail.example.net");
	norm("IMCEASMTP-nothing@example.com", "IMCEASMTP-nothing@example.com");
	norm("", NULL);
	/* an address typed without its top-level domain: not plausible in
	 * running text, an address of its own in a field or on a line */
	norm("rfc822; kim@gmail", NULL);
	CHECK(bw_addr__single_label("kim@gmail", 9));
	CHECK(bw_addr__single_label("kim.lee@mail-host", 17));
	CHECK(!bw_addr__single_label("kim@gmail.com", 13));    /* two labels */
	CHECK(!bw_addr__single_label("kim@12345", 9));         /* digits only */
	CHECK(!bw_addr__single_label("kim@-x", 6));
	CHECK(!bw_addr__single_label("@gmail", 6));
	CHECK(!bw_addr__single_label("k<m@gmail", 9));
	return check_done();
}
