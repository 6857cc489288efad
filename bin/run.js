#!/usr/bin/env node
// `create-tempo-scalingo DIR ...` is the scaffold (`create`); named commands run as usual.
import {readFileSync} from 'node:fs'

import {execute} from '@oclif/core/execute'

const manifest = JSON.parse(readFileSync(new URL('../.oclif.manifest.json', import.meta.url), 'utf8'))
const first = process.argv[2]
const passThrough = new Set([...Object.keys(manifest.commands), 'help', '--help', '-h', '--version'])
// oclif reads process.argv again when it reports errors, so the route goes there.
if (first === undefined || !passThrough.has(first)) process.argv.splice(2, 0, 'create')

await execute({dir: import.meta.url})
