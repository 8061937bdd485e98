/* util.h: prefix macros that count a literal's length themselves; text.h:
 * skipping a prefix or a marker by its own length. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "msg.h"
#include "text.h"
#include "util.h"

/* Is `got`, a string the function under test made (freed here), `want`? */
static bool gives(char *got, const char *want)
{
	bool same = got && strcmp(got, want) == 0;

	free(got);
	return same;
}

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

/* The squeeze as it was written first, byte by byte: the reference. */
static void ref_squeeze(char *s)
{
	char *r = s, *w = s;
	bool space = false;

	while (*r && bw_isspace((unsigned char)*r))
		r++;
	for (; *r; r++) {
		if (bw_isspace((unsigned char)*r)) {
			space = true;
			continue;
		}
		if (space && w != s)
			*w++ = ' ';
		space = false;
		*w++ = *r;
	}
	*w = '\0';
}

static size_t ref_normalize_eol(char *s, size_t len)
{
	size_t r, w = 0;

	for (r = 0; r < len; r++) {
		if (s[r] == '\r') {
			s[w++] = '\n';
			if (r + 1 < len && s[r + 1] == '\n')
				r++;
		} else {
			s[w++] = s[r];
		}
	}
	if (w < len)
		s[w] = '\0';
	return w;
}

/* bw_squeeze, bw_squeeze_dup (eight bytes at a time) and
 * bw_text__normalize_eol (nothing done without a CR) against the
 * references on random strings of white space, controls, 8-bit bytes,
 * NULs and long visible runs. */
static void test_squeeze(void)
{
	static const char alphabet[] = " \t\n\r\f\v\x01\x1f!~aZ\x80\xff";
	unsigned seed = 12345;
	int round;

	for (round = 0; round < 20000; round++) {
		char in[80], a[81], b[81], *d;
		size_t n, i, na, nb;

		seed = seed * 1103515245u + 12345u;
		n = (seed >> 8) % sizeof(in);
		for (i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			/* long visible runs too, and now and then a NUL */
			in[i] = (seed >> 16) % 3 ? 'x' : alphabet[(seed >> 20) % (sizeof(alphabet) - 1)];
			if ((seed >> 12) % 97 == 0)
				in[i] = '\0';
		}
		memcpy(a, in, n);
		a[n] = '\0';
		memcpy(b, in, n);
		b[n] = '\0';
		ref_squeeze(a);
		CHECK(strcmp(bw_squeeze(b), a) == 0);
		d = bw_squeeze_dup(in, n);
		CHECK(d && strcmp(d, a) == 0);
		free(d);
		memcpy(a, in, n);
		memcpy(b, in, n);
		a[n] = b[n] = '\0';
		na = ref_normalize_eol(a, n);
		nb = bw_text__normalize_eol(b, n);
		CHECK(na == nb && memcmp(a, b, n + 1) == 0);
	}
}

/* The first match of needle in hay[0..len), ASCII case ignored, byte by
 * byte: what bw_memcasemem() must answer. */
static const char *ref_casemem(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle), i, k;

	if (n == 0)
		return hay;
	for (i = 0; i + n <= len; i++) {
		for (k = 0; k < n && bw_lower((unsigned char)hay[i + k]) ==
		                     bw_lower((unsigned char)needle[k]); k++)
			;
		if (k == n)
			return hay + i;
	}
	return NULL;
}

/* bw_memcasemem compares sixteen candidate starts at a time (first and
 * last byte): every offset and length around those steps, letters in
 * both cases, punctuation that differs from a letter by 0x20 ('@' and
 * '`', '[' and '{'), 8-bit and NUL bytes, needles of 1 to 40 bytes. */
static void test_casemem(void)
{
	static const char alphabet[] = "aAbB@`[{ \xc3\0z1-";
	static const char *const needles[] = {
		"a", "@", "ab", "AB", "`b", "[a", "{A", "a@", "ba", "aaa", "abab", "a\xc3" "b",
		"bA@`[{", "zz", "aaaaaaaaaaaaaaaaa", "ab-1z ab-1z ab-1z ab-1z ab-1z ab-1z zzz"
	};
	char hay[200];
	unsigned seed = 7;
	int round;
	size_t i, len;

	for (round = 0; round < 4000; round++) {
		len = (size_t)round % 120;
		for (i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			hay[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		for (i = 0; i < sizeof(needles) / sizeof(needles[0]); i++)
			CHECK(bw_memcasemem(hay, len, needles[i]) == ref_casemem(hay, len, needles[i]));
	}
	for (len = 0; len < 120; len++) {     /* a match at every offset */
		memset(hay, 'x', sizeof(hay));
		for (i = 0; i + 6 <= len; i++) {
			memcpy(hay + i, "Bounce", 6);
			CHECK(bw_memcasemem(hay, len, "bOUNCE") == hay + i);
			CHECK(bw_memcasemem(hay, len, "bounced") == NULL);
			memset(hay + i, 'x', 6);
		}
	}
}

int main(void)
{
	test_valid_utf8();
	test_squeeze();
	test_casemem();
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
	/* a notice wrapped mid-sentence in Chinese or Japanese reads as one
	 * sentence; spaces next to Latin text or between hangul stay */
	{
		CHECK(gives(bw_text__join_cjk("因为您不是 列表订户。"), "因为您不是列表订户。"));
		CHECK(gives(bw_text__join_cjk("送信 できません。 受信者"), "送信できません。受信者"));
		CHECK(bw_text__join_cjk("550 5.1.1 用户不存在 user unknown") == NULL);
		CHECK(bw_text__join_cjk("수신자를 찾을 수 없습니다") == NULL);
		CHECK(bw_text__join_cjk("plain ascii text") == NULL);
		CHECK(bw_text__join_cjk(NULL) == NULL);
		/* cut sequences: nothing read past the end */
		CHECK(bw_text__join_cjk("\xE5\x9B \xE5") == NULL);
	}
	CHECK(bw_text__ends_with_colon("for the following reason:", 25));
	CHECK(bw_text__ends_with_colon("reason:  \n", 10));
	CHECK(bw_text__ends_with_colon("理由は以下の通りです：", strlen("理由は以下の通りです：")));
	CHECK(!bw_text__ends_with_colon("mailbox full.", 13));
	CHECK(!bw_text__ends_with_colon("", 0));
	CHECK(bw_text__blank(" \t\r\n", 4) && bw_text__blank("", 0) && !bw_text__blank(" x ", 3));
	/* the advice after a cause is cut; a label at the very start is kept */
	CHECK(gives(bw_text__cut_advice("Reason: mailbox does not exist. Solution: check the blacklist"),
	            "Reason: mailbox does not exist. "));
	CHECK(gives(bw_text__cut_advice("退信原因：连接收件方邮件系统失败。解决建议：请检查黑名单"),
	            "退信原因：连接收件方邮件系统失败。"));
	CHECK(bw_text__cut_advice("Solution: resend the message later please") == NULL);
	CHECK(bw_text__cut_advice("550 5.1.1 user unknown") == NULL);
	CHECK(bw_text__cut_advice(NULL) == NULL);
	/* the returned original starts at a title between dashes, in any
	 * language, over a header block only an original carries; a notice's
	 * own summary ("From:/To:/Subject:" alone) or a dashed heading over
	 * text is no original */
	{
		static const char *const bodies[][2] = {
			{ "Not delivered.\n\n------ 元のメッセージ ------\nFrom: a@x.example\nMessage-ID: <1@x>\n\nhi\n",
			  "------ 元のメッセージ" },
			{ "Nicht zugestellt.\n--- Ursprüngliche Nachricht ---\n\nReceived: from x\n by y\nFrom: a@x\n", "--- Urspr" },
			{ "Failed.\n----- Details -----\nFrom: a@x\nTo: b@y\nSubject: s\n\n----- Reason -----\nfull\n", NULL },
			{ "read error\n—— Original message ——\nDKIM-Signature: v=1\nFrom: a@x\n", "—— Original" },
			{ "Failed.\n----- Transcript -----\n550 5.1.1 unknown\nMessage-ID: <1@x>\n", NULL },
		};
		size_t i;

		for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
			bw_msg m;
			size_t got;

			memset(&m, 0, sizeof m);
			m.body = (char *)bodies[i][0];
			m.body_len = strlen(bodies[i][0]);
			got = bw_text__report_length(&m);
			if (bodies[i][1])
				CHECK(got == (size_t)(strstr(bodies[i][0], bodies[i][1]) - bodies[i][0]));
			else
				CHECK(got == m.body_len);
		}
	}
	return check_done();
}
