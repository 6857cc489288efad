// How many members the deployment's Tempo ring holds: the proxy's read-only
// GET /ingester/ring (Tempo's ring page as JSON), behind the query credential.
import type {Credentials} from './smoke.js'

export interface RingStatus {
  members: number
  /** Members by state (ACTIVE, JOINING, LEAVING...). */
  states: Record<string, number>
}

/** Counts the shards of a ring page's JSON; undefined when it is not one. */
export function parseRing(body: string): RingStatus | undefined {
  let doc: unknown
  try {
    doc = JSON.parse(body)
  } catch {
    return undefined
  }
  const shards = (doc as {shards?: unknown})?.shards
  if (!Array.isArray(shards)) return undefined
  const states: Record<string, number> = {}
  for (const shard of shards) {
    const state = String((shard as {state?: unknown})?.state ?? 'UNKNOWN')
    states[state] = (states[state] ?? 0) + 1
  }
  return {members: shards.length, states}
}

export function describeRing(ring: RingStatus): string {
  const states = Object.entries(ring.states)
    .map(([state, count]) => `${count} ${state}`)
    .join(', ')
  return `Tempo ring: ${ring.members} member${ring.members === 1 ? '' : 's'} (${states})`
}

/** The ring of the Tempo behind URL, or undefined where the proxy has no ring route (older buildpacks). */
export async function readRing(
  url: URL,
  credentials: Pick<Credentials, 'queryUser' | 'queryPassword'>,
  timeoutMs = 10_000,
  doFetch: typeof fetch = fetch,
): Promise<RingStatus | undefined> {
  const basic = 'Basic ' + Buffer.from(`${credentials.queryUser}:${credentials.queryPassword}`).toString('base64')
  try {
    const response = await doFetch(new URL(url.pathname.replace(/\/$/, '') + '/ingester/ring', url), {
      headers: {authorization: basic, accept: 'application/json'},
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    })
    const body = await response.text()
    return response.ok ? parseRing(body) : undefined
  } catch {
    return undefined
  }
}
