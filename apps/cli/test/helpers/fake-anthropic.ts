/**
 * A fake Anthropic Messages API on loopback for driving the real Claude Code headless. Each
 * `POST /v1/messages` is recorded; the reply comes from `script(request)`: a tool call (streamed
 * as a `tool_use` block, like the real API) or text. Requests that are not the agent loop (no
 * tools: titles, summaries) get a short text. Streaming requests get SSE, others JSON.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export type ScriptedReply = { readonly tool: string; readonly input: Record<string, unknown> } | { readonly text: string }

export interface RecordedRequest {
  readonly path: string
  readonly body: {
    readonly stream?: boolean
    readonly tools?: readonly { readonly name: string }[]
    readonly messages?: readonly { readonly role: string; readonly content: unknown }[]
  }
}

export interface FakeAnthropic {
  readonly url: string
  readonly requests: RecordedRequest[]
  /** Every request line received (method and URL), for diagnostics. */
  readonly seen: string[]
  /** The `tool_result` blocks the model was sent, in order. */
  toolResults(): { tool_use_id: string; is_error?: boolean; content: unknown }[]
  close(): Promise<void>
}

const sse = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`

function replyEvents(reply: ScriptedReply, id: number): string {
  const message = { id: `msg_${id}`, type: 'message', role: 'assistant', model: 'claude-fake', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 10, output_tokens: 1 } }
  let out = sse('message_start', { type: 'message_start', message })
  if ('tool' in reply) {
    out += sse('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: `toolu_${id}`, name: reply.tool, input: {} } })
    out += sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: JSON.stringify(reply.input) } })
  } else {
    out += sse('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } })
    out += sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: reply.text } })
  }
  out += sse('content_block_stop', { type: 'content_block_stop', index: 0 })
  out += sse('message_delta', { type: 'message_delta', delta: { stop_reason: 'tool' in reply ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: 10 } })
  out += sse('message_stop', { type: 'message_stop' })
  return out
}

function replyJson(reply: ScriptedReply, id: number): unknown {
  return {
    id: `msg_${id}`,
    type: 'message',
    role: 'assistant',
    model: 'claude-fake',
    content: 'tool' in reply ? [{ type: 'tool_use', id: `toolu_${id}`, name: reply.tool, input: reply.input }] : [{ type: 'text', text: reply.text }],
    stop_reason: 'tool' in reply ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: 10 },
  }
}

const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** Tool results in the last user message (what the model just got back). */
function lastToolResults(body: RecordedRequest['body']): unknown[] {
  const last = body.messages?.at(-1)
  if (last?.role !== 'user' || !Array.isArray(last.content)) return []
  return last.content.filter((b: { type?: string }) => b?.type === 'tool_result')
}

/**
 * `script(agentTurn)`: the reply for the n-th agent-loop request (0 = the first, which gets the
 * prompt; later ones carry the previous tool result).
 */
export async function startFakeAnthropic(script: (agentTurn: number, request: RecordedRequest) => ScriptedReply): Promise<FakeAnthropic> {
  const requests: RecordedRequest[] = []
  const seen: string[] = []
  let agentTurns = 0
  let ids = 0
  const server: Server = createServer(async (req, res) => {
    const text = await readBody(req)
    const path = (req.url ?? '').split('?')[0] ?? ''
    seen.push(`${req.method} ${req.url}`)
    if (req.method !== 'POST' || !path.endsWith('/v1/messages')) {
      if (path.endsWith('/count_tokens')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ input_tokens: 10 }))
        return
      }
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: path } }))
      return
    }
    const body = JSON.parse(text) as RecordedRequest['body']
    const request = { path, body }
    requests.push(request)
    const agentLoop = (body.tools ?? []).some((t) => t.name === 'Bash')
    const reply: ScriptedReply = agentLoop ? script(agentTurns++, request) : { text: 'ok' }
    ids += 1
    if (body.stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': `req_${ids}` })
      res.end(replyEvents(reply, ids))
    } else {
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': `req_${ids}` }).end(JSON.stringify(replyJson(reply, ids)))
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    seen,
    toolResults: () => requests.flatMap((r) => lastToolResults(r.body)) as ReturnType<FakeAnthropic['toolResults']>,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
