// One HTTP POST for the transports: k6's http.post with the request's tags and timeout, and
// transport failures (no answer in time, connection refused or reset) as tagged CallFailures.
import http, { type RefinedResponse } from 'k6/http';
import { CallFailure } from '../lib/call-failure.ts';
import { callName, type CallTags } from '../lib/transport.ts';

/** k6's error_code for a request that timed out (k6 docs, "Error codes"). */
const REQUEST_TIMEOUT = 1050;

/** The parameters of one kind of request. k6 only reads them, so one object serves every call. */
export interface PostParams {
  headers: Record<string, string>;
  /**
   * The call's tags and `call` = "model.method", the key of step.json's per-call statistics: k6
   * sets the `method` tag itself (the HTTP method), so only `model` of CallTags reaches a sample.
   */
  tags: CallTags & { call: string };
  timeout: string;
  responseType: 'text';
}

export function postParams(
  headers: Record<string, string>,
  tags: CallTags,
  timeout: string,
): PostParams {
  return { headers, tags: { ...tags, call: callName(tags) }, timeout, responseType: 'text' };
}

export function post(url: string, body: string, params: PostParams): RefinedResponse<'text'> {
  const res = http.post(
    url,
    body,
    params as unknown as Parameters<typeof http.post>[2],
  ) as RefinedResponse<'text'>;
  // Reading a response's fields crosses into Go: look at the error only when there is one.
  if (res.status !== 0) return res;
  const call = callName(params.tags);
  if (res.error_code === REQUEST_TIMEOUT) {
    throw new CallFailure('timeout', call, `no answer within ${params.timeout}`);
  }
  throw new CallFailure('http', call, `no HTTP answer from ${url} (${res.error})`);
}
