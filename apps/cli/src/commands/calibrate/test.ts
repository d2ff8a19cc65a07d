/** `permit0 calibrate test`: run calibration cases through one engine and compare expectations. */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { Command } from 'commander'
import { createMemoryPolicyStore, type JsonObject, type JsonValue } from '@permit0/engine'
import { z } from 'zod'
import { buildEngine, EngineConfigError, withEngineOptions, type EngineCliOptions } from '../../engine-factory.ts'
import type { CliContext } from '../../env.ts'
import { parseYamlValue as parseYaml } from '../../yaml-value.ts'

export const CalibrationCaseSchema = z.object({
  name: z.string().min(1),
  tool_name: z.string().min(1),
  parameters: z.unknown().default({}),
  metadata: z.record(z.string(), z.unknown()).optional(),
  expected_tier: z.string().optional(),
  expected_permission: z.string().optional(),
})
export type CalibrationCase = z.infer<typeof CalibrationCaseSchema>

export interface CaseResult {
  readonly file: string
  readonly name: string
  readonly passed: boolean
  readonly actualTier: string
  readonly actualPermission: string
  readonly failures: readonly string[]
}

export interface CalibrateTestOptions extends EngineCliOptions {
  readonly corpus?: string
}

export interface CalibrateDeps {
  readonly cwd?: string
  readonly packsDirEnv?: string
  readonly nowMs?: number
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
}

const CASE_FILE = /\.ya?ml$/

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => CASE_FILE.test(n) && statSync(join(dir, n)).isFile())
    .sort()
    .map((n) => join(dir, n))
}

/** Case directories: the corpus, then every `<pack>/tests/shared/` under each packs root. */
export function caseDirectories(corpus: string | undefined, packsDirs: readonly string[], cwd: string): string[] {
  const dirs: string[] = []
  const corpusDir = resolve(cwd, corpus ?? 'corpora/calibration')
  if (!isDir(corpusDir)) {
    if (corpus !== undefined) throw new EngineConfigError(`--corpus ${corpus}: not a directory`)
  } else dirs.push(corpusDir)
  for (const packsDir of packsDirs) {
    const walk = (d: string, depth: number): void => {
      for (const name of readdirSync(d).sort()) {
        if (name.startsWith('.') || name.startsWith('_')) continue
        const p = join(d, name)
        if (!isDir(p)) continue
        if (isDir(join(p, 'tests', 'shared')) && statExists(join(p, 'pack.yaml'))) dirs.push(join(p, 'tests', 'shared'))
        else if (depth === 0) walk(p, 1)
      }
    }
    walk(packsDir, 0)
  }
  if (dirs.length === 0) throw new EngineConfigError(`no calibration corpus found (looked for ${corpusDir})`)
  return dirs
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory()
  } catch {
    return false
  }
}

function statExists(p: string): boolean {
  try {
    statSync(p)
    return true
  } catch {
    return false
  }
}

/** Runs every case; returns the exit code (0 all passed, 1 any failure, 2 configuration error). */
export async function runCalibrateTest(options: CalibrateTestOptions, deps: CalibrateDeps): Promise<number> {
  const cwd = deps.cwd ?? process.cwd()
  try {
    const built = buildEngine(
      { ...options, orgDomain: options.orgDomain ?? 'calibration.test' },
      { cwd, ...(deps.packsDirEnv === undefined ? {} : { packsDirEnv: deps.packsDirEnv }) },
    )
    for (const w of built.warnings) deps.stderr(`${w}\n`)
    const files = caseDirectories(options.corpus, built.packRoots.map((r) => r.dir), cwd).flatMap(yamlFiles)
    const store = createMemoryPolicyStore({ fingerprint: built.fingerprint })
    const nowMs = deps.nowMs ?? Date.now()
    const results: CaseResult[] = []
    for (const file of files) {
      const result = await runCase(file, cwd, async (c) =>
        built.engine.check(
          { toolName: c.tool_name, parameters: c.parameters as JsonValue, metadata: (c.metadata ?? {}) as JsonObject },
          { store, nowMs },
        ),
      )
      results.push(result)
      deps.stdout(`${formatCaseResult(result)}\n`)
    }
    const passed = results.filter((r) => r.passed).length
    const failed = results.length - passed
    deps.stdout(`${passed} passed, ${failed} failed, ${results.length} total\n`)
    return failed === 0 ? 0 : 1
  } catch (err) {
    deps.stderr(`error: ${err instanceof Error ? err.message : String(err)}\n`)
    return err instanceof EngineConfigError ? 2 : 1
  }
}

async function runCase(
  file: string,
  cwd: string,
  check: (c: CalibrationCase) => Promise<import('@permit0/engine').Verdict>,
): Promise<CaseResult> {
  const rel = relative(cwd, file)
  const fail = (name: string, message: string): CaseResult => ({
    file: rel,
    name,
    passed: false,
    actualTier: '-',
    actualPermission: '-',
    failures: [message],
  })
  let parsed: CalibrationCase
  try {
    const r = CalibrationCaseSchema.safeParse(parseYaml(readFileSync(file, 'utf8')))
    if (!r.success) {
      const i = r.error.issues[0]
      return fail(rel, `invalid case: ${i?.path.join('.') || '<root>'}: ${i?.message ?? ''}`)
    }
    parsed = r.data
  } catch (err) {
    return fail(rel, `unreadable case: ${err instanceof Error ? err.message : String(err)}`)
  }
  try {
    const verdict = await check(parsed)
    const actualTier = verdict.risk?.tier ?? 'NONE'
    const actualPermission = verdict.permission.toUpperCase()
    const failures: string[] = []
    if (parsed.expected_tier !== undefined && parsed.expected_tier.toUpperCase() !== actualTier) {
      failures.push(`tier: expected ${parsed.expected_tier.toUpperCase()}, got ${actualTier}`)
    }
    if (parsed.expected_permission !== undefined && parsed.expected_permission.toUpperCase() !== actualPermission) {
      failures.push(`permission: expected ${parsed.expected_permission.toUpperCase()}, got ${actualPermission}`)
    }
    return { file: rel, name: parsed.name, passed: failures.length === 0, actualTier, actualPermission, failures }
  } catch (err) {
    return fail(parsed.name, `engine error: ${err instanceof Error ? err.message : String(err)}`)
  }
}

export function formatCaseResult(r: CaseResult): string {
  const head = `${r.passed ? '✓' : '✗'} ${r.name}  ${r.actualTier}/${r.actualPermission}`
  return r.passed ? head : `${head}  — ${r.failures.join('; ')} (${r.file})`
}

export function calibrateTestCommand(ctx: CliContext): Command {
  const cmd = new Command('test')
    .description('Run calibration cases (one YAML case per file) and compare tier and permission')
    .option('--corpus <dir>', 'case directory (default: corpora/calibration); <pack>/tests/shared is always added')
  return withEngineOptions(cmd)
    .addHelpText(
      'after',
      '\nExample:\n  permit0 calibrate test --corpus corpora/calibration --packs-dir packs --org-domain calibration.test\n',
    )
    .action(async (opts: CalibrateTestOptions) => {
      process.exitCode = await runCalibrateTest(opts, {
        ...(ctx.env.PERMIT0_PACKS_DIR === undefined ? {} : { packsDirEnv: ctx.env.PERMIT0_PACKS_DIR }),
        stdout: (t) => process.stdout.write(t),
        stderr: (t) => process.stderr.write(t),
      })
    })
}
