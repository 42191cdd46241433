/* Images in Lua: the private table core._image = {read, resize, list_dir}, which
 * moongrad/datasets.lua wraps as mg.data.read_image, mg.data.resize_image and ImageFolder
 * (options are checked there, with messages naming those functions). */
#include <dirent.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "binding.h"

/* read(path, channels, height, width, scale) -> float32 tensor {C, H, W} */
static int l_read(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  mg_image_options o = {(int)luaL_checkinteger(L, 2), luaL_checkinteger(L, 3),
                        luaL_checkinteger(L, 4), luaL_checknumber(L, 5)};
  return mgL_push(L, mg_read_image(path, &o));
}

/* resize(t, height, width) -> a new tensor */
static int l_resize(lua_State *L) {
  mg_tensor *t = mgL_check(L, 1);
  return mgL_push(L, mg_resize_bilinear(t, luaL_checkinteger(L, 2), luaL_checkinteger(L, 3)));
}

typedef struct {
  char *name;
  const char *kind;
} entry;

static int compare_entries(const void *a, const void *b) {
  return strcmp(((const entry *)a)->name, ((const entry *)b)->name);
}

static const char *kind_of(const char *dir, const char *name) {
  size_t n = strlen(dir) + strlen(name) + 2;
  char *full = malloc(n);
  struct stat st;
  const char *kind = "other";
  if (full) {
    snprintf(full, n, "%s/%s", dir, name);
    if (stat(full, &st) == 0)
      kind = S_ISDIR(st.st_mode) ? "directory" : S_ISREG(st.st_mode) ? "file" : "other";
    free(full);
  }
  return kind;
}

/* list_dir(path) -> {names...}, {kinds...} ('directory', 'file' or 'other'; symbolic links
 * followed), sorted bytewise, without '.' and '..'; or nil and a message. The directory
 * is read and closed before the first Lua call that could raise. */
static int l_list_dir(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  DIR *dir = opendir(path);
  if (!dir) {
    lua_pushnil(L);
    lua_pushfstring(L, "cannot read directory %s: %s", path, strerror(errno));
    return 2;
  }
  size_t n = 0, cap = 0;
  entry *list = NULL;
  bool oom = false;
  struct dirent *e;
  errno = 0;
  while ((e = readdir(dir)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    if (n == cap) {
      size_t grown = cap ? 2 * cap : 64;
      entry *more = realloc(list, grown * sizeof *list);
      if (!more) {
        oom = true;
        break;
      }
      list = more, cap = grown;
    }
    if (!(list[n].name = strdup(e->d_name))) {
      oom = true;
      break;
    }
    list[n].kind = kind_of(path, e->d_name);
    n++;
    errno = 0;
  }
  int err = errno;
  closedir(dir);
  if (oom || (err && !e)) {
    for (size_t i = 0; i < n; i++) free(list[i].name);
    free(list);
    lua_pushnil(L);
    lua_pushfstring(L, "cannot read directory %s: %s", path, oom ? "out of memory" : strerror(err));
    return 2;
  }
  if (n > 1) qsort(list, n, sizeof *list, compare_entries);
  lua_createtable(L, n > 0 && n < (size_t)INT32_MAX ? (int)n : 0, 0);
  lua_createtable(L, n > 0 && n < (size_t)INT32_MAX ? (int)n : 0, 0);
  for (size_t i = 0; i < n; i++) {
    lua_pushstring(L, list[i].name);
    lua_rawseti(L, -3, (lua_Integer)i + 1);
    lua_pushstring(L, list[i].kind);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
    free(list[i].name);
  }
  free(list);
  return 2;
}

void mgL_open_image(lua_State *L, int methods, int module) {
  static const luaL_Reg fns[] = {
      {"read", l_read}, {"resize", l_resize}, {"list_dir", l_list_dir}, {NULL, NULL}};
  luaL_newlib(L, fns);
  lua_setfield(L, module, "_image");
}
