/**
 * Standard input read to its end as a stream. `readFileSync(0)` fails with EAGAIN when stdin is a
 * pipe in non-blocking mode and the writer has not caught up (a large tool call piped into
 * `permit0 check`); a stream waits for the data instead. With `limitBytes`, reading stops one
 * byte past the limit, so the caller can refuse the input naming the limit without holding it all.
 */
export async function readStdin(limitBytes?: number): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length
    chunks.push(chunk as Buffer)
    if (limitBytes !== undefined && size > limitBytes) break
  }
  return Buffer.concat(chunks).toString('utf8')
}
