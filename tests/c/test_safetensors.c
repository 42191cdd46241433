/* Tests of mg_safetensors_save and mg_safetensors_load: the exact bytes of small files
 * (worked out by hand from the format's description, in the comments next to them), round
 * trips, atomic writing, and an error for every way a file can be malformed (written here
 * byte by byte). */
#include <sys/stat.h>

#include "temp_files.h"

#define NAMES(...) ((const char *const[]){__VA_ARGS__})
#define TENSORS(...) ((const mg_tensor *const[]){__VA_ARGS__})

/* The whole of a file (malloc'd, *n bytes). */
static unsigned char *read_all(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  *n = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *bytes = malloc(*n + 1);
  assert_non_null(bytes);
  assert_int_equal(fread(bytes, 1, *n, f), *n);
  fclose(f);
  return bytes;
}

static void expect_bytes(const unsigned char *got, const unsigned char *want, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (got[i] != want[i]) fail_msg("byte %zu: got 0x%02x, expected 0x%02x", i, got[i], want[i]);
}

/* A file of the 8-byte little-endian length of header, header (not padded), then n bytes
 * of data. */
static const char *write_safetensors(const char *name, const char *header, const void *data,
                                     size_t n) {
  size_t len = strlen(header);
  unsigned char *bytes = malloc(8 + len + n + 1);
  assert_non_null(bytes);
  for (int i = 0; i < 8; i++) bytes[i] = (unsigned char)((uint64_t)len >> (8 * i));
  memcpy(bytes + 8, header, len);
  if (n) memcpy(bytes + 8 + len, data, n);
  const char *path = write_file(name, false, bytes, 8 + len + n);
  free(bytes);
  return path;
}

/* Loading path fails with "load: PATH: " followed by tail. */
static void expect_load_error(const char *path, const char *tail) {
  assert_null(mg_safetensors_load(path));
  char want[1024];
  snprintf(want, sizeof want, "load: %s: %s", path, tail);
  expect_error(want);
}

/* ---- the bytes written ------------------------------------------------------------------ */

static void test_exact_bytes(void **state) {
  mg_tensor *x = make(MG_FLOAT32, 1, SHAPE(2), VALS(1.5, -2));
  mg_tensor *flags = make(MG_BOOL, 1, SHAPE(3), VALS(1, 0, 1));
  mg_tensor *n = mg_scalar(MG_INT64, 258);
  const char *path = temp_path("exact.safetensors");
  assert_int_equal(mg_safetensors_save(path, 3, NAMES("x", "flags", "n"), TENSORS(x, flags, n), 1,
                                       NAMES("k"), NAMES("vw")),
                   0);
  /* Data ordered by element size, largest first: n (8 bytes) at [0, 8], x (2 x 4) at [8, 16],
   * flags (3 x 1) at [16, 19]. The JSON is 27 bytes for {"__metadata__":{"k":"vw"}, with its
   * comma, then 52 for the entry of n with its comma, 54 for x's, 60 for flags' with the
   * closing brace: 193, padded with 7 spaces to 200 = 0xc8. */
  static const char header[] =
      "{\"__metadata__\":{\"k\":\"vw\"},"
      "\"n\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]},"
      "\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]},"
      "\"flags\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[16,19]}}"
      "       ";
  static const unsigned char length[8] = {0xc8, 0, 0, 0, 0, 0, 0, 0};
  static const unsigned char data[19] = {
      0x02, 0x01, 0, 0, 0, 0, 0, 0, /* 258 = 0x0102, little-endian int64 */
      0x00, 0x00, 0xc0, 0x3f,       /* 1.5f = 0x3fc00000 */
      0x00, 0x00, 0x00, 0xc0,       /* -2.0f = 0xc0000000 */
      0x01, 0x00, 0x01};            /* true, false, true */
  assert_int_equal(sizeof header - 1, 200);
  size_t size;
  unsigned char *bytes = read_all(path, &size);
  assert_int_equal(size, 8 + 200 + 19);
  expect_bytes(bytes, length, 8);
  expect_bytes(bytes + 8, (const unsigned char *)header, 200);
  expect_bytes(bytes + 208, data, 19);
  free(bytes);
  /* no temporary left behind */
  char tmp[200];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  assert_int_equal(access(tmp, F_OK), -1);
  mg_release(x);
  mg_release(flags);
  mg_release(n);
}

static void test_non_contiguous_written_row_major(void **state) {
  /* {{0, 1, 2}, {3, 4, 5}} transposed: {{0, 3}, {1, 4}, {2, 5}}, written in that order */
  mg_tensor *t = make(MG_INT64, 2, SHAPE(2, 3), VALS(0, 1, 2, 3, 4, 5));
  mg_tensor *tt = mg_transpose(t, 0, 1);
  assert_false(mg_is_contiguous(tt));
  const char *path = temp_path("transposed.safetensors");
  assert_int_equal(mg_safetensors_save(path, 1, NAMES("t"), TENSORS(tt), 0, NULL, NULL), 0);
  /* {"t":{"dtype":"I64","shape":[3,2],"data_offsets":[0,48]}} is 57 bytes, padded to 64 */
  static const char header[] = "{\"t\":{\"dtype\":\"I64\",\"shape\":[3,2],\"data_offsets\":[0,48]}}"
                               "       ";
  size_t size;
  unsigned char *bytes = read_all(path, &size);
  assert_int_equal(size, 8 + 64 + 48);
  assert_int_equal(bytes[0], 64);
  expect_bytes(bytes + 8, (const unsigned char *)header, 64);
  static const int64_t want[6] = {0, 3, 1, 4, 2, 5};
  expect_bytes(bytes + 72, (const unsigned char *)want, 48);
  free(bytes);
  mg_release(tt);
  mg_release(t);
}

/* ---- round trips ------------------------------------------------------------------------ */

static void test_round_trip(void **state) {
  mg_tensor *w = make(MG_FLOAT64, 2, SHAPE(2, 2), VALS(0.1, -1e300, INFINITY, NAN));
  mg_tensor *empty = mg_zeros(MG_FLOAT32, 2, SHAPE(0, 3));
  mg_tensor *big = mg_empty(MG_INT64, 1, SHAPE(2));
  ((int64_t *)mg_data(big))[0] = INT64_MAX;
  ((int64_t *)mg_data(big))[1] = INT64_MIN;
  const char *path = temp_path("round.safetensors");
  assert_int_equal(mg_safetensors_save(path, 3, NAMES("w", "empty", "big"), TENSORS(w, empty, big),
                                       2, NAMES("a", "b"), NAMES("1", "\xc3\xa9t\xc3\xa9")),
                   0);
  mg_safetensors *st = mg_safetensors_load(path);
  if (!st) fail_msg("%s", mg_last_error());
  /* in the order of the data: the 8-byte dtypes first, then float32 */
  assert_int_equal(st->ntensors, 3);
  assert_string_equal(st->names[0], "w");
  assert_string_equal(st->names[1], "big");
  assert_string_equal(st->names[2], "empty");
  check(st->tensors[0], MG_FLOAT64, 2, SHAPE(2, 2), VALS(0.1, -1e300, INFINITY, NAN), 0);
  assert_int_equal(iat(st->tensors[1], 0), INT64_MAX);
  assert_int_equal(iat(st->tensors[1], 1), INT64_MIN);
  check(st->tensors[2], MG_FLOAT32, 2, SHAPE(0, 3), NULL, 0);
  assert_int_equal(st->nmetadata, 2);
  assert_string_equal(st->metadata_keys[0], "a");
  assert_string_equal(st->metadata_values[0], "1");
  assert_string_equal(st->metadata_keys[1], "b");
  assert_string_equal(st->metadata_values[1], "\xc3\xa9t\xc3\xa9");
  mg_safetensors_free(st);
  mg_release(w);
  mg_release(empty);
  mg_release(big);
}

static void test_no_tensors(void **state) {
  const char *path = temp_path("none.safetensors");
  assert_int_equal(mg_safetensors_save(path, 0, NULL, NULL, 0, NULL, NULL), 0);
  size_t size;
  unsigned char *bytes = read_all(path, &size);
  /* {} padded to 8 */
  assert_int_equal(size, 16);
  expect_bytes(bytes, (const unsigned char *)"\x08\0\0\0\0\0\0\0{}      ", 16);
  free(bytes);
  mg_safetensors *st = mg_safetensors_load(path);
  assert_non_null(st);
  assert_int_equal(st->ntensors, 0);
  assert_int_equal(st->nmetadata, 0);
  mg_safetensors_free(st);
}

/* Readers must accept any header length and spacing, not only what this writer makes. */
static void test_reads_other_writers(void **state) {
  /* spaces around the JSON, an unknown field, a length that is no multiple of 8; a BOOL
   * {2,2} whose bytes other than 0 read as true */
  const char *path = write_safetensors("spaced.safetensors",
                                       " { \"m\" : {\"dtype\": \"BOOL\", \"shape\": [2, 2],"
                                       " \"data_offsets\": [0, 4], \"extra\": 1} }\n",
                                       "\x00\x02\x01\xff", 4);
  mg_safetensors *st = mg_safetensors_load(path);
  if (!st) fail_msg("%s", mg_last_error());
  check(st->tensors[0], MG_BOOL, 2, SHAPE(2, 2), VALS(0, 1, 1, 1), 0);
  const unsigned char *b = mg_data(st->tensors[0]);
  assert_int_equal(b[1], 1);
  assert_int_equal(b[3], 1);
  mg_safetensors_free(st);
}

/* ---- writing: atomic, and its errors ------------------------------------------------------ */

static void test_save_failure_leaves_file(void **state) {
  const char *path = write_file("keep.safetensors", false, "old", 3);
  char tmp[200];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  assert_int_equal(mkdir(tmp, 0700), 0); /* the temporary cannot be created */
  mg_tensor *t = mg_ones(MG_FLOAT32, 1, SHAPE(2));
  assert_int_equal(mg_safetensors_save(path, 1, NAMES("t"), TENSORS(t), 0, NULL, NULL), -1);
  char want[600];
  snprintf(want, sizeof want, "save: %s: cannot create %s (Is a directory)", path, tmp);
  expect_error(want);
  size_t size;
  unsigned char *bytes = read_all(path, &size);
  assert_int_equal(size, 3);
  expect_bytes(bytes, (const unsigned char *)"old", 3);
  free(bytes);
  assert_int_equal(rmdir(tmp), 0);
  /* and with the way clear, the file is replaced */
  assert_int_equal(mg_safetensors_save(path, 1, NAMES("t"), TENSORS(t), 0, NULL, NULL), 0);
  mg_safetensors *st = mg_safetensors_load(path);
  assert_non_null(st);
  check(st->tensors[0], MG_FLOAT32, 1, SHAPE(2), VALS(1, 1), 0);
  mg_safetensors_free(st);
  mg_release(t);
}

static void test_save_errors(void **state) {
  mg_tensor *t = mg_ones(MG_FLOAT32, 1, SHAPE(2));
  const char *path = temp_path("never.safetensors");
  assert_int_equal(mg_safetensors_save(path, 2, NAMES("a", "a"), TENSORS(t, t), 0, NULL, NULL), -1);
  char want[600];
  snprintf(want, sizeof want, "save: %s: the name 'a' is given twice", path);
  expect_error(want);
  assert_int_equal(mg_safetensors_save(path, 1, NAMES("__metadata__"), TENSORS(t), 0, NULL, NULL), -1);
  snprintf(want, sizeof want,
           "save: %s: a tensor cannot be named '__metadata__' (the format reserves that name)", path);
  expect_error(want);
  assert_int_equal(mg_safetensors_save(path, 1, NAMES("bad\xff"), TENSORS(t), 0, NULL, NULL), -1);
  snprintf(want, sizeof want, "save: %s: the tensor name 'bad\xff' is not valid UTF-8", path);
  expect_error(want);
  /* an overlong encoding of '/' and a surrogate are not UTF-8 either */
  assert_int_equal(mg_safetensors_save(path, 1, NAMES("t"), TENSORS(t), 1, NAMES("k"),
                                       NAMES("\xc0\xaf")), -1);
  error_has("the metadata entry 'k' is not valid UTF-8");
  assert_int_equal(mg_safetensors_save(path, 1, NAMES("t"), TENSORS(t), 1, NAMES("k"),
                                       NAMES("\xed\xa0\x80")), -1);
  error_has("the metadata entry 'k' is not valid UTF-8");
  assert_int_equal(mg_safetensors_save(path, 1, NAMES("t"), TENSORS(t), 2, NAMES("k", "k"),
                                       NAMES("1", "2")), -1);
  error_has("the name 'k' is given twice");
  assert_int_equal(access(path, F_OK), -1); /* nothing was written */
  assert_int_equal(mg_safetensors_save("/nonexistent-dir/x.safetensors", 1, NAMES("t"),
                                       TENSORS(t), 0, NULL, NULL), -1);
  expect_error("save: /nonexistent-dir/x.safetensors: cannot create "
               "/nonexistent-dir/x.safetensors.tmp (No such file or directory)");
  mg_release(t);
}

/* ---- reading: every malformed file ------------------------------------------------------- */

static void test_open_errors(void **state) {
  char missing[200];
  snprintf(missing, sizeof missing, "%s/missing.safetensors", dir);
  expect_load_error(missing, "cannot open (No such file or directory)");
  expect_load_error(dir, "not a regular file");
  expect_load_error(write_file("short.safetensors", false, "\x02\0\0", 3),
                    "the file is 3 bytes, too short for a safetensors header");
  expect_load_error(write_file("empty.safetensors", false, "", 0),
                    "the file is 0 bytes, too short for a safetensors header");
}

static void test_header_length_errors(void **state) {
  /* 0x0000010000000000 = 2^40 bytes: refused before any allocation */
  expect_load_error(write_file("absurd.safetensors", false, "\0\0\0\0\0\x01\0\0{}", 10),
                    "header length 1099511627776 is over the limit of 100000000 bytes (not a "
                    "safetensors file?)");
  /* 100000001 = 0x05f5e101 */
  expect_load_error(write_file("over.safetensors", false, "\x01\xe1\xf5\x05\0\0\0\0{}", 10),
                    "header length 100000001 is over the limit of 100000000 bytes (not a "
                    "safetensors file?)");
  /* 16 bytes of header announced, 2 present */
  expect_load_error(write_file("cut.safetensors", false, "\x10\0\0\0\0\0\0\0{}", 10),
                    "header length 16 runs past the end of the file (10 bytes): the file is "
                    "truncated");
}

static void test_header_json_errors(void **state) {
  expect_load_error(write_safetensors("notjson.safetensors", "{\"a\": [1, 2", NULL, 0),
                    "the header is not valid JSON (error at byte 10 of it)");
  expect_load_error(write_safetensors("binary.safetensors", "{\"\xff\": 1}", NULL, 0),
                    "the header is not valid UTF-8");
  expect_load_error(write_safetensors("array.safetensors", "[]", NULL, 0),
                    "the header is not one JSON object");
  expect_load_error(write_safetensors("trailing.safetensors", "{} {}", NULL, 0),
                    "the header is not one JSON object");
  expect_load_error(write_safetensors("twice.safetensors",
                                      "{\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
                                      "\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[4,8]}}",
                                      "12345678", 8),
                    "'a' appears twice in the header");
  expect_load_error(write_safetensors("meta.safetensors", "{\"__metadata__\":{\"k\":1}}", NULL, 0),
                    "__metadata__ must map keys to strings ('k' is not a string)");
  expect_load_error(write_safetensors("meta2.safetensors", "{\"__metadata__\":[]}", NULL, 0),
                    "__metadata__ is not a JSON object");
}

static void test_entry_errors(void **state) {
  expect_load_error(write_safetensors("e1.safetensors", "{\"a\":3}", NULL, 0),
                    "tensor 'a' is not an object {dtype, shape, data_offsets}");
  expect_load_error(write_safetensors("e2.safetensors", "{\"a\":{\"shape\":[],\"data_offsets\":[0,4]}}",
                                      "1234", 4),
                    "tensor 'a' has no dtype (a string such as \"F32\")");
  expect_load_error(write_safetensors("f16.safetensors",
                                      "{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}",
                                      "1234", 4),
                    "tensor 'h' has dtype F16, which moongrad does not support (it reads F32, F64, "
                    "I64 and BOOL)");
  expect_load_error(write_safetensors("e3.safetensors",
                                      "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}",
                                      "1234", 4),
                    "tensor 'a': shape must hold non-negative integers");
  expect_load_error(write_safetensors("e4.safetensors",
                                      "{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}",
                                      "1234", 4),
                    "tensor 'a': shape must hold non-negative integers");
  expect_load_error(write_safetensors("e5.safetensors",
                                      "{\"a\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,1],"
                                      "\"data_offsets\":[0,4]}}",
                                      "1234", 4),
                    "tensor 'a': shape must be a list of at most 8 sizes");
  expect_load_error(write_safetensors("e6.safetensors",
                                      "{\"a\":{\"dtype\":\"F32\",\"shape\":\"2\",\"data_offsets\":[0,4]}}",
                                      "1234", 4),
                    "tensor 'a': shape must be a list of at most 8 sizes");
  expect_load_error(write_safetensors("e7.safetensors",
                                      "{\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0]}}",
                                      "1234", 4),
                    "tensor 'a': data_offsets must be [begin, end], two non-negative integers");
  expect_load_error(write_safetensors("e8.safetensors",
                                      "{\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,\"4\"]}}",
                                      "1234", 4),
                    "tensor 'a': data_offsets must be [begin, end], two non-negative integers");
}

static void test_offset_errors(void **state) {
  /* F32 {5,6} is 5 * 6 * 4 = 120 bytes */
  expect_load_error(write_safetensors("size.safetensors",
                                      "{\"fc.weight\":{\"dtype\":\"F32\",\"shape\":[5,6],"
                                      "\"data_offsets\":[0,100]}}",
                                      NULL, 0),
                    "tensor 'fc.weight' has data_offsets [0, 100] but F32 {5,6} needs 120 bytes");
  expect_load_error(write_safetensors("backwards.safetensors",
                                      "{\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[8,0]}}",
                                      "12345678", 8),
                    "tensor 'a' has data_offsets [8, 0] but I64 {1} needs 8 bytes");
  /* the data stops after 6 of the 8 bytes */
  expect_load_error(write_safetensors("truncated.safetensors",
                                      "{\"a\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[0,8]}}",
                                      "123456", 6),
                    "tensor 'a' has data_offsets [0, 8] past the end of the data (6 bytes): the "
                    "file is truncated");
  expect_load_error(write_safetensors("overlap.safetensors",
                                      "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                                      "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
                                      "123456789012", 12),
                    "the data of tensors 'a' [0, 8] and 'b' [4, 12] overlap");
  expect_load_error(write_safetensors("gap.safetensors",
                                      "{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]},"
                                      "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                                      "123456789012", 12),
                    "bytes [4, 8) of the data, before tensor 'b', belong to no tensor");
  expect_load_error(write_safetensors("extra.safetensors",
                                      "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                                      "123456", 6),
                    "bytes [4, 6) at the end of the data belong to no tensor");
  /* a shape whose byte count overflows 64 bits matches no offsets */
  expect_load_error(write_safetensors("huge.safetensors",
                                      "{\"a\":{\"dtype\":\"F64\",\"shape\":[9007199254740992,"
                                      "9007199254740992],\"data_offsets\":[0,8]}}",
                                      "12345678", 8),
                    "tensor 'a' has data_offsets [0, 8] but F64 {9007199254740992,9007199254740992} "
                    "needs over 2^64 bytes");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_exact_bytes),
      cmocka_unit_test(test_non_contiguous_written_row_major),
      cmocka_unit_test(test_round_trip),
      cmocka_unit_test(test_no_tensors),
      cmocka_unit_test(test_reads_other_writers),
      cmocka_unit_test(test_save_failure_leaves_file),
      cmocka_unit_test(test_save_errors),
      cmocka_unit_test(test_open_errors),
      cmocka_unit_test(test_header_length_errors),
      cmocka_unit_test(test_header_json_errors),
      cmocka_unit_test(test_entry_errors),
      cmocka_unit_test(test_offset_errors),
  };
  return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
