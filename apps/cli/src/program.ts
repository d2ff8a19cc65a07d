import { Command, CommanderError } from 'commander'
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

/** Builds the `permit0` program. Each command lives in `commands/<verb>.ts` and is added here. */
export function createProgram(): Command {
  const program = new Command('permit0')
    .description('Agent safety & permission framework: normalize, score and gate AI tool calls')
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

/** Runs the CLI once; returns the exit code (0 ok, 1 failure, 2 usage/config). */
export async function main(argv: readonly string[]): Promise<number> {
  const program = createProgram().exitOverride()
  try {
    await program.parseAsync([...argv], { from: 'user' })
    return typeof process.exitCode === 'number' ? process.exitCode : 0
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : 2
    }
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`)
    return 1
  }
}
