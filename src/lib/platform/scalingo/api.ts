// Scalingo through its HTTP API: SCALINGO_API_TOKEN exchanged once for a bearer, then
// requests to the region's API, 429 retried after Retry-After. Nothing secret is ever shown.
import {CliError} from '../../core/errors.js'
import {redact} from '../../core/output.js'
import {type Addon, addonCommand, type CreateAppResult, created, existing, type Log, taken, type Variable} from './apps.js'
import type {Scalingo, ScalingoEnv} from './client.js'

const MAX_RETRIES = 4
const MAX_WAIT_S = 30

const baseUrl = (value: string): string => (/^https?:\/\//.test(value) ? value : `https://${value}`).replace(/\/+$/, '')

/** The regional API: SCALINGO_API_URL (where `{region}` stands for the region), else api.<region>.scalingo.com. */
export const apiUrlFor = (region: string, env: ScalingoEnv): string =>
  baseUrl(env.SCALINGO_API_URL ? env.SCALINGO_API_URL.replaceAll('{region}', region) : `https://api.${region}.scalingo.com`)

interface Answer {
  status: number
  ok: boolean
  body: string
}

export function apiClient(env: ScalingoEnv, token: string, log: Log): Scalingo {
  const authUrl = baseUrl(env.SCALINGO_AUTH_URL || 'https://auth.scalingo.com')
  const known = [token]
  const clean = (text: string) => redact(text, known)
  let bearer: Promise<string> | undefined

  async function exchange(): Promise<string> {
    const answer = await request(
      `${authUrl}/v1/tokens/exchange`,
      {method: 'POST', headers: {Accept: 'application/json', Authorization: `Basic ${Buffer.from(`:${token}`).toString('base64')}`}},
      log,
    )
    if (answer.status === 401) {
      throw new CliError(
        `SCALINGO_API_TOKEN was refused by ${authUrl} (401): it is wrong, revoked or expired. Create a token at https://dashboard.scalingo.com/account/tokens, set it and run this again; nothing was changed on Scalingo.`,
      )
    }
    if (!answer.ok) throw unexpected('exchanging SCALINGO_API_TOKEN', answer, clean)
    const value = (parse(answer.body) as {token?: unknown} | undefined)?.token
    if (typeof value !== 'string' || value === '') throw new CliError(`${authUrl} answered the token exchange without a bearer token.`)
    known.push(value)
    return value
  }

  async function call(region: string, method: string, path: string, body?: unknown): Promise<Answer> {
    bearer ??= exchange()
    return request(
      `${apiUrlFor(region, env)}/v1${path}`,
      {
        method,
        headers: {
          Accept: 'application/json',
          Authorization: `Bearer ${await bearer}`,
          ...(body === undefined ? {} : {'Content-Type': 'application/json'}),
        },
        ...(body === undefined ? {} : {body: JSON.stringify(body)}),
      },
      log,
    )
  }

  const refused = (region: string, app: string) =>
    new CliError(
      `The Scalingo API (${apiUrlFor(region, env)}) refused the bearer obtained from SCALINGO_API_TOKEN (401): check that the token belongs to an account with access to ${app}.`,
    )
  const appPath = (app: string) => `/apps/${encodeURIComponent(app)}`

  async function createOrTake(app: string, region: string): Promise<CreateAppResult> {
    log(`Creating app ${app} in ${region} through the Scalingo API…`)
    const answer = await call(region, 'POST', '/apps', {app: {name: app}})
    if (answer.ok) return created('api', app, region, log)
    if (answer.status === 401) throw refused(region, app)
    if (answer.status === 409 || (answer.status === 422 && taken(answer.body))) {
      return existing('api', app, region, log, (r) => call(r, 'GET', appPath(app)).then((a) => a.ok))
    }
    if (answer.status === 422)
      throw new CliError(
        `The Scalingo API refused to create app "${app}" (422): ${clean(describe422(answer.body))}. Nothing was created: pick a valid name (--app) and run this again.`,
      )
    throw unexpected(`creating app ${app}`, answer, clean)
  }

  /** Adds the addon unless the app has one of that provider already (an app that existed). */
  async function addAddon(app: string, region: string, addon: Addon): Promise<Addon & {added: boolean}> {
    const path = `${appPath(app)}/addons`
    const listed = await call(region, 'GET', path)
    if (!listed.ok) throw unexpected(`listing the addons of ${app}`, listed, clean)
    const addons = (parse(listed.body) as {addons?: {addon_provider?: {id?: string}}[]} | undefined)?.addons ?? []
    if (addons.some((a) => a.addon_provider?.id === addon.provider)) {
      log(`  ✔ App ${app} already has a ${addon.provider} addon: using it`)
      return {...addon, added: false}
    }
    const plans = await call(region, 'GET', `/addon_providers/${encodeURIComponent(addon.provider)}/plans`)
    if (!plans.ok) throw unexpected(`listing the plans of ${addon.provider}`, plans, clean)
    const listedPlans = (parse(plans.body) as {plans?: {id?: string; name?: string}[]} | undefined)?.plans ?? []
    const plan = listedPlans.find((p) => p.name === addon.plan)
    if (!plan?.id)
      throw new CliError(
        `No ${addon.provider} plan "${addon.plan}" in ${region} (plans: ${listedPlans.map((p) => p.name).join(', ') || 'none listed'}): the app exists without its database; pick a plan (--postgresql-plan) and add it with \`${addonCommand(app, region, addon)}\`.`,
      )
    const added = await call(region, 'POST', path, {addon: {addon_provider_id: addon.provider, plan_id: plan.id}})
    if (!added.ok) throw unexpected(`adding the ${addon.provider} addon to ${app}`, added, clean)
    log(`  ✔ Added the ${addon.provider} addon (${addon.plan}) to ${app}`)
    return {...addon, added: true}
  }

  return {
    via: 'api',

    async appStatus(app, region) {
      const answer = await call(region, 'GET', appPath(app))
      if (answer.ok) return 'exists'
      if (answer.status === 401) throw refused(region, app)
      if (answer.status === 404) return 'missing'
      throw unexpected(`looking up app ${app}`, answer, clean)
    },

    async createApp(app, region, addon) {
      const result = await createOrTake(app, region)
      return addon ? {...result, addon: await addAddon(app, region, addon)} : result
    },

    async setVariables(app, region, variables: readonly Variable[]) {
      log(`Setting ${variables.length} variables on ${app} (${region}) through the Scalingo API…`)
      known.push(...variables.map((v) => v.value).filter(Boolean))
      const answer = await call(region, 'PUT', `${appPath(app)}/variables`, {
        variables: variables.map(({name, value}) => ({name, value})),
      })
      if (answer.status === 404) return 'missing'
      if (answer.status === 401) throw refused(region, app)
      if (answer.status === 422) throw new CliError(`The Scalingo API refused the variables (422): ${clean(describe422(answer.body))}.`)
      if (!answer.ok) throw unexpected(`setting the variables of ${app}`, answer, clean)
      return 'set'
    },
  }
}

/** One HTTP request; 429 is retried after Retry-After (or a doubling pause), a bounded number of times. */
async function request(url: string, init: RequestInit, log: Log): Promise<Answer> {
  for (let attempt = 0; ; attempt++) {
    let response: Response
    try {
      response = await fetch(url, init)
    } catch (error) {
      const cause = (error as {cause?: {message?: string}}).cause?.message ?? (error as Error).message
      throw new CliError(`Cannot reach ${new URL(url).origin}: ${cause}.`)
    }
    const body = await response.text()
    if (response.status !== 429) return {status: response.status, ok: response.ok, body}
    if (attempt >= MAX_RETRIES) {
      throw new CliError(
        `The Scalingo API is still rate limiting after ${MAX_RETRIES + 1} attempts (429): wait a minute and run this again.`,
      )
    }
    const wait = retryAfter(response.headers.get('retry-after')) ?? 2 ** attempt
    log(`Rate limited by ${new URL(url).host} (429): retrying in ${wait}s…`)
    await new Promise((resolve) => setTimeout(resolve, wait * 1000))
  }
}

/** Seconds to wait from a Retry-After header (seconds or HTTP date), capped. */
export function retryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined
  const seconds = /^\d+$/.test(header.trim()) ? Number(header) : Math.ceil((Date.parse(header) - now) / 1000)
  if (Number.isNaN(seconds)) return undefined
  return Math.min(Math.max(seconds, 0), MAX_WAIT_S)
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** Scalingo's 422 body: {"errors": {"field": ["message", ...]}} (or {"error": "..."}). */
export function describe422(body: string): string {
  const doc = parse(body) as {errors?: Record<string, unknown>; error?: unknown} | undefined
  if (doc?.errors && typeof doc.errors === 'object') {
    return Object.entries(doc.errors)
      .map(([field, messages]) => `${field} ${([] as unknown[]).concat(messages).join(', ')}`)
      .join('; ')
  }
  if (typeof doc?.error === 'string') return doc.error
  return body.trim().slice(0, 300) || 'no details given'
}

function unexpected(what: string, answer: Answer, clean: (text: string) => string): CliError {
  return new CliError(`Unexpected answer from Scalingo while ${what}: HTTP ${answer.status} ${clean(answer.body.trim().slice(0, 300))}`)
}
