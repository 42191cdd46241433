/* Autograd from Lua: requires_grad_, backward, detach, switching grad mode, and the graph
 * as plain tables for mg.viz. The fields t.grad, t.requires_grad, t.grad_fn and t.is_leaf
 * live with the tensor's __index. */
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
  int opts = grad || lua_isnil(L, 2) ? 3 : 2; /* t:backward(grad, opts), (nil, opts), (opts) */
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

/* The entry of key (a light userdata) in the table at ids, adding it as number *count + 1
 * when absent; returns its number and whether it was new. */
static lua_Integer graph_id(lua_State *L, int ids, const void *key, lua_Integer *count,
                            int *is_new) {
  lua_pushlightuserdata(L, (void *)key);
  lua_Integer id = lua_rawget(L, ids) == LUA_TNUMBER ? lua_tointeger(L, -1) : 0;
  lua_pop(L, 1);
  *is_new = id == 0;
  if (id == 0) {
    id = ++*count;
    lua_pushlightuserdata(L, (void *)key);
    lua_pushinteger(L, id);
    lua_rawset(L, ids);
  }
  return id;
}

/* _graph(t) -> {ops = {...}, leaves = {...}}: the autograd graph behind t, for mg.viz.
 * Breadth-first from t's grad_fn (ops[1]; none for a leaf), each node once, in a loop
 * over a Lua-held queue: no C recursion however deep the graph. ops[k] = {name = 'mul',
 * key = the node (light userdata), inputs = {...}}; inputs[i] = {op = k2} (made by
 * ops[k2]), {leaf = j} (leaves[j], a leaf tensor requiring grad) or {} (an input that needs
 * no gradient), each with the shape (a list) and dtype the input had. */
static int l_graph(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1);
  lua_settop(L, 1);
  lua_createtable(L, 0, 2); /* 2: the result */
  lua_newtable(L);          /* 3: ops */
  lua_newtable(L);          /* 4: leaves */
  lua_newtable(L);          /* 5: node -> op number */
  lua_newtable(L);          /* 6: leaf -> leaf number */
  lua_newtable(L);          /* 7: op number -> node, the queue */
  lua_Integer nops = 0, nleaves = 0;
  int is_new;
  if (t->grad_fn) {
    graph_id(L, 5, t->grad_fn, &nops, &is_new);
    lua_pushlightuserdata(L, t->grad_fn);
    lua_rawseti(L, 7, 1);
  }
  for (lua_Integer k = 1; k <= nops; k++) {
    lua_rawgeti(L, 7, k);
    const mg_node *n = lua_touserdata(L, -1);
    lua_pop(L, 1);
    int num_inputs = mg_node_num_inputs(n);
    lua_createtable(L, 0, 3);
    lua_pushstring(L, mg_node_name(n));
    lua_setfield(L, -2, "name");
    lua_pushlightuserdata(L, (void *)n);
    lua_setfield(L, -2, "key");
    lua_createtable(L, num_inputs, 0);
    for (int i = 0; i < num_inputs; i++) {
      mg_node *child;
      mg_tensor *leaf;
      mg_node_input(n, i, &child, &leaf);
      lua_createtable(L, 0, 3);
      if (child) {
        lua_Integer id = graph_id(L, 5, child, &nops, &is_new);
        if (is_new) {
          lua_pushlightuserdata(L, child);
          lua_rawseti(L, 7, id);
        }
        lua_pushinteger(L, id);
        lua_setfield(L, -2, "op");
      } else if (leaf) {
        lua_Integer id = graph_id(L, 6, leaf, &nleaves, &is_new);
        if (is_new) {
          mgL_push(L, mg_retain(leaf));
          lua_rawseti(L, 4, id);
        }
        lua_pushinteger(L, id);
        lua_setfield(L, -2, "leaf");
      }
      mg_dtype dtype;
      int64_t size[MG_MAX_DIMS];
      int ndim = mg_node_input_shape(n, i, &dtype, size);
      lua_createtable(L, ndim, 0);
      for (int d = 0; d < ndim; d++) {
        lua_pushinteger(L, size[d]);
        lua_rawseti(L, -2, d + 1);
      }
      lua_setfield(L, -2, "shape");
      lua_pushstring(L, mg_dtype_name(dtype));
      lua_setfield(L, -2, "dtype");
      lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "inputs");
    lua_rawseti(L, 3, k);
  }
  lua_pushvalue(L, 3);
  lua_setfield(L, 2, "ops");
  lua_pushvalue(L, 4);
  lua_setfield(L, 2, "leaves");
  lua_settop(L, 2);
  return 1;
}

/* _tensor_key(t) -> t's identity and its grad_fn's (light userdata; nil for a leaf), to
 * match tensors a user holds with the keys of _graph (two userdata can wrap one tensor). */
static int l_tensor_key(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1);
  lua_pushlightuserdata(L, t);
  if (t->grad_fn) lua_pushlightuserdata(L, t->grad_fn);
  else lua_pushnil(L);
  return 2;
}

void mgL_open_autograd(lua_State *L, int methods, int module) {
  static const luaL_Reg meths[] = {{"requires_grad_", l_requires_grad_}, {"backward", l_backward},
                                   {"detach", l_detach}, {NULL, NULL}};
  static const luaL_Reg functions[] = {{"is_grad_enabled", l_is_grad_enabled},
                                       {"set_grad_enabled", l_set_grad_enabled},
                                       {"_graph", l_graph}, {"_tensor_key", l_tensor_key},
                                       {NULL, NULL}};
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
