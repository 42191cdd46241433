-- mg.recommend: Index, MF, bpr_loss, fit, most_popular, top_k, recommend and evaluate.
-- Expected values: the BPR loss, its gradients and one Adam step were recorded from PyTorch 1.13
-- on the same tiny model (float64, torch.optim.Adam(lr=0.1), indices shifted to 0-based);
-- top-k lists, recall@k and NDCG@k were worked out by hand, the NDCG values checked with
-- scikit-learn 1.2.1's ndcg_score (seen items scored below all others). Training on sampled
-- negatives depends on moongrad's generator, so it is checked by what it must reach.
local mg = require 'moongrad'
local h = require 'tests.lua.helpers'
local R = mg.recommend

local SPEC = 'recommend_spec.lua:' -- errors point at the caller's line in this file
local I64 = {dtype = 'int64'}

local function ints(list) return mg.tensor(list, I64) end
local function err(f) return h.error_in(SPEC, f) end

-- ---- Index -----------------------------------------------------------------------------------

describe('recommend.Index', function()
  it('numbers int64 keys 1..size in sorted order; unknown and missing values get 0', function()
    local df = mg.data.Frame{item = {30, 10, 30, mg.data.NA, 20}}
    local idx = R.Index(df, 'item')
    assert.are.equal(3, idx.size)
    assert.are.equal('int64', idx.dtype)
    assert.are.same({3, 1, 3, 0, 2}, idx:ids(df):totable())
    assert.are.same({0, 2, 1}, idx:ids(mg.data.Frame{item = {99, 20, 10}}):totable())
    h.check_column(idx.table, 'item', 'int64', {10, 20, 30})
    h.check_column(idx.table, 'id', 'int64', {1, 2, 3})
  end)

  it('numbers string keys and maps another column of the same type', function()
    local idx = R.Index(mg.data.Frame{user = {'bo', 'al', 'cy', 'al'}}, 'user')
    assert.are.same({2, 0, 1}, idx:ids(mg.data.Frame{who = {'bo', 'zed', 'al'}}, 'who'):totable())
    assert.are.equal("Index of 3 string value(s) of 'user'", tostring(idx))
  end)

  it('refuses what is not a key column, or has no values', function()
    local df = mg.data.Frame{user = {1, 2}, amount = {1.5, 2}, name = {'a', 'b'}}
    assert.are.equal('Index: expected a Frame, got a table', err(function() R.Index({}, 'user') end))
    assert.are.equal("Index: no column 'usr' (the frame has amount, name, user)",
                     err(function() R.Index(df, 'usr') end))
    assert.are.equal("Index: column 'amount' must hold int64 or string keys, got float64",
                     err(function() R.Index(df, 'amount') end))
    assert.are.equal("Index: column 'user' has no values",
                     err(function() R.Index(mg.data.Frame{user = {1, 2}}:head(0), 'user') end))
    local idx = R.Index(df, 'user')
    assert.are.equal("ids: column 'name' holds string keys, but the index holds int64",
                     err(function() idx:ids(df, 'name') end))
    assert.are.equal('ids: call it as idx:ids(df), got a Frame', err(function() idx.ids(df) end))
  end)
end)

-- ---- MF and BPR --------------------------------------------------------------------------------

-- The tiny model of the PyTorch reference: 3 users, 4 items, dim 2.
local U0 = {{0.1, -0.2}, {0.3, 0.4}, {-0.5, 0.2}}
local V0 = {{0.2, 0.1}, {-0.3, 0.5}, {0.4, -0.1}, {0.0, 0.3}}
local B0 = {{0.05}, {-0.1}, {0.2}, {0.0}}
local USERS, ITEMS, NEG = {1, 1, 2, 3}, {1, 2, 3, 4}, {4, 3, 1, 2}

local function tiny_model()
  local model = R.MF(3, 4, {dim = 2, dtype = 'float64'})
  mg.no_grad(function()
    model.users.weight:copy_(mg.tensor(U0, {dtype = 'float64'}))
    model.items.weight:copy_(mg.tensor(V0, {dtype = 'float64'}))
    model.item_bias.weight:copy_(mg.tensor(B0, {dtype = 'float64'}))
  end)
  return model
end

describe('recommend.MF', function()
  it('is built from three embeddings: users, items and item biases (zero at first)', function()
    local model = R.MF(5, 7, {dim = 3})
    assert.are.same({5, 3}, model.users.weight.shape)
    assert.are.same({7, 3}, model.items.weight.shape)
    assert.are.same({7, 1}, model.item_bias.weight.shape)
    assert.are.equal(0, model.item_bias.weight:abs():sum():item())
    assert.are.equal(3, #model:parameters())
    assert.are.equal('float32', model.users.weight.dtype)
    assert.are.equal(32, R.MF(2, 2).dim)
  end)

  it('scores pairs and all items as PyTorch (dot product + item bias)', function()
    local model = tiny_model()
    h.assert_close(model(ints(USERS), ints(ITEMS)), {0.05, -0.23, 0.28, 0.06}, 1e-12, 1e-14)
    -- by hand: user 1 (0.1, -0.2) and user 3 (-0.5, 0.2) with each item's vector, plus its bias
    h.assert_close(model:scores(ints{1, 3}), {{0.05, -0.23, 0.26, -0.06}, {-0.03, 0.15, -0.02, 0.06}},
                   1e-12, 1e-14)
  end)

  it('refuses bad sizes and options, pointing at the caller', function()
    assert.are.equal('MF: n_users must be an integer >= 1, got 0', err(function() R.MF(0, 3) end))
    assert.are.equal('MF: n_items must be an integer >= 1, got nil', err(function() R.MF(3) end))
    assert.are.equal('MF: dim must be an integer >= 1, got 2.5', err(function() R.MF(3, 3, {dim = 2.5}) end))
    assert.are.equal('MF: unknown option "size"', err(function() R.MF(3, 3, {size = 2}) end))
    assert.are.equal("MF: dtype must be 'float32' or 'float64', got \"int64\"",
                     err(function() R.MF(3, 3, {dtype = 'int64'}) end))
    assert.are.equal('scores: users holds user id 4, out of range 1..3',
                     err(function() R.MF(3, 3):scores(ints{1, 4}) end))
  end)
end)

describe('recommend.bpr_loss', function()
  it('gives PyTorch\'s loss, gradients and first Adam step', function()
    local model = tiny_model()
    local loss = R.bpr_loss(model, ints(USERS), ints(ITEMS), ints(NEG))
    h.assert_near(loss:item(), 0.7442351507339964, 1e-12)
    loss:backward()
    h.assert_close(model.users.weight.grad, {{0.08489224087727044, -0.0693895800686932},
      {-0.023377284680634065, 0.023377284680634065}, {-0.03918636185938501, 0.026124241239590007}}, 1e-10, 1e-14)
    h.assert_close(model.items.weight.grad, {{0.02325273462956593, 0.07038095414403844},
      {-0.08081326390755227, 0.05712956285674451}, {-0.01956326621237384, -0.07775989097842263},
      {0.07712379549036018, -0.04975062602236033}}, 1e-10, 1e-14)
    h.assert_close(model.item_bias.weight.grad, {{-0.0012455005106812578}, {-0.024405401887822475},
      {0.03814018468260219}, {-0.012489282284098457}}, 1e-10, 1e-14)
    mg.optim.Adam(model:parameters(), {lr = 0.1}):step()
    h.assert_close(model.users.weight, {{1.1779638181552698e-08, -0.10000001441138359},
      {0.3999999572234506, 0.3000000427765494}, {-0.400000025519076, 0.1000000382786091}}, 1e-9, 1e-12)
    h.assert_close(model.items.weight, {{0.10000004300567596, 1.4208387327796501e-08},
      {-0.20000001237420476, 0.40000001750406927}, {0.4999999488838174, -1.2860098680400611e-08},
      {-0.09999998703383484, 0.39999997989975444}}, 1e-9, 1e-12)
    h.assert_close(model.item_bias.weight, {{0.14999919711637}, {-4.0974518500380697e-08},
      {0.10000002621905864}, {0.09999991993141186}}, 1e-9, 1e-12)
  end)

  it('averages over several negatives per interaction', function()
    local loss = R.bpr_loss(tiny_model(), ints(USERS), ints(ITEMS), ints{{4, 3}, {3, 1}, {1, 2}, {2, 2}})
    h.assert_near(loss:item(), 0.7412371239582556, 1e-12)
  end)

  it('refuses ids out of range, lengths that differ and no interactions', function()
    local model = tiny_model()
    assert.are.equal('bpr_loss: users holds user id 4, out of range 1..3',
                     err(function() R.bpr_loss(model, ints{1, 4}, ints{1, 2}, ints{3, 3}) end))
    assert.are.equal('bpr_loss: items holds item id 0, out of range 1..4',
                     err(function() R.bpr_loss(model, ints{1, 2}, ints{0, 2}, ints{3, 3}) end))
    assert.are.equal('bpr_loss: 2 users but 3 items',
                     err(function() R.bpr_loss(model, ints{1, 2}, ints{1, 2, 3}, ints{3, 3}) end))
    assert.are.equal('bpr_loss: negatives must be an int64 tensor {2} or {2, m}, got a int64 tensor of shape {3}',
                     err(function() R.bpr_loss(model, ints{1, 2}, ints{1, 2}, ints{3, 3, 3}) end))
    assert.are.equal('bpr_loss: negatives holds item id 5, out of range 1..4',
                     err(function() R.bpr_loss(model, ints{1, 2}, ints{1, 2}, ints{{3}, {5}}) end))
    assert.are.equal('bpr_loss: no interactions (0 users)',
                     err(function() R.bpr_loss(model, ints{}, ints{}, ints{}) end))
    assert.are.equal('bpr_loss: expected a model such as mg.recommend.MF, got a float64 tensor of shape {4}',
                     err(function() R.bpr_loss(mg.zeros(4, {dtype = 'float64'}), ints{1}, ints{1}, ints{2}) end))
  end)
end)

-- ---- top_k and recommend ---------------------------------------------------------------------

describe('recommend.top_k', function()
  local scores = mg.tensor{{0.1, 0.9, 0.5, 0.3}, {0.8, 0.2, 0.4, 0.6}}

  it('lists the best items of each row, best first, equal scores lower item first', function()
    assert.are.same({{2, 3}, {1, 4}}, R.top_k(scores, 2):totable())
    assert.are.same({2, 4, 1}, R.top_k(mg.tensor{0.5, 0.7, 0.5, 0.7}, 3):totable())
  end)

  it('leaves out the excluded items of each row, ending in 0 when too few are left', function()
    local ex = {ints{1, 2, 2, 1}, ints{2, 1, 4, 3}} -- row 1 without items 2 and 3, row 2 without 1 and 4
    assert.are.same({{4, 1}, {3, 2}}, R.top_k(scores, 2, {exclude = ex}):totable())
    assert.are.same({{4, 1, 0, 0}, {3, 2, 0, 0}}, R.top_k(scores, 4, {exclude = ex}):totable())
    assert.are.same({{2, 3, 4, 1, 0}, {1, 4, 3, 2, 0}}, R.top_k(scores, 5):totable())
    assert.are.same({{2, 3}, {1, 4}}, R.top_k(scores, 2, {exclude = {ints{}, ints{}}}):totable())
  end)

  it('refuses k < 1, NaN scores and exclusions out of range', function()
    assert.are.equal('top_k: k must be an integer >= 1, got 0', err(function() R.top_k(scores, 0) end))
    assert.are.equal('top_k: k must be an integer >= 1, got nil', err(function() R.top_k(scores) end))
    assert.are.equal('top_k: scores hold NaN', err(function() R.top_k(mg.tensor{1, 0 / 0}, 1) end))
    assert.are.equal('top_k: expected float scores {rows, items} or {items}, got a int64 tensor of shape {2}',
                     err(function() R.top_k(ints{1, 2}, 1) end))
    assert.are.equal('top_k: exclude[1] holds user id 3, out of range 1..2',
                     err(function() R.top_k(scores, 1, {exclude = {ints{3}, ints{1}}}) end))
    assert.are.equal('top_k: exclude has 2 user ids but 1 item ids',
                     err(function() R.top_k(scores, 1, {exclude = {ints{1, 2}, ints{1}}}) end))
    assert.are.equal('top_k: unknown option "exclude_items"',
                     err(function() R.top_k(scores, 1, {exclude_items = 1}) end))
  end)
end)

describe('recommend.recommend and most_popular', function()
  it('counts interactions per item', function()
    h.assert_close(R.most_popular(ints{2, 3, 2, 2, 5}, 5), {0, 3, 1, 0, 1})
    assert.are.equal('float64', R.most_popular(ints{1}, 2).dtype)
    assert.are.equal('most_popular: items holds item id 6, out of range 1..5',
                     err(function() R.most_popular(ints{6}, 5) end))
    assert.are.equal('most_popular: n_items must be an integer >= 1, got nil',
                     err(function() R.most_popular(ints{1}) end))
  end)

  it('lists the popular items a user does not have, in batches of any size', function()
    local pop = mg.tensor({5, 4, 3, 2, 1}, {dtype = 'float64'})
    local seen = {ints{3, 1, 3, 3}, ints{1, 2, 2, 4}} -- user 1 has item 2; user 3 items 1, 2, 4
    local expected = {{3, 5}, {1, 3}, {1, 2}} -- users 3, 1 and 2
    for _, batch_size in ipairs{1, 2, 256} do
      assert.are.same(expected, R.recommend(pop, ints{3, 1, 2}, 2, {exclude = seen, batch_size = batch_size}):totable())
    end
    assert.are.same({0, 2}, R.recommend(pop, ints{}, 2).shape)
  end)

  it('ranks by a model\'s scores', function()
    local model = tiny_model() -- scores as in the MF test above
    assert.are.same({{3, 1}, {2, 4}}, R.recommend(model, ints{1, 3}, 2):totable())
    assert.are.same({{3, 4}}, R.recommend(model, ints{1}, 2, {exclude = {ints{1, 1}, ints{1, 2}}}):totable())
  end)

  it('refuses a scorer that is neither a model nor item scores', function()
    assert.are.equal('recommend: expected a model with :scores(users) and n_items (such as mg.recommend.MF) '
                     .. 'or a 1-D tensor of item scores, got a table', err(function() R.recommend({}, ints{1}, 1) end))
    assert.are.equal('recommend: users holds user id 4, out of range 1..3',
                     err(function() R.recommend(tiny_model(), ints{4}, 1) end))
    assert.are.equal('recommend: k must be an integer >= 1, got 0',
                     err(function() R.recommend(tiny_model(), ints{1}, 0) end))
  end)
end)

-- ---- evaluate ----------------------------------------------------------------------------------

describe('recommend.evaluate', function()
  -- Items scored 0.5 > 0.4 > ... > 0.1. train: user 1 has item 1, user 2 items 2 and 3, user 3
  -- item 1. test: user 1 items 2, 4 and 1 (seen: relevant 2 and 4); user 2 item 2 (seen: nothing
  -- new, skipped); user 3 item 5; user 4 item 1 (no train: skipped). k = 2: user 1 gets {2, 3}
  -- (one hit at rank 1 of 2: recall 1/2, NDCG 1 / (1 + 1/log2 3)), user 3 {2, 3} (no hit).
  local scores = mg.tensor({0.5, 0.4, 0.3, 0.2, 0.1}, {dtype = 'float64'})
  local train = {ints{1, 2, 2, 3}, ints{1, 2, 3, 1}}
  local test = {ints{1, 1, 1, 2, 3, 4, 1}, ints{2, 4, 1, 2, 5, 1, 2}} -- user 1's item 2 twice: once

  it('scores each user\'s new later items: recall@k and NDCG@k by hand (and scikit-learn)', function()
    local r = R.evaluate(scores, train, test, {k = 2})
    assert.are.equal(2, r.users)
    h.assert_near(r.recall, 0.25, 1e-15)
    h.assert_near(r.ndcg, 0.3065735963827292, 1e-15) -- (1 / (1 + 1 / log2(3)) + 0) / 2
    -- k = 3: user 1 gets {2, 3, 4}: both hit, at ranks 1 and 3
    r = R.evaluate(scores, train, test, {k = 3})
    h.assert_near(r.recall, 0.5, 1e-15)
    h.assert_near(r.ndcg, 0.45986039457409383, 1e-15) -- ((1 + 1/2) / (1 + 1 / log2(3)) + 0) / 2
  end)

  it('gives 0 when no list holds a relevant item', function()
    local r = R.evaluate(scores, {ints{1}, ints{1}}, {ints{1}, ints{5}}, {k = 2}) -- user 1 gets {2, 3}, wants 5
    assert.are.same({recall = 0, ndcg = 0, users = 1}, r)
  end)

  it('agrees with mg.metrics on the users it scores', function()
    -- user 1's and user 3's score rows with seen items below all others, and their relevance
    local rows = mg.tensor({{-1, 0.4, 0.3, 0.2, 0.1}, {-1, 0.4, 0.3, 0.2, 0.1}}, {dtype = 'float64'})
    local relevant = mg.tensor{{0, 1, 0, 1, 0}, {0, 0, 0, 0, 1}}
    local r = R.evaluate(scores, train, test, {k = 3})
    h.assert_near(r.recall, mg.metrics.recall_at_k(rows, relevant, {k = 3}), 1e-15)
    h.assert_near(r.ndcg, mg.metrics.ndcg_at_k(rows, relevant, {k = 3}), 1e-15)
  end)

  it('scores a sample of the users, the same ones for every scorer', function()
    local r = R.evaluate(scores, train, test, {k = 2, sample = 1, seed = 3})
    assert.are.equal(1, r.users)
    assert.is_true((r.recall == 0.5 and r.ndcg > 0.6) or (r.recall == 0 and r.ndcg == 0))
    local again = R.evaluate(scores, train, test, {k = 2, sample = 1, seed = 3})
    assert.are.same(r, again)
  end)

  it('refuses bad pairs, k < 1 and data without a user to score', function()
    assert.are.equal('evaluate: k must be an integer >= 1, got 0',
                     err(function() R.evaluate(scores, train, test, {k = 0}) end))
    assert.are.equal('evaluate: test has 2 user ids but 1 item ids',
                     err(function() R.evaluate(scores, train, {ints{1, 2}, ints{1}}) end))
    assert.are.equal('evaluate: train[2] holds item id 6, out of range 1..5',
                     err(function() R.evaluate(scores, {ints{1}, ints{6}}, test) end))
    assert.are.equal('evaluate: train must be a pair {user_ids, item_ids} of int64 tensors, got a table',
                     err(function() R.evaluate(scores, {ints{1}}, test) end))
    assert.are.equal('evaluate: test[1] must be a 1-D int64 tensor of user ids, got a float32 tensor of shape {1}',
                     err(function() R.evaluate(scores, train, {mg.tensor{1}, ints{1}}) end))
    assert.are.equal('evaluate: no user has both a training interaction and a new test item',
                     err(function() R.evaluate(scores, train, {ints{2}, ints{3}}) end))
    assert.are.equal('evaluate: no user has both a training interaction and a new test item',
                     err(function() R.evaluate(scores, {ints{}, ints{}}, {ints{}, ints{}}) end))
  end)
end)

-- ---- fit ---------------------------------------------------------------------------------------

-- 200 users in 4 taste groups of unequal size (group 1 holds 40% of them); each group likes its
-- own 25 of the 100 items. Each user has 12 interactions before the cutoff and 4 after, each an
-- item of the user's group (9 in 10) or any item. The most popular items are group 1's, so the
-- baseline serves the other 60% of users badly; a model of tastes serves every group.
describe('recommend.fit', function()
  for _, sparse in ipairs{false, true} do
    it(('trains MF%s to beat the most popular items on data with tastes'):format(sparse and ' (sparse, SparseAdam)' or ''),
       function()
      mg.manual_seed(11)
      local n_users, n_items, per_group = 200, 100, 25
      -- user u's group: 1 for u % 10 in 0..3 (40%), else 2, 3 or 4 by u % 3
      local u = mg.arange(1, n_users + 1)
      local groups = {}
      for i = 1, n_users do groups[i] = i % 10 < 4 and 1 or i % 3 + 2 end
      local group = ints(groups)
      local function draw(per_user)
        local users = u:unsqueeze(2):expand(n_users, per_user):reshape(-1)
        local own = (group:index_select(1, users) - 1) * per_group + mg.randint(1, per_group, {users:size(1)})
        local any = mg.randint(1, n_items, {users:size(1)})
        return {users, mg.where(mg.rand(users:size(1)):lt(0.9), own, any)}
      end
      local train, test = draw(12), draw(4)
      local model = R.MF(n_users, n_items, {dim = 8, sparse = sparse})
      local losses = R.fit(model, train[1], train[2], {epochs = 30, batch_size = 256, lr = 0.05, seed = 1})
      assert.are.equal(sparse, model.items.weight.grad == nil) -- sparse: the rows looked up only
      assert.are.equal(30, #losses)
      assert.is_true(losses[30] < 0.5 * losses[1], ('loss %g -> %g'):format(losses[1], losses[30]))
      local mf = R.evaluate(model, train, test)
      local pop = R.evaluate(R.most_popular(train[2], n_items), train, test)
      assert.are.equal(pop.users, mf.users)
      assert.is_true(mf.recall > pop.recall + 0.15, ('recall@10: MF %g, most popular %g'):format(mf.recall, pop.recall))
      assert.is_true(mf.ndcg > pop.ndcg + 0.1, ('NDCG@10: MF %g, most popular %g'):format(mf.ndcg, pop.ndcg))
    end)
  end

  it('gives the same losses for the same seed', function()
    local function run()
      return R.fit(tiny_model(), ints(USERS), ints(ITEMS), {epochs = 3, batch_size = 2, seed = 5})
    end
    mg.manual_seed(1)
    local a = run()
    mg.manual_seed(2)
    assert.are.same(a, run())
  end)

  it('refuses bad data and options', function()
    local model = tiny_model()
    assert.are.equal('fit: no interactions to train on (0 pairs)', err(function() R.fit(model, ints{}, ints{}) end))
    assert.are.equal('MF: sparse must be a boolean, got 1', err(function() R.MF(2, 2, {sparse = 1}) end))
    assert.are.equal('fit: interactions has 2 user ids but 1 item ids',
                     err(function() R.fit(model, ints{1, 2}, ints{1}) end))
    assert.are.equal('fit: interactions[1] holds user id 9, out of range 1..3',
                     err(function() R.fit(model, ints{9}, ints{1}) end))
    assert.are.equal('fit: epochs must be an integer >= 1, got 0', err(function() R.fit(model, ints{1}, ints{1}, {epochs = 0}) end))
    assert.are.equal('fit: lr must be a number > 0, got -1', err(function() R.fit(model, ints{1}, ints{1}, {lr = -1}) end))
    assert.are.equal('fit: unknown option "steps"', err(function() R.fit(model, ints{1}, ints{1}, {steps = 1}) end))
    assert.are.equal('fit: give lr or optimizer, not both', err(function()
      R.fit(model, ints{1}, ints{1}, {lr = 0.1, optimizer = mg.optim.SGD(model:parameters(), {lr = 0.1})})
    end))
    assert.are.equal('fit: expected a model such as mg.recommend.MF, got a table', err(function() R.fit({}, ints{1}, ints{1}) end))
  end)

  it('draws several negatives per interaction, and batches larger than the data', function()
    local losses = R.fit(tiny_model(), ints(USERS), ints(ITEMS), {epochs = 2, negatives = 3, batch_size = 100, seed = 1})
    assert.are.equal(2, #losses)
    assert.is_true(losses[1] > 0 and losses[1] < 1, tostring(losses[1])) -- near log 2 for a model near 0
  end)

  it('continues with a given optimizer, leaving the data unchanged', function()
    local model = tiny_model()
    local users, items = ints(USERS), ints(ITEMS)
    local opt = mg.optim.SGD(model:parameters(), {lr = 0.5})
    R.fit(model, users, items, {epochs = 2, optimizer = opt, seed = 1})
    assert.are.same(USERS, users:totable())
    assert.is_true((model.users.weight - mg.tensor(U0, {dtype = 'float64'})):abs():max():item() > 0)
  end)
end)
