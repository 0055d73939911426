/*
 * ambiorix.js: the browser client of ambiorix-spring-boot.
 *
 * A drop-in for Ambiorix's own client: the globals Ambiorix, ambiorixSocket and
 * parseCookie, the socket opened while this script runs, Ambiorix.send,
 * new Ambiorix(), receive, start, onopen/onclose/onerror. Added: sends queued while
 * the socket is not open, reconnect with backoff, a heartbeat, every started instance
 * receiving, request/reply by id, lifecycle hooks and off(), and recovery: after a reconnect the server replays what
 * was missed, in order and once (Ambiorix.configure({recovery: false}) turns it off).
 *
 * Configure it with attributes on the script tag (data-path, data-url,
 * data-connect="manual", data-reconnect="false", data-heartbeat="false",
 * data-request-timeout, data-queue-limit, data-connect-timeout); or with
 * data-connect="manual", then Ambiorix.configure({...}) and Ambiorix.connect().
 *
 * One page holds one connection, shared by Ambiorix.send and every instance. The same
 * code is published as an ES module, ambiorix.mjs, generated at build from the part
 * between the two "ambiorix.mjs" markers below.
 */
(function (root, factory) {
  'use strict';
  var api = factory();
  if (typeof module === 'object' && module && module.exports) {
    module.exports = api;
  } else if (root && root.WebSocket) {
    api.install(root, root.document && root.document.currentScript);
  }
})(typeof window !== 'undefined' ? window : this, function () {
  // ambiorix.mjs: factory begins
  'use strict';

  var DEFAULTS = {
    // Path of the endpoint on the page's own host; Ambiorix connects to '/'.
    path: '/',
    // A full ws:// or wss:// URL, overriding path.
    url: null,
    // Reconnect delay n (from 0) is min(maxDelay, initialDelay * factor^n), randomised
    // to between 50% and 100% of that; the count starts over once a connection stayed
    // open for minUptime. After a close with one of stopCodes the client does not
    // reconnect; after one of slowCodes it waits maxDelay. false: never reconnect.
    reconnect: {
      initialDelay: 500,
      maxDelay: 30000,
      factor: 2,
      minUptime: 5000,
      stopCodes: [1000],
      slowCodes: [1008]
    },
    // A socket that has not opened after this many milliseconds is given up and retried.
    connectTimeout: 10000,
    // After interval ms without a frame from the server, send a probe; no frame at all
    // within timeout ms after it means the connection is dead. false: no heartbeat.
    heartbeat: { interval: 25000, timeout: 10000 },
    // Messages kept while the socket is not open; further sends are refused.
    queueLimit: 1000,
    // How long request() waits for its reply, in milliseconds.
    requestTimeout: 10000,
    // A function called on every (re)connect that returns a bearer token (a JWT),
    // or null for none; sent as the subprotocol 'ambiorix.bearer.<token>'.
    token: null,
    // Ask the server, with ambiorix:hello as the first frame of each connection, to
    // replay after a reconnect what this page missed. false: protocol version 1 only.
    recovery: true
  };

  var HOOKS = ['open', 'close', 'error', 'reconnect', 'recovered'];
  // setTimeout fires at once for delays beyond a signed 32-bit count of milliseconds.
  var LONGEST_TIMER = 2147483647;
  // Messages kept for the first instance to start, when they arrive before any did.
  var HOLD_LIMIT = 1000;
  var PING = 'ambiorix:ping';
  var HELLO = 'ambiorix:hello';
  var WELCOME = 'ambiorix:welcome';
  var RECOVERED = 'ambiorix:recovered';
  var MARK = typeof Symbol === 'function' ? Symbol.for('ambiorix-spring-boot') : '__ambiorixSpringBoot';
  var SOCKET_HANDLERS = ['onopen', 'onmessage', 'onerror', 'onclose'];

  /**
   * Build the Ambiorix class over an environment: the browser window, or a stand-in
   * with WebSocket, location, setTimeout, clearTimeout and optionally random, now,
   * addEventListener, document and reportError. It connects when told to (connect) or
   * on first use (start, send, request).
   */
  function createAmbiorix(env, settings) {
    var options = merge(copy(DEFAULTS), settings || {});
    var random = env.random || Math.random;
    var now = env.now || Date.now;
    // A throwing callback must not stop the others: report it the way the page reports errors.
    var report = env.reportError ? env.reportError.bind(env) : function (e) {
      env.setTimeout(function () { throw e; }, 0);
    };
    var socket = null;
    var lastSocket = null;
    var state = 'idle';
    // Every connect and close starts a new generation; callbacks of an older one stop.
    var generation = 0;
    var attempt = 0;
    var timers = { reconnect: null, connect: null, uptime: null, idle: null, dead: null, held: null };
    var lastHeard = 0;
    var probing = false;
    var nextProbe = 1;
    var queue = [];
    var started = [];
    var everStarted = false;
    var held = [];
    var warnedHold = false;
    var pending = new Map();
    var nextId = 1;
    // Recovery: the session the server gave, the last offset received from each server
    // node, and whether this connection waits for the answer to a hello with a session.
    var session = null;
    var clientId = null;
    var offsets = {};
    var resuming = false;

    function url() {
      if (options.url) return options.url;
      var secure = env.location && env.location.protocol === 'https:';
      return (secure ? 'wss://' : 'ws://') + env.location.host + options.path;
    }

    function clear(name) {
      if (timers[name] !== null) env.clearTimeout(timers[name]);
      timers[name] = null;
    }

    function later(name, fn, ms) {
      clear(name);
      timers[name] = env.setTimeout(function () {
        timers[name] = null;
        fn();
      }, Math.min(ms, LONGEST_TIMER));
    }

    function clearConnectionTimers() {
      ['connect', 'uptime', 'idle', 'dead'].forEach(clear);
      probing = false;
    }

    function open() {
      clear('reconnect');
      var mine = ++generation;
      state = attempt === 0 ? 'connecting' : 'reconnecting';
      var ws;
      try {
        var token = options.token ? options.token() : null;
        ws = token ? new env.WebSocket(url(), ['ambiorix', 'ambiorix.bearer.' + token]) : new env.WebSocket(url());
      } catch (e) {
        // A URL the browser refuses will never work: stop instead of retrying it.
        state = 'closed';
        emit('error', failure('socket_error', 'ambiorix: cannot connect: ' + e.message, { cause: e }));
        return;
      }
      // Handlers a page set on the previous ambiorixSocket follow it to the new one.
      if (lastSocket) {
        SOCKET_HANDLERS.forEach(function (key) {
          if (typeof lastSocket[key] === 'function' && ws[key] == null) ws[key] = lastSocket[key];
        });
      }
      socket = lastSocket = ws;
      var opened = false;
      ws.addEventListener('open', function (event) {
        if (socket !== ws) return;
        opened = true;
        clear('connect');
        state = 'open';
        lastHeard = now();
        var reconnect = options.reconnect;
        if (reconnect) later('uptime', function () { attempt = 0; }, number(reconnect.minUptime, DEFAULTS.reconnect.minUptime));
        armHeartbeat();
        hello(ws);
        // Hooks go first, so that a page can identify itself before queued messages.
        emit('open', event);
        if (generation === mine) flush();
      });
      ws.addEventListener('message', function (event) {
        if (socket === ws) heard(event.data);
      });
      ws.addEventListener('error', function (event) {
        if (socket === ws) emit('error', failure('socket_error', 'ambiorix: WebSocket error', { event: event }));
      });
      ws.addEventListener('close', function (event) {
        if (socket === ws) lost(ws, opened, { code: event.code, reason: event.reason, wasClean: event.wasClean });
      });
      var timeout = number(options.connectTimeout, 0);
      if (timeout > 0) {
        later('connect', function () {
          if (socket !== ws || opened) return;
          detach(ws, 4000, 'connect timeout');
          emit('error', failure('connect_timeout', 'ambiorix: no connection within ' + timeout + ' ms'));
          if (generation === mine) lost(ws, false, { code: 4000, reason: 'connect timeout', wasClean: false });
        }, timeout);
      }
    }

    // Forget a socket before closing it, so that what the browser reports later is ignored.
    function detach(ws, code, reason) {
      if (socket === ws) socket = null;
      try {
        ws.close(code, reason);
      } catch (e) {
        // Already closing: nothing more to do.
      }
    }

    function lost(ws, opened, info) {
      if (socket === ws) socket = null;
      var mine = generation;
      clearConnectionTimers();
      resuming = false;
      var decision = policy(info.code);
      info.reconnect = Boolean(options.reconnect) && decision !== 'stop';
      // With a session to recover, a reply lost with this socket may come in the replay:
      // the request waits for the answer to the next hello.
      if (info.reconnect && options.recovery && session !== null) awaitRecovery(ws);
      else failPending(ws, 'disconnected');
      state = info.reconnect ? 'reconnecting' : 'closed';
      if (opened) emit('close', info);
      // A close hook may have called close() or connect(): that decides.
      if (generation !== mine) return;
      if (info.reconnect) scheduleReconnect(decision === 'slow');
    }

    function policy(code) {
      var reconnect = options.reconnect;
      if (!reconnect) return 'stop';
      if ((reconnect.stopCodes || []).indexOf(code) >= 0) return 'stop';
      if ((reconnect.slowCodes || []).indexOf(code) >= 0) return 'slow';
      return 'reconnect';
    }

    function scheduleReconnect(slow) {
      var settings = options.reconnect;
      var wait = slow ? number(settings.maxDelay, DEFAULTS.reconnect.maxDelay) : backoff(attempt, settings, random);
      attempt++;
      state = 'reconnecting';
      later('reconnect', open, wait);
      emit('reconnect', { attempt: attempt, delay: wait });
    }

    // The network came back or the page became visible: do not wait for the timer.
    function wake(force) {
      if (state === 'reconnecting' && timers.reconnect !== null) {
        open();
      } else if (state === 'open' && options.heartbeat) {
        if (force || now() - lastHeard >= number(options.heartbeat.timeout, DEFAULTS.heartbeat.timeout)) probe();
      }
    }

    function armHeartbeat() {
      clear('idle');
      var heartbeat = options.heartbeat;
      if (!heartbeat || state !== 'open') return;
      later('idle', idleCheck, number(heartbeat.interval, DEFAULTS.heartbeat.interval));
    }

    function idleCheck() {
      var heartbeat = options.heartbeat;
      if (!heartbeat || state !== 'open' || probing) return;
      var interval = number(heartbeat.interval, DEFAULTS.heartbeat.interval);
      var quiet = now() - lastHeard;
      if (quiet < interval) later('idle', idleCheck, interval - quiet);
      else probe();
    }

    // Any frame proves the connection alive; the server answers the probe (today with
    // an ambiorix:error for the reserved name, which carries the probe's id and is dropped).
    function probe() {
      var ws = socket;
      if (probing || !ws || ws.readyState !== 1 || !options.heartbeat) return;
      probing = true;
      clear('idle');
      ws.send(JSON.stringify({ name: PING, message: null, isAmbiorix: true, id: PING + ':' + nextProbe++ }));
      var timeout = number(options.heartbeat.timeout, DEFAULTS.heartbeat.timeout);
      later('dead', function () {
        if (socket !== ws) return;
        detach(ws, 4000, 'heartbeat timeout');
        lost(ws, true, { code: 4000, reason: 'heartbeat timeout', wasClean: false });
      }, timeout);
    }

    function transmit(item) {
      if (state === 'closed') return false;
      if (state === 'idle') connect();
      if (socket && state === 'open' && socket.readyState === 1) {
        write(item);
        return true;
      }
      if (queue.length >= number(options.queueLimit, DEFAULTS.queueLimit)) {
        emit('error', failure('queue_full', 'ambiorix: send queue full (' + options.queueLimit + '); message dropped'));
        return false;
      }
      queue.push(item);
      return true;
    }

    function flush() {
      while (queue.length > 0 && socket && socket.readyState === 1) {
        write(queue.shift());
      }
    }

    // A request remembers the socket it went out on: only that socket's loss fails it.
    function write(item) {
      socket.send(item.text);
      var request = item.id !== undefined ? pending.get(item.id) : null;
      if (request) request.socket = socket;
    }

    function heard(data) {
      lastHeard = now();
      if (probing) {
        probing = false;
        clear('dead');
        armHeartbeat();
      }
      // Only text frames carrying one JSON envelope are ours; anything else is ignored.
      if (typeof data !== 'string') return;
      var envelope;
      try {
        envelope = JSON.parse(data);
      } catch (e) {
        return;
      }
      if (!envelope || typeof envelope !== 'object' || envelope.isAmbiorix !== true) return;
      if (!recovering(envelope)) return;
      // Only replies carry an id; one nobody waits for (late, or a heartbeat's) is dropped.
      if (envelope.id !== undefined && envelope.id !== null) {
        if (pending.has(envelope.id)) settle(envelope);
        return;
      }
      // Before any instance started, and until those kept are delivered, keep them in order.
      if ((started.length === 0 && !everStarted) || held.length > 0) {
        if (held.length < HOLD_LIMIT) held.push(envelope);
        else if (!warnedHold && env.console && env.console.warn) {
          warnedHold = true;
          env.console.warn('ambiorix: ' + HOLD_LIMIT + ' messages wait for an instance to start; further ones are dropped');
        }
        return;
      }
      deliver(envelope);
    }

    // The first frame of every connection, when recovery is on: a new session, or the
    // one to recover with the last offset received from each node.
    function hello(ws) {
      if (!options.recovery) return;
      if (session === null) offsets = {};
      resuming = session !== null;
      var last = Object.keys(offsets).map(function (node) {
        return node + ':' + offsets[node];
      });
      ws.send(JSON.stringify({ name: HELLO, message: {
        recovery: true, session: session, offset: last.length > 0 ? last.join(' ') : null
      }, isAmbiorix: true }));
    }

    // Keep track of offsets and drop what was already received; false to drop the frame.
    function recovering(envelope) {
      var offset = envelope.offset;
      if (typeof offset === 'string') {
        var colon = offset.lastIndexOf(':');
        var node = offset.slice(0, colon);
        var number = Number(offset.slice(colon + 1));
        if (colon > 0 && isFinite(number)) {
          if (offsets[node] !== undefined && number <= offsets[node]) return false;
          offsets[node] = number;
        }
        return true;
      }
      var name = envelope.name;
      if (name === WELCOME) {
        var welcome = envelope.message || {};
        session = typeof welcome.session === 'string' ? welcome.session : null;
        clientId = typeof welcome.id === 'string' ? welcome.id : null;
        return true;
      }
      if (name === RECOVERED) {
        var answer = envelope.message || {};
        resuming = false;
        if (answer.recovered === true) {
          if (typeof answer.id === 'string') clientId = answer.id;
        } else {
          // A fresh start follows, with a welcome: offsets of the old session mean nothing.
          session = null;
          offsets = {};
        }
        // The replay is complete: a reply that did not come in it will not come.
        failPending(undefined, 'disconnected');
        emit('recovered', { recovered: answer.recovered === true, reason: answer.reason || null });
        return true;
      }
      if (name === 'ambiorix:error' && envelope.message && envelope.message.name === HELLO) {
        // A server without recovery refuses the reserved name: protocol version 1 it is.
        var wasResuming = resuming;
        resuming = false;
        session = null;
        offsets = {};
        failPending(undefined, 'disconnected');
        if (wasResuming) emit('recovered', { recovered: false, reason: 'unsupported' });
        return false;
      }
      // Before the answer to a recovering hello, frames without an offset went to the
      // provisional connection and come again, numbered, in the replay.
      return !(resuming && typeof name === 'string' && name.indexOf('ambiorix:') !== 0);
    }

    // Requests sent on a lost socket wait for the answer to the next hello.
    function awaitRecovery(ws) {
      pending.forEach(function (request) {
        if (request.socket === ws) request.socket = undefined;
      });
    }

    function deliver(envelope) {
      started.slice().forEach(function (instance) {
        instance._dispatch(envelope);
      });
      if (envelope.name === 'ambiorix:error') serverError(envelope);
    }

    function releaseHeld() {
      if (started.length === 0) return;
      var batch = held;
      held = [];
      batch.forEach(deliver);
    }

    // The answer to a plain send: the error hook hears it; a page with neither that hook
    // nor receive('ambiorix:error') gets a console warning instead of silence.
    function serverError(envelope) {
      var message = envelope.message || {};
      var error = failure(message.code || 'server_error', message.detail || 'the server refused a message',
        { envelope: envelope });
      var listened = started.some(function (instance) {
        return (instance._hooks.error || []).length > 0 || instance._handlers.has('ambiorix:error');
      });
      if (listened) emit('error', error);
      else if (env.console && env.console.warn) env.console.warn('ambiorix: ' + error.code + ': ' + error.message);
    }

    function settle(envelope) {
      var request = pending.get(envelope.id);
      pending.delete(envelope.id);
      env.clearTimeout(request.timer);
      if (envelope.name === 'ambiorix:error') {
        var message = envelope.message || {};
        request.reject(failure(message.code, message.detail || 'request failed', { envelope: envelope }));
      } else {
        request.resolve(envelope.message);
      }
    }

    function failPending(ws, reason) {
      pending.forEach(function (request, id) {
        // null: every request; a socket: those sent on it; undefined: those awaiting recovery.
        if (ws !== null && request.socket !== ws) return;
        pending.delete(id);
        env.clearTimeout(request.timer);
        unqueue(request.item);
        request.reject(failure(reason, 'ambiorix: ' + reason));
      });
    }

    function unqueue(item) {
      var index = queue.indexOf(item);
      if (index >= 0) queue.splice(index, 1);
    }

    function emit(hook, detail) {
      started.slice().forEach(function (instance) {
        instance._emit(hook, detail);
      });
    }

    function call(fn, argument) {
      try {
        fn(argument);
      } catch (e) {
        report(e);
      }
    }

    function connect() {
      if (state === 'open' || state === 'connecting') return;
      if (state === 'reconnecting') {
        if (timers.reconnect !== null) open();
        return;
      }
      attempt = 0;
      open();
    }

    function Ambiorix() {
      this._handlers = new Map();
      this._hooks = {};
    }

    Object.defineProperty(Ambiorix, MARK, { value: true });

    /** Send a message; queued while the socket is not open. Returns false if refused. */
    Ambiorix.send = function (name, message) {
      return transmit({ text: JSON.stringify({ name: name, message: message, isAmbiorix: true }) });
    };

    /** Send a message and resolve with the reply's message, matched by id. */
    Ambiorix.request = function (name, message, settings) {
      var timeout = number(settings && settings.timeout, 0) || number(options.requestTimeout, DEFAULTS.requestTimeout);
      var id = nextId++;
      return new Promise(function (resolve, reject) {
        var item = { text: JSON.stringify({ name: name, message: message, isAmbiorix: true, id: id }), id: id };
        var request = { resolve: resolve, reject: reject, timer: null, socket: null, item: item };
        pending.set(id, request);
        request.timer = env.setTimeout(function () {
          if (pending.get(id) !== request) return;
          pending.delete(id);
          // Still queued: it must never go out after the caller was told it timed out.
          unqueue(item);
          reject(failure('timeout', 'ambiorix: no reply to \'' + name + '\' within ' + timeout + ' ms'));
        }, Math.min(timeout, LONGEST_TIMER));
        if (!transmit(item)) {
          env.clearTimeout(request.timer);
          pending.delete(id);
          reject(state === 'closed'
            ? failure('closed', 'ambiorix: the connection is closed')
            : failure('queue_full', 'ambiorix: send queue full'));
        }
      });
    };

    /**
     * Change options. queueLimit, requestTimeout, reconnect and heartbeat apply at once;
     * path and url from the next connection, so set them before it (data-connect="manual").
     */
    Ambiorix.configure = function (settings) {
      merge(options, settings || {});
      if (!options.recovery) {
        session = null;
        offsets = {};
        resuming = false;
        failPending(undefined, 'disconnected');
      }
      if (!options.reconnect && state === 'reconnecting' && timers.reconnect !== null) {
        clear('reconnect');
        state = 'closed';
      }
      if (!options.heartbeat) {
        clear('idle');
        clear('dead');
        probing = false;
      } else if (state === 'open' && !probing) {
        armHeartbeat();
      }
      return Ambiorix;
    };

    /** Connect now: the first time (manual connect), after close(), or while waiting to reconnect. */
    Ambiorix.connect = function () {
      connect();
      return Ambiorix;
    };

    /** Close for good, at once: no reconnect, queued messages dropped, pending requests rejected. */
    Ambiorix.close = function () {
      generation++;
      var ws = socket;
      var wasOpen = state === 'open';
      socket = null;
      state = 'closed';
      clear('reconnect');
      clearConnectionTimers();
      queue = [];
      failPending(null, 'closed');
      if (ws) detach(ws, 1000, 'closed by the page');
      if (wasOpen) emit('close', { code: 1000, reason: 'closed by the page', wasClean: true, reconnect: false });
    };

    /** The client id the server gave (recovery on), the same after a recovery; or null. */
    Ambiorix.id = function () {
      return clientId;
    };

    /** 'idle', 'connecting', 'open', 'reconnecting' or 'closed'. */
    Ambiorix.state = function () {
      return state;
    };

    /** Messages waiting for the socket to open. */
    Ambiorix.queued = function () {
      return queue.length;
    };

    /** The current WebSocket (the last one while waiting to reconnect), or null before the first. */
    Ambiorix.socket = function () {
      return lastSocket;
    };

    /** Handle messages with this name; one handler per name, as in Ambiorix. */
    Ambiorix.prototype.receive = function (name, fn) {
      this._handlers.set(name, fn);
      return this;
    };

    /** Stop handling messages with this name; with fn, remove fn from that hook or handler. */
    Ambiorix.prototype.off = function (name, fn) {
      if (fn === undefined || this._handlers.get(name) === fn) this._handlers.delete(name);
      var hooks = this._hooks[name];
      if (fn !== undefined && hooks) {
        var index = hooks.indexOf(fn);
        if (index >= 0) hooks.splice(index, 1);
      }
      return this;
    };

    /** Listen to 'open', 'close', 'error' or 'reconnect'. */
    Ambiorix.prototype.on = function (hook, fn) {
      if (HOOKS.indexOf(hook) < 0) throw new Error('ambiorix: unknown hook \'' + hook + '\'');
      (this._hooks[hook] = this._hooks[hook] || []).push(fn);
      return this;
    };

    // The names Ambiorix's own client uses for the same hooks.
    Ambiorix.prototype.onopen = function (fn) {
      return this.on('open', fn);
    };

    Ambiorix.prototype.onclose = function (fn) {
      return this.on('close', fn);
    };

    Ambiorix.prototype.onerror = function (fn) {
      return this.on('error', fn);
    };

    /** Start receiving; every started instance receives every message. Starting twice does nothing. */
    Ambiorix.prototype.start = function () {
      if (started.indexOf(this) >= 0) return this;
      started.push(this);
      everStarted = true;
      if (state === 'idle') connect();
      else if (state === 'open') this._emit('open');
      // After the page's current script, so that handlers registered right after start() get them.
      if (held.length > 0) later('held', releaseHeld, 0);
      return this;
    };

    /** Stop receiving. */
    Ambiorix.prototype.stop = function () {
      var index = started.indexOf(this);
      if (index >= 0) started.splice(index, 1);
      return this;
    };

    Ambiorix.prototype._dispatch = function (envelope) {
      var fn = this._handlers.get(envelope.name);
      if (fn) call(fn, envelope.message);
    };

    Ambiorix.prototype._emit = function (hook, detail) {
      (this._hooks[hook] || []).slice().forEach(function (fn) {
        call(fn, detail);
      });
    };

    if (env.addEventListener) {
      env.addEventListener('online', function () { wake(true); });
    }
    var document = env.document;
    if (document && document.addEventListener) {
      document.addEventListener('visibilitychange', function () {
        if (document.visibilityState === 'visible') wake(false);
      });
    }
    return Ambiorix;
  }

  /**
   * The classic script: define the globals Ambiorix, ambiorixSocket and parseCookie
   * and open the socket now, as Ambiorix's client does, unless the script tag says
   * data-connect="manual" or the page set ambiorixManualConnect = true before it.
   */
  function install(env, script) {
    var existing = env.Ambiorix;
    if (existing && existing[MARK]) {
      if (env.console && env.console.warn) env.console.warn('ambiorix: ambiorix.js included twice; the second is ignored');
      return existing;
    }
    var tag = fromScript(script);
    var Ambiorix = createAmbiorix(env, tag.options);
    env.Ambiorix = Ambiorix;
    env.parseCookie = parseCookie;
    try {
      Object.defineProperty(env, 'ambiorixSocket', {
        configurable: true,
        enumerable: true,
        get: function () {
          return Ambiorix.socket();
        },
        // A page that assigns the name takes it over.
        set: function (value) {
          Object.defineProperty(env, 'ambiorixSocket', { value: value, writable: true, configurable: true, enumerable: true });
        }
      });
    } catch (e) {
      // An earlier script declared the name with var: it is the page's.
    }
    if (!tag.manual && env.ambiorixManualConnect !== true) Ambiorix.connect();
    return Ambiorix;
  }

  /** The ES module: the page's Ambiorix if ambiorix.js is loaded too (one connection), else its own. */
  function moduleClient(env) {
    var existing = env && env.Ambiorix;
    if (existing && existing[MARK]) return existing;
    return createAmbiorix(env || {});
  }

  function fromScript(script) {
    var data = (script && script.dataset) || {};
    var options = {};
    ['path', 'url'].forEach(function (key) {
      if (data[key]) options[key] = data[key];
    });
    ['queueLimit', 'requestTimeout', 'connectTimeout'].forEach(function (key) {
      if (data[key] !== undefined && isFinite(Number(data[key]))) options[key] = Number(data[key]);
    });
    if (data.reconnect === 'false') options.reconnect = false;
    if (data.heartbeat === 'false') options.heartbeat = false;
    if (data.recovery === 'false') options.recovery = false;
    else if (data.heartbeat !== undefined && Number(data.heartbeat) > 0) options.heartbeat = { interval: Number(data.heartbeat) };
    return { options: options, manual: data.connect === 'manual' };
  }

  /**
   * Ambiorix's cookie helper: parseCookie(document.cookie) gives an object of decoded
   * names and values, {} for ''. Unlike Ambiorix's, a value keeps any '=' it contains, and
   * a part without '=' or with a bad %-escape is skipped or kept raw instead of throwing.
   */
  function parseCookie(str) {
    if (str == '') return {};
    return String(str)
      .split(';')
      .reduce(function (acc, part) {
        var at = part.indexOf('=');
        if (at < 0) return acc;
        acc[decode(part.slice(0, at).trim())] = decode(part.slice(at + 1).trim());
        return acc;
      }, {});
  }

  function decode(text) {
    try {
      return decodeURIComponent(text);
    } catch (e) {
      return text;
    }
  }

  function backoff(attempt, settings, random) {
    var initial = number(settings.initialDelay, DEFAULTS.reconnect.initialDelay);
    var factor = number(settings.factor, DEFAULTS.reconnect.factor);
    var max = number(settings.maxDelay, DEFAULTS.reconnect.maxDelay);
    var ceiling = Math.min(max, initial * Math.pow(factor, attempt));
    return Math.round(ceiling * (0.5 + 0.5 * random()));
  }

  function failure(code, message, extra) {
    var error = new Error(message);
    error.code = code;
    Object.keys(extra || {}).forEach(function (key) {
      error[key] = extra[key];
    });
    return error;
  }

  // A finite number of at least 0 (Infinity allowed, it is clamped where used), or the fallback.
  function number(value, fallback) {
    return typeof value === 'number' && value >= 0 ? value : fallback;
  }

  // Nested option groups are merged, so configure({reconnect: {maxDelay: 5000}}) keeps the rest.
  function merge(target, settings) {
    Object.keys(settings).forEach(function (key) {
      var value = settings[key];
      var group = DEFAULTS[key];
      if (value === true && group && typeof group === 'object') {
        target[key] = copy(group);
      } else if (value && typeof value === 'object' && !Array.isArray(value) && group && typeof group === 'object') {
        target[key] = Object.assign(target[key] ? target[key] : copy(group), value);
      } else {
        target[key] = value;
      }
    });
    return target;
  }

  function copy(object) {
    return JSON.parse(JSON.stringify(object));
  }

  return {
    createAmbiorix: createAmbiorix,
    install: install,
    moduleClient: moduleClient,
    parseCookie: parseCookie,
    backoff: backoff,
    DEFAULTS: DEFAULTS
  };
  // ambiorix.mjs: factory ends
});
