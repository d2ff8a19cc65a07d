import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const REPO_ROOT = resolve(import.meta.dirname, '../../..')

/** A free loopback port (bound then released). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer()
    srv.once('error', fail)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      srv.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))))
    })
  })
}

export interface ServeProcess {
  readonly baseUrl: string
  readonly output: () => string
  /** The one-time dashboard login link `serve --ui` printed (no API tokens). */
  readonly loginUrl: string
  /** The daemon's reviewer secret (`<data dir>/reviewer-token`), for direct API calls. */
  readonly reviewerToken: string
  stop(): Promise<void>
}

/**
 * Starts the real `permit0 serve --ui` from source with a fresh temp data dir and waits until
 * `/api/v1/health` answers. Fails with the server's output if it exits first.
 */
export async function startServe(extraArgs: readonly string[] = []): Promise<ServeProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'permit0-e2e-'))
  const port = await freePort()
  const args = ['apps/cli/bin/permit0.js', 'serve', '--ui', '--port', String(port), '--data-dir', dataDir, ...extraArgs]
  const child: ChildProcess = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()))
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()))
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)))
  const baseUrl = `http://127.0.0.1:${port}`

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    }
    await rm(dataDir, { recursive: true, force: true })
  }

  let stopped = false
  void exited.then(() => (stopped = true))
  for (let attempt = 0; ; attempt++) {
    if (stopped) {
      await stop()
      throw new Error(`permit0 serve exited before it was ready:\n${output}`)
    }
    try {
      const res = await fetch(`${baseUrl}/api/v1/health`)
      if (res.ok) break
    } catch {
      // not listening yet
    }
    if (attempt > 600) {
      await stop()
      throw new Error(`permit0 serve did not become ready within 60 s:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  for (let attempt = 0; !/session\/login\?code=/.test(output); attempt++) {
    if (attempt > 100) {
      await stop()
      throw new Error(`permit0 serve printed no login link:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  const loginUrl = /(http:\/\/\S+\/api\/v1\/session\/login\?code=\S+)/.exec(output)?.[1] ?? ''
  const reviewerToken = (await readFile(join(dataDir, 'reviewer-token'), 'utf8')).trim()
  return { baseUrl, output: () => output, loginUrl, reviewerToken, stop }
}
