-- Gradient clipping, as PyTorch's torch.nn.utils (users reach it as mg.nn.utils):
--   local norm = mg.nn.utils.clip_grad_norm_(model:parameters(), 1.0)
--   mg.nn.utils.clip_grad_value_(model:parameters(), 0.5)
-- Both change the parameters' .grad in place; parameters without a gradient are skipped.
local mg = require 'moongrad'

local utils = {}

local function show(v)
  if mg.is_tensor(v) then return 'a tensor' end
  return type(v) == 'string' and string.format('%q', v) or tostring(v)
end

-- The gradients of params (a tensor or a list of tensors); nil and a message on error.
local function grads_of(what, params)
  if mg.is_tensor(params) then params = {params} end
  if type(params) ~= 'table' then
    return nil, string.format('%s: expected a tensor or a list of tensors, got %s', what, show(params))
  end
  local grads = {}
  for i = 1, #params do
    local p = params[i]
    if not mg.is_tensor(p) then
      return nil, string.format('%s: parameter %d is not a tensor (got %s)', what, i, type(p))
    end
    local g = p.grad
    if g ~= nil then grads[#grads + 1] = g end
  end
  return grads
end

-- clip_grad_norm_(params, max_norm [, {norm_type = 2, error_if_nonfinite = false}]) -> the
-- total norm of all gradients together (as one vector), before clipping. Gradients are scaled
-- by max_norm / (total + 1e-6) when that is below 1. norm_type may be math.huge (max |g|).
function utils.clip_grad_norm_(params, max_norm, opts)
  local what = 'clip_grad_norm_'
  local grads, msg = grads_of(what, params)
  if not grads then error(msg, 2) end
  if type(max_norm) ~= 'number' or not (max_norm >= 0) then
    error(string.format('%s: max_norm must be a non-negative number, got %s', what, show(max_norm)), 2)
  end
  if opts ~= nil and type(opts) ~= 'table' then
    error(string.format('%s: expected an options table, got %s', what, show(opts)), 2)
  end
  opts = opts or {}
  for k in pairs(opts) do
    if k ~= 'norm_type' and k ~= 'error_if_nonfinite' then
      error(string.format('%s: unknown option %s (options: error_if_nonfinite, norm_type)', what,
                          show(k)), 2)
    end
  end
  local norm_type = opts.norm_type == nil and 2 or opts.norm_type
  if norm_type == 'inf' then norm_type = math.huge end
  if type(norm_type) ~= 'number' or not (norm_type >= 0) then
    error(string.format('%s: norm_type must be a non-negative number (math.huge for the max norm), got %s',
                        what, show(norm_type)), 2)
  end
  if opts.error_if_nonfinite ~= nil and type(opts.error_if_nonfinite) ~= 'boolean' then
    error(string.format('%s: error_if_nonfinite must be a boolean, got %s', what,
                        show(opts.error_if_nonfinite)), 2)
  end
  if #grads == 0 then return 0 end

  -- The norm of the per-gradient norms is the norm of all elements together.
  local norms, mixed = {}, false
  for i, g in ipairs(grads) do
    norms[i] = g:norm(norm_type)
    mixed = mixed or g.dtype ~= grads[1].dtype
  end
  if mixed then
    for i, n in ipairs(norms) do norms[i] = n:to('float64') end
  end
  local total = #norms == 1 and norms[1] or mg.stack(norms):norm(norm_type)
  local total_value = total:item()
  if opts.error_if_nonfinite and (total_value ~= total_value or total_value == math.huge) then
    error(string.format('%s: the total norm of order %s of the gradients is non-finite (%s), so '
                        .. 'it cannot be clipped', what, tostring(norm_type), tostring(total_value)), 2)
  end
  local coef = (max_norm / (total + 1e-6)):clamp(nil, 1.0)
  for _, g in ipairs(grads) do g:mul_(coef) end
  return total_value
end

-- clip_grad_value_(params, clip_value): clamps every gradient element into
-- [-clip_value, clip_value].
function utils.clip_grad_value_(params, clip_value)
  local what = 'clip_grad_value_'
  local grads, msg = grads_of(what, params)
  if not grads then error(msg, 2) end
  if type(clip_value) ~= 'number' or not (clip_value >= 0) then
    error(string.format('%s: clip_value must be a non-negative number, got %s', what, show(clip_value)), 2)
  end
  for _, g in ipairs(grads) do g:clamp_(-clip_value, clip_value) end
end

return utils
