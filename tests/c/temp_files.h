/* Files in a temporary directory for the cmocka tests that read files: the group setup
 * makes the directory (make_dir), its teardown removes it and every file made in it
 * (remove_dir). Included by one test file each, so its state can be static. */
#ifndef MOONGRAD_TESTS_TEMP_FILES_H
#define MOONGRAD_TESTS_TEMP_FILES_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include "helpers.h"

static char dir[64];
#define MAX_FILES 64
static char paths[MAX_FILES][128];
static int num_files;

static int make_dir(void **state) {
  strcpy(dir, "/tmp/moongrad-test-XXXXXX");
  return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state) {
  for (int i = 0; i < num_files; i++) unlink(paths[i]);
  return rmdir(dir);
}

/* The path of a new file DIR/name (removed by remove_dir). */
static const char *temp_path(const char *name) {
  assert_true(num_files < MAX_FILES);
  char *path = paths[num_files++];
  snprintf(path, sizeof paths[0], "%s/%s", dir, name);
  return path;
}

/* Writes n bytes to a new file DIR/name, gzip-compressed when gz; returns its path. */
static const char *write_file(const char *name, bool gz, const void *bytes, size_t n) {
  const char *path = temp_path(name);
  if (gz) {
    gzFile f = gzopen(path, "wb");
    assert_non_null(f);
    if (n) assert_int_equal(gzwrite(f, bytes, (unsigned)n), (int)n);
    assert_int_equal(gzclose(f), Z_OK);
  } else {
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    if (n) assert_int_equal(fwrite(bytes, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
  }
  return path;
}

#endif /* MOONGRAD_TESTS_TEMP_FILES_H */
