};

const api = factory();

/** The client class, with the statics send, request, configure, connect, close, state, queued and socket. */
export const Ambiorix = api.moduleClient(typeof window !== 'undefined' ? window : globalThis);

/** Ambiorix's cookie helper: parseCookie(document.cookie). */
export const parseCookie = api.parseCookie;

export default Ambiorix;
