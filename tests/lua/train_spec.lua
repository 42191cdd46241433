-- mg.train: fit, evaluate, predict, train_epoch, History and the callbacks. Training values
-- come from the same problem run in torch 1.13 (float64, weights set explicitly, the same
-- batches in order; the script is at the end of this file); the callbacks are driven through
-- scripted sequences of logs whose outcomes were worked out by hand with the rules of Keras
-- 3's callbacks (written out next to each case).
local mg = require 'moongrad'
local h = require 'tests.lua.helpers'
local nn, T = mg.nn, mg.train

local SPEC = 'train_spec.lua:'
local function err(f) return h.error_in(SPEC, f) end

-- The message of an error raised by a hook called directly (outside fit, which would raise it
-- at the line that called fit).
local function hook_error(f)
  local ok, e = pcall(f)
  assert.is_false(ok, 'expected an error')
  return tostring(e)
end

local function f64(list) return mg.tensor(list, {dtype = 'float64'}) end

-- The regression problem: 6 samples of 2 features, Linear(2, 1) from w = {0.5, -0.25},
-- b = 0.1, SGD lr 0.05, MSE, batches of 4 and 2 in order.
local X = f64{{1, 2}, {2, 0}, {0, 1}, {3, 1}, {1, -1}, {2, 2}}
local Y = f64{{3}, {2.5}, {0}, {4}, {2}, {3}}
local XV, YV = f64{{1, 1}, {0, 2}}, f64{{1.5}, {-1}}

local function linear_model()
  local m = nn.Linear(2, 1):double()
  mg.no_grad(function()
    m.weight:copy_(f64{{0.5, -0.25}})
    m.bias:copy_(f64{0.1})
  end)
  return m
end

local function mae(pred, target) return (pred - target):abs():mean():item() end

local function regression(opts)
  local model = linear_model()
  local o = {x = X, y = Y, batch_size = 4, shuffle = false, epochs = 2, loss = 'mse',
             optimizer = mg.optim.SGD(model:parameters(), {lr = 0.05}), verbose = 0}
  for k, v in pairs(opts or {}) do o[k] = v end
  return model, T.fit(model, o)
end

-- What fit writes, captured.
local function capture()
  local out = {}
  return out, {write = function(_, s) out[#out + 1] = s end}
end

-- Runs f with io.stderr captured; returns what was written.
local function stderr_of(f)
  local said, stderr = {}, io.stderr
  io.stderr = {write = function(_, s) said[#said + 1] = s end}
  local ok, e = pcall(f)
  io.stderr = stderr
  assert(ok, e)
  return table.concat(said)
end

local function tmpdir()
  local dir = os.tmpname()
  os.remove(dir)
  assert(os.execute('mkdir -p ' .. dir))
  return dir
end

local function file_text(path)
  local f = assert(io.open(path))
  local s = f:read('a')
  f:close()
  return s
end

local exists = h.file_exists

-- ---- fit ---------------------------------------------------------------------------------

describe('fit', function()
  it('matches torch: sample-weighted epoch loss, epoch metrics, validation, final weights', function()
    local model, history = regression{metrics = {mae = mae}, validation_data = {XV, YV}}
    assert.are.same({1, 2}, history.epoch)
    local hist = history.history
    h.assert_close(hist.loss, {3.2272065104166665, 0.5659946757975259}, 1e-12, 1e-12)
    h.assert_close(hist.mae, {1.5093750000000001, 0.58241875}, 1e-12, 1e-12)
    h.assert_close(hist.val_loss, {1.0453237070312502, 1.4122726808941897}, 1e-12, 1e-12)
    h.assert_close(hist.val_mae, {0.7695625, 0.9338289062500001}, 1e-12, 1e-12)
    h.assert_close(model.weight, {{1.13354171875, 0.10355703125}}, 1e-12, 1e-12)
    h.assert_close(model.bias, {0.46172250000000004}, 1e-12, 1e-12)
    assert.are.same({epochs = 2, steps = 2, verbose = 0}, history.params)
  end)

  it('clips the gradient norm before each step, as torch.nn.utils.clip_grad_norm_', function()
    local model, history = regression{clip_grad_norm = 0.5}
    h.assert_close(history.history.loss, {4.018704716364631, 3.6104580837453626}, 1e-12, 1e-12)
    h.assert_close(model.weight, {{0.576770686353837, -0.20253884031902544}}, 1e-12, 1e-12)
    h.assert_close(model.bias, {0.1429379805539302}, 1e-12, 1e-12)
  end)

  it('steps a scheduler once per epoch (StepLR as torch), or with the monitored value', function()
    local model = linear_model()
    local opt = mg.optim.SGD(model:parameters(), {lr = 0.05})
    local history = T.fit(model, {x = X, y = Y, batch_size = 4, shuffle = false, epochs = 2, loss = 'mse',
                            optimizer = opt, verbose = 0,
                            scheduler = mg.optim.lr_scheduler.StepLR(opt, {step_size = 1, gamma = 0.5})})
    h.assert_close(history.history.loss, {3.2272065104166665, 0.5896674162475585}, 1e-12, 1e-12)
    h.assert_close(model.weight, {{1.0746584765625, 0.07783574218750003}}, 1e-12, 1e-12)
    h.assert_close(model.bias, {0.42416890625000003}, 1e-12, 1e-12)
    -- a plateau-style scheduler names the value it wants in its monitor field
    local seen = {}
    local plateau = {monitor = 'val_loss', step = function(_, v) seen[#seen + 1] = v end}
    local _, hist2 = regression{validation_data = {XV, YV}, scheduler = plateau}
    h.assert_close(seen, hist2.history.val_loss, 0, 0)
    h.assert_close(seen, {1.0453237070312502, 1.4122726808941897}, 1e-12, 1e-12)
  end)

  it('makes an optimizer from a name with lr (SGD defaults to Keras\' 0.01)', function()
    local model, history = regression{optimizer = 'sgd', lr = 0.05}
    h.assert_close(history.history.loss, {3.2272065104166665, 0.5659946757975259}, 1e-12, 1e-12)
    h.assert_close(model.bias, {0.46172250000000004}, 1e-12, 1e-12)
    -- one SGD step of lr 0.01 on all six samples: w - 0.01 * dL/dw, dL/dw = 2/6 X^T (Xw + b - y)
    local m2 = linear_model()
    T.fit(m2, {x = X, y = Y, batch_size = 6, epochs = 1, loss = 'mse', optimizer = 'SGD', verbose = 0})
    -- residuals Xw + b - y: 0.1-3, 1.1-2.5, -0.15-0, 1.35-4, 0.85-2, 0.6-3
    local r = {-2.9, -1.4, -0.15, -2.65, -1.15, -2.4}
    local gw1 = 2 / 6 * (1 * r[1] + 2 * r[2] + 0 * r[3] + 3 * r[4] + 1 * r[5] + 2 * r[6])
    local gw2 = 2 / 6 * (2 * r[1] + 0 * r[2] + 1 * r[3] + 1 * r[4] - 1 * r[5] + 2 * r[6])
    local gb = 2 / 6 * (r[1] + r[2] + r[3] + r[4] + r[5] + r[6])
    h.assert_close(m2.weight, {{0.5 - 0.01 * gw1, -0.25 - 0.01 * gw2}}, 1e-12, 1e-12)
    h.assert_close(m2.bias, {0.1 - 0.01 * gb}, 1e-12, 1e-12)
  end)

  it('takes a DataLoader or a dataset as data, and targets of shape {N} for outputs {N,1}', function()
    local loader = mg.data.DataLoader(mg.data.TensorDataset(X, Y:view(-1)), {batch_size = 4})
    local model = linear_model()
    local history = T.fit(model, {data = loader, loss = 'mse', epochs = 2, verbose = 0,
                                  optimizer = mg.optim.SGD(model:parameters(), {lr = 0.05})})
    h.assert_close(history.history.loss, {3.2272065104166665, 0.5659946757975259}, 1e-12, 1e-12)
    local m2 = linear_model()
    local h2 = T.fit(m2, {data = mg.data.TensorDataset(X, Y), batch_size = 4, shuffle = false,
                          loss = 'mse', epochs = 2, verbose = 0,
                          optimizer = mg.optim.SGD(m2:parameters(), {lr = 0.05})})
    h.assert_close(h2.history.loss, {3.2272065104166665, 0.5659946757975259}, 1e-12, 1e-12)
  end)

  it('trains a classifier to high accuracy, with metrics by name from mg.metrics', function()
    mg.manual_seed(3)
    -- three well separated blobs around (0, 4), (4, -2), (-4, -2)
    local centers = mg.tensor{{0, 4}, {4, -2}, {-4, -2}}
    local labels = mg.randint(1, 3, {600})
    local x = centers:index_select(1, labels) + mg.randn(600, 2)
    local model = nn.Sequential{nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 3)}
    local history = T.fit(model, {x = x, y = labels, loss = 'cross_entropy', optimizer = 'adam', lr = 0.01,
                                  epochs = 15, metrics = {'accuracy'}, validation_split = 0.2, verbose = 0})
    local hist = history.history
    assert.is_true(hist.val_accuracy[15] >= 0.95, 'val_accuracy ' .. hist.val_accuracy[15])
    assert.is_true(hist.accuracy[15] >= 0.95)
    assert.is_true(hist.loss[15] < hist.loss[1])
    -- the epoch's accuracy is over all its predictions: a multiple of 1/480
    local correct = hist.accuracy[15] * 480
    assert.is_true(math.abs(correct - math.floor(correct + 0.5)) < 1e-4)
    local scores = T.evaluate(model, {x = x, y = labels, metrics = {'accuracy'}, loss = 'cross_entropy'})
    assert.is_true(scores.accuracy >= 0.95)
  end)

  it('validation_split takes the last fraction of x and y (floor of n * (1 - split) trains), before shuffling', function()
    -- 10 rows, split 0.25: floor(10 * 0.75) = 7 train (rows 1..7), 3 validate (rows 8..10)
    local x = mg.arange(1, 11):to('float64'):view(10, 1)
    local seen = {}
    local function rows(_, target)
      seen[#seen + 1] = target:view(-1):totable()
      return 0
    end
    mg.manual_seed(0)
    local model = nn.Linear(1, 1):double()
    T.fit(model, {x = x, y = x:clone(), loss = 'mse', optimizer = 'sgd', lr = 0, epochs = 1, batch_size = 3,
                  metrics = {rows = rows}, validation_split = 0.25, verbose = 0})
    assert.are.equal(2, #seen)
    local train_rows = seen[1]
    table.sort(train_rows)
    assert.are.same({1, 2, 3, 4, 5, 6, 7}, train_rows)
    assert.are.same({8, 9, 10}, seen[2])
  end)

  it('calls a callback\'s hooks in order, with the trainer, and stops when it says so', function()
    local calls, model = {}, linear_model()
    local opt = mg.optim.SGD(model:parameters(), {lr = 0.05})
    local cb = T.Callback{
      on_train_begin = function(self) calls[#calls + 1] = 'train_begin'; assert.are.equal(model, self.trainer.model) end,
      on_epoch_begin = function(_, epoch) calls[#calls + 1] = 'epoch_begin ' .. epoch end,
      on_batch_begin = function(_, batch) calls[#calls + 1] = 'batch_begin ' .. batch end,
      on_batch_end = function(_, batch, logs) calls[#calls + 1] = ('batch_end %d %d'):format(batch, logs.size) end,
      on_epoch_end = function(self, epoch, logs)
        calls[#calls + 1] = ('epoch_end %d %s %s'):format(epoch, math.type(logs.loss), math.type(logs.val_loss))
        assert.are.equal(opt, self.trainer.optimizer)
        if epoch == 2 then self.trainer.stop_training = true end
      end,
      on_train_end = function(self)
        calls[#calls + 1] = 'train_end'
        assert.are.same({1, 2}, self.trainer.history.epoch)
      end}
    local history = T.fit(model, {x = X, y = Y, batch_size = 4, shuffle = false, epochs = 5, loss = 'mse',
                                  optimizer = opt, validation_data = {XV, YV}, callbacks = {cb}, verbose = 0})
    assert.are.same({'train_begin',
      'epoch_begin 1', 'batch_begin 1', 'batch_end 1 4', 'batch_begin 2', 'batch_end 2 2', 'epoch_end 1 float float',
      'epoch_begin 2', 'batch_begin 1', 'batch_end 1 4', 'batch_begin 2', 'batch_end 2 2', 'epoch_end 2 float float',
      'train_end'}, calls)
    assert.are.same({1, 2}, history.epoch)
    -- a plain table of hooks works too, and stopping in a batch ends the epoch there
    local batches = 0
    local plain = {on_batch_end = function(self) batches = batches + 1; self.trainer.stop_training = true end}
    local _, h2 = regression{callbacks = {plain}}
    assert.are.equal(1, batches)
    -- the first batch's loss alone, by hand: predictions 0.1, 1.1, -0.15, 1.35 against 3, 2.5,
    -- 0, 4: (2.9^2 + 1.4^2 + 0.15^2 + 2.65^2) / 4 = 17.415 / 4
    h.assert_close(h2.history.loss, {4.35375}, 1e-12, 1e-12)
  end)

  it('continues from initial_epoch: epochs initial_epoch + 1 .. epochs', function()
    local _, history = regression{initial_epoch = 3, epochs = 5}
    assert.are.same({4, 5}, history.epoch)
    h.assert_close(history.history.loss, {3.2272065104166665, 0.5659946757975259}, 1e-12, 1e-12)
  end)

  it('restores the model\'s mode after training', function()
    local model = linear_model()
    model:eval()
    T.fit(model, {x = X, y = Y, loss = 'mse', optimizer = 'sgd', verbose = 0})
    assert.is_false(model.training)
    model:train()
    T.fit(model, {x = X, y = Y, loss = 'mse', optimizer = 'sgd', verbose = 0})
    assert.is_true(model.training)
    -- and when training fails
    model:eval()
    assert.has_error(function()
      T.fit(model, {x = X, y = Y, loss = function() error('boom') end, optimizer = 'sgd', verbose = 0})
    end)
    assert.is_false(model.training)
  end)
end)

-- ---- progress output ---------------------------------------------------------------------

describe('fit progress', function()
  -- Epoch values from torch (see 'matches torch' above), as Keras prints them: 4 decimals.
  local LINES = {'epoch 1/2 - T - loss: 3.2272 - mae: 1.5094 - val_loss: 1.0453 - val_mae: 0.7696',
                 'epoch 2/2 - T - loss: 0.5660 - mae: 0.5824 - val_loss: 1.4123 - val_mae: 0.9338'}

  local function without_times(s) return (s:gsub(' %d+%.%ds ', ' T ')) end

  it('writes one plain line per epoch with verbose = 2, and with verbose = 1 off a terminal', function()
    for _, verbose in ipairs{1, 2} do
      local out, writer = capture()
      regression{metrics = {mae = mae}, validation_data = {XV, YV}, verbose = verbose, out = writer}
      local text = table.concat(out)
      assert.truthy(text:match('^epoch 1/2 %- %d+%.%ds %- loss'), text)
      assert.are.equal(table.concat(LINES, '\n') .. '\n', without_times(text))
    end
    local out, writer = capture()
    regression{verbose = 0, out = writer}
    assert.are.same({}, out)
  end)

  it('draws a bar per epoch, ending with the time and the epoch\'s values', function()
    local out, writer = capture()
    regression{metrics = {mae = mae}, validation_data = {XV, YV}, verbose = 1, progress = 'bar', out = writer}
    local text = table.concat(out)
    local epochs = {}
    for header, body in text:gmatch('(Epoch %d/2)\n([^\n]*)\n') do epochs[#epochs + 1] = {header, body} end
    assert.are.equal(2, #epochs, text)
    for i, e in ipairs(epochs) do
      assert.are.equal(('Epoch %d/2'):format(i), e[1])
      -- the first batch is drawn at once (half the bar), then the final line over it
      local first, final = e[2]:match('^\r([^\r]*)\r([^\r]*)$')
      assert.truthy(first, e[2])
      assert.truthy(first:match('^1/2 %[' .. ('='):rep(14) .. '>' .. ('%.'):rep(15) .. '%] %- ETA: %d+s %- %d+ samples/s %- loss: '), first)
      local want = '2/2 [' .. ('='):rep(30) .. '] - T' .. LINES[i]:match('^epoch %d/2 %- T(.*)$')
      assert.are.equal(want, without_times(final:gsub('%s+$', '')))
    end
  end)

  it('puts a callback\'s message on a line of its own after the bar', function()
    local out, writer = capture()
    local x = mg.tensor{{1}, {0 / 0}, {2}}
    T.fit(nn.Linear(1, 1), {x = x, y = mg.tensor{{1}, {2}, {3}}, batch_size = 1, shuffle = false, loss = 'mse',
                            optimizer = 'sgd', epochs = 3, verbose = 1, progress = 'bar', out = writer,
                            callbacks = {T.TerminateOnNaN()}})
    local text = table.concat(out)
    -- batch 1 drew the bar; batch 2's message ends that line; the final line follows
    assert.truthy(text:find('^Epoch 1/3\n\r1/3 '), text)
    assert.truthy(text:find('\nBatch 2: Invalid loss, terminating training\n\r2/3 [' .. ('='):rep(19) .. '>'
                            .. ('.'):rep(10) .. '] - ', 1, true), text)
    assert.truthy(text:find(' - loss: nan\n$'), text)
    assert.falsy(text:find('Epoch 2/3', 1, true), text)
  end)

  it('formats tiny values with 4 significant digits, as Keras', function()
    local out, writer = capture()
    local x = f64{{1}, {2}}
    local model = nn.Linear(1, 1):double()
    mg.no_grad(function() model.weight:fill_(2); model.bias:fill_(0) end)
    T.fit(model, {x = x, y = x * 2 + 1e-3, loss = 'mse', optimizer = 'sgd', lr = 0, epochs = 1, verbose = 2,
                  out = writer})
    -- the error is 1e-3 on both samples: loss 1e-6
    assert.are.equal('epoch 1/1 - T - loss: 1.0000e-06\n', without_times(table.concat(out)))
  end)
end)

-- ---- evaluate, predict, train_epoch -------------------------------------------------------

-- A model that records the grad mode and its own mode on each call.
local Recorder = nn.Module:extend('Recorder')
function Recorder:init() self.inner = linear_model(); self.seen = {} end
function Recorder:forward(x)
  self.seen[#self.seen + 1] = {grad = mg.is_grad_enabled(), training = self.training}
  return self.inner(x)
end

describe('evaluate and predict', function()
  it('evaluate: batched loss and metrics, in eval mode without grad, restoring the mode', function()
    for _, training in ipairs{true, false} do
      local model = Recorder()
      model:train(training)
      -- by hand: predictions 0.5 - 0.25 + 0.1 = 0.35 and -0.5 + 0.1 = -0.4 against 1.5 and -1:
      -- errors -1.15 and 0.6, MSE (1.3225 + 0.36) / 2 = 0.84125, MAE (1.15 + 0.6) / 2 = 0.875
      local scores = T.evaluate(model, {x = XV, y = YV, loss = 'mse', metrics = {mae = mae}, batch_size = 1})
      h.assert_close(scores.loss, 0.84125, 1e-12, 1e-12)
      h.assert_close(scores.mae, 0.875, 1e-12, 1e-12)
      assert.are.equal(2, #model.seen) -- one call per batch
      for _, s in ipairs(model.seen) do assert.are.same({grad = false, training = false}, s) end
      assert.are.equal(training, model.training)
    end
    local scores = T.evaluate(linear_model(), {data = mg.data.DataLoader(mg.data.TensorDataset(XV, YV)),
                                               metrics = {'mae'}})
    h.assert_close(scores.mae, 0.875, 1e-12, 1e-12)
    assert.is_nil(scores.loss)
    -- the mode comes back when evaluation fails
    local model = Recorder()
    assert.has_error(function()
      T.evaluate(model, {x = XV, y = YV, loss = function() error('boom') end})
    end)
    assert.is_true(model.training)
  end)

  it('predict: the outputs of every batch joined, in eval mode without grad', function()
    local model = Recorder()
    local p = T.predict(model, X, {batch_size = 4})
    assert.are.same({6, 1}, p.shape)
    assert.is_false(p.requires_grad)
    -- 0.5 x1 - 0.25 x2 + 0.1 for each row of X
    h.assert_close(p, {{0.1}, {1.1}, {-0.15}, {1.35}, {0.85}, {0.6}}, 1e-12, 1e-12)
    assert.are.same({{grad = false, training = false}, {grad = false, training = false}}, model.seen)
    assert.is_true(model.training)
    local from_loader = T.predict(linear_model(), mg.data.DataLoader(mg.data.TensorDataset(X, Y), {batch_size = 5}))
    h.assert_close(from_loader, p, 0, 0)
    -- a model in training mode with dropout predicts deterministically
    local dropout = nn.Sequential{nn.Dropout(0.5), nn.Linear(2, 1)}
    h.assert_close(T.predict(dropout, X:float()), T.predict(dropout, X:float()), 0, 0)
    assert.is_true(dropout.training)
  end)

  it('train_epoch and evaluate make the hand-written loop: the same values as fit', function()
    local model = linear_model()
    local opt = mg.optim.SGD(model:parameters(), {lr = 0.05})
    local loader = mg.data.DataLoader(mg.data.TensorDataset(X, Y), {batch_size = 4})
    local expected = {{3.2272065104166665, 1.5093750000000001, 1.0453237070312502},
                      {0.5659946757975259, 0.58241875, 1.4122726808941897}}
    for epoch = 1, 2 do
      local logs = T.train_epoch(model, loader, 'mse', opt, {metrics = {mae = mae}})
      local val = T.evaluate(model, {x = XV, y = YV, loss = 'mse'})
      h.assert_close({logs.loss, logs.mae, val.loss}, expected[epoch], 1e-12, 1e-12)
    end
    h.assert_close(model.bias, {0.46172250000000004}, 1e-12, 1e-12)
    assert.is_true(model.training)
  end)
end)

-- ---- History --------------------------------------------------------------------------------

describe('History', function()
  it('prints one row per epoch and plots training and validation curves', function()
    local _, history = regression{metrics = {mae = mae}, validation_data = {XV, YV}}
    assert.are.equal(table.concat({
      'epoch  loss        mae         val_loss    val_mae',
      '    1  3.2272      1.5094      1.0453      0.7696',
      '    2  0.5660      0.5824      1.4123      0.9338'}, '\n'), tostring(history))
    local p = history:plot(nil, {metrics = {'loss'}})
    assert.are.equal(2, #p.series)
    assert.are.equal('loss', p.series[1].label)
    assert.are.equal('val_loss', p.series[2].label)
    h.assert_close(p.series[2].y, {1.0453237070312502, 1.4122726808941897}, 1e-12, 1e-12)
    h.assert_close(p.series[1].x, {1, 2})
    assert.are.equal(4, #history:plot().series)
    local path = os.tmpname() .. '.svg'
    history:plot(path)
    assert.truthy(file_text(path):find('<svg', 1, true))
    os.remove(path)
    assert.are.equal("History:plot: the history has no 'accuracy' (it has: loss, mae, val_loss, val_mae)",
                     err(function() history:plot(nil, {metrics = {'accuracy'}}) end))
  end)
end)

-- ---- callbacks ------------------------------------------------------------------------------

-- Drives a callback through epochs whose logs hold monitor = values[epoch], setting the
-- model's weight to the epoch number first (so restored weights tell their epoch). Returns
-- the epoch it stopped at (nil when it ran through) and the trainer.
local function drive(cb, monitor, values, model)
  local trainer = {model = model or nn.Linear(1, 1), stop_training = false}
  cb.trainer = trainer
  cb:on_train_begin({})
  local stopped
  for epoch, v in ipairs(values) do
    mg.no_grad(function() trainer.model.weight:fill_(epoch) end)
    cb:on_epoch_end(epoch, {[monitor] = v, loss = 1})
    if trainer.stop_training then stopped = epoch; break end
  end
  cb:on_train_end({})
  return stopped, trainer
end

describe('EarlyStopping', function()
  it('counts patience as Keras, with min_delta, and restores the best weights at the end', function()
    -- patience 2, min_delta 0.05 (improving means below best - 0.05):
    -- e1 1.0 improves on inf (wait 0); e2 0.9 < 0.95 improves (wait 0); e3 0.88 > 0.85: wait 1;
    -- e4 0.86: wait 2 = patience: stop at 4, restore epoch 2's weights
    local es = T.EarlyStopping{patience = 2, min_delta = 0.05, restore_best_weights = true}
    local stopped, trainer = drive(es, 'val_loss', {1.0, 0.9, 0.88, 0.86, 0.7, 0.6})
    assert.are.equal(4, stopped)
    assert.are.equal(4, es.stopped_epoch)
    assert.are.equal(2, es.best_epoch)
    assert.are.equal(0.9, es.best)
    h.assert_close(trainer.model.weight, {{2}})
  end)

  it('with patience 0 stops at the first epoch that does not improve, never the first', function()
    assert.are.equal(2, (drive(T.EarlyStopping(), 'val_loss', {1, 2, 0})))
    assert.are.equal(3, (drive(T.EarlyStopping(), 'val_loss', {1, 0.5, 0.6, 0})))
    -- improving every epoch never stops
    assert.is_nil((drive(T.EarlyStopping(), 'val_loss', {3, 2, 1})))
  end)

  it('restores the best weights even when training ran to the end (Keras 3), and not without the option', function()
    local es = T.EarlyStopping{patience = 5, restore_best_weights = true}
    local stopped, trainer = drive(es, 'val_loss', {1.0, 0.5, 0.8})
    assert.is_nil(stopped)
    assert.are.equal(0, es.stopped_epoch)
    h.assert_close(trainer.model.weight, {{2}})
    local _, t2 = drive(T.EarlyStopping{patience = 1}, 'val_loss', {1.0, 0.5, 0.8})
    h.assert_close(t2.model.weight, {{3}})
  end)

  it('maximises accuracies in mode auto, and with a baseline restarts the wait only past it', function()
    -- mode max (auto for val_accuracy), baseline 0.8, patience 2: e1 0.5, e2 0.6 and e3 0.7
    -- each improve on the best (and return) but not on the baseline, so the wait grows to 1,
    -- 2, 3; e4 0.65 does not improve: wait 4 >= 2, stop at 4; best epoch 3
    local es = T.EarlyStopping{monitor = 'val_accuracy', baseline = 0.8, patience = 2, restore_best_weights = true}
    assert.are.equal('max', es.mode)
    local stopped, trainer = drive(es, 'val_accuracy', {0.5, 0.6, 0.7, 0.65, 0.9})
    assert.are.equal(4, stopped)
    assert.are.equal(3, es.best_epoch)
    h.assert_close(trainer.model.weight, {{3}})
    assert.are.equal('min', T.EarlyStopping{monitor = 'loss'}.mode)
    assert.are.equal('max', T.EarlyStopping{monitor = 'val_roc_auc'}.mode)
    assert.are.equal('min', T.EarlyStopping{monitor = 'val_accuracy', mode = 'min'}.mode)
  end)

  it('ignores epochs up to start_from_epoch', function()
    -- e1, e2 ignored; e3 2.0 improves; e4 3.0: wait 1 >= patience 1: stop
    assert.are.equal(4, (drive(T.EarlyStopping{start_from_epoch = 2, patience = 1}, 'val_loss', {1, 0.5, 2, 3, 4})))
  end)

  it('inside fit: stops, records the epochs run, restores the weights of the best', function()
    local values, weights = {1.0, 0.5, 0.7, 0.8, 0.9, 1.0}, {}
    local script = T.Callback{on_epoch_end = function(self, epoch, logs)
      logs.val_loss = values[epoch]
      weights[epoch] = self.trainer.model.weight:clone()
    end}
    local model, history = regression{epochs = 6,
      callbacks = {script, T.EarlyStopping{patience = 2, restore_best_weights = true}}}
    -- e2 0.5 is the best; e3, e4 do not improve: wait 2 = patience, stop at 4
    assert.are.same({1, 2, 3, 4}, history.epoch)
    assert.are.same({1.0, 0.5, 0.7, 0.8}, history.history.val_loss)
    h.assert_close(model.weight, weights[2], 0, 0)
  end)

  it('warns once, as Keras, when the monitored value is not logged, and goes on', function()
    local es = T.EarlyStopping{monitor = 'val_accuracy'}
    local said = stderr_of(function()
      assert.is_nil((drive(es, 'val_loss', {1, 2, 3})))
    end)
    assert.are.equal("warning: EarlyStopping: early stopping is conditioned on 'val_accuracy', which is "
                     .. 'not in the logs (they hold: loss, val_loss)\n', said)
  end)

  it('checks its options', function()
    assert.are.equal("EarlyStopping: unknown option 'patient' (options: baseline, min_delta, mode, "
                     .. 'monitor, patience, restore_best_weights, start_from_epoch, verbose)',
                     err(function() T.EarlyStopping{patient = 2} end))
    assert.are.equal('EarlyStopping: patience must be an integer >= 0, got -1',
                     err(function() T.EarlyStopping{patience = -1} end))
    assert.are.equal("EarlyStopping: mode must be 'auto', 'min' or 'max', got \"up\"",
                     err(function() T.EarlyStopping{mode = 'up'} end))
    assert.are.equal('EarlyStopping: restore_best_weights must be a boolean, got 1',
                     err(function() T.EarlyStopping{restore_best_weights = 1} end))
    assert.are.equal('EarlyStopping: monitor must be the name of a logged value, got 3',
                     err(function() T.EarlyStopping{monitor = 3} end))
  end)
end)

describe('ReduceLROnPlateau', function()
  it('reduces lr as Keras: patience, min_delta, cooldown, min_lr', function()
    -- factor 0.5, patience 2, cooldown 1, min_lr 0.02, min_delta 1e-4 (Keras' default), lr 0.1.
    -- e1 1.0 best. e2 1.0: wait 1. e3: wait 2 -> lr 0.05, cooldown 1, wait 0.
    -- e4: cooldown 1 -> 0, wait 0; then not improving and out of cooldown: wait 1.
    -- e5 0.5 best, wait 0. e6: wait 1. e7: wait 2 -> lr 0.025, cooldown 1. e8: cooldown ends, wait 1.
    -- e9: wait 2 -> lr max(0.0125, 0.02) = 0.02. e10: wait 1. e11: wait 2, but lr = min_lr: no change.
    local cb = T.ReduceLROnPlateau{factor = 0.5, patience = 2, cooldown = 1, min_lr = 0.02}
    local opt = {param_groups = {{lr = 0.1}, {lr = 0.4}}}
    cb.trainer = {optimizer = opt}
    cb:on_train_begin({})
    local logged, lrs = {}, {}
    for epoch, v in ipairs{1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5} do
      local logs = {val_loss = v}
      cb:on_epoch_end(epoch, logs)
      logged[epoch], lrs[epoch] = logs.lr, opt.param_groups[1].lr
    end
    -- logs.lr is the lr the epoch trained with
    assert.are.same({0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025, 0.02, 0.02}, logged)
    assert.are.same({0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025, 0.02, 0.02, 0.02}, lrs)
    -- the second group is reduced with the first (0.4 -> 0.2 -> 0.1 -> 0.05 at e3, e7, e9) and
    -- alone at e11, where it is still above min_lr: 0.025
    assert.are.equal(0.025, opt.param_groups[2].lr)
  end)

  it('needs improvement by more than min_delta, and maximises accuracies', function()
    -- patience 1, min_delta 0.1: 0.95 is not below 1.0 - 0.1: lr 1 -> 0.1 at e2
    local cb = T.ReduceLROnPlateau{patience = 1, min_delta = 0.1}
    local opt = {param_groups = {{lr = 1}}}
    cb.trainer = {optimizer = opt}
    cb:on_train_begin({})
    cb:on_epoch_end(1, {val_loss = 1.0})
    cb:on_epoch_end(2, {val_loss = 0.95})
    assert.are.equal(0.1, opt.param_groups[1].lr)
    local acc = T.ReduceLROnPlateau{monitor = 'val_accuracy', patience = 1}
    acc.trainer = {optimizer = opt}
    acc:on_train_begin({})
    acc:on_epoch_end(1, {val_accuracy = 0.5})
    acc:on_epoch_end(2, {val_accuracy = 0.9}) -- improves
    assert.are.equal(0.1, opt.param_groups[1].lr)
    acc:on_epoch_end(3, {val_accuracy = 0.8})
    h.assert_close(opt.param_groups[1].lr, 0.01, 1e-15)
  end)

  it('works inside fit and logs lr', function()
    local model = linear_model()
    local opt = mg.optim.SGD(model:parameters(), {lr = 0.05})
    local history = T.fit(model, {x = X, y = Y, loss = 'mse', optimizer = opt, epochs = 3, verbose = 0,
                                  callbacks = {T.ReduceLROnPlateau{monitor = 'loss', patience = 0, factor = 0.5,
                                                                   min_delta = 100}}})
    -- min_delta 100: no epoch improves after the first: lr halves at the end of e2 and e3
    assert.are.same({0.05, 0.05, 0.025}, history.history.lr)
    assert.are.equal(0.0125, opt.param_groups[1].lr)
  end)

  it('checks its options', function()
    assert.are.equal('ReduceLROnPlateau: factor must be below 1 (new lr = lr * factor), got 1.5',
                     err(function() T.ReduceLROnPlateau{factor = 1.5} end))
    assert.are.equal('ReduceLROnPlateau: cooldown must be an integer >= 0, got 0.5',
                     err(function() T.ReduceLROnPlateau{cooldown = 0.5} end))
    local cb = T.ReduceLROnPlateau()
    cb.trainer = {optimizer = {step = function() end}}
    cb:on_train_begin({})
    assert.are.equal('ReduceLROnPlateau: the optimizer has no param_groups to set lr in',
                     hook_error(function() cb:on_epoch_end(1, {val_loss = 1}) end))
  end)
end)

describe('LearningRateScheduler', function()
  it('sets lr = schedule(epoch, lr) before each epoch and logs it', function()
    local model = linear_model()
    local opt = mg.optim.SGD(model:parameters(), {lr = 0.1})
    local seen = {}
    local sched = T.LearningRateScheduler(function(epoch, lr)
      seen[#seen + 1] = {epoch, lr}
      return epoch <= 2 and lr or lr * 0.5
    end)
    local history = T.fit(model, {x = X, y = Y, loss = 'mse', optimizer = opt, epochs = 4, verbose = 0,
                                  callbacks = {sched}})
    assert.are.same({{1, 0.1}, {2, 0.1}, {3, 0.1}, {4, 0.05}}, seen)
    assert.are.same({0.1, 0.1, 0.05, 0.025}, history.history.lr)
    assert.are.equal(0.025, opt.param_groups[1].lr)
    -- the lr it sets is the one the epoch trains with: lr 0 leaves the weights alone
    local frozen = linear_model()
    T.fit(frozen, {x = X, y = Y, loss = 'mse', optimizer = 'sgd', lr = 1, verbose = 0,
                   callbacks = {T.LearningRateScheduler(function() return 0 end)}})
    h.assert_close(frozen.weight, {{0.5, -0.25}}, 0, 0)
  end)

  it('rejects a schedule that returns no learning rate', function()
    assert.are.equal('LearningRateScheduler: expected a function(epoch, lr) -> lr, got nil',
                     err(function() T.LearningRateScheduler() end))
    assert.are.equal('LearningRateScheduler: the schedule returned "x" for epoch 1, expected a learning rate >= 0',
                     err(function()
                       T.fit(linear_model(), {x = X, y = Y, loss = 'mse', optimizer = 'sgd', verbose = 0,
                                              callbacks = {T.LearningRateScheduler(function() return 'x' end)}})
                     end))
  end)
end)

describe('TerminateOnNaN', function()
  it('stops after the batch whose loss is NaN; the epoch is still recorded', function()
    local x = f64{{1, 2}, {2, 0}, {0, 1}, {3, 1}, {0 / 0, -1}, {2, 2}}
    local batches = 0
    local counter = {on_batch_end = function() batches = batches + 1 end}
    local out, writer = capture()
    local _, history = regression{x = x, batch_size = 2, epochs = 3, verbose = 2, out = writer,
                                  callbacks = {counter, T.TerminateOnNaN()}}
    assert.are.equal(3, batches)
    assert.are.same({1}, history.epoch)
    assert.is_true(history.history.loss[1] ~= history.history.loss[1])
    assert.truthy(table.concat(out):find('^Batch 3: Invalid loss, terminating training\nepoch 1/3 %- '))
    assert.truthy(table.concat(out):find('loss: nan\n$'))
  end)
end)

describe('CSVLogger', function()
  it('writes a header and one row per epoch, flushed as it goes', function()
    local path = os.tmpname()
    local cb = T.CSVLogger(path)
    cb:on_train_begin({})
    cb:on_epoch_end(1, {loss = 0.5, val_loss = 0.25, accuracy = 0.75})
    -- written out already, before training ends
    assert.are.equal('epoch,accuracy,loss,val_loss\n1,0.75,0.5,0.25\n', file_text(path))
    cb:on_epoch_end(2, {loss = 0.1, accuracy = 1 / 3})
    cb:on_train_end({})
    assert.are.equal('epoch,accuracy,loss,val_loss\n1,0.75,0.5,0.25\n2,0.3333333333333333,0.1,NA\n',
                     file_text(path))
    -- append = true adds rows without a second header; separator ';'
    local again = T.CSVLogger(path, {append = true, separator = ';'})
    again:on_train_begin({})
    again:on_epoch_end(3, {loss = 2, val_loss = 0.125, accuracy = 1e-20})
    again:on_train_end({})
    assert.are.equal('epoch,accuracy,loss,val_loss\n1,0.75,0.5,0.25\n2,0.3333333333333333,0.1,NA\n'
                     .. '3;1e-20;2;0.125\n', file_text(path))
    os.remove(path)
  end)

  it('inside fit: the columns in training order (loss, metrics, val_), values in full', function()
    local path = os.tmpname()
    regression{metrics = {mae = mae}, validation_data = {XV, YV}, callbacks = {T.CSVLogger(path)}}
    local lines = {}
    for line in file_text(path):gmatch('[^\n]+') do lines[#lines + 1] = line end
    os.remove(path)
    assert.are.equal('epoch,loss,mae,val_loss,val_mae', lines[1])
    assert.are.equal(3, #lines)
    local row = {}
    for v in lines[2]:gmatch('[^,]+') do row[#row + 1] = tonumber(v) end
    h.assert_close(row, {1, 3.2272065104166665, 1.5093750000000001, 1.0453237070312502, 0.7695625}, 1e-12, 1e-12)
  end)

  it('checks its arguments and says when the file cannot be opened', function()
    assert.are.equal('CSVLogger: expected a file name, got nil', err(function() T.CSVLogger() end))
    assert.are.equal("CSVLogger: unknown option 'sep' (options: append, separator)",
                     err(function() T.CSVLogger('x.csv', {sep = ';'}) end))
    local msg = err(function()
      regression{callbacks = {T.CSVLogger('/nonexistent-dir/log.csv')}}
    end)
    assert.truthy(msg:find('^CSVLogger: cannot open /nonexistent%-dir/log.csv: '), msg)
  end)
end)

describe('ModelCheckpoint', function()
  -- A Linear whose save writes the epoch-marked weight, so the files tell what was saved.
  local function save_weight_sum(self, path)
    local f = assert(io.open(path, 'w'))
    f:write(tostring(self.weight:sum():item()))
    f:close()
  end
  local function saving_model()
    local m = nn.Linear(1, 1)
    m.save = save_weight_sum
    return m
  end

  it('save_best_only saves the epochs that improve, with {epoch:02d} in the name', function()
    local dir = tmpdir()
    local cb = T.ModelCheckpoint(dir .. '/ckpt-{epoch:02d}-{val_loss:.2f}.st', {save_best_only = true})
    drive(cb, 'val_loss', {1.0, 0.8, 0.9, 0.7, 0.7}, saving_model())
    -- e1 improves on inf, e2 on 1.0, e3 not, e4 on 0.8, e5 not (equal is no improvement)
    assert.are.equal('1.0', file_text(dir .. '/ckpt-01-1.00.st'))
    assert.are.equal('2.0', file_text(dir .. '/ckpt-02-0.80.st'))
    assert.is_false(exists(dir .. '/ckpt-03-0.90.st'))
    assert.are.equal('4.0', file_text(dir .. '/ckpt-04-0.70.st'))
    assert.is_false(exists(dir .. '/ckpt-05-0.70.st'))
    os.execute('rm -r ' .. dir)
  end)

  it('saves every epoch without save_best_only, and every n batches with save_freq = n', function()
    local dir = tmpdir()
    drive(T.ModelCheckpoint(dir .. '/m{epoch}.st'), 'val_loss', {1, 2}, saving_model())
    assert.are.equal('1.0', file_text(dir .. '/m1.st'))
    assert.are.equal('2.0', file_text(dir .. '/m2.st'))
    -- 2 batches an epoch, 3 epochs, save_freq 3: after batches 3 and 6 (epochs 2 and 3)
    local model = linear_model()
    model.save = save_weight_sum
    T.fit(model, {x = X, y = Y, batch_size = 4, loss = 'mse', optimizer = 'sgd', epochs = 3, verbose = 0,
                  callbacks = {T.ModelCheckpoint(dir .. '/b{epoch}.st', {save_freq = 3})}})
    assert.is_false(exists(dir .. '/b1.st'))
    assert.is_true(exists(dir .. '/b2.st'))
    assert.is_true(exists(dir .. '/b3.st'))
    os.execute('rm -r ' .. dir)
  end)

  it('writes files that model:load reads back (mode max for accuracies)', function()
    local dir = tmpdir()
    local model = linear_model()
    local cb = T.ModelCheckpoint(dir .. '/best.safetensors', {monitor = 'val_accuracy', save_best_only = true})
    assert.are.equal('max', cb.mode)
    local acc = {0.5, 0.75, 0.6}
    local script = T.Callback{on_epoch_end = function(_, epoch, logs) logs.val_accuracy = acc[epoch] end}
    local weights = {}
    local keep = T.Callback{on_epoch_end = function(self, epoch) weights[epoch] = self.trainer.model.weight:clone() end}
    T.fit(model, {x = X, y = Y, loss = 'mse', optimizer = 'sgd', lr = 0.05, epochs = 3, verbose = 0,
                  callbacks = {script, keep, cb}})
    local fresh = nn.Linear(2, 1):double()
    fresh:load(dir .. '/best.safetensors')
    h.assert_close(fresh.weight, weights[2], 0, 0)
    os.execute('rm -r ' .. dir)
  end)

  it('checks its path and options', function()
    assert.are.equal("ModelCheckpoint: cannot format '{...:02x}' in m{epoch:02x}.st (formats such as 02d, .4f)",
                     err(function() T.ModelCheckpoint('m{epoch:02x}.st') end))
    assert.are.equal("ModelCheckpoint: save_freq must be 'epoch' or a positive number of batches, got 0",
                     err(function() T.ModelCheckpoint('m.st', {save_freq = 0}) end))
    local cb = T.ModelCheckpoint('m{acc}.st')
    cb.trainer = {model = nn.Linear(1, 1)}
    cb:on_train_begin({})
    assert.are.equal("ModelCheckpoint: the path m{acc}.st names 'acc', which is not in the logs (they hold: epoch, loss)",
                     hook_error(function() cb:on_epoch_end(1, {loss = 1}) end))
  end)
end)

describe('Callback', function()
  it('makes a callback of a table of hooks; the others do nothing', function()
    local cb = T.Callback{on_epoch_end = function() end}
    assert.are.equal(T.Callback, getmetatable(cb))
    assert.is_nil(cb:on_batch_end(1, {}))
    assert.are.equal('Callback: on_epoch_end must be a function, got 3',
                     err(function() T.Callback{on_epoch_end = 3} end))
    assert.are.equal('Callback: expected a table of hooks (on_epoch_end = function(self, epoch, logs) ...), got 5',
                     err(function() T.Callback(5) end))
  end)
end)

-- ---- bad input ------------------------------------------------------------------------------

describe('fit rejects bad input at the caller\'s line', function()
  local function fit(opts)
    local model = linear_model()
    local o = {x = X, y = Y, loss = 'mse', optimizer = 'sgd', verbose = 0}
    for k, v in pairs(opts) do o[k] = v end
    for k, v in pairs(opts) do if v == false then o[k] = nil end end
    return T.fit(model, o)
  end

  it('names what is missing or unknown', function()
    assert.are.equal("fit: optimizer is required (an optimizer, or a name such as 'adam' with lr)",
                     err(function() fit{optimizer = false} end))
    assert.are.equal("fit: loss is required (a name such as 'cross_entropy' or 'mse', or a function(pred, target))",
                     err(function() fit{loss = false} end))
    assert.are.equal('fit: no training data (give x and y tensors, or data = a DataLoader or dataset)',
                     err(function() fit{x = false, y = false} end))
    local msg = err(function() fit{loss = 'mse2'} end)
    assert.truthy(msg:find("^fit: unknown loss 'mse2' %(losses: .*bce.*mse"), msg)
    msg = err(function() fit{metrics = {'acuracy'}} end)
    assert.truthy(msg:find("^fit: unknown metric 'acuracy' %(mg.metrics has: accuracy, "), msg)
    assert.are.equal("fit: unknown optimizer 'adamx' (names: adagrad, adam, adamw, rmsprop, sgd)",
                     err(function() fit{optimizer = 'adamx'} end))
    msg = err(function() fit{epoch = 3} end)
    assert.truthy(msg:find("^fit: unknown option 'epoch' %(options: batch_size, callbacks, "), msg)
    assert.are.equal('fit: expected a model (an nn.Module), got the class Linear (call it to make a module: Linear())',
                     err(function() T.fit(nn.Linear, {}) end))
    assert.are.equal('fit: expected a table of options {x =, y =, loss =, optimizer =, epochs =, ...}',
                     err(function() T.fit(linear_model()) end))
  end)

  it('checks shapes, fractions and counts', function()
    assert.are.equal('fit: x and y differ in their number of rows (6 and 5)',
                     err(function() fit{y = Y:narrow(1, 1, 5)} end))
    for _, split in ipairs{0, 1, 1.5, -0.1, 'a'} do
      assert.are.equal('fit: validation_split must be a number in (0, 1), got ' .. (split == 'a' and '"a"' or tostring(split)),
                       err(function() fit{validation_split = split} end))
    end
    -- floor(6 * 0.1) = 0 samples would train
    assert.are.equal('fit: 6 samples cannot be split into training and validation parts with validation_split = 0.9',
                     err(function() fit{validation_split = 0.9} end))
    assert.are.equal('fit: give validation_split or validation_data, not both',
                     err(function() fit{validation_split = 0.5, validation_data = {XV, YV}} end))
    assert.are.equal('fit: epochs must be an integer >= 1, got 0', err(function() fit{epochs = 0} end))
    assert.are.equal('fit: epochs must be an integer >= 1, got 2.5', err(function() fit{epochs = 2.5} end))
    assert.are.equal('fit: initial_epoch (3) must be below epochs (3), the number of the last epoch',
                     err(function() fit{epochs = 3, initial_epoch = 3} end))
    assert.are.equal('fit: batch_size must be an integer >= 1, got 0', err(function() fit{batch_size = 0} end))
    assert.are.equal('fit: verbose must be 0, 1 or 2, got 3', err(function() fit{verbose = 3} end))
    assert.are.equal("fit: progress must be 'auto', 'bar' or 'lines', got \"fancy\"",
                     err(function() fit{progress = 'fancy'} end))
    assert.are.equal('fit: validation_data[2] must be a tensor with a dimension of samples, got nil',
                     err(function() fit{validation_data = {XV}} end))
    assert.are.equal('fit: validation_data must be a DataLoader, a dataset or {x, y} tensors, got 5',
                     err(function() fit{validation_data = 5} end))
    assert.are.equal('fit: validation_data[1] and validation_data[2] differ in their number of rows (2 and 1)',
                     err(function() fit{validation_data = {XV, YV:narrow(1, 1, 1)}} end))
    assert.are.equal('fit: batch_size and shuffle come from the DataLoader given as data',
                     err(function() fit{x = false, y = false, batch_size = 2,
                                        data = mg.data.DataLoader(mg.data.TensorDataset(X, Y))} end))
    assert.are.equal('fit: lr applies to an optimizer given by name; set it on the optimizer',
                     err(function()
                       local m = linear_model()
                       T.fit(m, {x = X, y = Y, loss = 'mse', lr = 0.1, optimizer = mg.optim.SGD(m:parameters(), {lr = 1})})
                     end))
  end)

  it('checks callbacks, metrics and the writer', function()
    assert.are.equal('fit: callbacks must be a list of callbacks, got a EarlyStopping',
                     err(function() fit{callbacks = T.EarlyStopping()} end))
    assert.are.equal('fit: callbacks must be a list of callbacks, got "x"', err(function() fit{callbacks = 'x'} end))
    assert.are.equal('fit: callbacks[2] must be a callback (a table of hooks such as on_epoch_end), got 5',
                     err(function() fit{callbacks = {T.TerminateOnNaN(), 5}} end))
    assert.are.equal('fit: callbacks[1]: on_epoch_end must be a function, got true',
                     err(function() fit{callbacks = {{on_epoch_end = true}}} end))
    assert.are.equal('fit: metrics[1] must be a metric name or a function(pred, target), got 5',
                     err(function() fit{metrics = {5}} end))
    assert.are.equal("fit: a metric cannot be named 'loss' (the loss has that name)",
                     err(function() fit{metrics = {loss = mae}} end))
    assert.are.equal("fit: two metrics are named 'mae'", err(function() fit{metrics = {'mae', mae = mae}} end))
    assert.are.equal('fit: metric \'bad\' returned "x", expected a number',
                     err(function() fit{metrics = {bad = function() return 'x' end}} end))
    assert.are.equal('fit: out must be a file, an object with :write(s) or a function(s), got 5',
                     err(function() fit{out = 5} end))
    assert.are.equal('fit: scheduler must be an LR scheduler (with step()), got a table',
                     err(function() fit{scheduler = {}} end))
    assert.are.equal('fit: the loss function must return a tensor of one element, got 5',
                     err(function() fit{loss = function() return 5 end} end))
  end)

  it('checks evaluate, predict and train_epoch too', function()
    local m = linear_model()
    assert.are.equal('evaluate: nothing to compute: give loss and/or metrics',
                     err(function() T.evaluate(m, {x = X, y = Y}) end))
    assert.are.equal('evaluate: no data (give x and y tensors, or data)',
                     err(function() T.evaluate(m, {loss = 'mse'}) end))
    assert.are.equal('evaluate: x and y differ in their number of rows (6 and 2)',
                     err(function() T.evaluate(m, {x = X, y = YV, loss = 'mse'}) end))
    assert.are.equal('predict: expected a tensor of samples, a DataLoader or a dataset, got nil',
                     err(function() T.predict(m) end))
    assert.are.equal("predict: unknown option 'batch' (options: batch_size)",
                     err(function() T.predict(m, X, {batch = 2}) end))
    assert.are.equal('train_epoch: expected a DataLoader, got a float64 tensor of shape {6,2}',
                     err(function() T.train_epoch(m, X, 'mse', mg.optim.SGD(m:parameters(), {lr = 1})) end))
    assert.are.equal('train_epoch: expected an optimizer (with step and zero_grad), got "sgd"',
                     err(function()
                       T.train_epoch(m, mg.data.DataLoader(mg.data.TensorDataset(X, Y)), 'mse', 'sgd')
                     end))
  end)
end)

--[==[ The torch 1.13 recording (float64):
import torch
torch.set_default_dtype(torch.float64)
x = torch.tensor([[1, 2], [2, 0], [0, 1], [3, 1], [1, -1], [2, 2]]); y = torch.tensor([[3], [2.5], [0], [4], [2], [3]])
xv = torch.tensor([[1, 1], [0, 2]]); yv = torch.tensor([[1.5], [-1]])
def run(clip=None, step=False):
    m = torch.nn.Linear(2, 1)
    with torch.no_grad():
        m.weight.copy_(torch.tensor([[0.5, -0.25]])); m.bias.copy_(torch.tensor([0.1]))
    opt = torch.optim.SGD(m.parameters(), lr=0.05)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5) if step else None
    for epoch in range(2):
        tot, preds = 0.0, []
        for i in range(0, 6, 4):
            xb, yb = x[i:i+4], y[i:i+4]
            opt.zero_grad(); p = m(xb); l = torch.nn.functional.mse_loss(p, yb); l.backward()
            if clip: torch.nn.utils.clip_grad_norm_(m.parameters(), clip)
            opt.step(); tot += l.item() * len(xb); preds.append(p.detach())
        P = torch.cat(preds)
        with torch.no_grad(): pv = m(xv)
        print(tot / 6, (P - y).abs().mean().item(),                      # loss, mae
              torch.nn.functional.mse_loss(pv, yv).item(), (pv - yv).abs().mean().item())
        if sched: sched.step()
    print(m.weight.tolist(), m.bias.tolist())
run(); run(clip=0.5); run(step=True)
]==]
