import { defineStoreContract } from './store.contract.ts'
import { createStore } from '../src/index.ts'

defineStoreContract('embedded (in-memory PGlite)', async (audit) => ({ store: createStore({ kind: 'embedded', audit }) }))
