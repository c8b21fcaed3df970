import { jest } from '@jest/globals';
import * as crypto from 'node:crypto';
import type { BinaryLike, ScryptOptions } from 'node:crypto';

/**
 * Every password key derivation that the code under test runs, recorded where it happens: at
 * node:crypto's `pbkdf2` and `scrypt`, which this module replaces (for `node:crypto` and
 * `crypto`) by wrappers that record each call and then run the real one. Tests compare the
 * derivations of two paths (a login for an unknown user and one with a wrong password, say):
 * the same derivations with the same parameters are the same work, whatever the machine's load,
 * where two measured times on a shared machine are not.
 *
 * jest.unstable_mockModule reaches only the modules loaded after it: import this module first,
 * and the code under test afterwards, dynamically (`const { ... } = await import('...')`).
 *
 * `hold()` keeps each derivation's result from its caller until `release()`: the derivation
 * itself runs (in libuv's thread pool), but for its caller it is unfinished, so a test can show
 * what else gets done meanwhile by the order of events rather than by milliseconds. The blocking
 * forms (`pbkdf2Sync`, `scryptSync`) are recorded apart: each stops the event loop for the
 * whole derivation.
 */

export type KeyDerivation =
  | {
      function: 'pbkdf2';
      digest: string;
      iterations: number;
      keyLength: number;
      saltLength: number;
      /** 'running' until the caller has the result, then whether it was a key or an error. */
      outcome: Outcome;
    }
  | {
      function: 'scrypt';
      N: number;
      r: number;
      p: number;
      keyLength: number;
      saltLength: number;
      outcome: Outcome;
    };

type Outcome = 'running' | 'key' | 'error';
type Callback = (error: Error | null, key: Buffer) => void;

class KeyDerivationRecorder {
  private recorded: KeyDerivation[] = [];
  private held: (() => void)[] | undefined;
  private waiters: { count: number; resolve: () => void }[] = [];
  /** `pbkdf2Sync` and `scryptSync` calls since the last `reset()`. */
  readonly blocking: ('pbkdf2Sync' | 'scryptSync')[] = [];

  /** The derivations started since the last `take()` or `reset()`, oldest first; forgets them. */
  take(): KeyDerivation[] {
    return this.recorded.splice(0);
  }

  /** Forgets what was recorded, and releases whatever is held. */
  reset(): void {
    this.release();
    this.recorded = [];
    this.blocking.length = 0;
  }

  /** Derivations whose caller has not had the result yet (running, or held). */
  get running(): number {
    return this.recorded.filter((derivation) => derivation.outcome === 'running').length;
  }

  /** Resolves once `count` derivations have been started (counted since the last take or reset). */
  whenStarted(count: number): Promise<void> {
    if (this.recorded.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  /** From now on, results wait until `release()` before they reach their callers. */
  hold(): void {
    this.held ??= [];
  }

  /** Hands the held results to their callers, in order, and stops holding. */
  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const deliver of held) deliver();
  }

  /** Records a derivation; its callback, wrapped to report the outcome (and wait while held). */
  start(derivation: KeyDerivation, callback: Callback): Callback {
    this.recorded.push(derivation);
    for (const waiter of this.waiters.filter(({ count }) => this.recorded.length >= count)) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    return (error, key) => {
      const deliver = (): void => {
        derivation.outcome = error ? 'error' : 'key';
        callback(error, key);
      };
      if (this.held) this.held.push(deliver);
      else deliver();
    };
  }
}

export const derivations = new KeyDerivationRecorder();

const byteLength = (value: BinaryLike): number =>
  typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.byteLength;

function pbkdf2(
  password: BinaryLike,
  salt: BinaryLike,
  iterations: number,
  keylen: number,
  digest: string,
  callback: Callback,
): void {
  const recorded: KeyDerivation = {
    function: 'pbkdf2',
    digest,
    iterations,
    keyLength: keylen,
    saltLength: byteLength(salt),
    outcome: 'running',
  };
  const done = derivations.start(recorded, callback);
  try {
    crypto.pbkdf2(password, salt, iterations, keylen, digest, done);
  } catch (error) {
    recorded.outcome = 'error';
    throw error;
  }
}

function scrypt(
  password: BinaryLike,
  salt: BinaryLike,
  keylen: number,
  optionsOrCallback: ScryptOptions | Callback,
  maybeCallback?: Callback,
): void {
  const options = typeof optionsOrCallback === 'function' ? {} : optionsOrCallback;
  const callback = typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback;
  if (callback === undefined) throw new TypeError('scrypt: no callback');
  const recorded: KeyDerivation = {
    function: 'scrypt',
    // Node's defaults and aliases, so that equal work is recorded alike however it was asked for.
    N: options.N ?? options.cost ?? 16384,
    r: options.r ?? options.blockSize ?? 8,
    p: options.p ?? options.parallelization ?? 1,
    keyLength: keylen,
    saltLength: byteLength(salt),
    outcome: 'running',
  };
  const done = derivations.start(recorded, callback);
  try {
    crypto.scrypt(password, salt, keylen, options, done);
  } catch (error) {
    recorded.outcome = 'error';
    throw error;
  }
}

const pbkdf2Sync: typeof crypto.pbkdf2Sync = (...args) => {
  derivations.blocking.push('pbkdf2Sync');
  return crypto.pbkdf2Sync(...args);
};

const scryptSync: typeof crypto.scryptSync = (...args) => {
  derivations.blocking.push('scryptSync');
  return crypto.scryptSync(...args);
};

const wrapped = { pbkdf2, scrypt, pbkdf2Sync, scryptSync };
// The default export too (`import crypto from 'node:crypto'`): the same functions.
const recordingCrypto = () => ({ ...crypto, ...wrapped, default: { ...crypto, ...wrapped } });
jest.unstable_mockModule('node:crypto', recordingCrypto);
jest.unstable_mockModule('crypto', recordingCrypto);
