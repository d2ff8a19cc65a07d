import { cpSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Clock } from '@permit0/approvals'
import type { Store } from '@permit0/store'
import { pino } from 'pino'
import { loadConfig } from '../../src/config/load.ts'
import type { ConfigInput } from '../../src/config/schema.ts'
import { startServer, type ServerHandle } from '../../src/server/start-server.ts'
import { registerReviewerToken } from './http.ts'

export const REPO_ROOT = resolve(import.meta.dirname, '../../../..')

let emailPacks: string | undefined

/** A packs root holding only our email pack (tests stay independent of packs being edited). */
export function emailPacksDir(): string {
  if (emailPacks === undefined) {
    emailPacks = mkdtempSync(join(tmpdir(), 'permit0-packs-'))
    cpSync(resolve(REPO_ROOT, 'packs/permit0/email'), join(emailPacks, 'email'), { recursive: true })
  }
  return emailPacks
}

/**
 * A real `serve` on a free loopback port over in-memory PGlite and the repo's own packs. Its
 * reviewer secret (no API tokens) is registered with `call()`, which then acts as the reviewer.
 */
export async function startTestServer(
  flags: Partial<ConfigInput> = {},
  options: { clock?: Clock; store?: Store } = {},
): Promise<ServerHandle> {
  const config = loadConfig({
    flags: { port: 0, packsDir: emailPacksDir(), logLevel: 'silent', approvalPollMs: 200, ...flags },
    env: {},
    file: false,
    cwd: REPO_ROOT,
  })
  // Without a data dir or database URL: a throwaway in-memory store (never ~/.permit0/data).
  const memoryStore = options.store === undefined && flags.dataDir === undefined && flags.databaseUrl === undefined
  const handle = await startServer(config, {
    cwd: REPO_ROOT,
    logger: pino({ level: 'silent' }),
    memoryStore,
    // A data dir / key of its own for a PostgreSQL or data-dir store: never the user's ~/.permit0.
    homeDir: mkdtempSync(join(tmpdir(), 'permit0-home-')),
    ...(options.clock && { clock: options.clock }),
    ...(options.store && { store: options.store }),
  })
  registerReviewerToken(handle.url, handle.reviewerToken)
  return handle
}
