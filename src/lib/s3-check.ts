// `check --s3`: the bucket Tempo will use, probed from the app's answers file (non-secret
// settings, overridden by the buildpack's env vars) and its keys from the environment or
// else the app's .env. Keys never reach the output.
import chalk from 'chalk'

import {readAnswersFile, withDotEnv} from './answers.js'
import {UsageError} from './errors.js'
import {redact} from './output.js'
import {type BucketTarget, type ProbeResult, type ProbeStep, probeBucket} from './s3-probe.js'
import {type Answers, setting} from './settings.js'
import {stripScheme} from './validate.js'

export interface BucketCheckInput {
  cwd: string
  env: NodeJS.ProcessEnv
  cliVersion: string
  /** Create a missing bucket: yes, no, or ask. */
  createBucket: boolean | ((bucket: string) => Promise<boolean>)
  log(line: string): void
}

const value = (name: string, answers: Answers, env: Record<string, string | undefined>): string | undefined => {
  const s = setting(name)
  return env[s.env] || answers[s.name] || undefined
}

/** The bucket as the app will reach it; exit 2 naming every missing value. */
export async function bucketTargetFromApp(dir: string, env: NodeJS.ProcessEnv, cliVersion: string): Promise<BucketTarget> {
  let answers: Answers = {}
  try {
    answers = (await readAnswersFile(dir, cliVersion)).answers
  } catch (error) {
    if (!env[setting('bucket').env]) throw error
  }
  if (value('storage', answers, env) === 'local') {
    throw new UsageError(`this app stores traces on the local disk (${setting('storage').env}=local): there is no bucket to probe`)
  }
  // Keys: the environment, else the app's .env; settings: the environment, else the answers file.
  const secrets = await withDotEnv(dir, env)
  const pick = (name: string) => (setting(name).secret ? secrets[setting(name).env] || undefined : value(name, answers, env))
  const missing = ['endpoint', 'bucket', 'accessKey', 'secretKey'].filter((name) => !pick(name)).map((name) => {
    const s = setting(name)
    return s.secret ? `${s.env} (environment or .env)` : `${s.env} (or the answers file)`
  })
  if (missing.length > 0) throw new UsageError(`cannot probe the bucket without ${missing.join(', ')}`)

  const rawEndpoint = pick('endpoint')!
  const insecure = /^http:\/\//i.test(rawEndpoint) || pick('insecure') === 'true'
  return {
    endpoint: stripScheme(rawEndpoint).replace(/\/+$/, ''),
    bucket: pick('bucket')!,
    region: pick('s3Region') ?? '',
    insecure,
    forcePathStyle: pick('forcePathStyle') === 'true',
    accessKeyId: pick('accessKey')!,
    secretAccessKey: pick('secretKey')!,
  }
}

const LABEL_WIDTH = 13

function stepLine(step: ProbeStep): string {
  const label = step.name.padEnd(LABEL_WIDTH)
  const ms = step.ms === undefined ? '' : chalk.dim(` (${step.ms} ms)`)
  if (step.status === 'skipped') return chalk.dim(`  - ${label}skipped`)
  if (step.status === 'failed') return `  ${chalk.red('✘')} ${label}${step.detail}${ms}`
  return `  ${chalk.green('✔')} ${label}${step.detail}${ms}`
}

export async function checkBucket(input: BucketCheckInput): Promise<{ok: boolean; document: ProbeResult & {bucket: string; region: string}}> {
  const target = await bucketTargetFromApp(input.cwd, input.env, input.cliVersion)
  const secrets = [target.accessKeyId, target.secretAccessKey]
  const print = (line: string) => input.log(redact(line, secrets))
  const region = target.region || 'us-east-1'
  print(`Probing bucket ${target.bucket} at ${target.insecure ? 'http' : 'https'}://${target.endpoint} (region ${region})`)
  const result = await probeBucket(target, {createBucket: input.createBucket, onStep: (step) => print(stepLine(step))})
  if (result.failure) {
    print(chalk.red('✘ ') + `Bucket check failed at ${result.failure.step}: ${result.failure.message}`)
  } else {
    print(chalk.green('✔ ') + `Tempo can use bucket ${target.bucket}: listed, wrote, read back and deleted an object.`)
  }
  const document = {...result, bucket: target.bucket, region}
  return {ok: result.ok, document: JSON.parse(redact(JSON.stringify(document), secrets))}
}
