/* safetensors files and JSON, for moongrad.serialize (lua/moongrad/serialize.lua), which
 * stores a Lua value as named tensors plus a JSON description of everything else:
 *   _safetensors_save(path, names, tensors [, metadata])  two lists of one length, and a
 *                                                          table of strings to strings
 *   _safetensors_load(path) -> names, tensors, metadata    the lists in the file's order
 *   _json_encode(value) -> text    strings, booleans, numbers and tables: {} and 1..n lists
 *                                  become arrays, string-keyed tables objects (keys sorted, so
 *                                  that the same value always gives the same text)
 *   _json_decode(text) -> value    arrays become lists; integral numbers up to 2^53 integers
 * Errors name the function (save, load, json_encode, json_decode) and carry no position:
 * moongrad.serialize raises them again from the user's line. */
#include <cjson/cJSON.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "binding.h"

#define MAX_EXACT_INTEGER 9007199254740992.0 /* 2^53: cJSON keeps numbers as doubles */

/* The string at idx (a string, not a number), or a Lua error naming what it is. */
static const char *check_text(lua_State *L, int idx, const char *path, const char *what) {
  if (lua_type(L, idx) != LUA_TSTRING)
    luaL_error(L, "save: %s: %s must be a string, got %s", path, what, luaL_typename(L, idx));
  size_t len;
  const char *s = lua_tolstring(L, idx, &len);
  if (strlen(s) != len) luaL_error(L, "save: %s: %s holds a zero byte", path, what);
  return s;
}

/* _safetensors_save(path, names, tensors [, metadata]). The strings and tensors stay
 * referenced by the argument tables, so the pointers taken from them stay valid. */
static int l_safetensors_save(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  luaL_checktype(L, 3, LUA_TTABLE);
  bool has_metadata = !lua_isnoneornil(L, 4);
  if (has_metadata) luaL_checktype(L, 4, LUA_TTABLE);
  lua_Integer n = luaL_len(L, 2);
  if (luaL_len(L, 3) != n || n > INT_MAX)
    return luaL_error(L, "save: %s: %I names for %I tensors", path, n, luaL_len(L, 3));
  const char **names = lua_newuserdatauv(L, (size_t)(n + 1) * sizeof *names, 0);
  const mg_tensor **tensors = lua_newuserdatauv(L, (size_t)(n + 1) * sizeof *tensors, 0);
  for (lua_Integer k = 0; k < n; k++) {
    lua_rawgeti(L, 2, k + 1);
    names[k] = check_text(L, -1, path, "a tensor name");
    lua_rawgeti(L, 3, k + 1);
    tensors[k] = mgL_test(L, -1);
    if (!tensors[k])
      return luaL_error(L, "save: %s: entry %I of the tensors is a %s", path, k + 1,
                        luaL_typename(L, -1));
    lua_pop(L, 2);
  }
  int nmeta = 0;
  if (has_metadata) {
    for (lua_pushnil(L); lua_next(L, 4); lua_pop(L, 1)) nmeta++;
  }
  const char **keys = lua_newuserdatauv(L, (size_t)(nmeta + 1) * sizeof *keys, 0);
  const char **values = lua_newuserdatauv(L, (size_t)(nmeta + 1) * sizeof *values, 0);
  if (has_metadata) {
    int i = 0;
    for (lua_pushnil(L); lua_next(L, 4); lua_pop(L, 1), i++) {
      keys[i] = check_text(L, -2, path, "a metadata key");
      values[i] = check_text(L, -1, path, "a metadata value");
    }
  }
  if (mg_safetensors_save(path, (int)n, names, tensors, nmeta, keys, values)) return mgL_error(L);
  return 0;
}

/* _safetensors_load(path) -> names, tensors, metadata */
static int l_safetensors_load(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  mg_safetensors *st = mg_safetensors_load(path);
  if (!st) return mgL_error(L);
  lua_createtable(L, st->ntensors, 0);
  lua_createtable(L, st->ntensors, 0);
  for (int k = 0; k < st->ntensors; k++) {
    lua_pushstring(L, st->names[k]);
    lua_rawseti(L, -3, k + 1);
    mgL_push(L, st->tensors[k]); /* the Lua tensor owns it now */
    st->tensors[k] = NULL;
    lua_rawseti(L, -2, k + 1);
  }
  lua_createtable(L, 0, st->nmetadata);
  for (int i = 0; i < st->nmetadata; i++) {
    lua_pushstring(L, st->metadata_values[i]);
    lua_setfield(L, -2, st->metadata_keys[i]);
  }
  mg_safetensors_free(st);
  return 3;
}

/* ---- JSON ------------------------------------------------------------------------------- */

static int compare_keys(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Adds item (NULL: a failure already described) to an array, or to an object under key. */
static bool attach(cJSON *container, const char *key, cJSON *item) {
  if (item && (key ? cJSON_AddItemToObject(container, key, item) : cJSON_AddItemToArray(container, item)))
    return true;
  cJSON_Delete(item);
  return false;
}

static cJSON *to_json(lua_State *L, int idx, int depth, const char **why);

/* The JSON of the table at idx: an object when every key is a string, an array when the
 * keys are 1..n (or there are none). */
static cJSON *table_to_json(lua_State *L, int idx, int depth, const char **why) {
  if (depth >= CJSON_NESTING_LIMIT || !lua_checkstack(L, 4)) {
    *why = "tables nested too deeply";
    return NULL;
  }
  size_t count = 0, nstrings = 0, nlist = 0;
  for (lua_pushnil(L); lua_next(L, idx); lua_pop(L, 1)) count++;
  for (lua_pushnil(L); lua_next(L, idx); lua_pop(L, 1)) {
    if (lua_type(L, -2) == LUA_TSTRING) nstrings++;
    else if (lua_isinteger(L, -2) && lua_tointeger(L, -2) >= 1 && lua_tointeger(L, -2) <= (lua_Integer)count)
      nlist++; /* count distinct keys in 1..count are all of 1..count */
  }
  bool object = count > 0 && nstrings == count;
  if (!object && nlist != count) {
    *why = "a table whose keys are neither all strings nor 1..n";
    return NULL;
  }
  cJSON *json = object ? cJSON_CreateObject() : cJSON_CreateArray();
  const char **keys = object ? malloc(count * sizeof *keys) : NULL;
  if (!json || (object && !keys)) {
    *why = "out of memory";
    cJSON_Delete(json);
    free(keys);
    return NULL;
  }
  bool ok = true;
  if (object) {
    size_t i = 0;
    for (lua_pushnil(L); lua_next(L, idx); lua_pop(L, 1)) keys[i++] = lua_tostring(L, -2);
    qsort(keys, count, sizeof *keys, compare_keys);
    for (i = 0; ok && i < count; i++) {
      lua_pushstring(L, keys[i]);
      lua_rawget(L, idx);
      ok = attach(json, keys[i], to_json(L, lua_gettop(L), depth + 1, why));
      lua_pop(L, 1);
    }
  } else {
    for (size_t i = 1; ok && i <= count; i++) {
      lua_rawgeti(L, idx, (lua_Integer)i);
      ok = attach(json, NULL, to_json(L, lua_gettop(L), depth + 1, why));
      lua_pop(L, 1);
    }
  }
  free(keys);
  if (ok) return json;
  cJSON_Delete(json);
  return NULL;
}

/* The JSON of the Lua value at idx (an absolute index), or NULL with the reason in *why. */
static cJSON *to_json(lua_State *L, int idx, int depth, const char **why) {
  cJSON *json = NULL;
  switch (lua_type(L, idx)) {
  case LUA_TSTRING: {
    size_t len;
    const char *s = lua_tolstring(L, idx, &len);
    if (strlen(s) != len) {
      *why = "a string holds a zero byte";
      return NULL;
    }
    json = cJSON_CreateString(s);
    break;
  }
  case LUA_TBOOLEAN:
    json = cJSON_CreateBool(lua_toboolean(L, idx));
    break;
  case LUA_TNUMBER: {
    double d = lua_tonumber(L, idx);
    if (lua_isinteger(L, idx) ? fabs(d) > MAX_EXACT_INTEGER : !isfinite(d)) {
      *why = "a number JSON cannot hold exactly (an integer beyond 2^53, inf or nan)";
      return NULL;
    }
    json = cJSON_CreateNumber(d);
    break;
  }
  case LUA_TTABLE:
    return table_to_json(L, idx, depth, why);
  default:
    *why = luaL_typename(L, idx);
    return NULL;
  }
  if (!json) *why = "out of memory";
  return json;
}

static int l_json_encode(lua_State *L) {
  luaL_checkany(L, 1);
  lua_settop(L, 1);
  const char *why = NULL;
  cJSON *json = to_json(L, 1, 0, &why);
  if (!json) return luaL_error(L, "json_encode: cannot encode %s", why);
  char *text = cJSON_PrintUnformatted(json);
  cJSON_Delete(json);
  if (!text) return luaL_error(L, "json_encode: out of memory");
  lua_pushstring(L, text);
  free(text);
  return 1;
}

/* Pushes the Lua value of item; NULL, or why it cannot (then the stack may hold partial
 * results). cJSON's parser stops at CJSON_NESTING_LIMIT levels, which bounds the recursion. */
static const char *push_json(lua_State *L, const cJSON *item) {
  if (!lua_checkstack(L, 3)) return "nested too deeply";
  if (cJSON_IsString(item)) {
    lua_pushstring(L, item->valuestring);
  } else if (cJSON_IsNumber(item)) {
    double d = item->valuedouble;
    if (fabs(d) <= MAX_EXACT_INTEGER && d == floor(d)) lua_pushinteger(L, (lua_Integer)d);
    else lua_pushnumber(L, d);
  } else if (cJSON_IsBool(item)) {
    lua_pushboolean(L, cJSON_IsTrue(item));
  } else if (cJSON_IsArray(item) || cJSON_IsObject(item)) {
    bool array = cJSON_IsArray(item);
    int n = cJSON_GetArraySize(item);
    lua_createtable(L, array ? n : 0, array ? 0 : n);
    lua_Integer i = 0;
    for (const cJSON *child = item->child; child; child = child->next) {
      if (!array) lua_pushstring(L, child->string);
      const char *why = push_json(L, child);
      if (why) return why;
      if (array) lua_rawseti(L, -2, ++i);
      else lua_rawset(L, -3);
    }
  } else {
    return "null is not supported";
  }
  return NULL;
}

static int l_json_decode(lua_State *L) {
  size_t len;
  const char *text = luaL_checklstring(L, 1, &len);
  const char *end = NULL;
  /* len + 1 takes in the NUL that ends every Lua string, which is what cJSON looks for
   * after the value when it must end the text. */
  cJSON *json = cJSON_ParseWithLengthOpts(text, len + 1, &end, true);
  if (!json)
    return luaL_error(L, "json_decode: not valid JSON (error at byte %d)", (int)(end ? end - text : 0));
  int top = lua_gettop(L);
  const char *why = push_json(L, json);
  cJSON_Delete(json);
  if (why) {
    lua_settop(L, top);
    return luaL_error(L, "json_decode: %s", why);
  }
  return 1;
}

void mgL_open_serialize(lua_State *L, int methods, int module) {
  static const luaL_Reg fns[] = {{"_safetensors_save", l_safetensors_save},
                                 {"_safetensors_load", l_safetensors_load},
                                 {"_json_encode", l_json_encode},
                                 {"_json_decode", l_json_decode},
                                 {NULL, NULL}};
  lua_pushvalue(L, module);
  luaL_setfuncs(L, fns, 0);
  lua_pop(L, 1);
}
