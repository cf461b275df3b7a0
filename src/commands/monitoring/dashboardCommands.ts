// Opening dashboards: for a run (from the Runs view, the palette), for an output folder on this machine or a host
// with no run record ("Open Output Folder"), and the sample gallery of the selected run.
import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import { hostLabelFor, LOCAL_KEY } from '../../training/hosts';
import type { DashboardPanels } from '../../views/dashboard/dashboardPanels';
import { askText, pickOne } from '../../views/quickInput';
import { resolveRun, type RunArgument } from '../training/runCommands';
import type { MonitoringServices } from '../../training/monitoringServices';

export async function openRunDashboard(
  services: MonitoringServices,
  panels: DashboardPanels,
  argument: RunArgument,
): Promise<void> {
  const run = await resolveRun(services, argument, () => true, 'open the dashboard of');
  if (run) panels.open({ kind: 'run', host: run.host, runId: run.summary.record.runId });
}

async function pickFolderHost(services: MonitoringServices): Promise<string | undefined> {
  const items = [
    { label: '$(device-desktop) This machine', description: 'a folder VS Code can open', key: LOCAL_KEY },
    ...services.hosts
      .known()
      .filter((key) => key !== LOCAL_KEY)
      .map((key) => ({ label: `$(server) ${hostLabelFor(key)}`, description: 'over SSH', key })),
    { label: '$(add) Another SSH host…', description: 'a Host alias or user@host', key: '' },
  ];
  const picked = await pickOne(items, { title: 'Open Output Folder: where is it?' });
  if (!picked) return undefined;
  if (picked.key) return picked.key;
  return (
    await askText({
      title: 'Open Output Folder',
      prompt: 'SSH host (a Host alias from your SSH config, or user@host)',
      validate: (value) => (/^[^\s-][^\s]*$/.test(value.trim()) ? undefined : 'Enter a host name'),
    })
  )?.trim();
}

/** "Open Output Folder": the same dashboard for a model_ckpt/... folder, local or remote, with no run record. */
export async function openOutputFolder(
  services: MonitoringServices,
  panels: DashboardPanels,
  uri?: vscode.Uri,
): Promise<void> {
  const host = uri ? LOCAL_KEY : await pickFolderHost(services);
  if (!host) return;
  let dir: string | undefined;
  if (uri) dir = uri.fsPath;
  else if (host === LOCAL_KEY) {
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      openLabel: 'Open Output Folder',
      title: 'A training output folder (checkpoint-N.pt, samples/)',
    });
    dir = picked?.[0]?.fsPath;
  } else {
    const typed = await askText({
      title: `Open Output Folder on ${hostLabelFor(host)}`,
      value: `${services.hosts.folderFor(host).replace(/\/+$/, '')}/model_ckpt/`,
      prompt: 'The output folder on the host (absolute, or relative to the home folder)',
      validate: (value) => (value.trim() ? undefined : 'Enter a folder'),
    });
    if (typed) dir = await (await services.hosts.registry(host)).host.resolve(typed);
  }
  if (!dir) return;
  const folder = { host, dir };
  try {
    const listing = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Looking into ${dir}…` },
      () => services.outputs.get(folder, 0),
    );
    if (!listing.exists) {
      void vscode.window.showErrorMessage(`Ctrl-World: ${dir} does not exist on ${hostLabelFor(host)}.`);
      return;
    }
    if (host !== LOCAL_KEY) await services.hosts.remember(host);
    // A folder that a run of this host's registry wrote gets that run's dashboard, charts from its log included.
    const owner =
      listing.owner && (await (await services.hosts.registry(host)).get(listing.owner.runId).catch(() => undefined));
    panels.open(owner ? { kind: 'run', host, runId: owner.record.runId } : { kind: 'folder', host, dir });
  } catch (error) {
    void vscode.window.showErrorMessage(`Ctrl-World: could not open ${dir}: ${describeError(error)}`);
  }
}

/** The samples of the run the Sample Preview shows, in its dashboard's gallery. */
export function openSampleGallery(services: MonitoringServices, panels: DashboardPanels): void {
  const selected = services.selection.current;
  if (!selected) {
    void vscode.window.showInformationMessage(
      'Ctrl-World: select a run in the Runs view first; its validation videos open in the gallery.',
    );
    return;
  }
  panels.open(selected.target, 'samples');
}

export async function clearSampleCache(services: MonitoringServices): Promise<void> {
  const { bytes, files } = await services.samples.usage();
  await services.samples.clear();
  void vscode.window.showInformationMessage(
    `Ctrl-World: removed ${files} cached video${files === 1 ? '' : 's'} (${(bytes / 1048576).toFixed(1)} MiB). They are fetched again when watched.`,
  );
}
