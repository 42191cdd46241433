-- The moongrad executable as `lua` is: scripts with arguments, -e, -l, -i, -v, exit status.
-- scripts/run-tests.sh names the executable under test in MOONGRAD_EXE.
local exe = os.getenv('MOONGRAD_EXE')

local function run(args, input)
  local cmd = exe .. ' ' .. args .. ' 2>&1'
  if input then
    local tmp = os.tmpname()
    local f = assert(io.open(tmp, 'w'))
    f:write(input)
    f:close()
    cmd = cmd .. ' < ' .. tmp
  end
  local p = assert(io.popen(cmd))
  local out = p:read('a')
  local ok, _, status = p:close()
  if input then os.remove(cmd:match('< (.*)$')) end
  return out, ok and 0 or status
end

describe('the moongrad executable', function()
  if not exe then
    it('needs MOONGRAD_EXE (set by scripts/run-tests.sh)', function() pending('MOONGRAD_EXE unset') end)
    return
  end

  it('runs a script with its arguments in arg', function()
    local script = os.tmpname()
    local f = assert(io.open(script, 'w'))
    f:write("local mg = require 'moongrad'\nprint(#arg, arg[1], arg[2], mg.ones(3):sum():item())\n")
    f:close()
    local out, status = run(script .. ' alpha 42')
    os.remove(script)
    assert.are.equal('2\talpha\t42\t3.0\n', out)
    assert.are.equal(0, status)
  end)

  it('runs -e statements in order, then -i reads piped input', function()
    local out, status = run("-e 'x = 6' -e 'print(x * 7)' -i", 'print(x + 1)\n')
    assert.is_truthy(out:find('42\n', 1, true))
    assert.is_truthy(out:find('7\n', 1, true))
    assert.are.equal(0, status)
  end)

  it('-l requires a module into a global', function()
    local out = run("-l moongrad -e 'print(moongrad.zeros(2, 3):numel())'")
    assert.are.equal('6\n', out)
  end)

  it('prints its version with -v', function()
    local out = run('-v')
    assert.is_truthy(out:match('^moongrad %d+%.%d+%.%d+ %(Lua 5%.4'))
  end)

  it('reports an error with a traceback and exits with status 1', function()
    local out, status = run("-e 'require(\"moongrad\").zeros(2, 3):matmul(require(\"moongrad\").zeros(4, 5))'")
    assert.is_truthy(out:find('matmul: shapes {2,3} and {4,5} do not align (3 ~= 4)', 1, true))
    assert.is_truthy(out:find('stack traceback', 1, true))
    assert.are.equal(1, status)
  end)

  it('rejects an unknown option with its usage and status 1', function()
    local out, status = run('-z')
    assert.is_truthy(out:find('usage: moongrad', 1, true))
    assert.are.equal(1, status)
  end)
end)
