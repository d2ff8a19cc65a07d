import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { readCliEnv } from './env.ts'
import { main } from './program.ts'

afterEach(() => {
  vi.restoreAllMocks()
  vi.unstubAllEnvs()
  process.exitCode = undefined
})

describe('readCliEnv', () => {
  it('keeps the variables commands read, drops the rest, and freezes the snapshot', () => {
    const env = readCliEnv({ PERMIT0_PACKS_DIR: '/p', PERMIT0_TOKEN: 't', HOME: '/h', PATH: '/bin', PERMIT0_PORT: '1' })
    expect(env).toEqual({ PERMIT0_PACKS_DIR: '/p', PERMIT0_TOKEN: 't', HOME: '/h' })
    expect(Object.isFrozen(env)).toBe(true)
  })
})

describe('main() hands its env snapshot to the commands', () => {
  it('pack new creates the pack under the PERMIT0_PACKS_DIR it was given, not the process environment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'permit0-env-'))
    vi.stubEnv('PERMIT0_PACKS_DIR', join(dir, 'from-process-env'))
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    try {
      expect(await main(['pack', 'new', 'acme/mail'], { env: readCliEnv({ PERMIT0_PACKS_DIR: join(dir, 'given') }) })).toBe(0)
      expect(existsSync(join(dir, 'given/acme/mail/pack.yaml'))).toBe(true)
      expect(existsSync(join(dir, 'from-process-env'))).toBe(false)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
