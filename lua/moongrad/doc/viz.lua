-- Documentation of moongrad's viz area, shown by help(); format in moongrad/help.lua.
return {title = 'Visualization (mg.viz): autograd graphs as DOT, SVG or PNG', entries = {

{name = 'mg.viz',
 sig = 'mg.viz',
 desc = [[
Pictures of what moongrad computed. mg.viz.graph draws the autograd graph behind a tensor:
a box per tensor, an ellipse per op, arrows from inputs to op to output, as Graphviz DOT
text, or as SVG or PNG when Graphviz's dot is installed (Debian: apt install graphviz).

mg.viz.dot is the Graphviz command used for pictures ('dot'; a path works too).]],
 example = [[
local a = mg.tensor({1, 2}, {requires_grad = true})
local y = (a * a):sum()
print(mg.viz.graph(y))          -- DOT text: boxes for a and y, an ellipse per op]]},

{name = 'mg.viz.graph',
 sig = 'mg.viz.graph(t [, path] [, {title, values = 8, names, rankdir = \'LR\'}]) -> DOT text',
 desc = [[
Draws the autograd graph behind t, as micrograd's draw_dot does: one box per tensor and one
ellipse per op (its name: 'mul', 'add', 'sum', ...), with arrows in the direction of the
forward computation (inputs -> op -> output). Each shared tensor or op appears once.

  blue box     a leaf that requires grad (a parameter): its name, shape, dtype, values and
               grad (after backward)
  green box    t itself, with its values
  white box    an intermediate result: its shape and dtype (the graph keeps no values;
               they show when the tensor is named, see names)
  dashed box   an input that needs no gradient (data, a number): shape and dtype

Values and grads show for tensors of at most 8 elements (4 significant digits).

Returns the DOT text. With a path, also writes it there, by the path's extension:
  .dot         the DOT text
  .svg, .png   the picture, drawn by Graphviz's dot (mg.viz.dot); without dot, the DOT
               text goes to the same path with .dot and an error says so.

Options:
  title        a caption over the graph
  values       false hides values and grads; a number shows them for tensors of up to that
               many elements (default 8)
  names        where box names come from. By default the caller's local variables, its
               upvalues and the globals: a tensor held in `local a` is labelled a, and a
               module in `local model` names its parameters model.fc1.weight. A table
               {name = tensor or module, ...} or a module uses those names only; false none.
  rankdir      'LR' (default: left to right), 'TB', 'RL' or 'BT'

Errors name what was wrong: not a tensor, an unknown extension, a path that cannot be
written.]],
 example = [[
local a = mg.tensor({1, 2}, {requires_grad = true})
local y = (a * a + 3 * a):sum()                 -- y = a1^2 + a2^2 + 3 a1 + 3 a2
y:backward()                                    -- a.grad = 2a + 3 = {5, 7}
local path = os.tmpname()
local dot = mg.viz.graph(y, path .. '.dot', {title = 'y = sum(a*a + 3*a)'})
print(dot)                                      -- a: data [1, 2], grad [5, 7]; ops mul, add, sum
-- mg.viz.graph(y, 'y.svg') draws the picture when Graphviz is installed
os.remove(path .. '.dot')
os.remove(path)]]},

}}
