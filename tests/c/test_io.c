/* Tests of mg_read_idx (IDX files, plain and gzipped, written here byte by byte) and
 * mg_randperm. Expected values are decoded by hand in the comments next to the bytes. */
#include "temp_files.h"

#define S(...) ((int64_t[]){__VA_ARGS__})
#define NDIM(shape) ((int)(sizeof(shape) / sizeof(int64_t)))
#define EXPECT(t, dtype, shape, tol, ...) \
  expect(t, dtype, NDIM(shape), shape, (double[]){__VA_ARGS__}, tol)
#define BYTES(...) ((const unsigned char[]){__VA_ARGS__}), sizeof((const unsigned char[]){__VA_ARGS__})

/* The same bytes as a plain file and as a gzipped one: checks run on both. */
#define BOTH(name, ...) \
  {write_file(name, false, BYTES(__VA_ARGS__)), write_file(name ".gz", true, BYTES(__VA_ARGS__))}

/* ---- reading each IDX type ------------------------------------------------------------ */

static void test_ubyte(void **state) {
  /* type 0x08, 2 dims: 2 x 3, then 1 2 3 250 255 0 */
  const char *files[2] = BOTH("ubyte.idx", 0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3,
                              1, 2, 3, 250, 255, 0);
  for (int k = 0; k < 2; k++) {
    EXPECT(mg_read_idx(files[k], MG_IDX_NATURAL, 1), MG_INT64, S(2, 3), 0, 1, 2, 3, 250, 255, 0);
    EXPECT(mg_read_idx(files[k], MG_FLOAT64, 1), MG_FLOAT64, S(2, 3), 0, 1, 2, 3, 250, 255, 0);
    EXPECT(mg_read_idx(files[k], MG_FLOAT32, 1.0 / 255), MG_FLOAT32, S(2, 3), 1e-7,
           1 / 255.0, 2 / 255.0, 3 / 255.0, 250 / 255.0, 1, 0);
    /* a scale without a dtype gives float32 */
    EXPECT(mg_read_idx(files[k], MG_IDX_NATURAL, 0.5), MG_FLOAT32, S(2, 3), 0,
           0.5, 1, 1.5, 125, 127.5, 0);
    EXPECT(mg_read_idx(files[k], MG_INT64, 2), MG_INT64, S(2, 3), 0, 2, 4, 6, 500, 510, 0);
    EXPECT(mg_read_idx(files[k], MG_BOOL, 1), MG_BOOL, S(2, 3), 0, 1, 1, 1, 1, 1, 0);
  }
}

static void test_sbyte_int16(void **state) {
  /* type 0x09, 1 dim of 4: 0x80 = -128, 0xff = -1, 0x7f = 127, 0x00 = 0 */
  const char *s[2] = BOTH("sbyte.idx", 0, 0, 0x09, 1, 0, 0, 0, 4, 0x80, 0xff, 0x7f, 0x00);
  /* type 0x0B, 1 dim of 3: 0x0102 = 258, 0xfffe = -2, 0x8000 = -32768 */
  const char *i16[2] = BOTH("int16.idx", 0, 0, 0x0B, 1, 0, 0, 0, 3,
                            0x01, 0x02, 0xff, 0xfe, 0x80, 0x00);
  for (int k = 0; k < 2; k++) {
    EXPECT(mg_read_idx(s[k], MG_IDX_NATURAL, 1), MG_INT64, S(4), 0, -128, -1, 127, 0);
    EXPECT(mg_read_idx(i16[k], MG_IDX_NATURAL, 1), MG_INT64, S(3), 0, 258, -2, -32768);
    EXPECT(mg_read_idx(i16[k], MG_FLOAT32, 0.25), MG_FLOAT32, S(3), 0, 64.5, -0.5, -8192);
  }
}

static void test_int32(void **state) {
  /* type 0x0C, 2 dims: 2 x 2 of big-endian int32: 0x00010000 = 65536, 0xffffffff = -1,
   * 0x7fffffff = 2147483647, 0x80000000 = -2147483648 */
  const char *files[2] = BOTH("int32.idx", 0, 0, 0x0C, 2, 0, 0, 0, 2, 0, 0, 0, 2,
                              0x00, 0x01, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
                              0x7f, 0xff, 0xff, 0xff, 0x80, 0x00, 0x00, 0x00);
  for (int k = 0; k < 2; k++) {
    mg_tensor *t = mg_read_idx(files[k], MG_IDX_NATURAL, 1);
    check(t, MG_INT64, 2, S(2, 2), (double[]){65536, -1, 2147483647, -2147483648.0}, 0);
    assert_int_equal(iat(t, 2), INT64_C(2147483647));
    assert_int_equal(iat(t, 3), -INT64_C(2147483648));
    mg_release(t);
    EXPECT(mg_read_idx(files[k], MG_FLOAT64, -1), MG_FLOAT64, S(2, 2), 0,
           -65536, 1, -2147483647, 2147483648.0);
  }
}

static void test_float32(void **state) {
  /* type 0x0D, 1 dim of 3: 0x3fc00000 = 1.5, 0xc0100000 = -2.25, 0x3dcccccd = 0.1f
   * (0.100000001490116119384765625 exactly) */
  const char *files[2] = BOTH("float32.idx", 0, 0, 0x0D, 1, 0, 0, 0, 3,
                              0x3f, 0xc0, 0x00, 0x00, 0xc0, 0x10, 0x00, 0x00,
                              0x3d, 0xcc, 0xcc, 0xcd);
  for (int k = 0; k < 2; k++) {
    EXPECT(mg_read_idx(files[k], MG_IDX_NATURAL, 1), MG_FLOAT32, S(3), 0, 1.5, -2.25,
           0.100000001490116119384765625);
    EXPECT(mg_read_idx(files[k], MG_FLOAT64, 1), MG_FLOAT64, S(3), 0, 1.5, -2.25,
           0.100000001490116119384765625);
    EXPECT(mg_read_idx(files[k], MG_INT64, 2), MG_INT64, S(3), 0, 3, -4, 0); /* truncated */
  }
}

static void test_float64(void **state) {
  /* type 0x0E, 3 dims: 1 x 1 x 3: 0x4004000000000000 = 2.5, 0xc000000000000000 = -2,
   * 0x3fb999999999999a = 0.1 (the double nearest) */
  const char *files[2] = BOTH("float64.idx", 0, 0, 0x0E, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 3,
                              0x40, 0x04, 0, 0, 0, 0, 0, 0, 0xc0, 0x00, 0, 0, 0, 0, 0, 0,
                              0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a);
  for (int k = 0; k < 2; k++) {
    EXPECT(mg_read_idx(files[k], MG_IDX_NATURAL, 1), MG_FLOAT64, S(1, 1, 3), 0, 2.5, -2, 0.1);
    EXPECT(mg_read_idx(files[k], MG_FLOAT32, 10), MG_FLOAT32, S(1, 1, 3), 0, 25, -20, 1);
  }
}

static void test_trailing_bytes_and_empty(void **state) {
  /* 1 dim of 2 bytes (7, 9) followed by 3 bytes of garbage, which are ignored */
  const char *extra[2] = BOTH("extra.idx", 0, 0, 0x08, 1, 0, 0, 0, 2, 7, 9, 0xde, 0xad, 0xbe);
  /* 2 dims: 0 x 5, no data */
  const char *empty[2] = BOTH("empty.idx", 0, 0, 0x0D, 2, 0, 0, 0, 0, 0, 0, 0, 5);
  for (int k = 0; k < 2; k++) {
    EXPECT(mg_read_idx(extra[k], MG_IDX_NATURAL, 1), MG_INT64, S(2), 0, 7, 9);
    mg_tensor *t = mg_read_idx(empty[k], MG_IDX_NATURAL, 1);
    check(t, MG_FLOAT32, 2, S(0, 5), NULL, 0);
    mg_release(t);
  }
}

/* More data than one read chunk: 3 x 250000 ubyte values, value i % 251 at position i. */
static void test_many_chunks(void **state) {
  const int64_t n = 750000;
  unsigned char *bytes = malloc((size_t)n + 16);
  assert_non_null(bytes);
  memcpy(bytes, (unsigned char[]){0, 0, 0x08, 2, 0, 0, 0, 3, 0, 0x03, 0xd0, 0x90}, 12);
  /* 0x0003d090 = 250000 */
  for (int64_t i = 0; i < n; i++) bytes[12 + i] = (unsigned char)(i % 251);
  const char *files[2] = {write_file("big.idx", false, bytes, (size_t)n + 12),
                          write_file("big.idx.gz", true, bytes, (size_t)n + 12)};
  free(bytes);
  for (int k = 0; k < 2; k++) {
    mg_tensor *t = mg_read_idx(files[k], MG_FLOAT32, 2);
    assert_non_null(t);
    assert_int_equal(t->ndim, 2);
    assert_int_equal(t->size[0], 3);
    assert_int_equal(t->size[1], 250000);
    const float *p = mg_data(t);
    for (int64_t i = 0; i < n; i++)
      if (p[i] != (float)(2 * (i % 251))) fail_msg("element %lld: got %g", (long long)i, p[i]);
    mg_release(t);
  }
}

/* ---- errors --------------------------------------------------------------------------- */

static void expect_message(const char *fmt, const char *path) {
  char want[512];
  snprintf(want, sizeof want, fmt, path);
  expect_error(want);
}

/* The message starts with fmt filled in with path. */
static void expect_message_start(const char *fmt, const char *path) {
  char want[512];
  snprintf(want, sizeof want, fmt, path);
  if (strncmp(mg_last_error(), want, strlen(want)) != 0)
    fail_msg("error message \"%s\" does not start with \"%s\"", mg_last_error(), want);
}

static void test_open_errors(void **state) {
  char missing[128];
  snprintf(missing, sizeof missing, "%s/missing.idx", dir);
  assert_null(mg_read_idx(missing, MG_IDX_NATURAL, 1));
  expect_message("read_idx: cannot open %s: No such file or directory", missing);
  assert_null(mg_read_idx(dir, MG_IDX_NATURAL, 1));
  expect_message("read_idx: cannot read %s: Is a directory", dir);
  const char *ok = write_file("ok.idx", false, BYTES(0, 0, 0x08, 1, 0, 0, 0, 1, 42));
  assert_null(mg_read_idx(ok, 7, 1));
  expect_error("read_idx: unknown dtype 7");
  assert_null(mg_read_idx(ok, -2, 1));
  expect_error("read_idx: unknown dtype -2");
  assert_null(mg_read_idx(NULL, MG_IDX_NATURAL, 1));
  error_has("read_idx: ");
}

static void test_header_errors(void **state) {
  const char *magic[2] = BOTH("magic.idx", 1, 0, 0x08, 1, 0, 0, 0, 1, 5);
  const char *text[2] = BOTH("text.idx", '#', ' ', 'h', 'i', '\n');
  const char *type[2] = BOTH("type.idx", 0, 0, 0x0A, 1, 0, 0, 0, 1, 5);
  const char *ndim0[2] = BOTH("ndim0.idx", 0, 0, 0x08, 0, 5);
  const char *ndim9[2] = BOTH("ndim9.idx", 0, 0, 0x08, 9, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1,
                              0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1,
                              0, 0, 0, 1, 5);
  const char *short_magic[2] = BOTH("short.idx", 0, 0, 0x08);
  const char *short_sizes[2] = BOTH("sizes.idx", 0, 0, 0x08, 3, 0, 0, 0, 2, 0, 0, 0);
  for (int k = 0; k < 2; k++) {
    assert_null(mg_read_idx(magic[k], MG_IDX_NATURAL, 1));
    expect_message("read_idx: %s is not an IDX file (magic bytes 01 00, expected 00 00)", magic[k]);
    assert_null(mg_read_idx(text[k], MG_FLOAT32, 1));
    expect_message("read_idx: %s is not an IDX file (magic bytes 23 20, expected 00 00)", text[k]);
    assert_null(mg_read_idx(type[k], MG_IDX_NATURAL, 1));
    expect_message("read_idx: %s has an unknown IDX data type 0x0a (expected 0x08, 0x09, 0x0B, "
                   "0x0C, 0x0D or 0x0E)", type[k]);
    assert_null(mg_read_idx(ndim0[k], MG_IDX_NATURAL, 1));
    expect_message("read_idx: %s has 0 dimensions (expected 1 to 8)", ndim0[k]);
    assert_null(mg_read_idx(ndim9[k], MG_IDX_NATURAL, 1));
    expect_message("read_idx: %s has 9 dimensions (expected 1 to 8)", ndim9[k]);
    assert_null(mg_read_idx(short_magic[k], MG_IDX_NATURAL, 1));
    expect_message("read_idx: %s is truncated: expected a header of at least 4 bytes, got 3",
                   short_magic[k]);
    /* 3 dims need 4 + 12 header bytes; the file has 11 */
    assert_null(mg_read_idx(short_sizes[k], MG_IDX_NATURAL, 1));
    expect_message("read_idx: %s is truncated: expected a header of 16 bytes, got 11",
                   short_sizes[k]);
  }
  const char *empty = write_file("nothing.idx", false, NULL, 0);
  assert_null(mg_read_idx(empty, MG_IDX_NATURAL, 1));
  expect_message("read_idx: %s is truncated: expected a header of at least 4 bytes, got 0", empty);
}

static void test_truncated_data(void **state) {
  /* 2 x 3 ubyte = 6 bytes of data, 4 present */
  const char *u8[2] = BOTH("trunc8.idx", 0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4);
  /* 3 int32 = 12 bytes, 10 present */
  const char *i32[2] = BOTH("trunc32.idx", 0, 0, 0x0C, 1, 0, 0, 0, 3,
                            0, 0, 0, 1, 0, 0, 0, 2, 0, 0);
  for (int k = 0; k < 2; k++) {
    assert_null(mg_read_idx(u8[k], MG_FLOAT32, 1));
    expect_message("read_idx: %s is truncated: expected 6 bytes of data, got 4", u8[k]);
    assert_null(mg_read_idx(i32[k], MG_IDX_NATURAL, 1));
    expect_message("read_idx: %s is truncated: expected 12 bytes of data, got 10", i32[k]);
  }
}

/* A gzip file cut short, and one whose compressed data is garbage. */
static void test_damaged_gzip(void **state) {
  unsigned char bytes[12 + 4000];
  memcpy(bytes, (unsigned char[]){0, 0, 0x08, 2, 0, 0, 0, 40, 0, 0, 0, 100}, 12);
  for (int i = 0; i < 4000; i++) bytes[12 + i] = (unsigned char)(i * 7919 % 256);
  const char *path = write_file("cut.idx.gz", true, bytes, sizeof bytes);
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  unsigned char gz[8192];
  size_t n = fread(gz, 1, sizeof gz, f);
  fclose(f);
  assert_true(n > 100);
  const char *cut = write_file("cut2.idx.gz", false, gz, n / 2);
  assert_null(mg_read_idx(cut, MG_IDX_NATURAL, 1));
  expect_message_start("read_idx: %s is truncated: expected 4000 bytes of data, got ", cut);

  /* the gzip magic and header, then bytes that are no deflate stream */
  const char *bad = write_file("garbage.idx.gz", false,
                               BYTES(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff,
                                     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff));
  assert_null(mg_read_idx(bad, MG_IDX_NATURAL, 1));
  expect_message("read_idx: cannot read %s: invalid block type", bad);
}

/* Headers claiming absurd sizes fail before allocating anything. */
static void test_absurd_sizes(void **state) {
  /* 3 dims of 0xffffffff: 2^96 bytes */
  const char *huge[2] = BOTH("huge.idx", 0, 0, 0x08, 3, 0xff, 0xff, 0xff, 0xff,
                             0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3);
  /* 2 dims of 0x00100000 = 1048576 float64: 8 TiB */
  const char *tib[2] = BOTH("tib.idx", 0, 0, 0x0E, 2, 0, 0x10, 0, 0, 0, 0x10, 0, 0, 1, 2, 3);
  /* 100000 x 100000 (0x000186a0) ubyte: 10^10 bytes, of which the files hold 3 */
  const char *tenG[2] = BOTH("10g.idx", 0, 0, 0x08, 2, 0, 0x01, 0x86, 0xa0, 0, 0x01, 0x86, 0xa0,
                             1, 2, 3);
  for (int k = 0; k < 2; k++) {
    assert_null(mg_read_idx(huge[k], MG_FLOAT32, 1));
    expect_message("read_idx: %s claims a shape {4294967295,4294967295,4294967295} too large "
                   "to read", huge[k]);
    assert_null(mg_read_idx(tib[k], MG_FLOAT32, 1));
    /* 8 TiB is below the 64 TiB limit: plain, the file size shows it cannot hold them;
     * gzipped, deflate's maximal ratio (1032:1) does */
    error_has("is truncated: expected 8796093022208 bytes of data");
    assert_null(mg_read_idx(tenG[k], MG_FLOAT32, 1));
    error_has("is truncated: expected 10000000000 bytes of data");
  }
  assert_null(mg_read_idx(tenG[0], MG_FLOAT32, 1));
  expect_message("read_idx: %s is truncated: expected 10000000000 bytes of data, got 3", tenG[0]);
  assert_null(mg_read_idx(tenG[1], MG_FLOAT32, 1));
  expect_message_start("read_idx: %s is truncated: expected 10000000000 bytes of data, but ",
                       tenG[1]);
  error_has(" bytes of gzip data cannot hold them");
}

/* ---- randperm ------------------------------------------------------------------------- */

/* t is a 1-D int64 tensor holding each of 0..n-1 once. */
static void check_permutation(const mg_tensor *t, int64_t n) {
  assert_non_null(t);
  assert_int_equal(t->dtype, MG_INT64);
  assert_int_equal(t->ndim, 1);
  assert_int_equal(t->size[0], n);
  bool *seen = calloc((size_t)n + 1, 1);
  assert_non_null(seen);
  for (int64_t i = 0; i < n; i++) {
    int64_t v = iat(t, i);
    if (v < 0 || v >= n || seen[v]) fail_msg("element %lld = %lld repeats or is out of range",
                                             (long long)i, (long long)v);
    seen[v] = true;
  }
  free(seen);
}

static void test_randperm(void **state) {
  mg_manual_seed(5);
  mg_tensor *a = mg_randperm(1000, MG_INT64), *b = mg_randperm(1000, MG_INT64);
  check_permutation(a, 1000);
  check_permutation(b, 1000);
  bool differ = false, moved = false;
  for (int64_t i = 0; i < 1000; i++) {
    differ = differ || iat(a, i) != iat(b, i);
    moved = moved || iat(a, i) != i;
  }
  assert_true(differ); /* two draws give two orders (the chance of equal ones is 1/1000!) */
  assert_true(moved);
  mg_manual_seed(5);
  mg_tensor *c = mg_randperm(1000, MG_INT64);
  for (int64_t i = 0; i < 1000; i++) assert_int_equal(iat(a, i), iat(c, i));
  mg_release(a), mg_release(b), mg_release(c);

  EXPECT(mg_randperm(1, MG_INT64), MG_INT64, S(1), 0, 0);
  mg_tensor *none = mg_randperm(0, MG_INT64);
  check(none, MG_INT64, 1, S(0), NULL, 0);
  mg_release(none);

  mg_tensor *f = mg_randperm(50, MG_FLOAT64);
  assert_non_null(f);
  assert_int_equal(f->dtype, MG_FLOAT64);
  mg_tensor *l = mg_to(f, MG_INT64);
  check_permutation(l, 50);
  mg_release(f), mg_release(l);
}

/* Each of the 6 orders of 3 elements comes up about equally often. */
static void test_randperm_uniform(void **state) {
  mg_manual_seed(1);
  int count[3][3][3] = {{{0}}};
  for (int i = 0; i < 6000; i++) {
    mg_tensor *p = mg_randperm(3, MG_INT64);
    check_permutation(p, 3);
    count[iat(p, 0)][iat(p, 1)][iat(p, 2)]++;
    mg_release(p);
  }
  /* 1000 expected each; the standard deviation is about 29 */
  const int orders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
  for (int k = 0; k < 6; k++) {
    int c = count[orders[k][0]][orders[k][1]][orders[k][2]];
    if (c < 850 || c > 1150) fail_msg("order %d came up %d times in 6000", k, c);
  }
}

static void test_randperm_errors(void **state) {
  assert_null(mg_randperm(-1, MG_INT64));
  expect_error("randperm: expected n >= 0, got -1");
  assert_null(mg_randperm(3, MG_BOOL));
  expect_error("randperm: expected a numeric dtype, got bool");
  assert_null(mg_randperm((1 << 24) + 1, MG_FLOAT32));
  expect_error("randperm: float32 cannot hold every value of 0..16777216 exactly");
  assert_null(mg_randperm(INT64_C(1) << 50, MG_INT64));
  error_has("randperm: shape {1125899906842624} is too large to allocate");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ubyte),          cmocka_unit_test(test_sbyte_int16),
      cmocka_unit_test(test_int32),          cmocka_unit_test(test_float32),
      cmocka_unit_test(test_float64),        cmocka_unit_test(test_trailing_bytes_and_empty),
      cmocka_unit_test(test_many_chunks),    cmocka_unit_test(test_open_errors),
      cmocka_unit_test(test_header_errors),  cmocka_unit_test(test_truncated_data),
      cmocka_unit_test(test_damaged_gzip),   cmocka_unit_test(test_absurd_sizes),
      cmocka_unit_test(test_randperm),       cmocka_unit_test(test_randperm_uniform),
      cmocka_unit_test(test_randperm_errors),
  };
  return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
