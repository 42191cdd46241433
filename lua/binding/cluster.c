/* Clustering in Lua: the private table core._cluster, which moongrad/cluster.lua wraps as
 * mg.cluster. Arguments arrive checked there. */
#include "binding.h"

/* labels += by, in place (labels is int64). */
static int shift_labels(mg_tensor *labels, double by) {
  mg_tensor *step = mg_wrapped_number(by, true);
  int status = step ? mg_binary_out(MG_ADD, labels, step, labels) : -1;
  mg_release(step);
  return status;
}

/* kmeans_assign(x, centers, labels [, sums, counts [, want_inertia]]) -> changed [, inertia]:
 * one pass of Lloyd's k-means (mg_kmeans_assign). labels, int64 {n} holding 1-based labels (0
 * for none yet), is overwritten with each row's nearest center; changed counts the rows whose
 * label changed. sums and counts, when given, are overwritten with the clusters' sums of
 * rows and sizes. The labels are shifted to core's 0-based ones in place for the pass, and
 * back: one pass over them each way, and no new tensor per iteration. */
static int l_kmeans_assign(lua_State *L) {
  mg_tensor *x = mgL_check(L, 1), *centers = mgL_check(L, 2), *labels = mgL_check(L, 3);
  mg_tensor *sums = lua_isnoneornil(L, 4) ? NULL : mgL_check(L, 4);
  mg_tensor *counts = lua_isnoneornil(L, 5) ? NULL : mgL_check(L, 5);
  bool want_inertia = lua_toboolean(L, 6);
  luaL_argcheck(L, labels->dtype == MG_INT64, 3, "expected int64 labels");
  double inertia = 0;
  if (shift_labels(labels, -1)) return mgL_error(L);
  int64_t changed =
      mg_kmeans_assign(x, centers, labels, sums, counts, want_inertia ? &inertia : NULL);
  if (changed < 0) { /* labels are as they were: shift them back, keeping the message */
    const char *message = lua_pushstring(L, mg_last_error());
    shift_labels(labels, 1);
    return luaL_error(L, "%s", message);
  }
  if (shift_labels(labels, 1)) return mgL_error(L);
  lua_pushinteger(L, changed);
  if (!want_inertia) return 1;
  lua_pushnumber(L, inertia);
  return 2;
}

void mgL_open_cluster(lua_State *L, int methods, int module) {
  static const luaL_Reg fns[] = {{"kmeans_assign", l_kmeans_assign}, {NULL, NULL}};
  luaL_newlib(L, fns);
  lua_setfield(L, module, "_cluster");
}
