// The variables an app needs on Scalingo, from its resolved answers (secrets included): every
// one named when missing, and credentials the app would refuse never set.
import type {AppKind} from '../app/answers.js'
import {CliError, EXIT} from '../core/errors.js'
import {credentialProblems} from '../core/validate.js'
import type {Variable} from '../platform/scalingo/apps.js'
import {grafanaVariables} from '../settings/grafana.js'
import {type Answers, type AppVariable, appVariables} from '../settings/settings.js'

/** The variables of a Tempo app (or of its Grafana companion, by its answers file's kind). */
export const appVariablesOf = (answers: Answers, kind: AppKind = 'tempo'): Variable[] =>
  checkedVariables(kind === 'grafana' ? grafanaVariables(answers) : appVariables(answers))

/** The variables the Tempo app needs, from complete answers (secrets included); exit 2 naming every missing one. */
export const variablesFromAnswers = (answers: Answers): Variable[] => checkedVariables(appVariables(answers))

/** Every variable with a value, credentials checked; exit 2 naming every missing one. */
export function checkedVariables(all: readonly AppVariable[]): Variable[] {
  const missing = all.filter((v) => v.value === undefined)
  if (missing.length > 0) {
    const names = missing.map((v) => v.name)
    // A generated secret missing from an older app's .env: any long random value does.
    const generated = missing.filter((v) => v.generated).map((v) => `${v.name}=$(openssl rand -hex 32)`)
    throw new CliError(
      `No value for ${names.join(', ')}: set ${names.length > 1 ? 'them' : 'it'} in the environment or in the app's .env (written by create-tempo-scalingo)` +
        (generated.length > 0 ? `; a generated secret takes any long random value, e.g. ${generated.join(' ')}.` : '.'),
      EXIT.usage,
    )
  }
  // The app would refuse to start with them: never set them.
  const weak = credentialProblems(Object.fromEntries(all.map((v) => [v.name, v.value])))
  if (weak.length > 0) throw new CliError(`Refusing to set credentials that protect nothing:\n${weak.join('\n')}`, EXIT.usage)
  // An empty optional value (e.g. no S3 region) means "not set": Scalingo refuses empty values.
  return all.filter((v) => v.value !== '').map((v) => ({name: v.name, value: v.value as string, secret: v.secret}))
}
