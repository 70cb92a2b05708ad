/** Spare capacity per stack: load balancer units and Postgres HA standbys. */
import type { StackConfig } from "../../config";

/**
 * The gateway's load balancer size, `gateway.loadBalancerSizeUnits`: one unit for staging, two in
 * production so that one unit's maintenance or failure leaves capacity (DigitalOcean spreads units
 * across hardware).
 */
export function gatewaySizeUnits(config: StackConfig): number {
  return config.gateway.loadBalancerSizeUnits;
}

/**
 * HA standby nodes of the managed Postgres: `database.standbys` (one in production: the tiers
 * document's automatic failover, self-hosted §1.2's primary + replica; none elsewhere), and at
 * least one wherever multiAz asks for it.
 */
export function databaseStandbys(config: StackConfig): number {
  return Math.max(config.database.standbys, config.database.multiAz ? 1 : 0);
}
