/*
 * examples.h - the rules database's examples, for the tests that run every
 * pattern of the database over all of them (test-hoist, test-guard): read
 * once, then each visited in the three forms those tests use: as written,
 * with 4 bytes cut off each end (when longer than 8), and a Latin-1 copy
 * (every 'e' an 0xE9 byte: invalid UTF-8).
 */
#ifndef BW_TEST_EXAMPLES_H
#define BW_TEST_EXAMPLES_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct {
	char **text;
	size_t n;
} examples;

/* Reads every rule example of db into ex; false (and ex empty) on a
 * database error or no memory.  Free with examples_free(). */
bool examples_load(examples *ex, sqlite3 *db);
void examples_free(examples *ex);

/* Whether fn holds for every form of every example; stops at the first
 * form it does not hold for. */
typedef bool (*example_fn)(const char *text, size_t len, void *arg);
bool examples_all_forms(const examples *ex, example_fn fn, void *arg);

#endif
