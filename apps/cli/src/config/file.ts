import { join, resolve } from 'node:path'

/**
 * The one config file of every command: `--config` > `PERMIT0_CONFIG_FILE` >
 * `~/.permit0/permit0.yaml` (optional unless named explicitly). Never `./permit0.yaml`: the
 * working directory is the agent's to write ([security](../../../../docs/security.md)).
 *
 * Layout: shared settings (`org_domain`, `profile`, `packs_dir`, `data_dir`) and serve's settings
 * at the top level (or serve's under `serve:`), the hook's under `hook:`. Light on purpose (no
 * schema, no YAML library of its own): the hook reads it on every call; each reader validates
 * its own keys.
 */
export const CONFIG_FILE_ENV = 'PERMIT0_CONFIG_FILE'
/** The hook's own section of the file. */
export const HOOK_SECTION = 'hook'
/** serve's optional section (its keys may also sit at the top level). */
export const SERVE_SECTION = 'serve'
/** Top-level keys that mean the same for every command that reads them. */
export const SHARED_KEYS = ['org_domain', 'profile', 'packs_dir', 'data_dir'] as const
export type SharedKey = (typeof SHARED_KEYS)[number]

export interface ConfigFileLocation {
  readonly path: string
  /** Named by `--config` or `PERMIT0_CONFIG_FILE`: then it must exist. */
  readonly explicit: boolean
}

export function configFileLocation(input: {
  readonly flag?: string | undefined
  readonly env: Readonly<Record<string, string | undefined>>
  readonly homeDir: string
  readonly cwd?: string
}): ConfigFileLocation {
  const named = [input.flag, input.env[CONFIG_FILE_ENV]].find((v) => v !== undefined && v !== '')
  return named === undefined
    ? { path: join(input.homeDir, '.permit0', 'permit0.yaml'), explicit: false }
    : { path: resolve(input.cwd ?? process.cwd(), named), explicit: true }
}

export type ConfigFileRead =
  | { readonly ok: true; readonly path: string; readonly exists: boolean; readonly doc: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly message: string }

/**
 * Reads and parses the file: absent and not explicit → an empty document; absent and explicit,
 * broken YAML or not a mapping → a message naming the file (and the YAML error's line).
 */
export function readConfigFile(
  location: ConfigFileLocation,
  io: { readonly readFile: (path: string) => string | undefined; readonly parseYaml: (text: string) => unknown },
): ConfigFileRead {
  const { path } = location
  let text: string | undefined
  try {
    text = io.readFile(path)
  } catch (err) {
    return { ok: false, message: `config file ${path}: cannot be read: ${(err as Error).message}` }
  }
  if (text === undefined) {
    return location.explicit ? { ok: false, message: `config file ${path} does not exist` } : { ok: true, path, exists: false, doc: {} }
  }
  let raw: unknown
  try {
    raw = text.trim() === '' ? null : io.parseYaml(text)
  } catch (err) {
    return { ok: false, message: `config file ${path}: invalid YAML: ${(err as Error).message}` }
  }
  if (raw === null || raw === undefined) return { ok: true, path, exists: true, doc: {} }
  if (typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, message: `config file ${path}: expected a mapping of settings` }
  return { ok: true, path, exists: true, doc: raw as Record<string, unknown> }
}

/** `packs-dir` and `packs_dir` are the same key. */
export const snakeKey = (key: string): string => key.replace(/-/g, '_')
