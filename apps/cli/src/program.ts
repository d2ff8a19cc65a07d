import { Command, CommanderError, type OutputConfiguration } from 'commander'
import { initParsers } from '@permit0/engine'
import packageJson from '../package.json' with { type: 'json' }
import { approvalsCommand } from './commands/approvals.ts'
import { auditCommand } from './commands/audit/index.ts'
import { calibrateCommand } from './commands/calibrate/index.ts'
import { checkCommand } from './commands/check.ts'
import { dbCommand } from './commands/db/index.ts'
import { gatewayCommand } from './commands/gateway.ts'
import { hookCommand } from './commands/hook.ts'
import { mcpCommand } from './commands/mcp.ts'
import { loginCommand } from './commands/login.ts'
import { normalizeCommand } from './commands/normalize.ts'
import { packCommand } from './commands/pack/index.ts'
import { serveCommand } from './commands/serve.ts'
import { tokenCommand } from './commands/token/index.ts'
import { readCliEnv, type CliContext, type CliEnv } from './env.ts'
import { applyExitOverride } from './usage-exit-code.ts'

/**
 * Builds the `permit0` program. Each command lives in `commands/<verb>.ts` and is added here;
 * `ctx.env` is the environment snapshot commands read instead of `process.env`.
 */
export function createProgram(ctx: CliContext): Command {
  const program = new Command('permit0')
    .description('Agent safety & permission framework: normalize, score and gate AI tool calls')
    .version(packageJson.version)
    .showHelpAfterError()
  program.addCommand(hookCommand(ctx))
  program.addCommand(packCommand(ctx))
  program.addCommand(normalizeCommand(ctx))
  program.addCommand(serveCommand(ctx))
  program.addCommand(checkCommand(ctx))
  program.addCommand(calibrateCommand(ctx))
  program.addCommand(gatewayCommand(ctx))
  program.addCommand(auditCommand(ctx))
  program.addCommand(dbCommand(ctx))
  program.addCommand(tokenCommand(ctx))
  program.addCommand(mcpCommand(ctx))
  program.addCommand(approvalsCommand(ctx))
  program.addCommand(loginCommand(ctx))
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
  const program = applyExitOverride(createProgram({ env: options.env ?? readCliEnv() }), options.output ?? {})
  try {
    await initParsers()
    await program.parseAsync([...argv], { from: 'user' })
    return typeof process.exitCode === 'number' ? process.exitCode : 0
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`)
    return 1
  }
}
