-- moongrad: tensors and autograd, networks and training, scripted in Lua.
--   local mg = require 'moongrad'
-- Every tensor method is also a module function: mg.sum(t, 1) is t:sum(1).
local core = require 'moongrad.core'
local format = require 'moongrad.format'

local mg = {}
local Tensor = core.methods

for name, fn in pairs(core) do
  if name ~= 'methods' and name ~= 'metatable' then mg[name] = fn end
end

-- split(size, dim): pieces of `size` along dim (the last may be smaller); a table of sizes
-- gives pieces of those sizes, as PyTorch's.
function Tensor.split(t, size, dim)
  dim = dim or 1
  local n, pieces, at = t:size(dim), {}, 1
  if type(size) == 'table' then
    local total = 0
    for _, s in ipairs(size) do total = total + s end
    if total ~= n then
      error(string.format('split: sizes add up to %d but dimension %d has size %d', total, dim, n), 2)
    end
    for _, s in ipairs(size) do
      pieces[#pieces + 1] = t:narrow(dim, at, s)
      at = at + s
    end
    return pieces
  end
  if math.type(size) ~= 'integer' or size < 1 then
    error('split: expected a positive integer size, got ' .. tostring(size), 2)
  end
  while at <= n do
    pieces[#pieces + 1] = t:narrow(dim, at, math.min(size, n - at + 1))
    at = at + size
  end
  return pieces
end

-- chunk(n, dim): n pieces (or fewer) of equal size but the last, as PyTorch's.
function Tensor.chunk(t, chunks, dim)
  if math.type(chunks) ~= 'integer' or chunks < 1 then
    error('chunk: expected a positive integer number of chunks, got ' .. tostring(chunks), 2)
  end
  dim = dim or 1
  return t:split(math.max(1, (t:size(dim) + chunks - 1) // chunks), dim)
end

-- masked_select(mask): the elements of t where the bool mask is true (t and mask broadcast
-- together), in row-major order, as a 1-D tensor; differentiable, as an index_select.
function Tensor.masked_select(t, mask)
  if not core.is_tensor(mask) or mask.dtype ~= 'bool' then
    error('masked_select: expected a bool mask tensor, got ' .. (core.is_tensor(mask) and mask.dtype or type(mask)), 2)
  end
  local both = core.where(mask, t, t) -- t in the broadcast shape of the two
  local at = mask:expand(both.shape):reshape(-1):nonzero():select(2, 1)
  return both:reshape(-1):index_select(1, at)
end

-- any([dim [, {keepdim}]]), all(...): whether any (all) element is nonzero, over every
-- element or along dim, as bool tensors.
function Tensor.any(t, dim, opts)
  local nonzero = t:ne(0)
  return (dim and nonzero:sum(dim, opts) or nonzero:sum()):gt(0)
end
function Tensor.all(t, dim, opts)
  local zero = t:eq(0)
  return (dim and zero:sum(dim, opts) or zero:sum()):eq(0)
end

function Tensor.expand_as(t, other) return t:expand(other.shape) end
function Tensor.type(t) return t.dtype end

-- mg.Tensor: the methods every tensor has (t:sum() is mg.Tensor.sum(t)), as torch.Tensor.
mg.Tensor = Tensor

for name, fn in pairs(Tensor) do
  if mg[name] == nil then mg[name] = fn end
end

core.metatable.__tostring = function(t) return format.tensor(t, core) end

-- What the prompt's tab completion offers after `t.` or `t:` (the methods live in an
-- upvalue of the C __index, out of completion's sight).
local FIELDS = {'shape', 'dtype', 'ndim', 'requires_grad', 'grad', 'grad_fn', 'is_leaf'}
core.metatable.__complete = function(_, methods_only)
  local names = {}
  for name in pairs(Tensor) do names[#names + 1] = name end
  if not methods_only then table.move(FIELDS, 1, #FIELDS, #names + 1, names) end
  return names
end

-- config(): versions, the BLAS kernel in use and thread counts.
mg.config = core.config

-- Submodules load on first use (mg.nn, mg.optim, mg.data, mg.train, mg.metrics, ...), which
-- keeps startup fast and lets each of them require 'moongrad' itself.
local submodules = {nn = 'moongrad.nn', optim = 'moongrad.optim', data = 'moongrad.data',
                    viz = 'moongrad.viz', help = 'moongrad.help',
                    preprocessing = 'moongrad.preprocessing', train = 'moongrad.train',
                    metrics = 'moongrad.metrics', plot = 'moongrad.plot',
                    features = 'moongrad.features', cluster = 'moongrad.cluster',
                    privacy = 'moongrad.privacy', recommend = 'moongrad.recommend'}
setmetatable(mg, {__index = function(t, key)
  local name = submodules[key]
  if not name then return nil end
  local m = require(name)
  rawset(t, key, m)
  return m
end, __complete = function()
  local names = {}
  for key in pairs(submodules) do names[#names + 1] = key end
  return names
end})
package.loaded.moongrad = mg

-- save(path, value) and load(path) -> value: safetensors files (moongrad/serialize.lua, loaded
-- on first call). Tail calls, so that their errors point at the caller's line.
function mg.save(...) return require('moongrad.serialize').save(...) end
function mg.load(...) return require('moongrad.serialize').load(...) end

mg.gradcheck = require('moongrad.autograd').gradcheck

return mg
