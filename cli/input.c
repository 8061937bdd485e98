/*
 * input.c - turning command-line operands into messages: files,
 * directories (Maildir or plain, recursively), mbox files (detected by
 * content) and standard input.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static void progress(cli_ctx *c)
{
	static struct timespec last;
	struct timespec now;

	if (!c->progress)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec - last.tv_sec + (now.tv_nsec - last.tv_nsec) / 1e9 < 0.2)
		return;
	last = now;
	fprintf(stderr, "\rbouncewhy: %lu messages, %lu errors", c->messages, c->errors);
	fflush(stderr);
}

void cli_progress_done(cli_ctx *c)
{
	if (c->progress && c->messages) {
		fprintf(stderr, "\rbouncewhy: %lu messages, %lu errors\n", c->messages, c->errors);
		fflush(stderr);
	}
}

static void parse_and_print(cli_ctx *c, const char *source, long index, const char *buf, size_t len)
{
	bw_report *r = NULL;
	int err = bw_parse_buffer(&r, c->rules, buf, len, &c->popts);

	if (err < 0)
		cli_print_error(c, source, index, err, bw_error_message());
	else
		cli_print_report(c, source, index, r);
	bw_report_free(r);
	progress(c);
}

static void read_mbox(cli_ctx *c, const char *source, int fd, const char *head, size_t head_len)
{
	bw_mbox *mb;
	const char *msg;
	size_t len;
	long index = 0;
	int err;

	/* The head was already read from fd: feed it back through a pipe-like
	 * re-read by seeking when we can, otherwise fall back to a copy. */
	if (lseek(fd, 0, SEEK_SET) != 0) {
		/* not seekable (stdin pipe): the head is lost to the reader, so
		 * parse from a temporary file holding head + rest */
		char tmpl[] = "/tmp/bouncewhy-mbox-XXXXXX";
		int tfd = mkstemp(tmpl);
		char chunk[65536];
		ssize_t n;
		if (tfd < 0) {
			cli_print_error(c, source, -1, BW_EIO, "cannot buffer standard input");
			return;
		}
		unlink(tmpl);
		if (write(tfd, head, head_len) != (ssize_t)head_len) {
			close(tfd);
			cli_print_error(c, source, -1, BW_EIO, "cannot buffer standard input");
			return;
		}
		while ((n = read(fd, chunk, sizeof(chunk))) > 0)
			if (write(tfd, chunk, (size_t)n) != n)
				break;
		lseek(tfd, 0, SEEK_SET);
		read_mbox(c, source, tfd, NULL, 0);
		close(tfd);
		return;
	}
	if (bw_mbox_open_fd(&mb, fd, c->popts.max_message_size) < 0) {
		cli_print_error(c, source, -1, bw_error_code_last(), bw_error_message());
		return;
	}
	for (;;) {
		err = bw_mbox_next(mb, &msg, &len);
		if (err == BW_ENOTFOUND)
			break;
		if (err == BW_ELIMIT) {
			cli_print_error(c, source, index++, err, bw_error_message());
			continue;
		}
		if (err < 0) {
			cli_print_error(c, source, index, err, bw_error_message());
			break;
		}
		parse_and_print(c, source, index++, msg, len);
	}
	if (index == 0)
		cli_print_error(c, source, -1, BW_EPARSE, "an mbox file without any message");
	bw_mbox_free(mb);
}

static void process_fd(cli_ctx *c, const char *source, int fd)
{
	char head[5];
	ssize_t n = 0, got;
	bw_report *r = NULL;
	int err;

	c->inputs++;
	while (n < (ssize_t)sizeof(head) && (got = read(fd, head + n, sizeof(head) - (size_t)n)) > 0)
		n += got;
	if (n < 0) {
		cli_print_error(c, source, -1, BW_EIO, strerror(errno));
		return;
	}
	if (bw_mbox_detect(head, (size_t)n)) {
		read_mbox(c, source, fd, head, (size_t)n);
		return;
	}
	if (lseek(fd, 0, SEEK_SET) == 0) {
		err = bw_parse_fd(&r, c->rules, fd, &c->popts);
	} else {
		/* stdin: glue the head back on */
		char *buf = NULL;
		size_t len = (size_t)n, cap = 65536;
		buf = malloc(cap);
		if (!buf) {
			cli_print_error(c, source, -1, BW_ENOMEM, "out of memory");
			return;
		}
		memcpy(buf, head, (size_t)n);
		while ((got = read(fd, buf + len, cap - len)) > 0) {
			len += (size_t)got;
			if (len == cap) {
				char *nb = realloc(buf, cap * 2);
				if (!nb)
					break;
				buf = nb;
				cap *= 2;
			}
		}
		err = bw_parse_buffer(&r, c->rules, buf, len, &c->popts);
		free(buf);
	}
	if (err < 0)
		cli_print_error(c, source, -1, err, bw_error_message());
	else
		cli_print_report(c, source, -1, r);
	bw_report_free(r);
	progress(c);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void process_path(cli_ctx *c, const char *path, int depth);

static void process_dir(cli_ctx *c, const char *path, int depth)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0, i;

	if (!d) {
		cli_print_error(c, path, -1, BW_EIO, strerror(errno));
		return;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;     /* ., .., and hidden files (Maildir keeps none there) */
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*names));
			if (!nn)
				break;
			names = nn;
		}
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		size_t len = strlen(path) + strlen(names[i]) + 2;
		char *child = malloc(len);
		if (child && names[i]) {
			snprintf(child, len, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/", names[i]);
			process_path(c, child, depth + 1);
		}
		free(child);
		free(names[i]);
	}
	free(names);
}

static void process_path(cli_ctx *c, const char *path, int depth)
{
	struct stat st;
	int fd;

	if (stat(path, &st) != 0) {
		c->inputs++;
		cli_print_error(c, path, -1, BW_EIO, strerror(errno));
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		if (depth > 64) {
			cli_print_error(c, path, -1, BW_ELIMIT, "directories nested too deeply");
			return;
		}
		process_dir(c, path, depth);
		return;
	}
	if (depth > 0 && !S_ISREG(st.st_mode))
		return;
	/* Inside a directory, label and note files kept beside samples
	 * (*.json, *.tsv, *.md) are not messages (documented in --help). */
	if (depth > 0) {
		size_t len = strlen(path);
		if ((len > 5 && strcmp(path + len - 5, ".json") == 0) ||
		    (len > 4 && strcmp(path + len - 4, ".tsv") == 0) ||
		    (len > 3 && strcmp(path + len - 3, ".md") == 0))
			return;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		c->inputs++;
		cli_print_error(c, path, -1, BW_EIO, strerror(errno));
		return;
	}
	process_fd(c, path, fd);
	close(fd);
}

void cli_process(cli_ctx *c, const char *operand)
{
	if (strcmp(operand, "-") == 0)
		process_fd(c, "-", STDIN_FILENO);
	else
		process_path(c, operand, 0);
}
