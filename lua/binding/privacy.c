/* Privacy in Lua: the private table core._privacy, which moongrad/privacy.lua wraps as
 * mg.privacy. Arguments arrive checked there (columns as 1-based indices). */
#include "binding.h"

/* pseudonymize(f, cols, key, prefix, hexlen) -> new frame userdata */
static int l_pseudonymize(lua_State *L) {
  lua_settop(L, 5); /* the column array below is pushed above the arguments */
  mg_frame *f = mgL_check_frame(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  size_t keylen;
  const char *key = luaL_checklstring(L, 3, &keylen);
  const char *prefix = luaL_checkstring(L, 4);
  int hexlen = (int)luaL_checkinteger(L, 5);
  int n = (int)luaL_len(L, 2);
  int *cols = lua_newuserdatauv(L, (size_t)n * sizeof *cols + 1, 0);
  for (int k = 0; k < n; k++) {
    lua_geti(L, 2, k + 1);
    cols[k] = (int)lua_tointeger(L, -1) - 1;
    lua_pop(L, 1);
  }
  return mgL_push_frame(L, mg_frame_pseudonymize(f, n, cols, (const uint8_t *)key, keylen, prefix, hexlen), true);
}

/* random_bytes(n) -> a string of n random bytes */
static int l_random_bytes(lua_State *L) {
  lua_Integer n = luaL_checkinteger(L, 1);
  luaL_argcheck(L, n >= 0 && n <= 1 << 20, 1, "expected 0 to 1048576 bytes");
  luaL_Buffer b;
  uint8_t *p = (uint8_t *)luaL_buffinitsize(L, &b, (size_t)n);
  if (mg_random_bytes(p, (size_t)n)) return mgL_error(L);
  luaL_pushresultsize(&b, (size_t)n);
  return 1;
}

void mgL_open_privacy(lua_State *L, int methods, int module) {
  static const luaL_Reg fns[] = {
      {"pseudonymize", l_pseudonymize}, {"random_bytes", l_random_bytes}, {NULL, NULL}};
  luaL_newlib(L, fns);
  lua_setfield(L, module, "_privacy");
}
