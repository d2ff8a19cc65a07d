import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { main } from '../../program.ts'

const REPO_PACKS = resolve(fileURLToPath(import.meta.url), '../../../../../../packs')

let tmp: string
let out: string[]
let err: string[]

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'permit0-pack-'))
  out = []
  err = []
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true))
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true))
  process.exitCode = undefined
})
afterEach(() => {
  vi.restoreAllMocks()
  process.exitCode = undefined
  rmSync(tmp, { recursive: true, force: true })
})

async function cli(...args: string[]): Promise<number> {
  const code = await main(args)
  process.exitCode = undefined
  return code
}

function emailCopy(): string {
  const dir = join(tmp, 'email')
  cpSync(join(REPO_PACKS, 'permit0/email'), dir, { recursive: true })
  return dir
}

/** 1-based line of the first line of the repo's email pack file `rel` that contains `text` (or one past its end). */
function lineOf(rel: string, text?: string): number {
  const lines = readFileSync(join(REPO_PACKS, 'permit0/email', rel), 'utf8').split('\n')
  if (text === undefined) return lines.length + (lines.at(-1) === '' ? 0 : 1)
  return lines.findIndex((l) => l.includes(text)) + 1
}

function edit(dir: string, rel: string, f: (s: string) => string): void {
  writeFileSync(join(dir, rel), f(readFileSync(join(dir, rel), 'utf8')))
}

describe('permit0 pack validate', () => {
  it('accepts our email pack', async () => {
    expect(await cli('pack', 'validate', join(REPO_PACKS, 'permit0/email'))).toBe(0)
    expect(out.join('')).toMatch(/All \d+ files valid\./)
  })

  it.each([
    ['broken YAML', 'normalizers/gmail/send.yaml', (s: string) => s.replace('priority: 120', 'priority: [120'), /send\.yaml:\d+:\d+: error: .*YAML error/],
    ['unknown key', 'normalizers/gmail/send.yaml', (s: string) => `${s}colour: blue\n`, new RegExp(`send\\.yaml:${lineOf('normalizers/gmail/send.yaml')}:1: error: colour: unknown key 'colour'`)],
    ['bad type', 'normalizers/gmail/send.yaml', (s: string) => s.replace('priority: 120', 'priority: high'), /send\.yaml:4:\d+: error: priority: 'priority' must be a 32-bit integer/],
    ['unknown helper', 'normalizers/gmail/send.yaml', (s: string) => s.replace('compute: extract_domain', 'compute: extract_domian'), new RegExp(`send\\.yaml:${lineOf('normalizers/gmail/send.yaml', 'compute: extract_domain')}:\\d+: error: normalize\\.parameters\\.domain\\.compute: unknown helper 'extract_domian'`)],
    ['bad action type', 'normalizers/gmail/read.yaml', (s: string) => s.replace('action_type: email.read', 'action_type: mail.read'), /read\.yaml:8:\d+: error: normalize\.action_type: invalid action_type 'mail\.read': unknown domain: 'mail'/],
  ] as const)('%s → exit 2 naming file, line and path', async (_n, rel, change, expected) => {
    const dir = emailCopy()
    edit(dir, rel, change)
    expect(await cli('pack', 'validate', dir)).toBe(2)
    expect(err.join('')).toMatch(expected)
    expect(err.join('')).toMatch(/error\(s\) in \d+ files/)
  })

  it('a missing directory is exit 2', async () => {
    expect(await cli('pack', 'validate', join(tmp, 'nope'))).toBe(2)
    expect(err.join('')).toMatch(/pack directory not found/)
  })
})

describe('pack validate rejects what the engine rejects', () => {
  /** The email pack without its lockfile, so only the edited file's own errors show. */
  function unlockedEmailCopy(): string {
    const dir = emailCopy()
    rmSync(join(dir, 'pack.lock.yaml'))
    return dir
  }

  it('an invalid risk rule: validate and test exit 2 naming file:line; check refuses at load, not in createEngine', async () => {
    const dir = unlockedEmailCopy()
    edit(dir, 'risk_rules/send.yaml', (s) => s.replace('OUTBOUND: primary', 'OUTBOUND: tertiary').replace('scope: 18', 'scope: 99'))
    for (const verb of ['validate', 'test']) {
      err = []
      expect(await cli('pack', verb, dir)).toBe(2)
      expect(err.join('')).toMatch(/risk_rules\/send\.yaml:\d+:5: error: base\.flags\.OUTBOUND: invalid flag role: tertiary/)
      expect(err.join('')).toMatch(/risk_rules\/send\.yaml:\d+:5: error: base\.amplifiers\.scope: amplifier out of range: `scope` = 99/)
      expect(err.join('')).toMatch(/2 error\(s\) in \d+ files/)
    }
    err = []
    const call = JSON.stringify({ tool_name: 'gmail_send', parameters: { to: 'a@b.example', subject: 's', body: 'b' } })
    expect(await cli('check', '--packs-dir', tmp, '--input', call)).toBe(3)
    expect(err.join('')).toMatch(/packs failed to load \(2 errors\)/)
    expect(err.join('')).toMatch(/email\/risk_rules\/send\.yaml:\d+:5: error: base\.flags\.OUTBOUND/)
  })

  it.each([
    ['risk rule', 'risk_rules/send.yaml', 'sequence', '? [to, cc]\n: 1\n'],
    ['normalizer', 'normalizers/gmail/send.yaml', 'mapping', '? { a: 1 }\n: 2\n'],
  ])('a collection as a mapping key in a %s is an error at its line, with no process warning', async (_kind, rel, shape, yaml) => {
    const dir = unlockedEmailCopy()
    const line = readFileSync(join(dir, rel), 'utf8').split('\n').length
    edit(dir, rel, (s) => `${s}${yaml}`)
    const warn = vi.spyOn(process, 'emitWarning')
    expect(await cli('pack', 'validate', dir)).toBe(2)
    expect(err.join('')).toContain(`${rel}:${line}:3: error: <root>: YAML error: a ${shape} cannot be used as a mapping key`)
    expect(warn).not.toHaveBeenCalled()
  })
})

describe('permit0 pack lock', () => {
  it('writes, checks, and detects drift', async () => {
    const dir = emailCopy()
    expect(await cli('pack', 'lock', dir, '--check')).toBe(0)
    edit(dir, 'normalizers/gmail/search.yaml', (s) => `${s}# changed\n`)
    expect(await cli('pack', 'lock', dir, '--check')).toBe(1)
    expect(err.join('')).toMatch(/normalizers\/gmail\/search\.yaml: lockfile sha256=/)
    expect(await cli('pack', 'validate', dir)).toBe(2)
    expect(err.join('')).toMatch(/lockfile hash mismatch for normalizers\/gmail\/search\.yaml/)
    expect(await cli('pack', 'lock', dir)).toBe(0)
    expect(out.join('')).toMatch(/Wrote .*pack\.lock\.yaml \(\d+ files/)
    expect(await cli('pack', 'lock', dir, '--check')).toBe(0)
  })
})

describe('permit0 pack new + test', () => {
  it('scaffolds from the template; the scaffold fails validation until TODOs are filled', async () => {
    const packs = join(tmp, 'packs')
    expect(await cli('pack', 'new', 'acme/mail', '--packs-dir', packs)).toBe(0)
    const dir = join(packs, 'acme/mail')
    expect(readFileSync(join(dir, 'pack.yaml'), 'utf8')).toContain('permit0_pack: acme/mail')
    expect(readFileSync(join(dir, 'normalizers/mail/_source.yaml'), 'utf8')).toContain('tool_pattern: "mail_*"')
    expect(await cli('pack', 'new', 'acme/mail', '--packs-dir', packs)).toBe(2)
    expect(await cli('pack', 'new', 'bad', '--packs-dir', packs)).toBe(2)
    expect(await cli('pack', 'validate', dir)).toBe(2)
    expect(err.join('')).toMatch(/TODO_DOMAIN\.TODO_VERB/)

    for (const rel of ['pack.yaml', 'normalizers/mail/TODO_VERB.yaml', 'risk_rules/TODO_VERB.yaml', 'fixtures/TODO_VERB.yaml']) {
      edit(dir, rel, (s) => s.replaceAll('TODO_DOMAIN', 'task').replaceAll('TODO_VERB', 'create'))
    }
    err = []
    expect(await cli('pack', 'validate', dir)).toBe(0)
    expect(await cli('pack', 'test', dir)).toBe(0)
    expect(out.join('')).toMatch(/1 passed, 0 failed/)
    edit(dir, 'fixtures/TODO_VERB.yaml', (s) => s.replace('expected_action_type: task.create', 'expected_action_type: task.delete'))
    expect(await cli('pack', 'test', dir)).toBe(1)
    expect(err.join('')).toMatch(/action_type: expected task\.delete, got task\.create/)
  })
})

describe('permit0 normalize', () => {
  it('prints the normalized action with client stripping and org domain', async () => {
    const input = JSON.stringify({ tool_name: 'mcp__gmail__gmail_send', parameters: { to: 'alice@acme.com' } })
    expect(await cli('normalize', '--packs-dir', REPO_PACKS, '--client', 'claude-code', '--org-domain', 'acme.com', '--input', input)).toBe(0)
    const action = JSON.parse(out.join(''))
    expect(action).toMatchObject({ action_type: 'email.send', channel: 'gmail', parameters: { recipient_scope: 'self', domain: 'acme.com' } })
    expect(action.norm_hash).toMatch(/^[0-9a-f]{64}$/)
  })

  it.each([
    [['--input', '{nope'], /not valid JSON/],
    [['--input', '{"parameters":{}}'], /needs 'tool_name'/],
    [['--input', '{"tool_name":"x"}', '--client', 'cursor'], /unknown client 'cursor'/],
    [['--input', '{"tool_name":"x"}', '--packs-dir', '/nonexistent/dir'], /not a directory/],
  ])('bad input %j → exit 2', async (args, message) => {
    expect(await cli('normalize', ...args)).toBe(2)
    expect(err.join('')).toMatch(message)
  })

  it('a missing required field is exit 1 (fail closed)', async () => {
    expect(await cli('normalize', '--packs-dir', REPO_PACKS, '--input', '{"tool_name":"gmail_read","parameters":{}}')).toBe(1)
    expect(err.join('')).toMatch(/missing required field 'message_id'/)
  })
})
