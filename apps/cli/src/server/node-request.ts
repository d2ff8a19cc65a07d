/**
 * What a handler reads of the request straight from Node (`@hono/node-server` passes
 * `{ incoming, outgoing }` as the bindings), without the web `Headers` the adapter otherwise
 * builds from every request's raw headers on the first `c.req.header()`.
 *
 * An app served without Node bindings (`app.request()` in tests) reads through Hono as before.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Context } from 'hono'
import { parse as parseCookies } from 'hono/utils/cookie'
import type { AppEnv } from './env.ts'

export interface NodeBindings {
  readonly incoming?: IncomingMessage
  readonly outgoing?: ServerResponse
}

export const nodeBindings = (c: Context<AppEnv>): NodeBindings => (c.env ?? {}) as NodeBindings

/** HTTP whitespace the Fetch standard strips from both ends of a header value. */
const isHttpWhitespace = (code: number): boolean => code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d

function normalizedValue(value: string): string {
  if (value === '') return value
  if (!isHttpWhitespace(value.charCodeAt(0)) && !isHttpWhitespace(value.charCodeAt(value.length - 1))) return value
  let start = 0
  let end = value.length
  while (start < end && isHttpWhitespace(value.charCodeAt(start))) start++
  while (end > start && isHttpWhitespace(value.charCodeAt(end - 1))) end--
  return value.slice(start, end)
}

/**
 * `c.req.header(name)` (`name` lower-case): what the web `Headers` of the request would answer,
 * read from Node's raw header list: every field of that name, trimmed, joined by `, ` (`; ` for
 * `cookie`), as `Headers.get` joins them. Node's own `incoming.headers` keeps only the first of a
 * repeated `Host`, `Content-Type` or `Authorization`, so it is not used.
 */
export function requestHeader(c: Context<AppEnv>, name: string): string | undefined {
  const { incoming } = nodeBindings(c)
  if (incoming === undefined) return c.req.header(name)
  const raw = incoming.rawHeaders
  let value: string | undefined
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i] as string
    if (key.length !== name.length || key.toLowerCase() !== name) continue
    const field = normalizedValue(raw[i + 1] as string)
    value = value === undefined ? field : `${value}${name === 'cookie' ? '; ' : ', '}${field}`
  }
  return value
}

/** `getCookie(c, name)` of `hono/cookie` over `requestHeader`. */
export function requestCookie(c: Context<AppEnv>, name: string): string | undefined {
  const cookie = requestHeader(c, 'cookie')
  if (!cookie) return undefined
  return parseCookies(cookie, name)[name]
}
