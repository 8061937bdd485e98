/* RFC 2047 encoded words: adjacent words, padding, Q encoding, charsets. */
#include <stdlib.h>

#include "check.h"
#include "rfc2047.h"

static void same(const char *in, const char *want)
{
	char *got = bw_rfc2047__decode(in);

	CHECK_STR(got, want);
	free(got);
}

int main(void)
{
	/* the first word ends in base64 padding: both words must survive */
	same("=?utf-8?B?44OQ44Km44Oz44K544Oh44O844Or44Gu44OG44K544OIKOaXpQ==?= =?utf-8?B?5pys6KqeKQ==?=",
	     "バウンスメールのテスト(日本語)");
	/* a character split across two words */
	same("=?utf-8?B?5p8=?= =?utf-8?B?sg==?=", "柲");
	same("=?iso-8859-1?q?Gr=FC=DFe_aus_K=F6ln?=", "Grüße aus Köln");
	same("Re: =?UTF-8?Q?caf=C3=A9?= and more", "Re: café and more");
	same("=?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=", "テスト");
	same("=?utf-8*en?q?hello?=", "hello");
	/* not encoded words: kept */
	same("=?broken", "=?broken");
	same("a =?utf-8?x?abc?= b", "a =?utf-8?x?abc?= b");
	same("plain text", "plain text");
	/* an unknown charset falls back to Latin-1 */
	same("=?x-unknown?q?=E9t=E9?=", "été");
	return check_done();
}
