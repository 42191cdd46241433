-- Tutorial 04: a two-layer network (MLP) from raw tensors.
--
-- What you learn: why one neuron is not enough, and how a hidden layer fixes it. The data
-- is XOR-shaped: four clusters at the corners of a square, opposite corners in the same
-- class, so no straight line can separate the classes. A single neuron (tutorial 03) stays
-- near chance; a network with one hidden layer of 16 ReLU units learns it. Everything is
-- written with tensors: the weights, the forward pass, softmax and cross-entropy, and the
-- SGD update, so that tutorial 05 can show what mg.nn and mg.optim do for you.
--
-- Run it:
--   build/moongrad examples/tutorial/04_mlp_from_tensors.lua
local mg = require 'moongrad'
local F = mg.nn.functional
mg.manual_seed(4)

local function section(title) print('\n== ' .. title .. ' ==') end

-------------------------------------------------------------------------------------------
section('data: XOR, which no straight line separates')
-- 100 points around each corner (+-1, +-1), spread 0.35. Class 1: the corners where
-- x1 and x2 have the same sign; class 2: the other two. Labels are int64 class indices,
-- 1-based, as F.cross_entropy and argmax use them.
local per_corner = 100
local corners = mg.tensor{{1, 1}, {-1, -1}, {1, -1}, {-1, 1}}
local corner_class = {1, 1, 2, 2}
local xs, ys = {}, {}
for k = 1, 4 do
  xs[k] = mg.randn(per_corner, 2) * 0.35 + corners[k]  -- {100,2} + {2}: broadcasting
  ys[k] = mg.full({per_corner}, corner_class[k], {dtype = 'int64'})
end
local x, y = mg.cat(xs, 1), mg.cat(ys, 1)              -- {400,2} and {400}
local n = x:size(1)
print('points: ' .. n)
-- a fingerprint of the data: tutorial 05 makes the same points and prints the same sum
print(string.format('sum of all coordinates: %.4f', x:sum():item()))

local function accuracy_of(scores)
  -- the predicted class is the one with the highest score; compare with the labels
  return scores:argmax(2):eq(y):float():mean():item()
end

-------------------------------------------------------------------------------------------
section('first, a single neuron')
-- Tutorial 03's neuron, written for two classes: one logit per class. Its decision
-- boundary (where the two logits are equal) is a straight line, so whatever it learns
-- puts at least one whole cluster on the wrong side.
local Wn = mg.zeros(2, 2, {requires_grad = true})
local bn = mg.zeros(2, {requires_grad = true})
for _ = 1, 300 do
  local loss = F.cross_entropy(x:matmul(Wn) + bn, y)
  loss:backward()
  mg.no_grad(function()
    Wn:sub_(0.5 * Wn.grad)
    bn:sub_(0.5 * bn.grad)
  end)
  Wn.grad, bn.grad = nil, nil
end
local neuron_acc = mg.no_grad(function() return accuracy_of(x:matmul(Wn) + bn) end)
print(string.format('single neuron accuracy: %.3f', neuron_acc))

-------------------------------------------------------------------------------------------
section('a two-layer network: 2 -> 16 (ReLU) -> 2')
-- h = relu(x W1 + b1) bends the plane: each hidden unit is a neuron whose output is cut at
-- zero, and the second layer adds them up, so the boundary can be a bent line.
-- Shapes: x {N,2}, W1 {2,16}, b1 {16}, h {N,16}, W2 {16,2}, b2 {2}, scores {N,2}.
local hidden = 16
-- Weights start random: if they were all equal, every hidden unit would compute the same
-- thing and get the same gradient forever. The scale sqrt(2 / fan_in) (He initialisation)
-- keeps the size of h about the size of x, which suits ReLU. Biases may start at zero.
-- requires_grad_() turns a tensor we built into a leaf autograd tracks.
local W1 = (mg.randn(2, hidden) * math.sqrt(2 / 2)):requires_grad_()
local b1 = mg.zeros(hidden, {requires_grad = true})
local W2 = (mg.randn(hidden, 2) * math.sqrt(2 / hidden)):requires_grad_()
local b2 = mg.zeros(2, {requires_grad = true})
local params = {W1, b1, W2, b2}
local count = 0
for _, p in ipairs(params) do count = count + p:numel() end
print('parameters: ' .. count)

local function forward(points)
  local h = (points:matmul(W1) + b1):relu()
  return h:matmul(W2) + b2                 -- scores ("logits"), one per class
end

-- Cross-entropy by hand. softmax turns scores into probabilities:
--   p[i][c] = exp(s[i][c]) / sum_c' exp(s[i][c'])
-- and the loss is the mean of -log p[i][y_i], the log-probability of the right class.
-- Subtracting each row's max first changes nothing mathematically (it cancels in the
-- ratio) but keeps exp from overflowing. log p = s - max - log(sum exp(s - max)).
local function cross_entropy_by_hand(scores, labels)
  local shifted = scores - scores:max(2, {keepdim = true})      -- {N,2} - {N,1}
  local log_p = shifted - shifted:exp():sum(2, {keepdim = true}):log()
  -- one_hot(labels) is {N,2} with a 1 at each row's class: it picks log p[i][y_i].
  local picked = (log_p * mg.one_hot(labels, 2):float()):sum(2)
  return -picked:mean()
end

-- Is the hand-written loss right? Compare with the library's on the untrained network.
local mine = cross_entropy_by_hand(forward(x), y):item()
local library = F.cross_entropy(forward(x), y):item()
print(string.format('cross-entropy by hand: %.6f', mine))
print(string.format('cross-entropy by F.cross_entropy: %.6f', library))

-------------------------------------------------------------------------------------------
section('training with plain SGD')
-- The loop of tutorial 03, now over four parameter tensors. Full batch: every step sees
-- all 400 points.
local lr, steps = 0.2, 500
local first_loss, last_loss
for step = 1, steps do
  local loss = cross_entropy_by_hand(forward(x), y)
  loss:backward()
  mg.no_grad(function()
    for _, p in ipairs(params) do p:sub_(lr * p.grad) end
  end)
  for _, p in ipairs(params) do p.grad:zero_() end
  first_loss = first_loss or loss:item()
  last_loss = loss:item()
  if step == 1 or step % 100 == 0 then
    print(string.format('step %3d  loss %.4f', step, last_loss))
  end
end

local mlp_acc = mg.no_grad(function() return accuracy_of(forward(x)) end)
print(string.format('loss at step 1: %.4f', first_loss))
print(string.format('loss at step %d: %.4f', steps, last_loss))
print(string.format('single neuron accuracy: %.3f', neuron_acc))
print(string.format('MLP accuracy: %.3f', mlp_acc))
