/**
 * `pnpm bench [id…]`: runs the benchmark modules (all, or the named ones) and refreshes their
 * sections in docs/benchmarks.md, plus the machine header. Not a test: numbers are recorded, not
 * asserted.
 */
import { execSync } from 'node:child_process'
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import type { BenchModule, BenchSection } from './types.ts'

/** Benchmark modules; add yours here (`bench/<id>.bench.ts` exporting a `BenchModule`). */
const MODULES: Record<string, () => Promise<Record<string, unknown>>> = {
  engine: () => import('./engine.bench.ts'),
  store: () => import('./store.bench.ts'),
  server: () => import('./server.bench.ts'),
  hardening: () => import('./hardening.bench.ts'),
  sql: () => import('./sql.bench.ts'),
  mcp: () => import('./mcp.bench.ts'),
  daemon: () => import('./daemon.bench.ts'),
  startup: () => import('./startup.bench.ts'),
  shell: () => import('./shell.bench.ts'),
}

function findBench(mod: Record<string, unknown>): BenchModule {
  const found = Object.values(mod).find(
    (v): v is BenchModule => typeof v === 'object' && v !== null && 'id' in v && typeof (v as BenchModule).run === 'function',
  )
  if (!found) throw new Error('bench module exports no BenchModule')
  return found
}

const DOC = join(import.meta.dirname, '..', 'docs', 'benchmarks.md')
const START = (id: string): string => `<!-- bench:${id}:start -->`
const END = (id: string): string => `<!-- bench:${id}:end -->`

function machine(): string {
  let nproc = String(cpus().length)
  try {
    nproc = execSync('nproc', { encoding: 'utf8' }).trim()
  } catch {
    /* keep os.cpus() */
  }
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU'
  const load = loadavg().map((l) => l.toFixed(1)).join(' ')
  return `nproc ${nproc}, ${model}, Node ${process.version}, load average ${load} at start`
}

/** Replaces (or appends) the marked section `id` in `doc`. */
export function upsertSection(doc: string, id: string, body: string): string {
  const block = `${START(id)}\n${body.trim()}\n${END(id)}`
  const s = doc.indexOf(START(id))
  const e = doc.indexOf(END(id))
  if (s >= 0 && e > s) return doc.slice(0, s) + block + doc.slice(e + END(id).length)
  return `${doc.trimEnd()}\n\n${block}\n`
}

/** Re-reads docs/benchmarks.md, replaces one section, and renames a temp file over it. */
function mergeSection(id: string, body: string): void {
  const current = existsSync(DOC)
    ? readFileSync(DOC, 'utf8')
    : '# Benchmarks\n\nRefreshed by `pnpm bench` (see `bench/run.ts`). Figures, not tests.\n'
  const tmp = `${DOC}.${process.pid}.tmp`
  writeFileSync(tmp, upsertSection(current, id, body))
  renameSync(tmp, DOC)
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2)
  const ids = wanted.length > 0 ? wanted : Object.keys(MODULES)
  const unknown = ids.filter((id) => !(id in MODULES))
  if (unknown.length > 0) {
    process.stderr.write(`unknown bench module(s): ${unknown.join(', ')} (known: ${Object.keys(MODULES).join(', ')})\n`)
    process.exitCode = 2
    return
  }
  const date = new Date().toISOString().slice(0, 10)
  for (const id of ids) {
    process.stderr.write(`bench ${id}…\n`)
    const bench = findBench(await (MODULES[id] as () => Promise<Record<string, unknown>>)())
    const section: BenchSection = await bench.run()
    const heading = section.title === undefined ? '' : `## ${section.title}\n\n`
    const body = `${heading}${section.markdown.trim()}\n\n_Measured ${date} on ${machine()}._`
    process.stdout.write(`${body}\n\n`)
    // Merged into the file as it is now (another `pnpm bench` may have written its sections while
    // this one ran), and written atomically, so concurrent runs never drop each other's sections.
    mergeSection(section.id, body)
  }
  process.stderr.write(`updated ${DOC}\n`)
}

await main()
