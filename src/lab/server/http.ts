// What werkzeug does at the HTTP level for Odoo, shared by the master and its workers: the path
// a route sees, and the HTML pages of its HTTP errors (werkzeug.exceptions).

const UTF8 = new TextDecoder('utf-8');
const HEX = /^[0-9a-fA-F]{2}$/;

/**
 * The request path as werkzeug hands it to Odoo's routes: the query string cut off, each %XX
 * decoded to its byte (a `%` without two hex digits kept as it is), the bytes read as UTF-8 with
 * U+FFFD for each invalid one. `/xmlrpc/2/%E0` is the service '\ufffd' (KeyError on Odoo), never
 * an exception.
 */
export function routePath(rawUrl: string): string {
  const raw = rawUrl.split('?', 1)[0]!;
  if (!raw.includes('%')) return raw;
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const escape = raw.slice(i + 1, i + 3);
    if (raw[i] === '%' && HEX.test(escape)) {
      bytes.push(parseInt(escape, 16));
      i += 2;
      continue;
    }
    const code = raw.charCodeAt(i);
    // WSGI's PATH_INFO carries each byte of the request line as one latin-1 character.
    if (code < 0x100) bytes.push(code);
    else bytes.push(...Buffer.from(raw[i]!, 'utf8'));
  }
  return UTF8.decode(Uint8Array.from(bytes));
}

export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
}

const HTML = 'text/html; charset=utf-8';

function page(status: number, title: string, text: string): HttpAnswer {
  return {
    status,
    contentType: HTML,
    body: `<!doctype html>\n<html lang=en>\n<title>${status} ${title}</title>\n<h1>${title}</h1>\n<p>${text}</p>\n`,
  };
}

export const NOT_FOUND = page(404, 'Not Found', 'The requested URL was not found on the server.');
export const METHOD_NOT_ALLOWED = page(
  405,
  'Method Not Allowed',
  'The method is not allowed for the requested URL.',
);
export const PAYLOAD_TOO_LARGE = page(
  413,
  'Request Entity Too Large',
  'The data value transmitted exceeds the capacity limit.',
);
export const INTERNAL_SERVER_ERROR = page(
  500,
  'Internal Server Error',
  'The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.',
);
export const SERVICE_UNAVAILABLE = page(
  503,
  'Service Unavailable',
  'The server is temporarily unable to service your request due to maintenance downtime or capacity problems. Please try again later.',
);
