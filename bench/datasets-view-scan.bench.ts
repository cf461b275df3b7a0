// The Datasets view's first scan after activation in a real VS Code (code-server): 200 JPEG episodes in the
// workspace, the time the view logs for its scan ("Datasets scanned: … ms"), each in a fresh VS Code (a reload would
// find the summaries saved by the previous scan).
import { Workbench } from '../test/e2e/support/workbench';
import { tempDir, writeEpisodes } from '../test/support/fixtures';

const LAUNCHES = Number(process.env.LAUNCHES ?? 3);
const EPISODES = 200;
const SCANNED = /Datasets scanned: (\d+) episodes in \d+ folders, \d+ files read, (\d+) ms\./g;

async function firstScan(workbench: Workbench): Promise<number> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const scans = [...workbench.extensionLog().matchAll(SCANNED)].filter((match) => Number(match[1]) === EPISODES);
    if (scans.length > 0) return Number(scans[0]![2]);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no scan of ${EPISODES} episodes in the extension log`);
}

async function main(): Promise<void> {
  const { dir, cleanup } = await tempDir('cwf-bench-ws-');
  const started = performance.now();
  await writeEpisodes(
    dir,
    Array.from({ length: EPISODES }, (_, i) => ({
      path: `flexiv_bench/episode_${i}.hdf5`,
      frames: 300 + ((i * 37) % 301),
      seed: i,
      height: 120,
      width: 160,
    })),
  );
  console.log(`Generated ${EPISODES} episodes in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  const figures: number[] = [];
  try {
    for (let i = 0; i < LAUNCHES; i++) {
      const workbench = await Workbench.launch({ workspace: dir });
      try {
        await workbench.openCtrlWorld();
        figures.push(await firstScan(workbench));
      } finally {
        await workbench.close();
      }
    }
    console.log(
      `first Datasets scan after activation, ${EPISODES} episodes: ${figures.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(' / ')} ` +
        `(min ${(Math.min(...figures) / 1000).toFixed(2)} s)`,
    );
  } finally {
    await cleanup();
  }
}

void main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
