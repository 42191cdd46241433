-- Documentation of moongrad's frame area, shown by help(); format in moongrad/help.lua.
local F = 'mg.data.Frame:'

return {title = 'Frames (mg.data): columnar tables, CSV and SQLite', entries = {

  {name = 'mg.data.Frame', sig = 'mg.data.Frame(columns [, {columns = order}]) -> Frame',
   desc = [[
A table of named columns, all of one length (the rows), each of one type: float64, int64,
bool or string; any value may be missing. The data lives in C, and frames never change:
every method returns a new Frame, sharing the columns it leaves as they are (so select,
drop and rename copy nothing). Rows are 1-based.
columns maps each name (a string) to a Lua table of values or to a 1-D tensor:
  - a table holds numbers, booleans or strings, one kind only (mixing them is an error
    naming the row); Lua integers make an int64 column, and a single float (1.5, or 1.0)
    makes it float64. A missing value is mg.data.NA, or nil when the table gives its
    length in the field n: {1, nil, 3, n = 3}. An empty table is a float64 column.
  - a tensor is copied: float32 and float64 give float64 (NaN is missing), int64 and bool
    keep their type.
The columns are in the order option columns lists (each name once), else sorted by name.
Errors: columns of different lengths, a name that is not a string, a tensor not 1-D.
df.columns is the list of names (a new table each time), #df the number of rows.
Methods (each has its page: help('Frame:sort')):
  - shape: nrows, ncols, dtypes;  values: get, values, col, to_tensor
  - columns: select, drop, rename, with_column
  - rows: head, tail, filter, take, sort, drop_duplicates, unique
  - missing values: dropna, fillna;  groups and joins: groupby (with agg), join, match
  - values: hash (murmurhash3_32), to_seconds (times from text)
  - files: write_csv, to_sql; frames also come from mg.data.read_csv, mg.data.read_sql
    and mg.data.Frame.from_tensor.
print(df) (tostring) shows a table as pandas does: row numbers, the names, the types, then
the values, missing ones as NA. A float64 column's values share one format: as many
decimals as the most precise needs (1 to 6), or scientific notation for very large or
small ones; strings longer than 30 characters are cut with '...'. A frame of more than 20
rows shows its first 5 and last 5, with '...' between. The last line is [rows x columns].
help(df) shows this page.]],
   example = [[
local df = mg.data.Frame({name = {'ann', 'bob', 'cy'}, age = {31, mg.data.NA, 25},
                          score = mg.tensor{1.5, 2, 0.25}}, {columns = {'name', 'age', 'score'}})
print(df)
--      name    age    score
--    string  int64  float64
-- 1     ann     31     1.50
-- 2     bob     NA     2.00
-- 3      cy     25     0.25
-- [3 rows x 3 columns]
print(#df, df.columns[3])                        -- 3  score
print(mg.data.Frame{x = {1, nil, 3, n = 3}}:get(2, 'x'))   -- nil]]},

  {name = 'mg.data.NA', sig = 'mg.data.NA',
   desc = [[
The missing value in the tables given to mg.data.Frame and df:with_column (and a NULL
parameter of mg.data.read_sql). nil works too where the table gives its length in the
field n, since a Lua list stops at its first nil. tostring(mg.data.NA) is 'NA'. Values
read back from a frame (get, values) are nil where missing, never NA; col and to_tensor
give NaN (or an error, for int64 and bool).]],
   example = [[
local NA = mg.data.NA
local df = mg.data.Frame{x = {1.5, NA, 3}}
print(NA, df:get(2, 'x'), df:col('x'))           -- NA  nil  1.5 nan 3]]},

  {name = 'mg.data.Frame.from_tensor', sig = 'mg.data.Frame.from_tensor(t [, names]) -> Frame',
   desc = [[
A frame of the columns of a 2-D tensor (called with a dot, not as a method): column j is
t[{}, j], copied as by mg.data.Frame (float32 and float64 give float64 with NaN missing,
int64 and bool keep their type). names is a list of t:size(2) distinct strings; the
default is V1, V2, ... The reverse of df:to_tensor. Errors: t not a 2-D tensor, the wrong
number of names, a name repeated or not a string.]],
   example = [[
local df = mg.data.Frame.from_tensor(mg.tensor{{1, 2}, {3, 4}, {5, 6}}, {'x', 'y'})
print(df:dtypes().x, df:get(3, 'y'))            -- float64  6.0
print(mg.data.Frame.from_tensor(mg.ones(2, 3)).columns[3])   -- V3]]},

  {name = F .. 'nrows', sig = 'df:nrows() -> integer',
   desc = [[The number of rows, as #df.]],
   example = [[
local df = mg.data.Frame{a = {1, 2, 3}, b = {'x', 'y', 'z'}}
print(df:nrows(), #df)                           -- 3  3]]},

  {name = F .. 'ncols', sig = 'df:ncols() -> integer',
   desc = [[The number of columns, as #df.columns.]],
   example = [[
local df = mg.data.Frame{a = {1, 2, 3}, b = {'x', 'y', 'z'}}
print(df:ncols(), #df.columns)                   -- 2  2]]},

  {name = F .. 'dtypes', sig = 'df:dtypes() -> {name = type, ...}',
   desc = [[The type of each column by name: 'float64', 'int64', 'bool' or 'string' (a new
table; df.columns gives the order).]],
   example = [[
local df = mg.data.Frame{n = {1, 2}, x = {0.5, 1}, ok = {true, false}, s = {'a', 'b'}}
local t = df:dtypes()
print(t.n, t.x, t.ok, t.s)                       -- int64  float64  bool  string]]},

  -- ---- values ---------------------------------------------------------------------------

  {name = F .. 'get', sig = 'df:get(i, name) -> value or nil',
   desc = [[
The value at row i of column name: a Lua integer (int64), float (float64), boolean or
string; nil when missing. i is 1..#df, or -1..-#df counting from the end. Errors for a row
out of range or a column that does not exist (the message lists the frame's columns).]],
   example = [[
local df = mg.data.Frame{n = {10, 20, mg.data.NA}, s = {'a', 'b', 'c'}}
print(df:get(1, 'n'), df:get(-1, 's'), df:get(3, 'n'))   -- 10  c  nil
print(pcall(df.get, df, 1, 'z'))                 -- false  get: no column 'z' (the frame has n, s)]]},

  {name = F .. 'values', sig = 'df:values(name) -> {v1, v2, ..., n = rows}',
   desc = [[
The values of a column as a Lua list (integers, floats, booleans or strings, as get
returns them), nil where missing; the field n holds the number of rows, since a nil
shortens #list. Handy for strings, which col cannot return.]],
   example = [[
local df = mg.data.Frame{s = {'a', mg.data.NA, 'c'}}
local v = df:values('s')
print(v.n, v[1], v[2], v[3])                     -- 3  a  nil  c]]},

  {name = F .. 'col', sig = 'df:col(name [, {fill}]) -> 1-D tensor',
   desc = [[
A column as a new tensor of its type: float64, int64 or bool. Missing values are NaN in a
float64 column and an error in an int64 or bool one, unless fill (a number or a boolean)
is given, which replaces them in every type. A string column is an error (use values).
Tensor methods then make masks for filter: df:col('x'):gt(2).]],
   example = [[
local df = mg.data.Frame{x = {1.5, mg.data.NA}, n = {4, mg.data.NA}}
print(df:col('x'))                               -- 1.5 nan  (float64)
print(df:col('n', {fill = 0}))                   -- 4 0  (int64)
print(pcall(df.col, df, 'n'))                    -- false  ... column 'n' has 1 missing values ...]]},

  {name = F .. 'to_tensor', sig = "df:to_tensor([cols [, {dtype = 'float32'}]]) -> tensor {rows, #cols}",
   desc = [[
Columns side by side as one new 2-D tensor, for a model: cols is a name or a list of names
(all columns when nil), dtype 'float32' (the default), 'float64', 'int64' or 'bool'. Missing
values become NaN (an error with an int64 or bool dtype); a string column is an error
(encode it first, e.g. with mg.preprocessing.OrdinalEncoder on df:values(name)).]],
   example = [[
local df = mg.data.Frame{a = {1, 2}, b = {0.5, mg.data.NA}, c = {true, false}}
print(df:to_tensor{'a', 'c'})                    -- 1 1 / 2 0  float32 {2,2}
print(df:to_tensor('b', {dtype = 'float64'}))    -- 0.5 / nan  float64 {2,1}]]},

  -- ---- columns --------------------------------------------------------------------------

  {name = F .. 'select', sig = 'df:select(cols) -> Frame',
   desc = [[The columns named (a name or a list), in that order, sharing their data. Errors for
a name that is not a column or that repeats.]],
   example = [[
local df = mg.data.Frame{a = {1, 2}, b = {3, 4}, c = {5, 6}}
print(table.concat(df:select{'c', 'a'}.columns, ' '))   -- c a]]},

  {name = F .. 'drop', sig = 'df:drop(cols) -> Frame',
   desc = [[Every column but those named (a name or a list); the others keep their order. Error
for a name that is not a column.]],
   example = [[
local df = mg.data.Frame{a = {1, 2}, b = {3, 4}, c = {5, 6}}
print(table.concat(df:drop('b').columns, ' '))  -- a c]]},

  {name = F .. 'rename', sig = 'df:rename{old = new, ...} -> Frame',
   desc = [[The same columns, in the same places, with new names. Errors for an old name that is
not a column, a new name that is not a string, or names that end up repeated.]],
   example = [[
local df = mg.data.Frame{a = {1, 2}, b = {3, 4}}
print(table.concat(df:rename{a = 'x'}.columns, ' '))   -- x b]]},

  {name = F .. 'with_column', sig = 'df:with_column(name, values) -> Frame',
   desc = [[
The frame with column name set to values (a Lua table or a 1-D tensor, as for
mg.data.Frame): a new column goes last, an existing one is replaced in its place (its type
may change). values must have #df entries (any number when the frame has no columns).]],
   example = [[
local df = mg.data.Frame{price = {2, 3}, qty = {5, 1}}
local total = df:with_column('total', df:col('price') * df:col('qty'))
print(total:get(1, 'total'), total:dtypes().total)   -- 10  int64
print(df:with_column('qty', {'five', 'one'}):dtypes().qty)   -- string]]},

  -- ---- rows -----------------------------------------------------------------------------

  {name = F .. 'head', sig = 'df:head([n = 5]) -> Frame',
   desc = [[The first n rows (all of them when there are fewer). n is an integer >= 0.]],
   example = [[
local df = mg.data.Frame{x = mg.arange(1, 11)}
print(df:head(3):values('x')[3], #df:head(), #df:head(100))   -- 3  5  10]]},

  {name = F .. 'tail', sig = 'df:tail([n = 5]) -> Frame',
   desc = [[The last n rows (all of them when there are fewer), in their order.]],
   example = [[
local df = mg.data.Frame{x = mg.arange(1, 11)}
print(df:tail(2):get(1, 'x'), #df:tail())       -- 9  5]]},

  {name = F .. 'filter', sig = 'df:filter(mask) -> Frame',
   desc = [[
The rows where mask, a 1-D bool tensor of #df elements, is true, in order. Build it from
columns with tensor comparisons (col('x'):gt(2), :eq, :le, ...) and combine masks with
logical_and / logical_or; NaN (missing) compares false. Error for a mask of another dtype
or size.]],
   example = [[
local df = mg.data.Frame{city = {'Oslo', 'Rome', 'Lima'}, temp = {3.5, 18, 22}}
local warm = df:filter(df:col('temp'):gt(10))
print(#warm, warm:get(1, 'city'))                -- 2  Rome]]},

  {name = F .. 'take', sig = 'df:take(rows) -> Frame',
   desc = [[
The rows at the given 1-based positions (a list of integers or a 1-D int64 tensor), in
that order; repeats are allowed, so take also resamples and permutes
(df:take(mg.randperm(#df)) shuffles). Error for a position outside 1..#df.]],
   example = [[
local df = mg.data.Frame{x = {'a', 'b', 'c'}}
local t = df:take{3, 1, 1}
print(t:get(1, 'x'), t:get(2, 'x'), t:get(3, 'x'))   -- c  a  a]]},

  {name = F .. 'sort', sig = 'df:sort(by [, {descending = false}]) -> Frame',
   desc = [[
The rows ordered by the column by, or by a list of columns (the first decides, the next
break ties, ...). The sort is stable (equal keys keep their order); missing values go last,
ascending or descending; strings compare by bytes, false before true. descending is a
boolean for every key or a list with one per key.]],
   example = [[
local df = mg.data.Frame{city = {'Rome', 'Oslo', 'Rome', 'Lima'}, temp = {18, 3.5, 15.5, mg.data.NA}}
local s = df:sort({'city', 'temp'}, {descending = {false, true}})
print(table.concat(s:values('city'), ' '), s:get(3, 'temp'), s:get(4, 'temp'))
-- Lima Oslo Rome Rome  18.0  15.5
print(df:sort('temp', {descending = true}):get(-1, 'city'))   -- Lima: missing last]]},

  {name = F .. 'drop_duplicates', sig = "df:drop_duplicates([subset [, {keep = 'first'}]]) -> Frame",
   desc = [[
One row for each distinct combination of values of subset (a name or a list; all columns
when nil): the first (keep = 'first') or the last ('last') row that has it, the rows kept
in their order, with every column. Missing values count as equal to each other. Hashing,
linear in the rows.]],
   example = [[
local df = mg.data.Frame{k = {'a', 'b', 'a'}, v = {1, 2, 3}}
print(table.concat(df:drop_duplicates('k'):values('v'), ' '))                      -- 1 2
print(table.concat(df:drop_duplicates('k', {keep = 'last'}):values('v'), ' '))    -- 2 3]]},

  {name = F .. 'unique', sig = 'df:unique([cols]) -> Frame',
   desc = [[
The distinct rows of the columns named (a name or a list; all when nil) as a frame of those
columns only, in the order of their first appearance; a missing value is one value.]],
   example = [[
local df = mg.data.Frame{k = {'b', 'a', 'b', mg.data.NA}, v = {1, 2, 3, 4}}
local u = df:unique('k')
print(#u, u.columns[1], u:get(1, 'k'), u:get(3, 'k'))   -- 3  k  b  nil]]},

  -- ---- missing values -------------------------------------------------------------------

  {name = F .. 'dropna', sig = "df:dropna([{how = 'any', subset}]) -> Frame",
   desc = [[
The rows without missing values: how = 'any' drops a row missing a value in any of the
columns, 'all' only a row missing all of them. subset (a name or a list) limits the columns
looked at (all by default).]],
   example = [[
local NA = mg.data.NA
local df = mg.data.Frame{a = {1, NA, NA}, b = {'x', 'y', NA}}
print(#df:dropna(), #df:dropna{how = 'all'}, #df:dropna{subset = 'b'})   -- 1  2  2]]},

  {name = F .. 'fillna', sig = "df:fillna(value)   or   df:fillna{value = v or {col = v}, method, subset}",
   desc = [[
The frame with missing values filled, by exactly one of:
  - value, a number, boolean or string: filled into every column whose type holds it (a
    number in float64 columns, and in int64 ones when it is whole; a boolean in bool
    columns; a string in string columns); other columns are left alone. With subset (a
    name or a list) only those columns, and each must hold the value (else an error).
  - value, a table {column = value}: each column filled with its own value, which it must
    hold.
  - method 'ffill': the previous present value in the column (missing values at the top
    stay missing); 'mean' or 'median': the mean or median of the column's values, in the
    numeric columns (all of them, or subset's, which must be numeric). An int64 column with
    missing values becomes float64 there.]],
   example = [[
local NA = mg.data.NA
local df = mg.data.Frame{n = {1, NA, 4}, s = {'a', NA, 'c'}, x = {0.5, NA, 1}}
print(df:fillna(0):get(2, 'n'), df:fillna(0):get(2, 's'))            -- 0  nil
print(df:fillna{value = {s = '?', x = -1}}:get(2, 's'))              -- ?
print(df:fillna{method = 'mean'}:get(2, 'n'))                        -- 2.5 (now float64)
print(df:fillna{method = 'ffill'}:get(2, 'x'))                       -- 0.5]]},

  -- ---- groups and joins -------------------------------------------------------------------

  {name = {F .. 'groupby'}, sig = "df:groupby(keys [, {sort = true, dropna = true}]):agg{column = aggregation(s), ...} -> Frame",
   desc = [[
Groups the rows by the values of the key columns (a name or a list, at least one) and
summarises each group in one row. groupby returns a GroupBy (fields frame and keys);
gb:agg(spec) computes, where spec maps a column to an aggregation or a list of them:
  count (values present, int64), nunique (distinct values present, int64), sum (int64 for
  int64 and bool columns, float64 for float64; 0 when none), mean and std (float64; std
  divides by n - 1), min, max, first, last (the column's type; strings compare by bytes).
Every aggregation skips missing values; one with nothing to work on gives NA. The result
has the key columns, then one column per aggregation named column_aggregation (qty_sum),
in the frame's column order and, for one column, in the order given. Rows: one per group,
sorted by key (missing last) with sort = true, else in the order groups first appear. Rows
with a missing key are left out, unless dropna = false makes them a group of their own.
Errors: an unknown aggregation (the message lists them), sum, mean or std of strings.
gb:ngroup() gives each row's group number as an int64 tensor (the row of agg's result it
falls in; 0 for a left-out row) and the number of groups, for per-group work with tensor
ops (index_add_, gather); gb:cumcount() each row's place in its group, 1, 2, ... in row
order (pandas' cumcount + 1). Hashing, linear in the rows, in C.]],
   example = [[
local sales = mg.data.Frame{shop = {'b', 'a', 'b', 'a'}, qty = {2, 1, 5, mg.data.NA},
                            price = {1.5, 2, 1, 3}}
local g = sales:groupby('shop'):agg{qty = {'sum', 'count'}, price = 'mean'}
print(g)
--     shop  price_mean  qty_sum  qty_count
--   string     float64    int64      int64
-- 1      a        2.50        1          1
-- 2      b        1.25        7          2
-- [2 rows x 4 columns]
print(sales:groupby('shop', {sort = false}):agg{qty = 'max'}:get(1, 'shop'))   -- b: first seen]]},

  {name = F .. 'join', sig = "df:join(other, {on = keys or left_on, right_on, how = 'inner', suffixes = {'_x', '_y'}}) -> Frame",
   desc = [[
The rows of df joined to the rows of other whose keys are equal: on names the key columns
of both (a name or a list), or left_on and right_on name df's and other's (as many, of the
same types; int64 does not match float64). A row matching several rows of other appears
once for each, in other's order; the rows follow df's order. how = 'inner' keeps only rows
of df that match; 'left' keeps every row of df, with other's columns missing where nothing
matches. Missing keys match nothing. The result has df's columns, then other's except its
keys; a name in both gets suffixes[1] on df's and suffixes[2] on other's. Hashing, in C.]],
   example = [[
local orders = mg.data.Frame{shop = {'b', 'a', 'c'}, qty = {2, 1, 4}}
local shops = mg.data.Frame{shop = {'a', 'b'}, city = {'Oslo', 'Rome'}}
local j = orders:join(shops, {on = 'shop'})
print(#j, j:get(1, 'city'))                      -- 2  Rome
local l = orders:join(shops, {on = 'shop', how = 'left'})
print(#l, l:get(3, 'city'))                      -- 3  nil]]},

  {name = F .. 'to_seconds', sig = 'df:to_seconds(name [, {format}]) -> float64 tensor',
   desc = [[
The time in each row of a string column as UTC seconds since 1970, NaN where missing, as
pandas' pd.to_datetime(...).timestamp(). Without format the text is ISO 8601 as logs write
it: YYYY-MM-DD, then optionally HH:MM or HH:MM:SS after a space or a T, and an offset such
as +0130 after the seconds. format is a strptime format ('%d/%m/%Y %H:%M'); a time without
an offset is taken as UTC. A text that is not a real time under the format (31 April,
trailing text) is an error naming its row. Each distinct text is parsed once, in C.
Put the result back with df:with_column(name, seconds).]],
   example = [[
local log = mg.data.Frame{when = {'2011-12-09 12:50:00', '1970-01-02'}}
print(log:to_seconds('when'))                  -- 1323435000  86400]]},

  {name = F .. 'hash', sig = 'df:hash(name [, {seed = 0}]) -> int64 tensor',
   desc = [[
The 32-bit MurmurHash3 of each value of a string or int64 column (an integer as its decimal
text), signed, exactly as scikit-learn's murmurhash3_32(value, seed): the hash of its
FeatureHasher, for the hashing trick (bucket: h % n + 1, sign: h >= 0). A missing value
gives 0. Not a keyed hash: to hide identifiers use mg.privacy.pseudonymize. In C, each
distinct string hashed once.]],
   example = [[
local df = mg.data.Frame{item = {'apple', 'pear', 'apple'}}
local h = df:hash('item')
print(h[1]:item() == h[3]:item())                 -- true: equal values, equal hashes]]},

  {name = F .. 'match', sig = 'df:match(name, values) -> int64 tensor',
   desc = [[
Each row's position (1-based) in values, where the column name holds a value of the list
(the first position where it repeats), else 0; a missing value is 0 too. values is a list,
or a Frame whose first column holds them; numbers in a list take the column's type, a
Frame's column must be of it. As R's match, or pandas' Index.get_indexer; isin is
df:match(name, values):gt(0). Hashing, in C: each distinct string is looked up once.]],
   example = [[
local ev = mg.data.Frame{event = {'view', 'buy', 'view', 'rate'}}
print(ev:match('event', {'view', 'buy'}))          -- 1 2 1 0
print(ev:match('event', {'buy'}):gt(0):sum():item()) -- 1: rows that are a 'buy']]},

  -- ---- files ----------------------------------------------------------------------------

  {name = 'mg.data.concat', sig = 'mg.data.concat{df1, df2, ...} -> Frame',
   desc = [[
The rows of the frames one above the other, in order, as pandas' pd.concat(frames,
ignore_index=True) for frames of equal columns. The frames must have the same column names
(in any order: the result has the first frame's order) and types; a frame without rows takes
no part, so its columns may be of other types. String columns from different sources are
recoded into one dictionary. In C.]],
   example = [[
local jan = mg.data.Frame{user = {1, 2}, amount = {5.0, 7.5}}
local feb = mg.data.Frame{amount = {1.0}, user = {1}}
print(#mg.data.concat{jan, feb})               -- 3]]},

  {name = 'mg.data.read_csv',
   sig = "mg.data.read_csv(path [, {header = true, delimiter = ',', quote = '\"', names, na_values, schema, on_bad_lines = 'error'}]) -> Frame, report",
   desc = [[
Reads a CSV file (RFC 4180), plain or gzip-compressed (detected from its contents), in C.
Fields are separated by delimiter (one character: ';', '\t', ...) and may be quoted with
quote (false: no quoting), which they must be when they hold the delimiter, a quote
(doubled inside) or a newline; lines end in LF or CRLF; blank lines are skipped. The first
line names the columns unless header = false (then they are V1, V2, ...); names (a list of
strings) gives them instead.
Types are inferred from the values, in C: int64 when all are integers, float64 when they
are numbers (inf too), bool for true/false (True, TRUE ...), else string. schema = {column =
'float64' | 'int64' | 'bool' | 'string'} fixes the type of the columns it names. Missing
values: empty fields and the na_values tokens, by default NA, N/A, n/a, NaN, nan, -NaN,
-nan, null, NULL, None, #N/A and <NA> (na_values, a list of strings, replaces them); a
quoted token is a string in a string column.
A bad line (the wrong number of fields, bad quoting, invalid UTF-8, a value the schema's
type cannot hold) is an error naming the file, line and field ("read_csv: data.csv:17:3:
expected 4 fields, got 3") unless on_bad_lines is 'skip' (it is left out) or 'warn' (left
out, and a line on stderr says how many). The second value returned is the report
{skipped = count, first_bad = 'file:line:field: reason' or nil}. A file that cannot be
opened is an error too.]],
   example = [[
local path = os.tmpname()
local f = io.open(path, 'w')
f:write('id,name,score\n1,"Smith, Ann",3.5\n2,Bob,NA\n3,Cy\n4,Di,2\n')
f:close()
print(pcall(mg.data.read_csv, path))             -- false  ... read_csv: /tmp/...:4:3: expected 3 fields, got 2
local df, report = mg.data.read_csv(path, {on_bad_lines = 'skip'})
print(df)
--      id        name    score
--   int64      string  float64
-- 1      1  Smith, Ann      3.5
-- 2      2         Bob       NA
-- 3      4          Di      2.0
-- [3 rows x 3 columns]
print(report.skipped)                            -- 1
os.remove(path)]]},

  {name = F .. 'write_csv', sig = "df:write_csv(path [, {delimiter = ','}])",
   desc = [[
Writes the frame as a CSV file that mg.data.read_csv reads back: a header line of the
names, then one line per row. Fields holding the delimiter, a quote or a newline are
quoted (quotes doubled), and so are empty strings and strings that read as missing (""
and "NA"); missing values are empty fields; float64 values are written with up to 17
significant digits, so that they read back exactly; booleans as true and false. A path
ending in .gz is written gzip-compressed. Error when the file cannot be written.]],
   example = [[
local path = os.tmpname()
local df = mg.data.Frame({name = {'Smith, Ann', 'Bob'}, score = {3.5, mg.data.NA}}, {columns = {'name', 'score'}})
df:write_csv(path)
print(io.open(path):read('a'))                   -- name,score / "Smith, Ann",3.5 / Bob,
print(mg.data.read_csv(path):get(1, 'name'))     -- Smith, Ann
os.remove(path)]]},

  {name = 'mg.data.read_sql', sig = 'mg.data.read_sql(db, query [, params]) -> Frame',
   desc = [[
Runs one SQL statement (a SELECT ...) on the SQLite database in the file db and returns its
rows as a frame, one column per result column, named as SQLite names them (use AS). The
database is opened read-only. params is a list of values bound to the query's ?
placeholders, in order: numbers, strings, booleans (1 and 0), and mg.data.NA for NULL (or
nil, with the list's length in its field n); there must be one per placeholder.
Column types: SQLite types each value rather than the column, so the values decide and the
declared type settles what they leave open. Integers give int64, but float64 in a column
declared REAL, FLOAT or DOUBLE, and bool in one declared BOOLEAN when all are 0 or 1; any
real number gives float64; any text gives string. A column of NULLs only takes its
declared type (INTEGER int64, REAL float64, BOOLEAN bool, TEXT, CHAR or CLOB string), else
float64. So a table written by to_sql reads back with its types, and an expression
(count(*), a + b) is typed from its values. NULL is missing.
Errors start with "read_sql: ": a database that cannot be opened ("read_sql: cannot open
data.db: ..."), SQLite's message for SQL that does not compile or fails ("read_sql: no such
table: sales"), more than one statement, the wrong number of parameters, a BLOB value
(cast it in the query).]],
   example = [[
local db = os.tmpname()
local df = mg.data.Frame({city = {'Oslo', 'Rome', 'Lima'}, temp = {3.5, 18, mg.data.NA}},
                         {columns = {'city', 'temp'}})
df:to_sql(db, 'weather')
local warm = mg.data.read_sql(db, 'SELECT city, temp FROM weather WHERE temp > ?', {10})
print(warm)
--     city     temp
--   string  float64
-- 1   Rome     18.0
-- [1 row x 2 columns]
print(mg.data.read_sql(db, 'SELECT count(*) AS n FROM weather'):get(1, 'n'))   -- 3
os.remove(db)]]},

  {name = F .. 'to_sql', sig = "df:to_sql(db, table [, {if_exists = 'fail'}]) -> rows written",
   desc = [[
Writes the frame as table in the SQLite database in the file db (created when absent) and
returns the number of rows written. The table's columns have the frame's names and the
types INTEGER (int64), REAL (float64), BOOLEAN (bool, stored as 0 and 1) and TEXT
(string); missing values are NULL. All rows go in one transaction, so a failure leaves the
database unchanged. if_exists says what to do when the table exists: 'fail' (the default)
is an error, 'replace' drops it first, 'append' inserts the rows into it (it must have
columns of the frame's names; others it has get their default, NULL unless declared).
mg.data.read_sql reads the table back with the same types. Errors start with "to_sql: ":
the table exists (with 'fail'), a frame of no columns, a database that cannot be opened or
written, SQLite's message ("to_sql: table t has no column named q").]],
   example = [[
local db = os.tmpname()
local df = mg.data.Frame({id = {1, 2}, ok = {true, false}}, {columns = {'id', 'ok'}})
print(df:to_sql(db, 't'))                        -- 2
print(pcall(df.to_sql, df, db, 't'))             -- false  ... table 't' already exists ...
print(df:to_sql(db, 't', {if_exists = 'append'}))   -- 2
local back = mg.data.read_sql(db, 'SELECT * FROM t WHERE ok = ?', {true})
print(#back, back:dtypes().ok)                   -- 2  bool
os.remove(db)]]},

  {name = 'mg.data.to_sql', sig = "mg.data.to_sql(db, {table = frame, ...} [, {if_exists = 'fail'}])",
   desc = [[
Writes several frames, each as the table named by its key, into the SQLite database in the
file db in one transaction: either every table is written or, on any failure, none and the
database is as it was. Tables are written in the order of their names. The rest is as
df:to_sql (column types, if_exists, errors).]],
   example = [[
local db = os.tmpname()
mg.data.to_sql(db, {users = mg.data.Frame{id = {1, 2}}, items = mg.data.Frame{sku = {'a'}}})
print(#mg.data.read_sql(db, 'SELECT * FROM users'))   -- 2
os.remove(db)]]},
}}
