-- From a raw event log to profiles, segments, a purchase-propensity model and recommendations,
-- and the feedback loop that keeps them current, with mg.privacy, mg.features, mg.cluster,
-- mg.train and mg.recommend:
--   1. privacy: user ids are pseudonymised (keyed HMAC-SHA256, a key made for this run)
--      before anything else reads the log;
--   2. profiles of every user as of a cutoff 28 days before the log's end (a State, kept up
--      to date later);
--   3. segments: k-means on the standardised log-profiles, described by a segment report;
--   4. propensity: will the user purchase in the 14 days after the cutoff? A classifier
--      (mg.train.fit) on standardised profile features, half of the users held out, scored
--      by ROC AUC against recency alone;
--   5. recommendation: matrix factorisation trained on implicit feedback (BPR, sampled
--      negatives) against the most popular items, by recall@10 and NDCG@10 on each user's
--      new items in the 14 days after the cutoff, items seen before it left out;
--   6. feedback: those 14 days of events arrive, the profiles are updated incrementally
--      (checked against recomputing them), the model is fine-tuned on them for a few steps,
--      and both are scored again on the next 14 days.
-- usage: moongrad examples/user_profiles.lua EVENTS.csv [--eval-users N]
--   EVENTS.csv has the columns user_id,ts,event,item,category,amount (more are ignored): ts in
--   unix seconds, event one of view, click, cart, purchase, review (a purchase is event
--   'purchase'), such as the synthetic log of the benchmarks' gen_events.py; or it is the UCI
--   Online Retail table (online_retail.csv or .csv.gz: InvoiceNo, StockCode, ..., CustomerID,
--   Country), read as purchases of stock codes. At least 56 days of it are
--   needed. --eval-users (default 3000) caps the users scored per recommendation metric (a
--   seeded sample, the same users for every model). The pseudonyms' key is new each run, and
--   the order of the pseudonyms decides the split and the ids: results vary a little.
local mg = require 'moongrad'
local nn, R = mg.nn, mg.recommend

local USAGE = 'usage: moongrad examples/user_profiles.lua EVENTS.csv [--eval-users N]\n'
local path, eval_users = nil, 3000
local i = 1
while i <= #arg do
  if arg[i] == '--eval-users' then eval_users, i = math.tointeger(tonumber(arg[i + 1])), i + 2
  elseif not path then path, i = arg[i], i + 1
  else io.stderr:write(USAGE) os.exit(2) end
end
if not path or not eval_users or eval_users < 1 then
  io.stderr:write(USAGE)
  os.exit(2)
end

local DAY = 86400
local start = mg.clock()
mg.manual_seed(0)

-- ---- 1. the log, pseudonymised -------------------------------------------------------------

-- The UCI online retail layout as an event log: a customer's invoice lines are purchases
-- (returns where the quantity is negative) of the stock code, in their country, for quantity
-- x unit price, at the invoice's time (text, read as UTC).
local function retail_events(df)
  df = df:dropna{subset = {'user_id'}}
  df = df:with_column('ts', df:to_seconds('InvoiceDate'))
  local quantity = df:col('Quantity')
  df = df:with_column('amount', quantity:double() * df:col('UnitPrice'))
         :with_column('returned', quantity:lt(0):long())
         :join(mg.data.Frame{returned = {0, 1}, event = {'purchase', 'return'}}, {on = 'returned'})
  return df:rename{StockCode = 'item', Country = 'category'}
end

local raw = mg.data.read_csv(path)
local retail = raw:dtypes().InvoiceDate ~= nil
if retail then raw = raw:rename{CustomerID = 'user_id'} end
local policy = mg.privacy.Policy{direct = {'user_id'}, direct_action = 'pseudonymize',
                                 key = mg.privacy.new_key()}
local events = policy:apply(raw)
-- a user attribute table, as a product's user database holds one: each user's country
local country = retail and 'Country' or 'country'
local attributes = events:dtypes()[country] and events:select{'user_id', country}:dropna()
                   :drop_duplicates{'user_id'}:rename{[country] = 'country'} or nil
if retail then events = retail_events(events) end
events = events:select{'user_id', 'ts', 'event', 'item', 'category', 'amount'}
raw = nil
local ts = events:col('ts')
local last = ts:max():item()
local cutoff = last + 1 - 28 * DAY      -- profiles, training data: before it
local next_cutoff = cutoff + 14 * DAY   -- labels and test items: [cutoff, next_cutoff)
local final = next_cutoff + 14 * DAY    -- the feedback loop's test: [next_cutoff, final)
if last - ts:min():item() < 56 * DAY then
  io.stderr:write(('%s spans %.1f days; the example needs at least 56\n'):format(path, (last - ts:min():item()) / DAY))
  os.exit(1)
end
local function between(from, to) return events:filter(ts:ge(from):logical_and(ts:lt(to))) end
local before, window, later = events:filter(ts:lt(cutoff)), between(cutoff, next_cutoff), between(next_cutoff, final)
print(('%s: %d events of %d users; user_id pseudonymised (HMAC-SHA256), %d events before the cutoff, '
       .. '%d in the 14 days after, %d in the 14 days after those'):format(
  path, #events, #events:select{'user_id'}:unique(), #before, #window, #later))

-- ---- 2. profiles as of the cutoff -------------------------------------------------------------

local profile = mg.features.Profile{key = 'user_id', time = 'ts', features = {
  {'count'}, {'count', window = 7}, {'count', window = 30},
  {'count', by = 'event', values = {'view', 'click', 'cart', 'purchase'}},
  {'count', by = 'event', values = {'purchase'}, window = 14, name = 'recent'},
  {'sum', 'amount'}, {'nunique', 'item'}, {'nunique', 'category'},
  {'recency'}, {'tenure'}, {'frequency'}, {'entropy', 'category'}, {'decayed_count', half_life = 7}}}
local state = profile:fit(before, {as_of = cutoff})
local users = state:features()
local names = {}
for _, name in ipairs(users.columns) do
  if name ~= 'user_id' then names[#names + 1] = name end
end
print(('\nprofiles of %d users as of the cutoff, %d features: %s'):format(#users, #names, table.concat(names, ', ')))

-- Counts and amounts are heavy-tailed: k-means and the classifier see sign(x) log(1 + |x|)
-- (amounts net of refunds may be negative), standardised.
local raw_x = users:to_tensor(names)
local x = mg.preprocessing.StandardScaler():fit_transform(raw_x:sign() * raw_x:abs():log1p())

-- ---- 3. segments ----------------------------------------------------------------------------

local km = mg.cluster.KMeans{n_clusters = 4, n_init = 3, seed = 1}:fit(x)
print('\nsegments (k-means, 4 clusters on the standardised log-profiles):')
print(mg.cluster.segment_report(users, km.labels_, {columns = {'n_events', 'n_events_7d', 'count_event_purchase',
                                                              'amount_sum', 'recency_days', 'tenure_days'}}))

-- ---- 4. propensity: a purchase in the 14 days after the cutoff --------------------------------

local bought = window:filter(window:match('event', {'purchase'}):gt(0)):select{'user_id'}:unique()
local labelled = users:join(bought:with_column('label', mg.ones(#bought)), {on = 'user_id', how = 'left'})
local y = labelled:col('label', {fill = 0}):float():view(-1, 1)
-- the profiles joined with the attribute table, the country one-hot encoded beside them
local inputs = x
if attributes then
  local countries = users:join(attributes, {on = 'user_id', how = 'left'}):fillna{value = {country = 'unknown'}}
                         :values('country')
  countries.n = nil -- a plain list: none is missing
  inputs = mg.cat({x, mg.preprocessing.OneHotEncoder():fit_transform(countries)}, 2)
end
local x_train, x_test, y_train, y_test = mg.preprocessing.train_test_split(inputs, y, {test_size = 0.5, seed = 1,
                                                                                       stratify = y:view(-1)})
local classifier = nn.Sequential{nn.Linear(inputs:size(2), 16), nn.ReLU(), nn.Linear(16, 1)}
mg.train.fit(classifier, {x = x_train, y = y_train, loss = 'bce_with_logits', optimizer = 'adam', lr = 1e-2,
                          epochs = 10, batch_size = 256, verbose = 0})
local recency = 0
for k, name in ipairs(names) do
  if name == 'recency_days' then recency = k end
end
local auc_model = mg.metrics.roc_auc(mg.train.predict(classifier, x_test):view(-1), y_test:view(-1))
-- the more recent the last event, the likelier a purchase: -recency (standardised, same order)
local auc_recency = mg.metrics.roc_auc(-x_test:select(2, recency), y_test:view(-1))
print(('\npropensity: %d of %d users (%.1f%%) purchase in the 14 days after the cutoff; a classifier on the '
       .. '%d profile features%s; on the %d held-out users:'):format(y:sum():item(), #users, 100 * y:mean():item(),
       #names, attributes and (' and ' .. (inputs:size(2) - #names) .. ' one-hot countries') or '', y_test:size(1)))
print(('propensity ROC AUC: model %.4f, recency-only baseline %.4f'):format(auc_model, auc_recency))

-- ---- 5. recommendation: MF against the most popular items ------------------------------------

-- Ids 1..n for every user and item of the log (slots only: no interactions are read).
local user_index, item_index = R.Index(events, 'user_id'), R.Index(events, 'item')
-- A frame's distinct (user, item) pairs as a pair of id tensors.
local function interactions(df)
  local pairs_ = df:select{'user_id', 'item'}:unique()
  return {user_index:ids(pairs_), item_index:ids(pairs_)}
end
local train, test = interactions(before), interactions(window)
local popular = R.most_popular(item_index:ids(before), item_index.size)
local model = R.MF(user_index.size, item_index.size, {dim = 32})
-- about 30 steps an epoch whatever the log's size: big batches for big logs keep the run short
local batch_size = math.max(256, math.min(16384, train[1]:size(1) // 30))
local fit_start = mg.clock()
local losses = R.fit(model, train[1], train[2], {epochs = 10, batch_size = batch_size, lr = 0.01, seed = 1})
print(('\nrecommendation: MF (dim 32, BPR, 1 sampled negative, 10 epochs of batch %d) trained on %d (user, item) '
       .. 'pairs of %d users and %d items: loss %.4f -> %.4f in %.1f s'):format(batch_size, train[1]:size(1),
       user_index.size, item_index.size, losses[1], losses[#losses], mg.clock() - fit_start))
local scoring = {k = 10, sample = eval_users, seed = 1}
local mf, pop = R.evaluate(model, train, test, scoring), R.evaluate(popular, train, test, scoring)
print(('scored on %d users with new items in the 14 days after the cutoff (seen items left out):'):format(mf.users))
print(('recall@10: MF %.4f, most-popular %.4f'):format(mf.recall, pop.recall))
print(('NDCG@10: MF %.4f, most-popular %.4f'):format(mf.ndcg, pop.ndcg))
print(mf.recall > pop.recall and mf.ndcg > pop.ndcg and 'MF beats the most popular items on both metrics'
      or 'MF does not beat the most popular items: where users pick items alike (no tastes, as in '
         .. "gen_events.py's log), popularity is all there is to learn")

-- ---- 6. feedback: the 14 days after the cutoff arrive ----------------------------------------

local update_start = mg.clock()
local updated = state:update(window, {as_of = next_cutoff})
local update_seconds = mg.clock() - update_start
local recomputed = profile:compute(events:filter(ts:lt(next_cutoff)), {as_of = next_cutoff})
local gap = (updated:features():to_tensor(names, {dtype = 'float64'}) - recomputed:to_tensor(names, {dtype = 'float64'}))
            :abs():max():item()
print(('\nfeedback: %d new events; profiles updated incrementally in %.2f s for %d users '
       .. '(largest difference from recomputing them all: %.2g)'):format(#window, update_seconds, #recomputed, gap))
-- everything before next_cutoff is now seen: scored on the new items of the 14 days after it
local seen = {mg.cat{train[1], test[1]}, mg.cat{train[2], test[2]}}
local future = interactions(later)
local popular_now = R.most_popular(item_index:ids(events:filter(ts:lt(next_cutoff))), item_index.size)
local mf_before = R.evaluate(model, seen, future, scoring)
local tune = R.fit(model, test[1], test[2], {epochs = 2, batch_size = batch_size, lr = 0.01, seed = 2})
local mf_after = R.evaluate(model, seen, future, scoring)
local pop_now = R.evaluate(popular_now, seen, future, scoring)
print(('MF fine-tuned for %d steps on the %d new (user, item) pairs (loss %.4f -> %.4f); scored on %d users '
       .. 'with new items in the next 14 days:'):format(2 * math.ceil(test[1]:size(1) / batch_size), test[1]:size(1),
       tune[1], tune[#tune], mf_after.users))
print(('feedback recall@10: MF before %.4f, after %.4f; most-popular %.4f'):format(mf_before.recall, mf_after.recall, pop_now.recall))
print(('feedback NDCG@10: MF before %.4f, after %.4f; most-popular %.4f'):format(mf_before.ndcg, mf_after.ndcg, pop_now.ndcg))
print(('total %.1f s'):format(mg.clock() - start))
