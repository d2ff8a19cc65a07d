/**
 * What SQL clients accept besides SQL, for text that does not parse as PostgreSQL: psql
 * meta-commands (`\dt`, `\x`, `\copy`, `\!`, `\gexec`, …), sqlite3 dot-commands (`.tables`,
 * `.shell`, …) and a few read-only MySQL/SQLite statements (`DESCRIBE t`, `SHOW TABLES`,
 * `PRAGMA table_info(t)`, `USE db`). Each is classified by name; anything else stays unparsed.
 * psql: a meta-command runs to the end of its line unless `\\` ends it (the rest is SQL); a
 * back-quoted argument runs a shell command.
 */

export type ClientSeverity = 'none' | 'review' | 'deny'
export type ClientRisk = 'command_exec' | 'host_file' | 'dynamic_sql' | 'native_code' | 'unknown_statement'

export interface ClientCommand {
  readonly text: string
  /** `select` (reads, describes), `neutral` (display settings), `export`, `insert`. */
  readonly effect: 'select' | 'neutral' | 'export' | 'insert'
  readonly severity: ClientSeverity
  readonly risk?: ClientRisk
  readonly reason?: string
}

export interface ClientSplit {
  /** The SQL left once client commands are taken out, in order. */
  readonly sql: string
  readonly commands: readonly ClientCommand[]
}

const PSQL_READ = /^\\(d[a-zA-Z]*\+?S?|l\+?|z|sf\+?|sv\+?|conninfo|encoding|timing|x|a|t|H|C|f|pset|echo|qecho|warn|q|quit|\?|h|help|if|elif|else|endif|set|unset|prompt|c|connect|copyright|errverbose|p|print|r|reset|password|cd|bind|parse|close|getenv)$/
const PSQL_PIPE = /^\\(o|out|g|gx|w|write)$/

function cmd(text: string, effect: ClientCommand['effect'], severity: ClientSeverity = 'none', risk?: ClientRisk, reason?: string): ClientCommand {
  return { text, effect, severity, ...(risk !== undefined ? { risk } : {}), ...(reason !== undefined ? { reason } : {}) }
}

function psqlCommand(raw: string): ClientCommand {
  const text = raw.trim()
  const [name = '', ...rest] = text.split(/\s+/)
  const args = rest.join(' ')
  const short = text.slice(0, 120)
  if (text.includes('`')) return cmd(text, 'neutral', 'deny', 'command_exec', `psql runs the back-quoted shell command in ${short}`)
  if (name === '\\!' || name.startsWith('\\!')) return cmd(text, 'neutral', 'deny', 'command_exec', `psql \\! runs a shell command: ${short}`)
  if (name === '\\copy') {
    if (/\bprogram\b/i.test(args)) return cmd(text, 'neutral', 'deny', 'command_exec', `psql \\copy … program runs a shell command: ${short}`)
    const from = /\bfrom\b/i.test(args) && !/\bto\b/i.test(args.replace(/\(.*\)/s, ''))
    if (/\b(stdin|stdout|pstdin|pstdout)\b/i.test(args)) return cmd(text, from ? 'insert' : 'export')
    return from
      ? cmd(text, 'insert', 'review', 'host_file', `psql \\copy … from reads a local file into the database: ${short}`)
      : cmd(text, 'export')
  }
  if (PSQL_PIPE.test(name)) {
    if (args.trimStart().startsWith('|')) return cmd(text, 'neutral', 'deny', 'command_exec', `psql ${name} | pipes output to a shell command: ${short}`)
    if (args.trim() !== '') return cmd(text, 'export', 'review', 'host_file', `psql ${name} writes query output to a local file: ${short}`)
    return cmd(text, 'neutral')
  }
  if (name === '\\setenv') {
    if (/^(PAGER|PSQL_PAGER|PSQL_WATCH_PAGER|EDITOR|PSQL_EDITOR|VISUAL|SHELL|LD_PRELOAD|PATH)\b/.test(args)) {
      return cmd(text, 'neutral', 'deny', 'command_exec', `psql \\setenv ${args.split(/\s+/)[0] ?? ''} chooses a program psql will run`)
    }
    return cmd(text, 'neutral')
  }
  if (name === '\\gexec') return cmd(text, 'neutral', 'review', 'dynamic_sql', 'psql \\gexec runs every value of the result as SQL')
  if (/^\\(i|ir|include|include_relative)$/.test(name)) return cmd(text, 'neutral', 'review', 'dynamic_sql', `psql ${name} runs the SQL in a file not in this call: ${short}`)
  if (/^\\(e|edit|ef|ev)$/.test(name)) return cmd(text, 'neutral', 'review', 'command_exec', `psql ${name} opens an editor`)
  if (name === '\\lo_import') return cmd(text, 'insert', 'review', 'host_file', `psql \\lo_import reads a local file into the database: ${short}`)
  if (name === '\\lo_export') return cmd(text, 'export', 'review', 'host_file', `psql \\lo_export writes a local file: ${short}`)
  if (/^\\(lo_list|lo_unlink)$/.test(name)) return cmd(text, name === '\\lo_list' ? 'select' : 'neutral', name === '\\lo_unlink' ? 'review' : 'none', undefined, name === '\\lo_unlink' ? 'psql \\lo_unlink deletes a large object' : undefined)
  if (/^\\(gset|gdesc|watch|crosstabview|s|sendpipeline|syncpipeline|startpipeline|endpipeline|flushrequest|flush|getresults)$/.test(name)) return cmd(text, 'neutral')
  if (PSQL_READ.test(name)) return cmd(text, /^\\(d|l|z|sf|sv)/.test(name) ? 'select' : 'neutral')
  return cmd(text, 'neutral', 'review', 'unknown_statement', `psql meta-command ${name.slice(0, 40)} is not one permit0 classifies`)
}

function sqliteDot(raw: string): ClientCommand {
  const text = raw.trim()
  const name = (text.split(/\s+/)[0] ?? '').toLowerCase()
  const short = text.slice(0, 120)
  if (/^\.(shell|system)$/.test(name)) return cmd(text, 'neutral', 'deny', 'command_exec', `sqlite3 ${name} runs a shell command: ${short}`)
  if (name === '.load') return cmd(text, 'neutral', 'deny', 'native_code', `sqlite3 .load loads a native extension: ${short}`)
  if (/^\.(output|once|excel|save|backup|dump)$/.test(name)) {
    if (/\s\|/.test(text) || /\s'?\|/.test(text)) return cmd(text, 'neutral', 'deny', 'command_exec', `sqlite3 ${name} pipes output to a shell command: ${short}`)
    return cmd(text, 'export', name === '.dump' && text.split(/\s+/).length === 1 ? 'none' : 'review', name === '.dump' ? undefined : 'host_file', name === '.dump' ? undefined : `sqlite3 ${name} writes a local file: ${short}`)
  }
  if (name === '.import') return cmd(text, 'insert', 'review', 'host_file', `sqlite3 .import reads a local file into the database: ${short}`)
  if (/^\.(read|restore|open|clone)$/.test(name)) return cmd(text, 'neutral', 'review', 'dynamic_sql', `sqlite3 ${name} opens or runs a file not in this call: ${short}`)
  if (/^\.(tables|schema|indexes|indices|databases|fullschema|dbinfo|show|headers|mode|width|nullvalue|separator|timer|help|quit|exit|changes|echo|print|stats|eqp|explain|bail|columns|lint|expert|version)$/.test(name)) {
    return cmd(text, /^\.(tables|schema|indexes|indices|databases|fullschema|dbinfo)$/.test(name) ? 'select' : 'neutral')
  }
  return cmd(text, 'neutral', 'review', 'unknown_statement', `sqlite3 command ${name.slice(0, 40)} is not one permit0 classifies`)
}

const IDENT = '(?:[A-Za-z_][\\w$]*|`[^`]+`|"[^"]+")(?:\\.(?:[A-Za-z_][\\w$]*|`[^`]+`|"[^"]+"))?'
const FOREIGN_READS: readonly RegExp[] = [
  new RegExp(`^(?:describe|desc|explain)\\s+${IDENT}(?:\\s+${IDENT})?$`, 'i'),
  new RegExp(`^show\\s+(?:full\\s+)?(?:tables|databases|schemas|processlist|status|grants|warnings|errors|engines|plugins|triggers|events|table\\s+status)(?:\\s+(?:from|in)\\s+${IDENT})?(?:\\s+like\\s+'[^'\\\\]*')?$`, 'i'),
  new RegExp(`^show\\s+(?:full\\s+)?(?:columns|fields|index|indexes|keys)\\s+(?:from|in)\\s+${IDENT}(?:\\s+(?:from|in)\\s+${IDENT})?$`, 'i'),
  new RegExp(`^show\\s+create\\s+(?:table|view|database|schema)\\s+${IDENT}$`, 'i'),
  new RegExp(`^show\\s+(?:global\\s+|session\\s+)?variables(?:\\s+like\\s+'[^'\\\\]*')?$`, 'i'),
  new RegExp(`^use\\s+${IDENT}$`, 'i'),
  /^pragma\s+(?:table_info|table_xinfo|index_list|index_info|foreign_key_list|database_list|table_list|compile_options|integrity_check|quick_check|user_version|schema_version|page_count|page_size|encoding|journal_mode|foreign_keys)(?:\s*\(\s*(?:[\w$]+|"[^"]+"|'[^']+')\s*\))?$/i,
]

/** A MySQL/SQLite statement that only reads the catalog (see FOREIGN_READS). */
export function foreignRead(statement: string): boolean {
  const s = statement.trim().replace(/;+$/, '').trim()
  return s.length <= 512 && FOREIGN_READS.some((re) => re.test(s))
}

/**
 * Takes psql meta-commands and sqlite3 dot-commands out of the text; `undefined` when it has none.
 */
export function splitClientCommands(text: string): ClientSplit | undefined {
  const commands: ClientCommand[] = []
  const sql: string[] = []
  const queue = text.split(/\r?\n/)
  let guard = 0
  while (queue.length > 0 && guard++ < 100_000) {
    const line = queue.shift() as string
    const t = line.trimStart()
    if (t.startsWith('\\')) {
      // `\x \\ SELECT 1`: the SQL after `\\` is run; several meta-commands may share a line
      const sep = t.indexOf('\\\\')
      const meta = sep >= 0 ? t.slice(0, sep) : t
      if (sep >= 0) queue.unshift(t.slice(sep + 2))
      for (const part of meta.split(/\s+(?=\\)/)) if (part.trim() !== '') commands.push(psqlCommand(part))
      continue
    }
    if (/^\.[A-Za-z]/.test(t)) {
      commands.push(sqliteDot(t))
      continue
    }
    // `SELECT 1 \gx`: a meta-command after SQL ends the statement
    const m = /\\(g[a-z]*|watch|crosstabview|p|r|w|o)(\s|$)/.exec(line)
    if (m !== null) {
      sql.push(`${line.slice(0, m.index)};`)
      queue.unshift(line.slice(m.index))
      continue
    }
    sql.push(line)
  }
  if (commands.length === 0) return undefined
  return { sql: sql.join('\n'), commands }
}
