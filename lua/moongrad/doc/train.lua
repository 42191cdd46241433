-- Documentation of moongrad's train area, shown by help(); format in moongrad/help.lua.
local T = 'mg.train.'

local HOOKS = {'on_epoch_end', 'on_train_begin', 'on_train_end', 'on_epoch_begin', 'on_batch_begin',
               'on_batch_end'}
local hook_names = {}
for i, hook in ipairs(HOOKS) do hook_names[i] = T .. 'Callback:' .. hook end

return {title = 'Training (mg.train): fit, evaluate, predict, callbacks, progress', entries = {

  {name = 'mg.train', sig = 'mg.train',
   desc = [[
Keras' training conveniences over moongrad's own pieces: fit(model, {...}) trains and
returns a History, evaluate scores, predict returns outputs, and callbacks (EarlyStopping,
ModelCheckpoint, CSVLogger, ReduceLROnPlateau, LearningRateScheduler, TerminateOnNaN, or
your own Callback{...}) act at the start and end of training, epochs and batches. Epochs and
batches count from 1. Logs are tables {loss =, <metric> =, val_loss =, val_<metric> =}.

The manual loop stays first-class: fit is built from train_epoch and evaluate, which you
can call yourself (the example), or write the loop in full with an optimizer:
  for epoch = 1, n do
    model:train()
    for x, y in loader:batches() do
      opt:zero_grad(); local loss = F.cross_entropy(model(x), y); loss:backward(); opt:step()
    end
    print(epoch, mg.train.evaluate(model, {x = xv, y = yv, metrics = {'accuracy'}}).accuracy)
  end]],
   example = [[
mg.manual_seed(0)
local x = mg.randn(64, 2)
local y = x:sum(2):gt(0):to('int64') + 1           -- class 1 or 2
local model = nn.Sequential{nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2)}
local opt = mg.optim.Adam(model:parameters(), {lr = 0.01})
local loader = mg.data.DataLoader(mg.data.TensorDataset(x, y), {batch_size = 16, shuffle = true})
for epoch = 1, 3 do
  local logs = mg.train.train_epoch(model, loader, 'cross_entropy', opt, {metrics = {'accuracy'}})
  print(epoch, logs.loss, logs.accuracy)
end]]},

  {name = T .. 'fit', sig = T .. 'fit(model, {x =, y = | data =, loss =, optimizer =, epochs = 1, ...}) -> History',
   desc = [[
Trains model (an nn.Module) and returns its History. Options:
  x, y           tensors of samples (rows), or data = a DataLoader or a dataset
  batch_size     32; shuffle = true (reshuffled each epoch; not with a DataLoader)
  epochs         the number of the last epoch; initial_epoch = 0 resumes after that epoch
  loss           a function(pred, target) -> scalar tensor, or a name: 'cross_entropy',
                 'nll', 'mse', 'l1' ('mae'), 'huber', 'smooth_l1', 'bce' (or
                 'binary_cross_entropy'), 'bce_with_logits' (mg.nn.functional's). Named
                 losses take targets {N} for outputs {N,1} (and the reverse), cast targets
                 to the outputs' dtype, and take class indices as {N} or {N,1}.
  optimizer      an optimizer (mg.optim.Adam(model:parameters(), ...)) or a name 'sgd',
                 'adam', 'adamw', 'rmsprop', 'adagrad' with lr = ... (SGD's default 0.01)
  metrics        a list of names of mg.metrics ('accuracy', 'mse', 'f1', ...) and
                 functions(pred, target) -> number (named by a field name, else metric_k);
                 also name = function entries
  validation_data  {x, y} tensors, a DataLoader or a dataset; or validation_split =
                 f in (0, 1): the last f of x and y (before shuffling), as Keras;
                 validation_batch_size defaults to batch_size
  scheduler      an LR scheduler stepped after each epoch; one with a monitor field (a
                 log name) is stepped with that value, as ReduceLROnPlateau-style ones are
  clip_grad_norm the max norm of all gradients together, clipped before each step
  callbacks      a list of callbacks (see mg.train.Callback)
  verbose        0 silent; 1 a progress bar on a terminal, else a line per epoch; 2 a
                 line per epoch. progress = 'auto' | 'bar' | 'lines' forces the kind;
                 out (io.stdout) is where it goes: a file, an object with :write(s) or a
                 function(s)
Each epoch's loss is the sample-weighted mean of its batch losses; metrics are computed on
all of the epoch's predictions and targets together (kept, detached, through the epoch), so
every metric is exact; training ones see the outputs of training mode, as Keras'. The
validation pass runs in eval mode without grad. The bar is redrawn at most 10 times a
second: ' 12/50 [=====>....] - ETA: 3s - 1234 samples/s - loss: 0.4321 - accuracy: 0.8812',
ending with the time and the epoch's values; the line is
'epoch 3/10 - 2.1s - loss: 0.4321 - accuracy: 0.8812 - val_loss: ...'. The model's
train/eval mode is restored afterwards.]],
   example = [[
mg.manual_seed(0)
local x = mg.randn(100, 3)
local y = x:matmul(mg.tensor{{1}, {-2}, {0.5}}) + 0.1
local model = nn.Linear(3, 1)
local history = mg.train.fit(model, {x = x, y = y, loss = 'mse', optimizer = 'adam', lr = 0.05,
                                     epochs = 20, validation_split = 0.2, verbose = 0})
print(history.history.val_loss[20] < history.history.val_loss[1])   -- true]]},

  {name = T .. 'evaluate', sig = T .. 'evaluate(model, {x =, y = | data =, loss, metrics, batch_size = 32}) -> logs',
   desc = [[
Scores model on data in batches, in eval mode and without grad (the model's mode is
restored after, even on error): {loss = ..., <metric> = ...} with the loss (when given,
as fit's) the sample-weighted mean over batches and each metric over all predictions.]],
   example = [[
local model = nn.Linear(2, 1)
local x, y = mg.randn(10, 2), mg.randn(10, 1)
local scores = mg.train.evaluate(model, {x = x, y = y, loss = 'mse', metrics = {'mae'}})
print(scores.loss, scores.mae)]]},

  {name = T .. 'predict', sig = T .. 'predict(model, x | loader | dataset [, {batch_size = 32}]) -> tensor',
   desc = [[
The model's outputs for every sample, in batches, joined along dimension 1; in eval mode
and without grad (the mode is restored after). A loader's or dataset's batches give the
input first (a target after it is ignored).]],
   example = [[
local model = nn.Sequential{nn.Linear(4, 3), nn.Softmax(2)}
local p = mg.train.predict(model, mg.randn(100, 4), {batch_size = 25})
print(p:size(1), p:size(2))                       -- 100 3]]},

  {name = T .. 'train_epoch', sig = T .. 'train_epoch(model, loader, loss, optimizer [, {metrics, clip_grad_norm}]) -> logs',
   desc = [[
One epoch of training, the piece fit repeats: puts model in training mode (and leaves it
so), and for each (x, y) batch of loader zeroes the gradients, computes loss(model(x), y),
backpropagates, clips the gradient norm when asked and steps the optimizer. Returns
{loss = ..., <metric> = ...} for the epoch, as fit logs them. loss and metrics are given as
for fit.]],
   example = [[
local model = nn.Linear(2, 1)
local opt = mg.optim.SGD(model:parameters(), {lr = 0.1})
local loader = mg.data.DataLoader(mg.data.TensorDataset(mg.randn(32, 2), mg.randn(32, 1)), {batch_size = 8})
local logs = mg.train.train_epoch(model, loader, 'mse', opt, {clip_grad_norm = 1})
print(logs.loss)]]},

  -- ---- History ------------------------------------------------------------------------

  {name = T .. 'History', sig = 'history = mg.train.fit(...)',
   desc = [[
What fit returns, as Keras' History: history.epoch, the epochs run ({1, 2, ...});
history.history, a list of values per logged name (loss, metrics, val_..., and lr when an
LR callback logs it; NaN where an epoch did not log a name); history.params {epochs,
steps, verbose}. Printing shows a table with one row per epoch.]],
   example = [[
local model = nn.Linear(1, 1)
local x = mg.randn(20, 1)
local history = mg.train.fit(model, {x = x, y = 2 * x, loss = 'mse', optimizer = 'sgd', lr = 0.1,
                                     epochs = 3, verbose = 0})
print(history)
print(#history.history.loss)                      -- 3]]},

  {name = T .. 'History:plot', sig = "history:plot([path] [, {metrics = {'loss'}, title}]) -> Plot",
   desc = [[
The curves of the named quantities (all of them by default) and, for each, its val_
counterpart, against the epoch (mg.plot.line). print(p) draws it in the terminal; with a
path, an SVG is saved there too.]],
   example = [[
local model = nn.Linear(1, 1)
local x = mg.randn(20, 1)
local history = mg.train.fit(model, {x = x, y = 2 * x, loss = 'mse', optimizer = 'sgd', lr = 0.1,
                                     epochs = 5, validation_split = 0.25, verbose = 0})
print(history:plot(nil, {metrics = {'loss'}}))    -- loss and val_loss]]},

  -- ---- callbacks ------------------------------------------------------------------------

  {name = T .. 'Callback', sig = T .. 'Callback{on_epoch_end = function(self, epoch, logs) ... end, ...}',
   desc = [[
A callback made from a table of hooks (the others do nothing); fit also takes a plain table
of hooks. fit sets self.trainer before training: trainer.model, .optimizer, .history, .epoch,
.epochs, .steps (batches per epoch), and the flag trainer.stop_training, which a hook sets
to true to end training (after the current batch; the epoch is still logged). Hooks are
called in the order of the callbacks list, before fit records the epoch, so on_epoch_end
may add values to logs.]],
   example = [[
local seen = {}
local cb = mg.train.Callback{on_epoch_end = function(self, epoch, logs)
  seen[#seen + 1] = logs.loss
  if epoch == 2 then self.trainer.stop_training = true end
end}
local x = mg.randn(16, 1)
mg.train.fit(nn.Linear(1, 1), {x = x, y = x, loss = 'mse', optimizer = 'sgd', lr = 0.1,
                               epochs = 10, callbacks = {cb}, verbose = 0})
print(#seen)                                       -- 2]]},

  {name = hook_names,
   sig = 'cb:on_train_begin(logs)  cb:on_train_end(logs)  cb:on_epoch_begin(epoch, logs)\n'
      .. 'cb:on_epoch_end(epoch, logs)  cb:on_batch_begin(batch, logs)  cb:on_batch_end(batch, logs)',
   desc = [[
The hooks fit calls on each callback, as methods. on_epoch_end's logs hold the epoch's
values (loss, metrics, val_...); on_batch_end's hold the batch's loss and size (its number
of samples); on_train_end gets the last epoch's logs. In mg.train.Callback they do
nothing.]],
   example = [[
local order = {}
local cb = mg.train.Callback{
  on_epoch_begin = function(_, epoch) order[#order + 1] = 'epoch ' .. epoch end,
  on_batch_end = function(_, batch, logs) order[#order + 1] = ('batch %d (%d samples)'):format(batch, logs.size) end}
local x = mg.randn(3, 1)
mg.train.fit(nn.Linear(1, 1), {x = x, y = x, batch_size = 2, loss = 'mse', optimizer = 'sgd',
                               callbacks = {cb}, verbose = 0})
print(table.concat(order, ', '))                   -- epoch 1, batch 1 (2 samples), batch 2 (1 samples)]]},

  {name = T .. 'EarlyStopping',
   sig = T .. "EarlyStopping{monitor = 'val_loss', mode = 'auto', patience = 0, min_delta = 0, baseline,\n"
      .. '                 restore_best_weights = false, start_from_epoch = 0, verbose = 0}',
   desc = [[
Stops training when the monitored value stops improving, by Keras 3's rules: each epoch
adds one to a wait count; an epoch that beats the best by more than min_delta becomes the
best and resets the count (only if it also beats baseline, when one is set) and never
stops training; otherwise training stops once the count reaches patience (never on the
first epoch). mode 'auto' maximises accuracies, precision, recall, f1, roc_auc, r2 and
names holding 'acc', and minimises the rest. restore_best_weights: the best epoch's weights
are put back when training ends, stopped or not. Epochs up to start_from_epoch are
ignored. Fields after training: stopped_epoch (0 if it did not stop), best, best_epoch.
A monitored value missing from the logs is warned about on stderr, once.]],
   example = [[
mg.manual_seed(0)
local x, noise = mg.randn(40, 2), mg.randn(40, 1)   -- nothing to learn: val_loss soon stalls
local es = mg.train.EarlyStopping{monitor = 'val_loss', patience = 2, restore_best_weights = true}
local history = mg.train.fit(nn.Linear(2, 1), {x = x, y = noise, loss = 'mse', optimizer = 'sgd',
  lr = 0.1, epochs = 50, validation_split = 0.25, callbacks = {es}, verbose = 0})
print(#history.epoch, es.stopped_epoch, es.best_epoch)   -- 9 9 7: epoch 7's weights are back]]},

  {name = T .. 'ModelCheckpoint',
   sig = T .. "ModelCheckpoint(path [, {monitor = 'val_loss', mode = 'auto', save_best_only = false,\n"
      .. "                                   save_freq = 'epoch', verbose = 0}])",
   desc = [[
Saves the model with model:save(path) (a safetensors file that model:load reads) at the end
of each epoch, or every save_freq batches. The path may hold {epoch} and log names, with
Python's formats as Keras: 'ckpt-{epoch:02d}-{val_loss:.4f}.safetensors'. save_best_only
saves only when the monitored value beats the best so far (mode as EarlyStopping's).]],
   example = [[
local path = os.tmpname()
local x = mg.randn(16, 1)
local model = nn.Linear(1, 1)
mg.train.fit(model, {x = x, y = x, loss = 'mse', optimizer = 'sgd', lr = 0.1, epochs = 3, verbose = 0,
                     callbacks = {mg.train.ModelCheckpoint(path, {monitor = 'loss', save_best_only = true})}})
local best = nn.Linear(1, 1)
best:load(path)
os.remove(path)]]},

  {name = T .. 'CSVLogger', sig = T .. "CSVLogger(path [, {separator = ',', append = false}])",
   desc = [[
Writes a row per epoch to a CSV file: a header 'epoch,loss,<metrics>,val_loss,...' (the
logs' names in training order, then other names such as lr), the values in full precision
('NA' for one an epoch did not log), flushed after each row. append = true adds to an
existing file, without a second header.]],
   example = [[
local path = os.tmpname()
local x = mg.randn(16, 1)
mg.train.fit(nn.Linear(1, 1), {x = x, y = x, loss = 'mse', optimizer = 'sgd', lr = 0.1, epochs = 2,
                               verbose = 0, callbacks = {mg.train.CSVLogger(path)}})
local f = io.open(path); print(f:read('a')); f:close()   -- epoch,loss / 1,... / 2,...
os.remove(path)]]},

  {name = T .. 'LearningRateScheduler', sig = T .. 'LearningRateScheduler(schedule [, {verbose = 0}])',
   desc = [[
Before each epoch sets each parameter group's lr to schedule(epoch, lr) (epoch from 1, lr
the group's current one), and logs the lr the epoch trained with as logs.lr.]],
   example = [[
local model = nn.Linear(1, 1)
local opt = mg.optim.SGD(model:parameters(), {lr = 0.1})
local halve = mg.train.LearningRateScheduler(function(epoch, lr) return epoch > 1 and lr / 2 or lr end)
local x = mg.randn(8, 1)
local history = mg.train.fit(model, {x = x, y = x, loss = 'mse', optimizer = opt, epochs = 3,
                                     callbacks = {halve}, verbose = 0})
print(table.concat(history.history.lr, ' '))      -- 0.1 0.05 0.025]]},

  {name = T .. 'ReduceLROnPlateau',
   sig = T .. "ReduceLROnPlateau{monitor = 'val_loss', factor = 0.1, patience = 10, mode = 'auto',\n"
      .. '                     min_delta = 1e-4, cooldown = 0, min_lr = 0, verbose = 0}',
   desc = [[
Multiplies every parameter group's lr by factor (not below min_lr) when the monitored value
has not improved by min_delta for patience epochs, by Keras' rules: after a reduction the
wait restarts and, for cooldown epochs, does not grow. Logs the lr the epoch trained with as
logs.lr. mode as EarlyStopping's.]],
   example = [[
local model = nn.Linear(1, 1)
local opt = mg.optim.SGD(model:parameters(), {lr = 0.1})
local plateau = mg.train.ReduceLROnPlateau{monitor = 'loss', patience = 0, min_delta = 10, factor = 0.5}
local x = mg.randn(8, 1)
mg.train.fit(model, {x = x, y = x, loss = 'mse', optimizer = opt, epochs = 3, callbacks = {plateau}, verbose = 0})
print(opt.param_groups[1].lr)                     -- 0.025: epochs 2 and 3 did not improve by 10]]},

  {name = T .. 'TerminateOnNaN', sig = T .. 'TerminateOnNaN()',
   desc = [[
Stops training after a batch whose loss is NaN or infinite, saying so ('Batch 3: Invalid
loss, terminating training'); the epoch so far is still logged.]],
   example = [[
local x = mg.tensor{{1}, {0 / 0}}
local history = mg.train.fit(nn.Linear(1, 1), {x = x, y = mg.tensor{{1}, {2}}, batch_size = 1, shuffle = false,
  loss = 'mse', optimizer = 'sgd', epochs = 5, callbacks = {mg.train.TerminateOnNaN()}, verbose = 0,
  out = function() end})
print(#history.epoch)                              -- 1]]},
}}
