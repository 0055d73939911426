/*
 * ambiorix.mjs: the browser client of ambiorix-spring-boot as an ES module, generated
 * at build from ambiorix.js (the same code; edit that file, not this one).
 *
 *   import { Ambiorix, parseCookie } from '/static/ambiorix.mjs';
 *
 * The module defines no globals and connects on first use (start, send, request) or on
 * Ambiorix.connect(), so Ambiorix.configure({...}) before that applies to the first
 * connection. If the page also loaded ambiorix.js, the module gives that same Ambiorix:
 * one page, one connection.
 */
const factory = function () {
