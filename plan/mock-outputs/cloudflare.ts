/**
 * What Cloudflare computes for the edge's types that dependants read: an account token's value,
 * from which the R2 S3 secret key is derived (components/edge/r2.ts). The edge serves every cloud,
 * so these are no cloud layer's mocks.
 */
export function cloudflareMockOutputs(
  type: string,
  name: string,
): Record<string, unknown> | undefined {
  if (type === "cloudflare:index/accountToken:AccountToken")
    return { value: `${name}-token-value` };
  return undefined;
}
