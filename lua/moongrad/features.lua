-- moongrad.features (mg.features): per-user feature tables from event logs, point in time.
--
--   local p = mg.features.Profile{key = 'user_id', time = 'ts', features = {
--     {'count'}, {'sum', 'amount'}, {'count', by = 'event', top = 3}, {'recency'},
--     {'count', window = 7}, {'decayed_count', half_life = 7}}}
--   local users = p:compute(events, {as_of = labels})   -- labels: user_id, cutoff
--
-- Everything is a composition of Frame operations (groupby, join, filter; core/frame.c) and
-- tensor arithmetic, so no Lua code runs per event: Lua loops only over the features.
local mg = require 'moongrad'
local checks = require 'moongrad.check'
local frame = require 'moongrad.frame'

local fail, public, describe = checks.fail, checks.public, checks.describe
local Frame = frame.Frame

local M = {}

local DAY = 86400 -- seconds; windows, half-lives, recency and tenure are in days

-- Each kind: the groupby aggregation that computes it (agg); whether it names a column
-- (column), one that must be numeric (numeric); what a user without events in its window
-- gets (zero: 0, else missing); the options it takes besides name (window, by, decay: a
-- half_life); whether it aggregates the time column (of_time), turned into days to the
-- cutoff (days).
local KINDS = {
  count = {agg = 'count', zero = true, window = true, by = true},
  sum = {agg = 'sum', column = true, numeric = true, zero = true, window = true},
  mean = {agg = 'mean', column = true, numeric = true, window = true},
  std = {agg = 'std', column = true, numeric = true, window = true},
  min = {agg = 'min', column = true, window = true},
  max = {agg = 'max', column = true, window = true},
  nunique = {agg = 'nunique', column = true, zero = true, window = true},
  first_time = {agg = 'min', of_time = true},
  last_time = {agg = 'max', of_time = true},
  recency = {agg = 'max', of_time = true, days = true},
  tenure = {agg = 'min', of_time = true, days = true},
  decayed_count = {agg = 'sum', decay = true},
  decayed_sum = {agg = 'sum', column = true, numeric = true, decay = true},
}
local KIND_LIST = 'count, sum, mean, std, min, max, nunique, first_time, last_time, recency, '
                  .. 'tenure, decayed_count, decayed_sum'
local OPTIONS = {name = true, window = true, by = true, values = true, top = true, half_life = true}

-- Internal column names: the cutoffs, decay weights, flags of counted values and windowed
-- results live beside the events' columns while computing; the prefix (a control
-- character) keeps them apart from any name a spec may use.
local INTERNAL = '\1mg_'
local CUTOFF = INTERNAL .. 'cutoff'

local function positive(v) return type(v) == 'number' and v > 0 and v < math.huge end

-- A number without a trailing '.0' for names: 7 -> '7', 0.5 -> '0.5'.
local function num(v) return ('%.10g'):format(v) end

-- Checks feature k of a spec and fills in its defaults: kind, column, name (or, with by,
-- the prefix of its names), window, half_life, by, values, top.
local function parse_feature(f, k)
  local where = ('Profile: feature %d'):format(k)
  if type(f) ~= 'table' then fail('%s: expected a table such as {\'sum\', \'amount\'}, got %s', where, describe(f)) end
  local kind = f[1]
  local info = KINDS[kind]
  if not info then fail("%s: unknown kind %s (expected %s)", where, describe(kind), KIND_LIST) end
  for key in pairs(f) do
    if not (key == 1 or (key == 2 and info.column) or OPTIONS[key]) then
      fail("%s ('%s'): unknown entry %s", where, kind, describe(key))
    end
  end
  local out = {kind = kind, info = info, name = f.name, window = f.window, half_life = f.half_life,
               by = f.by, values = f.values, top = f.top, column = f[2]}
  if info.column and type(out.column) ~= 'string' then
    fail("%s ('%s'): expected a column name as its second entry, got %s", where, kind, describe(out.column))
  end
  if out.name ~= nil and type(out.name) ~= 'string' then fail('%s: name must be a string, got %s', where, describe(out.name)) end
  if out.window ~= nil and (not info.window or not positive(out.window)) then
    fail("%s ('%s'): %s", where, kind, info.window and ('window must be a number of days > 0, got ' .. describe(out.window))
         or 'takes no window')
  end
  if (info.decay or false) ~= (out.half_life ~= nil) or (info.decay and not positive(out.half_life)) then
    fail("%s ('%s'): %s", where, kind, info.decay and ('half_life must be a number of days > 0, got ' .. describe(out.half_life))
         or 'takes no half_life')
  end
  if out.by ~= nil and not info.by then fail("%s ('%s'): takes no option by", where, kind) end
  if (out.values ~= nil or out.top ~= nil) and out.by == nil then fail('%s: values and top need option by', where) end
  if out.by ~= nil then
    if type(out.by) ~= 'string' then fail('%s: by must be a column name, got %s', where, describe(out.by)) end
    if (out.values == nil) == (out.top == nil) then fail('%s: with by, give either values or top', where) end
    if out.values ~= nil then
      if type(out.values) ~= 'table' or #out.values == 0 then fail('%s: values must be a non-empty list', where) end
      for i, v in ipairs(out.values) do
        if type(v) ~= 'string' and math.type(v) ~= 'integer' then
          fail('%s: values[%d] must be a string or an integer, got %s', where, i, describe(v))
        end
      end
    elseif math.type(out.top) ~= 'integer' or out.top < 1 then
      fail('%s: top must be an integer >= 1, got %s', where, describe(out.top))
    end
  end
  return out
end

-- The default name of a feature (of one value of by for a count by).
local function default_name(f, value)
  local suffix = f.window and ('_' .. num(f.window) .. 'd') or ''
  local kind = f.kind
  if f.by then return (f.name or ('count_' .. f.by)) .. '_' .. tostring(value) .. suffix end
  if f.name then return f.name end
  if kind == 'count' then return 'n_events' .. suffix end
  if kind == 'recency' or kind == 'tenure' then return kind .. '_days' end
  if kind == 'first_time' or kind == 'last_time' then return kind end
  if kind == 'decayed_count' then return 'decayed_count_hl' .. num(f.half_life) end
  if kind == 'decayed_sum' then return f.column .. '_decayed_sum_hl' .. num(f.half_life) end
  return f.column .. '_' .. kind .. suffix
end

local Profile = {__name = 'Profile'}
Profile.__index = Profile

-- Profile{key = name, time = name, features = {...}}
local new_profile = public(function(spec)
  if type(spec) ~= 'table' then fail('Profile: expected a table {key =, time =, features =}, got %s', describe(spec)) end
  for k in pairs(spec) do
    if k ~= 'key' and k ~= 'time' and k ~= 'features' then fail('Profile: unknown option %s', describe(k)) end
  end
  for _, k in ipairs{'key', 'time'} do
    if type(spec[k]) ~= 'string' then fail('Profile: %s must be a column name, got %s', k, describe(spec[k])) end
  end
  if type(spec.features) ~= 'table' or #spec.features == 0 then
    fail('Profile: features must be a non-empty list of feature tables, got %s', describe(spec.features))
  end
  local features = {}
  for k, f in ipairs(spec.features) do features[k] = parse_feature(f, k) end
  return setmetatable({key = spec.key, time = spec.time, features = features}, Profile)
end)
M.Profile = setmetatable(Profile, {__call = function(_, spec)
  return new_profile(spec) -- a tail call: errors point at the caller's line
end})

-- The columns compute reads: key, time, then the features' columns, each once.
function Profile:columns()
  local cols, seen = {}, {}
  local function add(c) if c and not seen[c] then seen[c], cols[#cols + 1] = true, c end end
  add(self.key)
  add(self.time)
  for _, f in ipairs(self.features) do add(f.column); add(f.by) end
  return cols
end

local NUMERIC = {int64 = true, float64 = true, bool = true}

-- The events before each user's cutoff with a column CUTOFF (a number for one cutoff for
-- all, else per row), and that cutoff for the result (a number or nil: per user).
local function events_before_cutoff(self, ev, as_of, cutoff_col)
  local key, time = self.key, self.time
  if as_of == nil then -- every event is before the default cutoff: nothing to filter
    return ev, #ev > 0 and ev:col(time):max():item() + 1 or 0
  end
  if type(as_of) == 'number' then
    if as_of ~= as_of then fail('compute: as_of must be a number of seconds, got NaN') end
    return ev:filter(ev:col(time):lt(as_of)), as_of
  end
  if getmetatable(as_of) ~= Frame then
    fail('compute: as_of must be a number of seconds or a Frame {%s, %s}, got %s', key, cutoff_col, describe(as_of))
  end
  local types = as_of:dtypes()
  for _, c in ipairs{key, cutoff_col} do
    if not types[c] then fail("compute: as_of has no column '%s' (it has %s)", c, table.concat(as_of.columns, ', ')) end
  end
  if types[key] ~= ev:dtypes()[key] then
    fail("compute: as_of's column '%s' is %s, but the events' is %s", key, types[key], ev:dtypes()[key])
  end
  if types[cutoff_col] ~= 'int64' and types[cutoff_col] ~= 'float64' then
    fail("compute: as_of's column '%s' must hold numeric seconds (int64 or float64), got %s", cutoff_col, types[cutoff_col])
  end
  local cuts = as_of:select{key, cutoff_col}:rename{[cutoff_col] = CUTOFF}:dropna{subset = {key}}
  if as_of:select{cutoff_col}:dropna():nrows() < as_of:nrows() then
    fail("compute: as_of's column '%s' has missing cutoffs", cutoff_col)
  end
  if cuts:unique(key):nrows() < cuts:nrows() then fail("compute: as_of has a user ('%s') more than once", key) end
  ev = ev:join(cuts, {on = key})
  local ts = ev:to_tensor({time}, {dtype = 'float64'}):select(2, 1)
  return ev:filter(ts:lt(ev:to_tensor({CUTOFF}, {dtype = 'float64'}):select(2, 1))), nil
end

-- A column of float64 values as a 1-D tensor (missing: NaN).
local function float_col(df, name) return df:to_tensor({name}, {dtype = 'float64'}):select(2, 1) end

-- Days from each event to its cutoff.
local function age_days(ev, time, cutoff)
  return (-float_col(ev, time) + (cutoff or float_col(ev, CUTOFF))) / DAY
end

-- The values a count by counts: those given, or the top most frequent among the events.
local function by_values(f, ev, time)
  if f.values then return f.values end
  local totals = ev:groupby(f.by):agg{[time] = 'count'} -- sorted by value: ties keep value order
  local values = totals:sort(time .. '_count', {descending = true}):head(f.top):values(f.by)
  values.n = nil
  return values
end

-- Adds to ev the columns the aggregations read besides the events' own: the decay weights
-- and, for each count by, one bool column per value (summed, it counts the value's events).
-- Returns ev and, for each feature, the columns it aggregates with the names they get.
local function add_inputs(self, ev, cutoff)
  local time, inputs, age = self.time, {}, nil
  for k, f in ipairs(self.features) do
    if f.info.decay then
      age = age or age_days(ev, time, cutoff)
      local weight = INTERNAL .. 'decay' .. k
      local w = mg.pow(2, -age / f.half_life)
      if f.column then w = w * float_col(ev, f.column) end
      ev = ev:with_column(weight, w)
      inputs[k] = {{weight, 'sum', default_name(f)}}
    elseif f.by then
      -- one hash join of the events' values to their positions in the list, in core
      local values = by_values(f, ev, time)
      inputs[k] = {}
      local code, positions = INTERNAL .. 'code', {}
      for i = 1, #values do positions[i] = i end
      local codes = #values > 0 and ev:select{f.by}:join(Frame({[f.by] = values, [code] = positions},
                                                                {columns = {f.by, code}}),
                                                          {on = f.by, how = 'left'}):col(code, {fill = 0})
      for i, v in ipairs(values) do
        local flag = INTERNAL .. 'by' .. k .. '_' .. i
        ev = ev:with_column(flag, codes:eq(i))
        inputs[k][i] = {flag, 'sum', default_name(f, v)}
      end
    else
      local col = (f.info.of_time or not f.column) and time or f.column
      inputs[k] = {{col, f.info.agg, default_name(f)}}
    end
  end
  return ev, inputs, age
end

-- p:compute(events [, {as_of = seconds | Frame, cutoff = 'cutoff'}]) -> Frame
local function compute(self, events, opts)
  if getmetatable(self) ~= Profile then fail('compute: call it as p:compute(events), got %s', describe(self)) end
  if getmetatable(events) ~= Frame then fail('compute: expected a Frame of events, got %s', describe(events)) end
  opts = opts or {}
  if type(opts) ~= 'table' then fail('compute: expected a table of options, got %s', describe(opts)) end
  for k in pairs(opts) do
    if k ~= 'as_of' and k ~= 'cutoff' then fail('compute: unknown option %s', describe(k)) end
  end
  local cutoff_col = opts.cutoff or 'cutoff'
  if type(cutoff_col) ~= 'string' then fail('compute: option cutoff must be a column name, got %s', describe(cutoff_col)) end
  local key, time = self.key, self.time

  -- read only the declared columns (data minimisation); the others may be absent
  local types = events:dtypes()
  for _, c in ipairs(self:columns()) do
    if not types[c] then
      fail("compute: the events have no column '%s' (the profile reads %s; the events have %s)", c,
           table.concat(self:columns(), ', '), #events.columns > 0 and table.concat(events.columns, ', ') or 'none')
    end
  end
  if types[time] ~= 'int64' and types[time] ~= 'float64' then
    fail("compute: time column '%s' must hold numeric seconds (int64 or float64), got %s", time, types[time])
  end
  for _, f in ipairs(self.features) do
    if f.info.numeric and not NUMERIC[types[f.column]] then
      fail("compute: feature '%s' needs a numeric column, but '%s' is %s", f.kind, f.column, types[f.column])
    end
    local by_type = types[f.by]
    if f.by and by_type ~= 'string' and by_type ~= 'int64' then
      fail("compute: option by needs a string or int64 column, but '%s' is %s", f.by, by_type)
    end
    for _, v in ipairs(f.values or {}) do
      if (by_type == 'string') ~= (type(v) == 'string') then
        fail("compute: column '%s' is %s, but values holds %s", f.by, by_type, describe(v))
      end
    end
  end
  local ev = events:select(self:columns()):dropna{subset = {key, time}}
  local cutoff
  ev, cutoff = events_before_cutoff(self, ev, opts.as_of, cutoff_col)

  local inputs, age
  ev, inputs, age = add_inputs(self, ev, cutoff)

  -- one groupby per window (nil: every event before the cutoff), each aggregation once
  local windows, specs = {false}, {[false] = {[time] = {'count'}}} -- every user gets a row
  if not cutoff then specs[false][CUTOFF] = {'first'} end
  local outputs = {} -- {feature, window, result column of the groupby, name}
  for k, f in ipairs(self.features) do
    local w = f.window or false
    if not specs[w] then windows[#windows + 1], specs[w] = w, {} end
    for _, input in ipairs(inputs[k]) do
      local col, agg = input[1], input[2]
      local list = specs[w][col] or {}
      specs[w][col] = list
      local have = false
      for _, a in ipairs(list) do have = have or a == agg end
      if not have then list[#list + 1] = agg end
      outputs[#outputs + 1] = {f, w, col .. '_' .. agg, input[3]}
    end
  end
  local out = ev:groupby(key):agg(specs[false])
  for i = 2, #windows do
    local w = windows[i]
    age = age or age_days(ev, time, cutoff)
    local rows = ev:filter(age:le(w))
    local g = rows:groupby(key):agg(specs[w])
    -- joined on to every user, under names of their own; no event in the window counts 0
    local prefixed, zeros = {}, {}
    for _, c in ipairs(g.columns) do
      if c ~= key then prefixed[c] = INTERNAL .. 'w' .. i .. c end
    end
    for _, o in ipairs(outputs) do
      if o[2] == w then
        o[3] = prefixed[o[3]]
        if o[1].info.zero then zeros[o[3]] = 0 end
      end
    end
    out = out:join(g:rename(prefixed), {on = key, how = 'left'}):fillna{value = zeros}
  end

  -- time features in days to the cutoff, from the last or first event
  for i, o in ipairs(outputs) do
    if o[1].info.days then
      local days = INTERNAL .. 'days' .. i
      out = out:with_column(days, (-float_col(out, o[3]) + (cutoff or float_col(out, CUTOFF .. '_first'))) / DAY)
      o[3] = days
    end
  end

  local cols, rename, seen, used = {key}, {}, {[key] = true}, {}
  for _, o in ipairs(outputs) do
    local source, name = o[3], o[4]
    if seen[name] then fail("compute: two features are named '%s' (give one a name)", name) end
    if used[source] then fail("compute: features '%s' and '%s' compute the same thing", used[source], name) end
    seen[name], used[source] = true, name
    cols[#cols + 1], rename[source] = source, name
  end
  return out:select(cols):rename(rename)
end
Profile.compute = public(compute)

function Profile.__tostring(p)
  return ('Profile by %s at %s: %d feature(s)'):format(p.key, p.time, #p.features)
end

return M
