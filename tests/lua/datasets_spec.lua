-- mg.data's datasets: map, Subset, random_split, FrameDataset, read_image, resize_image,
-- ImageFolder, SequenceDataset and CharDataset, and DataLoader over them. The images are the
-- fixtures in tests/data/images (pixel values in its README.md); damaged copies of them are
-- made in temporary folders. Expected values are worked out by hand in the comments.
local mg = require 'moongrad'
local h = require 'tests.lua.helpers'
local data = mg.data

local FIXTURES = 'tests/data/images'
local SPEC = 'datasets_spec.lua:' -- errors point at the caller's line in this file

local function ints(list) return mg.tensor(list, {dtype = 'int64'}) end

-- ---- temporary files -------------------------------------------------------------------

local made = {} -- paths to remove at the end, in reverse order of creation

local function temp_dir()
  local base = os.tmpname()
  made[#made + 1] = base
  local path = base .. '.d'
  assert(os.execute('mkdir -p ' .. path))
  made[#made + 1] = path
  return path
end

local function mkdir(path)
  assert(os.execute('mkdir -p ' .. path))
  made[#made + 1] = path
  return path
end

local function write(path, bytes)
  made[#made + 1] = path
  return h.write_file(path, bytes)
end

local read = h.read_file

teardown(function()
  for i = #made, 1, -1 do os.remove(made[i]) end
end)

-- All batches of one epoch, each as a list of its values.
local function epoch(loader)
  local out = {}
  for a, b in loader:batches() do out[#out + 1] = {a, b} end
  return out
end

-- A dataset with only #ds and get(i): sample i is (i * 10, -i); counts its get calls.
local function plain(n)
  local ds = {calls = 0}
  function ds.get(self, i)
    self.calls = self.calls + 1
    return i * 10, -i
  end
  return setmetatable(ds, {__len = function() return n end})
end

-- ---- map -------------------------------------------------------------------------------

describe('map', function()
  it('applies fn to each sample when it is read', function()
    local ds = data.TensorDataset(mg.tensor{{1, 2}, {3, 4}, {5, 6}}, ints{1, 2, 3})
    local calls = 0
    local m = data.map(ds, function(x, y)
      calls = calls + 1
      return x:sum(), y * 10, 'extra'
    end)
    assert.are.equal(3, #m)
    assert.are.equal(0, calls) -- nothing computed up front
    local s, y, e = m:get(2)
    assert.are.equal(7, s:item())
    assert.are.equal(20, y:item())
    assert.are.equal('extra', e)
    m:get(2)
    assert.are.equal(2, calls) -- computed again on each read
    -- ds:map is mg.data.map, and maps compose
    assert.are.equal(data.map, ds.map)
    local twice = m:map(function(s2, y2) return s2 + 1, y2 end)
    local s3, y3 = twice:get(3)
    assert.are.equal(12, s3:item())
    assert.are.equal(30, y3:item())
    assert.is_truthy(tostring(twice):find('MapDataset of 3 samples', 1, true))
  end)

  it('is a method of every built-in dataset, and DataLoader stacks its samples', function()
    for _, cls in ipairs{data.TensorDataset, data.Subset, data.ImageFolder, data.SequenceDataset,
                         data.CharDataset} do
      assert.are.equal(data.map, cls.map)
    end
    local m = data.map(plain(5), function(a, b) return mg.tensor{a, b}, b end)
    local b = epoch(data.DataLoader(m, {batch_size = 2}))
    assert.are.equal(3, #b)
    assert.are.same({{10, -1}, {20, -2}}, b[1][1]:totable())
    assert.are.same({-1, -2}, b[1][2]:totable())
    assert.are.same({{50, -5}}, b[3][1]:totable())
  end)

  it('rejects what is not a dataset or not a function', function()
    local err = h.assert_error_with(function() data.map(42, print) end,
                                    'map: expected a dataset (a table with a length and get(i)), got number')
    assert.is_truthy(err:find(SPEC, 1, true))
    h.assert_error_with(function() data.map(data.TensorDataset, print) end,
                        'map: expected a dataset, got the class TensorDataset')
    h.assert_error_with(function() data.map(plain(2), 'f') end,
                        'map: expected a function to apply to each sample, got string')
    h.assert_error_with(function() data.map(plain(2)) end, 'got nil')
  end)
end)

-- ---- Subset and random_split -----------------------------------------------------------

describe('Subset', function()
  local x = mg.arange(1, 21, {dtype = 'float32'}):view(10, 2) -- row i: 2i-1, 2i
  local y = mg.arange(1, 11) * 10

  it('reads the samples at its indices, in their order, repeats allowed', function()
    local ds = data.TensorDataset(x, y)
    local sub = data.Subset(ds, {3, 1, 3, 10})
    assert.are.equal(4, #sub)
    assert.are.equal(ds, sub.dataset)
    assert.are.same({3, 1, 3, 10}, sub.indices:totable())
    local a, b = sub:get(1)
    assert.are.same({5, 6}, a:totable())
    assert.are.equal(30, b:item())
    a, b = sub:get(4)
    assert.are.same({19, 20}, a:totable())
    assert.are.equal(100, b:item())
    -- from an int64 tensor, copied: changing it later changes nothing
    local idx = ints{2, 5}
    local sub2 = data.Subset(ds, idx)
    idx:fill_(1)
    assert.are.same({2, 5}, sub2.indices:totable())
    assert.are.equal(50, select(2, sub2:get(2)):item())
    assert.are.equal(0, #data.Subset(ds, {}))
    assert.are.equal('Subset of 2 samples of ' .. tostring(ds), tostring(sub2))
  end)

  it('is batched in C through get_batch, never row by row', function()
    local ds = data.TensorDataset(x, y)
    ds.get = function() error('a Subset of a TensorDataset must not be read row by row') end
    local sub = data.Subset(ds, {10, 2, 7, 4, 1})
    local b = epoch(data.DataLoader(sub, {batch_size = 2}))
    assert.are.equal(3, #b)
    assert.are.same({{19, 20}, {3, 4}}, b[1][1]:totable())
    assert.are.same({100, 20}, b[1][2]:totable())
    assert.are.same({70, 40}, b[2][2]:totable())
    assert.are.same({{1, 2}}, b[3][1]:totable())
    -- a subset of a subset composes its indices: positions 3 and 1 of {10, 2, 7, 4, 1} are
    -- rows 7 and 10
    local inner = data.Subset(sub, {3, 1})
    local ix, iy = inner:get_batch(ints{1, 2})
    assert.are.same({{13, 14}, {19, 20}}, ix:totable())
    assert.are.same({70, 100}, iy:totable())
    -- shuffled with drop_last: each batch full, every row at most once, rows kept together
    mg.manual_seed(5)
    local seen = 0
    for bx, by in data.DataLoader(sub, {batch_size = 2, shuffle = true, drop_last = true}):batches() do
      assert.are.equal(2, #by)
      for k = 1, 2 do
        local i = by[k]:item() // 10
        assert.are.same({2 * i - 1, 2 * i}, bx[k]:totable())
        seen = seen + 1
      end
    end
    assert.are.equal(4, seen)
  end)

  it('reads a subset of a plain dataset sample by sample', function()
    local ds = plain(6)
    local sub = data.Subset(ds, {6, 2, 4})
    local b = epoch(data.DataLoader(sub, {batch_size = 2}))
    assert.are.same({60, 20}, b[1][1]:totable())
    assert.are.same({-6, -2}, b[1][2]:totable())
    assert.are.same({40}, b[2][1]:totable())
    assert.are.equal(3, ds.calls)
    -- a custom collate also goes sample by sample, for a Subset of a TensorDataset too
    local tsub = data.Subset(data.TensorDataset(y), {1, 2, 3})
    local sums = {}
    for s in data.DataLoader(tsub, {batch_size = 2, collate = function(samples)
      local t = 0
      for _, smp in ipairs(samples) do t = t + smp[1]:item() end
      return t
    end}):batches() do sums[#sums + 1] = s end
    assert.are.same({30, 30}, sums)
  end)

  it('rejects bad indices and out-of-range reads', function()
    local ds = data.TensorDataset(y)
    local err = h.assert_error_with(function() data.Subset(ds, {1, 11}) end,
                                    'Subset: index 11 is out of range (the dataset has 10 samples)')
    assert.is_truthy(err:find(SPEC, 1, true))
    h.assert_error_with(function() data.Subset(ds, {0}) end, 'Subset: index 0 is out of range')
    h.assert_error_with(function() data.Subset(ds, ints{-1, 2}) end, 'Subset: index -1 is out of range')
    h.assert_error_with(function() data.Subset(ds, {1, 2.5}) end, 'Subset: index 2 is not an integer (got 2.5)')
    h.assert_error_with(function() data.Subset(ds, mg.tensor{1, 2}) end,
                        'Subset: indices must be a 1-D int64 tensor or a list of integers, got a float32 tensor')
    h.assert_error_with(function() data.Subset(ds, ints{{1, 2}}) end, 'of 2 dimensions')
    h.assert_error_with(function() data.Subset(ds, 3) end, 'Subset: expected indices as a list or an int64 tensor, got number')
    h.assert_error_with(function() data.Subset('ds', {1}) end, 'Subset: expected a dataset')
    local sub = data.Subset(ds, {1, 2})
    err = h.assert_error_with(function() sub:get(3) end, 'Subset: index 3 is out of range (expected 1 to 2)')
    assert.is_truthy(err:find(SPEC, 1, true))
    h.assert_error_with(function() sub:get(1.5) end, 'Subset: index 1.5 is out of range')
  end)
end)

describe('random_split', function()
  local ds = data.TensorDataset(mg.arange(1, 11))

  -- The indices of the parts, checked to be a permutation of 1..n between them.
  local function check_partition(parts, n)
    local seen, count = {}, 0
    for _, p in ipairs(parts) do
      for _, i in ipairs(p.indices:totable()) do
        assert.is_nil(seen[i], 'index ' .. i .. ' twice')
        seen[i] = true
        count = count + 1
      end
    end
    assert.are.equal(n, count)
  end

  it('splits by lengths or by fractions into disjoint Subsets', function()
    local a, b, c = data.random_split(ds, {5, 3, 2})
    assert.are.same({5, 3, 2}, {#a, #b, #c})
    check_partition({a, b, c}, 10)
    assert.are.equal(ds, a.dataset)
    assert.are.equal(getmetatable(data.Subset(ds, {1})), getmetatable(a))
    -- each sample of a part is the dataset's sample at the part's index
    for k, i in ipairs(b.indices:totable()) do assert.are.equal(i, b:get(k):item()) end
    -- fractions: floor(10 * f) = 3, 3, 3; the remaining 1 goes to the first part
    local p, q, r = data.random_split(ds, {0.33, 0.33, 0.34})
    assert.are.same({4, 3, 3}, {#p, #q, #r})
    check_partition({p, q, r}, 10)
    -- 0.8 / 0.2 of 10; and of 7: floor 5.6 = 5, floor 1.4 = 1, one left for the first: 6, 1
    local t, v = data.random_split(ds, {0.8, 0.2})
    assert.are.same({8, 2}, {#t, #v})
    local seven = data.TensorDataset(mg.arange(1, 8))
    t, v = data.random_split(seven, {0.8, 0.2})
    assert.are.same({6, 1}, {#t, #v})
    -- a part may be empty
    t, v = data.random_split(ds, {10, 0})
    assert.are.same({10, 0}, {#t, #v})
    -- and the parts are shuffled (10! orders: a sorted one is a bug)
    local sorted = true
    for k, i in ipairs(t.indices:totable()) do sorted = sorted and i == k end
    assert.is_false(sorted)
  end)

  it('follows the global generator, or the seed alone', function()
    mg.manual_seed(11)
    local a1 = data.random_split(ds, {6, 4})
    mg.manual_seed(11)
    local a2 = data.random_split(ds, {6, 4})
    assert.are.same(a1.indices:totable(), a2.indices:totable())
    -- with a seed: the same split whatever the global state
    mg.manual_seed(1)
    local s1 = data.random_split(ds, {6, 4}, {seed = 42})
    local after1 = mg.rand(3):totable()
    mg.manual_seed(2)
    local s2 = data.random_split(ds, {6, 4}, {seed = 42})
    assert.are.same(s1.indices:totable(), s2.indices:totable())
    local other = data.random_split(ds, {6, 4}, {seed = 43})
    assert.are_not.same(s1.indices:totable(), other.indices:totable())
    -- the global stream stays reproducible (it moved on by one draw), and is not reset to
    -- the seed
    mg.manual_seed(1)
    data.random_split(ds, {6, 4}, {seed = 42})
    assert.are.same(after1, mg.rand(3):totable())
    mg.manual_seed(42)
    assert.are_not.same(after1, mg.rand(3):totable())
  end)

  it('rejects lengths that do not fit the dataset', function()
    local err = h.assert_error_with(function() data.random_split(ds, {5, 4}) end,
                                    'random_split: the lengths add up to 9 but the dataset has 10 samples')
    assert.is_truthy(err:find(SPEC, 1, true))
    h.assert_error_with(function() data.random_split(ds, {0.5, 0.6}) end,
                        'random_split: the fractions add up to 1.1, expected 1')
    h.assert_error_with(function() data.random_split(ds, {11, -1}) end,
                        'random_split: length 2 must be a non-negative number, got -1')
    h.assert_error_with(function() data.random_split(ds, {0 / 0, 1}) end, 'length 1 must be a non-negative number')
    h.assert_error_with(function() data.random_split(ds, {'5', 5}) end, 'length 1 must be a non-negative number, got 5')
    h.assert_error_with(function() data.random_split(ds, {}) end,
                        'random_split: expected a list of lengths or fractions, got an empty table')
    h.assert_error_with(function() data.random_split(ds, 0.5) end,
                        'random_split: expected a list of lengths or fractions, got number')
    h.assert_error_with(function() data.random_split(ds, {5, 5}, {seed = 1.5}) end,
                        'random_split: seed must be an integer, got 1.5')
    h.assert_error_with(function() data.random_split(ds, {5, 5}, {sed = 1}) end,
                        "random_split: unknown option 'sed'")
    h.assert_error_with(function() data.random_split(nil, {1}) end, 'random_split: expected a dataset')
  end)
end)

-- ---- FrameDataset ----------------------------------------------------------------------

describe('FrameDataset', function()
  -- A stand-in for a Frame: to_tensor(cols) and col(name), each call recorded.
  local function fake_frame(target_dtype)
    local frame = {calls = {}}
    local columns = {a = {1, 2, 3, 4}, b = {10, 20, 30, 40}, c = {-1, -2, -3, -4}}
    function frame:to_tensor(cols)
      self.calls[#self.calls + 1] = 'to_tensor ' .. table.concat(cols, ',')
      local rows = {}
      for r = 1, 4 do
        rows[r] = {}
        for k, name in ipairs(cols) do
          if not columns[name] then error("to_tensor: no column '" .. name .. "'", 2) end
          rows[r][k] = columns[name][r]
        end
      end
      return mg.tensor(rows)
    end
    function frame:col(name)
      self.calls[#self.calls + 1] = 'col ' .. name
      if name == 'y' then return mg.tensor({0, 1, 1, 0}, {dtype = target_dtype or 'float64'}) end
      if name == 'short' then return mg.tensor{1, 2} end
      error("col: no column '" .. name .. "'", 2)
    end
    return frame
  end

  it('reads the features and the target once into a TensorDataset', function()
    local frame = fake_frame()
    local ds = data.FrameDataset(frame, {features = {'b', 'a'}, target = 'y'})
    assert.are.same({'to_tensor b,a', 'col y'}, frame.calls)
    assert.are.equal(getmetatable(data.TensorDataset(mg.ones(1))), getmetatable(ds))
    assert.are.equal(4, #ds)
    assert.are.same({'b', 'a'}, ds.features)
    assert.are.equal('y', ds.target)
    local x, y = ds:get(3)
    assert.are.same({30, 3}, x:totable())
    assert.are.equal('float32', ds.tensors[2].dtype) -- a float64 target takes the features' dtype
    assert.are.equal(1, y:item())
    -- batches come whole from get_batch, without reading the frame again
    local b = epoch(data.DataLoader(ds, {batch_size = 3}))
    assert.are.same({{10, 1}, {20, 2}, {30, 3}}, b[1][1]:totable())
    assert.are.same({0, 1, 1}, b[1][2]:totable())
    assert.are.equal(2, #frame.calls)
  end)

  it('keeps integer targets, converts on request, and works without a target', function()
    local ds = data.FrameDataset(fake_frame('int64'), {features = {'a'}, target = 'y'})
    assert.are.equal('int64', ds.tensors[2].dtype)
    ds = data.FrameDataset(fake_frame(), {features = {'a'}, target = 'y', target_dtype = 'int64'})
    assert.are.equal('int64', ds.tensors[2].dtype)
    assert.are.same({0, 1, 1, 0}, ds.tensors[2]:totable())
    ds = data.FrameDataset(fake_frame(), {features = {'a'}, target = 'y', target_dtype = 'float64'})
    assert.are.equal('float64', ds.tensors[2].dtype)
    local frame = fake_frame()
    ds = data.FrameDataset(frame, {features = {'c', 'a', 'b'}})
    assert.are.same({'to_tensor c,a,b'}, frame.calls)
    assert.are.equal(1, #ds.tensors)
    assert.are.same({-2, 2, 20}, ds:get(2):totable())
  end)

  it('reads a real Frame, every column but the target by default', function()
    local frame = data.Frame({b = {1.5, 2.5, 3.5}, a = {1, 2, 3}, label = {2, 1, 2}},
                             {columns = {'b', 'a', 'label'}})
    local ds = data.FrameDataset(frame, {target = 'label'})
    assert.are.same({'b', 'a'}, ds.features)
    assert.are.same({{1.5, 1}, {2.5, 2}, {3.5, 3}}, ds.tensors[1]:totable())
    assert.are.equal('int64', ds.tensors[2].dtype) -- class labels stay integers
    assert.are.same({2, 1, 2}, ds.tensors[2]:totable())
    ds = data.FrameDataset(frame)
    assert.are.same({'b', 'a', 'label'}, ds.features)
    h.assert_error_with(function() data.FrameDataset(frame, {target = 'nope'}) end, "no column 'nope'")
  end)

  it('names what is wrong with the frame or the options', function()
    local frame = fake_frame()
    local err = h.assert_error_with(function() data.FrameDataset(42, {features = {'a'}}) end,
                                    'FrameDataset: expected a Frame, got number')
    assert.is_truthy(err:find(SPEC, 1, true))
    h.assert_error_with(function() data.FrameDataset({}, {features = {'a'}}) end,
                        'FrameDataset: expected a Frame (with to_tensor(columns) and col(name))')
    h.assert_error_with(function() data.FrameDataset(frame) end,
                        'FrameDataset: option features must be a non-empty list of column names')
    h.assert_error_with(function() data.FrameDataset(frame, {features = {}}) end, 'non-empty list')
    h.assert_error_with(function() data.FrameDataset(frame, {features = 'a'}) end, 'non-empty list')
    h.assert_error_with(function() data.FrameDataset(frame, {features = {'a', 2}}) end,
                        'FrameDataset: feature 2 must be a column name, got number')
    h.assert_error_with(function() data.FrameDataset(frame, {features = {'a'}, target = 1}) end,
                        'FrameDataset: option target must be a column name, got number')
    h.assert_error_with(function() data.FrameDataset(frame, {features = {'a', 'y'}, target = 'y'}) end,
                        "FrameDataset: column 'y' is both a feature and the target")
    h.assert_error_with(function() data.FrameDataset(frame, {features = {'a'}, label = 'y'}) end,
                        "FrameDataset: unknown option 'label'")
    h.assert_error_with(function() data.FrameDataset(frame, {features = {'zz'}}) end,
                        "FrameDataset: ", "to_tensor: no column 'zz'")
    h.assert_error_with(function() data.FrameDataset(frame, {features = {'a'}, target = 'zz'}) end,
                        "FrameDataset: ", "col: no column 'zz'")
    h.assert_error_with(function() data.FrameDataset(frame, {features = {'a'}, target = 'short'}) end,
                        "FrameDataset: frame:col('short') gave shape {2}, expected a tensor of 4 values")
    h.assert_error_with(function() data.FrameDataset(frame, {features = {'a'}, target = 'y', target_dtype = 'int8'}) end,
                        'FrameDataset: target_dtype: ')
    local odd = {to_tensor = function() return mg.ones(4) end, col = function() return mg.ones(4) end}
    h.assert_error_with(function() data.FrameDataset(odd, {features = {'a'}}) end,
                        'FrameDataset: frame:to_tensor gave shape {4}, expected a {rows, 1} tensor')
  end)
end)

-- ---- read_image and resize_image -------------------------------------------------------

describe('read_image', function()
  it('decodes PNG, BMP and JPEG into float32 {C, H, W} with the stored values', function()
    local img = data.read_image(FIXTURES .. '/cat/1.png')
    assert.are.equal('float32', img.dtype)
    assert.are.same({3, 2, 2}, img.shape)
    assert.are.same({{{0, 40}, {80, 120}}, {{10, 50}, {90, 130}}, {{20, 60}, {100, 140}}}, img:totable())
    -- the BMP: red green blue / white black grey, as planes R, G, B
    assert.are.same({{{255, 0, 0}, {255, 0, 128}}, {{0, 255, 0}, {255, 0, 128}},
                     {{0, 0, 255}, {255, 0, 128}}}, data.read_image(FIXTURES .. '/cat/2.bmp'):totable())
    assert.are.same({{{0, 100}, {200, 255}}}, data.read_image(FIXTURES .. '/dog/1.png'):totable())
    assert.are.same({{{10, 40}}, {{20, 50}}, {{30, 60}}, {{255, 128}}},
                    data.read_image(FIXTURES .. '/dog/3.png'):totable())
    -- JPEG is lossy: every pixel of the 8x8 image within 3 levels of (200, 100, 50)
    local jpg = data.read_image(FIXTURES .. '/dog/2.jpg')
    assert.are.same({3, 8, 8}, jpg.shape)
    local want = mg.tensor{200, 100, 50}:view(3, 1, 1)
    assert.is_true((jpg - want):abs():max():item() <= 3)
  end)

  it('converts channels, rescales and resizes', function()
    -- grey = (77 R + 150 G + 29 B) >> 8: red 76, green 149, blue 28, white 255, black 0, 128
    assert.are.same({{{76, 149, 28}, {255, 0, 128}}},
                    data.read_image(FIXTURES .. '/cat/2.bmp', {channels = 1}):totable())
    -- grey to RGB repeats the plane; RGBA to RGB drops alpha; RGB to RGBA adds 255
    assert.are.same({{{0, 100}, {200, 255}}, {{0, 100}, {200, 255}}, {{0, 100}, {200, 255}}},
                    data.read_image(FIXTURES .. '/dog/1.png', {channels = 3}):totable())
    assert.are.same({{{10, 40}}, {{20, 50}}, {{30, 60}}},
                    data.read_image(FIXTURES .. '/dog/3.png', {channels = 3}):totable())
    assert.are.same({{255, 255}, {255, 255}},
                    data.read_image(FIXTURES .. '/cat/1.png', {channels = 4})[4]:totable())
    h.assert_close(data.read_image(FIXTURES .. '/dog/1.png', {rescale = 1 / 255}),
                   {{{0, 100 / 255}, {200 / 255, 1}}})
    -- 2x2 to 4x4, samples at -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1): red
    -- 0..40 along a row gives 0 10 30 40, and the rows mix 1:0, 3/4:1/4, 1/4:3/4, 0:1
    local big = data.read_image(FIXTURES .. '/cat/1.png', {size = {4, 4}})
    assert.are.same({3, 4, 4}, big.shape)
    h.assert_close(big[1], {{0, 10, 30, 40}, {20, 30, 50, 60}, {60, 70, 90, 100}, {80, 90, 110, 120}})
    h.assert_close(big[3], {{20, 30, 50, 60}, {40, 50, 70, 80}, {80, 90, 110, 120}, {100, 110, 130, 140}})
    -- the grey BMP 2x3 to 1x1: one sample at (y, x) = (0.5 * 2 - 0.5, 0.5 * 3 - 0.5) = (0.5, 1),
    -- the middle column's 149 and 0 mixed half and half
    h.assert_close(data.read_image(FIXTURES .. '/cat/2.bmp', {channels = 1, size = {1, 1}}), {{{74.5}}})
  end)

  it('names the file for every kind of bad file', function()
    local dir = temp_dir()
    local err = h.assert_error_with(function() data.read_image(dir .. '/missing.png') end,
                                    'read_image: cannot open ' .. dir .. '/missing.png: No such file or directory')
    assert.is_truthy(err:find(SPEC, 1, true)) -- at the caller's line, not inside moongrad
    h.assert_error_with(function() data.read_image(dir) end, 'read_image: cannot read ' .. dir .. ': Is a directory')
    local empty = write(dir .. '/empty.png', '')
    h.assert_error_with(function() data.read_image(empty) end, 'read_image: ' .. empty .. ' is empty')
    local text = write(dir .. '/text.png', 'just some text\n')
    h.assert_error_with(function() data.read_image(text) end,
                        'read_image: ' .. text .. ' is not a PNG, JPEG or BMP image (unrecognised signature)')
    local gif = write(dir .. '/a.gif', 'GIF89a\1\0\1\0\128\0\0\255\255\255\0\0\0,\0\0\0\0\1\0\1\0\0\2\2D\1\0;')
    h.assert_error_with(function() data.read_image(gif) end, gif .. ' is not a PNG, JPEG or BMP image')
    -- truncated copies of each fixture
    local png = read(FIXTURES .. '/cat/1.png')
    local cut = write(dir .. '/cut.png', png:sub(1, 50))
    h.assert_error_with(function() data.read_image(cut) end,
                        'read_image: cannot decode ' .. cut .. ': corrupt or truncated PNG data')
    local bmp = read(FIXTURES .. '/cat/2.bmp')
    cut = write(dir .. '/cut.bmp', bmp:sub(1, 70))
    h.assert_error_with(function() data.read_image(cut) end,
                        'read_image: ' .. cut .. ' is truncated: its BMP header declares 78 bytes, the file has 70')
    local jpg = read(FIXTURES .. '/dog/2.jpg')
    cut = write(dir .. '/cut.jpg', jpg:sub(1, #jpg - 5)) -- inside the scan's data
    h.assert_error_with(function() data.read_image(cut) end,
                        'read_image: ' .. cut .. ' is truncated: its JPEG data ends without an end-of-image marker')
    cut = write(dir .. '/header.jpg', jpg:sub(1, 40))
    h.assert_error_with(function() data.read_image(cut) end, 'read_image: cannot decode ' .. cut)
    -- every prefix of the PNG fails, short of the last chunk's 4-byte checksum
    for n = 1, #png - 5 do
      local path = write(dir .. '/prefix' .. n .. '.png', png:sub(1, n))
      local ok, msg = pcall(data.read_image, path)
      assert.is_false(ok, 'the PNG cut to ' .. n .. ' bytes decoded')
      assert.is_truthy(tostring(msg):find(path, 1, true))
    end
    -- damaged bytes (not truncated): an image or an error, never a crash
    for i = 1, #png do
      local path = write(dir .. '/damaged' .. i .. '.png', png:sub(1, i - 1) .. '\255' .. png:sub(i + 1))
      local ok, res = pcall(data.read_image, path)
      assert.is_true(ok and mg.is_tensor(res) or tostring(res):find('read_image: ', 1, true) ~= nil)
    end
  end)

  it('checks its arguments', function()
    local png = FIXTURES .. '/cat/1.png'
    local err = h.assert_error_with(function() data.read_image(42) end, 'read_image: expected a path, got number')
    assert.is_truthy(err:find(SPEC, 1, true))
    h.assert_error_with(function() data.read_image(png, {channels = 5}) end,
                        'read_image: channels must be 1, 2, 3 or 4, got 5')
    h.assert_error_with(function() data.read_image(png, {channels = 0}) end, 'channels must be 1, 2, 3 or 4, got 0')
    h.assert_error_with(function() data.read_image(png, {channels = '3'}) end, 'channels must be 1, 2, 3 or 4')
    h.assert_error_with(function() data.read_image(png, {size = {0, 2}}) end,
                        'read_image: size must be {height, width} (two positive integers), got {0,2}')
    h.assert_error_with(function() data.read_image(png, {size = {4}}) end, 'got {4}')
    h.assert_error_with(function() data.read_image(png, {size = 4}) end, 'size must be {height, width} (two positive integers), got 4')
    h.assert_error_with(function() data.read_image(png, {size = {2.5, 2}}) end, 'two positive integers')
    h.assert_error_with(function() data.read_image(png, {rescale = 'x'}) end, 'read_image: rescale must be a number, got x')
    h.assert_error_with(function() data.read_image(png, {scale = 2}) end, "read_image: unknown option 'scale'")
    h.assert_error_with(function() data.read_image(png, 3) end, 'read_image: expected a table of options, got number')
  end)
end)

describe('resize_image', function()
  it('interpolates bilinearly with half-pixel centres', function()
    local img = mg.tensor{{0, 40}, {80, 120}}
    h.assert_close(data.resize_image(img, {4, 4}),
                   {{0, 10, 30, 40}, {20, 30, 50, 60}, {60, 70, 90, 100}, {80, 90, 110, 120}})
    h.assert_close(data.resize_image(img, {1, 1}), {{60}})   -- one sample at (0.5, 0.5)
    h.assert_close(data.resize_image(img, {2, 2}), {{0, 40}, {80, 120}})
    -- 1x3 {0, 10, 20} to 1x2: ratio 1.5, samples at 0.25 and 1.75
    h.assert_close(data.resize_image(mg.tensor{{0, 10, 20}}, {1, 2}), {{2.5, 17.5}})
    -- leading dims are separate images; float64 stays float64
    local batch = mg.tensor({{{{0, 40}, {80, 120}}}, {{{1, 1}, {1, 1}}}}, {dtype = 'float64'})
    local r = data.resize_image(batch, {1, 1})
    assert.are.equal('float64', r.dtype)
    assert.are.same({2, 1, 1, 1}, r.shape)
    h.assert_close(r, {{{{60}}}, {{{1}}}})
    -- a strided view: the transpose {0, 80; 40, 120} to 1x4 (rows averaged: 20, 100)
    h.assert_close(data.resize_image(img:t(), {1, 4}), {{20, 40, 80, 100}})
  end)

  it('rejects what it cannot resize', function()
    local err = h.assert_error_with(function() data.resize_image('img', {2, 2}) end,
                                    'resize_image: expected a tensor, got string')
    assert.is_truthy(err:find(SPEC, 1, true))
    h.assert_error_with(function() data.resize_image(mg.ones(2, 2), {2}) end,
                        'resize_image: size must be {height, width} (two positive integers)')
    h.assert_error_with(function() data.resize_image(ints{{1, 2}}, {2, 2}) end,
                        'resize_image: expected a float32 or float64 tensor, got int64')
    h.assert_error_with(function() data.resize_image(mg.ones(3), {2, 2}) end,
                        'resize_image: expected a tensor of at least 2 dimensions ({..., H, W}), got shape {3}')
    h.assert_error_with(function() data.resize_image(mg.ones(0, 2), {2, 2}) end,
                        'resize_image: cannot resize an empty image (shape {0,2})')
    local w = mg.ones({2, 2}, {requires_grad = true})
    h.assert_error_with(function() data.resize_image(w, {3, 3}) end,
                        'resize_image: not differentiable, but the tensor requires grad (detach it first)')
    h.assert_close(data.resize_image(w:detach(), {1, 1}), {{1}})
    mg.no_grad(function() h.assert_close(data.resize_image(w, {1, 1}), {{1}}) end)
  end)
end)

-- ---- ImageFolder -----------------------------------------------------------------------

describe('ImageFolder', function()
  it('finds the classes, their images and labels', function()
    local ds = data.ImageFolder(FIXTURES)
    assert.are.same({'cat', 'dog'}, ds.classes)
    assert.are.same({cat = 1, dog = 2}, ds.class_to_idx)
    assert.are.equal(5, #ds) -- notes.txt and README.md are not images
    assert.are.same({FIXTURES .. '/cat/1.png', FIXTURES .. '/cat/2.bmp', FIXTURES .. '/dog/1.png',
                     FIXTURES .. '/dog/2.jpg', FIXTURES .. '/dog/3.png'}, ds.paths)
    assert.are.same({1, 1, 2, 2, 2}, ds.labels:totable())
    -- the counts per class, from the labels
    local counts = mg.zeros(2, {dtype = 'int64'}):scatter_add_(1, ds.labels, mg.ones(5, {dtype = 'int64'}))
    assert.are.same({2, 3}, counts:totable())
    assert.are.equal('ImageFolder of 5 images in 2 classes (cat, dog) from ' .. FIXTURES, tostring(ds))
    -- without a size, every image keeps its own, as 3 channels by default
    local img, label = ds:get(2)
    assert.are.same({3, 2, 3}, img.shape)
    assert.are.equal(1, label)
    assert.are.equal('integer', math.type(label))
    img, label = ds:get(3) -- the grey PNG, repeated into 3 channels
    assert.are.same({{{0, 100}, {200, 255}}, {{0, 100}, {200, 255}}, {{0, 100}, {200, 255}}}, img:totable())
    assert.are.equal(2, label)
    -- a trailing slash on root changes nothing
    assert.are.same(ds.paths, data.ImageFolder(FIXTURES .. '/').paths)
  end)

  it('resizes, rescales and batches through a DataLoader', function()
    local ds = data.ImageFolder(FIXTURES, {size = {4, 4}, rescale = 1 / 255})
    local img, label = ds:get(1)
    assert.are.same({3, 4, 4}, img.shape)
    h.assert_close(img[1] * 255, {{0, 10, 30, 40}, {20, 30, 50, 60}, {60, 70, 90, 100}, {80, 90, 110, 120}}, 1e-5)
    assert.are.equal(1, label)
    local b = epoch(data.DataLoader(ds, {batch_size = 2}))
    assert.are.equal(3, #b)
    assert.are.same({2, 3, 4, 4}, b[1][1].shape)
    assert.are.equal('int64', b[1][2].dtype)
    assert.are.same({1, 1}, b[1][2]:totable())
    assert.are.same({2, 2}, b[2][2]:totable())
    assert.are.same({1, 3, 4, 4}, b[3][1].shape)
    -- the JPEG (sample 4) scaled: about (200, 100, 50) / 255 everywhere
    local want = mg.tensor{200, 100, 50}:view(3, 1, 1) / 255
    assert.is_true((b[2][1][2] - want):abs():max():item() <= 3 / 255)
    -- one channel
    local grey = data.ImageFolder(FIXTURES, {channels = 1})
    assert.are.same({{{76, 149, 28}, {255, 0, 128}}}, grey:get(2):totable())
    -- shuffled: each image once per epoch, every label in its place
    mg.manual_seed(3)
    local seen = {}
    for x, y in data.DataLoader(ds, {batch_size = 2, shuffle = true}):batches() do
      for k = 1, #y do
        seen[#seen + 1] = y[k]:item()
        assert.are.same({3, 4, 4}, x[k].shape)
      end
    end
    table.sort(seen)
    assert.are.same({1, 1, 2, 2, 2}, seen)
  end)

  it('flips and crops at random, from the global generator', function()
    -- the red plane of cat/1.png: 0 40 / 80 120; mirrored: 40 0 / 120 80
    local ds = data.ImageFolder(FIXTURES, {flip = true})
    mg.manual_seed(7)
    local function key_of(red) return ('%g,%g/%g,%g'):format(red[1][1], red[1][2], red[2][1], red[2][2]) end
    local kinds, first = {}, {}
    for k = 1, 40 do
      local key = key_of(ds:get(1)[1]:totable())
      assert.is_true(key == '0,40/80,120' or key == '40,0/120,80', key)
      kinds[key] = (kinds[key] or 0) + 1
      first[k] = key
    end
    assert.is_truthy(kinds['0,40/80,120'] and kinds['40,0/120,80'])
    mg.manual_seed(7) -- reproducible
    for k = 1, 40 do assert.are.equal(first[k], key_of(ds:get(1)[1]:totable())) end
    -- a 1x1 crop of the 2x2 image is one of its four pixels, each of them in time
    local crop = data.ImageFolder(FIXTURES, {crop = {1, 1}})
    local pixels = {}
    for _ = 1, 60 do
      local img = crop:get(1)
      assert.are.same({3, 1, 1}, img.shape)
      local r, g, b = img[1][1][1]:item(), img[2][1][1]:item(), img[3][1][1]:item()
      assert.are.same({r + 10, r + 20}, {g, b}) -- the channels of one pixel
      pixels[r] = true
    end
    assert.are.same({[0] = true, [40] = true, [80] = true, [120] = true}, pixels)
    -- a 2x3 crop of the 2x3 BMP is the whole image; a crop after resizing fits the size
    local whole = data.ImageFolder(FIXTURES, {crop = {2, 3}, extensions = {'bmp'}})
    assert.are.same(data.read_image(FIXTURES .. '/cat/2.bmp'):totable(), whole:get(1):totable())
    local both = data.ImageFolder(FIXTURES, {size = {6, 6}, crop = {4, 5}, flip = true})
    for i = 1, #both do assert.are.same({3, 4, 5}, both:get(i).shape) end
  end)

  it('takes only the extensions asked for, searches subfolders, skips hidden names', function()
    local only = data.ImageFolder(FIXTURES, {extensions = {'.BMP'}})
    assert.are.same({'cat', 'dog'}, only.classes) -- dog has no BMP but stays a class
    assert.are.same({FIXTURES .. '/cat/2.bmp'}, only.paths)
    local root = temp_dir()
    local png = read(FIXTURES .. '/cat/1.png')
    mkdir(root .. '/b')
    mkdir(root .. '/a')
    mkdir(root .. '/a/nested')
    mkdir(root .. '/.hidden')
    mkdir(root .. '/c') -- a class without images
    write(root .. '/a/x.PNG', png)
    write(root .. '/a/nested/y.png', png)
    write(root .. '/a/.z.png', png)
    write(root .. '/b/w.png', png)
    write(root .. '/.hidden/v.png', png)
    write(root .. '/top.png', png) -- not in a class folder
    local ds = data.ImageFolder(root)
    assert.are.same({'a', 'b', 'c'}, ds.classes)
    assert.are.same({root .. '/a/nested/y.png', root .. '/a/x.PNG', root .. '/b/w.png'}, ds.paths)
    assert.are.same({1, 1, 2}, ds.labels:totable())
  end)

  it('explains what is wrong with the folder or the options', function()
    local dir = temp_dir()
    local err = h.assert_error_with(function() data.ImageFolder(dir .. '/none') end,
                                    'ImageFolder: cannot read directory ' .. dir .. '/none: No such file or directory')
    assert.is_truthy(err:find(SPEC, 1, true))
    h.assert_error_with(function() data.ImageFolder(FIXTURES .. '/README.md') end,
                        'ImageFolder: cannot read directory ' .. FIXTURES .. '/README.md: Not a directory')
    h.assert_error_with(function() data.ImageFolder(dir) end,
                        'ImageFolder: no class folders in ' .. dir .. ' (expected one subfolder of images per class)')
    mkdir(dir .. '/k')
    write(dir .. '/k/readme.txt', 'text')
    h.assert_error_with(function() data.ImageFolder(dir) end,
                        'ImageFolder: no images (.png, .jpg, .jpeg, .bmp) in the class folders of ' .. dir)
    h.assert_error_with(function() data.ImageFolder(nil) end, 'ImageFolder: expected the path of a folder, got nil')
    h.assert_error_with(function() data.ImageFolder(FIXTURES, {size = {0, 4}}) end,
                        'ImageFolder: size must be {height, width} (two positive integers), got {0,4}')
    h.assert_error_with(function() data.ImageFolder(FIXTURES, {size = {4, 4}, crop = {5, 4}}) end,
                        'ImageFolder: crop {5,4} is larger than size {4,4}')
    h.assert_error_with(function() data.ImageFolder(FIXTURES, {crop = {1}}) end, 'ImageFolder: crop must be {height, width}')
    h.assert_error_with(function() data.ImageFolder(FIXTURES, {flip = 1}) end, 'ImageFolder: flip must be a boolean, got number')
    h.assert_error_with(function() data.ImageFolder(FIXTURES, {channels = 0}) end,
                        'ImageFolder: channels must be 1, 2, 3 or 4, got 0')
    h.assert_error_with(function() data.ImageFolder(FIXTURES, {rescale = true}) end, 'ImageFolder: rescale must be a number')
    h.assert_error_with(function() data.ImageFolder(FIXTURES, {extensions = {}}) end, 'ImageFolder: extensions must be a non-empty list')
    h.assert_error_with(function() data.ImageFolder(FIXTURES, {extensions = {'png', 3}}) end,
                        'ImageFolder: extension 2 must be a non-empty string, got 3')
    h.assert_error_with(function() data.ImageFolder(FIXTURES, {target_size = {2, 2}}) end,
                        "ImageFolder: unknown option 'target_size'")
    -- a crop larger than an image of its own size is found when the image is read
    local ds = data.ImageFolder(FIXTURES, {crop = {3, 3}})
    h.assert_error_with(function() ds:get(1) end,
                        'ImageFolder: crop {3,3} is larger than the image ' .. FIXTURES .. '/cat/1.png ({2,2})')
    h.assert_error_with(function() ds:get(6) end, 'ImageFolder: index 6 is out of range (expected 1 to 5)')
  end)

  it('fails on a damaged image when it is read, naming the file', function()
    local root = temp_dir()
    mkdir(root .. '/ok')
    mkdir(root .. '/bad')
    write(root .. '/ok/good.png', read(FIXTURES .. '/cat/1.png'))
    local bmp = read(FIXTURES .. '/cat/2.bmp')
    write(root .. '/bad/cut.bmp', bmp:sub(1, 60))
    write(root .. '/bad/fake.jpg', 'not a jpeg at all')
    local ds = data.ImageFolder(root, {size = {2, 2}})
    assert.are.equal(3, #ds)
    assert.are.same({3, 2, 2}, ds:get(3).shape) -- ok/good.png
    local err = h.assert_error_with(function() ds:get(1) end, 'read_image: ' .. root .. '/bad/cut.bmp is truncated')
    assert.is_truthy(err:find(SPEC, 1, true))
    h.assert_error_with(function() ds:get(2) end,
                        'read_image: ' .. root .. '/bad/fake.jpg is not a PNG, JPEG or BMP image')
    h.assert_error_with(function()
      for _ in data.DataLoader(ds, {batch_size = 3}):batches() do end
    end, root .. '/bad/cut.bmp')
  end)
end)

-- ---- sequences and text ----------------------------------------------------------------

describe('SequenceDataset', function()
  it('gives windows and their next tokens, as views', function()
    local tokens = ints{5, 6, 7, 8, 9, 10}
    local ds = data.SequenceDataset(tokens, {block_size = 3})
    assert.are.equal(3, #ds)
    local x, y = ds:get(1)
    assert.are.same({5, 6, 7}, x:totable())
    assert.are.same({6, 7, 8}, y:totable())
    x, y = ds:get(3)
    assert.are.same({7, 8, 9}, x:totable())
    assert.are.same({8, 9, 10}, y:totable())
    assert.is_true(mg.is_tensor(x) and x.dtype == 'int64')
    tokens:narrow(1, 4, 1):fill_(80) -- views of the tokens (contiguous input is kept as it is)
    assert.are.same({7, 80, 9}, x:totable())
    assert.are.equal('SequenceDataset of 3 windows of 3 tokens', tostring(ds))
  end)

  it('gathers whole batches', function()
    local ds = data.SequenceDataset(mg.arange(1, 11), {block_size = 4}) -- tokens 1..10
    local x, y = ds:get_batch(ints{6, 1, 3})
    assert.are.same({{6, 7, 8, 9}, {1, 2, 3, 4}, {3, 4, 5, 6}}, x:totable())
    assert.are.same({{7, 8, 9, 10}, {2, 3, 4, 5}, {4, 5, 6, 7}}, y:totable())
    ds.get = function() error('batches must not be read window by window') end
    local b = epoch(data.DataLoader(ds, {batch_size = 4}))
    assert.are.equal(2, #b)
    assert.are.same({{1, 2, 3, 4}, {2, 3, 4, 5}, {3, 4, 5, 6}, {4, 5, 6, 7}}, b[1][1]:totable())
    assert.are.same({{6, 7, 8, 9}, {7, 8, 9, 10}}, b[2][2]:totable())
    -- shuffled: each window once; the target is the input moved on by one
    mg.manual_seed(9)
    local starts = {}
    for bx, by in data.DataLoader(ds, {batch_size = 4, shuffle = true}):batches() do
      for k = 1, bx:size(1) do
        local row = bx[k]:totable()
        starts[#starts + 1] = row[1]
        assert.are.same({row[1], row[1] + 1, row[1] + 2, row[1] + 3}, row)
        assert.are.same({row[1] + 1, row[1] + 2, row[1] + 3, row[1] + 4}, by[k]:totable())
      end
    end
    table.sort(starts)
    assert.are.same({1, 2, 3, 4, 5, 6}, starts)
  end)

  it('rejects bad tokens and block sizes', function()
    local err = h.assert_error_with(function() data.SequenceDataset(mg.ones(5), {block_size = 2}) end,
                                    'SequenceDataset: expected a 1-D int64 tensor of tokens, got a float32 tensor of 1 dimensions')
    assert.is_truthy(err:find(SPEC, 1, true))
    h.assert_error_with(function() data.SequenceDataset(ints{{1, 2}}, {block_size = 1}) end, 'of 2 dimensions')
    h.assert_error_with(function() data.SequenceDataset('abc', {block_size = 1}) end, 'got string')
    h.assert_error_with(function() data.SequenceDataset(ints{1, 2, 3}) end,
                        'SequenceDataset: option block_size must be a positive integer, got nil')
    h.assert_error_with(function() data.SequenceDataset(ints{1, 2, 3}, {block_size = 0}) end, 'got 0')
    h.assert_error_with(function() data.SequenceDataset(ints{1, 2, 3}, {block_size = 1.5}) end, 'got 1.5')
    h.assert_error_with(function() data.SequenceDataset(ints{1, 2, 3}, {block_size = 3}) end,
                        'SequenceDataset: 3 tokens are too few for one window of block_size 3 (at least 4 needed)')
    local ds = data.SequenceDataset(ints{1, 2, 3}, {block_size = 2})
    assert.are.equal(1, #ds)
    err = h.assert_error_with(function() ds:get(2) end, 'SequenceDataset: index 2 is out of range (expected 1 to 1)')
    assert.is_truthy(err:find(SPEC, 1, true))
  end)
end)

describe('CharDataset', function()
  it('builds a sorted vocabulary and 1-based tokens', function()
    -- vocabulary of 'hello world' sorted: ' ' d e h l o r w -> tokens 1..8
    local ds = data.CharDataset('hello world', {block_size = 4})
    assert.are.same({' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w'}, ds.vocab)
    assert.are.equal(8, ds.vocab_size)
    assert.are.equal(5, ds.stoi.l)
    -- h e l l o ' ' w o r l d
    assert.are.same({4, 3, 5, 5, 6, 1, 8, 6, 7, 5, 2}, ds.tokens:totable())
    assert.are.equal('int64', ds.tokens.dtype)
    assert.are.equal(7, #ds)
    local x, y = ds:get(1)
    assert.are.same({4, 3, 5, 5}, x:totable())
    assert.are.same({3, 5, 5, 6}, y:totable())
    x, y = ds:get(7)
    assert.are.equal('worl', ds:decode(x))
    assert.are.equal('orld', ds:decode(y))
    assert.are.equal('CharDataset of 7 windows of 4 characters (vocabulary of 8)', tostring(ds))
    -- encode and decode
    assert.are.same({8, 6, 7, 2}, ds:encode('word'):totable())
    assert.are.equal('hello world', ds:decode(ds.tokens))
    assert.are.equal('old', ds:decode{6, 5, 2})
    assert.are.equal('he', ds:decode(ints{{4}, {3}}))
    assert.are.equal(0, ds:encode(''):numel())
    assert.are.equal('', ds:decode{})
  end)

  it('reads UTF-8 characters, or bytes when asked', function()
    -- code points: a 97, b 98, ñ 241, € 8364
    local text = 'añb€ab'
    local ds = data.CharDataset(text, {block_size = 2})
    assert.are.same({'a', 'b', 'ñ', '€'}, ds.vocab)
    assert.are.same({1, 3, 2, 4, 1, 2}, ds.tokens:totable())
    assert.are.equal(4, #ds)
    assert.are.equal(text, ds:decode(ds.tokens))
    assert.are.same({4, 3}, ds:encode('€ñ'):totable())
    -- the same text as bytes: a b 0x82 0x82 0xAC 0xB1 0xC3 0xE2 (ñ = C3 B1, € = E2 82 AC)
    local bytes = data.CharDataset(text, {block_size = 2, encoding = 'bytes'})
    assert.are.equal(7, bytes.vocab_size)
    assert.are.same({'a', 'b', '\x82', '\xAC', '\xB1', '\xC3', '\xE2'}, bytes.vocab)
    assert.are.same({1, 6, 5, 2, 7, 3, 4, 1, 2}, bytes.tokens:totable())
    assert.are.equal(text, bytes:decode(bytes.tokens))
    -- invalid UTF-8: an error naming the byte, unless read as bytes
    h.assert_error_with(function() data.CharDataset('ab\xffcd', {block_size = 2}) end,
                        "CharDataset: the text is not valid UTF-8 (byte 3); pass {encoding = 'bytes'}")
    local raw = data.CharDataset('ab\xffcd', {block_size = 2, encoding = 'bytes'})
    assert.are.equal('ab\xffcd', raw:decode(raw.tokens))
  end)

  it('encodes a long text chunk by chunk, across character boundaries', function()
    -- 3 + 2 + 1 + 4 bytes per repeat: the chunks of 16384 bytes end inside characters
    local text = string.rep('€ñx😀', 5000)
    local ds = data.CharDataset(text, {block_size = 8})
    assert.are.same({'x', 'ñ', '€', '😀'}, ds.vocab)
    assert.are.equal(20000, ds.tokens:numel())
    assert.are.same({3, 2, 1, 4, 3, 2}, ds.tokens:narrow(1, 1, 6):totable())
    assert.are.same({3, 2, 1, 4}, ds.tokens:narrow(1, 19997, 4):totable())
    assert.are.equal(text, ds:decode(ds.tokens))
    local counts = mg.zeros(4, {dtype = 'int64'}):scatter_add_(1, ds.tokens, mg.ones(20000, {dtype = 'int64'}))
    assert.are.same({5000, 5000, 5000, 5000}, counts:totable())
    -- batches from a DataLoader: the targets are the inputs moved on by one
    local b = epoch(data.DataLoader(ds, {batch_size = 3}))
    assert.are.same({3, 8}, b[1][1].shape)
    assert.are.same(b[1][1]:narrow(2, 2, 7):totable(), b[1][2]:narrow(2, 1, 7):totable())
    assert.are.equal(#ds, 19992)
  end)

  it('names the character or token it cannot convert', function()
    local ds = data.CharDataset('hello', {block_size = 2})
    local err = h.assert_error_with(function() ds:encode('help') end,
                                    'CharDataset:encode: character "p" (code 112, character 4 of the string) is not in the vocabulary')
    assert.is_truthy(err:find(SPEC, 1, true))
    h.assert_error_with(function() ds:encode('h\n') end, 'code 10, character 2')
    h.assert_error_with(function() ds:encode('hé') end, '(code 233, character 2 of the string)')
    h.assert_error_with(function() ds:encode('\xff') end, 'CharDataset:encode: the string is not valid UTF-8 (byte 1)')
    h.assert_error_with(function() ds:encode(5) end, 'CharDataset:encode: expected a string, got number')
    h.assert_error_with(function() ds:decode{1, 5} end,
                        'CharDataset:decode: token 5 (position 2) is not in the vocabulary (1 to 4)')
    h.assert_error_with(function() ds:decode{0} end, 'token 0 (position 1)')
    h.assert_error_with(function() ds:decode{1.5} end, 'token 1.5 (position 1)')
    h.assert_error_with(function() ds:decode(mg.tensor{1}) end, 'CharDataset:decode: expected int64 tokens, got a float32 tensor')
    h.assert_error_with(function() ds:decode('he') end, 'CharDataset:decode: expected a tensor or a list of tokens, got string')
  end)

  it('rejects bad text and options', function()
    local err = h.assert_error_with(function() data.CharDataset(42, {block_size = 2}) end,
                                    'CharDataset: expected the text as a string, got number')
    assert.is_truthy(err:find(SPEC, 1, true))
    h.assert_error_with(function() data.CharDataset('abc') end,
                        'CharDataset: option block_size must be a positive integer, got nil')
    h.assert_error_with(function() data.CharDataset('abc', {block_size = 3}) end,
                        'CharDataset: the text has 3 characters, too few for one window of block_size 3 (at least 4 needed)')
    h.assert_error_with(function() data.CharDataset('', {block_size = 1}) end, 'the text has 0 characters')
    h.assert_error_with(function() data.CharDataset('ééé', {block_size = 3}) end, 'the text has 3 characters')
    h.assert_error_with(function() data.CharDataset('abc', {block_size = 1, encoding = 'latin1'}) end,
                        "CharDataset: encoding must be 'utf8' or 'bytes', got latin1")
    h.assert_error_with(function() data.CharDataset('abc', {block_size = 1, blocksize = 2}) end,
                        "CharDataset: unknown option 'blocksize'")
  end)
end)
