// kubectl as `k8s run` uses it: one process per call, stdin in, stdout back, and kubectl's
// failures turned into one line each (not installed, no context, cluster unreachable, forbidden,
// k6-operator missing) with the exit code of the toolkit's conventions.
import { spawn } from 'node:child_process';
import { BadInputError, UnreachableError, type OcError } from '../core/errors.js';
import { redact } from '../core/redact.js';

export interface KubectlOptions {
  /** The kubectl binary (default: $KUBECTL, else kubectl on PATH). */
  binary?: string;
  /** --context, when not the current one. */
  context?: string;
  /** --kubeconfig, when not $KUBECONFIG's. */
  kubeconfig?: string;
  namespace: string;
}

export interface KubectlCall {
  input?: string | Buffer;
  /** Ends the call after this long (default 60 s). */
  timeoutMs?: number;
}

export type Kubectl = (args: string[], call?: KubectlCall) => Promise<string>;

/** kubectl's error output as the one line worth showing: its `error:` line, else its last one. */
function firstError(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^[EWI]\d{4} /.test(l));
  const line =
    lines.find((l) => /^(error|Error from server)/.test(l)) ?? lines.at(-1) ?? 'no output';
  return redact(line.length > 300 ? `${line.slice(0, 300)}…` : line);
}

const UNREACHABLE =
  /connection refused|Unable to connect|i\/o timeout|no such host|was refused|connection reset|EOF$/im;
/** The API server answered, but cannot serve now: it or etcd is restarting or overloaded. */
const OVERLOADED =
  /\((ServiceUnavailable|InternalError|TooManyRequests|Timeout)\)|etcdserver: |the server is currently unable/i;

/** What a failed kubectl call means for the user, as one of the toolkit's errors. */
export function kubectlFailure(what: string, stderr: string): OcError {
  const line = firstError(stderr);
  if (
    /current-context is not set|no configuration has been provided|context .* does not exist/i.test(
      stderr,
    )
  ) {
    return new BadInputError(`kubectl: no Kubernetes context (${line})`, {
      hint: 'Point kubectl at the cluster: set KUBECONFIG or pass --context <name> (kubectl config get-contexts).',
    });
  }
  if (/\(Forbidden\)|forbidden:/i.test(stderr)) {
    return new BadInputError(`kubectl ${what}: forbidden: ${line}`, {
      hint: 'Your account needs create, get, delete on configmaps, pods, pods/exec and testruns.k6.io in the namespace.',
    });
  }
  if (
    /doesn't have a resource type "testruns"|no matches for kind "TestRun"|resource mapping not found/i.test(
      stderr,
    )
  ) {
    return new UnreachableError(`kubectl ${what}: k6-operator is not installed (${line})`, {
      hint: 'Install k6-operator in the cluster (its TestRun CRD, testruns.k6.io), then try again.',
    });
  }
  if (/timed out waiting for the condition/i.test(stderr)) {
    return new UnreachableError(`kubectl ${what}: timed out (${line})`, {
      hint: 'Can the pod be scheduled, pull its image and mount the results claim? kubectl describe pod <name> says why not.',
    });
  }
  if (UNREACHABLE.test(stderr)) {
    return new UnreachableError(`kubectl ${what}: cluster unreachable (${line})`);
  }
  if (OVERLOADED.test(stderr)) {
    return new UnreachableError(`kubectl ${what}: the API server is unavailable (${line})`);
  }
  return new BadInputError(`kubectl ${what}: ${line}`);
}

/** Whether a kubectl failure may pass by itself: the cluster unreachable or briefly unavailable. */
export function isTransientKubectlError(error: unknown): boolean {
  return (
    error instanceof UnreachableError &&
    /: (cluster unreachable|the API server is unavailable|no answer in time)/.test(error.message)
  );
}

/** A kubectl bound to a context and namespace. */
export function kubectl(options: KubectlOptions): Kubectl {
  const binary = options.binary ?? process.env.KUBECTL ?? 'kubectl';
  const scope = [
    ...(options.kubeconfig ? ['--kubeconfig', options.kubeconfig] : []),
    ...(options.context ? ['--context', options.context] : []),
    '--namespace',
    options.namespace,
  ];
  return (args, call = {}) =>
    new Promise((resolve, reject) => {
      // The verb and its objects, e.g. "get secret odoo-capacity-target" (never "secret: …",
      // which log redaction would read as an assignment).
      const firstFlag = args.findIndex((a) => a.startsWith('-'));
      const what = args.slice(0, Math.min(firstFlag === -1 ? args.length : firstFlag, 3)).join(' ');
      const child = spawn(binary, [...scope, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      const timer = setTimeout(() => child.kill('SIGTERM'), call.timeoutMs ?? 60_000);
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      child.stdin.on('error', () => undefined);
      child.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(
          error.code === 'ENOENT'
            ? new UnreachableError(`kubectl not found: ${binary}`, {
                hint: 'Install kubectl, or set KUBECTL to its path.',
              })
            : new UnreachableError(`kubectl ${what}: ${error.message}`),
        );
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        const stderr = Buffer.concat(err).toString('utf8');
        if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
        else if (signal) reject(new UnreachableError(`kubectl ${what}: no answer in time`));
        else reject(kubectlFailure(what, stderr));
      });
      child.stdin.end(call.input ?? '');
    });
}
