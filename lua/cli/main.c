/* The moongrad executable: Lua 5.4 with moongrad built in. As the `lua` program:
 *   moongrad                  interactive prompt (readline)
 *   moongrad script.lua args  runs a script with `arg` set
 *   -e stat  runs a statement;  -l name  requires a module into global `name`;
 *   -i  enters the prompt after the script;  -v  prints the version;  -  reads stdin.
 * Lua finds moongrad's Lua files next to the executable: in the source tree
 * (build/../lua) or an installed prefix (bin/../share/lua/5.4). */
#include <lauxlib.h>
#include <limits.h>
#include <lua.h>
#include <lualib.h>
#include <readline/history.h>
#include <readline/readline.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "moongrad.h"

int luaopen_moongrad_core(lua_State *L);

static int traceback(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (!msg) msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  luaL_traceback(L, L, msg, 1);
  return 1;
}

/* Calls the function below its nargs arguments, reporting an error on stderr. */
static int report_call(lua_State *L, int nargs, int nresults) {
  int base = lua_gettop(L) - nargs;
  lua_pushcfunction(L, traceback);
  lua_insert(L, base);
  int status = lua_pcall(L, nargs, nresults, base);
  lua_remove(L, base);
  if (status != LUA_OK) {
    fprintf(stderr, "moongrad: %s\n", lua_tostring(L, -1));
    lua_pop(L, 1);
  }
  return status;
}

/* package.path/cpath gain the directories next to the executable; moongrad.core is built
 * in, so it is preloaded. */
static void set_paths(lua_State *L) {
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  lua_getglobal(L, "package");
  if (n > 0) {
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash) *slash = '\0';
    lua_getfield(L, -1, "path");
    lua_pushfstring(L, "%s/../lua/?.lua;%s/../lua/?/init.lua;%s/../share/lua/5.4/?.lua;"
                       "%s/../share/lua/5.4/?/init.lua;%s",
                    exe, exe, exe, exe, lua_tostring(L, -1));
    lua_setfield(L, -3, "path");
    lua_pop(L, 1);
  }
  lua_getfield(L, -1, "preload");
  lua_pushcfunction(L, luaopen_moongrad_core);
  lua_setfield(L, -2, "moongrad.core");
  lua_pop(L, 2);
}

/* Runs a chunk just loaded with the given status, reporting a load error. */
static int run_chunk(lua_State *L, int status) {
  if (status == LUA_OK) return report_call(L, 0, 0);
  fprintf(stderr, "moongrad: %s\n", lua_tostring(L, -1));
  lua_pop(L, 1);
  return status;
}

/* Prints what a prompt line returned, through tostring (tensors print their values). */
static void print_results(lua_State *L, int base) {
  int n = lua_gettop(L) - base;
  if (n == 0) return;
  lua_getglobal(L, "print");
  lua_insert(L, base + 1);
  report_call(L, n, 0);
}

/* The prompt: a line is first tried as `return <line>` so expressions print; an incomplete
 * chunk (the parser stops at <eof>) continues on the next line. */
static void prompt_loop(lua_State *L) {
  char *line;
  lua_pushliteral(L, "");
  int pending = lua_gettop(L);
  while ((line = readline(lua_rawlen(L, pending) ? ">> " : "> ")) != NULL) {
    if (*line) add_history(line);
    lua_pushfstring(L, "%s%s%s", lua_tostring(L, pending), lua_rawlen(L, pending) ? "\n" : "", line);
    lua_replace(L, pending);
    free(line);
    const char *code = lua_tostring(L, pending);
    int base = lua_gettop(L);
    const char *ret = lua_pushfstring(L, "return %s", code);
    int status = luaL_loadbuffer(L, ret, strlen(ret), "=stdin");
    lua_remove(L, -2);
    if (status != LUA_OK) {
      lua_pop(L, 1);
      status = luaL_loadbuffer(L, code, strlen(code), "=stdin");
    }
    if (status == LUA_ERRSYNTAX) {
      const char *msg = lua_tostring(L, -1);
      size_t len = strlen(msg);
      if (len >= 5 && strcmp(msg + len - 5, "<eof>") == 0) {
        lua_pop(L, 1);
        continue; /* incomplete: keep reading */
      }
    }
    if (status == LUA_OK && report_call(L, 0, LUA_MULTRET) == LUA_OK) print_results(L, base);
    else if (status != LUA_OK) fprintf(stderr, "moongrad: %s\n", lua_tostring(L, -1));
    lua_settop(L, base);
    lua_pushliteral(L, "");
    lua_replace(L, pending);
  }
  printf("\n");
}

static void usage(void) {
  fprintf(stderr, "usage: moongrad [-e stat] [-l name] [-i] [-v] [script [args]]\n");
}

int main(int argc, char **argv) {
  lua_State *L = luaL_newstate();
  if (!L) return 1;
  luaL_openlibs(L);
  set_paths(L);
  int interactive = argc == 1, status = LUA_OK, script = 0;
  for (int i = 1; i < argc && status == LUA_OK && !script; i++) {
    const char *a = argv[i];
    if (strcmp(a, "-e") == 0 && i + 1 < argc) {
      status = run_chunk(L, luaL_loadstring(L, argv[++i]));
    } else if (strcmp(a, "-l") == 0 && i + 1 < argc) {
      lua_getglobal(L, "require");
      lua_pushstring(L, argv[++i]);
      status = report_call(L, 1, 1);
      if (status == LUA_OK) lua_setglobal(L, argv[i]);
    } else if (strcmp(a, "-i") == 0) {
      interactive = 1;
    } else if (strcmp(a, "-v") == 0) {
      printf("moongrad %s (%s)\n", mg_version(), LUA_RELEASE);
    } else if (a[0] == '-' && strcmp(a, "-") != 0) {
      usage();
      status = LUA_ERRRUN;
    } else {
      script = i;
    }
  }
  if (script && status == LUA_OK) {
    lua_createtable(L, argc - script - 1, script + 1);
    for (int i = 0; i < argc; i++) {
      lua_pushstring(L, argv[i]);
      lua_rawseti(L, -2, i - script);
    }
    lua_setglobal(L, "arg");
    const char *path = strcmp(argv[script], "-") == 0 ? NULL : argv[script];
    status = luaL_loadfile(L, path);
    if (status == LUA_OK)
      for (int i = script + 1; i < argc; i++) lua_pushstring(L, argv[i]);
    status = status == LUA_OK ? report_call(L, argc - script - 1, 0) : run_chunk(L, status);
  }
  if (interactive && status == LUA_OK) prompt_loop(L);
  lua_close(L);
  return status == LUA_OK ? 0 : 1;
}
