// The counting of rolling-stream-clients.js: node --test sample-app/src/test/js/
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { Record, resolveCrashed } = require('./rolling-stream-clients');

test('a loss between two numbers is announced by a gap of its stream between them', () => {
  const record = new Record('c0');
  record.message('b', 'node-a', 1, 'a', 0);
  record.gap({ kind: 'broadcast', origin: 'a', reason: 'history' });
  record.message('b', 'node-a', 4, 'a', 0);
  record.gap({ kind: 'broadcast', origin: 'b', reason: 'history' });
  record.message('b', 'node-a', 6, 'a', 0);
  record.gap({ kind: 'direct', reason: 'expired' });
  record.message('d', 'node-a', 3, 'a', 0);
  const losses = record.losses([{ sender: 'node-a', broadcast: 7, direct: { c0: 3 } },
    { sender: 'node-b', broadcast: 2, direct: {} }]);
  // b 2, 3, d 1, 2 and node-b's 1, 2 (origin b's gap) announced; b 5 (another origin's gap) and b 7 (tail) not
  assert.deepStrictEqual([losses.lost, losses.announced, losses.silent, losses.silentAtStart], [8, 6, 2, 0]);
  assert.deepStrictEqual(losses.silentLaterExamples, ['c0 b node-a 5', 'c0 b node-a 7']);
});

test('duplicates and numbers below a received one are counted', () => {
  const record = new Record('c0');
  record.message('b', 'node-a', 2, 'a', 0);
  record.message('b', 'node-a', 1, 'a', 0);
  record.message('b', 'node-a', 2, 'a', 0);
  assert.deepStrictEqual([record.duplicated, record.outOfOrder], [1, 1]);
  assert.deepStrictEqual(record.duplicatedExamples, ['c0 b node-a 2']);
});

test('seeded random streams: silent counts exactly the dropped numbers no gap announced', () => {
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let round = 0; round < 200; round++) {
    const record = new Record('c0');
    const owed = 1 + Math.floor(random() * 60);
    let silent = 0;
    let lost = 0;
    let pendingDrop = [];
    let announcePending = false;
    for (let n = 1; n <= owed; n++) {
      if (random() < 0.3) {
        if (pendingDrop.length === 0) {
          announcePending = random() < 0.5;
        }
        pendingDrop.push(n);
        continue;
      }
      if (pendingDrop.length > 0) {
        lost += pendingDrop.length;
        if (announcePending) {
          record.gap({ kind: 'broadcast', origin: 'a', reason: 'history' });
        }
        else {
          silent += pendingDrop.length;
        }
        pendingDrop = [];
      }
      record.message('b', 'node-a', n, 'a', 0);
    }
    lost += pendingDrop.length;
    if (pendingDrop.length > 0) {
      if (announcePending) {
        record.gap({ kind: 'broadcast', origin: 'a', reason: 'history' });
      }
      else {
        silent += pendingDrop.length;
      }
    }
    const losses = record.losses([{ sender: 'node-a', broadcast: owed, direct: {} }]);
    assert.strictEqual(losses.lost, lost, `round ${round}`);
    assert.strictEqual(losses.silent, silent, `round ${round}`);
    assert.strictEqual(losses.announced, lost - silent, `round ${round}`);
  }
});

test('a crashed sender owes what reached the clients that stayed connected', () => {
  const own = new Record('c0');
  const other = new Record('c1');
  own.message('b', 'node-x', 1, 'x', 0);
  own.message('b', 'node-x', 5, 'x', 0);
  other.message('b', 'node-x', 3, 'x', 0);
  other.message('d', 'node-x', 2, null, 0);
  const produced = resolveCrashed([{ sender: 'node-x', crashed: true }, { sender: 'node-y', broadcast: 1 }],
    [own, other], [other]);
  assert.deepStrictEqual(produced, [
    { sender: 'node-x', broadcast: 3, direct: { c0: 0, c1: 2 }, crashed: true, lostInCrash: 2 },
    { sender: 'node-y', broadcast: 1 }]);
  // c0 missed 2 and 3 silently; its 5, which never left the crashed node, is not unexpected
  const losses = own.losses(produced.slice(0, 1));
  assert.deepStrictEqual([losses.silent, losses.unexpected], [2, 0]);
  // c1 missed b 1 and 2 and d 1
  assert.deepStrictEqual(other.losses(produced.slice(0, 1)).silent, 3);
});
