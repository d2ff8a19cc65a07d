import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { type HookDeps, type HookInstallOptions, type HookOptions, runHook, runHookInstall } from '../commands/hook.ts'
import { resolveHookConfig } from './config.ts'
import { applyUnknownPolicy, toEnvelope } from './envelope.ts'
import { mergeIntoSettings, buildRegistration } from './install.ts'
import { createFileSessionStore, sessionFilePath } from './session-file.ts'
import { type LoadHookEngineOptions, loadHookEngine } from './load-engine.ts'
import { fileURLToPath } from 'node:url'

const PACKS_DIR = fileURLToPath(new URL('../../../../packs', import.meta.url))
// The local hook loads every shipped pack per invocation: seconds on a loaded 2-core machine.
vi.setConfig({ testTimeout: 60_000 })

const HASH = 'b'.repeat(64)
const BASH_EVENT = {
  session_id: 'sess-42',
  cwd: '/home/dev/project',
  hook_event_name: 'PreToolUse',
  permission_mode: 'default',
  tool_name: 'Bash',
  tool_input: { command: 'npm test' },
  tool_use_id: 'toolu_1',
}

let home: string
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'permit0-hook-'))
})
afterAll(() => rmSync(home, { recursive: true, force: true }))

function readFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}

async function hook(options: HookOptions, stdin: unknown, overrides: Partial<HookDeps> = {}) {
  const out: string[] = []
  const err: string[] = []
  const code = await runHook(options, {
    readStdin: async () => (typeof stdin === 'string' ? stdin : JSON.stringify(stdin)),
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: {},
    homeDir: home,
    nowMs: () => 1_700_000_000_000,
    ppid: 4242,
    readFile,
    loadEngine: async () => {
      throw new Error('no engine in this test')
    },
    ...overrides,
  })
  return { code, stdout: out.join(''), stderr: err.join(''), envelope: out.length ? (JSON.parse(out.join('')) as unknown) : undefined }
}

describe('envelopes (exact stdout shapes)', () => {
  it.each([
    [{ decision: 'allow', reason: 'ignored' }, { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'allow' } }],
    [{ decision: 'deny', reason: 'external recipient' }, { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: 'external recipient' } }],
    [{ decision: 'ask', reason: 'permit0: x' }, { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'ask', permissionDecisionReason: 'permit0: x' } }],
    [{ decision: 'bypass' }, { hookSpecificOutput: { hookEventName: 'PreToolUse' } }],
  ] as const)('%o', (outcome, expected) => {
    expect(JSON.stringify(toEnvelope(outcome))).toBe(JSON.stringify(expected))
  })

  it('the unknown policy rewrites only ask outcomes of unclassified calls, never fail-safe ones', () => {
    const ask = { decision: 'ask', reason: 'r' } as const
    expect(applyUnknownPolicy(ask, true, 'bypass')).toEqual({ decision: 'bypass' })
    expect(applyUnknownPolicy(ask, true, 'allow').decision).toBe('allow')
    expect(applyUnknownPolicy(ask, true, 'deny')).toMatchObject({ decision: 'deny', reason: 'permit0: unknown action denied by --unknown deny policy' })
    expect(applyUnknownPolicy(ask, false, 'bypass')).toBe(ask)
    expect(applyUnknownPolicy({ decision: 'deny', reason: 'denylisted' }, true, 'allow').decision).toBe('deny')
    expect(applyUnknownPolicy({ ...ask, failSafe: true }, true, 'bypass').decision).toBe('ask')
  })
})

describe('config precedence', () => {
  const NEW = '/h/.permit0/permit0.yaml'
  const OLD = '/h/.permit0/config.yaml'
  const resolveWith = (flags: object, env: Record<string, string>, files: Record<string, string>) =>
    resolveHookConfig({ flags, env, homeDir: '/h', cwd: '/cwd', readFile: (p) => files[p], parseYaml })
  const resolve = (flags: object, env: Record<string, string>, file?: string) =>
    resolveWith(flags, env, file === undefined ? {} : { [NEW]: file })

  it('defaults without a file', () => {
    expect(resolve({}, {})).toEqual({
      ok: true,
      value: { unknown: 'bypass', client: 'claude-code', shadow: false, orgDomain: 'default.org', dataDir: '/h/.permit0/data', hitlTimeoutSecs: 300, notes: [] },
    })
  })

  const FILE =
    'org_domain: file.org\nprofile: fintech\npacks_dir: file-packs\ndata_dir: /file-data\nport: 9999\n' +
    'hook:\n  remote: http://file:1\n  unknown: ask\n  client: raw\n  shadow: true\n  hitl_routing: ui_wait\n  hitl_timeout_secs: 120\n'

  it('flag > env > file for every key of the hook: section and the shared keys; file only for hitl_*', () => {
    const fromFile = resolve({}, {}, FILE)
    expect(fromFile.ok && fromFile.value).toEqual({
      remote: 'http://file:1', unknown: 'ask', client: 'raw', shadow: true, orgDomain: 'file.org', profile: 'fintech', packsDir: 'file-packs',
      dataDir: '/file-data', hitlRouting: 'ui-wait', hitlTimeoutSecs: 120, configPath: NEW, notes: [],
    })
    const env = {
      PERMIT0_REMOTE: 'http://env:2', PERMIT0_UNKNOWN: 'deny', PERMIT0_CLIENT: 'openclaw', PERMIT0_SHADOW: '0',
      PERMIT0_ORG_DOMAIN: 'env.org', PERMIT0_PROFILE: 'env-profile', PERMIT0_PACKS_DIR: '/env-packs', PERMIT0_DATA_DIR: 'env-data',
    }
    const fromEnv = resolve({}, env, FILE)
    expect(fromEnv.ok && fromEnv.value).toMatchObject({
      remote: 'http://env:2', unknown: 'deny', client: 'openclaw', shadow: false, orgDomain: 'env.org', profile: 'env-profile', packsDir: '/env-packs', dataDir: '/cwd/env-data',
    })
    const flags = { remote: 'http://flag:3', unknown: 'allow', client: 'claude_desktop', shadow: true, orgDomain: 'flag.org', profile: 'flag-p', packsDir: '/flag-packs', dataDir: '/flag-data' }
    const fromFlags = resolve(flags, env, FILE)
    expect(fromFlags.ok && fromFlags.value).toMatchObject({
      remote: 'http://flag:3', unknown: 'allow', client: 'claude-desktop', shadow: true, orgDomain: 'flag.org', profile: 'flag-p', packsDir: '/flag-packs', dataDir: '/flag-data',
    })
    const emptyEnv = resolve({}, { PERMIT0_REMOTE: '', PERMIT0_UNKNOWN: '', PERMIT0_ORG_DOMAIN: '', PERMIT0_PROFILE: '', PERMIT0_DATA_DIR: '' }, FILE)
    expect(emptyEnv.ok && emptyEnv.value).toMatchObject({ remote: 'http://file:1', unknown: 'ask', orgDomain: 'file.org', profile: 'fintech', dataDir: '/file-data' })
  })

  it('--config and PERMIT0_CONFIG_FILE name the file (flag first); kebab-case keys are the same keys', () => {
    const files = { '/cwd/a.yaml': 'org-domain: a.org\n', '/b.yaml': 'org_domain: b.org\nhook:\n  hitl-timeout-secs: 7\n', [NEW]: 'org_domain: home.org\n' }
    const a = resolveWith({ config: 'a.yaml' }, { PERMIT0_CONFIG_FILE: '/b.yaml' }, files)
    expect(a.ok && a.value).toMatchObject({ orgDomain: 'a.org', configPath: '/cwd/a.yaml' })
    const b = resolveWith({}, { PERMIT0_CONFIG_FILE: '/b.yaml' }, files)
    expect(b.ok && b.value).toMatchObject({ orgDomain: 'b.org', hitlTimeoutSecs: 7, configPath: '/b.yaml' })
    const home = resolveWith({}, { PERMIT0_CONFIG_FILE: '' }, files)
    expect(home.ok && home.value).toMatchObject({ orgDomain: 'home.org' })
  })

  it('without a hook: section the deprecated config.yaml (or PERMIT0_CONFIG) is read, with a note', () => {
    const legacy = resolveWith({}, {}, { [NEW]: 'profile: p\n', [OLD]: 'unknown: deny\norg_domain: old.org\nhitl_timeout_secs: 9\n' })
    expect(legacy.ok && legacy.value).toMatchObject({ unknown: 'deny', orgDomain: 'old.org', profile: 'p', hitlTimeoutSecs: 9, configPath: OLD })
    expect(legacy.ok && legacy.value.notes).toEqual([
      `permit0 hook: deprecated: ${OLD} is read because ${NEW} has no \`hook:\` section; move its settings there`,
    ])
    // permit0.yaml's top-level org_domain wins over the old file's.
    const both = resolveWith({}, {}, { [NEW]: 'org_domain: new.org\n', [OLD]: 'org_domain: old.org\n' })
    expect(both.ok && both.value.orgDomain).toBe('new.org')
    const named = resolveWith({}, { PERMIT0_CONFIG: '/old.yaml' }, { '/old.yaml': 'client: raw\n' })
    expect(named.ok && named.value).toMatchObject({ client: 'raw', configPath: '/old.yaml' })
    expect(named.ok && named.value.notes[0]).toContain('/old.yaml (PERMIT0_CONFIG)')
    // A hook: section (even empty) means the old file is not read.
    const section = resolveWith({}, {}, { [NEW]: 'hook:\n', [OLD]: 'unknown: deny\n' })
    expect(section.ok && section.value).toMatchObject({ unknown: 'bypass', notes: [] })
    // An old-format file named by --config (the hook's keys at the top level) still works, with a note.
    const topLevel = resolveWith({ config: '/x.yaml' }, {}, { '/x.yaml': 'unknown: ask\norg_domain: x.org\nprofile: p\n' })
    expect(topLevel.ok && topLevel.value).toMatchObject({ unknown: 'ask', orgDomain: 'x.org', profile: 'p' })
    expect(topLevel.ok && topLevel.value.notes[0]).toContain('at the top level; move them under `hook:`')
  })

  it.each([
    ['hook:\n  unknown: defer\n', 'unknown policy'],
    ['hook:\n  bogus: 1\n', 'bogus'],
    ['hook:\n  hitl_timeout_secs: -1\n', 'hook.hitl_timeout_secs'],
    ['hook:\n  shadow: maybe\n', 'hook.shadow'],
    ['hook: [1]\n', 'hook'],
    ['org_domain: 42\n', 'org_domain'],
    ['hook:\n  remote: [\n', 'invalid YAML'],
    ['hook:\n  client: vscode\n', "client 'vscode'"],
    ['- a\n', 'expected a mapping'],
  ])('rejects a bad permit0.yaml %j, naming the file', (file, message) => {
    const r = resolve({}, {}, file)
    expect(r.ok).toBe(false)
    expect(!r.ok && r.message).toContain(`config file ${NEW}`)
    expect(!r.ok && r.message).toContain(message)
  })

  it('rejects a bad deprecated file, naming it', () => {
    const r = resolveWith({}, {}, { [OLD]: 'bogus: 1\n' })
    expect(!r.ok && r.message).toBe(`config file ${OLD}: bogus: Unrecognized key: "bogus"`.replace('bogus: Unrecognized', '(root): Unrecognized'))
  })

  it('an explicitly named missing file is an error; an empty file is all defaults', () => {
    for (const [flags, env] of [[{ config: '/nope.yaml' }, {}], [{}, { PERMIT0_CONFIG_FILE: '/nope.yaml' }], [{}, { PERMIT0_CONFIG: '/nope.yaml' }]] as const) {
      const missing = resolveHookConfig({ flags, env, homeDir: '/h', readFile: () => undefined, parseYaml })
      expect(missing).toEqual({ ok: false, message: 'config file /nope.yaml does not exist' })
    }
    expect(resolve({}, {}, '').ok).toBe(true)
  })
})

describe('stdin contract', () => {
  it.each([
    ['not json', 'not valid JSON'],
    [{ tool_input: {} }, 'tool_name: required'],
    [{ tool_name: 'Bash' }, 'tool_input: required'],
    [{ tool_name: '', tool_input: {} }, 'tool_name'],
  ])('invalid input %j → exit 2, reason on stderr, nothing on stdout', async (stdin, message) => {
    const r = await hook({ remote: 'http://127.0.0.1:1' }, stdin)
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain(message)
  })

  it('a broken config file → exit 2', async () => {
    const path = join(home, 'bad.yaml')
    writeFileSync(path, 'unknown: maybe\n')
    const r = await hook({ config: path }, BASH_EVENT)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('unknown policy')
  })

  it('a broken hook: section in permit0.yaml → exit 2 naming the file and key, nothing on stdout', async () => {
    const h = mkdtempSync(join(tmpdir(), 'permit0-hook-cfg-'))
    try {
      mkdirSync(join(h, '.permit0'))
      writeFileSync(join(h, '.permit0', 'permit0.yaml'), 'org_domain: acme.com\nhook:\n  unknwn: ask\n')
      const r = await hook({}, BASH_EVENT, { homeDir: h })
      expect(r.code).toBe(2)
      expect(r.stdout).toBe('')
      expect(r.stderr).toBe(`permit0 hook: config file ${join(h, '.permit0', 'permit0.yaml')}: hook: Unrecognized key: "unknwn"\n`)
    } finally {
      rmSync(h, { recursive: true, force: true })
    }
  })

  it('the deprecated ~/.permit0/config.yaml still applies: a one-line note on stderr, stdout stays the one JSON line', async () => {
    const h = mkdtempSync(join(tmpdir(), 'permit0-hook-cfg-'))
    try {
      mkdirSync(join(h, '.permit0'))
      writeFileSync(join(h, '.permit0', 'config.yaml'), 'org_domain: legacy.org\n')
      let seen: LoadHookEngineOptions | undefined
      const r = await hook({}, BASH_EVENT, {
        homeDir: h,
        env: { PERMIT0_PROFILE: 'fintech' },
        loadEngine: async (o) => {
          seen = o
          throw new Error('no engine in this test')
        },
      })
      expect(r.code).toBe(0)
      expect(seen).toMatchObject({ orgDomain: 'legacy.org', profile: 'fintech', cacheDir: join(h, '.permit0', 'data', 'cache') })
      expect(r.stderr.split('\n').filter((l) => l.includes('deprecated'))).toEqual([
        `permit0 hook: deprecated: ${join(h, '.permit0', 'config.yaml')} is read because ${join(h, '.permit0', 'permit0.yaml')} has no \`hook:\` section; move its settings there`,
      ])
      expect(r.stdout.trim().split('\n')).toHaveLength(1)
      expect(r.envelope).toMatchObject({ hookSpecificOutput: { permissionDecision: 'deny' } })
    } finally {
      rmSync(h, { recursive: true, force: true })
    }
  })

  it('permit0.yaml with a hook: section: the shared keys and the section reach the local engine; no note', async () => {
    const h = mkdtempSync(join(tmpdir(), 'permit0-hook-cfg-'))
    try {
      mkdirSync(join(h, '.permit0'))
      writeFileSync(join(h, '.permit0', 'permit0.yaml'), `org_domain: acme.com\nprofile: fintech\npacks_dir: ${PACKS_DIR}\ndata_dir: ${join(h, 'd')}\nhook:\n  unknown: deny\n`)
      writeFileSync(join(h, '.permit0', 'config.yaml'), 'org_domain: legacy.org\n')
      let seen: LoadHookEngineOptions | undefined
      const r = await hook({}, BASH_EVENT, {
        homeDir: h,
        env: { PERMIT0_ORG_DOMAIN: 'env.com' },
        loadEngine: async (o) => {
          seen = o
          throw new Error('no engine in this test')
        },
      })
      expect(r.code).toBe(0)
      expect(seen).toMatchObject({ orgDomain: 'env.com', profile: 'fintech', packsDir: PACKS_DIR, cacheDir: join(h, 'd', 'cache') })
      expect(r.stderr).not.toContain('deprecated')
    } finally {
      rmSync(h, { recursive: true, force: true })
    }
  })
})

describe('remote mode against a loopback daemon', () => {
  let reply: (req: IncomingMessage, body: Record<string, unknown>, res: ServerResponse) => void
  const seen: { url: string; body: Record<string, unknown> }[] = []
  let url: string
  let server: ReturnType<typeof createServer>
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>
        seen.push({ url: req.url ?? '', body })
        reply(req, body, res)
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((r) => server.close(() => r())))
  afterEach(() => {
    seen.length = 0
  })
  const answer = (status: number, body: unknown) => (_req: IncomingMessage, _b: unknown, res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }
  const verdict = (permission: string, extra: object = {}) => ({
    permission, source: 'Scorer', decision_source: 'Scorer', action_type: 'process.run', channel: 'bash', norm_hash: HASH, ...extra,
  })

  it('allow → allow envelope; sends cwd/session_id as metadata and a bounded wait (no routing unless configured)', async () => {
    reply = answer(200, verdict('allow', { score: 5, tier: 'MINIMAL', blocked: false }))
    const r = await hook({ remote: `${url}/` }, BASH_EVENT)
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow"}}\n')
    expect(seen[0]!.url).toBe('/api/v1/check')
    expect(seen[0]!.body).toEqual({
      tool_name: 'Bash',
      parameters: { command: 'npm test' },
      metadata: {
        session_id: 'sess-42', cwd: '/home/dev/project', permission_mode: 'default', tool_use_id: 'toolu_1',
        tool_origin: 'builtin', tool_name: 'Bash',
      },
      client_kind: 'claude-code',
      org_domain: 'default.org',
      hitl_timeout_secs: 300,
      client_deadline_secs: 600, // the host's hook timeout (nothing spent yet): the daemon answers ≥5 s before
    })
  })

  it('a call a reviewer decided names the approval, the dashboard link and the reviewer (systemMessage)', async () => {
    const id = '01J9ZZZZZZZZZZZZZZZZZZZZZ0'
    reply = answer(200, verdict('deny', {
      source: 'HumanReviewer', decision_source: 'HumanReviewer', approval_id: id, reviewer: 'alice', reason: 'not today',
      explanation: 'Runs `npm test`', why: 'alice denied it: "not today"',
    }))
    const r = await hook({ remote: url }, BASH_EVENT)
    expect(r.envelope).toEqual({
      systemMessage: `permit0: approval ${id} (${url}/ui/#/approvals/${id}) — deny by alice: not today`,
      hookSpecificOutput: {
        hookEventName: 'PreToolUse',
        permissionDecision: 'deny',
        permissionDecisionReason: 'permit0 denied this call: Runs `npm test`. alice denied it: "not today".',
      },
    })
  })

  it('a call parked past what the host can wait (202) asks, naming the approval and its link', async () => {
    const id = '01J9ZZZZZZZZZZZZZZZZZZZZZ1'
    reply = answer(202, {
      status: 'pending', approval_id: id, wait_url: `/api/v1/approvals/${id}/wait`, expires_at: '2030-01-01T00:00:00.000Z',
      engine: verdict('human'),
    })
    const r = await hook({ remote: url }, BASH_EVENT)
    expect(r.envelope).toMatchObject({
      systemMessage: `permit0: approval ${id} is waiting for a reviewer: ${url}/ui/#/approvals/${id}`,
      hookSpecificOutput: { permissionDecision: 'ask' },
    })
  })

  it('sends hitl_routing only when the config file sets it', async () => {
    reply = answer(200, verdict('allow'))
    await hook({ remote: url }, BASH_EVENT, { readFile: (path) => (path.endsWith('permit0.yaml') ? 'hook:\n  hitl_routing: cc_prompt\n' : readFile(path)) })
    expect(seen[0]!.body.hitl_routing).toBe('cc-prompt')
  })

  it('keeps the daemon wait below the hook timeout', async () => {
    reply = answer(200, verdict('allow'))
    await hook({ remote: url, timeout: 100 }, BASH_EVENT)
    expect(seen[0]!.body.hitl_timeout_secs).toBe(80)
  })

  it('deny → deny with the block reason the model reads', async () => {
    reply = answer(200, verdict('deny', { score: 95, tier: 'CRITICAL', blocked: true, block_reason: 'rm -rf of the home directory' }))
    const r = await hook({ remote: url }, BASH_EVENT)
    expect(r.envelope).toEqual({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: 'permit0 denied this call: rm -rf of the home directory' } })
  })

  it.each(['human', 'humanintheloop'])('%s → ask with a formatted reason', async (permission) => {
    reply = answer(200, verdict(permission, { score: 65, tier: 'HIGH', blocked: false }))
    const r = await hook({ remote: url }, BASH_EVENT)
    expect(r.envelope).toEqual({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'ask', permissionDecisionReason: 'permit0: process.run (Scorer) — risk 65/100 HIGH' } })
  })

  it('unclassified call with HITL verdict → no-opinion envelope under unknown: bypass (default), ask/deny otherwise', async () => {
    reply = answer(200, verdict('human', { source: 'UnknownFallback', decision_source: 'UnknownFallback', action_type: 'unknown.unclassified', channel: 'unknown' }))
    expect((await hook({ remote: url }, BASH_EVENT)).stdout).toBe('{"hookSpecificOutput":{"hookEventName":"PreToolUse"}}\n')
    expect((await hook({ remote: url, unknown: 'ask' }, BASH_EVENT)).envelope).toMatchObject({ hookSpecificOutput: { permissionDecision: 'ask' } })
    expect((await hook({ remote: url, unknown: 'deny' }, BASH_EVENT)).envelope).toMatchObject({ hookSpecificOutput: { permissionDecision: 'deny' } })
  })

  it('daemon error (HTTP 5xx / 408 / contract break) → deny naming the status', async () => {
    reply = answer(500, { error: { code: 'INTERNAL_ERROR', message: 'internal server error', requestId: 'r' } })
    expect((await hook({ remote: url }, BASH_EVENT)).envelope).toEqual({
      hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: 'permit0 daemon error (HTTP 500): internal server error' },
    })
    reply = answer(408, { error: { code: 'APPROVAL_TIMEOUT', message: 'approval timed out after 300s', requestId: 'r' } })
    expect((await hook({ remote: url, unknown: 'allow' }, BASH_EVENT)).envelope).toMatchObject({ hookSpecificOutput: { permissionDecision: 'deny', permissionDecisionReason: 'permit0 daemon error (HTTP 408): approval timed out after 300s' } })
    reply = answer(200, { permission: 'allow' })
    expect((await hook({ remote: url }, BASH_EVENT)).envelope).toMatchObject({ hookSpecificOutput: { permissionDecision: 'deny' } })
  })

  it('a human decision resuming the call says who decided and how long it is remembered', async () => {
    const human = { source: 'HumanReviewer', decision_source: 'HumanReviewer', reviewer: 'ann' }
    reply = answer(200, verdict('allow', { ...human, remember: { scope: 'call', expires_at: '2026-05-24T11:00:00.000Z' } }))
    expect((await hook({ remote: url }, BASH_EVENT)).envelope).toEqual({
      hookSpecificOutput: {
        hookEventName: 'PreToolUse',
        permissionDecision: 'allow',
        permissionDecisionReason: 'permit0: approved by ann. Remembered for this exact call until 2026-05-24T11:00:00.000Z.',
      },
    })
    reply = answer(200, verdict('deny', { ...human, reason: 'not today', remember: { scope: 'session', expires_at: '2026-05-24T11:00:00.000Z' } }))
    expect((await hook({ remote: url }, BASH_EVENT)).envelope).toMatchObject({
      hookSpecificOutput: {
        permissionDecision: 'deny',
        permissionDecisionReason: 'permit0 denied this call: not today (denied by ann. Remembered for this exact call in this session until 2026-05-24T11:00:00.000Z.)',
      },
    })
    reply = answer(200, verdict('allow', { ...human, remember: { scope: 'once', expires_at: null } }))
    expect((await hook({ remote: url }, BASH_EVENT)).stdout).toContain('Decided for this call only (not remembered)')
  })

  it('no answer before the deadline → deny, never silence', async () => {
    reply = () => undefined // hangs
    const r = await hook({ remote: url }, BASH_EVENT, { deadlineSlackMs: 200, readFile: (p) => (p.endsWith('permit0.yaml') ? 'hook:\n  hitl_timeout_secs: 0\n' : undefined) })
    expect(r.code).toBe(0)
    expect(r.envelope).toMatchObject({ hookSpecificOutput: { permissionDecision: 'deny' } })
    expect(r.stdout).toContain('no answer from the daemon')
  })

  it('shadow mode logs the would-be decision and allows', async () => {
    reply = answer(200, verdict('deny', { block_reason: 'nope' }))
    const r = await hook({ remote: url, shadow: true }, BASH_EVENT)
    expect(r.envelope).toEqual({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'allow' } })
    expect(r.stderr).toBe('[permit0 shadow] WOULD DENY (remote): permit0 denied this call: nope\n')
  })

  it('unreachable daemon → ask, even under unknown: bypass', async () => {
    const r = await hook({ remote: 'http://127.0.0.1:1' }, BASH_EVENT, { env: { PERMIT0_UNKNOWN: 'bypass' } })
    expect(r.envelope).toMatchObject({ hookSpecificOutput: { permissionDecision: 'ask' } })
    expect(r.stdout).toContain('permit0 remote unavailable')
  })
})

describe('local mode (engine in-process, the repo packs)', () => {
  const local = (stdin: unknown, options: HookOptions = {}, dataDir = join(home, 'data')) =>
    hook({ packsDir: PACKS_DIR, orgDomain: 'acme.com', dataDir, ...options }, stdin, { loadEngine: (o) => loadHookEngine(o) })
  const send = (to: string, body = 'at noon?', session_id = 'local-1') => ({
    session_id, cwd: '/repo', tool_name: 'gmail_send', tool_input: { to, subject: 'lunch', body },
  })

  it('allow, ask (formatted) and deny envelopes from the real engine', async () => {
    expect((await local(send('ann@acme.com'))).stdout).toBe('{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow"}}\n')
    expect((await local(send('bob@partner.com', 'at noon?', 'other'))).envelope).toEqual({
      hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'ask', permissionDecisionReason: 'permit0: Sends an email to bob@partner.com (outside acme.com), subject "lunch". risk 43/100 MEDIUM (OUTBOUND, MUTATION, EXPOSURE, GOVERNANCE, PRIVILEGE).' },
    })
    const deny = await local(send('eve@evil.com', 'the secret password list', 'third'))
    expect(deny.envelope).toMatchObject({ hookSpecificOutput: { permissionDecision: 'deny' } })
    expect((deny.envelope as { hookSpecificOutput: { permissionDecisionReason: string } }).hookSpecificOutput.permissionDecisionReason.length).toBeGreaterThan(10)
  })

  it('strips the claude-code MCP prefix before normalizing', async () => {
    const r = await local({ ...send('ann@acme.com'), tool_name: 'mcp__gmail__gmail_send' })
    expect(r.envelope).toEqual({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'allow' } })
  })

  it('unclassified MCP tools: no opinion by default, ask with --unknown ask', async () => {
    const unknown = { tool_name: 'mcp__acme__some_new_tool', tool_input: { x: 1 } }
    expect((await local(unknown)).stdout).toBe('{"hookSpecificOutput":{"hookEventName":"PreToolUse"}}\n')
    expect((await local(unknown, { unknown: 'ask' })).envelope).toMatchObject({ hookSpecificOutput: { permissionDecision: 'ask' } })
  })

  it('a Claude Code built-in the claude-code pack does not know is asked, never "no opinion"', async () => {
    const r = await local({ tool_name: 'SomeNewTool', tool_input: { x: 1 } })
    expect(r.envelope).toMatchObject({ hookSpecificOutput: { permissionDecision: 'ask' } })
    // Monitor runs a shell command: judged like Bash, so a force push to main is denied
    const monitor = await local({ tool_name: 'Monitor', tool_input: { description: 'x', timeout_ms: 1000, command: 'git push --force origin main' }, cwd: '/home/dev/project' })
    expect(monitor.envelope).toMatchObject({ hookSpecificOutput: { permissionDecision: 'deny' } })
  })

  it('session history persists across invocations so session rules fire without a daemon', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'permit0-hook-data-'))
    // same external send, fresh session → ask
    expect((await local(send('bob@partner.com', 'at noon?', 'clean'), {}, dataDir)).envelope).toMatchObject({ hookSpecificOutput: { permissionDecision: 'ask' } })
    // session S: a call exposing sensitive data, then the same external send in a later invocation
    await local(send('eve@evil.com', 'the secret password list', 'S'), {}, dataDir)
    const after = await local(send('bob@partner.com', 'at noon?', 'S'), {}, dataDir)
    expect(after.envelope).toEqual({
      hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: 'permit0 denied this call: Sends an email to bob@partner.com (outside acme.com), subject "lunch". Sensitive data read followed by external send in same session.' },
    })
    // without session history the same sequence does not deny
    await local(send('eve@evil.com', 'the secret password list', 'T'), { session: false }, dataDir)
    expect((await local(send('bob@partner.com', 'at noon?', 'T'), { session: false }, dataDir)).envelope).toMatchObject({ hookSpecificOutput: { permissionDecision: 'ask' } })
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('shadow logs the would-be decision and allows', async () => {
    const r = await local(send('bob@partner.com', 'at noon?', 'shadow'), { shadow: true })
    expect(r.envelope).toEqual({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'allow' } })
    expect(r.stderr).toBe(`[permit0 shadow] WOULD ASK: email.send (Scorer) score=43/100  ${'permit0: Sends an email to bob@partner.com (outside acme.com), subject "lunch". risk 43/100 MEDIUM (OUTBOUND, MUTATION, EXPOSURE, GOVERNANCE, PRIVILEGE).'}\n`)
  })
})

describe('local mode failure', () => {
  it('an engine that cannot load → deny (fail closed)', async () => {
    const r = await hook({}, BASH_EVENT)
    expect(r.code).toBe(0)
    expect(r.envelope).toMatchObject({ hookSpecificOutput: { permissionDecision: 'deny' } })
    expect(r.stdout).toContain('local engine failed to load')
  })
})

describe('session file', () => {
  it('keeps records across stores and skips torn lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'permit0-session-'))
    const a = createFileSessionStore(dir)
    await a.append('S', { actionType: 'email.send', tier: 'HIGH', flags: ['OUTBOUND'], atMs: 2, parameters: { to: 'x' } })
    const path = sessionFilePath(a.dir, 'S')
    writeFileSync(path, `${readFileSync(path, 'utf8')}{"torn":\n`)
    const b = createFileSessionStore(dir)
    await b.append('S', { actionType: 'file.read', tier: 'LOW', flags: [], atMs: 4, parameters: {} })
    expect((await b.load('S', 5)).records.map((r) => r.actionType)).toEqual(['email.send', 'file.read'])
    expect((await b.load('other', 5)).records).toEqual([])
    expect(readdirSync(join(dir, 'hook-sessions'))).toHaveLength(1)
    rmSync(dir, { recursive: true, force: true })
  })
})

describe('hook install', () => {
  const reg = buildRegistration('/usr/bin/node /x/permit0.js hook', 600, '*')

  it('merges into existing settings, replacing an earlier permit0 entry and keeping others', () => {
    const existing = JSON.stringify({
      model: 'opus',
      hooks: {
        PreToolUse: [
          { matcher: 'Bash', hooks: [{ type: 'command', command: '/old/permit0 hook --remote x', timeout: 60 }] },
          { matcher: 'Write', hooks: [{ type: 'command', command: 'lint-guard' }] },
        ],
        PostToolUse: [{ matcher: '*', hooks: [{ type: 'command', command: 'log' }] }],
      },
    })
    const merged = mergeIntoSettings(existing, reg)
    expect(merged.ok).toBe(true)
    const doc = JSON.parse(merged.ok ? merged.value : '{}') as { model: string; hooks: Record<string, unknown[]> }
    expect(doc.model).toBe('opus')
    expect(doc.hooks.PostToolUse).toHaveLength(1)
    expect(doc.hooks.PreToolUse).toEqual([{ matcher: 'Write', hooks: [{ type: 'command', command: 'lint-guard' }] }, reg])
  })

  it('refuses to touch a settings file that is not JSON', () => {
    expect(mergeIntoSettings('{ nope', reg).ok).toBe(false)
  })

  const install = (options: Partial<HookInstallOptions>, claude?: string) => {
    const files = new Map<string, string>()
    const out: string[] = []
    const err: string[] = []
    const code = runHookInstall(
      { write: true, matcher: '*', timeout: 600, ...options },
      {
        stdout: (t) => out.push(t),
        stderr: (t) => err.push(t),
        homeDir: '/home/u',
        readFile: (p) => files.get(p),
        writeFile: (p, t) => files.set(p, t),
        defaultCommand: '/usr/bin/node /x/dist/bin.js',
        claudeVersion: () => claude,
      },
    )
    const text = files.get('/home/u/.claude/settings.json')
    const doc = text === undefined ? undefined : (JSON.parse(text) as { hooks: { PreToolUse: { matcher: string; hooks: unknown[] }[] } })
    return { code, entry: doc?.hooks.PreToolUse.at(-1)?.hooks[0], stderr: err.join(''), stdout: out.join('') }
  }

  it('--remote writes the http hook with onFailure block, the timeout and the token header (default $HOME)', () => {
    const r = install({ remote: 'http://127.0.0.1:9090/' }, '2.1.332 (Claude Code)')
    expect(r.code).toBe(0)
    expect(r.entry).toEqual({
      type: 'http',
      url: 'http://127.0.0.1:9090/api/v1/hooks/claude-code',
      timeout: 600,
      onFailure: 'block',
      headers: { Authorization: 'Bearer $PERMIT0_TOKEN' },
      allowedEnvVars: ['PERMIT0_TOKEN'],
    })
    expect(r.stderr).not.toContain('warning')
  })

  it('--remote --command keeps the command form: absolute node + built entry, host timeout passed, onFailure block', () => {
    const r = install({ remote: 'http://127.0.0.1:9090', command: true, timeout: 900 })
    expect(r.entry).toEqual({
      type: 'command',
      command: '/usr/bin/node /x/dist/bin.js hook --remote http://127.0.0.1:9090 --timeout 900',
      timeout: 900,
      onFailure: 'block',
    })
  })

  it('local mode writes the command form with an absolute packs dir', () => {
    const r = install({ packsDir: '/opt/packs' })
    expect(r.entry).toEqual({ type: 'command', command: '/usr/bin/node /x/dist/bin.js hook --packs-dir /opt/packs --timeout 600', timeout: 600, onFailure: 'block' })
  })

  it.each([
    ['2.1.294 (Claude Code)', true],
    ['2.0.9 (Claude Code)', true],
    ['garbage', true],
    ['2.1.295 (Claude Code)', false],
    ['3.0.0 (Claude Code)', false],
  ] as const)('claude --version %s → warns that timeouts fail open there: %s', (version, warns) => {
    const r = install({ remote: 'http://127.0.0.1:9090' }, version)
    expect(r.code).toBe(0)
    expect(r.stderr.includes('ignores onFailure')).toBe(warns)
  })

  it('replaces an earlier http or command permit0 entry on re-install', () => {
    const files = new Map<string, string>()
    const deps = { stdout: () => undefined, stderr: () => undefined, homeDir: '/h', readFile: (p: string) => files.get(p), writeFile: (p: string, t: string) => void files.set(p, t), defaultCommand: '/usr/bin/node /src/apps/cli/dist/bin.js', claudeVersion: () => undefined }
    runHookInstall({ write: true, matcher: '*', timeout: 600, remote: 'http://a:1' }, deps)
    runHookInstall({ write: true, matcher: '*', timeout: 600, remote: 'http://a:1', command: true }, deps)
    runHookInstall({ write: true, matcher: '*', timeout: 600, remote: 'http://a:1' }, deps)
    const doc = JSON.parse(files.get('/h/.claude/settings.json')!) as { hooks: { PreToolUse: unknown[] } }
    expect(doc.hooks.PreToolUse).toHaveLength(1)
  })

  it('--packs-dir with the http hook is refused (the daemon has its own packs)', () => {
    expect(install({ remote: 'http://127.0.0.1:9090', packsDir: '/p' }).code).toBe(2)
  })
})
