-- nn.Embedding, nn.EmbeddingBag, F.embedding and F.embedding_bag. Expected values were
-- recorded from PyTorch 1.13 (torch.nn.Embedding / EmbeddingBag in float64) with the weight
-- W below copied in; PyTorch's 0-based indices, offsets and padding_idx are ours minus one.
-- Gradients are those of sum(y * G) for the fixed G given with each case.
local mg = require 'moongrad'
local h = require 'tests.lua.helpers'
local nn, F = mg.nn, mg.nn.functional

local SPEC = 'embedding_spec.lua:' -- errors point at the caller's line in this file
local function err(f) return h.error_in(SPEC, f) end
local function ids(list) return mg.tensor(list, {dtype = 'int64'}) end
local function f64(list) return mg.tensor(list, {dtype = 'float64'}) end

local W = {{0.5, -1.2, 0.3}, {1.1, 0.4, -0.7}, {-0.2, 0.9, 1.5}, {0.8, -0.6, 0.1}, {-1.3, 0.2, 0.6}, {0.7, 1.4, -0.9}}

-- A layer in float64 with W as its weight.
local function with_w(layer)
  layer:double()
  mg.no_grad(function() layer.weight:copy_(f64(W)) end)
  return layer
end

local function backward_weighted(y, g) (y * f64(g)):sum():backward() end

describe('nn.Embedding', function()
  local IDS = {{1, 3, 3}, {6, 1, 2}}
  local G = {{{1, 2, 3}, {-1, 0.5, 2}, {0.25, -2, 1}}, {{3, 1, -1}, {0.5, 0.5, 0.5}, {-2, 1, 4}}}
  local Y = {{{0.5, -1.2, 0.3}, {-0.2, 0.9, 1.5}, {-0.2, 0.9, 1.5}}, {{0.7, 1.4, -0.9}, {0.5, -1.2, 0.3}, {1.1, 0.4, -0.7}}}

  it('looks up rows for ids of any shape; repeated ids accumulate gradient (PyTorch)', function()
    local emb = with_w(nn.Embedding(6, 3))
    local y = emb(ids(IDS))
    assert.are.same({2, 3, 3}, y.shape)
    h.assert_close(y, Y, 1e-12, 1e-12)
    backward_weighted(y, G)
    h.assert_close(emb.weight.grad, {{1.5, 2.5, 3.5}, {-2.0, 1.0, 4.0}, {-0.75, -1.5, 3.0}, {0, 0, 0}, {0, 0, 0}, {3.0, 1.0, -1.0}}, 1e-12, 1e-12)
    assert.are.same({4}, emb(ids{2, 2, 2, 2}):sum(2).shape)
    assert.are.same({3}, emb(ids(5)).shape) -- a 0-d id gives one row
    assert.are.same({0, 3}, emb(mg.zeros(0, {dtype = 'int64'})).shape)
  end)

  it('padding_idx: a zero row at first, its row returned but never its gradient (PyTorch)', function()
    local fresh = nn.Embedding(6, 3, {padding_idx = 3})
    h.assert_close(fresh.weight[3], {0, 0, 0})
    assert.are.equal(0, nn.Embedding(6, 3, {padding_idx = -1}).weight[6]:abs():sum():item())
    local emb = with_w(nn.Embedding(6, 3, {padding_idx = 3}))
    local y = emb(ids(IDS))
    h.assert_close(y, Y, 1e-12, 1e-12)
    backward_weighted(y, G)
    h.assert_close(emb.weight.grad, {{1.5, 2.5, 3.5}, {-2.0, 1.0, 4.0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {3.0, 1.0, -1.0}}, 1e-12, 1e-12)
    assert.are.equal('Embedding(6, 3, padding_idx=3)', tostring(emb):match('^[^ ]+ [^ ]+ [^ ]+'))
  end)

  it('initialises N(0, 1) as PyTorch, or with opts.init; has dtype and reset_parameters', function()
    mg.manual_seed(7)
    local w = nn.Embedding(2000, 50).weight
    assert.are.same({2000, 50}, w.shape)
    assert.are.equal('float32', w.dtype)
    assert.is_true(math.abs(w:mean():item()) < 0.02)     -- 100000 draws: sd of the mean 0.003
    assert.is_true(math.abs(w:std():item() - 1) < 0.02)
    local ones = nn.Embedding(4, 2, {init = nn.init.ones_, padding_idx = 2, dtype = 'float64'})
    h.assert_close(ones.weight, {{1, 1}, {0, 0}, {1, 1}, {1, 1}})
    assert.are.equal('float64', ones.weight.dtype)
    mg.no_grad(function() ones.weight:fill_(5) end)
    ones:reset_parameters()
    h.assert_close(ones.weight, {{1, 1}, {0, 0}, {1, 1}, {1, 1}})
    assert.are.equal(1, #ones:parameters())
  end)

  -- (with padding_idx the output depends on the padding row, which by design gets no
  -- gradient, so finite differences would disagree there; the recorded case covers it)
  it('passes gradcheck in float64', function()
    local emb = nn.Embedding(5, 2):double()
    assert.is_true(mg.gradcheck(function(w) return F.embedding(ids{{1, 4, 4}, {2, 3, 1}}, w) end, {emb.weight}))
  end)

  it('rejects bad ids and settings, naming the layer at the caller\'s line', function()
    local emb = nn.Embedding(10, 3)
    assert.are.equal('Embedding: index 11 is out of range for 10 embeddings (expected 1..10)',
                     err(function() local _ = emb(ids{1, 11}) end))
    assert.are.equal('Embedding: index 0 is out of range for 10 embeddings (expected 1..10)',
                     err(function() local _ = emb(ids{{0, 3}}) end))
    assert.are.equal('Embedding: index -2 is out of range for 10 embeddings (expected 1..10)',
                     err(function() local _ = emb(ids{-2}) end))
    assert.are.equal("Embedding: expected indices as an int64 tensor (make it with {dtype = 'int64'}), got a float32 tensor",
                     err(function() local _ = emb(mg.tensor{1.5}) end))
    assert.are.equal("Embedding: expected indices as an int64 tensor (make it with {dtype = 'int64'}), got table",
                     err(function() local _ = emb({1, 2}) end))
    assert.are.equal('Embedding: expected num_embeddings to be a non-negative integer, got 2.5',
                     err(function() local _ = nn.Embedding(2.5, 3) end))
    assert.are.equal('Embedding: expected embedding_dim to be a non-negative integer, got nil',
                     err(function() local _ = nn.Embedding(3) end))
    assert.are.equal('Embedding: expected padding_idx in 1..10 (or -10..-1 from the end), got 0',
                     err(function() local _ = nn.Embedding(10, 3, {padding_idx = 0}) end))
    assert.are.equal('Embedding: expected padding_idx in 1..10 (or -10..-1 from the end), got 11',
                     err(function() local _ = nn.Embedding(10, 3, {padding_idx = 11}) end))
    assert.are.equal("Embedding: unknown option 'max_norm'",
                     err(function() local _ = nn.Embedding(10, 3, {max_norm = 1}) end))
    assert.are.equal('Embedding: expected init to be a function(weight), got string',
                     err(function() local _ = nn.Embedding(10, 3, {init = 'normal'}) end))
    assert.are.equal('embedding: expected weight of shape {num_embeddings, embedding_dim}, got shape {3}',
                     err(function() local _ = F.embedding(ids{1}, mg.zeros(3)) end))
    assert.are.equal("embedding: unknown option 'padding'",
                     err(function() local _ = F.embedding(ids{1}, mg.zeros(3, 2), {padding = 1}) end))
    assert.is_nil(emb.weight.grad) -- nothing ran
  end)
end)

-- torch 1.13, float64: nn.Embedding(5, 3, sparse=True, padding_idx=4) with the weights below,
-- optim.SGD(lr=0.5), loss ((emb(ids).sum(1) - t) ** 2).mean() for ids [1, 3, 1, 4] and
-- [0, 4, 2] (0-based), t = 0.5 and -1: the coalesced gradients and the final weights.
describe('nn.Embedding with sparse = true', function()
  local START = {{0.1, -0.2, 0.3}, {0.4, 0.5, -0.6}, {-0.7, 0.8, 0.9}, {1.0, -1.1, 1.2}, {0.0, 0.2, -0.4}}
  local function sparse_layer()
    local emb = nn.Embedding(5, 3, {sparse = true, padding_idx = 5, dtype = 'float64'})
    mg.no_grad(function() emb.weight:copy_(f64(START)) end)
    return emb
  end

  it('keeps the gradient of the rows looked up, summed per id, without the padding row', function()
    local emb = sparse_layer()
    assert.are.equal('Embedding(5, 3, padding_idx=5, sparse=true)', tostring(emb):match('^[^\n]*'):match('^(.-)%s%s'))
    local y = emb(ids{2, 4, 2, 5})
    assert.are.same({START[2], START[4], START[2], START[5]}, y:totable()) -- as a dense lookup
    local loss = ((y:sum(2) - 0.5) ^ 2):mean()
    loss:backward()
    assert.is_nil(emb.weight.grad)
    local at, values = nn.sparse_grad(emb.weight)
    assert.are.same({2, 4}, at:totable())
    h.assert_close({{-0.19999999999999996, -0.19999999999999996, -0.19999999999999996},
                    {0.29999999999999993, 0.29999999999999993, 0.29999999999999993}}, values:totable(), 1e-15)
    emb:zero_grad()
    assert.is_nil(nn.sparse_grad(emb.weight))
    mg.no_grad(function() emb(ids{1}) end) -- no lookup kept without grad
    assert.is_nil(nn.sparse_grad(emb.weight))
  end)

  it('SGD moves only those rows, as torch.optim.SGD on a sparse gradient', function()
    local emb = sparse_layer()
    local opt = mg.optim.SGD(emb:parameters(), {lr = 0.5})
    for k, batch in ipairs{{2, 4, 2, 5}, {1, 5, 3}} do
      opt:zero_grad()
      local loss = ((emb(ids(batch)):sum(2) - ({0.5, -1.0})[k]) ^ 2):mean()
      loss:backward()
      opt:step()
    end
    h.assert_close({{-0.29999999999999993, -0.6, -0.09999999999999998}, {0.5, 0.6000000000000001, -0.5},
                    {-1.3666666666666667, 0.13333333333333341, 0.2333333333333334}, {0.8500000000000001, -1.25, 1.05},
                    {0.0, 0.2, -0.4}}, emb.weight:totable(), 1e-12)
  end)

  -- torch 1.13: nn.EmbeddingBag(5, 2, mode='mean', sparse=True), ids [1, 3, 1, 0, 4] in bags
  -- at offsets [0, 3], gradient of sum(y * G): the coalesced sparse gradient
  it('EmbeddingBag keeps its gradient the same way', function()
    local bag = nn.EmbeddingBag(5, 2, {sparse = true, dtype = 'float64'})
    mg.no_grad(function() bag.weight:copy_(f64{{0.1, -0.2}, {0.4, 0.5}, {-0.7, 0.8}, {1.0, -1.1}, {0.0, 0.2}}) end)
    local y = bag(ids{2, 4, 2, 1, 5}, ids{1, 4})
    local loss = (y * f64{{1, 2}, {-1, 0.5}}):sum()
    loss:backward()
    assert.is_nil(bag.weight.grad)
    local at, values = nn.sparse_grad(bag.weight)
    assert.are.same({1, 2, 4, 5}, at:totable())
    h.assert_close({{-0.5, 0.25}, {0.6666666666666666, 1.3333333333333333}, {0.3333333333333333, 0.6666666666666666},
                    {-0.5, 0.25}}, values:totable(), 1e-15)
  end)

  it('is refused by optimizers that need a dense gradient, and by SGD with momentum', function()
    local emb = sparse_layer()
    emb(ids{1}):sum():backward()
    local adam = mg.optim.Adam(emb:parameters())
    assert.matches('Adam: step: a parameter has a sparse gradient (an embedding with sparse = true), which only SGD '
                   .. 'and SparseAdam take', err(function() adam:step() end), 1, true)
    local sgd = mg.optim.SGD(emb:parameters(), {lr = 0.1, momentum = 0.9})
    assert.matches('take neither momentum nor weight_decay', err(function() sgd:step() end), 1, true)
    assert.are.same(START, emb.weight:totable()) -- unchanged
    assert.matches("Embedding: expected sparse to be a boolean, got string",
                   err(function() nn.Embedding(3, 2, {sparse = 'yes'}) end), 1, true)
  end)
end)

describe('nn.EmbeddingBag', function()
  -- bags {1, 3}, {}, {3, 6, 2}, {4, 5}: offsets 1, 3, 3, 6 (PyTorch's 0, 2, 2, 5)
  local INPUT, OFFSETS = {1, 3, 3, 6, 2, 4, 5}, {1, 3, 3, 6}
  local G = {{1, 2, 3}, {-1, 0.5, 2}, {0.25, -2, 1}, {3, 1, -1}}
  local PSW = {0.5, 2, -1, 1.5, 0.25, 3, -0.5}

  -- y and weight.grad of a bag layer with W on INPUT/OFFSETS (and psw, which gets a grad).
  local function run(opts, psw)
    local bag = with_w(nn.EmbeddingBag(6, 3, opts))
    local y = bag(ids(INPUT), ids(OFFSETS), psw)
    backward_weighted(y, G)
    return y, bag.weight.grad
  end

  it("mode 'sum' adds each bag's rows; an empty bag gives zeros (PyTorch)", function()
    local y, grad = run({mode = 'sum'})
    h.assert_close(y, {{0.3, -0.3, 1.8}, {0, 0, 0}, {1.6, 2.7, -0.1}, {-0.5, -0.4, 0.7}}, 1e-12, 1e-12)
    h.assert_close(grad, {{1.0, 2.0, 3.0}, {0.25, -2.0, 1.0}, {1.25, 0.0, 4.0}, {3.0, 1.0, -1.0}, {3.0, 1.0, -1.0}, {0.25, -2.0, 1.0}}, 1e-12, 1e-12)
  end)

  it("mode 'mean' (the default) averages; an empty bag gives zeros (PyTorch)", function()
    local y, grad = run()
    h.assert_close(y, {{0.15, -0.15, 0.9}, {0, 0, 0}, {0.5333333333, 0.9, -0.0333333333}, {-0.25, -0.2, 0.35}}, 1e-9, 1e-9)
    h.assert_close(grad, {{0.5, 1.0, 1.5}, {0.0833333333, -0.6666666667, 0.3333333333},
      {0.5833333333, 0.3333333333, 1.8333333333}, {1.5, 0.5, -0.5}, {1.5, 0.5, -0.5},
      {0.0833333333, -0.6666666667, 0.3333333333}}, 1e-9, 1e-9)
  end)

  it("mode 'max' takes the elementwise max; the gradient goes to the chosen rows (PyTorch)", function()
    local y, grad = run({mode = 'max'})
    h.assert_close(y, {{0.5, 0.9, 1.5}, {0, 0, 0}, {1.1, 1.4, 1.5}, {0.8, 0.2, 0.6}}, 1e-12, 1e-12)
    h.assert_close(grad, {{1.0, 0.0, 0.0}, {0.25, 0.0, 0.0}, {0.0, 2.0, 4.0}, {3.0, 0.0, 0.0}, {0.0, 1.0, -1.0}, {0.0, -2.0, 0.0}}, 1e-12, 1e-12)
  end)

  it("per_sample_weights scale each entry in mode 'sum', with gradients for both (PyTorch)", function()
    local psw = mg.tensor(PSW, {dtype = 'float64', requires_grad = true})
    local y, grad = run({mode = 'sum'}, psw)
    h.assert_close(y, {{-0.15, 1.2, 3.15}, {0, 0, 0}, {1.525, 1.3, -3.025}, {3.05, -1.9, 0.0}}, 1e-12, 1e-12)
    h.assert_close(grad, {{0.5, 1.0, 1.5}, {0.0625, -0.5, 0.25}, {1.75, 6.0, 5.0}, {9.0, 3.0, -3.0}, {-1.5, -0.5, 0.5}, {0.375, -3.0, 1.5}}, 1e-12, 1e-12)
    h.assert_close(psw.grad, {-1.0, 6.1, -0.35, -3.525, -1.225, 1.7, -4.3}, 1e-12, 1e-12)
  end)

  it('padding_idx entries are left out of sums, means (and their counts) and maxima (PyTorch)', function()
    local y, grad = run({mode = 'mean', padding_idx = 3})
    h.assert_close(y, {{0.5, -1.2, 0.3}, {0, 0, 0}, {0.9, 0.9, -0.8}, {-0.25, -0.2, 0.35}}, 1e-12, 1e-12)
    h.assert_close(grad, {{1.0, 2.0, 3.0}, {0.125, -1.0, 0.5}, {0, 0, 0}, {1.5, 0.5, -0.5}, {1.5, 0.5, -0.5}, {0.125, -1.0, 0.5}}, 1e-12, 1e-12)
    local psw = mg.tensor(PSW, {dtype = 'float64', requires_grad = true})
    y, grad = run({mode = 'sum', padding_idx = 3}, psw)
    h.assert_close(y, {{0.25, -0.6, 0.15}, {0, 0, 0}, {1.325, 2.2, -1.525}, {3.05, -1.9, 0.0}}, 1e-12, 1e-12)
    h.assert_close(grad, {{0.5, 1.0, 1.5}, {0.0625, -0.5, 0.25}, {0, 0, 0}, {9.0, 3.0, -3.0}, {-1.5, -0.5, 0.5}, {0.375, -3.0, 1.5}}, 1e-12, 1e-12)
    h.assert_close(psw.grad, {-1.0, 0.0, 0.0, -3.525, -1.225, 1.7, -4.3}, 1e-12, 1e-12)
    y, grad = run({mode = 'max', padding_idx = 3})
    h.assert_close(y, {{0.5, -1.2, 0.3}, {0, 0, 0}, {1.1, 1.4, -0.7}, {0.8, 0.2, 0.6}}, 1e-12, 1e-12)
    h.assert_close(grad, {{1.0, 2.0, 3.0}, {0.25, 0.0, 1.0}, {0, 0, 0}, {3.0, 0.0, 0.0}, {0.0, 1.0, -1.0}, {0.0, -2.0, 0.0}}, 1e-12, 1e-12)
  end)

  it('takes 2-D input {bags, length} without offsets (PyTorch)', function()
    local G2 = {G[1], G[2]}
    local bag = with_w(nn.EmbeddingBag(6, 3))
    local y = bag(ids{{2, 2, 5}, {6, 1, 3}})
    h.assert_close(y, {{0.3, 0.3333333333, -0.2666666667}, {0.3333333333, 0.3666666667, 0.3}}, 1e-9, 1e-9)
    backward_weighted(y, G2)
    h.assert_close(bag.weight.grad, {{-0.3333333333, 0.1666666667, 0.6666666667}, {0.6666666667, 1.3333333333, 2.0},
      {-0.3333333333, 0.1666666667, 0.6666666667}, {0, 0, 0}, {0.3333333333, 0.6666666667, 1.0},
      {-0.3333333333, 0.1666666667, 0.6666666667}}, 1e-9, 1e-9)
    bag = with_w(nn.EmbeddingBag(6, 3, {mode = 'max'}))
    y = bag(ids{{2, 2, 5}, {6, 1, 3}})
    h.assert_close(y, {{1.1, 0.4, 0.6}, {0.7, 1.4, 1.5}}, 1e-12, 1e-12)
    backward_weighted(y, G2)
    h.assert_close(bag.weight.grad, {{0, 0, 0}, {1.0, 2.0, 0.0}, {0.0, 0.0, 2.0}, {0, 0, 0}, {0.0, 0.0, 3.0}, {-1.0, 0.5, 0.0}}, 1e-12, 1e-12)
  end)

  it('handles no indices: trailing empty bags, all bags empty, zero bags', function()
    local bag = with_w(nn.EmbeddingBag(6, 3, {mode = 'max'}))
    -- offset 3 = #input + 1 opens an empty last bag (by hand: bag 1 is rows 1 and 2)
    h.assert_close(bag(ids{1, 2}, ids{1, 3}), {{1.1, 0.4, 0.3}, {0, 0, 0}}, 1e-12, 1e-12)
    h.assert_close(bag(mg.zeros(0, {dtype = 'int64'}), ids{1, 1}), {{0, 0, 0}, {0, 0, 0}})
    assert.are.same({0, 3}, bag(mg.zeros(0, {dtype = 'int64'}), mg.zeros(0, {dtype = 'int64'})).shape)
    assert.are.same({2, 3}, nn.EmbeddingBag(6, 3)(mg.zeros(2, 0, {dtype = 'int64'})).shape)
  end)

  it('passes gradcheck in float64 for every mode, with offsets, padding and per_sample_weights', function()
    local input, offsets = ids{1, 4, 4, 2, 3, 1, 5}, ids{1, 3, 3, 6}
    for _, mode in ipairs{'sum', 'mean', 'max'} do
      local w = nn.EmbeddingBag(5, 2, {mode = mode}):double().weight
      assert.is_true(mg.gradcheck(function(weight)
        return F.embedding_bag(input, weight, offsets, {mode = mode, padding_idx = 4})
      end, {w}))
    end
    local w = mg.randn(5, 2, {dtype = 'float64', requires_grad = true})
    local psw = mg.randn(7, {dtype = 'float64', requires_grad = true})
    assert.is_true(mg.gradcheck(function(weight, p)
      return F.embedding_bag(input, weight, offsets, {mode = 'sum', per_sample_weights = p})
    end, {w, psw}))
  end)

  it('rejects bad inputs, offsets and settings, naming the layer at the caller\'s line', function()
    local bag = nn.EmbeddingBag(10, 3)
    assert.are.equal('EmbeddingBag: index 11 is out of range for 10 embeddings (expected 1..10)',
                     err(function() local _ = bag(ids{1, 11}, ids{1}) end))
    assert.are.equal("EmbeddingBag: expected indices as an int64 tensor (make it with {dtype = 'int64'}), got a float32 tensor",
                     err(function() local _ = bag(mg.tensor{1, 2}, ids{1}) end))
    assert.are.equal('EmbeddingBag: expected offsets with 1-D input (or a 2-D input {bags, length})',
                     err(function() local _ = bag(ids{1, 2}) end))
    assert.are.equal('EmbeddingBag: offsets must be nil when input is 2-D (each row is a bag)',
                     err(function() local _ = bag(ids{{1, 2}}, ids{1}) end))
    assert.are.equal('EmbeddingBag: expected input of 1 (with offsets) or 2 dimensions, got shape {1,1,2}',
                     err(function() local _ = bag(ids{{{1, 2}}}) end))
    assert.are.equal('EmbeddingBag: expected offsets as a 1-D int64 tensor, got a float32 tensor of shape {1}',
                     err(function() local _ = bag(ids{1, 2}, mg.tensor{1}) end))
    assert.are.equal('EmbeddingBag: expected offsets to start at 1, got 0',
                     err(function() local _ = bag(ids{1, 2, 3}, ids{0, 2}) end))
    assert.are.equal('EmbeddingBag: expected non-decreasing offsets, got 2 after 3 (offsets 4 and 3)',
                     err(function() local _ = bag(ids{1, 2, 3}, ids{1, 2, 3, 2}) end))
    assert.are.equal('EmbeddingBag: expected offsets of at most 4 (the number of indices + 1), got 5',
                     err(function() local _ = bag(ids{1, 2, 3}, ids{1, 5}) end))
    assert.are.equal('EmbeddingBag: expected offsets for 3 indices, got none',
                     err(function() local _ = bag(ids{1, 2, 3}, mg.zeros(0, {dtype = 'int64'})) end))
    assert.are.equal("EmbeddingBag: per_sample_weights need mode 'sum', got 'mean'",
                     err(function() local _ = bag(ids{1, 2}, ids{1}, mg.ones(2)) end))
    local summing = nn.EmbeddingBag(10, 3, {mode = 'sum'})
    assert.are.equal("EmbeddingBag: expected per_sample_weights as a float32 tensor of the input's shape {2}, got a float32 tensor of shape {3}",
                     err(function() local _ = summing(ids{1, 2}, ids{1}, mg.ones(3)) end))
    assert.are.equal("EmbeddingBag: expected per_sample_weights as a float32 tensor of the input's shape {2}, got a float64 tensor of shape {2}",
                     err(function() local _ = summing(ids{1, 2}, ids{1}, mg.ones(2, {dtype = 'float64'})) end))
    assert.are.equal("EmbeddingBag: expected mode 'sum', 'mean' or 'max', got min",
                     err(function() local _ = nn.EmbeddingBag(10, 3, {mode = 'min'}) end))
    assert.are.equal("EmbeddingBag: unknown option 'max_norm'",
                     err(function() local _ = nn.EmbeddingBag(10, 3, {max_norm = 1}) end))
    assert.are.equal('EmbeddingBag: expected padding_idx in 1..10 (or -10..-1 from the end), got 1.5',
                     err(function() local _ = nn.EmbeddingBag(10, 3, {padding_idx = 1.5}) end))
    assert.are.equal("embedding_bag: expected mode 'sum', 'mean' or 'max', got 1",
                     err(function() local _ = F.embedding_bag(ids{1}, mg.zeros(3, 2), ids{1}, {mode = 1}) end))
    assert.are.equal("embedding_bag: unknown option 'offsets'",
                     err(function() local _ = F.embedding_bag(ids{1}, mg.zeros(3, 2), {offsets = ids{1}}) end))
    assert.is_nil(bag.weight.grad)
  end)

  it('F.embedding_bag takes the options in place of offsets for 2-D input', function()
    -- by hand: rows 1 and 3 of W summed
    h.assert_close(F.embedding_bag(ids{{1, 3}}, f64(W), {mode = 'sum'}), {{0.3, -0.3, 1.8}}, 1e-12, 1e-12)
    assert.are.equal("EmbeddingBag(6, 3, mode='sum', padding_idx=2)",
                     tostring(nn.EmbeddingBag(6, 3, {mode = 'sum', padding_idx = 2})):match('^(.-%))'))
  end)
end)
