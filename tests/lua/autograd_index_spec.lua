-- Gradients through indexing: index_select, gather, scatter_add and masked_fill are
-- gradient-checked in float64, and the gradients of repeated indices are counted by hand
-- (an element taken k times gets k times the gradient).
local mg = require 'moongrad'
local h = require 'tests.lua.helpers'

local function D(v) return mg.tensor(v, {dtype = 'float64'}) end
local function I(v) return mg.tensor(v, {dtype = 'int64'}) end
local function leaf(v) return D(v):requires_grad_() end
-- distinct values, so that a misplaced gradient shows
local function matrix34() return leaf{{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}} end
local function backward_ones(y) y:backward(mg.ones_like(y)) end

describe('index_select', function()
  it('gradient-checks along each dim, with repeated indices', function()
    local x = matrix34()
    mg.gradcheck(function(t) return t:index_select(1, I{3, 1, 3}) end, {x})
    mg.gradcheck(function(t) return t:index_select(2, I{2, 2, 4, 1, 2}) end, {x})
    mg.gradcheck(function(t) return t:index_select(-1, I{4}) end, {x})
    mg.gradcheck(function(t) return t:t():index_select(1, I{1, 4, 1}) end, {x})
    mg.gradcheck(function(t) return t:index_select(1, I{2, 2}) end, {leaf{1, 2, 3}})
  end)

  it('accumulates the gradient of repeated indices', function()
    local x = leaf{1, 2, 3, 4}
    local y = x:index_select(1, I{2, 4, 2, 2})
    assert.are.equal('index_select', y.grad_fn)
    y:backward(D{1, 10, 100, 1000})
    h.assert_close(x.grad, {0, 1101, 0, 10})
    local m = leaf{{1, 2, 3}, {4, 5, 6}}
    backward_ones(m:index_select(2, I{3, 3, 1}))
    h.assert_close(m.grad, {{1, 0, 2}, {1, 0, 2}})
  end)
end)

describe('gather', function()
  it('gradient-checks along each dim, with an index smaller than the tensor', function()
    local x = matrix34()
    mg.gradcheck(function(t) return t:gather(2, I{{1, 1}, {2, 4}, {4, 4}}) end, {x})
    mg.gradcheck(function(t) return t:gather(1, I{{3, 1, 1, 2}, {3, 3, 2, 1}}) end, {x})
    mg.gradcheck(function(t) return t:gather(-1, I{{2}, {3}}) end, {x})
    mg.gradcheck(function(t) return t:t():gather(2, I{{1, 3}, {2, 2}}) end, {x})
  end)

  it('adds the gradient back where each value came from', function()
    local x = leaf{{1, 2, 3}, {4, 5, 6}}
    local y = x:gather(2, I{{3, 3}, {1, 2}})
    assert.are.equal('gather', y.grad_fn)
    y:backward(D{{1, 2}, {3, 4}})
    h.assert_close(x.grad, {{0, 0, 3}, {3, 4, 0}})
  end)
end)

describe('scatter_add', function()
  it('gradient-checks both the tensor and src', function()
    local t, src = matrix34(), leaf{{1, 2, 3, 4}, {5, 6, 7, 8}}
    local idx = I{{1, 3, 3, 2}, {3, 3, 1, 1}}
    mg.gradcheck(function(a, b) return a:scatter_add(1, idx, b) end, {t, src})
    mg.gradcheck(function(a, b) return a:scatter_add(-1, I{{4, 4}, {1, 2}}, b) end, {t, src})
    -- src larger than the index: the elements it does not reach get no gradient
    mg.gradcheck(function(a, b) return a:scatter_add(2, I{{2}, {2}}, b) end, {t, src})
    -- only one of them requiring grad
    mg.gradcheck(function(b) return D{{0, 0, 0, 0}, {0, 0, 0, 0}}:scatter_add(1, I{{1, 2, 1, 2}}, b) end, {src})
    mg.gradcheck(function(a) return a:scatter_add(1, idx, D{{1, 1, 1, 1}, {2, 2, 2, 2}}) end, {t})
  end)

  it('gives src the gradient at the places it was added to', function()
    local t, src = leaf{1, 2, 3}, leaf{{1, 2}, {3, 4}}
    local y = t:scatter_add(1, I{3, 1}, src:select(1, 1))
    assert.are.equal('scatter_add', y.grad_fn)
    y:backward(D{10, 20, 30})
    h.assert_close(t.grad, {10, 20, 30})
    h.assert_close(src.grad, {{30, 10}, {0, 0}})
    local s2 = leaf{1, 2, 3}
    local y2 = mg.zeros(2, {dtype = 'float64'}):scatter_add(1, I{2}, s2)
    y2:backward(D{1, 7})
    h.assert_close(s2.grad, {7, 0, 0})
  end)
end)

describe('masked_fill', function()
  it('gradient-checks, with a mask broadcast over the tensor or the tensor over the mask', function()
    local x = leaf{{1, 2, 3}, {4, 5, 6}}
    local mask = mg.tensor{{true, false, true}, {false, false, true}}
    mg.gradcheck(function(t) return t:masked_fill(mask, 0) end, {x})
    mg.gradcheck(function(t) return t:masked_fill(mg.tensor{false, true, false}, -1) end, {x})
    mg.gradcheck(function(t) return t:t():masked_fill(mask:t(), 7) end, {x})
    mg.gradcheck(function(t) return t:masked_fill(mask, 5) end, {leaf{1, 2, 3}})
  end)

  it('stops the gradient where the mask holds', function()
    local x = leaf{1, 2, 3}
    local y = x:masked_fill(mg.tensor{{true, false, false}, {true, true, false}}, 0)
    assert.are.equal('masked_fill', y.grad_fn)
    backward_ones(y) -- the 2 x 3 result sums back over the broadcast rows
    h.assert_close(x.grad, {0, 1, 2})
  end)
end)

describe('indexing without gradients', function()
  it('one_hot gives integers that do not require grad', function()
    local y = I{1, 3}:one_hot(3)
    assert.are.equal('int64', y.dtype)
    assert.is_false(y.requires_grad)
  end)

  it('in-place forms refuse what autograd would have to track', function()
    local x = leaf{1, 2, 3}
    h.assert_error_with(function() x:scatter_add_(1, I{1}, D{1}) end, 'scatter_add_', 'requires grad')
    h.assert_error_with(function() x:masked_fill_(mg.tensor{true, false, false}, 0) end,
                        'masked_fill_', 'requires grad')
    local z = mg.zeros(3, {dtype = 'float64'})
    h.assert_error_with(function() z:scatter_add_(1, I{1, 2}, x:narrow(1, 1, 2)) end, 'input requires grad')
    h.assert_close(x:detach(), {1, 2, 3})
    h.assert_close(z, {0, 0, 0})
  end)
end)

describe('masked_select', function()
  it('gradient-checks, the mask broadcast over rows; unselected elements get no gradient', function()
    local mask = mg.tensor({{true, false, true, false}, {false, false, true, true}, {true, true, false, false}},
                           {dtype = 'bool'})
    mg.gradcheck(function(t) return t:masked_select(mask) end, {matrix34()})
    mg.gradcheck(function(t) return t:masked_select(mg.tensor({false, true, true, false}, {dtype = 'bool'})) end,
                 {matrix34()})
    local x = matrix34()
    backward_ones(x:masked_select(mask))
    assert.are.same({{1, 0, 1, 0}, {0, 0, 1, 1}, {1, 1, 0, 0}}, x.grad:totable())
  end)
end)
