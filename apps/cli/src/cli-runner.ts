import { Command, CommanderError, type OutputConfiguration } from 'commander'
import { readCliEnv, type CliContext, type CliEnv } from './env.ts'
import { applyExitOverride } from './usage-exit-code.ts'
import { CLI_VERSION } from './version.ts'

export type CommandFactory = (ctx: CliContext) => Command

/** A command's loader, and `parsers: false` when it never builds an engine (or loads the parsers itself). */
export interface CommandEntry {
  readonly load: () => Promise<CommandFactory>
  readonly parsers?: false
}

export type CommandTable = Readonly<Record<string, CommandEntry>>

export interface MainOptions {
  /** Where commander's own messages (help, usage errors) go; default the process streams. */
  readonly output?: Pick<OutputConfiguration, 'writeOut' | 'writeErr'>
  /** Default: `readCliEnv()`, the process environment read once here. */
  readonly env?: CliEnv
}

/**
 * Which commands of `table` an argv needs: the named one; none for a bare `--version`; all of
 * them for help, no command, or a word that names none (so commander can list and suggest them).
 */
export function commandsIn(table: CommandTable, argv: readonly string[]): readonly string[] {
  const first = argv.find((a) => !a.startsWith('-'))
  if (first !== undefined && first !== 'help' && Object.hasOwn(table, first)) return [first]
  if (first === undefined && argv.length > 0 && argv.every((a) => a === '--version' || a === '-V')) return []
  return Object.keys(table)
}

/** The `permit0` program with the given commands of `table`. */
export async function buildProgram(table: CommandTable, ctx: CliContext, names: readonly string[]): Promise<Command> {
  const program = new Command('permit0')
    .description('Agent safety & permission framework: normalize, score and gate AI tool calls')
    .version(CLI_VERSION)
    .showHelpAfterError()
  const factories = await Promise.all(names.map((name) => table[name]!.load()))
  for (const factory of factories) program.addCommand(factory(ctx))
  return program
}

/**
 * Runs the CLI once over `table`; returns the exit code (0 ok, 1 failure, 2 usage/config; `check`
 * keeps its own codes, usage errors there are 3). `--help`/`--version` exit 0.
 */
export async function runCli(table: CommandTable, argv: readonly string[], options: MainOptions = {}): Promise<number> {
  try {
    const names = commandsIn(table, argv)
    const program = applyExitOverride(
      await buildProgram(table, { env: options.env ?? readCliEnv() }, names),
      options.output ?? {},
    )
    if (names.some((name) => table[name]!.parsers !== false)) {
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
