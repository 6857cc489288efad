// A real S3 API server for tests: s3rver on 127.0.0.1 (free port, temp data dir), behind a
// thin front that adds what s3rver lacks: it skips SigV4 signature checks, so the front
// re-signs each request with the key's secret (with aws4) and answers SignatureDoesNotMatch
// on a difference; and it has no permissions, so the front refuses writes made with a
// read-only key (AccessDenied), as a provider's read-only policy does.
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import {createRequire} from 'node:module'
import type {AddressInfo} from 'node:net'
import {rm} from 'node:fs/promises'

import aws4 from 'aws4'
import S3rver from 's3rver'

import {tempDir} from './cli.js'

const require = createRequire(import.meta.url)
const {DUMMY_ACCOUNT} = require('s3rver/lib/models/account.js') as {
  DUMMY_ACCOUNT: {createKeyPair(id: string, secret: string): void; revokeAccessKey(id: string): void}
}

export const S3_KEYS = {
  readWrite: {accessKeyId: 'TESTS3KEYREADWRITE01', secretAccessKey: 'test/S3+secret=ReadWrite0123456789abcd'},
  readOnly: {accessKeyId: 'TESTS3KEYREADONLY001', secretAccessKey: 'test/S3+secret=ReadOnly00123456789abcd'},
}

export interface S3Server {
  /** host:port, as the answers file holds it. */
  endpoint: string
  /** Every request: method and URL (path and query). */
  requests: {method: string; url: string; accessKeyId?: string}[]
  /** Object keys currently stored in a bucket. */
  keys(bucket: string): Promise<string[]>
  close(): Promise<void>
}

const xmlError = (res: ServerResponse, status: number, code: string, message: string) => {
  res.writeHead(status, {'Content-Type': 'application/xml'})
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`)
}

function signatureMatches(req: IncomingMessage, secrets: Map<string, string>): boolean | undefined {
  const auth =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/\d{8}\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)$/.exec(
      req.headers.authorization ?? '',
    )
  if (!auth) return undefined
  const [, accessKeyId, region, signedHeaders, signature] = auth
  const secretAccessKey = secrets.get(accessKeyId)
  if (secretAccessKey === undefined) return undefined
  const headers: Record<string, string> = {}
  for (const name of signedHeaders.split(';')) headers[name] = String(req.headers[name] ?? '')
  const again = aws4.sign(
    {host: req.headers.host, path: req.url, method: req.method, service: 's3', region, headers},
    {accessKeyId, secretAccessKey},
  )
  return String(again.headers?.Authorization ?? again.headers?.authorization).endsWith(`Signature=${signature}`)
}

export async function startS3(options: {buckets?: string[]} = {}): Promise<S3Server> {
  const directory = await tempDir('cts-s3-')
  const s3 = new S3rver({directory, silent: true, configureBuckets: (options.buckets ?? []).map((name) => ({name, configs: []}))})
  await s3.configureBuckets()
  const handle = s3.callback()
  const secrets = new Map(Object.values(S3_KEYS).map((k) => [k.accessKeyId, k.secretAccessKey]))
  for (const k of Object.values(S3_KEYS)) DUMMY_ACCOUNT.createKeyPair(k.accessKeyId, k.secretAccessKey)

  const requests: S3Server['requests'] = []
  const server = createServer((req, res) => {
    const accessKeyId = /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1]
    requests.push({method: req.method ?? '', url: req.url ?? '', accessKeyId})
    if (signatureMatches(req, secrets) === false) {
      return xmlError(
        res,
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      )
    }
    if (accessKeyId === S3_KEYS.readOnly.accessKeyId && !['GET', 'HEAD'].includes(req.method ?? '')) {
      return xmlError(res, 403, 'AccessDenied', 'Access Denied')
    }
    handle(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  return {
    endpoint: `127.0.0.1:${port}`,
    requests,
    async keys(bucket) {
      const listing = await s3.store.listObjects(bucket, {maxKeys: 1000})
      return listing.objects.map((o: {key: string}) => o.key)
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await rm(directory, {recursive: true, force: true})
    },
  }
}
