import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeAddress, hideUrlPasswords, parseQueueUrl, redact } from '../../../src/queue/address.js';

describe('queue addresses', () => {
  it('hides the whole user-info of a URL, a password with an unencoded @ included', () => {
    const url = 'redis://:pa@ssXYZ123word@127.0.0.1:6379/0';
    assert.equal(parseQueueUrl(url).password, 'pa@ssXYZ123word', 'the URL parser reads up to the last @');
    const shown = hideUrlPasswords(`autoflood tune --queue ${url} --out x`);
    assert.equal(shown, 'autoflood tune --queue redis://***@127.0.0.1:6379/0 --out x');
    assert.ok(!shown.includes('ss'), 'no part of the password shows');
    assert.equal(hideUrlPasswords('rediss://user:s3cret@h.example:6380'), 'rediss://***@h.example:6380');
    assert.equal(hideUrlPasswords('redis://10.0.0.5:6379'), 'redis://10.0.0.5:6379', 'no user-info, nothing hidden');
    assert.equal(hideUrlPasswords('--out runs/a@b'), '--out runs/a@b', 'only URLs');
  });

  it('names an address without its credentials, and redacts the password from any text', () => {
    const address = parseQueueUrl('redis://:p%40ss@h.example:6380/3');
    assert.equal(describeAddress(address), 'redis://h.example:6380/3');
    assert.equal(redact('AUTH p@ss failed (p%40ss)', address), 'AUTH *** failed (***)');
  });
});
