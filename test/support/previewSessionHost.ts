// A PreviewSession's host for tests: what the session posts is collected, its log goes nowhere, and the settings are
// the defaults unless a test gives its own.
import type { PreviewSessionHost } from '../../src/core/preview/previewSession';
import type { EpisodePreviewHostMessage } from '../../src/protocol/episodePreview';

export function testSessionHost(
  posted: EpisodePreviewHostMessage[],
  overrides: Partial<PreviewSessionHost> = {},
): PreviewSessionHost {
  return {
    post: (message) => posted.push(message),
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    flag: async () => null,
    scanOptions: () => ({ defaultFps: 30, actionDim: 7, jpegSampleFrames: 8, checkSeconds: 5 }),
    rawColorOrder: () => 'rgb',
    frameCacheMB: () => 128,
    ...overrides,
  };
}
