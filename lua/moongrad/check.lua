-- moongrad.check: what the Lua library's modules share to check their arguments.
--
-- Failures: errors raised deep inside a module's helpers and reported at the user's line. A
-- helper calls fail(fmt, ...); the function the user called, wrapped with public(fn), raises
-- the message from the caller's line, so that no helper has to count stack levels. Errors
-- that are not failures (bugs, core's errors) pass through unchanged.
local M = {}

local Failure = {__tostring = function(e) return e.msg end}

function M.fail(fmt, ...)
  local msg = select('#', ...) > 0 and fmt:format(...) or fmt
  error(setmetatable({msg = msg}, Failure), 0)
end

function M.is_failure(e) return getmetatable(e) == Failure end

-- The text of an error caught by pcall: a failure's message, or any other error's without
-- its position.
function M.message(e)
  if M.is_failure(e) then return e.msg end
  return (tostring(e):gsub('^[^\n]-:%d+: ', '', 1))
end

-- fn wrapped to raise its failures at its caller's line.
function M.public(fn)
  return function(...)
    local r = table.pack(pcall(fn, ...))
    if r[1] then return table.unpack(r, 2, r.n) end
    if M.is_failure(r[2]) then error(r[2].msg, 2) end
    error(r[2], 0)
  end
end

-- Calls fn(...) and raises its error again `level` levels above the caller of rethrow (as
-- error counts levels from its caller; 0: with no position). Core's functions are called
-- through it: called from pcall, their errors carry no position of their own, and they
-- already name the function.
function M.rethrow(level, fn, ...)
  local r = table.pack(pcall(fn, ...))
  if not r[1] then error(r[2], level > 0 and level + 1 or 0) end
  return table.unpack(r, 2, r.n)
end

-- A tensor's shape as '{2,3}'.
function M.shape_str(t) return '{' .. table.concat(t.shape, ',') .. '}' end

-- What a value is, for messages: 'a float32 tensor of shape {3}', '"text"', '2.5', 'a
-- Pipeline' (a table whose metatable has a __name), 'a table', 'nil'.
function M.describe(v)
  if v == nil then return 'nil' end
  if require('moongrad').is_tensor(v) then return ('a %s tensor of shape %s'):format(v.dtype, M.shape_str(v)) end
  if type(v) == 'string' then return ('%q'):format(v) end
  if type(v) == 'number' or type(v) == 'boolean' then return tostring(v) end
  local mt = getmetatable(v)
  if type(v) == 'table' and type(mt) == 'table' and type(rawget(mt, '__name')) == 'string' then
    return 'a ' .. mt.__name
  end
  return 'a ' .. type(v)
end

-- v, an integer >= min, or default when v is nil and a default is given; else a failure
-- naming who (the function) and name (the option or argument).
function M.integer(who, name, v, min, default)
  if v == nil and default ~= nil then return default end
  if math.type(v) ~= 'integer' or v < min then
    M.fail('%s: %s must be an integer >= %d, got %s', who, name, min, M.describe(v))
  end
  return v
end

-- Whether v can be called: a function, or a value whose metatable has __call.
function M.callable(v)
  if type(v) == 'function' then return true end
  local mt = getmetatable(v)
  return type(mt) == 'table' and mt.__call ~= nil
end

return M
