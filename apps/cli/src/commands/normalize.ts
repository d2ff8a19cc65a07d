import { Command } from 'commander'
import {
  normalize,
  parseClientKind,
  stripClientPrefix,
  type JsonObject,
  type JsonValue,
  type NormAction,
} from '@permit0/engine'
import { z } from 'zod'
import { PACKS_DIR_HELP } from '../engine-factory.ts'
import { countErrors, formatIssueIn, loadPacksFromDisk, PacksDirError } from '../packs/index.ts'
import { ExitCode, processIo, type CommandIo } from './pack/io.ts'
import { readStdin } from '../stdin.ts'
import type { CliContext } from '../env.ts'

/** Accepts upstream's spellings: `tool_name`|`tool`, `parameters`|`input`. */
const InputSchema = z
  .object({
    tool_name: z.string().min(1).optional(),
    tool: z.string().min(1).optional(),
    parameters: z.unknown().optional(),
    input: z.unknown().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((v) => (v.tool_name ?? v.tool) !== undefined, { message: "needs 'tool_name' (or 'tool')" })

export interface NormalizeOptions {
  /** JSON text of the call, or `-` for stdin. */
  readonly input: string
  readonly packsDir?: string
  readonly orgDomain?: string
  readonly client?: string
  readonly lockfile?: 'lazy' | 'strict'
}

export interface NormalizeDeps {
  readonly io: CommandIo
  readonly env?: string
  readonly cwd?: string
  readonly readStdin?: () => string | Promise<string>
}

/** The wire (snake_case) form printed by `permit0 normalize`. */
export function normActionToJson(a: NormAction): JsonObject {
  return {
    action_type: a.actionType,
    domain: a.domain,
    verb: a.verb,
    channel: a.channel,
    parameters: a.parameters,
    execution: { surface_tool: a.execution.surfaceTool, surface_command: a.execution.surfaceCommand },
    norm_hash: a.normHash,
  }
}

export async function runNormalize(options: NormalizeOptions, deps: NormalizeDeps): Promise<number> {
  const { io } = deps
  const text = options.input === '-' ? await (deps.readStdin ?? readStdin)() : options.input
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    io.stderr(`error: --input is not valid JSON: ${err instanceof Error ? err.message : String(err)}`)
    return ExitCode.Usage
  }
  const parsed = InputSchema.safeParse(json)
  if (!parsed.success) {
    io.stderr(`error: --input: ${parsed.error.issues.map((i) => `${i.path.join('.') || '<root>'}: ${i.message}`).join('; ')}`)
    return ExitCode.Usage
  }
  let toolName = (parsed.data.tool_name ?? parsed.data.tool) as string
  if (options.client !== undefined) {
    const kind = parseClientKind(options.client)
    if (!kind) {
      io.stderr(`error: unknown client '${options.client}' (supported: claude-code, claude-desktop, openclaw, raw)`)
      return ExitCode.Usage
    }
    toolName = stripClientPrefix(toolName, kind)
  }
  let loaded
  try {
    loaded = loadPacksFromDisk({
      ...(options.packsDir === undefined ? {} : { flag: options.packsDir }),
      ...(deps.env === undefined ? {} : { env: deps.env }),
      ...(deps.cwd === undefined ? {} : { cwd: deps.cwd }),
      ...(options.lockfile === undefined ? {} : { lockfile: options.lockfile }),
    })
  } catch (err) {
    if (err instanceof PacksDirError) {
      io.stderr(`error: ${err.message}`)
      return ExitCode.Usage
    }
    throw err
  }
  if (!loaded.ok) {
    for (const i of loaded.issues) io.stderr(formatIssueIn(i.file === undefined ? undefined : loaded.rootOf(i.file), i))
    io.stderr(`error: ${countErrors(loaded.issues)} error(s) loading packs`)
    return ExitCode.Usage
  }
  const parameters = (parsed.data.parameters ?? parsed.data.input ?? {}) as JsonValue
  const result = normalize(
    loaded.packSet.registry,
    { toolName, parameters, metadata: (parsed.data.metadata ?? {}) as JsonObject },
    options.orgDomain === undefined ? {} : { orgDomain: options.orgDomain },
  )
  if (!result.ok) {
    io.stderr(`error: normalization failed: ${result.error.message}`)
    return ExitCode.Failure
  }
  io.stdout(JSON.stringify(normActionToJson(result.action), null, 2))
  return ExitCode.Ok
}

export function normalizeCommand(ctx: CliContext, io: CommandIo = processIo): Command {
  return new Command('normalize')
    .description('Normalize one tool call with the installed packs and print the action as JSON')
    .requiredOption('--input <json>', "the call: {tool_name, parameters, metadata?} as JSON, or '-' for stdin")
    .option('--packs-dir <dir>', PACKS_DIR_HELP)
    .option('--org-domain <domain>', 'your organisation mail domain (drives recipient_scope)')
    .option('--client <kind>', 'strip the host prefix first: claude-code | claude-desktop | openclaw | raw')
    .option('--strict-lockfile', 'require a pack.lock.yaml in every pack')
    .addHelpText(
      'after',
      `\nExample:\n  $ permit0 normalize --org-domain acme.com --input '{"tool_name":"gmail_send","parameters":{"to":"bob@ext.com"}}'\n`,
    )
    .action(async (opts: { input: string; packsDir?: string; orgDomain?: string; client?: string; strictLockfile?: boolean }) => {
      process.exitCode = await runNormalize(
        {
          input: opts.input,
          ...(opts.packsDir === undefined ? {} : { packsDir: opts.packsDir }),
          ...(opts.orgDomain === undefined ? {} : { orgDomain: opts.orgDomain }),
          ...(opts.client === undefined ? {} : { client: opts.client }),
          ...(opts.strictLockfile ? { lockfile: 'strict' as const } : {}),
        },
        { io, ...(ctx.env.PERMIT0_PACKS_DIR ? { env: ctx.env.PERMIT0_PACKS_DIR } : {}) },
      )
    })
}
