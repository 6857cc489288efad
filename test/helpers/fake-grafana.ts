// A local stand-in for Grafana's HTTP API, as `check --grafana` uses it. It reads the provisioned
// datasources the way Grafana does (YAML, apiVersion 1, $VAR and ${VAR} taken from its environment)
// and records what it is sent: the admin credential on its API, the datasource's auth upstream.
import {readdir, readFile} from 'node:fs/promises'
import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import path from 'node:path'

import {parse} from 'yaml'

export interface FakeGrafanaOptions {
  /** The app's provisioning directory (GF_PATHS_PROVISIONING). */
  provisioning: string
  /** Grafana's environment: provisioning values are expanded from it. */
  env: Record<string, string>
  admin: {user: string; password: string}
  /** false: /api/health answers 503 with database "failing" (the addon not ready). */
  databaseReady?: boolean
}

export interface Datasource {
  name: string
  type: string
  uid: string
  url: string
  basicAuth?: boolean
  basicAuthUser?: string
  jsonData?: Record<string, unknown>
  secureJsonData?: Record<string, string>
}

export interface FakeGrafana {
  url: string
  datasources: Datasource[]
  /** Requests to Grafana: method, path, and whose credential (admin, other, none). */
  requests: {method: string; path: string; auth: 'admin' | 'other' | 'none'}[]
  /** Requests Grafana made to a datasource: the URL and its Authorization header. */
  upstream: {url: string; authorization?: string}[]
  close(): Promise<void>
}

// Grafana expands $NAME and ${NAME} in provisioning values from its environment (unset: empty).
const expand = (value: string, env: Record<string, string>): string =>
  value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, braced, bare) => env[braced ?? bare] ?? '')

function expandAll(node: unknown, env: Record<string, string>): unknown {
  if (typeof node === 'string') return expand(node, env)
  if (Array.isArray(node)) return node.map((item) => expandAll(item, env))
  if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, expandAll(v, env)]))
  return node
}

/** The datasources of every YAML file under provisioning/datasources, as Grafana would load them. */
export async function loadDatasources(provisioning: string, env: Record<string, string>): Promise<Datasource[]> {
  const dir = path.join(provisioning, 'datasources')
  const out: Datasource[] = []
  for (const file of (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f))) {
    const doc = expandAll(parse(await readFile(path.join(dir, file), 'utf8')), env) as {apiVersion?: number; datasources?: Datasource[]}
    if (doc.apiVersion !== 1) throw new Error(`${file}: apiVersion must be 1`)
    for (const ds of doc.datasources ?? []) {
      if (!ds.name || !ds.type || !ds.uid || !ds.url) throw new Error(`${file}: a datasource needs name, type, uid and url`)
      out.push(ds)
    }
  }
  return out
}

export async function startFakeGrafana(options: FakeGrafanaOptions): Promise<FakeGrafana> {
  const datasources = await loadDatasources(options.provisioning, options.env)
  const admin = 'Basic ' + Buffer.from(`${options.admin.user}:${options.admin.password}`).toString('base64')
  const fake: FakeGrafana = {url: '', datasources, requests: [], upstream: [], close: async () => {}}

  const toDatasource = async (ds: Datasource, rest: string): Promise<{status: number; body: string} | Error> => {
    const url = ds.url.replace(/\/$/, '') + rest
    const authorization = ds.basicAuth
      ? 'Basic ' + Buffer.from(`${ds.basicAuthUser ?? ''}:${ds.secureJsonData?.basicAuthPassword ?? ''}`).toString('base64')
      : undefined
    fake.upstream.push({url, authorization})
    try {
      const response = await fetch(url, {headers: authorization ? {authorization} : {}, signal: AbortSignal.timeout(5000)})
      return {status: response.status, body: await response.text()}
    } catch (error) {
      return error as Error
    }
  }

  const server = createServer((req, res) => {
    const send = (status: number, doc: unknown) => res.writeHead(status, {'content-type': 'application/json'}).end(JSON.stringify(doc))
    const url = new URL(req.url ?? '/', 'http://grafana')
    const auth = req.headers.authorization === admin ? 'admin' : req.headers.authorization ? 'other' : 'none'
    fake.requests.push({method: req.method ?? '', path: url.pathname, auth})
    void (async () => {
      if (url.pathname === '/api/health') {
        return options.databaseReady === false
          ? send(503, {database: 'failing', version: '13.2.1'})
          : send(200, {commit: 'fake', database: 'ok', version: '13.2.1'})
      }
      if (auth !== 'admin') return send(401, {message: 'Unauthorized'})
      let m = /^\/api\/datasources\/uid\/([^/]+)(\/health)?$/.exec(url.pathname)
      if (m) {
        const ds = datasources.find((d) => d.uid === m![1])
        if (!ds) return send(404, {message: 'Data source not found'})
        if (!m[2]) return send(200, {uid: ds.uid, name: ds.name, type: ds.type, url: ds.url})
        // The Tempo datasource's health: Tempo's /api/echo with the datasource's auth.
        const answer = await toDatasource(ds, '/api/echo')
        if (answer instanceof Error)
          return send(400, {status: 'ERROR', message: `failed to connect to Tempo: Get "${ds.url}/api/echo": dial tcp: connection refused`})
        if (answer.status !== 200)
          return send(400, {
            status: 'ERROR',
            message: `Tempo echo endpoint returned status ${answer.status} ${answer.status === 401 ? 'Unauthorized' : ''}`,
          })
        return send(200, {status: 'OK', message: 'Successfully connected to Tempo data source.'})
      }
      m = /^\/api\/datasources\/proxy\/uid\/([^/]+)(\/.*)$/.exec(url.pathname)
      if (m) {
        const ds = datasources.find((d) => d.uid === m![1])
        if (!ds) return send(404, {message: 'Data source not found'})
        const answer = await toDatasource(ds, m[2] + url.search)
        if (answer instanceof Error) return send(502, {message: 'Bad Gateway'})
        return res.writeHead(answer.status, {'content-type': 'application/json'}).end(answer.body)
      }
      send(404, {message: 'Not found'})
    })()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  fake.close = () => new Promise((resolve) => server.close(() => resolve()))
  return fake
}
