// The chat page. Everything a person typed is shown with textContent, never as HTML.
const $ = (id) => document.getElementById(id);
const chat = new Ambiorix();
// Which person this browser is, so that two tabs of one person count once.
const person = localStorage.getItem('chat-person')
  || (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2) + Date.now());
localStorage.setItem('chat-person', person);
let nickname = null;
// The signed-in user's name (login profile), which is then the nickname; or null.
let user = null;
let current = null;
// room, or '@name' for direct messages with a user -> { log: [entry], online: [name], joined: boolean, unread: boolean }
const rooms = new Map();
const outbox = []; // posts not yet confirmed: { room, text, state: 'pending' | 'failed', since }
const PENDING_LIMIT_MS = 60000;

function room(name) {
  if (!rooms.has(name)) rooms.set(name, { log: [], online: [], joined: isDirect(name), unread: false });
  return rooms.get(name);
}

function isDirect(name) {
  return name.startsWith('@');
}

function label(name) {
  return isDirect(name) ? name : '# ' + name;
}

// A post to a room or a direct message, as the log shows it.
function postEntry(message) {
  return message.from !== undefined
    ? { kind: 'post', author: message.from, text: message.text, time: message.time }
    : { kind: 'post', ...message };
}

function setStatus(text, state) {
  $('status').textContent = text;
  $('status').dataset.state = state;
}

function render(entry) {
  const item = document.createElement('li');
  if (entry.kind === 'notice') {
    item.className = 'notice';
    item.textContent = entry.text;
    return item;
  }
  const mine = entry.author === nickname;
  item.className = entry.kind === 'post' ? (mine ? 'post mine' : 'post') : 'mine ' + entry.kind;
  const time = document.createElement('time');
  if (entry.time) {
    time.dateTime = entry.time;
    time.textContent = new Date(entry.time).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }
  const author = document.createElement('strong');
  author.textContent = entry.author;
  const text = document.createElement('span');
  text.textContent = entry.text;
  item.append(time, author, text);
  if (entry.kind === 'pending') {
    const state = document.createElement('small');
    state.textContent = 'sending…';
    item.append(state);
  } else if (entry.kind === 'failed') {
    const retry = document.createElement('button');
    retry.type = 'button';
    retry.className = 'retry';
    retry.textContent = 'not sent: retry';
    retry.addEventListener('click', () => {
      entry.outgoing.state = 'pending';
      entry.outgoing.since = Date.now();
      entry.kind = 'pending';
      renderRoom();
      flush();
    });
    item.append(retry);
  }
  return item;
}

function renderRoom() {
  const state = room(current);
  state.unread = false;
  $('room-title').textContent = label(current);
  $('messages').replaceChildren(...state.log.map(render));
  $('messages').scrollTop = $('messages').scrollHeight;
  $('online').replaceChildren(...state.online.map((name) => {
    const item = document.createElement('li');
    if (user && name !== user) {
      // Signed in: a name opens the direct messages with that user.
      const button = document.createElement('button');
      button.type = 'button';
      button.title = 'Message ' + name;
      button.textContent = name;
      button.addEventListener('click', () => { current = '@' + name; room(current); renderRoom(); });
      item.append(button);
    } else {
      item.textContent = name;
    }
    return item;
  }));
  $('online-count').textContent = '(' + state.online.length + ')';
  renderRooms();
}

function renderRooms() {
  $('rooms').replaceChildren(...[...rooms.keys()].map((name) => {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = label(name);
    if (name === current) button.setAttribute('aria-current', 'true');
    if (room(name).unread) button.dataset.unread = 'true';
    button.addEventListener('click', () => { current = name; renderRoom(); });
    item.append(button);
    return item;
  }));
}

function add(roomName, entry) {
  const state = room(roomName);
  state.log.push(entry);
  if (roomName === current) {
    const list = $('messages');
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    list.appendChild(render(entry));
    if (atBottom) list.scrollTop = list.scrollHeight;
  } else if (entry.kind === 'post' && current !== null) {
    state.unread = true;
    renderRooms();
  }
}

// Joining answers with the room's recent posts, so a newcomer (or a page whose recovery
// failed) catches up.
async function join(roomName) {
  const joined = await Ambiorix.request('join', { nickname, room: roomName, person });
  // The server's choice: a signed-in user's name, whatever was sent.
  nickname = joined.nickname;
  const state = room(joined.room);
  const pending = state.log.filter((entry) => entry.kind !== 'post' && entry.kind !== 'notice');
  state.log = joined.recent.map((post) => ({ kind: 'post', ...post })).concat(pending);
  state.joined = true;
  return joined.room;
}

async function rejoinAll() {
  for (const name of rooms.keys()) {
    room(name).joined = isDirect(name);
  }
  for (const name of [...rooms.keys()]) {
    if (isDirect(name)) continue;
    try {
      await join(name);
    } catch (error) {
      add(name, { kind: 'notice', text: 'Could not rejoin: ' + error.message });
    }
  }
  renderRoom();
  flush();
}

// Sends what waits in the outbox to rooms that are joined; keeps it pending while disconnected.
function flush() {
  for (const outgoing of outbox) {
    if (outgoing.state !== 'pending' || outgoing.sending || !room(outgoing.room).joined) continue;
    if (Ambiorix.state() !== 'open') continue;
    outgoing.sending = true;
    const sent = isDirect(outgoing.room)
      ? Ambiorix.request('direct', { to: outgoing.room.slice(1), text: outgoing.text }, { timeout: 10000 })
      : Ambiorix.request('say', { room: outgoing.room, text: outgoing.text }, { timeout: 10000 });
    sent
      .then((post) => {
        outbox.splice(outbox.indexOf(outgoing), 1);
        const log = room(outgoing.room).log;
        log.splice(log.indexOf(outgoing.entry), 1, postEntry(post));
        if (outgoing.room === current) renderRoom();
      }, (error) => {
        outgoing.sending = false;
        // Lost with the connection: sent again once the room is joined again.
        if (error.code === 'disconnected' || error.code === 'timeout') return;
        fail(outgoing);
      });
  }
}

function fail(outgoing) {
  outgoing.state = 'failed';
  outgoing.entry.kind = 'failed';
  if (outgoing.room === current) renderRoom();
}

setInterval(() => {
  for (const outgoing of outbox) {
    if (outgoing.state === 'pending' && Date.now() - outgoing.since > PENDING_LIMIT_MS) fail(outgoing);
  }
}, 1000);

// Signed in: who this page's connection belongs to. Its name is then the nickname.
function signedIn(me) {
  if (!me.user) return;
  user = me.user;
  $('user-name').textContent = user;
  $('user').hidden = false;
  $('nickname').value = user;
  $('nickname').readOnly = true;
}

// Signed out, here or in another tab: the server closed this connection for good.
function signedOut() {
  Ambiorix.close();
  setStatus('signed out', 'signed-out');
  $('user').hidden = true;
  document.querySelector('main').hidden = true;
  $('signed-out').hidden = false;
}

// The close reasons of a connection whose user signed out or whose session ended.
const SIGNED_OUT = ['logged out', 'session ended', 'credentials expired'];

chat.receive('post', (post) => add(post.room, { kind: 'post', ...post }))
  .receive('direct', (direct) => add('@' + (direct.from === user ? direct.to : direct.from), postEntry(direct)))
  .receive('notice', (notice) => add(notice.room, { kind: 'notice', text: notice.text }))
  .receive('online', (online) => {
    room(online.room).online = online.names;
    if (online.room === current) renderRoom();
  })
  .on('open', () => {
    setStatus('connected', 'open');
    if (user === null) Ambiorix.request('me').then(signedIn, () => {});
    // With a session (Ambiorix.id() is known), the `recovered` hook follows: wait for it.
    if (nickname && Ambiorix.id() === null) rejoinAll();
  })
  .on('recovered', (result) => {
    if (!nickname) return;
    if (!result.recovered) {
      // A fresh start under a new id: join again, and reload what the rooms show.
      rejoinAll();
      return;
    }
    // The server kept the rooms and the presence, and replayed what was missed: keep the
    // log as it is, and send what waits.
    for (const state of rooms.values()) state.joined = true;
    renderRoom();
    flush();
  })
  .on('close', (info) => {
    if (info.code === 1008 && SIGNED_OUT.includes(info.reason)) {
      signedOut();
      return;
    }
    setStatus(info.reconnect ? 'reconnecting…' : 'disconnected', info.reconnect ? 'reconnecting' : 'closed');
    for (const state of rooms.values()) state.joined = false;
  })
  .on('reconnect', (info) => setStatus('reconnecting in ' + Math.ceil(info.delay / 1000) + ' s…', 'reconnecting'))
  .start();

$('join-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const wanted = user || $('nickname').value.trim();
  if (!wanted) return;
  nickname = wanted;
  $('join-error').hidden = true;
  try {
    current = await join($('room').value.trim() || 'general');
  } catch (error) {
    // A failed join can be tried again with another name.
    nickname = null;
    $('join-error').textContent = 'Could not join: ' + error.message;
    $('join-error').hidden = false;
    return;
  }
  $('join-view').hidden = true;
  $('chat-view').hidden = false;
  renderRoom();
  $('text').focus();
});

$('room-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const wanted = $('new-room').value.trim();
  if (!wanted) return;
  if (user && isDirect(wanted) && wanted.length > 1) {
    // '@bob': direct messages with bob.
    current = wanted;
    room(current);
    $('new-room').value = '';
    renderRoom();
    return;
  }
  try {
    current = await join(wanted);
    $('new-room').value = '';
    renderRoom();
  } catch (error) {
    add(current, { kind: 'notice', text: 'Could not join ' + wanted + ': ' + error.message });
  }
});

$('say-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('text').value.trim();
  if (!text) return;
  const entry = { kind: 'pending', author: nickname, text };
  const outgoing = { room: current, text, state: 'pending', since: Date.now(), entry };
  entry.outgoing = outgoing;
  outbox.push(outgoing);
  add(current, entry);
  $('text').value = '';
  flush();
});
