/** Rendering validation issues for terminals: `<dir>/<file>:<line>:<col>: error: <path>: <msg>`. */
import { join } from 'node:path'
import { formatIssue, type ValidationIssue } from '@permit0/engine'

/** Formats an issue with its file shown relative to the directory that was read. */
export function formatIssueIn(dir: string | undefined, issue: ValidationIssue): string {
  const withDir = issue.file !== undefined && dir !== undefined ? { ...issue, file: join(dir, issue.file) } : issue
  return formatIssue(withDir)
}

export function countErrors(issues: readonly ValidationIssue[]): number {
  return issues.filter((i) => i.severity === 'error').length
}
