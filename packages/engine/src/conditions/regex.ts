/**
 * Pack regexes use the Rust `regex` dialect. We compile them as JS `u`-mode RegExps after
 * translating a leading inline flag group (`(?i)`, `(?s)`, `(?m)`, combinations). Constructs
 * Rust rejects (look-around, back-references) are rejected here too, so patterns stay portable
 * and linear-ish.
 */

export type CompileRegexResult = { ok: true; regex: RegExp } | { ok: false; message: string }

const LEADING_FLAGS = /^\(\?([imsUx]+)\)/
const UNSUPPORTED = /\(\?<?[=!]|\\[1-9]|\\k</

export function compileRegex(pattern: string): CompileRegexResult {
  let body = pattern
  let flags = 'u'
  const m = LEADING_FLAGS.exec(body)
  if (m) {
    for (const f of m[1] as string) {
      if (f === 'U' || f === 'x') {
        return { ok: false, message: `inline flag '${f}' is not supported` }
      }
      if (!flags.includes(f)) flags += f
    }
    body = body.slice(m[0].length)
  }
  if (UNSUPPORTED.test(body)) {
    return { ok: false, message: 'look-around and back-references are not supported (Rust regex dialect)' }
  }
  try {
    return { ok: true, regex: new RegExp(body, flags) }
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) }
  }
}
