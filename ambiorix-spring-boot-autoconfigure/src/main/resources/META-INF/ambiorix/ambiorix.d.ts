/**
 * ambiorix.js: the browser client of ambiorix-spring-boot, a drop-in for
 * Ambiorix's own client. Include it with
 * `<script src="/static/ambiorix.js"></script>` (optionally `data-path="/ws"`).
 */

/** Lifecycle events an instance can listen to with `on`. */
type AmbiorixHook = 'open' | 'close' | 'error' | 'reconnect';

/** What `Ambiorix.state()` reports. */
type AmbiorixState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

interface AmbiorixReconnectOptions {
  /** First delay in milliseconds (default 500). */
  initialDelay?: number;
  /** Longest delay in milliseconds (default 30000). */
  maxDelay?: number;
  /** Growth per attempt (default 2). Each delay is randomised to 50–100% of its value. */
  factor?: number;
}

interface AmbiorixOptions {
  /** Endpoint path on the page's own host (default '/'). */
  path?: string;
  /** Full ws:// or wss:// URL, overriding `path`. */
  url?: string | null;
  /** Reconnect backoff, or `false` to never reconnect automatically. */
  reconnect?: AmbiorixReconnectOptions | false;
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
}

/** Why a `request` was rejected. */
interface AmbiorixRequestError extends Error {
  /** 'timeout', 'disconnected', 'closed', 'queue_full', or the server's error code such as 'unknown_name'. */
  code: string;
  /** The `ambiorix:error` envelope, when the server answered with one. */
  envelope?: { name: 'ambiorix:error'; message: { code: string; detail: string; name?: string }; id: number };
}

/** Information passed to 'reconnect' hooks. */
interface AmbiorixReconnect {
  attempt: number;
  delay: number;
}

declare class Ambiorix {
  constructor();

  /** Send a message; queued while the socket is not open. Returns false if the queue is full. */
  static send(name: string, message?: unknown): boolean;

  /** Send a message and resolve with the message of the reply that carries the same id. */
  static request<T = unknown>(name: string, message?: unknown, options?: { timeout?: number }): Promise<T>;

  /** Change options; takes effect for the next connection. */
  static configure(options: AmbiorixOptions): typeof Ambiorix;

  /** Connect now instead of on first use. */
  static connect(): typeof Ambiorix;

  /** Close for good: no reconnect, queued messages dropped, pending requests rejected. */
  static close(): void;

  /** The connection's state. */
  static state(): AmbiorixState;

  /** How many messages wait for the socket to open. */
  static queued(): number;

  /** Handle messages with this name (one handler per name, as in Ambiorix). */
  receive<T = any>(name: string, handler: (message: T) => void): this;

  /** Stop handling messages with this name. */
  off(name: string): this;

  /** Listen to a lifecycle event. */
  on(hook: 'reconnect', handler: (info: AmbiorixReconnect) => void): this;
  on(hook: 'close', handler: (event: CloseEvent) => void): this;
  on(hook: AmbiorixHook, handler: (detail?: any) => void): this;

  /** Start receiving: every started instance receives every message. */
  start(): this;

  /** Stop receiving. */
  stop(): this;
}
