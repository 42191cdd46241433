/* Helpers shared by the frame and CSV tests: frames parsed from CSV text, and columns,
 * names and types written out as text, so that a whole column is checked in one line:
 * "1|2|NA" (missing values NA, floats to 17 digits, booleans true/false). */
#ifndef MOONGRAD_TESTS_FRAME_HELPERS_H
#define MOONGRAD_TESTS_FRAME_HELPERS_H

#include <stdio.h>

#include "helpers.h"

/* A frame parsed from text with options o (NULL: the defaults); fails the test on error. */
static inline mg_frame *csv_with(const char *text, const mg_csv_options *o) {
  mg_frame *f = mg_parse_csv(text, strlen(text), "t.csv", o, NULL);
  if (!f) fail_msg("parse_csv: %s", mg_last_error());
  return f;
}

static inline mg_frame *csv(const char *text) { return csv_with(text, NULL); }

/* Appends one cell's text to buf (size bytes, n used). */
static inline void cell_text(const mg_cell *c, char *buf, size_t size, size_t *n) {
  if (*n >= size) return;
  if (!c->valid) *n += (size_t)snprintf(buf + *n, size - *n, "NA");
  else if (c->type == MG_COL_FLOAT64) *n += (size_t)snprintf(buf + *n, size - *n, "%.17g", c->f);
  else if (c->type == MG_COL_INT64) *n += (size_t)snprintf(buf + *n, size - *n, "%lld", (long long)c->i);
  else if (c->type == MG_COL_BOOL) *n += (size_t)snprintf(buf + *n, size - *n, c->b ? "true" : "false");
  else *n += (size_t)snprintf(buf + *n, size - *n, "%.*s", (int)c->len, c->s);
}

/* The values of column name joined by '|' (a static buffer). */
static inline const char *column_text(const mg_frame *f, const char *name) {
  static char buf[8192];
  int col = mg_frame_find(f, name);
  if (col < 0) fail_msg("no column '%s'", name);
  size_t n = 0;
  buf[0] = 0;
  mg_cell cell;
  for (int64_t r = 0; r < mg_frame_nrows(f); r++) {
    if (r && n < sizeof buf) n += (size_t)snprintf(buf + n, sizeof buf - n, "|");
    mg_frame_get(f, col, r, &cell);
    cell_text(&cell, buf, sizeof buf, &n);
  }
  return buf;
}

/* The column names (names) or types (!names) joined by ' ' (a static buffer each). */
static inline const char *header_text(const mg_frame *f, bool names) {
  static char bufs[2][1024];
  char *buf = bufs[names];
  size_t n = 0;
  buf[0] = 0;
  for (int c = 0; c < mg_frame_ncols(f) && n < sizeof bufs[0]; c++)
    n += (size_t)snprintf(buf + n, sizeof bufs[0] - n, "%s%s", c ? " " : "",
                          names ? mg_frame_name(f, c) : mg_coltype_name(mg_frame_type(f, c)));
  return buf;
}

static inline const char *names_text(const mg_frame *f) { return header_text(f, true); }
static inline const char *types_text(const mg_frame *f) { return header_text(f, false); }

#endif /* MOONGRAD_TESTS_FRAME_HELPERS_H */
