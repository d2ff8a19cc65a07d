/** The normalizer registry: priority-ordered dispatch indexed by exact tool name, plus aliases. */
import { issue, type ValidationIssue } from '../errors.ts'
import type { CompiledAlias } from './aliases.ts'
import type { CompiledNormalizer } from './compile-normalizer.ts'

export interface NormalizerRegistry {
  /** All normalizers, highest priority first. */
  readonly normalizers: readonly CompiledNormalizer[]
  readonly aliases: ReadonlyMap<string, CompiledAlias>
  /** Candidates for a tool name, highest priority first (exact-tool + generic normalizers). */
  candidates(toolName: string): readonly CompiledNormalizer[]
}

/**
 * Builds the registry. Duplicate priorities and duplicate alias tools are issues (the reference's
 * PriorityConflict / AliasConflict); the first definition is kept.
 */
export function createNormalizerRegistry(
  normalizers: readonly CompiledNormalizer[],
  aliases: readonly CompiledAlias[] = [],
): { registry: NormalizerRegistry; issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = []
  const byPriority = new Map<number, CompiledNormalizer>()
  const kept: CompiledNormalizer[] = []
  for (const n of normalizers) {
    const existing = byPriority.get(n.priority)
    if (existing) {
      issues.push({
        ...issue('priority_conflict', ['priority'], `priority conflict: normalizers '${existing.id}' (${existing.file}) and '${n.id}' both have priority ${n.priority}`, { key: 'priority' }),
        file: n.file,
      })
      continue
    }
    byPriority.set(n.priority, n)
    kept.push(n)
  }
  kept.sort((a, b) => b.priority - a.priority)

  const generic = kept.filter((n) => n.exactTool === undefined)
  const byTool = new Map<string, CompiledNormalizer[]>()
  for (const n of kept) {
    if (n.exactTool === undefined) continue
    let list = byTool.get(n.exactTool)
    if (!list) byTool.set(n.exactTool, (list = []))
    list.push(n)
  }
  for (const [tool, list] of byTool) {
    byTool.set(tool, [...list, ...generic].sort((a, b) => b.priority - a.priority))
  }

  const aliasMap = new Map<string, CompiledAlias>()
  for (const a of aliases) {
    const existing = aliasMap.get(a.tool)
    if (existing) {
      issues.push({
        ...issue('alias_conflict', ['aliases'], `alias conflict: tool '${a.tool}' is aliased twice (first in ${existing.file})`, { key: a.tool }),
        file: a.file,
      })
      continue
    }
    aliasMap.set(a.tool, a)
  }

  const registry: NormalizerRegistry = {
    normalizers: kept,
    aliases: aliasMap,
    candidates: (toolName) => byTool.get(toolName) ?? generic,
  }
  return { registry, issues }
}
