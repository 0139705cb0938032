/**
 * A lint rule: no array spread into a call that takes one argument per element. Each element
 * becomes an argument on the stack, so `rows.push(...more)` or `Math.max(...values)` work in
 * tests and then overflow the stack ("Maximum call stack size exceeded") at some hundred
 * thousand elements: ingest died that way on a customers file that covered only some customers.
 * Loops (or `maxOf` / `minOf` from pipeline/math) do the same in constant stack. Spreads into
 * Polars calls (`select(...columns)`) are bounded by the number of columns and stay allowed.
 *
 * @module
 */

/** Methods and functions that take their data as arguments, one per element. */
const VARIADIC_METHODS = new Set(["push", "unshift", "splice", "concat"]);
const VARIADIC_FUNCTIONS = new Set([
  "Math.max",
  "Math.min",
  "Math.hypot",
  "String.fromCharCode",
  "String.fromCodePoint",
  "Array.of",
  "Object.assign",
]);

function calleeName(node: Deno.lint.Node): string | undefined {
  if (node.type === "Identifier") return node.name;
  if (node.type === "MemberExpression" && !node.computed && node.property.type === "Identifier") {
    const object = calleeName(node.object);
    return object === undefined ? `?.${node.property.name}` : `${object}.${node.property.name}`;
  }
  return undefined;
}

function isVariadic(name: string | undefined): boolean {
  if (!name) return false;
  const method = name.split(".").pop()!;
  return VARIADIC_FUNCTIONS.has(name) || VARIADIC_METHODS.has(method);
}

const plugin: Deno.lint.Plugin = {
  name: "personae",
  rules: {
    "bounded-spread": {
      create(ctx) {
        const check = (node: Deno.lint.CallExpression | Deno.lint.NewExpression) => {
          const name = calleeName(node.callee);
          // fn.apply(this, array) passes the array the same way a spread does.
          const applied = name?.endsWith(".apply") && isVariadic(name.slice(0, -6));
          const spread = node.arguments.some((a) => a.type === "SpreadElement");
          if ((spread && isVariadic(name)) || (applied && node.arguments.length > 1)) {
            ctx.report({
              node,
              message: `Array spread into ${name}: one stack slot per element overflows the ` +
                "stack on large arrays; use a loop, or maxOf / minOf from pipeline/math",
            });
          }
        };
        return { CallExpression: check, NewExpression: check };
      },
    },
  },
};

export default plugin;
