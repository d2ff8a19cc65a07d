/**
 * Hardening figures:
 * 1. fast-check fuzz with ≥ 10 000 generated inputs each for `POST /check`,
 *    `POST /approvals/decide` (against a real `serve --ui` on loopback) and the pack loader
 *    (mutated copies of our email pack): status mix, 5xx count (must be 0), inputs/s;
 * 2. a soak of mixed load against a spawned `serve --ui --data-dir …` (default 60 s,
 *    `PERMIT0_BENCH_SOAK_SECONDS`): policy-cache hits, scored calls, blocking parks decided by a
 *    scripted reviewer, async parks decided later; error count and server memory samples (RSS
 *    and V8 heap from its own /metrics).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { loadConfig } from '../apps/cli/src/config/load.ts'
import { readPacksDir } from '../apps/cli/src/packs/packs-dir.ts'
import { startServer } from '../apps/cli/src/server/start-server.ts'
import { checkBody, decideBody, fuzzEndpoint, fuzzPackLoader, type FuzzStats } from '../apps/cli/test/helpers/fuzz.ts'
import { registerReviewerToken, reviewerHeaders } from '../apps/cli/test/helpers/http.ts'
import { emailPacksDir } from '../apps/cli/test/helpers/in-process.ts'
import { spawnServe } from '../apps/cli/test/helpers/serve-process.ts'
import { fmt, type BenchModule } from './types.ts'

const ROOT = resolve(import.meta.dirname, '..')
const FUZZ_RUNS = Number(process.env.PERMIT0_BENCH_FUZZ_RUNS ?? 10_000)
const SOAK_S = Number(process.env.PERMIT0_BENCH_SOAK_SECONDS ?? 60)
const SEED = 42

interface FuzzRow {
  readonly target: string
  readonly runs: number
  readonly seconds: number
  readonly mix: string
}

const mixOf = (stats: FuzzStats): string =>
  Object.entries(stats.byStatus)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([status, n]) => `${status}: ${n}`)
    .join(', ')

async function fuzz(): Promise<FuzzRow[]> {
  const config = loadConfig({
    flags: { port: 0, packsDir: emailPacksDir(), logLevel: 'silent', ui: true, approvalTimeoutSecs: 5 },
    env: {},
    file: false,
    cwd: ROOT,
  })
  const server = await startServer(config, { cwd: ROOT, memoryStore: true }) // never ~/.permit0/data
  const rows: FuzzRow[] = []
  try {
    let t = performance.now()
    const check = await fuzzEndpoint(server.url, '/api/v1/check', checkBody, { numRuns: FUZZ_RUNS, seed: SEED, headers: { prefer: 'respond-async' } })
    rows.push({ target: 'POST /api/v1/check', runs: check.runs, seconds: (performance.now() - t) / 1_000, mix: mixOf(check) })

    const ids: string[] = []
    for (let i = 0; i < 50; i += 1) {
      const r = await fetch(`${server.url}/api/v1/check`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tool_name: 'gmail_send', parameters: { to: 'x@external.example', subject: 's', body: `b${i}` }, hitl_wait: false, hitl_timeout_secs: 3_600 }),
      })
      ids.push(((await r.json()) as { approval_id: string }).approval_id)
    }
    t = performance.now()
    // As the reviewer (the tokenless daemon's secret): the fuzz reaches validation, not the 401.
    registerReviewerToken(server.url, server.reviewerToken)
    const decide = await fuzzEndpoint(server.url, '/api/v1/approvals/decide', decideBody(ids), { numRuns: FUZZ_RUNS, seed: SEED })
    rows.push({ target: 'POST /api/v1/approvals/decide', runs: decide.runs, seconds: (performance.now() - t) / 1_000, mix: mixOf(decide) })
    const health = await fetch(`${server.url}/api/v1/health`)
    if (health.status !== 200) throw new Error(`server unhealthy after fuzzing: ${health.status}`)
  } finally {
    await server.close()
  }
  const t = performance.now()
  const packs = fuzzPackLoader(readPacksDir(emailPacksDir()), { numRuns: FUZZ_RUNS, seed: SEED })
  rows.push({
    target: 'pack loader (mutated email pack)',
    runs: packs.ok + packs.rejected,
    seconds: (performance.now() - t) / 1_000,
    mix: `loaded: ${packs.ok}, rejected with issues: ${packs.rejected}`,
  })
  return rows
}

interface Sample {
  readonly atS: number
  readonly rssMb: number
  readonly heapMb: number
}

async function serverMemory(url: string): Promise<{ rssMb: number; heapMb: number }> {
  const text = await fetch(`${url}/metrics`, { headers: reviewerHeaders(url) }).then((r) => r.text())
  const value = (name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN) / 1_048_576
  return { rssMb: value('permit0_process_resident_memory_bytes'), heapMb: value('permit0_nodejs_heap_size_used_bytes') }
}

interface SoakResult {
  readonly seconds: number
  readonly counts: Record<string, number>
  readonly errors: number
  readonly firstError?: string
  readonly samples: Sample[]
}

async function soak(): Promise<SoakResult> {
  const dir = mkdtempSync(join(tmpdir(), 'permit0-soak-'))
  const child = await spawnServe(['--ui', '--data-dir', dir, '--packs-dir', emailPacksDir(), '--approval-timeout', '120'])
  const url = child.url
  const counts: Record<string, number> = { cacheHit: 0, scored: 0, blockingPark: 0, asyncPark: 0, decided: 0 }
  let errors = 0
  let firstError: string | undefined
  const fail = (what: string): void => {
    errors += 1
    firstError ??= what
  }
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
    return { status: res.status, body: (await res.json()) as Record<string, unknown> }
  }
  const started = performance.now()
  const deadline = started + SOAK_S * 1_000
  const running = () => performance.now() < deadline
  let seq = 0

  const worker = async (): Promise<void> => {
    while (running()) {
      const i = seq++
      try {
        if (i % 10 < 5) {
          const r = await post('/api/v1/check', { tool_name: 'gmail_search', parameters: { query: `from:me label:l${i % 20}` } })
          if (r.status !== 200) fail(`cache call ${r.status}`)
          else counts.cacheHit = (counts.cacheHit ?? 0) + (r.body.source === 'PolicyCache' ? 1 : 0)
        } else if (i % 10 < 8) {
          const r = await post('/api/v1/check', { tool_name: 'gmail_read', parameters: { message_id: `m-${i}` } })
          if (r.status !== 200) fail(`scored call ${r.status}`)
          else counts.scored = (counts.scored ?? 0) + 1
        } else if (i % 10 === 8) {
          const r = await post('/api/v1/check', { tool_name: 'gmail_send', parameters: { to: 'bob@external.example', subject: 's', body: `soak ${i}` } })
          if (r.status !== 200 || r.body.source !== 'HumanReviewer') fail(`blocking park ${r.status} ${JSON.stringify(r.body)}`)
          else counts.blockingPark = (counts.blockingPark ?? 0) + 1
        } else {
          const r = await post('/api/v1/check', {
            tool_name: 'gmail_send',
            parameters: { to: 'carol@external.example', subject: 's', body: `async ${i}` },
            hitl_wait: false,
          })
          if (r.status !== 202) fail(`async park ${r.status}`)
          else counts.asyncPark = (counts.asyncPark ?? 0) + 1
        }
      } catch (err) {
        fail(`request failed: ${(err as Error).message}`)
      }
    }
  }

  // The scripted reviewer: decides whatever is pending, alternating allow/deny, until every
  // client has stopped (so a park submitted just before the deadline is decided too).
  let clientsDone = false
  const reviewer = async (): Promise<void> => {
    let n = 0
    while (!clientsDone) {
      try {
        const res = await fetch(`${url}/api/v1/approvals`, { headers: reviewerHeaders(url) })
        if (res.status !== 200) throw new Error(`listing approvals: HTTP ${res.status}`)
        const list = (await res.json()) as { approvals: Array<{ approval_id: string }> }
        for (const a of list.approvals) {
          const r = await post('/api/v1/approvals/decide', { approval_id: a.approval_id, permission: n++ % 2 === 0 ? 'allow' : 'deny' }, reviewerHeaders(url))
          if (r.status === 200) counts.decided = (counts.decided ?? 0) + 1
          else if (r.status !== 409) fail(`decide ${r.status}`)
        }
        if (list.approvals.length === 0) await new Promise((r) => setTimeout(r, 10))
      } catch (err) {
        fail(`reviewer: ${(err as Error).message}`)
        await new Promise((r) => setTimeout(r, 100))
      }
    }
  }

  const samples: Sample[] = []
  const sampler = async (): Promise<void> => {
    while (running()) {
      const m = await serverMemory(url)
      samples.push({ atS: (performance.now() - started) / 1_000, ...m })
      await new Promise((r) => setTimeout(r, Math.max(1_000, (SOAK_S * 1_000) / 12)))
    }
    samples.push({ atS: (performance.now() - started) / 1_000, ...(await serverMemory(url)) })
  }

  try {
    const clients = Promise.all(Array.from({ length: 8 }, worker)).then(() => {
      clientsDone = true
    })
    await Promise.all([clients, reviewer(), sampler()])
    const verify = (await fetch(`${url}/api/v1/audit/verify`, { headers: reviewerHeaders(url) }).then((r) => r.json())) as { ok: boolean; checked: number }
    if (!verify.ok) fail('audit chain does not verify after the soak')
    counts.auditEntries = verify.checked
  } finally {
    await child.stop('SIGTERM')
    rmSync(dir, { recursive: true, force: true })
  }
  return { seconds: (performance.now() - started) / 1_000, counts, errors, ...(firstError !== undefined && { firstError }), samples }
}

export const bench: BenchModule = {
  id: 'hardening',
  async run() {
    const rows = await fuzz()
    const s = await soak()
    const total = (s.counts.cacheHit ?? 0) + (s.counts.scored ?? 0) + (s.counts.blockingPark ?? 0) + (s.counts.asyncPark ?? 0)
    const half = Math.floor(s.samples.length / 2)
    const mean = (xs: Sample[], key: 'rssMb' | 'heapMb') => xs.reduce((a, x) => a + x[key], 0) / Math.max(1, xs.length)
    const peak = Math.max(...s.samples.map((m) => m.rssMb))
    const firstHalf = mean(s.samples.slice(0, half), 'rssMb')
    const secondHalf = mean(s.samples.slice(half), 'rssMb')
    const lines = [
      '## Hardening (fuzz, soak)',
      '',
      `Fuzz: fast-check, seed ${SEED}, against a real \`serve --ui\` on loopback (in-process, embedded PGlite in memory). ` +
        'Pass condition: no 5xx, no dropped connection, no stack trace in a body, server healthy afterwards; ' +
        'the pack loader returns issues or a pack set and never throws.',
      '',
      '| target | inputs | seconds | inputs/s | outcome mix (status: count) |',
      '|---|---:|---:|---:|---|',
      ...rows.map((r) => `| ${r.target} | ${r.runs} | ${fmt(r.seconds, 1)} | ${fmt(r.runs / r.seconds, 0)} | ${r.mix} |`),
      '',
      `Soak: ${fmt(s.seconds, 0)} s of mixed load (8 clients + 1 scripted reviewer) against a spawned \`serve --ui --data-dir\` ` +
        '(embedded PGlite on disk): 50 % policy-cache hits, 30 % scored calls, 10 % blocking parks, 10 % async parks (202), ' +
        'every park decided by the reviewer.',
      '',
      `| requests | cache hits | scored | blocking parks | async parks | decided | audit entries | errors |`,
      '|---:|---:|---:|---:|---:|---:|---:|---:|',
      `| ${total} | ${s.counts.cacheHit} | ${s.counts.scored} | ${s.counts.blockingPark} | ${s.counts.asyncPark} | ${s.counts.decided} | ${s.counts.auditEntries ?? '?'} | ${s.errors}${s.firstError ? ` (first: ${s.firstError})` : ''} |`,
      '',
      'Server memory during the soak (from its own `/metrics`):',
      '',
      '| t (s) | RSS (MB) | V8 heap used (MB) |',
      '|---:|---:|---:|',
      ...s.samples.map((m) => `| ${fmt(m.atS, 0)} | ${fmt(m.rssMb, 0)} | ${fmt(m.heapMb, 1)} |`),
      '',
      `Mean V8 heap, first half vs second half of the samples: ${fmt(mean(s.samples.slice(0, half), 'heapMb'), 1)} MB → ` +
        `${fmt(mean(s.samples.slice(half), 'heapMb'), 1)} MB; RSS ${fmt(mean(s.samples.slice(0, half), 'rssMb'), 0)} MB → ` +
        `${fmt(mean(s.samples.slice(half), 'rssMb'), 0)} MB. The heap is sampled without forcing a collection, so it ` +
        'saw-tooths with GC; RSS after the first-open spike (PGlite creating its files) is the flatness measure.',
      '',
      `Target (issue 17): RSS flat and ≤ 300 MB through the soak — peak ${fmt(peak, 0)} MB, second half ${fmt(secondHalf, 0)} MB vs first ` +
        `${fmt(firstHalf, 0)} MB (${fmt(secondHalf / firstHalf, 2)}×): ${peak <= 300 && secondHalf <= firstHalf * 1.2 ? 'met' : '**not met**'} ` +
        '(flat = the second half within 1.2× of the first).',
    ]
    return { id: 'hardening', markdown: lines.join('\n') }
  },
}
