import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import ts from 'typescript';
import { repoPath } from './helpers.ts';

// What a newcomer reads first should read as functions: named top-level functions are declarations
// (they show their names in a stack trace, hoist, and let tools follow a call; arrows stay for
// callbacks), and no function is so long that it holds half the run in closures.
const MAX_LINES = 80;
const MIN_DECLARATION_SHARE = 0.9;

interface FunctionShape {
  declarations: number;
  arrowConstants: string[];
  tooLong: string[];
}

function isFunctionValue(node: ts.Expression | undefined): boolean {
  return node !== undefined && (ts.isArrowFunction(node) || ts.isFunctionExpression(node));
}

/** The top-level functions of one source, by kind, and every function in it longer than `MAX_LINES`. */
function functionShape(path: string, text: string): FunctionShape {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const lineOf = (position: number) => source.getLineAndCharacterOfPosition(position).line + 1;
  const shape: FunctionShape = { declarations: 0, arrowConstants: [], tooLong: [] };
  for (const statement of source.statements) {
    if (ts.isFunctionDeclaration(statement)) shape.declarations++;
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (isFunctionValue(declaration.initializer)) {
        shape.arrowConstants.push(`${path}:${lineOf(declaration.getStart())} ${declaration.name.getText()}`);
      }
    }
  }
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = lineOf(node.getStart());
      const lines = lineOf(node.getEnd()) - first + 1;
      const name =
        node.name?.getText() ??
        (ts.isVariableDeclaration(node.parent) ? node.parent.name.getText() : '(anonymous)');
      if (lines > MAX_LINES) shape.tooLong.push(`${path}:${first} ${name} is ${lines} lines`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return shape;
}

function srcFiles(): string[] {
  return readdirSync(repoPath('src'), { recursive: true, encoding: 'utf8' })
    .map((path) => path.replaceAll('\\', '/'))
    .filter((path) => path.endsWith('.ts') && !path.startsWith('generated/'))
    .map((path) => `src/${path}`);
}

describe('the functions of src/ (generated/ aside)', () => {
  const shapes = srcFiles().map((path) => functionShape(path, readFileSync(repoPath(path), 'utf8')));

  it(`are declarations when named at the top level, at least ${MIN_DECLARATION_SHARE * 100} %`, () => {
    const declarations = shapes.reduce((sum, shape) => sum + shape.declarations, 0);
    const arrows = shapes.flatMap((shape) => shape.arrowConstants);
    expect(declarations).to.be.above(300);
    expect(declarations / (declarations + arrows.length), arrows.join('\n')).to.be.at.least(
      MIN_DECLARATION_SHARE,
    );
  });

  it(`are at most ${MAX_LINES} lines each, nested functions counted in their parent`, () => {
    expect(shapes.flatMap((shape) => shape.tooLong)).to.deep.equal([]);
  });

  it('bite: an arrow constant is counted as one, and a long function is named with its length', () => {
    const body = Array.from({ length: MAX_LINES }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const text = [
      'export function declared(): void {}',
      'export const arrow = (x: number): number => x + 1;',
      `const long = () => {\n${body}\n};`,
      `function fine() {\n  return [1].map((n) => n);\n}`,
    ].join('\n');
    expect(functionShape('src/x.ts', text)).to.deep.equal({
      declarations: 2,
      arrowConstants: ['src/x.ts:2 arrow', 'src/x.ts:3 long'],
      tooLong: [`src/x.ts:3 long is ${MAX_LINES + 2} lines`],
    });
  });
});
