import { describe, expect, it } from 'vitest'
import { mayCarrySql } from './input.ts'

describe('mayCarrySql (the local hook loads the PostgreSQL parser only for such calls)', () => {
  it.each([
    ['Bash', { command: 'psql -c "drop table users"' }],
    ['Bash', { command: 'echo "DELETE FROM t" | sqlite3 app.db' }],
    ['mcp__postgres__query', { sql: 'select 1' }],
    ['execute_sql', { query: 'x' }],
    ['Bash', { command: 'mysql -e "select 1"' }],
  ])('%s %j → true', (tool, params) => {
    expect(mayCarrySql(tool, params)).toBe(true)
  })

  it.each([
    ['Read', { file_path: '/home/dev/app/src/index.ts' }],
    ['Bash', { command: 'npm test' }],
    ['Grep', { pattern: 'TODO', path: 'src' }],
    ['Bash', { command: 'git status && git log -5' }],
  ])('%s %j → false', (tool, params) => {
    expect(mayCarrySql(tool, params)).toBe(false)
  })
})
