// Writes the buildpack's default Tempo configs from the same templates the CLI renders in file mode.
import {writeFileSync} from 'node:fs'

import {renderTempoConfig} from '../dist/lib/render.js'

for (const [major, version] of [['2', '2.10.8'], ['3', '3.0.3']]) {
  writeFileSync(new URL(`../buildpack/config/tempo-${major}.yaml`, import.meta.url), renderTempoConfig({tempoVersion: version}, 'env'))
}
