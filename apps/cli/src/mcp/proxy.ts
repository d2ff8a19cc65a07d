/**
 * The MCP proxy of `permit0 mcp`, at the JSON-RPC message level: every message between the client
 * and the real server passes through unchanged (same ids, same bodies: initialize, lists,
 * resources, prompts, progress, cancellation, logging, and the server's own requests to the
 * client), except a client `tools/call`, which is held until the gate answers. Allowed → the
 * original message is forwarded; refused → the client gets a tool result with `isError: true`
 * whose text is permit0's reason, and the server never sees the call.
 */
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import {
  ErrorCode,
  isJSONRPCErrorResponse,
  isJSONRPCNotification,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  type JSONRPCMessage,
  type JSONRPCRequest,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js'
import type { JsonObject } from '@permit0/engine'
import type { Gate } from './gate.ts'

export interface McpProxyOptions {
  /** Faces the MCP client (permit0 is its server). */
  readonly client: Transport
  /** Faces the real MCP server (permit0 is its client). */
  readonly upstream: Transport
  readonly gate: Gate
  /** `--name`. */
  readonly server: string
  /** Diagnostics (stderr); never the client's channel. */
  readonly log: (line: string) => void
  /** Tools the gate refuses whatever the arguments: dropped from `tools/list` results. */
  readonly hiddenTools?: ReadonlySet<string>
}

export interface McpProxy {
  /** Resolves when either side has closed and the other was shut down; the exit code. */
  readonly done: Promise<number>
  start(): Promise<void>
}

/** A refused call as the tool result the model reads. */
export function refusal(id: RequestId, text: string): JSONRPCMessage {
  return { jsonrpc: '2.0', id, result: { content: [{ type: 'text', text }], isError: true } }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

export function createMcpProxy(options: McpProxyOptions): McpProxy {
  const { client, upstream, gate, log } = options
  /** Client requests forwarded and not yet answered (answered with an error if the server dies). */
  const forwarded = new Set<RequestId>()
  /** Client `tools/call`s being decided: id → abort (cancellation, disconnect). */
  const held = new Map<RequestId, AbortController>()
  /** Ids of forwarded `tools/list` requests whose results are filtered. */
  const listing = new Set<RequestId>()
  let initializeId: RequestId | undefined
  let finished = false
  let finish: (code: number) => void = () => undefined
  const done = new Promise<number>((resolve) => (finish = resolve))

  const toClient = (message: JSONRPCMessage): void => {
    client.send(message).catch((err: unknown) => log(`permit0 mcp: cannot write to the client: ${(err as Error).message}`))
  }
  const toUpstream = (message: JSONRPCMessage): void => {
    if (isJSONRPCRequest(message)) forwarded.add(message.id)
    upstream.send(message).catch((err: unknown) => {
      log(`permit0 mcp: cannot send to ${options.server}: ${(err as Error).message}`)
      if (isJSONRPCRequest(message)) {
        forwarded.delete(message.id)
        toClient({ jsonrpc: '2.0', id: message.id, error: { code: ErrorCode.ConnectionClosed, message: `permit0: MCP server '${options.server}' unreachable: ${(err as Error).message}` } })
      }
    })
  }

  const shutdown = async (code: number, reason: string): Promise<void> => {
    if (finished) return
    finished = true
    for (const abort of held.values()) abort.abort()
    await gate.close(reason).catch((err: unknown) => log(`permit0 mcp: ${(err as Error).message}`))
    await Promise.allSettled([client.close(), upstream.close()])
    finish(code)
  }

  const handleToolCall = async (request: JSONRPCRequest): Promise<void> => {
    const params = request.params
    const name = isObject(params) ? params.name : undefined
    const args = isObject(params) ? (params.arguments ?? {}) : undefined
    if (typeof name !== 'string' || name === '' || !isObject(args)) {
      toClient({
        jsonrpc: '2.0',
        id: request.id,
        error: { code: ErrorCode.InvalidParams, message: 'permit0: tools/call needs params.name (a string) and params.arguments (an object)' },
      })
      return
    }
    const abort = new AbortController()
    held.set(request.id, abort)
    let decision: Awaited<ReturnType<Gate['check']>>
    try {
      decision = await gate.check({ server: options.server, tool: name, arguments: args as JsonObject }, abort.signal)
    } catch (err) {
      decision = { kind: 'deny', reason: `permit0 could not decide ${options.server}/${name}, so it did not run: ${(err as Error).message}` }
    } finally {
      held.delete(request.id)
    }
    if (abort.signal.aborted || finished) return // cancelled: the client expects no answer
    if (decision.kind === 'allow') toUpstream(request)
    else toClient(refusal(request.id, decision.reason))
  }

  client.onmessage = (message) => {
    if (finished) return
    if (isJSONRPCRequest(message)) {
      if (message.method === 'tools/call') {
        void handleToolCall(message)
        return
      }
      if (message.method === 'initialize') initializeId = message.id
      if (message.method === 'tools/list' && options.hiddenTools !== undefined && options.hiddenTools.size > 0) listing.add(message.id)
      toUpstream(message)
      return
    }
    if (isJSONRPCNotification(message) && message.method === 'notifications/cancelled') {
      const id = isObject(message.params) ? (message.params.requestId as RequestId | undefined) : undefined
      const abort = id === undefined ? undefined : held.get(id)
      if (abort !== undefined) {
        abort.abort() // never reached the server: nothing to forward
        return
      }
    }
    toUpstream(message)
  }

  upstream.onmessage = (message) => {
    if (finished) return
    if (isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message)) {
      const id = message.id
      if (id !== undefined) forwarded.delete(id)
      if (isJSONRPCResultResponse(message) && id === initializeId) {
        initializeId = undefined
        const version = message.result.protocolVersion
        // Streamable HTTP sends the negotiated version on every later request.
        if (typeof version === 'string') (upstream as { setProtocolVersion?: (v: string) => void }).setProtocolVersion?.(version)
      }
      if (isJSONRPCResultResponse(message) && id !== undefined && listing.delete(id) && Array.isArray(message.result.tools)) {
        const hidden = options.hiddenTools ?? new Set<string>()
        const tools = (message.result.tools as unknown[]).filter((t) => !(isObject(t) && typeof t.name === 'string' && hidden.has(t.name)))
        toClient({ ...message, result: { ...message.result, tools } })
        return
      }
    }
    toClient(message)
  }

  client.onerror = (err) => log(`permit0 mcp: bad message from the client: ${err.message}`)
  upstream.onerror = (err) => log(`permit0 mcp: error from MCP server '${options.server}': ${err.message}`)

  client.onclose = () => {
    void shutdown(0, 'the MCP client disconnected')
  }
  upstream.onclose = () => {
    if (finished) return
    log(`permit0 mcp: MCP server '${options.server}' closed the connection`)
    for (const id of forwarded) {
      toClient({ jsonrpc: '2.0', id, error: { code: ErrorCode.ConnectionClosed, message: `permit0: MCP server '${options.server}' exited before answering` } })
    }
    forwarded.clear()
    void shutdown(1, `MCP server '${options.server}' exited`)
  }

  return {
    done,
    async start() {
      await upstream.start()
      await client.start()
    },
  }
}
