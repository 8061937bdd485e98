/*
 * mojibake.h - a reply decoded with the wrong charset on its way into a
 * log or a notice (UTF-8 or Windows-1251 shown as Windows-1252), read
 * back as the text it was.
 */
#ifndef BW_MOJIBAKE_H
#define BW_MOJIBAKE_H

/* The repaired text of UTF-8 string s (for the caller to free), or NULL
 * when s shows no such damage (or on ENOMEM).  Undoes UTF-8 read as
 * Windows-1252 where the bytes form well-formed sequences, and
 * Windows-1251 read as Windows-1252 where whole words are made of the
 * letters U+00C0-U+00FF (two such words, or one of six letters). */
char *bw_mojibake__repair(const char *s);

#endif
