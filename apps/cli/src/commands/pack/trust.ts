import { resolve } from 'node:path'
import { Command } from 'commander'
import { loadPackSet } from '@permit0/engine'
import { countErrors, formatIssueIn, PacksDirError, readPacksDir, trustPacksDir, untrustPacksDir } from '../../packs/index.ts'
import { ExitCode, processIo, type CommandIo } from './io.ts'
import type { CliContext } from '../../env.ts'

export interface PackTrustOptions {
  readonly dir: string
}

export interface PackTrustDeps {
  readonly io: CommandIo
  readonly cwd: string
  /** Home directory: the trust records live in `<home>/.permit0/trusted-packs.json`. */
  readonly home?: string
  readonly now?: () => Date
}

/**
 * `permit0 pack trust <dir>`: pins a project's packs directory (SHA-256 of every file the engine
 * reads) in the user's config dir, so `./packs` of that project is loaded from then on, and
 * refused as soon as it changes. Only packs that load cleanly can be trusted.
 */
export function runPackTrust(options: PackTrustOptions, deps: PackTrustDeps): number {
  const { io } = deps
  const dir = resolve(deps.cwd, options.dir)
  try {
    const files = readPacksDir(dir)
    const loaded = loadPackSet(files)
    if (!loaded.ok) {
      for (const i of loaded.issues) io.stderr(formatIssueIn(dir, i))
      io.stderr(`error: ${dir}: ${countErrors(loaded.issues)} error(s); fix them before trusting`)
      return ExitCode.Failure
    }
    if (loaded.packSet.packs.length === 0) {
      io.stderr(`error: ${dir}: no packs (expected <pack>/pack.yaml or <owner>/<pack>/pack.yaml)`)
      return ExitCode.Usage
    }
    const record = trustPacksDir(dir, {
      ...(deps.home !== undefined && { home: deps.home }),
      ...(deps.now !== undefined && { now: deps.now }),
    })
    io.stdout(
      `Trusted ${record.dir}: ${record.packs} pack(s), ${record.files} files, sha256 ${record.digest.slice(0, 16)}… (recorded in ${record.path}).\n` +
        'It is loaded when permit0 runs in its project; any change refuses it until you trust it again.',
    )
    return ExitCode.Ok
  } catch (err) {
    io.stderr(`error: ${err instanceof Error ? err.message : String(err)}`)
    return err instanceof PacksDirError ? ExitCode.Usage : ExitCode.Failure
  }
}

/** `permit0 pack untrust <dir>`: forgets a trusted packs directory. */
export function runPackUntrust(options: PackTrustOptions, deps: PackTrustDeps): number {
  const dir = resolve(deps.cwd, options.dir)
  try {
    const removed = untrustPacksDir(dir, deps.home !== undefined ? { home: deps.home } : {})
    deps.io.stdout(removed ? `No longer trusted: ${dir}` : `${dir} was not trusted`)
    return ExitCode.Ok
  } catch (err) {
    deps.io.stderr(`error: ${err instanceof Error ? err.message : String(err)}`)
    return ExitCode.Usage
  }
}

const homeOf = (ctx: CliContext): { home?: string } => (ctx.env.HOME ? { home: ctx.env.HOME } : {})

export function packTrustCommand(ctx: CliContext, io: CommandIo = processIo): Command {
  return new Command('trust')
    .description("Trust a project's packs directory: pin its content so it loads (and refuses to load once changed)")
    .argument('<dir>', 'the packs directory (usually ./packs of a project)')
    .addHelpText(
      'after',
      '\nA project\'s ./packs is never loaded implicitly. Trusting records the SHA-256 of every pack file in\n' +
        '~/.permit0/trusted-packs.json; after any change permit0 refuses to start (hook: denies) until you\n' +
        'review the change and trust it again.\n\nExamples:\n  $ permit0 pack trust ./packs\n  $ permit0 pack untrust ./packs\n',
    )
    .action((dir: string) => {
      process.exitCode = runPackTrust({ dir }, { io, cwd: process.cwd(), ...homeOf(ctx) })
    })
}

export function packUntrustCommand(ctx: CliContext, io: CommandIo = processIo): Command {
  return new Command('untrust')
    .description('Forget a trusted packs directory')
    .argument('<dir>', 'the packs directory')
    .action((dir: string) => {
      process.exitCode = runPackUntrust({ dir }, { io, cwd: process.cwd(), ...homeOf(ctx) })
    })
}
