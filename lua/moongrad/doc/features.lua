-- Documentation of moongrad's features area, shown by help(); format in moongrad/help.lua.
local P = 'mg.features.'

-- The small event log the examples share.
local LOG = [[
local D = 86400
local events = mg.data.Frame({user = {1, 1, 2}, ts = {0, 2 * D, D}, amount = {5, 7, 3},
                              event = {'view', 'buy', 'view'}},
                             {columns = {'user', 'ts', 'amount', 'event'}})
]]

return {title = 'User profiles (mg.features): per-user features from event logs', entries = {

  {name = 'mg.features', sig = 'mg.features',
   desc = [[
Per-user feature tables from event logs (mg.data.Frame), computed point in time: a Profile
declares the key and time columns and a list of features; p:compute(events, {as_of = ...})
returns one row per user, built only from events before that user's cutoff, so that features
for a label taken at time t never see events at or after t. p:fit(events) returns a State that
state:update(new_events) keeps up to date exactly without the old events, and that
state:save_sql / p:load_sql store in SQLite. Everything runs as Frame operations (hash
groupby, join, filter, sort) and tensor arithmetic in core: no Lua code per event.]],
   example = LOG .. [[
local p = mg.features.Profile{key = 'user', time = 'ts', features = {{'count'}, {'sum', 'amount'}}}
print(p:compute(events))                       -- user, n_events, amount_sum]]},

  {name = P .. 'Profile', sig = P .. "Profile{key = 'user_id', time = 'ts', features = {{kind, column, options}, ...}}",
   desc = [[
A profile spec. key: the user column (int64 or string); time: the event time column, numeric
seconds (int64 or float64). Each feature is a table: its kind, its column for the kinds
that read one, then options; name = '...' replaces the default name (given in brackets):
  {'count'}                        events (n_events)
  {'count', by = 'event', values = {'view', 'buy'}} or {..., top = 5} or {..., values = 'all'}
                                   events per value of a string or int64 column, one column
                                   per value (count_event_view ...; with name, name_view ...);
                                   top: the most frequent values among the events before the
                                   cutoffs (all of them, even with a window), ties in value
                                   order; 'all': every value, in that order; a missing by
                                   value counts for none
  {'sum'|'mean'|'std', 'amount'}   over a numeric column (amount_sum, amount_mean, amount_std);
                                   missing values (NaN) are skipped, as pandas (a sum of none
                                   is 0); std has ddof 1, so a user with one value gets a
                                   missing std; sums of int64 and bool columns are int64
  {'min'|'max', 'amount'}          (amount_min, amount_max), of any column type
  {'nunique', 'item'}              distinct values (item_nunique)
  {'first_time'}, {'last_time'}    the first and last event times (first_time, last_time)
  {'recency'}, {'tenure'}          days from the last / first event to the cutoff
                                   (recency_days, tenure_days)
  {'decayed_count', half_life = 7}, {'decayed_sum', 'amount', half_life = 7}
                                   events (or amounts) weighted 2^(-(cutoff - ts) / half_life),
                                   ages and half-lives in days (decayed_count_hl7,
                                   amount_decayed_sum_hl7)
  {'share', by = 'event', values = {...}} or {..., top = 5}
                                   the share of the user's events (those with a missing value
                                   included) that have each value (share_event_view ...)
  {'mode', 'event'}                the most frequent value, the smallest of equally frequent
                                   ones, as pandas' Series.mode()[0] (event_mode)
  {'entropy', 'event'}             the entropy (natural log) of the user's shares of the
                                   values, as scipy.stats.entropy of value_counts()
                                   (event_entropy); mode and entropy leave out missing values
                                   (a user without any gets a missing one)
  {'rfm', amount = 'amount'}       RFM scores 1..5 (rfm_r, rfm_f, rfm_m; with name, name_r ...):
                                   quintiles over the users of the result of recency (5: the
                                   most recent), event count and sum of amount, as pandas'
                                   pd.qcut(x.rank(method='first'), 5): equal values rank in
                                   key order; a single user gets 3 (pandas refuses one)
  {'affinity', by = 'event', values = {...}} or {..., top = 5}
                                   TF-IDF weighted counts of the values, as scikit-learn's
                                   TfidfTransformer() over the users of the result: count x
                                   (ln((1 + users) / (1 + users with the value)) + 1), each
                                   user's row scaled to length 1 (affinity_event_view ...)
  {'active_days'}, {'frequency'}   distinct UTC days (ts // 86400) with events, and events
                                   per active day (active_days, events_per_active_day)
  {'last', 'item', n = 5}          the n latest values, latest first (of equal times, the
                                   later row), for sequence models (item_last1 .. item_last5):
                                   0 where a user has fewer in an int64 column, else missing;
                                   users:to_tensor({...}, {dtype = 'int64'}) gives the ids
  {'hashed', 'item', buckets = 16} the hashing trick: signed counts of the values hashed into
                                   buckets, as scikit-learn's FeatureHasher(16,
                                   input_type='string') of the user's values as text
                                   (item_hashed1 .. item_hashed16); see Frame:hash
window = days (count, sum, mean, std, min, max, nunique, share, affinity) keeps the events with
cutoff - window days <= ts < cutoff, and adds _<days>d to the default name (n_events_7d);
a user without events in the window gets 0 for count, sum, nunique and affinity, else
missing. A state (p:fit) keeps every kind, except a count, share or affinity by top values
over a window (top values come from all the events; give values).
Errors in the spec (unknown kind or entry, bad window, a half_life missing or where none is
taken, by without values or top) are raised here; columns are checked by compute.]],
   example = [[
local p = mg.features.Profile{key = 'user_id', time = 'ts', features = {
  {'count'}, {'count', window = 7}, {'count', by = 'event', top = 3},
  {'mean', 'amount', name = 'basket'}, {'recency'}, {'decayed_count', half_life = 7}}}
print(p)                                       -- Profile by user_id at ts: 6 feature(s)]]},

  {name = P .. 'Profile:compute', sig = "p:compute(events [, {as_of = seconds | Frame, cutoff = 'cutoff'}]) -> Frame",
   desc = [[
The features of each user, as a Frame: the key column, then the features in the order of the
spec, one row per user with at least one event before its cutoff, sorted by key. Cutoffs:
  as_of = number     one cutoff (seconds) for every user
  as_of = Frame      one per user: its key column and a numeric column named by option cutoff
                     ('cutoff' by default), each user once and no cutoff missing (rows with
                     a missing key are ignored); users absent from it are dropped (a label
                     table works as it is); its key column must have the events' key type
  no as_of           the largest time of the rows kept + 1 second, so that every event is
                     used (recency and decay count from that second)
Only events with ts < cutoff are used: an event exactly at the cutoff does not count.
compute reads only the columns the profile declares (p:columns()): the events may lack any
other. Rows with a missing key or time are dropped. Errors: a declared column absent, a time
column that is not int64 or float64, a non-numeric column for sum, mean, std or decayed_sum,
by values of the wrong type, a bad as_of, two features of one name or computing the same
thing. An empty log (0 rows, right columns) gives 0 rows with the feature columns (none for
a top count).]],
   example = LOG .. [[
local p = mg.features.Profile{key = 'user', time = 'ts', features = {
  {'count'}, {'sum', 'amount'}, {'recency'}, {'count', by = 'event', values = {'view', 'buy'}}}}
print(p:compute(events))                       -- cutoff 2 days + 1 s: every event
print(p:compute(events, {as_of = 2 * D}))      -- user 1's buy at exactly 2 days is left out
local labels = mg.data.Frame{user = {1, 2}, cutoff = {3 * D, D}}
print(p:compute(events, {as_of = labels}))     -- user 2 has no event before 1 day: no row]]},

  {name = P .. 'Profile:columns', sig = 'p:columns() -> {names}',
   desc = [[
The columns compute reads: the key, the time, then the features' columns and by columns, each
once. Select these before handing events on, to pass no more data than the profile needs.]],
   example = [[
local p = mg.features.Profile{key = 'user', time = 'ts', features = {{'sum', 'amount'}, {'nunique', 'item'}}}
print(table.concat(p:columns(), ', '))         -- user, ts, amount, item]]},
  {name = P .. 'Profile:fit', sig = 'p:fit(events [, {as_of = seconds}]) -> State',
   desc = [[
A State: the features of the events before as_of, kept so that they can be brought up to
date as new events arrive (state:update) without reading the old events again, giving
exactly what compute on all the events would (floats up to rounding). as_of is one number of
seconds (per-user cutoffs need compute); by default the largest time + 1 s, as compute.
A state keeps, per user: counts, sums, the counts of non-missing values and sums of squares
(mean, std), min, max, the first and last times (recency and tenure are measured from them),
decayed sums (rescaled by 2^(-days / half_life) when as_of moves on); the distinct
(user, value) pairs of each nunique column; and the events inside the largest window (their
declared columns), for the windowed features; shares and RFM scores come from these. Refused:
a count or share by with top (the top values of all the events cannot be kept exactly; give
values), mode and entropy (they need each user's count of every value). Errors: as
compute's, and as_of not a number.]],
   example = LOG .. [[
local p = mg.features.Profile{key = 'user', time = 'ts', features = {{'count'}, {'mean', 'amount'}}}
local state = p:fit(events, {as_of = 3 * D})
print(state)                                   -- State of a profile by user at ts, as of 259200: 2 user(s)]]},

  {name = P .. 'State', sig = 'mg.features.State',
   desc = [[
The class of the states p:fit returns: state.profile, state.as_of (seconds) and the kept
statistics; state:update(events) returns a new state, state:features() the features.]],
   example = LOG .. [[
local p = mg.features.Profile{key = 'user', time = 'ts', features = {{'count'}}}
print(getmetatable(p:fit(events)) == mg.features.State) -- true]]},

  {name = P .. 'State:update', sig = 'state:update(new_events [, {as_of = seconds}]) -> State',
   desc = [[
A new state holding the old one's events and the new events before as_of (the new events
at or after it are left out: pass them again with a later update); the state itself is not
changed. as_of must not be before the state's; by default the largest new time + 1 s (the
state's as_of if that is later, or if there are no new events: an empty frame with the
declared columns moves as_of on alone). New events before the state's as_of are an error:
they would be counted late or twice (recompute with compute). Errors as fit's.]],
   example = LOG .. [[
local p = mg.features.Profile{key = 'user', time = 'ts', features = {{'count'}, {'recency'}}}
local ts = events:col('ts')
local state = p:fit(events:filter(ts:lt(D)), {as_of = D})
state = state:update(events:filter(ts:ge(D)), {as_of = 3 * D})
print(state:features())                        -- as p:compute(events, {as_of = 3 * D})]]},

  {name = P .. 'State:features', sig = 'state:features() -> Frame',
   desc = [[
The features as of state.as_of: the same Frame (columns, types, rows sorted by key) as
p:compute(all the events, {as_of = state.as_of}); floats may differ in the last bits, as a
std comes from sums of squares and decayed sums are rescaled.]],
   example = LOG .. [[
local p = mg.features.Profile{key = 'user', time = 'ts', features = {{'std', 'amount'}, {'count', window = 1}}}
print(p:fit(events):features())]]},
  {name = P .. 'State:save_sql', sig = 'state:save_sql(db, prefix)',
   desc = [[
Writes the state to the SQLite database at path db (created if absent), as tables named
prefix_meta (as_of and the profile's spec), prefix_merge and prefix_inputs (how the
statistics combine), prefix_stats (one row per user), prefix_kept1, ... (what some kinds
need besides: the distinct values of a nunique column or the active days, each user's count
per value for mode, entropy and top values, each user's latest events for last) and
prefix_recent (the events in the largest window), all in one transaction, each replaced if
it exists. prefix: letters, digits and _. Load it back with p:load_sql.]],
   example = LOG .. [[
local p = mg.features.Profile{key = 'user', time = 'ts', features = {{'count'}, {'nunique', 'event'}}}
local db = os.tmpname()
p:fit(events):save_sql(db, 'users')
print(p:load_sql(db, 'users'):features())      -- as p:compute(events)
os.remove(db)]]},

  {name = P .. 'Profile:load_sql', sig = 'p:load_sql(db, prefix) -> State',
   desc = [[
The state state:save_sql wrote under prefix, for the profile it was saved with: the profile
(code) is not stored, only its spec to check against; another spec is an error, as are
missing tables (the SQLite message).]],
   example = LOG .. [[
local p = mg.features.Profile{key = 'user', time = 'ts', features = {{'sum', 'amount'}}}
local db = os.tmpname()
p:fit(events, {as_of = D}):save_sql(db, 'spend')
local state = p:load_sql(db, 'spend'):update(events:filter(events:col('ts'):ge(D)), {as_of = 3 * D})
print(state:features())                        -- user 1: 12, user 2: 3
os.remove(db)]]},
}}
