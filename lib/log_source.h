/*
 * log_source.h - the bytes of one log operand for bw_log_run(): a plain
 * file, standard input, or a gzip-compressed file or stream (detected by
 * its magic bytes, decompressed with GIO's GZlibDecompressor).  The only
 * file of the library that uses GIO.
 */
#ifndef BW_LOG_SOURCE_H
#define BW_LOG_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct bw_log_source bw_log_source;

/* Opens `path` ("-": standard input).  Returns BW_OK, or BW_EIO / BW_ENOMEM
 * with the message ("cannot open PATH: ...", "PATH is a directory"). */
int bw_log_source__open(bw_log_source **out, const char *path);
/* Reads up to len bytes: the count, 0 at the end (for now: a followed
 * plain file may grow), -1 on an error (BW_EIO, "read failed: ..."). */
ssize_t bw_log_source__read(bw_log_source *s, char *buf, size_t len);
/* Is it a plain file read directly (so that it can be followed)? */
bool bw_log_source__plain_file(const bw_log_source *s);
/* The descriptor of a plain file, else -1. */
int bw_log_source__fd(const bw_log_source *s);
/* The modification time of the file (0 for a stream). */
long long bw_log_source__mtime(const bw_log_source *s);
void bw_log_source__close(bw_log_source *s);

#endif
