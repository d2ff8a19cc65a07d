/**
 * SQL classification cost: `classifySql` (libpg-query parse + tree walk) on everyday and hostile
 * statements, beside the bare parse, as ratios within one run. The parser's one-time WASM load is
 * timed separately.
 */
import { initSqlParser, parsePostgres } from '../packages/engine/src/parsers/sql.ts'
import { classifySql } from '../packages/engine/src/helpers/sql.ts'
import { fmt, measure, type BenchModule } from './types.ts'

const CASES: readonly (readonly [string, string])[] = [
  ['simple SELECT', 'SELECT id, total FROM orders WHERE id = 42'],
  ['join + CTE read', "WITH recent AS (SELECT * FROM orders WHERE created_at > now() - interval '7 days') SELECT c.name, count(*) FROM recent r JOIN customers c ON c.id = r.customer_id GROUP BY c.name ORDER BY 2 DESC LIMIT 20"],
  ['tautological DELETE', "DELETE FROM users WHERE 'a' = 'a' OR id > 0"],
  ['stacked + backslash literal', "SELECT '\\''; DROP TABLE users; --'"],
  ['DO block (PL/pgSQL parsed)', "DO $$ BEGIN UPDATE users SET active = false WHERE id = 3; PERFORM pg_read_file('/etc/passwd'); END $$"],
]

export const bench: BenchModule = {
  id: 'sql',
  async run() {
    const t0 = performance.now()
    await initSqlParser()
    const loadMs = performance.now() - t0
    const rows: string[] = []
    const parse0 = measure(() => parsePostgres(CASES[0]?.[1] ?? ''), { warmup: 2_000, iterations: 20_000 }).p50us
    for (const [name, sql] of CASES) {
      const parse = measure(() => parsePostgres(sql), { warmup: 2_000, iterations: 20_000 })
      const full = measure(() => classifySql(sql), { warmup: 2_000, iterations: 20_000 })
      rows.push(`| ${name} | ${fmt(parse.p50us, 1)} | ${fmt(full.p50us, 1)} | ${fmt(full.p99us, 1)} | ${fmt(full.perSecond, 0)} | ${fmt(full.p50us / parse0, 2)} |`)
    }
    return {
      id: 'sql',
      title: 'SQL classification',
      markdown: [
        '`classifySql` over the real PostgreSQL parser (libpg-query 18, WASM): parse, then one walk of the',
        'tree (statements, functions, relations, settings, WHERE folding). 20 000 calls per row, one thread.',
        '',
        '| statement | parse p50 µs | classify p50 µs | classify p99 µs | classifications/s | × simple parse |',
        '|---|---:|---:|---:|---:|---:|',
        ...rows,
        '',
        `One-time parser load (\`initSqlParser()\`, WASM instantiation): ${fmt(loadMs, 0)} ms.`,
        'Texts over 65 536 characters are not parsed (review), which bounds the worst case.',
      ].join('\n'),
    }
  },
}
