import { execFileSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const BIN = '/usr/lib/postgresql/15/bin'

/** True when a private cluster can be started here (PostgreSQL 15 binaries, root for runuser). */
export function canRunCluster(): boolean {
  return existsSync(join(BIN, 'initdb')) && process.getuid?.() === 0
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

export interface PgCluster {
  readonly url: string
  /** `pg_ctl stop -m immediate`: the database vanishes as in a crash. */
  stop(): void
  start(): void
  destroy(): void
}

/**
 * A throwaway PostgreSQL 15 cluster in a temp dir on a free port (never the shared server on
 * 5432): initdb + pg_ctl as the `postgres` user, trust auth, fsync off.
 */
export async function startCluster(): Promise<PgCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'permit0-pg-'))
  chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), Number(execFileSync('id', ['-g', 'postgres']).toString().trim()))
  const data = join(dir, 'data')
  const port = await freePort()
  const asPostgres = (cmd: string, args: string[]) =>
    execFileSync('runuser', ['-u', 'postgres', '--', join(BIN, cmd), ...args], { stdio: 'pipe', timeout: 60_000 })
  asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8'])
  const start = () =>
    asPostgres('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start'])
  const stop = () => asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'])
  start()
  let running = true
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      stop()
      running = false
    },
    start() {
      start()
      running = true
    },
    destroy() {
      if (running) {
        try {
          stop()
        } catch {
          /* already down */
        }
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
