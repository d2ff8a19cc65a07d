import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'

export type JsonlLine = { readonly line: number; readonly value: unknown } | { readonly line: number; readonly error: string; readonly text: string }

/** Streams a JSONL file: one parsed value per non-blank line, with its 1-based line number. */
export async function* readJsonl(path: string): AsyncIterable<JsonlLine> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity })
  let line = 0
  for await (const text of lines) {
    line += 1
    if (text.trim() === '') continue
    try {
      yield { line, value: JSON.parse(text) as unknown }
    } catch (err) {
      yield { line, error: `not valid JSON (${(err as Error).message})`, text }
    }
  }
}
