/**
 * CIDR math for the cloud layers: one implementation on the ipaddr.js library, shared with the
 * config gate (which may not import components, so it lives in config/cidr.ts).
 */
export {
  cidrContains,
  cidrsOverlap,
  contains,
  hasHostBits,
  ipv4Address,
  ipv4Cidr,
  ipv4Network,
  networkOf,
  overlaps,
  parseBlock,
  type Block,
} from "../../config/cidr";
