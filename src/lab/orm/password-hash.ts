// Password and API-key hashes in passlib's pbkdf2_sha512 format, as Odoo stores them in
// res_users.password and res_users_apikeys.key: "$pbkdf2-sha512$<rounds>$<salt>$<checksum>",
// salt and checksum in passlib's "ab64" (base64 with '.' for '+', no padding). Node's crypto
// does the PBKDF2; passlib has no Node port, so only the format is written here.
// The lab's server verifies with verifySecret; bootstrap and res.users writes hash with hashSecret.
import { pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);

/** Odoo 17/18 user passwords (res_users.py MIN_ROUNDS). */
export const PASSWORD_ROUNDS = 600_000;
/** Odoo's API keys (res_users.py, apikeys: CryptContext with 6000 rounds). */
export const API_KEY_ROUNDS = 6_000;
/** passlib's defaults for pbkdf2_sha512. */
const SALT_BYTES = 16;
const CHECKSUM_BYTES = 64;
const PREFIX = '$pbkdf2-sha512$';

function ab64Encode(buffer: Buffer): string {
  return buffer.toString('base64').replace(/=+$/, '').replace(/\+/g, '.');
}

function ab64Decode(text: string): Buffer {
  return Buffer.from(text.replace(/\./g, '+'), 'base64');
}

export async function hashSecret(
  secret: string,
  rounds: number = PASSWORD_ROUNDS,
): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const checksum = await pbkdf2Async(secret, salt, rounds, CHECKSUM_BYTES, 'sha512');
  return `${PREFIX}${rounds}$${ab64Encode(salt)}$${ab64Encode(checksum)}`;
}

export interface ParsedHash {
  rounds: number;
  salt: Buffer;
  checksum: Buffer;
}

/** Parses a passlib pbkdf2_sha512 hash; undefined when it is not one. */
export function parseHash(hash: string): ParsedHash | undefined {
  if (!hash.startsWith(PREFIX)) return undefined;
  const [rounds, salt, checksum, ...rest] = hash.slice(PREFIX.length).split('$');
  if (rest.length > 0 || !rounds || !/^\d+$/.test(rounds) || !salt || !checksum) return undefined;
  return { rounds: Number(rounds), salt: ab64Decode(salt), checksum: ab64Decode(checksum) };
}

/** True when `secret` matches `hash`; a malformed hash never matches. */
export async function verifySecret(secret: string, hash: string): Promise<boolean> {
  const parsed = parseHash(hash);
  if (!parsed || parsed.checksum.length === 0) return false;
  const candidate = await pbkdf2Async(
    secret,
    parsed.salt,
    parsed.rounds,
    parsed.checksum.length,
    'sha512',
  );
  return timingSafeEqual(candidate, parsed.checksum);
}

/** An Odoo API key's first 8 characters are its lookup index (res_users_apikeys.index). */
export const API_KEY_INDEX_SIZE = 8;
