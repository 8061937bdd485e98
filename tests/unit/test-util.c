/* util.h: prefix macros that count a literal's length themselves. */
#include <stdbool.h>

#include "check.h"
#include "util.h"

int main(void)
{
	const char *s = "Mailto:a@example.com", *p;

	CHECK(BW_LITERAL_LEN("IPv6:") == 5);
	CHECK(BW_LITERAL_LEN("") == 0);
	CHECK(BW_HAS_PREFIX("RCPT TO:<a>", "RCPT TO:"));
	CHECK(!BW_HAS_PREFIX("rcpt to:<a>", "RCPT TO:"));
	CHECK(BW_HAS_PREFIX_CI("rcpt to:<a>", "RCPT TO:"));
	CHECK(!BW_HAS_PREFIX_CI("RCPT", "RCPT TO:"));       /* shorter text */
	p = s;
	CHECK(BW_SKIP_PREFIX_CI(p, "mailto:"));
	CHECK_STR(p, "a@example.com");
	p = s;
	CHECK(!BW_SKIP_PREFIX(p, "mailto:"));                /* case-sensitive: not moved */
	CHECK(p == s);
	CHECK(!BW_SKIP_PREFIX_CI(p, "rfc822;"));
	CHECK(p == s);
	return check_done();
}
