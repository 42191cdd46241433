-- The layers of nn: Linear, Sequential, Flatten, Dropout, the activations, the embeddings
-- and the losses.
-- Each is a Module subclass; read Linear first, it shows everything a layer needs.
local mg = require 'moongrad'
local Module = require 'moongrad.nn.module'
local F = require 'moongrad.nn.functional'
local init = require 'moongrad.nn.init_weights'

local layers = {}

local function check_size(layer, what, v)
  if math.type(v) ~= 'integer' or v < 0 then
    error(('%s: expected %s to be a non-negative integer, got %s'):format(layer, what, tostring(v)), 4) -- the caller of Linear(...)
  end
end

-- Linear(in_features, out_features [, {bias = true, dtype = 'float32'}]): y = x W^T + b,
-- with W of shape {out, in}. Initialised as PyTorch's: W, b ~ U(-1/sqrt(in), 1/sqrt(in))
-- (kaiming_uniform_ with a = sqrt(5) gives that bound for W).
local Linear = Module:extend('Linear')

function Linear:init(in_features, out_features, opts)
  check_size('Linear', 'in_features', in_features)
  check_size('Linear', 'out_features', out_features)
  opts = opts or {}
  self.in_features, self.out_features = in_features, out_features
  local dtype = opts.dtype or 'float32'
  self.weight = mg.empty(out_features, in_features, {dtype = dtype, requires_grad = true})
  if opts.bias ~= false then self.bias = mg.empty(out_features, {dtype = dtype, requires_grad = true}) end
  self:reset_parameters()
end

function Linear:reset_parameters()
  init.kaiming_uniform_(self.weight, {a = math.sqrt(5)})
  if self.bias then
    local bound = self.in_features > 0 and 1 / math.sqrt(self.in_features) or 0
    init.uniform_(self.bias, -bound, bound)
  end
end

function Linear:forward(x) return F.linear(x, self.weight, self.bias) end

function Linear:extra_repr()
  return self.in_features .. ' -> ' .. self.out_features .. (self.bias and '' or ', bias=false')
end
layers.Linear = Linear

-- Sequential{m1, m2, ...} or Sequential(m1, m2, ...): each module's output feeds the next.
-- seq[i] (or seq:get(i); negative from the end) is the i-th, #seq their number.
local Sequential = Module:extend('Sequential')

function Sequential:init(...)
  local list = table.pack(...)
  if list.n == 1 and type(list[1]) == 'table' and not Module.is_module(list[1]) then
    list = {n = #list[1], table.unpack(list[1])}
  end
  for i = 1, list.n do
    if not Module.is_module(list[i]) then
      error(('Sequential: element %d is not a Module (got %s)'):format(i, Module.describe(list[i])), 3)
    end
    self:add(list[i])
  end
end

function Sequential:add(m)
  if not Module.is_module(m) then error('Sequential.add: expected a Module, got ' .. Module.describe(m), 2) end
  self[tostring(#self + 1)] = m
  return self
end

function Sequential:get(i) return self[i] end

function Sequential:forward(x)
  for _, m in self:named_children() do x = m(x) end
  return x
end
layers.Sequential = Sequential

-- A layer with no settings whose forward is fn(x).
local function stateless(name, fn)
  local layer = Module:extend(name)
  function layer:forward(x) return fn(x) end
  return layer
end

layers.Identity = stateless('Identity', function(x) return x end)
layers.ReLU = stateless('ReLU', F.relu)
layers.Sigmoid = stateless('Sigmoid', F.sigmoid)
layers.Tanh = stateless('Tanh', F.tanh)

-- A layer with one setting (default when absent) whose forward is fn(x, setting).
local function with_setting(name, fn, key, default)
  local layer = Module:extend(name)
  function layer:init(v) self[key] = v == nil and default or v end
  function layer:forward(x) return fn(x, self[key]) end
  function layer:extra_repr() return key .. '=' .. tostring(self[key]) end
  return layer
end

layers.LeakyReLU = with_setting('LeakyReLU', F.leaky_relu, 'negative_slope', 0.01)
layers.ELU = with_setting('ELU', F.elu, 'alpha', 1)
layers.Softmax = with_setting('Softmax', F.softmax, 'dim', -1)
layers.LogSoftmax = with_setting('LogSoftmax', F.log_softmax, 'dim', -1)

-- GELU([{approximate = 'none' | 'tanh'}])
local GELU = Module:extend('GELU')
function GELU:init(opts) self.approximate = opts and opts.approximate or 'none' end
function GELU:forward(x) return F.gelu(x, {approximate = self.approximate}) end
function GELU:extra_repr() return self.approximate ~= 'none' and "approximate='tanh'" or nil end
layers.GELU = GELU

-- Dropout(p = 0.5): zeroes elements with probability p in training mode (scaling the rest
-- by 1 / (1 - p)); the identity after eval().
local Dropout = Module:extend('Dropout')
function Dropout:init(p)
  p = p == nil and 0.5 or p
  if type(p) ~= 'number' or p < 0 or p > 1 then
    error(('Dropout: expected p in [0, 1], got %s'):format(tostring(p)), 3)
  end
  self.p = p
end
function Dropout:forward(x) return F.dropout(x, self.p, self.training) end
function Dropout:extra_repr() return 'p=' .. self.p end
layers.Dropout = Dropout

-- Flatten(start_dim = 2, end_dim = -1): keeps the batch dimension by default.
local Flatten = Module:extend('Flatten')
function Flatten:init(start_dim, end_dim) self.start_dim, self.end_dim = start_dim or 2, end_dim or -1 end
function Flatten:forward(x) return x:flatten(self.start_dim, self.end_dim) end
function Flatten:extra_repr() return ('start_dim=%d, end_dim=%d'):format(self.start_dim, self.end_dim) end
layers.Flatten = Flatten

-- ---- embeddings: lookup tables indexed by int64 ids 1..num_embeddings --------------------

-- The (uninitialised) weight {num, dim} of an embedding layer, and opts.padding_idx made
-- positive, after checking opts (whose keys must be in known).
local function embedding_weight(layer, num, dim, opts, known)
  for k in pairs(opts) do
    if not known[k] then error(("%s: unknown option '%s'"):format(layer, tostring(k)), 4) end -- the caller of Embedding(...)
  end
  local p = opts.padding_idx
  if p ~= nil and (math.type(p) ~= 'integer' or p == 0 or math.abs(p) > num) then
    error(('%s: expected padding_idx in 1..%d (or -%d..-1 from the end), got %s'):format(
      layer, num, num, tostring(p)), 4)
  end
  if opts.init ~= nil and type(opts.init) ~= 'function' then
    error(('%s: expected init to be a function(weight), got %s'):format(layer, type(opts.init)), 4)
  end
  local weight = mg.empty(num, dim, {dtype = opts.dtype or 'float32', requires_grad = true})
  local padding_idx = p and (p < 0 and num + p + 1 or p)
  return weight, padding_idx
end

-- Both layers' option sparse (false by default), checked.
local function sparse_option(layer, opts)
  if opts.sparse ~= nil and type(opts.sparse) ~= 'boolean' then
    error(('%s: expected sparse to be a boolean, got %s'):format(layer, type(opts.sparse)), 4) -- the caller of Embedding(...)
  end
  return opts.sparse or false
end

-- Both layers' reset_parameters: N(0, 1) or opts.init, then the padding row zeroed.
local function reset_embedding(self)
  (self.init_fn or init.normal_)(self.weight)
  if self.padding_idx then mg.no_grad(function() self.weight[self.padding_idx]:fill_(0) end) end
end

-- Embedding(num_embeddings, embedding_dim [, {padding_idx, init, dtype = 'float32'}]):
-- forward(ids) with int64 ids of any shape gives ids.shape .. {embedding_dim}.
local Embedding = Module:extend('Embedding')

function Embedding:init(num_embeddings, embedding_dim, opts)
  opts = opts or {}
  self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
  check_size('Embedding', 'num_embeddings', num_embeddings)
  check_size('Embedding', 'embedding_dim', embedding_dim)
  self.weight, self.padding_idx = embedding_weight('Embedding', num_embeddings, embedding_dim, opts,
                                                       {padding_idx = true, init = true, dtype = true,
                                                        sparse = true})
  self.sparse = sparse_option('Embedding', opts)
  self.init_fn = opts.init
  self:reset_parameters()
end

Embedding.reset_parameters = reset_embedding

-- Both layers' forwards tail-call F, so that F's errors point at the line that called the layer.
function Embedding:forward(ids)
  return F.embedding(ids, self.weight, {padding_idx = self.padding_idx, sparse = self.sparse}, 'Embedding')
end

function Embedding:extra_repr()
  return self.num_embeddings .. ', ' .. self.embedding_dim
         .. (self.padding_idx and ', padding_idx=' .. self.padding_idx or '')
         .. (self.sparse and ', sparse=true' or '')
end
layers.Embedding = Embedding

-- EmbeddingBag(num_embeddings, embedding_dim [, {mode = 'mean', padding_idx, init, dtype}]):
-- forward(ids, offsets [, per_sample_weights]) or forward(ids2d [, nil, per_sample_weights])
-- gives one reduced embedding per bag, {bags, embedding_dim} (F.embedding_bag).
local EmbeddingBag = Module:extend('EmbeddingBag')

function EmbeddingBag:init(num_embeddings, embedding_dim, opts)
  opts = opts or {}
  local mode = opts.mode or 'mean'
  if mode ~= 'sum' and mode ~= 'mean' and mode ~= 'max' then
    error(("EmbeddingBag: expected mode 'sum', 'mean' or 'max', got %s"):format(tostring(mode)), 3)
  end
  self.num_embeddings, self.embedding_dim, self.mode = num_embeddings, embedding_dim, mode
  check_size('EmbeddingBag', 'num_embeddings', num_embeddings)
  check_size('EmbeddingBag', 'embedding_dim', embedding_dim)
  self.weight, self.padding_idx = embedding_weight('EmbeddingBag', num_embeddings, embedding_dim, opts,
                                                       {mode = true, padding_idx = true, init = true, dtype = true,
                                                        sparse = true})
  self.sparse = sparse_option('EmbeddingBag', opts)
  self.init_fn = opts.init
  self:reset_parameters()
end

EmbeddingBag.reset_parameters = reset_embedding

function EmbeddingBag:forward(ids, offsets, per_sample_weights)
  return F.embedding_bag(ids, self.weight, offsets, {mode = self.mode, padding_idx = self.padding_idx,
                         per_sample_weights = per_sample_weights, sparse = self.sparse}, 'EmbeddingBag')
end

function EmbeddingBag:extra_repr()
  return self.num_embeddings .. ', ' .. self.embedding_dim .. ", mode='" .. self.mode .. "'"
         .. (self.padding_idx and ', padding_idx=' .. self.padding_idx or '')
         .. (self.sparse and ', sparse=true' or '')
end
layers.EmbeddingBag = EmbeddingBag

-- ---- losses as modules: nn.CrossEntropyLoss{label_smoothing = 0.1}(logits, target) ------

-- Tensor options (class weights) become buffers, so :double() and state_dict see them.
local function loss_module(name, fn)
  local layer = Module:extend(name)
  function layer:init(opts)
    self.options = {}
    for k, v in pairs(opts or {}) do
      if mg.is_tensor(v) then self:register_buffer(k, v) else self.options[k] = v end
    end
  end
  function layer:forward(input, target)
    local opts = {}
    for k, v in pairs(self.options) do opts[k] = v end
    for k, v in self:named_buffers() do opts[k] = v end
    return fn(input, target, opts)
  end
  function layer:extra_repr()
    local parts = {}
    for k, v in pairs(self.options) do parts[#parts + 1] = k .. '=' .. tostring(v) end
    table.sort(parts)
    return #parts > 0 and table.concat(parts, ', ') or nil
  end
  return layer
end

layers.MSELoss = loss_module('MSELoss', F.mse_loss)
layers.L1Loss = loss_module('L1Loss', F.l1_loss)
layers.SmoothL1Loss = loss_module('SmoothL1Loss', F.smooth_l1_loss)
layers.HuberLoss = loss_module('HuberLoss', F.huber_loss)
layers.CrossEntropyLoss = loss_module('CrossEntropyLoss', F.cross_entropy)
layers.NLLLoss = loss_module('NLLLoss', F.nll_loss)
layers.BCELoss = loss_module('BCELoss', F.binary_cross_entropy)
layers.BCEWithLogitsLoss = loss_module('BCEWithLogitsLoss', F.binary_cross_entropy_with_logits)

return layers
