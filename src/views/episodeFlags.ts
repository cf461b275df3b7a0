// Flagging episodes from the editor: asks for the reason, writes the sidecar through core, tells every view, and
// decorates flagged episode files (Datasets tree and Explorer) with a flag badge and the reason.
import * as vscode from 'vscode';
import * as path from 'node:path';
import { Disposable } from '../core/lifecycle';
import { describeError } from '../core/errors';
import {
  FLAGS_FILE_NAME,
  FLAGS_FOLDER,
  clearFlag,
  flagsFileFor,
  readFlagsFile,
  setFlag,
  type EpisodeFlag,
} from '../core/dataset/flags';

const EPISODE_FILE = /\.(hdf5|h5)$/i;

export class EpisodeFlags extends Disposable implements vscode.FileDecorationProvider {
  private readonly changed = this.register(new vscode.EventEmitter<string[]>());
  /** Fires with the episode files whose flag changed (or every file of a sidecar edited outside the editor). */
  readonly onDidChange = this.changed.event;
  private readonly decorationsChanged = this.register(new vscode.EventEmitter<vscode.Uri[] | undefined>());
  readonly onDidChangeFileDecorations = this.decorationsChanged.event;
  /** Sidecars read or being read, by path; dropped when the file changes on disk. */
  private readonly sidecars = new Map<string, Promise<Map<string, EpisodeFlag>>>();
  /** The sidecars whose reading finished, for views that need an answer synchronously (tree items). */
  private readonly loaded = new Map<string, Map<string, EpisodeFlag>>();

  constructor(private readonly log: vscode.LogOutputChannel) {
    super();
    const watcher = this.register(vscode.workspace.createFileSystemWatcher(`**/${FLAGS_FOLDER}/${FLAGS_FILE_NAME}`));
    const reload = (uri: vscode.Uri) => this.sidecarChanged(uri.fsPath);
    this.register(watcher.onDidChange(reload));
    this.register(watcher.onDidCreate(reload));
    this.register(watcher.onDidDelete(reload));
    this.register(vscode.window.registerFileDecorationProvider(this));
  }

  async get(episodeFile: string): Promise<EpisodeFlag | undefined> {
    try {
      return (await this.sidecar(flagsFileFor(episodeFile))).get(path.basename(episodeFile));
    } catch (error) {
      this.log.warn(describeError(error));
      return undefined;
    }
  }

  /**
   * The flag as far as it is known now, for tree items built synchronously. An unread sidecar is read in the
   * background, and onDidChange fires for its flagged episodes once it is.
   */
  peek(episodeFile: string): EpisodeFlag | undefined {
    const sidecar = flagsFileFor(episodeFile);
    const known = this.loaded.get(sidecar);
    if (known) return known.get(path.basename(episodeFile));
    if (!this.sidecars.has(sidecar)) {
      void this.sidecar(sidecar).then(
        (flags) => {
          if (flags.size > 0)
            this.changed.fire([...flags.keys()].map((name) => path.join(path.dirname(path.dirname(sidecar)), name)));
        },
        (error: unknown) => this.log.warn(describeError(error)),
      );
    }
    return undefined;
  }

  /** Asks for the reason and flags the episode; returns the flag, or undefined when the user cancelled. */
  async flag(episodeFile: string): Promise<EpisodeFlag | undefined> {
    const name = path.basename(episodeFile);
    const reason = await vscode.window.showInputBox({
      title: `Flag ${name}`,
      prompt: 'What is wrong with this demonstration? Flagged episodes are left out of conversion.',
      placeHolder: 'e.g. wrist camera blocked from frame 120',
      value: (await this.get(episodeFile))?.reason,
      validateInput: (value) => (value.trim() ? undefined : 'Say why, so the flag still makes sense later.'),
    });
    if (reason === undefined) return undefined;
    return this.write(episodeFile, async () => {
      const flag = await setFlag(episodeFile, reason);
      this.log.info(`Flagged ${episodeFile}: ${flag.reason}`);
      vscode.window.setStatusBarMessage(`$(flag) Flagged ${name}`, 4000);
      return flag;
    });
  }

  async unflag(episodeFile: string): Promise<void> {
    await this.write(episodeFile, async () => {
      if (await clearFlag(episodeFile)) {
        this.log.info(`Unflagged ${episodeFile}`);
        vscode.window.setStatusBarMessage(`Unflagged ${path.basename(episodeFile)}`, 4000);
      } else {
        vscode.window.setStatusBarMessage(`${path.basename(episodeFile)} is not flagged`, 4000);
      }
    });
  }

  async provideFileDecoration(uri: vscode.Uri): Promise<vscode.FileDecoration | undefined> {
    if (uri.scheme !== 'file' || !EPISODE_FILE.test(uri.fsPath)) return undefined;
    const flag = await this.get(uri.fsPath);
    if (!flag) return undefined;
    const decoration = new vscode.FileDecoration(
      '⚑',
      `Flagged: ${flag.reason}`,
      new vscode.ThemeColor('list.warningForeground'),
    );
    decoration.propagate = false;
    return decoration;
  }

  private async write<T>(episodeFile: string, change: () => Promise<T>): Promise<T | undefined> {
    try {
      return await change();
    } catch (error) {
      this.log.error(describeError(error));
      const choice = await vscode.window.showErrorMessage(describeError(error), 'Open Flags File', 'Show Output');
      if (choice === 'Open Flags File')
        await vscode.window.showTextDocument(vscode.Uri.file(flagsFileFor(episodeFile)));
      if (choice === 'Show Output') this.log.show(true);
      return undefined;
    } finally {
      this.forget(flagsFileFor(episodeFile));
      await this.sidecar(flagsFileFor(episodeFile)).catch(() => undefined);
      this.changed.fire([episodeFile]);
      this.decorationsChanged.fire([vscode.Uri.file(episodeFile)]);
    }
  }

  private sidecar(file: string): Promise<Map<string, EpisodeFlag>> {
    let flags = this.sidecars.get(file);
    if (!flags) {
      flags = readFlagsFile(file);
      this.sidecars.set(file, flags);
      flags.then(
        (read) => {
          if (this.sidecars.get(file) === flags) this.loaded.set(file, read);
        },
        () => undefined,
      );
    }
    return flags;
  }

  private forget(file: string): void {
    this.sidecars.delete(file);
    this.loaded.delete(file);
  }

  /** The sidecar was edited outside (another window, the CLI, a text editor): every episode beside it may change. */
  private async sidecarChanged(file: string): Promise<void> {
    const before = await this.sidecars.get(file)?.catch(() => undefined);
    this.forget(file);
    const after = await this.sidecar(file).catch(() => undefined);
    const folder = path.dirname(path.dirname(file));
    const names = new Set([...(before?.keys() ?? []), ...(after?.keys() ?? [])]);
    const episodes = [...names].map((name) => path.join(folder, name));
    if (episodes.length === 0) return;
    this.changed.fire(episodes);
    this.decorationsChanged.fire(episodes.map((episode) => vscode.Uri.file(episode)));
  }
}
