-- moongrad.preprocessing (mg.preprocessing): scalers, encoders, imputers, splits and folds,
-- pipelines, named as scikit-learn names them.
--
--   local pp = mg.preprocessing
--   local xtr, xte, ytr, yte = pp.train_test_split(x, y, {test_size = 0.2, seed = 42})
--   local sc = pp.StandardScaler():fit(xtr)          -- mean_, scale_ are tensors
--   xtr, xte = sc:transform(xtr), sc:transform(xte)
--   for train, test in pp.KFold{n_splits = 5}:split(x) do ... end   -- 1-based int64 indices
--
-- Every object is made by calling its class with an optional table of options, learns with
-- fit (which returns the object), and keeps what it learnt as plain tensors and tables in
-- fields named as scikit-learn's (mean_, categories_, ...): state_dict() returns them with
-- the options, load_state_dict(sd) takes them back. Inputs are tensors (or anything with
-- :to_tensor(), which is called); the encoders also take Lua lists of strings or numbers.
-- Every loop over numbers is a tensor op (sorts, cumulative sums, scatter/gather); only
-- strings are handled in Lua.
local mg = require 'moongrad'

local P = {}

local NAN, INF = 0 / 0, math.huge
local EPS = {float32 = 2 ^ -23, float64 = 2 ^ -52} -- machine epsilon of each float dtype
local I64 = {dtype = 'int64'}

-- ---- errors ------------------------------------------------------------------------------

local checks = require 'moongrad.check'
local describe, shape_str = checks.describe, checks.shape_str
local fail, public, callable = checks.fail, checks.public, checks.callable

-- ---- small helpers -----------------------------------------------------------------------

local function is_float(t) return t.dtype == 'float32' or t.dtype == 'float64' end

-- An option's value in a message.
local function show(v)
  if type(v) == 'string' then return "'" .. v .. "'" end
  if type(v) == 'number' and v ~= v then return 'nan' end
  if type(v) == 'table' and not getmetatable(v) then
    local parts = {}
    for i = 1, #v do parts[i] = show(v[i]) end
    return '{' .. table.concat(parts, ', ') .. '}'
  end
  if type(v) == 'table' or type(v) == 'userdata' then return describe(v) end
  return tostring(v)
end

-- A data value (a category, a label) in a message or a feature name: 3, 2.5, nan, 'cat'.
local function show_value(v, quote)
  if type(v) == 'string' then return quote and "'" .. v .. "'" or v end
  if type(v) == 'boolean' then return tostring(v) end
  if v ~= v then return 'nan' end
  if math.type(v) == 'integer' then return tostring(v) end
  if v == math.floor(v) and math.abs(v) < 2 ^ 53 then return ('%d'):format(v) end
  return ('%.7g'):format(v)
end

-- True for a value with a to_tensor method (a Frame), other than a tensor.
local function has_to_tensor(x)
  if mg.is_tensor(x) or (type(x) ~= 'table' and type(x) ~= 'userdata') then return false end
  local ok, f = pcall(function() return x.to_tensor end)
  return ok and callable(f)
end

-- x as a tensor: a tensor itself, or x:to_tensor(). `expected` says what was wanted.
local function tensor_of(who, x, expected)
  if mg.is_tensor(x) then return x end
  if has_to_tensor(x) then
    local t = x:to_tensor()
    if not mg.is_tensor(t) then fail('%s: to_tensor() returned %s, not a tensor', who, describe(t)) end
    return t
  end
  fail('%s: expected %s (or anything with :to_tensor()), got %s', who, expected, describe(x))
end

-- A 2-D float tensor {samples, features}: integer and bool tensors become float32.
local function matrix(who, x)
  local t = tensor_of(who, x, 'a 2-D tensor {samples, features}')
  if t:dim() ~= 2 then
    fail('%s: expected a 2-D tensor {samples, features}, got shape %s', who, shape_str(t))
  end
  if not is_float(t) then t = t:to('float32') end
  return t
end

local function check_features(self, who, x)
  local f = x:size(2)
  if f ~= self.n_features_in_ then
    fail('%s: expected %d features (as seen in fit), got %d (shape %s)', who, self.n_features_in_,
         f, shape_str(x))
  end
end

local function nonempty(who, n, what)
  if n == 0 then fail('%s: expected at least 1 %s, got 0', who, what or 'sample') end
end

-- positions (1-based, int64, ascending) where the 1-D bool mask is true, then those where it
-- is false: one stable sort of keys instead of a loop.
local function split_mask(mask)
  local n = mask:size(1)
  local pos = mg.arange(1, n + 1)
  local sorted = mg.where(mask, pos, pos + n):sort(1)
  local k = mask:sum():item()
  return sorted:narrow(1, 1, k), sorted:narrow(1, k + 1, n - k) - n
end

local function any(mask) return mask:sum():item() > 0 end

-- The sorted distinct values of a 1-D tensor (NaN last, once), the 1-based code of each
-- element (its value's position among them) and the count of each value.
local function unique(t)
  local n = t:size(1)
  if n == 0 then return t:clone(), mg.zeros(0, I64), mg.zeros(0, I64) end
  local s, order = t:sort(1)
  local first_of_run = mg.tensor{true}
  if n > 1 then
    local hi, lo = s:narrow(1, 2, n - 1), s:narrow(1, 1, n - 1)
    local differs = hi:ne(lo)
    if is_float(t) then -- NaN ~= NaN, but every NaN is one category
      differs = differs:logical_and(hi:ne(hi):logical_and(lo:ne(lo)):logical_not())
    end
    first_of_run = mg.cat{first_of_run, differs}
  end
  local run = first_of_run:cumsum(1)
  local k = run[n]:item()
  local first = mg.zeros(k, I64):scatter_add(1, run, mg.where(first_of_run, mg.arange(1, n + 1), 0))
  return s:index_select(1, first), mg.zeros(n, I64):scatter_add(1, order, run),
         mg.zeros(k, I64):scatter_add(1, run, mg.ones(n, I64))
end

-- For each element of x, the 1-based position in cats (sorted, distinct, NaN last) of the
-- largest category <= it, and whether it equals that category. One stable sort of cats
-- followed by x: the categories come before equal values of x, so the running count of
-- categories at x's place is its position.
local function lookup(cats, x)
  local k, n = cats:size(1), x:size(1)
  if k == 0 or n == 0 then return mg.ones(n, I64), mg.zeros(n, {dtype = 'bool'}) end
  local dtype = cats.dtype == x.dtype and x.dtype or 'float64'
  local c, v = cats:to(dtype), x:to(dtype)
  local _, order = mg.cat{c, v}:sort(1)
  local count = order:le(k):cumsum(1)
  local pos = mg.zeros(k + n, I64):scatter_add(1, order, count):narrow(1, k + 1, n):clamp(1, k)
  local cand = c:index_select(1, pos)
  local found = cand:eq(v)
  if dtype == 'float32' or dtype == 'float64' then
    found = found:logical_or(cand:ne(cand):logical_and(v:ne(v)))
  end
  return pos, found
end

-- Strings: the sorted distinct values, the code of each element and the count of each.
local function unique_strings(list)
  local seen, cats = {}, {}
  for _, v in ipairs(list) do
    if not seen[v] then
      seen[v] = true
      cats[#cats + 1] = v
    end
  end
  table.sort(cats)
  local index, counts, codes = {}, {}, {}
  for i, v in ipairs(cats) do index[v], counts[i] = i, 0 end
  for i, v in ipairs(list) do
    codes[i] = index[v]
    counts[codes[i]] = counts[codes[i]] + 1
  end
  return cats, codes, counts
end

local function copy_list(list) return table.move(list, 1, #list, 1, {}) end

-- ---- categorical input: tensors and Lua lists, as columns --------------------------------

-- A Lua list of one feature's values as a column: a tensor for numbers (int64 when all are
-- integers, else float64) or booleans, else the list of strings itself.
local function list_column(who, values, j, nfeat)
  local kinds = {}
  local where = nfeat > 1 and (' of feature %d'):format(j) or ''
  for i = 1, #values do
    local v = values[i]
    local kind = math.type(v) or type(v)
    if kind ~= 'integer' and kind ~= 'float' and kind ~= 'string' and kind ~= 'boolean' then
      fail('%s: value %d%s is %s (expected strings or numbers)', who, i, where, type(v))
    end
    kinds[kind] = true
  end
  local numbers = kinds.integer or kinds.float
  if (numbers and kinds.string) or (numbers and kinds.boolean) or (kinds.string and kinds.boolean) then
    fail('%s: feature %d mixes %s values (expected all strings or all numbers)', who, j,
         kinds.string and (numbers and 'string and number' or 'string and boolean')
         or 'number and boolean')
  end
  if kinds.string then return copy_list(values) end
  if kinds.boolean then return mg.tensor(values, {dtype = 'bool'}) end
  return mg.tensor(values, {dtype = kinds.float and 'float64' or 'int64'})
end

-- Input of an encoder as columns (1-D tensors, or lists of strings) and the sample count.
-- Tensors: 1-D is one feature, 2-D {samples, features}. Lua lists: a list of values is one
-- feature, a list of rows {{...}, {...}} one feature per position.
local function columns_of(who, x, one_feature)
  local expected = one_feature and 'a 1-D tensor or a list of labels'
                   or 'a 1-D or 2-D tensor, a list of values or a list of rows'
  if type(x) == 'table' and not mg.is_tensor(x) and not has_to_tensor(x) and getmetatable(x) == nil then
    local n = #x
    for k in pairs(x) do
      if math.type(k) ~= 'integer' or k < 1 or k > n then
        fail('%s: expected %s, got a table with key %s', who, expected, show(k))
      end
    end
    if n > 0 and type(x[1]) == 'table' then
      if one_feature then fail('%s: expected %s, got a list of rows', who, expected) end
      local f = #x[1]
      local cols = {}
      for j = 1, f do cols[j] = {} end
      for i = 1, n do
        local row = x[i]
        if type(row) ~= 'table' then fail('%s: row %d is %s, expected a list of values', who, i, type(row)) end
        if #row ~= f then fail('%s: row %d has %d values, expected %d (as row 1)', who, i, #row, f) end
        for j = 1, f do cols[j][i] = row[j] end
      end
      for j = 1, f do cols[j] = list_column(who, cols[j], j, f) end
      return cols, n
    end
    return {list_column(who, x, 1, 1)}, n
  end
  local t = tensor_of(who, x, expected):detach()
  if t:dim() == 1 then return {t}, t:size(1) end
  if t:dim() == 2 and not one_feature then
    local cols = {}
    for j = 1, t:size(2) do cols[j] = t:select(2, j) end
    return cols, t:size(1)
  end
  fail('%s: expected %s, got shape %s', who, expected, shape_str(t))
end

local function column_length(col)
  return mg.is_tensor(col) and col:size(1) or #col
end

-- The sorted categories of one column.
local function categories_of(col)
  if mg.is_tensor(col) then return (unique(col)) end
  return (unique_strings(col))
end

-- Position of each value of col among cats (the categories of feature j) and whether found:
-- two tensors {n}. maps caches a string -> position table per feature.
local function match(who, cats, col, j, maps)
  if column_length(col) == 0 then return mg.ones(0, I64), mg.zeros(0, {dtype = 'bool'}) end
  if mg.is_tensor(cats) ~= mg.is_tensor(col) then
    fail('%s: feature %d was fitted on %s, got %s', who, j,
         mg.is_tensor(cats) and 'numbers' or 'strings', mg.is_tensor(col) and 'numbers' or 'strings')
  end
  if mg.is_tensor(cats) then return lookup(cats, col) end
  local map = maps[j]
  if not map then
    map = {}
    for i, v in ipairs(cats) do map[v] = i end
    maps[j] = map
  end
  local pos, found = {}, {}
  for i, v in ipairs(col) do
    local p = map[v]
    pos[i], found[i] = p or 1, p ~= nil
  end
  return mg.tensor(pos, I64), mg.tensor(found, {dtype = 'bool'})
end

-- The distinct values of col where found is false, for a message: "{'x', 'y'}".
local function unknown_list(col, found)
  local shown = {}
  if mg.is_tensor(col) then
    local where = split_mask(found:logical_not())
    local values = unique(col:index_select(1, where)):totable()
    for i, v in ipairs(values) do shown[i] = show_value(v, true) end
  else
    local found_list, seen, values = found:totable(), {}, {}
    for i, v in ipairs(col) do
      if not found_list[i] and not seen[v] then seen[v], values[#values + 1] = true, v end
    end
    table.sort(values)
    for i, v in ipairs(values) do shown[i] = show_value(v, true) end
  end
  if #shown > 10 then shown = {table.concat(shown, ', ', 1, 10) .. ', ... (' .. #shown .. ' in all)'} end
  return '{' .. table.concat(shown, ', ') .. '}'
end

-- The values at 1-based positions idx (int64 {n}) of each feature's categories: a 2-D tensor
-- {n, features} when every feature's categories are a tensor (their common dtype, else
-- float64), else a list of rows. unknown[j] (a bool mask or nil) marks rows with no category,
-- which become NaN (float categories only).
local function assemble(who, cats, idx, unknown)
  local all_tensors, dtype = true, nil
  for j = 1, #cats do
    if mg.is_tensor(cats[j]) then
      dtype = (dtype == nil or dtype == cats[j].dtype) and cats[j].dtype or 'float64'
    else
      all_tensors = false
    end
  end
  local function no_category(j)
    local row = split_mask(unknown[j])[1]:item()
    fail('%s: row %d encodes no category of feature %d (an unknown value); only float categories '
         .. 'can stand for it (as NaN)', who, row, j)
  end
  local columns = {}
  for j = 1, #cats do
    local c = cats[j]
    local has_unknown = unknown[j] and any(unknown[j])
    if mg.is_tensor(c) then
      local d = all_tensors and dtype or c.dtype
      if has_unknown and d ~= 'float32' and d ~= 'float64' then no_category(j) end
      local values = c:to(d):index_select(1, idx[j])
      if has_unknown then values = values:masked_fill(unknown[j], NAN) end
      columns[j] = values
    else
      if has_unknown then no_category(j) end
      local values = {}
      for i, p in ipairs(idx[j]:totable()) do values[i] = c[p] end
      columns[j] = values
    end
  end
  if all_tensors then return mg.stack(columns, 2) end
  local n = idx[1] and idx[1]:size(1) or 0
  local rows = {}
  for i = 1, n do rows[i] = {} end
  for j, col in ipairs(columns) do
    if mg.is_tensor(col) then col = col:totable() end
    for i = 1, n do rows[i][j] = col[i] end
  end
  return rows
end

-- ---- options -----------------------------------------------------------------------------

local check = {}
function check.boolean(v) if type(v) ~= 'boolean' then return 'must be a boolean, got ' .. show(v) end end
function check.one_of(...)
  local allowed = {...}
  return function(v)
    for _, a in ipairs(allowed) do if v == a then return nil end end
    local names = {}
    for i, a in ipairs(allowed) do names[i] = show(a) end
    return ('must be %s, got %s'):format(table.concat(names, ' or '), show(v))
  end
end
function check.seed(v)
  if v ~= nil and math.type(v) ~= 'integer' then return 'must be an integer or nil, got ' .. show(v) end
end
function check.number(v) if type(v) ~= 'number' then return 'must be a number, got ' .. show(v) end end

-- The options of a new object from the user's table, checked against spec:
-- {name = {default, check}}; unknown names and bad values fail naming who.
local function options(who, opts, spec)
  if opts == nil then opts = {} end
  if type(opts) ~= 'table' or mg.is_tensor(opts) or getmetatable(opts) ~= nil then
    fail('%s: expected a table of options, got %s', who, describe(opts))
  end
  local names = {}
  for name in pairs(spec) do names[#names + 1] = name end
  table.sort(names)
  for k in pairs(opts) do
    if spec[k] == nil then
      fail('%s: unknown option %s (options: %s)', who, show(k), table.concat(names, ', '))
    end
  end
  local out = {}
  for _, name in ipairs(names) do
    local v = opts[name]
    if v == nil then v = spec[name][1] end
    local msg = spec[name][2] and spec[name][2](v)
    if msg then fail('%s: %s %s', who, name, msg) end
    out[name] = v
  end
  return out, names
end

-- ---- classes -----------------------------------------------------------------------------

-- A class: callable with a table of options; its methods check that they are called on an
-- instance; what fit learns lives in the fields named by `fitted`.
local function class(name, spec, fitted, init)
  local C = {__name = name, _spec = spec, _fitted = fitted, _marker = fitted[1], _init = init}
  C.__index = C
  P[name] = setmetatable(C, {__call = function(_, ...) return C._new(...) end})
  C._new = public(function(opts, ...)
    if select('#', ...) > 0 then
      fail('%s: expected one table of options, got %d arguments', name, select('#', ...) + 1)
    end
    local self = setmetatable(options(name, opts, spec), C)
    if init then init(self) end
    return self
  end)
  return C
end

-- C[mname] checks self and raises our errors at the user's line; C._raw[mname] is fn itself,
-- for calls from inside this module (fit_transform, Pipeline).
local function method(C, mname, fn)
  local raw = rawget(C, '_raw')
  if not raw then
    raw = {}
    rawset(C, '_raw', raw)
  end
  raw[mname] = fn
  C[mname] = public(function(self, ...)
    if getmetatable(self) ~= C then
      fail('%s: %s must be called as a method (obj:%s(...)), got %s for obj', C.__name, mname,
           mname, describe(self))
    end
    return fn(self, ...)
  end)
end

local function who(self, mname) return getmetatable(self).__name .. ': ' .. mname end

local function require_fit(self, mname)
  if self.n_features_in_ == nil then
    fail('%s: %s called before fit', getmetatable(self).__name, mname)
  end
end

local function reset(self)
  for _, k in ipairs(getmetatable(self)._fitted) do self[k] = nil end
  self._maps = nil
end

local function clone_value(v)
  if mg.is_tensor(v) then return v:clone() end
  if type(v) == 'table' then
    local c = {}
    for k, x in pairs(v) do c[k] = clone_value(x) end
    return c
  end
  return v
end

-- state_dict and load_state_dict, the same for every class: {type, params, <fitted>...}.
-- Each class checks a state's fitted fields with its own _check_fitted(sd, params, who),
-- which returns them (copied) or fails; nothing changes until everything is checked.
local function add_state_methods(C)
  method(C, 'state_dict', function(self)
    local params = {}
    for name in pairs(C._spec) do params[name] = clone_value(self[name]) end
    local sd = {type = C.__name, params = params}
    for _, k in ipairs(C._fitted) do sd[k] = clone_value(self[k]) end
    return sd
  end)
  C._check_state = function(self, sd)
    local w = C.__name .. ': load_state_dict'
    if type(sd) ~= 'table' or getmetatable(sd) ~= nil then
      fail('%s: expected a table from state_dict(), got %s', w, describe(sd))
    end
    if sd.type ~= C.__name then
      fail('%s: expected the state of a %s, got %s', w, C.__name,
           type(sd.type) == 'string' and 'one of a ' .. sd.type or 'a table without a type')
    end
    local params = options(w, clone_value(sd.params or {}), C._spec)
    if C._init then C._init(setmetatable(clone_value(params), C)) end -- the options' cross-checks
    local state = {}
    if sd[C._marker] ~= nil then
      if C._marker == 'n_features_in_' and (math.type(sd.n_features_in_) ~= 'integer'
                                            or sd.n_features_in_ < 1) then
        fail('%s: n_features_in_ must be a positive integer, got %s', w, show(sd.n_features_in_))
      end
      state = C._check_fitted(sd, params, w)
      state.n_features_in_ = sd.n_features_in_
    end
    return params, state
  end
  C._apply_state = function(self, params, state)
    reset(self)
    for k, v in pairs(params) do self[k] = v end
    for k, v in pairs(state) do self[k] = v end
  end
  method(C, 'load_state_dict', function(self, sd)
    local params, state = C._check_state(self, sd)
    C._apply_state(self, params, state)
    return self
  end)
end

-- Checks of fitted fields in a state.
local function state_vector(w, sd, key, f, allow_nil)
  local v = sd[key]
  if v == nil and allow_nil then return nil end
  if not mg.is_tensor(v) or v:dim() ~= 1 or v:size(1) ~= f or not is_float(v) then
    fail('%s: %s must be a 1-D float tensor of %d values, got %s', w, key, f, describe(v))
  end
  return v:clone()
end

local function state_count(w, sd, key, f)
  local v = sd[key]
  if math.type(v) == 'integer' and v >= 0 then return v end
  if mg.is_tensor(v) and v.dtype == 'int64' and v:dim() == 1 and v:size(1) == f then return v:clone() end
  fail('%s: %s must be a non-negative integer or an int64 tensor of %d counts, got %s', w, key, f,
       show(v))
end

local function state_categories(w, list, key, f)
  if type(list) ~= 'table' or getmetatable(list) ~= nil or #list ~= f then
    fail('%s: %s must be a list of %d categories (tensors or lists of strings), got %s', w, key, f,
         show(list))
  end
  local out = {}
  for j = 1, f do
    local c = list[j]
    if mg.is_tensor(c) then
      if c:dim() ~= 1 or c:size(1) == 0 then
        fail('%s: %s[%d] must be a non-empty 1-D tensor, got %s', w, key, j, describe(c))
      end
      out[j] = c:clone()
    elseif type(c) == 'table' and getmetatable(c) == nil and #c > 0 then
      for i = 1, #c do
        if type(c[i]) ~= 'string' then
          fail('%s: %s[%d] must hold strings, got %s at %d', w, key, j, show(c[i]), i)
        end
      end
      out[j] = copy_list(c)
    else
      fail('%s: %s[%d] must be a non-empty 1-D tensor or list of strings, got %s', w, key, j, show(c))
    end
  end
  return out
end

local function class_tostring(C)
  C.__tostring = function(self)
    local parts = {}
    local names = {}
    for name in pairs(C._spec) do names[#names + 1] = name end
    table.sort(names)
    for _, name in ipairs(names) do
      if self[name] ~= nil then parts[#parts + 1] = name .. ' = ' .. show(self[name]) end
    end
    local s = C.__name .. '{' .. table.concat(parts, ', ') .. '}'
    if self.n_features_in_ == nil then return s .. ' (not fitted)' end
    return s .. ' fitted on ' .. self.n_features_in_ .. (self.n_features_in_ == 1 and ' feature' or ' features')
  end
end

-- fit_transform: fit, then transform the same input.
local function add_fit_transform(C)
  method(C, 'fit_transform', function(self, x, y)
    C._raw.fit(self, x, y)
    return C._raw.transform(self, x)
  end)
end

-- Per-feature counts as an integer when all are equal (as scikit-learn's n_samples_seen_),
-- else an int64 tensor; and back to a float64 tensor of f counts.
local function counts_out(count)
  local lo, hi = count:min():item(), count:max():item()
  if lo == hi then return math.tointeger(lo) end
  return count:to('int64')
end
local function counts_in(seen, f)
  if seen == nil then return mg.zeros(f, {dtype = 'float64'}) end
  if mg.is_tensor(seen) then return seen:to('float64') end
  return mg.full({f}, seen, {dtype = 'float64'})
end

-- ---- StandardScaler ----------------------------------------------------------------------

local StandardScaler = class('StandardScaler',
  {with_mean = {true, check.boolean}, with_std = {true, check.boolean}},
  {'n_features_in_', 'n_samples_seen_', 'mean_', 'var_', 'scale_'})

-- partial_fit: merges a batch's per-feature counts, means and sums of squared deviations into
-- those seen so far (Chan, Golub and LeVeque's update), in float64, NaNs left out.
local function standard_partial_fit(self, x, mname)
  local w = who(self, mname)
  x = matrix(w, x)
  nonempty(w, x:size(1))
  if self.n_features_in_ ~= nil then check_features(self, w, x) end
  local f = x:size(2)
  local xd = x:detach():to('float64')
  local missing = xd:ne(xd)
  local count_b = missing:logical_not():sum(1):to('float64')
  local count_a = counts_in(self.n_samples_seen_, f)
  local count = count_a + count_b
  if self.with_mean or self.with_std then
    local filled = xd:masked_fill(missing, 0)
    local seen_b = count_b:gt(0)
    local mean_b = mg.where(seen_b, filled:sum(1) / count_b, 0)
    local mean_a = self.mean_ and self.mean_:masked_fill(count_a:eq(0), 0) or mg.zeros(f, {dtype = 'float64'})
    local wb = mg.where(count:gt(0), count_b / count, 0) -- the batch's weight
    local delta = mean_b - mean_a
    local mean = mean_a + delta * wb
    local seen = count:gt(0)
    if self.with_std then
      local m2_b = ((xd - mean_b):masked_fill(missing, 0) ^ 2):sum(1)
      local m2_a = self.var_ and (self.var_ * count_a):masked_fill(count_a:eq(0), 0)
                   or mg.zeros(f, {dtype = 'float64'})
      local m2 = m2_a + m2_b + delta * delta * count_a * wb
      local var = mg.where(seen, m2 / count, NAN)
      -- a feature is constant when its variance is within the rounding error of the two-pass
      -- algorithm (scikit-learn's _is_constant_feature): its scale is 1
      local bound = count * EPS.float64 * var + (count * mean * EPS.float64) ^ 2
      self.var_ = var
      self.scale_ = mg.where(var:le(bound), 1, var:sqrt())
    end
    self.mean_ = mg.where(seen, mean, NAN)
  end
  self.n_samples_seen_ = counts_out(count)
  self.n_features_in_ = f
  return self
end

method(StandardScaler, 'fit', function(self, x)
  reset(self)
  return standard_partial_fit(self, x, 'fit')
end)
method(StandardScaler, 'partial_fit', function(self, x) return standard_partial_fit(self, x, 'partial_fit') end)

method(StandardScaler, 'transform', function(self, x)
  require_fit(self, 'transform')
  x = matrix(who(self, 'transform'), x)
  check_features(self, who(self, 'transform'), x)
  local y = x
  if self.with_mean then y = y - self.mean_:to(x.dtype) end
  if self.with_std then y = y / self.scale_:to(x.dtype) end
  return y == x and x:clone() or y
end)

method(StandardScaler, 'inverse_transform', function(self, y)
  require_fit(self, 'inverse_transform')
  y = matrix(who(self, 'inverse_transform'), y)
  check_features(self, who(self, 'inverse_transform'), y)
  local x = y
  if self.with_std then x = x * self.scale_:to(y.dtype) end
  if self.with_mean then x = x + self.mean_:to(y.dtype) end
  return x == y and y:clone() or x
end)

StandardScaler._check_fitted = function(sd, params, w)
  local f = sd.n_features_in_
  local s = {n_samples_seen_ = state_count(w, sd, 'n_samples_seen_', f)}
  if params.with_mean or params.with_std then s.mean_ = state_vector(w, sd, 'mean_', f) end
  if params.with_std then
    s.var_ = state_vector(w, sd, 'var_', f)
    s.scale_ = state_vector(w, sd, 'scale_', f)
  end
  return s
end
add_fit_transform(StandardScaler)
add_state_methods(StandardScaler)
class_tostring(StandardScaler)

-- ---- MinMaxScaler ------------------------------------------------------------------------

local function check_range(v)
  if type(v) ~= 'table' or getmetatable(v) ~= nil or #v ~= 2 or type(v[1]) ~= 'number'
     or type(v[2]) ~= 'number' then
    return 'must be a table of two numbers {min, max}, got ' .. show(v)
  end
  if not (v[1] < v[2]) then
    return ('must have min < max, got %s'):format(show(v))
  end
end

local MinMaxScaler = class('MinMaxScaler',
  {feature_range = {{0, 1}, check_range}, clip = {false, check.boolean}},
  {'n_features_in_', 'n_samples_seen_', 'data_min_', 'data_max_', 'data_range_', 'scale_', 'min_'})

local function minmax_partial_fit(self, x, mname)
  local w = who(self, mname)
  x = matrix(w, x)
  nonempty(w, x:size(1))
  if self.n_features_in_ ~= nil then check_features(self, w, x) end
  local xd = x:detach()
  local dtype = self.data_min_ and self.data_min_.dtype or xd.dtype
  xd = xd:to(dtype)
  local missing = xd:ne(xd)
  local dmin = xd:masked_fill(missing, INF):min(1)
  local dmax = xd:masked_fill(missing, -INF):max(1)
  if self.data_min_ then -- all-missing features so far are NaN: they take the batch's values
    dmin = dmin:minimum(self.data_min_:masked_fill(self.data_min_:ne(self.data_min_), INF))
    dmax = dmax:maximum(self.data_max_:masked_fill(self.data_max_:ne(self.data_max_), -INF))
  end
  local empty = dmin:gt(dmax)
  dmin, dmax = dmin:masked_fill(empty, NAN), dmax:masked_fill(empty, NAN)
  local lo, hi = self.feature_range[1], self.feature_range[2]
  local range = dmax - dmin
  self.data_min_, self.data_max_, self.data_range_ = dmin, dmax, range
  -- a (near) constant feature is scaled by 1, as scikit-learn's _handle_zeros_in_scale
  self.scale_ = (hi - lo) / mg.where(range:lt(10 * EPS[dtype]), 1, range)
  self.min_ = lo - dmin * self.scale_
  self.n_samples_seen_ = (self.n_samples_seen_ or 0) + x:size(1)
  self.n_features_in_ = x:size(2)
  return self
end

method(MinMaxScaler, 'fit', function(self, x)
  reset(self)
  return minmax_partial_fit(self, x, 'fit')
end)
method(MinMaxScaler, 'partial_fit', function(self, x) return minmax_partial_fit(self, x, 'partial_fit') end)

method(MinMaxScaler, 'transform', function(self, x)
  require_fit(self, 'transform')
  x = matrix(who(self, 'transform'), x)
  check_features(self, who(self, 'transform'), x)
  local y = x * self.scale_:to(x.dtype) + self.min_:to(x.dtype)
  if self.clip then y = y:clamp(self.feature_range[1], self.feature_range[2]) end
  return y
end)

method(MinMaxScaler, 'inverse_transform', function(self, y)
  require_fit(self, 'inverse_transform')
  y = matrix(who(self, 'inverse_transform'), y)
  check_features(self, who(self, 'inverse_transform'), y)
  return (y - self.min_:to(y.dtype)) / self.scale_:to(y.dtype)
end)

MinMaxScaler._check_fitted = function(sd, params, w)
  local f = sd.n_features_in_
  local s = {}
  for _, key in ipairs{'data_min_', 'data_max_', 'data_range_', 'scale_', 'min_'} do
    s[key] = state_vector(w, sd, key, f)
  end
  if math.type(sd.n_samples_seen_) ~= 'integer' or sd.n_samples_seen_ < 1 then
    fail('%s: n_samples_seen_ must be a positive integer, got %s', w, show(sd.n_samples_seen_))
  end
  s.n_samples_seen_ = sd.n_samples_seen_
  return s
end
add_fit_transform(MinMaxScaler)
add_state_methods(MinMaxScaler)
class_tostring(MinMaxScaler)

-- ---- SimpleImputer -----------------------------------------------------------------------

local SimpleImputer = class('SimpleImputer',
  {strategy = {'mean', check.one_of('mean', 'median', 'most_frequent', 'constant')},
   missing_values = {NAN, check.number},
   fill_value = {nil, function(v) if v ~= nil then return check.number(v) end end},
   keep_empty_features = {false, check.boolean}},
  {'n_features_in_', 'statistics_'})

-- x with its missing entries as NaN, in float64, and the mask of missing entries.
local function with_nan(self, w, x)
  local mv = self.missing_values
  if mv ~= mv then return x, x:ne(x) end
  if any(x:ne(x)) then
    fail('%s: the input contains NaN but missing_values is %s; NaN can only be imputed with '
         .. 'missing_values = 0/0 (the default)', w, show_value(mv))
  end
  local missing = x:eq(mv)
  return x:masked_fill(missing, NAN), missing
end

-- Per feature: the most frequent non-NaN value of each column of x (sorted, NaN last), the
-- smallest of those tied, as scikit-learn's. Runs of equal values are numbered by a
-- cumulative sum of run starts; their lengths are counted with scatter_add.
local function most_frequent(s)
  local n, f = s:size(1), s:size(2)
  local starts = mg.ones(1, f, {dtype = 'bool'})
  if n > 1 then starts = mg.cat({starts, s:narrow(1, 2, n - 1):ne(s:narrow(1, 1, n - 1))}, 1) end
  local run = starts:cumsum(1)
  local counts = mg.zeros(n, f, I64):scatter_add(1, run, s:eq(s):to('int64'))
  local best = counts:gather(1, run):argmax(1) -- the first (smallest) value of a longest run
  return s:gather(1, best:view(1, f)):view(f)
end

method(SimpleImputer, 'fit', function(self, x)
  local w = who(self, 'fit')
  x = matrix(w, x)
  nonempty(w, x:size(1))
  local n, f = x:size(1), x:size(2)
  local xd, missing = with_nan(self, w, x:detach():to('float64'))
  local count = missing:logical_not():sum(1)
  local stats
  if self.strategy == 'constant' then
    stats = mg.full({f}, self.fill_value or 0, {dtype = 'float64'})
  else
    if self.strategy == 'mean' then
      stats = xd:masked_fill(missing, 0):sum(1) / count
    elseif self.strategy == 'median' then
      local s = xd:sort(1) -- NaN sorts last: the count non-missing values come first
      local c = count:to('float64')
      local lo = ((c - 1) / 2):floor():to('int64'):add(1):clamp(1, n):view(1, f)
      local hi = (c / 2):floor():to('int64'):add(1):clamp(1, n):view(1, f)
      stats = ((s:gather(1, lo) + s:gather(1, hi)) / 2):view(f)
    else
      stats = most_frequent(xd:sort(1))
    end
    local empty = count:eq(0)
    stats = stats:masked_fill(empty, self.keep_empty_features and 0 or NAN)
  end
  reset(self)
  self.statistics_, self.n_features_in_ = stats, f
  return self
end)

method(SimpleImputer, 'transform', function(self, x)
  local w = who(self, 'transform')
  require_fit(self, 'transform')
  x = matrix(w, x)
  check_features(self, w, x)
  local mv = self.missing_values
  if mv == mv and any(x:ne(x)) then
    fail('%s: the input contains NaN but missing_values is %s; NaN can only be imputed with '
         .. 'missing_values = 0/0 (the default)', w, show_value(mv))
  end
  local missing = mv ~= mv and x:ne(x) or x:eq(mv)
  local stats = self.statistics_
  local y = mg.where(missing, stats:to(x.dtype):view(1, -1), x)
  if self.strategy ~= 'constant' then
    -- features with no value at fit have no statistic: dropped, as scikit-learn does (unless
    -- keep_empty_features, which imputes 0)
    local keep = stats:eq(stats)
    if any(keep:logical_not()) then
      y = y:index_select(2, (split_mask(keep)))
    end
  end
  return y
end)

SimpleImputer._check_fitted = function(sd, params, w)
  return {statistics_ = state_vector(w, sd, 'statistics_', sd.n_features_in_)}
end
add_fit_transform(SimpleImputer)
add_state_methods(SimpleImputer)
class_tostring(SimpleImputer)

-- ---- encoders: shared parts --------------------------------------------------------------

-- The categories of each column: sorted distinct values, or the ones given (sorted numbers,
-- or strings in any order), which must hold every value when unknown values are an error.
local function fit_categories(self, w, cols, strict)
  local given = self.categories
  if given ~= 'auto' and #given ~= #cols then
    fail('%s: categories has %d lists but the input has %d features', w, #given, #cols)
  end
  local cats = {}
  for j, col in ipairs(cols) do
    if given == 'auto' then
      cats[j] = categories_of(col)
    else
      local c = given[j]
      if mg.is_tensor(col) then
        if type(c) == 'table' and getmetatable(c) == nil then c = mg.tensor(c, {dtype = col.dtype}) end
        if not mg.is_tensor(c) or c:dim() ~= 1 or c:size(1) == 0 then
          fail('%s: categories[%d] must be a non-empty list or 1-D tensor of numbers, got %s', w, j, show(c))
        end
        c = c:to(col.dtype)
        local u = unique(c)
        if u:size(1) ~= c:size(1) or any(u:ne(c):logical_and(u:eq(u))) then
          fail('%s: categories[%d] must be sorted and distinct (numbers)', w, j)
        end
      else
        if type(c) ~= 'table' or getmetatable(c) ~= nil or #c == 0 then
          fail('%s: categories[%d] must be a non-empty list of strings, got %s', w, j, show(c))
        end
        local seen = {}
        for i = 1, #c do
          if type(c[i]) ~= 'string' then
            fail('%s: categories[%d] must hold strings (feature %d is strings), got %s', w, j, j, show(c[i]))
          end
          if seen[c[i]] then fail('%s: categories[%d] has %s twice', w, j, show(c[i])) end
          seen[c[i]] = true
        end
        c = copy_list(c)
      end
      if strict then
        local _, found = match(w, c, col, j, {})
        if any(found:logical_not()) then
          fail('%s: found unknown categories %s in feature %d during fit', w, unknown_list(col, found), j)
        end
      end
      cats[j] = c
    end
  end
  return cats
end

local function check_categories_option(v)
  if v == 'auto' then return nil end
  if type(v) ~= 'table' or getmetatable(v) ~= nil or #v == 0 then
    return "must be 'auto' or a list with each feature's categories, got " .. show(v)
  end
end

local function encoder_columns(self, w, x)
  local cols, n = columns_of(w, x)
  if #cols ~= self.n_features_in_ then
    fail('%s: expected %d features (as seen in fit), got %d', w, self.n_features_in_, #cols)
  end
  return cols, n
end

local function encoder_state(sd, params, w)
  return {categories_ = state_categories(w, sd.categories_, 'categories_', sd.n_features_in_)}
end

-- ---- OneHotEncoder -----------------------------------------------------------------------

local OneHotEncoder = class('OneHotEncoder',
  {categories = {'auto', check_categories_option},
   handle_unknown = {'error', check.one_of('error', 'ignore')},
   dtype = {'float32', check.one_of('float32', 'float64', 'int64')}},
  {'n_features_in_', 'categories_'})

method(OneHotEncoder, 'fit', function(self, x)
  local w = who(self, 'fit')
  local cols, n = columns_of(w, x)
  nonempty(w, n)
  local cats = fit_categories(self, w, cols, self.handle_unknown == 'error')
  reset(self)
  self.categories_, self.n_features_in_ = cats, #cols
  return self
end)

method(OneHotEncoder, 'transform', function(self, x)
  local w = who(self, 'transform')
  require_fit(self, 'transform')
  local cols, n = encoder_columns(self, w, x)
  self._maps = self._maps or {}
  local blocks = {}
  for j, col in ipairs(cols) do
    local cats = self.categories_[j]
    local k = column_length(cats)
    local pos, found = match(w, cats, col, j, self._maps)
    if self.handle_unknown == 'error' and any(found:logical_not()) then
      fail("%s: found unknown categories %s in feature %d during transform (handle_unknown = "
           .. "'ignore' encodes them as zeros)", w, unknown_list(col, found), j)
    end
    -- a 1 at each row's category (0 for an unknown value), scattered into the block
    blocks[j] = mg.zeros(n, k, {dtype = self.dtype}):scatter_add(2, pos:view(n, 1),
                                                                  found:to(self.dtype):view(n, 1))
  end
  if n == 0 then
    local total = 0
    for _, c in ipairs(self.categories_) do total = total + column_length(c) end
    return mg.zeros(0, total, {dtype = self.dtype})
  end
  return mg.cat(blocks, 2)
end)

method(OneHotEncoder, 'inverse_transform', function(self, y)
  local w = who(self, 'inverse_transform')
  require_fit(self, 'inverse_transform')
  y = tensor_of(w, y, 'a 2-D tensor {samples, categories}')
  local total = 0
  for _, c in ipairs(self.categories_) do total = total + column_length(c) end
  if y:dim() ~= 2 or y:size(2) ~= total then
    fail('%s: expected a 2-D tensor {samples, %d} (one column per category), got shape %s', w,
         total, shape_str(y))
  end
  local idx, unknown, at = {}, {}, 1
  for j, c in ipairs(self.categories_) do
    local k = column_length(c)
    local block = y:narrow(2, at, k)
    idx[j] = block:argmax(2)
    if self.handle_unknown == 'ignore' then unknown[j] = block:ne(0):sum(2):eq(0) end
    at = at + k
  end
  return assemble(w, self.categories_, idx, unknown)
end)

-- get_feature_names_out([input_features]): 'x1_red', ... one per output column.
method(OneHotEncoder, 'get_feature_names_out', function(self, input_features)
  local w = who(self, 'get_feature_names_out')
  require_fit(self, 'get_feature_names_out')
  local f = self.n_features_in_
  if input_features ~= nil then
    if type(input_features) ~= 'table' or #input_features ~= f then
      fail('%s: expected a list of %d feature names, got %s', w, f, show(input_features))
    end
  end
  local names = {}
  for j, c in ipairs(self.categories_) do
    local prefix = input_features and tostring(input_features[j]) or 'x' .. j
    local values = mg.is_tensor(c) and c:totable() or c
    for _, v in ipairs(values) do names[#names + 1] = prefix .. '_' .. show_value(v) end
  end
  return names
end)

OneHotEncoder._check_fitted = encoder_state
add_fit_transform(OneHotEncoder)
add_state_methods(OneHotEncoder)
class_tostring(OneHotEncoder)

-- ---- OrdinalEncoder ----------------------------------------------------------------------

local OrdinalEncoder = class('OrdinalEncoder',
  {categories = {'auto', check_categories_option},
   handle_unknown = {'error', check.one_of('error', 'use_encoded_value')},
   unknown_value = {nil, function(v)
     if v ~= nil and math.type(v) ~= 'integer' and v == v then
       return 'must be an integer or nan, got ' .. show(v)
     end
   end},
   dtype = {'int64', check.one_of('int64', 'float32', 'float64')}},
  {'n_features_in_', 'categories_'},
  function(self)
    local uv = self.unknown_value
    if self.handle_unknown == 'use_encoded_value' and uv == nil then
      fail("OrdinalEncoder: unknown_value (an integer or nan) is needed when handle_unknown is "
           .. "'use_encoded_value'")
    end
    if self.handle_unknown == 'error' and uv ~= nil then
      fail("OrdinalEncoder: unknown_value is only used when handle_unknown is 'use_encoded_value', "
           .. 'got %s', show(uv))
    end
    if uv ~= nil and uv ~= uv and self.dtype == 'int64' then
      fail("OrdinalEncoder: unknown_value nan needs a float dtype (dtype = 'float32' or 'float64')")
    end
  end)

local function check_unknown_value(self, w, cats)
  local uv = self.unknown_value
  if uv == nil or uv ~= uv then return end
  for j, c in ipairs(cats) do
    if uv >= 1 and uv <= column_length(c) then
      fail('%s: unknown_value %d is the code of a category of feature %d (codes 1 to %d); use 0 '
           .. 'or -1', w, uv, j, column_length(c))
    end
  end
end

method(OrdinalEncoder, 'fit', function(self, x)
  local w = who(self, 'fit')
  local cols, n = columns_of(w, x)
  nonempty(w, n)
  local cats = fit_categories(self, w, cols, self.handle_unknown == 'error')
  check_unknown_value(self, w, cats)
  reset(self)
  self.categories_, self.n_features_in_ = cats, #cols
  return self
end)

method(OrdinalEncoder, 'transform', function(self, x)
  local w = who(self, 'transform')
  require_fit(self, 'transform')
  local cols, n = encoder_columns(self, w, x)
  if n == 0 then return mg.zeros(0, #cols, {dtype = self.dtype}) end
  self._maps = self._maps or {}
  local codes = {}
  for j, col in ipairs(cols) do
    local pos, found = match(w, self.categories_[j], col, j, self._maps)
    local code = pos:to(self.dtype)
    local unknown = found:logical_not()
    if any(unknown) then
      if self.handle_unknown == 'error' then
        fail("%s: found unknown categories %s in feature %d during transform (handle_unknown = "
             .. "'use_encoded_value' gives them unknown_value)", w, unknown_list(col, found), j)
      end
      code = code:masked_fill(unknown, self.unknown_value)
    end
    codes[j] = code
  end
  return mg.stack(codes, 2)
end)

method(OrdinalEncoder, 'inverse_transform', function(self, codes)
  local w = who(self, 'inverse_transform')
  require_fit(self, 'inverse_transform')
  codes = tensor_of(w, codes, 'a 2-D tensor {samples, features} of codes')
  local f = self.n_features_in_
  if codes:dim() ~= 2 or codes:size(2) ~= f then
    fail('%s: expected a 2-D tensor {samples, %d} of codes, got shape %s', w, f, shape_str(codes))
  end
  local uv = self.unknown_value
  local idx, unknown = {}, {}
  for j, c in ipairs(self.categories_) do
    local k = column_length(c)
    local col = codes:select(2, j)
    local unk = mg.zeros(col:size(1), {dtype = 'bool'})
    if uv ~= nil then unk = uv ~= uv and col:ne(col) or col:eq(uv) end
    local bad = col:lt(1):logical_or(col:gt(k))
    if is_float(col) then bad = bad:logical_or(col:ne(col:floor())) end
    bad = bad:logical_and(unk:logical_not())
    if any(bad) then
      local row = split_mask(bad)[1]:item()
      fail('%s: code %s in row %d of feature %d is not a category code (expected 1 to %d%s)', w,
           show_value(col[row]:item()), row, j, k, uv ~= nil and ' or ' .. show_value(uv) or '')
    end
    idx[j] = col:masked_fill(unk, 1):to('int64')
    unknown[j] = unk
  end
  return assemble(w, self.categories_, idx, unknown)
end)

OrdinalEncoder._check_fitted = encoder_state
add_fit_transform(OrdinalEncoder)
add_state_methods(OrdinalEncoder)
class_tostring(OrdinalEncoder)

-- ---- LabelEncoder ------------------------------------------------------------------------

local LabelEncoder = class('LabelEncoder', {}, {'classes_'})

local function label_fit(self, y, mname)
  local w = who(self, mname)
  local cols, n = columns_of(w, y, true)
  nonempty(w, n, 'label')
  local col = cols[1]
  local classes, codes
  if mg.is_tensor(col) then
    classes, codes = unique(col)
  else
    classes, codes = unique_strings(col)
    codes = mg.tensor(codes, I64)
  end
  reset(self)
  self.classes_ = classes
  return codes
end

method(LabelEncoder, 'fit', function(self, y)
  label_fit(self, y, 'fit')
  return self
end)

method(LabelEncoder, 'fit_transform', function(self, y) return label_fit(self, y, 'fit_transform') end)

method(LabelEncoder, 'transform', function(self, y)
  local w = who(self, 'transform')
  if self.classes_ == nil then fail('LabelEncoder: transform called before fit') end
  local cols, n = columns_of(w, y, true)
  if n == 0 then return mg.zeros(0, I64) end
  self._maps = self._maps or {}
  local pos, found = match(w, self.classes_, cols[1], 1, self._maps)
  if any(found:logical_not()) then
    fail('%s: y contains previously unseen labels: %s', w, unknown_list(cols[1], found))
  end
  return pos
end)

method(LabelEncoder, 'inverse_transform', function(self, codes)
  local w = who(self, 'inverse_transform')
  if self.classes_ == nil then fail('LabelEncoder: inverse_transform called before fit') end
  if type(codes) == 'table' and not has_to_tensor(codes) and getmetatable(codes) == nil then
    for i = 1, #codes do
      if math.type(codes[i]) ~= 'integer' then
        fail('%s: expected integer codes, got %s at %d', w, show(codes[i]), i)
      end
    end
    codes = mg.tensor(codes, I64)
  end
  codes = tensor_of(w, codes, 'a 1-D tensor of codes')
  if codes:dim() ~= 1 then fail('%s: expected a 1-D tensor of codes, got shape %s', w, shape_str(codes)) end
  local k = column_length(self.classes_)
  local bad = codes:lt(1):logical_or(codes:gt(k))
  if is_float(codes) then bad = bad:logical_or(codes:ne(codes:floor())) end
  if any(bad) then
    local row = split_mask(bad)[1]:item()
    fail('%s: code %s at %d is not a class code (expected 1 to %d)', w, show_value(codes[row]:item()),
         row, k)
  end
  codes = codes:to('int64')
  if mg.is_tensor(self.classes_) then return self.classes_:index_select(1, codes) end
  local out = {}
  for i, p in ipairs(codes:totable()) do out[i] = self.classes_[p] end
  return out
end)

LabelEncoder._check_fitted = function(sd, params, w)
  return {classes_ = state_categories(w, {sd.classes_}, 'classes_', 1)[1]}
end
add_state_methods(LabelEncoder)
LabelEncoder.__tostring = function(self)
  if self.classes_ == nil then return 'LabelEncoder (not fitted)' end
  local values = mg.is_tensor(self.classes_) and self.classes_:totable() or self.classes_
  local shown = {}
  for i = 1, math.min(#values, 10) do shown[i] = show_value(values[i], true) end
  if #values > 10 then shown[#shown + 1] = '...' end
  return ('LabelEncoder of %d classes: {%s}'):format(#values, table.concat(shown, ', '))
end

-- ---- train_test_split --------------------------------------------------------------------

-- Class codes (1-based int64) and counts of n labels (a tensor or a list).
local function label_codes(w, y, n, what)
  local cols, m = columns_of(w .. ': ' .. what, y, true)
  if m ~= n then fail('%s: %s has %d labels, expected %d (one per sample)', w, what, m, n) end
  local col = cols[1]
  if mg.is_tensor(col) then
    local _, codes, counts = unique(col)
    return codes, counts
  end
  local _, codes, counts = unique_strings(col)
  return mg.tensor(codes, I64), mg.tensor(counts, I64)
end

-- How many of n_draws each class gets, proportionally to counts (a Lua list), as
-- scikit-learn's _approximate_mode: the floors, then one more to the classes with the largest
-- remainders (ties to the class that comes first, where scikit-learn draws at random).
local function approximate_mode(counts, n_draws)
  local total = 0
  for _, c in ipairs(counts) do total = total + c end
  local out, rem, order, need = {}, {}, {}, n_draws
  for i, c in ipairs(counts) do
    local share = c / total * n_draws
    out[i] = math.floor(share)
    rem[i], order[i] = share - out[i], i
    need = need - out[i]
  end
  table.sort(order, function(a, b)
    if rem[a] ~= rem[b] then return rem[a] > rem[b] end
    return a < b
  end)
  for t = 1, need do out[order[t]] = out[order[t]] + 1 end
  return out
end

-- Train and test indices drawn class by class (as scikit-learn's StratifiedShuffleSplit): a
-- random permutation, stably sorted by class, so that each class's samples come in random
-- order; the first n_i of class i go to train, the next t_i to test.
local function stratified_indices(w, codes, counts, n_train, n_test)
  local k, cl = counts:size(1), counts:totable()
  local least = math.huge
  for _, c in ipairs(cl) do least = math.min(least, c) end
  if least < 2 then
    fail('%s: the least populated class in stratify has only 1 member; each class needs at least 2',
         w)
  end
  if n_train < k then
    fail('%s: the train set (%d samples) is smaller than the number of classes (%d)', w, n_train, k)
  end
  if n_test < k then
    fail('%s: the test set (%d samples) is smaller than the number of classes (%d)', w, n_test, k)
  end
  local n_i = approximate_mode(cl, n_train)
  local rest = {}
  for i, c in ipairs(cl) do rest[i] = c - n_i[i] end
  local t_i = approximate_mode(rest, n_test)
  local n = codes:size(1)
  local perm = mg.randperm(n)
  local class_of, ord = codes:index_select(1, perm):sort(1)
  local grouped = perm:index_select(1, ord)
  local starts = counts:cumsum(1) - counts
  local rank = mg.arange(0, n) - starts:index_select(1, class_of)
  local ntr = mg.tensor(n_i, I64):index_select(1, class_of)
  local nte = mg.tensor(t_i, I64):index_select(1, class_of)
  local train = grouped:index_select(1, (split_mask(rank:lt(ntr))))
  local test = grouped:index_select(1, (split_mask(rank:ge(ntr):logical_and(rank:lt(ntr + nte)))))
  return train:index_select(1, mg.randperm(n_train)), test:index_select(1, mg.randperm(n_test))
end

local function size_option(v)
  if v == nil then return nil end
  if math.type(v) ~= 'integer' and math.type(v) ~= 'float' then
    return 'must be a fraction in (0, 1) or a number of samples, got ' .. show(v)
  end
end

local SPLIT_OPTIONS = {test_size = {nil, size_option}, train_size = {nil, size_option},
                       seed = {nil, check.seed}, shuffle = {true, check.boolean}, stratify = {nil}}

-- The sizes of the train and test sets, as scikit-learn's _validate_shuffle_split: a float
-- is a fraction (test: rounded up, train: down), an integer a count.
local function split_sizes(w, n, test_size, train_size)
  if test_size == nil and train_size == nil then test_size = 0.25 end
  for _, pair in ipairs{{'test_size', test_size}, {'train_size', train_size}} do
    local name, v = pair[1], pair[2]
    if v ~= nil and ((math.type(v) == 'integer' and (v <= 0 or v >= n))
                     or (math.type(v) == 'float' and not (v > 0 and v < 1))) then
      fail('%s: %s must be a number of samples in 1..%d or a fraction in (0, 1), got %s', w, name,
           n - 1, show(v))
    end
  end
  if math.type(test_size) == 'float' and math.type(train_size) == 'float' and test_size + train_size > 1 then
    fail('%s: test_size + train_size = %s, more than 1', w, show_value(test_size + train_size))
  end
  local n_test = math.type(test_size) == 'float' and math.ceil(test_size * n) or test_size
  local n_train = math.type(train_size) == 'float' and math.floor(train_size * n) or train_size
  if n_train == nil then n_train = n - n_test elseif n_test == nil then n_test = n - n_train end
  n_train, n_test = math.tointeger(n_train), math.tointeger(n_test)
  if n_train + n_test > n then
    fail('%s: train and test sets of %d and %d samples add up to more than the %d samples', w,
         n_train, n_test, n)
  end
  if n_train == 0 then
    fail('%s: with %d samples and test_size = %s the train set would be empty', w, n, show(test_size))
  end
  return n_train, n_test
end

P.train_test_split = public(function(...)
  local w = 'train_test_split'
  local args = table.pack(...)
  local opts, last = nil, args[args.n]
  if args.n > 0 and last == nil then -- train_test_split(x, nil): no options
    args.n = args.n - 1
  elseif args.n > 0 and type(last) == 'table' and getmetatable(last) == nil and last[1] == nil then
    opts, args.n = last, args.n - 1
  end
  if args.n == 0 then fail('%s: expected one or more tensors to split', w) end
  local arrays, sizes = {}, {}
  for i = 1, args.n do
    local a = args[i]
    if not mg.is_tensor(a) then
      if not has_to_tensor(a) then
        fail('%s: argument %d: expected a tensor (or anything with :to_tensor()), got %s', w, i, describe(a))
      end
      a = a:to_tensor()
      if not mg.is_tensor(a) then fail('%s: argument %d: to_tensor() returned %s', w, i, describe(a)) end
    end
    if a:dim() == 0 then fail('%s: argument %d is a 0-d tensor (expected one row per sample)', w, i) end
    arrays[i], sizes[i] = a, a:size(1)
  end
  for i = 2, #arrays do
    if sizes[i] ~= sizes[1] then
      fail('%s: the arguments differ in their number of samples (%s)', w, table.concat(sizes, ', '))
    end
  end
  local n = sizes[1]
  local o = options(w, opts, SPLIT_OPTIONS)
  if n < 2 then fail('%s: expected at least 2 samples to split, got %d', w, n) end
  local n_train, n_test = split_sizes(w, n, o.test_size, o.train_size)
  local train, test
  if o.stratify ~= nil then
    if not o.shuffle then fail('%s: stratify needs shuffle = true', w) end
    local codes, counts = label_codes(w, o.stratify, n, 'stratify')
    if o.seed then mg.manual_seed(o.seed) end
    train, test = stratified_indices(w, codes, counts, n_train, n_test)
  elseif o.shuffle then
    if o.seed then mg.manual_seed(o.seed) end
    local perm = mg.randperm(n)
    test, train = perm:narrow(1, 1, n_test), perm:narrow(1, n_test + 1, n_train)
  else
    train, test = mg.arange(1, n_train + 1), mg.arange(n_train + 1, n_train + n_test + 1)
  end
  local out = {}
  for i, a in ipairs(arrays) do
    out[2 * i - 1], out[2 * i] = a:index_select(1, train), a:index_select(1, test)
  end
  return table.unpack(out, 1, 2 * #arrays)
end)

-- ---- KFold and StratifiedKFold -----------------------------------------------------------

local function check_splits(v)
  if math.type(v) ~= 'integer' or v < 2 then return 'must be an integer >= 2, got ' .. show(v) end
end

local function check_fold_options(self)
  if self.seed ~= nil and not self.shuffle then
    fail('%s: seed has no effect when shuffle is false; leave it nil or set shuffle = true',
         getmetatable(self).__name)
  end
end

local FOLD_OPTIONS = {n_splits = {5, check_splits}, shuffle = {false, check.boolean},
                      seed = {nil, check.seed}}
local KFold = class('KFold', FOLD_OPTIONS, {}, check_fold_options)
local StratifiedKFold = class('StratifiedKFold', FOLD_OPTIONS, {}, check_fold_options)

-- The number of samples x stands for: an integer, a tensor's rows, a list's length.
local function sample_count(w, x)
  if math.type(x) == 'integer' and x >= 0 then return x end
  if mg.is_tensor(x) or has_to_tensor(x) then
    local t = tensor_of(w, x, 'samples')
    if t:dim() == 0 then fail('%s: expected one row per sample, got a 0-d tensor', w) end
    return t:size(1)
  end
  if type(x) == 'table' and getmetatable(x) == nil then return #x end
  fail('%s: expected a number of samples, a tensor or a list, got %s', w, show(x))
end

local function check_split_count(self, w, n)
  if self.n_splits > n then
    fail('%s: cannot have n_splits = %d greater than the number of samples (%d)', w, self.n_splits, n)
  end
end

-- An iterator over the folds: fold f's (train, test) from test_of(f), both ascending.
local function fold_iterator(k, folds)
  local f = 0
  return function()
    f = f + 1
    if f > k then return nil end
    return folds(f)
  end
end

method(KFold, 'split', function(self, x)
  local w = who(self, 'split')
  local n = sample_count(w, x)
  check_split_count(self, w, n)
  local order
  if self.shuffle then
    if self.seed then mg.manual_seed(self.seed) end
    order = mg.randperm(n)
  else
    order = mg.arange(1, n + 1)
  end
  local k = self.n_splits
  local base, extra = n // k, n % k
  return fold_iterator(k, function(f)
    local size = base + (f <= extra and 1 or 0)
    local start = 1 + (f - 1) * base + math.min(f - 1, extra)
    local test = order:narrow(1, start, size)
    local train = mg.cat{order:narrow(1, 1, start - 1), order:narrow(1, start + size, n - start - size + 1)}
    if self.shuffle then return (train:sort(1)), (test:sort(1)) end
    return train, test:clone()
  end)
end)

-- As scikit-learn's StratifiedKFold: classes numbered by first appearance, sorted labels dealt
-- round-robin to the folds (allocation[f][c], worked out per class and fold), each class's
-- samples taking folds in their order (or at random with shuffle).
method(StratifiedKFold, 'split', function(self, x, y)
  local w = who(self, 'split')
  local n = sample_count(w, x)
  if y == nil then fail('%s: expected the labels y as the second argument (split(x, y))', w) end
  local codes, counts = label_codes(w, y, n, 'y')
  check_split_count(self, w, n)
  local k, c = self.n_splits, counts:size(1)
  if counts:max():item() < k then
    fail('%s: n_splits = %d is greater than the number of members of every class (at most %d)', w, k,
         counts:max():item())
  end
  local _, ord = codes:sort(1)
  local starts = counts:cumsum(1) - counts
  local first = ord:index_select(1, starts + 1) -- where each class first appears
  local _, by_first = first:sort(1)
  local rank = mg.zeros(c, I64):scatter_add(1, by_first, mg.arange(1, c + 1))
  local enc = rank:index_select(1, codes)
  local enc_counts = counts:index_select(1, by_first)
  local cum, at = {}, 0
  local function ceil_div(a, b) return -((-a) // b) end
  for cls, count in ipairs(enc_counts:totable()) do
    local row, running = {}, 0
    for f = 0, k - 1 do -- sorted positions at..at+count-1 that fall to fold f (p % k == f)
      running = running + ceil_div(at + count - f, k) - ceil_div(at - f, k)
      row[f + 1] = running
    end
    cum[cls], at = row, at + count
  end
  local order
  if self.shuffle then
    if self.seed then mg.manual_seed(self.seed) end
    order = mg.randperm(n)
  else
    order = mg.arange(1, n + 1)
  end
  local sorted_enc, o2 = enc:index_select(1, order):sort(1)
  local sample = order:index_select(1, o2)
  local within = mg.arange(0, n) - (enc_counts:cumsum(1) - enc_counts):index_select(1, sorted_enc)
  local fold0 = within:unsqueeze(2):ge(mg.tensor(cum, I64):index_select(1, sorted_enc)):sum(2)
  local fold = mg.zeros(n, I64):scatter_add(1, sample, fold0 + 1)
  return fold_iterator(k, function(f)
    local test, train = split_mask(fold:eq(f))
    return train, test
  end)
end)

for _, C in ipairs{KFold, StratifiedKFold} do
  method(C, 'get_n_splits', function(self) return self.n_splits end)
  C.__tostring = function(self)
    return ('%s{n_splits = %d, shuffle = %s%s}'):format(C.__name, self.n_splits, self.shuffle,
      self.seed and ', seed = ' .. self.seed or '')
  end
end

-- ---- Pipeline ----------------------------------------------------------------------------

local Pipeline = {__name = 'Pipeline'}
Pipeline.__index = Pipeline
P.Pipeline = setmetatable(Pipeline, {__call = function(_, ...) return Pipeline._new(...) end})

local function has_method(obj, name)
  local ok, f = pcall(function() return obj[name] end)
  return ok and callable(f)
end

Pipeline._new = public(function(steps, ...)
  if select('#', ...) > 0 then fail('Pipeline: expected one list of steps, got %d arguments', select('#', ...) + 1) end
  if type(steps) ~= 'table' or getmetatable(steps) ~= nil or #steps == 0 then
    fail('Pipeline: expected a list of steps ({name, object} pairs or objects), got %s', show(steps))
  end
  local list, named, auto = {}, {}, {}
  for i, s in ipairs(steps) do
    local name, obj = nil, s
    if type(s) == 'table' and getmetatable(s) == nil and s[1] ~= nil then
      name, obj = s[1], s[2]
      if type(name) ~= 'string' or name == '' or #s ~= 2 then
        fail('Pipeline: step %d: expected {name, object} with a non-empty string name, got %s', i, show(s))
      end
    end
    if (type(obj) ~= 'table' and type(obj) ~= 'userdata') or not has_method(obj, 'fit') then
      fail('Pipeline: step %d (%s) has no fit method', i, describe(obj))
    end
    if type(obj) == 'table' and rawget(obj, '__index') == obj then
      fail('Pipeline: step %d is the class %s; call it to make an object', i, tostring(obj.__name))
    end
    if i < #steps and not has_method(obj, 'transform') then
      fail('Pipeline: step %d (%s) has no transform method (every step but the last needs one)', i,
           describe(obj))
    end
    if name == nil then -- as scikit-learn's make_pipeline: the lowercased class name
      local mt = getmetatable(obj)
      name = (type(mt) == 'table' and type(rawget(mt, '__name')) == 'string' and mt.__name or 'step'):lower()
      auto[name] = (auto[name] or 0) + 1
    end
    list[i] = {name, obj}
  end
  local numbered = {}
  for _, s in ipairs(list) do -- repeated automatic names are numbered: 'standardscaler-1', ...
    if auto[s[1]] and auto[s[1]] > 1 then
      numbered[s[1]] = (numbered[s[1]] or 0) + 1
      s[1] = s[1] .. '-' .. numbered[s[1]]
    end
  end
  for _, s in ipairs(list) do
    if named[s[1]] then fail("Pipeline: two steps are named '%s'", s[1]) end
    named[s[1]] = s[2]
  end
  return setmetatable({steps = list, named_steps = named}, Pipeline)
end)

-- obj:fname(...) for step `name`, its errors prefixed by the Pipeline's method and the step.
local function call_step(mname, name, obj, fname, ...)
  local mt = getmetatable(obj)
  local raw = type(mt) == 'table' and rawget(mt, '_raw')
  local f = raw and raw[fname] or obj[fname]
  local r = table.pack(pcall(f, obj, ...))
  if r[1] then return table.unpack(r, 2, r.n) end
  local msg = checks.message(r[2])
  fail("Pipeline: %s: step '%s': %s", mname, name, msg)
end

local function step_fit_transform(mname, name, obj, x, y)
  if has_method(obj, 'fit_transform') then return call_step(mname, name, obj, 'fit_transform', x, y) end
  call_step(mname, name, obj, 'fit', x, y)
  return call_step(mname, name, obj, 'transform', x)
end

method(Pipeline, 'fit', function(self, x, y)
  local n = #self.steps
  for i, s in ipairs(self.steps) do
    if i < n then x = step_fit_transform('fit', s[1], s[2], x, y) else call_step('fit', s[1], s[2], 'fit', x, y) end
  end
  return self
end)

method(Pipeline, 'fit_transform', function(self, x, y)
  local last = self.steps[#self.steps]
  if not has_method(last[2], 'transform') then
    fail("Pipeline: fit_transform: the last step '%s' (%s) has no transform method", last[1], describe(last[2]))
  end
  for _, s in ipairs(self.steps) do x = step_fit_transform('fit_transform', s[1], s[2], x, y) end
  return x
end)

method(Pipeline, 'transform', function(self, x)
  local last = self.steps[#self.steps]
  if not has_method(last[2], 'transform') then
    fail("Pipeline: transform: the last step '%s' (%s) has no transform method", last[1], describe(last[2]))
  end
  for _, s in ipairs(self.steps) do x = call_step('transform', s[1], s[2], 'transform', x) end
  return x
end)

method(Pipeline, 'inverse_transform', function(self, y)
  for _, s in ipairs(self.steps) do
    if not has_method(s[2], 'inverse_transform') then
      fail("Pipeline: inverse_transform: step '%s' (%s) has no inverse_transform", s[1], describe(s[2]))
    end
  end
  for i = #self.steps, 1, -1 do
    local s = self.steps[i]
    y = call_step('inverse_transform', s[1], s[2], 'inverse_transform', y)
  end
  return y
end)

method(Pipeline, 'state_dict', function(self)
  local steps = {}
  for i, s in ipairs(self.steps) do
    if not has_method(s[2], 'state_dict') then
      fail("Pipeline: state_dict: step '%s' (%s) has no state_dict", s[1], describe(s[2]))
    end
    steps[i] = {name = s[1], state = call_step('state_dict', s[1], s[2], 'state_dict')}
  end
  return {type = 'Pipeline', steps = steps}
end)

-- load_state_dict(sd): every step of ours is checked before any changes; other objects'
-- load_state_dict is called afterwards.
method(Pipeline, 'load_state_dict', function(self, sd)
  local w = 'Pipeline: load_state_dict'
  if type(sd) ~= 'table' or sd.type ~= 'Pipeline' or type(sd.steps) ~= 'table' then
    fail('%s: expected a table from a Pipeline\'s state_dict(), got %s', w, show(sd))
  end
  if #sd.steps ~= #self.steps then
    fail('%s: the state has %d steps, the pipeline %d', w, #sd.steps, #self.steps)
  end
  local checked = {}
  for i, s in ipairs(self.steps) do
    local entry = sd.steps[i]
    if type(entry) ~= 'table' or entry.name ~= s[1] then
      fail("%s: step %d of the state is %s, expected '%s'", w, i,
           type(entry) == 'table' and show(entry.name) or show(entry), s[1])
    end
    local mt = getmetatable(s[2])
    if type(mt) == 'table' and rawget(mt, '_check_state') then
      local ok, params, state = pcall(mt._check_state, s[2], entry.state)
      if not ok then
        fail("%s: step '%s': %s", w, s[1], checks.message(params))
      end
      checked[i] = {params, state}
    elseif not has_method(s[2], 'load_state_dict') then
      fail("%s: step '%s' (%s) has no load_state_dict", w, s[1], describe(s[2]))
    end
  end
  for i, s in ipairs(self.steps) do
    if checked[i] then
      getmetatable(s[2])._apply_state(s[2], checked[i][1], checked[i][2])
    else
      call_step('load_state_dict', s[1], s[2], 'load_state_dict', sd.steps[i].state)
    end
  end
  return self
end)

Pipeline.__len = function(self) return #self.steps end
Pipeline.__tostring = function(self)
  local lines = {('Pipeline of %d steps:'):format(#self.steps)}
  for i, s in ipairs(self.steps) do lines[i + 1] = ('  %d  %s: %s'):format(i, s[1], tostring(s[2])) end
  return table.concat(lines, '\n')
end

return P
