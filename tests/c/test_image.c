/* Tests of mg_decode_image, mg_read_image and mg_resize_bilinear. The images are the
 * fixtures of tests/data/images, written once with stb_image_write from the pixel values in
 * the comments; their bytes are copied here so that these tests stand alone (the JPEG, being
 * larger, is read from its file, and its test is skipped when run away from the repository
 * root). Bilinear results are worked out by hand next to them. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"

#define S(...) ((int64_t[]){__VA_ARGS__})
#define NDIM(shape) ((int)(sizeof(shape) / sizeof(int64_t)))
#define EXPECT(t, shape, tol, ...) \
  expect(t, MG_FLOAT32, NDIM(shape), shape, (double[]){__VA_ARGS__}, tol)

/* cat/1.png: 2x2 RGB, rows (0,10,20) (40,50,60) / (80,90,100) (120,130,140) */
static const unsigned char png_rgb[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
    0x52, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x08, 0x02, 0x00, 0x00, 0x00, 0xfd,
    0xd4, 0x9a, 0x73, 0x00, 0x00, 0x00, 0x16, 0x49, 0x44, 0x41, 0x54, 0x78, 0x5e, 0x63, 0x64,
    0xe0, 0x12, 0xd1, 0xd0, 0xd0, 0x60, 0x09, 0x08, 0x08, 0xd0, 0xd0, 0xd0, 0x00, 0x00, 0x0b,
    0x64, 0x02, 0x04, 0xfc, 0x1d, 0x12, 0x40, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44,
    0xae, 0x42, 0x60, 0x82};

/* cat/2.bmp: 3 wide, 2 high, 24-bit: red green blue / white black (128,128,128) */
static const unsigned char bmp_rgb[] = {
    0x42, 0x4d, 0x4e, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x36, 0x00, 0x00, 0x00, 0x28,
    0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x18, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00,
    0x80, 0x80, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x00, 0xff, 0x00, 0xff, 0x00, 0x00,
    0x00, 0x00, 0x00};

/* dog/1.png: 2x2 grey, 0 100 / 200 255 */
static const unsigned char png_grey[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
    0x52, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x08, 0x00, 0x00, 0x00, 0x00, 0x57,
    0xdd, 0x52, 0xf8, 0x00, 0x00, 0x00, 0x0e, 0x49, 0x44, 0x41, 0x54, 0x78, 0x5e, 0x63, 0x60,
    0x48, 0x61, 0x38, 0xf1, 0x1f, 0x00, 0x04, 0x25, 0x02, 0x2c, 0xbb, 0xb4, 0xbb, 0xd6, 0x00,
    0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};

/* dog/3.png: 2 wide, 1 high, RGBA: (10,20,30,255) (40,50,60,128) */
static const unsigned char png_rgba[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
    0x52, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0xf4,
    0x22, 0x7f, 0x8a, 0x00, 0x00, 0x00, 0x11, 0x49, 0x44, 0x41, 0x54, 0x78, 0x5e, 0x63, 0xe6,
    0x12, 0x91, 0xfb, 0xaf, 0xac, 0xa1, 0xcb, 0x08, 0x00, 0x08, 0x0e, 0x01, 0xb8, 0x3b, 0xc1,
    0xd9, 0x6c, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};

#define JPEG_FIXTURE "tests/data/images/dog/2.jpg" /* 8x8, every pixel (200,100,50) */

static mg_image_options opts(int channels, int64_t h, int64_t w, double scale) {
  return (mg_image_options){channels, h, w, scale};
}

static mg_tensor *decode(const unsigned char *bytes, size_t n, int channels) {
  mg_image_options o = opts(channels, 0, 0, 1);
  return mg_decode_image(bytes, n, "image", &o);
}

/* ---- files in a temporary directory --------------------------------------------------- */

static char dir[64];
#define MAX_FILES 32
static char paths[MAX_FILES][128];
static int num_files;

static int make_dir(void **state) {
  strcpy(dir, "/tmp/moongrad-test-image-XXXXXX");
  return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state) {
  for (int i = 0; i < num_files; i++) unlink(paths[i]);
  return rmdir(dir);
}

static const char *write_file(const char *name, const void *bytes, size_t n) {
  assert_true(num_files < MAX_FILES);
  char *path = paths[num_files++];
  snprintf(path, sizeof paths[0], "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  if (n) assert_int_equal(fwrite(bytes, 1, n, f), n);
  assert_int_equal(fclose(f), 0);
  return path;
}

/* ---- decoding ------------------------------------------------------------------------- */

static void test_png_rgb(void **state) {
  EXPECT(decode(png_rgb, sizeof png_rgb, 0), S(3, 2, 2), 0, /* planes R, G, B */
         0, 40, 80, 120, 10, 50, 90, 130, 20, 60, 100, 140);
  EXPECT(decode(png_rgb, sizeof png_rgb, 3), S(3, 2, 2), 0,
         0, 40, 80, 120, 10, 50, 90, 130, 20, 60, 100, 140);
  /* grey = (77 R + 150 G + 29 B) >> 8: (0+1500+580)>>8 = 8, (3080+7500+1740)>>8 = 48,
   * (6160+13500+2900)>>8 = 88, (9240+19500+4060)>>8 = 128 */
  EXPECT(decode(png_rgb, sizeof png_rgb, 1), S(1, 2, 2), 0, 8, 48, 88, 128);
  /* RGBA: alpha 255 added */
  EXPECT(decode(png_rgb, sizeof png_rgb, 4), S(4, 2, 2), 0,
         0, 40, 80, 120, 10, 50, 90, 130, 20, 60, 100, 140, 255, 255, 255, 255);
  mg_image_options o = opts(0, 0, 0, 1.0 / 255);
  EXPECT(mg_decode_image(png_rgb, sizeof png_rgb, "x", &o), S(3, 2, 2), 1e-6,
         0, 40 / 255.0, 80 / 255.0, 120 / 255.0, 10 / 255.0, 50 / 255.0, 90 / 255.0,
         130 / 255.0, 20 / 255.0, 60 / 255.0, 100 / 255.0, 140 / 255.0);
  /* NULL options: as stored, unscaled */
  EXPECT(mg_decode_image(png_rgb, sizeof png_rgb, NULL, NULL), S(3, 2, 2), 0,
         0, 40, 80, 120, 10, 50, 90, 130, 20, 60, 100, 140);
}

static void test_png_grey_and_alpha(void **state) {
  EXPECT(decode(png_grey, sizeof png_grey, 0), S(1, 2, 2), 0, 0, 100, 200, 255);
  EXPECT(decode(png_grey, sizeof png_grey, 3), S(3, 2, 2), 0,
         0, 100, 200, 255, 0, 100, 200, 255, 0, 100, 200, 255);
  EXPECT(decode(png_grey, sizeof png_grey, 2), S(2, 2, 2), 0, 0, 100, 200, 255, 255, 255, 255, 255);
  EXPECT(decode(png_rgba, sizeof png_rgba, 0), S(4, 1, 2), 0, 10, 40, 20, 50, 30, 60, 255, 128);
  EXPECT(decode(png_rgba, sizeof png_rgba, 3), S(3, 1, 2), 0, 10, 40, 20, 50, 30, 60);
  /* (770 + 3000 + 870) >> 8 = 18, (3080 + 7500 + 1740) >> 8 = 48 */
  EXPECT(decode(png_rgba, sizeof png_rgba, 1), S(1, 1, 2), 0, 18, 48);
}

static void test_bmp(void **state) {
  EXPECT(decode(bmp_rgb, sizeof bmp_rgb, 0), S(3, 2, 3), 0,
         255, 0, 0, 255, 0, 128, /* R */
         0, 255, 0, 255, 0, 128, /* G */
         0, 0, 255, 255, 0, 128); /* B */
  /* 255*77>>8 = 76, 255*150>>8 = 149, 255*29>>8 = 28, 255, 0, 128 */
  EXPECT(decode(bmp_rgb, sizeof bmp_rgb, 1), S(1, 2, 3), 0, 76, 149, 28, 255, 0, 128);
}

static void test_jpeg_file(void **state) {
  if (access(JPEG_FIXTURE, R_OK) != 0) skip(); /* not run from the repository root */
  mg_image_options o = opts(3, 0, 0, 1);
  mg_tensor *t = mg_read_image(JPEG_FIXTURE, &o);
  double v[3 * 64];
  for (int c = 0; c < 3; c++)
    for (int i = 0; i < 64; i++) v[c * 64 + i] = c == 0 ? 200 : c == 1 ? 100 : 50;
  /* JPEG is lossy: within 3 levels of each value (tol is relative to 1 + |v|) */
  check(t, MG_FLOAT32, 3, S(3, 8, 8), v, 3.0 / 201);
  mg_release(t);
}

static void test_read_file(void **state) {
  const char *path = write_file("rgb.png", png_rgb, sizeof png_rgb);
  mg_image_options o = opts(0, 4, 4, 1);
  /* Resized as in test_resize_by_hand: R = 0 10 30 40 / 20 30 50 60 / 60 70 90 100 /
   * 80 90 110 120, G = R + 10, B = R + 20 */
  EXPECT(mg_read_image(path, &o), S(3, 4, 4), 1e-6,
         0, 10, 30, 40, 20, 30, 50, 60, 60, 70, 90, 100, 80, 90, 110, 120,
         10, 20, 40, 50, 30, 40, 60, 70, 70, 80, 100, 110, 90, 100, 120, 130,
         20, 30, 50, 60, 40, 50, 70, 80, 80, 90, 110, 120, 100, 110, 130, 140);
  o = opts(1, 2, 2, 1); /* the stored size: nothing to resize */
  EXPECT(mg_read_image(path, &o), S(1, 2, 2), 0, 8, 48, 88, 128);
  EXPECT(mg_read_image(path, NULL), S(3, 2, 2), 0,
         0, 40, 80, 120, 10, 50, 90, 130, 20, 60, 100, 140);
}

/* ---- bad files -------------------------------------------------------------------------- */

static void test_file_errors(void **state) {
  char missing[128];
  snprintf(missing, sizeof missing, "%s/missing.png", dir);
  assert_null(mg_read_image(missing, NULL));
  char want[256];
  snprintf(want, sizeof want, "read_image: cannot open %s: No such file or directory", missing);
  expect_error(want);

  assert_null(mg_read_image(dir, NULL));
  snprintf(want, sizeof want, "read_image: cannot read %s: Is a directory", dir);
  expect_error(want);

  assert_null(mg_read_image("/dev/null", NULL));
  expect_error("read_image: cannot read /dev/null: not a regular file");

  const char *empty = write_file("empty.png", "", 0);
  assert_null(mg_read_image(empty, NULL));
  snprintf(want, sizeof want, "read_image: %s is empty", empty);
  expect_error(want);

  const char *text = write_file("notes.png", "hello, world\n", 13);
  assert_null(mg_read_image(text, NULL));
  snprintf(want, sizeof want, "read_image: %s is not a PNG, JPEG or BMP image (unrecognised "
           "signature)", text);
  expect_error(want);

  assert_null(mg_read_image(NULL, NULL));
  expect_error("read_image: expected a path, got NULL");
}

static void test_unsupported_formats(void **state) {
  /* GIF, TGA, PSD and PNM are decoded by stb but are not among the formats read here */
  const char gif[] = "GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04"
                     "\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
  assert_null(mg_decode_image(gif, sizeof gif - 1, "a.gif", NULL));
  expect_error("read_image: a.gif is not a PNG, JPEG or BMP image (unrecognised signature)");
  const char pgm[] = "P5 1 1 255\n\x7f";
  assert_null(mg_decode_image(pgm, sizeof pgm - 1, "a.pgm", NULL));
  error_has("is not a PNG, JPEG or BMP image");
  assert_null(mg_decode_image(NULL, 0, "nothing", NULL));
  expect_error("read_image: nothing is empty");
  assert_null(mg_decode_image(NULL, 5, "nothing", NULL));
  expect_error("read_image: nothing: no data");
}

static void test_truncated(void **state) {
  /* every prefix of each image fails with a message naming it (PNG's IEND chunk may lose
   * its 4-byte CRC and still decode: the image itself is whole by then) */
  struct {
    const unsigned char *bytes;
    size_t n, ok_from;
  } images[] = {{png_rgb, sizeof png_rgb, sizeof png_rgb - 4},
                {png_grey, sizeof png_grey, sizeof png_grey - 4},
                {png_rgba, sizeof png_rgba, sizeof png_rgba - 4},
                {bmp_rgb, sizeof bmp_rgb, sizeof bmp_rgb}};
  for (size_t k = 0; k < sizeof images / sizeof *images; k++) {
    for (size_t n = 0; n < images[k].n; n++) {
      mg_tensor *t = mg_decode_image(images[k].bytes, n, "cut.img", NULL);
      if (n >= images[k].ok_from) {
        assert_non_null(t);
        mg_release(t);
        continue;
      }
      if (t) fail_msg("image %zu cut to %zu bytes decoded", k, n);
      error_has("read_image: ");
      error_has("cut.img");
    }
  }
  /* the exact messages for a BMP short of its rows and a PNG cut inside its data */
  assert_null(mg_decode_image(bmp_rgb, 70, "short.bmp", NULL));
  expect_error("read_image: short.bmp is truncated: its BMP header declares 78 bytes, the "
               "file has 70");
  assert_null(mg_decode_image(png_rgb, 50, "short.png", NULL));
  error_has("read_image: cannot decode short.png: corrupt or truncated PNG data");
  /* a file cut on disk reads the same way */
  const char *path = write_file("cut.bmp", bmp_rgb, 60);
  assert_null(mg_read_image(path, NULL));
  error_has("is truncated: its BMP header declares 78 bytes, the file has 60");
}

static void test_truncated_jpeg(void **state) {
  if (access(JPEG_FIXTURE, R_OK) != 0) skip();
  FILE *f = fopen(JPEG_FIXTURE, "rb");
  assert_non_null(f);
  unsigned char buf[4096];
  size_t n = fread(buf, 1, sizeof buf, f);
  fclose(f);
  assert_true(n > 100 && n < sizeof buf);
  for (size_t k = 0; k < n; k++) {
    mg_tensor *t = mg_decode_image(buf, k, "cut.jpg", NULL);
    if (t) fail_msg("the JPEG cut to %zu of %zu bytes decoded", k, n);
    error_has("cut.jpg");
  }
  assert_null(mg_decode_image(buf, n - 2, "no-eoi.jpg", NULL)); /* only the EOI marker lost */
  expect_error("read_image: no-eoi.jpg is truncated: its JPEG data ends without an "
               "end-of-image marker");
}

/* Damaged bytes anywhere: a tensor or an error, never a crash (the sanitizer build checks
 * the memory accesses). */
static void test_damaged_bytes(void **state) {
  const unsigned char *images[] = {png_rgb, png_grey, png_rgba, bmp_rgb};
  size_t sizes[] = {sizeof png_rgb, sizeof png_grey, sizeof png_rgba, sizeof bmp_rgb};
  static const unsigned char values[] = {0x00, 0xFF, 0x7F, 0x80, 0x01};
  unsigned char buf[256];
  for (size_t k = 0; k < 4; k++)
    for (size_t i = 0; i < sizes[k]; i++)
      for (size_t v = 0; v < sizeof values; v++) {
        memcpy(buf, images[k], sizes[k]);
        buf[i] = values[v];
        mg_tensor *t = mg_decode_image(buf, sizes[k], "damaged", NULL);
        if (t) {
          assert_int_equal(t->ndim, 3);
          mg_release(t);
        } else {
          error_has("read_image: ");
        }
      }
}

static void test_option_errors(void **state) {
  mg_image_options o = opts(5, 0, 0, 1);
  assert_null(mg_decode_image(png_rgb, sizeof png_rgb, "x", &o));
  expect_error("read_image: channels must be 0 (as stored), 1, 2, 3 or 4, got 5");
  o = opts(0, 4, 0, 1);
  assert_null(mg_decode_image(png_rgb, sizeof png_rgb, "x", &o));
  expect_error("read_image: the size to resize to must be two positive numbers (or none), got "
               "height 4 and width 0");
  o = opts(0, -1, -1, 1);
  assert_null(mg_decode_image(png_rgb, sizeof png_rgb, "x", &o));
  error_has("must be two positive numbers");
  o = opts(0, 1 << 20, 1 << 20, 1);
  assert_null(mg_decode_image(png_rgb, sizeof png_rgb, "x", &o));
  expect_error("read_image: the size 1048576x1048576 to resize to is too large");
}

/* A PNG header changed to claim w x h pixels (stb does not check the CRC). */
static mg_tensor *claiming(uint32_t w, uint32_t h) {
  unsigned char big[sizeof png_rgb];
  memcpy(big, png_rgb, sizeof big);
  for (int i = 0; i < 4; i++) big[16 + i] = (unsigned char)(w >> (24 - 8 * i));
  for (int i = 0; i < 4; i++) big[20 + i] = (unsigned char)(h >> (24 - 8 * i));
  return mg_decode_image(big, sizeof big, "huge.png", NULL);
}

static void test_absurd_dimensions(void **state) {
  /* refused before anything is allocated: by moongrad's limit of 2^28 pixels, or by stb's */
  assert_null(claiming(20000, 15000));
  expect_error("read_image: huge.png declares 20000x15000 pixels (at most 268435456 are "
               "decoded)");
  assert_null(claiming(100000, 100000));
  expect_error("read_image: huge.png declares an image too large to decode");
  /* a plausible size with too little data behind it */
  assert_null(claiming(3, 3));
  error_has("read_image: cannot decode huge.png: corrupt or truncated PNG data");
}

/* ---- bilinear resizing ------------------------------------------------------------------ */

static void test_resize_by_hand(void **state) {
  /* 2x2 {0, 40; 80, 120} to 4x4: output i samples (i + 0.5) / 2 - 0.5 = -0.25 (clamped to
   * 0), 0.25, 0.75, 1.25 (past the last pixel: clamped to it). Along a row 0..40: 0, 10,
   * 30, 40; 80..120: 80, 90, 110, 120; down the columns the same weights (0, .25, .75, 1). */
  mg_tensor *img = make(MG_FLOAT32, 2, S(2, 2), VALS(0, 40, 80, 120));
  EXPECT(mg_resize_bilinear(img, 4, 4), S(4, 4), 1e-6,
         0, 10, 30, 40, 20, 30, 50, 60, 60, 70, 90, 100, 80, 90, 110, 120);
  /* to 1x1: samples (0.5) * 2 - 0.5 = 0.5 both ways: the mean, 60 */
  EXPECT(mg_resize_bilinear(img, 1, 1), S(1, 1), 1e-6, 60);
  /* to 2x2: the identity (sample points 0 and 1) */
  EXPECT(mg_resize_bilinear(img, 2, 2), S(2, 2), 0, 0, 40, 80, 120);
  /* to 1x4: the rows averaged (y samples 0.5), then 0, .25, .75, 1 of the way along */
  EXPECT(mg_resize_bilinear(img, 1, 4), S(1, 4), 1e-6, 40, 50, 70, 80);
  mg_release(img);

  /* 1x3 {0, 10, 20} to 1x2: ratio 1.5, samples 0.25 and 1.75: 2.5 and 17.5 */
  img = make(MG_FLOAT32, 2, S(1, 3), VALS(0, 10, 20));
  EXPECT(mg_resize_bilinear(img, 1, 2), S(1, 2), 1e-6, 2.5, 17.5);
  /* to 1x5: ratio 0.6, samples -0.2 (0), 0.4, 1.0, 1.6, 2.2 (2): 0, 4, 10, 16, 20 */
  EXPECT(mg_resize_bilinear(img, 1, 5), S(1, 5), 1e-6, 0, 4, 10, 16, 20);
  mg_release(img);
}

static void test_resize_layouts(void **state) {
  /* leading dims are planes; float64 stays float64 */
  mg_tensor *img = make(MG_FLOAT64, 4, S(2, 1, 2, 2), VALS(0, 40, 80, 120, 1, 1, 1, 1));
  mg_tensor *r = mg_resize_bilinear(img, 1, 1);
  check(r, MG_FLOAT64, 4, S(2, 1, 1, 1), VALS(60, 1), 1e-12);
  mg_release(r);
  mg_release(img);
  /* a transposed (strided) input {0, 80; 40, 120}: rows averaged to {20, 100}, then sampled
   * at 0, .25, .75, 1 of the way: 20, 40, 80, 100 */
  mg_tensor *base = make(MG_FLOAT32, 2, S(2, 2), VALS(0, 40, 80, 120));
  mg_tensor *t = mg_transpose(base, 0, 1);
  EXPECT(mg_resize_bilinear(t, 1, 4), S(1, 4), 1e-6, 20, 40, 80, 100);
  mg_release(t);
  mg_release(base);
}

static void test_resize_errors(void **state) {
  mg_tensor *ints = make(MG_INT64, 2, S(2, 2), VALS(1, 2, 3, 4));
  assert_null(mg_resize_bilinear(ints, 2, 2));
  expect_error("resize_image: expected a float32 or float64 tensor, got int64");
  mg_release(ints);
  mg_tensor *line = make(MG_FLOAT32, 1, S(3), VALS(1, 2, 3));
  assert_null(mg_resize_bilinear(line, 2, 2));
  expect_error("resize_image: expected a tensor of at least 2 dimensions ({..., H, W}), got "
               "shape {3}");
  mg_release(line);
  mg_tensor *img = make(MG_FLOAT32, 2, S(2, 2), VALS(1, 2, 3, 4));
  assert_null(mg_resize_bilinear(img, 0, 2));
  expect_error("resize_image: expected a positive size, got 0x2");
  assert_int_equal(mg_set_requires_grad(img, true), 0);
  assert_null(mg_resize_bilinear(img, 3, 3));
  expect_error("resize_image: not differentiable, but the tensor requires grad (detach it "
               "first)");
  bool was = mg_set_grad_enabled(false);
  mg_tensor *r = mg_resize_bilinear(img, 1, 1);
  check(r, MG_FLOAT32, 2, S(1, 1), VALS(2.5), 1e-6);
  assert_false(r->requires_grad);
  mg_release(r);
  mg_set_grad_enabled(was);
  mg_release(img);
  mg_tensor *empty = mg_zeros(MG_FLOAT32, 2, S(0, 3));
  assert_null(mg_resize_bilinear(empty, 2, 2));
  expect_error("resize_image: cannot resize an empty image (shape {0,3})");
  mg_release(empty);
  assert_null(mg_resize_bilinear(NULL, 2, 2));
  expect_error("resize_image: expected a tensor, got NULL");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_png_rgb),           cmocka_unit_test(test_png_grey_and_alpha),
      cmocka_unit_test(test_bmp),               cmocka_unit_test(test_jpeg_file),
      cmocka_unit_test(test_read_file),         cmocka_unit_test(test_file_errors),
      cmocka_unit_test(test_unsupported_formats), cmocka_unit_test(test_truncated),
      cmocka_unit_test(test_truncated_jpeg),    cmocka_unit_test(test_damaged_bytes),
      cmocka_unit_test(test_option_errors),     cmocka_unit_test(test_absurd_dimensions),
      cmocka_unit_test(test_resize_by_hand),    cmocka_unit_test(test_resize_layouts),
      cmocka_unit_test(test_resize_errors),
  };
  return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
