/*
 * msg.h - the decoded view of one message that the format decoders read.
 *
 * mime.c builds it from the raw octets with GMime; nothing after that point
 * sees GMime.  All text is UTF-8 with LF line endings; transfer encodings and
 * RFC 2047 words are decoded; HTML parts are turned into plain text.
 */
#ifndef BW_MSG_H
#define BW_MSG_H

#include <stdbool.h>
#include <stddef.h>

#include "record.h"

/* The longest header or field line kept when the caller sets no
 * max_line_length (bw_parse_options): the MIME reader and the DSN reader
 * both cut there. */
#define BW_DEFAULT_MAX_LINE ((size_t)64 << 10)

typedef struct bw_msg {
	/* Top-level headers of the bounce itself, decoded, in order. */
	bw_kvlist headers;
	/* Lower-cased "type/subtype" of the top-level part, and the
	 * report-type parameter of a multipart/report ("" if none). */
	char *content_type;
	char *report_type;
	/* The human-readable text of the bounce: every text/plain part (or
	 * text/html turned into text when a multipart/alternative has no
	 * plain part) outside returned messages, in order, separated by a
	 * blank line.  For a non-MIME message, its whole body.  Never NULL. */
	char *body;
	size_t body_len;
	/* Bodies of message/delivery-status and message/global-delivery-status
	 * parts (any type ending in "/delivery-status"), outermost message first. */
	bw_strlist dsn;
	/* Body of the message/feedback-report part, or NULL. */
	char *feedback;
	/* Headers of the returned original message (message/rfc822,
	 * message/global, text/rfc822-headers, message/global-headers), all of
	 * them, in order; empty when none was attached. */
	bw_kvlist orig_headers;
	bool has_original;
	/* The file name of a program or an archive attached outside any
	 * returned message ("message.zip", "document.scr"), or NULL: what a
	 * worm dressed as a delivery notice carries instead of the original. */
	char *program_attachment;
	/* Set when the bounce was found inside an attached message (a bounce
	 * forwarded by a person, or a bounce of a bounce). */
	bool nested;
	/* Warnings collected while decoding the MIME structure. */
	bw_strlist warnings;
	/* The view was built without GMime objects (mimeflat.h). */
	bool flat;
	/* bw_text__report_length() of this message, computed once before the
	 * decoders run (they ask for it about 150 times a message); valid when
	 * report_length_known. */
	size_t report_length;
	bool report_length_known;
	/* Set for a second reading of a failure notice whose first named no
	 * recipient: the notice's own addresses (its To and Cc, the original's
	 * From) may then be the recipient, as when a sender mailed themselves. */
	bool own_may_fail;
} bw_msg;

/* Parses `buf` (LF line endings already) into `out`.  Returns BW_OK,
 * BW_EPARSE, BW_ELIMIT or BW_ENOMEM (message in bw_error_message()). */
int bw_msg__parse(bw_msg *out, const char *buf, size_t len,
                  const bw_parse_options *opts);
/* The same, given the index of the buffer that `buf` is at offset `base`
 * of (prepare.h, bw_scanidx__build(); NULL: none): what it lists is not
 * searched for again. */
struct bw_scanidx;
int bw_msg__parse_indexed(bw_msg *out, const char *buf, size_t len,
                          const bw_parse_options *opts, const struct bw_scanidx *x, size_t base);
/* What bw_msg__parse_plain() returns for a message it does not read. */
#define BW_MSG_NEEDS_GMIME 1
/* bw_msg__parse_indexed(), but only when the message is read without a
 * GMime message (plain text, or a flat multipart whose returned original,
 * if any, is plain: mime.c) and bw_prepare__input() has nothing to change in
 * it; else BW_MSG_NEEDS_GMIME, with *out empty (nothing to clear). */
int bw_msg__parse_plain(bw_msg *out, const char *buf, size_t len,
                        const bw_parse_options *opts, const struct bw_scanidx *x, size_t base);
void bw_msg__clear(bw_msg *m);

/* Tests only: when set (before any parse), every message goes to GMime,
 * none is read by mimeflat.c, so that the two views can be compared. */
extern bool bw_msg__flat_off;

/* A top-level header of the bounce, or NULL. */
static inline const char *bw_msg__header(const bw_msg *m, const char *name)
{
	return bw_kvlist__get(&m->headers, name);
}

/* Parses an RFC 5322 header block (unfolding continuation lines) from text
 * into `out`, stopping at the first empty line or the end.  Returns the
 * number of bytes consumed (header block and the empty line). */
size_t bw_headers__parse(const char *text, size_t len, bw_kvlist *out);

#endif
