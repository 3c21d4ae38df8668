// What one client of the rolling-restart benchmark received, and what it missed.
//
// A message is (kind, sender, n): kind 'b' for a broadcast, 'd' for a message to this
// client alone; n numbers the messages of one sender and kind, 1, 2, 3, ... Per client:
// - duplicated: every copy of a (kind, sender, n) after the first;
// - out of order: a message, not a duplicate, that arrives after a higher number of the
//   same sender and kind;
// - lost: a message the senders produced for this client that never arrived (every
//   broadcast; the direct messages to this client's name);
// - unexpected: a message above what its sender says it produced (should be none);
// - longest gap: the longest time, within the measured window, between two deliveries
//   of anything (the window's start and end count as deliveries).
'use strict';

class Tally {

  constructor(name) {
    this.name = name;
    this.streams = new Map();
    this.received = 0;
    this.duplicated = 0;
    this.outOfOrder = 0;
    this.windowStart = null;
    this.windowEnd = null;
    this.lastArrival = null;
    this.longestGap = 0;
  }

  /** Start measuring gaps at `at` (milliseconds). */
  startWindow(at) {
    this.windowStart = at;
    this.lastArrival = at;
    this.longestGap = 0;
  }

  /** Stop measuring gaps at `at`: the time since the last delivery counts as a gap. */
  endWindow(at) {
    if (this.windowStart === null || this.windowEnd !== null) {
      return;
    }
    this.windowEnd = at;
    this.longestGap = Math.max(this.longestGap, at - this.lastArrival);
  }

  record(kind, sender, n, at) {
    this.received++;
    const key = `${kind} ${sender}`;
    let stream = this.streams.get(key);
    if (!stream) {
      stream = { max: 0, seen: new Set() };
      this.streams.set(key, stream);
    }
    if (stream.seen.has(n)) {
      this.duplicated++;
    }
    else {
      stream.seen.add(n);
      if (n < stream.max) {
        this.outOfOrder++;
      }
      stream.max = Math.max(stream.max, n);
    }
    if (this.windowStart !== null && this.windowEnd === null && at >= this.windowStart) {
      this.longestGap = Math.max(this.longestGap, at - this.lastArrival);
      this.lastArrival = at;
    }
  }

  /**
   * Count what the senders produced for this client and it did not receive.
   * `produced` maps each sender to {broadcast: last n, direct: {name: last n}}.
   */
  losses(produced) {
    let lost = 0;
    let expected = 0;
    let unexpected = 0;
    const count = (kind, sender, last) => {
      const stream = this.streams.get(`${kind} ${sender}`);
      expected += last;
      let got = 0;
      if (stream) {
        for (const n of stream.seen) {
          if (n >= 1 && n <= last) {
            got++;
          }
          else {
            unexpected++;
          }
        }
      }
      lost += last - got;
    };
    const senders = new Set(Object.keys(produced));
    for (const sender of senders) {
      const of = produced[sender];
      count('b', sender, of.broadcast || 0);
      count('d', sender, (of.direct && of.direct[this.name]) || 0);
    }
    for (const [key, stream] of this.streams) {
      if (!senders.has(key.slice(2))) {
        unexpected += stream.seen.size;
      }
    }
    return { expected, lost, unexpected };
  }

  /** The numbers lost per stream ("b node-1.1": [4, 5]), for a closer look. */
  missing(produced) {
    const missing = {};
    for (const sender of Object.keys(produced)) {
      const of = produced[sender];
      const lasts = { b: of.broadcast || 0, d: (of.direct && of.direct[this.name]) || 0 };
      for (const kind of ['b', 'd']) {
        const stream = this.streams.get(`${kind} ${sender}`);
        for (let n = 1; n <= lasts[kind]; n++) {
          if (!stream || !stream.seen.has(n)) {
            (missing[`${kind} ${sender}`] = missing[`${kind} ${sender}`] || []).push(n);
          }
        }
      }
    }
    return missing;
  }

}

module.exports = { Tally };
