/** The label (tag on AWS) naming a node's documented role; its value is a catalog profile name. */
export const ROLE_LABEL = "platform/role";

/**
 * Roles that keep data on the node: the database, storage and monitoring nodes of self-hosted
 * deployment §1.1, and the tiers' database pools (medium-db, large-db, ...).
 */
export function isStatefulRole(role: string): boolean {
  return role === "storage" || role === "monitoring" || role === "db" || role.endsWith("-db");
}
