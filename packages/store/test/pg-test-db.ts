import { randomBytes } from 'node:crypto'
import pg from 'pg'

/** The PostgreSQL URL for integration tests, or undefined (tests skip unless PERMIT0_REQUIRE_ALL=1). */
export const TEST_DATABASE_URL = process.env.PERMIT0_TEST_DATABASE_URL || undefined
export const REQUIRE_ALL = process.env.PERMIT0_REQUIRE_ALL === '1'
/** Run PostgreSQL suites when configured, or when required (they then fail for lack of a URL). */
export const RUN_POSTGRES = TEST_DATABASE_URL !== undefined || REQUIRE_ALL

/** Creates a fresh database for one test run on the server of `PERMIT0_TEST_DATABASE_URL`. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (TEST_DATABASE_URL === undefined) {
    throw new Error('PERMIT0_REQUIRE_ALL=1 but PERMIT0_TEST_DATABASE_URL is not set')
  }
  const name = `permit0_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  const url = new URL(TEST_DATABASE_URL)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL })
      await client.connect()
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      } finally {
        await client.end()
      }
    },
  }
}
