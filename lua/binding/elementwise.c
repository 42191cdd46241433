/* Elementwise ops and operators in Lua: t:add(u), t + 1, 2 * t, t:exp(), t:add_(u), … */
#include <math.h>
#include <stdio.h>

#include "binding.h"

/* Each function reads its op from upvalue 1 and, for the in-place forms, upvalue 2. */
static int binary(lua_State *L) {
  mg_binary_op op = (mg_binary_op)lua_tointeger(L, lua_upvalueindex(1));
  mg_tensor *ta, *tb, *a = mgL_check_operand(L, 1, &ta), *b = mgL_check_operand(L, 2, &tb);
  mg_tensor *out = mg_binary(op, a, b);
  mg_release(ta);
  mg_release(tb);
  return mgL_push(L, out);
}

static int binary_(lua_State *L) {
  mg_binary_op op = (mg_binary_op)lua_tointeger(L, lua_upvalueindex(1));
  mg_tensor *tb, *a = mgL_check(L, 1), *b = mgL_check_operand(L, 2, &tb);
  int rc = mg_binary_out(op, a, b, a);
  mg_release(tb);
  if (rc) return mgL_error(L);
  lua_settop(L, 1);
  return 1;
}

static int unary(lua_State *L) {
  mg_unary_op op = (mg_unary_op)lua_tointeger(L, lua_upvalueindex(1));
  return mgL_push(L, mg_unary(op, mgL_check(L, 1)));
}

static int unary_(lua_State *L) {
  mg_unary_op op = (mg_unary_op)lua_tointeger(L, lua_upvalueindex(1));
  mg_tensor *a = mgL_check(L, 1);
  if (mg_unary_out(op, a, a)) return mgL_error(L);
  lua_settop(L, 1);
  return 1;
}

/* clamp(min, max): nil for no bound; also {min = …, max = …}. */
static void clamp_bounds(lua_State *L, double *lo, double *hi) {
  if (lua_istable(L, 2)) {
    *lo = mgL_opt_number(L, 2, "min", -INFINITY);
    *hi = mgL_opt_number(L, 2, "max", INFINITY);
    return;
  }
  *lo = luaL_optnumber(L, 2, -INFINITY);
  *hi = luaL_optnumber(L, 3, INFINITY);
}

static int l_clamp(lua_State *L) {
  mg_tensor *a = mgL_check(L, 1);
  double lo, hi;
  clamp_bounds(L, &lo, &hi);
  return mgL_push(L, mg_clamp(a, lo, hi));
}

static int l_clamp_(lua_State *L) {
  mg_tensor *a = mgL_check(L, 1);
  double lo, hi;
  clamp_bounds(L, &lo, &hi);
  if (mg_clamp_out(a, lo, hi, a)) return mgL_error(L);
  lua_settop(L, 1);
  return 1;
}

static int l_where(lua_State *L) {
  mg_tensor *ta, *tb, *cond = mgL_check(L, 1);
  mg_tensor *a = mgL_check_operand(L, 2, &ta), *b = mgL_check_operand(L, 3, &tb);
  mg_tensor *out = mg_where(cond, a, b);
  mg_release(ta);
  mg_release(tb);
  return mgL_push(L, out);
}

static void set_closure(lua_State *L, int table, const char *name, lua_CFunction fn, int op) {
  lua_pushinteger(L, op);
  lua_pushcclosure(L, fn, 1);
  lua_setfield(L, table, name);
}

void mgL_open_elementwise(lua_State *L, int methods, int module) {
  static const char *const metamethods[][2] = {{"add", "__add"}, {"sub", "__sub"},
                                               {"mul", "__mul"}, {"div", "__div"},
                                               {"pow", "__pow"}};
  char name[32];
  for (int op = 0; op < MG_NUM_BINARY_OPS; op++) {
    set_closure(L, methods, mg_binary_op_name(op), binary, op);
    snprintf(name, sizeof name, "%s_", mg_binary_op_name(op));
    set_closure(L, methods, name, binary_, op);
  }
  for (int op = 0; op < MG_NUM_UNARY_OPS; op++) {
    set_closure(L, methods, mg_unary_op_name(op), unary, op);
    snprintf(name, sizeof name, "%s_", mg_unary_op_name(op));
    set_closure(L, methods, name, unary_, op);
  }
  lua_pushcfunction(L, l_clamp);
  lua_setfield(L, methods, "clamp");
  lua_pushcfunction(L, l_clamp_);
  lua_setfield(L, methods, "clamp_");
  lua_pushcfunction(L, l_where);
  lua_setfield(L, module, "where");

  luaL_getmetatable(L, MGL_TENSOR);
  int mt = lua_gettop(L);
  for (size_t i = 0; i < sizeof metamethods / sizeof *metamethods; i++) {
    lua_getfield(L, methods, metamethods[i][0]);
    lua_setfield(L, mt, metamethods[i][1]);
  }
  set_closure(L, mt, "__unm", unary, MG_NEG);
  lua_pop(L, 1);
}
