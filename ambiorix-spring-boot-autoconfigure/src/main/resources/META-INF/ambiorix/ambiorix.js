/*
 * ambiorix.js: the browser client for ambiorix-spring-boot, a drop-in for
 * Ambiorix's own client (global Ambiorix, Ambiorix.send, new Ambiorix(),
 * receive, start).
 */
(function (global) {
  'use strict';

  var socket = null;
  var pending = [];
  var started = [];

  function url() {
    var protocol = global.location.protocol === 'https:' ? 'wss://' : 'ws://';
    return protocol + global.location.host + '/';
  }

  function connect() {
    socket = new global.WebSocket(url());
    socket.onopen = function () {
      var queued = pending;
      pending = [];
      queued.forEach(function (text) { socket.send(text); });
    };
    socket.onmessage = function (event) {
      if (typeof event.data !== 'string') return;
      var envelope;
      try {
        envelope = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      if (!envelope || envelope.isAmbiorix !== true) return;
      started.forEach(function (instance) { instance._dispatch(envelope); });
    };
  }

  function Ambiorix() {
    this._handlers = new Map();
  }

  Ambiorix.send = function (name, message) {
    var text = JSON.stringify({ name: name, message: message, isAmbiorix: true });
    if (socket && socket.readyState === 1) {
      socket.send(text);
    } else {
      pending.push(text);
    }
  };

  Ambiorix.prototype.receive = function (name, fn) {
    this._handlers.set(name, fn);
    return this;
  };

  Ambiorix.prototype.start = function () {
    if (started.indexOf(this) < 0) started.push(this);
    return this;
  };

  Ambiorix.prototype._dispatch = function (envelope) {
    var fn = this._handlers.get(envelope.name);
    if (fn) fn(envelope.message);
  };

  global.Ambiorix = Ambiorix;
  connect();
})(window);
