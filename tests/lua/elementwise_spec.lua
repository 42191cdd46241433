-- Elementwise ops: values, broadcasting, operators, dtype promotion, in-place forms,
-- non-contiguous inputs, every dtype, empty and large tensors.
-- Reference values are by hand, or recorded from NumPy 1.24 (float64) where marked.
local mg = require 'moongrad'
local h = require 'tests.lua.helpers'

local NAN, INF = 0 / 0, math.huge

-- ---- binary ops -------------------------------------------------------------------------

describe('binary ops on values', function()
  local a = mg.tensor{1.5, -2, 3, 0.25}
  local b = mg.tensor{2, 4, -0.5, 3}

  it('add, sub, mul are exact on these float32 values', function()
    assert.are.same({3.5, 2, 2.5, 3.25}, a:add(b):totable())
    assert.are.same({-0.5, -6, 3.5, -2.75}, a:sub(b):totable())
    assert.are.same({3, -8, -1.5, 0.75}, a:mul(b):totable())
    assert.are.same({3.5, 2, 2.5, 3.25}, (a + b):totable())
    assert.are.same({-0.5, -6, 3.5, -2.75}, (a - b):totable())
    assert.are.same({3, -8, -1.5, 0.75}, (a * b):totable())
    assert.are.same({3.5, 2, 2.5, 3.25}, mg.add(a, b):totable())
  end)

  it('div and pow', function()
    -- NumPy: a / b and a ** b in float64
    h.assert_close(a:div(b), {0.75, -0.5, -6.0, 0.08333333333333333})
    h.assert_close(a / b, {0.75, -0.5, -6.0, 0.08333333333333333})
    h.assert_close(a:pow(b), {2.25, 16.0, 0.5773502691896257, 0.015625})
    h.assert_close(a ^ b, {2.25, 16.0, 0.5773502691896257, 0.015625})
    h.assert_close(mg.tensor{1, -1, 0} / 0, {INF, -INF, NAN})
  end)

  it('maximum and minimum', function()
    assert.are.same({2, 4, 3, 3}, a:maximum(b):totable())
    assert.are.same({1.5, -2, -0.5, 0.25}, a:minimum(b):totable())
    assert.are.same({2, 4, 3, 3}, mg.maximum(a, b):totable())
  end)

  it('maximum and minimum propagate NaN from either side', function()
    local x = mg.tensor{NAN, 1, NAN, -INF}
    local y = mg.tensor{1, NAN, NAN, 2}
    h.assert_close(x:maximum(y), {NAN, NAN, NAN, 2})
    h.assert_close(x:minimum(y), {NAN, NAN, NAN, -INF})
    h.assert_close(y:maximum(x), {NAN, NAN, NAN, 2})
    h.assert_close(y:minimum(x), {NAN, NAN, NAN, -INF})
    local xd, yd = x:double(), y:double()
    h.assert_close(xd:maximum(yd), {NAN, NAN, NAN, 2})
    h.assert_close(yd:minimum(xd), {NAN, NAN, NAN, -INF})
  end)

  it('comparisons return bool', function()
    local x = mg.tensor{1, 2, 3}
    local y = mg.tensor{3, 2, 1}
    local r = x:eq(y)
    assert.are.equal('bool', r.dtype)
    assert.are.same({false, true, false}, r:totable())
    assert.are.same({true, false, true}, x:ne(y):totable())
    assert.are.same({true, false, false}, x:lt(y):totable())
    assert.are.same({true, true, false}, x:le(y):totable())
    assert.are.same({false, false, true}, x:gt(y):totable())
    assert.are.same({false, true, true}, x:ge(y):totable())
    assert.are.same({false, true, false}, x:eq(2):totable())
    assert.are.same({true, true, false}, x:lt(2.5):totable())
  end)

  it('comparisons with NaN are false except ne', function()
    local x = mg.tensor{NAN, NAN}
    local y = mg.tensor{NAN, 1}
    assert.are.same({false, false}, x:eq(y):totable())
    assert.are.same({true, true}, x:ne(y):totable())
    assert.are.same({false, false}, x:lt(y):totable())
    assert.are.same({false, false}, x:ge(y):totable())
  end)

  it('logical_and and logical_or', function()
    local p = mg.tensor{true, true, false, false}
    local q = mg.tensor{true, false, true, false}
    assert.are.same({true, false, false, false}, p:logical_and(q):totable())
    assert.are.same({true, true, true, false}, p:logical_or(q):totable())
    assert.are.equal('bool', p:logical_or(q).dtype)
  end)
end)

-- ---- unary ops --------------------------------------------------------------------------

describe('unary ops on values', function()
  local x = mg.tensor{-2.5, -1, -0.25, 0, 0.5, 1, 3}
  local pos = mg.tensor{0.25, 0.5, 1, 2, 4, 10}

  -- Recorded from NumPy 1.24 in float64 on the same (float32-exact) inputs.
  local ref = {
    exp = {0.0820849986238988, 0.3678794411714424, 0.7788007830714049, 1.0, 1.6487212707001282,
           2.718281828459045, 20.085536923187668},
    sin = {-0.5984721441039564, -0.8414709848078965, -0.24740395925452296, 0.0,
           0.47942553860420295, 0.8414709848078965, 0.1411200080598672},
    cos = {-0.8011436155469338, 0.5403023058681397, 0.968912421710645, 1.0, 0.8775825618903725,
           0.5403023058681397, -0.9899924966004454},
    tanh = {-0.9866142981514303, -0.7615941559557649, -0.24491866240370913, 0.0,
            0.46211715726000974, 0.7615941559557649, 0.9950547536867305},
    sigmoid = {0.07585818002124355, 0.2689414213699951, 0.43782349911420193, 0.5,
               0.6224593312018546, 0.7310585786300049, 0.9525741268224334},
    log = {-1.3862943611198906, -0.6931471805599453, 0.0, 0.6931471805599453, 1.3862943611198906,
           2.3025850929940455},
    log1p = {0.22314355131420974, 0.4054651081081644, 0.6931471805599453, 1.0986122886681096,
             1.6094379124341003, 2.3978952727983707},
    sqrt = {0.5, 0.7071067811865476, 1.0, 1.4142135623730951, 2.0, 3.1622776601683795},
    rsqrt = {2.0, 1.414213562373095, 1.0, 0.7071067811865475, 0.5, 0.31622776601683794},
  }

  it('exp, sin, cos, tanh, sigmoid match NumPy in float32 and float64', function()
    for _, op in ipairs({'exp', 'sin', 'cos', 'tanh', 'sigmoid'}) do
      local r = x[op](x)
      assert.are.equal('float32', r.dtype)
      h.assert_close(r, ref[op])
      h.assert_close(mg[op](x), ref[op])
      local d = x:double()[op](x:double())
      assert.are.equal('float64', d.dtype)
      h.assert_close(d, ref[op], 1e-14, 1e-16)
    end
  end)

  it('log, log1p, sqrt, rsqrt match NumPy in float32 and float64', function()
    for _, op in ipairs({'log', 'log1p', 'sqrt', 'rsqrt'}) do
      h.assert_close(pos[op](pos), ref[op])
      h.assert_close(pos:double()[op](pos:double()), ref[op], 1e-14, 1e-16)
    end
  end)

  it('log, sqrt and rsqrt at the edges of their domain', function()
    h.assert_close(mg.tensor{0, -1}:log(), {-INF, NAN})
    h.assert_close(mg.tensor{0, -1}:sqrt(), {0, NAN})
    h.assert_close(mg.tensor{0}:rsqrt(), {INF})
    h.assert_close(mg.tensor{-1}:log1p(), {-INF})
  end)

  it('neg, abs, sign, relu', function()
    assert.are.same({2.5, 1, 0.25, 0, -0.5, -1, -3}, x:neg():totable())
    assert.are.same({2.5, 1, 0.25, 0, 0.5, 1, 3}, x:abs():totable())
    assert.are.same({-1, -1, -1, 0, 1, 1, 1}, x:sign():totable())
    assert.are.same({0, 0, 0, 0, 0.5, 1, 3}, x:relu():totable())
    assert.are.same({2.5, 1, 0.25, 0, -0.5, -1, -3}, (-x):totable())
  end)

  it('floor and ceil', function()
    local y = mg.tensor{-2.5, -1, -0.25, 0.5, 1.75, 3}
    assert.are.same({-3, -1, -1, 0, 1, 3}, y:floor():totable())
    assert.are.same({-2, -1, 0, 1, 2, 3}, y:ceil():totable())
  end)

  it('round goes half to even', function()
    local y = mg.tensor{0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -2.5, 0.75, -1.25}
    assert.are.same({0, 2, 2, 4, 0, -2, -2, 1, -1}, y:round():totable())
    assert.are.same({0, 2, 2, 4, 0, -2, -2, 1, -1}, y:double():round():totable())
  end)

  it('logical_not', function()
    assert.are.same({false, true}, mg.tensor{true, false}:logical_not():totable())
  end)
end)

-- ---- clamp and where ----------------------------------------------------------------------

describe('clamp', function()
  local x = mg.tensor{-2, -0.5, 0, 0.5, 2}

  it('clamps to both bounds', function()
    assert.are.same({0, 0, 0, 0.5, 1}, x:clamp(0, 1):totable())
    assert.are.same({-1, -0.5, 0, 0.5, 1}, mg.clamp(x, -1, 1):totable())
    assert.are.same({0, 0, 0, 0.5, 1}, x:clamp{min = 0, max = 1}:totable())
  end)

  it('clamps to one bound', function()
    assert.are.same({0, 0, 0, 0.5, 2}, x:clamp(0):totable())
    assert.are.same({-2, -0.5, 0, 0.5, 2}, x:clamp(-5):totable())
    assert.are.same({-2, -0.5, 0, 0, 0}, x:clamp(nil, 0):totable())
    assert.are.same({0, 0, 0, 0.5, 2}, x:clamp{min = 0}:totable())
    assert.are.same({-2, -0.5, 0, 0, 0}, x:clamp{max = 0}:totable())
  end)

  it('keeps int64 and propagates NaN', function()
    local i = mg.tensor({-5, 0, 5}, {dtype = 'int64'}):clamp(-1, 2)
    assert.are.equal('int64', i.dtype)
    assert.are.same({-1, 0, 2}, i:totable())
    h.assert_close(mg.tensor{NAN, 3}:clamp(0, 1), {NAN, 1})
  end)

  it('clamp_ works in place and returns the tensor', function()
    local y = mg.tensor{-2, 0.5, 2}
    assert.is_true(rawequal(y:clamp_(-1, 1), y))
    assert.are.same({-1, 0.5, 1}, y:totable())
  end)
end)

describe('where', function()
  it('picks from a where the condition holds and from b elsewhere', function()
    local c = mg.tensor{true, false, true}
    assert.are.same({1, 20, 3}, mg.where(c, mg.tensor{1, 2, 3}, mg.tensor{10, 20, 30}):totable())
  end)

  it('broadcasts condition, a and b, and accepts numbers', function()
    local c = mg.tensor{{true}, {false}}                -- {2,1}
    local a = mg.tensor{1, 2, 3}                        -- {3}
    local r = mg.where(c, a, 0)
    assert.are.same({2, 3}, r.shape)
    assert.are.same({{1, 2, 3}, {0, 0, 0}}, r:totable())
    assert.are.same({{-1, -1}, {5, 5}}, mg.where(mg.tensor{{true}, {false}}, -1, mg.tensor{5, 5}):totable())
  end)

  it('promotes a and b as arithmetic does', function()
    local r = mg.where(mg.tensor{true, false}, mg.tensor({1, 2}, {dtype = 'int64'}), mg.tensor{0.5, 0.5})
    assert.are.equal('float32', r.dtype)
    assert.are.same({1, 0.5}, r:totable())
    local d = mg.where(mg.tensor{false, true}, mg.tensor{1, 2}, mg.tensor({3, 4}, {dtype = 'float64'}))
    assert.are.equal('float64', d.dtype)
    assert.are.same({3, 2}, d:totable())
  end)

  it('takes a non-contiguous condition', function()
    local c = mg.tensor{{true, false}, {false, false}}:t() -- {{true,false},{false,false}}
    assert.are.same({{1, 0}, {0, 0}}, mg.where(c, 1, 0):totable())
    local c2 = mg.tensor{{true, true}, {false, false}}:t() -- {{true,false},{true,false}}
    assert.are.same({{1, 0}, {1, 0}}, mg.where(c2, 1, 0):totable())
  end)
end)

-- ---- broadcasting -------------------------------------------------------------------------

describe('broadcasting', function()
  it('{3,1} with {1,4} gives {3,4}', function()
    local a = mg.tensor{{1}, {2}, {3}}
    local b = mg.tensor{{10, 20, 30, 40}}
    local r = a + b
    assert.are.same({3, 4}, r.shape)
    assert.are.same({{11, 21, 31, 41}, {12, 22, 32, 42}, {13, 23, 33, 43}}, r:totable())
    assert.are.same({{-9, -19, -29, -39}, {-8, -18, -28, -38}, {-7, -17, -27, -37}}, (a - b):totable())
    assert.are.same({{10, 20, 30, 40}, {20, 40, 60, 80}, {30, 60, 90, 120}}, (a * b):totable())
    assert.are.same({{-9, -19, -29, -39}, {-8, -18, -28, -38}, {-7, -17, -27, -37}},
                    (b:neg() + a):totable())
  end)

  it('{2,3} with {3} gives {2,3}', function()
    local a = mg.tensor{{1, 2, 3}, {4, 5, 6}}
    local b = mg.tensor{10, 20, 30}
    assert.are.same({{11, 22, 33}, {14, 25, 36}}, (a + b):totable())
    assert.are.same({{9, 18, 27}, {6, 15, 24}}, (b - a):totable())
    assert.are.same({{true, false, false}, {false, false, false}}, a:lt(mg.tensor{2, 2, 2}):totable())
  end)

  it('a 0-d tensor broadcasts against anything', function()
    local s = mg.tensor(2)
    local a = mg.tensor{{1, 2}, {3, 4}}
    assert.are.same({{2, 4}, {6, 8}}, (a * s):totable())
    assert.are.same({{1, 0}, {-1, -2}}, (s - a):totable())
    local r = s + mg.tensor(3)
    assert.are.equal(0, r:dim())
    assert.are.equal(5, r:item())
  end)

  it('{2,1,4} with {3,1} gives {2,3,4}', function()
    local a = mg.arange(8):view(2, 1, 4)
    local b = mg.arange(3):view(3, 1) * 100
    local r = a + b
    assert.are.same({2, 3, 4}, r.shape)
    -- r[i][j][k] = (i-1)*4 + (k-1) + (j-1)*100
    assert.are.equal(1 * 4 + 3 + 2 * 100, r[{2, 3, 4}]:item())
    assert.are.equal(0 + 2 + 1 * 100, r[{1, 2, 3}]:item())
  end)
end)

-- ---- operators with numbers -----------------------------------------------------------------

describe('operators with Lua numbers', function()
  local t = mg.tensor{1, 2, 4}

  it('numbers on either side', function()
    assert.are.same({3, 4, 6}, (t + 2):totable())
    assert.are.same({3, 4, 6}, (2 + t):totable())
    assert.are.same({-1, 0, 2}, (t - 2):totable())
    assert.are.same({1, 0, -2}, (2 - t):totable())
    assert.are.same({3, 6, 12}, (t * 3):totable())
    assert.are.same({3, 6, 12}, (3 * t):totable())
    assert.are.same({0.5, 1, 2}, (t / 2):totable())
    assert.are.same({2, 1, 0.5}, (2 / t):totable())
    assert.are.same({1, 4, 16}, (t ^ 2):totable())
    assert.are.same({2, 4, 16}, (2 ^ t):totable())
    h.assert_close(t ^ 0.5, {1, math.sqrt(2), 2})
    assert.are.same({-1, -2, -4}, (-t):totable())
    assert.are.same({-1, -2, -4}, mg.neg(t):totable())
  end)

  it('method forms accept numbers too', function()
    assert.are.same({2, 3, 5}, t:add(1):totable())
    assert.are.same({0, 1, 3}, t:sub(1):totable())
    assert.are.same({2, 2, 4}, t:maximum(2):totable())
    assert.are.same({1, 2, 2}, t:minimum(2):totable())
    assert.are.same({2, 1, 0.5}, mg.div(2, t):totable())
    assert.are.same({1, 0, -2}, mg.sub(2, t):totable())
  end)

  it('chains like ordinary arithmetic', function()
    -- (t * 2 + 1) / (t - 0.5) = {3/0.5, 5/1.5, 9/3.5}
    h.assert_close((t * 2 + 1) / (t - 0.5), {6, 5 / 1.5, 9 / 3.5})
  end)
end)

-- ---- dtype promotion ----------------------------------------------------------------------

describe('dtype promotion', function()
  local i64 = mg.tensor({1, 2, 3}, {dtype = 'int64'})
  local f32 = mg.tensor{1, 2, 3}
  local f64 = mg.tensor({1, 2, 3}, {dtype = 'float64'})
  local b = mg.tensor{true, false, true}

  it('int64 tensor * 2.5 gives float32', function()
    local r = i64 * 2.5
    assert.are.equal('float32', r.dtype)
    assert.are.same({2.5, 5, 7.5}, r:totable())
    assert.are.equal('float32', (2.5 * i64).dtype)
  end)

  it('int64 with integers stays int64', function()
    local r = i64 * 2
    assert.are.equal('int64', r.dtype)
    assert.are.same({2, 4, 6}, r:totable())
    assert.are.equal('integer', math.type(r:totable()[1]))
    assert.are.equal('int64', (i64 + i64).dtype)
    assert.are.equal('int64', (i64 ^ 2).dtype)
    assert.are.same({1, 4, 9}, (i64 ^ 2):totable())
    assert.are.equal('int64', (-i64).dtype)
  end)

  it('float32 tensor * 2 stays float32; float64 * 2.5 stays float64', function()
    assert.are.equal('float32', (f32 * 2).dtype)
    assert.are.equal('float32', (f32 * 2.5).dtype)
    assert.are.equal('float64', (f64 * 2.5).dtype)
    assert.are.equal('float64', (f64 * 2).dtype)
  end)

  it('float32 + float64 tensors give float64', function()
    local r = f32 + f64
    assert.are.equal('float64', r.dtype)
    assert.are.same({2, 4, 6}, r:totable())
    assert.are.equal('float64', (f64 + f32).dtype)
  end)

  it('int64 with float tensors gives the float dtype', function()
    assert.are.equal('float32', (i64 + f32).dtype)
    assert.are.equal('float32', (f32 * i64).dtype)
    assert.are.equal('float64', (i64 - f64).dtype)
  end)

  it('division of integers gives float32', function()
    local r = i64 / mg.tensor({2, 4, 4}, {dtype = 'int64'})
    assert.are.equal('float32', r.dtype)
    assert.are.same({0.5, 0.5, 0.75}, r:totable())
    assert.are.equal('float32', (i64 / 2).dtype)
    assert.are.same({0.5, 1, 1.5}, (i64 / 2):totable())
    assert.are.equal('float32', (b / b).dtype)
  end)

  it('two bools added give int64', function()
    local r = b + b
    assert.are.equal('int64', r.dtype)
    assert.are.same({2, 0, 2}, r:totable())
    assert.are.equal('int64', (b * b).dtype)
    assert.are.equal('int64', (b + 1).dtype)
    assert.are.same({2, 1, 2}, (b + 1):totable())
    assert.are.equal('float32', (b * 1.5).dtype)
    assert.are.same({1.5, 0, 1.5}, (b * 1.5):totable())
    assert.are.equal('float32', (b + f32).dtype)
  end)

  it('unary float functions of integers give float32; sign/abs/neg/relu keep the dtype', function()
    assert.are.equal('float32', i64:exp().dtype)
    h.assert_close(i64:exp(), {math.exp(1), math.exp(2), math.exp(3)})
    assert.are.equal('float32', i64:sqrt().dtype)
    assert.are.equal('int64', i64:abs().dtype)
    assert.are.equal('int64', i64:sign().dtype)
    assert.are.equal('int64', i64:relu().dtype)
    assert.are.equal('int64', i64:floor().dtype)
    assert.are.same({1, 2, 3}, i64:round():totable())
    assert.are.equal('float64', f64:exp().dtype)
  end)

  it('comparisons across dtypes compare values', function()
    assert.are.same({true, true, true}, i64:eq(f32):totable())
    assert.are.same({false, true, false}, i64:eq(mg.tensor{1.5, 2, 2.5}):totable())
    assert.are.same({true, false, true}, i64:lt(mg.tensor{1.5, 2, 3.5}):totable())
    assert.are.same({false, true, false}, f64:eq(2):totable())
  end)
end)

-- ---- in-place forms -----------------------------------------------------------------------

describe('in-place ops', function()
  it('write the result into the tensor and return it', function()
    local t = mg.tensor{1, 2, 3}
    assert.is_true(rawequal(t:add_(1), t))
    assert.are.same({2, 3, 4}, t:totable())
    t:mul_(mg.tensor{2, 0.5, -1})
    assert.are.same({4, 1.5, -4}, t:totable())
    t:sub_(0.5):div_(2)
    assert.are.same({1.75, 0.5, -2.25}, t:totable())
    t:pow_(2)
    assert.are.same({3.0625, 0.25, 5.0625}, t:totable())
    t:maximum_(1):minimum_(5)
    assert.are.same({3.0625, 1, 5}, t:totable())
    assert.is_true(rawequal(t:neg_(), t))
    assert.are.same({-3.0625, -1, -5}, t:totable())
    t:abs_():sqrt_()
    h.assert_close(t, {1.75, 1, math.sqrt(5)})
  end)

  it('unary in-place forms match their out-of-place results', function()
    local x = mg.tensor{-2.5, -1, -0.25, 0, 0.5, 1, 3}
    for _, op in ipairs({'exp', 'sin', 'cos', 'tanh', 'sigmoid', 'relu', 'abs', 'sign', 'neg',
                         'floor', 'ceil', 'round'}) do
      local expected = x[op](x):totable()
      local y = x:clone()
      assert.is_true(rawequal(y[op .. '_'](y), y), op)
      assert.are.same(expected, y:totable(), op)
    end
  end)

  it('comparison results go into an int64 or float tensor as 0/1', function()
    local f = mg.tensor{1, 2, 3}
    f:gt_(1.5)
    assert.are.equal('float32', f.dtype)
    assert.are.same({0, 1, 1}, f:totable())
    local i = mg.tensor({1, 2, 3}, {dtype = 'int64'})
    i:eq_(2)
    assert.are.same({0, 1, 0}, i:totable())
  end)

  it('broadcast the other operand into the tensor', function()
    local t = mg.zeros(2, 3)
    t:add_(mg.tensor{1, 2, 3})
    t:mul_(mg.tensor{{1}, {10}})
    assert.are.same({{1, 2, 3}, {10, 20, 30}}, t:totable())
  end)

  it('a float64 operand is converted into a float32 tensor', function()
    local t = mg.tensor{1, 2}
    t:add_(mg.tensor({0.5, 0.25}, {dtype = 'float64'}))
    assert.are.equal('float32', t.dtype)
    assert.are.same({1.5, 2.25}, t:totable())
  end)

  it('write through a non-contiguous view into its base', function()
    local a = mg.arange(6):view(2, 3):float()
    a:t():mul_(2)
    assert.are.same({{0, 2, 4}, {6, 8, 10}}, a:totable())
    a:narrow(2, 2, 1):add_(10)
    assert.are.same({{0, 12, 4}, {6, 18, 10}}, a:totable())
    a[2]:exp_()
    h.assert_close(a, {{0, 12, 4}, {math.exp(6), math.exp(18), math.exp(10)}})
  end)

  it('an int64 tensor cannot take a float result, and is left unchanged', function()
    local i = mg.tensor({1, 2, 3}, {dtype = 'int64'})
    h.assert_error_with(function() return i:mul_(2.5) end, 'mul', 'float32', 'int64')
    h.assert_error_with(function() return i:div_(2) end, 'div', 'int64')
    h.assert_error_with(function() return i:exp_() end, 'exp', 'int64')
    h.assert_error_with(function() return i:add_(mg.tensor{0.5, 0.5, 0.5}) end, 'add', 'int64')
    assert.are.same({1, 2, 3}, i:totable())
    i:add_(2) -- an integer result is fine
    assert.are.same({3, 4, 5}, i:totable())
  end)

  it('a bool tensor takes only bool results', function()
    local b = mg.tensor{true, false}
    h.assert_error_with(function() return b:add_(1) end, 'add', 'bool')
    assert.are.same({true, false}, b:totable())
    b:logical_or_(mg.tensor{false, true})
    assert.are.same({true, true}, b:totable())
    b:logical_not_()
    assert.are.same({false, false}, b:totable())
  end)

  it('an expanded tensor cannot be written', function()
    local base = mg.tensor{{1}, {2}}
    local e = base:expand(2, 3)
    h.assert_error_with(function() return e:add_(1) end, 'add', 'expanded')
    h.assert_error_with(function() return e:exp_() end, 'exp', 'expanded')
    h.assert_error_with(function() return e:clamp_(0, 1) end, 'clamp', 'expanded')
    assert.are.same({{1}, {2}}, base:totable())
  end)

  it('the result must have the tensor\'s shape', function()
    local t = mg.tensor{1, 2, 3}
    h.assert_error_with(function() return t:add_(mg.zeros(2, 3)) end, 'add', '{2,3}', '{3}')
    assert.are.same({1, 2, 3}, t:totable())
  end)
end)

-- ---- non-contiguous inputs ------------------------------------------------------------------

describe('non-contiguous inputs', function()
  -- a[i][j] = (i-1)*4 + (j-1) as float32
  local a = mg.arange(12):float():view(3, 4)

  it('transposed inputs give the values of their contiguous copies', function()
    local at = a:t()
    local ac = at:contiguous()
    assert.is_false(at:is_contiguous())
    assert.are.same((ac + 1):totable(), (at + 1):totable())
    assert.are.same((ac * ac):totable(), (at * at):totable())
    assert.are.same((ac - ac:exp()):totable(), (at - at:exp()):totable())
    h.assert_close(at:exp(), ac:exp())
    -- closed form of (at + 1)[i][j] = (j-1)*4 + (i-1) + 1
    local v = (at + 1):totable()
    for i = 1, 4 do
      for j = 1, 3 do assert.are.equal((j - 1) * 4 + i, v[i][j]) end
    end
  end)

  it('a transposed operand with a contiguous one', function()
    local b = mg.arange(12):float():view(4, 3)
    local r = (a:t() + b):totable()
    for i = 1, 4 do
      for j = 1, 3 do
        assert.are.equal((j - 1) * 4 + (i - 1) + (i - 1) * 3 + (j - 1), r[i][j])
      end
    end
  end)

  it('narrowed inputs', function()
    local n = a:narrow(2, 2, 2) -- {{1,2},{5,6},{9,10}}
    assert.are.same({{2, 4}, {10, 12}, {18, 20}}, (n * 2):totable())
    assert.are.same({{1, 4}, {25, 36}, {81, 100}}, (n * n):totable())
    assert.are.same({{-1, -2}, {-5, -6}, {-9, -10}}, n:neg():totable())
    local s = a:select(2, 3) -- {2, 6, 10}
    assert.are.same({3, 7, 11}, (s + 1):totable())
  end)

  it('expanded inputs', function()
    local e = mg.tensor{{1}, {2}, {3}}:expand(3, 4)
    assert.are.same({{1, 2, 3, 4}, {6, 7, 8, 9}, {11, 12, 13, 14}}, (a + e):totable())
    assert.are.same({{2, 2, 2, 2}, {4, 4, 4, 4}, {6, 6, 6, 6}}, (e + e):totable())
    h.assert_close(e:exp(), {{math.exp(1), math.exp(1), math.exp(1), math.exp(1)},
                             {math.exp(2), math.exp(2), math.exp(2), math.exp(2)},
                             {math.exp(3), math.exp(3), math.exp(3), math.exp(3)}})
  end)

  it('permuted 3-D inputs', function()
    local b = mg.arange(24):float():view(2, 3, 4)
    local p = b:permute(3, 1, 2) -- {4,2,3}, p[i][j][k] = b[j][k][i]
    local r = (p * 10 + p):totable()
    for i = 1, 4 do
      for j = 1, 2 do
        for k = 1, 3 do assert.are.equal(11 * ((j - 1) * 12 + (k - 1) * 4 + (i - 1)), r[i][j][k]) end
      end
    end
  end)
end)

-- ---- every dtype --------------------------------------------------------------------------

describe('every dtype', function()
  it('add, mul, neg, abs in float32, float64 and int64', function()
    for _, dtype in ipairs({'float32', 'float64', 'int64'}) do
      local x = mg.tensor({-3, 0, 5}, {dtype = dtype})
      local y = mg.tensor({2, -4, 1}, {dtype = dtype})
      assert.are.equal(dtype, (x + y).dtype, dtype)
      assert.are.same({-1, -4, 6}, (x + y):totable(), dtype)
      assert.are.same({-5, 4, 4}, (x - y):totable(), dtype)
      assert.are.same({-6, 0, 5}, (x * y):totable(), dtype)
      assert.are.same({3, 0, -5}, (-x):totable(), dtype)
      assert.are.same({3, 0, 5}, x:abs():totable(), dtype)
      assert.are.same({-1, 0, 1}, x:sign():totable(), dtype)
      assert.are.same({0, 0, 5}, x:relu():totable(), dtype)
      assert.are.same({2, 0, 5}, x:maximum(y):totable(), dtype)
      assert.are.same({-3, -4, 1}, x:minimum(y):totable(), dtype)
      assert.are.same({true, false, false}, x:lt(y):totable(), dtype)
      assert.are.same({9, 0, 25}, (x ^ 2):totable(), dtype)
    end
  end)

  it('int64 arithmetic is exact for large values', function()
    local big = mg.tensor({9007199254740993}, {dtype = 'int64'}) -- 2^53 + 1
    assert.are.same({9007199254740994}, (big + 1):totable())
    assert.are.same({18014398509481986}, (big * 2):totable())
    assert.are.same({-9007199254740993}, (-big):totable())
  end)

  it('int64 pow with negative exponents follows integer rules', function()
    -- 2^-1 = 0 in integer arithmetic; 1^-3 = 1; (-1)^-3 = -1
    local base = mg.tensor({2, 1, -1}, {dtype = 'int64'})
    assert.are.same({0, 1, -1}, base:pow(mg.tensor({-1, -3, -3}, {dtype = 'int64'})):totable())
  end)

  it('bool arithmetic computes in int64', function()
    local p = mg.tensor{true, false, true}
    assert.are.same({-1, 0, -1}, (-p):totable())
    assert.are.equal('int64', (-p).dtype)
    assert.are.same({1, 0, 1}, p:abs():totable())
    assert.are.same({true, false, true}, p:eq(true):totable())
    assert.are.same({true, true, true}, p:ge(false):totable())
  end)
end)

-- ---- empty tensors ------------------------------------------------------------------------

describe('empty tensors', function()
  it('keep their shape through binary and unary ops', function()
    local z = mg.zeros(0, 3)
    assert.are.same({0, 3}, (z + 1).shape)
    assert.are.same({0, 3}, z:exp().shape)
    assert.are.same({0, 3}, (z + mg.tensor{1, 2, 3}).shape)
    assert.are.same({0, 4}, (mg.zeros(0, 1) + mg.zeros(1, 4)).shape)
    assert.are.same({0, 3}, z:eq(z).shape)
    assert.are.same({}, (z * 2):totable())
    assert.are.same({0, 3}, z:add_(1).shape)
    assert.are.same({0, 3}, mg.where(mg.zeros(0, 3, {dtype = 'bool'}), z, 1).shape)
    assert.are.same({0, 3}, z:clamp(0, 1).shape)
  end)
end)

-- ---- large tensors (several threads) -------------------------------------------------------

describe('large tensors', function()
  local threads

  setup(function()
    threads = mg.get_num_threads()
    mg.set_num_threads(4)
  end)

  teardown(function() mg.set_num_threads(threads) end)

  it('arange(0, 200000):float() * 2 is right everywhere', function()
    local r = mg.arange(0, 200000):float() * 2
    assert.are.equal('float32', r.dtype)
    assert.are.same({200000}, r.shape)
    assert.are.equal(0, r[1]:item())
    assert.are.equal(2, r[2]:item())
    assert.are.equal(200000, r[100001]:item())
    assert.are.equal(399998, r[200000]:item())
    local v, sum, wrong = r:totable(), 0, nil
    for i, x in ipairs(v) do
      sum = sum + x
      if not wrong and x ~= 2 * (i - 1) then wrong = i end
    end
    assert.is_nil(wrong, 'first wrong position')
    -- sum of 2k for k = 0 .. 199999 is 199999 * 200000
    assert.are.equal(39999800000, sum)
  end)

  it('unary ops, broadcasting and comparisons on 300000 elements', function()
    local n = 300000
    local x = mg.arange(0, n):double() * 1e-4
    local s = x:sin():totable()
    for _, i in ipairs({1, 2, 77777, 150001, 299999, n}) do
      h.assert_close(s[i], math.sin((i - 1) * 1e-4), 1e-14, 1e-16)
    end
    local m = mg.arange(0, n):view(600, 500) + mg.arange(0, 500) -- int64, {600,500}
    assert.are.equal((599 * 500 + 499) + 499, m[{600, 500}]:item())
    assert.are.equal((123 * 500 + 45) + 45, m[{124, 46}]:item())
    local ge = mg.arange(0, n):ge(n // 2):totable()
    assert.is_false(ge[n // 2])
    assert.is_true(ge[n // 2 + 1])
    local count = 0
    for _, b in ipairs(ge) do if b then count = count + 1 end end
    assert.are.equal(n // 2, count)
  end)

  it('a large transposed input gives the values of its contiguous copy', function()
    local a = mg.arange(0, 300000):float():view(600, 500)
    local r = (a:t() + 1):totable() -- {500, 600}, r[i][j] = (j-1)*500 + (i-1) + 1
    for _, ij in ipairs({{1, 1}, {500, 600}, {1, 600}, {500, 1}, {250, 333}}) do
      local i, j = ij[1], ij[2]
      assert.are.equal((j - 1) * 500 + i, r[i][j])
    end
    local bad
    for i = 1, 500 do
      for j = 1, 600 do
        if r[i][j] ~= (j - 1) * 500 + i then bad = bad or {i, j} end
      end
    end
    assert.is_nil(bad)
  end)

  it('large in-place ops', function()
    local t = mg.ones(250000)
    t:mul_(3):add_(mg.arange(0, 250000):float())
    local v = t:totable()
    assert.are.equal(3, v[1])
    assert.are.equal(250002, v[250000])
    assert.are.equal(3 + 123456, v[123457])
  end)
end)
