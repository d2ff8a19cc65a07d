import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { migrateLegacyHookSessions, resolveDataDir } from './data-dir.ts'
import { resolveDataDir as resolveStoreDataDir } from './store-options.ts'

const HOME = '/home/u'
const CWD = '/work/project'

describe('one data directory for every command: --data-dir > PERMIT0_DATA_DIR > ~/.permit0/data', () => {
  it.each<[string, string | undefined, string | undefined, string]>([
    ['nothing given', undefined, undefined, '/home/u/.permit0/data'],
    ['the environment', undefined, '/srv/permit0', '/srv/permit0'],
    ['an empty variable counts as unset', undefined, '', '/home/u/.permit0/data'],
    ['the flag beats the environment', '/flag/dir', '/srv/permit0', '/flag/dir'],
    ['a relative flag resolves against the working directory', 'data', '/srv/permit0', '/work/project/data'],
    ['a relative variable too', undefined, 'rel/dir', '/work/project/rel/dir'],
  ])('%s', (_what, flag, variable, expected) => {
    const env = variable === undefined ? {} : { PERMIT0_DATA_DIR: variable }
    const given = flag === undefined ? {} : { dataDir: flag }
    // the hook and the store commands (serve, db, audit, token, login) resolve it the same way
    expect(resolveDataDir(given, { env, homeDir: HOME, cwd: CWD })).toBe(expected)
    expect(resolveStoreDataDir(given, { env, homeDir: HOME, cwd: CWD })).toBe(expected)
  })
})

describe('the hook moves its old session histories (~/.permit0/hook-sessions) into the data dir once', () => {
  const homes: string[] = []
  const home = () => {
    const dir = mkdtempSync(join(tmpdir(), 'permit0-home-'))
    homes.push(dir)
    return dir
  }
  afterEach(() => {
    for (const dir of homes.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  it('moves them when the data dir has none', () => {
    const h = home()
    mkdirSync(join(h, '.permit0', 'hook-sessions'), { recursive: true })
    writeFileSync(join(h, '.permit0', 'hook-sessions', 's.jsonl'), '{"seen":1}\n')
    const dataDir = resolveDataDir({}, { env: {}, homeDir: h })
    migrateLegacyHookSessions(dataDir, h)
    expect(readFileSync(join(dataDir, 'hook-sessions', 's.jsonl'), 'utf8')).toBe('{"seen":1}\n')
    expect(existsSync(join(h, '.permit0', 'hook-sessions'))).toBe(false)
  })

  it('leaves both alone when the data dir already has histories, or a data dir was chosen', () => {
    const h = home()
    mkdirSync(join(h, '.permit0', 'hook-sessions'), { recursive: true })
    mkdirSync(join(h, '.permit0', 'data', 'hook-sessions'), { recursive: true })
    migrateLegacyHookSessions(join(h, '.permit0', 'data'), h)
    expect(existsSync(join(h, '.permit0', 'hook-sessions'))).toBe(true)

    const chosen = join(h, 'elsewhere')
    rmSync(join(h, '.permit0', 'data'), { recursive: true })
    migrateLegacyHookSessions(chosen, h)
    expect(existsSync(join(h, '.permit0', 'hook-sessions'))).toBe(true)
    expect(existsSync(join(chosen, 'hook-sessions'))).toBe(false)
  })
})
