/* Matrix products in Lua: matmul, mm, bmm, mv, dot, outer, addmm. */
#include "binding.h"

typedef mg_tensor *(*product_fn)(const mg_tensor *, const mg_tensor *);

static int product(lua_State *L) {
  product_fn fn = (product_fn)lua_touserdata(L, lua_upvalueindex(1));
  return mgL_push(L, fn(mgL_check(L, 1), mgL_check(L, 2)));
}

/* addmm(c, a, b [, {beta = 1, alpha = 1}]) = beta * c + alpha * a @ b */
static int l_addmm(lua_State *L) {
  mg_tensor *c = mgL_check(L, 1), *a = mgL_check(L, 2), *b = mgL_check(L, 3);
  double beta = mgL_opt_number(L, 4, "beta", 1), alpha = mgL_opt_number(L, 4, "alpha", 1);
  return mgL_push(L, mg_addmm(c, a, b, beta, alpha));
}

void mgL_open_linalg(lua_State *L, int methods, int module) {
  static const struct {
    const char *name;
    product_fn fn;
  } products[] = {{"matmul", mg_matmul}, {"mm", mg_mm}, {"bmm", mg_bmm},
                  {"mv", mg_mv},         {"dot", mg_dot}, {"outer", mg_outer}};
  for (size_t i = 0; i < sizeof products / sizeof *products; i++) {
    lua_pushlightuserdata(L, (void *)products[i].fn);
    lua_pushcclosure(L, product, 1);
    lua_setfield(L, methods, products[i].name);
  }
  lua_pushcfunction(L, l_addmm);
  lua_setfield(L, methods, "addmm");
}
