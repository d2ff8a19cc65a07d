import { createWriteStream, type WriteStream } from 'node:fs'
import { once } from 'node:events'
import { Command, Option } from 'commander'
import { auditCsvLines, type Store } from '@permit0/store'
import { ExitCode, processIo, type CommandIo } from '../pack/io.ts'
import { addStoreOptions, openStore, type StoreEnv, type StoreFlags } from '../../store-options.ts'
import type { CliContext } from '../../env.ts'

export interface AuditExportOptions extends StoreFlags {
  readonly format?: 'jsonl' | 'csv'
  readonly output?: string
}

export interface AuditExportDeps extends StoreEnv {
  readonly io: CommandIo
  /** Raw sink for data when no `--output` is given (default: process.stdout). */
  readonly writeStdout?: (chunk: string) => Promise<void> | void
  /** Injected in tests; default `openStore` over the flags. */
  readonly openStore?: (flags: StoreFlags) => Promise<Store>
}

async function writeTo(stream: WriteStream, chunk: string): Promise<void> {
  if (!stream.write(chunk)) await once(stream, 'drain')
}

/** Writes the whole audit log oldest first (so a raw JSONL export verifies) as JSONL or CSV. */
export async function runAuditExport(options: AuditExportOptions, deps: AuditExportDeps): Promise<number> {
  const { io } = deps
  const format = options.format ?? 'jsonl'
  if (format !== 'jsonl' && format !== 'csv') {
    io.stderr(`error: unsupported format ${JSON.stringify(format)} (expected 'jsonl' or 'csv')`)
    return ExitCode.Usage
  }
  let store: Store
  try {
    store = await (deps.openStore ?? ((flags) => openStore(flags, { ...deps, onKeyCreated: () => {} })))(options)
  } catch (err) {
    io.stderr(`error: ${(err as Error).message}`)
    return ExitCode.Failure
  }
  const file = options.output === undefined ? undefined : createWriteStream(options.output, { flags: 'w', mode: 0o600 })
  const write = file
    ? (chunk: string) => writeTo(file, chunk)
    : async (chunk: string) => {
        await (deps.writeStdout ?? ((c: string) => void process.stdout.write(c)))(chunk)
      }
  let count = 0
  try {
    if (format === 'jsonl') {
      for await (const line of store.audit.exportLines()) {
        await write(`${line}\n`)
        count += 1
      }
    } else {
      let header = true
      for await (const line of auditCsvLines(store.audit.export())) {
        await write(line)
        if (header) header = false
        else count += 1
      }
    }
  } catch (err) {
    io.stderr(`error: export failed after ${count} entries: ${(err as Error).message}`)
    return ExitCode.Failure
  } finally {
    if (file) {
      file.end()
      await once(file, 'close').catch(() => undefined)
    }
    await store.close()
  }
  io.stderr(`exported ${count} audit entries (${format}, oldest first)${options.output ? ` to ${options.output}` : ''}`)
  return ExitCode.Ok
}

export function auditExportCommand(ctx: CliContext): Command {
  return addStoreOptions(
    new Command('export')
      .description('Export the audit log oldest first (a raw JSONL export verifies with `permit0 audit verify`)')
      .addOption(new Option('--format <format>', 'output format').choices(['jsonl', 'csv']).default('jsonl'))
      .option('--output <file>', 'write to a file instead of stdout'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  permit0 audit export --output audit.jsonl && permit0 audit verify audit.jsonl\n' +
        '  permit0 audit export --format csv --database-url postgres://localhost/permit0 > audit.csv\n',
    )
    .action(async (options: AuditExportOptions) => {
      process.exitCode = await runAuditExport(options, { io: processIo, env: ctx.env })
    })
}
