import { parseYaml } from '@permit0/engine'

/**
 * YAML text → plain value through the engine's parser, for the CLI's own YAML files (hook config,
 * calibration cases): syntax errors, duplicate keys and collections used as mapping keys throw
 * with line:column, and nothing is stringified behind a process warning.
 */
export function parseYamlValue(text: string): unknown {
  const parsed = parseYaml(text)
  const errors = parsed.issues.filter((i) => i.severity === 'error')
  if (errors.length > 0) {
    throw new Error(errors.map((i) => `${i.line ?? '?'}:${i.column ?? '?'}: ${i.message}`).join('; '))
  }
  return parsed.value
}
