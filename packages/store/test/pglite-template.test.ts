import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createStore, generateAuditKey } from '../src/index.ts'
import { MIGRATIONS } from '../src/migrations/index.ts'
import { PGLITE_SUBDIR, unpackTemplate } from '../src/pglite-options.ts'
import { auditInput } from './fixtures.ts'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'permit0-template-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const leftovers = (parent: string) => readdirSync(parent).filter((n) => n.includes('.unpacking'))

describe('the shipped PGlite cluster', () => {
  it('unpacks into a new directory once (the postgres database alone), never over an existing cluster', () => {
    const pgdata = join(dir, PGLITE_SUBDIR)
    expect(unpackTemplate(pgdata)).toBe(true)
    expect(readFileSync(join(pgdata, 'PG_VERSION'), 'utf8').trim()).toMatch(/^\d+$/)
    expect(readdirSync(join(pgdata, 'base'))).toHaveLength(1)
    writeFileSync(join(pgdata, 'marker'), 'mine')
    expect(unpackTemplate(pgdata)).toBe(false)
    expect(readFileSync(join(pgdata, 'marker'), 'utf8')).toBe('mine')
    expect(leftovers(dir)).toEqual([])
  })

  it('a new data dir opens on the cluster with every migration already applied, and its chain works', async () => {
    const dataDir = join(dir, 'data')
    const store = createStore({ kind: 'embedded', dataDir, audit: { signingKey: generateAuditKey() } })
    try {
      expect(existsSync(join(dataDir, PGLITE_SUBDIR, 'PG_VERSION'))).toBe(true)
      const status = await store.migrationStatus()
      expect(status.pending).toEqual([])
      expect(status.applied).toHaveLength(Object.keys(MIGRATIONS).length)
      await store.audit.append(auditInput())
      expect((await store.audit.verify()).ok).toBe(true)
    } finally {
      await store.close()
    }
  })
})
