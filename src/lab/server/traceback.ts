// The Python traceback fault 1 carries, shaped like Odoo's but with the lab's own frames; its
// last line `<ExceptionType>: <message>` is what clients classify.

/** Dispatch stages, outermost first, as frames of the lab's own server modules. */
export type Frame = readonly [file: string, func: string, code: string];

export const FRAMES = {
  rpc: ['odoo-capacity/lab/server/worker', 'xmlrpc_2', 'response = self._xmlrpc(service)'],
  dispatchRpc: [
    'odoo-capacity/lab/server/dispatch',
    'dispatch_rpc',
    'return dispatch(method, params)',
  ],
  object: [
    'odoo-capacity/lab/server/dispatch',
    'dispatch',
    'res = execute_kw(db, uid, *params[3:])',
  ],
  execute: [
    'odoo-capacity/lab/server/dispatch',
    'execute',
    'res = execute_cr(cr, uid, obj, method, *args, **kw)',
  ],
  publicMethod: [
    'odoo-capacity/lab/server/dispatch',
    'get_public_method',
    'raise AttributeError(...)',
  ],
  retrying: ['odoo-capacity/lab/server/transaction', 'retrying', 'result = func()'],
  callKw: ['odoo-capacity/lab/orm', 'call_kw', 'result = getattr(recs, name)(*args, **kwargs)'],
  registry: ['odoo-capacity/lab/server/dispatch', 'registry', 'cr = db_connect(db_name).cursor()'],
  marshal: [
    'odoo-capacity/lab/server/codec',
    'dumps',
    'response = dumps((result,), methodresponse=1, allow_none=False)',
  ],
  common: ['odoo-capacity/lab/server/dispatch', 'dispatch', "return g['exp_' + method](*params)"],
  db: ['odoo-capacity/lab/server/dispatch', 'dispatch', "return g['exp_' + method](*params)"],
  loads: ['odoo-capacity/lab/server/codec', 'loads', 'params, method = loads(data)'],
} as const satisfies Record<string, Frame>;

export function formatTraceback(
  frames: readonly Frame[],
  pythonType: string,
  message: string,
): string {
  const lines = ['Traceback (most recent call last):'];
  for (const [file, func, code] of frames) {
    lines.push(`  File "${file}", line 1, in ${func}`, `    ${code}`);
  }
  lines.push(`${pythonType}: ${message}`, '');
  return lines.join('\n');
}
