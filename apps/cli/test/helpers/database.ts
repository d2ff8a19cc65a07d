import pg from 'pg'

/** Creates a fresh PostgreSQL database beside `baseUrl` (parallel runs never collide); `drop()` removes it. */
export async function createDatabase(baseUrl: string, prefix = 'permit0_test'): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`
  const run = async (sql: string): Promise<void> => {
    const client = new pg.Client({ connectionString: baseUrl })
    await client.connect()
    try {
      await client.query(sql)
    } finally {
      await client.end()
    }
  }
  await run(`CREATE DATABASE ${name}`)
  const url = new URL(baseUrl)
  url.pathname = `/${name}`
  return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) }
}
