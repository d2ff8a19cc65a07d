/**
 * `permit0 … | head`: when the reader closes the pipe early, writes to stdout fail with EPIPE.
 * Every command then stops quietly (no stack trace) with 141 (128 + SIGPIPE, what a shell reports
 * for a process killed by SIGPIPE). Never 0: for `permit0 check`, 0 means allow.
 */
export const CLOSED_PIPE_EXIT = 141

export function exitQuietlyOnClosedPipe(streams: readonly NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err
      process.exit(CLOSED_PIPE_EXIT)
    })
  }
}
