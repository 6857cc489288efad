// `check --s3`: the bucket Tempo will use, probed from the app's answers file (non-secret
// settings, overridden by the buildpack's env vars) and its keys from the environment or
// else the app's .env. Keys never reach the output.
import chalk from 'chalk'

import {readAnswersFile, withDotEnv} from '../app/answers.js'
import {UsageError} from '../core/errors.js'
import {redact} from '../core/output.js'
import {type BucketTarget, type ProbeOptions, type ProbeResult, type ProbeStep, probeBucket} from '../platform/s3-probe.js'
import {type Answers, setting} from '../settings/settings.js'
import {stripScheme} from '../core/validate.js'

export interface BucketCheckInput {
  cwd: string
  env: NodeJS.ProcessEnv
  cliVersion: string
  /** Create a missing bucket: yes, no, or ask. */
  createBucket: ProbeOptions['createBucket']
  log(line: string): void
}

/** The bucket as the app will reach it, from complete answers (keys included); exit 2 naming every missing value. */
export function bucketTargetFromAnswers(answers: Answers): BucketTarget {
  if (answers.storage === 'local') {
    throw new UsageError(`this app stores traces on the local disk (${setting('storage').env}=local): there is no bucket to probe`)
  }
  const missing = ['endpoint', 'bucket', 'accessKey', 'secretKey']
    .filter((name) => !answers[name])
    .map((name) => {
      const s = setting(name)
      return s.secret ? `${s.env} (environment or .env)` : `${s.env} (or the answers file)`
    })
  if (missing.length > 0) throw new UsageError(`cannot probe the bucket without ${missing.join(', ')}`)
  return {
    endpoint: stripScheme(answers.endpoint).replace(/\/+$/, ''),
    bucket: answers.bucket,
    region: answers.s3Region ?? '',
    insecure: /^http:\/\//i.test(answers.endpoint) || answers.insecure === 'true',
    forcePathStyle: answers.forcePathStyle === 'true',
    accessKeyId: answers.accessKey,
    secretAccessKey: answers.secretKey,
  }
}

/**
 * The bucket of the app in `dir`: settings from the environment (the buildpack's names),
 * else its answers file; keys from the environment, else its .env.
 */
export async function bucketTargetFromApp(dir: string, env: NodeJS.ProcessEnv, cliVersion: string): Promise<BucketTarget> {
  let answers: Answers = {}
  try {
    answers = (await readAnswersFile(dir, cliVersion)).answers
  } catch (error) {
    if (!env[setting('bucket').env]) throw error
  }
  const secrets = await withDotEnv(dir, env)
  const merged: Answers = {...answers}
  for (const name of ['storage', 'endpoint', 's3Region', 'bucket', 'insecure', 'forcePathStyle', 'accessKey', 'secretKey']) {
    const s = setting(name)
    const value = s.secret ? secrets[s.env] : env[s.env]
    if (value) merged[name] = value
  }
  return bucketTargetFromAnswers(merged)
}

const LABEL_WIDTH = 13

function stepLine(step: ProbeStep): string {
  const label = step.name.padEnd(LABEL_WIDTH)
  const ms = step.ms === undefined ? '' : chalk.dim(` (${step.ms} ms)`)
  if (step.status === 'skipped') return chalk.dim(`  - ${label}skipped`)
  if (step.status === 'failed') return `  ${chalk.red('✘')} ${label}${step.detail}${ms}`
  return `  ${chalk.green('✔')} ${label}${step.detail}${ms}`
}

/** Runs the probe, printing each step as it ends and a last line; keys never printed. */
export async function printedProbe(
  target: BucketTarget,
  options: {createBucket: ProbeOptions['createBucket']; log(line: string): void},
): Promise<ProbeResult> {
  const print = (line: string) => options.log(redact(line, [target.accessKeyId, target.secretAccessKey]))
  print(
    `Probing bucket ${target.bucket} at ${target.insecure ? 'http' : 'https'}://${target.endpoint} (region ${target.region || 'us-east-1'})`,
  )
  const result = await probeBucket(target, {createBucket: options.createBucket, onStep: (step) => print(stepLine(step))})
  if (result.failure) {
    print(chalk.red('✘ ') + `Bucket check failed at ${result.failure.step}: ${result.failure.message}`)
  } else {
    print(chalk.green('✔ ') + `Tempo can use bucket ${target.bucket}: listed, wrote, read back and deleted an object.`)
  }
  return result
}

/** `check --s3`: the probe of the bucket of the app in `cwd`, and its JSON document (no key in it). */
export async function checkBucket(
  input: BucketCheckInput,
): Promise<{ok: boolean; document: ProbeResult & {bucket: string; region: string}}> {
  const target = await bucketTargetFromApp(input.cwd, input.env, input.cliVersion)
  const result = await printedProbe(target, input)
  const document = {...result, bucket: target.bucket, region: target.region || 'us-east-1'}
  return {ok: result.ok, document: JSON.parse(redact(JSON.stringify(document), [target.accessKeyId, target.secretAccessKey]))}
}
