/*
 * scan.c - turning inputs into diagnosed messages, one at a time: files,
 * directories (plain or Maildir, read recursively in name order), mbox
 * files (recognised by their first line, read as a stream) and file
 * descriptors such as standard input, with the size limit applied to all.
 *
 * The walk is lazy: a directory is listed when it is reached, an mbox is
 * read one message per bw_scan_next(), so a Maildir or an mbox of any size
 * costs one message (plus one directory listing per level) at a time.
 * Every input that gives no report gives an error item instead.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bouncewhy.h"
#include "error.h"
#include "util.h"

#define DEFAULT_MAX_SIZE ((size_t)64 << 20)
#define MAX_DIR_DEPTH 64
#define HEAD_MAX 65536      /* as bw_mbox_open_fd_head() */

struct bw_scan_item {
	char *source;
	long mbox_index;
	bw_report *report;     /* NULL for an error item */
	int code;
	char *message;
};

/* One queued operand: a path, or a descriptor (with bytes already read). */
typedef struct operand {
	char *path;            /* NULL for a descriptor */
	int fd;
	char *source;
	char *head;
	size_t head_len;
} operand;

/* A directory being walked: its sorted entries and the next one. */
typedef struct frame {
	char *path;
	char **names;
	size_t n, pos;
	int depth;
} frame;

struct bw_scan {
	const bw_rules *rules;
	bw_parse_options popts;
	operand *ops;
	size_t n_ops, cap_ops, next_op;
	frame *dirs;
	size_t n_dirs, cap_dirs;
	struct { dev_t dev; ino_t ino; } *visited;   /* this operand's directories */
	size_t n_visited, cap_visited;
	/* The mbox being read, if any. */
	bw_mbox *mbox;
	int mbox_fd;           /* closed when the mbox ends; -1 when not ours */
	char *mbox_source;
	long mbox_index;
	bool mbox_ended;       /* only the "without any message" check is left */
	bw_scan_item item;
};

static size_t limit_of(const bw_scan *s)
{
	return s->popts.max_message_size ? s->popts.max_message_size : DEFAULT_MAX_SIZE;
}

int bw_scan_new(bw_scan **out, const bw_rules *rules, const bw_parse_options *opts)
{
	bw_scan *s;

	if (!out)
		return bw_error__set(BW_EINVALID, "bw_scan_new: out is NULL");
	*out = NULL;
	if (!rules)
		return bw_error__set(BW_EINVALID, "bw_scan_new: rules are required");
	if (opts && opts->version != BW_PARSE_OPTIONS_VERSION)
		return bw_error__set(BW_EINVALID, "bw_scan_new: parse options version %u, expected %u",
		                     opts->version, BW_PARSE_OPTIONS_VERSION);
	if (!(s = calloc(1, sizeof(*s))))
		return bw_error__set(BW_ENOMEM, "out of memory");
	s->rules = rules;
	if (opts)
		s->popts = *opts;
	else
		bw_parse_options_init(&s->popts, BW_PARSE_OPTIONS_VERSION);
	s->mbox_fd = -1;
	s->item.mbox_index = -1;
	*out = s;
	return BW_OK;
}

static void item_clear(bw_scan_item *it)
{
	free(it->source);
	free(it->message);
	bw_report_free(it->report);
	memset(it, 0, sizeof(*it));
	it->mbox_index = -1;
}

static void mbox_close(bw_scan *s)
{
	bw_mbox_free(s->mbox);
	s->mbox = NULL;
	if (s->mbox_fd >= 0)
		close(s->mbox_fd);
	s->mbox_fd = -1;
	free(s->mbox_source);
	s->mbox_source = NULL;
	s->mbox_ended = false;
}

static void frame_free(frame *f)
{
	size_t i;

	for (i = f->pos; i < f->n; i++)
		free(f->names[i]);
	free(f->names);
	free(f->path);
}

void bw_scan_free(bw_scan *s)
{
	size_t i;

	if (!s)
		return;
	item_clear(&s->item);
	mbox_close(s);
	while (s->n_dirs)
		frame_free(&s->dirs[--s->n_dirs]);
	free(s->dirs);
	for (i = s->next_op; i < s->n_ops; i++) {
		free(s->ops[i].path);
		free(s->ops[i].source);
		free(s->ops[i].head);
	}
	free(s->ops);
	free(s->visited);
	free(s);
}

static int push_operand(bw_scan *s, operand *op)
{
	if (bw_grow((void **)&s->ops, &s->cap_ops, s->n_ops, sizeof(*s->ops), 8) < 0)
		return bw_error__set(BW_ENOMEM, "out of memory");
	s->ops[s->n_ops++] = *op;
	return BW_OK;
}

int bw_scan_add_path(bw_scan *s, const char *path)
{
	operand op = { NULL, -1, NULL, NULL, 0 };

	if (!s || !path)
		return bw_error__set(BW_EINVALID, "bw_scan_add_path: scanner and path are required");
	if (!(op.path = bw_strdup(path)))
		return bw_error__set(BW_ENOMEM, "out of memory");
	if (push_operand(s, &op) < 0) {
		free(op.path);
		return BW_ENOMEM;
	}
	return BW_OK;
}

int bw_scan_add_fd_head(bw_scan *s, int fd, const char *source, const char *head, size_t head_len)
{
	operand op = { NULL, fd, NULL, NULL, head_len };

	if (!s || fd < 0)
		return bw_error__set(BW_EINVALID, "bw_scan_add_fd: scanner and a descriptor are required");
	if ((head_len && !head) || head_len > HEAD_MAX)
		return bw_error__set(BW_EINVALID, "bw_scan_add_fd_head: the head must be at most %d bytes",
		                     HEAD_MAX);
	op.source = bw_strdup(source ? source : "-");
	op.head = head_len ? malloc(head_len) : NULL;
	if (!op.source || (head_len && !op.head)) {
		free(op.source);
		free(op.head);
		return bw_error__set(BW_ENOMEM, "out of memory");
	}
	if (head_len)
		memcpy(op.head, head, head_len);
	if (push_operand(s, &op) < 0) {
		free(op.source);
		free(op.head);
		return BW_ENOMEM;
	}
	return BW_OK;
}

int bw_scan_add_fd(bw_scan *s, int fd, const char *source)
{
	return bw_scan_add_fd_head(s, fd, source, NULL, 0);
}

/* ------------------------------------------------------------------ */
/* Items                                                                */
/* ------------------------------------------------------------------ */

/* Sets the current item; takes `report`.  Returns BW_OK, or BW_ENOMEM when
 * the item could not be made (the report is freed). */
static int set_item(bw_scan *s, const char *source, long index, bw_report *report,
                    int code, const char *message)
{
	bw_scan_item *it = &s->item;

	item_clear(it);
	it->source = bw_strdup(source);
	it->message = bw_strdup(message ? message : "");
	if (!it->source || !it->message) {
		bw_report_free(report);
		item_clear(it);
		return bw_error__set(BW_ENOMEM, "out of memory");
	}
	it->mbox_index = index;
	it->report = report;
	it->code = report ? BW_OK : (code < 0 ? code : BW_ERROR);
	return 1;
}

static int error_item(bw_scan *s, const char *source, long index, int code, const char *message)
{
	return set_item(s, source, index, NULL, code, message);
}

/* An item for the result of a parse: the report, or the error it raised. */
static int parse_item(bw_scan *s, const char *source, long index, int err, bw_report *r)
{
	if (err < 0)
		return error_item(s, source, index, err, bw_error_message());
	return set_item(s, source, index, r, BW_OK, NULL);
}

const char *bw_scan_item_source(const bw_scan_item *it)
{
	return it && it->source ? it->source : "";
}

long bw_scan_item_mbox_index(const bw_scan_item *it)
{
	return it ? it->mbox_index : -1;
}

const bw_report *bw_scan_item_report(const bw_scan_item *it)
{
	return it ? it->report : NULL;
}

int bw_scan_item_error_code(const bw_scan_item *it)
{
	return it ? it->code : BW_EINVALID;
}

const char *bw_scan_item_error(const bw_scan_item *it)
{
	return it && it->message ? it->message : "";
}

/* ------------------------------------------------------------------ */
/* Descriptors: one message or an mbox                                  */
/* ------------------------------------------------------------------ */

/* How many bytes bw_mbox_detect() needs to decide on `head`: a "From " after
 * the blank lines read so far (at most 1 KB of them). */
static size_t mbox_head_wanted(const char *head, size_t n)
{
	size_t i = 0;

	while (i < n && i < 1024 && (head[i] == '\n' || head[i] == '\r'))
		i++;
	return i + 5;
}

/* Starts on a descriptor: an mbox becomes the current mbox (returns 0, the
 * caller goes on), anything else is one message (returns 1 with the item).
 * `own_fd`: the descriptor is closed here or when the mbox ends.  `given`
 * is what the caller already read from it (which rules out seeking back). */
static int scan_fd(bw_scan *s, const char *source, int fd, bool own_fd,
                   const char *given, size_t given_len)
{
	char head[HEAD_MAX];
	size_t n = given_len, want;
	ssize_t got;
	bw_report *r = NULL;
	char *buf;
	size_t len;
	int err, ret;

	if (given_len)
		memcpy(head, given, given_len);
	while ((want = mbox_head_wanted(head, n)) > n && (got = read(fd, head + n, want - n)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			ret = error_item(s, source, -1, BW_EIO, strerror(errno));
			goto done;
		}
		n += (size_t)got;
	}
	if (bw_mbox_detect(head, n)) {
		if (bw_mbox_open_fd_head(&s->mbox, fd, head, n, limit_of(s)) < 0) {
			ret = error_item(s, source, -1, bw_error_code_last(), bw_error_message());
			goto done;
		}
		if (!(s->mbox_source = bw_strdup(source))) {
			bw_mbox_free(s->mbox);
			s->mbox = NULL;
			ret = bw_error__set(BW_ENOMEM, "out of memory");
			goto done;
		}
		s->mbox_fd = own_fd ? fd : -1;
		s->mbox_index = 0;
		s->mbox_ended = false;
		return 0;
	}
	if (!given_len && lseek(fd, 0, SEEK_SET) == 0) {
		err = bw_parse_fd(&r, s->rules, fd, &s->popts);
	} else if ((err = bw_read_fd(fd, head, n, limit_of(s), &buf, &len)) == BW_OK) {
		/* a pipe: the head glued back on */
		err = bw_parse_buffer(&r, s->rules, buf, len, &s->popts);
		free(buf);
	}
	ret = parse_item(s, source, -1, err, r);
done:
	if (own_fd)
		close(fd);
	return ret;
}

/* The next item of the current mbox: 1 with an item, 0 when it is done. */
static int mbox_step(bw_scan *s)
{
	const char *msg;
	size_t len;
	bw_report *r = NULL;
	int err, ret;

	if (!s->mbox_ended) {
		err = bw_mbox_next(s->mbox, &msg, &len);
		if (err == BW_OK) {
			err = bw_parse_buffer(&r, s->rules, msg, len, &s->popts);
			return parse_item(s, s->mbox_source, s->mbox_index++, err, r);
		}
		if (err == BW_ELIMIT)   /* skipped; reading goes on after it */
			return error_item(s, s->mbox_source, s->mbox_index++, err, bw_error_message());
		s->mbox_ended = true;
		if (err != BW_ENOTFOUND)
			return error_item(s, s->mbox_source, s->mbox_index, err, bw_error_message());
	}
	ret = 0;
	if (s->mbox_index == 0)
		ret = error_item(s, s->mbox_source, -1, BW_EPARSE, "an mbox file without any message");
	mbox_close(s);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Paths and directories                                                */
/* ------------------------------------------------------------------ */

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

/* Label and note files kept beside samples: not messages. */
static bool note_file(const char *path)
{
	static const char *const suffix[] = { ".json", ".tsv", ".md" };
	size_t len = strlen(path), i, sl;

	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		sl = strlen(suffix[i]);
		if (len > sl && strcmp(path + len - sl, suffix[i]) == 0)
			return true;
	}
	return false;
}

/* Remembers a directory of this operand's walk; false when it was seen
 * before (a symbolic link back to a parent, or two links to one place). */
static bool first_visit(bw_scan *s, const struct stat *st)
{
	size_t i;

	for (i = 0; i < s->n_visited; i++)
		if (s->visited[i].dev == st->st_dev && s->visited[i].ino == st->st_ino)
			return false;
	if (bw_grow((void **)&s->visited, &s->cap_visited, s->n_visited, sizeof(*s->visited), 64) < 0)
		return true;
	s->visited[s->n_visited].dev = st->st_dev;
	s->visited[s->n_visited].ino = st->st_ino;
	s->n_visited++;
	return true;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists a directory into a new frame: hidden entries left out, and in a
 * Maildir (a directory with cur/ or new/) the server's own files too.
 * Returns 0, 1 with an error item, or a negative code. */
static int open_dir(bw_scan *s, const char *path, int depth)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0, i, j;
	bool maildir = false;
	frame *f;

	if (!d)
		return error_item(s, path, -1, BW_EIO, strerror(errno));
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;     /* ., .., and hidden files (Maildir++ folders are .Name) */
		if (strcmp(e->d_name, "cur") == 0 || strcmp(e->d_name, "new") == 0)
			maildir = true;
		if (bw_grow((void **)&names, &cap, n, sizeof(*names), 64) < 0)
			goto oom;
		if (!(names[n] = bw_strdup(e->d_name)))
			goto oom;
		n++;
	}
	closedir(d);
	d = NULL;
	if (maildir) {
		for (i = j = 0; i < n; i++) {
			if (maildir_meta(names[i]))
				free(names[i]);
			else
				names[j++] = names[i];
		}
		n = j;
	}
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	if (bw_grow((void **)&s->dirs, &s->cap_dirs, s->n_dirs, sizeof(*s->dirs), 16) < 0)
		goto oom;
	f = &s->dirs[s->n_dirs];
	if (!(f->path = bw_strdup(path)))
		goto oom;
	f->names = names;
	f->n = n;
	f->pos = 0;
	f->depth = depth;
	s->n_dirs++;
	return 0;
oom:
	if (d)
		closedir(d);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return bw_error__set(BW_ENOMEM, "out of memory");
}

/* Starts on a path: 1 with an item, 0 when the caller should go on (a
 * directory pushed, an mbox opened, a file skipped), or a negative code. */
static int scan_path(bw_scan *s, const char *path, int depth)
{
	struct stat st;
	int fd;

	if (stat(path, &st) != 0)
		return error_item(s, path, -1, BW_EIO, strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		if (depth > MAX_DIR_DEPTH)
			return error_item(s, path, -1, BW_ELIMIT, "directories nested too deeply");
		if (!first_visit(s, &st))
			return 0;    /* a link back into the walk: read once */
		return open_dir(s, path, depth);
	}
	/* Inside a directory only regular files are read, and not the notes
	 * kept beside samples (*.json, *.tsv, *.md). */
	if (depth > 0 && (!S_ISREG(st.st_mode) || note_file(path)))
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error_item(s, path, -1, BW_EIO, strerror(errno));
	return scan_fd(s, path, fd, true, NULL, 0);
}

/* The next entry of the innermost directory: as scan_path(). */
static int dir_step(bw_scan *s)
{
	frame *f = &s->dirs[s->n_dirs - 1];
	char *name, *child;
	size_t len;
	int ret;

	if (f->pos == f->n) {
		frame_free(f);
		s->n_dirs--;
		return 0;
	}
	name = f->names[f->pos++];
	len = strlen(f->path);
	child = malloc(len + strlen(name) + 2);
	if (!child) {
		free(name);
		return bw_error__set(BW_ENOMEM, "out of memory");
	}
	sprintf(child, "%s%s%s", f->path, len && f->path[len - 1] == '/' ? "" : "/", name);
	free(name);
	ret = scan_path(s, child, f->depth + 1);
	free(child);
	return ret;
}

int bw_scan_next(const bw_scan_item **out, bw_scan *s)
{
	int rc;

	if (!out || !s)
		return bw_error__set(BW_EINVALID, "bw_scan_next: out and scanner are required");
	*out = NULL;
	item_clear(&s->item);
	for (;;) {
		if (s->mbox)
			rc = mbox_step(s);
		else if (s->n_dirs)
			rc = dir_step(s);
		else if (s->next_op < s->n_ops) {
			operand op = s->ops[s->next_op++];
			s->n_visited = 0;    /* each operand is walked on its own */
			if (op.path)
				rc = scan_path(s, op.path, 0);
			else
				rc = scan_fd(s, op.source, op.fd, false, op.head, op.head_len);
			free(op.path);
			free(op.source);
			free(op.head);
		} else {
			return BW_ENOTFOUND;
		}
		if (rc < 0)
			return rc;
		if (rc > 0) {
			*out = &s->item;
			return BW_OK;
		}
	}
}
