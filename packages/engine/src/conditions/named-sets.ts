/** Named string sets (profile `named_sets`) with dotted-suffix, case-insensitive membership. */

/** Set name → lower-cased entries. Build with `createNamedSets`. */
export type NamedSets = ReadonlyMap<string, ReadonlySet<string>>

export function createNamedSets(sets: Readonly<Record<string, readonly string[]>>): NamedSets {
  return new Map(
    Object.entries(sets).map(([name, entries]) => [name, new Set(entries.map((e) => e.toLowerCase()))]),
  )
}

/** True iff `value` (lower-cased) equals an entry or ends with `.` + entry. */
export function inNamedSet(sets: NamedSets | undefined, name: string, value: string): boolean {
  const set = sets?.get(name)
  if (!set || set.size === 0) return false
  const needle = value.toLowerCase()
  if (set.has(needle)) return true
  for (let i = needle.indexOf('.'); i >= 0; i = needle.indexOf('.', i + 1)) {
    if (set.has(needle.slice(i + 1))) return true
  }
  return false
}
