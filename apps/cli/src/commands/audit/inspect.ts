import { existsSync } from 'node:fs'
import { Command } from 'commander'
import { ExitCode, processIo, type CommandIo } from '../pack/io.ts'
import { readJsonl } from './jsonl.ts'

export interface AuditInspectOptions {
  readonly file: string
  readonly limit?: number
}

interface Row {
  sequence?: unknown
  timestamp?: unknown
  decision?: unknown
  decision_source?: unknown
  entry_hash?: unknown
  norm_action?: { action_type?: unknown }
}

const text = (value: unknown, width = 0): string => String(value ?? '-').padEnd(width)

/** Summarises a JSONL audit export: count, sequence range and one line per entry. */
export async function runAuditInspect(options: AuditInspectOptions, deps: { io: CommandIo }): Promise<number> {
  const { io } = deps
  const limit = options.limit ?? 50
  if (!Number.isInteger(limit) || limit < 0) {
    io.stderr('error: --limit must be a non-negative integer')
    return ExitCode.Usage
  }
  if (!existsSync(options.file)) {
    io.stderr(`error: ${options.file}: no such file`)
    return ExitCode.Usage
  }
  const shown: string[] = []
  let total = 0
  let first: unknown
  let last: unknown
  for await (const item of readJsonl(options.file)) {
    if ('error' in item || typeof item.value !== 'object' || item.value === null) {
      io.stderr(`error: ${options.file}:${item.line}: ${'error' in item ? item.error : 'not a JSON object'}`)
      return ExitCode.Failure
    }
    const row = item.value as Row
    total += 1
    if (total === 1) first = row.sequence
    last = row.sequence
    if (shown.length < limit) {
      const hash = typeof row.entry_hash === 'string' ? `${row.entry_hash.slice(0, 16)}...` : '-'
      shown.push(
        `seq=${text(row.sequence)} | ${text(row.timestamp, 24)} | ${text(row.norm_action?.action_type, 20)} | ${text(row.decision, 5)} | ${text(row.decision_source, 15)} | hash=${hash}`,
      )
    }
  }
  if (total === 0) {
    io.stdout('No entries found.')
    return ExitCode.Ok
  }
  io.stdout(`${total} entries, sequence ${text(first)}..${text(last)} (file order)`)
  for (const line of shown) io.stdout(line)
  if (total > shown.length) io.stdout(`... (${total - shown.length} more entries not shown)`)
  return ExitCode.Ok
}

export function auditInspectCommand(): Command {
  return new Command('inspect')
    .description('Summarise an exported audit log (JSONL)')
    .argument('<file>', 'JSONL export')
    .option('--limit <n>', 'entries to list (default 50)', (value: string) => Number(value))
    .addHelpText('after', '\nExample:\n  permit0 audit inspect audit.jsonl --limit 20\n')
    .action(async (file: string, options: { limit?: number }) => {
      process.exitCode = await runAuditInspect({ file, ...options }, { io: processIo })
    })
}
