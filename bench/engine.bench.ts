/**
 * Engine benchmark: (a) full path normalize + decide (scored), (b) policy-cache hit path,
 * (c) the floor — canonical JSON + SHA-256 of the same calls — over calls shaped like the
 * calibration corpus, with our own packs. SHA-256 is Node's native one (as the CLI wires it); the
 * engine's pure-JS default (@noble/hashes) is measured alongside.
 */
import { hash } from 'node:crypto'
import { join } from 'node:path'
import { readPacksDir } from '../apps/cli/src/packs/index.ts'
import {
  canonicalJson,
  createEngine,
  createMemoryPolicyStore,
  initParsers,
  loadPackSet,
  sha256Hex,
  type PolicyLookup,
  type RawToolCall,
} from '../packages/engine/src/index.ts'
import { fmt, measure, type BenchModule, type Stats } from './types.ts'

const ORG = 'calibration.test'

/** Calls shaped like the calibration corpus (our own inputs). */
const CALLS: RawToolCall[] = (
  [
    ['gmail_send', { to: 'bob@calibration.test', subject: 'Hello', body: 'Quick note' }],
    ['outlook_send', { to: 'alice@calibration.test', subject: 'Meeting notes', body: 'Attached.' }],
    ['gmail_search', { q: 'in:inbox newer_than:7d invoice' }],
    ['gmail_list_mailboxes', {}],
    ['gmail_archive', { message_id: '18f2c9a1b7d4e1' }],
    ['gmail_delete', { message_id: '18f2c9a1b7d4e2' }],
    ['gmail_send', { to: 'jane.doe@partner-corp.example', subject: 'Q3 proposal', body: 'Hi Jane, attaching the proposal.' }],
    ['gmail_send', { to: 'contractor@external-vendor.example', subject: 'prod credentials', body: 'the database password is hunter2' }],
    ['gmail_set_forwarding', { forwarding_email: 'all-my-mail@throwaway-mail.example', enabled: true }],
    ['gmail_summarize_inbox', { max: 20 }],
    ['outlook_read', { message_id: 'AAMkAGI2zZ' }],
    ['outlook_move', { message_id: 'AAMkAGI2zA', folder_id: 'folder-archive' }],
    ['outlook_create_mailbox', { display_name: 'Contracts' }],
    ['outlook_send', { to: 'buyer@acme-partners.example', subject: 'signed SOW', body: 'Attached is the countersigned SOW.' }],
    ['outlook_add_delegate', { delegate: 'contractor@vendor-x.example', permissions: 'editor' }],
  ] as const
).map(([toolName, parameters]) => ({ toolName, parameters: parameters as never, metadata: {} }))

const MISS: PolicyLookup = { denylisted: false, allowlisted: false }

function row(label: string, s: Stats, floor: Stats): string {
  return `| ${label} | ${fmt(s.perSecond, 0)} | ${fmt(s.meanUs)} | ${fmt(s.p50us)} | ${fmt(s.p99us)} | ${fmt(floor.meanUs === s.meanUs ? 1 : s.meanUs / floor.meanUs)} |`
}

export const bench: BenchModule = {
  id: 'engine',
  async run() {
    await initParsers()
    const packsDir = join(import.meta.dirname, '..', 'packs')
    // Only the email pack: the calibration corpus is email, and other packs may be mid-edit.
    const loaded = loadPackSet(readPacksDir(packsDir).filter((f) => f.path.startsWith('permit0/email/')))
    if (!loaded.ok) throw new Error(`packs failed to load: ${loaded.issues.map((i) => i.message).join('; ')}`)
    const nativeSha256 = (text: string): string => hash('sha256', text, 'hex')
    const engine = createEngine({ packSet: loaded.packSet, orgDomain: ORG, fingerprint: 'bench', sha256: nativeSha256 })
    const pureEngine = createEngine({ packSet: loaded.packSet, orgDomain: ORG, fingerprint: 'bench' })
    const n = CALLS.length
    const call = (i: number): RawToolCall => CALLS[i % n] as RawToolCall
    const nowMs = 1_700_000_000_000

    const floor = measure((i) => {
      const c = call(i)
      nativeSha256(canonicalJson({ tool_name: c.toolName, parameters: c.parameters }))
    })
    const pureFloor = measure((i) => {
      const c = call(i)
      sha256Hex(canonicalJson({ tool_name: c.toolName, parameters: c.parameters }))
    })
    const full = measure((i) => {
      const c = call(i)
      engine.decide(engine.normalize(c), MISS, { rawParameters: c.parameters, nowMs })
    })
    const pureFull = measure((i) => {
      const c = call(i)
      pureEngine.decide(pureEngine.normalize(c), MISS, { rawParameters: c.parameters, nowMs })
    })
    const store = createMemoryPolicyStore({ fingerprint: 'bench' })
    for (const c of CALLS) {
      const a = engine.normalize(c)
      store.cacheSetSync({
        normHash: a.normHash,
        permission: 'allow',
        source: 'Scorer',
        createdAtMs: nowMs,
        expiresAtMs: nowMs + 3_600_000,
        fingerprint: 'bench',
      })
    }
    const hit = measure((i) => {
      const c = call(i)
      const a = engine.normalize(c)
      const v = engine.decide(a, store.lookupSync(a.normHash, nowMs), { rawParameters: c.parameters, nowMs })
      if (v.verdict.source !== 'PolicyCache') throw new Error('expected a cache hit')
    })
    // The async `check` over the in-memory store (cache misses only: a fresh store per batch).
    let checkStore = createMemoryPolicyStore()
    const asyncIterations = 100_000
    for (let i = 0; i < 10_000; i++) await engine.check(call(i), { store: checkStore, nowMs: nowMs + i * 4_000_000 })
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < asyncIterations; i++) {
      if (i % n === 0) checkStore = createMemoryPolicyStore()
      await engine.check(call(i), { store: checkStore, nowMs })
    }
    const checkPerSecond = (asyncIterations / Number(process.hrtime.bigint() - t0)) * 1e9

    const ratioA = full.meanUs / floor.meanUs
    const ratioB = hit.meanUs / floor.meanUs
    const ok = (b: boolean): string => (b ? 'met' : '**not met**')
    const markdown = [
      '## Engine',
      '',
      `${n} calls shaped like the calibration corpus (email pack, org domain \`${ORG}\`), cycled;`,
      'our own `packs/permit0/email`, no profile, one thread. Throughput from a tight loop of 200 000 decisions;',
      'p50/p99 from 100 000 individually timed decisions. SHA-256 = `node:crypto` `hash()` injected through',
      '`createEngine({ sha256 })`, as the CLI does; the last rows use the engine\'s pure-JS default (@noble/hashes).',
      '',
      '| path | decisions/s | mean µs | p50 µs | p99 µs | × floor |',
      '|---|---:|---:|---:|---:|---:|',
      row('(a) full: normalize + score (`normalize` + `decide`)', full, floor),
      row('(b) policy-cache hit: normalize + lookup + `decide`', hit, floor),
      row('(c) floor: canonical JSON + SHA-256 of the call', floor, floor),
      `| async \`check\` over the in-memory store (misses) | ${fmt(checkPerSecond, 0)} | ${fmt(1e6 / checkPerSecond)} | | | |`,
      row('(a) full, pure-JS SHA-256 (engine default)', pureFull, floor),
      row('(c) floor, pure-JS SHA-256', pureFloor, floor),
      '',
      `Targets (product §3.14): full decision ${fmt(full.meanUs)} µs ≤ 5 µs — ${ok(full.meanUs <= 5)};`,
      `cache hit ${fmt(hit.meanUs)} µs ≤ 2 µs — ${ok(hit.meanUs <= 2)}. Ratios: (a)/(c) = ${fmt(ratioA)}, (b)/(c) = ${fmt(ratioB)};`,
      `native vs pure-JS SHA-256 on the full path: ${fmt(pureFull.meanUs / full.meanUs)}× faster.`,
      '',
      'Where the time goes (`node --cpu-prof`, cache-hit path): about half is the norm_hash itself —',
      '`JSON.stringify` of the canonical document (keys already sorted, so no JCS re-sort) and SHA-256 —',
      'the rest is extraction/helpers, the store lookup and building the verdict and trace. Packs are',
      'compiled at load (matchers, extractors, helper lookups, risk-rule closures, scorer tables); risk',
      'rules read `parameter.*` from the normalized parameters without copying the raw call. The hit path',
      'cannot drop below the JCS + SHA-256 of its document without skipping the hash (a memo of',
      'raw call → normalized action), which we have not done.',
    ].join('\n')
    return { id: 'engine', markdown }
  },
}
