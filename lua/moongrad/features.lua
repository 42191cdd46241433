-- moongrad.features (mg.features): per-user feature tables from event logs, point in time.
--
--   local p = mg.features.Profile{key = 'user_id', time = 'ts', features = {
--     {'count'}, {'sum', 'amount'}, {'count', by = 'event', top = 3}, {'recency'},
--     {'count', window = 7}, {'decayed_count', half_life = 7}}}
--   local users = p:compute(events, {as_of = labels})   -- labels: user_id, cutoff
--   local state = p:fit(events, {as_of = t})             -- or, kept up to date:
--   state = state:update(new_events, {as_of = t2}); state:features(); state:save_sql(db, 'users')
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
-- cutoff (days); whether it needs each user's count per value (per_value: mode, entropy);
-- whether it takes an amount column (rfm). The extra kinds are not one aggregation: compute
-- adds them after the groupbys, each a frame per user (extra_feature); parts names their
-- columns. affinity is a count per value, turned into TF-IDF weights after the groupby.
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
  share = {agg = 'mean', window = true, by = true},
  affinity = {agg = 'sum', zero = true, window = true, by = true},
  mode = {column = true, per_value = true, extra = true},
  entropy = {column = true, per_value = true, extra = true},
  rfm = {amount = true, extra = true},
  active_days = {extra = true, zero = true},
  frequency = {extra = true},
  last = {column = true, extra = true, last_n = true},
  hashed = {column = true, extra = true, zero = true, buckets = true},
}
local KIND_LIST = 'count, sum, mean, std, min, max, nunique, first_time, last_time, recency, '
                  .. 'tenure, decayed_count, decayed_sum, share, affinity, mode, entropy, rfm, '
                  .. 'active_days, frequency, last, hashed'
local OPTIONS = {name = true, window = true, by = true, values = true, top = true, half_life = true,
                 amount = true, n = true, buckets = true}

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
               by = f.by, values = f.values, top = f.top, column = f[2], amount = f.amount, n = f.n,
               buckets = f.buckets}
  for _, count in ipairs{{'n', 'last_n'}, {'buckets', 'buckets'}} do
    local option, needed_by = count[1], count[2]
    local v = out[option]
    if (v ~= nil) ~= (info[needed_by] or false) then
      fail("%s ('%s'): %s", where, kind, v == nil and ('needs option ' .. option .. ' (an integer >= 1)')
           or ('takes no option ' .. option))
    end
    if v ~= nil and (math.type(v) ~= 'integer' or v < 1 or v > 4096) then
      fail("%s ('%s'): option %s must be an integer from 1 to 4096, got %s", where, kind, option, describe(v))
    end
  end
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
  if (kind == 'share' or kind == 'affinity') and out.by == nil then
    fail("%s ('%s'): needs option by (the column whose values it weighs)", where, kind)
  end
  if (out.amount ~= nil) ~= (info.amount or false) then
    fail("%s ('%s'): %s", where, kind, info.amount and ('option amount must be a column name, got nil') or 'takes no option amount')
  end
  if info.amount and type(out.amount) ~= 'string' then
    fail("%s ('%s'): option amount must be a column name, got %s", where, kind, describe(out.amount))
  end
  if (out.values ~= nil or out.top ~= nil) and out.by == nil then fail('%s: values and top need option by', where) end
  if out.by ~= nil then
    if type(out.by) ~= 'string' then fail('%s: by must be a column name, got %s', where, describe(out.by)) end
    if (out.values == nil) == (out.top == nil) then fail('%s: with by, give either values or top', where) end
    if out.values == 'all' then -- every value: the top ones, all of them
      out.values, out.top = nil, math.maxinteger
    elseif out.values ~= nil then
      if type(out.values) ~= 'table' or #out.values == 0 then
        fail("%s: values must be a non-empty list or 'all', got %s", where, describe(out.values))
      end
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

-- The parts of an extra feature, one column each, as default_name takes them: r, f and m for
-- rfm, places 1..n for last, buckets 1..buckets for hashed, one (false) for the others.
local function parts(f)
  if f.kind == 'rfm' then return {'r', 'f', 'm'} end
  local n = f.n or f.buckets
  if not n then return {false} end
  local list = {}
  for i = 1, n do list[i] = i end
  return list
end

-- The default name of a feature (of one value of by for a count, share or affinity by; of
-- one part of an extra feature: a score r, f or m for rfm, a place for last, a bucket for
-- hashed).
local function default_name(f, value)
  local suffix = f.window and ('_' .. num(f.window) .. 'd') or ''
  local kind = f.kind
  if f.by then return (f.name or (kind .. '_' .. f.by)) .. '_' .. tostring(value) .. suffix end
  if kind == 'rfm' then return (f.name or 'rfm') .. '_' .. value end
  if kind == 'last' or kind == 'hashed' then return (f.name or (f.column .. '_' .. kind)) .. value end
  if f.name then return f.name end
  if kind == 'frequency' then return 'events_per_active_day' end
  if kind == 'active_days' then return kind end
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
  for _, f in ipairs(self.features) do add(f.column); add(f.by); add(f.amount) end
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

-- Days from each event to its cutoff (in place: one column's worth of memory).
local function age_days(ev, time, cutoff)
  return float_col(ev, time):neg_():add_(cutoff or float_col(ev, CUTOFF)):div_(DAY)
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
local function add_inputs(self, ev, cutoff, state)
  local time, inputs, age = self.time, {}, nil
  for k, f in ipairs(self.features) do
    if f.info.decay then
      age = age or age_days(ev, time, cutoff)
      local weight = INTERNAL .. 'decay' .. k
      local w = (age * (-math.log(2) / f.half_life)):exp_() -- 2^(-age / half_life)
      if f.column then w:mul_(float_col(ev, f.column)) end
      ev = ev:with_column(weight, w)
      inputs[k] = {{weight, 'sum', default_name(f)}}
    elseif f.by and not (state and f.top) then
      local values = by_values(f, ev, time)
      inputs[k] = {}
      local codes = ev:match(f.by, values) -- each event's position in values, 0 if absent
      for i, v in ipairs(values) do
        local flag = INTERNAL .. 'by' .. k .. '_' .. i
        ev = ev:with_column(flag, codes:eq(i))
        inputs[k][i] = {flag, f.kind == 'share' and 'mean' or 'sum', default_name(f, v)}
      end
    elseif f.info.extra or (state and f.top) then
      inputs[k] = {} -- not one aggregation: added after the groupbys (a state: from kept tables)
    else
      local col = (f.info.of_time or not f.column) and time or f.column
      inputs[k] = {{col, f.info.agg, default_name(f)}}
    end
  end
  return ev, inputs, age
end

-- The declared columns of the events (data minimisation: the others may be absent), rows
-- with a missing key or time dropped, after checking their types; what: the caller's name.
local function checked_events(self, events, what)
  local key, time = self.key, self.time
  -- read only the declared columns (data minimisation); the others may be absent
  local types = events:dtypes()
  for _, c in ipairs(self:columns()) do
    if not types[c] then
      fail(what .. ": the events have no column '%s' (the profile reads %s; the events have %s)", c,
           table.concat(self:columns(), ', '), #events.columns > 0 and table.concat(events.columns, ', ') or 'none')
    end
  end
  if types[time] ~= 'int64' and types[time] ~= 'float64' then
    fail(what .. ": time column '%s' must hold numeric seconds (int64 or float64), got %s%s", time, types[time],
         types[time] == 'string' and " (events:to_seconds('" .. time .. "') reads times from text)" or '')
  end
  for _, f in ipairs(self.features) do
    local numeric = f.info.numeric and f.column or f.amount
    if numeric and not NUMERIC[types[numeric]] then
      fail(what .. ": feature '%s' needs a numeric column, but '%s' is %s", f.kind, numeric, types[numeric])
    end
    if f.kind == 'hashed' and types[f.column] ~= 'string' and types[f.column] ~= 'int64' then
      fail(what .. ": feature 'hashed' needs a string or int64 column, but '%s' is %s", f.column, types[f.column])
    end
    local by_type = types[f.by]
    if f.by and by_type ~= 'string' and by_type ~= 'int64' then
      fail(what .. ": option by needs a string or int64 column, but '%s' is %s", f.by, by_type)
    end
    for _, v in ipairs(f.values or {}) do
      if (by_type == 'string') ~= (type(v) == 'string') then
        fail(what .. ": column '%s' is %s, but values holds %s", f.by, by_type, describe(v))
      end
    end
  end
  return events:select(self:columns()):dropna{subset = {key, time}}
end

-- Scores 1..5 of v (a float64 tensor, one value per user in key order) by the quintile of
-- its rank, as pandas' pd.qcut(v.rank(method='first'), 5, labels=False) + 1: equal values
-- rank in key order. pandas refuses a single value: it gets the middle score, 3.
local function quintiles(v)
  local n = v.shape[1]
  if n == 1 then return mg.tensor({3}, {dtype = 'int64'}) end
  local order = mg.arange(1, n + 1)
  local ranked = Frame({v = v, at = order}, {columns = {'v', 'at'}}):sort{'v', 'at'}:with_column('rank', order):sort{'at'}
  return mg.clamp(mg.ceil((float_col(ranked, 'rank') - 1) * 5 / (n - 1)), 1):long()
end

-- users with the RFM scores as columns prefix1 (recency: 5 for the most recent), prefix2
-- (frequency) and prefix3 (monetary), from one value of each per user, in key order.
local function with_rfm(users, prefix, recency, frequency, monetary)
  return users:with_column(prefix .. '1', -quintiles(recency) + 6):with_column(prefix .. '2', quintiles(frequency))
              :with_column(prefix .. '3', quintiles(monetary))
end

-- The rows of ev with a value of col, numbered as latest first per user (of equal times,
-- the later row): ev's columns key, time and col, a column place (1: the latest) and the
-- column row (the position in ev).
local function by_recency(key, time, col, ev)
  local row, place = INTERNAL .. 'row', INTERNAL .. 'place'
  local s = ev:select{key, time, col}:dropna{subset = {col}}
  s = s:with_column(row, mg.arange(1, #s + 1)):sort({time, row}, {descending = true})
  return s:with_column(place, s:groupby(key):cumcount()), place, row
end

-- The last n rows with a value of col per user, in ev's order: {key, time, col}.
local function latest_rows(key, time, col, n, ev)
  local s, place, row = by_recency(key, time, col, ev)
  return s:filter(s:col(place):le(n)):sort{row}:select{key, time, col}
end

-- The last n values of column col per user, the latest first: a frame {key, prefix1, ...,
-- prefix<n>} of the users with a value.
local function last_values(key, time, col, n, prefix, ev)
  local s, place = by_recency(key, time, col, ev)
  local function at(i) return s:filter(s:col(place):eq(i)):select{key, col}:rename{[col] = prefix .. i} end
  local out = at(1)
  for i = 2, n do out = out:join(at(i), {on = key, how = 'left'}) end
  return out
end

-- Signed counts of the hashed values of column col in buckets 1..n per user, as
-- scikit-learn's FeatureHasher(n, input_type='string') of each user's values (integers as
-- text): bucket |h| mod n, sign of h. A frame {key, prefix1, ..., prefix<n>}, users with a value.
local function hashed_counts(key, col, n, prefix, ev)
  local present = ev:select{key, col}:dropna()
  local h = present:hash(col):double()
  local bucket = mg.abs(h)
  bucket = bucket - mg.floor(bucket / n) * n -- exact: |h| < 2^53
  local gb = present:groupby(key)
  local user, nusers = gb:ngroup()
  local counts = mg.zeros(nusers * n, {dtype = 'float64'})
                   :index_add_(1, (user - 1) * n + bucket:long() + 1, mg.where(h:ge(0), 1.0, -1.0))
                   :view(nusers, n)
  local out = gb:agg{} -- the users, in ngroup's order
  for i = 1, n do out = out:with_column(prefix .. i, counts:select(2, i)) end
  return out
end

local DAY_COL = INTERNAL .. 'day' -- the UTC calendar day of an event: floor(time / 86400)
local COUNT_COL = INTERNAL .. 'n'

-- The distinct (user, day) pairs of the events ev.
local function day_pairs(key, time, ev)
  return ev:select{key}:with_column(DAY_COL, mg.floor(float_col(ev, time) / DAY)):unique()
end

-- active_days or frequency (events per active day) from the (user, day) pairs and a frame
-- {key, events} of each user's event count: a frame {key, prefix1}.
local function per_active_day(key, kind, prefix, pairs, events)
  local days = pairs:groupby(key):agg{[DAY_COL] = 'count'}
  if kind == 'active_days' then return days:rename{[DAY_COL .. '_count'] = prefix .. 1} end
  local both = days:join(events, {on = key})
  return both:select{key}:with_column(prefix .. 1, float_col(both, events.columns[2]) / float_col(both, DAY_COL .. '_count'))
end

-- Each user's count of each value of col (missing values left out): {key, col, COUNT_COL}.
local function value_counts(key, time, col, ev)
  return ev:groupby{key, col}:agg{[time] = 'count'}:rename{[time .. '_count'] = COUNT_COL}
end

-- mode or entropy from each user's value counts: a frame {key, prefix1}.
local function from_value_counts(key, col, kind, prefix, counts)
  if kind == 'mode' then -- the most frequent value, the smallest of equally frequent ones
    return counts:sort({key, COUNT_COL, col}, {descending = {false, true, false}}):drop_duplicates{key}
                 :select{key, col}:rename{[col] = prefix .. '1'}
  end
  -- entropy (natural log) of the user's shares of the values
  counts = counts:join(counts:groupby(key):agg{[COUNT_COL] = 'sum'}, {on = key})
  local share = float_col(counts, COUNT_COL) / float_col(counts, COUNT_COL .. '_sum')
  local term = prefix .. '1'
  return counts:with_column(term, -share * mg.log(share)):groupby(key):agg{[term] = 'sum'}:rename{[term .. '_sum'] = term}
end

-- The feature f that is not one aggregation (an extra kind) of the events ev before the
-- cutoffs: a frame {key, prefix1, ...} (a column per part), one row per user that has one.
local function extra_feature(self, f, prefix, ev, cutoff)
  local key, time, col = self.key, self.time, f.column
  if f.kind == 'last' then return last_values(key, time, col, f.n, prefix, ev) end
  if f.kind == 'hashed' then return hashed_counts(key, col, f.buckets, prefix, ev) end
  if f.kind == 'frequency' or f.kind == 'active_days' then
    return per_active_day(key, f.kind, prefix, day_pairs(key, time, ev), ev:groupby(key):agg{[time] = 'count'})
  end
  if f.kind == 'rfm' then
    local spec = {[time] = {'max', 'count'}, [f.amount] = 'sum'}
    if not cutoff then spec[CUTOFF] = 'first' end
    local g = ev:groupby(key):agg(spec)
    local recency = -float_col(g, time .. '_max') + (cutoff or float_col(g, CUTOFF .. '_first'))
    return with_rfm(g:select{key}, prefix, recency, float_col(g, time .. '_count'), float_col(g, f.amount .. '_sum'))
  end
  return from_value_counts(key, col, f.kind, prefix, value_counts(key, time, col, ev))
end

-- out with the counts per value of by of an affinity feature f (its outputs) replaced by
-- TF-IDF weights, as scikit-learn's TfidfTransformer() over users (rows) and values: count
-- times idf = ln((1 + users) / (1 + users with the value)) + 1, each user's row scaled to
-- length 1 (a user without any stays 0).
local function with_tf_idf(out, f, outputs)
  local mine, cols = {}, {}
  for _, o in ipairs(outputs) do
    if o[1] == f then mine[#mine + 1], cols[#cols + 1] = o, o[3] end
  end
  local counts = out:to_tensor(cols, {dtype = 'float64'})
  local idf = mg.log((#out + 1) / (counts:gt(0):sum(1):double() + 1)) + 1
  local w = counts * idf
  local norm = (w * w):sum(2, {keepdim = true}):sqrt()
  w = w / mg.where(norm:gt(0), norm, 1.0)
  for i, o in ipairs(mine) do
    o[3] = o[3] .. '_tfidf'
    out = out:with_column(o[3], w:select(2, i))
  end
  return out
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
  local ev = checked_events(self, events, 'compute')
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
    if f.info.extra then
      for i, part in ipairs(parts(f)) do
        outputs[#outputs + 1] = {f, w, INTERNAL .. 'extra' .. k .. '_' .. i, default_name(f, part)}
      end
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

  -- affinity: the counts per value of by weighed by TF-IDF
  for _, f in ipairs(self.features) do
    if f.kind == 'affinity' then out = with_tf_idf(out, f, outputs) end
  end

  -- the extra kinds: a frame per user each, joined on
  for k, f in ipairs(self.features) do
    if f.info.extra then
      local prefix = INTERNAL .. 'extra' .. k .. '_'
      out = out:join(extra_feature(self, f, prefix, ev, cutoff), {on = key, how = 'left'})
      if f.info.zero or (f.kind == 'last' and out:dtypes()[prefix .. 1] == 'int64') then -- 0: none
        local zeros = {}
        for i = 1, #parts(f) do zeros[prefix .. i] = 0 end
        out = out:fillna{value = zeros}
      end
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

-- ---- states: features kept up to date as events arrive ---------------------------------------
--
-- A State holds, per user, what each feature needs to be updated exactly: counts, sums, sums
-- of squares (std), min, max, first and last times, decayed sums (rescaled to each new as_of),
-- hashed bucket sums; the kept tables (kept_tables: distinct pairs, counts per value, latest
-- events); and the events inside the largest window, for the windowed features.

local State = {__name = 'State'}
M.State = State
State.__index = State

-- How two partial results of an aggregation combine: counts and sums add up.
local MERGE = {count = 'sum', sum = 'sum', min = 'min', max = 'max'}

-- The features without a window (they live in the per-user statistics) and the largest window.
local function split_features(self)
  local plain, widest = {}, nil
  for _, f in ipairs(self.features) do
    if f.window then widest = math.max(widest or 0, f.window) else plain[#plain + 1] = f end
  end
  return plain, widest
end

-- The per-user statistics of the unwindowed features over events ev (all before as_of): a
-- Frame {key, <column>_<aggregation>...}, and per statistic its merge aggregation and, for
-- decayed sums, its half_life.
local function statistics(self, ev, as_of)
  local key, time = self.key, self.time
  local plain = split_features(self)
  local inputs
  ev, inputs = add_inputs({time = time, features = plain}, ev, as_of, true)
  local spec, merge, decay = {[time] = {'count'}}, {[time .. '_count'] = 'sum'}, {}
  local function need(col, agg, half_life)
    local list = spec[col] or {}
    spec[col] = list
    for _, a in ipairs(list) do if a == agg then return end end
    list[#list + 1] = agg
    merge[col .. '_' .. agg], decay[col .. '_' .. agg] = MERGE[agg], half_life
  end
  for j, f in ipairs(plain) do
    local kind = f.kind
    if f.by or f.info.decay then
      for _, input in ipairs(inputs[j]) do need(input[1], 'sum', f.half_life) end
    elseif kind == 'mean' or kind == 'std' then
      need(f.column, 'sum'); need(f.column, 'count')
      if kind == 'std' then
        local squares = INTERNAL .. 'sq_' .. f.column
        if not ev:dtypes()[squares] then ev = ev:with_column(squares, float_col(ev, f.column) ^ 2) end
        need(squares, 'sum')
      end
    elseif kind == 'rfm' then
      need(time, 'max'); need(f.amount, 'sum')
    elseif #inputs[j] > 0 and kind ~= 'nunique' then
      need(inputs[j][1][1], inputs[j][1][2])
    end
  end
  local stats = ev:groupby(key):agg(spec)
  for j, f in ipairs(plain) do -- hashed buckets: sums too, 0 for a user without values
    if f.kind == 'hashed' then
      local prefix, zeros = INTERNAL .. 'hash' .. j .. '_', {}
      for i = 1, f.buckets do zeros[prefix .. i], merge[prefix .. i] = 0, 'sum' end
      stats = stats:join(hashed_counts(key, f.column, f.buckets, prefix, ev), {on = key, how = 'left'}):fillna{value = zeros}
    end
  end
  return stats, merge, decay, inputs
end

-- What a state keeps besides the statistics, for the unwindowed features that need more
-- than a sum per user, in the order of the features, each once: the distinct (user, value)
-- pairs of a column ('pairs': nunique; of the day for active_days and frequency), each user's
-- count per value ('counts': mode, entropy, and by with top), or each user's latest n events
-- with a value ('latest': last).
local function kept_tables(self)
  local list, seen = {}, {}
  local function keep(what, col, n)
    local id = what .. '\0' .. col
    if seen[id] then seen[id].n = math.max(seen[id].n or 0, n or 0) return end
    seen[id] = {what = what, col = col, n = n}
    list[#list + 1] = seen[id]
  end
  for _, f in ipairs(split_features(self)) do
    if f.kind == 'nunique' then keep('pairs', f.column)
    elseif f.kind == 'active_days' or f.kind == 'frequency' then keep('pairs', DAY_COL)
    elseif f.info.per_value then keep('counts', f.column)
    elseif f.top then keep('counts', f.by)
    elseif f.kind == 'last' then keep('latest', f.column, f.n) end
  end
  return list
end

-- The kept tables (kept_tables) of the events ev, in that order.
local function keep_from(self, ev)
  local key, time, out = self.key, self.time, {}
  for i, t in ipairs(kept_tables(self)) do
    if t.what == 'pairs' then
      out[i] = t.col == DAY_COL and day_pairs(key, time, ev) or ev:select{key, t.col}:dropna():unique()
    elseif t.what == 'counts' then
      out[i] = value_counts(key, time, t.col, ev)
    else
      out[i] = latest_rows(key, time, t.col, t.n, ev)
    end
  end
  return out
end

-- The kept tables of old events followed by new ones, from both's.
local function merge_kept(self, old, new)
  local key, time, out = self.key, self.time, {}
  for i, t in ipairs(kept_tables(self)) do
    local both = frame.concat{old[i], new[i]}
    if t.what == 'pairs' then
      out[i] = both:unique()
    elseif t.what == 'counts' then
      out[i] = both:groupby{key, t.col}:agg{[COUNT_COL] = 'sum'}:rename{[COUNT_COL .. '_sum'] = COUNT_COL}
    else
      out[i] = latest_rows(key, time, t.col, t.n, both)
    end
  end
  return out
end

-- The kept table of a feature: what and col as kept_tables names them.
local function kept(state, what, col)
  for i, t in ipairs(kept_tables(state.profile)) do
    if t.what == what and t.col == col then return state.kept[i] end
  end
end

-- The as_of of fit and update: a number of seconds, by default the largest time + 1 s.
local function state_as_of(what, ev, time, as_of, least)
  if as_of == nil then
    as_of = #ev > 0 and ev:col(time):max():item() + 1 or least or 0
    return least and math.max(as_of, least) or as_of
  end
  if type(as_of) ~= 'number' or as_of ~= as_of then
    fail('%s: as_of must be a number of seconds (per-user cutoffs need compute), got %s', what, describe(as_of))
  end
  if least and as_of < least then fail("%s: as_of (%s) is before the state's (%s)", what, num(as_of), num(least)) end
  return as_of
end

-- The options of fit and update: only as_of.
local function check_options(what, opts)
  opts = opts or {}
  if type(opts) ~= 'table' then fail('%s: expected a table of options, got %s', what, describe(opts)) end
  for k in pairs(opts) do if k ~= 'as_of' then fail('%s: unknown option %s', what, describe(k)) end end
  return opts
end

-- A state from the events before as_of (ev: checked, before as_of).
local function new_state(self, ev, as_of)
  local _, widest = split_features(self)
  local stats, merge, decay, inputs = statistics(self, ev, as_of)
  local recent = widest and ev:filter(float_col(ev, self.time):ge(as_of - widest * DAY)) or nil
  return setmetatable({profile = self, as_of = as_of, stats = stats, merge = merge, decay = decay, inputs = inputs,
                       kept = keep_from(self, ev), recent = recent}, State)
end

-- p:fit(events [, {as_of = seconds}]) -> State
local function fit(self, events, opts)
  if getmetatable(self) ~= Profile then fail('fit: call it as p:fit(events), got %s', describe(self)) end
  if getmetatable(events) ~= Frame then fail('fit: expected a Frame of events, got %s', describe(events)) end
  opts = check_options('fit', opts)
  for _, f in ipairs(self.features) do
    if f.top and f.window then
      fail("fit: feature '%s' by '%s' takes the top values of all events but counts those in a window, "
           .. 'which a state does not keep both of (give values)', f.kind, f.by)
    end
  end
  local ev = checked_events(self, events, 'fit')
  compute(self, ev:head(0)) -- the checks of the features' names
  local as_of = state_as_of('fit', ev, self.time, opts.as_of)
  return new_state(self, ev:filter(float_col(ev, self.time):lt(as_of)), as_of)
end
Profile.fit = public(fit)

-- state:update(new_events [, {as_of = seconds}]) -> a new State; the state itself is unchanged
local function update(state, events, opts)
  if getmetatable(state) ~= State then fail('update: call it as state:update(events), got %s', describe(state)) end
  if getmetatable(events) ~= Frame then fail('update: expected a Frame of events, got %s', describe(events)) end
  opts = check_options('update', opts)
  local self, key, time = state.profile, state.profile.key, state.profile.time
  local ev = checked_events(self, events, 'update')
  local ts = float_col(ev, time)
  local late = #ev > 0 and ts:lt(state.as_of):sum():item() or 0
  if late > 0 then
    fail("update: %d event(s) are before the state's as_of (%s): already past (recompute with compute)",
         math.tointeger(late), num(state.as_of))
  end
  local as_of = state_as_of('update', ev, time, opts.as_of, state.as_of)
  local new = new_state(self, ev:filter(ts:lt(as_of)), as_of)
  -- the old statistics, decayed sums rescaled to the new as_of, merged with the new ones
  local old = state.stats
  for c, half_life in pairs(state.decay) do
    old = old:with_column(c, float_col(old, c) * 2 ^ (-(as_of - state.as_of) / DAY / half_life))
  end
  local renames = {}
  for c, agg in pairs(state.merge) do renames[c .. '_' .. agg] = c end
  new.stats = frame.concat{old, new.stats}:groupby(key):agg(state.merge):rename(renames):select(state.stats.columns)
  new.kept = merge_kept(self, state.kept, new.kept)
  if new.recent then
    local recent = frame.concat{state.recent, new.recent}
    local _, widest = split_features(self)
    new.recent = recent:filter(float_col(recent, time):ge(as_of - widest * DAY))
  end
  return new
end
State.update = public(update)

-- state:features() -> Frame, as p:compute(all the events, {as_of = state.as_of})
local function features(state)
  if getmetatable(state) ~= State then fail('features: call it as state:features(), got %s', describe(state)) end
  local self, as_of, out = state.profile, state.as_of, state.stats
  local key, time = self.key, self.time
  local _, widest = split_features(self)
  local cols, rename = {key}, {}
  local function put(name, source) cols[#cols + 1], rename[source] = source, name end
  local function derive(name, values)
    local c = INTERNAL .. 'out' .. #cols
    out = out:with_column(c, values)
    put(name, c)
  end
  if widest then -- the windowed features, from the events inside the largest window
    local windowed, zeros = {}, {}
    for _, f in ipairs(self.features) do if f.window then windowed[#windowed + 1] = f end end
    local w = compute(setmetatable({key = key, time = time, features = windowed}, Profile), state.recent,
                      {as_of = as_of})
    local c = 1
    for _, f in ipairs(windowed) do
      for _ = 1, f.by and #f.values or 1 do
        c = c + 1
        if f.info.zero then zeros[w.columns[c]] = 0 end
      end
    end
    out = out:join(w, {on = key, how = 'left'}):fillna{value = zeros}
  end
  local j = 0
  for _, f in ipairs(self.features) do
    local kind, col = f.kind, f.column
    if f.window then
      for i = 1, f.by and #f.values or 1 do cols[#cols + 1] = default_name(f, f.values and f.values[i]) end
    else
      j = j + 1
      local name = not (f.by or f.n or f.buckets or f.info.amount) and default_name(f) or nil -- else one per part
      if f.top then -- count, share or affinity by the top values of the kept counts of all events
        local counts = kept(state, 'counts', f.by)
        local totals = counts:groupby(f.by):agg{[COUNT_COL] = 'sum'} -- by value: ties in value order
        local values = totals:sort(COUNT_COL .. '_sum', {descending = true}):head(f.top):values(f.by)
        local sources = {}
        for i = 1, values.n do
          local c = INTERNAL .. 'top' .. j .. '_' .. i
          local per_user = counts:filter(counts:match(f.by, {values[i]}):gt(0)):select{key, COUNT_COL}:rename{[COUNT_COL] = c}
          out = out:join(per_user, {on = key, how = 'left'}):fillna{value = {[c] = 0}}
          sources[i] = {f, false, c, default_name(f, values[i])}
        end
        if kind == 'affinity' then out = with_tf_idf(out, f, sources) end
        for _, o in ipairs(sources) do
          if kind == 'share' then derive(o[4], float_col(out, o[3]) / float_col(out, time .. '_count'))
          else put(o[4], o[3]) end
        end
      elseif f.info.per_value then
        local prefix = INTERNAL .. 'pv' .. j .. '_'
        out = out:join(from_value_counts(key, col, kind, prefix, kept(state, 'counts', col)), {on = key, how = 'left'})
        put(name, prefix .. 1)
      elseif kind == 'frequency' or kind == 'active_days' then
        local prefix = INTERNAL .. 'days' .. j .. '_'
        out = out:join(per_active_day(key, kind, prefix, kept(state, 'pairs', DAY_COL), out:select{key, time .. '_count'}),
                       {on = key, how = 'left'})
        put(name, prefix .. 1)
      elseif kind == 'last' then
        local prefix, zeros = INTERNAL .. 'last' .. j .. '_', {}
        out = out:join(last_values(key, time, col, f.n, prefix, kept(state, 'latest', col)), {on = key, how = 'left'})
        for i = 1, f.n do zeros[prefix .. i] = 0; put(default_name(f, i), prefix .. i) end
        if out:dtypes()[prefix .. 1] == 'int64' then out = out:fillna{value = zeros} end -- 0: none
      elseif kind == 'hashed' then
        for i = 1, f.buckets do put(default_name(f, i), INTERNAL .. 'hash' .. j .. '_' .. i) end
      elseif kind == 'share' then
        for _, input in ipairs(state.inputs[j]) do
          derive(input[3], float_col(out, input[1] .. '_sum') / float_col(out, time .. '_count'))
        end
      elseif kind == 'affinity' then
        local counts = {}
        for i, input in ipairs(state.inputs[j]) do counts[i] = {f, false, input[1] .. '_sum', input[3]} end
        out = with_tf_idf(out, f, counts)
        for _, o in ipairs(counts) do put(o[4], o[3]) end
      elseif f.by or f.info.decay then
        for _, input in ipairs(state.inputs[j]) do put(input[3], input[1] .. '_sum') end
      elseif kind == 'rfm' then
        local prefix = INTERNAL .. 'rfm' .. j .. '_'
        out = with_rfm(out, prefix, -float_col(out, time .. '_max') + as_of, float_col(out, time .. '_count'),
                       float_col(out, f.amount .. '_sum'))
        for i, part in ipairs{'r', 'f', 'm'} do put(default_name(f, part), prefix .. i) end
      elseif kind == 'mean' then
        derive(name, float_col(out, col .. '_sum') / float_col(out, col .. '_count'))
      elseif kind == 'std' then -- from the sums: ddof 1, missing below two values
        local n, sum = float_col(out, col .. '_count'), float_col(out, col .. '_sum')
        local squares = float_col(out, INTERNAL .. 'sq_' .. col .. '_sum')
        local var = mg.clamp(squares - sum * sum / n, 0) / (n - 1)
        derive(name, mg.where(n:lt(2), 0 / 0, mg.sqrt(var)))
      elseif kind == 'nunique' then
        local counted = INTERNAL .. 'nunique_' .. col
        local counts = kept(state, 'pairs', col):groupby(key):agg{[col] = 'count'}:rename{[col .. '_count'] = counted}
        if not out:dtypes()[counted] then
          out = out:join(counts, {on = key, how = 'left'}):fillna{value = {[counted] = 0}}
        end
        put(name, counted)
      elseif f.info.days then
        local last = float_col(out, time .. '_' .. f.info.agg)
        derive(name, (-last + as_of) / DAY)
      else
        put(name, state.inputs[j][1][1] .. '_' .. state.inputs[j][1][2])
      end
    end
  end
  return out:select(cols):rename(rename)
end
State.features = public(features)

-- ---- states in SQLite ----------------------------------------------------------------------------

-- The profile's spec as one string: a state saved under one profile loads under an equal one.
local function signature(self)
  local parts = {self.key, self.time}
  for _, f in ipairs(self.features) do
    local values = {}
    for i, v in ipairs(f.values or {}) do values[i] = tostring(v) end
    parts[#parts + 1] = table.concat({f.kind, f.column or '', f.name or '', num(f.window or 0), num(f.half_life or 0),
                                      f.by or '', table.concat(values, '\31'), f.amount or '', f.top or 0, f.n or 0,
                                      f.buckets or 0}, '\30')
  end
  return table.concat(parts, '\29')
end

local function check_sql_args(what, db, prefix)
  if type(db) ~= 'string' then fail('%s: expected the path of a database, got %s', what, describe(db)) end
  if type(prefix) ~= 'string' or not prefix:match('^[%a_][%w_]*$') then
    fail('%s: expected a table prefix of letters, digits and _, got %s', what, describe(prefix))
  end
end

-- state:save_sql(db, prefix): tables <prefix>_meta, _merge, _inputs, _stats, _kept<i>, _recent
local function save_sql(state, db, prefix)
  if getmetatable(state) ~= State then fail('save_sql: call it as state:save_sql(db, prefix), got %s', describe(state)) end
  check_sql_args('save_sql', db, prefix)
  local self = state.profile
  local stats, aggs, half_lives = {}, {}, {}
  for _, c in ipairs(state.stats.columns) do
    if state.merge[c] then
      stats[#stats + 1], aggs[#aggs + 1], half_lives[#half_lives + 1] = c, state.merge[c], state.decay[c] or 0
    end
  end
  local features, sources, agg_of, names = {}, {}, {}, {}
  for j, inputs in ipairs(state.inputs) do
    for _, input in ipairs(inputs) do
      features[#features + 1], sources[#sources + 1], agg_of[#agg_of + 1], names[#names + 1] = j, input[1], input[2], input[3]
    end
  end
  local tables = {
    {Frame{as_of = {state.as_of + 0.0}, signature = {signature(self)}}, 'meta'},
    {Frame({stat = stats, agg = aggs, half_life = half_lives}, {columns = {'stat', 'agg', 'half_life'}}), 'merge'},
    {Frame({feature = features, source = sources, agg = agg_of, name = names},
           {columns = {'feature', 'source', 'agg', 'name'}}), 'inputs'},
    {state.stats, 'stats'}}
  for i, kept_table in ipairs(state.kept) do tables[#tables + 1] = {kept_table, 'kept' .. i} end
  if state.recent then tables[#tables + 1] = {state.recent, 'recent'} end
  local named = {}
  for _, t in ipairs(tables) do named[prefix .. '_' .. t[2]] = t[1] end
  frame.to_sql(db, named, {if_exists = 'replace'}) -- one transaction: never half a state
end
State.save_sql = public(save_sql)

-- p:load_sql(db, prefix) -> State saved by state:save_sql under an equal profile
local function load_sql(self, db, prefix)
  if getmetatable(self) ~= Profile then fail('load_sql: call it as p:load_sql(db, prefix), got %s', describe(self)) end
  check_sql_args('load_sql', db, prefix)
  local function read(part)
    local ok, df = pcall(frame.read_sql, db, ('SELECT * FROM "%s_%s"'):format(prefix, part))
    if not ok then fail('load_sql: %s', checks.message(df)) end
    return df
  end
  local meta = read('meta')
  if #meta ~= 1 or meta:get(1, 'signature') ~= signature(self) then
    fail("load_sql: the state in '%s_*' was saved under another profile", prefix)
  end
  local merge, decay = {}, {}
  local m = read('merge')
  local stats, aggs, half_lives = m:values('stat'), m:values('agg'), m:values('half_life')
  for i = 1, #m do -- per statistic: a few per feature
    merge[stats[i]] = aggs[i]
    if half_lives[i] > 0 then decay[stats[i]] = half_lives[i] end
  end
  local inputs = {}
  local t = read('inputs')
  local features, sources, agg_of, names = t:values('feature'), t:values('source'), t:values('agg'), t:values('name')
  for i = 1, #t do -- per input: one per feature, or per value of a by
    local list = inputs[features[i]] or {}
    inputs[features[i]] = list
    list[#list + 1] = {sources[i], agg_of[i], names[i]}
  end
  local _, widest = split_features(self)
  local kept_now = {}
  for i = 1, #kept_tables(self) do kept_now[i] = read('kept' .. i) end
  return setmetatable({profile = self, as_of = meta:get(1, 'as_of'), stats = read('stats'), merge = merge,
                       decay = decay, inputs = inputs, kept = kept_now,
                       recent = widest and read('recent') or nil}, State)
end
Profile.load_sql = public(load_sql)

function State.__tostring(state)
  return ('State of a profile by %s at %s, as of %s: %d user(s)'):format(state.profile.key, state.profile.time,
                                                                       num(state.as_of), #state.stats)
end

function Profile.__tostring(p)
  return ('Profile by %s at %s: %d feature(s)'):format(p.key, p.time, #p.features)
end

return M
