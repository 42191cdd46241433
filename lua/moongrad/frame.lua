-- moongrad.frame: columnar tables (Frame), CSV files and SQLite; its exports join mg.data.
--
--   local df = mg.data.read_csv('events.csv')               -- typed columns, missing values
--   print(df)                                                 -- head and tail, as pandas prints
--   local x = df:to_tensor{'amount', 'item'}                  -- float32 {rows, 2}
--   local g = df:groupby{'user_id'}:agg{amount = {'sum', 'mean'}, item = 'nunique'}
--
-- The data lives in C (core/frame.c, core/csv.c): a Frame is a Lua table around a frame
-- userdata, and every method that loops over rows calls core. Frames do not change: each
-- method returns a new one, sharing the columns it leaves as they are. Rows are 1-based.
local mg = require 'moongrad'
local C = require('moongrad.core')._frame

local M = {}

-- mg.data.NA: a missing value in the tables given to Frame (nil works where the table's
-- length is given by its field n).
local NA = setmetatable({}, {__name = 'NA', __tostring = function() return 'NA' end})
M.NA = NA

local Frame = {__name = 'Frame'}
local GroupBy = {__name = 'GroupBy'}
GroupBy.__index = GroupBy

local function wrap(ud) return setmetatable({_f = ud}, Frame) end

-- Every error names the function; level counts from the function raising it to the
-- user's call (2: the caller of a method).
local function fail(level, fmt, ...) error(fmt:format(...), level + 1) end

-- core(level, fn, ...): calls core function fn, passing its error on from the user's line.
local core = require('moongrad.check').rethrow

local function check_options(opts, allowed, what, level)
  if opts == nil then return {} end
  if type(opts) ~= 'table' then fail(level + 1, '%s: expected a table of options, got %s', what, type(opts)) end
  for k in pairs(opts) do
    if not allowed[k] then fail(level + 1, "%s: unknown option '%s'", what, tostring(k)) end
  end
  return opts
end

local function check_frame(v, what, level)
  if getmetatable(v) ~= Frame then fail(level + 1, '%s: expected a Frame, got %s', what, type(v)) end
end

-- The 1-based index of column name.
local function col_index(df, name, what, level)
  if type(name) ~= 'string' then fail(level + 1, '%s: expected a column name, got %s', what, type(name)) end
  local k = C.find(df._f, name)
  if not k then
    fail(level + 1, "%s: no column '%s' (the frame has %s)", what, name,
         #df.columns > 0 and table.concat(df.columns, ', ') or 'no columns')
  end
  return k
end

-- The indices of a list of column names (or of one name); nil gives every column when
-- all is set.
local function col_indices(df, names, what, level, all)
  if names == nil and all then
    local idx = {}
    for k = 1, #df.columns do idx[k] = k end
    return idx
  end
  if type(names) == 'string' then names = {names} end
  if type(names) ~= 'table' then
    fail(level + 1, '%s: expected a column name or a list of them, got %s', what, type(names))
  end
  local idx = {}
  for k, name in ipairs(names) do idx[k] = col_index(df, name, what, level + 1) end
  return idx
end

local function names_of(df, idx)
  local names, out = df.columns, {}
  for k, c in ipairs(idx) do out[k] = names[c] end
  return out
end

-- ---- construction --------------------------------------------------------------------

-- The number of values of one column: a 1-D tensor's size, or a table's n or length.
local function column_length(v, name, what, level)
  if mg.is_tensor(v) then
    if v:dim() ~= 1 then fail(level + 1, "%s: column '%s' must be a 1-D tensor, got %d dimensions", what, name, v:dim()) end
    return v:size(1)
  elseif type(v) == 'table' then
    local n = v.n or #v
    if math.type(n) ~= 'integer' or n < 0 then fail(level + 1, "%s: column '%s' has a bad length n", what, name) end
    return n
  end
  fail(level + 1, "%s: column '%s' must be a table of values or a 1-D tensor, got %s", what, name, type(v))
end

local function put_column(ud, name, v, n, what, level)
  if mg.is_tensor(v) then core(level + 1, C.set_tensor, ud, name, v)
  else core(level + 1, C.set_column, ud, name, v, n, NA, what) end
end

-- The column order: opts.columns, else the names sorted.
local function column_order(columns, order)
  if order == nil then
    order = {}
    for name in pairs(columns) do
      if type(name) ~= 'string' then fail(3, 'Frame: column names must be strings, got %s', type(name)) end
      order[#order + 1] = name
    end
    table.sort(order)
    return order
  end
  if type(order) ~= 'table' then fail(3, 'Frame: option columns must be a list of names, got %s', type(order)) end
  local seen = {}
  for _, name in ipairs(order) do
    if columns[name] == nil then fail(3, "Frame: option columns names '%s', which is not a column", tostring(name)) end
    if seen[name] then fail(3, "Frame: column '%s' repeats in option columns", name) end
    seen[name] = true
  end
  for name in pairs(columns) do
    if not seen[name] then fail(3, "Frame: column '%s' is missing from option columns", tostring(name)) end
  end
  return order
end

-- Frame(columns [, {columns = order}]): columns maps names to tables of values (numbers,
-- booleans, strings; nil or mg.data.NA missing) or 1-D tensors, all of one length.
local function new_frame(columns, opts)
  if type(columns) ~= 'table' then fail(2, 'Frame: expected a table of columns, got %s', type(columns)) end
  opts = check_options(opts, {columns = true}, 'Frame', 2)
  local order = column_order(columns, opts.columns)
  local ud, n = C.new(), nil
  for _, name in ipairs(order) do
    local len = column_length(columns[name], name, 'Frame', 2)
    if n and len ~= n then
      fail(2, "Frame: column '%s' has %d values but column '%s' has %d", name, len, order[1], n)
    end
    n = len
    put_column(ud, name, columns[name], len, 'Frame', 2)
  end
  return wrap(ud)
end
M.Frame = setmetatable(Frame, {__call = function(_, ...)
  return new_frame(...) -- a tail call: errors at level 2 point at the caller's line
end})

-- from_tensor(t [, names]): the columns of a 2-D tensor, named V1, V2, ... by default.
function Frame.from_tensor(t, names)
  if not mg.is_tensor(t) or t:dim() ~= 2 then
    fail(2, 'from_tensor: expected a 2-D tensor, got %s', mg.is_tensor(t) and t:dim() .. ' dimensions' or type(t))
  end
  if names == nil then
    names = {}
    for j = 1, t:size(2) do names[j] = 'V' .. j end
  end
  if type(names) ~= 'table' or #names ~= t:size(2) then
    fail(2, 'from_tensor: expected %d names, got %s', t:size(2), type(names) == 'table' and #names or type(names))
  end
  local ud, seen = C.new(), {}
  for j, name in ipairs(names) do
    if type(name) ~= 'string' then fail(2, 'from_tensor: name %d is not a string', j) end
    if seen[name] then fail(2, "from_tensor: column name '%s' repeats", name) end
    seen[name] = true
    core(2, C.set_tensor, ud, name, t:select(2, j))
  end
  return wrap(ud)
end

-- ---- shape and values ------------------------------------------------------------------

function Frame.__index(df, key)
  if key == 'columns' then return (C.names(df._f)) end
  return Frame[key]
end

function Frame.__len(df) return C.nrows(df._f) end
function Frame.nrows(df) return C.nrows(df._f) end
function Frame.ncols(df) return #df.columns end

function Frame.dtypes(df)
  local names, types = C.names(df._f)
  local out = {}
  for k, name in ipairs(names) do out[name] = types[k] end
  return out
end

local function row_index(df, i, what, level)
  local n = C.nrows(df._f)
  if math.type(i) ~= 'integer' or i == 0 or i > n or i < -n then
    fail(level + 1, '%s: row %s is out of range (expected 1 to %d, or -1 to %d)', what, tostring(i), n, -n)
  end
  return i > 0 and i or n + i + 1
end

function Frame.get(df, i, name)
  local r = row_index(df, i, 'get', 2)
  return C.get(df._f, r, col_index(df, name, 'get', 2))
end

function Frame.values(df, name)
  return C.values(df._f, col_index(df, name, 'values', 2))
end

function Frame.col(df, name, opts)
  opts = check_options(opts, {fill = true}, 'col', 2)
  local fill = opts.fill
  if fill ~= nil and type(fill) ~= 'number' and type(fill) ~= 'boolean' then
    fail(2, 'col: option fill must be a number or a boolean, got %s', type(fill))
  end
  return (core(2, C.column, df._f, col_index(df, name, 'col', 2), fill))
end

local DTYPES = {float32 = true, float64 = true, int64 = true, bool = true}

function Frame.to_tensor(df, cols, opts)
  opts = check_options(opts, {dtype = true}, 'to_tensor', 2)
  local dtype = opts.dtype or 'float32'
  if not DTYPES[dtype] then
    fail(2, 'to_tensor: option dtype must be float32, float64, int64 or bool, got %s', tostring(dtype))
  end
  return (core(2, C.to_tensor, df._f, col_indices(df, cols, 'to_tensor', 2, true), dtype))
end

-- ---- columns ----------------------------------------------------------------------------

function Frame.select(df, cols)
  return wrap(core(2, C.select, df._f, col_indices(df, cols, 'select', 2)))
end

function Frame.drop(df, cols)
  local gone = {}
  for _, c in ipairs(col_indices(df, cols, 'drop', 2)) do gone[c] = true end
  local keep = {}
  for c = 1, #df.columns do
    if not gone[c] then keep[#keep + 1] = c end
  end
  return wrap(core(2, C.select, df._f, keep))
end

function Frame.rename(df, map)
  if type(map) ~= 'table' then fail(2, 'rename: expected a table {old = new, ...}, got %s', type(map)) end
  local names, idx, seen = df.columns, {}, {}
  for old, new in pairs(map) do
    local c = col_index(df, old, 'rename', 2)
    if type(new) ~= 'string' then fail(2, "rename: the new name of '%s' must be a string, got %s", old, type(new)) end
    names[c] = new
  end
  for c, name in ipairs(names) do
    if seen[name] then fail(2, "rename: column name '%s' repeats", name) end
    seen[name], idx[c] = true, c
  end
  return wrap(core(2, C.select, df._f, idx, names))
end

function Frame.with_column(df, name, values)
  if type(name) ~= 'string' then fail(2, 'with_column: expected a column name, got %s', type(name)) end
  local n = column_length(values, name, 'with_column', 2)
  if #df.columns > 0 and n ~= #df then
    fail(2, "with_column: column '%s' has %d values, expected %d (the frame's rows)", name, n, #df)
  end
  local ud = C.copy(df._f)
  put_column(ud, name, values, n, 'with_column', 2)
  return wrap(ud)
end

-- ---- rows ---------------------------------------------------------------------------------

local function count(n, what, level)
  if n == nil then return 5 end
  if math.type(n) ~= 'integer' or n < 0 then
    fail(level + 1, '%s: expected a number of rows >= 0, got %s', what, tostring(n))
  end
  return n
end

function Frame.head(df, n)
  n = math.min(count(n, 'head', 2), #df)
  return wrap(core(2, C.slice, df._f, 1, n))
end

function Frame.tail(df, n)
  n = math.min(count(n, 'tail', 2), #df)
  return wrap(core(2, C.slice, df._f, #df - n + 1, n))
end

function Frame.filter(df, mask)
  if not mg.is_tensor(mask) then fail(2, 'filter: expected a bool tensor, got %s', type(mask)) end
  return wrap(core(2, C.filter, df._f, mask))
end

function Frame.take(df, index)
  if type(index) == 'table' then
    for k, i in ipairs(index) do
      if math.type(i) ~= 'integer' then fail(2, 'take: row %d of the list is %s, not an integer', k, tostring(i)) end
    end
    index = mg.tensor(index, {dtype = 'int64'})
  elseif not mg.is_tensor(index) or index.dtype ~= 'int64' or index:dim() ~= 1 then
    fail(2, 'take: expected a 1-D int64 tensor or a list of rows, got %s', mg.is_tensor(index)
         and ('a tensor of dtype %s and shape {%s}'):format(index.dtype, table.concat(index.shape, ',')) or type(index))
  end
  return wrap(core(2, C.take, df._f, index))
end

function Frame.sort(df, by, opts)
  opts = check_options(opts, {descending = true}, 'sort', 2)
  local idx, desc = col_indices(df, by, 'sort', 2), {}
  local d = opts.descending
  for k = 1, #idx do
    local v = d
    if type(d) == 'table' then v = d[k] end
    if v ~= nil and type(v) ~= 'boolean' then
      fail(2, 'sort: option descending must be a boolean or a list of them, got %s', type(v))
    end
    desc[k] = v or false
  end
  return wrap(core(2, C.sort, df._f, idx, desc))
end

function Frame.drop_duplicates(df, subset, opts)
  opts = check_options(opts, {keep = true}, 'drop_duplicates', 2)
  local keep = opts.keep or 'first'
  if keep ~= 'first' and keep ~= 'last' then
    fail(2, "drop_duplicates: option keep must be 'first' or 'last', got %s", tostring(keep))
  end
  return wrap(core(2, C.drop_duplicates, df._f, col_indices(df, subset, 'drop_duplicates', 2, true),
                   keep == 'last'))
end

function Frame.unique(df, cols)
  local idx, all = col_indices(df, cols, 'unique', 2, true), {}
  for k = 1, #idx do all[k] = k end
  return wrap(core(2, C.drop_duplicates, core(2, C.select, df._f, idx), all, false))
end

-- ---- missing values ----------------------------------------------------------------------

function Frame.dropna(df, opts)
  opts = check_options(opts, {how = true, subset = true}, 'dropna', 2)
  local how = opts.how or 'any'
  if how ~= 'any' and how ~= 'all' then fail(2, "dropna: option how must be 'any' or 'all', got %s", tostring(how)) end
  return wrap(core(2, C.dropna, df._f, col_indices(df, opts.subset, 'dropna', 2, true), how == 'all'))
end

local FILL_TYPES = {number = {float64 = true, int64 = 'integer'}, boolean = {bool = true},
                    string = {string = true}}

-- Whether a column of this type can hold value.
local function holds(dtype, value)
  local ok = (FILL_TYPES[type(value)] or {})[dtype]
  if ok == 'integer' then return math.tointeger(value) ~= nil end
  return ok == true
end

local METHODS = {ffill = true, mean = true, median = true}

function Frame.fillna(df, arg)
  local opts = type(arg) == 'table' and arg or {value = arg}
  check_options(opts, {value = true, method = true, subset = true}, 'fillna', 2)
  local method, value = opts.method, opts.value
  if method ~= nil and not METHODS[method] then
    fail(2, "fillna: option method must be 'ffill', 'mean' or 'median', got %s", tostring(method))
  end
  if (method == nil) == (value == nil) then fail(2, 'fillna: expected either a value or a method') end
  local ud, types = C.copy(df._f), select(2, C.names(df._f))
  local given = opts.subset ~= nil
  if type(value) == 'table' then
    for name, v in pairs(value) do core(2, C.fillna_, ud, col_index(df, name, 'fillna', 2), 'value', v) end
    return wrap(ud)
  end
  if value ~= nil and type(value) ~= 'number' and type(value) ~= 'boolean' and type(value) ~= 'string' then
    fail(2, 'fillna: expected a number, boolean, string or table of them, got %s', type(value))
  end
  for _, c in ipairs(col_indices(df, opts.subset, 'fillna', 2, true)) do
    local numeric = types[c] == 'float64' or types[c] == 'int64'
    if method == 'ffill' or (method and (numeric or given)) or (value ~= nil and (holds(types[c], value) or given)) then
      core(2, C.fillna_, ud, c, method or 'value', value)
    end
  end
  return wrap(ud)
end

-- ---- groups and joins ----------------------------------------------------------------------

function Frame.groupby(df, keys, opts)
  opts = check_options(opts, {sort = true, dropna = true}, 'groupby', 2)
  local idx = col_indices(df, keys, 'groupby', 2)
  if #idx == 0 then fail(2, 'groupby: expected at least one key column') end
  for _, key in ipairs{'sort', 'dropna'} do
    if opts[key] ~= nil and type(opts[key]) ~= 'boolean' then
      fail(2, 'groupby: option %s must be a boolean, got %s', key, type(opts[key]))
    end
  end
  return setmetatable({frame = df, keys = names_of(df, idx), _keys = idx, sort = opts.sort ~= false,
                       dropna = opts.dropna ~= false}, GroupBy)
end

local AGGS = {count = true, sum = true, mean = true, min = true, max = true, std = true,
              nunique = true, first = true, last = true}

function GroupBy.agg(gb, spec)
  if type(spec) ~= 'table' then fail(2, 'agg: expected a table {column = aggregation(s)}, got %s', type(spec)) end
  local df, aggs = gb.frame, {}
  for name, which in pairs(spec) do
    local c = col_index(df, name, 'agg', 2)
    for _, a in ipairs(type(which) == 'table' and which or {which}) do
      if not AGGS[a] then
        fail(2, "agg: unknown aggregation '%s' for column '%s' (expected count, sum, mean, min, max, "
             .. 'std, nunique, first or last)', tostring(a), name)
      end
      aggs[#aggs + 1] = {c, a, name .. '_' .. a, #aggs}
    end
  end
  -- in the frame's column order, each column's aggregations in the order given
  table.sort(aggs, function(x, y) return x[1] < y[1] or (x[1] == y[1] and x[4] < y[4]) end)
  return wrap(core(2, C.groupby, df._f, gb._keys, aggs, gb.sort, not gb.dropna))
end

-- gb:ngroup() -> int64 tensor, number of groups: each row's group, 1-based, numbered as
-- agg orders its rows; 0 for a row with a missing key (unless dropna = false).
function GroupBy.ngroup(gb)
  return core(2, C.group_ids, gb.frame._f, gb._keys, gb.sort, not gb.dropna, false)
end

-- gb:cumcount() -> int64 tensor: each row's position among its group's rows, 1-based in row
-- order (pandas' cumcount + 1); 0 for a row with a missing key (unless dropna = false).
function GroupBy.cumcount(gb)
  return (core(2, C.group_ids, gb.frame._f, gb._keys, gb.sort, not gb.dropna, true))
end

function GroupBy.__tostring(gb)
  return ('GroupBy of a frame of %d rows by %s'):format(#gb.frame, table.concat(gb.keys, ', '))
end

function Frame.join(df, other, opts)
  check_frame(other, 'join', 2)
  opts = check_options(opts, {on = true, left_on = true, right_on = true, how = true, suffixes = true}, 'join', 2)
  local left_on, right_on = opts.left_on or opts.on, opts.right_on or opts.on
  if left_on == nil or right_on == nil then fail(2, 'join: expected option on (or left_on and right_on)') end
  local how = opts.how or 'inner'
  if how ~= 'inner' and how ~= 'left' then fail(2, "join: option how must be 'inner' or 'left', got %s", tostring(how)) end
  local suffixes = opts.suffixes or {'_x', '_y'}
  if type(suffixes) ~= 'table' or type(suffixes[1]) ~= 'string' or type(suffixes[2]) ~= 'string' then
    fail(2, 'join: option suffixes must be two strings')
  end
  return wrap(core(2, C.join, df._f, other._f, col_indices(df, left_on, 'join', 2),
                   col_indices(other, right_on, 'join', 2), how, suffixes[1], suffixes[2]))
end

-- df:hash(name [, {seed = 0}]) -> int64 tensor: scikit-learn's murmurhash3_32(value, seed)
-- of each value (an integer as its decimal text); 0 for a missing value.
function Frame.hash(df, name, opts)
  local col = col_index(df, name, 'hash', 2)
  opts = check_options(opts, {seed = true}, 'hash', 2)
  local seed = opts.seed or 0
  if math.type(seed) ~= 'integer' or seed < 0 or seed > 0xffffffff then
    fail(2, 'hash: option seed must be an integer from 0 to 2^32 - 1, got %s', tostring(seed))
  end
  return (core(2, C.hash, df._f, col, seed))
end

-- df:to_seconds(name [, {format}]) -> float64 tensor: UTC seconds since 1970 of each time
-- (text: ISO 8601, or a strptime format); NaN where missing.
function Frame.to_seconds(df, name, opts)
  local col = col_index(df, name, 'to_seconds', 2)
  opts = check_options(opts, {format = true}, 'to_seconds', 2)
  if opts.format ~= nil and type(opts.format) ~= 'string' then
    fail(2, 'to_seconds: option format must be a strptime format string, got %s', type(opts.format))
  end
  return (core(2, C.to_seconds, df._f, col, opts.format))
end

-- df:match(name, values) -> int64 tensor: each row's position in values (a list, or a Frame
-- whose first column holds them), the first where repeated; 0 for missing or absent. Numbers
-- in a list take the column's type, so that {1, 2} matches a float64 column.
function Frame.match(df, name, values)
  local col = col_index(df, name, 'match', 2)
  if getmetatable(values) ~= Frame then
    if type(values) ~= 'table' then fail(2, 'match: expected a list of values or a Frame, got %s', type(values)) end
    local dtype, list = df:dtypes()[name], {n = values.n or #values}
    if list.n == 0 then return mg.zeros(#df, {dtype = 'int64'}) end -- nothing to match (of no type)
    for i = 1, list.n do
      local v = values[i]
      if dtype == 'float64' and type(v) == 'number' then v = v + 0.0
      elseif dtype == 'int64' and type(v) == 'number' then v = math.tointeger(v) or v end
      list[i] = v
    end
    values = new_frame({values = list})
  elseif values:ncols() < 1 then
    fail(2, 'match: the values frame has no columns')
  end
  return (core(2, C.match, df._f, col, values._f, 1))
end

-- ---- CSV -------------------------------------------------------------------------------------

local function one_byte(v, what, key, level)
  if type(v) ~= 'string' or #v ~= 1 then fail(level + 1, '%s: option %s must be one character, got %s', what, key, tostring(v)) end
  return v
end

local function string_list(v, what, key, level)
  if v == nil then return nil end
  if type(v) ~= 'table' then fail(level + 1, '%s: option %s must be a list of strings, got %s', what, key, type(v)) end
  for k, s in ipairs(v) do
    if type(s) ~= 'string' then fail(level + 1, '%s: option %s: entry %d is not a string', what, key, k) end
  end
  return v
end

local BAD_LINES = {error = true, skip = true, warn = true}
local TYPES = {float64 = true, int64 = true, bool = true, string = true}

-- read_csv(path [, opts]) -> Frame, {skipped = n, first_bad = 'file:line:field: reason'}
-- concat{df1, df2, ...} -> Frame: the rows of the frames one above the other.
function M.concat(frames)
  if type(frames) ~= 'table' or getmetatable(frames) == Frame then
    fail(2, 'concat: expected a list of frames, got %s', getmetatable(frames) == Frame and 'a Frame' or type(frames))
  end
  local uds = {}
  for i = 1, #frames do
    if getmetatable(frames[i]) ~= Frame then fail(2, 'concat: item %d is a %s, expected a Frame', i, type(frames[i])) end
    uds[i] = frames[i]._f
  end
  return wrap(core(2, C.concat, uds))
end

function M.read_csv(path, opts)
  if type(path) ~= 'string' then fail(2, 'read_csv: expected a path, got %s', type(path)) end
  opts = check_options(opts, {header = true, delimiter = true, quote = true, names = true,
                              na_values = true, schema = true, on_bad_lines = true}, 'read_csv', 2)
  if opts.header ~= nil and type(opts.header) ~= 'boolean' then
    fail(2, 'read_csv: option header must be a boolean, got %s', type(opts.header))
  end
  local bad = opts.on_bad_lines or 'error'
  if not BAD_LINES[bad] then fail(2, "read_csv: option on_bad_lines must be 'error', 'skip' or 'warn', got %s", tostring(bad)) end
  local schema_names, schema_types = {}, {}
  if opts.schema ~= nil then
    if type(opts.schema) ~= 'table' then fail(2, 'read_csv: option schema must be a table {column = type}, got %s', type(opts.schema)) end
    for name in pairs(opts.schema) do schema_names[#schema_names + 1] = name end
    table.sort(schema_names, function(a, b) return tostring(a) < tostring(b) end)
    for k, name in ipairs(schema_names) do
      local t = opts.schema[name]
      if type(name) ~= 'string' or not TYPES[t] then
        fail(2, "read_csv: schema: column '%s' has type %s (expected float64, int64, bool or string)", tostring(name), tostring(t))
      end
      schema_types[k] = t
    end
  end
  local ud, skipped, first = core(2, C.read_csv, path, {
    delimiter = one_byte(opts.delimiter or ',', 'read_csv', 'delimiter', 2),
    quote = opts.quote == false and '' or one_byte(opts.quote or '"', 'read_csv', 'quote', 2),
    header = opts.header ~= false, skip = bad ~= 'error',
    names = string_list(opts.names, 'read_csv', 'names', 2),
    na_values = string_list(opts.na_values, 'read_csv', 'na_values', 2),
    schema_names = schema_names, schema_types = schema_types})
  if skipped > 0 and bad == 'warn' then
    io.stderr:write(('read_csv: skipped %d bad line%s of %s (the first: %s)\n'):format(
      skipped, skipped == 1 and '' or 's', path, first))
  end
  return wrap(ud), {skipped = skipped, first_bad = first}
end

function Frame.write_csv(df, path, opts)
  if type(path) ~= 'string' then fail(2, 'write_csv: expected a path, got %s', type(path)) end
  opts = check_options(opts, {delimiter = true}, 'write_csv', 2)
  core(2, C.write_csv, df._f, path, one_byte(opts.delimiter or ',', 'write_csv', 'delimiter', 2))
end

-- ---- SQLite ------------------------------------------------------------------------------------

-- read_sql(db, query [, params]) -> Frame: params fill the query's ? placeholders in order.
function M.read_sql(db, query, params)
  if type(db) ~= 'string' then fail(2, 'read_sql: expected the path of a database, got %s', type(db)) end
  if type(query) ~= 'string' then fail(2, 'read_sql: expected an SQL query, got %s', type(query)) end
  if params ~= nil and type(params) ~= 'table' then
    fail(2, 'read_sql: expected a list of parameters, got %s', type(params))
  end
  params = params or {}
  return wrap(core(2, C.read_sql, db, query, params, params.n or #params, NA))
end

local IF_EXISTS = {fail = true, replace = true, append = true}

-- Writes frames[k] as tables[k] into the database db in one transaction.
local function write_sql(db, frames, tables, opts)
  if type(db) ~= 'string' then fail(3, 'to_sql: expected the path of a database, got %s', type(db)) end
  opts = check_options(opts, {if_exists = true}, 'to_sql', 3)
  local if_exists = opts.if_exists or 'fail'
  if not IF_EXISTS[if_exists] then
    fail(3, "to_sql: option if_exists must be 'fail', 'replace' or 'append', got %s", tostring(if_exists))
  end
  core(3, C.to_sql, db, frames, tables, if_exists)
end

-- df:to_sql(db, table [, {if_exists = 'fail'|'replace'|'append'}]) -> rows written
function Frame.to_sql(df, db, tbl, opts)
  if type(tbl) ~= 'string' then fail(2, 'to_sql: expected a table name, got %s', type(tbl)) end
  write_sql(db, {df._f}, {tbl}, opts)
  return #df
end

-- mg.data.to_sql(db, {table = frame, ...} [, {if_exists}]): several tables, one transaction
function M.to_sql(db, tables, opts)
  if type(tables) ~= 'table' or getmetatable(tables) == Frame then
    fail(2, 'to_sql: expected a table {name = frame, ...}, got %s', getmetatable(tables) == Frame and 'a Frame' or type(tables))
  end
  local names, frames = {}, {}
  for name, df in pairs(tables) do
    if type(name) ~= 'string' then fail(2, 'to_sql: table names must be strings, got %s', type(name)) end
    if getmetatable(df) ~= Frame then fail(2, "to_sql: table '%s' must be a Frame, got %s", name, type(df)) end
    names[#names + 1] = name
  end
  table.sort(names)
  for i, name in ipairs(names) do frames[i] = tables[name]._f end
  write_sql(db, frames, names, opts)
end

-- ---- printing ---------------------------------------------------------------------------------

local MAX_ROWS, EDGE, MAX_WIDTH = 20, 5, 30

-- One format for a float64 column's shown values: as many decimals as the most precise
-- needs (1 to 6), or scientific notation for very large or small ones.
local function float_format(values)
  local decimals, sci = 1, false
  for _, v in pairs(values) do
    local a = math.abs(v)
    if a ~= math.huge then
      if a >= 1e16 or (a > 0 and a < 1e-4) then sci = true end
      local digits = ('%.6f'):format(v):match('%.(%d-)0*$')
      decimals = math.max(decimals, #digits)
    end
  end
  return function(v)
    if v == math.huge or v == -math.huge then return v > 0 and 'inf' or '-inf' end
    return sci and ('%.4e'):format(v) or ('%.' .. decimals .. 'f'):format(v)
  end
end

-- Line ends and tabs would break the table's lines: shown escaped, as pandas does.
local ESCAPES = {['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t'}

-- A cell's text, cut to MAX_WIDTH characters (bytes where it is not UTF-8).
local function text_of(v, dtype, fmt)
  if v == nil then return 'NA' end
  if dtype == 'float64' then return fmt(v) end
  local s = tostring(v):gsub('[\n\r\t]', ESCAPES)
  local len = utf8.len(s)
  if (len or #s) > MAX_WIDTH then
    s = s:sub(1, len and utf8.offset(s, MAX_WIDTH - 2) - 1 or MAX_WIDTH - 3) .. '...'
  end
  return s
end

function Frame.__tostring(df)
  local names, types = C.names(df._f)
  local n = C.nrows(df._f)
  local footer = ('[%d row%s x %d column%s]'):format(n, n == 1 and '' or 's', #names, #names == 1 and '' or 's')
  if #names == 0 then return footer end
  local rows = {}
  for i = 1, n do
    if n <= MAX_ROWS or i <= EDGE or i > n - EDGE then rows[#rows + 1] = i
    elseif rows[#rows] then rows[#rows + 1] = false end
  end
  local cols = {{'', ''}}
  for k, i in ipairs(rows) do cols[1][k + 2] = i and tostring(i) or '...' end
  for c, name in ipairs(names) do
    local values = {}
    for k, i in ipairs(rows) do
      if i then values[k] = C.get(df._f, i, c) end
    end
    local fmt = types[c] == 'float64' and float_format(values)
    local cells = {name, types[c]}
    for k, i in ipairs(rows) do cells[k + 2] = i and text_of(values[k], types[c], fmt) or '...' end
    cols[#cols + 1] = cells
  end
  local widths, lines = {}, {}
  for c, cells in ipairs(cols) do
    widths[c] = 0
    for _, s in ipairs(cells) do widths[c] = math.max(widths[c], utf8.len(s) or #s) end
  end
  for line = 1, #rows + 2 do
    local parts = {}
    for c, cells in ipairs(cols) do
      parts[c] = (' '):rep(widths[c] - (utf8.len(cells[line]) or #cells[line])) .. cells[line]
    end
    lines[line] = table.concat(parts, '  ')
  end
  lines[#lines + 1] = footer
  return table.concat(lines, '\n')
end

return M
