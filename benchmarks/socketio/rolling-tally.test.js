// node --test benchmarks/socketio/ (or npm test in benchmarks/socketio)
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { Tally } = require('./rolling-tally');

test('a stream received once, in order, loses nothing', () => {
  const tally = new Tally('c0');
  tally.startWindow(0);
  for (let n = 1; n <= 5; n++) {
    tally.record('b', 'node-1.1', n, n * 10);
    tally.record('d', 'node-2.1', n, n * 10 + 1);
  }
  tally.endWindow(100);
  assert.deepStrictEqual(tally.losses({
    'node-1.1': { broadcast: 5, direct: { c0: 0 } },
    'node-2.1': { broadcast: 0, direct: { c0: 5, c1: 7 } },
  }), { expected: 10, lost: 0, unexpected: 0 });
  assert.strictEqual(tally.duplicated, 0);
  assert.strictEqual(tally.outOfOrder, 0);
  // 51 to 100: the window's end counts
  assert.strictEqual(tally.longestGap, 49);
});

test('a replay after a reconnect: duplicates, late ones out of order, the rest lost', () => {
  const tally = new Tally('c3');
  tally.startWindow(0);
  [1, 2, 5, 3, 5, 6, 2].forEach((n, i) => tally.record('b', 'node-1.1', n, 100 * i));
  tally.endWindow(1000);
  // 4 never came; 5 and 2 came twice; 3 came after 5
  assert.deepStrictEqual(tally.losses({ 'node-1.1': { broadcast: 6, direct: {} } }),
    { expected: 6, lost: 1, unexpected: 0 });
  assert.strictEqual(tally.duplicated, 2);
  assert.strictEqual(tally.outOfOrder, 1);
  assert.strictEqual(tally.longestGap, 400);
});

test('a sender that never reached the client loses all it produced for it', () => {
  const tally = new Tally('c1');
  tally.startWindow(0);
  tally.record('b', 'ghost', 1, 1);
  tally.endWindow(10);
  assert.deepStrictEqual(tally.losses({ 'node-3.2': { broadcast: 4, direct: { c1: 2 } } }),
    { expected: 6, lost: 6, unexpected: 1 });
});

test('deliveries outside the window do not count for gaps', () => {
  const tally = new Tally('c0');
  tally.record('b', 's', 1, -500);
  tally.startWindow(0);
  tally.record('b', 's', 2, 30);
  tally.endWindow(40);
  tally.record('b', 's', 3, 5000);
  assert.strictEqual(tally.longestGap, 30);
});

/** mulberry32: a small seeded generator, so that a failing case can be replayed. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('random deliveries: the tally agrees with a direct count (seeded)', () => {
  const seed = Number(process.env.TALLY_SEED || Date.now() % 1000000);
  const next = random(seed);
  const int = (bound) => Math.floor(next() * bound);
  for (let round = 0; round < 300; round++) {
    const name = `c${int(3)}`;
    const produced = {};
    const arrivals = [];
    let lost = 0;
    let expected = 0;
    let unexpected = 0;
    for (let s = 0; s < 1 + int(3); s++) {
      const sender = `node-${s}.${int(3)}`;
      const direct = { c0: int(20), c1: int(20), c2: int(20) };
      produced[sender] = { broadcast: int(40), direct };
      for (const [kind, last] of [['b', produced[sender].broadcast], ['d', direct[name]]]) {
        expected += last;
        const delivered = [];
        for (let n = 1; n <= last; n++) {
          if (next() < 0.2) {
            lost++;
          }
          else {
            delivered.push(n);
          }
        }
        if (next() < 0.1) {
          delivered.push(last + 1 + int(5));
          unexpected++;
        }
        // Replays: copies of earlier deliveries at random later places, and some swaps
        for (let copies = int(4); copies > 0 && delivered.length > 0; copies--) {
          const at = int(delivered.length);
          delivered.splice(at + int(delivered.length - at + 1), 0, delivered[at]);
        }
        for (let swaps = int(3); swaps > 0 && delivered.length > 1; swaps--) {
          const i = int(delivered.length - 1);
          [delivered[i], delivered[i + 1]] = [delivered[i + 1], delivered[i]];
        }
        delivered.forEach((n) => arrivals.push({ kind, sender, n, order: next() }));
      }
    }
    // Interleave the streams, keeping each stream's own order
    const byStream = new Map();
    arrivals.forEach((a) => {
      const key = `${a.kind} ${a.sender}`;
      byStream.set(key, (byStream.get(key) || []).concat([a]));
    });
    const queues = [...byStream.values()];
    const sequence = [];
    while (queues.some((q) => q.length > 0)) {
      const open = queues.filter((q) => q.length > 0);
      sequence.push(open[int(open.length)].shift());
    }
    const tally = new Tally(name);
    let time = 0;
    const windowStart = int(50);
    let windowEnd = null;
    tally.startWindow(windowStart);
    const times = [];
    sequence.forEach((a, i) => {
      time += int(30);
      if (windowEnd === null && i === Math.floor(sequence.length * 0.9)) {
        windowEnd = time;
        tally.endWindow(windowEnd);
      }
      a.at = time;
      times.push(time);
      tally.record(a.kind, a.sender, a.n, time);
    });
    if (windowEnd === null) {
      windowEnd = time + 1;
      tally.endWindow(windowEnd);
    }

    // The direct count, by brute force over the sequence
    let duplicated = 0;
    let outOfOrder = 0;
    sequence.forEach((a, i) => {
      const earlier = sequence.slice(0, i).filter((b) => b.kind === a.kind && b.sender === a.sender);
      if (earlier.some((b) => b.n === a.n)) {
        duplicated++;
      }
      else if (earlier.some((b) => b.n > a.n)) {
        outOfOrder++;
      }
    });
    const inWindow = [windowStart, ...times.filter((t) => t >= windowStart && t < windowEnd), windowEnd];
    let longestGap = 0;
    for (let i = 1; i < inWindow.length; i++) {
      longestGap = Math.max(longestGap, inWindow[i] - inWindow[i - 1]);
    }

    const context = `seed ${seed}, round ${round}`;
    assert.deepStrictEqual(tally.losses(produced), { expected, lost, unexpected }, context);
    assert.strictEqual(tally.duplicated, duplicated, context);
    assert.strictEqual(tally.outOfOrder, outOfOrder, context);
    assert.strictEqual(tally.received, sequence.length, context);
    assert.strictEqual(tally.longestGap, longestGap, context);
  }
});
