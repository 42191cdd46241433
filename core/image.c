/* Images: decoding PNG, JPEG and BMP files with stb_image (Debian's libstb) into float
 * tensors {C, H, W}, and resizing by bilinear interpolation.
 *
 * stb_image decodes more formats than these three and is lenient with damaged files (it may
 * read a truncated BMP as if the missing rows were black), so the format is recognised here
 * from its signature, and the checks stb does not make are made before decoding: a BMP must
 * hold every row its header declares, and a JPEG must end its last scan with an EOI marker. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stb/stb_image.h>

#include "internal.h"

#define MAX_FILE_BYTES ((int64_t)INT_MAX) /* stb_image takes the length as an int */
#define MAX_PIXELS ((int64_t)1 << 28)

typedef enum { FORMAT_UNKNOWN, FORMAT_PNG, FORMAT_JPEG, FORMAT_BMP } image_format;

static const char *format_name(image_format f) {
  return f == FORMAT_PNG ? "PNG" : f == FORMAT_JPEG ? "JPEG" : "BMP";
}

static image_format detect(const unsigned char *p, size_t n) {
  static const unsigned char png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (n >= 8 && memcmp(p, png, 8) == 0) return FORMAT_PNG;
  if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF) return FORMAT_JPEG;
  if (n >= 2 && p[0] == 'B' && p[1] == 'M') return FORMAT_BMP;
  return FORMAT_UNKNOWN;
}

static uint32_t le32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* An uncompressed BMP (BI_RGB or BI_BITFIELDS) must hold |height| rows of its width times
 * its bits per pixel, padded to 4 bytes, after the data offset. Other headers are left to
 * stb (which rejects the compressed kinds it does not decode). */
static int check_bmp(const unsigned char *p, size_t n, const char *name) {
  if (n < 30) return 0; /* stb reports the short header */
  uint32_t offset = le32(p + 10), header = le32(p + 14);
  if (header < 40 || n < 34) return 0; /* OS/2 headers: stb checks them */
  int64_t width = (int32_t)le32(p + 18), height = (int32_t)le32(p + 22);
  int bpp = p[28] | p[29] << 8;
  uint32_t compression = le32(p + 30);
  if (compression != 0 && compression != 3) return 0;
  if (height < 0) height = -height;
  if (width <= 0 || width > (1 << 24) || height > (1 << 24) || bpp <= 0 || bpp > 32) return 0;
  int64_t row = (width * bpp + 31) / 32 * 4, need = (int64_t)offset + row * height;
  if (need > (int64_t)n)
    return mg_fail("read_image: %s is truncated: its BMP header declares %lld bytes, the file "
                   "has %lld", name, (long long)need, (long long)n);
  return 0;
}

/* The entropy-coded data of a JPEG scan cannot hold a marker (0xFF is stuffed as FF 00), so
 * an EOI (FF D9) must follow the last start of scan (FF DA); a thumbnail in an APP segment
 * ends before the main image's scans begin. */
static int check_jpeg(const unsigned char *p, size_t n, const char *name) {
  size_t last_sos = 0;
  for (size_t i = 2; i + 1 < n; i++)
    if (p[i] == 0xFF && p[i + 1] == 0xDA) last_sos = i;
  if (!last_sos) return 0; /* no scan at all: stb reports it */
  for (size_t i = last_sos + 2; i + 1 < n; i++)
    if (p[i] == 0xFF && p[i + 1] == 0xD9) return 0;
  return mg_fail("read_image: %s is truncated: its JPEG data ends without an end-of-image "
                 "marker", name);
}

/* stb's terse reason for a failure ("outofdata", "bad offset"), when it says something about
 * this file: stb keeps one message, which the signature tests of the formats it tries before
 * the right one also set, and an unknown PNG chunk's message carries the chunk's type bytes,
 * which in a damaged file may be anything. */
static const char *stb_reason(void) {
  const char *r = stbi_failure_reason();
  static const char *const from_tests[] = {"no SOI", "bad png sig", "not BMP", "not GIF",
                                           "unknown image type"};
  if (!r || strlen(r) < 5) return NULL;
  for (const char *c = r; *c; c++)
    if (*c < ' ' || *c > '~') return NULL;
  for (size_t i = 0; i < sizeof from_tests / sizeof *from_tests; i++)
    if (strcmp(r, from_tests[i]) == 0) return NULL;
  return r;
}

static int check_options(const char *what, const mg_image_options *o) {
  if (o->channels < 0 || o->channels > 4)
    return mg_fail("%s: channels must be 0 (as stored), 1, 2, 3 or 4, got %d", what, o->channels);
  if (o->height < 0 || o->width < 0 || (o->height == 0) != (o->width == 0))
    return mg_fail("%s: the size to resize to must be two positive numbers (or none), got "
                   "height %lld and width %lld", what, (long long)o->height, (long long)o->width);
  if (o->height > (1 << 24) || o->width > (1 << 24) || o->height * o->width > MAX_PIXELS)
    return mg_fail("%s: the size %lldx%lld to resize to is too large", what,
                   (long long)o->height, (long long)o->width);
  return 0;
}

mg_tensor *mg_decode_image(const void *bytes, size_t n, const char *name,
                           const mg_image_options *opts) {
  mg_image_options defaults = {0, 0, 0, 1};
  const mg_image_options *o = opts ? opts : &defaults;
  if (!name) name = "(image data)";
  if (check_options("read_image", o)) return NULL;
  if (!bytes && n) return mg_fail_null("read_image: %s: no data", name);
  const unsigned char *p = bytes;
  if (n == 0) return mg_fail_null("read_image: %s is empty", name);
  if ((int64_t)n > MAX_FILE_BYTES)
    return mg_fail_null("read_image: %s is too large (%lld bytes; at most %lld)", name,
                        (long long)n, (long long)MAX_FILE_BYTES);
  image_format format = detect(p, n);
  if (format == FORMAT_UNKNOWN)
    return mg_fail_null("read_image: %s is not a PNG, JPEG or BMP image (unrecognised "
                        "signature)", name);
  if ((format == FORMAT_BMP && check_bmp(p, n, name)) ||
      (format == FORMAT_JPEG && check_jpeg(p, n, name)))
    return NULL;
  /* The size from the header first, to refuse absurd ones before stb allocates. When stb
   * cannot read the header, decoding fails too, with its reason (the one info leaves is
   * that of the last format it tried). */
  int w, h, got;
  if (stbi_info_from_memory(p, (int)n, &w, &h, &got) && (int64_t)w * h > MAX_PIXELS)
    return mg_fail_null("read_image: %s declares %dx%d pixels (at most %lld are decoded)", name,
                        w, h, (long long)MAX_PIXELS);
  unsigned char *pixels = stbi_load_from_memory(p, (int)n, &w, &h, &got, o->channels);
  if (!pixels) {
    const char *why = stb_reason();
    if (why && strcmp(why, "outofmem") == 0)
      return mg_fail_null("read_image: out of memory decoding %s", name);
    if (why && strcmp(why, "too large") == 0)
      return mg_fail_null("read_image: %s declares an image too large to decode", name);
    return mg_fail_null("read_image: cannot decode %s: corrupt or truncated %s data%s%s%s",
                        name, format_name(format), why ? " (" : "", why ? why : "",
                        why ? ")" : "");
  }
  int c = o->channels ? o->channels : got;
  mg_tensor *planes = mg_allocate("read_image", MG_FLOAT32, 3, (int64_t[]){c, h, w});
  if (!planes) {
    stbi_image_free(pixels);
    return NULL;
  }
  /* interleaved rows of h x w x c bytes -> planes {c, h, w}, scaled */
  float *out = mg_data(planes), scale = (float)o->scale;
  int64_t hw = (int64_t)h * w;
  for (int k = 0; k < c; k++)
    for (int64_t i = 0; i < hw; i++) out[k * hw + i] = (float)pixels[i * c + k] * scale;
  stbi_image_free(pixels);
  if (!o->height || (o->height == h && o->width == w)) return planes;
  mg_tensor *resized = mg_resize_bilinear(planes, o->height, o->width);
  mg_release(planes);
  return resized;
}

mg_tensor *mg_read_image(const char *path, const mg_image_options *opts) {
  if (!path) return mg_fail_null("read_image: expected a path, got NULL");
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return mg_fail_null("read_image: cannot open %s: %s", path, strerror(errno));
  struct stat st;
  int err = fstat(fd, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : 0;
  if (!err && !S_ISREG(st.st_mode)) {
    close(fd);
    return mg_fail_null("read_image: cannot read %s: not a regular file", path);
  }
  if (err) {
    close(fd);
    return mg_fail_null("read_image: cannot read %s: %s", path, strerror(err));
  }
  if ((int64_t)st.st_size > MAX_FILE_BYTES) {
    close(fd);
    return mg_fail_null("read_image: %s is too large (%lld bytes; at most %lld)", path,
                        (long long)st.st_size, (long long)MAX_FILE_BYTES);
  }
  size_t n = (size_t)st.st_size, got = 0;
  unsigned char *buf = malloc(n ? n : 1);
  if (!buf) {
    close(fd);
    return mg_fail_null("read_image: out of memory reading %s (%zu bytes)", path, n);
  }
  while (got < n) {
    ssize_t r = read(fd, buf + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      err = errno;
      free(buf);
      close(fd);
      return mg_fail_null("read_image: cannot read %s: %s", path, strerror(err));
    }
    if (r == 0) break; /* shrank while reading: decode what there is */
    got += (size_t)r;
  }
  close(fd);
  mg_tensor *t = mg_decode_image(buf, got, path, opts);
  free(buf);
  return t;
}

/* ---- bilinear resizing ------------------------------------------------------------------ */

/* Where output position i (0..out-1) samples the input (0..in-1), with half-pixel centres:
 * src = (i + 0.5) * in / out - 0.5, clamped at 0; it lies between lo and hi = lo + 1 (or lo
 * at the last position) with weight frac on hi. */
typedef struct {
  int64_t lo, hi;
  double frac;
} tap;

static void make_taps(int64_t in, int64_t out, tap *taps) {
  double ratio = (double)in / (double)out;
  for (int64_t i = 0; i < out; i++) {
    double src = ((double)i + 0.5) * ratio - 0.5;
    if (src < 0) src = 0;
    int64_t lo = (int64_t)src;
    if (lo > in - 1) lo = in - 1;
    taps[i].lo = lo;
    taps[i].hi = lo < in - 1 ? lo + 1 : lo;
    taps[i].frac = src - (double)lo;
  }
}

typedef struct {
  const char *in;
  char *out;
  bool f64;
  int64_t in_h, in_w, out_h, out_w;
  const tap *ty, *tx;
} resize_ctx;

static inline double load(const char *p, int64_t i, bool f64) {
  return f64 ? ((const double *)p)[i] : ((const float *)p)[i];
}

/* Output rows [begin, end) of every plane, counted as plane * out_h + row. */
static void resize_rows(void *arg, int64_t begin, int64_t end) {
  const resize_ctx *c = arg;
  for (int64_t r = begin; r < end; r++) {
    int64_t plane = r / c->out_h, y = r % c->out_h;
    int64_t base = plane * c->in_h * c->in_w;
    int64_t row0 = base + c->ty[y].lo * c->in_w, row1 = base + c->ty[y].hi * c->in_w;
    double fy = c->ty[y].frac;
    for (int64_t x = 0; x < c->out_w; x++) {
      const tap *t = &c->tx[x];
      double top = load(c->in, row0 + t->lo, c->f64) * (1 - t->frac) +
                   load(c->in, row0 + t->hi, c->f64) * t->frac;
      double bottom = load(c->in, row1 + t->lo, c->f64) * (1 - t->frac) +
                      load(c->in, row1 + t->hi, c->f64) * t->frac;
      double v = top * (1 - fy) + bottom * fy;
      int64_t o = r * c->out_w + x;
      if (c->f64) ((double *)c->out)[o] = v;
      else ((float *)c->out)[o] = (float)v;
    }
  }
}

mg_tensor *mg_resize_bilinear(const mg_tensor *t, int64_t height, int64_t width) {
  if (!t) return mg_fail_null("resize_image: expected a tensor, got NULL");
  if (t->dtype != MG_FLOAT32 && t->dtype != MG_FLOAT64)
    return mg_fail_null("resize_image: expected a float32 or float64 tensor, got %s",
                        mg_dtype_name(t->dtype));
  char buf[MG_SHAPE_STR];
  if (t->ndim < 2)
    return mg_fail_null("resize_image: expected a tensor of at least 2 dimensions ({..., H, W}), "
                        "got shape %s", mg_shape_str(t->ndim, t->size, buf));
  if (height < 1 || width < 1 || height > (1 << 24) || width > (1 << 24))
    return mg_fail_null("resize_image: expected a positive size, got %lldx%lld",
                        (long long)height, (long long)width);
  if (t->requires_grad && mg_is_grad_enabled())
    return mg_fail_null("resize_image: not differentiable, but the tensor requires grad "
                        "(detach it first)");
  int nd = t->ndim;
  int64_t in_h = t->size[nd - 2], in_w = t->size[nd - 1];
  if (in_h == 0 || in_w == 0)
    return mg_fail_null("resize_image: cannot resize an empty image (shape %s)",
                        mg_shape_str(nd, t->size, buf));
  int64_t size[MG_MAX_DIMS], planes = 1;
  for (int d = 0; d < nd - 2; d++) size[d] = t->size[d], planes *= t->size[d];
  size[nd - 2] = height;
  size[nd - 1] = width;
  mg_tensor *out = mg_allocate("resize_image", t->dtype, nd, size);
  if (!out) return NULL;
  if (planes == 0) return out;
  tap *taps = malloc((size_t)(height + width) * sizeof *taps);
  if (!taps) {
    mg_release(out);
    return mg_fail_null("resize_image: out of memory");
  }
  mg_tensor *src = mg_is_contiguous(t) ? mg_retain((mg_tensor *)t)
                                       : mg_copy_as("resize_image", t, t->dtype);
  if (!src) {
    mg_release(out);
    free(taps);
    return NULL;
  }
  make_taps(in_h, height, taps);
  make_taps(in_w, width, taps + height);
  resize_ctx c = {mg_data(src), mg_data(out), t->dtype == MG_FLOAT64, in_h, in_w, height,
                  width, taps, taps + height};
  mg_parallel_for(planes * height, 1 + MG_PARALLEL_GRAIN / (int64_t)(4 * width), resize_rows, &c);
  free(taps);
  mg_release(src);
  return out;
}
