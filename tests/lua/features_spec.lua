-- mg.features: Profile:compute on a small fixed event log. The expected values were recorded
-- from pandas 1.5.3 (numpy 1.24) with the script below, whose profile() is the definition
-- the module follows: rows with a missing key dropped, events strictly before each user's
-- cutoff, windows of age <= window days, weights 2^(-age / half_life).
--
--   import pandas as pd, numpy as np
--   D = 86400
--   ev = pd.DataFrame({
--       'user':   [1, 1, 1, 1, 1, 2, 2, 2, 3, None],
--       'ts':     [0, 2*D, 5*D, 9*D, 10*D, 1*D, 3*D, 10*D, 4*D, 6*D],
--       'event':  ['view', 'click', 'purchase', 'purchase', 'view', 'view', 'purchase', 'cart', 'view', 'view'],
--       'amount': [0, 0, 20, np.nan, 0, 0, 50, 0, 0, 5],
--       'item':   [10, 11, 10, 12, 10, 10, 13, 13, 14, 99]})
--   def profile(ev, cutoff):  # cutoff: a Series indexed by user
--       d = ev.dropna(subset=['user']).copy()
--       d['user'] = d['user'].astype('int64')
--       d = d[d['user'].isin(cutoff.index)]
--       d['cut'] = d['user'].map(cutoff)
--       d = d[d['ts'] < d['cut']]
--       age = (d['cut'] - d['ts']) / D
--       d['w'] = np.exp2(-age / 7)
--       d['wa'] = d['w'] * d['amount']
--       g = d.groupby('user')
--       f = pd.DataFrame({'n_events': g.size(), 'amount_sum': g['amount'].sum(),
--           'amount_mean': g['amount'].mean(), 'amount_std': g['amount'].std(),
--           'amount_min': g['amount'].min(), 'amount_max': g['amount'].max(),
--           'item_nunique': g['item'].nunique(), 'first_time': g['ts'].min(),
--           'last_time': g['ts'].max(), 'decayed': g['w'].sum(), 'decayed_amount': g['wa'].sum()})
--       f['recency_days'] = (g['cut'].first() - f['last_time']) / D
--       f['tenure_days'] = (g['cut'].first() - f['first_time']) / D
--       w = d[age <= 7].groupby('user')
--       f['n_events_7d'] = w.size().reindex(f.index, fill_value=0)
--       f['amount_sum_7d'] = w['amount'].sum().reindex(f.index, fill_value=0)
--       f = f.join(d.pivot_table(index='user', columns='event', values='ts', aggfunc='count', fill_value=0))
--       print(d['event'].value_counts()); print(f.T)
--   profile(ev, pd.Series(10*D + 1, index=[1, 2, 3]))          # no as_of: max ts + 1
--   profile(ev, pd.Series(5*D, index=[1, 2, 3]))               # as_of = 5 days
--   profile(ev, pd.Series([9*D, 10*D, 5*D], index=[1, 2, 4]))  # per-user cutoffs
local mg = require 'moongrad'
local h = require 'tests.lua.helpers'
local Frame, NA = mg.data.Frame, mg.data.NA
local Profile = mg.features.Profile

local NAN = 0 / 0
local D = 86400
local SPEC = 'features_spec.lua:' -- errors point at the caller's line in this file

local function err(f) return h.error_in(SPEC, f) end

-- The log above, with a column (device) that no profile declares.
local function events()
  return Frame({
    user = {1, 1, 1, 1, 1, 2, 2, 2, 3, NA, n = 10},
    ts = {0, 2 * D, 5 * D, 9 * D, 10 * D, 1 * D, 3 * D, 10 * D, 4 * D, 6 * D},
    event = {'view', 'click', 'purchase', 'purchase', 'view', 'view', 'purchase', 'cart', 'view', 'view'},
    amount = {0, 0, 20, NAN, 0, 0, 50, 0, 0, 5},
    item = {10, 11, 10, 12, 10, 10, 13, 13, 14, 99},
    device = {'ios', 'ios', 'web', 'web', 'ios', 'web', 'web', 'web', 'ios', 'ios'}},
    {columns = {'user', 'ts', 'event', 'amount', 'item', 'device'}})
end

local ALL = {
  {'count'}, {'sum', 'amount'}, {'mean', 'amount'}, {'std', 'amount'}, {'min', 'amount'},
  {'max', 'amount'}, {'nunique', 'item'}, {'first_time'}, {'last_time'}, {'recency'}, {'tenure'},
  {'count', window = 7}, {'sum', 'amount', window = 7},
  {'decayed_count', half_life = 7}, {'decayed_sum', 'amount', half_life = 7},
  {'count', by = 'event', values = {'view', 'purchase', 'click', 'cart'}}}
local NAMES = {'user', 'n_events', 'amount_sum', 'amount_mean', 'amount_std', 'amount_min', 'amount_max',
               'item_nunique', 'first_time', 'last_time', 'recency_days', 'tenure_days', 'n_events_7d',
               'amount_sum_7d', 'decayed_count_hl7', 'amount_decayed_sum_hl7', 'count_event_view',
               'count_event_purchase', 'count_event_click', 'count_event_cart'}

local function profile(features) return Profile{key = 'user', time = 'ts', features = features or ALL} end

describe('Profile:compute', function()
  it('without as_of uses every event (cutoff: max ts + 1 s), as pandas', function()
    local df = profile():compute(events())
    assert.are.same(NAMES, df.columns)
    h.check_column(df, 'user', 'int64', {1, 2, 3})
    h.check_column(df, 'n_events', 'int64', {5, 3, 1})
    h.check_column(df, 'amount_sum', 'float64', {20.0, 50.0, 0.0})
    h.check_column(df, 'amount_mean', 'float64', {5.0, 16.66666666666666785, 0.0})
    h.check_column(df, 'amount_std', 'float64', {10.0, 28.86751345948128744, NA}) -- one event: ddof 1
    h.check_column(df, 'amount_min', 'float64', {0.0, 0.0, 0.0})
    h.check_column(df, 'amount_max', 'float64', {20.0, 50.0, 0.0})
    h.check_column(df, 'item_nunique', 'int64', {3, 2, 1})
    h.check_column(df, 'first_time', 'int64', {0, 86400, 345600})
    h.check_column(df, 'last_time', 'int64', {864000, 864000, 345600})
    h.check_column(df, 'recency_days', 'float64', {0.00001157407407407, 0.00001157407407407, 6.00001157407407426})
    h.check_column(df, 'tenure_days', 'float64', {10.00001157407407426, 9.00001157407407426, 6.00001157407407426})
    h.check_column(df, 'n_events_7d', 'int64', {3, 1, 1})
    h.check_column(df, 'amount_sum_7d', 'float64', {20.0, 0.0, 0.0})
    h.check_column(df, 'decayed_count_hl7', 'float64', {3.33958706835725661, 1.91016548880642878, 0.55204412415164250})
    h.check_column(df, 'amount_decayed_sum_hl7', 'float64', {12.19012257122145115, 24.99997134809923338, 0.0})
    h.check_column(df, 'count_event_view', 'int64', {2, 1, 1})
    h.check_column(df, 'count_event_purchase', 'int64', {2, 1, 0})
    h.check_column(df, 'count_event_click', 'int64', {1, 0, 0})
    h.check_column(df, 'count_event_cart', 'int64', {0, 1, 0})
  end)

  it('with one as_of for all leaves out the events at and after it', function()
    local df = profile():compute(events(), {as_of = 5 * D})
    h.check_column(df, 'user', 'int64', {1, 2, 3})
    h.check_column(df, 'n_events', 'int64', {2, 2, 1}) -- user 1's purchase at exactly 5 days is out
    h.check_column(df, 'amount_sum', 'float64', {0.0, 50.0, 0.0})
    h.check_column(df, 'amount_std', 'float64', {0.0, 35.35533905932737753, NA})
    h.check_column(df, 'item_nunique', 'int64', {2, 2, 1})
    h.check_column(df, 'last_time', 'int64', {172800, 259200, 345600})
    h.check_column(df, 'recency_days', 'float64', {3.0, 2.0, 1.0})
    h.check_column(df, 'tenure_days', 'float64', {5.0, 4.0, 1.0})
    h.check_column(df, 'n_events_7d', 'int64', {2, 2, 1})
    h.check_column(df, 'amount_sum_7d', 'float64', {0.0, 50.0, 0.0})
    h.check_column(df, 'decayed_count_hl7', 'float64', {1.3525039716707119, 1.49328545232381593, 0.9057236642639066})
    h.check_column(df, 'amount_decayed_sum_hl7', 'float64', {0.0, 41.01676780038189918, 0.0})
    h.check_column(df, 'count_event_purchase', 'int64', {0, 1, 0})
  end)

  it('with per-user cutoffs keeps the users of as_of with events before theirs', function()
    -- user 3 is not in as_of (dropped); user 4 has no event before its cutoff (no row)
    local as_of = Frame{user = {1, 2, 4}, cutoff = {9 * D, 10 * D, 5 * D}}
    local df = profile():compute(events(), {as_of = as_of})
    h.check_column(df, 'user', 'int64', {1, 2})
    -- user 1's purchase at exactly 9 days and user 2's cart at exactly 10 days are out
    h.check_column(df, 'n_events', 'int64', {3, 2})
    h.check_column(df, 'amount_mean', 'float64', {6.66666666666666696, 25.0})
    h.check_column(df, 'amount_std', 'float64', {11.54700538379251462, 35.35533905932737753})
    h.check_column(df, 'last_time', 'int64', {432000, 259200})
    h.check_column(df, 'recency_days', 'float64', {4.0, 7.0})
    h.check_column(df, 'tenure_days', 'float64', {9.0, 9.0})
    h.check_column(df, 'n_events_7d', 'int64', {2, 1})
    h.check_column(df, 'amount_sum_7d', 'float64', {20.0, 50.0})
    h.check_column(df, 'decayed_count_hl7', 'float64', {1.58311777431999712, 0.91016767800381893})
    h.check_column(df, 'amount_decayed_sum_hl7', 'float64', {13.45900192632356251, 25.0})
    h.check_column(df, 'count_event_purchase', 'int64', {1, 1})
    h.check_column(df, 'count_event_cart', 'int64', {0, 0})
  end)

  it('does not change when events at or after the cutoffs change (no leakage)', function()
    local as_of = Frame{user = {1, 2}, when = {5 * D, 3 * D}}
    local base = profile():compute(events(), {as_of = as_of, cutoff = 'when'})
    local late = Frame({user = {1, 2, 1}, ts = {5 * D, 3 * D, 20 * D}, event = {'cart', 'cart', 'view'},
                        amount = {1e6, 1e6, 1e6}, item = {77, 78, 79}},
                       {columns = {'user', 'ts', 'event', 'amount', 'item'}})
    local log = events():select{'user', 'ts', 'event', 'amount', 'item'}
    -- the log plus the late events, as one frame built from the values of both
    local cols = {}
    for _, c in ipairs(log.columns) do
      local v, w = log:values(c), late:values(c)
      for i = 1, w.n do v[v.n + i] = w[i] end
      v.n = v.n + w.n
      cols[c] = v
    end
    local after = profile():compute(Frame(cols, {columns = log.columns}), {as_of = as_of, cutoff = 'when'})
    assert.are.same(base.columns, after.columns)
    for _, c in ipairs(base.columns) do assert.are.same(base:values(c), after:values(c), c) end
  end)

  it('reads only the declared columns: others may be absent', function()
    local p = profile{{'count'}, {'sum', 'amount'}}
    assert.are.same({'user', 'ts', 'amount'}, p:columns())
    local df = p:compute(events():select{'user', 'ts', 'amount'})
    h.check_column(df, 'amount_sum', 'float64', {20.0, 50.0, 0.0})
    assert.are.same({'user', 'n_events', 'amount_sum'}, df.columns) -- no device, event or item
  end)

  it('counts the top values by frequency, ties in value order, and takes names', function()
    local p = profile{{'count', by = 'event', top = 2}, {'count', name = 'events'},
                      {'sum', 'amount', window = 7, name = 'spend_week'},
                      {'count', by = 'event', values = {'view'}, window = 7, name = 'views'}}
    local df = p:compute(events())
    -- value counts before the default cutoff: view 4, purchase 3, click 1, cart 1
    assert.are.same({'user', 'count_event_view', 'count_event_purchase', 'events', 'spend_week', 'views_view_7d'},
                    df.columns)
    h.check_column(df, 'count_event_purchase', 'int64', {2, 1, 0})
    h.check_column(df, 'events', 'int64', {5, 3, 1})
    h.check_column(df, 'spend_week', 'float64', {20.0, 0.0, 0.0})
    -- within 7 days of 10 days + 1 s: user 1's view at 10 days, user 3's at 4 days; user 2's at 1 day is out
    h.check_column(df, 'views_view_7d', 'int64', {1, 0, 1})
    -- counts by an int64 column, worked out by hand from the log
    local items = profile{{'count', by = 'item', values = {10, 13}}}:compute(events())
    h.check_column(items, 'count_item_10', 'int64', {3, 1, 0})
    h.check_column(items, 'count_item_13', 'int64', {0, 2, 0})
    -- before 5 days: view 3, then click and purchase 1 each: click comes first
    local top = profile{{'count', by = 'event', top = 2}}:compute(events(), {as_of = 5 * D})
    assert.are.same({'user', 'count_event_view', 'count_event_click'}, top.columns)
    -- values = 'all': every value, the most frequent first (view 4, purchase 3, cart 1, click 1)
    local all = profile{{'count', by = 'event', values = 'all'}}:compute(events())
    assert.are.same({'user', 'count_event_view', 'count_event_purchase', 'count_event_cart', 'count_event_click'},
                    all.columns)
    h.check_column(all, 'count_event_cart', 'int64', {0, 1, 0})
    h.check_column(all, 'count_event_click', 'int64', {1, 0, 0})
  end)

  it('gives users without events in a window 0 counts and a missing mean (worked out by hand)', function()
    -- the day before 10 days + 1 s holds only the events at 10 days: user 1's view and
    -- user 2's cart, both of amount 0; user 1's NaN at 9 days is 1 day + 1 s old
    local df = profile{{'count', window = 1}, {'mean', 'amount', window = 1}, {'nunique', 'item', window = 1},
                       {'count', by = 'event', values = {'view'}, window = 1}}:compute(events())
    h.check_column(df, 'user', 'int64', {1, 2, 3})
    h.check_column(df, 'n_events_1d', 'int64', {1, 1, 0})
    h.check_column(df, 'amount_mean_1d', 'float64', {0.0, 0.0, NA})
    h.check_column(df, 'item_nunique_1d', 'int64', {1, 1, 0})
    h.check_column(df, 'count_event_view_1d', 'int64', {1, 0, 0})
  end)

  it('drops rows with a missing key or time, and skips missing amounts (worked out by hand)', function()
    local ev = Frame({u = {1, 1, 1, NA, n = 4}, t = {10, NA, 30, 40, n = 4}, x = {2, 100, NAN, 7}},
                     {columns = {'u', 't', 'x'}})
    local df = Profile{key = 'u', time = 't', features = {{'count'}, {'sum', 'x'}, {'mean', 'x'}, {'recency'}}}
               :compute(ev)
    h.check_column(df, 'u', 'int64', {1})
    h.check_column(df, 'n_events', 'int64', {2})      -- the row without a time is out
    h.check_column(df, 'x_sum', 'float64', {2.0})     -- NaN skipped; 100 had no time, 7 no key
    h.check_column(df, 'x_mean', 'float64', {2.0})
    -- the default cutoff is 31, from the rows kept: the keyless row's 40 does not count
    h.check_column(df, 'recency_days', 'float64', {1 / D})
  end)

  it('takes string keys and float64 seconds', function()
    local ev = Frame({u = {'b', 'a', 'b'}, t = {1.5, 2.25, 3.0}}, {columns = {'u', 't'}})
    local df = Profile{key = 'u', time = 't', features = {{'count'}, {'last_time'}, {'recency'}}}:compute(ev)
    h.check_column(df, 'u', 'string', {'a', 'b'})
    h.check_column(df, 'last_time', 'float64', {2.25, 3.0})
    h.check_column(df, 'recency_days', 'float64', {1.75 / D, 1.0 / D}) -- cutoff 4.0: max + 1
  end)

  it('gives no rows for an empty log, with the columns of the features', function()
    local df = profile():compute(events():head(0))
    assert.are.equal(0, #df)
    assert.are.same({'user', 'n_events', 'amount_sum', 'amount_mean', 'amount_std', 'amount_min', 'amount_max',
                     'item_nunique', 'first_time', 'last_time', 'recency_days', 'tenure_days', 'n_events_7d',
                     'amount_sum_7d', 'decayed_count_hl7', 'amount_decayed_sum_hl7', 'count_event_view',
                     'count_event_purchase', 'count_event_click', 'count_event_cart'}, df.columns)
    assert.are.equal(0, #profile():compute(events(), {as_of = -1}))
    local top = profile{{'count'}, {'count', by = 'event', top = 2}}:compute(events(), {as_of = -1})
    assert.are.same({'user', 'n_events'}, top.columns) -- no events: no top values
  end)
end)

describe('Profile bad input', function()
  it('rejects bad specs at the caller line', function()
    assert.matches('Profile: feature 1: unknown kind "median"', err(function() profile{{'median', 'amount'}} end), 1, true)
    assert.matches('Profile: key must be a column name', err(function() Profile{time = 'ts', features = {{'count'}}} end), 1, true)
    assert.matches('Profile: features must be a non-empty list',
                   err(function() Profile{key = 'user', time = 'ts', features = {}} end), 1, true)
    assert.matches('Profile: unknown option "feature"', err(function() Profile{key = 'u', time = 't', feature = {}} end), 1, true)
    assert.matches("feature 1 ('sum'): expected a column name", err(function() profile{{'sum'}} end), 1, true)
    assert.matches('feature 2 (\'count\'): unknown entry "windows"', err(function() profile{{'count'}, {'count', windows = 7}} end), 1, true)
    assert.matches('window must be a number of days > 0, got 0', err(function() profile{{'count', window = 0}} end), 1, true)
    assert.matches("('first_time'): takes no window", err(function() profile{{'first_time', window = 7}} end), 1, true)
    assert.matches('half_life must be a number of days > 0, got nil', err(function() profile{{'decayed_count'}} end), 1, true)
    assert.matches("('count'): takes no half_life", err(function() profile{{'count', half_life = 7}} end), 1, true)
    assert.matches("('sum'): takes no option by", err(function() profile{{'sum', 'amount', by = 'event', top = 1}} end), 1, true)
    assert.matches('with by, give either values or top', err(function() profile{{'count', by = 'event'}} end), 1, true)
    assert.matches('top must be an integer >= 1, got 0', err(function() profile{{'count', by = 'event', top = 0}} end), 1, true)
    assert.matches('values and top need option by', err(function() profile{{'count', top = 2}} end), 1, true)
  end)

  it('rejects events that do not fit the profile', function()
    assert.matches("compute: the events have no column 'amount'",
                   err(function() profile():compute(events():drop{'amount'}) end), 1, true)
    assert.matches("compute: time column 'ts' must hold numeric seconds (int64 or float64), got string "
                   .. "(events:to_seconds('ts') reads times from text)",
                   err(function() profile{{'count'}}:compute(events():rename{ts = 'x', device = 'ts'}) end), 1, true)
    assert.matches("compute: feature 'sum' needs a numeric column, but 'event' is string",
                   err(function() profile{{'sum', 'event'}}:compute(events()) end), 1, true)
    assert.matches("compute: option by needs a string or int64 column, but 'amount' is float64",
                   err(function() profile{{'count', by = 'amount', top = 1}}:compute(events()) end), 1, true)
    assert.matches("compute: column 'event' is string, but values holds 1",
                   err(function() profile{{'count', by = 'event', values = {1}}}:compute(events()) end), 1, true)
    assert.matches("compute: column 'item' is int64, but values holds \"10\"",
                   err(function() profile{{'count', by = 'item', values = {'10'}}}:compute(events()) end), 1, true)
    assert.matches('compute: expected a Frame of events, got', err(function() profile():compute({}) end), 1, true)
    assert.matches('compute: unknown option "asof"', err(function() profile():compute(events(), {asof = 1}) end), 1, true)
    assert.matches("compute: two features are named 'n_events'",
                   err(function() profile{{'count'}, {'count', window = 7, name = 'n_events'}}:compute(events()) end), 1, true)
    assert.matches("compute: features 'n_events' and 'again' compute the same thing",
                   err(function() profile{{'count'}, {'count', name = 'again'}}:compute(events()) end), 1, true)
  end)

  it('rejects bad cutoffs', function()
    local p = profile{{'count'}}
    assert.matches('compute: as_of must be a number of seconds, got NaN',
                   err(function() p:compute(events(), {as_of = NAN}) end), 1, true)
    assert.matches('compute: as_of must be a number of seconds or a Frame {user, cutoff}',
                   err(function() p:compute(events(), {as_of = '2024-01-01'}) end), 1, true)
    assert.matches("compute: as_of has no column 'cutoff'",
                   err(function() p:compute(events(), {as_of = Frame{user = {1}, ts = {5}}}) end), 1, true)
    assert.matches("compute: as_of's column 'cutoff' must hold numeric seconds",
                   err(function() p:compute(events(), {as_of = Frame{user = {1}, cutoff = {'soon'}}}) end), 1, true)
    assert.matches("compute: as_of's column 'cutoff' has missing cutoffs",
                   err(function() p:compute(events(), {as_of = Frame{user = {1, 2}, cutoff = {5, NA}}}) end), 1, true)
    assert.matches("compute: as_of's column 'user' is string, but the events' is int64",
                   err(function() p:compute(events(), {as_of = Frame{user = {'1'}, cutoff = {5}}}) end), 1, true)
    assert.matches("compute: as_of has a user ('user') more than once",
                   err(function() p:compute(events(), {as_of = Frame{user = {1, 1}, cutoff = {5, 6}}}) end), 1, true)
  end)
end)

-- The log split at a time: the events before it and those at or after it.
local function split(at)
  local log = events()
  local ts = log:col('ts')
  return log:filter(ts:lt(at)), log:filter(ts:ge(at))
end

-- Checks that two feature frames hold the same columns, types and values: integers exactly,
-- floats to a relative 1e-12 (sums of squares and rescaled decays round differently).
local function check_same(expected, got)
  assert.are.same(expected.columns, got.columns)
  assert.are.same(expected:dtypes(), got:dtypes())
  assert.are.equal(#expected, #got)
  for _, c in ipairs(expected.columns) do
    local want, have = expected:values(c), got:values(c)
    for i = 1, want.n do
      if math.type(want[i]) == 'float' then
        assert.is_true(math.abs(want[i] - have[i]) <= 1e-12 * math.max(1, math.abs(want[i])),
                       ('%s[%d]: expected %.17g, got %s'):format(c, i, want[i], tostring(have[i])))
      else
        assert.are.equal(want[i], have[i], ('%s[%d]'):format(c, i))
      end
    end
  end
end

describe('Profile:fit and State:update', function()
  -- compute on the whole log is checked against pandas above: a state fitted on the events
  -- before a time and updated with the rest must give the same features
  it('gives what compute gives on all the events, for every kind, wherever the log is split', function()
    for _, at in ipairs{0, 2 * D, 5 * D, 5 * D + 1, 9.5 * D, 10 * D, 11 * D} do
      local before, after = split(at)
      for _, as_of in ipairs{11 * D, 30 * D} do
        local state = profile():fit(before, {as_of = at}):update(after, {as_of = as_of})
        assert.are.equal(as_of, state.as_of)
        check_same(profile():compute(events(), {as_of = as_of}), state:features())
      end
    end
  end)

  it('fits as compute at as_of, and updates in several steps and with no new events', function()
    check_same(profile():compute(events(), {as_of = 5 * D}), profile():fit(events(), {as_of = 5 * D}):features())
    check_same(profile():compute(events()), profile():fit(events()):features()) -- both: max ts + 1 s
    local first, rest = split(3 * D)
    local second, third = split(9.75 * D)
    second = second:filter(second:col('ts'):ge(3 * D))
    local state = profile():fit(first, {as_of = 3 * D}):update(second, {as_of = 9.5 * D})
    -- moving as_of on without events: recency grows, windows empty, decayed counts shrink
    state = state:update(events():head(0), {as_of = 9.75 * D}):update(third, {as_of = 12 * D})
    check_same(profile():compute(events(), {as_of = 12 * D}), state:features())
    -- without as_of, update goes to the largest new time + 1 s, as compute does
    check_same(profile():compute(events()), profile():fit(first, {as_of = 3 * D}):update(rest):features())
  end)

  it('leaves the state it updates unchanged', function()
    local before, after = split(5 * D)
    local state = profile():fit(before, {as_of = 5 * D})
    local was = state:features()
    state:update(after, {as_of = 11 * D})
    assert.are.equal(5 * D, state.as_of)
    check_same(was, state:features())
    check_same(profile():compute(events(), {as_of = 5 * D}), was)
  end)

  it('takes string keys and float64 seconds', function()
    local ev = Frame({u = {'b', 'a', 'b', 'c'}, t = {1.5, 2.25, 3.0, 4.5}, x = {1.0, 2.0, 4.0, 8.0}},
                     {columns = {'u', 't', 'x'}})
    local p = Profile{key = 'u', time = 't', features = {{'count'}, {'std', 'x'}, {'nunique', 'x'}, {'recency'},
                                                         {'sum', 'x', window = 1 / D}}}
    local state = p:fit(ev:head(2), {as_of = 2.5}):update(ev:tail(2), {as_of = 5})
    check_same(p:compute(ev, {as_of = 5}), state:features())
    assert.matches('State of a profile by u at t, as of 5: 3 user(s)', tostring(state), 1, true)
  end)

  it('rejects what a state cannot do exactly and bad input', function()
    local before, after = split(5 * D)
    local state = profile():fit(before, {as_of = 5 * D})
    assert.matches("fit: feature 'count' by 'event' takes the top values of all events but counts those in a window",
                   err(function() profile{{'count', by = 'event', top = 2, window = 3}}:fit(events()) end), 1, true)
    assert.matches("update: 5 event(s) are before the state's as_of (432000)",
                   err(function() state:update(events()) end), 1, true)
    assert.matches("update: as_of (86400) is before the state's (432000)",
                   err(function() state:update(after, {as_of = D}) end), 1, true)
    assert.matches('fit: as_of must be a number of seconds (per-user cutoffs need compute), got',
                   err(function() profile():fit(events(), {as_of = Frame{user = {1}, cutoff = {1}}}) end), 1, true)
    assert.matches('fit: as_of must be a number of seconds', err(function() profile():fit(events(), {as_of = NAN}) end), 1, true)
    assert.matches('update: unknown option "cutoff"', err(function() state:update(after, {cutoff = 'c'}) end), 1, true)
    assert.matches("fit: the events have no column 'amount'",
                   err(function() profile():fit(events():drop{'amount'}) end), 1, true)
    assert.matches("update: the events have no column 'item'",
                   err(function() state:update(after:drop{'item'}) end), 1, true)
    assert.matches("compute: two features are named 'n_events'",
                   err(function() profile{{'count'}, {'count', window = 7, name = 'n_events'}}:fit(events()) end), 1, true)
    assert.matches('fit: expected a Frame of events, got', err(function() profile():fit({}) end), 1, true)
    assert.matches('update: call it as state:update(events)', err(function() state.update(after) end), 1, true)
    assert.matches('features: call it as state:features()', err(function() state.features(1) end), 1, true)
    check_same(profile():compute(events(), {as_of = 5 * D}), state:features()) -- unchanged by the errors
  end)
end)

describe('State:save_sql and Profile:load_sql', function()
  local db
  before_each(function()
    db = os.tmpname()
    os.remove(db)
  end)
  after_each(function() os.remove(db) end)

  it('round-trips a state: the same features, and updates as the original would', function()
    local before, after = split(5 * D)
    local state = profile():fit(before, {as_of = 5 * D})
    state:save_sql(db, 'users')
    local back = profile():load_sql(db, 'users')
    assert.are.equal(5 * D, back.as_of)
    check_same(state:features(), back:features())
    check_same(profile():compute(events(), {as_of = 11 * D}), back:update(after, {as_of = 11 * D}):features())
    -- saving again replaces the tables; a second prefix keeps its own state
    state:update(after, {as_of = 11 * D}):save_sql(db, 'users')
    state:save_sql(db, 'old')
    check_same(profile():compute(events(), {as_of = 11 * D}), profile():load_sql(db, 'users'):features())
    check_same(profile():compute(events(), {as_of = 5 * D}), profile():load_sql(db, 'old'):features())
    -- a state without users or windows: empty tables keep their column types
    local p = profile{{'count'}, {'nunique', 'item'}}
    p:fit(events(), {as_of = -1}):save_sql(db, 'empty')
    local empty = p:load_sql(db, 'empty'):update(events(), {as_of = 5 * D})
    check_same(p:compute(events(), {as_of = 5 * D}), empty:features())
    -- shares and RFM scores come back from their statistics
    local extra = profile{{'share', by = 'event', values = {'view'}}, {'rfm', amount = 'amount'}}
    extra:fit(events(), {as_of = 5 * D}):save_sql(db, 'extra')
    check_same(extra:compute(events(), {as_of = 5 * D}), extra:load_sql(db, 'extra'):features())
  end)

  it('rejects another profile, missing tables and bad arguments', function()
    profile():fit(events()):save_sql(db, 'users')
    assert.matches("load_sql: the state in 'users_*' was saved under another profile",
                   err(function() profile{{'count'}}:load_sql(db, 'users') end), 1, true)
    assert.matches("load_sql: the state in 'users_*' was saved under another profile",
                   err(function() profile{{'count', by = 'event', values = {'view'}}}:load_sql(db, 'users') end), 1, true)
    assert.matches('load_sql: ', err(function() profile():load_sql(db, 'nobody') end), 1, true)
    assert.matches('no such table', err(function() profile():load_sql(db, 'nobody') end), 1, true)
    assert.matches('save_sql: expected a table prefix of letters, digits and _, got "a b"',
                   err(function() profile():fit(events()):save_sql(db, 'a b') end), 1, true)
    assert.matches('load_sql: expected the path of a database, got nil',
                   err(function() profile():load_sql(nil, 'users') end), 1, true)
  end)
end)

-- share, mode, entropy and rfm on the log above, recorded from pandas 1.5.3 (scipy 1.10) with
-- the script below, which continues the one at the top of this file: share of a value:
-- the mean of (value == v) over the user's events; mode: Series.mode()[0] (the smallest of
-- the most frequent); entropy: scipy.stats.entropy of the value counts (natural log); rfm:
-- qcut of rank(method='first') into 5 (recency: labels 5..1).
--
--   from scipy.stats import entropy
--   def extra(ev, cut):
--       d = ev.dropna(subset=['user']).copy(); d['user'] = d['user'].astype('int64'); d = d[d['ts'] < cut]
--       g = d.groupby('user')
--       f = pd.DataFrame({'share_view': g['event'].apply(lambda s: (s == 'view').mean()),
--                         'share_purchase': g['event'].apply(lambda s: (s == 'purchase').mean()),
--                         'event_mode': g['event'].agg(lambda s: s.mode()[0]),
--                         'event_entropy': g['event'].agg(lambda s: entropy(s.value_counts())),
--                         'item_mode': g['item'].agg(lambda s: s.mode()[0])})
--       rec = (cut - g['ts'].max()) / D; fr = g.size(); mon = g['amount'].sum()
--       f['r'] = pd.qcut(rec.rank(method='first'), 5, labels=[5, 4, 3, 2, 1]).astype(int)
--       f['f'] = pd.qcut(fr.rank(method='first'), 5, labels=[1, 2, 3, 4, 5]).astype(int)
--       f['m'] = pd.qcut(mon.rank(method='first'), 5, labels=[1, 2, 3, 4, 5]).astype(int)
--       print(f.T)
--   extra(ev, 10*D + 1); extra(ev, 5*D)
--   # rfm of 7 users with equal values, cutoff 10
--   r = pd.DataFrame({'user': [1,1,2,2,2,3,4,4,5,5,5,6,7,7], 'ts': [1,5,2,2,3,9,4,4,7,7,1,3,8,2],
--                     'amount': [5.,5,1,1,1,10,3,3,0,0,0,10,4,2]})
--   g = r.groupby('user'); rec = 10 - g['ts'].max(); fr = g.size(); mon = g['amount'].sum()
--   (then r, f, m as above)
local EXTRA = {{'share', by = 'event', values = {'view', 'purchase'}}, {'mode', 'event'}, {'entropy', 'event'},
               {'mode', 'item'}, {'rfm', amount = 'amount'}}

describe('share, mode, entropy and rfm', function()
  it('give what pandas gives', function()
    local df = profile(EXTRA):compute(events())
    assert.are.same({'user', 'share_event_view', 'share_event_purchase', 'event_mode', 'event_entropy', 'item_mode',
                     'rfm_r', 'rfm_f', 'rfm_m'}, df.columns)
    h.check_column(df, 'share_event_view', 'float64', {0.40000000000000002, 0.33333333333333331, 1.0})
    h.check_column(df, 'share_event_purchase', 'float64', {0.40000000000000002, 0.33333333333333331, 0.0})
    h.check_column(df, 'event_mode', 'string', {'purchase', 'cart', 'view'}) -- user 1: 2 views, 2 purchases
    h.check_column(df, 'event_entropy', 'float64', {1.05492016798614419, 1.09861228866810956, 0.0})
    h.check_column(df, 'item_mode', 'int64', {10, 13, 14})
    h.check_column(df, 'rfm_r', 'int64', {5, 3, 1})
    h.check_column(df, 'rfm_f', 'int64', {5, 3, 1})
    h.check_column(df, 'rfm_m', 'int64', {3, 5, 1})
    df = profile(EXTRA):compute(events(), {as_of = 5 * D})
    h.check_column(df, 'share_event_view', 'float64', {0.5, 0.5, 1.0})
    h.check_column(df, 'share_event_purchase', 'float64', {0.0, 0.5, 0.0})
    h.check_column(df, 'event_mode', 'string', {'click', 'purchase', 'view'})
    h.check_column(df, 'event_entropy', 'float64', {0.69314718055994529, 0.69314718055994529, 0.0})
    h.check_column(df, 'item_mode', 'int64', {10, 10, 14})
    h.check_column(df, 'rfm_r', 'int64', {1, 3, 5})
    h.check_column(df, 'rfm_f', 'int64', {3, 5, 1})
    h.check_column(df, 'rfm_m', 'int64', {1, 5, 3})
  end)

  it('rank equal RFM values in key order, as rank(method=first)', function()
    local ev = Frame({user = {1, 1, 2, 2, 2, 3, 4, 4, 5, 5, 5, 6, 7, 7}, ts = {1, 5, 2, 2, 3, 9, 4, 4, 7, 7, 1, 3, 8, 2},
                      amount = {5.0, 5, 1, 1, 1, 10, 3, 3, 0, 0, 0, 10, 4, 2}}, {columns = {'user', 'ts', 'amount'}})
    local p = Profile{key = 'user', time = 'ts', features = {{'rfm', amount = 'amount', name = 'score'}}}
    local df = p:compute(ev, {as_of = 10})
    -- recency 5 7 1 6 3 7 2, frequency 2 3 1 2 3 1 2, monetary 10 3 10 6 0 10 6 (pandas above)
    h.check_column(df, 'score_r', 'int64', {3, 1, 5, 2, 4, 1, 5})
    h.check_column(df, 'score_f', 'int64', {2, 5, 1, 3, 5, 1, 4})
    h.check_column(df, 'score_m', 'int64', {4, 1, 5, 2, 1, 5, 3})
    -- one user: pandas' qcut refuses it; the middle score (worked out by hand)
    local one = p:compute(ev:head(2), {as_of = 10})
    assert.are.same({3, 3, 3}, {one:get(1, 'score_r'), one:get(1, 'score_f'), one:get(1, 'score_m')})
  end)

  it('keep shares in a window missing without events, and leave out missing values', function()
    -- worked out by hand: within 1 day of 10 days + 1 s, user 1 has a view, user 2 a cart
    local df = profile{{'share', by = 'event', values = {'view'}, window = 1, name = 'v'}}:compute(events())
    h.check_column(df, 'v_view_1d', 'float64', {1.0, 0.0, NA})
    local ev = Frame({u = {1, 1, 1, 2}, t = {1, 2, 3, 4}, c = {'a', NA, 'b', NA, n = 4}}, {columns = {'u', 't', 'c'}})
    local got = Profile{key = 'u', time = 't', features = {{'mode', 'c'}, {'entropy', 'c'}}}:compute(ev)
    h.check_column(got, 'c_mode', 'string', {'a', NA}) -- a and b once each: the smallest
    h.check_column(got, 'c_entropy', 'float64', {math.log(2), NA})
  end)

  it('update a state exactly', function()
    local p = profile{{'share', by = 'event', values = {'view', 'cart'}}, {'rfm', amount = 'amount'},
                      {'share', by = 'event', values = {'purchase'}, window = 3}, {'count'}}
    for _, at in ipairs{2 * D, 5 * D, 10 * D} do
      local before, after = split(at)
      check_same(p:compute(events(), {as_of = 11 * D}), p:fit(before, {as_of = at}):update(after, {as_of = 11 * D}):features())
    end
  end)

  it('reject bad specs', function()
    assert.matches("feature 1 ('share'): needs option by", err(function() profile{{'share'}} end), 1, true)
    assert.matches("feature 1 ('rfm'): option amount must be a column name, got nil", err(function() profile{{'rfm'}} end), 1, true)
    assert.matches("feature 1 ('rfm'): option amount must be a column name, got 3",
                   err(function() profile{{'rfm', amount = 3}} end), 1, true)
    assert.matches("feature 1 ('count'): takes no option amount", err(function() profile{{'count', amount = 'amount'}} end), 1, true)
    assert.matches("feature 1 ('mode'): takes no window", err(function() profile{{'mode', 'event', window = 7}} end), 1, true)
    assert.matches("feature 1 ('entropy'): expected a column name", err(function() profile{{'entropy'}} end), 1, true)
    assert.matches("compute: feature 'rfm' needs a numeric column, but 'event' is string",
                   err(function() profile{{'rfm', amount = 'event'}}:compute(events()) end), 1, true)
    assert.matches("compute: two features are named 'rfm_r'",
                   err(function() profile{{'rfm', amount = 'amount'}, {'recency', name = 'rfm_r'}}:compute(events()) end), 1, true)
  end)
end)

-- Recorded from pandas 1.5.3 and scikit-learn 1.2.1 on events() above: affinity is
-- TfidfTransformer().fit_transform of the users' counts of [view, purchase, click, cart]
-- (the window's counts for window = 7); active_days is the nunique of ts // 86400; last is
-- each user's values sorted by (ts, row) descending; hashed is FeatureHasher(n,
-- input_type='string') of each user's values as text:
--   d = ev.dropna(subset=['user']); d = d[d.ts < cut]; users = sorted(d.user.unique())
--   w = d if window is None else d[(cut - d.ts) / D <= window]
--   counts = w.pivot_table(index='user', columns='event', values='ts', aggfunc='count', fill_value=0)
--   TfidfTransformer().fit_transform(counts.reindex(index=users, columns=[...], fill_value=0).values)
--   d.assign(day=d.ts // D).groupby('user')['day'].nunique()
--   s = d.assign(row=range(len(d))).sort_values(['ts', 'row'], ascending=False)   # last: s[s.user == u][c][:n]
--   FeatureHasher(n, input_type='string').transform([[str(v) for v in d[d.user == u][c]] for u in users])
-- with cut = 10 D + 1 (no as_of) and 5 D.
local KINDS2 = {{'affinity', by = 'event', values = {'view', 'purchase', 'click', 'cart'}},
                {'affinity', by = 'event', values = {'view', 'purchase', 'click', 'cart'}, window = 7, name = 'aff'},
                {'active_days'}, {'frequency'}, {'last', 'item', n = 2}, {'last', 'event', n = 3},
                {'hashed', 'item', buckets = 4}, {'hashed', 'event', buckets = 2, name = 'ev_h'}}

-- Columns prefix1..prefix<n> of dtype, given as rows.
local function check_rows(df, prefix, n, dtype, rows)
  for i = 1, n do
    local col = {}
    for r, row in ipairs(rows) do col[r] = row[i] end
    h.check_column(df, prefix .. i, dtype, col)
  end
end

describe('affinity, active_days, frequency, last and hashed', function()
  it('give what pandas and scikit-learn give', function()
    local df = profile(KINDS2):compute(events())
    assert.are.same({'user', 'affinity_event_view', 'affinity_event_purchase', 'affinity_event_click',
                     'affinity_event_cart', 'aff_view_7d', 'aff_purchase_7d', 'aff_click_7d', 'aff_cart_7d',
                     'active_days', 'events_per_active_day', 'item_last1', 'item_last2', 'event_last1',
                     'event_last2', 'event_last3', 'item_hashed1', 'item_hashed2', 'item_hashed3', 'item_hashed4',
                     'ev_h1', 'ev_h2'}, df.columns)
    h.check_column(df, 'affinity_event_view', 'float64', {0.5443462181589214, 0.4254405389711991, 1.0})
    h.check_column(df, 'affinity_event_purchase', 'float64', {0.7009448663301691, 0.5478321549274363, 0.0})
    h.check_column(df, 'affinity_event_click', 'float64', {0.4608291322621233, 0.0, 0.0})
    h.check_column(df, 'affinity_event_cart', 'float64', {0.0, 0.7203334490549893, 0.0})
    h.check_column(df, 'aff_view_7d', 'float64', {0.35543246785041743, 0.0, 1.0})
    h.check_column(df, 'aff_purchase_7d', 'float64', {0.9347019636214327, 0.0, 0.0})
    h.check_column(df, 'aff_cart_7d', 'float64', {0.0, 1.0, 0.0})
    h.check_column(df, 'active_days', 'int64', {5, 3, 1})
    h.check_column(df, 'events_per_active_day', 'float64', {1.0, 1.0, 1.0})
    h.check_column(df, 'item_last1', 'int64', {10, 13, 14})
    h.check_column(df, 'item_last2', 'int64', {12, 13, 0}) -- 0: no second value
    h.check_column(df, 'event_last1', 'string', {'view', 'cart', 'view'})
    h.check_column(df, 'event_last2', 'string', {'purchase', 'purchase', NA})
    h.check_column(df, 'event_last3', 'string', {'purchase', 'view', NA})
    check_rows(df, 'item_hashed', 4, 'float64', {{0, -3, -1, -1}, {0, -1, 0, -2}, {0, 0, 0, -1}})
    check_rows(df, 'ev_h', 2, 'float64', {{-1, 0}, {0, -1}, {1, 0}})

    df = profile(KINDS2):compute(events(), {as_of = 5 * D})
    h.check_column(df, 'affinity_event_view', 'float64', {0.5085423203783267, 0.5085423203783267, 1.0})
    h.check_column(df, 'affinity_event_click', 'float64', {0.8610369959439764, 0.0, 0.0})
    h.check_column(df, 'affinity_event_purchase', 'float64', {0.0, 0.8610369959439764, 0.0})
    h.check_column(df, 'active_days', 'int64', {2, 2, 1})
    h.check_column(df, 'item_last1', 'int64', {11, 13, 14})
    h.check_column(df, 'item_last2', 'int64', {10, 10, 0})
    h.check_column(df, 'event_last2', 'string', {'view', 'view', NA})
    check_rows(df, 'item_hashed', 4, 'float64', {{0, -1, -1, 0}, {0, -1, 0, -1}, {0, 0, 0, -1}})
    check_rows(df, 'ev_h', 2, 'float64', {{0, 0}, {0, 0}, {1, 0}}) -- view and click cancel in one bucket
  end)

  -- by hand: user 1 has 4 events on days 0, 0, 1, 2 (3 days), user 2 has 3 on days 0, 3, 3;
  -- of equal times the later row is the later value
  it('count events per active day, and order equal times by row', function()
    local ev = Frame({u = {1, 1, 1, 2, 2, 1, 2}, t = {0, 100, D + 5, 10, 3 * D, 2 * D, 3 * D},
                      item = {5, 7, 5, 9, 11, 6, 13}}, {columns = {'u', 't', 'item'}})
    local df = Profile{key = 'u', time = 't', features = {{'frequency'}, {'active_days'}, {'last', 'item', n = 4}}}
                 :compute(ev)
    h.check_column(df, 'events_per_active_day', 'float64', {4 / 3, 1.5})
    h.check_column(df, 'active_days', 'int64', {3, 2})
    check_rows(df, 'item_last', 4, 'int64', {{6, 5, 7, 5}, {13, 11, 9, 0}})
  end)

  it('update a state exactly', function()
    local p = profile{{'affinity', by = 'event', values = {'view', 'cart', 'purchase'}},
                      {'affinity', by = 'event', values = {'view'}, window = 3, name = 'a3'}, {'count'}}
    for _, at in ipairs{2 * D, 5 * D, 10 * D} do
      local before, after = split(at)
      check_same(p:compute(events(), {as_of = 11 * D}), p:fit(before, {as_of = at}):update(after, {as_of = 11 * D}):features())
    end
  end)

  -- compute is checked against pandas and scikit-learn above: a state of every kind at once,
  -- fitted on the events before a time, updated with the rest in two steps, and stored in
  -- SQLite in between, gives what compute gives on all the events
  it('every kind: a state updated in steps and through SQLite gives what compute gives', function()
    local every = {}
    for _, list in ipairs{ALL, EXTRA, KINDS2} do table.move(list, 1, #list, #every + 1, every) end
    table.move({{'count', by = 'item', top = 2, name = 'top_item'}, {'share', by = 'event', top = 2, name = 'top_share'},
                {'affinity', by = 'item', top = 3, name = 'aff_item'}, {'last', 'item', n = 4, name = 'items'},
                {'count', by = 'item', values = 'all', name = 'every_item'}},
               1, 5, #every + 1, every)
    local p = profile(every)
    local db = os.tmpname()
    for _, at in ipairs{0, 2 * D, 5 * D, 9.5 * D, 10 * D} do
      local before, after = split(at)
      local ts = after:col('ts')
      local state = p:fit(before, {as_of = at}):update(after:filter(ts:lt(10 * D)), {as_of = 10 * D})
      state:save_sql(db, 'every')
      state = p:load_sql(db, 'every'):update(after:filter(ts:ge(10 * D)), {as_of = 11 * D})
      check_same(p:compute(events(), {as_of = 11 * D}), state:features())
    end
    os.remove(db)
  end)

  it('reject bad specs and columns', function()
    assert.matches("feature 1 ('affinity'): needs option by", err(function() profile{{'affinity'}} end), 1, true)
    assert.matches("feature 1: values must be a non-empty list or 'all', got \"every\"",
                   err(function() profile{{'count', by = 'event', values = 'every'}} end), 1, true)
    assert.matches("feature 1 ('last'): needs option n (an integer >= 1)", err(function() profile{{'last', 'item'}} end), 1, true)
    assert.matches("feature 1 ('last'): option n must be an integer from 1 to 4096, got 0",
                   err(function() profile{{'last', 'item', n = 0}} end), 1, true)
    assert.matches("feature 1 ('hashed'): needs option buckets", err(function() profile{{'hashed', 'item'}} end), 1, true)
    assert.matches("feature 1 ('hashed'): option buckets must be an integer from 1 to 4096, got 2.5",
                   err(function() profile{{'hashed', 'item', buckets = 2.5}} end), 1, true)
    assert.matches("feature 1 ('count'): takes no option buckets", err(function() profile{{'count', buckets = 2}} end), 1, true)
    assert.matches("feature 1 ('frequency'): takes no window", err(function() profile{{'frequency', window = 7}} end), 1, true)
    assert.matches("compute: feature 'hashed' needs a string or int64 column, but 'amount' is float64",
                   err(function() profile{{'hashed', 'amount', buckets = 2}}:compute(events()) end), 1, true)
  end)
end)
