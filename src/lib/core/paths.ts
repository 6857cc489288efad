// The package's root, where package.json, templates/ and data/ are: found upwards from this
// module, which runs from the sources (src/lib/core) or from the bundle (dist/).
import {existsSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

function packageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'data', 'contract.json'))) return dir
    if (path.dirname(dir) === dir) throw new Error(`no create-tempo-scalingo package above ${from}`)
  }
}

export const ROOT = packageRoot(path.dirname(fileURLToPath(import.meta.url)))

/** A path inside the package (`inPackage('templates')`). */
export const inPackage = (...parts: string[]): string => path.join(ROOT, ...parts)
