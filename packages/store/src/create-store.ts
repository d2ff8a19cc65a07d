import { createEmbeddedStore } from './embedded.ts'
import { createPostgresStore } from './postgres.ts'
import type { Store, StoreConfig } from './store.ts'

/** Opens the configured backend (no IO beyond the embedded lock file until the first query). */
export function createStore(config: StoreConfig): Store {
  return config.kind === 'postgres' ? createPostgresStore(config) : createEmbeddedStore(config)
}
