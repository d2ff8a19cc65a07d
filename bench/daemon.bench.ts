/**
 * The daemon's footprint: cold start (spawn → first 200 from `/api/v1/health`) and idle RSS of a
 * spawned `permit0 serve` on a new and on an existing data dir, and — in the same run — PGlite
 * opened as the embedded store did before (PostgreSQL defaults, initdb for a new cluster) vs as it
 * does now (`packages/store/src/pglite-options.ts`), each in its own process
 * (`packages/store/scripts/pglite-open.ts`). RSS is read after a full GC, lowest of 5 samples.
 * `serve` is started `STARTS` times on new data dirs (each with its own new home: no pack cache)
 * and as often again on those dirs, alternating with a floor process (a bare `node:http` server
 * spawned the same way), and the medians are reported: a single start on this shared machine
 * varies by ±30 %.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fmt, type BenchModule } from './types.ts'

const ROOT = resolve(import.meta.dirname, '..')
const STARTS = Number(process.env.PERMIT0_BENCH_DAEMON_STARTS ?? 5)
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

/**
 * Waits for a spawned server's `listening on <url>` line on stderr, then polls `url + path` until
 * it answers 200; returns the URL. Rejects when the process exits first.
 */
async function untilHealthy(child: ChildProcess, exited: Promise<void>, path: string): Promise<string> {
  let output = ''
  const url = await new Promise<string>((resolveUrl, reject) => {
    child.stderr?.on('data', (c: Buffer) => {
      output += c.toString()
      const m = /listening on (http:\/\/\S+)/.exec(output)
      if (m?.[1] !== undefined) resolveUrl(m[1])
    })
    void exited.then(() => reject(new Error(`server exited early:\n${output}`)))
  })
  for (;;) {
    const res = await fetch(`${url}${path}`).catch(() => undefined)
    if (res?.status === 200) return url
    await new Promise((r) => setTimeout(r, 10))
  }
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
    await untilHealthy(child, exited, '/api/v1/health')
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

/** The floor under the start-up rows: a bare `node:http` server answering 200, spawned and polled the same way. */
async function floorStart(): Promise<number> {
  const t0 = performance.now()
  const child = spawn(
    process.execPath,
    ['-e', "require('node:http').createServer((q, s) => s.end('{}')).listen(0, '127.0.0.1', function () { process.stderr.write('listening on http://127.0.0.1:' + this.address().port + '\\n') })"],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  const exited = new Promise<void>((done) => child.once('exit', () => done()))
  try {
    await untilHealthy(child, exited, '/')
    return performance.now() - t0
  } finally {
    child.kill('SIGTERM')
    await exited
  }
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 === 1 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2
}
const range = (xs: readonly number[], scale: number, digits: number): string => `${fmt(Math.min(...xs) / scale, digits)}–${fmt(Math.max(...xs) / scale, digits)}`

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
    const cold: Footprint[] = []
    const warm: Footprint[] = []
    const floors: number[] = []
    for (let i = 0; i < STARTS; i++) {
      const dataDir = mkdtempSync(join(tmpdir(), 'permit0-bench-data-'))
      floors.push(await floorStart())
      cold.push(await serveFootprint(dataDir))
      warm.push(await serveFootprint(dataDir))
    }
    const coldServe = { startMs: median(cold.map((f) => f.startMs)), rssMb: median(cold.map((f) => f.rssMb)) }
    const warmServe = { startMs: median(warm.map((f) => f.startMs)), rssMb: median(warm.map((f) => f.rssMb)) }
    const floorMs = median(floors)
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
        `**\`permit0 serve\`** (spawned through \`apps/cli/bin/permit0.js\`, \`--port 0\`, no \`--ui\`, the default packs (their parsed YAML shipped with the build), a new home each time;`,
        `start = spawn → first 200 from \`/api/v1/health\`; all WASM on V8's baseline tier; RSS idle after`,
        `2 s and a full GC, lowest of 5 samples). Median of ${STARTS} starts each (range in brackets), alternating with the floor: a bare \`node:http\` server spawned and polled`,
        `the same way, ${fmt(floorMs / 1000, 2)} s to its first 200 (${range(floors, 1000, 2)} s). RSS floor: a Node process with tsx loaded doing nothing = ${fmt(floor, 0)} MB.`,
        '',
        '| data dir | cold start to healthy | vs floor | idle RSS |',
        '|---|---:|---:|---:|',
        `| new | ${fmt(coldServe.startMs / 1000, 2)} s (${range(cold.map((f) => f.startMs), 1000, 2)}) | ${fmt(coldServe.startMs / floorMs, 1)}× | ${fmt(coldServe.rssMb, 0)} MB (${range(cold.map((f) => f.rssMb), 1, 0)}) |`,
        `| existing | ${fmt(warmServe.startMs / 1000, 2)} s (${range(warm.map((f) => f.startMs), 1000, 2)}) | ${fmt(warmServe.startMs / floorMs, 1)}× | ${fmt(warmServe.rssMb, 0)} MB (${range(warm.map((f) => f.rssMb), 1, 0)}) |`,
        '',
        `Targets (issue 17): idle RSS ≤ 200 MB on the embedded store — ${met(Math.max(coldServe.rssMb, warmServe.rssMb) <= 200)} (${fmt(Math.max(coldServe.rssMb, warmServe.rssMb), 0)} MB);`,
        `cold start to healthy ≤ 1 s on a new data dir — ${met(coldServe.startMs <= 1_000)} (${fmt(coldServe.startMs / 1000, 2)} s).`,
      ].join('\n'),
    }
  },
}
