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
 * words becomes a space.  A word broken at a line's end by hyphenation and
 * joined again with a space ("does not ex- ist", "repu- tation") is made
 * whole the same way ("exist  "), and underscores written for spaces
 * (qmail-send's log) are spaces again.  Lengths and offsets stay the same, so
 * evidence still quotes the reply as written.
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

static bool lower_letter(unsigned char c)
{
	return c >= 'a' && c <= 'z';
}

/* Copies text for respelling (the first change): NULL when out of memory. */
static char *respell_copy(const char *text, size_t len)
{
	char *out = malloc(len + 1);

	if (!out) {
		bw_error__oom();   /* the parse reports it */
		return NULL;
	}
	memcpy(out, text, len);
	out[len] = '\0';
	return out;
}

/* A word hyphenated at a line's break: "ex- ist", a lower-case letter on
 * either side of "- " in the text as written (a sentence's next word after
 * a dash, "rejected - Please", has spaces or a capital) -> "exist  ". */
static char *join_hyphenated(const char *text, size_t len, char *out, char *lower, bool *oom)
{
	size_t i, end;

	for (i = 1; i + 2 < len; i++) {
		if (text[i] != '-' || text[i + 1] != ' ' || !lower_letter((unsigned char)text[i - 1]) ||
		    !lower_letter((unsigned char)text[i + 2]))
			continue;
		if (!out && !(out = respell_copy(text, len))) {
			*oom = true;
			return NULL;
		}
		for (end = i + 2; end < len && word_char((unsigned char)lower[end]); end++)
			;
		memmove(out + i, out + i + 2, end - i - 2);
		memmove(lower + i, lower + i + 2, end - i - 2);
		out[end - 2] = out[end - 1] = ' ';
		lower[end - 2] = lower[end - 1] = ' ';
		i = end - 1;
	}
	return out;
}

/* Underscores written for spaces ("Remote_host_said:_550_5.1.1_...", as
 * qmail-send logs a reply; "_is_temporarily_rate_limited", a text made one
 * token): in a run without spaces holding four or more, all read as
 * spaces (an identifier such as "SMTPSEND_DNS_NonExistentDomain" has
 * fewer). */
#define UNDERSCORE_RUN_MIN 4

static char *underscores_as_spaces(const char *text, size_t len, char *out, char *lower, bool *oom)
{
	size_t i = 0, b, under;

	while (i < len) {
		while (i < len && bw_isspace((unsigned char)text[i]))
			i++;
		for (b = i, under = 0; i < len && !bw_isspace((unsigned char)text[i]); i++)
			under += text[i] == '_';
		if (under < UNDERSCORE_RUN_MIN)
			continue;
		if (!out && !(out = respell_copy(text, len))) {
			*oom = true;
			return NULL;
		}
		for (; b < i; b++)
			if (out[b] == '_')
				out[b] = lower[b] = ' ';
	}
	return out;
}

char *bw_rules__respell(const char *text, size_t len, char *out, char *lower)
{
	size_t i, k;
	bool oom = false;

	if (memchr(text, '_', len) && (out = underscores_as_spaces(text, len, out, lower, &oom), oom))
		return NULL;
	if (memchr(text, '-', len) && (out = join_hyphenated(text, len, out, lower, &oom), oom))
		return NULL;
	for (i = 0; i < len; i++) {
		for (k = 0; k < sizeof(respellings) / sizeof(respellings[0]); k++) {
			const struct respelling *r = &respellings[k];
			size_t n;

			if (lower[i] != r->from[0] || (i && word_char((unsigned char)lower[i - 1])))
				continue;
			n = strlen(r->from);
			if (n > len - i || memcmp(lower + i, r->from, n) != 0)
				continue;
			if (!out && !(out = respell_copy(text, len)))
				return NULL;
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
