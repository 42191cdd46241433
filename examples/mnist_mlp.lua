-- The Keras MNIST MLP: 784-512-512-10 with ReLU and Dropout 0.2, RMSprop (lr 1e-3),
-- batch 128, 10 epochs; reaches about 98% test accuracy.
-- usage: moongrad examples/mnist_mlp.lua --data DIR [--epochs N]
--   DIR holds train-images-idx3-ubyte.gz and the three other MNIST files
--   (scripts/fetch-mnist.sh DIR downloads them).
local mg = require 'moongrad'
local nn, F = mg.nn, mg.nn.functional

local dir, epochs = nil, 10
local i = 1
while i <= #arg do
  if arg[i] == '--data' then dir, i = arg[i + 1], i + 2
  elseif arg[i] == '--epochs' then epochs, i = math.tointeger(tonumber(arg[i + 1])), i + 2
  else io.stderr:write('usage: moongrad examples/mnist_mlp.lua --data DIR [--epochs N]\n') os.exit(2) end
end
if not dir or not epochs then
  io.stderr:write('usage: moongrad examples/mnist_mlp.lua --data DIR [--epochs N]\n')
  os.exit(2)
end

mg.manual_seed(0)
local train = mg.data.mnist('train', {dir = dir})
local test = mg.data.mnist('test', {dir = dir})
local model = nn.Sequential{
  nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Dropout(0.2),
  nn.Linear(512, 512), nn.ReLU(), nn.Dropout(0.2), nn.Linear(512, 10)}
print(model)
-- Keras' RMSprop defaults: rho 0.9, epsilon 1e-7
local opt = mg.optim.RMSprop(model:parameters(), {lr = 1e-3, alpha = 0.9, eps = 1e-7})
local loader = mg.data.DataLoader(train, {batch_size = 128, shuffle = true})

local function evaluate(ds)
  model:eval()
  local images, labels = table.unpack(ds.tensors)
  local correct = mg.no_grad(function()
    return model(images):argmax(2):eq(labels):sum():item()
  end)
  model:train()
  return correct / #ds
end

for epoch = 1, epochs do
  local start, total, steps = mg.clock(), 0, 0
  for x, y in loader:batches() do
    opt:zero_grad()
    local loss = F.cross_entropy(model(x), y)
    loss:backward()
    opt:step()
    total, steps = total + loss:item(), steps + 1
  end
  print(string.format('epoch %2d/%d  loss %.4f  test accuracy %.2f%%  (%.1f s)', epoch, epochs,
                      total / steps, 100 * evaluate(test), mg.clock() - start))
end
print(string.format('test accuracy: %.2f%%', 100 * evaluate(test)))
