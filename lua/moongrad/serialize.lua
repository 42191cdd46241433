-- moongrad.serialize: mg.save, mg.load, Module:save and Module:load, in the safetensors
-- format (https://github.com/huggingface/safetensors) that PyTorch, JAX and NumPy read.
--
--   mg.save('ckpt.safetensors', {model = model:state_dict(), optimizer = opt:state_dict(),
--                                epoch = 3})
--   local ckpt = mg.load('ckpt.safetensors')          -- the same structure, new tensors
--
-- A safetensors file holds named tensors and a table of strings (its metadata). A value is
-- stored as:
-- * its tensors, each an entry named by the keys that lead to it, joined with '.'
--   ({model = {['fc.weight'] = t}} -> 'model.fc.weight'; a tensor saved alone is 'tensor');
-- * everything else (tables, numbers, strings, booleans, and where each tensor sits) as a
--   JSON document in the metadata entry 'moongrad', described below.
-- A table of string keys to tensors (a state dict) is written as plain named tensors, with
-- no metadata: the file other frameworks load as a state dict. A file without a 'moongrad'
-- entry (one written elsewhere) loads as a table name -> tensor.
--
-- The document is {"format": 1, "value": V}, where V is
--   a JSON string or boolean      for a string or a boolean,
--   {"int": "-12"}                for an integer, as decimal text (exact for every int64),
--   {"float": "0.1"}              for a float, as the shortest decimal text that reads back
--                                 as the same double ("inf", "-inf", "nan"),
--   {"tensor": "model.fc.weight"} for a tensor: the name of its entry,
--   {"list": [V, ...]}            for a table whose keys are 1..n (n > 0),
--   {"table": [[K, V], ...]}      for any other table: its keys K (a JSON string, or
--                                 {"int": ...}) and values.
-- Since the document says where every tensor goes, names only need to be distinct: two
-- tensors whose keys join to the same name ({a = {['b.c'] = x, b = {c = y}}}) are an error.
--
-- Tables are walked in key order (integers, then strings) unless their metatable has
-- __pairs, whose order is kept (a state dict's layer order), so the same value always gives
-- the same bytes. A tensor reached twice, or two views of one storage, are written twice and
-- load as independent tensors (the format has no shared storage). Tensors are written
-- row-major whatever their strides, without their requires_grad.
local mg = require 'moongrad'
local core = require 'moongrad.core'

local M = {}

local FORMAT = 1
local METADATA_KEY = 'moongrad'
local MAX_DEPTH = 100 -- tables nested deeper are surely a mistake (and JSON allows 1000 levels)
local STORED = 'mg.save stores tensors, numbers, strings, booleans and tables'

-- Our failures carry no position: the public functions raise them again from the user's
-- line.
local function fail(fmt, ...) error(fmt:format(...), 0) end

local rethrow = require('moongrad.check').rethrow

local function check_path(fname, path)
  if type(path) ~= 'string' then fail('%s: expected a file path (a string), got %s', fname, type(path)) end
  if path:find('\0', 1, true) then fail('%s: the file path %q holds a zero byte', fname, path) end
end

-- ---- saving --------------------------------------------------------------------------------

-- A place in the saved value as Lua code, for messages: value.model["fc.weight"], value[1].
local function lua_path(keys, depth)
  local out = {'value'}
  for i = 1, depth do
    local k = keys[i]
    if math.type(k) == 'integer' then
      out[#out + 1] = '[' .. k .. ']'
    elseif k:match('^[%a_][%w_]*$') then
      out[#out + 1] = '.' .. k
    else
      out[#out + 1] = ('[%q]'):format(k)
    end
  end
  return table.concat(out)
end

-- Strings go into a JSON header, which must be UTF-8, and through C strings.
local function check_text(s, what)
  if not utf8.len(s) then fail('save: %s is not valid UTF-8 (the file\'s header is UTF-8 JSON)', what) end
  if s:find('\0', 1, true) then fail('save: %s holds a zero byte, which the header cannot', what) end
end

-- The shortest of %.15g, %.16g, %.17g that reads back as x (%.17g always does), always
-- with a '.' or an exponent so that it reads back as a float.
local function float_text(x)
  if x ~= x then return 'nan' end
  if x == math.huge then return 'inf' end
  if x == -math.huge then return '-inf' end
  for digits = 15, 17 do
    local s = ('%.' .. digits .. 'g'):format(x)
    if tonumber(s) == x then
      return s:find('[.e]') and s or s .. '.0'
    end
  end
end

-- Integers first, in order, then strings in byte order.
local function key_before(a, b)
  local ia, ib = math.type(a) == 'integer', math.type(b) == 'integer'
  if ia ~= ib then return ia end
  return a < b
end

-- The {key, value} pairs of table t in the order they are saved in.
local function entries(t, keys, depth)
  local list = {}
  for k, v in pairs(t) do
    if math.type(k) ~= 'integer' and type(k) ~= 'string' then
      fail('save: %s has a key of type %s (%s); keys must be strings or integers',
           lua_path(keys, depth), mg.is_tensor(k) and 'tensor' or type(k), tostring(k))
    end
    if type(k) == 'string' then check_text(k, ('a key of %s'):format(lua_path(keys, depth))) end
    list[#list + 1] = {k, v}
  end
  local mt = getmetatable(t)
  if not (type(mt) == 'table' and rawget(mt, '__pairs')) then
    table.sort(list, function(x, y) return key_before(x[1], y[1]) end)
  end
  return list
end

-- The document node for value v at keys[1..depth]; collects its tensors into out.
local function encode(v, keys, depth, out)
  local where = lua_path(keys, depth)
  if mg.is_tensor(v) then
    local name = depth == 0 and 'tensor' or table.concat(keys, '.', 1, depth)
    if out.place_of[name] then
      fail('save: %s and %s would both be stored as the tensor named %q (names join the keys '
           .. "with '.'); rename a key", out.place_of[name], where, name)
    end
    out.place_of[name] = where
    out.names[#out.names + 1] = name
    out.tensors[#out.tensors + 1] = v
    return {tensor = name}
  elseif type(v) == 'string' then
    check_text(v, where)
    return v
  elseif type(v) == 'boolean' then
    return v
  elseif math.type(v) == 'integer' then
    return {int = tostring(v)}
  elseif math.type(v) == 'float' then
    return {float = float_text(v)}
  elseif type(v) == 'table' then
    if mg.nn.Module.is_module(v) then
      fail('save: %s is a module; save its state_dict() (model:save(path) does)', where)
    end
    if out.open[v] then fail('save: %s contains itself (a cycle), which a file cannot hold', where) end
    if depth >= MAX_DEPTH then fail('save: %s: tables nested deeper than %d levels', where, MAX_DEPTH) end
    out.open[v] = true
    local list, pairs_out, is_list = entries(v, keys, depth), {}, true
    local values = {}
    for i, kv in ipairs(list) do
      local k = kv[1]
      keys[depth + 1] = k
      values[i] = encode(kv[2], keys, depth + 1, out)
      pairs_out[i] = {math.type(k) == 'integer' and {int = tostring(k)} or k, values[i]}
      is_list = is_list and k == i
    end
    out.open[v] = nil
    if is_list and #list > 0 then return {list = values} end
    return {table = pairs_out}
  end
  fail('save: %s is a %s; %s', where, type(v), STORED)
end

-- A table of string keys to tensors (at least none of anything else): a state dict.
local function is_plain(value)
  if type(value) ~= 'table' or mg.is_tensor(value) then return false end
  for k, v in pairs(value) do
    if type(k) ~= 'string' or not mg.is_tensor(v) then return false end
  end
  return true
end

local function save(path, value)
  check_path('save', path)
  if value == nil then fail('save: expected a value to save, got nil (%s)', STORED) end
  local out = {names = {}, tensors = {}, place_of = {}, open = {}}
  local doc = {format = FORMAT, value = encode(value, {}, 0, out)}
  local metadata = not is_plain(value) and {[METADATA_KEY] = core._json_encode(doc)} or nil
  rethrow(0, core._safetensors_save, path, out.names, out.tensors, metadata)
end

-- ---- loading -------------------------------------------------------------------------------

-- Reads the document back; bad(...) reports what is wrong with it.
local function decoder(by_name, bad)
  local used = {}

  local function integer(node, where)
    local x = type(node.int) == 'string' and node.int:match('^%-?%d+$') and tonumber(node.int)
    if math.type(x) ~= 'integer' then bad('%s: %s is not an integer', where, tostring(node.int)) end
    return x
  end

  local SPECIAL = {nan = 0 / 0, inf = math.huge, ['-inf'] = -math.huge}
  local function float(node, where)
    local s = node.float
    if SPECIAL[s] then return SPECIAL[s] end
    local x = type(s) == 'string' and tonumber(s)
    if math.type(x) ~= 'float' then bad('%s: %s is not a float', where, tostring(s)) end
    return x
  end

  -- A JSON array decodes to a Lua list; anything else is corrupt.
  local function check_array(list, where)
    local n = 0
    if type(list) == 'table' then
      for _ in pairs(list) do n = n + 1 end
    end
    if type(list) ~= 'table' or n ~= #list then bad('%s: expected a JSON array', where) end
  end

  local decode
  local function list_of(list, where)
    check_array(list, where)
    local t = {}
    for i, node in ipairs(list) do t[i] = decode(node, where .. '[' .. i .. ']') end
    return t
  end

  local function table_of(list, where)
    check_array(list, where)
    local t = {}
    for i, entry in ipairs(list) do
      if type(entry) ~= 'table' or #entry ~= 2 then bad('%s: entry %d is not a [key, value] pair', where, i) end
      local k = entry[1]
      if type(k) == 'table' then k = integer(k, where) end
      if type(k) ~= 'string' and math.type(k) ~= 'integer' then bad('%s: entry %d has a bad key', where, i) end
      local inner = where .. (math.type(k) == 'integer' and ('[' .. k .. ']') or ('[%q]'):format(k))
      if t[k] ~= nil then bad('%s appears twice', inner) end
      t[k] = decode(entry[2], inner)
    end
    return t
  end

  function decode(node, where)
    if type(node) == 'string' or type(node) == 'boolean' then return node end
    local tag = type(node) == 'table' and next(node)
    if not tag or next(node, tag) ~= nil then bad('%s: not a value the format knows', where) end
    if tag == 'tensor' then
      local t = by_name[node.tensor]
      if t == nil then bad('%s names tensor %s, which the file does not hold', where, tostring(node.tensor)) end
      used[node.tensor] = true
      return t
    elseif tag == 'int' then
      return integer(node, where)
    elseif tag == 'float' then
      return float(node, where)
    elseif tag == 'list' then
      return list_of(node.list, where)
    elseif tag == 'table' then
      return table_of(node.table, where)
    end
    bad('%s: unknown kind of value %s', where, tostring(tag))
  end

  return decode, used
end

local function load(path)
  check_path('load', path)
  local names, tensors, metadata = rethrow(0, core._safetensors_load, path)
  local by_name = {}
  for i, name in ipairs(names) do by_name[name] = tensors[i] end
  local text = metadata[METADATA_KEY]
  if text == nil then return by_name end
  local function bad(fmt, ...)
    fail('load: %s: the %s metadata is corrupt: ' .. fmt, path, METADATA_KEY, ...)
  end
  local ok, doc = pcall(core._json_decode, text)
  if not ok then bad('%s', doc) end
  if type(doc) ~= 'table' or math.type(doc.format) ~= 'integer' then bad('no format number') end
  if doc.format > FORMAT then
    fail('load: %s: written by a newer moongrad (%s metadata format %d; this one reads format %d)',
         path, METADATA_KEY, doc.format, FORMAT)
  elseif doc.format < 1 then
    bad('format %d', doc.format)
  end
  local decode, used = decoder(by_name, bad)
  local value = decode(doc.value, 'value')
  for _, name in ipairs(names) do
    if not used[name] then bad('tensor %q of the file is not in it', name) end
  end
  return value
end

-- ---- the public functions ----------------------------------------------------------------

-- mg.save(path, value) and mg.load(path) -> value.
function M.save(path, value) rethrow(2, save, path, value) end

function M.load(path)
  local value = rethrow(2, load, path)
  return value
end

-- model:save(path): its state_dict(); model:load(path): the file through load_state_dict,
-- which checks every name, shape and dtype before copying anything. Returns the model.
function M.save_module(model, path)
  rethrow(2, save, path, model:state_dict())
end

function M.load_module(model, path)
  local sd = rethrow(2, load, path)
  local ok, err = pcall(model.load_state_dict, model, sd)
  if not ok then error(('load: %s: %s'):format(path, err), 2) end
  return model
end

return M
