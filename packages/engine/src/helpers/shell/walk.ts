/**
 * Walks a tree-sitter-bash syntax tree in execution order and hands every simple command to a
 * callback, with its words evaluated as far as a static reader can: quotes and escapes removed,
 * `$HOME`/`$PWD`/`$OLDPWD`, `~` and variables assigned earlier on the line substituted, brace
 * alternatives expanded, and anything else (`$X` unknown, `$(…)`) marked dynamic. Command and
 * process substitutions, here-documents, loops, functions, `{ }`, `( )`, `!` and `time` are all
 * walked; `cd`/`pushd`/`popd` move the working directory for what follows.
 */
import type { BashNode } from '../../parsers/bash.ts'

/** One evaluated word. */
export interface Word {
  /** The word's value; unknown parts keep their source text (`$X`, `$(…)`). */
  readonly text: string
  /** Some part could not be known statically. */
  readonly dynamic: boolean
  /** Commands inside `$(…)`/`<(…)` in this word (already reported to the callback). */
  readonly subst: readonly Cmd[]
  /** Unquoted glob characters. */
  readonly glob: boolean
  /** Other values brace expansion produced (`~{,}` → `~`, `~`). */
  readonly alternatives?: readonly string[]
  /** Some part came from a variable or a substitution (even if its value is known). */
  readonly expanded?: boolean
}

export interface Redirect {
  /** `>`, `>>`, `>|`, `&>`, `&>>`, `>&`, `<`, `<&`, `<>`, `<<`, `<<-`, `<<<`. */
  readonly op: string
  readonly fd?: string
  readonly target?: Word
  /** Here-document or here-string text (literal part). */
  readonly body?: string
  /** The here-document body has expansions or substitutions. */
  readonly bodyDynamic?: boolean
  /**
   * Words tree-sitter-bash files under the redirect although they follow its target
   * (`rm < /dev/null -rf ~`): in bash they are ordinary arguments of the command.
   */
  readonly extra?: readonly Word[]
}

/** One simple command in the line. */
export interface Cmd {
  readonly argv: readonly Word[]
  /** Prefix assignments (`X=1 cmd`). */
  readonly assigns: readonly (readonly [string, Word])[]
  readonly redirects: readonly Redirect[]
  /** Commands feeding this one's stdin through a pipe (transitively, same pipeline). */
  readonly pipeFrom: readonly Cmd[]
  readonly background: boolean
  /** Inside `$(…)`, `<(…)` or back-quotes. */
  readonly inSubst: boolean
  /** Working directory when the command runs (`undefined`: not given / lost). */
  readonly cwd: string | undefined
  /** An earlier `cd` went somewhere unknown: relative paths have unknown scope. */
  readonly cwdLost: boolean
  /** Source text of the command. */
  readonly text: string
  /** Filled in by the analyzer: the program after unwrapping, and whether it talks to the network. */
  program?: string
  network?: boolean
  /** Literal text the command prints (`echo`/`printf`/`cat <<EOF`), for `… | bash`. */
  output?: string
}

export interface WalkState {
  cwd: string | undefined
  cwdLost: boolean
  oldpwd: string | undefined
  readonly home: string | undefined
  readonly vars: Map<string, Word>
  /** Nodes visited; the walk stops (parse_error) when the budget runs out. */
  nodes: number
  readonly maxNodes: number
  /** Syntax nesting depth right now. */
  nest: number
  readonly maxNest: number
  overflow: boolean
  /** Function names defined on the line with their body text. */
  readonly functions: Map<string, string>
  /** Reasons found while walking (fork bombs). */
  readonly findings: string[]
}

interface Ctx {
  readonly pipeFrom: readonly Cmd[]
  readonly background: boolean
  readonly inSubst: boolean
  readonly redirects: readonly Redirect[]
}

export type OnCommand = (cmd: Cmd) => void

const NO_CTX: Ctx = { pipeFrom: [], background: false, inSubst: false, redirects: [] }

function lit(text: string): Word {
  return { text, dynamic: false, subst: [], glob: false }
}

function dyn(text: string, subst: readonly Cmd[] = []): Word {
  return { text, dynamic: true, subst, glob: false, expanded: true }
}

/** Removes backslash escapes from an unquoted word (`\rm` → `rm`, `a\ b` → `a b`). */
function unescapeBare(s: string): string {
  if (!s.includes('\\')) return s
  return s.replace(/\\(\n|.)/g, (_, c: string) => (c === '\n' ? '' : c))
}

function unescapeDouble(s: string): string {
  if (!s.includes('\\')) return s
  return s.replace(/\\([$`"\\\n])/g, (_, c: string) => (c === '\n' ? '' : c))
}

function decodeAnsiC(body: string): string {
  return body.replace(/\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === 'x' || e[0] === 'u') return String.fromCharCode(parseInt(e.slice(1), 16))
    if (/^[0-7]+$/.test(e)) return String.fromCharCode(parseInt(e, 8))
    return ({ n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v' } as Record<string, string>)[e] ?? e
  })
}

const SPECIAL_ENV = new Set(['HOME', 'PWD', 'OLDPWD'])

function expandVar(name: string, st: WalkState, raw: string): Word {
  const v = st.vars.get(name)
  if (v !== undefined) return { ...v, expanded: true }
  if (name === 'HOME' && st.home !== undefined) return { ...lit(st.home), expanded: true }
  if (name === 'HOME') return { ...lit('~'), expanded: true }
  if (name === 'PWD' && st.cwd !== undefined && !st.cwdLost) return { ...lit(st.cwd), expanded: true }
  if (name === 'OLDPWD' && st.oldpwd !== undefined) return { ...lit(st.oldpwd), expanded: true }
  if (name === 'USER' || name === 'LOGNAME') {
    const u = st.home === undefined ? undefined : /^\/(?:home|Users)\/([^/]+)$/.exec(st.home)?.[1]
    if (u !== undefined) return { ...lit(u), expanded: true }
  }
  void SPECIAL_ENV
  return dyn(raw)
}

/** Expands one level of `{a,b}` / `{1..3}` alternatives in a literal word (bounded). */
function braceExpand(s: string): string[] {
  const m = /^(.*?)\{([^{}]*,[^{}]*)\}(.*)$/s.exec(s)
  if (m === null) return [s]
  const [, pre, mid, post] = m as unknown as [string, string, string, string]
  const out: string[] = []
  for (const alt of mid.split(',').slice(0, 16)) for (const rest of braceExpand(post).slice(0, 16)) out.push(pre + alt + rest)
  return out
}

function concatWords(parts: readonly Word[], quoted: boolean): Word {
  if (parts.length === 1 && !quoted) return parts[0] as Word
  let text = ''
  let dynamic = false
  let glob = false
  let expanded = false
  const subst: Cmd[] = []
  for (const p of parts) {
    text += p.text
    dynamic ||= p.dynamic
    glob ||= p.glob
    expanded ||= p.expanded === true
    subst.push(...p.subst)
  }
  return expanded ? { text, dynamic, subst, glob, expanded } : { text, dynamic, subst, glob }
}

export class WalkAbort extends Error {}

function visitBudget(st: WalkState): void {
  st.nodes += 1
  if (st.nodes > st.maxNodes) {
    st.overflow = true
    throw new WalkAbort('node budget')
  }
}

/** Evaluates one argument-like node to a word. */
export function evalWord(n: BashNode, st: WalkState, on: OnCommand): Word {
  visitBudget(st)
  switch (n.type) {
    case 'word':
    case 'number':
    case 'variable_name':
    case 'extglob_pattern':
    case 'regex':
    case 'test_operator':
    case 'special_variable_name': {
      const raw = n.text
      // `~+` is $PWD and `~-` is $OLDPWD (tilde prefixes, expanded like `~`)
      const tildeDir = /^~([+-])(\/.*)?$/.exec(raw)
      if (n.type === 'word' && tildeDir !== null) {
        const dir = tildeDir[1] === '+' ? (st.cwdLost ? undefined : st.cwd) : st.oldpwd
        return dir === undefined ? dyn(raw) : { ...lit(`${dir}${tildeDir[2] ?? ''}`), expanded: true }
      }
      const text = unescapeBare(raw)
      const glob = /(?<!\\)[*?[]/.test(raw)
      const alts = raw.includes('{') && raw.includes(',') ? braceExpand(text) : undefined
      return alts !== undefined && alts.length > 1
        ? { text: alts[0] as string, dynamic: false, subst: [], glob, alternatives: alts.slice(1) }
        : { text, dynamic: false, subst: [], glob }
    }
    case 'raw_string':
      return lit(n.text.slice(1, -1))
    case 'ansi_c_string':
      return lit(decodeAnsiC(n.text.slice(2, -1)))
    case 'string':
    case 'translated_string': {
      const parts: Word[] = []
      let last = n.type === 'translated_string' ? n.startIndex + 2 : n.startIndex + 1
      for (const c of n.namedChildren) {
        if (c === null) continue
        if (c.type === 'string_content') parts.push(lit(unescapeDouble(c.text)))
        else parts.push(evalWord(c, st, on))
        last = c.endIndex
      }
      void last
      const w = concatWords(parts, true)
      return { ...w, glob: false }
    }
    case 'concatenation':
    case 'brace_expression': {
      const parts = n.namedChildren.filter((c): c is BashNode => c !== null).map((c) => evalWord(c, st, on))
      const w = concatWords(parts, false)
      if (!w.dynamic && n.text.includes('{') && n.text.includes(',')) {
        const alts = braceExpand(w.text)
        if (alts.length > 1) return { ...w, text: alts[0] as string, alternatives: alts.slice(1) }
      }
      if (n.type === 'brace_expression') return { ...w, text: n.text, glob: true }
      return w
    }
    case 'simple_expansion': {
      const name = n.namedChildren[0]?.text ?? ''
      return expandVar(name, st, n.text)
    }
    case 'expansion': {
      // `${X}` alone expands; `${X:-d}`, `${#X}`, `${X/a/b}` are dynamic.
      const m = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(n.text)
      if (m !== null) return expandVar(m[1] as string, st, n.text)
      const subst = walkNested(n, st, on)
      return dyn(n.text, subst)
    }
    case 'command_substitution':
    case 'process_substitution': {
      const saved = saveCwd(st)
      const cmds: Cmd[] = []
      const collectOn: OnCommand = (c) => {
        cmds.push(c)
        on(c)
      }
      for (const c of n.namedChildren) if (c !== null) walkStatement(c, st, collectOn, { ...NO_CTX, inSubst: true })
      restoreCwd(st, saved)
      if (n.type === 'process_substitution') return { ...dyn('/dev/fd/63', cmds), text: '/dev/fd/63' }
      // `$(echo 'rm -rf ~')`: the output is known text (the analyzer fills `output` as it sees the command).
      const only = cmds.length === 1 ? cmds[0] : undefined
      if (only?.output !== undefined && !only.argv.some((w) => w.dynamic)) return { text: only.output, dynamic: false, subst: cmds, glob: false, expanded: true }
      // `$(pwd)` is `$PWD`: the directory the line is in at this point, when known
      if (only !== undefined && only.argv.length === 1 && only.argv[0]?.text === 'pwd' && only.redirects.length === 0 && !st.cwdLost && st.cwd !== undefined) {
        return { text: st.cwd, dynamic: false, subst: cmds, glob: false, expanded: true }
      }
      return dyn(n.text, cmds)
    }
    case 'arithmetic_expansion': {
      const subst = walkNested(n, st, on)
      return dyn(n.text, subst)
    }
    case 'array': {
      const parts = n.namedChildren.filter((c): c is BashNode => c !== null).map((c) => evalWord(c, st, on))
      return { text: parts.map((p) => p.text).join(' '), dynamic: parts.some((p) => p.dynamic), subst: parts.flatMap((p) => p.subst), glob: false }
    }
    default: {
      const subst = walkNested(n, st, on)
      return dyn(n.text, subst)
    }
  }
}

/** Finds command substitutions anywhere under `n` (arithmetic, `${X:-$(…)}`) and walks them. */
function walkNested(n: BashNode, st: WalkState, on: OnCommand): Cmd[] {
  const out: Cmd[] = []
  const visit = (x: BashNode): void => {
    visitBudget(st)
    if (x.type === 'command_substitution' || x.type === 'process_substitution') {
      out.push(...evalWord(x, st, on).subst)
      return
    }
    for (const c of x.namedChildren) if (c !== null) visit(c)
  }
  for (const c of n.namedChildren) if (c !== null) visit(c)
  return out
}

function saveCwd(st: WalkState): [string | undefined, boolean, string | undefined] {
  return [st.cwd, st.cwdLost, st.oldpwd]
}

function restoreCwd(st: WalkState, s: [string | undefined, boolean, string | undefined]): void {
  ;[st.cwd, st.cwdLost, st.oldpwd] = s
}

function redirectOf(n: BashNode, st: WalkState, on: OnCommand): Redirect {
  let op = ''
  let fd: string | undefined
  let target: Word | undefined
  const extra: Word[] = []
  for (const c of n.children) {
    if (c === null) continue
    if (!c.isNamed) {
      if (op === '') op = c.type
      continue
    }
    if (c.type === 'file_descriptor') fd = c.text
    else if (target === undefined) target = evalWord(c, st, on)
    else extra.push(evalWord(c, st, on))
  }
  const more = extra.length > 0 ? { extra } : {}
  if (n.type === 'herestring_redirect') {
    return { op: '<<<', ...(target === undefined ? {} : { target, body: target.text, bodyDynamic: target.dynamic }), ...more }
  }
  return { op, ...(fd === undefined ? {} : { fd }), ...(target === undefined ? {} : { target }), ...more }
}

function joinPath(base: string, p: string): string {
  const segs: string[] = []
  for (const s of `${p.startsWith('/') ? '' : `${base}/`}${p}`.split('/')) {
    if (s === '' || s === '.') continue
    if (s === '..') segs.pop()
    else segs.push(s)
  }
  return `/${segs.join('/')}`
}

/** `cd`/`pushd`/`popd`: moves the walk's working directory. */
function changeDir(args: readonly Word[], st: WalkState): void {
  const target = args.find((a) => !a.text.startsWith('-') || a.text === '-')
  const prev = st.cwdLost ? undefined : st.cwd
  if (target === undefined) {
    st.oldpwd = prev
    if (st.home !== undefined) {
      st.cwd = st.home
      st.cwdLost = false
    } else st.cwdLost = true
    return
  }
  if (target.dynamic) {
    st.oldpwd = prev
    st.cwdLost = true
    return
  }
  let t = target.text
  if (t === '-') {
    const o = st.oldpwd
    st.oldpwd = prev
    if (o === undefined) st.cwdLost = true
    else {
      st.cwd = o
      st.cwdLost = false
    }
    return
  }
  if (t === '~' || t.startsWith('~/')) {
    if (st.home === undefined) {
      st.oldpwd = prev
      st.cwdLost = true
      return
    }
    t = st.home + t.slice(1)
  } else if (t.startsWith('~')) {
    const m = /^~([^/]+)(.*)$/.exec(t)
    t = `${st.home?.startsWith('/Users/') === true ? '/Users' : '/home'}/${m?.[1] ?? ''}${m?.[2] ?? ''}`
  }
  if (!t.startsWith('/') && (prev === undefined)) {
    st.oldpwd = prev
    st.cwdLost = true
    return
  }
  st.oldpwd = prev
  st.cwd = joinPath(prev ?? '/', t)
  st.cwdLost = false
}

function evalCommand(n: BashNode, st: WalkState, on: OnCommand, ctx: Ctx): void {
  const assigns: [string, Word][] = []
  const redirects: Redirect[] = [...ctx.redirects]
  const argv: Word[] = []
  for (const c of n.namedChildren) {
    if (c === null) continue
    switch (c.type) {
      case 'variable_assignment': {
        const name = c.childForFieldName('name')?.text ?? ''
        const value = c.childForFieldName('value')
        assigns.push([name, value === null ? lit('') : evalWord(value, st, on)])
        break
      }
      case 'file_redirect':
      case 'herestring_redirect': {
        const r = redirectOf(c, st, on)
        redirects.push(r)
        if (r.extra !== undefined) argv.push(...r.extra)
        break
      }
      case 'command_name': {
        const inner = c.namedChildren[0]
        argv.push(inner === null || inner === undefined ? lit(c.text) : evalWord(inner, st, on))
        break
      }
      case 'comment':
        break
      default:
        argv.push(evalWord(c, st, on))
    }
  }
  // words tree-sitter-bash hung under a redirect of the enclosing statement are this command's arguments
  for (const r of ctx.redirects) if (r.extra !== undefined) argv.push(...r.extra)
  // `X=1 Y=2` alone: assignments for the rest of the line.
  if (argv.length === 0) for (const [k, v] of assigns) st.vars.set(k, v)
  const cmd: Cmd = {
    argv,
    assigns,
    redirects,
    pipeFrom: ctx.pipeFrom,
    background: ctx.background,
    inSubst: ctx.inSubst,
    cwd: st.cwd,
    cwdLost: st.cwdLost,
    text: n.text,
  }
  on(cmd)
  const name = argv[0]
  if (name !== undefined && !name.dynamic && !ctx.inSubst) {
    const prog = name.text
    if (prog === 'cd' || prog === 'pushd') changeDir(argv.slice(1), st)
    else if (prog === 'popd') {
      st.cwdLost = true
    }
  }
}

/** Collects the commands reported while walking `n`. */
function walkCollect(n: BashNode, st: WalkState, on: OnCommand, ctx: Ctx): Cmd[] {
  const got: Cmd[] = []
  walkStatement(n, st, (c) => {
    got.push(c)
    on(c)
  }, ctx)
  return got
}

function isStatementSeparator(type: string): boolean {
  return type === ';' || type === '&' || type === '&&' || type === '||' || type === '\n' || type === ';;' || type === '|' || type === '|&'
}

/** Walks a sequence of children (program, body, list), noticing `&` after a statement. */
function walkSequence(children: readonly (BashNode | null)[], st: WalkState, on: OnCommand, ctx: Ctx, firstCtx?: Ctx): void {
  let first = true
  for (let i = 0; i < children.length; i += 1) {
    const c = children[i]
    if (c === null || c === undefined || !c.isNamed) continue
    let background = ctx.background
    for (let j = i + 1; j < children.length; j += 1) {
      const nx = children[j]
      if (nx === null || nx === undefined) continue
      if (!nx.isNamed && isStatementSeparator(nx.type)) {
        background ||= nx.type === '&'
        break
      }
      if (nx.isNamed) break
    }
    const base = first && firstCtx !== undefined ? firstCtx : ctx
    walkStatement(c, st, on, background === base.background ? base : { ...base, background })
    first = false
  }
}

function bodyMentions(body: string, name: string): boolean {
  const words = body.split(/[\s|&;(){}<>`$]+/)
  return words.includes(name)
}

export function walkStatement(n: BashNode, st: WalkState, on: OnCommand, ctx: Ctx = NO_CTX): void {
  visitBudget(st)
  st.nest += 1
  if (st.nest > st.maxNest) {
    st.overflow = true
    throw new WalkAbort('nesting')
  }
  try {
    switch (n.type) {
      case 'program':
      case 'compound_statement':
      case 'do_group':
      case 'else_clause':
        walkSequence(n.children, st, on, ctx)
        return
      case 'list':
        walkSequence(n.children, st, on, { ...ctx, pipeFrom: [] }, ctx)
        return
      case 'subshell': {
        const saved = saveCwd(st)
        walkSequence(n.children, st, on, ctx)
        restoreCwd(st, saved)
        return
      }
      case 'comment':
      case 'heredoc_body':
      case 'heredoc_start':
      case 'heredoc_end':
        return
      case 'command':
        evalCommand(n, st, on, ctx)
        return
      case 'pipeline': {
        let upstream: Cmd[] = [...ctx.pipeFrom]
        for (const c of n.namedChildren) {
          if (c === null) continue
          const got = walkCollect(c, st, on, { ...ctx, pipeFrom: upstream })
          upstream = [...upstream, ...got]
        }
        return
      }
      case 'negated_command':
        for (const c of n.namedChildren) if (c !== null) walkStatement(c, st, on, ctx)
        return
      case 'redirected_statement': {
        const body = n.childForFieldName('body')
        const redirects: Redirect[] = []
        const continuations: BashNode[] = []
        let heredocOp: string | undefined
        for (const r of n.namedChildren) {
          if (r === null || r === body) continue
          if (r.type === 'heredoc_redirect') {
            let delimQuoted = false
            let text = ''
            let bodyDynamic = false
            let op = '<<'
            for (const h of r.children) {
              if (h === null) continue
              if (!h.isNamed && (h.type === '<<' || h.type === '<<-')) op = h.type
              if (h.type === 'heredoc_start') delimQuoted = /['"\\]/.test(h.text)
              else if (h.type === 'heredoc_body') {
                text = h.text
                if (!delimQuoted) {
                  for (const b of h.namedChildren) {
                    if (b === null || b.type === 'heredoc_content') continue
                    bodyDynamic = true
                    evalWord(b, st, on)
                  }
                }
              } else if (h.isNamed && h.type !== 'heredoc_end' && h.type !== 'heredoc_start') {
                continuations.push(h)
                if (heredocOp === undefined) heredocOp = h.children.find((x) => x !== null && !x.isNamed)?.type
              }
            }
            redirects.push({ op, body: text, bodyDynamic })
          } else if (r.type === 'file_redirect' || r.type === 'herestring_redirect') {
            redirects.push(redirectOf(r, st, on))
          }
        }
        const got = body === null ? [] : walkCollect(body, st, on, { ...ctx, redirects: [...ctx.redirects, ...redirects] })
        if (body === null && redirects.length > 0) {
          on({ argv: [], assigns: [], redirects, pipeFrom: ctx.pipeFrom, background: ctx.background, inSubst: ctx.inSubst, cwd: st.cwd, cwdLost: st.cwdLost, text: n.text })
        }
        for (const k of continuations) {
          const piped = heredocOp === '|' || heredocOp === '|&' || k.type === 'pipeline' && k.children[0]?.type === '|'
          walkStatement(k, st, on, { ...NO_CTX, inSubst: ctx.inSubst, pipeFrom: piped ? got : [] })
        }
        return
      }
      case 'variable_assignment': {
        const name = n.childForFieldName('name')?.text ?? ''
        const value = n.childForFieldName('value')
        const w = value === null ? lit('') : evalWord(value, st, on)
        st.vars.set(name, w)
        on({ argv: [], assigns: [[name, w]], redirects: ctx.redirects, pipeFrom: ctx.pipeFrom, background: ctx.background, inSubst: ctx.inSubst, cwd: st.cwd, cwdLost: st.cwdLost, text: n.text })
        return
      }
      case 'variable_assignments':
        for (const c of n.namedChildren) if (c !== null) walkStatement(c, st, on, ctx)
        return
      case 'declaration_command':
      case 'unset_command': {
        const keyword = n.children[0]?.type ?? ''
        const args: Word[] = [lit(keyword)]
        // `declare -n r=HOME` (a name reference), `-i` (arithmetic), `-l`/`-u` (case change): the
        // value the variable holds is not the text written, so it is not known here
        let transforms = false
        for (const c of n.namedChildren) {
          if (c === null) continue
          if (c.type === 'variable_assignment') {
            walkStatement(c, st, on, ctx)
            args.push(lit(c.text))
            const name = c.childForFieldName('name')?.text ?? ''
            if (transforms && name !== '') st.vars.set(name, dyn(`$${name}`))
          } else {
            const w = evalWord(c, st, on)
            if (/^[-+][a-zA-Z]*[nilu]/.test(w.text) || w.dynamic) transforms = true
            args.push(w)
          }
        }
        on({ argv: args, assigns: [], redirects: ctx.redirects, pipeFrom: ctx.pipeFrom, background: ctx.background, inSubst: ctx.inSubst, cwd: st.cwd, cwdLost: st.cwdLost, text: n.text })
        return
      }
      case 'function_definition': {
        const name = n.childForFieldName('name')?.text ?? ''
        const body = n.childForFieldName('body')
        const text = body?.text ?? ''
        st.functions.set(name, text)
        if (name !== '' && bodyMentions(text, name) && /[|&]/.test(text)) {
          st.findings.push(`fork bomb: function '${name}' spawns itself`)
        }
        // The body is judged as if it runs (it usually does, on the same line).
        if (body !== null) walkStatement(body, st, on, { ...NO_CTX, inSubst: ctx.inSubst })
        return
      }
      case 'for_statement': {
        const variable = n.childForFieldName('variable')?.text
        const values: Word[] = []
        let body: BashNode | null = null
        for (const c of n.namedChildren) {
          if (c === null) continue
          if (c.type === 'do_group') body = c
          else if (c.type !== 'variable_name') values.push(evalWord(c, st, on))
        }
        if (body === null) return
        const expanded = values.flatMap((v) => (v.alternatives === undefined ? [v] : [v, ...v.alternatives.map(lit)]))
        if (variable !== undefined && expanded.length > 0 && expanded.length <= 4) {
          for (const v of expanded) {
            st.vars.set(variable, v)
            walkStatement(body, st, on, ctx)
          }
        } else {
          if (variable !== undefined) st.vars.set(variable, dyn(`$${variable}`))
          walkStatement(body, st, on, ctx)
        }
        return
      }
      case 'while_statement': {
        const cond = n.childForFieldName('condition')
        const body = n.childForFieldName('body')
        if (cond !== null) walkStatement(cond, st, on, ctx)
        if (body !== null) {
          const condText = cond?.text.trim() ?? ''
          if (/^(true|:|\[\s*1\s*\]|\(\(\s*1\s*\)\))\s*;?$/.test(condText) && /(^|[^&])&($|[^&>])/.test(body.text)) {
            st.findings.push('fork bomb: an endless loop that keeps starting background processes')
          }
          walkStatement(body, st, on, ctx)
        }
        return
      }
      default:
        // if/elif/case/c-style for/test/arithmetic/select and anything newer: walk what is inside.
        for (const c of n.namedChildren) {
          if (c === null) continue
          if (c.type === 'command' || c.type.endsWith('_statement') || c.type === 'list' || c.type === 'pipeline' ||
            c.type === 'compound_statement' || c.type === 'subshell' || c.type === 'redirected_statement' ||
            c.type === 'negated_command' || c.type === 'function_definition' || c.type === 'declaration_command' ||
            c.type === 'variable_assignment' || c.type === 'do_group' || c.type === 'else_clause' ||
            c.type === 'elif_clause' || c.type === 'case_item' || c.type === 'unset_command' || c.type === 'test_command') {
            walkStatement(c, st, on, ctx)
          } else if (c.type !== 'comment') {
            evalWord(c, st, on)
          }
        }
    }
  } finally {
    st.nest -= 1
  }
}

/** Whether the tree has ERROR or MISSING nodes (text bash would not accept as written). */
export function hasSyntaxError(root: BashNode): boolean {
  return root.hasError
}
