// Named steps run in order, each filling in its own result. After a failure the rest are
// skipped (their result says so), except a step marked `always` (a clean-up). Shared by the
// smoke test of a deployment and the bucket probe.

export interface Outcome {
  status: string
}

export interface NamedStep<Ctx, R extends Outcome> {
  name: string
  /** Fills in `result`; a result left as begun counts as passed. */
  run(ctx: Ctx, result: R): Promise<void>
  /** Runs even after an earlier step failed. */
  always?: boolean
}

export interface StepResults<R> {
  results: R[]
  failed: boolean
}

export async function runSteps<Ctx, R extends Outcome>(
  steps: readonly NamedStep<Ctx, R>[],
  ctx: Ctx,
  results: {begin(name: string): R; skipped(name: string): R},
  onStep?: (result: R) => void,
): Promise<StepResults<R>> {
  const done: R[] = []
  let failed = false
  for (const step of steps) {
    let result: R
    if (failed && !step.always) {
      result = results.skipped(step.name)
    } else {
      result = results.begin(step.name)
      await step.run(ctx, result)
      failed ||= result.status === 'failed'
    }
    done.push(result)
    onStep?.(result)
  }
  return {results: done, failed}
}
