/** `permit0 login`: a new one-time dashboard login link from a running tokenless daemon. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Command } from 'commander'
import type { CliContext } from '../env.ts'
import { REVIEWER_TOKEN_FILE } from '../server/reviewer-auth.ts'
import { readStoreFileSettings, resolveDataDir } from '../store-options.ts'

export interface LoginOptions {
  readonly url: string
  readonly dataDir?: string
}

export interface LoginDeps {
  readonly env: Readonly<Record<string, string | undefined>>
  readonly homeDir?: string
  readonly cwd?: string
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  readonly fetch?: typeof fetch
}

/** Reads `<data dir>/reviewer-token`, asks the daemon for a login link, prints it. 0 ok, 1 failure. */
export async function runLogin(options: LoginOptions, deps: LoginDeps): Promise<number> {
  const storeEnv = { env: deps.env, ...(deps.homeDir !== undefined && { homeDir: deps.homeDir }), ...(deps.cwd !== undefined && { cwd: deps.cwd }) }
  let dataDir: string
  try {
    // The same data directory serve chose: flag > PERMIT0_DATA_DIR > `data_dir` of permit0.yaml > default.
    dataDir = resolveDataDir({ ...(options.dataDir !== undefined && { dataDir: options.dataDir }) }, { ...storeEnv, file: readStoreFileSettings({}, storeEnv) })
  } catch (err) {
    deps.stderr(`error: ${(err as Error).message}\n`)
    return 1
  }
  const path = join(dataDir, REVIEWER_TOKEN_FILE)
  let secret: string
  try {
    secret = readFileSync(path, 'utf8').trim()
  } catch (err) {
    deps.stderr(`error: cannot read the reviewer secret ${path}: ${(err as Error).message} (start \`permit0 serve\` with this data dir first)\n`)
    return 1
  }
  const base = options.url.replace(/\/+$/, '')
  try {
    const res = await (deps.fetch ?? fetch)(`${base}/api/v1/session/link`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: '{}',
    })
    const body = (await res.json()) as { login_url?: string; error?: { message?: string } }
    if (!res.ok || body.login_url === undefined) {
      deps.stderr(`error: ${base}: HTTP ${res.status}: ${body.error?.message ?? 'no login link'}\n`)
      return 1
    }
    deps.stdout(`${body.login_url}\n`)
    return 0
  } catch (err) {
    deps.stderr(`error: cannot reach ${base}: ${(err as Error).message}\n`)
    return 1
  }
}

export function loginCommand(ctx: CliContext): Command {
  return new Command('login')
    .description('Print a new one-time dashboard login link (a daemon without API tokens; reads <data dir>/reviewer-token)')
    .option('--url <url>', 'the daemon', 'http://127.0.0.1:9090')
    .option('--data-dir <dir>', 'data dir of that daemon (default PERMIT0_DATA_DIR or ~/.permit0/data)')
    .addHelpText('after', '\nExample:\n  permit0 login --url http://127.0.0.1:9090\n')
    .action(async (opts: LoginOptions) => {
      process.exitCode = await runLogin(opts, {
        env: ctx.env,
        ...(ctx.env.HOME ? { homeDir: ctx.env.HOME } : {}),
        stdout: (t) => process.stdout.write(t),
        stderr: (t) => process.stderr.write(t),
      })
    })
}
