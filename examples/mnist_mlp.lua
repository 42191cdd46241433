-- The Keras MNIST MLP: 784-512-512-10 with ReLU and Dropout 0.2, RMSprop (lr 1e-3),
-- batch 128, 10 epochs; reaches about 98% test accuracy. Trained with mg.train.fit, which
-- keeps the last 10% of the training images to validate on, shows a progress bar (a line per
-- epoch when the output is not a terminal), logs each epoch to --log (a CSV file) and stops
-- early, back at the best weights, when val_loss has not improved for 3 epochs. The model is
-- then saved to --save, loaded into a fresh one, which must score the same.
-- usage: moongrad examples/mnist_mlp.lua --data DIR [--epochs N] [--log FILE.csv]
--          [--save FILE.safetensors]
--   DIR holds train-images-idx3-ubyte.gz and the three other MNIST files
--   (scripts/fetch-mnist.sh DIR downloads them). Without --log or --save their files are
--   temporary.
local mg = require 'moongrad'
local nn = mg.nn

local USAGE = 'usage: moongrad examples/mnist_mlp.lua --data DIR [--epochs N] [--log FILE.csv] '
              .. '[--save FILE.safetensors]\n'
local dir, epochs, log_path, model_path = nil, 10, nil, nil
local i = 1
while i <= #arg do
  if arg[i] == '--data' then dir, i = arg[i + 1], i + 2
  elseif arg[i] == '--epochs' then epochs, i = math.tointeger(tonumber(arg[i + 1])), i + 2
  elseif arg[i] == '--log' then log_path, i = arg[i + 1] or false, i + 2
  elseif arg[i] == '--save' then model_path, i = arg[i + 1] or false, i + 2
  else io.stderr:write(USAGE) os.exit(2) end
end
if not dir or not epochs or log_path == false or model_path == false then
  io.stderr:write(USAGE)
  os.exit(2)
end
local temporary = {}
if not log_path then log_path = os.tmpname(); temporary[#temporary + 1] = log_path end
if not model_path then model_path = os.tmpname(); temporary[#temporary + 1] = model_path end

mg.manual_seed(0)
local images, labels = table.unpack(mg.data.mnist('train', {dir = dir}).tensors)
local test = mg.data.mnist('test', {dir = dir})
local function new_model()
  return nn.Sequential{
    nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Dropout(0.2),
    nn.Linear(512, 512), nn.ReLU(), nn.Dropout(0.2), nn.Linear(512, 10)}
end
local model = new_model()
print(model)
-- Keras' RMSprop defaults: rho 0.9, epsilon 1e-7
local opt = mg.optim.RMSprop(model:parameters(), {lr = 1e-3, alpha = 0.9, eps = 1e-7})

mg.train.fit(model, {
  x = images, y = labels, loss = 'cross_entropy', optimizer = opt, batch_size = 128,
  epochs = epochs, validation_split = 0.1, metrics = {'accuracy'},
  callbacks = {mg.train.CSVLogger(log_path),
               mg.train.EarlyStopping{monitor = 'val_loss', patience = 3, restore_best_weights = true,
                                      verbose = 1}}})

local function test_accuracy(m)
  return mg.train.evaluate(m, {data = test, metrics = {'accuracy'}, batch_size = 1000}).accuracy
end
print(string.format('test accuracy: %.2f%%', 100 * test_accuracy(model)))

model:save(model_path)
local reloaded = new_model()
reloaded:load(model_path)
print(string.format('reloaded test accuracy: %.2f%%', 100 * test_accuracy(reloaded)))
for _, file in ipairs(temporary) do os.remove(file) end
