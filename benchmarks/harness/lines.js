// A child process's output, line by line, shared by the harness's scripts.

// Calls onLine with each line a stream writes, in order; an async onLine is awaited
// before the next line, as the load generator's READY / GO / END / RESULT exchange needs.
function onLines(stream, onLine) {
  let buffered = '';
  stream.on('data', async (chunk) => {
    buffered += chunk.toString();
    let newline;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      await onLine(line);
    }
  });
}

module.exports = { onLines };
