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
/** Normalization: client prefixes, aliases, dispatch, extraction */
export * from './normalize/index.ts'
/** Pack loading from file texts */
export * from './packs/index.ts'
