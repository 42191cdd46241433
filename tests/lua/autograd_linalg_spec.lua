-- Gradients of the matrix products: matmul in all its cases (dot, matrix-vector, matrix,
-- batched with broadcast batch dims, 1-D operands promoted), mm, bmm, mv, dot, outer and
-- addmm, gradient-checked in float64 on contiguous and transposed operands, with a few
-- gradients recorded from PyTorch 1.13.
local mg = require 'moongrad'
local h = require 'tests.lua.helpers'

local function D(v) return mg.tensor(v, {dtype = 'float64'}) end
local function leaf(v) return D(v):requires_grad_() end
local function check(fn, inputs) assert.is_true(mg.gradcheck(fn, inputs)) end
-- A float64 leaf of this shape with varied values (a fixed pattern, no randomness).
local function L(...)
  local n = 1
  for _, s in ipairs{...} do n = n * s end
  return (mg.arange(n, {dtype = 'float64'}) * 0.37):sin():view(...):clone():requires_grad_()
end
local function plain(...) return L(...):detach() end -- the same values, not requiring grad

describe('gradient of matmul', function()
  it('passes gradcheck for 2-D @ 2-D, also on transposed operands', function()
    local a, b = L(3, 4), L(4, 2)
    check(function(x, y) return x:matmul(y) end, {a, b})
    check(function(x, y) return x:t():matmul(y:t()) end, {L(4, 3), L(2, 4)})
    check(function(x, y) return x:matmul(y:t()) end, {a, L(2, 4)}) -- as Linear: x @ W^T
    check(function(x, y) return x:narrow(2, 2, 3):matmul(y) end, {L(3, 5), L(3, 2)})
  end)

  it('passes gradcheck with 1-D operands: dot, vector @ matrix, matrix @ vector', function()
    check(function(x, y) return x:matmul(y) end, {L(4), L(4)})
    check(function(x, y) return x:matmul(y) end, {L(4), L(4, 3)})
    check(function(x, y) return x:matmul(y) end, {L(3, 4), L(4)})
    check(function(x, y) return x:matmul(y:t()) end, {L(4), L(3, 4)})
    check(function(x, y) return x:t():matmul(y) end, {L(4, 3), L(4)})
  end)

  it('passes gradcheck for batched products, with batch dims broadcast', function()
    check(function(x, y) return x:matmul(y) end, {L(2, 3, 4), L(2, 4, 2)})
    check(function(x, y) return x:matmul(y) end, {L(2, 1, 3, 4), L(3, 4, 2)})
    check(function(x, y) return x:matmul(y) end, {L(3, 4), L(2, 4, 2)})
    check(function(x, y) return x:matmul(y) end, {L(2, 3, 4), L(4, 2)})
    check(function(x, y) return x:matmul(y) end, {L(1, 3, 4), L(2, 4, 2)})
    check(function(x, y) return x:matmul(y) end, {L(4), L(2, 4, 3)})
    check(function(x, y) return x:matmul(y) end, {L(2, 3, 4), L(4)})
    check(function(x, y) return x:transpose(2, 3):matmul(y) end, {L(2, 4, 3), L(2, 4, 2)})
  end)

  it('gives a gradient only to the operands that require grad', function()
    local a, b = L(3, 4), plain(4, 2)
    check(function(x) return x:matmul(b) end, {a})
    check(function(y) return plain(3, 4):matmul(y) end, {L(4, 2)})
    a:matmul(b):sum():backward()
    assert.is_nil(b.grad)
    h.assert_close(a.grad, mg.ones(3, 2, {dtype = 'float64'}):matmul(b:t()), 1e-12)
  end)

  it('matches PyTorch', function()
    local a = leaf{{1.0, 2.0}, {3.0, -1.0}, {0.5, 0.25}}
    local b = leaf{{2.0, -1.0, 0.5, 1.0}, {0.0, 3.0, 1.5, -2.0}}
    a:matmul(b):backward(D{{1.0, 0.5, -1.0, 2.0}, {0.0, 1.0, 1.0, -0.5}, {3.0, -2.0, 0.25, 1.0}})
    h.assert_close(a.grad, {{3.0, -4.0}, {-1.0, 5.5}, {9.125, -7.625}}, 1e-12)
    h.assert_close(b.grad, {{2.5, 2.5, 2.125, 1.0}, {2.75, -0.5, -2.9375, 4.75}}, 1e-12)
  end)

  it('gives a transposed operand a gradient laid out as its storage (Linear needs no copy)', function()
    local w = L(5, 4)
    local x = L(3, 4)
    x:matmul(w:t()):sum():backward()
    assert.is_true(w.grad:is_contiguous())
    h.assert_close(w.grad, mg.ones(5, 3, {dtype = 'float64'}):matmul(x:detach()), 1e-12)
    local w32 = mg.randn(5, 4):requires_grad_()
    local x32 = mg.randn(3, 4)
    x32:matmul(w32:t()):backward(mg.ones(3, 5))
    assert.are.equal('float32', w32.grad.dtype)
    h.assert_close(w32.grad, mg.ones(5, 3):matmul(x32), 1e-5)
  end)

  it('names its node after the function called', function()
    local a, b = L(3, 4), L(4, 2)
    assert.are.equal('matmul', a:matmul(b).grad_fn)
    assert.are.equal('mm', a:mm(b).grad_fn)
    assert.are.equal('mv', a:mv(L(4)).grad_fn)
    assert.are.equal('dot', L(3):dot(L(3)).grad_fn)
    assert.are.equal('bmm', L(2, 3, 4):bmm(L(2, 4, 1)).grad_fn)
    assert.are.equal('outer', L(3):outer(L(2)).grad_fn)
    assert.are.equal('addmm', mg.addmm(L(2), a, b).grad_fn)
    assert.is_nil(plain(3, 4):matmul(plain(4, 2)).grad_fn)
    mg.no_grad(function() assert.is_nil(a:matmul(b).grad_fn) end)
  end)
end)

describe('gradients of mm, bmm, mv, dot and outer', function()
  it('pass gradcheck', function()
    check(function(x, y) return x:mm(y) end, {L(3, 4), L(4, 2)})
    check(function(x, y) return x:t():mm(y) end, {L(4, 3), L(4, 2)})
    check(function(x, y) return x:bmm(y) end, {L(2, 3, 4), L(2, 4, 2)})
    check(function(x, y) return x:bmm(y:transpose(2, 3)) end, {L(2, 3, 4), L(2, 2, 4)})
    check(function(x, y) return x:mv(y) end, {L(3, 4), L(4)})
    check(function(x, y) return x:t():mv(y) end, {L(4, 3), L(4)})
    check(function(x, y) return x:dot(y) end, {L(5), L(5)})
    check(function(x, y) return x:outer(y) end, {L(3), L(2)})
    check(function(x, y) return x:narrow(1, 2, 3):outer(y) end, {L(5), L(2)})
  end)

  it('have the gradients worked out by hand', function()
    local a, b = leaf{1.0, 2.0, 3.0}, leaf{4.0, -5.0, 6.0}
    a:dot(b):backward(D(2.0))
    h.assert_close(a.grad, {8, -10, 12})
    h.assert_close(b.grad, {2, 4, 6})
    local u, v = leaf{1.0, 2.0}, leaf{3.0, -1.0, 0.5}
    u:outer(v):backward(D{{1, 1, 1}, {1, 0, 2}})
    h.assert_close(u.grad, {2.5, 4})
    h.assert_close(v.grad, {3, 1, 5})
  end)
end)

describe('gradient of addmm', function()
  it('passes gradcheck with the added tensor broadcast and with beta and alpha', function()
    local c2, c1, a, b = L(3, 2), L(2), L(3, 4), L(4, 2)
    check(function(c, x, y) return mg.addmm(c, x, y) end, {c2, a, b})
    check(function(c, x, y) return mg.addmm(c, x, y) end, {c1, a, b})
    check(function(c, x, y) return mg.addmm(c, x, y) end, {L(3, 1), a, b})
    check(function(c, x, y) return mg.addmm(c, x, y, {beta = 0.5, alpha = -2}) end, {c1, a, b})
    check(function(c, x, y) return mg.addmm(c, x, y, {beta = 0}) end, {c1, a, b})
    check(function(c, x, y) return mg.addmm(c, x, y:t()) end, {c1, a, L(2, 4)}) -- Linear
    check(function(x, y) return mg.addmm(plain(2), x, y) end, {a, b})
    check(function(c) return mg.addmm(c, plain(3, 4), plain(4, 2)) end, {c1})
  end)

  it('matches PyTorch with beta and alpha', function()
    local c = leaf{0.1, 0.2, 0.3, 0.4}
    local a = leaf{{1.0, 2.0}, {3.0, -1.0}, {0.5, 0.25}}
    local b = leaf{{2.0, -1.0, 0.5, 1.0}, {0.0, 3.0, 1.5, -2.0}}
    mg.addmm(c, a, b, {beta = 0.5, alpha = 2})
      :backward(D{{1.0, 0.5, -1.0, 2.0}, {0.0, 1.0, 1.0, -0.5}, {3.0, -2.0, 0.25, 1.0}})
    h.assert_close(c.grad, {2.0, -0.25, 0.125, 1.25}, 1e-12)
    h.assert_close(a.grad, {{6.0, -8.0}, {-2.0, 11.0}, {18.25, -15.25}}, 1e-12)
    h.assert_close(b.grad, {{5.0, 5.0, 4.25, 2.0}, {5.5, -1.0, -5.875, 9.5}}, 1e-12)
  end)
end)

describe('a small MLP', function()
  it('passes gradcheck through linear layers, relu, log_softmax and a mean', function()
    local w1, b1, w2 = L(5, 4), L(5), L(3, 5)
    local x = plain(6, 4)
    check(function(p, q, r)
      local hidden = mg.addmm(q, x, p:t()):relu()
      return hidden:matmul(r:t()):log_softmax(2):mean()
    end, {w1, b1, w2})
  end)
end)
