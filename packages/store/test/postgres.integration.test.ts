import { describe } from 'vitest'
import { createStore } from '../src/index.ts'
import { createTestDatabase, RUN_POSTGRES } from './pg-test-db.ts'
import { defineStoreContract } from './store.contract.ts'

describe.skipIf(!RUN_POSTGRES)('postgres', () => {
  defineStoreContract('postgres', async (audit) => {
    const database = await createTestDatabase()
    return { store: createStore({ kind: 'postgres', url: database.url, audit }), cleanup: database.drop }
  })

  defineStoreContract('postgres with a separate audit database', async (audit) => {
    const main = await createTestDatabase()
    const auditDb = await createTestDatabase()
    return {
      store: createStore({ kind: 'postgres', url: main.url, auditUrl: auditDb.url, audit }),
      cleanup: async () => {
        await main.drop()
        await auditDb.drop()
      },
    }
  })
})
