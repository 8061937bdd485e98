/*
 * examples.c - the rules database's examples in the forms the pattern
 * tests run them (examples.h).
 */
#include "examples.h"

#include <stdlib.h>
#include <string.h>

bool examples_load(examples *ex, sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	bool ok = true;

	ex->text = NULL;
	ex->n = 0;
	if (sqlite3_prepare_v2(db, "SELECT text FROM rule_example", -1, &st, NULL) != SQLITE_OK)
		return false;
	while (ok && sqlite3_step(st) == SQLITE_ROW) {
		char **grown = realloc(ex->text, (ex->n + 1) * sizeof(*grown));
		const char *t = (const char *)sqlite3_column_text(st, 0);

		ok = grown != NULL;
		if (ok)
			ex->text = grown;
		ok = ok && t && (ex->text[ex->n] = strdup(t)) != NULL;
		if (ok)
			ex->n++;
	}
	sqlite3_finalize(st);
	if (!ok)
		examples_free(ex);
	return ok;
}

void examples_free(examples *ex)
{
	size_t i;

	for (i = 0; i < ex->n; i++)
		free(ex->text[i]);
	free(ex->text);
	ex->text = NULL;
	ex->n = 0;
}

bool examples_all_forms(const examples *ex, example_fn fn, void *arg)
{
	size_t i;

	for (i = 0; i < ex->n; i++) {
		const char *t = ex->text[i];
		size_t len = strlen(t), k;
		char latin1[1024];

		if (!fn(t, len, arg) || (len > 8 && !fn(t + 4, len - 8, arg)))
			return false;
		for (k = 0; k < len && k < sizeof(latin1); k++)
			latin1[k] = (char)(t[k] == 'e' ? 0xE9 : t[k]);
		if (!fn(latin1, k, arg))
			return false;
	}
	return true;
}
