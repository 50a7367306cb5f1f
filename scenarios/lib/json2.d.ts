// Types of json2.js (see there why it is JavaScript).

export declare class Json2ArgumentError extends Error {}

/** The JSON-2 body of an execute_kw call: `ids` for record methods, the rest by name. */
export declare function json2Body(
  method: string,
  args: readonly unknown[],
  kwargs?: Record<string, unknown>,
): Record<string, unknown>;

/** execute_kw's answer from JSON-2's (a single create's id rather than a list of one). */
export declare function json2Result(
  method: string,
  args: readonly unknown[],
  kwargs: Record<string, unknown> | undefined,
  value: unknown,
): unknown;

/** The error body Odoo 19 answers with (odoo/http.py serialize_exception). */
export interface Json2Error {
  name?: string;
  message?: string;
  debug?: string;
}

/** The fault code and fault string XML-RPC would give for an error answer. */
export declare function json2Fault(
  status: number,
  error: Json2Error,
): { faultCode: number; faultString: string };

/** True when a 404 is not Odoo 19's JSON-2 (whose 404s carry an exception name). */
export declare function isMissingJson2(status: number, error: Json2Error): boolean;
