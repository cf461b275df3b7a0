// When the page started, for the first-frame figure the host logs. Imported first by main.ts: `script` is the moment
// the bundle began to run.
import type { FirstPaintSteps } from '../../src/protocol/episodePreview';

type DocumentSteps = Pick<FirstPaintSteps, 'document' | 'script' | 'ready'>;

let documentSteps: DocumentSteps | undefined = {
  document: Math.round(performance.timeOrigin),
  script: Date.now(),
};

export function markReady(): void {
  if (documentSteps) documentSteps = { ...documentSteps, ready: Date.now() };
}

/** The document's own steps, given once: to the first episode the document shows. */
export function takeDocumentSteps(): DocumentSteps {
  const steps = documentSteps ?? {};
  documentSteps = undefined;
  return steps;
}
