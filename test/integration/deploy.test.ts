// `deploy` run inside a generated app, with local bare repositories standing in for Scalingo.
import assert from 'node:assert/strict'
import {rm, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {describe, test} from 'node:test'

import {initAndCommit} from '../../src/lib/platform/git.js'
import {type CliResult, runCli, tempDir} from '../helpers/cli.js'
import {assertNoSecret, bareRepo, git, makeApp} from '../helpers/scalingo-fakes.js'

const output = (r: CliResult) => [r.stdout, r.stderr]

async function committedApp(): Promise<{root: string; app: string}> {
  const root = await tempDir()
  const app = path.join(root, 'my-tempo')
  await makeApp(app)
  await initAndCommit(app, 'Tempo on Scalingo')
  return {root, app}
}

describe('deploy', () => {
  test('adds the scalingo remote for the app and region, pushes HEAD to master', async () => {
    const {root, app} = await committedApp()
    const remote = await bareRepo(path.join(root, 'remote.git'))
    // Scalingo's own URL, redirected to the local repository by git itself.
    git(app, 'config', `url.${remote}.insteadOf`, 'git@ssh.osc-fr1.scalingo.com:my-tempo.git')
    const r = await runCli(['deploy'], {cwd: app})
    assertNoSecret(output(r))
    assert.equal(r.code, 0, r.stderr)
    assert.equal(git(app, 'config', '--get', 'remote.scalingo.url'), 'git@ssh.osc-fr1.scalingo.com:my-tempo.git')
    assert.match(r.stdout, /Added git remote scalingo → git@ssh\.osc-fr1\.scalingo\.com:my-tempo\.git/)
    assert.equal(git(remote, 'rev-parse', 'refs/heads/master'), git(app, 'rev-parse', 'HEAD'))
    // git's own output is streamed.
    assert.match(r.stderr, /\* \[new branch\]\s+HEAD -> master/)
    // The secrets file stays local.
    assert.doesNotMatch(git(remote, 'ls-tree', '-r', '--name-only', 'master'), /^\.env$/m)
    // The rewritten URL is not mistaken for a different remote.
    const again = await runCli(['deploy'], {cwd: app})
    assert.equal(again.code, 0, again.stderr)
    assert.doesNotMatch(again.stdout, /remote scalingo/)
    assert.match(again.stderr, /Everything up-to-date/)
  })

  test('--remote-url replaces a different scalingo remote and says so; --json gives one document', async () => {
    const {root, app} = await committedApp()
    const remote = await bareRepo(path.join(root, 'remote.git'))
    git(app, 'remote', 'add', 'scalingo', 'git@ssh.osc-fr1.scalingo.com:old-name.git')
    const r = await runCli(['deploy', '--json', '--remote-url', remote], {cwd: app})
    assertNoSecret(output(r))
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stderr, /Changed git remote scalingo: git@ssh\.osc-fr1\.scalingo\.com:old-name\.git → /)
    const doc = JSON.parse(r.stdout)
    assert.equal(doc.remoteChange, 'updated')
    assert.equal(doc.remoteUrl, remote)
    assert.equal(doc.commit, git(app, 'rev-parse', 'HEAD'))
    assert.equal(git(remote, 'rev-parse', 'refs/heads/master'), doc.commit)
  })

  test('SCALINGO_GIT_URL and --region: a second deploy pushes the new commit, remote unchanged', async () => {
    const {root, app} = await committedApp()
    const remote = await bareRepo(path.join(root, 'remote.git'))
    const env = {SCALINGO_GIT_URL: remote}
    assert.equal((await runCli(['deploy', '--region', 'osc-secnum-fr1'], {cwd: app, env})).code, 0)
    await writeFile(path.join(app, 'README.md'), '# my-tempo, edited\n')
    git(app, 'commit', '--quiet', '-am', 'Edit')
    const r = await runCli(['deploy', '--region', 'osc-secnum-fr1'], {cwd: app, env})
    assert.equal(r.code, 0, r.stderr)
    assert.doesNotMatch(r.stdout, /remote scalingo/)
    assert.equal(git(remote, 'rev-parse', 'refs/heads/master'), git(app, 'rev-parse', 'HEAD'))
  })

  test('refuses a dirty tree, listing the changes; --allow-dirty pushes the last commit', async () => {
    const {root, app} = await committedApp()
    const remote = await bareRepo(path.join(root, 'remote.git'))
    await writeFile(path.join(app, 'README.md'), '# changed\n')
    await writeFile(path.join(app, 'tempo.yaml'), 'server: {}\n')
    const refused = await runCli(['deploy', '--remote-url', remote], {cwd: app})
    assertNoSecret(output(refused))
    assert.equal(refused.code, 1)
    assert.match(refused.stderr, /uncommitted changes/)
    assert.match(refused.stderr, /M README\.md/)
    assert.match(refused.stderr, /\?\? tempo\.yaml/)
    assert.match(refused.stderr, /--allow-dirty/)
    assert.throws(() => git(remote, 'rev-parse', '--verify', '--quiet', 'refs/heads/master'))

    const forced = await runCli(['deploy', '--remote-url', remote, '--allow-dirty'], {cwd: app})
    assert.equal(forced.code, 0, forced.stderr)
    assert.equal(git(remote, 'rev-parse', 'refs/heads/master'), git(app, 'rev-parse', 'HEAD'))
  })

  test("a rejected push exits non-zero with the remote's message", async () => {
    const {root, app} = await committedApp()
    const remote = await bareRepo(path.join(root, 'remote.git'), 'build refused by the test hook')
    const r = await runCli(['deploy', '--remote-url', remote], {cwd: app})
    assertNoSecret(output(r))
    assert.equal(r.code, 1)
    assert.match(r.stderr, /✘ git push to scalingo failed: the remote rejected it \(git's output is above\)/)
    // git's lines, streamed as they came, once.
    assert.equal(r.stderr.match(/remote: build refused by the test hook/g)?.length, 1, r.stderr)
    assert.equal(r.stderr.match(/pre-receive hook declined/g)?.length, 1, r.stderr)
    assert.ok(r.stderr.indexOf('pre-receive hook declined') < r.stderr.indexOf('✘'))
  })

  test('a push that never reached Scalingo says why (DNS, SSH key), not "rejected"', async () => {
    const {root, app} = await committedApp()
    // ssh stands in: what OpenSSH prints when the name does not resolve, or the key is refused.
    const ssh = path.join(root, 'fake-ssh')
    for (const [message, expected] of [
      [
        'ssh: Could not resolve hostname ssh.osc-fr1.scalingo.com: Name or service not known',
        /failed: cannot resolve ssh\.osc-fr1\.scalingo\.com \(DNS\)/,
      ],
      [
        'git@ssh.osc-fr1.scalingo.com: Permission denied (publickey).',
        /failed: the SSH key was refused: add your public key .*scalingo keys-add/,
      ],
    ] as const) {
      await writeFile(ssh, `#!/bin/sh\necho '${message}' >&2\nexit 255\n`, {mode: 0o755})
      const r = await runCli(['deploy'], {cwd: app, env: {GIT_SSH_COMMAND: ssh}})
      assert.equal(r.code, 1)
      assert.match(r.stderr, expected)
      assert.doesNotMatch(r.stderr, /rejected/)
    }
  })

  test('no repository, or no commit: exit 2 with what to do', async () => {
    const root = await tempDir()
    const app = path.join(root, 'my-tempo')
    await makeApp(app)
    const noRepo = await runCli(['deploy', '--remote-url', root], {cwd: app})
    assert.equal(noRepo.code, 2)
    assert.match(noRepo.stderr, /not a git repository/)
    git(app, 'init', '--quiet')
    const noCommit = await runCli(['deploy', '--remote-url', root], {cwd: app})
    assert.equal(noCommit.code, 2)
    assert.match(noCommit.stderr, /no commit yet/)
  })

  test('--app works outside a generated app', async () => {
    const root = await tempDir()
    const app = path.join(root, 'plain')
    await makeApp(app)
    await rm(path.join(app, '.tempo-scalingo.json'))
    await initAndCommit(app, 'plain')
    const remote = await bareRepo(path.join(root, 'remote.git'))
    git(app, 'config', `url.${remote}.insteadOf`, 'git@ssh.osc-secnum-fr1.scalingo.com:other-app.git')
    const r = await runCli(['deploy', '--app', 'other-app', '--region', 'osc-secnum-fr1'], {cwd: app})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(git(remote, 'rev-parse', 'refs/heads/master'), git(app, 'rev-parse', 'HEAD'))
  })
})
