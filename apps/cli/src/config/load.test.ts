import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveHookConfig } from '../hook/config.ts'
import { runDbStatus } from '../commands/db/status.ts'
import { readStoreFileSettings, resolveAuditKeyPath, resolveDataDir, resolveStoreConfig } from '../store-options.ts'
import { parseYamlValue } from '../yaml-value.ts'
import { ConfigError, ConfigErrorCode, loadConfig } from './load.ts'

const home = mkdtempSync(join(tmpdir(), 'permit0-config-'))
const cwd = join(home, 'work')
const file = join(home, '.permit0', 'permit0.yaml')
beforeAll(() => {
  mkdirSync(join(home, '.permit0'))
  mkdirSync(cwd)
})
afterAll(() => rmSync(home, { recursive: true, force: true }))

const readFile = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}

/** serve's and the hook's view of the four shared settings, through their real loaders. */
function both(flags: Record<string, string>, env: Record<string, string>) {
  const serve = loadConfig({ flags, env: { HOME: home, ...env }, cwd })
  const hook = resolveHookConfig({ flags, env, homeDir: home, cwd, readFile, parseYaml: parseYamlValue })
  if (!hook.ok) throw new Error(hook.message)
  return {
    serve: {
      orgDomain: serve.orgDomain,
      profile: serve.profile,
      packsDir: serve.packsDir,
      // What serve (start-server.ts) and every store command do with it.
      dataDir: resolveDataDir({ ...(serve.dataDir !== undefined && { dataDir: serve.dataDir }) }, { env, homeDir: home, cwd }),
    },
    hook: { orgDomain: hook.value.orgDomain, profile: hook.value.profile, packsDir: hook.value.packsDir, dataDir: hook.value.dataDir },
    // db, audit, token, approvals, login: flags > env > the file's data_dir > default.
    storeDataDir: resolveDataDir(
      { ...(flags.dataDir !== undefined && { dataDir: flags.dataDir }) },
      { env, homeDir: home, cwd, file: readStoreFileSettings({}, { env, homeDir: home, cwd }) },
    ),
  }
}

describe('one model: serve and the hook resolve the shared settings alike (flag > env > file > default)', () => {
  const FILE = 'org_domain: file.org\nprofile: file-profile\npacks_dir: /file/packs\ndata_dir: /file/data\nport: 9999\nhook:\n  unknown: ask\n'
  const FLAGS = { orgDomain: 'flag.org', profile: 'flag-profile', packsDir: '/flag/packs', dataDir: '/flag/data' }
  const ENV = { PERMIT0_ORG_DOMAIN: 'env.org', PERMIT0_PROFILE: 'env-profile', PERMIT0_PACKS_DIR: '/env/packs', PERMIT0_DATA_DIR: 'env/data' }
  const EMPTY_ENV = { PERMIT0_ORG_DOMAIN: '', PERMIT0_PROFILE: '', PERMIT0_PACKS_DIR: '', PERMIT0_DATA_DIR: '' }

  it.each([
    ['flags win', FLAGS, ENV, FILE, { orgDomain: 'flag.org', profile: 'flag-profile', packsDir: '/flag/packs', dataDir: '/flag/data' }],
    ['environment over the file', {}, ENV, FILE, { orgDomain: 'env.org', profile: 'env-profile', packsDir: '/env/packs', dataDir: join(cwd, 'env/data') }],
    ['the file over the defaults', {}, {}, FILE, { orgDomain: 'file.org', profile: 'file-profile', packsDir: '/file/packs', dataDir: '/file/data' }],
    ['empty variables are unset', {}, EMPTY_ENV, FILE, { orgDomain: 'file.org', profile: 'file-profile', packsDir: '/file/packs', dataDir: '/file/data' }],
  ])('%s', (_name, flags, env, text, expected) => {
    writeFileSync(file, text)
    const { serve, hook, storeDataDir } = both(flags, env)
    expect(serve).toEqual(expected)
    expect(hook).toEqual(expected)
    expect(storeDataDir).toBe(expected.dataDir)
  })

  it('defaults: the same data dir and packs; the org domain is default.org in the hook, none in serve', () => {
    writeFileSync(file, '')
    const { serve, hook, storeDataDir } = both({}, {})
    expect(serve).toEqual({ orgDomain: undefined, profile: undefined, packsDir: undefined, dataDir: join(home, '.permit0', 'data') })
    expect(hook).toEqual({ ...serve, orgDomain: 'default.org' })
    expect(storeDataDir).toBe(serve.dataDir)
  })

  it('PERMIT0_CONFIG_FILE names the file for both; --config wins over it', () => {
    const other = join(home, 'other.yaml')
    writeFileSync(other, 'org_domain: other.org\n')
    writeFileSync(file, 'org_domain: home.org\n')
    expect(both({}, { PERMIT0_CONFIG_FILE: other })).toMatchObject({
      serve: expect.objectContaining({ orgDomain: 'other.org' }),
      hook: expect.objectContaining({ orgDomain: 'other.org' }),
    })
    expect(loadConfig({ flags: {}, env: { PERMIT0_CONFIG_FILE: other }, file: file, home, cwd }).orgDomain).toBe('home.org')
  })
})

describe("serve's loader and permit0.yaml", () => {
  const load = (text: string, env: Record<string, string> = {}) => {
    writeFileSync(file, text)
    return loadConfig({ flags: {}, env: { HOME: home, ...env }, cwd })
  }
  const failure = (text: string, env: Record<string, string> = {}): ConfigError => {
    try {
      load(text, env)
    } catch (err) {
      return err as ConfigError
    }
    throw new Error('expected a ConfigError')
  }

  it('ignores the hook: section, reads serve keys at the top level and under serve:, kebab or snake case', () => {
    const config = load('port: 7000\nlog-level: debug\nserve:\n  port: 7001\nhook:\n  remote: http://127.0.0.1:1\n  unknown: deny\n')
    expect(config).toMatchObject({ port: 7001, logLevel: 'debug' })
  })

  it.each([
    ['port: [\n', ConfigErrorCode.Invalid, /^config file .*permit0\.yaml: invalid YAML: [0-9]+:[0-9]+: [^\n]+$/],
    ['- port\n', ConfigErrorCode.Invalid, /^config file .*permit0\.yaml: expected a mapping of settings$/],
    ['prot: 1\n', ConfigErrorCode.Invalid, /^config file .*permit0\.yaml: unknown key 'prot'$/],
    ['unknown: ask\n', ConfigErrorCode.Invalid, /^config file .*permit0\.yaml: unknown key 'unknown' \(a hook setting: put it under `hook:`\)$/],
    ['serve: 3\n', ConfigErrorCode.Invalid, /serve: expected a mapping/],
    ['port: http\n', ConfigErrorCode.Invalid, /^invalid configuration: port: .* \(from config file .*permit0\.yaml\)$/],
  ])('a bad file %j → %s naming the file and the key', (text, code, message) => {
    const err = failure(text)
    expect(err).toBeInstanceOf(ConfigError)
    expect(err.code).toBe(code)
    expect(err.message).toMatch(message)
  })

  it('a bad value names the variable it came from, and an explicit missing file is unreadable', () => {
    expect(failure('', { PERMIT0_PORT: 'x' }).message).toMatch(/^invalid configuration: port: .* \(from PERMIT0_PORT\)$/)
    const missing = failure('', { PERMIT0_CONFIG_FILE: join(home, 'nope.yaml') })
    expect(missing.code).toBe(ConfigErrorCode.FileUnreadable)
    expect(missing.message).toBe(`config file ${join(home, 'nope.yaml')} does not exist`)
  })
})

describe('the store commands read the same file (data_dir, database_url, audit_key)', () => {
  const deps = (env: Record<string, string> = {}) => ({ env, homeDir: home, cwd })

  it('flag > env > file for the database URL and the audit key; serve: over the top level', () => {
    writeFileSync(file, 'database_url: postgres://file/db\naudit-key: keys/audit.key\nserve:\n  data_dir: /serve/data\nhook:\n  unknown: ask\n')
    const fileLayer = readStoreFileSettings({}, deps())
    expect(fileLayer).toEqual({ databaseUrl: 'postgres://file/db', auditKey: 'keys/audit.key', dataDir: '/serve/data' })
    expect(resolveStoreConfig({}, { ...deps(), file: fileLayer })).toMatchObject({ kind: 'postgres', url: 'postgres://file/db' })
    expect(resolveStoreConfig({}, { ...deps({ PERMIT0_DATABASE_URL: 'postgres://env/db' }), file: fileLayer })).toMatchObject({ url: 'postgres://env/db' })
    expect(resolveStoreConfig({ databaseUrl: 'postgres://flag/db' }, { ...deps({ PERMIT0_DATABASE_URL: 'postgres://env/db' }), file: fileLayer })).toMatchObject({ url: 'postgres://flag/db' })
    expect(resolveAuditKeyPath({}, { ...deps(), file: fileLayer })).toBe(join(cwd, 'keys/audit.key'))
    expect(resolveAuditKeyPath({}, { ...deps({ PERMIT0_AUDIT_KEY_PATH: '/env.key' }), file: fileLayer })).toBe('/env.key')
    // --config names another file.
    const other = join(home, 'store.yaml')
    writeFileSync(other, 'data_dir: /other/data\n')
    expect(readStoreFileSettings({ config: other }, deps())).toEqual({ dataDir: '/other/data' })
  })

  it.each([
    ['data_dir: [\n', 'invalid YAML'],
    ['data_dir: 42\n', 'data_dir: expected a string'],
    ['prot: 1\n', "unknown key 'prot'"],
  ])('a bad file %j is an error naming it', (text, message) => {
    writeFileSync(file, text)
    expect(() => readStoreFileSettings({}, deps())).toThrow(`config file ${file}: ${message}`)
  })

  it('db status opens the embedded store in the data_dir of permit0.yaml; a broken file → exit 1 naming it', async () => {
    const dataDir = join(home, 'from-file')
    writeFileSync(file, `data_dir: ${dataDir}\n`)
    const out: string[] = []
    const err: string[] = []
    const io = { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) }
    expect(await runDbStatus({ json: true }, { ...deps(), io })).toBe(0)
    expect(JSON.parse(out.join(''))).toMatchObject({ kind: 'embedded', location: expect.stringContaining(dataDir) })
    expect(readFileSync(join(dataDir, 'audit-signing.key')).length).toBeGreaterThan(0)

    writeFileSync(file, 'data_dir: [\n')
    err.length = 0
    expect(await runDbStatus({ json: true }, { ...deps(), io })).toBe(1)
    expect(err.join('')).toMatch(new RegExp(`^error: config file ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: invalid YAML`))
  })
})
