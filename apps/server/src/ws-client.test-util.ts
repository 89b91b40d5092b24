// A WebSocket client for the app's tests: requests answered in request order, the code the server
// closed with, and every client cut after each test.
import { afterEach } from 'vitest';
import { WebSocket } from 'ws';

const clients: WebSocket[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.terminate();
});

/** Opens a connection (rejects when the server refuses it); `request` resolves with the reply text. */
export async function openClient(url: string) {
  const ws = new WebSocket(url);
  clients.push(ws);
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  ws.on('error', () => {});
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  // Replies come in request order, so each one answers the oldest request still waiting.
  const waiting: ((text: string) => void)[] = [];
  ws.on('message', (data) => waiting.shift()?.(String(data)));
  const request = (text: string) =>
    new Promise<string>((resolve) => {
      waiting.push(resolve);
      ws.send(text);
    });
  return { ws, closed, request, close: () => ws.close() };
}
