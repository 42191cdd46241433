-- startup (WORKLOADS.md): seconds for a fresh process that loads moongrad and prints a random
-- 2x2 tensor, best of 5; measured twice: as a script (`moongrad -e ...`, what the PyTorch
-- reference does with `python -c`) and through the prompt (input piped to `moongrad`, which
-- also loads the prompt's modules and help).
-- usage: moongrad tests/bench/startup.lua MOONGRAD_EXE      prints one JSON line
local mg = require 'moongrad'
local bench = dofile((arg[0]:match('^(.*/)') or './') .. 'common.lua')

local exe = assert(arg[1], 'usage: startup.lua MOONGRAD_EXE')
local ROUNDS = 5

local function best_of(cmd)
  local best = math.huge
  for _ = 1, ROUNDS do
    local t = bench.clock()
    assert(os.execute(cmd), 'startup: failed: ' .. cmd)
    best = math.min(best, bench.clock() - t)
  end
  return best
end

local script = best_of(exe .. [[ -e "print(require('moongrad').randn(2, 2))" >/dev/null]])
local prompt = best_of('echo "print(mg.randn(2, 2))" | ' .. exe .. ' >/dev/null')
bench.emit{workload = 'startup', metric = 'seconds', value = math.max(script, prompt),
           script_s = script, prompt_s = prompt, rounds = ROUNDS, peak_rss_kb = bench.vmhwm_kb(),
           note = 'value: the slower of a script and the prompt, each best of 5'}
