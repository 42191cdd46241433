-- mg.data.read_csv and Frame:write_csv: types inferred or given, RFC 4180 quoting, missing
-- values, options, UTF-8, gzip, the round trip, and malformed files (errors naming the file,
-- line and field; skipping bad lines). Expected values were recorded from pandas 1.5.3
-- (pd.read_csv on the same text) or worked out by hand where a comment says so, and where
-- moongrad deliberately differs from pandas the comment names the difference.
local mg = require 'moongrad'
local h = require 'tests.lua.helpers'
local D = mg.data
local Frame, NA = D.Frame, D.NA

local SPEC = 'csv_spec.lua:' -- errors point at the caller's line in this file

local function err(f) return h.error_in(SPEC, f) end

local function check(df, name, dtype, expected) h.check_column(df, name, dtype, expected, 1e-15) end

-- ---- temporary files ---------------------------------------------------------------------------

local dir = os.tmpname() .. '.d'
assert(os.execute('mkdir -p ' .. dir))

local function write(name, bytes) return h.write_file(dir .. '/' .. name, bytes) end

local slurp = h.read_file

local function have_gzip() return os.execute('command -v gzip > /dev/null 2>&1') == true end

-- Writes bytes gzip-compressed by the gzip program.
local function write_gz(name, bytes)
  local path = dir .. '/' .. name
  local p = assert(io.popen('gzip -c > ' .. path, 'w'))
  p:write(bytes)
  assert(p:close())
  return path
end

teardown(function() os.execute('rm -rf ' .. dir .. ' ' .. dir:sub(1, -3)) end)

-- ---- reading ------------------------------------------------------------------------------

describe('read_csv', function()
  it('infers int64, float64, bool and string columns, with missing values', function()
    local path = write('types.csv', 'id,price,qty,ok,name,note\n1,9.5,3,true,apple,\n2,,4,false,"banana, ripe",NA\n'
                                     .. '3,1e3,NA,TRUE,"say ""hi""","two\nlines"\n')
    local df, report = D.read_csv(path)
    assert.are.same({'id', 'price', 'qty', 'ok', 'name', 'note'}, df.columns)
    check(df, 'id', 'int64', {1, 2, 3})
    check(df, 'price', 'float64', {9.5, NA, 1000.0})
    check(df, 'qty', 'int64', {3, 4, NA}) -- pandas: float64 3.0, 4.0, NaN (its ints cannot be missing)
    check(df, 'ok', 'bool', {true, false, true})
    check(df, 'name', 'string', {'apple', 'banana, ripe', 'say "hi"'})
    check(df, 'note', 'string', {NA, NA, 'two\nlines'})
    assert.are.same({skipped = 0}, report)
  end)

  it('widens a column whose type changes: int64 to float64, then to strings as written', function()
    check(D.read_csv(write('widen1.csv', 'a\n1\n2\n2.5\n')), 'a', 'float64', {1, 2, 2.5})
    -- pandas gives an object column of the strings '1', '2', '2.5', 'x'
    check(D.read_csv(write('widen2.csv', 'a\n1\n2\n2.5\nx\n')), 'a', 'string', {'1', '2', '2.5', 'x'})
    check(D.read_csv(write('widen3.csv', 'a,b\ntrue,007\nmaybe,1.50\n')), 'a', 'string', {'true', 'maybe'})
  end)

  it('follows RFC 4180: quoted delimiters, line ends and doubled quotes; CRLF lines', function()
    local df = D.read_csv(write('rfc.csv', 'a,b\r\n"x,y","he said ""no"""\r\n"multi\r\nline",""\r\n'))
    check(df, 'a', 'string', {'x,y', 'multi\r\nline'})
    check(df, 'b', 'string', {'he said "no"', ''}) -- by hand: a quoted "" is an empty string
    check(D.read_csv(write('crlf.csv', 'a,b\r\n1,2\r\n3,4\r\n')), 'b', 'int64', {2, 4})
  end)

  it('reads without a header, with names, another delimiter or quote', function()
    local df = D.read_csv(write('nohead.csv', '1;x\n2;y\n'), {header = false, delimiter = ';', names = {'n', 's'}})
    assert.are.same({'n', 's'}, df.columns)
    check(df, 'n', 'int64', {1, 2})
    check(df, 's', 'string', {'x', 'y'})
    -- by hand: without names the columns are V1, V2, ... (pandas numbers them 0, 1, ...)
    assert.are.same({'V1', 'V2'}, D.read_csv(write('nohead2.csv', '1,x\n'), {header = false}).columns)
    check(D.read_csv(write('tab.csv', 'a\tb\n1\t"x\ty"\n'), {delimiter = '\t'}), 'b', 'string', {'x\ty'})
    check(D.read_csv(write('single.csv', "a,b\n'x,y',2\n"), {quote = "'"}), 'a', 'string', {'x,y'})
    check(D.read_csv(write('noquote.csv', 'a\n"x"\n'), {quote = false}), 'a', 'string', {'"x"'}) -- by hand
    assert.are.same({'a', 'a.1', 'b'}, D.read_csv(write('dup.csv', 'a,a,b\n1,2,3\n')).columns)
  end)

  it('takes empty fields and NA-style tokens as missing, or the tokens given', function()
    local df = D.read_csv(write('na.csv', 'a,b,c,d,e,f\nN/A,null,None,NaN,nan,#N/A\n1,2,3,4,5,6\n'))
    for _, name in ipairs{'a', 'b', 'c', 'd', 'e', 'f'} do assert.is_nil(df:get(1, name)) end
    -- by hand: na_values replace the tokens (pandas adds them unless keep_default_na=False)
    -- and the empty field stays missing (with keep_default_na=False pandas reads '')
    local given = D.read_csv(write('na2.csv', 'a,b\n-,NA\n-999,x\n5,\n'), {na_values = {'-', '-999'}})
    check(given, 'a', 'int64', {NA, NA, 5})
    check(given, 'b', 'string', {'NA', 'x', NA})
  end)

  it('reads UTF-8 text, and skips a byte order mark', function()
    local df = D.read_csv(write('utf8.csv', '\xEF\xBB\xBFw,n\nnaïve,1\n日本,2\n😀,3\n'))
    assert.are.same({'w', 'n'}, df.columns)
    check(df, 'w', 'string', {'naïve', '日本', '😀'})
  end)

  it('types columns by a schema, which the values must fit', function()
    local df = D.read_csv(write('schema.csv', 'zip,n,x\n007,1,2\n010,2,3\n'), {schema = {zip = 'string', x = 'float64'}})
    check(df, 'zip', 'string', {'007', '010'})
    check(df, 'n', 'int64', {1, 2})
    check(df, 'x', 'float64', {2, 3})
    -- a header alone: no rows, the header's columns (pandas: object columns; here float64
    -- unless the schema says otherwise)
    local empty = D.read_csv(write('header.csv', 'a,b,c\n'), {schema = {b = 'string'}})
    assert.are.equal(0, #empty)
    assert.are.same({'a', 'b', 'c'}, empty.columns)
    assert.are.same({a = 'float64', b = 'string', c = 'float64'}, empty:dtypes())
  end)

  it('reads gzip files directly', function()
    if not have_gzip() then
      pending('gzip is not installed')
      return
    end
    local df = D.read_csv(write_gz('data.csv.gz', 'a,b\n1,x\n2,"y,z"\n'))
    check(df, 'a', 'int64', {1, 2})
    check(df, 'b', 'string', {'x', 'y,z'})
    local plain = write('gzipped-without-suffix.csv', slurp(write_gz('g2.gz', 'a\n3\n'))) -- by its magic bytes
    check(D.read_csv(plain), 'a', 'int64', {3})
  end)

  it('reads a 10 MB field, quoted or not', function()
    local big = ('x'):rep(10 * 1024 * 1024)
    local df = D.read_csv(write('big.csv', 'a,b\n' .. big .. ',1\n"' .. big .. '\n' .. big .. '",2\n'))
    assert.are.equal(#big, #df:get(1, 'a'))
    assert.are.equal(2 * #big + 1, #df:get(2, 'a'))
    assert.is_true(df:get(2, 'a') == big .. '\n' .. big)
    check(df, 'b', 'int64', {1, 2})
  end)
end)

-- ---- writing ------------------------------------------------------------------------------

describe('write_csv', function()
  -- Awkward strings, floats that need all 17 digits or none, the int64 extremes, and a
  -- missing value in every column.
  local function awkward()
    return Frame({
      s = {'plain', 'a,b', 'say "hi"', 'two\nlines', '  padded  ', 'naïve 日本 😀', '', 'NA', NA, 'cr\r\nlf'},
      x = {0.1, 1e-300, 123456789.123456789, -0.0, NA, 1e300, -2.5, math.huge, 5e-324, 1 / 3},
      i = {math.maxinteger, math.mininteger, 0, NA, -1, 9007199254740993, 42, 7, 1, 2},
      b = {true, false, NA, true, true, false, false, true, NA, true},
      ['name, "quoted"'] = {'', NA, 'NA', '', NA, '', '', '', '', ''}, -- quoted tokens alone
    }, {columns = {'s', 'x', 'i', 'b', 'name, "quoted"'}})
  end

  -- Every name, type and value of a and b the same (floats bit for bit, so -0.0 too).
  local function same_frames(a, b)
    assert.are.same(a.columns, b.columns)
    assert.are.same(a:dtypes(), b:dtypes())
    assert.are.equal(#a, #b)
    for _, name in ipairs(a.columns) do
      local x, y = a:values(name), b:values(name)
      for i = 1, #a do
        local where = ('%s[%d]'):format(name, i)
        assert.are.equal(x[i], y[i], where)
        assert.are.equal(math.type(x[i]), math.type(y[i]), where)
        if x[i] == 0 and math.type(x[i]) == 'float' then assert.are.equal(1 / x[i], 1 / y[i], where) end
      end
    end
  end

  it('writes what read_csv reads back unchanged', function()
    local df = awkward()
    local path = dir .. '/round.csv'
    df:write_csv(path)
    local back, report = D.read_csv(path)
    same_frames(df, back)
    assert.are.equal(0, report.skipped)
    assert.are.equal(-math.huge, 1 / back:get(4, 'x'))
    -- pandas (with float_precision='round_trip': its default parser can be an ulp off) reads
    -- 123456789.123456789 as 123456789.12345679
    assert.are.equal(123456789.12345679, back:get(3, 'x'))
  end)

  it('writes the text by hand: quoting only where needed, shortest round-trip floats', function()
    local df = Frame({s = {'a,b', 'NA', '', ' x '}, x = {0.1, -0.0, 2, NA}, i = {1, NA, -3, 4}},
                     {columns = {'s', 'x', 'i'}})
    local path = dir .. '/text.csv'
    df:write_csv(path)
    assert.are.equal('s,x,i\n"a,b",0.1,1\n"NA",-0.0,\n"",2.0,-3\n x ,,4\n', slurp(path))
    df:write_csv(path, {delimiter = ';'})
    assert.are.equal('s;x;i\na,b;0.1;1\n"NA";-0.0;\n"";2.0;-3\n x ;;4\n', slurp(path))
    same_frames(df, D.read_csv(path, {delimiter = ';'}))
    -- one column: a missing value as NA, since read_csv (and pandas) skip a blank line
    local one = Frame{v = {'a', NA, ''}}
    one:write_csv(path)
    assert.are.equal('v\na\nNA\n""\n', slurp(path))
    same_frames(one, D.read_csv(path))
  end)

  it('writes gzip when the path ends in .gz', function()
    local df = awkward()
    local path = dir .. '/round.csv.gz'
    df:write_csv(path)
    assert.are.equal('\x1f\x8b', slurp(path):sub(1, 2))
    same_frames(df, D.read_csv(path))
    if have_gzip() then -- and gzip itself reads it
      local p = assert(io.popen('gzip -dc ' .. path))
      assert.are.equal('s,x,i,b,"name, ""quoted"""', p:read('l'))
      p:close()
    end
  end)

  it('fails with the path on a file it cannot open, and checks its options', function()
    local df = awkward()
    assert.are.equal('write_csv: cannot open /nonexistent/dir/x.csv: No such file or directory',
                     err(function() df:write_csv('/nonexistent/dir/x.csv') end))
    assert.are.equal('write_csv: expected a path, got number', err(function() df:write_csv(1) end))
    assert.are.equal("write_csv: unknown option 'sep'", err(function() df:write_csv(dir .. '/x.csv', {sep = ';'}) end))
    assert.are.equal('write_csv: option delimiter must be one character, got ;;',
                     err(function() df:write_csv(dir .. '/x.csv', {delimiter = ';;'}) end))
    assert.are.equal('write_csv: the delimiter cannot be a quote, a line end or NUL',
                     err(function() df:write_csv(dir .. '/x.csv', {delimiter = '"'}) end))
  end)
end)

-- ---- malformed files ------------------------------------------------------------------------

describe('read_csv on bad input', function()
  it('names the file, line and field of an unbalanced quote, a ragged row or invalid UTF-8', function()
    local p = write('unbalanced.csv', 'a,b\n1,2\n3,"x\n4,5\n')
    assert.are.equal('read_csv: ' .. p .. ':3:2: unbalanced quote: the quoted field starting here never ends',
                     err(function() D.read_csv(p) end))
    p = write('after.csv', 'a,b\n1,"x"y\n')
    assert.are.equal('read_csv: ' .. p .. ':2:2: unexpected character after the closing quote (quote the whole '
                     .. 'field, doubling the quotes inside)', err(function() D.read_csv(p) end))
    p = write('short.csv', 'a,b,c\n1,2,3\n4,5\n')
    assert.are.equal('read_csv: ' .. p .. ':3:3: expected 3 fields, got 2', err(function() D.read_csv(p) end))
    p = write('long.csv', 'a,b\n"x\ny",1\n2,3,4\n') -- the quoted line end counts as a line
    assert.are.equal('read_csv: ' .. p .. ':4:3: expected 2 fields, got 3', err(function() D.read_csv(p) end))
    p = write('latin1.csv', 'a,b\nok,caf\xe9\n')
    assert.are.equal('read_csv: ' .. p .. ':2:2: invalid UTF-8 (byte 0xe9)', err(function() D.read_csv(p) end))
    p = write('header-utf8.csv', 'a,\xff\n1,2\n')
    assert.are.equal('read_csv: ' .. p .. ':1:2: invalid UTF-8 (byte 0xff)', err(function() D.read_csv(p) end))
  end)

  it('rejects an empty file, a missing file and a directory', function()
    local p = write('empty.csv', '')
    assert.are.equal('read_csv: ' .. p .. ' is empty (expected a header line)', err(function() D.read_csv(p) end))
    p = write('blank.csv', '\n\r\n\n')
    assert.are.equal('read_csv: ' .. p .. ' is empty (expected a header line)', err(function() D.read_csv(p) end))
    assert.are.equal('read_csv: ' .. p .. ' is empty (expected a line of data)',
                     err(function() D.read_csv(p, {header = false}) end))
    -- by hand: no header expected and names given, an empty file is an empty frame
    local df = D.read_csv(p, {header = false, names = {'a', 'b'}})
    assert.are.same({'a', 'b'}, df.columns)
    assert.are.equal(0, #df)
    local missing = dir .. '/missing.csv'
    assert.are.equal('read_csv: cannot open ' .. missing .. ': No such file or directory',
                     err(function() D.read_csv(missing) end))
    assert.are.equal('read_csv: cannot read ' .. dir .. ': Is a directory', err(function() D.read_csv(dir) end))
  end)

  it('rejects a gzip file cut short', function()
    if not have_gzip() then
      pending('gzip is not installed')
      return
    end
    local rows = {'a,b'}
    for i = 1, 1000 do rows[i + 1] = i .. ',' .. i * i end
    local whole = slurp(write_gz('whole.csv.gz', table.concat(rows, '\n')))
    local p = write('cut.csv.gz', whole:sub(1, #whole // 2))
    assert.are.equal('read_csv: ' .. p .. ' is truncated (its gzip data ends early)', err(function() D.read_csv(p) end))
  end)

  it('errors on a value the schema type cannot hold, naming file, line and field', function()
    local p = write('typed.csv', 'a,n\nx,1\ny,2\nz,2.5\n')
    assert.are.equal('read_csv: ' .. p .. ":4:2: column 'n' is int64, got '2.5'",
                     err(function() D.read_csv(p, {schema = {n = 'int64'}}) end))
    assert.are.equal('read_csv: ' .. p .. ":2:1: column 'a' is float64, got 'x'",
                     err(function() D.read_csv(p, {schema = {a = 'float64'}}) end))
    p = write('typed2.csv', 'b\ntrue\nyes\n')
    assert.are.equal('read_csv: ' .. p .. ":3:1: column 'b' is bool, got 'yes'",
                     err(function() D.read_csv(p, {schema = {b = 'bool'}}) end))
    assert.are.equal('read_csv: the schema names column \'z\', which ' .. p .. ' does not have',
                     err(function() D.read_csv(p, {schema = {z = 'int64'}}) end))
  end)

  it('skips bad lines when asked, reporting how many and the first', function()
    local p = write('bad.csv', 'a,b\n1,x\n2\n3,"y\n4,z,extra\n5,\xff\n6,w\n')
    local df, report = D.read_csv(p, {on_bad_lines = 'skip'})
    -- by hand: line 3 is short, the quote opened on line 4 never closes (reading goes on at
    -- line 5), line 5 is long, line 6 holds invalid UTF-8
    check(df, 'a', 'int64', {1, 6})
    check(df, 'b', 'string', {'x', 'w'})
    assert.are.same({skipped = 4, first_bad = p .. ':3:2: expected 2 fields, got 1'}, report)
    local typed, r2 = D.read_csv(write('typed3.csv', 'n,s\n1,a\nx,b\n3,c\n'), {schema = {n = 'int64'}, on_bad_lines = 'skip'})
    check(typed, 's', 'string', {'a', 'c'})
    assert.are.equal(1, r2.skipped)
    assert.is_truthy(r2.first_bad:find(":3:1: column 'n' is int64, got 'x'", 1, true))
  end)

  it("on_bad_lines = 'warn' skips them too and says so on stderr", function()
    local p = write('warn.csv', 'a,b\n1,2\n3\n4,5,6\n7,8\n')
    local said, stderr = {}, io.stderr
    io.stderr = {write = function(_, s) said[#said + 1] = s end}
    local ok, df, report = pcall(D.read_csv, p, {on_bad_lines = 'warn'})
    io.stderr = stderr
    assert.is_true(ok, tostring(df))
    check(df, 'a', 'int64', {1, 7})
    assert.are.equal(2, report.skipped)
    assert.are.equal('read_csv: skipped 2 bad lines of ' .. p .. ' (the first: ' .. p
                     .. ':3:2: expected 2 fields, got 1)\n', table.concat(said))
  end)

  it('checks its arguments and options', function()
    local p = write('ok.csv', 'a,b\n1,2\n')
    assert.are.equal('read_csv: expected a path, got number', err(function() D.read_csv(1) end))
    assert.are.equal('read_csv: expected a table of options, got string', err(function() D.read_csv(p, ';') end))
    assert.are.equal("read_csv: unknown option 'sep'", err(function() D.read_csv(p, {sep = ';'}) end))
    assert.are.equal('read_csv: option delimiter must be one character, got ;;',
                     err(function() D.read_csv(p, {delimiter = ';;'}) end))
    assert.are.equal('read_csv: the delimiter cannot be a line end or NUL', err(function() D.read_csv(p, {delimiter = '\n'}) end))
    assert.are.equal('read_csv: the delimiter and the quote must differ (both \'\'\')',
                     err(function() D.read_csv(p, {delimiter = "'", quote = "'"}) end))
    assert.are.equal('read_csv: option quote must be one character, got 1', err(function() D.read_csv(p, {quote = 1}) end))
    assert.are.equal('read_csv: option header must be a boolean, got string', err(function() D.read_csv(p, {header = 'no'}) end))
    assert.are.equal("read_csv: option on_bad_lines must be 'error', 'skip' or 'warn', got ignore",
                     err(function() D.read_csv(p, {on_bad_lines = 'ignore'}) end))
    assert.are.equal('read_csv: option schema must be a table {column = type}, got string',
                     err(function() D.read_csv(p, {schema = 'int64'}) end))
    assert.are.equal("read_csv: schema: column 'a' has type int32 (expected float64, int64, bool or string)",
                     err(function() D.read_csv(p, {schema = {a = 'int32'}}) end))
    assert.are.equal('read_csv: option names: entry 2 is not a string', err(function() D.read_csv(p, {names = {'x', 2}}) end))
    assert.are.equal('read_csv: ' .. p .. ' has 2 columns but 3 names were given',
                     err(function() D.read_csv(p, {names = {'x', 'y', 'z'}}) end))
    assert.are.equal("read_csv: column name 'x' repeats in names", err(function() D.read_csv(p, {names = {'x', 'x'}}) end))
    assert.are.equal('read_csv: option na_values must be a list of strings, got string',
                     err(function() D.read_csv(p, {na_values = 'NA'}) end))
  end)
end)
