-- Tutorial 01: tensors and broadcasting.
--
-- What you learn: how to make tensors, read their shape and dtype, tell a view from a
-- copy, index them (1-based, as everything in Lua), reduce over a dimension, combine
-- tensors of different shapes by broadcasting, and change a tensor in place with the
-- methods that end in `_`.
--
-- Run it from the repository root (or from anywhere, with the path to the script):
--   build/moongrad examples/tutorial/01_tensors.lua
-- Read it top to bottom next to its output: every printed "key: value" line states one
-- thing the code just showed, with the numbers it got.
local mg = require 'moongrad'
mg.manual_seed(0) -- the same "random" numbers on every run

-- A tensor's shape is a Lua table of sizes; this prints it the way moongrad's own
-- messages do, e.g. {2,3}.
local function shape(t) return '{' .. table.concat(t.shape, ',') .. '}' end
-- The numbers of a 1-D tensor on one line.
local function values(t)
  local out = {}
  for i, v in ipairs(t:totable()) do out[i] = string.format('%g', v) end
  return table.concat(out, ' ')
end
-- A one-element tensor as a plain number, printed without a trailing .0.
local function num(t) return string.format('%g', t:item()) end
local function section(title) print('\n== ' .. title .. ' ==') end

-------------------------------------------------------------------------------------------
section('creating tensors')
-- From a nested Lua table: the nesting gives the shape. The default dtype is float32,
-- which is what networks are trained in.
local x = mg.tensor{{1, 2, 3},
                    {4, 5, 6}}
print(x)
print('shape of x: ' .. shape(x))
print('dtype of x: ' .. x.dtype)
print('x:size(1) (rows): ' .. x:size(1))
print('x:size(2) (columns): ' .. x:size(2))
print('number of elements: ' .. x:numel())

-- Factories take sizes and an optional table of options at the end.
local z = mg.zeros(2, 3)
local r = mg.randn(2, 3, {dtype = 'float64'}) -- normal(0, 1), in double precision
local labels = mg.tensor({1, 2, 2, 1}, {dtype = 'int64'}) -- class labels are integers
print('dtype of mg.zeros(2, 3): ' .. z.dtype)
print('dtype of mg.randn(2, 3, {dtype = "float64"}): ' .. r.dtype)
print('dtype of labels: ' .. labels.dtype)
-- mg.arange follows PyTorch: the end is left out, so arange(1, 5) is 1 2 3 4.
print('mg.arange(1, 5): ' .. values(mg.arange(1, 5)))
-- A comparison gives a bool tensor (a mask); summing it counts the trues.
local mask = x:gt(3)
print('dtype of x:gt(3): ' .. mask.dtype)
print('elements of x greater than 3: ' .. mask:sum():item())
-- :to(dtype) (or :double(), :float(), :long()) converts, making a new tensor.
print('dtype of x:double(): ' .. x:double().dtype)

-------------------------------------------------------------------------------------------
section('indexing (1-based)')
-- t[i] selects along dimension 1; t[{i, j}] picks one element as a 0-d tensor, and
-- :item() turns a one-element tensor into a plain Lua number.
print('x[{2, 3}]:item(): ' .. num(x[{2, 3}]))
print('x[2] (row 2): ' .. values(x[2]))
-- A table {from, to} in a position takes that range (both ends included); {} takes all.
local cols = x[{{}, {2, 3}}]
print('shape of x[{{}, {2, 3}}]: ' .. shape(cols))
-- Negative indices count from the end: -1 is the last.
print('x[{1, -1}]:item(): ' .. num(x[{1, -1}]))

-------------------------------------------------------------------------------------------
section('views and copies')
-- A view is a new tensor header on the SAME memory: view, t (transpose), narrow,
-- select and indexing all make views, so they are free and writing through them
-- changes the original.
local v = x:view(3, 2)
print('shape of x:view(3, 2): ' .. shape(v))
v[{1, 1}] = 100
print('x[{1, 1}] after writing 100 through the view: ' .. num(x[{1, 1}]))
-- clone() copies the memory: writing to the copy leaves x alone.
local c = x:clone()
c[{1, 1}] = -1
print('x[{1, 1}] after writing -1 into a clone: ' .. num(x[{1, 1}]))
x[{1, 1}] = 1 -- put it back
-- A transpose is a view with swapped strides, so it is not contiguous in memory and
-- view() cannot flatten it; reshape() copies when it has to.
local xt = x:t()
print('x:t() is contiguous: ' .. tostring(xt:is_contiguous()))
local ok_view, view_err = pcall(function() return xt:view(6) end)
print('view of a transpose works: ' .. tostring(ok_view))
print('why: ' .. tostring(view_err):gsub('^.-: (view:)', '%1'))
print('x:t():reshape(6): ' .. values(xt:reshape(6)))

-------------------------------------------------------------------------------------------
section('reductions over a dimension')
-- sum(d) adds up along dimension d, and that dimension disappears from the shape:
-- x is {2,3}, so x:sum(1) adds the 2 rows (one result per column) and has shape {3},
-- x:sum(2) adds the 3 columns (one result per row) and has shape {2}.
print('x:sum(): ' .. num(x:sum()))
print('x:sum(1): ' .. values(x:sum(1)))
print('shape of x:sum(1): ' .. shape(x:sum(1)))
print('x:sum(2): ' .. values(x:sum(2)))
print('shape of x:sum(2): ' .. shape(x:sum(2)))
-- {keepdim = true} keeps the reduced dimension with size 1, ready for broadcasting.
print('shape of x:sum(2, {keepdim = true}): ' .. shape(x:sum(2, {keepdim = true})))
print('x:mean(2): ' .. values(x:mean(2)))
-- max(d) returns the values and where they are (1-based indices, int64).
local best, where = x:max(2)
print('x:max(2) values: ' .. values(best))
print('x:max(2) indices: ' .. values(where))

-------------------------------------------------------------------------------------------
section('broadcasting')
-- Two shapes broadcast when, lined up from the right, each pair of sizes is equal or
-- one of them is 1 (a missing dimension counts as 1). A size-1 dimension is stretched to
-- match, without copying any memory.
--   a: {3,1}    column 1, 2, 3
--   b: {1,4}    row 10, 20, 30, 40
--   a + b: {3,4} with (a + b)[i][j] = a[i] + b[j]: an addition table.
local a = mg.tensor{{1}, {2}, {3}}
local b = mg.tensor{{10, 20, 30, 40}}
local ab = a + b
print(ab)
print('broadcast ' .. shape(a) .. ' + ' .. shape(b) .. ' -> ' .. shape(ab))
print('row 2 of a + b: ' .. values(ab[2]))
-- The most common case: a {3} row vector is added to every row of a {2,3} matrix,
-- e.g. a bias added to every sample of a batch.
local bias = mg.tensor{10, 20, 30}
print('broadcast ' .. shape(x) .. ' + ' .. shape(bias) .. ' -> ' .. shape(x + bias))
print('row 1 of x + bias: ' .. values((x + bias)[1]))
-- Centering the columns: the {3} means broadcast against the {2,3} matrix.
local centered = x - x:mean(1)
print('column sums after subtracting the column means: ' .. values(centered:sum(1)))
-- Shapes that do not line up are an error that names both shapes.
local ok, err = pcall(function() return mg.ones(2, 3) + mg.ones(4, 3) end)
print('{2,3} + {4,3} broadcasts: ' .. tostring(ok))
print('error: ' .. tostring(err):gsub('^.-: (add:)', '%1'))

-------------------------------------------------------------------------------------------
section('in-place operations')
-- x + 1 makes a new tensor; x:add_(1) changes x itself (the trailing _ says "in place")
-- and saves an allocation. Views see the change, because they share x's memory.
local y = mg.tensor{1, 2, 3}
local y2 = y + 1
print('y after y + 1: ' .. values(y) .. '  (a new tensor holds ' .. values(y2) .. ')')
local first = y:narrow(1, 1, 1) -- a view of y's first element
y:add_(1)
print('y after y:add_(1): ' .. values(y))
y:mul_(10)
print('y after y:mul_(10): ' .. values(y))
print('the view of y[1] now reads: ' .. num(first))
y:zero_()
print('y after y:zero_(): ' .. values(y))
