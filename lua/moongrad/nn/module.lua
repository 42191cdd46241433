-- nn.Module: the base of every layer and network.
--
--   local Net = nn.Module:extend('Net')
--   function Net:init(n_in, n_out)          -- runs when you call Net(n_in, n_out)
--     self.fc = nn.Linear(n_in, n_out)      -- a Module assigned to self is a child
--     self.scale = nn.Parameter(mg.ones(1)) -- a tensor that requires grad is a parameter
--   end
--   function Net:forward(x) return self.fc(x) * self.scale end
--   local net = Net(4, 2); local y = net(x) -- calling a module calls forward
--
-- Children, parameters and buffers are not stored in the object itself but in three
-- registries that remember the order of assignment, so that parameters(), state_dict() and
-- printing come out in the same order every run (as PyTorch's). Assigning to a field goes
-- through __newindex, which sorts the value into the right registry; reading a field goes
-- through __index, which looks in the registries before the class.
local mg = require 'moongrad'
local shape_string = require('moongrad.format').shape_string
local sparse = require 'moongrad.nn.sparse'

local Module = {__name = 'Module'}

-- ---- ordered registries ----------------------------------------------------------------

local function registry() return {names = {}, values = {}} end

local function reg_set(reg, name, value)
  if reg.values[name] == nil then reg.names[#reg.names + 1] = name end
  reg.values[name] = value
end

local function reg_remove(reg, name)
  if reg.values[name] == nil then return end
  reg.values[name] = nil
  for i, n in ipairs(reg.names) do
    if n == name then table.remove(reg.names, i) break end
  end
end

-- (name, value) in assignment order.
local function reg_pairs(reg)
  local i = 0
  return function()
    i = i + 1
    local name = reg.names[i]
    if name then return name, reg.values[name] end
  end
end

-- ---- classes -------------------------------------------------------------------------

function Module.is_module(v) return type(v) == 'table' and rawget(v, '_modules') ~= nil end
local is_module = Module.is_module

-- What a value is, for messages: a class assigned where an instance belongs is a common slip.
function Module.describe(v)
  if type(v) == 'table' and rawget(v, '__index') == Module.__index then
    return ('the class %s (call it to make a module: %s())'):format(v.__name, v.__name)
  end
  return type(v)
end

-- A tensor that requires grad and is a leaf: what a module learns.
function Module.Parameter(t)
  if not mg.is_tensor(t) then error('Parameter: expected a tensor, got ' .. type(t), 2) end
  if t.requires_grad and t.is_leaf then return t end
  return t:detach():requires_grad_()
end

-- Module:extend(name) -> a new class whose instances are made by calling it. Metamethods
-- are looked up directly in an object's metatable (the class), so each class gets copies.
setmetatable(Module, {__call = function(c, ...) return c:new(...) end})

function Module:extend(name)
  name = name or 'Module'
  local class = {__name = name, super = self}
  for _, k in ipairs{'__index', '__newindex', '__call', '__tostring', '__len', '__complete'} do class[k] = self[k] end
  return setmetatable(class, {__index = self, __call = function(c, ...) return c:new(...) end})
end

function Module:new(...)
  local obj = setmetatable({_parameters = registry(), _buffers = registry(),
                            _modules = registry(), _fields = {training = true}}, self)
  obj:init(...)
  return obj
end

function Module:init() end

function Module:forward()
  local name = getmetatable(self).__name
  error(('%s: forward is not defined (define function %s:forward(x))'):format(name, name), 2)
end

function Module.__call(self, ...) return self:forward(...) end

local KINDS = {'_parameters', '_buffers', '_modules'}

-- Every field lives in a registry or in _fields, so every assignment comes to __newindex.
function Module.__index(self, key)
  if type(key) == 'number' then -- seq[i]: the i-th child (negative from the end)
    local names = self._modules.names
    return self._modules.values[names[key < 0 and #names + key + 1 or key]]
  end
  for _, kind in ipairs(KINDS) do
    local v = self[kind].values[key]
    if v ~= nil then return v end
  end
  local v = self._fields[key]
  if v ~= nil then return v end
  return getmetatable(self)[key]
end

-- Removes key from every registry but `keep` and from the plain fields.
local function forget(self, key, keep)
  for _, kind in ipairs(KINDS) do
    if kind ~= keep then reg_remove(self[kind], key) end
  end
  self._fields[key] = nil
end

local function is_parameter(v) return mg.is_tensor(v) and v.requires_grad and v.is_leaf end

-- A Module goes to the children, a leaf tensor that requires grad to the parameters, a
-- tensor assigned to a buffer's name replaces the buffer; anything else is a plain field.
function Module.__newindex(self, key, value)
  local kind = is_module(value) and '_modules' or is_parameter(value) and '_parameters'
               or mg.is_tensor(value) and self._buffers.values[key] ~= nil and '_buffers'
  if not kind and type(value) == 'table' and rawget(value, '__index') == Module.__index then
    error(("%s: '%s' is assigned %s"):format(getmetatable(self).__name, key, Module.describe(value)), 2)
  end
  if not kind and value ~= nil and self._parameters.values[key] ~= nil then
    error(("%s: cannot assign a %s to parameter '%s' (expected a tensor that requires grad; " ..
           "use nn.Parameter(t))"):format(getmetatable(self).__name,
           mg.is_tensor(value) and 'tensor that does not require grad' or type(value), key), 2)
  end
  forget(self, key, kind)
  if kind then reg_set(self[kind], key, value) else self._fields[key] = value end
end

function Module.__len(self) return #self._modules.names end

-- The fields tab completion offers at the prompt (the registries are out of its sight).
function Module.__complete(self, methods_only)
  if methods_only then return {} end
  local names = {}
  for _, kind in ipairs(KINDS) do table.move(self[kind].names, 1, #self[kind].names, #names + 1, names) end
  for k in pairs(self._fields) do names[#names + 1] = k end
  return names
end

-- register_parameter(name, t): t as a parameter (made a leaf that requires grad); nil removes.
function Module:register_parameter(name, t)
  if t == nil then forget(self, name) return end
  self[name] = Module.Parameter(t)
end

-- register_buffer(name, t): state saved in state_dict that is not learned (running means).
function Module:register_buffer(name, t)
  if t ~= nil and not mg.is_tensor(t) then
    error('register_buffer: expected a tensor or nil, got ' .. type(t), 2)
  end
  forget(self, name, '_buffers')
  if t == nil then reg_remove(self._buffers, name) else reg_set(self._buffers, name, t) end
end

function Module:add_module(name, m)
  if not is_module(m) then error('add_module: expected a Module, got ' .. type(m), 2) end
  self[name] = m
  return self
end

-- ---- walking the tree ----------------------------------------------------------------

-- A registry of the tensors in registry `kind` of m and its descendants under dotted
-- names, own entries first, each tensor once (a shared tensor keeps its first name).
local function collect(m, kind, prefix, seen, out)
  for name, t in reg_pairs(m[kind]) do
    if not seen[t] then
      seen[t] = true
      reg_set(out, prefix .. name, t)
    end
  end
  for name, child in reg_pairs(m._modules) do collect(child, kind, prefix .. name .. '.', seen, out) end
  return out
end

-- for name, p in m:named_parameters() do ... end   (names like 'fc1.weight', '1.bias')
function Module:named_parameters() return reg_pairs(collect(self, '_parameters', '', {}, registry())) end
function Module:named_buffers() return reg_pairs(collect(self, '_buffers', '', {}, registry())) end

local function values(iter)
  local out = {}
  for _, v in iter do out[#out + 1] = v end
  return out
end

function Module:parameters() return values(self:named_parameters()) end
function Module:buffers() return values(self:named_buffers()) end

function Module:named_children() return reg_pairs(self._modules) end
function Module:children() return values(self:named_children()) end

-- modules(): this module and every descendant, depth first, each once.
function Module:modules(out, seen)
  out, seen = out or {}, seen or {}
  if seen[self] then return out end
  seen[self] = true
  out[#out + 1] = self
  for _, child in self:named_children() do child:modules(out, seen) end
  return out
end

-- apply(fn): fn(m) for every module, children first (as PyTorch's, e.g. for custom init).
function Module:apply(fn)
  for _, child in self:named_children() do child:apply(fn) end
  fn(self)
  return self
end

function Module:train(mode)
  if mode == nil then mode = true end
  for _, m in ipairs(self:modules()) do m.training = mode end
  return self
end

function Module:eval() return self:train(false) end

function Module:zero_grad()
  for _, p in ipairs(self:parameters()) do
    p.grad = nil
    sparse.clear(p)
  end
end

function Module:num_parameters()
  local n = 0
  for _, p in ipairs(self:parameters()) do n = n + p:numel() end
  return n
end

-- to(dtype) / double() / float(): converts every floating parameter and buffer, in place in
-- the module (the tensors are new: build optimizers after converting). Returns self.
function Module:to(dtype)
  if dtype ~= 'float32' and dtype ~= 'float64' then
    error(("to: expected 'float32' or 'float64', got %s"):format(tostring(dtype)), 2)
  end
  local converted = {} -- old tensor -> new, so a tensor shared by two modules stays shared
  local function convert(t, is_param)
    if t.dtype == dtype or not (t.dtype == 'float32' or t.dtype == 'float64') then return t end
    if not converted[t] then
      local c = t:detach():to(dtype)
      converted[t] = is_param and c:requires_grad_() or c
    end
    return converted[t]
  end
  for _, m in ipairs(self:modules()) do
    for name, p in reg_pairs(m._parameters) do m._parameters.values[name] = convert(p, true) end
    for name, b in reg_pairs(m._buffers) do m._buffers.values[name] = convert(b, false) end
  end
  return self
end

function Module:double() return self:to('float64') end
function Module:float() return self:to('float32') end

-- ---- saving and loading --------------------------------------------------------------

-- Keys of a state dict in order: the module's names still present, then any added since
-- (sorted), so that a state dict edited by hand still iterates completely.
local function ordered_keys(t, names)
  local keys, listed, extra = {}, {}, {}
  for _, name in ipairs(names) do
    if rawget(t, name) ~= nil then keys[#keys + 1], listed[name] = name, true end
  end
  for k in next, t do
    if not listed[k] then extra[#extra + 1] = k end
  end
  table.sort(extra, function(a, b) return tostring(a) < tostring(b) end)
  table.move(extra, 1, #extra, #keys + 1, keys)
  return keys
end

-- state_dict(): name -> tensor for every parameter and buffer; pairs() visits them in
-- order. The tensors are detached aliases of the module's own: they see later updates.
function Module:state_dict()
  local names, sd = {}, {}
  for _, kind in ipairs{'_parameters', '_buffers'} do
    for name, t in reg_pairs(collect(self, kind, '', {}, registry())) do
      names[#names + 1] = name
      sd[name] = t:detach()
    end
  end
  return setmetatable(sd, {__name = 'StateDict', __pairs = function(t)
    local keys, i = ordered_keys(t, names), 0
    return function()
      i = i + 1
      if keys[i] ~= nil then return keys[i], t[keys[i]] end
    end, t, nil
  end})
end

-- load_state_dict(sd [, {strict = true}]): copies sd's tensors into the module's. Every
-- name, shape and dtype is checked before anything is copied, so a bad state dict leaves
-- the module as it was. strict = false skips missing and unexpected names (not bad shapes).
-- Returns {missing = {names}, unexpected = {names}}.
function Module:load_state_dict(sd, opts)
  if type(sd) ~= 'table' then error('load_state_dict: expected a table of tensors, got ' .. type(sd), 2) end
  local strict = not (opts and opts.strict == false)
  local own, problems, missing, unexpected = self:state_dict(), {}, {}, {}
  for name, t in pairs(own) do
    local v = sd[name]
    if v == nil then
      missing[#missing + 1] = name
    elseif not mg.is_tensor(v) then
      problems[#problems + 1] = ("'%s' is a %s, not a tensor"):format(name, type(v))
    elseif v.dtype ~= t.dtype or shape_string(v.shape) ~= shape_string(t.shape) then
      problems[#problems + 1] = ("'%s' expected %s %s, got %s %s"):format(
        name, t.dtype, shape_string(t.shape), v.dtype, shape_string(v.shape))
    end
  end
  for name in pairs(sd) do
    if own[name] == nil then unexpected[#unexpected + 1] = tostring(name) end
  end
  table.sort(unexpected)
  if strict then
    for _, name in ipairs(missing) do problems[#problems + 1] = ("missing '%s'"):format(name) end
    for _, name in ipairs(unexpected) do problems[#problems + 1] = ("unexpected '%s'"):format(name) end
  end
  if #problems > 0 then
    error('load_state_dict: ' .. table.concat(problems, '; ') .. ' (nothing was loaded)', 2)
  end
  mg.no_grad(function()
    for name, t in pairs(own) do
      if sd[name] ~= nil then t:copy_(sd[name]) end
    end
  end)
  return {missing = missing, unexpected = unexpected}
end

-- save(path): writes state_dict() to a safetensors file (mg.save). load(path): reads one
-- back through load_state_dict, so a file that does not fit leaves the module as it was;
-- returns the module. (moongrad/serialize.lua; tail calls keep errors at the caller's line.)
function Module:save(path) return require('moongrad.serialize').save_module(self, path) end
function Module:load(path) return require('moongrad.serialize').load_module(self, path) end

-- ---- printing ------------------------------------------------------------------------

-- extra_repr(): what goes in the parentheses after the class name ('784 -> 512').
function Module:extra_repr() return nil end

local function thousands(n)
  local s = tostring(math.tointeger(n) or n)
  repeat
    local k
    s, k = s:gsub('^(%d+)(%d%d%d)', '%1,%2')
  until k == 0
  return s
end

local function label(m)
  local extra = m:extra_repr()
  return getmetatable(m).__name .. (extra and '(' .. extra .. ')' or '')
end

-- Lines {text, params or nil} for m: one line for a leaf, a block for a container.
local function repr_lines(m, indent, prefix, lines)
  if #m._modules.names == 0 then
    local n = m:num_parameters()
    lines[#lines + 1] = {indent .. prefix .. label(m), n > 0 and n or nil}
    return lines
  end
  lines[#lines + 1] = {indent .. prefix .. label(m) .. ' {'}
  for name, p in reg_pairs(m._parameters) do -- a container's own parameters count too
    lines[#lines + 1] = {('%s  (%s): Parameter %s'):format(indent, name, shape_string(p.shape)), p:numel()}
  end
  for name, child in m:named_children() do repr_lines(child, indent .. '  ', '(' .. name .. '): ', lines) end
  lines[#lines + 1] = {indent .. '}'}
  return lines
end

function Module.__tostring(self)
  local lines, width, count_width = repr_lines(self, '', '', {}), 0, 0
  for _, l in ipairs(lines) do
    if l[2] then
      l[2] = thousands(l[2])
      width, count_width = math.max(width, #l[1]), math.max(count_width, #l[2])
    end
  end
  local out = {}
  for _, l in ipairs(lines) do
    out[#out + 1] = l[2] and ('%-' .. width .. 's  %' .. count_width .. 's params'):format(l[1], l[2]) or l[1]
  end
  if #lines > 1 then out[#out + 1] = 'Total: ' .. thousands(self:num_parameters()) .. ' parameters' end
  return table.concat(out, '\n')
end

return Module
