-- Gradients of the reductions (sum, mean, prod, max, min, var, std, norm, logsumexp),
-- cumsum, sort, topk, softmax and log_softmax: every op and variant is gradient-checked in
-- float64 (dims, negative dims, keepdim, every element, non-contiguous input, 0-d input);
-- the cases finite differences cannot settle (ties, zeros) and a few others are compared
-- with gradients recorded from PyTorch 1.13.
local mg = require 'moongrad'
local h = require 'tests.lua.helpers'

local function D(v) return mg.tensor(v, {dtype = 'float64'}) end
local function leaf(v) return D(v):requires_grad_() end
local function check(fn, inputs, opts) assert.is_true(mg.gradcheck(fn, inputs, opts)) end
-- The gradient of fn at x (a table) for the seed (a table, or ones when nil).
local function grad_of(fn, x, seed)
  local t = leaf(x)
  local y = fn(t)
  y:backward(seed and D(seed) or mg.ones_like(y))
  return t.grad:totable()
end

-- distinct values: ties would need a one-sided rule
local X = {{0.5, -1.2, 2.0, 0.3}, {1.5, 0.25, -0.75, 1.1}, {-0.4, 0.9, 0.6, -2.0}}
local X3 = {{{0.3, -0.2, 1.1}, {0.7, 0.4, -1.3}}, {{-0.6, 1.9, 0.2}, {1.4, -0.9, 0.8}}}

-- Gradient-checks op (a function of a tensor and the reduce arguments) over every element,
-- each dim, a negative dim, keepdim both ways, a transposed and a narrowed input.
local function check_reduction(op)
  local x, x3 = leaf(X), leaf(X3)
  check(function(t) return op(t) end, {x})
  check(function(t) return op(t, nil, {keepdim = true}) end, {x})
  for _, dim in ipairs{1, 2, -1} do
    check(function(t) return op(t, dim) end, {x})
    check(function(t) return op(t, dim, {keepdim = true}) end, {x})
  end
  check(function(t) return op(t, 2) end, {x3})
  check(function(t) return op(t, -3, {keepdim = true}) end, {x3})
  check(function(t) return op(t:t(), 2) end, {x})
  check(function(t) return op(t:t()) end, {x})
  check(function(t) return op(t:narrow(2, 2, 2), 1) end, {x})
end

describe('gradients of sum and mean', function()
  it('pass gradcheck over all elements, dims, keepdim and non-contiguous input', function()
    check_reduction(function(t, ...) return t:sum(...) end)
    check_reduction(function(t, ...) return t:mean(...) end)
  end)

  it('spread the gradient evenly (by hand)', function()
    h.assert_close(grad_of(function(t) return t:sum(2) end, {{1, 2}, {3, 4}}, {10, 20}),
                   {{10, 10}, {20, 20}})
    h.assert_close(grad_of(function(t) return t:mean() end, {{1, 2}, {3, 4}}), {{0.25, 0.25}, {0.25, 0.25}})
    h.assert_close(grad_of(function(t) return t:mean(1, {keepdim = true}) end, {{1, 2}, {3, 4}}, {{2, 4}}),
                   {{1, 2}, {1, 2}})
  end)

  it('work on a 0-d input and name their nodes', function()
    check(function(t) return t:sum() * 3 end, {leaf(2.5)})
    check(function(t) return t:mean(1) end, {leaf(2.5)})
    local x = leaf(X)
    assert.are.equal('sum', x:sum().grad_fn)
    assert.are.equal('mean', x:mean(1).grad_fn)
  end)
end)

describe('gradient of prod', function()
  it('passes gradcheck', function()
    check_reduction(function(t, ...) return t:prod(...) end)
  end)

  it('passes gradcheck with one and two zeros in a row', function()
    check(function(t) return t:prod(2) end, {leaf{{2.0, 0.0, 3.0}, {-1.5, 4.0, 0.5}}})
    check(function(t) return t:prod() end, {leaf{{2.0, 0.0, 3.0}, {-1.5, 4.0, 0.5}}})
    check(function(t) return t:prod(2) end, {leaf{{2.0, 0.0, 0.0}, {-1.5, 4.0, 0.5}}})
    check(function(t) return t:prod(1) end, {leaf{{0.0, 0.0, 3.0}, {0.0, 4.0, 0.5}}})
  end)

  it('matches PyTorch with zeros', function()
    local one, two = {{2.0, 0.0, 3.0}, {-1.5, 4.0, 0.5}}, {{2.0, 0.0, 0.0}, {-1.5, 4.0, 0.5}}
    h.assert_close(grad_of(function(t) return t:prod() end, one), {{0, -18, 0}, {0, 0, 0}})
    h.assert_close(grad_of(function(t) return t:prod(2) end, one), {{0, 6, 0}, {2, -0.75, -6}})
    h.assert_close(grad_of(function(t) return t:prod(2) end, two), {{0, 0, 0}, {2, -0.75, -6}})
    h.assert_close(grad_of(function(t) return t:prod() end, {{2.0, 0.0, 3.0}, {0.0, 4.0, 0.5}}),
                   {{0, 0, 0}, {0, 0, 0}})
  end)
end)

describe('gradients of max and min', function()
  it('pass gradcheck over all elements and along dims (values)', function()
    for _, name in ipairs{'max', 'min'} do
      check_reduction(function(t, dim, opts)
        if dim == nil then return t[name](t) end -- over all elements: no keepdim form
        return (t[name](t, dim, opts))
      end)
    end
  end)

  it('split the gradient evenly among ties over all elements, as PyTorch', function()
    local x = {{3.0, 1.0, 3.0}, {0.0, 3.0, -2.0}}
    h.assert_close(grad_of(function(t) return t:max() end, x), {{1 / 3, 0, 1 / 3}, {0, 1 / 3, 0}}, 1e-12)
    h.assert_close(grad_of(function(t) return t:min() end, {{3.0, -2.0, 3.0}, {0.0, 3.0, -2.0}}),
                   {{0, 0.5, 0}, {0, 0, 0.5}})
    check(function(t) return t:max() end, {leaf{{3.0, 1.0}, {0.0, 3.0}}}) -- a two-way tie: 1/2 each
  end)

  it('send the gradient to the index taken along a dim, as PyTorch', function()
    local x = {{3.0, 1.0, 3.0}, {0.0, 3.0, 3.0}}
    local t = leaf(x)
    local v, i = t:max(2)
    h.assert_close(i, {1, 2})
    v:backward(D{10, 20})
    h.assert_close(t.grad, {{10, 0, 0}, {0, 20, 0}})
    h.assert_close(grad_of(function(s) return (s:min(1)) end, {{3.0, 1.0, 3.0}, {0.0, 1.0, 3.0}}),
                   {{0, 1, 1}, {1, 0, 0}})
    h.assert_close(grad_of(function(s) return (s:max(-1, {keepdim = true})) end, x, {{1}, {2}}),
                   {{1, 0, 0}, {0, 2, 0}})
    assert.are.equal('max', (t:max(1)).grad_fn)
    assert.are.equal('min', t:min().grad_fn)
  end)

  it('work on a 0-d input', function()
    check(function(t) return (t:max(1)) end, {leaf(1.5)})
    check(function(t) return t:min() end, {leaf(1.5)})
  end)
end)

describe('gradients of var and std', function()
  it('pass gradcheck with the default correction', function()
    check_reduction(function(t, ...) return t:var(...) end)
    check_reduction(function(t, ...) return t:std(...) end)
  end)

  it('pass gradcheck with other corrections', function()
    local x = leaf(X)
    for _, name in ipairs{'var', 'std'} do
      check(function(t) return t[name](t, 2, {unbiased = false}) end, {x})
      check(function(t) return t[name](t, {correction = 2}) end, {x})
      check(function(t) return t[name](t, -2, {correction = 0, keepdim = true}) end, {x})
    end
  end)

  it('match PyTorch, with 0 where std is 0', function()
    h.assert_close(grad_of(function(t) return t:var(2) end, {{1.0, 2.0, 3.0}, {-1.0, 0.5, 4.0}}),
                   {{-1, 0, 1}, {-2.166666666666667, -0.6666666666666667, 2.833333333333333}}, 1e-12)
    h.assert_close(grad_of(function(t) return t:std(2) end, {{2.0, 2.0, 2.0}, {1.0, 2.0, 4.0}}),
                   {{0, 0, 0}, {-0.43643578047198484, -0.10910894511799625, 0.5455447255899809}}, 1e-12)
  end)
end)

describe('gradient of norm', function()
  it('passes gradcheck for p = 2, 1, 3, 0.5 and inf', function()
    for _, p in ipairs{2, 1, 3, 0.5, math.huge} do
      check_reduction(function(t, dim, opts) return t:norm(p, dim, opts) end)
    end
    check(function(t) return t:norm(-math.huge) end, {leaf(X)})
    check(function(t) return t:norm() end, {leaf(2.5)})
  end)

  it('is 0 for a zero vector, not NaN, and 0 at a zero element, as PyTorch', function()
    for _, p in ipairs{2, 1, 3, 0.5} do
      h.assert_close(grad_of(function(t) return t:norm(p) end, {0.0, 0.0, 0.0}), {0, 0, 0})
    end
    h.assert_close(grad_of(function(t) return t:norm(2, 2) end, {{0.0, 0.0}, {3.0, -4.0}}),
                   {{0, 0}, {0.6, -0.8}}, 1e-12)
    h.assert_close(grad_of(function(t) return t:norm(3) end, {0.0, 1.0, -2.0}),
                   {0, 0.2311204247835449, -0.9244816991341795}, 1e-12)
    h.assert_close(grad_of(function(t) return t:norm(0) end, {0.0, 1.0, -2.0}), {0, 0, 0})
  end)

  it('shares the max norm gradient among ties', function()
    h.assert_close(grad_of(function(t) return t:norm(math.huge) end, {-2.0, 1.0, 2.0}), {-0.5, 0, 0.5})
  end)
end)

describe('gradient of logsumexp', function()
  it('passes gradcheck', function()
    check_reduction(function(t, ...) return t:logsumexp(...) end)
  end)

  it('matches PyTorch for large values', function()
    h.assert_close(grad_of(function(t) return t:logsumexp(2) end, {{1000.0, 1000.0, 999.0}, {0.5, -1.5, 2.0}}),
                   {{0.42231879825153423, 0.42231879825153423, 0.15536240349696953},
                    {0.17803020550615903, 0.024093768286848394, 0.7978760262069924}}, 1e-12)
  end)
end)

describe('gradient of cumsum', function()
  it('passes gradcheck along each dim, negative dims and non-contiguous input', function()
    local x, x3 = leaf(X), leaf(X3)
    for _, dim in ipairs{1, 2, -1} do check(function(t) return t:cumsum(dim) end, {x}) end
    check(function(t) return t:t():cumsum(2) end, {x})
    check(function(t) return t:cumsum(2) end, {x3})
    check(function(t) return t:cumsum(1) end, {leaf(1.5)})
    check(function(t) return t:cumsum(1) end, {mg.randn(600, {dtype = 'float64'}):requires_grad_()})
  end)

  it('is the sum of the gradient from the end, as PyTorch', function()
    h.assert_close(grad_of(function(t) return t:cumsum(2) end, {{1.0, 2.0, 3.0}, {-1.0, 0.5, 4.0}},
                           {{0.3, -1.0, 2.0}, {0.7, 0.1, -0.5}}),
                   {{1.3, 1.0, 2.0}, {0.29999999999999993, -0.4, -0.5}}, 1e-12)
    -- rows longer than a block, and columns
    local n = 1000
    local t = mg.ones(n, {dtype = 'float64'}):requires_grad_()
    t:cumsum(1):backward(mg.ones(n, {dtype = 'float64'}))
    h.assert_close(t.grad, mg.arange(n, 0, -1, {dtype = 'float64'}))
    local c = mg.ones(n, 3, {dtype = 'float64'}):requires_grad_()
    c:cumsum(1):backward(mg.ones(n, 3, {dtype = 'float64'}))
    h.assert_close(c.grad:select(2, 2), mg.arange(n, 0, -1, {dtype = 'float64'}))
    assert.are.equal('cumsum', c:cumsum(1).grad_fn)
  end)
end)

describe('gradients of sort and topk', function()
  it('pass gradcheck', function()
    local x, x3 = leaf(X), leaf(X3)
    check(function(t) return (t:sort()) end, {x})
    check(function(t) return (t:sort(1, true)) end, {x})
    check(function(t) return (t:sort(-2, {descending = true})) end, {x3})
    check(function(t) return (t:t():sort(2)) end, {x})
    check(function(t) return (t:topk(2)) end, {x})
    check(function(t) return (t:topk(1, 1, {largest = false})) end, {x})
    check(function(t) return (t:topk(2, 3)) end, {x3})
    check(function(t) return (t:t():topk(3, 1)) end, {x})
    check(function(t) return (t:sort()) end, {leaf(1.5)})
  end)

  it('scatter the gradient back to the sorted positions, as PyTorch', function()
    local m, w = {{1.0, 2.0, 3.0}, {-1.0, 0.5, 4.0}}, {{0.3, -1.0, 2.0}, {0.7, 0.1, -0.5}}
    h.assert_close(grad_of(function(t) return (t:sort(2, true)) end, m, w), {{2, -1, 0.3}, {-0.5, 0.1, 0.7}})
    h.assert_close(grad_of(function(t) return (t:topk(2, 2)) end, m, {{0.3, -1.0}, {0.7, 0.1}}),
                   {{0, -1, 0.3}, {0, 0.1, 0.7}})
    local t = leaf(m)
    local v, i = t:topk(1)
    h.assert_close(i, {{3}, {3}}) -- the user's 1-based copy; the saved 0-based indices are unchanged
    i:fill_(1)
    v:backward(D{{1}, {1}})
    h.assert_close(t.grad, {{0, 0, 1}, {0, 0, 1}})
    assert.are.equal('sort', (t:sort()).grad_fn)
    assert.are.equal('topk', v.grad_fn)
  end)
end)

describe('argmax and argmin', function()
  it('give indices that do not require grad', function()
    local x = leaf(X)
    for _, name in ipairs{'argmax', 'argmin'} do
      assert.is_false(x[name](x).requires_grad)
      assert.is_false(x[name](x, 2).requires_grad)
      assert.is_nil(x[name](x, 1).grad_fn)
    end
    local _, i = x:max(1)
    assert.is_false(i.requires_grad)
  end)
end)

describe('softmax and log_softmax', function()
  local m = {{1.0, 2.0, 3.0}, {-1.0, 0.5, 4.0}}
  local W = {{0.3, -1.0, 2.0}, {0.7, 0.1, -0.5}}
  local X3A = {{{-1.0, -0.6666666666666667, 0.33333333333333326, -0.33333333333333337},
                {-0.33333333333333337, 0.33333333333333326, -0.6666666666666667, -1.0},
                {-0.6666666666666667, 0.33333333333333326, -0.33333333333333337, -0.33333333333333337}},
               {{0.33333333333333326, -0.6666666666666667, -1.0, -0.6666666666666667},
                {0.33333333333333326, -0.33333333333333337, -0.33333333333333337, 0.33333333333333326},
                {-0.6666666666666667, -1.0, -0.6666666666666667, 0.33333333333333326}}}

  it('match PyTorch along the middle and first dims of a 3-D tensor', function()
    h.assert_close(D(X3A):softmax(2),
      {{{0.23023721634819053, 0.15536240349696362, 0.5315483061806832, 0.3978647206735416},
        {0.4484408637990408, 0.4223187982515182, 0.19554569383337644, 0.20427055865291668},
        {0.3213219198527688, 0.4223187982515182, 0.27290599998594045, 0.3978647206735416}},
       {{0.4223187982515182, 0.3213219198527688, 0.23023721634819053, 0.15536240349696362},
        {0.4223187982515182, 0.4484408637990408, 0.4484408637990408, 0.4223187982515182},
        {0.15536240349696362, 0.23023721634819053, 0.3213219198527688, 0.4223187982515182}}}, 1e-12)
    h.assert_close(mg.log_softmax(D(X3A), -3),
      {{{-1.5672958584108816, -0.6931471805599453, -0.23396252507754825, -0.5403055746894084},
        {-1.0810367535187386, -0.41437008685207205, -0.8736389080227418, -1.5672958584108816},
        {-0.6931471805599453, -0.23396252507754825, -0.5403055746894084, -1.0810367535187386}},
       {{-0.23396252507754825, -0.6931471805599453, -1.5672958584108816, -0.8736389080227418},
        {-0.41437008685207205, -1.0810367535187386, -0.5403055746894084, -0.23396252507754825},
        {-0.6931471805599453, -1.5672958584108816, -0.8736389080227418, -0.41437008685207205}}}, 1e-12)
  end)

  it('are stable for inputs like 1000, in float32 and float64', function()
    local big = {{1000.0, 0.0, -1000.0}, {1000.0, 1000.0, 999.0}}
    local sm = mg.tensor(big):softmax(2)
    assert.are.equal('float32', sm.dtype)
    h.assert_close(sm, {{1, 0, 0}, {0.42231881618499756, 0.42231881618499756, 0.15536241233348846}})
    h.assert_close(D(big):log_softmax(2), {{0.0, -1000.0, -2000.0},
                   {-0.8619948040582511, -0.8619948040582511, -1.8619948040582512}}, 1e-12)
    h.assert_close(mg.tensor(big):log_softmax(2), {{0.0, -1000.0, -2000.0},
                   {-0.8619948040582511, -0.8619948040582511, -1.8619948040582512}}, 1e-6)
  end)

  it('give NaN for a row of -inf and 0 for one -inf, as PyTorch', function()
    local inf = math.huge
    h.assert_near(D{{0.0, -inf}, {-inf, -inf}}:softmax(2):totable(), {{1, 0}, {0 / 0, 0 / 0}})
  end)

  it('compute integers as float32, take the last dim by default, and work on 0-d and empty input', function()
    local s = mg.tensor({{1, 2}, {3, 5}}, {dtype = 'int64'}):softmax(2)
    assert.are.equal('float32', s.dtype)
    h.assert_close(s, {{0.2689414322376251, 0.7310585975646973}, {0.11920291185379028, 0.8807970285415649}})
    h.assert_close(D(m):softmax(), D(m):softmax(2))
    h.assert_close(D(2.5):softmax(1), 1)
    h.assert_close(D(2.5):log_softmax(-1), 0)
    assert.are.same({0, 3}, mg.zeros(0, 3):softmax(2).shape)
    assert.are.same({2, 0}, mg.zeros(2, 0):log_softmax(2).shape)
  end)

  it('read non-contiguous input', function()
    local x = D(m)
    h.assert_close(x:t():softmax(1), x:softmax(2):t(), 1e-12)
    h.assert_close(x:t():log_softmax(2), x:log_softmax(1):t(), 1e-12)
    local wide = mg.randn(3, 7, {dtype = 'float64'})
    h.assert_close(wide:narrow(2, 2, 4):softmax(2), wide:narrow(2, 2, 4):clone():softmax(2), 1e-12)
  end)

  it('sum to 1 on large tensors split across threads', function()
    local x = mg.randn(300, 500) * 10
    h.assert_close(x:softmax(2):sum(2), mg.ones(300), 1e-5)
    h.assert_close(x:softmax(1):sum(1), mg.ones(500), 1e-5)
    h.assert_close(x:log_softmax(1):exp():sum(1), mg.ones(500), 1e-5)
  end)

  it('pass gradcheck along every dim, negative dims and non-contiguous input', function()
    local x, x3 = leaf(m), leaf(X3A)
    for _, name in ipairs{'softmax', 'log_softmax'} do
      for _, dim in ipairs{1, 2, -1} do check(function(t) return t[name](t, dim) end, {x}) end
      check(function(t) return t[name](t, 2) end, {x3})
      check(function(t) return t[name](t, -3) end, {x3})
      check(function(t) return t[name](t:t(), 2) end, {x})
      check(function(t) return t[name](t:narrow(2, 2, 2), 2) end, {x})
      check(function(t) return t[name](t, 1) end, {leaf(0.5)})
    end
  end)

  it('have the gradients PyTorch gives', function()
    h.assert_close(grad_of(function(t) return t:softmax(2) end, m, W),
                   {{-0.07317348384996558, -0.5170531638456397, 0.5902266476956054},
                    {0.007633325124560405, 0.01673713285859228, -0.02437045798315268}}, 1e-12)
    h.assert_close(grad_of(function(t) return t:softmax(1) end, m, W),
                   {{-0.041997434161402565, -0.16406109727736617, 0.49152983310370457},
                    {0.04199743416140261, 0.16406109727736612, -0.4915298331037046}}, 1e-12)
    h.assert_close(grad_of(function(t) return t:log_softmax(2) end, m, W),
                   {{0.18296025487850542, -1.3181470123712369, 1.1351867574927317},
                    {0.6980506170053014, 0.09126347153875648, -0.7893140885440578}}, 1e-12)
    h.assert_close(grad_of(function(t) return t:log_softmax(1) end, m, W),
                   {{-0.5807970779778824, -0.26418297142572067, 1.5965878679450074},
                    {0.5807970779778824, 0.2641829714257207, -1.5965878679450074}}, 1e-12)
  end)

  it('have float32 gradients close to float64 ones', function()
    local x = mg.tensor(m):requires_grad_()
    x:log_softmax(2):backward(mg.tensor(W))
    assert.are.equal('float32', x.grad.dtype)
    h.assert_close(x.grad, {{0.18296025487850542, -1.3181470123712369, 1.1351867574927317},
                            {0.6980506170053014, 0.09126347153875648, -0.7893140885440578}}, 1e-5)
    assert.are.equal('log_softmax', x:log_softmax(2).grad_fn)
    assert.are.equal('softmax', x:softmax(1).grad_fn)
  end)

  it('reject a bad dim, naming the function', function()
    local x = D(m)
    h.assert_error_with(function() x:softmax(3) end, 'softmax', 'dimension 3 out of range')
    h.assert_error_with(function() x:log_softmax(-3) end, 'log_softmax', 'dimension -3 out of range')
    h.assert_error_with(function() x:softmax('a') end, 'softmax')
    h.assert_error_with(function() mg.softmax(x, 0) end, 'softmax', 'dimension 0')
  end)
end)

describe('reductions in a graph', function()
  it('chain: a loss made of several reductions passes gradcheck', function()
    check(function(t)
      return (t:softmax(2) * t):sum(2):logsumexp() + t:std(1):norm() - t:prod(1):mean()
    end, {leaf(X)})
  end)
end)
