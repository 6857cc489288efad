// `check --s3`: the bucket Tempo will use, its settings and keys resolved as every command
// resolves them (flag > env > .env > answers file > default). Keys never reach the output.
import chalk from 'chalk'

import {resolveAppAnswers} from '../app/answers.js'
import {UsageError} from '../core/errors.js'
import {redact} from '../core/output.js'
import {type BucketTarget, type ProbeOptions, type ProbeResult, type ProbeStep, probeBucket} from '../platform/s3-probe.js'
import type {Origin} from '../settings/resolve.js'
import {type Answers, S3_PROVIDERS, setting} from '../settings/settings.js'

export interface BucketCheckInput {
  cwd: string
  env: NodeJS.ProcessEnv
  cliVersion: string
  /** Create a missing bucket: yes, no, or ask. */
  createBucket: ProbeOptions['createBucket']
  log(line: string): void
}

/** The settings the bucket probe reads. */
export const BUCKET_SETTINGS = [
  'storage',
  's3Provider',
  'endpoint',
  's3Region',
  'forcePathStyle',
  'bucket',
  'accessKey',
  'secretKey',
  'insecure',
]

/** The bucket as the app will reach it, from resolved answers (keys included). */
export function bucketTargetFromAnswers(answers: Answers, origins: Record<string, Origin> = {}): BucketTarget {
  if (answers.storage === 'local') {
    throw new UsageError(`this app stores traces on the local disk (${setting('storage').env}=local): there is no bucket to probe`)
  }
  const provider = S3_PROVIDERS.find((p) => p.id === answers.s3Provider)
  return {
    endpoint: answers.endpoint,
    bucket: answers.bucket,
    region: answers.s3Region ?? '',
    insecure: answers.insecure === 'true',
    forcePathStyle: answers.forcePathStyle === 'true',
    accessKeyId: answers.accessKey,
    secretAccessKey: answers.secretKey,
    ...(provider?.endpoint && ['default', 'answers file'].includes(origins.endpoint ?? 'default') && provider.endpoint === answers.endpoint
      ? {preset: provider.label}
      : {}),
  }
}

/** The bucket of the app in `dir`, resolved as every command resolves answers (its answers file may be replaced by the environment). */
export async function bucketTargetFromApp(dir: string, env: NodeJS.ProcessEnv, cliVersion: string): Promise<BucketTarget> {
  const {answers, origins} = await resolveAppAnswers({
    dir,
    flags: {},
    env,
    cliVersion,
    secrets: 'require',
    only: BUCKET_SETTINGS,
    needFile: !env[setting('bucket').env],
  })
  return bucketTargetFromAnswers(answers, origins)
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
