import { CLOUDFLARE_HEALTH_CHECKS } from "../../catalog/cloudflare";
import type { CloudflarePlan } from "../../config";
import type { EdgeHost } from "./rules";

// The tiers document's monitoring asks for uptime checks from outside the cluster. Behind the
// Cloudflare edge, Cloudflare's own probes are that check, and Cloudflare Notifications carry their
// verdict to the stack's email receiver. Alert type names: cloudflare-docs notifications,
// https://developers.cloudflare.com/notifications/notification-available/ (also the provider's
// NotificationPolicy `alertType` list).

/** Notifications of a standalone health check's status changes. */
export const HEALTH_CHECK_ALERT = "health_check_status_notification";
/** Notifications of a load balancer pool's or origin's health changes. */
export const LOAD_BALANCING_ALERT = "load_balancing_health_alert";

/** A standalone Cloudflare Health Check of one public host at the gateway. */
export interface HealthCheckSpec {
  host: string;
  /** `HTTPS` on the host's health path; `TCP` on 443 where no HTTPS probe can pass. */
  type: "HTTPS" | "TCP";
  /** The app's health path, with `HTTPS`. @example "/api/health" */
  path?: string;
}

/**
 * A health check per public host, apex first, as many as the plan includes (Free none, Pro 10,
 * Business 50: catalog CLOUDFLARE_HEALTH_CHECKS). HTTPS on the host's health path, except where the
 * gateway requires Cloudflare's origin-pull certificate: Cloudflare documents that certificate for
 * proxied traffic only (https://developers.cloudflare.com/ssl/origin-configuration/authenticated-
 * origin-pull/set-up/global/), not for standalone health checks, so there a TCP check on 443 proves
 * the gateway accepts connections and the load balancer's monitors, which probe as the zone
 * (`probeZone`), check the health paths.
 */
export function healthCheckSpecs(
  plan: CloudflarePlan,
  hosts: readonly EdgeHost[],
  originLock: boolean,
): HealthCheckSpec[] {
  return hosts
    .slice(0, CLOUDFLARE_HEALTH_CHECKS[plan])
    .map((h) =>
      h.healthPath && !originLock
        ? { host: h.host, type: "HTTPS", path: h.healthPath }
        : { host: h.host, type: "TCP" },
    );
}

/** What the edge's outside checks need: the zone's plan and the people its notifications reach. */
export interface EdgeUptimeInputs {
  plan: CloudflarePlan;
  hosts: readonly EdgeHost[];
  originLock: boolean;
  loadBalancing: boolean;
  /** Notification policies belong to the account: none without it. */
  accountId: string;
  /** The stack's alert email receiver (`monitoring.receivers.email.to`). */
  emails: readonly string[];
}

/** An outside check the edge runs and whose failure reaches a person. */
export interface EdgeCheck {
  /** What fails, with its severity. @example "https://example.com/api/health down [critical]" */
  alert: string;
  /** The probe and the notification carrying it. */
  source: string;
}

/**
 * The checks the edge builds and notifies on (components/edge/cloudflare.ts builds them from the
 * same inputs): empty when no notification can be sent, since a check nobody hears of is no alert.
 */
export function edgeUptimeChecks(e: EdgeUptimeInputs): EdgeCheck[] {
  if (e.accountId === "" || e.emails.length === 0) return [];
  const checks: EdgeCheck[] = healthCheckSpecs(e.plan, e.hosts, e.originLock).map((c) => ({
    alert:
      c.type === "HTTPS"
        ? `https://${c.host}${c.path} down [critical]`
        : `${c.host}: gateway TCP 443 unreachable [critical]`,
    source: `Cloudflare health check (${HEALTH_CHECK_ALERT})`,
  }));
  if (e.loadBalancing)
    for (const h of e.hosts)
      checks.push({
        alert: `${h.host}${h.healthPath ?? ": TCP 443"} pool unhealthy [critical]`,
        source: `Cloudflare load balancer monitor (${LOAD_BALANCING_ALERT})`,
      });
  return checks;
}
