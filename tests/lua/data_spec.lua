-- mg.data: read_idx, randperm, TensorDataset, DataLoader and mnist. IDX files are written
-- here byte by byte (string.pack, big-endian); expected values are worked out by hand. The
-- checks on the real MNIST files run when they are present (MOONGRAD_TEST_DATA, else
-- ../shared/data from the repository root) and are skipped otherwise.
local mg = require 'moongrad'
local h = require 'tests.lua.helpers'
local data = mg.data

local function ints(list) return mg.tensor(list, {dtype = 'int64'}) end

-- ---- temporary files -------------------------------------------------------------------

local made = {} -- paths to remove at the end, files before their directories

local function temp_path(suffix)
  local base = os.tmpname() -- creates an empty file
  made[#made + 1] = base
  local path = base .. (suffix or '')
  if suffix then made[#made + 1] = path end
  return path
end

local function write(path, bytes)
  local f = assert(io.open(path, 'wb'))
  f:write(bytes)
  f:close()
  return path
end

-- An IDX file: 2 zero bytes, the type, the number of dims, the sizes (big-endian int32).
local function idx_bytes(type_byte, sizes, payload)
  local parts = {string.char(0, 0, type_byte, #sizes)}
  for _, s in ipairs(sizes) do parts[#parts + 1] = string.pack('>I4', s) end
  parts[#parts + 1] = payload
  return table.concat(parts)
end

local function temp_dir()
  local path = temp_path('.d')
  assert(os.execute('mkdir -p ' .. path))
  return path
end

local function have_gzip() return os.execute('command -v gzip >/dev/null 2>&1') end

teardown(function()
  for i = #made, 1, -1 do os.remove(made[i]) end
end)

-- ---- read_idx and randperm -------------------------------------------------------------

describe('read_idx', function()
  -- 2 x 3 ubyte: 0 1 2 / 128 254 255
  local ubyte = write(temp_path('.idx'), idx_bytes(0x08, {2, 3}, string.char(0, 1, 2, 128, 254, 255)))

  it('reads integer IDX data as int64 by default', function()
    local t = data.read_idx(ubyte)
    assert.are.equal('int64', t.dtype)
    assert.are.same({2, 3}, t.shape)
    assert.are.same({{0, 1, 2}, {128, 254, 255}}, t:totable())
    assert.are.equal(mg.read_idx, data.read_idx)
  end)

  it('converts to a dtype and scales', function()
    local t = data.read_idx(ubyte, {dtype = 'float32', scale = 1 / 255})
    assert.are.equal('float32', t.dtype)
    h.assert_close(t, {{0, 1 / 255, 2 / 255}, {128 / 255, 254 / 255, 1}})
    local d = data.read_idx(ubyte, {dtype = 'float64', scale = 2})
    assert.are.equal('float64', d.dtype)
    assert.are.same({{0, 2, 4}, {256, 508, 510}}, d:totable())
    -- a scale without a dtype gives float32
    local s = data.read_idx(ubyte, {scale = 0.5})
    assert.are.equal('float32', s.dtype)
    assert.are.same({{0, 0.5, 1}, {64, 127, 127.5}}, s:totable())
  end)

  it('reads float32, float64 and signed types', function()
    -- float32: 1.5, -0.25; float64: 0.1 (the double nearest), 1e300
    local f32 = write(temp_path('.idx'), idx_bytes(0x0D, {2}, string.pack('>f>f', 1.5, -0.25)))
    local f64 = write(temp_path('.idx'), idx_bytes(0x0E, {1, 2}, string.pack('>d>d', 0.1, 1e300)))
    -- int32: -7, 100000; int16: -300; sbyte: 0xff = -1
    local i32 = write(temp_path('.idx'), idx_bytes(0x0C, {2}, string.pack('>i4>i4', -7, 100000)))
    local i16 = write(temp_path('.idx'), idx_bytes(0x0B, {1}, string.pack('>i2', -300)))
    local i8 = write(temp_path('.idx'), idx_bytes(0x09, {1}, string.char(0xff)))
    local a, b = data.read_idx(f32), data.read_idx(f64)
    assert.are.equal('float32', a.dtype)
    assert.are.same({1.5, -0.25}, a:totable())
    assert.are.equal('float64', b.dtype)
    assert.are.same({{0.1, 1e300}}, b:totable())
    assert.are.same({-7, 100000}, data.read_idx(i32):totable())
    assert.are.same({-300}, data.read_idx(i16):totable())
    assert.are.same({-1}, data.read_idx(i8):totable())
    local half = data.read_idx(i32, {dtype = 'float64', scale = 0.5})
    assert.are.equal('float64', half.dtype)
    assert.are.same({-3.5, 50000}, half:totable())
  end)

  it('reads gzipped files', function()
    if not have_gzip() then
      pending('gzip is not installed')
      return
    end
    local plain = write(temp_path('.idx'), idx_bytes(0x08, {3}, string.char(9, 8, 7)))
    assert(os.execute('gzip -c ' .. plain .. ' > ' .. plain .. '.gz'))
    made[#made + 1] = plain .. '.gz'
    assert.are.same({9, 8, 7}, data.read_idx(plain .. '.gz'):totable())
  end)

  it('fails with a message naming the file', function()
    local missing = temp_path('.missing')
    h.assert_error_with(function() data.read_idx(missing) end,
                        'read_idx: cannot open ' .. missing .. ': No such file or directory')
    local bad = write(temp_path('.idx'), 'hello world')
    h.assert_error_with(function() data.read_idx(bad) end,
                        'read_idx: ' .. bad .. ' is not an IDX file')
    local short = write(temp_path('.idx'), idx_bytes(0x08, {4}, string.char(1, 2)))
    h.assert_error_with(function() data.read_idx(short) end,
                        'read_idx: ' .. short .. ' is truncated: expected 4 bytes of data, got 2')
    local huge = write(temp_path('.idx'), idx_bytes(0x0E, {0xffffffff, 0xffffffff, 0xffffffff}, ''))
    h.assert_error_with(function() data.read_idx(huge) end, 'too large to read')
    h.assert_error_with(function() data.read_idx(ubyte, {dtype = 'complex'}) end, 'complex')
    h.assert_error_with(function() data.read_idx(ubyte, 'float32') end, 'table of options')
    h.assert_error_with(function() data.read_idx(ubyte, {scale = 'big'}) end, "'scale'")
  end)
end)

describe('randperm', function()
  it('gives each of 1..n once, in an order fixed by manual_seed', function()
    mg.manual_seed(7)
    local p = mg.randperm(50)
    assert.are.equal('int64', p.dtype)
    assert.are.same({50}, p.shape)
    local values = p:totable()
    table.sort(values)
    for i = 1, 50 do assert.are.equal(i, values[i]) end
    local q = mg.randperm(50)
    assert.are_not.same(p:totable(), q:totable())
    mg.manual_seed(7)
    assert.are.same(p:totable(), mg.randperm(50):totable())
  end)

  it('handles n = 0 and 1, other dtypes, and bad arguments', function()
    assert.are.same({0}, mg.randperm(0).shape)
    assert.are.same({1}, mg.randperm(1):totable())
    local f = mg.randperm(3, {dtype = 'float64'})
    assert.are.equal('float64', f.dtype)
    local v = f:totable()
    table.sort(v)
    assert.are.same({1, 2, 3}, v)
    h.assert_error_with(function() mg.randperm(-1) end, 'expected n >= 0, got -1')
    h.assert_error_with(function() mg.randperm(3, {dtype = 'bool'}) end, 'numeric dtype')
  end)
end)

-- ---- TensorDataset ---------------------------------------------------------------------

-- 10 samples: x row i = {2i-1, 2i} (float32), y[i] = 10 * i (int64)
local function toy()
  local x = mg.arange(1, 21, {dtype = 'float32'}):view(10, 2)
  local y = mg.arange(10, 101, 10)
  return data.TensorDataset(x, y), x, y
end

describe('TensorDataset', function()
  it('has the size of dimension 1 and gets rows of every tensor', function()
    local ds = toy()
    assert.are.equal(10, #ds)
    local x, y = ds:get(3)
    assert.are.same({5, 6}, x:totable())
    assert.are.equal(30, y:item())
    local a, b = ds:get(10)
    assert.are.same({19, 20}, a:totable())
    assert.are.equal(100, b:item())
    assert.are.equal(2, #ds.tensors)
    assert.are.same({10, 2}, ds.tensors[1].shape)
    assert.is_truthy(tostring(ds):find('10 samples', 1, true))
  end)

  it('rejects tensors of different lengths, non-tensors and bad indices', function()
    h.assert_error_with(function() data.TensorDataset(mg.zeros(4, 2), mg.zeros(5)) end,
                        'TensorDataset', '4', '5')
    h.assert_error_with(function() data.TensorDataset(mg.zeros(4), 'x') end,
                        'TensorDataset: argument 2 is not a tensor')
    h.assert_error_with(function() data.TensorDataset() end, 'TensorDataset: expected at least one tensor')
    local ds = toy()
    h.assert_error_with(function() ds:get(0) end, 'TensorDataset: index 0 is out of range (expected 1 to 10)')
    h.assert_error_with(function() ds:get(11) end, 'index 11 is out of range')
  end)
end)

-- ---- DataLoader ------------------------------------------------------------------------

-- The batches of one epoch, as tables.
local function epoch(loader)
  local out = {}
  for x, y in loader:batches() do out[#out + 1] = {x = x:totable(), y = y:totable()} end
  return out
end

describe('DataLoader', function()
  it('gives batches in order, the last one partial', function()
    local loader = data.DataLoader(toy(), {batch_size = 4})
    assert.are.equal(3, #loader)
    local b = epoch(loader)
    assert.are.equal(3, #b)
    assert.are.same({{1, 2}, {3, 4}, {5, 6}, {7, 8}}, b[1].x)
    assert.are.same({10, 20, 30, 40}, b[1].y)
    assert.are.same({{9, 10}, {11, 12}, {13, 14}, {15, 16}}, b[2].x)
    assert.are.same({{17, 18}, {19, 20}}, b[3].x)
    assert.are.same({90, 100}, b[3].y)
    -- a second epoch is the same
    assert.are.same(b, epoch(loader))
  end)

  it('drops the partial batch with drop_last, and defaults to batches of 1', function()
    local loader = data.DataLoader(toy(), {batch_size = 4, drop_last = true})
    assert.are.equal(2, #loader)
    local b = epoch(loader)
    assert.are.equal(2, #b)
    assert.are.same({50, 60, 70, 80}, b[2].y)
    local ones = data.DataLoader((toy()))
    assert.are.equal(10, #ones)
    local first = epoch(ones)[1]
    assert.are.same({{1, 2}}, first.x)
    assert.are.same({10}, first.y)
    local exact = data.DataLoader(toy(), {batch_size = 5, drop_last = true})
    assert.are.equal(2, #exact)
    local big = data.DataLoader(toy(), {batch_size = 64})
    assert.are.equal(1, #big)
    assert.are.equal(10, #epoch(big)[1].y)
    assert.are.equal(0, #data.DataLoader(toy(), {batch_size = 64, drop_last = true}))
  end)

  it('gives batches that are copies, not views of the dataset', function()
    local ds, x = toy()
    for bx in data.DataLoader(ds, {batch_size = 3}):batches() do bx:fill_(-1) end
    assert.are.same({1, 2}, x[1]:totable())
  end)

  it('shuffles: every row once per epoch, rows kept together', function()
    local n = 100
    local x = mg.arange(1, 2 * n + 1, {dtype = 'float32'}):view(n, 2)
    local y = mg.arange(1, n + 1)
    local loader = data.DataLoader(data.TensorDataset(x, y), {batch_size = 32, shuffle = true})
    assert.are.equal(4, #loader)
    local b = epoch(loader)
    assert.are.same({32, 32, 32, 4}, {#b[1].y, #b[2].y, #b[3].y, #b[4].y})
    local seen, order = {}, {}
    for _, batch in ipairs(b) do
      for k, i in ipairs(batch.y) do
        assert.is_nil(seen[i], 'row ' .. i .. ' came twice')
        seen[i] = true
        order[#order + 1] = i
        assert.are.same({2 * i - 1, 2 * i}, batch.x[k]) -- the row of sample i, by hand
      end
    end
    assert.are.equal(n, #order)
    local sorted = true
    for k = 2, n do sorted = sorted and order[k] > order[k - 1] end
    assert.is_false(sorted)
  end)

  it('reshuffles each epoch, reproducibly after manual_seed', function()
    local ds = data.TensorDataset(mg.arange(1, 101))
    local loader = data.DataLoader(ds, {batch_size = 100, shuffle = true})
    local function order()
      local it = loader:batches()
      return it():totable()
    end
    mg.manual_seed(123)
    local first, second = order(), order()
    assert.are_not.same(first, second)
    mg.manual_seed(123)
    assert.are.same(first, order())
    assert.are.same(second, order())
  end)

  it('reads a generic dataset sample by sample and stacks each position', function()
    -- sample i: a tensor {i, -i}, the integer i % 3, the float i / 2
    local ds = setmetatable({}, {
      __len = function() return 5 end,
      __index = {get = function(_, i) return mg.tensor{i, -i}, i % 3, i / 2 end}})
    local loader = data.DataLoader(ds, {batch_size = 2})
    assert.are.equal(3, #loader)
    local got = {}
    for a, b, c in loader:batches() do got[#got + 1] = {a, b, c} end
    assert.are.equal(3, #got)
    assert.are.same({{1, -1}, {2, -2}}, got[1][1]:totable())
    assert.are.equal('int64', got[1][2].dtype)
    assert.are.same({1, 2}, got[1][2]:totable())
    assert.are.same({0.5, 1.0}, got[1][3]:totable())
    assert.are.same({{5, -5}}, got[3][1]:totable())
    assert.are.same({2}, got[3][2]:totable())
  end)

  it('shuffles a generic dataset too, and takes a custom collate', function()
    local ds = setmetatable({}, {__len = function() return 6 end,
                                 __index = {get = function(_, i) return i, 'name' .. i end}})
    local seen = {}
    local collate = function(samples)
      local sum, names = 0, {}
      for _, s in ipairs(samples) do
        assert.are.equal(2, #s)
        sum = sum + s[1]
        names[#names + 1] = s[2]
      end
      return sum, names
    end
    mg.manual_seed(3)
    local loader = data.DataLoader(ds, {batch_size = 4, shuffle = true, collate = collate})
    local total, count = 0, 0
    for sum, names in loader:batches() do
      total, count = total + sum, count + 1
      for _, name in ipairs(names) do
        assert.is_nil(seen[name])
        seen[name] = true
      end
    end
    assert.are.equal(2, count)
    assert.are.equal(21, total) -- 1 + 2 + ... + 6
    -- a TensorDataset with a collate goes sample by sample too
    local tds = data.TensorDataset(mg.arange(1, 5))
    local sums = {}
    for s in data.DataLoader(tds, {batch_size = 2, collate = function(samples)
      return samples[1][1]:item() + samples[2][1]:item() end}):batches() do
      sums[#sums + 1] = s
    end
    assert.are.same({3, 7}, sums)
  end)

  it('rejects bad datasets and options, naming DataLoader', function()
    local ds = toy()
    h.assert_error_with(function() data.DataLoader(42) end, 'DataLoader: expected a dataset')
    h.assert_error_with(function() data.DataLoader({}) end, 'DataLoader: expected a dataset')
    h.assert_error_with(function() data.DataLoader(data.TensorDataset) end,
                        'DataLoader: expected a dataset, got the class TensorDataset (call it to make one)')
    h.assert_error_with(function() data.DataLoader(ds, {batch_size = 0}) end,
                        'DataLoader: batch_size must be a positive integer, got 0')
    h.assert_error_with(function() data.DataLoader(ds, {batch_size = 2.5}) end,
                        'DataLoader: batch_size must be a positive integer, got 2.5')
    h.assert_error_with(function() data.DataLoader(ds, {shuffle = 'yes'}) end,
                        'DataLoader: shuffle must be a boolean, got string')
    h.assert_error_with(function() data.DataLoader(ds, {drop_last = 1}) end,
                        'DataLoader: drop_last must be a boolean')
    h.assert_error_with(function() data.DataLoader(ds, {batchsize = 4}) end,
                        "DataLoader: unknown option 'batchsize'")
    h.assert_error_with(function() data.DataLoader(ds, {collate = 3}) end,
                        'DataLoader: collate must be a function')
    h.assert_error_with(function() data.DataLoader(ds, 4) end, 'DataLoader: expected a table of options')
    local odd = setmetatable({}, {__len = function() return 2 end,
                                  __index = {get = function() return {} end}})
    h.assert_error_with(function()
      for _ in data.DataLoader(odd):batches() do end
    end, 'DataLoader: cannot collate values of type table')
  end)
end)

-- ---- mnist -----------------------------------------------------------------------------

local function file_exists(path)
  local f = io.open(path, 'rb')
  if f then f:close() end
  return f ~= nil
end

describe('mnist', function()
  it('explains where the files were expected and how to get them', function()
    local dir = temp_path('.nothing-here')
    local err = h.assert_error_with(function() data.mnist('train', {dir = dir}) end,
      'mnist: no MNIST files in ' .. dir, 'train-images-idx3-ubyte.gz',
      'train-labels-idx1-ubyte.gz', 'scripts/fetch-mnist.sh ' .. dir, '{dir = ...}')
    assert.is_nil(err:find('t10k', 1, true))
    h.assert_error_with(function() data.mnist('test', {dir = dir}) end, 't10k-images-idx3-ubyte.gz')
    h.assert_error_with(function() data.mnist('valid') end, "mnist: expected split 'train' or 'test'")
  end)

  it('uses $MOONGRAD_DATA/mnist, else data/mnist, by default', function()
    local exe = os.getenv('MOONGRAD_EXE')
    if not exe then
      pending('MOONGRAD_EXE unset (set by scripts/run-tests.sh)')
      return
    end
    local code = "\"local ok, e = pcall(require('moongrad').data.mnist, 'test'); print(e)\""
    local p = io.popen('MOONGRAD_DATA=/nowhere/x ' .. exe .. ' -e ' .. code .. ' 2>&1')
    local out = p:read('a')
    p:close()
    assert.is_truthy(out:find('no MNIST files in /nowhere/x/mnist', 1, true), out)
    p = io.popen('env -u MOONGRAD_DATA ' .. exe .. ' -e ' .. code .. ' 2>&1')
    out = p:read('a')
    p:close()
    assert.is_truthy(out:find('no MNIST files in data/mnist ', 1, true), out)
  end)

  it('reads a small MNIST-format directory (plain files): scaled images, labels 1..10', function()
    local dir = temp_dir()
    -- 2 images of 28 x 28: the first 0 but for 255 at (1,1) and 51 at (28,28); the second 102
    local first = string.char(255) .. string.rep('\0', 28 * 28 - 2) .. string.char(51)
    local second = string.rep(string.char(102), 28 * 28)
    local images = write(dir .. '/train-images-idx3-ubyte', idx_bytes(0x08, {2, 28, 28}, first .. second))
    local labels = write(dir .. '/train-labels-idx1-ubyte', idx_bytes(0x08, {2}, string.char(0, 9)))
    made[#made + 1] = images -- removed before the directory, which comes earlier
    made[#made + 1] = labels
    local ds = data.mnist('train', {dir = dir .. '/'})
    assert.are.equal(2, #ds)
    local x, y = table.unpack(ds.tensors)
    assert.are.equal('float32', x.dtype)
    assert.are.same({2, 28, 28}, x.shape)
    assert.are.equal('int64', y.dtype)
    assert.are.same({1, 10}, y:totable()) -- digits 0 and 9
    assert.are.equal(1, x[1][1][1]:item())
    h.assert_close(x[1][28][28]:item(), 0.2)
    assert.are.equal(0, x[1][14][14]:item())
    h.assert_close(x[2]:min():item(), 0.4)
    h.assert_close(x[2]:max():item(), 0.4)
    -- the test split is not there
    h.assert_error_with(function() data.mnist('test', {dir = dir}) end, 't10k-images-idx3-ubyte.gz')
  end)
end)

describe('mnist on the real files', function()
  local root = os.getenv('MOONGRAD_TEST_DATA') or '../shared/data'
  local dir = root .. '/mnist'
  if not (file_exists(dir .. '/train-images-idx3-ubyte.gz') or file_exists(dir .. '/train-images-idx3-ubyte')) then
    it('needs the MNIST files', function()
      pending('no MNIST files in ' .. dir .. ' (set MOONGRAD_TEST_DATA, or run scripts/fetch-mnist.sh)')
    end)
    return
  end

  -- Published facts about MNIST: label counts per digit, the first labels, the first image's
  -- 6th and 7th rows (0-255), the mean pixel 0.1307 of the training images.
  local train_counts = {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}
  local test_counts = {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}
  local row6 = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 18, 18, 18, 126, 136, 175, 26, 166, 255,
                247, 127, 0, 0, 0, 0}
  local row7 = {0, 0, 0, 0, 0, 0, 0, 0, 30, 36, 94, 154, 170, 253, 253, 253, 253, 253, 225, 172,
                253, 242, 195, 64, 0, 0, 0, 0}

  local function counts(labels)
    local c = {}
    for k = 1, 10 do c[k] = labels:eq(k):sum():item() end
    return c
  end

  it('reads the training set', function()
    local ds = data.mnist('train', {dir = dir})
    local x, y = table.unpack(ds.tensors)
    assert.are.equal(60000, #ds)
    assert.are.same({60000, 28, 28}, x.shape)
    assert.are.equal('float32', x.dtype)
    assert.are.equal(0, x:min():item())
    assert.are.equal(1, x:max():item())
    assert.are.same({6, 1, 5, 2, 10, 3, 2, 4, 2, 5}, y:narrow(1, 1, 10):totable()) -- 5 0 4 1 9 ...
    assert.are.same(train_counts, counts(y))
    for r = 1, 5 do assert.are.equal(0, x[1][r]:abs():sum():item()) end
    local want6, want7 = {}, {}
    for k = 1, 28 do want6[k], want7[k] = row6[k] / 255, row7[k] / 255 end
    h.assert_close(x[1][6], want6)
    h.assert_close(x[1][7], want7)
    h.assert_close(x:double():mean():item(), 0.1307, 0, 1e-4)

    -- one shuffled epoch sees every sample once: the label sum is sum(count_k * k)
    local expected = 0
    for k = 1, 10 do expected = expected + train_counts[k] * k end
    local loader = data.DataLoader(ds, {batch_size = 128, shuffle = true})
    assert.are.equal(469, #loader)
    local total, batches, last = 0, 0, nil
    for bx, by in loader:batches() do
      total, batches, last = total + by:sum():item(), batches + 1, bx
    end
    assert.are.equal(expected, total)
    assert.are.equal(469, batches)
    assert.are.same({96, 28, 28}, last.shape)
    ds, x, y, loader, last = nil, nil, nil, nil, nil
    collectgarbage()
  end)

  it('reads the test set', function()
    local ds = data.mnist('test', {dir = dir})
    local x, y = table.unpack(ds.tensors)
    assert.are.equal(10000, #ds)
    assert.are.same({10000, 28, 28}, x.shape)
    assert.are.same({8, 3, 2, 1, 5, 2, 5, 10, 6, 10}, y:narrow(1, 1, 10):totable()) -- 7 2 1 0 4 ...
    assert.are.same(test_counts, counts(y))
    ds, x, y = nil, nil, nil
    collectgarbage()
  end)
end)
