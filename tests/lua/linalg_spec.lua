-- Matrix products: matmul (1-D, 2-D, batched with broadcast), mm, bmm, mv, dot, outer,
-- addmm. Small cases are checked against hand values or a plain triple loop in Lua over
-- integer-valued inputs (exact); a 64x64 product against values recorded from NumPy.
local mg = require 'moongrad'
local h = require 'tests.lua.helpers'

-- ---- helpers ----------------------------------------------------------------------------

-- Plain triple loop over Lua tables: a (n x k) times b (k x m).
local function lua_mm(a, b)
  local n, k, m = #a, #b, #b[1]
  local c = {}
  for i = 1, n do
    c[i] = {}
    for j = 1, m do
      local s = 0
      for p = 1, k do s = s + a[i][p] * b[p][j] end
      c[i][j] = s
    end
  end
  return c
end

-- A table of shape {rows, cols} with small integer entries from a formula.
local function int_matrix(rows, cols, f)
  local t = {}
  for i = 1, rows do
    t[i] = {}
    for j = 1, cols do t[i][j] = f(i, j) end
  end
  return t
end

-- ---- matmul shapes ----------------------------------------------------------------------

describe('matmul', function()
  it('1-D @ 1-D is a 0-d dot product', function()
    local r = mg.matmul(mg.tensor{1, 2, 3}, mg.tensor{4, 5, 6})
    assert.are.equal(0, r:dim())
    assert.are.equal(32, r:item()) -- 4 + 10 + 18
    assert.are.equal(32, mg.tensor{1, 2, 3}:matmul(mg.tensor{4, 5, 6}):item())
  end)

  it('2-D @ 1-D is a matrix-vector product', function()
    local r = mg.matmul(mg.tensor{{1, 2, 3}, {4, 5, 6}}, mg.tensor{1, 0, -1})
    assert.are.same({2}, r.shape)
    assert.are.same({-2, -2}, r:totable())
  end)

  it('1-D @ 2-D is a vector-matrix product', function()
    local r = mg.matmul(mg.tensor{1, 2}, mg.tensor{{1, 2, 3}, {4, 5, 6}})
    assert.are.same({3}, r.shape)
    assert.are.same({9, 12, 15}, r:totable())
  end)

  it('2-D @ 2-D', function()
    local a = mg.tensor{{1, 2}, {3, 4}, {5, 6}}
    local b = mg.tensor{{7, 8, 9, 10}, {11, 12, 13, 14}}
    local r = a:matmul(b)
    assert.are.same({3, 4}, r.shape)
    assert.are.equal('float32', r.dtype)
    -- row 1: 7+22, 8+24, 9+26, 10+28; row 2: 21+44, ...; row 3: 35+66, ...
    assert.are.same({{29, 32, 35, 38}, {65, 72, 79, 86}, {101, 112, 123, 134}}, r:totable())
  end)

  it('batched with broadcast batch dims: {2,1,3,4} @ {5,4,2} -> {2,5,3,2}', function()
    local av = mg.arange(24):view(2, 1, 3, 4):float()
    local bv = (mg.arange(40):view(5, 4, 2) - 20):float()
    local r = av:matmul(bv)
    assert.are.same({2, 5, 3, 2}, r.shape)
    local at, bt, rt = av:totable(), bv:totable(), r:totable()
    for i = 1, 2 do
      for j = 1, 5 do
        assert.are.same(lua_mm(at[i][1], bt[j]), rt[i][j], string.format('batch %d,%d', i, j))
      end
    end
  end)

  it('batched 3-D @ 2-D, 2-D @ 3-D, 1-D @ 3-D and 3-D @ 1-D', function()
    local a = mg.arange(24):view(2, 3, 4):float()
    local m = mg.arange(8):view(4, 2):float()
    local r = a:matmul(m)
    assert.are.same({2, 3, 2}, r.shape)
    local at, mt = a:totable(), m:totable()
    for i = 1, 2 do assert.are.same(lua_mm(at[i], mt), r:totable()[i]) end

    local left = mg.arange(6):view(2, 3):float()
    local r2 = left:matmul(a) -- {2,3} @ {2,3,4} -> {2,2,4}
    assert.are.same({2, 2, 4}, r2.shape)
    for i = 1, 2 do assert.are.same(lua_mm(left:totable(), at[i]), r2:totable()[i]) end

    local v = mg.tensor{1, -1, 2, 0}
    local r3 = mg.matmul(mg.tensor{1, 2, 3}, a:transpose(2, 3):contiguous():transpose(2, 3))
    assert.are.same({2, 4}, r3.shape)
    -- row i of r3 = sum_k w_k * a[i][k]
    for i = 1, 2 do
      local exp = {}
      for j = 1, 4 do exp[j] = at[i][1][j] + 2 * at[i][2][j] + 3 * at[i][3][j] end
      assert.are.same(exp, r3:totable()[i])
    end

    local r4 = a:matmul(v) -- {2,3,4} @ {4} -> {2,3}
    assert.are.same({2, 3}, r4.shape)
    for i = 1, 2 do
      for j = 1, 3 do
        local row = at[i][j]
        assert.are.equal(row[1] - row[2] + 2 * row[3], r4:totable()[i][j])
      end
    end
  end)

  it('takes transposed (non-contiguous) operands', function()
    local a = mg.tensor{{1, 2, 3}, {4, 5, 6}}       -- {2,3}
    local b = mg.tensor{{1, 0}, {2, 1}, {0, 3}}      -- {3,2}
    -- a:t() @ b:t() = (b @ a):t()
    local ba = lua_mm(b:totable(), a:totable())      -- {3,3}
    local expected = {}
    for i = 1, 3 do
      expected[i] = {}
      for j = 1, 3 do expected[i][j] = ba[j][i] end
    end
    assert.are.same(expected, a:t():matmul(b:t()):totable())
    assert.are.same(lua_mm(a:t():totable(), a:totable()), a:t():matmul(a):totable())
    assert.are.same(lua_mm(a:totable(), a:t():totable()), a:matmul(a:t()):totable())
    -- narrowed, permuted and expanded operands
    local big = mg.arange(20):view(4, 5):float()
    local n = big:narrow(2, 2, 3) -- {4,3}, row stride 5
    assert.are.same(lua_mm(n:totable(), b:totable()), n:matmul(b):totable())
    local e = mg.tensor{{1, 2, 3}}:expand(4, 3)
    assert.are.same(lua_mm(e:totable(), b:totable()), e:matmul(b):totable())
    local p = mg.arange(24):view(3, 2, 4):float():permute(2, 3, 1) -- {2,4,3}, no unit stride
    local pt = p:totable()
    local r = p:matmul(b)
    for i = 1, 2 do assert.are.same(lua_mm(pt[i], b:totable()), r:totable()[i]) end
  end)

  it('computes in float64', function()
    local a = mg.tensor({{0.1, 0.2}, {0.3, 0.4}}, {dtype = 'float64'})
    local b = mg.tensor({{1, 2}, {3, 4}}, {dtype = 'float64'})
    local r = a:matmul(b)
    assert.are.equal('float64', r.dtype)
    h.assert_close(r, {{0.1 + 0.6, 0.2 + 0.8}, {0.3 + 1.2, 0.6 + 1.6}}, 1e-15, 1e-15)
  end)

  it('computes exactly in int64', function()
    local a = mg.tensor({{1, 2}, {3, 4}}, {dtype = 'int64'})
    local b = mg.tensor({{5, 6}, {7, 8}}, {dtype = 'int64'})
    local r = a:matmul(b)
    assert.are.equal('int64', r.dtype)
    assert.are.same({{19, 22}, {43, 50}}, r:totable())
    assert.are.equal('integer', math.type(r:totable()[1][1]))
    -- beyond 2^53: a double accumulator would lose the + 1
    local big = mg.tensor({{9007199254740993, 1}}, {dtype = 'int64'})
    local col = mg.tensor({{1}, {0}}, {dtype = 'int64'})
    assert.are.same({{9007199254740993}}, big:matmul(col):totable())
    -- batched and transposed int64
    local c = mg.arange(12):view(2, 2, 3)
    local rc = c:matmul(c:transpose(2, 3))
    local ct = c:totable()
    for i = 1, 2 do
      local t = {}
      for p = 1, 3 do t[p] = {ct[i][1][p], ct[i][2][p]} end
      assert.are.same(lua_mm(ct[i], t), rc:totable()[i])
    end
  end)
end)

describe('a 64x64 product', function()
  -- A[i][j] = sin(64*(i-1) + (j-1)), B[i][j] = cos(0.5 * (64*(i-1) + (j-1)))
  -- Reference: NumPy 1.24 float64, A @ B and A.T @ B at these (1-based) entries:
  -- {i, j, (A @ B)[i][j], (A.T @ B)[i][j]}
  local ref = {
    {1, 1, 0.7320141332969581, 0.4122039495289983},
    {6, 18, -1.1086952981854379, -0.07733505642139213},
    {32, 3, -1.7398435102503553, 0.4715017619054244},
    {64, 64, -1.8519851376483474, 0.365651914568266},
  }
  local k = mg.arange(0, 4096):double()

  it('matches NumPy in float64', function()
    local A = k:sin():view(64, 64)
    local B = (k * 0.5):cos():view(64, 64)
    local C, CT = A:matmul(B), A:t():matmul(B)
    for _, e in ipairs(ref) do
      local i, j = e[1], e[2]
      h.assert_close(C[{i, j}]:item(), e[3], 1e-12, 1e-13)
      h.assert_close(CT[{i, j}]:item(), e[4], 1e-12, 1e-13)
    end
  end)

  it('matches NumPy in float32 to single precision', function()
    local A = k:sin():float():view(64, 64)
    local B = (k * 0.5):cos():float():view(64, 64)
    local C, CT = A:matmul(B), mg.mm(A:t(), B)
    assert.are.equal('float32', C.dtype)
    for _, e in ipairs(ref) do
      local i, j = e[1], e[2]
      -- 64 products of values rounded to float32: |error| well under 1e-5
      h.assert_close(C[{i, j}]:item(), e[3], 0, 2e-5)
      h.assert_close(CT[{i, j}]:item(), e[4], 0, 2e-5)
    end
  end)
end)

-- ---- the named products -------------------------------------------------------------------

describe('mm, bmm, mv, dot, outer', function()
  it('mm multiplies matrices', function()
    assert.are.same({{19, 22}, {43, 50}}, mg.mm(mg.tensor{{1, 2}, {3, 4}}, mg.tensor{{5, 6}, {7, 8}}):totable())
    assert.are.same({{19, 22}, {43, 50}}, mg.tensor{{1, 2}, {3, 4}}:mm(mg.tensor{{5, 6}, {7, 8}}):totable())
  end)

  it('bmm multiplies batches of matrices', function()
    local a = mg.arange(12):view(2, 2, 3):float()
    local b = mg.arange(12):view(2, 3, 2):float()
    local r = mg.bmm(a, b)
    assert.are.same({2, 2, 2}, r.shape)
    for i = 1, 2 do assert.are.same(lua_mm(a:totable()[i], b:totable()[i]), r:totable()[i]) end
  end)

  it('mv multiplies a matrix and a vector', function()
    assert.are.same({5, 11}, mg.mv(mg.tensor{{1, 2}, {3, 4}}, mg.tensor{1, 2}):totable())
  end)

  it('dot gives a 0-d tensor', function()
    local d = mg.dot(mg.tensor{1, 2, 3}, mg.tensor{-1, 0, 2})
    assert.are.equal(0, d:dim())
    assert.are.equal(5, d:item())
    assert.are.equal(5, mg.tensor{1, 2, 3}:dot(mg.tensor{-1, 0, 2}):item())
  end)

  it('outer gives every product', function()
    local o = mg.outer(mg.tensor{1, 2, 3}, mg.tensor{10, 20})
    assert.are.same({{10, 20}, {20, 40}, {30, 60}}, o:totable())
    assert.are.same({3, 2}, o.shape)
  end)
end)

describe('addmm', function()
  local c = mg.tensor{{1, 1}, {1, 1}}
  local a = mg.tensor{{1, 2}, {3, 4}}
  local b = mg.tensor{{5, 6}, {7, 8}}

  it('is c + a @ b by default', function()
    assert.are.same({{20, 23}, {44, 51}}, mg.addmm(c, a, b):totable())
    assert.are.same({{20, 23}, {44, 51}}, c:addmm(a, b):totable())
  end)

  it('scales by beta and alpha', function()
    -- 2 * c + 0.5 * a @ b
    assert.are.same({{11.5, 13}, {23.5, 27}}, mg.addmm(c, a, b, {beta = 2, alpha = 0.5}):totable())
    assert.are.same({{19, 22}, {43, 50}}, mg.addmm(c, a, b, {beta = 0}):totable())
    assert.are.same({{1, 1}, {1, 1}}, mg.addmm(c, a, b, {alpha = 0}):totable())
  end)

  it('with beta = 0 ignores NaN in c, as PyTorch', function()
    local nanc = mg.full({2, 2}, 0 / 0)
    assert.are.same({{19, 22}, {43, 50}}, mg.addmm(nanc, a, b, {beta = 0}):totable())
  end)

  it('broadcasts c', function()
    assert.are.same({{20, 24}, {44, 52}}, mg.addmm(mg.tensor{1, 2}, a, b):totable())
    assert.are.same({{29, 32}, {53, 60}}, mg.addmm(mg.tensor(10), a, b):totable())
  end)

  it('leaves c unchanged', function()
    mg.addmm(c, a, b, {beta = 3})
    assert.are.same({{1, 1}, {1, 1}}, c:totable())
  end)

  it('works in float64 and int64', function()
    local r = mg.addmm(c:double(), a:double(), b:double(), {beta = 2, alpha = 0.5})
    assert.are.equal('float64', r.dtype)
    assert.are.same({{11.5, 13}, {23.5, 27}}, r:totable())
    local ri = mg.addmm(c:long(), a:long(), b:long(), {beta = 2, alpha = 3})
    assert.are.equal('int64', ri.dtype)
    assert.are.same({{59, 68}, {131, 152}}, ri:totable())
  end)
end)

-- ---- zero-size ----------------------------------------------------------------------------

describe('zero-size products', function()
  it('k = 0 gives zeros', function()
    local r = mg.matmul(mg.zeros(2, 0), mg.zeros(0, 3))
    assert.are.same({2, 3}, r.shape)
    assert.are.same({{0, 0, 0}, {0, 0, 0}}, r:totable())
    local d = mg.matmul(mg.zeros(2, 0, {dtype = 'float64'}), mg.zeros(0, 3, {dtype = 'float64'}))
    assert.are.same({{0, 0, 0}, {0, 0, 0}}, d:totable())
    local i = mg.matmul(mg.zeros(2, 0, {dtype = 'int64'}), mg.zeros(0, 3, {dtype = 'int64'}))
    assert.are.same({{0, 0, 0}, {0, 0, 0}}, i:totable())
    assert.are.equal(0, mg.dot(mg.zeros(0), mg.zeros(0)):item())
    assert.are.same({0, 0}, mg.mv(mg.zeros(2, 0), mg.zeros(0)):totable())
    assert.are.same({{0, 0}, {0, 0}}, mg.bmm(mg.zeros(1, 2, 0), mg.zeros(1, 0, 2)):totable()[1])
  end)

  it('k = 0 in addmm gives beta * c', function()
    local c = mg.tensor{{1, 2}, {3, 4}}
    assert.are.same({{2, 4}, {6, 8}}, mg.addmm(c, mg.zeros(2, 0), mg.zeros(0, 2), {beta = 2}):totable())
  end)

  it('n = 0 or m = 0 give empty results', function()
    assert.are.same({0, 2}, mg.matmul(mg.zeros(0, 3), mg.zeros(3, 2)).shape)
    assert.are.same({3, 0}, mg.matmul(mg.zeros(3, 2), mg.zeros(2, 0)).shape)
    assert.are.same({0, 3, 2}, mg.matmul(mg.zeros(0, 3, 4), mg.zeros(4, 2)).shape)
  end)
end)

-- ---- shape mismatches -----------------------------------------------------------------------

describe('shape mismatches', function()
  it('name both shapes and the sizes that differ', function()
    local err = h.assert_error_with(function() return mg.matmul(mg.zeros(2, 3), mg.zeros(4, 5)) end,
                                    'matmul: shapes {2,3} and {4,5} do not align (3 ~= 4)')
    assert.is_truthy(err)
    h.assert_error_with(function() return mg.zeros(2, 3):matmul(mg.zeros(2)) end,
                        'matmul: shapes {2,3} and {2} do not align (3 ~= 2)')
    h.assert_error_with(function() return mg.matmul(mg.zeros(3), mg.zeros(4)) end,
                        'matmul: shapes {3} and {4} do not align (3 ~= 4)')
    h.assert_error_with(function() return mg.mm(mg.zeros(2, 3), mg.zeros(2, 3)) end,
                        'shapes {2,3} and {2,3} do not align (3 ~= 2)')
  end)

  it('batch dims that do not broadcast', function()
    h.assert_error_with(function() return mg.matmul(mg.zeros(2, 3, 4), mg.zeros(3, 4, 5)) end,
                        'matmul', '{2,3,4}', '{3,4,5}')
  end)
end)
