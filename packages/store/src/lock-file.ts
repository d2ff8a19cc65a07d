import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { StoreError, StoreErrorCode } from './errors.ts'

export const LOCK_FILE_NAME = 'permit0.lock'

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Takes `<dir>/permit0.lock` (exclusive create, holding our pid). A lock left by a dead process
 * is replaced; a live holder (including this process) → StoreError DataDirLocked naming the
 * directory and the pid. Returns the release function.
 */
export function acquireDataDirLock(dir: string): () => void {
  const path = join(dir, LOCK_FILE_NAME)
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const fd = openSync(path, 'wx', 0o600)
      try {
        writeSync(fd, `${process.pid}\n`)
      } finally {
        closeSync(fd)
      }
      let released = false
      return () => {
        if (released) return
        released = true
        try {
          unlinkSync(path)
        } catch {
          // already gone
        }
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new StoreError(StoreErrorCode.ConnectionFailed, `cannot create lock file ${path}: ${(err as Error).message}`, { dir }, { cause: err })
      }
    }
    let holder = Number.NaN
    try {
      holder = Number.parseInt(readFileSync(path, 'utf8').trim(), 10)
    } catch {
      // vanished between open and read: retry
    }
    if (Number.isInteger(holder) && holder > 0 && processAlive(holder)) {
      throw new StoreError(
        StoreErrorCode.DataDirLocked,
        `data directory ${dir} is in use by another permit0 process (pid ${holder}); stop it or choose another --data-dir`,
        { dir, pid: holder },
      )
    }
    try {
      unlinkSync(path) // stale lock of a dead process (or unreadable): take it over
    } catch {
      // someone else removed it first
    }
  }
  throw new StoreError(StoreErrorCode.DataDirLocked, `could not take the lock ${path}`, { dir })
}
