-- Documentation of moongrad's plot area, shown by help(); format in moongrad/help.lua.
return {title = 'Plots (mg.plot): terminal and SVG', entries = {

  {name = 'mg.plot', sig = 'mg.plot',
   desc = [[
Line, scatter and histogram plots of tensors or Lua lists, drawn in the terminal or as SVG.
mg.plot.line, mg.plot.scatter and mg.plot.hist return a Plot: print(p) draws it with
Unicode braille characters (2 x 4 dots per character cell) for lines and points and block
characters for bars, with the title, axes (the minimum, middle and maximum as tick labels),
axis labels and a legend; p:svg() gives SVG text and p:save('plot.svg') writes it, with
round tick values, for a browser or a document.

Lengths up to 10^5 points and more are fine: limits, binning and the dots a scatter lights
are tensor ops, and a long line is cut down to a few points per pixel column that keep its
shape (its minimum, maximum, ends and gaps per column). NaN and infinite values are left
out (a gap in a line). Terminal plots are plain text unless colours are asked for
(opts.color = true, or p:show() on a colour terminal), so that printed plots are the same
in a file, a test or a pipe.]],
   example = [[
local losses = {2.3, 1.2, 0.8, 0.6, 0.5, 0.45, 0.42, 0.4}
print(mg.plot.line(losses, {title = 'loss', xlabel = 'epoch', width = 30, height = 6}))
-- mg.plot.line(losses):save('loss.svg') writes the same plot as SVG]]},

  {name = 'mg.plot.line',
   sig = 'mg.plot.line(series [, {title, xlabel, ylabel, width = 60, height = 15, xlim, ylim,\n'
      .. '                        legend, logy = false, color}]) -> Plot',
   desc = [[
A line plot of one or several series. series is
  y values              a 1-D tensor or a Lua list of numbers, drawn at x = 1, 2, ..., n
  {x =, y =, label =, color =}
                        y as above, x the same length (default 1..n), label a string for
                        the legend, color '#rrggbb' or '#rgb' (default: the next colour of
                        mg.plot.palette)
  a list of these       several curves, e.g. {{y = train, label = 'train'}, {y = val, ...}}

Options:
  title, xlabel, ylabel  strings: the title above, the x label below, the y label above the
                         y axis (in SVG rotated beside it)
  width, height          the terminal plotting area in characters (60 x 15); the SVG size is
                         given to p:svg or p:save
  xlim, ylim             {lo, hi}: the axis limits (default: the data's, in SVG with 5% room
                         on each side); what falls outside is clipped
  legend                 true or false (default: shown when more than one series has a
                         label)
  logy                   true: a log10 y axis; values <= 0 are left out
  color                  true: ANSI colours in tostring(p) (24-bit, each series its colour);
                         false: none even on a terminal; default none in tostring, and in
                         p:show() when stdout is a terminal (and NO_COLOR is not set)

Limits cover every finite point; all-equal values are drawn in the middle of a padded
range. Errors name what was wrong: an empty series, x and y of different lengths, a value
that is not a number, an unknown option or series field, no finite value to plot.]],
   example = [[
local x = mg.linspace(0, 6.28, 200)
print(mg.plot.line({{x = x, y = x:sin(), label = 'sin'}, {x = x, y = x:cos(), label = 'cos'}},
                   {title = 'sin and cos', width = 40, height = 8}))
print(mg.plot.line({1, 10, 100, 1000}, {logy = true, width = 20, height = 4}))   -- a straight line
print(pcall(mg.plot.line, {1, 2}, {colour = 'red'}))   -- false  ... unknown option 'colour' ...]]},

  {name = 'mg.plot.scatter',
   sig = 'mg.plot.scatter(x, y [, opts])     mg.plot.scatter(groups [, opts]) -> Plot',
   desc = [[
A scatter plot: a dot per point (x[i], y[i]); x and y are 1-D tensors or Lua lists of
numbers of one length. groups is a {x =, y =, label =, color =} table or a list of them,
each drawn in its colour (the legend shows the labels). Options as mg.plot.line's (title,
xlabel, ylabel, width, height, xlim, ylim, legend, logy, color). Points outside xlim/ylim
and points with a NaN or infinite coordinate are left out. In SVG each point is a circle;
points falling on the same pixel are drawn once, so that 10^5 points stay a small file.]],
   example = [[
mg.manual_seed(0)
local x = mg.randn(500)
print(mg.plot.scatter(x, x * 2 + mg.randn(500) * 0.5, {title = 'y = 2x + noise', width = 30, height = 8}))
print(mg.plot.scatter({{x = {0, 1}, y = {0, 1}, label = 'a'}, {x = {0, 1}, y = {1, 0}, label = 'b'}},
                      {width = 10, height = 3}))]]},

  {name = 'mg.plot.hist',
   sig = 'mg.plot.hist(values [, {bins = 10, range, density = false, title, xlabel, ylabel,\n'
      .. '                        width, height, color}]) -> Plot   p.counts, p.edges',
   desc = [[
A histogram of values (a 1-D tensor or a Lua list of numbers), as numpy.histogram counts
them: bins equal bins over range {lo, hi} (default the smallest and largest finite value;
lo - 0.5 and hi + 0.5 when they are equal), each [edge, next edge) and the last one closed;
values outside the range and NaNs are not counted. density = true divides the counts by
(number counted * bin width), so that the bars' area is 1.

The plot keeps p.counts (float64, bins values) and p.edges (float64, bins + 1 values). In
the terminal each bin is a bar of block characters (in eighths of a character; a non-zero
count shows at least one eighth); width, height and color as for mg.plot.line. With more
bins than columns a column shows its tallest bin.]],
   example = [[
local p = mg.plot.hist({1, 1, 1, 1, 2, 2, 3, 4, 4, 4}, {bins = 4, width = 8, height = 4})
print(p)
print(p.counts, p.edges)        -- 4 2 1 3;  1 1.75 2.5 3.25 4
mg.manual_seed(0)
print(mg.plot.hist(mg.randn(10000), {bins = 20, title = 'randn', width = 40, height = 6}))]]},

  {name = 'mg.plot.palette', sig = 'mg.plot.palette   -- a list of \'#rrggbb\' colours',
   desc = [[
The colours given to successive series without a color of their own: matplotlib's tab10,
'#1f77b4' (blue), '#ff7f0e' (orange), '#2ca02c' (green), '#d62728' (red), '#9467bd',
'#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', then again from the first. Plots made
afterwards use changes to this table.]],
   example = [[
print(mg.plot.palette[1], #mg.plot.palette)      -- #1f77b4  10]]},

  {name = 'mg.plot.Plot',
   sig = 'mg.plot.Plot   -- the class of what line, scatter and hist return',
   desc = [[
A plot, drawn when shown: tostring(p) and print(p) give the terminal drawing (plain text
unless made with color = true), p:show() prints it in colour on a terminal, p:svg() gives
SVG text and p:save(path) writes it. help(p) shows this page.]],
   example = [[
local p = mg.plot.line({3, 1, 2}, {width = 12, height = 3})
print(p)
print(#p:svg() > 0, getmetatable(p) == mg.plot.Plot)   -- true  true]]},

  {name = 'mg.plot.Plot:show', sig = 'p:show()',
   desc = [[
Prints the terminal drawing of p to stdout (io.write). Series are in their colours (ANSI
24-bit escape codes) when the plot was made with color = true, or with color unset when
stdout is a terminal, TERM is not 'dumb' and NO_COLOR is not set; else plain text, as
print(p).]],
   example = [[
mg.plot.line({1, 4, 9, 16}, {width = 16, height = 4, color = false}):show()]]},

  {name = 'mg.plot.Plot:svg', sig = 'p:svg([{width = 640, height = 400}]) -> string',
   desc = [[
The plot as an SVG document of width x height pixels (at least 150 x 120): a white
background, the axes with ticks at round values (1, 2 or 5 times a power of ten; powers of
ten on a log axis), the title and axis labels as <text>, one <polyline> per connected piece
of each line (a lone point between gaps is a small <circle>), a <circle> per scatter point
(per pixel), a <rect> per histogram bar, and the legend in the top right corner. Text is
escaped for XML.]],
   example = [[
local svg = mg.plot.line({{y = {1, 3, 2}, label = 'a < b'}, {y = {2, 2, 3}, label = 'c'}}):svg()
print(svg:match('<polyline[^>]*>'))     -- stroke="#1f77b4" ... points="95.00,335.91 ..."
print(svg:find('a &lt; b', 1, true) ~= nil)     -- true]]},

  {name = 'mg.plot.Plot:save', sig = 'p:save(path [, {width = 640, height = 400}])',
   desc = [[
Writes p:svg(opts) to path, which must end in .svg (SVG is the only format: convert with a
browser or rsvg-convert for PNG). Errors name the path when it has another extension or
cannot be written.]],
   example = [[
local base = os.tmpname()
local p = mg.plot.hist({1, 2, 2, 3, 3, 3}, {bins = 3, title = 'counts'})
p:save(base .. '.svg', {width = 320, height = 240})
print(io.open(base .. '.svg'):read('a'):sub(1, 40))   -- <svg xmlns="http://www.w3.org/2000/svg" ...
os.remove(base .. '.svg'); os.remove(base)
print(pcall(p.save, p, 'counts.png'))                 -- false  ... only SVG is supported ...]]},
}}
