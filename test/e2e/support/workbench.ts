// A real VS Code (code-server) with the built VSIX installed, driven by Playwright in Debian's Chromium.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type FrameLocator, type Page } from 'playwright-core';
import { REPO_ROOT, runProcess, tempDir } from '../../support/fixtures';
import { freePort } from '../../support/sshd';

const CODE_SERVER = path.join(REPO_ROOT, '.tools', 'code-server', 'node_modules', '.bin', 'code-server');
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'docs', 'screenshots');
/**
 * Clicks something that opens a view and waits for the view, clicking again when it does not come: a tree redraws
 * its rows as their data changes, and a click on a row being replaced is lost. For views that open once and are only
 * brought forward by a second click. A click that finds nothing to click (its row was replaced while hovered) counts
 * as a try too. The last of the `waitsMs` is the real timeout; its failure is the error.
 */
export async function clickUntilOpen<T>(
  click: () => Promise<void>,
  opened: (timeoutMs: number) => Promise<T>,
  waitsMs: readonly number[],
): Promise<T> {
  for (const [attempt, timeoutMs] of waitsMs.entries()) {
    try {
      await click();
      return await opened(timeoutMs);
    } catch (error) {
      if (attempt === waitsMs.length - 1) throw error;
    }
  }
  throw new Error('clickUntilOpen needs at least one wait');
}

/**
 * Debian's Chromium flags for tests and benchmarks: no sandbox (root in a container), no GPU, nothing from the network.
 */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
];

export function builtVsix(): string {
  const { name, version } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  const vsix = path.join(REPO_ROOT, 'out', `${name}-${version}.vsix`);
  if (!existsSync(vsix)) throw new Error(`${vsix} is missing: run "npm run package" first (npm test does).`);
  return vsix;
}

/**
 * Puts the built VSIX, installed, into `extensionsDir`. code-server installs it once per build (about 5 s each time)
 * into a folder the test files share, which each launch copies; the copy's index names its own folder.
 */
async function installBuiltVsix(extensionsDir: string): Promise<void> {
  const vsix = builtVsix();
  const { size, mtimeMs } = statSync(vsix);
  const installed = path.join(os.tmpdir(), `cwf-e2e-extensions-${size}-${Math.round(mtimeMs)}`);
  if (!existsSync(path.join(installed, 'extensions.json'))) {
    // Earlier builds' folders, once no test run can still be copying them.
    for (const entry of readdirSync(os.tmpdir()))
      if (/^cwf-e2e-extensions-\d+-\d+$/.test(entry)) {
        const earlier = path.join(os.tmpdir(), entry);
        if (Date.now() - statSync(earlier).mtimeMs > 3_600_000) await rm(earlier, { recursive: true, force: true });
      }
    const staging = `${installed}.${process.pid}`;
    await runProcess(CODE_SERVER, [
      '--extensions-dir',
      staging,
      '--user-data-dir',
      `${staging}-user-data`,
      '--install-extension',
      vsix,
    ]);
    await rm(`${staging}-user-data`, { recursive: true, force: true });
    // Another test file may have installed the same build meanwhile: its folder is as good.
    await rename(staging, installed).catch(() => rm(staging, { recursive: true, force: true }));
  }
  await cp(installed, extensionsDir, { recursive: true });
  const index = path.join(extensionsDir, 'extensions.json');
  await writeFile(index, (await readFile(index, 'utf8')).replaceAll(installed, extensionsDir));
}

export interface WorkbenchOptions {
  /** The folder opened as the workspace. */
  readonly workspace: string;
  /** User settings merged over the defaults the tests need. */
  readonly settings?: Record<string, unknown>;
  /** Environment for code-server and so for the extension host (e.g. SSH settings for tests). */
  readonly env?: Record<string, string>;
  readonly viewport?: { width: number; height: number };
}

/** A running code-server as the browser sees it: its workbench URL, and its user-data folder for reading logs. */
export interface ServerAddress {
  readonly url: string;
  readonly userDataDir: string;
  readonly viewport?: { width: number; height: number };
}

export class Workbench {
  private constructor(
    readonly page: Page,
    readonly url: string,
    readonly userDataDir: string,
    private readonly cleanup: () => Promise<void>,
  ) {}

  static async launch(options: WorkbenchOptions): Promise<Workbench> {
    const { dir, cleanup } = await tempDir('cwf-e2e-');
    const userDataDir = path.join(dir, 'user-data');
    const extensionsDir = path.join(dir, 'extensions');
    await mkdir(path.join(userDataDir, 'User'), { recursive: true });
    await writeFile(
      path.join(userDataDir, 'User', 'settings.json'),
      JSON.stringify(
        {
          'security.workspace.trust.enabled': false,
          'workbench.startupEditor': 'none',
          'workbench.tips.enabled': false,
          'workbench.enableExperiments': false,
          'telemetry.telemetryLevel': 'off',
          'extensions.autoCheckUpdates': false,
          'extensions.autoUpdate': false,
          'update.mode': 'none',
          'window.restoreWindows': 'none',
          ...options.settings,
        },
        null,
        2,
      ),
    );
    await installBuiltVsix(extensionsDir);
    const port = await freePort();
    const configFile = path.join(dir, 'code-server.yaml');
    await writeFile(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
    let serverLog = '';
    const server = spawn(
      CODE_SERVER,
      [
        '--config',
        configFile,
        '--user-data-dir',
        userDataDir,
        '--extensions-dir',
        extensionsDir,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
      ],
      {
        env: { ...process.env, ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group, so that closing stops the server's children (extension host, file watcher) too.
        detached: true,
      },
    );
    server.stdout?.on('data', (chunk: Buffer) => {
      serverLog += chunk.toString();
    });
    server.stderr?.on('data', (chunk: Buffer) => {
      serverLog += chunk.toString();
    });
    const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(options.workspace)}`;
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, server, () => serverLog);
    return Workbench.attach({ url, userDataDir, viewport: options.viewport }, async () => {
      await stopProcess(server);
      await cleanup();
    });
  }

  /**
   * Opens a code-server that is already serving `url` (the demo's) in Chromium; `stopServer` runs after the browser
   * closes, on close().
   */
  static async attach(server: ServerAddress, stopServer: () => Promise<void>): Promise<Workbench> {
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
    const page = await browser.newPage({ viewport: server.viewport ?? { width: 1400, height: 900 } });
    await page.goto(server.url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const workbench = new Workbench(page, server.url, server.userDataDir, async () => {
      await browser.close().catch(() => undefined);
      await stopServer();
    });
    await workbench.dismissNotifications();
    return workbench;
  }

  /** Runs a command by its title through the command palette, as a user would. */
  async runCommand(title: string): Promise<void> {
    const page = this.page;
    const input = page
      .locator('.quick-input-widget input[type="text"], .quick-input-widget .quick-input-box input')
      .first();
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    // F1 is lost while the workbench is still moving focus (an editor opening, a tree refreshing), and right after
    // start-up the palette may open before the extensions' commands are listed: open it again rather than fail.
    for (let attempt = 1; ; attempt++) {
      await page.keyboard.press('Escape');
      await page
        .locator('.monaco-workbench')
        .click({ position: { x: 700, y: 5 } })
        .catch(() => undefined);
      await page.keyboard.press('F1');
      const listed = await input
        .waitFor({ state: 'visible', timeout: 10_000 })
        .then(() => input.fill(`>${title}`))
        .then(() => row.waitFor({ state: 'visible', timeout: 15_000 }))
        .then(
          () => true,
          () => false,
        );
      if (listed) break;
      if (attempt === 3) throw new Error(`The command palette did not list "${title}".`);
    }
    await input.press('Enter');
  }

  /**
   * Reloads the window as a user does. code-server reads the user's settings over its remote connection, and a read
   * that fails while the window is reconnecting counts as an empty file until the file changes: the settings are
   * written again, as a user saving them would, once the extension is active in the new window (its settings were
   * read by then, or failed to be). That is not always enough: a reloaded window was seen to notice none of a dozen
   * writes over a minute. So with `settingsShownBy`, a line the extension logs once it has the settings, the window
   * is reloaded again, as a user would, until that line comes (three times at most).
   */
  async reload(options: { settingsShownBy?: RegExp } = {}): Promise<void> {
    for (let reloads = 1; ; reloads++) {
      if (await this.reloadOnce(options.settingsShownBy)) return;
      if (reloads === 3)
        throw new Error(`After ${reloads} reloads the window never logged /${options.settingsShownBy!.source}/.`);
      console.log(`The reloaded window did not get its settings (reload ${reloads}): reloading again.`);
    }
  }

  /** One reload and the settings written again; whether the window shows it has them (always true without `shown`). */
  private async reloadOnce(shown: RegExp | undefined): Promise<boolean> {
    const count = (pattern: RegExp) => (this.extensionLog().match(new RegExp(pattern.source, 'g')) ?? []).length;
    const activation = /Activated in [\d.]+ ms/;
    const activations = count(activation);
    const shownBefore = shown ? count(shown) : 0;
    await this.runCommand('Developer: Reload Window');
    await this.page.waitForTimeout(2000);
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
    if (!(await this.until(async () => count(activation) > activations, 120_000)))
      throw new Error('The extension did not activate again within 120 s of the window reload.');
    const settingsFile = path.join(this.userDataDir, 'User', 'settings.json');
    const settings = readFileSync(settingsFile, 'utf8');
    if (!shown) {
      await writeFile(settingsFile, settings);
      await this.page.waitForTimeout(3_000);
      await writeFile(settingsFile, settings);
      return true;
    }
    // Each write a byte different from the last, so that each is a change.
    for (const text of [settings, `${settings}\n`, settings]) {
      if (count(shown) > shownBefore) return true;
      await writeFile(settingsFile, text);
      await this.until(async () => count(shown) > shownBefore, 5_000);
    }
    return count(shown) > shownBefore;
  }

  /** Opens the Ctrl-World container in the activity bar. */
  async openCtrlWorld(): Promise<void> {
    const item = this.page
      .locator(
        '.activitybar .action-item a[aria-label^="Ctrl-World"], .activitybar .action-item .action-label[aria-label^="Ctrl-World"]',
      )
      .first();
    await item.waitFor({ state: 'visible', timeout: 30_000 });
    const container = this.page.locator('.sidebar .composite.title', { hasText: 'CTRL-WORLD' });
    // Clicking the active container's icon hides the side bar, and right after a reload the side bar may still be
    // restoring: click, give it a moment, and click again if it is still (or now) hidden.
    const deadline = Date.now() + 30_000;
    while (!(await container.isVisible().catch(() => false))) {
      if (Date.now() > deadline) throw new Error('The Ctrl-World container did not open.');
      await item.click();
      await container.waitFor({ state: 'visible', timeout: 5_000 }).catch(() => undefined);
    }
  }

  /** A row of a tree view in the side bar whose text matches (label and description). */
  treeRow(viewTitle: string, text: RegExp | string) {
    return this.viewPane(viewTitle).locator('.monaco-list-row', { hasText: text }).first();
  }

  /** Expands a collapsed tree row (no-op when it is expanded already). */
  async expandTreeRow(viewTitle: string, text: RegExp | string): Promise<void> {
    const row = this.treeRow(viewTitle, text);
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
  }

  /**
   * Answers VS Code's own file dialog (code-server has no native one): types the path and accepts it.
   * Use after running a command that asks for a file or folder.
   */
  async answerFileDialog(file: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input').first();
    await input.waitFor({ state: 'visible', timeout: 20_000 });
    const target = file.replace(/\/+$/, '');
    const targetRow = this.page
      .locator('.quick-input-list .monaco-list-row', { hasText: path.basename(target) })
      .first();
    const accept = this.page.locator('.quick-input-widget .monaco-button', { hasText: /OK|Add|Open|Select/ }).first();
    // The dialog writes the folder it starts in into the box once it has read that folder, over anything typed
    // before (which takes seconds on a busy machine); then it lists the typed path's folder as the path is typed.
    // An OK before it has caught up is ignored or accepts the starting folder: type, wait, accept, and once more if
    // the dialog overwrote the path.
    await this.until(async () => (await input.inputValue()).endsWith('/'), 20_000);
    for (let attempt = 1; ; attempt++) {
      await input.fill(target);
      const caughtUp = await targetRow.waitFor({ timeout: 15_000 }).then(
        () => true,
        () => false,
      );
      if (caughtUp && (await input.inputValue()) === target) {
        await accept.click();
        if (
          await input.waitFor({ state: 'hidden', timeout: 10_000 }).then(
            () => true,
            () => false,
          )
        )
          return;
      }
      if (attempt === 3) {
        const message = await this.page
          .locator('.quick-input-widget .quick-input-message')
          .innerText()
          .catch(() => '');
        const rows = await this.page
          .locator('.quick-input-list .monaco-list-row')
          .allInnerTexts()
          .catch(() => []);
        throw new Error(
          `The file dialog did not accept ${target}: its value is ${JSON.stringify(await input.inputValue())}, ` +
            `its message ${JSON.stringify(message)}, its rows ${JSON.stringify(rows)}.`,
        );
      }
    }
  }

  /**
   * Polls `condition` until it holds; false after `timeoutMs` (the caller's next step then fails with its own words).
   */
  private async until(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition().catch(() => false))) {
      if (Date.now() > deadline) return false;
      await this.page.waitForTimeout(100);
    }
    return true;
  }

  /** Opens the Problems panel and returns its rows' locator. */
  async problemsPanel() {
    await this.runCommand('Problems: Focus on Problems View');
    const panel = this.page.locator('.panel .markers-panel');
    await panel.waitFor({ state: 'visible', timeout: 20_000 });
    return panel;
  }

  /** Folds a side-bar view to its header, e.g. to give another view room. */
  async collapseViewPane(title: string): Promise<void> {
    const header = this.viewPane(title).locator('.pane-header').first();
    await header.waitFor({ state: 'visible', timeout: 30_000 });
    // On the title: the header's middle may hold the view's actions (Add Dataset Folder opens a file dialog).
    if ((await header.getAttribute('aria-expanded')) === 'true') await header.locator('.title').first().click();
  }

  /** Drags the side bar's edge so that the side bar is `width` pixels wide. */
  async resizeSideBar(width: number): Promise<void> {
    const box = await this.page.locator('.part.sidebar').boundingBox();
    if (!box) throw new Error('the side bar is not visible');
    const edge = { x: box.x + box.width - 1, y: box.y + box.height / 2 };
    await this.page.mouse.move(edge.x, edge.y);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x + width, edge.y, { steps: 5 });
    await this.page.mouse.up();
  }

  /** A view's pane in the side bar, by its title ("Datasets", "Runs", "Sample Preview"). */
  viewPane(title: string) {
    return this.page.locator('.sidebar .pane', {
      has: this.page.locator('.pane-header', { hasText: new RegExp(`^\\s*${title}`, 'i') }),
    });
  }

  /** The content frame of a webview view or panel whose title is `title` (webviews are nested iframes). */
  webview(title: string): FrameLocator {
    return this.page
      .frameLocator(`iframe.webview.ready[title="${title}"], iframe.webview.ready`)
      .frameLocator('iframe#active-frame');
  }

  /** A notification toast whose text matches. */
  notification(text: RegExp | string) {
    return this.page.locator('.notification-toast, .notifications-toasts .monaco-list-row', { hasText: text }).first();
  }

  /**
   * Waits until the extension has told the user `text`: its toast is on screen, or its log has the line the extension
   * writes with the notification (Stop Run does). VS Code lays toasts out by height and was seen to leave one
   * notification of an extension off screen and out of the notification centre while another was shown.
   */
  async told(text: RegExp, timeoutMs: number): Promise<void> {
    const toast = this.notification(text);
    const logged = () =>
      this.extensionLog()
        .split('\n')
        .some((line) => text.test(line));
    let onScreen = false;
    if (!(await this.until(async () => (onScreen = await toast.isVisible()) || logged(), timeoutMs)))
      throw new Error(`No notification /${text.source}/ within ${timeoutMs} ms.`);
    if (!onScreen) console.log(`"${text.source}": in the extension's log, not on screen`);
  }

  async dismissNotifications(): Promise<void> {
    await this.page.keyboard.press('Escape').catch(() => undefined);
  }

  async screenshot(name: string): Promise<string> {
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    // Let notification and view animations finish so the picture shows what a person sees.
    await this.page.waitForTimeout(600);
    const file = path.join(SCREENSHOT_DIR, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /**
   * What the window shows besides the views, for a failed wait: notifications, dialogs, an open menu or quick input.
   */
  async whatIsOnScreen(): Promise<string> {
    const texts = async (selector: string) => {
      const shown = await this.page
        .locator(selector)
        .allInnerTexts()
        .catch((): string[] => []);
      return shown.map((text) => text.replace(/\s+/g, ' '));
    };
    const parts = [
      ['notifications', await texts('.notification-toast')],
      ['dialogs', await texts('.monaco-dialog-box')],
      ['menus', await texts('.context-view .monaco-menu')],
      ['quick input', await texts('.quick-input-widget:visible .quick-input-title')],
      // Toasts hide after 15-20 s; the notification centre keeps every one this window was shown.
      ['all notifications', await this.notificationsShown().catch((): string[] => [])],
    ] as const;
    return parts.map(([what, shown]) => `${what}: ${shown.length ? shown.join(' | ') : 'none'}`).join('\n');
  }

  /** Every notification this window has shown, toasts long hidden included, from the notification centre. */
  async notificationsShown(): Promise<string[]> {
    await this.runCommand('Notifications: Show Notifications');
    const rows = this.page.locator('.notifications-center .notification-list-item-message');
    await rows
      .first()
      .waitFor({ timeout: 5_000 })
      .catch(() => undefined);
    const shown = await rows.allInnerTexts();
    await this.page.keyboard.press('Escape');
    return shown.map((text) => text.replace(/\s+/g, ' '));
  }

  /** The text of the extension's log ("Ctrl-World Flexiv" output channel), from code-server's log folder. */
  extensionLog(): string {
    const files = findFiles(path.join(this.userDataDir, 'logs'), (file) => file.endsWith('Ctrl-World Flexiv.log'));
    return files.map((file) => readFileSync(file, 'utf8')).join('\n');
  }

  async close(): Promise<void> {
    await this.cleanup();
  }
}

function findFiles(dir: string, match: (file: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    return statSync(full).isDirectory() ? findFiles(full, match) : match(full) ? [full] : [];
  });
}

export async function waitForHttp(
  url: string,
  server: ChildProcess,
  log: () => string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`code-server exited with ${server.exitCode}:\n${log()}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`code-server did not answer on ${url}:\n${log()}`);
}

/**
 * Stops code-server and every process of its group, and returns once they are all gone: a child still writing into
 * the user-data folder would make removing it fail.
 */
export async function stopProcess(child: ChildProcess): Promise<void> {
  const group = child.pid;
  if (group === undefined) return;
  /** Signals every process of the group; false once none is left. */
  const signalGroup = (signal: NodeJS.Signals | 0) => {
    try {
      process.kill(-group, signal);
      return true;
    } catch {
      return false;
    }
  };
  if (!signalGroup('SIGTERM')) return;
  // SIGKILL after 5 s; after 7 s go on regardless (an orphan nobody reaps would look alive for ever).
  const started = Date.now();
  while (signalGroup(0) && Date.now() - started < 7000) {
    if (Date.now() - started > 5000) signalGroup('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
