import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const WORKER = fileURLToPath(new URL('./fixtures/store-worker.ts', import.meta.url))

/** Starts the store worker as a separate Node process (through tsx). */
export function spawnWorker(args: readonly string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--conditions=@permit0/source', '--import', 'tsx', WORKER, ...args], { stdio: 'pipe' })
}

/** Collects output until exit. */
export function finished(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** Resolves with the first stdout line that starts with `prefix`. */
export function waitForLine(child: ChildProcessWithoutNullStreams, prefix: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = ''
    const onData = (d: Buffer) => {
      buffer += d.toString()
      const line = buffer.split('\n').find((l) => l.startsWith(prefix))
      if (line !== undefined) {
        child.stdout.off('data', onData)
        resolve(line)
      }
    }
    child.stdout.on('data', onData)
    child.on('close', (code) => reject(new Error(`worker exited (${code}) before printing ${prefix}`)))
  })
}
