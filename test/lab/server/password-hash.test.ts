// Password hashes in passlib's pbkdf2_sha512 format, checked against Python's own PBKDF2.
import { execFileSync } from 'node:child_process';
import { API_KEY_ROUNDS, hashSecret, verifySecret } from '../../../src/lab/orm/password-hash.js';

/** A passlib-format hash computed by Python's hashlib, not by the code under test. */
function pythonHash(secret: string, rounds: number): string {
  const script = `
import base64, hashlib, sys
salt = bytes(range(16))
dk = hashlib.pbkdf2_hmac('sha512', sys.argv[1].encode(), salt, int(sys.argv[2]))
ab64 = lambda b: base64.b64encode(b).decode().rstrip('=').replace('+', '.')
print(f"$pbkdf2-sha512\${sys.argv[2]}\${ab64(salt)}\${ab64(dk)}")`;
  return execFileSync('python3', ['-c', script, secret, String(rounds)], {
    encoding: 'utf8',
  }).trim();
}

describe('passlib pbkdf2_sha512 hashes', () => {
  it('verifies a hash made by Python and refuses a wrong secret', async () => {
    const hash = pythonHash('s3cret-é', API_KEY_ROUNDS);
    await expect(verifySecret('s3cret-é', hash)).resolves.toBe(true);
    await expect(verifySecret('s3cret-e', hash)).resolves.toBe(false);
  });

  it('writes hashes in the format Python verifies the same way', async () => {
    const hash = await hashSecret('abc', 1000);
    expect(hash).toMatch(/^\$pbkdf2-sha512\$1000\$[A-Za-z0-9./]{22}\$[A-Za-z0-9./]{86}$/);
    await expect(verifySecret('abc', hash)).resolves.toBe(true);
  });

  it('refuses hashes of other formats', async () => {
    await expect(verifySecret('admin', 'admin')).resolves.toBe(false);
    await expect(verifySecret('admin', '$pbkdf2-sha512$x$y$z')).resolves.toBe(false);
  });
});
