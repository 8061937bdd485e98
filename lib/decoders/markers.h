/*
 * markers.h - the decoders' body markers, all found in one pass.
 *
 * Each decoder keeps the phrases its sniff looks for in the body as data in
 * its own file (bw_decoder.markers) and reads, instead of searching the
 * body itself, where the shared scan found each of them (bw_found).  The
 * scan (an Aho-Corasick automaton over the ASCII-lower-cased phrases of all
 * decoders, built once per process; a phrase two decoders share is one
 * pattern) runs once per message, before the sniffs.
 *
 * Its answers are those of bw_memcasemem() (ASCII case ignored): a phrase
 * occurs in body[0..len) iff its first occurrence in the whole body ends
 * there, so one "first start" per phrase answers every prefix.
 */
#ifndef BW_DECODERS_MARKERS_H
#define BW_DECODERS_MARKERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../msg.h"

/* One decoder's view of a message's scan: its markers[i] is the scan's
 * pattern id[i]; at[p] is where pattern p first starts (SIZE_MAX: absent),
 * len[p] its length. */
typedef struct bw_found {
	const uint16_t *id;
	const size_t *at;
	const size_t *len;
	const char *body;
} bw_found;

/* Does the decoder's markers[i] occur in the body? */
static inline bool bw_found__in(const bw_found *f, size_t i)
{
	return f->at[f->id[i]] != SIZE_MAX;
}

/* Does it occur wholly within body[0..len)? */
static inline bool bw_found__before(const bw_found *f, size_t i, size_t len)
{
	size_t p = f->id[i];

	return f->at[p] != SIZE_MAX && f->at[p] + f->len[p] <= len;
}

/* bw_text__find_any(m->body, len, markers + from, n, which) from the scan:
 * the earliest of markers[from..from+n) wholly within body[0..len) (ties:
 * the first listed), or NULL; *which (if not NULL) is set to its index
 * minus `from`. */
const char *bw_found__first(const bw_found *f, size_t from, size_t n, size_t len, size_t *which);

/* For the registry. */
typedef struct bw_markers bw_markers;

/* The scanner for the phrases of `n` lists (lists[k][0..counts[k])): ids[k]
 * receives, for each phrase of list k, its pattern id (phrases equal but for
 * ASCII case share one).  NULL on ENOMEM. */
bw_markers *bw_markers__new(const char *const *const *lists, const size_t *counts, size_t n,
                            uint16_t **ids);
/* How many patterns; their lengths (for bw_found.len). */
size_t bw_markers__count(const bw_markers *s);
const size_t *bw_markers__lengths(const bw_markers *s);
/* Sets at[0..count) to where each pattern first starts in text[0..len)
 * (SIZE_MAX: absent), in one pass. */
void bw_markers__scan(const bw_markers *s, const char *text, size_t len, size_t *at);

#endif
