// The chat page. Everything a person typed is shown with textContent, never as HTML.
const $ = (id) => document.getElementById(id);
const chat = new Ambiorix();
// Which person this browser is, so that two tabs of one person count once.
const person = localStorage.getItem('chat-person')
  || (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2) + Date.now());
localStorage.setItem('chat-person', person);
let nickname = null;
let current = null;
const rooms = new Map(); // room -> { log: [entry], online: [name], joined: boolean }
const outbox = []; // posts not yet confirmed: { room, text, state: 'pending' | 'failed', since }
const PENDING_LIMIT_MS = 60000;

function room(name) {
  if (!rooms.has(name)) rooms.set(name, { log: [], online: [], joined: false });
  return rooms.get(name);
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
  $('room-title').textContent = '# ' + current;
  $('messages').replaceChildren(...state.log.map(render));
  $('messages').scrollTop = $('messages').scrollHeight;
  $('online').replaceChildren(...state.online.map((name) => {
    const item = document.createElement('li');
    item.textContent = name;
    return item;
  }));
  $('online-count').textContent = '(' + state.online.length + ')';
  $('rooms').replaceChildren(...[...rooms.keys()].map((name) => {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = '# ' + name;
    if (name === current) button.setAttribute('aria-current', 'true');
    button.addEventListener('click', () => { current = name; renderRoom(); });
    item.append(button);
    return item;
  }));
}

function add(roomName, entry) {
  room(roomName).log.push(entry);
  if (roomName === current) {
    const list = $('messages');
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    list.appendChild(render(entry));
    if (atBottom) list.scrollTop = list.scrollHeight;
  }
}

// Joining answers with the room's recent posts, so a newcomer (or a page whose recovery
// failed) catches up.
async function join(roomName) {
  const joined = await Ambiorix.request('join', { nickname, room: roomName, person });
  const state = room(joined.room);
  const pending = state.log.filter((entry) => entry.kind !== 'post' && entry.kind !== 'notice');
  state.log = joined.recent.map((post) => ({ kind: 'post', ...post })).concat(pending);
  state.joined = true;
  return joined.room;
}

async function rejoinAll() {
  for (const name of rooms.keys()) {
    room(name).joined = false;
  }
  for (const name of [...rooms.keys()]) {
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
    Ambiorix.request('say', { room: outgoing.room, text: outgoing.text }, { timeout: 10000 })
      .then((post) => {
        outbox.splice(outbox.indexOf(outgoing), 1);
        const log = room(outgoing.room).log;
        log.splice(log.indexOf(outgoing.entry), 1, { kind: 'post', ...post });
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

chat.receive('post', (post) => add(post.room, { kind: 'post', ...post }))
  .receive('notice', (notice) => add(notice.room, { kind: 'notice', text: notice.text }))
  .receive('online', (online) => {
    room(online.room).online = online.names;
    if (online.room === current) renderRoom();
  })
  .on('open', () => {
    setStatus('connected', 'open');
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
    setStatus(info.reconnect ? 'reconnecting…' : 'disconnected', info.reconnect ? 'reconnecting' : 'closed');
    for (const state of rooms.values()) state.joined = false;
  })
  .on('reconnect', (info) => setStatus('reconnecting in ' + Math.ceil(info.delay / 1000) + ' s…', 'reconnecting'))
  .start();

$('join-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const wanted = $('nickname').value.trim();
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
