/**
 * Container image references, after the grammar of distribution/reference (regexp.go), which
 * Docker, containerd and the kubelet parse: `[domain[:port]/]path[:tag][@digest]`, path components
 * of lowercase letters and digits joined by `.`, `_`, `__` or dashes, a tag of up to 128 word
 * characters, dots and dashes, and a name of at most 255 characters.
 */
const domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const domain = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const pathComponent = "[a-z0-9]+(?:(?:[_.]|__|[-]+)[a-z0-9]+)*";
const name = `(?:${domain}/)?${pathComponent}(?:/${pathComponent})*`;
const tag = "[\\w][\\w.-]{0,127}";
const digest = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const REFERENCE = new RegExp(`^(${name})(?::(${tag}))?(?:@(${digest}))?$`);

/** Name, tag and digest of a well-formed reference; undefined when it does not parse. */
export function parseImage(
  image: string,
): { name: string; tag?: string; digest?: string } | undefined {
  const m = REFERENCE.exec(image);
  if (!m || m[1].length > 255) return undefined;
  // A registry with a port and no path ("registry:5000") parses as a name and a tag.
  return { name: m[1], tag: m[2], digest: m[3] };
}

/** An image pinned by a version tag or a digest: the documents' deployments must be repeatable. */
export function isPinnedImage(image: string): boolean {
  const ref = parseImage(image);
  if (!ref) return false;
  if (ref.digest) return /^sha256:[a-f0-9]{64}$/.test(ref.digest);
  return ref.tag !== undefined && ref.tag !== "latest";
}
