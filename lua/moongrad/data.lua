-- moongrad.data (mg.data): datasets and loaders.
--
--   local train = mg.data.mnist('train')                 -- a TensorDataset {images, labels}
--   local loader = mg.data.DataLoader(train, {batch_size = 128, shuffle = true})
--   for x, y in loader:batches() do ... end              -- one epoch of batches
--
-- A dataset is any table with a length (#ds) and ds:get(i) (1-based) returning the values of
-- sample i. TensorDataset keeps its samples as rows of tensors, which DataLoader gathers a
-- batch at a time in C (index_select) through its get_batch(index), as it does for any
-- dataset with one (Subset, SequenceDataset: moongrad/datasets.lua); other datasets are read
-- sample by sample and collated.
local mg = require 'moongrad'

local data = {}

-- read_idx(path [, {dtype, scale}]): an IDX file (plain or .gz) as a tensor; see mg.read_idx.
data.read_idx = mg.read_idx

local function shape_string(t)
  return '{' .. table.concat(t.shape, ',') .. '}'
end

-- ---- TensorDataset ---------------------------------------------------------------------

local TensorDataset = {__name = 'TensorDataset'}
TensorDataset.__index = TensorDataset

-- TensorDataset(t1, t2, ...): sample i is t1[i], t2[i], ...; every tensor has the same size
-- of dimension 1. The class is callable, as nn's are; its __call tail-calls the constructor,
-- so that the constructor's errors at level 2 still point at the caller's line.
local function new_tensor_dataset(...)
  local tensors = table.pack(...)
  if tensors.n == 0 then error('TensorDataset: expected at least one tensor', 2) end
  for i = 1, tensors.n do
    local t = tensors[i]
    if not mg.is_tensor(t) then
      error(('TensorDataset: argument %d is not a tensor (got %s)'):format(i, type(t)), 2)
    end
    if t:dim() == 0 then error(('TensorDataset: tensor %d has no dimensions'):format(i), 2) end
  end
  local n = tensors[1]:size(1)
  for i = 2, tensors.n do
    if tensors[i]:size(1) ~= n then
      local sizes = {}
      for k = 1, tensors.n do sizes[k] = tostring(tensors[k]:size(1)) end
      error(('TensorDataset: tensors differ in the size of dimension 1 (%s; shapes %s and %s)')
              :format(table.concat(sizes, ', '), shape_string(tensors[1]), shape_string(tensors[i])), 2)
    end
  end
  tensors.n = nil
  return setmetatable({tensors = tensors, n = n}, TensorDataset)
end
data.TensorDataset = setmetatable(TensorDataset, {__call = function(_, ...)
  return new_tensor_dataset(...)
end})

function TensorDataset.__len(ds) return ds.n end

function TensorDataset.get(ds, i)
  if math.type(i) ~= 'integer' or i < 1 or i > ds.n then
    error(('TensorDataset: index %s is out of range (expected 1 to %d)'):format(tostring(i), ds.n), 2)
  end
  local out = {}
  for k, t in ipairs(ds.tensors) do out[k] = t[i] end
  return table.unpack(out)
end

-- get_batch(index): the rows at an int64 tensor of indices, gathered in C (DataLoader's
-- batches; see moongrad/datasets.lua for the protocol).
function TensorDataset.get_batch(ds, index)
  local out = {}
  for k, t in ipairs(ds.tensors) do out[k] = t:index_select(1, index) end
  return table.unpack(out)
end

function TensorDataset.__tostring(ds)
  local shapes = {}
  for k, t in ipairs(ds.tensors) do shapes[k] = shape_string(t) .. ' ' .. t.dtype end
  return ('TensorDataset of %d samples: %s'):format(ds.n, table.concat(shapes, ', '))
end

-- ---- DataLoader ------------------------------------------------------------------------

local DataLoader = {__name = 'DataLoader'}
DataLoader.__index = DataLoader

local defaults = {batch_size = 1, shuffle = false, drop_last = false, collate = false}

local callable = require('moongrad.check').callable

-- DataLoader(dataset [, {batch_size = 1, shuffle = false, drop_last = false, collate = fn}]).
-- collate(samples) receives a list of samples, each a table {v1, v2, ...} of the values
-- dataset:get(i) returned, and returns the batch's values. The default stacks each position:
-- tensors with mg.stack, numbers and booleans into a tensor.
local function new_loader(dataset, opts)
  if type(dataset) == 'table' and rawget(dataset, '__index') == dataset then
    error(('DataLoader: expected a dataset, got the class %s (call it to make one)')
            :format(dataset.__name), 2)
  end
  if type(dataset) ~= 'table' or not callable(dataset.get) then
    error(('DataLoader: expected a dataset (a table with a length and get(i)), got %s')
            :format(type(dataset)), 2)
  end
  local ok, n = pcall(function() return #dataset end)
  if not ok or math.type(n) ~= 'integer' or n < 0 then
    error('DataLoader: the dataset has no length (#dataset must give a non-negative integer)', 2)
  end
  if opts ~= nil and type(opts) ~= 'table' then
    error(('DataLoader: expected a table of options, got %s'):format(type(opts)), 2)
  end
  opts = opts or {}
  for k in pairs(opts) do
    if defaults[k] == nil then error(("DataLoader: unknown option '%s'"):format(tostring(k)), 2) end
  end
  local bs = opts.batch_size or defaults.batch_size
  if math.type(bs) ~= 'integer' or bs < 1 then
    error(('DataLoader: batch_size must be a positive integer, got %s'):format(tostring(bs)), 2)
  end
  for _, key in ipairs{'shuffle', 'drop_last'} do
    if opts[key] ~= nil and type(opts[key]) ~= 'boolean' then
      error(('DataLoader: %s must be a boolean, got %s'):format(key, type(opts[key])), 2)
    end
  end
  if opts.collate ~= nil and not callable(opts.collate) then
    error(('DataLoader: collate must be a function, got %s'):format(type(opts.collate)), 2)
  end
  return setmetatable({dataset = dataset, batch_size = bs, shuffle = opts.shuffle or false,
                       drop_last = opts.drop_last or false, collate = opts.collate},
                      DataLoader)
end
data.DataLoader = setmetatable(DataLoader, {__call = function(_, ...)
  return new_loader(...) -- a tail call: errors at level 2 point at the caller's line
end})

-- The number of batches in an epoch.
function DataLoader.__len(loader)
  local n, bs = #loader.dataset, loader.batch_size
  if loader.drop_last then return n // bs end
  return (n + bs - 1) // bs
end

-- The default collate: the values at each position of the samples, stacked.
local function default_collate(samples)
  local out = {}
  for p = 1, samples[1].n do
    local column, first = {}, samples[1][p]
    for k, s in ipairs(samples) do column[k] = s[p] end
    if mg.is_tensor(first) then
      out[p] = mg.stack(column)
    elseif type(first) == 'number' or type(first) == 'boolean' then
      local integral = type(first) == 'boolean' and 'bool' or 'int64'
      for _, v in ipairs(column) do
        if type(v) == 'number' and math.type(v) ~= 'integer' then integral = nil end
      end
      out[p] = mg.tensor(column, integral and {dtype = integral} or nil)
    else
      error(('DataLoader: cannot collate values of type %s (position %d of a sample); pass '
             .. '{collate = function(samples) ... end}'):format(type(first), p), 3)
    end
  end
  return table.unpack(out, 1, samples[1].n)
end

data.default_collate = default_collate

-- for v1, v2, ... in loader:batches() do ... end: one epoch, reshuffled on each call when
-- shuffle is set (from the global generator: mg.manual_seed makes the order reproducible).
function DataLoader.batches(loader)
  local dataset, bs = loader.dataset, loader.batch_size
  local n, count = #dataset, #loader
  local order = loader.shuffle and n > 0 and mg.randperm(n) or nil
  local b = 0
  if not loader.collate and callable(dataset.get_batch) then
    -- a TensorDataset, a Subset of one, a SequenceDataset...: whole batches gathered in C
    -- (index_select) by the dataset's get_batch
    return function()
      b = b + 1
      if b > count then return nil end
      local first = (b - 1) * bs + 1
      local len = math.min(bs, n - first + 1)
      return dataset:get_batch(order and order:narrow(1, first, len) or mg.arange(first, first + len))
    end
  end
  local collate = loader.collate or default_collate
  local indices = order and order:totable()
  return function()
    b = b + 1
    if b > count then return nil end
    local first = (b - 1) * bs
    local samples = {}
    for k = 1, math.min(bs, n - first) do
      local i = indices and indices[first + k] or first + k
      samples[k] = table.pack(dataset:get(i))
    end
    return collate(samples)
  end
end

function DataLoader.__tostring(loader)
  return ('DataLoader of %d batches (batch_size %d%s%s)'):format(#loader, loader.batch_size,
    loader.shuffle and ', shuffled' or '', loader.drop_last and ', drop_last' or '')
end

-- ---- MNIST -----------------------------------------------------------------------------

local function file_exists(path)
  local f = io.open(path, 'rb')
  if f then f:close() end
  return f ~= nil
end

-- mnist(split [, {dir = ...}]): 'train' (60000 samples) or 'test' (10000) as a TensorDataset
-- of images (float32, N x 28 x 28, scaled to [0, 1]) and labels (int64, digit d is label
-- d + 1). The files are looked for in opts.dir, else $MOONGRAD_DATA/mnist, else data/mnist,
-- with or without .gz.
function data.mnist(split, opts)
  if split ~= 'train' and split ~= 'test' then
    error(("mnist: expected split 'train' or 'test', got %s"):format(tostring(split)), 2)
  end
  if opts ~= nil and type(opts) ~= 'table' then
    error(('mnist: expected a table of options, got %s'):format(type(opts)), 2)
  end
  local dir = opts and opts.dir
  if dir == nil then
    local root = os.getenv('MOONGRAD_DATA')
    dir = root and root ~= '' and (root:gsub('/+$', '') .. '/mnist') or 'data/mnist'
  elseif type(dir) ~= 'string' then
    error(('mnist: option dir must be a string, got %s'):format(type(dir)), 2)
  end
  dir = dir:gsub('(.)/+$', '%1')
  local prefix = split == 'train' and 'train' or 't10k'
  local names = {prefix .. '-images-idx3-ubyte', prefix .. '-labels-idx1-ubyte'}
  local paths, missing = {}, {}
  for k, name in ipairs(names) do
    for _, candidate in ipairs{name .. '.gz', name} do
      if file_exists(dir .. '/' .. candidate) then
        paths[k] = dir .. '/' .. candidate
        break
      end
    end
    if not paths[k] then missing[#missing + 1] = name .. '.gz' end
  end
  if #missing > 0 then
    error(('mnist: no MNIST files in %s (expected %s, gzipped or not); run '
           .. 'scripts/fetch-mnist.sh %s to download them, or pass {dir = ...}')
            :format(dir, table.concat(missing, ' and '), dir), 2)
  end
  local images = mg.read_idx(paths[1], {dtype = 'float32', scale = 1 / 255})
  local labels = mg.read_idx(paths[2], {dtype = 'int64'})
  if images:dim() ~= 3 or labels:dim() ~= 1 or images:size(1) ~= labels:size(1) then
    error(('mnist: %s and %s do not hold images and their labels (shapes %s and %s, expected '
           .. '{N,28,28} and {N})'):format(paths[1], paths[2], shape_string(images),
                                           shape_string(labels)), 2)
  end
  labels:add_(1) -- digit d is class d + 1: moongrad's class indices are 1-based
  return data.TensorDataset(images, labels)
end

-- ImageFolder, text and dataset helpers (datasets.lua); Frame, read_csv and read_sql (frame.lua).
for _, part in ipairs{'moongrad.datasets', 'moongrad.frame'} do
  for name, value in pairs(require(part)) do data[name] = value end
end
TensorDataset.map = data.map -- ds:map(fn) is mg.data.map(ds, fn)

return data
