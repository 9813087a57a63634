// Configuration problems reach the editor as `window/showMessage`, which VS Code renders
// with links, command links included: text from a repository's configuration must not
// become one, nor carry terminal or bidi controls.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { APPS, FILES } from './fixtures';
import { TestClient, waitFor } from './helpers';

describe('configuration messages', { timeout: 60_000 }, () => {
  it('a key such as [Fix](command:…) is not forwarded as a link', async () => {
    const evil = '[Fix](command:workbench.action.terminal.new?%5B%5D)';
    const c = await TestClient.start({
      files: { ...FILES, '.workload-placement.json': JSON.stringify({ [evil]: 1, rules: { [`[x](https://example.com)\u202e`]: 'error' } }) },
    });
    try {
      await c.open('apps.workload.yaml', APPS);
      const msg = await waitFor(() => c.messages.find((m) => m.message.includes('configuration')), 'a configuration message');
      assert.match(msg.message, /Unknown configuration key/);
      assert.doesNotMatch(msg.message, /\]\(/, msg.message);
      assert.doesNotMatch(msg.message, /[\u0000-\u001f\u202e]/, msg.message);
    } finally {
      await c.shutdown();
    }
  });
});
