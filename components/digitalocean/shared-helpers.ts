/**
 * Helpers every cloud layer needs (naming, mail relay port, daily schedule), kept here until they
 * move to the cloud kit.
 */
import { createHash } from "crypto";

function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 8);
}

/**
 * A DigitalOcean name from parts: lowercase a-z, 0-9 and single dashes. Past `max` characters it
 * keeps the start and ends with a hash of the whole, so two long names never collide.
 */
export function physicalName(parts: string[], max = 63): string {
  const name = parts
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (name.length <= max) return name;
  const hash = shortHash(name);
  return `${name.slice(0, max - hash.length - 1).replace(/-+$/, "")}-${hash}`;
}

/** The smarthost's port, when the email receiver names one ("smtp.example.com:587"). */
export function smarthostPort(smarthost: string | undefined): number | undefined {
  const port = Number(/:(\d{1,5})$/.exec(smarthost ?? "")?.[1]);
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
}

/**
 * Hour and minute (UTC) of a cron that runs once a day at a fixed time, such as backups.schedule's
 * "0 2 * * *"; undefined for any other schedule, which leaves DigitalOcean's own backup time.
 */
export function dailyTime(cron: string): { hour: number; minute: number } | undefined {
  const [minute, hour, day, month, weekday] = cron.trim().split(/\s+/);
  if (![day, month, weekday].every((f) => f === "*")) return undefined;
  if (!/^\d{1,2}$/.test(minute) || !/^\d{1,2}$/.test(hour)) return undefined;
  if (Number(hour) > 23 || Number(minute) > 59) return undefined;
  return { hour: Number(hour), minute: Number(minute) };
}
