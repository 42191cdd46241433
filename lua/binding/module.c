/* luaopen_moongrad_core: the tensor metatable, its method table and the module table.
 * Every public tensor method is also a module function (mg.sum(t) as t:sum()); that
 * mirroring happens in lua/moongrad/init.lua. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "binding.h"

static int l_set_num_threads(lua_State *L) {
  if (mg_set_num_threads((int)luaL_checkinteger(L, 1))) return luaL_argerror(L, 1, mg_last_error());
  return 0;
}

static int l_get_num_threads(lua_State *L) {
  lua_pushinteger(L, mg_get_num_threads());
  return 1;
}

/* config() -> {version, lua, blas = {core, config} or {error}, threads} */
static int l_config(lua_State *L) {
  lua_createtable(L, 0, 4);
  lua_pushstring(L, mg_version());
  lua_setfield(L, -2, "version");
  lua_pushstring(L, LUA_RELEASE);
  lua_setfield(L, -2, "lua");
  lua_pushinteger(L, mg_get_num_threads());
  lua_setfield(L, -2, "threads");
  lua_createtable(L, 0, 2);
  const char *core = mg_blas_corename();
  if (core) {
    lua_pushstring(L, core);
    lua_setfield(L, -2, "core");
    lua_pushstring(L, mg_blas_config());
    lua_setfield(L, -2, "config");
  } else {
    lua_pushstring(L, mg_last_error());
    lua_setfield(L, -2, "error");
  }
  lua_setfield(L, -2, "blas");
  return 1;
}

/* memory() -> bytes of tensor storage held, bytes cached for reuse */
static int l_memory(lua_State *L) {
  int64_t live, cached;
  mg_memory_stats(&live, &cached);
  lua_pushinteger(L, live);
  lua_pushinteger(L, cached);
  return 2;
}

/* clock() -> seconds from a monotonic clock, for timing code (os.clock is CPU time). */
static int l_clock(lua_State *L) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  lua_pushnumber(L, (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9);
  return 1;
}

/* _is_terminal(file) -> whether a Lua file handle is open on a terminal (Lua has no isatty):
 * progress bars and colours are drawn only there. */
static int l_is_terminal(lua_State *L) {
  luaL_Stream *stream = luaL_checkudata(L, 1, LUA_FILEHANDLE);
  lua_pushboolean(L, stream->closef != NULL && isatty(fileno(stream->f)));
  return 1;
}

static int l_is_tensor(lua_State *L) {
  lua_pushboolean(L, mgL_test(L, 1) != NULL);
  return 1;
}

int luaopen_moongrad_core(lua_State *L) {
  static const luaL_Reg functions[] = {
      {"set_num_threads", l_set_num_threads}, {"get_num_threads", l_get_num_threads},
      {"config", l_config}, {"memory", l_memory}, {"is_tensor", l_is_tensor}, {"clock", l_clock},
      {"_is_terminal", l_is_terminal}, {NULL, NULL}};
  luaL_newlib(L, functions);
  int module = lua_gettop(L);
  lua_newtable(L);
  int methods = lua_gettop(L);
  luaL_newmetatable(L, MGL_TENSOR);
  lua_pushliteral(L, "Tensor");
  lua_setfield(L, -2, "__name");
  lua_pop(L, 1);
  mgL_open_tensor(L, methods, module);
  mgL_open_elementwise(L, methods, module);
  mgL_open_reduce(L, methods, module);
  mgL_open_linalg(L, methods, module);
  mgL_open_index(L, methods, module);
  mgL_open_autograd(L, methods, module);
  mgL_open_optim(L, methods, module);
  mgL_open_io(L, methods, module);
  mgL_open_image(L, methods, module);
  mgL_open_frame(L, methods, module);
  mgL_open_serialize(L, methods, module);
  mgL_open_privacy(L, methods, module);
  mgL_open_cluster(L, methods, module);
  lua_pushvalue(L, methods);
  lua_setfield(L, module, "methods");
  luaL_getmetatable(L, MGL_TENSOR);
  lua_setfield(L, module, "metatable");
  lua_settop(L, module);
  return 1;
}
