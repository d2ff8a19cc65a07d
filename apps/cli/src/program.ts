import type { Command } from 'commander'
import { buildProgram, commandsIn, runCli, type CommandTable, type MainOptions } from './cli-runner.ts'
import type { CliContext } from './env.ts'

export type { MainOptions } from './cli-runner.ts'

/**
 * Every `permit0` command: its name and a loader for the module that builds it. Commands load
 * lazily (one dynamic import per command), so `permit0 hook` never loads the server, the store or
 * the dashboard, and `--version` loads nothing. `parsers: false` marks commands that never build
 * an engine (or, like `hook`, load the WASM parsers themselves only when they do).
 * Adding a command: one line here, `commands/<verb>.ts` exporting `<verb>Command(ctx)`.
 * (The built `permit0 hook` process runs `hook-main.ts`, a bundle of the hook command alone.)
 */
const COMMANDS: CommandTable = {
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
  return commandsIn(COMMANDS, argv)
}

/**
 * Builds the `permit0` program with the given commands (default: all). `ctx.env` is the
 * environment snapshot commands read instead of `process.env`.
 */
export async function createProgram(ctx: CliContext, names: readonly string[] = Object.keys(COMMANDS)): Promise<Command> {
  return buildProgram(COMMANDS, ctx, names)
}

/**
 * Runs the CLI once; returns the exit code (0 ok, 1 failure, 2 usage/config; `check` keeps its
 * own codes, usage errors there are 3). `--help`/`--version` exit 0.
 */
export async function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  return runCli(COMMANDS, argv, options)
}
