/** `permit0 calibrate validate|diff`: check a profile against the guardrails, show what it changes. */
import { Command } from 'commander'
import { buildScoringConfig, DEFAULT_SCORING_CONFIG, diffScoringConfig, formatIssue } from '@permit0/engine'
import { EngineConfigError, loadProfileFile } from '../../engine-factory.ts'

export interface ProfileCommandOptions {
  readonly profile?: string
}

export interface ProfileCommandDeps {
  readonly cwd?: string
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
}

function loadConfig(name: string, cwd: string) {
  const { profile, path } = loadProfileFile(name, cwd)
  const built = buildScoringConfig(profile)
  if (!built.ok) {
    throw new EngineConfigError(
      `profile ${path} breaks the guardrails:\n${built.issues.map((i) => formatIssue({ ...i, file: path })).join('\n')}`,
    )
  }
  return { profile, path, config: built.config }
}

function run(fn: () => void, deps: ProfileCommandDeps): number {
  try {
    fn()
    return 0
  } catch (err) {
    deps.stderr(`error: ${err instanceof Error ? err.message : String(err)}\n`)
    return err instanceof EngineConfigError ? 2 : 1
  }
}

/** Loads the profile and checks the guardrails. Exit 0 valid, 2 invalid. */
export function runCalibrateValidate(options: ProfileCommandOptions, deps: ProfileCommandDeps): number {
  return run(() => {
    if (options.profile === undefined) throw new EngineConfigError('--profile is required')
    const { profile, path, config } = loadConfig(options.profile, deps.cwd ?? process.cwd())
    deps.stdout(
      `✓ profile ${profile.id} (${path}) is valid: ${config.blockRules.length} block rules, ` +
        `${Object.keys(config.actionTypeFloors).length} floors, tier ceilings ${config.tierCeilings.join('/')}\n`,
    )
  }, deps)
}

/** Prints what a profile changes relative to the defaults (or to `--against`). */
export function runCalibrateDiff(
  options: ProfileCommandOptions & { readonly against?: string },
  deps: ProfileCommandDeps,
): number {
  return run(() => {
    if (options.profile === undefined) throw new EngineConfigError('--profile is required')
    const cwd = deps.cwd ?? process.cwd()
    const to = loadConfig(options.profile, cwd)
    const from = options.against === undefined ? undefined : loadConfig(options.against, cwd)
    const lines = diffScoringConfig(from?.config ?? DEFAULT_SCORING_CONFIG, to.config)
    deps.stdout(`${from ? from.profile.id : 'defaults'} → ${to.profile.id}: ${lines.length} changes\n`)
    for (const l of lines) deps.stdout(`  ${l}\n`)
  }, deps)
}

const io = {
  stdout: (t: string) => process.stdout.write(t),
  stderr: (t: string) => process.stderr.write(t),
}

export function calibrateValidateCommand(): Command {
  return new Command('validate')
    .description('Load a scoring profile and check it against the guardrails')
    .requiredOption('--profile <name|file>', 'profile name under ./profiles or a .profile.yaml path')
    .addHelpText('after', '\nExample:\n  permit0 calibrate validate --profile fintech\n')
    .action((opts: ProfileCommandOptions) => {
      process.exitCode = runCalibrateValidate(opts, io)
    })
}

export function calibrateDiffCommand(): Command {
  return new Command('diff')
    .description("Show what a profile changes in the scoring configuration (vs the defaults or --against)")
    .requiredOption('--profile <name|file>', 'profile name under ./profiles or a .profile.yaml path')
    .option('--against <name|file>', 'compare with this profile instead of the defaults')
    .addHelpText('after', '\nExample:\n  permit0 calibrate diff --profile healthtech --against fintech\n')
    .action((opts: ProfileCommandOptions & { against?: string }) => {
      process.exitCode = runCalibrateDiff(opts, io)
    })
}
