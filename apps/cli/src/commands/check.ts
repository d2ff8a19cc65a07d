/** `permit0 check`: decide one tool call. Exit 0 allow, 1 human, 2 deny, 3 error. */
import { readFileSync } from 'node:fs'
import { readStdin } from '../stdin.ts'
import { Command } from 'commander'
import { createMemoryPolicyStore, Permission, type Permission as PermissionT } from '@permit0/engine'
import { createDecider } from '../decision/decide.ts'
import { createMemorySessionStore } from '../decision/memory-sessions.ts'
import { buildEngine, withEngineOptions, type EngineCliOptions } from '../engine-factory.ts'
import { withUsageExitCode } from '../usage-exit-code.ts'
import { explanationLine, parseToolCall, verdictJson, verdictLine } from '../verdict-output.ts'
import type { CliContext } from '../env.ts'

export interface CheckCommandOptions extends EngineCliOptions {
  /** The call as JSON; absent → read from stdin. `@path` reads a file. */
  readonly input?: string
  readonly json?: boolean
}

export interface CheckDeps {
  readonly cwd?: string
  readonly packsDirEnv?: string
  readonly nowMs?: number
  readonly readStdin?: () => string | Promise<string>
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
}

export const CHECK_EXIT = { allow: 0, human: 1, deny: 2, error: 3 } as const

const EXIT_BY_PERMISSION: Record<PermissionT, number> = {
  [Permission.Allow]: CHECK_EXIT.allow,
  [Permission.Human]: CHECK_EXIT.human,
  [Permission.Deny]: CHECK_EXIT.deny,
}

/** Runs one check; returns the exit code. Never throws. */
export async function runCheck(options: CheckCommandOptions, deps: CheckDeps): Promise<number> {
  try {
    const text =
      options.input === undefined
        ? await (deps.readStdin ?? readStdin)()
        : options.input.startsWith('@')
          ? readFileSync(options.input.slice(1), 'utf8')
          : options.input
    const parsed = parseToolCall(text)
    if (!parsed.ok) {
      deps.stderr(`error: ${parsed.message}\n`)
      return CHECK_EXIT.error
    }
    const built = buildEngine(options, {
      ...(deps.cwd === undefined ? {} : { cwd: deps.cwd }),
      ...(deps.packsDirEnv === undefined ? {} : { packsDirEnv: deps.packsDirEnv }),
    })
    for (const w of built.warnings) deps.stderr(`${w}\n`)
    // The one decision path; one call has no earlier history (a session starts empty).
    const nowMs = deps.nowMs ?? Date.now()
    const { verdict } = await createDecider({
      engine: built.engine,
      policy: createMemoryPolicyStore({ fingerprint: built.fingerprint }),
      sessions: createMemorySessionStore(),
      now: () => nowMs,
    }).decide({ call: parsed.call })
    deps.stdout(
      options.json
        ? `${JSON.stringify(verdictJson(verdict, { trace: true }))}\n`
        : `${verdictLine(verdict)}\n${explanationLine(verdict)}\n`,
    )
    return EXIT_BY_PERMISSION[verdict.permission]
  } catch (err) {
    deps.stderr(`error: ${err instanceof Error ? err.message : String(err)}\n`)
    return CHECK_EXIT.error
  }
}

export function checkCommand(ctx: CliContext): Command {
  const cmd = withUsageExitCode(new Command('check'), CHECK_EXIT.error)
    .description('Normalize, score and decide one tool call (exit 0 allow, 1 human, 2 deny, 3 error)')
    .option('--input <json>', 'the call as JSON {tool_name, parameters, metadata?}; @file reads a file; default stdin')
    .option('--json', 'print the verdict as JSON (permission, source, action_type, channel, norm_hash, explanation, why, score, tier, blocked, block_reason, flags, trace)')
  withEngineOptions(cmd)
    .addHelpText(
      'after',
      `\nExample:\n  permit0 check --org-domain acme.com --json \\\n    --input '{"tool_name":"gmail_send","parameters":{"to":"bob@partner.example","subject":"hi","body":"x"}}'\n`,
    )
    .action(async (opts: CheckCommandOptions) => {
      process.exitCode = await runCheck(opts, {
        ...(ctx.env.PERMIT0_PACKS_DIR === undefined ? {} : { packsDirEnv: ctx.env.PERMIT0_PACKS_DIR }),
        stdout: (t) => process.stdout.write(t),
        stderr: (t) => process.stderr.write(t),
      })
    })
  return cmd
}
