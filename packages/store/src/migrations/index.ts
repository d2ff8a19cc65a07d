import type { Migration, MigrationProvider } from 'kysely'
import * as init from './2025-01-15-001-init.ts'
import * as linkNonces from './2026-12-02-notify-link-nonces.ts'
import * as rememberScope from './2026-12-10-remember-scope.ts'
import * as cacheOrigin from './2027-01-10-policy-cache-origin.ts'
import * as sessionRecords from './2027-02-01-session-records.ts'

/** Every migration, in order. A static list so bundling cannot lose migration files. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '2025-01-15-001-init': init,
  '2026-12-02-notify-link-nonces': linkNonces,
  '2026-12-10-remember-scope': rememberScope,
  '2027-01-10-policy-cache-origin': cacheOrigin,
  '2027-02-01-session-records': sessionRecords,
}

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...MIGRATIONS }),
}
