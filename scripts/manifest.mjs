// Writes .oclif.manifest.json (what `oclif manifest` writes): the commands' ids, flags and args,
// read from the bundle, so that bin/run.js routes and oclif lists commands without loading them.
import {writeFileSync} from 'node:fs'

import {Plugin} from '@oclif/core'

const root = new URL('../', import.meta.url).pathname
const plugin = new Plugin({root, type: 'core', ignoreManifest: true, errorOnManifestCreate: true, respectNoCacheDefault: true})
await plugin.load()
writeFileSync(`${root}.oclif.manifest.json`, JSON.stringify(plugin.manifest, null, 2))
