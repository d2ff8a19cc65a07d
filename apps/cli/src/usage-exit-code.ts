import { type Command, CommanderError, type OutputConfiguration } from 'commander'

/** Exit code for usage errors (unknown option, missing argument) unless a command says otherwise. */
export const USAGE_EXIT_CODE = 2

const usageCodes = new WeakMap<Command, number>()

/**
 * Gives `command` (and its subcommands) its own usage-error exit code, for commands whose 2 means
 * something else (`check`: 2 is deny, so a typo must not look like a verdict).
 */
export function withUsageExitCode<T extends Command>(command: T, code: number): T {
  usageCodes.set(command, code)
  return command
}

/**
 * Applies `exitOverride` and `configureOutput` to `command` and every command below it (commander
 * copies these settings only into subcommands made with `.command()`, not `.addCommand()`).
 * Commander's errors are rethrown as `CommanderError`s whose `exitCode` is 0 for help/version and
 * the command's usage exit code otherwise.
 */
export function applyExitOverride(command: Command, output: OutputConfiguration, inherited = USAGE_EXIT_CODE): Command {
  const code = usageCodes.get(command) ?? inherited
  command.exitOverride((err) => {
    throw err.exitCode === 0 ? err : new CommanderError(code, err.code, err.message)
  })
  command.configureOutput(output)
  for (const sub of command.commands) applyExitOverride(sub, output, code)
  return command
}
