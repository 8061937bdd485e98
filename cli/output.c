/*
 * output.c - printing reports: text for people, JSON and NDJSON for programs.
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

void cli_print_begin(cli_ctx *c)
{
	if (c->format == FORMAT_JSON) {
		fputs("[\n", stdout);
		c->json_first = true;
	}
}

/* After each record: a write error (a full disk, a closed pipe when
 * SIGPIPE is ignored) ends the run with a non-zero status. */
static void check_written(cli_ctx *c)
{
	if (!c->write_failed && ferror(stdout))
		c->write_failed = true;
}

void cli_print_end(cli_ctx *c)
{
	if (c->format == FORMAT_JSON && !c->write_failed)
		fputs(c->json_first ? "]\n" : "\n]\n", stdout);
	if (fflush(stdout) == EOF || ferror(stdout))
		c->write_failed = true;
}

/* A file name or message as one line of text: control characters and
 * non-UTF-8 bytes as \xHH (the library's text output does the same). */
static void put_escaped(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || (*p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) ||
		    (*p >= 0x80 && *p < 0xC2) || *p > 0xF4)
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
	}
}

/* Where a record's JSON goes: standard output, as the library writes it,
 * with "mbox_index": N added after the opening brace. */
typedef struct json_out {
	long index;
	bool started;      /* some of the record was written */
	bool failed;       /* standard output refused it */
} json_out;

static int write_stdout(const char *data, size_t len, void *payload)
{
	json_out *o = payload;

	if (!o->started && len) {
		o->started = true;
		if (o->index >= 0 && data[0] == '{') {
			printf("{\"mbox_index\":%ld,", o->index);
			data++;
			len--;
		}
	}
	if (fwrite(data, 1, len, stdout) != len) {
		o->failed = true;
		return 1;
	}
	return 0;
}

/* Before a record: the separator of the JSON array. */
static void begin_record(cli_ctx *c)
{
	if (c->format == FORMAT_JSON) {
		if (!c->json_first)
			fputs(",\n", stdout);
		c->json_first = false;
	}
}

/* After a record written (rc) through `o`: the NDJSON line end.  A record
 * that could not be written whole (standard output refused it, or memory
 * ran out half-way) ends the output, as a write error does. */
static void end_record(cli_ctx *c, const json_out *o, int rc)
{
	if (rc < 0) {
		if (!o->failed)
			fprintf(stderr, "bouncewhy: %s\n", bw_error_message());
		c->write_failed = true;
		return;
	}
	if (c->format == FORMAT_NDJSON)
		fputc('\n', stdout);
	check_written(c);
}

void cli_print_report(cli_ctx *c, const char *source, long index, const bw_report *r)
{
	char *out = NULL;
	unsigned flags = c->explain ? BW_JSON_EVIDENCE : 0;
	json_out o = { index, false, false };
	int rc;

	c->messages++;
	if (c->sink) {
		c->sink(c, source, index, r, BW_OK, NULL);
		return;
	}
	if (c->format == FORMAT_TEXT) {
		if (bw_report_to_text(&out, r, source, index, c->explain ? BW_TEXT_EXPLAIN : 0) < 0)
			goto failed;
		fputs(out, stdout);
		bw_free(out);
		check_written(c);
		return;
	}
	/* Streamed: a report with many recipients is never held as text. */
	begin_record(c);
	rc = bw_report_write_json(r, source, c->format == FORMAT_JSON ? flags | BW_JSON_PRETTY : flags,
	                          write_stdout, &o);
	if (rc == BW_OK || o.started || o.failed) {
		end_record(c, &o, rc);
		return;
	}
	/* nothing was written: the error record takes the place (and the
	 * separator already written) of the report */
	c->json_first = true;
failed:
	/* counted once, as the error record printed instead */
	c->messages--;
	cli_print_error(c, source, index, bw_error_code_last(), bw_error_message());
}

void cli_print_error(cli_ctx *c, const char *source, long index, int code, const char *message)
{
	json_out o = { index, false, false };
	int rc;

	c->messages++;
	c->errors++;
	/* Also on standard error, where a person running a pipeline sees it. */
	if (c->progress)
		fputc('\n', stderr);
	fputs("bouncewhy: ", stderr);
	put_escaped(stderr, source);
	if (index >= 0)
		fprintf(stderr, " (mbox_index %ld)", index);
	fprintf(stderr, ": %s\n", message);
	if (c->sink) {
		c->sink(c, source, index, NULL, code, message);
		return;
	}
	if (c->write_failed)
		return;
	if (c->format == FORMAT_TEXT) {
		put_escaped(stdout, source);
		if (index >= 0)
			printf(" (mbox_index %ld)", index);
		fputs(": error: ", stdout);
		put_escaped(stdout, message);
		fputs("\n\n", stdout);
		check_written(c);
		return;
	}
	begin_record(c);
	rc = bw_error_write_json(source, code, message, c->format == FORMAT_JSON ? BW_JSON_PRETTY : 0,
	                         write_stdout, &o);
	end_record(c, &o, rc);
}
