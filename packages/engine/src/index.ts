export * from './types.ts'

/** Errors and validation issues */
export * from './errors.ts'
/** Closed taxonomy */
export * from './taxonomy/index.ts'
/** Canonical JSON and norm_hash */
export * from './canonical/index.ts'
/** Match / condition language (normalizer `match`, risk-rule `when`) */
export * from './conditions/index.ts'
/** Helpers usable from normalizers (`compute:`) */
export * from './helpers/index.ts'
/** WASM parsers (bash, PostgreSQL): awaited once before building an engine */
export { initParsers, parsersReady } from './parsers/index.ts'
/** Normalization: client prefixes, aliases, dispatch, extraction */
export * from './normalize/index.ts'
/** Pack loading from file texts */
export * from './packs/index.ts'
/** Scoring: constants, config, hybrid scorer, templates */
export * from './scoring/constants.ts'
export * from './scoring/config.ts'
export * from './scoring/hybrid.ts'
export * from './scoring/template.ts'
/** Risk rules (compile + execute) */
export * from './risk/compile-risk-rule.ts'
export * from './risk/assess.ts'
/** Session context, amplifier and built-in session block rules */
export * from './session/session.ts'
export * from './session/block-rules.ts'
/** Scoring profiles and guardrails */
export * from './profiles/profile.ts'
/** Verdict pipeline and agent reviewer */
export * from './verdict/pipeline.ts'
export * from './verdict/explain.ts'
export * from './verdict/reviewer.ts'
/** In-memory policy store */
export * from './memory-store.ts'
/** The engine */
export * from './engine.ts'
