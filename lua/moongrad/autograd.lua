-- gradcheck: analytic gradients against central finite differences, for tests and for
-- students checking an op or a layer they wrote.
local mg = require 'moongrad'

local M = {}

-- The 1-based index table of the k-th element (0-based k) of a tensor in row-major order.
local function element_index(shape, k)
  local index = {}
  for d = #shape, 1, -1 do
    index[d] = k % shape[d] + 1
    k = k // shape[d]
  end
  return index
end

local function flat(t) return t:contiguous():view(-1) end

-- gradcheck(fn, inputs [, {eps = 1e-6, atol = 1e-5, rtol = 1e-3}]) -> true
-- fn(table.unpack(inputs)) must return a tensor. Every input that requires grad must be
-- float64. Builds the whole Jacobian both ways (one backward per output element, two
-- calls of fn per input element) and raises an error naming the first element where
-- |analytic - numeric| > atol + rtol * |numeric|. Inputs keep their values and grads.
function M.gradcheck(fn, inputs, opts)
  opts = opts or {}
  local eps, atol, rtol = opts.eps or 1e-6, opts.atol or 1e-5, opts.rtol or 1e-3
  if type(fn) ~= 'function' then error('gradcheck: expected a function, got ' .. type(fn), 2) end
  if type(inputs) ~= 'table' then error('gradcheck: expected a table of inputs, got ' .. type(inputs), 2) end
  local checked = {}
  for i, x in ipairs(inputs) do
    if mg.is_tensor(x) and x.requires_grad then
      if x.dtype ~= 'float64' then
        error(('gradcheck: input %d requires grad but is %s; finite differences need float64'):format(i, x.dtype), 2)
      end
      checked[#checked + 1] = i
    end
  end
  if #checked == 0 then error('gradcheck: no input requires grad', 2) end
  local function call() return fn(table.unpack(inputs)) end
  local out = call()
  if not mg.is_tensor(out) then error('gradcheck: fn must return a tensor, got ' .. type(out), 2) end
  local n_out = out:numel()

  -- analytic: row j of each input's Jacobian is its grad for a one-hot seed at output j
  local saved_grads, rows = {}, {}
  for _, i in ipairs(checked) do
    saved_grads[i], rows[i] = inputs[i].grad, {}
    inputs[i].grad = nil
  end
  for j = 1, n_out do
    local seed = mg.zeros_like(out)
    seed:view(-1)[j] = 1
    out:backward(seed, {retain_graph = true})
    for _, i in ipairs(checked) do
      local g = inputs[i].grad
      rows[i][j] = g and flat(g) or mg.zeros(inputs[i]:numel(), {dtype = 'float64'})
      inputs[i].grad = nil
    end
  end
  for _, i in ipairs(checked) do inputs[i].grad = saved_grads[i] end

  -- numeric: column k of the Jacobian from f(x + eps e_k) - f(x - eps e_k)
  for _, i in ipairs(checked) do
    local x = inputs[i]
    local analytic = mg.stack(rows[i], 1) -- n_out x numel
    local shape = x.shape
    for k = 0, x:numel() - 1 do
      local at = element_index(shape, k)
      local v = x[at]:item()
      local plus, minus
      mg.no_grad(function()
        -- copies: fn may return a view of x itself, which the next nudge would move
        x[at] = v + eps
        plus = flat(call()):double():clone()
        x[at] = v - eps
        minus = flat(call()):double():clone()
        x[at] = v
      end)
      local numeric = (plus - minus) / (2 * eps)
      local a = analytic:select(2, k + 1)
      local excess = (a - numeric):abs() - (numeric:abs() * rtol + atol)
      local worst, j = excess:max(1)
      if worst:item() > 0 then
        j = j:item()
        error(('gradcheck: input %d, element %s, output element %d: analytic %.8g, numeric %.8g'):format(
          i, table.concat(at, ','), j, a[j]:item(), numeric[j]:item()), 2)
      end
    end
  end
  return true
end

return M
