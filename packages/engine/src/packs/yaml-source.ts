/** Parses YAML text into plain values, keeping enough to map a document path to a line. */
import { isAlias, isCollection, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml'
import { issue, type IssuePath, type ValidationIssue } from '../errors.ts'

export interface Position {
  readonly line: number
  readonly column: number
}

export interface ParsedYaml {
  /** The plain value (`undefined` when the text had syntax errors). */
  readonly value: unknown
  /** Syntax errors and warnings, with lines. */
  readonly issues: readonly ValidationIssue[]
  /** Line/column of the node (or key) at `path`, or of its nearest existing ancestor. */
  locate(path: IssuePath): Position | undefined
}

export function parseYaml(text: string): ParsedYaml {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true })
  const issues: ValidationIssue[] = []
  for (const e of [...doc.errors, ...doc.warnings]) {
    const pos = e.linePos?.[0]
    issues.push({
      ...issue(
        e.code === 'DUPLICATE_KEY' ? 'duplicate_key' : 'yaml_syntax',
        [],
        `YAML ${doc.errors.includes(e as never) ? 'error' : 'warning'}: ${(e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`,
        { severity: doc.errors.includes(e as never) ? 'error' : 'warning' },
      ),
      ...(pos ? { line: pos.line, column: pos.col } : {}),
    })
  }
  const keyIssues = collectionKeyIssues(doc, lineCounter)
  issues.push(...keyIssues)
  const hasErrors = doc.errors.length > 0 || keyIssues.length > 0
  let value: unknown
  if (!hasErrors) {
    try {
      value = doc.toJS({ maxAliasCount: 1000 })
    } catch (err) {
      issues.push(issue('yaml_syntax', [], `YAML error: ${err instanceof Error ? err.message : String(err)}`))
    }
  }
  return {
    value,
    issues,
    locate: (path) => locate(doc, lineCounter, path),
  }
}

/**
 * A sequence or mapping used as a mapping key (`? [a, b]: x`, `{a: 1}: x`) is never valid in a
 * pack or profile; the YAML library would stringify it and emit a process warning, so it is
 * reported as an error at the key instead (and the document is not converted).
 */
export function collectionKeyIssues(doc: Document, lineCounter: LineCounter): ValidationIssue[] {
  const issues: ValidationIssue[] = []
  visit(doc, {
    Pair(_key, pair, ancestors) {
      const key = isAlias(pair.key) ? pair.key.resolve(doc) : pair.key
      if (!isCollection(key)) return
      const offset = (pair.key as Node).range?.[0]
      const pos = offset === undefined ? undefined : lineCounter.linePos(offset)
      issues.push({
        ...issue('collection_key', issuePath(ancestors), `YAML error: a ${isMap(key) ? 'mapping' : 'sequence'} cannot be used as a mapping key`),
        ...(pos ? { line: pos.line, column: pos.col } : {}),
      })
    },
  })
  return issues
}

/** The document path (`rules.0.when`) of the mapping a visited pair sits in. */
function issuePath(ancestors: readonly unknown[]): IssuePath {
  const path: (string | number)[] = []
  ancestors.forEach((node, i) => {
    if (isPair(node) && isScalar(node.key) && (typeof node.key.value === 'string' || typeof node.key.value === 'number')) {
      path.push(node.key.value)
    } else if (isSeq(node)) {
      path.push(node.items.indexOf(ancestors[i + 1] as never))
    }
  })
  return path
}

function locate(doc: Document, lc: LineCounter, path: IssuePath): Position | undefined {
  let node: unknown = doc.contents
  let best: Node | undefined = (doc.contents as Node | null) ?? undefined
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === seg)
      if (!pair) break
      if (i === path.length - 1 && isScalar(pair.key)) {
        best = pair.key
        break
      }
      node = pair.value
      if (node && typeof node === 'object' && 'range' in node) best = node as Node
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg]
      if (!node) break
      if (typeof node === 'object' && 'range' in node) best = node as Node
    } else {
      break
    }
  }
  const offset = best?.range?.[0]
  if (offset === undefined) return undefined
  const p = lc.linePos(offset)
  return { line: p.line, column: p.col }
}
