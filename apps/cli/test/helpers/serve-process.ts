import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { registerReviewerToken } from './http.ts'
import { REPO_ROOT } from './in-process.ts'

export interface ServeChild {
  readonly url: string
  readonly output: () => string
  /** SIGTERM (graceful) or SIGKILL (crash); resolves when the process has exited. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<number | null>
}

/**
 * Spawns the real CLI (`permit0 serve --port 0 …`) from source and resolves once it prints the
 * address it listens on (the event of becoming ready, no polling).
 */
export function spawnServe(args: readonly string[], env: Record<string, string> = {}): Promise<ServeChild> {
  const childEnv = { ...process.env, PERMIT0_DATA_DIR: mkdtempSync(join(tmpdir(), 'permit0-serve-')), ...env }
  const child: ChildProcess = spawn(
    process.execPath,
    ['apps/cli/bin/permit0.js', 'serve', '--port', '0', '--log-level', 'warn', ...args],
    // A fresh data dir unless the caller chose one (the default ~/.permit0/data is never touched).
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: childEnv },
  )
  let output = ''
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)))
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString()
      const match = /listening on (http:\/\/\S+)/.exec(output)
      if (match?.[1] !== undefined) {
        // The reviewer secret of a tokenless daemon: the test acts as the human reviewer.
        const dataDirArg = args.indexOf('--data-dir')
        const dataDir = dataDirArg >= 0 ? args[dataDirArg + 1] : childEnv.PERMIT0_DATA_DIR
        try {
          registerReviewerToken(match[1], readFileSync(join(dataDir ?? '', 'reviewer-token'), 'utf8').trim())
        } catch {
          // a daemon with API tokens has none
        }
        child.stderr?.off('data', onData)
        child.stderr?.on('data', (c: Buffer) => (output += c.toString()))
        resolve({
          url: match[1],
          output: () => output,
          async stop(signal = 'SIGTERM') {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal)
            return exited
          },
        })
      }
    }
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()))
    child.stderr?.on('data', onData)
    void exited.then((code) => reject(new Error(`permit0 serve exited (${code}) before listening:\n${output}`)))
  })
}
