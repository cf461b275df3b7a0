// The manifest: the trust boundary (what an untrusted workspace can make the extension run), keys and menus.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../support/fixtures';

interface Manifest {
  activationEvents: string[];
  capabilities: {
    untrustedWorkspaces: { supported: string | boolean; description?: string; restrictedConfigurations?: string[] };
  };
  contributes: {
    commands: Array<{ command: string; enablement?: string }>;
    configuration: { properties: Record<string, { scope?: string }> };
    keybindings: Array<{ command: string; key: string; mac?: string; when?: string }>;
    menus: Record<string, Array<{ command: string; when?: string }>>;
  };
}
const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;
/** Settings whose value becomes a program to run or a file ssh reads. */
const RUNS_PROGRAMS = ['ctrlWorld.remote.envSetup', 'ctrlWorld.ffmpegPath', 'ctrlWorld.ssh.configFile'];
/** Commands that contact a GPU host over ssh or run a program on this machine. */
const RUNS_SOMETHING = [
  'ctrlWorld.startTraining',
  'ctrlWorld.refreshRuns',
  'ctrlWorld.followRun',
  'ctrlWorld.stopRun',
  'ctrlWorld.continueFromCheckpoint',
  'ctrlWorld.openRunDashboard',
  'ctrlWorld.openOutputFolder',
  'ctrlWorld.downloadCheckpoint',
  'ctrlWorld.openSampleGallery',
  'ctrlWorld.encodeLatents',
  'ctrlWorld.addConvertedDatasetOnHost',
  'ctrlWorld.openInWandb',
  'ctrlWorld.syncRunToWandb',
];

test('settings that run programs are machine-overridable and ignored from an untrusted workspace', () => {
  const { untrustedWorkspaces } = manifest.capabilities;
  assert.equal(untrustedWorkspaces.supported, 'limited');
  assert.match(untrustedWorkspaces.description ?? '', /browsed.*nothing that runs a program or contacts a GPU host/);
  assert.deepEqual([...(untrustedWorkspaces.restrictedConfigurations ?? [])].sort(), [...RUNS_PROGRAMS].sort());
  for (const name of RUNS_PROGRAMS)
    assert.equal(manifest.contributes.configuration.properties[name]?.scope, 'machine-overridable', name);
});

test('every command that runs ssh or a program is disabled until the workspace is trusted; browsing is not', () => {
  const byId = new Map(manifest.contributes.commands.map((command) => [command.command, command]));
  for (const id of RUNS_SOMETHING) assert.match(byId.get(id)?.enablement ?? '', /isWorkspaceTrusted/, id);
  for (const id of ['ctrlWorld.openEpisodePreview', 'ctrlWorld.refreshDatasets', 'ctrlWorld.openConfig']) {
    assert.doesNotMatch(byId.get(id)?.enablement ?? '', /isWorkspaceTrusted/, id);
  }
});

test('activation waits for what is ours: HDF5 episodes or a Ctrl-World checkout, not any Python config', () => {
  assert.ok(!manifest.activationEvents.some((event) => /config\*\.py/.test(event)));
  assert.ok(manifest.activationEvents.includes('workspaceContains:**/scripts/train_wm.py'));
});

test("no keybinding takes a chord of the desktop, the OS or the workbench's own tree find", () => {
  const taken = ['ctrl+alt+t', 'cmd+alt+i', 'ctrl+alt+f', 'cmd+alt+f'];
  for (const binding of manifest.contributes.keybindings) {
    for (const key of [binding.key, binding.mac]) assert.ok(!key || !taken.includes(key), `${binding.command}: ${key}`);
  }
});

test("Flag shows on unflagged episodes only, Unflag on flagged ones (the item's context value carries the state)", () => {
  const menu = manifest.contributes.menus['view/item/context']!;
  assert.match(menu.find((item) => item.command === 'ctrlWorld.flagEpisode')?.when ?? '', /viewItem == episode$/);
  assert.match(
    menu.find((item) => item.command === 'ctrlWorld.unflagEpisode')?.when ?? '',
    /viewItem == episode\.flagged$/,
  );
});
