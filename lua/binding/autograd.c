/* Autograd from Lua: requires_grad_, backward, detach, and switching grad mode. The fields
 * t.grad, t.requires_grad, t.grad_fn and t.is_leaf live with the tensor's __index. */
#include "binding.h"

/* requires_grad_([flag = true]) -> t */
static int l_requires_grad_(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1);
  if (mg_set_requires_grad(t, lua_isnoneornil(L, 2) || lua_toboolean(L, 2))) return mgL_error(L);
  lua_settop(L, 1);
  return 1;
}

/* backward([grad] [, {retain_graph = false}]) */
static int l_backward(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1);
  mg_tensor *grad = mgL_test(L, 2);
  int opts = grad ? 3 : 2;
  if (!grad && !lua_isnoneornil(L, 2) && !lua_istable(L, 2))
    return luaL_typeerror(L, 2, "tensor or options table");
  if (mg_backward(t, grad, mgL_opt_bool(L, opts, "retain_graph", false))) return mgL_error(L);
  return 0;
}

static int l_detach(lua_State *L) { return mgL_push(L, mg_detach(mgL_check(L, 1))); }

static int l_is_grad_enabled(lua_State *L) {
  lua_pushboolean(L, mg_is_grad_enabled());
  return 1;
}

/* set_grad_enabled(flag) -> the previous mode */
static int l_set_grad_enabled(lua_State *L) {
  luaL_checktype(L, 1, LUA_TBOOLEAN);
  lua_pushboolean(L, mg_set_grad_enabled(lua_toboolean(L, 1)));
  return 1;
}

/* Runs fn(...) with grad mode set to the upvalue, restoring the mode even when fn raises;
 * returns fn's results. */
static int with_grad_mode(lua_State *L) {
  luaL_checktype(L, 1, LUA_TFUNCTION);
  bool was = mg_set_grad_enabled(lua_toboolean(L, lua_upvalueindex(1)));
  int status = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
  mg_set_grad_enabled(was);
  if (status != LUA_OK) return lua_error(L);
  return lua_gettop(L);
}

void mgL_open_autograd(lua_State *L, int methods, int module) {
  static const luaL_Reg meths[] = {{"requires_grad_", l_requires_grad_}, {"backward", l_backward},
                                   {"detach", l_detach}, {NULL, NULL}};
  static const luaL_Reg functions[] = {{"is_grad_enabled", l_is_grad_enabled},
                                       {"set_grad_enabled", l_set_grad_enabled}, {NULL, NULL}};
  lua_pushvalue(L, methods);
  luaL_setfuncs(L, meths, 0);
  lua_pop(L, 1);
  lua_pushvalue(L, module);
  luaL_setfuncs(L, functions, 0);
  lua_pushboolean(L, false);
  lua_pushcclosure(L, with_grad_mode, 1);
  lua_setfield(L, -2, "no_grad");
  lua_pushboolean(L, true);
  lua_pushcclosure(L, with_grad_mode, 1);
  lua_setfield(L, -2, "enable_grad");
  lua_pop(L, 1);
}
