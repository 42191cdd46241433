/* Frames to and from SQLite databases: read_sql runs one query and types each result column
 * from what SQLite returned (its declared type where the values leave a choice); to_sql
 * writes a frame as a table inside one transaction, so a failure leaves the database as it
 * was. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"

/* ---- read_sql ------------------------------------------------------------------------- */

/* A result column while its rows are read. SQLite types values, not columns, so each row
 * keeps its storage class and its value (an int64, a double's bits, or a code into dict)
 * until every row is in and the column's type can be chosen. */
typedef struct {
  uint8_t *cls;  /* SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT or SQLITE_NULL per row */
  int64_t *bits;
  bool has[SQLITE_NULL + 1];
  mg_dict *dict;
} result_column;

/* The type a declared column type asks for, by SQLite's affinity rules (section 3.1 of
 * its datatype page) plus BOOL for booleans; -1 where the values must decide. */
static int declared_type(const char *decl) {
  if (!decl) return -1;
  char up[64];
  size_t n = 0;
  for (; decl[n] && n < sizeof up - 1; n++) up[n] = (char)(decl[n] >= 'a' && decl[n] <= 'z' ? decl[n] - 32 : decl[n]);
  up[n] = 0;
  if (strstr(up, "BOOL")) return MG_COL_BOOL;
  if (strstr(up, "INT")) return MG_COL_INT64;
  if (strstr(up, "CHAR") || strstr(up, "CLOB") || strstr(up, "TEXT")) return MG_COL_STRING;
  if (strstr(up, "REAL") || strstr(up, "FLOA") || strstr(up, "DOUB")) return MG_COL_FLOAT64;
  return -1;
}

static int grow(result_column *cols, int ncols, int64_t cap) {
  for (int c = 0; c < ncols; c++) {
    uint8_t *cls = realloc(cols[c].cls, (size_t)cap);
    if (cls) cols[c].cls = cls;
    int64_t *bits = realloc(cols[c].bits, (size_t)cap * sizeof *bits);
    if (bits) cols[c].bits = bits;
    if (!cls || !bits) return mg_fail("read_sql: out of memory");
  }
  return 0;
}

/* Keeps row r of column c of the statement's current row. */
static int keep_value(sqlite3_stmt *st, int c, result_column *col, int64_t r) {
  int cls = sqlite3_column_type(st, c);
  double f;
  switch (cls) {
  case SQLITE_INTEGER: col->bits[r] = sqlite3_column_int64(st, c); break;
  case SQLITE_FLOAT:
    f = sqlite3_column_double(st, c);
    memcpy(&col->bits[r], &f, sizeof f);
    break;
  case SQLITE_TEXT: {
    const char *s = (const char *)sqlite3_column_text(st, c);
    if (!s) return mg_fail("read_sql: out of memory");
    int32_t code = mg_dict_intern(col->dict, s, (size_t)sqlite3_column_bytes(st, c));
    if (code < 0) return -1;
    col->bits[r] = code;
    break;
  }
  case SQLITE_NULL: break;
  default:
    return mg_fail("read_sql: column '%s' holds a BLOB at row %lld (a frame holds numbers, "
                   "booleans and strings: cast it in the query)",
                   sqlite3_column_name(st, c), (long long)r + 1);
  }
  col->cls[r] = (uint8_t)cls;
  col->has[cls] = true;
  return 0;
}

/* The type of a column whose values were read: text makes strings, a real number floats,
 * integers int64 (or bool where declared BOOLEAN and all are 0 or 1); the declared type
 * decides a column of NULLs and turns integers stored in a REAL column into float64. */
static mg_coltype choose_type(const result_column *col, int64_t n, const char *decl) {
  int declared = declared_type(decl);
  if (col->has[SQLITE_TEXT]) return MG_COL_STRING;
  if (col->has[SQLITE_FLOAT] || (col->has[SQLITE_INTEGER] && declared == MG_COL_FLOAT64))
    return MG_COL_FLOAT64;
  if (col->has[SQLITE_INTEGER]) {
    if (declared != MG_COL_BOOL) return MG_COL_INT64;
    for (int64_t r = 0; r < n; r++)
      if (col->cls[r] == SQLITE_INTEGER && (uint64_t)col->bits[r] > 1) return MG_COL_INT64;
    return MG_COL_BOOL;
  }
  return declared < 0 ? MG_COL_FLOAT64 : (mg_coltype)declared;
}

/* The column's rows as a frame column of type (a string column formats its numbers). */
static mg_column *finish_column(result_column *col, int64_t n, mg_coltype type) {
  void *data = malloc((size_t)n * (type == MG_COL_BOOL ? 1 : type == MG_COL_STRING ? 4 : 8) + 1);
  uint8_t *valid = malloc((size_t)n + 1);
  if (!data || !valid) {
    free(data);
    free(valid);
    return mg_fail_null("read_sql: out of memory");
  }
  for (int64_t r = 0; r < n; r++) {
    int cls = col->cls[r];
    int64_t v = col->bits[r];
    double f;
    memcpy(&f, &v, sizeof f);
    valid[r] = cls != SQLITE_NULL;
    if (!valid[r]) continue;
    if (type == MG_COL_FLOAT64) ((double *)data)[r] = cls == SQLITE_INTEGER ? (double)v : f;
    else if (type == MG_COL_INT64) ((int64_t *)data)[r] = v;
    else if (type == MG_COL_BOOL) ((uint8_t *)data)[r] = (uint8_t)v;
    else if (cls == SQLITE_TEXT) ((int32_t *)data)[r] = (int32_t)v;
    else {
      char text[32];
      int len = cls == SQLITE_INTEGER ? snprintf(text, sizeof text, "%lld", (long long)v)
                                      : snprintf(text, sizeof text, "%.17g", f);
      int32_t code = mg_dict_intern(col->dict, text, (size_t)len);
      if (code < 0) {
        free(data);
        free(valid);
        return NULL;
      }
      ((int32_t *)data)[r] = code;
    }
  }
  mg_dict *dict = NULL;
  if (type == MG_COL_STRING) {
    dict = col->dict;
    col->dict = NULL;
  }
  return mg_column_adopt(type, n, data, valid, dict);
}

static int bind_params(sqlite3_stmt *st, int nparams, const mg_cell *params) {
  int want = sqlite3_bind_parameter_count(st);
  if (nparams != want)
    return mg_fail("read_sql: the query has %d parameter%s, got %d value%s", want,
                   want == 1 ? "" : "s", nparams, nparams == 1 ? "" : "s");
  for (int k = 0; k < nparams; k++) {
    const mg_cell *p = &params[k];
    int rc = !p->valid                   ? sqlite3_bind_null(st, k + 1)
             : p->type == MG_COL_FLOAT64 ? sqlite3_bind_double(st, k + 1, p->f)
             : p->type == MG_COL_INT64   ? sqlite3_bind_int64(st, k + 1, p->i)
             : p->type == MG_COL_BOOL    ? sqlite3_bind_int(st, k + 1, p->b)
                                         : sqlite3_bind_text64(st, k + 1, p->s, p->len,
                                                               SQLITE_TRANSIENT, SQLITE_UTF8);
    if (rc != SQLITE_OK) return mg_fail("read_sql: parameter %d: %s", k + 1, sqlite3_errstr(rc));
  }
  return 0;
}

/* Steps through every row of st into a new frame. */
static mg_frame *read_rows(sqlite3 *db, sqlite3_stmt *st) {
  int ncols = sqlite3_column_count(st);
  result_column *cols = calloc((size_t)ncols + 1, sizeof *cols);
  mg_frame *f = NULL;
  int64_t n = 0, cap = 0;
  int rc = SQLITE_OK;
  if (!cols) return mg_fail_null("read_sql: out of memory");
  for (int c = 0; c < ncols; c++)
    if (!(cols[c].dict = mg_dict_new())) goto done;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (n == cap && grow(cols, ncols, cap = cap ? 2 * cap : 1024)) goto done;
    for (int c = 0; c < ncols; c++)
      if (keep_value(st, c, &cols[c], n)) goto done;
    n++;
  }
  if (rc != SQLITE_DONE) {
    mg_fail("read_sql: %s", sqlite3_errmsg(db));
    goto done;
  }
  if (!(f = mg_frame_new())) goto done;
  for (int c = 0; c < ncols; c++) {
    mg_coltype type = choose_type(&cols[c], n, sqlite3_column_decltype(st, c));
    mg_column *column = finish_column(&cols[c], n, type);
    if (!column || mg_frame_put(f, "read_sql", sqlite3_column_name(st, c), column)) {
      mg_frame_free(f);
      f = NULL;
      goto done;
    }
  }
done:
  for (int c = 0; c < ncols; c++) {
    free(cols[c].cls);
    free(cols[c].bits);
    mg_dict_release(cols[c].dict);
  }
  free(cols);
  return f;
}

static sqlite3 *open_db(const char *what, const char *path, int flags) {
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2(path, &db, flags, NULL);
  if (rc != SQLITE_OK) {
    mg_fail("%s: cannot open %s: %s", what, path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);
    return NULL;
  }
  sqlite3_busy_timeout(db, 5000); /* another process writing: wait for it, as a user would */
  return db;
}

mg_frame *mg_read_sql(const char *path, const char *query, int nparams, const mg_cell *params) {
  sqlite3 *db = open_db("read_sql", path, SQLITE_OPEN_READONLY);
  if (!db) return NULL;
  sqlite3_stmt *st = NULL;
  const char *rest = NULL;
  mg_frame *f = NULL;
  if (sqlite3_prepare_v2(db, query, -1, &st, &rest) != SQLITE_OK)
    mg_fail("read_sql: %s", sqlite3_errmsg(db));
  else if (!st)
    mg_fail("read_sql: expected an SQL statement, got none");
  else if (rest[strspn(rest, " \t\r\n;")])
    mg_fail("read_sql: expected one SQL statement, got more (from '%.40s')", rest);
  else if (!bind_params(st, nparams, params))
    f = read_rows(db, st);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return f;
}

/* ---- to_sql ---------------------------------------------------------------------------- */

static const char *const sql_types[MG_NUM_COLTYPES] = {"REAL", "INTEGER", "BOOLEAN", "TEXT"};

static int exec(sqlite3 *db, const char *sql) {
  if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return mg_fail("to_sql: %s", sqlite3_errmsg(db));
  return 0;
}

static int table_exists(sqlite3 *db, const char *table, bool *exists) {
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE name = ?1 AND type IN ('table', 'view')",
                              -1, &st, NULL);
  if (rc == SQLITE_OK) rc = sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK) rc = sqlite3_step(st);
  *exists = rc == SQLITE_ROW;
  sqlite3_finalize(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return mg_fail("to_sql: %s", sqlite3_errmsg(db));
  return 0;
}

/* "CREATE TABLE "t" ("a" REAL, ...)" and "INSERT INTO "t" ("a", ...) VALUES (?, ...)"
 * (sqlite3_free them). */
static int statements(const mg_frame *f, const char *table, char **create, char **insert) {
  sqlite3_str *c = sqlite3_str_new(NULL), *i = sqlite3_str_new(NULL);
  sqlite3_str_appendf(c, "CREATE TABLE \"%w\" (", table);
  sqlite3_str_appendf(i, "INSERT INTO \"%w\" (", table);
  int ncols = mg_frame_ncols(f);
  for (int k = 0; k < ncols; k++) {
    const char *sep = k ? ", " : "";
    sqlite3_str_appendf(c, "%s\"%w\" %s", sep, mg_frame_name(f, k), sql_types[mg_frame_type(f, k)]);
    sqlite3_str_appendf(i, "%s\"%w\"", sep, mg_frame_name(f, k));
  }
  sqlite3_str_appendall(c, ")");
  sqlite3_str_appendall(i, ") VALUES (");
  for (int k = 0; k < ncols; k++) sqlite3_str_appendall(i, k ? ", ?" : "?");
  sqlite3_str_appendall(i, ")");
  *create = sqlite3_str_finish(c);
  *insert = sqlite3_str_finish(i);
  if (!*create || !*insert) return mg_fail("to_sql: out of memory");
  return 0;
}

static int insert_rows(sqlite3 *db, const mg_frame *f, const char *insert) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db, insert, -1, &st, NULL) != SQLITE_OK)
    return mg_fail("to_sql: %s", sqlite3_errmsg(db));
  int ncols = mg_frame_ncols(f), rc = SQLITE_DONE;
  int64_t n = mg_frame_nrows(f);
  mg_cell v;
  for (int64_t r = 0; r < n && rc == SQLITE_DONE; r++) {
    for (int k = 0; k < ncols; k++) {
      mg_frame_get(f, k, r, &v);
      if (!v.valid) sqlite3_bind_null(st, k + 1);
      else if (v.type == MG_COL_FLOAT64) sqlite3_bind_double(st, k + 1, v.f);
      else if (v.type == MG_COL_INT64) sqlite3_bind_int64(st, k + 1, v.i);
      else if (v.type == MG_COL_BOOL) sqlite3_bind_int(st, k + 1, v.b);
      else sqlite3_bind_text64(st, k + 1, v.s, v.len, SQLITE_STATIC, SQLITE_UTF8);
    }
    rc = sqlite3_step(st);
    sqlite3_reset(st);
  }
  if (rc != SQLITE_DONE) mg_fail("to_sql: %s", sqlite3_errmsg(db));
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? 0 : -1;
}

/* Writes f as table inside the transaction open on db (path: for errors). */
static int write_table(sqlite3 *db, const char *path, const mg_frame *f, const char *table, mg_if_exists if_exists) {
  if (mg_frame_ncols(f) == 0)
    return mg_fail("to_sql: the frame for table '%s' has no columns (a table needs one)", table);
  char *create = NULL, *insert = NULL;
  bool exists = false;
  int rc = table_exists(db, table, &exists);
  if (!rc && exists && if_exists == MG_IF_EXISTS_FAIL)
    rc = mg_fail("to_sql: table '%s' already exists in %s (if_exists = 'fail'; 'replace' or "
                 "'append' write over or after it)", table, path);
  if (!rc) rc = statements(f, table, &create, &insert);
  if (!rc && exists && if_exists == MG_IF_EXISTS_REPLACE) {
    char *drop = sqlite3_mprintf("DROP TABLE \"%w\"", table);
    rc = drop ? exec(db, drop) : mg_fail("to_sql: out of memory");
    sqlite3_free(drop);
  }
  if (!rc && (!exists || if_exists == MG_IF_EXISTS_REPLACE)) rc = exec(db, create);
  if (!rc) rc = insert_rows(db, f, insert);
  sqlite3_free(create);
  sqlite3_free(insert);
  return rc;
}

int mg_write_sql(const char *path, int n, const mg_frame *const *frames, const char *const *tables,
                 mg_if_exists if_exists) {
  for (int k = 0; k < n; k++)
    for (int j = 0; j < k; j++)
      if (strcmp(tables[j], tables[k]) == 0) return mg_fail("to_sql: table '%s' is named twice", tables[k]);
  sqlite3 *db = open_db("to_sql", path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!db) return -1;
  int rc = exec(db, "BEGIN IMMEDIATE");
  for (int k = 0; !rc && k < n; k++) rc = write_table(db, path, frames[k], tables[k], if_exists);
  if (!rc) rc = exec(db, "COMMIT");
  if (rc) sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL); /* keeps the first error's message */
  sqlite3_close(db);
  return rc;
}
