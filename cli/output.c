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

/* Adds "mbox_index": N after the opening brace of a JSON object. */
static void put_json(cli_ctx *c, char *json, long index)
{
	if (c->format == FORMAT_JSON) {
		if (!c->json_first)
			fputs(",\n", stdout);
		c->json_first = false;
	}
	if (index >= 0 && json[0] == '{')
		printf("{\"mbox_index\":%ld,%s", index, json + 1);
	else
		fputs(json, stdout);
	if (c->format == FORMAT_NDJSON)
		fputc('\n', stdout);
}

void cli_print_report(cli_ctx *c, const char *source, long index, const bw_report *r)
{
	char *out = NULL;
	unsigned flags = c->explain ? BW_JSON_EVIDENCE : 0;
	int rc;

	c->messages++;
	if (c->sink) {
		c->sink(c, source, index, r, BW_OK, NULL);
		return;
	}
	if (c->format == FORMAT_TEXT)
		rc = bw_report_to_text(&out, r, source, index, c->explain ? BW_TEXT_EXPLAIN : 0);
	else
		rc = bw_report_to_json(&out, r, source, c->format == FORMAT_JSON ? flags | BW_JSON_PRETTY : flags);
	if (rc < 0) {
		/* counted once, as the error record printed instead */
		c->messages--;
		cli_print_error(c, source, index, bw_error_code_last(), bw_error_message());
		return;
	}
	if (c->format == FORMAT_TEXT)
		fputs(out, stdout);
	else
		put_json(c, out, index);
	bw_free(out);
	check_written(c);
}

void cli_print_error(cli_ctx *c, const char *source, long index, int code, const char *message)
{
	char *json = NULL;

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
	if (bw_error_to_json(&json, source, code, message, c->format == FORMAT_JSON ? BW_JSON_PRETTY : 0) < 0)
		return;
	put_json(c, json, index);
	bw_free(json);
	check_written(c);
}
