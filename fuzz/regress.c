/*
 * Replays saved inputs through a fuzz harness without libFuzzer: every file
 * named on the command line (or found in the directories named) is passed
 * to LLVMFuzzerTestOneInput().  Built for each harness as a normal test, so
 * that inputs that once crashed keep being run, under the sanitizers in a
 * sanitizer build.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		fprintf(stderr, "cannot read %s\n", path);
		if (f)
			fclose(f);
		return 1;
	}
	/* An exact-size heap copy, so that ASan sees any over-read. */
	buf = malloc(n ? (size_t)n : 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "cannot read %s\n", path);
		free(buf);
		fclose(f);
		return 1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput((const uint8_t *)buf, (size_t)n);
	free(buf);
	printf("ok %s\n", path);
	return 0;
}

static int run_path(const char *path, int *count)
{
	struct stat st;
	int failed = 0;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *e;
		while (d && (e = readdir(d))) {
			char sub[4096];
			if (e->d_name[0] == '.')
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
			failed |= run_path(sub, count);
		}
		if (d)
			closedir(d);
		return failed;
	}
	(*count)++;
	return run_file(path);
}

int main(int argc, char **argv)
{
	int i, failed = 0, count = 0;

	for (i = 1; i < argc; i++)
		failed |= run_path(argv[i], &count);
	printf("%d inputs replayed\n", count);
	return failed;
}
