/* Tensor objects in Lua: creation, shape, views, slicing, copies and conversion. */
#include <math.h>
#include <string.h>

#include "binding.h"

/* ---- creation --------------------------------------------------------------------- */

/* Walks nested tables along first elements to find the shape of mg.tensor{...}. */
static int nested_shape(lua_State *L, int idx, int64_t *size) {
  int ndim = 0;
  lua_pushvalue(L, idx);
  while (lua_istable(L, -1)) {
    if (ndim == MG_MAX_DIMS) luaL_error(L, "tensor: more than %d nested levels", MG_MAX_DIMS);
    size[ndim++] = (int64_t)luaL_len(L, -1);
    if (lua_geti(L, -1, 1) == LUA_TNIL) break;
    lua_remove(L, -2);
  }
  lua_pop(L, 1);
  return ndim;
}

typedef struct {
  mg_tensor *t;
  char *p;
  size_t elsize;
  int ndim;
  const int64_t *size;
  bool any_number;
} fill_state;

/* Copies the nested table at the top of the stack into the tensor, checking it is
 * rectangular; returns false with a message pushed on failure. */
static bool fill_nested(lua_State *L, fill_state *s, int depth) {
  int type = lua_type(L, -1);
  if (depth == s->ndim) {
    if (type == LUA_TNUMBER) {
      s->any_number = true;
      if (s->t->dtype == MG_INT64 && lua_isinteger(L, -1))
        *(int64_t *)s->p = lua_tointeger(L, -1);
      else
        mg_store(s->t->dtype, s->p, lua_tonumber(L, -1));
    } else if (type == LUA_TBOOLEAN) {
      mg_store(s->t->dtype, s->p, lua_toboolean(L, -1));
    } else {
      lua_pushfstring(L, "tensor: expected numbers or booleans, got %s", luaL_typename(L, -1));
      return false;
    }
    s->p += s->elsize;
    return true;
  }
  if (type != LUA_TTABLE || luaL_len(L, -1) != s->size[depth]) {
    lua_pushfstring(L, "tensor: nested tables are not rectangular (level %d should have %d "
                       "elements, got %s)",
                    depth + 1, (int)s->size[depth],
                    type == LUA_TTABLE ? lua_pushfstring(L, "%d", (int)luaL_len(L, -1))
                                       : luaL_typename(L, -1));
    return false;
  }
  for (int64_t i = 1; i <= s->size[depth]; i++) {
    lua_geti(L, -1, i);
    if (!fill_nested(L, s, depth + 1)) return false;
    lua_pop(L, 1);
  }
  return true;
}

/* The first leaf value's type decides the default dtype: booleans give bool. */
static bool first_leaf_is_boolean(lua_State *L, int idx, int ndim) {
  lua_pushvalue(L, idx);
  for (int d = 0; d < ndim; d++) {
    lua_geti(L, -1, 1);
    lua_remove(L, -2);
  }
  bool b = lua_type(L, -1) == LUA_TBOOLEAN;
  lua_pop(L, 1);
  return b;
}

static int l_tensor(lua_State *L) {
  mg_tensor *src = mgL_test(L, 1);
  if (src) { /* a copy, converted when opts says so */
    mg_dtype dtype = mgL_opt_dtype(L, 2, src->dtype);
    return mgL_push_new(L, dtype == src->dtype ? mg_clone(src) : mg_to(src, dtype), 2);
  }
  int type = lua_type(L, 1);
  if (type != LUA_TTABLE && type != LUA_TNUMBER && type != LUA_TBOOLEAN)
    return luaL_typeerror(L, 1, "table, number or boolean");
  int64_t size[MG_MAX_DIMS];
  int ndim = nested_shape(L, 1, size);
  mg_dtype def = first_leaf_is_boolean(L, 1, ndim) ? MG_BOOL : MG_FLOAT32;
  mg_tensor *t = mg_empty(mgL_opt_dtype(L, 2, def), ndim, size);
  if (!t) return mgL_error(L);
  fill_state s = {t, mg_data(t), mg_dtype_size(t->dtype), ndim, size, false};
  lua_pushvalue(L, 1);
  if (!fill_nested(L, &s, 0)) {
    mg_release(t);
    return lua_error(L);
  }
  lua_pop(L, 1);
  return mgL_push_new(L, t, 2);
}

typedef mg_tensor *(*shape_constructor)(mg_dtype, int, const int64_t *);

/* zeros/ones/empty/rand/randn(sizes... or {sizes} [, opts]); the constructor is upvalue 1. */
static int sized(lua_State *L) {
  shape_constructor make = (shape_constructor)lua_touserdata(L, lua_upvalueindex(1));
  int64_t size[MG_MAX_DIMS];
  int ndim = mgL_check_sizes(L, 1, size);
  int opts = lua_istable(L, 1) ? 2 : 1 + ndim;
  if (!lua_isnoneornil(L, opts)) luaL_checktype(L, opts, LUA_TTABLE);
  return mgL_push_new(L, make(mgL_opt_dtype(L, opts, MG_FLOAT32), ndim, size), opts);
}

/* zeros_like/ones_like/empty_like/rand_like/randn_like(t [, opts]): shape and (unless opts
 * says) dtype from t. */
static int like(lua_State *L) {
  shape_constructor make = (shape_constructor)lua_touserdata(L, lua_upvalueindex(1));
  mg_tensor *t = mgL_check(L, 1);
  return mgL_push_new(L, make(mgL_opt_dtype(L, 2, t->dtype), t->ndim, t->size), 2);
}

/* full(sizes, value [, opts]): sizes as a table. */
static int l_full(lua_State *L) {
  int64_t size[MG_MAX_DIMS];
  luaL_checktype(L, 1, LUA_TTABLE);
  int ndim = mgL_check_sizes(L, 1, size);
  double v = lua_isboolean(L, 2) ? lua_toboolean(L, 2) : luaL_checknumber(L, 2);
  mg_dtype def = lua_isboolean(L, 2) ? MG_BOOL : MG_FLOAT32;
  return mgL_push_new(L, mg_full(mgL_opt_dtype(L, 3, def), ndim, size, v), 3);
}

/* randint(low, high, sizes [, opts]) or randint(high, sizes [, opts]): both ends included,
 * as Lua's math.random; int64 unless opts.dtype says otherwise. */
static int l_randint(lua_State *L) {
  int64_t size[MG_MAX_DIMS];
  int two = lua_istable(L, 2);
  lua_Integer low = two ? 1 : luaL_checkinteger(L, 1);
  lua_Integer high = luaL_checkinteger(L, two ? 1 : 2);
  int sizes = two ? 2 : 3;
  luaL_checktype(L, sizes, LUA_TTABLE);
  int ndim = mgL_check_sizes(L, sizes, size);
  return mgL_push(L, mg_randint(low, high, mgL_opt_dtype(L, sizes + 1, MG_INT64), ndim, size));
}

/* arange([start,] end [, step] [, opts]): end excluded, as PyTorch's. Integers give int64. */
static int l_arange(lua_State *L) {
  int n = 0;
  double v[3];
  bool integral = true;
  while (n < 3 && lua_type(L, n + 1) == LUA_TNUMBER) {
    integral = integral && lua_isinteger(L, n + 1);
    v[n] = lua_tonumber(L, n + 1);
    n++;
  }
  if (n == 0) return luaL_typeerror(L, 1, "number");
  double start = n == 1 ? 0 : v[0], end = n == 1 ? v[0] : v[1], step = n == 3 ? v[2] : 1;
  mg_dtype dtype = mgL_opt_dtype(L, n + 1, integral ? MG_INT64 : MG_FLOAT32);
  return mgL_push_new(L, mg_arange(start, end, step, dtype), n + 1);
}

static int l_linspace(lua_State *L) {
  double a = luaL_checknumber(L, 1), b = luaL_checknumber(L, 2);
  lua_Integer steps = luaL_checkinteger(L, 3);
  return mgL_push_new(L, mg_linspace(a, b, steps, mgL_opt_dtype(L, 4, MG_FLOAT32)), 4);
}

static int l_eye(lua_State *L) {
  lua_Integer n = luaL_checkinteger(L, 1);
  int opts = lua_type(L, 2) == LUA_TNUMBER ? 3 : 2;
  lua_Integer m = opts == 3 ? luaL_checkinteger(L, 2) : n;
  if (n < 0 || m < 0) return luaL_error(L, "eye: sizes must be non-negative, got %d x %d", (int)n, (int)m);
  return mgL_push_new(L, mg_eye(n, m, mgL_opt_dtype(L, opts, MG_FLOAT32)), opts);
}

static int l_full_like(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1);
  double v = lua_isboolean(L, 2) ? lua_toboolean(L, 2) : luaL_checknumber(L, 2);
  return mgL_push_new(L, mg_full(mgL_opt_dtype(L, 3, t->dtype), t->ndim, t->size, v), 3);
}
static int l_randint_like(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1);
  lua_Integer low = luaL_checkinteger(L, 2), high = luaL_checkinteger(L, 3);
  return mgL_push(L, mg_randint(low, high, mgL_opt_dtype(L, 4, t->dtype), t->ndim, t->size));
}

static int l_manual_seed(lua_State *L) {
  mg_manual_seed((uint64_t)luaL_checkinteger(L, 1));
  return 0;
}

/* ---- shape and elements ------------------------------------------------------------ */

static void push_shape(lua_State *L, const mg_tensor *t) {
  lua_createtable(L, t->ndim, 0);
  for (int d = 0; d < t->ndim; d++) {
    lua_pushinteger(L, t->size[d]);
    lua_rawseti(L, -2, d + 1);
  }
}

static int l_size(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1);
  if (lua_isnoneornil(L, 2)) {
    push_shape(L, t);
    return 1;
  }
  lua_pushinteger(L, t->size[mgL_check_dim(L, 2, t->ndim)]);
  return 1;
}

static int l_stride(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1);
  if (!lua_isnoneornil(L, 2)) {
    lua_pushinteger(L, t->stride[mgL_check_dim(L, 2, t->ndim)]);
    return 1;
  }
  lua_createtable(L, t->ndim, 0);
  for (int d = 0; d < t->ndim; d++) {
    lua_pushinteger(L, t->stride[d]);
    lua_rawseti(L, -2, d + 1);
  }
  return 1;
}

static int l_dim(lua_State *L) {
  lua_pushinteger(L, mgL_check(L, 1)->ndim);
  return 1;
}

static int l_numel(lua_State *L) {
  lua_pushinteger(L, mg_numel(mgL_check(L, 1)));
  return 1;
}

static int l_len(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1);
  if (t->ndim == 0) return luaL_error(L, "#: a 0-d tensor has no length (use item())");
  lua_pushinteger(L, t->size[0]);
  return 1;
}

static int l_is_contiguous(lua_State *L) {
  lua_pushboolean(L, mg_is_contiguous(mgL_check(L, 1)));
  return 1;
}

static void push_element(lua_State *L, mg_dtype dtype, const void *p) {
  if (dtype == MG_INT64) lua_pushinteger(L, *(const int64_t *)p);
  else if (dtype == MG_BOOL) lua_pushboolean(L, *(const bool *)p);
  else lua_pushnumber(L, mg_load(dtype, p));
}

static int l_item(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1);
  if (mg_numel(t) != 1)
    return luaL_error(L, "item: expected a tensor with one element, got %d elements",
                      (int)mg_numel(t));
  int64_t zero[MG_MAX_DIMS] = {0};
  push_element(L, t->dtype, mg_element(t, zero));
  return 1;
}

static void push_table(lua_State *L, const mg_tensor *t, int d, int64_t *index) {
  if (d == t->ndim) {
    push_element(L, t->dtype, mg_element(t, index));
    return;
  }
  lua_createtable(L, (int)t->size[d], 0);
  for (index[d] = 0; index[d] < t->size[d]; index[d]++) {
    push_table(L, t, d + 1, index);
    lua_rawseti(L, -2, index[d] + 1);
  }
}

static int l_totable(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1);
  int64_t index[MG_MAX_DIMS] = {0};
  luaL_checkstack(L, t->ndim + 4, "totable");
  push_table(L, t, 0, index);
  return 1;
}

/* ---- views ------------------------------------------------------------------------ */

static int64_t check_index(lua_State *L, lua_Integer i, int64_t n, int dim, const char *what,
                           bool end_ok);

/* view/reshape/expand accept -1 among their sizes, which mgL_check_sizes rejects. */
static int signed_sizes(lua_State *L, int arg, int64_t *size, const char *what) {
  int tbl = lua_istable(L, arg);
  int n = tbl ? (int)luaL_len(L, arg) : lua_gettop(L) - arg + 1;
  if (n > MG_MAX_DIMS)
    return luaL_error(L, "%s: at most %d sizes expected, got %d", what, MG_MAX_DIMS, n);
  for (int i = 0; i < n; i++) {
    if (tbl) lua_geti(L, arg, i + 1);
    else lua_pushvalue(L, arg + i);
    int isint;
    size[i] = lua_tointegerx(L, -1, &isint);
    if (!isint) luaL_argerror(L, tbl ? arg : arg + i, "sizes must be integers");
    lua_pop(L, 1);
  }
  return n;
}

static int l_view(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1);
  int64_t size[MG_MAX_DIMS];
  int ndim = signed_sizes(L, 2, size, "view");
  return mgL_push(L, mg_view(t, ndim, size));
}

static int l_reshape(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1);
  int64_t size[MG_MAX_DIMS];
  int ndim = signed_sizes(L, 2, size, "reshape");
  return mgL_push(L, mg_reshape(t, ndim, size));
}

static int l_expand(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1);
  int64_t size[MG_MAX_DIMS];
  mg_tensor *other = mgL_test(L, 2);
  if (other) return mgL_push(L, mg_expand(t, other->ndim, other->size));
  int ndim = signed_sizes(L, 2, size, "expand");
  return mgL_push(L, mg_expand(t, ndim, size));
}

static int l_transpose(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1);
  int d0 = mgL_check_dim(L, 2, t->ndim), d1 = mgL_check_dim(L, 3, t->ndim);
  return mgL_push(L, mg_transpose(t, d0, d1));
}

static int l_t(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1);
  if (t->ndim > 2)
    return luaL_error(L, "t: expected a tensor of at most 2 dimensions, got %d (use transpose)", t->ndim);
  return mgL_push(L, t->ndim < 2 ? mg_retain(t) : mg_transpose(t, 0, 1));
}

static int l_permute(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1);
  int dims[MG_MAX_DIMS], n = lua_istable(L, 2) ? (int)luaL_len(L, 2) : lua_gettop(L) - 1;
  if (n != t->ndim)
    return luaL_error(L, "permute: expected %d dimensions, got %d", t->ndim, n);
  for (int i = 0; i < n; i++) {
    lua_Integer d;
    if (lua_istable(L, 2)) {
      lua_geti(L, 2, i + 1);
      d = luaL_checkinteger(L, -1);
      lua_pop(L, 1);
    } else {
      d = luaL_checkinteger(L, i + 2);
    }
    dims[i] = mgL_dim(L, d, t->ndim, "permute");
  }
  return mgL_push(L, mg_permute(t, dims));
}

/* narrow(dim, start, length) with a 1-based (or negative) start. */
static int l_narrow(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1);
  int dim = mgL_check_dim(L, 2, t->ndim);
  lua_Integer start = luaL_checkinteger(L, 3), length = luaL_checkinteger(L, 4);
  if (t->ndim == 0) return luaL_error(L, "narrow: a 0-d tensor cannot be narrowed");
  return mgL_push(L, mg_narrow(t, dim, check_index(L, start, t->size[dim], dim, "narrow", true), length));
}

static int l_select(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1);
  int dim = mgL_check_dim(L, 2, t->ndim);
  lua_Integer index = luaL_checkinteger(L, 3);
  if (t->ndim == 0) return luaL_error(L, "select: a 0-d tensor has nothing to select");
  return mgL_push(L, mg_select(t, dim, check_index(L, index, t->size[dim], dim, "select", false)));
}

static int l_squeeze(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1);
  if (lua_isnoneornil(L, 2)) return mgL_push(L, mg_squeeze(t, MG_ALL_DIMS));
  return t->ndim == 0 ? mgL_push(L, mg_retain(t)) : mgL_push(L, mg_squeeze(t, mgL_check_dim(L, 2, t->ndim)));
}

static int l_unsqueeze(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1);
  return mgL_push(L, mg_unsqueeze(t, mgL_check_dim(L, 2, t->ndim + 1)));
}

static int l_flatten(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1);
  int start = mgL_opt_dim(L, 2, t->ndim, 0);
  int end = mgL_opt_dim(L, 3, t->ndim, t->ndim > 0 ? t->ndim - 1 : 0);
  return mgL_push(L, mg_flatten(t, start, end));
}

static int l_contiguous(lua_State *L) { return mgL_push(L, mg_contiguous(mgL_check(L, 1))); }
static int l_clone(lua_State *L) { return mgL_push(L, mg_clone(mgL_check(L, 1))); }

static int l_copy_(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1), *src = mgL_check(L, 2);
  if (mg_copy_(t, src)) return mgL_error(L);
  lua_settop(L, 1);
  return 1;
}

static int l_fill_(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1);
  double v = lua_isboolean(L, 2) ? lua_toboolean(L, 2) : luaL_checknumber(L, 2);
  if (mg_fill_(t, v)) return mgL_error(L);
  lua_settop(L, 1);
  return 1;
}

static int l_zero_(lua_State *L) {
  if (mg_fill_(mgL_check(L, 1), 0)) return mgL_error(L);
  lua_settop(L, 1);
  return 1;
}

static int to_dtype(lua_State *L, mg_dtype dtype) { return mgL_push(L, mg_to(mgL_check(L, 1), dtype)); }
static int l_to(lua_State *L) {
  mg_dtype d;
  if (mg_dtype_from_name(luaL_checkstring(L, 2), &d)) return luaL_argerror(L, 2, mg_last_error());
  return to_dtype(L, d);
}
static int l_float(lua_State *L) { return to_dtype(L, MG_FLOAT32); }
static int l_double(lua_State *L) { return to_dtype(L, MG_FLOAT64); }
static int l_long(lua_State *L) { return to_dtype(L, MG_INT64); }
static int l_bool(lua_State *L) { return to_dtype(L, MG_BOOL); }

/* Tensors in a Lua list at arg, borrowed (the list keeps them alive). */
static int check_list(lua_State *L, int arg, mg_tensor **ts, int max) {
  luaL_checktype(L, arg, LUA_TTABLE);
  int n = (int)luaL_len(L, arg);
  if (n > max) return luaL_error(L, "at most %d tensors can be joined at once, got %d", max, n);
  for (int i = 0; i < n; i++) {
    lua_geti(L, arg, i + 1);
    mg_tensor *t = mgL_test(L, -1);
    if (!t) luaL_argerror(L, arg, lua_pushfstring(L, "element %d is not a tensor", i + 1));
    ts[i] = t;
    lua_pop(L, 1);
  }
  return n;
}

#define MAX_JOIN 4096
static int join(lua_State *L, mg_tensor *(*fn)(int, mg_tensor *const *, int), int extra_dim) {
  static mg_tensor *ts[MAX_JOIN];
  int n = check_list(L, 1, ts, MAX_JOIN);
  if (n == 0) return luaL_argerror(L, 1, "expected a non-empty list of tensors");
  int dim = mgL_opt_dim(L, 2, ts[0]->ndim + extra_dim, 0);
  return mgL_push(L, fn(n, ts, dim));
}
static int l_cat(lua_State *L) { return join(L, mg_cat, 0); }
static int l_stack(lua_State *L) { return join(L, mg_stack, 1); }

/* ---- t[i], t[{...}] and assignment through them ----------------------------------- */

/* A Lua index into a dim of size n (1-based, or negative from the end) made 0-based; the
 * error shows the index as the user wrote it. end_ok admits n + 1 (an empty range's start). */
static int64_t check_index(lua_State *L, lua_Integer i, int64_t n, int dim, const char *what,
                           bool end_ok) {
  if (i == 0 || i < -n || i > n + (end_ok ? 1 : 0))
    luaL_error(L, "%s: index %I is out of range for dimension %d of size %I", what, i, dim + 1,
               (lua_Integer)n);
  return i < 0 ? i + n : i - 1;
}

static lua_Integer integer_entry(lua_State *L, int idx) {
  int isint;
  lua_Integer i = lua_tointegerx(L, idx, &isint);
  if (!isint)
    luaL_error(L, "index: expected integer indices, got %s", luaL_tolstring(L, idx, NULL));
  return i;
}

/* Pushes the view t[key] for a number key (select along dim 1) or a Torch7 table key:
 * per dim, a number selects, {} keeps all, {a, b} keeps the inclusive range, {a} one. The
 * view being built lives on the stack, so an error half-way frees it. */
static void push_index_view(lua_State *L, mg_tensor *t, int key) {
  if (lua_type(L, key) == LUA_TNUMBER) {
    if (t->ndim == 0) luaL_error(L, "index: a 0-d tensor cannot be indexed (use item())");
    mgL_push(L, mg_select(t, 0, check_index(L, integer_entry(L, key), t->size[0], 0, "index", false)));
    return;
  }
  lua_Integer entries = luaL_len(L, key);
  mgL_push(L, mg_retain(t));
  int slot = lua_gettop(L), dim = 0;
  for (lua_Integer e = 1; e <= entries; e++) {
    mg_tensor *cur = mgL_check(L, slot), *next = NULL;
    if (dim >= cur->ndim)
      luaL_error(L, "index: too many indices (%I) for a tensor of %d dimensions", entries, t->ndim);
    int64_t n = cur->size[dim];
    int type = lua_geti(L, key, e);
    if (type == LUA_TNUMBER) {
      next = mg_select(cur, dim, check_index(L, integer_entry(L, -1), n, dim, "index", false));
    } else if (type == LUA_TTABLE) {
      lua_Integer len = luaL_len(L, -1), a = 1, b = n;
      if (len >= 1) lua_geti(L, -1, 1), a = integer_entry(L, -1), lua_pop(L, 1);
      if (len >= 2) lua_geti(L, -1, 2), b = integer_entry(L, -1), lua_pop(L, 1);
      else if (len == 1) b = a;
      lua_Integer first = a < 0 ? a + n + 1 : a, last = b < 0 ? b + n + 1 : b;
      if (first < 1 || first > n + 1 || last > n || last < first - 1)
        luaL_error(L, "index: range {%I,%I} is out of bounds for dimension %d of size %I", a, b,
                   dim + 1, (lua_Integer)n);
      next = mg_narrow(cur, dim, first - 1, last - first + 1);
      dim++;
    } else {
      luaL_error(L, "index: expected a number or a table in the index, got %s", luaL_typename(L, -1));
    }
    lua_pop(L, 1);
    mgL_push(L, next);
    lua_replace(L, slot);
  }
}

static int l_index(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1);
  int type = lua_type(L, 2);
  if (type == LUA_TSTRING) {
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) return 1;
    const char *k = lua_tostring(L, 2);
    if (strcmp(k, "shape") == 0) push_shape(L, t);
    else if (strcmp(k, "dtype") == 0) lua_pushstring(L, mg_dtype_name(t->dtype));
    else if (strcmp(k, "ndim") == 0) lua_pushinteger(L, t->ndim);
    else if (strcmp(k, "requires_grad") == 0) lua_pushboolean(L, t->requires_grad);
    else if (strcmp(k, "grad") == 0) mg_grad(t) ? mgL_push(L, mg_retain(mg_grad(t))) : lua_pushnil(L);
    else if (strcmp(k, "grad_fn") == 0) lua_pushstring(L, mg_grad_fn_name(t));
    else if (strcmp(k, "is_leaf") == 0) lua_pushboolean(L, t->grad_fn == NULL);
    else lua_pushnil(L);
    return 1;
  }
  if (type != LUA_TNUMBER && type != LUA_TTABLE)
    return luaL_error(L, "index: expected a number, a table or a method name, got %s",
                      luaL_typename(L, 2));
  push_index_view(L, t, 2);
  return 1;
}

/* t.grad = tensor or nil; t.requires_grad = boolean; t[index] = tensor or number. */
static int l_newindex(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1);
  int type = lua_type(L, 2);
  const char *field = type == LUA_TSTRING ? lua_tostring(L, 2) : "";
  if (strcmp(field, "grad") == 0) {
    mg_tensor *grad = lua_isnil(L, 3) ? NULL : mgL_test(L, 3);
    if (!grad && !lua_isnil(L, 3))
      return luaL_error(L, "grad: expected a tensor or nil, got %s", luaL_typename(L, 3));
    return mg_set_grad(t, grad) ? mgL_error(L) : 0;
  }
  if (strcmp(field, "requires_grad") == 0) {
    luaL_checktype(L, 3, LUA_TBOOLEAN);
    return mg_set_requires_grad(t, lua_toboolean(L, 3)) ? mgL_error(L) : 0;
  }
  if (type != LUA_TNUMBER && type != LUA_TTABLE)
    return luaL_error(L, "tensor fields cannot be set (got key %s)", luaL_tolstring(L, 2, NULL));
  mg_tensor *src = mgL_test(L, 3);
  if (!src && lua_type(L, 3) != LUA_TNUMBER && lua_type(L, 3) != LUA_TBOOLEAN)
    return luaL_error(L, "index assignment: expected a tensor or a number, got %s",
                      luaL_typename(L, 3));
  push_index_view(L, t, 2);
  mg_tensor *v = mgL_check(L, -1);
  int rc = src ? mg_copy_(v, src)
               : mg_fill_(v, lua_isboolean(L, 3) ? lua_toboolean(L, 3) : lua_tonumber(L, 3));
  return rc ? mgL_error(L) : 0;
}

static int l_gc(lua_State *L) {
  mg_tensor **box = luaL_checkudata(L, 1, MGL_TENSOR);
  mg_release(*box);
  *box = NULL;
  return 0;
}

void mgL_open_tensor(lua_State *L, int methods, int module) {
  static const luaL_Reg functions[] = {
      {"tensor", l_tensor}, {"full", l_full}, {"randint", l_randint}, {"arange", l_arange},
      {"linspace", l_linspace}, {"eye", l_eye}, {"full_like", l_full_like},
      {"randint_like", l_randint_like}, {"manual_seed", l_manual_seed}, {"cat", l_cat},
      {"stack", l_stack}, {NULL, NULL}};
  static const luaL_Reg meths[] = {
      {"size", l_size}, {"stride", l_stride}, {"dim", l_dim}, {"numel", l_numel},
      {"nelement", l_numel}, {"is_contiguous", l_is_contiguous}, {"item", l_item},
      {"totable", l_totable}, {"view", l_view}, {"reshape", l_reshape},
      {"expand", l_expand}, {"transpose", l_transpose}, {"t", l_t}, {"permute", l_permute},
      {"narrow", l_narrow}, {"select", l_select}, {"squeeze", l_squeeze},
      {"unsqueeze", l_unsqueeze}, {"flatten", l_flatten}, {"contiguous", l_contiguous},
      {"clone", l_clone}, {"copy_", l_copy_}, {"fill_", l_fill_}, {"zero_", l_zero_},
      {"to", l_to}, {"float", l_float}, {"double", l_double}, {"long", l_long},
      {"bool", l_bool}, {NULL, NULL}};
  static const struct {
    const char *name, *like_name;
    shape_constructor make;
  } constructors[] = {{"zeros", "zeros_like", mg_zeros}, {"ones", "ones_like", mg_ones},
                      {"empty", "empty_like", mg_empty}, {"rand", "rand_like", mg_rand},
                      {"randn", "randn_like", mg_randn}};
  for (size_t i = 0; i < sizeof constructors / sizeof *constructors; i++) {
    lua_pushlightuserdata(L, (void *)constructors[i].make);
    lua_pushcclosure(L, sized, 1);
    lua_setfield(L, module, constructors[i].name);
    lua_pushlightuserdata(L, (void *)constructors[i].make);
    lua_pushcclosure(L, like, 1);
    lua_setfield(L, module, constructors[i].like_name);
  }
  lua_pushvalue(L, module);
  luaL_setfuncs(L, functions, 0);
  lua_pop(L, 1);
  lua_pushvalue(L, methods);
  luaL_setfuncs(L, meths, 0);
  lua_pop(L, 1);
  /* The metatable itself: __index looks methods up first (its upvalue). */
  luaL_getmetatable(L, MGL_TENSOR);
  lua_pushvalue(L, methods);
  lua_pushcclosure(L, l_index, 1);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, l_newindex);
  lua_setfield(L, -2, "__newindex");
  lua_pushcfunction(L, l_len);
  lua_setfield(L, -2, "__len");
  lua_pushcfunction(L, l_gc);
  lua_setfield(L, -2, "__gc");
  lua_pop(L, 1);
}
