-- moongrad.repl: what the prompt does with a chunk of input, apart from reading it (the
-- executable, lua/cli/main.c, does the line editing, history, completion keys and Ctrl-C).
--
--   repl.eval(code)       runs one chunk: 'incomplete' (read more), 'ok' or 'error'
--   repl.complete(text)   the completions of the word before the cursor
--   repl.repr(v)          how the prompt shows a value
--
-- Input forms: an expression prints its values (`x + 1`); a statement runs (`x = 1`); a
-- trailing `;` runs without printing; `?name` shows help; `:time <code>` runs and prints the
-- wall time; `:mem` prints resident memory and the tensor bytes held.
local mg = require 'moongrad'

local repl = {}

-- ---- showing values --------------------------------------------------------------------

local MAX_DEPTH, MAX_ITEMS, LINE_WIDTH = 3, 20, 80

local function is_identifier(k)
  return type(k) == 'string' and k:match('^[%a_][%w_]*$') ~= nil
end

-- A value inside a table: one line (tensors and modules by their first line).
local function short(v)
  if type(v) == 'string' then return ('%q'):format(v):gsub('\\\n', '\\n') end
  if mg.is_tensor(v) then
    return ('tensor{%s} %s'):format(table.concat(v.shape, ','), v.dtype)
  end
  local mt = getmetatable(v)
  if type(mt) == 'table' and mt.__tostring then
    return (tostring(v):match('^[^\n]*'))
  end
  return tostring(v)
end

local function sorted_keys(t)
  local keys, n = {}, #t
  for k in pairs(t) do
    if not (math.type(k) == 'integer' and k >= 1 and k <= n) then keys[#keys + 1] = k end
  end
  table.sort(keys, function(a, b)
    local ta, tb = type(a), type(b)
    if ta ~= tb then return ta < tb end
    if ta == 'number' or ta == 'string' then return a < b end
    return tostring(a) < tostring(b)
  end)
  return keys
end

-- A table laid out on one line when it fits, else one entry per line; nested tables to
-- MAX_DEPTH, MAX_ITEMS entries each, and a table met again on the way down as <cycle>.
local function table_repr(t, indent, open)
  local mt = getmetatable(t)
  if type(mt) == 'table' and mt.__tostring then return tostring(t) end
  if open[t] then return '<cycle: ' .. tostring(t) .. '>' end
  if indent >= MAX_DEPTH then return next(t) == nil and '{}' or '{...}' end
  open[t] = true
  local items, shown, positional = {}, 0, 0
  local function add(s) shown = shown + 1; items[#items + 1] = s end
  local keys = sorted_keys(t)
  local total = #t + #keys
  for i = 1, #t do
    if shown == MAX_ITEMS then break end
    local v = t[i]
    add(type(v) == 'table' and table_repr(v, indent + 1, open) or short(v))
    positional = i
  end
  for _, k in ipairs(keys) do
    if shown == MAX_ITEMS then break end
    local v = t[k]
    local key = is_identifier(k) and k or '[' .. short(k) .. ']'
    add(key .. ' = ' .. (type(v) == 'table' and table_repr(v, indent + 1, open) or short(v)))
  end
  open[t] = nil
  if total > shown then items[#items + 1] = ('... (%d more)'):format(total - shown) end
  if #items == 0 then return '{}' end
  local line = '{' .. table.concat(items, ', ') .. '}'
  if #line + 2 * indent <= LINE_WIDTH and not line:find('\n') then return line end
  -- One entry per line, but short positional entries fill lines as an array would.
  local pad = string.rep('  ', indent + 1)
  local lines = {}
  for i, item in ipairs(items) do
    local piece = item .. (i < #items and ',' or '')
    local last = lines[#lines]
    local packs = i <= positional or (i == #items and total > shown and positional == shown)
    if packs and i > 1 and not (last .. item):find('\n') and #last + 1 + #piece <= LINE_WIDTH then
      lines[#lines] = last .. ' ' .. piece
    else
      lines[#lines + 1] = pad .. piece
    end
  end
  return '{\n' .. table.concat(lines, '\n') .. '\n' .. string.rep('  ', indent) .. '}'
end

function repl.repr(v)
  if type(v) == 'table' then return table_repr(v, 0, {}) end
  return tostring(v)
end

-- ---- running a chunk -------------------------------------------------------------------

local CHUNK = 'stdin'

-- The traceback of an error in user code, cut where the prompt's own frames begin.
local function short_traceback(err)
  local msg = type(err) == 'string' and err or repl.repr(err)
  local lines = {}
  for line in debug.traceback('', 2):gmatch('[^\n]+') do
    if line:find("in function 'xpcall'", 1, true) or line:find('moongrad/repl.lua', 1, true) then
      break
    end
    if line ~= 'stack traceback:' then lines[#lines + 1] = line end
  end
  if #lines > 8 then
    local n = #lines
    lines = {lines[1], lines[2], lines[3], ('\t... (%d more)'):format(n - 6), lines[n - 2], lines[n - 1], lines[n]}
  end
  if #lines == 0 then return msg end
  return msg .. '\nstack traceback:\n' .. table.concat(lines, '\n')
end

-- Compiles code as an expression (so its values print) or else as statements. Returns the
-- function, or nil and the message, and whether the chunk is merely incomplete.
local function compile(code)
  local fn = load('return ' .. code, '=' .. CHUNK, 't')
  if fn then return fn end
  local err
  fn, err = load(code, '=' .. CHUNK, 't')
  if fn then return fn end
  return nil, err, err:sub(-5) == '<eof>'
end

local function report(msg) io.stderr:write(msg, '\n') io.stderr:flush() end

local function show(values)
  if values.n == 0 then return end
  local parts, multiline = {}, false
  for i = 1, values.n do
    parts[i] = repl.repr(values[i])
    multiline = multiline or parts[i]:find('\n') ~= nil
  end
  io.write(table.concat(parts, multiline and '\n' or '\t'), '\n')
  io.flush()
end

-- Runs compiled code; prints its values unless quiet. 'ok' or 'error'.
local function run(fn, quiet)
  local values = table.pack(xpcall(fn, short_traceback))
  if not values[1] then
    report(values[2])
    return 'error'
  end
  if not quiet then show(table.pack(table.unpack(values, 2, values.n))) end
  return 'ok'
end

local function resident_bytes()
  local f = io.open('/proc/self/statm')
  if not f then return nil end
  local pages = f:read('n') and f:read('n')
  f:close()
  return pages and pages * 4096
end

local function mib(bytes) return ('%.1f MiB'):format(bytes / 2 ^ 20) end

local commands = {}

function commands.time(code)
  local fn, err, incomplete = compile(code)
  if not fn then return incomplete and 'incomplete' or (report(err) or 'error') end
  local quiet = code:match(';%s*$') ~= nil
  local start = mg.clock()
  local status = run(fn, quiet)
  local seconds = mg.clock() - start
  io.write(seconds < 1 and ('time: %.3f ms\n'):format(seconds * 1e3) or ('time: %.3f s\n'):format(seconds))
  return status
end

function commands.mem()
  local live, cached = mg.memory()
  local rss = resident_bytes()
  io.write(('resident: %s; tensors: %s held, %s cached for reuse; Lua: %s\n'):format(
    rss and mib(rss) or 'unknown', mib(live), mib(cached), mib(collectgarbage('count') * 1024)))
  return 'ok'
end

function commands.help()
  io.write([[
prompt commands:
  ?name          help on a function, class or module (help(x) does the same)
  :time <code>   run code and print the wall time it took
  :mem           resident memory, tensor bytes held and cached, Lua heap
  expr;          a trailing ';' runs without printing the value
  Ctrl-C         stops running code (variables stay) or clears the line; Ctrl-D exits
]])
  return 'ok'
end

-- One chunk of input: 'incomplete' when it needs more lines, 'ok' or 'error'.
function repl.eval(code)
  if not code:match('%S') then return 'ok' end
  local name = code:match('^%s*%?%s*(.-)%s*$')
  if name then
    return run(function() if name == '' then mg.help() else mg.help(name) end end, true)
  end
  local command, rest = code:match('^%s*:(%a+)%s*(.-)%s*$')
  if command then
    if not commands[command] then
      report(("unknown command ':%s' (:help lists them)"):format(command))
      return 'error'
    end
    return commands[command](rest)
  end
  local fn, err, incomplete = compile(code)
  if incomplete then return 'incomplete' end
  if not fn then report(err) return 'error' end
  return run(fn, code:match(';%s*$') ~= nil)
end

-- ---- completion ------------------------------------------------------------------------

local KEYWORDS = {'and', 'break', 'do', 'else', 'elseif', 'end', 'false', 'for', 'function',
                  'goto', 'if', 'in', 'local', 'nil', 'not', 'or', 'repeat', 'return', 'then',
                  'true', 'until', 'while'}

-- The names a value offers after '.' (or ':' when methods_only): its own keys, those of
-- the tables its metatable's __index leads to, and what a __complete metamethod lists
-- (tensors' methods and fields, modules' children, lazily loaded submodules).
local function members(v, methods_only)
  local names, seen = {}, {}
  local function add(name, value)
    if is_identifier(name) and not seen[name] and (not methods_only or value == nil
                                                    or type(value) == 'function') then
      seen[name] = true
      names[#names + 1] = name
    end
  end
  local depth = 0
  while v ~= nil and depth < 16 do
    depth = depth + 1
    if type(v) == 'table' then
      for k, value in next, v do add(k, value) end
    end
    local mt = getmetatable(v)
    if type(mt) ~= 'table' then break end
    local list = rawget(mt, '__complete')
    if type(list) == 'function' then
      local ok, extra = pcall(list, v, methods_only)
      if ok and type(extra) == 'table' then
        for _, name in ipairs(extra) do add(name) end
      end
    end
    local index = rawget(mt, '__index')
    if type(index) ~= 'table' then
      -- Classes whose __index is a function keep their methods in the metatable itself.
      if index ~= nil and mt ~= v then v = mt else break end
    else
      v = index
    end
  end
  return names
end

-- The value a path like 'mg.nn' or 'x' names in the globals, without raising errors.
local function lookup(path)
  local value = _G
  for key in path:gmatch('[^.:]+') do
    if not is_identifier(key) then return nil end
    local ok, v = pcall(function() return value[key] end)
    if not ok or v == nil then return nil end
    value = v
  end
  return value
end

-- Completions of text (the word before the cursor): globals and keywords, or the members of
-- the value a dotted path names ('mg.nn.Li' -> 'mg.nn.Linear', 'x:su' -> 'x:sum', ...).
function repl.complete(text)
  local path, sep, partial = text:match('^([%w_.:]-)([.:])([%w_]*)$')
  local names
  if path then
    if path:match('[.:][.:]') or path:match(':.') or path == '' then return {} end
    local v = lookup(path)
    if v == nil then return {} end
    names = members(v, sep == ':')
  else
    if not text:match('^[%a_]?[%w_]*$') then return {} end
    path, sep, partial = '', '', text
    names = members(_G, false)
    for _, k in ipairs(KEYWORDS) do names[#names + 1] = k end
  end
  local out = {}
  for _, name in ipairs(names) do
    if name:sub(1, #partial) == partial and not (partial == '' and name:match('^_')) then
      out[#out + 1] = path .. sep .. name
    end
  end
  table.sort(out)
  return out
end

return repl
