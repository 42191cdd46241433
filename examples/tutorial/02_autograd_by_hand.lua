-- Tutorial 02: autograd, checked by hand.
--
-- What you learn: what backward() computes. We take a small expression, work out its
-- derivatives on paper, compute them with plain Lua math, and see that autograd gets
-- the same numbers. Then: the chain rule through a graph of ops, why gradients add up
-- over calls to backward() (and how to zero them), and mg.gradcheck, which checks
-- gradients against finite differences for you.
--
-- Run it:
--   build/moongrad examples/tutorial/02_autograd_by_hand.lua
local mg = require 'moongrad'
mg.manual_seed(0)

local function section(title) print('\n== ' .. title .. ' ==') end
local function num(v) return string.format('%.10g', v) end

-- We use float64 (double precision) throughout, so that autograd and the paper agree
-- to many digits; networks are trained in float32, where they agree to about 6.
local f64 = {dtype = 'float64', requires_grad = true}

-------------------------------------------------------------------------------------------
section('a scalar expression: f(x, y) = x^2 * y + sin(x) * y at x = 2, y = 3')
-- On paper, treating the other variable as a constant:
--   df/dx = 2 x y + cos(x) y       (d/dx x^2 = 2x,  d/dx sin(x) = cos(x))
--   df/dy = x^2 + sin(x)           (f is linear in y)
local x0, y0 = 2, 3
local f_paper = x0 ^ 2 * y0 + math.sin(x0) * y0
local dfdx_paper = 2 * x0 * y0 + math.cos(x0) * y0
local dfdy_paper = x0 ^ 2 + math.sin(x0)

-- The same with tensors. requires_grad = true asks moongrad to record every op on x
-- and y, so that backward() can walk the record in reverse.
local x = mg.tensor(x0, f64)
local y = mg.tensor(y0, f64)
local f = x ^ 2 * y + x:sin() * y
-- f remembers the last op that made it (its grad_fn); x and y are leaves, made by us.
print('f.grad_fn: ' .. f.grad_fn)
print('x.is_leaf: ' .. tostring(x.is_leaf))
f:backward() -- fills x.grad with df/dx and y.grad with df/dy
print('f by hand: ' .. num(f_paper))
print('f by moongrad: ' .. num(f:item()))
print('df/dx by hand: ' .. num(dfdx_paper))
print('df/dx by autograd: ' .. num(x.grad:item()))
print('df/dy by hand: ' .. num(dfdy_paper))
print('df/dy by autograd: ' .. num(y.grad:item()))
local match = math.abs(x.grad:item() - dfdx_paper) < 1e-9 and math.abs(y.grad:item() - dfdy_paper) < 1e-9
print('match: ' .. tostring(match))

-- A check that needs no paper at all: nudge x a little either way and measure how much
-- f moves (a central difference). It agrees with the derivative to about h^2.
local h = 1e-5
local function f_lua(a, b) return a ^ 2 * b + math.sin(a) * b end
local dfdx_numeric = (f_lua(x0 + h, y0) - f_lua(x0 - h, y0)) / (2 * h)
print('df/dx by central difference (h = 1e-5): ' .. num(dfdx_numeric))

-------------------------------------------------------------------------------------------
section('the chain rule through a graph: g(x) = exp(sin(x * x)) at x = 0.5')
-- Written one op at a time, each op is a node of the graph:
--   u = x * x        du/dx = 2x
--   v = sin(u)       dv/du = cos(u)
--   g = exp(v)       dg/dv = exp(v)
-- backward() starts from dg/dg = 1 and multiplies by each node's local derivative on the
-- way back (that is all the chain rule is): dg/dx = exp(v) * cos(u) * 2x.
local xc = 0.5
local t = mg.tensor(xc, f64)
local u = t * t
local v = u:sin()
local g = v:exp()
print('graph: x -> ' .. u.grad_fn .. ' -> ' .. v.grad_fn .. ' -> ' .. g.grad_fn)
local uc = xc * xc
local vc = math.sin(uc)
print('local derivative dg/dv = exp(v): ' .. num(math.exp(vc)))
print('local derivative dv/du = cos(u): ' .. num(math.cos(uc)))
print('local derivative du/dx = 2x: ' .. num(2 * xc))
g:backward()
print('dg/dx by the chain rule: ' .. num(math.exp(vc) * math.cos(uc) * 2 * xc))
print('dg/dx by autograd: ' .. num(t.grad:item()))

-- When a value is used twice, the graph branches and the gradients of the branches add:
-- k = x * x + 3x has dk/dx = 2x + 3 (x reaches k along two paths).
local s = mg.tensor(xc, f64)
local k = s * s + 3 * s
k:backward()
print('d(x*x + 3x)/dx at 0.5 by hand: ' .. num(2 * xc + 3))
print('d(x*x + 3x)/dx at 0.5 by autograd: ' .. num(s.grad:item()))

-------------------------------------------------------------------------------------------
section('gradients accumulate')
-- backward() ADDS into .grad rather than overwriting it. That lets you sum gradients over
-- several pieces of a batch, but in a training loop you must zero .grad before each step,
-- or every step would use the sum of all the gradients so far.
local w = mg.tensor(2, f64)
local function loss_of(p) return p * p * p end -- d/dw w^3 = 3 w^2 = 12 at w = 2
loss_of(w):backward()
print('w.grad after one backward: ' .. num(w.grad:item()))
-- Each forward pass builds a new graph; backward() frees the graph it walked (pass
-- {retain_graph = true} to walk the same graph twice).
loss_of(w):backward()
print('w.grad after two backwards: ' .. num(w.grad:item()))
w.grad:zero_() -- or w.grad = nil; an optimizer's zero_grad() does this for you
print('w.grad after w.grad:zero_(): ' .. num(w.grad:item()))
loss_of(w):backward()
print('w.grad after zeroing and one more backward: ' .. num(w.grad:item()))

-------------------------------------------------------------------------------------------
section('mg.gradcheck')
-- For anything bigger than a scalar, work on paper gets long. mg.gradcheck(fn, inputs)
-- compares autograd's gradient of fn with central differences like the one above, for
-- every element of every input that requires grad, and raises an error naming the first
-- element that disagrees. Inputs must be float64: in float32 the rounding error of a
-- finite difference is larger than the tolerance.
local A = mg.randn(3, 4, f64)
local B = mg.randn(4, 2, f64)
local function small_net(a, b) return a:matmul(b):tanh():sum() end
print('gradcheck of sum(tanh(A B)): ' .. tostring(mg.gradcheck(small_net, {A, B})))
local ok, err = pcall(mg.gradcheck, small_net, {mg.randn(3, 4, {requires_grad = true}), B})
print('gradcheck with a float32 input: ' .. tostring(ok))
print('because: ' .. tostring(err))
