-- mg.plot: terminal drawings, SVG structure, a render by headless Chromium, bad input.
-- The expected drawings are worked out by hand from the documented geometry:
--   terminal  a plot area of width x height cells is a grid of 2*width x 4*height braille
--            dots; x in [xlo, xhi] maps onto dot columns 0 .. 2*width-1 and y in [ylo, yhi]
--            onto dot rows 4*height-1 .. 0 (top), each point to the nearest dot; a cell's
--            character is U+2800 + the bits of its lit dots:
--                 col 1  col 2
--            row 1  0x01   0x08
--            row 2  0x02   0x10
--            row 3  0x04   0x20
--            row 4  0x40   0x80
--   SVG      640 x 400 pixels by default; the plot area is x 70..620, y 40..350 (margins
--            left 70, right 20, top 40, bottom 50), and data limits get 5% of their range
--            on each side unless xlim/ylim give them.
-- Histogram counts are compared with numpy 1.24's np.histogram on the same inputs.
local mg = require 'moongrad'
local h = require 'tests.lua.helpers'
local plot = mg.plot

local NAN = 0 / 0
local SPEC = 'plot_spec.lua:' -- errors point at the caller's line in this file

local function err(f) return h.error_in(SPEC, f) end

local function lines(text)
  local out = {}
  for line in (text .. '\n'):gmatch('(.-)\n') do out[#out + 1] = line end
  return out
end

local function braille(bits) return utf8.char(0x2800 + bits) end

local function range(n)
  local t = {}
  for i = 1, n do t[i] = i end
  return t
end

-- The attributes of every <tag .../> or <tag ...> element of an SVG string, in order.
local function elements(svg, tag)
  local out = {}
  for attrs in svg:gmatch('<' .. tag .. '%s([^>]*)>') do
    local e = {}
    for k, v in attrs:gmatch('([%w%-:]+)="([^"]*)"') do e[k] = v end
    out[#out + 1] = e
  end
  return out
end

-- The points="x,y x,y ..." of a polyline as {{x, y}, ...}.
local function points(polyline)
  local out = {}
  for x, y in polyline.points:gmatch('([-%d.]+),([-%d.]+)') do out[#out + 1] = {tonumber(x), tonumber(y)} end
  return out
end

-- <text ...>content</text> elements as {attrs..., text = content}.
local function texts(svg)
  local out = {}
  for attrs, content in svg:gmatch('<text%s([^>]*)>(.-)</text>') do
    local e = {text = content}
    for k, v in attrs:gmatch('([%w%-:]+)="([^"]*)"') do e[k] = v end
    out[#out + 1] = e
  end
  return out
end

-- ---- terminal: lines ----------------------------------------------------------------------

describe('mg.plot.line in the terminal', function()
  it('draws y = x as a braille diagonal, with tick labels, title and axis labels', function()
    -- 6 x 3 cells = 12 x 12 dots; x = 1..12 maps onto columns 0..11 and y onto rows 11..0,
    -- so point k lights dot (k-1, 12-k). Row 1 holds dot rows 0..3: points 8..11 at dot
    -- columns 8..11: cell 5 gets (8, row 3) = 0x40 and (9, row 2) = 0x20, cell 6 gets
    -- (10, row 1) = 0x02 and (11, row 0) = 0x08. Rows 2 and 3 repeat this two cells left.
    -- Labels: 12 and 1 at the ends, the middle row 6.5; the x labels 1 and 12 (the middle
    -- 6.5 does not fit between them in 6 columns); gutter 3, then ' ┤'.
    local p = plot.line(range(12), {width = 6, height = 3, title = 'y = x', xlabel = 'x', ylabel = 'y'})
    local diag = braille(0x60) .. braille(0x0A)
    assert.are.same({
      '     y = x',
      'y',
      ' 12 ┤    ' .. diag,
      '6.5 ┤  ' .. diag,
      '  1 ┤' .. diag,
      '    └──────',
      '     1   12',
      '       x',
    }, lines(tostring(p)))
  end)

  it('takes a tensor, and a {x =, y =} table, alike', function()
    local expected = tostring(plot.line(range(8), {width = 4, height = 2}))
    assert.are.equal(expected, tostring(plot.line(mg.arange(1, 9), {width = 4, height = 2})))
    assert.are.equal(expected, tostring(plot.line({x = range(8), y = mg.arange(1, 9):double()},
                                                  {width = 4, height = 2})))
    -- 4 x 2 cells = 8 x 8 dots: the same diagonal as above, two cells per row
    local diag = braille(0x60) .. braille(0x0A)
    assert.are.same({'8 ┤  ' .. diag, '1 ┤' .. diag, '  └────', '   1  8'}, lines(expected))
  end)

  it('leaves a gap at NaN, and shows a point between gaps as a dot', function()
    -- y = x on 1..8 (8 x 8 dots, point k at dot (k-1, 8-k)) with y[2] and y[4] missing:
    -- point 1 (dot (0,7)) and point 3 (dot (2,5)) stand alone; 5..8 are joined as before.
    -- Row 2: cell 1 only (0, row 3) = 0x40; cell 2 only (2, row 1) = 0x02.
    local y = range(8)
    y[2], y[4] = NAN, NAN
    local rows = lines(tostring(plot.line(y, {width = 4, height = 2})))
    assert.are.equal('8 ┤  ' .. braille(0x60) .. braille(0x0A), rows[1])
    assert.are.equal('1 ┤' .. braille(0x40) .. braille(0x02), rows[2])
  end)

  it('clips a line at the limits', function()
    -- xlim {0, 3}, ylim {0, 3} on 2 x 1 cells (4 x 4 dots): x maps to column x and y to row
    -- 3 - y. The segment (0, 0) -> (3, 10) runs from dot (0, 3) to (3, -7); it leaves the
    -- grid (rows -0.5 .. 3.5) at t = 0.35, dot (1.05, -0.5), rounded (1, 0). Three steps
    -- from (0, 3) to (1, 0) light (0,3), (0.33 -> 0, 2), (0.67 -> 1, 1), (1, 0):
    -- 0x40 + 0x04 + 0x10 + 0x08 = 0x5C in cell 1, nothing in cell 2.
    local p = plot.line({x = {0, 3}, y = {0, 10}}, {width = 2, height = 1, xlim = {0, 3}, ylim = {0, 3}})
    assert.are.equal('3 ┤' .. braille(0x5C), lines(tostring(p))[1])
  end)

  it('draws all-equal values in the middle of a padded range', function()
    -- {5, 5, 5}: the range 5 +- 0.5; on 2 x 3 cells (12 dot rows) y = 5 maps to row
    -- (5.5 - 5) * 11 = 5.5, rounded 6: the third dot row of cell row 2 (0x04 + 0x20).
    local rows = lines(tostring(plot.line({5, 5, 5}, {width = 2, height = 3})))
    assert.are.same({'5.5 ┤', '  5 ┤' .. braille(0x24) .. braille(0x24), '4.5 ┤'},
                    {rows[1], rows[2], rows[3]})
  end)

  it('logy: a log10 axis labelled with the values, leaving out values <= 0', function()
    -- log10 y = 0, 1, (0 left out), 3 on 2 x 1 cells (4 x 4 dots): points 1, 2 at dots
    -- (0, 3), (1, 2) joined (cell 1: 0x40 + 0x20); point 4 alone at (3, 0) (cell 2: 0x08).
    local rows = lines(tostring(plot.line({1, 10, 0, 1000}, {logy = true, width = 2, height = 1})))
    assert.are.equal('1000 ┤' .. braille(0x60) .. braille(0x08), rows[1])
  end)

  it('shows a legend when more than one series has a label, or when asked', function()
    local two = {{y = {1, 2}, label = 'train'}, {y = {2, 1}, label = 'val'}}
    local rows = lines(tostring(plot.line(two, {width = 4, height = 2})))
    assert.is_truthy(rows[1]:find('  ── train', 1, true))
    assert.is_truthy(rows[2]:find('  ── val', 1, true))
    assert.is_nil(tostring(plot.line(two, {width = 4, height = 2, legend = false})):find('train', 1, true))
    local one = {{y = {1, 2}, label = 'train'}, {y = {2, 1}}}
    assert.is_nil(tostring(plot.line(one, {width = 4, height = 2})):find('train', 1, true))
    assert.is_truthy(tostring(plot.line(one, {width = 4, height = 2, legend = true})):find('── train', 1, true))
    -- more entries than rows: the legend goes below the plot, indented as the plot area
    -- (the tick labels 1 and 2 take one column, then ' ┤')
    local rows1 = lines(tostring(plot.line(two, {width = 4, height = 1})))
    assert.are.same({'   ── train', '   ── val'}, {rows1[#rows1 - 1], rows1[#rows1]})
  end)

  it('uses ANSI colours only when asked, and show() prints the drawing', function()
    local two = {{y = {1, 2}, label = 'a'}, {y = {2, 1}, label = 'b', color = '#00ff00'}}
    local plain = tostring(plot.line(two, {width = 4, height = 2}))
    assert.is_nil(plain:find('\27', 1, true))
    local coloured = tostring(plot.line(two, {width = 4, height = 2, color = true}))
    assert.is_truthy(coloured:find('\27[38;2;31;119;180m', 1, true))   -- #1f77b4
    assert.is_truthy(coloured:find('\27[38;2;0;255;0m', 1, true))      -- the given #00ff00
    assert.are.equal(plain, (coloured:gsub('\27%[[%d;]*m', '')))

    local written = {}
    local write = io.write
    io.write = function(...) for _, s in ipairs{...} do written[#written + 1] = s end end
    local ok, e = pcall(function()
      plot.line(two, {width = 4, height = 2, color = false}):show()
      plot.line(two, {width = 4, height = 2, color = true}):show()
    end)
    io.write = write
    assert.is_true(ok, tostring(e))
    assert.are.equal(plain .. '\n' .. coloured .. '\n', table.concat(written))
  end)
end)

-- ---- terminal: scatter and hist ---------------------------------------------------------

describe('mg.plot.scatter in the terminal', function()
  it('lights the dot nearest each point, leaving out points off the limits', function()
    -- xlim = ylim = {0, 3} on 2 x 1 cells: (x, y) lights dot (x, 3 - y). (0,0) -> (0,3) 0x40
    -- and (1,2) -> (1,1) 0x10 in cell 1; (3,3) -> (3,0) 0x08 in cell 2; (5,1) is off the
    -- grid and (nan, 1) is not drawn.
    local p = plot.scatter({0, 3, 1, 5, NAN}, {0, 3, 2, 1, 1},
                           {width = 2, height = 1, xlim = {0, 3}, ylim = {0, 3}})
    assert.are.same({'3 ┤' .. braille(0x50) .. braille(0x08), '  └──', '   0'}, lines(tostring(p)))
  end)

  it('draws groups in their colours with a legend', function()
    -- xlim {0, 3}, ylim {0, 7} on 2 x 2 cells (4 x 8 dots): (0, 0) lights dot (0, 7),
    -- cell (2, 1) bit 0x40; (3, 7) lights dot (3, 0), cell (1, 2) bit 0x08.
    local p = plot.scatter({{x = {0}, y = {0}, label = 'a'}, {x = {3}, y = {7}, label = 'b'}},
                           {width = 2, height = 2, xlim = {0, 3}, ylim = {0, 7}, color = true})
    local blue, orange, reset = '\27[38;2;31;119;180m', '\27[38;2;255;127;14m', '\27[0m'
    local rows = lines(tostring(p))
    assert.are.equal('7 ┤ ' .. orange .. braille(0x08) .. reset .. '  ' .. blue .. '⠶⠶' .. reset .. ' a', rows[1])
    assert.are.equal('0 ┤' .. blue .. braille(0x40) .. reset .. '   ' .. orange .. '⠶⠶' .. reset .. ' b', rows[2])
  end)
end)

describe('mg.plot.hist', function()
  it('counts as numpy.histogram does', function()
    -- np.histogram(np.arange(11) * 0.1, bins=10): rounding puts 0.3 on the edge
    -- 0.30000000000000004 exactly, and numpy's correction keeps one value per bin
    local tenths = {}
    for k = 0, 10 do tenths[#tenths + 1] = k * 0.1 end
    local p = plot.hist(tenths)
    h.assert_close(p.counts, {1, 1, 1, 1, 1, 1, 1, 1, 1, 2}, 0, 0)
    h.assert_close(p.edges, {0.0, 0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6000000000000001,
                             0.7000000000000001, 0.8, 0.9, 1.0}, 0, 0)
    -- np.histogram([...], bins=8, range=(0, 8)): -1 and 9 and nan are outside; 8 is in the
    -- last (closed) bin
    p = plot.hist({0.5, 1.5, 1.5, 1.5, 4.5, 4.5, 5.5, 5.5, 6.5, 6.5, 6.5, 6.5, -1, 9, 8, NAN},
                  {bins = 8, range = {0, 8}})
    h.assert_close(p.counts, {1, 3, 0, 0, 2, 2, 4, 1}, 0, 0)
    -- np.histogram([1, 2, 2, 3, 3, 3, 7.5], bins=4, density=True)
    p = plot.hist({1, 2, 2, 3, 3, 3, 7.5}, {bins = 4, density = true})
    h.assert_close(p.counts, {0.26373626373626374, 0.26373626373626374, 0.0, 0.08791208791208792}, 1e-15, 0)
    h.assert_close(p.edges, {1, 2.625, 4.25, 5.875, 7.5}, 0, 0)
    -- np.histogram([3, 3, 3], bins=2): a range of width 0 becomes 2.5 .. 3.5
    p = plot.hist(mg.tensor({3, 3, 3}, {dtype = 'int64'}), {bins = 2})
    h.assert_close(p.counts, {0, 3}, 0, 0)
    h.assert_close(p.edges, {2.5, 3, 3.5}, 0, 0)
  end)

  it('draws bars in eighths of a character', function()
    -- counts 4, 2, 1, 3 on 4 x 2 cells: 16 eighths for the largest, so 16, 8, 4, 12:
    -- bin 1 fills both rows, bin 2 the bottom row, bin 3 half of it (▄), bin 4 the bottom
    -- row and half the top one. Edges 1 .. 4.
    local p = plot.hist({1, 1, 1, 1, 2, 2, 3, 4, 4, 4}, {bins = 4, width = 4, height = 2})
    assert.are.same({'4 ┤█  ▄', '0 ┤██▄█', '  └────', '   1  4'}, lines(tostring(p)))
  end)

  it('shows the tallest of the bins sharing a column', function()
    -- counts 1 3 0 0 2 2 4 1 (as above) in 4 columns of 2 bins: 3, 0, 2, 4 of 4 on one row
    -- of 8 eighths: 6 (▆), none, 4 (▄), 8 (█)
    local p = plot.hist({0.5, 1.5, 1.5, 1.5, 4.5, 4.5, 5.5, 5.5, 6.5, 6.5, 6.5, 6.5, 8},
                        {bins = 8, range = {0, 8}, width = 4, height = 1})
    assert.are.equal('4 ┤▆ ▄█', lines(tostring(p))[1])
  end)
end)

-- ---- SVG ----------------------------------------------------------------------------------

describe('Plot:svg', function()
  it('is an SVG document with a white background, ticks at round values and the data mapped onto the plot area', function()
    local svg = plot.line({1, 2, 3}):svg()
    assert.is_truthy(svg:match('^<svg xmlns="http://www.w3.org/2000/svg" width="640" height="400" viewBox="0 0 640 400"'))
    assert.is_truthy(svg:match('</svg>\n$'))
    local rect = elements(svg, 'rect')[1]
    assert.are.same({'0', '0', '640', '400', '#ffffff'}, {rect.x, rect.y, rect.width, rect.height, rect.fill})
    -- x and y limits 1..3 padded to 0.9..3.1: X(v) = 70 + (v - 0.9) * 550 / 2.2,
    -- Y(v) = 350 - (v - 0.9) * 310 / 2.2
    local lines_ = elements(svg, 'polyline')
    assert.are.equal(1, #lines_)
    assert.are.equal('#1f77b4', lines_[1].stroke)
    h.assert_near(points(lines_[1]), {{95, 335.909}, {345, 195}, {595, 54.091}}, 0.0005)
    -- ticks every 0.5 (2.2 / 5 = 0.44 rounds up to 0.5), labelled with one decimal
    local xticks, yticks = {}, {}
    for _, t in ipairs(texts(svg)) do
      if t.y == '368' then xticks[#xticks + 1] = {tonumber(t.x), t.text} end
      if t['text-anchor'] == 'end' then yticks[#yticks + 1] = {tonumber(t.y), t.text} end
    end
    assert.are.same({{95, '1.0'}, {220, '1.5'}, {345, '2.0'}, {470, '2.5'}, {595, '3.0'}}, xticks)
    -- y tick labels sit 4 pixels below their tick: Y(1) + 4 = 339.91, Y(3) + 4 = 58.09
    assert.are.same({{339.91, '1.0'}, {269.45, '1.5'}, {199, '2.0'}, {128.55, '2.5'}, {58.09, '3.0'}}, yticks)
  end)

  it('gives each series its palette colour, or its own, and a legend', function()
    local series = {}
    for i = 1, 11 do series[i] = {y = {i, i + 1}, label = 's' .. i} end
    series[3].color = '#ABC'
    local svg = plot.line(series):svg()
    local strokes = {}
    for i, l in ipairs(elements(svg, 'polyline')) do strokes[i] = l.stroke end
    assert.are.same({'#1f77b4', '#ff7f0e', '#aabbcc', '#d62728', '#9467bd', '#8c564b', '#e377c2',
                     '#7f7f7f', '#bcbd22', '#17becf', '#1f77b4'}, strokes)
    local legend = svg:match('<g class="legend">(.-)</g>')
    local names, swatches = {}, {}
    for _, t in ipairs(texts(legend)) do names[#names + 1] = t.text end
    for _, l in ipairs(elements(legend, 'line')) do swatches[#swatches + 1] = l.stroke end
    assert.are.same({'s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11'}, names)
    assert.are.same(strokes, swatches)
    assert.is_nil(plot.line({y = {1, 2}, label = 'one'}):svg():find('class="legend"', 1, true))
  end)

  it('escapes text for XML', function()
    local svg = plot.line({{y = {1, 2}, label = 'val <1>'}, {y = {2, 1}, label = "a'b"}},
                          {title = 'a < b & "c"', xlabel = 'x>0', ylabel = 'loss & acc'}):svg()
    local found = {}
    for _, t in ipairs(texts(svg)) do found[t.class or t.text] = t.text end
    assert.are.equal('a &lt; b &amp; &quot;c&quot;', found.title)
    assert.are.equal('x&gt;0', found.xlabel)
    assert.are.equal('loss &amp; acc', found.ylabel)
    assert.are.equal('val &lt;1&gt;', found['val &lt;1&gt;'])
    assert.are.equal('a&apos;b', found['a&apos;b'])
    assert.is_nil(svg:find('<1>', 1, true))
  end)

  it('draws a histogram as one rect per non-empty bin', function()
    -- counts 1, 2, 3 on edges 1, 5/3, 7/3, 3; x 1..3 padded to 0.9..3.1 (X as above) and
    -- y 0..3 padded to 0..3.15 at the top: Y(c) = 350 - c * 310 / 3.15
    local svg = plot.hist({1, 2, 2, 3, 3, 3}, {bins = 3}):svg()
    local bars = {}
    for _, r in ipairs(elements(svg:match('<g class="data">(.-)</g>'), 'rect')) do
      bars[#bars + 1] = {tonumber(r.x), tonumber(r.y), tonumber(r.width), tonumber(r.height)}
      assert.are.equal('#1f77b4', r.fill)
    end
    h.assert_near(bars, {{95, 251.587, 166.667, 98.413}, {261.667, 153.175, 166.667, 196.825},
                         {428.333, 54.762, 166.667, 295.238}}, 0.00005)
  end)

  it('draws a scatter point as a circle on the nearest pixel', function()
    -- limits given: no padding. x 0..10 onto 70..620 (55 px per unit), y 0..10 onto
    -- 350..40 (31 px per unit): (2, 5) -> (180, 195), (10, 0) -> (620, 350); (11, 5) is off
    local svg = plot.scatter({2, 10, 11}, {5, 0, 5}, {xlim = {0, 10}, ylim = {0, 10}}):svg()
    local dots = {}
    for _, c in ipairs(elements(svg, 'circle')) do dots[#dots + 1] = {tonumber(c.cx), tonumber(c.cy)} end
    assert.are.same({{180, 195}, {620, 350}}, dots)
    assert.is_truthy(svg:find('<g fill="#1f77b4"', 1, true))
  end)

  it('puts log axis ticks at powers of ten', function()
    local labels = {}
    for _, t in ipairs(texts(plot.line({1, 1000}, {logy = true}):svg())) do
      if t['text-anchor'] == 'end' then labels[#labels + 1] = t.text end
    end
    assert.are.same({'1', '10', '100', '1000'}, labels)
  end)

  it('takes its size in pixels', function()
    -- the plot area is 230 x 150: X(1) = 70 + 0.1 * 230 / 2.2, Y(3) = 190 - 2.1 * 150 / 2.2
    local svg = plot.line({1, 2, 3}):svg{width = 320, height = 240}
    assert.is_truthy(svg:find('width="320" height="240" viewBox="0 0 320 240"', 1, true))
    assert.is_truthy(svg:find('<rect x="70" y="40" width="230" height="150" fill="none"/>', 1, true))
    local pts = points(elements(svg, 'polyline')[1])
    h.assert_near({pts[1][1], pts[3][2]}, {80.4545, 46.8182}, 0.0001)
  end)

  it('save writes the SVG to a .svg path', function()
    local base = os.tmpname()
    local p = plot.line({3, 1, 2}, {title = 'saved'})
    p:save(base .. '.SVG', {width = 300, height = 200})
    local f = assert(io.open(base .. '.SVG', 'rb'))
    local text = f:read('a')
    f:close()
    os.remove(base .. '.SVG')
    os.remove(base)
    assert.are.equal(p:svg{width = 300, height = 200}, text)
  end)
end)

-- ---- long data ----------------------------------------------------------------------------

describe('long series', function()
  it('keep their peaks and gaps when a line is cut down to a few points per pixel', function()
    local n = 100000
    local y = mg.zeros({n}, {dtype = 'float64'})
    y[50001] = 1
    y[{{70000, 70010}}] = NAN
    local p = plot.line(y)
    local svg = p:svg()
    local pieces = elements(svg, 'polyline')
    assert.are.equal(2, #pieces) -- the NaNs cut the line in two
    local count, top = 0, {0, math.huge}
    for _, piece in ipairs(pieces) do
      for _, pt in ipairs(points(piece)) do
        count = count + 1
        if pt[2] < top[2] then top = pt end
      end
    end
    assert.is_true(count <= 5 * 550, 'kept ' .. count .. ' points')
    -- the single 1 is drawn at the top of the padded range, Y(1) = 350 - 1.05 * 310 / 1.1,
    -- at X(50001) with x limits 1 .. n padded by 5% of n - 1
    local xlo, xhi = 1 - 0.05 * (n - 1), n + 0.05 * (n - 1)
    h.assert_near(top, {70 + (50001 - xlo) * 550 / (xhi - xlo), 54.0909}, 0.0001)
    -- In the terminal (120 x 60 dots) the spike, x = 50001, is at dot column
    -- round(50000 * 119 / 99999) = 60, the first dot column of cell 31: the lines up to it
    -- and down from it light its whole first column in the top row (0x01 + 0x02 + 0x04 + 0x40).
    -- The y labels are 1, 0.5 (the middle row) and 0.
    local rows = lines(tostring(p))
    assert.are.equal('  1 ┤' .. string.rep(' ', 30) .. braille(0x47), rows[1])
  end)

  it('count and scatter 10^5 points', function()
    mg.manual_seed(1)
    local v = mg.randn(100000)
    assert.are.equal(100000, plot.hist(v, {bins = 50}).counts:sum():item())
    local p = plot.scatter(v, mg.randn(100000))
    assert.are.equal(15 + 2, #lines(tostring(p))) -- the rows, the x axis and its labels
    local circles = #elements(p:svg(), 'circle')
    assert.is_true(circles > 1000 and circles <= 551 * 311, circles .. ' circles')
  end)
end)

-- ---- a browser's rendering ----------------------------------------------------------------

describe('an SVG plot rendered by headless Chromium', function()
  local CHROMIUM = '/usr/bin/chromium'

  local function shell_quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

  -- How many pixels of img ({C, H, W}, 0..255) are within tol of the colour '#rrggbb' in
  -- every channel.
  local function pixels_of(img, hex, tol)
    local rgb = mg.tensor({tonumber(hex:sub(2, 3), 16), tonumber(hex:sub(4, 5), 16),
                           tonumber(hex:sub(6, 7), 16)}):view(3, 1, 1)
    return (img:narrow(1, 1, 3) - rgb):abs():max(1):le(tol):sum():item()
  end

  it('shows both curves in their colours', function()
    local exe = io.open(CHROMIUM, 'rb')
    if not exe then
      pending('chromium is not installed (' .. CHROMIUM .. '): scripts/install-deps.sh installs it')
      return
    end
    exe:close()
    local dir = io.popen('mktemp -d'):read('l')
    local p = plot.line({{y = {1, 3, 2, 5, 4}, label = 'train'}, {y = {2, 2, 2.5, 3, 1}, label = 'val'}},
                        {title = 'loss', xlabel = 'epoch'})
    p:save(dir .. '/plot.svg')
    local ok = os.execute(('HOME=%s timeout 120 %s --headless --disable-gpu --no-sandbox --user-data-dir=%s '
                           .. '--screenshot=%s --window-size=640,400 %s >/dev/null 2>&1'):format(
                           shell_quote(dir), CHROMIUM, shell_quote(dir .. '/profile'),
                           shell_quote(dir .. '/plot.png'), shell_quote('file://' .. dir .. '/plot.svg')))
    local read, img = pcall(mg.data.read_image, dir .. '/plot.png')
    os.execute('rm -rf ' .. shell_quote(dir))
    assert.is_true(ok == true and read, 'chromium did not make a screenshot: ' .. tostring(img))
    assert.are.same({400, 640}, {img:size(2), img:size(3)})
    assert.is_true(img:min():item() < img:max():item(), 'the screenshot is blank')
    -- the curves are 1.5 pixels wide and antialiased: count the pixels close to each colour
    assert.is_true(pixels_of(img, '#1f77b4', 40) >= 50, 'no blue (#1f77b4) curve')
    assert.is_true(pixels_of(img, '#ff7f0e', 40) >= 50, 'no orange (#ff7f0e) curve')
    assert.are.equal(0, pixels_of(img, '#2ca02c', 40)) -- a palette colour not drawn: none
  end)
end)

-- ---- bad input ----------------------------------------------------------------------------

describe('mg.plot with bad input', function()
  it('refuses empty series, lengths that differ and values that are not numbers', function()
    assert.are.equal('plot.line: the series is empty', err(function() plot.line({}) end))
    assert.are.equal('plot.line: y is empty', err(function() plot.line(mg.zeros(0)) end))
    assert.are.equal('plot.line: series 2: y is empty', err(function() plot.line({{1, 2}, {}}) end))
    assert.are.equal('plot.line: x has 3 values but y has 2', err(function() plot.line({x = {1, 2, 3}, y = {1, 2}}) end))
    assert.are.equal('plot.scatter: x has 2 values but y has 3', err(function() plot.scatter({1, 2}, {1, 2, 3}) end))
    assert.are.equal('plot.line: y[2] is "a", expected a number', err(function() plot.line({1, 'a', 3}) end))
    assert.are.equal('plot.line: series 2: y[2] is true, expected a number',
                     err(function() plot.line({{y = {1, 2}}, {y = {1, true}}}) end))
    assert.are.equal('plot.line: y must hold numbers, got a bool tensor of shape {2}',
                     err(function() plot.line(mg.tensor{true, false}) end))
    assert.are.equal('plot.line: y must be a 1-D tensor or a list of numbers, got a float32 tensor of shape {2,2}',
                     err(function() plot.line(mg.zeros(2, 2)) end))
    assert.are.equal('plot.line: y must be a tensor or a list of numbers, got "1 2 3"',
                     err(function() plot.line('1 2 3') end))
    assert.are.equal('plot.scatter: y must be a tensor or a list of numbers, got nil', err(function() plot.scatter({1, 2}) end))
    assert.are.equal('plot.hist: values is empty', err(function() plot.hist({}) end))
    assert.are.equal('plot.line: no finite values to plot', err(function() plot.line({NAN, math.huge}) end))
    assert.are.equal('plot.line: no finite positive values to plot', err(function() plot.line({-1, 0}, {logy = true}) end))
    assert.are.equal('plot.hist: no finite values to count', err(function() plot.hist({NAN}) end))
  end)

  it('refuses unknown or ill-typed options and series fields', function()
    assert.are.equal("plot.line: unknown option 'colour' (expected color, height, legend, logy, title, width, xlabel, xlim, ylabel, ylim)",
                     err(function() plot.line({1, 2}, {colour = 'red'}) end))
    assert.are.equal("plot.hist: unknown option 'logy' (expected bins, color, density, height, range, title, width, xlabel, ylabel)",
                     err(function() plot.hist({1, 2}, {logy = true}) end))
    assert.are.equal("plot.line: unknown field 'lable' in a series (expected x, y, label, color)",
                     err(function() plot.line({y = {1, 2}, lable = 'a'}) end))
    assert.are.equal('plot.line: a series table needs y values', err(function() plot.line({x = {1, 2}}) end))
    assert.are.equal("plot.line: color must be '#rrggbb' or '#rgb', got 'blue'",
                     err(function() plot.line({y = {1, 2}, color = 'blue'}) end))
    assert.are.equal('plot.line: label must be a string, got 3', err(function() plot.line({y = {1, 2}, label = 3}) end))
    assert.are.equal('plot.line: expected an options table, got "x"', err(function() plot.line({1, 2}, 'x') end))
    assert.are.equal('plot.line: width must be an integer from 1 to 1000, got 0', err(function() plot.line({1, 2}, {width = 0}) end))
    assert.are.equal('plot.line: height must be an integer from 1 to 1000, got 2.5', err(function() plot.line({1, 2}, {height = 2.5}) end))
    assert.are.equal('plot.line: xlim must be {lo, hi}, two finite numbers with lo < hi, got {2, 1}',
                     err(function() plot.line({1, 2}, {xlim = {2, 1}}) end))
    assert.are.equal('plot.scatter: ylim must be {lo, hi}, two finite numbers with lo < hi, got 5',
                     err(function() plot.scatter({1}, {2}, {ylim = 5}) end))
    assert.are.equal('plot.line: ylim must be positive with logy, got {0, 10}',
                     err(function() plot.line({1, 2}, {logy = true, ylim = {0, 10}}) end))
    assert.are.equal('plot.line: legend must be true or false, got "yes"',
                     err(function() plot.line({1, 2}, {legend = 'yes'}) end))
    assert.are.equal('plot.hist: bins must be an integer from 1 to 1000000, got 0', err(function() plot.hist({1, 2}, {bins = 0}) end))
    assert.are.equal('plot.scatter: expected scatter(x, y [, opts]) or scatter(groups [, opts]), got a third argument after groups',
                     err(function() plot.scatter({{x = {1}, y = {2}}}, {}, {}) end))
  end)

  it('saves only to a writable .svg path, at a sensible size', function()
    local p = plot.line({1, 2})
    assert.are.equal('Plot:save: cannot save plot.png: only SVG is supported (a path ending in .svg)',
                     err(function() p:save('plot.png') end))
    assert.are.equal('Plot:save: cannot save plot: only SVG is supported (a path ending in .svg)',
                     err(function() p:save('plot') end))
    assert.are.equal('Plot:save: cannot write /nonexistent/dir/plot.svg (No such file or directory)',
                     err(function() p:save('/nonexistent/dir/plot.svg') end))
    assert.are.equal('Plot:save: expected a path (a string), got 3', err(function() p:save(3) end))
    assert.are.equal('Plot:svg: width must be an integer from 150 to 10000, got 10', err(function() p:svg{width = 10} end))
    assert.are.equal("Plot:svg: unknown option 'dpi' (expected height, width)", err(function() p:svg{dpi = 2} end))
    assert.are.equal('Plot:svg: expected a Plot (call it with a colon), got "x"', err(function() p.svg('x') end))
  end)

  it('leaves the data given unchanged and unshared', function()
    local y = mg.tensor({1, 2, 3}, {dtype = 'float64'})
    local p = plot.line(y, {logy = true, width = 2, height = 1})
    local before = tostring(p)
    y:fill_(7)
    assert.are.equal(before, tostring(p))
    h.assert_close(y, {7, 7, 7})
  end)
end)
