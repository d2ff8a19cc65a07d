/** `tool_pattern` globs: `*` matches any run (including none); everything else is literal. */
export function matchesToolPattern(pattern: string, name: string): boolean {
  if (!pattern.includes('*')) return pattern === name
  const parts = pattern.split('*')
  const first = parts[0] as string
  const last = parts[parts.length - 1] as string
  if (!name.startsWith(first)) return false
  let cursor = first.length
  for (let i = 1; i < parts.length - 1; i++) {
    const part = parts[i] as string
    if (part === '') continue
    const at = name.indexOf(part, cursor)
    if (at < 0) return false
    cursor = at + part.length
  }
  return name.length - cursor >= last.length && name.endsWith(last)
}
