/* Indexing in Lua: t:index_select(dim, idx), t:gather(dim, idx), t:scatter_add(_)(dim, idx,
 * src), t:index_add_(dim, idx, src), t:masked_fill(_)(mask, value), t:nonzero() and
 * idx:one_hot([num_classes]). Dims and indices are 1-based here; mgL_check_index shifts an
 * index tensor to core's 0-based one in a new tensor, so every other argument is checked
 * before it (a Lua error after it would leak it). */
#include "binding.h"

/* t:index_select(dim, idx) and t:gather(dim, idx). */
typedef mg_tensor *(*take_fn)(const mg_tensor *, int, const mg_tensor *);

static int take(lua_State *L, const char *what, take_fn fn) {
  mg_tensor *t = mgL_check(L, 1);
  int dim = mgL_check_dim(L, 2, t->ndim);
  mg_tensor *idx = mgL_check_index(L, 3, what, t->ndim ? t->size[dim] : -1);
  mg_tensor *out = fn(t, dim, idx);
  mg_release(idx);
  return mgL_push(L, out);
}

static int l_index_select(lua_State *L) { return take(L, "index_select", mg_index_select); }
static int l_gather(lua_State *L) { return take(L, "gather", mg_gather); }

/* t:scatter_add(dim, idx, src): a copy of t with src added at idx along dim; scatter_add_
 * adds into t and returns it. */
static int scatter_add(lua_State *L, const char *what, bool inplace) {
  mg_tensor *t = mgL_check(L, 1);
  int dim = mgL_check_dim(L, 2, t->ndim);
  mg_tensor *src = mgL_check(L, 4);
  mg_tensor *idx = mgL_check_index(L, 3, what, t->ndim ? t->size[dim] : -1);
  if (inplace) {
    int rc = mg_scatter_add_(t, dim, idx, src);
    mg_release(idx);
    if (rc) return mgL_error(L);
    lua_settop(L, 1);
    return 1;
  }
  mg_tensor *out = mg_scatter_add(t, dim, idx, src);
  mg_release(idx);
  return mgL_push(L, out);
}

static int l_scatter_add(lua_State *L) { return scatter_add(L, "scatter_add", false); }
static int l_scatter_add_(lua_State *L) { return scatter_add(L, "scatter_add_", true); }

/* t:index_add_(dim, idx, src): adds src's slices along dim into t's at idx; returns t. */
static int l_index_add_(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1);
  int dim = mgL_check_dim(L, 2, t->ndim);
  mg_tensor *src = mgL_check(L, 4);
  mg_tensor *idx = mgL_check_index(L, 3, "index_add_", t->ndim ? t->size[dim] : -1);
  int rc = mg_index_add_(t, dim, idx, src);
  mg_release(idx);
  if (rc) return mgL_error(L);
  lua_settop(L, 1);
  return 1;
}

/* The fill value: a number, or a boolean (for bool tensors). */
static double check_value(lua_State *L, int arg) {
  if (lua_isboolean(L, arg)) return lua_toboolean(L, arg);
  return luaL_checknumber(L, arg);
}

static int l_masked_fill(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1), *mask = mgL_check(L, 2);
  return mgL_push(L, mg_masked_fill(t, mask, check_value(L, 3)));
}

static int l_masked_fill_(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1), *mask = mgL_check(L, 2);
  if (mg_masked_fill_(t, mask, check_value(L, 3))) return mgL_error(L);
  lua_settop(L, 1);
  return 1;
}

/* one_hot(idx [, num_classes]): class k sets position k; without num_classes (or with a
 * negative one) there are max(idx) classes. */
static int l_one_hot(lua_State *L) {
  lua_Integer n = luaL_optinteger(L, 2, -1);
  mg_tensor *idx = mgL_check_index(L, 1, "one_hot", n < 0 ? -1 : n);
  mg_tensor *out = mg_one_hot(idx, n < 0 ? -1 : n);
  mg_release(idx);
  return mgL_push(L, out);
}

static int l_nonzero(lua_State *L) { return mgL_push_index(L, mg_nonzero(mgL_check(L, 1))); }

void mgL_open_index(lua_State *L, int methods, int module) {
  static const luaL_Reg fns[] = {
      {"index_select", l_index_select}, {"gather", l_gather},
      {"scatter_add", l_scatter_add},   {"scatter_add_", l_scatter_add_},
      {"index_add_", l_index_add_},
      {"masked_fill", l_masked_fill},   {"masked_fill_", l_masked_fill_},
      {"one_hot", l_one_hot},           {"nonzero", l_nonzero},
      {NULL, NULL}};
  for (const luaL_Reg *r = fns; r->name; r++) {
    lua_pushcfunction(L, r->func);
    lua_setfield(L, methods, r->name);
  }
  lua_pushcfunction(L, l_one_hot);
  lua_setfield(L, module, "one_hot");
}
