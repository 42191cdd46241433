/* Reductions in Lua: t:sum(), t:mean(2, {keepdim=true}), t:max(1) -> values, indices,
 * t:var(), t:norm(1), t:cumsum(2), t:sort(), t:topk(3), …  Dims and indices are 1-based. */
#include "binding.h"

/* Each function has its op in upvalue 1 and its name in upvalue 2 (for messages that must
 * name it even when debug information cannot, as in pcall(t.sum, t, 3)). */
static mg_reduce_op op_of(lua_State *L) {
  return (mg_reduce_op)lua_tointeger(L, lua_upvalueindex(1));
}

static int check_dim(lua_State *L, int arg, int ndim) {
  return mgL_dim(L, luaL_checkinteger(L, arg), ndim, lua_tostring(L, lua_upvalueindex(2)));
}

/* Reads an optional dim at arg and an optional options table after it (or at arg itself).
 * Returns the 0-based dim, or MG_ALL_DIMS when absent; *opts: the table's index, or 0. */
static int dim_and_opts(lua_State *L, int arg, int ndim, int *opts) {
  if (lua_istable(L, arg)) {
    *opts = arg;
    return MG_ALL_DIMS;
  }
  *opts = lua_isnoneornil(L, arg + 1) ? 0 : arg + 1;
  return lua_isnoneornil(L, arg) ? MG_ALL_DIMS : check_dim(L, arg, ndim);
}

/* sum, mean, prod, logsumexp: t:sum([dim] [, {keepdim=false}]) */
static int l_reduce(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1);
  int opts, dim = dim_and_opts(L, 2, t->ndim, &opts);
  bool keepdim = mgL_opt_bool(L, opts, "keepdim", false);
  return mgL_push(L, mg_reduce(op_of(L), t, dim, keepdim, 0));
}

static int push_pair(lua_State *L, mg_tensor *values, mg_tensor *indices) {
  mgL_push(L, values);
  mgL_push_index(L, indices);
  return 2;
}

/* max, min: t:max() -> 0-d; t:max(dim [, opts]) -> values, indices; t:max(tensor or
 * non-integer number) -> elementwise maximum. An integer is a dim, as in PyTorch. */
static int l_max(lua_State *L) {
  mg_reduce_op op = op_of(L);
  mg_tensor *t = mgL_check(L, 1);
  if (mgL_test(L, 2) || (lua_type(L, 2) == LUA_TNUMBER && !lua_isinteger(L, 2))) {
    mg_tensor *tmp, *other = mgL_check_operand(L, 2, &tmp);
    mg_tensor *out = mg_binary(op == MG_MAX ? MG_MAXIMUM : MG_MINIMUM, t, other);
    mg_release(tmp);
    return mgL_push(L, out);
  }
  int opts, dim = dim_and_opts(L, 2, t->ndim, &opts);
  bool keepdim = mgL_opt_bool(L, opts, "keepdim", false);
  if (dim == MG_ALL_DIMS) return mgL_push(L, mg_reduce(op, t, dim, keepdim, 0));
  mg_tensor *values, *indices;
  if (mg_reduce_with_index(op, t, dim, keepdim, &values, &indices)) return mgL_error(L);
  return push_pair(L, values, indices);
}

/* argmax, argmin: 1-based indices; over all elements, the flat index. */
static int l_argmax(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1);
  int opts, dim = dim_and_opts(L, 2, t->ndim, &opts);
  bool keepdim = mgL_opt_bool(L, opts, "keepdim", false);
  return mgL_push_index(L, mg_reduce(op_of(L), t, dim, keepdim, 0));
}

/* var, std: t:var([dim] [, {unbiased=true, correction=1, keepdim=false}]) */
static int l_var(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1);
  int opts, dim = dim_and_opts(L, 2, t->ndim, &opts);
  bool unbiased = mgL_opt_bool(L, opts, "unbiased", true);
  double correction = mgL_opt_number(L, opts, "correction", unbiased ? 1 : 0);
  bool keepdim = mgL_opt_bool(L, opts, "keepdim", false);
  return mgL_push(L, mg_reduce(op_of(L), t, dim, keepdim, correction));
}

/* t:norm([p=2] [, dim] [, {keepdim=false}]); p = math.huge for the max norm. */
static int l_norm(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1);
  int opts, dim;
  double p = 2;
  if (lua_istable(L, 2)) {
    dim = dim_and_opts(L, 2, t->ndim, &opts);
  } else {
    p = luaL_optnumber(L, 2, 2);
    dim = dim_and_opts(L, 3, t->ndim, &opts);
  }
  bool keepdim = mgL_opt_bool(L, opts, "keepdim", false);
  return mgL_push(L, mg_reduce(MG_NORM, t, dim, keepdim, p));
}

/* t:softmax([dim=-1]), t:log_softmax([dim=-1]) */
static int last_dim_or(lua_State *L, int arg, const mg_tensor *t) {
  return lua_isnoneornil(L, arg) ? (t->ndim > 0 ? t->ndim - 1 : 0) : check_dim(L, arg, t->ndim);
}

static int l_softmax(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1);
  return mgL_push(L, mg_softmax(t, last_dim_or(L, 2, t)));
}

static int l_log_softmax(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1);
  return mgL_push(L, mg_log_softmax(t, last_dim_or(L, 2, t)));
}

static int l_cumsum(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1);
  return mgL_push(L, mg_cumsum(t, check_dim(L, 2, t->ndim)));
}

/* Reads [dim=-1] [, opts] from arg on, as dim_and_opts but defaulting to the last dim. A
 * boolean in the options' place is the flag named key (t:sort(1, true), as in Torch7). */
static int last_dim_and_flag(lua_State *L, int arg, const mg_tensor *t, const char *key,
                             bool def, bool *flag) {
  int last = t->ndim > 0 ? t->ndim - 1 : 0, opts = arg, dim = last;
  if (!lua_istable(L, arg) && !lua_isboolean(L, arg)) {
    opts = lua_isnoneornil(L, arg + 1) ? 0 : arg + 1;
    dim = lua_isnoneornil(L, arg) ? last : check_dim(L, arg, t->ndim);
  }
  *flag = opts && lua_isboolean(L, opts) ? lua_toboolean(L, opts) : mgL_opt_bool(L, opts, key, def);
  return dim;
}

/* t:sort([dim=-1] [, {descending=false}]) -> values, indices */
static int l_sort(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1), *values, *indices;
  bool descending;
  int dim = last_dim_and_flag(L, 2, t, "descending", false, &descending);
  if (mg_sort(t, dim, descending, &values, &indices)) return mgL_error(L);
  return push_pair(L, values, indices);
}

/* t:topk(k [, dim=-1] [, {largest=true}]) -> values, indices, sorted */
static int l_topk(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1), *values, *indices;
  lua_Integer k = luaL_checkinteger(L, 2);
  bool largest;
  int dim = last_dim_and_flag(L, 3, t, "largest", true, &largest);
  if (mg_topk(t, k, dim, largest, &values, &indices)) return mgL_error(L);
  return push_pair(L, values, indices);
}

void mgL_open_reduce(lua_State *L, int methods, int module) {
  static const struct {
    const char *name;
    lua_CFunction fn;
    mg_reduce_op op;
  } fns[] = {
      {"sum", l_reduce, MG_SUM},       {"mean", l_reduce, MG_MEAN},
      {"prod", l_reduce, MG_PROD},     {"logsumexp", l_reduce, MG_LOGSUMEXP},
      {"max", l_max, MG_MAX},          {"min", l_max, MG_MIN},
      {"argmax", l_argmax, MG_ARGMAX}, {"argmin", l_argmax, MG_ARGMIN},
      {"var", l_var, MG_VAR},          {"std", l_var, MG_STD},
      {"norm", l_norm, MG_NORM},       {"cumsum", l_cumsum, MG_SUM},
      {"sort", l_sort, MG_MAX},        {"topk", l_topk, MG_MAX},
      {"softmax", l_softmax, MG_SUM},  {"log_softmax", l_log_softmax, MG_SUM},
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    lua_pushinteger(L, fns[i].op);
    lua_pushstring(L, fns[i].name);
    lua_pushcclosure(L, fns[i].fn, 2);
    lua_setfield(L, methods, fns[i].name);
  }
}
