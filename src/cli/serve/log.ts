/**
 * The server's log: one JSON object per line (time, delivery id, event, action, outcome, ...),
 * for whatever collects the container's output. Secrets the process holds (the webhook secret,
 * the private key, installation tokens) are registered here and replaced wherever they would
 * appear, so that no message quoting a URL or an error can carry one out.
 */
export interface ServerLog {
  (entry: Record<string, unknown>): void;
  secret(value: string): void;
}

const MAX_SECRETS = 1000;

export function createServerLog(write: (line: string) => void, now: () => number = Date.now): ServerLog {
  const secrets: string[] = [];
  const log = ((entry: Record<string, unknown>) => {
    let line = JSON.stringify({ time: new Date(now()).toISOString(), ...entry });
    for (const s of secrets) if (line.includes(s)) line = line.split(s).join('[redacted]');
    write(line + '\n');
  }) as ServerLog;
  log.secret = (value: string) => {
    // Each line of a PEM key too: a message may quote one line of it.
    for (const v of [value, ...value.split('\n').filter((l) => l.length >= 16 && !l.startsWith('-----'))]) {
      if (v.length < 8 || secrets.includes(v)) continue;
      secrets.push(v);
      if (secrets.length > MAX_SECRETS) secrets.shift();
    }
  };
  return log;
}
