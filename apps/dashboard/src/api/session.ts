/**
 * Browser-side session state: the API token (sessionStorage, so it dies with the tab) and the
 * reviewer's display name (localStorage, asked once when no token names the reviewer).
 */

export const TOKEN_KEY = 'permit0.token'
export const REVIEWER_KEY = 'permit0.reviewer'

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn()
  } catch {
    return fallback
  }
}

export function readToken(): string | undefined {
  return safe(() => sessionStorage.getItem(TOKEN_KEY) ?? undefined, undefined) || undefined
}

export function writeToken(token: string | undefined): void {
  safe(() => (token ? sessionStorage.setItem(TOKEN_KEY, token) : sessionStorage.removeItem(TOKEN_KEY)), undefined)
}

export function readReviewer(): string | undefined {
  return safe(() => localStorage.getItem(REVIEWER_KEY) ?? undefined, undefined) || undefined
}

export function writeReviewer(name: string | undefined): void {
  safe(() => (name ? localStorage.setItem(REVIEWER_KEY, name) : localStorage.removeItem(REVIEWER_KEY)), undefined)
}
