import { Command, CommanderError, type OutputConfiguration } from 'commander'
import { readCliEnv, type CliContext, type CliEnv } from './env.ts'
import { applyExitOverride } from './usage-exit-code.ts'
import { CLI_VERSION } from './version.ts'

type CommandFactory = (ctx: CliContext) => Command

/**
 * Every `permit0` command: its name and a loader for the module that builds it. Commands load
 * lazily (one dynamic import per command), so `permit0 hook` never loads the server, the store or
 * the dashboard, and `--version` loads nothing. `parsers: false` marks commands that never build
 * an engine (or, like `hook`, load the WASM parsers themselves only when they do).
 * Adding a command: one line here, `commands/<verb>.ts` exporting `<verb>Command(ctx)`.
 */
const COMMANDS: Readonly<Record<string, { load: () => Promise<CommandFactory>; parsers?: false }>> = {
  hook: { load: async () => (await import('./commands/hook.ts')).hookCommand, parsers: false },
  pack: { load: async () => (await import('./commands/pack/index.ts')).packCommand },
  normalize: { load: async () => (await import('./commands/normalize.ts')).normalizeCommand },
  serve: { load: async () => (await import('./commands/serve.ts')).serveCommand },
  check: { load: async () => (await import('./commands/check.ts')).checkCommand },
  calibrate: { load: async () => (await import('./commands/calibrate/index.ts')).calibrateCommand },
  gateway: { load: async () => (await import('./commands/gateway.ts')).gatewayCommand },
  replay: { load: async () => (await import('./commands/replay.ts')).replayCommand },
  audit: { load: async () => (await import('./commands/audit/index.ts')).auditCommand, parsers: false },
  db: { load: async () => (await import('./commands/db/index.ts')).dbCommand, parsers: false },
  token: { load: async () => (await import('./commands/token/index.ts')).tokenCommand, parsers: false },
  mcp: { load: async () => (await import('./commands/mcp.ts')).mcpCommand },
  approvals: { load: async () => (await import('./commands/approvals.ts')).approvalsCommand },
  login: { load: async () => (await import('./commands/login.ts')).loginCommand, parsers: false },
}

/**
 * Which commands an argv needs: the named one; none for a bare `--version`; all of them for
 * help, no command, or a word that names none (so commander can list and suggest them).
 */
export function commandsFor(argv: readonly string[]): readonly string[] {
  const first = argv.find((a) => !a.startsWith('-'))
  if (first !== undefined && first !== 'help' && Object.hasOwn(COMMANDS, first)) return [first]
  if (first === undefined && argv.length > 0 && argv.every((a) => a === '--version' || a === '-V')) return []
  return Object.keys(COMMANDS)
}

/**
 * Builds the `permit0` program with the given commands (default: all). `ctx.env` is the
 * environment snapshot commands read instead of `process.env`.
 */
export async function createProgram(ctx: CliContext, names: readonly string[] = Object.keys(COMMANDS)): Promise<Command> {
  const program = new Command('permit0')
    .description('Agent safety & permission framework: normalize, score and gate AI tool calls')
    .version(CLI_VERSION)
    .showHelpAfterError()
  const factories = await Promise.all(names.map((name) => COMMANDS[name]!.load()))
  for (const factory of factories) program.addCommand(factory(ctx))
  return program
}

export interface MainOptions {
  /** Where commander's own messages (help, usage errors) go; default the process streams. */
  readonly output?: Pick<OutputConfiguration, 'writeOut' | 'writeErr'>
  /** Default: `readCliEnv()`, the process environment read once here. */
  readonly env?: CliEnv
}

/**
 * Runs the CLI once; returns the exit code (0 ok, 1 failure, 2 usage/config; `check` keeps its
 * own codes, usage errors there are 3). `--help`/`--version` exit 0.
 */
export async function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  try {
    const names = commandsFor(argv)
    const program = applyExitOverride(
      await createProgram({ env: options.env ?? readCliEnv() }, names),
      options.output ?? {},
    )
    if (names.some((name) => COMMANDS[name]!.parsers !== false)) {
      const { initParsers } = await import('@permit0/engine')
      await initParsers()
    }
    await program.parseAsync([...argv], { from: 'user' })
    return typeof process.exitCode === 'number' ? process.exitCode : 0
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`)
    return 1
  }
}
