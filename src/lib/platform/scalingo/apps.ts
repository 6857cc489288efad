// What the ways of reaching Scalingo share: the variables to set, an app's git URL and the
// command that creates it, and how a taken name is told apart from a region mismatch.
import {CliError} from '../../core/errors.js'
import {REDACTED} from '../../core/output.js'
import {REGIONS} from '../../settings/settings.js'

export interface Variable {
  name: string
  value: string
  secret: boolean
}

export type Log = (line: string) => void

export interface Addon {
  /** The addon provider's id, e.g. postgresql. */
  provider: string
  /** The plan's name, e.g. postgresql-starter-512. */
  plan: string
}

export interface CreateAppResult {
  method: 'api' | 'cli'
  app: string
  region: string
  /** False when the app already existed in this region and the account can use it. */
  created: boolean
  gitUrl: string
  /** The addon asked for: added now, or already there. */
  addon?: Addon & {added: boolean}
}

/** A variable as logs and --json show it: secrets redacted. */
export const redacted = (v: Variable): Variable => (v.secret ? {...v, value: REDACTED} : v)

export const gitUrlOf = (app: string, region: string): string => `git@ssh.${region}.scalingo.com:${app}.git`

/** The command that creates the app by hand. */
export const createAppCommand = (app: string, region: string): string => `scalingo --region ${region} create ${app}`

/** The command that adds the addon by hand. */
export const addonCommand = (app: string, region: string, addon: Addon): string =>
  `scalingo --region ${region} --app ${app} addons-add ${addon.provider} ${addon.plan}`

/** An answer saying that the name is in use. */
export const taken = (text: string): boolean => /taken|already exists|already in use/i.test(text)

export function created(method: CreateAppResult['method'], app: string, region: string, log: Log): CreateAppResult {
  log(`  ✔ Created app ${app} in ${region} (git remote ${gitUrlOf(app, region)})`)
  return {method, app, region, created: true, gitUrl: gitUrlOf(app, region)}
}

/**
 * After a "name taken" answer: resolves to the existing app when the account has it in
 * `region`; otherwise fails saying where it is or that another account has it.
 */
export async function existing(
  method: CreateAppResult['method'],
  app: string,
  region: string,
  log: Log,
  has: (region: string) => Promise<boolean>,
): Promise<CreateAppResult> {
  if (!(await has(region))) {
    for (const other of REGIONS.filter((r) => r !== region)) {
      if (await has(other)) {
        throw new CliError(
          `App "${app}" exists in region ${other}, not ${region}: nothing was created. Use --region ${other} (or SCALINGO_REGION=${other}) and run this again, or pick another name with --app.`,
        )
      }
    }
    throw new CliError(
      `The app name "${app}" is taken by another Scalingo account (names are unique on Scalingo): nothing was created. Pick another name and run this again with --app <new-name>.`,
    )
  }
  log(`  ✔ App ${app} already exists in ${region}: using it`)
  return {method, app, region, created: false, gitUrl: gitUrlOf(app, region)}
}
