/* The body index of the decoders (lib/textindex.c): it may only ever say
 * "absent" for phrases that are absent, and bw_memcasemem() gives the same
 * answers with it as without. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "textindex.h"
#include "util.h"

static const char body[] =
	"This is the mail system at host mx.example.org.\n"
	"I'm sorry to have to inform you that your message could not\n"
	"be delivered to one or more recipients.\n"
	"<nobody@example.net>: host mx.example.net said: 550 5.1.1 User unknown\n"
	"\xe5\xae\x9b\xe5\x85\x88\xe4\xb8\x8d\xe6\x98\x8e\n";

int main(void)
{
	static const char *const phrases[] = {
		"mail system", "MAIL SYSTEM", "User Unknown", "550 5.1.1", "inform you",
		"\xe5\xae\x9b\xe5\x85\x88", "recipients.\n<", "zzz", "Delivery has failed",
		"Remote Server returned", "mail systems", "ab", "x", "",
	};
	bw_textindex *ix = malloc(sizeof(*ix));
	size_t len = strlen(body), i, j, k;
	bool same = true, all_present = true;

	bw_textindex__build(ix, body, len);
	/* Not installed: no opinion. */
	CHECK(bw_textindex__may_occur(body, len, "zzz", 3));
	CHECK(bw_textindex__use(ix) == NULL);
	/* Every substring, in any case, may occur. */
	for (i = 0; i + 3 <= len; i++)
		for (k = 3; i + k <= len && k < 12; k++) {
			char sub[16];

			memcpy(sub, body + i, k);
			for (j = 0; j < k; j++)
				if (j % 2 && sub[j] >= 'a' && sub[j] <= 'z')
					sub[j] = (char)(sub[j] - 32);
			if (!bw_textindex__may_occur(body, len, sub, k))
				all_present = false;
		}
	CHECK(all_present);
	/* Absent phrases with a triple the body lacks are answered at once. */
	CHECK(!bw_textindex__may_occur(body, len, "zzz", 3));
	CHECK(!bw_textindex__may_occur(body + 10, 20, "Remote Server returned", 22));
	/* A search outside the indexed text is not judged by it. */
	CHECK(bw_textindex__may_occur("zzz", 3, "zzz", 3));
	/* Same answers as a plain search, inside the body and in parts of it. */
	for (i = 0; i < sizeof(phrases) / sizeof(phrases[0]); i++) {
		const char *with, *without;
		const bw_textindex *prev;

		with = bw_memcasemem(body + 5, len - 5, phrases[i]);
		prev = bw_textindex__use(NULL);
		without = bw_memcasemem(body + 5, len - 5, phrases[i]);
		bw_textindex__use(prev);
		if (with != without)
			same = false;
	}
	CHECK(same);
	CHECK(bw_textindex__use(NULL) == ix);
	CHECK(bw_memcasemem("a zzz b", 7, "ZZZ") != NULL);
	free(ix);
	return check_done();
}
