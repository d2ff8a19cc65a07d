/**
 * The daemon's footprint: cold start (spawn → first 200 from `/api/v1/health`) and idle RSS of a
 * spawned `permit0 serve` on a new and on an existing data dir, and — in the same run — PGlite
 * opened as the embedded store did before (PostgreSQL defaults, initdb for a new cluster) vs as it
 * does now (`packages/store/src/pglite-options.ts`), each in its own process
 * (`packages/store/scripts/pglite-open.ts`). RSS is read after a full GC, lowest of 5 samples.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fmt, type BenchModule } from './types.ts'

const ROOT = resolve(import.meta.dirname, '..')
const STORE = join(ROOT, 'packages/store')

interface Footprint {
  readonly startMs: number
  readonly rssMb: number
}

/** RSS of a process from /proc (Linux), in MB. */
function rssOf(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m?.[1] === undefined ? Number.NaN : Number(m[1]) / 1024
}

/** One `permit0 serve` start on `dataDir`: time to healthy, then settled idle RSS; then SIGTERM. */
async function serveFootprint(dataDir: string): Promise<Footprint> {
  const t0 = performance.now()
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--import', './bench/gc-on-signal.mjs', 'apps/cli/bin/permit0.js', 'serve', '--port', '0', '--log-level', 'error', '--data-dir', dataDir],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, HOME: mkdtempSync(join(tmpdir(), 'permit0-bench-home-')) } },
  )
  const exited = new Promise<void>((done) => child.once('exit', () => done()))
  try {
    let output = ''
    const url = await new Promise<string>((resolveUrl, reject) => {
      child.stderr?.on('data', (c: Buffer) => {
        output += c.toString()
        const m = /listening on (http:\/\/\S+)/.exec(output)
        if (m?.[1] !== undefined) resolveUrl(m[1])
      })
      void exited.then(() => reject(new Error(`serve exited early:\n${output}`)))
    })
    for (;;) {
      const res = await fetch(`${url}/api/v1/health`).catch(() => undefined)
      if (res?.status === 200) break
      await new Promise((r) => setTimeout(r, 10))
    }
    const startMs = performance.now() - t0
    await new Promise((r) => setTimeout(r, 2_000))
    let rssMb = Number.POSITIVE_INFINITY
    for (let i = 0; i < 5; i++) {
      child.kill('SIGUSR2')
      await new Promise((r) => setTimeout(r, 400))
      rssMb = Math.min(rssMb, rssOf(child.pid as number))
    }
    return { startMs, rssMb }
  } finally {
    child.kill('SIGTERM')
    await exited
  }
}

/** PGlite alone, one variant, in its own process. */
function pgliteFootprint(variant: 'defaults' | 'lean', dir: string): Footprint & { openMs: number } {
  const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'scripts/pglite-open.ts', variant, dir], { cwd: STORE, encoding: 'utf8' })
  if (run.status !== 0) throw new Error(`pglite-open ${variant} failed:\n${run.stderr}`)
  const out = JSON.parse(run.stdout.trim().split('\n').at(-1) as string) as { openMs: number; readyMs: number; rssMb: number }
  return { openMs: out.openMs, startMs: out.readyMs, rssMb: out.rssMb }
}

/** A Node process with the same loader doing nothing: the floor under every RSS row. */
function nodeFloor(): number {
  const run = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', '-e', 'globalThis.gc(); setTimeout(() => { globalThis.gc(); console.log(process.memoryUsage().rss / 1048576) }, 300)'],
    { cwd: ROOT, encoding: 'utf8' },
  )
  return Number(run.stdout.trim())
}

export const bench: BenchModule = {
  id: 'daemon',
  async run() {
    const floor = nodeFloor()
    const pg: Record<string, { fresh: Footprint & { openMs: number }; again: Footprint & { openMs: number } }> = {}
    for (const variant of ['defaults', 'lean'] as const) {
      const dir = join(mkdtempSync(join(tmpdir(), 'permit0-bench-pglite-')), 'pgdata')
      pg[variant] = { fresh: pgliteFootprint(variant, dir), again: pgliteFootprint(variant, dir) }
    }
    const dataDir = mkdtempSync(join(tmpdir(), 'permit0-bench-data-'))
    const coldServe = await serveFootprint(dataDir)
    const warmServe = await serveFootprint(dataDir)
    const d = pg.defaults!
    const l = pg.lean!
    const row = (what: string, a: Footprint & { openMs: number }, b: Footprint & { openMs: number }) =>
      `| ${what} | ${fmt(a.openMs / 1000, 2)} s | ${fmt(a.startMs / 1000, 2)} s | ${fmt(a.rssMb, 0)} MB | ${fmt(b.openMs / 1000, 2)} s | ${fmt(b.startMs / 1000, 2)} s | ${fmt(b.rssMb, 0)} MB | ${fmt(a.startMs / b.startMs, 1)}× | ${fmt(a.rssMb / b.rssMb, 2)}× |`
    const met = (ok: boolean) => (ok ? 'met' : '**not met**')
    return {
      id: 'daemon',
      title: 'Daemon footprint: cold start and idle memory',
      markdown: [
        'Each start in its own process on this machine (shared with other work: read the load average below).',
        '**PGlite as the embedded store opens it**, before (PostgreSQL defaults: `shared_buffers` 128 MB, a new cluster made by initdb',
        'in a second WASM instance) vs now (`packages/store/src/pglite-options.ts`: 16 MB `shared_buffers`, 2 MB `work_mem`,',
        "512 kB `wal_buffers`; PGlite's WASM compiled for V8's baseline tier only; a new data dir gets the shipped cluster",
        'unpacked on disk first, streaming, already carrying the migrations).',
        '"open" = PGlite ready, "migrated" = permit0 migrations applied/checked; RSS after 200 queries and a full GC.',
        '',
        '| data dir | before: open | before: migrated | before: RSS | now: open | now: migrated | now: RSS | start-up ratio | RSS ratio |',
        '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
        row('new', d.fresh, l.fresh),
        row('existing', d.again, l.again),
        '',
        `**\`permit0 serve\`** (spawned through \`apps/cli/bin/permit0.js\`, \`--port 0\`, no \`--ui\`, default packs parsed from YAML (no pack cache in a new home);`,
        `start = spawn → first 200 from \`/api/v1/health\`; all WASM on V8's baseline tier; RSS idle after`,
        `2 s and a full GC, lowest of 5 samples). Floor: a Node process with the same TypeScript loader (tsx) doing nothing = ${fmt(floor, 0)} MB.`,
        '',
        '| data dir | cold start to healthy | idle RSS |',
        '|---|---:|---:|',
        `| new | ${fmt(coldServe.startMs / 1000, 2)} s | ${fmt(coldServe.rssMb, 0)} MB |`,
        `| existing | ${fmt(warmServe.startMs / 1000, 2)} s | ${fmt(warmServe.rssMb, 0)} MB |`,
        '',
        `Targets (issue 17): idle RSS ≤ 200 MB on the embedded store — ${met(Math.max(coldServe.rssMb, warmServe.rssMb) <= 200)} (${fmt(Math.max(coldServe.rssMb, warmServe.rssMb), 0)} MB);`,
        `cold start to healthy ≤ 1 s on a new data dir — ${met(coldServe.startMs <= 1_000)} (${fmt(coldServe.startMs / 1000, 2)} s).`,
      ].join('\n'),
    }
  },
}
