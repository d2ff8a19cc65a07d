import { Command } from 'commander'
import { loadPackSet } from '@permit0/engine'
import { countErrors, formatIssueIn, readPackDir } from '../../packs/index.ts'
import { ExitCode, processIo, type CommandIo } from './io.ts'

export interface PackValidateOptions {
  readonly path: string
}

/** Validates one pack directory. Returns the exit code (0 valid, 2 invalid or unreadable). */
export function runPackValidate(options: PackValidateOptions, io: CommandIo): number {
  let files
  try {
    files = readPackDir(options.path)
  } catch (err) {
    io.stderr(`error: ${err instanceof Error ? err.message : String(err)}`)
    return ExitCode.Usage
  }
  // The loader compiles risk rules too, so this rejects exactly what createEngine would.
  const { issues } = loadPackSet(files, { layout: 'single' })
  for (const i of issues) (i.severity === 'error' ? io.stderr : io.stdout)(formatIssueIn(options.path, i))
  const counted = files.filter((f) => f.path.startsWith('normalizers/') || f.path.startsWith('risk_rules/')).length
  const errors = countErrors(issues)
  if (errors > 0) {
    io.stderr(`${errors} error(s) in ${counted} files`)
    return ExitCode.Usage
  }
  io.stdout(`All ${counted} files valid.`)
  return ExitCode.Ok
}

export function packValidateCommand(io: CommandIo = processIo): Command {
  return new Command('validate')
    .description('Validate a pack: YAML, schema, normalizers, aliases, risk rules, lockfile')
    .argument('<path>', 'pack directory (the one holding pack.yaml)')
    .addHelpText('after', '\nExample:\n  $ permit0 pack validate packs/permit0/email\n')
    .action((path: string) => {
      process.exitCode = runPackValidate({ path }, io)
    })
}
