/** A benchmark module: `bench/<name>.bench.ts` exporting `bench: BenchModule`. */
export interface BenchSection {
  /** Stable id of the section in docs/benchmarks.md (e.g. `engine`). */
  readonly id: string
  /** Heading for the section; when absent the markdown carries its own `## Title`. */
  readonly title?: string
  /** Markdown body (tables and notes). */
  readonly markdown: string
}

export interface BenchModule {
  readonly id: string
  run(): Promise<BenchSection>
}

export interface Stats {
  readonly perSecond: number
  readonly p50us: number
  readonly p99us: number
  readonly meanUs: number
}

/**
 * Measures `fn` (one decision per call): throughput from a tight loop, p50/p99 from individually
 * timed calls. `fn(i)` receives the iteration index.
 */
export function measure(fn: (i: number) => void, options: { warmup?: number; iterations?: number } = {}): Stats {
  const warmup = options.warmup ?? 20_000
  const iterations = options.iterations ?? 200_000
  for (let i = 0; i < warmup; i++) fn(i)
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < iterations; i++) fn(i)
  const totalNs = Number(process.hrtime.bigint() - t0)
  const samples = new Float64Array(Math.min(iterations, 100_000))
  for (let i = 0; i < samples.length; i++) {
    const s = process.hrtime.bigint()
    fn(i)
    samples[i] = Number(process.hrtime.bigint() - s)
  }
  samples.sort()
  const pct = (p: number): number => (samples[Math.min(samples.length - 1, Math.floor(p * samples.length))] as number) / 1000
  return {
    perSecond: (iterations / totalNs) * 1e9,
    p50us: pct(0.5),
    p99us: pct(0.99),
    meanUs: totalNs / iterations / 1000,
  }
}

export function fmt(n: number, digits = 2): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
}
