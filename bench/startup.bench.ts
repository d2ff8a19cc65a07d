/**
 * Process start-up costs a host pays on every tool call, each against its own baseline in the same
 * run (alternating runs, so machine noise hits both sides):
 * 1. `permit0 --version` vs a bare `node -e ''` (target ≤ 2×);
 * 2. the local command hook (`permit0 hook --packs-dir packs`, one Bash PreToolUse event on stdin,
 *    warm pack cache) vs a `node -e ''` hook (target ≤ 3×, aim 2×);
 * 3. the same hook with a cold cache (first call after a pack change or an upgrade: every pack's
 *    YAML parsed, the hook's code compiled without V8's code cache).
 * 4. Claude Code's http hook (`POST /api/v1/hooks/claude-code` on `serve`) p50 vs a bare Hono
 *    handler parsing the same body (target ≤ 5 ms added), sequential requests, alternating.
 * Runs the built CLI (`pnpm build` first).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { spawnBareHono, spawnListening } from './server.bench.ts'
import { fmt, type BenchModule } from './types.ts'

const ROOT = resolve(import.meta.dirname, '..')
const BIN = join(ROOT, 'apps/cli/dist/bin.js')
const RUNS = Number(process.env.PERMIT0_BENCH_STARTUP_RUNS ?? 25)
const EVENT = JSON.stringify({
  session_id: 'bench',
  hook_event_name: 'PreToolUse',
  tool_name: 'Bash',
  tool_input: { command: 'git status' },
  cwd: ROOT,
})

/** Wall time of one process run in ms; throws when it fails. */
function timed(args: readonly string[], env: NodeJS.ProcessEnv, input = ''): number {
  const t0 = process.hrtime.bigint()
  const r = spawnSync(process.execPath, args, { input, env, encoding: 'utf8' })
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`)
  return ms
}

const p50 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number

export interface StartupFigures {
  readonly node: number
  readonly version: number
  readonly hookWarm: number
  readonly hookCold: number
}

export function measureStartup(runs = RUNS): StartupFigures {
  if (!existsSync(BIN)) throw new Error(`${BIN} missing: run \`pnpm build\` first`)
  const home = mkdtempSync(join(tmpdir(), 'permit0-bench-home-'))
  const env = { ...process.env, HOME: home, PERMIT0_DATA_DIR: join(home, '.permit0') }
  const hook = [BIN, 'hook', '--packs-dir', join(ROOT, 'packs')]
  try {
    const decision = spawnSync(process.execPath, hook, { input: EVENT, env, encoding: 'utf8' })
    if (!decision.stdout.includes('"PreToolUse"')) throw new Error(`hook answered ${decision.stdout} ${decision.stderr}`)
    const node: number[] = []
    const version: number[] = []
    const warm: number[] = []
    const cold: number[] = []
    for (let i = 0; i < runs; i++) {
      node.push(timed(['-e', ''], env))
      version.push(timed([BIN, '--version'], env))
      warm.push(timed(hook, env, EVENT))
      if (i % 5 === 0) {
        rmSync(join(home, '.permit0', 'cache'), { recursive: true, force: true })
        cold.push(timed(hook, env, EVENT))
      }
    }
    return { node: p50(node), version: p50(version), hookWarm: p50(warm), hookCold: p50(cold) }
  } finally {
    rmSync(home, { recursive: true, force: true })
  }
}

const HTTP_SAMPLES = Number(process.env.PERMIT0_BENCH_HTTP_SAMPLES ?? 400)

async function timedPost(url: string, body: string): Promise<number> {
  const t0 = process.hrtime.bigint()
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
  const text = await res.text()
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${text}`)
  return ms
}

/** p50 of the http hook (a cached allow) and of the bare Hono handler, sequential, alternating. */
export async function measureHttpHook(samples = HTTP_SAMPLES): Promise<{ bare: number; hook: number }> {
  const serve = await spawnListening([BIN, 'serve', '--port', '0', '--log-level', 'error', '--packs-dir', join(ROOT, 'packs')])
  const bare = await spawnBareHono()
  try {
    const hookUrl = `${serve.url}/api/v1/hooks/claude-code`
    const first = await fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: EVENT })
    const answer = (await first.json()) as { hookSpecificOutput?: { permissionDecision?: string } }
    if (answer.hookSpecificOutput?.permissionDecision !== 'allow') throw new Error(`http hook answered ${JSON.stringify(answer)}`)
    const b: number[] = []
    const h: number[] = []
    for (let i = 0; i < samples; i++) {
      b.push(await timedPost(`${bare.url}/api/v1/check`, EVENT))
      h.push(await timedPost(hookUrl, EVENT))
    }
    return { bare: p50(b), hook: p50(h) }
  } finally {
    await serve.stop()
    await bare.stop()
  }
}

export const bench: BenchModule = {
  id: 'startup',
  async run() {
    const f = measureStartup()
    const http = await measureHttpHook()
    const row = (what: string, ms: number, target: string): string =>
      `| ${what} | ${fmt(ms, 0)} ms | ${fmt(ms / f.node, 2)}× | ${target} |`
    return {
      id: 'startup',
      title: 'Start-up: the CLI and the local command hook',
      markdown: [
        `p50 wall time of ${RUNS} alternating runs each (cold hook: ${Math.ceil(RUNS / 5)} runs), one spawned process per run. The hook runs`,
        "`dist/hook.cjs` (the hook command alone) under V8's code cache and the parsed-packs cache, both in `<data dir>/cache`.",
        '',
        '| process | p50 | vs `node -e \'\'` | target |',
        '|---|---:|---:|---|',
        `| \`node -e ''\` (baseline) | ${fmt(f.node, 0)} ms | 1.00× | |`,
        row('`permit0 --version`', f.version, '≤ 2×'),
        row('`permit0 hook` (local, warm pack cache)', f.hookWarm, '≤ 3× (aim 2×)'),
        row('`permit0 hook` (local, cold cache: every YAML parsed, code compiled)', f.hookCold, 'first call after a pack change'),
        '',
        `Claude Code's http hook, ${HTTP_SAMPLES} sequential requests each, alternating (a Bash \`git status\` PreToolUse event; an allow served from the policy cache):`,
        '',
        '| endpoint | p50 | added | target |',
        '|---|---:|---:|---|',
        `| bare Hono handler (JSON parse + reply) | ${fmt(http.bare, 2)} ms | | |`,
        `| \`POST /api/v1/hooks/claude-code\` | ${fmt(http.hook, 2)} ms | ${fmt(http.hook - http.bare, 2)} ms | ≤ 5 ms |`,
      ].join('\n'),
    }
  },
}
