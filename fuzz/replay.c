/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * replay.c: runs a libFuzzer target over every file of a corpus directory,
 * so that each CI build replays the corpora without libFuzzer.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (f == NULL) {
		perror(path);
		return 1;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "%s: read failed\n", path);
		fclose(f);
		free(buf);
		return 1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	return 0;
}

int
main(int argc, char **argv)
{
	int nfiles = 0, errors = 0;

	for (int i = 1; i < argc; i++) {
		DIR *d = opendir(argv[i]);
		struct dirent *de;

		if (d == NULL) {
			errors += replay_file(argv[i]);
			nfiles++;
			continue;
		}
		while ((de = readdir(d)) != NULL) {
			char path[4096];

			if (de->d_name[0] == '.')
				continue;
			snprintf(
			    path, sizeof(path), "%s/%s", argv[i], de->d_name);
			errors += replay_file(path);
			nfiles++;
		}
		closedir(d);
	}
	printf("replayed %d inputs, %d unreadable\n", nfiles, errors);
	if (nfiles == 0) {
		fprintf(stderr, "no corpus inputs found\n");
		return 1;
	}
	return errors != 0;
}
