/**
 * One plain sentence saying what a normalized call does ("Downloads https://x/install.sh and runs
 * it with sh", "Sends an email to bob@evil.com (outside acme.com) with 1 attachment", "Runs
 * `npm test`"), built from the action type and the normalized parameters alone (for a command line,
 * the `shell` facts its normalizer computed). Pure; a template per domain/verb with the salient
 * parameters, then a per-domain phrase, then a generic fallback, so every action type in the
 * taxonomy gets a sentence that names what it touches.
 */
import { currencyDecimals } from '../helpers/money.ts'
import type { JsonObject, JsonValue, NormAction, TraceStage, Verdict } from '../types.ts'

export interface ExplainContext {
  /** The organisation's mail domain (what "outside" means for recipients). */
  readonly orgDomain?: string
}

/** Longest quoted value (a command, a query, a message text) before it is cut with `…`. */
export const EXPLAIN_VALUE_MAX = 300

type P = JsonObject

const isObj = (v: JsonValue | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v)

function str(p: P | undefined, key: string): string | undefined {
  const v = p?.[key]
  if (typeof v === 'string') return v.trim() === '' ? undefined : v
  if (typeof v === 'number' && Number.isFinite(v)) return String(v)
  return undefined
}

function strs(p: P | undefined, key: string): string[] {
  const v = p?.[key]
  if (Array.isArray(v)) return v.flatMap((x) => (typeof x === 'string' && x.trim() !== '' ? [x] : []))
  const s = str(p, key)
  return s === undefined ? [] : [s]
}

function clip(s: string, max = EXPLAIN_VALUE_MAX): string {
  const one = s.replace(/\s*\n\s*/g, ' ⏎ ')
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`
}

const code = (s: string): string => `\`${clip(s).replace(/`/g, "'")}\``
const quote = (s: string, max = 80): string => `"${clip(s, max)}"`

function list(items: readonly string[], max = 3): string {
  const shown = items.slice(0, max)
  const more = items.length - shown.length
  const head = shown.length <= 1 ? (shown[0] ?? '') : `${shown.slice(0, -1).join(', ')} and ${shown.at(-1) as string}`
  return more > 0 ? `${shown.join(', ')} and ${more} more` : head
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

/** `{target: {paths: [...]}}` (path_facts), or `path`, `paths`, `file_path`. */
function paths(p: P): string[] {
  const target = p['target']
  if (isObj(target)) {
    const found = strs(target, 'paths')
    if (found.length > 0) return found
    const url = str(target, 'url')
    if (url !== undefined) return [url]
  }
  const direct = [...strs(p, 'path'), ...strs(p, 'paths'), ...strs(p, 'file_path')]
  return [...new Set(direct)]
}

function pathOf(p: P, fallback = 'a file'): string {
  const all = paths(p)
  return all.length === 0 ? fallback : list(all, 2)
}

function urlOf(p: P): string | undefined {
  const u = str(p, 'url')
  if (u !== undefined) return clip(u, 200)
  const target = p['target']
  if (isObj(target)) {
    const host = str(target, 'host')
    if (host !== undefined) return `${host}${str(target, 'path') ?? ''}`
  }
  return undefined
}

function repoOf(p: P): string | undefined {
  const owner = str(p, 'owner')
  const repo = str(p, 'repo')
  if (owner !== undefined && repo !== undefined) return `${owner}/${repo}`
  return repo
}

const inRepo = (p: P): string => {
  const r = repoOf(p)
  return r === undefined ? '' : ` in ${r}`
}

/** A `secrets` fact (`{found, kinds}`) as a trailing clause. */
function secretClause(p: P): string {
  const s = p['secrets']
  if (!isObj(s) || s['found'] !== true) return ''
  const kinds = strs(s, 'kinds')
  return kinds.length > 0 ? `, containing a credential (${list(kinds, 2)})` : ', containing a credential'
}

function money(p: P): string | undefined {
  const m = p['money']
  if (isObj(m)) {
    if (m['valid'] === false && m['present'] === true) return `an unreadable amount${str(m, 'reason') ? ` (${str(m, 'reason') as string})` : ''}`
    const minor = m['minor']
    const currency = str(m, 'currency') ?? str(p, 'currency')
    if (typeof minor === 'number' && Number.isFinite(minor)) {
      const decimals = currency === undefined ? 2 : currencyDecimals(currency)
      const major = (minor / 10 ** decimals).toFixed(decimals)
      return `${major}${currency === undefined ? '' : ` ${currency.toUpperCase()}`}`
    }
  }
  const amount = str(p, 'amount')
  if (amount !== undefined) return `${amount}${str(p, 'currency') ? ` ${(str(p, 'currency') as string).toUpperCase()}` : ''}`
  return undefined
}

// ── email ──────────────────────────────────────────────────────────────────────────────────────

function recipients(p: P): string {
  const to = strs(p, 'to')
  const cc = strs(p, 'cc')
  const bcc = strs(p, 'bcc')
  const all = [...to, ...cc.map((x) => `${x} (cc)`), ...bcc.map((x) => `${x} (bcc)`)]
  return all.length === 0 ? 'no recipient' : list(all, 4)
}

function scopeClause(p: P, ctx: ExplainContext): string {
  const scope = str(p, 'recipient_scope')
  if (scope === 'external' || scope === 'mixed') {
    return ctx.orgDomain === undefined ? ' (outside the organisation)' : ` (outside ${ctx.orgDomain})`
  }
  if (scope === 'internal' && ctx.orgDomain !== undefined) return ` (inside ${ctx.orgDomain})`
  return ''
}

function attachments(p: P): string {
  const a = p['attachments'] ?? p['attachment_count']
  const n = Array.isArray(a) ? a.length : typeof a === 'number' ? a : 0
  return n > 0 ? ` with ${plural(n, 'attachment')}` : ''
}

function email(verb: string, p: P, ctx: ExplainContext): string | undefined {
  const id = str(p, 'message_id')
  const msg = id === undefined ? 'an email' : `email ${id}`
  switch (verb) {
    case 'send': {
      const reply = p['reply_all'] === true ? ' (reply all)' : ''
      const subject = str(p, 'subject')
      return `Sends an email to ${recipients(p)}${scopeClause(p, ctx)}${attachments(p)}${reply}${subject ? `, subject ${quote(subject)}` : ''}${secretClause(p)}`
    }
    case 'draft':
      return `Drafts an email to ${recipients(p)}${str(p, 'subject') ? `, subject ${quote(str(p, 'subject') as string)}` : ''}`
    case 'search':
      return `Searches the mailbox${str(p, 'query') ? ` for ${quote(str(p, 'query') as string)}` : ''}`
    case 'read':
      return `Reads ${msg}`
    case 'read_thread':
      return `Reads email thread ${str(p, 'thread_id') ?? ''}`.trimEnd()
    case 'list_mailboxes':
      return 'Lists the mailbox folders and labels'
    case 'list_drafts':
      return `Lists email drafts${str(p, 'query') ? ` matching ${quote(str(p, 'query') as string)}` : ''}`
    case 'mark_read':
      return `Marks ${msg} as ${p['read'] === false ? 'unread' : 'read'}`
    case 'flag':
      return `${p['flagged'] === false ? 'Unflags' : 'Flags'} ${msg}`
    case 'move':
      return `Moves ${msg}${str(p, 'destination') ? ` to ${str(p, 'destination') as string}` : ''}`
    case 'archive':
      return `Archives ${msg}`
    case 'mark_spam':
      return `Marks ${msg} as spam`
    case 'delete':
      return `Deletes ${msg}`
    case 'create_mailbox':
      return `Creates the mailbox folder ${str(p, 'name') ?? ''}`.trimEnd()
    case 'set_forwarding':
      return p['enabled'] === false
        ? 'Turns off mail forwarding'
        : `Forwards all incoming mail to ${str(p, 'destination') ?? 'another address'}`
    case 'add_delegate':
      return `Gives ${str(p, 'delegate') ?? 'someone'} delegate access to the mailbox`
  }
  return undefined
}

// ── messaging ──────────────────────────────────────────────────────────────────────────────────

function message(verb: string, p: P): string | undefined {
  const channel = str(p, 'channel')
  const where = channel === undefined ? '' : ` in ${channel}`
  const text = str(p, 'text') ?? str(p, 'body') ?? str(p, 'message')
  const said = text === undefined ? '' : `: ${quote(text)}`
  switch (verb) {
    case 'post_channel':
      return `Posts a message to ${channel ?? 'a channel'}${str(p, 'thread_ts') ? ' (thread reply)' : ''}${said}${secretClause(p)}`
    case 'send_dm':
      return `Sends a direct message to ${str(p, 'user') ?? channel ?? 'someone'}${said}${secretClause(p)}`
    case 'send_sms':
      return `Sends a text message to ${str(p, 'to') ?? str(p, 'phone') ?? 'a phone number'}${said}${secretClause(p)}`
    case 'search':
      return str(p, 'query') === undefined ? 'Lists or searches channels and messages' : `Searches messages for ${quote(str(p, 'query') as string)}`
    case 'get':
      return `Reads messages${where}`
    case 'react':
      return `Reacts${str(p, 'reaction') ? ` :${str(p, 'reaction') as string}:` : ''} to a message${where}`
    case 'update': {
      const named = str(p, 'name') ?? str(p, 'topic')
      return `Edits a message or channel${where}${named ? ` (${clip(named, 80)})` : ''}${said}${secretClause(p)}`
    }
    case 'delete':
      return `Deletes a message${where}`
  }
  return undefined
}

// ── files ──────────────────────────────────────────────────────────────────────────────────────

function file(verb: string, p: P): string | undefined {
  const target = pathOf(p)
  switch (verb) {
    case 'read':
      return `Reads ${target}`
    case 'get':
      return `Reads the metadata of ${target}`
    case 'list':
      return `Lists ${pathOf(p, 'a directory')}`
    case 'search': {
      const pattern = str(p, 'pattern') ?? str(p, 'query')
      return `Searches ${pathOf(p, 'files')}${pattern ? ` for ${quote(pattern)}` : ''}${str(p, 'glob') ? ` (${str(p, 'glob') as string})` : ''}`
    }
    case 'create': {
      const bytes = p['content_bytes']
      return `Writes ${target}${typeof bytes === 'number' ? ` (${plural(bytes, 'byte')})` : ''}`
    }
    case 'update': {
      const edits = p['edit_count']
      return `Edits ${target}${typeof edits === 'number' && edits > 1 ? ` (${plural(edits, 'change')})` : ''}`
    }
    case 'delete':
      return `Deletes ${target}`
    case 'delete_recursive':
      return `Deletes ${pathOf(p, 'a directory')} and everything in it`
    case 'move':
    case 'copy': {
      const from = str(p, 'source') ?? paths(p)[0]
      const to = str(p, 'destination_path') ?? str(p, 'destination')
      return `${verb === 'move' ? 'Moves' : 'Copies'} ${from ?? 'a file'}${to ? ` to ${to}` : ''}`
    }
    case 'share':
      return `Shares ${target}${str(p, 'with') ?? str(p, 'email') ? ` with ${(str(p, 'with') ?? str(p, 'email')) as string}` : ''}`
    case 'upload':
      return `Uploads ${target}${urlOf(p) ? ` to ${urlOf(p) as string}` : ''}`
    case 'download':
      return `Downloads ${urlOf(p) ?? 'a file'}${str(p, 'path') ? ` to ${str(p, 'path') as string}` : ''}`
    case 'export':
      return `Exports ${target}`
  }
  return undefined
}

// ── databases ──────────────────────────────────────────────────────────────────────────────────

const DB_VERBS: Readonly<Record<string, string>> = {
  select: 'reads data',
  insert: 'inserts rows',
  update: 'updates rows',
  delete: 'deletes rows',
  create: 'creates a table or index',
  alter: 'changes the schema',
  drop: 'drops a table, schema or database',
  truncate: 'empties a table',
  grant_access: 'grants database privileges',
  revoke_access: 'revokes database privileges',
  export: 'exports data',
  backup: 'backs up the database',
  restore: 'restores the database',
}

function db(verb: string, p: P): string {
  const sql = str(p, 'sql') ?? str(p, 'query')
  const st = isObj(p['statement']) ? p['statement'] : undefined
  const every = st?.['unbounded_delete'] === true || st?.['unbounded_update'] === true ? ' on every row (no limiting WHERE)' : ''
  const what = DB_VERBS[verb] ?? `runs ${verb}`
  const table = str(p, 'table')
  const keywords = strs(st, 'keywords')
  const shown = sql ? `: ${code(sql)}` : keywords.length > 0 ? ` (${list(keywords, 4)})` : ''
  return `Runs SQL that ${what}${table ? ` in ${table}` : ''}${every}${shown}`
}

// ── network ────────────────────────────────────────────────────────────────────────────────────

function network(verb: string, p: P): string {
  const url = urlOf(p) ?? 'a URL'
  const method = str(p, 'method')?.toUpperCase()
  const headers = p['headers_secret'] === true ? ', with a credential in its headers' : ''
  switch (verb) {
    case 'get':
      if (urlOf(p) === undefined && str(p, 'query') !== undefined) return `Searches the web for ${quote(str(p, 'query') as string)}${secretClause(p)}`
      return `Fetches ${url}${headers}${secretClause(p)}`
    case 'send_webhook':
      return `Sends a webhook to ${url}${secretClause(p)}`
    default:
      return `Sends a ${method ?? verb.toUpperCase()} request to ${url}${headers}${secretClause(p)}`
  }
}

// ── payments ───────────────────────────────────────────────────────────────────────────────────

function payment(verb: string, p: P): string | undefined {
  const amount = money(p)
  const amt = amount ?? 'an amount'
  switch (verb) {
    case 'charge':
      return `Charges ${amt}${str(p, 'customer') ? ` to customer ${str(p, 'customer') as string}` : ''}`
    case 'refund':
      return `Refunds ${amount ?? 'the full amount'}${str(p, 'payment_intent') ?? str(p, 'charge') ? ` of ${(str(p, 'payment_intent') ?? str(p, 'charge')) as string}` : ''}`
    case 'transfer':
      return `Transfers ${amt}${str(p, 'destination') ? ` to ${str(p, 'destination') as string}` : ''}`
    case 'get_balance':
      return 'Reads the account balance'
    case 'cancel_subscription':
      return `Cancels subscription ${str(p, 'subscription') ?? ''}`.trimEnd()
    case 'create': {
      const what = ['coupon', 'price', 'product', 'invoice', 'customer'].find((k) => p[k] !== undefined || (k === 'coupon' && p['percent_off'] !== undefined))
      const detail = p['percent_off'] !== undefined ? `${String(p['percent_off'])}% off` : amount ?? str(p, 'name')
      const id = what === undefined ? undefined : str(p, what)
      return `Creates a payment object${what ? ` (${what}${id ? ` ${id}` : ''})` : ''}${detail ? `: ${detail}` : ''}`
    }
  }
  return undefined
}

// ── code hosting ───────────────────────────────────────────────────────────────────────────────

function dev(verb: string, p: P): string | undefined {
  const num = str(p, 'number')
  const ref = num === undefined ? '' : ` #${num}`
  const title = str(p, 'title')
  switch (verb) {
    case 'push_code': {
      const branch = str(p, 'branch')
      const files = strs(p, 'path')
      return `Pushes ${files.length > 0 ? list(files, 2) : 'code'} to ${repoOf(p) ?? 'a repository'}${branch ? ` on branch ${branch}` : ''}${secretClause(p)}`
    }
    case 'merge_pr':
      return `Merges pull request${ref}${inRepo(p)}${str(p, 'merge_method') ? ` (${str(p, 'merge_method') as string})` : ''}`
    case 'close_issue':
      return `Closes issue${ref}${inRepo(p)}`
    case 'create': {
      const what = title
        ? quote(title)
        : str(p, 'branch') ? `branch ${str(p, 'branch') as string}`
        : str(p, 'filename') ? `gist ${str(p, 'filename') as string}`
        : str(p, 'name') ? `repository ${str(p, 'name') as string}`
        : str(p, 'description') ? quote(str(p, 'description') as string)
        : 'an issue, pull request or branch'
      const visibility = p['public'] === true ? ' (public)' : p['private'] === true ? ' (private)' : ''
      return `Creates ${what}${inRepo(p)}${visibility}${secretClause(p)}`
    }
    case 'update':
      return `Updates${ref || (title ? ` ${quote(title)}` : str(p, 'gist_id') ? ` gist ${str(p, 'gist_id') as string}` : ' an issue or pull request')}${inRepo(p)}${str(p, 'body') ? `: ${quote(str(p, 'body') as string)}` : ''}${secretClause(p)}`
    case 'deploy':
      return `Deploys${inRepo(p) || ' a release'}`
    case 'run_pipeline':
      return `Runs workflow ${str(p, 'workflow_id') ?? str(p, 'run_id') ?? ''}${inRepo(p)}${str(p, 'ref') ? ` on ${str(p, 'ref') as string}` : ''}${secretClause(p)}`.replace('workflow  in', 'a workflow in')
    case 'get':
      return `Reads ${str(p, 'path') ?? (num !== undefined ? `#${num}` : 'repository data')}${inRepo(p)}`
    case 'list':
      return `Lists or searches ${repoOf(p) ?? 'repositories'}${str(p, 'query') ? ` for ${quote(str(p, 'query') as string)}` : ''}`
  }
  return undefined
}

// ── commands ───────────────────────────────────────────────────────────────────────────────────

const SHELL_NAMES = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'fish', 'python', 'python3', 'node', 'perl', 'ruby', 'pwsh', 'powershell'])
const URL_IN_TEXT = /\b(?:https?|ftp):\/\/[^\s'"|;&)<>`]+/g

/** A command line with the facts `shell_facts` gave it. */
function shellSentence(command: string, f: JsonObject): string {
  const programs = strs(f, 'programs')
  const hosts = strs(f, 'hosts')
  const urls = [...new Set(command.match(URL_IN_TEXT) ?? [])]
  const denyReasons = strs(f, 'deny_reasons')
  if (f['pipes_to_shell'] === true || f['remote_code'] === true) {
    const runner = programs.find((x) => SHELL_NAMES.has(x)) ?? 'a shell'
    if (urls[0] !== undefined) return `Downloads ${clip(urls[0], 200)} and runs it with ${runner}`
    const from = hosts[0] !== undefined ? `code from ${hosts[0]}` : 'code from the network'
    return `Downloads ${from} and runs it with ${runner} (${code(command)})`
  }
  if (f['secret_read'] === true && f['egress'] === true) {
    const exfil = denyReasons.map((r) => /reads (.+?) and sends data/.exec(r)?.[1]).find((x) => x !== undefined)
    const to = hosts.length > 0 ? list(hosts, 2) : urls[0] ?? 'the network'
    return `Reads ${exfil ?? 'credentials'} and sends it to ${to} (${code(command)})`
  }
  const extras: string[] = []
  if (f['sudo'] === true) extras.push('as root (sudo)')
  if (f['prod'] === true) extras.push(`against production${str(f, 'kube_context') ? ` (${str(f, 'kube_context') as string})` : ''}`)
  if (f['protected_branch'] === true) extras.push('on a protected branch')
  const packages = strs(f, 'packages')
  if (f['package_install'] === true && packages.length > 0) extras.push(`installing ${list(packages)}`)
  if (hosts.length > 0 && f['egress'] === true) extras.push(`talking to ${list(hosts, 2)}`)
  if (f['background'] === true) extras.push('in the background')
  return `Runs ${code(command)}${extras.length > 0 ? ` ${extras.join(', ')}` : ''}`
}

function processSentence(verb: string, p: P): string | undefined {
  const command = str(p, 'command')
  if (command !== undefined) {
    const shell = p['shell']
    if (isObj(shell)) return shellSentence(command, shell)
    return `Runs ${code(command)}`
  }
  const when = str(p, 'cron') ? ` on schedule ${str(p, 'cron') as string}` : ''
  if (str(p, 'prompt') !== undefined) return `Schedules the agent to run ${quote(str(p, 'prompt') as string)}${when}`
  const found = str(p, 'tool') ?? str(p, 'script') ?? str(p, 'action') ?? str(p, 'trigger_id') ?? str(p, 'description')
  const what = found === undefined ? undefined : code(clip(found, 160))
  if (what !== undefined) return `${verb === 'invoke' ? 'Invokes' : 'Runs'} ${what}${when}${str(p, 'needs_review') ? ` (${str(p, 'needs_review') as string})` : ''}`
  if (str(p, 'needs_review') !== undefined) return `Runs a process: ${str(p, 'needs_review') as string}`
  return undefined
}

// ── everything else: a phrase per verb and domain, plus the salient parameters ────────────────

const VERB_PHRASE: Readonly<Record<string, string>> = {
  list: 'Lists', get: 'Reads', read: 'Reads', search: 'Searches', create: 'Creates', update: 'Updates',
  delete: 'Deletes', post: 'Publishes', reply: 'Replies to', like: 'Likes', send_dm: 'Sends a direct message on',
  publish: 'Publishes', unpublish: 'Unpublishes', schedule: 'Schedules', send: 'Sends', draft: 'Drafts',
  unsubscribe: 'Unsubscribes from', rsvp: 'Answers an invitation to', complete: 'Completes', assign: 'Assigns',
  comment: 'Comments on', log_activity: 'Logs activity on', export: 'Exports', sign_document: 'Signs',
  submit_filing: 'Submits', accept_terms: 'Accepts', assign_role: 'Assigns a role on', revoke_role: 'Revokes a role on',
  reset_password: 'Resets the password of', generate_api_key: 'Creates an API key for', revoke_api_key: 'Revokes an API key of',
  rotate: 'Rotates', terminate: 'Terminates', scale: 'Scales', navigate: 'Opens', click: 'Clicks on',
  fill_form: 'Fills in a form on', submit_form: 'Submits a form on', take_screenshot: 'Takes a screenshot of',
  download_file: 'Downloads a file from', execute_js: 'Runs JavaScript on', scrape: 'Scrapes', lock: 'Locks',
  unlock: 'Unlocks', enable: 'Enables', disable: 'Disables', move: 'Moves', prompt: 'Prompts',
  embed: 'Computes embeddings with', fine_tune: 'Fine-tunes', invoke_agent: 'Starts', generate_image: 'Generates an image with',
}

const DOMAIN_NOUN: Readonly<Record<string, string>> = {
  social: 'a social media post', cms: 'published content', newsletter: 'a newsletter', calendar: 'a calendar event',
  task: 'a task', crm: 'a CRM record', legal: 'a legal document', iam: 'an account or role', secret: 'a secret',
  infra: 'infrastructure', browser: 'a web page', device: 'a device', ai: 'an AI model', payment: 'a payment record',
  dev: 'a repository', db: 'the database', file: 'a file', network: 'a network resource', message: 'messages',
  email: 'the mailbox', process: 'a process',
}

/** Keys that name what a call touches, most telling first. */
const SALIENT = [
  'url', 'to', 'recipient', 'user', 'username', 'email', 'name', 'title', 'subject', 'path', 'resource', 'role',
  'key', 'secret_name', 'channel', 'repo', 'query', 'id', 'description', 'prompt', 'text', 'command',
] as const

/** Parameters that never name what a call touches (hashes, bookkeeping). */
const NOT_SALIENT = new Set(['cwd', 'raw_parameters_sha256', 'timeout_ms', 'background', 'none', 'scheduled', 'recurring', 'durable'])

function salient(p: P, max = 2): string[] {
  const out: string[] = []
  const push = (key: string, v: string) => out.push(`${key.replace(/_/g, ' ')} ${clip(v, 120)}`)
  for (const key of SALIENT) {
    const v = str(p, key)
    if (v !== undefined) push(key, v)
    if (out.length >= max) return out
  }
  if (out.length > 0) return out
  for (const key of Object.keys(p)) {
    const v = NOT_SALIENT.has(key) ? undefined : str(p, key)
    if (v !== undefined) push(key, v)
    if (out.length >= max) break
  }
  return out
}

function generic(action: NormAction): string {
  const { domain, verb, parameters: p } = action
  const phrase = VERB_PHRASE[verb] ?? `${verb.replace(/_/g, ' ')}:`
  const noun = DOMAIN_NOUN[domain] ?? domain
  const details = salient(p)
  const lead = `${phrase.charAt(0).toUpperCase()}${phrase.slice(1)} ${noun}`
  return `${lead}${details.length > 0 ? ` (${details.join(', ')})` : ''} via ${action.channel}${secretClause(p)}`
}

function specific(action: NormAction, ctx: ExplainContext): string | undefined {
  const { domain, verb, parameters: p } = action
  // Any command line, whatever its action type, is explained from its shell analysis.
  const command = str(p, 'command')
  if (command !== undefined && isObj(p['shell'])) return shellSentence(command, p['shell'])
  switch (domain) {
    case 'email':
      return email(verb, p, ctx)
    case 'message':
      return message(verb, p)
    case 'file':
      return file(verb, p)
    case 'db':
      return db(verb, p)
    case 'network':
      return network(verb, p)
    case 'payment':
      return payment(verb, p)
    case 'dev':
      return dev(verb, p)
    case 'process':
      return processSentence(verb, p)
    case 'ai':
      if (verb === 'invoke_agent') {
        const d = str(p, 'description') ?? str(p, 'prompt')
        return `Starts a ${str(p, 'subagent_type') ?? ''}${str(p, 'subagent_type') ? ' ' : ''}sub-agent${d ? `: ${quote(d)}` : ''}`
      }
      if (verb === 'prompt' && str(p, 'prompt') !== undefined) {
        return `${str(p, 'cron') ? `Schedules (${str(p, 'cron') as string}) ` : 'Sends '}the prompt ${quote(str(p, 'prompt') as string)}${secretClause(p)}`
      }
      return undefined
    case 'task':
      if (verb === 'create' && (str(p, 'subject') ?? str(p, 'title')) !== undefined) {
        return `Creates the task ${quote((str(p, 'subject') ?? str(p, 'title')) as string)}`
      }
      if (verb === 'update' && typeof p['todo_count'] === 'number') return `Updates the to-do list (${plural(p['todo_count'], 'item')})`
      return undefined
    case 'unknown': {
      const tool = str(p, 'raw_tool_name') ?? action.channel
      return `Calls ${tool}, which no installed pack classifies`
    }
  }
  return undefined
}

/** The one-sentence explanation of a normalized call (no trailing period). */
export function explainAction(action: NormAction, ctx: ExplainContext = {}): string {
  return specific(action, ctx) ?? generic(action)
}

const stageDetail = (trace: readonly TraceStage[], stage: string): JsonObject | undefined =>
  trace.find((s) => s.stage === stage)?.detail

function when(ms: JsonValue | undefined): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return ''
  return ` on ${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

function listReason(kind: 'denylist' | 'allowlist', d: JsonObject | undefined): string {
  const by = str(d, 'created_by')
  const why = str(d, 'reason')
  return `the call is on the ${kind}${by ? ` (added by ${by}${when(d?.['created_at_ms'])})` : ''}${why ? `: ${why}` : ''}`
}

/** A cached human decision in words: who decided, when and why. */
export function cachedDecisionReason(d: JsonObject | undefined, permission: string): string {
  const reviewer = str(d, 'reviewer')
  const verb = permission === 'allow' ? 'allowed' : permission === 'deny' ? 'denied' : 'answered'
  if (str(d, 'cached_source') === 'HumanReviewer' || reviewer !== undefined) {
    const why = str(d, 'reason')
    return `${reviewer ?? 'a reviewer'} ${verb} this exact call earlier${when(d?.['decided_at_ms'])}${why ? `: "${why}"` : ' (no reason given)'}`
  }
  return `the same call was ${verb} before (remembered ${str(d, 'cached_source') ?? 'engine'} verdict)`
}

/**
 * Why a verdict is what it is, in words: the list entry, the remembered decision (with the
 * reviewer and reason of a human one), the gate or block rule, the shell analysis's reasons, the
 * agent reviewer's reason, or the risk score. Pure; read from the verdict and its trace.
 */
export function verdictReason(verdict: Verdict): string {
  const { trace, risk, action } = verdict
  switch (verdict.source) {
    case 'Denylist':
      return listReason('denylist', stageDetail(trace, 'denylist'))
    case 'Allowlist':
      return listReason('allowlist', stageDetail(trace, 'allowlist'))
    case 'PolicyCache':
      return cachedDecisionReason(stageDetail(trace, 'policy_cache'), verdict.permission)
    case 'UnknownFallback':
      return 'no installed pack classifies this tool, so a person decides'
    case 'AgentReviewer': {
      const why = str(stageDetail(trace, 'agent_review'), 'reason')
      return `the agent reviewer ${verdict.permission === 'allow' ? 'allowed' : verdict.permission === 'deny' ? 'denied' : 'escalated'} it${why ? `: ${why}` : ''}`
    }
    default:
      break
  }
  if (risk === undefined) return ''
  if (risk.blocked) return risk.blockReason ?? 'blocked by a risk rule'
  const shell = action.parameters['shell']
  const asks = isObj(shell) ? strs(shell, 'ask_reasons') : []
  const score = `risk ${risk.score}/100 ${risk.tier}${risk.flags.length > 0 ? ` (${risk.flags.join(', ')})` : ''}`
  if (verdict.permission !== 'allow' && asks.length > 0) return `${asks.join('; ')} — ${score}`
  // a script written or edited: what its text would do when run (script_facts)
  const script = action.parameters['script']
  const scriptWhy = isObj(script) ? [...strs(script, 'deny_reasons'), ...strs(script, 'ask_reasons')] : []
  if (verdict.permission !== 'allow' && scriptWhy.length > 0) return `the file is a script that, run, would be refused or asked about: ${scriptWhy.slice(0, 3).join('; ')} — ${score}`
  return score
}
