/*
 * cli.h - shared pieces of the bouncewhy command-line tool.
 */
#ifndef BW_CLI_H
#define BW_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "bouncewhy.h"

typedef enum cli_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_NDJSON } cli_format;

typedef struct cli_ctx cli_ctx;

struct cli_ctx {
	const bw_rules *rules;
	bw_parse_options popts;
	cli_format format;
	bool explain;         /* show the evidence chain */
	bool progress;        /* progress line on stderr */
	bw_output *out;       /* the library's framing of the records */
	bool stdout_failed;   /* standard output refused a write */
	bool write_failed;    /* standard output could not be written: stop */
	unsigned long inputs, messages, errors;
};

/* Prints one report (or an error record when report is NULL) in the chosen
 * format.  `index` >= 0 numbers messages inside an mbox. */
void cli_print_report(cli_ctx *c, const char *source, long index, const bw_report *report);
void cli_print_error(cli_ctx *c, const char *source, long index, int code, const char *message);
/* Starts and ends the output (the array of --format json). */
void cli_print_begin(cli_ctx *c);
void cli_print_end(cli_ctx *c);

/* Reads one command-line operand with the library's scanner (bw_scan): a
 * file, a directory (recursively), an mbox file, or "-" for standard input. */
void cli_process(cli_ctx *c, const char *operand);
void cli_progress_done(cli_ctx *c);
/* The progress line on standard error when `on`: at most every 0.2 s, and
 * the last one (with a newline) when something was read. */
void cli_progress(bool on, unsigned long messages, unsigned long errors);
void cli_progress_end(bool on, unsigned long messages, unsigned long errors);

/* Parses "text", "json", "ndjson"; returns false for anything else. */
bool cli_parse_format(const char *s, cli_format *out);

#endif
