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
for a label taken at time t never see events at or after t. Everything runs as Frame
operations (hash groupby, join, filter) and tensor arithmetic in core: no Lua code per event.]],
   example = LOG .. [[
local p = mg.features.Profile{key = 'user', time = 'ts', features = {{'count'}, {'sum', 'amount'}}}
print(p:compute(events))                       -- user, n_events, amount_sum]]},

  {name = P .. 'Profile', sig = P .. "Profile{key = 'user_id', time = 'ts', features = {{kind, column, options}, ...}}",
   desc = [[
A profile spec. key: the user column (int64 or string); time: the event time column, numeric
seconds (int64 or float64). Each feature is a table: its kind, its column for the kinds
that read one, then options; name = '...' replaces the default name (given in brackets):
  {'count'}                        events (n_events)
  {'count', by = 'event', values = {'view', 'buy'}} or {..., top = 5}
                                   events per value of a string or int64 column, one column
                                   per value (count_event_view ...; with name, name_view ...);
                                   top: the most frequent values among the events before the
                                   cutoffs (all of them, even with a window), ties in value
                                   order; a missing by value counts for none
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
window = days (count, sum, mean, std, min, max, nunique) keeps the events with
cutoff - window days <= ts < cutoff, and adds _<days>d to the default name (n_events_7d);
a user without events in the window gets 0 for count, sum and nunique, else missing.
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
}}
