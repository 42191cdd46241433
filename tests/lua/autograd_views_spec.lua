-- Gradients through views, copies and joins: every op is gradient-checked in float64 on
-- contiguous and non-contiguous inputs, with negative dims and 0-d / one-element cases; a
-- few gradients are worked out by hand (an expand's gradient counts the copies, a narrow's
-- is one inside the range and zero outside).
local mg = require 'moongrad'
local h = require 'tests.lua.helpers'

local function D(v) return mg.tensor(v, {dtype = 'float64'}) end
local function leaf(v) return D(v):requires_grad_() end
-- A float64 leaf of this shape holding 1, 2, 3, ... (distinct values show misplaced grads).
local function counting(...)
  local n = 1
  for _, s in ipairs{...} do n = n * s end
  return mg.arange(1, n + 1, {dtype = 'float64'}):view(...):clone():requires_grad_()
end
local function backward_ones(y) y:backward(mg.ones_like(y)) end

-- gradcheck compares fn's results before and after nudging an input; a result that is a
-- contiguous view of that input would move with it, so results are checked through a copy.
local function check(fn, inputs, opts)
  return mg.gradcheck(function(...) return fn(...):clone() end, inputs, opts)
end

describe('view and reshape', function()
  it('gradient-check view, including -1 and 0-d', function()
    local x = counting(3, 4)
    check(function(t) return t:view(2, 6) end, {x})
    check(function(t) return t:view(-1) end, {x})
    check(function(t) return t:view(4, -1, 1) end, {x})
    check(function(t) return t:t():view(4, 3, 1) end, {x}) -- a view of a transpose
    local s = leaf(2.5)
    check(function(t) return t:view(1, 1) end, {s})
    check(function(t) return t:view(1):view({}) end, {s})
  end)

  it('gradient-check reshape as a view and as a copy', function()
    local x = counting(3, 4)
    check(function(t) return t:reshape(2, -1) end, {x})
    check(function(t) return t:t():reshape(12) * D{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12} end, {x})
    check(function(t) return t:t():reshape(2, 6) end, {x})
    check(function(t) return t:reshape(1, 1) end, {leaf(-1.5)})
  end)

  it('route a copying reshape back to the right elements', function()
    local x = counting(2, 3)
    local y = x:t():reshape(6) -- 1, 4, 2, 5, 3, 6
    assert.are.equal('reshape', y.grad_fn)
    y:backward(D{10, 20, 30, 40, 50, 60})
    h.assert_close(x.grad, {{10, 30, 50}, {20, 40, 60}})
  end)

  it('name one node per call', function()
    local x = counting(2, 3)
    assert.are.equal('view', x:view(6).grad_fn)
    assert.are.equal('reshape', x:reshape(6).grad_fn)
    assert.are.equal('reshape', x:t():reshape(6).grad_fn)
    assert.are.equal('flatten', x:t():flatten().grad_fn)
    assert.is_false(x:t():reshape(6).is_leaf)
  end)
end)

describe('transpose and permute', function()
  it('gradient-check transpose, t and negative dims', function()
    local x = counting(2, 3, 4)
    check(function(t) return t:transpose(1, 3) end, {x})
    check(function(t) return t:transpose(-1, 2) end, {x})
    check(function(t) return t:transpose(2, 2) end, {x})
    check(function(t) return t:t() end, {counting(3, 4)})
    check(function(t) return t:transpose(1, 1) end, {leaf(3)})
  end)

  it('gradient-check permute', function()
    local x = counting(2, 3, 4)
    check(function(t) return t:permute(3, 1, 2) end, {x})
    check(function(t) return t:permute{2, 3, 1} end, {x})
    check(function(t) return t:permute(-1, -3, -2) end, {x})
    check(function(t) return t:t():permute(2, 1) end, {counting(3, 4)})
    assert.are.equal('permute', x:permute(3, 1, 2).grad_fn)
  end)

  it('send each gradient back to its element', function()
    local x = counting(2, 3, 4)
    local y = x:permute(3, 1, 2)
    y:backward(y:detach():clone()) -- seed = the values: each element gets its own value back
    h.assert_close(x.grad, x:detach())
  end)
end)

describe('narrow and select', function()
  it('gradient-check narrow on several dims, negative dims and non-contiguous input', function()
    local x = counting(3, 4)
    check(function(t) return t:narrow(1, 2, 2) end, {x})
    check(function(t) return t:narrow(2, 2, 3) end, {x})
    check(function(t) return t:narrow(-1, 4, 1) end, {x})
    check(function(t) return t:t():narrow(2, 1, 2) end, {x})
  end)

  it('gives zeros outside the range, also for an empty range', function()
    local x = counting(2, 4)
    local y = x:narrow(2, 2, 2)
    assert.are.equal('narrow', y.grad_fn)
    y:backward(D{{1, 2}, {3, 4}})
    h.assert_close(x.grad, {{0, 1, 2, 0}, {0, 3, 4, 0}})
    x.grad = nil
    local e = x:narrow(2, 3, 0)
    e:backward(mg.zeros(2, 0, {dtype = 'float64'}))
    h.assert_close(x.grad, {{0, 0, 0, 0}, {0, 0, 0, 0}})
  end)

  it('gradient-check select, to 0-d too', function()
    local x = counting(3, 4)
    check(function(t) return t:select(1, 2) end, {x})
    check(function(t) return t:select(-1, 3) end, {x})
    check(function(t) return t:t():select(1, 4) end, {x})
    check(function(t) return t:select(1, 3) end, {counting(4)})
    local y = x:select(2, 4)
    assert.are.equal('select', y.grad_fn)
    y:backward(D{1, 2, 3})
    h.assert_close(x.grad, {{0, 0, 0, 1}, {0, 0, 0, 2}, {0, 0, 0, 3}})
  end)
end)

describe('squeeze, unsqueeze, flatten', function()
  it('gradient-check squeeze and unsqueeze', function()
    local x = counting(3, 1, 4, 1)
    check(function(t) return t:squeeze() end, {x})
    check(function(t) return t:squeeze(2) end, {x})
    check(function(t) return t:squeeze(-1) end, {x})
    check(function(t) return t:squeeze(1) end, {x}) -- size 3: unchanged, still recorded
    check(function(t) return t:unsqueeze(1) end, {counting(3, 4)})
    check(function(t) return t:unsqueeze(-1) end, {counting(3, 4)})
    check(function(t) return t:t():unsqueeze(2) end, {counting(3, 4)})
    check(function(t) return t:unsqueeze(1) end, {leaf(7)})
    check(function(t) return t:squeeze() end, {leaf{{7}}})
    assert.are.equal('squeeze', x:squeeze().grad_fn)
    assert.are.equal('unsqueeze', x:unsqueeze(1).grad_fn)
  end)

  it('gradient-check flatten over ranges, non-contiguous and 0-d input', function()
    local x = counting(2, 3, 4)
    check(function(t) return t:flatten() end, {x})
    check(function(t) return t:flatten(2) end, {x})
    check(function(t) return t:flatten(1, 2) end, {x})
    check(function(t) return t:flatten(-2, -1) end, {x})
    check(function(t) return t:transpose(1, 3):flatten() end, {x})
    check(function(t) return t:flatten() end, {leaf(4)})
    assert.are.equal('flatten', x:flatten().grad_fn)
  end)
end)

describe('expand', function()
  it('gradient-check expand over new and size-1 dims', function()
    check(function(t) return t:expand(2, 3, 5) end, {counting(3, 1)})
    check(function(t) return t:expand(3, 4) end, {counting(4)})
    check(function(t) return t:expand(2, -1, 4) end, {counting(1, 3, 1)})
    check(function(t) return t:expand(2, 3) end, {leaf(1.5)})
    check(function(t) return t:t():expand(2, 4, 3) end, {counting(3, 4)})
    check(function(t) return t:expand_as(mg.zeros(2, 3)) end, {counting(1, 3)})
  end)

  it('sums the gradient over the copies', function()
    local x = counting(3, 1)
    local y = x:expand(2, 3, 5)
    assert.are.equal('expand', y.grad_fn)
    backward_ones(y)
    h.assert_close(x.grad, {{10}, {10}, {10}}) -- 2 * 5 copies of each element
    local s = leaf(2)
    backward_ones(s:expand(4, 3))
    h.assert_close(s.grad, 12)
  end)
end)

describe('contiguous, clone and to', function()
  it('gradient-check contiguous and clone', function()
    local x = counting(3, 4)
    check(function(t) return t:t():contiguous() end, {x})
    check(function(t) return t:clone() end, {x})
    check(function(t) return t:t():clone() end, {x})
    check(function(t) return t:clone() end, {leaf(3)})
    assert.are.equal('contiguous', x:t():contiguous().grad_fn)
    assert.are.equal('clone', x:clone().grad_fn)
  end)

  it('record nothing when they hand back the input itself', function()
    local x = counting(3, 4)
    assert.is_nil(x:contiguous().grad_fn)
    assert.is_true(x:contiguous().is_leaf)
    assert.is_nil(x:double().grad_fn)
    local y = x * 2
    assert.are.equal('mul', y:contiguous().grad_fn)
    assert.are.equal('mul', y:to('float64').grad_fn)
  end)

  it('gradient-check float changes of dtype', function()
    -- float32 rounding in the middle: the function is linear, so a large eps is exact
    check(function(t) return t:float():double() end, {counting(2, 3)}, {eps = 1e-2, atol = 1e-4})
    check(function(t) return t:to('float32'):t():double() * 3 end, {counting(2, 3)}, {eps = 1e-2, atol = 1e-4})
  end)

  it('convert the gradient to the input dtype', function()
    local x = mg.tensor({1, 2, 3}):requires_grad_() -- float32
    local y = x:double()
    assert.are.equal('to', y.grad_fn)
    y:backward(D{0.5, 0.25, 2})
    assert.are.equal('float32', x.grad.dtype)
    h.assert_close(x.grad, {0.5, 0.25, 2})
  end)

  it('are not differentiable into integers', function()
    local x = counting(3)
    for _, y in ipairs{x:long(), x:bool(), x:to('int64')} do
      assert.is_false(y.requires_grad)
      assert.is_nil(y.grad_fn)
    end
  end)
end)

describe('cat and stack', function()
  it('gradient-check cat of three tensors, one not requiring grad', function()
    local a, b, c = counting(2, 3), D{{7}, {8}}, counting(2, 2)
    check(function(x, y, z) return mg.cat({x, y, z}, 2) end, {a, b, c})
    check(function(x, y, z) return mg.cat({z, y, x}, -1) end, {a, b, c})
    check(function(x, y) return mg.cat({x, y:t(), x}, 1) end, {a, counting(3, 2)})
    check(function(x) return mg.cat{x} end, {a})
  end)

  it('splits the gradient by the sizes of the parts', function()
    local a, b, c = counting(2, 1), D{{0, 0}, {0, 0}}, counting(2, 3)
    local y = mg.cat({a, b, c}, 2)
    assert.are.equal('cat', y.grad_fn)
    y:backward(D{{1, 2, 3, 4, 5, 6}, {7, 8, 9, 10, 11, 12}})
    h.assert_close(a.grad, {{1}, {7}})
    assert.is_nil(b.grad)
    h.assert_close(c.grad, {{4, 5, 6}, {10, 11, 12}})
  end)

  it('gradient-check stack along each dim', function()
    local a, b = counting(2, 3), D{{1, 0, 1}, {0, 1, 0}}
    check(function(x, y) return mg.stack({x, y, x}, 1) end, {a, b})
    check(function(x, y) return mg.stack({x, y}, 2) end, {a, b})
    check(function(x, y) return mg.stack({y, x:t():t()}, -1) end, {a, b})
    check(function(x) return mg.stack({x, x * 2}) end, {leaf(2)})
    assert.are.equal('stack', mg.stack{a, b}.grad_fn)
  end)
end)

describe('split and chunk', function()
  it('gradient-check their pieces', function()
    local x = counting(3, 5)
    check(function(t)
      local p = t:split(2, 2) -- widths 2, 2, 1
      return mg.cat({p[3] * 3, p[1], p[2] * 2}, 2)
    end, {x})
    check(function(t)
      local p = t:split({1, 2}, 1)
      return p[2] * p[1]
    end, {x})
    check(function(t)
      local p = t:chunk(3, -1)
      return mg.cat({p[2], p[1] * p[1]}, 2)
    end, {x})
  end)

  it('leave zeros where a piece was not used', function()
    local x = counting(4)
    local p = x:chunk(2)
    p[2]:backward(D{5, 6})
    h.assert_close(x.grad, {0, 0, 5, 6})
  end)
end)

describe('indexing from Lua', function()
  it('gradient-check t[i] and t[{...}]', function()
    local x = counting(3, 4)
    check(function(t) return t[2] end, {x})
    check(function(t) return t[-1] end, {x})
    check(function(t) return t[{2, {2, 3}}] end, {x})
    check(function(t) return t[{{}, 3}] end, {x})
    check(function(t) return t[{{2, -1}, {1, 2}}] end, {x})
    check(function(t) return t[{2, 3}] end, {x})
    check(function(t) return t:t()[2] end, {x})
  end)

  it('gives the gradient of one element to that element', function()
    local x = counting(2, 3)
    local y = x[{2, 3}] * 5
    y:backward()
    h.assert_close(x.grad, {{0, 0, 0}, {0, 0, 5}})
  end)

  it('refuses assignment into a tensor that requires grad, leaving it unchanged', function()
    local x = counting(2, 3)
    local before = x:detach():clone()
    h.assert_error_with(function() x[1] = 5 end, 'in-place change of a tensor that requires grad')
    h.assert_error_with(function() x[{2, {1, 2}}] = D{0, 0} end, 'requires grad', 'no_grad')
    local y = x * 2
    h.assert_error_with(function() y[1] = D{1, 2, 3} end, 'requires grad')
    h.assert_close(x:detach(), before)
    h.assert_close(y:detach(), {{2, 4, 6}, {8, 10, 12}})
    -- nor can a tracked value be written into a plain tensor
    local z = mg.zeros(2, 3, {dtype = 'float64'})
    h.assert_error_with(function() z[1] = x[2] end, 'input requires grad')
    h.assert_close(z, {{0, 0, 0}, {0, 0, 0}})
    -- under no_grad the write is allowed
    mg.no_grad(function() x[1] = 5 end)
    h.assert_close(x:detach(), {{5, 5, 5}, {4, 5, 6}})
  end)
end)
