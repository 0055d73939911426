/**
 * ambiorix.js: the browser client of ambiorix-spring-boot, a drop-in for Ambiorix's own
 * client. Include it with `<script src="/static/ambiorix.js"></script>`: it defines the
 * globals `Ambiorix`, `ambiorixSocket` and `parseCookie` and opens the socket while the
 * script runs, as Ambiorix's does. Configure it with attributes on that tag (see
 * {@link AmbiorixScriptAttributes}), or with `data-connect="manual"`, then
 * `Ambiorix.configure({...})` and `Ambiorix.connect()`.
 *
 * The same client is an ES module at `/static/ambiorix.mjs`:
 * `import { Ambiorix, parseCookie } from '/static/ambiorix.mjs'` (no globals; it connects
 * on first use).
 */

/** Lifecycle events an instance can listen to with `on`. */
type AmbiorixHook = 'open' | 'close' | 'error' | 'reconnect' | 'recovered';

/** What `Ambiorix.state()` reports. */
type AmbiorixState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

interface AmbiorixReconnectOptions {
  /** First delay in milliseconds (default 500; 0 reconnects at once). */
  initialDelay?: number;
  /** Longest delay in milliseconds (default 30000). */
  maxDelay?: number;
  /** Growth per attempt (default 2). Each delay is randomised to 50–100% of its value. */
  factor?: number;
  /** The delays start over only once a connection stayed open this long, in milliseconds (default 5000). */
  minUptime?: number;
  /** Close codes after which the client does not reconnect (default `[1000]`: the server closed it on purpose). */
  stopCodes?: number[];
  /** Close codes after which the client waits `maxDelay` before reconnecting (default `[1008]`: a policy was broken). */
  slowCodes?: number[];
}

interface AmbiorixHeartbeatOptions {
  /** Probe after this many milliseconds without a frame from the server (default 25000). */
  interval?: number;
  /** The connection is dead when no frame at all arrives this long after a probe (default 10000). */
  timeout?: number;
}

interface AmbiorixOptions {
  /** Endpoint path on the page's own host (default '/'). Applies from the next connection. */
  path?: string;
  /** Full ws:// or wss:// URL, overriding `path`. Applies from the next connection. */
  url?: string | null;
  /** Reconnect backoff and close policy (`true`: the defaults), or `false` to never reconnect automatically. */
  reconnect?: AmbiorixReconnectOptions | boolean;
  /** A socket that has not opened within this many milliseconds is given up and retried (default 10000; 0: never). */
  connectTimeout?: number;
  /** Client-side heartbeat (`true`: the defaults), or `false` for none. */
  heartbeat?: AmbiorixHeartbeatOptions | boolean;
  /** Most messages queued while the socket is not open (default 1000). */
  queueLimit?: number;
  /** Default `request` timeout in milliseconds (default 10000). */
  requestTimeout?: number;
  /**
   * Called on every (re)connect, so that a refreshed token is used: a bearer token
   * (a JWT) sent in `Sec-WebSocket-Protocol` as `ambiorix.bearer.<token>`, or null
   * for none (default: no function).
   */
  token?: (() => string | null) | null;
  /**
   * Ask the server (with `ambiorix:hello`) to replay after a reconnect what the page
   * missed, in order and once (default `true`); `false`: protocol version 1 only.
   */
  recovery?: boolean;
}

/**
 * Attributes of the `<script>` tag that includes ambiorix.js, read while it runs: the
 * reliable way to configure the first connection.
 */
interface AmbiorixScriptAttributes {
  'data-path'?: string;
  'data-url'?: string;
  /** `manual`: do not connect until `Ambiorix.connect()` or first use (start, send, request). */
  'data-connect'?: 'manual' | 'auto';
  /** `false`: never reconnect automatically. */
  'data-reconnect'?: 'false';
  /** `false`: no heartbeat; a number: the heartbeat interval in milliseconds. */
  'data-heartbeat'?: string;
  'data-request-timeout'?: string;
  'data-queue-limit'?: string;
  'data-connect-timeout'?: string;
  /** `false`: no recovery, as `Ambiorix.configure({recovery: false})`. */
  'data-recovery'?: 'false';
}

/**
 * Information passed to 'recovered' hooks, after each reconnect with recovery on. With
 * `recovered: true` everything missed has been delivered; with `false` the client
 * started fresh, under a new id, and `reason` is `expired`, `history_exceeded`,
 * `unknown_session`, `user_changed`, or `unsupported` (a server without recovery).
 */
interface AmbiorixRecovered {
  recovered: boolean;
  reason: string | null;
}

/**
 * What the `error` hook receives, and what a `request` rejects with. `code` is one of
 * `socket_error` (with `event`), `connect_timeout`, `queue_full`, `timeout`,
 * `disconnected`, `closed`, or the code of the server's `ambiorix:error` (such as
 * `unknown_name`, `invalid_message`, `rate_limited`; then with `envelope`).
 */
interface AmbiorixError extends Error {
  code: string;
  /** The `ambiorix:error` envelope, when the server answered with one. */
  envelope?: { name: 'ambiorix:error'; message: { code: string; detail: string; name?: string }; id?: string | number };
  /** The browser's error event, for `socket_error`. */
  event?: Event;
}

/** @deprecated Use AmbiorixError. */
type AmbiorixRequestError = AmbiorixError;

/** Information passed to 'reconnect' hooks. */
interface AmbiorixReconnect {
  /** Attempts since the last connection that stayed open for `minUptime`. */
  attempt: number;
  /** Milliseconds until this attempt. */
  delay: number;
}

/**
 * Information passed to 'close' hooks, once per connection that was open. `code` 4000 is
 * the client's own: `reason` 'heartbeat timeout'. `Ambiorix.close()` reports 1000,
 * 'closed by the page'.
 */
interface AmbiorixClose {
  code: number;
  reason: string;
  wasClean: boolean;
  /** Whether the client will reconnect by itself. */
  reconnect: boolean;
}

declare class Ambiorix {
  constructor();

  /** Send a message; queued while the socket is not open. Returns false if refused (queue full, or closed). */
  static send(name: string, message?: unknown): boolean;

  /** Send a message and resolve with the message of the reply that carries the same id; rejects with an {@link AmbiorixError}. */
  static request<T = unknown>(name: string, message?: unknown, options?: { timeout?: number }): Promise<T>;

  /** Change options; `path` and `url` apply from the next connection, the rest at once. */
  static configure(options: AmbiorixOptions): typeof Ambiorix;

  /** Connect now: the first time (manual connect), after `close()`, or instead of waiting to reconnect. */
  static connect(): typeof Ambiorix;

  /** Close for good, at once: no reconnect, queued messages dropped, pending requests rejected with `closed`. */
  static close(): void;

  /** The connection's state. */
  static state(): AmbiorixState;

  /** The client id the server gave (recovery on), the same after a recovery; null before the welcome. */
  static id(): string | null;

  /** How many messages wait for the socket to open. */
  static queued(): number;

  /** The current WebSocket (the last one while waiting to reconnect), or null before the first; the global `ambiorixSocket`. */
  static socket(): WebSocket | null;

  /** Handle messages with this name (one handler per name, as in Ambiorix). */
  receive<T = any>(name: string, handler: (message: T) => void): this;

  /** Stop handling messages with this name; with a function, remove it from that hook or handler only. */
  off(name: string, handler?: (...args: any[]) => void): this;

  /** Listen to a lifecycle event. */
  on(hook: 'open', handler: (event?: Event) => void): this;
  on(hook: 'close', handler: (info: AmbiorixClose) => void): this;
  on(hook: 'error', handler: (error: AmbiorixError) => void): this;
  on(hook: 'reconnect', handler: (info: AmbiorixReconnect) => void): this;
  on(hook: 'recovered', handler: (info: AmbiorixRecovered) => void): this;

  /** Ambiorix's name for `on('open', handler)`. */
  onopen(handler: (event?: Event) => void): this;

  /** Ambiorix's name for `on('close', handler)`. */
  onclose(handler: (info: AmbiorixClose) => void): this;

  /** Ambiorix's name for `on('error', handler)`. */
  onerror(handler: (error: AmbiorixError) => void): this;

  /** Start receiving: every started instance receives every message. Starting twice does nothing. */
  start(): this;

  /** Stop receiving. */
  stop(): this;
}

/** Ambiorix's cookie helper: `parseCookie(document.cookie)` gives decoded names and values. */
declare function parseCookie(cookie: string): Record<string, string>;

/** The page's WebSocket, as in Ambiorix: the current one, also after a reconnect; null with manual connect before connecting. */
declare var ambiorixSocket: WebSocket | null;

/** Set to true before the script tag to connect only on `Ambiorix.connect()` or first use (like `data-connect="manual"`). */
declare var ambiorixManualConnect: boolean | undefined;
