/**
 * ambiorix.mjs: the browser client of ambiorix-spring-boot as an ES module, the same
 * code as ambiorix.js. It defines no globals and connects on first use (start, send,
 * request) or on `Ambiorix.connect()`, so `Ambiorix.configure({...})` before that applies
 * to the first connection. The types are those of ambiorix.d.ts.
 */
/// <reference path="./ambiorix.d.ts" />

declare const AmbiorixModule: typeof Ambiorix;
type AmbiorixModule = Ambiorix;
declare const parseCookieModule: typeof parseCookie;

export { AmbiorixModule as Ambiorix, parseCookieModule as parseCookie };
export default AmbiorixModule;
