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

/* Reads the messages of an mbox from fd, whose first head_len bytes (the
 * ones bw_mbox_detect() saw) were already read: a file or a pipe is read as
 * a stream, in bounded memory. */
static void read_mbox(cli_ctx *c, const char *source, int fd, const char *head, size_t head_len)
{
	bw_mbox *mb;
	const char *msg;
	size_t len;
	long index = 0;
	int err;

	if (bw_mbox_open_fd_head(&mb, fd, head, head_len, c->popts.max_message_size) < 0) {
		cli_print_error(c, source, -1, bw_error_code_last(), bw_error_message());
		return;
	}
	while (!c->write_failed) {
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
	if (index == 0 && !c->write_failed)
		cli_print_error(c, source, -1, BW_EPARSE, "an mbox file without any message");
	bw_mbox_free(mb);
}

/* Reads the rest of a stream after its head into *buf, refusing more than
 * `limit` bytes as soon as they arrive (an endless stream costs `limit` at
 * most).  Returns BW_OK, or an error code with the reason in why. */
static int read_stream(int fd, const char *head, size_t head_len, size_t limit,
                       char **buf, size_t *len, char *why, size_t why_size)
{
	size_t cap = 65536;
	char *b = malloc(cap);
	ssize_t got;

	*buf = NULL;
	*len = head_len;
	if (!b) {
		snprintf(why, why_size, "out of memory");
		return BW_ENOMEM;
	}
	memcpy(b, head, head_len);
	for (;;) {
		got = read(fd, b + *len, cap - *len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			snprintf(why, why_size, "read failed: %s", strerror(errno));
			free(b);
			return BW_EIO;
		}
		if (got == 0)
			break;
		*len += (size_t)got;
		if (*len > limit) {
			snprintf(why, why_size, "message exceeds the limit of %zu bytes", limit);
			free(b);
			return BW_ELIMIT;
		}
		if (*len == cap) {
			char *nb = realloc(b, cap * 2);
			if (!nb) {
				snprintf(why, why_size, "out of memory");
				free(b);
				return BW_ENOMEM;
			}
			b = nb;
			cap *= 2;
		}
	}
	*buf = b;
	return BW_OK;
}

static void process_fd(cli_ctx *c, const char *source, int fd)
{
	char head[5], why[128];
	ssize_t n = 0, got;
	bw_report *r = NULL;
	int err;
	size_t limit = c->popts.max_message_size ? c->popts.max_message_size : ((size_t)64 << 20);

	c->inputs++;
	while (n < (ssize_t)sizeof(head) && (got = read(fd, head + n, sizeof(head) - (size_t)n)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			cli_print_error(c, source, -1, BW_EIO, strerror(errno));
			return;
		}
		n += got;
	}
	if (bw_mbox_detect(head, (size_t)n)) {
		read_mbox(c, source, fd, head, (size_t)n);
		return;
	}
	if (lseek(fd, 0, SEEK_SET) == 0) {
		err = bw_parse_fd(&r, c->rules, fd, &c->popts);
	} else {
		/* a pipe: glue the head back on */
		char *buf;
		size_t len;
		if ((err = read_stream(fd, head, (size_t)n, limit, &buf, &len, why, sizeof(why))) < 0) {
			cli_print_error(c, source, -1, err, why);
			return;
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

/* Files a mail server keeps inside a Maildir beside the messages (Dovecot's
 * index, uid list and keywords; Courier's; Maildir++ markers) and its tmp/
 * directory of messages still being written: not messages, not errors. */
static bool maildir_meta(const char *name)
{
	static const char *const exact[] = { "tmp", "subscriptions", "maildirfolder" };
	static const char *const prefix[] = { "dovecot", "courier" };
	size_t i;

	for (i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (strcmp(name, exact[i]) == 0)
			return true;
	for (i = 0; i < sizeof(prefix) / sizeof(prefix[0]); i++)
		if (strncmp(name, prefix[i], strlen(prefix[i])) == 0)
			return true;
	return false;
}

/* Remembers a directory of this walk; false when it was seen before (a
 * symbolic link back to a parent, or two links to one place). */
static bool first_visit(cli_ctx *c, const struct stat *st)
{
	size_t i;

	for (i = 0; i < c->n_visited; i++)
		if (c->visited[i].dev == st->st_dev && c->visited[i].ino == st->st_ino)
			return false;
	if (c->n_visited == c->cap_visited) {
		size_t cap = c->cap_visited ? c->cap_visited * 2 : 64;
		void *nv = realloc(c->visited, cap * sizeof(*c->visited));
		if (!nv)
			return true;
		c->visited = nv;
		c->cap_visited = cap;
	}
	c->visited[c->n_visited].dev = st->st_dev;
	c->visited[c->n_visited].ino = st->st_ino;
	c->n_visited++;
	return true;
}

static void process_dir(cli_ctx *c, const char *path, int depth)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	bool maildir = false;

	if (!d) {
		cli_print_error(c, path, -1, BW_EIO, strerror(errno));
		return;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;     /* ., .., and hidden files (Maildir keeps none there) */
		if (strcmp(e->d_name, "cur") == 0 || strcmp(e->d_name, "new") == 0)
			maildir = true;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*names));
			if (!nn)
				break;
			names = nn;
		}
		if ((names[n] = strdup(e->d_name)))
			n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		size_t len = strlen(path) + strlen(names[i]) + 2;
		char *child = (maildir && maildir_meta(names[i])) || c->write_failed ? NULL : malloc(len);
		if (child) {
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
		if (!first_visit(c, &st))
			return;    /* a link back into the walk: read once */
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
	c->n_visited = 0;    /* each operand is walked on its own */
	if (c->write_failed)
		return;
	if (strcmp(operand, "-") == 0)
		process_fd(c, "-", STDIN_FILENO);
	else
		process_path(c, operand, 0);
	/* the walk's memory ends with it, whoever made the context */
	free(c->visited);
	c->visited = NULL;
	c->n_visited = c->cap_visited = 0;
}
