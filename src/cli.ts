// The entry of the bundle (dist/cli.cjs): oclif's runner and the commands, listed explicitly
// (package.json's oclif.commands), so that nothing is discovered on disk at run time.
import Check from './commands/check.js'
import Create from './commands/create.js'
import Deploy from './commands/deploy.js'
import EnvSet from './commands/env-set.js'
import Grafana from './commands/grafana.js'
import Update from './commands/update.js'

export const COMMANDS = {check: Check, create: Create, deploy: Deploy, 'env-set': EnvSet, grafana: Grafana, update: Update}

export {execute} from '@oclif/core/execute'
export {run} from '@oclif/core/run'
export {cli} from './lib/core/invocation.js'
export {closest} from './lib/core/suggest.js'
