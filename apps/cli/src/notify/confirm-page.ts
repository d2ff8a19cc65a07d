import { createHash } from 'node:crypto'

/**
 * The server-rendered pages of approve/deny links: a confirmation page (GET; never decides)
 * whose form POSTs to the same URL, and outcome/refusal pages. No scripts, no external
 * resources; the one inline stylesheet is allowed by its hash in the page's CSP.
 */

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#111}' +
  'dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{color:#555}dd{margin:0;word-break:break-all}' +
  'button{font:inherit;padding:.6rem 1.4rem;border:0;border-radius:.4rem;color:#fff;cursor:pointer}' +
  '.allow{background:#1a7f37}.deny{background:#cf222e}.muted{color:#555}'

/** CSP of link pages: nothing but this stylesheet; the form may only post back here. */
export const LINK_PAGE_CSP = {
  defaultSrc: ["'none'"],
  styleSrc: [`'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`],
  formAction: ["'self'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
}

const esc = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;')

function page(title: string, body: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<meta name="referrer" content="no-referrer"><title>${esc(title)} · permit0</title><style>${STYLE}</style></head>` +
    `<body><h1>${esc(title)}</h1>${body}</body></html>`
  )
}

export interface ConfirmPageInput {
  readonly permission: 'allow' | 'deny'
  readonly reviewer: string
  readonly summary: string
  readonly approvalId: string
  readonly actionType: string
  readonly tier?: string
  readonly expiresAt: string
  /** What the decision will cover (e.g. "this exact call, for 60 min after deciding"). */
  readonly remember?: string
}

export function renderConfirmPage(input: ConfirmPageInput): string {
  const verb = input.permission === 'allow' ? 'Approve' : 'Deny'
  return page(
    `${verb} this call?`,
    `<p>${esc(input.summary)}</p><dl>` +
      `<dt>Approval</dt><dd>${esc(input.approvalId)}</dd>` +
      `<dt>Action</dt><dd>${esc(input.actionType)}</dd>` +
      (input.tier === undefined ? '' : `<dt>Risk</dt><dd>${esc(input.tier)}</dd>`) +
      `<dt>Expires</dt><dd>${esc(input.expiresAt)}</dd>` +
      `<dt>Decides as</dt><dd>${esc(input.reviewer)}</dd>` +
      (input.remember === undefined ? '' : `<dt>Remembered</dt><dd>${esc(input.remember)}</dd>`) +
      `</dl>` +
      // An empty action posts to this very URL (the link), which decides.
      `<form method="post"><input type="hidden" name="confirm" value="${input.permission}">` +
      `<button type="submit" class="${input.permission}">${verb}</button></form>` +
      `<p class="muted">Nothing has been decided yet. The link works once.</p>`,
  )
}

export function renderMessagePage(title: string, message: string): string {
  return page(title, `<p>${esc(message)}</p>`)
}
