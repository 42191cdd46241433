-- Tutorial 06: a training loop with a validation split, and overfitting made visible.
--
-- What you learn: a low training loss does not mean a good model. We hold back part of
-- the data as a validation set that the model never trains on, and measure the loss on
-- both after every epoch. A network far too big for its 40 noisy training points first
-- learns the real shape of the data (both losses fall), then starts memorising the noise
-- of those 40 points: the training loss keeps falling towards zero while the validation
-- loss turns around and rises. The epoch where the validation loss is lowest is the one to
-- keep (early stopping).
--
-- Run it:
--   build/moongrad examples/tutorial/06_overfitting.lua
local mg = require 'moongrad'
local nn, F = mg.nn, mg.nn.functional
mg.manual_seed(6)

local function section(title) print('\n== ' .. title .. ' ==') end

-------------------------------------------------------------------------------------------
section('data: two noisy moons, split into training and validation')
-- Two interleaved half circles ("moons"), one per class, blurred with noise 0.35 so that
-- they overlap: some points sit on the other class's side, and no model can be right
-- about all of them. That noise is what an overfitting model memorises.
local function moons(n, noise)
  local t = mg.rand(n) * math.pi
  local upper = mg.stack({t:cos(), t:sin()}, 2)                   -- class 1
  local lower = mg.stack({1 - t:cos(), 0.5 - t:sin()}, 2)         -- class 2
  local x = mg.cat({upper, lower}, 1) + mg.randn(2 * n, 2) * noise
  local y = mg.cat({mg.full({n}, 1, {dtype = 'int64'}), mg.full({n}, 2, {dtype = 'int64'})}, 1)
  return x, y
end
local x, y = moons(300, 0.35)

-- The split: shuffle the 600 indices once, then the first 40 are the training set and the
-- rest the validation set. Shuffling first matters: the data is ordered by class.
local n_train = 40
local order = mg.randperm(x:size(1))
local train_idx = order:narrow(1, 1, n_train)
local val_idx = order:narrow(1, n_train + 1, x:size(1) - n_train)
local x_train, y_train = x:index_select(1, train_idx), y:index_select(1, train_idx)
local x_val, y_val = x:index_select(1, val_idx), y:index_select(1, val_idx)
print('training points: ' .. x_train:size(1))
print('validation points: ' .. x_val:size(1))

-------------------------------------------------------------------------------------------
section('a model far too big for 40 points')
-- Two hidden layers of 128 units: hundreds of weights per training point, room enough to
-- draw a boundary around every single point, noise included.
local model = nn.Sequential{
  nn.Linear(2, 128), nn.ReLU(),
  nn.Linear(128, 128), nn.ReLU(),
  nn.Linear(128, 2),
}
local count = 0
for _, p in ipairs(model:parameters()) do count = count + p:numel() end
print('parameters: ' .. count)
print(string.format('parameters per training point: %.0f', count / n_train))

-------------------------------------------------------------------------------------------
section('training, watching both losses')
local opt = mg.optim.Adam(model:parameters(), {lr = 0.001})

-- The validation loss is only measured: no graph, no gradient, no update.
local function evaluate(inputs, labels)
  return mg.no_grad(function()
    local scores = model(inputs)
    return F.cross_entropy(scores, labels):item(), scores:argmax(2):eq(labels):float():mean():item()
  end)
end

local epochs = 300
local train_losses, val_losses, val_accs = {}, {}, {}
local best_epoch, best_val = 0, math.huge
for epoch = 1, epochs do
  -- one epoch: with 40 points, one full batch is one step
  opt:zero_grad()
  local loss = F.cross_entropy(model(x_train), y_train)
  loss:backward()
  opt:step()
  -- measure both sets with the weights after this epoch's step
  local train_loss = evaluate(x_train, y_train)
  local val_loss, val_acc = evaluate(x_val, y_val)
  train_losses[epoch], val_losses[epoch], val_accs[epoch] = train_loss, val_loss, val_acc
  if val_loss < best_val then best_epoch, best_val = epoch, val_loss end
  if epoch == 1 or epoch % 10 == 0 and (epoch <= 100 or epoch % 50 == 0) then
    print(string.format('epoch %3d  train_loss %.4f  val_loss %.4f', epoch, train_loss, val_loss))
  end
end

-------------------------------------------------------------------------------------------
section('what happened')
-- Up to the best epoch the model learned the two moons; after it, each step fitted the
-- noise of the 40 training points a little better and the 560 unseen points a little
-- worse. The validation loss rises much more than the validation accuracy falls:
-- cross-entropy punishes confident mistakes hard, and a memorising model becomes very
-- confident about the points it gets wrong. Keeping the weights of the best epoch (early
-- stopping), more data, a smaller model or weight decay would all help.
local _, train_acc = evaluate(x_train, y_train)
local _, val_acc = evaluate(x_val, y_val)
print('best epoch: ' .. best_epoch)
print(string.format('best val loss: %.4f', best_val))
print(string.format('train loss at best epoch: %.4f', train_losses[best_epoch]))
print(string.format('final val loss: %.4f', val_losses[epochs]))
print(string.format('final train loss: %.4f', train_losses[epochs]))
print(string.format('final train accuracy: %.3f', train_acc))
print(string.format('val accuracy at best epoch: %.3f', val_accs[best_epoch]))
print(string.format('final val accuracy: %.3f', val_acc))
local overfit = val_losses[epochs] > best_val and train_losses[epochs] < train_losses[best_epoch]
print(string.format('validation loss was lowest at epoch %d (%.2f) and rose to %.2f by epoch %d '
                    .. 'while training loss fell to %.2f: %s', best_epoch, best_val, val_losses[epochs],
                    epochs, train_losses[epochs], overfit and 'overfitting' or 'no overfitting'))
