-- Helpers shared by the busted specs in tests/lua. Specs run from the repository root, so
-- they load this with `local h = require 'tests.lua.helpers'`.
local mg = require 'moongrad'
-- busted's `assert` is luassert; a required module does not see the spec's environment.
local assert = require 'luassert'

local h = {}

-- nil when actual matches expected (nested tables of numbers/booleans; numbers within
-- atol + rtol * |expected|; NaN matches NaN), else a message naming the first mismatch.
local function mismatch(actual, expected, rtol, atol, path)
  if type(expected) == 'table' then
    if type(actual) ~= 'table' then
      return string.format('%s: expected a table, got %s', path, tostring(actual))
    end
    if #actual ~= #expected then
      return string.format('%s: expected %d entries, got %d', path, #expected, #actual)
    end
    for i = 1, #expected do
      local m = mismatch(actual[i], expected[i], rtol, atol, path .. '[' .. i .. ']')
      if m then return m end
    end
    return nil
  elseif type(expected) == 'number' then
    if type(actual) ~= 'number' then
      return string.format('%s: expected %.9g, got %s', path, expected, tostring(actual))
    end
    if expected ~= expected then
      if actual ~= actual then return nil end
    elseif actual == expected or math.abs(actual - expected) <= atol + rtol * math.abs(expected) then
      return nil
    end
    return string.format('%s: expected %.17g, got %.17g', path, expected, actual)
  end
  if actual ~= expected then
    return string.format('%s: expected %s, got %s', path, tostring(expected), tostring(actual))
  end
end

-- Asserts actual matches expected (either may be a tensor, compared by its totable()).
-- Float32 tolerance (~1e-6 relative) by default.
function h.assert_close(actual, expected, rtol, atol)
  if mg.is_tensor(actual) then actual = actual:totable() end
  if mg.is_tensor(expected) then expected = expected:totable() end
  local m = mismatch(actual, expected, rtol or 1e-6, atol or 1e-7, 'value')
  assert.is_true(m == nil, m)
end

-- Compares nested tables of numbers within tol * (1 + |expected|) (1e-6 by default), one
-- assertion per number; NaN equals NaN and infinities must match exactly.
function h.assert_near(actual, expected, tol, path)
  path = path or 'value'
  if type(expected) == 'table' then
    assert.are.equal('table', type(actual), path .. ' is not a table')
    assert.are.equal(#expected, #actual, path .. ' has the wrong length')
    for i = 1, #expected do h.assert_near(actual[i], expected[i], tol, path .. '[' .. i .. ']') end
  elseif expected ~= expected then
    assert.is_true(actual ~= actual, path .. ': expected NaN, got ' .. tostring(actual))
  elseif expected == math.huge or expected == -math.huge then
    assert.are.equal(expected, actual, path)
  else
    assert.are.near(expected, actual, (tol or 1e-6) * (1 + math.abs(expected)), path)
  end
end

-- The error message of f(), which must fail; each needle must appear in it (plain text).
function h.assert_error_with(f, ...)
  local ok, err = pcall(f)
  assert.is_false(ok, 'expected an error')
  err = tostring(err)
  for _, needle in ipairs({...}) do
    assert.is_truthy(string.find(err, needle, 1, true),
                     string.format('error %q does not mention %q', err, needle))
  end
  return err
end

-- The message of f()'s error without its position, checking that the position is in the
-- spec file named spec ('frame_spec.lua:'): errors point at the caller's line.
function h.error_in(spec, f)
  local ok, e = pcall(f)
  assert.is_false(ok, 'expected an error')
  e = tostring(e)
  assert.is_truthy(e:find(spec, 1, true), 'error does not point at the spec: ' .. e)
  return (e:gsub('^[^\n]-:%d+: ', '', 1))
end

-- Asserts that column name of a Frame has type dtype and holds expected (mg.data.NA for a
-- missing value): floats within tol (1e-12 by default) relative, and of Lua's float subtype;
-- int64 values exactly, of its integer subtype; others exactly.
function h.check_column(df, name, dtype, expected, tol)
  assert.are.equal(dtype, df:dtypes()[name], 'type of ' .. name)
  local v = df:values(name)
  assert.are.equal(#expected, v.n, 'rows of ' .. name)
  for i, want in ipairs(expected) do
    local where = ('%s[%d]'):format(name, i)
    if want == mg.data.NA then
      assert.is_nil(v[i], where)
    elseif dtype == 'float64' then
      assert.are.equal('float', math.type(v[i]), where)
      h.assert_near(v[i], want, tol or 1e-12, where)
    elseif dtype == 'int64' then
      assert.are.equal('integer', math.type(v[i]), where)
      assert.are.equal(want, v[i], where)
    else
      assert.are.equal(want, v[i], where)
    end
  end
end

-- Files: the whole content of path; bytes written to path (returned); whether path exists.
function h.read_file(path)
  local f = assert(io.open(path, 'rb'))
  local s = f:read('a')
  f:close()
  return s
end

function h.write_file(path, bytes)
  local f = assert(io.open(path, 'wb'))
  f:write(bytes)
  f:close()
  return path
end

function h.file_exists(path)
  local f = io.open(path, 'rb')
  if f then f:close() end
  return f ~= nil
end

return h
