import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Command } from 'commander'
import {
  buildLockfile,
  formatIssue,
  parseLockfile,
  parseManifest,
  parseYaml,
  renderLockfile,
} from '@permit0/engine'
import { readPackDir } from '../../packs/index.ts'
import { ExitCode, processIo, type CommandIo } from './io.ts'

export interface PackLockOptions {
  readonly path: string
  readonly check?: boolean
}

export interface PackLockDeps {
  readonly io: CommandIo
  /** UTC timestamp for `generated_at`, `YYYY-MM-DDTHH:MM:SSZ`. */
  readonly now: () => Date
}

/** Writes (or with `check`, verifies) `<pack>/pack.lock.yaml`. 0 ok, 1 drift, 2 unusable pack. */
export function runPackLock(options: PackLockOptions, deps: PackLockDeps): number {
  const { io } = deps
  let files
  try {
    files = readPackDir(options.path)
  } catch (err) {
    io.stderr(`error: ${err instanceof Error ? err.message : String(err)}`)
    return ExitCode.Usage
  }
  const manifestFile = files.find((f) => f.path === 'pack.yaml')
  if (!manifestFile) {
    io.stderr(`error: ${join(options.path, 'pack.yaml')}: missing manifest`)
    return ExitCode.Usage
  }
  const parsed = parseYaml(manifestFile.text)
  const m = parsed.value === undefined ? { issues: parsed.issues } : parseManifest(parsed.value)
  if (!('manifest' in m) || !m.manifest) {
    for (const i of m.issues) {
      const pos = i.line === undefined ? parsed.locate(i.path) : undefined
      io.stderr(formatIssue({ ...i, file: join(options.path, 'pack.yaml'), ...(pos ? { line: pos.line, column: pos.column } : {}) }))
    }
    return ExitCode.Usage
  }
  const generatedAt = deps.now().toISOString().replace(/\.\d{3}Z$/, 'Z')
  const lock = buildLockfile(files, {
    permit0Pack: m.manifest.permit0Pack,
    packVersion: m.manifest.version,
    packFormat: m.manifest.packFormat,
    generatedAt,
  })
  const lockPath = join(options.path, 'pack.lock.yaml')
  if (!options.check) {
    const text = renderLockfile(lock)
    writeFileSync(lockPath, text)
    io.stdout(`Wrote ${lockPath} (${lock.files.length} files, ${Buffer.byteLength(text)} bytes)`)
    return ExitCode.Ok
  }
  let existingText: string
  try {
    existingText = readFileSync(lockPath, 'utf8')
  } catch {
    io.stderr(`error: ${lockPath} is missing; run 'permit0 pack lock ${options.path}'`)
    return ExitCode.Failure
  }
  const ep = parseYaml(existingText)
  const existing = ep.value === undefined ? undefined : parseLockfile(ep.value)
  if (!existing?.lockfile) {
    for (const i of [...ep.issues, ...(existing?.issues ?? [])]) io.stderr(formatIssue({ ...i, file: lockPath }))
    return ExitCode.Failure
  }
  const old = existing.lockfile
  const drift: string[] = []
  if (old.permit0Pack !== lock.permit0Pack || old.packVersion !== lock.packVersion || old.packFormat !== lock.packFormat) {
    drift.push(`lockfile metadata drift: lockfile says ${old.permit0Pack}@${old.packVersion} (format ${old.packFormat}), pack.yaml says ${lock.permit0Pack}@${lock.packVersion} (format ${lock.packFormat})`)
  }
  const now = new Map(lock.files.map((f) => [f.path, f]))
  for (const f of old.files) {
    const cur = now.get(f.path)
    if (!cur) drift.push(`✗ ${f.path}: listed in lockfile, missing on disk`)
    else if (cur.sha256 !== f.sha256 || cur.size !== f.size) {
      drift.push(`✗ ${f.path}: lockfile sha256=${f.sha256} size=${f.size}, on-disk sha256=${cur.sha256} size=${cur.size}`)
    }
  }
  const listed = new Set(old.files.map((f) => f.path))
  for (const f of lock.files) if (!listed.has(f.path)) drift.push(`✗ ${f.path}: present on disk, missing from lockfile`)
  if (drift.length > 0) {
    for (const d of drift) io.stderr(d)
    io.stderr(`lockfile drift detected (${drift.length} entries); run 'permit0 pack lock ${options.path}'`)
    return ExitCode.Failure
  }
  io.stdout(`Lockfile up to date (${old.files.length} files).`)
  return ExitCode.Ok
}

export function packLockCommand(io: CommandIo = processIo): Command {
  return new Command('lock')
    .description('Write pack.lock.yaml (SHA-256 + size of every loaded file), or verify it with --check')
    .argument('<path>', 'pack directory')
    .option('--check', 'verify the existing lockfile instead of writing (exit 1 on drift)')
    .addHelpText('after', '\nExamples:\n  $ permit0 pack lock packs/permit0/email\n  $ permit0 pack lock packs/permit0/email --check\n')
    .action((path: string, opts: { check?: boolean }) => {
      process.exitCode = runPackLock({ path, check: opts.check === true }, { io, now: () => new Date() })
    })
}
