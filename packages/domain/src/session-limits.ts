/**
 * Session history limits, shared by the engine's session store port, every adapter (store rows,
 * memory, the hook's files) and the wire schemas.
 */

/** Records a session store keeps per session, newest kept; `load` never returns more. */
export const SESSION_RECORD_LIMIT = 500
/** Records older than this (by `atMs`) are ignored on read and pruned: 7 days. */
export const SESSION_TTL_MS = 7 * 24 * 3_600_000
/** Longest accepted session id (characters); longer ids are refused where they enter. */
export const SESSION_ID_MAX_LENGTH = 256
/**
 * Largest record (its JSON) a session store accepts: every bounded record fits; a bigger one is
 * refused by every adapter (the decision path always bounds first).
 */
export const SESSION_RECORD_MAX_CHARS = 16_384
