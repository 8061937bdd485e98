/*
 * log_source.c - see log_source.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bouncewhy.h"
#include "error.h"
#include "gmime_load.h"
#include "log_source.h"

struct bw_log_source {
	int fd;
	bool own_fd;
	bool plain;                 /* read(2) directly */
	long long mtime;
	GInputStream *in;           /* otherwise: GIO (buffered, maybe decompressed) */
};

static bool gzip_magic(const unsigned char *b, size_t n)
{
	return n >= 2 && b[0] == 0x1f && b[1] == 0x8b;
}

int bw_log_source__open(bw_log_source **out, const char *path)
{
	bw_log_source *s = calloc(1, sizeof(*s));
	unsigned char magic[2];
	struct stat st;
	ssize_t n;

	*out = NULL;
	if (!s)
		return bw_error__set(BW_ENOMEM, "out of memory");
	if (strcmp(path, "-") == 0) {
		s->fd = STDIN_FILENO;
	} else if ((s->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		int e = errno;
		free(s);
		return bw_error__set(BW_EIO, "cannot open %s: %s", path, strerror(e));
	} else {
		s->own_fd = true;
	}
	if (fstat(s->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		bw_log_source__close(s);
		return bw_error__set(BW_EIO, "%s is a directory", path);
	}
	if (fstat(s->fd, &st) == 0 && S_ISREG(st.st_mode)) {
		s->mtime = (long long)st.st_mtime;
		n = pread(s->fd, magic, sizeof(magic), 0);
		if (!gzip_magic(magic, n > 0 ? (size_t)n : 0)) {
			s->plain = true;
			*out = s;
			return BW_OK;
		}
	}
	/* a stream (peeked through a buffer) or a compressed file: GIO's
	 * streams, loaded with GMime (gmime_load.h) */
	if (bw_gmime__load() != BW_OK) {
		bw_log_source__close(s);
		return BW_ERROR;
	}
	{
		GInputStream *raw = g_unix_input_stream_new(s->fd, FALSE);
		GInputStream *buffered = g_buffered_input_stream_new_sized(raw, 65536);
		gsize avail = 0;
		const unsigned char *peek;

		g_object_unref(raw);
		g_buffered_input_stream_fill(G_BUFFERED_INPUT_STREAM(buffered), 2, NULL, NULL);
		peek = g_buffered_input_stream_peek_buffer(G_BUFFERED_INPUT_STREAM(buffered), &avail);
		if (gzip_magic(peek, avail)) {
			GConverter *z = G_CONVERTER(g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP));
			s->in = g_converter_input_stream_new(buffered, z);
			g_object_unref(z);
			g_object_unref(buffered);
		} else {
			s->in = buffered;
		}
	}
	*out = s;
	return BW_OK;
}

ssize_t bw_log_source__read(bw_log_source *s, char *buf, size_t len)
{
	GError *gerr = NULL;
	gssize n;

	if (s->plain) {
		ssize_t r;
		do
			r = read(s->fd, buf, len);
		while (r < 0 && errno == EINTR);
		if (r < 0)
			bw_error__set(BW_EIO, "read failed: %s", strerror(errno));
		return r;
	}
	n = g_input_stream_read(s->in, buf, len, NULL, &gerr);
	if (n < 0) {
		bw_error__set(BW_EIO, "read failed: %s", gerr ? gerr->message : "unknown error");
		g_clear_error(&gerr);
		return -1;
	}
	return (ssize_t)n;
}

bool bw_log_source__plain_file(const bw_log_source *s)
{
	return s->plain;
}

int bw_log_source__fd(const bw_log_source *s)
{
	return s->plain ? s->fd : -1;
}

long long bw_log_source__mtime(const bw_log_source *s)
{
	return s->mtime;
}

void bw_log_source__close(bw_log_source *s)
{
	if (!s)
		return;
	if (s->in)
		g_object_unref(s->in);
	if (s->own_fd)
		close(s->fd);
	free(s);
}
