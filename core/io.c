/* Reading tensors from files: the IDX format of MNIST (http://yann.lecun.com/exdb/mnist/),
 * plain or gzip-compressed. zlib's gzread reads both transparently. Values are converted one
 * chunk at a time while reading, so that a large file never needs more than its result plus
 * a small buffer. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "internal.h"

#define CHUNK_ELEMENTS 65536 /* elements converted per read (64 KiB of ubyte data) */
#define MAX_DATA_BYTES ((int64_t)1 << 46)
#define DEFLATE_MAX_RATIO 1032 /* deflate never expands data more than this */

/* The IDX element types: the type byte, the size of one element, and how to decode it. */
enum { IDX_U8 = 0x08, IDX_I8 = 0x09, IDX_I16 = 0x0B, IDX_I32 = 0x0C, IDX_F32 = 0x0D, IDX_F64 = 0x0E };

static int idx_elsize(int type) {
  switch (type) {
  case IDX_U8: case IDX_I8: return 1;
  case IDX_I16: return 2;
  case IDX_I32: case IDX_F32: return 4;
  case IDX_F64: return 8;
  default: return 0;
  }
}

static uint64_t big_endian(const unsigned char *p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; i++) v = v << 8 | p[i];
  return v;
}

/* Decodes n big-endian elements of the IDX type into doubles. */
static void decode(int type, const unsigned char *raw, int64_t n, double *out) {
  switch (type) {
  case IDX_U8:
    for (int64_t i = 0; i < n; i++) out[i] = raw[i];
    break;
  case IDX_I8:
    for (int64_t i = 0; i < n; i++) out[i] = (int8_t)raw[i];
    break;
  case IDX_I16:
    for (int64_t i = 0; i < n; i++) out[i] = (int16_t)(uint16_t)big_endian(raw + 2 * i, 2);
    break;
  case IDX_I32:
    for (int64_t i = 0; i < n; i++) out[i] = (int32_t)(uint32_t)big_endian(raw + 4 * i, 4);
    break;
  case IDX_F32:
    for (int64_t i = 0; i < n; i++) {
      uint32_t bits = (uint32_t)big_endian(raw + 4 * i, 4);
      float f;
      memcpy(&f, &bits, sizeof f);
      out[i] = f;
    }
    break;
  default: /* IDX_F64 */
    for (int64_t i = 0; i < n; i++) {
      uint64_t bits = big_endian(raw + 8 * i, 8);
      double d;
      memcpy(&d, &bits, sizeof d);
      out[i] = d;
    }
    break;
  }
}

/* Stores n values times scale into dst (a contiguous run of dtype). */
static void store(mg_dtype dtype, void *dst, const double *v, int64_t n, double scale) {
  switch (dtype) {
  case MG_FLOAT32: {
    float *p = dst;
    for (int64_t i = 0; i < n; i++) p[i] = (float)(v[i] * scale);
    break;
  }
  case MG_FLOAT64: {
    double *p = dst;
    for (int64_t i = 0; i < n; i++) p[i] = v[i] * scale;
    break;
  }
  default: { /* int64 and bool: mg_store's conversion (saturating, NaN -> 0; nonzero) */
    char *p = dst;
    size_t elsize = mg_dtype_size(dtype);
    for (int64_t i = 0; i < n; i++) mg_store(dtype, p + (size_t)i * elsize, v[i] * scale);
    break;
  }
  }
}

/* Reads up to n bytes; returns how many were read (short only at the end of the data), or -1
 * with the error set. */
static int64_t read_bytes(gzFile f, const char *path, unsigned char *buf, int64_t n) {
  int64_t got = 0;
  while (got < n) {
    int r = gzread(f, buf + got, (unsigned)(n - got));
    if (r < 0) {
      int code;
      const char *msg = gzerror(f, &code), *colon = strstr(msg, ": ");
      if (strncmp(msg, "<fd:", 4) == 0 && colon) msg = colon + 2; /* gzdopen's "<fd:3>: " */
      mg_fail("read_idx: cannot read %s: %s", path,
              code == Z_ERRNO ? strerror(errno) : msg);
      return -1;
    }
    if (r == 0) break;
    got += r;
  }
  return got;
}

/* The dtype a file's values get when the caller asks for MG_IDX_NATURAL. */
static mg_dtype natural_dtype(int type, double scale) {
  if (type == IDX_F64) return MG_FLOAT64;
  if (type == IDX_F32) return MG_FLOAT32;
  return scale == 1 ? MG_INT64 : MG_FLOAT32;
}

/* Reads the header and data of an open file into a new tensor. file_bytes is the size of
 * the file on disk (-1 when unknown, as for a pipe). */
static mg_tensor *read_open(gzFile f, const char *path, int64_t file_bytes, int dtype_arg,
                            double scale) {
  unsigned char head[4 + 4 * MG_MAX_DIMS];
  int64_t got = read_bytes(f, path, head, 4);
  if (got < 0) return NULL;
  if (got < 4)
    return mg_fail_null("read_idx: %s is truncated: expected a header of at least 4 bytes, "
                        "got %lld", path, (long long)got);
  if (head[0] != 0 || head[1] != 0)
    return mg_fail_null("read_idx: %s is not an IDX file (magic bytes %02x %02x, expected 00 00)",
                        path, head[0], head[1]);
  int type = head[2], ndim = head[3], elsize = idx_elsize(type);
  if (!elsize)
    return mg_fail_null("read_idx: %s has an unknown IDX data type 0x%02x (expected 0x08, "
                        "0x09, 0x0B, 0x0C, 0x0D or 0x0E)", path, type);
  if (ndim < 1 || ndim > MG_MAX_DIMS)
    return mg_fail_null("read_idx: %s has %d dimensions (expected 1 to %d)", path, ndim,
                        MG_MAX_DIMS);
  got = read_bytes(f, path, head + 4, 4 * ndim);
  if (got < 0) return NULL;
  if (got < 4 * ndim)
    return mg_fail_null("read_idx: %s is truncated: expected a header of %d bytes, got %lld",
                        path, 4 + 4 * ndim, (long long)(4 + got));

  /* The sizes, and the bytes of data they claim, checked before anything is allocated. */
  int64_t size[MG_MAX_DIMS], numel = 1;
  bool too_large = false;
  for (int d = 0; d < ndim; d++) {
    size[d] = (int64_t)big_endian(head + 4 + 4 * d, 4);
    if (size[d] > 0 && numel > MAX_DATA_BYTES / elsize / size[d]) too_large = true;
    else numel *= size[d];
  }
  char buf[MG_SHAPE_STR];
  if (too_large)
    return mg_fail_null("read_idx: %s claims a shape %s too large to read", path,
                        mg_shape_str(ndim, size, buf));
  int64_t data_bytes = numel * elsize, header_bytes = 4 + 4 * (int64_t)ndim;
  if (file_bytes >= 0) {
    if (gzdirect(f) && data_bytes > file_bytes - header_bytes)
      return mg_fail_null("read_idx: %s is truncated: expected %lld bytes of data, got %lld",
                          path, (long long)data_bytes, (long long)(file_bytes - header_bytes));
    if (!gzdirect(f) && data_bytes / DEFLATE_MAX_RATIO > file_bytes)
      return mg_fail_null("read_idx: %s is truncated: expected %lld bytes of data, but %lld "
                          "bytes of gzip data cannot hold them", path, (long long)data_bytes,
                          (long long)file_bytes);
  }

  if (dtype_arg == MG_IDX_NATURAL) dtype_arg = natural_dtype(type, scale);
  mg_dtype dtype = (mg_dtype)dtype_arg;
  mg_tensor *t = mg_allocate("read_idx", dtype, ndim, size);
  if (!t) return NULL;
  unsigned char *raw = malloc((size_t)CHUNK_ELEMENTS * (size_t)elsize);
  double *values = malloc(CHUNK_ELEMENTS * sizeof *values);
  if (!raw || !values) {
    free(raw);
    free(values);
    mg_release(t);
    return mg_fail_null("read_idx: out of memory");
  }
  char *out = mg_data(t);
  size_t out_elsize = mg_dtype_size(dtype);
  int64_t done = 0;
  while (done < numel) {
    int64_t n = numel - done < CHUNK_ELEMENTS ? numel - done : CHUNK_ELEMENTS;
    got = read_bytes(f, path, raw, n * elsize);
    if (got < n * elsize) {
      if (got >= 0)
        mg_fail("read_idx: %s is truncated: expected %lld bytes of data, got %lld", path,
                (long long)data_bytes, (long long)(done * elsize + got));
      break;
    }
    decode(type, raw, n, values);
    store(dtype, out + (size_t)done * out_elsize, values, n, scale);
    done += n;
  }
  free(raw);
  free(values);
  if (done < numel) {
    mg_release(t);
    return NULL;
  }
  return t;
}

mg_tensor *mg_read_idx(const char *path, int dtype, double scale) {
  if (!path) return mg_fail_null("read_idx: expected a path, got NULL");
  if (dtype < MG_IDX_NATURAL || dtype >= MG_NUM_DTYPES)
    return mg_fail_null("read_idx: unknown dtype %d", dtype);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return mg_fail_null("read_idx: cannot open %s: %s", path, strerror(errno));
  struct stat st;
  int err = fstat(fd, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : 0;
  if (err) {
    close(fd);
    return mg_fail_null("read_idx: cannot read %s: %s", path, strerror(err));
  }
  gzFile f = gzdopen(fd, "rb");
  if (!f) {
    close(fd);
    return mg_fail_null("read_idx: cannot read %s: out of memory", path);
  }
  gzbuffer(f, 128 * 1024);
  mg_tensor *t = read_open(f, path, S_ISREG(st.st_mode) ? (int64_t)st.st_size : -1, dtype, scale);
  gzclose(f); /* closes fd too */
  return t;
}
