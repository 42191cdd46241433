-- moongrad quickstart: a small network learns to tell two interleaved spirals apart.
-- Shows the whole loop: make data, define a model, pick a loss and an optimizer, train,
-- and measure. Runs in a few seconds: `make demo`, or `build/moongrad examples/quickstart.lua`.
local mg = require 'moongrad'
local nn, F = mg.nn, mg.nn.functional
mg.manual_seed(42)

-- Two spirals of 500 points each, one and a half turns, with a little noise. Class k of
-- the data is label k (labels are 1-based, like everything in Lua).
local function spirals(n)
  local r = mg.linspace(0.1, 1, n)
  local xs, labels = {}, {}
  for k = 1, 2 do
    local theta = r * (3 * math.pi) + (k - 1) * math.pi
    xs[k] = mg.stack({r * theta:cos(), r * theta:sin()}, 2) + mg.randn(n, 2) * 0.02
    labels[k] = mg.full({n}, k, {dtype = 'int64'})
  end
  return mg.cat(xs, 1), mg.cat(labels, 1)
end

local x, y = spirals(500)
local model = nn.Sequential{nn.Linear(2, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(),
                            nn.Linear(64, 2)}
print(model)

local opt = mg.optim.Adam(model:parameters(), {lr = 0.01})
local loader = mg.data.DataLoader(mg.data.TensorDataset(x, y), {batch_size = 100, shuffle = true})
local function accuracy()
  local predicted = mg.no_grad(function() return model(x):argmax(2) end)
  return predicted:eq(y):double():mean():item()
end

local start = mg.clock()
for epoch = 1, 150 do
  local total = 0
  for xb, yb in loader:batches() do
    opt:zero_grad()
    local loss = F.cross_entropy(model(xb), yb)
    loss:backward()
    opt:step()
    total = total + loss:item()
  end
  if epoch % 25 == 0 then
    print(string.format('epoch %3d  loss %.4f  accuracy %.1f%%', epoch, total / #loader,
                        100 * accuracy()))
  end
end
print(string.format('final accuracy on the two spirals: %.1f%% (%.1f s)', 100 * accuracy(),
                    mg.clock() - start))
