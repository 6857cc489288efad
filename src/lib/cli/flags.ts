// oclif flags generated from the settings table, so each setting is declared once.
import type {Interfaces} from '@oclif/core'
import * as Flags from '@oclif/core/flags'

import {type Setting, SETTINGS} from '../settings/settings.js'

/** How help shows a setting's value: its choices when it has a closed list, else its kind. */
export const helpValue = (s: Setting): string =>
  s.choices && !s.openChoice ? `<${s.choices.map((c) => c.value).join('|')}>` : `<${s.flag.replace(/^.*-/, '')}>`

type SettingFlag = Interfaces.OptionFlag<string | undefined> | Interfaces.BooleanFlag<boolean | undefined>

export function settingFlags(table: readonly Setting[] = SETTINGS): Record<string, SettingFlag> {
  const flags: Record<string, SettingFlag> = {}
  for (const s of table) {
    const choices = s.choices ? ` One of: ${s.choices.map((c) => c.value).join(', ')}${s.openChoice ? ', or any x.y.z' : ''}.` : ''
    const description = `${s.description}.${choices} [env: ${s.env}]`
    flags[s.flag] =
      s.kind === 'boolean'
        ? Flags.boolean<boolean | undefined>({allowNo: true, description, helpGroup: 'SETTINGS'})
        : Flags.string({description, helpGroup: 'SETTINGS', helpValue: helpValue(s)})
  }
  return flags
}

// Shared by create and update: the URL is kept in the answers file once given.
export const buildpackUrlFlag = () =>
  Flags.string({
    description: "Buildpack URL written to .buildpacks, kept for later updates (default: this CLI's repository at its version tag).",
  })

/** What every scaffold takes: --yes, --dry-run, --force, --git/--no-git. */
export const scaffoldFlags = () => ({
  yes: Flags.boolean({char: 'y', description: 'Ask nothing: use flags, env vars and defaults.'}),
  'dry-run': Flags.boolean({description: 'Print the file plan and write nothing.'}),
  force: Flags.boolean({description: 'Write into a non-empty directory (unrelated files are kept).'}),
  git: Flags.boolean({allowNo: true, default: true, description: 'Initialise a git repository with a first commit.'}),
})

/** The first deploy both scaffolds offer, each step asked on a terminal; CREATED_APP says what the app is created with. */
export const deployFlags = (createdApp: string) => ({
  'create-app': Flags.boolean({
    allowNo: true,
    description: `Create the Scalingo app ${createdApp} after generating it (on a terminal, you are asked).`,
    helpGroup: 'DEPLOY',
  }),
  'env-set': Flags.boolean({description: "Set the app's variables on Scalingo after generating it.", helpGroup: 'DEPLOY'}),
  push: Flags.boolean({
    description: 'Push the app to Scalingo after generating it (its variables set, or said to be).',
    helpGroup: 'DEPLOY',
  }),
})
