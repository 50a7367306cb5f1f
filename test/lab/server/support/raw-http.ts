// Raw HTTP/1.1 over a TCP socket for requests no well-behaved client sends; resolves with what the
// server sent before closing (`status: 0` when it closed without an answer).
import { connect } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function parseRawAnswer(raw: string): RawAnswer {
  // Interim answers (100 Continue) come before the final one.
  while (/^HTTP\/1\.[01] 1\d\d /.test(raw) && raw.includes('\r\n\r\n')) {
    raw = raw.slice(raw.indexOf('\r\n\r\n') + 4);
  }
  const split = raw.indexOf('\r\n\r\n');
  const head = split < 0 ? raw : raw.slice(0, split);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  return { status, headers, body: split < 0 ? '' : raw.slice(split + 4) };
}

/**
 * Sends `data` as it is (request line, headers, blank line, body) and waits for the server to
 * close (the lab answers `Connection: close`). The socket is never half-closed, as Node's server
 * drops the request of a client that does so: headers or a body cut short must be timed out by
 * the server.
 */
export function rawRequest(url: string, data: Buffer | string): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // A server that answers before reading the whole body may reset the connection.
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') return;
      reject(error);
    });
    socket.on('close', () => resolve(parseRawAnswer(Buffer.concat(chunks).toString('utf8'))));
    socket.write(data);
  });
}

/** The request line and headers of a request to the lab at `url`, with the blank line. */
export function requestHead(url: string, method: string, path: string, headers: string[]): string {
  return [`${method} ${path} HTTP/1.1`, `Host: ${new URL(url).host}`, ...headers, '', ''].join(
    '\r\n',
  );
}

/** A POST of `body` to `path` exactly as given (no normalisation of the path). */
export function rawPost(url: string, path: string, body: string): Promise<RawAnswer> {
  const head = requestHead(url, 'POST', path, [
    'Content-Type: text/xml',
    `Content-Length: ${Buffer.byteLength(body)}`,
  ]);
  return rawRequest(url, head + body);
}
