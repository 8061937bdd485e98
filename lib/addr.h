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

/* "local@domain" from local[0..ll) and domain[0..dl), for the caller to
 * free; NULL on ENOMEM (reported with bw_error__oom()). */
char *bw_addr__join(const char *local, size_t ll, const char *domain, size_t dl);

/* The subscriber address a VERP extension carries: "jane=example.org"
 * (the part of "list-bounces+jane=example.org@lists.example" after its
 * separator) -> "jane@example.org".  The last '=' separates local part and
 * domain; both must be non-empty and the domain must hold a dot.  Sympa's
 * "jane==a==example.org==listname" is read too.  NULL when
 * ext[0..len) is no such extension (or on ENOMEM, reported). */
char *bw_addr__verp_subscriber(const char *ext, size_t len);

/* RFC 6533's embedded Unicode in a "utf-8" address type, "j\x{E9}r\x{F4}me@x"
 * (3.1: a backslash, 'x' and two to six hex digits in braces for one code
 * point): a copy of s[0..len) with each such escape written as UTF-8, for
 * the caller to free; NULL when s holds none (or on ENOMEM). */
char *bw_addr__embedded_unicode(const char *s, size_t len);

/* Does s[0..len) look like local@domain.tld? */
bool bw_addr__plausible(const char *s, size_t len);

/* Is s[0..len) local@label, a domain of one DNS label (letters, digits,
 * hyphens; not only digits) and a plausible local part: an address typed
 * without its top-level domain ("kim@gmail").  Not plausible in running
 * text; a field or a line that holds only an address still gives it as the
 * address that failed ("Final-Recipient: rfc822; kim@example"). */
bool bw_addr__single_label(const char *s, size_t len);

#endif
