import { describe, expect, it } from 'vitest'
import { runMcp } from './mcp.ts'

async function usage(command: string[], options: Record<string, string>): Promise<{ code: number; err: string }> {
  let err = ''
  const code = await runMcp(command, options, { env: {}, stderr: (t) => void (err += t) })
  return { code, err }
}

describe('permit0 mcp: bad options are usage errors (exit 2), nothing is started', () => {
  it.each([
    [[], {}, '--name "": use 1-64 letters'],
    [['srv'], { name: 'bad name!' }, '--name "bad name!"'],
    [[], { name: 'fs' }, 'either as `-- <command> [args…]` (stdio) or as `--upstream <url>`'],
    [['srv'], { name: 'fs', upstream: 'http://127.0.0.1:1/mcp' }, 'not both'],
    [[], { name: 'fs', upstream: 'ftp://example.com' }, 'expected an http(s) URL'],
    [['srv'], { name: 'fs', budget: 'soon' }, '--budget must be a number of seconds'],
    [['srv'], { name: 'fs', budget: '-5' }, '--budget must be positive'],
    [['srv'], { name: 'fs', approvalTtl: '999999' }, '--approval-ttl must be at most 86400'],
    [['srv'], { name: 'fs', remote: 'localhost:8787' }, '--remote must be an http(s) URL'],
  ] as const)('%j %j', async (command, options, message) => {
    const { code, err } = await usage([...command], options)
    expect(code).toBe(2)
    expect(err).toContain(message)
  })
})
