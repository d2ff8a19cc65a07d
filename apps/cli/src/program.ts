import { Command, CommanderError, type OutputConfiguration } from 'commander'
import packageJson from '../package.json' with { type: 'json' }
import { auditCommand } from './commands/audit/index.ts'
import { calibrateCommand } from './commands/calibrate/index.ts'
import { checkCommand } from './commands/check.ts'
import { dbCommand } from './commands/db/index.ts'
import { gatewayCommand } from './commands/gateway.ts'
import { hookCommand } from './commands/hook.ts'
import { normalizeCommand } from './commands/normalize.ts'
import { packCommand } from './commands/pack/index.ts'
import { serveCommand } from './commands/serve.ts'
import { tokenCommand } from './commands/token/index.ts'
import { applyExitOverride } from './usage-exit-code.ts'

/** Builds the `permit0` program. Each command lives in `commands/<verb>.ts` and is added here. */
export function createProgram(): Command {
  const program = new Command('permit0')
    .description('Agent safety & permission framework: normalize, score and gate AI tool calls')
    .version(packageJson.version)
    .showHelpAfterError()
  program.addCommand(hookCommand())
  program.addCommand(packCommand())
  program.addCommand(normalizeCommand())
  program.addCommand(serveCommand())
  program.addCommand(checkCommand())
  program.addCommand(calibrateCommand())
  program.addCommand(gatewayCommand())
  program.addCommand(auditCommand())
  program.addCommand(dbCommand())
  program.addCommand(tokenCommand())
  return program
}

/** Where commander's own messages (help, usage errors) go; tests capture them. */
export type ProgramOutput = Pick<OutputConfiguration, 'writeOut' | 'writeErr'>

/**
 * Runs the CLI once; returns the exit code (0 ok, 1 failure, 2 usage/config; `check` keeps its
 * own codes, usage errors there are 3). `--help`/`--version` exit 0.
 */
export async function main(argv: readonly string[], output: ProgramOutput = {}): Promise<number> {
  const program = applyExitOverride(createProgram(), output)
  try {
    await program.parseAsync([...argv], { from: 'user' })
    return typeof process.exitCode === 'number' ? process.exitCode : 0
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`)
    return 1
  }
}
