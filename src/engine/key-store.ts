import { createPrivateKey, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { KEY_REF_PATTERN } from '@shared/contract';
import { AppCode } from '@shared/errors';
import { MAX_HELD_KEYS, MAX_KEPT_KEYS } from '@shared/limits';
import { phrase, type Phrase, type PhraseKey } from '@shared/phrase';
import { fail, ok, type Result } from '@shared/result';

/** A private key main holds, and the certificate it was made with when main made it. */
export interface HeldKey {
  key: string;
  cert?: string;
}

const owner = { file: 0o600, folder: 0o700 } as const;

/** The PEM file of a key's export: its certificate first when main made it, as servers read them. */
export const exportedPem = (held: HeldKey): string => `${held.cert === undefined ? '' : `${held.cert.trimEnd()}\n`}${held.key.trimEnd()}\n`;

/**
 * Main's private keys (docs/security.md § TLS): the page names a key by an opaque reference and
 * never holds it. Keys of saved sessions are kept in `folder` (the app's own configuration
 * folder), one owner-only file each, so a saved TLS session reopens after a restart; the others
 * live in memory, at most MAX_HELD_KEYS of them, for as long as the process.
 */
export class KeyStore {
  /** In arrival order, so the oldest is the first to go. */
  private readonly held = new Map<string, HeldKey>();
  private readonly kept = new Set<string>();

  /** `folder` left out (stdio), keys live in memory only and `keep` says so. */
  constructor(private readonly folder?: string) {}

  /** Holds a key the caller checked is PEM; refused when OpenSSL cannot read it. */
  add(key: string, cert?: string): Result<string> {
    try {
      createPrivateKey(key);
    } catch (err) {
      const why = phrase('verbatim', { text: err instanceof Error ? err.message : String(err) });
      return fail(AppCode.InvalidArgument, phrase('tls.badMaterial', { why }), phrase('hint.tls.material'));
    }
    const ref = `key-${randomBytes(16).toString('hex')}`;
    this.held.set(ref, cert === undefined ? { key } : { key, cert });
    this.trim();
    return ok(ref);
  }

  /** The key `ref` names, from memory or from the folder where a saved session's key is kept. */
  async get(ref: string): Promise<Result<HeldKey>> {
    const held = this.held.get(ref);
    if (held) return ok(held);
    const file = this.fileOf(ref);
    if (file !== undefined) {
      const text = await fs.readFile(file, 'utf8').catch(() => undefined);
      const found = text === undefined ? undefined : keptKey(text);
      if (found) {
        this.held.set(ref, found);
        this.kept.add(ref);
        return ok(found);
      }
    }
    return fail(AppCode.NotFound, phrase('tls.keyUnknown', { keyRef: ref }), phrase('hint.tls.keyUnknown'));
  }

  /** Writes the key to the folder, owner-only, through a temporary file so a crash leaves no half key. */
  async keep(ref: string): Promise<Result<null>> {
    const found = await this.get(ref);
    if (!found.ok) return found;
    const file = this.fileOf(ref);
    const notKept = (why: Phrase, hint: PhraseKey) => fail(AppCode.BadState, phrase('tls.keyNotKept', { keyRef: ref, why }), phrase(hint));
    if (file === undefined) return notKept(phrase('tls.keyNoFolder'), 'hint.tls.keyNotKept');
    if (this.kept.has(ref)) return ok(null);
    if (this.kept.size >= MAX_KEPT_KEYS) return notKept(phrase('tls.keysFull', { max: String(MAX_KEPT_KEYS) }), 'hint.tls.keysFull');
    const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await fs.mkdir(path.dirname(file), { recursive: true, mode: owner.folder });
      await fs.writeFile(temporary, JSON.stringify(found.value), { mode: owner.file, flag: 'wx' });
      await fs.rename(temporary, file);
    } catch (err) {
      await fs.rm(temporary, { force: true }).catch(() => undefined);
      // A failed write (a full disk) names no path: the folder is said, so the user knows where to look.
      const why = phrase('verbatim', { text: err instanceof Error ? err.message : String(err) });
      return notKept(phrase('tls.keyFolderFailed', { folder: path.dirname(file), why }), 'hint.tls.keyNotWritten');
    }
    this.kept.add(ref);
    return ok(null);
  }

  /**
   * Frees the key on disk, and in memory unless an open session still names it (it may be saved
   * again); a key not held is already forgotten.
   */
  async forget(ref: string, inUse = false): Promise<void> {
    if (!inUse) this.held.delete(ref);
    this.kept.delete(ref);
    const file = this.fileOf(ref);
    if (file !== undefined) await fs.rm(file, { force: true }).catch(() => undefined);
  }

  /** Keys kept for saved sessions stay; of the others, the oldest go past the bound. */
  private trim(): void {
    let loose = [...this.held.keys()].filter((ref) => !this.kept.has(ref));
    while (loose.length > MAX_HELD_KEYS) {
      this.held.delete(loose[0]!);
      loose = loose.slice(1);
    }
  }

  private fileOf(ref: string): string | undefined {
    // The pattern is the contract's: hex after a fixed prefix, so it cannot name another file.
    if (this.folder === undefined || !KEY_REF_PATTERN.test(ref)) return undefined;
    return path.join(this.folder, `${ref}.json`);
  }
}

/** A kept key file read back: anyone with the user's rights may have edited it, so only its two strings are taken. */
function keptKey(text: string): HeldKey | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { key, cert } = parsed as { key?: unknown; cert?: unknown };
  if (typeof key !== 'string') return undefined;
  return typeof cert === 'string' ? { key, cert } : { key };
}
