-- moongrad.train (mg.train): Keras' fit/evaluate/predict with callbacks and a progress bar,
-- built from pieces that a hand-written loop can use too.
--
--   local history = mg.train.fit(model, {x = x, y = y, loss = 'cross_entropy',
--                                        optimizer = 'adam', lr = 1e-3, epochs = 10,
--                                        metrics = {'accuracy'}, validation_split = 0.1})
--   print(history)                     -- one row per epoch: loss, accuracy, val_loss, ...
--   mg.train.evaluate(model, {x = x_test, y = y_test, metrics = {'accuracy'}})
--
-- The manual loop: train_epoch(model, loader, loss, optimizer, {metrics}) runs one epoch
-- and returns its logs; evaluate(model, {data = loader, loss = ..., metrics = ...}) scores.
-- Epochs and batches are counted from 1. Logs are tables {loss = ..., <metric> = ...,
-- val_loss = ..., val_<metric> = ...}; every loss is the sample-weighted mean of the batch
-- losses, and every metric is computed once per epoch on all of the epoch's predictions and
-- targets (kept, detached, through the epoch), so that it is exact for any metric.
local mg = require 'moongrad'

local train = {}

-- ---- errors ------------------------------------------------------------------------------

local check = require 'moongrad.check'
local describe, shape_str = check.describe, check.shape_str
local fail, public, callable = check.fail, check.public, check.callable

-- ---- small helpers -----------------------------------------------------------------------

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = tostring(k) end
  table.sort(keys)
  return keys
end

-- Checks that opts is nil or a table holding only the names in allowed (a set).
local function check_options(fname, opts, allowed)
  if opts == nil then return {} end
  if type(opts) ~= 'table' or mg.is_tensor(opts) then
    fail('%s: expected a table of options, got %s', fname, describe(opts))
  end
  for k in pairs(opts) do
    if not allowed[k] then
      fail("%s: unknown option '%s' (options: %s)", fname, tostring(k),
           table.concat(sorted_keys(allowed), ', '))
    end
  end
  return opts
end

local function set_of(list)
  local s = {}
  for _, v in ipairs(list) do s[v] = true end
  return s
end

-- v, a number >= min (any number when min is -math.huge), or an error naming the option.
local function check_number(fname, name, v, min)
  if type(v) ~= 'number' or v ~= v or v < min then
    fail('%s: %s must be a number%s, got %s', fname, name,
         min == -math.huge and '' or (' >= %g'):format(min), describe(v))
  end
  return v
end

local function check_boolean(fname, name, v)
  if type(v) ~= 'boolean' then fail('%s: %s must be a boolean, got %s', fname, name, describe(v)) end
  return v
end

local function is_nonfinite(v) return v ~= v or v == math.huge or v == -math.huge end

-- A log value as Keras prints it: 4 decimals, or 4 significant digits when tiny.
local function format_value(v)
  if math.type(v) == 'integer' then return tostring(v) end
  if v ~= v then return 'nan' end
  return (math.abs(v) > 1e-3 and '%.4f' or '%.4e'):format(v)
end

-- The keys of logs in the order of names (loss, metrics, val_...), then any others sorted.
local function ordered_keys(logs, names)
  local keys, listed, extra = {}, {}, {}
  for _, name in ipairs(names or {}) do
    if logs[name] ~= nil then keys[#keys + 1], listed[name] = name, true end
  end
  for k in pairs(logs) do
    if not listed[k] then extra[#extra + 1] = k end
  end
  table.sort(extra)
  table.move(extra, 1, #extra, #keys + 1, keys)
  return keys
end

local function format_logs(logs, names)
  local parts = {}
  for _, k in ipairs(ordered_keys(logs, names)) do
    parts[#parts + 1] = (' - %s: %s'):format(k, format_value(logs[k]))
  end
  return table.concat(parts)
end

-- Writes s to out: a file (io.stdout), anything with :write, or a function(s).
local function write(out, s)
  if callable(out) then return out(s) end
  out:write(s)
  if out.flush then out:flush() end
end

local function check_writer(fname, out)
  if callable(out) then return out end
  local ok, w = pcall(function() return out.write end)
  if not ok or not callable(w) then
    fail('%s: out must be a file, an object with :write(s) or a function(s), got %s', fname,
         describe(out))
  end
  return out
end

-- Whether out is io.stdout on a terminal that draws a progress bar.
local function is_terminal(out)
  local term = os.getenv('TERM')
  return out == io.stdout and term ~= nil and term ~= '' and term ~= 'dumb'
         and require('moongrad.core')._is_terminal(io.stdout)
end

-- ---- losses, metrics, optimizers -----------------------------------------------------------

-- A named loss's function of mg.nn.functional, and whether it compares tensors elementwise
-- (regression and binary losses) or scores against class indices.
local LOSSES = {
  cross_entropy = {'cross_entropy', 'class'}, nll = {'nll_loss', 'class'},
  nll_loss = {'nll_loss', 'class'},
  mse = {'mse_loss', 'elementwise'}, mse_loss = {'mse_loss', 'elementwise'},
  l1 = {'l1_loss', 'elementwise'}, mae = {'l1_loss', 'elementwise'},
  l1_loss = {'l1_loss', 'elementwise'},
  huber = {'huber_loss', 'elementwise'}, huber_loss = {'huber_loss', 'elementwise'},
  smooth_l1 = {'smooth_l1_loss', 'elementwise'}, smooth_l1_loss = {'smooth_l1_loss', 'elementwise'},
  bce = {'binary_cross_entropy', 'elementwise'},
  binary_cross_entropy = {'binary_cross_entropy', 'elementwise'},
  bce_with_logits = {'binary_cross_entropy_with_logits', 'elementwise'},
  binary_cross_entropy_with_logits = {'binary_cross_entropy_with_logits', 'elementwise'},
}

-- A loss function(pred, target) from a name or a function. Named losses take targets as
-- Keras does: of shape {N} for predictions {N,1} (and the reverse) and of another dtype
-- (cast to the predictions'); class indices may come as {N,1}.
local function resolve_loss(fname, loss)
  if loss == nil then
    fail("%s: loss is required (a name such as 'cross_entropy' or 'mse', or a function(pred, target))", fname)
  end
  if callable(loss) then return loss end
  if type(loss) ~= 'string' then
    fail('%s: loss must be a name or a function(pred, target), got %s', fname, describe(loss))
  end
  local spec = LOSSES[loss]
  if not spec then
    fail("%s: unknown loss '%s' (losses: %s)", fname, loss, table.concat(sorted_keys(LOSSES), ', '))
  end
  local fn = mg.nn.functional[spec[1]]
  if spec[2] == 'class' then
    return function(pred, target)
      if target:dim() == 2 and target:size(2) == 1 then target = target:view(-1) end
      return fn(pred, target)
    end
  end
  return function(pred, target)
    if target.dtype ~= pred.dtype then target = target:to(pred.dtype) end
    if target:dim() ~= pred:dim() and target:numel() == pred:numel() then
      target = target:view(pred.shape)
    end
    return fn(pred, target)
  end
end

local function metric_names()
  local names = {}
  for k, v in pairs(mg.metrics) do
    if callable(v) then names[#names + 1] = k end
  end
  table.sort(names)
  return #names > 0 and table.concat(names, ', ') or 'none'
end

-- metrics: a list of names of mg.metrics and functions (named by their field 'name', else
-- metric_k for the k-th entry), plus name = function entries. -> {{name =, fn =}, ...}
local function resolve_metrics(fname, spec)
  if spec == nil then return {} end
  if type(spec) ~= 'table' or mg.is_tensor(spec) or callable(spec) then
    fail('%s: metrics must be a list of metric names or functions, got %s', fname, describe(spec))
  end
  local list, seen = {}, {}
  local function add(name, fn)
    if name == 'loss' then fail("%s: a metric cannot be named 'loss' (the loss has that name)", fname) end
    if seen[name] then fail("%s: two metrics are named '%s'", fname, name) end
    seen[name] = true
    list[#list + 1] = {name = name, fn = fn}
  end
  for k = 1, #spec do
    local m = spec[k]
    if type(m) == 'string' then
      local fn = mg.metrics[m]
      if not callable(fn) then fail("%s: unknown metric '%s' (mg.metrics has: %s)", fname, m, metric_names()) end
      add(m, fn)
    elseif callable(m) then
      local name = type(m) == 'table' and type(m.name) == 'string' and m.name or 'metric_' .. k
      add(name, m)
    else
      fail('%s: metrics[%d] must be a metric name or a function(pred, target), got %s', fname, k,
           describe(m))
    end
  end
  local named = {}
  for k, v in pairs(spec) do
    if math.type(k) ~= 'integer' or k < 1 or k > #spec then
      if type(k) ~= 'string' or not callable(v) then
        fail('%s: metrics.%s must be a function(pred, target), got %s', fname, tostring(k), describe(v))
      end
      named[#named + 1] = k
    end
  end
  table.sort(named)
  for _, k in ipairs(named) do add(k, spec[k]) end
  return list
end

local OPTIMIZERS = {sgd = 'SGD', adam = 'Adam', adamw = 'AdamW', rmsprop = 'RMSprop', adagrad = 'Adagrad'}

-- An optimizer object, or one made from a name with lr (SGD defaults to Keras' 0.01).
local function resolve_optimizer(fname, model, optimizer, lr)
  if optimizer == nil then
    fail("%s: optimizer is required (an optimizer, or a name such as 'adam' with lr)", fname)
  end
  if type(optimizer) == 'string' then
    local class = OPTIMIZERS[optimizer:lower()]
    if not class then
      fail("%s: unknown optimizer '%s' (names: %s)", fname, optimizer,
           table.concat(sorted_keys(OPTIMIZERS), ', '))
    end
    if lr ~= nil then check_number(fname, 'lr', lr, 0) end
    if lr == nil and class == 'SGD' then lr = 0.01 end
    return mg.optim[class](model:parameters(), {lr = lr})
  end
  if lr ~= nil then fail('%s: lr applies to an optimizer given by name; set it on the optimizer', fname) end
  if type(optimizer) ~= 'table' or not callable(optimizer.step) or not callable(optimizer.zero_grad) then
    fail('%s: optimizer must be an optimizer (with step and zero_grad) or a name, got %s', fname,
         describe(optimizer))
  end
  return optimizer
end

-- ---- data ------------------------------------------------------------------------------------

local function is_loader(v) return type(v) == 'table' and callable(v.batches) end
local function is_dataset(v) return type(v) == 'table' and callable(v.get) end

local function check_xy(fname, x, y, what)
  if not mg.is_tensor(x) or x:dim() == 0 then
    fail('%s: %s must be a tensor with a dimension of samples, got %s', fname, what[1], describe(x))
  end
  if not mg.is_tensor(y) or y:dim() == 0 then
    fail('%s: %s must be a tensor with a dimension of samples, got %s', fname, what[2], describe(y))
  end
  if x:size(1) ~= y:size(1) then
    fail('%s: %s and %s differ in their number of rows (%d and %d)', fname, what[1], what[2],
         x:size(1), y:size(1))
  end
end

-- A loader from a loader, a dataset, {x, y} tensors or x alone (predict).
local function make_loader(fname, source, batch_size, shuffle, what)
  if is_loader(source) then return source end
  if mg.is_tensor(source) then
    return mg.data.DataLoader(mg.data.TensorDataset(source), {batch_size = batch_size})
  end
  if is_dataset(source) then
    return mg.data.DataLoader(source, {batch_size = batch_size, shuffle = shuffle})
  end
  if type(source) == 'table' and mg.is_tensor(source[1]) then
    check_xy(fname, source[1], source[2], {what .. '[1]', what .. '[2]'})
    return mg.data.DataLoader(mg.data.TensorDataset(source[1], source[2]),
                              {batch_size = batch_size, shuffle = shuffle})
  end
  fail('%s: %s must be a DataLoader, a dataset or {x, y} tensors, got %s', fname, what, describe(source))
end

-- The training loader from opts (x/y or data) and the validation one (validation_data, or
-- the last validation_split of x/y as Keras takes it, before any shuffling).
local function make_loaders(fname, opts)
  local batch_size = check.integer(fname, 'batch_size', opts.batch_size, 1, 32)
  local shuffle = opts.shuffle == nil or check_boolean(fname, 'shuffle', opts.shuffle)
  local x, y, data = opts.x, opts.y, opts.data
  if data ~= nil and (x ~= nil or y ~= nil) then fail('%s: give either x and y, or data, not both', fname) end
  if data == nil and x == nil and y == nil then
    fail('%s: no training data (give x and y tensors, or data = a DataLoader or dataset)', fname)
  end
  local split = opts.validation_split
  if split ~= nil then
    if type(split) ~= 'number' or not (split > 0 and split < 1) then
      fail('%s: validation_split must be a number in (0, 1), got %s', fname, describe(split))
    end
    if data ~= nil then fail('%s: validation_split takes from x and y; with data, give validation_data', fname) end
    if opts.validation_data ~= nil then fail('%s: give validation_split or validation_data, not both', fname) end
  end
  local train_loader, val_loader
  if data ~= nil then
    if is_loader(data) and (opts.batch_size ~= nil or opts.shuffle ~= nil) then
      fail('%s: batch_size and shuffle come from the DataLoader given as data', fname)
    end
    train_loader = make_loader(fname, data, batch_size, shuffle, 'data')
  else
    check_xy(fname, x, y, {'x', 'y'})
    if split then
      local n = x:size(1)
      local split_at = math.floor(n * (1 - split))
      if split_at < 1 or split_at >= n then
        fail('%s: %d samples cannot be split into training and validation parts with validation_split = %g',
             fname, n, split)
      end
      val_loader = make_loader(fname, {x:narrow(1, split_at + 1, n - split_at),
                                       y:narrow(1, split_at + 1, n - split_at)}, batch_size, false,
                               'validation_data')
      x, y = x:narrow(1, 1, split_at), y:narrow(1, 1, split_at)
    end
    train_loader = make_loader(fname, {x, y}, batch_size, shuffle, 'x')
  end
  if #train_loader == 0 then fail('%s: the training data has no batches', fname) end
  if opts.validation_data ~= nil then
    local vbs = check.integer(fname, 'validation_batch_size', opts.validation_batch_size, 1, batch_size)
    val_loader = make_loader(fname, opts.validation_data, vbs, false, 'validation_data')
  end
  return train_loader, val_loader
end

-- ---- one pass over a loader ------------------------------------------------------------------

-- The epoch's running totals: the sample-weighted loss sum and, when there are metrics, the
-- detached predictions and targets of every batch, for metrics over the whole epoch.
local Accumulator = {}
Accumulator.__index = Accumulator

local function new_accumulator(fname, metrics)
  return setmetatable({fname = fname, metrics = metrics, loss_sum = 0, count = 0, outputs = {},
                       targets = {}}, Accumulator)
end

function Accumulator:add(loss_value, output, target, n)
  if loss_value then self.loss_sum = self.loss_sum + loss_value * n end
  self.count = self.count + n
  if #self.metrics > 0 then
    self.outputs[#self.outputs + 1] = output:detach()
    self.targets[#self.targets + 1] = target
  end
end

-- {loss = ..., <metric> = ...} over everything added so far; with_loss false leaves loss out.
function Accumulator:logs(with_loss)
  local logs = {}
  if with_loss ~= false then logs.loss = self.loss_sum / self.count end
  if #self.metrics > 0 and #self.outputs > 0 then
    -- joined once: later calls (the progress bar's) join only what came since
    if #self.outputs > 1 then
      self.outputs, self.targets = {mg.cat(self.outputs, 1)}, {mg.cat(self.targets, 1)}
    end
    for _, m in ipairs(self.metrics) do
      local v = m.fn(self.outputs[1], self.targets[1])
      if mg.is_tensor(v) and v:numel() == 1 then v = v:item() end
      if type(v) ~= 'number' then
        fail("%s: metric '%s' returned %s, expected a number", self.fname, m.name, describe(v))
      end
      logs[m.name] = v
    end
  end
  return logs
end

-- The number of samples in a batch, from its target (checked on a loader's first batch: the
-- others come the same way).
local function batch_size_of(fname, batch, y)
  if batch == 1 and (not mg.is_tensor(y) or y:dim() == 0) then
    fail('%s: the batches must be (input, target) with target a tensor of samples, got target %s',
         fname, describe(y))
  end
  return y:size(1)
end

local function loss_value(fname, loss)
  if not mg.is_tensor(loss) or loss:numel() ~= 1 then
    fail('%s: the loss function must return a tensor of one element, got %s', fname, describe(loss))
  end
  return loss:item()
end

-- One epoch of training: hooks.on_batch_begin(batch, logs) and hooks.on_batch_end(batch,
-- logs, running) (running() gives the epoch's logs so far; return true to end the epoch).
local function run_epoch(fname, model, loader, loss_fn, optimizer, metrics, max_norm, hooks)
  model:train()
  local params = max_norm and model:parameters()
  local acc, batch = new_accumulator(fname, metrics), 0
  local function running() return acc:logs() end
  for x, y in loader:batches() do
    batch = batch + 1
    if hooks.on_batch_begin then hooks.on_batch_begin(batch, {}) end
    local n = batch_size_of(fname, batch, y)
    optimizer:zero_grad()
    local output = model(x)
    local loss = loss_fn(output, y)
    local value = loss_value(fname, loss)
    loss:backward()
    if max_norm then mg.nn.utils.clip_grad_norm_(params, max_norm) end
    optimizer:step()
    acc:add(value, output, y, n)
    if hooks.on_batch_end and hooks.on_batch_end(batch, {loss = value, size = n}, running) then
      break
    end
  end
  if acc.count == 0 then fail('%s: the loader gave no batches', fname) end
  return acc:logs()
end

local function has_mode(model) return type(model) == 'table' and callable(model.train) end

-- fn(...), after which model is back in the train/eval mode it had, even when fn failed.
local function keeping_mode(model, fn, ...)
  local was_training = has_mode(model) and model.training
  local r = table.pack(pcall(fn, ...))
  if has_mode(model) then model:train(was_training) end
  if not r[1] then error(r[2], 0) end
  return table.unpack(r, 2, r.n)
end

-- fn() with model in eval mode and without grad; the model's mode is restored after.
local function in_eval_mode(model, fn)
  return keeping_mode(model, function()
    if has_mode(model) then model:eval() end
    return mg.no_grad(fn)
  end)
end

-- Scores model on loader in eval mode without grad.
local function run_evaluation(fname, model, loader, loss_fn, metrics)
  return in_eval_mode(model, function()
    local acc, batch = new_accumulator(fname, metrics), 0
    for x, y in loader:batches() do
      batch = batch + 1
      local n = batch_size_of(fname, batch, y)
      local output = model(x)
      acc:add(loss_fn and loss_value(fname, loss_fn(output, y)), output, y, n)
    end
    if acc.count == 0 then fail('%s: the data gave no batches', fname) end
    return acc:logs(loss_fn ~= nil)
  end)
end

local function check_model(fname, model)
  if not mg.nn.Module.is_module(model) then
    fail('%s: expected a model (an nn.Module), got %s', fname, mg.nn.Module.describe(model))
  end
end

-- train_epoch(model, loader, loss, optimizer [, {metrics, clip_grad_norm}]) -> logs
train.train_epoch = public(function(model, loader, loss, optimizer, opts)
  local fname = 'train_epoch'
  check_model(fname, model)
  if not is_loader(loader) then fail('%s: expected a DataLoader, got %s', fname, describe(loader)) end
  local loss_fn = resolve_loss(fname, loss)
  if type(optimizer) ~= 'table' or not callable(optimizer.step) or not callable(optimizer.zero_grad) then
    fail('%s: expected an optimizer (with step and zero_grad), got %s', fname, describe(optimizer))
  end
  opts = check_options(fname, opts, set_of{'metrics', 'clip_grad_norm'})
  local max_norm = opts.clip_grad_norm and check_number(fname, 'clip_grad_norm', opts.clip_grad_norm, 0)
  return run_epoch(fname, model, loader, loss_fn, optimizer, resolve_metrics(fname, opts.metrics),
                   max_norm, {})
end)

-- evaluate(model, {x, y | data, batch_size = 32, loss, metrics}) -> {loss =, <metric> =}
train.evaluate = public(function(model, opts)
  local fname = 'evaluate'
  if not callable(model) then fail('%s: expected a model, got %s', fname, describe(model)) end
  opts = check_options(fname, opts, set_of{'x', 'y', 'data', 'batch_size', 'loss', 'metrics'})
  local loss_fn = opts.loss ~= nil and resolve_loss(fname, opts.loss) or nil
  local metrics = resolve_metrics(fname, opts.metrics)
  if not loss_fn and #metrics == 0 then fail('%s: nothing to compute: give loss and/or metrics', fname) end
  local batch_size = check.integer(fname, 'batch_size', opts.batch_size, 1, 32)
  local source = opts.data
  if source ~= nil and (opts.x ~= nil or opts.y ~= nil) then fail('%s: give either x and y, or data, not both', fname) end
  if source == nil then
    if opts.x == nil and opts.y == nil then fail('%s: no data (give x and y tensors, or data)', fname) end
    check_xy(fname, opts.x, opts.y, {'x', 'y'})
    source = {opts.x, opts.y}
  end
  return run_evaluation(fname, model, make_loader(fname, source, batch_size, false, 'data'), loss_fn, metrics)
end)

-- predict(model, x or loader [, {batch_size = 32}]) -> the outputs, joined along dimension 1
train.predict = public(function(model, source, opts)
  local fname = 'predict'
  if not callable(model) then fail('%s: expected a model, got %s', fname, describe(model)) end
  opts = check_options(fname, opts, set_of{'batch_size'})
  local batch_size = check.integer(fname, 'batch_size', opts.batch_size, 1, 32)
  if not (mg.is_tensor(source) and source:dim() > 0) and not is_loader(source) and not is_dataset(source) then
    fail('%s: expected a tensor of samples, a DataLoader or a dataset, got %s', fname, describe(source))
  end
  local loader = make_loader(fname, source, batch_size, false, 'x')
  return in_eval_mode(model, function()
    local outputs = {}
    for x in loader:batches() do outputs[#outputs + 1] = model(x) end
    if #outputs == 0 then fail('%s: no samples to predict', fname) end
    return #outputs == 1 and outputs[1] or mg.cat(outputs, 1)
  end)
end)

-- ---- History -----------------------------------------------------------------------------------

local History = {__name = 'History'}
History.__index = History
train.History = History

local function new_history()
  return setmetatable({epoch = {}, history = {}, _names = {}}, History)
end

-- Appends an epoch's logs; a quantity missing from an epoch's logs gets NaN there, so that
-- every list stays aligned with history.epoch.
local function record(h, epoch, logs, names)
  local n = #h.epoch + 1
  h.epoch[n] = epoch
  for _, k in ipairs(ordered_keys(logs, names)) do
    if not h.history[k] then
      local list = {}
      for i = 1, n - 1 do list[i] = 0 / 0 end
      h.history[k] = list
      h._names[#h._names + 1] = k
    end
  end
  for _, k in ipairs(h._names) do
    local v = logs[k]
    h.history[k][n] = v == nil and 0 / 0 or v
  end
end

-- plot([path] [, {metrics = {...}, title}]): curves of the metrics (default: all) and their
-- val_ counterparts against the epoch, with mg.plot.line; saves an SVG when path is given.
History.plot = public(function(h, path, opts)
  local fname = 'History:plot'
  if getmetatable(h) ~= History then fail('%s: expected a History (call it as history:plot()), got %s', fname, describe(h)) end
  if path ~= nil and type(path) ~= 'string' then
    fail('%s: path must be a file name or nil, got %s', fname, describe(path))
  end
  opts = check_options(fname, opts, set_of{'metrics', 'title'})
  local names = {}
  if opts.metrics == nil then
    names = h._names
  else
    if type(opts.metrics) ~= 'table' then fail('%s: metrics must be a list of names, got %s', fname, describe(opts.metrics)) end
    for _, m in ipairs(opts.metrics) do
      if h.history[m] == nil then
        fail("%s: the history has no '%s' (it has: %s)", fname, tostring(m), table.concat(h._names, ', '))
      end
      names[#names + 1] = m
      if h.history['val_' .. m] ~= nil then names[#names + 1] = 'val_' .. m end
    end
  end
  if #names == 0 then fail('%s: the history is empty', fname) end
  local series = {}
  for i, name in ipairs(names) do series[i] = {x = h.epoch, y = h.history[name], label = name} end
  local plot = mg.plot.line(series, {title = opts.title or 'training history', xlabel = 'epoch',
                                     ylabel = opts.metrics and #opts.metrics == 1 and opts.metrics[1] or 'value'})
  if path then plot:save(path) end
  return plot
end)

function History:__tostring()
  if #self.epoch == 0 then return 'History (no epochs)' end
  local header, widths = {'epoch'}, {5}
  for i, name in ipairs(self._names) do
    header[i + 1], widths[i + 1] = name, math.max(#name, 10)
  end
  local function row(cells)
    local parts = {}
    for i, c in ipairs(cells) do parts[i] = (i == 1 and '%' .. widths[i] .. 's' or '%-' .. widths[i] .. 's'):format(c) end
    return (table.concat(parts, '  '):gsub('%s+$', ''))
  end
  local lines = {row(header)}
  for r, epoch in ipairs(self.epoch) do
    local cells = {tostring(epoch)}
    for i, name in ipairs(self._names) do cells[i + 1] = format_value(self.history[name][r]) end
    lines[#lines + 1] = row(cells)
  end
  return table.concat(lines, '\n')
end

-- ---- progress --------------------------------------------------------------------------------

-- Keras' progress display: a bar per epoch redrawn in place on a terminal (at most 10 times
-- a second), or one plain line per epoch.
local Progress = {}
Progress.__index = Progress

local BAR_WIDTH = 30

local function new_progress(out, bar, epochs, steps, names)
  return setmetatable({out = out, bar = bar, epochs = epochs, steps = steps, names = names,
                       drawn_width = 0, open = false}, Progress)
end

local function format_eta(seconds)
  if seconds > 3600 then
    return ('%d:%02d:%02d'):format(seconds // 3600, seconds % 3600 // 60, seconds % 60)
  elseif seconds > 60 then
    return ('%d:%02d'):format(seconds // 60, seconds % 60)
  end
  return ('%ds'):format(seconds // 1)
end

function Progress:epoch_begin(epoch)
  self.start, self.last_draw, self.samples, self.batches = mg.clock(), -math.huge, 0, 0
  if self.bar then write(self.out, ('Epoch %d/%d\n'):format(epoch, self.epochs)) end
end

-- Redraws the bar line in place: ' 12/50 [=====>......]' and the tail.
function Progress:draw(done, tail)
  local digits = #tostring(self.steps)
  local filled = math.floor(BAR_WIDTH * done / self.steps)
  local bar = filled > 0 and ('='):rep(filled - 1) .. (done < self.steps and '>' or '=') or ''
  local line = ('%' .. digits .. 'd/%d [%s%s]'):format(done, self.steps, bar, ('.'):rep(BAR_WIDTH - filled)) .. tail
  local pad = math.max(0, self.drawn_width - #line)
  write(self.out, '\r' .. line .. (' '):rep(pad))
  self.drawn_width, self.open = #line, true
end

function Progress:batch_end(batch, logs, running)
  self.samples, self.batches = self.samples + logs.size, batch
  if not self.bar or batch >= self.steps then return end
  local now = mg.clock()
  if now - self.last_draw < 0.1 then return end
  self.last_draw = now
  local elapsed = now - self.start
  local rate = elapsed > 0 and self.samples / elapsed or 0
  self:draw(batch, (' - ETA: %s - %d samples/s'):format(format_eta(elapsed / batch * (self.steps - batch)),
                                                      math.floor(rate + 0.5))
                   .. format_logs(running(), self.names))
end

function Progress:epoch_end(epoch, logs)
  local tail = (' - %.1fs'):format(mg.clock() - self.start) .. format_logs(logs, self.names)
  if self.bar then
    self:draw(self.batches, tail)
    write(self.out, '\n')
    self.open, self.drawn_width = false, 0
  else
    write(self.out, ('epoch %d/%d'):format(epoch, self.epochs) .. tail .. '\n')
  end
end

-- A callback's message on a line of its own (after a bar being drawn, on the next line).
local function announce(trainer, msg)
  local progress = trainer and trainer._progress
  if progress and progress.open then
    write(progress.out, '\n')
    progress.open, progress.drawn_width = false, 0
  end
  write(trainer and trainer.out or io.stdout, msg .. '\n')
end

-- A warning on stderr, once per training run and callback.
local function warn_once(cb, msg)
  if cb._warned then return end
  cb._warned = true
  io.stderr:write('warning: ' .. msg .. '\n')
end

-- ---- callbacks --------------------------------------------------------------------------------

local HOOKS = {'on_train_begin', 'on_train_end', 'on_epoch_begin', 'on_epoch_end', 'on_batch_begin',
               'on_batch_end'}

-- The base of every callback: each hook does nothing until a callback defines it.
local Callback = {__name = 'Callback'}
Callback.__index = Callback
train.Callback = Callback

local function nothing() end
for _, hook in ipairs(HOOKS) do Callback[hook] = nothing end

local function check_hooks(fname, cb)
  for _, hook in ipairs(HOOKS) do
    local f = cb[hook]
    if f ~= nil and not callable(f) then fail('%s: %s must be a function, got %s', fname, hook, describe(f)) end
  end
end

-- Callback{on_epoch_end = function(self, epoch, logs) ... end, ...}: a callback from hooks.
setmetatable(Callback, {__call = public(function(_, hooks)
  if hooks == nil then hooks = {} end
  if type(hooks) ~= 'table' or mg.is_tensor(hooks) then
    fail('Callback: expected a table of hooks (on_epoch_end = function(self, epoch, logs) ...), got %s',
         describe(hooks))
  end
  check_hooks('Callback', hooks)
  return setmetatable(hooks, Callback)
end)})

-- A built-in callback class: instances come from new(...) (checked, errors at the caller's line).
local function callback_class(name, new)
  local class = {__name = name}
  class.__index = class
  return setmetatable(class, {__index = Callback, __call = public(function(_, ...)
    return setmetatable(new(name, ...), class)
  end)})
end

-- Direction of a monitored quantity in mode 'auto': the losses and error metrics fall, the
-- scores rise; other names rise when they hold 'acc', as Keras' rule.
local MAXIMISED = set_of{'accuracy', 'top_k_accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'r2', 'auc'}
local function check_mode(fname, monitor, mode)
  if type(monitor) ~= 'string' then fail('%s: monitor must be the name of a logged value, got %s', fname, describe(monitor)) end
  if mode ~= 'auto' and mode ~= 'min' and mode ~= 'max' then
    fail("%s: mode must be 'auto', 'min' or 'max', got %s", fname, describe(mode))
  end
  if mode ~= 'auto' then return mode end
  local name = monitor:gsub('^val_', '')
  return (MAXIMISED[name] or name:find('acc', 1, true)) and 'max' or 'min'
end

local function monitored(cb, logs, what)
  local v = logs and logs[cb.monitor]
  if v == nil then
    warn_once(cb, ("%s: %s is conditioned on '%s', which is not in the logs (they hold: %s)")
                :format(getmetatable(cb).__name, what, cb.monitor, table.concat(sorted_keys(logs or {}), ', ')))
  end
  return v
end

local function param_groups(fname, trainer)
  local opt = trainer and trainer.optimizer
  if type(opt) ~= 'table' or type(opt.param_groups) ~= 'table' then
    fail('%s: the optimizer has no param_groups to set lr in', fname)
  end
  return opt.param_groups
end

local function snapshot(model)
  local copy = {}
  for name, t in pairs(model:state_dict()) do copy[name] = t:clone() end
  return copy
end

-- CSVLogger(path [, {separator = ',', append = false}])
train.CSVLogger = callback_class('CSVLogger', function(fname, path, opts)
  if type(path) ~= 'string' then fail('%s: expected a file name, got %s', fname, describe(path)) end
  opts = check_options(fname, opts, set_of{'separator', 'append'})
  local sep = opts.separator == nil and ',' or opts.separator
  if type(sep) ~= 'string' or sep == '' then fail('%s: separator must be a string, got %s', fname, describe(sep)) end
  return {path = path, separator = sep,
          append = opts.append ~= nil and check_boolean(fname, 'append', opts.append) or false}
end)

-- A number as the shortest text that reads back as it (Python's repr, as Keras' CSV has it).
local function shortest(v)
  if math.type(v) == 'integer' then return tostring(v) end
  if v ~= v then return 'nan' end
  for digits = 1, 17 do
    local s = ('%.' .. digits .. 'g'):format(v)
    if tonumber(s) == v then return s end
  end
end

function train.CSVLogger:on_train_begin()
  local header = true
  if self.append then
    local f = io.open(self.path, 'r')
    if f then
      header = (f:read('l') or '') == ''
      f:close()
    end
  end
  local file, err = io.open(self.path, self.append and 'a' or 'w')
  if not file then fail('CSVLogger: cannot open %s: %s', self.path, err) end
  self.file, self.header, self.keys = file, header, nil
end

function train.CSVLogger:on_epoch_end(epoch, logs)
  if not self.keys then
    self.keys = ordered_keys(logs, self.trainer and self.trainer._names)
    if self.header then
      self.file:write('epoch', self.separator, table.concat(self.keys, self.separator), '\n')
    end
  end
  local row = {tostring(epoch)}
  for i, k in ipairs(self.keys) do row[i + 1] = logs[k] == nil and 'NA' or shortest(logs[k]) end
  self.file:write(table.concat(row, self.separator), '\n')
  self.file:flush()
end

function train.CSVLogger:on_train_end()
  if self.file then self.file:close() end
  self.file = nil
end

-- EarlyStopping{monitor = 'val_loss', min_delta = 0, patience = 0, mode = 'auto', baseline,
--               restore_best_weights = false, start_from_epoch = 0, verbose = 0}
train.EarlyStopping = callback_class('EarlyStopping', function(fname, opts)
  opts = check_options(fname, opts, set_of{'monitor', 'min_delta', 'patience', 'mode', 'baseline',
                                           'restore_best_weights', 'start_from_epoch', 'verbose'})
  local self = {monitor = opts.monitor or 'val_loss',
                min_delta = math.abs(opts.min_delta == nil and 0 or check_number(fname, 'min_delta', opts.min_delta, -math.huge)),
                patience = check.integer(fname, 'patience', opts.patience, 0, 0),
                baseline = opts.baseline ~= nil and check_number(fname, 'baseline', opts.baseline, -math.huge) or nil,
                restore_best_weights = opts.restore_best_weights ~= nil
                                       and check_boolean(fname, 'restore_best_weights', opts.restore_best_weights) or false,
                start_from_epoch = check.integer(fname, 'start_from_epoch', opts.start_from_epoch, 0, 0),
                verbose = check.integer(fname, 'verbose', opts.verbose, 0, 0)}
  self.mode = check_mode(fname, self.monitor, opts.mode or 'auto')
  return self
end)

local function improves(mode, current, reference, min_delta)
  if mode == 'min' then return current + min_delta < reference end
  return current - min_delta > reference
end

function train.EarlyStopping:on_train_begin()
  self.wait, self.stopped_epoch, self.best_epoch, self.best_weights = 0, 0, 0, nil
  self.best = self.mode == 'min' and math.huge or -math.huge
  self._warned = false
end

-- Keras' rules: every epoch counts towards patience but one that improves on the best (by
-- more than min_delta) restarts the count, unless a baseline is set and not beaten; training
-- stops once the count reaches patience (never on the first epoch).
function train.EarlyStopping:on_epoch_end(epoch, logs)
  local current = monitored(self, logs, 'early stopping')
  if current == nil or epoch <= self.start_from_epoch then return end
  if self.restore_best_weights and self.best_weights == nil then
    self.best_weights, self.best_epoch = snapshot(self.trainer.model), epoch
  end
  self.wait = self.wait + 1
  if improves(self.mode, current, self.best, self.min_delta) then
    self.best, self.best_epoch = current, epoch
    if self.restore_best_weights then self.best_weights = snapshot(self.trainer.model) end
    if self.baseline == nil or improves(self.mode, current, self.baseline, self.min_delta) then
      self.wait = 0
    end
    return
  end
  if self.wait >= self.patience and epoch > 1 then
    self.stopped_epoch = epoch
    self.trainer.stop_training = true
  end
end

function train.EarlyStopping:on_train_end()
  if self.stopped_epoch > 0 and self.verbose > 0 then
    announce(self.trainer, ('Epoch %d: early stopping'):format(self.stopped_epoch))
  end
  if self.restore_best_weights and self.best_weights then
    if self.verbose > 0 then
      announce(self.trainer, ('Restoring model weights from the end of the best epoch: %d.'):format(self.best_epoch))
    end
    self.trainer.model:load_state_dict(self.best_weights)
  end
end

-- ModelCheckpoint(path [, {monitor = 'val_loss', mode = 'auto', save_best_only = false,
--                          save_freq = 'epoch', verbose = 0}])
train.ModelCheckpoint = callback_class('ModelCheckpoint', function(fname, path, opts)
  if type(path) ~= 'string' then fail('%s: expected a file name, got %s', fname, describe(path)) end
  for spec in path:gmatch('{[%w_]*:?([^}]*)}') do
    if spec ~= '' and not spec:match('^[-+ #0]*%d*%.?%d*[dfeEgGs]$') then
      fail("%s: cannot format '{...:%s}' in %s (formats such as 02d, .4f)", fname, spec, path)
    end
  end
  opts = check_options(fname, opts, set_of{'monitor', 'mode', 'save_best_only', 'save_freq', 'verbose'})
  local freq = opts.save_freq == nil and 'epoch' or opts.save_freq
  if freq ~= 'epoch' and (math.type(freq) ~= 'integer' or freq < 1) then
    fail("%s: save_freq must be 'epoch' or a positive number of batches, got %s", fname, describe(freq))
  end
  local monitor = opts.monitor or 'val_loss'
  return {path = path, monitor = monitor, mode = check_mode(fname, monitor, opts.mode or 'auto'),
          save_best_only = opts.save_best_only ~= nil
                           and check_boolean(fname, 'save_best_only', opts.save_best_only) or false,
          save_freq = freq, verbose = check.integer(fname, 'verbose', opts.verbose, 0, 0)}
end)

-- The path with {epoch}, {epoch:02d}, {val_loss:.4f} ... filled in, as Python's format.
local function checkpoint_path(self, epoch, logs)
  return (self.path:gsub('{([%w_]*):?([^}]*)}', function(name, spec)
    local v = name == 'epoch' and epoch or logs[name]
    if v == nil then
      fail("ModelCheckpoint: the path %s names '%s', which is not in the logs (they hold: epoch, %s)",
           self.path, name, table.concat(sorted_keys(logs), ', '))
    end
    if spec == '' then return math.type(v) == 'integer' and tostring(v) or shortest(v) end
    if spec:match('d$') then v = math.tointeger(v) or v end
    return ('%' .. spec):format(v)
  end))
end

function train.ModelCheckpoint:on_train_begin()
  self.best = self.mode == 'min' and math.huge or -math.huge
  self.batches_seen, self._warned = 0, false
end

local function save_checkpoint(self, epoch, logs)
  local path = checkpoint_path(self, epoch, logs)
  if self.save_best_only then
    local current = monitored(self, logs, 'saving the best model')
    if current == nil then return end
    if not improves(self.mode, current, self.best, 0) then
      if self.verbose > 0 then
        announce(self.trainer, ('Epoch %d: %s did not improve from %.5f'):format(epoch, self.monitor, self.best))
      end
      return
    end
    if self.verbose > 0 then
      announce(self.trainer, ('Epoch %d: %s improved from %.5f to %.5f, saving model to %s')
                               :format(epoch, self.monitor, self.best, current, path))
    end
    self.best = current
  elseif self.verbose > 0 then
    announce(self.trainer, ('Epoch %d: saving model to %s'):format(epoch, path))
  end
  local model = self.trainer.model
  if not callable(model.save) then
    fail('ModelCheckpoint: the model has no save(path) method to write %s with', path)
  end
  model:save(path)
end

function train.ModelCheckpoint:on_batch_end(_, logs)
  if self.save_freq == 'epoch' then return end
  self.batches_seen = self.batches_seen + 1
  if self.batches_seen % self.save_freq == 0 then save_checkpoint(self, self.trainer.epoch, logs) end
end

function train.ModelCheckpoint:on_epoch_end(epoch, logs)
  if self.save_freq == 'epoch' then save_checkpoint(self, epoch, logs) end
end

-- LearningRateScheduler(schedule [, {verbose = 0}]): lr = schedule(epoch, lr) before each epoch.
train.LearningRateScheduler = callback_class('LearningRateScheduler', function(fname, schedule, opts)
  if not callable(schedule) then
    fail('%s: expected a function(epoch, lr) -> lr, got %s', fname, describe(schedule))
  end
  opts = check_options(fname, opts, set_of{'verbose'})
  return {schedule = schedule, verbose = check.integer(fname, 'verbose', opts.verbose, 0, 0)}
end)

function train.LearningRateScheduler:on_epoch_begin(epoch)
  local groups = param_groups('LearningRateScheduler', self.trainer)
  local lrs = {}
  for i, group in ipairs(groups) do
    local lr = self.schedule(epoch, group.lr)
    if type(lr) ~= 'number' or not (lr >= 0) or lr == math.huge then
      fail('LearningRateScheduler: the schedule returned %s for epoch %d, expected a learning rate >= 0',
           describe(lr), epoch)
    end
    lrs[i] = lr
  end
  for i, group in ipairs(groups) do group.lr = lrs[i] end
  if self.verbose > 0 then
    announce(self.trainer, ('Epoch %d: LearningRateScheduler setting learning rate to %s.'):format(epoch, lrs[1]))
  end
end

function train.LearningRateScheduler:on_epoch_end(_, logs)
  logs.lr = param_groups('LearningRateScheduler', self.trainer)[1].lr
end

-- ReduceLROnPlateau{monitor = 'val_loss', factor = 0.1, patience = 10, mode = 'auto',
--                   min_delta = 1e-4, cooldown = 0, min_lr = 0, verbose = 0}
train.ReduceLROnPlateau = callback_class('ReduceLROnPlateau', function(fname, opts)
  opts = check_options(fname, opts, set_of{'monitor', 'factor', 'patience', 'mode', 'min_delta',
                                           'cooldown', 'min_lr', 'verbose'})
  local factor = opts.factor == nil and 0.1 or check_number(fname, 'factor', opts.factor, 0)
  if factor >= 1 then fail('%s: factor must be below 1 (new lr = lr * factor), got %s', fname, describe(factor)) end
  local monitor = opts.monitor or 'val_loss'
  return {monitor = monitor, factor = factor, mode = check_mode(fname, monitor, opts.mode or 'auto'),
          patience = check.integer(fname, 'patience', opts.patience, 0, 10),
          min_delta = opts.min_delta == nil and 1e-4 or check_number(fname, 'min_delta', opts.min_delta, 0),
          cooldown = check.integer(fname, 'cooldown', opts.cooldown, 0, 0),
          min_lr = opts.min_lr == nil and 0 or check_number(fname, 'min_lr', opts.min_lr, 0),
          verbose = check.integer(fname, 'verbose', opts.verbose, 0, 0)}
end)

function train.ReduceLROnPlateau:on_train_begin()
  self.best = self.mode == 'min' and math.huge or -math.huge
  self.wait, self.cooldown_counter, self._warned = 0, 0, false
end

-- Keras' rules: an epoch that beats the best by min_delta restarts the wait; otherwise,
-- outside a cooldown, the wait grows and at patience every group's lr is multiplied by
-- factor (not below min_lr) and a cooldown of cooldown epochs begins, in which waits reset.
function train.ReduceLROnPlateau:on_epoch_end(epoch, logs)
  local groups = param_groups('ReduceLROnPlateau', self.trainer)
  logs.lr = groups[1].lr
  local current = monitored(self, logs, 'learning rate reduction')
  if current == nil then return end
  if self.cooldown_counter > 0 then
    self.cooldown_counter = self.cooldown_counter - 1
    self.wait = 0
  end
  if improves(self.mode, current, self.best, self.min_delta) then
    self.best, self.wait = current, 0
  elseif self.cooldown_counter == 0 then
    self.wait = self.wait + 1
    if self.wait >= self.patience then
      local reduced = false
      for _, group in ipairs(groups) do
        if group.lr > self.min_lr then
          group.lr, reduced = math.max(group.lr * self.factor, self.min_lr), true
        end
      end
      if reduced then
        if self.verbose > 0 then
          announce(self.trainer, ('Epoch %d: ReduceLROnPlateau reducing learning rate to %s.'):format(epoch, groups[1].lr))
        end
        self.cooldown_counter, self.wait = self.cooldown, 0
      end
    end
  end
end

-- TerminateOnNaN(): stops training after a batch whose loss is NaN or infinite.
train.TerminateOnNaN = callback_class('TerminateOnNaN', function(fname, ...)
  if select('#', ...) > 0 then fail('%s: takes no arguments', fname) end
  return {}
end)

function train.TerminateOnNaN:on_batch_end(batch, logs)
  local loss = logs and logs.loss
  if loss and is_nonfinite(loss) then
    announce(self.trainer, ('Batch %d: Invalid loss, terminating training'):format(batch))
    self.trainer.stop_training = true
  end
end

-- ---- fit ---------------------------------------------------------------------------------------

local FIT_OPTIONS = set_of{'x', 'y', 'data', 'batch_size', 'shuffle', 'epochs', 'initial_epoch', 'loss',
                          'optimizer', 'lr', 'metrics', 'validation_data', 'validation_split',
                          'validation_batch_size', 'scheduler', 'clip_grad_norm', 'callbacks', 'verbose',
                          'progress', 'out'}

-- Everything fit needs, checked before any training.
local function fit_config(model, opts)
  local fname = 'fit'
  check_model(fname, model)
  if opts == nil then fail('%s: expected a table of options {x =, y =, loss =, optimizer =, epochs =, ...}', fname) end
  opts = check_options(fname, opts, FIT_OPTIONS)
  local cfg = {model = model}
  cfg.epochs = check.integer(fname, 'epochs', opts.epochs, 1, 1)
  cfg.initial_epoch = check.integer(fname, 'initial_epoch', opts.initial_epoch, 0, 0)
  if cfg.initial_epoch >= cfg.epochs then
    fail('%s: initial_epoch (%d) must be below epochs (%d), the number of the last epoch', fname,
         cfg.initial_epoch, cfg.epochs)
  end
  cfg.loss = resolve_loss(fname, opts.loss)
  cfg.metrics = resolve_metrics(fname, opts.metrics)
  cfg.train_loader, cfg.val_loader = make_loaders(fname, opts)
  cfg.optimizer = resolve_optimizer(fname, model, opts.optimizer, opts.lr)
  cfg.max_norm = opts.clip_grad_norm ~= nil and check_number(fname, 'clip_grad_norm', opts.clip_grad_norm, 0) or nil
  local sched = opts.scheduler
  if sched ~= nil and (type(sched) ~= 'table' or not callable(sched.step)) then
    fail('%s: scheduler must be an LR scheduler (with step()), got %s', fname, describe(sched))
  end
  if sched ~= nil and sched.monitor ~= nil and type(sched.monitor) ~= 'string' then
    fail('%s: scheduler.monitor must name a logged value, got %s', fname, describe(sched.monitor))
  end
  cfg.scheduler = sched
  local callbacks = opts.callbacks or {}
  if type(callbacks) ~= 'table' or mg.is_tensor(callbacks) or getmetatable(callbacks) ~= nil then
    fail('%s: callbacks must be a list of callbacks, got %s', fname, describe(callbacks))
  end
  for i = 1, #callbacks do
    local cb = callbacks[i]
    if type(cb) ~= 'table' or mg.is_tensor(cb) then
      fail('%s: callbacks[%d] must be a callback (a table of hooks such as on_epoch_end), got %s',
           fname, i, describe(cb))
    end
    check_hooks(('%s: callbacks[%d]'):format(fname, i), cb)
  end
  cfg.callbacks = callbacks
  local verbose = opts.verbose == nil and 1 or opts.verbose
  if verbose ~= 0 and verbose ~= 1 and verbose ~= 2 then
    fail('%s: verbose must be 0, 1 or 2, got %s', fname, describe(verbose))
  end
  local progress = opts.progress == nil and 'auto' or opts.progress
  if progress ~= 'auto' and progress ~= 'bar' and progress ~= 'lines' then
    fail("%s: progress must be 'auto', 'bar' or 'lines', got %s", fname, describe(progress))
  end
  cfg.out = opts.out == nil and io.stdout or check_writer(fname, opts.out)
  cfg.verbose = verbose
  cfg.bar = verbose == 1 and (progress == 'bar' or progress == 'auto' and is_terminal(cfg.out))
  return cfg
end

local function call_all(callbacks, hook, ...)
  for _, cb in ipairs(callbacks) do
    local f = cb[hook]
    if f then f(cb, ...) end
  end
end

local function run_fit(cfg)
  local fname = 'fit'
  local model, callbacks = cfg.model, cfg.callbacks
  local names = {'loss'}
  for _, m in ipairs(cfg.metrics) do names[#names + 1] = m.name end
  if cfg.val_loader then
    for i = 1, #names do names[#names + 1] = 'val_' .. names[i] end
  end
  local steps = #cfg.train_loader
  local history = new_history()
  history.params = {epochs = cfg.epochs, steps = steps, verbose = cfg.verbose}
  local trainer = {model = model, optimizer = cfg.optimizer, history = history, epochs = cfg.epochs,
                   initial_epoch = cfg.initial_epoch, steps = steps, epoch = cfg.initial_epoch,
                   stop_training = false, out = cfg.out, _names = names}
  local progress = cfg.verbose > 0 and new_progress(cfg.out, cfg.bar, cfg.epochs, steps, names) or nil
  trainer._progress = progress
  for _, cb in ipairs(callbacks) do cb.trainer = trainer end

  local hooks = {
    on_batch_end = function(batch, logs, running)
      call_all(callbacks, 'on_batch_end', batch, logs)
      if progress then progress:batch_end(batch, logs, running) end
      return trainer.stop_training
    end,
  }
  for _, cb in ipairs(callbacks) do
    if cb.on_batch_begin and cb.on_batch_begin ~= nothing then -- else spare every batch the call
      hooks.on_batch_begin = function(batch, logs) call_all(callbacks, 'on_batch_begin', batch, logs) end
    end
  end
  call_all(callbacks, 'on_train_begin', {})
  local logs = {}
  for epoch = cfg.initial_epoch + 1, cfg.epochs do
    trainer.epoch = epoch
    call_all(callbacks, 'on_epoch_begin', epoch, {})
    if progress then progress:epoch_begin(epoch) end
    logs = run_epoch(fname, model, cfg.train_loader, cfg.loss, cfg.optimizer, cfg.metrics, cfg.max_norm, hooks)
    if cfg.val_loader then
      for k, v in pairs(run_evaluation(fname, model, cfg.val_loader, cfg.loss, cfg.metrics)) do
        logs['val_' .. k] = v
      end
    end
    local sched = cfg.scheduler
    if sched then
      if sched.monitor then
        local value = logs[sched.monitor]
        if value == nil then
          fail("%s: the scheduler monitors '%s', which is not in the logs (they hold: %s)", fname,
               sched.monitor, table.concat(sorted_keys(logs), ', '))
        end
        sched:step(value)
      else
        sched:step()
      end
    end
    call_all(callbacks, 'on_epoch_end', epoch, logs)
    record(history, epoch, logs, names)
    if progress then progress:epoch_end(epoch, logs) end
    if trainer.stop_training then break end
  end
  call_all(callbacks, 'on_train_end', logs)
  return history
end

-- fit(model, {x, y | data, loss, optimizer, epochs, ...}) -> History; the model's train/eval
-- mode is restored afterwards, even when training fails.
train.fit = public(function(model, opts)
  return keeping_mode(model, run_fit, fit_config(model, opts))
end)

return train
