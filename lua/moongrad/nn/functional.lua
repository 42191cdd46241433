-- nn.functional: activations, dropout, linear and the losses as plain functions of tensors
-- (local F = mg.nn.functional). Each is composed from tensor ops, so autograd
-- differentiates it with no backward rule of its own. Class indices are 1-based.
local mg = require 'moongrad'
local shape_string = require('moongrad.format').shape_string
local check = require 'moongrad.check'
local sparse = require 'moongrad.nn.sparse'
local fail = check.fail

local F = {}


local function check_tensor(fname, what, v)
  if not mg.is_tensor(v) then
    error(('%s: expected %s to be a tensor, got %s'):format(fname, what, type(v)), 3)
  end
end

-- ---- activations ----------------------------------------------------------------------

function F.relu(x) return x:relu() end
function F.sigmoid(x) return x:sigmoid() end
function F.tanh(x) return x:tanh() end

-- x where x > 0, negative_slope * x elsewhere.
function F.leaky_relu(x, negative_slope)
  return mg.where(x:gt(0), x, x * (negative_slope or 0.01))
end

-- x where x > 0, alpha * (exp(x) - 1) elsewhere. exp only sees min(x, 0), so a large x
-- cannot overflow it (an inf there would turn the gradient into NaN).
function F.elu(x, alpha)
  return x:relu() + (x:clamp(nil, 0):exp() - 1) * (alpha or 1)
end

-- x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)); {approximate = 'tanh'}:
-- 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))).
function F.gelu(x, opts)
  local approximate = opts and opts.approximate or 'none'
  if approximate == 'tanh' then
    return 0.5 * x * (1 + (math.sqrt(2 / math.pi) * (x + 0.044715 * x ^ 3)):tanh())
  elseif approximate ~= 'none' then
    error(("gelu: expected approximate 'none' or 'tanh', got '%s'"):format(tostring(approximate)), 2)
  end
  return 0.5 * x * (1 + (x * (1 / math.sqrt(2))):erf())
end

function F.softmax(x, dim) return x:softmax(dim or -1) end
function F.log_softmax(x, dim) return x:log_softmax(dim or -1) end

-- dropout(x [, p = 0.5 [, training = true]]): in training, zeroes each element with
-- probability p and scales the rest by 1 / (1 - p), so the expected value is unchanged.
function F.dropout(x, p, training)
  p = p or 0.5
  if type(p) ~= 'number' or p < 0 or p > 1 then
    error(('dropout: expected p in [0, 1], got %s'):format(tostring(p)), 2)
  end
  if training == false or p == 0 then return x end
  if p == 1 then return x * 0 end
  local keep = mg.rand_like(x):ge(p):to(x.dtype)
  return x * keep:div_(1 - p)
end

-- linear(x, weight [, bias]) = x @ weight^T + bias, weight of shape {out, in}.
function F.linear(x, weight, bias)
  check_tensor('linear', 'input', x)
  if x:dim() == 0 or x:size(-1) ~= weight:size(2) then
    error(('linear: expected input with %d features in its last dimension, got shape %s'):format(
      weight:size(2), shape_string(x.shape)), 2)
  end
  if bias and x:dim() == 2 then return mg.addmm(bias, x, weight:t()) end
  local y = x:matmul(weight:t())
  return bias and y + bias or y
end

-- ---- embeddings ------------------------------------------------------------------------

-- opts (nil or a table with only the keys in known), or {}.
local function embedding_options(fname, opts, known)
  if opts == nil then return {} end
  if type(opts) ~= 'table' then fail('%s: expected an options table, got %s', fname, type(opts)) end
  for k in pairs(opts) do
    if not known[k] then fail("%s: unknown option '%s'", fname, tostring(k)) end
  end
  return opts
end

-- Checks input (int64 indices 1..#weight, any shape) against weight {num, dim} and
-- padding_idx (1-based, negative from the end, or nil); returns padding_idx made positive.
local function check_lookup(fname, input, weight, padding_idx)
  if not mg.is_tensor(weight) or weight:dim() ~= 2 then
    fail('%s: expected weight of shape {num_embeddings, embedding_dim}, got %s', fname,
      mg.is_tensor(weight) and 'shape ' .. shape_string(weight.shape) or type(weight))
  end
  if not mg.is_tensor(input) or input.dtype ~= 'int64' then
    fail("%s: expected indices as an int64 tensor (make it with {dtype = 'int64'}), got %s",
      fname, mg.is_tensor(input) and 'a ' .. input.dtype .. ' tensor' or type(input))
  end
  local num = weight:size(1)
  if input:numel() > 0 then
    local lo, hi = input:min():item(), input:max():item()
    if lo < 1 or hi > num then
      fail('%s: index %d is out of range for %d embeddings (expected 1..%d)',
        fname, lo < 1 and lo or hi, num, num)
    end
  end
  if padding_idx == nil then return nil end
  if math.type(padding_idx) ~= 'integer' or padding_idx == 0 or math.abs(padding_idx) > num then
    fail('%s: expected padding_idx in 1..%d (or -%d..-1 from the end), got %s',
      fname, num, num, tostring(padding_idx))
  end
  return padding_idx < 0 and num + padding_idx + 1 or padding_idx
end

-- The rows of weight at the ids flat, and whether their gradient is kept apart: with sparse
-- (when autograd records), a leaf of their own whose gradient nn.sparse keeps for weight
-- (ids equal to padding_idx get none), else index_select's, a dense one.
local function lookup(fname, weight, flat, sparse_grad, padding_idx)
  if sparse_grad ~= nil and type(sparse_grad) ~= 'boolean' then
    fail('%s: expected sparse to be a boolean, got %s', fname, type(sparse_grad))
  end
  if not (sparse_grad and weight.requires_grad and mg.is_grad_enabled()) then
    return weight:index_select(1, flat), false
  end
  local rows = weight:detach():index_select(1, flat):requires_grad_()
  sparse.record(weight, flat, rows, padding_idx)
  return rows, true
end

-- embedding(input, weight [, {padding_idx, sparse = false}]): the rows of weight {num, dim}
-- at the int64 indices 1..num in input (any shape), shaped input.shape .. {dim}. Entries
-- equal to padding_idx give their row, but no gradient flows to it. The gradient of weight
-- is index_select's: dense, with the used rows' gradients summed (repeated indices add up)
-- and zeros elsewhere; with sparse, only the rows looked up, kept apart (nn.sparse_grad).
-- fname (internal) names the caller in errors.
F.embedding = check.public(function(input, weight, opts, fname)
  fname = fname or 'embedding'
  opts = embedding_options(fname, opts, {padding_idx = true, sparse = true})
  local padding_idx = check_lookup(fname, input, weight, opts.padding_idx)
  local shape = {table.unpack(input.shape)}
  shape[#shape + 1] = weight:size(2)
  local flat = input:reshape(-1)
  local rows, kept_apart = lookup(fname, weight, flat, opts.sparse, padding_idx)
  if padding_idx and weight.requires_grad and not kept_apart then
    rows = mg.where(flat:eq(padding_idx):unsqueeze(2), rows:detach(), rows)
  end
  return rows:reshape(shape)
end)

local BAG_MODES = {sum = true, mean = true, max = true}

-- For 1-D input of n indices, the 1-based bag of each entry: offsets (int64, 1-based,
-- non-decreasing, starting at 1, at most n + 1) mark where each bag starts. An offset
-- repeated makes an empty bag. Returns bag ids {n} and the number of bags.
local function bag_ids(fname, n, offsets)
  if not mg.is_tensor(offsets) or offsets.dtype ~= 'int64' or offsets:dim() ~= 1 then
    fail('%s: expected offsets as a 1-D int64 tensor, got %s', fname,
      mg.is_tensor(offsets) and ('a %s tensor of shape %s'):format(offsets.dtype, shape_string(offsets.shape)) or type(offsets))
  end
  local bags = offsets:numel()
  if bags == 0 then
    if n > 0 then fail('%s: expected offsets for %d indices, got none', fname, n) end
    return mg.zeros(0, {dtype = 'int64'}), 0
  end
  if offsets[1]:item() ~= 1 then fail('%s: expected offsets to start at 1, got %d', fname, offsets[1]:item()) end
  if bags > 1 then
    local steps = offsets:narrow(1, 2, bags - 1) - offsets:narrow(1, 1, bags - 1)
    local i = steps:argmin():item()
    if steps[i]:item() < 0 then
      fail('%s: expected non-decreasing offsets, got %d after %d (offsets %d and %d)',
        fname, offsets[i + 1]:item(), offsets[i]:item(), i + 1, i)
    end
  end
  if offsets[bags]:item() > n + 1 then
    fail('%s: expected offsets of at most %d (the number of indices + 1), got %d', fname, n + 1, offsets[bags]:item())
  end
  local starts = mg.zeros(n + 1, {dtype = 'int64'}):scatter_add(1, offsets, mg.ones(bags, {dtype = 'int64'}))
  return starts:narrow(1, 1, n):cumsum(1), bags
end

-- The elementwise max of each bag's rows (zeros for a bag with no kept entry; kept is 1 or 0
-- per entry, counts the kept entries per bag): the rows are
-- laid out in a {bags, longest, dim} block, one bag per row, the gaps at -inf, and max(2)
-- sends each gradient to the entry it chose.
local function bag_max(rows, kept, bag_of, offsets, counts)
  local n, dim, bags = rows:size(1), rows:size(2), counts:numel()
  if n == 0 then return mg.zeros(bags, dim, {dtype = rows.dtype}) end
  local position = mg.arange(1, n + 1):long() - offsets:index_select(1, bag_of) + 1
  local longest = position:max():item()
  local slot = (bag_of - 1) * longest + position
  local filled = mg.zeros(bags * longest, {dtype = rows.dtype}):scatter_add(1, slot, kept):gt(0)
  local block = mg.zeros(bags * longest, dim, {dtype = rows.dtype}):scatter_add(1, slot:unsqueeze(2):expand(n, dim), rows)
  local values = block:masked_fill(filled:logical_not():unsqueeze(2), -math.huge):view(bags, longest, dim):max(2)
  return mg.where(counts:gt(0):unsqueeze(2), values, 0)
end

-- embedding_bag(input, weight [, offsets] [, {mode = 'mean', per_sample_weights, padding_idx}]):
-- the sum, mean or max of the embeddings in each bag, a {bags, dim} tensor. input is 1-D
-- with offsets (1-based starts of the bags, see bag_ids), or 2-D {B, L}: B bags of L
-- indices. Entries equal to padding_idx are left out of their bag (and of its mean's
-- count); an empty bag gives zeros. per_sample_weights (input's shape, mode 'sum' only)
-- scales each entry. Computed with index_select and scatter_add, so weight's gradient is
-- dense with only the used rows nonzero.
F.embedding_bag = check.public(function(input, weight, offsets, opts, fname)
  fname = fname or 'embedding_bag'
  if opts == nil and type(offsets) == 'table' and not mg.is_tensor(offsets) then offsets, opts = nil, offsets end
  opts = embedding_options(fname, opts, {mode = true, per_sample_weights = true, padding_idx = true, sparse = true})
  local mode, psw = opts.mode or 'mean', opts.per_sample_weights
  if not BAG_MODES[mode] then
    fail("%s: expected mode 'sum', 'mean' or 'max', got %s", fname, tostring(mode))
  end
  local padding_idx = check_lookup(fname, input, weight, opts.padding_idx)
  local n = input:numel()
  if input:dim() == 2 then
    if offsets ~= nil then fail('%s: offsets must be nil when input is 2-D (each row is a bag)', fname) end
    offsets = mg.arange(0, input:size(1)) * input:size(2) + 1
  elseif input:dim() ~= 1 then
    fail('%s: expected input of 1 (with offsets) or 2 dimensions, got shape %s', fname, shape_string(input.shape))
  elseif offsets == nil then
    fail('%s: expected offsets with 1-D input (or a 2-D input {bags, length})', fname)
  end
  local bag_of, bags = bag_ids(fname, n, offsets)
  if psw ~= nil then
    if mode ~= 'sum' then fail("%s: per_sample_weights need mode 'sum', got '%s'", fname, mode) end
    if not mg.is_tensor(psw) or shape_string(psw.shape) ~= shape_string(input.shape) or psw.dtype ~= weight.dtype then
      fail('%s: expected per_sample_weights as a %s tensor of the input\'s shape %s, got %s', fname,
        weight.dtype, shape_string(input.shape),
        mg.is_tensor(psw) and ('a %s tensor of shape %s'):format(psw.dtype, shape_string(psw.shape)) or type(psw))
    end
  end
  local dim, flat = weight:size(2), input:reshape(-1)
  local rows = lookup(fname, weight, flat, opts.sparse, padding_idx)
  -- 1 for each entry that counts, 0 for padding
  local kept = padding_idx and flat:ne(padding_idx):to(weight.dtype) or mg.ones(n, {dtype = weight.dtype})
  local counts = mg.zeros(bags, {dtype = weight.dtype}):scatter_add(1, bag_of, kept)
  if mode == 'max' then return bag_max(rows, kept, bag_of, offsets, counts) end
  local entry_weight = psw and kept * psw:reshape(-1) or kept
  local sums = mg.zeros(bags, dim, {dtype = weight.dtype})
    :scatter_add(1, bag_of:unsqueeze(2):expand(n, dim), rows * entry_weight:unsqueeze(2))
  if mode == 'sum' then return sums end
  return sums / counts:clamp(1):unsqueeze(2)
end)

-- ---- losses: options and reduction ------------------------------------------------------

-- opts with defaults filled in (false stands for "absent"); an unknown option or an
-- unknown reduction is an error naming the function.
local function options(fname, opts, defaults)
  if opts ~= nil and type(opts) ~= 'table' then
    error(('%s: expected an options table, got %s'):format(fname, type(opts)), 3)
  end
  local out = {}
  for k, v in pairs(defaults) do out[k] = v end
  for k, v in pairs(opts or {}) do
    if defaults[k] == nil then error(("%s: unknown option '%s'"):format(fname, tostring(k)), 3) end
    out[k] = v
  end
  local r = out.reduction
  if r ~= 'mean' and r ~= 'sum' and r ~= 'none' then
    error(("%s: expected reduction 'mean', 'sum' or 'none', got '%s'"):format(fname, tostring(r)), 3)
  end
  return out
end

local function reduce(loss, reduction)
  if reduction == 'mean' then return loss:mean() end
  if reduction == 'sum' then return loss:sum() end
  return loss
end

-- For losses that compare two tensors of one shape.
local function check_same_shape(fname, input, target)
  check_tensor(fname, 'input', input)
  check_tensor(fname, 'target', target)
  if shape_string(input.shape) ~= shape_string(target.shape) then
    error(('%s: expected target of the input\'s shape %s, got %s'):format(
      fname, shape_string(input.shape), shape_string(target.shape)), 3)
  end
end


-- 0.5 d^2 where |d| < delta, delta (|d| - 0.5 delta) elsewhere.
local function huber(d, delta)
  return mg.where(d:abs():lt(delta), 0.5 * d * d, delta * (d:abs() - 0.5 * delta))
end

-- ---- regression losses ----------------------------------------------------------------

-- mse_loss(input, target [, {reduction = 'mean'}]): (input - target)^2
function F.mse_loss(input, target, opts)
  opts = options('mse_loss', opts, {reduction = 'mean'})
  check_same_shape('mse_loss', input, target)
  local d = input - target
  return reduce(d * d, opts.reduction)
end

-- l1_loss(input, target [, {reduction = 'mean'}]): |input - target|
function F.l1_loss(input, target, opts)
  opts = options('l1_loss', opts, {reduction = 'mean'})
  check_same_shape('l1_loss', input, target)
  return reduce((input - target):abs(), opts.reduction)
end

-- huber_loss(input, target [, {delta = 1, reduction = 'mean'}])
function F.huber_loss(input, target, opts)
  opts = options('huber_loss', opts, {delta = 1, reduction = 'mean'})
  if type(opts.delta) ~= 'number' or opts.delta <= 0 then
    error(('huber_loss: expected delta > 0, got %s'):format(tostring(opts.delta)), 2)
  end
  check_same_shape('huber_loss', input, target)
  return reduce(huber(input - target, opts.delta), opts.reduction)
end

-- smooth_l1_loss(input, target [, {beta = 1, reduction = 'mean'}]): huber / beta, which is
-- 0.5 d^2 / beta where |d| < beta and |d| - 0.5 beta elsewhere; l1 when beta = 0.
function F.smooth_l1_loss(input, target, opts)
  opts = options('smooth_l1_loss', opts, {beta = 1, reduction = 'mean'})
  local beta = opts.beta
  if type(beta) ~= 'number' or beta < 0 then
    error(('smooth_l1_loss: expected beta >= 0, got %s'):format(tostring(beta)), 2)
  end
  check_same_shape('smooth_l1_loss', input, target)
  local d = input - target
  return reduce(beta == 0 and d:abs() or huber(d, beta) / beta, opts.reduction)
end

-- ---- classification losses ------------------------------------------------------------

-- Checks scores of shape {N, C} (or {C}, one sample) against int64 class indices 1..C of
-- shape {N} (or {} / {1}) and optional class weights {C}; returns them as {N, C} and {N}.
local function class_inputs(fname, input, target, weight)
  check_tensor(fname, 'input', input)
  check_tensor(fname, 'target', target)
  if input:dim() ~= 1 and input:dim() ~= 2 then
    error(('%s: expected input of shape {N, C} or {C}, got %s'):format(fname, shape_string(input.shape)), 3)
  end
  if target.dtype ~= 'int64' then
    error(('%s: expected target of class indices (int64, 1..C), got %s'):format(fname, target.dtype), 3)
  end
  local single, input_shape = input:dim() == 1, shape_string(input.shape)
  if single then input = input:unsqueeze(1) end
  local n, c = input:size(1), input:size(2)
  local ok_shape = single and target:numel() == 1 and target:dim() <= 1
                   or not single and target:dim() == 1 and target:size(1) == n
  if not ok_shape then
    error(('%s: expected target of shape %s for input of shape %s, got %s'):format(
      fname, single and '{}' or '{' .. n .. '}', input_shape, shape_string(target.shape)), 3)
  end
  target = target:reshape(n)
  if n > 0 then
    local lo, hi = target:min():item(), target:max():item()
    if lo < 1 or hi > c then
      error(('%s: target %d is out of range for %d classes (expected 1..%d)'):format(
        fname, lo < 1 and lo or hi, c, c), 3)
    end
  end
  if weight then
    check_tensor(fname, 'weight', weight)
    if weight:dim() ~= 1 or weight:size(1) ~= c then
      error(('%s: expected weight of shape {%d} (one per class), got %s'):format(fname, c, shape_string(weight.shape)), 3)
    end
  end
  return input, target, single
end

-- Per-sample losses -weight[t] * logp[i, t] for targets t, and the weights (nil without).
local function nll_terms(logp, target, weight)
  local picked = logp:gather(2, target:view(-1, 1)):view(-1)
  if not weight then return -picked, nil end
  local w = weight:index_select(1, target)
  return -picked * w, w
end

-- 'mean' divides by the sum of the targets' weights when there are weights (PyTorch's rule).
local function reduce_samples(loss, w, reduction, single)
  if reduction == 'mean' and w then return loss:sum() / w:sum() end
  if reduction == 'none' and single then return loss:squeeze(1) end
  return reduce(loss, reduction)
end

-- nll_loss(logp, target [, {weight =, reduction = 'mean'}]): -logp[i, target[i]] (weighted).
function F.nll_loss(logp, target, opts)
  opts = options('nll_loss', opts, {weight = false, reduction = 'mean'})
  local lp, t, single = class_inputs('nll_loss', logp, target, opts.weight)
  local loss, w = nll_terms(lp, t, opts.weight)
  return reduce_samples(loss, w, opts.reduction, single)
end

-- cross_entropy(logits, target [, {weight =, label_smoothing = 0, reduction = 'mean'}]):
-- nll_loss of log_softmax(logits), stable for any logits. With label smoothing eps, each
-- sample's loss is (1 - eps) * nll + eps / C * (-sum_c weight[c] * logp[c]), as PyTorch's.
function F.cross_entropy(logits, target, opts)
  opts = options('cross_entropy', opts, {weight = false, label_smoothing = 0, reduction = 'mean'})
  local eps = opts.label_smoothing
  if type(eps) ~= 'number' or eps < 0 or eps > 1 then
    error(('cross_entropy: expected label_smoothing in [0, 1], got %s'):format(tostring(eps)), 2)
  end
  local x, t, single = class_inputs('cross_entropy', logits, target, opts.weight)
  local logp = x:log_softmax(2)
  local loss, w = nll_terms(logp, t, opts.weight)
  if eps > 0 then
    local smooth = -(opts.weight and logp * opts.weight or logp):sum(2)
    loss = (1 - eps) * loss + (eps / x:size(2)) * smooth
  end
  return reduce_samples(loss, w, opts.reduction, single)
end

-- log(x) clamped below at -100 as in PyTorch's binary_cross_entropy, with a zero gradient
-- (not 0 * inf = NaN) where x = 0, e.g. for sigmoid outputs saturated at exactly 0 or 1.
local function clamped_log(x)
  local positive = x:gt(0)
  return mg.where(positive, mg.where(positive, x, 1):log(), -100):clamp(-100)
end

-- binary_cross_entropy(p, y [, {weight =, reduction = 'mean'}]):
-- -weight * (y log p + (1 - y) log(1 - p)) for probabilities p in [0, 1].
function F.binary_cross_entropy(p, y, opts)
  opts = options('binary_cross_entropy', opts, {weight = false, reduction = 'mean'})
  check_same_shape('binary_cross_entropy', p, y)
  if p:numel() > 0 and (p:detach():min():item() < 0 or p:detach():max():item() > 1) then
    error('binary_cross_entropy: expected input probabilities in [0, 1], got values outside', 2)
  end
  local loss = -(y * clamped_log(p) + (1 - y) * clamped_log(1 - p))
  if opts.weight then loss = loss * opts.weight end
  return reduce(loss, opts.reduction)
end

-- binary_cross_entropy_with_logits(x, y [, {pos_weight =, weight =, reduction = 'mean'}]):
-- binary_cross_entropy(sigmoid(x), y) computed stably as
-- (1 - y) x + (1 + (pos_weight - 1) y) log(1 + exp(-x)), where log(1 + exp(-x)) is written
-- (|x| - x) / 2 + log(1 + exp(-|x|)): exp never overflows, and the gradient is right at
-- x = 0 too (the kinks of |x| and max(-x, 0) would each give 0 there, not -1/2).
function F.binary_cross_entropy_with_logits(x, y, opts)
  local fname = 'binary_cross_entropy_with_logits'
  opts = options(fname, opts, {pos_weight = false, weight = false, reduction = 'mean'})
  check_same_shape(fname, x, y)
  local a = x:abs()
  local softplus_neg = (a - x) * 0.5 + (-a):exp():log1p()
  local log_weight = opts.pos_weight and (opts.pos_weight - 1) * y + 1 or 1
  local loss = (1 - y) * x + log_weight * softplus_neg
  if opts.weight then loss = loss * opts.weight end
  return reduce(loss, opts.reduction)
end

return F
