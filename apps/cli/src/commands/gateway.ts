/**
 * `permit0 gateway`: JSONL in, JSONL out. One engine and one in-memory policy cache for the whole
 * stream; calls carrying `metadata.session_id` accumulate an in-memory session history.
 */
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { Command } from 'commander'
import {
  createMemoryPolicyStore,
  Tier,
  type Engine,
  type MemoryPolicyStore,
  type SessionRecord,
  type Verdict,
} from '@permit0/engine'
import { buildEngine, withEngineOptions, type EngineCliOptions } from '../engine-factory.ts'
import { parseToolCall, verdictJson } from '../verdict-output.ts'
import type { CliContext } from '../env.ts'

/** Longest accepted input line (bytes of UTF-16 text); longer lines get an error reply. */
export const GATEWAY_MAX_LINE = 1_048_576
/** Session records kept per session id (oldest dropped first). */
export const GATEWAY_SESSION_LIMIT = 1_000

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

/** The per-stream state: one engine, one cache, session histories by id. */
export function createGatewayStream(engine: Engine, store: MemoryPolicyStore, now: () => number): GatewayStream {
  const sessions = new Map<string, SessionRecord[]>()
  return {
    async handleLine(line, lineNo) {
      if (line.length > GATEWAY_MAX_LINE) {
        return JSON.stringify({ line: lineNo, error: { code: 'INPUT_TOO_LARGE', message: `line exceeds ${GATEWAY_MAX_LINE} characters` } })
      }
      const parsed = parseToolCall(line)
      if (!parsed.ok) return JSON.stringify({ line: lineNo, error: { code: 'INVALID_INPUT', message: parsed.message } })
      const sessionId = parsed.call.metadata['session_id']
      const history = typeof sessionId === 'string' && sessionId !== '' ? sessions.get(sessionId) ?? [] : undefined
      const nowMs = now()
      let verdict: Verdict
      try {
        verdict = await engine.check(parsed.call, {
          store,
          nowMs,
          ...(history === undefined ? {} : { session: { sessionId: sessionId as string, records: history } }),
        })
      } catch (err) {
        const code = typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : 'ENGINE_ERROR'
        return JSON.stringify({ line: lineNo, error: { code, message: err instanceof Error ? err.message : String(err) } })
      }
      if (history !== undefined) {
        history.push({
          actionType: verdict.action.actionType,
          tier: verdict.risk?.tier ?? Tier.Medium,
          flags: verdict.risk?.flags ?? [],
          atMs: nowMs,
          parameters: verdict.action.parameters,
        })
        if (history.length > GATEWAY_SESSION_LIMIT) history.shift()
        sessions.set(sessionId as string, history)
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
