/* The optimizers' fused kernels for lua/moongrad/optim.lua, which keeps the state and the
 * parameter groups. Each function updates one parameter; options come in a table (a
 * parameter group: its other fields are ignored), state tensors that the options do not use
 * may be nil:
 *   _sgd_step(param, grad, momentum_buffer, first, opts)
 *   _adam_step / _adamw_step(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, step, opts)
 *   _rmsprop_step(param, grad, square_avg, grad_avg, momentum_buffer, opts)
 *   _adagrad_step(param, grad, sum, step, opts) */
#include "binding.h"

/* A tensor or nil at arg. */
static mg_tensor *opt_tensor(lua_State *L, int arg) {
  return lua_isnoneornil(L, arg) ? NULL : mgL_check(L, arg);
}

/* A number the options must hold. */
static double need_number(lua_State *L, int opts, const char *key) {
  luaL_checktype(L, opts, LUA_TTABLE);
  if (lua_getfield(L, opts, key) != LUA_TNUMBER)
    luaL_argerror(L, opts, lua_pushfstring(L, "option '%s' must be a number, got %s", key,
                                           luaL_typename(L, -1)));
  double v = lua_tonumber(L, -1);
  lua_pop(L, 1);
  return v;
}

static int l_sgd_step(lua_State *L) {
  mg_tensor *p = mgL_check(L, 1), *g = mgL_check(L, 2), *buf = opt_tensor(L, 3);
  bool first = lua_toboolean(L, 4);
  mg_sgd_options o = {.lr = need_number(L, 5, "lr"),
                      .momentum = mgL_opt_number(L, 5, "momentum", 0),
                      .dampening = mgL_opt_number(L, 5, "dampening", 0),
                      .weight_decay = mgL_opt_number(L, 5, "weight_decay", 0),
                      .nesterov = mgL_opt_bool(L, 5, "nesterov", false)};
  return mg_sgd_step(p, g, buf, first, &o) ? mgL_error(L) : 0;
}

/* opts.betas: {beta1, beta2}, or (0.9, 0.999) when absent. */
static void get_betas(lua_State *L, int opts, double *beta1, double *beta2) {
  *beta1 = 0.9, *beta2 = 0.999;
  luaL_checktype(L, opts, LUA_TTABLE);
  int type = lua_getfield(L, opts, "betas");
  if (type == LUA_TTABLE) {
    lua_geti(L, -1, 1);
    lua_geti(L, -2, 2);
    if (lua_type(L, -2) == LUA_TNUMBER && lua_type(L, -1) == LUA_TNUMBER) {
      *beta1 = lua_tonumber(L, -2), *beta2 = lua_tonumber(L, -1);
      lua_pop(L, 3);
      return;
    }
  }
  if (type != LUA_TNIL)
    luaL_argerror(L, opts, "option 'betas' must be a table of two numbers");
  lua_pop(L, 1);
}

static int l_adam_step(lua_State *L) {
  mg_tensor *p = mgL_check(L, 1), *g = mgL_check(L, 2);
  mg_tensor *exp_avg = mgL_check(L, 3), *exp_avg_sq = mgL_check(L, 4), *max_sq = opt_tensor(L, 5);
  lua_Integer step = luaL_checkinteger(L, 6);
  bool decoupled = lua_toboolean(L, lua_upvalueindex(1));
  mg_adam_options o = {.lr = mgL_opt_number(L, 7, "lr", 1e-3),
                       .eps = mgL_opt_number(L, 7, "eps", 1e-8),
                       .weight_decay = mgL_opt_number(L, 7, "weight_decay", decoupled ? 1e-2 : 0),
                       .amsgrad = mgL_opt_bool(L, 7, "amsgrad", false)};
  get_betas(L, 7, &o.beta1, &o.beta2);
  int rc = decoupled ? mg_adamw_step(p, g, exp_avg, exp_avg_sq, max_sq, step, &o)
                     : mg_adam_step(p, g, exp_avg, exp_avg_sq, max_sq, step, &o);
  return rc ? mgL_error(L) : 0;
}

static int l_rmsprop_step(lua_State *L) {
  mg_tensor *p = mgL_check(L, 1), *g = mgL_check(L, 2), *square_avg = mgL_check(L, 3);
  mg_tensor *grad_avg = opt_tensor(L, 4), *buf = opt_tensor(L, 5);
  mg_rmsprop_options o = {.lr = mgL_opt_number(L, 6, "lr", 1e-2),
                          .alpha = mgL_opt_number(L, 6, "alpha", 0.99),
                          .eps = mgL_opt_number(L, 6, "eps", 1e-8),
                          .weight_decay = mgL_opt_number(L, 6, "weight_decay", 0),
                          .momentum = mgL_opt_number(L, 6, "momentum", 0),
                          .centered = mgL_opt_bool(L, 6, "centered", false)};
  return mg_rmsprop_step(p, g, square_avg, grad_avg, buf, &o) ? mgL_error(L) : 0;
}

static int l_adagrad_step(lua_State *L) {
  mg_tensor *p = mgL_check(L, 1), *g = mgL_check(L, 2), *sum = mgL_check(L, 3);
  lua_Integer step = luaL_checkinteger(L, 4);
  mg_adagrad_options o = {.lr = mgL_opt_number(L, 5, "lr", 1e-2),
                          .lr_decay = mgL_opt_number(L, 5, "lr_decay", 0),
                          .weight_decay = mgL_opt_number(L, 5, "weight_decay", 0),
                          .eps = mgL_opt_number(L, 5, "eps", 1e-10)};
  return mg_adagrad_step(p, g, sum, step, &o) ? mgL_error(L) : 0;
}

void mgL_open_optim(lua_State *L, int methods, int module) {
  static const luaL_Reg functions[] = {{"_sgd_step", l_sgd_step},
                                       {"_rmsprop_step", l_rmsprop_step},
                                       {"_adagrad_step", l_adagrad_step},
                                       {NULL, NULL}};
  lua_pushvalue(L, module);
  luaL_setfuncs(L, functions, 0);
  lua_pushboolean(L, false);
  lua_pushcclosure(L, l_adam_step, 1);
  lua_setfield(L, -2, "_adam_step");
  lua_pushboolean(L, true);
  lua_pushcclosure(L, l_adam_step, 1);
  lua_setfield(L, -2, "_adamw_step");
  lua_pop(L, 1);
}
