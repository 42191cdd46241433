-- Losses of nn.functional and their modules: every reduction and option against values
-- recorded from PyTorch 1.13 (float64) on the inputs typed here, stability for huge logits,
-- gradcheck in float64, and errors for bad input. Class indices are 1-based here: PyTorch's
-- target {1, 4, 0, 2} is {2, 5, 1, 3}.
local mg = require 'moongrad'
local h = require 'tests.lua.helpers'
local nn, F = mg.nn, mg.nn.functional

local function D(v) return mg.tensor(v, {dtype = 'float64'}) end
local function L(v) return mg.tensor(v, {dtype = 'int64'}) end
local function leaf(v) return D(v):requires_grad_() end
local TOL = 1e-12

local REDUCTIONS = {'mean', 'sum', 'none'}

-- ---- regression ---------------------------------------------------------------------

local INPUT = {{0.5, -1.0, 2.0}, {1.5, 0.25, -0.75}}
local TARGET = {{0.3, -0.3, 0.5}, {-1.0, 0.2, 2.25}}

describe('regression losses', function()
  local expected = {
    mse_loss = {mean = 3.0054166666666666, sum = 18.0325,
                none = {{0.04000000000000001, 0.48999999999999994, 2.25}, {6.25, 0.0024999999999999988, 9.0}}},
    l1_loss = {mean = 1.325, sum = 7.95, none = {{0.2, 0.7, 1.5}, {2.5, 0.04999999999999999, 3.0}}},
    smooth_l1_loss = {mean = 0.9610416666666667, sum = 5.76625,
                      none = {{0.020000000000000004, 0.24499999999999997, 1.0}, {2.0, 0.0012499999999999994, 2.5}}},
    huber_loss = {mean = 0.9610416666666667, sum = 5.76625,
                  none = {{0.020000000000000004, 0.24499999999999997, 1.0}, {2.0, 0.0012499999999999994, 2.5}}},
  }
  local modules = {mse_loss = nn.MSELoss, l1_loss = nn.L1Loss, smooth_l1_loss = nn.SmoothL1Loss,
                   huber_loss = nn.HuberLoss}

  it('match PyTorch for every reduction, as functions and as modules', function()
    for name, by_reduction in pairs(expected) do
      for _, r in ipairs(REDUCTIONS) do
        local want = by_reduction[r]
        local got = F[name](D(INPUT), D(TARGET), {reduction = r})
        h.assert_close(type(want) == 'table' and got or got:item(), want, TOL)
        got = modules[name]{reduction = r}(D(INPUT), D(TARGET))
        h.assert_close(type(want) == 'table' and got or got:item(), want, TOL)
      end
      assert.are.same({}, F[name](D(INPUT), D(TARGET)).shape) -- 'mean' by default
      h.assert_close(F[name](D(INPUT), D(TARGET)):item(), by_reduction.mean, TOL)
    end
  end)

  it('take beta and delta', function()
    local none = {reduction = 'none'}
    h.assert_close(F.smooth_l1_loss(D(INPUT), D(TARGET), {beta = 0.5, reduction = 'none'}),
                   {{0.04000000000000001, 0.44999999999999996, 1.25}, {2.25, 0.0024999999999999988, 2.75}}, TOL)
    h.assert_close(F.smooth_l1_loss(D(INPUT), D(TARGET), {beta = 0, reduction = 'none'}),
                   {{0.2, 0.7, 1.5}, {2.5, 0.04999999999999999, 3.0}}, TOL)
    h.assert_close(F.huber_loss(D(INPUT), D(TARGET), {delta = 2, reduction = 'none'}),
                   {{0.020000000000000004, 0.24499999999999997, 1.125}, {3.0, 0.0012499999999999994, 4.0}}, TOL)
    h.assert_close(nn.HuberLoss{delta = 0.5, reduction = 'none'}(D(INPUT), D(TARGET)),
                   {{0.020000000000000004, 0.22499999999999998, 0.625}, {1.125, 0.0012499999999999994, 1.375}}, TOL)
    assert.are.same({2, 3}, F.l1_loss(D(INPUT), D(TARGET), none).shape)
  end)

  it('pass gradcheck for input and target', function()
    local x, y = leaf(INPUT), leaf(TARGET)
    for _, r in ipairs(REDUCTIONS) do
      for _, fn in ipairs{F.mse_loss, F.l1_loss, F.smooth_l1_loss, F.huber_loss} do
        assert.is_true(mg.gradcheck(function(a, b) return fn(a, b, {reduction = r}) end, {x, y}))
      end
      assert.is_true(mg.gradcheck(function(a, b) return F.smooth_l1_loss(a, b, {beta = 0.5, reduction = r}) end, {x, y}))
      assert.is_true(mg.gradcheck(function(a, b) return F.huber_loss(a, b, {delta = 2, reduction = r}) end, {x, y}))
    end
    local mse = nn.MSELoss()
    assert.is_true(mg.gradcheck(function(a, b) return mse(a, b) end, {x, y}))
  end)

  it('reject shape mismatches, bad reductions and unknown options', function()
    h.assert_error_with(function() F.mse_loss(mg.zeros(2, 3), mg.zeros(3)) end, 'mse_loss', '{2,3}', '{3}')
    h.assert_error_with(function() F.l1_loss(mg.zeros(2), mg.zeros(2), {reduction = 'avg'}) end,
                        'l1_loss', "'mean', 'sum' or 'none'", 'avg')
    h.assert_error_with(function() F.mse_loss(mg.zeros(2), mg.zeros(2), {reductoin = 'sum'}) end,
                        'mse_loss', 'unknown option', 'reductoin')
    h.assert_error_with(function() F.huber_loss(mg.zeros(2), mg.zeros(2), {delta = 0}) end, 'huber_loss', 'delta')
    h.assert_error_with(function() F.smooth_l1_loss(mg.zeros(2), mg.zeros(2), {beta = -1}) end, 'smooth_l1_loss', 'beta')
    h.assert_error_with(function() F.mse_loss(mg.zeros(2), {1, 2}) end, 'mse_loss', 'target', 'tensor', 'table')
    h.assert_error_with(function() nn.MSELoss{reduction = 'avg'}(mg.zeros(2), mg.zeros(2)) end, 'mse_loss', 'avg')
  end)
end)

-- ---- classification -----------------------------------------------------------------

local LOGITS = {{1.0, 2.0, 0.5, -1.0, 0.0}, {0.1, -0.2, 0.3, 2.5, -1.5},
                {3.0, 1.0, -2.0, 0.0, 0.5}, {-0.5, 0.5, 1.5, -1.5, 0.25}}
local CLASSES = {2, 5, 1, 3}
local WEIGHT = {1.0, 2.0, 0.5, 3.0, 1.5}

describe('cross_entropy and nll_loss', function()
  local expected = {
    plain = {mean = 1.4196001756434908, sum = 5.678400702573963,
             none = {0.5744379396277962, 4.252346766676392, 0.24211861841607712, 0.6094973778536982}},
    weight = {mean = 1.6148526673226211, sum = 8.074263336613106,
              none = {1.1488758792555924, 6.378520150014587, 0.24211861841607712, 0.3047486889268491}},
    smoothing = {mean = 1.512350175643491, sum = 6.049400702573964,
                 none = {0.7244379396277961, 4.078346766676392, 0.4921186184160772, 0.7544973778536982}},
    both = {mean = 1.9014997788228305, sum = 9.507498894114153,
            none = {1.6529208440853687, 5.779567085348116, 1.0411728526260065, 1.0338381120546627}},
  }
  local function opts(case, r)
    return ({plain = {reduction = r}, weight = {weight = D(WEIGHT), reduction = r},
             smoothing = {label_smoothing = 0.1, reduction = r},
             both = {weight = D(WEIGHT), label_smoothing = 0.2, reduction = r}})[case]
  end
  local function value(t) return t:dim() == 0 and t:item() or t end

  it('cross_entropy matches PyTorch with weights, label smoothing and every reduction', function()
    for case, by_reduction in pairs(expected) do
      for _, r in ipairs(REDUCTIONS) do
        h.assert_close(value(F.cross_entropy(D(LOGITS), L(CLASSES), opts(case, r))), by_reduction[r], TOL)
        h.assert_close(value(nn.CrossEntropyLoss(opts(case, r))(D(LOGITS), L(CLASSES))), by_reduction[r], TOL)
      end
    end
    h.assert_close(F.cross_entropy(D(LOGITS), L(CLASSES)):item(), expected.plain.mean, TOL)
    h.assert_close(F.cross_entropy(mg.tensor(LOGITS), L(CLASSES)):item(), expected.plain.mean, 1e-6)
  end)

  it('nll_loss of log_softmax is cross_entropy', function()
    local logp = D(LOGITS):log_softmax(2)
    for _, r in ipairs(REDUCTIONS) do
      h.assert_close(value(F.nll_loss(logp, L(CLASSES), {reduction = r})), expected.plain[r], TOL)
      h.assert_close(value(F.nll_loss(logp, L(CLASSES), {weight = D(WEIGHT), reduction = r})), expected.weight[r], TOL)
      h.assert_close(value(nn.NLLLoss{reduction = r}(logp, L(CLASSES))), expected.plain[r], TOL)
    end
  end)

  it('takes one sample as 1-D logits and a 0-d or 1-element target', function()
    local loss = F.cross_entropy(D(LOGITS[2]), L(4))
    assert.are.same({}, loss.shape)
    h.assert_close(loss:item(), 0.2523467666763921, TOL)
    h.assert_close(F.cross_entropy(D(LOGITS[2]), L{4}):item(), 0.2523467666763921, TOL)
    local none = F.cross_entropy(D(LOGITS[2]), L(4), {reduction = 'none'})
    assert.are.same({}, none.shape)
    h.assert_close(none:item(), 0.2523467666763921, TOL)
  end)

  it('is stable for logits like 1000', function()
    local big = {{1000.0, 0.0, -1000.0}, {0.0, 1000.0, 999.0}, {-1000.0, -1000.0, 1000.0}}
    h.assert_close(F.cross_entropy(D(big), L{1, 3, 1}, {reduction = 'none'}), {0, 1.3132616875182228, 2000.0}, TOL)
    h.assert_close(F.cross_entropy(D(big), L{1, 3, 1}):item(), 667.1044205625061, TOL)
    h.assert_close(F.cross_entropy(mg.tensor(big), L{1, 3, 1}, {reduction = 'none'}),
                   {0, 1.31326162815094, 2000.0}, 1e-6, 1e-6)
    local x = mg.tensor(big):requires_grad_()
    F.cross_entropy(x, L{1, 3, 1}):backward()
    for _, g in ipairs(x.grad:view(-1):totable()) do assert.is_true(g == g and math.abs(g) <= 1) end
  end)

  it('passes gradcheck for every option', function()
    local x = leaf(LOGITS)
    for case in pairs(expected) do
      for _, r in ipairs(REDUCTIONS) do
        assert.is_true(mg.gradcheck(function(v) return F.cross_entropy(v, L(CLASSES), opts(case, r)) end, {x}))
      end
    end
    local w = leaf(WEIGHT) -- the loss is differentiable in the class weights too
    assert.is_true(mg.gradcheck(function(v, u)
      return F.cross_entropy(v, L(CLASSES), {weight = u, label_smoothing = 0.1})
    end, {x, w}))
    local logp = leaf(LOGITS)
    for _, r in ipairs(REDUCTIONS) do
      assert.is_true(mg.gradcheck(function(v) return F.nll_loss(v, L(CLASSES), {weight = D(WEIGHT), reduction = r}) end, {logp}))
    end
    local ce = nn.CrossEntropyLoss{label_smoothing = 0.05}
    assert.is_true(mg.gradcheck(function(v) return ce(v, L(CLASSES)) end, {x}))
    assert.is_true(mg.gradcheck(function(v) return F.cross_entropy(v, L(3)) end, {leaf(LOGITS[1])}))
  end)

  it('rejects bad targets, shapes, weights and options', function()
    local x = mg.zeros(4, 5)
    h.assert_error_with(function() F.cross_entropy(x, L{1, 2, 6, 1}) end, 'cross_entropy', 'target 6', '5 classes', '1..5')
    h.assert_error_with(function() F.cross_entropy(x, L{0, 2, 3, 1}) end, 'cross_entropy', 'target 0', '1..5')
    h.assert_error_with(function() F.cross_entropy(x, mg.tensor{1, 2, 3, 1}) end, 'cross_entropy', 'int64', 'float32')
    h.assert_error_with(function() F.cross_entropy(x, L{1, 2, 3}) end, 'cross_entropy', '{4}', '{3}')
    h.assert_error_with(function() F.cross_entropy(x, L{{1}, {2}, {3}, {1}}) end, 'cross_entropy', '{4}', '{4,1}')
    h.assert_error_with(function() F.cross_entropy(mg.zeros(2, 3, 4), L{1, 2}) end, 'cross_entropy', '{N, C}', '{2,3,4}')
    h.assert_error_with(function() F.cross_entropy(x, L{1, 2, 3, 1}, {weight = mg.ones(4)}) end,
                        'cross_entropy', 'weight', '{5}', '{4}')
    h.assert_error_with(function() F.cross_entropy(x, L{1, 2, 3, 1}, {label_smoothing = 2}) end,
                        'cross_entropy', 'label_smoothing', '2')
    h.assert_error_with(function() F.cross_entropy(x, L{1, 2, 3, 1}, {reduction = 'total'}) end,
                        'cross_entropy', "'mean', 'sum' or 'none'", 'total')
    h.assert_error_with(function() F.nll_loss(x, L{1, 2, 3, 9}) end, 'nll_loss', 'target 9')
    h.assert_error_with(function() F.cross_entropy(x, nil) end, 'cross_entropy', 'target', 'nil')
  end)
end)

describe('binary_cross_entropy', function()
  local P = {{0.1, 0.5, 0.9}, {0.0, 1.0, 0.3}}
  local Y = {{0.0, 1.0, 1.0}, {1.0, 0.0, 0.25}}
  local W = {1.0, 2.0, 0.5}
  local expected = {
    plain = {mean = 33.578727936818524, sum = 201.47236762091114,
             none = {{0.10536051565782628, 0.6931471805599453, 0.10536051565782628}, {100.0, 100.0, 0.5684994090355333}}},
    weight = {mean = 50.304764139854065, sum = 301.8285848391244,
              none = {{0.10536051565782628, 1.3862943611198906, 0.05268025782891314}, {100.0, 200.0, 0.28424970451776665}}},
  }

  it('matches PyTorch, clamping the log at -100', function()
    for _, r in ipairs(REDUCTIONS) do
      local plain = F.binary_cross_entropy(D(P), D(Y), {reduction = r})
      h.assert_close(r == 'none' and plain or plain:item(), expected.plain[r], TOL)
      local weighted = nn.BCELoss{weight = D(W), reduction = r}(D(P), D(Y))
      h.assert_close(r == 'none' and weighted or weighted:item(), expected.weight[r], TOL)
    end
  end)

  it('has finite gradients where p is exactly 0 or 1', function()
    local p = leaf{0.0, 1.0, 0.5, 1.0}
    F.binary_cross_entropy(p, D{0, 1, 1, 0}, {reduction = 'sum'}):backward()
    for _, g in ipairs(p.grad:totable()) do assert.is_true(g == g and math.abs(g) < math.huge) end
    h.assert_close(p.grad[3]:item(), -2.0, TOL) -- PyTorch: -1 / 0.5
  end)

  it('passes gradcheck', function()
    local p = leaf{{0.1, 0.5, 0.9}, {0.2, 0.7, 0.3}}
    for _, r in ipairs(REDUCTIONS) do
      assert.is_true(mg.gradcheck(function(v, y) return F.binary_cross_entropy(v, y, {weight = D(W), reduction = r}) end,
                                  {p, leaf(Y)}))
    end
    local bce = nn.BCELoss()
    assert.is_true(mg.gradcheck(function(v) return bce(v, D(Y)) end, {p}))
  end)

  it('rejects probabilities outside [0, 1] and shape mismatches', function()
    h.assert_error_with(function() F.binary_cross_entropy(D{0.5, 1.5}, D{0, 1}) end, 'binary_cross_entropy', '[0, 1]')
    h.assert_error_with(function() F.binary_cross_entropy(D{0.5, 0.5}, D{0, 1, 1}) end, 'binary_cross_entropy', '{2}', '{3}')
  end)
end)

describe('binary_cross_entropy_with_logits', function()
  local X = {{-1000.0, -2.0, 0.0}, {0.5, 3.0, 1000.0}}
  local Y = {{0.0, 1.0, 0.5}, {1.0, 0.0, 1.0}}
  local W, PW = {1.0, 2.0, 0.5}, {2.0, 0.5, 3.0}
  local expected = {
    plain = {mean = 1.057123254559461, sum = 6.342739527356766,
             none = {{0.0, 2.1269280110429727, 0.6931471805599453}, {0.4740769841801067, 3.048587351573742, 0.0}}},
    pos_weight = {mean = 1.0744166144292222, sum = 6.446499686575333,
                  none = {{0.0, 1.0634640055214863, 1.3862943611198906}, {0.9481539683602134, 3.048587351573742, 0.0}}},
    both = {mean = 1.6442339771851024, sum = 9.865403863110615,
            none = {{0.0, 2.1269280110429727, 0.6931471805599453}, {0.9481539683602134, 6.097174703147484, 0.0}}},
  }
  local function opts(case, r)
    return ({plain = {reduction = r}, pos_weight = {pos_weight = D(PW), reduction = r},
             both = {weight = D(W), pos_weight = D(PW), reduction = r}})[case]
  end

  it('matches PyTorch for logits of any size, with weights and pos_weight', function()
    for case, by_reduction in pairs(expected) do
      for _, r in ipairs(REDUCTIONS) do
        local got = F.binary_cross_entropy_with_logits(D(X), D(Y), opts(case, r))
        h.assert_close(r == 'none' and got or got:item(), by_reduction[r], TOL)
        got = nn.BCEWithLogitsLoss(opts(case, r))(D(X), D(Y))
        h.assert_close(r == 'none' and got or got:item(), by_reduction[r], TOL)
      end
    end
    h.assert_close(F.binary_cross_entropy_with_logits(mg.tensor(X), mg.tensor(Y), {reduction = 'none'}),
                   expected.plain.none, 1e-6, 1e-6)
  end)

  it('has the gradient sigmoid(x) - y, also at x = 0', function()
    local x = leaf{0, 0, 0}
    F.binary_cross_entropy_with_logits(x, D{1, 0, 0.5}, {reduction = 'sum'}):backward()
    h.assert_close(x.grad, {-0.5, 0.5, 0.0}, TOL) -- PyTorch 1.13
  end)

  it('passes gradcheck', function()
    local x = leaf{{-3.0, -0.5, 0.25}, {0.5, 2.0, 4.0}}
    for case in pairs(expected) do
      for _, r in ipairs(REDUCTIONS) do
        assert.is_true(mg.gradcheck(function(v, y) return F.binary_cross_entropy_with_logits(v, y, opts(case, r)) end,
                                    {x, leaf(Y)}))
      end
    end
    local loss = nn.BCEWithLogitsLoss{pos_weight = D(PW)}
    assert.is_true(mg.gradcheck(function(v) return loss(v, D(Y)) end, {x}))
  end)

  it('rejects shape mismatches', function()
    h.assert_error_with(function() F.binary_cross_entropy_with_logits(D{1, 2}, D{{1, 2}}) end,
                        'binary_cross_entropy_with_logits', '{2}', '{1,2}')
  end)
end)

describe('loss modules', function()
  it('keep their options, print them, and convert class weights with :double()', function()
    local loss = nn.CrossEntropyLoss{weight = mg.tensor(WEIGHT), label_smoothing = 0.2}
    assert.are.equal('CrossEntropyLoss(label_smoothing=0.2)', tostring(loss))
    assert.are.equal('MSELoss', tostring(nn.MSELoss()))
    assert.are.equal('float32', loss.weight.dtype)
    loss:double()
    assert.are.equal('float64', loss.weight.dtype)
    h.assert_close(loss(D(LOGITS), L(CLASSES)):item(), 1.9014997788228305, TOL) -- PyTorch 1.13
  end)
end)
