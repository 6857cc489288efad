// Prints a realistic OTLP/HTTP JSON export request: one service, one trace of
// 10 spans (an HTTP request fanning out to a DB, a cache and a downstream
// call), with the attributes an OpenTelemetry SDK puts there. Deterministic,
// so every run posts the same bytes.
const hex = (seed, len) => {
  let out = ''
  let x = seed
  while (out.length < len) {
    x = (x * 1103515245 + 12345) % 2 ** 31
    out += x.toString(16).padStart(8, '0')
  }
  return out.slice(0, len)
}
const str = (key, value) => ({key, value: {stringValue: value}})
const int = (key, value) => ({key, value: {intValue: String(value)}})

const traceId = hex(1, 32)
const t0 = 1764000000000000000n
const names = [
  [
    'GET /api/orders/{id}',
    2,
    [
      str('http.request.method', 'GET'),
      str('http.route', '/api/orders/{id}'),
      int('http.response.status_code', 200),
      str('url.scheme', 'https'),
      str('user_agent.original', 'Mozilla/5.0 (X11; Linux x86_64)'),
    ],
  ],
  ['auth.verify', 1, [str('enduser.id', 'u-48213')]],
  [
    'SELECT orders',
    3,
    [
      str('db.system', 'postgresql'),
      str('db.namespace', 'shop'),
      str('db.query.text', 'SELECT * FROM orders WHERE id = $1'),
      str('server.address', 'db.internal'),
    ],
  ],
  [
    'SELECT order_items',
    3,
    [
      str('db.system', 'postgresql'),
      str('db.namespace', 'shop'),
      str('db.query.text', 'SELECT * FROM order_items WHERE order_id = $1'),
      int('db.response.returned_rows', 7),
    ],
  ],
  ['GET', 3, [str('db.system', 'redis'), str('db.operation.name', 'GET'), str('server.address', 'cache.internal')]],
  [
    'GET /inventory',
    3,
    [
      str('http.request.method', 'GET'),
      str('url.full', 'http://inventory.internal/inventory?ids=7'),
      int('http.response.status_code', 200),
    ],
  ],
  ['serialize', 1, [int('payload.bytes', 18234)]],
  ['pricing.compute', 1, [str('pricing.currency', 'EUR'), int('pricing.lines', 7)]],
  ['SET', 3, [str('db.system', 'redis'), str('db.operation.name', 'SET'), str('server.address', 'cache.internal')]],
  ['render', 1, [str('template', 'order.json')]],
]
const root = hex(2, 16)
const spans = names.map(([name, kind, attributes], i) => {
  const start = t0 + BigInt(i) * 1_500_000n
  return {
    traceId,
    spanId: i === 0 ? root : hex(10 + i, 16),
    ...(i === 0 ? {} : {parentSpanId: root}),
    name,
    kind,
    startTimeUnixNano: String(start),
    endTimeUnixNano: String(start + (i === 0 ? 18_000_000n : 1_200_000n)),
    attributes,
    status: {code: 1},
  }
})
process.stdout.write(
  JSON.stringify({
    resourceSpans: [
      {
        resource: {
          attributes: [
            str('service.name', 'checkout'),
            str('service.version', '1.42.0'),
            str('deployment.environment.name', 'production'),
            str('host.name', 'web-1'),
            str('telemetry.sdk.name', 'opentelemetry'),
            str('telemetry.sdk.language', 'nodejs'),
            str('telemetry.sdk.version', '2.0.1'),
          ],
        },
        scopeSpans: [{scope: {name: '@opentelemetry/instrumentation-http', version: '0.200.0'}, spans}],
      },
    ],
  }),
)
