/* The moongrad executable: Lua 5.4 with moongrad built in. As the `lua` program:
 *   moongrad                  interactive prompt (readline)
 *   moongrad script.lua args  runs a script with `arg` set
 *   -e stat  runs a statement;  -l name  requires a module into global `name`;
 *   -i  enters the prompt after the script;  -v  prints the version;  -  reads stdin.
 * Lua finds moongrad's Lua files next to the executable: in the source tree
 * (build/../lua) or an installed prefix (bin/../share/lua/5.4). */
#include <lauxlib.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <sys/select.h>
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

/* ---- the prompt ------------------------------------------------------------------------
 * The executable reads lines (readline on a terminal, plain lines from a pipe), keeps the
 * history and answers TAB and Ctrl-C; moongrad.repl (Lua) decides what a chunk means, runs
 * it and prints its values, and lists completions. */

#define HISTORY_LINES 1000

static lua_State *running;                /* set while a chunk runs: Ctrl-C stops it */
static volatile sig_atomic_t interrupted; /* Ctrl-C at the prompt */

/* As lua.c does: a Ctrl-C sets a hook, and the hook raises the error at the next Lua step,
 * so the chunk unwinds through pcall and the globals stay as they were. */
static void stop_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  lua_sethook(L, NULL, 0, 0);
  luaL_error(L, "interrupted (Ctrl-C)");
}

static void on_sigint(int sig) {
  (void)sig;
  if (running) {
    (void)!write(STDERR_FILENO, "\n", 1); /* after the terminal's ^C */
    lua_sethook(running, stop_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKLINE | LUA_MASKCOUNT, 1);
  } else {
    interrupted = 1;
  }
}

/* Calls repl.<name>(string) under the Ctrl-C handler; leaves one result on the stack. */
static int call_repl(lua_State *L, const char *name, const char *arg) {
  lua_getfield(L, LUA_REGISTRYINDEX, "moongrad.repl");
  lua_getfield(L, -1, name);
  lua_remove(L, -2);
  lua_pushstring(L, arg);
  running = L;
  int status = report_call(L, 1, 1);
  running = NULL;
  lua_sethook(L, NULL, 0, 0);
  if (status != LUA_OK) lua_pushnil(L);
  return status;
}

static int completion_index;
static lua_State *completion_state;

/* readline's generator: the i-th string of the table repl.complete returned (on the stack). */
static char *next_completion(const char *text, int state) {
  (void)text;
  lua_State *L = completion_state;
  if (!state) completion_index = 0;
  if (!lua_istable(L, -1)) return NULL;
  lua_geti(L, -1, ++completion_index);
  const char *s = lua_tostring(L, -1);
  char *copy = s ? strdup(s) : NULL;
  lua_pop(L, 1);
  return copy;
}

/* TAB: file names inside a string literal, Lua names (through moongrad.repl) elsewhere. */
static char **complete(const char *text, int start, int end) {
  (void)start, (void)end;
  rl_attempted_completion_over = 1;
  rl_completion_append_character = '\0';
  if (rl_completion_quote_character)
    return rl_completion_matches(text, rl_filename_completion_function);
  lua_State *L = completion_state;
  int top = lua_gettop(L);
  call_repl(L, "complete", text);
  char **matches = rl_completion_matches(text, next_completion);
  lua_settop(L, top);
  return matches;
}

static char *history_path(void) {
  const char *file = getenv("MOONGRAD_HISTORY"), *home = getenv("HOME");
  if (file) return *file ? strdup(file) : NULL;
  if (!home) return NULL;
  char *path = malloc(strlen(home) + sizeof "/.moongrad_history");
  if (path) sprintf(path, "%s/.moongrad_history", home);
  return path;
}

/* One line from readline's callback interface, so that a Ctrl-C can clear the line being
 * typed: returns 1 with *line set (NULL at Ctrl-D), or 0 when Ctrl-C cleared the line. */
static char *line_read;
static int line_ready;
static void on_line(char *line) {
  line_read = line;
  line_ready = 1;
  rl_callback_handler_remove();
}

static int read_line(const char *prompt, char **line) {
  sigset_t block, unblocked;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigprocmask(SIG_BLOCK, &block, &unblocked);
  line_ready = 0;
  rl_callback_handler_install(prompt, on_line);
  int got_line = 1;
  while (!line_ready) {
    fd_set fds;
    FD_ZERO(&fds);
    FD_SET(fileno(rl_instream), &fds);
    int ready = pselect(fileno(rl_instream) + 1, &fds, NULL, NULL, NULL, &unblocked);
    if (interrupted) {
      interrupted = 0;
      rl_point = rl_end;
      rl_redisplay();
      fputs("^C\n", rl_outstream);
      rl_replace_line("", 0);
      rl_callback_sigcleanup();
      rl_callback_handler_remove();
      got_line = 0;
      break;
    }
    if (ready > 0) rl_callback_read_char();
    else if (errno != EINTR) {
      rl_callback_handler_remove();
      line_read = NULL;
      break;
    }
  }
  sigprocmask(SIG_SETMASK, &unblocked, NULL);
  *line = got_line ? line_read : NULL;
  return got_line;
}

/* A line from a pipe (no prompt), without its newline; NULL at the end of input. */
static char *read_plain_line(void) {
  char *line = NULL;
  size_t cap = 0;
  ssize_t n = getline(&line, &cap, stdin);
  if (n < 0) {
    free(line);
    return NULL;
  }
  if (n > 0 && line[n - 1] == '\n') line[n - 1] = '\0';
  return line;
}

/* Reads chunks until the end of input: a chunk the parser finds incomplete continues on the
 * next line. On a terminal: prompts, history (HISTORY_LINES, in ~/.moongrad_history or
 * $MOONGRAD_HISTORY), completion. Returns LUA_OK, or an error status when the input was
 * piped and a chunk failed (as a script would). */
static int prompt_loop(lua_State *L) {
  int tty = isatty(STDIN_FILENO), failed = 0;
  char *history = NULL;
  if (tty) {
    printf("moongrad %s (%s): help() for help, ?name for a page, Ctrl-D to exit\n",
           mg_version(), LUA_RELEASE);
    history = history_path();
    using_history();
    stifle_history(HISTORY_LINES);
    if (history) read_history(history);
    completion_state = L;
    rl_readline_name = "moongrad";
    rl_catch_signals = 0;
    rl_attempted_completion_function = complete;
    rl_completer_quote_characters = "\"'";
    rl_basic_word_break_characters = " \t\n\"'><=;|&{(,+-*/%^#~[]}";
    signal(SIGINT, on_sigint);
  }
  lua_pushliteral(L, "");
  int pending = lua_gettop(L);
  for (;;) {
    int continuing = lua_rawlen(L, pending) > 0;
    char *line = NULL;
    if (tty) {
      if (!read_line(continuing ? ">> " : "> ", &line)) {
        lua_pushliteral(L, ""); /* Ctrl-C drops the chunk being typed */
        lua_replace(L, pending);
        continue;
      }
    } else {
      line = read_plain_line();
    }
    if (!line) break;
    lua_pushvalue(L, pending);
    lua_pushfstring(L, "%s%s", continuing ? "\n" : "", line);
    lua_concat(L, 2);
    lua_replace(L, pending);
    free(line);
    const char *code = lua_tostring(L, pending);
    call_repl(L, "eval", code);
    const char *status = lua_tostring(L, -1);
    if (status && strcmp(status, "incomplete") == 0) {
      lua_pop(L, 1);
      continue;
    }
    if (!status || strcmp(status, "error") == 0) failed = 1;
    if (tty && *code) {
      add_history(code);
      if (history && append_history(1, history) != 0) write_history(history);
    }
    lua_pop(L, 1);
    lua_pushliteral(L, "");
    lua_replace(L, pending);
  }
  if (lua_rawlen(L, pending) > 0) { /* the input ended inside a chunk */
    fprintf(stderr, "moongrad: unfinished chunk at the end of input\n");
    failed = 1;
  }
  lua_pop(L, 1);
  if (tty) {
    printf("\n");
    if (history) history_truncate_file(history, HISTORY_LINES);
    free(history);
  }
  return failed && !tty ? LUA_ERRRUN : LUA_OK;
}

/* The prompt's globals: mg (moongrad) and help; the REPL's own module in the registry. */
static int open_prompt(lua_State *L) {
  lua_getglobal(L, "require");
  lua_pushliteral(L, "moongrad");
  if (report_call(L, 1, 1) != LUA_OK) return 0;
  lua_getfield(L, -1, "help");
  lua_setglobal(L, "help");
  lua_setglobal(L, "mg");
  lua_getglobal(L, "require");
  lua_pushliteral(L, "moongrad.repl");
  if (report_call(L, 1, 1) != LUA_OK) return 0;
  lua_setfield(L, LUA_REGISTRYINDEX, "moongrad.repl");
  return 1;
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
  if (interactive && status == LUA_OK)
    status = open_prompt(L) ? prompt_loop(L) : LUA_ERRRUN;
  lua_close(L);
  return status == LUA_OK ? 0 : 1;
}
