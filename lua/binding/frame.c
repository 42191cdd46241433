/* Frames in Lua: the private table core._frame of functions on frame userdata, which
 * moongrad/frame.lua wraps as mg.data.Frame, read_csv and the Frame methods. Arguments
 * arrive checked and resolved there (column names turned into 1-based indices, options
 * into plain values); errors from core are raised as they come, naming the operation. */
#include <stdlib.h>
#include <string.h>

#include "binding.h"

mg_frame *mgL_check_frame(lua_State *L, int arg) {
  mg_frame **box = luaL_checkudata(L, arg, MGL_FRAME);
  if (!*box) luaL_argerror(L, arg, "frame already freed");
  return *box;
}

int mgL_push_frame(lua_State *L, mg_frame *f, bool fresh) {
  if (!f) return mgL_error(L);
  mg_frame **box = lua_newuserdatauv(L, sizeof *box, 0);
  *box = f;
  luaL_setmetatable(L, MGL_FRAME);
  int64_t kb = mg_frame_nbytes(f) >> 10;
  if (fresh && kb >= 256) lua_gc(L, LUA_GCSTEP, kb > 1 << 30 ? 1 << 30 : (int)kb);
  return 1;
}

static int l_gc(lua_State *L) {
  mg_frame **box = luaL_checkudata(L, 1, MGL_FRAME);
  mg_frame_free(*box);
  *box = NULL;
  return 0;
}

/* The 1-based column indices in the list at arg, as 0-based ones (a new array: free it). */
static int *check_cols(lua_State *L, int arg, const mg_frame *f, int *n) {
  luaL_checktype(L, arg, LUA_TTABLE);
  *n = (int)luaL_len(L, arg);
  int *cols = lua_newuserdatauv(L, (size_t)*n * sizeof *cols + 1, 0); /* left on the stack */
  for (int k = 0; k < *n; k++) {
    lua_geti(L, arg, k + 1);
    lua_Integer c = lua_tointeger(L, -1);
    lua_pop(L, 1);
    if (c < 1 || c > mg_frame_ncols(f)) luaL_argerror(L, arg, "column index out of range");
    cols[k] = (int)c - 1;
  }
  return cols;
}

static int l_new(lua_State *L) { return mgL_push_frame(L, mg_frame_new(), false); }
static int l_copy(lua_State *L) { return mgL_push_frame(L, mg_frame_copy(mgL_check_frame(L, 1)), false); }

static int l_nrows(lua_State *L) {
  lua_pushinteger(L, mg_frame_nrows(mgL_check_frame(L, 1)));
  return 1;
}

static int l_nbytes(lua_State *L) {
  lua_pushinteger(L, mg_frame_nbytes(mgL_check_frame(L, 1)));
  return 1;
}

/* names(f) -> {names...}, {types...} */
static int l_names(lua_State *L) {
  mg_frame *f = mgL_check_frame(L, 1);
  int n = mg_frame_ncols(f);
  lua_createtable(L, n, 0);
  lua_createtable(L, n, 0);
  for (int k = 0; k < n; k++) {
    lua_pushstring(L, mg_frame_name(f, k));
    lua_seti(L, -3, k + 1);
    lua_pushstring(L, mg_coltype_name(mg_frame_type(f, k)));
    lua_seti(L, -2, k + 1);
  }
  return 2;
}

/* find(f, name) -> 1-based index or nil */
static int l_find(lua_State *L) {
  int k = mg_frame_find(mgL_check_frame(L, 1), luaL_checkstring(L, 2));
  if (k < 0) return 0;
  lua_pushinteger(L, k + 1);
  return 1;
}

static int l_missing(lua_State *L) {
  mg_frame *f = mgL_check_frame(L, 1);
  lua_pushinteger(L, mg_frame_missing(f, (int)luaL_checkinteger(L, 2) - 1));
  return 1;
}

static void push_cell(lua_State *L, const mg_cell *c) {
  if (!c->valid) lua_pushnil(L);
  else if (c->type == MG_COL_FLOAT64) lua_pushnumber(L, c->f);
  else if (c->type == MG_COL_INT64) lua_pushinteger(L, c->i);
  else if (c->type == MG_COL_BOOL) lua_pushboolean(L, c->b);
  else lua_pushlstring(L, c->s, c->len);
}

/* get(f, row, col) -> value or nil (both 1-based, checked by the caller) */
static int l_get(lua_State *L) {
  mg_frame *f = mgL_check_frame(L, 1);
  mg_cell cell;
  mg_frame_get(f, (int)luaL_checkinteger(L, 3) - 1, luaL_checkinteger(L, 2) - 1, &cell);
  push_cell(L, &cell);
  return 1;
}

/* values(f, col) -> {values...} (nil for missing ones) */
static int l_values(lua_State *L) {
  mg_frame *f = mgL_check_frame(L, 1);
  int col = (int)luaL_checkinteger(L, 2) - 1;
  int64_t n = mg_frame_nrows(f);
  lua_createtable(L, n < INT32_MAX ? (int)n : 0, 1);
  mg_cell cell;
  for (int64_t r = 0; r < n; r++) {
    mg_frame_get(f, col, r, &cell);
    push_cell(L, &cell);
    lua_seti(L, -2, r + 1);
  }
  lua_pushinteger(L, n);
  lua_setfield(L, -2, "n");
  return 1;
}

/* The type a Lua value gives a column; -1 for a missing value (nil or the NA sentinel at
 * stack index na). */
static int value_type(lua_State *L, int idx, int na) {
  switch (lua_type(L, idx)) {
  case LUA_TNIL: return -1;
  case LUA_TNUMBER: return lua_isinteger(L, idx) ? MG_COL_INT64 : MG_COL_FLOAT64;
  case LUA_TBOOLEAN: return MG_COL_BOOL;
  case LUA_TSTRING: return MG_COL_STRING;
  default: return lua_rawequal(L, idx, na) ? -1 : MG_NUM_COLTYPES;
  }
}

/* The cell the Lua value at idx gives (not valid for nil or the NA sentinel at na; a number
 * fills both i and f); false when the value cannot be a cell. A string cell borrows the
 * value's bytes, which must stay on the stack or in a table while it is used. */
static bool to_cell(lua_State *L, int idx, int na, mg_cell *cell) {
  int type = value_type(L, idx, na);
  *cell = (mg_cell){.type = type < 0 ? MG_COL_FLOAT64 : (mg_coltype)type, .valid = type >= 0};
  if (type == MG_COL_FLOAT64 || type == MG_COL_INT64) cell->i = lua_tointeger(L, idx), cell->f = lua_tonumber(L, idx);
  else if (type == MG_COL_BOOL) cell->b = lua_toboolean(L, idx);
  else if (type == MG_COL_STRING) cell->s = lua_tolstring(L, idx, &cell->len);
  return type != MG_NUM_COLTYPES;
}

/* The column type of the values t[1..n]: integers alone give int64, numbers float64. what
 * names the caller in errors. */
static mg_coltype table_type(lua_State *L, int t, int64_t n, int na, const char *name,
                             const char *what) {
  int type = -1;
  for (int64_t i = 1; i <= n; i++) {
    lua_geti(L, t, i);
    int v = value_type(L, -1, na);
    if (v == MG_NUM_COLTYPES)
      luaL_error(L, "%s: column '%s' holds a %s at row %I (expected numbers, booleans, "
                 "strings, nil or mg.data.NA)", what, name, luaL_typename(L, -1), (lua_Integer)i);
    lua_pop(L, 1);
    if (v < 0 || v == type) continue;
    if (type < 0 || (type == MG_COL_INT64 && v == MG_COL_FLOAT64)) type = v;
    else if (!(type == MG_COL_FLOAT64 && v == MG_COL_INT64))
      luaL_error(L, "%s: column '%s' mixes %ss and %ss (row %I)", what, name,
                 type == MG_COL_STRING ? "string" : type == MG_COL_BOOL ? "boolean" : "number",
                 v == MG_COL_STRING ? "string" : v == MG_COL_BOOL ? "boolean" : "number",
                 (lua_Integer)i);
  }
  return type < 0 ? MG_COL_FLOAT64 : (mg_coltype)type;
}

/* set_column(f, name, t, n, NA, what): column name from the Lua values t[1..n]; what names
 * the caller in errors. */
static int l_set_column(lua_State *L) {
  lua_settop(L, 6); /* the buffers below are pushed above the arguments */
  mg_frame *f = mgL_check_frame(L, 1);
  const char *name = luaL_checkstring(L, 2);
  luaL_checktype(L, 3, LUA_TTABLE);
  lua_Integer n = luaL_checkinteger(L, 4);
  const char *what = luaL_checkstring(L, 6);
  const size_t most = sizeof(char *) + sizeof(size_t) + 1; /* bytes a row needs at most */
  if (n < 0 || (uint64_t)n > (SIZE_MAX - 1) / most)
    return luaL_error(L, "%s: column '%s' cannot have %I values", what, name, n);
  /* Allocated before the values are read, so that an n too large for memory fails at once
   * rather than after reading n values. Left on the stack. */
  char *buf = lua_newuserdatauv(L, (size_t)n * most + 1, 0);
  mg_coltype type = table_type(L, 3, n, 5, name, what);
  size_t es = type == MG_COL_STRING ? sizeof(char *) + sizeof(size_t) : 8;
  bool *valid = (bool *)(buf + (size_t)n * es);
  const char **s = (const char **)buf;
  size_t *len = (size_t *)(buf + (size_t)n * sizeof(char *));
  /* A string t's __index made lives only while something holds it: the strings are kept in
   * a table of their own until core has copied them. */
  lua_createtable(L, type == MG_COL_STRING && n < INT32_MAX ? (int)n : 0, 0);
  int strings = lua_gettop(L);
  for (lua_Integer i = 0; i < n; i++) {
    lua_geti(L, 3, i + 1);
    valid[i] = value_type(L, -1, 5) >= 0;
    if (type == MG_COL_FLOAT64) ((double *)buf)[i] = valid[i] ? lua_tonumber(L, -1) : 0;
    else if (type == MG_COL_INT64) ((int64_t *)buf)[i] = valid[i] ? lua_tointeger(L, -1) : 0;
    else if (type == MG_COL_BOOL) ((bool *)buf)[i] = valid[i] && lua_toboolean(L, -1);
    else if ((s[i] = valid[i] ? lua_tolstring(L, -1, &len[i]) : NULL)) {
      lua_rawseti(L, strings, i + 1);
      continue;
    }
    lua_pop(L, 1);
  }
  int rc = type == MG_COL_FLOAT64 ? mg_frame_set_float64(f, name, n, (double *)buf, valid)
           : type == MG_COL_INT64 ? mg_frame_set_int64(f, name, n, (int64_t *)buf, valid)
           : type == MG_COL_BOOL  ? mg_frame_set_bool(f, name, n, (bool *)buf, valid)
                                  : mg_frame_set_string(f, name, n, s, len);
  return rc ? mgL_error(L) : 0;
}

/* set_tensor(f, name, t) */
static int l_set_tensor(lua_State *L) {
  if (mg_frame_set_tensor(mgL_check_frame(L, 1), luaL_checkstring(L, 2), mgL_check(L, 3)))
    return mgL_error(L);
  return 0;
}

/* select(f, cols [, names]) */
static int l_select(lua_State *L) {
  lua_settop(L, 3); /* the checks below push temporaries */
  mg_frame *f = mgL_check_frame(L, 1);
  int n;
  int *cols = check_cols(L, 2, f, &n);
  const char **names = NULL;
  if (!lua_isnoneornil(L, 3)) {
    names = lua_newuserdatauv(L, (size_t)n * sizeof *names + 1, 0);
    for (int k = 0; k < n; k++) {
      lua_geti(L, 3, k + 1);
      names[k] = lua_tostring(L, -1); /* kept alive by the table at 3 */
      lua_pop(L, 1);
    }
  }
  return mgL_push_frame(L, mg_frame_select(f, n, cols, names), false);
}

/* take(f, index): index an int64 tensor of 1-based rows */
static int l_take(lua_State *L) {
  mg_frame *f = mgL_check_frame(L, 1);
  mg_tensor *index = mgL_check_index(L, 2, "take", mg_frame_nrows(f));
  mg_tensor *flat = mg_contiguous(index);
  mg_release(index);
  if (!flat) return mgL_error(L);
  mg_frame *out = mg_frame_take(f, mg_numel(flat), mg_data(flat));
  mg_release(flat);
  return mgL_push_frame(L, out, true);
}

/* slice(f, start, length): start 1-based */
static int l_slice(lua_State *L) {
  mg_frame *f = mgL_check_frame(L, 1);
  return mgL_push_frame(L, mg_frame_slice(f, luaL_checkinteger(L, 2) - 1, luaL_checkinteger(L, 3)), true);
}

static int l_filter(lua_State *L) {
  return mgL_push_frame(L, mg_frame_filter(mgL_check_frame(L, 1), mgL_check(L, 2)), true);
}

/* column(f, col [, fill]) -> tensor */
static int l_column(lua_State *L) {
  mg_frame *f = mgL_check_frame(L, 1);
  double fill = lua_isboolean(L, 3) ? lua_toboolean(L, 3) : luaL_optnumber(L, 3, 0);
  return mgL_push(L, mg_frame_column(f, (int)luaL_checkinteger(L, 2) - 1,
                                     lua_isnoneornil(L, 3) ? NULL : &fill));
}

/* to_tensor(f, cols, dtype) -> tensor */
static int l_to_tensor(lua_State *L) {
  lua_settop(L, 3); /* the checks below push temporaries */
  mg_frame *f = mgL_check_frame(L, 1);
  int n;
  int *cols = check_cols(L, 2, f, &n);
  mg_dtype dtype;
  if (mg_dtype_from_name(luaL_checkstring(L, 3), &dtype)) return mgL_error(L);
  return mgL_push(L, mg_frame_to_tensor(f, n, cols, dtype));
}

/* dropna(f, cols, all) */
static int l_dropna(lua_State *L) {
  lua_settop(L, 3); /* the checks below push temporaries */
  mg_frame *f = mgL_check_frame(L, 1);
  int n;
  int *cols = check_cols(L, 2, f, &n);
  return mgL_push_frame(L, mg_frame_dropna(f, n, cols, lua_toboolean(L, 3)), true);
}

/* fillna_(f, col, how [, value]): how 'value', 'ffill', 'mean' or 'median'; in place */
static int l_fillna_(lua_State *L) {
  static const char *const hows[] = {"value", "ffill", "mean", "median", NULL};
  mg_frame *f = mgL_check_frame(L, 1);
  int col = (int)luaL_checkinteger(L, 2) - 1;
  mg_fill how = (mg_fill)luaL_checkoption(L, 3, NULL, hows);
  mg_cell value;
  if ((!to_cell(L, 4, 0, &value) || !value.valid) && how == MG_FILL_VALUE)
    return luaL_typeerror(L, 4, "number, boolean or string");
  return mg_frame_fillna_(f, col, how, &value) ? mgL_error(L) : 0;
}

/* drop_duplicates(f, cols, keep_last) */
static int l_drop_duplicates(lua_State *L) {
  lua_settop(L, 3); /* the checks below push temporaries */
  mg_frame *f = mgL_check_frame(L, 1);
  int n;
  int *cols = check_cols(L, 2, f, &n);
  return mgL_push_frame(L, mg_frame_drop_duplicates(f, n, cols, lua_toboolean(L, 3)), true);
}

/* sort(f, cols, descending): descending a list of booleans, one per column */
static int l_sort(lua_State *L) {
  lua_settop(L, 3); /* the checks below push temporaries */
  mg_frame *f = mgL_check_frame(L, 1);
  int n;
  int *cols = check_cols(L, 2, f, &n);
  bool *desc = lua_newuserdatauv(L, (size_t)n + 1, 0);
  for (int k = 0; k < n; k++) {
    lua_geti(L, 3, k + 1);
    desc[k] = lua_toboolean(L, -1);
    lua_pop(L, 1);
  }
  return mgL_push_frame(L, mg_frame_sort(f, n, cols, desc), true);
}

/* groupby(f, keys, aggs, sort, keep_na): aggs a list of {col, aggregation, name} */
static int l_groupby(lua_State *L) {
  lua_settop(L, 5); /* the checks below push temporaries */
  mg_frame *f = mgL_check_frame(L, 1);
  int nkeys;
  int *keys = check_cols(L, 2, f, &nkeys);
  luaL_checktype(L, 3, LUA_TTABLE);
  int naggs = (int)luaL_len(L, 3);
  mg_agg_spec *aggs = lua_newuserdatauv(L, (size_t)naggs * sizeof *aggs + 1, 0);
  for (int a = 0; a < naggs; a++) {
    lua_geti(L, 3, a + 1);
    lua_geti(L, -1, 1);
    lua_geti(L, -2, 2);
    lua_geti(L, -3, 3);
    aggs[a].col = (int)lua_tointeger(L, -3) - 1;
    if (mg_agg_from_name(luaL_checkstring(L, -2), &aggs[a].agg)) return mgL_error(L);
    aggs[a].name = luaL_checkstring(L, -1); /* kept alive by the table at 3 */
    lua_pop(L, 4);
  }
  return mgL_push_frame(L, mg_frame_groupby(f, nkeys, keys, naggs, aggs, lua_toboolean(L, 4),
                                        lua_toboolean(L, 5)), true);
}

/* group_ids(f, keys, sort, keep_na, cumcount) -> int64 tensor, number of groups */
static int l_group_ids(lua_State *L) {
  lua_settop(L, 5); /* the checks below push temporaries */
  mg_frame *f = mgL_check_frame(L, 1);
  int nkeys;
  int *keys = check_cols(L, 2, f, &nkeys);
  int64_t ngroups = 0;
  mgL_push(L, mg_frame_group_ids(f, nkeys, keys, lua_toboolean(L, 3), lua_toboolean(L, 4),
                                 lua_toboolean(L, 5), &ngroups));
  lua_pushinteger(L, ngroups);
  return 2;
}

/* hash(f, col, seed): col 1-based */
static int l_hash(lua_State *L) {
  mg_frame *f = mgL_check_frame(L, 1);
  return mgL_push(L, mg_frame_hash(f, (int)luaL_checkinteger(L, 2) - 1, (uint32_t)luaL_checkinteger(L, 3)));
}

/* concat({frames}) */
static int l_concat(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  int n = (int)luaL_len(L, 1);
  const mg_frame **frames = lua_newuserdatauv(L, (size_t)n * sizeof *frames + 1, 0);
  for (int k = 0; k < n; k++) {
    lua_geti(L, 1, k + 1);
    frames[k] = mgL_check_frame(L, -1); /* kept alive by the table at 1 */
    lua_pop(L, 1);
  }
  return mgL_push_frame(L, mg_frame_concat(n, frames), true);
}

/* to_seconds(f, col, format or nil): col 1-based */
static int l_to_seconds(lua_State *L) {
  mg_frame *f = mgL_check_frame(L, 1);
  return mgL_push(L, mg_frame_to_seconds(f, (int)luaL_checkinteger(L, 2) - 1, luaL_optstring(L, 3, NULL)));
}

/* match(f, col, values, vcol): 1-based columns */
static int l_match(lua_State *L) {
  mg_frame *f = mgL_check_frame(L, 1), *values = mgL_check_frame(L, 3);
  return mgL_push(L, mg_frame_match(f, (int)luaL_checkinteger(L, 2) - 1, values,
                                        (int)luaL_checkinteger(L, 4) - 1));
}

/* join(left, right, left_keys, right_keys, how, suffix_left, suffix_right) */
static int l_join(lua_State *L) {
  lua_settop(L, 7); /* the checks below push temporaries */
  mg_frame *left = mgL_check_frame(L, 1), *right = mgL_check_frame(L, 2);
  int nl, nr;
  int *lk = check_cols(L, 3, left, &nl), *rk = check_cols(L, 4, right, &nr);
  if (nl != nr) return luaL_error(L, "join: %d left keys but %d right keys", nl, nr);
  mg_join how = strcmp(luaL_checkstring(L, 5), "left") == 0 ? MG_JOIN_LEFT : MG_JOIN_INNER;
  const char *suffixes[2] = {luaL_checkstring(L, 6), luaL_checkstring(L, 7)};
  return mgL_push_frame(L, mg_frame_join(left, right, nl, lk, rk, how, suffixes), true);
}

/* The strings of the list at index idx (NULL when nil): pointers into Lua strings, which
 * the list keeps alive. */
static const char **string_list(lua_State *L, int idx, int *n) {
  if (lua_isnil(L, idx)) return NULL;
  *n = (int)luaL_len(L, idx);
  const char **v = lua_newuserdatauv(L, (size_t)*n * sizeof *v + 1, 0); /* left on the stack */
  for (int k = 0; k < *n; k++) {
    lua_geti(L, idx, k + 1);
    v[k] = lua_tostring(L, -1);
    lua_pop(L, 1);
  }
  return v;
}

/* read_csv(path, {delimiter, quote, header, skip, names, na_values, schema_names,
 * schema_types}) -> frame, skipped, first bad line (or nil). The options come checked. */
static int l_read_csv(lua_State *L) {
  lua_settop(L, 2); /* the checks below push temporaries */
  const char *path = luaL_checkstring(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  mg_csv_options o;
  mg_csv_default_options(&o);
  lua_getfield(L, 2, "delimiter");
  lua_getfield(L, 2, "quote");
  lua_getfield(L, 2, "header");
  lua_getfield(L, 2, "skip");
  o.delimiter = *luaL_checkstring(L, -4);
  o.quote = *luaL_checkstring(L, -3);
  o.header = lua_toboolean(L, -2);
  o.skip_bad_lines = lua_toboolean(L, -1);
  lua_getfield(L, 2, "names");
  lua_getfield(L, 2, "na_values");
  lua_getfield(L, 2, "schema_names");
  lua_getfield(L, 2, "schema_types");
  int top = lua_gettop(L), ntypes = 0;
  o.names = string_list(L, top - 3, &o.nnames);
  o.na_values = string_list(L, top - 2, &o.nna);
  o.schema_names = string_list(L, top - 1, &o.nschema);
  const char **types = string_list(L, top, &ntypes);
  mg_coltype *schema_types = lua_newuserdatauv(L, (size_t)ntypes * sizeof *schema_types + 1, 0);
  for (int k = 0; k < ntypes; k++)
    if (mg_coltype_from_name(types[k], &schema_types[k])) return mgL_error(L);
  o.schema_types = schema_types;
  mg_csv_report report;
  mgL_push_frame(L, mg_read_csv(path, &o, &report), true);
  lua_pushinteger(L, report.skipped);
  if (report.skipped) lua_pushstring(L, report.first_bad);
  else lua_pushnil(L);
  return 3;
}

/* write_csv(f, path, delimiter) */
static int l_write_csv(lua_State *L) {
  mg_frame *f = mgL_check_frame(L, 1);
  if (mg_write_csv(f, luaL_checkstring(L, 2), *luaL_checkstring(L, 3))) return mgL_error(L);
  return 0;
}

/* read_sql(path, query, params, n, NA): params[1..n] bound in order (nil or NA: NULL) */
static int l_read_sql(lua_State *L) {
  const char *path = luaL_checkstring(L, 1), *query = luaL_checkstring(L, 2);
  luaL_checktype(L, 3, LUA_TTABLE);
  int n = (int)luaL_checkinteger(L, 4);
  mg_cell *params = lua_newuserdatauv(L, (size_t)n * sizeof *params + 1, 0);
  for (int k = 0; k < n; k++) {
    lua_geti(L, 3, k + 1); /* strings stay alive in params */
    if (!to_cell(L, -1, 5, &params[k]))
      return luaL_error(L, "read_sql: parameter %d is a %s (expected a number, boolean, string, "
                        "nil or mg.data.NA)", k + 1, luaL_typename(L, -1));
    lua_pop(L, 1);
  }
  return mgL_push_frame(L, mg_read_sql(path, query, n, params), true);
}

/* to_sql(path, {frames}, {tables}, if_exists) with if_exists 'fail', 'replace' or 'append' */
static int l_to_sql(lua_State *L) {
  static const char *const modes[] = {"fail", "replace", "append", NULL};
  const char *path = luaL_checkstring(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  luaL_checktype(L, 3, LUA_TTABLE);
  mg_if_exists how = (mg_if_exists)luaL_checkoption(L, 4, NULL, modes);
  int n = (int)luaL_len(L, 2);
  const mg_frame **frames = lua_newuserdatauv(L, (size_t)n * sizeof *frames + 1, 0);
  const char **tables = lua_newuserdatauv(L, (size_t)n * sizeof *tables + 1, 0);
  for (int k = 0; k < n; k++) { /* both kept alive by the tables at 2 and 3 */
    lua_geti(L, 2, k + 1);
    frames[k] = mgL_check_frame(L, -1);
    lua_geti(L, 3, k + 1);
    tables[k] = luaL_checkstring(L, -1);
    lua_pop(L, 2);
  }
  if (mg_write_sql(path, n, frames, tables, how)) return mgL_error(L);
  return 0;
}

void mgL_open_frame(lua_State *L, int methods, int module) {
  static const luaL_Reg fns[] = {
      {"new", l_new}, {"copy", l_copy}, {"nrows", l_nrows}, {"nbytes", l_nbytes},
      {"names", l_names}, {"find", l_find}, {"missing", l_missing}, {"get", l_get},
      {"values", l_values}, {"set_column", l_set_column}, {"set_tensor", l_set_tensor},
      {"select", l_select}, {"take", l_take}, {"slice", l_slice}, {"filter", l_filter},
      {"column", l_column}, {"to_tensor", l_to_tensor}, {"dropna", l_dropna},
      {"fillna_", l_fillna_}, {"drop_duplicates", l_drop_duplicates}, {"sort", l_sort},
      {"groupby", l_groupby}, {"join", l_join}, {"match", l_match},
      {"group_ids", l_group_ids}, {"hash", l_hash}, {"to_seconds", l_to_seconds},
      {"concat", l_concat}, {"read_csv", l_read_csv},
      {"write_csv", l_write_csv}, {"read_sql", l_read_sql}, {"to_sql", l_to_sql},
      {NULL, NULL}};
  luaL_newmetatable(L, MGL_FRAME);
  lua_pushcfunction(L, l_gc);
  lua_setfield(L, -2, "__gc");
  lua_pop(L, 1);
  luaL_newlib(L, fns);
  lua_setfield(L, module, "_frame");
}
