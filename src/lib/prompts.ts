// Questions on a TTY, driven by the settings table; validation shares resolve's messages.
import {type Ask, check} from './resolve.js'
import {type Answers, choiceWarning, type Setting} from './settings.js'

const OTHER = '__other__'

/** Whether to ask at all: a TTY on both ends, no --yes, no CI. */
export const canPrompt = (yes: boolean, env: Record<string, string | undefined>): boolean =>
  Boolean(process.stdin.isTTY && process.stdout.isTTY) && !yes && !env.CI

export function createAsk(warn: (message: string) => void): Ask {
  return async (s: Setting, _answers: Answers, suggested: string | undefined) => {
    const [{default: confirm}, {default: input}, {default: password}, {default: select}] = await Promise.all([
      import('@inquirer/confirm'), import('@inquirer/input'), import('@inquirer/password'), import('@inquirer/select'),
    ])
    const validate = (value: string) => check(s, value).error ?? true
    const normalize = (value: string) => check(s, value).value
    let value: string
    if (s.kind === 'boolean') {
      value = String(await confirm({message: s.prompt!, default: suggested !== 'false'}))
    } else if (s.secret) {
      value = normalize(await password({message: s.prompt!, mask: '*', validate}))
    } else if (s.choices) {
      const choices = s.choices.map((c) => ({value: c.value, name: c.label}))
      if (s.openChoice) choices.push({value: OTHER, name: 'another version (x.y.z)'})
      value = await select({message: s.prompt!, choices, default: suggested})
      if (value === OTHER) value = normalize(await input({message: `${s.prompt} (x.y.z)`, validate}))
    } else {
      value = normalize(await input({message: s.prompt!, default: suggested, validate}))
    }
    const warning = choiceWarning(s.name, value)
    if (warning) warn(warning)
    return value
  }
}
