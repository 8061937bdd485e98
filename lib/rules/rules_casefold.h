/*
 * rules_casefold.h - one spelling per case class, so that the literal
 * prefilter can look for words of cased scripts other than ASCII.
 *
 * The rules' patterns are matched caselessly (PCRE2_CASELESS, PCRE2_UTF):
 * "спам" matches "СПАМ", "σ" matches "ς" and "Σ".  A literal of such
 * letters cannot be looked for byte for byte in the text; it can be in the
 * text written with every letter of a case class as the same letter (the
 * class's smallest member).  rules_prefilter.c writes a pattern's literals
 * that way, rules_match.c the text; the classes are generated from the
 * Unicode data of PCRE2's version (rules_case_table.h), and
 * tests/unit/test-casefold.c checks them against PCRE2 itself.
 */
#ifndef BW_RULES_CASEFOLD_H
#define BW_RULES_CASEFOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The length (1 to 4) of the valid UTF-8 character at p[0..avail), its
 * code point in *cp; 0 when none starts there (a stray or truncated byte,
 * an overlong form, a surrogate). */
size_t bw_casefold__char_at(const char *p, size_t avail, uint32_t *cp);

/* Writes code point cp as UTF-8 at out (room for 4 bytes); its length. */
size_t bw_casefold__put(uint32_t cp, char *out);

/* Whether a literal may hold code point cp of a pattern, as *out: true
 * when every character PCRE2 matches with cp caselessly is one that
 * bw_casefold__text() writes as *out (for an ASCII character, the lower
 * case; for one of a case class without an ASCII member, the class's
 * smallest member; for one of a script without case, itself).  False when
 * unsure: 'k' and 's' (the Kelvin sign and the long s match them), the
 * characters of those classes and of the dotted and dotless i's, and
 * characters outside the scripts known to have no case. */
bool bw_casefold__literal_char(uint32_t cp, uint32_t *out);

/* text[0..len) (ASCII already in lower case) with every character of a
 * case class without an ASCII member written as the class's smallest
 * member, into out (room for len bytes; the result is never longer, so
 * out may be text itself); other bytes, and bytes that are not valid
 * UTF-8, are copied.  Returns the length written. */
size_t bw_casefold__text(const char *text, size_t len, char *out);

#endif
