/*
 * log_source.h - the bytes of one log operand for `bouncewhy log`: a plain
 * file, standard input, or a gzip-compressed file or stream (detected by
 * its magic bytes, decompressed with GIO's GZlibDecompressor).  log_source.c
 * is the only file of the CLI that uses GLib/GIO.
 */
#ifndef BW_CLI_LOG_SOURCE_H
#define BW_CLI_LOG_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct log_source log_source;

/* Opens `path` ("-": standard input).  Returns NULL and fills `err`
 * (a message of `errlen` bytes) when it cannot be opened. */
log_source *log_source_open(const char *path, char *err, size_t errlen);
/* Reads up to len bytes: the count, 0 at the end (for now: a followed
 * plain file may grow), -1 on an error (message in err). */
ssize_t log_source_read(log_source *s, char *buf, size_t len, char *err, size_t errlen);
/* Is it a plain file read directly (so that it can be followed)? */
bool log_source_plain_file(const log_source *s);
/* The descriptor of a plain file, else -1. */
int log_source_fd(const log_source *s);
/* The modification time of the file (0 for a stream). */
long long log_source_mtime(const log_source *s);
void log_source_close(log_source *s);

#endif
