// k6 side of bench/generator-efficiency.ts. MODE=client: one execute_kw per iteration through the
// scenarios' XML-RPC transport (encode, post, decode, classify) — with every scenario module
// loaded, as a peak-mix VU has them. MODE=static: post the same call pre-encoded, body discarded:
// the cheapest request k6 can make, the ceiling. MODE=static-tagged: the same pre-encoded post
// with what the contract asks of every request (model/method tags, the body read as text, the
// request timeout), so the gap to the client is our own code. MODE=floor: the least a client of
// this kind does per call: the body built in one template literal, the tagged post read as text,
// one look for a fault, and one JSON.parse of the decoded answer's JSON (no XML read at all): how
// close to static any XML-RPC client in k6's engine can get. MODE=idle: the iteration does
// nothing (k6's own upkeep at the same pace, subtracted from the paced modes). MODE=json2-client:
// the same read through the scenarios' JSON-2 transport (Odoo 19+); MODE=json2-static: that
// JSON-2 request pre-encoded, body discarded: JSON-2's ceiling.
// LOAD=rate: constant-arrival-rate at BENCH_RATE/s (the same pace for every mode); LOAD=vus:
// BENCH_VUS looping VUs (as fast as the target answers).
/* global __ENV, open */
import http from 'k6/http';
import { Json2Transport } from '../scenarios/k6/json2-transport.ts';
import { XmlRpcTransport } from '../scenarios/k6/xmlrpc-transport.ts';
import {
  CALL_TAIL,
  decodeMethodResponse,
  encodeCallHead,
  encodeParam,
} from '../scenarios/lib/xmlrpc-codec.ts';
import * as peakMix from '../scenarios/peak-mix.ts';

const mode = __ENV.MODE;
const target = {
  url: __ENV.BENCH_URL,
  db: __ENV.BENCH_DB,
  user: 'admin',
  secret: __ENV.BENCH_SECRET,
  secretKind: 'password',
};
const uid = Number(__ENV.BENCH_UID);
const recordId = Number(__ENV.BENCH_RECORD);
const staticBody = mode.startsWith('static') ? open(__ENV.BENCH_BODY_FILE) : '';
const transport = new XmlRpcTransport(target, '60s');
const json2 = new Json2Transport(
  { ...target, secret: __ENV.BENCH_API_KEY, secretKind: 'api_key' },
  '60s',
);
const json2StaticBody = mode === 'json2-static' ? open(__ENV.BENCH_JSON2_BODY_FILE) : '';
const json2StaticParams = {
  headers: {
    'Content-Type': 'application/json',
    Authorization: `bearer ${__ENV.BENCH_API_KEY}`,
    'X-Odoo-Database': target.db,
  },
  responseType: 'none',
};
const floorHead =
  mode === 'floor'
    ? encodeCallHead('execute_kw') +
      encodeParam(target.db) +
      encodeParam(uid) +
      encodeParam(target.secret) +
      encodeParam('res.partner') +
      encodeParam('read')
    : '';
const floorAnswer =
  mode === 'floor' ? JSON.stringify(decodeMethodResponse(open(__ENV.BENCH_ANSWER_FILE)).value) : '';
const floorParams = {
  headers: { 'Content-Type': 'text/xml' },
  tags: { model: 'res.partner', method: 'read' },
  timeout: '60s',
  responseType: 'text',
};
// Keeps the scenario modules loaded in every VU (their init code and memory count).
export const loadedScenarioModules = Object.keys(peakMix).length;

const vus = Number(__ENV.BENCH_VUS);
export const options = {
  scenarios: {
    bench:
      __ENV.LOAD === 'rate'
        ? {
            executor: 'constant-arrival-rate',
            rate: Number(__ENV.BENCH_RATE),
            timeUnit: '1s',
            duration: __ENV.BENCH_DURATION,
            preAllocatedVUs: vus,
            maxVUs: vus,
            exec: 'iteration',
          }
        : { executor: 'constant-vus', vus, duration: __ENV.BENCH_DURATION, exec: 'iteration' },
  },
};

export function iteration() {
  if (mode === 'idle') {
    // No request: what k6 spends on pacing, metrics and its own upkeep at this rate.
  } else if (mode === 'client') {
    const result = transport.executeKw(uid, 'res.partner', 'read', [[recordId], ['name']]);
    // Use the decoded value, as a scenario does.
    if (result.status !== 'value' || typeof result.value[0].name !== 'string') {
      throw new Error('unexpected answer');
    }
  } else if (mode === 'json2-client') {
    const result = json2.executeKw(uid, 'res.partner', 'read', [[recordId], ['name']]);
    if (result.status !== 'value' || typeof result.value[0].name !== 'string') {
      throw new Error('unexpected answer');
    }
  } else if (mode === 'json2-static') {
    http.post(`${target.url}/json/2/res.partner/read`, json2StaticBody, json2StaticParams);
  } else if (mode === 'floor') {
    const res = http.post(
      `${target.url}/xmlrpc/2/object`,
      `${floorHead}<param><value><array><data><value><array><data><value><int>${recordId}</int></value></data></array></value><value><array><data><value><string>name</string></value></data></array></value></data></array></value></param>${CALL_TAIL}`,
      floorParams,
    );
    if (res.body.indexOf('<fault>') >= 0) throw new Error('fault');
    const value = JSON.parse(floorAnswer);
    if (typeof value[0].name !== 'string') throw new Error('unexpected answer');
  } else if (mode === 'static-tagged') {
    http.post(`${target.url}/xmlrpc/2/object`, staticBody, {
      headers: { 'Content-Type': 'text/xml' },
      tags: { model: 'res.partner', method: 'read' },
      timeout: '60s',
      responseType: 'text',
    });
  } else {
    http.post(`${target.url}/xmlrpc/2/object`, staticBody, {
      headers: { 'Content-Type': 'text/xml' },
      responseType: 'none',
    });
  }
}
