/* Input/output in Lua: read_idx(path [, opts]) and randperm(n [, opts]). */
#include "binding.h"

/* read_idx(path [, {dtype = ..., scale = 1, requires_grad = false}]): without a dtype, the
 * file's own (float32/float64 for float data; integers give int64, or float32 when scaled). */
static int l_read_idx(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  int dtype = MG_IDX_NATURAL;
  if (lua_istable(L, 2)) {
    lua_getfield(L, 2, "dtype");
    bool given = !lua_isnil(L, -1);
    lua_pop(L, 1);
    if (given) dtype = (int)mgL_opt_dtype(L, 2, MG_FLOAT32);
  } else if (!lua_isnoneornil(L, 2)) {
    return luaL_typeerror(L, 2, "table of options");
  }
  double scale = mgL_opt_number(L, 2, "scale", 1);
  return mgL_push_new(L, mg_read_idx(path, dtype, scale), 2);
}

/* randperm(n [, {dtype = 'int64'}]): a random permutation of 1..n (Lua's indices). */
static int l_randperm(lua_State *L) {
  lua_Integer n = luaL_checkinteger(L, 1);
  if (n < 0) return luaL_argerror(L, 1, lua_pushfstring(L, "expected n >= 0, got %I", n));
  if (!lua_isnoneornil(L, 2)) luaL_checktype(L, 2, LUA_TTABLE);
  mg_dtype dtype = mgL_opt_dtype(L, 2, MG_INT64);
  return mgL_push_index(L, mg_randperm(n, dtype));
}

void mgL_open_io(lua_State *L, int methods, int module) {
  static const luaL_Reg fns[] = {{"read_idx", l_read_idx}, {"randperm", l_randperm}, {NULL, NULL}};
  lua_pushvalue(L, module);
  luaL_setfuncs(L, fns, 0);
  lua_pop(L, 1);
}
