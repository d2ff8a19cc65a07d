import { existsSync } from 'node:fs'
import { Command } from 'commander'
import { createAuditChainVerifier, createAuditSigner, parsePublicKey, readAuditKey } from '@permit0/store'
import { ExitCode, processIo, type CommandIo } from '../pack/io.ts'
import { resolveAuditKeyPath, type StoreEnv } from '../../store-options.ts'
import { readJsonl } from './jsonl.ts'
import type { CliContext } from '../../env.ts'

export interface AuditVerifyOptions {
  readonly file: string
  /** 64-hex ed25519 public keys; entries may be signed by any of them. */
  readonly publicKey?: readonly string[]
  /** Also trust the key in `<data-dir>/audit-signing.key` (or `--audit-key`). */
  readonly dataDir?: string
  readonly auditKey?: string
}

export interface AuditVerifyDeps extends StoreEnv {
  readonly io: CommandIo
}

/** Where trusted audit keys come from: explicit public keys, a data dir's key or a key file. */
export interface TrustedKeyOptions {
  /** 64-hex ed25519 public keys; entries may be signed by any of them. */
  readonly publicKey?: readonly string[]
  readonly dataDir?: string
  readonly auditKey?: string
}

/**
 * The trusted public keys of `audit verify` and `replay`: every `--public-key`, plus the key in
 * `<data-dir>/audit-signing.key` (or `--audit-key`) when no public key was given or a data dir /
 * key file was named. A usage error message when a key is malformed or none is found.
 */
export function resolveTrustedKeys(options: TrustedKeyOptions, deps: StoreEnv): { keys: string[] } | { error: string } {
  const keys: string[] = []
  for (const text of options.publicKey ?? []) {
    const key = parsePublicKey(text)
    if (key === undefined) return { error: `--public-key ${JSON.stringify(text)} is not 64 hex characters (an ed25519 public key)` }
    keys.push(key)
  }
  if (keys.length === 0 || options.dataDir !== undefined || options.auditKey !== undefined) {
    const keyPath = resolveAuditKeyPath({ dataDir: options.dataDir, auditKey: options.auditKey }, deps)
    if (existsSync(keyPath)) {
      try {
        keys.push(createAuditSigner(readAuditKey(keyPath)).publicKey)
      } catch (err) {
        return { error: (err as Error).message }
      }
    } else if (keys.length === 0) {
      return { error: `no public key: pass --public-key HEX, or --data-dir DIR holding audit-signing.key (${keyPath} does not exist)` }
    }
  }
  return { keys }
}

/** Verifies an exported JSONL audit log (oldest first): hashes, signatures, chain links. */
export async function runAuditVerify(options: AuditVerifyOptions, deps: AuditVerifyDeps): Promise<number> {
  const { io } = deps
  const trusted = resolveTrustedKeys(options, deps)
  if ('error' in trusted) {
    io.stderr(`error: ${trusted.error}`)
    return ExitCode.Usage
  }
  const { keys } = trusted
  if (!existsSync(options.file)) {
    io.stderr(`error: ${options.file}: no such file`)
    return ExitCode.Usage
  }

  const verifier = createAuditChainVerifier(keys)
  let first: number | undefined
  let last: number | undefined
  /** Line of the first entry still awaiting its batch signature. */
  let uncoveredLine = 0
  for await (const item of readJsonl(options.file)) {
    const reason = 'error' in item ? item.error : verifier.push(item.value)
    const value = 'value' in item ? (item.value as { sequence?: unknown; entry_id?: unknown } | null) : null
    if (reason !== undefined) {
      const seq = typeof value?.sequence === 'number' ? `seq ${value.sequence}` : 'no sequence'
      const id = typeof value?.entry_id === 'string' ? `, id ${value.entry_id}` : ''
      io.stdout(`FAILED: entry at line ${item.line} (${seq}${id}): ${reason}`)
      return ExitCode.Failure
    }
    const sequence = (value as { sequence: number }).sequence
    first ??= sequence
    last = sequence
    if (verifier.uncovered === 1) uncoveredLine = item.line
  }
  const unsigned = verifier.finish()
  if (unsigned !== undefined) {
    io.stdout(`FAILED: entry at line ${uncoveredLine} (seq ${unsigned.sequence}, id ${unsigned.entryId}): ${unsigned.reason}`)
    return ExitCode.Failure
  }
  if (verifier.checked === 0) {
    io.stdout('No entries found.')
    return ExitCode.Ok
  }
  io.stdout(
    `PASS: ${verifier.checked} entries (seq ${first}..${last}) verified: hashes, batch signatures (${keys.length} trusted key${keys.length === 1 ? '' : 's'}) and chain links.`,
  )
  return ExitCode.Ok
}

export function auditVerifyCommand(ctx: CliContext): Command {
  return new Command('verify')
    .description('Verify an exported audit log (JSONL, oldest first): entry hashes, chain links and the ed25519 signature of every batch')
    .argument('<file>', 'JSONL export (permit0 audit export --format jsonl)')
    .option('--public-key <hex>', 'trusted ed25519 public key (repeatable)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--data-dir <dir>', 'also trust the key in <dir>/audit-signing.key')
    .option('--audit-key <path>', 'also trust the public key of this signing key file')
    .addHelpText(
      'after',
      '\nExamples:\n  permit0 audit verify audit.jsonl --data-dir ~/.permit0/data\n' +
        '  permit0 audit verify audit.jsonl --public-key 3b6a27bc…e1 --public-key 9f0c…42\n\nExit codes: 0 intact, 1 tampered/broken (the entry is named), 2 usage error.\n',
    )
    .action(async (file: string, options: Omit<AuditVerifyOptions, 'file'>) => {
      process.exitCode = await runAuditVerify({ ...options, file }, { io: processIo, env: ctx.env })
    })
}
