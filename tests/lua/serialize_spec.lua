-- mg.save, mg.load, Module:save and Module:load: safetensors files. Round trips are checked
-- against the values saved; the bytes of small files against the format worked out by hand
-- (and, where /usr/bin/python3 has numpy, against a reader written with it); reading against
-- tests/data/safetensors/numpy_written.safetensors, written by numpy in make_fixture.py next
-- to it (its values are the ones that script puts in, as numpy stores them).
local mg = require 'moongrad'
local h = require 'tests.lua.helpers'
local nn, F = mg.nn, mg.nn.functional

local SPEC = 'serialize_spec.lua:' -- errors point at the caller's line in this file
local FIXTURE = 'tests/data/safetensors/numpy_written.safetensors'

local function err(f) return h.error_in(SPEC, f) end

-- ---- temporary files ---------------------------------------------------------------------

local dir = os.tmpname() .. '.d'
assert(os.execute('mkdir -p ' .. dir))
teardown(function() os.execute('rm -rf ' .. dir .. ' ' .. dir:sub(1, -3)) end)

local function path_of(name) return dir .. '/' .. name end

local function write(name, bytes) return h.write_file(path_of(name), bytes) end

local slurp = h.read_file

local exists = h.file_exists

-- A safetensors file by hand: the header's length as a little-endian u64, the header as
-- given (unpadded), the data.
local function write_safetensors(name, header, data)
  return write(name, string.pack('<I8', #header) .. header .. (data or ''))
end

-- ---- comparing values --------------------------------------------------------------------

-- Asserts that b is a faithful copy of a: tables with the same keys, numbers of the same
-- subtype and bits (NaN matches NaN, -0.0 only -0.0), equal strings and booleans, tensors of
-- the same dtype, shape and values.
local function assert_same(a, b, path)
  path = path or 'value'
  if mg.is_tensor(a) then
    assert.is_true(mg.is_tensor(b), path .. ' is not a tensor')
    assert.are.equal(a.dtype, b.dtype, path .. ': dtype')
    assert.are.same(a.shape, b.shape, path .. ': shape')
    assert_same(a:totable(), b:totable(), path)
  elseif type(a) == 'table' then
    assert.are.equal('table', type(b), path .. ' is not a table')
    for k, v in pairs(a) do assert_same(v, b[k], path .. '[' .. tostring(k) .. ']') end
    for k in pairs(b) do assert.is_true(a[k] ~= nil, path .. ': unexpected key ' .. tostring(k)) end
  elseif type(a) == 'number' then
    assert.are.equal(math.type(a), math.type(b), path .. ': subtype')
    if a ~= a then
      assert.is_true(b ~= b, path .. ': expected nan')
    else
      assert.are.equal(a, b, path)
      if a == 0 then assert.are.equal(1 / a, 1 / b, path .. ': sign of zero') end
    end
  else
    assert.are.equal(a, b, path)
  end
end

local function round_trip(name, value)
  local path = path_of(name)
  mg.save(path, value)
  assert.is_false(exists(path .. '.tmp'))
  return mg.load(path)
end

-- ---- round trips --------------------------------------------------------------------------

describe('mg.save and mg.load', function()
  it('keep a nested table of every kind of value', function()
    local base = mg.tensor{{1, 2, 3}, {4, 5, 6}}
    local value = {
      strings = {'', 'plain', 'é ü 中', 'quote " backslash \\ newline \n tab \t'},
      integers = {0, -5, 7, math.maxinteger, math.mininteger},
      floats = {0.1, 3.0, -0.0, 0.0, 1e300, 5e-324, -2.5e-10, 1 / 0, -1 / 0, 0 / 0},
      flags = {true, false},
      empty = {},
      sparse = {[1] = 'a', [3] = 'c', [-2] = 'minus two', [0] = 'zero'},
      mixed = {10, 20, name = 'x', [100] = true},
      deep = {a = {b = {c = {d = {e = 'bottom'}}}}},
      tensors = {
        f32 = mg.tensor{{1.5, -2}, {0.1, 3e38}},
        f64 = mg.tensor({0.1, -1e300, 1 / 0, 0 / 0}, {dtype = 'float64'}),
        i64 = mg.tensor({math.maxinteger, math.mininteger, 0, -1}, {dtype = 'int64'}),
        bool = mg.tensor({{true, false}, {false, true}}, {dtype = 'bool'}),
        scalar = mg.tensor(2.5),
        scalar_i64 = mg.tensor(42, {dtype = 'int64'}),
        empty = mg.zeros(0),
        empty_2d = mg.zeros(2, 0, {dtype = 'float64'}),
        transposed = base:t(),
        narrowed = base:narrow(2, 2, 2),
        expanded = mg.tensor{1, 2, 3}:expand(2, 3),
        column = base:select(2, 3),
      },
    }
    local back = round_trip('every_kind.safetensors', value)
    assert_same(value, back)
    -- the views come back as plain contiguous tensors with the views' values
    assert.are.same({{1, 4}, {2, 5}, {3, 6}}, back.tensors.transposed:totable())
    assert.are.same({{2, 3}, {5, 6}}, back.tensors.narrowed:totable())
    assert.are.same({3, 6}, back.tensors.column:totable())
    assert.is_true(back.tensors.expanded:is_contiguous())
  end)

  it('keep a tensor, a number or a string saved alone', function()
    assert_same(mg.tensor{1, 2}, round_trip('tensor.safetensors', mg.tensor{1, 2}))
    assert_same(3, round_trip('int.safetensors', 3))
    assert_same(3.0, round_trip('float.safetensors', 3.0))
    assert_same('text', round_trip('string.safetensors', 'text'))
    assert_same(false, round_trip('false.safetensors', false))
    assert_same({}, round_trip('empty.safetensors', {}))
  end)

  it('write new tensors: no requires_grad, no sharing', function()
    local w = mg.randn(2, 2, {requires_grad = true})
    local back = round_trip('shared.safetensors', {a = w, b = w, c = {w}})
    assert.is_false(back.a.requires_grad)
    assert_same(w:detach(), back.a)
    assert_same(w:detach(), back.c[1])
    assert.are_not.equal(back.a, back.b) -- a tensor reached twice is written twice
    back.a:fill_(0)
    assert_same(w:detach(), back.b)
  end)

  it('name tensors by their keys joined with dots', function()
    local path = path_of('names.safetensors')
    mg.save(path, {model = {['fc.weight'] = mg.ones(1)}, state = {{exp_avg = mg.ones(1)}}, epoch = 3})
    local bytes = slurp(path)
    assert.is_truthy(bytes:find('"model.fc.weight":{"dtype":"F32"', 1, true))
    assert.is_truthy(bytes:find('"state.1.exp_avg":{"dtype":"F32"', 1, true))
    assert.is_truthy(bytes:find('"__metadata__":{"moongrad":', 1, true))
  end)

  it('write the same bytes for the same value, whatever the order of assignment', function()
    local a, b = {}, {}
    for i = 1, 20 do a['k' .. i] = i end
    for i = 20, 1, -1 do b['k' .. i] = i end
    mg.save(path_of('order_a.safetensors'), {a, mg.ones(2)})
    mg.save(path_of('order_b.safetensors'), {b, mg.ones(2)})
    assert.are.equal(slurp(path_of('order_a.safetensors')), slurp(path_of('order_b.safetensors')))
  end)
end)

-- ---- the bytes of a state dict -----------------------------------------------------------

describe('a state dict file', function()
  it('is plain safetensors: exact bytes, keys sorted for a plain table', function()
    local path = path_of('plain.safetensors')
    mg.save(path, {['fc.weight'] = mg.tensor{{1, 2}}, ['fc.bias'] = mg.tensor{0.5}})
    -- Worked out by hand: fc.bias sorts first; the entry of fc.bias with its braces, the
    -- opening { and the comma is 60 bytes, fc.weight's with the closing } 64: 124, padded
    -- with 4 spaces to 128. No __metadata__. Data: 0.5f, then 1.0f and 2.0f, little-endian.
    local header = '{"fc.bias":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},'
                   .. '"fc.weight":{"dtype":"F32","shape":[1,2],"data_offsets":[4,12]}}    '
    assert.are.equal(128, #header)
    local expected = '\128\0\0\0\0\0\0\0' .. header .. '\0\0\0\63' .. '\0\0\128\63' .. '\0\0\0\64'
    assert.are.equal(expected, slurp(path))
    -- the same data through Lua's own packing of little-endian floats
    assert.are.equal(string.pack('<fff', 0.5, 1, 2), slurp(path):sub(8 + 128 + 1))
  end)

  it("keeps a module's layer order (weight before bias)", function()
    local m = nn.Linear(2, 1)
    mg.no_grad(function()
      m.weight:copy_(mg.tensor{{1, 2}})
      m.bias:copy_(mg.tensor{0.5})
    end)
    local path = path_of('linear.safetensors')
    m:save(path)
    -- weight's entry with { and the comma: 61 bytes; bias's with the closing }: 57; 118,
    -- padded with 2 spaces to 120 = 0x78.
    local header = '{"weight":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]},'
                   .. '"bias":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}  '
    assert.are.equal(120, #header)
    assert.are.equal(string.pack('<I8', 120) .. header .. string.pack('<fff', 1, 2, 0.5), slurp(path))
  end)

  it('reads back in numpy as the same named arrays (when numpy is there)', function()
    local ok = os.execute('/usr/bin/python3 -I -c "import numpy" > /dev/null 2>&1')
    if not ok then
      pending('/usr/bin/python3 with numpy is not available')
      return
    end
    local path = path_of('for_numpy.safetensors')
    mg.save(path, {a = mg.tensor({{1, 2, 3}, {4, 5, 6}}, {dtype = 'float64'}),
                   b = mg.tensor({-3, 9}, {dtype = 'int64'}), c = mg.tensor({true, false}, {dtype = 'bool'}),
                   d = mg.tensor{0.25}})
    -- An independent reader: the format by hand with struct, json and numpy.
    local script = write('read_with_numpy.py', [==[
import json, struct, sys
import numpy as np
data = open(sys.argv[1], "rb").read()
(n,) = struct.unpack("<Q", data[:8])
assert n % 8 == 0, n
header = json.loads(data[8:8 + n])
kinds = {"F32": "<f4", "F64": "<f8", "I64": "<i8", "BOOL": "?"}
for name in sorted(header):
    e = header[name]
    b, end = e["data_offsets"]
    a = np.frombuffer(data[8 + n + b:8 + n + end], dtype=kinds[e["dtype"]]).reshape(e["shape"])
    print(name, e["dtype"], a.shape, a.tolist())
]==])
    local p = assert(io.popen(('/usr/bin/python3 -I %s %s'):format(script, path)))
    local out = p:read('a')
    p:close()
    assert.are.equal('a F64 (2, 3) [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]\n'
                     .. 'b I64 (2,) [-3, 9]\n'
                     .. 'c BOOL (2,) [True, False]\n'
                     .. 'd F32 (1,) [0.25]\n', out)
  end)
end)

-- ---- files from other writers ------------------------------------------------------------

describe('mg.load of a file written elsewhere', function()
  it('reads the numpy fixture as a table name -> tensor', function()
    local sd = mg.load(FIXTURE)
    local names = {}
    for name in pairs(sd) do names[#names + 1] = name end
    table.sort(names)
    assert.are.same({'labels', 'mask', 'weight'}, names) -- its own __metadata__ is not a tensor
    assert.are.equal('int64', sd.labels.dtype)
    assert.are.same({1099511627777, -7, 0}, sd.labels:totable())
    assert.are.equal('float32', sd.weight.dtype)
    -- numpy's float32 of 0.1 and 3.0e38, printed by float(np.float32(x))
    assert.are.same({{1.5, -2.0}, {0.10000000149011612, 3.0000000054977558e+38}}, sd.weight:totable())
    assert.are.equal('bool', sd.mask.dtype)
    assert.are.same({true, false}, sd.mask:totable())
  end)

  it('loads into a model by name (strict names, shapes and dtypes)', function()
    local m = nn.Linear(2, 1)
    local path = write_safetensors('foreign.safetensors',
      '{"bias": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, '
      .. '"weight": {"dtype": "F32", "shape": [1, 2], "data_offsets": [4, 12]}}',
      string.pack('<fff', 0.5, 1, 2))
    assert.are.equal(m, m:load(path))
    assert.are.same({{1, 2}}, m.weight:totable())
    assert.are.same({0.5}, m.bias:totable())
  end)
end)

-- ---- Module:save and Module:load ---------------------------------------------------------

describe('Module:save and Module:load', function()
  local function net(hidden) return nn.Sequential{nn.Linear(3, hidden), nn.ReLU(), nn.Linear(hidden, 2)} end

  it('round-trip a Sequential of Linear layers', function()
    mg.manual_seed(1)
    local a = net(4)
    local path = path_of('net.safetensors')
    a:save(path)
    mg.manual_seed(2)
    local b = net(4)
    assert.are.equal(b, b:load(path))
    for name, t in pairs(a:state_dict()) do assert_same(t, b:state_dict()[name], name) end
    local x = mg.randn(5, 3)
    assert.are.same(a(x):totable(), b(x):totable())
    local sd = mg.load(path)
    assert.are.same({2, 4}, sd['3.weight'].shape)
  end)

  it('leave a model of other shapes unchanged, naming the file and the tensors', function()
    mg.manual_seed(1)
    local path = path_of('net4.safetensors')
    net(4):save(path)
    local c = net(5)
    local before = {}
    for name, t in pairs(c:state_dict()) do before[name] = t:clone() end
    local msg = err(function() c:load(path) end)
    assert.are.equal('load: ' .. path .. ": load_state_dict: '1.weight' expected float32 {5,3}, "
                     .. "got float32 {4,3}; '1.bias' expected float32 {5}, got float32 {4}; "
                     .. "'3.weight' expected float32 {2,5}, got float32 {2,4} (nothing was loaded)", msg)
    for name, t in pairs(c:state_dict()) do assert_same(before[name], t, name) end
  end)

  it('refuse a checkpoint that is not a state dict, and files that cannot be read', function()
    local path = path_of('ckpt.safetensors')
    mg.save(path, {model = nn.Linear(2, 1):state_dict(), epoch = 1})
    local m = nn.Linear(2, 1)
    local w = m.weight:clone()
    local msg = err(function() m:load(path) end)
    assert.is_truthy(msg:find("missing 'weight'", 1, true), msg)
    assert.is_truthy(msg:find("unexpected 'epoch'", 1, true), msg)
    assert_same(w, m.weight)
    assert.are.equal('load: ' .. path_of('none.safetensors') .. ': cannot open (No such file or directory)',
                     err(function() m:load(path_of('none.safetensors')) end))
    assert.are.equal("save: expected a file path (a string), got number", err(function() m:save(3) end))
  end)
end)

-- ---- resuming training ------------------------------------------------------------------

describe('a checkpoint of model, optimizer and scheduler', function()
  local X = mg.tensor{{0.5, -1, 2}, {1, 0.25, -0.5}, {-1.5, 1, 0}, {2, 2, -1}}
  local Y = mg.tensor{{1}, {-1}, {0.5}, {0}}

  local function setup(seed)
    mg.manual_seed(seed)
    local model = nn.Sequential{nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 1)}
    local opt = mg.optim.Adam(model:parameters(), {lr = 0.05, weight_decay = 0.01, amsgrad = true})
    local sched = mg.optim.lr_scheduler.StepLR(opt, {step_size = 2, gamma = 0.5})
    return model, opt, sched
  end

  local function train_step(model, opt, sched)
    opt:zero_grad()
    local loss = F.mse_loss(model(X), Y)
    loss:backward()
    opt:step()
    sched:step()
    return loss:item()
  end

  it('resumes to exactly the losses of an uninterrupted run', function()
    local N, MORE = 5, 4
    local model, opt, sched = setup(7)
    local expected = {}
    for step = 1, N + MORE do
      local loss = train_step(model, opt, sched)
      if step > N then expected[#expected + 1] = loss end
    end

    model, opt, sched = setup(7)
    for _ = 1, N do train_step(model, opt, sched) end
    local path = path_of('resume.safetensors')
    mg.save(path, {model = model:state_dict(), optimizer = opt:state_dict(),
                   scheduler = sched:state_dict(), epoch = 3})

    local model2, opt2, sched2 = setup(99) -- other weights, fresh state
    local ckpt = mg.load(path)
    model2:load_state_dict(ckpt.model)
    opt2:load_state_dict(ckpt.optimizer)
    sched2:load_state_dict(ckpt.scheduler)
    assert.are.equal(3, ckpt.epoch)
    assert.are.equal('integer', math.type(ckpt.epoch))
    assert_same(opt:state_dict(), opt2:state_dict())
    assert_same(sched:state_dict(), sched2:state_dict())
    for i = 1, MORE do
      assert.are.equal(expected[i], train_step(model2, opt2, sched2)) -- bitwise: no tolerance
    end
  end)
end)

-- ---- errors when saving -------------------------------------------------------------------

describe('mg.save refuses', function()
  local path = path_of('refused.safetensors')

  it('values a file cannot hold, naming where they are', function()
    assert.are.equal('save: value.state[1].fn is a function; mg.save stores tensors, numbers, '
                     .. 'strings, booleans and tables',
                     err(function() mg.save(path, {state = {{fn = print}}}) end))
    assert.are.equal('save: value["a b"] is a userdata; mg.save stores tensors, numbers, strings, '
                     .. 'booleans and tables',
                     err(function() mg.save(path, {['a b'] = io.stdout}) end))
    local cycle = {}
    cycle.self = {cycle}
    assert.are.equal('save: value.self[1] contains itself (a cycle), which a file cannot hold',
                     err(function() mg.save(path, cycle) end))
    assert.are.equal('save: value.m is a module; save its state_dict() (model:save(path) does)',
                     err(function() mg.save(path, {m = nn.Linear(1, 1)}) end))
    local deep = {}
    local t = deep
    for _ = 1, 100 do t.x = {} t = t.x end
    local msg = err(function() mg.save(path, deep) end)
    assert.is_truthy(msg:find('tables nested deeper than 100 levels', 1, true), msg)
    assert.are.equal('save: expected a value to save, got nil (mg.save stores tensors, numbers, '
                     .. 'strings, booleans and tables)', err(function() mg.save(path) end))
    assert.are.equal('save: expected a file path (a string), got table',
                     err(function() mg.save({}, 1) end))
  end)

  it('keys that are not strings or integers, and text that is not UTF-8', function()
    assert.are.equal('save: value.a has a key of type boolean (true); keys must be strings or integers',
                     err(function() mg.save(path, {a = {[true] = 1}}) end))
    assert.are.equal('save: value has a key of type number (1.5); keys must be strings or integers',
                     err(function() mg.save(path, {[1.5] = 1}) end))
    assert.are.equal("save: value.s is not valid UTF-8 (the file's header is UTF-8 JSON)",
                     err(function() mg.save(path, {s = 'caf\xe9'}) end))
    assert.are.equal("save: a key of value is not valid UTF-8 (the file's header is UTF-8 JSON)",
                     err(function() mg.save(path, {['\xff'] = mg.ones(1)}) end))
    assert.are.equal('save: value.s holds a zero byte, which the header cannot',
                     err(function() mg.save(path, {s = 'a\0b'}) end))
  end)

  it('two tensors whose names would be equal, and the reserved name', function()
    -- keys are walked in sorted order: b before "b.c"
    assert.are.equal('save: value.a.b.c and value.a["b.c"] would both be stored as the tensor named '
                     .. '"a.b.c" (names join the keys with \'.\'); rename a key',
                     err(function() mg.save(path, {a = {['b.c'] = mg.ones(1), b = {c = mg.ones(1)}}}) end))
    assert.are.equal("save: " .. path .. ": a tensor cannot be named '__metadata__' (the format "
                     .. "reserves that name)",
                     err(function() mg.save(path, {__metadata__ = mg.ones(1)}) end))
  end)

  it('without touching a file already at path', function()
    mg.save(path, {x = mg.ones(2)})
    local before = slurp(path)
    err(function() mg.save(path, {x = mg.zeros(2), f = print}) end)
    assert.are.equal(before, slurp(path))
    local missing = path_of('no/such/dir.safetensors')
    assert.are.equal('save: ' .. missing .. ': cannot create ' .. missing .. '.tmp (No such file or directory)',
                     err(function() mg.save(missing, {x = mg.ones(2)}) end))
  end)
end)

-- ---- errors when loading ------------------------------------------------------------------

describe('mg.load refuses', function()
  local F32_2 = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'

  it('missing, truncated and absurd files', function()
    local missing = path_of('missing.safetensors')
    assert.are.equal('load: ' .. missing .. ': cannot open (No such file or directory)',
                     err(function() mg.load(missing) end))
    local short = write('short.safetensors', '\1\0')
    assert.are.equal('load: ' .. short .. ': the file is 2 bytes, too short for a safetensors header',
                     err(function() mg.load(short) end))
    -- the header's length says 64 bytes, 54 follow
    local cut = write('cut.safetensors', string.pack('<I8', 64) .. F32_2)
    assert.are.equal('load: ' .. cut .. ': header length 64 runs past the end of the file (62 bytes): '
                     .. 'the file is truncated', err(function() mg.load(cut) end))
    local absurd = write('absurd.safetensors', string.pack('<I8', 2^40) .. '{}')
    assert.are.equal('load: ' .. absurd .. ': header length 1099511627776 is over the limit of '
                     .. '100000000 bytes (not a safetensors file?)', err(function() mg.load(absurd) end))
    -- 8 bytes of data announced, 5 present
    local data = write_safetensors('data.safetensors', F32_2, '\0\0\128\63\0')
    assert.are.equal('load: ' .. data .. ": tensor 'a' has data_offsets [0, 8] past the end of the "
                     .. 'data (5 bytes): the file is truncated', err(function() mg.load(data) end))
    assert.are.equal('load: expected a file path (a string), got nil', err(function() mg.load() end))
  end)

  it('corrupt headers', function()
    local p = write_safetensors('notjson.safetensors', '{"a": ')
    assert.are.equal('load: ' .. p .. ': the header is not valid JSON (error at byte 5 of it)',
                     err(function() mg.load(p) end))
    p = write_safetensors('f16.safetensors', '{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}', '1234')
    assert.are.equal('load: ' .. p .. ": tensor 'h' has dtype F16, which moongrad does not support "
                     .. '(it reads F32, F64, I64 and BOOL)', err(function() mg.load(p) end))
    p = write_safetensors('size.safetensors',
                          '{"fc.weight":{"dtype":"F32","shape":[5,6],"data_offsets":[0,100]}}',
                          string.rep('\0', 100))
    assert.are.equal('load: ' .. p .. ": tensor 'fc.weight' has data_offsets [0, 100] but F32 {5,6} "
                     .. 'needs 120 bytes', err(function() mg.load(p) end))
    p = write_safetensors('overlap.safetensors',
                          '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},'
                          .. '"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', string.rep('\0', 8))
    assert.are.equal('load: ' .. p .. ": the data of tensors 'a' [0, 8] and 'b' [4, 8] overlap",
                     err(function() mg.load(p) end))
  end)

  it('corrupt moongrad metadata, naming what is wrong', function()
    local function with_metadata(name, doc, header_rest, data)
      local escaped = doc:gsub('[\\"]', '\\%0')
      return write_safetensors(name, '{"__metadata__":{"moongrad":"' .. escaped .. '"}'
                                     .. (header_rest or '') .. '}', data)
    end
    local cases = {
      {'{"format":1,"value":', 'json_decode: not valid JSON (error at byte 20)'},
      {'{"value":{"int":"1"}}', 'no format number'},
      {'{"format":1,"value":{"int":"1.5"}}', 'value: 1.5 is not an integer'},
      {'{"format":1,"value":{"float":"x"}}', 'value: x is not a float'},
      {'{"format":1,"value":{"set":[]}}', 'value: unknown kind of value set'},
      {'{"format":1,"value":{"int":"1","float":"2"}}', 'value: not a value the format knows'},
      {'{"format":1,"value":{"table":[["a"]]}}', 'value: entry 1 is not a [key, value] pair'},
      {'{"format":1,"value":{"table":[["a",1],["a",2]]}}', 'value["a"]: not a value the format knows'},
      {'{"format":1,"value":{"table":[["a",true],["a",false]]}}', 'value["a"] appears twice'},
      {'{"format":1,"value":{"list":{"a":1}}}', 'value: expected a JSON array'},
      {'{"format":1,"value":{"tensor":"b"}}', 'value names tensor b, which the file does not hold'},
    }
    for i, case in ipairs(cases) do
      local p = with_metadata('meta' .. i .. '.safetensors', case[1])
      assert.are.equal('load: ' .. p .. ': the moongrad metadata is corrupt: ' .. case[2],
                       err(function() mg.load(p) end))
    end
    local p = with_metadata('unused.safetensors', '{"format":1,"value":{"int":"1"}}',
                            ',"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]}', '\0\0\0\0')
    assert.are.equal('load: ' .. p .. ': the moongrad metadata is corrupt: tensor "a" of the file is '
                     .. 'not in it', err(function() mg.load(p) end))
    p = with_metadata('newer.safetensors', '{"format":2,"value":{"int":"1"}}')
    assert.are.equal('load: ' .. p .. ': written by a newer moongrad (moongrad metadata format 2; '
                     .. 'this one reads format 1)', err(function() mg.load(p) end))
  end)
end)
