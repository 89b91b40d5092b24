// The least a Node server can do per WebSocket request, for bench/floor.bench.ts. The handshake by
// hand, then, per socket read, with no ws and no server package:
// - `fixed`: one fixed reply frame per complete client frame of the read, the frames only
//   counted (not unmasked nor read), so what is left is Node's own cost of a read and a write;
// - `engine`: each complete masked text frame of the read unmasked and handed to a
//   @nemesisdb/engine Engine, its replies framed and written at once: the engine's share.
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import process from 'node:process';
import { Engine } from '@nemesisdb/engine';

const mode = process.argv[2] ?? 'fixed';
const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const fixedText = Buffer.from('{"KV_GET_RSP":{"keys":{"key1":{"name":"user1","visits":1}},"st":1}}');
const fixedReply = Buffer.concat([Buffer.from([0x81, fixedText.length]), fixedText]);
const engine = new Engine();
const EMPTY = Buffer.alloc(0);

/**
 * Reply frames for the complete client frames at the start of `input`, and what is left of it:
 * the fixed reply for each (`fixed`), or the engine's answer to it.
 */
function executeFrames(input) {
  const replies = [];
  let at = 0;
  for (;;) {
    if (input.length - at < 2) break;
    let length = input[at + 1] & 0x7f;
    let header = 2;
    if (length === 126) {
      if (input.length - at < 4) break;
      length = input.readUInt16BE(at + 2);
      header = 4;
    }
    const mask = at + header;
    const start = mask + 4;
    const end = start + length;
    if (end > input.length) break;
    at = end;
    if (mode === 'fixed') {
      replies.push(fixedReply);
      continue;
    }
    for (let i = start; i < end; i++) input[i] ^= input[mask + ((i - start) & 3)];
    const reply = Buffer.from(engine.execute(input.toString('utf8', start, end)));
    replies.push(
      reply.length < 126 ? Buffer.from([0x81, reply.length]) : Buffer.from([0x81, 126, reply.length >> 8, reply.length & 0xff]),
      reply,
    );
  }
  return { replies, rest: input.subarray(at) };
}

const server = createServer();
server.on('upgrade', (request, socket) => {
  const accept = createHash('sha1').update(`${request.headers['sec-websocket-key']}${WEBSOCKET_GUID}`).digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  socket.setNoDelay(true);
  socket.on('error', () => {}); // the bench's connections just go away
  let pending = EMPTY;
  socket.on('data', (chunk) => {
    const { replies, rest } = executeFrames(pending.length === 0 ? chunk : Buffer.concat([pending, chunk]));
    pending = rest.length === 0 ? EMPTY : Buffer.from(rest); // a frame cut by the read, kept for the next
    if (replies.length === 1) socket.write(replies[0]);
    else if (replies.length > 1) socket.write(Buffer.concat(replies));
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`ws://127.0.0.1:${server.address().port}\n`));
process.once('SIGTERM', () => process.exit(0)); // a normal exit, so that --cpu-prof writes its profile
