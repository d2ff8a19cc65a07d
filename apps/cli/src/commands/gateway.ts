/**
 * `permit0 gateway`: JSONL in, JSONL out. One engine, one in-memory policy cache and one in-memory
 * session store for the whole stream; every line goes through the one decision path
 * (`decision/decide.ts`), so calls carrying `metadata.session_id` are decided with, and recorded
 * into, that session's history.
 */
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { Command } from 'commander'
import { createMemoryPolicyStore, type Engine, type MemoryPolicyStore, type SessionStore, type Verdict } from '@permit0/engine'
import { createDecider } from '../decision/decide.ts'
import { createMemorySessionStore } from '../decision/memory-sessions.ts'
import { buildEngine, withEngineOptions, type EngineCliOptions } from '../engine-factory.ts'
import { parseToolCall, verdictJson } from '../verdict-output.ts'
import type { CliContext } from '../env.ts'

/** Longest accepted input line (bytes of UTF-16 text); longer lines get an error reply. */
export const GATEWAY_MAX_LINE = 1_048_576

export interface GatewayDeps {
  readonly cwd?: string
  readonly packsDirEnv?: string
  readonly input: Readable
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  readonly now?: () => number
}

export interface GatewayStream {
  /** Decides one input line; returns the output line (without newline). */
  handleLine(line: string, lineNo: number): Promise<string>
}

/** The per-stream state: one engine, one cache, one session store. */
export function createGatewayStream(
  engine: Engine,
  store: MemoryPolicyStore,
  now: () => number,
  sessions: SessionStore = createMemorySessionStore(),
): GatewayStream {
  const decider = createDecider({ engine, policy: store, sessions, now })
  return {
    async handleLine(line, lineNo) {
      if (line.length > GATEWAY_MAX_LINE) {
        return JSON.stringify({ line: lineNo, error: { code: 'INPUT_TOO_LARGE', message: `line exceeds ${GATEWAY_MAX_LINE} characters` } })
      }
      const parsed = parseToolCall(line)
      if (!parsed.ok) return JSON.stringify({ line: lineNo, error: { code: 'INVALID_INPUT', message: parsed.message } })
      let verdict: Verdict
      try {
        ;({ verdict } = await decider.decide({ call: parsed.call }))
      } catch (err) {
        const code = typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : 'ENGINE_ERROR'
        return JSON.stringify({ line: lineNo, error: { code, message: err instanceof Error ? err.message : String(err) } })
      }
      return JSON.stringify(verdictJson(verdict))
    },
  }
}

/** Runs the stream to the end of input; returns the exit code (2 when the engine cannot be built). */
export async function runGateway(options: EngineCliOptions, deps: GatewayDeps): Promise<number> {
  let engine: Engine
  let fingerprint: string
  try {
    const built = buildEngine(options, {
      ...(deps.cwd === undefined ? {} : { cwd: deps.cwd }),
      ...(deps.packsDirEnv === undefined ? {} : { packsDirEnv: deps.packsDirEnv }),
    })
    for (const w of built.warnings) deps.stderr(`${w}\n`)
    engine = built.engine
    fingerprint = built.fingerprint
  } catch (err) {
    deps.stderr(`error: ${err instanceof Error ? err.message : String(err)}\n`)
    return 2
  }
  const stream = createGatewayStream(engine, createMemoryPolicyStore({ fingerprint }), deps.now ?? Date.now)
  const rl = createInterface({ input: deps.input, crlfDelay: Infinity })
  let lineNo = 0
  for await (const line of rl) {
    lineNo++
    if (line.trim() === '') continue
    deps.stdout(`${await stream.handleLine(line, lineNo)}\n`)
  }
  return 0
}

export function gatewayCommand(ctx: CliContext): Command {
  const cmd = new Command('gateway').description(
    'Decide a stream of tool calls: one JSON call per stdin line, one JSON verdict per stdout line',
  )
  return withEngineOptions(cmd)
    .addHelpText(
      'after',
      `\nInput lines: {"tool_name"|"tool": …, "parameters"|"input": {…}, "metadata": {"session_id": …}}\n` +
        `Output lines: {permission, source, action_type, channel, norm_hash, score?, tier?, blocked?, block_reason?, flags?}\n` +
        `or {line, error: {code, message}} for a bad line.\n\nExample:\n` +
        `  echo '{"tool":"gmail_read","input":{"message_id":"m1"}}' | permit0 gateway --org-domain acme.com\n`,
    )
    .action(async (opts: EngineCliOptions) => {
      process.exitCode = await runGateway(opts, {
        ...(ctx.env.PERMIT0_PACKS_DIR === undefined ? {} : { packsDirEnv: ctx.env.PERMIT0_PACKS_DIR }),
        input: process.stdin,
        stdout: (t) => process.stdout.write(t),
        stderr: (t) => process.stderr.write(t),
      })
    })
}
