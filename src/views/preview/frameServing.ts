// The editor's side of the frame server: started with the first preview that fetches its frames, reachable from the
// webview through the address VS Code gives it (the same 127.0.0.1 locally, a forwarded port or code-server's proxy
// when the window is elsewhere).
import * as vscode from 'vscode';
import { Disposable } from '../../core/lifecycle';
import { FrameServer, type FrameReader } from '../../core/preview/frameServer';
import type { ServedFrames } from '../../core/preview/previewSession';
import type { Settings } from '../../settings';

export class FrameServing extends Disposable {
  private started: Promise<{ server: FrameServer; base: string }> | undefined;

  constructor(private readonly settings: Settings) {
    super();
  }

  /** Where the webview fetches the episode's frames; undefined when the setting sends them as messages. */
  async serve(read: FrameReader, frameCount: number): Promise<ServedFrames | undefined> {
    if (this.settings.previewFrameTransport !== 'http') return undefined;
    const { server, base } = await (this.started ??= this.start());
    const route = server.serve(read, frameCount);
    return { url: `${base}${route.path.slice(1)}`, dispose: () => route.dispose() };
  }

  private async start(): Promise<{ server: FrameServer; base: string }> {
    const server = this.register(await FrameServer.start());
    const external = await vscode.env.asExternalUri(vscode.Uri.parse(`http://127.0.0.1:${server.port}/`));
    const base = external.toString(true);
    return { server, base: base.endsWith('/') ? base : `${base}/` };
  }
}
