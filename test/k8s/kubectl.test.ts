// kubectl's failures as one line each, from the messages kubectl 1.32 prints (recorded from a
// real kubectl against a kube-apiserver; Forbidden as the API server words it under RBAC).
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/errors.js';
import { kubectlFailure } from '../../src/k8s/kubectl.js';

describe('kubectlFailure', () => {
  it('names a forbidden call and what rights are needed (exit 2)', () => {
    const error = kubectlFailure(
      'get testruns.k6.io',
      'Error from server (Forbidden): testruns.k6.io is forbidden: User "ci" cannot list resource "testruns" in API group "k6.io" in the namespace "loadtest"\n',
    );
    expect(error.exitCode).toBe(ExitCode.badInput);
    expect(error.message).toBe(
      'kubectl get testruns.k6.io: forbidden: Error from server (Forbidden): testruns.k6.io is forbidden: User "ci" cannot list resource "testruns" in API group "k6.io" in the namespace "loadtest"',
    );
    expect(error.hint).toMatch(/testruns\.k6\.io/);
  });

  it('says k6-operator is missing when the cluster has no TestRun kind (exit 3)', () => {
    for (const stderr of [
      'error: the server doesn\'t have a resource type "testruns"\n',
      'error: resource mapping not found for name: "x" namespace: "" from "STDIN": no matches for kind "TestRun" in version "k6.io/v1alpha1"\nensure CRDs are installed first\n',
    ]) {
      const error = kubectlFailure('apply --server-side', stderr);
      expect(error.exitCode).toBe(ExitCode.unreachable);
      expect(error.message).toMatch(
        /^kubectl apply --server-side: k6-operator is not installed \(/,
      );
      expect(error.message).not.toContain('\n');
    }
  });

  it('keeps kubectl’s error line, not its klog noise', () => {
    const error = kubectlFailure(
      'get secret',
      'E1204 13:34:51.377541   31378 memcache.go:265] "Unhandled Error" err="couldn\'t get current server API group list"\nError from server (NotFound): secrets "odoo-capacity-target" not found\n',
    );
    expect(error.message).toBe(
      'kubectl get secret: Error from server (NotFound): secrets "odoo-capacity-target" not found',
    );
  });
});
