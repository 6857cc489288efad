// Stand-ins for Scalingo in tests: an auth + API server, a `scalingo` executable that
// records its calls, a generated app directory and a bare repository as the git remote.
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {chmod, mkdir, readFile, writeFile} from 'node:fs/promises'
import {createServer, type IncomingMessage} from 'node:http'
import type {AddressInfo} from 'node:net'
import path from 'node:path'

import {answersFileContent} from '../../src/lib/app/answers.js'
import {formatDotEnv} from '../../src/lib/core/dotenv.js'
import type {Answers} from '../../src/lib/settings/settings.js'

export const API_TOKEN = 'tk-us-TESTapiTOKENaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
export const BEARER = 'eyJhbGciOiJIUzI1NiJ9.TESTbearer.signature'

/** Secret values of the sample app: distinctive enough to be found in any output. */
export const SECRETS = {
  TEMPO_STORAGE_S3_ACCESS_KEY_ID: 'SCWTESTACCESSKEY0001',
  TEMPO_STORAGE_S3_SECRET_ACCESS_KEY: "s3cr3t/with+chars=and'quote$HOME",
  TEMPO_INGEST_TOKEN: 'ingest-TESTtoken-9f8e7d6c5b4a39281706',
  TEMPO_QUERY_PASSWORD: 'query-TESTpassword-0a1b2c3d4e5f60718293',
}

export const ANSWERS: Answers = {
  appName: 'my-tempo',
  region: 'osc-fr1',
  containerSize: 'M',
  tempoVersion: '2.10.8',
  storage: 's3',
  s3Provider: 'scaleway-fr-par',
  endpoint: 's3.fr-par.scw.cloud',
  s3Region: 'fr-par',
  bucket: 'my-traces',
  insecure: 'false',
  forcePathStyle: 'false',
  grpcPort: '9095',
  walPath: '/tmp/tempo/wal',
  retention: '336h',
  configMode: 'file',
  generateCredentials: 'true',
  queryUser: 'grafana',
}

/** Writes what the scaffold leaves in an app: answers file, git-ignored .env (0600). */
export async function makeApp(dir: string, answers: Answers = ANSWERS, secrets: Record<string, string> = SECRETS): Promise<void> {
  await mkdir(dir, {recursive: true})
  await writeFile(path.join(dir, '.tempo-scalingo.json'), answersFileContent(answers, '0.1.0', {}))
  await writeFile(path.join(dir, '.gitignore'), '.env*\n')
  await writeFile(path.join(dir, 'README.md'), '# my-tempo\n')
  await writeFile(path.join(dir, '.env'), formatDotEnv(secrets, 'secrets'), {mode: 0o600})
}

export interface Recorded {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
}

export interface FakeApi {
  url: string
  /** SCALINGO_API_URL that tells regions apart: `{region}` becomes a path prefix the fake reads. */
  regionalUrl: string
  requests: Recorded[]
  /** Status codes to answer the next PUTs with, in order; then 200. */
  putPlan: number[]
  /** Retry-After sent with a 429. */
  retryAfter: string
  /** The account's apps: name → region. Starts with my-tempo in osc-fr1. */
  apps: Map<string, string>
  /** Names other accounts hold: creating them answers 422 "has already been taken". */
  foreign: Set<string>
  /** Status to answer the next app creation with (e.g. 409, 402), instead of deciding. */
  createStatus?: number
  /** Addons by app: provider id → plan id. */
  addons: Map<string, Map<string, string>>
  close(): Promise<void>
}

/** The plans the fake lists for the postgresql provider. */
export const POSTGRESQL_PLANS = [
  {id: 'plan-pg-starter-512', name: 'postgresql-starter-512'},
  {id: 'plan-pg-business-1024', name: 'postgresql-business-1024'},
]

/**
 * Plays auth.scalingo.com and api.<region>.scalingo.com on 127.0.0.1: token exchange, app
 * creation and lookup, variables. A leading /<region> in the path names the region (see
 * `regionalUrl`); without it, an app is found in whatever region it is.
 */
export async function startFakeApi(): Promise<FakeApi> {
  const requests: Recorded[] = []
  const api: FakeApi = {
    url: '',
    regionalUrl: '',
    requests,
    putPlan: [],
    retryAfter: '1',
    apps: new Map([['my-tempo', 'osc-fr1']]),
    foreign: new Set(),
    addons: new Map(),
    close: async () => {},
  }
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (d) => (body += d))
    req.on('end', () => {
      requests.push({method: req.method ?? '', url: req.url ?? '', headers: req.headers, body})
      const json = (status: number, doc: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, {'Content-Type': 'application/json', ...headers})
        res.end(JSON.stringify(doc))
      }
      if (req.method === 'POST' && req.url === '/v1/tokens/exchange') {
        const ok = req.headers.authorization === `Basic ${Buffer.from(`:${API_TOKEN}`).toString('base64')}`
        return ok ? json(200, {token: BEARER}) : json(401, {error: 'invalid token'})
      }
      const [, region, route = ''] = /^(?:\/(osc-[a-z0-9-]+))?(\/.*)$/.exec(req.url ?? '') ?? []
      const visible = (name: string) => api.apps.has(name) && (region === undefined || api.apps.get(name) === region)
      if ((route.startsWith('/v1/apps') || route.startsWith('/v1/addon_providers')) && req.headers.authorization !== `Bearer ${BEARER}`)
        return json(401, {error: 'not authenticated'})
      if (req.method === 'GET' && route === '/v1/addon_providers/postgresql/plans') return json(200, {plans: POSTGRESQL_PLANS})
      const addons = /^\/v1\/apps\/([^/]+)\/addons$/.exec(route)
      if (addons) {
        if (!visible(addons[1])) return json(404, {resource: 'app', error: 'not found'})
        const held = api.addons.get(addons[1]) ?? new Map<string, string>()
        api.addons.set(addons[1], held)
        if (req.method === 'GET')
          return json(200, {addons: [...held].map(([provider, plan]) => ({addon_provider: {id: provider}, plan: {id: plan}}))})
        const {addon_provider_id: provider, plan_id: plan} = JSON.parse(body || '{}').addon ?? {}
        if (!POSTGRESQL_PLANS.some((p) => p.id === plan)) return json(422, {errors: {plan_id: ['is invalid']}})
        held.set(provider, plan)
        return json(201, {addon: {id: 'ad-1', addon_provider: {id: provider}, plan: {id: plan}}})
      }
      if (req.method === 'POST' && route === '/v1/apps') {
        const name = String(JSON.parse(body || '{}').app?.name ?? '')
        const status = api.createStatus
        api.createStatus = undefined
        if (status === 409) return json(409, {error: 'an app with this name already exists'})
        if (status) return json(status, {error: 'refused'})
        if (!/^[a-z0-9](?:-?[a-z0-9])+$/.test(name) || name.length < 6) return json(422, {errors: {name: ['is invalid']}})
        if (api.apps.has(name) || api.foreign.has(name)) return json(422, {errors: {name: ['has already been taken']}})
        api.apps.set(name, region ?? 'osc-fr1')
        return json(201, {app: {name, git_url: `git@ssh.${region ?? 'osc-fr1'}.scalingo.com:${name}.git`}})
      }
      const one = /^\/v1\/apps\/([^/]+)$/.exec(route)
      if (req.method === 'GET' && one)
        return visible(one[1]) ? json(200, {app: {name: one[1]}}) : json(404, {resource: 'app', error: 'not found'})
      const m = /^\/v1\/apps\/([^/]+)\/variables$/.exec(route)
      if (req.method === 'PUT' && m) {
        if (!visible(m[1])) return json(404, {resource: 'app', error: 'not found'})
        const status = api.putPlan.shift() ?? 200
        if (status === 429) return json(429, {error: 'rate limit exceeded'}, {'Retry-After': api.retryAfter})
        if (status === 422) return json(422, {errors: {value: ["can't be blank"]}})
        // The real API answers with the variables, values included: they must not be shown.
        return json(status, JSON.parse(body))
      }
      json(404, {error: 'no route'})
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  api.regionalUrl = `${api.url}/{region}`
  api.close = () => new Promise((resolve) => server.close(() => resolve()))
  return api
}

/**
 * A `scalingo` executable recording argv and stdin under `log` (each call's argv also
 * appended to `log.calls`, one line each), answering like the real CLI:
 * - env-set: "NAME has been set to 'VALUE'."; exits with $FAKE_SCALINGO_EXIT;
 * - create: $FAKE_SCALINGO_CREATE = ok (default), taken or unauthorized;
 * - apps: a table of the names in $FAKE_SCALINGO_APPS ("region/name ...") for --region.
 */
export async function fakeScalingoCli(binDir: string): Promise<void> {
  await mkdir(binDir, {recursive: true})
  const script = `#!/bin/sh
printf '%s\\n' "$@" > "$FAKE_SCALINGO_LOG.argv"
echo "$*" >> "$FAKE_SCALINGO_LOG.calls"
cat > "$FAKE_SCALINGO_LOG.stdin"
region=osc-fr1
[ "$1" = --region ] && region="$2"
case " $* " in
  *" create "*)
    for name; do :; done
    case "\${FAKE_SCALINGO_CREATE:-ok}" in
      taken) printf ' !     An error occurred:\\n  name → has already been taken\\n' >&2; exit 1 ;;
      unauthorized) echo " !     You are not authenticated, run 'scalingo login' first" >&2; exit 1 ;;
    esac
    echo "App '$name' has been created"
    exit 0 ;;
  *" apps "*)
    echo "+------+-------+-------+--------+"
    echo "| NAME | ROLE  | OWNER | STATUS |"
    echo "+------+-------+-------+--------+"
    for entry in \${FAKE_SCALINGO_APPS:-}; do
      [ "\${entry%%/*}" = "$region" ] && echo "| \${entry#*/} | owner | test  | new    |"
    done
    exit 0 ;;
esac
if [ "\${FAKE_SCALINGO_EXIT:-0}" != 0 ]; then
  echo "Incorrect Usage: flag provided but not defined: -file" >&2
  exit "$FAKE_SCALINGO_EXIT"
fi
sed -n "s/^\\([A-Za-z_][A-Za-z0-9_]*\\)=\\(.*\\)$/\\1 has been set to \\2./p" "$FAKE_SCALINGO_LOG.stdin"
printf '\\nRestart your containers to apply these environment changes on your application:\\n'
echo "scalingo --app my-tempo restart"
`
  await writeFile(path.join(binDir, 'scalingo'), script)
  await chmod(path.join(binDir, 'scalingo'), 0o755)
}

/** PATH without any directory holding a real `scalingo`. */
export function pathWithoutScalingo(extra: string[] = []): string {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter((dir) => {
    try {
      execFileSync('test', ['-x', path.join(dir, 'scalingo')])
      return false
    } catch {
      return true
    }
  })
  return [...extra, ...dirs].join(path.delimiter)
}

export const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@localhost', ...args], {cwd, encoding: 'utf8'}).trim()

/** A bare repository; with `reject`, a pre-receive hook refuses every push with `message`. */
export async function bareRepo(dir: string, reject?: string): Promise<string> {
  execFileSync('git', ['init', '--quiet', '--bare', dir])
  if (reject) {
    await writeFile(path.join(dir, 'hooks/pre-receive'), `#!/bin/sh\necho "${reject}" >&2\nexit 1\n`)
    await chmod(path.join(dir, 'hooks/pre-receive'), 0o755)
  }
  return dir
}

/** Fails when any secret value shows up in any of the captured texts. */
export function assertNoSecret(
  texts: readonly string[],
  secrets: readonly string[] = [...Object.values(SECRETS), API_TOKEN, BEARER],
): void {
  for (const text of texts) {
    for (const secret of secrets) assert.ok(!text.includes(secret), `a secret value leaked into output:\n${text}`)
  }
}

export const readIfAny = (file: string): Promise<string> => readFile(file, 'utf8').catch(() => '')
