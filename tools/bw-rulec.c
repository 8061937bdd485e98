/*
 * bw-rulec - compiles rule text into rules.db at build time.
 *
 *   bw-rulec [--depfile FILE] OUT.db SOURCE...
 *
 * SOURCE is a .rules file or a directory scanned recursively for *.rules.
 * With --depfile, a Make-style dependency file is written listing every rule
 * file read and every directory scanned, so that the build reruns the
 * compiler when a rule file changes, appears or disappears.
 */
#include <stdio.h>
#include <string.h>

#include "bouncewhy.h"
#include "rules/rules_set.h"

static void put_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == ' ' || *s == '#' || *s == '\\')
			fputc('\\', f);
		else if (*s == '$')
			fputc('$', f);
		fputc(*s, f);
	}
}

static int write_depfile(const char *depfile, const char *out,
                         const char *const *sources, size_t n)
{
	bw_rstrv real = { 0 }, names = { 0 }, dirs = { 0 };
	FILE *f;
	size_t i;
	int rc = bw_rset__scan(&real, &names, &dirs, sources, n);

	if (rc < 0)
		goto done;
	f = fopen(depfile, "w");
	if (!f) {
		perror(depfile);
		rc = BW_EIO;
		goto done;
	}
	put_escaped(f, out);
	fputc(':', f);
	for (i = 0; i < real.n; i++) {
		fputs(" \\\n ", f);
		put_escaped(f, real.v[i]);
	}
	for (i = 0; i < dirs.n; i++) {
		fputs(" \\\n ", f);
		put_escaped(f, dirs.v[i]);
	}
	fputc('\n', f);
	if (fclose(f) != 0) {
		perror(depfile);
		rc = BW_EIO;
	}
done:
	bw_rstrv__clear(&real);
	bw_rstrv__clear(&names);
	bw_rstrv__clear(&dirs);
	return rc;
}

int main(int argc, char **argv)
{
	const char *depfile = NULL;
	int i = 1;

	if (argc > 2 && strcmp(argv[1], "--depfile") == 0) {
		depfile = argv[2];
		i = 3;
	}
	if (argc - i < 2) {
		fprintf(stderr, "usage: bw-rulec [--depfile FILE] OUT.db SOURCE...\n");
		return 2;
	}
	if (bw_rules_compile(argv[i], (const char *const *)argv + i + 1, (size_t)(argc - i - 1)) < 0) {
		fprintf(stderr, "bw-rulec: %s\n", bw_error_message());
		return 1;
	}
	if (depfile && write_depfile(depfile, argv[i], (const char *const *)argv + i + 1,
	                             (size_t)(argc - i - 1)) < 0) {
		fprintf(stderr, "bw-rulec: %s\n", bw_error_message());
		return 1;
	}
	return 0;
}
