/*
 * ambiorix.js: the browser client of ambiorix-spring-boot.
 *
 * A drop-in for Ambiorix's own client (global Ambiorix, Ambiorix.send,
 * new Ambiorix(), receive, start), with what it lacks: sends queued while the
 * socket is not open, reconnect with backoff, every started instance
 * receiving, request/reply by id, lifecycle hooks and off().
 *
 * One page holds one connection, shared by Ambiorix.send and every instance.
 */
(function (root, factory) {
  'use strict';
  var api = factory();
  if (typeof module === 'object' && module.exports) {
    module.exports = api;
  } else if (root && root.WebSocket) {
    root.Ambiorix = api.createAmbiorix(root, root.document && root.document.currentScript);
  }
})(typeof window !== 'undefined' ? window : this, function () {
  'use strict';

  var DEFAULTS = {
    // Path of the endpoint on the page's own host; Ambiorix connects to '/'.
    path: '/',
    // A full ws:// or wss:// URL, overriding path.
    url: null,
    // Reconnect delay n (from 0) is min(maxDelay, initialDelay * factor^n),
    // randomised to between 50% and 100% of that; false turns reconnect off.
    reconnect: { initialDelay: 500, maxDelay: 30000, factor: 2 },
    // Messages kept while the socket is not open; further sends are refused.
    queueLimit: 1000,
    // How long request() waits for its reply, in milliseconds.
    requestTimeout: 10000,
    // A function called on every (re)connect that returns a bearer token (a JWT),
    // or null for none; sent as the subprotocol 'ambiorix.bearer.<token>'.
    token: null
  };

  var HOOKS = ['open', 'close', 'error', 'reconnect'];

  /**
   * Build the Ambiorix class over an environment: the browser window, or a
   * stand-in with WebSocket, location, setTimeout, clearTimeout and random.
   */
  function createAmbiorix(env, script) {
    var options = copy(DEFAULTS);
    if (script && script.dataset && script.dataset.path) options.path = script.dataset.path;
    var random = env.random || Math.random;
    // A throwing callback must not stop the others: report it the way the page reports errors.
    var report = env.reportError ? env.reportError.bind(env) : function (e) {
      env.setTimeout(function () { throw e; }, 0);
    };
    var socket = null;
    var state = 'idle';
    var closedByUser = false;
    var attempt = 0;
    var reconnectTimer = null;
    var queue = [];
    var started = [];
    var pending = new Map();
    var nextId = 1;

    function url() {
      if (options.url) return options.url;
      var secure = env.location && env.location.protocol === 'https:';
      return (secure ? 'wss://' : 'ws://') + env.location.host + options.path;
    }

    function connect() {
      reconnectTimer = null;
      if (closedByUser) return;
      state = attempt === 0 ? 'connecting' : 'reconnecting';
      var ws;
      try {
        var token = options.token ? options.token() : null;
        ws = token ? new env.WebSocket(url(), ['ambiorix', 'ambiorix.bearer.' + token]) : new env.WebSocket(url());
      } catch (e) {
        emit('error', e);
        scheduleReconnect();
        return;
      }
      socket = ws;
      var opened = false;
      ws.onopen = function () {
        if (socket !== ws) return;
        opened = true;
        state = 'open';
        attempt = 0;
        // Hooks go first, so that a page can identify itself before queued messages.
        emit('open');
        flush();
      };
      ws.onmessage = function (event) {
        if (socket === ws) receive(event.data);
      };
      ws.onerror = function (event) {
        if (socket === ws) emit('error', event);
      };
      ws.onclose = function (event) {
        if (socket !== ws) return;
        socket = null;
        failPending(ws, 'disconnected');
        if (opened) emit('close', event);
        if (!closedByUser) scheduleReconnect();
        else state = 'closed';
      };
    }

    function scheduleReconnect() {
      var settings = options.reconnect;
      if (!settings || closedByUser) {
        state = 'closed';
        return;
      }
      state = 'reconnecting';
      var wait = backoff(attempt, settings, random);
      attempt++;
      emit('reconnect', { attempt: attempt, delay: wait });
      reconnectTimer = env.setTimeout(connect, wait);
    }

    // Connect on first use, and again on use after the connection was lost for good.
    function ensureConnected() {
      if ((state === 'idle' || state === 'closed') && !closedByUser) connect();
    }

    function transmit(envelope) {
      ensureConnected();
      var item = { text: JSON.stringify(envelope), id: envelope.id };
      if (socket && state === 'open' && socket.readyState === 1) {
        write(item);
        return true;
      }
      if (queue.length >= options.queueLimit) {
        emit('error', new Error('ambiorix: send queue full (' + options.queueLimit + '); message dropped'));
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

    function receive(data) {
      // Only text frames carrying one JSON envelope are ours; anything else is ignored.
      if (typeof data !== 'string') return;
      var envelope;
      try {
        envelope = JSON.parse(data);
      } catch (e) {
        return;
      }
      if (!envelope || typeof envelope !== 'object' || envelope.isAmbiorix !== true) return;
      if (envelope.id !== undefined && pending.has(envelope.id)) {
        settle(envelope);
        return;
      }
      started.slice().forEach(function (instance) {
        instance._dispatch(envelope);
      });
    }

    function settle(envelope) {
      var request = pending.get(envelope.id);
      pending.delete(envelope.id);
      env.clearTimeout(request.timer);
      if (envelope.name === 'ambiorix:error') {
        var error = new Error((envelope.message && envelope.message.detail) || 'request failed');
        error.code = envelope.message && envelope.message.code;
        error.envelope = envelope;
        request.reject(error);
      } else {
        request.resolve(envelope.message);
      }
    }

    function failPending(ws, reason) {
      pending.forEach(function (request, id) {
        if (ws !== null && request.socket !== ws) return;
        pending.delete(id);
        env.clearTimeout(request.timer);
        var error = new Error('ambiorix: ' + reason);
        error.code = reason;
        request.reject(error);
      });
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

    function Ambiorix() {
      this._handlers = new Map();
      this._hooks = {};
    }

    /** Send a message; queued while the socket is not open. Returns false if refused. */
    Ambiorix.send = function (name, message) {
      return transmit({ name: name, message: message, isAmbiorix: true });
    };

    /** Send a message and resolve with the reply's message, matched by id. */
    Ambiorix.request = function (name, message, settings) {
      var timeout = (settings && settings.timeout) || options.requestTimeout;
      var id = nextId++;
      return new Promise(function (resolve, reject) {
        var request = { resolve: resolve, reject: reject, timer: null, socket: null };
        request.timer = env.setTimeout(function () {
          pending.delete(id);
          var error = new Error('ambiorix: no reply to \'' + name + '\' within ' + timeout + ' ms');
          error.code = 'timeout';
          reject(error);
        }, timeout);
        pending.set(id, request);
        if (!transmit({ name: name, message: message, isAmbiorix: true, id: id })) {
          env.clearTimeout(request.timer);
          pending.delete(id);
          var error = new Error('ambiorix: send queue full');
          error.code = 'queue_full';
          reject(error);
        }
      });
    };

    /** Change options before the connection opens, or for the next reconnect. */
    Ambiorix.configure = function (settings) {
      Object.keys(settings || {}).forEach(function (key) {
        options[key] = settings[key];
      });
      return Ambiorix;
    };

    /** Connect now instead of on first use. */
    Ambiorix.connect = function () {
      closedByUser = false;
      ensureConnected();
      return Ambiorix;
    };

    /** Close the connection for good: no reconnect, queued messages dropped. */
    Ambiorix.close = function () {
      closedByUser = true;
      queue = [];
      if (reconnectTimer !== null) env.clearTimeout(reconnectTimer);
      reconnectTimer = null;
      failPending(null, 'closed');
      if (socket) socket.close(1000);
      else state = 'closed';
    };

    /** 'idle', 'connecting', 'open', 'reconnecting' or 'closed'. */
    Ambiorix.state = function () {
      return state;
    };

    /** Messages waiting for the socket to open. */
    Ambiorix.queued = function () {
      return queue.length;
    };

    /** Handle messages with this name; one handler per name, as in Ambiorix. */
    Ambiorix.prototype.receive = function (name, fn) {
      this._handlers.set(name, fn);
      return this;
    };

    /** Stop handling messages with this name. */
    Ambiorix.prototype.off = function (name) {
      this._handlers.delete(name);
      return this;
    };

    /** Listen to 'open', 'close', 'error' or 'reconnect'. */
    Ambiorix.prototype.on = function (hook, fn) {
      if (HOOKS.indexOf(hook) < 0) throw new Error('ambiorix: unknown hook \'' + hook + '\'');
      (this._hooks[hook] = this._hooks[hook] || []).push(fn);
      return this;
    };

    /** Start receiving; every started instance receives every message. */
    Ambiorix.prototype.start = function () {
      if (started.indexOf(this) < 0) started.push(this);
      ensureConnected();
      if (state === 'open') this._emit('open');
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
      (this._hooks[hook] || []).forEach(function (fn) {
        call(fn, detail);
      });
    };

    // Connect once the page's own script after this tag has run, so that it can configure first.
    if (env.setTimeout && !env.ambiorixManualConnect) {
      env.setTimeout(ensureConnected, 0);
    }
    return Ambiorix;
  }

  function backoff(attempt, settings, random) {
    var initial = settings.initialDelay || DEFAULTS.reconnect.initialDelay;
    var factor = settings.factor || DEFAULTS.reconnect.factor;
    var max = settings.maxDelay || DEFAULTS.reconnect.maxDelay;
    var ceiling = Math.min(max, initial * Math.pow(factor, attempt));
    return Math.round(ceiling * (0.5 + 0.5 * random()));
  }

  function copy(object) {
    return JSON.parse(JSON.stringify(object));
  }

  return { createAmbiorix: createAmbiorix, backoff: backoff, DEFAULTS: DEFAULTS };
});
