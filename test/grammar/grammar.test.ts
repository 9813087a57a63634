// The injection grammar, run by the same TextMate engine VS Code uses, over a stand-in
// for VS Code's YAML grammar (which is not available outside the editor).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, parseRawGrammar, Registry } from 'vscode-textmate';

const ROOT = join(__dirname, '..', '..', '..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');

async function registry(): Promise<Registry> {
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer;
  await oniguruma.loadWASM(wasm);
  const yamlStandIn = JSON.stringify({
    scopeName: 'source.yaml',
    patterns: [
      // Shaped like VS Code's YAML grammar: a begin/end comment, so injections reach inside.
      { begin: '(?:^[ \\t]*|[ \\t]+)(?=#)', end: '(?!\\G)', patterns: [{ begin: '#', end: '$', name: 'comment.line.number-sign.yaml' }] },
      { match: '"[^"]*"', name: 'string.quoted.double.yaml' },
    ],
  });
  const files: Record<string, [string, string]> = {
    'source.workload-descriptor': ['syntaxes/workload-descriptor.tmLanguage.json', read('syntaxes/workload-descriptor.tmLanguage.json')],
    'workload-descriptor.injection': ['syntaxes/workload-descriptor.injection.tmLanguage.json', read('syntaxes/workload-descriptor.injection.tmLanguage.json')],
    'source.yaml': ['yaml.json', yamlStandIn],
  };
  return new Registry({
    onigLib: Promise.resolve({ createOnigScanner: (s) => new oniguruma.OnigScanner(s), createOnigString: (s) => new oniguruma.OnigString(s) }),
    loadGrammar: async (scope) => (files[scope] ? parseRawGrammar(files[scope][1], files[scope][0]) : null),
    getInjections: (scope) => (scope === 'source.workload-descriptor' ? ['workload-descriptor.injection'] : undefined),
  });
}

/** The scopes of each token whose text is `text` on the line. */
async function scopesOf(line: string, text: string): Promise<string[]> {
  const grammar = await (await registry()).loadGrammar('source.workload-descriptor');
  assert.ok(grammar);
  const r = grammar.tokenizeLine(line, INITIAL);
  const tok = r.tokens.find((t) => line.slice(t.startIndex, t.endIndex) === text);
  assert.ok(tok, `a token '${text}' in ${JSON.stringify(r.tokens.map((t) => line.slice(t.startIndex, t.endIndex)))}`);
  return tok.scopes;
}

describe('grammar', () => {
  const cases: [string, string, string][] = [
    ['    deploy: container-in-vm', 'container-in-vm', 'constant.language.deploy.workload-descriptor'],
    ['    deploy: vm # why', 'vm', 'constant.language.deploy.workload-descriptor'],
    ['  - name: api', 'name', 'keyword.other.descriptor-key.workload-descriptor'],
    ['    resources: { cpu: 500m, memory: 1Gi }', 'memory', 'keyword.other.descriptor-key.workload-descriptor'],
    ['    isolation: strict', 'strict', 'constant.language.enum.workload-descriptor'],
    ['    # placement-ignore: elastic-vm', 'placement-ignore', 'keyword.control.directive.suppression.workload-descriptor'],
    ['# placement-ignore-file: elastic-vm, unknown-key', 'elastic-vm, unknown-key', 'constant.other.rule-id.workload-descriptor'],
  ];
  for (const [line, text, scope] of cases) {
    it(`${JSON.stringify(text)} in ${JSON.stringify(line.trim())}`, async () => {
      assert.ok((await scopesOf(line, text)).includes(scope));
    });
  }

  it('leaves unknown keys alone', async () => {
    const scopes = await scopesOf('    replicaz: 3', '    replicaz: 3');
    assert.ok(!scopes.some((s) => s.startsWith('keyword.other.descriptor-key')));
  });
});
