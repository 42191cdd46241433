-- Helpers shared by the benchmark scripts: a wall clock, peak memory and one JSON line of
-- results on stdout (scripts/bench.sh collects the lines and prints the table).
--   local bench = dofile((arg[0]:match('^(.*/)') or './') .. 'common.lua')
local mg = require 'moongrad'

local M = {}

-- os.clock is CPU time summed over every thread of the process, so it overstates the time
-- of anything that runs on two threads; mg.clock is a monotonic wall clock.
M.clock = mg.clock or os.clock
M.clock_name = mg.clock and 'mg.clock' or 'os.clock'
if not mg.clock then
  io.stderr:write('warning: mg.clock is missing; timing with os.clock (CPU time), which ',
                  'overstates multi-threaded work\n')
end

-- Peak resident set size of this process so far, in KiB (Linux), or nil.
function M.vmhwm_kb()
  local f = io.open('/proc/self/status')
  if not f then return nil end
  local s = f:read('a')
  f:close()
  return tonumber(s:match('VmHWM:%s*(%d+)'))
end

-- Seconds per call of fn over reps timed calls after warm ones: the mean, and the fastest.
-- Each result is dropped at once, so the next call can reuse its storage.
function M.time(warm, reps, fn)
  for _ = 1, warm do fn() end
  local total, best = 0, math.huge
  for _ = 1, reps do
    local t = M.clock()
    fn()
    t = M.clock() - t
    total, best = total + t, math.min(best, t)
  end
  return total / reps, best
end

local function encode(v)
  local kind = type(v)
  if kind == 'table' then
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = tostring(k) end
    table.sort(keys)
    local parts = {}
    for _, k in ipairs(keys) do
      local x = v[k]
      if x == nil then x = v[tonumber(k)] end
      parts[#parts + 1] = encode(k) .. ':' .. encode(x)
    end
    return '{' .. table.concat(parts, ',') .. '}'
  elseif kind == 'string' then
    return '"' .. v:gsub('[%c"\\]', function(c) return string.format('\\u%04x', c:byte()) end) .. '"'
  elseif kind == 'number' then
    if math.type(v) == 'integer' then return tostring(v) end
    if v ~= v or v == math.huge or v == -math.huge then return 'null' end
    return string.format('%.6g', v)
  elseif kind == 'boolean' then
    return tostring(v)
  end
  return 'null'
end
M.encode = encode

-- Prints one JSON line: the fields given plus the clock used, threads and peak memory.
function M.emit(fields)
  fields.impl = fields.impl or 'moongrad'
  fields.clock = M.clock_name
  fields.threads = fields.threads or mg.get_num_threads()
  fields.vmhwm_kb = M.vmhwm_kb()
  print(encode(fields))
  io.stdout:flush()
end

return M
