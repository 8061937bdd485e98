/*
 * addrline.h - the addresses on one line of a report, for readers of
 * layouts no decoder knows (prose.c): every address with where its word
 * starts, an address alone on its line (a list item), an address after a
 * label ("Recipient: x"), list bullets and indentation.
 */
#ifndef BW_DECODERS_ADDRLINE_H
#define BW_DECODERS_ADDRLINE_H

#include <stdbool.h>
#include <stddef.h>

/* The next address in l[*pos..n), normalised (caller frees), with the
 * offset where its word starts in *start and *pos moved past it; NULL when
 * there is none (then *pos is n). */
char *bw_addrline__next(const char *l, size_t n, size_t *pos, size_t *start);

/* The columns of white space before the line's text (a tab counts 8). */
size_t bw_addrline__indent(const char *l, size_t n);

/* The line's text (trimmed) after a list bullet ("-", "--", "*", "•",
 * "1.", "1)"); its length in *out_len. */
const char *bw_addrline__after_bullet(const char *l, size_t n, size_t *out_len);

/* When the line holds one address and nothing else (a bullet, brackets,
 * quotes, a display name before "<address>", a trailing ':' or ','
 * allowed): that address, normalised; else NULL.  Caller frees. */
char *bw_addrline__lone(const char *l, size_t n);

/* Does the line (after a bullet) start with an address, bracketed or
 * quoted or not, or with a display name right before one ("Name <x>",
 * "Name (x)")? */
bool bw_addrline__starts_with_address(const char *l, size_t n);

/* The text after "LABEL:" (or a full-width colon) at the start of line
 * l[0..n), bullets and spaces skipped, for the first of `labels` (matched
 * case-insensitively) that starts it; its length in *out_len; NULL when
 * no label starts the line. */
const char *bw_addrline__label_value(const char *l, size_t n, const char *const *labels,
                                     size_t nl, size_t *out_len);
/* When the line is "LABEL: address" with one of labels[0..nl) (matched
 * case-insensitively at the start of the line after a bullet; a colon or a
 * full-width colon after optional spaces), the address; else NULL.
 * Caller frees. */
char *bw_addrline__labelled(const char *l, size_t n, const char *const *labels, size_t nl);

#endif
