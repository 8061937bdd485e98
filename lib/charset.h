/*
 * charset.h - keeps the C library's charset converters loaded.
 *
 * iconv_open() loads a converter module (a shared object: ISO-2022-JP
 * brings four) and the C library unloads it soon after the last
 * iconv_close(); a run of bounces in one charset loaded and unloaded it
 * for every message (open, map, relocate, unmap: the costliest part of
 * reading a Japanese bounce).  A pinned charset keeps one converter to
 * UTF-8 open for the rest of the process, so the module stays.  Output
 * is the same either way.
 */
#ifndef BW_CHARSET_H
#define BW_CHARSET_H

#include <stdbool.h>
#include <stddef.h>

/* Keeps the converter from charset[0..len) to UTF-8 loaded (up to
 * BW_CHARSET_PINS names; a name iconv does not know is remembered too,
 * and not tried again); with `gmime` (GMime is initialised: its charset
 * filter will convert), also the one GMime opens for that charset.
 * Thread-safe; does nothing when out of memory. */
#define BW_CHARSET_PINS 32
void bw_charset__pin(const char *charset, size_t len, bool gmime);

#endif
