/**
 * Bash analysis benchmark: `analyzeShell(command, cwd)` (tree-sitter-bash parse + whole-tree walk +
 * classification + line judgement) over every Bash command of the claude-code corpus, and the full
 * engine decision (normalize + decide) for the same calls with the claude-code pack. Inputs over
 * 4 KB (the bad-input cases) are measured separately: they are refused or bounded, not analysed.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { readPacksDir } from '../apps/cli/src/packs/index.ts'
import { analyzeShell } from '../packages/engine/src/helpers/shell.ts'
import { createEngine, initParsers, loadPackSet, type PolicyLookup, type RawToolCall } from '../packages/engine/src/index.ts'
import { fmt, measure, type BenchModule, type Stats } from './types.ts'

const CWD = '/home/dev/project'
const MISS: PolicyLookup = { denylisted: false, allowlisted: false }

interface Case {
  readonly command: string
  readonly permission: string
}

function corpus(root: string): Case[] {
  const dir = join(root, 'packs', 'claude-code', 'tests', 'shared')
  const out: Case[] = []
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.yaml')).sort()) {
    // The cases are flat YAML; the command is one line, JSON-quoted, single-quoted or plain.
    const text = readFileSync(join(dir, f), 'utf8')
    const raw = /^ {2}command: (.*)$/m.exec(text)?.[1]
    if (!/^tool_name: Bash$/m.test(text) || raw === undefined) continue
    const command = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw.startsWith("'") ? raw.slice(1, -1).replace(/''/g, "'") : raw
    out.push({ command, permission: /^expected_permission: (\w+)/m.exec(text)?.[1] ?? '' })
  }
  return out
}

function row(label: string, n: number, s: Stats): string {
  return `| ${label} | ${n} | ${fmt(s.perSecond, 0)} | ${fmt(s.meanUs)} | ${fmt(s.p50us)} | ${fmt(s.p99us)} |`
}

export const bench: BenchModule = {
  id: 'shell',
  async run() {
    await initParsers()
    const root = join(import.meta.dirname, '..')
    const all = corpus(root)
    const normal = all.filter((c) => c.command.length <= 4096)
    const everyday = normal.filter((c) => c.permission === 'Allow')
    const attacks = normal.filter((c) => c.permission !== 'Allow')
    const large = all.filter((c) => c.command.length > 4096)
    const opts = { warmup: 2_000, iterations: 10_000 }
    const over = (cases: readonly Case[]): Stats => measure((i) => {
      analyzeShell((cases[i % cases.length] as Case).command, CWD)
    }, opts)
    // CPU time (not wall time): this machine is shared, and wall-clock percentiles inflate with its load.
    const cpuPerCommand = (cases: readonly Case[], rounds: number): number => {
      const start = process.cpuUsage()
      for (let r = 0; r < rounds; r++) for (const c of cases) analyzeShell(c.command, CWD)
      const used = process.cpuUsage(start)
      return (used.user + used.system) / (rounds * cases.length)
    }
    const cpuAll = cpuPerCommand(normal, 10)
    const cpuEveryday = cpuPerCommand(everyday, 10)
    const sAll = over(normal)
    const sEveryday = over(everyday)
    const sAttacks = over(attacks)
    const sLarge = measure((i) => {
      analyzeShell((large[i % large.length] as Case).command, CWD)
    }, { warmup: 3, iterations: 30 })
    const loaded = loadPackSet(readPacksDir(join(root, 'packs')).filter((f) => f.path.startsWith('claude-code/')))
    if (!loaded.ok) throw new Error(`packs failed to load: ${loaded.issues.map((i) => i.message).join('; ')}`)
    const engine = createEngine({ packSet: loaded.packSet, fingerprint: 'bench' })
    const calls: RawToolCall[] = normal.map((c) => ({ toolName: 'Bash', parameters: { command: c.command }, metadata: { cwd: CWD } }))
    const sEngine = measure((i) => {
      const c = calls[i % calls.length] as RawToolCall
      engine.decide(engine.normalize(c), MISS, { rawParameters: c.parameters, nowMs: 0 })
    }, opts)
    const ok = sAll.p50us <= 50 ? 'met' : '**not met**'
    return {
      id: 'shell',
      markdown: [
        '## Bash analysis',
        '',
        'Every Bash command of `packs/claude-code/tests/shared` (cycled, cwd `/home/dev/project`), one thread.',
        '`analyzeShell` = tree-sitter-bash parse (WASM) + whole-tree walk + per-command classification +',
        'line judgement (deny/ask reasons, combinations). The engine row adds normalization (bash.yaml) and',
        'scoring with the claude-code pack; consecutive calls differ, so the helper memo does not hit.',
        '',
        '| path | commands | per second | mean µs | p50 µs | p99 µs |',
        '|---|---:|---:|---:|---:|---:|',
        row('`analyzeShell`, all commands ≤ 4 KB', normal.length, sAll),
        row('`analyzeShell`, everyday (expected allow)', everyday.length, sEveryday),
        row('`analyzeShell`, attacks (expected human/deny)', attacks.length, sAttacks),
        row('`analyzeShell`, bad input (70 KB, 300 nested `$(`), refused', large.length, sLarge),
        row('engine: normalize + decide (claude-code pack)', calls.length, sEngine),
        '',
        `CPU time per command (\`process.cpuUsage\`, 10 rounds of the corpus): all ${fmt(cpuAll)} µs, everyday ${fmt(cpuEveryday)} µs.`,
        '',
        `Target (issue 12): shell analysis p50 ≤ 50 µs per command — ${fmt(sAll.p50us)} µs wall-clock, ${ok}` +
          ` (CPU mean ${fmt(cpuAll)} µs; wall-clock figures include time the shared machine gave to other processes).`,
        'Ratios within this run: attack / everyday mean = ' + fmt(sAttacks.meanUs / sEveryday.meanUs) +
          ', engine / analyzeShell mean = ' + fmt(sEngine.meanUs / sAll.meanUs) + '.',
      ].join('\n'),
    }
  },
}
