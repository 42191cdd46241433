-- Documentation of the library as a whole and the tools around it: the prompt, help,
-- configuration, threads, the random seed, timing. Format in moongrad/help.lua.
return {title = 'Tools: the mg module, the prompt, help, configuration, threads, seed, timing', entries = {
  {name = 'mg', sig = "local mg = require 'moongrad'",
   desc = [[
The library. mg holds the tensor functions (mg.zeros, mg.matmul, ...: every tensor method
is also a function, mg.sum(t, 1) is t:sum(1)) and the submodules, loaded on first use:
mg.nn (networks, losses), mg.optim (optimizers, LR schedulers), mg.data (datasets,
loaders), mg.viz (drawing autograd graphs) and mg.help. At the prompt mg is already loaded.
Conventions: 1-based indices and dims, negative ones count from the end; options go in a
trailing table; default dtype float32.]],
   example = [[
local x = mg.tensor{{1, 2}, {3, 4}}
print(x:sum(2))            -- 3 7
print(mg.nn.Linear(2, 1))]]},

  {name = 'repl', sig = 'moongrad          -- no arguments: the interactive prompt',
   desc = [[
The prompt prints the value of every expression (tensors with their shape, tables
pretty-printed to a depth of 3 and 20 entries, cycles marked); a trailing ';' runs a
line without printing. An unfinished chunk (an open function, loop, table or string)
continues on the next line after '>>'. TAB completes globals, fields and methods
(x:su<TAB> offers sum, sub, sub_), module paths (mg.nn.Li<TAB>) and file names inside
strings. Ctrl-C stops running code and keeps every variable; at the prompt it clears the
line; Ctrl-D exits. History is kept in ~/.moongrad_history (or $MOONGRAD_HISTORY; the
last 1000 entries). Commands:
  ?name          help on a function, class or module (as help('name'))
  :time <code>   runs code and prints the wall time it took
  :mem           resident memory, tensor bytes held and cached, Lua's heap
  :help          lists these commands
Piped into moongrad, lines run the same way without prompts; the exit status is 1 when a
chunk failed.]],
   example = [[
-- at the prompt:
--   > x = mg.randn(3, 4);
--   > :time x:matmul(x:t())
--   > ?matmul]]},

  {name = {'mg.help', 'mg.help.text', 'mg.help.find', 'mg.help.entry', 'mg.help.entries'},
   sig = 'mg.help([x])   mg.help.text([x])   mg.help.find(name)   mg.help.entry(name_or_value)   mg.help.entries()',
   desc = [[
mg.help(x) prints the documentation of x: a function, class or module, or a value (a
tensor shows the Tensor page, a model its class's page), or a name as a string
('nn.Linear', 'Linear', 'Module:parameters', or 'x:sum' with x a global). Without an
argument, an overview of every area and its names. At the prompt, help is a global and
?name is a shortcut.
help.text(x) returns the text instead (nil and a message when nothing documents x);
help.find(name) the entry for a name (nil and the candidates when ambiguous);
help.entry(x) the entry documenting exactly that name or value; help.entries() all.]],
   example = [[
mg.help(mg.zeros)
mg.help('nn.Linear')
print(mg.help.text('no_such_name'))   -- nil   help: no documentation for 'no_such_name' ...
print(#mg.help.entries() > 100)        -- true]]},

  {name = 'mg.config', sig = 'mg.config() -> {version, lua, threads, blas = {core, config}}',
   desc = [[
How this moongrad is set up: its version, the Lua version, the number of threads, and
the OpenBLAS kernel chosen for this CPU (blas.core, e.g. 'SkylakeX' or 'Haswell') with
OpenBLAS's build configuration (blas.config). moongrad picks the fastest kernel the CPU
supports unless OPENBLAS_CORETYPE is set in the environment before it starts.]],
   example = [[
local c = mg.config()
print(c.version, c.threads, c.blas.core)]]},

  {name = {'mg.set_num_threads', 'mg.get_num_threads'},
   sig = 'mg.set_num_threads(n)   mg.get_num_threads() -> n',
   desc = [[
The number of threads large elementwise ops, reductions and OpenBLAS's matrix products
use (one pool: they never spin against each other). Small tensors stay on one thread.
n must be a positive integer; the default is the number of cores.]],
   example = [[
local n = mg.get_num_threads()
mg.set_num_threads(1)
print(mg.get_num_threads())   -- 1
mg.set_num_threads(n)]]},

  {name = 'mg.manual_seed', sig = 'mg.manual_seed(seed)',
   desc = [[
Seeds the one random generator behind mg.rand, randn, randint, randperm, dropout, weight
initialisation and DataLoader shuffling, so that a script gives the same numbers every
run. seed is an integer.]],
   example = [[
mg.manual_seed(42)
local a = mg.rand(3)
mg.manual_seed(42)
print(mg.rand(3):eq(a):sum():item() == 3)   -- true]]},

  {name = 'mg.clock', sig = 'mg.clock() -> seconds',
   desc = [[
Wall-clock seconds from a monotonic clock, for timing code (os.clock counts CPU time of
every thread, which is not what a user waits for).]],
   example = [[
local start = mg.clock()
mg.randn(100, 100):matmul(mg.randn(100, 100))
print(('%.3f ms'):format((mg.clock() - start) * 1e3))]]},
}}
