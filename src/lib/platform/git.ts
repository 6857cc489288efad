// Git operations through simple-git (lazy-loaded: it is not needed by --help).
import {spawn} from 'node:child_process'

import {CliError, EXIT} from '../core/errors.js'
import {redact} from '../core/output.js'

export async function initAndCommit(dir: string, message: string): Promise<void> {
  const {simpleGit} = await import('simple-git')
  const git = simpleGit(dir)
  await git.init(['--initial-branch=main'])
  // simple-git waits 50 ms more after a command that prints nothing: these print.
  await git.raw(['add', '--verbose', '.'])
  // A fresh machine may have no git identity; never fail the scaffold for it.
  const identity = await git.raw(['config', '--get', 'user.email']).catch(() => '')
  const env = identity.trim() ? [] : ['-c', 'user.name=create-tempo-scalingo', '-c', 'user.email=create-tempo-scalingo@localhost']
  await git.raw([...env, 'commit', '--no-verify', '-m', message])
}

export const REMOTE = 'scalingo'

export const scalingoGitUrl = (app: string, region: string): string => `git@ssh.${region}.scalingo.com:${app}.git`

export interface DeployOptions {
  dir: string
  app: string
  region: string
  /** Replaces Scalingo's git URL (mirrors, tests). */
  remoteUrl?: string
  allowDirty?: boolean
  log: (line: string) => void
  /** Receives git's own output as it comes (progress, `remote:` lines). */
  stream?: (chunk: string) => void
}

export interface DeployResult {
  remote: string
  remoteUrl: string
  /** What happened to the `scalingo` remote before the push. */
  remoteChange: 'added' | 'updated' | 'unchanged'
  commit: string
  branch: string
}

/** Adds or fixes the `scalingo` remote, then pushes HEAD to its master. */
export async function deployApp(options: DeployOptions): Promise<DeployResult> {
  const {dir, app, region, allowDirty = false, log, stream = (chunk) => process.stderr.write(chunk)} = options
  const remoteUrl = options.remoteUrl || scalingoGitUrl(app, region)
  const {simpleGit} = await import('simple-git')
  const git = simpleGit(dir)

  if (!(await git.checkIsRepo().catch(() => false))) {
    throw new CliError(
      `${dir} is not a git repository: run \`git init && git add . && git commit -m "Tempo on Scalingo"\` first.`,
      EXIT.usage,
    )
  }
  const commit = (await git.raw(['rev-parse', '--verify', '--quiet', 'HEAD']).catch(() => '')).trim()
  if (!commit)
    throw new CliError(
      'Nothing to deploy: this repository has no commit yet. Commit the app first (`git add . && git commit -m "Tempo on Scalingo"`).',
      EXIT.usage,
    )
  const branch = (await git.raw(['rev-parse', '--abbrev-ref', 'HEAD'])).trim()

  const status = await git.status()
  if (!status.isClean()) {
    const files = status.files.map((f) => `  ${f.working_dir === '?' ? '??' : `${f.index}${f.working_dir}`.trim()} ${f.path}`)
    const list = files.length > 10 ? [...files.slice(0, 10), `  … and ${files.length - 10} more`] : files
    if (!allowDirty) {
      throw new CliError(
        `The working tree has uncommitted changes, which would not be deployed:\n${list.join('\n')}\nCommit them (\`git add -A && git commit\`), or pass --allow-dirty to push the last commit anyway.`,
      )
    }
    log(`Uncommitted changes are not deployed (--allow-dirty): pushing ${commit.slice(0, 7)}.`)
  }

  // Read from the config: `git remote -v` shows URLs rewritten by url.*.insteadOf.
  const configured = async (key: string) => (await git.raw(['config', '--get', `remote.${REMOTE}.${key}`]).catch(() => '')).trim()
  const current = await configured('url')
  const pushUrl = await configured('pushurl')
  let remoteChange: DeployResult['remoteChange'] = 'unchanged'
  if (!current) {
    await git.addRemote(REMOTE, remoteUrl)
    remoteChange = 'added'
    log(`Added git remote ${REMOTE} → ${remoteUrl}`)
  } else if (current !== remoteUrl || (pushUrl && pushUrl !== remoteUrl)) {
    await git.remote(['set-url', REMOTE, remoteUrl])
    if (pushUrl) await git.remote(['set-url', '--push', REMOTE, remoteUrl])
    remoteChange = 'updated'
    log(`Changed git remote ${REMOTE}: ${pushUrl && pushUrl !== remoteUrl ? pushUrl : current} → ${remoteUrl}`)
  }

  log(`Pushing ${branch === 'HEAD' ? commit.slice(0, 7) : branch} (${commit.slice(0, 7)}) to ${REMOTE} master…`)
  await push(dir, stream)
  log(`Pushed ${commit.slice(0, 7)} to ${app} (${region}).`)
  return {remote: REMOTE, remoteUrl, remoteChange, commit, branch}
}

// Spawned rather than run through simple-git so that git's output streams as it comes.
// A full destination ref works from a detached HEAD too.
function push(dir: string, stream: (chunk: string) => void): Promise<void> {
  const args = ['push', ...(process.stderr.isTTY ? ['--progress'] : []), REMOTE, 'HEAD:refs/heads/master']
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, GIT_TERMINAL_PROMPT: '0'}})
    let output = ''
    const collect = (chunk: Buffer) => {
      const text = chunk.toString()
      output += text
      stream(text)
    }
    child.stdout.on('data', collect)
    child.stderr.on('data', collect)
    child.on('error', (error) => reject(new CliError(`Cannot run git: ${error.message}`)))
    child.on('close', (code) => (code === 0 ? resolve() : reject(new CliError(pushFailure(code, output)))))
  })
}

/** A failed push named by its cause: only a refusal by the remote is a rejection. git's own lines were streamed above. */
export function pushFailure(code: number | null, output: string): string {
  const host = /Could not resolve hostname ([^\s:]+)/.exec(output)?.[1]
  let cause: string
  if (host) cause = `cannot resolve ${host} (DNS): no network from here, or a wrong region`
  else if (/Permission denied \(publickey/.test(output))
    cause = 'the SSH key was refused: add your public key to your Scalingo account (`scalingo keys-add`, or the dashboard)'
  else if (/Connection (refused|timed out)|Network is unreachable|Operation timed out/.test(output))
    cause = 'cannot connect to the git server (network or firewall)'
  else if (/\[(remote )?rejected\]|hook declined/.test(output)) cause = 'the remote rejected it'
  else cause = `git failed (exit ${code})`
  return `git push to ${REMOTE} failed: ${cause} (git's output is above).`
}

/** git init and the first commit in DIR; a failure says how to skip it (secrets kept out of the message). */
export async function firstCommit(dir: string, message: string, secrets: string[]): Promise<void> {
  await initAndCommit(dir, message).catch((error: Error) => {
    throw new CliError(`git init/commit failed: ${redact(error.message, secrets)} (use --no-git to skip it).`)
  })
}
