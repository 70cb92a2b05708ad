/** The stack's public hosts and what follows from them: CORS origins, media host, uptime URLs. */
import { type StackConfig } from "../../config";

/** The public hosts of the stack: the apex and each public app's host, once each. */
export function publicHosts(config: StackConfig): string[] {
  const hosts = config.apps
    .filter((a) => a.public)
    .map((a) => (a.host ? `${a.host}.${config.domain}` : config.domain));
  return [...new Set([config.domain, ...hosts])];
}

/** Browser origins allowed to fetch and upload media directly (presigned URLs). */
export function corsOrigins(config: StackConfig): string[] {
  return publicHosts(config).map((h) => `https://${h}`);
}

/** The media host the CDN answers on, or none when `cdn.mediaHost` is empty. */
export function mediaDomain(config: StackConfig): string | undefined {
  return config.cdn.mediaHost ? `${config.cdn.mediaHost}.${config.domain}` : undefined;
}

/** URLs the uptime checks probe: https://<domain> and every public app host. */
export function uptimeTargets(config: StackConfig): string[] {
  return publicHosts(config).map((h) => `https://${h}`);
}
