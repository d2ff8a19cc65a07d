/** `pack.lock.yaml`: which files of a pack are recorded, and rendering/parsing the lockfile. */
import { stringify } from 'yaml'
import { sha256Hex } from '../canonical/norm-hash.ts'
import { isJsonObject } from '../conditions/values.ts'
import type { ValidationIssue } from '../errors.ts'
import { DocReader } from './doc-checks.ts'

export interface LockEntry {
  readonly path: string
  readonly sha256: string
  readonly size: number
}

export interface Lockfile {
  readonly lockfileVersion: 1
  readonly permit0Pack: string
  readonly packVersion: string
  readonly packFormat: number
  readonly generatedAt?: string
  readonly files: readonly LockEntry[]
}

const YAML_EXT = /\.ya?ml$/

/** True for pack-relative paths that `pack lock` records. */
export function isLockedPath(rel: string): boolean {
  if (rel === 'pack.yaml' || rel === 'aliases.yaml') return true
  const parts = rel.split('/')
  const last = parts[parts.length - 1] as string
  if (!YAML_EXT.test(last)) return false
  if (parts[0] === 'risk_rules') return parts.length === 2
  if (parts[0] === 'normalizers') return parts.length === 2 || parts.length === 3
  return false
}

const utf8 = new TextEncoder()

export function lockEntry(path: string, text: string, sha256: (text: string) => string = sha256Hex): LockEntry {
  return { path, sha256: sha256(text), size: utf8.encode(text).length }
}

function byteCompare(a: string, b: string): number {
  const ab = utf8.encode(a)
  const bb = utf8.encode(b)
  for (let i = 0; i < Math.min(ab.length, bb.length); i++) {
    if (ab[i] !== bb[i]) return (ab[i] as number) - (bb[i] as number)
  }
  return ab.length - bb.length
}

/** Builds the lockfile for a pack's files (paths relative to the pack dir). */
export function buildLockfile(
  files: readonly { path: string; text: string }[],
  meta: { permit0Pack: string; packVersion: string; packFormat: number; generatedAt: string },
): Lockfile {
  return {
    lockfileVersion: 1,
    ...meta,
    files: files
      .filter((f) => isLockedPath(f.path))
      .map((f) => lockEntry(f.path, f.text))
      .sort((a, b) => byteCompare(a.path, b.path)),
  }
}

export function renderLockfile(lock: Lockfile): string {
  return stringify(
    {
      lockfile_version: lock.lockfileVersion,
      permit0_pack: lock.permit0Pack,
      pack_version: lock.packVersion,
      pack_format: lock.packFormat,
      generated_at: lock.generatedAt ?? '',
      files: lock.files.map((f) => ({ path: f.path, sha256: f.sha256, size: f.size })),
    },
    { lineWidth: 0 },
  )
}

export function parseLockfile(doc: unknown): { lockfile?: Lockfile; issues: readonly ValidationIssue[] } {
  const r = new DocReader()
  const root = r.mapping(doc, [], 'pack.lock.yaml')
  if (!root) return { issues: r.issues }
  r.keys(root, ['lockfile_version', 'permit0_pack', 'pack_version', 'pack_format', 'generated_at', 'files'], [], 'pack.lock.yaml')
  const version = root.lockfile_version ?? 1
  if (version !== 1) {
    r.error('lockfile_version', ['lockfile_version'], `lockfile version mismatch: file declares ${JSON.stringify(version)}, supported: 1`, 'lockfile_version')
  }
  const permit0Pack = r.string(root, 'permit0_pack', [], true)
  const packVersion = r.string(root, 'pack_version', [], true)
  const packFormat = r.int(root, 'pack_format', [], false) ?? 2
  const generatedAt = r.string(root, 'generated_at', [], false)
  const files: LockEntry[] = []
  if (!Array.isArray(root.files)) {
    r.error('invalid_type', ['files'], `'files' must be a list of {path, sha256, size}`, 'files')
  } else {
    root.files.forEach((f, i) => {
      const p = ['files', i]
      if (!isJsonObject(f)) return r.error('invalid_type', p, 'a lockfile entry must be a mapping')
      r.keys(f, ['path', 'sha256', 'size'], p, 'a lockfile entry')
      const path = r.string(f, 'path', p, true)
      const sha256 = r.string(f, 'sha256', p, true)
      const size = r.int(f, 'size', p, true)
      if (sha256 !== undefined && !/^[0-9a-f]{64}$/.test(sha256)) {
        r.error('invalid_type', [...p, 'sha256'], `'sha256' must be 64 lowercase hex digits`, 'sha256')
      }
      if (path !== undefined && sha256 !== undefined && size !== undefined) files.push({ path, sha256, size })
    })
  }
  if (r.issues.length > 0 || permit0Pack === undefined || packVersion === undefined) return { issues: r.issues }
  return {
    issues: r.issues,
    lockfile: {
      lockfileVersion: 1,
      permit0Pack,
      packVersion,
      packFormat,
      ...(generatedAt === undefined ? {} : { generatedAt }),
      files,
    },
  }
}
