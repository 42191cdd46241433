-- moongrad.recommend (mg.recommend): recommendation from implicit feedback (views, clicks,
-- purchases): ids for users and items, matrix factorisation trained with sampled negatives
-- (BPR), the most-popular baseline, top-k lists that leave out what each user already has,
-- and recall@k and NDCG@k on each user's later interactions.
--
--   local R = mg.recommend
--   local users, items = R.Index(events, 'user_id'), R.Index(events, 'item')
--   local train = {users:ids(before), items:ids(before)}     -- int64 ids 1..size
--   local test = {users:ids(after), items:ids(after)}
--   local model = R.MF(users.size, items.size, {dim = 32})
--   R.fit(model, train[1], train[2], {epochs = 10, seed = 1})
--   print(R.evaluate(model, train, test).recall)                -- vs R.most_popular(train[2], items.size)
--
-- Ids are mapped with Frame:match and scored with matrix products, top-k passes and Frame
-- joins in core: Lua loops only over batches, epochs and the k ranks.
local mg = require 'moongrad'
local nn = require 'moongrad.nn'
local F = require 'moongrad.nn.functional'
local checks = require 'moongrad.check'
local frame = require 'moongrad.frame'

local fail, public, describe = checks.fail, checks.public, checks.describe
local Frame = frame.Frame

local M = {}

local I64 = {dtype = 'int64'}

-- ---- argument checks ---------------------------------------------------------------------

-- The options table of a call (nil for none), its names checked against allowed (a set).
local function options(who, opts, allowed)
  if opts == nil then return {} end
  if type(opts) ~= 'table' or getmetatable(opts) ~= nil then
    fail('%s: expected a table of options, got %s', who, describe(opts))
  end
  for k in pairs(opts) do
    if not allowed[k] then fail('%s: unknown option %s', who, describe(k)) end
  end
  return opts
end

local function positive_number(who, name, v, default)
  if v == nil then return default end
  if type(v) ~= 'number' or not (v > 0 and v < math.huge) then
    fail('%s: %s must be a number > 0, got %s', who, name, describe(v))
  end
  return v
end

-- ids: a 1-D int64 tensor of ids in 1..n (what: 'user' or 'item', for messages).
local function check_ids(who, name, ids, n, what)
  if not mg.is_tensor(ids) or ids.dtype ~= 'int64' or ids:dim() ~= 1 then
    fail('%s: %s must be a 1-D int64 tensor of %s ids, got %s', who, name, what, describe(ids))
  end
  if ids:numel() > 0 then
    local lo, hi = ids:min():item(), ids:max():item()
    if lo < 1 or hi > n then
      fail('%s: %s holds %s id %d, out of range 1..%d', who, name, what, lo < 1 and lo or hi, n)
    end
  end
  return ids
end

-- A pair {user ids, item ids} of interactions (name: 'train', 'test', 'exclude').
local function check_pairs(who, name, pair, n_users, n_items)
  if type(pair) ~= 'table' or getmetatable(pair) ~= nil or pair[1] == nil or pair[2] == nil then
    fail('%s: %s must be a pair {user_ids, item_ids} of int64 tensors, got %s', who, name, describe(pair))
  end
  local users = check_ids(who, name .. '[1]', pair[1], n_users, 'user')
  local items = check_ids(who, name .. '[2]', pair[2], n_items, 'item')
  if users:size(1) ~= items:size(1) then
    fail('%s: %s has %d user ids but %d item ids', who, name, users:size(1), items:size(1))
  end
  return users, items
end

-- The number of items a scorer scores: an MF model's n_items, or a 1-D tensor's length.
local function scorer_items(who, scorer)
  if mg.is_tensor(scorer) then
    if scorer:dim() ~= 1 or scorer:numel() == 0 or (scorer.dtype ~= 'float32' and scorer.dtype ~= 'float64') then
      fail('%s: expected item scores as a non-empty 1-D float tensor, got %s', who, describe(scorer))
    end
    return scorer:size(1), nil
  end
  if type(scorer) ~= 'table' or type(scorer.scores) ~= 'function' or math.type(scorer.n_items) ~= 'integer' then
    fail('%s: expected a model with :scores(users) and n_items (such as mg.recommend.MF) '
         .. 'or a 1-D tensor of item scores, got %s', who, describe(scorer))
  end
  return scorer.n_items, scorer.n_users
end

-- A model to train: an nn.Module with :scores (such as MF); its n_items and n_users.
local function check_model(who, model)
  if mg.is_tensor(model) or not nn.Module.is_module(model) then
    fail('%s: expected a model such as mg.recommend.MF, got %s', who, describe(model))
  end
  return scorer_items(who, model)
end

-- ---- Index: values of a key column as ids 1..size ----------------------------------------

local Index = {__name = 'Index'}
Index.__index = Index

local function key_column(who, df, column)
  if getmetatable(df) ~= Frame then fail('%s: expected a Frame, got %s', who, describe(df)) end
  if type(column) ~= 'string' then fail('%s: expected a column name, got %s', who, describe(column)) end
  local dtype = df:dtypes()[column]
  if not dtype then
    fail("%s: no column '%s' (the frame has %s)", who, column,
         #df.columns > 0 and table.concat(df.columns, ', ') or 'no columns')
  end
  if dtype ~= 'int64' and dtype ~= 'string' then
    fail("%s: column '%s' must hold int64 or string keys, got %s", who, column, dtype)
  end
  return dtype
end

-- Index(df, column): the distinct non-missing values of column, sorted, numbered 1..size.
M.Index = setmetatable(Index, {__call = public(function(_, df, column)
  local dtype = key_column('Index', df, column)
  local values = df:select{column}:dropna():unique(column):sort(column)
  if #values == 0 then fail("Index: column '%s' has no values", column) end
  return setmetatable({column = column, dtype = dtype, size = #values,
                       table = values:with_column('id', mg.arange(1, #values + 1))}, Index)
end)})

-- idx:ids(df [, column]) -> int64 ids, one per row of df; 0 for a value not in the index
-- or missing.
Index.ids = public(function(self, df, column)
  if getmetatable(self) ~= Index then fail('ids: call it as idx:ids(df), got %s', describe(self)) end
  column = column or self.column
  local dtype = key_column('ids', df, column)
  if dtype ~= self.dtype then
    fail("ids: column '%s' holds %s keys, but the index holds %s", column, dtype, self.dtype)
  end
  -- the index's values are sorted and numbered 1..size: a value's position is its id
  return df:match(column, self.table)
end)

function Index:__tostring()
  return ("Index of %d %s value(s) of '%s'"):format(self.size, self.dtype, self.column)
end

-- ---- MF: matrix factorisation ------------------------------------------------------------

-- MF(n_users, n_items [, {dim = 32, std = 0.1, dtype = 'float32', sparse = false}]): score(u, i)
-- = <user u's vector, item i's vector> + item i's bias. sparse: the embeddings' gradients hold
-- only the rows looked up (nn.Embedding's sparse), for SparseAdam or SGD.
local MF = nn.Module:extend('MF')

local MF_OPTIONS = {dim = true, std = true, dtype = true, sparse = true}

function MF:init(n_users, n_items, opts)
  opts = options('MF', opts, MF_OPTIONS)
  checks.integer('MF', 'n_users', n_users, 1)
  checks.integer('MF', 'n_items', n_items, 1)
  local dim = checks.integer('MF', 'dim', opts.dim, 1, 32)
  local std = positive_number('MF', 'std', opts.std, 0.1)
  local dtype = opts.dtype or 'float32'
  if dtype ~= 'float32' and dtype ~= 'float64' then
    fail("MF: dtype must be 'float32' or 'float64', got %s", describe(dtype))
  end
  if opts.sparse ~= nil and type(opts.sparse) ~= 'boolean' then
    fail('MF: sparse must be a boolean, got %s', describe(opts.sparse))
  end
  local function normal(w) nn.init.normal_(w, 0, std) end
  local sparse = opts.sparse or false
  self.n_users, self.n_items, self.dim, self.sparse = n_users, n_items, dim, sparse
  self.users = nn.Embedding(n_users, dim, {init = normal, dtype = dtype, sparse = sparse})
  self.items = nn.Embedding(n_items, dim, {init = normal, dtype = dtype, sparse = sparse})
  self.item_bias = nn.Embedding(n_items, 1, {init = nn.init.zeros_, dtype = dtype, sparse = sparse})
end

-- A tail call from a public wrapper: errors of MF(...) point at the caller's line.
MF.new = public(function(class, ...) return nn.Module.new(class, ...) end)

-- model(users, items): the score of each (user, item) pair; ids of any one shape.
function MF:forward(users, items)
  return (self.users(users) * self.items(items)):sum(-1) + self.item_bias(items):squeeze(-1)
end

-- model:scores(users) -> {#users, n_items}: every item's score for each user.
MF.scores = public(function(self, users)
  check_ids('scores', 'users', users, self.n_users, 'user')
  return self.users(users):matmul(self.items.weight:t()) + self.item_bias.weight:view(1, -1)
end)

function MF:extra_repr()
  return ('%d users, %d items, dim=%d'):format(self.n_users, self.n_items, self.dim)
end
M.MF = MF

-- ---- training ----------------------------------------------------------------------------

-- bpr_loss(model, users, items, negatives): the mean of -log sigmoid(score(u, i) - score(u, j))
-- over each positive (u, i) and each of its negatives j (negatives {n} or {n, m}).
M.bpr_loss = public(function(model, users, items, negatives)
  local n_items, n_users = check_model('bpr_loss', model)
  local n = check_ids('bpr_loss', 'users', users, n_users, 'user'):size(1)
  if n == 0 then fail('bpr_loss: no interactions (0 users)') end
  if check_ids('bpr_loss', 'items', items, n_items, 'item'):size(1) ~= n then
    fail('bpr_loss: %d users but %d items', n, items:size(1))
  end
  if not mg.is_tensor(negatives) or negatives.dtype ~= 'int64' or negatives:dim() < 1 or negatives:dim() > 2
     or negatives:size(1) ~= n then
    fail('bpr_loss: negatives must be an int64 tensor {%d} or {%d, m}, got %s', n, n, describe(negatives))
  end
  check_ids('bpr_loss', 'negatives', negatives:reshape(-1), n_items, 'item')
  local positive = model(users, items)
  local negative = model(negatives:dim() == 2 and users:unsqueeze(2):expand(negatives.shape) or users, negatives)
  if negatives:dim() == 2 then positive = positive:unsqueeze(2) end
  -- -log sigmoid(d) is binary cross-entropy with logits d and target 1, computed stably there
  local margin = positive - negative
  return F.binary_cross_entropy_with_logits(margin, mg.ones_like(margin))
end)

local FIT_OPTIONS = {epochs = true, batch_size = true, lr = true, negatives = true, seed = true,
                     optimizer = true}

-- fit(model, users, items [, opts]) -> {mean loss of each epoch}
M.fit = public(function(model, users, items, opts)
  local who = 'fit'
  local n_items, n_users = check_model(who, model)
  users, items = check_pairs(who, 'interactions', {users, items}, n_users, n_items)
  if users:size(1) == 0 then fail('fit: no interactions to train on (0 pairs)') end
  opts = options(who, opts, FIT_OPTIONS)
  local epochs = checks.integer(who, 'epochs', opts.epochs, 1, 10)
  local batch_size = checks.integer(who, 'batch_size', opts.batch_size, 1, 1024)
  local negatives = checks.integer(who, 'negatives', opts.negatives, 1, 1)
  local seed = opts.seed ~= nil and checks.integer(who, 'seed', opts.seed, math.mininteger)
  local optimizer = opts.optimizer
  if optimizer ~= nil and (type(optimizer) ~= 'table' or type(optimizer.step) ~= 'function') then
    fail('fit: optimizer must be an mg.optim optimizer, got %s', describe(optimizer))
  end
  if optimizer ~= nil and opts.lr ~= nil then fail('fit: give lr or optimizer, not both') end
  optimizer = optimizer or mg.optim[model.sparse and 'SparseAdam' or 'Adam'](model:parameters(),
                                                                             {lr = positive_number(who, 'lr', opts.lr, 0.01)})
  if seed then mg.manual_seed(seed) end
  local n, losses = users:size(1), {}
  model:train()
  for epoch = 1, epochs do
    local order, total = mg.randperm(n), 0
    for start = 1, n, batch_size do
      local batch = order:narrow(1, start, math.min(batch_size, n - start + 1))
      local b = batch:size(1)
      optimizer:zero_grad()
      local loss = M.bpr_loss(model, users:index_select(1, batch), items:index_select(1, batch),
                              mg.randint(1, n_items, {b, negatives}))
      loss:backward()
      optimizer:step()
      total = total + loss:item() * b
    end
    losses[epoch] = total / n
  end
  return losses
end)

-- ---- baseline, top-k lists and evaluation ------------------------------------------------

-- most_popular(items, n_items) -> float64 {n_items}: how often each item occurs.
M.most_popular = public(function(items, n_items)
  checks.integer('most_popular', 'n_items', n_items, 1)
  check_ids('most_popular', 'items', items, n_items, 'item')
  return mg.zeros(n_items, {dtype = 'float64'}):scatter_add(1, items, mg.ones(items:size(1), {dtype = 'float64'}))
end)

-- top_k(scores, k [, {exclude = {rows, items}}]) -> int64 {rows, k} (or {k} for 1-D scores)
M.top_k = public(function(scores, k, opts)
  local who = 'top_k'
  if not mg.is_tensor(scores) or scores:dim() < 1 or scores:dim() > 2 or scores:numel() == 0
     or (scores.dtype ~= 'float32' and scores.dtype ~= 'float64') then
    fail('top_k: expected float scores {rows, items} or {items}, got %s', describe(scores))
  end
  k = checks.integer(who, 'k', k, 1)
  opts = options(who, opts, {exclude = true})
  local one = scores:dim() == 1
  if one then scores = scores:unsqueeze(1) end
  if scores:ne(scores):sum():item() > 0 then fail('top_k: scores hold NaN') end
  local rows, n = scores:size(1), scores:size(2)
  local work = scores:clone()
  if opts.exclude ~= nil then
    local r, i = check_pairs(who, 'exclude', opts.exclude, rows, n)
    if r:numel() > 0 then
      local flat = (r - 1) * n + i
      local hit = mg.zeros(rows * n):scatter_add(1, flat, mg.ones(flat:size(1))):gt(0):view(rows, n)
      work:masked_fill_(hit, -math.huge)
    end
  end
  -- k passes of max: core's topk sorts whole rows, about 5x slower for k = 10 of 50 000
  local picked, minus_inf = {}, mg.full({rows, 1}, -math.huge, {dtype = work.dtype})
  for j = 1, k do
    local best, at = work:max(2, {keepdim = true})
    picked[j] = at:masked_fill(best:eq(-math.huge), 0) -- no eligible item left: 0
    if j < k then work:scatter_add_(2, at, minus_inf) end
  end
  local ids = mg.cat(picked, 2)
  return one and ids:squeeze(1) or ids
end)

-- The (row, item) pairs of exclude for the rows of users: rows ascending, and where each
-- row's pairs start (offsets, rows + 1 entries).
local function pairs_by_row(users, exclude_users, exclude_items)
  local rows = Frame({user = users, row = mg.arange(1, users:size(1) + 1)}, {columns = {'user', 'row'}})
  local joined = rows:join(Frame({user = exclude_users, item = exclude_items}, {columns = {'user', 'item'}}),
                           {on = 'user'}) -- rows follow users' order: ascending rows
  local row = joined:col('row')
  local counts = mg.zeros(users:size(1), I64):scatter_add(1, row, mg.ones(row:size(1), I64))
  return row, joined:col('item'), mg.cat({mg.zeros(1, I64), counts:cumsum(1)})
end

local RECOMMEND_OPTIONS = {exclude = true, batch_size = true}

-- recommend(scorer, users, k [, {exclude = {users, items}, batch_size = 256}]) -> int64 {#users, k}
M.recommend = public(function(scorer, users, k, opts)
  local who = 'recommend'
  local n_items, n_users = scorer_items(who, scorer)
  opts = options(who, opts, RECOMMEND_OPTIONS)
  users = check_ids(who, 'users', users, n_users or math.maxinteger, 'user')
  k = checks.integer(who, 'k', k, 1)
  local batch_size = checks.integer(who, 'batch_size', opts.batch_size, 1, 256)
  local ex_row, ex_item, starts
  if opts.exclude ~= nil then
    local ex_users, ex_items = check_pairs(who, 'exclude', opts.exclude, n_users or math.maxinteger, n_items)
    ex_row, ex_item, starts = pairs_by_row(users, ex_users, ex_items)
  end
  local n, lists = users:size(1), {}
  mg.no_grad(function()
    for first = 1, n, batch_size do
      local b = math.min(batch_size, n - first + 1)
      local scores = mg.is_tensor(scorer) and scorer:view(1, -1):expand(b, n_items)
                     or scorer:scores(users:narrow(1, first, b))
      local exclude
      if ex_row then
        local from, to = starts[first]:item(), starts[first + b]:item()
        exclude = {ex_row:narrow(1, from + 1, to - from) - (first - 1), ex_item:narrow(1, from + 1, to - from)}
      end
      lists[#lists + 1] = M.top_k(scores, k, {exclude = exclude})
    end
  end)
  if n == 0 then return mg.zeros(0, k, I64) end
  return mg.cat(lists, 1)
end)

-- The sum of 1 / log2(1 + rank) over ranks 1..m, for m = 0..k: the DCG of m relevant items
-- ranked first (the ideal DCG of a user with m relevant items), a float64 tensor {k + 1}.
local function ideal_dcg(k)
  local gains = 1 / (mg.arange(2, k + 2, {dtype = 'float64'}):log() / math.log(2))
  return mg.cat({mg.zeros(1, {dtype = 'float64'}), gains:cumsum(1)})
end

-- evaluate(scorer, train, test [, {k = 10, sample, seed = 1, batch_size = 256}]) -> {recall =, ndcg =, users =}
M.evaluate = public(function(scorer, train, test, opts)
  local who = 'evaluate'
  local n_items, n_users = scorer_items(who, scorer)
  local train_users, train_items = check_pairs(who, 'train', train, n_users or math.maxinteger, n_items)
  local test_users, test_items = check_pairs(who, 'test', test, n_users or math.maxinteger, n_items)
  opts = options(who, opts, {k = true, batch_size = true, sample = true, seed = true})
  local k = checks.integer(who, 'k', opts.k, 1, 10)
  local sample = checks.integer(who, 'sample', opts.sample, 1, math.maxinteger)
  local seed = checks.integer(who, 'seed', opts.seed, math.mininteger, 1)
  local seen = Frame({user = train_users, item = train_items}, {columns = {'user', 'item'}}):unique()
  -- relevant: each user's distinct test items that are new to them (seen ones are excluded
  -- from the lists, so they could never be hit)
  local relevant = Frame({user = test_users, item = test_items}, {columns = {'user', 'item'}}):unique()
                   :join(seen:with_column('seen', mg.ones(#seen, I64)), {on = {'user', 'item'}, how = 'left'})
  relevant = relevant:filter(relevant:col('seen', {fill = 0}):eq(0)):select{'user', 'item'}
  -- users: those with a training interaction and a relevant item
  relevant = relevant:join(seen:select{'user'}:unique(), {on = 'user'})
  local per_user = relevant:groupby('user'):agg{item = 'count'} -- sorted by user
  if #per_user == 0 then fail('evaluate: no user has both a training interaction and a new test item') end
  if sample < #per_user then -- the same users for every scorer given the same seed
    mg.manual_seed(seed)
    per_user = per_user:take((mg.randperm(#per_user):narrow(1, 1, sample):sort()))
  end
  local users = per_user:col('user')
  local u = users:size(1)
  local lists = M.recommend(scorer, users, k, {exclude = {train_users, train_items}, batch_size = opts.batch_size})
  -- the hits: listed items that are relevant, with their rank
  local listed = Frame({user = users:unsqueeze(2):expand(u, k):reshape(-1), item = lists:reshape(-1),
                        rank = mg.arange(1, k + 1):unsqueeze(1):expand(u, k):reshape(-1)},
                       {columns = {'user', 'item', 'rank'}})
  local hits = listed:join(relevant, {on = {'user', 'item'}})
  hits = hits:with_column('gain', 1 / ((hits:col('rank'):double() + 1):log() / math.log(2)))
  local found = per_user:join(hits:groupby('user'):agg{rank = 'count', gain = 'sum'}, {on = 'user', how = 'left'})
                        :fillna{value = {rank_count = 0, gain_sum = 0}}
  local n_relevant = found:col('item_count')
  local recall = found:col('rank_count'):double() / n_relevant:double()
  local ndcg = found:col('gain_sum') / ideal_dcg(k):index_select(1, n_relevant:clamp(nil, k) + 1)
  return {recall = recall:mean():item(), ndcg = ndcg:mean():item(), users = u}
end)

return M
