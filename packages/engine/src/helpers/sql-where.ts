/**
 * Whether a `DELETE`/`UPDATE`/`MERGE` row filter (a PostgreSQL parse tree expression) lets through
 * (nearly) every row. Three ideas, generalised rather than matched against spellings:
 * - constant folding with SQL's three-valued logic (`true`, `1=1`, `'a'='a'`, `NOT false`,
 *   `2>1 OR x=1`, `'1'::int = 1`);
 * - a filter that reads no column of the target row is the same for every row: all or nothing
 *   (`now() > '2000-01-01'`, `EXISTS (SELECT 1 FROM other)`), so unless it folds to false it is
 *   unbounded;
 * - predicates that hold for all ordinary data: `id > 0`, `id >= 1`, `x IS NOT NULL`, `x = x`,
 *   `x <> 5`, `x NOT IN (…)`, `x LIKE '%'`, `x ~ '.*'`, `created_at > '1970-01-01'`,
 *   `id BETWEEN 0 AND 1e9` (`expires_at < now()` stays bounded: it depends on the column's meaning).
 * AND needs every operand broad, OR any, NOT turns an (almost) empty filter into a broad one.
 */

export type Node = Readonly<Record<string, unknown>>

export function isObj(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** `{ A_Expr: {…} }` → `['A_Expr', {…}]` for a parse-tree node wrapper. */
export function unwrap(v: unknown): [string, Node] | undefined {
  if (!isObj(v)) return undefined
  const keys = Object.keys(v)
  if (keys.length !== 1) return undefined
  const k = keys[0] as string
  const inner = v[k]
  return isObj(inner) ? [k, inner] : undefined
}

type Const =
  | { readonly t: 'num'; readonly v: number }
  | { readonly t: 'str'; readonly v: string }
  | { readonly t: 'bool'; readonly v: boolean }
  | { readonly t: 'null' }

type Truth = 'true' | 'false' | 'null' | 'unknown'

function opName(e: Node): string {
  const names = e['name']
  if (!Array.isArray(names)) return ''
  const last = unwrap(names[names.length - 1])
  return last !== undefined && typeof last[1]['sval'] === 'string' ? last[1]['sval'] : ''
}

function typeNameOf(tc: Node): string {
  const tn = isObj(tc['typeName']) ? tc['typeName'] : undefined
  const names = tn !== undefined && Array.isArray(tn['names']) ? tn['names'] : []
  const last = unwrap(names[names.length - 1])
  return last !== undefined && typeof last[1]['sval'] === 'string' ? last[1]['sval'].toLowerCase() : ''
}

const NUMERIC_TYPES = new Set(['int2', 'int4', 'int8', 'numeric', 'float4', 'float8', 'int', 'integer', 'bigint', 'smallint', 'decimal', 'real', 'oid'])

function toNum(c: Const): number | undefined {
  if (c.t === 'num') return c.v
  if (c.t === 'bool') return c.v ? 1 : 0
  if (c.t === 'str' && /^\s*[-+]?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?\s*$/i.test(c.v)) return Number(c.v)
  return undefined
}

function toBool(c: Const): boolean | undefined {
  if (c.t === 'bool') return c.v
  if (c.t === 'num') return c.v !== 0
  if (c.t === 'str') {
    const s = c.v.trim().toLowerCase()
    if (['t', 'true', 'y', 'yes', 'on', '1'].includes(s)) return true
    if (['f', 'false', 'n', 'no', 'off', '0'].includes(s)) return false
  }
  return undefined
}

/** The constant value of an expression, when it has one we can fold. */
export function constOf(v: unknown): Const | undefined {
  const u = unwrap(v)
  if (u === undefined) return undefined
  const [kind, n] = u
  switch (kind) {
    case 'A_Const': {
      if (n['isnull'] === true) return { t: 'null' }
      if (isObj(n['ival'])) return { t: 'num', v: typeof n['ival']['ival'] === 'number' ? n['ival']['ival'] : 0 }
      if (isObj(n['fval'])) return { t: 'num', v: Number(n['fval']['fval'] ?? 0) }
      if (isObj(n['boolval'])) return { t: 'bool', v: n['boolval']['boolval'] === true }
      if (isObj(n['sval'])) return { t: 'str', v: typeof n['sval']['sval'] === 'string' ? n['sval']['sval'] : '' }
      return undefined
    }
    case 'TypeCast': {
      const c = constOf(n['arg'])
      if (c === undefined || c.t === 'null') return c
      const type = typeNameOf(n)
      if (NUMERIC_TYPES.has(type)) {
        const x = toNum(c)
        return x === undefined ? undefined : { t: 'num', v: x }
      }
      if (type === 'bool' || type === 'boolean') {
        const b = toBool(c)
        return b === undefined ? undefined : { t: 'bool', v: b }
      }
      if (type === 'text' || type === 'varchar' || type === 'bpchar') {
        return c.t === 'str' ? c : { t: 'str', v: c.t === 'num' ? String(c.v) : String(c.v) }
      }
      return c
    }
    case 'A_Expr': {
      if (n['kind'] !== 'AEXPR_OP') return undefined
      const op = opName(n)
      const r = constOf(n['rexpr'])
      if (n['lexpr'] === undefined) {
        if (r === undefined) return undefined
        const x = toNum(r)
        if (x === undefined) return undefined
        return op === '-' ? { t: 'num', v: -x } : op === '+' ? { t: 'num', v: x } : undefined
      }
      const l = constOf(n['lexpr'])
      if (l === undefined || r === undefined) return undefined
      if (l.t === 'null' || r.t === 'null') return ['+', '-', '*', '/', '%', '||'].includes(op) ? { t: 'null' } : undefined
      if (op === '||') return { t: 'str', v: constText(l) + constText(r) }
      const a = toNum(l)
      const b = toNum(r)
      if (a === undefined || b === undefined) return undefined
      switch (op) {
        case '+': return { t: 'num', v: a + b }
        case '-': return { t: 'num', v: a - b }
        case '*': return { t: 'num', v: a * b }
        case '/': return b === 0 ? undefined : { t: 'num', v: a / b }
        case '%': return b === 0 ? undefined : { t: 'num', v: a % b }
        default: return undefined
      }
    }
    default:
      return undefined
  }
}

function constText(c: Const): string {
  return c.t === 'null' ? '' : String(c.v)
}

function compare(op: string, l: Const, r: Const): Truth {
  if (l.t === 'null' || r.t === 'null') return 'null'
  const a = toNum(l)
  const b = toNum(r)
  let cmp: number
  if (a !== undefined && b !== undefined && (l.t !== 'str' || r.t !== 'str')) cmp = a === b ? 0 : a < b ? -1 : 1
  else if (l.t === 'str' && r.t === 'str') cmp = l.v === r.v ? 0 : l.v < r.v ? -1 : 1
  else if (l.t === 'bool' || r.t === 'bool') {
    const x = toBool(l)
    const y = toBool(r)
    if (x === undefined || y === undefined) return 'unknown'
    cmp = x === y ? 0 : x ? 1 : -1
  } else return 'unknown'
  const res = ((): boolean | undefined => {
    switch (op) {
      case '=': return cmp === 0
      case '<>': case '!=': return cmp !== 0
      case '<': return cmp < 0
      case '<=': return cmp <= 0
      case '>': return cmp > 0
      case '>=': return cmp >= 0
      default: return undefined
    }
  })()
  return res === undefined ? 'unknown' : res ? 'true' : 'false'
}

function likeToRegex(pattern: string, ci: boolean): RegExp {
  let re = ''
  for (let i = 0; i < pattern.length; i += 1) {
    const ch = pattern[i] as string
    if (ch === '\\' && i + 1 < pattern.length) {
      re += (pattern[i + 1] as string).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      i += 1
    } else if (ch === '%') re += '[\\s\\S]*'
    else if (ch === '_') re += '[\\s\\S]'
    else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${re}$`, ci ? 'iu' : 'u')
}

function not(t: Truth): Truth {
  return t === 'true' ? 'false' : t === 'false' ? 'true' : t
}

/** Three-valued constant evaluation of a condition; `unknown` when it depends on data. */
export function truthOf(v: unknown): Truth {
  const c = constOf(v)
  if (c !== undefined) {
    if (c.t === 'null') return 'null'
    const b = toBool(c)
    return b === undefined ? 'unknown' : b ? 'true' : 'false'
  }
  const u = unwrap(v)
  if (u === undefined) return 'unknown'
  const [kind, n] = u
  const args = Array.isArray(n['args']) ? n['args'] : []
  switch (kind) {
    case 'BoolExpr': {
      const ts = args.map(truthOf)
      if (n['boolop'] === 'NOT_EXPR') return not(ts[0] ?? 'unknown')
      if (n['boolop'] === 'AND_EXPR') {
        if (ts.includes('false')) return 'false'
        if (ts.includes('unknown')) return 'unknown'
        return ts.includes('null') ? 'null' : 'true'
      }
      if (ts.includes('true')) return 'true'
      if (ts.includes('unknown')) return 'unknown'
      return ts.includes('null') ? 'null' : 'false'
    }
    case 'A_Expr': {
      const l = constOf(n['lexpr'])
      const op = opName(n)
      if (n['kind'] === 'AEXPR_OP') {
        const r = constOf(n['rexpr'])
        return l === undefined || r === undefined ? 'unknown' : compare(op, l, r)
      }
      if (n['kind'] === 'AEXPR_LIKE' || n['kind'] === 'AEXPR_ILIKE') {
        const r = constOf(n['rexpr'])
        if (l === undefined || r === undefined) return 'unknown'
        if (l.t === 'null' || r.t === 'null') return 'null'
        const hit = likeToRegex(constText(r), n['kind'] === 'AEXPR_ILIKE').test(constText(l))
        return (op.startsWith('!') ? !hit : hit) ? 'true' : 'false'
      }
      if (n['kind'] === 'AEXPR_DISTINCT' || n['kind'] === 'AEXPR_NOT_DISTINCT') {
        const r = constOf(n['rexpr'])
        if (l === undefined || r === undefined) return 'unknown'
        const same = l.t === 'null' || r.t === 'null' ? l.t === r.t : compare('=', l, r) === 'true'
        return (n['kind'] === 'AEXPR_DISTINCT' ? !same : same) ? 'true' : 'false'
      }
      if (n['kind'] === 'AEXPR_IN') {
        const items = listItems(n['rexpr']).map(constOf)
        if (l === undefined || items.some((i) => i === undefined)) return 'unknown'
        const hits = items.map((i) => compare('=', l, i as Const))
        const any: Truth = hits.includes('true') ? 'true' : hits.includes('null') ? 'null' : 'false'
        return op === '<>' ? not(any) : any
      }
      if (n['kind'] === 'AEXPR_BETWEEN' || n['kind'] === 'AEXPR_NOT_BETWEEN') {
        const [lo, hi] = listItems(n['rexpr']).map(constOf)
        if (l === undefined || lo === undefined || hi === undefined) return 'unknown'
        const a = compare('>=', l, lo)
        const b = compare('<=', l, hi)
        const t: Truth = a === 'false' || b === 'false' ? 'false' : a === 'true' && b === 'true' ? 'true' : a === 'unknown' || b === 'unknown' ? 'unknown' : 'null'
        return n['kind'] === 'AEXPR_BETWEEN' ? t : not(t)
      }
      return 'unknown'
    }
    case 'NullTest': {
      const c2 = constOf(n['arg'])
      if (c2 === undefined) return 'unknown'
      const isNull = c2.t === 'null'
      return (n['nulltesttype'] === 'IS_NULL' ? isNull : !isNull) ? 'true' : 'false'
    }
    case 'BooleanTest': {
      const t = truthOf(n['arg'])
      if (t === 'unknown') return 'unknown'
      switch (n['booltesttype']) {
        case 'IS_TRUE': return t === 'true' ? 'true' : 'false'
        case 'IS_NOT_TRUE': return t === 'true' ? 'false' : 'true'
        case 'IS_FALSE': return t === 'false' ? 'true' : 'false'
        case 'IS_NOT_FALSE': return t === 'false' ? 'false' : 'true'
        case 'IS_UNKNOWN': return t === 'null' ? 'true' : 'false'
        case 'IS_NOT_UNKNOWN': return t === 'null' ? 'false' : 'true'
        default: return 'unknown'
      }
    }
    default:
      return 'unknown'
  }
}

function listItems(v: unknown): unknown[] {
  if (Array.isArray(v)) return v
  const u = unwrap(v)
  if (u !== undefined && u[0] === 'List' && Array.isArray(u[1]['items'])) return u[1]['items']
  return []
}

/** Functions that keep a column's rows (`coalesce(id, 0) >= 0` filters like `id >= 0`). */
const SEE_THROUGH = new Set(['coalesce', 'lower', 'upper', 'trim', 'btrim', 'ltrim', 'rtrim', 'abs', 'length',
  'char_length', 'octet_length', 'nullif', 'greatest', 'date', 'date_trunc', 'floor', 'ceil', 'round', 'text', 'unaccent'])

function columnKey(v: unknown): string | undefined {
  let u = unwrap(v)
  for (let i = 0; i < 16 && u !== undefined; i += 1) {
    if (u[0] === 'TypeCast') u = unwrap(u[1]['arg'])
    else if (u[0] === 'CoalesceExpr' && Array.isArray(u[1]['args'])) u = unwrap(u[1]['args'][0])
    else if (u[0] === 'FuncCall' && Array.isArray(u[1]['args']) && Array.isArray(u[1]['funcname'])) {
      const names = u[1]['funcname']
      const last = unwrap(names[names.length - 1])
      if (last === undefined || !SEE_THROUGH.has(String(last[1]['sval']).toLowerCase())) return undefined
      const col = u[1]['args'].find((x) => unwrap(x)?.[0] !== 'A_Const')
      u = unwrap(col)
    } else break
  }
  if (u === undefined || u[0] !== 'ColumnRef' || !Array.isArray(u[1]['fields'])) return undefined
  return u[1]['fields'].map((f) => {
    const s = unwrap(f)
    return s !== undefined && typeof s[1]['sval'] === 'string' ? s[1]['sval'] : '*'
  }).join('.')
}

/** The target row's names: its table name and alias, used to tell correlated sub-queries. */
export interface Target {
  readonly names: ReadonlySet<string>
}

/** Whether the expression reads a column of the target row (outside sub-queries, or qualified inside). */
function readsRow(v: unknown, target: Target): boolean {
  const stack: { node: unknown; inSub: boolean }[] = [{ node: v, inSub: false }]
  let budget = 100_000
  while (stack.length > 0 && budget-- > 0) {
    const { node, inSub } = stack.pop() as { node: unknown; inSub: boolean }
    if (Array.isArray(node)) {
      for (const x of node) stack.push({ node: x, inSub })
      continue
    }
    if (!isObj(node)) continue
    for (const [k, val] of Object.entries(node)) {
      if (k === 'ColumnRef' && isObj(val)) {
        const fields = Array.isArray(val['fields']) ? val['fields'] : []
        if (!inSub) return true
        const first = unwrap(fields[0])
        if (fields.length > 1 && first !== undefined && target.names.has(String(first[1]['sval']).toLowerCase())) return true
        continue
      }
      if (k === 'SubLink' && isObj(val)) {
        // `x IN (SELECT …)`: the tested expression belongs to the outer row, the sub-query does not
        stack.push({ node: val['testexpr'], inSub }, { node: val['subselect'], inSub: true })
        continue
      }
      stack.push({ node: val, inSub })
    }
  }
  return budget <= 0
}

function yearOf(c: Const): number | undefined {
  if (c.t !== 'str') return undefined
  const m = /^\s*(\d{4})-\d{1,2}-\d{1,2}/.exec(c.v)
  return m === null ? undefined : Number(m[1])
}

const LOW_BOUND = 1
const HIGH_BOUND = 1e9
const FLIP: Readonly<Record<string, string>> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=', '=': '=', '<>': '<>', '!=': '!=' }

/** `column op constant` that holds for all ordinary rows (ids, counters, timestamps, names). */
function broadComparison(op: string, col: string, other: unknown): boolean {
  const c = constOf(other)
  const otherCol = columnKey(other)
  if (otherCol !== undefined) {
    return otherCol === col && ['=', '<=', '>='].includes(op)
  }
  if (op === '<>' || op === '!=') return c !== undefined
  if (c === undefined) return false
  if (c.t === 'null') return false
  const x = toNum(c)
  const year = yearOf(c)
  switch (op) {
    case '>': return (x !== undefined && x < LOW_BOUND) || (year !== undefined && year < 1980) || (c.t === 'str' && c.v === '')
    case '>=': return (x !== undefined && x <= LOW_BOUND) || (year !== undefined && year < 1980) || (c.t === 'str' && c.v === '')
    case '<': case '<=': return (x !== undefined && x >= HIGH_BOUND) || (year !== undefined && year >= 2100)
    default: return false
  }
}

function allPercent(v: unknown): boolean {
  const c = constOf(v)
  return c !== undefined && c.t === 'str' && /^%+$/.test(c.v)
}

function matchesAllRegex(v: unknown): boolean {
  const c = constOf(v)
  return c !== undefined && c.t === 'str' && /^\^?(\.\*)*\$?$/.test(c.v)
}

/** The filter lets through (nearly) every row of the target. */
export function broadFilter(v: unknown, target: Target, depth = 0): boolean {
  if (depth > 64) return true
  const t = truthOf(v)
  if (t === 'true') return true
  if (t === 'false' || t === 'null') return false
  if (!readsRow(v, target)) return true
  const u = unwrap(v)
  if (u === undefined) return false
  const [kind, n] = u
  const args = Array.isArray(n['args']) ? n['args'] : []
  switch (kind) {
    case 'BoolExpr':
      if (n['boolop'] === 'OR_EXPR') return args.some((a) => broadFilter(a, target, depth + 1))
      if (n['boolop'] === 'AND_EXPR') return args.every((a) => broadFilter(a, target, depth + 1))
      return emptyFilter(args[0], target, depth + 1)
    case 'NullTest':
      return n['nulltesttype'] === 'IS_NOT_NULL' && columnKey(n['arg']) !== undefined
    case 'BooleanTest':
      if (n['booltesttype'] === 'IS_TRUE' || n['booltesttype'] === 'IS_NOT_FALSE') return broadFilter(n['arg'], target, depth + 1)
      if (n['booltesttype'] === 'IS_FALSE' || n['booltesttype'] === 'IS_NOT_TRUE') return emptyFilter(n['arg'], target, depth + 1)
      return false
    case 'A_Expr': {
      const op = opName(n)
      const lcol = columnKey(n['lexpr'])
      const rcol = columnKey(n['rexpr'])
      switch (n['kind']) {
        case 'AEXPR_OP':
          if (lcol !== undefined) {
            if (op === '~' || op === '~*') return matchesAllRegex(n['rexpr'])
            return broadComparison(op, lcol, n['rexpr'])
          }
          if (rcol !== undefined) return broadComparison(FLIP[op] ?? '', rcol, n['lexpr'])
          return false
        case 'AEXPR_LIKE': case 'AEXPR_ILIKE': case 'AEXPR_SIMILAR':
          return !op.startsWith('!') && lcol !== undefined && allPercent(n['rexpr'])
        case 'AEXPR_IN':
          return op === '<>' && lcol !== undefined
        case 'AEXPR_DISTINCT':
          return lcol !== undefined && (rcol === undefined || rcol !== lcol)
        case 'AEXPR_NOT_DISTINCT':
          return lcol !== undefined && lcol === rcol
        case 'AEXPR_BETWEEN': {
          const [lo, hi] = listItems(n['rexpr'])
          return lcol !== undefined && broadComparison('>=', lcol, lo) && broadComparison('<=', lcol, hi)
        }
        default:
          return false
      }
    }
    case 'SubLink':
      return selfSubquery(n, target)
    default:
      return false
  }
}

/** `id IN (SELECT id FROM <the target table>)` with no filter of its own: every row. */
function selfSubquery(n: Node, target: Target): boolean {
  if (n['subLinkType'] !== 'ANY_SUBLINK' || columnKey(n['testexpr']) === undefined) return false
  const sel = unwrap(n['subselect'])
  if (sel === undefined || sel[0] !== 'SelectStmt') return false
  const s = sel[1]
  if (s['whereClause'] !== undefined || s['limitCount'] !== undefined || s['havingClause'] !== undefined) return false
  const from = Array.isArray(s['fromClause']) ? s['fromClause'] : []
  const rv = from.length === 1 ? unwrap(from[0]) : undefined
  return rv !== undefined && rv[0] === 'RangeVar' && target.names.has(String(rv[1]['relname']).toLowerCase())
}

/** The filter lets (almost) no row through: false, NULL, `x IS NULL`, `x <> x`. */
function emptyFilter(v: unknown, target: Target, depth: number): boolean {
  if (depth > 64) return false
  const t = truthOf(v)
  if (t === 'false' || t === 'null') return true
  if (t === 'true') return false
  const u = unwrap(v)
  if (u === undefined) return false
  const [kind, n] = u
  const args = Array.isArray(n['args']) ? n['args'] : []
  switch (kind) {
    case 'BoolExpr':
      if (n['boolop'] === 'OR_EXPR') return args.every((a) => emptyFilter(a, target, depth + 1))
      if (n['boolop'] === 'AND_EXPR') return args.some((a) => emptyFilter(a, target, depth + 1))
      return broadFilter(args[0], target, depth + 1)
    case 'NullTest':
      return n['nulltesttype'] === 'IS_NULL' && columnKey(n['arg']) !== undefined
    case 'A_Expr': {
      if (n['kind'] !== 'AEXPR_OP') return false
      const op = opName(n)
      const l = columnKey(n['lexpr'])
      const r = columnKey(n['rexpr'])
      if (l !== undefined && l === r) return ['<>', '!=', '<', '>'].includes(op)
      if (l !== undefined && r === undefined) return broadComplement(op, l, n['rexpr'])
      if (r !== undefined && l === undefined) return broadComplement(FLIP[op] ?? '', r, n['lexpr'])
      return false
    }
    default:
      return false
  }
}

/** `column op constant` whose negation is broad (`id <= 0`, `id < 1`, `id = 5` is not). */
function broadComplement(op: string, col: string, other: unknown): boolean {
  const NEG: Readonly<Record<string, string>> = { '<': '>=', '<=': '>', '>': '<=', '>=': '<', '=': '<>' }
  const neg = NEG[op]
  return neg !== undefined && broadComparison(neg, col, other)
}
