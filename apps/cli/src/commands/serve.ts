import { Command, Option } from 'commander'
import { ConfigError, loadConfig } from '../config/load.ts'
import type { ConfigInput } from '../config/schema.ts'
import type { CliContext } from '../env.ts'
import { PACKS_DIR_HELP } from '../engine-options.ts'
import { addStoreOptions } from '../store-options.ts'
import type { ServerHandle, StartServerOptions, startServer } from '../server/start-server.ts'

export interface ServeOptions {
  readonly port?: string
  readonly host?: string
  readonly ui?: boolean
  readonly calibrate?: boolean
  readonly packsDir?: string
  readonly shadow?: string
  readonly profile?: string
  readonly orgDomain?: string
  readonly dataDir?: string
  readonly databaseUrl?: string
  readonly auditKey?: string
  readonly approvalTimeout?: string
  /** Only set when `--no-cache-human-verdicts` was given. */
  readonly cacheHumanVerdicts?: boolean
  readonly config?: string
  readonly logLevel?: string
  readonly uiDir?: string
  readonly insecure?: boolean
  readonly publicUrl?: string
  readonly notifyWebhook?: string
  readonly notifyWebhookName?: string
  readonly notifySlack?: string
  readonly notifySlackUsers?: string
  readonly slackApiUrl?: string
  readonly notifyEmail?: string
  readonly notifyEmailFrom?: string
  readonly notifyEmailTo?: string
  readonly notifyIncludeArguments?: boolean
}

export interface ServeDeps {
  /** serve's settings (`PERMIT0_PORT`, …); defaults to the process environment, read only by config/load.ts. */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** The store variables (`PERMIT0_AUDIT_DATABASE_URL`, `PERMIT0_AUDIT_REDACT_KEYS`, `HOME`, …); default `env`. */
  readonly storeEnv?: Readonly<Record<string, string | undefined>>
  readonly cwd: string
  readonly stderr: (text: string) => void
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
  readonly untilStopped: (server: ServerHandle) => Promise<void>
  readonly start?: (config: Parameters<typeof startServer>[0], options: StartServerOptions) => Promise<ServerHandle>
}

/** Runs the daemon until stopped; returns the exit code (0 ok, 1 failure, 2 config error). */
export async function runServe(options: ServeOptions, deps: ServeDeps): Promise<number> {
  const flags: Partial<ConfigInput> = {
    port: options.port,
    host: options.host,
    ui: options.ui,
    calibrate: options.calibrate,
    packsDir: options.packsDir,
    shadowPacksDir: options.shadow,
    profile: options.profile,
    orgDomain: options.orgDomain,
    dataDir: options.dataDir,
    databaseUrl: options.databaseUrl,
    auditKey: options.auditKey,
    approvalTimeoutSecs: options.approvalTimeout,
    cacheHumanVerdicts: options.cacheHumanVerdicts,
    logLevel: options.logLevel as ConfigInput['logLevel'],
    uiDir: options.uiDir,
    insecure: options.insecure,
    publicUrl: options.publicUrl,
    notifyWebhook: options.notifyWebhook,
    notifyWebhookName: options.notifyWebhookName,
    notifySlack: options.notifySlack,
    slackUsers: options.notifySlackUsers,
    slackApiUrl: options.slackApiUrl,
    notifyEmail: options.notifyEmail,
    notifyEmailFrom: options.notifyEmailFrom,
    notifyEmailTo: options.notifyEmailTo,
    notifyIncludeArguments: options.notifyIncludeArguments,
  }
  let server: ServerHandle
  try {
    const config = loadConfig({ flags, ...(deps.env !== undefined && { env: deps.env }), cwd: deps.cwd, ...(options.config !== undefined && { file: options.config }) })
    const start = deps.start ?? (await loadServer()).startServer
    server = await start(config, {
      cwd: deps.cwd,
      ...((deps.storeEnv ?? deps.env) !== undefined && { env: deps.storeEnv ?? deps.env }),
      ...((deps.storeEnv ?? deps.env)?.HOME && { homeDir: (deps.storeEnv ?? deps.env)?.HOME }),
      onKeyCreated: ({ path, publicKey }) =>
        deps.stderr(`created audit signing key ${path} (0600)\n  public key: ${publicKey}\n`),
    })
    deps.stderr(
      `permit0 serve listening on ${server.url}\n  API at ${server.url}/api/v1/\n` +
        (config.shadowPacksDir !== undefined ? `  shadow policy: ${config.shadowPacksDir} (recorded beside each decision, not enforced)\n` : '') +
        (config.ui && server.dashboardMissing === undefined
          ? `  dashboard at ${server.url}/ui/${config.calibrate ? ' (calibration mode)' : ''}\n`
          : ''),
    )
    if (server.dashboardMissing !== undefined) {
      deps.stderr(
        `  warning: --ui: the dashboard is not served (${server.dashboardMissing}); calls still park for a human:\n` +
          '    decide them through the API (GET /api/v1/approvals, POST /api/v1/approvals/<id>/decide)\n',
      )
    }
    if (server.reviewerToken !== undefined) {
      deps.stderr(
        `  no API tokens: deciding, reading and admin routes need the reviewer secret in ${server.reviewerTokenPath ?? '(memory)'}` +
          `${server.reviewerTokenCreated === true ? ' (created, 0600)' : ''}\n` +
          (server.loginUrl !== undefined && server.dashboardMissing === undefined
            ? `  open the dashboard (one-time login link, valid 10 minutes; \`permit0 login\` makes a new one):\n    ${server.loginUrl}\n`
            : ''),
      )
    }
    if (server.insecure) {
      deps.stderr(
        `\n  WARNING: --insecure: ${config.host} is reachable from other machines and no API token exists.\n` +
          '  Anyone who can reach it can submit checks; deciding and admin need the reviewer secret. Create tokens with\n' +
          '  `permit0 token create --name <name> --role <role>` and restart without --insecure.\n\n',
      )
    }
  } catch (err) {
    const { PacksDirError } = await import('../packs/packs-dir.ts')
    if (err instanceof ConfigError || err instanceof PacksDirError || isCode(err, 'STORE_DATA_DIR_LOCKED')) {
      deps.stderr(`error: ${err.message}\n`)
      return 2
    }
    throw err
  }
  await deps.untilStopped(server)
  await server.close()
  return 0
}

/** The server's modules, loaded once the settings are known (`serve --help` and a config error load neither). */
const loadServer = (): Promise<{ startServer: typeof startServer }> => import('../server/start-server.ts')

const isCode = (err: unknown, code: string): err is Error => (err as { code?: unknown }).code === code

/** Waits for SIGINT or SIGTERM. */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve()
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
}

export function serveCommand(ctx?: CliContext): Command {
  const command = new Command('serve')
    .description('Run the permit0 daemon: /api/v1/check, the approvals queue and (with --ui) the dashboard')
    .option('--port <port>', 'listen port (default 9090; 0 picks a free port)')
    .option('--host <host>', 'bind address (default 127.0.0.1; other addresses need API tokens)')
    .option('--insecure', 'allow a non-loopback --host without API tokens (anyone reaching it may check; deciding needs the reviewer secret)')
    .option('--ui', 'serve the dashboard at /ui/ and park HITL verdicts until a human decides')
    .option('--calibrate', 'park every fresh engine decision for a human (implies --ui)')
    .option('--packs-dir <dir>', PACKS_DIR_HELP)
    .option('--shadow <packs-dir>', 'also decide every call with this candidate packs root and record its answer in the audit entry (never enforced)')
    .option('--profile <name>', 'scoring profile (profiles/<name>.profile.yaml)')
    .option('--org-domain <domain>', 'organisation mail domain used when a request carries none')
    .option('--approval-timeout <secs>', 'how long a parked request waits for a human (default 300)')
    .option('--no-cache-human-verdicts', 're-prompt for every HITL call instead of caching human Allow/Deny')
    .option('--config <file>', 'settings file (default $PERMIT0_CONFIG_FILE, else ~/.permit0/permit0.yaml when present; never ./permit0.yaml)')
    .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']))
    .addOption(new Option('--ui-dir <dir>', 'dashboard build to serve (default apps/dashboard/dist)').hideHelp())
    .option('--public-url <url>', 'base URL of approve/deny links in notifications (default the bound address)')
    .option('--notify-webhook <url>', 'POST every new approval to this URL, signed with PERMIT0_WEBHOOK_SECRET')
    .option('--notify-webhook-name <name>', "the webhook's name: its links decide as this reviewer (default webhook)")
    .option('--notify-slack <channel-id>', 'post approvals to this Slack channel (PERMIT0_SLACK_BOT_TOKEN, PERMIT0_SLACK_SIGNING_SECRET)')
    .option('--notify-slack-users <map>', 'Slack user → reviewer, e.g. U0123ABCD=alice,U0456EFGH=bob')
    .addOption(new Option('--slack-api-url <url>', 'Slack Web API base (default https://slack.com/api)').hideHelp())
    .option('--notify-email <smtp-url>', 'mail approve/deny links over SMTP (password: PERMIT0_SMTP_PASSWORD[_FILE])')
    .option('--notify-email-from <address>', 'sender of notification mails')
    .option('--notify-email-to <addresses>', 'comma-separated recipients; each decides as their address')
    .option('--notify-include-arguments', "send the tool's arguments to Slack and the webhook (default: action and risk only)")
  return addStoreOptions(command)
    .addHelpText(
      'after',
      '\nStore: embedded PGlite persisted in ~/.permit0/data unless --data-dir / PERMIT0_DATA_DIR or\n' +
        '--database-url / PERMIT0_DATABASE_URL say otherwise; one serve per data dir (locked).\n' +
        '\nExamples:\n  permit0 serve --ui\n  permit0 serve --ui --data-dir ./permit0-data --approval-timeout 120\n' +
        '  PERMIT0_DATABASE_URL=postgres://localhost/permit0 permit0 serve --ui --port 9091\n' +
        '  permit0 token create --name alice --role approver --data-dir ~/.permit0 && permit0 serve --ui --host 0.0.0.0 --data-dir ~/.permit0\n' +
        '  PERMIT0_WEBHOOK_SECRET_FILE=/run/secrets/hook permit0 serve --ui --public-url https://permit0.example.com --notify-webhook https://hooks.example.com/permit0\n' +
        '\nNotifications (webhook, Slack, email) and their secrets: docs/serve.md#notifications\n',
    )
    .action(async (options: ServeOptions, command: Command) => {
      const cacheFlag = command.getOptionValueSource('cacheHumanVerdicts') === 'cli'
      const { cacheHumanVerdicts: _default, ...rest } = options
      process.exitCode = await runServe(cacheFlag ? { ...rest, cacheHumanVerdicts: false } : rest, {
        cwd: process.cwd(),
        ...(ctx !== undefined && { storeEnv: ctx.env }),
        stderr: (text) => process.stderr.write(text),
        untilStopped: () => untilSignal(),
      })
    })
}
