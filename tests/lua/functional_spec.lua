-- nn.functional and the layers that wrap it: activations, softmax, linear, dropout. Values
-- are recorded from PyTorch 1.13 (float64) on the inputs typed here; every function is
-- gradient-checked in float64, and bad input gives errors naming the function.
local mg = require 'moongrad'
local h = require 'tests.lua.helpers'
local nn, F = mg.nn, mg.nn.functional

local function D(v) return mg.tensor(v, {dtype = 'float64'}) end
local function leaf(v) return D(v):requires_grad_() end

-- PyTorch 1.13 on these inputs.
local X = {-100, -3, -1.5, -0.5, 0, 0.5, 1.5, 3, 100}
local ACTIVATIONS = {
  relu = {0.0, 0.0, 0.0, 0.0, 0.0, 0.5, 1.5, 3.0, 100.0},
  leaky_relu = {-1.0, -0.03, -0.015, -0.005, 0.0, 0.5, 1.5, 3.0, 100.0},
  elu = {-1.0, -0.950212931632136, -0.7768698398515702, -0.3934693402873666, 0.0, 0.5, 1.5, 3.0, 100.0},
  gelu = {-0.0, -0.00404969409489031, -0.10021080190328704, -0.15426876936299344, 0.0,
          0.34573123063700656, 1.399789198096713, 2.99595030590511, 100.0},
  sigmoid = {3.7200759760208356e-44, 0.04742587317756678, 0.18242552380635635, 0.3775406687981454,
             0.5, 0.6224593312018546, 0.8175744761936437, 0.9525741268224334, 1.0},
  tanh = {-1.0, -0.9950547536867305, -0.9051482536448664, -0.46211715726000974, 0.0,
          0.46211715726000974, 0.9051482536448664, 0.9950547536867305, 1.0},
}
local LEAKY_02 = {-20.0, -0.6000000000000001, -0.30000000000000004, -0.1, 0.0, 0.5, 1.5, 3.0, 100.0}
local ELU_05 = {-0.5, -0.475106465816068, -0.3884349199257851, -0.1967346701436833, 0.0, 0.5, 1.5, 3.0, 100.0}
local GELU_TANH = {-0.0, -0.0036373920817729943, -0.10042842301976707, -0.15428599017485606, 0.0,
                   0.34571400982514394, 1.3995715769802328, 2.996362607918227, 100.0}

describe('activation functions', function()
  it('match PyTorch in float64, as functions and as layers', function()
    local modules = {relu = nn.ReLU(), leaky_relu = nn.LeakyReLU(), elu = nn.ELU(), gelu = nn.GELU(),
                     sigmoid = nn.Sigmoid(), tanh = nn.Tanh()}
    for name, expected in pairs(ACTIVATIONS) do
      h.assert_close(F[name](D(X)), expected, 1e-12, 1e-300)
      h.assert_close(modules[name](D(X)), expected, 1e-12, 1e-300)
    end
  end)

  it('take their settings', function()
    h.assert_close(F.leaky_relu(D(X), 0.2), LEAKY_02, 1e-12)
    h.assert_close(nn.LeakyReLU(0.2)(D(X)), LEAKY_02, 1e-12)
    h.assert_close(F.elu(D(X), 0.5), ELU_05, 1e-12)
    h.assert_close(nn.ELU(0.5)(D(X)), ELU_05, 1e-12)
    h.assert_close(F.gelu(D(X), {approximate = 'tanh'}), GELU_TANH, 1e-12)
    h.assert_close(nn.GELU{approximate = 'tanh'}(D(X)), GELU_TANH, 1e-12)
  end)

  it('keep float32 and float32 tolerance', function()
    for name, expected in pairs(ACTIVATIONS) do
      local y = F[name](mg.tensor(X))
      assert.are.equal('float32', y.dtype)
      h.assert_close(y, expected, 1e-6, 1e-7)
    end
  end)

  it('ELU has finite gradients for large inputs', function()
    local x = leaf{-100, 100, 1000}
    F.elu(x):backward(D{1, 1, 1})
    h.assert_close(x.grad, {math.exp(-100), 1, 1}, 1e-12)
  end)

  it('pass gradcheck', function()
    local x = leaf{{-2.5, -1.2, -0.3}, {0.4, 1.1, 2.7}} -- away from the kinks at 0
    for _, fn in ipairs{F.relu, F.leaky_relu, F.elu, F.gelu, F.sigmoid, F.tanh,
                        function(v) return F.leaky_relu(v, 0.3) end,
                        function(v) return F.elu(v, 0.7) end,
                        function(v) return F.gelu(v, {approximate = 'tanh'}) end} do
      assert.is_true(mg.gradcheck(fn, {x}))
    end
    for _, layer in ipairs{nn.ReLU(), nn.LeakyReLU(0.1), nn.ELU(), nn.GELU(), nn.Sigmoid(),
                           nn.Tanh()} do
      assert.is_true(mg.gradcheck(function(v) return layer(v) end, {x}))
    end
  end)

  it('Identity returns its input', function()
    local x = mg.randn(2, 3)
    assert.are.equal(x, nn.Identity()(x))
  end)

  it('gelu rejects an unknown approximation', function()
    h.assert_error_with(function() F.gelu(D(X), {approximate = 'erf'}) end, 'gelu', "'none' or 'tanh'", 'erf')
  end)
end)

describe('softmax and log_softmax', function()
  local m = {{1.0, 2.0, 3.0}, {-1.0, 0.5, 4.0}}
  local SOFTMAX1 = {{0.8807970779778823, 0.8175744761936437, 0.2689414213699951},
                    {0.11920292202211755, 0.18242552380635632, 0.7310585786300049}}
  local SOFTMAX2 = {{0.09003057317038045, 0.2447284710547976, 0.6652409557748218},
                    {0.00649794331566194, 0.0291217615374784, 0.9643802951468596}}
  local LOGSOFTMAX1 = {{-0.1269280110429726, -0.20141327798275246, -1.3132616875182228},
                       {-2.1269280110429727, -1.7014132779827524, -0.31326168751822286}}
  local LOGSOFTMAX2 = {{-2.4076059644443806, -1.4076059644443804, -0.4076059644443804},
                       {-5.036269565124779, -3.5362695651247793, -0.03626956512477912}}

  it('match PyTorch along 1-based and negative dims; the default dim is the last', function()
    h.assert_close(F.softmax(D(m), 1), SOFTMAX1, 1e-12)
    h.assert_close(F.softmax(D(m), 2), SOFTMAX2, 1e-12)
    h.assert_close(F.softmax(D(m), -1), SOFTMAX2, 1e-12)
    h.assert_close(F.softmax(D(m)), SOFTMAX2, 1e-12)
    h.assert_close(F.log_softmax(D(m), 1), LOGSOFTMAX1, 1e-12)
    h.assert_close(F.log_softmax(D(m)), LOGSOFTMAX2, 1e-12)
    h.assert_close(nn.Softmax(1)(D(m)), SOFTMAX1, 1e-12)
    h.assert_close(nn.Softmax()(D(m)), SOFTMAX2, 1e-12)
    h.assert_close(nn.LogSoftmax(-2)(D(m)), LOGSOFTMAX1, 1e-12)
    h.assert_close(nn.LogSoftmax()(mg.tensor(m)), LOGSOFTMAX2, 1e-6)
  end)

  it('are stable for logits like 1000', function()
    local big = {{1000.0, 0.0, -1000.0}, {1000.0, 1000.0, 999.0}}
    h.assert_close(F.softmax(mg.tensor(big)), {{1.0, 0.0, 0.0},
                   {0.4223187982515182, 0.4223187982515182, 0.15536240349696362}}, 1e-6)
    h.assert_close(F.log_softmax(mg.tensor(big)), {{0.0, -1000.0, -2000.0},
                   {-0.8619948040582511, -0.8619948040582511, -1.8619948040582512}}, 1e-6, 1e-6)
  end)

  it('pass gradcheck', function()
    local x = leaf(m)
    for _, layer in ipairs{nn.Softmax(1), nn.Softmax(), nn.LogSoftmax(1), nn.LogSoftmax()} do
      assert.is_true(mg.gradcheck(function(v) return layer(v) end, {x}))
    end
  end)
end)

describe('linear', function()
  local x = {{0.5, -1.0, 2.0}, {1.5, 0.25, -0.75}}
  local w = {{0.1, 0.2, 0.3}, {-0.4, 0.5, -0.6}, {0.7, -0.8, 0.9}, {0.05, 0.0, -0.15}}
  local b = {0.01, -0.02, 0.03, 0.5}
  local Y = {{0.45999999999999996, -1.92, 2.98, 0.22500000000000003},
             {-0.01499999999999998, -0.04500000000000011, 0.20499999999999985, 0.6875}}

  it('matches PyTorch for 1-, 2- and 3-D inputs, with and without bias', function()
    h.assert_close(F.linear(D(x), D(w), D(b)), Y, 1e-12)
    h.assert_close(F.linear(D(x), D(w)), {{0.44999999999999996, -1.9, 2.95, -0.27499999999999997},
                   {-0.02499999999999998, -0.025000000000000105, 0.17499999999999985, 0.1875}}, 1e-12)
    h.assert_close(F.linear(D(x[1]), D(w), D(b)), Y[1], 1e-12)
    local x3 = mg.stack({D(x), D(x) * 2}, 1)
    h.assert_close(F.linear(x3, D(w), D(b)), {Y, {{0.9099999999999999, -3.82, 5.930000000000001, -0.04999999999999993},
                   {-0.03999999999999996, -0.07000000000000021, 0.37999999999999967, 0.875}}}, 1e-12)
  end)

  it('passes gradcheck for input, weight and bias', function()
    local xs, ws, bs = leaf(x), leaf(w), leaf(b)
    assert.is_true(mg.gradcheck(F.linear, {xs, ws, bs}))
    assert.is_true(mg.gradcheck(F.linear, {xs, ws}))
    assert.is_true(mg.gradcheck(F.linear, {mg.stack({D(x), D(x)}, 1):requires_grad_(), ws, bs}))
  end)

  it('names the feature count when the input does not fit', function()
    h.assert_error_with(function() F.linear(mg.zeros(2, 5), mg.zeros(4, 3)) end,
                        'linear', '3 features', '{2,5}')
  end)
end)

describe('dropout', function()
  it('is the identity when not training, for p = 0, and as a layer after eval()', function()
    local x = mg.randn(10, 10)
    assert.are.equal(x, F.dropout(x, 0.5, false))
    assert.are.equal(x, F.dropout(x, 0))
    local layer = nn.Dropout(0.3)
    layer:eval()
    assert.are.equal(x, layer(x))
  end)

  it('zeroes everything for p = 1', function()
    assert.are.same({0, 0, 0}, F.dropout(mg.ones(3), 1):totable())
  end)

  it('zeroes a fraction p and scales the rest by 1 / (1 - p) in training', function()
    mg.manual_seed(3)
    local x = mg.ones(200, 500)
    for _, p in ipairs{0.2, 0.5, 0.8} do
      local y = nn.Dropout(p)(x)
      local zeros = y:eq(0):sum():item() / x:numel()
      assert.is_true(math.abs(zeros - p) < 0.01, ('p = %g: %g zeroed'):format(p, zeros))
      local kept = y:masked_fill(y:eq(0), 1 / (1 - p))
      h.assert_close(kept:max():item(), 1 / (1 - p), 1e-6)
      h.assert_close(kept:min():item(), 1 / (1 - p), 1e-6)
      assert.is_true(math.abs(y:mean():item() - 1) < 0.03) -- the expectation is kept
    end
  end)

  it('passes gradcheck with a fixed mask', function()
    local layer = nn.Dropout(0.4)
    local x = leaf{{1, 2, 3, 4}, {5, 6, 7, 8}}
    assert.is_true(mg.gradcheck(function(v)
      mg.manual_seed(7)
      return layer(v)
    end, {x}))
  end)

  it('rejects p outside [0, 1]', function()
    h.assert_error_with(function() nn.Dropout(1.5) end, 'Dropout', '[0, 1]', '1.5')
    h.assert_error_with(function() F.dropout(mg.ones(2), -0.1) end, 'dropout', '[0, 1]', '-0.1')
  end)
end)
