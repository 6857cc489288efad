// Stand-ins for Scalingo in tests: an auth + API server, a `scalingo` executable that
// records its calls, a generated app directory and a bare repository as the git remote.
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {chmod, mkdir, readFile, writeFile} from 'node:fs/promises'
import {createServer, type IncomingMessage} from 'node:http'
import type {AddressInfo} from 'node:net'
import path from 'node:path'

import {answersFileContent} from '../../src/lib/answers.js'
import type {Answers} from '../../src/lib/settings.js'

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

const shellQuote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`

/** Writes what the scaffold leaves in an app: answers file, git-ignored .env (0600). */
export async function makeApp(dir: string, answers: Answers = ANSWERS, secrets: Record<string, string> = SECRETS): Promise<void> {
  await mkdir(dir, {recursive: true})
  await writeFile(path.join(dir, '.tempo-scalingo.json'), answersFileContent(answers, '0.1.0', {}))
  await writeFile(path.join(dir, '.gitignore'), '.env*\n')
  await writeFile(path.join(dir, 'README.md'), '# my-tempo\n')
  const env = Object.entries(secrets).map(([k, v]) => `${k}=${shellQuote(v)}`).join('\n')
  await writeFile(path.join(dir, '.env'), `# secrets\n${env}\n`, {mode: 0o600})
}

export interface Recorded {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
}

export interface FakeApi {
  url: string
  requests: Recorded[]
  /** Status codes to answer the next PUTs with, in order; then 200. */
  putPlan: number[]
  /** Retry-After sent with a 429. */
  retryAfter: string
  close(): Promise<void>
}

/** Plays auth.scalingo.com and api.<region>.scalingo.com on 127.0.0.1. */
export async function startFakeApi(): Promise<FakeApi> {
  const requests: Recorded[] = []
  const api: FakeApi = {url: '', requests, putPlan: [], retryAfter: '1', close: async () => {}}
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
      const m = /^\/v1\/apps\/([^/]+)\/variables$/.exec(req.url ?? '')
      if (req.method === 'PUT' && m) {
        if (req.headers.authorization !== `Bearer ${BEARER}`) return json(401, {error: 'not authenticated'})
        if (m[1] !== 'my-tempo') return json(404, {resource: 'app', error: 'not found'})
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
  api.close = () => new Promise((resolve) => server.close(() => resolve()))
  return api
}

/**
 * A `scalingo` executable recording argv and stdin under `log`, answering like the real
 * CLI ("NAME has been set to 'VALUE'."); exits with $FAKE_SCALINGO_EXIT.
 */
export async function fakeScalingoCli(binDir: string): Promise<void> {
  await mkdir(binDir, {recursive: true})
  const script = `#!/bin/sh
printf '%s\\n' "$@" > "$FAKE_SCALINGO_LOG.argv"
cat > "$FAKE_SCALINGO_LOG.stdin"
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
export function assertNoSecret(texts: readonly string[], secrets: readonly string[] = [...Object.values(SECRETS), API_TOKEN, BEARER]): void {
  for (const text of texts) {
    for (const secret of secrets) assert.ok(!text.includes(secret), `a secret value leaked into output:\n${text}`)
  }
}

export const readIfAny = (file: string): Promise<string> => readFile(file, 'utf8').catch(() => '')
