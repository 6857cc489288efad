// Per direct dependency of a package installed in PROJECT: how many packages
// and how many KiB on disk come with it (its whole subtree, and the part no
// other direct dependency shares), from node_modules/.package-lock.json.
//
//   node deps.mjs PROJECT PACKAGE
import {lstatSync, readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'

const [project, root] = process.argv.slice(2)
const lock = JSON.parse(readFileSync(path.join(project, 'node_modules/.package-lock.json'), 'utf8'))
const pkgs = lock.packages

// Node's lookup: DIR/node_modules/NAME, then each ancestor's node_modules.
function resolve(from, name) {
  let dir = from
  for (;;) {
    const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`
    if (pkgs[candidate]) return candidate
    if (!dir) return undefined
    const i = dir.lastIndexOf('/node_modules/')
    dir = i === -1 ? '' : dir.slice(0, i)
  }
}

function closure(start) {
  const seen = new Set()
  const todo = [start]
  while (todo.length) {
    const p = todo.pop()
    if (!p || seen.has(p)) continue
    seen.add(p)
    const deps = {...pkgs[p].dependencies, ...pkgs[p].optionalDependencies}
    for (const name of Object.keys(deps)) todo.push(resolve(p, name))
  }
  return seen
}

// Allocated size of a package's own files (nested node_modules counted apart).
function kib(dir) {
  let bytes = 0
  for (const entry of readdirSync(dir, {withFileTypes: true})) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') bytes += kib(full) * 1024
    } else bytes += lstatSync(full).blocks * 512
  }
  return bytes / 1024
}
const size = new Map(
  Object.keys(pkgs)
    .filter(Boolean)
    .map((p) => [p, kib(path.join(project, p))]),
)
const sum = (set) => [...set].reduce((a, p) => a + size.get(p), 0)

const rootPath = `node_modules/${root}`
const direct = Object.keys(pkgs[rootPath].dependencies ?? {}).map((name) => [name, closure(resolve(rootPath, name))])
const rows = direct.map(([name, set]) => {
  const others = new Set(direct.filter(([n]) => n !== name).flatMap(([, s]) => [...s]))
  const own = new Set([...set].filter((p) => !others.has(p)))
  return {name, n: set.size, kib: sum(set), ownN: own.size, ownKib: sum(own)}
})
console.log('| dependency | packages | KiB | only through it: packages | KiB |')
console.log('|------------|---------:|----:|--------------------------:|----:|')
for (const r of rows.sort((a, b) => b.kib - a.kib))
  console.log(`| ${r.name} | ${r.n} | ${Math.round(r.kib)} | ${r.ownN} | ${Math.round(r.ownKib)} |`)
console.log(`| (${root} itself) | 1 | ${Math.round(size.get(rootPath))} | | |`)
