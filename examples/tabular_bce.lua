-- Binary classification of a CSV table, the pipeline practitioners write in pandas and Keras:
-- read the CSV, drop duplicate rows, forward-fill gaps, split 80/20 (seed 42, stratified by the
-- label so that both parts keep the classes' proportions), standardise on
-- the training part, train an MLP 128-64-32-1 (ReLU, sigmoid output) with Adam and binary
-- cross-entropy for 100 epochs of batch 32, and report the test accuracy.
-- usage: moongrad examples/tabular_bce.lua DATA.csv [--target NAME] [--epochs N]
--   the target column (default 'target') holds 0/1; every other column is a feature.
--   e.g. ../shared/data/uci/breast_cancer.csv (569 tumours, 30 features): about 97%.
local mg = require 'moongrad'
local nn, F, P = mg.nn, mg.nn.functional, mg.preprocessing

local USAGE = 'usage: moongrad examples/tabular_bce.lua DATA.csv [--target NAME] [--epochs N]\n'
local path, target, epochs = nil, 'target', 100
local i = 1
while i <= #arg do
  if arg[i] == '--target' then target, i = arg[i + 1], i + 2
  elseif arg[i] == '--epochs' then epochs, i = math.tointeger(tonumber(arg[i + 1])), i + 2
  elseif not path then path, i = arg[i], i + 1
  else io.stderr:write(USAGE) os.exit(2) end
end
if not path or not target or not epochs then io.stderr:write(USAGE) os.exit(2) end

mg.manual_seed(0)
local df = mg.data.read_csv(path):drop_duplicates():fillna{method = 'ffill'}
local features = {}
for _, name in ipairs(df.columns) do
  if name ~= target then features[#features + 1] = name end
end
local x, y = df:to_tensor(features), df:to_tensor({target})
print(('%s: %d rows after dropping duplicates, %d features'):format(path, #df, #features))

local x_train, x_test, y_train, y_test = P.train_test_split(x, y, {test_size = 0.2, seed = 42,
                                                                  stratify = y:view(-1)})
local scaler = P.StandardScaler():fit(x_train)
x_train, x_test = scaler:transform(x_train), scaler:transform(x_test)

local model = nn.Sequential{
  nn.Linear(#features, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
  nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 1), nn.Sigmoid()}
local opt = mg.optim.Adam(model:parameters(), {lr = 1e-3})
local loader = mg.data.DataLoader(mg.data.TensorDataset(x_train, y_train),
                                  {batch_size = 32, shuffle = true})

local start = mg.clock()
for epoch = 1, epochs do
  local total, steps = 0, 0
  for xb, yb in loader:batches() do
    opt:zero_grad()
    local loss = F.binary_cross_entropy(model(xb), yb)
    loss:backward()
    opt:step()
    total, steps = total + loss:item(), steps + 1
  end
  if epoch == 1 or epoch % 10 == 0 then print(('epoch %3d  loss %.4f'):format(epoch, total / steps)) end
end
local seconds = mg.clock() - start

model:eval()
local accuracy = mg.no_grad(function()
  return model(x_test):gt(0.5):eq(y_test:gt(0.5)):float():mean():item()
end)
print(('training seconds: %.3f'):format(seconds))
print(('test accuracy: %.4f'):format(accuracy))
