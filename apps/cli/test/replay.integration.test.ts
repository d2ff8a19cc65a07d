import { spawn } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServerHandle } from '../src/server/start-server.ts'
import { call, reviewerHeaders } from './helpers/http.ts'
import { emailPacksDir, REPO_ROOT, startTestServer } from './helpers/in-process.ts'

const BIN = resolve(REPO_ROOT, 'apps/cli/bin/permit0.js')
const ORG = 'acme.example'

/** Runs the built CLI; resolves with its exit code and both streams. */
function permit0(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.once('error', fail)
    child.once('close', (code) => done({ code, stdout, stderr }))
  })
}

/** A copy of the email pack (no lock file) with some risk rules rewritten. */
function candidatePacks(dir: string, edits: Record<string, (text: string) => string>): string {
  const root = mkdtempSync(join(dir, 'candidate-'))
  cpSync(join(emailPacksDir(), 'email'), join(root, 'email'), { recursive: true })
  rmSync(join(root, 'email/pack.lock.yaml'))
  for (const [rule, edit] of Object.entries(edits)) {
    const path = join(root, 'email/risk_rules', `${rule}.yaml`)
    writeFileSync(path, edit(readFileSync(path, 'utf8')))
  }
  return root
}

/** email.archive becomes a fixed HIGH tier (allow → human). */
const tightenArchive = (text: string) => text.replace(/base:[\s\S]*$/, 'tier: high\nbase:\n  flags:\n    MUTATION: primary\n')
/** email.delete becomes a fixed LOW tier (human → allow). */
const loosenDelete = (text: string) => text.replace('tier: high', 'tier: low')

describe('permit0 replay (real server export → built CLI)', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'permit0-replay-'))
  const exportFile = join(dir, 'audit.jsonl')
  let server: ServerHandle
  let publicKey: string
  let lines: string[]

  beforeAll(async () => {
    server = await startTestServer({ orgDomain: ORG })
    publicKey = server.store.audit.publicKey
    const calls = [
      { tool_name: 'gmail_set_forwarding', parameters: { forwarding_email: 'x@evil.example' } }, // deny
      { tool_name: 'gmail_delete', parameters: { message_id: 'm1' } }, // human
      { tool_name: 'gmail_read', parameters: { message_id: 'm1' } }, // allow
      { tool_name: 'gmail_archive', parameters: { message_id: 'm1' } }, // allow
    ]
    const answers = []
    for (const body of calls) answers.push((await call(server.url, 'POST', '/api/v1/check', body, { anonymous: true })).body.permission)
    expect(answers).toEqual(['deny', 'human', 'allow', 'allow'])
    const res = await fetch(`${server.url}/api/v1/audit/export?format=jsonl`, { headers: reviewerHeaders(server.url) })
    expect(res.status).toBe(200)
    const text = await res.text()
    writeFileSync(exportFile, text)
    lines = text.trimEnd().split('\n')
    expect(lines).toHaveLength(4)
  }, 120_000)

  afterAll(async () => {
    await server?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const replay = (packs: string, file: string, ...extra: string[]) =>
    permit0(['replay', '--packs-dir', packs, '--org-domain', ORG, '--public-key', publicKey, ...extra, file])

  it('the recorded policy itself changes nothing: exit 0', async () => {
    const r = await replay(emailPacksDir(), exportFile)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('replayed 4 of 4 entries (seq 1..4)')
    expect(r.stdout).toContain('  unchanged: 4')
    expect(r.stdout).toContain('RESULT: no call changes')
  })

  it('a stricter candidate: counts allow → human with both sides, exit 0', async () => {
    const packs = candidatePacks(dir, { archive: tightenArchive })
    const r = await replay(packs, exportFile)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('  allow → human: 1\n')
    expect(r.stdout).toMatch(/line 4, seq 4, .* gmail_archive \(email\.archive via gmail\) {2}allow → human\n/)
    expect(r.stdout).toMatch(/ {4}recorded: {2}allow {2}Scorer, MINIMAL score \d+, flags MUTATION — Archives email m1\n/)
    expect(r.stdout).toMatch(/ {4}candidate: human {2}Scorer, HIGH score \d+/)
    expect(r.stdout).toContain('RESULT: 1 call change, none becomes more permissive')
  })

  it('a looser candidate: human → allow is flagged and exits 3; --json carries the same', async () => {
    const packs = candidatePacks(dir, { archive: tightenArchive, delete: loosenDelete })
    const text = await replay(packs, exportFile)
    expect(text.code).toBe(3)
    expect(text.stdout).toContain('  human → allow: 1  (more permissive)')
    expect(text.stdout).toContain('MORE PERMISSIVE')
    expect(text.stdout).toContain('RESULT: 1 call would become more permissive (exit 3)')

    const json = await replay(packs, exportFile, '--json')
    expect(json.code).toBe(3)
    const report = JSON.parse(json.stdout) as Record<string, any>
    expect(report).toMatchObject({
      entries: 4,
      replayed: 4,
      unchanged: 2,
      changed: 2,
      more_permissive: 1,
      transitions: { 'allow→human': 1, 'human→allow': 1 },
    })
    const deleted = report.changes.find((c: any) => c.action_type === 'email.delete')
    expect(deleted).toMatchObject({
      line: 2,
      sequence: 2,
      tool_name: 'gmail_delete',
      more_permissive: true,
      recorded: { permission: 'human', source: 'Scorer', tier: 'HIGH' },
      candidate: { permission: 'allow', source: 'Scorer', tier: 'LOW' },
    })
    expect(deleted.recorded.explanation).toMatch(/^Scorer, HIGH score \d+/)
  })

  it('--limit bounds the listed calls, not the counts', async () => {
    const packs = candidatePacks(dir, { archive: tightenArchive, delete: loosenDelete })
    const r = await replay(packs, exportFile, '--limit', '1')
    expect(r.code).toBe(3)
    expect(r.stdout).toContain('first 1 of 2 changed calls:')
  })

  describe('bad exports: an error naming the line, exit 1, nothing on stdout', () => {
    const bad = async (name: string, content: string, message: RegExp, key = publicKey) => {
      const file = join(dir, name)
      writeFileSync(file, content)
      const r = await permit0(['replay', '--packs-dir', emailPacksDir(), '--public-key', key, file])
      expect(r.stdout).toBe('')
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(message)
      expect(r.stderr).toContain('nothing was replayed')
    }

    it('tampered: a changed decision fails its hash', async () => {
      const victim = JSON.parse(lines[1]!) as Record<string, unknown>
      victim.decision = 'allow'
      const tampered = [lines[0], JSON.stringify(victim), lines[2], lines[3]].join('\n')
      await bad('tampered.jsonl', `${tampered}\n`, /tampered\.jsonl:2 \(seq 2\): does not verify: entry_hash does not match its content/)
    })

    it('tampered: an entry removed breaks the chain', async () => {
      await bad('gap.jsonl', `${[lines[0], lines[2], lines[3]].join('\n')}\n`, /gap\.jsonl:2 \(seq 3\): does not verify: sequence 3 does not follow 1/)
    })

    it('signed by another key', async () => {
      await bad('audit-copy.jsonl', `${lines.join('\n')}\n`, /audit-copy\.jsonl:1 \(seq 1\): does not verify: signed by unknown key id/, 'ab'.repeat(32))
    })

    it('truncated: the last line cut short', async () => {
      const text = `${lines.join('\n')}\n`
      await bad('cut.jsonl', text.slice(0, text.length - 40), /cut\.jsonl:4: not valid JSON .*truncated or foreign file/)
    })

    it('foreign: a CSV export', async () => {
      const csv = await fetch(`${server.url}/api/v1/audit/export?format=csv`, { headers: reviewerHeaders(server.url) })
      await bad('audit.csv', await csv.text(), /audit\.csv:1: a CSV export; replay needs the JSONL export/)
    })

    it('foreign: JSON lines of another format', async () => {
      await bad('other.jsonl', '{"event":"tool_call","tool":"gmail_send"}\n', /other\.jsonl:1: not a permit0 audit entry/)
    })

    it('foreign: an entry of another version (a kind this one does not know) fails verification (every member is hashed)', async () => {
      const victim = JSON.parse(lines[0]!) as Record<string, unknown>
      victim.kind = 'policy_change'
      await bad('future.jsonl', `${JSON.stringify(victim)}\n`, /future\.jsonl:1 \(seq 1\): does not verify/)
    })

    it('empty', async () => {
      await bad('empty.jsonl', '\n', /empty\.jsonl: no audit entries/)
    })
  })

  it('usage: no --packs-dir, no key → exit 2', async () => {
    const noPacks = await permit0(['replay', '--public-key', publicKey, exportFile])
    expect(noPacks.code).toBe(2)
    expect(noPacks.stderr).toContain('--packs-dir <candidate> is required')
    const badPacks = await permit0(['replay', '--packs-dir', join(dir, 'nope'), '--public-key', publicKey, exportFile])
    expect(badPacks.code).toBe(2)
    expect(badPacks.stderr).toMatch(/^error: candidate packs:/)
    expect(badPacks.stdout).toBe('')
  })
})
