// Unit tests of ambiorix.js's own logic, run by `node --test` from the Maven build.
// The browser's WebSocket and timers are replaced by stand-ins the test drives;
// the real browser is exercised by sample-chat's end-to-end tests.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');

const { createAmbiorix, backoff } = require(path.join(__dirname, '../../main/resources/META-INF/ambiorix/ambiorix.js'));

function environment(overrides = {}) {
  const sockets = [];
  const timers = [];
  const reported = [];
  let now = 0;
  class FakeSocket {
    constructor(url, protocols) {
      this.url = url;
      this.protocols = protocols;
      this.readyState = 0;
      this.sent = [];
      sockets.push(this);
    }
    send(text) {
      assert.equal(this.readyState, 1, 'send only on an open socket');
      this.sent.push(JSON.parse(text));
    }
    close(code) {
      this.drop(code);
    }
    open() {
      this.readyState = 1;
      this.onopen({});
    }
    deliver(data) {
      this.onmessage({ data: typeof data === 'string' ? data : data });
    }
    drop(code = 1006) {
      this.readyState = 3;
      this.onclose({ code });
    }
  }
  const env = {
    WebSocket: FakeSocket,
    location: { protocol: 'http:', host: 'example.test:8080' },
    setTimeout(fn, ms) {
      const timer = { at: now + ms, fn, cancelled: false };
      timers.push(timer);
      return timer;
    },
    clearTimeout(timer) {
      if (timer) timer.cancelled = true;
    },
    random: () => 1,
    reportError: (e) => reported.push(e),
    ...overrides
  };
  const clock = {
    advance(ms) {
      now += ms;
      let due;
      while ((due = timers.filter((t) => !t.cancelled && t.at <= now).sort((a, b) => a.at - b.at)[0])) {
        due.cancelled = true;
        due.fn();
      }
    },
    delays: () => timers.filter((t) => !t.cancelled).map((t) => t.at - now)
  };
  const Ambiorix = createAmbiorix(env, overrides.script);
  return { Ambiorix, sockets, clock, reported, env };
}

function envelope(name, message, extra = {}) {
  return JSON.stringify({ name, message, isAmbiorix: true, ...extra });
}

test('backoff doubles from 500 ms up to 30 s, randomised to 50-100%', () => {
  const settings = { initialDelay: 500, maxDelay: 30000, factor: 2 };
  const highest = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoff(n, settings, () => 1));
  assert.deepEqual(highest, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  const lowest = [0, 1, 6].map((n) => backoff(n, settings, () => 0));
  assert.deepEqual(lowest, [250, 500, 15000]);
});

test('connects on load to the page host at /', () => {
  const { sockets, clock } = environment();
  assert.equal(sockets.length, 0);
  clock.advance(0);
  assert.equal(sockets.length, 1);
  assert.equal(sockets[0].url, 'ws://example.test:8080/');
});

test('uses wss under https and the configured or script path', () => {
  const secure = environment({ location: { protocol: 'https:', host: 'chat.test' } });
  secure.Ambiorix.configure({ path: '/ws' });
  secure.clock.advance(0);
  assert.equal(secure.sockets[0].url, 'wss://chat.test/ws');
  const tagged = environment({ script: { dataset: { path: '/chat/ws' } } });
  tagged.clock.advance(0);
  assert.equal(tagged.sockets[0].url, 'ws://example.test:8080/chat/ws');
});

test('reconnects with growing delays and starts over after a successful open', () => {
  const { Ambiorix, sockets, clock } = environment();
  const hooks = [];
  new Ambiorix().on('reconnect', (info) => hooks.push(info.delay)).start();
  clock.advance(0);
  sockets[0].drop();
  assert.deepEqual(clock.delays(), [500]);
  clock.advance(500);
  sockets[1].drop();
  assert.deepEqual(clock.delays(), [1000]);
  clock.advance(1000);
  sockets[2].open();
  sockets[2].drop();
  assert.deepEqual(clock.delays(), [500]);
  assert.deepEqual(hooks, [500, 1000, 500]);
  assert.equal(Ambiorix.state(), 'reconnecting');
});

test('reconnect can be turned off', () => {
  const { Ambiorix, sockets, clock } = environment();
  Ambiorix.configure({ reconnect: false });
  clock.advance(0);
  sockets[0].open();
  sockets[0].drop();
  clock.advance(60000);
  assert.equal(sockets.length, 1);
  assert.equal(Ambiorix.state(), 'closed');
});

test('sends before the socket opens are queued and flushed in order', () => {
  const { Ambiorix, sockets, clock } = environment();
  Ambiorix.send('a', 1);
  Ambiorix.send('b', 2);
  clock.advance(0);
  assert.equal(Ambiorix.queued(), 2);
  sockets[0].open();
  assert.deepEqual(sockets[0].sent.map((e) => e.name), ['a', 'b']);
  assert.deepEqual(sockets[0].sent[0], { name: 'a', message: 1, isAmbiorix: true });
  assert.equal(Ambiorix.queued(), 0);
});

test('sends while reconnecting are queued and flushed on the new socket', () => {
  const { Ambiorix, sockets, clock } = environment();
  clock.advance(0);
  sockets[0].open();
  sockets[0].drop();
  Ambiorix.send('typed while down', 'x');
  clock.advance(500);
  sockets[1].open();
  assert.deepEqual(sockets[1].sent.map((e) => e.name), ['typed while down']);
});

test('the queue is bounded: sends past the limit are refused and reported', () => {
  const { Ambiorix, clock } = environment();
  const errors = [];
  new Ambiorix().on('error', (e) => errors.push(e.message)).start();
  Ambiorix.configure({ queueLimit: 3 });
  assert.equal(Ambiorix.send('m', 1), true);
  assert.equal(Ambiorix.send('m', 2), true);
  assert.equal(Ambiorix.send('m', 3), true);
  assert.equal(Ambiorix.send('m', 4), false);
  assert.equal(Ambiorix.queued(), 3);
  assert.match(errors[0], /queue full/);
  clock.advance(0);
});

test('open hooks run before the queue is flushed, so a page can identify itself first', () => {
  const { Ambiorix, sockets, clock } = environment();
  new Ambiorix().on('open', () => Ambiorix.send('join', 'ann')).start();
  Ambiorix.send('chat', 'queued');
  clock.advance(0);
  sockets[0].open();
  assert.deepEqual(sockets[0].sent.map((e) => e.name), ['join', 'chat']);
});

test('every started instance receives, and off() stops one handler', () => {
  const { Ambiorix, sockets, clock } = environment();
  const first = [];
  const second = [];
  const a = new Ambiorix().receive('chat', (m) => first.push(m)).start();
  new Ambiorix().receive('chat', (m) => second.push(m)).start();
  new Ambiorix().receive('chat', () => assert.fail('not started'));
  clock.advance(0);
  sockets[0].open();
  sockets[0].deliver(envelope('chat', 'hi'));
  a.off('chat');
  sockets[0].deliver(envelope('chat', 'again'));
  assert.deepEqual(first, ['hi']);
  assert.deepEqual(second, ['hi', 'again']);
});

test('non-JSON, binary and foreign frames are ignored', () => {
  const { Ambiorix, sockets, clock, reported } = environment();
  const got = [];
  new Ambiorix().receive('chat', (m) => got.push(m)).start();
  clock.advance(0);
  sockets[0].open();
  sockets[0].deliver('not json');
  sockets[0].deliver(new ArrayBuffer(4));
  sockets[0].deliver(JSON.stringify({ name: 'chat', message: 'x' }));
  sockets[0].deliver('null');
  sockets[0].deliver('[1]');
  sockets[0].deliver(envelope('chat', 'ok'));
  assert.deepEqual(got, ['ok']);
  assert.deepEqual(reported, []);
});

test('a throwing handler is reported and does not stop the others', () => {
  const { Ambiorix, sockets, clock, reported } = environment();
  const got = [];
  new Ambiorix().receive('chat', () => { throw new Error('boom'); }).start();
  new Ambiorix().receive('chat', (m) => got.push(m)).start();
  clock.advance(0);
  sockets[0].open();
  sockets[0].deliver(envelope('chat', 'x'));
  assert.deepEqual(got, ['x']);
  assert.equal(reported[0].message, 'boom');
});

test('request resolves with the message of the reply that carries its id', async () => {
  const { Ambiorix, sockets, clock } = environment();
  const receivedByHandler = [];
  new Ambiorix().receive('echo', (m) => receivedByHandler.push(m)).start();
  clock.advance(0);
  sockets[0].open();
  const first = Ambiorix.request('echo', 'a');
  const second = Ambiorix.request('echo', 'b');
  const [one, two] = sockets[0].sent;
  assert.notEqual(one.id, two.id);
  sockets[0].deliver(envelope('echo', 'B', { id: two.id }));
  sockets[0].deliver(envelope('echo', 'A', { id: one.id }));
  assert.equal(await first, 'A');
  assert.equal(await second, 'B');
  assert.deepEqual(receivedByHandler, [], 'a reply settles its request instead of being dispatched');
});

test('request rejects on an ambiorix:error with the same id', async () => {
  const { Ambiorix, sockets, clock } = environment();
  clock.advance(0);
  sockets[0].open();
  const reply = Ambiorix.request('chta', 1);
  const { id } = sockets[0].sent[0];
  sockets[0].deliver(envelope('ambiorix:error', { code: 'unknown_name', detail: "no handler for 'chta'", name: 'chta' }, { id }));
  await assert.rejects(reply, (e) => e.code === 'unknown_name' && e.message === "no handler for 'chta'");
});

test('request rejects after its timeout', async () => {
  const { Ambiorix, sockets, clock } = environment();
  clock.advance(0);
  sockets[0].open();
  const reply = Ambiorix.request('slow', null, { timeout: 300 });
  clock.advance(299);
  let settled = false;
  reply.then(() => { settled = true; }, () => { settled = true; });
  await Promise.resolve();
  assert.equal(settled, false);
  clock.advance(1);
  await assert.rejects(reply, (e) => e.code === 'timeout');
  // A late reply is then ignored instead of settling anything twice.
  sockets[0].deliver(envelope('slow', 'late', { id: sockets[0].sent[0].id }));
});

test('request rejects when the socket it went out on closes, but a queued one waits', async () => {
  const { Ambiorix, sockets, clock } = environment();
  clock.advance(0);
  sockets[0].open();
  const sent = Ambiorix.request('echo', 1);
  sockets[0].drop();
  await assert.rejects(sent, (e) => e.code === 'disconnected');
  const queued = Ambiorix.request('echo', 2);
  clock.advance(500);
  sockets[1].drop();
  clock.advance(1000);
  sockets[2].open();
  const { id } = sockets[2].sent[0];
  sockets[2].deliver(envelope('echo', 2, { id }));
  assert.equal(await queued, 2);
});

test('close stops reconnecting and rejects pending requests', async () => {
  const { Ambiorix, sockets, clock } = environment();
  clock.advance(0);
  sockets[0].open();
  const pending = Ambiorix.request('echo', 1);
  Ambiorix.close();
  await assert.rejects(pending, (e) => e.code === 'closed');
  clock.advance(60000);
  assert.equal(sockets.length, 1);
  assert.equal(Ambiorix.state(), 'closed');
});

test('hooks fire for open and close of a connection that was open', () => {
  const { Ambiorix, sockets, clock } = environment();
  const events = [];
  new Ambiorix().on('open', () => events.push('open')).on('close', (e) => events.push('close ' + e.code)).start();
  clock.advance(0);
  sockets[0].drop();
  clock.advance(500);
  sockets[1].open();
  sockets[1].drop(1001);
  assert.deepEqual(events, ['open', 'close 1001']);
  assert.throws(() => new Ambiorix().on('nope', () => {}), /unknown hook/);
});

test('a token function is asked on every connect and its token goes in the subprotocol', () => {
  const { Ambiorix, sockets, clock } = environment();
  const tokens = ['first.jwt.sig', 'second.jwt.sig'];
  Ambiorix.configure({ token: () => tokens.shift() });
  new Ambiorix().start();
  assert.deepEqual(sockets[0].protocols, ['ambiorix', 'ambiorix.bearer.first.jwt.sig']);
  sockets[0].open();
  sockets[0].drop(1008);
  clock.advance(500);
  assert.deepEqual(sockets[1].protocols, ['ambiorix', 'ambiorix.bearer.second.jwt.sig']);
});

test('without a token no subprotocol is offered', () => {
  const { Ambiorix, sockets } = environment();
  Ambiorix.configure({ token: () => null });
  new Ambiorix().start();
  assert.equal(sockets[0].protocols, undefined);
});
