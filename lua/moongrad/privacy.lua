-- moongrad.privacy (mg.privacy): keyed pseudonyms, column roles, k-anonymity, generalisation
-- and differential privacy with a budget.
--
--   local key = mg.privacy.new_key()                      -- keep it secret, keep it safe
--   local policy = mg.privacy.Policy{direct = {'email'}, quasi = {'age', 'zip'}, key = key,
--                                    direct_action = 'pseudonymize'}
--   local df2 = policy:apply(df)                          -- emails become HMAC pseudonyms
--   print(mg.privacy.k_anonymity(df2, {'age', 'zip'}, 5)) -- the groups smaller than 5
--   local b = mg.privacy.Budget(1.0)
--   local n = b:count(df2, 0.1)                           -- a count with Laplace noise
--
-- Pseudonyms are hashed in C (core/privacy.c, libsodium's HMAC-SHA256); group sizes come
-- from the frame's hash groupby; relabelling a column (band, prefix) joins a small table of
-- its distinct values to the frame, so no Lua loop runs per row.
local mg = require 'moongrad'
local checks = require 'moongrad.check'
local Frame = require('moongrad.frame').Frame
local C = require('moongrad.core')._privacy

local fail, public, describe = checks.fail, checks.public, checks.describe

local P = {}

-- ---- argument checks ------------------------------------------------------------------

local function check_frame(who, df)
  if getmetatable(df) ~= Frame then fail('%s: expected a Frame, got %s', who, describe(df)) end
end

local function check_options(who, opts, allowed)
  if opts == nil then return {} end
  if type(opts) ~= 'table' then fail('%s: expected a table of options, got %s', who, describe(opts)) end
  for k in pairs(opts) do
    if not allowed[k] then fail("%s: unknown option '%s'", who, tostring(k)) end
  end
  return opts
end

-- A list of column names (one name alone is a list of one), all distinct; what names the
-- argument in messages.
local function name_list(who, names, what)
  if type(names) == 'string' then names = {names} end
  if type(names) ~= 'table' then fail('%s: expected %s (a column name or a list of them), got %s', who, what, describe(names)) end
  local seen = {}
  for k, name in ipairs(names) do
    if type(name) ~= 'string' then fail('%s: %s: entry %d is %s, not a column name', who, what, k, describe(name)) end
    if seen[name] then fail("%s: %s: column '%s' repeats", who, what, name) end
    seen[name] = true
  end
  return names
end

-- The 1-based indices of names in df, naming every unknown column at once.
local function column_indices(who, df, names)
  local index, idx, unknown = {}, {}, {}
  for k, name in ipairs(df.columns) do index[name] = k end
  for k, name in ipairs(names) do
    idx[k] = index[name]
    if not idx[k] then unknown[#unknown + 1] = "'" .. name .. "'" end
  end
  if #unknown > 0 then
    fail('%s: no column%s %s (the frame has %s)', who, #unknown > 1 and 's' or '', table.concat(unknown, ', '),
         #df.columns > 0 and table.concat(df.columns, ', ') or 'no columns')
  end
  return idx
end

-- The type of df's column named column, after checking that df is a Frame that has it.
local function column_type(who, df, column)
  check_frame(who, df)
  if type(column) ~= 'string' then fail('%s: expected a column name, got %s', who, describe(column)) end
  column_indices(who, df, {column})
  return df:dtypes()[column]
end

local function check_key(who, key)
  if type(key) ~= 'string' or #key < 32 then
    fail('%s: expected a key of at least 32 bytes (mg.privacy.new_key() makes one), got %s', who,
         type(key) == 'string' and ('a string of %d bytes'):format(#key) or describe(key))
  end
end

local function finite(v) return type(v) == 'number' and v == v and math.abs(v) ~= math.huge end

local function positive(who, what, v)
  if not finite(v) or v <= 0 then
    fail('%s: expected %s > 0 (a finite number), got %s', who, what, describe(v))
  end
  return v
end

-- A name not among taken, built from base.
local function fresh_name(taken, base)
  local used = {}
  for _, name in ipairs(taken) do used[name] = true end
  while used[base] do base = '_' .. base end
  return base
end

-- ---- pseudonyms -------------------------------------------------------------------------

P.new_key = public(function() return C.random_bytes(32) end)

local function pseudonymize(who, df, columns, key, opts)
  check_frame(who, df)
  local idx = column_indices(who, df, name_list(who, columns, 'columns'))
  check_key(who, key)
  opts = check_options(who, opts, {prefix = true, length = true})
  local prefix, length = opts.prefix or '', opts.length or 16
  if type(prefix) ~= 'string' or prefix:find('\0', 1, true) then
    fail('%s: option prefix must be a string without NUL bytes, got %s', who, describe(prefix))
  end
  if math.type(length) ~= 'integer' or length < 1 or length > 64 then
    fail('%s: option length must be an integer from 1 to 64 (hex digits), got %s', who, describe(length))
  end
  local ok, ud = pcall(C.pseudonymize, df._f, idx, key, prefix, length)
  if not ok then fail(checks.message(ud)) end
  return setmetatable({_f = ud}, Frame)
end

P.pseudonymize = public(function(df, columns, key, opts)
  return pseudonymize('pseudonymize', df, columns, key, opts)
end)

-- ---- column roles -------------------------------------------------------------------------

local Policy = {__name = 'Policy'}
Policy.__index = Policy

local ACTIONS = {drop = true, pseudonymize = true}

P.Policy = setmetatable(Policy, {__call = public(function(_, spec)
  local who = 'Policy'
  if type(spec) ~= 'table' then fail('%s: expected a table {direct, quasi, key, direct_action}, got %s', who, describe(spec)) end
  check_options(who, spec, {direct = true, quasi = true, key = true, direct_action = true})
  local direct = name_list(who, spec.direct or {}, 'direct')
  local quasi = name_list(who, spec.quasi or {}, 'quasi')
  local is_direct = {}
  for _, name in ipairs(direct) do is_direct[name] = true end
  for _, name in ipairs(quasi) do
    if is_direct[name] then fail("%s: column '%s' is both direct and quasi", who, name) end
  end
  local action = spec.direct_action or 'drop'
  if not ACTIONS[action] then
    fail("%s: direct_action must be 'drop' or 'pseudonymize', got %s", who, describe(action))
  end
  if action == 'pseudonymize' then check_key(who, spec.key) end
  return setmetatable({direct = direct, quasi = quasi, direct_action = action, key = spec.key}, Policy)
end)})

-- policy:apply(df): the direct identifiers dropped or pseudonymised; every named column
-- must exist, so that a renamed column cannot slip through unprotected.
Policy.apply = public(function(policy, df)
  local who = 'Policy:apply'
  if getmetatable(policy) ~= Policy then fail('%s: expected a Policy (call it as policy:apply(df))', who) end
  check_frame(who, df)
  local all = {}
  for _, name in ipairs(policy.direct) do all[#all + 1] = name end
  for _, name in ipairs(policy.quasi) do all[#all + 1] = name end
  column_indices(who, df, all)
  if #policy.direct == 0 then return df:select(df.columns) end
  if policy.direct_action == 'drop' then return df:drop(policy.direct) end
  return pseudonymize(who, df, policy.direct, policy.key)
end)

function Policy.__tostring(policy)
  local function list(names) return #names > 0 and table.concat(names, ', ') or 'none' end
  return ('Policy: direct identifiers %s (%s), quasi-identifiers %s'):format(
    list(policy.direct), policy.direct_action == 'drop' and 'dropped' or 'pseudonymised', list(policy.quasi))
end

-- ---- k-anonymity --------------------------------------------------------------------------

local Report = {__name = 'KAnonymityReport'}
Report.__index = Report

function Report.__tostring(r)
  local head = ('k-anonymity over %s: k = %d (target %d), %d group%s of %d row%s'):format(
    table.concat(r.quasi, ', '), r.k, r.target, r.groups, r.groups == 1 and '' or 's', r.rows,
    r.rows == 1 and '' or 's')
  if r.groups_below_k == 0 then
    return ('%s\nevery group has at least %d row%s'):format(head, r.target, r.target == 1 and '' or 's')
  end
  return ('%s\n%d group%s (%d row%s) below %d, smallest first:\n%s'):format(head, r.groups_below_k,
    r.groups_below_k == 1 and '' or 's', r.rows_below_k, r.rows_below_k == 1 and '' or 's', r.target,
    tostring(r.smallest))
end

local function k_anonymity(who, df, quasi, k)
  check_frame(who, df)
  quasi = name_list(who, quasi, 'quasi-identifiers')
  if #quasi == 0 then fail('%s: expected at least one quasi-identifier column', who) end
  column_indices(who, df, quasi)
  if math.type(k) ~= 'integer' or k < 1 then fail('%s: expected k, an integer >= 1, got %s', who, describe(k)) end
  -- a column of ones named size, summed per group (agg names the sum size_sum)
  local taken = {}
  for _, name in ipairs(quasi) do taken[name] = true end
  local size = 'size'
  while taken[size] or taken[size .. '_sum'] do size = '_' .. size end
  local groups = df:select(quasi):with_column(size, mg.ones(#df, {dtype = 'int64'}))
                   :groupby(quasi, {dropna = false}):agg{[size] = 'sum'}:rename{[size .. '_sum'] = size}
  local sizes = groups:col(size)
  local smallest = groups:filter(sizes:lt(k)):sort(size)
  return setmetatable({
    k = #groups > 0 and sizes:min():item() or 0, groups = #groups, rows = #df, target = k, quasi = quasi,
    groups_below_k = #smallest, rows_below_k = #smallest > 0 and smallest:col(size):sum():item() or 0,
    smallest = smallest}, Report)
end

P.k_anonymity = public(function(df, quasi, k) return k_anonymity('k_anonymity', df, quasi, k) end)

Policy.k_anonymity = public(function(policy, df, k)
  if getmetatable(policy) ~= Policy then fail('Policy:k_anonymity: expected a Policy (call it as policy:k_anonymity(df, k))') end
  return k_anonymity('Policy:k_anonymity', df, policy.quasi, k)
end)

-- ---- generalisation -------------------------------------------------------------------------

-- df with column replaced by labels: label_of(value) for each distinct value of the column
-- key of keyed (df with a key column added, or df itself), joined back to the rows.
local function relabel(df, column, keyed, key, label_of)
  local distinct = keyed:unique(key):values(key)
  local keys, labels = {}, {}
  for i = 1, distinct.n do
    if distinct[i] ~= nil then
      keys[#keys + 1] = distinct[i]
      labels[#keys] = label_of(distinct[i])
    end
  end
  if #keys == 0 then return df:select(df.columns) end -- every value missing: nothing to relabel
  local label = fresh_name(keyed.columns, 'label')
  local order = {}
  for i, name in ipairs(df.columns) do order[i] = name == column and label or name end
  local table_ = Frame({[key] = keys, [label] = labels}, {columns = {key, label}})
  return keyed:join(table_, {on = key, how = 'left'}):select(order):rename{[label] = column}
end

-- A bound in a label: integers without a decimal point.
local function bound(v)
  if v == math.floor(v) and math.abs(v) < 2 ^ 53 then return ('%d'):format(v) end
  return ('%g'):format(v)
end

local LABELS = {range = true, lower = true}

P.band = public(function(df, column, spec, opts)
  local who = 'band'
  local dtype = column_type(who, df, column)
  if dtype ~= 'float64' and dtype ~= 'int64' then
    fail("%s: column '%s' is %s, expected numbers (int64 or float64)", who, column, dtype)
  end
  opts = check_options(who, opts, {labels = true})
  local labels = opts.labels or 'range'
  if not LABELS[labels] then fail("%s: option labels must be 'range' or 'lower', got %s", who, describe(labels)) end
  local x = df:to_tensor({column}, {dtype = 'float64'}):select(2, 1) -- missing: NaN
  local integral, lower, upper_of = dtype == 'int64', nil, nil
  if type(spec) == 'number' then
    local width = positive(who, 'a band width', spec)
    if x:abs():eq(math.huge):sum():item() > 0 then fail("%s: column '%s' holds an infinite value", who, column) end
    integral = integral and width == math.floor(width)
    lower = (x / width):floor() * width
    upper_of = function(lo) return lo + width end
  elseif type(spec) == 'table' and #spec > 0 then
    for i, e in ipairs(spec) do
      if not finite(e) then
        fail('%s: edge %d is %s, expected a finite number', who, i, describe(e))
      end
      if i > 1 and e <= spec[i - 1] then fail('%s: edges must increase, but edge %d (%s) <= edge %d (%s)', who, i, bound(e), i - 1, bound(spec[i - 1])) end
      integral = integral and e == math.floor(e)
    end
    local upper = {}
    lower = mg.full(x.shape, -math.huge, {dtype = 'float64'})
    for i, e in ipairs(spec) do
      lower = mg.where(x:ge(e), e + 0.0, lower)
      upper[e + 0.0] = spec[i + 1]
    end
    lower = mg.where(x:ne(x), 0 / 0, lower)
    upper_of = function(lo) return upper[lo] end
  else
    fail('%s: expected a band width > 0 or a list of edges, got %s', who, describe(spec))
  end
  if labels == 'lower' then return df:with_column(column, lower) end
  local key = fresh_name(df.columns, 'band')
  return relabel(df, column, df:with_column(key, lower), key, function(lo)
    local hi = upper_of(lo)
    if lo == -math.huge then return '<' .. bound(spec[1]) end
    if hi == nil then return bound(lo) .. '+' end
    if integral then return bound(lo) .. '-' .. bound(hi - 1) end
    return ('[%s, %s)'):format(bound(lo), bound(hi))
  end)
end)

P.prefix = public(function(df, column, n, opts)
  local who = 'prefix'
  local dtype = column_type(who, df, column)
  if dtype ~= 'string' then fail("%s: column '%s' is %s, expected strings", who, column, dtype) end
  if math.type(n) ~= 'integer' or n < 0 then fail('%s: expected a number of characters to keep >= 0, got %s', who, describe(n)) end
  opts = check_options(who, opts, {mask = true})
  local mask = opts.mask == nil and '*' or opts.mask
  if type(mask) ~= 'string' then fail('%s: option mask must be a string, got %s', who, describe(mask)) end
  return relabel(df, column, df, column, function(s)
    local len = utf8.len(s)
    if not len then -- not UTF-8: bytes
      return s:sub(1, n) .. mask:rep(#s - n)
    end
    if len <= n then return s end
    return s:sub(1, utf8.offset(s, n + 1) - 1) .. mask:rep(len - n)
  end)
end)

-- ---- differential privacy ------------------------------------------------------------------

-- laplace(n, scale): n draws of Laplace(0, scale) as a float64 tensor, by the inverse CDF
-- -scale * sign(u) * log(1 - 2|u|) of u uniform on (-1/2, 1/2), from mg.manual_seed's
-- generator. mg.rand's float64 values are multiples of 2^-53 in [0, 1); adding 2^-54 keeps u
-- off -1/2, where the logarithm is infinite.
P.laplace = public(function(n, scale)
  if math.type(n) ~= 'integer' or n < 0 then fail('laplace: expected a number of draws >= 0, got %s', describe(n)) end
  positive('laplace', 'a scale', scale)
  local u = mg.rand(n, {dtype = 'float64'}) + (2 ^ -54 - 0.5)
  return -scale * u:sign() * (1 - 2 * u:abs()):log()
end)

local Budget = {__name = 'Budget'}
Budget.__index = Budget

P.Budget = setmetatable(Budget, {__call = public(function(_, epsilon)
  positive('Budget', 'a total epsilon', epsilon)
  return setmetatable({total = epsilon, spent = 0, remaining = epsilon}, Budget)
end)})

-- Sums of epsilons carry rounding (0.1 + 0.2 > 0.3): a request over the budget by less than
-- this fraction of the total is allowed.
local ROUNDING = 1e-9

local function check_budget(who, budget)
  if getmetatable(budget) ~= Budget then fail('%s: expected a Budget (call it as budget:%s(...))', who, who:match(':(.*)')) end
end

-- Charges epsilon to the budget, or refuses with nothing spent.
local function spend(who, budget, epsilon)
  positive(who, 'epsilon', epsilon)
  if budget.spent + epsilon > budget.total * (1 + ROUNDING) then
    fail('%s: the privacy budget would be exceeded (spent %.6g of %.6g, remaining %.6g, requested %.6g)',
         who, budget.spent, budget.total, budget.remaining, epsilon)
  end
  budget.spent = budget.spent + epsilon
  budget.remaining = math.max(0, budget.total - budget.spent)
end

local function laplace_draw(scale) return P.laplace(1, scale):item() end

Budget.count = public(function(budget, what, epsilon)
  local who = 'Budget:count'
  check_budget(who, budget)
  local n
  if getmetatable(what) == Frame then n = #what
  elseif math.type(what) == 'integer' and what >= 0 then n = what
  else fail('%s: expected a Frame or a count >= 0, got %s', who, describe(what)) end
  spend(who, budget, epsilon)
  return n + laplace_draw(1 / epsilon)
end)

Budget.sum = public(function(budget, values, epsilon, bounds)
  local who = 'Budget:sum'
  check_budget(who, budget)
  if not mg.is_tensor(values) or values.dtype == 'bool' then
    fail('%s: expected a tensor of numbers, got %s', who, describe(values))
  end
  if type(bounds) ~= 'table' then fail('%s: expected bounds {lower = a, upper = b}, got %s', who, describe(bounds)) end
  local lower, upper = bounds.lower or bounds[1], bounds.upper or bounds[2]
  if not (finite(lower) and finite(upper)) then
    fail('%s: expected finite bounds {lower = a, upper = b}, got %s and %s', who, describe(lower), describe(upper))
  end
  if lower >= upper then fail('%s: expected lower < upper, got %s and %s', who, bound(lower), bound(upper)) end
  local x = values:to('float64')
  if x:ne(x):sum():item() > 0 then fail('%s: the values hold NaN', who) end
  spend(who, budget, epsilon)
  local sensitivity = math.max(math.abs(lower), math.abs(upper))
  return x:clamp(lower, upper):sum():item() + laplace_draw(sensitivity / epsilon)
end)

function Budget.__tostring(b)
  return ('Budget: epsilon %.6g spent of %.6g (%.6g remaining)'):format(b.spent, b.total, b.remaining)
end

return P
