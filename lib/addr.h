/*
 * addr.h - normalising the addresses reports give.
 */
#ifndef BW_ADDR_H
#define BW_ADDR_H

#include <stdbool.h>
#include <stddef.h>

/* The bare address in `in`: an "rfc822;" / "utf-8;" type prefix, display
 * names, angle brackets, quotes around the whole and trailing punctuation
 * removed; the domain lower-cased.  NULL when nothing address-like is left
 * (or on ENOMEM). */
char *bw_addr__normalize(const char *in, size_t len);

/* Does s[0..len) look like local@domain.tld? */
bool bw_addr__plausible(const char *s, size_t len);

#endif
