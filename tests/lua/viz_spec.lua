-- mg.viz.graph: the autograd graph as DOT (and SVG / PNG through Graphviz). The DOT text
-- is parsed back into nodes and edges and compared with graphs worked out by hand: which
-- ops, which tensor boxes with which shapes, values and gradients, and which arrows.
local mg = require 'moongrad'
local h = require 'tests.lua.helpers'

local has_dot = os.execute('command -v dot >/dev/null 2>&1') == true

-- DOT's escapes in a quoted label: \n, \" and \\.
local function unescape(s)
  return (s:gsub('\\(.)', function(c) return c == 'n' and '\n' or c end))
end

-- {nodes = {id = {shape, style, label}}, edges = {{from, to}, ...}, ops = {id...},
-- boxes = {id...}} from the DOT text graph() writes (one statement per line).
local function parse(text)
  local g = {nodes = {}, edges = {}, ops = {}, boxes = {}}
  assert.is_truthy(text:match('^digraph moongrad {\n'), 'starts a digraph')
  assert.is_truthy(text:match('\n}\n$'), 'ends the digraph')
  for line in text:gmatch('[^\n]+') do
    local from, to = line:match('^  ([%w_]+) %-> ([%w_]+);$')
    if from then
      g.edges[#g.edges + 1] = {from, to}
    else
      local id, attrs, label = line:match('^  ([%w_]+) %[(.-)label="(.*)"%];$')
      if id and id ~= 'graph' and id ~= 'node' and id ~= 'edge' then
        local node = {id = id, shape = attrs:match('shape=(%w+)'), label = unescape(label),
                      dashed = attrs:find('dashed', 1, true) ~= nil}
        if g.nodes[id] then g.repeated = id end
        g.nodes[id] = node
        local list = node.shape == 'ellipse' and g.ops or g.boxes
        list[#list + 1] = id
      end
    end
  end
  assert.is_nil(g.repeated, 'each node is declared once')
  local dangling
  for _, e in ipairs(g.edges) do
    if not g.nodes[e[1]] then dangling = e[1] end
    if not g.nodes[e[2]] then dangling = e[2] end
  end
  assert.is_nil(dangling, 'every edge joins declared nodes')
  return g
end

local function sorted(list)
  table.sort(list)
  return list
end

-- The labels of the op nodes, sorted.
local function op_names(g)
  local names = {}
  for _, id in ipairs(g.ops) do names[#names + 1] = g.nodes[id].label end
  return sorted(names)
end

local function box_labels(g)
  local labels = {}
  for _, id in ipairs(g.boxes) do labels[#labels + 1] = g.nodes[id].label end
  return sorted(labels)
end

-- The ids of the nodes with arrows into id (sorted, repeated for repeated arrows), and out.
local function into(g, id)
  local r = {}
  for _, e in ipairs(g.edges) do if e[2] == id then r[#r + 1] = e[1] end end
  return sorted(r)
end
local function out_of(g, id)
  local r = {}
  for _, e in ipairs(g.edges) do if e[1] == id then r[#r + 1] = e[2] end end
  return sorted(r)
end

local function node_labelled(g, label)
  local found
  for id, node in pairs(g.nodes) do
    if node.label == label then
      assert.is_nil(found, 'one node labelled ' .. label)
      found = id
    end
  end
  assert.is_truthy(found, 'a node labelled ' .. label)
  return found
end

local function labels_of(g, ids)
  local r = {}
  for i, id in ipairs(ids) do r[i] = g.nodes[id].label end
  return sorted(r)
end

-- The error message of f, without the position error() adds at level 2, and that position.
local function error_of(f)
  local ok, err = pcall(f)
  assert.is_false(ok, 'expected an error')
  local where, msg = tostring(err):match('^(.-:%d+): (.*)$')
  return msg or err, where
end

local read = h.read_file

local exists = h.file_exists

describe('mg.viz.graph', function()
  it('draws y = sum(a*a + 3*a): its ops, tensors, values, grads and forward arrows', function()
    local a = mg.tensor({1, 2}, {requires_grad = true})
    local y = (a * a + 3 * a):sum()
    y:backward()
    local g = parse(mg.viz.graph(y))
    assert.are.same({'add', 'mul', 'mul', 'sum'}, op_names(g))
    -- y = 1 + 4 + 3 + 6 = 14; dy/da = 2a + 3 = {5, 7}. Intermediates keep no values; the
    -- number 3 is an input that needs no gradient.
    assert.are.same(sorted{'a\n{2} float32\ndata [1, 2]\ngrad [5, 7]',
                           'y\n{} float32\ndata 14',
                           '{2} float32', '{2} float32', '{2} float32',
                           'no grad\n{} int64'}, box_labels(g))
    local ya, yy = node_labelled(g, 'a\n{2} float32\ndata [1, 2]\ngrad [5, 7]'),
                   node_labelled(g, 'y\n{} float32\ndata 14')
    -- Forward direction: a and the number only feed ops, y only comes out of sum.
    assert.are.same({}, into(g, ya))
    assert.are.same({}, out_of(g, yy))
    local sum = node_labelled(g, 'sum')
    assert.are.same({sum}, into(g, yy))
    local sum_in = into(g, sum)
    assert.are.equal(1, #sum_in)
    local add = into(g, sum_in[1])[1]
    assert.are.equal('add', g.nodes[add].label)
    local add_in = into(g, add)
    assert.are.equal(2, #add_in)
    local muls = {into(g, add_in[1])[1], into(g, add_in[2])[1]}
    assert.are.same({'mul', 'mul'}, labels_of(g, muls))
    -- One mul takes a twice (a*a), the other the number and a (3*a).
    local inputs = {labels_of(g, into(g, muls[1])), labels_of(g, into(g, muls[2]))}
    table.sort(inputs, function(p, q) return p[1] < q[1] end)
    assert.are.same({{'a\n{2} float32\ndata [1, 2]\ngrad [5, 7]', 'a\n{2} float32\ndata [1, 2]\ngrad [5, 7]'},
                     {'a\n{2} float32\ndata [1, 2]\ngrad [5, 7]', 'no grad\n{} int64'}}, inputs)
    -- Boxes and ops alternate: no arrow joins two ops or two tensors.
    for _, e in ipairs(g.edges) do
      assert.are_not.equal(g.nodes[e[1]].shape == 'ellipse', g.nodes[e[2]].shape == 'ellipse')
    end
    assert.are.equal('sum', y.grad_fn) -- t.grad_fn stays the op's name
  end)

  it('draws a tensor used twice (a diamond) and a shared result once', function()
    local x = mg.tensor({0.5}, {requires_grad = true, dtype = 'float64'})
    local z = (x:exp() * x):sum()
    z:backward()
    local g = parse(mg.viz.graph(z, {names = {x = x}}))
    assert.are.same({'exp', 'mul', 'sum'}, op_names(g))
    -- dz/dx = e^x (1 + x) = e^0.5 * 1.5 = 2.473 (4 significant digits)
    local xbox = node_labelled(g, 'x\n{1} float64\ndata [0.5]\ngrad [2.473]')
    assert.are.same(sorted{node_labelled(g, 'exp'), node_labelled(g, 'mul')}, out_of(g, xbox))

    -- h = 2w feeds both h and exp(h): one mul, and h's box (named, with its values) once.
    local w = mg.tensor({1, -1}, {requires_grad = true})
    local h = w * 2
    local s = (h + h:exp()):sum()
    g = parse(mg.viz.graph(s))
    assert.are.same({'add', 'exp', 'mul', 'sum'}, op_names(g))
    local hbox = node_labelled(g, 'h\n{2} float32\ndata [2, -2]')
    assert.are.same({node_labelled(g, 'mul')}, into(g, hbox))
    assert.are.same(sorted{node_labelled(g, 'add'), node_labelled(g, 'exp')}, out_of(g, hbox))
    assert.are.same(sorted{'w\n{2} float32\ndata [1, -1]', 'h\n{2} float32\ndata [2, -2]',
                           'no grad\n{} int64', '{2} float32', '{2} float32',
                           's\n{} float32\ndata 7.524'}, box_labels(g))
  end)

  it('draws a leaf as one box', function()
    local g = parse(mg.viz.graph(mg.tensor{{1, 2}, {3, 4}}))
    assert.are.same({}, g.ops)
    assert.are.same({}, g.edges)
    assert.are.same({'{2,2} float32\ndata [[1, 2], [3, 4]]'}, box_labels(g))
    local p = mg.tensor({1.5, 2.25, 3}, {requires_grad = true})
    p.grad = mg.tensor{0.125, -1e-5, 12345.678}
    g = parse(mg.viz.graph(p, {names = false}))
    assert.are.same({'{3} float32\ndata [1.5, 2.25, 3]\ngrad [0.125, -1e-05, 1.235e+04]'},
                    box_labels(g))
  end)

  it('shows values only for small tensors, and not when values = false', function()
    local big = mg.zeros(9, {requires_grad = true})
    local small = mg.tensor({true, false})
    local g = parse(mg.viz.graph((big * 2):sum(), {names = false}))
    assert.are.same(sorted{'{9} float32', '{9} float32', 'no grad\n{} int64', '{} float32\ndata 0'},
                    box_labels(g))
    assert.are.same({'{2} bool\ndata [true, false]'}, box_labels(parse(mg.viz.graph(small, {names = false}))))
    assert.are.same({'{2} bool'}, box_labels(parse(mg.viz.graph(small, {values = false, names = false}))))
    assert.are.same({'{9} float32\ndata [0, 0, 0, 0, 0, 0, 0, 0, 0]'},
                    box_labels(parse(mg.viz.graph(big, {values = 9, names = false}))))
    assert.are.same({'{2} int64\ndata [7, -3]'},
                    box_labels(parse(mg.viz.graph(mg.tensor{7, -3}:long(), {names = false}))))
  end)

  it('names boxes after a table of tensors or a module, and escapes labels', function()
    local lin = mg.nn.Linear(2, 1)
    local x = mg.ones(1, 2)
    local out = lin(x):sum()
    local g = parse(mg.viz.graph(out, {names = lin, values = false}))
    local seen = {}
    for _, l in ipairs(box_labels(g)) do seen[l:match('^[^\n]*')] = true end
    assert.is_true(seen.weight)
    assert.is_true(seen.bias)
    g = parse(mg.viz.graph(out, {values = false})) -- the local `lin` names its parameters
    seen = {}
    for _, l in ipairs(box_labels(g)) do seen[l:match('^[^\n]*')] = true end
    assert.is_true(seen['lin.weight'])
    assert.is_true(seen['lin.bias'])
    assert.is_true(seen.out)

    local a = mg.tensor({1}, {requires_grad = true})
    local weird = 'we"ird\\name\nline2'
    local text = mg.viz.graph(a * 1, {names = {[weird] = a}, title = 'a "title"'})
    assert.is_truthy(text:find('label="we\\"ird\\\\name\\nline2\\n{1} float32', 1, true))
    assert.is_truthy(text:find('label="a \\"title\\"", labelloc=t', 1, true))
    assert.are.same(sorted{weird .. '\n{1} float32\ndata [1]', '{1} float32\ndata [1]',
                           'no grad\n{} int64'}, box_labels(parse(text)))
  end)

  it('walks a chain of 100000 ops without recursion', function()
    local x = mg.tensor({1}, {requires_grad = true})
    local y = x
    for _ = 1, 100000 do y = y * 1 end
    local g = parse(mg.viz.graph(y, {names = false}))
    assert.are.equal(100000, #g.ops)
    assert.are.same({'mul'}, (function()
      local labels = {}
      for _, id in ipairs(g.ops) do labels[g.nodes[id].label] = true end
      local r = {}
      for l in pairs(labels) do r[#r + 1] = l end
      return r
    end)())
    -- x, y, 99999 intermediates and one number per mul
    assert.are.equal(2 + 99999 + 100000, #g.boxes)
    assert.are.equal(100000 * 3, #g.edges)
  end)

  it('writes DOT to a .dot path and returns it', function()
    local base = os.tmpname()
    local a = mg.tensor({1, 2}, {requires_grad = true})
    local text = mg.viz.graph(a:sum(), base .. '.dot', {title = 't'})
    assert.are.equal(text, read(base .. '.dot'))
    assert.are.equal(text, mg.viz.graph(a:sum(), base .. '.DOT', {title = 't'}))
    os.remove(base .. '.dot')
    os.remove(base .. '.DOT')
    os.remove(base)
  end)

  it('draws SVG through Graphviz', function()
    if not has_dot then return pending('Graphviz dot is not installed') end
    local base = os.tmpname()
    local a = mg.tensor({1, 2}, {requires_grad = true})
    local y = (a * a):sum()
    y:backward()
    local text = mg.viz.graph(y, base .. ' it\'s.svg')
    assert.is_truthy(text:find('digraph', 1, true))
    local svg = read(base .. ' it\'s.svg')
    assert.is_truthy(svg:sub(1, 5) == '<?xml' or svg:find('<svg', 1, true))
    assert.is_truthy(svg:find('grad [2, 4]', 1, true))
    os.remove(base .. ' it\'s.svg')
    os.remove(base)
  end)

  it('draws PNG through Graphviz', function()
    if not has_dot then return pending('Graphviz dot is not installed') end
    local base = os.tmpname()
    mg.viz.graph((mg.tensor({1}, {requires_grad = true}) * 2):sum(), base .. '.png')
    assert.are.equal('\137PNG\r\n\26\n', read(base .. '.png'):sub(1, 8))
    os.remove(base .. '.png')
    os.remove(base)
  end)

  it('writes the DOT text next to the path and says so when dot is missing', function()
    local base = os.tmpname()
    local saved = mg.viz.dot
    mg.viz.dot = '/nonexistent/dot-for-viz-spec'
    local t = mg.tensor({1, 2}, {requires_grad = true}):sum()
    local ok, msg, where = pcall(error_of, function() mg.viz.graph(t, base .. '.svg') end)
    mg.viz.dot = saved
    assert.is_true(ok, msg)
    assert.are.equal("viz.graph: writing .svg needs Graphviz's dot (apt install graphviz); DOT text: "
                     .. base .. '.dot', msg)
    assert.is_truthy(where:find('viz_spec.lua', 1, true), 'error at the caller (level 2)')
    assert.are.equal(mg.viz.graph(t), read(base .. '.dot'))
    assert.is_false(exists(base .. '.svg'))
    os.remove(base .. '.dot')
    os.remove(base)
  end)

  it('names what was wrong in bad input', function()
    local t = mg.ones(2)
    local msg, where = error_of(function() mg.viz.graph(nil) end)
    assert.are.equal('viz.graph: expected a tensor, got nil', msg)
    assert.is_truthy(where:find('viz_spec.lua', 1, true), 'error at the caller (level 2)')
    assert.are.equal('viz.graph: expected a tensor, got table', error_of(function() mg.viz.graph({}) end))
    assert.are.equal('viz.graph: expected a tensor, got number', error_of(function() mg.viz.graph(3) end))
    assert.are.equal('viz.graph: cannot tell the format of y.jpg: use a path ending in .dot, .svg or .png',
                     error_of(function() mg.viz.graph(t, 'y.jpg') end))
    assert.are.equal('viz.graph: cannot tell the format of graph: use a path ending in .dot, .svg or .png',
                     error_of(function() mg.viz.graph(t, 'graph') end))
    assert.are.equal('viz.graph: cannot write /nonexistent-dir/y.dot (No such file or directory)',
                     error_of(function() mg.viz.graph(t, '/nonexistent-dir/y.dot') end))
    if has_dot then
      assert.are.equal('viz.graph: cannot write /nonexistent-dir/y.png (No such file or directory)',
                       error_of(function() mg.viz.graph(t, '/nonexistent-dir/y.png') end))
    end
    assert.are.equal('viz.graph: expected a path (a string) or an options table, got number',
                     error_of(function() mg.viz.graph(t, 5) end))
    assert.are.equal('viz.graph: unknown option colour (expected title, values, names or rankdir)',
                     error_of(function() mg.viz.graph(t, {colour = 'red'}) end))
    assert.are.equal('viz.graph: values must be a boolean or a number of elements, got string',
                     error_of(function() mg.viz.graph(t, {values = 'all'}) end))
    assert.are.equal("viz.graph: rankdir must be 'LR', 'TB', 'RL' or 'BT', got up",
                     error_of(function() mg.viz.graph(t, {rankdir = 'up'}) end))
    assert.are.equal('viz.graph: names[x] is a number, expected a tensor or a module',
                     error_of(function() mg.viz.graph(t, {names = {x = 1}}) end))
  end)
end)
