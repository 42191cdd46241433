-- Tensor creation, shapes, views, slicing, joining and conversions.
-- Expected values are worked out by hand or in closed form in the comments beside them.
local mg = require 'moongrad'
local h = require 'tests.lua.helpers'

-- ---- helpers ----------------------------------------------------------------------------

local function all_integers(list)
  for _, v in ipairs(list) do
    if math.type(v) ~= 'integer' then return false end
  end
  return true
end

-- ---- creation ---------------------------------------------------------------------------

describe('mg.tensor', function()
  it('builds float32 from nested numbers with the nested shape', function()
    local t = mg.tensor{{1, 2, 3}, {4, 5, 6}}
    assert.are.equal('float32', t.dtype)
    assert.are.same({2, 3}, t.shape)
    assert.are.same({{1, 2, 3}, {4, 5, 6}}, t:totable())
  end)

  it('rounds to single precision in float32 and keeps double precision in float64', function()
    -- 0.1 rounded to IEEE 754 single precision is exactly 0.100000001490116119384765625
    assert.are.equal(0.100000001490116119384765625, mg.tensor{0.1}:totable()[1])
    assert.are.equal(0.1, mg.tensor({0.1}, {dtype = 'float64'}):totable()[1])
  end)

  it('builds bool from booleans', function()
    local t = mg.tensor{true, false, true}
    assert.are.equal('bool', t.dtype)
    assert.are.same({true, false, true}, t:totable())
  end)

  it('builds a 0-d tensor from a number', function()
    local t = mg.tensor(2.5)
    assert.are.equal(0, t:dim())
    assert.are.same({}, t.shape)
    assert.are.equal(1, t:numel())
    assert.are.equal(2.5, t:item())
  end)

  it('keeps int64 values exact beyond 2^53', function()
    local t = mg.tensor({9007199254740993, -3, 0}, {dtype = 'int64'}) -- 2^53 + 1
    assert.are.equal('int64', t.dtype)
    local v = t:totable()
    assert.are.same({9007199254740993, -3, 0}, v)
    assert.is_true(all_integers(v))
  end)

  it('converts numbers into the requested dtype', function()
    assert.are.same({{true, false}, {true, true}}, mg.tensor({{1, 0}, {2.5, -1}}, {dtype = 'bool'}):totable())
    assert.are.same({1.25, -2}, mg.tensor({1.25, -2}, {dtype = 'float64'}):totable())
  end)

  it('clones a tensor argument (optionally converting it)', function()
    local a = mg.tensor{1, 2}
    local b = mg.tensor(a)
    b:fill_(9)
    assert.are.same({1, 2}, a:totable())
    assert.are.same({9, 9}, b:totable())
    local c = mg.tensor(a, {dtype = 'float64'})
    assert.are.equal('float64', c.dtype)
    assert.are.same({1, 2}, c:totable())
  end)
end)

describe('zeros, ones, empty, full', function()
  it('take sizes as numbers or as a table, and a dtype option', function()
    assert.are.same({{0, 0, 0}, {0, 0, 0}}, mg.zeros(2, 3):totable())
    assert.are.same({2, 3}, mg.zeros({2, 3}).shape)
    assert.are.equal('float32', mg.zeros(2, 3).dtype)
    local d = mg.zeros(2, 3, {dtype = 'float64'})
    assert.are.equal('float64', d.dtype)
    assert.are.same({2, 3}, d.shape)
    assert.are.equal('int64', mg.zeros({4}, {dtype = 'int64'}).dtype)
    local o = mg.ones({2}, {dtype = 'int64'}):totable()
    assert.are.same({1, 1}, o)
    assert.is_true(all_integers(o))
    assert.are.same({{1, 1}, {1, 1}, {1, 1}}, mg.ones(3, 2):totable())
    assert.are.same({true, true}, mg.ones(2, {dtype = 'bool'}):totable())
    assert.are.same({false, false}, mg.zeros(2, {dtype = 'bool'}):totable())
  end)

  it('empty has the shape and dtype asked for', function()
    local e = mg.empty(4, 2)
    assert.are.same({4, 2}, e.shape)
    assert.are.equal('float32', e.dtype)
    local b = mg.empty({3}, {dtype = 'bool'})
    assert.are.same({3}, b.shape)
    assert.are.equal('bool', b.dtype)
  end)

  it('zeros of an empty size list is 0-d', function()
    local z = mg.zeros({})
    assert.are.equal(0, z:dim())
    assert.are.equal(0, z:item())
  end)

  it('full fills with the value; booleans give bool', function()
    local f = mg.full({2, 2}, 7)
    assert.are.equal('float32', f.dtype)
    assert.are.same({{7, 7}, {7, 7}}, f:totable())
    local i = mg.full({3}, 2, {dtype = 'int64'}):totable()
    assert.are.same({2, 2, 2}, i)
    assert.is_true(all_integers(i))
    local b = mg.full({2}, true)
    assert.are.equal('bool', b.dtype)
    assert.are.same({true, true}, b:totable())
    assert.are.same({1.5, 1.5}, mg.full({2}, 1.5, {dtype = 'float64'}):totable())
  end)
end)

describe('arange and linspace', function()
  it('arange with integers gives int64, end excluded', function()
    local a = mg.arange(5)
    assert.are.equal('int64', a.dtype)
    assert.are.same({0, 1, 2, 3, 4}, a:totable())
    assert.is_true(all_integers(a:totable()))
    assert.are.same({2, 3, 4}, mg.arange(2, 5):totable())
    assert.are.same({0, 3, 6, 9}, mg.arange(0, 10, 3):totable())
    assert.are.same({5, 3, 1}, mg.arange(5, 0, -2):totable())
  end)

  it('arange with a fractional argument gives float32', function()
    local a = mg.arange(0, 1, 0.25)
    assert.are.equal('float32', a.dtype)
    assert.are.same({0, 0.25, 0.5, 0.75}, a:totable())
    assert.are.same({1, 2}, mg.arange(1, 2.5):totable())
  end)

  it('arange takes a dtype option', function()
    local a = mg.arange(3, {dtype = 'float64'})
    assert.are.equal('float64', a.dtype)
    assert.are.same({0, 1, 2}, a:totable())
    assert.are.same({1, 3}, mg.arange(1, 5, 2, {dtype = 'float64'}):totable())
  end)

  it('linspace includes both ends', function()
    local l = mg.linspace(0, 1, 5)
    assert.are.equal('float32', l.dtype)
    assert.are.same({0, 0.25, 0.5, 0.75, 1}, l:totable())
    local d = mg.linspace(-1, 1, 3, {dtype = 'float64'})
    assert.are.equal('float64', d.dtype)
    assert.are.same({-1, 0, 1}, d:totable())
    assert.are.same({1, 0.5, 0}, mg.linspace(1, 0, 3):totable())
    assert.are.same({2}, mg.linspace(2, 5, 1):totable())
    assert.are.same({0}, mg.linspace(0, 1, 0).shape)
    -- (10 - 0) / 3 steps: 0, 10/3, 20/3, 10
    h.assert_close(mg.linspace(0, 10, 4, {dtype = 'float64'}), {0, 10 / 3, 20 / 3, 10}, 1e-14, 0)
  end)
end)

describe('eye', function()
  it('makes square and rectangular identities', function()
    assert.are.same({{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, mg.eye(3):totable())
    assert.are.same({{1, 0, 0}, {0, 1, 0}}, mg.eye(2, 3):totable())
    assert.are.same({{1, 0}, {0, 1}, {0, 0}}, mg.eye(3, 2):totable())
    local i = mg.eye(2, {dtype = 'int64'})
    assert.are.equal('int64', i.dtype)
    assert.are.same({{1, 0}, {0, 1}}, i:totable())
    assert.are.equal('float32', mg.eye(2).dtype)
  end)
end)

describe('the _like constructors', function()
  local base = mg.zeros(2, 3, {dtype = 'float64'})

  it('take shape and dtype from the tensor', function()
    local z = mg.zeros_like(base)
    assert.are.same({2, 3}, z.shape)
    assert.are.equal('float64', z.dtype)
    assert.are.same({{1, 1, 1}, {1, 1, 1}}, mg.ones_like(base):totable())
    assert.are.equal('float64', mg.ones_like(base).dtype)
    local f = mg.full_like(base, 4)
    assert.are.equal('float64', f.dtype)
    assert.are.same({{4, 4, 4}, {4, 4, 4}}, f:totable())
    local e = mg.empty_like(base)
    assert.are.same({2, 3}, e.shape)
    assert.are.equal('float64', e.dtype)
  end)

  it('take a dtype option', function()
    local o = mg.ones_like(base, {dtype = 'int64'})
    assert.are.equal('int64', o.dtype)
    assert.are.same({{1, 1, 1}, {1, 1, 1}}, o:totable())
    assert.are.equal('float32', mg.zeros_like(base, {dtype = 'float32'}).dtype)
  end)

  it('random _like forms have the shape and dtype and their range', function()
    local r = mg.rand_like(base)
    assert.are.same({2, 3}, r.shape)
    assert.are.equal('float64', r.dtype)
    for _, row in ipairs(r:totable()) do
      for _, v in ipairs(row) do assert.is_true(v >= 0 and v < 1) end
    end
    local n = mg.randn_like(base)
    assert.are.same({2, 3}, n.shape)
    assert.are.equal('float64', n.dtype)
    local i = mg.randint_like(mg.zeros(200, {dtype = 'int64'}), 3, 5)
    assert.are.equal('int64', i.dtype)
    local seen = {}
    for _, v in ipairs(i:totable()) do
      assert.is_true(math.type(v) == 'integer' and v >= 3 and v <= 5, tostring(v))
      seen[v] = true
    end
    assert.is_true(seen[3] and seen[5], 'both ends of [3,5] occur in 200 draws')
  end)
end)

-- ---- random numbers ---------------------------------------------------------------------

describe('random numbers', function()
  it('manual_seed makes rand, randn and randint reproducible', function()
    mg.manual_seed(42)
    local a, b, c = mg.rand(50):totable(), mg.randn(50):totable(), mg.randint(1, 100, {50}):totable()
    mg.manual_seed(42)
    assert.are.same(a, mg.rand(50):totable())
    assert.are.same(b, mg.randn(50):totable())
    assert.are.same(c, mg.randint(1, 100, {50}):totable())
  end)

  it('manual_seed also fixes randn after an odd number of draws', function()
    mg.manual_seed(5)
    local a = mg.randn(3):totable()
    local a2 = mg.randn(1):totable()
    mg.manual_seed(5)
    assert.are.same(a, mg.randn(3):totable())
    assert.are.same(a2, mg.randn(1):totable())
    mg.manual_seed(5)
    local f = mg.randn(3, {dtype = 'float64'}):totable()
    mg.manual_seed(5)
    assert.are.same(f, mg.randn(3, {dtype = 'float64'}):totable())
  end)

  it('different seeds give different values, and draws move the generator on', function()
    mg.manual_seed(42)
    local a = mg.rand(50):totable()
    local a2 = mg.rand(50):totable()
    mg.manual_seed(43)
    local b = mg.rand(50):totable()
    assert.are_not.same(a, b)
    assert.are_not.same(a, a2)
    mg.manual_seed(42)
    local n1 = mg.randn(50):totable()
    mg.manual_seed(43)
    assert.are_not.same(n1, mg.randn(50):totable())
  end)

  it('rand lies in [0, 1) with mean 1/2 and variance 1/12', function()
    mg.manual_seed(1)
    for _, dtype in ipairs({'float32', 'float64'}) do
      local x = mg.rand(100000, {dtype = dtype})
      assert.are.equal(dtype, x.dtype)
      local lo, hi, s, s2 = math.huge, -math.huge, 0, 0
      local v = x:totable()
      for _, e in ipairs(v) do
        if e < lo then lo = e end
        if e > hi then hi = e end
        s, s2 = s + e, s2 + e * e
      end
      local n = #v
      local mean = s / n
      local var = s2 / n - mean * mean
      assert.is_true(lo >= 0 and hi < 1, string.format('range [%g, %g]', lo, hi))
      -- standard error of the mean is 0.29/316 ~ 0.001; these bounds are ~10 sigma
      assert.is_true(math.abs(mean - 0.5) < 0.01, 'mean ' .. mean)
      assert.is_true(math.abs(var - 1 / 12) < 0.005, 'variance ' .. var)
      assert.is_true(lo < 0.001 and hi > 0.999, 'values fill the interval')
    end
  end)

  it('randint includes both ends', function()
    mg.manual_seed(7)
    local x = mg.randint(1, 3, {30000})
    assert.are.equal('int64', x.dtype)
    local count = {}
    for _, v in ipairs(x:totable()) do
      assert.is_true(math.type(v) == 'integer' and v >= 1 and v <= 3, tostring(v))
      count[v] = (count[v] or 0) + 1
    end
    for k = 1, 3 do assert.is_true((count[k] or 0) > 9000, 'count of ' .. k) end

    local seen = {}
    for _, v in ipairs(mg.randint(4, {2000}):totable()) do
      assert.is_true(v >= 1 and v <= 4, tostring(v))
      seen[v] = true
    end
    assert.is_true(seen[1] and seen[4], 'randint(4, ...) gives 1 and 4')

    seen = {}
    for _, v in ipairs(mg.randint(-2, 2, {2000}):totable()) do
      assert.is_true(v >= -2 and v <= 2, tostring(v))
      seen[v] = true
    end
    assert.is_true(seen[-2] and seen[2], 'randint(-2, 2, ...) gives -2 and 2')
    assert.are.same({7, 7, 7}, mg.randint(7, 7, {3}):totable())
    assert.are.same({2, 3}, mg.randint(0, 9, {2, 3}).shape)
  end)

  it('randn has mean about 0 and standard deviation about 1', function()
    mg.manual_seed(3)
    for _, dtype in ipairs({'float32', 'float64'}) do
      local v = mg.randn(100000, {dtype = dtype}):totable()
      local s, s2, within = 0, 0, 0
      for _, e in ipairs(v) do
        s, s2 = s + e, s2 + e * e
        if math.abs(e) < 1 then within = within + 1 end
      end
      local n = #v
      local mean = s / n
      local std = math.sqrt(s2 / n - mean * mean)
      -- standard errors: mean 0.003, std 0.0022, P(|x|<1) 0.0015
      assert.is_true(math.abs(mean) < 0.02, 'mean ' .. mean)
      assert.is_true(math.abs(std - 1) < 0.02, 'std ' .. std)
      assert.is_true(math.abs(within / n - 0.6827) < 0.01, 'P(|x|<1) ' .. within / n)
    end
  end)
end)

-- ---- shapes -----------------------------------------------------------------------------

describe('shape queries', function()
  it('report sizes, strides and contiguity', function()
    local t = mg.zeros(2, 3, 4)
    assert.are.same({2, 3, 4}, t.shape)
    assert.are.same({2, 3, 4}, t:size())
    assert.are.equal(3, t.ndim)
    assert.are.equal(3, t:dim())
    assert.are.equal(3, t:size(2))
    assert.are.equal(4, t:size(-1))
    assert.are.equal(24, t:numel())
    assert.are.equal(24, t:nelement())
    assert.are.equal(2, #t)
    assert.are.same({12, 4, 1}, t:stride())
    assert.are.equal(4, t:stride(2))
    assert.are.equal(1, t:stride(-1))
    assert.is_true(t:is_contiguous())
    local tt = t:transpose(1, 3)
    assert.are.same({4, 3, 2}, tt.shape)
    assert.are.same({1, 4, 12}, tt:stride())
    assert.is_false(tt:is_contiguous())
  end)

  it('describe a 0-d tensor', function()
    local s = mg.tensor(1)
    assert.are.same({}, s.shape)
    assert.are.equal(0, s:dim())
    assert.are.equal(1, s:numel())
    assert.are.same({}, s:stride())
  end)
end)

-- ---- views ------------------------------------------------------------------------------

describe('views', function()
  it('view reshapes and shares storage', function()
    local t = mg.arange(6)
    local v = t:view(2, 3)
    assert.are.same({{0, 1, 2}, {3, 4, 5}}, v:totable())
    assert.are.same({3, 2}, t:view({3, 2}).shape)
    assert.are.same({3, 2}, t:view(-1, 2).shape)
    assert.are.same({3, 2}, t:view(3, -1).shape)
    assert.are.same({1, 6}, t:view(1, -1).shape)
    v[{2, 1}] = 100
    assert.are.same({0, 1, 2, 100, 4, 5}, t:totable())
  end)

  it('view of a non-contiguous tensor errors; reshape copies it', function()
    local a = mg.arange(6):view(2, 3)
    local at = a:t()
    h.assert_error_with(function() return at:view(6) end, 'view')
    local r = at:reshape(6)
    assert.are.same({0, 3, 1, 4, 2, 5}, r:totable())
    r[1] = 50
    assert.are.same({{0, 1, 2}, {3, 4, 5}}, a:totable())
    -- a contiguous tensor's reshape is a view
    local r2 = a:reshape(3, 2)
    r2[{1, 1}] = -1
    assert.are.equal(-1, a[{1, 1}]:item())
    assert.are.same({3, 2}, a:reshape({3, 2}).shape)
    assert.are.same({6}, a:reshape(-1).shape)
  end)

  it('transpose and t swap dims and share storage', function()
    local a = mg.arange(6):view(2, 3)
    local at = a:t()
    assert.are.same({{0, 3}, {1, 4}, {2, 5}}, at:totable())
    assert.are.same({1, 3}, at:stride())
    assert.are.same(at:totable(), a:transpose(1, 2):totable())
    assert.are.same(at:totable(), a:transpose(2, 1):totable())
    at[{3, 1}] = 9
    assert.are.same({{0, 1, 9}, {3, 4, 5}}, a:totable())
    local b = mg.arange(24):view(2, 3, 4)
    local bt = b:transpose(1, -1)
    assert.are.same({4, 3, 2}, bt.shape)
    -- bt[i][j][k] = b[k][j][i] = (k-1)*12 + (j-1)*4 + (i-1)
    assert.are.equal(1 * 12 + 2 * 4 + 3, bt[{4, 3, 2}]:item())
    assert.are.same({5}, mg.arange(5):t().shape)
  end)

  it('permute reorders dims and shares storage', function()
    local b = mg.arange(24):view(2, 3, 4)
    local p = b:permute(3, 1, 2)
    assert.are.same({4, 2, 3}, p.shape)
    assert.are.same({1, 12, 4}, p:stride())
    local v = p:totable()
    for i = 1, 4 do
      for j = 1, 2 do
        for k = 1, 3 do
          -- p[i][j][k] = b[j][k][i]
          assert.are.equal((j - 1) * 12 + (k - 1) * 4 + (i - 1), v[i][j][k])
        end
      end
    end
    assert.are.same(v, b:permute({3, 1, 2}):totable())
    p[{4, 2, 3}] = -7
    assert.are.equal(-7, b[{2, 3, 4}]:item())
  end)

  it('narrow takes a range along a dim and shares storage', function()
    local a = mg.arange(12):view(3, 4)
    assert.are.same({{1, 2}, {5, 6}, {9, 10}}, a:narrow(2, 2, 2):totable())
    assert.are.same({{4, 5, 6, 7}, {8, 9, 10, 11}}, a:narrow(1, -2, 2):totable())
    assert.are.same({{3}, {7}, {11}}, a:narrow(-1, 4, 1):totable())
    a:narrow(2, 2, 2):fill_(0)
    assert.are.same({{0, 0, 0, 3}, {4, 0, 0, 7}, {8, 0, 0, 11}}, a:totable())
  end)

  it('select removes a dim and shares storage', function()
    local a = mg.arange(12):view(3, 4)
    assert.are.same({4, 5, 6, 7}, a:select(1, 2):totable())
    assert.are.same({3, 7, 11}, a:select(2, -1):totable())
    assert.are.same({2, 6, 10}, a:select(-1, 3):totable())
    a:select(2, 1):fill_(-1)
    assert.are.same({{-1, 1, 2, 3}, {-1, 5, 6, 7}, {-1, 9, 10, 11}}, a:totable())
  end)

  it('squeeze and unsqueeze drop and add size-1 dims', function()
    local s = mg.zeros(1, 3, 1)
    assert.are.same({3}, s:squeeze().shape)
    assert.are.same({3, 1}, s:squeeze(1).shape)
    assert.are.same({1, 3, 1}, s:squeeze(2).shape)
    assert.are.same({1, 3}, s:squeeze(-1).shape)
    local v = mg.zeros(3)
    assert.are.same({1, 3}, v:unsqueeze(1).shape)
    assert.are.same({3, 1}, v:unsqueeze(2).shape)
    assert.are.same({3, 1}, v:unsqueeze(-1).shape)
    assert.are.same({2, 1, 3}, mg.zeros(2, 3):unsqueeze(2).shape)
    local base = mg.arange(3)
    base:unsqueeze(1)[{1, 2}] = 7
    assert.are.same({0, 7, 2}, base:totable())
    local c = mg.arange(3):view(1, 3, 1)
    c:squeeze()[3] = 9
    assert.are.same({{{0}, {1}, {9}}}, c:totable())
  end)

  it('flatten merges a range of dims', function()
    local b = mg.arange(24):view(2, 3, 4)
    assert.are.same({24}, b:flatten().shape)
    local f2 = b:flatten(2)
    assert.are.same({2, 12}, f2.shape)
    assert.are.equal(12, f2[{2, 1}]:item())
    assert.are.same({6, 4}, b:flatten(1, 2).shape)
    assert.are.same({2, 3, 4}, b:flatten(2, 2).shape)
    local f = b:flatten()
    f[24] = -1
    assert.are.equal(-1, b[{2, 3, 4}]:item())
  end)

  it('expand repeats size-1 dims with stride 0', function()
    local c = mg.tensor{{1}, {2}, {3}}
    local e = c:expand(3, 4)
    assert.are.same({{1, 1, 1, 1}, {2, 2, 2, 2}, {3, 3, 3, 3}}, e:totable())
    assert.are.same({1, 0}, e:stride())
    assert.are.same({3, 2}, c:expand(-1, 2).shape)
    assert.are.same({3, 4}, c:expand({3, 4}).shape)
    local e3 = c:expand(2, 3, 4)
    assert.are.same({2, 3, 4}, e3.shape)
    assert.are.same({0, 1, 0}, e3:stride())
    assert.are.same({5, 5, 5}, mg.tensor{5}:expand(3):totable())
    assert.are.same({3, 4}, c:expand_as(mg.zeros(3, 4)).shape)
    c[{2, 1}] = 20
    assert.are.equal(20, e[{2, 4}]:item())
  end)
end)

-- ---- indexing ---------------------------------------------------------------------------

describe('t[i] and t[{...}]', function()
  -- t[i][j][k] = (i-1)*20 + (j-1)*5 + (k-1)
  local t = mg.arange(60):view(3, 4, 5)

  it('t[i] selects along dim 1; negative counts from the end', function()
    assert.are.same({4, 5}, t[2].shape)
    assert.are.equal(20, t[2][{1, 1}]:item())
    assert.are.equal(40, t[-1][{1, 1}]:item())
    assert.are.equal(59, t[3][4][5]:item())
    assert.are.equal(2, mg.arange(5)[3]:item())
    assert.are.equal(0, mg.arange(5)[3]:dim())
  end)

  it('the Torch7 table form mixes ranges, all and selections', function()
    local s = t[{ {1, 3}, {}, 2 }]
    assert.are.same({3, 4}, s.shape)
    local v = s:totable()
    for i = 1, 3 do
      for j = 1, 4 do assert.are.equal((i - 1) * 20 + (j - 1) * 5 + 1, v[i][j]) end
    end
    assert.are.same({4, 5}, t[{2}].shape)
    assert.are.same({1, 5}, t[{ {2}, 1 }].shape)
    assert.are.same({20, 21, 22, 23, 24}, t[{ {2}, 1 }]:totable()[1])
    assert.are.same({2, 4, 5}, t[{ {-2, -1} }].shape)
    assert.are.equal(20, t[{ {-2, -1} }][{1, 1, 1}]:item())
    assert.are.same({4, 9, 14, 19}, t[{ 1, {}, -1 }]:totable())
    assert.are.equal(33, t[{2, 3, 4}]:item())
  end)

  it('index results are views of the tensor', function()
    local x = mg.zeros(3, 3)
    x[2]:fill_(1)
    x[{ {}, 3 }]:fill_(2)
    assert.are.same({{0, 0, 2}, {1, 1, 2}, {0, 0, 2}}, x:totable())
  end)
end)

describe('assignment through slices', function()
  it('assigns numbers', function()
    local x = mg.zeros(3, 4)
    x[2] = 5
    x[{3, 4}] = -1
    x[{ {1, 1}, {2, 3} }] = 7
    assert.are.same({{0, 7, 7, 0}, {5, 5, 5, 5}, {0, 0, 0, -1}}, x:totable())
  end)

  it('assigns tensors, broadcasting them', function()
    local x = mg.zeros(3, 4)
    x[{ {}, 3 }] = mg.tensor{1, 2, 3}
    assert.are.same({{0, 0, 1, 0}, {0, 0, 2, 0}, {0, 0, 3, 0}}, x:totable())
    x[{ {1, 2}, {} }] = mg.tensor{10, 20, 30, 40}
    assert.are.same({{10, 20, 30, 40}, {10, 20, 30, 40}, {0, 0, 3, 0}}, x:totable())
    local y = mg.zeros(3, 4)
    y[{ {}, {2, 3} }] = mg.tensor{{1}, {2}, {3}}
    assert.are.same({{0, 1, 1, 0}, {0, 2, 2, 0}, {0, 3, 3, 0}}, y:totable())
    y[1] = mg.tensor(9)
    assert.are.same({9, 9, 9, 9}, y[1]:totable())
  end)

  it('converts the assigned tensor to the target dtype', function()
    local x = mg.zeros(2, 2)
    x[1] = mg.tensor({3, 4}, {dtype = 'int64'})
    assert.are.equal('float32', x.dtype)
    assert.are.same({{3, 4}, {0, 0}}, x:totable())
    local b = mg.zeros(3, {dtype = 'bool'})
    b[2] = true
    assert.are.same({false, true, false}, b:totable())
    local l = mg.zeros(2, {dtype = 'int64'})
    l[1] = mg.tensor(2.75)
    assert.are.same({2, 0}, l:totable())
  end)
end)

-- ---- joining and splitting ----------------------------------------------------------------

describe('cat and stack', function()
  local a = mg.tensor{{1, 2}, {3, 4}}
  local b = mg.tensor{{5, 6}}

  it('cat joins along dim 1 by default, or along a given dim', function()
    assert.are.same({{1, 2}, {3, 4}, {5, 6}}, mg.cat({a, b}):totable())
    assert.are.same({{1, 2}, {3, 4}, {5, 6}}, mg.cat({a, b}, 1):totable())
    local c = mg.tensor{{7}, {8}}
    assert.are.same({{1, 2, 7}, {3, 4, 8}}, mg.cat({a, c}, 2):totable())
    assert.are.same({{1, 2, 7}, {3, 4, 8}}, mg.cat({a, c}, -1):totable())
    assert.are.same({1, 2, 3, 4, 5}, mg.cat({mg.tensor{1, 2}, mg.tensor{3}, mg.tensor{4, 5}}):totable())
    assert.are.same({{1, 2}}, mg.cat({b:narrow(1, 1, 1) - 4}):totable())
  end)

  it('cat accepts an empty piece', function()
    assert.are.same({{5, 6}}, mg.cat({mg.zeros(0, 2), b}):totable())
    assert.are.same({{5, 6}}, mg.cat({b, mg.zeros(0, 2)}):totable())
    assert.are.same({0, 2}, mg.cat({mg.zeros(0, 2), mg.zeros(0, 2)}).shape)
  end)

  it('cat joins non-contiguous pieces', function()
    assert.are.same({{1, 3}, {2, 4}, {1, 2}}, mg.cat({a:t(), a:narrow(1, 1, 1)}):totable())
  end)

  it('stack adds a new dim', function()
    local x, y = mg.tensor{1, 2, 3}, mg.tensor{4, 5, 6}
    assert.are.same({{1, 2, 3}, {4, 5, 6}}, mg.stack({x, y}):totable())
    assert.are.same({{1, 4}, {2, 5}, {3, 6}}, mg.stack({x, y}, 2):totable())
    assert.are.same({{1, 4}, {2, 5}, {3, 6}}, mg.stack({x, y}, -1):totable())
    local s = mg.stack({a, a, a}, 3)
    assert.are.same({2, 2, 3}, s.shape)
    assert.are.same({2, 2, 2}, s[{1, 2}]:totable())
  end)
end)

describe('split and chunk', function()
  it('split by size leaves a shorter last piece', function()
    local p = mg.arange(5):split(2)
    assert.are.equal(3, #p)
    assert.are.same({0, 1}, p[1]:totable())
    assert.are.same({2, 3}, p[2]:totable())
    assert.are.same({4}, p[3]:totable())
  end)

  it('split by a list of sizes and along a dim', function()
    local p = mg.arange(5):split({1, 4})
    assert.are.same({0}, p[1]:totable())
    assert.are.same({1, 2, 3, 4}, p[2]:totable())
    local q = mg.arange(6):view(2, 3):split(2, 2)
    assert.are.same({{0, 1}, {3, 4}}, q[1]:totable())
    assert.are.same({{2}, {5}}, q[2]:totable())
  end)

  it('split pieces are views', function()
    local t = mg.arange(4)
    t:split(2)[2]:fill_(9)
    assert.are.same({0, 1, 9, 9}, t:totable())
  end)

  it('chunk makes equal pieces but the last', function()
    local c = mg.arange(6):chunk(3)
    assert.are.equal(3, #c)
    assert.are.same({4, 5}, c[3]:totable())
    local d = mg.arange(5):chunk(3) -- pieces of ceil(5/3) = 2: 2, 2, 1
    assert.are.equal(3, #d)
    assert.are.same({4}, d[3]:totable())
    local e = mg.arange(6):chunk(4) -- pieces of ceil(6/4) = 2: three pieces, as PyTorch
    assert.are.equal(3, #e)
    local f = mg.arange(6):view(2, 3):chunk(3, 2)
    assert.are.equal(3, #f)
    assert.are.same({{1}, {4}}, f[2]:totable())
  end)
end)

-- ---- copies and conversions ---------------------------------------------------------------

describe('copies', function()
  it('clone is independent and contiguous', function()
    local a = mg.arange(6):view(2, 3)
    local c = a:t():clone()
    assert.is_true(c:is_contiguous())
    assert.are.same({{0, 3}, {1, 4}, {2, 5}}, c:totable())
    c:fill_(0)
    assert.are.same({{0, 1, 2}, {3, 4, 5}}, a:totable())
  end)

  it('contiguous lays a transposed tensor out row by row', function()
    local a = mg.arange(6):view(2, 3)
    local c = a:t():contiguous()
    assert.is_true(c:is_contiguous())
    assert.are.same({2, 1}, c:stride())
    assert.are.same({0, 3, 1, 4, 2, 5}, c:view(6):totable())
  end)

  it('copy_ broadcasts and converts, and returns the tensor', function()
    local x = mg.zeros(2, 3)
    local r = x:copy_(mg.tensor({1, 2, 3}, {dtype = 'int64'}))
    assert.is_true(rawequal(r, x))
    assert.are.same({{1, 2, 3}, {1, 2, 3}}, x:totable())
    local y = mg.zeros(2, 2, {dtype = 'int64'})
    y:copy_(mg.tensor{{1.9, -1.9}, {0.5, 7}})
    assert.are.same({{1, -1}, {0, 7}}, y:totable())
  end)

  it('fill_ and zero_ work in place and return the tensor', function()
    local x = mg.ones(2, 2)
    assert.is_true(rawequal(x:fill_(3.5), x))
    assert.are.same({{3.5, 3.5}, {3.5, 3.5}}, x:totable())
    assert.is_true(rawequal(x:zero_(), x))
    assert.are.same({{0, 0}, {0, 0}}, x:totable())
    local a = mg.arange(6):view(2, 3)
    a:t()[2]:fill_(-1) -- column 2 of a
    assert.are.same({{0, -1, 2}, {3, -1, 5}}, a:totable())
  end)
end)

describe('conversions', function()
  it('to, float, double, long and bool change the dtype', function()
    local t = mg.tensor{1, 2}
    assert.are.equal('float64', t:to('float64').dtype)
    assert.are.equal('float64', t:double().dtype)
    assert.are.equal('int64', t:long().dtype)
    assert.are.equal('bool', t:bool().dtype)
    assert.are.equal('float32', mg.arange(3):float().dtype)
    assert.are.same({0, 1, 2}, mg.arange(3):float():totable())
    assert.are.equal('int64', t:to('int64').dtype)
    assert.are.same({1, 2}, t:double():totable())
  end)

  it('float to int64 truncates toward zero', function()
    local f = mg.tensor({-2.7, -0.5, 0.5, 2.7, 3, -3}, {dtype = 'float64'})
    local l = f:long():totable()
    assert.are.same({-2, 0, 0, 2, 3, -3}, l)
    assert.is_true(all_integers(l))
    assert.are.same({-2, 0, 0, 2, 3, -3}, mg.tensor{-2.7, -0.5, 0.5, 2.7, 3, -3}:to('int64'):totable())
  end)

  it('bool of nonzero (and NaN) is true', function()
    assert.are.same({false, true, true, true, true, false},
                    mg.tensor{0, 1, -2, 0.5, 0 / 0, -0.0}:bool():totable())
    assert.are.same({false, true, true}, mg.tensor({0, 5, -1}, {dtype = 'int64'}):bool():totable())
    assert.are.same({1, 0}, mg.tensor{true, false}:float():totable())
    assert.are.same({1, 0}, mg.tensor{true, false}:long():totable())
  end)

  it('int64 to float32 rounds to single precision', function()
    -- 2^24 + 1 is not representable in float32; it rounds (to even) to 2^24
    assert.are.same({16777216}, mg.tensor({16777217}, {dtype = 'int64'}):float():totable())
    assert.are.same({16777217}, mg.tensor({16777217}, {dtype = 'int64'}):double():totable())
  end)

  it('item gives a Lua number, integer or boolean', function()
    assert.are.equal(2.5, mg.tensor{2.5}:item())
    local i = mg.tensor({7}, {dtype = 'int64'}):item()
    assert.are.equal(7, i)
    assert.are.equal('integer', math.type(i))
    assert.are.equal('float', math.type(mg.tensor{7}:item()))
    assert.are.equal(true, mg.tensor{true}:item())
    assert.are.equal(3, mg.tensor{{3}}:item())
    assert.are.equal(5, mg.arange(10)[6]:item())
  end)

  it('totable gives nested tables (a plain value for 0-d)', function()
    assert.are.same({{{1}, {2}}}, mg.tensor{{{1}, {2}}}:totable())
    assert.are.equal(5, mg.tensor(5):totable())
  end)
end)

-- ---- zero-size dims and dimension limits ------------------------------------------------

describe('zero-size dims', function()
  it('zeros(0, 3) is empty with its shape', function()
    local z = mg.zeros(0, 3)
    assert.are.same({0, 3}, z.shape)
    assert.are.equal(0, z:numel())
    assert.are.equal(0, #z)
    assert.are.same({}, z:totable())
    assert.are.same({3, 0}, z:t().shape)
    assert.are.same({0}, z:reshape(-1).shape)
    assert.are.same({3, 0}, z:view(3, 0).shape)
    assert.are.same({{}, {}}, mg.zeros(2, 0):totable())
  end)

  it('narrow to length 0, including at the end', function()
    local n = mg.arange(5):narrow(1, 3, 0)
    assert.are.same({0}, n.shape)
    assert.are.same({}, n:totable())
    assert.are.same({0}, mg.arange(5):narrow(1, 6, 0).shape)
    assert.are.same({3, 0}, mg.zeros(3, 4):narrow(2, 2, 0).shape)
    assert.are.same({0, 4}, mg.zeros(3, 4)[{ {2, 1} }].shape)
  end)

  it('clone, contiguous and conversions of empty tensors', function()
    local z = mg.zeros(0, 3)
    assert.are.same({0, 3}, z:clone().shape)
    assert.are.same({0, 3}, z:long().shape)
    assert.are.same({0, 3}, mg.zeros_like(z).shape)
    assert.are.same({2, 0, 3}, mg.stack({z, z}).shape)
  end)
end)

describe('dimension limits', function()
  it('8 dims are allowed', function()
    local t = mg.zeros(1, 2, 1, 2, 1, 2, 1, 2)
    assert.are.equal(8, t:dim())
    assert.are.equal(16, t:numel())
    assert.are.same({2}, mg.zeros(2, 2, 2, 2, 2, 2, 2, 2)[{1, 1, 1, 1, 1, 1, 1}].shape)
    assert.are.equal(8, mg.arange(256):view(2, 2, 2, 2, 2, 2, 2, 2):dim())
    assert.are.equal(8, mg.zeros(1, 1, 1, 1, 1, 1, 1):unsqueeze(1):dim())
    assert.are.equal(8, mg.tensor{{{{{{{{1}}}}}}}}:dim())
  end)

  it('9 dims are an error', function()
    h.assert_error_with(function() return mg.zeros(1, 1, 1, 1, 1, 1, 1, 1, 1) end, 'zeros', '8')
    h.assert_error_with(function() return mg.zeros({1, 1, 1, 1, 1, 1, 1, 1, 1}) end, 'zeros', '8')
    h.assert_error_with(function() return mg.arange(2):view(1, 1, 1, 1, 1, 1, 1, 1, 2) end, '8')
    h.assert_error_with(function() return mg.zeros(1, 1, 1, 1, 1, 1, 1, 1):unsqueeze(1) end, 'unsqueeze', '8')
    h.assert_error_with(function() return mg.tensor{{{{{{{{{1}}}}}}}}} end, 'tensor', '8')
  end)
end)
