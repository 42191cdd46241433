-- help(): every public function, class and module is documented, every example runs, and
-- lookups by value, by name and by instance find the right page.
local mg = require 'moongrad'
local help = mg.help

-- The public API, walked from mg: {name, value} for every function, class, class method and
-- tensor field a user can reach. Names starting with '_' are private.
local FIELDS = {'shape', 'dtype', 'ndim', 'requires_grad', 'grad', 'grad_fn', 'is_leaf'}
local MODULES = {'mg', 'mg.nn', 'mg.nn.functional', 'mg.nn.init', 'mg.nn.utils', 'mg.optim',
                 'mg.optim.lr_scheduler', 'mg.data', 'mg.preprocessing', 'mg.train', 'mg.metrics',
                 'mg.plot', 'mg.features', 'mg.cluster', 'mg.privacy', 'mg.recommend', 'mg.viz', 'mg.help'}

local function resolve(path)
  local value = mg
  for key in path:gmatch('[.:]([%w_]+)') do value = value[key] end
  return value
end

local function public_api()
  local api, is_module = {}, {}
  for _, name in ipairs(MODULES) do is_module[name] = true end
  for _, mname in ipairs(MODULES) do
    local m = resolve(mname)
    api[#api + 1] = {mname, m}
    for k, v in pairs(m) do
      local full = mname .. '.' .. k
      if type(k) == 'string' and not k:match('^_') and not is_module[full] and full ~= 'mg.Tensor' then
        if type(v) == 'function' then
          api[#api + 1] = {full, v}
        elseif type(v) == 'table' then -- a class: it and its own methods
          api[#api + 1] = {full, v}
          for mk, mv in pairs(v) do
            if type(mv) == 'function' and not mk:match('^_') then
              api[#api + 1] = {full .. ':' .. mk, mv, v, mk}
            end
          end
        end
      end
    end
  end
  api[#api + 1] = {'mg.Tensor', mg.Tensor}
  for k, v in pairs(mg.Tensor) do api[#api + 1] = {'mg.Tensor:' .. k, v} end
  for _, f in ipairs(FIELDS) do api[#api + 1] = {'mg.Tensor.' .. f} end
  return api
end

-- A class method overriding a documented method of a base class (Linear:forward overrides
-- Module:forward) is covered by the base's page.
local function inherited_doc(class, method)
  local mt = getmetatable(class)
  local base = mt and type(mt.__index) == 'table' and mt.__index
  while base do
    if type(rawget(base, method)) == 'function' and help.entry(base[method]) then return true end
    mt = getmetatable(base)
    base = mt and type(mt.__index) == 'table' and mt.__index
  end
  return false
end

describe('help', function()
  it('documents every public function, class, method and tensor field', function()
    local missing = {}
    for _, item in ipairs(public_api()) do
      local name, value, class, method = item[1], item[2], item[3], item[4]
      local documented = help.entry(name) or (value ~= nil and help.entry(value))
                         or (class and inherited_doc(class, method))
      if not documented then missing[#missing + 1] = name end
    end
    table.sort(missing)
    assert.are.same({}, missing)
  end)

  it('gives every entry a signature, a description and an example that runs', function()
    local failures = {}
    local write = io.write -- mg.help's examples print pages
    io.write = function() end
    for _, entry in ipairs(help.entries()) do
      local name = entry.names[1]
      for _, field in ipairs{'sig', 'desc', 'example'} do
        if type(entry[field]) ~= 'string' or not entry[field]:match('%S') then
          failures[#failures + 1] = name .. ': no ' .. field
        end
      end
      local env = setmetatable({mg = mg, nn = mg.nn, F = mg.nn.functional,
                                print = function() end, help = function() end},
                               {__index = _G})
      local fn, err = load(entry.example or '', '=' .. name, 't', env)
      local ok = fn and pcall(fn)
      if not fn then failures[#failures + 1] = name .. ': ' .. err
      elseif not ok then
        local _, msg = pcall(fn)
        failures[#failures + 1] = name .. ': example fails: ' .. tostring(msg)
      end
    end
    io.write = write
    assert.are.same({}, failures)
  end)

  it('finds a page by value, by name, by short name and by instance', function()
    local zeros = help.text(mg.zeros)
    assert.is_truthy(zeros:find('mg.zeros(', 1, true))
    assert.are.equal(zeros, help.text('zeros'))
    assert.are.equal(zeros, help.text('mg.zeros'))
    assert.are.equal(zeros, help.text('?zeros'))
    local linear = help.text(mg.nn.Linear)
    assert.are.equal(linear, help.text('nn.Linear'))
    assert.are.equal(linear, help.text('Linear'))
    assert.are.equal(linear, help.text(mg.nn.Linear(2, 3)))
    assert.are.equal(help.text('mg.Tensor'), help.text(mg.ones(2)))
    assert.is_truthy(help.text('Tensor:sum'):find('Example:', 1, true))
  end)

  it('looks a name up through globals, as ?x:sum at the prompt does', function()
    rawset(_G, 'help_spec_x', mg.ones(2))
    assert.are.equal(help.text(mg.sum), help.text('help_spec_x:sum'))
    rawset(_G, 'help_spec_x', nil)
  end)

  it('says when nothing is documented under a name, or the name is ambiguous', function()
    local text, err = help.text('no_such_function')
    assert.is_nil(text)
    assert.are.equal("help: no documentation for 'no_such_function' (help() lists what there is)", err)
    text, err = help.text(function() end)
    assert.is_nil(text)
    assert.are.equal('help: no documentation for this function', err)
  end)

  it('prints an overview of every area without an argument', function()
    local text = help.text()
    assert.is_truthy(text:find('help(x) documents', 1, true))
    for _, name in ipairs{'zeros', 'nn.Linear', 'optim.Adam', 'data.DataLoader', 'viz.graph', 'gradcheck'} do
      assert.is_truthy(text:find(name, 1, true), name)
    end
  end)
end)
