// Unit tests of ambiorix.js's own logic, run by `node --test` from the Maven build.
// The browser's WebSocket, timers and window events are replaced by stand-ins the test
// drives; like a browser's, the stand-in socket reports a close later than close()
// returns. The real browser is exercised by sample-chat's end-to-end tests.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const { createAmbiorix, install, parseCookie, backoff } = require(path.join(__dirname, '../../main/resources/META-INF/ambiorix/ambiorix.js'));

function environment(overrides = {}) {
  const sockets = [];
  const timers = [];
  const tasks = [];
  const reported = [];
  const warnings = [];
  const windowListeners = {};
  const documentListeners = {};
  let now = 0;
  // Browsers report open, messages and closes from their event loop, never during the call.
  const later = (fn) => tasks.push(fn);
  class FakeSocket {
    constructor(url, protocols) {
      this.url = url;
      this.protocols = protocols;
      this.readyState = 0;
      this.sent = [];
      // The recovery's first frame of each connection, kept apart from what the page sent.
      this.hellos = [];
      this.discarded = [];
      this.closedWith = null;
      this.listeners = {};
      sockets.push(this);
    }
    addEventListener(type, fn) {
      (this.listeners[type] = this.listeners[type] || []).push(fn);
    }
    dispatch(type, event) {
      (this.listeners[type] || []).forEach((fn) => fn(event));
      if (typeof this['on' + type] === 'function') this['on' + type](event);
    }
    send(text) {
      if (this.readyState === 0) throw new Error('InvalidStateError: still in CONNECTING state');
      const frame = JSON.parse(text);
      if (this.readyState !== 1) this.discarded.push(frame);
      else if (frame.name === 'ambiorix:hello') this.hellos.push(frame);
      else this.sent.push(frame);
    }
    // The page closes it: CLOSING now, the events later.
    close(code = 1000, reason = '') {
      if (this.readyState >= 2) return;
      const wasConnecting = this.readyState === 0;
      this.readyState = 2;
      this.closedWith = code;
      later(() => {
        this.readyState = 3;
        if (wasConnecting) {
          this.dispatch('error', { type: 'error' });
          this.dispatch('close', { code: 1006, reason: '', wasClean: false });
        } else {
          this.dispatch('close', { code, reason, wasClean: true });
        }
      });
    }
    // What the server or the network does; callers run clock.tick() to let it happen.
    open() {
      later(() => {
        this.readyState = 1;
        this.dispatch('open', { type: 'open' });
      });
    }
    deliver(data) {
      later(() => this.dispatch('message', { data }));
    }
    serverClose(code, reason = '') {
      this.readyState = 2;
      later(() => {
        this.readyState = 3;
        this.dispatch('close', { code, reason, wasClean: true });
      });
    }
    drop() {
      later(() => {
        this.readyState = 3;
        this.dispatch('error', { type: 'error' });
        this.dispatch('close', { code: 1006, reason: '', wasClean: false });
      });
    }
  }
  const document = {
    visibilityState: 'visible',
    addEventListener: (type, fn) => (documentListeners[type] = documentListeners[type] || []).push(fn)
  };
  const env = {
    WebSocket: FakeSocket,
    location: { protocol: 'http:', host: 'example.test:8080' },
    document,
    setTimeout(fn, ms) {
      const timer = { at: now + ms, fn, cancelled: false };
      timers.push(timer);
      return timer;
    },
    clearTimeout(timer) {
      if (timer) timer.cancelled = true;
    },
    now: () => now,
    random: () => 1,
    reportError: (e) => reported.push(e),
    console: { warn: (text) => warnings.push(text) },
    addEventListener: (type, fn) => (windowListeners[type] = windowListeners[type] || []).push(fn),
    ...overrides
  };
  const clock = {
    tick() {
      while (tasks.length > 0) tasks.shift()();
    },
    advance(ms) {
      clock.tick();
      const until = now + ms;
      let due;
      while ((due = timers.filter((t) => !t.cancelled && t.at <= until).sort((a, b) => a.at - b.at)[0])) {
        now = due.at;
        due.cancelled = true;
        due.fn();
        clock.tick();
      }
      now = until;
    },
    delays: () => timers.filter((t) => !t.cancelled).map((t) => t.at - now)
  };
  const page = {
    fire: (type) => (windowListeners[type] || []).forEach((fn) => fn({ type })),
    show(state) {
      document.visibilityState = state;
      (documentListeners.visibilitychange || []).forEach((fn) => fn({ type: 'visibilitychange' }));
    }
  };
  const Ambiorix = overrides.manual ? createAmbiorix(env, overrides.settings) : install(env, overrides.script);
  return { Ambiorix, sockets, clock, reported, warnings, env, page };
}

// A connected page: the socket opened and the open hooks ran.
function connected(overrides) {
  const context = environment(overrides);
  context.sockets[0].open();
  context.clock.tick();
  return context;
}

function envelope(name, message, extra = {}) {
  return JSON.stringify({ name, message, isAmbiorix: true, ...extra });
}

// Drop-in: the globals and the synchronous open of Ambiorix's own client.

test('the script defines Ambiorix, ambiorixSocket and parseCookie and opens the socket before it returns', () => {
  const { env, sockets } = environment();
  assert.equal(sockets.length, 1);
  assert.equal(sockets[0].url, 'ws://example.test:8080/');
  assert.equal(env.ambiorixSocket, sockets[0]);
  assert.equal(typeof env.Ambiorix, 'function');
  assert.equal(typeof env.Ambiorix.send, 'function');
  assert.equal(env.parseCookie, parseCookie);
});

test('parseCookie gives what Ambiorix\'s does for a document.cookie string', () => {
  assert.deepEqual(parseCookie(''), {});
  assert.deepEqual(parseCookie('user=ann; theme=dark'), { user: 'ann', theme: 'dark' });
  assert.deepEqual(parseCookie('na%20me=J%C3%BCrg%20en'), { 'na me': 'Jürg en' });
});

test('parseCookie keeps an = inside a value and skips what Ambiorix\'s would throw on', () => {
  assert.deepEqual(parseCookie('token=YWJj=='), { token: 'YWJj==' });
  assert.deepEqual(parseCookie('flag; a=1; bad=%E0%A4%A'), { a: '1', bad: '%E0%A4%A' });
});

test('ambiorixSocket names the current socket after a reconnect, and handlers the page set on it follow', () => {
  const { env, sockets, clock } = connected();
  const got = [];
  env.ambiorixSocket.onmessage = (event) => got.push(event.data);
  sockets[0].drop();
  clock.advance(500);
  assert.equal(env.ambiorixSocket, sockets[1]);
  sockets[1].open();
  sockets[1].deliver('raw');
  clock.tick();
  assert.deepEqual(got, ['raw']);
});

test('the script tag configures it: path, reconnect and heartbeat attributes', () => {
  const { env, sockets, clock } = environment({
    script: { dataset: { path: '/chat/ws', reconnect: 'false', heartbeat: 'false' } }
  });
  assert.equal(sockets[0].url, 'ws://example.test:8080/chat/ws');
  sockets[0].open();
  clock.advance(60000);
  assert.equal(sockets[0].sent.length, 0, 'no heartbeat probe');
  sockets[0].drop();
  clock.advance(60000);
  assert.equal(sockets.length, 1);
  assert.equal(env.Ambiorix.state(), 'closed');
});

test('uses wss under https and a full data-url as given', () => {
  const secure = environment({ location: { protocol: 'https:', host: 'chat.test' } });
  assert.equal(secure.sockets[0].url, 'wss://chat.test/');
  const full = environment({ script: { dataset: { url: 'wss://elsewhere.test/ws' } } });
  assert.equal(full.sockets[0].url, 'wss://elsewhere.test/ws');
});

test('with data-connect="manual" nothing connects until configure and connect', () => {
  const { env, sockets } = environment({ script: { dataset: { connect: 'manual' } } });
  assert.equal(sockets.length, 0);
  assert.equal(env.ambiorixSocket, null);
  assert.equal(env.Ambiorix.state(), 'idle');
  env.Ambiorix.configure({ path: '/ws' }).connect();
  assert.equal(sockets[0].url, 'ws://example.test:8080/ws');
});

test('ambiorixManualConnect set before the script also waits for connect or first use', () => {
  const { env, sockets } = environment({ ambiorixManualConnect: true });
  assert.equal(sockets.length, 0);
  env.Ambiorix.send('hello', 1);
  assert.equal(sockets.length, 1);
  assert.equal(env.Ambiorix.queued(), 1);
});

test('the script included twice keeps one socket and one Ambiorix', () => {
  const { env, sockets, warnings } = environment();
  const first = env.Ambiorix;
  install(env, null);
  assert.equal(env.Ambiorix, first);
  assert.equal(sockets.length, 1);
  assert.match(warnings[0], /included twice/);
});

// Reconnect.

test('backoff doubles from 500 ms up to 30 s, randomised to 50-100%', () => {
  const settings = { initialDelay: 500, maxDelay: 30000, factor: 2 };
  const highest = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoff(n, settings, () => 1));
  assert.deepEqual(highest, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  const lowest = [0, 1, 6].map((n) => backoff(n, settings, () => 0));
  assert.deepEqual(lowest, [250, 500, 15000]);
});

test('initialDelay 0 means reconnecting at once, not 500 ms', () => {
  assert.equal(backoff(0, { initialDelay: 0, maxDelay: 30000, factor: 2 }, () => 1), 0);
  assert.equal(backoff(3, { initialDelay: 0, maxDelay: 30000, factor: 2 }, () => 1), 0);
});

test('a server that accepts and closes at once gets growing delays: the backoff resets only after minUptime', () => {
  const { Ambiorix, sockets, clock } = environment();
  const delays = [];
  new Ambiorix().on('reconnect', (info) => delays.push(info.delay)).start();
  for (let i = 0; i < 4; i++) {
    sockets[i].open();
    clock.advance(100);
    sockets[i].serverClose(1011);
    clock.tick();
    clock.advance(delays[i]);
  }
  assert.deepEqual(delays, [500, 1000, 2000, 4000]);
  sockets[4].open();
  clock.advance(5000);
  sockets[4].serverClose(1011);
  clock.tick();
  assert.deepEqual(delays, [500, 1000, 2000, 4000, 500]);
});

test('a close with 1000 from the server is final: no reconnect until the page calls connect', () => {
  const { Ambiorix, sockets, clock } = connected();
  const closes = [];
  new Ambiorix().on('close', (info) => closes.push(info)).start();
  sockets[0].serverClose(1000, 'bye');
  clock.advance(60000);
  assert.equal(sockets.length, 1);
  assert.equal(Ambiorix.state(), 'closed');
  assert.deepEqual(closes, [{ code: 1000, reason: 'bye', wasClean: true, reconnect: false }]);
  assert.equal(Ambiorix.send('x', 1), false);
  Ambiorix.connect();
  assert.equal(sockets.length, 2);
});

test('a close with 1008 (policy) reconnects after the longest delay', () => {
  const { Ambiorix, sockets, clock } = connected();
  const delays = [];
  new Ambiorix().on('reconnect', (info) => delays.push(info.delay)).start();
  sockets[0].serverClose(1008, 'rate limit');
  clock.tick();
  assert.deepEqual(delays, [30000]);
  clock.advance(29999);
  assert.equal(sockets.length, 1);
  clock.advance(1);
  assert.equal(sockets.length, 2);
});

test('the close policy is configurable', () => {
  const { Ambiorix, sockets, clock } = connected();
  Ambiorix.configure({ reconnect: { stopCodes: [], slowCodes: [] } });
  sockets[0].serverClose(1000);
  clock.advance(500);
  assert.equal(sockets.length, 2);
});

test('a socket that does not open within connectTimeout is given up, reported and retried', () => {
  const { Ambiorix, sockets, clock } = environment();
  const events = [];
  new Ambiorix()
    .on('error', (e) => events.push('error ' + e.code))
    .on('close', () => events.push('close'))
    .start();
  clock.advance(9999);
  assert.equal(sockets.length, 1);
  clock.advance(1);
  assert.equal(sockets[0].closedWith, 4000);
  assert.deepEqual(events, ['error connect_timeout']);
  assert.equal(Ambiorix.state(), 'reconnecting');
  clock.advance(500);
  assert.equal(sockets.length, 2);
  assert.deepEqual(events, ['error connect_timeout'], 'the abandoned socket\'s late error and close are ignored');
});

test('the browser\'s online event reconnects at once instead of waiting for the timer', () => {
  const { Ambiorix, sockets, clock, page } = connected();
  Ambiorix.configure({ reconnect: { initialDelay: 20000 } });
  sockets[0].drop();
  clock.tick();
  assert.equal(Ambiorix.state(), 'reconnecting');
  page.fire('online');
  assert.equal(sockets.length, 2);
  clock.advance(20000);
  assert.equal(sockets.length, 2, 'the scheduled attempt was replaced, not added');
});

test('a hidden page that becomes visible after its socket died reconnects at once', () => {
  const { sockets, clock, page } = connected();
  page.show('hidden');
  sockets[0].drop();
  clock.tick();
  assert.equal(sockets.length, 1);
  page.show('visible');
  assert.equal(sockets.length, 2);
});

test('the heartbeat probes a quiet connection and keeps it when the server answers', () => {
  const { Ambiorix, sockets, clock } = connected();
  const got = [];
  const errors = [];
  new Ambiorix().receive('ambiorix:error', (m) => got.push(m)).on('error', (e) => errors.push(e)).start();
  clock.advance(24999);
  assert.equal(sockets[0].sent.length, 0);
  clock.advance(1);
  const [probe] = sockets[0].sent;
  assert.equal(probe.name, 'ambiorix:ping');
  assert.equal(typeof probe.id, 'string');
  // Today's server refuses the reserved name, echoing the id: that answer is proof enough.
  sockets[0].deliver(envelope('ambiorix:error', { code: 'invalid_envelope', detail: 'reserved' }, { id: probe.id }));
  clock.advance(10000);
  assert.equal(Ambiorix.state(), 'open');
  assert.deepEqual(got, []);
  assert.deepEqual(errors, []);
});

test('the heartbeat notices a dead connection the browser has not: close, reject pending, reconnect', async () => {
  const { Ambiorix, sockets, clock } = connected();
  const closes = [];
  new Ambiorix().on('close', (info) => closes.push(info.code + ' ' + info.reason)).start();
  const pending = Ambiorix.request('slow', 1, { timeout: 60000 });
  clock.advance(25000);
  clock.advance(10000);
  await assert.rejects(pending, (e) => e.code === 'disconnected');
  assert.deepEqual(closes, ['4000 heartbeat timeout']);
  assert.equal(Ambiorix.state(), 'reconnecting');
  clock.advance(500);
  assert.equal(sockets.length, 2);
});

test('the online event probes an open connection at once', () => {
  const { sockets, clock, page } = connected();
  clock.advance(1000);
  page.fire('online');
  assert.equal(sockets[0].sent[0].name, 'ambiorix:ping');
});

test('turning the heartbeat off during a probe keeps the connection', () => {
  const { Ambiorix, sockets, clock } = connected();
  clock.advance(25000);
  assert.equal(sockets[0].sent[0].name, 'ambiorix:ping');
  Ambiorix.configure({ heartbeat: false });
  clock.advance(60000);
  assert.equal(Ambiorix.state(), 'open');
  assert.equal(sockets[0].sent.length, 1);
});

test('turning reconnect off cancels a reconnect already scheduled', () => {
  const { Ambiorix, sockets, clock } = connected();
  sockets[0].drop();
  clock.tick();
  assert.equal(Ambiorix.state(), 'reconnecting');
  Ambiorix.configure({ reconnect: false });
  clock.advance(60000);
  assert.equal(sockets.length, 1);
  assert.equal(Ambiorix.state(), 'closed');
});

// close() is final at once.

test('close() is final before the browser reports the close: state, send and hooks', () => {
  const { Ambiorix, sockets, clock } = connected();
  const events = [];
  new Ambiorix()
    .on('close', (info) => events.push('close ' + info.code))
    .on('reconnect', () => events.push('reconnect'))
    .on('error', () => events.push('error'))
    .start();
  Ambiorix.close();
  assert.equal(Ambiorix.state(), 'closed');
  assert.equal(sockets[0].readyState, 2, 'the browser has not reported the close yet');
  assert.equal(Ambiorix.send('after', 1), false);
  assert.equal(Ambiorix.queued(), 0);
  clock.advance(60000);
  assert.deepEqual(events, ['close 1000']);
  assert.equal(sockets.length, 1);
  assert.deepEqual(sockets[0].discarded, []);
});

test('close() then connect() gives one new connection and no spurious hooks from the old one', () => {
  const { Ambiorix, sockets, clock } = connected();
  const events = [];
  new Ambiorix().on('open', () => events.push('open')).on('close', () => events.push('close'))
    .on('reconnect', () => events.push('reconnect')).start();
  Ambiorix.close();
  Ambiorix.connect();
  assert.equal(Ambiorix.state(), 'connecting');
  sockets[1].open();
  clock.advance(1000);
  assert.equal(Ambiorix.state(), 'open');
  assert.equal(sockets.length, 2);
  assert.deepEqual(events, ['open', 'close', 'open']);
});

test('close() while connecting fires no error hook', () => {
  const { Ambiorix, clock } = environment();
  const events = [];
  new Ambiorix().on('error', () => events.push('error')).on('close', () => events.push('close')).start();
  Ambiorix.close();
  clock.advance(60000);
  assert.deepEqual(events, []);
});

test('close stops reconnecting and rejects pending requests', async () => {
  const { Ambiorix, sockets, clock } = connected();
  const pending = Ambiorix.request('echo', 1);
  Ambiorix.close();
  await assert.rejects(pending, (e) => e.code === 'closed');
  await assert.rejects(Ambiorix.request('echo', 2), (e) => e.code === 'closed');
  clock.advance(60000);
  assert.equal(sockets.length, 1);
});

// Sends and the queue.

test('sends before the socket opens are queued and flushed in order', () => {
  const { Ambiorix, sockets, clock } = environment();
  Ambiorix.send('a', 1);
  Ambiorix.send('b', 2);
  assert.equal(Ambiorix.queued(), 2);
  sockets[0].open();
  clock.tick();
  assert.deepEqual(sockets[0].sent.map((e) => e.name), ['a', 'b']);
  assert.deepEqual(sockets[0].sent[0], { name: 'a', message: 1, isAmbiorix: true });
  assert.equal(Ambiorix.queued(), 0);
});

test('sends while the server is closing the socket are queued and flushed on the new socket', () => {
  const { Ambiorix, sockets, clock } = connected();
  sockets[0].serverClose(1001);
  Ambiorix.send('typed while closing', 'x');
  clock.advance(500);
  sockets[1].open();
  clock.tick();
  assert.deepEqual(sockets[0].discarded, []);
  assert.deepEqual(sockets[1].sent.map((e) => e.name), ['typed while closing']);
});

test('the queue is bounded: sends past the limit are refused and reported', () => {
  const { Ambiorix } = environment();
  const errors = [];
  new Ambiorix().on('error', (e) => errors.push(e.code)).start();
  Ambiorix.configure({ queueLimit: 3 });
  assert.equal(Ambiorix.send('m', 1), true);
  assert.equal(Ambiorix.send('m', 2), true);
  assert.equal(Ambiorix.send('m', 3), true);
  assert.equal(Ambiorix.send('m', 4), false);
  assert.equal(Ambiorix.queued(), 3);
  assert.deepEqual(errors, ['queue_full']);
});

test('open hooks run before the queue is flushed, so a page can identify itself first', () => {
  const { Ambiorix, sockets, clock } = environment();
  new Ambiorix().on('open', () => Ambiorix.send('join', 'ann')).start();
  Ambiorix.send('chat', 'queued');
  sockets[0].open();
  clock.tick();
  assert.deepEqual(sockets[0].sent.map((e) => e.name), ['join', 'chat']);
});

// Receiving.

test('every started instance receives, and off() stops one handler', () => {
  const { Ambiorix, sockets, clock } = connected();
  const first = [];
  const second = [];
  const a = new Ambiorix().receive('chat', (m) => first.push(m)).start();
  new Ambiorix().receive('chat', (m) => second.push(m)).start();
  new Ambiorix().receive('chat', () => assert.fail('not started'));
  sockets[0].deliver(envelope('chat', 'hi'));
  clock.tick();
  a.off('chat');
  sockets[0].deliver(envelope('chat', 'again'));
  clock.tick();
  assert.deepEqual(first, ['hi']);
  assert.deepEqual(second, ['hi', 'again']);
});

test('messages that arrive before any instance started are kept for the first one', () => {
  const { Ambiorix, sockets, clock } = connected();
  sockets[0].deliver(envelope('chat', 'early 1'));
  sockets[0].deliver(envelope('chat', 'early 2'));
  clock.tick();
  const got = [];
  const chat = new Ambiorix().start();
  chat.receive('chat', (m) => got.push(m));
  sockets[0].deliver(envelope('chat', 'after start'));
  clock.advance(0);
  assert.deepEqual(got, ['early 1', 'early 2', 'after start']);
});

test('non-JSON, binary and foreign frames are ignored', () => {
  const { Ambiorix, sockets, clock, reported } = connected();
  const got = [];
  new Ambiorix().receive('chat', (m) => got.push(m)).start();
  ['not json', new ArrayBuffer(4), JSON.stringify({ name: 'chat', message: 'x' }), 'null', '[1]', envelope('chat', 'ok')]
    .forEach((frame) => sockets[0].deliver(frame));
  clock.tick();
  assert.deepEqual(got, ['ok']);
  assert.deepEqual(reported, []);
});

test('a throwing handler is reported and does not stop the others', () => {
  const { Ambiorix, sockets, clock, reported } = connected();
  const got = [];
  new Ambiorix().receive('chat', () => { throw new Error('boom'); }).start();
  new Ambiorix().receive('chat', (m) => got.push(m)).start();
  sockets[0].deliver(envelope('chat', 'x'));
  clock.tick();
  assert.deepEqual(got, ['x']);
  assert.equal(reported[0].message, 'boom');
});

test('start() twice fires open once, and a late start fires it for that instance only', () => {
  const { Ambiorix } = connected();
  const opens = [];
  const late = new Ambiorix().on('open', () => opens.push('late'));
  late.start();
  late.start();
  assert.deepEqual(opens, ['late']);
});

test('hooks can be removed with off(hook, fn), and onopen/onclose/onerror are Ambiorix\'s names for them', () => {
  const { Ambiorix, sockets, clock } = environment();
  const events = [];
  const onOpen = () => events.push('removed');
  const chat = new Ambiorix().on('open', onOpen);
  chat.onopen(() => events.push('open')).onclose((info) => events.push('close ' + info.code)).start();
  chat.off('open', onOpen);
  sockets[0].open();
  clock.tick();
  sockets[0].serverClose(1001);
  clock.tick();
  assert.deepEqual(events, ['open', 'close 1001']);
  assert.throws(() => new Ambiorix().on('nope', () => {}), /unknown hook/);
});

// Errors.

test('an ambiorix:error without an id reaches the error hook with its code', () => {
  const { Ambiorix, sockets, clock } = connected();
  const errors = [];
  new Ambiorix().on('error', (e) => errors.push(e)).start();
  sockets[0].deliver(envelope('ambiorix:error', { code: 'unknown_name', detail: "no handler for 'chta'", name: 'chta' }));
  clock.tick();
  assert.equal(errors.length, 1);
  assert.equal(errors[0].code, 'unknown_name');
  assert.equal(errors[0].message, "no handler for 'chta'");
  assert.equal(errors[0].envelope.message.name, 'chta');
});

test('an ambiorix:error nobody listens to is a console warning, not silence', () => {
  const { Ambiorix, sockets, clock, warnings } = connected();
  new Ambiorix().start();
  sockets[0].deliver(envelope('ambiorix:error', { code: 'rate_limited', detail: 'too fast' }));
  clock.tick();
  assert.deepEqual(warnings, ['ambiorix: rate_limited: too fast']);
});

test('receive(\'ambiorix:error\') still gets an error without an id', () => {
  const { Ambiorix, sockets, clock, warnings } = connected();
  const got = [];
  new Ambiorix().receive('ambiorix:error', (m) => got.push(m.code)).start();
  sockets[0].deliver(envelope('ambiorix:error', { code: 'invalid_message', detail: 'x' }));
  clock.tick();
  assert.deepEqual(got, ['invalid_message']);
  assert.deepEqual(warnings, []);
});

// Requests.

test('request resolves with the message of the reply that carries its id', async () => {
  const { Ambiorix, sockets, clock } = connected();
  const receivedByHandler = [];
  new Ambiorix().receive('echo', (m) => receivedByHandler.push(m)).start();
  const first = Ambiorix.request('echo', 'a');
  const second = Ambiorix.request('echo', 'b');
  const [one, two] = sockets[0].sent;
  assert.notEqual(one.id, two.id);
  sockets[0].deliver(envelope('echo', 'B', { id: two.id }));
  sockets[0].deliver(envelope('echo', 'A', { id: one.id }));
  clock.tick();
  assert.equal(await first, 'A');
  assert.equal(await second, 'B');
  assert.deepEqual(receivedByHandler, [], 'a reply settles its request instead of being dispatched');
});

test('request rejects on an ambiorix:error with the same id', async () => {
  const { Ambiorix, sockets, clock } = connected();
  const reply = Ambiorix.request('chta', 1);
  const { id } = sockets[0].sent[0];
  sockets[0].deliver(envelope('ambiorix:error', { code: 'unknown_name', detail: "no handler for 'chta'", name: 'chta' }, { id }));
  clock.tick();
  await assert.rejects(reply, (e) => e.code === 'unknown_name' && e.message === "no handler for 'chta'");
});

test('a late reply, or one that matches no request, is not dispatched to receive handlers', async () => {
  const { Ambiorix, sockets, clock, warnings } = connected();
  const got = [];
  const errors = [];
  new Ambiorix().receive('slow', (m) => got.push(m)).on('error', (e) => errors.push(e)).start();
  const reply = Ambiorix.request('slow', null, { timeout: 300 });
  clock.advance(300);
  await assert.rejects(reply, (e) => e.code === 'timeout');
  sockets[0].deliver(envelope('slow', 'late', { id: sockets[0].sent[0].id }));
  sockets[0].deliver(envelope('slow', 'stray', { id: 999 }));
  sockets[0].deliver(envelope('ambiorix:error', { code: 'handler_error', detail: 'x' }, { id: 998 }));
  clock.tick();
  assert.deepEqual(got, []);
  assert.deepEqual(errors, []);
  assert.deepEqual(warnings, []);
});

test('a request that times out while still queued is never sent', async () => {
  const { Ambiorix, sockets, clock } = environment();
  const reply = Ambiorix.request('slow', null, { timeout: 300 });
  assert.equal(Ambiorix.queued(), 1);
  clock.advance(300);
  await assert.rejects(reply, (e) => e.code === 'timeout');
  assert.equal(Ambiorix.queued(), 0);
  sockets[0].open();
  clock.tick();
  assert.deepEqual(sockets[0].sent, []);
});

test('a request timeout of 0 means the default, and a huge one does not fire at once', async () => {
  const { Ambiorix, clock } = connected();
  let zeroSettled = false;
  let hugeSettled = false;
  Ambiorix.request('a', 1, { timeout: 0 }).catch(() => { zeroSettled = true; });
  Ambiorix.request('b', 1, { timeout: 1e12 }).catch(() => { hugeSettled = true; });
  clock.advance(9999);
  await Promise.resolve();
  assert.equal(zeroSettled, false);
  clock.advance(1);
  await Promise.resolve();
  assert.equal(zeroSettled, true);
  assert.equal(hugeSettled, false);
});

test('request rejects when the socket it went out on closes, but a queued one waits', async () => {
  const { Ambiorix, sockets, clock } = connected();
  Ambiorix.configure({ heartbeat: false });
  const sent = Ambiorix.request('echo', 1);
  sockets[0].drop();
  clock.tick();
  await assert.rejects(sent, (e) => e.code === 'disconnected');
  const queued = Ambiorix.request('echo', 2);
  clock.advance(500);
  sockets[1].drop();
  clock.advance(1000);
  sockets[2].open();
  clock.tick();
  const { id } = sockets[2].sent[0];
  sockets[2].deliver(envelope('echo', 2, { id }));
  clock.tick();
  assert.equal(await queued, 2);
});

// Recovery: the hello exchange, offsets, and requests across a reconnect.

function welcomed(overrides) {
  const context = connected(overrides);
  context.Ambiorix.configure({ heartbeat: false });
  context.sockets[0].deliver(envelope('ambiorix:welcome', { id: 'c1', session: 's1', window: 120000 }));
  context.clock.tick();
  return context;
}

// The connection drops and the next one opens.
function reconnected({ sockets, clock }) {
  const before = sockets.length;
  sockets[before - 1].drop();
  for (let waited = 0; sockets.length === before && waited < 5000; waited += 100) clock.advance(100);
  assert.equal(sockets.length, before + 1);
  sockets[before].open();
  clock.tick();
  return sockets[before];
}

test('with recovery on, each connection begins with a hello, which the page does not see as its own frame', () => {
  const { Ambiorix, sockets } = welcomed();
  assert.deepEqual(sockets[0].hellos, [{ name: 'ambiorix:hello', message: { recovery: true, session: null, offset: null }, isAmbiorix: true }]);
  assert.deepEqual(sockets[0].sent, []);
  assert.equal(Ambiorix.id(), 'c1');
});

test('the hello after a reconnect presents the session and the last offset of each node', () => {
  const context = welcomed();
  const { sockets, clock } = context;
  sockets[0].deliver(envelope('news', 1, { offset: 'n1:5' }));
  sockets[0].deliver(envelope('news', 2, { offset: 'n2:9' }));
  sockets[0].deliver(envelope('news', 3, { offset: 'n1:6' }));
  clock.tick();
  const next = reconnected(context);
  assert.deepEqual(next.hellos[0].message, { recovery: true, session: 's1', offset: 'n1:6 n2:9' });
});

test('a frame whose offset was already received from that node is skipped', () => {
  const { Ambiorix, sockets, clock } = welcomed();
  const got = [];
  new Ambiorix().receive('news', (m) => got.push(m)).start();
  clock.advance(0);
  sockets[0].deliver(envelope('news', 'a', { offset: 'n1:5' }));
  sockets[0].deliver(envelope('news', 'again', { offset: 'n1:5' }));
  sockets[0].deliver(envelope('news', 'older', { offset: 'n1:4' }));
  sockets[0].deliver(envelope('news', 'other node', { offset: 'n2:1' }));
  clock.tick();
  assert.deepEqual(got, ['a', 'other node']);
});

test('the page is told it recovered; frames without an offset before the answer are skipped, replayed ones kept', () => {
  const context = welcomed();
  const { Ambiorix, clock } = context;
  const got = [];
  const recovered = [];
  new Ambiorix().receive('news', (m) => got.push(m)).on('recovered', (r) => recovered.push(r)).start();
  clock.advance(0);
  const next = reconnected(context);
  next.deliver(envelope('news', 'to the provisional connection'));
  next.deliver(envelope('news', 'replayed', { offset: 'n1:1' }));
  next.deliver(envelope('ambiorix:recovered', { recovered: true, id: 'c1' }));
  next.deliver(envelope('news', 'live', { offset: 'n1:2' }));
  clock.tick();
  assert.deepEqual(got, ['replayed', 'live']);
  assert.deepEqual(recovered, [{ recovered: true, reason: null }]);
  assert.equal(Ambiorix.id(), 'c1');
});

test('a refused recovery tells the page why, and the next hello starts from the new session only', () => {
  const context = welcomed();
  const { Ambiorix, clock } = context;
  const recovered = [];
  new Ambiorix().on('recovered', (r) => recovered.push(r)).start();
  context.sockets[0].deliver(envelope('news', 1, { offset: 'old:7' }));
  clock.tick();
  const next = reconnected(context);
  next.deliver(envelope('ambiorix:recovered', { recovered: false, reason: 'expired' }));
  next.deliver(envelope('ambiorix:welcome', { id: 'c2', session: 's2', window: 120000 }));
  next.deliver(envelope('news', 2, { offset: 'new:1' }));
  clock.tick();
  assert.deepEqual(recovered, [{ recovered: false, reason: 'expired' }]);
  assert.equal(Ambiorix.id(), 'c2');
  const third = reconnected(context);
  assert.deepEqual(third.hellos[0].message, { recovery: true, session: 's2', offset: 'new:1' });
});

test('a request pending when the connection dropped gets its reply through recovery, once', async () => {
  const context = welcomed();
  const { Ambiorix, sockets, clock } = context;
  const reply = Ambiorix.request('slow', 1);
  const { id } = sockets[0].sent[0];
  const next = reconnected(context);
  next.deliver(envelope('slow', 'done', { id, offset: 'n1:3' }));
  next.deliver(envelope('ambiorix:recovered', { recovered: true, id: 'c1' }));
  next.deliver(envelope('slow', 'done', { id, offset: 'n1:3' }));
  clock.tick();
  assert.equal(await reply, 'done');
});

test('a request pending when the connection dropped whose reply is not replayed rejects with disconnected, never both', async () => {
  const context = welcomed();
  const { Ambiorix, sockets, clock } = context;
  let outcomes = 0;
  const reply = Ambiorix.request('lost', 1);
  reply.then(() => outcomes++, () => outcomes++);
  const { id } = sockets[0].sent[0];
  const next = reconnected(context);
  await Promise.resolve();
  assert.equal(outcomes, 0, 'still waiting for the answer to the hello');
  next.deliver(envelope('ambiorix:recovered', { recovered: true, id: 'c1' }));
  next.deliver(envelope('lost', 'too late', { id, offset: 'n1:9' }));
  clock.tick();
  await assert.rejects(reply, (e) => e.code === 'disconnected');
  await Promise.resolve();
  assert.equal(outcomes, 1);
});

test('configure({recovery: false}) sends no hello, and neither does data-recovery="false"', () => {
  const manual = environment({ script: { dataset: { connect: 'manual' } } });
  manual.Ambiorix.configure({ recovery: false }).connect();
  manual.sockets[0].open();
  manual.clock.tick();
  assert.deepEqual(manual.sockets[0].hellos, []);
  const tagged = connected({ script: { dataset: { recovery: 'false' } } });
  assert.deepEqual(tagged.sockets[0].hellos, []);
});

test('a server without recovery refuses the hello: no warning, and the client speaks protocol version 1', () => {
  const { Ambiorix, sockets, clock, warnings } = connected();
  const errors = [];
  new Ambiorix().on('error', (e) => errors.push(e)).start();
  sockets[0].deliver(envelope('ambiorix:error', { code: 'invalid_envelope', detail: "names starting with 'ambiorix:' are reserved", name: 'ambiorix:hello' }));
  clock.advance(0);
  assert.deepEqual(errors, []);
  assert.deepEqual(warnings, []);
  assert.equal(Ambiorix.id(), null);
});

// The ES module, generated at build from the same code (target/classes after process-resources).

const moduleFile = path.join(__dirname, '../../../target/classes/META-INF/ambiorix/ambiorix.mjs');

test('the ES module exports Ambiorix and parseCookie, defines no globals and connects on first use', { skip: !fs.existsSync(moduleFile) && 'run mvn process-resources first' }, async () => {
  const opened = [];
  globalThis.WebSocket = class {
    constructor(url) {
      opened.push(url);
      this.readyState = 0;
    }
    addEventListener() {}
  };
  globalThis.location = { protocol: 'http:', host: 'module.test' };
  try {
    const module = await import(pathToFileURL(moduleFile).href);
    assert.equal(typeof module.Ambiorix.send, 'function');
    assert.equal(module.default, module.Ambiorix);
    assert.deepEqual(module.parseCookie('a=1'), { a: '1' });
    assert.equal(globalThis.Ambiorix, undefined);
    assert.equal(globalThis.ambiorixSocket, undefined);
    assert.deepEqual(opened, []);
    module.Ambiorix.configure({ path: '/ws' });
    new module.Ambiorix().start();
    assert.deepEqual(opened, ['ws://module.test/ws']);
    module.Ambiorix.close();
  } finally {
    delete globalThis.WebSocket;
    delete globalThis.location;
  }
});

test('a token function is asked on every connect and its token goes in the subprotocol', () => {
  const { env, sockets, clock } = environment({ script: { dataset: { connect: 'manual' } } });
  const tokens = ['first.jwt.sig', 'second.jwt.sig'];
  env.Ambiorix.configure({ token: () => tokens.shift() }).connect();
  assert.deepEqual(sockets[0].protocols, ['ambiorix', 'ambiorix.bearer.first.jwt.sig']);
  sockets[0].open();
  clock.tick();
  sockets[0].drop(1008);
  clock.advance(60000);
  assert.deepEqual(sockets[1].protocols, ['ambiorix', 'ambiorix.bearer.second.jwt.sig']);
});

test('without a token no subprotocol is offered', () => {
  const { env, sockets } = environment({ script: { dataset: { connect: 'manual' } } });
  env.Ambiorix.configure({ token: () => null }).connect();
  assert.equal(sockets[0].protocols, undefined);
});
