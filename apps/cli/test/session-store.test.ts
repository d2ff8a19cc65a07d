import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe } from 'vitest'
import { createStore, type Store } from '@permit0/store'
import { createMemorySessionStore } from '../src/decision/memory-sessions.ts'
import { createFileSessionStore } from '../src/hook/session-file.ts'
import { createDatabase } from './helpers/database.ts'
import { defineSessionStoreContract } from './session-store.contract.ts'

const openStore = async (store: Store) => {
  await store.migrate()
  return { sessions: store.sessions, cleanup: () => store.close() }
}

defineSessionStoreContract('memory', async () => ({ sessions: createMemorySessionStore() }))

defineSessionStoreContract('hook files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'permit0-sessions-'))
  return { sessions: createFileSessionStore(dir), cleanup: async () => rmSync(dir, { recursive: true, force: true }) }
})

defineSessionStoreContract('embedded store (PGlite)', () => openStore(createStore({ kind: 'embedded' })))

const BASE_URL = process.env.PERMIT0_TEST_DATABASE_URL
describe.skipIf(BASE_URL === undefined)('postgres', () => {
  defineSessionStoreContract('PostgreSQL store', async () => {
    const db = await createDatabase(BASE_URL as string, 'permit0_sessions')
    const opened = await openStore(createStore({ kind: 'postgres', url: db.url }))
    return {
      sessions: opened.sessions,
      cleanup: async () => {
        await opened.cleanup()
        await db.drop()
      },
    }
  })
})
