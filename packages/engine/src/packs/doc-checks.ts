/** Small typed readers for parsed YAML documents that record issues instead of throwing. */
import { describe } from '../conditions/compile-condition.ts'
import { isJsonObject } from '../conditions/values.ts'
import { issue, type IssuePath, type ValidationIssue } from '../errors.ts'
import type { JsonObject, JsonValue } from '../types.ts'

export class DocReader {
  readonly issues: ValidationIssue[] = []

  /** Records an error for every key of `obj` not in `allowed`. */
  keys(obj: JsonObject, allowed: readonly string[], path: IssuePath, what: string): void {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) {
        this.issues.push(
          issue('unknown_key', [...path, key], `unknown key '${key}' in ${what} (allowed: ${allowed.join(', ')})`, { key }),
        )
      }
    }
  }

  mapping(value: unknown, path: IssuePath, what: string): JsonObject | undefined {
    if (isJsonObject(value)) return value
    this.issues.push(issue('invalid_type', path, `${what} must be a mapping, got ${describe(value)}`))
    return undefined
  }

  string(obj: JsonObject, key: string, path: IssuePath, required: boolean): string | undefined {
    return this.typed(obj, key, path, required, 'a string', (v): v is string => typeof v === 'string')
  }

  bool(obj: JsonObject, key: string, path: IssuePath): boolean | undefined {
    return this.typed(obj, key, path, false, 'true or false', (v): v is boolean => typeof v === 'boolean')
  }

  int(obj: JsonObject, key: string, path: IssuePath, required: boolean): number | undefined {
    return this.typed(
      obj,
      key,
      path,
      required,
      'a 32-bit integer',
      (v): v is number => typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31,
    )
  }

  stringList(obj: JsonObject, key: string, path: IssuePath, required: boolean): string[] | undefined {
    return this.typed(
      obj,
      key,
      path,
      required,
      'a list of strings',
      (v): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string'),
    )
  }

  error(code: string, path: IssuePath, message: string, key?: string): void {
    this.issues.push(issue(code, path, message, key === undefined ? {} : { key }))
  }

  warn(code: string, path: IssuePath, message: string): void {
    this.issues.push(issue(code, path, message, { severity: 'warning' }))
  }

  private typed<T extends JsonValue>(
    obj: JsonObject,
    key: string,
    path: IssuePath,
    required: boolean,
    expected: string,
    guard: (v: JsonValue) => v is T,
  ): T | undefined {
    if (!Object.hasOwn(obj, key) || obj[key] === null) {
      if (required) this.issues.push(issue('missing_key', [...path, key], `missing required key '${key}'`, { key }))
      return undefined
    }
    const v = obj[key] as JsonValue
    if (guard(v)) return v
    this.issues.push(issue('invalid_type', [...path, key], `'${key}' must be ${expected}, got ${describe(v)}`, { key }))
    return undefined
  }
}
