import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { lockRunFolder, LOCK_FILE } from '../../../src/core/lock.js';
import { tmpDir } from '../../helpers.js';

describe('the run folder lock', () => {
  const lockWith = async (content: string, ageMs = 0) => {
    const dir = await tmpDir('lock');
    const file = path.join(dir, LOCK_FILE);
    await writeFile(file, content);
    const then = new Date(Date.now() - ageMs);
    await utimes(file, then, then);
    return dir;
  };
  const holder = (pid: number, host = hostname()) => JSON.stringify({ pid, host, since: 'then' });

  it('refuses a live holder, takes over a gone one, and is held by this process until it exits', async () => {
    const gone = spawn('true');
    await new Promise((r) => gone.once('exit', r));
    await assert.rejects(lockRunFolder(await lockWith(holder(process.ppid))), new RegExp(`in use by pid ${process.ppid} on this host since then`));
    await assert.rejects(lockRunFolder(await lockWith(holder(1, 'elsewhere'))), /in use by pid 1 on elsewhere/);
    await assert.rejects(lockRunFolder(await lockWith('{"pi')), /in use by pid \? on an unknown host/);
    for (const dir of [await lockWith(holder(gone.pid as number)), await lockWith(holder(1, 'elsewhere'), 120_000), await lockWith('{"pi', 120_000), await tmpDir('lock')]) {
      const release = await lockRunFolder(dir);
      assert.equal(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8')).pid, process.pid);
      const again = await lockRunFolder(dir); // again, from the same process: already its own
      await again();
      assert.ok(existsSync(path.join(dir, LOCK_FILE)), 'held until the last release');
      await release();
      assert.ok(!existsSync(path.join(dir, LOCK_FILE)), 'released');
    }
  });

  it('a lock naming this pid that this process never took is stale (a restart reused the pid); a release leaves a lock that is no longer ours', async () => {
    const dir = await lockWith(holder(process.pid));
    const release = await lockRunFolder(dir);
    assert.notEqual(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8')).since, 'then', 'taken over');
    // Someone took the folder over meanwhile (our lock judged stale from another host, say).
    await writeFile(path.join(dir, LOCK_FILE), holder(1, 'elsewhere'));
    await release();
    assert.equal(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8')).host, 'elsewhere', 'the other holder\'s lock stays');
  });

  it('of several processes taking over one stale lock at the same moment, exactly one holds the folder', async () => {
    const dir = await lockWith(holder(1, 'elsewhere'), 120_000);
    const lockModule = path.resolve('src/core/lock.ts');
    // Each process loads, says it is ready, and waits; all are let go at once; each holds what it got until told to exit.
    const child = `
      import { createInterface } from 'node:readline';
      const { lockRunFolder } = await import(${JSON.stringify(lockModule)});
      const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
      console.log('ready');
      await lines.next();
      try { await lockRunFolder(${JSON.stringify(dir)}); console.log('took'); }
      catch (err) { console.log(err.name === 'OptionError' ? 'refused' : 'failed: ' + err.message); }
      await lines.next();
      process.exit(0);`;
    const children = Array.from({ length: 6 }, () => {
      const p = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', child], { stdio: ['pipe', 'pipe', 'inherit'] });
      const said: string[] = [];
      const waiters: (() => void)[] = [];
      p.stdout.on('data', (d) => {
        said.push(...String(d).split('\n').filter((l) => l !== ''));
        waiters.splice(0).forEach((w) => w());
      });
      const saying = (n: number) => new Promise<void>((resolve) => {
        const check = () => (said.length >= n ? resolve() : waiters.push(check));
        check();
      });
      return { p, said, saying };
    });
    await Promise.all(children.map((c) => c.saying(1)));
    for (const c of children) c.p.stdin.write('go\n');
    await Promise.all(children.map((c) => c.saying(2)));
    const outcomes = children.map((c) => c.said[1]);
    for (const c of children) c.p.stdin.end('exit\n');
    await Promise.all(children.map((c) => new Promise((r) => (c.p.exitCode === null ? c.p.once('exit', r) : r(null)))));
    assert.equal(outcomes.filter((o) => o === 'took').length, 1, outcomes.join(', '));
    assert.equal(outcomes.filter((o) => o === 'refused').length, 5, outcomes.join(', '));
    assert.ok(!existsSync(path.join(dir, `${LOCK_FILE}.guard`)), 'no guard left');
  });

  it('a guard left by a process that died changing the lock is named, not removed', async () => {
    const dir = await lockWith(holder(1, 'elsewhere'), 120_000);
    await mkdir(path.join(dir, `${LOCK_FILE}.guard`));
    await assert.rejects(lockRunFolder(dir), /its lock .*run\.lock has been changing for 5 s .*a process died while it locked or released it; if no autoflood runs on .*, delete .*run\.lock\.guard/);
    assert.ok(existsSync(path.join(dir, `${LOCK_FILE}.guard`)));
  });
});
