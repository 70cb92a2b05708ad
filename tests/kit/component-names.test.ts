/**
 * A component's class is named for its type token: `class X` registers `platform:<area>:X`. The
 * token is what the state holds (changing it replaces real resources), so the class follows it,
 * and a reader who finds a URN in a plan finds the class by the same name.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const COMPONENTS = path.resolve(__dirname, "../../components");

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

interface Registration {
  file: string;
  className: string;
  token: string;
}

/** Every class whose constructor calls `super("platform:…", …)`, with that token. */
function registrations(file: string): Registration[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
  const found: Registration[] = [];
  const visit = (node: ts.Node, className?: string): void => {
    if (ts.isClassDeclaration(node)) className = node.name?.text;
    if (
      className &&
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.SuperKeyword &&
      node.arguments.length > 0 &&
      ts.isStringLiteral(node.arguments[0]) &&
      node.arguments[0].text.startsWith("platform:")
    )
      found.push({
        file: path.relative(COMPONENTS, file),
        className,
        token: node.arguments[0].text,
      });
    ts.forEachChild(node, (child) => visit(child, className));
  };
  visit(source);
  return found;
}

const all = sources(COMPONENTS).flatMap(registrations);

describe("component class names", () => {
  it("finds the components it checks", () => {
    expect(all.length).toBeGreaterThan(20);
  });

  it.each(all.map((r) => [`${r.file} ${r.className}`, r] as const))(
    "%s is named for the last segment of its type token",
    (_label, r) => {
      expect(r.className).toBe(r.token.split(":").pop());
    },
  );
});
