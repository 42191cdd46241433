/* Shared by the binding's source files: checking Lua arguments, wrapping tensors, errors.
 * Lua's side is 1-based: dims and indices from Lua are mapped here to core's 0-based ones
 * (negative ones count from the end), and index tensors are shifted on the way in and out. */
#ifndef MG_BINDING_H
#define MG_BINDING_H

#include <lauxlib.h>
#include <lua.h>

#include "moongrad.h"

#define MGL_TENSOR "moongrad.Tensor"

/* The tensor at arg, or a Lua error in lauxlib's form ("bad argument #1 to 'sum' (tensor
 * expected, got string)"). */
mg_tensor *mgL_check(lua_State *L, int arg);
mg_tensor *mgL_test(lua_State *L, int arg); /* NULL when not a tensor */
/* A tensor, or a Lua number turned into a wrapped-number tensor that *tmp owns (release it
 * with mg_release; *tmp is NULL when arg was a tensor). */
mg_tensor *mgL_check_operand(lua_State *L, int arg, mg_tensor **tmp);

/* Pushes t as a Lua tensor, taking over the caller's reference. With t == NULL raises the
 * core's error (mg_last_error) as a Lua error. Returns 1 (values pushed). */
int mgL_push(lua_State *L, mg_tensor *t);
/* As mgL_push, for a tensor a creation function made: applies the option requires_grad of
 * the options table at opts (0/none/nil: none). */
int mgL_push_new(lua_State *L, mg_tensor *t, int opts);
/* Raises mg_last_error() as a Lua error; use after a core call returned -1. */
int mgL_error(lua_State *L);

/* A Lua dim (1-based, or negative from the end) at arg, checked against ndim; 0-based. */
int mgL_check_dim(lua_State *L, int arg, int ndim);
/* As mgL_check_dim, or def when arg is none/nil. */
int mgL_opt_dim(lua_State *L, int arg, int ndim, int def);
/* A Lua dim given as a number (not from the stack). */
int mgL_dim(lua_State *L, lua_Integer dim, int ndim, const char *what);

/* Sizes given as numbers from arg on, or as one table (or a tensor's shape table) at arg;
 * stops at the first non-number. Returns ndim. */
int mgL_check_sizes(lua_State *L, int arg, int64_t *size);

/* Options in a trailing table: opts is the stack index of a table (or 0/none/nil: none). */
mg_dtype mgL_opt_dtype(lua_State *L, int opts, mg_dtype def);
bool mgL_opt_bool(lua_State *L, int opts, const char *key, bool def);
double mgL_opt_number(lua_State *L, int opts, const char *key, double def);

/* An int64 (or bool->error) tensor of 1-based Lua indices at arg, as a new tensor of 0-based
 * ones checked to lie in [0, limit) (limit < 0: no check). what names the function. */
mg_tensor *mgL_check_index(lua_State *L, int arg, const char *what, int64_t limit);
/* Pushes a 0-based int64 index tensor as Lua's 1-based one (shifts it in place). */
int mgL_push_index(lua_State *L, mg_tensor *index);

/* Frames: the frame userdata at arg (an error when it is not one); pushes f as a frame
 * userdata (raising core's error when f is NULL). A fresh frame holds new column data and
 * steps Lua's collector by its size, which the collector cannot see. */
#define MGL_FRAME "moongrad.Frame"
mg_frame *mgL_check_frame(lua_State *L, int arg);
int mgL_push_frame(lua_State *L, mg_frame *f, bool fresh);

/* Each part of the binding registers its functions: methods go into the tensor method
 * table (at stack index methods), module functions into the module table (at module). */
void mgL_open_tensor(lua_State *L, int methods, int module);
void mgL_open_elementwise(lua_State *L, int methods, int module);
void mgL_open_reduce(lua_State *L, int methods, int module);
void mgL_open_linalg(lua_State *L, int methods, int module);
void mgL_open_index(lua_State *L, int methods, int module);
void mgL_open_autograd(lua_State *L, int methods, int module);
void mgL_open_optim(lua_State *L, int methods, int module);
void mgL_open_io(lua_State *L, int methods, int module);
void mgL_open_image(lua_State *L, int methods, int module);
void mgL_open_frame(lua_State *L, int methods, int module);
void mgL_open_serialize(lua_State *L, int methods, int module);
void mgL_open_privacy(lua_State *L, int methods, int module);
void mgL_open_cluster(lua_State *L, int methods, int module);

#endif
