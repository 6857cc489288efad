// Git operations through simple-git (lazy-loaded: it is not needed by --help).
export async function initAndCommit(dir: string, message: string): Promise<void> {
  const {simpleGit} = await import('simple-git')
  const git = simpleGit(dir)
  await git.init(['--initial-branch=main'])
  await git.add('.')
  // A fresh machine may have no git identity; never fail the scaffold for it.
  const identity = await git.raw(['config', '--get', 'user.email']).catch(() => '')
  const env = identity.trim() ? [] : ['-c', 'user.name=create-tempo-scalingo', '-c', 'user.email=create-tempo-scalingo@localhost']
  await git.raw([...env, 'commit', '--quiet', '--no-verify', '-m', message])
}
