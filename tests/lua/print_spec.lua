-- tostring(t): values laid out in rows (summarised past 1000 elements), then a footer
-- "[dtype tensor of shape {sizes}]". The layout expected here is lua/moongrad/format.lua's:
-- one number format for all values shown (integral floats without decimals, else %.4f, or
-- %.4e for very large/small magnitudes), right-aligned to a common width, separated by one
-- space; 3-D and more as Torch7's "(i,.,.) =" blocks, each followed by a blank line.
local mg = require 'moongrad'

local function lines_of(s)
  local out = {}
  for line in (s .. '\n'):gmatch('(.-)\n') do out[#out + 1] = line end
  return out
end

describe('tostring of a tensor', function()
  it('a small float32 matrix, columns aligned', function()
    assert.are.equal(' 1.5000  2.0000  3.0000\n' ..
                     ' 4.0000  5.0000 -6.0000\n' ..
                     '[float32 tensor of shape {2,3}]',
                     tostring(mg.tensor{{1.5, 2, 3}, {4, 5, -6}}))
  end)

  it('the footer names dtype and shape', function()
    local s = tostring(mg.zeros(2, 3))
    assert.are.equal('[float32 tensor of shape {2,3}]', lines_of(s)[#lines_of(s)])
    local d = tostring(mg.zeros(2, {dtype = 'float64'}))
    assert.are.equal('[float64 tensor of shape {2}]', lines_of(d)[#lines_of(d)])
  end)

  it('a float32 matrix of whole numbers', function()
    assert.are.equal('1 2 3\n4 5 6\n[float32 tensor of shape {2,3}]',
                     tostring(mg.tensor{{1, 2, 3}, {4, 5, 6}}))
  end)

  it('a 1-D float tensor is one row', function()
    assert.are.equal('0.0000 0.2500 0.5000 0.7500\n[float32 tensor of shape {4}]',
                     tostring(mg.arange(0, 1, 0.25)))
  end)

  it('int64', function()
    assert.are.equal('  1 -20   3\n[int64 tensor of shape {1,3}]',
                     tostring(mg.tensor({{1, -20, 3}}, {dtype = 'int64'})))
    assert.are.equal('0 1 2 3 4\n[int64 tensor of shape {5}]', tostring(mg.arange(5)))
  end)

  it('bool', function()
    assert.are.equal(' true false\n[bool tensor of shape {2}]', tostring(mg.tensor{true, false}))
    assert.are.equal(' true false\nfalse  true\n[bool tensor of shape {2,2}]',
                     tostring(mg.tensor{{true, false}, {false, true}}))
  end)

  it('0-d', function()
    assert.are.equal('2.5000\n[float32 tensor of shape {}]', tostring(mg.tensor(2.5)))
    assert.are.equal('7\n[int64 tensor of shape {}]', tostring(mg.tensor(7, {dtype = 'int64'})))
    assert.are.equal('true\n[bool tensor of shape {}]', tostring(mg.tensor(true)))
  end)

  it('empty', function()
    assert.are.equal('[]\n[float32 tensor of shape {0}]', tostring(mg.zeros(0)))
    assert.are.equal('[]\n[float32 tensor of shape {2,0}]', tostring(mg.zeros(2, 0)))
    assert.are.equal('[]\n[int64 tensor of shape {0,3,4}]', tostring(mg.zeros(0, 3, 4, {dtype = 'int64'})))
  end)

  it('a 3-D tensor as blocks with "(i,.,.) =" headers', function()
    assert.are.equal('(1,.,.) =\n' ..
                     ' 0  1  2\n' ..
                     ' 3  4  5\n' ..
                     '\n' ..
                     '(2,.,.) =\n' ..
                     ' 6  7  8\n' ..
                     ' 9 10 11\n' ..
                     '\n' ..
                     '[int64 tensor of shape {2,2,3}]',
                     tostring(mg.arange(12):view(2, 2, 3)))
    assert.are.equal('(1,.,.) =\n' ..
                     '0.0000 0.5000\n' ..
                     '1.0000 1.5000\n' ..
                     '\n' ..
                     '(2,.,.) =\n' ..
                     '2.0000 2.5000\n' ..
                     '3.0000 3.5000\n' ..
                     '\n' ..
                     '[float32 tensor of shape {2,2,2}]',
                     tostring(mg.arange(8):float():view(2, 2, 2) * 0.5))
  end)

  it('a 4-D tensor with two leading indices in its headers', function()
    local s = tostring(mg.arange(24):view(2, 2, 2, 3))
    local l = lines_of(s)
    assert.are.equal('(1,1,.,.) =', l[1])
    assert.are.equal('(1,2,.,.) =', l[5])
    assert.are.equal('(2,1,.,.) =', l[9])
    assert.are.equal('(2,2,.,.) =', l[13])
    assert.are.equal('21 22 23', l[15])
    assert.are.equal('[int64 tensor of shape {2,2,2,3}]', l[#l])
  end)

  it('shows a non-contiguous tensor in its logical order', function()
    assert.are.equal('0 3\n1 4\n2 5\n[int64 tensor of shape {3,2}]',
                     tostring(mg.arange(6):view(2, 3):t()))
    assert.are.equal('1 1 1\n2 2 2\n[float32 tensor of shape {2,3}]',
                     tostring(mg.tensor{{1}, {2}}:expand(2, 3)))
  end)

  it('very small or large magnitudes in scientific notation', function()
    assert.are.equal('1.0000e-05 1.0000e+00\n[float32 tensor of shape {2}]', tostring(mg.tensor{1e-5, 1}))
    assert.are.equal('1.0000e+06 1.5000e+00\n[float32 tensor of shape {2}]', tostring(mg.tensor{1e6, 1.5}))
  end)

  it('NaN and infinities', function()
    assert.are.equal('   nan    inf   -inf 1.5000\n[float32 tensor of shape {4}]',
                     tostring(mg.tensor{0 / 0, 1 / 0, -1 / 0, 1.5}))
  end)
end)

describe('tostring of a large tensor', function()
  it('2000x2000 zeros is summarised: short, with "..."', function()
    local s = tostring(mg.zeros(2000, 2000))
    assert.is_true(#s < 1000, 'length ' .. #s)
    assert.is_truthy(s:find('...', 1, true))
    assert.are.equal('0 0 0 ... 0 0 0\n' ..
                     '0 0 0 ... 0 0 0\n' ..
                     '0 0 0 ... 0 0 0\n' ..
                     '...\n' ..
                     '0 0 0 ... 0 0 0\n' ..
                     '0 0 0 ... 0 0 0\n' ..
                     '0 0 0 ... 0 0 0\n' ..
                     '[float32 tensor of shape {2000,2000}]', s)
  end)

  it('a long 1-D tensor shows its first and last three values', function()
    assert.are.equal('   0    1    2  ... 1997 1998 1999\n[int64 tensor of shape {2000}]',
                     tostring(mg.arange(2000)))
  end)

  it('summarises past 1000 elements only', function()
    assert.is_nil(tostring(mg.zeros(1000)):find('...', 1, true))
    assert.is_truthy(tostring(mg.zeros(1001)):find('...', 1, true))
    -- a dim of 6 or fewer is never cut
    local l = lines_of(tostring(mg.zeros(6, 200)))
    assert.are.equal(7, #l)
    assert.are.equal('0 0 0 ... 0 0 0', l[6])
  end)

  it('a large 3-D tensor keeps the first and last three blocks with their indices', function()
    local s = tostring(mg.arange(8000):view(20, 20, 20))
    assert.is_true(#s < 3000, 'length ' .. #s)
    for _, h in ipairs({'(1,.,.) =', '(2,.,.) =', '(3,.,.) =', '(18,.,.) =', '(19,.,.) =', '(20,.,.) ='}) do
      assert.is_truthy(s:find(h, 1, true), h)
    end
    assert.is_nil(s:find('(4,.,.) =', 1, true))
    assert.is_nil(s:find('(17,.,.) =', 1, true))
    -- the last row of the last block: 7980 .. 7999
    assert.is_truthy(s:find('7980 7981 7982  ... 7997 7998 7999', 1, true))
    assert.are.equal('[int64 tensor of shape {20,20,20}]', lines_of(s)[#lines_of(s)])
  end)
end)
