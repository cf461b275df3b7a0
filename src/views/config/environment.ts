// The training environment the config editor's figures assume: the ctrlWorld.training.* settings, or the GPUs of a
// host the launcher selected (it calls the command below), which then win until cleared.
import * as vscode from 'vscode';
import { Disposable } from '../../core/lifecycle';
import type { TrainingEnvironment } from '../../core/config';
import type { Settings } from '../../settings';

/**
 * Internal command: `executeCommand(USE_HOST_ENVIRONMENT_COMMAND, { label, gpus, gpuMemoryGb?, secondsPerStep? })`, or
 * no argument to go back to the settings.
 */
export const USE_HOST_ENVIRONMENT_COMMAND = 'ctrlWorld.config.useHostEnvironment';

export interface HostEnvironment {
  readonly label: string;
  readonly gpus?: number;
  readonly gpuMemoryGb?: number;
  /** Measured seconds per step of the last run of this config on that host. */
  readonly secondsPerStep?: number;
}

export class TrainingEnvironmentSource extends Disposable {
  private host: HostEnvironment | undefined;
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  constructor(private readonly settings: Settings) {
    super();
    this.register(settings.onDidChange(() => this.changed.fire()));
  }

  get current(): { environment: TrainingEnvironment; source: string } {
    const fromSettings = this.settings.trainingEnvironment;
    if (!this.host) return { environment: fromSettings, source: 'settings' };
    return {
      environment: {
        ...fromSettings,
        gpus: this.host.gpus ?? fromSettings.gpus,
        gpuMemoryGb: this.host.gpuMemoryGb ?? fromSettings.gpuMemoryGb,
        secondsPerStep: this.host.secondsPerStep,
      },
      source: this.host.label,
    };
  }

  useHost(host: HostEnvironment | undefined): void {
    this.host = host;
    this.changed.fire();
  }
}
