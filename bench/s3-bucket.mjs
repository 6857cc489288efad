// A local S3 API for benchmarks with real Tempo: s3rver (from node_modules),
// behind a thin front that mends the two things s3rver gets wrong for Tempo:
// - uploads signed in chunks (`x-amz-content-sha256: STREAMING-...`, which
//   Tempo's S3 client sends over plain HTTP) are stored by s3rver with their
//   chunk framing (`1c0;chunk-signature=...`), so Tempo cannot read its blocks
//   back: the front decodes the body before s3rver sees it;
// - a listing with a delimiter never walks two levels below the prefix, so
//   `a/` is reported only when an object lies directly in it (`a/x`), not for
//   `a/b/c`; Tempo's tenant listing (`single-tenant/<block>/meta.json`) comes
//   back empty. The front answers such listings from the full listing, whole
//   (never truncated: a bench's bucket holds far fewer than 1000 entries per level).
//   node bench/s3-bucket.mjs PORT DIRECTORY BUCKET
import http from 'node:http'

import S3rver from 's3rver'

const [port, directory, bucket] = process.argv.slice(2)
const s3 = new S3rver({address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{name: bucket}]})

const listObjects = s3.store.listObjects.bind(s3.store)
s3.store.listObjects = async (name, options) => {
  if (!options.delimiter) return listObjects(name, options)
  const {delimiter, prefix = ''} = options
  const all = await listObjects(name, {...options, delimiter: undefined, maxKeys: Infinity})
  const commonPrefixes = new Set()
  const objects = all.objects.filter(({key}) => {
    const at = key.indexOf(delimiter, prefix.length)
    if (at !== -1) commonPrefixes.add(key.slice(0, at + delimiter.length))
    return at === -1
  })
  return {objects, commonPrefixes: [...commonPrefixes].sort(), isTruncated: false}
}

// The payload of an aws-chunked body: `HEX[;chunk-signature=SIG]\r\nDATA\r\n`
// repeated, up to a chunk of size 0 (then optional trailers).
function unchunk(body) {
  const parts = []
  for (let at = 0; at < body.length;) {
    const eol = body.indexOf('\r\n', at)
    const size = parseInt(body.subarray(at, eol).toString().split(';')[0], 16)
    if (eol === -1 || Number.isNaN(size)) throw new Error('malformed aws-chunked body')
    if (size === 0) break
    parts.push(body.subarray(eol + 2, eol + 2 + size))
    at = eol + 2 + size + 2
  }
  return Buffer.concat(parts)
}

const upstream = await s3.run()
http
  .createServer((req, res) => {
    const chunks = []
    req.on('data', (chunk) => chunks.push(chunk))
    req.on('end', () => {
      const headers = {...req.headers}
      let body = Buffer.concat(chunks)
      if (String(headers['x-amz-content-sha256']).startsWith('STREAMING-')) {
        try {
          body = unchunk(body)
        } catch (error) {
          res.writeHead(400).end(String(error))
          return
        }
        // s3rver checks no signature: the payload goes on unsigned.
        headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD'
        headers['content-encoding'] = String(headers['content-encoding'] ?? '')
          .split(',')
          .filter((e) => e.trim() && e.trim() !== 'aws-chunked')
          .join(',')
        if (!headers['content-encoding']) delete headers['content-encoding']
        delete headers['x-amz-decoded-content-length']
        delete headers['x-amz-trailer']
      }
      delete headers['transfer-encoding']
      headers['content-length'] = String(body.length)
      const forward = http.request({host: upstream.address, port: upstream.port, method: req.method, path: req.url, headers}, (answer) => {
        res.writeHead(answer.statusCode, answer.headers)
        answer.pipe(res)
      })
      forward.on('error', (error) => res.writeHead(502).end(String(error)))
      forward.end(body)
    })
  })
  .listen(Number(port), '127.0.0.1')
