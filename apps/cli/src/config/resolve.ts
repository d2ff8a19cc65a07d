/**
 * The one precedence rule of every command (docs/configuration.md): **flag > environment >
 * config file > default**. An empty string counts as unset in every layer (an exported but empty
 * `PERMIT0_*` variable falls through to the file). Pure and import-free: the hook resolves its
 * settings through it on every call, serve's loader and the store options use it too.
 */
export const Layer = { Flag: 'flag', Env: 'env', File: 'file', Default: 'default' } as const
export type Layer = (typeof Layer)[keyof typeof Layer]

export interface SettingLayers<T> {
  readonly flag?: T | undefined
  readonly env?: T | undefined
  readonly file?: T | undefined
  readonly fallback?: T | undefined
}

/** The chosen value and the layer it came from; `from` is undefined when no layer had one. */
export interface ResolvedSetting<T> {
  readonly value: T | undefined
  readonly from: Layer | undefined
}

const isSet = (value: unknown): boolean => value !== undefined && value !== ''

export function resolveSetting<T>(layers: SettingLayers<T>): ResolvedSetting<T> {
  if (isSet(layers.flag)) return { value: layers.flag, from: Layer.Flag }
  if (isSet(layers.env)) return { value: layers.env, from: Layer.Env }
  if (isSet(layers.file)) return { value: layers.file, from: Layer.File }
  if (isSet(layers.fallback)) return { value: layers.fallback, from: Layer.Default }
  return { value: undefined, from: undefined }
}

/** `resolveSetting(...).value`, for callers that do not report the layer. */
export function pickSetting<T>(layers: SettingLayers<T>): T | undefined {
  return resolveSetting(layers).value
}

/**
 * Whole-object form for loaders with many keys (serve): for every key present in any layer, the
 * value `resolveSetting` picks and the layer it came from; keys no layer sets are left out (the
 * schema's defaults apply).
 */
export function mergeLayers<T extends object>(layers: {
  readonly flags?: Partial<T>
  readonly env?: Partial<T>
  readonly file?: Partial<T>
}): { readonly values: Partial<T>; readonly sources: Partial<Record<keyof T, Layer>> } {
  const flags: Partial<T> = layers.flags ?? {}
  const env: Partial<T> = layers.env ?? {}
  const file: Partial<T> = layers.file ?? {}
  const keys = new Set([...Object.keys(file), ...Object.keys(env), ...Object.keys(flags)] as (keyof T)[])
  const values: Partial<T> = {}
  const sources: Partial<Record<keyof T, Layer>> = {}
  for (const key of keys) {
    const { value, from } = resolveSetting({ flag: flags[key], env: env[key], file: file[key] })
    if (value === undefined || from === undefined) continue
    values[key] = value
    sources[key] = from
  }
  return { values, sources }
}
