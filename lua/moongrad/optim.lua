-- Optimizers and learning-rate schedulers, as PyTorch's torch.optim (users reach this
-- module as mg.optim):
--   local opt = mg.optim.Adam(model:parameters(), {lr = 1e-3})
--   opt:zero_grad(); loss:backward(); opt:step()
-- Parameters may come in groups, each with its own options (the rest from the optimizer's):
--   mg.optim.SGD({ {params = body}, {params = head, lr = 1e-2} }, {lr = 1e-3, momentum = 0.9})
-- An optimizer keeps per-parameter state (a step count and tensors of the parameter's shape)
-- and updates each parameter with one fused C kernel (core/optim.c) that follows PyTorch
-- 1.13's update formulas. Schedulers live in mg.optim.lr_scheduler.
local mg = require 'moongrad'
local core = require 'moongrad.core'
local sparse = require 'moongrad.nn.sparse'

local optim = {}

local REQUIRED = setmetatable({}, {__tostring = function() return '<required>' end})

local function show(v)
  if type(v) == 'string' then return string.format('%q', v) end
  if mg.is_tensor(v) then return 'a tensor' end
  if type(v) == 'table' then
    local parts = {}
    for i = 1, #v do parts[i] = show(v[i]) end
    return '{' .. table.concat(parts, ', ') .. '}'
  end
  return tostring(v)
end

-- Option checks: nil when v is acceptable, else what follows the option's name in the message.
local checks = {}
function checks.nonneg(v)
  if type(v) ~= 'number' or not (v >= 0) then return ' must be a non-negative number, got ' .. show(v) end
end
function checks.number(v)
  if type(v) ~= 'number' or v ~= v or math.abs(v) == math.huge then
    return ' must be a finite number, got ' .. show(v)
  end
end
function checks.boolean(v)
  if type(v) ~= 'boolean' then return ' must be a boolean, got ' .. show(v) end
end
function checks.betas(v)
  if type(v) ~= 'table' or mg.is_tensor(v) or #v ~= 2 then
    return ' must be a table of two numbers {beta1, beta2}, got ' .. show(v)
  end
  for i = 1, 2 do
    if type(v[i]) ~= 'number' or not (v[i] >= 0 and v[i] < 1) then
      return string.format('[%d] must be a number in [0, 1), got %s', i, show(v[i]))
    end
  end
end

-- A copy of an option's value, so that groups never share a user's table.
local function copy_value(v)
  if type(v) ~= 'table' or v == REQUIRED then return v end
  local c = {}
  for k, x in pairs(v) do c[k] = x end
  return c
end

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys)
  return keys
end

-- ---- the optimizers: options, state and the kernel call ------------------------------

-- Each kind: option checks and defaults (as PyTorch's), the state a parameter starts with
-- (init), the names of its state tensors (buffers) and of what a loaded state must hold
-- (required), and update(p, grad, state, group), which calls the kernel and commits the new
-- state only once the kernel succeeded.
local kinds = {}

kinds.SGD = {
  options = {lr = 'nonneg', momentum = 'nonneg', dampening = 'number', weight_decay = 'nonneg',
             nesterov = 'boolean'},
  defaults = {lr = REQUIRED, momentum = 0, dampening = 0, weight_decay = 0, nesterov = false},
  check = function(g)
    if g.nesterov and (g.momentum <= 0 or g.dampening ~= 0) then
      return 'nesterov momentum needs momentum > 0 and dampening 0'
    end
  end,
  buffers = {momentum_buffer = true},
  required = {},
  init = function() return {} end,
  sparse_update = function(p, ids, values, _, g) -- plain steps only, as PyTorch's
    if g.momentum ~= 0 or g.weight_decay ~= 0 then
      return 'sparse gradients (an embedding with sparse = true) take neither momentum nor weight_decay'
    end
    mg.no_grad(function() p:index_add_(1, ids, values * -g.lr) end)
  end,
  update = function(p, grad, s, g)
    local buf, first = s.momentum_buffer, false
    if g.momentum ~= 0 and buf == nil then buf, first = mg.zeros_like(p), true end
    core._sgd_step(p, grad, buf, first, g)
    s.momentum_buffer = buf
  end,
}

local function adam_kind(weight_decay, kernel)
  return {
    options = {lr = 'nonneg', betas = 'betas', eps = 'nonneg', weight_decay = 'nonneg',
               amsgrad = 'boolean'},
    defaults = {lr = 1e-3, betas = {0.9, 0.999}, eps = 1e-8, weight_decay = weight_decay,
                amsgrad = false},
    buffers = {exp_avg = true, exp_avg_sq = true, max_exp_avg_sq = true},
    required = {'step', 'exp_avg', 'exp_avg_sq'},
    counts_steps = true,
    init = function(p, g)
      return {step = 0, exp_avg = mg.zeros_like(p), exp_avg_sq = mg.zeros_like(p),
              max_exp_avg_sq = g.amsgrad and mg.zeros_like(p) or nil}
    end,
    update = function(p, grad, s, g)
      local max_sq = s.max_exp_avg_sq
      if g.amsgrad and max_sq == nil then max_sq = mg.zeros_like(p) end
      kernel(p, grad, s.exp_avg, s.exp_avg_sq, max_sq, s.step + 1, g)
      s.step, s.max_exp_avg_sq = s.step + 1, max_sq
    end,
  }
end
kinds.Adam = adam_kind(0, core._adam_step)
kinds.AdamW = adam_kind(1e-2, core._adamw_step)

-- Adam that moves only some rows (along dim 1), as PyTorch's SparseAdam: the other rows and
-- their moments stay as they are. For embedding tables, where a step looks up a few rows of
-- many: those of a sparse gradient (nn.sparse), else those whose gradient is not all zero.
-- One SparseAdam step on the rows (int64 ids, distinct) of p, whose gradients are gr.
local function sparse_adam_rows(p, rows, gr, s, g)
  local step, b1, b2 = s.step + 1, g.betas[1], g.betas[2]
  if rows:size(1) > 0 then
    mg.no_grad(function()
      local m, v = s.exp_avg:index_select(1, rows), s.exp_avg_sq:index_select(1, rows)
      local m_new, v_new = m * b1 + gr * (1 - b1), v * b2 + gr * gr * (1 - b2)
      s.exp_avg:index_add_(1, rows, m_new - m)
      s.exp_avg_sq:index_add_(1, rows, v_new - v)
      local step_size = g.lr * math.sqrt(1 - b2 ^ step) / (1 - b1 ^ step)
      p:index_add_(1, rows, m_new / (v_new:sqrt() + g.eps) * -step_size)
    end)
  end
  s.step = step
end

kinds.SparseAdam = {
  options = {lr = 'nonneg', betas = 'betas', eps = 'nonneg'},
  defaults = {lr = 1e-3, betas = {0.9, 0.999}, eps = 1e-8},
  buffers = {exp_avg = true, exp_avg_sq = true},
  required = {'step', 'exp_avg', 'exp_avg_sq'},
  counts_steps = true,
  init = function(p) return {step = 0, exp_avg = mg.zeros_like(p), exp_avg_sq = mg.zeros_like(p)} end,
  sparse_update = sparse_adam_rows,
  update = function(p, grad, s, g) -- a dense gradient: its rows that are not all zero
    local used = p:dim() > 1 and grad:ne(0):reshape(p:size(1), -1):any(2) or grad:ne(0):reshape(-1)
    local rows = used:nonzero():select(2, 1)
    sparse_adam_rows(p, rows, grad:index_select(1, rows), s, g)
  end,
}

kinds.RMSprop = {
  options = {lr = 'nonneg', alpha = 'nonneg', eps = 'nonneg', weight_decay = 'nonneg',
             momentum = 'nonneg', centered = 'boolean'},
  defaults = {lr = 1e-2, alpha = 0.99, eps = 1e-8, weight_decay = 0, momentum = 0,
              centered = false},
  buffers = {square_avg = true, grad_avg = true, momentum_buffer = true},
  required = {'step', 'square_avg'},
  counts_steps = true,
  init = function(p, g)
    return {step = 0, square_avg = mg.zeros_like(p), grad_avg = g.centered and mg.zeros_like(p) or nil,
            momentum_buffer = g.momentum > 0 and mg.zeros_like(p) or nil}
  end,
  update = function(p, grad, s, g)
    local grad_avg, buf = s.grad_avg, s.momentum_buffer
    if g.centered and grad_avg == nil then grad_avg = mg.zeros_like(p) end
    if g.momentum > 0 and buf == nil then buf = mg.zeros_like(p) end
    core._rmsprop_step(p, grad, s.square_avg, grad_avg, buf, g)
    s.step, s.grad_avg, s.momentum_buffer = s.step + 1, grad_avg, buf
  end,
}

kinds.Adagrad = {
  options = {lr = 'nonneg', lr_decay = 'nonneg', weight_decay = 'nonneg',
             initial_accumulator_value = 'nonneg', eps = 'nonneg'},
  defaults = {lr = 1e-2, lr_decay = 0, weight_decay = 0, initial_accumulator_value = 0,
              eps = 1e-10},
  buffers = {sum = true},
  required = {'step', 'sum'},
  counts_steps = true,
  eager = true, -- PyTorch fills Adagrad's state when the optimizer is made
  init = function(p, g) return {step = 0, sum = mg.full_like(p, g.initial_accumulator_value)} end,
  update = function(p, grad, s, g)
    core._adagrad_step(p, grad, s.sum, s.step + 1, g)
    s.step = s.step + 1
  end,
}

-- ---- the Optimizer class -------------------------------------------------------------

local Optimizer = {}
Optimizer.__index = Optimizer
optim.Optimizer = Optimizer

-- Keys a group may hold besides its options: its parameters, and the learning rate a
-- scheduler started from.
local function known_key(kind, k) return kind.options[k] ~= nil or k == 'initial_lr' end

for _, kind in pairs(kinds) do kind.names = sorted_keys(kind.options) end

local function unknown_option(kind, k)
  return string.format('unknown option %s (options: %s)', show(k), table.concat(kind.names, ', '))
end

-- Checks a group's options (every option present); nil or the message's tail.
local function check_options(kind, group)
  for k in pairs(group) do
    if k ~= 'params' and not known_key(kind, k) then return unknown_option(kind, k) end
  end
  for _, k in ipairs(kind.names) do
    local msg = checks[kind.options[k]](group[k])
    if msg then return k .. msg end
  end
  local msg = group.initial_lr ~= nil and checks.nonneg(group.initial_lr)
  if msg then return 'initial_lr' .. msg end
  return kind.check and kind.check(group)
end

-- The message for an optimizer's error, naming the group when there are several.
local function message(self, msg, gi)
  if gi and #self.param_groups > 1 then msg = msg .. ' (parameter group ' .. gi .. ')' end
  return self._name .. ': ' .. msg
end

-- A new group from a user's table {params = ..., options...}; nil and a message on error.
-- seen holds the parameters of the other groups.
local function make_group(self, given, seen, where)
  if type(given) ~= 'table' or mg.is_tensor(given) then
    return nil, where .. 'expected a parameter group table {params = {...}, ...}, got ' .. show(given)
  end
  local params = given.params
  if mg.is_tensor(params) then params = {params} end
  if type(params) ~= 'table' then
    return nil, where .. "a parameter group needs a list of tensors in 'params', got " .. show(params)
  end
  local group = {params = {}}
  for i = 1, #params do
    local p = params[i]
    if not mg.is_tensor(p) then
      return nil, string.format('%sparameter %d is not a tensor (got %s)', where, i, type(p))
    end
    if p.dtype ~= 'float32' and p.dtype ~= 'float64' then
      return nil, string.format('%sparameter %d has dtype %s; only float32 and float64 tensors can '
                                .. 'be optimized', where, i, p.dtype)
    end
    if not p.is_leaf then
      return nil, string.format('%sparameter %d is not a leaf (made by %s); optimize the tensors it '
                                .. 'was computed from', where, i, p.grad_fn)
    end
    if seen[p] then return nil, string.format('%sparameter %d appears more than once', where, i) end
    seen[p] = true
    group.params[i] = p
  end
  for k, v in pairs(given) do
    if k ~= 'params' then
      if not known_key(self._kind, k) then return nil, where .. unknown_option(self._kind, k) end
      group[k] = copy_value(v)
    end
  end
  for k, v in pairs(self.defaults) do
    if group[k] == nil then
      if v == REQUIRED then return nil, where .. k .. ' is required' end
      group[k] = copy_value(v)
    end
  end
  local msg = check_options(self._kind, group)
  if msg then return nil, where .. msg end
  return group
end

local function add_group(self, given, where)
  local seen = {}
  for _, group in ipairs(self.param_groups) do
    for _, p in ipairs(group.params) do seen[p] = true end
  end
  local group, msg = make_group(self, given, seen, where)
  if not group then return msg end
  self.param_groups[#self.param_groups + 1] = group
  if self._kind.eager then
    for _, p in ipairs(group.params) do self.state[p] = self._kind.init(p, group) end
  end
end

local function new_optimizer(name, params, opts)
  local kind = kinds[name]
  if opts ~= nil and (type(opts) ~= 'table' or mg.is_tensor(opts)) then
    error(string.format('%s: expected an options table, got %s', name, show(opts)), 3)
  end
  local self = setmetatable({_name = name, _kind = kind, defaults = {}, param_groups = {},
                             state = {}}, Optimizer)
  for k, v in pairs(kind.defaults) do self.defaults[k] = copy_value(v) end
  for k, v in pairs(opts or {}) do
    if not kind.options[k] then error(name .. ': ' .. unknown_option(kind, k), 3) end
    local msg = checks[kind.options[k]](v)
    if msg then error(name .. ': ' .. k .. msg, 3) end
    self.defaults[k] = copy_value(v)
  end
  if mg.is_tensor(params) then params = {params} end
  if type(params) ~= 'table' then
    error(string.format('%s: expected a list of tensors or of parameter groups, got %s', name,
                        show(params)), 3)
  end
  if #params == 0 then error(name .. ': got an empty list of parameters', 3) end
  if mg.is_tensor(params[1]) then params = {{params = params}} end
  for i = 1, #params do
    local where = #params > 1 and string.format('parameter group %d: ', i) or ''
    local msg = add_group(self, params[i], where)
    if msg then error(name .. ': ' .. msg, 3) end
  end
  return self
end

-- Fills target[name] for each name of specs with a constructor calling make(name, a, b),
-- not as a tail call, so that make's errors at level 3 point at the user's line.
local function export(target, specs, make)
  for name in pairs(specs) do
    target[name] = function(a, b)
      local object = make(name, a, b)
      return object
    end
  end
end

export(optim, kinds, new_optimizer)

-- add_param_group{params = {...}, lr = ...}: options not given come from the defaults.
function Optimizer:add_param_group(group)
  local msg = add_group(self, group, '')
  if msg then error(message(self, 'add_param_group: ' .. msg), 2) end
end

-- step([closure]): updates every parameter that has a gradient; closure, when given,
-- re-evaluates the loss (with grad mode on) and its value is returned.
function Optimizer:step(closure)
  local loss
  if closure ~= nil then
    if type(closure) ~= 'function' then
      error(message(self, 'step: expected a closure function or nothing, got ' .. show(closure)), 2)
    end
    loss = mg.enable_grad(closure)
  end
  local kind, state = self._kind, self.state
  for gi, group in ipairs(self.param_groups) do
    local msg = check_options(kind, group)
    if msg then error(message(self, msg, gi), 2) end
    for _, p in ipairs(group.params) do
      local grad, ids, values = p.grad, nil, nil
      if grad == nil and sparse.has(p) then
        if not kind.sparse_update then
          error(message(self, 'step: a parameter has a sparse gradient (an embedding with sparse = true), '
                        .. 'which only SGD and SparseAdam take'), 2)
        end
        ids, values = sparse.grad(p)
      end
      if grad ~= nil or ids ~= nil then
        local s = state[p]
        if s == nil then
          s = kind.init(p, group)
          state[p] = s
        end
        if grad ~= nil then
          kind.update(p, grad, s, group)
        else
          local msg = kind.sparse_update(p, ids, values, s, group)
          if msg then error(message(self, 'step: ' .. msg, gi), 2) end
          sparse.clear(p) -- taken: the next step needs new lookups
        end
      end
    end
  end
  return loss
end

-- zero_grad([{set_to_none = true}]): forgets every gradient (or fills them with zeros).
function Optimizer:zero_grad(opts)
  local to_none = true
  if opts ~= nil then
    if type(opts) ~= 'table' or (opts.set_to_none ~= nil and type(opts.set_to_none) ~= 'boolean') then
      error(message(self, 'zero_grad: expected {set_to_none = boolean}, got ' .. show(opts)), 2)
    end
    if opts.set_to_none == false then to_none = false end
  end
  for _, group in ipairs(self.param_groups) do
    for _, p in ipairs(group.params) do
      sparse.clear(p)
      if to_none then
        p.grad = nil
      else
        local g = p.grad
        if g ~= nil then g:zero_() end
      end
    end
  end
end

-- state_dict() -> {state = {[i] = {step = n, <buffer> = tensor copy, ...}},
--                  param_groups = {{<options>, params = {i, ...}}, ...}}
-- Parameters are numbered 1, 2, ... through the groups in order, as PyTorch numbers them.
function Optimizer:state_dict()
  local groups, state, n = {}, {}, 0
  for gi, group in ipairs(self.param_groups) do
    local saved = {params = {}}
    for k, v in pairs(group) do
      if k ~= 'params' then saved[k] = copy_value(v) end
    end
    for _, p in ipairs(group.params) do
      n = n + 1
      saved.params[#saved.params + 1] = n
      local s = self.state[p]
      if s then
        local c = {}
        for k, v in pairs(s) do c[k] = mg.is_tensor(v) and v:clone() or v end
        state[n] = c
      end
    end
    groups[gi] = saved
  end
  return {state = state, param_groups = groups}
end

local function shape_str(shape) return '{' .. table.concat(shape, ',') .. '}' end

-- load_state_dict(sd): takes the options and state of sd (from state_dict()), after checking
-- that it fits these parameters; on any error the optimizer is left unchanged.
function Optimizer:load_state_dict(sd)
  local kind = self._kind
  local function bad(fmt, ...)
    error(self._name .. ': load_state_dict: ' .. string.format(fmt, ...), 3)
  end
  if type(sd) ~= 'table' or type(sd.param_groups) ~= 'table' or type(sd.state) ~= 'table' then
    bad('expected a table {state = ..., param_groups = ...} from state_dict(), got %s', show(sd))
  end
  local saved_groups = sd.param_groups
  if #saved_groups ~= #self.param_groups then
    bad('the optimizer has %d parameter groups, the state dict %d', #self.param_groups, #saved_groups)
  end
  local param_of, options = {}, {} -- saved index -> parameter; new options per group
  for gi, group in ipairs(self.param_groups) do
    local saved = saved_groups[gi]
    if type(saved) ~= 'table' or type(saved.params) ~= 'table' then
      bad('parameter group %d of the state dict is not a group {params = {...}, ...}', gi)
    end
    if #saved.params ~= #group.params then
      bad('parameter group %d has %d parameters, the state dict\'s has %d', gi, #group.params,
          #saved.params)
    end
    for i, id in ipairs(saved.params) do
      if param_of[id] ~= nil then bad('parameter %s appears twice in the state dict', show(id)) end
      param_of[id] = group.params[i]
    end
    local opts = {}
    for k, v in pairs(saved) do
      if k ~= 'params' then opts[k] = copy_value(v) end
    end
    for k, v in pairs(self.defaults) do
      if opts[k] == nil and v ~= REQUIRED then opts[k] = copy_value(v) end
    end
    local msg = check_options(kind, opts)
    if msg then bad('parameter group %d: %s', gi, msg) end
    options[gi] = opts
  end
  local state = {}
  for id, saved in pairs(sd.state) do
    local p = param_of[id]
    if p == nil then bad('state for parameter %s, which no parameter group holds', show(id)) end
    if type(saved) ~= 'table' then bad('the state of parameter %s is not a table', show(id)) end
    local s = {}
    for k, v in pairs(saved) do
      if k == 'step' and kind.counts_steps then
        local n = math.type(v) and math.tointeger(v)
        if not n or n < 0 then
          bad('step of parameter %s must be a non-negative integer, got %s', show(id), show(v))
        end
        s.step = n
      elseif kind.buffers[k] then
        if not mg.is_tensor(v) then bad('%s of parameter %s is not a tensor', k, show(id)) end
        if shape_str(v.shape) ~= shape_str(p.shape) then
          bad('%s of parameter %s has shape %s, expected %s', k, show(id), shape_str(v.shape),
              shape_str(p.shape))
        end
        s[k] = v:detach():to(p.dtype):clone()
      else
        bad('unknown state %s for parameter %s', show(k), show(id))
      end
    end
    for _, k in ipairs(kind.required) do
      if s[k] == nil then bad('the state of parameter %s lacks %s', show(id), k) end
    end
    state[p] = s
  end
  for gi, group in ipairs(self.param_groups) do
    for k in pairs(group) do
      if k ~= 'params' then group[k] = nil end
    end
    for k, v in pairs(options[gi]) do group[k] = v end
  end
  self.state = state
end

function Optimizer:__tostring()
  local lines = {self._name .. ' ('}
  for gi, group in ipairs(self.param_groups) do
    local n = #group.params
    lines[#lines + 1] = string.format('Parameter Group %d (%d parameter%s)', gi, n, n == 1 and '' or 's')
    for _, k in ipairs(sorted_keys(group)) do
      if k ~= 'params' then lines[#lines + 1] = '    ' .. k .. ': ' .. show(group[k]) end
    end
  end
  lines[#lines + 1] = ')'
  return table.concat(lines, '\n')
end

-- ---- learning-rate schedulers ----------------------------------------------------------
-- Each sets every group's lr from the lr the group started with (base_lrs, saved in the
-- group as initial_lr) and the epoch count, by PyTorch's closed form:
--   local sched = mg.optim.lr_scheduler.StepLR(opt, {step_size = 30, gamma = 0.1})
--   for epoch = 1, 100 do train(...); sched:step() end
-- Making a scheduler counts epoch 0 and sets the lrs for it, as PyTorch does.

local lr_scheduler = {}
optim.lr_scheduler = lr_scheduler

-- The base class of every scheduler (PyTorch's name): step, get_last_lr, state_dict and
-- load_state_dict. StepLR, ExponentialLR, ... make instances of it.
local Scheduler = {}
Scheduler.__index = Scheduler
lr_scheduler.LRScheduler = Scheduler

local function positive_integer(v)
  if math.type(v) ~= 'integer' or v < 1 then return ' must be a positive integer, got ' .. show(v) end
end
local function positive(v)
  if type(v) ~= 'number' or not (v > 0) then return ' must be a positive number, got ' .. show(v) end
end
local function fraction(v)
  if type(v) ~= 'number' or not (v >= 0 and v <= 1) then
    return ' must be a number in [0, 1], got ' .. show(v)
  end
end

local schedulers = {
  StepLR = {
    options = {step_size = {positive_integer, REQUIRED}, gamma = {checks.nonneg, 0.1}},
    lr = function(s, base) return base * s.gamma ^ (s.last_epoch // s.step_size) end,
  },
  ExponentialLR = {
    options = {gamma = {checks.nonneg, REQUIRED}},
    lr = function(s, base) return base * s.gamma ^ s.last_epoch end,
  },
  CosineAnnealingLR = {
    options = {T_max = {positive, REQUIRED}, eta_min = {checks.nonneg, 0}},
    lr = function(s, base)
      return s.eta_min + (base - s.eta_min) * (1 + math.cos(math.pi * s.last_epoch / s.T_max)) / 2
    end,
  },
  LinearLR = {
    options = {start_factor = {fraction, 1 / 3}, end_factor = {fraction, 1},
               total_iters = {positive_integer, 5}},
    lr = function(s, base)
      return base * (s.start_factor + (s.end_factor - s.start_factor)
                     * math.min(s.total_iters, s.last_epoch) / s.total_iters)
    end,
  },
}

-- Checks a scheduler's option values in values (every option present); nil or a message.
local function check_schedule(spec, values)
  for _, k in ipairs(sorted_keys(spec.options)) do
    local msg = spec.options[k][1](values[k])
    if msg then return k .. msg end
  end
end

local function new_scheduler(name, opt, opts)
  local spec = schedulers[name]
  if getmetatable(opt) ~= Optimizer then
    error(string.format('%s: expected an optimizer, got %s', name, show(opt)), 3)
  end
  if opts == nil then opts = {} end
  if type(opts) ~= 'table' or mg.is_tensor(opts) then
    error(string.format('%s: expected an options table, got %s', name, show(opts)), 3)
  end
  local self = setmetatable({optimizer = opt, _name = name, _spec = spec, _step_count = 0}, Scheduler)
  local names = table.concat(sorted_keys(spec.options), ', ')
  for k in pairs(opts) do
    if math.type(k) == 'integer' then
      error(string.format('%s: options are named (%s), got a value at [%d]', name, names, k), 3)
    end
    if spec.options[k] == nil and k ~= 'last_epoch' then
      error(string.format('%s: unknown option %s (options: %s, last_epoch)', name, show(k), names), 3)
    end
  end
  for k, o in pairs(spec.options) do
    local v = opts[k]
    if v == nil then v = o[2] end
    if v == REQUIRED then error(string.format('%s: option %s is required', name, k), 3) end
    self[k] = v
  end
  local msg = check_schedule(spec, self)
  if msg then error(name .. ': ' .. msg, 3) end
  local last_epoch = opts.last_epoch or -1
  if math.type(last_epoch) ~= 'integer' or last_epoch < -1 then
    error(name .. ': last_epoch must be an integer >= -1, got ' .. show(last_epoch), 3)
  end
  self.base_lrs = {}
  for i, group in ipairs(opt.param_groups) do
    if last_epoch == -1 and group.initial_lr == nil then group.initial_lr = group.lr end
    if group.initial_lr == nil then
      error(string.format('%s: resuming at last_epoch %d needs initial_lr in parameter group %d',
                          name, last_epoch, i), 3)
    end
    self.base_lrs[i] = group.initial_lr
  end
  self.last_epoch = last_epoch
  self:step()
  return self
end

export(lr_scheduler, schedulers, new_scheduler)

-- step(): the next epoch; sets each group's lr.
function Scheduler:step()
  local groups = self.optimizer.param_groups
  if #groups ~= #self.base_lrs then
    error(string.format('%s: the optimizer has %d parameter groups, the scheduler was made for %d',
                        self._name, #groups, #self.base_lrs), 2)
  end
  self._step_count = self._step_count + 1
  self.last_epoch = self.last_epoch + 1
  self._last_lr = {}
  for i, group in ipairs(groups) do
    group.lr = self._spec.lr(self, self.base_lrs[i])
    self._last_lr[i] = group.lr
  end
end

-- get_last_lr() -> the lr of each group set by the last step.
function Scheduler:get_last_lr() return copy_value(self._last_lr) end

-- state_dict() -> {last_epoch, _step_count, base_lrs, _last_lr, and the options}
function Scheduler:state_dict()
  local sd = {last_epoch = self.last_epoch, _step_count = self._step_count,
              base_lrs = copy_value(self.base_lrs), _last_lr = copy_value(self._last_lr)}
  for k in pairs(self._spec.options) do sd[k] = self[k] end
  return sd
end

local function number_list(v, n)
  if type(v) ~= 'table' or #v ~= n then return false end
  for i = 1, n do
    if type(v[i]) ~= 'number' then return false end
  end
  return true
end

-- load_state_dict(sd): restores what state_dict() saved (the optimizer's lrs come back with
-- the optimizer's own load_state_dict, as in PyTorch). Checked before anything changes.
function Scheduler:load_state_dict(sd)
  local name, spec = self._name, self._spec
  local function bad(fmt, ...) error(name .. ': load_state_dict: ' .. string.format(fmt, ...), 3) end
  if type(sd) ~= 'table' then bad('expected a table from state_dict(), got %s', show(sd)) end
  local values = {}
  for k, v in pairs(sd) do
    if spec.options[k] == nil and k ~= 'last_epoch' and k ~= '_step_count' and k ~= 'base_lrs'
       and k ~= '_last_lr' then
      bad('unknown entry %s', show(k))
    end
    values[k] = v
  end
  for k in pairs(spec.options) do
    if values[k] == nil then values[k] = self[k] end
  end
  local msg = check_schedule(spec, values)
  if msg then bad('%s', msg) end
  local n = #self.base_lrs
  if math.type(values.last_epoch) ~= 'integer' or values.last_epoch < -1 then
    bad('last_epoch must be an integer >= -1, got %s', show(values.last_epoch))
  end
  if values._step_count ~= nil and math.type(values._step_count) ~= 'integer' then
    bad('_step_count must be an integer, got %s', show(values._step_count))
  end
  if not number_list(values.base_lrs, n) then
    bad('base_lrs must be a list of %d numbers, got %s', n, show(values.base_lrs))
  end
  if values._last_lr ~= nil and not number_list(values._last_lr, n) then
    bad('_last_lr must be a list of %d numbers, got %s', n, show(values._last_lr))
  end
  for k, v in pairs(values) do self[k] = copy_value(v) end
end

function Scheduler:__tostring()
  return string.format('%s (last_epoch %d, lr %s)', self._name, self.last_epoch, show(self._last_lr))
end

return optim
