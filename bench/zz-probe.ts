import { Workbench } from '../test/e2e/support/workbench';
import { episodePreviewFrame, waitForCounters, focusPreview, previewCounters } from '../test/e2e/support/episodePreview';
async function main() {
  const dir = '/work/wt/issue-5/.cache/bench/episode-preview-2000';
  const wb = await Workbench.launch({ workspace: dir, viewport: { width: 1600, height: 1000 } });
  try {
    await wb.openCtrlWorld();
    await wb.runCommand('Ctrl-World: Open Episode Preview');
    await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'episode_0.hdf5' }).first().waitFor({ timeout: 30000 });
    await wb.page.keyboard.press('Enter');
    const f = await episodePreviewFrame(wb.page, 'episode_0.hdf5');
    await waitForCounters(f, (c) => c.painted >= 1, 30000);
    await wb.page.waitForTimeout(3000);
    await f.evaluate(`(() => {
      const w = window;
      w.__probe = { decodes: [], raf: 0, msgs: 0, msgGaps: [], last: 0 };
      const orig = window.createImageBitmap.bind(window);
      window.createImageBitmap = async (...args) => { const t = performance.now(); const r = await orig(...args); w.__probe.decodes.push(performance.now() - t); return r; };
      function loop() { w.__probe.raf++; requestAnimationFrame(loop); } requestAnimationFrame(loop);
      window.addEventListener('message', () => { const now = performance.now(); if (w.__probe.last) w.__probe.msgGaps.push(now - w.__probe.last); w.__probe.last = now; w.__probe.msgs++; });
    })()`);
    await focusPreview(f);
    const c0 = await previewCounters(f);
    const t0 = Date.now();
    await wb.page.keyboard.press('Space');
    await wb.page.waitForTimeout(6000);
    const c1 = await previewCounters(f);
    const dt = (Date.now() - t0) / 1000;
    await wb.page.keyboard.press('Space');
    const probe: any = await f.evaluate(`(() => { const p = window.__probe; const d = [...p.decodes].sort((a, b) => a - b); const g = [...p.msgGaps].sort((a, b) => a - b); return { raf: p.raf, msgs: p.msgs, decodes: d.length, decodeMedian: d[Math.floor(d.length / 2)], decodeP90: d[Math.floor(d.length * 0.9)], gapsMedian: g[Math.floor(g.length / 2)], gapsP90: g[Math.floor(g.length * 0.9)] }; })()`);
    console.log(JSON.stringify({ dt, painted: c1.painted - c0.painted, frames: c1.frame - c0.frame, stalls: c1.stalls - c0.stalls, rafPerS: probe.raf / dt, msgsPerS: probe.msgs / dt, ...probe }));
    console.log(wb.extensionLog().split('\n').filter((l) => /DEBUG/.test(l)).slice(-8).join('\n'));
    const cpu = 0;
    void cpu;
  } finally { await wb.close(); }
}
main().catch((e) => { console.error(e); process.exit(1); });
