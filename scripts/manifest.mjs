// Writes oclif.manifest.json (what `oclif manifest` writes): the commands' ids, flags and args,
// read from the bundle, so that bin/run.js routes and oclif lists commands without loading them.
import {writeFileSync} from 'node:fs'

import {Plugin} from '@oclif/core'

const root = new URL('../', import.meta.url).pathname
const plugin = new Plugin({root, type: 'core', ignoreManifest: true, errorOnManifestCreate: true, respectNoCacheDefault: true})
await plugin.load()
// The bundle sorts command ids by code unit (scripts/bundle.mjs), the same order as by locale for these.
const odd = Object.keys(plugin.manifest.commands).filter((id) => !/^[a-z][a-z-]*$/.test(id))
if (odd.length > 0) throw new Error(`command ids must be lowercase words and dashes: ${odd.join(', ')}`)
writeFileSync(`${root}oclif.manifest.json`, JSON.stringify(plugin.manifest, null, 2))
