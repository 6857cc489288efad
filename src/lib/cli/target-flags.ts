// --app and --region of the commands run inside a generated app, described by the settings
// table (whose flags for appName and region are these); without them, the answers file decides.
import * as Flags from '@oclif/core/flags'

import {REGIONS, setting} from '../settings/settings.js'

export function targetFlags() {
  const app = setting('appName')
  const region = setting('region')
  return {
    app: Flags.string({description: `${app.description} (default: from the answers file).`, env: app.env}),
    region: Flags.string({
      description: `${region.description} (default: from the answers file, else osc-fr1).`,
      env: region.env,
      options: [...REGIONS],
    }),
  }
}
