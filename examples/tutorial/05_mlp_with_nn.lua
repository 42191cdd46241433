-- Tutorial 05: the same network with mg.nn and an optimizer.
--
-- What you learn: what the library does for you. This is tutorial 04's 2 -> 16 -> 2 ReLU
-- network on the same XOR data, but
--   - nn.Sequential{nn.Linear, nn.ReLU, nn.Linear} replaces W1, b1, W2, b2 and forward(),
--     and initialises the weights sensibly on its own;
--   - F.cross_entropy replaces the hand-written softmax and log;
--   - mg.optim.Adam replaces the update loop (opt:zero_grad(), opt:step());
--   - mg.data.DataLoader serves shuffled mini-batches, so each step is cheaper and noisier.
-- The model and its training loop take about half the lines of tutorial 04's, and reach
-- the same accuracy.
--
-- Run it:
--   build/moongrad examples/tutorial/05_mlp_with_nn.lua
local mg = require 'moongrad'
local nn, F = mg.nn, mg.nn.functional
mg.manual_seed(4) -- tutorial 04's seed, so the data below is the same 400 points

local function section(title) print('\n== ' .. title .. ' ==') end
local function shape(t) return '{' .. table.concat(t.shape, ',') .. '}' end

-------------------------------------------------------------------------------------------
section('data: the XOR clusters of tutorial 04')
local per_corner = 100
local corners = mg.tensor{{1, 1}, {-1, -1}, {1, -1}, {-1, 1}}
local corner_class = {1, 1, 2, 2}
local xs, ys = {}, {}
for k = 1, 4 do
  xs[k] = mg.randn(per_corner, 2) * 0.35 + corners[k]
  ys[k] = mg.full({per_corner}, corner_class[k], {dtype = 'int64'})
end
local x, y = mg.cat(xs, 1), mg.cat(ys, 1)
print('points: ' .. x:size(1))
print(string.format('sum of all coordinates: %.4f', x:sum():item())) -- as in tutorial 04

-------------------------------------------------------------------------------------------
section('the model')
local hidden = 16
local model = nn.Sequential{
  nn.Linear(2, hidden), -- x W^T + b with W of shape {16,2}: {out, in}, as in PyTorch
  nn.ReLU(),
  nn.Linear(hidden, 2),
}
print(model) -- the layers and their parameter counts
local count = 0
for _, p in ipairs(model:parameters()) do count = count + p:numel() end
print('parameters: ' .. count)
-- The first layer's weight is tutorial 04's W1 transposed: nn.Linear stores {out, in}.
print('shape of model[1].weight: ' .. shape(model[1].weight))
print('shape of model[1].bias: ' .. shape(model[1].bias))

-------------------------------------------------------------------------------------------
section('training with Adam on mini-batches')
-- Adam adapts a step size per parameter from running averages of the gradient and its
-- square, so it needs far less tuning of lr than plain SGD. The optimizer holds the list
-- of parameters: zero_grad() zeroes their .grad, step() updates them in place (and
-- without recording, like our mg.no_grad block in tutorial 04).
local opt = mg.optim.Adam(model:parameters(), {lr = 0.02})
local loader = mg.data.DataLoader(mg.data.TensorDataset(x, y), {batch_size = 40, shuffle = true})
print('batches per epoch: ' .. #loader)

local function accuracy()
  return mg.no_grad(function() return model(x):argmax(2):eq(y):float():mean():item() end)
end

local epochs = 30
local first_loss, last_loss
for epoch = 1, epochs do
  local total = 0
  for xb, yb in loader:batches() do
    opt:zero_grad()
    local loss = F.cross_entropy(model(xb), yb)
    loss:backward()
    opt:step()
    total = total + loss:item()
  end
  local mean_loss = total / #loader -- the average over the epoch's batches
  first_loss = first_loss or mean_loss
  last_loss = mean_loss
  if epoch == 1 or epoch % 5 == 0 then
    print(string.format('epoch %2d  loss %.4f  accuracy %.3f', epoch, mean_loss, accuracy()))
  end
end

print(string.format('loss in epoch 1: %.4f', first_loss))
print(string.format('loss in epoch %d: %.4f', epochs, last_loss))
print(string.format('MLP accuracy: %.3f', accuracy()))
