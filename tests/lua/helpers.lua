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

return h
