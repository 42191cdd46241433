-- The autograd engine from Lua: accumulation into .grad, retain_graph, freed graphs, in-place
-- changes of saved tensors (seen through views too, which share the version counter),
-- detach, grad mode and the errors. Expected gradients are worked out by hand.
local mg = require 'moongrad'
local h = require 'tests.lua.helpers'

local function D(v) return mg.tensor(v, {dtype = 'float64'}) end
local function leaf(v) return D(v):requires_grad_() end

describe('backward', function()
  it('accumulates into .grad over two calls', function()
    local x = leaf{1, 2, 3}
    local square, triple = x * x, x * 3
    square:backward(D{1, 1, 1})
    h.assert_close(x.grad, {2, 4, 6})
    triple:backward(D{1, 1, 1})
    h.assert_close(x.grad, {5, 7, 9})
    x.grad = nil
    local again = x * 3
    again:backward(D{1, 0, 2})
    h.assert_close(x.grad, {3, 0, 6})
  end)

  it('goes through a graph again with retain_graph, and not after it was freed', function()
    local x = leaf{1, 2}
    local y = x * x
    y:backward(D{1, 1}, {retain_graph = true})
    y:backward(D{1, 1})
    h.assert_close(x.grad, {4, 8})
    h.assert_error_with(function() y:backward(D{1, 1}) end, 'freed', 'retain_graph')
    h.assert_close(x.grad, {4, 8}) -- unchanged by the failure
  end)

  it('reads the options after a nil gradient as well as in its place', function()
    local x = leaf{3}
    local y = (x * x):sum()
    y:backward(nil, {retain_graph = true})
    y:backward({retain_graph = true})
    y:backward()
    h.assert_close(x.grad, {18}) -- 3 x 2x at x = 3
  end)

  it('takes no gradient only for a tensor of one element', function()
    local x = leaf{1, 2, 3}
    local y = x * 2
    h.assert_error_with(function() y:backward() end, 'gradient can be left out only', '{3}')
    h.assert_error_with(function() y:backward(D{1, 1}) end, 'expected a gradient of shape {3}, got {2}')
    assert.is_nil(x.grad)
    local one = x:narrow(1, 2, 1) * 4 -- shape {1}
    one:backward()
    h.assert_close(x.grad, {0, 4, 0})
    x.grad = nil
    local scalar = x[3] * x[3] -- 0-d
    scalar:backward()
    h.assert_close(x.grad, {0, 0, 6})
  end)

  it('refuses a tensor that does not require grad', function()
    h.assert_error_with(function() D{1, 2}:backward(D{1, 1}) end, 'does not require grad')
    local x = leaf{1}
    local y = mg.no_grad(function() return x * 2 end)
    h.assert_error_with(function() y:backward() end, 'does not require grad')
  end)

  it('accepts a gradient of another float dtype', function()
    local x = leaf{1, 2}
    local y = x * x
    y:backward(mg.tensor{1, 0.5}) -- float32 seed for a float64 graph
    assert.are.equal('float64', x.grad.dtype)
    h.assert_close(x.grad, {2, 2})
    -- a seed that itself requires grad is converted without recording: .grad is plain
    x.grad = nil
    x:backward(mg.tensor{3, 4}:requires_grad_())
    h.assert_close(x.grad, {3, 4})
    assert.is_false(x.grad.requires_grad)
    assert.is_nil(x.grad.grad_fn)
  end)
end)

describe('in-place changes of saved tensors', function()
  it('are detected at backward, also when made through a view', function()
    local a, w = D{1, 2, 3}, leaf{4, 5, 6}
    local y = a * w -- mul saves a for w's gradient
    a:view(3, 1)[2]:add_(10) -- a does not require grad: the write is allowed
    h.assert_error_with(function() y:backward(D{1, 1, 1}) end, 'changed in place', 'mul')
    assert.is_nil(w.grad)
  end)

  it('are detected for a leaf changed under no_grad through a view', function()
    local x = leaf{1, 2, 3}
    local y = x * x
    mg.no_grad(function() x:view(-1):narrow(1, 1, 2):add_(1) end)
    h.assert_error_with(function() y:backward(D{1, 1, 1}) end, 'changed in place')
    assert.is_nil(x.grad)
  end)

  it('count in the version shared by every view of a storage', function()
    local a = D{1, 2, 3, 4}
    local x = leaf{1, 2, 3, 4}
    local y = a * x
    a:view(2, 2):t()[1]:fill_(0) -- a view of a view of a
    h.assert_close(a, {0, 2, 0, 4})
    h.assert_error_with(function() y:backward(D{1, 1, 1, 1}) end, 'changed in place', 'version')
    local b = D{1, 2}
    local z = b * x:narrow(1, 1, 2)
    b:detach():zero_() -- detach shares the storage, and so the version
    h.assert_error_with(function() z:backward(D{1, 1}) end, 'changed in place')
  end)

  it('are refused up front on a tensor that requires grad', function()
    local x = leaf{1, 2}
    h.assert_error_with(function() x:add_(1) end, 'requires grad')
    h.assert_error_with(function() x:view(2):fill_(1) end, 'requires grad')
    h.assert_close(x:detach(), {1, 2})
  end)
end)

describe('requires_grad', function()
  it('is for float tensors only', function()
    h.assert_error_with(function() mg.tensor({1, 2}, {dtype = 'int64'}):requires_grad_() end,
                        'only float tensors can require grad', 'int64')
    h.assert_error_with(function() mg.tensor{true}.requires_grad = true end, 'only float', 'bool')
    h.assert_error_with(function() mg.zeros(2, {dtype = 'int64', requires_grad = true}) end, 'only float')
  end)

  it('cannot be turned off on a non-leaf', function()
    local y = leaf{1} * 2
    assert.is_true(y.requires_grad)
    assert.is_false(y.is_leaf)
    h.assert_error_with(function() y.requires_grad = false end, 'detach')
  end)
end)

describe('detach', function()
  it('shares storage but is a leaf that does not require grad', function()
    local x = leaf{1, 2, 3}
    local y = x * 2
    local d = y:detach()
    assert.is_false(d.requires_grad)
    assert.is_true(d.is_leaf)
    assert.is_nil(d.grad_fn)
    d[1] = 100 -- allowed: d does not require grad, and it writes into y's memory
    h.assert_close(y:detach(), {100, 4, 6})
    local xd = x:detach()
    xd:add_(1)
    h.assert_close(x:detach(), {2, 3, 4})
    assert.is_false((xd * 2).requires_grad)
  end)
end)

describe('grad mode', function()
  it('no_grad returns what fn returns and records nothing', function()
    local x = leaf{1, 2}
    local a, b, c = mg.no_grad(function(p, q) return x * p, q, nil end, 3, 'q')
    assert.is_false(a.requires_grad)
    assert.is_nil(a.grad_fn)
    h.assert_close(a, {3, 6})
    assert.are.equal('q', b)
    assert.is_nil(c)
    assert.is_true(mg.is_grad_enabled())
    assert.is_false(mg.no_grad(mg.is_grad_enabled))
    assert.is_true(mg.no_grad(function() return mg.enable_grad(mg.is_grad_enabled) end))
  end)

  it('is restored when fn raises', function()
    local ok, err = pcall(mg.no_grad, function() error('boom') end)
    assert.is_false(ok)
    assert.is_truthy(tostring(err):find('boom', 1, true))
    assert.is_true(mg.is_grad_enabled())
    local ok2 = pcall(mg.no_grad, function() mg.enable_grad(function() error('inner') end) end)
    assert.is_false(ok2)
    assert.is_true(mg.is_grad_enabled())
    local x = leaf{1}
    assert.is_true((x * 2).requires_grad)
  end)

  it('set_grad_enabled returns the previous mode', function()
    assert.is_true(mg.set_grad_enabled(false))
    assert.is_false((leaf{1} * 2).requires_grad)
    assert.is_false(mg.set_grad_enabled(true))
    assert.is_true((leaf{1} * 2).requires_grad)
  end)
end)

describe('graphs that are dropped', function()
  -- the sanitizer build (make asan) checks that nothing leaks; this checks live bytes
  it('free their memory without a backward and after a failed one', function()
    collectgarbage()
    collectgarbage()
    local live0 = mg.memory()
    for i = 1, 50 do
      local a = mg.randn(64, 64, {dtype = 'float64'})
      local x = mg.randn(64, 64, {dtype = 'float64', requires_grad = true})
      local y = (x:t() * a):reshape(-1):narrow(1, 1, 100):index_select(1, mg.tensor({1, 5}, {dtype = 'int64'}))
      local z = mg.cat({y, mg.stack({y, y * 2}):view(-1), x:expand(2, 64, 64):flatten()})
      if i % 3 == 1 then
        a:add_(1) -- backward fails on the changed tensor
        assert.is_false(pcall(function() z:backward(mg.ones_like(z)) end))
      elseif i % 3 == 2 then
        z:backward(mg.ones_like(z), {retain_graph = true})
      end -- else the graph is dropped without a backward
    end
    collectgarbage()
    collectgarbage()
    local live = mg.memory()
    assert.is_true(live <= live0, ('%d bytes held after the graphs went (%d before)'):format(live, live0))
  end)
end)
