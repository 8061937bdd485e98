/* util.h: prefix macros that count a literal's length themselves; text.h:
 * skipping a prefix or a marker by its own length. */
#include <stdbool.h>
#include <string.h>

#include "check.h"
#include "text.h"
#include "util.h"

/* bw_text__valid_utf8 reads ASCII eight bytes at a time: a NUL or an
 * 8-bit byte at every offset of a long text, and a valid sequence across
 * the eight-byte steps. */
static void test_valid_utf8(void)
{
	char t[40];
	size_t i;

	memset(t, 'a', sizeof(t));
	CHECK(bw_text__valid_utf8(t, sizeof(t)));
	for (i = 0; i < sizeof(t); i++) {
		memset(t, 'a', sizeof(t));
		t[i] = '\0';
		CHECK(!bw_text__valid_utf8(t, sizeof(t)));
		t[i] = (char)0xE9;                  /* Latin-1 e-acute: not UTF-8 */
		CHECK(!bw_text__valid_utf8(t, sizeof(t)));
		if (i + 1 < sizeof(t)) {
			t[i] = (char)0xC3;              /* UTF-8 e-acute */
			t[i + 1] = (char)0xA9;
			CHECK(bw_text__valid_utf8(t, sizeof(t)));
		}
	}
	CHECK(!bw_text__valid_utf8("abcdefgh\xC3", 9));   /* cut sequence */
}

int main(void)
{
	test_valid_utf8();
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
	{
		const char *t = "Reason: mailbox full";
		size_t tl = strlen(t);

		CHECK(!bw_text__skip(&t, &tl, "Member:"));
		CHECK(tl == 20);
		CHECK(bw_text__skip(&t, &tl, "reason:"));
		CHECK(tl == 13 && strncmp(t, " mailbox full", tl) == 0);
		tl = 3;
		t = "Reason: x";
		CHECK(!bw_text__skip(&t, &tl, "Reason:"));    /* longer than the text */
		CHECK_STR(bw_text__after("host x said: 550", 16, " SAID:"), " 550");
		CHECK(bw_text__after("host x said: 550", 8, " said:") == NULL);
		/* a word, not part of a longer one: the joins are extra glue */
		{
			const char *w = "carol@x.org, Carol (user not found)";
			CHECK(bw_text__find_word(w, strlen(w), "carol", ".", ".@") == w + 13);
			CHECK(bw_text__find_word(w, strlen(w), "carol", "", "") == w);
			CHECK(bw_text__find_word("gsmtps gsmtp", 12, "GSMTP", "", "") != NULL);
			CHECK(bw_text__find_word("xgsmtp gsmtps", 13, "gsmtp", "", "") == NULL);
			CHECK(bw_text__find_word("gsmtp", 3, "gsmtp", "", "") == NULL);
		}
	}
	return check_done();
}
