/*
 * gmime-floor - the floor for bw-bench: the same inputs parsed by GMime
 * alone, walking every part (into attached messages too), without decoding
 * any content.  bouncewhy cannot be faster than the MIME parser it is built
 * on; bench/run.sh prints bouncewhy's time over this one.  GMime is
 * initialised and one small fixed bounce parsed before the clock starts,
 * as bw-bench does (bench-io.h).
 *
 *   gmime-floor files SET ROUNDS FILE...
 *   gmime-floor mbox SET PATH
 */
#include <fcntl.h>
#include <gmime/gmime.h>
#include <unistd.h>

#include "bench-io.h"

static size_t walk(GMimeObject *obj, unsigned depth)
{
	size_t n = 1;

	if (!obj || depth > 64)
		return 0;
	(void)g_mime_object_get_content_type(obj);
	if (GMIME_IS_MULTIPART(obj)) {
		int i, count = g_mime_multipart_get_count(GMIME_MULTIPART(obj));
		for (i = 0; i < count; i++)
			n += walk(g_mime_multipart_get_part(GMIME_MULTIPART(obj), i), depth + 1);
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *m = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		if (m)
			n += walk(g_mime_message_get_mime_part(m), depth + 1);
	}
	return n;
}

static size_t parse_one(const char *buf, size_t len)
{
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(buf, len);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	GMimeMessage *msg;
	size_t n = 0;

	g_object_unref(stream);
	msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	if (msg) {
		n = walk(g_mime_message_get_mime_part(msg), 0);
		g_object_unref(msg);
	}
	return n;
}

/* Before the clock, as bw-bench: the warm-up bounce (bench-io.h) parsed
 * and walked once.  GMime is already loaded (linked) and initialised
 * (g_mime_init() in main()). */
static void warm_up(void)
{
	if (bench_warmup_wanted() && parse_one(bench_warmup_msg, sizeof(bench_warmup_msg) - 1) == 0)
		fprintf(stderr, "gmime-floor: the warm-up message has no part\n");
}

static int cmd_files(const char *set, int rounds, int nfiles, char **paths)
{
	bench_file *files = calloc((size_t)nfiles, sizeof(*files));
	size_t msgs = 0, bytes = 0, parts = 0;
	double t0;
	int i, k;

	for (i = 0; i < nfiles; i++)
		if (bench_load(&files[i], paths[i]) < 0)
			return 1;
	warm_up();
	t0 = bench_now();
	for (k = 0; k < rounds; k++)
		for (i = 0; i < nfiles; i++) {
			parts += parse_one(files[i].data, files[i].len);
			msgs++;
			bytes += files[i].len;
		}
	bench_result("gmime", set, msgs, bytes, bench_now() - t0);
	if (!parts)
		fprintf(stderr, "gmime-floor: no part found\n");
	for (i = 0; i < nfiles; i++)
		free(files[i].data);
	free(files);
	return 0;
}

static int cmd_mbox(const char *set, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	GMimeStream *stream;
	GMimeParser *parser;
	size_t msgs = 0, bytes = 0;
	double t0;

	if (fd < 0) {
		perror(path);
		return 1;
	}
	stream = g_mime_stream_fs_new(fd);
	parser = g_mime_parser_new_with_stream(stream);
	g_object_unref(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MBOX);
	warm_up();
	t0 = bench_now();
	while (!g_mime_parser_eos(parser)) {
		GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);
		if (!msg)
			break;
		walk(g_mime_message_get_mime_part(msg), 0);
		g_object_unref(msg);
		msgs++;
	}
	bytes = (size_t)lseek(fd, 0, SEEK_END);
	bench_result("gmime", set, msgs, bytes, bench_now() - t0);
	g_object_unref(parser);
	return 0;
}

int main(int argc, char **argv)
{
	g_mime_init();
	if (argc >= 5 && strcmp(argv[1], "files") == 0)
		return cmd_files(argv[2], atoi(argv[3]), argc - 4, argv + 4);
	if (argc == 4 && strcmp(argv[1], "mbox") == 0)
		return cmd_mbox(argv[2], argv[3]);
	fprintf(stderr, "usage: gmime-floor files SET ROUNDS FILE... | mbox SET PATH\n");
	return 2;
}
