/*
 * rules_respell.c - one spelling for words servers write in several ways,
 * before the rules read a reply.
 *
 * "mail box", "mail-box" and "mailbox" are one word in replies, and so are
 * "over-quota" and "over quota".  Rather than every rule spelling each way
 * (and the literal prefilter losing "mailbox" to "mail" and "box"), the
 * copy of the reply the rules read is respelled in place: a joined word
 * moves its separator to the word's end ("mail box full" -> "mailbox  full"
 * with two spaces, which every rule reads as one \s+), a hyphen between two
 * words becomes a space.  Lengths and offsets stay the same, so evidence
 * still quotes the reply as written.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "rules_impl.h"
#include "../error.h"
#include "../util.h"

enum op { JOIN, SPACE };

static const struct respelling {
	const char *from;   /* lower-case, as found after a word's start */
	size_t at;          /* the separator's index in it */
	enum op op;
} respellings[] = {
	{ "mail box", 4, JOIN },
	{ "mail-box", 4, JOIN },
	{ "over-quota", 4, SPACE },
};

static bool word_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

char *bw_rules__respell(const char *text, size_t len, char *out, char *lower)
{
	size_t i, k;

	for (i = 0; i < len; i++) {
		for (k = 0; k < sizeof(respellings) / sizeof(respellings[0]); k++) {
			const struct respelling *r = &respellings[k];
			size_t n;

			if (lower[i] != r->from[0] || (i && word_char((unsigned char)lower[i - 1])))
				continue;
			n = strlen(r->from);
			if (n > len - i || memcmp(lower + i, r->from, n) != 0)
				continue;
			if (!out) {
				if (!(out = malloc(len + 1))) {
					bw_error__oom();   /* the parse reports it */
					return NULL;
				}
				memcpy(out, text, len);
				out[len] = '\0';
			}
			if (r->op == SPACE) {
				out[i + r->at] = ' ';
				lower[i + r->at] = ' ';
			} else {
				memmove(out + i + r->at, out + i + r->at + 1, n - r->at - 1);
				memmove(lower + i + r->at, lower + i + r->at + 1, n - r->at - 1);
				out[i + n - 1] = ' ';
				lower[i + n - 1] = ' ';
			}
			i += n - 1;
			break;
		}
	}
	return out;
}
