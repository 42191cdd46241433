-- moongrad.help (mg.help, and `help` at the prompt): the documentation of every public
-- function, class and module.
--
--   help()              an overview: each area and the names it documents
--   help(mg.zeros)      by value: functions, classes, modules, and instances (their class)
--   help('nn.Linear')   by name, with or without the leading 'mg.'; 'Linear' alone works too
--   ?x:sum              the prompt's shortcut for help('x:sum'): x is looked up in globals
--
-- The entries live in moongrad/doc/<area>.lua, loaded on first use. Each file returns
-- {title = ..., entries = {...}}; an entry is
--   {name = 'mg.zeros' (or a list: the first is the one shown, the rest are aliases),
--    sig = 'mg.zeros(size..., {dtype, requires_grad})', desc = [[...]], example = [[...]]}
-- Names are paths from mg: 'mg.nn.Linear', 'mg.nn.Module:parameters', 'mg.Tensor:sum'.
-- Every example runs in the test suite, so the documentation cannot drift from the code.
local mg = require 'moongrad'

local help = {}
local AREAS = {'tensor', 'autograd', 'nn', 'optim', 'data', 'datasets', 'frame', 'preprocessing',
               'train', 'metrics', 'serialize', 'plot', 'features', 'cluster', 'privacy', 'recommend', 'viz',
               'tools'}

-- The value a documented name stands for (nil for fields such as mg.Tensor.shape).
local function resolve(name, root)
  local value
  for sep, key in ('.' .. name):gmatch('([.:])([%w_]+)') do
    if value == nil and sep == '.' and key == 'mg' and not root then
      value = mg
    else
      local ok, v = pcall(function() return (value or root)[key] end)
      if not ok or v == nil then return nil end
      value = v
    end
  end
  return value
end

local index -- built on first use: by_name, by_value, the areas' entries in order

local function load_index()
  if index then return index end
  index = {by_name = {}, by_value = {}, areas = {}}
  for _, area in ipairs(AREAS) do
    local doc = require('moongrad.doc.' .. area)
    index.areas[#index.areas + 1] = doc
    for _, entry in ipairs(doc.entries) do
      local names = type(entry.name) == 'table' and entry.name or {entry.name}
      entry.names = names
      for _, name in ipairs(names) do
        index.by_name[name] = entry
        local value = resolve(name)
        if value ~= nil and (type(value) == 'function' or type(value) == 'table')
           and index.by_value[value] == nil then
          index.by_value[value] = entry
        end
      end
    end
  end
  return index
end

-- The entry documenting exactly this name or this value, or nil.
function help.entry(x)
  local idx = load_index()
  if type(x) == 'string' then return idx.by_name[x] end
  return idx.by_value[x]
end

-- Every entry of every area, in order (for the test that runs the examples).
function help.entries()
  local all = {}
  for _, doc in ipairs(load_index().areas) do
    for _, entry in ipairs(doc.entries) do all[#all + 1] = entry end
  end
  return all
end

-- The entry documenting a value: a function, class or module itself, else a tensor's or an
-- instance's class (modules, optimizers, loaders).
local function entry_for_value(v)
  local idx = load_index()
  if idx.by_value[v] then return idx.by_value[v] end
  if mg.is_tensor(v) then return idx.by_name['mg.Tensor'] end
  local mt = getmetatable(v)
  if type(v) == 'table' and type(mt) == 'table' then
    return idx.by_value[mt] or (rawget(mt, '__name') and help.find(mt.__name))
  end
end

local function last_component(name) return name:match('[.:]([%w_]+)$') or name end

-- The entry for a name: exact, then under 'mg.', then a unique match of the last component
-- ('Linear', 'Module:parameters', 'sum'). Returns nil and the candidates when ambiguous.
function help.find(name)
  local idx = load_index()
  local entry = idx.by_name[name] or idx.by_name['mg.' .. name]
  if entry then return entry end
  local matches, seen = {}, {}
  for full, e in pairs(idx.by_name) do
    local tail = full:sub(-#name - 1)
    if (last_component(full) == name or tail == '.' .. name or tail == ':' .. name)
       and not seen[e] then
      seen[e] = true
      matches[#matches + 1] = e
    end
  end
  if #matches == 1 then return matches[1] end
  table.sort(matches, function(a, b) return a.names[1] < b.names[1] end)
  return nil, matches
end

local function indent(text, prefix)
  return (text:gsub('%s+$', ''):gsub('[^\n]+', function(line) return prefix .. line end))
end

local wrap

local function render(entry)
  local out = {entry.sig, '', indent(entry.desc, '  ')}
  if #entry.names > 1 then
    out[#out + 1] = '\n' .. wrap(table.move(entry.names, 2, #entry.names, 1, {}), '  Also: ', 88)
  end
  out[#out + 1] = '\n  Example:'
  out[#out + 1] = indent(entry.example, '    ')
  return table.concat(out, '\n') .. '\n'
end

-- Names wrapped to width, after a prefix (later lines indented as far).
function wrap(names, prefix, width)
  local lines, line = {}, prefix
  for i, name in ipairs(names) do
    local piece = name .. (i < #names and ', ' or '')
    if #line + #piece > width and line ~= prefix then
      lines[#lines + 1] = line:gsub('%s+$', '')
      line = string.rep(' ', #prefix)
    end
    line = line .. piece
  end
  lines[#lines + 1] = line
  return table.concat(lines, '\n')
end

local function overview()
  local out = {('moongrad %s: tensors and autograd in C, networks and training in Lua.'):format(
                 mg.config().version),
               'help(x) documents a function, class, module or value: help(mg.zeros),',
               "help('nn.Linear'), help(model); at the prompt ?name does the same (?x:sum).", ''}
  for _, doc in ipairs(load_index().areas) do
    local names = {}
    for _, e in ipairs(doc.entries) do names[#names + 1] = e.names[1]:gsub('^mg%.', '') end
    out[#out + 1] = doc.title
    out[#out + 1] = wrap(names, '  ', 88)
    out[#out + 1] = ''
  end
  return table.concat(out, '\n')
end

-- The text help(x) prints; nil and a message when nothing documents x.
function help.text(...)
  if select('#', ...) == 0 then return overview() end
  local x = ...
  local entry, candidates
  if type(x) == 'string' then
    local name = x:gsub('^%s*%?*%s*', ''):gsub('%s+$', '')
    entry, candidates = help.find(name)
    if not entry then
      local v = resolve(name, _G)
      if v ~= nil then entry = entry_for_value(v) end
    end
    if not entry and candidates and #candidates > 0 then
      local names = {}
      for i, e in ipairs(candidates) do names[i] = e.names[1] end
      return nil, ("help: '%s' is ambiguous: %s"):format(name, table.concat(names, ', '))
    end
    if not entry then return nil, ("help: no documentation for '%s' (help() lists what there is)"):format(name) end
  else
    entry = entry_for_value(x)
    if not entry then return nil, ('help: no documentation for this %s'):format(type(x)) end
  end
  return render(entry)
end

return setmetatable(help, {__call = function(_, ...)
  local text, err = help.text(...)
  io.write(text or err .. '\n')
end})
