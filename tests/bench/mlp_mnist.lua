-- mlp_mnist (WORKLOADS.md): MLP 784-512-512-10, ReLU, Dropout 0.2 after each hidden layer,
-- cross-entropy, RMSprop(lr 1e-3, alpha 0.9, eps 1e-7), batch 128 on the MNIST train set
-- scaled to [0,1]; 20 warm-up steps, then one shuffled epoch. Random data of MNIST's shape
-- stands in when the files are absent (fine for timing).
-- usage: moongrad tests/bench/mlp_mnist.lua [threads=2] [data dir=../shared/data]
local mg = require 'moongrad'
local bench = dofile((arg[0]:match('^(.*/)') or './') .. 'common.lua')
local nn, F = mg.nn, mg.nn.functional

local threads = math.tointeger(tonumber(arg[1] or 2))
local data = arg[2] or '../shared/data'
mg.set_num_threads(threads)
mg.manual_seed(0)

local function load(split, n)
  local ok, ds = pcall(mg.data.mnist, split, {dir = data .. '/mnist'})
  if ok then return ds, 'mnist' end
  return mg.data.TensorDataset(mg.rand(n, 28, 28), mg.randint(1, 10, {n})), 'synthetic'
end
local train, source = load('train', 60000)
local images, labels = table.unpack(train.tensors)
images = images:view(-1, 784)

local model = nn.Sequential{nn.Linear(784, 512), nn.ReLU(), nn.Dropout(0.2),
                            nn.Linear(512, 512), nn.ReLU(), nn.Dropout(0.2), nn.Linear(512, 10)}
local opt = mg.optim.RMSprop(model:parameters(), {lr = 1e-3, alpha = 0.9, eps = 1e-7})
local function step(x, y)
  opt:zero_grad()
  local loss = F.cross_entropy(model(x), y)
  loss:backward()
  opt:step()
  return loss
end

for i = 0, 19 do step(images:narrow(1, i * 128 + 1, 128), labels:narrow(1, i * 128 + 1, 128)) end
local loader = mg.data.DataLoader(mg.data.TensorDataset(images, labels),
                                  {batch_size = 128, shuffle = true})
local t, loss = bench.clock(), nil
for x, y in loader:batches() do loss = step(x, y) end
local dt = bench.clock() - t

model:eval()
local test = load('test', 10000)
local ti, tl = table.unpack(test.tensors)
local accuracy = mg.no_grad(function()
  return model(ti:view(-1, 784)):argmax(2):eq(tl):double():mean():item()
end)
bench.emit{workload = 'mlp_mnist', metric = 'seconds_per_epoch', value = dt, data = source,
           test_accuracy = accuracy, final_loss = loss:item(), threads = threads,
           peak_rss_kb = bench.vmhwm_kb()}
