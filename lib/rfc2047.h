/*
 * rfc2047.h - decoding RFC 2047 encoded words in header values.
 */
#ifndef BW_RFC2047_H
#define BW_RFC2047_H

/* A UTF-8 copy of `value` with every encoded word ("=?charset?B|Q?...?=")
 * decoded.  White space between adjacent encoded words is dropped, and the
 * decoded bytes of adjacent words in the same charset are joined before
 * conversion, so a character split across two words comes out whole.
 * Unknown charsets are read as Latin-1; malformed words are kept as they
 * are.  NULL only on ENOMEM. */
char *bw_rfc2047__decode(const char *value);

#endif
