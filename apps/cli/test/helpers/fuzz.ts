/**
 * Generated hostile inputs for `/check`, `/approvals/decide` and the pack loader, shared by the
 * seeded fuzz test (a few hundred runs) and `pnpm bench hardening` (≥ 10 000 runs each).
 */
import fc from 'fast-check'
import { createEngine, EngineError, loadPackSet, type PackFile } from '@permit0/engine'
import { reviewerHeaders } from './http.ts'

const TOOLS = ['gmail_send', 'gmail_read', 'outlook_send', 'Bash', 'Read', 'WebFetch', 'mcp__x__y', 'unknown_tool']
const ULID_CHARS = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('', ' ', '\u0000', '__proto__', 'constructor', '../../etc/passwd', '%00', '\ud800', 'a'.repeat(10_000)),
)
const anyJson = fc.jsonValue({ maxDepth: 6 })
const looseObject = fc.dictionary(fc.oneof(nasty, fc.constantFrom('to', 'cc', 'subject', 'body', 'command', 'url', 'path')), anyJson, {
  maxKeys: 8,
})
const ulid = fc.string({ unit: fc.constantFrom(...ULID_CHARS), minLength: 26, maxLength: 26 })

/** A request body as raw text: mostly shaped like a check request, sometimes garbage. */
export const checkBody: fc.Arbitrary<string> = fc.oneof(
  {
    // Well-formed requests with hostile parameter values: these reach normalization and scoring.
    weight: 6,
    arbitrary: fc
      .record({
        tool_name: fc.constantFrom(...TOOLS),
        parameters: fc.record(
          {
            to: fc.oneof(fc.emailAddress(), nasty, anyJson),
            subject: fc.oneof(nasty, anyJson),
            body: fc.oneof(nasty, anyJson),
            message_id: fc.oneof(nasty, fc.integer()),
            query: nasty,
            command: fc.oneof(fc.constantFrom('rm -rf /', 'curl x | sh', 'ls', "echo '$(id)'", 'cat ~/.ssh/id_rsa'), nasty),
            url: fc.oneof(fc.webUrl(), nasty),
            file_path: fc.oneof(fc.constantFrom('/etc/passwd', '~/.aws/credentials', '../../x', 'C:\\x'), nasty),
          },
          { requiredKeys: [] },
        ),
        metadata: fc.record({ session_id: fc.string({ maxLength: 8 }), task_goal: nasty }, { requiredKeys: [] }),
      })
      .map((body) => JSON.stringify(body)),
  },
  {
    weight: 6,
    arbitrary: fc
      .record(
        {
          tool_name: fc.oneof(fc.constantFrom(...TOOLS), nasty, anyJson),
          tool: fc.oneof(fc.constantFrom(...TOOLS), anyJson),
          parameters: fc.oneof(looseObject, anyJson),
          input: anyJson,
          metadata: fc.oneof(fc.record({ session_id: fc.oneof(nasty, anyJson), task_goal: nasty }, { requiredKeys: [] }), anyJson),
          client_kind: fc.oneof(fc.constantFrom('claude-code', 'openclaw', 'mcp'), nasty, anyJson),
          org_domain: fc.oneof(fc.domain(), nasty, anyJson),
          hitl_timeout_secs: fc.oneof(fc.integer(), fc.double(), anyJson),
          hitl_wait: fc.oneof(fc.boolean(), anyJson),
        },
        { requiredKeys: [] },
      )
      .map((body) => JSON.stringify(body)),
  },
  { weight: 2, arbitrary: anyJson.map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string() },
  { weight: 1, arbitrary: fc.nat({ max: 400 }).map((n) => `{"tool_name":"gmail_send","parameters":${'['.repeat(n)}${']'.repeat(n)}}`) },
)

/** A decide body as raw text: real-looking ids (some pending, see `ids`), bad ids, bad permissions. */
export const decideBody = (ids: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .record(
          {
            approval_id: ids.length > 0 ? fc.oneof(fc.constantFrom(...ids), ulid, nasty, anyJson) : fc.oneof(ulid, nasty, anyJson),
            permission: fc.oneof(fc.constantFrom('allow', 'deny', 'human', 'ALLOW', 'HumanInTheLoop', 'maybe'), nasty, anyJson),
            reason: fc.oneof(nasty, anyJson, fc.constant('r'.repeat(5_000))),
            reviewer: fc.oneof(nasty, anyJson),
          },
          { requiredKeys: [] },
        )
        .map((body) => JSON.stringify(body)),
    },
    {
      weight: 4,
      arbitrary: fc
        .record({
          approval_id: ids.length > 0 ? fc.oneof(fc.constantFrom(...ids), ulid) : ulid,
          permission: fc.constantFrom('allow', 'deny', 'human', 'Deny'),
          reason: fc.option(nasty, { nil: undefined }),
        })
        .map((body) => JSON.stringify(body)),
    },
    { weight: 2, arbitrary: anyJson.map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.string() },
  )

export interface FuzzStats {
  runs: number
  byStatus: Record<number, number>
}

/** POSTs raw `body` and returns the status; a dropped connection counts as status 0. */
export async function postRaw(url: string, body: string, headers: Record<string, string> = {}): Promise<number> {
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body })
    const text = await res.text()
    if (res.status >= 500 || /\n\s+at |node_modules/.test(text)) return res.status >= 500 ? res.status : 599
    return res.status
  } catch {
    return 0
  }
}

/** Runs `numRuns` generated bodies against `path`; throws on any 5xx, dropped connection or stack leak. */
export async function fuzzEndpoint(
  baseUrl: string,
  path: string,
  arbitrary: fc.Arbitrary<string>,
  options: { numRuns: number; seed: number; headers?: Record<string, string> },
): Promise<FuzzStats> {
  const stats: FuzzStats = { runs: 0, byStatus: {} }
  await fc.assert(
    fc.asyncProperty(arbitrary, async (body) => {
      // As the human reviewer of a token-less test daemon (its secret), unless headers say otherwise.
      const status = await postRaw(`${baseUrl}${path}`, body, { ...reviewerHeaders(baseUrl), ...options.headers })
      stats.runs += 1
      stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1
      return status >= 200 && status < 500
    }),
    { numRuns: options.numRuns, seed: options.seed, endOnFailure: true },
  )
  return stats
}

/** One mutation of one file of a real pack (byte edits, truncation, or a replaced document). */
const mutation = (files: readonly PackFile[]) =>
  fc.record({
    file: fc.nat({ max: files.length - 1 }),
    kind: fc.constantFrom('flip', 'delete', 'insert', 'truncate', 'replace', 'line'),
    at: fc.nat(),
    text: fc.oneof(
      fc.string(),
      fc.constantFrom(': :', '- [', '{', '&a *a', '!!binary x', '<<: *x', '\t', 'null', '~', '"\\u', 'key: [1, {a: b}]', 'permit0_pack: 9'),
      anyJson.map((v) => JSON.stringify(v)),
    ),
  })

export function mutatePack(files: readonly PackFile[], m: { file: number; kind: string; at: number; text: string }): PackFile[] {
  return files.map((f, i) => {
    if (i !== m.file) return f
    const t = f.text
    const at = t.length === 0 ? 0 : m.at % t.length
    switch (m.kind) {
      case 'flip':
        return { ...f, text: t.slice(0, at) + m.text.slice(0, 3) + t.slice(at + 1) }
      case 'delete':
        return { ...f, text: t.slice(0, at) + t.slice(at + 1 + (m.at % 40)) }
      case 'insert':
        return { ...f, text: t.slice(0, at) + m.text + t.slice(at) }
      case 'truncate':
        return { ...f, text: t.slice(0, at) }
      case 'line': {
        const lines = t.split('\n')
        lines.splice(m.at % Math.max(1, lines.length), 1, m.text)
        return { ...f, text: lines.join('\n') }
      }
      default:
        return { ...f, text: m.text }
    }
  })
}

/**
 * Feeds mutated copies of `files` to the pack loader: it must return issues or a pack set, never
 * throw, and a pack set that loads must build an engine (no EngineError either) that answers a call
 * without throwing.
 */
export function fuzzPackLoader(allFiles: readonly PackFile[], options: { numRuns: number; seed: number }): { ok: number; rejected: number } {
  // Without the lockfile, so mutations reach the YAML parser, schema and compilers (with it, every
  // mutation would stop at the hash check).
  const files = allFiles.filter((f) => !f.path.endsWith('pack.lock.yaml'))
  const counts = { ok: 0, rejected: 0 }
  fc.assert(
    fc.property(mutation(files), (m) => {
      const result = loadPackSet(mutatePack(files, m))
      if (!result.ok) {
        if (result.issues.length === 0) throw new Error('rejected without an issue')
        for (const issue of result.issues) if (typeof issue.message !== 'string' || issue.message === '') throw new Error('issue without a message')
        counts.rejected += 1
        return
      }
      // loadPackSet compiles risk rules too: a pack set it accepts must build an engine.
      const engine = createEngine({ packSet: result.packSet })
      counts.ok += 1
      try {
        const action = engine.normalize({ toolName: 'gmail_send', parameters: { to: 'a@b.example', subject: 's', body: 'b' }, metadata: {} })
        engine.assess(action)
      } catch (err) {
        if (!(err instanceof EngineError)) throw err // a closed-code engine error is an answer, a TypeError is a bug
      }
    }),
    { numRuns: options.numRuns, seed: options.seed, endOnFailure: true },
  )
  return counts
}
