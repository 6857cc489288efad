// What a user pastes after a successful check: the OTel SDK environment, a Collector
// exporter and a Grafana datasource. Secrets appear as env references unless asked for.
export interface SnippetInput {
  url: string
  ingestToken: string
  queryUser: string
  showSecrets: boolean
  /** Env vars holding the credentials, as named on the app. */
  tokenEnv: string
  passwordEnv: string
}

export interface Snippets {
  otelEnv: Record<string, string>
  collector: string
  grafana: string
}

// Plain YAML scalars stay bare; anything else is a JSON string, which YAML reads back as is.
const scalar = (value: string): string => (/^[A-Za-z0-9._/:@-]+$/.test(value) ? value : JSON.stringify(value))

export function snippets(input: SnippetInput): Snippets {
  // OTEL_EXPORTER_OTLP_HEADERS values are percent-encoded (W3C baggage format).
  const token = input.showSecrets ? encodeURIComponent(input.ingestToken) : `\${${input.tokenEnv}}`
  const otelEnv = {
    OTEL_EXPORTER_OTLP_ENDPOINT: input.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer%20${token}`,
  }
  const collector = [
    'exporters:',
    '  otlphttp/tempo:',
    `    endpoint: ${scalar(input.url)}`,
    '    headers:',
    `      authorization: "Bearer \${env:${input.tokenEnv}}"`,
    'service:',
    '  pipelines:',
    '    traces:',
    '      exporters: [otlphttp/tempo]',
  ].join('\n')
  // Grafana expands $VAR in provisioning files from its own environment.
  const grafana = [
    'apiVersion: 1',
    'datasources:',
    '  - name: Tempo',
    '    type: tempo',
    '    access: proxy',
    `    url: ${scalar(input.url)}`,
    '    basicAuth: true',
    `    basicAuthUser: ${scalar(input.queryUser)}`,
    '    secureJsonData:',
    `      basicAuthPassword: $${input.passwordEnv}`,
    // Streaming is gRPC over HTTP/2, which the proxy does not serve.
    '    jsonData:',
    '      streamingEnabled: {search: false, metrics: false}',
  ].join('\n')
  return {otelEnv, collector, grafana}
}
