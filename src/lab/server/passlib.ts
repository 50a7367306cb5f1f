// Password and API-key hashes in passlib's pbkdf2_sha512 format, which Odoo stores in
// res_users.password and res_users_apikeys.key: `$pbkdf2-sha512$<rounds>$<salt>$<checksum>`,
// salt and checksum in passlib's "ab64" (base64 with '.' for '+', no padding). Written here
// because no npm package reads passlib's format; the hashing itself is Node's crypto.pbkdf2,
// which runs in libuv's thread pool.
import { pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);

/** Odoo 17/18 MIN_ROUNDS for user passwords (res_users.py). */
export const PASSWORD_ROUNDS = 600_000;
/** Odoo's rounds for API keys (res_users_apikeys, KEY_CRYPT_CONTEXT). */
export const API_KEY_ROUNDS = 6_000;

const PREFIX = '$pbkdf2-sha512$';
const SALT_BYTES = 16;
const CHECKSUM_BYTES = 64;

function toAb64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '').replace(/\+/g, '.');
}

function fromAb64(text: string): Buffer {
  return Buffer.from(text.replace(/\./g, '+'), 'base64');
}

/** Hashes a secret as passlib's pbkdf2_sha512.hash would. */
export async function hashSecret(secret: string, rounds: number): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const checksum = await pbkdf2Async(secret, salt, rounds, CHECKSUM_BYTES, 'sha512');
  return `${PREFIX}${rounds}$${toAb64(salt)}$${toAb64(checksum)}`;
}

/** Whether `secret` matches a passlib pbkdf2_sha512 hash; false for any other format. */
export async function verifySecret(secret: string, hash: string): Promise<boolean> {
  if (!hash.startsWith(PREFIX)) return false;
  const [roundsText, saltText, checksumText] = hash.slice(PREFIX.length).split('$');
  const rounds = Number(roundsText);
  if (!Number.isInteger(rounds) || rounds < 1 || !saltText || !checksumText) return false;
  const expected = fromAb64(checksumText);
  const actual = await pbkdf2Async(secret, fromAb64(saltText), rounds, expected.length, 'sha512');
  return expected.length > 0 && timingSafeEqual(actual, expected);
}
