/*
 * listrefusal.c - a mailing list's refusal of a post, from any list manager
 * (Mailman, Sympa, Majordomo, LISTSERV-style owners' robots):
 *
 *     Subject: Your message to the Dev mailing list was rejected
 *
 *     Your message to the dev mailing list has been rejected for the
 *     following reason:
 *
 *     Non-members are not allowed to post messages to this list.
 *
 * with the refused post returned.  Recognised by structure: the notice comes
 * from the list's own robot (a List-Id or X-BeenThere header, or a sender
 * such as list-owner@, list-bounces@, owner-list@), says that a message to a
 * list was refused, and returns the post.  The refused destination is the
 * list address (X-BeenThere, List-Post, else the returned post's To); the
 * sentences that say why are the diagnostic, which the rules classify.
 */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "common.h"
#include "lists_phrases.h"

/* A post to a list was refused (the subject or the first lines say so). */
static const char *const refused[] = { BW_PHRASES_REFUSED };

/* Local parts of list robots: "dev-owner", "dev-bounces", "dev-request",
 * "owner-dev", "sympa", "listserv", "majordomo", "listmaster". */
static const char *const robot_marks[] = { BW_PHRASES_ROBOT_MARKS };

/* Does text[0..n) hold a list robot's address? */
static bool names_robot(const char *text, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(robot_marks) / sizeof(robot_marks[0]); i++)
		if (bw_memcasemem(text, n, robot_marks[i]))
			return true;
	return false;
}

/* A list robot in From, Sender or Return-Path. */
static bool robot_sender(const bw_msg *m)
{
	static const char *const fields[] = { "From", "Sender", "Return-Path" };
	size_t f;

	for (f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
		const char *v = bw_msg__header(m, fields[f]);
		if (v && names_robot(v, strlen(v)))
			return true;
	}
	return false;
}

/* A list robot in From itself (not only the envelope or Sender a list
 * puts on every post it distributes). */
static bool robot_from(const bw_msg *m)
{
	const char *v = bw_msg__header(m, "From");

	return v && names_robot(v, strlen(v));
}

/* A notice to a list's robot itself (Majordomo's "BOUNCE list: Non-member
 * submission" to owner-list@, asking the owner to approve): no refusal
 * told to a sender. */
static bool robot_reader(const bw_msg *m)
{
	const char *v = bw_msg__header(m, "To");

	return v && names_robot(v, strlen(v));
}

/* Words of a refusal and words that name a list, for a notice in words of
 * its own ("Your message for list X has been rejected: only subscribers
 * may post"): from a list's robot, returning the post, both must occur. */
static const char *const refusal_words[] = { BW_PHRASES_REFUSAL_WORDS };
static const char *const list_words[] = {
	"mailing list", "for list", "to list", "the list", "this list", "list \"", "subscribers",
};

/* The same in other languages, read only in a notice that comes From a
 * list's robot and returns the post: a refusal ("abgewiesen", "negato",
 * "无法投递") and a word for the list ("Liste", "konference", "列表"). */
static const char *const refusal_words_intl[] = { BW_PHRASES_REFUSAL_WORDS_INTL };
static const char *const list_words_intl[] = { BW_PHRASES_LIST_WORDS_INTL };

static int sniff(const bw_msg *m, const bw_found *f)
{
	const char *subj = bw_msg__header(m, "Subject");
	size_t n = bw_text__report_length(m);

	/* the refused post attached, or at least a list robot's own notice */
	if (!m->has_original && !robot_sender(m))
		return 0;
	if (!bw_msg__header(m, "List-Id") && !bw_msg__header(m, "X-BeenThere") && !robot_sender(m))
		return 0;
	if ((subj && bw_text__find_any(subj, strlen(subj), refused,
	                               sizeof(refused) / sizeof(refused[0]), NULL)) ||
	    bw_text__find_any(m->body, n, refused, sizeof(refused) / sizeof(refused[0]), NULL))
		return BW_SNIFF_WORDING;
	if (bw_text__find_any(m->body, n, refusal_words, sizeof(refusal_words) / sizeof(refusal_words[0]), NULL) &&
	    bw_text__find_any(m->body, n, list_words, sizeof(list_words) / sizeof(list_words[0]), NULL))
		return BW_SNIFF_WORDING;
	if (m->has_original && robot_from(m) &&
	    (bw_text__find_any(m->body, n, refusal_words_intl,
	                       sizeof(refusal_words_intl) / sizeof(refusal_words_intl[0]), NULL) ||
	     (subj && bw_text__find_any(subj, strlen(subj), refusal_words_intl,
	                                sizeof(refusal_words_intl) / sizeof(refusal_words_intl[0]), NULL))) &&
	    bw_text__find_any(m->body, n, list_words_intl, sizeof(list_words_intl) / sizeof(list_words_intl[0]),
	                      NULL))
		return BW_SNIFF_WORDING;
	return 0;
}

/* The list's address: X-BeenThere, the mailto: of List-Post, else the
 * returned post's To.  NULL if none. */
static char *list_address(const bw_msg *m)
{
	const char *v;
	char *a;

	if ((v = bw_msg__header(m, "X-BeenThere")) && (a = bw_text__first_address(v, strlen(v))))
		return a;
	if ((v = bw_msg__header(m, "List-Post")) && (a = bw_text__first_address(v, strlen(v))))
		return a;
	if ((v = bw_kvlist__get(&m->orig_headers, "To")))
		return bw_text__first_address(v, strlen(v));
	return NULL;
}

/* The first address in p[0..end) of `text` (m's body or a header of m)
 * that is neither a list robot's nor the notice's reader's, and is at
 * `domain` when that is not NULL; NULL if none. */
static char *list_address_in(const bw_msg *m, const char *text, const char *p, const char *end,
                             const char *domain)
{
	size_t dl = domain ? strlen(domain) : 0;
	char *a;

	while ((a = bw_text__next_address(text, end, &p))) {
		if ((!domain || (strlen(strchr(a, '@') + 1) == dl &&
		                 bw_strncasecmp(strchr(a, '@') + 1, domain, dl) == 0)) &&
		    !names_robot(a, strlen(a)) && !bw_decoders__is_own_address(m, a))
			return a;
		free(a);
	}
	return NULL;
}

/* Without the post attached: the first address of the notice's text that
 * is neither its reader's nor a robot's ("Your message to the Birdwatch
 * mailing list (birdwatch@lists.example) has been rejected"). */
static char *named_list(const bw_msg *m, const char *hit, size_t n)
{
	const char *p = hit, *end = m->body + n, *blank;
	int back;

	/* the paragraph of the refusal and the one before it ("Your message to
	 * the X list (x@y) has been rejected for the following reasons:") */
	for (back = 0; back < 2 && p > m->body; back++) {
		while (p > m->body && p[-1] == '\n')
			p--;    /* the blank lines above (none the first time) */
		while (p > m->body && !(p[-1] == '\n' && (p - 1 == m->body || p[-2] == '\n')))
			p--;
	}
	if ((blank = memmem(hit, (size_t)(end - hit), "\n\n", 2)))
		end = blank;

	return list_address_in(m, m->body, p, end, NULL);
}

/* Words that say a held post was refused after all ("was rejected"). */
static const char *const final_words[] = { BW_PHRASES_HELD_FINAL };
/* Words of a refusal's paragraph that leave its cause to the next one ("the
 * attached message matched the list's content filtering rules"). */
static const char *const announce_words[] = { BW_PHRASES_REFUSAL_ANNOUNCES };

/* A post held for a moderator's decision, not refused ("Your mail to
 * 'dev' is being held until the list moderator can review it"): the
 * robot's notice is no bounce, whatever reason it gives for the hold
 * ("Post by non-member to a members-only list"). */
static bool held(const bw_msg *m, size_t n)
{
	static const char *const marks[] = { BW_PHRASES_HELD_MARKS };

	return bw_text__find_any(m->body, n, marks, sizeof(marks) / sizeof(marks[0]), NULL) != NULL;
}

/* A robot's address with its mark taken off ("dev-owner@x", "owner-dev@x"
 * -> "dev@x"), in place; NULL (a freed) when it carries none. */
static char *unmark(char *a)
{
	static const char *const suffixes[] = { "-owner", "-bounces", "-request", "-admin" };
	char *at = strchr(a, '@');
	size_t i, local = at ? (size_t)(at - a) : 0;

	if (local > 6 && strncmp(a, "owner-", 6) == 0) {
		memmove(a, a + 6, strlen(a + 6) + 1);
		return a;
	}
	for (i = 0; at && i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		size_t k = strlen(suffixes[i]);

		if (local > k && bw_strncasecmp(at - k, suffixes[i], k) == 0) {
			memmove(at - k, at, strlen(at) + 1);
			return a;
		}
	}
	free(a);
	return NULL;
}

/* The first list robot's address with a mark at `domain` in text[0..n)
 * ("write to GERMANISTIK-L-request@LISTSERV.UNI.EXAMPLE"), unmarked: the
 * list it serves.  NULL if none. */
static char *list_of_named_robot(const char *text, size_t n, const char *domain)
{
	const char *p = text;
	size_t dl = strlen(domain);
	char *a;

	while ((a = bw_text__next_address(text, text + n, &p))) {
		if (strlen(strchr(a, '@') + 1) == dl && bw_strncasecmp(strchr(a, '@') + 1, domain, dl) == 0 &&
		    names_robot(a, strlen(a)) && (a = unmark(a)))
			return a;
		free(a);
	}
	return NULL;
}

/* The list a robot writes for, from its own address in From: the list's
 * address at the robot's domain where the text names one, else the robot's
 * name with its mark taken off ("dev-owner@lists.example", "dev-bounces@...",
 * "owner-dev@..." are the robots of dev@lists.example), for a notice whose
 * refusal names no list address ("This is a members-only list.
 * Your message has been automatically rejected"); from a robot of the
 * whole site (sympa@, listserv@), the list whose own robot the text names
 * ("contact the owners: dev-request@lists.example").  NULL if none. */
static char *robot_list(const bw_msg *m, size_t n)
{
	const char *v = bw_msg__header(m, "From");
	char *a = v ? bw_text__first_address(v, strlen(v)) : NULL, *at, *named;

	if (!a || !(at = strchr(a, '@'))) {
		free(a);
		return NULL;
	}
	/* the list's own address in the text, at the robot's domain ("Your
	 * mail to <hobby-ml@ml.example> was refused", from fml-admin@) */
	if ((named = list_address_in(m, m->body, m->body, m->body + n, at + 1))) {
		free(a);
		return named;
	}
	named = list_of_named_robot(m->body, n, at + 1);
	if ((a = unmark(a))) {
		free(named);
		return a;
	}
	return named;
}

/* The list the subject names ("Rejected posting to DEV-L@LISTS.EXAMPLE"):
 * its first address that is neither a robot's nor the reader's.  NULL if
 * none. */
static char *subject_list(const bw_msg *m)
{
	const char *subj = bw_msg__header(m, "Subject");

	return subj ? list_address_in(m, subj, subj, subj + strlen(subj), NULL) : NULL;
}

static int decode(const bw_msg *m, bw_report *r)
{
	size_t n = bw_text__report_length(m), len, tl;
	const char *hit = bw_text__find_any(m->body, n, refused, sizeof(refused) / sizeof(refused[0]),
	                                    NULL);
	const char *line, *t;
	bool is_held = held(m, n);
	char *addr;
	bw_recipient *rc;
	bw_lines it;

	/* a post held for the moderator is no refusal, unless the notice
	 * also says it was rejected */
	if (is_held && !bw_text__find_any(m->body, n, final_words,
	                                  sizeof(final_words) / sizeof(final_words[0]), NULL))
		return 0;
	addr = list_address(m);
	if (!addr && !m->has_original && hit)
		addr = named_list(m, hit, n);
	if (!addr && !m->has_original && !is_held && !robot_reader(m) &&
	    !(addr = subject_list(m)))
		addr = robot_list(m, n);
	if (!addr)
		return 0;
	if (bw_decoders__is_own_address(m, addr) || !(rc = bw_decoders__add(r, addr, NULL, 0))) {
		free(addr);
		return 0;
	}
	free(addr);
	bw_recipient__set(rc, BW_RCPT_ACTION, "failed");
	/* a robot's notice whose only refusal is its subject ("BOUNCE
	 * list@host: Non-member submission from ...") above the post */
	if (!hit) {
		const char *subj = bw_msg__header(m, "Subject");

		if (subj && bw_text__find_any(subj, strlen(subj), refused, sizeof(refused) / sizeof(refused[0]),
		                              NULL)) {
			bw_decoders__append_diag(rc, subj, strlen(subj));
			return 1;
		}
	}
	/* the diagnostic: the paragraph that says the post was refused, and the
	 * next ones (two at most) while each announces the reason ("for the
	 * following reason:") or is one short line ("Your message to the X list
	 * has been rejected."); in another language, the paragraph of its
	 * refusal word, from its first line */
	if (!hit && (hit = bw_text__find_any(m->body, n, refusal_words_intl,
	                                     sizeof(refusal_words_intl) / sizeof(refusal_words_intl[0]),
	                                     NULL))) {
		while (hit > m->body && !(hit[-1] == '\n' && (hit - 1 == m->body || hit[-2] == '\n')))
			hit--;
	}
	if (!hit)
		hit = m->body;
	while (hit > m->body && hit[-1] != '\n')
		hit--;
	bw_lines__init(&it, hit, n - (size_t)(hit - m->body));
	{
		int paragraphs = 0, lines = 0;
		bool announces = false, colon = false;

		while (bw_lines__next(&it, &line, &len)) {
			t = bw_text__trim(line, len, &tl);
			if (!tl) {
				if (bw_recipient__get(rc, BW_RCPT_DIAGNOSTIC) && lines &&
				    (++paragraphs > 2 || !(announces || colon)))
					break;
				lines = 0;
				colon = announces = false;
				continue;
			}
			bw_decoders__append_diag(rc, t, tl);
			lines++;
			/* a paragraph announces the next one when one of its lines
			 * ends in a colon ("for the following reason:", a notice in
			 * two languages line by line) or it is one short line */
			colon = colon || bw_text__ends_with_colon(t, tl) ||
			        bw_text__find_any(t, tl, announce_words,
			                          sizeof(announce_words) / sizeof(announce_words[0]), NULL);
			announces = lines == 1 && tl < 100;
		}
	}
	return 1;
}

const bw_decoder bw_decoder_listrefusal = { "listrefusal", sniff, decode, true, NULL, 0 };
