-- Binary classification of a CSV table, the pipeline practitioners write in pandas and Keras:
-- read the CSV, drop duplicate rows, forward-fill gaps, split 80/20 (seed 42, stratified by the
-- label so that both parts keep the classes' proportions), standardise on the training part,
-- train an MLP 128-64-32-1 (ReLU, sigmoid output) with Adam and binary cross-entropy for 100
-- epochs of batch 32 with mg.train.fit, report the test accuracy, then save the model, load
-- it into a fresh one and check that it scores the same.
-- usage: moongrad examples/tabular_bce.lua DATA.csv [--target NAME] [--epochs N]
--          [--validation FRACTION] [--patience N] [--log FILE.csv] [--save FILE.safetensors]
--   the target column (default 'target') holds 0/1; every other column is a feature.
--   e.g. the UCI breast cancer table, uci/breast_cancer.csv in the benchmark data the tests
--   use when present (569 tumours, 30 features): about 97%. Nothing else is read.
--   fit keeps the last --validation of the training part (default 0.1) to validate on
--   (validation_split), logs each epoch to --log (a CSV file) and stops early when val_loss
--   has not improved for --patience epochs (by default as many as --epochs, so that all of
--   them run; try 10). The tabular_bce benchmark runs it with --validation 0, to train on
--   the whole training part as the PyTorch reference does (then the training loss is
--   monitored). Without --log or --save their files are temporary.
local mg = require 'moongrad'
local nn, P = mg.nn, mg.preprocessing

local USAGE = 'usage: moongrad examples/tabular_bce.lua DATA.csv [--target NAME] [--epochs N] '
              .. '[--validation FRACTION] [--patience N] [--log FILE.csv] [--save FILE.safetensors]\n'
local path, target, epochs, validation, patience, log_path, model_path = nil, 'target', 100, 0.1, nil, nil, nil
local i = 1
while i <= #arg do
  if arg[i] == '--target' then target, i = arg[i + 1], i + 2
  elseif arg[i] == '--epochs' then epochs, i = math.tointeger(tonumber(arg[i + 1])), i + 2
  elseif arg[i] == '--validation' then validation, i = tonumber(arg[i + 1]) or false, i + 2
  elseif arg[i] == '--patience' then patience, i = math.tointeger(tonumber(arg[i + 1])) or false, i + 2
  elseif arg[i] == '--log' then log_path, i = arg[i + 1] or false, i + 2
  elseif arg[i] == '--save' then model_path, i = arg[i + 1] or false, i + 2
  elseif not path then path, i = arg[i], i + 1
  else io.stderr:write(USAGE) os.exit(2) end
end
if not path or not target or not epochs or not validation or patience == false or log_path == false
   or model_path == false then
  io.stderr:write(USAGE)
  os.exit(2)
end
local temporary = {}
if not log_path then log_path = os.tmpname(); temporary[#temporary + 1] = log_path end
if not model_path then model_path = os.tmpname(); temporary[#temporary + 1] = model_path end

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

local function new_model()
  return nn.Sequential{
    nn.Linear(#features, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
    nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 1), nn.Sigmoid()}
end
local model = new_model()

-- The losses every 10th epoch.
local every_10th = mg.train.Callback{on_epoch_end = function(_, epoch, logs)
  if epoch == 1 or epoch % 10 == 0 then
    print(('epoch %3d  loss %.4f%s'):format(epoch, logs.loss,
                                            logs.val_loss and ('  val_loss %.4f'):format(logs.val_loss) or ''))
  end
end}
local monitor = validation > 0 and 'val_loss' or 'loss'

local start = mg.clock()
local history = mg.train.fit(model, {
  x = x_train, y = y_train, loss = 'bce', optimizer = 'adam', lr = 1e-3, batch_size = 32,
  epochs = epochs, validation_split = validation > 0 and validation or nil, metrics = {'accuracy'},
  verbose = 0, callbacks = {every_10th, mg.train.CSVLogger(log_path),
                            mg.train.EarlyStopping{monitor = monitor, patience = patience or epochs}}})
local seconds = mg.clock() - start
print(('%d epochs run'):format(#history.epoch))

local function test_accuracy(m)
  return mg.train.evaluate(m, {x = x_test, y = y_test, metrics = {'accuracy'}}).accuracy
end
print(('training seconds: %.3f'):format(seconds))
print(('test accuracy: %.4f'):format(test_accuracy(model)))

model:save(model_path)
local reloaded = new_model()
reloaded:load(model_path)
print(('reloaded test accuracy: %.4f'):format(test_accuracy(reloaded)))
for _, file in ipairs(temporary) do os.remove(file) end
