// Questions on a TTY, driven by the settings table; validation shares resolve's messages.
import {type Ask, check} from './resolve.js'
import type {Answers, Setting} from './settings.js'

const OTHER = '__other__'

/** Values come back as typed (validated): resolution normalizes them and warns. */
export function createAsk(): Ask {
  return async (s: Setting, _answers: Answers, suggested: string | undefined) => {
    const [{default: confirm}, {default: input}, {default: password}, {default: select}] = await Promise.all([
      import('@inquirer/confirm'),
      import('@inquirer/input'),
      import('@inquirer/password'),
      import('@inquirer/select'),
    ])
    const validate = (value: string) => check(s, value).error ?? true
    if (s.kind === 'boolean') return String(await confirm({message: s.prompt!, default: suggested !== 'false'}))
    if (s.secret && !s.visible) return password({message: s.prompt!, mask: '*', validate})
    if (s.choices) {
      const choices = s.choices.map((c) => ({value: c.value, name: c.label}))
      if (s.openChoice) choices.push({value: OTHER, name: 'another version (x.y.z)'})
      const value = await select({message: s.prompt!, choices, default: suggested})
      if (value !== OTHER) return value
      return input({message: `${s.prompt} (x.y.z; untested here, verified at build)`, validate})
    }
    return input({message: s.prompt!, default: suggested, validate})
  }
}
