// Drives the VS Code workbench in Debian's Chromium the way a person does: keyboard, quick
// open, command palette, hover, light bulb, suggest widget, Problems panel. Every wait is a
// condition with a deadline.
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const screenshotDir = join(__dirname, '..', '..', '..', 'test-results', 'e2e');

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install Debian's chromium (scripts/e2e.sh does)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A pattern for UI text that may or may not keep a title's Markdown backticks. */
export function loose(title: string): RegExp {
  return new RegExp(title.replace(/`/g, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '`?\\s*`?'));
}

/** Polls `fn` until it returns a value that is not undefined/false, or fails with `what` at the deadline. */
export async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export class Workbench {
  constructor(readonly page: Page) {}

  /** Empties the screenshot folder so that it shows this run only. */
  static cleanScreenshots(): void {
    rmSync(screenshotDir, { recursive: true, force: true });
  }

  async screenshot(name: string): Promise<string> {
    mkdirSync(screenshotDir, { recursive: true });
    const path = join(screenshotDir, `${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    // The explorer lists the workspace once the remote file system answers.
    await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  }

  get editor(): Locator {
    return this.page.locator('.editor-group-container.active .monaco-editor[data-uri]').first();
  }

  /** Opens a file through quick open; `name` is the file name, `folder` picks among equal names. */
  async openFile(name: string, folder?: string): Promise<void> {
    await this.escape();
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor();
    await input.fill(folder ? `${folder}/${name}` : name);
    // The keyboard picks the focused row, so the mouse never rests over the workbench.
    await this.page
      .locator('.quick-input-list .monaco-list-row.focused')
      .filter({ hasText: name })
      .filter(folder ? { hasText: folder } : {})
      .waitFor();
    await this.page.keyboard.press('Enter');
    await this.page.locator(`.editor-group-container.active .tab.active[data-resource-name="${name}"]`).waitFor();
    await this.editor.locator('.view-lines').waitFor();
    // Keys typed next must reach this editor.
    await until(`focus in ${name}`, () => this.editor.evaluate((el) => el.contains(document.activeElement)), 10_000);
  }

  async escape(): Promise<void> {
    await this.page.keyboard.press('Escape');
  }

  async focusEditor(): Promise<void> {
    await this.runCommand('View: Focus Active Editor Group');
    await until('focus in the editor', () => this.editor.evaluate((el) => el.contains(document.activeElement)), 10_000);
  }

  /** Moves the cursor to a 1-based line and column with Go to Line. */
  async goTo(line: number, column = 1): Promise<void> {
    await this.escape();
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor();
    await input.fill(`:${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await until(`the cursor at ${line}:${column}`, async () => {
      const status = await this.page.locator('.statusbar-item[id="status.editor.selection"]').innerText().catch(() => '');
      return new RegExp(`Ln ${line}, Col ${column}\\b`).test(status);
    }, 10_000);
  }

  async runCommand(title: string): Promise<void> {
    await this.escape();
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor();
    await input.fill(`>${title}`);
    await this.page.locator('.quick-input-list .monaco-list-row.focused').filter({ hasText: title }).waitFor();
    await this.page.keyboard.press('Enter');
  }

  /** The text of every line currently rendered in the active editor. */
  async visibleText(): Promise<string> {
    return (await this.editor.locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');
  }

  /** The text of a 1-based line of the active editor, if it is on screen. */
  async lineText(line: number): Promise<string | undefined> {
    return this.editor.evaluate((ed, n) => {
      // Line numbers and line contents are drawn in separate layers at the same `top`.
      const num = [...ed.querySelectorAll('.margin-view-overlays .line-numbers')].find((e) => e.textContent?.trim() === String(n));
      const top = (num?.parentElement as HTMLElement | undefined)?.style.top;
      if (!top) return undefined;
      const row = [...ed.querySelectorAll<HTMLElement>('.view-lines .view-line')].find((e) => e.style.top === top);
      return row?.textContent?.replace(/\u00a0/g, ' ');
    }, line);
  }

  squiggles(): Locator {
    return this.editor.locator('[class*="squiggly-"]');
  }

  async showProblems(): Promise<Locator> {
    await this.escape();
    await this.page.keyboard.press('Control+Shift+M');
    const panel = this.page.locator('.markers-panel');
    await panel.waitFor();
    return panel;
  }

  async hidePanel(): Promise<void> {
    if (await this.page.locator('.part.panel').isVisible()) await this.runCommand('View: Hide Panel');
  }

  /** Text of every row in the Problems panel (the tree is virtualised: keep it tall enough). */
  async problemRows(): Promise<string[]> {
    return this.page.locator('.markers-panel .monaco-list-row').allInnerTexts();
  }

  /** Shows the hover at the cursor with the keyboard and returns its widget. */
  /** Shows the hover at the cursor from the keyboard until it holds `expected`; returns its text. */
  async hoverAtCursor(expected: RegExp): Promise<string> {
    const hover = this.page.locator('.monaco-hover:not(.hidden) .monaco-hover-content').first();
    return until(`a hover matching ${expected}`, async () => {
      await this.runCommand('Show or Focus Hover');
      const text = await hover.innerText({ timeout: 5_000 }).catch(() => '');
      if (expected.test(text)) return text;
      await this.escape();
      return undefined;
    }, 60_000);
  }

  /** Pastes text at the cursor through the clipboard, as a person pastes a block. */
  async paste(text: string): Promise<void> {
    await this.page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await this.page.evaluate((t) => navigator.clipboard.writeText(t), text);
    await this.page.keyboard.press('Control+V');
  }

  webview(): FrameLocator {
    return this.page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
  }
}
