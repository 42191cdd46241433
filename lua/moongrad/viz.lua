-- moongrad.viz (mg.viz): pictures of what autograd recorded.
--
--   mg.viz.graph(y, 'y.svg')   the graph behind y as Graphviz DOT, SVG or PNG
--
-- The graph is drawn as micrograd draws its: a box per tensor (name, shape, dtype, and
-- for small tensors the values and the gradient) and an ellipse per op, with arrows in the
-- direction of the forward computation, inputs -> op -> output. The core walks the graph
-- (core._graph, breadth-first, each node once, no recursion) and hands back plain tables;
-- this file turns them into DOT text and runs Graphviz's `dot` for pictures.
local mg = require 'moongrad'
local core = require 'moongrad.core'

local viz = {}

-- The Graphviz command run for .svg and .png (a name looked up on PATH, or a path).
viz.dot = 'dot'

local FORMATS = {dot = true, svg = 'svg', png = 'png'}
local OPTIONS = {title = true, values = true, names = true, rankdir = true}
local DEFAULT_MAX_VALUES = 8

-- ---- labels -----------------------------------------------------------------------------

-- A DOT quoted string of label lines: backslashes and quotes escaped, lines joined by \n.
local function dot_string(lines)
  local out = {}
  for i, line in ipairs(lines) do
    line = tostring(line)
    if line:find('[\\"\r\n]') then
      line = line:gsub('\r\n?', '\n'):gsub('[\\"]', '\\%0'):gsub('\n', '\\n')
    end
    out[i] = line
  end
  return '"' .. table.concat(out, '\\n') .. '"'
end

local function shape_str(shape) return '{' .. table.concat(shape, ',') .. '}' end

local function number_str(v)
  if math.type(v) == 'integer' or type(v) ~= 'number' then return tostring(v) end
  if v ~= v then return 'nan' end
  return (string.format('%.4g', v))
end

-- Values as nested brackets ([[1, 2], [3, 4]]); a 0-d tensor's as its number.
local function values_str(v)
  if type(v) ~= 'table' then return number_str(v) end
  local parts = {}
  for i, x in ipairs(v) do parts[i] = values_str(x) end
  return '[' .. table.concat(parts, ', ') .. ']'
end

-- The label lines of a tensor box. t may be nil (an intermediate result the graph does not
-- keep): then the shape and dtype come from the edge.
local function tensor_lines(name, t, shape, dtype, max_values, note)
  local lines = {}
  if name then lines[#lines + 1] = name end
  if note then lines[#lines + 1] = note end
  lines[#lines + 1] = shape_str(t and t.shape or shape) .. ' ' .. (t and t.dtype or dtype)
  if t and max_values and t:numel() <= max_values then
    lines[#lines + 1] = 'data ' .. values_str(t:totable())
    local g = t.grad
    if g then lines[#lines + 1] = 'grad ' .. values_str(g:totable()) end
  end
  return lines
end

-- ---- names ------------------------------------------------------------------------------

-- Whether v is an mg.nn.Module instance (as Module.is_module says, without loading mg.nn
-- and without indexing tables that are not modules).
local function is_module(v)
  if type(v) ~= 'table' or rawget(v, '_modules') == nil then return false end
  local ok, is = pcall(function() return type(v.named_parameters) == 'function' end)
  return ok and is
end

-- Adds name -> value to the maps by_tensor and by_node (keyed by core._tensor_key) when
-- value is a tensor, or its parameters ('model.fc1.weight') when it is a module. The first
-- name given to a tensor stays.
local function add_name(named, name, value)
  if mg.is_tensor(value) then
    local key, node = core._tensor_key(value)
    if not named.by_tensor[key] then named.by_tensor[key] = name end
    if node and not named.by_node[node] then named.by_node[node] = {name = name, tensor = value} end
    return true
  end
  if is_module(value) then
    pcall(function()
      for pname, p in value:named_parameters() do add_name(named, name .. '.' .. pname, p) end
    end)
    return true
  end
  return false
end

-- Names from the scope of the function at stack level `level`: its locals, its upvalues,
-- then the globals (sorted, so the same program gives the same picture).
local function scope_names(named, level)
  if not debug.getinfo(level + 1, 'f') then return end -- called from C at the top
  local i = 1
  while true do
    local k, v = debug.getlocal(level + 1, i)
    if not k then break end
    if k:sub(1, 1) ~= '(' then add_name(named, k, v) end
    i = i + 1
  end
  local info = debug.getinfo(level + 1, 'f')
  if info and info.func then
    local j = 1
    while true do
      local k, v = debug.getupvalue(info.func, j)
      if not k then break end
      if k ~= '_ENV' then add_name(named, k, v) end
      j = j + 1
    end
  end
  local globals = {}
  for k, v in pairs(_G) do
    if type(k) == 'string' and (mg.is_tensor(v) or is_module(v)) then globals[#globals + 1] = k end
  end
  table.sort(globals)
  for _, k in ipairs(globals) do add_name(named, k, rawget(_G, k)) end
end

-- ---- DOT --------------------------------------------------------------------------------

local STYLE = {
  leaf = 'shape=box, style="rounded,filled", fillcolor="#dbeafe"',
  root = 'shape=box, style="rounded,filled", fillcolor="#dcfce7"',
  tensor = 'shape=box, style=rounded',
  const = 'shape=box, style="rounded,dashed", color="#9ca3af", fontcolor="#6b7280"',
  op = 'shape=ellipse, style=filled, fillcolor="#f3f4f6"',
}

local function to_dot(t, opts, named)
  local g = core._graph(t)
  local max_values = opts.values
  if max_values == nil or max_values == true then max_values = DEFAULT_MAX_VALUES end
  if max_values == false then max_values = nil end
  local out, n = {'digraph moongrad {'}, 1
  local function emit(s)
    n = n + 1
    out[n] = s
  end
  emit('  graph [rankdir=' .. (opts.rankdir or 'LR') .. (opts.title and
       (', label=' .. dot_string{opts.title} .. ', labelloc=t') or '') .. '];')
  emit('  node [fontname="Helvetica", fontsize=11];')
  emit('  edge [color="#4b5563"];')
  local function node(id, style, lines) emit('  ' .. id .. ' [' .. style .. ', label=' .. dot_string(lines) .. '];') end
  local function edge(from, to) emit('  ' .. from .. ' -> ' .. to .. ';') end

  local root_key = core._tensor_key(t)
  node('root', t.grad_fn == nil and t.requires_grad and STYLE.leaf or STYLE.root,
       tensor_lines(named.by_tensor[root_key], t, nil, nil, max_values))
  for j, leaf in ipairs(g.leaves) do
    node('leaf' .. j, STYLE.leaf, tensor_lines(named.by_tensor[core._tensor_key(leaf)], leaf, nil, nil, max_values))
  end
  -- The tensor each op makes: the root for ops[1], else a box named after a tensor the
  -- user holds (with its values) or showing the shape its consumers recorded.
  local made = {}
  for k, op in ipairs(g.ops) do
    node('op' .. k, STYLE.op, {op.name})
    if k == 1 then made[k] = 'root' else made[k] = 'out' .. k end
  end
  local shown = {}
  for k, op in ipairs(g.ops) do
    for i, input in ipairs(op.inputs) do
      local from
      if input.op then
        from = made[input.op]
        if not shown[input.op] then
          shown[input.op] = true
          local held = named.by_node[g.ops[input.op].key]
          node(from, STYLE.tensor, tensor_lines(held and held.name, held and held.tensor,
                                                input.shape, input.dtype, max_values))
          edge('op' .. input.op, from)
        end
      elseif input.leaf then
        from = 'leaf' .. input.leaf
      else
        from = 'const' .. k .. '_' .. i
        node(from, STYLE.const, tensor_lines(nil, nil, input.shape, input.dtype, nil, 'no grad'))
      end
      edge(from, 'op' .. k)
    end
  end
  if g.ops[1] then edge('op1', 'root') end
  emit('}')
  return table.concat(out, '\n') .. '\n'
end

-- ---- files ------------------------------------------------------------------------------

local function shell_quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

local function write_file(path, text)
  local f, err = io.open(path, 'wb')
  if not f then
    if err:sub(1, #path + 2) == path .. ': ' then err = err:sub(#path + 3) end
    return nil, ('viz.graph: cannot write %s (%s)'):format(path, err)
  end
  local ok, werr = f:write(text)
  f:close()
  if not ok then return nil, ('viz.graph: cannot write %s (%s)'):format(path, tostring(werr)) end
  return true
end

local function have_dot()
  return os.execute('command -v ' .. shell_quote(viz.dot) .. ' >/dev/null 2>&1') == true
end

-- Runs dot on the DOT text into path; true, or nil and a message.
local function run_dot(text, format, path)
  local ok, err = write_file(path, '') -- says which path is unwritable before dot runs
  if not ok then return nil, err end
  local tmp = os.tmpname()
  ok, err = write_file(tmp, text)
  if not ok then
    os.remove(path)
    return nil, err
  end
  local p = io.popen(shell_quote(viz.dot) .. ' -T' .. format .. ' -o ' .. shell_quote(path) .. ' '
                     .. shell_quote(tmp) .. ' 2>&1')
  local output = p:read('a')
  local done = p:close()
  os.remove(tmp)
  if not done then
    os.remove(path)
    return nil, ('viz.graph: dot failed to write %s: %s'):format(path, (output:gsub('%s+$', '')))
  end
  return true
end

-- ---- mg.viz.graph -------------------------------------------------------------------------

-- graph(t [, path] [, {title, values, names, rankdir}]) -> the DOT text; writes it to path
-- (.dot), or has Graphviz draw it there (.svg, .png).
function viz.graph(t, path, opts)
  if not mg.is_tensor(t) then error('viz.graph: expected a tensor, got ' .. type(t), 2) end
  if type(path) == 'table' and opts == nil then path, opts = nil, path end
  if path ~= nil and type(path) ~= 'string' then
    error('viz.graph: expected a path (a string) or an options table, got ' .. type(path), 2)
  end
  if opts ~= nil and type(opts) ~= 'table' then
    error('viz.graph: expected an options table, got ' .. type(opts), 2)
  end
  opts = opts or {}
  for k in pairs(opts) do
    if not OPTIONS[k] then
      error(('viz.graph: unknown option %s (expected title, values, names or rankdir)'):format(tostring(k)), 2)
    end
  end
  local v = opts.values
  if v ~= nil and type(v) ~= 'boolean' and math.type(v) ~= 'integer' then
    error('viz.graph: values must be a boolean or a number of elements, got ' .. type(v), 2)
  end
  if opts.title ~= nil and type(opts.title) ~= 'string' then
    error('viz.graph: title must be a string, got ' .. type(opts.title), 2)
  end
  local rankdir = opts.rankdir
  if rankdir ~= nil and not ({LR = true, TB = true, RL = true, BT = true})[rankdir] then
    error("viz.graph: rankdir must be 'LR', 'TB', 'RL' or 'BT', got " .. tostring(rankdir), 2)
  end
  local format
  if path then
    local ext = path:match('%.([^./]+)$')
    format = ext and FORMATS[ext:lower()]
    if not format then
      error(('viz.graph: cannot tell the format of %s: use a path ending in .dot, .svg or .png'):format(path), 2)
    end
  end

  local named, names = {by_tensor = {}, by_node = {}}, opts.names
  if names == nil then
    scope_names(named, 2)
  elseif is_module(names) then
    for pname, p in names:named_parameters() do add_name(named, pname, p) end
  elseif type(names) == 'table' and not mg.is_tensor(names) then
    for k, value in pairs(names) do
      if type(k) ~= 'string' or not add_name(named, k, value) then
        error(('viz.graph: names[%s] is a %s, expected a tensor or a module'):format(
          tostring(k), type(value)), 2)
      end
    end
  elseif names ~= false then
    error('viz.graph: names must be a table of tensors, a module or false, got ' .. type(names), 2)
  end

  local text = to_dot(t, opts, named)
  if not path then return text end
  local ok, err
  if format == true then
    ok, err = write_file(path, text)
  elseif not have_dot() then
    local dot_path = path:gsub('%.[^./]+$', '.dot')
    ok, err = write_file(dot_path, text)
    err = err or ("viz.graph: writing .%s needs Graphviz's dot (apt install graphviz); DOT text: %s"):format(
      format, dot_path)
    ok = false
  else
    ok, err = run_dot(text, format, path)
  end
  if not ok then error(err, 2) end
  return text
end

return viz
