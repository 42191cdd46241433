-- mg.data.read_sql and Frame:to_sql. The sqlite3 command-line shell (Debian's sqlite3,
-- installed by scripts/install-deps.sh) is the independent party: it writes the databases
-- read_sql reads and reads back what to_sql wrote.
local mg = require 'moongrad'
local h = require 'tests.lua.helpers'
local data = mg.data

local SPEC = 'sql_spec.lua:'

local function have_shell()
  local ok = os.execute('sqlite3 -version >/dev/null 2>&1')
  return ok == true
end

-- Runs SQL through the sqlite3 shell on db; returns its output (list mode, '|' between fields).
local function shell(db, sql)
  local script = os.tmpname()
  local f = assert(io.open(script, 'w'))
  f:write(sql)
  f:close()
  local p = assert(io.popen(("sqlite3 -batch -nullvalue NULL '%s' < '%s' 2>&1"):format(db, script)))
  local out = p:read('a')
  p:close()
  os.remove(script)
  return out
end

local function err(f) return h.error_in(SPEC, f) end

if not have_shell() then
  it('read_sql and to_sql', function() pending('no sqlite3 shell (scripts/install-deps.sh installs it)') end)
  return
end

-- A fresh database path for each test, removed after it.
local db
before_each(function()
  db = os.tmpname()
  os.remove(db)
end)
after_each(function() os.remove(db) end)

describe('read_sql', function()
  it('types the columns from their declarations and values, NULL as missing', function()
    assert.are.equal('', shell(db, [[
      CREATE TABLE t (id INTEGER, price REAL, ok BOOLEAN, name TEXT, n NUMERIC, blank INTEGER);
      INSERT INTO t VALUES (1, 2.5, 1, 'apple', 3, NULL);
      INSERT INTO t VALUES (2, NULL, 0, 'pear, "ripe"', 4.5, NULL);
      INSERT INTO t VALUES (3, 4, NULL, NULL, 6, NULL);
      INSERT INTO t VALUES (NULL, -1e300, 1, 'éé', NULL, NULL);]]))
    local df = data.read_sql(db, 'SELECT * FROM t')
    assert.are.same({'id', 'price', 'ok', 'name', 'n', 'blank'}, df.columns)
    assert.are.same({id = 'int64', price = 'float64', ok = 'bool', name = 'string', n = 'float64',
                     blank = 'int64'}, df:dtypes())
    assert.are.equal(4, #df)
    local function col(name) local v = df:values(name) return {v[1], v[2], v[3], v[4]} end
    assert.are.same({1, 2, 3, nil}, col('id'))
    assert.are.same({2.5, nil, 4.0, -1e300}, col('price')) -- 4 in a REAL column is 4.0
    assert.are.same({true, false, nil, true}, col('ok'))
    assert.are.same({'apple', 'pear, "ripe"', nil, 'éé'}, col('name'))
    assert.are.same({3, 4.5, 6, nil}, col('n'))
    assert.are.same({n = 4}, df:values('blank'))
    assert.are.equal('integer', math.type(df:get(1, 'id')))
  end)

  it('binds parameters in order and types expression columns from their values', function()
    shell(db, [[CREATE TABLE e (user TEXT, amount REAL, ts INTEGER);
      INSERT INTO e VALUES ('a', 1.5, 10), ('b', 2.0, 20), ('a', 3.0, 30), ('c', NULL, 40);]])
    local df = data.read_sql(db, [[SELECT user, COUNT(*) AS n, SUM(amount) AS total, MAX(ts) AS last
                                   FROM e WHERE ts >= ? AND user <> ? GROUP BY user ORDER BY user]],
                             {20, 'c'})
    assert.are.same({user = 'string', n = 'int64', total = 'float64', last = 'int64'}, df:dtypes())
    assert.are.same({'a', 'b', n = 2}, df:values('user'))
    assert.are.same({1, 1, n = 2}, df:values('n'))
    assert.are.same({3.0, 2.0, n = 2}, df:values('total'))
    assert.are.same({30, 20, n = 2}, df:values('last'))
    -- NA and booleans bind as NULL and 0/1; a column of mixed numbers and text is text
    df = data.read_sql(db, "SELECT ? IS NULL AS was_null, ? + 0 AS one, 1 AS x UNION ALL SELECT 0, 0, 'y'",
                       {data.NA, true})
    assert.are.same({true, false, n = 2}, {df:get(1, 'was_null') == 1, df:get(2, 'was_null') == 1, n = 2})
    assert.are.equal(1, df:get(1, 'one'))
    assert.are.same({'1', 'y', n = 2}, df:values('x'))
  end)

  it('gives a frame with the columns and no rows for an empty result', function()
    shell(db, 'CREATE TABLE t (a INTEGER, b TEXT, c REAL);')
    local df = data.read_sql(db, 'SELECT * FROM t')
    assert.are.equal(0, #df)
    assert.are.same({a = 'int64', b = 'string', c = 'float64'}, df:dtypes())
  end)

  it('names what is wrong, pointing at the caller', function()
    shell(db, "CREATE TABLE t (a INTEGER, b BLOB); INSERT INTO t VALUES (1, x'00ff');")
    assert.truthy(err(function() data.read_sql(db, 'SELECT * FROM nope') end):find('read_sql: no such table: nope', 1, true))
    assert.truthy(err(function() data.read_sql(db, 'SELEC 1') end):find('read_sql: near "SELEC": syntax error', 1, true))
    assert.truthy(err(function() data.read_sql(db, 'SELECT * FROM t') end)
                  :find("read_sql: column 'b' holds a BLOB at row 1", 1, true))
    assert.truthy(err(function() data.read_sql(db, 'SELECT a FROM t WHERE a = ?') end)
                  :find('read_sql: the query has 1 parameter, got 0 values', 1, true))
    assert.truthy(err(function() data.read_sql(db, 'SELECT a FROM t', {1}) end)
                  :find('read_sql: the query has 0 parameters, got 1 value', 1, true))
    assert.truthy(err(function() data.read_sql(db, 'SELECT ?', {{}}) end)
                  :find('read_sql: parameter 1 is a table', 1, true))
    assert.truthy(err(function() data.read_sql(db, 'SELECT 1; DROP TABLE t') end)
                  :find('read_sql: expected one SQL statement', 1, true))
    assert.truthy(err(function() data.read_sql(db, '  ') end):find('read_sql: expected an SQL statement', 1, true))
    assert.truthy(err(function() data.read_sql('/nonexistent/dir/x.db', 'SELECT 1') end)
                  :find('read_sql: cannot open /nonexistent/dir/x.db', 1, true))
    assert.truthy(err(function() data.read_sql(42, 'SELECT 1') end):find('read_sql: expected the path of a database, got number', 1, true))
    assert.truthy(err(function() data.read_sql(db) end):find('read_sql: expected an SQL query, got nil', 1, true))
    assert.truthy(err(function() data.read_sql(db, 'SELECT 1', 'x') end):find('read_sql: expected a list of parameters, got string', 1, true))
    -- read-only: a statement that writes fails and changes nothing
    assert.truthy(err(function() data.read_sql(db, 'DELETE FROM t') end):find('read_sql: attempt to write a readonly database', 1, true))
    assert.are.equal('1\n', shell(db, 'SELECT COUNT(*) FROM t;'))
  end)
end)

describe('to_sql', function()
  local function frame()
    return data.Frame({id = {1, 2, 3}, x = {0.1, data.NA, -2.5, n = 3}, ok = {true, false, data.NA},
                       s = {'a|b', "it's", data.NA}}, {columns = {'id', 'x', 'ok', 's'}})
  end

  it('creates a typed table that the sqlite3 shell reads back', function()
    assert.are.equal(3, frame():to_sql(db, 'my table'))
    assert.are.equal('CREATE TABLE "my table" ("id" INTEGER, "x" REAL, "ok" BOOLEAN, "s" TEXT)\n',
                     shell(db, "SELECT sql FROM sqlite_master WHERE name = 'my table';"))
    assert.are.equal('1|0.1|1|a|b\n2|NULL|0|it\'s\n3|-2.5|NULL|NULL\n',
                     shell(db, 'SELECT * FROM "my table" ORDER BY id;'))
    assert.are.equal('integer|real|integer|text\nnull|null|null|null\n',
                     shell(db, [[SELECT typeof(id), typeof(x), typeof(ok), typeof(s) FROM "my table" WHERE id = 1
                                 UNION ALL SELECT typeof(NULL), typeof(NULL), typeof(NULL), typeof(NULL);]]))
    -- and read_sql gives the same frame back
    local back = data.read_sql(db, 'SELECT * FROM "my table"')
    assert.are.equal(tostring(frame()), tostring(back))
  end)

  it("fails on an existing table unless told to 'replace' or 'append'", function()
    local df = frame()
    df:to_sql(db, 't')
    assert.truthy(err(function() df:to_sql(db, 't') end)
                  :find("to_sql: table 't' already exists in " .. db .. " (if_exists = 'fail'", 1, true))
    assert.are.equal('3\n', shell(db, 'SELECT COUNT(*) FROM t;'))
    assert.are.equal(3, df:to_sql(db, 't', {if_exists = 'append'}))
    assert.are.equal('6|12\n', shell(db, 'SELECT COUNT(*), SUM(id) FROM t;'))
    local small = data.Frame({id = {7}})
    assert.are.equal(1, small:to_sql(db, 't', {if_exists = 'replace'}))
    assert.are.equal('7\n', shell(db, 'SELECT * FROM t;'))
    assert.are.equal('CREATE TABLE "t" ("id" INTEGER)\n', shell(db, "SELECT sql FROM sqlite_master WHERE name = 't';"))
  end)

  it('leaves the database as it was when a write fails', function()
    shell(db, 'CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (2, \'old\');')
    local df = data.Frame({id = {1, 2, 3}, v = {'a', 'b', 'c'}}) -- row 2's key exists: the insert fails
    assert.truthy(err(function() df:to_sql(db, 't', {if_exists = 'append'}) end)
                  :find('to_sql: UNIQUE constraint failed: t.id', 1, true))
    assert.are.equal('2|old\n', shell(db, 'SELECT * FROM t;'))
    local other = data.Frame({id = {5}, zz = {1}})
    assert.truthy(err(function() other:to_sql(db, 't', {if_exists = 'append'}) end)
                  :find('to_sql: table t has no column named zz', 1, true))
    local empty = data.Frame({})
    assert.truthy(err(function() empty:to_sql(db, 't', {if_exists = 'replace'}) end)
                  :find("to_sql: the frame for table 't' has no columns", 1, true))
    assert.are.equal('2|old\n', shell(db, 'SELECT * FROM t;'))
  end)

  it('writes several tables in one transaction: all of them, or none', function()
    shell(db, 'CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (2, \'old\');')
    local a, b = data.Frame({x = {1.5, 2.5}}), data.Frame({id = {2}, v = {'new'}})
    data.to_sql(db, {a = a}) -- a new table
    shell(db, 'INSERT INTO t VALUES (3, \'old\');')
    -- in name order, a gets a row appended, then t fails: the rollback takes a's row back too
    local a2 = data.Frame({x = {9.0}})
    assert.truthy(err(function() data.to_sql(db, {a = a2, t = b}, {if_exists = 'append'}) end)
                  :find('to_sql: UNIQUE constraint failed: t.id', 1, true))
    assert.are.equal('1.5\n2.5\n', shell(db, 'SELECT x FROM a;')) -- a's append rolled back
    assert.are.equal('2|old\n3|old\n', shell(db, 'SELECT * FROM t;'))
    data.to_sql(db, {t = b, a = a2}, {if_exists = 'replace'})
    assert.are.equal('9.0\n', shell(db, 'SELECT x FROM a;'))
    assert.are.equal('2|new\n', shell(db, 'SELECT * FROM t;'))
    assert.truthy(err(function() data.to_sql(db, a) end):find('to_sql: expected a table {name = frame, ...}, got a Frame', 1, true))
    assert.truthy(err(function() data.to_sql(db, {t = 3}) end):find("to_sql: table 't' must be a Frame, got number", 1, true))
  end)

  it('names bad arguments and options', function()
    local df = frame()
    assert.truthy(err(function() df:to_sql(nil, 't') end):find('to_sql: expected the path of a database, got nil', 1, true))
    assert.truthy(err(function() df:to_sql(db, 5) end):find('to_sql: expected a table name, got number', 1, true))
    assert.truthy(err(function() df:to_sql(db, 't', {if_exists = 'merge'}) end)
                  :find("to_sql: option if_exists must be 'fail', 'replace' or 'append', got merge", 1, true))
    assert.truthy(err(function() df:to_sql(db, 't', {mode = 'x'}) end):find("to_sql: unknown option 'mode'", 1, true))
    assert.truthy(err(function() df:to_sql('/nonexistent/dir/x.db', 't') end):find('to_sql: cannot open /nonexistent/dir/x.db', 1, true))
  end)
end)
