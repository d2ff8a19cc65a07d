/**
 * `permit0 mcp install`: wraps the stdio server entries (`mcpServers.<name>.command/args`) of MCP
 * client configurations so the client launches `permit0 mcp --name <name> -- <command> <args…>`
 * instead. Everything else in the file (env, other keys, other servers) is kept. Idempotent: an
 * entry that already runs `permit0 mcp` is left alone, never wrapped twice.
 */
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'

export const McpClient = { ClaudeCode: 'claude-code', ClaudeDesktop: 'claude-desktop', Cursor: 'cursor' } as const
export type McpClient = (typeof McpClient)[keyof typeof McpClient]
export const MCP_CLIENTS: readonly McpClient[] = Object.values(McpClient)

export interface ClientConfigPath {
  readonly client: McpClient
  readonly path: string
}

/** Where each client keeps its server list (Claude Code: the project's `.mcp.json` and `~/.claude.json`). */
export function clientConfigPaths(client: McpClient, env: { home: string; cwd: string; platform: NodeJS.Platform; appData?: string }): string[] {
  switch (client) {
    case 'claude-code':
      return [join(env.cwd, '.mcp.json'), join(env.home, '.claude.json')]
    case 'claude-desktop':
      if (env.platform === 'darwin') return [join(env.home, 'Library', 'Application Support', 'Claude', 'claude_desktop_config.json')]
      if (env.platform === 'win32') return [join(env.appData ?? join(env.home, 'AppData', 'Roaming'), 'Claude', 'claude_desktop_config.json')]
      return [join(env.home, '.config', 'Claude', 'claude_desktop_config.json')]
    case 'cursor':
      return [join(env.home, '.cursor', 'mcp.json')]
  }
}

export type EntryChange =
  | { readonly name: string; readonly status: 'wrapped'; readonly before: readonly string[]; readonly after: readonly string[] }
  | { readonly name: string; readonly status: 'already-wrapped' | 'skipped'; readonly note: string }

export interface WrapResult {
  /** The configuration with the entries wrapped (a copy; the input is not modified). */
  readonly config: Record<string, unknown>
  readonly changes: readonly EntryChange[]
}

export class McpInstallError extends Error {
  override readonly name = 'McpInstallError'
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const isPermit0 = (word: string): boolean => /^permit0(\.js|\.cmd|\.exe|\.ps1)?$/i.test(basename(word))

/** True when the entry already launches `permit0 … mcp` (directly, or through node/npx/pnpm). */
export function isWrapped(command: string, args: readonly string[]): boolean {
  const words = [command, ...args]
  return words.some((w, i) => (isPermit0(w) || w === '@permit0/cli') && words[i + 1] === 'mcp')
}

/**
 * Wraps every stdio entry of `config.mcpServers` (or only `servers`). `permit0` is the command
 * that runs permit0 (`permit0`, or e.g. `["node", "/path/permit0.js"]`).
 */
export function wrapServers(config: unknown, options: { readonly permit0: readonly string[]; readonly servers?: readonly string[] }): WrapResult {
  if (!isObject(config)) throw new McpInstallError('the configuration is not a JSON object')
  const servers = config.mcpServers
  if (servers === undefined) return { config: { ...config }, changes: [] }
  if (!isObject(servers)) throw new McpInstallError('mcpServers is not an object')
  const [permit0, ...permit0Args] = options.permit0
  if (permit0 === undefined) throw new McpInstallError('empty permit0 command')
  const wanted = options.servers !== undefined && options.servers.length > 0 ? new Set(options.servers) : undefined
  const changes: EntryChange[] = []
  const next: Record<string, unknown> = {}
  for (const [name, entry] of Object.entries(servers)) {
    next[name] = entry
    if (wanted !== undefined && !wanted.has(name)) continue
    if (!isObject(entry)) {
      changes.push({ name, status: 'skipped', note: 'entry is not an object' })
      continue
    }
    if (typeof entry.command !== 'string' || entry.command === '') {
      const note = typeof entry.url === 'string' ? `remote entry (${entry.url}); wrap it by hand with --upstream` : 'no command'
      changes.push({ name, status: 'skipped', note })
      continue
    }
    const args = entry.args === undefined ? [] : entry.args
    if (!Array.isArray(args) || !args.every((a): a is string => typeof a === 'string')) {
      changes.push({ name, status: 'skipped', note: 'args is not a list of strings' })
      continue
    }
    if (isWrapped(entry.command, args)) {
      changes.push({ name, status: 'already-wrapped', note: 'already runs permit0 mcp' })
      continue
    }
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) {
      changes.push({ name, status: 'skipped', note: 'server name must be 1-64 letters, digits, ".", "_" or "-"' })
      continue
    }
    const wrappedArgs = [...permit0Args, 'mcp', '--name', name, '--', entry.command, ...args]
    next[name] = { ...entry, command: permit0, args: wrappedArgs }
    changes.push({ name, status: 'wrapped', before: [entry.command, ...args], after: [permit0, ...wrappedArgs] })
  }
  if (wanted !== undefined) {
    for (const name of wanted) if (!(name in servers)) changes.push({ name, status: 'skipped', note: 'no such server in this file' })
  }
  return { config: { ...config, mcpServers: next }, changes }
}

/** Reads a client config; absent → undefined; unreadable or not JSON → McpInstallError naming the file. */
export function readClientConfig(path: string): unknown {
  if (!existsSync(path)) return undefined
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new McpInstallError(`${path}: cannot read: ${(err as Error).message}`)
  }
  try {
    return JSON.parse(text) as unknown
  } catch (err) {
    throw new McpInstallError(`${path}: not valid JSON (${(err as Error).message}); left unchanged`)
  }
}

/** Writes the file atomically (temp file + rename), keeping its permissions. */
export function writeClientConfig(path: string, config: unknown): void {
  const mode = existsSync(path) ? statSync(path).mode & 0o777 : 0o600
  const tmp = `${path}.permit0-${process.pid}.tmp`
  writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`, { mode })
  renameSync(tmp, path)
}
