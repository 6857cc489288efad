#!/usr/bin/env node
// `create-tempo-scalingo DIR ...` is the scaffold (`create`); named commands run as usual.
import {readFileSync} from 'node:fs'

import {execute} from '@oclif/core'

const manifest = JSON.parse(readFileSync(new URL('../.oclif.manifest.json', import.meta.url), 'utf8'))
const argv = process.argv.slice(2)
const passThrough = new Set([...Object.keys(manifest.commands), 'help', '--help', '-h', '--version'])
const args = argv.length > 0 && passThrough.has(argv[0]) ? argv : ['create', ...argv]

await execute({args, dir: import.meta.url})
