// The chat page. Everything a person typed is shown with textContent, never as HTML.
const $ = (id) => document.getElementById(id);
const chat = new Ambiorix();
let nickname = null;

function setStatus(text, state) {
  $('status').textContent = text;
  $('status').dataset.state = state;
}

function append(item) {
  const list = $('messages');
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.appendChild(item);
  if (atBottom) list.scrollTop = list.scrollHeight;
}

function showPost(post) {
  const item = document.createElement('li');
  item.className = post.author === nickname ? 'post mine' : 'post';
  const time = document.createElement('time');
  time.dateTime = post.time;
  time.textContent = new Date(post.time).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const author = document.createElement('strong');
  author.textContent = post.author;
  const text = document.createElement('span');
  text.textContent = post.text;
  item.append(time, author, text);
  append(item);
}

function showNotice(text) {
  const item = document.createElement('li');
  item.className = 'notice';
  item.textContent = text;
  append(item);
}

function showOnline(names) {
  $('online').replaceChildren(...names.map((name) => {
    const item = document.createElement('li');
    item.textContent = name;
    return item;
  }));
  $('online-count').textContent = '(' + names.length + ')';
}

// Joining answers with the recent messages, so a newcomer (or a page that reconnected) catches up.
async function join() {
  try {
    const recent = await Ambiorix.request('join', { nickname });
    $('messages').replaceChildren();
    recent.forEach(showPost);
    showNotice('You are in as ' + nickname);
  } catch (error) {
    showNotice('Could not join: ' + error.message);
  }
}

chat.receive('post', showPost)
  .receive('notice', showNotice)
  .receive('online', showOnline)
  .on('open', () => {
    setStatus('connected', 'open');
    if (nickname) join();
  })
  .on('close', () => setStatus('reconnecting…', 'reconnecting'))
  .on('reconnect', (info) => setStatus('reconnecting in ' + Math.ceil(info.delay / 1000) + ' s…', 'reconnecting'))
  .start();

$('join-form').addEventListener('submit', (event) => {
  event.preventDefault();
  nickname = $('nickname').value.trim();
  if (!nickname) return;
  $('join-view').hidden = true;
  $('chat-view').hidden = false;
  $('text').focus();
  if (Ambiorix.state() === 'open') join();
});

$('say-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('text').value.trim();
  if (!text) return;
  // Sent now, or queued and sent once the connection is back.
  Ambiorix.send('say', { text });
  $('text').value = '';
});
