/*
 * output.c - printing reports on standard output through the library's
 * framing (bw_output: text, one JSON array, or NDJSON), and error lines on
 * standard error.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

bool cli_parse_format(const char *s, cli_format *out)
{
	if (strcmp(s, "text") == 0)
		*out = FORMAT_TEXT;
	else if (strcmp(s, "json") == 0)
		*out = FORMAT_JSON;
	else if (strcmp(s, "ndjson") == 0)
		*out = FORMAT_NDJSON;
	else
		return false;
	return true;
}

static int write_stdout(const char *data, size_t len, void *payload)
{
	cli_ctx *c = payload;

	if (fwrite(data, 1, len, stdout) != len) {
		c->stdout_failed = true;
		return 1;
	}
	return 0;
}

/* After a record: a write error (a full disk, a closed pipe when SIGPIPE
 * is ignored) or a record cut off half-way ends the run with a non-zero
 * status. */
static void check_written(cli_ctx *c, int rc)
{
	if (!c->write_failed && (rc < 0 || c->stdout_failed || ferror(stdout))) {
		if (!c->stdout_failed && !ferror(stdout))
			fprintf(stderr, "bouncewhy: %s\n", bw_error_message());
		c->write_failed = true;
	}
}

void cli_print_begin(cli_ctx *c)
{
	static const bw_output_format formats[] = {
		[FORMAT_TEXT] = BW_OUTPUT_TEXT, [FORMAT_JSON] = BW_OUTPUT_JSON,
		[FORMAT_NDJSON] = BW_OUTPUT_NDJSON,
	};

	check_written(c, bw_output_new(&c->out, formats[c->format],
	                               c->explain ? BW_OUTPUT_EXPLAIN : 0, write_stdout, c));
}

void cli_print_end(cli_ctx *c)
{
	if (c->out && !c->write_failed)
		check_written(c, bw_output_finish(c->out));
	bw_output_free(c->out);
	c->out = NULL;
	if (fflush(stdout) == EOF || ferror(stdout))
		c->write_failed = true;
}

void cli_print_report(cli_ctx *c, const char *source, long index, const bw_report *r)
{
	int rc;

	c->messages++;
	if (c->write_failed || !c->out)
		return;
	rc = bw_output_report(c->out, r, source, index);
	if (rc < 0 && !c->stdout_failed && rc != BW_EIO) {
		/* Nothing of the record went out (no memory to render it): the
		 * error record takes its place, counted once. */
		c->messages--;
		cli_print_error(c, source, index, rc, bw_error_message());
		return;
	}
	check_written(c, rc);
}

void cli_print_error(cli_ctx *c, const char *source, long index, int code, const char *message)
{
	char *line = NULL;

	c->messages++;
	c->errors++;
	/* Also on standard error, where a person running a pipeline sees it. */
	if (c->progress)
		fputc('\n', stderr);
	if (bw_error_line(&line, source, index, message) == BW_OK)
		fputs(line, stderr);
	bw_free(line);
	if (c->write_failed || !c->out)
		return;
	check_written(c, bw_output_error(c->out, source, index, code, message));
}
