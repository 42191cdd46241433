/* Reading and writing CSV (RFC 4180) as frames.
 *
 * The reader holds the whole file in memory (gzip data is inflated first) and cuts it at
 * line starts into chunks, one per thread, each read in one pass a row at a time: the row
 * is cut into fields (byte ranges), checked (its number of fields, UTF-8, the schema's
 * types), then each field is converted straight into its column's array: numbers parsed
 * in place, strings interned into the column's dictionary. A column's type is inferred as
 * it goes: int64 widens to float64 in place; when a column turns out to hold strings, its
 * earlier rows are read again as text. A bad row is either the error (naming the file,
 * line and field) or, when skipping, recorded (so that re-reading passes over it too) and
 * counted. The chunks are then merged in order, widened to common types, which gives what
 * one pass over the whole file would. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "frame.h"

#define PAD 16 /* bytes after the data: a sentinel newline, then zeros (for 8-byte reads) */

static const char *const default_na[] = {"NA",   "N/A",  "n/a",  "NaN", "nan", "-NaN", "-nan",
                                         "null", "NULL", "None", "#N/A", "<NA>"};
#define NUM_DEFAULT_NA ((int)(sizeof default_na / sizeof *default_na))

void mg_csv_default_options(mg_csv_options *o) {
  *o = (mg_csv_options){.delimiter = ',', .quote = '"', .header = true};
}

/* ---- the parser's state --------------------------------------------------------------- */

typedef struct {
  size_t start, len;
  bool quoted, escaped; /* escaped: holds doubled quotes */
} field;

typedef struct {
  field *v;
  int n, cap;
} field_list;

/* A column being read. kind K_NONE: no value yet (every row so far missing). */
enum { K_NONE, K_INT, K_FLOAT, K_BOOL, K_STRING };
typedef struct {
  int kind;
  bool fixed; /* typed by the schema: never widens, and a value it cannot hold is an error */
  bool soft;  /* a quoted missing token was read: text, should the column hold strings */
  void *data; /* cap rows: int64_t, double, uint8_t or int32_t codes into dict */
  uint8_t *valid; /* NULL until the first missing value */
  mg_dict *dict;
} column;

/* Where re-reading passes over a bad row: from its start to where reading went on. */
typedef struct {
  size_t start, resume;
} skip_range;

typedef struct {
  const char *name; /* the file, in errors */
  const char *b;    /* the data: n bytes, then PAD bytes starting with '\n' */
  size_t n;
  char delim, quote;
  const char *const *na;
  size_t *na_len, na_maxlen;
  int nna;
  bool na_first[256];
  bool skip_bad;
  int ncols, nfixed;
  char *const *names;
  int *schema; /* per column: the kind the schema gives it, or K_NONE */
  /* the rest is a chunk's own: the rows from data_start, read until pos reaches stop */
  column *cols;
  int64_t nrows, cap;
  size_t data_start, pos, stop, scanned; /* scanned: the end of the bytes scanned */
  size_t *bad_utf8; /* offsets of invalid UTF-8, at most one per line, ascending */
  size_t nbad_utf8, bad_cap, next_utf8;
  skip_range *skips;
  size_t nskips, skips_cap;
  int64_t skipped;
  char first_bad[256];
  char *scratch;
  size_t scratch_cap;
  field_list row, reread;
  struct { /* the first problem of the row being read */
    bool bad;
    size_t at;
    int col;
    char why[200];
  } err;
  char error[512]; /* why reading failed (mg_last_error is per thread) */
} parser;

/* The line (1-based) of byte at: one more than the newlines before it. */
static int64_t line_of(const parser *p, size_t at) {
  int64_t line = 1;
  for (const char *s = p->b, *end = p->b + at; (s = memchr(s, '\n', (size_t)(end - s))); s++) line++;
  return line;
}

/* Notes the row's first problem: at byte at, in field col (1-based). */
__attribute__((format(printf, 4, 5)))
static void row_fail(parser *p, size_t at, int col, const char *fmt, ...) {
  if (p->err.bad) return;
  p->err.bad = true;
  p->err.at = at;
  p->err.col = col;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(p->err.why, sizeof p->err.why, fmt, ap);
  va_end(ap);
}

/* "file:line:field: why" of the row's problem. */
static void describe_error(const parser *p, char *buf, size_t size) {
  snprintf(buf, size, "%s:%lld:%d: %s", p->name, (long long)line_of(p, p->err.at), p->err.col,
           p->err.why);
}

static int fail_row(const parser *p) {
  char buf[512];
  describe_error(p, buf, sizeof buf);
  return mg_fail("read_csv: %s", buf);
}

static char *scratch(parser *p, size_t n) {
  if (n + 1 > p->scratch_cap) {
    size_t cap = p->scratch_cap ? p->scratch_cap : 256;
    while (cap < n + 1) cap *= 2;
    char *s = realloc(p->scratch, cap);
    if (!s) return mg_fail_null("read_csv: out of memory");
    p->scratch = s;
    p->scratch_cap = cap;
  }
  return p->scratch;
}

/* ---- cutting rows into fields ---------------------------------------------------------- */

enum { ROW_EOF = -1, ROW_OOM = -2 };

/* The next field of l, growing it as needed; NULL when out of memory. */
static field *next_field(field_list *l) {
  if (l->n == l->cap) {
    int cap = l->cap ? 2 * l->cap : 16;
    field *v = cap > l->cap ? realloc(l->v, (size_t)cap * sizeof *v) : NULL;
    if (!v) return mg_fail_null("read_csv: out of memory");
    l->v = v;
    l->cap = cap;
  }
  return &l->v[l->n];
}

/* Nonzero in the high bit of each byte of w equal to the byte in every byte of pattern:
 * exact for the lowest such byte (which is all the scan needs). */
static inline uint64_t bytes_equal(uint64_t w, uint64_t pattern) {
  uint64_t x = w ^ pattern;
  return (x - 0x0101010101010101u) & ~x & 0x8080808080808080u;
}

/* The end of an unquoted field starting at i: the next delimiter or line end (a CR not
 * before a LF is data), found 8 bytes at a time. The sentinel newline after the data stops
 * the scan, and the padding after it keeps the 8-byte reads inside the buffer. */
static size_t unquoted_end(const parser *p, size_t i) {
  const uint64_t ones = 0x0101010101010101u;
  for (;;) {
    uint64_t w, hit;
    while (memcpy(&w, p->b + i, 8),
           !(hit = bytes_equal(w, ones * (unsigned char)p->delim) | bytes_equal(w, ones * '\n') |
                   bytes_equal(w, ones * '\r')))
      i += 8;
    i += (size_t)__builtin_ctzll(hit) >> 3;
    if (p->b[i] != '\r' || p->b[i + 1] == '\n') return i;
    i++;
  }
}

/* Reads the quoted field whose opening quote is at *i (field number col) into f; leaves *i
 * after it. False when the quote never closes. */
static bool quoted_field(parser *p, field *f, size_t *i, int col) {
  const char *b = p->b;
  size_t at = *i + 1;
  f->start = at;
  f->quoted = true;
  f->escaped = false;
  for (;;) {
    const char *q = memchr(b + at, p->quote, p->n - at);
    if (!q) return false;
    size_t j = (size_t)(q - b);
    if (j + 1 < p->n && b[j + 1] == p->quote) {
      f->escaped = true;
      at = j + 2;
      continue;
    }
    f->len = j - f->start;
    *i = j + 1;
    char c = b[*i];
    if (*i < p->n && c != p->delim && c != '\n' && !(c == '\r' && b[*i + 1] == '\n')) {
      row_fail(p, *i, col, "unexpected character after the closing quote (quote the whole field, "
                           "doubling the quotes inside)");
      *i = unquoted_end(p, *i);
    }
    return true;
  }
}

/* Reads the row at *pos into l and moves *pos past its line end. Returns its number of
 * fields, 0 for a blank line, ROW_EOF or ROW_OOM. A problem is noted in p->err; a quote
 * that never closes makes reading go on at the line after the row's start. */
static int read_row(parser *p, field_list *l, size_t *pos) {
  const char *b = p->b;
  size_t i = *pos, row_start = i;
  if (i >= p->n) return ROW_EOF;
  if (b[i] == '\n' || (b[i] == '\r' && b[i + 1] == '\n')) {
    *pos = i + (b[i] == '\r' ? 2 : 1);
    return 0;
  }
  l->n = 0;
  for (;;) {
    field *f = next_field(l);
    if (!f) return ROW_OOM;
    if (b[i] == p->quote && p->quote) {
      if (!quoted_field(p, f, &i, l->n + 1)) {
        row_fail(p, i, l->n + 1, "unbalanced quote: the quoted field starting here never ends");
        const char *nl = memchr(b + row_start, '\n', p->n - row_start);
        *pos = nl ? (size_t)(nl - b) + 1 : p->n;
        return l->n + 1;
      }
    } else {
      f->start = i;
      i = unquoted_end(p, i);
      f->len = i - f->start;
      f->quoted = f->escaped = false;
    }
    l->n++;
    if (i >= p->n) {
      *pos = p->n;
      return l->n;
    }
    if (b[i] == p->delim) {
      i++;
      continue;
    }
    i += b[i] == '\r' ? 2 : 1;
    *pos = i < p->n ? i : p->n;
    return l->n;
  }
}

/* Counts the line ends in [from, to) (a range that ends after a line end or at the end of
 * the data) and notes its invalid UTF-8: the first only, unless bad lines are skipped
 * (then the first of each line). ASCII goes 8 bytes at a time. */
static int scan(parser *p, size_t from, size_t to, int64_t *lines) {
  const unsigned char *b = (const unsigned char *)p->b;
  const uint64_t high = 0x8080808080808080u, low = 0x7F7F7F7F7F7F7F7Fu;
  int64_t count = 0;
  bool noted = false;
  for (size_t i = from; i < to;) {
    uint64_t w;
    if (i + 8 <= to && (memcpy(&w, b + i, 8), (w & high) == 0)) {
      uint64_t x = w ^ 0x0A0A0A0A0A0A0A0Au; /* a zero byte for each '\n' */
      uint64_t newline = ~(((x & low) + low) | x) & high;
      count += (int64_t)(((newline >> 7) * 0x0101010101010101u) >> 56);
      i += 8;
      continue;
    }
    size_t len = b[i] < 0x80 ? 1 : mg_utf8_length(b + i, to - i);
    count += b[i] == '\n';
    i += len ? len : 1;
    if (len || (noted && !p->skip_bad)) continue;
    if (p->nbad_utf8 == p->bad_cap) {
      size_t cap = p->bad_cap ? 2 * p->bad_cap : 16;
      size_t *v = realloc(p->bad_utf8, cap * sizeof *v);
      if (!v) return mg_fail("read_csv: out of memory");
      p->bad_utf8 = v;
      p->bad_cap = cap;
    }
    p->bad_utf8[p->nbad_utf8++] = i - 1;
    noted = true;
    const unsigned char *nl = p->skip_bad ? memchr(b + i - 1, '\n', to - i + 1) : NULL;
    if (nl) i = (size_t)(nl - b);
  }
  *lines = count;
  return 0;
}

/* Notes invalid UTF-8 in the row [start, end) just read into l. */
static void check_utf8(parser *p, const field_list *l, size_t start, size_t end) {
  while (p->next_utf8 < p->nbad_utf8 && p->bad_utf8[p->next_utf8] < end) {
    size_t at = p->bad_utf8[p->next_utf8++];
    if (at < start) continue;
    int k = l->n > 0 ? l->n - 1 : 0;
    while (k > 0 && l->v[k].start > at) k--;
    row_fail(p, at, k + 1, "invalid UTF-8 (byte 0x%02x)", (unsigned char)p->b[at]);
  }
}

/* ---- values ------------------------------------------------------------------------------ */

static bool is_na_token(const parser *p, const char *s, size_t len) {
  if (len > p->na_maxlen) return false;
  for (int k = 0; k < p->nna; k++)
    if (p->na_len[k] == len && memcmp(p->na[k], s, len) == 0) return true;
  return false;
}

/* Empty, or a missing-value token (most fields are ruled out by their first byte). */
static inline bool is_missing(const parser *p, const char *s, size_t len) {
  return len == 0 || (p->na_first[(unsigned char)s[0]] && is_na_token(p, s, len));
}

static void trim(const char **s, size_t *len) {
  while (*len && **s == ' ') (*s)++, (*len)--;
  while (*len && (*s)[*len - 1] == ' ') (*len)--;
}

/* An optional sign and decimal digits (spaces around allowed), within int64. */
static bool parse_int(const char *s, size_t len, int64_t *out) {
  if (len && (s[0] == ' ' || s[len - 1] == ' ')) trim(&s, &len);
  size_t i = len && (s[0] == '-' || s[0] == '+');
  bool neg = i && s[0] == '-';
  if (i == len) return false;
  uint64_t v = 0;
  bool small = len - i <= 18; /* then no overflow is possible */
  for (; i < len; i++) {
    unsigned d = (unsigned char)s[i] - '0';
    if (d > 9) return false;
    if (small) v = v * 10 + d;
    else if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, d, &v)) return false;
  }
  if (v > (uint64_t)INT64_MAX + neg) return false;
  *out = neg ? (int64_t)(0 - v) : (int64_t)v;
  return true;
}

static bool is_inf(const char *s, size_t len) {
  return (len == 3 && strncasecmp(s, "inf", 3) == 0) || (len == 8 && strncasecmp(s, "infinity", 8) == 0);
}

/* A decimal number: [sign] digits [. digits] [e [sign] digits], at least one digit before
 * the exponent, or inf/infinity (spaces around allowed). Up to 19 significant digits and
 * a power of ten up to 22 are exact as double arithmetic (Clinger's fast path); the rest
 * goes to strtod, which rounds correctly too. */
static bool parse_float(parser *p, const char *s, size_t len, double *out) {
  static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  if (len && (s[0] == ' ' || s[len - 1] == ' ')) trim(&s, &len);
  size_t i = len && (s[0] == '-' || s[0] == '+');
  bool neg = i && s[0] == '-';
  if (is_inf(s + i, len - i)) {
    *out = neg ? -INFINITY : INFINITY;
    return true;
  }
  uint64_t m = 0;
  int digits = 0;
  int64_t exp10 = 0;
  bool any = false, exact = true;
  for (int part = 0; part < 2; part++) {
    for (; i < len && (unsigned)((unsigned char)s[i] - '0') <= 9; i++) {
      unsigned d = (unsigned char)s[i] - '0';
      any = true;
      if (m == 0 && d == 0) {
        exp10 -= part;
      } else if (digits < 19) {
        m = m * 10 + d, digits++, exp10 -= part;
      } else {
        exp10 += 1 - part;
        exact = exact && d == 0;
      }
    }
    if (part == 0 && (i == len || s[i] != '.')) break;
    i += part == 0;
  }
  if (!any) return false;
  if (i < len && (s[i] == 'e' || s[i] == 'E')) {
    size_t j = i + 1 + (i + 1 < len && (s[i + 1] == '-' || s[i + 1] == '+'));
    int64_t e = 0;
    if (j == len) return false;
    for (; j < len && (unsigned)((unsigned char)s[j] - '0') <= 9; j++) e = e < 100000 ? e * 10 + (s[j] - '0') : e;
    exp10 += s[i + 1] == '-' ? -e : e;
    i = j;
  }
  if (i != len) return false;
  if (exact && m <= (UINT64_C(1) << 53) && exp10 >= -22 && exp10 <= 22) {
    double v = exp10 < 0 ? (double)m / pow10[-exp10] : (double)m * pow10[exp10];
    *out = neg ? -v : v;
    return true;
  }
  char *copy = scratch(p, len);
  if (!copy) return false;
  memcpy(copy, s, len);
  copy[len] = 0;
  *out = strtod(copy, NULL);
  return true;
}

/* 1 for true, True, TRUE; 0 for false, False, FALSE; -1 otherwise. */
static int parse_bool(const char *s, size_t len) {
  if (len == 4 && (!memcmp(s, "true", 4) || !memcmp(s, "True", 4) || !memcmp(s, "TRUE", 4))) return 1;
  if (len == 5 && (!memcmp(s, "false", 5) || !memcmp(s, "False", 5) || !memcmp(s, "FALSE", 5))) return 0;
  return -1;
}

/* ---- columns ------------------------------------------------------------------------------- */

static const size_t kind_size[] = {[K_NONE] = 8, [K_INT] = 8, [K_FLOAT] = 8, [K_BOOL] = 1, [K_STRING] = 4};

/* Gives a column of no values yet its kind and an array (the rows so far are missing). */
static int set_kind(parser *p, column *col, int kind, int64_t r) {
  free(col->data);
  col->data = mg_big_malloc((size_t)p->cap * kind_size[kind] + 1);
  col->dict = kind == K_STRING ? mg_dict_new() : NULL;
  if (!col->data || (kind == K_STRING && !col->dict)) return mg_fail("read_csv: out of memory");
  memset(col->data, 0, (size_t)r * kind_size[kind]);
  col->kind = kind;
  return 0;
}

static int set_missing(parser *p, column *col, int64_t r) {
  if (!col->valid) {
    if (!(col->valid = mg_big_malloc((size_t)p->cap + 1))) return mg_fail("read_csv: out of memory");
    memset(col->valid, 1, (size_t)r);
  }
  col->valid[r] = 0;
  if (col->data) memset((char *)col->data + (size_t)r * kind_size[col->kind], 0, kind_size[col->kind]);
  return 0;
}

static inline void set_present(column *col, int64_t r) {
  if (col->valid) col->valid[r] = 1;
}

/* A field as text in a string column: unquoted missing tokens are missing, quoted ones
 * strings; doubled quotes are undone. */
static int put_text(parser *p, column *col, int64_t r, const field *f) {
  const char *s = p->b + f->start;
  size_t len = f->len;
  if (!f->quoted && is_missing(p, s, len)) return set_missing(p, col, r);
  if (f->escaped) {
    char *out = scratch(p, len);
    if (!out) return -1;
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
      out[k++] = s[i];
      i += s[i] == p->quote;
    }
    s = out;
    len = k;
  }
  int32_t code = mg_dict_intern(col->dict, s, len);
  if (code < 0) return -1;
  ((int32_t *)col->data)[r] = code;
  set_present(col, r);
  return 0;
}

/* Column c turns into strings at row r: its rows before r are read again as text,
 * passing over the bad rows and blank lines as the first reading did. */
static int to_strings(parser *p, int c, int64_t r) {
  column *col = &p->cols[c];
  mg_dict_release(col->dict);
  if (set_kind(p, col, K_STRING, 0)) return -1;
  size_t pos = p->data_start, skip = 0;
  for (int64_t row = 0; row < r;) {
    if (skip < p->nskips && pos == p->skips[skip].start) {
      pos = p->skips[skip++].resume;
      continue;
    }
    int nf = read_row(p, &p->reread, &pos);
    if (nf < 0) return nf == ROW_OOM ? -1 : mg_fail("read_csv: internal error re-reading %s", p->name);
    if (nf > 0 && put_text(p, col, row++, &p->reread.v[c])) return -1;
  }
  return 0;
}

/* An int64 column becomes float64, its rows before r converted in place. */
static void to_float(column *col, int64_t r) {
  for (int64_t k = 0; k < r; k++) {
    int64_t v;
    memcpy(&v, (int64_t *)col->data + k, sizeof v);
    ((double *)col->data)[k] = (double)v;
  }
  col->kind = K_FLOAT;
}

/* Stores field f as row r of column c, widening the column's kind as needed. Returns 0,
 * -1 (out of memory) or 1 when a fixed column's type cannot hold the value. */
static int put_field(parser *p, int c, int64_t r, const field *f) {
  column *col = &p->cols[c];
  if (col->kind == K_STRING) return put_text(p, col, r, f);
  const char *s = p->b + f->start;
  size_t len = f->len;
  if (is_missing(p, s, len)) {
    col->soft |= f->quoted;
    return set_missing(p, col, r);
  }
  int64_t i;
  double d;
  int b;
  switch (col->kind) {
  case K_INT:
    if (parse_int(s, len, &i)) {
      ((int64_t *)col->data)[r] = i;
      break;
    }
    if (col->fixed) return 1;
    if (!parse_float(p, s, len, &d)) return to_strings(p, c, r) ? -1 : put_text(p, col, r, f);
    to_float(col, r);
    ((double *)col->data)[r] = d;
    break;
  case K_FLOAT:
    if (parse_float(p, s, len, &d)) {
      ((double *)col->data)[r] = d;
      break;
    }
    if (col->fixed) return 1;
    return to_strings(p, c, r) ? -1 : put_text(p, col, r, f);
  case K_BOOL:
    if ((b = parse_bool(s, len)) >= 0) {
      ((uint8_t *)col->data)[r] = (uint8_t)b;
      break;
    }
    if (col->fixed) return 1;
    return to_strings(p, c, r) ? -1 : put_text(p, col, r, f);
  default: { /* the first value decides */
    int kind = parse_int(s, len, &i) ? K_INT : parse_float(p, s, len, &d) ? K_FLOAT
               : parse_bool(s, len) >= 0 ? K_BOOL : K_STRING;
    if (kind == K_STRING && col->soft) return to_strings(p, c, r) ? -1 : put_text(p, col, r, f);
    if (set_kind(p, col, kind, r)) return -1;
    return put_field(p, c, r, f);
  }
  }
  set_present(col, r);
  return 0;
}

/* ---- rows ------------------------------------------------------------------------------- */

static const char *kind_name(int kind) {
  return kind == K_INT ? "int64" : kind == K_FLOAT ? "float64" : kind == K_BOOL ? "bool" : "string";
}

/* Checks a row of nf fields at [start, end) just read, and stores the values of the fixed
 * columns (which may fail); notes a problem in p->err. */
static int check_row(parser *p, int nf, size_t start, size_t end) {
  if (!p->err.bad && nf != p->ncols) {
    int k = nf < p->ncols ? nf : p->ncols;
    row_fail(p, k < nf ? p->row.v[k].start : end - (end > start), k + 1,
             "expected %d field%s, got %d", p->ncols, p->ncols == 1 ? "" : "s", nf);
  }
  check_utf8(p, &p->row, start, end);
  for (int c = 0; c < p->ncols && p->nfixed && !p->err.bad; c++) {
    if (!p->cols[c].fixed) continue;
    int rc = put_field(p, c, p->nrows, &p->row.v[c]);
    if (rc < 0) return -1;
    if (rc > 0) {
      const field *f = &p->row.v[c];
      int shown = f->len > 40 ? 40 : (int)f->len;
      while (shown > 0 && shown < (int)f->len && (p->b[f->start + shown] & 0xC0) == 0x80) shown--;
      row_fail(p, f->start, c + 1, "column '%s' is %s, got '%.*s%s'", p->names[c],
               kind_name(p->cols[c].kind), shown, p->b + f->start, shown < (int)f->len ? "..." : "");
    }
  }
  return 0;
}

/* A bad row [start, resume): the error, or when skipping, recorded and counted. */
static int bad_row(parser *p, size_t start, size_t resume) {
  if (!p->skip_bad) return fail_row(p);
  if (p->nskips == p->skips_cap) {
    size_t cap = p->skips_cap ? 2 * p->skips_cap : 16;
    skip_range *v = realloc(p->skips, cap * sizeof *v);
    if (!v) return mg_fail("read_csv: out of memory");
    p->skips = v;
    p->skips_cap = cap;
  }
  p->skips[p->nskips++] = (skip_range){start, resume};
  if (p->skipped++ == 0) describe_error(p, p->first_bad, sizeof p->first_bad);
  return 0;
}

/* Reads rows from p->pos until it reaches p->stop (or the end of the data). */
static int read_rows(parser *p) {
  while (p->pos < p->stop) {
    size_t start = p->pos;
    p->err.bad = false;
    int nf = read_row(p, &p->row, &p->pos);
    if (nf == ROW_EOF) break;
    if (nf == ROW_OOM || (nf > 0 && check_row(p, nf, start, p->pos))) return -1;
    if (nf == 0) continue;
    if (p->err.bad) {
      if (bad_row(p, start, p->pos)) return -1;
      continue;
    }
    for (int c = 0; c < p->ncols; c++)
      if (!p->cols[c].fixed && put_field(p, c, p->nrows, &p->row.v[c])) return -1;
    p->nrows++;
  }
  return 0;
}

/* ---- the header, names and the schema ----------------------------------------------------- */

static void free_names(char **names, int n) {
  for (int k = 0; names && k < n; k++) free(names[k]);
  free(names);
}

/* Header field k as a name: doubled quotes undone, "V<k+1>" when empty (also when it
 * starts with a NUL byte, which ends a name). */
static char *header_name(const parser *p, const field *f, int k) {
  char *name = malloc(f->len + 16);
  if (!name) return NULL;
  size_t n = 0;
  for (size_t i = 0; i < f->len; i++) {
    name[n++] = p->b[f->start + i];
    i += f->escaped && p->b[f->start + i] == p->quote;
  }
  name[n] = 0;
  if (name[0] == 0) snprintf(name, 16, "V%d", k + 1);
  return name;
}

static bool name_taken(char *const *names, int k, const char *name) {
  for (int j = 0; j < k; j++)
    if (strcmp(names[j], name) == 0) return true;
  return false;
}

/* Renames repeated header names as pandas does: a, a.1, a.2, ... */
static int dedupe_names(char **names, int n) {
  for (int k = 1; k < n; k++) {
    if (!name_taken(names, k, names[k])) continue;
    size_t size = strlen(names[k]) + 24;
    char *renamed = malloc(size);
    if (!renamed) return mg_fail("read_csv: out of memory");
    for (int dup = 1;; dup++) {
      snprintf(renamed, size, "%s.%d", names[k], dup);
      if (!name_taken(names, k, renamed)) break;
    }
    free(names[k]);
    names[k] = renamed;
  }
  return 0;
}

/* The columns' names: the options', else the header's (l), else V1, V2, ... */
static char **column_names(const parser *p, const mg_csv_options *o, const field_list *l, int n) {
  char **names = calloc((size_t)n + 1, sizeof *names);
  if (!names) return mg_fail_null("read_csv: out of memory");
  for (int k = 0; k < n; k++) {
    if (o->names) {
      names[k] = malloc(strlen(o->names[k]) + 1);
      if (names[k]) strcpy(names[k], o->names[k]);
    } else if (l) {
      names[k] = header_name(p, &l->v[k], k);
    } else if ((names[k] = malloc(16))) {
      snprintf(names[k], 16, "V%d", k + 1);
    }
    if (!names[k]) {
      free_names(names, k);
      return mg_fail_null("read_csv: out of memory");
    }
  }
  for (int k = 0; o->names && k < n; k++)
    if (name_taken(names, k, names[k])) {
      mg_fail("read_csv: column name '%s' repeats in names", names[k]);
      free_names(names, n);
      return NULL;
    }
  if (!o->names && dedupe_names(names, n)) {
    free_names(names, n);
    return NULL;
  }
  return names;
}

/* Reads the header (or peeks at the first row) to find the columns: their number and
 * names; data_start is set after the header. */
static char **read_header(parser *p, const mg_csv_options *o) {
  size_t pos = 0;
  if (p->n >= 3 && memcmp(p->b, "\xEF\xBB\xBF", 3) == 0) pos = 3; /* a byte order mark */
  size_t start = pos;
  int nf;
  while ((nf = read_row(p, &p->row, &pos)) == 0) start = pos;
  if (nf == ROW_OOM) return NULL;
  if (nf == ROW_EOF && !(o->names && !o->header))
    return mg_fail_null("read_csv: %s is empty (expected %s)", p->name,
                        o->header ? "a header line" : "a line of data");
  int64_t lines;
  if (nf > 0 && o->header) {
    if (scan(p, start, pos, &lines)) return NULL;
    check_utf8(p, &p->row, start, pos);
  }
  if (p->err.bad && o->header) {
    fail_row(p);
    return NULL;
  }
  p->err.bad = false;
  p->ncols = o->names ? o->nnames : nf;
  if (o->names && o->header && nf != o->nnames)
    return mg_fail_null("read_csv: %s has %d columns but %d names were given", p->name, nf, o->nnames);
  p->data_start = o->header ? pos : start;
  return column_names(p, o, o->header && !o->names ? &p->row : NULL, p->ncols);
}

/* The kind of each column the schema names (K_NONE for the others), into p->schema. */
static int resolve_schema(parser *p, const mg_csv_options *o) {
  static const int kinds[MG_NUM_COLTYPES] = {K_FLOAT, K_INT, K_BOOL, K_STRING};
  if (!(p->schema = calloc((size_t)p->ncols + 1, sizeof *p->schema))) return mg_fail("read_csv: out of memory");
  for (int s = 0; s < o->nschema; s++) {
    int c = 0;
    while (c < p->ncols && strcmp(p->names[c], o->schema_names[s]) != 0) c++;
    if (c == p->ncols)
      return mg_fail("read_csv: the schema names column '%s', which %s does not have",
                     o->schema_names[s], p->name);
    if (o->schema_types[s] < 0 || o->schema_types[s] >= MG_NUM_COLTYPES)
      return mg_fail("read_csv: unknown column type %d in the schema", (int)o->schema_types[s]);
    p->schema[c] = kinds[o->schema_types[s]];
  }
  return 0;
}

static int check_options(const mg_csv_options *o) {
  char d = o->delimiter, q = o->quote;
  if (d == '\n' || d == '\r' || d == 0) return mg_fail("read_csv: the delimiter cannot be a line end or NUL");
  if (q == '\n' || q == '\r') return mg_fail("read_csv: the quote cannot be a line end");
  if (d == q) return mg_fail("read_csv: the delimiter and the quote must differ (both '%c')", d);
  if (o->nnames < 0 || (o->nnames > 0 && !o->names) || (o->names && o->nnames == 0))
    return mg_fail("read_csv: expected at least one name");
  return 0;
}

/* What every chunk shares: the options and the missing-value tokens. */
static int setup(parser *p, const mg_csv_options *o) {
  p->delim = o->delimiter;
  p->quote = o->quote;
  p->skip_bad = o->skip_bad_lines;
  p->na = o->na_values ? o->na_values : default_na;
  p->nna = o->na_values ? o->nna : NUM_DEFAULT_NA;
  p->na_len = malloc((size_t)p->nna * sizeof *p->na_len + 1);
  if (!p->na_len) return mg_fail("read_csv: out of memory");
  for (int k = 0; k < p->nna; k++) {
    p->na_len[k] = strlen(p->na[k]);
    if (p->na_len[k] > p->na_maxlen) p->na_maxlen = p->na_len[k];
    p->na_first[(unsigned char)p->na[k][0]] = true;
  }
  return 0;
}

static void free_chunk(parser *p) {
  for (int c = 0; p->cols && c < p->ncols; c++) {
    free(p->cols[c].data);
    free(p->cols[c].valid);
    mg_dict_release(p->cols[c].dict);
  }
  free(p->cols);
  free(p->bad_utf8);
  free(p->skips);
  free(p->scratch);
  free(p->row.v);
  free(p->reread.v);
}

/* ---- chunks ------------------------------------------------------------------------------- */

#define MIN_CHUNK (1 << 20) /* bytes of data worth a thread */

/* Room for cap rows in every column of p. */
static int grow(parser *p, int64_t cap) {
  for (int c = 0; c < p->ncols; c++) {
    column *col = &p->cols[c];
    void *data = col->data ? realloc(col->data, (size_t)cap * kind_size[col->kind] + 1) : NULL;
    if (data) col->data = data;
    uint8_t *valid = col->valid ? realloc(col->valid, (size_t)cap + 1) : NULL;
    if (valid) col->valid = valid;
    if ((col->data && !data) || (col->valid && !valid)) return mg_fail("read_csv: out of memory");
  }
  p->cap = cap;
  return 0;
}

/* Makes p read on until stop: the bytes up to there are scanned for line ends and UTF-8,
 * and the columns grown to hold as many rows. */
static int extend(parser *p, size_t stop) {
  int64_t lines;
  if (scan(p, p->scanned, stop, &lines) || grow(p, p->cap + lines)) return -1;
  p->stop = p->scanned = stop;
  return 0;
}

/* A chunk of base for the rows from begin until stop (its columns are made when it is read). */
static void start_chunk(parser *p, const parser *base, size_t begin, size_t stop) {
  *p = *base;
  p->row = p->reread = (field_list){0};
  p->bad_utf8 = NULL;
  p->nbad_utf8 = p->bad_cap = p->next_utf8 = 0;
  p->data_start = p->pos = p->scanned = begin;
  p->stop = stop;
  p->cap = 1;
  p->error[0] = 0;
}

/* Scans the chunk's bytes, makes its columns (those the schema types first) and reads it. */
static int read_chunk(parser *p) {
  if (!(p->cols = calloc((size_t)p->ncols + 1, sizeof *p->cols))) return mg_fail("read_csv: out of memory");
  if (extend(p, p->stop)) return -1;
  for (int c = 0; c < p->ncols; c++) {
    if (p->schema[c] == K_NONE) continue;
    if (set_kind(p, &p->cols[c], p->schema[c], 0)) return -1;
    p->cols[c].fixed = true;
    p->nfixed++;
  }
  return read_rows(p);
}

static void read_chunks(void *ctx, int64_t begin, int64_t end) {
  parser *chunks = ctx;
  for (int64_t k = begin; k < end; k++)
    if (read_chunk(&chunks[k])) snprintf(chunks[k].error, sizeof chunks[k].error, "%s", mg_last_error());
}

/* The kind that holds the values of both kinds. */
static int unify(int a, int b) {
  if (a == b || b == K_NONE) return a;
  if (a == K_NONE) return b;
  if ((a == K_INT && b == K_FLOAT) || (a == K_FLOAT && b == K_INT)) return K_FLOAT;
  return K_STRING;
}

/* Column c of chunk p widened to kind. */
static int widen(parser *p, int c, int kind) {
  column *col = &p->cols[c];
  if (col->kind == kind) return 0;
  if (kind == K_STRING) return to_strings(p, c, p->nrows);
  if (col->kind == K_NONE) return set_kind(p, col, kind, p->nrows);
  to_float(col, p->nrows);
  return 0;
}

/* Appends the n rows of y (of x's kind) to x after its r rows; strings are interned into
 * x's dictionary. */
static int append_column(column *x, int64_t r, const column *y, int64_t n, int64_t cap) {
  if (x->kind == K_STRING) {
    int32_t *map = malloc((size_t)y->dict->count * sizeof *map + 1);
    if (!map) return mg_fail("read_csv: out of memory");
    for (int32_t code = 0; code < y->dict->count; code++) {
      size_t len;
      const char *s = mg_dict_str(y->dict, code, &len);
      if ((map[code] = mg_dict_intern(x->dict, s, len)) < 0) return free(map), -1;
    }
    const int32_t *from = y->data;
    int32_t *to = (int32_t *)x->data + r;
    for (int64_t k = 0; k < n; k++) to[k] = !y->valid || y->valid[k] ? map[from[k]] : -1;
    free(map);
  } else if (x->kind != K_NONE) {
    memcpy((char *)x->data + (size_t)r * kind_size[x->kind], y->data, (size_t)n * kind_size[x->kind]);
  }
  if (!x->valid && y->valid) {
    if (!(x->valid = mg_big_malloc((size_t)cap + 1))) return mg_fail("read_csv: out of memory");
    memset(x->valid, 1, (size_t)r);
  }
  if (x->valid && y->valid) memcpy(x->valid + r, y->valid, (size_t)n);
  else if (x->valid) memset(x->valid + r, 1, (size_t)n);
  return 0;
}

typedef struct {
  parser *a, *b;
  bool failed;
} merge_job;

static void append_columns(void *ctx, int64_t begin, int64_t end) {
  merge_job *j = ctx;
  for (int64_t c = begin; c < end; c++)
    if (append_column(&j->a->cols[c], j->a->nrows, &j->b->cols[c], j->b->nrows, j->a->cap))
      j->failed = true; /* only ever set: a race between threads writes the same value */
}

/* Appends chunk b (whose rows follow a's) to a: the columns widened to common kinds one
 * after another (which may read rows again), then appended in parallel. */
static int merge_chunk(parser *a, parser *b) {
  for (int c = 0; c < a->ncols; c++) {
    a->cols[c].soft |= b->cols[c].soft;
    int kind = unify(a->cols[c].kind, b->cols[c].kind);
    if (widen(a, c, kind) || widen(b, c, kind)) return -1;
  }
  if (a->cap < a->nrows + b->nrows + 1 && grow(a, a->nrows + b->nrows + 1)) return -1;
  merge_job job = {a, b, false};
  mg_parallel_for(a->ncols, 1, append_columns, &job);
  if (job.failed) return mg_fail("read_csv: out of memory reading %s", a->name);
  if (b->nskips) {
    skip_range *v = realloc(a->skips, (a->nskips + b->nskips) * sizeof *v);
    if (!v) return mg_fail("read_csv: out of memory");
    memcpy(v + a->nskips, b->skips, b->nskips * sizeof *v);
    a->skips = v;
    a->nskips = a->skips_cap = a->nskips + b->nskips;
  }
  if (!a->skipped) memcpy(a->first_bad, b->first_bad, sizeof a->first_bad);
  a->skipped += b->skipped;
  a->nrows += b->nrows;
  a->pos = b->pos;
  a->stop = a->scanned = b->stop;
  return 0;
}

/* Merges chunks 1.. into chunk 0 in order, stopping at the first error. A chunk starts at
 * a line start that may lie inside a quoted field; then the chunk before it reads past that
 * start, and reading goes on from there in that chunk, without the later ones. */
static int merge_chunks(parser *chunks, int k) {
  parser *a = &chunks[0];
  for (int i = 1; i < k && !a->error[0]; i++) {
    parser *b = &chunks[i];
    if (a->pos != b->data_start) {
      if (extend(a, a->n) || read_rows(a)) snprintf(a->error, sizeof a->error, "%s", mg_last_error());
      break;
    }
    if (b->error[0]) memcpy(a->error, b->error, sizeof a->error);
    else if (merge_chunk(a, b)) snprintf(a->error, sizeof a->error, "%s", mg_last_error());
  }
  return a->error[0] ? mg_fail("%s", a->error) : 0;
}

/* Reads the rows of base's data into chunks (*chunks, *k of them): one per thread when
 * there is enough data, cut at line starts, read in parallel and merged into the first. */
static int read_data(const parser *base, parser **chunks, int *k) {
  size_t bytes = base->n - base->data_start;
  int n = mg_get_num_threads();
  if ((size_t)n > bytes / MIN_CHUNK) n = (int)(bytes / MIN_CHUNK);
  n = n < 1 ? 1 : n;
  if (!(*chunks = calloc((size_t)n, sizeof **chunks))) return mg_fail("read_csv: out of memory");
  size_t begin = base->data_start, part = bytes / (size_t)n;
  for (*k = 0; *k < n; (*k)++) {
    const char *nl = *k < n - 1 ? memchr(base->b + base->data_start + part * (size_t)(*k + 1) - 1,
                                         '\n', part + 1) : NULL;
    size_t stop = nl ? (size_t)(nl - base->b) + 1 : base->n;
    stop = stop < begin ? begin : stop;
    start_chunk(&(*chunks)[*k], base, begin, stop);
    begin = stop;
  }
  mg_parallel_for(n, 1, read_chunks, *chunks);
  return merge_chunks(*chunks, n);
}

/* The columns read, handed to a new frame: a column without values is float64, unless it
 * read quoted missing tokens, which are text (so that write_csv's "" and "NA" read back). */
static mg_frame *build_frame(parser *p) {
  static const mg_coltype types[] = {[K_NONE] = MG_COL_FLOAT64, [K_INT] = MG_COL_INT64,
                                     [K_FLOAT] = MG_COL_FLOAT64, [K_BOOL] = MG_COL_BOOL,
                                     [K_STRING] = MG_COL_STRING};
  for (int c = 0; c < p->ncols; c++)
    if (p->cols[c].kind == K_NONE && p->cols[c].soft && to_strings(p, c, p->nrows)) return NULL;
  mg_frame *f = mg_frame_new();
  for (int c = 0; f && c < p->ncols; c++) {
    column *col = &p->cols[c];
    size_t bytes = (size_t)p->nrows * kind_size[col->kind] + 1;
    void *data = col->data ? realloc(col->data, bytes) : malloc(bytes);
    if (!data) {
      mg_fail("read_csv: out of memory");
      mg_frame_free(f);
      return NULL;
    }
    uint8_t *valid = col->valid ? realloc(col->valid, (size_t)p->nrows + 1) : NULL;
    valid = valid ? valid : col->valid;
    mg_column *mc = mg_column_adopt(types[col->kind], p->nrows, data, valid, col->dict);
    *col = (column){0};
    if (mg_frame_put(f, "read_csv", p->names[c], mc)) {
      mg_frame_free(f);
      return NULL;
    }
  }
  return f;
}

/* Parses n bytes at buf (followed by PAD writable bytes). */
static mg_frame *parse(const char *name, char *buf, size_t n, const mg_csv_options *o,
                       mg_csv_report *report) {
  mg_csv_options defaults;
  if (!o) mg_csv_default_options(&defaults), o = &defaults;
  if (report) *report = (mg_csv_report){0};
  if (check_options(o)) return NULL;
  memset(buf + n, 0, PAD);
  buf[n] = '\n';
  parser base = {.name = name, .b = buf, .n = n}, *chunks = NULL;
  char **names = NULL;
  int k = 0;
  mg_frame *f = NULL;
  if (setup(&base, o) == 0 && (names = read_header(&base, o))) {
    base.names = names;
    if (resolve_schema(&base, o) == 0 && read_data(&base, &chunks, &k) == 0) f = build_frame(&chunks[0]);
  }
  if (f && report) {
    report->skipped = chunks[0].skipped;
    memcpy(report->first_bad, chunks[0].first_bad, sizeof report->first_bad);
  }
  for (int i = 0; i < k; i++) free_chunk(&chunks[i]);
  free(chunks);
  free_names(names, base.ncols);
  free(base.na_len);
  free(base.schema);
  free(base.bad_utf8);
  free(base.row.v);
  return f;
}

mg_frame *mg_parse_csv(const char *bytes, size_t n, const char *name, const mg_csv_options *o,
                       mg_csv_report *report) {
  char *buf = n <= SIZE_MAX - PAD ? malloc(n + PAD) : NULL;
  if (!buf) return mg_fail_null("read_csv: out of memory");
  if (n) memcpy(buf, bytes, n);
  mg_frame *f = parse(name ? name : "<data>", buf, n, o, report);
  free(buf);
  return f;
}

/* ---- files -------------------------------------------------------------------------------- */

typedef struct {
  int fd, parts, err;
  char *buf;
  size_t size;
  bool short_read;
} read_job;

static void read_parts(void *ctx, int64_t begin, int64_t end) {
  read_job *j = ctx;
  size_t at = j->size / (size_t)j->parts * (size_t)begin;
  size_t to = end == j->parts ? j->size : j->size / (size_t)j->parts * (size_t)end;
  while (at < to) {
    ssize_t r = pread(j->fd, j->buf + at, to - at, (off_t)at);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      if (r < 0) j->err = errno;
      else j->short_read = true;
      return;
    }
    at += (size_t)r;
  }
}

/* Reads the size bytes of a regular file in parts, one per thread (each thread's page
 * faults and copying then run side by side). 0 when done, 1 when the file changed size
 * meanwhile (the caller reads it again), or an errno. */
static int read_parallel(int fd, char *buf, size_t size) {
  read_job job = {fd, mg_get_num_threads(), 0, buf, size, false};
  mg_parallel_for(job.parts, 1, read_parts, &job);
  char extra;
  ssize_t r = job.err ? -1 : pread(fd, &extra, 1, (off_t)size);
  if (job.err || r < 0) return job.err ? job.err : errno;
  return job.short_read || r > 0;
}

/* Reads all of fd into a new buffer with PAD bytes to spare; size: the size of a regular
 * file, else 0. */
static char *read_all(int fd, const char *path, size_t size, size_t *n) {
  size_t cap = (size ? size : 65536) + PAD + 1, got = 0;
  char *buf = mg_big_malloc(cap);
  int rc = buf && size >= 2 * MIN_CHUNK ? read_parallel(fd, buf, size) : 1;
  if (rc == 0) {
    *n = size;
    return buf;
  }
  for (errno = rc; rc == 1;) {
    if (!buf) return mg_fail_null("read_csv: out of memory reading %s", path);
    if (got + PAD + 1 > cap) {
      char *more = cap < SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
      if (!more) free(buf);
      buf = more;
      cap *= 2;
      continue;
    }
    ssize_t r = read(fd, buf + got, cap - got - PAD - 1);
    if (r == 0) break;
    if (r < 0 && errno != EINTR) rc = -1;
    got += r > 0 ? (size_t)r : 0;
  }
  if (rc != 1) {
    int err = errno;
    free(buf);
    return mg_fail_null("read_csv: cannot read %s: %s", path, strerror(err));
  }
  *n = got;
  return buf;
}

/* Inflates gzip data (one or more members) into a new buffer with PAD bytes to spare. */
static char *inflate_all(const char *path, const char *gz, size_t ngz, size_t *n) {
  z_stream z = {0};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return mg_fail_null("read_csv: out of memory");
  size_t cap = ngz < SIZE_MAX / 8 ? 4 * ngz + PAD + 1 : ngz, got = 0;
  char *buf = mg_big_malloc(cap);
  z.next_in = (unsigned char *)gz;
  int rc = Z_OK;
  while (buf) {
    if (cap - got < PAD + 1 + 65536) {
      char *more = cap < SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
      if (!more) free(buf);
      buf = more;
      if (!buf) break;
      cap *= 2;
    }
    size_t in = ngz - (size_t)(z.next_in - (unsigned char *)gz), out = cap - got - PAD - 1;
    z.avail_in = in > UINT_MAX ? UINT_MAX : (unsigned)in;
    z.avail_out = out > UINT_MAX ? UINT_MAX : (unsigned)out;
    z.next_out = (unsigned char *)buf + got;
    rc = inflate(&z, Z_NO_FLUSH);
    got = (size_t)((char *)z.next_out - buf);
    if (rc == Z_STREAM_END && z.next_in < (unsigned char *)gz + ngz) rc = inflateReset(&z);
    else if (rc == Z_STREAM_END || (rc != Z_OK && rc != Z_BUF_ERROR)) break;
    else if (rc == Z_BUF_ERROR && z.avail_in == 0) break;
  }
  const char *msg = z.msg;
  inflateEnd(&z);
  if (buf && rc == Z_STREAM_END) {
    *n = got;
    return buf;
  }
  free(buf);
  if (!buf) return mg_fail_null("read_csv: out of memory inflating %s", path);
  if (rc == Z_BUF_ERROR) return mg_fail_null("read_csv: %s is truncated (its gzip data ends early)", path);
  return mg_fail_null("read_csv: cannot read %s: %s", path, msg ? msg : "invalid gzip data");
}

mg_frame *mg_read_csv(const char *path, const mg_csv_options *o, mg_csv_report *report) {
  if (!path) return mg_fail_null("read_csv: expected a path, got NULL");
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return mg_fail_null("read_csv: cannot open %s: %s", path, strerror(errno));
  struct stat st;
  int err = fstat(fd, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : 0;
  size_t n = 0;
  char *buf = err ? NULL : read_all(fd, path, S_ISREG(st.st_mode) ? (size_t)st.st_size : 0, &n);
  close(fd);
  if (err) return mg_fail_null("read_csv: cannot read %s: %s", path, strerror(err));
  if (buf && n >= 2 && (unsigned char)buf[0] == 0x1f && (unsigned char)buf[1] == 0x8b) {
    char *raw = buf;
    buf = inflate_all(path, raw, n, &n);
    free(raw);
  }
  mg_frame *f = buf ? parse(path, buf, n, o, report) : NULL;
  free(buf);
  return f;
}

/* ---- writing ---------------------------------------------------------------------------------- */

typedef struct {
  gzFile gz;
  FILE *file;
  const char *path;
  char *buf;
  size_t n, cap;
  int err; /* errno of the first failed write, or -1 */
} writer;

static void flush_out(writer *w) {
  if (w->n && !w->err) {
    bool ok = w->gz ? gzwrite(w->gz, w->buf, (unsigned)w->n) == (int)w->n
                    : fwrite(w->buf, 1, w->n, w->file) == w->n;
    if (!ok) w->err = errno ? errno : -1;
  }
  w->n = 0;
}

static void put(writer *w, const char *s, size_t len) {
  while (len && !w->err) {
    if (w->n == w->cap) flush_out(w);
    size_t k = len < w->cap - w->n ? len : w->cap - w->n;
    memcpy(w->buf + w->n, s, k);
    w->n += k, s += k, len -= k;
  }
}

/* Quoted when read_csv would not read it back as this string: empty, a missing-value
 * token, holding the delimiter, a quote or a line end, or starting with a byte order mark
 * (which the reader drops at the start of a file). */
static void put_string(writer *w, const char *s, size_t len, char delim) {
  bool quote = len == 0 || (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0);
  for (size_t i = 0; i < len && !quote; i++)
    quote = s[i] == delim || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
  for (int k = 0; k < NUM_DEFAULT_NA && !quote; k++)
    quote = strlen(default_na[k]) == len && memcmp(default_na[k], s, len) == 0;
  if (!quote) return put(w, s, len);
  put(w, "\"", 1);
  for (const char *q; (q = memchr(s, '"', len)); len -= (size_t)(q - s) + 1, s = q + 1) {
    put(w, s, (size_t)(q - s) + 1);
    put(w, "\"", 1);
  }
  put(w, s, len);
  put(w, "\"", 1);
}

/* The shortest of %.15g, %.16g and %.17g that reads back as v, with ".0" added to an
 * integral value so that it reads back as float64. */
static void put_double(writer *w, double v) {
  char s[40];
  if (isinf(v)) return put(w, v > 0 ? "inf" : "-inf", v > 0 ? 3 : 4);
  for (int digits = 15; digits <= 17; digits++) {
    snprintf(s, sizeof s, "%.*g", digits, v);
    if (strtod(s, NULL) == v) break;
  }
  if (!strpbrk(s, ".e")) strcat(s, ".0");
  put(w, s, strlen(s));
}

static void put_cell(writer *w, const mg_cell *cell, char delim) {
  char s[24];
  if (!cell->valid) return;
  switch (cell->type) {
  case MG_COL_FLOAT64: return put_double(w, cell->f);
  case MG_COL_INT64: return put(w, s, (size_t)snprintf(s, sizeof s, "%lld", (long long)cell->i));
  case MG_COL_BOOL: return put(w, cell->b ? "true" : "false", cell->b ? 4 : 5);
  default: return put_string(w, cell->s, cell->len, delim);
  }
}

int mg_write_csv(const mg_frame *f, const char *path, char delimiter) {
  if (delimiter == '"' || delimiter == '\n' || delimiter == '\r' || delimiter == 0)
    return mg_fail("write_csv: the delimiter cannot be a quote, a line end or NUL");
  size_t len = strlen(path);
  writer w = {.path = path, .cap = 1 << 20};
  bool gz = len > 3 && strcmp(path + len - 3, ".gz") == 0;
  errno = 0;
  if (gz) w.gz = gzopen(path, "wb6");
  else w.file = fopen(path, "wb");
  if (!w.gz && !w.file) return mg_fail("write_csv: cannot open %s: %s", path, strerror(errno ? errno : ENOMEM));
  if (!(w.buf = malloc(w.cap))) w.cap = 0, w.err = ENOMEM;
  int ncols = mg_frame_ncols(f);
  for (int c = 0; c < ncols; c++) {
    if (c) put(&w, &delimiter, 1);
    const char *name = mg_frame_name(f, c);
    put_string(&w, name, strlen(name), delimiter);
  }
  put(&w, "\n", 1);
  mg_cell cell;
  for (int64_t r = 0; r < mg_frame_nrows(f) && !w.err; r++) {
    for (int c = 0; c < ncols; c++) {
      if (c) put(&w, &delimiter, 1);
      mg_frame_get(f, c, r, &cell);
      /* the one missing value of a row would make a blank line, which readers skip */
      if (ncols == 1 && !cell.valid) put(&w, "NA", 2);
      put_cell(&w, &cell, delimiter);
    }
    put(&w, "\n", 1);
  }
  flush_out(&w);
  free(w.buf);
  bool closed = w.gz ? gzclose(w.gz) == Z_OK : fclose(w.file) == 0;
  if (!closed && !w.err) w.err = errno ? errno : -1;
  if (w.err) return mg_fail("write_csv: cannot write %s: %s", path, w.err > 0 ? strerror(w.err) : "write failed");
  return 0;
}
