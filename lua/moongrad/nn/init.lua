-- moongrad.nn (mg.nn): modules, layers, losses, weight initialisation.
--   local nn, F = mg.nn, mg.nn.functional
--   local model = nn.Sequential{nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 10)}
--   local loss = F.cross_entropy(model(x), y)    -- y: int64 class indices 1..10
-- Module (module.lua) is the base class; define your own with nn.Module:extend('Name').
local Module = require 'moongrad.nn.module'

local nn = {
  Module = Module,
  Parameter = Module.Parameter,
  functional = require 'moongrad.nn.functional',
  init = require 'moongrad.nn.init_weights',
}
for name, layer in pairs(require 'moongrad.nn.layers') do nn[name] = layer end

-- sparse_grad(weight) -> ids, values: the gradient of an embedding looked up with sparse =
-- true, as the distinct ids and their summed gradients (nil before backward).
nn.sparse_grad = require('moongrad.nn.sparse').grad

-- nn.utils (clip_grad_norm_, clip_grad_value_) loads on first use.
return setmetatable(nn, {__index = function(t, key)
  if key ~= 'utils' then return nil end
  local utils = require 'moongrad.nn_utils'
  rawset(t, key, utils)
  return utils
end})
