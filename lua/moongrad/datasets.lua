-- moongrad.datasets: the dataset protocol's helpers, ImageFolder and text datasets; its
-- exports join mg.data.
--
-- A dataset is a table with a length (#ds) and ds:get(i) (1-based). It may also have
-- ds:get_batch(index), which returns a whole batch for an int64 tensor of sample indices as
-- the default collate would (stacked); DataLoader then asks for batches instead of samples,
-- so that they are gathered in C (index_select) rather than one row at a time in Lua.
--
-- This file is required by moongrad.data while that module is still loading: it must not
-- require 'moongrad.data' at its top level (a cycle), only inside functions.
local mg = require 'moongrad'
local image = require('moongrad.core')._image

local datasets = {}

local function data_module() return require 'moongrad.data' end

local callable = require('moongrad.check').callable

-- The number of samples of a dataset, or an error naming `what` at `level` (of the caller of
-- the function that called this).
local function check_dataset(ds, what, level)
  level = level + 1
  if type(ds) == 'table' and rawget(ds, '__index') == ds then
    error(('%s: expected a dataset, got the class %s (call it to make one)')
            :format(what, tostring(ds.__name)), level)
  end
  if type(ds) ~= 'table' or not callable(ds.get) then
    error(('%s: expected a dataset (a table with a length and get(i)), got %s')
            :format(what, type(ds)), level)
  end
  local ok, n = pcall(function() return #ds end)
  if not ok or math.type(n) ~= 'integer' or n < 0 then
    error(('%s: the dataset has no length (#dataset must give a non-negative integer)')
            :format(what), level)
  end
  return n
end

local function check_options(opts, known, what, level)
  if opts == nil then return {} end
  if type(opts) ~= 'table' then
    error(('%s: expected a table of options, got %s'):format(what, type(opts)), level + 1)
  end
  for k in pairs(opts) do
    if not known[k] then
      error(("%s: unknown option '%s'"):format(what, tostring(k)), level + 1)
    end
  end
  return opts
end

local function check_index(ds, i, n, what)
  if math.type(i) ~= 'integer' or i < 1 or i > n then
    error(('%s: index %s is out of range (expected 1 to %d)'):format(what, tostring(i), n), 3)
  end
end

-- A class whose table is callable as a constructor; __call tail-calls it, so that errors at
-- level 2 point at the caller's line.
local function class(name, constructor, base)
  local cls = {__name = name}
  cls.__index = cls
  return setmetatable(cls, {__index = base,
                            __call = constructor and function(_, ...) return constructor(...) end})
end

-- ---- map -------------------------------------------------------------------------------

local MapDataset = class('MapDataset', nil)

-- map(ds, fn): a dataset whose sample i is fn(ds:get(i)); also ds:map(fn) on the built-in
-- datasets (one function: the same page documents both).
function datasets.map(ds, fn)
  check_dataset(ds, 'map', 2)
  if not callable(fn) then
    error(('map: expected a function to apply to each sample, got %s'):format(type(fn)), 2)
  end
  return setmetatable({dataset = ds, fn = fn}, MapDataset)
end
local map = datasets.map

function MapDataset.__len(ds) return #ds.dataset end
function MapDataset.get(ds, i) return ds.fn(ds.dataset:get(i)) end
MapDataset.map = map
function MapDataset.__tostring(ds)
  return ('MapDataset of %d samples over %s'):format(#ds, tostring(ds.dataset))
end

-- ---- Subset and random_split -----------------------------------------------------------

local Subset

-- Subset(ds, indices): the samples of ds at indices (a list or an int64 tensor, 1-based).
local function new_subset(ds, indices)
  local n = check_dataset(ds, 'Subset', 2)
  local index
  if mg.is_tensor(indices) then
    if indices.dtype ~= 'int64' or indices:dim() ~= 1 then
      error(('Subset: indices must be a 1-D int64 tensor or a list of integers, got a %s '
             .. 'tensor of %d dimensions'):format(indices.dtype, indices:dim()), 2)
    end
    index = indices:clone()
  elseif type(indices) == 'table' then
    for k, v in ipairs(indices) do
      if math.type(v) ~= 'integer' then
        error(('Subset: index %d is not an integer (got %s)'):format(k, tostring(v)), 2)
      end
    end
    index = mg.tensor(indices, {dtype = 'int64'})
  else
    error(('Subset: expected indices as a list or an int64 tensor, got %s'):format(type(indices)), 2)
  end
  if index:numel() > 0 then
    local lo, hi = index:min():item(), index:max():item()
    if lo < 1 or hi > n then
      error(('Subset: index %d is out of range (the dataset has %d samples)')
              :format(lo < 1 and lo or hi, n), 2)
    end
  end
  return setmetatable({dataset = ds, indices = index}, Subset)
end
Subset = class('Subset', new_subset)
datasets.Subset = Subset

function Subset.__len(ds) return ds.indices:numel() end

function Subset.get(ds, i)
  check_index(ds, i, #ds, 'Subset')
  return ds.dataset:get(ds.indices[i]:item())
end

-- A batch of the underlying dataset at the subset's indices: gathered in C when that dataset
-- can (get_batch), else sample by sample and stacked by the default collate.
function Subset.get_batch(ds, index)
  local inner = ds.indices:index_select(1, index)
  if callable(ds.dataset.get_batch) then return ds.dataset:get_batch(inner) end
  local samples = {}
  for k, j in ipairs(inner:totable()) do samples[k] = table.pack(ds.dataset:get(j)) end
  return data_module().default_collate(samples)
end

Subset.map = map

function Subset.__tostring(ds)
  return ('Subset of %d samples of %s'):format(#ds, tostring(ds.dataset))
end

-- random_split(ds, lengths or fractions [, {seed}]): Subsets that share out a random
-- permutation of the samples.
function datasets.random_split(ds, lengths, opts)
  local n = check_dataset(ds, 'random_split', 2)
  opts = check_options(opts, {seed = true}, 'random_split', 2)
  if type(lengths) ~= 'table' or #lengths == 0 then
    error(('random_split: expected a list of lengths or fractions, got %s'):format(
            type(lengths) == 'table' and 'an empty table' or type(lengths)), 2)
  end
  local all_integers, total = true, 0
  for k, v in ipairs(lengths) do
    if type(v) ~= 'number' or v ~= v or v < 0 then
      error(('random_split: length %d must be a non-negative number, got %s'):format(k, tostring(v)), 2)
    end
    if math.type(v) ~= 'integer' then all_integers = false end
    total = total + v
  end
  local counts = {}
  if all_integers then
    if total ~= n then
      error(('random_split: the lengths add up to %d but the dataset has %d samples'):format(total, n), 2)
    end
    counts = lengths
  else
    if math.abs(total - 1) > 1e-6 then
      error(('random_split: the fractions add up to %g, expected 1'):format(total), 2)
    end
    -- as PyTorch: each part floor(fraction * n), the remainder one by one from the first
    local given = 0
    for k, f in ipairs(lengths) do
      counts[k] = math.floor(f * n)
      given = given + counts[k]
    end
    for k = 0, n - given - 1 do
      local at = k % #counts + 1
      counts[at] = counts[at] + 1
    end
  end
  local seed = opts.seed
  if seed ~= nil and math.type(seed) ~= 'integer' then
    error(('random_split: seed must be an integer, got %s'):format(tostring(seed)), 2)
  end
  local order
  if seed then -- the split depends on the seed alone; the global stream moves on by one draw
    local resume = mg.randint(0, (1 << 62) - 1, {1}):item()
    mg.manual_seed(seed)
    order = mg.randperm(n)
    mg.manual_seed(resume)
  else
    order = mg.randperm(n)
  end
  local parts, at = {}, 1
  for k, c in ipairs(counts) do
    parts[k] = setmetatable({dataset = ds, indices = order:narrow(1, at, c):clone()}, Subset)
    at = at + c
  end
  return table.unpack(parts)
end

-- ---- FrameDataset ----------------------------------------------------------------------

-- FrameDataset(frame, {features = {...}, target = name, target_dtype}): a TensorDataset of
-- frame:to_tensor(features) and frame:col(target), each read once; the features default to
-- every column but the target.
function datasets.FrameDataset(frame, opts)
  if type(frame) ~= 'table' and type(frame) ~= 'userdata' then
    error(('FrameDataset: expected a Frame, got %s'):format(type(frame)), 2)
  end
  if not callable(frame.to_tensor) or not callable(frame.col) then
    error('FrameDataset: expected a Frame (with to_tensor(columns) and col(name))', 2)
  end
  opts = check_options(opts, {features = true, target = true, target_dtype = true}, 'FrameDataset', 2)
  local features = opts.features
  if features == nil and type(frame.columns) == 'table' then
    features = {}
    for _, name in ipairs(frame.columns) do
      if name ~= opts.target then features[#features + 1] = name end
    end
  end
  if type(features) ~= 'table' or #features == 0 then
    error('FrameDataset: option features must be a non-empty list of column names', 2)
  end
  for k, name in ipairs(features) do
    if type(name) ~= 'string' then
      error(('FrameDataset: feature %d must be a column name, got %s'):format(k, type(name)), 2)
    end
    if name == opts.target then
      error(("FrameDataset: column '%s' is both a feature and the target"):format(name), 2)
    end
  end
  if opts.target ~= nil and type(opts.target) ~= 'string' then
    error(('FrameDataset: option target must be a column name, got %s'):format(type(opts.target)), 2)
  end
  local ok, x = pcall(frame.to_tensor, frame, features)
  if not ok then error('FrameDataset: ' .. tostring(x), 2) end
  if not mg.is_tensor(x) or x:dim() ~= 2 or x:size(2) ~= #features then
    error(('FrameDataset: frame:to_tensor gave %s, expected a {rows, %d} tensor')
            :format(mg.is_tensor(x) and ('shape {' .. table.concat(x.shape, ',') .. '}') or type(x),
                    #features), 2)
  end
  local TensorDataset = data_module().TensorDataset
  local ds
  if opts.target then
    local y
    ok, y = pcall(frame.col, frame, opts.target)
    if not ok then error('FrameDataset: ' .. tostring(y), 2) end
    if not mg.is_tensor(y) or y:dim() ~= 1 or y:size(1) ~= x:size(1) then
      error(("FrameDataset: frame:col('%s') gave %s, expected a tensor of %d values")
              :format(opts.target, mg.is_tensor(y) and ('shape {' .. table.concat(y.shape, ',') .. '}')
                                                   or type(y), x:size(1)), 2)
    end
    local dtype = opts.target_dtype or (y.dtype == 'float64' and x.dtype or nil)
    if dtype then
      local converted
      ok, converted = pcall(y.to, y, dtype)
      if not ok then error('FrameDataset: target_dtype: ' .. tostring(converted), 2) end
      y = converted
    end
    ds = TensorDataset(x, y)
  else
    ds = TensorDataset(x)
  end
  ds.features = table.move(features, 1, #features, 1, {})
  ds.target = opts.target
  return ds
end

-- ---- images ----------------------------------------------------------------------------

-- {h, w} of positive integers, or an error naming the option.
local function check_hw(v, what, name, level)
  if type(v) ~= 'table' or #v ~= 2 or math.type(v[1]) ~= 'integer' or math.type(v[2]) ~= 'integer'
     or v[1] < 1 or v[2] < 1 then
    local shown = tostring(v)
    if type(v) == 'table' then
      local items = {}
      for k, x in ipairs(v) do items[k] = tostring(x) end
      shown = '{' .. table.concat(items, ',') .. '}'
    end
    error(('%s: %s must be {height, width} (two positive integers), got %s')
            :format(what, name, shown), level + 1)
  end
  return v[1], v[2]
end

local function check_channels(c, what, allow_stored, level)
  if c == nil then return allow_stored and 0 or 3 end
  if math.type(c) ~= 'integer' or c < 1 or c > 4 then
    error(('%s: channels must be 1, 2, 3 or 4, got %s'):format(what, tostring(c)), level + 1)
  end
  return c
end

local function check_rescale(v, what, level)
  if v == nil then return 1 end
  if type(v) ~= 'number' or v ~= v then
    error(('%s: rescale must be a number, got %s'):format(what, tostring(v)), level + 1)
  end
  return v
end

-- read_image(path [, {channels, size = {h, w}, rescale = 1}]) -> float32 {C, H, W}
function datasets.read_image(path, opts)
  if type(path) ~= 'string' then
    error(('read_image: expected a path, got %s'):format(type(path)), 2)
  end
  opts = check_options(opts, {channels = true, size = true, rescale = true}, 'read_image', 2)
  local channels = check_channels(opts.channels, 'read_image', true, 2)
  local h, w = 0, 0
  if opts.size ~= nil then h, w = check_hw(opts.size, 'read_image', 'size', 2) end
  local ok, img = pcall(image.read, path, channels, h, w, check_rescale(opts.rescale, 'read_image', 2))
  if not ok then error(img, 2) end -- core's message, at the caller's line
  return img
end

-- resize_image(t, {h, w}) -> a new tensor, bilinear on the last two dims
function datasets.resize_image(t, size)
  if not mg.is_tensor(t) then
    error(('resize_image: expected a tensor, got %s'):format(type(t)), 2)
  end
  local h, w = check_hw(size, 'resize_image', 'size', 2)
  local ok, out = pcall(image.resize, t, h, w)
  if not ok then error(out, 2) end
  return out
end

local ImageFolder
local DEFAULT_EXTENSIONS = {'png', 'jpg', 'jpeg', 'bmp'}
local MAX_DEPTH = 32

-- Image files under dir (recursively, in sorted order) into paths; hidden names skipped.
local function collect_images(dir, wanted, paths, depth)
  if depth > MAX_DEPTH then
    error(('ImageFolder: folders nested more than %d deep under %s (a symbolic link loop?)')
            :format(MAX_DEPTH, dir), 0)
  end
  local names, kinds = image.list_dir(dir)
  if not names then error('ImageFolder: ' .. kinds, 0) end
  for k, name in ipairs(names) do
    if name:sub(1, 1) ~= '.' then
      local path = dir .. '/' .. name
      if kinds[k] == 'directory' then
        collect_images(path, wanted, paths, depth + 1)
      elseif kinds[k] == 'file' and wanted[(name:match('%.([^.]+)$') or ''):lower()] then
        paths[#paths + 1] = path
      end
    end
  end
end

-- ImageFolder(root [, {size, channels = 3, rescale = 1, flip = false, crop, extensions}])
local function new_image_folder(root, opts)
  if type(root) ~= 'string' then
    error(('ImageFolder: expected the path of a folder, got %s'):format(type(root)), 2)
  end
  opts = check_options(opts, {size = true, channels = true, rescale = true, flip = true,
                              crop = true, extensions = true}, 'ImageFolder', 2)
  local size
  if opts.size ~= nil then size = {check_hw(opts.size, 'ImageFolder', 'size', 2)} end
  local channels = check_channels(opts.channels, 'ImageFolder', false, 2)
  local rescale = check_rescale(opts.rescale, 'ImageFolder', 2)
  if opts.flip ~= nil and type(opts.flip) ~= 'boolean' then
    error(('ImageFolder: flip must be a boolean, got %s'):format(type(opts.flip)), 2)
  end
  local crop
  if opts.crop ~= nil then
    crop = {check_hw(opts.crop, 'ImageFolder', 'crop', 2)}
    if size and (crop[1] > size[1] or crop[2] > size[2]) then
      error(('ImageFolder: crop {%d,%d} is larger than size {%d,%d}')
              :format(crop[1], crop[2], size[1], size[2]), 2)
    end
  end
  local extensions = opts.extensions or DEFAULT_EXTENSIONS
  if type(extensions) ~= 'table' or #extensions == 0 then
    error('ImageFolder: extensions must be a non-empty list such as {"png", "jpg"}', 2)
  end
  local wanted, shown = {}, {}
  for k, e in ipairs(extensions) do
    if type(e) ~= 'string' or e == '' then
      error(('ImageFolder: extension %d must be a non-empty string, got %s'):format(k, tostring(e)), 2)
    end
    e = e:gsub('^%.', ''):lower()
    wanted[e], shown[k] = true, '.' .. e
  end
  root = root:gsub('(.)/+$', '%1')
  local names, kinds = image.list_dir(root)
  if not names then error('ImageFolder: ' .. kinds, 2) end
  local classes = {}
  for k, name in ipairs(names) do
    if kinds[k] == 'directory' and name:sub(1, 1) ~= '.' then classes[#classes + 1] = name end
  end
  if #classes == 0 then
    error(('ImageFolder: no class folders in %s (expected one subfolder of images per class)')
            :format(root), 2)
  end
  local paths, labels, class_to_idx = {}, {}, {}
  for label, name in ipairs(classes) do
    class_to_idx[name] = label
    local first = #paths + 1
    local ok, err = pcall(collect_images, root .. '/' .. name, wanted, paths, 1)
    if not ok then error(err, 2) end
    for k = first, #paths do labels[k] = label end
  end
  if #paths == 0 then
    error(('ImageFolder: no images (%s) in the class folders of %s')
            :format(table.concat(shown, ', '), root), 2)
  end
  return setmetatable({root = root, classes = classes, class_to_idx = class_to_idx,
                       paths = paths, labels = mg.tensor(labels, {dtype = 'int64'}),
                       label_list = labels, size = size, channels = channels, rescale = rescale,
                       flip = opts.flip or false, crop = crop}, ImageFolder)
end
ImageFolder = class('ImageFolder', new_image_folder)
datasets.ImageFolder = ImageFolder

function ImageFolder.__len(ds) return #ds.paths end

-- get(i) -> image {C, H, W} float32, label (an integer, 1-based class index)
function ImageFolder.get(ds, i)
  check_index(ds, i, #ds.paths, 'ImageFolder')
  local path = ds.paths[i]
  local ok, img = pcall(image.read, path, ds.channels, ds.size and ds.size[1] or 0,
                        ds.size and ds.size[2] or 0, ds.rescale)
  if not ok then error(img, 2) end
  if ds.crop then
    local ch, cw = ds.crop[1], ds.crop[2]
    local h, w = img:size(2), img:size(3)
    if ch > h or cw > w then
      error(('ImageFolder: crop {%d,%d} is larger than the image %s ({%d,%d})')
              :format(ch, cw, path, h, w), 2)
    end
    local top = mg.randint(1, h - ch + 1, {1}):item()
    local left = mg.randint(1, w - cw + 1, {1}):item()
    img = img:narrow(2, top, ch):narrow(3, left, cw):contiguous()
  end
  if ds.flip and mg.rand(1):item() < 0.5 then
    img = img:index_select(3, mg.arange(img:size(3), 0, -1))
  end
  return img, ds.label_list[i]
end

ImageFolder.map = map

function ImageFolder.__tostring(ds)
  return ('ImageFolder of %d images in %d classes (%s) from %s'):format(#ds, #ds.classes,
    table.concat(ds.classes, ', '), ds.root)
end

-- ---- sequences and text ----------------------------------------------------------------

local SequenceDataset

local function check_block_size(opts, what, level)
  local bs = opts.block_size
  if math.type(bs) ~= 'integer' or bs < 1 then
    error(('%s: option block_size must be a positive integer, got %s'):format(what, tostring(bs)),
          level + 1)
  end
  return bs
end

local function make_sequence(cls, tokens, block_size, what, level)
  local n = tokens:numel()
  if n < block_size + 1 then
    error(('%s: %d tokens are too few for one window of block_size %d (at least %d needed)')
            :format(what, n, block_size, block_size + 1), level + 1)
  end
  return setmetatable({tokens = tokens, block_size = block_size,
                       offsets = mg.arange(0, block_size):view(1, block_size)}, cls)
end

-- SequenceDataset(tokens, {block_size}): windows of an int64 token tensor and their
-- next-token targets.
local function new_sequence(tokens, opts)
  if not mg.is_tensor(tokens) or tokens.dtype ~= 'int64' or tokens:dim() ~= 1 then
    error(('SequenceDataset: expected a 1-D int64 tensor of tokens, got %s'):format(
      mg.is_tensor(tokens) and ('a %s tensor of %d dimensions'):format(tokens.dtype, tokens:dim())
                           or type(tokens)), 2)
  end
  opts = check_options(opts, {block_size = true}, 'SequenceDataset', 2)
  return make_sequence(SequenceDataset, tokens:contiguous(),
                       check_block_size(opts, 'SequenceDataset', 2), 'SequenceDataset', 2)
end
SequenceDataset = class('SequenceDataset', new_sequence)
datasets.SequenceDataset = SequenceDataset

function SequenceDataset.__len(ds) return ds.tokens:numel() - ds.block_size end

-- get(i) -> tokens i .. i+block_size-1 and i+1 .. i+block_size (views)
function SequenceDataset.get(ds, i)
  check_index(ds, i, #ds, getmetatable(ds).__name)
  return ds.tokens:narrow(1, i, ds.block_size), ds.tokens:narrow(1, i + 1, ds.block_size)
end

-- get_batch(index) -> inputs {B, block_size}, targets {B, block_size}: one gather each
function SequenceDataset.get_batch(ds, index)
  local b = index:numel()
  local at = index:view(b, 1) + ds.offsets -- {B, block_size} 1-based positions
  local x = ds.tokens:index_select(1, at:view(-1)):view(b, ds.block_size)
  local y = ds.tokens:index_select(1, (at + 1):view(-1)):view(b, ds.block_size)
  return x, y
end

SequenceDataset.map = map

function SequenceDataset.__tostring(ds)
  return ('SequenceDataset of %d windows of %d tokens'):format(#ds, ds.block_size)
end

-- CharDataset(text, {block_size, encoding = 'utf8' or 'bytes'})
local CharDataset
local CHUNK = 16384

-- The text's characters (UTF-8 code points, or bytes) as an int64 tensor, converted a chunk
-- at a time; nil and the byte position of the first invalid sequence for bad UTF-8.
local function code_points(text, encoding)
  if encoding == 'utf8' then
    local len, bad = utf8.len(text)
    if not len then return nil, bad end
  end
  local parts, n, pos = {}, #text, 1
  while pos <= n do
    local last = math.min(pos + CHUNK - 1, n)
    local values
    if encoding == 'utf8' then
      if last < n then last = utf8.offset(text, 0, last + 1) - 1 end
      values = {utf8.codepoint(text, pos, last)}
    else
      values = {text:byte(pos, last)}
    end
    parts[#parts + 1] = mg.tensor(values, {dtype = 'int64'})
    pos = last + 1
  end
  if #parts == 0 then return mg.zeros(0, {dtype = 'int64'}) end
  return #parts == 1 and parts[1] or mg.cat(parts)
end

local function char_of(code, encoding)
  return encoding == 'utf8' and utf8.char(code) or string.char(code)
end

local function new_char_dataset(text, opts)
  if type(text) ~= 'string' then
    error(('CharDataset: expected the text as a string, got %s'):format(type(text)), 2)
  end
  opts = check_options(opts, {block_size = true, encoding = true}, 'CharDataset', 2)
  local block_size = check_block_size(opts, 'CharDataset', 2)
  local encoding = opts.encoding or 'utf8'
  if encoding ~= 'utf8' and encoding ~= 'bytes' then
    error(("CharDataset: encoding must be 'utf8' or 'bytes', got %s"):format(tostring(encoding)), 2)
  end
  local codes, bad = code_points(text, encoding)
  if not codes then
    error(("CharDataset: the text is not valid UTF-8 (byte %d); pass {encoding = 'bytes'} to "
           .. 'read it byte by byte'):format(bad), 2)
  end
  if codes:numel() < block_size + 1 then
    error(('CharDataset: the text has %d characters, too few for one window of block_size %d '
           .. '(at least %d needed)'):format(codes:numel(), block_size, block_size + 1), 2)
  end
  -- the vocabulary: which codes occur (counted into bins), in increasing order; a code's
  -- token is the number of present codes up to and including it
  local top = codes:max():item()
  local counts = mg.zeros(top + 1, {dtype = 'int64'})
  counts:scatter_add_(1, codes + 1, mg.ones(codes:numel(), {dtype = 'int64'}))
  local present = counts:gt(0):long()
  local size = present:sum():item()
  local _, order = present:sort(1, true)
  local symbols = order:narrow(1, 1, size):sort() - 1
  local vocab, stoi = {}, {}
  for k, code in ipairs(symbols:totable()) do
    vocab[k] = char_of(code, encoding)
    stoi[vocab[k]] = k
  end
  local lookup = present:cumsum(1)
  local ds = make_sequence(CharDataset, lookup:index_select(1, codes + 1), block_size,
                           'CharDataset', 2)
  ds.vocab, ds.stoi, ds.vocab_size, ds.encoding = vocab, stoi, size, encoding
  ds.lookup, ds.present = lookup, present:bool()
  return ds
end
CharDataset = class('CharDataset', new_char_dataset, SequenceDataset)
CharDataset.__len = SequenceDataset.__len
datasets.CharDataset = CharDataset

-- encode(str) -> int64 tensor of the tokens of str's characters
function CharDataset.encode(ds, str)
  if type(str) ~= 'string' then
    error(('CharDataset:encode: expected a string, got %s'):format(type(str)), 2)
  end
  local codes, bad = code_points(str, ds.encoding)
  if not codes then
    error(('CharDataset:encode: the string is not valid UTF-8 (byte %d)'):format(bad), 2)
  end
  if codes:numel() == 0 then return codes end
  local top = ds.present:numel() - 1
  local known = ds.present:index_select(1, codes:clamp(0, top) + 1):logical_and(codes:le(top))
  if known:logical_not():sum():item() > 0 then
    local at = known:logical_not():long():argmax():item()
    local code = codes[at]:item()
    error(("CharDataset:encode: character %q (code %d, character %d of the string) is not in "
           .. 'the vocabulary'):format(char_of(code, ds.encoding), code, at), 2)
  end
  return ds.lookup:index_select(1, codes + 1)
end

-- decode(tokens) -> the string of the tokens (an int64 tensor or a list of integers)
function CharDataset.decode(ds, tokens)
  local list
  if mg.is_tensor(tokens) then
    if tokens.dtype ~= 'int64' then
      error(('CharDataset:decode: expected int64 tokens, got a %s tensor'):format(tokens.dtype), 2)
    end
    list = tokens:reshape(-1):totable()
  elseif type(tokens) == 'table' then
    list = tokens
  else
    error(('CharDataset:decode: expected a tensor or a list of tokens, got %s'):format(type(tokens)), 2)
  end
  local out = {}
  for k, id in ipairs(list) do
    local c = math.type(id) == 'integer' and ds.vocab[id]
    if not c then
      error(('CharDataset:decode: token %s (position %d) is not in the vocabulary (1 to %d)')
              :format(tostring(id), k, ds.vocab_size), 2)
    end
    out[k] = c
  end
  return table.concat(out)
end

function CharDataset.__tostring(ds)
  return ('CharDataset of %d windows of %d characters (vocabulary of %d)')
           :format(#ds, ds.block_size, ds.vocab_size)
end

return datasets
