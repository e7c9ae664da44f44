import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { readOwnText } from '../fs/read-policy.js';

/**
 * The deliveries already handled, by X-GitHub-Delivery id, kept in the data folder so that a
 * redelivery is recognised after a restart too. Ids are appended as each delivery finishes;
 * the file is cut back to the newest `keep` on start (GitHub redelivers on request, for days,
 * not forever).
 */
const ID = /^[A-Za-z0-9-]{1,64}$/;

export class DeliveryLog {
  private readonly done = new Set<string>();
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly file: string,
    keep = 100_000,
  ) {
    mkdirSync(dirname(file), { recursive: true });
    if (existsSync(file)) {
      const ids = readOwnText(file).split('\n').filter((l) => ID.test(l));
      const kept = ids.slice(-keep);
      for (const id of kept) this.done.add(id);
      if (kept.length < ids.length) writeFileAtomic(file, kept.map((id) => `${id}\n`).join(''));
    }
  }

  static isId(id: string): boolean {
    return ID.test(id);
  }

  /** False when the delivery was handled before or is being handled now; else claims it. */
  claim(id: string): boolean {
    if (this.done.has(id) || this.inFlight.has(id)) return false;
    this.inFlight.add(id);
    return true;
  }

  /** The delivery was handled (whatever the outcome): a redelivery is acknowledged and dropped. */
  finish(id: string): void {
    this.inFlight.delete(id);
    if (this.done.has(id)) return;
    this.done.add(id);
    appendFileSync(this.file, `${id}\n`);
  }
}
