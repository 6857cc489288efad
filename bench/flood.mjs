// A flood of POSTs with a different wrong basic-auth password each time, as an
// attacker guessing would send (a proxy caching failed checks gains nothing).
//   node bench/flood.mjs URL BODY_FILE CONNECTIONS SECONDS [RATE]
// RATE: requests/s for all connections together (default: as fast as they go).
// Prints {"total": N, "statuses": {"401": N}} on stdout.
import {randomBytes} from 'node:crypto'
import {readFileSync} from 'node:fs'
import http from 'node:http'

const [url, bodyFile, connections = '4', seconds = '6', rate] = process.argv.slice(2)
const body = readFileSync(bodyFile)
const agent = new http.Agent({keepAlive: true, maxSockets: Number(connections)})
const end = Date.now() + Number(seconds) * 1000
const gap = rate ? (1000 * Number(connections)) / Number(rate) : 0
const statuses = {}
let total = 0

function once() {
  return new Promise((resolve) => {
    const auth = Buffer.from(`otlp:${randomBytes(24).toString('base64url')}`).toString('base64')
    const req = http.request(
      url,
      {method: 'POST', agent, headers: {authorization: `Basic ${auth}`, 'content-type': 'application/json', 'content-length': body.length}},
      (res) => {
        res.resume()
        res.on('end', () => {
          statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1
          total++
          resolve()
        })
      },
    )
    req.on('error', () => {
      statuses.error = (statuses.error ?? 0) + 1
      resolve()
    })
    req.end(body)
  })
}

async function client() {
  let next = Date.now()
  while (Date.now() < end) {
    await once()
    if (gap) {
      next += gap
      const wait = next - Date.now()
      if (wait > 0) await new Promise((r) => setTimeout(r, wait))
    }
  }
}

await Promise.all(Array.from({length: Number(connections)}, client))
agent.destroy()
process.stdout.write(`${JSON.stringify({total, statuses})}\n`)
