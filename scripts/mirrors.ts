import { execFileSync } from "child_process";
import * as path from "path";

// The vendoring scripts read upstream files from local git mirrors: `<dir>/<owner>+<name>/repo`,
// a bare git directory (no work tree is needed).

/** Where the mirror of a GitHub repository ("owner/name") sits under `mirrors`. */
export function mirrorDir(mirrors: string, repo: string): string {
  return path.join(mirrors, repo.replace("/", "+"), "repo");
}

/** A file of the mirror at a tag; throws when the tag or the file is missing. */
export function gitShow(mirrors: string, repo: string, tag: string, file: string): string {
  return execFileSync("git", ["-C", mirrorDir(mirrors, repo), "show", `${tag}:${file}`], {
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** The commit a tag of the mirror points at. */
export function commitOf(mirrors: string, repo: string, tag: string): string {
  return execFileSync("git", ["-C", mirrorDir(mirrors, repo), "rev-list", "-n", "1", tag], {
    encoding: "utf8",
  }).trim();
}
