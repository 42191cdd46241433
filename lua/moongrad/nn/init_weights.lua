-- nn.init: filling weights in place, as torch.nn.init. Every function writes under
-- mg.no_grad (so parameters that require grad can be filled), draws from the global
-- generator (mg.manual_seed makes it reproducible) and returns the tensor.
local mg = require 'moongrad'
local shape_string = require('moongrad.format').shape_string

local init = {}


-- Writes v (a tensor of t's shape, or a number) into t without recording it.
local function write(fname, t, v)
  if not mg.is_tensor(t) then error(('%s: expected a tensor, got %s'):format(fname, type(t)), 3) end
  if t.dtype ~= 'float32' and t.dtype ~= 'float64' then
    error(('%s: expected a float32 or float64 tensor, got %s'):format(fname, t.dtype), 3)
  end
  mg.no_grad(function()
    if type(v) == 'function' then v = v() end
    if mg.is_tensor(v) then t:copy_(v) else t:fill_(v) end
  end)
  return t
end

function init.uniform_(t, a, b)
  a, b = a or 0, b or 1
  return write('uniform_', t, function() return mg.rand(t.shape, {dtype = t.dtype}) * (b - a) + a end)
end

function init.normal_(t, mean, std)
  mean, std = mean or 0, std or 1
  return write('normal_', t, function() return mg.randn(t.shape, {dtype = t.dtype}) * std + mean end)
end

function init.constant_(t, value)
  if type(value) ~= 'number' then error('constant_: expected a number, got ' .. type(value), 2) end
  return write('constant_', t, value)
end
function init.zeros_(t) return write('zeros_', t, 0) end
function init.ones_(t) return write('ones_', t, 1) end

-- calculate_gain(nonlinearity [, param]): the factor that keeps activations' variance
-- steady through the nonlinearity (param: leaky_relu's negative slope, 0.01 by default).
local GAINS = {linear = 1, sigmoid = 1, conv1d = 1, conv2d = 1, conv3d = 1,
               conv_transpose1d = 1, conv_transpose2d = 1, conv_transpose3d = 1,
               tanh = 5 / 3, relu = math.sqrt(2), selu = 3 / 4}

function init.calculate_gain(nonlinearity, param)
  if nonlinearity == 'leaky_relu' then
    local slope = param == nil and 0.01 or param
    if type(slope) ~= 'number' then
      error('calculate_gain: expected a number for the negative slope, got ' .. type(slope), 2)
    end
    return math.sqrt(2 / (1 + slope ^ 2))
  end
  local gain = GAINS[nonlinearity]
  if not gain then error(("calculate_gain: unknown nonlinearity '%s'"):format(tostring(nonlinearity)), 2) end
  return gain
end

-- fans(t) -> fan_in, fan_out: for a weight of shape {out, in, k1, k2, ...}, in * k1 * k2 * …
-- and out * k1 * k2 * ….
function init.calculate_fan_in_and_fan_out(t, fname)
  if t:dim() < 2 then
    error(('%s: fan in and fan out need a tensor of at least 2 dimensions, got shape %s'):format(
      fname or 'calculate_fan_in_and_fan_out', shape_string(t.shape)), 3)
  end
  local receptive = 1
  for d = 3, t:dim() do receptive = receptive * t:size(d) end
  return t:size(2) * receptive, t:size(1) * receptive
end

-- The standard deviation of Glorot's (xavier) or He's (kaiming) scheme.
local function xavier_std(fname, t, opts)
  local fan_in, fan_out = init.calculate_fan_in_and_fan_out(t, fname)
  return (opts and opts.gain or 1) * math.sqrt(2 / (fan_in + fan_out))
end

local function kaiming_std(fname, t, opts)
  opts = opts or {}
  local mode = opts.mode or 'fan_in'
  if mode ~= 'fan_in' and mode ~= 'fan_out' then
    error(("%s: expected mode 'fan_in' or 'fan_out', got '%s'"):format(fname, tostring(mode)), 3)
  end
  local fan_in, fan_out = init.calculate_fan_in_and_fan_out(t, fname)
  local gain = init.calculate_gain(opts.nonlinearity or 'leaky_relu', opts.a or 0)
  return gain / math.sqrt(mode == 'fan_in' and fan_in or fan_out)
end

-- xavier_uniform_(t [, {gain = 1}]): U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)).
function init.xavier_uniform_(t, opts)
  local a = math.sqrt(3) * xavier_std('xavier_uniform_', t, opts)
  return init.uniform_(t, -a, a)
end

-- xavier_normal_(t [, {gain = 1}]): N(0, std²) with std = gain * sqrt(2 / (fan_in + fan_out)).
function init.xavier_normal_(t, opts) return init.normal_(t, 0, xavier_std('xavier_normal_', t, opts)) end

-- kaiming_uniform_(t [, {a = 0, mode = 'fan_in', nonlinearity = 'leaky_relu'}]):
-- U(-b, b) with b = gain * sqrt(3 / fan); a is leaky_relu's negative slope.
function init.kaiming_uniform_(t, opts)
  if t:numel() == 0 then return t end
  local b = math.sqrt(3) * kaiming_std('kaiming_uniform_', t, opts)
  return init.uniform_(t, -b, b)
end

-- kaiming_normal_(t [, {a = 0, mode = 'fan_in', nonlinearity = 'leaky_relu'}]): N(0, std²)
-- with std = gain / sqrt(fan).
function init.kaiming_normal_(t, opts)
  if t:numel() == 0 then return t end
  return init.normal_(t, 0, kaiming_std('kaiming_normal_', t, opts))
end

return init
