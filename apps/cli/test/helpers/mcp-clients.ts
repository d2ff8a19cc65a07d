/**
 * MCP SDK clients for the `permit0 mcp` benchmark (bench/mcp.bench.ts): one connected straight to
 * the real filesystem server, one through `permit0 mcp` (spawned from source). Lives here so the
 * SDK resolves from apps/cli's dependencies.
 */
import { resolve } from 'node:path'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { REPO_ROOT } from './in-process.ts'

export const FS_SERVER = resolve(REPO_ROOT, 'apps/cli/node_modules/@modelcontextprotocol/server-filesystem/dist/index.js')
const BIN = resolve(REPO_ROOT, 'apps/cli/bin/permit0.js')

export interface McpBenchClient {
  /** One `tools/call`; resolves with whether the result was an error. */
  call(name: string, args: Record<string, unknown>): Promise<boolean>
  close(): Promise<void>
}

async function connect(command: string, args: string[], env: Record<string, string>): Promise<McpBenchClient> {
  const client = new Client({ name: 'permit0-bench', version: '1.0.0' })
  await client.connect(new StdioClientTransport({ command, args, cwd: REPO_ROOT, env: { ...(process.env as Record<string, string>), ...env }, stderr: 'ignore' }), { timeout: 300_000 })
  return {
    call: async (name, callArgs) => (await client.callTool({ name, arguments: callArgs }, undefined, { timeout: 300_000 })).isError === true,
    close: () => client.close(),
  }
}

/** Straight to `server-filesystem <root>`. */
export const connectDirect = (root: string): Promise<McpBenchClient> => connect(process.execPath, [FS_SERVER, root], {})

/** Through `permit0 mcp --name filesystem <extra…> -- server-filesystem <root>`. */
export const connectProxied = (root: string, extra: readonly string[], env: Record<string, string>): Promise<McpBenchClient> =>
  connect(process.execPath, [BIN, 'mcp', '--name', 'filesystem', '--cwd', root, ...extra, '--', process.execPath, FS_SERVER, root], env)
