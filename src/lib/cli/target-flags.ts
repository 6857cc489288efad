// --app and --region of the commands run inside a generated app, described by the settings
// table (whose flags for appName and region are these); resolution reads their env vars, then
// the app's .env and answers file, and validates them as every command does.
import * as Flags from '@oclif/core/flags'

import {setting} from '../settings/settings.js'
import {helpValue} from './flags.js'

export function targetFlags() {
  const app = setting('appName')
  const region = setting('region')
  return {
    app: Flags.string({description: `${app.description} (default: from the answers file). [env: ${app.env}]`, helpValue: helpValue(app)}),
    region: Flags.string({
      description: `${region.description} (default: from the answers file, else osc-fr1). [env: ${region.env}]`,
      helpValue: helpValue(region),
    }),
  }
}
