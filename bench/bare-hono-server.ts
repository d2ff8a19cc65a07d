/**
 * The baseline of the server benchmark, run as its own process (like `permit0 serve`): a bare
 * Hono handler that parses the JSON body and replies. Prints `listening on <url>` when ready.
 */
import { serve } from '../apps/cli/node_modules/@hono/node-server/dist/index.mjs'
import { Hono } from '../apps/cli/node_modules/hono/dist/index.js'

const app = new Hono().post('/api/v1/check', async (c) => {
  const body = (await c.req.json()) as { tool_name?: unknown }
  return c.json({ permission: 'allow', tool: typeof body.tool_name === 'string' ? body.tool_name : '' })
})
const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
  process.stderr.write(`listening on http://127.0.0.1:${info.port}\n`)
})
process.once('SIGTERM', () => server.close())
