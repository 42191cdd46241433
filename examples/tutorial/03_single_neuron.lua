-- Tutorial 03: a single neuron (logistic regression), trained by hand.
--
-- What you learn: a neuron is p = sigmoid(x . w + b), a probability that x belongs to
-- class 1. We make a 2-D dataset that a straight line separates, measure how wrong the
-- neuron is with the binary cross-entropy loss, let autograd compute the gradient of the
-- loss with respect to w and b, and step w and b against it ourselves (gradient
-- descent), watching the loss fall and the accuracy rise. No nn, no optimizer: every
-- update is one line you can read.
--
-- Run it:
--   build/moongrad examples/tutorial/03_single_neuron.lua
local mg = require 'moongrad'
local F = mg.nn.functional
mg.manual_seed(3)

local function section(title) print('\n== ' .. title .. ' ==') end

-------------------------------------------------------------------------------------------
section('data: two classes that a straight line separates')
-- 200 points uniform in the square [-2, 2]^2. A hidden line 1.0 x1 - 2.0 x2 + 0.5 = 0
-- decides the class: 1 on its positive side, 0 on the other. To leave a clear gap
-- between the classes, each point is pushed 0.2 further away from the line.
local n = 200
local true_w, true_b = mg.tensor{1.0, -2.0}, 0.5
local x = mg.rand(n, 2) * 4 - 2                       -- {200,2}: rows are points
local side = x:mv(true_w) + true_b                    -- {200}: signed distance * |true_w|
local normal = true_w / true_w:norm()                 -- unit vector across the line
x = x + side:sign():unsqueeze(2) * normal * 0.2       -- {200,1} * {2} broadcasts to {200,2}
local y = side:gt(0):float()                          -- labels 0 or 1, as float32 for the loss
print('points: ' .. n)
print(string.format('points in class 1: %d', y:sum():item()))

-------------------------------------------------------------------------------------------
section('the neuron')
-- Two weights (one per input feature) and a bias, starting at zero. requires_grad = true
-- makes them leaves that autograd computes gradients for.
local w = mg.zeros(2, {requires_grad = true})
local b = mg.zeros(1, {requires_grad = true})

-- logits z = x w + b for all 200 points at once: x:mv(w) is a {200,2} x {2} product, and
-- the {1} bias broadcasts over the 200 results. sigmoid squashes z into (0, 1).
local function logits(points) return points:mv(w) + b end

-- Binary cross-entropy: -log p for points of class 1, -log(1 - p) for class 0, averaged.
-- It is small when the neuron is confidently right and large when it is confidently wrong.
local function bce_by_hand(z, target)
  local p = z:sigmoid()
  return -(target * p:log() + (1 - target) * (1 - p):log()):mean()
end
-- The library's version takes the logits and never forms log(0) when p rounds to exactly
-- 0 or 1 (which happens in float32 once the neuron is confident), so we train with it.
-- At the start both give the same number: log 2 = 0.693 (p = 0.5 everywhere).
local loss0 = F.binary_cross_entropy_with_logits(logits(x), y)
print(string.format('loss at the start, by hand: %.6f', bce_by_hand(logits(x), y):item()))
print(string.format('loss at the start, F.binary_cross_entropy_with_logits: %.6f', loss0:item()))
print(string.format('log 2: %.6f', math.log(2)))

-- For this loss, the gradient has a closed form: dL/dw = x^T (p - y) / n, dL/db = mean(p - y).
-- Autograd should find the same.
loss0:backward()
local p0 = logits(x):sigmoid():detach()
local grad_w_formula = x:t():mv(p0 - y) / n
local diff = (grad_w_formula - w.grad):abs():max():item()
print(string.format('dL/dw by the formula x^T (p - y) / n: %.6f %.6f',
                    grad_w_formula[1]:item(), grad_w_formula[2]:item()))
print(string.format('dL/dw by autograd: %.6f %.6f', w.grad[1]:item(), w.grad[2]:item()))
print('gradient matches the formula: ' .. tostring(diff < 1e-6))
w.grad, b.grad = nil, nil -- start training from clean gradients

local function accuracy()
  -- no_grad: measuring needs no graph. p > 0.5 exactly when the logit is > 0.
  return mg.no_grad(function()
    return logits(x):gt(0):float():eq(y):float():mean():item()
  end)
end
print(string.format('accuracy at the start: %.3f', accuracy()))

-------------------------------------------------------------------------------------------
section('gradient descent')
-- Each step: forward (compute the loss), backward (fill w.grad, b.grad), then move w and b
-- a little against their gradient. The update must not be recorded by autograd (it is not
-- part of the model), so it runs under mg.no_grad, in place (sub_). Then the gradients are
-- zeroed, because backward() adds to them (tutorial 02).
local lr, steps = 0.5, 200
local first_loss, last_loss
for step = 1, steps do
  local z = logits(x)
  local loss = F.binary_cross_entropy_with_logits(z, y)
  loss:backward()
  mg.no_grad(function()
    w:sub_(lr * w.grad)
    b:sub_(lr * b.grad)
  end)
  w.grad:zero_()
  b.grad:zero_()
  first_loss = first_loss or loss:item()
  last_loss = loss:item()
  if step == 1 or step % 25 == 0 then
    -- the accuracy of the same predictions the loss was computed from (before the update)
    local acc = z:detach():gt(0):float():eq(y):float():mean():item()
    print(string.format('step %3d  loss %.4f  accuracy %.3f', step, last_loss, acc))
  end
end

-------------------------------------------------------------------------------------------
section('what the neuron learned')
print(string.format('loss at step 1: %.4f', first_loss))
print(string.format('loss at step %d: %.4f', steps, last_loss))
print(string.format('final accuracy: %.3f', accuracy()))
-- The boundary is where w1 x1 + w2 x2 + b = 0. Only its direction and offset matter, not
-- its scale, so divide by w1 to compare with the hidden line x1 - 2 x2 + 0.5 = 0.
local w1, w2, bb = w[1]:item(), w[2]:item(), b[1]:item()
-- (%+.3f prints the sign, so the equation reads naturally)
print(string.format('learned boundary: %.3f x1 %+.3f x2 %+.3f = 0', w1, w2, bb))
print(string.format('learned boundary divided by w1: x1 %+.3f x2 %+.3f = 0', w2 / w1, bb / w1))
print('hidden line: x1 -2.000 x2 +0.500 = 0')
