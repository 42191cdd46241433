/* Frames: named columns (float64, int64, bool, dictionary-encoded strings) with missing
 * values, and every operation on them that loops over rows: taking and filtering rows,
 * conversion to tensors, missing values, the hash-based drop_duplicates, groupby, group
 * numbers, join and match, a stable sort, hashing values for the hashing trick, and times
 * from text. Columns are immutable: operations build new ones (sharing the
 * string dictionaries) or share them whole. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "frame.h"

struct mg_frame {
  int ncols, cap;
  int64_t nrows;
  char **names;
  mg_column **cols;
};

static const char *const coltype_names[MG_NUM_COLTYPES] = {"float64", "int64", "bool", "string"};
static const size_t coltype_size[MG_NUM_COLTYPES] = {8, 8, 1, 4};

const char *mg_coltype_name(mg_coltype type) { return coltype_names[type]; }

int mg_coltype_from_name(const char *name, mg_coltype *out) {
  for (int t = 0; t < MG_NUM_COLTYPES; t++)
    if (strcmp(name, coltype_names[t]) == 0) {
      *out = (mg_coltype)t;
      return 0;
    }
  return mg_fail("unknown column type '%s' (expected float64, int64, bool or string)", name);
}

static const char *const agg_names[MG_NUM_AGGS] = {
    "count", "sum", "mean", "min", "max", "std", "nunique", "first", "last"};

const char *mg_agg_name(mg_agg agg) { return agg_names[agg]; }

int mg_agg_from_name(const char *name, mg_agg *out) {
  for (int a = 0; a < MG_NUM_AGGS; a++)
    if (strcmp(name, agg_names[a]) == 0) {
      *out = (mg_agg)a;
      return 0;
    }
  return mg_fail("unknown aggregation '%s' (expected count, sum, mean, min, max, std, "
                 "nunique, first or last)", name);
}

/* ---- string dictionaries ------------------------------------------------------------ */

static inline uint64_t load8(const char *s) {
  uint64_t w;
  memcpy(&w, s, sizeof w);
  return w;
}

static inline uint64_t load4(const char *s) {
  uint32_t w;
  memcpy(&w, s, sizeof w);
  return w;
}

/* Two words that together hold every one of the len <= 16 bytes at s (overlapping when
 * len < 16), read without touching a byte past them. */
static inline void cover(const char *s, size_t len, uint64_t *a, uint64_t *b) {
  const unsigned char *u = (const unsigned char *)s;
  if (len >= 8) *a = load8(s), *b = load8(s + len - 8);
  else if (len >= 4) *a = load4(s), *b = load4(s + len - 4);
  else *a = len ? u[0] | (uint64_t)u[len / 2] << 8 | (uint64_t)u[len - 1] << 16 : 0, *b = 0;
}

/* The two halves of the 128-bit product, folded (wyhash's mixing step). */
static inline uint64_t fold_multiply(uint64_t a, uint64_t b) {
  __uint128_t m = (__uint128_t)a * b;
  return (uint64_t)m ^ (uint64_t)(m >> 64);
}

uint64_t mg_hash_bytes(const char *s, size_t len) {
  const uint64_t k0 = 0xa0761d6478bd642fu, k1 = 0xe7037ed1a0b428dbu;
  uint64_t h = len * k0, a, b;
  for (; len > 16; s += 16, len -= 16) h = fold_multiply(load8(s) ^ k1, load8(s + 8) ^ h);
  cover(s, len, &a, &b);
  return fold_multiply(a ^ k1 ^ h, b ^ k0);
}

static inline bool same_bytes(const char *x, const char *y, size_t len) {
  if (len > 16) return memcmp(x, y, len) == 0;
  uint64_t a, b, c, d;
  cover(x, len, &a, &b);
  cover(y, len, &c, &d);
  return a == c && b == d;
}

mg_dict *mg_dict_new(void) {
  mg_dict *d = calloc(1, sizeof *d);
  if (!d) return mg_fail_null("out of memory");
  d->refcount = 1;
  d->cap = 8;
  d->nslots = 16;
  d->bytes_cap = 64; /* never NULL: even an empty string points into it (memcmp, memchr) */
  d->start = malloc((size_t)(d->cap + 1) * sizeof *d->start);
  d->hash = malloc((size_t)d->cap * sizeof *d->hash);
  d->bytes = malloc(d->bytes_cap);
  d->slots = malloc(d->nslots * sizeof *d->slots);
  if (!d->start || !d->hash || !d->bytes || !d->slots) {
    mg_dict_release(d);
    return mg_fail_null("out of memory");
  }
  d->start[0] = 0;
  memset(d->slots, -1, d->nslots * sizeof *d->slots);
  return d;
}

void mg_dict_release(mg_dict *d) {
  if (!d || --d->refcount > 0) return;
  free(d->start);
  free(d->hash);
  free(d->bytes);
  free(d->slots);
  free(d);
}

static void *copy_of(const void *p, size_t n) {
  void *q = malloc(n ? n : 1);
  if (q && n) memcpy(q, p, n);
  return q;
}

mg_dict *mg_dict_clone(const mg_dict *d) {
  mg_dict *c = calloc(1, sizeof *c);
  if (!c) return mg_fail_null("out of memory");
  *c = *d;
  c->refcount = 1;
  c->start = copy_of(d->start, (size_t)(d->cap + 1) * sizeof *d->start);
  c->hash = copy_of(d->hash, (size_t)d->cap * sizeof *d->hash);
  c->bytes = copy_of(d->bytes, d->bytes_cap);
  c->slots = copy_of(d->slots, d->nslots * sizeof *d->slots);
  if (!c->start || !c->hash || !c->bytes || !c->slots) {
    mg_dict_release(c);
    return mg_fail_null("out of memory");
  }
  return c;
}

/* Room for one more string of len bytes (and a hash table at most half full). */
static int dict_reserve(mg_dict *d, size_t len) {
  if (d->count == INT32_MAX) return mg_fail("too many distinct strings in one column");
  if (d->count == d->cap) {
    int32_t cap = d->cap > INT32_MAX / 2 ? INT32_MAX : d->cap * 2;
    size_t *start = realloc(d->start, (size_t)(cap + 1) * sizeof *start);
    if (start) d->start = start;
    uint64_t *hash = start ? realloc(d->hash, (size_t)cap * sizeof *hash) : NULL;
    if (!hash) return mg_fail("out of memory");
    d->hash = hash;
    d->cap = cap;
  }
  size_t used = d->start[d->count];
  if (len > SIZE_MAX / 2 - used) return mg_fail("out of memory");
  if (used + len > d->bytes_cap) {
    size_t cap = d->bytes_cap;
    while (cap < used + len) cap *= 2;
    char *bytes = realloc(d->bytes, cap);
    if (!bytes) return mg_fail("out of memory");
    d->bytes = bytes;
    d->bytes_cap = cap;
  }
  if (2 * ((size_t)d->count + 1) > d->nslots) {
    size_t nslots = d->nslots * 2;
    int32_t *slots = malloc(nslots * sizeof *slots);
    if (!slots) return mg_fail("out of memory");
    memset(slots, -1, nslots * sizeof *slots);
    for (int32_t c = 0; c < d->count; c++) {
      size_t i = d->hash[c] & (nslots - 1);
      while (slots[i] >= 0) i = (i + 1) & (nslots - 1);
      slots[i] = c;
    }
    free(d->slots);
    d->slots = slots;
    d->nslots = nslots;
  }
  return 0;
}

int32_t mg_dict_intern(mg_dict *d, const char *s, size_t len) {
  uint64_t h = mg_hash_bytes(s, len);
  size_t mask = d->nslots - 1, i = h & mask;
  for (int32_t c; (c = d->slots[i]) >= 0; i = (i + 1) & mask)
    if (d->hash[c] == h && d->start[c + 1] - d->start[c] == len &&
        same_bytes(d->bytes + d->start[c], s, len))
      return c;
  if (dict_reserve(d, len)) return -1;
  for (i = h & (d->nslots - 1); d->slots[i] >= 0; i = (i + 1) & (d->nslots - 1)) {}
  int32_t c = d->count++;
  if (len) memcpy(d->bytes + d->start[c], s, len);
  d->start[c + 1] = d->start[c] + len;
  d->hash[c] = h;
  d->slots[i] = c;
  return c;
}

/* ---- columns -------------------------------------------------------------------------- */

void *mg_big_malloc(size_t n) {
  const uintptr_t page = 4096;
  void *p = malloc(n);
  if (p && n >= ((size_t)4 << 20)) {
    uintptr_t start = ((uintptr_t)p + page - 1) & ~(page - 1), end = ((uintptr_t)p + n) & ~(page - 1);
    (void)madvise((void *)start, end - start, MADV_HUGEPAGE); /* only a hint: failing is fine */
  }
  return p;
}

/* Gives every missing row its canonical value and drops a mask with no missing row. */
static void column_finish(mg_column *c) {
  if (!c->valid) return;
  bool missing = false;
  for (int64_t r = 0; r < c->n; r++) {
    if (c->valid[r]) continue;
    missing = true;
    switch (c->type) {
    case MG_COL_FLOAT64: ((double *)c->data)[r] = NAN; break;
    case MG_COL_INT64: ((int64_t *)c->data)[r] = 0; break;
    case MG_COL_BOOL: ((uint8_t *)c->data)[r] = 0; break;
    default: ((int32_t *)c->data)[r] = -1; break;
    }
  }
  if (!missing) {
    free(c->valid);
    c->valid = NULL;
  }
}

mg_column *mg_column_adopt(mg_coltype type, int64_t n, void *data, uint8_t *valid, mg_dict *dict) {
  mg_column *c = malloc(sizeof *c);
  if (!c) {
    free(data);
    free(valid);
    mg_dict_release(dict);
    return mg_fail_null("out of memory");
  }
  *c = (mg_column){1, type, n, data, valid, dict};
  column_finish(c);
  return c;
}

void mg_column_release(mg_column *c) {
  if (!c || --c->refcount > 0) return;
  free(c->data);
  free(c->valid);
  mg_dict_release(c->dict);
  free(c);
}

/* A new column of n rows, data uninitialised and (with_mask) a mask to fill; the
 * dictionary is retained. */
static mg_column *column_alloc(const char *what, mg_coltype type, int64_t n, bool with_mask,
                               mg_dict *dict) {
  if (n < 0 || (uint64_t)n > SIZE_MAX / 16)
    return mg_fail_null("%s: %lld rows are too many to allocate", what, (long long)n);
  void *data = mg_big_malloc((size_t)n * coltype_size[type] + 1);
  uint8_t *valid = with_mask ? mg_big_malloc((size_t)n + 1) : NULL;
  if (!data || (with_mask && !valid)) {
    free(data);
    free(valid);
    return mg_fail_null("%s: out of memory", what);
  }
  if (dict) dict->refcount++;
  mg_column *c = malloc(sizeof *c);
  if (!c) {
    free(data);
    free(valid);
    mg_dict_release(dict);
    return mg_fail_null("%s: out of memory", what);
  }
  *c = (mg_column){1, type, n, data, valid, dict};
  return c;
}

static bool is_valid(const mg_column *c, int64_t r) { return !c->valid || c->valid[r]; }

/* dst[k] = src[rows[k]] for elements of es bytes, skipping rows[k] < 0. */
static void gather(void *dst, const void *src, size_t es, int64_t n, const int64_t *rows) {
  char *d = dst;
  const char *s = src;
  switch (es) {
  case 8:
    for (int64_t k = 0; k < n; k++) if (rows[k] >= 0) memcpy(d + 8 * k, s + 8 * rows[k], 8);
    break;
  case 4:
    for (int64_t k = 0; k < n; k++) if (rows[k] >= 0) memcpy(d + 4 * k, s + 4 * rows[k], 4);
    break;
  default:
    for (int64_t k = 0; k < n; k++) if (rows[k] >= 0) d[k] = s[rows[k]];
    break;
  }
}

/* Rows rows[0..n) of c; a negative row gives a missing value. */
static mg_column *column_take(const char *what, const mg_column *c, int64_t n, const int64_t *rows) {
  bool holes = c->valid != NULL;
  for (int64_t k = 0; k < n && !holes; k++) holes = rows[k] < 0;
  mg_column *out = column_alloc(what, c->type, n, holes, c->dict);
  if (!out) return NULL;
  gather(out->data, c->data, coltype_size[c->type], n, rows);
  if (holes) {
    for (int64_t k = 0; k < n; k++) out->valid[k] = rows[k] >= 0 && is_valid(c, rows[k]);
    column_finish(out);
  }
  return out;
}

/* ---- frames --------------------------------------------------------------------------- */

mg_frame *mg_frame_new(void) {
  mg_frame *f = calloc(1, sizeof *f);
  return f ? f : mg_fail_null("out of memory");
}

void mg_frame_free(mg_frame *f) {
  if (!f) return;
  for (int k = 0; k < f->ncols; k++) {
    free(f->names[k]);
    mg_column_release(f->cols[k]);
  }
  free(f->names);
  free(f->cols);
  free(f);
}

int64_t mg_frame_nrows(const mg_frame *f) { return f->nrows; }
int mg_frame_ncols(const mg_frame *f) { return f->ncols; }
const char *mg_frame_name(const mg_frame *f, int col) { return f->names[col]; }
mg_coltype mg_frame_type(const mg_frame *f, int col) { return f->cols[col]->type; }

int mg_frame_find(const mg_frame *f, const char *name) {
  for (int k = 0; k < f->ncols; k++)
    if (strcmp(f->names[k], name) == 0) return k;
  return -1;
}

int64_t mg_frame_missing(const mg_frame *f, int col) {
  const mg_column *c = f->cols[col];
  int64_t missing = 0;
  if (c->valid)
    for (int64_t r = 0; r < c->n; r++) missing += !c->valid[r];
  return missing;
}

int64_t mg_frame_nbytes(const mg_frame *f) {
  int64_t bytes = 0;
  for (int k = 0; k < f->ncols; k++) {
    const mg_column *c = f->cols[k];
    bytes += c->n * (int64_t)coltype_size[c->type] + (c->valid ? c->n : 0);
    if (c->dict) bytes += (int64_t)c->dict->bytes_cap + 20 * (int64_t)c->dict->cap;
  }
  return bytes;
}

void mg_frame_get(const mg_frame *f, int col, int64_t row, mg_cell *out) {
  const mg_column *c = f->cols[col];
  *out = (mg_cell){.type = c->type, .valid = is_valid(c, row)};
  if (!out->valid) return;
  switch (c->type) {
  case MG_COL_FLOAT64: out->f = ((const double *)c->data)[row]; break;
  case MG_COL_INT64: out->i = ((const int64_t *)c->data)[row]; break;
  case MG_COL_BOOL: out->b = ((const uint8_t *)c->data)[row]; break;
  default: out->s = mg_dict_str(c->dict, ((const int32_t *)c->data)[row], &out->len); break;
  }
}

/* Appends c (taking the caller's reference, also on failure) as a new column name. */
static int frame_append(mg_frame *f, const char *what, const char *name, mg_column *c) {
  if (!c) return -1;
  if (mg_frame_find(f, name) >= 0) {
    mg_column_release(c);
    return mg_fail("%s: column name '%s' repeats", what, name);
  }
  if (f->ncols == f->cap) {
    int cap = f->cap ? 2 * f->cap : 8;
    char **names = realloc(f->names, (size_t)cap * sizeof *names);
    if (names) f->names = names;
    mg_column **cols = names ? realloc(f->cols, (size_t)cap * sizeof *cols) : NULL;
    if (!cols) {
      mg_column_release(c);
      return mg_fail("%s: out of memory", what);
    }
    f->cols = cols;
    f->cap = cap;
  }
  char *copy = copy_of(name, strlen(name) + 1);
  if (!copy) {
    mg_column_release(c);
    return mg_fail("%s: out of memory", what);
  }
  if (f->ncols == 0) f->nrows = c->n;
  f->names[f->ncols] = copy;
  f->cols[f->ncols++] = c;
  return 0;
}

int mg_frame_put(mg_frame *f, const char *what, const char *name, mg_column *c) {
  if (!c) return -1;
  if (f->ncols > 0 && c->n != f->nrows) {
    long long n = (long long)c->n;
    mg_column_release(c);
    return mg_fail("%s: column '%s' has %lld values, expected %lld (the frame's rows)", what,
                   name, n, (long long)f->nrows);
  }
  int k = mg_frame_find(f, name);
  if (k < 0) return frame_append(f, what, name, c);
  mg_column_release(f->cols[k]);
  f->cols[k] = c;
  return 0;
}

mg_frame *mg_frame_copy(const mg_frame *f) {
  mg_frame *out = mg_frame_new();
  for (int k = 0; out && k < f->ncols; k++) {
    f->cols[k]->refcount++;
    if (frame_append(out, "copy", f->names[k], f->cols[k])) {
      mg_frame_free(out);
      return NULL;
    }
  }
  if (out) out->nrows = f->nrows;
  return out;
}

/* ---- building columns ------------------------------------------------------------------ */

static mg_column *new_column(mg_coltype type, int64_t n, mg_dict *dict) {
  return column_alloc("with_column", type, n, true, dict);
}

int mg_frame_set_float64(mg_frame *f, const char *name, int64_t n, const double *v,
                         const bool *valid) {
  mg_column *c = new_column(MG_COL_FLOAT64, n, NULL);
  if (!c) return -1;
  double *d = c->data;
  for (int64_t r = 0; r < n; r++) {
    d[r] = v[r];
    c->valid[r] = (!valid || valid[r]) && !isnan(v[r]);
  }
  column_finish(c);
  return mg_frame_put(f, "with_column", name, c);
}

int mg_frame_set_int64(mg_frame *f, const char *name, int64_t n, const int64_t *v,
                       const bool *valid) {
  mg_column *c = new_column(MG_COL_INT64, n, NULL);
  if (!c) return -1;
  if (n) memcpy(c->data, v, (size_t)n * sizeof *v);
  for (int64_t r = 0; r < n; r++) c->valid[r] = !valid || valid[r];
  column_finish(c);
  return mg_frame_put(f, "with_column", name, c);
}

int mg_frame_set_bool(mg_frame *f, const char *name, int64_t n, const bool *v, const bool *valid) {
  mg_column *c = new_column(MG_COL_BOOL, n, NULL);
  if (!c) return -1;
  uint8_t *d = c->data;
  for (int64_t r = 0; r < n; r++) {
    d[r] = v[r];
    c->valid[r] = !valid || valid[r];
  }
  column_finish(c);
  return mg_frame_put(f, "with_column", name, c);
}

int mg_frame_set_string(mg_frame *f, const char *name, int64_t n, const char *const *s,
                        const size_t *len) {
  mg_dict *dict = mg_dict_new();
  mg_column *c = dict ? new_column(MG_COL_STRING, n, dict) : NULL;
  mg_dict_release(dict); /* the column holds it */
  if (!c) return -1;
  int32_t *codes = c->data;
  for (int64_t r = 0; r < n; r++) {
    c->valid[r] = s[r] != NULL;
    codes[r] = s[r] ? mg_dict_intern(c->dict, s[r], len[r]) : -1;
    if (s[r] && codes[r] < 0) {
      mg_column_release(c);
      return -1;
    }
  }
  column_finish(c);
  return mg_frame_put(f, "with_column", name, c);
}

int mg_frame_set_tensor(mg_frame *f, const char *name, const mg_tensor *t) {
  if (t->ndim != 1) {
    char buf[MG_SHAPE_STR];
    return mg_fail("with_column: expected a 1-D tensor, got shape %s",
                   mg_shape_str(t->ndim, t->size, buf));
  }
  mg_dtype dtype = mg_dtype_is_float(t->dtype) ? MG_FLOAT64 : t->dtype;
  mg_tensor *c = mg_copy_as("with_column", t, dtype);
  if (!c) return -1;
  int64_t n = t->size[0];
  int rc = dtype == MG_FLOAT64 ? mg_frame_set_float64(f, name, n, mg_data(c), NULL)
           : dtype == MG_INT64 ? mg_frame_set_int64(f, name, n, mg_data(c), NULL)
                               : mg_frame_set_bool(f, name, n, mg_data(c), NULL);
  mg_release(c);
  return rc;
}

/* ---- columns and rows ------------------------------------------------------------------ */

static int check_col(const char *what, const mg_frame *f, int col) {
  if (col < 0 || col >= f->ncols)
    return mg_fail("%s: column %d out of range (the frame has %d)", what, col + 1, f->ncols);
  return 0;
}

static int check_cols(const char *what, const mg_frame *f, int n, const int *cols) {
  for (int k = 0; k < n; k++)
    if (check_col(what, f, cols[k])) return -1;
  return 0;
}

mg_frame *mg_frame_select(const mg_frame *f, int n, const int *cols, const char *const *names) {
  if (check_cols("select", f, n, cols)) return NULL;
  mg_frame *out = mg_frame_new();
  for (int k = 0; out && k < n; k++) {
    const char *name = names && names[k] ? names[k] : f->names[cols[k]];
    f->cols[cols[k]]->refcount++;
    if (frame_append(out, "select", name, f->cols[cols[k]])) {
      mg_frame_free(out);
      return NULL;
    }
  }
  if (out) out->nrows = f->nrows;
  return out;
}

/* Every column of f at rows[0..n) (a negative row: missing values). */
static mg_frame *take_rows(const char *what, const mg_frame *f, int64_t n, const int64_t *rows) {
  mg_frame *out = mg_frame_new();
  for (int k = 0; out && k < f->ncols; k++) {
    if (frame_append(out, what, f->names[k], column_take(what, f->cols[k], n, rows))) {
      mg_frame_free(out);
      return NULL;
    }
  }
  if (out) out->nrows = n;
  return out;
}

static int64_t *alloc_rows(const char *what, int64_t n) {
  if (n < 0 || (uint64_t)n > SIZE_MAX / 16)
    return mg_fail_null("%s: %lld rows are too many to allocate", what, (long long)n);
  int64_t *rows = mg_big_malloc((size_t)n * sizeof *rows + 1);
  return rows ? rows : mg_fail_null("%s: out of memory", what);
}

mg_frame *mg_frame_take(const mg_frame *f, int64_t n, const int64_t *rows) {
  for (int64_t k = 0; k < n; k++)
    if (rows[k] < 0 || rows[k] >= f->nrows)
      return mg_fail_null("take: row %lld out of range (expected 1 to %lld)",
                          (long long)rows[k] + 1, (long long)f->nrows);
  return take_rows("take", f, n, rows);
}

mg_frame *mg_frame_slice(const mg_frame *f, int64_t start, int64_t length) {
  if (start < 0 || length < 0 || start > f->nrows || length > f->nrows - start)
    return mg_fail_null("slice: rows %lld to %lld out of range (the frame has %lld)",
                        (long long)start + 1, (long long)(start + length), (long long)f->nrows);
  int64_t *rows = alloc_rows("slice", length);
  if (!rows) return NULL;
  for (int64_t k = 0; k < length; k++) rows[k] = start + k;
  mg_frame *out = take_rows("slice", f, length, rows);
  free(rows);
  return out;
}

/* The rows (in order) where keep[r] is nonzero, taken from f. */
static mg_frame *keep_rows(const char *what, const mg_frame *f, const uint8_t *keep) {
  int64_t n = 0;
  for (int64_t r = 0; r < f->nrows; r++) n += keep[r] != 0;
  int64_t *rows = alloc_rows(what, n);
  if (!rows) return NULL;
  for (int64_t r = 0, k = 0; r < f->nrows; r++)
    if (keep[r]) rows[k++] = r;
  mg_frame *out = take_rows(what, f, n, rows);
  free(rows);
  return out;
}

mg_frame *mg_frame_filter(const mg_frame *f, const mg_tensor *mask) {
  char buf[MG_SHAPE_STR];
  if (mask->dtype != MG_BOOL || mask->ndim != 1 || mask->size[0] != f->nrows)
    return mg_fail_null("filter: expected a 1-D bool mask of %lld elements, got a %s tensor of "
                        "shape %s", (long long)f->nrows, mg_dtype_name(mask->dtype),
                        mg_shape_str(mask->ndim, mask->size, buf));
  mg_tensor *m = mg_copy_as("filter", mask, MG_BOOL);
  if (!m) return NULL;
  mg_frame *out = keep_rows("filter", f, mg_data(m));
  mg_release(m);
  return out;
}

/* ---- tensors ----------------------------------------------------------------------------- */

static double number_at(const mg_column *c, int64_t r) {
  switch (c->type) {
  case MG_COL_FLOAT64: return ((const double *)c->data)[r];
  case MG_COL_INT64: return (double)((const int64_t *)c->data)[r];
  default: return ((const uint8_t *)c->data)[r];
  }
}

static double value_or_nan(const mg_column *c, int64_t r) {
  return is_valid(c, r) ? number_at(c, r) : NAN;
}

/* Whether column col can become a tensor of dtype (fill: its missing values have one). */
static int check_numeric(const char *what, const mg_frame *f, int col, mg_dtype dtype, bool fill) {
  const mg_column *c = f->cols[col];
  if (c->type == MG_COL_STRING)
    return mg_fail("%s: column '%s' holds strings (expected float64, int64 or bool)", what,
                   f->names[col]);
  if (c->valid && !fill && !mg_dtype_is_float(dtype))
    return mg_fail("%s: column '%s' has %lld missing values, which %s cannot hold (give a "
                   "fill value)", what, f->names[col], (long long)mg_frame_missing(f, col),
                   mg_dtype_name(dtype));
  return 0;
}

mg_tensor *mg_frame_column(const mg_frame *f, int col, const double *fill) {
  if (check_col("col", f, col)) return NULL;
  const mg_column *c = f->cols[col];
  mg_dtype dtype = c->type == MG_COL_INT64 ? MG_INT64 : c->type == MG_COL_BOOL ? MG_BOOL : MG_FLOAT64;
  if (check_numeric("col", f, col, dtype, fill != NULL)) return NULL;
  mg_tensor *t = mg_allocate("col", dtype, 1, &c->n);
  if (!t) return NULL;
  char *p = mg_data(t);
  size_t es = mg_dtype_size(dtype);
  if (c->n) memcpy(p, c->data, (size_t)c->n * es);
  if (fill)
    for (int64_t r = 0; r < c->n; r++)
      if (!is_valid(c, r)) mg_store(dtype, p + (size_t)r * es, *fill);
  return t;
}

mg_tensor *mg_frame_to_tensor(const mg_frame *f, int n, const int *cols, mg_dtype dtype) {
  if (check_cols("to_tensor", f, n, cols)) return NULL;
  for (int k = 0; k < n; k++)
    if (check_numeric("to_tensor", f, cols[k], dtype, false)) return NULL;
  mg_tensor *t = mg_allocate("to_tensor", dtype, 2, (int64_t[]){f->nrows, n});
  if (!t) return NULL;
  char *p = mg_data(t);
  size_t es = mg_dtype_size(dtype);
  for (int k = 0; k < n; k++) {
    const mg_column *c = f->cols[cols[k]];
    char *q = p + (size_t)k * es;
    if (c->type == MG_COL_INT64 && dtype == MG_INT64) {
      for (int64_t r = 0; r < f->nrows; r++)
        memcpy(q + (size_t)(r * n) * es, (const int64_t *)c->data + r, 8);
    } else if (dtype == MG_FLOAT32) {
      for (int64_t r = 0; r < f->nrows; r++) ((float *)q)[r * n] = (float)value_or_nan(c, r);
    } else {
      for (int64_t r = 0; r < f->nrows; r++) mg_store(dtype, q + (size_t)(r * n) * es, value_or_nan(c, r));
    }
  }
  return t;
}

/* ---- stacking frames ------------------------------------------------------------------- */

/* The column cols[p] of each frame parts[p] one above the other, in a column of rows rows;
 * strings recoded into one dictionary (the first's, grown on a copy unless all share it). */
static mg_column *stack_column(const mg_frame *const *parts, int n, const int *cols, int64_t rows) {
  const mg_column *first = parts[0]->cols[cols[0]];
  bool masked = false, shared = true;
  for (int p = 0; p < n; p++) {
    masked = masked || parts[p]->cols[cols[p]]->valid;
    shared = shared && parts[p]->cols[cols[p]]->dict == first->dict;
  }
  mg_dict *dict = first->dict && !shared ? mg_dict_clone(first->dict) : first->dict;
  if (first->dict && !dict) return mg_fail_null("concat: out of memory");
  mg_column *out = column_alloc("concat", first->type, rows, masked, dict);
  if (dict != first->dict) mg_dict_release(dict); /* out holds it now */
  size_t es = coltype_size[first->type];
  int64_t at = 0;
  for (int p = 0; out && p < n; at += parts[p]->nrows, p++) {
    const mg_column *c = parts[p]->cols[cols[p]];
    if (masked)
      for (int64_t r = 0; r < c->n; r++) out->valid[at + r] = is_valid(c, r);
    if (c->dict == out->dict) {
      if (c->n) memcpy((char *)out->data + (size_t)at * es, c->data, (size_t)c->n * es);
      continue;
    }
    int32_t *map = malloc((size_t)c->dict->count * sizeof *map + 1); /* c's codes in out's dictionary */
    for (int32_t k = 0; map && k < c->dict->count; k++) {
      size_t len;
      const char *str = mg_dict_str(c->dict, k, &len);
      if ((map[k] = mg_dict_intern(out->dict, str, len)) < 0) free(map), map = NULL;
    }
    if (!map) {
      mg_column_release(out);
      return mg_fail_null("concat: out of memory");
    }
    const int32_t *codes = c->data;
    for (int64_t r = 0; r < c->n; r++) ((int32_t *)out->data)[at + r] = codes[r] < 0 ? -1 : map[codes[r]];
    free(map);
  }
  if (out && masked) column_finish(out);
  return out;
}

mg_frame *mg_frame_concat(int n, const mg_frame *const *frames) {
  if (n < 1) return mg_fail_null("concat: expected at least one frame");
  /* frames without rows take no part: their columns may be typed otherwise (as from {}) */
  const mg_frame **parts = malloc((size_t)n * sizeof *parts);
  int *cols = malloc((size_t)n * sizeof *cols), nparts = 0;
  mg_frame *out = parts && cols ? mg_frame_new() : mg_fail_null("concat: out of memory");
  int64_t rows = 0;
  for (int p = 0; out && p < n; p++) {
    const mg_frame *f = frames[p];
    if (f->ncols != frames[0]->ncols) {
      mg_fail("concat: frame %d has %d columns but frame 1 has %d", p + 1, f->ncols, frames[0]->ncols);
      goto fail;
    }
    for (int k = 0; k < f->ncols; k++) {
      int j = mg_frame_find(frames[0], f->names[k]);
      if (j < 0) {
        mg_fail("concat: frame %d has a column '%s', which frame 1 has not", p + 1, f->names[k]);
        goto fail;
      }
    }
    if (f->nrows > 0) parts[nparts++] = f, rows += f->nrows;
  }
  if (out && nparts == 0) parts[nparts++] = frames[0]; /* all empty: the first types them */
  for (int k = 0; out && k < frames[0]->ncols; k++) {
    const char *name = frames[0]->names[k];
    for (int p = 0; p < nparts; p++) {
      cols[p] = mg_frame_find(parts[p], name);
      if (parts[p]->cols[cols[p]]->type != parts[0]->cols[cols[0]]->type) {
        mg_fail("concat: column '%s' is %s in one frame but %s in another", name,
                coltype_names[parts[0]->cols[cols[0]]->type], coltype_names[parts[p]->cols[cols[p]]->type]);
        goto fail;
      }
    }
    if (frame_append(out, "concat", name, stack_column(parts, nparts, cols, rows))) goto fail;
  }
  if (out) out->nrows = rows;
  free(parts), free(cols);
  return out;
fail:
  mg_frame_free(out);
  free(parts), free(cols);
  return NULL;
}

/* ---- missing values ------------------------------------------------------------------------ */

mg_frame *mg_frame_dropna(const mg_frame *f, int n, const int *cols, bool all) {
  if (check_cols("dropna", f, n, cols)) return NULL;
  bool any_mask = false;
  for (int k = 0; k < n; k++) any_mask = any_mask || f->cols[cols[k]]->valid;
  if (!any_mask) return mg_frame_copy(f); /* nothing to drop: share the columns */
  uint8_t *missing = calloc((size_t)f->nrows + 1, 1);
  if (!missing) return mg_fail_null("dropna: out of memory");
  for (int k = 0; k < n; k++) {
    const mg_column *c = f->cols[cols[k]];
    if (c->valid)
      for (int64_t r = 0; r < f->nrows; r++) missing[r] += !c->valid[r];
  }
  for (int64_t r = 0; r < f->nrows; r++) missing[r] = all ? missing[r] < n : missing[r] == 0;
  mg_frame *out = keep_rows("dropna", f, missing);
  free(missing);
  return out;
}

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The mean or median of the present values of a numeric column (NaN when none). */
static int center(const mg_column *c, mg_fill how, double *result) {
  double *v = malloc((size_t)c->n * sizeof *v + 1);
  *result = NAN;
  if (!v) return mg_fail("fillna: out of memory");
  int64_t m = 0;
  for (int64_t r = 0; r < c->n; r++)
    if (is_valid(c, r)) v[m++] = number_at(c, r);
  if (how == MG_FILL_MEAN && m > 0) {
    double sum = 0;
    for (int64_t k = 0; k < m; k++) sum += v[k];
    *result = sum / (double)m;
  } else if (m > 0) {
    qsort(v, (size_t)m, sizeof *v, compare_doubles);
    *result = m % 2 ? v[m / 2] : (v[m / 2 - 1] + v[m / 2]) / 2;
  }
  free(v);
  return 0;
}

/* value as the fill of column col: its type, or a number into float64, or an integral one
 * into int64. */
static int check_fill_value(const mg_frame *f, int col, const mg_cell *value) {
  mg_coltype type = f->cols[col]->type;
  bool ok = value->type == type ||
            (type == MG_COL_FLOAT64 && value->type == MG_COL_INT64) ||
            (type == MG_COL_INT64 && value->type == MG_COL_FLOAT64 && value->f == floor(value->f) &&
             fabs(value->f) < 9.2e18);
  if (!ok)
    return mg_fail("fillna: column '%s' is %s, which cannot hold a %s fill value", f->names[col],
                   coltype_names[type], coltype_names[value->type]);
  return 0;
}

/* A copy of c in which every missing row holds value (of c's type). */
static mg_column *fill_value(const mg_column *c, const mg_cell *value) {
  mg_dict *dict = c->dict;
  int32_t code = -1;
  if (c->type == MG_COL_STRING) {
    dict = mg_dict_clone(c->dict);
    if (!dict || (code = mg_dict_intern(dict, value->s, value->len)) < 0) {
      mg_dict_release(dict);
      return NULL;
    }
  }
  mg_column *out = column_alloc("fillna", c->type, c->n, false, dict);
  mg_dict_release(dict == c->dict ? NULL : dict);
  if (!out) return NULL;
  memcpy(out->data, c->data, (size_t)c->n * coltype_size[c->type]);
  for (int64_t r = 0; r < c->n; r++) {
    if (is_valid(c, r)) continue;
    switch (c->type) {
    case MG_COL_FLOAT64: ((double *)out->data)[r] = value->type == MG_COL_INT64 ? (double)value->i : value->f; break;
    case MG_COL_INT64: ((int64_t *)out->data)[r] = value->type == MG_COL_INT64 ? value->i : (int64_t)value->f; break;
    case MG_COL_BOOL: ((uint8_t *)out->data)[r] = value->b; break;
    default: ((int32_t *)out->data)[r] = code; break;
    }
  }
  return out;
}

/* A copy of c in which every missing row after the first present one holds the value
 * before it. */
static mg_column *fill_forward(const mg_column *c) {
  int64_t *rows = alloc_rows("fillna", c->n);
  if (!rows) return NULL;
  int64_t last = -1;
  for (int64_t r = 0; r < c->n; r++) {
    if (is_valid(c, r)) last = r;
    rows[r] = last;
  }
  mg_column *out = column_take("fillna", c, c->n, rows);
  free(rows);
  return out;
}

/* A float64 copy of a numeric column (with missing rows) with its missing rows set to its
 * mean or median; they stay missing when it has no value. */
static mg_column *fill_center(const mg_column *c, mg_fill how) {
  double v;
  if (center(c, how, &v)) return NULL;
  mg_column *out = column_alloc("fillna", MG_COL_FLOAT64, c->n, true, NULL);
  if (!out) return NULL;
  double *d = out->data;
  for (int64_t r = 0; r < c->n; r++) {
    out->valid[r] = is_valid(c, r) || !isnan(v);
    d[r] = is_valid(c, r) ? number_at(c, r) : v;
  }
  column_finish(out);
  return out;
}

int mg_frame_fillna_(mg_frame *f, int col, mg_fill how, const mg_cell *value) {
  if (check_col("fillna", f, col)) return -1;
  const mg_column *c = f->cols[col];
  if (how == MG_FILL_VALUE && check_fill_value(f, col, value)) return -1;
  if ((how == MG_FILL_MEAN || how == MG_FILL_MEDIAN) && c->type != MG_COL_FLOAT64 &&
      c->type != MG_COL_INT64)
    return mg_fail("fillna: column '%s' is %s; its %s needs numbers", f->names[col],
                   coltype_names[c->type], how == MG_FILL_MEAN ? "mean" : "median");
  /* a NaN put into a float64 column is missing: filling with it changes nothing */
  if (!c->valid || (how == MG_FILL_VALUE && value->type == MG_COL_FLOAT64 && isnan(value->f))) return 0;
  mg_column *out = how == MG_FILL_VALUE ? fill_value(c, value)
                   : how == MG_FILL_FORWARD ? fill_forward(c)
                                            : fill_center(c, how);
  if (!out) return -1;
  mg_column_release(f->cols[col]);
  f->cols[col] = out;
  return 0;
}

/* ---- hashing rows ---------------------------------------------------------------------- */

static uint64_t mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9u;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebu;
  return x ^ (x >> 31);
}

/* The bits a present value hashes by: equal values give equal bits (0.0 and -0.0 too;
 * equal strings in different dictionaries too). */
static uint64_t cell_bits(const mg_column *c, int64_t r) {
  switch (c->type) {
  case MG_COL_FLOAT64: {
    double x = ((const double *)c->data)[r] + 0.0; /* -0.0 + 0.0 is 0.0 */
    uint64_t v;
    memcpy(&v, &x, sizeof v);
    return v;
  }
  case MG_COL_INT64: return (uint64_t)((const int64_t *)c->data)[r];
  case MG_COL_BOOL: return ((const uint8_t *)c->data)[r];
  default: return c->dict->hash[((const int32_t *)c->data)[r]];
  }
}

/* Whether row i of a and row j of b (columns of one type) hold equal values; two missing
 * values are equal. */
static bool cells_equal(const mg_column *a, int64_t i, const mg_column *b, int64_t j) {
  bool va = is_valid(a, i), vb = is_valid(b, j);
  if (!va || !vb) return va == vb;
  switch (a->type) {
  case MG_COL_FLOAT64: return ((const double *)a->data)[i] == ((const double *)b->data)[j];
  case MG_COL_INT64: return ((const int64_t *)a->data)[i] == ((const int64_t *)b->data)[j];
  case MG_COL_BOOL: return ((const uint8_t *)a->data)[i] == ((const uint8_t *)b->data)[j];
  default: {
    int32_t x = ((const int32_t *)a->data)[i], y = ((const int32_t *)b->data)[j];
    if (a->dict == b->dict) return x == y;
    size_t lx, ly;
    const char *sx = mg_dict_str(a->dict, x, &lx), *sy = mg_dict_str(b->dict, y, &ly);
    return lx == ly && memcmp(sx, sy, lx) == 0;
  }
  }
}

static bool rows_equal(mg_column *const *a, int64_t i, mg_column *const *b, int64_t j, int n) {
  for (int k = 0; k < n; k++)
    if (!cells_equal(a[k], i, b[k], j)) return false;
  return true;
}

static bool key_missing(mg_column *const *keys, int n, int64_t r) {
  for (int k = 0; k < n; k++)
    if (!is_valid(keys[k], r)) return true;
  return false;
}

/* Whether one key column's bits are its values, so that equal bits are equal keys: an int64
 * or bool column, with no missing value where missing keys form a group. */
static bool exact_key(mg_column *const *keys, int nkeys, bool keep_na) {
  return nkeys == 1 && (keys[0]->type == MG_COL_INT64 || keys[0]->type == MG_COL_BOOL) &&
         !(keep_na && keys[0]->valid);
}

/* A hash of each of the n rows of the columns keys[0..nkeys), combined column by column; for
 * an exact key, its bits: an int64 column's own data, borrowed. *owned: what to free. */
static const uint64_t *hash_rows(const char *what, mg_column *const *keys, int nkeys, int64_t n,
                                 bool exact, uint64_t **owned) {
  *owned = NULL;
  if (exact && keys[0]->type == MG_COL_INT64) return keys[0]->data;
  uint64_t *h = *owned = mg_big_malloc(((size_t)n + 1) * sizeof *h);
  if (!h) return mg_fail_null("%s: out of memory", what);
  if (exact) {
    for (int64_t r = 0; r < n; r++) h[r] = cell_bits(keys[0], r);
    return h;
  }
  memset(h, 0, (size_t)n * sizeof *h);
  for (int k = 0; k < nkeys; k++)
    for (int64_t r = 0; r < n; r++) {
      uint64_t v = is_valid(keys[k], r) ? cell_bits(keys[k], r) : 0x5bd1e9955bd1e995u;
      h[r] = ((h[r] << 5) | (h[r] >> 59)) ^ mix64(v);
    }
  for (int64_t r = 0; r < n; r++) h[r] = mix64(h[r]);
  return h;
}

/* The distinct keys of a set of rows, found through a hash table: group g (numbered in the
 * order of first appearance) holds the rows equal to its first row, first[g]. The table grows
 * with the groups, not the rows, so that few distinct keys stay in cache; a slot keeps its
 * group's hash so that a probe reads one place. */
typedef struct {
  uint64_t hash;
  int64_t group; /* -1: empty */
} index_slot;

typedef struct {
  mg_column *const *keys;
  int nkeys;
  bool exact;           /* hash holds the key's bits (exact_key): equal hashes are equal keys */
  const uint64_t *hash; /* per row */
  uint64_t *owned_hash; /* hash when it is not the key column's data */
  index_slot *slots;
  size_t mask;
  int64_t *first;
  int64_t ngroups;
} row_index;

static void index_free(row_index *ix) {
  free(ix->owned_hash);
  free(ix->slots);
  free(ix->first);
  ix->hash = ix->owned_hash = NULL, ix->slots = NULL, ix->first = NULL;
}

/* Rows ahead whose slot a build or a probe asks the cache for: a table of many groups is
 * larger than the cache, and the rows' hashes are known in advance. */
enum { PREFETCH_AHEAD = 16 };

static size_t first_slot(const row_index *ix, uint64_t h) {
  return (ix->exact ? mix64(h) : h) & ix->mask;
}

/* Slots for groups 0..ngroups at most half full, each group in its place. */
static int index_resize(row_index *ix, size_t nslots) {
  index_slot *slots = malloc(nslots * sizeof *slots);
  if (!slots) return -1;
  for (size_t i = 0; i < nslots; i++) slots[i] = (index_slot){0, -1};
  for (size_t i = 0; ix->slots && i <= ix->mask; i++) {
    if (ix->slots[i].group < 0) continue;
    size_t j = (ix->exact ? mix64(ix->slots[i].hash) : ix->slots[i].hash) & (nslots - 1);
    while (slots[j].group >= 0) j = (j + 1) & (nslots - 1);
    slots[j] = ix->slots[i];
  }
  free(ix->slots);
  ix->slots = slots;
  ix->mask = nslots - 1;
  return 0;
}

/* Groups the n rows of keys, writing each row's group to group[r] (-1 for a row with a
 * missing key unless keep_na). */
static int index_build(const char *what, row_index *ix, mg_column *const *keys, int nkeys,
                       int64_t n, bool keep_na, int64_t *group) {
  bool exact = exact_key(keys, nkeys, keep_na);
  *ix = (row_index){keys, nkeys, exact, NULL, NULL, NULL, 0, malloc((size_t)n * sizeof(int64_t) + 1), 0};
  ix->hash = hash_rows(what, keys, nkeys, n, exact, &ix->owned_hash);
  if (!ix->hash || !ix->first || index_resize(ix, 1024)) {
    index_free(ix);
    return mg_fail("%s: out of memory", what);
  }
  for (int64_t r = 0; r < n; r++) {
    if (!keep_na && key_missing(keys, nkeys, r)) {
      group[r] = -1;
      continue;
    }
    if (r + PREFETCH_AHEAD < n) __builtin_prefetch(&ix->slots[first_slot(ix, ix->hash[r + PREFETCH_AHEAD])]);
    uint64_t h = ix->hash[r];
    size_t i = first_slot(ix, h);
    int64_t g;
    while ((g = ix->slots[i].group) >= 0 &&
           !(ix->slots[i].hash == h && (exact || rows_equal(keys, ix->first[g], keys, r, nkeys))))
      i = (i + 1) & ix->mask;
    if (g < 0) {
      g = ix->ngroups++;
      ix->first[g] = r;
      ix->slots[i] = (index_slot){h, g};
      if ((size_t)ix->ngroups * 2 > ix->mask && index_resize(ix, (ix->mask + 1) * 2)) {
        index_free(ix);
        return mg_fail("%s: out of memory", what);
      }
    }
    group[r] = g;
  }
  return 0;
}

/* The group of ix whose keys equal row r of keys (columns of the same types, present, hash h
 * from hash_rows with ix->exact); -1 when none does. */
static int64_t index_find(const row_index *ix, mg_column *const *keys, int64_t r, uint64_t h) {
  for (size_t i = first_slot(ix, h);; i = (i + 1) & ix->mask) {
    int64_t g = ix->slots[i].group;
    if (g < 0) return -1;
    if (ix->slots[i].hash == h && (ix->exact || rows_equal(ix->keys, ix->first[g], keys, r, ix->nkeys)))
      return g;
  }
}

static mg_column **columns_of(const char *what, const mg_frame *f, int n, const int *cols) {
  mg_column **c = malloc((size_t)n * sizeof *c + 1);
  if (!c) return mg_fail_null("%s: out of memory", what);
  for (int k = 0; k < n; k++) c[k] = f->cols[cols[k]];
  return c;
}

mg_frame *mg_frame_drop_duplicates(const mg_frame *f, int n, const int *cols, bool keep_last) {
  const char *what = "drop_duplicates";
  if (check_cols(what, f, n, cols)) return NULL;
  mg_column **keys = columns_of(what, f, n, cols);
  int64_t *group = keys ? alloc_rows(what, f->nrows) : NULL;
  uint8_t *keep = group ? malloc((size_t)f->nrows + 1) : NULL;
  row_index ix;
  mg_frame *out = NULL;
  if (keep && index_build(what, &ix, keys, n, f->nrows, true, group) == 0) {
    if (keep_last)
      for (int64_t r = 0; r < f->nrows; r++) ix.first[group[r]] = r;
    for (int64_t r = 0; r < f->nrows; r++) keep[r] = ix.first[group[r]] == r;
    out = keep_rows(what, f, keep);
    index_free(&ix);
  } else if (group && !keep) {
    mg_fail("%s: out of memory", what);
  }
  free(keep);
  free(group);
  free(keys);
  return out;
}

/* ---- sorting --------------------------------------------------------------------------- */

/* A sort key: a column, its direction and, for strings, the rank of each code in byte
 * order (UTF-8 sorts by code point that way). */
typedef struct {
  const mg_column *c;
  int32_t *rank;
  bool descending;
} sort_key;

static int compare_codes(const void *a, const void *b, void *ctx) {
  size_t la, lb;
  const char *sa = mg_dict_str(ctx, *(const int32_t *)a, &la);
  const char *sb = mg_dict_str(ctx, *(const int32_t *)b, &lb);
  int c = memcmp(sa, sb, la < lb ? la : lb);
  return c ? c : (la > lb) - (la < lb);
}

static int32_t *dict_ranks(const char *what, const mg_dict *d) {
  int32_t *order = malloc((size_t)d->count * sizeof *order + 1);
  int32_t *rank = malloc((size_t)d->count * sizeof *rank + 1);
  if (!order || !rank) {
    free(order);
    free(rank);
    return mg_fail_null("%s: out of memory", what);
  }
  for (int32_t k = 0; k < d->count; k++) order[k] = k;
  qsort_r(order, (size_t)d->count, sizeof *order, compare_codes, (void *)d);
  for (int32_t k = 0; k < d->count; k++) rank[order[k]] = k;
  free(order);
  return rank;
}

static void free_sort_keys(sort_key *keys, int n) {
  for (int k = 0; keys && k < n; k++) free(keys[k].rank);
  free(keys);
}

/* Sort keys on columns cols of f (descending may be NULL: all ascending). */
static sort_key *make_sort_keys(const char *what, const mg_frame *f, int n, const int *cols,
                                const bool *descending) {
  sort_key *keys = calloc((size_t)n + 1, sizeof *keys);
  if (!keys) return mg_fail_null("%s: out of memory", what);
  for (int k = 0; k < n; k++) {
    keys[k] = (sort_key){f->cols[cols[k]], NULL, descending && descending[k]};
    if (keys[k].c->type == MG_COL_STRING && !(keys[k].rank = dict_ranks(what, keys[k].c->dict))) {
      free_sort_keys(keys, k);
      return NULL;
    }
  }
  return keys;
}

/* Orders rows a and b by one key: missing values last whatever the direction. */
static int compare_key(const sort_key *k, int64_t a, int64_t b) {
  const mg_column *c = k->c;
  bool va = is_valid(c, a), vb = is_valid(c, b);
  if (va != vb || !va) return (int)vb - (int)va;
  int cmp;
  switch (c->type) {
  case MG_COL_FLOAT64: {
    double x = ((const double *)c->data)[a], y = ((const double *)c->data)[b];
    cmp = (x > y) - (x < y);
    break;
  }
  case MG_COL_INT64: {
    int64_t x = ((const int64_t *)c->data)[a], y = ((const int64_t *)c->data)[b];
    cmp = (x > y) - (x < y);
    break;
  }
  case MG_COL_BOOL: cmp = (int)((const uint8_t *)c->data)[a] - (int)((const uint8_t *)c->data)[b]; break;
  default: {
    const int32_t *codes = c->data;
    cmp = (k->rank[codes[a]] > k->rank[codes[b]]) - (k->rank[codes[a]] < k->rank[codes[b]]);
    break;
  }
  }
  return k->descending ? -cmp : cmp;
}

static int compare_rows(const sort_key *keys, int n, int64_t a, int64_t b) {
  for (int k = 0; k < n; k++) {
    int c = compare_key(&keys[k], a, b);
    if (c) return c;
  }
  return 0;
}

/* Sorts v[0..n) stably (tmp: n more entries): insertion sort in runs of 32, then merges. */
static void merge_sort(int64_t *v, int64_t *tmp, int64_t n, const sort_key *keys, int nkeys) {
  const int64_t run = 32;
  for (int64_t lo = 0; lo < n; lo += run) {
    int64_t hi = lo + run < n ? lo + run : n;
    for (int64_t i = lo + 1; i < hi; i++) {
      int64_t x = v[i], j = i;
      for (; j > lo && compare_rows(keys, nkeys, v[j - 1], x) > 0; j--) v[j] = v[j - 1];
      v[j] = x;
    }
  }
  int64_t *src = v, *dst = tmp;
  for (int64_t width = run; width < n; width *= 2) {
    for (int64_t lo = 0; lo < n; lo += 2 * width) {
      int64_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
      int64_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi) dst[k++] = compare_rows(keys, nkeys, src[j], src[i]) < 0 ? src[j++] : src[i++];
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    int64_t *t = src;
    src = dst;
    dst = t;
  }
  if (src != v) memcpy(v, src, (size_t)n * sizeof *v);
}

/* Whether rows sort by one numeric key without missing values, which radix_sort orders. */
static bool radix_sortable(const mg_frame *f, int n, const int *cols) {
  const mg_column *c = n == 1 ? f->cols[cols[0]] : NULL;
  return c && !c->valid && c->type != MG_COL_STRING;
}

/* Row r's value as an unsigned number in the order of the values (descending: reversed). */
static uint64_t ordered_bits(const mg_column *c, int64_t r, bool descending) {
  uint64_t u;
  if (c->type == MG_COL_FLOAT64) {
    double x = ((const double *)c->data)[r] + 0.0; /* -0.0 sorts as 0.0 */
    memcpy(&u, &x, sizeof u);
    u = u >> 63 ? ~u : u | (1ull << 63);
  } else {
    u = c->type == MG_COL_INT64 ? (uint64_t)((const int64_t *)c->data)[r] ^ (1ull << 63)
                                : ((const uint8_t *)c->data)[r];
  }
  return descending ? ~u : u;
}

/* Sorts rows[0..n) stably by column c: a radix sort of (value, row) pairs a byte at a time,
 * skipping the bytes that all values share (tmp: 3n more entries). */
static void radix_sort(int64_t *rows, int64_t *tmp, int64_t n, const mg_column *c, bool descending) {
  uint64_t *key = (uint64_t *)tmp, *key2 = key + n;
  int64_t *rows2 = tmp + 2 * n;
  int64_t count[8][256] = {{0}};
  for (int64_t r = 0; r < n; r++) {
    key[r] = ordered_bits(c, rows[r], descending);
    for (int b = 0; b < 8; b++) count[b][(key[r] >> (8 * b)) & 255]++;
  }
  for (int b = 0; b < 8; b++) {
    if (n == 0 || count[b][(key[0] >> (8 * b)) & 255] == n) continue; /* one value of this byte */
    int64_t at[256], sum = 0;
    for (int v = 0; v < 256; v++) at[v] = sum, sum += count[b][v];
    for (int64_t r = 0; r < n; r++) {
      int64_t k = at[(key[r] >> (8 * b)) & 255]++;
      key2[k] = key[r], rows2[k] = rows[r];
    }
    memcpy(key, key2, (size_t)n * sizeof *key);
    memcpy(rows, rows2, (size_t)n * sizeof *rows);
  }
}

/* Sorts the m row numbers rows[0..m) of f stably by the columns cols[0..n). */
static int sort_rows(const char *what, const mg_frame *f, int n, const int *cols, const bool *descending,
                     int64_t *rows, int64_t m) {
  bool radix = radix_sortable(f, n, cols);
  sort_key *keys = radix ? NULL : make_sort_keys(what, f, n, cols, descending);
  int64_t *tmp = radix || keys ? alloc_rows(what, (radix ? 3 : 1) * m) : NULL;
  if (tmp && radix) radix_sort(rows, tmp, m, f->cols[cols[0]], descending && descending[0]);
  else if (tmp) merge_sort(rows, tmp, m, keys, n);
  int status = tmp ? 0 : -1;
  free(tmp);
  free_sort_keys(keys, n);
  return status;
}

mg_frame *mg_frame_sort(const mg_frame *f, int n, const int *cols, const bool *descending) {
  if (check_cols("sort", f, n, cols)) return NULL;
  int64_t *rows = alloc_rows("sort", f->nrows);
  if (!rows) return NULL;
  for (int64_t r = 0; r < f->nrows; r++) rows[r] = r;
  mg_frame *out = sort_rows("sort", f, n, cols, descending, rows, f->nrows) ? NULL
                                                                           : take_rows("sort", f, f->nrows, rows);
  free(rows);
  return out;
}

/* The rows of each group in order, members[start[g] .. start[g + 1]), from each row's group
 * (-1: none) by a counting sort; *start gets ngroups + 2 entries. With values, the rows'
 * values instead of their numbers (read in order, not gathered later at random). */
static int64_t *group_members(const char *what, const int64_t *group, int64_t n, int64_t ngroups,
                              const int64_t *values, int64_t **start) {
  int64_t *members = alloc_rows(what, n);
  *start = calloc((size_t)ngroups + 2, sizeof **start);
  if (!members || !*start) {
    free(members), free(*start), *start = NULL;
    return mg_fail_null("%s: out of memory", what);
  }
  int64_t *s = *start;
  for (int64_t r = 0; r < n; r++) if (group[r] >= 0) s[group[r] + 2]++;
  for (int64_t k = 0; k < ngroups; k++) s[k + 2] += s[k + 1];
  for (int64_t r = 0; r < n; r++) if (group[r] >= 0) members[s[group[r] + 1]++] = values ? values[r] : r;
  return members;
}

/* ---- groupby ----------------------------------------------------------------------------- */

/* The rows of a grouping: group[r] for r < n (-1: in no group), ngroups groups. */
typedef struct {
  int64_t n, ngroups;
  const int64_t *group;
} groups;

static mg_column *agg_count(const mg_column *c, const groups *g) {
  mg_column *out = column_alloc("groupby", MG_COL_INT64, g->ngroups, false, NULL);
  if (!out) return NULL;
  int64_t *count = out->data;
  memset(count, 0, (size_t)g->ngroups * sizeof *count);
  for (int64_t r = 0; r < g->n; r++)
    if (g->group[r] >= 0 && is_valid(c, r)) count[g->group[r]]++;
  return out;
}

/* Sums of an int64 or bool column, as int64. */
static mg_column *agg_int_sum(const mg_column *c, const groups *g) {
  mg_column *out = column_alloc("groupby", MG_COL_INT64, g->ngroups, false, NULL);
  if (!out) return NULL;
  uint64_t *sum = out->data; /* int64 sums wrap around, as in numpy */
  memset(sum, 0, (size_t)g->ngroups * sizeof *sum);
  const int64_t *ints = c->type == MG_COL_INT64 ? c->data : NULL;
  const uint8_t *bools = c->data;
  for (int64_t r = 0; r < g->n; r++) {
    int64_t k = g->group[r];
    if (k >= 0 && is_valid(c, r)) sum[k] += ints ? (uint64_t)ints[r] : bools[r];
  }
  return out;
}

/* Float64 sums (sum) or means (mean; missing for a group without values), with Kahan's
 * compensated summation as pandas does. */
static mg_column *agg_float_sum(const mg_column *c, const groups *g, bool mean) {
  mg_column *out = column_alloc("groupby", MG_COL_FLOAT64, g->ngroups, mean, NULL);
  double *comp = calloc((size_t)g->ngroups + 1, sizeof *comp);
  int64_t *count = calloc((size_t)g->ngroups + 1, sizeof *count);
  if (!out || !comp || !count) {
    mg_column_release(out);
    free(comp);
    free(count);
    return mg_fail_null("groupby: out of memory");
  }
  double *sum = out->data;
  memset(sum, 0, (size_t)g->ngroups * sizeof *sum);
  for (int64_t r = 0; r < g->n; r++) {
    int64_t k = g->group[r];
    if (k < 0 || !is_valid(c, r)) continue;
    double y = number_at(c, r) - comp[k], t = sum[k] + y;
    comp[k] = t - sum[k] - y;
    sum[k] = t;
    count[k]++;
  }
  for (int64_t k = 0; mean && k < g->ngroups; k++) {
    out->valid[k] = count[k] > 0;
    sum[k] /= (double)count[k];
  }
  free(comp);
  free(count);
  if (mean) column_finish(out);
  return out;
}

/* Standard deviations with ddof 1 (missing below 2 values), by Welford's updates as pandas. */
static mg_column *agg_std(const mg_column *c, const groups *g) {
  mg_column *out = column_alloc("groupby", MG_COL_FLOAT64, g->ngroups, true, NULL);
  double *mean = calloc((size_t)g->ngroups + 1, sizeof *mean);
  int64_t *count = calloc((size_t)g->ngroups + 1, sizeof *count);
  if (!out || !mean || !count) {
    mg_column_release(out);
    free(mean);
    free(count);
    return mg_fail_null("groupby: out of memory");
  }
  double *m2 = out->data;
  memset(m2, 0, (size_t)g->ngroups * sizeof *m2);
  for (int64_t r = 0; r < g->n; r++) {
    int64_t k = g->group[r];
    if (k < 0 || !is_valid(c, r)) continue;
    double v = number_at(c, r), old = mean[k];
    count[k]++;
    mean[k] += (v - old) / (double)count[k];
    m2[k] += (v - mean[k]) * (v - old);
  }
  for (int64_t k = 0; k < g->ngroups; k++) {
    out->valid[k] = count[k] > 1;
    m2[k] = sqrt(m2[k] / (double)(count[k] - 1));
  }
  free(mean);
  free(count);
  column_finish(out);
  return out;
}

/* The row of the smallest or largest present value of each group of an int64 or float64
 * column, the first of equal ones, in rows[k] (-1 before); the values found so far are kept
 * beside them, so that a comparison reads no row of the column but the current one. */
static int pick_extreme(const mg_column *c, const groups *g, bool max, int64_t *rows) {
  const int64_t *ints = c->type == MG_COL_INT64 ? c->data : NULL;
  const double *floats = c->data;
  union { int64_t i; double d; } *best = malloc((size_t)g->ngroups * sizeof *best + 1);
  if (!best) return mg_fail("groupby: out of memory");
  for (int64_t r = 0; r < g->n; r++) {
    int64_t k = g->group[r];
    if (k < 0 || !is_valid(c, r)) continue;
    bool better = rows[k] < 0 || (ints ? (max ? ints[r] > best[k].i : ints[r] < best[k].i)
                                       : (max ? floats[r] > best[k].d : floats[r] < best[k].d));
    if (!better) continue;
    rows[k] = r;
    if (ints) best[k].i = ints[r];
    else best[k].d = floats[r];
  }
  free(best);
  return 0;
}

/* The first, last, smallest or largest present value of each group, of c's type. */
static mg_column *agg_pick(const mg_column *c, const groups *g, mg_agg agg) {
  int64_t *rows = alloc_rows("groupby", g->ngroups);
  if (!rows) return NULL;
  sort_key key = {c, NULL, agg == MG_AGG_MAX};
  if (c->type == MG_COL_STRING && !(key.rank = dict_ranks("groupby", c->dict))) {
    free(rows);
    return NULL;
  }
  for (int64_t k = 0; k < g->ngroups; k++) rows[k] = -1;
  bool extreme = agg == MG_AGG_MIN || agg == MG_AGG_MAX;
  if (extreme && (c->type == MG_COL_INT64 || c->type == MG_COL_FLOAT64)) {
    if (pick_extreme(c, g, agg == MG_AGG_MAX, rows)) {
      free(rows);
      return NULL;
    }
  } else {
    for (int64_t r = 0; r < g->n; r++) {
      int64_t k = g->group[r];
      if (k < 0 || !is_valid(c, r)) continue;
      if (rows[k] < 0 || agg == MG_AGG_LAST || (extreme && compare_key(&key, r, rows[k]) < 0)) rows[k] = r;
    }
  }
  mg_column *out = column_take("groupby", c, g->ngroups, rows);
  free(key.rank);
  free(rows);
  return out;
}

/* Each row's value numbered 0..*nvalues - 1 (-1: missing): a string's code in its
 * dictionary, else the groups of the column alone (few enough to stay in cache). */
static int64_t *value_numbers(const mg_column *c, int64_t n, int64_t *nvalues) {
  int64_t *code = alloc_rows("groupby", n);
  if (!code) return NULL;
  if (c->type == MG_COL_STRING) {
    const int32_t *codes = c->data;
    for (int64_t r = 0; r < n; r++) code[r] = codes[r];
    *nvalues = c->dict->count;
    return code;
  }
  row_index ix;
  if (index_build("groupby", &ix, (mg_column *const *)&c, 1, n, false, code)) {
    free(code);
    return NULL;
  }
  *nvalues = ix.ngroups;
  index_free(&ix);
  return code;
}

/* Bits at most in a table of (group, value) pairs: one that fits the cache beats sorting. */
#define PAIR_BITS_MAX ((int64_t)1 << 25)

/* Distinct present values per group. Few (group, value) pairs in all: a bit per pair, set
 * the first time a row has it. Else the rows' values listed group by group (a counting
 * sort) and each counted in a group the first time the group meets it. */
static mg_column *agg_nunique(const mg_column *c, const groups *g) {
  int64_t nvalues = 0, *start = NULL, *members = NULL, *seen = NULL;
  int64_t *code = value_numbers(c, g->n, &nvalues);
  mg_column *out = code ? column_alloc("groupby", MG_COL_INT64, g->ngroups, false, NULL) : NULL;
  if (!out) goto done;
  int64_t *count = out->data;
  memset(count, 0, (size_t)g->ngroups * sizeof *count);
  if (nvalues > 0 && g->ngroups <= PAIR_BITS_MAX / nvalues) {
    uint64_t *bits = calloc((size_t)((g->ngroups * nvalues + 63) / 64) + 1, sizeof *bits);
    if (!bits) goto fail;
    for (int64_t r = 0; r < g->n; r++) {
      int64_t k = g->group[r];
      if (k < 0 || code[r] < 0) continue;
      uint64_t pair = (uint64_t)(k * nvalues + code[r]), bit = 1ull << (pair & 63);
      if (!(bits[pair >> 6] & bit)) bits[pair >> 6] |= bit, count[k]++;
    }
    free(bits);
    goto done;
  }
  if (!(members = group_members("groupby", g->group, g->n, g->ngroups, code, &start)) ||
      !(seen = alloc_rows("groupby", nvalues)))
    goto fail;
  for (int64_t v = 0; v < nvalues; v++) seen[v] = -1;
  for (int64_t k = 0; k < g->ngroups; k++)
    for (int64_t m = start[k]; m < start[k + 1]; m++) {
      int64_t v = members[m];
      if (v >= 0 && seen[v] != k) seen[v] = k, count[k]++;
    }
  goto done;
fail:
  mg_column_release(out);
  out = mg_fail_null("groupby: out of memory");
done:
  free(code), free(start), free(members), free(seen);
  return out;
}

static mg_column *aggregate(const mg_column *c, const groups *g, mg_agg agg) {
  switch (agg) {
  case MG_AGG_COUNT: return agg_count(c, g);
  case MG_AGG_SUM: return c->type == MG_COL_FLOAT64 ? agg_float_sum(c, g, false) : agg_int_sum(c, g);
  case MG_AGG_MEAN: return agg_float_sum(c, g, true);
  case MG_AGG_STD: return agg_std(c, g);
  case MG_AGG_NUNIQUE: return agg_nunique(c, g);
  default: return agg_pick(c, g, agg);
  }
}

static int check_aggs(const mg_frame *f, int n, const mg_agg_spec *aggs) {
  for (int a = 0; a < n; a++) {
    if (check_col("groupby", f, aggs[a].col)) return -1;
    if (aggs[a].agg < 0 || aggs[a].agg >= MG_NUM_AGGS)
      return mg_fail("groupby: unknown aggregation %d", (int)aggs[a].agg);
    mg_agg agg = aggs[a].agg;
    if (f->cols[aggs[a].col]->type == MG_COL_STRING &&
        (agg == MG_AGG_SUM || agg == MG_AGG_MEAN || agg == MG_AGG_STD))
      return mg_fail("groupby: cannot take the %s of column '%s' (strings)", agg_names[agg],
                     f->names[aggs[a].col]);
  }
  return 0;
}

/* The key columns at each group's first row, then each aggregation, as a frame. */
static mg_frame *group_frame(const mg_frame *f, int nkeys, const int *keys, int naggs,
                             const mg_agg_spec *aggs, const row_index *ix, const groups *g) {
  mg_frame *out = mg_frame_new();
  for (int k = 0; out && k < nkeys; k++)
    if (frame_append(out, "groupby", f->names[keys[k]],
                     column_take("groupby", f->cols[keys[k]], ix->ngroups, ix->first))) {
      mg_frame_free(out);
      return NULL;
    }
  for (int a = 0; out && a < naggs; a++)
    if (frame_append(out, "groupby", aggs[a].name, aggregate(f->cols[aggs[a].col], g, aggs[a].agg))) {
      mg_frame_free(out);
      return NULL;
    }
  if (out) out->nrows = ix->ngroups;
  return out;
}

mg_frame *mg_frame_groupby(const mg_frame *f, int nkeys, const int *keys, int naggs,
                           const mg_agg_spec *aggs, bool sort, bool keep_na) {
  if (nkeys < 1) return mg_fail_null("groupby: expected at least one key column");
  if (check_cols("groupby", f, nkeys, keys) || check_aggs(f, naggs, aggs)) return NULL;
  mg_column **kc = columns_of("groupby", f, nkeys, keys);
  int64_t *group = kc ? alloc_rows("groupby", f->nrows) : NULL;
  row_index ix;
  mg_frame *out = NULL;
  if (group && index_build("groupby", &ix, kc, nkeys, f->nrows, keep_na, group) == 0) {
    groups g = {f->nrows, ix.ngroups, group};
    out = group_frame(f, nkeys, keys, naggs, aggs, &ix, &g);
    index_free(&ix);
  }
  free(group);
  free(kc);
  if (out && sort) {
    int *first = malloc((size_t)nkeys * sizeof *first);
    for (int k = 0; first && k < nkeys; k++) first[k] = k;
    mg_frame *sorted = first ? mg_frame_sort(out, nkeys, first, NULL) : mg_fail_null("groupby: out of memory");
    free(first);
    mg_frame_free(out);
    out = sorted;
  }
  return out;
}

/* The rows' groups (in group[], -1: none) as groupby numbers them: in the order of the
 * keys when sort, else of first appearance. Returns the number of groups, or -1. */
static int64_t number_groups(const char *what, const mg_frame *f, int nkeys, const int *keys, bool sort,
                             bool keep_na, int64_t *group) {
  mg_column **kc = columns_of(what, f, nkeys, keys);
  row_index ix = {0};
  if (!kc || index_build(what, &ix, kc, nkeys, f->nrows, keep_na, group)) {
    free(kc);
    return -1;
  }
  int64_t ngroups = ix.ngroups;
  int64_t *rank = sort ? alloc_rows(what, ngroups) : NULL;
  if (sort && (!rank || sort_rows(what, f, nkeys, keys, NULL, ix.first, ngroups))) ngroups = -1;
  for (int64_t k = 0; rank && ngroups >= 0 && k < ngroups; k++) rank[group[ix.first[k]]] = k;
  for (int64_t r = 0; rank && ngroups >= 0 && r < f->nrows; r++)
    if (group[r] >= 0) group[r] = rank[group[r]];
  free(rank);
  index_free(&ix);
  free(kc);
  return ngroups;
}

mg_tensor *mg_frame_group_ids(const mg_frame *f, int nkeys, const int *keys, bool sort, bool keep_na,
                              bool cumcount, int64_t *ngroups) {
  const char *what = cumcount ? "cumcount" : "ngroup";
  if (nkeys < 1) return mg_fail_null("%s: expected at least one key column", what);
  if (check_cols(what, f, nkeys, keys)) return NULL;
  mg_tensor *out = mg_allocate(what, MG_INT64, 1, &f->nrows);
  int64_t *group = out ? alloc_rows(what, f->nrows) : NULL, *seen = NULL;
  int64_t n = group ? number_groups(what, f, nkeys, keys, sort, keep_na, group) : -1;
  if (n >= 0 && cumcount && !(seen = calloc((size_t)n + 1, sizeof *seen))) {
    mg_fail("%s: out of memory", what);
    n = -1;
  }
  int64_t *id = n >= 0 ? mg_data(out) : NULL;
  for (int64_t r = 0; id && r < f->nrows; r++)
    id[r] = group[r] < 0 ? 0 : cumcount ? ++seen[group[r]] : group[r] + 1;
  free(group);
  free(seen);
  if (n < 0) {
    mg_release(out);
    return NULL;
  }
  if (ngroups) *ngroups = n;
  return out;
}

/* ---- hashing values ------------------------------------------------------------------- */

static uint32_t rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

/* MurmurHash3_x86_32 of len bytes at p (Austin Appleby's public-domain reference), the hash
 * scikit-learn's FeatureHasher uses, so that hashed features agree with it. */
static uint32_t murmur3_32(const uint8_t *p, size_t len, uint32_t seed) {
  const uint32_t c1 = 0xcc9e2d51, c2 = 0x1b873593;
  uint32_t h = seed, k;
  size_t i = 0;
  for (; i + 4 <= len; i += 4) {
    k = (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 | (uint32_t)p[i + 2] << 16 | (uint32_t)p[i + 3] << 24;
    h ^= rotl32(k * c1, 15) * c2;
    h = rotl32(h, 13) * 5 + 0xe6546b64;
  }
  k = 0;
  switch (len & 3) {
  case 3: k ^= (uint32_t)p[i + 2] << 16; /* fall through */
  case 2: k ^= (uint32_t)p[i + 1] << 8;  /* fall through */
  case 1: k ^= p[i]; h ^= rotl32(k * c1, 15) * c2;
  }
  h ^= (uint32_t)len;
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  return h ^ (h >> 16);
}

mg_tensor *mg_frame_hash(const mg_frame *f, int col, uint32_t seed) {
  if (check_col("hash", f, col)) return NULL;
  const mg_column *c = f->cols[col];
  if (c->type != MG_COL_STRING && c->type != MG_COL_INT64)
    return mg_fail_null("hash: column '%s' is %s (expected string or int64)", f->names[col],
                        coltype_names[c->type]);
  mg_tensor *out = mg_allocate("hash", MG_INT64, 1, &c->n);
  int32_t count = c->type == MG_COL_STRING ? c->dict->count : 0;
  int64_t *of_code = out ? alloc_rows("hash", count) : NULL; /* each string hashed once */
  if (out && !of_code) {
    mg_release(out);
    return NULL;
  }
  for (int32_t k = 0; k < count; k++) {
    size_t len;
    const char *str = mg_dict_str(c->dict, k, &len);
    of_code[k] = (int32_t)murmur3_32((const uint8_t *)str, len, seed);
  }
  int64_t *h = out ? mg_data(out) : NULL;
  for (int64_t r = 0; out && r < c->n; r++) {
    if (!is_valid(c, r)) {
      h[r] = 0;
    } else if (c->type == MG_COL_STRING) {
      h[r] = of_code[((const int32_t *)c->data)[r]];
    } else { /* an integer hashes as its decimal text, as Python's str(i) */
      char text[24];
      int len = snprintf(text, sizeof text, "%lld", (long long)((const int64_t *)c->data)[r]);
      h[r] = (int32_t)murmur3_32((const uint8_t *)text, (size_t)len, seed);
    }
  }
  free(of_code);
  return out;
}

/* ---- times ------------------------------------------------------------------------------- */

/* The UTC seconds of text s under a strptime format, when the whole text matches and names a
 * real time (not 31 April, which timegm would quietly turn into 1 May). */
static bool parse_time(const char *s, const char *format, double *seconds) {
  struct tm tm = {0}, back;
  const char *end = strptime(s, format, &tm);
  if (!end || *end) return false;
  long offset = tm.tm_gmtoff; /* %z: the text's offset from UTC */
  tm.tm_isdst = 0;
  struct tm asked = tm;
  time_t t = timegm(&tm);
  if (!gmtime_r(&t, &back) || back.tm_year != asked.tm_year || back.tm_mon != asked.tm_mon ||
      back.tm_mday != asked.tm_mday || back.tm_hour != asked.tm_hour || back.tm_min != asked.tm_min ||
      back.tm_sec != asked.tm_sec)
    return false;
  *seconds = (double)t - (double)offset;
  return true;
}

/* ISO 8601 as event logs write it, tried in turn when no format is given. */
static const char *const iso_formats[] = {"%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%z",
                                          "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"};

mg_tensor *mg_frame_to_seconds(const mg_frame *f, int col, const char *format) {
  const char *what = "to_seconds";
  if (check_col(what, f, col)) return NULL;
  const mg_column *c = f->cols[col];
  if (c->type != MG_COL_STRING)
    return mg_fail_null("to_seconds: column '%s' is %s (expected strings of times)", f->names[col],
                        coltype_names[c->type]);
  int32_t count = c->dict->count;
  double *of_code = malloc((size_t)count * sizeof *of_code + 1);
  int8_t *parsed = calloc((size_t)count + 1, 1); /* whether of_code[k] holds string k's time */
  mg_tensor *out = of_code && parsed ? mg_allocate(what, MG_FLOAT64, 1, &c->n) : NULL;
  if (!out) {
    if (!of_code || !parsed) mg_fail("to_seconds: out of memory"); /* else mg_allocate's message */
    free(of_code), free(parsed);
    return NULL;
  }
  double *seconds = mg_data(out);
  size_t nformats = sizeof iso_formats / sizeof *iso_formats;
  for (int64_t r = 0; r < c->n; r++) {
    int32_t code = ((const int32_t *)c->data)[r];
    if (code < 0) { /* missing */
      seconds[r] = NAN;
      continue;
    }
    size_t len;
    const char *text = mg_dict_str(c->dict, code, &len);
    char buf[128]; /* the dictionary's strings are not NUL-terminated; a longer one is no time */
    if (len < sizeof buf) memcpy(buf, text, len), buf[len] = '\0';
    for (size_t k = 0; !parsed[code] && len < sizeof buf && k < (format ? 1 : nformats); k++)
      if (parse_time(buf, format ? format : iso_formats[k], &of_code[code])) parsed[code] = 1;
    if (!parsed[code]) {
      mg_fail("to_seconds: row %lld of column '%s': '%.*s' is not a time %s%s", (long long)r + 1,
              f->names[col], (int)(len > 60 ? 60 : len), text, format ? "of the format " : "in ISO 8601 form",
              format ? format : " (YYYY-MM-DD[ HH:MM[:SS]]); give a format");
      mg_release(out);
      out = NULL;
      break;
    }
    seconds[r] = of_code[code];
  }
  free(of_code), free(parsed);
  return out;
}

/* ---- matching values ------------------------------------------------------------------ */

/* For each row r of probe, the first row of ix's keys holding the same value, 1-based; 0
 * for a missing or unmatched value. */
static int match_rows(const char *what, const row_index *ix, mg_column *probe, int64_t *pos) {
  uint64_t *owned;
  const uint64_t *h = hash_rows(what, &probe, 1, probe->n, ix->exact, &owned);
  if (!h) return -1;
  for (int64_t r = 0; r < probe->n; r++) {
    if (r + PREFETCH_AHEAD < probe->n) __builtin_prefetch(&ix->slots[first_slot(ix, h[r + PREFETCH_AHEAD])]);
    int64_t g = is_valid(probe, r) ? index_find(ix, &probe, r, h[r]) : -1;
    pos[r] = g >= 0 ? ix->first[g] + 1 : 0;
  }
  free(owned);
  return 0;
}

mg_tensor *mg_frame_match(const mg_frame *f, int col, const mg_frame *values, int vcol) {
  const char *what = "match";
  if (check_col(what, f, col) || check_col(what, values, vcol)) return NULL;
  mg_column *c = f->cols[col], *v = values->cols[vcol];
  if (c->type != v->type)
    return mg_fail_null("match: column '%s' is %s but the values ('%s') are %s", f->names[col],
                        coltype_names[c->type], values->names[vcol], coltype_names[v->type]);
  mg_tensor *out = mg_allocate(what, MG_INT64, 1, &c->n);
  int64_t *group = out ? alloc_rows(what, v->n) : NULL;
  row_index ix = {0};
  if (!group || index_build(what, &ix, &v, 1, v->n, false, group)) goto fail;
  int64_t *pos = mg_data(out);
  if (c->type != MG_COL_STRING) {
    if (match_rows(what, &ix, c, pos)) goto fail;
  } else { /* each string of the dictionary matched once, then looked up by code */
    int32_t count = c->dict->count, *codes = malloc((size_t)count * sizeof *codes + 1);
    mg_column *entries = NULL;
    if (codes) {
      for (int32_t k = 0; k < count; k++) codes[k] = k;
      c->dict->refcount++; /* for entries, which owns codes from here on */
      entries = mg_column_adopt(MG_COL_STRING, count, codes, NULL, c->dict);
    }
    int64_t *code_pos = entries ? alloc_rows(what, count) : NULL;
    int failed = !code_pos || match_rows(what, &ix, entries, code_pos);
    const int32_t *rows = c->data;
    for (int64_t r = 0; !failed && r < c->n; r++) pos[r] = rows[r] >= 0 ? code_pos[rows[r]] : 0;
    mg_column_release(entries);
    free(code_pos);
    if (failed) goto fail;
  }
  index_free(&ix);
  free(group);
  return out;
fail:
  if (out) mg_fail("%s: out of memory", what); /* else mg_allocate's message stands */
  index_free(&ix);
  free(group);
  mg_release(out);
  return NULL;
}

/* ---- joins ------------------------------------------------------------------------------ */

static int check_join_keys(const mg_frame *left, const mg_frame *right, int n, const int *lk,
                           const int *rk) {
  if (n < 1) return mg_fail("join: expected at least one key column");
  if (check_cols("join", left, n, lk) || check_cols("join", right, n, rk)) return -1;
  for (int k = 0; k < n; k++)
    if (left->cols[lk[k]]->type != right->cols[rk[k]]->type)
      return mg_fail("join: key '%s' is %s on the left but '%s' is %s on the right",
                     left->names[lk[k]], coltype_names[left->cols[lk[k]]->type],
                     right->names[rk[k]], coltype_names[right->cols[rk[k]]->type]);
  return 0;
}

/* The pairs of rows (lrows[k], rrows[k]) that join (rrows[k] -1: an unmatched left row of
 * a left join); returns how many, or -1. */
static int64_t join_rows(const mg_frame *left, const mg_frame *right, mg_column **lkc,
                         mg_column **rkc, int nkeys, mg_join how, int64_t **lrows, int64_t **rrows) {
  int64_t nl = left->nrows, nr = right->nrows, total = -1;
  int64_t *rgroup = alloc_rows("join", nr), *lgroup = alloc_rows("join", nl);
  int64_t *members = NULL, *start = NULL;
  row_index ix = {0};
  const uint64_t *lh = NULL;
  uint64_t *lh_owned = NULL;
  if (!rgroup || !lgroup || index_build("join", &ix, rkc, nkeys, nr, false, rgroup) ||
      !(lh = hash_rows("join", lkc, nkeys, nl, ix.exact, &lh_owned)) ||
      !(members = group_members("join", rgroup, nr, ix.ngroups, NULL, &start)))
    goto done;
  int64_t n = 0;
  for (int64_t r = 0; r < nl; r++) {
    if (r + PREFETCH_AHEAD < nl) __builtin_prefetch(&ix.slots[first_slot(&ix, lh[r + PREFETCH_AHEAD])]);
    lgroup[r] = key_missing(lkc, nkeys, r) ? -1 : index_find(&ix, lkc, r, lh[r]);
    n += lgroup[r] >= 0 ? start[lgroup[r] + 1] - start[lgroup[r]] : how == MG_JOIN_LEFT;
  }
  *lrows = alloc_rows("join", n);
  *rrows = *lrows ? alloc_rows("join", n) : NULL;
  if (!*rrows) goto done;
  int64_t k = 0;
  for (int64_t r = 0; r < nl; r++) {
    if (lgroup[r] < 0 && how == MG_JOIN_LEFT) (*lrows)[k] = r, (*rrows)[k++] = -1;
    for (int64_t m = lgroup[r] < 0 ? 0 : start[lgroup[r]]; lgroup[r] >= 0 && m < start[lgroup[r] + 1]; m++)
      (*lrows)[k] = r, (*rrows)[k++] = members[m];
  }
  total = n;
done:
  if (total < 0 && *lrows) free(*lrows), *lrows = NULL;
  index_free(&ix);
  free(rgroup), free(lgroup), free(members), free(lh_owned), free(start);
  return total;
}

static bool is_key(int col, int n, const int *keys) {
  for (int k = 0; k < n; k++)
    if (keys[k] == col) return true;
  return false;
}

/* Appends column col of src taken at rows, named with suffix when other (skipping its own
 * columns in skip) has a column of that name. */
static int append_joined(mg_frame *out, const mg_frame *src, int col, int64_t n,
                         const int64_t *rows, const mg_frame *other, int nskip, const int *skip,
                         const char *suffix) {
  const char *name = src->names[col];
  int clash = mg_frame_find(other, name);
  char *named = NULL;
  if (clash >= 0 && !is_key(clash, nskip, skip)) {
    named = malloc(strlen(name) + strlen(suffix) + 1);
    if (!named) return mg_fail("join: out of memory");
    name = strcat(strcpy(named, name), suffix);
  }
  int rc = frame_append(out, "join", name, column_take("join", src->cols[col], n, rows));
  free(named);
  return rc;
}

mg_frame *mg_frame_join(const mg_frame *left, const mg_frame *right, int nkeys,
                        const int *left_keys, const int *right_keys, mg_join how,
                        const char *const suffixes[2]) {
  if (check_join_keys(left, right, nkeys, left_keys, right_keys)) return NULL;
  mg_column **lkc = columns_of("join", left, nkeys, left_keys);
  mg_column **rkc = lkc ? columns_of("join", right, nkeys, right_keys) : NULL;
  int64_t *lrows = NULL, *rrows = NULL;
  int64_t n = rkc ? join_rows(left, right, lkc, rkc, nkeys, how, &lrows, &rrows) : -1;
  mg_frame *out = n >= 0 ? mg_frame_new() : NULL;
  for (int k = 0; out && k < left->ncols; k++)
    if (append_joined(out, left, k, n, lrows, right, nkeys, right_keys, suffixes[0])) {
      mg_frame_free(out);
      out = NULL;
    }
  for (int k = 0; out && k < right->ncols; k++)
    if (!is_key(k, nkeys, right_keys) &&
        append_joined(out, right, k, n, rrows, left, 0, NULL, suffixes[1])) {
      mg_frame_free(out);
      out = NULL;
    }
  if (out) out->nrows = n;
  free(lrows), free(rrows), free(lkc), free(rkc);
  return out;
}
