import { describe, expect, it } from 'vitest'
import { getHelper } from './registry.ts'
import { classifySql, tokenizeSql } from './sql.ts'

describe('classifySql', () => {
  it.each([
    ['SELECT * FROM t', 'db.select'],
    ['  select 1', 'db.select'],
    ['SHOW TABLES', 'db.select'],
    ['EXPLAIN SELECT 1', 'db.select'],
    ['EXPLAIN ANALYZE DELETE FROM t WHERE id = 1', 'db.delete'],
    ['WITH x AS (SELECT 1) SELECT * FROM x', 'db.select'],
    ['WITH gone AS (DELETE FROM t RETURNING *) SELECT count(*) FROM gone', 'db.delete'],
    ['INSERT INTO t VALUES (1)', 'db.insert'],
    ['UPDATE t SET a = 1 WHERE id = 2', 'db.update'],
    ['DELETE FROM t WHERE id = 2', 'db.delete'],
    ['CREATE TABLE t (id int)', 'db.create'],
    ['SELECT * INTO backup FROM t', 'db.create'],
    ["SELECT * INTO OUTFILE '/tmp/x' FROM t", 'db.export'],
    ['ALTER TABLE t ADD COLUMN b int', 'db.alter'],
    ['DROP TABLE t', 'db.drop'],
    ['TRUNCATE t', 'db.truncate'],
    ['GRANT ALL ON t TO bob', 'db.grant_access'],
    ['CREATE ROLE admin SUPERUSER', 'db.grant_access'],
    ['REVOKE ALL ON t FROM bob', 'db.revoke_access'],
    ["COPY t TO '/tmp/t.csv'", 'db.export'],
    ["COPY t FROM '/tmp/t.csv'", 'db.insert'],
    ['BEGIN; SELECT 1; COMMIT;', 'db.select'],
    ['SELECT 1; DROP TABLE t', 'db.drop'],
    ["SELECT 'DROP TABLE t'", 'db.select'],
    ['SELECT $$DROP TABLE t$$', 'db.select'],
    ['-- DROP TABLE t\nSELECT 1', 'db.select'],
    ['/* DROP */ SELECT 1', 'db.select'],
    ['FROBNICATE everything', 'db.update'],
    ['', 'db.select'],
  ])('%j → %s', (sql, action) => {
    expect(classifySql(sql).action).toBe(action)
  })

  it.each([
    ['DELETE FROM t', true, false],
    ['DELETE FROM t WHERE 1=1', true, false],
    ['DELETE FROM t WHERE id = 1', false, false],
    ['UPDATE t SET a = 1', false, true],
    ['UPDATE t SET a = 1 WHERE TRUE', false, true],
    ['UPDATE t SET a = 1 WHERE id IN (1, 2)', false, false],
  ])('%j unbounded delete=%j update=%j', (sql, del, upd) => {
    const f = classifySql(sql)
    expect([f.unboundedDelete, f.unboundedUpdate]).toEqual([del, upd])
  })

  it('reports statements, DDL, cascade and privilege facts', () => {
    expect(classifySql('SELECT 1; DROP SCHEMA s CASCADE; GRANT x TO y')).toMatchObject({
      statements: 3, ddl: true, drop: true, cascade: true, privilege: true, readOnly: false,
    })
    expect(classifySql('select 1').readOnly).toBe(true)
  })

  it('drops literals and comments while tokenizing', () => {
    expect(tokenizeSql("select 'a;b' -- c;\n; drop")).toEqual([["SELECT", "'literal'"], ['DROP']])
  })

  it('is exposed as sql_facts and sql_action_type', () => {
    expect(getHelper('sql_facts')?.fn(['DELETE FROM t'])).toMatchObject({ action: 'db.delete', unbounded_delete: true })
    expect(getHelper('sql_action_type')?.fn([null])).toBe('db.select')
  })
})
