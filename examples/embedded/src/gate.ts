import { hash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join, sep } from 'node:path'
import {
  createEngine,
  createMemoryPolicyStore,
  initParsers,
  type JsonObject,
  type JsonValue,
  type PackFile,
  type PolicyStore,
  type Verdict,
} from '@permit0/engine'

/**
 * Reads every YAML file of a packs root (`<root>/<owner>/<pack>/…`) as `{ path, text }`. The
 * engine never touches the disk: the embedding service decides where packs come from (a
 * directory, a bundle, a database …).
 */
export function readPackFiles(root: string): PackFile[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((rel) => /\.ya?ml$/.test(rel) && !rel.split(sep).slice(0, -1).some((dir) => dir.startsWith('.') || dir.startsWith('_')))
    .sort()
    .map((rel) => ({ path: rel.split(sep).join('/'), text: readFileSync(join(root, rel), 'utf8') }))
}

export interface GateOptions {
  /** A packs root on disk, or the pack files themselves. */
  readonly packsDir?: string
  readonly packs?: readonly PackFile[]
  /** Policy cache + allow/deny lists; default in memory. `@permit0/store`'s `store.policy` fits here. */
  readonly store?: PolicyStore
  readonly orgDomain?: string
  /** Clock; default `Date.now` (the engine itself never reads the clock). */
  readonly now?: () => number
}

/**
 * A tool gate for an agent runtime: one engine, one policy store, one call at a time. Async
 * because the engine's WASM parsers (bash, SQL) load once first (`initParsers()`).
 */
export async function createGate(options: GateOptions) {
  await initParsers()
  const packs = options.packs ?? (options.packsDir !== undefined ? readPackFiles(options.packsDir) : undefined)
  if (packs === undefined) throw new Error('createGate needs packsDir or packs')
  const engine = createEngine({
    packs,
    // Node's native SHA-256 for norm_hash: same hashes as the engine's pure-JS default, faster.
    sha256: (text) => hash('sha256', text, 'hex'),
    ...(options.orgDomain !== undefined && { orgDomain: options.orgDomain }),
  })
  const store = options.store ?? createMemoryPolicyStore()
  const now = options.now ?? Date.now

  return {
    engine,
    /** Decides one tool call. */
    check(toolName: string, parameters: JsonValue, metadata: JsonObject = {}): Promise<Verdict> {
      return engine.check({ toolName, parameters, metadata }, { store, nowMs: now() })
    },
    /** Runs `fn` only when the verdict is allow; anything else throws with the reason. */
    async guard<R>(toolName: string, parameters: JsonValue, fn: () => R | Promise<R>): Promise<R> {
      const verdict = await engine.check({ toolName, parameters, metadata: {} }, { store, nowMs: now() })
      if (verdict.permission !== 'allow') {
        const why = verdict.risk?.blockReason ?? `${verdict.permission} (${verdict.source})`
        throw new Error(`permit0 blocked ${toolName}: ${why}`)
      }
      return fn()
    },
  }
}
