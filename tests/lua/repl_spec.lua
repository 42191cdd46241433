-- The prompt as a person uses it: tmux runs `moongrad` in a real terminal, send-keys types
-- (TAB, Ctrl-C, Ctrl-D, arrows included) and capture-pane reads the screen. Piped input and
-- the Lua side (value printing, completion) are tested directly.
local mg = require 'moongrad'
local repl = require 'moongrad.repl'
local exe = os.getenv('MOONGRAD_EXE')

local function sh(cmd)
  local p = assert(io.popen(cmd .. ' 2>&1'))
  local out = p:read('a')
  local ok, _, status = p:close()
  return out, ok and 0 or status
end

local function quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

local has_tmux = sh('command -v tmux') ~= ''

-- A terminal running moongrad, with its own tmux server and a fresh HOME.
local Term = {}
Term.__index = Term

local function open_term(home)
  local self = setmetatable({socket = 'moongrad-spec-' .. tostring({}):match('0x(%x+)'),
                             home = home}, Term)
  sh(('tmux -L %s -f /dev/null new-session -d -x 100 -y 40 -s repl %s'):format(
    self.socket, quote(('cd %s && HOME=%s exec %s'):format(home, home, exe))))
  sh(('tmux -L %s set-option -t repl remain-on-exit on'):format(self.socket))
  self:wait_for('Ctrl%-D to exit\n>')
  return self
end

function Term:keys(...)
  for _, k in ipairs{...} do
    sh(('tmux -L %s send-keys -t repl %s'):format(self.socket, k))
  end
end

-- Types text literally (so that words like "end" are not taken for key names; a final ';'
-- would end tmux's command, so it is escaped).
function Term:type(text)
  sh(('tmux -L %s send-keys -t repl -l %s'):format(self.socket, quote((text:gsub(';$', '\\;')))))
end
function Term:line(text) self:type(text) self:keys('Enter') end

function Term:screen()
  -- Trailing blanks and empty lines dropped: every line, the last included, ends in '\n'.
  return (sh(('tmux -L %s capture-pane -p -t repl'):format(self.socket)):gsub('%s*\n', '\n'))
end

function Term:dead()
  return sh(('tmux -L %s display-message -p -t repl "#{pane_dead}"'):format(self.socket)):match('1') ~= nil
end

-- Waits (up to 20 s, polling) until the screen matches a Lua pattern; returns the screen.
function Term:wait_for(pattern)
  local screen
  for _ = 1, 400 do
    screen = self:screen()
    if screen:find(pattern) then return screen end
    sh('sleep 0.05')
  end
  error('the screen never showed ' .. pattern .. ':\n' .. screen, 2)
end

-- Waits (up to 20 s) for moongrad to exit.
function Term:wait_exit()
  for _ = 1, 400 do
    if self:dead() then return end
    sh('sleep 0.05')
  end
end

function Term:close() sh(('tmux -L %s kill-server'):format(self.socket)) end

local function temp_home()
  local dir = os.tmpname()
  os.remove(dir)
  assert(os.execute('mkdir -p ' .. quote(dir)))
  return dir
end

describe('the prompt in a terminal', function()
  if not exe or not has_tmux then
    it('needs tmux and MOONGRAD_EXE', function() pending('tmux or MOONGRAD_EXE missing') end)
    return
  end
  local home, term
  before_each(function()
    home = temp_home()
    term = open_term(home)
  end)
  after_each(function()
    term:close()
    os.execute('rm -rf ' .. quote(home))
  end)

  it('prints values, pretty-prints tables, hides them after ";" and has mg preloaded', function()
    term:line('1 + 2')
    term:line('t = {1, 2, name = "x", inner = {a = true}}')
    term:line('t')
    term:line('quiet = 41;')
    term:line('quiet + 1')
    term:line('mg.ones(2):sum()')
    local screen = term:wait_for('> mg%.ones%(2%):sum%(%)\n[^\n]*2')
    assert.is_truthy(screen:find('> 1 + 2\n3\n', 1, true))
    assert.is_truthy(screen:find('> t\n{1, 2, inner = {a = true}, name = "x"}\n', 1, true))
    assert.is_truthy(screen:find('> quiet = 41;\n> quiet + 1\n42\n', 1, true), screen)
  end)

  it('completes methods through the metatable, module paths and file names', function()
    term:line('x = mg.ones(2, 3)')
    term:type('x:su')
    term:keys('Tab', 'Tab')
    local screen = term:wait_for('x:sub_')
    assert.is_truthy(screen:find('x:sub +x:sub_ +x:sum'))
    term:keys('C-c')
    term:type('mg.nn.Li')
    term:keys('Tab')
    term:wait_for('> mg%.nn%.Linear\n')
    term:keys('C-c')
    assert(os.execute('mkdir -p ' .. quote(home .. '/data') .. ' && touch ' .. quote(home .. '/data/train.csv')))
    term:type("f = io.open('data/tr")
    term:keys('Tab')
    term:wait_for("> f = io%.open%('data/train%.csv'\n")
  end)

  it('continues an incomplete chunk with ">>" and runs the whole function', function()
    term:line('function double(a)')
    term:line('return 2 * a')
    term:line('end')
    term:line('double(21)')
    local screen = term:wait_for('> double%(21%)\n42')
    assert.is_truthy(screen:find('> function double(a)\n>> return 2 * a\n>> end\n', 1, true))
  end)

  it('stops running code at Ctrl-C and keeps every variable', function()
    term:line('kept = "still here"')
    term:line('n = 0 while true do n = n + 1 end')
    sh('sleep 0.3')
    term:keys('C-c')
    term:wait_for('interrupted %(Ctrl%-C%)')
    term:line('kept, n > 0')
    term:wait_for('still here%s+true')
  end)

  it('clears the line at Ctrl-C and exits at Ctrl-D', function()
    term:type('half typed')
    term:keys('C-c')
    term:wait_for('half typed%^C\n>\n')
    term:line('print("next")')
    term:wait_for('\nnext\n')
    term:keys('C-d')
    term:wait_exit()
    assert.is_true(term:dead())
  end)

  it('shows errors with a short traceback and carries on', function()
    term:line('mg.zeros(2, 3):matmul(mg.zeros(4, 5))')
    term:line('print("alive")')
    local screen = term:wait_for('\nalive\n')
    assert.is_truthy(screen:find('matmul: shapes {2,3} and {4,5} do not align (3 ~= 4)', 1, true))
    assert.is_truthy(screen:find('stack traceback:\n', 1, true))
    assert.is_truthy(screen:find('stdin:1: in main chunk', 1, true))
    assert.is_falsy(screen:find('repl.lua', 1, true))
  end)

  it('shows help pages with ?name and help(x), and times code with :time', function()
    term:line('?zeros')
    term:wait_for('mg%.zeros%(')
    term:line('help(mg.nn.Linear)')
    term:wait_for('nn%.Linear%(in_features')
    term:keys('C-l')
    term:line(':time mg.ones(10):sum()')
    term:wait_for('time: [%d.]+ m?s')
    term:line(':mem')
    term:wait_for('resident: [%d.]+ MiB; tensors: [%d.]+ MiB held')
  end)

  it('keeps a size-limited history across sessions', function()
    local lines = {}
    for i = 1, 1500 do lines[i] = 'old_' .. i end
    local f = assert(io.open(home .. '/.moongrad_history', 'w'))
    f:write(table.concat(lines, '\n'), '\n')
    f:close()
    term:close()
    term = open_term(home)
    term:line('remembered = 1')
    term:keys('C-d')
    term:wait_exit()
    term:close()
    term = open_term(home)
    term:keys('Up')
    term:wait_for('> remembered = 1\n')
    local n = 0
    for _ in io.lines(home .. '/.moongrad_history') do n = n + 1 end
    assert.is_true(n <= 1000)
  end)
end)

describe('the prompt reading a pipe', function()
  if not exe then
    it('needs MOONGRAD_EXE', function() pending('MOONGRAD_EXE unset') end)
    return
  end

  local function piped(input)
    local tmp = os.tmpname()
    local f = assert(io.open(tmp, 'w'))
    f:write(input)
    f:close()
    local out, status = sh(('HOME=/nonexistent %s < %s'):format(exe, tmp))
    os.remove(tmp)
    return out, status
  end

  it('prints values without prompts and exits 0', function()
    local out, status = piped('x = 6\nx * 7\nfunction f(a)\n  return a + 1\nend\nf(1)\nf(2);\n')
    assert.are.equal('42\n2\n', out)
    assert.are.equal(0, status)
  end)

  it('reports an error, carries on, and exits with status 1', function()
    local out, status = piped('error("boom")\nprint("after")\n')
    assert.is_truthy(out:find('stdin:1: boom', 1, true))
    assert.is_truthy(out:find('after\n', 1, true))
    assert.are.equal(1, status)
  end)

  it('reports input that ends inside a chunk', function()
    local out, status = piped('function f()\n')
    assert.are.equal('moongrad: unfinished chunk at the end of input\n', out)
    assert.are.equal(1, status)
  end)
end)

describe('repl.repr', function()
  it('lays a short table out on one line, keys sorted, strings quoted', function()
    assert.are.equal('{1, 2, b = "two", c = true}', repl.repr({1, 2, c = true, b = 'two'}))
    assert.are.equal('{}', repl.repr({}))
    assert.are.equal('{[1.5] = 1, ["a b"] = 2}', repl.repr({[1.5] = 1, ['a b'] = 2}))
  end)

  it('shows a cycle instead of following it', function()
    local t = {}
    t.self = t
    assert.are.equal('{self = <cycle: ' .. tostring(t) .. '>}', repl.repr(t))
  end)

  it('stops at depth 3 and after 20 entries', function()
    assert.are.equal('{{{{...}}}}', repl.repr({{{{{1}}}}}))
    local long = {}
    for i = 1, 25 do long[i] = i end
    local text = repl.repr(long)
    assert.are.equal('{\n  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,\n  ... (5 more)\n}', text)
  end)

  it('puts a long table one entry per line, tensors and modules by their first line', function()
    local text = repl.repr({weights = mg.zeros(2, 3), layer = mg.nn.Linear(2, 3),
                            note = string.rep('x', 60)})
    assert.are.equal('{\n  layer = ' .. tostring(mg.nn.Linear(2, 3)):match('^[^\n]*') ..
                     ',\n  note = "' .. string.rep('x', 60) ..
                     '",\n  weights = tensor{2,3} float32\n}', text)
  end)
end)

describe('repl.complete', function()
  it('completes globals and keywords', function()
    rawset(_G, 'spec_value_one', 1)
    local got = repl.complete('spec_value_o')
    rawset(_G, 'spec_value_one', nil)
    assert.are.same({'spec_value_one'}, got)
    assert.are.same({'function'}, repl.complete('functio'))
  end)

  it('completes a tensor method with ":" and a field with "."', function()
    rawset(_G, 'spec_t', mg.ones(2))
    assert.are.same({'spec_t:sub', 'spec_t:sub_', 'spec_t:sum'}, repl.complete('spec_t:su'))
    assert.are.same({'spec_t.shape'}, repl.complete('spec_t.sha'))
    assert.are.same({}, repl.complete('spec_t:sha'))
    rawset(_G, 'spec_t', nil)
  end)

  it('completes module paths, lazily loaded submodules and a module\'s children', function()
    rawset(_G, 'mg', mg)
    assert.are.same({'mg.nn.Linear'}, repl.complete('mg.nn.Li'))
    assert.are.same({'mg.optim'}, repl.complete('mg.opti'))
    rawset(_G, 'spec_net', mg.nn.Sequential{mg.nn.Linear(2, 2)})
    rawget(_G, 'spec_net').head = mg.nn.Linear(2, 1)
    assert.are.same({'spec_net.head'}, repl.complete('spec_net.he'))
    assert.are.same({'spec_net:parameters'}, repl.complete('spec_net:param'))
    rawset(_G, 'spec_net', nil)
  end)

  it('offers nothing for unknown paths or expressions it cannot follow', function()
    assert.are.same({}, repl.complete('no_such_global.x'))
    assert.are.same({}, repl.complete('f().x'))
    assert.are.same({}, repl.complete('a:b.c'))
  end)
end)
