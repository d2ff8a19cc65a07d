import { Command } from 'commander'
import { compileRiskRule, loadPackSet, type RiskRuleDocument, type ValidationIssue } from '@permit0/engine'
import { countErrors, formatIssueIn, readPackDir } from '../../packs/index.ts'
import { ExitCode, processIo, type CommandIo } from './io.ts'

export interface PackValidateOptions {
  readonly path: string
}

/** Risk-rule issues from the scoring layer's compiler, positioned in their files. */
export function riskRuleIssues(docs: readonly RiskRuleDocument[]): ValidationIssue[] {
  const out: ValidationIssue[] = []
  for (const d of docs) {
    for (const found of compileRiskRule(d.doc, d.path).issues) {
      const pos = found.line === undefined ? d.locate(found.path) : undefined
      out.push({ ...found, file: found.file ?? d.path, ...(pos ? { line: pos.line, column: pos.column } : {}) })
    }
  }
  return out
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
  const loaded = loadPackSet(files, { layout: 'single' })
  const riskDocs = loaded.ok ? loaded.packSet.riskRules : loaded.riskRules
  const issues = [...loaded.issues, ...riskRuleIssues(riskDocs)]
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
