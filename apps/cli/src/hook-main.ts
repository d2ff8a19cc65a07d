/**
 * The built `permit0 hook` process: the hook command alone, bundled into one CommonJS file
 * (`dist/hook.cjs`, see tsup.config.ts) that `bin.ts` runs under V8's code cache
 * (`hook-loader.ts`). Same behaviour as `permit0 hook` through `program.ts`, without loading the
 * other commands.
 */
import { runCli, type CommandTable, type MainOptions } from './cli-runner.ts'
import { hookCommand } from './commands/hook.ts'

const HOOK_ONLY: CommandTable = { hook: { load: () => Promise.resolve(hookCommand), parsers: false } }

export function hookMain(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  return runCli(HOOK_ONLY, argv, options)
}
