/* Argument checking, tensor wrapping and errors shared by the binding's files. */
#include <string.h>

#include "binding.h"

mg_tensor *mgL_test(lua_State *L, int arg) {
  mg_tensor **box = luaL_testudata(L, arg, MGL_TENSOR);
  return box ? *box : NULL;
}

mg_tensor *mgL_check(lua_State *L, int arg) {
  mg_tensor **box = luaL_testudata(L, arg, MGL_TENSOR);
  if (!box) luaL_typeerror(L, arg, "tensor");
  return *box;
}

mg_tensor *mgL_check_operand(lua_State *L, int arg, mg_tensor **tmp) {
  *tmp = NULL;
  mg_tensor *t = mgL_test(L, arg);
  if (t) return t;
  if (lua_type(L, arg) == LUA_TBOOLEAN) {
    *tmp = mg_scalar(MG_BOOL, lua_toboolean(L, arg));
    if (*tmp) (*tmp)->wrapped_number = true;
  } else if (lua_type(L, arg) == LUA_TNUMBER) {
    *tmp = mg_wrapped_number(lua_tonumber(L, arg), lua_isinteger(L, arg));
  } else {
    luaL_typeerror(L, arg, "tensor or number");
  }
  if (!*tmp) mgL_error(L);
  return *tmp;
}

int mgL_error(lua_State *L) { return luaL_error(L, "%s", mg_last_error()); }

/* Lua's collector sees only the small userdata box, not the storage behind it; telling it
 * about the bytes we allocate keeps a loop of temporaries at steady memory without the user
 * calling collectgarbage(). */
#define GC_REPORT_BYTES (256 << 10)

static void account(lua_State *L) {
  static uint64_t reported;
  uint64_t total = mg_bytes_allocated_total();
  if (total - reported >= GC_REPORT_BYTES) {
    lua_gc(L, LUA_GCSTEP, (int)((total - reported) >> 10));
    reported = total;
  }
}

int mgL_push(lua_State *L, mg_tensor *t) {
  if (!t) return mgL_error(L);
  mg_tensor **box = lua_newuserdatauv(L, sizeof *box, 0);
  *box = t;
  luaL_setmetatable(L, MGL_TENSOR);
  account(L);
  return 1;
}

int mgL_push_new(lua_State *L, mg_tensor *t, int opts) {
  if (opts > lua_gettop(L)) opts = 0; /* absent: the pushed tensor will take its slot */
  mgL_push(L, t);
  if (mgL_opt_bool(L, opts, "requires_grad", false) && mg_set_requires_grad(t, true))
    return mgL_error(L);
  return 1;
}

int mgL_dim(lua_State *L, lua_Integer dim, int ndim, const char *what) {
  int n = ndim > 0 ? ndim : 1; /* a 0-d tensor accepts dim 1 / -1, as PyTorch's 0 / -1 */
  if (dim < -n || dim > n || dim == 0)
    return luaL_error(L, "%s%sdimension %d out of range (expected 1 to %d, or -1 to %d)",
                      what ? what : "", what ? ": " : "", (int)dim, n, -n);
  return (int)(dim > 0 ? dim - 1 : dim + n);
}

/* The name the running C function was called by (NULL when unknown, as under pcall). */
static const char *current_function(lua_State *L) {
  lua_Debug ar;
  if (lua_getstack(L, 0, &ar) && lua_getinfo(L, "n", &ar)) return ar.name;
  return NULL;
}

int mgL_check_dim(lua_State *L, int arg, int ndim) {
  return mgL_dim(L, luaL_checkinteger(L, arg), ndim, current_function(L));
}

int mgL_opt_dim(lua_State *L, int arg, int ndim, int def) {
  return lua_isnoneornil(L, arg) ? def : mgL_check_dim(L, arg, ndim);
}

static int64_t check_size(lua_State *L, int arg, int i) {
  int isint;
  lua_Integer v = lua_tointegerx(L, -1, &isint);
  if (!isint || v < 0)
    luaL_argerror(L, arg,
                  lua_pushfstring(L, "size %d must be a non-negative integer, got %s", i,
                                  luaL_tolstring(L, -1, NULL)));
  lua_pop(L, 1);
  return v;
}

int mgL_check_sizes(lua_State *L, int arg, int64_t *size) {
  int n = 0;
  if (lua_istable(L, arg)) {
    n = (int)luaL_len(L, arg);
    if (n > MG_MAX_DIMS)
      luaL_argerror(L, arg, lua_pushfstring(L, "at most %d sizes expected, got %d", MG_MAX_DIMS, n));
    for (int i = 1; i <= n; i++) {
      lua_geti(L, arg, i);
      size[i - 1] = check_size(L, arg, i);
    }
    return n;
  }
  while (lua_type(L, arg + n) == LUA_TNUMBER) {
    if (n == MG_MAX_DIMS)
      luaL_argerror(L, arg + n, lua_pushfstring(L, "at most %d sizes expected", MG_MAX_DIMS));
    lua_pushvalue(L, arg + n);
    size[n] = check_size(L, arg + n, n + 1);
    n++;
  }
  return n;
}

/* Pushes opts[key] (nil when opts is absent). */
static int get_opt(lua_State *L, int opts, const char *key) {
  if (opts == 0 || lua_isnoneornil(L, opts)) {
    lua_pushnil(L);
    return LUA_TNIL;
  }
  luaL_checktype(L, opts, LUA_TTABLE);
  return lua_getfield(L, opts, key);
}

mg_dtype mgL_opt_dtype(lua_State *L, int opts, mg_dtype def) {
  mg_dtype d = def;
  if (get_opt(L, opts, "dtype") != LUA_TNIL) {
    const char *name = lua_tostring(L, -1);
    if (!name || mg_dtype_from_name(name, &d)) {
      lua_pop(L, 1);
      luaL_argerror(L, opts, name ? mg_last_error() : "dtype must be a string");
    }
  }
  lua_pop(L, 1);
  return d;
}

bool mgL_opt_bool(lua_State *L, int opts, const char *key, bool def) {
  int type = get_opt(L, opts, key);
  if (type != LUA_TNIL && type != LUA_TBOOLEAN)
    luaL_argerror(L, opts, lua_pushfstring(L, "option '%s' must be a boolean, got %s", key,
                                           luaL_typename(L, -1)));
  bool v = type == LUA_TNIL ? def : lua_toboolean(L, -1);
  lua_pop(L, 1);
  return v;
}

double mgL_opt_number(lua_State *L, int opts, const char *key, double def) {
  int type = get_opt(L, opts, key);
  if (type != LUA_TNIL && type != LUA_TNUMBER)
    luaL_argerror(L, opts, lua_pushfstring(L, "option '%s' must be a number, got %s", key,
                                           luaL_typename(L, -1)));
  double v = type == LUA_TNIL ? def : lua_tonumber(L, -1);
  lua_pop(L, 1);
  return v;
}

mg_tensor *mgL_check_index(lua_State *L, int arg, const char *what, int64_t limit) {
  mg_tensor *t = mgL_check(L, arg);
  if (t->dtype != MG_INT64)
    luaL_argerror(L, arg, lua_pushfstring(L, "%s: expected an int64 index tensor, got %s", what,
                                          mg_dtype_name(t->dtype)));
  mg_tensor *shifted = mg_clone(t);
  if (!shifted) mgL_error(L);
  int64_t n = mg_numel(shifted), *p = mg_data(shifted);
  for (int64_t i = 0; i < n; i++) {
    if (limit >= 0 && (p[i] < 1 || p[i] > limit)) {
      lua_Integer bad = p[i];
      mg_release(shifted);
      luaL_error(L, "%s: index %I is out of range (expected 1 to %I)", what, bad,
                 (lua_Integer)limit);
    }
    p[i] = (int64_t)((uint64_t)p[i] - 1); /* wraps rather than overflow for INT64_MIN */
  }
  return shifted;
}

/* A new tensor rather than a shift in place: core may have saved the 0-based indices for
 * a backward rule. */
int mgL_push_index(lua_State *L, mg_tensor *index) {
  if (!index) return mgL_error(L);
  mg_tensor *one = mg_wrapped_number(1, true);
  mg_tensor *shifted = one ? mg_binary(MG_ADD, index, one) : NULL;
  mg_release(one);
  mg_release(index);
  return mgL_push(L, shifted);
}
