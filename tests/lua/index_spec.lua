-- Indexing from Lua: index_select, gather, scatter_add(_), index_add_, masked_fill(_),
-- nonzero, masked_select, any, all and one_hot, with 1-based dims and indices. Expected values are worked out by hand in the
-- comments (index_add_'s also recorded from torch 1.13's Tensor.index_add_, 0-based there).
local mg = require 'moongrad'
local h = require 'tests.lua.helpers'

local function idx(list) return mg.tensor(list, {dtype = 'int64'}) end

describe('index_select', function()
  local t = mg.tensor{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}

  it('picks rows along dim 1 and columns along dim 2, repeats allowed', function()
    local r = t:index_select(1, idx{3, 1, 3})
    assert.are.same({3, 3}, r.shape)
    assert.are.equal('float32', r.dtype)
    assert.are.same({{7, 8, 9}, {1, 2, 3}, {7, 8, 9}}, r:totable())
    assert.are.same({{3, 2}, {6, 5}, {9, 8}}, t:index_select(2, idx{3, 2}):totable())
    assert.are.same({{3, 2}, {6, 5}, {9, 8}}, t:index_select(-1, idx{3, 2}):totable())
    assert.are.same({{4, 5, 6}}, mg.index_select(t, 1, idx{2}):totable())
  end)

  it('works on transposed tensors and other dtypes', function()
    -- t^T = {{1,4,7},{2,5,8},{3,6,9}}
    assert.are.same({{3, 6, 9}, {1, 4, 7}}, t:t():index_select(1, idx{3, 1}):totable())
    local b = mg.tensor{true, false, true}
    assert.are.same({false, true}, b:index_select(1, idx{2, 1}):totable())
    local i = mg.tensor({10, 20, 30}, {dtype = 'int64'})
    local r = i:index_select(1, idx{3, 3})
    assert.are.equal('int64', r.dtype)
    assert.are.same({30, 30}, r:totable())
  end)

  it('gives an empty result for an empty index', function()
    local r = t:index_select(1, mg.tensor({}, {dtype = 'int64'}))
    assert.are.same({0, 3}, r.shape)
  end)

  it('rejects bad indices and arguments, naming the function', function()
    h.assert_error_with(function() t:index_select(1, idx{1, 4}) end, 'index_select', '4')
    h.assert_error_with(function() t:index_select(2, idx{0}) end, 'index_select', '0')
    h.assert_error_with(function() t:index_select(1, mg.tensor{1, 2}) end, 'index_select',
                        'int64', 'float32')
    h.assert_error_with(function() t:index_select(1, {1, 2}) end, "'index_select'", 'tensor')
    h.assert_error_with(function() t:index_select('x', idx{1}) end, "'index_select'")
    h.assert_error_with(function() t:index_select(3, idx{1}) end, 'index_select', 'dimension')
    h.assert_error_with(function() t:index_select(1, idx{{1, 2}}) end, 'index_select', '1-D')
  end)
end)

describe('gather', function()
  local t = mg.tensor{{1, 2}, {3, 4}}

  it('gathers along a dim as PyTorch does', function()
    -- out[i][j] = t[i][idx[i][j]]
    assert.are.same({{1, 1}, {4, 3}}, t:gather(2, idx{{1, 1}, {2, 1}}):totable())
    -- out[i][j] = t[idx[i][j]][j]
    assert.are.same({{3, 2}, {1, 4}, {3, 4}}, t:gather(1, idx{{2, 1}, {1, 2}, {2, 2}}):totable())
    assert.are.same({{2}}, mg.gather(t, 2, idx{{2}}):totable())
  end)

  it('works on a transposed tensor and with an int64 source', function()
    -- t^T = {{1,3},{2,4}}
    assert.are.same({{3, 1}, {2, 2}}, t:t():gather(2, idx{{2, 1}, {1, 1}}):totable())
    local i = mg.tensor({{5, 6, 7}}, {dtype = 'int64'})
    local r = i:gather(2, idx{{3, 1}})
    assert.are.equal('int64', r.dtype)
    assert.are.same({{7, 5}}, r:totable())
  end)

  it('rejects bad indices and arguments, naming the function', function()
    h.assert_error_with(function() t:gather(2, idx{{1, 3}}) end, 'gather', '3')
    h.assert_error_with(function() t:gather(2, mg.tensor{{1}}) end, 'gather', 'int64')
    h.assert_error_with(function() t:gather(2, idx{1, 2}) end, 'gather', 'dimensions')
    h.assert_error_with(function() t:gather(2, idx{{1}, {1}, {1}}) end, 'gather', 'larger')
    h.assert_error_with(function() t:gather(2, 'x') end, "'gather'", 'tensor')
    h.assert_error_with(function() t:gather(nil, idx{{1}}) end, "'gather'")
  end)
end)

describe('scatter_add', function()
  it('adds src at the indices along dim into a copy', function()
    local t = mg.zeros(2, 4)
    -- row 1: positions 1, 1, 4 get 1, 2, 3; row 2: positions 2, 3, 2 get 4, 5, 6
    local r = t:scatter_add(2, idx{{1, 1, 4}, {2, 3, 2}}, mg.tensor{{1, 2, 3}, {4, 5, 6}})
    assert.are.same({{3, 0, 0, 3}, {0, 10, 5, 0}}, r:totable())
    assert.are.same({{0, 0, 0, 0}, {0, 0, 0, 0}}, t:totable())
  end)

  it('adds in place with scatter_add_ and returns the tensor', function()
    local t = mg.tensor({{1, 2, 3}, {4, 5, 6}}, {dtype = 'int64'})
    local src = mg.tensor({{10, 20, 30}, {40, 50, 60}}, {dtype = 'int64'})
    -- t[idx[i][j]][j] += src[i][j]
    local r = t:scatter_add_(1, idx{{2, 1, 2}, {2, 2, 1}}, src)
    assert.are.equal(t, r)
    assert.are.same({{1, 22, 63}, {54, 55, 36}}, t:totable())
  end)

  it('counts labels into bins', function()
    local labels = idx{3, 1, 3, 3, 2}
    local ones = mg.ones({5}, {dtype = 'int64'})
    local counts = mg.zeros({3}, {dtype = 'int64'}):scatter_add_(1, labels, ones)
    assert.are.same({1, 1, 3}, counts:totable())
  end)

  it('rejects bad input and leaves the tensor unchanged', function()
    local t = mg.tensor{{1, 2}, {3, 4}}
    local src = mg.tensor{{10, 20}, {30, 40}}
    h.assert_error_with(function() t:scatter_add_(1, idx{{1, 3}}, src) end, 'scatter_add_', '3')
    h.assert_error_with(function() t:scatter_add_(1, mg.tensor{{1, 1}}, src) end, 'scatter_add_',
                        'int64')
    h.assert_error_with(function() t:scatter_add_(1, idx{{1, 1}}, src:double()) end, 'scatter_add_',
                        'float64')
    h.assert_error_with(function() t:scatter_add_(1, idx{{1, 1}}, 5) end, "'scatter_add_'", 'tensor')
    h.assert_error_with(function() t:scatter_add(1, idx{{1, 2, 1}}, src) end, 'scatter_add', 'larger')
    h.assert_error_with(function() t:scatter_add_(1, idx{{1, 1}}, 'x') end, "'scatter_add_'")
    local e = t:expand(2, 2, 2)
    h.assert_error_with(function() e:scatter_add_(1, idx{{{1, 1}}}, mg.ones(1, 1, 2)) end,
                        'scatter_add_', 'expanded')
    assert.are.same({{1, 2}, {3, 4}}, t:totable())
  end)
end)

describe('index_add_', function()
  it('adds the rows of source into the rows index names, repeats adding up', function()
    -- t[3] = {5,6} + {10,20} + {50,60}, t[1] = {1,2} + {30,40}
    local t = mg.tensor{{1, 2}, {3, 4}, {5, 6}}
    local r = t:index_add_(1, idx{3, 1, 3}, mg.tensor{{10, 20}, {30, 40}, {50, 60}})
    assert.are.equal(t, r)
    assert.are.same({{31, 42}, {3, 4}, {65, 86}}, t:totable())
  end)

  it('adds columns along dim 2, also into a transposed tensor', function()
    -- each row: position 3 gets the first two values, position 1 the third
    local src = mg.tensor{{1, 2, 3}, {4, 5, 6}}
    assert.are.same({{3, 0, 3}, {6, 0, 9}}, mg.zeros(2, 3):index_add_(2, idx{3, 3, 1}, src):totable())
    assert.are.same({{3, 0, 3}, {6, 0, 9}}, mg.zeros(2, 3):index_add_(-1, idx{3, 3, 1}, src):totable())
    local base = mg.zeros(3, 2)
    base:t():index_add_(2, idx{3, 3, 1}, src)
    assert.are.same({{3, 6}, {0, 0}, {3, 9}}, base:totable())
    assert.are.same({{1, 2, 3}, {4, 5, 6}}, src:totable())
  end)

  it('counts labels into bins (int64), and is also a function', function()
    local counts = mg.index_add_(mg.zeros({3}, {dtype = 'int64'}), 1, idx{3, 1, 3, 3, 2},
                                 mg.ones({5}, {dtype = 'int64'}))
    assert.are.same({1, 1, 3}, counts:totable())
    assert.are.equal('int64', counts.dtype)
  end)

  it('sums many rows into few exactly', function()
    -- 30000 rows {1, 2} at labels 1, 2, 3, 1, 2, 3, ...: each bin gets 10000 of them
    local n = 30000
    local labels = idx{1, 2, 3}:view(1, 3):expand(n // 3, 3):contiguous():view(n)
    local rows = mg.tensor{{1, 2}}:expand(n, 2):contiguous()
    assert.are.same({{10000, 20000}, {10000, 20000}, {10000, 20000}},
                    mg.zeros(3, 2):index_add_(1, labels, rows):totable())
  end)

  it('rejects bad input and leaves the tensor unchanged', function()
    local t = mg.tensor{{1, 2}, {3, 4}}
    local ones = mg.ones(2, 2)
    h.assert_error_with(function() t:index_add_(1, idx{1, 3}, ones) end, 'index_add_', '3',
                        'out of range')
    h.assert_error_with(function() t:index_add_(1, idx{0, 1}, ones) end, 'index_add_', '0')
    h.assert_error_with(function() t:index_add_(1, mg.tensor{1, 2}, ones) end, 'index_add_', 'int64')
    h.assert_error_with(function() t:index_add_(1, idx{{1, 2}}, ones) end, 'index_add_', '1-D')
    h.assert_error_with(function() t:index_add_(1, idx{1, 2}, ones:double()) end, 'index_add_',
                        'float64')
    h.assert_error_with(function() t:index_add_(1, idx{1, 2}, mg.ones(3, 2)) end, 'index_add_',
                        'shape {2,2} with 2 along dimension 1', '{3,2}')
    h.assert_error_with(function() t:index_add_(2, idx{1}, mg.ones(2, 2)) end, 'index_add_',
                        'with 1 along dimension 2')
    h.assert_error_with(function() t:index_add_(3, idx{1, 2}, ones) end, 'index_add_', 'dim')
    h.assert_error_with(function() t:index_add_(1, idx{1, 2}, 5) end, "'index_add_'", 'tensor')
    local w = mg.ones(2, 2, {requires_grad = true})
    h.assert_error_with(function() w:index_add_(1, idx{1, 2}, ones) end, 'index_add_',
                        'requires grad')
    h.assert_error_with(function() t:index_add_(1, idx{1, 2}, w) end, 'index_add_', 'requires grad')
    h.assert_error_with(function() t:expand(2, 2, 2):index_add_(1, idx{1}, mg.ones(1, 2, 2)) end,
                        'index_add_', 'expanded')
    assert.are.same({{1, 2}, {3, 4}}, t:totable())
  end)
end)

describe('masked_fill', function()
  local t = mg.tensor{{1, 2, 3}, {4, 5, 6}}

  it('fills where the mask holds, broadcasting the mask', function()
    local m = mg.tensor{{true, false, true}, {false, false, true}}
    assert.are.same({{-1, 2, -1}, {4, 5, -1}}, t:masked_fill(m, -1):totable())
    local cols, rows = mg.tensor{false, true, false}, mg.tensor{{true}, {false}}
    assert.are.same({{1, 0, 3}, {4, 0, 6}}, t:masked_fill(cols, 0):totable())
    assert.are.same({{9, 9, 9}, {4, 5, 6}}, mg.masked_fill(t, rows, 9):totable())
    assert.are.same({{1, 2, 3}, {4, 5, 6}}, t:totable())
  end)

  it('casts the value to the tensor dtype', function()
    local i = mg.tensor({1, 2, 3}, {dtype = 'int64'})
    local r = i:masked_fill(mg.tensor{true, false, false}, 7.9)
    assert.are.equal('int64', r.dtype)
    assert.are.same({7, 2, 3}, r:totable())
    local b = mg.tensor{false, false}
    assert.are.same({true, false}, b:masked_fill(mg.tensor{true, false}, true):totable())
    assert.are.same({true, false}, b:masked_fill(mg.tensor{true, false}, 1):totable())
  end)

  it('fills in place with masked_fill_ and returns the tensor', function()
    local u = mg.tensor{{1, 2}, {3, 4}}
    local r = u:masked_fill_(u:gt(2), 0)
    assert.are.equal(u, r)
    assert.are.same({{1, 2}, {0, 0}}, u:totable())
    -- through a transposed view: v^T[1][2] is v[2][1]
    local v = mg.tensor{{1, 2}, {3, 4}}
    v:t():masked_fill_(mg.tensor{{false, true}, {false, false}}, 5)
    assert.are.same({{1, 2}, {5, 4}}, v:totable())
  end)

  it('rejects bad masks and values, naming the function', function()
    local u = mg.tensor{1, 2, 3}
    h.assert_error_with(function() u:masked_fill(mg.tensor{1, 0, 1}, 0) end, 'masked_fill', 'bool')
    h.assert_error_with(function() u:masked_fill(mg.tensor{true, false}, 0) end, 'masked_fill')
    h.assert_error_with(function() u:masked_fill_(mg.tensor{{true}, {false}}, 0) end, 'masked_fill_')
    -- Lua counts a method's arguments after self
    h.assert_error_with(function() u:masked_fill(mg.tensor{true, false, true}, 'x') end,
                        "bad argument #2 to 'masked_fill'", 'number expected')
    h.assert_error_with(function() mg.masked_fill(u, mg.tensor{true, false, true}, 'x') end,
                        "bad argument #3 to 'masked_fill'", 'number expected')
    h.assert_error_with(function() u:masked_fill({true, false, true}, 0) end,
                        "bad argument #1 to 'masked_fill'", 'tensor expected')
    assert.are.same({1, 2, 3}, u:totable())
  end)
end)

describe('one_hot', function()
  it('sets position k for class k', function()
    local r = idx{1, 3, 2}:one_hot(3)
    assert.are.equal('int64', r.dtype)
    assert.are.same({3, 3}, r.shape)
    assert.are.same({{1, 0, 0}, {0, 0, 1}, {0, 1, 0}}, r:totable())
    assert.are.same({{0, 1, 0, 0}}, mg.one_hot(idx{2}, 4):totable())
  end)

  it('infers max(idx) classes when num_classes is left out', function()
    assert.are.same({{0, 1}, {1, 0}}, idx{2, 1}:one_hot():totable())
    assert.are.same({2, 1, 3}, mg.one_hot(idx{{3}, {1}}).shape)
  end)

  it('handles empty index tensors', function()
    assert.are.same({0, 4}, mg.one_hot(mg.tensor({}, {dtype = 'int64'}), 4).shape)
  end)

  it('rejects bad classes and arguments, naming the function', function()
    h.assert_error_with(function() idx{1, 4}:one_hot(3) end, 'one_hot', '4')
    h.assert_error_with(function() idx{0}:one_hot() end, 'one_hot', '0')
    h.assert_error_with(function() mg.tensor{1, 2}:one_hot(2) end, 'one_hot', 'int64')
    h.assert_error_with(function() idx{1}:one_hot('x') end, "bad argument #1 to 'one_hot'")
    h.assert_error_with(function() mg.one_hot(idx{1}, 'x') end, "bad argument #2 to 'one_hot'")
    h.assert_error_with(function() mg.one_hot('x') end, "'one_hot'")
  end)
end)

-- by hand (as torch.nonzero, torch.masked_select, Tensor.any/all, 1-based here)
describe('nonzero, masked_select, any and all', function()
  local x = mg.tensor{{0, 1.5, 0}, {-2, 0, 3}}

  it('nonzero lists the indices of nonzero elements row by row', function()
    local nz = x:nonzero()
    assert.are.equal('int64', nz.dtype)
    assert.are.same({{1, 2}, {2, 1}, {2, 3}}, nz:totable())
    assert.are.same({{2}, {4}}, mg.tensor({false, true, false, true}, {dtype = 'bool'}):nonzero():totable())
    assert.are.same({0, 2}, mg.zeros(2, 3):nonzero().shape)
    assert.are.same({{1, 2}, {2, 1}, {3, 2}}, x:t():nonzero():totable()) -- x^T = {{0, -2}, {1.5, 0}, {0, 3}}
  end)

  it('masked_select keeps the elements under a true mask, broadcasting the mask', function()
    assert.are.same({1.5, -2, 3}, x:masked_select(x:ne(0)):totable())
    -- the mask's columns 2 and 3, in each row
    assert.are.same({1.5, 0, 0, 3}, x:masked_select(mg.tensor({false, true, true}, {dtype = 'bool'})):totable())
    assert.are.same({}, x:masked_select(x:gt(10)):totable())
  end)

  it('any and all over every element or along a dim', function()
    assert.is_true(x:any():item())
    assert.is_false(x:all():item())
    assert.are.same({true, true, true}, x:any(1):totable())
    assert.are.same({false, false}, x:all(2):totable())
    assert.are.same({{true}, {true}}, x:ne(0):any(2, {keepdim = true}):totable())
    assert.is_true(mg.ones(2, 2):all():item())
    assert.is_false(mg.zeros(3):any():item())
  end)

  it('reject a mask that is not a bool tensor', function()
    h.assert_error_with(function() x:masked_select(1) end, 'masked_select: expected a bool mask tensor, got number')
    h.assert_error_with(function() x:masked_select(x) end, 'masked_select: expected a bool mask tensor, got float32')
    h.assert_error_with(function() x:masked_select(mg.tensor({true, false}, {dtype = 'bool'})) end, 'where')
  end)
end)
