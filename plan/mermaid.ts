/**
 * Mermaid flowchart syntax, written so that any text the stack holds renders as text. The rules
 * are those of mermaid-js/mermaid docs/syntax/flowchart.md:
 * - "Special characters that break syntax": text inside double quotes renders brackets, parentheses
 *   and the like as themselves, so every label here is quoted.
 * - "Entity codes to escape characters": a double quote is written `#quot;`, any character as its
 *   decimal code `#<n>;` ("`#` can be encoded as `#35;`"), HTML character names are supported.
 * - "Markdown Strings": a quoted label starting with a backtick is Markdown, so backticks are coded.
 * - The warnings at the top: a lowercase `end` breaks a flowchart, and an `o` or `x` right after a
 *   link makes a circle or cross edge (`A---oB`), so ids never are `end`, never start with o or x,
 *   and links are written with spaces around the arrow.
 * - "Subgraphs": `subgraph id [title]` ... `end`.
 * Ids are kept to [A-Za-z0-9_], starting with a letter.
 */

/** An id Mermaid reads as one plain node id. */
export const SAFE_ID = /^[A-Za-z][A-Za-z0-9_]*$/;

/** A safe id from parts (`pool`, `control-plane` → `pool_control_plane`). */
export function mermaidId(...parts: string[]): string {
  const id = parts
    .join("_")
    .replace(/[^A-Za-z0-9_]/g, "_")
    .replace(/_+/g, "_");
  // A leading digit, `_`, `o` or `x`, or the keyword `end` itself: prefix with `n`.
  return /^[A-Za-z]/.test(id) && !/^[ox]/.test(id) && id.toLowerCase() !== "end" ? id : `n${id}`;
}

const ENTITIES: Record<string, string> = {
  '"': "#quot;",
  "#": "#35;",
  "<": "#lt;",
  ">": "#gt;",
  "`": "#96;",
};

/** Label text in double quotes, lines joined by `<br/>`, every character that could end it coded. */
export function mermaidLabel(text: string | string[]): string {
  const lines = (Array.isArray(text) ? text : [text]).map((l) =>
    l.replace(/[\r\n]+/g, " ").replace(/["#<>`]/g, (c) => ENTITIES[c]),
  );
  return `"${lines.join("<br/>")}"`;
}

/** Node shapes of the flowchart docs ("Node shapes"). */
const SHAPES = {
  box: ["[", "]"],
  rounded: ["(", ")"],
  stadium: ["([", "])"],
  cylinder: ["[(", ")]"],
  hexagon: ["{{", "}}"],
} as const;
export type Shape = keyof typeof SHAPES;

/** A flowchart built node by node; a subgraph is closed when its callback returns. */
export class Flowchart {
  private readonly lines: string[];
  /**
   * Links are written after every node and subgraph, at the top level: a node first named inside
   * another subgraph's block would be drawn in it.
   */
  private readonly links: string[] = [];
  private depth = 1;

  constructor(direction: "TB" | "LR" = "TB") {
    this.lines = [`flowchart ${direction}`];
  }

  private push(line: string) {
    this.lines.push(`${"  ".repeat(this.depth)}${line}`);
  }

  node(id: string, text: string | string[], shape: Shape = "box"): string {
    const [open, close] = SHAPES[shape];
    this.push(`${id}${open}${mermaidLabel(text)}${close}`);
    return id;
  }

  subgraph(id: string, title: string, body: () => void): string {
    this.push(`subgraph ${id} [${mermaidLabel(title)}]`);
    this.depth++;
    try {
      body();
    } finally {
      this.depth--;
      this.push("end");
    }
    return id;
  }

  /** `from --> to`, dotted (`-.->`) for what is not request traffic, with an optional label. */
  link(from: string, to: string, options: { label?: string; dotted?: boolean } = {}) {
    const arrow = options.dotted ? "-.->" : "-->";
    const label = options.label ? `|${mermaidLabel(options.label)}|` : "";
    this.links.push(`  ${from} ${arrow}${label} ${to}`);
  }

  toString(): string {
    return [...this.lines, ...this.links].join("\n");
  }
}
