/*
 * textindex.h - one pass over a text that answers "surely absent" for most
 * of the phrases later looked for in it.
 *
 * The decoders look for many phrases in a message body while decoding
 * (their sniffs' markers are found in one pass instead:
 * lib/decoders/markers.h), most of which are absent.  The index records, in one
 * pass, which byte triples (ASCII case folded) occur in the body; a phrase
 * with a triple the body lacks cannot occur, and bw_memcasemem() answers
 * NULL for it at once.  A phrase whose triples are all there is searched
 * for as before.  The index is consulted only for searches that lie
 * inside the indexed text, and only by the thread that installed it.
 */
#ifndef BW_TEXTINDEX_H
#define BW_TEXTINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BW_TEXTINDEX_BITS 65536

typedef struct bw_textindex {
	const char *text;
	size_t len;
	uint64_t bits[BW_TEXTINDEX_BITS / 64];
} bw_textindex;

/* Indexes text[0..len) (the text must outlive the index's use). */
void bw_textindex__build(bw_textindex *ix, const char *text, size_t len);

/* Makes `ix` (or NULL: none) the index the calling thread's searches use;
 * returns the one it replaces, to be put back. */
const bw_textindex *bw_textindex__use(const bw_textindex *ix);

/* False when needle[0..n) surely does not occur (ASCII case ignored) in
 * hay[0..hay_len), by the calling thread's index; true when it may. */
bool bw_textindex__may_occur(const char *hay, size_t hay_len, const char *needle, size_t n);

#endif
